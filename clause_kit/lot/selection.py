"""Which contract files a batch processes: files and folders, selected communes, no two for one dossier.

Runs in the main process before any worker starts. It reads files with libyaml's event
parser (``yaml_texte.champs_rapides``), ten times faster than the checking loader of
``chargement``: this part is not shared between cores. It is as safe as the loader (no alias
expanded, no tree built, at most the size limit read, regular files only) and reads values
the same way, so both agree on the output folder. A file it cannot read is simply passed on,
for its worker to report precisely.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

from clause_kit.commun.fichiers import lire_borne
from clause_kit.commun.formats import slug
from clause_kit.lot.compte_rendu import Resultat
from clause_kit.marche.chargement import TAILLE_MAX
from clause_kit.marche.communes import trouver_defauts
from clause_kit.marche.yaml_texte import champs_rapides

__all__ = ["EXTENSIONS", "collecter", "identifier", "racine_de", "reperer_doublons", "selectionner_communes"]

#: Contract file extensions, in any case (``MARCHE.YAML`` is taken too).
EXTENSIONS = {".yaml", ".yml"}
_COMMUNE, _REFERENCE = ("acheteur", "commune"), ("marche", "reference")


def collecter(chemins: Sequence[Path]) -> tuple[list[Path], list[Resultat]]:
    """Contract files given directly or found below folders; plus a result for each path that cannot be one.

    Folders are searched recursively for ``*.yaml``/``*.yml`` (extension in any case), sorted,
    skipping hidden entries and files starting with ``_`` (commune defaults). A broken link or
    a FIFO, device... with such a name is reported, not silently skipped.
    """
    fichiers: list[Path] = []
    refuses: list[Resultat] = []
    for chemin in chemins:
        if chemin.is_dir():
            for candidat in sorted(p for p in chemin.rglob("*") if _a_nom_de_contrat(p, chemin)):
                raison = _raison_de_refus(candidat)
                if raison:
                    refuses.append(Resultat(str(candidat), message=f"{candidat} : {raison}"))
                else:
                    fichiers.append(candidat)
        elif chemin.is_file() or chemin.suffix.lower() in EXTENSIONS:
            fichiers.append(chemin)
        else:
            refuses.append(Resultat(str(chemin), message=f"{chemin} : ni fichier ni dossier"))
    vus: set[Path] = set()
    uniques = []
    for f in fichiers:
        if f.resolve() not in vus:
            vus.add(f.resolve())
            uniques.append(f)
    return uniques, refuses


def _a_nom_de_contrat(chemin: Path, racine: Path) -> bool:
    relatif = chemin.relative_to(racine).parts
    return (
        chemin.suffix.lower() in EXTENSIONS
        and not chemin.name.startswith("_")
        and not any(partie.startswith(".") for partie in relatif)
        and not chemin.is_dir()
    )


def _raison_de_refus(chemin: Path) -> str:
    """Why a path named like a contract cannot be read as one ("" when it is a regular file)."""
    try:
        mode = os.stat(chemin).st_mode
    except FileNotFoundError:
        return "lien symbolique cassé" if chemin.is_symlink() else "fichier disparu"
    except OSError as err:
        return f"illisible ({err.strerror})"
    return "" if stat.S_ISREG(mode) else "ce n'est pas un fichier ordinaire (tube, périphérique...)"


def racine_de(fichier: Path, racines: Sequence[Path]) -> Path | None:
    """The folder named on the command line that holds ``fichier`` (the deepest one), if any."""
    absolu = Path(os.path.abspath(fichier))
    englobantes = [r for r in (Path(os.path.abspath(r)) for r in racines) if r in absolu.parents]
    return max(englobantes, key=lambda r: len(r.parts)) if englobantes else None


def selectionner_communes(fichiers: list[Path], communes: Sequence[str], racines: Sequence[Path] = ()) -> list[Path]:
    """Keep the contracts whose buyer's commune (or, for an unreadable file, folder) is selected."""
    if not communes:
        return fichiers
    voulues = {slug(c) for c in communes}
    cache: dict[Path, str | None] = {}
    garder = []
    for fichier in fichiers:
        cible = _cible(fichier, cache, racines)
        cle = cible[0] if cible is not None else _slug_ou_vide(fichier.parent.name)
        if cle in voulues:
            garder.append(fichier)
    return garder


def reperer_doublons(fichiers: list[Path], racines: Sequence[Path] = ()) -> tuple[list[Path], list[Resultat]]:
    """Set aside the files that would write the same ``<commune>/<reference>`` as an earlier one.

    Run before the workers start: two processes must never race for one output folder.
    Unreadable files are kept; their worker reports what is wrong with them.
    """
    premiers: dict[tuple[str, str], Path] = {}
    gardes, doublons = [], []
    communes_par_dossier: dict[Path, str | None] = {}
    for fichier in fichiers:
        cle = _cible(fichier, communes_par_dossier, racines)
        if cle is not None and cle in premiers:
            message = (
                f"{fichier} : même dossier de sortie {cle[0]}/{cle[1]} que {premiers[cle]} "
                "(commune et référence identiques) ; non généré"
            )
            doublons.append(Resultat(str(fichier), message=message))
            continue
        if cle is not None:
            premiers[cle] = fichier
        gardes.append(fichier)
    return gardes, doublons


def identifier(
    fichier: Path, communes_par_dossier: dict[Path, str | None] | None = None, racines: Sequence[Path] = ()
) -> tuple[str, str] | None:
    """``(commune, reference)`` as written in a contract (or its defaults), read quickly; None if unreadable."""
    cache = {} if communes_par_dossier is None else communes_par_dossier
    try:
        champs = _champs(fichier)
        commune, reference = champs.get(_COMMUNE), champs.get(_REFERENCE)
        if commune is None:
            if fichier.parent not in cache:
                cache[fichier.parent] = _commune_par_defaut(fichier, racines)
            commune = cache[fichier.parent]
        if not isinstance(commune, str) or not isinstance(reference, str):
            return None
        return commune.strip(), reference.strip()
    except Exception:  # noqa: BLE001 - any problem is reported by the worker that builds this file
        return None


def _champs(fichier: Path) -> dict[tuple[str | int, ...], str | bool | None]:
    texte = lire_borne(fichier, TAILLE_MAX).decode("utf-8-sig")
    return champs_rapides(texte, {_COMMUNE, _REFERENCE})


def _cible(
    fichier: Path, communes_par_dossier: dict[Path, str | None], racines: Sequence[Path] = ()
) -> tuple[str, str] | None:
    """``(commune, reference)`` slugs of a contract: its output folder; None when unknown."""
    nom = identifier(fichier, communes_par_dossier, racines)
    try:
        return (slug(nom[0]), slug(nom[1])) if nom is not None else None
    except ValueError:
        return None


def _commune_par_defaut(fichier: Path, racines: Sequence[Path]) -> str | None:
    defauts = trouver_defauts(fichier, racine_de(fichier, racines))
    if defauts is None:
        return None
    commune = _champs(defauts).get(_COMMUNE)
    return commune if isinstance(commune, str) else None


def _slug_ou_vide(texte: str) -> str:
    try:
        return slug(texte)
    except ValueError:
        return ""
