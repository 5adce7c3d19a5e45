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

import datetime
import functools
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clause_kit import __version__
from clause_kit.communes import trouver_defauts
from clause_kit.couches import Couches, couches_pour
from clause_kit.erreurs import ClauseKitError
from clause_kit.fichiers import LectureImpossible, lire_borne
from clause_kit.formats import slug
from clause_kit.rapport import A_JOUR, Resultat
from clause_kit.selection import identifier, racine_de

if TYPE_CHECKING:
    from clause_kit.dossier import DossierConstruit

__all__ = ["FORMAT", "Reglages", "Tri", "aujourd_hui", "empreinte_donnees", "releve", "trier"]

#: Version of the ``entrees`` record: a manifest with another one is out of date.
FORMAT = 1
#: Largest manifest read back (a real one is a few kilobytes).
_MANIFESTE_MAX = 1024 * 1024
#: Largest input hashed: above it, the build (which reads with its own limits) reports the file.
_FICHIER_MAX = 64 * 1024 * 1024


@dataclass(frozen=True)
class Reglages:
    """The options of ``generer`` that change what a dossier contains."""

    pdf: bool = False
    zip: bool = False
    brouillon: bool = False


@dataclass
class Tri:
    """Contracts sorted by ``--mettre-a-jour``: to build, whose old dossier may be replaced, already up to date."""

    a_generer: list[Path]
    #: Contract files (as given) whose existing dossier is out of date: replaced without ``--force``.
    a_remplacer: frozenset[str]
    a_jour: list[Resultat]


def aujourd_hui() -> datetime.date:
    """Today, as the comparison sees it (one function, so that tests can be another day)."""
    return datetime.date.today()


@functools.cache
def empreinte_donnees(nom: str) -> str:
    """SHA-256 of a data file packaged with clause_kit (``parametres.yaml``, ``codes.yaml``), once per process."""
    return hashlib.sha256(resources.files("clause_kit").joinpath(nom).read_bytes()).hexdigest()


def _empreinte(chemin: Path, memoire: dict[Path, str] | None = None) -> str:
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
        "clause_kit": __version__,
        "contrat": construit.sha256_source,
        "valeurs_communes": construit.sha256_defauts,
        "modeles": [
            {"modele": r.piece.modele, "couche": r.couche_modele, "sha256": r.sha256_modele} for r in construit.pieces
        ],
        "pieces_yaml": _empreinte(pieces_yaml) if pieces_yaml is not None else None,
        "parametres": empreinte_donnees("parametres.yaml"),
        "codes": empreinte_donnees("codes.yaml"),
        "options": {"pdf": reglages.pdf, "zip": reglages.zip, "brouillon": reglages.brouillon},
        "jour": construit.jour_decisif.isoformat() if construit.jour_decisif is not None else None,
    }


def trier(
    fichiers: Sequence[Path],
    sortie: Path,
    reglages: Reglages,
    *,
    modeles: Path | None = None,
    racines: Sequence[Path] = (),
) -> Tri:
    """Split ``fichiers`` into dossiers to (re)build and dossiers already up to date in ``sortie``."""
    comparaison = _Comparaison(reglages, modeles, aujourd_hui())
    tri = Tri([], frozenset(), [])
    remplacer = set()
    for fichier in fichiers:
        cible = _cible(fichier, sortie, racines)
        manifeste = _lire_manifeste(cible) if cible is not None else None
        if manifeste is None:  # new, unreadable or not ours: today's rules (an error without --force)
            tri.a_generer.append(fichier)
        elif comparaison.a_jour(fichier, racine_de(fichier, racines), manifeste.get("entrees")):
            tri.a_jour.append(_resultat(fichier, cible, manifeste))  # type: ignore[arg-type]
        else:
            tri.a_generer.append(fichier)
            remplacer.add(str(fichier))
    tri.a_remplacer = frozenset(remplacer)
    return tri


def _cible(fichier: Path, sortie: Path, racines: Sequence[Path]) -> Path | None:
    """The dossier a contract writes (``sortie/<commune>/<reference>``), if it exists; None otherwise."""
    nom = identifier(fichier, racines=racines)
    if nom is None:
        return None
    try:
        cible = sortie / slug(nom[0]) / slug(nom[1])
    except ValueError:
        return None
    return cible if cible.is_dir() and not cible.is_symlink() else None


def _lire_manifeste(cible: Path) -> dict[str, Any] | None:
    """The manifest of an existing dossier, or None when there is none or it cannot be read."""
    try:
        donnees = json.loads(lire_borne(cible / "manifest.json", _MANIFESTE_MAX).decode("utf-8"))
    except (OSError, ValueError, ClauseKitError, LectureImpossible):
        return None
    return donnees if isinstance(donnees, dict) else None


def _resultat(fichier: Path, cible: Path, manifeste: dict[str, Any]) -> Resultat:
    """The report's row for a dossier left as it is, from what its manifest says."""
    pieces = manifeste.get("pieces")
    heures = manifeste.get("heures_insertion")
    return Resultat(
        str(fichier),
        commune=str(manifeste.get("commune", "")),
        reference=str(manifeste.get("reference", "")),
        statut=A_JOUR,
        heures=heures if isinstance(heures, int) else None,
        pieces=len(pieces) if isinstance(pieces, list) else 0,
        dossier=str(cible),
    )


class _Comparaison:
    """Compares recorded inputs with today's, hashing each shared file once per run."""

    def __init__(self, reglages: Reglages, modeles: Path | None, jour: datetime.date) -> None:
        self.modeles = modeles
        self.jour = jour.isoformat()
        self.options = {"pdf": reglages.pdf, "zip": reglages.zip, "brouillon": reglages.brouillon}
        self.memoire: dict[Path, str] = {}
        self.couches: dict[Path, Couches] = {}

    def a_jour(self, fichier: Path, racine: Path | None, entrees: object) -> bool:
        """Whether every recorded input of ``fichier``'s dossier is the same today."""
        if not isinstance(entrees, dict) or entrees.get("format") != FORMAT:
            return False  # written before the inputs were recorded
        try:
            return self._generales(entrees) and self._du_contrat(fichier, racine, entrees)
        except (OSError, ClauseKitError, LectureImpossible, KeyError, TypeError):
            return False  # a file gone or unreadable: rebuild, and let the build report it

    def _generales(self, entrees: dict[str, Any]) -> bool:
        """Inputs shared by every contract: version, packaged data, options, the day."""
        return (
            entrees["clause_kit"] == __version__
            and entrees["parametres"] == empreinte_donnees("parametres.yaml")
            and entrees["codes"] == empreinte_donnees("codes.yaml")
            and entrees["options"] == self.options
            and entrees["jour"] in (None, self.jour)
        )

    def _du_contrat(self, fichier: Path, racine: Path | None, entrees: dict[str, Any]) -> bool:
        """The contract, its commune's defaults, the list of pieces and each template used."""
        if entrees["contrat"] != _empreinte(fichier):
            return False
        defauts = trouver_defauts(fichier, racine)
        if entrees["valeurs_communes"] != (_empreinte(defauts, self.memoire) if defauts is not None else None):
            return False
        couches = self._couches(defauts.parent if defauts is not None else fichier.resolve().parent)
        if entrees["pieces_yaml"] != _empreinte(couches.dossier_pieces / "pieces.yaml", self.memoire):
            return False
        for modele in entrees["modeles"]:
            resolu = couches.resoudre(modele["modele"])  # a commune template added or removed changes the layer
            if (resolu.couche, _empreinte(resolu.chemin, self.memoire)) != (modele["couche"], modele["sha256"]):
                return False
        return True

    def _couches(self, commune: Path) -> Couches:
        if commune not in self.couches:
            self.couches[commune] = couches_pour(commune=commune, choisi=self.modeles)
        return self.couches[commune]
