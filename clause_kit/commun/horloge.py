"""Today, as clause_kit sees it: one function, so that a run (or a test) can be given another day.

The date decides law: thresholds, the SMIC, rules that apply to consultations launched from a
given day, whether a dossier printed « today » is still up to date. Everything that needs
« today » asks ``aujourdhui()``. ``CLAUSE_KIT_AUJOURDHUI=AAAA-MM-JJ`` fixes it: the tests set it
for the whole run (their processes and the commands they start), so that no test depends on the
day it runs; a user can set it to reproduce a run of another day. Timestamps (when a file was
imported, when a report was written) are not « today » and keep the real clock.
"""

from __future__ import annotations

import datetime
import os

from clause_kit.commun.dates import lire_date_iso
from clause_kit.commun.erreurs import ClauseKitError

__all__ = ["VARIABLE", "aujourdhui"]

VARIABLE = "CLAUSE_KIT_AUJOURDHUI"


def aujourdhui() -> datetime.date:
    """``CLAUSE_KIT_AUJOURDHUI`` when set (AAAA-MM-JJ, in range), else the real date (``ClauseKitError`` if not)."""
    fixe = os.environ.get(VARIABLE, "").strip()
    if fixe:
        try:  # never silently the real day when another was asked for
            return lire_date_iso(fixe)
        except ValueError as err:  # out of range too: « today » in 9999 would overflow every date computed from it
            raise ClauseKitError(f"{VARIABLE} : {err}") from err
    return datetime.date.today()
