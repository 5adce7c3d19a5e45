"""The qualitative part of the report (partnerships, method, highlights): a plain text file per period.

Where: ``--texte FICHIER``, else ``<CHEMIN>/bilan/<période>.md`` in a folder given to the command
(``dossiers/aubagne/bilan/2007-2008.md``, ``…/bilan/2008.md``). Its markup is the smallest that
a facilitator types without thinking of it:

* ``# Titre`` (or ``##``): a heading of the report's qualitative section;
* ``- texte``: a bullet;
* any other line: text; lines that follow each other form one paragraph, a blank line ends it;
* ``%% …``: a comment, left out.

The report writes the text as typed (no other markup is interpreted: ``**`` stays ``**``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clause_kit.commun.erreurs import ErreurDonnees
from clause_kit.commun.fichiers import LectureImpossible, lire_borne

__all__ = ["Bloc", "lire_qualitatif", "trouver_qualitatif"]

#: A few pages of text; more is not a report's qualitative part.
TAILLE_MAX = 200_000


@dataclass(frozen=True)
class Bloc:
    """A heading (``titre``), a bullet (``puce``) or a paragraph (``texte``)."""

    genre: str
    texte: str


def trouver_qualitatif(chemins: tuple[Path, ...], libelle: str) -> Path | None:
    """The file ``bilan/<libellé>.md`` of the first folder given that has one."""
    for chemin in chemins:
        candidat = chemin / "bilan" / f"{libelle}.md"
        # Not only a regular file: a pipe or a device found there is named by ``lire_qualitatif``, not skipped.
        if chemin.is_dir() and (candidat.is_symlink() or candidat.exists()) and not candidat.is_dir():
            return candidat
    return None


def lire_qualitatif(chemin: Path) -> list[Bloc]:
    """The blocks of a qualitative file; ``ErreurDonnees`` naming the file (and line) when it cannot be read."""
    try:
        texte = lire_borne(chemin, TAILLE_MAX, trop_gros=f"plus de {TAILLE_MAX // 1000} ko").decode("utf-8")
    except LectureImpossible as err:
        raise ErreurDonnees(f"{chemin} : partie qualitative illisible ({err})") from err
    except UnicodeDecodeError as err:
        rang = err.object[: err.start].count(b"\n") + 1
        raise ErreurDonnees(f"{chemin}:{rang}: partie qualitative : enregistrez le fichier en UTF-8") from err
    blocs: list[Bloc] = []
    paragraphe: list[str] = []

    def finir() -> None:
        if paragraphe:
            blocs.append(Bloc("texte", " ".join(paragraphe)))
            paragraphe.clear()

    for numero, brute in enumerate(texte.splitlines(), start=1):
        ligne = brute.strip()
        if any(ord(c) < 32 and c != "\t" for c in ligne):
            raise ErreurDonnees(f"{chemin}:{numero}: partie qualitative : caractère de contrôle refusé")
        if not ligne or ligne.startswith("%%"):
            finir()
        elif ligne.startswith("#"):
            finir()
            blocs.append(Bloc("titre", ligne.lstrip("#").strip()))
        elif ligne.startswith(("- ", "* ")):
            finir()
            blocs.append(Bloc("puce", ligne[2:].strip()))
        else:
            paragraphe.append(" ".join(ligne.split()))
    finir()
    return blocs
