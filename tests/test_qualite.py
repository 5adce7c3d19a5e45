"""Code quality gates run with the tests, so CI enforces them: ruff (style, complexity, docstrings) and mypy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent


def test_ruff() -> None:
    resultat = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "clause_kit", "tests", "outils"],
        cwd=RACINE,
        capture_output=True,
        text=True,
        check=False,
    )
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr


def test_mypy() -> None:
    resultat = subprocess.run([sys.executable, "-m", "mypy"], cwd=RACINE, capture_output=True, text=True, check=False)
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr


def test_chaque_commande_a_une_aide_et_figure_au_readme() -> None:
    from click.testing import CliRunner

    from clause_kit.cli import main

    readme = (RACINE / "README.md").read_text(encoding="utf-8")
    for nom in main.commands:  # type: ignore[attr-defined]
        aide = CliRunner().invoke(main, [nom, "--help"])
        assert aide.exit_code == 0 and len(aide.output) > 100
        assert f"clause-kit {nom}" in readme, nom
