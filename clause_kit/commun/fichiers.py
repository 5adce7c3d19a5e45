"""Files read and written without surprises: bounded reads, exclusive creation, names that carry their owner.

Reading: a path may name a device (``/dev/zero`` never ends), a FIFO (opening it waits for a
writer) or a file far bigger than announced. Only regular files are read, opened without
blocking, and never more than the limit plus one byte, whatever the file system says.

Writing: a temporary file is created exclusively (``O_EXCL | O_NOFOLLOW``) beside its target
and renamed over it, so a link planted at a predictable name is never followed and a reader
never sees half a file.

Names: every temporary name carries the PID of the process that owns it
(``.<nom>.<pid>-<aléa>.tmp``), so that a later run can tell the leftovers of a dead run from
the work of a live one (see ``restes``).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from clause_kit.commun.erreurs import raison_systeme

__all__ = [
    "LectureImpossible",
    "MOTIF_ANCIEN",
    "MOTIF_TEMPORAIRE",
    "PREFIXE_LOT",
    "PREFIXE_PROFIL",
    "ecrire_ensemble",
    "ecrire_exclusif",
    "lire_borne",
    "nom_ancien",
    "prefixe_temporaire",
    "reserver",
    "umask",
    "verrou",
]

#: ``.<nom>.<pid>-<aléa>.tmp``: a temporary file or folder of the process ``pid``.
MOTIF_TEMPORAIRE = re.compile(r"^\.(?P<nom>.+)\.(?P<pid>[0-9]+)-[A-Za-z0-9_]+\.tmp$")
#: ``.<nom>.ancien-<pid>``: a dossier moved aside by the process ``pid`` while it replaced it.
MOTIF_ANCIEN = re.compile(r"^\.(?P<nom>.+)\.ancien-(?P<pid>[0-9]+)$")
#: LibreOffice's batch and profile folders in the system's temporary directory (``<préfixe><pid>-<aléa>``).
PREFIXE_LOT = "clause_kit-lot-"
PREFIXE_PROFIL = "clause_kit-lo-profil-"

_NON_ORDINAIRES = (
    (stat.S_ISDIR, "c'est un dossier, pas un fichier"),
    (stat.S_ISFIFO, "c'est un tube (FIFO), pas un fichier ordinaire"),
    (stat.S_ISCHR, "c'est un périphérique, pas un fichier ordinaire"),
    (stat.S_ISBLK, "c'est un périphérique, pas un fichier ordinaire"),
    (stat.S_ISSOCK, "c'est une socket, pas un fichier ordinaire"),
)


class LectureImpossible(Exception):  # noqa: N818 - carries a French reason, wrapped by the caller
    """Raised by ``lire_borne`` when a path is not a regular file within its size limit; the message is French."""


def lire_borne(chemin: Path, limite: int, *, trop_gros: str = "fichier trop volumineux") -> bytes:
    """The bytes of a regular file of at most ``limite`` bytes; ``LectureImpossible`` otherwise."""
    try:
        # O_NONBLOCK: opening a FIFO would otherwise wait for a writer, for ever.
        fd = os.open(chemin, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError as err:
        message = "lien symbolique cassé" if chemin.is_symlink() else "fichier introuvable"
        raise LectureImpossible(message) from err
    except OSError as err:
        raise LectureImpossible(f"lecture impossible ({raison_systeme(err)})") from err
    try:
        mode = os.fstat(fd).st_mode
        for test, raison in _NON_ORDINAIRES:
            if test(mode):
                raise LectureImpossible(raison)
        morceaux, lus = [], 0
        while lus <= limite:
            # Never trust st_size: read until the end, and at most one byte past the limit.
            morceau = os.read(fd, min(limite + 1 - lus, 1 << 20))
            if not morceau:
                break
            morceaux.append(morceau)
            lus += len(morceau)
    except OSError as err:
        raise LectureImpossible(f"lecture impossible ({raison_systeme(err)})") from err
    finally:
        os.close(fd)
    if lus > limite:
        raise LectureImpossible(trop_gros)
    return b"".join(morceaux)


def prefixe_temporaire(nom: str) -> str:
    """``.<nom>.<pid>-``: the start of a temporary name owned by this process (``mkdtemp`` adds the rest)."""
    return f".{nom}.{os.getpid()}-"


def nom_ancien(nom: str) -> str:
    """``.<nom>.ancien-<pid>``: where this process moves a dossier aside while replacing it."""
    return f".{nom}.ancien-{os.getpid()}"


def ecrire_exclusif(chemin: Path, donnees: bytes) -> None:
    """Create ``chemin`` (it must not exist, not even as a link) and write ``donnees`` into it."""
    fd = os.open(chemin, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    try:
        with os.fdopen(fd, "wb") as flux:
            flux.write(donnees)
    except BaseException:
        with contextlib.suppress(OSError):
            chemin.unlink()
        raise


def ecrire_ensemble(
    contenus: dict[Path, bytes], reserves: dict[Path, Path] | None = None, *, remplacer: bool = True
) -> None:
    """Replace several files together: all of them, or (on failure) none, never one without the others.

    Each is first written to an exclusive temporary file beside it (or into the room
    ``reserver`` set aside for it). If one of the final renames fails, the files already
    renamed are removed too: a reader finds the whole set, the previous set, or nothing;
    never a mixture of two runs.

    ``remplacer`` False: no file already there is ever replaced, even one that appeared after
    the caller looked (``FileExistsError``, and nothing of the set is left). Each temporary file
    is then linked to its name (``link`` fails on an existing name, link or not), never renamed.
    """
    temporaires: dict[Path, Path] = {}
    remplaces: list[Path] = []
    try:
        for cible, donnees in contenus.items():
            reserve = (reserves or {}).get(cible)
            temporaires[cible] = _remplir(reserve, donnees) if reserve else _temporaire_a_cote(cible, donnees)
        for cible, temporaire in temporaires.items():
            if remplacer:
                os.replace(temporaire, cible)
            else:
                _lier(temporaire, cible, contenus[cible])
            remplaces.append(cible)
    except BaseException:
        for temporaire in [*temporaires.values(), *(reserves or {}).values()]:
            with contextlib.suppress(OSError):
                temporaire.unlink()
        # Without ``remplacer``, only the files this call created are removed: never one it found.
        for cible in contenus if remplacer and remplaces else remplaces:
            with contextlib.suppress(OSError):
                cible.unlink()
        raise


def _lier(temporaire: Path, cible: Path, donnees: bytes) -> None:
    """Give ``cible`` the temporary file's content without replacing anything already there."""
    try:
        os.link(temporaire, cible, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError as err:
        if err.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        # A file system without hard links (FAT, some shares): an exclusive creation instead.
        ecrire_exclusif(cible, donnees)
    with contextlib.suppress(OSError):
        temporaire.unlink()


def reserver(cible: Path, taille: int) -> Path:
    """Set aside ``taille`` bytes of disk beside ``cible``, in an exclusive temporary file, for ``ecrire_ensemble``.

    A run that fills the disk can still write, at the end, what it reserved at the start.
    """
    fd, nom = tempfile.mkstemp(prefix=prefixe_temporaire(cible.name), suffix=".tmp", dir=cible.parent)
    try:
        try:
            os.posix_fallocate(fd, 0, taille)
        except OSError as err:
            if err.errno not in (errno.EOPNOTSUPP, errno.EINVAL):
                raise
            os.write(fd, bytes(taille))  # a file system without fallocate: zeros take the room
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(nom)
        raise
    os.close(fd)
    return Path(nom)


def _remplir(reserve: Path, donnees: bytes) -> Path:
    """Write ``donnees`` into the room reserved, in place (no new block needed when it fits)."""
    fd = os.open(reserve, os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    with os.fdopen(fd, "wb") as flux:  # the descriptor was opened without O_TRUNC: the room stays
        flux.write(donnees)
        flux.truncate(len(donnees))
        os.fchmod(flux.fileno(), 0o666 & ~umask())
    return reserve


def _temporaire_a_cote(cible: Path, donnees: bytes) -> Path:
    fd, nom = tempfile.mkstemp(prefix=prefixe_temporaire(cible.name), suffix=".tmp", dir=cible.parent)
    temporaire = Path(nom)
    try:
        with os.fdopen(fd, "wb") as flux:
            flux.write(donnees)
        # mkstemp makes the file private (0600); the final file follows the umask like any other.
        temporaire.chmod(0o666 & ~umask())
    except BaseException:
        with contextlib.suppress(OSError):
            temporaire.unlink()
        raise
    return temporaire


def umask() -> int:
    """The process's umask (it can only be read by setting it)."""
    masque = os.umask(0o022)
    os.umask(masque)
    return masque


@contextlib.contextmanager
def verrou(dossier: Path) -> Iterator[None]:
    """Hold an exclusive lock on a folder (``flock``) while the block runs: one run at a time may rename in it.

    The lock is on the folder itself, not on a lock file: nothing is left behind, and the
    system releases it when its holder dies. That needs ``flock`` on a directory, which only
    POSIX systems offer (filelock would leave a lock file in the user's output folder): clause_kit
    is declared POSIX-only (pyproject's classifiers), as its batches also rely on fork and signals.
    """
    fd = os.open(dossier, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError as err:  # a file system without locks (some network shares): go on unlocked
            if err.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL):
                raise
        yield
    finally:
        os.close(fd)


def ecrire_sorties(contenus: dict[Path, bytes], dossier: Path, *, force: bool, suite: str) -> None:
    """A command's output files into ``dossier``, all together; an existing one only replaced with ``force``.

    Checked first, for a clear message; then, without ``force``, ``ecrire_ensemble`` never replaces
    a file that appeared meanwhile either (it is kept, and nothing of the set is written). ``suite``
    follows « <file> existe déjà » in the message (how to ask for the replacement).
    """
    from clause_kit.commun.erreurs import ErreurSortie, raison_systeme

    existants = [chemin for chemin in contenus if chemin.exists() or chemin.is_symlink()]
    if existants and not force:
        raise ErreurSortie(f"{existants[0]} existe déjà{suite}")
    try:
        dossier.mkdir(parents=True, exist_ok=True)
        ecrire_ensemble(contenus, remplacer=force)
    except FileExistsError as err:
        raise ErreurSortie(f"{err.filename2 or err.filename or dossier} existe déjà{suite}") from err
    except OSError as err:
        raise ErreurSortie(f"impossible d'écrire dans {dossier} ({raison_systeme(err)})") from err
