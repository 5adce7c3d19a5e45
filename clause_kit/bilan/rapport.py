"""The Word report: the template's context (every value already written in French, small cells hidden) and its render.

The template is ``modeles/bilan_annuel.docx``, edited in Word by whoever sends the report, and
rendered by the same strict, bounded rendering as the dossier pieces (``rendu.compiler`` and
``rendu.rendre``); its variables are described in ``modeles/VARIABLES-bilan.md``, which a test
keeps equal to what ``contexte_rapport`` provides. Charts are ``images_docx.Image`` values.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from clause_kit import version
from clause_kit.bilan.nombres import ecrire as _n
from clause_kit.bilan.nombres import ecrire_montant
from clause_kit.bilan.periode import mois_fr
from clause_kit.bilan.prevision import heures_entieres
from clause_kit.bilan.qualitatif import Bloc
from clause_kit.bilan.secret import SECRET, chiffres_publies, explication, marches_secrets, masque, masquer_repartition
from clause_kit.commun.codes import codes
from clause_kit.commun.formats import date_fr

__all__ = [
    "MODELE",
    "NON_DECLAREE",
    "NOMS_GRAPHIQUES",
    "PARCOURS_DANS_LA_FRISE",
    "contexte_rapport",
    "frise_interne",
    "graphiques_du_bilan",
    "rendre_rapport",
]

#: The report's template, in the templates folder.
MODELE = "bilan_annuel.docx"
#: The report's charts, by their name in the template (``graphiques.…``).
NOMS_GRAPHIQUES = (
    "heures_par_donneur",
    "personnes_par_public",
    "personnes_par_sexe",
    "personnes_par_age",
    "sorties",
    "heures_par_mois",
)
#: The timeline of the internal file shows at most this many paths (its spreadsheet has them all).
PARCOURS_DANS_LA_FRISE = 60

#: The row of the work contracts that ended without a declared exit.
NON_DECLAREE = "Situation non déclarée"

#: A function drawing the charts of a published report: (published context) → name → Image.
Graphiste = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]


def _rangees(rangees: list[dict[str, Any]], seuil: int, *, additive: bool = True, nom: str = "libelle") -> list[Any]:
    publiees = masquer_repartition(rangees, seuil, additive=additive)
    return [
        {
            "libelle": r[nom],
            "marches": _n(r.get("marches")),
            "personnes": _n(r["personnes"]),
            "contrats": _n(r["contrats_travail"]),
            "heures": _n(r["heures_realisees"]),
            "etp": _n(r["etp"], 2),
        }
        for r, brute in zip(publiees, rangees, strict=True)
        if brute["personnes"] or brute["heures_realisees"]
    ]


def _chiffres(bilan: dict[str, Any], seuil: int) -> list[dict[str, str]]:
    publies = chiffres_publies(bilan, seuil)
    avant = chiffres_publies(bilan["precedente"], seuil) if bilan["precedente"] else {}
    lignes = [
        ("Marchés clausés", "marches", 0, False),
        ("Donneurs d'ordre", "donneurs_ordre", 0, False),
        ("Entreprises", "entreprises", 0, False),
        ("Personnes (participants)", "personnes", 0, True),
        ("Contrats de travail", "contrats_travail", 0, True),
        ("dont CDI", "cdi", 0, True),
        ("Heures réalisées", "heures_realisees", 0, False),
        ("Équivalents temps plein (ETP)", "etp", 2, False),
    ]
    resultat = []
    for libelle, cle, decimales, _ in lignes:
        valeur = publies.get(cle, bilan[cle])
        precedente = avant.get(cle, (bilan["precedente"] or {}).get(cle))
        resultat.append({"libelle": libelle, "valeur": _n(valeur, decimales), "precedente": _n(precedente, decimales)})
    return resultat


def _chiffres_cles(bilan: dict[str, Any], seuil: int) -> str:
    """The key figures in one sentence, leaving out what the secret hides (never « s CDI »)."""
    publies = chiffres_publies(bilan, seuil)
    marches = f"{_n(bilan['marches'])} marché(s) concerné(s)"
    if isinstance(publies["personnes"], str):
        return (
            f"{marches}, moins de {_n(seuil)} personnes positionnées : un effectif trop petit pour publier "
            "leurs heures, leurs contrats et leur situation à la fin du contrat (secret statistique)."
        )
    phrase = (
        f"{marches}, {_n(publies['personnes'])} personne(s) positionnée(s), {_n(publies['heures_realisees'])} heures "
        f"d'insertion réalisées, soit {_n(publies['etp'], 2)} ETP"
    )
    if "etp_annualise" in bilan:
        phrase += f" ({_n(bilan['etp_annualise'], 2)} ETP en année pleine, la période comptant {_n(_mois(bilan))} mois)"
    if isinstance(publies["cdi"], int):
        phrase += f", {_n(publies['cdi'])} CDI"
    phrase += _residence(bilan, seuil)
    if bilan.get("heures_formation"):
        phrase += (
            f" ; en plus des heures travaillées, {_n(bilan['heures_formation'])} heures de formation, dont "
            f"{_n(bilan['heures_formation_comptees'])} comptées comme heures d'insertion par leur marché"
        )
    if isinstance(publies["sorties"], int) and isinstance(publies["sorties_dynamiques"], int):
        phrase += (
            f" ; {_n(publies['sorties_dynamiques'])} sortie(s) dynamique(s) sur {_n(publies['sorties'])} "
            "contrat(s) de travail terminé(s)"
        )
        sans = bilan["sorties"].get("non_renseignee", 0)
        if sans and not 0 < sans < seuil:
            phrase += f", dont {_n(sans)} sans situation déclarée"
    return phrase + "."


def _mois(bilan: dict[str, Any]) -> int:
    du, au = bilan["periode"]["du"], bilan["periode"]["au"]
    return (int(au[:4]) - int(du[:4])) * 12 + int(au[5:7]) - int(du[5:7]) + 1


def _residence(bilan: dict[str, Any], seuil: int) -> str:
    """« , dont 12 personnes résidant en QPV et moins de 5 en ZRR », as the secret allows."""
    publiees = {r["code"]: r["personnes"] for r in masquer_repartition(bilan["par_residence"], seuil)}
    parts = []
    for code, lieu in (("qpv", "en quartier prioritaire (QPV)"), ("zrr", "en zone rurale (ZRR, FRR)")):
        valeur = publiees.get(code, 0)
        if isinstance(valeur, int):
            parts.append(f"{_n(valeur)} {lieu}")
        elif valeur == masque(seuil):
            parts.append(f"moins de {_n(seuil)} {lieu}")
    return f", dont {' et '.join(parts)} par leur résidence" if parts else ""


def _penalites(bilan: dict[str, Any]) -> str:
    """The penalties at the current pace, all contracts together: per contract they stay internal."""
    total = sum(Decimal(str(m["penalite_au_rythme"] or 0)) for m in bilan["detail_marches"])
    if not total:
        return "Aucune pénalité au rythme actuel."
    return (
        f"Pénalités que la règle des marchés donnerait au rythme actuel, tous marchés ensemble : "
        f"{ecrire_montant(total)} ; le détail par marché reste interne jusqu'au terme de la procédure "
        "contradictoire avec chaque titulaire."
    )


def _sorties(bilan: dict[str, Any], seuil: int) -> list[dict[str, str]]:
    sorties = bilan["sorties"]
    rangees = [{"libelle": c.libelle, "personnes": sorties[c.cle], "dynamique": c.dynamique} for c in codes("sorties")]
    rangees.append({"libelle": NON_DECLAREE, "personnes": sorties.get("non_renseignee", 0), "dynamique": False})
    publiees = masquer_repartition(rangees, seuil, effectif_de_personnes=False)
    return [{"libelle": r["libelle"], "contrats": _n(r["personnes"])} for r in publiees]


def _marches(bilan: dict[str, Any]) -> list[dict[str, str]]:
    """One row per contract, then one per lot when it has several (the hours are due lot by lot).

    The period's hours of a contract fewer than 5 people worked on are theirs: « s ».
    """
    rangees = []
    caches = marches_secrets(bilan)
    for m in bilan["detail_marches"]:
        cache = m["reference"] in caches
        rangees.append(_rangee_marche(m, m["acheteur"], m["reference"], m["objet"], cache))
        if len(m["lots"]) > 1:
            rangees += [
                _rangee_marche(lot, "", "", f"lot {lot['numero']} « {lot['intitule']} »", cache) for lot in m["lots"]
            ]
    return rangees


def _rangee_marche(
    ligne: dict[str, Any], acheteur: str, reference: str, objet: str, cache: bool = False
) -> dict[str, str]:
    return {
        "acheteur": acheteur,
        "reference": reference,
        "objet": objet,
        "heures_dues": _n(ligne["heures_dues"]),
        "heures_periode": SECRET if cache and ligne["heures_periode"] else _n(ligne["heures_periode"]),
        "heures_realisees": _n(ligne["heures_realisees"]),
        "pourcentage": f"{_n(ligne['pourcentage'], 1)} %" if ligne["pourcentage"] is not None else "–",
    }


def _prevision(bilan: dict[str, Any]) -> dict[str, Any]:
    """The forward view in whole hours (an estimate: hundredths would be false precision)."""
    prevision = bilan["prevision"]
    sans_dates = prevision["sans_dates"]
    # Months and undated contracts rounded together, as the workbook's « Heures à venir » sheet does:
    # rounded apart, the two documents gave different whole hours for the same figures.
    ensemble = heures_entieres(
        [m["heures"] for m in prevision["par_mois"]] + [s["heures_restantes"] for s in sans_dates]
    )
    mois, autres = ensemble[: len(prevision["par_mois"])], ensemble[len(prevision["par_mois"]) :]
    types = heures_entieres([t["heures"] for t in prevision["par_type_contrat"]])
    return {
        "apres": date_fr(datetime.date.fromisoformat(prevision["apres"])),
        "heures_restantes": _n(sum(mois) + sum(autres)),
        "par_mois": [
            {"mois": mois_fr(m["mois"]), "heures": _n(h)} for m, h in zip(prevision["par_mois"], mois, strict=True)
        ],
        "par_type_contrat": [
            {"libelle": t["libelle"], "heures": _n(h)}
            for t, h in zip(prevision["par_type_contrat"], types, strict=True)
        ],
        "sans_dates": [
            {"reference": s["reference"], "objet": s["objet"], "heures": _n(h)}
            for s, h in zip(sans_dates, autres, strict=True)
        ],
    }


def contexte_rapport(
    bilan: dict[str, Any], qualitatif: list[Bloc], graphiques: dict[str, Any], aujourd_hui: datetime.date
) -> dict[str, Any]:
    """The report template's variables: published values (small cells hidden), French writing, charts."""
    seuil = bilan["seuil_secret"]
    publies = chiffres_publies(bilan, seuil)
    avant = bilan["precedente"]
    contexte: dict[str, Any] = {
        "document": {"date_generation": date_fr(aujourd_hui), "version": version()},
        "bilan": {
            "periode": bilan["periode"]["libelle"],
            "periode_longue": f"du {date_fr(datetime.date.fromisoformat(bilan['periode']['du']))} au "
            f"{date_fr(datetime.date.fromisoformat(bilan['periode']['au']))}",
            "donneur_ordre": bilan["donneur_ordre"] or "",
            "diviseur_etp": _n(bilan["diviseur_etp"]),
            "seuil_secret": _n(seuil),
            "secret": explication(seuil),
            "chiffres_cles": _chiffres_cles(bilan, seuil),
            "penalites": _penalites(bilan),
            "personnes": _n(publies["personnes"]),
            "heures": _n(publies["heures_realisees"]),
            "etp": _n(publies["etp"], 2),
            "marches": _n(bilan["marches"]),
            "cdi": _n(publies["cdi"]),
            "sorties_dynamiques": _n(publies["sorties_dynamiques"]),
            "sorties": _n(publies["sorties"]),
            "precedente": avant["libelle"] if avant else "",
        },
        "chiffres": _chiffres(bilan, seuil),
        "par_donneur_ordre": _rangees(bilan["par_donneur_ordre"], seuil, nom="nom"),
        "par_article": _rangees(bilan["par_article"], seuil),
        "par_public": _rangees(bilan["par_public"], seuil, additive=False),
        "par_sexe": _rangees(bilan["par_sexe"], seuil),
        "par_tranche_age": _rangees(bilan["par_tranche_age"], seuil),
        "par_modalite": _rangees(bilan["par_modalite"], seuil),
        "par_type_contrat": _rangees(bilan["par_type_contrat"], seuil),
        "sorties": _sorties(bilan, seuil),
        "marches": _marches(bilan),
        "prevision": _prevision(bilan),
        "qualitatif": [{"genre": b.genre, "texte": b.texte} for b in qualitatif],
        "graphiques": graphiques,
    }
    contexte["bilan"]["secret"] = _secret(contexte, seuil)
    return contexte


#: The report's bar charts: (context table, column drawn, what the chart shows).
_BARRES = (
    ("par_donneur_ordre", "heures", "les heures par donneur d'ordre"),
    ("par_public", "personnes", "les personnes par catégorie de public"),
    ("par_sexe", "personnes", "les personnes par sexe"),
    ("par_tranche_age", "personnes", "les personnes par tranche d'âge"),
    ("sorties", "contrats", "les situations à la fin des contrats"),
)


def _tout_masque(rangees: list[dict[str, Any]], valeur: str) -> bool:
    """Whether every non-zero cell of a chart's column is hidden by the secret (a chart of marks only)."""
    cellules = [r[valeur] for r in rangees if r[valeur] not in ("0", "–")]
    return bool(cellules) and all(not any(c.isdigit() for c in cellule) for cellule in cellules)


def _secret(contexte: dict[str, Any], seuil: int) -> str:
    """The secret's explanation, and the charts not drawn because the secret hides all their values."""
    caches = [quoi for cle, valeur, quoi in _BARRES if contexte[cle] and _tout_masque(contexte[cle], valeur)]
    texte = explication(seuil)
    if caches:
        texte += (
            f" Sur un territoire aussi petit, ne sont pas tracés les graphiques dont toutes les valeurs sont "
            f"couvertes par le secret : {', '.join(caches)}."
        )
    return texte


def _nombre_publie(valeur: str) -> float | str:
    """A published cell back to a number for a chart (« 1 234,5 » → 1234.5), or « < 5 » as it is."""
    texte = valeur.replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        return float(texte)
    except ValueError:
        return valeur


def graphiques_du_bilan(contexte: dict[str, Any], bilan: dict[str, Any]) -> dict[str, Any]:
    """The report's charts, drawn from the published values (a hidden cell stays hidden in its chart)."""
    from clause_kit.bilan import graphiques as g
    from clause_kit.rendu.images import Image

    def image(png: bytes, description: str) -> Image:
        largeur, hauteur = g.taille_cm(png)
        echelle = min(1.0, g.LARGEUR_CM / largeur, g.HAUTEUR_MAX_CM / hauteur)  # 40 buyers' bars still fit a page
        return Image(png, round(largeur * echelle, 2), round(hauteur * echelle, 2), description)

    def barres(cle: str, titre: str, valeur: str, unite: str) -> Image | str:
        rangees = contexte[cle]
        if not rangees or _tout_masque(rangees, valeur):
            return ""  # nothing but marks: no empty chart; bilan.secret says why
        png = g.barres([r["libelle"] for r in rangees], [_nombre_publie(r[valeur]) for r in rangees], titre, unite)
        return image(png, titre)

    # With fewer than 5 people in all, their hours are hidden: the monthly curve would give them back.
    mois = bilan["par_mois"] if isinstance(chiffres_publies(bilan, bilan["seuil_secret"])["personnes"], int) else []
    return {
        "heures_par_donneur": barres("par_donneur_ordre", "Heures réalisées par donneur d'ordre", "heures", "heures"),
        "personnes_par_public": barres("par_public", "Personnes par catégorie de public", "personnes", "personnes"),
        "personnes_par_sexe": barres("par_sexe", "Personnes par sexe", "personnes", "personnes"),
        "personnes_par_age": barres("par_tranche_age", "Personnes par tranche d'âge", "personnes", "personnes"),
        "sorties": barres("sorties", "Situation à la fin du contrat de travail", "contrats", "contrats de travail"),
        "heures_par_mois": image(
            g.courbe_mensuelle([m["mois"] for m in mois], [m["heures_realisees"] for m in mois], "Heures par mois"),
            "Heures réalisées par mois",
        )
        if mois
        else "",
    }


def frise_interne(bilan: dict[str, Any]) -> bytes | None:
    """The timeline of people's paths (PNG), for the internal file only; None without paths."""
    from clause_kit.bilan import graphiques as g

    frise = list(itertools.islice(bilan["parcours"], PARCOURS_DANS_LA_FRISE))
    if not frise:
        return None
    legendes = {c.cle: c.libelle for c in codes("types_contrat")}
    return g.frise_parcours(
        [
            (p["participant"], [(c["premier_mois"], c["dernier_mois"], c["type_contrat"]) for c in p["contrats"]])
            for p in frise
        ],
        {k: v for k, v in legendes.items() if any(c["type_contrat"] == k for p in frise for c in p["contrats"])},
        "Parcours des personnes (codes), par type de contrat",
    )


def rendre_rapport(
    bilan: dict[str, Any],
    modele: Path,
    qualitatif: list[Bloc],
    aujourd_hui: datetime.date,
    graphiste: Graphiste = graphiques_du_bilan,
) -> bytes:
    """The .docx bytes of the report."""
    from clause_kit.rendu.moteur import compiler, rendre

    contexte = contexte_rapport(bilan, qualitatif, {}, aujourd_hui)
    contexte["graphiques"] = graphiste(contexte, bilan)
    return rendre(compiler(modele), contexte)
