"""Writing the published report: the spreadsheet, the Word report (one per buyer on request), the PDF.

With ``interne``, the internal files too (``…-interne.xlsx``: people's paths and penalties per
lot; ``…-interne-parcours.png``: the timeline of paths): never part of what is published.

All or nothing: every file is made in memory (the PDF in a temporary folder), then the set is
written together (``fichiers.ecrire_ensemble``); a file already there is replaced only with
``force``, even one that appears while the report is made (without it, each file is linked to
its name, which never replaces anything). A bad template, an unreadable qualitative file or a
failed conversion leaves SORTIE as it was.

Each buyer's report is named after the buyer (``formats.slugs_distincts``, over every buyer of
the register, whichever the run asks for): buyers whose names give the same slug each get it
followed by ``--`` and a short hash of their own name, and a name without Latin letters gets
``acheteur--<empreinte>``; no report ever takes another's name, in one run or across runs.
"""

from __future__ import annotations

import datetime
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clause_kit.bilan.classeur import construire_classeur_bilan, construire_classeur_interne
from clause_kit.bilan.etablir import etablir_bilan
from clause_kit.bilan.periode import Periode
from clause_kit.bilan.qualitatif import Bloc, lire_qualitatif, trouver_qualitatif
from clause_kit.bilan.rapport import MODELE, frise_interne, rendre_rapport
from clause_kit.commun.erreurs import ErreurSortie
from clause_kit.commun.fichiers import ecrire_sorties
from clause_kit.commun.formats import slug, slugs_distincts
from clause_kit.commun.horloge import aujourdhui
from clause_kit.rendu.pieces import dossier_modeles
from clause_kit.suivi.registre import Registre

__all__ = ["Demande", "publier"]


@dataclass(frozen=True)
class Demande:
    """What the command asked for: where, which files, the qualitative text, the folders read."""

    sortie: Path
    pdf: bool = False
    par_donneur_ordre: bool = False
    force: bool = False
    texte: Path | None = None
    chemins: tuple[Path, ...] = ()
    diviseur: int | None = None
    #: Also write the internal files (people's paths, penalties per lot), named « …-interne ».
    interne: bool = False


#: What names a buyer's report when the buyer's name has no Latin letter nor digit.
SANS_LETTRES = "acheteur"


def _nom(bilan: dict[str, Any], donneur: str | None, noms: dict[str, str]) -> str:
    """``bilan-<période>``, then ``-<donneur>`` for one buyer's report (``noms``: every buyer's distinct name)."""
    nom = f"bilan-{slug(bilan['periode']['libelle'])}"
    return f"{nom}-{noms[donneur]}" if donneur else nom


def _noms(base: Path) -> dict[str, str]:
    """A distinct file-name part for every buyer of the register, whatever the run asks for.

    Computed over all of them, not those of the run: « Saint Zacharie » asked alone gets the same
    name as in a run for every buyer, and never that of « Saint-Zacharie ».
    """
    with Registre(base, lecture=True) as registre:
        return slugs_distincts(registre.noms_acheteurs(), SANS_LETTRES)


def _qualitatif(bilan: dict[str, Any], demande: Demande) -> list[Bloc]:
    chemin = demande.texte or trouver_qualitatif(demande.chemins, bilan["periode"]["libelle"])
    return lire_qualitatif(chemin) if chemin is not None else []


def publier(
    bilan: dict[str, Any], base: Path, demande: Demande, aujourd_hui: datetime.date | None = None
) -> list[Path]:
    """Write the spreadsheet and the report(s) of ``bilan`` into ``demande.sortie``; return the files written."""
    aujourd_hui = aujourd_hui or aujourdhui()
    lecture = _lecture(bilan, base, demande)  # read first: the state of the register the report was made from
    modele = dossier_modeles() / MODELE
    qualitatif = _qualitatif(bilan, demande)
    noms = _noms(base)
    nom = _nom(bilan, bilan["donneur_ordre"], noms)
    contenus = {
        demande.sortie / f"{nom}.xlsx": construire_classeur_bilan(bilan),
        demande.sortie / f"{nom}.docx": rendre_rapport(bilan, modele, qualitatif, aujourd_hui),
    }
    if demande.par_donneur_ordre and not bilan["donneur_ordre"]:
        du, au = bilan["periode"]["du"], bilan["periode"]["au"]
        periode = Periode(du[:7], au[:7])
        for rangee in bilan["par_donneur_ordre"]:
            sien = etablir_bilan(base, periode, donneur_ordre=rangee["nom"], diviseur=demande.diviseur)
            chemin = demande.sortie / f"{_nom(bilan, rangee['nom'], noms)}.docx"
            if chemin in contenus:  # never: the names are distinct; a report must not replace another
                raise ErreurSortie(f"{chemin} : deux rapports auraient le même nom")
            contenus[chemin] = rendre_rapport(sien, modele, qualitatif, aujourd_hui)
    if demande.pdf:
        contenus |= _pdf(contenus)
    if demande.interne:
        contenus[demande.sortie / f"{nom}-interne.xlsx"] = construire_classeur_interne(bilan)
        frise = frise_interne(bilan)
        if frise is not None:
            contenus[demande.sortie / f"{nom}-interne-parcours.png"] = frise
    contenus[demande.sortie / f"{nom}-registre.json"] = lecture
    suite = " ; --force pour remplacer les fichiers de ce bilan"
    ecrire_sorties(contenus, demande.sortie, force=demande.force, suite=suite)
    return list(contenus)


def _lecture(bilan: dict[str, Any], base: Path, demande: Demande) -> bytes:
    """Which register and journal position the report read, and the command's period: enough to reproduce it.

    The report itself does not carry it: the same period gives the same report, byte for byte,
    whatever was imported since about later months.
    """
    with Registre(base, lecture=True) as registre:
        position = registre.position_journal()
    # Given folders, the register is a temporary one, rebuilt from them: the folders say what was read.
    lu = (
        f"registre temporaire importé de : {', '.join(str(c.resolve()) for c in demande.chemins)}"
        if demande.chemins
        else str(base.resolve())
    )
    lecture = {
        "registre": lu,
        "position_journal": position,
        "periode": {"du": bilan["periode"]["du"], "au": bilan["periode"]["au"]},
        "donneur_ordre": bilan["donneur_ordre"],
        "explication": "le bilan compte les mois de la période seulement ; « clause-kit suivi journal » dit ce que "
        "le registre a reçu après cette position",
    }
    return (json.dumps(lecture, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _pdf(contenus: dict[Path, bytes]) -> dict[Path, bytes]:
    """Each Word report converted by LibreOffice (the same path as the dossiers' PDF)."""
    from clause_kit.dossier.pdf import convertir_en_pdf

    rapports = [chemin for chemin in contenus if chemin.suffix == ".docx"]
    with tempfile.TemporaryDirectory(prefix="clause_kit-bilan-pdf-") as travail:
        entrees = []
        for chemin in rapports:
            entree = Path(travail) / chemin.name
            entree.write_bytes(contenus[chemin])
            entrees.append(entree)
        sorties = convertir_en_pdf(entrees, Path(travail) / "pdf")
        return {chemin.with_suffix(".pdf"): pdf.read_bytes() for chemin, pdf in zip(rapports, sorties, strict=True)}
