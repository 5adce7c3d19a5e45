"""Shared fixtures and the guard that makes an empty test run a failure."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.jour_fixe import AUJOURDHUI
from tests.suivi_commun import CONTRAT

RACINE = Path(__file__).resolve().parent.parent
DOSSIERS = RACINE / "dossiers"
MODELES = RACINE / "modeles"

# Compiled templates are cached on disk between runs (clause_kit/rendu/cache.py): the tests
# and the commands they start share a cache of their own, new for each run, never the user's.
_CACHE = tempfile.mkdtemp(prefix="clause-kit-cache-tests-")
os.environ["CLAUSE_KIT_CACHE"] = _CACHE

# The tests own their clock: the code under test (and every command they start) sees this day as
# « today » (clause_kit/commun/horloge.py), so that no test changes verdict with the real date.
# Dated tables are watched against the real date by tests/test_tables_datees.py instead.
os.environ["CLAUSE_KIT_AUJOURDHUI"] = AUJOURDHUI.isoformat()
# Unexpected errors are journaled (clause_kit/commun/journal.py): into the run's own folder.
os.environ["CLAUSE_KIT_JOURNAL"] = str(Path(_CACHE) / "clause-kit.log")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A run that collected no test is a broken run, not a green one (pytest would exit 5)."""
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    shutil.rmtree(_CACHE, ignore_errors=True)


@pytest.fixture(scope="session")
def exemples() -> list[Path]:
    """The bundled example contract files."""
    fichiers = sorted(p for p in DOSSIERS.rglob("*.yaml") if not p.name.startswith("_"))
    assert len(fichiers) >= 5
    return fichiers


@pytest.fixture(scope="session")
def modeles_libreoffice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled templates opened and saved again as .docx by LibreOffice (once per test run)."""
    from clause_kit.dossier.pdf import trouver_soffice

    dossier = tmp_path_factory.mktemp("libreoffice")
    commande = [
        trouver_soffice(),
        f"-env:UserInstallation={(dossier / 'profil').as_uri()}",
        "--headless",
        "--convert-to",
        "docx:MS Word 2007 XML",
        "--outdir",
        str(dossier / "modeles"),
        *[str(p) for p in sorted(MODELES.glob("*.docx"))],
    ]
    subprocess.run(commande, check=True, capture_output=True, timeout=300)
    return dossier / "modeles"


@pytest.fixture
def contrat(tmp_path: Path) -> Path:
    """A contract with execution dates: lot 1 owes 800 h, lot 2 267 h, lot 3 none (follow-up tests)."""
    chemin = tmp_path / "extension.yaml"
    chemin.write_text(CONTRAT, encoding="utf-8")
    return chemin


@pytest.fixture
def vierge(contrat: Path) -> bytes:
    """The blank follow-up workbook of that contract."""
    from clause_kit.dossier.classeur_suivi import NOM_FICHIER
    from clause_kit.dossier.construction import construire

    return construire(contrat).fichiers[NOM_FICHIER]
