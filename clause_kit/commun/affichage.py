"""Text typed by someone else, made safe to print in a message: no terminal control, a short excerpt.

A cell of a sheet, a header, a sheet name or a file name comes from outside: printed raw, an
ESC sequence would recolour or clear the facilitator's terminal, and a bidi override would show
a code reversed. Every message that quotes such a value passes it through ``affichable``.
"""

from __future__ import annotations

import unicodedata

__all__ = ["affichable"]

#: Unicode categories never printed raw: controls (C0, DEL, C1), format characters (bidi
#: overrides and isolates, zero-width ones), surrogates, private use, unassigned, line and
#: paragraph separators.
_INVISIBLES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
_ECHAPPEMENTS = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _echapper(caractere: str) -> str:
    if caractere in _ECHAPPEMENTS:
        return _ECHAPPEMENTS[caractere]
    point = ord(caractere)
    return f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}" if point < 0x10000 else f"\\U{point:08x}"


def affichable(texte: str, longueur: int | None = 60) -> str:
    r"""``texte`` with every invisible or control character shown as an escape (``\x1b``), cut to ``longueur``.

    Escapes are printable, so applying it twice changes nothing more; the cut comes first, so a
    pasted paragraph gives a short excerpt ending with « … ».
    """
    if longueur is not None and len(texte) > longueur:
        texte = texte[: max(longueur - 3, 1)] + "…"
    if texte.isprintable():  # the common case: nothing to escape (isprintable is false for every category above)
        return texte
    return "".join(_echapper(c) if unicodedata.category(c) in _INVISIBLES or c in _ECHAPPEMENTS else c for c in texte)
