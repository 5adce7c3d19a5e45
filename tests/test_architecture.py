"""The shape of the package is a contract: layers checked by import-linter, rooms that cannot be confused."""

from __future__ import annotations

import ast
import collections
import shutil
import subprocess
from pathlib import Path

PAQUET = Path(__file__).resolve().parent.parent / "clause_kit"
#: Module names every room may have: its entry point and its own errors.
NOMS_PARTAGES = {"__init__", "cli", "erreurs"}


def _modules() -> list[Path]:
    return sorted(p for p in PAQUET.rglob("*.py") if "_modeles" not in p.parts)


def test_les_couches_sont_respectees() -> None:
    lint = shutil.which("lint-imports")
    assert lint is not None, "lint-imports manque : installez l'extra test (pip install -e '.[test]')"
    resultat = subprocess.run([lint], cwd=PAQUET.parent, capture_output=True, text=True, check=False)
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "0 broken" in resultat.stdout


def test_au_plus_huit_modules_a_la_racine_du_paquet() -> None:
    racine = [p.name for p in PAQUET.glob("*.py")]
    assert len(racine) <= 8, racine


def test_aucun_nom_de_module_ne_sert_deux_fois() -> None:
    par_nom = collections.defaultdict(list)
    for module in _modules():
        par_nom[module.stem].append(str(module.relative_to(PAQUET)))
    doubles = {nom: chemins for nom, chemins in par_nom.items() if len(chemins) > 1 and nom not in NOMS_PARTAGES}
    assert not doubles, doubles


def _sous_paquet(nom_module: str) -> str:
    """``clause_kit.suivi.lecture`` → ``suivi``; a module at the root is its own room."""
    parties = nom_module.split(".")
    return parties[1] if len(parties) > 1 else parties[0]


def test_aucune_piece_n_importe_un_nom_prive_d_une_autre() -> None:
    fautes = []
    for module in _modules():
        chez_soi = _sous_paquet("clause_kit." + ".".join(module.relative_to(PAQUET).with_suffix("").parts))
        for noeud in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if not isinstance(noeud, ast.ImportFrom) or not (noeud.module or "").startswith("clause_kit."):
                continue
            if _sous_paquet(noeud.module or "") == chez_soi:
                continue
            prives = [alias.name for alias in noeud.names if alias.name.startswith("_") and alias.name != "__version__"]
            if prives:
                fautes.append(f"{module.relative_to(PAQUET)} : {noeud.module} {prives}")
    assert not fautes, fautes


def test_les_noms_publics_de_chaque_capacite_se_resolvent() -> None:
    # A capability names its public functions in __init__.py and imports them on first use: a module
    # renamed without its entry there would only fail when a user's code asks for the name.
    import importlib

    for capacite in ("suivi", "bilan", "revue", "formulaire", "publication"):
        paquet = importlib.import_module(f"clause_kit.{capacite}")
        for nom in paquet.__all__:
            assert getattr(paquet, nom) is not None, f"clause_kit.{capacite}.{nom}"
