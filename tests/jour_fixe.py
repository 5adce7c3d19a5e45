"""The day the tests call « today » (set for the whole run by conftest.py)."""

import datetime

AUJOURDHUI = datetime.date(2026, 12, 1)
