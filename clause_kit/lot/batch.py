"""Batch generation: many contract files, grouped by commune, in parallel processes.

Each worker process takes a packet of contract files, builds their dossiers in memory,
writes them to temporary folders, converts all their pieces to PDF in one LibreOffice
batch when asked, then puts each dossier in place. A contract that fails is reported with
its file and reason and leaves nothing behind; the others go on. Workers return small
summaries only, so memory stays flat however many contracts there are.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from multiprocessing.synchronize import Event as EventType
from pathlib import Path

from clause_kit.commun.erreurs import ClauseKitError, ErreursValidation, Interruption, raison_systeme
from clause_kit.commun.journal import signaler
from clause_kit.commun.signaux import ignorer_arrets, mourir_avec_le_parent
from clause_kit.dossier.construction import DossierEnCours, abandonner, construire, finaliser, preparer
from clause_kit.dossier.pdf import TAILLE_LOT_MAX
from clause_kit.lot.compte_rendu import Resultat
from clause_kit.lot.preparation import memoire_figee, preparer_lot
from clause_kit.lot.selection import identifier, racine_de

__all__ = ["Options", "generer_tout", "traiter_paquet"]


@dataclass(frozen=True)
class Options:
    """What to produce for each contract."""

    sortie: Path
    force: bool = False
    modeles: Path | None = None
    pdf: bool = False
    archive: bool = False
    brouillon: bool = False
    #: The folders named on the command line: no ``_commune.yaml`` is looked for above them.
    racines: tuple[Path, ...] = ()
    #: Contract files (as given) whose existing dossier ``--mettre-a-jour`` found out of date: replaced.
    a_remplacer: frozenset[str] = frozenset()


#: The most Word pieces the standard set gives one contract (``modeles/pieces.yaml``).
PIECES_PAR_MARCHE_MAX = 9


def _paquets(fichiers: list[Path], jobs: int, pdf: bool) -> list[list[Path]]:
    """Split the work: big enough packets for LibreOffice to pay off, enough of them to keep every core busy."""
    if not fichiers:
        return []
    if not pdf:
        return _paquets_decroissants(fichiers, jobs)
    # As few LibreOffice starts as possible (each costs close to a second before its first page):
    # a packet's pieces go through one LibreOffice process, which converts at most
    # TAILLE_LOT_MAX files, so a packet holds as many contracts as that allows with every piece
    # of the standard set (a commune's extra pieces only split its conversion in two).
    plafond = TAILLE_LOT_MAX // PIECES_PAR_MARCHE_MAX
    # A multiple of ``jobs`` packets of near-equal sizes (they differ by one at most), so that
    # every process finishes at about the same time.
    nombre = jobs * max(1, -(-len(fichiers) // (jobs * plafond)))
    nombre = min(nombre, len(fichiers))
    taille, reste = divmod(len(fichiers), nombre)
    paquets, debut = [], 0
    for i in range(nombre):
        fin = debut + taille + (1 if i < reste else 0)
        paquets.append(fichiers[debut:fin])
        debut = fin
    return paquets


#: Most contracts in a packet without PDF: a packet is the unit the main process hears about.
PAQUET_MAX = 8


def _paquets_decroissants(fichiers: list[Path], jobs: int) -> list[list[Path]]:
    """Packets that shrink towards the end, handed out as processes become free.

    Each takes a share of what remains (half of an equal split), so the first ones are big
    and the last ones hold one contract: whichever process finishes first takes the next,
    and no process is left working alone at the end on a big packet while the others wait.
    """
    paquets, debut = [], 0
    while debut < len(fichiers):
        taille = min(PAQUET_MAX, max(1, -(-(len(fichiers) - debut) // (2 * jobs))))
        paquets.append(fichiers[debut : debut + taille])
        debut += taille
    return paquets


def traiter_paquet(fichiers: list[Path], options: Options, resultats: list[Resultat] | None = None) -> list[Resultat]:
    """Build, write (and convert) the dossiers of a packet of contract files; never raises for a user error.

    Results are appended to ``resultats`` as they come, so a caller interrupted midway still
    knows which dossiers were written. When a stop is requested (``Interruption``), the packet
    ends after the current step: finished dossiers stay, the others leave nothing behind.
    """
    resultats = [] if resultats is None else resultats
    en_cours: list[tuple[DossierEnCours, Resultat]] = []
    try:
        for fichier in fichiers:
            _verifier_arret()
            resultat, dossier = _preparer_un(fichier, options)
            resultats.append(resultat)
            if dossier is not None:
                en_cours.append((dossier, resultat))
        if options.pdf:
            _produire_pdf(en_cours)
        for dossier, resultat in en_cours:
            _verifier_arret()
            if resultat.statut == "en cours":
                _finaliser_un(dossier, resultat, options)
    except Interruption:
        pass  # in a worker: return what is done; the main process reports the stop
    finally:
        # Interrupted or crashed: no temporary folder may stay behind.
        for dossier, resultat in en_cours:
            if dossier.temporaire.exists():
                abandonner(dossier)
            if resultat.statut == "en cours":
                resultat.statut, resultat.message = "interrompu", f"{resultat.fichier} : interrompu avant la fin"
    return resultats


def _finaliser_un(dossier: DossierEnCours, resultat: Resultat, options: Options) -> None:
    debut = time.perf_counter()
    try:
        cible = finaliser(dossier, archive=options.archive, pdf=options.pdf)
    except ClauseKitError as err:
        resultat.statut, resultat.message = "erreur", _message(Path(resultat.fichier), err)
        return
    except OSError as err:  # a system failure on one contract must not sink the whole batch
        resultat.statut, resultat.message = "erreur", f"{resultat.fichier} : erreur système ({raison_systeme(err)})"
        return
    resultat.statut, resultat.dossier = "généré", str(cible)
    resultat.duree_s += time.perf_counter() - debut


def _preparer_un(fichier: Path, options: Options) -> tuple[Resultat, DossierEnCours | None]:
    resultat = Resultat(str(fichier))
    debut = time.perf_counter()
    try:
        construit = construire(
            fichier,
            modeles=options.modeles,
            racine=racine_de(fichier, options.racines),
            brouillon=options.brouillon,
        )
        resultat.commune = construit.consultation.acheteur.commune
        resultat.reference = construit.consultation.marche.reference
        resultat.heures = construit.chiffres.heures_total
        resultat.pieces = len(construit.pieces)
        resultat.avertissements = list(construit.chiffres.avertissements)
        force = options.force or str(fichier) in options.a_remplacer
        dossier = preparer(construit, options.sortie, force=force)
    except ClauseKitError as err:
        resultat.message = _message(fichier, err)
        if not resultat.commune:  # name the row of the summary table even for an invalid file
            resultat.commune, resultat.reference = identifier(fichier, racines=options.racines) or ("", "")
        return resultat, None
    except OSError as err:
        resultat.message = f"{fichier} : erreur système ({raison_systeme(err)})"
        return resultat, None
    except Interruption:
        raise  # a stop request, not a bug of this contract
    except Exception as err:  # noqa: BLE001 - a bug on one contract must not sink the whole batch
        resultat.message = signaler(err, str(fichier))
        return resultat, None
    finally:
        resultat.duree_s = time.perf_counter() - debut
    resultat.statut = "en cours"
    return resultat, dossier


def _produire_pdf(en_cours: list[tuple[DossierEnCours, Resultat]]) -> None:
    from clause_kit.dossier.pdf_dossier import produire_pdf

    # A full or read-only disk fails the dossiers concerned, with the system's reason; the others go on.
    for position, erreur in produire_pdf([d for d, _ in en_cours], arret=arret_demande).items():
        dossier, resultat = en_cours[position]
        resultat.statut, resultat.message = "erreur", _message(Path(resultat.fichier), erreur)
        abandonner(dossier)


def _message(fichier: Path, err: ClauseKitError) -> str:
    """Validation problems already start with the file name; other errors get it in front."""
    return str(err) if isinstance(err, ErreursValidation) else f"{fichier} : {err}"


def generer_tout(
    fichiers: list[Path],
    options: Options,
    *,
    jobs: int = 1,
    suivi: Callable[[list[Resultat]], None] | None = None,
) -> list[Resultat]:
    """Generate every dossier, ``jobs`` processes at a time; results in input order.

    On Ctrl-C (KeyboardInterrupt in the main process), the workers are asked to stop, the
    results of what they finished are still passed to ``suivi``, then KeyboardInterrupt is
    raised again.
    """
    paquets = _paquets(fichiers, jobs, options.pdf)
    par_paquet: dict[int, list[Resultat]] = {}

    def recevoir(numero: int, resultats: list[Resultat]) -> None:
        par_paquet[numero] = resultats
        if suivi is not None:
            suivi(resultats)

    if jobs <= 1 or len(paquets) <= 1:
        _executer_ici(paquets, options, recevoir)
    else:
        # Compiled templates, parameters, codes: once here, shared by the workers (fork).
        preparer_lot(fichiers, options.modeles, options.racines)
        with memoire_figee():
            _executer_en_parallele(paquets, options, jobs, recevoir)
    return [r for numero in sorted(par_paquet) for r in par_paquet[numero]]


def _executer_ici(paquets: list[list[Path]], options: Options, recevoir: Callable[[int, list[Resultat]], None]) -> None:
    for numero, paquet in enumerate(paquets):
        resultats: list[Resultat] = []
        try:
            traiter_paquet(paquet, options, resultats)
        finally:  # on Ctrl-C too: what this packet finished is reported
            recevoir(numero, resultats)


def _executer_en_parallele(
    paquets: list[list[Path]], options: Options, jobs: int, recevoir: Callable[[int, list[Resultat]], None]
) -> None:
    # fork: the workers start with what preparer_lot loaded, instead of loading it again. Asked
    # for on Linux (Python 3.14 makes forkserver the default there); elsewhere fork is unsafe
    # (macOS) or absent (Windows), and the workers load what they need themselves.
    contexte = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)
    arret = contexte.Event()
    initialisation = (arret, os.getpid())
    with ProcessPoolExecutor(jobs, mp_context=contexte, initializer=_initialiser, initargs=initialisation) as pool:
        futures = {pool.submit(_traiter_ailleurs, paquet, options): numero for numero, paquet in enumerate(paquets)}
        restants: set[Future[list[Resultat]]] = set(futures)
        try:
            while restants:
                faits, restants = wait(restants, return_when=FIRST_COMPLETED)
                for future in faits:
                    recevoir(futures[future], future.result())
        except KeyboardInterrupt:
            # Packets not started are dropped; running ones stop after their current step
            # and return what they finished, which still goes into the report. Further stop
            # signals are noted but no longer interrupt this wait nor the report.
            ignorer_arrets()
            arret.set()
            for future in restants:
                future.cancel()
            faits, _ = wait([f for f in restants if not f.cancelled()], timeout=ATTENTE_ARRET_S)
            for future in faits:
                if not future.cancelled() and future.exception() is None:
                    recevoir(futures[future], future.result())
            raise


#: How long the main process waits, after a stop, for the workers to finish their current step.
ATTENTE_ARRET_S = 60

_ARRET: EventType | None = None
# In a worker: the main process's PID, whether a packet is being processed, a stop signal received.
_PARENT = 0
_EN_TACHE = False
_ARRET_LOCAL = False


def _initialiser(arret: EventType, parent: int) -> None:
    """Worker set-up: Ctrl-C is the main process's business; the worker watches the stop flag and its parent.

    The kernel sends SIGTERM to the worker when the main process dies, even by SIGKILL: it
    then cleans up and exits instead of finishing the batch for no one.
    """
    global _ARRET, _PARENT
    _ARRET, _PARENT = arret, parent
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _sur_arret)
    signal.signal(signal.SIGHUP, _sur_arret)
    mourir_avec_le_parent(signal.SIGTERM, parent)


def _sur_arret(numero: int, _cadre: object) -> None:
    """SIGTERM or SIGHUP in a worker: stop after the current step; at once if the main process is gone."""
    global _ARRET_LOCAL
    _ARRET_LOCAL = True
    if os.getppid() != _PARENT and not _EN_TACHE:
        os._exit(128 + numero)
    # In a packet, the flag is enough: the packet checks it between steps and every quarter of a
    # second while LibreOffice runs. An exception raised from here could fall between two bytecodes
    # anywhere, for instance just after a dossier's temporary folder was made and before the packet
    # knew of it: that folder would outlive the worker (the test of a killed main process saw it).


def _traiter_ailleurs(fichiers: list[Path], options: Options) -> list[Resultat]:
    """``traiter_paquet`` in a worker: an orphaned worker exits once its temporary folders are removed."""
    global _EN_TACHE
    _EN_TACHE = True
    try:
        return traiter_paquet(fichiers, options)
    finally:
        _EN_TACHE = False
        if os.getppid() != _PARENT:
            os._exit(1)  # nobody to report to: leave without a word (the next run cleans what remains)


def arret_demande() -> bool:
    """Whether the main process (or a signal to this worker) asked to stop."""
    return _ARRET_LOCAL or (_ARRET is not None and _ARRET.is_set())


def _verifier_arret() -> None:
    if arret_demande():
        raise Interruption("arrêt demandé")
