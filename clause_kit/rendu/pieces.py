"""Where the Word templates live and which pieces a dossier holds (``modeles/pieces.yaml``).

The templates are the repository's top-level ``modeles/`` folder, owned by legal services.
An installed clause_kit carries a copy as the ``clause_kit._modeles`` package data; a
``--modeles`` option or the ``CLAUSE_KIT_MODELES`` variable points to another folder.
"""

from __future__ import annotations

import functools
import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from clause_kit.commun.erreurs import ErreurDonnees
from clause_kit.commun.fichiers import LectureImpossible, lire_borne
from clause_kit.marche.calcul import avec_clause
from clause_kit.marche.modele import Consultation
from clause_kit.marche.yaml_texte import ChargeurTexte, ProblemeYaml

__all__ = [
    "DocumentModele",
    "Piece",
    "charger_pieces",
    "dossier_modeles",
    "lire_documents",
    "lire_pieces",
    "pieces_applicables",
]

CONDITIONS = ("toujours", "clause", "article_14", "article_53")


@dataclass(frozen=True)
class Piece:
    """One piece of the dossier: its template, its title and when it applies."""

    code: str
    modele: str
    titre: str
    fichier: str
    condition: str = "toujours"


@dataclass(frozen=True)
class DocumentModele:
    """A template that is not a piece of the dossier (the annual report): made by another command.

    ``variables``: the file, beside the template, that describes its variables (what
    ``modeles verifier`` checks it against, instead of ``VARIABLES.md``).
    """

    code: str
    modele: str
    titre: str
    variables: str
    commande: str


def dossier_modeles(choisi: Path | None = None) -> Path:
    """The templates folder: the one given, else $CLAUSE_KIT_MODELES, else the source tree's, else the installed one."""
    if choisi is not None:
        return choisi
    if os.environ.get("CLAUSE_KIT_MODELES"):
        return Path(os.environ["CLAUSE_KIT_MODELES"])
    source = Path(__file__).resolve().parent.parent.parent / "modeles"
    if (source / "pieces.yaml").is_file():
        return source
    # The installed copy is a data-only (namespace) package: ask for its folder, not its files.
    spec = importlib.util.find_spec("clause_kit._modeles")
    emplacements = list(spec.submodule_search_locations or []) if spec is not None else []
    if not emplacements:
        raise ErreurDonnees("dossier des modèles introuvable : indiquez-le avec --modeles")
    return Path(emplacements[0])


def charger_pieces(dossier: Path, *, ailleurs: tuple[Path, ...] = ()) -> list[Piece]:
    """Read and check the ordered list of pieces; each template must be in ``dossier`` or one of ``ailleurs``.

    ``ailleurs`` are the template layers below this list's folder (see ``couches``).
    """
    pieces = lire_pieces(dossier)
    for piece in pieces:
        if not any((d / piece.modele).is_file() for d in (dossier, *ailleurs)):
            chemin = dossier / "pieces.yaml"
            raise ErreurDonnees(f"{chemin} : pièce {piece.code} : modèle {piece.modele} introuvable dans {dossier}")
    return pieces


def lire_pieces(dossier: Path) -> list[Piece]:
    """Read the ordered list of pieces, once per process while the file is unchanged (templates not looked for)."""
    chemin = dossier / "pieces.yaml"
    try:
        etat = chemin.stat()
    except OSError as err:
        raise ErreurDonnees(f"{chemin} : liste des pièces introuvable") from err
    return list(_pieces(str(chemin.resolve()), etat.st_mtime_ns, etat.st_size))


@functools.lru_cache(maxsize=8)
def _pieces(chemin_texte: str, _mtime: int, _taille: int) -> tuple[Piece, ...]:
    """Read once per (file, version): every contract of a batch needs the same list."""
    chemin = Path(chemin_texte)
    try:
        # A templates folder may come from anyone (--modeles): read like a contract file,
        # bounded, regular files only, values as typed, no alias.
        donnees = ChargeurTexte(lire_borne(chemin, 1_000_000).decode("utf-8")).get_single_data()
    except LectureImpossible as err:
        raise ErreurDonnees(f"{chemin} : liste des pièces illisible ({err})") from err
    except UnicodeDecodeError as err:
        raise ErreurDonnees(f"{chemin} : liste des pièces illisible (pas un texte UTF-8)") from err
    except ProblemeYaml as err:
        raise ErreurDonnees(f"{chemin} : {err.message}") from err
    except yaml.YAMLError as err:
        raise ErreurDonnees(f"{chemin} : YAML mal formé ({err})") from err
    liste = donnees.get("pieces") if isinstance(donnees, dict) else None
    if not isinstance(liste, list) or not liste:
        raise ErreurDonnees(f"{chemin} : une clé « pieces » avec la liste des pièces est attendue")
    _documents[chemin_texte] = _lire_documents(chemin, donnees.get("documents") or [])
    pieces = []
    for i, entree in enumerate(liste, start=1):
        try:
            piece = Piece(**entree)
        except TypeError as err:
            raise ErreurDonnees(f"{chemin} : pièce n° {i} mal décrite ({err})") from err
        if piece.condition not in CONDITIONS:
            raise ErreurDonnees(f"{chemin} : pièce {piece.code} : condition inconnue « {piece.condition} »")
        pieces.append(piece)
    return tuple(pieces)


#: The other documents (``documents`` of ``pieces.yaml``), read with the pieces, by file.
_documents: dict[str, tuple[DocumentModele, ...]] = {}


def _lire_documents(chemin: Path, liste: object) -> tuple[DocumentModele, ...]:
    if not isinstance(liste, list):
        raise ErreurDonnees(f"{chemin} : « documents » doit être une liste")
    documents = []
    for i, entree in enumerate(liste, start=1):
        try:
            documents.append(DocumentModele(**entree))
        except TypeError as err:
            raise ErreurDonnees(f"{chemin} : document n° {i} mal décrit ({err})") from err
    return tuple(documents)


def lire_documents(dossier: Path) -> list[DocumentModele]:
    """The templates of ``pieces.yaml`` that are not dossier pieces (key ``documents``; none when absent)."""
    lire_pieces(dossier)
    return list(_documents.get(str((dossier / "pieces.yaml").resolve()), ()))


def pieces_applicables(pieces: list[Piece], consultation: Consultation, heures_total: int) -> list[Piece]:
    """The pieces this consultation needs, in dossier order."""
    actifs = {
        "toujours": True,
        # A reserved contract may have no insertion clause at all: only the avis and the RC then apply.
        "clause": avec_clause(consultation, heures_total),
        "article_14": heures_total > 0,
        "article_53": consultation.insertion.article_53 is not None,
    }
    return [p for p in pieces if actifs[p.condition]]
