"""The readable text of every bundled template, committed beside the pieces' golden texts.

The .docx are the source of truth and a .docx is a zip to git: these texts make every change
of a template show in review as lines of text (web reviews do not run git's textconv). After
an intended change of a template in Word:
    CLAUSE_KIT_REGENERER_GOLDEN=1 python3 -m pytest tests/test_golden_modeles.py
and commit the .txt with the .docx.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clause_kit.revue.texte import texte

MODELES = Path(__file__).resolve().parent.parent / "modeles"
GOLDEN = Path(__file__).parent / "golden" / "modeles"
NOMS = sorted(p.stem for p in MODELES.glob("*.docx"))


@pytest.mark.parametrize("nom", NOMS)
def test_texte_du_modele_identique_au_texte_de_reference(nom: str) -> None:
    obtenu = texte(MODELES / f"{nom}.docx")
    reference = GOLDEN / f"{nom}.txt"
    if os.environ.get("CLAUSE_KIT_REGENERER_GOLDEN"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        reference.write_text(obtenu, encoding="utf-8")
    assert obtenu.splitlines() == reference.read_text(encoding="utf-8").splitlines(), (
        f"modeles/{nom}.docx a changé : relisez le diff puis régénérez tests/golden/modeles/{nom}.txt"
    )


def test_un_texte_de_reference_par_modele() -> None:
    assert sorted(p.stem for p in GOLDEN.glob("*.txt")) == NOMS
    assert len(NOMS) == 9  # the eight pieces and the annual report
