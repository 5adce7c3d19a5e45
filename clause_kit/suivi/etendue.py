"""The extent of an .xlsx workbook's cells, read from its XML before calamine builds its grids.

calamine turns each sheet into a dense rectangle from A1 to its farthest cell: one stray value in
XFD1048576 (a slip of Ctrl+Fin, a pasted column) asks for hundreds of gigabytes, and a failed
allocation in Rust aborts the process, which no ``except`` can catch. The cell addresses are
scanned in the compressed parts first, chunk by chunk, so that such a workbook is refused with a
message instead.
"""

from __future__ import annotations

import re
import zipfile
from typing import IO

from clause_kit.commun.ooxml import numero_colonne

__all__ = ["CELLULES_MAX", "cellule_la_plus_lointaine"]

#: Cells of the rectangles calamine would build, all sheets together. A year of a large contract
#: (100 000 rows × 17 columns) is 1.7 million; each cell costs calamine about 32 bytes.
CELLULES_MAX = 5_000_000

_CELLULE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br=\"([A-Z]{1,3})([0-9]{1,7})\"")
_MORCEAU = 1 << 20
#: Enough of the previous chunk to hold a cell's opening tag cut in two.
_RECOUVREMENT = 512


def _etendue(flux: IO[bytes]) -> tuple[int, int, bytes]:
    """Farthest row and column of one part, and the address that reaches them (for the message)."""
    ligne_max = colonne_max = 0
    adresse = b""
    reste = b""
    while morceau := flux.read(_MORCEAU):
        texte = reste + morceau
        for trouve in _CELLULE.finditer(texte):
            colonne, ligne = numero_colonne(trouve[1]), int(trouve[2])
            if colonne > colonne_max or ligne > ligne_max:
                ligne_max, colonne_max = max(ligne, ligne_max), max(colonne, colonne_max)
                adresse = trouve[1] + trouve[2]
        reste = texte[-_RECOUVREMENT:]
    return ligne_max, colonne_max, adresse


def cellule_la_plus_lointaine(classeur: zipfile.ZipFile) -> str | None:
    """The address of a far cell when the workbook's grids would exceed ``CELLULES_MAX``, else None."""
    total = 0
    for nom in classeur.namelist():
        if not nom.lower().endswith(".xml"):
            continue
        with classeur.open(nom) as flux:
            lignes, colonnes, adresse = _etendue(flux)
        total += lignes * colonnes
        if total > CELLULES_MAX:
            return adresse.decode("ascii")
    return None
