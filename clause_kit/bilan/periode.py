"""The period a report covers: whole months, from a year, two dates, or everything the register holds.

The month is the unit of the follow-up sheets, so it is the unit here: ``--du 2008-03-15`` takes
March whole. The previous period is the one of the same number of months just before.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from clause_kit.commun.formats import date_fr

__all__ = ["Periode", "mois_fr", "mois_suivant", "periode_annee", "periode_dates", "periode_mois", "suite_mois"]

_MOIS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()


def _premier_jour(mois: str) -> datetime.date:
    return datetime.date(int(mois[:4]), int(mois[5:7]), 1)


def _dernier_jour(mois: str) -> datetime.date:
    annee, numero = int(mois[:4]), int(mois[5:7])
    return datetime.date(annee, numero, calendar.monthrange(annee, numero)[1])


def _mois(jour: datetime.date) -> str:
    return f"{jour.year:04d}-{jour.month:02d}"


def _decaler(mois: str, nombre: int) -> str:
    rang = int(mois[:4]) * 12 + int(mois[5:7]) - 1 + nombre
    return f"{rang // 12:04d}-{rang % 12 + 1:02d}"


@dataclass(frozen=True)
class Periode:
    """Whole months from ``premier`` to ``dernier`` (``AAAA-MM``), both included."""

    premier: str
    dernier: str

    @property
    def du(self) -> datetime.date:
        """First day of the period."""
        return _premier_jour(self.premier)

    @property
    def au(self) -> datetime.date:
        """Last day of the period."""
        return _dernier_jour(self.dernier)

    @property
    def nombre_mois(self) -> int:
        """How many months it covers."""
        return (int(self.dernier[:4]) - int(self.premier[:4])) * 12 + int(self.dernier[5:]) - int(self.premier[5:]) + 1

    def mois(self) -> list[str]:
        """Its months, in order."""
        return [_decaler(self.premier, n) for n in range(self.nombre_mois)]

    def precedente(self) -> Periode:
        """The period of the same length just before."""
        return Periode(_decaler(self.premier, -self.nombre_mois), _decaler(self.premier, -1))

    @property
    def libelle(self) -> str:
        """``2008``, ``2007-2008`` for whole years, else ``mars 2008 à février 2009``."""
        annees = self.premier.endswith("-01") and self.dernier.endswith("-12")
        if annees:
            return (
                self.premier[:4] if self.premier[:4] == self.dernier[:4] else f"{self.premier[:4]}-{self.dernier[:4]}"
            )
        return f"{mois_fr(self.premier)} à {mois_fr(self.dernier)}"

    @property
    def libelle_long(self) -> str:
        """``du 1er janvier 2007 au 31 décembre 2008``."""
        return f"du {date_fr(self.du)} au {date_fr(self.au)}"


def mois_fr(mois: str) -> str:
    """``mars 2008`` for ``2008-03``."""
    return f"{_MOIS[int(mois[5:7]) - 1]} {mois[:4]}"


def periode_annee(annee: int) -> Periode:
    """A calendar year."""
    return Periode(f"{annee:04d}-01", f"{annee:04d}-12")


def periode_dates(du: datetime.date, au: datetime.date) -> Periode:
    """The whole months from the month of ``du`` to the month of ``au``."""
    return Periode(_mois(du), _mois(au))


def periode_mois(premier: str, dernier: str) -> Periode:
    """From two months ``AAAA-MM``."""
    return Periode(premier, dernier)


def mois_suivant(mois: str) -> str:
    """The month after ``mois`` (``AAAA-MM``)."""
    return _decaler(mois, 1)


def suite_mois(premier: str, dernier: str) -> list[str]:
    """The months from ``premier`` to ``dernier`` (``AAAA-MM``), both included; empty when ``dernier`` comes first."""
    return Periode(premier, dernier).mois() if premier <= dernier else []
