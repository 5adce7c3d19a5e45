"""What a purge keeps for the annual report, and how a report adds it back.

A purge deletes the rows of people past their retention period. Before they go, the report's
own indicators are computed on them alone for every period of whole months within a calendar
year that holds a month they worked in (78 periods a year: a month, a quarter, February to
March, the year...), for all buyers and for each buyer, and only the counts are kept: people, work
contracts, CDI, exits, and for each split its people, work contracts and hours (hours per lot
and month stay in the register's own aggregates). People purged are no longer among the rows
in force, and never purged twice: their counts add up exactly with those of the rows in force.

A report on a period within a calendar year therefore gives after a purge the figures it gave
before, all but the people's paths. A report across years (two years, March to February)
counts purged people in the hours only, and says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from clause_kit.bilan.indicateurs import Attribution, Ligne, attributions, calculer_indicateurs, etp, heures, titulaires
from clause_kit.bilan.periode import Periode, periode_mois
from clause_kit.commun.codes import codes
from clause_kit.suivi.registre import Registre

__all__ = ["REPARTITIONS", "ajouter", "cle_periode", "conserver", "incomplet"]

#: The splits whose rows are kept: people, work contracts and hours of each row.
REPARTITIONS = ("par_public", "par_sexe", "par_tranche_age", "par_residence", "par_modalite", "par_type_contrat")
#: The splits whose hours come from the register's hours per lot and month: people and work contracts only.
_REPARTITIONS_SANS_HEURES = ("par_donneur_ordre", "par_article", "par_marche")


def cle_periode(periode: Periode) -> str | None:
    """``2026-02..2026-03`` for whole months within one calendar year; None for a period across years."""
    if periode.premier[:4] != periode.dernier[:4]:
        return None
    return f"{periode.premier}..{periode.dernier}"


def _periodes(mois: Iterable[str]) -> list[Periode]:
    """Every period of whole months within one calendar year that holds one of the given months."""
    periodes: set[Periode] = set()
    for m in mois:
        annee, numero = m[:4], int(m[5:])
        periodes |= {
            periode_mois(f"{annee}-{debut:02d}", f"{annee}-{fin:02d}")
            for debut in range(1, numero + 1)
            for fin in range(numero, 13)
        }
    return sorted(periodes, key=lambda p: (p.premier, p.dernier))


def _rangees(indicateurs: dict[str, Any], cle: str) -> dict[str, list[int]]:
    champ = "nom" if cle == "par_donneur_ordre" else "code"
    return {
        r[champ]: [r["personnes"], r["contrats_travail"], round(r["heures_realisees"] * 100)]
        for r in indicateurs[cle]
        if r["personnes"] or r["contrats_travail"]
    }


def _comptes(indicateurs: dict[str, Any], lignes: Sequence[Ligne], attribution: Attribution) -> dict[str, Any]:
    """The additive counts of indicators computed on purged people alone."""
    sorties = {c: indicateurs["sorties"].get(c, 0) for c in _CLES_SORTIES()}
    return {
        "personnes": indicateurs["personnes"],
        "contrats_travail": indicateurs["contrats_travail"],
        "cdi": indicateurs["cdi"],
        "sorties": {k: v for k, v in sorties.items() if v},
        "titulaires": sorted(titulaires((x for x in lignes if x.heures_c > 0), attribution)),
        **{cle: _rangees(indicateurs, cle) for cle in (*REPARTITIONS, *_REPARTITIONS_SANS_HEURES)},
    }


def _additionner(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    somme: dict[str, Any] = {}
    for cle in {*a, *b}:
        x, y = a.get(cle), b.get(cle)
        if x is None or y is None:
            somme[cle] = x if y is None else y
        elif cle == "titulaires":
            somme[cle] = sorted({*x, *y})
        elif isinstance(x, dict):
            somme[cle] = _additionner(x, y)
        elif isinstance(x, list):
            somme[cle] = [u + v for u, v in zip(x, y, strict=True)]
        else:
            somme[cle] = x + y
    return somme


def conserver(registre: Registre) -> None:
    """Keep the report's counts of the people the purge chose (``Registre.agreger``), inside its transaction."""
    lignes = [Ligne._make(r) for r in registre.lignes_a_purger()]
    if not lignes:
        return
    marches = registre.marches_bilan()
    for periode in _periodes({x.mois for x in lignes}):
        dans = [x for x in lignes if periode.premier <= x.mois <= periode.dernier]
        cle = cle_periode(periode)
        if not dans or cle is None:
            continue
        for portee in ["", *sorted({x.acheteur for x in dans})]:
            siennes = [x for x in dans if portee in ("", x.acheteur)]
            leurs = [m for m in marches if portee in ("", m["acheteur"])]
            comptes = _comptes(calculer_indicateurs(siennes, [], leurs, periode, 1), siennes, attributions(leurs))
            anciens = registre.agregat_bilan(cle, portee)
            registre.ecrire_agregat_bilan(cle, portee, _additionner(anciens, comptes) if anciens else comptes)


def _CLES_SORTIES() -> list[str]:  # noqa: N802 - a constant read from the codes
    return [*(c.cle for c in codes("sorties")), "non_renseignee"]


def _taux(sorties: dict[str, Any]) -> None:
    dynamiques = sum(sorties[c.cle] for c in codes("sorties") if c.dynamique)
    total = sum(sorties.get(c, 0) for c in _CLES_SORTIES())
    sorties.update(
        dynamiques=dynamiques, total=total, taux_dynamiques=round(dynamiques * 100 / total, 1) if total else None
    )


def ajouter(indicateurs: dict[str, Any], comptes: dict[str, Any], vivants: set[str], diviseur: int) -> None:
    """Add the counts kept by purges to indicators computed on the rows in force (``vivants``: their holders)."""
    for cle in ("personnes", "contrats_travail", "cdi"):
        indicateurs[cle] += comptes.get(cle, 0)
    indicateurs["entreprises"] = max(indicateurs["entreprises"], len(vivants | set(comptes.get("titulaires", []))))
    for code, nombre in comptes.get("sorties", {}).items():
        indicateurs["sorties"][code] = indicateurs["sorties"].get(code, 0) + nombre
    _taux(indicateurs["sorties"])
    for cle in (*REPARTITIONS, *_REPARTITIONS_SANS_HEURES):
        champ = "nom" if cle == "par_donneur_ordre" else "code"
        rangees = comptes.get(cle, {})
        if "" in rangees and all(r[champ] != "" for r in indicateurs[cle]):
            vide = {"personnes": 0, "contrats_travail": 0, "heures_realisees": 0, "etp": 0.0}
            indicateurs[cle].append({"code": "", "libelle": "Non renseigné", **vide})
        for rangee in indicateurs[cle]:
            personnes, contrats, centiemes = rangees.get(rangee[champ], (0, 0, 0))
            rangee["personnes"] += personnes
            rangee["contrats_travail"] += contrats
            if cle in REPARTITIONS and centiemes:
                total_c = round(rangee["heures_realisees"] * 100) + centiemes
                rangee["heures_realisees"], rangee["etp"] = heures(total_c), etp(total_c, diviseur)


def incomplet(periode: Periode) -> str:
    """What a report on a period the purges kept no counts for says of the people purged."""
    return (
        f"période {periode.libelle} sur plusieurs années civiles : les personnes dont les données ont été purgées "
        "n'y sont comptées que dans les heures (leurs effectifs sont conservés pour les périodes comprises dans "
        "une année civile)"
    )
