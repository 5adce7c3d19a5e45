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


def test_chaque_commande_a_une_aide() -> None:
    # That each command also appears in the documentation is checked by tests/test_docs.py.
    import click
    from click.testing import CliRunner

    from clause_kit.cli import main

    for nom, commande in main.commands.items():  # type: ignore[attr-defined]
        sous = list(commande.commands) if isinstance(commande, click.Group) else []
        for arguments in [[nom], *[[nom, s] for s in sous]]:
            aide = CliRunner().invoke(main, [*arguments, "--help"])
            assert aide.exit_code == 0 and len(aide.output) > 100, arguments
