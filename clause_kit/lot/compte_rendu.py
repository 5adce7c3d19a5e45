"""What a batch reports: one result per contract, the summary table, the JSON and CSV report files."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from clause_kit.commun.erreurs import ErreurSortie, raison_systeme
from clause_kit.commun.fichiers import ecrire_ensemble, reserver
from clause_kit.commun.formats import nombre
from clause_kit.commun.tableur import champ_csv

__all__ = [
    "A_JOUR",
    "NON_TRAITE",
    "REUSSIS",
    "Resultat",
    "chemins_du_rapport",
    "completer",
    "ecrire_rapport",
    "liberer",
    "preparer_sortie",
    "reserver_rapport",
    "tableau_resume",
]


@dataclass
class Resultat:
    """The outcome of one contract file, as shown in the summary table and the batch report."""

    fichier: str
    commune: str = ""
    reference: str = ""
    #: "erreur", "en cours" while being written, then "généré"; after a stop, "interrompu" (started)
    #: or « non traité » (never started); « à jour » when ``--mettre-a-jour`` left the dossier as it was.
    statut: str = "erreur"
    heures: int | None = None
    pieces: int = 0
    dossier: str = ""
    message: str = ""
    duree_s: float = 0.0
    #: Plausibility and legal warnings of ``verifier`` (the dossier is generated all the same).
    avertissements: list[str] = field(default_factory=list)


_ENTETES = ("commune", "référence", "statut", "heures", "pièces", "avertissements")
#: Status of a contract a stopped run never started.
NON_TRAITE = "non traité"
#: Status of a dossier ``--mettre-a-jour`` found up to date and left untouched.
A_JOUR = "à jour"
#: Statuses of a contract whose dossier is there and complete.
REUSSIS = ("généré", A_JOUR)


def tableau_resume(resultats: list[Resultat]) -> str:
    """A plain-text table (commune, reference, status, hours, pieces) and a closing count."""
    lignes = [
        (
            r.commune or "?",
            r.reference or Path(r.fichier).name,
            r.statut,
            nombre(r.heures) if r.heures is not None else "",
            str(r.pieces) if r.statut in REUSSIS else "",
            str(len(r.avertissements)) if r.avertissements else "",
        )
        for r in sorted(resultats, key=lambda r: (r.commune.lower(), r.reference, r.fichier))
    ]
    largeurs = [max(len(x) for x in colonne) for colonne in zip(_ENTETES, *lignes, strict=False)]
    rangees = [_rangee(_ENTETES, largeurs), _rangee(tuple("-" * n for n in largeurs), largeurs)]
    rangees += [_rangee(ligne, largeurs) for ligne in lignes]
    generes = sum(r.statut == "généré" for r in resultats)
    interrompus = sum(r.statut == "interrompu" for r in resultats)
    non_traites = sum(r.statut == NON_TRAITE for r in resultats)
    a_jour = sum(r.statut == A_JOUR for r in resultats)
    fin = f", {interrompus} interrompu(s)" if interrompus else ""
    fin += f", {non_traites} non traité(s)" if non_traites else ""
    erreurs = len(resultats) - generes - interrompus - non_traites - a_jour
    deja = f", {a_jour} déjà à jour" if a_jour else ""
    rangees.append(f"{generes} dossier(s) généré(s){deja}, {erreurs} en erreur{fin}")
    if any(r.avertissements for r in resultats):
        rangees.append("Avertissements : voir le rapport (ou clause-kit verifier FICHIER pour chaque marché)")
    return "\n".join(rangees)


def _rangee(cellules: tuple[str, ...], largeurs: list[int]) -> str:
    alignees = [c.rjust(n) if i >= 3 else c.ljust(n) for i, (c, n) in enumerate(zip(cellules, largeurs, strict=True))]
    return "  ".join(alignees).rstrip()


def chemins_du_rapport(sortie: Path) -> tuple[Path, Path]:
    """``rapport-generation.json`` and ``.csv`` in ``sortie``."""
    return sortie / "rapport-generation.json", sortie / "rapport-generation.csv"


def reserver_rapport(sortie: Path, nombre: int) -> dict[Path, Path]:
    """Set aside, before the run, the room its report will need: a run that fills the disk still reports.

    Best effort: nothing is reserved when the disk is already full (the report will say so).
    """
    reserve: dict[Path, Path] = {}
    try:
        for chemin in chemins_du_rapport(sortie):
            reserve[chemin] = reserver(chemin, _OCTETS_PAR_MARCHE * (nombre + 2))
    except OSError:
        liberer(reserve)
        return {}
    return reserve


def liberer(reserve: dict[Path, Path]) -> None:
    """Give back the room of a reservation that was not used."""
    for temporaire in reserve.values():
        with contextlib.suppress(OSError):
            temporaire.unlink()


# Room per contract in each report file: a row, a message naming the file (generous).
_OCTETS_PAR_MARCHE = 2048


def ecrire_rapport(
    resultats: list[Resultat], sortie: Path, reserve: dict[Path, Path] | None = None
) -> tuple[Path, Path]:
    """Write ``rapport-generation.json`` and ``.csv`` beside the dossiers: both from this run, or neither.

    Each is created exclusively beside its target (a link planted there is never followed),
    or written in the room ``reserver_rapport`` set aside, then both are renamed; if that fails
    halfway, neither stays.
    """
    preparer_sortie(sortie)
    lignes = [asdict(r) | {"duree_s": round(r.duree_s, 3)} for r in resultats]
    # A reference or a commune typed « =… » must not be a formula when the CSV is opened in a spreadsheet.
    lignes_csv = [
        {
            cle: champ_csv(valeur)
            for cle, valeur in (ligne | {"avertissements": " | ".join(ligne["avertissements"])}).items()
        }
        for ligne in lignes
    ]
    json_, csv_ = chemins_du_rapport(sortie)
    resume = {
        "generes": sum(r.statut == "généré" for r in resultats),
        "a_jour": sum(r.statut == A_JOUR for r in resultats),
        "erreurs": sum(r.statut == "erreur" for r in resultats),
        "interrompus": sum(r.statut == "interrompu" for r in resultats),
        "non_traites": sum(r.statut == NON_TRAITE for r in resultats),
        "heures_insertion": sum(r.heures or 0 for r in resultats if r.statut in REUSSIS),
    }
    texte_json = json.dumps({"resume": resume, "marches": lignes}, ensure_ascii=False, indent=2) + "\n"
    tampon = io.StringIO()
    ecrivain = csv.DictWriter(tampon, fieldnames=list(lignes[0]) if lignes else list(Resultat.__dataclass_fields__))
    ecrivain.writeheader()
    ecrivain.writerows(lignes_csv)
    try:
        ecrire_ensemble({json_: texte_json.encode("utf-8"), csv_: tampon.getvalue().encode("utf-8")}, reserve)
    except OSError as err:
        raise ErreurSortie(f"impossible d'écrire le rapport dans {sortie} ({raison_systeme(err)})") from err
    return json_, csv_


def completer(resultats: list[Resultat], fichiers: list[Path]) -> list[Resultat]:
    """``resultats`` plus a « non traité » row for each file that never started (the run was stopped)."""
    vus = {r.fichier for r in resultats}
    return resultats + [
        Resultat(str(f), statut=NON_TRAITE, message=f"{f} : non traité (arrêt demandé avant son tour)")
        for f in fichiers
        if str(f) not in vus
    ]


def preparer_sortie(sortie: Path) -> None:
    """Create the output folder, or say in French why it cannot be."""
    if sortie.exists() and not sortie.is_dir():
        raise ErreurSortie(f"{sortie} est un fichier : indiquez un dossier de sortie")
    try:
        sortie.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ErreurSortie(f"impossible de créer le dossier de sortie {sortie} ({raison_systeme(err)})") from err
