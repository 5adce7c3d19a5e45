"""The annual report of a seeded register, against the outputs of the implementation that held every row.

The report now counts rows a batch of whole people at a time and keeps paths and contract rows
on disk (issue 22). ``tests/golden/bilan/`` keeps what the previous implementation (every row in
memory, commit 95d5df1) wrote for this register: the JSON, the text, the workbooks' values and
the Word reports' text. Batches are made tiny here (7 rows) so that people fall on either side
of many batch boundaries. Regenerate only for a wanted change of the report, and read the diff:

    CLAUSE_KIT_REGENERER_GOLDEN=1 python3 -m pytest tests/test_bilan_golden.py
"""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest

from clause_kit.dossier.classeur_suivi import donnees_suivi
from clause_kit.marche.chargement import charger_detail
from clause_kit.suivi.controle import LigneSuivi
from clause_kit.suivi.registre import Registre
from tests.suivi_commun import bilan

RACINE = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "bilan"
MODELE = RACINE / "dossiers" / "roquevaire" / "2026-tx-031-ecole.yaml"
PUBLICS = [("rsa",), ("jeune", "cap_bep"), ("deld",), ("senior",), ("th",), ("detld",), ()]
TYPES = ["cdd", "cdd", "interim", "cdi", "cddi", "professionnalisation", "cdi_inclusion"]
SORTIES = [None, "emploi_durable", "emploi_transition", "sortie_positive", "autre"]
ACHETEURS = ["Commune d'Auriol", "Commune de Cuges-les-Pins", "Métropole Aix-Marseille", "Ville de Gémenos"]
MARCHES = 16


def _ligne(numero: int, rang: int, mois: int, annee: int = 2026) -> LigneSuivi:
    """Person ``rang`` of contract ``numero``; from March, one in four goes on on the next contract, in a CDI."""
    personne = numero * 5 + rang
    suite = rang == 4 and numero % 4 == 0 and (annee, mois) >= (2026, 3)
    return LigneSuivi(
        reference=f"G-{(numero + 1) % MARCHES if suite else numero:03d}",
        lot=1,
        participant=f"G-{personne:05d}",
        publics=PUBLICS[personne % len(PUBLICS)],
        sexe="f" if personne % 2 else "m",
        tranche_age=["moins_26", "26_49", "50_plus"][personne % 3],
        residence=[None, "qpv", "zrr", None][personne % 4],
        modalite="mise_a_disposition" if personne % 7 == 0 else "embauche_directe",
        siret_employeur="73282932000074" if personne % 7 == 0 else None,
        type_contrat="cdi" if suite else TYPES[personne % len(TYPES)],
        debut_contrat=datetime.date(2026, 3, 1)
        if suite
        else datetime.date(annee, 1, 2)
        if rang % 2
        else datetime.date(2025, 11, 3),
        fin_contrat=None if suite else datetime.date(2026, 3 + personne % 9, 28),
        mois=f"{annee}-{mois:02d}",
        heures_c=0 if personne % 11 == 0 and mois == 2 else 15_167 if personne % 4 else 3_525,
        heures_formation_c=700 if personne % 6 == 0 else 0,
        sortie=SORTIES[personne % len(SORTIES)] if mois == 2 + personne % 9 else None,
    )


def _marche(donnees: dict[str, Any], numero: int) -> dict[str, Any]:
    return {
        **donnees,
        "reference": f"G-{numero:03d}",
        "objet": f"Marché {numero}",
        "type": "travaux" if numero % 3 else "services",
        "acheteur": ACHETEURS[numero % len(ACHETEURS)],
        "commune": f"Commune {numero % len(ACHETEURS)}",
        "article_53": numero % 5 == 0,
        "heures_dues": 900 + 37 * numero,
        "lots": [{**donnees["lots"][0], "heures_dues": 900 + 37 * numero}],
    }


def remplir(base: Path) -> None:
    """16 contracts of 4 buyers; 5 people each over 2026 (and December 2025), paths across contracts."""
    modele = charger_detail(MODELE)
    donnees: dict[str, Any] = json.loads(json.dumps(donnees_suivi(modele.consultation, modele.chiffres)))
    with Registre(base) as registre, registre.transaction():
        fichier = registre.ajouter_fichier("0" * 64, "marches", "marche", "")
        for numero in range(MARCHES):
            fin = None if numero == 7 else "2026-12-31" if numero % 2 else "2027-06-30"
            registre.enregistrer_marche(_marche(donnees, numero), "2025-10-01", fin, fichier)
        for numero in range(MARCHES):
            feuille = registre.ajouter_fichier(
                f"{numero + 1:064d}",
                f"fiche-{numero}.xlsx",
                "feuille",
                "",
                titulaire=f"Entreprise {numero % 6}",
                siret_titulaire=f"{10**13 + numero % 6}",
            )
            lignes = [_ligne(numero, rang, mois) for rang in range(5) for mois in range(1, 4 + (numero + rang) % 8)]
            lignes += [_ligne(numero, rang, 12, 2025) for rang in range(5) if rang % 2 == 0]
            registre.inserer_lignes(feuille, [(f"A{12 + i}", ligne) for i, ligne in enumerate(lignes)])


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("golden-bilan") / "suivi.sqlite"
    remplir(base)
    return base


@pytest.fixture(scope="module")
def purgee(base: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same register after a purge of the people whose contracts ended before 2024."""
    import sqlite3

    from clause_kit.bilan.agregats import conserver
    from clause_kit.suivi.purge import purger

    copie = tmp_path_factory.mktemp("golden-purge") / "suivi.sqlite"
    copie.write_bytes(base.read_bytes())
    with sqlite3.connect(copie) as connexion:
        connexion.execute(
            "UPDATE lignes SET fin_contrat = '2019-06-30' WHERE CAST(substr(participant, 3) AS INT) % 4 = 1"
        )
    purger(copie, datetime.date(2026, 12, 1), conserver=conserver)
    return copie


@pytest.fixture(autouse=True)
def petits_lots(monkeypatch: pytest.MonkeyPatch) -> None:
    from clause_kit.bilan import etablir

    if hasattr(etablir, "LIGNES_PAR_LOT"):
        monkeypatch.setattr(etablir, "LIGNES_PAR_LOT", 7)


def _comparer(nom: str, obtenu: str) -> None:
    chemin = GOLDEN / nom
    if os.environ.get("CLAUSE_KIT_REGENERER_GOLDEN"):
        chemin.parent.mkdir(parents=True, exist_ok=True)
        chemin.write_text(obtenu, encoding="utf-8")
    assert obtenu == chemin.read_text(encoding="utf-8"), nom


CAS = {
    "annee": ("--annee", "2026"),
    "tout": (),
    "trimestre": ("--du", "2026-02-01", "--au", "2026-04-30"),
    "donneur": ("--annee", "2026", "--donneur-ordre", "Ville de Gémenos"),
}


@pytest.mark.parametrize("cas", sorted(CAS))
@pytest.mark.parametrize("registre", ["base", "purgee"])
def test_le_json_et_le_texte_sont_ceux_d_avant(cas: str, registre: str, request: pytest.FixtureRequest) -> None:
    chemin = request.getfixturevalue(registre)
    for forme in ("json", "texte"):
        resultat = bilan("--base", str(chemin), *CAS[cas], "--format", forme)
        assert resultat.exit_code == 0, resultat.output
        _comparer(f"{registre}-{cas}.{'json' if forme == 'json' else 'txt'}", resultat.stdout)


def _valeurs(chemin: Path) -> Any:
    if chemin.suffix == ".xlsx":
        classeur = openpyxl.load_workbook(chemin, read_only=True)
        return {f.title: [list(r) for r in f.iter_rows(values_only=True)] for f in classeur.worksheets}
    if chemin.suffix == ".docx":
        document = docx.Document(str(chemin))
        tables = [" | ".join(c.text for c in r.cells) for t in document.tables for r in t.rows]
        return [p.text for p in document.paragraphs] + tables
    if chemin.suffix == ".json":
        return {k: v for k, v in json.loads(chemin.read_text(encoding="utf-8")).items() if k != "registre"}
    return chemin.stat().st_size > 0


@pytest.mark.parametrize("registre", ["base", "purgee"])
def test_les_fichiers_publies_sont_ceux_d_avant(registre: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """The workbooks' values and the Word reports' text, the internal files included."""
    chemin = request.getfixturevalue(registre)
    sortie = tmp_path / "bilan"
    arguments = ("--annee", "2026", "-o", str(sortie), "--interne", "--par-donneur-ordre")
    resultat = bilan("--base", str(chemin), *arguments)
    assert resultat.exit_code == 0, resultat.output
    valeurs = {p.name: _valeurs(p) for p in sorted(sortie.iterdir())}
    _comparer(f"{registre}-fichiers.json", json.dumps(valeurs, ensure_ascii=False, indent=1, default=str) + "\n")
