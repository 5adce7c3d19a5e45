"""What decides a dossier, recorded in its manifest and compared by ``generer --mettre-a-jour``.

A dossier is up to date when everything that decides its content is what it was when it was
written: the contract file and its commune's ``_commune.yaml``, each template used and the layer
it came from, ``pieces.yaml`` (which pieces), ``parametres.yaml`` and ``codes.yaml`` (values), the
clause_kit version, the options that change what is written (``--pdf``, ``--zip``,
``--brouillon``) and, when the content depends on the day (a contract without ``date_lancement``
takes today's date, a template may print the generation date), that day. The manifest records
exactly these under ``entrees`` and the comparison uses exactly these, nothing else.

The comparison runs in the main process before any worker starts: it reads no contract
through the checking loader, renders nothing, only hashes a few files (each once per run), so
that an up-to-date dossier costs a few milliseconds. A dossier written before ``entrees``
existed, or whose manifest cannot be read, is out of date.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clause_kit import version
from clause_kit.commun.fichiers import lire_borne

if TYPE_CHECKING:
    from clause_kit.dossier.construction import DossierConstruit

__all__ = ["FORMAT", "Reglages", "empreinte", "empreinte_donnees", "releve"]

#: Version of the ``entrees`` record: a manifest with another one is out of date.
FORMAT = 1
#: Largest input hashed: above it, the build (which reads with its own limits) reports the file.
_FICHIER_MAX = 64 * 1024 * 1024


@dataclass(frozen=True)
class Reglages:
    """The options of ``generer`` that change what a dossier contains."""

    pdf: bool = False
    zip: bool = False
    brouillon: bool = False


@functools.cache
def empreinte_donnees(nom: str) -> str:
    """SHA-256 of a data file packaged with clause_kit (``parametres.yaml``, ``codes.yaml``), once per process."""
    return hashlib.sha256(resources.files("clause_kit.commun").joinpath(nom).read_bytes()).hexdigest()


def empreinte(chemin: Path, memoire: dict[Path, str] | None = None) -> str:
    """SHA-256 of a regular file's bytes; ``memoire`` keeps it for the rest of a run (templates are shared)."""
    if memoire is not None and chemin in memoire:
        return memoire[chemin]
    empreinte = hashlib.sha256(lire_borne(chemin, _FICHIER_MAX)).hexdigest()  # never blocks on a FIFO
    if memoire is not None:
        memoire[chemin] = empreinte
    return empreinte


def releve(construit: DossierConstruit, reglages: Reglages) -> dict[str, Any]:
    """The ``entrees`` of a dossier's manifest: every input that decided it, as read to build it."""
    pieces_yaml = construit.couches.dossier_pieces / "pieces.yaml" if construit.couches is not None else None
    return {
        "format": FORMAT,
        "clause_kit": version(),
        "contrat": construit.sha256_source,
        "valeurs_communes": construit.sha256_defauts,
        "modeles": [
            {"modele": r.piece.modele, "couche": r.couche_modele, "sha256": r.sha256_modele} for r in construit.pieces
        ],
        "pieces_yaml": empreinte(pieces_yaml) if pieces_yaml is not None else None,
        "parametres": empreinte_donnees("parametres.yaml"),
        "codes": empreinte_donnees("codes.yaml"),
        "options": {"pdf": reglages.pdf, "zip": reglages.zip, "brouillon": reglages.brouillon},
        "jour": construit.jour_decisif.isoformat() if construit.jour_decisif is not None else None,
    }
