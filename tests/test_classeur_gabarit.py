"""The workbook filled at the zip level says exactly what the openpyxl builder said, for every bundled example."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from clause_kit.commun.parametres import charger_parametres
from clause_kit.dossier.classeur_suivi import NOM_FICHIER, construire_classeur_openpyxl
from clause_kit.dossier.construction import construire
from clause_kit.rendu.contexte import construire_contexte
from tests.semantique_classeur import semantique
from tests.suivi_commun import CONTRAT

JOUR = datetime.date(2026, 11, 24)
RACINE = Path(__file__).resolve().parent.parent
EXEMPLES = sorted(p for p in (RACINE / "dossiers").rglob("*.yaml") if not p.name.startswith("_"))


def _piege(dossier: Path) -> Path:
    """Texts a spreadsheet or XML would misread: formulas, markup, quotes, spaces at the ends."""
    texte = CONTRAT.replace("reference: 2026-TX-077", 'reference: \'=HYPERLINK("http://x.invalid","o")\'')
    texte = texte.replace("commune: Cuges-les-Pins}", "commune: ' -1 < 2 & \"x\" '}")
    texte = texte.replace("objet: Extension du groupe scolaire", 'objet: "@A1 <b>&amp; \\" Extension"')
    chemin = dossier / "piege.yaml"
    chemin.write_text(texte, encoding="utf-8")
    return chemin


@pytest.mark.parametrize("exemple", [*EXEMPLES, None], ids=lambda p: f"{p.parent.name}/{p.stem}" if p else "piege")
def test_meme_contenu_que_l_ancien_classeur(exemple: Path | None, tmp_path: Path) -> None:
    construit = construire(exemple or _piege(tmp_path), aujourd_hui=JOUR)
    if NOM_FICHIER not in construit.fichiers:
        pytest.skip("pas de clause : pas de classeur")
    contexte = construire_contexte(construit.consultation, construit.chiffres, charger_parametres(), JOUR)
    ancien = construire_classeur_openpyxl(
        construit.consultation,
        construit.chiffres,
        contexte["facilitateur"]["designation"],
        construit.sha256_source,
        datetime.datetime(2026, 1, 1),
    )
    nouveau, attendu = semantique(construit.fichiers[NOM_FICHIER]), semantique(ancien)
    for cle in attendu:
        assert nouveau[cle] == attendu[cle], cle
