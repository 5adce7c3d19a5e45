"""How clause_kit's processes stop: SIGTERM and SIGHUP like Ctrl-C, children that die with their parent.

Process managers and CI stop a program with SIGTERM (or SIGHUP when a terminal closes), often
to the main process only. The main process then stops as after a Ctrl-C: the workers are
told, what is finished is reported, nothing is left half written, and the exit code says
which signal it was (130, 143, 129). A second signal while the report is being written is
noted but does not interrupt it.

A worker or a LibreOffice whose parent dies (even by SIGKILL, which nobody can catch) is
told so by the kernel (Linux ``prctl(PR_SET_PDEATHSIG)``) instead of working on for no one.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from types import FrameType

__all__ = [
    "ArretDemande",
    "arrets_comme_ctrl_c",
    "code_de_sortie",
    "ignorer_arrets",
    "mourir_avec_le_parent",
    "preexec_mourir_avec_le_parent",
    "tuer_groupe",
]

_PR_SET_PDEATHSIG = 1
_SIGNAUX_D_ARRET = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class ArretDemande(KeyboardInterrupt):
    """Raised in the main process by SIGTERM or SIGHUP, as KeyboardInterrupt is by Ctrl-C; carries the exit code."""

    def __init__(self, numero: int) -> None:
        super().__init__(signal.Signals(numero).name)
        self.code = 128 + numero


# The first stop signal received by the main process, if any (its number).
_recu: int | None = None


def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True).prctl  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


# Resolved once, in the parent: a child between fork and exec must not load libraries.
_PRCTL = _prctl()


def mourir_avec_le_parent(numero: int, parent: int) -> None:
    """Ask the kernel to send ``numero`` to this process when its parent ``parent`` dies.

    If the parent is already gone (it died before this call), exit at once.
    """
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, numero, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(128 + numero)


def preexec_mourir_avec_le_parent() -> Callable[[], None]:
    """A ``preexec_fn`` for ``subprocess.Popen``: the child is killed when the calling process dies."""
    return functools.partial(mourir_avec_le_parent, signal.SIGKILL, os.getpid())


def _sur_signal(numero: int, _cadre: FrameType | None) -> None:
    global _recu
    if _recu is not None:  # already stopping: the report is being written, do not break it
        return
    _recu = numero
    if numero == signal.SIGINT:
        raise KeyboardInterrupt
    raise ArretDemande(numero)


def _noter(numero: int, _cadre: FrameType | None) -> None:
    global _recu
    if _recu is None:
        _recu = numero


@contextlib.contextmanager
def arrets_comme_ctrl_c() -> Iterator[None]:
    """In the main thread, while the block runs: Ctrl-C, SIGTERM and SIGHUP stop it once; later ones are noted."""
    global _recu
    if not _dans_le_fil_principal():
        yield
        return
    precedents = {numero: signal.getsignal(numero) for numero in _SIGNAUX_D_ARRET}
    _recu = None
    for numero in _SIGNAUX_D_ARRET:
        signal.signal(numero, _sur_signal)
    try:
        yield
    finally:
        # After a stop the process is on its way out and later signals are ignored. Restoring
        # Python's handler here (or leaving ours, which Python resets to the system default while
        # it shuts down) let an impatient user's third Ctrl-C, arriving once the report was
        # written, kill the process by signal: exit code -2 instead of 130.
        for numero, gestionnaire in precedents.items():
            signal.signal(numero, signal.SIG_IGN if _recu is not None else gestionnaire)


def ignorer_arrets() -> None:
    """From now on, stop signals are only noted (the report must be written whole)."""
    if _dans_le_fil_principal():
        for numero in _SIGNAUX_D_ARRET:
            signal.signal(numero, _noter)


def code_de_sortie() -> int | None:
    """128 + the first stop signal received within ``arrets_comme_ctrl_c``, or None."""
    return None if _recu is None else 128 + _recu


def _dans_le_fil_principal() -> bool:
    return threading.current_thread() is threading.main_thread()


def tuer_groupe(processus: subprocess.Popen[bytes]) -> None:
    """Kill the whole process group a child was started in (``start_new_session``) and reap it.

    LibreOffice and the Word redline engine both start children of their own: killing the child
    alone would leave them running. ``communicate()`` again collects the pipes, which a grandchild
    may still hold, hence the limit.
    """
    try:
        os.killpg(processus.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        processus.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        processus.kill()
        processus.wait()
