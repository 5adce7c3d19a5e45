"""Parallel batches: packets that keep every process busy to the end, what is prepared before the fork."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from clause_kit.cli import main
from clause_kit.dossier.pdf import TAILLE_LOT_MAX
from clause_kit.lot.batch import PAQUET_MAX, PIECES_PAR_MARCHE_MAX, _paquets
from clause_kit.lot.preparation import preparer_lot
from clause_kit.rendu import moteur as rendu
from tests.contrats import contrat
from tests.test_couches import MODELES, creer_cassis

RACINE = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("nombre", [1, 3, 40, 100])
def test_paquets_sans_pdf_decroissants_jusqu_a_un_marche(nombre: int) -> None:
    fichiers = [Path(f"m{i:03d}.yaml") for i in range(nombre)]
    paquets = _paquets(fichiers, 2, pdf=False)
    assert [f for p in paquets for f in p] == fichiers  # each once, in order
    tailles = [len(p) for p in paquets]
    assert tailles == sorted(tailles, reverse=True) and max(tailles) <= PAQUET_MAX
    # The last packets hold one contract: the process that finishes first takes them.
    assert tailles[-min(nombre, 3) :] == [1] * min(nombre, 3)


@pytest.mark.parametrize(("nombre", "attendus"), [(3, 2), (40, 2), (44, 2), (45, 4), (100, 6)])
def test_paquets_pdf_egaux_pour_les_lots_de_libreoffice(nombre: int, attendus: int) -> None:
    fichiers = [Path(f"m{i:03d}.yaml") for i in range(nombre)]
    paquets = _paquets(fichiers, 2, pdf=True)
    assert [f for p in paquets for f in p] == fichiers
    tailles = [len(p) for p in paquets]
    # One packet per process as long as their pieces fit in one LibreOffice call each.
    assert len(tailles) == attendus and max(tailles) - min(tailles) <= 1
    assert max(tailles) * PIECES_PAR_MARCHE_MAX <= TAILLE_LOT_MAX


def test_modeles_des_communes_compiles_avant_le_lancement(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cassis = creer_cassis(tmp_path)
    monkeypatch.setattr(rendu, "_cache", {})
    preparer_lot([cassis / "2026" / "c-1.yaml"], None, (tmp_path / "dossiers",))
    compiles = {Path(chemin) for chemin, _, _ in rendu._cache}
    assert (cassis / "modeles" / "ccap_clauses.docx").resolve() in compiles
    assert (MODELES / "cctp_clauses.docx").resolve() in compiles
    assert (MODELES / "ccap_clauses.docx").resolve() not in compiles  # replaced by Cassis's own


def test_modele_de_commune_fautif_signale_avec_ses_marches_en_parallele(tmp_path: Path) -> None:
    cassis = creer_cassis(tmp_path)
    (cassis / "modeles" / "ccap_clauses.docx").write_bytes(b"pas un docx")
    auriol = tmp_path / "dossiers" / "auriol"
    auriol.mkdir()
    for ref in ("A-1", "A-2", "A-3"):
        (auriol / f"{ref}.yaml").write_text(contrat(ref, "Auriol"), encoding="utf-8")
    sortie = tmp_path / "sortie"
    resultat = CliRunner().invoke(
        main, ["generer", str(tmp_path / "dossiers"), "-o", str(sortie), "-j", "2"], catch_exceptions=False
    )
    assert resultat.exit_code == 1
    rapport = json.loads((sortie / "rapport-generation.json").read_text(encoding="utf-8"))
    statuts = {ligne["reference"]: ligne["statut"] for ligne in rapport["marches"]}
    assert statuts == {"C-1": "erreur", "A-1": "généré", "A-2": "généré", "A-3": "généré"}
    assert "ccap_clauses.docx" in resultat.output
