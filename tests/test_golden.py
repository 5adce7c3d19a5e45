"""Golden texts: the full text of every piece of two reference contracts, compared line by line.

A change of template or code that alters a generated document shows up here as a readable
diff. After an intended change, regenerate with:
    CLAUSE_KIT_REGENERER_GOLDEN=1 python3 -m pytest tests/test_golden.py
and review the diff of tests/golden/ before committing it.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest

from clause_kit.dossier.construction import construire
from clause_kit.revue.texte import texte as texte_docx

RACINE = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"
JOUR = datetime.date(2026, 11, 24)
CONTRATS = {
    "roquevaire-2026-tx-031": RACINE / "dossiers" / "roquevaire" / "2026-tx-031-ecole.yaml",
    "aubagne-centre-appel-cmp2006": RACINE / "dossiers" / "aubagne" / "centre-appel.yaml",
    "la-penne-gymnase-lots": RACINE / "dossiers" / "la-penne-sur-huveaune" / "2026-tx-012-gymnase.yaml",
}


@pytest.mark.parametrize("nom", sorted(CONTRATS))
def test_texte_des_pieces_identique_au_texte_de_reference(nom: str) -> None:
    construit = construire(CONTRATS[nom], aujourd_hui=JOUR)
    dossier = GOLDEN / nom
    obtenus = {p.nom_fichier.replace(".docx", ".txt"): texte_docx(p.contenu) for p in construit.pieces}
    if os.environ.get("CLAUSE_KIT_REGENERER_GOLDEN"):
        dossier.mkdir(parents=True, exist_ok=True)
        for ancien in dossier.glob("*.txt"):
            ancien.unlink()
        for fichier, texte in obtenus.items():
            (dossier / fichier).write_text(texte, encoding="utf-8")
    attendus = sorted(p.name for p in dossier.glob("*.txt"))
    assert sorted(obtenus) == attendus
    for fichier, texte in obtenus.items():
        attendu = (dossier / fichier).read_text(encoding="utf-8")
        assert texte.splitlines() == attendu.splitlines(), f"{nom}/{fichier} diffère du texte de référence"
