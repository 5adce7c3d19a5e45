"""The GDPR purge (``clause-kit suivi purger``): person-level data past its retention period.

A person's rows are kept until ``conservation_annees`` (``parametres.yaml``, 2 by default)
after the end of their last work contract (or of their last declared month when no end was
given). Then their rows and rejected rows are deleted, after their hours and head counts were
added to the anonymous aggregates the reports need (per lot and month, and per lot and year,
by sex, age band, residence, modality, contract type, public and exit). The evidence copy of
a sheet goes when none of its rows remains. Every purge is recorded in the register.

The retention period is judged on a day already come (``verifier_avant``): a later date is
refused, except for a trial run, which deletes nothing. Asking the user before deleting is the
command's part (``suivi.cli``): this module never talks to a terminal.
"""

from __future__ import annotations

import contextlib
import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from clause_kit.commun.dates import MESSAGE_PLAGE, date_hors_plage
from clause_kit.commun.erreurs import ClauseKitError
from clause_kit.commun.horloge import aujourdhui
from clause_kit.commun.parametres import charger_parametres
from clause_kit.suivi.registre import Registre

__all__ = ["BilanPurge", "Conservation", "conservation_annees", "purger", "verifier_avant"]


@dataclass(frozen=True)
class BilanPurge:
    """What a purge deleted (or would delete, for a trial run)."""

    limite: datetime.date
    annees: int
    personnes: int
    lignes: int
    rejets: int
    preuves: int
    essai: bool


class _Essai(Exception):  # noqa: N818 - a request to roll back, not an error
    """Raised inside the transaction of a trial run so that nothing is kept."""


def conservation_annees() -> int:
    """The retention period in years after a person's last contract (``parametres.yaml``)."""
    return int(charger_parametres().brut["conservation_annees"])


def _annees_avant(jour: datetime.date, annees: int) -> datetime.date:
    try:
        return jour.replace(year=jour.year - annees)
    except ValueError:  # 29 February
        return jour.replace(year=jour.year - annees, day=28)


#: What a capability above keeps of the people about to be deleted (the annual report's counts), called
#: inside the purge's transaction once ``Registre.agreger`` has chosen them.
Conservation = Callable[[Registre], None]


def verifier_avant(avant: datetime.date, *, essai: bool) -> None:
    """Refuse (``ClauseKitError``) a date out of range, or after today for a purge that deletes.

    A retention period is over on a day already come: a later date would delete what the law
    still asks to keep (a purge « au 9999-12-31 » deletes every person and every evidence copy).
    A trial run deletes nothing: it may look ahead.
    """
    if date_hors_plage(avant):
        raise ClauseKitError(f"purge au {avant.isoformat()} refusée : {MESSAGE_PLAGE} ; rien n'est supprimé")
    jour = aujourdhui()
    if avant > jour and not essai:
        raise ClauseKitError(
            f"purge au {avant.isoformat()} refusée : cette date est après aujourd'hui ({jour.isoformat()}) ; "
            "une purge ne supprime que ce dont la durée de conservation est déjà dépassée ; rien n'est supprimé "
            "(--essai pour voir ce qui serait supprimé à cette date)"
        )


def purger(
    base: Path, avant: datetime.date, *, essai: bool = False, conserver: Conservation | None = None
) -> BilanPurge:
    """Delete person-level data whose retention period was over on ``avant``; with ``essai``, only count.

    ``avant`` must not be after today unless ``essai`` (``verifier_avant``). ``conserver`` keeps,
    before the rows go, what the reports need of them; the command passes the annual report's
    (``clause_kit.bilan.agregats.conserver``), which this layer cannot import.
    """
    verifier_avant(avant, essai=essai)
    annees = conservation_annees()
    limite = _annees_avant(avant, annees)
    copies: list[str] = []
    with Registre(base, creer=False) as registre, contextlib.suppress(_Essai):
        with registre.transaction():
            personnes = registre.personnes_a_purger(limite)
            registre.agreger(personnes)
            # A trial is rolled back: the report's figures it would keep are not worked out for nothing.
            if conserver is not None and not essai:
                conserver(registre)
            lignes, rejets = registre.supprimer_personnes()
            preuves = registre.preuves_sans_lignes()
            for fichier_id, copie in preuves:
                registre.oublier_preuve(fichier_id)
                copies.append(copie)
            registre.noter_purge(avant, annees, len(personnes), lignes, rejets, len(preuves))
            if essai:
                raise _Essai
        # Copies go once the register no longer names them. A copy named by no file of the
        # register was left by a process killed before its commit (or after a purge's commit):
        # removed too once a day old, so that an import running meanwhile keeps its own.
        referencees = registre.preuves_referencees()
        veille = time.time() - 86400
        orphelines = [
            p.name
            for p in registre.preuves.glob("*")
            if p.is_file() and p.name not in referencees and p.stat().st_mtime < veille
        ]
        for copie in {*copies, *orphelines}:
            with contextlib.suppress(FileNotFoundError):
                (registre.preuves / copie).unlink()
    return BilanPurge(limite, annees, len(personnes), lignes, rejets, len(preuves), essai)
