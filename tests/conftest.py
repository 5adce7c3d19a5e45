"""Shared fixtures and the guard that makes an empty test run a failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.suivi_commun import CONTRAT

RACINE = Path(__file__).resolve().parent.parent
DOSSIERS = RACINE / "dossiers"
MODELES = RACINE / "modeles"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A run that collected no test is a broken run, not a green one (pytest would exit 5)."""
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def exemples() -> list[Path]:
    """The bundled example contract files."""
    fichiers = sorted(p for p in DOSSIERS.rglob("*.yaml") if not p.name.startswith("_"))
    assert len(fichiers) >= 5
    return fichiers


@pytest.fixture
def contrat(tmp_path: Path) -> Path:
    """A contract with execution dates: lot 1 owes 800 h, lot 2 267 h, lot 3 none (follow-up tests)."""
    chemin = tmp_path / "extension.yaml"
    chemin.write_text(CONTRAT, encoding="utf-8")
    return chemin


@pytest.fixture
def vierge(contrat: Path) -> bytes:
    """The blank follow-up workbook of that contract."""
    from clause_kit.classeur_suivi import NOM_FICHIER
    from clause_kit.dossier import construire

    return construire(contrat).fichiers[NOM_FICHIER]
