"""Text typed by a user, written into a spreadsheet that leaves clause_kit: it stays text, never a formula.

Excel and LibreOffice Calc take a cell or a CSV field that starts with « = », « + », « - » or
« @ » (a tab or a carriage return too, which some of them skip before looking) for a formula:
a contract whose reference is ``=HYPERLINK(…)`` would otherwise become a live link in the
follow-up workbook a company opens, or a computed value in a CSV report (« CSV injection »).
The one rule, for every workbook and CSV file written (``fiche-suivi.xlsx``,
``rapport-generation.csv``, the register's exports and the report's workbooks):

* in a workbook, a text value is written as a string cell (``cellule_texte``: an inline string,
  escaped for XML), never as a formula, with Excel's « quote prefix » style when it looks like
  one, so that editing the cell keeps it text;
* in a CSV file, a field that looks like a formula is prefixed by an apostrophe, as OWASP
  recommends and as Calc itself shows a text that would otherwise be read as a formula.

Numbers and dates are written as they are: only text is typed by a user.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["DEBUTS_FORMULE", "cellule_texte", "champ_csv", "echapper_xml", "ressemble_a_une_formule"]

#: First characters that make a spreadsheet read a text as a formula.
DEBUTS_FORMULE = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 cannot hold, even as references (lone surrogates cannot be written in UTF-8).
_INTERDITS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A carriage return would be read back as a line feed, a tab or a line feed in an attribute as a
# space (XML normalises them): written as character references, they stay what was typed.
_ECHAPPEMENTS = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\t": "&#9;", "\n": "&#10;"}
)


def ressemble_a_une_formule(valeur: object) -> bool:
    """Whether a spreadsheet would read this value as a formula (a text starting with ``DEBUTS_FORMULE``)."""
    return isinstance(valeur, str) and valeur.startswith(DEBUTS_FORMULE)


def champ_csv(valeur: Any) -> Any:
    """A CSV field that no spreadsheet computes: text looking like a formula gets a leading apostrophe."""
    return f"'{valeur}" if ressemble_a_une_formule(valeur) else valeur


def echapper_xml(texte: str) -> str:
    """``texte`` for XML element content or a quoted attribute, characters XML cannot hold dropped."""
    return _INTERDITS.sub("", texte).translate(_ECHAPPEMENTS)


def cellule_texte(reference: str, valeur: str, style: int, style_citation: int) -> str:
    """A SpreadsheetML cell holding ``valeur`` as text (an inline string), never a formula.

    ``style_citation`` is the twin of ``style`` with Excel's quote prefix, used when the text
    looks like a formula. Spaces at either end are kept (``xml:space``).
    """
    texte = echapper_xml(valeur)
    espace = ' xml:space="preserve"' if valeur != valeur.strip() else ""
    s = style_citation if ressemble_a_une_formule(valeur) else style
    return f'<c r="{reference}" s="{s}" t="inlineStr"><is><t{espace}>{texte}</t></is></c>'
