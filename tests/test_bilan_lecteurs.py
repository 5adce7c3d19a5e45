"""What readers expect in the report: residence, exits over every ended contract, annualised ETP, lots, whole hours."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import docx
import openpyxl

from tests.suivi_commun import bilan, bilan_json, importer, ligne
from tests.tableur import remplir

Q1 = ("--du", "2026-01-01", "--au", "2026-03-31")


def _personnes() -> list[dict[str, Any]]:
    """13 people in March: 6 in a QPV, 2 in a ZRR, 5 elsewhere; three CDD end on 31 March, one with its exit."""
    lignes = []
    for n in range(13):
        residence = "qpv" if n < 6 else "zrr" if n < 8 else None
        valeurs: dict[str, Any] = {
            "heures": 50 + n,
            "lot": 1 if n % 3 else 2,
            "fin_contrat": None,
            "type_contrat": "CDI",
        }
        if residence:
            valeurs["residence"] = residence
        if n in (0, 1, 2):
            valeurs |= {"type_contrat": "CDD", "fin_contrat": datetime.date(2026, 3, 31)}
        if n == 0:
            valeurs["sortie"] = "Emploi durable"
        if n == 5:
            valeurs["heures_formation"] = 12
        lignes.append(ligne(f"CUG-{n + 100:03d}", **valeurs))
    return lignes


def test_ce_que_les_lecteurs_attendent(contrat: Path, vierge: bytes, tmp_path: Path) -> None:
    base = tmp_path / "suivi.sqlite"
    lignes = _personnes()
    assert importer(base, contrat, remplir(vierge, lignes, tmp_path / "mars.xlsx")).exit_code == 0
    donnees = bilan_json("--base", str(base), *Q1)
    total_h = sum(50 + n for n in range(13))
    assert donnees["personnes"] == 13 and donnees["heures_realisees"] == total_h
    # Training apart: 12 h declared; the contract does not count training, so none counted and not in the total.
    assert (donnees["heures_formation"], donnees["heures_formation_comptees"]) == (12, 0)
    residence = {r["code"]: r["personnes"] for r in donnees["par_residence"]}
    assert (residence["qpv"], residence["zrr"], residence[""]) == (6, 2, 5)
    # Exits over every work contract that ended in the period: 3 CDD, one with its exit declared.
    sorties = donnees["sorties"]
    assert (sorties["total"], sorties["emploi_durable"], sorties["non_renseignee"]) == (3, 1, 2)
    assert sorties["taux_dynamiques"] == round(100 / 3, 1)
    # A quarter: its ETP brought to a year (× 4), beside the ETP of the quarter.
    attendu = Decimal(total_h * 4) / 1607
    assert donnees["etp_annualise"] == float(attendu.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    assert "etp_annualise" not in bilan_json("--base", str(base), "--annee", "2026")

    sortie = tmp_path / "publie"
    assert bilan("--base", str(base), *Q1, "-o", str(sortie)).exit_code == 0
    (rapport,) = sortie.glob("*.docx")
    document = docx.Document(str(rapport))
    texte = "\n".join(p.text for p in document.paragraphs).replace("\u00a0", " ").replace("\u202f", " ")
    texte = texte.replace("’", "'")  # French typography is applied at rendering
    assert "dont 6 en quartier prioritaire (QPV) et moins de 5 en zone rurale (ZRR, FRR) par leur résidence" in texte
    assert "ETP en année pleine, la période comptant 3 mois" in texte
    assert "12 heures de formation, dont 0 comptées comme heures d'insertion" in texte
    # 3 ended work contracts, 1 exit: counts of 1 to 4 contracts, hidden, so the sentence says nothing of them.
    assert "sortie(s) dynamique(s)" not in texte and "contrat(s) de travail terminé(s)" not in texte
    cellules = [[c.text for c in r.cells] for t in document.tables for r in t.rows]
    objets = [r[2].replace("\u00a0", " ") for r in cellules if len(r) == 7]
    assert "lot 1 « Gros œuvre »" in objets and "lot 2 « Menuiseries »" in objets
    situations = {r[0]: r[1] for r in cellules if len(r) == 2}
    assert situations["Situation non déclarée"] == "s"  # 2 work contracts: hidden, not « < 5 » (not people)
    # Hours to come in whole hours, adding up to the total printed.
    a_venir = [r[1].replace("\u202f", "") for r in cellules if len(r) == 2 and r[0].endswith(" 2026")]
    assert a_venir and all(h.isdigit() for h in a_venir)
    restantes = Decimal(str(donnees["prevision"]["heures_restantes"])).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert sum(int(h) for h in a_venir) == int(restantes)
    (classeur,) = sortie.glob("bilan-*[0-9].xlsx")
    feuille = openpyxl.load_workbook(classeur)["Résidence"]
    lignes_residence = {r[0]: r[1] for r in feuille.iter_rows(min_row=2, values_only=True) if r[0]}
    assert lignes_residence["Quartier prioritaire de la politique de la ville (QPV)"] == 6
