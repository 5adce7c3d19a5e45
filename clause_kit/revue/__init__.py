"""Template review: a .docx's readable text, comparisons (text, HTML, Word redline), template checks, commune templates.

Public functions: ``texte`` (the reader's text of a .docx), ``lire`` and ``lignes`` (the same,
located block by block), ``comparer`` (two documents or template folders), ``verifier_jeu``
(``modeles verifier``), ``redline`` (Word tracked changes, optional extra ``clause_kit[revue]``).

``comparer`` and ``verifier_jeu`` are imported on first use: ``texte`` serves as git's
textconv, run once per file, and must not pay for the contract model and the renderer.
"""

from __future__ import annotations

import importlib
from typing import Any

from clause_kit.revue.redline import redline
from clause_kit.revue.texte import lignes, lire, texte

__all__ = ["comparer", "lignes", "lire", "redline", "texte", "verifier_jeu"]

# The heavy ones (Jinja, docxtpl, the contract model), imported on first use.
_PARESSEUX = {"comparer": "difference", "verifier_jeu": "verification"}


def __getattr__(nom: str) -> Any:
    if nom not in _PARESSEUX:
        raise AttributeError(f"module {__name__!r} has no attribute {nom!r}")
    return getattr(importlib.import_module(f"{__name__}.{_PARESSEUX[nom]}"), nom)
