"""The report's spreadsheets: the published one (small cells hidden), and the internal one (paths, penalties).

Numbers stay numbers (a reader sorts and sums them in Excel or Calc); a hidden cell holds the
text « < 5 » (a count of 1 to 4 people) or « s » (``secret``). The first sheet says the period,
the ETP divisor and what the two marks mean. People's paths and the penalties per contract are
not published: they go to the internal workbook (``construire_classeur_interne``), written only
on request, whose name says « interne ». The workbook is written by ``xlsx`` (plain tables, 120 000 cells for 3 000
contracts: openpyxl took 3 s on them).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from clause_kit.bilan.indicateurs import ARTICLES
from clause_kit.bilan.prevision import heures_entieres
from clause_kit.bilan.secret import SECRET, chiffres_publies, explication, marches_secrets, masquer_repartition
from clause_kit.bilan.xlsx import Feuille, ecrire_classeur
from clause_kit.commun.codes import codes

__all__ = ["FEUILLES", "FEUILLES_INTERNES", "NOTES", "construire_classeur_bilan", "construire_classeur_interne"]

#: Sheet names, in order.
FEUILLES = (
    "Indicateurs",
    "Donneurs d'ordre",
    "Articles",
    "Publics",
    "Sexe",
    "Âge",
    "Résidence",
    "Modalités",
    "Types de contrat",
    "Sorties",
    "Par mois",
    "Marchés",
    "Heures à venir",
)
#: Sheets of the internal workbook.
FEUILLES_INTERNES = ("Parcours", "Pénalités par lot")
_REPARTITION = ["Personnes", "Contrats de travail", "Heures réalisées", "ETP"]
#: Below the splits whose people do not add up: a reader would otherwise sum the column.
NOTES = {
    "Publics": "Une personne peut relever de plusieurs catégories de public : la colonne des personnes "
    "ne s'additionne pas.",
    "Modalités": "Une personne peut relever de plusieurs modalités (une par contrat de travail) : la colonne "
    "des personnes ne s'additionne pas ; les contrats et les heures, si.",
    "Types de contrat": "Une personne compte sous chaque type de contrat qu'elle a eu dans la période (en CDD "
    "puis en CDI : dans les deux lignes) : la colonne des personnes ne s'additionne pas ; les contrats et "
    "les heures, si.",
}


def _rangees(rangees: list[dict[str, Any]], seuil: int, nom: str = "libelle", additive: bool = True) -> list[list[Any]]:
    publiees = masquer_repartition(rangees, seuil, additive=additive)
    return [[r[nom], r["personnes"], r["contrats_travail"], r["heures_realisees"], r["etp"]] for r in publiees]


def _indicateurs(bilan: dict[str, Any], seuil: int) -> list[list[Any]]:
    publies = chiffres_publies(bilan, seuil)
    avant = chiffres_publies(bilan["precedente"], seuil) if bilan["precedente"] else {}
    libelles = {
        "marches": "Marchés clausés",
        "donneurs_ordre": "Donneurs d'ordre",
        "entreprises": "Entreprises",
        "personnes": "Personnes (participants)",
        "contrats_travail": "Contrats de travail",
        "cdi": "dont CDI",
        "heures_realisees": "Heures réalisées",
        "etp": "ETP",
    }

    lignes: list[list[Any]] = [
        [libelle, publies.get(cle, bilan[cle]), avant.get(cle, (bilan["precedente"] or {}).get(cle))]
        for cle, libelle in libelles.items()
    ]
    cache = isinstance(publies["personnes"], str)
    lignes.append(["Heures de formation (à part)", "s" if cache else bilan.get("heures_formation"), None])
    lignes.append(
        ["dont comptées comme heures d'insertion", "s" if cache else bilan.get("heures_formation_comptees"), None]
    )
    if "etp_annualise" in bilan:
        lignes.append(["ETP en année pleine (× 12 ÷ mois de la période)", bilan["etp_annualise"], None])
    lignes.append(["Sorties dynamiques", publies["sorties_dynamiques"], None])
    lignes.append(["Contrats de travail terminés (avec ou sans situation déclarée)", publies["sorties"], None])
    penalites = sum(Decimal(str(m["penalite_au_rythme"] or 0)) for m in bilan["detail_marches"])
    lignes.append(["Pénalités au rythme actuel, tous marchés (€)", float(penalites), None])
    return lignes


def _penalites(bilan: dict[str, Any]) -> Iterator[list[Any]]:
    return (
        [
            m["acheteur"],
            m["reference"],
            lot["numero"],
            lot["heures_dues"],
            lot["heures_realisees"],
            lot["pourcentage"],
            lot["penalite_au_rythme"],
        ]
        for m in bilan["detail_marches"]
        for lot in m["lots"]
    )


def _marches(bilan: dict[str, Any]) -> Iterator[list[Any]]:
    caches = marches_secrets(bilan)
    for m in bilan["detail_marches"]:
        cache = m["reference"] in caches
        for lot in m["lots"]:
            yield [
                m["acheteur"],
                m["reference"],
                m["objet"],
                ARTICLES[m["article"]],
                lot["numero"],
                lot["heures_dues"],
                SECRET if cache and lot["heures_periode"] else lot["heures_periode"],
                lot["heures_realisees"],
                lot["pourcentage"],
            ]


def _parcours(bilan: dict[str, Any]) -> Iterator[list[Any]]:
    types = {c.cle: c.libelle for c in codes("types_contrat")}
    sorties = {c.cle: c.libelle for c in codes("sorties")}
    return (
        [
            p["participant"],
            c["acheteur"],
            c["reference"],
            c["lot"],
            c["employeur"],
            types.get(c["type_contrat"], c["type_contrat"]),
            c["debut_contrat"],
            c["fin_contrat"],
            c["heures_realisees"],
            sorties.get(c["sortie"] or "", ""),
        ]
        for p in bilan["parcours"]
        for c in p["contrats"]
    )


def _tables(bilan: dict[str, Any]) -> dict[str, tuple[list[str], Iterable[list[Any]]]]:
    seuil = bilan["seuil_secret"]
    sorties = masquer_repartition(
        [
            *({"libelle": c.libelle, "personnes": bilan["sorties"][c.cle]} for c in codes("sorties")),
            {"libelle": "Situation non déclarée", "personnes": bilan["sorties"].get("non_renseignee", 0)},
        ],
        seuil,
        effectif_de_personnes=False,
    )
    prevision = bilan["prevision"]
    # With fewer than 5 people in all, their hours are hidden: the months would give them back.
    mois = bilan["par_mois"] if isinstance(chiffres_publies(bilan, seuil)["personnes"], int) else []
    return {
        "Indicateurs": (["Indicateur", bilan["periode"]["libelle"], "Période précédente"], _indicateurs(bilan, seuil)),
        "Donneurs d'ordre": (["Donneur d'ordre", *_REPARTITION], _rangees(bilan["par_donneur_ordre"], seuil, "nom")),
        "Articles": (["Article", *_REPARTITION], _rangees(bilan["par_article"], seuil)),
        "Publics": (["Public", *_REPARTITION], _rangees(bilan["par_public"], seuil, additive=False)),
        "Sexe": (["Sexe", *_REPARTITION], _rangees(bilan["par_sexe"], seuil)),
        "Âge": (["Tranche d'âge", *_REPARTITION], _rangees(bilan["par_tranche_age"], seuil)),
        "Résidence": (["Résidence (QPV, ZRR)", *_REPARTITION], _rangees(bilan["par_residence"], seuil)),
        "Modalités": (["Modalité", *_REPARTITION], _rangees(bilan["par_modalite"], seuil)),
        "Types de contrat": (["Type de contrat", *_REPARTITION], _rangees(bilan["par_type_contrat"], seuil)),
        "Sorties": (
            ["Situation à la fin du contrat", "Contrats de travail"],
            [[s["libelle"], s["personnes"]] for s in sorties],
        ),
        "Par mois": (["Mois", "Heures réalisées"], [[m["mois"], m["heures_realisees"]] for m in mois]),
        "Marchés": (
            [
                "Donneur d'ordre",
                "Marché",
                "Objet",
                "Article",
                "Lot",
                "Heures dues",
                "Heures de la période",
                "Heures depuis le début",
                "% réalisé",
            ],
            _marches(bilan),
        ),
        "Heures à venir": (
            ["Mois", "Heures à venir (heures entières)"],
            [
                [libelle, h]
                for libelle, h in zip(
                    [m["mois"] for m in prevision["par_mois"]]
                    + [f"{s['reference']} (dates inconnues)" for s in prevision["sans_dates"]],
                    heures_entieres(
                        [m["heures"] for m in prevision["par_mois"]]
                        + [s["heures_restantes"] for s in prevision["sans_dates"]]
                    ),
                    strict=True,
                )
            ],
        ),
    }


def _tables_internes(bilan: dict[str, Any]) -> dict[str, tuple[list[str], Iterable[list[Any]]]]:
    return {
        "Parcours": (
            [
                "Personne (code)",
                "Donneur d'ordre",
                "Marché",
                "Lot",
                "Employeur",
                "Type de contrat",
                "Début",
                "Fin",
                "Heures de la période",
                "Situation à la fin",
            ],
            _parcours(bilan),
        ),
        "Pénalités par lot": (
            [
                "Donneur d'ordre",
                "Marché",
                "Lot",
                "Heures dues",
                "Heures depuis le début",
                "% réalisé",
                "Pénalité au rythme actuel (€)",
            ],
            _penalites(bilan),
        ),
    }


def construire_classeur_bilan(bilan: dict[str, Any]) -> bytes:
    """The .xlsx bytes of the published tables."""
    tables = _tables(bilan)
    periode = bilan["periode"]
    pied = [
        f"Période : du {periode['du']} au {periode['au']}",
        f"1 ETP = {bilan['diviseur_etp']} heures",
        explication(bilan["seuil_secret"]),
        "Les parcours individuels et les pénalités par marché ne sont pas publiés (fichier interne).",
    ]
    feuilles = []
    for rang, nom in enumerate(FEUILLES):
        entetes, lignes = tables[nom]
        notes = pied if rang == 0 else [NOTES[nom]] if nom in NOTES else []
        # Widths from the header and the first rows (None): the rows are read once, as they are written.
        feuilles.append(Feuille(nom, entetes, lignes, notes, None))
    return ecrire_classeur(feuilles, f"Bilan {periode['libelle']} des clauses d'insertion")


def construire_classeur_interne(bilan: dict[str, Any]) -> bytes:
    """The .xlsx bytes of the internal workbook: people's paths (codes) and penalties per lot, exact."""
    tables = _tables_internes(bilan)
    periode = bilan["periode"]
    pied = [
        f"Période : du {periode['du']} au {periode['au']}",
        "DOCUMENT INTERNE, à ne pas diffuser : parcours des personnes (codes) et pénalités par lot, avant la "
        "procédure contradictoire avec les titulaires.",
    ]
    feuilles = []
    for rang, nom in enumerate(FEUILLES_INTERNES):
        entetes, lignes = tables[nom]
        feuilles.append(Feuille(nom, entetes, lignes, pied if rang == 0 else [], None))
    return ecrire_classeur(feuilles, f"Bilan {periode['libelle']} : document interne")
