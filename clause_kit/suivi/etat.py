"""The follow-up state (``clause-kit suivi etat``): per buyer, contract and lot, where the hours stand.

Hours due, hours done, percentage, last month received, months missing since the start,
the penalty the contract's own rule would give if the pace kept up to the end, and the
work contracts ending in the next 30 days (to prepare what follows for the person).

A month is expected once it is over: on 30 November, October is due and November is not.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Collection, Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from clause_kit.commun.formats import date_fr, montant, nombre
from clause_kit.suivi.registre import LotEtat, Registre

__all__ = [
    "JOURS_FINS_DE_CONTRAT",
    "calculer_etat",
    "etat_texte",
    "etats_marches",
    "mois_attendus",
    "penalite_au_rythme",
]

#: Work contracts ending within this many days are listed.
JOURS_FINS_DE_CONTRAT = 30
_CENT = Decimal(100)


def penalite_au_rythme(
    heures_dues: Decimal,
    heures_realisees: Decimal,
    mois_ecoules: int,
    mois_total: int,
    par_heure: Decimal,
    plafond: Decimal | None = None,
) -> Decimal:
    """Penalty due at the end if the pace of the months elapsed goes on: missing hours × the contract's rate.

    Once the contract is over (``mois_ecoules >= mois_total``) the hours are what they are.
    The one place the penalty rule lives, with the CCAP's cap (a share of the lot's amount) when known.
    """
    if mois_ecoules <= 0 or heures_dues <= 0:
        return Decimal(0)
    projetees = heures_realisees if mois_ecoules >= mois_total else heures_realisees * mois_total / mois_ecoules
    manquantes = max(Decimal(0), heures_dues - projetees)
    penalite = manquantes * par_heure if plafond is None else min(manquantes * par_heure, plafond)
    return penalite.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _mois(jour: datetime.date) -> str:
    return f"{jour.year:04d}-{jour.month:02d}"


def _suite_de_mois(premier: str, dernier: str) -> Iterator[str]:
    annee, mois = int(premier[:4]), int(premier[5:])
    while f"{annee:04d}-{mois:02d}" <= dernier:
        yield f"{annee:04d}-{mois:02d}"
        annee, mois = (annee + 1, 1) if mois == 12 else (annee, mois + 1)


def mois_attendus(debut: datetime.date, fin: datetime.date | None, au: datetime.date) -> list[str]:
    """The months of execution that are over on ``au`` (a sheet is expected for each)."""
    precedent = _mois(au.replace(day=1) - datetime.timedelta(days=1))
    dernier = min(precedent, _mois(fin)) if fin else precedent
    return list(_suite_de_mois(_mois(debut), dernier))


def _heures(centiemes: int | Decimal) -> int | float:
    """Hours as JSON numbers: whole when they are, else two decimals."""
    valeur = Decimal(centiemes) / _CENT
    return int(valeur) if valeur == valeur.to_integral_value() else float(valeur.quantize(Decimal("0.01")))


def _pourcentage(realisees: Decimal, dues: int) -> float | None:
    if dues <= 0:
        return None
    return float((realisees * _CENT / dues).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _etat_lot(lot: LotEtat, recus: Collection[str], au: datetime.date) -> dict[str, Any]:
    realisees = Decimal(lot.heures_c) / _CENT
    resultat: dict[str, Any] = {
        "numero": lot.numero,
        "intitule": lot.intitule,
        "heures_dues": lot.heures_dues,
        "heures_realisees": _heures(lot.heures_c),
        "pourcentage": _pourcentage(realisees, lot.heures_dues),
        "dernier_mois": lot.dernier_mois,
        "mois_manquants": None,
        "penalite_au_rythme": None,
    }
    if lot.debut is None:  # execution dates unknown: nothing is expected yet
        return resultat
    debut = datetime.date.fromisoformat(lot.debut)
    fin = datetime.date.fromisoformat(lot.fin) if lot.fin else None
    attendus = mois_attendus(debut, fin, au)
    resultat["mois_manquants"] = [m for m in attendus if m not in recus]
    if fin is not None:
        total = (fin.year - debut.year) * 12 + fin.month - debut.month + 1
        plafond = Decimal(lot.plafond_penalite) if lot.plafond_penalite is not None else None
        penalite = penalite_au_rythme(
            Decimal(lot.heures_dues), realisees, len(attendus), total, Decimal(lot.penalite_par_heure), plafond
        )
        resultat["penalite_au_rythme"] = float(penalite)
    return resultat


def _somme(elements: list[dict[str, Any]], cle: str) -> Any:
    total = sum((Decimal(str(e[cle])) for e in elements if e[cle] is not None), Decimal(0))
    return int(total) if total == total.to_integral_value() else float(total)


def _etat_marche(
    lots: list[LotEtat], recus: dict[tuple[str, int], tuple[str, ...]], au: datetime.date
) -> dict[str, Any]:
    premier = lots[0]
    details = [_etat_lot(lot, recus.get((lot.reference, lot.numero), ()), au) for lot in lots]
    manquants = None
    if all(d["mois_manquants"] is not None for d in details):
        communs = set.intersection(*(set(d["mois_manquants"]) for d in details))
        manquants = sorted(communs)
    penalites = [d["penalite_au_rythme"] for d in details if d["penalite_au_rythme"] is not None]
    heures_c = sum(lot.heures_c for lot in lots)
    dues = sum(lot.heures_dues for lot in lots)
    return {
        "reference": premier.reference,
        "acheteur": premier.acheteur,
        "objet": premier.objet,
        "debut": premier.debut,
        "fin": premier.fin,
        "heures_dues": dues,
        "heures_realisees": _heures(heures_c),
        "pourcentage": _pourcentage(Decimal(heures_c) / _CENT, dues),
        "dernier_mois": max((lot.dernier_mois for lot in lots if lot.dernier_mois), default=None),
        "mois_manquants": manquants,
        "penalite_au_rythme": float(sum(Decimal(str(p)) for p in penalites)) if penalites else None,
        "lots": details,
    }


def etats_marches(base: Path, au: datetime.date, jusqu_a: str | None = None) -> Iterator[dict[str, Any]]:
    """The state of each contract with a clause on date ``au``, one at a time, by buyer's name then reference.

    As in ``calculer_etat`` (its ``marches``), without holding every contract's state at once:
    the annual report goes through them alongside the contracts it lists, in the same order.
    """
    limite = jusqu_a or _mois(au)
    with Registre(base, lecture=True) as registre:
        registre.lire_en_flux()
        lots = [lot for lot in registre.lots_etat(limite) if lot.clause]
        recus = registre.mois_recus()
    # Lots come by buyer's name, reference and number: a contract's lots follow each other.
    for _, siens in itertools.groupby(lots, key=lambda lot: lot.reference):
        yield _etat_marche(list(siens), recus, au)


def calculer_etat(base: Path, au: datetime.date, jusqu_a: str | None = None) -> dict[str, Any]:
    """The state of every contract of the register on date ``au``, as JSON-ready data.

    Only the rows of the months up to ``jusqu_a`` (AAAA-MM; by default the month of ``au``)
    count, so that a state as of a date is the same whatever was imported since about later
    months: hours, percentages, penalties, last month and the contracts ending.
    """
    limite = jusqu_a or _mois(au)
    with Registre(base, lecture=True) as registre:
        registre.lire_en_flux()
        lots = [lot for lot in registre.lots_etat(limite) if lot.clause]
        recus = registre.mois_recus()
        fins = registre.fins_de_contrat(au, au + datetime.timedelta(days=JOURS_FINS_DE_CONTRAT), limite)
    par_marche: dict[str, list[LotEtat]] = {}
    for lot in lots:
        par_marche.setdefault(lot.reference, []).append(lot)
    marches = [_etat_marche(liste, recus, au) for liste in par_marche.values()]
    donneurs: dict[str, list[dict[str, Any]]] = {}
    for marche in marches:
        donneurs.setdefault(marche["acheteur"], []).append(marche)
    dues = sum(m["heures_dues"] for m in marches)
    realisees = _somme(marches, "heures_realisees") if marches else 0
    return {
        "au": au.isoformat(),
        "heures_dues": dues,
        "heures_realisees": realisees,
        "pourcentage": _pourcentage(Decimal(str(realisees)), dues),
        "penalites_au_rythme": _somme(marches, "penalite_au_rythme") if marches else 0,
        "donneurs_ordre": [
            {
                "nom": nom,
                "heures_dues": sum(m["heures_dues"] for m in liste),
                "heures_realisees": _somme(liste, "heures_realisees"),
                "marches": [m["reference"] for m in liste],
            }
            for nom, liste in donneurs.items()
        ],
        "marches": marches,
        "fins_de_contrat": [
            {"participant": p, "reference": r, "lot": n, "fin_contrat": f, "type_contrat": t} for p, r, n, f, t in fins
        ],
    }


def _h(valeur: int | float) -> str:
    return nombre(Decimal(str(valeur)), 0 if float(valeur).is_integer() else 2) + " h"


def _ligne(donnees: dict[str, Any], titre: str) -> str:
    texte = f"{titre} : {_h(donnees['heures_realisees'])} sur {_h(donnees['heures_dues'])}"
    if donnees["pourcentage"] is not None:
        texte += f" ({nombre(Decimal(str(donnees['pourcentage'])), 1)} %)"
    if donnees["dernier_mois"]:
        texte += f", dernier mois reçu {donnees['dernier_mois']}"
    if donnees["mois_manquants"]:
        texte += f", mois manquants : {', '.join(donnees['mois_manquants'])}"
    if donnees["penalite_au_rythme"]:
        texte += f", pénalité au rythme actuel : {montant(Decimal(str(donnees['penalite_au_rythme'])), taxe='')}"
    return texte


_SANS_DATES = "dates d'exécution inconnues (bloc execution du fichier du marché) : mois et pénalités non calculés"


def etat_texte(etat: dict[str, Any]) -> str:
    """The state for a terminal, in French."""
    au = datetime.date.fromisoformat(etat["au"])
    lignes = [
        _ligne(
            {**etat, "dernier_mois": None, "mois_manquants": None, "penalite_au_rythme": None},
            f"Suivi au {date_fr(au)}",
        )
    ]
    if not etat["marches"]:
        lignes.append("Aucun marché dans le registre : importez d'abord les marchés (clause-kit suivi importer).")
    for donneur in etat["donneurs_ordre"]:
        lignes.append("")
        lignes.append(donneur["nom"])
        for marche in (m for m in etat["marches"] if m["reference"] in donneur["marches"]):
            lignes.append("  " + _ligne(marche, f"{marche['reference']} {marche['objet']}"))
            if marche["debut"] is None:
                lignes.append(f"    {_SANS_DATES}")
            if len(marche["lots"]) > 1:
                lignes += ["    " + _ligne(lot, f"lot {lot['numero']} « {lot['intitule']} »") for lot in marche["lots"]]
    if etat["fins_de_contrat"]:
        lignes += ["", f"Contrats de travail qui finissent dans les {JOURS_FINS_DE_CONTRAT} jours :"]
        lignes += [
            f"  {f['participant']} ({f['reference']}, lot {f['lot']}, {f['type_contrat']}) : "
            f"fin le {date_fr(datetime.date.fromisoformat(f['fin_contrat']))}"
            for f in etat["fins_de_contrat"]
        ]
    return "\n".join(lignes)
