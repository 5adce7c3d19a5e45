"""What a batch reports: one result per contract, the summary table, the JSON and CSV report files."""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from clause_kit.erreurs import ErreurSortie, raison_systeme
from clause_kit.formats import nombre

__all__ = ["Resultat", "ecrire_rapport", "preparer_sortie", "tableau_resume"]


@dataclass
class Resultat:
    """The outcome of one contract file, as shown in the summary table and the batch report."""

    fichier: str
    commune: str = ""
    reference: str = ""
    #: "erreur", "en cours" while being written, then "généré"; "interrompu" after a Ctrl-C.
    statut: str = "erreur"
    heures: int | None = None
    pieces: int = 0
    dossier: str = ""
    message: str = ""
    duree_s: float = 0.0
    #: Plausibility and legal warnings of ``verifier`` (the dossier is generated all the same).
    avertissements: list[str] = field(default_factory=list)


_ENTETES = ("commune", "référence", "statut", "heures", "pièces", "avertissements")


def tableau_resume(resultats: list[Resultat]) -> str:
    """A plain-text table (commune, reference, status, hours, pieces) and a closing count."""
    lignes = [
        (
            r.commune or "?",
            r.reference or Path(r.fichier).name,
            r.statut,
            nombre(r.heures) if r.heures is not None else "",
            str(r.pieces) if r.statut == "généré" else "",
            str(len(r.avertissements)) if r.avertissements else "",
        )
        for r in sorted(resultats, key=lambda r: (r.commune.lower(), r.reference, r.fichier))
    ]
    largeurs = [max(len(x) for x in colonne) for colonne in zip(_ENTETES, *lignes, strict=False)]
    rangees = [_rangee(_ENTETES, largeurs), _rangee(tuple("-" * n for n in largeurs), largeurs)]
    rangees += [_rangee(ligne, largeurs) for ligne in lignes]
    generes = sum(r.statut == "généré" for r in resultats)
    interrompus = sum(r.statut == "interrompu" for r in resultats)
    fin = f", {interrompus} interrompu(s)" if interrompus else ""
    rangees.append(f"{generes} dossier(s) généré(s), {len(resultats) - generes - interrompus} en erreur{fin}")
    if any(r.avertissements for r in resultats):
        rangees.append("Avertissements : voir le rapport (ou clause-kit verifier FICHIER pour chaque marché)")
    return "\n".join(rangees)


def _rangee(cellules: tuple[str, ...], largeurs: list[int]) -> str:
    alignees = [c.rjust(n) if i >= 3 else c.ljust(n) for i, (c, n) in enumerate(zip(cellules, largeurs, strict=True))]
    return "  ".join(alignees).rstrip()


def ecrire_rapport(resultats: list[Resultat], sortie: Path) -> tuple[Path, Path]:
    """Write ``rapport-generation.json`` and ``.csv`` beside the dossiers (atomically)."""
    preparer_sortie(sortie)
    lignes = [asdict(r) | {"duree_s": round(r.duree_s, 3)} for r in resultats]
    lignes_csv = [ligne | {"avertissements": " | ".join(ligne["avertissements"])} for ligne in lignes]
    json_ = sortie / "rapport-generation.json"
    csv_ = sortie / "rapport-generation.csv"
    resume = {
        "generes": sum(r.statut == "généré" for r in resultats),
        "erreurs": sum(r.statut == "erreur" for r in resultats),
        "interrompus": sum(r.statut == "interrompu" for r in resultats),
        "heures_insertion": sum(r.heures or 0 for r in resultats if r.statut == "généré"),
    }
    _ecrire_atomique(json_, json.dumps({"resume": resume, "marches": lignes}, ensure_ascii=False, indent=2) + "\n")
    tampon = io.StringIO()
    ecrivain = csv.DictWriter(tampon, fieldnames=list(lignes[0]) if lignes else list(Resultat.__dataclass_fields__))
    ecrivain.writeheader()
    ecrivain.writerows(lignes_csv)
    _ecrire_atomique(csv_, tampon.getvalue())
    return json_, csv_


def preparer_sortie(sortie: Path) -> None:
    """Create the output folder, or say in French why it cannot be."""
    if sortie.exists() and not sortie.is_dir():
        raise ErreurSortie(f"{sortie} est un fichier : indiquez un dossier de sortie")
    try:
        sortie.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ErreurSortie(f"impossible de créer le dossier de sortie {sortie} ({raison_systeme(err)})") from err


def _ecrire_atomique(chemin: Path, texte: str) -> None:
    temporaire = chemin.with_name(f".{chemin.name}.{os.getpid()}.tmp")
    try:
        temporaire.write_text(texte, encoding="utf-8")
        os.replace(temporaire, chemin)
    except OSError as err:
        temporaire.unlink(missing_ok=True)
        raise ErreurSortie(f"impossible d'écrire {chemin} ({raison_systeme(err)})") from err
