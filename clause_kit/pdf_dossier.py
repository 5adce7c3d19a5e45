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

from clause_kit.dossier import DossierEnCours
from clause_kit.erreurs import ErreurPdf
from clause_kit.pdf import Arret, assembler_pdf, convertir_en_pdf

__all__ = ["NOM_PDF", "produire_pdf"]

NOM_PDF = "dossier.pdf"


def produire_pdf(dossiers: list[DossierEnCours], arret: Arret | None = None) -> dict[int, ErreurPdf]:
    """Write ``dossier.pdf`` into each temporary folder; return the failures by position.

    A failing piece only fails its own dossier: when a shared batch fails, the dossiers are
    converted again one by one to find which one is at fault.
    """
    if not dossiers:
        return {}
    travail = Path(tempfile.mkdtemp(prefix=".pdf-", dir=dossiers[0].temporaire.parent))
    try:
        try:
            pdfs = _convertir(dossiers, travail, arret)
        except ErreurPdf:
            if len(dossiers) == 1:
                raise
            return _un_par_un(dossiers, arret)
        echecs: dict[int, ErreurPdf] = {}
        for i, (en_cours, pieces) in enumerate(zip(dossiers, pdfs, strict=True)):
            try:
                _assembler(en_cours, pieces)
            except ErreurPdf as err:
                echecs[i] = err
        return echecs
    except ErreurPdf as err:
        # The temporary folder is gone by now: name the piece, not its temporary path.
        return {0: ErreurPdf(str(err).replace(f"{dossiers[0].temporaire}{os.sep}", ""))}
    finally:
        shutil.rmtree(travail, ignore_errors=True)


def _convertir(dossiers: list[DossierEnCours], travail: Path, arret: Arret | None) -> list[list[Path]]:
    entrees = [d.temporaire / r.nom_fichier for d in dossiers for r in d.construit.pieces]
    sorties = convertir_en_pdf(entrees, travail, arret=arret)
    resultat, debut = [], 0
    for d in dossiers:
        resultat.append(sorties[debut : debut + len(d.construit.pieces)])
        debut += len(d.construit.pieces)
    return resultat


def _un_par_un(dossiers: list[DossierEnCours], arret: Arret | None) -> dict[int, ErreurPdf]:
    echecs: dict[int, ErreurPdf] = {}
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
