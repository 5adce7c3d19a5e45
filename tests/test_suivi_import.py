"""Importing filled sheets: exact totals, every bad row named by its cell, idempotence, corrections."""

from __future__ import annotations

import datetime
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from clause_kit.dossier.classeur_suivi import NOM_FICHIER
from clause_kit.dossier.construction import construire, ecrire
from clause_kit.suivi.registre import APPLICATION_ID
from tests.suivi_commun import BONNES, CONTRAT, compter, etat, importer, ligne
from tests.tableur import CSV_DEFAUT, CSV_FRANCAIS, convertir, remplir

ERREURS = [  # (row, expected cell, expected words)
    (ligne("CUG-010", type_contrat="CDI à mi-temps"), "J", "code inconnu « CDI à mi-temps »"),
    (ligne("CUG-011", heures=-5), "N", "négatif"),
    (ligne("CUG-012", heures=300), "N", "plus que le maximum de 250"),
    (ligne("CUG-013", fin_contrat=datetime.date(2026, 1, 1)), "L", "avant son début"),
    (ligne("CUG-014", debut_contrat="31/02/2026"), "K", "date impossible"),
    (ligne("CUG-015", mois="2026-12", fin_contrat=None), "M", "après la fin d'exécution du marché"),
    (ligne("CUG-001", heures=4), "C", "figure déjà ligne 12"),
    (ligne("CUG-016", lot=3), "B", "ne porte pas de clause"),
    (ligne("CUG-017", debut_contrat=datetime.date(2026, 3, 1), fin_contrat=None, lot=2, mois="2026-04"), "K", ""),
]


def test_totaux_exacts_et_chaque_ligne_fausse_nommee_par_sa_cellule(
    contrat: Path, vierge: bytes, tmp_path: Path
) -> None:
    lignes = [*BONNES, *(e[0] for e in ERREURS[:-1])]
    fiche = remplir(vierge, lignes, tmp_path / "fiche.xlsx", titulaire="Bâtisseurs du Garlaban", siret="73282932000074")
    base = tmp_path / "suivi.sqlite"
    resultat = importer(base, contrat, fiche)
    assert resultat.exit_code == 1  # some rows were rejected, the rest imported
    for rang, (_, colonne, mots) in enumerate(ERREURS[:-1], start=12 + len(BONNES)):
        attendu = f"{fiche}:Suivi!{colonne}{rang}: "
        message = next((m for m in resultat.stderr.splitlines() if m.startswith(attendu)), None)
        assert message is not None and mots in message, (attendu, resultat.stderr)
    assert "3 ligne(s) importée(s), 8 rejetée(s)" in resultat.stdout
    donnees = etat(base)
    assert donnees["heures_dues"] == 1067
    assert donnees["heures_realisees"] == 255.75
    (marche,) = donnees["marches"]
    assert [(lot["numero"], lot["heures_dues"], lot["heures_realisees"]) for lot in marche["lots"]] == [
        (1, 800, 220.25),
        (2, 267, 35.5),
    ]
    assert compter(base, "rejets") == 8
    with sqlite3.connect(base) as connexion:
        valeurs = json.loads(connexion.execute("SELECT valeurs FROM rejets ORDER BY id LIMIT 1").fetchone()[0])
        assert valeurs["type_contrat"] == "CDI à mi-temps"  # kept raw
        assert connexion.execute(
            "SELECT titulaire, siret_titulaire FROM fichiers WHERE nature = 'feuille'"
        ).fetchone() == (
            "Bâtisseurs du Garlaban",
            "73282932000074",
        )
    assert sorted(p.suffix for p in (tmp_path / "suivi-preuves").iterdir()) == [".xlsx", ".yaml"]


def test_deux_contrats_qui_se_chevauchent_pour_une_personne(contrat: Path, vierge: bytes, tmp_path: Path) -> None:
    lignes = [
        ligne("CUG-020", lot=2, mois="2026-04"),
        ligne("CUG-020", lot=1, mois="2026-05", debut_contrat="2026-03-01"),
    ]
    fiche = remplir(vierge, lignes, tmp_path / "fiche.xlsx")
    resultat = importer(tmp_path / "b.sqlite", contrat, fiche)
    assert resultat.exit_code == 1
    assert (
        f"{fiche}:Suivi!K13: Début du contrat (debut_contrat) : CUG-020 a déjà un autre contrat sur ce marché"
        in resultat.stderr
    )


def test_reimport_identique_ne_change_rien(contrat: Path, vierge: bytes, tmp_path: Path) -> None:
    fiche = remplir(vierge, BONNES, tmp_path / "fiche.xlsx")
    base = tmp_path / "suivi.sqlite"
    assert importer(base, contrat, fiche).exit_code == 0
    avant = etat(base), compter(base, "lignes"), compter(base, "fichiers")
    copie = tmp_path / "copie" / "meme-fiche.xlsx"
    copie.parent.mkdir()
    copie.write_bytes(fiche.read_bytes())
    resultat = importer(base, contrat, fiche, copie)
    assert resultat.exit_code == 0 and resultat.stdout.count("déjà importée, rien ne change") == 2
    assert "marché déjà enregistré, inchangé" in resultat.stdout
    assert (etat(base), compter(base, "lignes"), compter(base, "fichiers")) == avant


def test_fiche_corrigee_remplace_la_precedente_sans_l_effacer(contrat: Path, vierge: bytes, tmp_path: Path) -> None:
    base = tmp_path / "suivi.sqlite"
    mars = [ligne("CUG-001", heures=100), ligne("CUG-002", lot=2, heures=50)]
    assert importer(base, contrat, remplir(vierge, mars, tmp_path / "mars.xlsx")).exit_code == 0
    # The company corrects March: the lot 2 row was lot 1 (so lot 2 is zeroed by a row of 0 hours:
    # a row is replaced only by a row of the same identity), and hours were wrong.
    corrigee = [ligne("CUG-001", heures=90), ligne("CUG-002", lot=1, heures=60), ligne("CUG-002", lot=2, heures=0)]
    fiche = remplir(vierge, corrigee, tmp_path / "mars-corrigee.xlsx")
    resultat = importer(base, fiche)
    assert resultat.exit_code == 0 and "2 ligne(s) d'une fiche précédente remplacée(s)" in resultat.stdout
    assert f"{fiche} : 2026-TX-077 lot 1, mois 2026-03 : 1 ligne(s) de mars.xlsx remplacée(s) (100 h → 90 h)" in (
        resultat.stdout
    )
    assert "lot 2, mois 2026-03 : 1 ligne(s) de mars.xlsx remplacée(s) (50 h → 0 h)" in resultat.stdout
    lots = etat(base)["marches"][0]["lots"]
    assert [lot["heures_realisees"] for lot in lots] == [150, 0]
    assert compter(base, "lignes") == 5 and compter(base, "lignes", "remplacee_par IS NOT NULL") == 2


def test_deux_titulaires_du_meme_mois_ne_se_remplacent_pas(contrat: Path, vierge: bytes, tmp_path: Path) -> None:
    base = tmp_path / "suivi.sqlite"
    lot1 = remplir(vierge, [ligne("CUG-001", heures=100)], tmp_path / "lot1.xlsx")
    lot2 = remplir(vierge, [ligne("CUG-002", lot=2, heures=40)], tmp_path / "lot2.xlsx")
    avril = remplir(vierge, [ligne("CUG-001", heures=70, mois="2026-04")], tmp_path / "avril.xlsx")
    assert importer(base, contrat, lot1, lot2, avril).exit_code == 0
    assert etat(base)["heures_realisees"] == 210


def test_strict_refuse_la_fiche_entiere(contrat: Path, vierge: bytes, tmp_path: Path) -> None:
    base = tmp_path / "suivi.sqlite"
    fiche = remplir(vierge, [*BONNES, ERREURS[1][0]], tmp_path / "fiche.xlsx")
    resultat = importer(base, contrat, fiche, options=("--strict",))
    assert resultat.exit_code == 1 and "refusée en entier (--strict)" in resultat.stderr
    assert compter(base, "lignes") == 0 and compter(base, "rejets") == 0
    assert importer(base, fiche).exit_code == 1  # without --strict: imported, one row rejected
    assert compter(base, "lignes") == 3


def test_fiche_d_un_marche_inconnu_refusee(vierge: bytes, tmp_path: Path) -> None:
    fiche = remplir(vierge, BONNES, tmp_path / "fiche.xlsx")
    resultat = importer(tmp_path / "suivi.sqlite", fiche)
    assert resultat.exit_code == 1
    assert "marché 2026-TX-077 inconnu du registre ; fiche refusée" in resultat.stderr
    assert compter(tmp_path / "suivi.sqlite", "fichiers") == 0


def test_une_personne_sur_deux_feuilles_du_meme_classeur_comptee_une_fois(
    contrat: Path, vierge: bytes, tmp_path: Path
) -> None:
    # The company copies the tab for the next month and leaves a row of the previous one in it.
    fiche = remplir(vierge, BONNES, tmp_path / "fiche.xlsx")
    classeur = openpyxl.load_workbook(fiche)
    copie = classeur.copy_worksheet(classeur["Suivi"])
    copie.title = "Avril"
    copie["C13"], copie["N13"] = "CUG-050", 7  # a new person; row 12 (CUG-001, March, lot 1) left as it was
    classeur.save(fiche)
    base = tmp_path / "suivi.sqlite"
    resultat = importer(base, contrat, fiche)
    assert resultat.exit_code == 1
    assert (
        f"{fiche}:Avril!C12: Code de la personne (participant) : CUG-001 figure déjà ligne 12 de la feuille « Suivi »"
        in resultat.stderr
    )
    assert "4 ligne(s) importée(s), 2 rejetée(s)" in resultat.stdout  # CUG-003 (row 14) repeated too
    assert etat(base)["heures_realisees"] == 255.75 + 7


def test_ligne_d_un_autre_marche_tapee_dans_une_fiche_rejetee(contrat: Path, vierge: bytes, tmp_path: Path) -> None:
    # A row whose typed reference is another contract's, in this contract's workbook: named and kept out,
    # even when the register knows that other contract (it must not receive hours from this sheet).
    autre = tmp_path / "autre.yaml"
    autre.write_text(CONTRAT.replace("2026-TX-077", "2026-TX-078"), encoding="utf-8")
    base = tmp_path / "suivi.sqlite"
    fiche = remplir(vierge, [*BONNES, ligne("CUG-040", reference="2026-TX-078", heures=10)], tmp_path / "fiche.xlsx")
    resultat = importer(base, contrat, autre, fiche)
    assert resultat.exit_code == 1
    assert (
        f"{fiche}:Suivi!A15: Référence du marché (reference) : "
        "référence 2026-TX-078 différente de celle de la fiche (2026-TX-077)" in (resultat.stderr)
    )
    assert "3 ligne(s) importée(s), 1 rejetée(s)" in resultat.stdout
    par_marche = {m["reference"]: m["heures_realisees"] for m in etat(base)["marches"]}
    assert par_marche == {"2026-TX-077": 255.75, "2026-TX-078": 0}


@pytest.mark.parametrize(
    "valeur",
    # Names joined by « - », « _ » or « . » are names too (issue 21, tests/test_codes_personnes.py).
    [
        "Jean Dupont",
        "DUPONT",
        "1 85 07 13 055 123 45",
        "2850713055123",
        "DUPONT-JEAN-1",
        "MARTIN_SOPHIE_75",
        "dupont.jean",
    ],
)
def test_un_nom_ou_un_numero_de_securite_sociale_fait_refuser_la_fiche(
    contrat: Path, vierge: bytes, tmp_path: Path, valeur: str
) -> None:
    base = tmp_path / "suivi.sqlite"
    fiche = remplir(vierge, [*BONNES, ligne(valeur)], tmp_path / "fiche.xlsx")
    resultat = importer(base, contrat, fiche)
    assert resultat.exit_code == 1
    assert f"{fiche}:Suivi!C15: Code de la personne (participant) : ressemble à un nom" in resultat.stderr
    assert valeur not in resultat.output
    assert compter(base, "lignes") == 0 and compter(base, "rejets") == 0
    assert compter(base, "fichiers", "nature = 'feuille'") == 0
    assert not list((tmp_path / "suivi-preuves").glob("*.xlsx"))


@pytest.mark.lent
@pytest.mark.parametrize("filtre", ["ods", CSV_FRANCAIS, CSV_DEFAUT])
def test_fiche_enregistree_par_libreoffice(contrat: Path, vierge: bytes, tmp_path: Path, filtre: str) -> None:
    fiche = remplir(vierge, [*BONNES, ERREURS[2][0]], tmp_path / "fiche.xlsx")
    convertie = convertir(fiche, filtre, tmp_path / "lo")
    base = tmp_path / "suivi.sqlite"
    resultat = importer(base, contrat, convertie)
    assert resultat.exit_code == 1 and "3 ligne(s) importée(s), 1 rejetée(s)" in resultat.stdout
    attendu = (
        f"{convertie}:Suivi!N15: Heures travaillées (heures) :"
        if filtre == "ods"
        else f"{convertie}:15: Heures travaillées (heures) :"
    )
    assert attendu in resultat.stderr
    assert etat(base)["heures_realisees"] == 255.75


def test_csv_ecrit_a_la_main_avec_cles_ou_libelles(contrat: Path, tmp_path: Path) -> None:
    csv = tmp_path / "saisie.csv"
    csv.write_text(
        "reference;lot;participant;publics;sexe;tranche_age;residence;modalite;siret_employeur;type_contrat;"
        "debut_contrat;fin_contrat;mois;heures;heures_formation;sortie\n"
        "2026-TX-077;1;cug-030;rsa;f;moins_26;qpv;mise_a_disposition;73282932000074;interim;2026-02-01;2026-03-31;"
        "2026-03;80;7;emploi_durable\n"
        "2026-TX-077;2;CUG-031;jeune;m;26_49;;embauche_directe;;apprentissage;2026-02-01;;2026-03;12.5;;\n"
        "2026-TX-999;1;CUG-032;jeune;m;26_49;;embauche_directe;;cdi;2026-02-01;;2026-03;10;;\n",
        encoding="utf-8",
    )
    base = tmp_path / "suivi.sqlite"
    resultat = importer(base, contrat, csv)
    assert resultat.exit_code == 1
    assert f"{csv}:4: Référence du marché (reference) : marché 2026-TX-999 inconnu du registre" in resultat.stderr
    assert etat(base)["heures_realisees"] == 92.5  # training hours shown, not counted: the contract does not say so
    with sqlite3.connect(base) as connexion:
        assert connexion.execute("SELECT participant, sortie FROM lignes WHERE lot_id = 1").fetchone() == (
            "CUG-030",
            "emploi_durable",
        )


def test_dossier_genere_importe_par_son_manifeste(tmp_path: Path, contrat: Path, vierge: bytes) -> None:
    cible = ecrire(construire(contrat), tmp_path / "sortie")
    base = tmp_path / "suivi.sqlite"
    resultat = importer(base, tmp_path / "sortie")  # manifest.json, and the blank workbook
    assert resultat.exit_code == 0, resultat.output
    assert "marché enregistré (2026-TX-077)" in resultat.stdout
    assert f"{cible / NOM_FICHIER} : aucune ligne remplie" in resultat.stdout
    fiche = remplir((cible / NOM_FICHIER).read_bytes(), BONNES, tmp_path / "fiche.xlsx")
    assert importer(base, fiche).exit_code == 0
    assert etat(base)["heures_realisees"] == 255.75


@pytest.mark.parametrize(
    ("nom", "contenu", "mots"),
    [
        ("casse.xlsx", b"PK\x03\x04 pas un classeur", "classeur illisible"),
        ("binaire.csv", b"\x00\x01\x02" * 100, "contenu binaire"),
        ("sans-entete.csv", b"a;b;c\n1;2;3\n", "en-tête introuvable"),
        ("notes.txt", b"bonjour", "type de fichier non pris en charge"),
    ],
)
def test_fichier_illisible_refuse_sans_trace(tmp_path: Path, nom: str, contenu: bytes, mots: str) -> None:
    chemin = tmp_path / nom
    chemin.write_bytes(contenu)
    resultat = importer(tmp_path / "suivi.sqlite", chemin)
    assert resultat.exit_code == 1 and mots in resultat.stderr and "Traceback" not in resultat.output


@pytest.mark.parametrize("lointaine", ["XFD1048576", "B1048576"])
def test_classeur_a_cellule_lointaine_refuse_sans_abandon(
    contrat: Path, vierge: bytes, tmp_path: Path, lointaine: str
) -> None:
    # One stray value at the far end of the sheet: calamine would build a grid from A1 to it (half a
    # terabyte for XFD1048576) and abort the process. Run apart, so that an abort fails this test only.
    fiche = remplir(vierge, BONNES, tmp_path / "fiche.xlsx")
    classeur = openpyxl.load_workbook(fiche)
    classeur["Suivi"][lointaine] = 1
    classeur.save(fiche)
    base = tmp_path / "suivi.sqlite"
    assert importer(base, contrat).exit_code == 0
    commande = [sys.executable, "-m", "clause_kit", "suivi", "importer", str(fiche), "--base", str(base)]
    resultat = subprocess.run(commande, capture_output=True, text=True, timeout=120)
    assert resultat.returncode == 1, resultat.stderr[-2000:]
    assert f"{fiche} : classeur trop étendu (cellule remplie jusqu'en {lointaine})" in resultat.stderr
    assert "Traceback" not in resultat.stderr and compter(base, "lignes") == 0


def test_classeur_protege_par_mot_de_passe_nomme_comme_tel(tmp_path: Path) -> None:
    # What Excel and LibreOffice write for a password-protected .xlsx: an OLE compound file whose
    # directory names the streams EncryptionInfo and EncryptedPackage (here only their names).
    repertoire = b"".join(nom.encode("utf-16-le").ljust(128, b"\0") for nom in ("Root Entry", "EncryptionInfo"))
    chiffre = tmp_path / "fiche.xlsx"
    chiffre.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".ljust(512, b"\0")
        + repertoire
        + "EncryptedPackage".encode("utf-16-le").ljust(128, b"\0")
    )
    resultat = importer(tmp_path / "suivi.sqlite", chiffre)
    assert resultat.exit_code == 1 and "Traceback" not in resultat.output
    assert f"{chiffre} : classeur protégé par un mot de passe ; retirez le mot de passe" in resultat.stderr


def test_chemin_absent_refuse_et_les_autres_importes(contrat: Path, tmp_path: Path) -> None:
    resultat = importer(tmp_path / "suivi.sqlite", tmp_path / "absente.xlsx", contrat)
    assert resultat.exit_code == 1
    assert f"{tmp_path / 'absente.xlsx'} : fichier introuvable" in resultat.stderr
    assert "marché enregistré (2026-TX-077)" in resultat.stdout


def test_base_d_une_version_plus_recente_refusee(tmp_path: Path, contrat: Path) -> None:
    base = tmp_path / "suivi.sqlite"
    with sqlite3.connect(base) as connexion:
        # A newer clause_kit stamps its registers as this one does: the stamp, then a schema it does not know.
        connexion.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        connexion.execute("PRAGMA user_version = 99")
    resultat = importer(base, contrat)
    assert resultat.exit_code == 1 and "version plus récente de clause_kit" in resultat.stderr


def test_pas_une_base(tmp_path: Path, contrat: Path) -> None:
    base = tmp_path / "suivi.sqlite"
    base.write_text("ceci n'est pas une base")
    resultat = importer(base, contrat)
    assert resultat.exit_code == 1 and "n'est pas une base de suivi" in resultat.stderr
    assert base.read_text() == "ceci n'est pas une base"


def test_une_valeur_demesuree_est_citee_en_abrege(contrat: Path, vierge: bytes, tmp_path: Path) -> None:
    fiche = remplir(vierge, [ligne("CUG-040", modalite="x" * 5000)], tmp_path / "fiche.xlsx")
    resultat = importer(tmp_path / "suivi.sqlite", contrat, fiche)
    assert resultat.exit_code == 1
    (message,) = [m for m in resultat.stderr.splitlines() if "Suivi!H12" in m]
    assert "x" * 57 + "…" in message and len(message) < 400


def test_une_meme_reference_pour_un_autre_acheteur_est_refusee(contrat: Path, tmp_path: Path) -> None:
    autre = tmp_path / "autre.yaml"
    autre.write_text(
        CONTRAT.replace("Commune de Cuges-les-Pins, commune: Cuges-les-Pins", "Ville d'Auriol, commune: Auriol")
    )
    base = tmp_path / "suivi.sqlite"
    assert importer(base, contrat).exit_code == 0
    resultat = importer(base, autre)
    assert resultat.exit_code == 1 and "est déjà celle d'un marché de Commune de Cuges-les-Pins" in resultat.stderr
    assert etat(base)["donneurs_ordre"][0]["nom"] == "Commune de Cuges-les-Pins"


def test_un_marche_modifie_est_mis_a_jour(contrat: Path, vierge: bytes, tmp_path: Path) -> None:
    base = tmp_path / "suivi.sqlite"
    assert importer(base, contrat, remplir(vierge, BONNES, tmp_path / "fiche.xlsx")).exit_code == 0
    contrat.write_text(CONTRAT.replace("pourcentage: 8", "pourcentage: 10"), encoding="utf-8")
    resultat = importer(base, contrat)
    assert resultat.exit_code == 0 and "marché enregistré" in resultat.stdout
    assert etat(base)["heures_dues"] == 1333 and etat(base)["heures_realisees"] == 255.75
    sans_lot_2 = CONTRAT.replace("    - {numero: 2, intitule: Menuiseries, montant_ht: 200000}\n", "").replace(
        "montant_ht: 900000", "montant_ht: 700000"
    )
    contrat.write_text(sans_lot_2, encoding="utf-8")
    resultat = importer(base, contrat)
    assert resultat.exit_code == 1 and "n'a plus de lot 2, qui a pourtant des heures déclarées" in resultat.stderr


def test_chevauchement_avec_un_contrat_deja_au_registre(contrat: Path, vierge: bytes, tmp_path: Path) -> None:
    base = tmp_path / "suivi.sqlite"
    mars = remplir(vierge, [ligne("CUG-060", lot=1, mois="2026-03")], tmp_path / "lot1-mars.xlsx")
    assert importer(base, contrat, mars).exit_code == 0
    # Another sheet (the lot 2 holder) declares the same person in April on a contract that overlaps.
    avril = [ligne("CUG-060", lot=2, mois="2026-04", debut_contrat="2026-04-01"), ligne("CUG-061", lot=2)]
    fiche = remplir(vierge, avril, tmp_path / "lot2-avril.xlsx")
    resultat = importer(base, fiche)
    assert resultat.exit_code == 1
    assert (
        f"{fiche}:Suivi!K12: Début du contrat (debut_contrat) : "
        "CUG-060 a déjà, sur ce marché, un contrat déclaré du 02/02/2026" in (resultat.stderr)
    )
    assert "1 ligne(s) importée(s), 1 rejetée(s)" in resultat.stdout
    # The same contract declared again the next month is no overlap, nor is a correction of March.
    suite = remplir(vierge, [ligne("CUG-060", lot=1, mois="2026-04")], tmp_path / "lot1-avril.xlsx")
    corrige = remplir(
        vierge, [ligne("CUG-060", lot=1, mois="2026-03", debut_contrat="2026-02-03")], tmp_path / "c.xlsx"
    )
    assert importer(base, suite).exit_code == 0
    resultat = importer(base, corrige)
    assert resultat.exit_code == 1  # March corrected to a new start: it overlaps April's contract, still kept
    assert (
        importer(
            base, remplir(vierge, [ligne("CUG-060", lot=1, mois="2026-03", heures=90)], tmp_path / "d.xlsx")
        ).exit_code
        == 0
    )
