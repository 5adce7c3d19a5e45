"""Template review: a .docx's readable text, comparisons (text, HTML, Word redline), template checks, commune templates.

Public functions: ``texte`` (the reader's text of a .docx), ``lire`` and ``lignes`` (the same,
located block by block), ``comparer`` (two documents or template folders), ``redline`` (Word
tracked changes, optional extra ``clause_kit[revue]``).

``comparer`` is imported on first use: ``texte`` serves as git's textconv, run once per file,
and must not pay for the renderer.
"""

from __future__ import annotations

import importlib
from typing import Any

from clause_kit.revue.redline import redline
from clause_kit.revue.texte import lignes, lire, texte

__all__ = ["comparer", "lignes", "lire", "redline", "texte"]

# The heavy one (Jinja, docxtpl), imported on first use.
_PARESSEUX = {"comparer": "difference"}


def __getattr__(nom: str) -> Any:
    if nom not in _PARESSEUX:
        raise AttributeError(f"module {__name__!r} has no attribute {nom!r}")
    return getattr(importlib.import_module(f"{__name__}.{_PARESSEUX[nom]}"), nom)
