"""The ``dossier.pdf`` of dossiers being written: every piece converted, merged with bookmarks.

Pieces of many dossiers go through LibreOffice together (one process per batch, see
``pdf.convertir_en_pdf``): starting LibreOffice costs close to a second, converting a piece
some 60 ms, so converting dossier by dossier would cost ten times more.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from clause_kit.commun.erreurs import ClauseKitError, ErreurPdf, ErreurSortie, raison_systeme
from clause_kit.commun.fichiers import prefixe_temporaire
from clause_kit.dossier.construction import DossierEnCours, abandonner
from clause_kit.dossier.pdf import Arret, assembler_pdf, convertir_en_pdf

__all__ = ["NOM_PDF", "produire_pdf"]

NOM_PDF = "dossier.pdf"


def produire_pdf(dossiers: list[DossierEnCours], arret: Arret | None = None) -> dict[int, ClauseKitError]:
    """Write ``dossier.pdf`` into each temporary folder; return the failures by position.

    A failing piece only fails its own dossier: when a shared batch fails, the dossiers are
    converted again one by one to find which one is at fault. A full or read-only disk is a
    failure of the dossiers concerned, in the system's words, never of the whole run: a
    dossier that fails is abandoned at once, which frees room for the next ones.
    """
    if not dossiers:
        return {}
    try:
        dossier = dossiers[0].temporaire.parent
        travail = Path(tempfile.mkdtemp(prefix=prefixe_temporaire("pdf"), suffix=".tmp", dir=dossier))
    except OSError as err:
        return _echecs(dossiers, _erreur_systeme(err))
    try:
        try:
            pdfs = _convertir(dossiers, travail, arret)
        except (ErreurPdf, ErreurSortie, OSError):
            if len(dossiers) == 1:
                raise
            shutil.rmtree(travail, ignore_errors=True)  # its room may be what the next ones need
            return _un_par_un(dossiers, arret)
        return _assembler_tous(dossiers, pdfs)
    except ErreurPdf as err:
        return _echecs(dossiers, _sans_chemin_temporaire(err, dossiers[0]))
    except (ErreurSortie, OSError) as err:
        return _echecs(dossiers, _erreur_systeme(err))
    finally:
        shutil.rmtree(travail, ignore_errors=True)


def _echecs(dossiers: list[DossierEnCours], erreur: ClauseKitError) -> dict[int, ClauseKitError]:
    """Every dossier fails with ``erreur``; their temporary folders are removed at once."""
    for en_cours in dossiers:
        abandonner(en_cours)
    return dict.fromkeys(range(len(dossiers)), erreur)


def _assembler_tous(dossiers: list[DossierEnCours], pdfs: list[list[Path]]) -> dict[int, ClauseKitError]:
    echecs: dict[int, ClauseKitError] = {}
    for i, (en_cours, pieces) in enumerate(zip(dossiers, pdfs, strict=True)):
        try:
            _assembler(en_cours, pieces)
        except ErreurPdf as err:
            echecs |= {i: err}
        except ErreurSortie as err:
            echecs |= {i: _erreur_systeme(err)}
        if i in echecs:
            abandonner(en_cours)
    return echecs


def _erreur_systeme(err: Exception) -> ErreurSortie:
    """A full or read-only disk, in the project's words, without the temporary paths involved."""
    cause = err if isinstance(err, OSError) else err.__cause__
    raison = raison_systeme(cause) if isinstance(cause, OSError) else str(err)
    return ErreurSortie(f"impossible de produire le PDF ({raison})")


def _sans_chemin_temporaire(err: ClauseKitError, en_cours: DossierEnCours) -> ClauseKitError:
    """The same error naming the piece, not its temporary path (the temporary folder is gone by now)."""
    return type(err)(str(err).replace(f"{en_cours.temporaire}{os.sep}", ""))


def _convertir(dossiers: list[DossierEnCours], travail: Path, arret: Arret | None) -> list[list[Path]]:
    entrees = [d.temporaire / r.nom_fichier for d in dossiers for r in d.construit.pieces]
    sorties = convertir_en_pdf(entrees, travail, arret=arret)
    resultat, debut = [], 0
    for d in dossiers:
        resultat.append(sorties[debut : debut + len(d.construit.pieces)])
        debut += len(d.construit.pieces)
    return resultat


def _un_par_un(dossiers: list[DossierEnCours], arret: Arret | None) -> dict[int, ClauseKitError]:
    echecs: dict[int, ClauseKitError] = {}
    for i, en_cours in enumerate(dossiers):
        erreur = produire_pdf([en_cours], arret).get(0)
        if erreur is not None:
            echecs[i] = erreur
    return echecs


def _assembler(en_cours: DossierEnCours, pdfs: list[Path]) -> None:
    construit = en_cours.construit
    marche = construit.consultation.marche
    assembler_pdf(
        [(r.piece.titre, pdf) for r, pdf in zip(construit.pieces, pdfs, strict=True)],
        en_cours.temporaire / NOM_PDF,
        titre=f"{marche.reference} – {marche.objet}",
        auteur=construit.consultation.acheteur.nom,
        sujet="Dossier de consultation – clause d'insertion",
    )
