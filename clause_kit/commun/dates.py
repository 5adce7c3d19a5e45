"""The dates clause_kit accepts: one range and one reader, for options, contract files, manifests and sheets.

A date typed by a person or read from a file is checked against the same range everywhere
(1 January 1990 to 31 December 2100): wide enough for a work contract signed in the nineties
or a long contract ending late in the century, narrow enough that a typo (« 0026 », « 9999 »)
is answered in French where it was typed, instead of overflowing a date computation later
(a state at year 9999 adds a month past ``date.max``; a 9999 work contract is never purged).
"""

from __future__ import annotations

import datetime
from typing import Any

__all__ = ["DATE_MAX", "DATE_MIN", "MESSAGE_PLAGE", "borner_date", "date_hors_plage", "lire_date_iso"]

DATE_MIN = datetime.date(1990, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)
#: What is expected, said the same way by every check.
MESSAGE_PLAGE = "date entre le 1er janvier 1990 et le 31 décembre 2100 attendue"


def date_hors_plage(jour: datetime.date) -> bool:
    """Whether ``jour`` falls outside the accepted range."""
    if isinstance(jour, datetime.datetime):
        jour = jour.date()
    return not DATE_MIN <= jour <= DATE_MAX


def borner_date(jour: Any) -> Any:
    """``jour`` itself when in range (``None`` passes); ``ValueError`` in French otherwise (a pydantic validator)."""
    if isinstance(jour, datetime.date) and date_hors_plage(jour):
        raise ValueError(f"{jour.isoformat()} : {MESSAGE_PLAGE}")
    return jour


def lire_date_iso(texte: str) -> datetime.date:
    """A date written AAAA-MM-JJ and in range; ``ValueError`` with a French message otherwise."""
    try:
        jour = datetime.date.fromisoformat(texte.strip())
    except ValueError:
        raise ValueError(f"« {texte} » n'est pas une date AAAA-MM-JJ") from None
    return borner_date(jour)  # type: ignore[no-any-return]
