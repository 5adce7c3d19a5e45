"""The report's data: read the register once, compute the indicators, the tables and the forward view.

The result is the JSON for the facilitator's own use (exact counts, said in ``donnees``); the
published files (spreadsheet, Word, PDF) are made from it with small cells hidden (``secret``).
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any, NamedTuple

from clause_kit.bilan.indicateurs import HeuresAgregees, Ligne, calculer_indicateurs, marches_de_la_periode
from clause_kit.bilan.periode import Periode, periode_mois
from clause_kit.bilan.prevision import prevoir
from clause_kit.bilan.secret import seuil_secret
from clause_kit.bilan.tableaux import parcours, tableau_marches
from clause_kit.codes import normaliser
from clause_kit.erreurs import ErreurDonnees
from clause_kit.parametres import charger_parametres
from clause_kit.suivi.etat import calculer_etat
from clause_kit.suivi.registre import Registre

__all__ = ["INDICATEURS_PRECEDENTS", "diviseur_etp", "etablir_bilan"]

#: The headline figures repeated for the previous period.
INDICATEURS_PRECEDENTS = (
    "marches",
    "donneurs_ordre",
    "entreprises",
    "personnes",
    "contrats_travail",
    "heures_realisees",
    "etp",
    "cdi",
)


def diviseur_etp() -> int:
    """Hours per full-time equivalent of the reports (``parametres.yaml``, 1 607)."""
    return int(charger_parametres().brut["bilan"]["diviseur_etp"])


def _choisir_donneur(marches: list[dict[str, Any]], donneur: str) -> str:
    """The buyer's name as registered, from a name typed in any case, with or without accents."""
    noms = sorted({m["acheteur"] for m in marches})
    cherche = normaliser(donneur)
    trouves = [n for n in noms if normaliser(n) == cherche] or [n for n in noms if cherche in normaliser(n)]
    if len(trouves) != 1:
        raison = "inconnu" if not trouves else f"ambigu ({', '.join(trouves)})"
        raise ErreurDonnees(
            f"donneur d'ordre « {donneur} » {raison} ; donneurs d'ordre du registre : {', '.join(noms)}"
        )
    return trouves[0]


class Lecture(NamedTuple):
    """What the register holds for a period: rows summed over months, purged hours, hours per month."""

    lignes: list[Ligne]
    agregees: list[HeuresAgregees]
    mensuelles: list[tuple[str, int]]


def _lire(registre: Registre, periode: Periode, acheteur: str | None) -> Lecture:
    lignes = [Ligne._make(r) for r in registre.lignes_bilan(periode.premier, periode.dernier)]
    agregees = [HeuresAgregees._make(r) for r in registre.heures_agregees_bilan(periode.premier, periode.dernier)]
    mensuelles = registre.heures_par_mois_bilan(periode.premier, periode.dernier)
    if acheteur is not None:
        lignes = [ligne for ligne in lignes if ligne.acheteur == acheteur]
        agregees = [a for a in agregees if a.acheteur == acheteur]
    return Lecture(lignes, agregees, [(mois, h) for nom, mois, h in mensuelles if acheteur in (None, nom)])


def etablir_bilan(
    base: Path, periode: Periode | None = None, *, donneur_ordre: str | None = None, diviseur: int | None = None
) -> dict[str, Any]:
    """The report of a period (everything the register holds when None), for one buyer or all."""
    diviseur = diviseur or diviseur_etp()
    with Registre(base, creer=False) as registre:
        premier, dernier = registre.bornes_mois()
        if periode is None:
            if premier is None or dernier is None:
                raise ErreurDonnees(f"{base} : aucune heure déclarée dans le registre ; importez d'abord des fiches")
            periode = periode_mois(premier, dernier)
        marches = registre.marches_bilan()
        acheteur = _choisir_donneur(marches, donneur_ordre) if donneur_ordre else None
        if acheteur is not None:
            marches = [m for m in marches if m["acheteur"] == acheteur]
        lecture = _lire(registre, periode, acheteur)
        lignes, agregees = lecture.lignes, lecture.agregees
        precedente = periode.precedente()
        anciennes = _lire(registre, precedente, acheteur) if premier and premier <= precedente.dernier else None
        types_declares = registre.heures_par_type_contrat()
    etat = calculer_etat(base, periode.au + datetime.timedelta(days=1))
    etat["marches"] = [m for m in etat["marches"] if acheteur is None or m["acheteur"] == acheteur]
    bilan: dict[str, Any] = {
        "periode": {"du": periode.du.isoformat(), "au": periode.au.isoformat(), "libelle": periode.libelle},
        "donneur_ordre": acheteur,
        "donnees": "exactes, pour l'usage interne du facilitateur : les effectifs de moins de "
        f"{seuil_secret()} personnes ne sont masqués que dans les documents publiés (Word, PDF, classeur)",
        "seuil_secret": seuil_secret(),
        **calculer_indicateurs(lignes, agregees, marches, periode, diviseur, lecture.mensuelles),
    }
    if anciennes is not None:
        avant = calculer_indicateurs(
            anciennes.lignes, anciennes.agregees, marches, precedente, diviseur, anciennes.mensuelles
        )
        bilan["precedente"] = {
            "du": precedente.du.isoformat(),
            "au": precedente.au.isoformat(),
            "libelle": precedente.libelle,
            **{cle: avant[cle] for cle in INDICATEURS_PRECEDENTS},
        }
    else:
        bilan["precedente"] = None
    avec_heures = {ligne.reference for ligne in lignes if ligne.heures_c > 0} | {a.reference for a in agregees}
    retenus = marches_de_la_periode(marches, avec_heures, periode)
    bilan["detail_marches"] = tableau_marches(etat, retenus, lignes, agregees)
    bilan["parcours"] = parcours([ligne for ligne in lignes if ligne.heures_c > 0])
    bilan["prevision"] = prevoir(marches, etat, types_declares, periode)
    return bilan
