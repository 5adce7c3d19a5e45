"""Which file system holds a path: read from the kernel's mount table, longest mount point first.

SQLite's locks and its WAL journal (shared memory beside the base) are not reliable on network
file systems (SMB/CIFS, NFS, SSHFS): a register kept on a team share could be corrupted by two
facilitators at once. ``reseau`` names such a file system so that the register can refuse it.

The table is ``/proc/self/mountinfo`` (Linux); ``CLAUSE_KIT_MOUNTINFO`` names another file in the
same format, so that tests can pretend a folder is a share. Elsewhere nothing is known: None.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

__all__ = ["SYSTEMES_RESEAU", "reseau", "systeme_de_fichiers"]

#: File system types (as the kernel names them) whose locking SQLite cannot trust.
SYSTEMES_RESEAU = frozenset(
    {"cifs", "smb3", "smbfs", "nfs", "nfs4", "afs", "ncpfs", "fuse.sshfs", "sshfs", "davfs", "fuse.davfs2"}
    | {"ceph", "glusterfs", "fuse.glusterfs", "lustre", "gpfs", "fuse.rclone", "fuse.s3fs"}
    # GNOME's file manager mounts smb:// shares through gvfs; WSL shows Windows drives as 9p or
    # drvfs; VirtualBox shared folders: where a facilitator might put the register, unsafe alike.
    | {"fuse.gvfsd-fuse", "9p", "drvfs", "vboxsf"}
)
_OCTAL = re.compile(r"\\([0-7]{3})")
#: Read at most this much of the table: a few thousand mounts, never a runaway file.
_TAILLE_MAX = 4 * 1024 * 1024


def _decoder(champ: str) -> str:
    r"""Mount points escape space, tab, newline and backslash as octal (``\040``)."""
    return _OCTAL.sub(lambda m: chr(int(m[1], 8)), champ)


def _montages(table: Path) -> list[tuple[str, str]]:
    """(mount point, file system type) of each line, in the table's order (later mounts on top)."""
    try:
        with table.open("rb") as flux:
            texte = flux.read(_TAILLE_MAX).decode("utf-8", "surrogateescape")
    except OSError:
        return []
    montages = []
    for ligne in texte.splitlines():
        champs = ligne.split()
        if "-" not in champs[6:]:
            continue
        separateur = champs.index("-", 6)
        if len(champs) > max(separateur + 1, 4):
            montages.append((_decoder(champs[4]), champs[separateur + 1]))
    return montages


def systeme_de_fichiers(chemin: Path, table: Path | None = None) -> str | None:
    """The type of the file system holding ``chemin`` (or its nearest existing parent), or None when unknown."""
    if table is None:
        table = Path(os.environ.get("CLAUSE_KIT_MOUNTINFO") or "/proc/self/mountinfo")
    cible = str(Path(os.path.realpath(chemin)))
    trouve: tuple[int, str] | None = None
    for point, type_ in _montages(table):
        racine = point.rstrip("/")
        if cible == point or cible.startswith(racine + "/") or point == "/":
            # The longest mount point wins; at equal length the later one, mounted over the first.
            if trouve is None or len(racine) >= trouve[0]:
                trouve = (len(racine), type_)
    return trouve[1] if trouve else None


def reseau(chemin: Path, table: Path | None = None) -> str | None:
    """The network file system type holding ``chemin`` (``cifs``, ``nfs4``…), None when it is a local one."""
    type_ = systeme_de_fichiers(chemin, table)
    return type_ if type_ in SYSTEMES_RESEAU else None
