"""What a company types that the import must catch: names in any column, added columns, impossible hours, exits."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from clause_kit.cli import main
from clause_kit.commun.ooxml import lettres_colonne
from clause_kit.dossier.classeur_suivi import COLONNES, FEUILLE_SUIVI, LIGNE_LIBELLES
from tests.suivi_commun import compter, etat, importer, ligne
from tests.tableur import remplir

#: The column a company adds after the sheet's own (its letter moves when the sheet gains a column).
AJOUTEE = lettres_colonne(len(COLONNES) + 1)


def _ajouter_colonne(fiche: Path, titre: str, valeurs: list[str]) -> Path:
    """A column the company added after the last one, with a header and a value per row."""
    classeur = openpyxl.load_workbook(fiche)
    feuille = classeur[FEUILLE_SUIVI]
    colonne = len(COLONNES) + 1
    feuille.cell(LIGNE_LIBELLES, colonne, titre)
    for rang, valeur in enumerate(valeurs, start=LIGNE_LIBELLES + 1):
        feuille.cell(rang, colonne, valeur)
    classeur.save(fiche)
    return fiche


def test_une_colonne_nom_ajoutee_fait_refuser_la_fiche(contrat: Path, vierge: bytes, tmp_path: Path) -> None:
    base = tmp_path / "suivi.sqlite"
    fiche = _ajouter_colonne(
        remplir(vierge, [ligne("CUG-001"), ligne("CUG-002")], tmp_path / "fiche.xlsx"), "Nom", ["Dupont", "Martin"]
    )
    resultat = importer(base, contrat, fiche)
    assert resultat.exit_code == 1
    assert f"{fiche}:Suivi!{AJOUTEE}12: colonne ajoutée « Nom » : ressemble à un nom" in resultat.stderr
    assert f"{fiche}:Suivi!{AJOUTEE}13:" in resultat.stderr
    assert compter(base, "lignes") == 0 and compter(base, "fichiers", "nature = 'feuille'") == 0
    assert not any((tmp_path / "suivi-preuves").glob("*.xlsx"))


def test_deux_colonnes_ajoutees_de_meme_titre_sont_lues_toutes_deux(
    contrat: Path, vierge: bytes, tmp_path: Path
) -> None:
    # Kept by their header, the second « Commentaire » hid the first: a name typed there was not seen
    # and the sheet was imported (a review found it). Kept by their place now.
    base = tmp_path / "suivi.sqlite"
    fiche = _ajouter_colonne(
        remplir(vierge, [ligne("CUG-001")], tmp_path / "fiche.xlsx"), "Commentaire", ["Jean Dupont"]
    )
    classeur = openpyxl.load_workbook(fiche)
    feuille = classeur[FEUILLE_SUIVI]
    feuille.cell(LIGNE_LIBELLES, len(COLONNES) + 2, "Commentaire")
    feuille.cell(LIGNE_LIBELLES + 1, len(COLONNES) + 2, "ok")
    classeur.save(fiche)
    resultat = importer(base, contrat, fiche)
    assert resultat.exit_code == 1, resultat.output
    assert f"{fiche}:Suivi!{AJOUTEE}12: colonne ajoutée « Commentaire » : ressemble à un nom" in resultat.stderr
    assert compter(base, "lignes") == 0


def test_un_nom_dans_une_autre_colonne_fait_refuser_la_fiche(contrat: Path, vierge: bytes, tmp_path: Path) -> None:
    base = tmp_path / "suivi.sqlite"
    fiche = remplir(vierge, [ligne("CUG-001", siret_employeur="Jean Dupont")], tmp_path / "fiche.xlsx")
    resultat = importer(base, contrat, fiche)
    assert resultat.exit_code == 1
    assert f"{fiche}:Suivi!I12: SIRET de l'employeur (siret_employeur) : ressemble à un nom" in resultat.stderr
    assert compter(base, "lignes") == 0 and compter(base, "rejets") == 0


def test_une_colonne_inconnue_est_signalee_et_ignoree(contrat: Path, vierge: bytes, tmp_path: Path) -> None:
    base = tmp_path / "suivi.sqlite"
    fiche = _ajouter_colonne(remplir(vierge, [ligne("CUG-001")], tmp_path / "fiche.xlsx"), "Commentaire", ["RAS"])
    resultat = importer(base, contrat, fiche)
    assert resultat.exit_code == 0, resultat.output
    assert (
        f"{fiche}:Suivi : colonne « Commentaire » ({AJOUTEE}) inconnue de la fiche de suivi : ignorée"
        in resultat.stderr
    )
    assert compter(base, "lignes") == 1


def test_heures_impossibles_et_fin_sans_sortie_signalees(contrat: Path, vierge: bytes, tmp_path: Path) -> None:
    base = tmp_path / "suivi.sqlite"
    lignes = [
        # A contract from 28 March: 4 days in March, 10 h a day at most = 40 h; 60 h are declared.
        ligne("CUG-001", debut_contrat=datetime.date(2026, 3, 28), heures=60, fin_contrat=None, type_contrat="CDI"),
        # Ends on 31 March, no exit declared.
        ligne("CUG-002", fin_contrat=datetime.date(2026, 3, 31), heures=100),
        # Ends on 31 March with its exit: nothing to say.
        ligne("CUG-003", fin_contrat=datetime.date(2026, 3, 31), heures=100, sortie="Emploi durable"),
    ]
    fiche = remplir(vierge, lignes, tmp_path / "fiche.xlsx")
    resultat = importer(base, contrat, fiche)
    assert resultat.exit_code == 0, resultat.output
    assert (
        f"{fiche}:Suivi!N12: Heures travaillées (heures) : "
        "60 h en 2026-03 pour un contrat de travail qui n'en couvre que 4 jour(s) "
        "(du 28/03/2026 au 31/03/2026)" in resultat.stderr
    )
    assert (
        f"{fiche}:Suivi!P13: Situation à la fin du contrat (sortie) : "
        "contrat de travail fini le 31/03/2026 sans situation" in resultat.stderr
    )
    assert "Suivi!P14" not in resultat.stderr and "Suivi!N13" not in resultat.stderr
    assert compter(base, "lignes") == 3  # warnings: the rows are imported


def test_messages_dans_l_ordre_des_lignes(contrat: Path, vierge: bytes, tmp_path: Path) -> None:
    base = tmp_path / "suivi.sqlite"
    lignes = [
        ligne("CUG-001", heures=10),
        ligne("CUG-002", sexe="Z"),
        ligne("CUG-001", heures=20),  # the same person twice in a month: refused after the whole sheet is read
        ligne("CUG-004", tranche_age="Z"),
    ]
    resultat = importer(base, contrat, remplir(vierge, lignes, tmp_path / "fiche.xlsx"))
    rangs = [int(m.split("!")[1][1:3]) for m in resultat.stderr.splitlines() if "!" in m]
    assert rangs == sorted(rangs) and set(rangs) == {13, 14, 15}


def test_un_mois_neant_n_est_plus_manquant(contrat: Path, vierge: bytes, tmp_path: Path) -> None:
    # February to May are over on 15 June. Lot 1 declares March; lot 2 declares nobody in March
    # (« néant », no hours) and nothing else.
    base = tmp_path / "suivi.sqlite"
    lignes = [
        ligne("CUG-001", heures=100),
        {"lot": 2, "participant": "néant", "mois": datetime.date(2026, 3, 1)},
    ]
    fiche = remplir(vierge, lignes, tmp_path / "mars.xlsx")
    resultat = importer(base, contrat, fiche)
    assert resultat.exit_code == 0, resultat.output
    assert "1 mois déclaré(s) « néant »" in resultat.stdout
    lots = etat(base)["marches"][0]["lots"]
    assert lots[0]["mois_manquants"] == ["2026-02", "2026-04", "2026-05"]
    assert lots[1]["mois_manquants"] == ["2026-02", "2026-04", "2026-05"]
    assert [lot["heures_realisees"] for lot in lots] == [100, 0] and compter(base, "lignes") == 1
    journal = CliRunner().invoke(main, ["suivi", "journal", "--base", str(base), "--format", "json"])
    (import_mars,) = [o for o in json.loads(journal.stdout)["operations"] if o["operation"] == "import"]
    assert [(lot["lot"], lot["ajoutees"], lot["neants"]) for lot in import_mars["lots"]] == [(1, 1, 0), (2, 0, 1)]
    # A « néant » row with anything else typed is refused, with its cell.
    faux = remplir(
        vierge, [{"lot": 2, "participant": "NEANT", "mois": "04/2026", "heures": 3}], tmp_path / "avril.xlsx"
    )
    resultat = importer(base, faux)
    assert resultat.exit_code == 1
    assert (
        f"{faux}:Suivi!N12: Heures travaillées (heures) : une ligne « néant » (personne n'a travaillé) ne porte que"
        in resultat.stderr
    )
    # Undone, the sheet's « néant » no longer counts: March is missing again on lot 2.
    assert CliRunner().invoke(main, ["suivi", "annuler", str(fiche), "--base", str(base)]).exit_code == 0
    assert etat(base)["marches"][0]["lots"][1]["mois_manquants"] == ["2026-02", "2026-03", "2026-04", "2026-05"]


def test_des_fiches_vierges_font_une_seule_ligne(contrat: Path, vierge: bytes, tmp_path: Path) -> None:
    dossier = tmp_path / "fiches"
    dossier.mkdir()
    for nom in ("a.xlsx", "b.xlsx", "c.xlsx", "d.xlsx"):
        (dossier / nom).write_bytes(vierge)
    resultat = importer(tmp_path / "suivi.sqlite", contrat, dossier)
    assert resultat.exit_code == 0, resultat.output
    assert "4 fiches sans aucune ligne remplie (modèles vierges), ignorées : a.xlsx, b.xlsx, c.xlsx …" in (
        resultat.stdout
    )
    assert "aucune ligne remplie, rien à importer" not in resultat.stdout


def test_un_mois_hors_du_contrat_de_travail_donne_ses_dates(contrat: Path, vierge: bytes, tmp_path: Path) -> None:
    fiche = remplir(vierge, [ligne("CUG-001", mois=datetime.date(2026, 8, 1))], tmp_path / "fiche.xlsx")
    resultat = importer(tmp_path / "suivi.sqlite", contrat, fiche)
    assert resultat.exit_code == 1
    assert (
        f"{fiche}:Suivi!M12: Mois (mois) : mois 2026-08 hors des dates du contrat de travail "
        "(du 02/02/2026 au 31/07/2026)" in resultat.stderr
    )
