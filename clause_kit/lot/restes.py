"""Leftovers of dead runs: removed (or, for a dossier moved aside, put back) by the next run, which says so.

A run killed by SIGKILL (or a power cut) cannot clean up: hidden ``.<ref>.<pid>-….tmp``
folders stay in the output, ``clause_kit-lot-<pid>-…`` and ``clause_kit-lo-profil-<pid>-…``
in the temporary directory, and a ``--force`` replacement stopped between its two renames
leaves the old dossier hidden as ``.<ref>.ancien-<pid>``. Every such name carries its
owner's PID: an entry whose owner is no longer running is a leftover. A PID can be reused
by an unrelated process: an owner that started after the entry was last written is not its
owner. Entries of live runs (a concurrent ``generer``) are never touched.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from pathlib import Path

from clause_kit.commun.fichiers import MOTIF_ANCIEN, MOTIF_TEMPORAIRE, PREFIXE_LOT, PREFIXE_PROFIL

__all__ = ["nettoyer_restes"]

_MOTIF_SYSTEME = re.compile(rf"^(?:{re.escape(PREFIXE_LOT)}|{re.escape(PREFIXE_PROFIL)})(?P<pid>[0-9]+)-")


def nettoyer_restes(sortie: Path) -> list[str]:
    """Remove the leftovers of dead runs in ``sortie``, its commune folders and the temporary directory.

    Return one French line per thing done, for the user.
    """
    messages: list[str] = []
    if sortie.is_dir():
        for dossier in [sortie, *_sous_dossiers(sortie)]:
            messages += _nettoyer_dossier(dossier)
            if dossier != sortie:
                with contextlib.suppress(OSError):  # a commune folder that only held leftovers
                    if not any(dossier.iterdir()):
                        dossier.rmdir()
    supprimes = 0
    for entree in _entrees(Path(tempfile.gettempdir())):
        trouve = _MOTIF_SYSTEME.match(entree.name)
        if trouve and not _proprietaire_en_vie(int(trouve.group("pid")), entree):
            supprimes += _supprimer(entree)
    if supprimes:
        messages.append(
            f"{supprimes} dossier(s) temporaire(s) de LibreOffice laissé(s) par une exécution arrêtée : supprimé(s)"
        )
    return messages


def _sous_dossiers(sortie: Path) -> list[Path]:
    return [e for e in _entrees(sortie) if not e.name.startswith(".") and e.is_dir() and not e.is_symlink()]


def _entrees(dossier: Path) -> list[Path]:
    try:
        return sorted(dossier.iterdir())
    except OSError:
        return []


def _nettoyer_dossier(dossier: Path) -> list[str]:
    messages, supprimes, proprietaires = [], 0, set()
    for entree in _entrees(dossier):
        temporaire, ancien = MOTIF_TEMPORAIRE.match(entree.name), MOTIF_ANCIEN.match(entree.name)
        trouve = temporaire or ancien
        if trouve is None or _proprietaire_en_vie(int(trouve.group("pid")), entree):
            continue
        cible = dossier / trouve.group("nom")
        if ancien is not None and not os.path.lexists(cible):
            try:
                os.replace(entree, cible)
            except OSError:
                continue
            messages.append(f"{cible} : remis en place (son remplacement par --force avait été interrompu)")
        elif _supprimer(entree):
            supprimes += 1
            proprietaires.add(trouve.group("pid"))
    if supprimes:
        pids = ", ".join(sorted(proprietaires, key=int))
        messages.append(f"{dossier} : {supprimes} reste(s) d'une exécution arrêtée (processus {pids}) supprimé(s)")
    return messages


def _supprimer(entree: Path) -> int:
    """Remove a file, link or folder; 1 if it is gone."""
    try:
        if entree.is_dir() and not entree.is_symlink():
            shutil.rmtree(entree)
        else:
            entree.unlink()
    except OSError:
        return 0
    return 1


def _proprietaire_en_vie(pid: int, entree: Path) -> bool:
    """Whether the process ``pid`` that named ``entree`` may still be running (when unsure: yes)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: running
    etat = _etat(pid)
    if etat is None:
        return True
    statut, debut = etat
    if statut in "ZX":  # a zombie has exited: only its parent's bookkeeping remains
        return False
    try:
        ecrit = entree.lstat().st_mtime
    except OSError:
        return True
    # A process started after the entry was last written cannot have made it: its PID was reused.
    return debut <= ecrit + 2


def _etat(pid: int) -> tuple[str, float] | None:
    """A process's state letter (``Z`` zombie, ``X`` dead) and start time (seconds since the epoch); None if unknown.

    psutil reads what each system offers (``/proc`` on Linux, ``sysctl`` on macOS and BSD) where
    this used to parse Linux's ``/proc`` by hand. Imported here: only leftovers of dead runs need it.
    """
    import psutil

    try:
        processus = psutil.Process(pid)
        statut, debut = processus.status(), processus.create_time()
    except psutil.NoSuchProcess:
        return "X", 0.0
    except (psutil.Error, OSError):
        return None
    return ("Z" if statut == psutil.STATUS_ZOMBIE else "X" if statut == psutil.STATUS_DEAD else "R"), debut
