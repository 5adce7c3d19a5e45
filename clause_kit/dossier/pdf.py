"""PDF output of the dossier: Word pieces -> PDF with LibreOffice, then one merged PDF.

This module owns everything PDF in clause_kit:

* finding LibreOffice (``trouver_soffice``);
* converting many .docx to PDF with headless LibreOffice (``convertir_en_pdf``), working
  around its traps: it exits 0 even when a conversion failed, one process silently stops
  after a few hundred files, two processes sharing a user profile lose conversions, a
  non-Word file is imported as plain text instead of being refused, and a hung instance
  never returns;
* merging the piece PDFs into the dossier PDF with one bookmark per piece and the
  document metadata (``assembler_pdf``, through ``fusion_pdf``).

The pieces are exported tagged and PDF/A-2b (``_FILTRE_SORTIE``): French public bodies owe
accessible downloadable documents (RGAA, criterion 13.3), and a tender's documents are public
archives.

It raises only ``ErreurPdf`` (and ``ErreurSortie`` when the output cannot be written),
with French messages naming the file concerned; it never prints nor exits.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from clause_kit.commun.erreurs import ErreurPdf, ErreurSortie, Interruption, raison_systeme
from clause_kit.commun.fichiers import PREFIXE_LOT, PREFIXE_PROFIL, ecrire_ensemble
from clause_kit.commun.signaux import preexec_mourir_avec_le_parent, tuer_groupe

__all__ = [
    "ENV_SOFFICE",
    "TAILLE_LOT_MAX",
    "Arret",
    "assembler_pdf",
    "convertir_en_pdf",
    "est_pdf",
    "trouver_soffice",
]

#: Environment variable giving the LibreOffice executable (path or command name).
ENV_SOFFICE = "CLAUSE_KIT_SOFFICE"

_CONSEIL_INSTALLATION = (
    "Installez LibreOffice, par exemple sous Debian ou Ubuntu : "
    "sudo apt-get install libreoffice-writer-nogui fonts-liberation fonts-crosextra-carlito "
    f"(ou indiquez le chemin de l'exécutable soffice dans la variable {ENV_SOFFICE})."
)

#: One LibreOffice process silently stops converting after about 250 files: stay well below.
TAILLE_LOT_MAX = 200

# Force the Word 2007+ import filter: without it, a file LibreOffice does not recognise
# (random bytes named .docx) is imported as plain text and "converted" into a PDF of
# garbage, with exit code 0. With it, such a file is refused and produces no PDF.
_FILTRE_ENTREE = "MS Word 2007 XML"
# LibreOffice ≥ 7.4 takes the PDF export's options as JSON after the filter name: a structure
# tree (UseTaggedPDF), PDF/A-2b (SelectPdfVersion 2: fonts embedded, XMP, output intent), the
# headings as bookmarks, and the document title (from the .docx properties) shown by readers.
_OPTIONS_PDF = {
    "UseTaggedPDF": {"type": "boolean", "value": "true"},
    "SelectPdfVersion": {"type": "long", "value": "2"},
    "ExportBookmarks": {"type": "boolean", "value": "true"},
    "DisplayPDFDocumentTitle": {"type": "boolean", "value": "true"},
}
_FILTRE_SORTIE = "pdf:writer_pdf_Export:" + json.dumps(_OPTIONS_PDF, separators=(",", ":"))

_SIGNATURE_PDF = b"%PDF-"

#: A function telling whether the caller wants the conversion stopped.
Arret = Callable[[], bool]


def est_pdf(path: Path) -> bool:
    """Tell whether ``path`` is an existing file that begins with the PDF signature ``%PDF-``."""
    try:
        with open(path, "rb") as fichier:
            return fichier.read(len(_SIGNATURE_PDF)) == _SIGNATURE_PDF
    except OSError:
        return False


def trouver_soffice() -> str:
    """Return the LibreOffice executable: ``$CLAUSE_KIT_SOFFICE``, else soffice or libreoffice on PATH."""
    impose = os.environ.get(ENV_SOFFICE, "").strip()
    if impose:
        # An explicit setting that is wrong is reported, not silently replaced by PATH:
        # the user asked for that LibreOffice and would not notice another one was used.
        trouve = shutil.which(impose)
        if trouve is None:
            raise ErreurPdf(
                f"LibreOffice est introuvable : la variable {ENV_SOFFICE} désigne « {impose} », "
                f"qui n'existe pas ou n'est pas exécutable. {_CONSEIL_INSTALLATION}"
            )
        return trouve
    for nom in ("soffice", "libreoffice"):
        trouve = shutil.which(nom)
        if trouve is not None:
            return trouve
    raise ErreurPdf(
        "LibreOffice est introuvable (ni soffice ni libreoffice dans le PATH) ; "
        f"il est nécessaire pour produire les PDF. {_CONSEIL_INSTALLATION}"
    )


def convertir_en_pdf(
    docx: Sequence[Path],
    dossier_sortie: Path,
    *,
    taille_lot: int = TAILLE_LOT_MAX,
    delai: float = 300.0,
    arret: Arret | None = None,
) -> list[Path]:
    """Convert Word files to PDF with headless LibreOffice and return the PDF paths, in input order.

    The PDF of ``docx[i]`` is written to ``dossier_sortie / (stem + ".pdf")``; when several
    inputs share a stem (same file name in different folders), the later ones get
    ``stem-2.pdf``, ``stem-3.pdf``... so every returned path is distinct. An existing file
    at a returned path is replaced.

    Files are converted by batches of at most ``taille_lot`` per LibreOffice process (of equal
    sizes), each with its own throw-away user profile: every process started costs close to a
    second before its first page, so a batch of a worker's packet goes through one process.
    ``delai`` is the time limit, in seconds, of one process (a whole batch). Raise ``ErreurPdf``
    naming the input when a file is not a Word document or LibreOffice does not convert it
    (after one retry), or when LibreOffice hangs.
    ``arret``, polled while LibreOffice works, stops it and raises ``Interruption`` when true.
    """
    if not 1 <= taille_lot <= TAILLE_LOT_MAX:
        raise ValueError(f"taille_lot doit être entre 1 et {TAILLE_LOT_MAX}, pas {taille_lot}")
    entrees = [Path(p) for p in docx]
    if not entrees:
        return []
    for entree in entrees:
        _verifier_docx(entree)
    soffice = trouver_soffice()
    try:
        dossier_sortie.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ErreurSortie(f"Impossible de créer le dossier {dossier_sortie} : {raison_systeme(err)}") from err

    sorties = _noms_de_sortie(entrees, dossier_sortie)
    lots = -(-len(entrees) // taille_lot)
    bornes = [len(entrees) * i // lots for i in range(lots + 1)]
    for debut, fin in itertools.pairwise(bornes):
        _convertir_lot(soffice, entrees[debut:fin], sorties[debut:fin], delai, arret)
    return sorties


def _verifier_docx(entree: Path) -> None:
    """Refuse, before starting LibreOffice, a file that is missing or is not a Word .docx package."""
    if not entree.is_file():
        raise ErreurPdf(f"{entree} : fichier introuvable, impossible de le convertir en PDF.")
    # A .docx is a zip holding word/document.xml. Checking it here gives a clear message
    # at once, instead of a failed conversion (or a PDF of garbage text) later.
    try:
        with zipfile.ZipFile(entree) as paquet:
            paquet.getinfo("word/document.xml")
    except (zipfile.BadZipFile, KeyError, OSError) as err:
        raise ErreurPdf(
            f"{entree} : ce n'est pas un document Word .docx valide (fichier corrompu ou "
            "d'un autre format), impossible de le convertir en PDF."
        ) from err


def _noms_de_sortie(entrees: Sequence[Path], dossier_sortie: Path) -> list[Path]:
    """Give each input a distinct ``<stem>.pdf`` in ``dossier_sortie`` (``<stem>-2.pdf``... on collision)."""
    pris: set[str] = set()
    sorties = []
    for entree in entrees:
        nom, rang = f"{entree.stem}.pdf", 1
        # casefold: "CCAP.pdf" and "ccap.pdf" are the same file on Windows and macOS.
        while nom.casefold() in pris:
            rang += 1
            nom = f"{entree.stem}-{rang}.pdf"
        pris.add(nom.casefold())
        sorties.append(dossier_sortie / nom)
    return sorties


def _convertir_lot(
    soffice: str, entrees: Sequence[Path], sorties: Sequence[Path], delai: float, arret: Arret | None
) -> None:
    """Convert one batch, retry the missing PDFs once in a new process, then move them to ``sorties``."""
    try:
        with tempfile.TemporaryDirectory(prefix=f"{PREFIXE_LOT}{os.getpid()}-", ignore_cleanup_errors=True) as travail:
            _convertir_dans(Path(travail), soffice, entrees, sorties, delai, arret)
    except OSError as err:  # the temporary folder or a copy: a full or read-only disk, not a document
        raise ErreurSortie(f"Impossible de préparer la conversion en PDF : {raison_systeme(err)}") from err


def _convertir_dans(
    dossier_travail: Path,
    soffice: str,
    entrees: Sequence[Path],
    sorties: Sequence[Path],
    delai: float,
    arret: Arret | None,
) -> None:
    sortie_lo = dossier_travail / "pdf"
    sortie_lo.mkdir()
    # LibreOffice names each PDF after its input and writes them all in one --outdir:
    # copies under neutral, unique names avoid collisions between inputs of the same
    # stem, and odd names (a leading "-" would be read as an option).
    copies = []
    for rang, entree in enumerate(entrees):
        copie = dossier_travail / f"piece-{rang:04d}.docx"
        shutil.copyfile(entree, copie)
        copies.append(copie)
    produits = [sortie_lo / f"{copie.stem}.pdf" for copie in copies]

    journal = _lancer_soffice(soffice, copies, sortie_lo, delai, entrees, arret)
    manquants = [i for i, produit in enumerate(produits) if not est_pdf(produit)]
    if manquants:
        # A conversion can fail for a transient reason (profile start-up, resources):
        # one more try, in a fresh process, before blaming the document.
        journal = _lancer_soffice(
            soffice, [copies[i] for i in manquants], sortie_lo, delai, [entrees[i] for i in manquants], arret
        )
        manquants = [i for i in manquants if not est_pdf(produits[i])]
    if manquants:
        noms = ", ".join(str(entrees[i]) for i in manquants)
        raise ErreurPdf(
            f"LibreOffice n'a pas converti en PDF : {noms} (même après une nouvelle tentative)."
            + (f" Message de LibreOffice : {journal}" if journal else "")
        )
    for produit, sortie in zip(produits, sorties, strict=True):
        _deposer(produit, sortie)


# soffice.bin's exit code when it has just created a fresh user profile and wants to be
# started again (the soffice script's oosplash does that; we launch soffice.bin ourselves).
_REDEMARRER = 81


def _executable(soffice: str) -> str:
    """``soffice.bin`` beside the ``soffice`` script when there is one, else ``soffice`` itself.

    The script runs oosplash, which starts soffice.bin as its own child: soffice.bin would
    not be told when we die. Started directly, it is (``preexec_mourir_avec_le_parent``).
    """
    reel = Path(os.path.realpath(soffice))
    binaire = reel.with_name("soffice.bin")
    if reel.name == "soffice" and os.access(binaire, os.X_OK):
        return str(binaire)
    return soffice


def _lancer_soffice(
    soffice: str,
    fichiers: Sequence[Path],
    dossier_sortie: Path,
    delai: float,
    originaux: Sequence[Path],
    arret: Arret | None = None,
) -> str:
    """Run one LibreOffice process on ``fichiers`` with a fresh profile; return its meaningful messages."""
    with tempfile.TemporaryDirectory(prefix=f"{PREFIXE_PROFIL}{os.getpid()}-", ignore_cleanup_errors=True) as profil:
        commande = [
            _executable(soffice),
            "--headless",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            # A private profile per process: two LibreOffice sharing one profile hand their
            # work to each other or lose conversions, and a user's running LibreOffice
            # would swallow ours.
            f"-env:UserInstallation={Path(profil).as_uri()}",
            f"--infilter={_FILTRE_ENTREE}",
            "--convert-to",
            _FILTRE_SORTIE,
            "--outdir",
            str(dossier_sortie),
            *(str(f) for f in fichiers),
        ]
        # A minimal, predictable environment: HOME in the throw-away profile so nothing is
        # written in the user's home, and a UTF-8 locale for non-ASCII paths.
        environnement = {
            "PATH": os.environ.get("PATH", os.defpath),
            "HOME": profil,
            "TMPDIR": profil,
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "SAL_ENABLE_FILE_LOCKING": "1",  # as the soffice script sets it
        }
        limite = time.monotonic() + delai
        for _ in range(3):
            processus, sortie = _executer(commande, environnement, (delai, limite), originaux, arret)
            if processus.returncode != _REDEMARRER:
                break
    return _messages_utiles(sortie.decode("utf-8", errors="replace"))


def _executer(
    commande: list[str],
    environnement: dict[str, str],
    delais: tuple[float, float],
    originaux: Sequence[Path],
    arret: Arret | None,
) -> tuple[subprocess.Popen[bytes], bytes]:
    """Start LibreOffice and wait for it (``delais``: the time allowed, and the moment it ends).

    It dies with us, and is killed on a stop or a timeout.
    """
    delai, limite = delais
    try:
        processus = subprocess.Popen(
            commande,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=environnement,
            # Own process group: a timeout kills everything LibreOffice started, and the
            # terminal's Ctrl-C does not reach it (we stop it ourselves, cleanly).
            start_new_session=True,
            # Killed by the kernel if this process dies, even by SIGKILL.
            # (preexec_fn: the processes that convert run no other thread.)
            preexec_fn=preexec_mourir_avec_le_parent(),
        )
    except OSError as err:
        raise ErreurPdf(f"Impossible de lancer LibreOffice ({commande[0]}) : {raison_systeme(err)}.") from err
    try:
        return processus, _attendre(processus, max(limite - time.monotonic(), 0.0), arret)
    except (KeyboardInterrupt, Interruption):
        tuer_groupe(processus)
        raise
    except subprocess.TimeoutExpired as err:
        tuer_groupe(processus)
        noms = ", ".join(p.name for p in originaux[:5]) + (" ..." if len(originaux) > 5 else "")
        raise ErreurPdf(
            f"LibreOffice ne répond plus après {delai:g} s en convertissant {len(originaux)} "
            f"fichier(s) ({noms}) ; il a été arrêté. Un document est peut-être trop lourd "
            "ou LibreOffice est bloqué."
        ) from err


def _attendre(processus: subprocess.Popen[bytes], delai: float, arret: Arret | None) -> bytes:
    """Wait for LibreOffice, looking every quarter of a second whether a stop was requested."""
    limite = time.monotonic() + delai
    while True:
        reste = limite - time.monotonic()
        try:
            sortie, _ = processus.communicate(timeout=max(0.0, min(reste, 0.25) if arret else reste))
            return sortie
        except subprocess.TimeoutExpired:
            if arret is not None and arret():
                raise Interruption("conversion PDF interrompue") from None
            if time.monotonic() >= limite:
                raise


def _messages_utiles(journal: str) -> str:
    """Keep LibreOffice's error lines, without the progress lines and the harmless Java warning."""
    lignes = [
        ligne.strip()
        for ligne in journal.splitlines()
        if ligne.strip() and not ligne.startswith("convert ") and "javaldx" not in ligne
    ]
    return " ".join(lignes[-5:])


def _deposer(source: Path, destination: Path) -> None:
    """Copy ``source`` to ``destination`` atomically (exclusive temporary file beside it, then os.replace)."""
    try:
        ecrire_ensemble({destination: source.read_bytes()})
    except OSError as err:
        raise ErreurSortie(f"Impossible d'écrire {destination} : {raison_systeme(err)}") from err


def assembler_pdf(
    pieces: Sequence[tuple[str, Path]],
    sortie: Path,
    *,
    titre: str,
    auteur: str,
    sujet: str = "",
) -> None:
    """Merge the piece PDFs, in order, into ``sortie``: one tagged, PDF/A-2 document with one bookmark per piece.

    ``pieces`` holds (bookmark title, PDF path) pairs; each bookmark points to the first page
    of its piece, and the piece's own bookmarks (its headings) are nested under it. The pieces'
    structure trees are carried over (``fusion_pdf``), so the dossier stays readable by screen
    readers and archivable. ``auteur`` is the buyer. Raise ``ErreurPdf`` naming the PDF that
    cannot be read.
    """
    from clause_kit.dossier.fusion_pdf import Fusion

    if not pieces:
        raise ErreurPdf(f"{sortie} : aucune pièce à assembler.")
    fusion = Fusion()
    for titre_piece, chemin in pieces:
        fusion.ajouter(titre_piece, chemin)
    donnees = fusion.terminer(titre=titre, auteur=auteur, sujet=sujet, sortie=sortie)
    try:
        sortie.parent.mkdir(parents=True, exist_ok=True)
        ecrire_ensemble({sortie: donnees})
    except OSError as err:
        raise ErreurSortie(f"Impossible d'écrire {sortie} : {raison_systeme(err)}") from err
