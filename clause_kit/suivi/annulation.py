"""Taking a sheet back out (``clause-kit suivi annuler``) and reading the journal of imports (``suivi journal``).

A sheet imported by mistake (the wrong month, another contract's sheet) is undone whole: its
rows stop counting and the rows it had replaced count again, in one transaction. Nothing is
deleted: the undone sheet, its rows and its copy stay as the history, and the journal says
when it was undone. A sheet some of whose rows a purge already deleted cannot be undone: the
anonymous totals hold its hours and no longer say which were its own. An undone sheet
imported again counts again (``reprise``), where no later sheet replaced its rows.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from clause_kit.commun.fichiers import LectureImpossible, lire_borne
from clause_kit.commun.formats import nombre_simple
from clause_kit.suivi.erreurs import ErreurFichier, ErreurRegistre
from clause_kit.suivi.lecture import TAILLE_MAX
from clause_kit.suivi.registre import Registre, Remplacement

__all__ = ["Annulation", "annulation_texte", "annuler", "journal", "journal_texte"]

_SHA = re.compile(r"[0-9a-fA-F]{8,64}")


@dataclass
class Annulation:
    """What undoing a sheet did."""

    fichier: str
    sha256: str
    deja_annulee: str | None = None
    #: (reference, lot, month, rows, hundredths of hours) no longer counted.
    retirees: list[tuple[str, int, str, int, int]] = field(default_factory=list)
    #: Rows of earlier sheets that count again.
    restaurees: list[Remplacement] = field(default_factory=list)
    position: int = 0


def _sha256(designation: str) -> str:
    """The SHA-256 (or its start) of a sheet named by its file or typed as such."""
    chemin = Path(designation)
    if chemin.is_file():
        try:
            # Bounded and never blocking: the path may have become a FIFO since it was looked at.
            return hashlib.sha256(lire_borne(chemin, TAILLE_MAX)).hexdigest()
        except LectureImpossible as err:
            raise ErreurFichier(f"{chemin} : {err}") from err
    if _SHA.fullmatch(designation):
        return designation.lower()
    raise ErreurFichier(
        f"{designation} : ni un fichier lisible, ni une empreinte SHA-256 (au moins 8 caractères hexadécimaux ; "
        "clause-kit suivi journal les donne)"
    )


def annuler(base: Path, designation: str) -> Annulation:
    """Undo the sheet named by its file or its SHA-256 (or the start of it) in the register ``base``."""
    sha256 = _sha256(designation)
    with Registre(base, creer=False) as registre:
        trouves = registre.chercher_fichiers(sha256)
        if not trouves:
            raise ErreurRegistre(
                f"{designation} : aucune fiche de ce contenu dans {base} (voir clause-kit suivi journal)"
            )
        if len(trouves) > 1:
            noms = ", ".join(f"{nom} ({sha[:12]})" for _, nom, sha, _, _ in trouves)
            raise ErreurRegistre(
                f"{designation} : empreinte ambiguë dans {base} : {noms} ; donnez-en plus de caractères"
            )
        fichier_id, nom, sha, nature, annule_le = trouves[0]
        if nature != "feuille":
            raise ErreurRegistre(
                f"{nom} est un fichier de marché, pas une fiche de suivi : il ne s'annule pas ; "
                "importez le fichier du marché corrigé"
            )
        if annule_le:
            return Annulation(nom, sha, deja_annulee=annule_le)
        purgees = registre.lignes_purgees(fichier_id)
        if purgees:
            raise ErreurRegistre(
                f"{nom} : {purgees} ligne(s) de cette fiche ont été supprimées par une purge (leurs heures sont dans "
                "les totaux anonymes) : elle ne peut plus être annulée ; importez une fiche corrigée à la place"
            )
        with registre.transaction():
            retirees, restaurees = registre.annuler(fichier_id)
            position = registre.noter_operation("annulation", fichier_id)
        return Annulation(nom, sha, retirees=retirees, restaurees=restaurees, position=position)


def heures_texte(centiemes: int) -> str:
    """Hundredths of an hour as a message writes them: « 12,5 h »."""
    return f"{nombre_simple(Decimal(centiemes) / 100)} h"


def annulation_texte(annulation: Annulation) -> list[str]:
    """What undoing did, line by line, in French."""
    if annulation.deja_annulee:
        return [f"{annulation.fichier} : déjà annulée le {annulation.deja_annulee[:10]}, rien ne change"]
    lignes = [f"{annulation.fichier} ({annulation.sha256[:12]}) : fiche annulée"]
    lignes += [
        f"  {reference} lot {lot}, mois {mois} : {n} ligne(s) retirée(s) ({heures_texte(h)})"
        for reference, lot, mois, n, h in annulation.retirees
    ]
    lignes += [
        f"  {r.reference} lot {r.lot}, mois {r.mois} : {r.lignes} ligne(s) de {r.fichier} rétablie(s) "
        f"({heures_texte(r.heures_avant_c)})"
        for r in annulation.restaurees
    ]
    return lignes


def journal(base: Path) -> dict[str, Any]:
    """Every change of the register in order (contracts, sheets with their rows per lot, undos, purges)."""
    with Registre(base, lecture=True) as registre:
        entrees = registre.journal()
        position = registre.position_journal()
    for entree in entrees:
        for lot in entree.get("lots", []):
            lot["heures_ajoutees"] = _nombre(lot.pop("heures_ajoutees_c"))
            lot["heures_remplacees"] = _nombre(lot.pop("heures_remplacees_c"))
    return {"position": position, "operations": entrees}


def _nombre(centiemes: int) -> int | float:
    valeur = Decimal(centiemes) / 100
    return int(valeur) if valeur == valeur.to_integral_value() else float(valeur)


_OPERATIONS = {
    "marche": "marché enregistré",
    "import": "fiche importée",
    "annulation": "fiche annulée",
    "purge": "purge",
}


def journal_texte(donnees: dict[str, Any]) -> str:
    """The journal for a terminal, in French."""
    lignes = [f"Journal du registre : {donnees['position']} opération(s)"]
    for entree in donnees["operations"]:
        quoi = _OPERATIONS[entree["operation"]]
        fichier = f" {entree['fichier']} ({entree['sha256'][:12]})" if "fichier" in entree else ""
        texte = f"{entree['position']:>4}. {entree['le'][:16].replace('T', ' ')} {quoi}{fichier}"
        if entree["operation"] == "import":
            texte += f" : {entree['lignes']} ligne(s), {entree['rejets']} rejetée(s)"
            if entree["annule_le"]:
                texte += f", annulée le {entree['annule_le'][:10]}"
        lignes.append(texte)
        for lot in entree.get("lots", []):
            nom = f"lot {lot['lot']}" if lot["lot"] is not None else "lot illisible"
            h_aj = nombre_simple(Decimal(str(lot["heures_ajoutees"])))
            h_re = nombre_simple(Decimal(str(lot["heures_remplacees"])))
            lignes.append(
                f"        {lot['reference'] or 'marché illisible'} {nom} : {lot['ajoutees']} ajoutée(s) ({h_aj} h), "
                f"{lot['remplacees']} remplacée(s) ({h_re} h), {lot['rejetees']} rejetée(s)"
                + (f", {lot['neants']} mois « néant »" if lot.get("neants") else "")
            )
    return "\n".join(lignes)
