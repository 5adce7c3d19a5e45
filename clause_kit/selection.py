"""Which contract files a batch processes: files and folders, selected communes, no two for one dossier.

Runs in the main process before any worker starts. It reads files with libyaml's C loader,
ten times faster than the checking loader of ``chargement``: this part is not shared between
cores, and a file it cannot read is simply passed on, for its worker to report precisely.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import yaml

from clause_kit.chargement import TAILLE_MAX
from clause_kit.communes import NOM_DEFAUTS, trouver_defauts
from clause_kit.formats import slug
from clause_kit.rapport import Resultat

__all__ = ["EXTENSIONS", "collecter", "identifier", "reperer_doublons", "selectionner_communes"]

EXTENSIONS = {".yaml", ".yml"}
_CHARGEUR_RAPIDE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def collecter(chemins: Sequence[Path]) -> tuple[list[Path], list[Resultat]]:
    """Contract files given directly or found below folders; plus a result for each path that is missing.

    Folders are searched recursively for ``*.yaml``/``*.yml``, sorted, skipping hidden entries
    and files starting with ``_`` (commune defaults).
    """
    fichiers: list[Path] = []
    absents: list[Resultat] = []
    for chemin in chemins:
        if chemin.is_dir():
            fichiers += sorted(p for p in chemin.rglob("*") if _est_contrat(p, chemin))
        elif chemin.is_file() or chemin.suffix in EXTENSIONS:
            fichiers.append(chemin)
        else:
            absents.append(Resultat(str(chemin), message=f"{chemin} : ni fichier ni dossier"))
    vus: set[Path] = set()
    uniques = []
    for f in fichiers:
        if f.resolve() not in vus:
            vus.add(f.resolve())
            uniques.append(f)
    return uniques, absents


def _est_contrat(chemin: Path, racine: Path) -> bool:
    relatif = chemin.relative_to(racine).parts
    return (
        chemin.suffix in EXTENSIONS
        and chemin.is_file()
        and chemin.name not in (NOM_DEFAUTS, "_commune.yml")
        and not chemin.name.startswith("_")
        and not any(partie.startswith(".") for partie in relatif)
    )


def selectionner_communes(fichiers: list[Path], communes: Sequence[str]) -> list[Path]:
    """Keep the contracts whose buyer's commune (or, for an unreadable file, folder) is selected."""
    if not communes:
        return fichiers
    voulues = {slug(c) for c in communes}
    cache: dict[Path, str | None] = {}
    garder = []
    for fichier in fichiers:
        cible = _cible(fichier, cache)
        cle = cible[0] if cible is not None else _slug_ou_vide(fichier.parent.name)
        if cle in voulues:
            garder.append(fichier)
    return garder


def reperer_doublons(fichiers: list[Path]) -> tuple[list[Path], list[Resultat]]:
    """Set aside the files that would write the same ``<commune>/<reference>`` as an earlier one.

    Run before the workers start: two processes must never race for one output folder.
    Unreadable files are kept; their worker reports what is wrong with them.
    """
    premiers: dict[tuple[str, str], Path] = {}
    gardes, doublons = [], []
    communes_par_dossier: dict[Path, str | None] = {}
    for fichier in fichiers:
        cle = _cible(fichier, communes_par_dossier)
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


def identifier(fichier: Path, communes_par_dossier: dict[Path, str | None] | None = None) -> tuple[str, str] | None:
    """``(commune, reference)`` as written in a contract (or its defaults), read quickly; None if unreadable."""
    cache = {} if communes_par_dossier is None else communes_par_dossier
    try:
        if fichier.stat().st_size > TAILLE_MAX:
            return None
        donnees = yaml.load(fichier.read_text(encoding="utf-8-sig"), Loader=_CHARGEUR_RAPIDE)  # noqa: S506
        acheteur, marche = donnees.get("acheteur") or {}, donnees["marche"]
        if fichier.parent not in cache:
            cache[fichier.parent] = _commune_par_defaut(fichier)
        commune = acheteur.get("commune") or cache[fichier.parent]
        return str(commune), str(marche["reference"])
    except Exception:  # noqa: BLE001 - any problem is reported by the worker that builds this file
        return None


def _cible(fichier: Path, communes_par_dossier: dict[Path, str | None]) -> tuple[str, str] | None:
    """``(commune, reference)`` slugs of a contract: its output folder; None when unknown."""
    nom = identifier(fichier, communes_par_dossier)
    try:
        return (slug(nom[0]), slug(nom[1])) if nom is not None else None
    except ValueError:
        return None


def _commune_par_defaut(fichier: Path) -> str | None:
    defauts = trouver_defauts(fichier)
    if defauts is None:
        return None
    donnees = yaml.load(defauts.read_text(encoding="utf-8-sig"), Loader=_CHARGEUR_RAPIDE)  # noqa: S506
    return str(donnees["acheteur"]["commune"])


def _slug_ou_vide(texte: str) -> str:
    try:
        return slug(texte)
    except ValueError:
        return ""
