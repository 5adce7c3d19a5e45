"""Shared by the follow-up tests: a contract with execution dates, rows as a company types them, CLI shortcuts."""

from __future__ import annotations

import datetime
import json
import sqlite3
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from clause_kit.cli import main

CONTRAT = """acheteur: {nom: Commune de Cuges-les-Pins, commune: Cuges-les-Pins}
facilitateur: {nom: Référent clauses, telephone: 04 42 00 00 01}
marche:
  reference: 2026-TX-077
  objet: Extension du groupe scolaire
  type: travaux
  montant_ht: 900000
  procedure: adaptee
  date_lancement: 2025-11-03
  duree_mois: 10
  lots:
    - {numero: 1, intitule: Gros œuvre, montant_ht: 600000}
    - {numero: 2, intitule: Menuiseries, montant_ht: 200000}
    - {numero: 3, intitule: Ascenseur, montant_ht: 100000, insertion: {heures: 0}}
insertion:
  article_14: {pourcentage: 8, cout_horaire: 30}
  penalite: {montant_par_heure: 20}
execution: {debut: 2026-02-01}
"""
# Lot 1 owes 800 h, lot 2 267 h; execution from February to November 2026.


def ligne(participant: str = "CUG-001", **valeurs: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "lot": 1,
        "participant": participant,
        "publics": "Bénéficiaire du RSA",
        "sexe": "Femme",
        "tranche_age": "Moins de 26 ans",
        "modalite": "Embauche directe",
        "type_contrat": "CDD",
        "debut_contrat": datetime.date(2026, 2, 2),
        "fin_contrat": datetime.date(2026, 7, 31),
        "mois": datetime.date(2026, 3, 1),
        "heures": 100,
    }
    return {**base, **valeurs}


def importer(base: Path, *chemins: Path, options: tuple[str, ...] = ()) -> Result:
    return CliRunner().invoke(main, ["suivi", "importer", *map(str, chemins), "--base", str(base), *options])


def etat(base: Path, au: str = "2026-06-15") -> dict[str, Any]:
    resultat = CliRunner().invoke(main, ["suivi", "etat", "--base", str(base), "--format", "json", "--au", au])
    assert resultat.exit_code == 0, resultat.output
    return json.loads(resultat.stdout)  # type: ignore[no-any-return]


def compter(base: Path, table: str, condition: str = "1") -> int:
    with sqlite3.connect(base) as connexion:
        return int(connexion.execute(f"SELECT COUNT(*) FROM {table} WHERE {condition}").fetchone()[0])


BONNES = [
    ligne("CUG-001", heures=100),
    ligne("CUG-002", lot=2, sexe="M", tranche_age="50_plus", publics="senior;deld", heures="35,5"),
    ligne("CUG-003", mois="2026-04", heures=120.25, fin_contrat=None, type_contrat="cdi"),
]


def bilan(*arguments: str) -> Result:
    return CliRunner().invoke(main, ["bilan", *arguments])


def bilan_json(*arguments: str) -> dict[str, Any]:
    resultat = bilan(*arguments, "--format", "json")
    assert resultat.exit_code == 0, resultat.output
    return json.loads(resultat.stdout)  # type: ignore[no-any-return]
