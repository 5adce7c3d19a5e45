"""What every process of a batch needs, prepared once in the main process before the workers start.

Each worker used to pay, before its first dossier, for what the others were paying at the same
moment: compiling the templates, reading ``parametres.yaml`` and ``codes.yaml``, writing the
follow-up workbook's fixed parts, loading babel's French data. Prepared here, before the workers
are forked, it is paid once and shared: a worker's first dossier costs what the others cost. Nothing here may
fail a batch: a template that does not compile is left for the worker of each contract using it,
which reports it with that contract.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path

from clause_kit import version
from clause_kit.commun.codes import LISTES, codes
from clause_kit.commun.erreurs import ClauseKitError
from clause_kit.commun.formats import montant
from clause_kit.commun.parametres import charger_parametres
from clause_kit.dossier.classeur_gabarit import preparer_classeur
from clause_kit.lot.selection import racine_de
from clause_kit.marche.communes import trouver_defauts
from clause_kit.rendu.couches import couches_pour
from clause_kit.rendu.moteur import compiler

__all__ = ["memoire_figee", "preparer_lot"]


def preparer_lot(fichiers: Sequence[Path], modeles: Path | None, racines: Sequence[Path]) -> None:
    """Load once, in this process, what building the dossiers of ``fichiers`` will need."""
    version()  # the package's metadata, read once here rather than by every worker
    charger_parametres()
    for liste in LISTES:
        codes(liste)
    preparer_classeur()  # the follow-up workbook's fixed parts, written and compressed once
    montant(Decimal(1))  # babel's French data
    for commune in _dossiers_de_commune(fichiers, racines):
        _compiler_couches(commune, modeles)


@contextlib.contextmanager
def memoire_figee() -> Iterator[None]:
    """While workers are forked and run: what is prepared stays put, their collector need not scan it.

    Python's advice for forked workers (``gc.freeze``): fewer memory pages copied into each
    worker, shorter collections there. Unfrozen afterwards, so that a long-lived caller (tests,
    the benchmark) can still free what it no longer uses.
    """
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _dossiers_de_commune(fichiers: Sequence[Path], racines: Sequence[Path]) -> set[Path]:
    """The commune folder of each contract, where its own templates would be (see ``couches``)."""
    dossiers = set()
    for fichier in fichiers:
        defauts = trouver_defauts(fichier, racine_de(fichier, racines))
        dossiers.add(defauts.parent if defauts is not None else Path(fichier).resolve().parent)
    return dossiers


def _compiler_couches(commune: Path, modeles: Path | None) -> None:
    """Compile every template a contract of that commune may use (each layer's own)."""
    with contextlib.suppress(ClauseKitError, OSError):
        couches = couches_pour(commune=commune, choisi=modeles)
        for piece in couches.pieces():
            with contextlib.suppress(ClauseKitError, OSError):
                compiler(couches.resoudre(piece.modele).chemin)
