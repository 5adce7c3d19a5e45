"""``clause-kit bilan`` on a register of three contracts with known totals, and on bad input.

Contract A (Cuges) has a sheet, contract B (Gémenos) none yet, contract C (Roquevaire) a sheet
on which a person of contract A carries on in a CDI: the tables are checked against the totals
the rows were written with, the forward view against the hours still due, the penalties against
``suivi.etat`` itself.
"""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest

from clause_kit.commun.horloge import VARIABLE
from tests.suivi_commun import CONTRAT, bilan, bilan_json, importer, ligne
from tests.tableur import remplir

#: Lot 1 owes 800 h, lot 2 267 h on each of the three contracts (same amounts, same dates).
DUES = 1067
PERIODE = ("--du", "2026-02-01", "--au", "2026-04-30")

#: A man of 26 to 49, long-term jobseeker, placed by a temp agency (not the holder).
INTERIMAIRE: dict[str, Any] = {
    "sexe": "Homme",
    "tranche_age": "De 26 à 49 ans",
    "publics": "deld",
    "type_contrat": "Intérim",
    "modalite": "Mise à disposition",
    "siret_employeur": "73282932000074",
}
LIGNES_A = [
    ligne(
        "CUG-001",
        mois=datetime.date(2026, 3, 1),
        heures=100,
        type_contrat="CDD",
        debut_contrat=datetime.date(2026, 3, 1),
        fin_contrat=datetime.date(2026, 3, 31),
        sortie="Emploi durable",
    ),
    *(ligne("CUG-002", mois=datetime.date(2026, m, 1), heures=h, **INTERIMAIRE) for m, h in ((3, 60), (4, "25,5"))),
]
LIGNES_C = [
    ligne(
        "CUG-001",
        lot=2,
        mois=datetime.date(2026, 4, 1),
        heures=40,
        type_contrat="CDI",
        debut_contrat=datetime.date(2026, 4, 1),
        fin_contrat=None,
    ),
]
HEURES_A, HEURES_C = 185.5, 40
TOTAL = HEURES_A + HEURES_C


def _contrat(dossier: Path, nom: str, reference: str, acheteur: str) -> Path:
    texte = CONTRAT.replace("2026-TX-077", reference).replace("Commune de Cuges-les-Pins", acheteur)
    chemin = dossier / f"{nom}.yaml"
    chemin.write_text(texte.replace("commune: Cuges-les-Pins", f"commune: {nom.capitalize()}"), encoding="utf-8")
    return chemin


def _vierge(contrat: Path) -> bytes:
    from clause_kit.dossier.classeur_suivi import NOM_FICHIER
    from clause_kit.dossier.construction import construire

    return construire(contrat).fichiers[NOM_FICHIER]


@pytest.fixture(scope="module")
def dossier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder as a facilitator keeps it: three contracts, two filled sheets in ``suivi/``."""
    racine = tmp_path_factory.mktemp("registre") / "marches"
    (racine / "suivi").mkdir(parents=True)
    a = _contrat(racine, "cuges", "2026-TX-077", "Commune de Cuges-les-Pins")
    _contrat(racine, "gemenos", "2026-TX-078", "Commune de Gémenos")
    c = _contrat(racine, "roquevaire", "2026-TX-079", "Commune de Roquevaire")
    remplir(
        _vierge(a), LIGNES_A, racine / "suivi" / "cuges.xlsx", titulaire="Bâtiments du Garlaban", siret="73282932000074"
    )
    remplir(
        _vierge(c),
        LIGNES_C,
        racine / "suivi" / "roquevaire.xlsx",
        titulaire="Menuiseries de l'Huveaune",
        siret="55203253400646",
    )
    return racine


@pytest.fixture(scope="module")
def base(dossier: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("base") / "suivi.sqlite"
    resultat = importer(base, dossier)
    assert resultat.exit_code == 0, resultat.output
    return base


@pytest.fixture(scope="module")
def resultat(base: Path) -> dict[str, Any]:
    return bilan_json("--base", str(base), *PERIODE)


def par(rangees: list[dict[str, Any]], cle: str = "code") -> dict[str, dict[str, Any]]:
    return {r[cle]: r for r in rangees}


def test_les_indicateurs_font_les_totaux_connus(resultat: dict[str, Any]) -> None:
    # Two distinct people, though CUG-001 worked on two contracts of two buyers.
    assert (resultat["personnes"], resultat["contrats_travail"], resultat["cdi"]) == (2, 3, 1)
    assert resultat["heures_realisees"] == TOTAL and resultat["etp"] == round(TOTAL / 1607, 2)
    assert resultat["diviseur_etp"] == 1607 and resultat["entreprises"] == 2
    # B has no hours in the period: two buyers with hours, three contracts with a clause.
    donneurs = par(resultat["par_donneur_ordre"], "nom")
    assert donneurs["Commune de Cuges-les-Pins"]["heures_realisees"] == HEURES_A
    assert donneurs["Commune de Cuges-les-Pins"]["personnes"] == 2
    assert donneurs["Commune de Roquevaire"]["heures_realisees"] == HEURES_C
    assert donneurs["Commune de Roquevaire"]["personnes"] == 1
    for cle in ("par_donneur_ordre", "par_sexe", "par_tranche_age", "par_modalite", "par_type_contrat", "par_article"):
        assert sum(r["heures_realisees"] for r in resultat[cle]) == pytest.approx(TOTAL), cle
        assert sum(r["contrats_travail"] for r in resultat[cle]) == 3, cle
    # Sex and age describe the person: one row each, these splits add up to the people.
    for cle in ("par_sexe", "par_tranche_age"):
        assert sum(r["personnes"] for r in resultat[cle]) == 2, cle
    assert par(resultat["par_sexe"])["f"]["heures_realisees"] == 140
    assert par(resultat["par_modalite"])["mise_a_disposition"]["heures_realisees"] == 85.5
    types = par(resultat["par_type_contrat"])
    assert (
        types["cdd"]["heures_realisees"],
        types["interim"]["heures_realisees"],
        types["cdi"]["heures_realisees"],
    ) == (
        100,
        85.5,
        40,
    )
    # CUG-001 held a CDD then a CDI: one of the people of each row (who held a CDI, not whose first
    # contract was one); the people of the contract types do not add up, their contracts do.
    assert (types["cdd"]["personnes"], types["cdi"]["personnes"], types["cdi"]["contrats_travail"]) == (1, 1, 1)
    assert sum(r["personnes"] for r in resultat["par_type_contrat"]) == 3
    modalites = par(resultat["par_modalite"])
    assert (modalites["embauche_directe"]["personnes"], modalites["embauche_directe"]["contrats_travail"]) == (1, 2)
    assert modalites["mise_a_disposition"]["personnes"] == 1
    publics = par(resultat["par_public"])
    assert publics["rsa"]["personnes"] == 1 and publics["deld"]["heures_realisees"] == 85.5
    assert [(m["mois"], m["heures_realisees"]) for m in resultat["par_mois"]] == [
        ("2026-02", 0),
        ("2026-03", 160),
        ("2026-04", 65.5),
    ]
    assert resultat["sorties"]["emploi_durable"] == 1 and resultat["sorties"]["dynamiques"] == 1


def test_le_parcours_d_une_personne_d_un_marche_a_l_autre(resultat: dict[str, Any]) -> None:
    parcours = par(resultat["parcours"], "participant")
    assert sorted(parcours) == ["CUG-001", "CUG-002"]
    premiere = parcours["CUG-001"]
    assert premiere["marches"] == 2 and premiere["heures_realisees"] == 140
    assert (premiere["premier_mois"], premiere["dernier_mois"]) == ("2026-03", "2026-04")
    cdd, cdi = premiere["contrats"]
    assert (cdd["reference"], cdd["type_contrat"], cdd["heures_realisees"], cdd["sortie"]) == (
        "2026-TX-077",
        "cdd",
        100,
        "emploi_durable",
    )
    assert (cdd["debut_contrat"], cdd["fin_contrat"]) == ("2026-03-01", "2026-03-31")
    assert (cdi["reference"], cdi["acheteur"], cdi["type_contrat"], cdi["lot"]) == (
        "2026-TX-079",
        "Commune de Roquevaire",
        "cdi",
        2,
    )
    assert cdd["employeur"] == "73282932000074" and cdi["employeur"] == "55203253400646"
    assert cdi["debut_contrat"] == "2026-04-01" and cdi["fin_contrat"] is None
    interim = parcours["CUG-002"]
    assert interim["heures_realisees"] == 85.5 and len(interim["contrats"]) == 1
    assert interim["contrats"][0]["modalite"] == "mise_a_disposition"


def test_les_penalites_sont_celles_de_l_etat_du_suivi(base: Path, resultat: dict[str, Any]) -> None:
    from clause_kit.suivi.etat import calculer_etat

    etat = {m["reference"]: m for m in calculer_etat(base, datetime.date(2026, 5, 1))["marches"]}
    detail = par(resultat["detail_marches"], "reference")
    assert sorted(detail) == ["2026-TX-077", "2026-TX-078", "2026-TX-079"]
    for reference, marche in detail.items():
        attendu = etat[reference]
        assert marche["penalite_au_rythme"] == attendu["penalite_au_rythme"], reference
        assert (marche["heures_dues"], marche["heures_realisees"]) == (
            attendu["heures_dues"],
            attendu["heures_realisees"],
        )
    assert [detail[r]["heures_periode"] for r in sorted(detail)] == [HEURES_A, 0, HEURES_C]
    assert any(m["penalite_au_rythme"] for m in detail.values())  # behind the pace in May: something is due


def test_la_vue_a_venir_fait_les_heures_encore_dues(resultat: dict[str, Any]) -> None:
    prevision = resultat["prevision"]
    restantes = 3 * DUES - TOTAL  # B without any sheet owes all its hours, A and C what is left
    assert prevision["heures_restantes"] == pytest.approx(restantes)
    assert sum(m["heures"] for m in prevision["par_mois"]) == pytest.approx(restantes)
    assert sum(t["heures"] for t in prevision["par_type_contrat"]) == pytest.approx(restantes)
    assert [m["mois"] for m in prevision["par_mois"]] == [f"2026-{m:02d}" for m in range(5, 12)]
    marches = par(prevision["par_marche"], "reference")
    assert marches["2026-TX-078"]["heures_restantes"] == DUES
    assert marches["2026-TX-077"]["heures_restantes"] == pytest.approx(DUES - HEURES_A)
    # Nothing declared on B yet: its hours are of a kind not known; C's lot 2 goes to CDI.
    types = par(prevision["par_type_contrat"])
    assert types["non_connu"]["heures"] >= DUES and types["cdi"]["heures"] > 0


def test_le_diviseur_etp_est_reglable_et_imprime(base: Path, tmp_path: Path) -> None:
    resultat = bilan_json("--base", str(base), *PERIODE, "--diviseur-etp", "1820")
    assert resultat["diviseur_etp"] == 1820 and resultat["etp"] == round(TOTAL / 1820, 2)
    assert sum(r["etp"] for r in resultat["par_sexe"]) == pytest.approx(TOTAL / 1820, abs=0.02)
    texte = bilan("--base", str(base), *PERIODE, "--diviseur-etp", "1820")
    assert texte.exit_code == 0 and "(1 ETP = 1\u202f820 h)" in texte.stdout
    sortie = tmp_path / "bilan"
    assert bilan("--base", str(base), *PERIODE, "--diviseur-etp", "1820", "-o", str(sortie)).exit_code == 0
    (rapport,) = sortie.glob("*.docx")
    texte_word = "\n".join(p.text for p in docx.Document(str(rapport)).paragraphs)
    assert "1 820 heures par an" in texte_word.replace("\u202f", " ").replace("\u00a0", " ")
    (classeur,) = sortie.glob("*.xlsx")
    cellules = [str(v) for ws in openpyxl.load_workbook(classeur) for r in ws.iter_rows(values_only=True) for v in r]
    assert any("1820" in c.replace("\u202f", "").replace(" ", "") for c in cellules)


def test_les_documents_publies_cachent_les_petits_effectifs(base: Path, tmp_path: Path) -> None:
    sortie = tmp_path / "bilan"
    assert bilan("--base", str(base), *PERIODE, "-o", str(sortie)).exit_code == 0
    (rapport,) = sortie.glob("*.docx")
    document = docx.Document(str(rapport))
    lignes = [[c.text for c in r.cells] for t in document.tables for r in t.rows]
    assert ["Personnes (participants)", "< 5"] == next(r for r in lignes if r[0] == "Personnes (participants)")[:2]
    # The buyers' table: one contract, then people (« < 5 »), work contracts, hours and ETP (« s ») hidden.
    assert ["Commune de Roquevaire", "1", "< 5", "s", "s", "s"] in lignes
    # Its contract's hours of the period are that one person's: « s » in the contract table too, not 40.
    roquevaire = next(r for r in lignes if len(r) == 7 and r[1] == "2026-TX-079")
    assert roquevaire[4] == "s" and "40" not in roquevaire[4]
    (classeur,) = sortie.glob("*.xlsx")
    livre = openpyxl.load_workbook(classeur)
    valeurs = {v for ws in livre for r in ws.iter_rows(values_only=True) for v in r}
    assert "< 5" in valeurs
    personnes = {r[0]: r[1] for r in livre["Indicateurs"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert personnes["Personnes (participants)"] == "< 5"
    # No published column of people or work contracts counts 1 to 4: the JSON alone has the exact 2.
    for feuille in livre:
        entete, *rangees = list(feuille.iter_rows(values_only=True))
        colonnes = [i for i, titre in enumerate(entete) if titre in ("Personnes", "Contrats de travail")]
        for rangee in rangees:
            assert not any(isinstance(rangee[i], int) and 0 < rangee[i] < 5 for i in colonnes), feuille.title


# --- bad input: one French message, a non-zero exit, no traceback, nothing written ----------


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--annee", "deux mille huit"], "--annee"),
        (["--annee", "1899"], "--annee"),
        (["--du", "2026-13-01", "--au", "2026-12-31"], "--du"),
        (["--du", "01/02/2026", "--au", "2026-12-31"], "--du"),
    ],
)
def test_une_periode_mal_ecrite(base: Path, arguments: list[str], message: str, tmp_path: Path) -> None:
    resultat = bilan("--base", str(base), *arguments, "-o", str(tmp_path / "bilan"))
    assert resultat.exit_code == 2 and message in resultat.output and "Traceback" not in resultat.output
    assert resultat.exception is None or isinstance(resultat.exception, SystemExit)
    assert not (tmp_path / "bilan").exists()


def test_un_dossier_absent(tmp_path: Path) -> None:
    absent = tmp_path / "nulle-part"
    resultat = bilan(str(absent), "-o", str(tmp_path / "bilan"))
    assert resultat.exit_code == 2 and str(absent) in resultat.output and "Traceback" not in resultat.output
    assert not (tmp_path / "bilan").exists()


def test_des_marches_tous_refuses_sont_une_erreur_de_fichier(tmp_path: Path) -> None:
    """A folder whose only contract is invalid: its error is named, exit code 1 (a file), not 2 (usage)."""
    marches = tmp_path / "marches"
    marches.mkdir()
    (marches / "marche.yaml").write_text("acheteur:\n  nom: Ville\n", encoding="utf-8")
    resultat = bilan(str(marches), "-o", str(tmp_path / "bilan"))
    assert resultat.exit_code == 1 and "Traceback" not in resultat.output
    assert "marche.yaml" in resultat.stderr and "aucun marché valide" in resultat.stderr
    assert not (tmp_path / "bilan").exists()


def test_une_fiche_abimee_n_ecrit_rien_dans_la_sortie(dossier: Path, tmp_path: Path) -> None:
    copie = tmp_path / "marches"
    shutil.copytree(dossier, copie)
    abimee = copie / "suivi" / "roquevaire.xlsx"
    abimee.write_bytes(abimee.read_bytes()[:3000])  # cut in the middle, as a failed copy leaves it
    sortie = tmp_path / "bilan"
    resultat = bilan(str(copie), "-o", str(sortie))
    assert resultat.exit_code == 1 and "Traceback" not in resultat.output
    assert str(abimee) in resultat.stderr
    assert "rien n'est écrit dans" in resultat.stderr
    assert not sortie.exists()
    # Without -o the figures are given without that sheet, and the exit code still says a file was refused.
    seul = bilan(str(copie), *PERIODE, "--format", "json")
    assert seul.exit_code == 1 and json.loads(seul.stdout)["heures_realisees"] == HEURES_A


# --- the register's summed rows (``lignes_bilan``) against rows written with known totals ----


def _suivi(participant: str, mois: str, heures_c: int, formation_c: int = 0, **autres: Any) -> Any:
    from clause_kit.suivi.controle import LigneSuivi

    valeurs: dict[str, Any] = {
        "reference": "R-1",
        "lot": 1,
        "participant": participant,
        "publics": ("jeune",),
        "sexe": "f",
        "tranche_age": "moins_26",
        "residence": None,
        "modalite": "embauche_directe",
        "siret_employeur": None,
        "type_contrat": "cdd",
        "debut_contrat": datetime.date(2026, 1, 5),
        "fin_contrat": datetime.date(2026, 6, 30),
        "mois": mois,
        "heures_c": heures_c,
        "heures_formation_c": formation_c,
        "sortie": None,
    }
    valeurs.update(autres)
    return LigneSuivi(**valeurs)


@pytest.mark.parametrize("formation_comptee", [True, False])
def test_un_contrat_sur_deux_fiches_et_des_heures_de_formation(tmp_path: Path, formation_comptee: bool) -> None:
    """One work contract declared on two sheets of two holders, a month of training only: one contract, exact hours."""
    from clause_kit.bilan.etablir import etablir_bilan
    from clause_kit.bilan.periode import periode_annee
    from clause_kit.suivi.registre import Registre

    base = tmp_path / "suivi.sqlite"
    marche = {
        "reference": "R-1",
        "objet": "Essai",
        "type": "travaux",
        "acheteur": "Ville A",
        "commune": "A",
        "regime": "ccp",
        "article_14": True,
        "article_53": False,
        "heures_dues": 1000,
        "heures_par_etp": 1607,
        "penalite_par_heure": "10",
        "formation_comptee": formation_comptee,
        "lots": [{"numero": 1, "intitule": "Lot", "heures_dues": 1000, "clause": True}],
    }
    with Registre(base) as registre, registre.transaction():
        contrat = registre.ajouter_fichier("0" * 64, "m", "marche", "")
        registre.enregistrer_marche(marche, "2026-01-01", "2026-12-31", contrat)
        janvier = registre.ajouter_fichier("1" * 64, "a.xlsx", "feuille", "", titulaire="A", siret_titulaire="1" * 14)
        registre.inserer_lignes(
            janvier, [("A12", _suivi("P1", "2026-01", 10_000)), ("A13", _suivi("P1", "2026-02", 0, 700))]
        )
        mars = registre.ajouter_fichier("2" * 64, "b.xlsx", "feuille", "", titulaire="B", siret_titulaire="2" * 14)
        registre.inserer_lignes(mars, [("A12", _suivi("P1", "2026-03", 5_050, sortie="emploi_durable"))])
    resultat = etablir_bilan(base, periode_annee(2026))
    formation = 7 if formation_comptee else 0
    assert (resultat["personnes"], resultat["contrats_travail"]) == (1, 1)
    assert resultat["heures_realisees"] == 150.5 + formation and resultat["entreprises"] == 2
    assert [m["heures_realisees"] for m in resultat["par_mois"][:3]] == [100, formation, 50.5]
    (chemin,) = resultat["parcours"]
    assert (chemin["premier_mois"], chemin["dernier_mois"]) == ("2026-01", "2026-03")
    assert chemin["sortie"] == "emploi_durable"
    assert chemin["heures_realisees"] == 150.5 + formation and len(chemin["contrats"]) == 1
    assert resultat["sorties"]["emploi_durable"] == 1 and resultat["sorties"]["total"] == 1


def test_un_registre_purge_garde_ses_heures_et_ses_bornes(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Everyone purged: the period is still found from the aggregates the purge kept, with the same hours."""
    from clause_kit.bilan.etablir import etablir_bilan
    from clause_kit.suivi.purge import purger

    copie = tmp_path / "suivi.sqlite"
    shutil.copy(base, copie)
    avant = etablir_bilan(copie)
    with monkeypatch.context() as jour:  # a purge deletes what is over on a day already come
        jour.setenv(VARIABLE, "2030-01-01")
        purger(copie, datetime.date(2030, 1, 1))
    apres = etablir_bilan(copie)
    assert apres["periode"] == avant["periode"]
    assert (apres["periode"]["du"], apres["periode"]["au"]) == ("2026-03-01", "2026-04-30")
    assert apres["heures_realisees"] == avant["heures_realisees"] == TOTAL
    assert (apres["personnes"], apres["parcours"]) == (0, [])
    assert [m["heures_realisees"] for m in apres["par_mois"]] == [160, 65.5]


def test_un_bilan_lu_pendant_un_import_est_refait(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # The report reads the register on several connections, each its own snapshot: an import
    # committed between them would mix two states (a review found it). The journal's position
    # before and after says so; the report is then made again.
    from clause_kit.bilan import etablir
    from clause_kit.commun.erreurs import ErreurDonnees

    positions = iter([4, 5, 5, 5])
    faits: list[int] = []
    monkeypatch.setattr(etablir, "_position", lambda _base: next(positions))
    monkeypatch.setattr(etablir, "_etablir", lambda *_a, **_k: faits.append(1) or {"essai": len(faits)})
    assert etablir.etablir_bilan(tmp_path / "suivi.sqlite") == {"essai": 2}
    monkeypatch.setattr(etablir, "_position", lambda _base: len(faits))  # moves at every reading
    with pytest.raises(ErreurDonnees, match="le registre a changé pendant chacun des 3 essais"):
        etablir.etablir_bilan(tmp_path / "suivi.sqlite")
