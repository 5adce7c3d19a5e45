"""The summary table printed at the end of a batch: one line per contract."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from clause_kit.formats import nombre

if TYPE_CHECKING:
    from clause_kit.batch import Resultat

__all__ = ["tableau_resume"]

_ENTETES = ("commune", "référence", "statut", "heures", "pièces")


def tableau_resume(resultats: list[Resultat]) -> str:
    """A plain-text table (commune, reference, status, hours, pieces) and a closing count."""
    lignes = [
        (
            r.commune or "?",
            r.reference or Path(r.fichier).name,
            r.statut,
            nombre(r.heures) if r.heures is not None else "",
            str(r.pieces) if r.statut == "généré" else "",
        )
        for r in sorted(resultats, key=lambda r: (r.commune.lower(), r.reference, r.fichier))
    ]
    largeurs = [max(len(x) for x in colonne) for colonne in zip(_ENTETES, *lignes, strict=False)]
    rangees = [_rangee(_ENTETES, largeurs), _rangee(tuple("-" * n for n in largeurs), largeurs)]
    rangees += [_rangee(ligne, largeurs) for ligne in lignes]
    generes = sum(r.statut == "généré" for r in resultats)
    rangees.append(f"{generes} dossier(s) généré(s), {len(resultats) - generes} en erreur")
    return "\n".join(rangees)


def _rangee(cellules: tuple[str, ...], largeurs: list[int]) -> str:
    alignees = [c.rjust(n) if i >= 3 else c.ljust(n) for i, (c, n) in enumerate(zip(cellules, largeurs, strict=True))]
    return "  ".join(alignees).rstrip()
