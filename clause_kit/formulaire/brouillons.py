"""Drafts: what the officer types, kept on disk as they type, to resume after a closed tab or a restart.

A draft is the list of (name, value) pairs the page posts, kept in ``DOSSIER/.brouillons/``:
a hidden folder, which ``generer`` and the list of contract files skip (``lot.selection``).
Each page carries the random name of its draft (``_brouillon_id``); every live check and
every action of that page replaces it. Bounded: a draft is at most ``TAILLE_MAX`` bytes and
the folder keeps the ``NOMBRE_MAX`` most recent. Written like every file of clause_kit: a
temporary file created exclusively (never through a link), readable by its owner only, then
renamed over the draft, so a reader never sees half a draft.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import re
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from clause_kit.commun.erreurs import ClauseKitError, raison_systeme
from clause_kit.commun.fichiers import LectureImpossible, lire_borne, prefixe_temporaire
from clause_kit.commun.formats import date_fr

__all__ = [
    "NOM_DOSSIER",
    "NOMBRE_MAX",
    "TAILLE_MAX",
    "Brouillon",
    "ErreurBrouillon",
    "garder",
    "identifiant_valide",
    "lire",
    "lister",
    "nouvel_identifiant",
    "supprimer",
]

#: The hidden folder of DOSSIER that holds the drafts (``generer`` skips hidden folders).
NOM_DOSSIER = ".brouillons"
#: Most drafts kept: past it, the oldest go.
NOMBRE_MAX = 30
#: Largest draft (a form of 500 lots, as the request size limit allows).
TAILLE_MAX = 2_000_000

_IDENTIFIANT = re.compile(r"[0-9a-f]{32}")
_VERSION = 1


class ErreurBrouillon(ClauseKitError):
    """Raised when a draft cannot be kept, read or deleted (its folder not writable, a draft too big...)."""


@dataclass(frozen=True)
class Brouillon:
    """A draft as the home page lists it."""

    identifiant: str
    objet: str
    modifie: datetime.datetime
    #: The contract file of DOSSIER the draft was opened from ("" for a new contract).
    fichier: str = ""

    @property
    def quand(self) -> str:
        """« 6 décembre 2026 à 14 h 05 »: when it was last kept (local time)."""
        return f"{date_fr(self.modifie.date())} à {self.modifie:%H} h {self.modifie:%M}"


def nouvel_identifiant() -> str:
    """A fresh random draft name (32 hexadecimal digits)."""
    return secrets.token_hex(16)


def identifiant_valide(texte: object) -> bool:
    """Whether ``texte`` is a draft name this module made (nothing else ever becomes a path)."""
    return isinstance(texte, str) and _IDENTIFIANT.fullmatch(texte) is not None


def _dossier(dossier: Path, creer: bool = False) -> Path | None:
    """The drafts folder, a real folder (never a link); None when there is none yet."""
    chemin = dossier / NOM_DOSSIER
    try:
        mode = os.lstat(chemin).st_mode
    except FileNotFoundError:
        if not creer:
            return None
        try:
            chemin.mkdir(mode=0o700, parents=True)
        except OSError as err:
            raise ErreurBrouillon(f"brouillon non gardé : {chemin} ({raison_systeme(err)})") from err
        return chemin
    if not stat.S_ISDIR(mode):
        raise ErreurBrouillon(f"brouillon non gardé : {chemin} n'est pas un dossier")
    return chemin


def _chemin(dossier: Path, identifiant: str, creer: bool = False) -> Path | None:
    if not identifiant_valide(identifiant):
        raise ErreurBrouillon("brouillon inconnu")
    racine = _dossier(dossier, creer)
    return None if racine is None else racine / f"{identifiant}.json"


def _objet(paires: list[tuple[str, str]]) -> str:
    valeurs = dict(paires)
    for nom in ("marche.objet", "marche.reference", "acheteur.nom"):
        if valeurs.get(nom, "").strip():
            return valeurs[nom].strip()[:200]
    return ""


def garder(dossier: Path, identifiant: str, paires: list[tuple[str, str]], fichier: str = "") -> bool:
    """Keep the page's pairs as draft ``identifiant``; False when nothing is typed (no draft then).

    ``fichier``: the contract file of DOSSIER the page was opened from ("" for a new contract).
    """
    donnees = [(n, v) for n, v in paires if not n.startswith("_")]
    if not any(v.strip() for n, v in donnees if not n.startswith("@")):
        return False
    texte = json.dumps(
        {"version": _VERSION, "objet": _objet(donnees), "fichier": fichier, "paires": donnees}, ensure_ascii=False
    ).encode("utf-8")
    if len(texte) > TAILLE_MAX:
        raise ErreurBrouillon(f"brouillon non gardé : plus de {TAILLE_MAX // 1_000_000} Mo")
    cible = _chemin(dossier, identifiant, creer=True)
    assert cible is not None
    temporaire = cible.with_name(f"{prefixe_temporaire(cible.name)}{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(temporaire, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        with os.fdopen(fd, "wb") as flux:
            flux.write(texte)
        os.replace(temporaire, cible)
    except OSError as err:
        with contextlib.suppress(OSError):
            temporaire.unlink()
        raise ErreurBrouillon(f"brouillon non gardé : {cible.parent} ({raison_systeme(err)})") from err
    _elaguer(cible.parent)
    return True


def _fichiers(racine: Path) -> list[tuple[float, Path]]:
    trouves = []
    for chemin in racine.iterdir():
        if chemin.suffix == ".json" and identifiant_valide(chemin.stem):
            with contextlib.suppress(OSError):
                trouves.append((chemin.lstat().st_mtime, chemin))
    return sorted(trouves, reverse=True)


def _elaguer(racine: Path) -> None:
    """Only the ``NOMBRE_MAX`` most recent drafts stay."""
    for _, chemin in _fichiers(racine)[NOMBRE_MAX:]:
        with contextlib.suppress(OSError):
            chemin.unlink()


def _charger(chemin: Path) -> dict[str, object]:
    try:
        donnees = json.loads(lire_borne(chemin, TAILLE_MAX))
    except (LectureImpossible, ValueError) as err:
        raise ErreurBrouillon(f"brouillon illisible : {chemin.name}") from err
    if not isinstance(donnees, dict) or donnees.get("version") != _VERSION:
        raise ErreurBrouillon(f"brouillon illisible : {chemin.name}")
    return donnees


def lister(dossier: Path) -> list[Brouillon]:
    """The drafts of DOSSIER, most recent first (an unreadable one is left out)."""
    try:
        racine = _dossier(dossier)
    except ErreurBrouillon:
        return []
    if racine is None:
        return []
    resultat = []
    for horodatage, chemin in _fichiers(racine):
        try:
            donnees = _charger(chemin)
        except ErreurBrouillon:
            continue
        objet, fichier = str(donnees.get("objet") or ""), str(donnees.get("fichier") or "")
        resultat.append(Brouillon(chemin.stem, objet, datetime.datetime.fromtimestamp(horodatage), fichier))
    return resultat


def lire(dossier: Path, identifiant: str) -> tuple[list[tuple[str, str]], str]:
    """The pairs of a draft and the file it was opened from; ``ErreurBrouillon`` if there is no such draft."""
    chemin = _chemin(dossier, identifiant)
    if chemin is None or not chemin.is_file():
        raise ErreurBrouillon("ce brouillon n'existe plus (supprimé, ou remplacé par de plus récents)")
    donnees = _charger(chemin)
    paires = donnees.get("paires")
    if not isinstance(paires, list) or not all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in paires
    ):
        raise ErreurBrouillon(f"brouillon illisible : {chemin.name}")
    return [(n, v) for n, v in paires], str(donnees.get("fichier") or "")


def supprimer(dossier: Path, identifiant: str) -> bool:
    """Delete a draft; False when it was already gone."""
    chemin = _chemin(dossier, identifiant)
    if chemin is None:
        return False
    try:
        chemin.unlink()
    except FileNotFoundError:
        return False
    except OSError as err:
        raise ErreurBrouillon(f"brouillon non supprimé : {chemin} ({raison_systeme(err)})") from err
    return True
