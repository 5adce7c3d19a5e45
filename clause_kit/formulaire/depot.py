"""DOSSIER, the folder of communes the form reads from and saves into: its files, its communes, saving.

A contract is saved as ``DOSSIER/<commune>/<reference>.yaml`` (both as folder names), or back
into the file it was opened from; every path is resolved inside DOSSIER, an existing file is
only replaced on explicit confirmation, and the writing is atomic (a temporary file renamed).
Beside a ``_commune.yaml``, the file leaves out what the commune already gives.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clause_kit.commun.erreurs import ErreurSortie, raison_systeme
from clause_kit.commun.formats import slug
from clause_kit.formulaire.champs import texte_de, valeur_a
from clause_kit.formulaire.securite import ErreurChemin, resoudre_dans
from clause_kit.formulaire.yaml_sortie import ecrire_yaml, sans_valeurs_communes
from clause_kit.lot.selection import collecter
from clause_kit.marche.chargement import lire_yaml
from clause_kit.marche.communes import NOM_DEFAUTS, trouver_defauts

__all__ = [
    "Enregistrement",
    "cible",
    "communes",
    "defauts_pour",
    "enregistrer",
    "fichier_a_ouvrir",
    "fichier_commune",
    "fichiers",
]

EXTENSIONS = (".yaml", ".yml")


def fichiers(dossier: Path) -> list[str]:
    """The contract files below DOSSIER, as paths relative to it."""
    if not dossier.is_dir():
        return []
    trouves, _ = collecter([dossier])
    return [p.relative_to(dossier).as_posix() for p in trouves]


def communes(dossier: Path) -> list[str]:
    """The folders of DOSSIER that hold a ``_commune.yaml``."""
    if not dossier.is_dir():
        return []
    return sorted(p.name for p in dossier.iterdir() if (p / NOM_DEFAUTS).is_file() or (p / "_commune.yml").is_file())


def fichier_a_ouvrir(dossier: Path, relatif: str) -> Path:
    """A contract file of DOSSIER named by the browser; raise ``ErreurChemin`` for anything else."""
    chemin = resoudre_dans(dossier, relatif)
    if chemin.suffix not in EXTENSIONS or chemin.name.startswith(("_", ".")):
        raise ErreurChemin(f"« {relatif} » n'est pas un fichier de marché (.yaml)")
    return chemin


def fichier_commune(dossier: Path, commune: str) -> Path:
    """The ``_commune.yaml`` (or ``.yml``) of a commune folder of DOSSIER; raise ``ErreurChemin`` if none."""
    for nom in (NOM_DEFAUTS, "_commune.yml"):
        chemin = resoudre_dans(dossier, f"{commune}/{nom}")
        if chemin.is_file() and chemin.parent.parent == dossier.resolve():
            return chemin
    raise ErreurChemin(f"« {commune} » n'est pas un dossier de commune de {dossier} (avec {NOM_DEFAUTS})")


def defauts_pour(cible: Path) -> tuple[Path | None, dict[str, Any]]:
    """The ``_commune.yaml`` a file at ``cible`` inherits from (as the loader finds it) and its values."""
    defauts = trouver_defauts(cible)
    if defauts is None:
        return None, {}
    valeurs, _ = lire_yaml(defauts, vide_permis=True)
    return defauts, valeurs


def cible(dossier: Path, donnees: dict[str, Any], ouvert: str = "") -> Path:
    """Where to save: the file opened, else ``DOSSIER/<commune>/<reference>.yaml``."""
    if ouvert:
        return fichier_a_ouvrir(dossier, ouvert)
    commune, reference = valeur_a(donnees, "acheteur", "commune"), valeur_a(donnees, "marche", "reference")
    try:
        nom = f"{slug(texte_de(commune))}/{slug(texte_de(reference))}.yaml"
    except ValueError as err:
        raise ErreurChemin(
            "indiquez la commune de l'acheteur et la référence du marché : elles donnent le nom du fichier"
        ) from err
    return resoudre_dans(dossier, nom)


@dataclass(frozen=True)
class Enregistrement:
    """A saved file, or one that exists and awaits confirmation."""

    chemin: Path
    ecrit: bool
    defauts: Path | None = None


def enregistrer(chemin: Path, donnees: dict[str, Any], *, remplacer: bool) -> Enregistrement:
    """Write the contract file, all or nothing; an existing file only with ``remplacer``."""
    if chemin.exists() and not remplacer:
        return Enregistrement(chemin, False)
    defauts, valeurs = defauts_pour(chemin)
    texte = ecrire_yaml(sans_valeurs_communes(donnees, valeurs) if defauts is not None else donnees)
    try:
        chemin.parent.mkdir(parents=True, exist_ok=True)
        descripteur, temporaire = tempfile.mkstemp(prefix=f".{chemin.name}.", suffix=".tmp", dir=chemin.parent)
        with os.fdopen(descripteur, "w", encoding="utf-8") as flux:
            flux.write(texte)
        os.chmod(temporaire, 0o666 & ~_umask())
        os.replace(temporaire, chemin)
    except OSError as err:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(temporaire)
        raise ErreurSortie(f"impossible d'écrire {chemin} ({raison_systeme(err)})") from err
    return Enregistrement(chemin, True, defauts)


def _umask() -> int:
    masque = os.umask(0o022)
    os.umask(masque)
    return masque
