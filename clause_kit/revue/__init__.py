"""Template review: a .docx's readable text, comparisons (text, HTML, Word redline), template checks, commune templates.

Public functions: ``texte`` (the reader's text of a .docx), ``lire`` and ``lignes`` (the same,
located block by block).
"""

from clause_kit.revue.texte import lignes, lire, texte

__all__ = ["lignes", "lire", "texte"]
