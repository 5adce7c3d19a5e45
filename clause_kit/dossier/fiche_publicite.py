"""The notice sheet (``fiche-publicite.html`` and ``.json``): the eForms fields a buyer pastes into a notice.

Notices above the EU thresholds are eForms since October 2023, and the French web forms
(BOAMP, PLACE, buyer profiles) ask for the same business terms. A buyer rarely sends XML: they
copy the clause, the criteria and the codes into a form. The sheet gives, per lot, one row per
eForms business term (BT) with its French name, the code or the text to paste, the French label
of the code and the text's length against the field's maximum, so that nothing is typed twice
and nothing is cut by the form.

Texts are made of the same formatted values as the Word pieces (the template context): a figure
reads the same in the notice and in the CCAP. Codes and labels come from ``eforms.yaml``, taken
from the eForms SDK whose version it names. A value the contract file does not give is never
invented: its row says so (« à renseigner ») and names the YAML key when there is one.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, fields
from decimal import Decimal
from importlib import resources
from typing import Any

import jinja2
import yaml

from clause_kit.marche.calcul import Chiffres
from clause_kit.marche.droit import est_accord_cadre
from clause_kit.marche.modele import Consultation, Lot

__all__ = ["NOM_HTML", "NOM_JSON", "Champ", "FicheLot", "fiche_html", "fiche_json", "fiche_publicite"]

NOM_HTML = "fiche-publicite.html"
NOM_JSON = "fiche-publicite.json"

#: eForms reserved participation (BT-71) of each kind of reserved contract.
_RESERVE_BT71 = {"ea_esat": "res-ws", "siae": "res-ws", "ess": "res-pub-ser"}
#: eForms framework agreement (BT-765) of each form of contract.
_FORME_BT765 = {
    "ordinaire": "none",
    "accord_cadre_bons_de_commande": "fa-wo-rc",
    "accord_cadre_marches_subsequents": "fa-w-rc",
}
_TYPE_CRITERE = {"prix": "price"}  # every other nature (qualité, environnement, insertion…) is quality
#: Whether accessibility criteria apply is the buyer's to say: the contract file does not tell.
_ACCESSIBILITE = "à renseigner : critères d’accessibilité appliqués (inc) ou non (n-inc, n-inc-just)"


@dataclass(frozen=True)
class Champ:
    """One eForms business term of a lot: what to paste, and how it fits the field."""

    bt: str
    libelle: str
    valeur: str
    code_libelle: str = ""
    maximum: int | None = None
    note: str = ""

    @property
    def longueur(self) -> int:
        """Characters to paste."""
        return len(self.valeur)

    @property
    def trop_long(self) -> bool:
        """Whether the text exceeds what the field accepts."""
        return self.maximum is not None and self.longueur > self.maximum


_NOMS_CHAMP = tuple(f.name for f in fields(Champ))


@dataclass(frozen=True)
class FicheLot:
    """The rows of one lot (``LOT-0001`` for a contract without lots)."""

    identifiant: str
    numero: int | None
    intitule: str
    champs: list[Champ]


@functools.cache
def _eforms() -> dict[str, Any]:
    texte = resources.files("clause_kit.dossier").joinpath("eforms.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(texte)  # type: ignore[no-any-return]


def _champ(bt: str, valeur: str, note: str = "") -> Champ:
    """A row with the field's French name, maximum and, for a code, the code's French label."""
    definition = _eforms()["champs"][bt]
    liste = definition.get("liste")
    if liste is None:
        valeur = valeur.replace("'", "’")  # French typography, whatever the file or a label typed
    code_libelle = _eforms()["listes"][liste].get(valeur, "") if liste and valeur else ""
    return Champ(bt, definition["libelle"], valeur, code_libelle, definition.get("maximum"), note)


def fiche_publicite(consultation: Consultation, chiffres: Chiffres, contexte: dict[str, Any]) -> list[FicheLot]:
    """The notice sheet of every lot, from the contract, its figures and the pieces' formatted values."""
    marche = consultation.marche
    lots: list[Lot | None] = list(marche.lots) if marche.lots else [None]
    fiches = []
    for rang, lot in enumerate(lots):
        valeurs_lot = contexte["lots"][rang] if rang < len(contexte["lots"]) else {}
        champs = [
            *_reserve(consultation, lot),
            *_execution(consultation, chiffres, contexte, valeurs_lot),
            *_strategique(consultation, chiffres, contexte, valeurs_lot, lot),
            *_criteres(chiffres, contexte),
            *_forme(consultation, lot, contexte),
            *_duree(consultation),
            _champ(
                "BT-754-Lot", "", "à renseigner : critères d’accessibilité appliqués (inc) ou non (n-inc, n-inc-just)"
            ),
        ]
        numero = lot.numero if lot is not None else None
        intitule = lot.intitule if lot is not None else marche.objet
        fiches.append(FicheLot(f"LOT-{(numero or 1):04d}", numero, intitule, champs))
    return fiches


def _reserve(consultation: Consultation, lot: Lot | None) -> list[Champ]:
    reserve = (lot.reserve if lot is not None else None) or consultation.marche.reserve
    return [
        _champ("BT-71-Lot", _RESERVE_BT71.get(reserve or "", "none")),
        # The code reserves participation (L. 2113-12 to L. 2113-15), never performance within sheltered
        # employment programmes, which is what BT-736 says.
        _champ("BT-736-Lot", "no"),
    ]


def _a_une_clause(valeurs_lot: dict[str, Any]) -> bool:
    return bool(valeurs_lot.get("clause")) and valeurs_lot.get("heures") not in ("", "0", None)


def _execution(
    consultation: Consultation, chiffres: Chiffres, contexte: dict[str, Any], valeurs_lot: dict[str, Any]
) -> list[Champ]:
    """BT-70: the execution clause as the CCAP states it (hours, publics, facilitator, penalty)."""
    phrases = []
    insertion, droit = contexte["insertion"], contexte["droit"]
    minimum = consultation.insertion.article_53 is not None and insertion.get("heures_minimum")
    if consultation.insertion.article_14 is None and minimum:
        # A minimum every offer must reach becomes, once the offer is retained, an execution condition.
        phrases.append(
            f"Exigence minimale : chaque offre s’engage sur au moins {insertion['heures_minimum']} heures "
            "d’insertion ; l’engagement du titulaire est une condition d’exécution du marché "
            f"({droit['condition_execution']}), au bénéfice de personnes éloignées de l’emploi : "
            f"{_liste(insertion['publics'])}."
        )
    if consultation.insertion.article_14 is not None and _a_une_clause(valeurs_lot):
        phrases.append(
            f"Clause d’insertion sociale, condition d’exécution ({droit['condition_execution']}) : le titulaire "
            f"réalise une action d’insertion {_volume(contexte, valeurs_lot)}, au bénéfice de personnes éloignées "
            f"de l’emploi : {_liste(insertion['publics'])}."
        )
        tranches = insertion.get("tranches", [])
        if tranches:
            phrases.append("Dont " + " ; ".join(t["phrase"] for t in tranches) + ".")
        periodes = [p for p in insertion.get("periodes", []) if p.get("heures")]
        if len(periodes) > 1:
            phrases.append(
                "Heures dues par période, chacune seulement si elle est exécutée : "
                + " ; ".join(p["phrase"] for p in periodes)
                + "."
            )
        phrases.append(f"Modalités : {_liste(insertion['modalites'])}.")
        if contexte["facilitateur"].get("designation"):
            phrases.append(f"Facilitateur : {contexte['facilitateur']['designation']}.")
        if insertion.get("penalite"):
            phrases.append(
                f"Pénalité : {insertion['penalite']}, {insertion.get('penalite_plafond_phrase', '')}".rstrip(", ") + "."
            )
    if not phrases:
        return []  # a reservation alone is said by BT-71 and BT-777: it is no execution condition
    # Runs of ordinary spaces folded; the no-break spaces of French typography kept.
    return [_champ("BT-70-Lot", re.sub(r"[ \t\n]+", " ", " ".join(phrases)).strip())]


def _volume(contexte: dict[str, Any], valeurs_lot: dict[str, Any]) -> str:
    """« d’au moins 933 heures de travail, soit… » or, for an accord-cadre, hours per 1 000 € ordered."""
    if valeurs_lot.get("heures_par_1000"):
        commandes = contexte["marche"].get("commandes") or "bons de commande"
        volume = (
            f"d’au moins {valeurs_lot['heures_par_1000']} de travail par tranche de 1\u202f000\u00a0€\u00a0HT "
            f"de {commandes} exécutés"
        )
        if valeurs_lot.get("heures_garanties"):
            volume += f", soit au moins {valeurs_lot['heures_garanties']} heures au titre du minimum de commandes"
        return volume
    return f"d’au moins {valeurs_lot['heures']} heures de travail, {valeurs_lot.get('etp_phrase', '')}".rstrip(", ")


def _strategique(
    consultation: Consultation,
    chiffres: Chiffres,
    contexte: dict[str, Any],
    valeurs_lot: dict[str, Any],
    lot: Lot | None,
) -> list[Champ]:
    """BT-06 (one row per objective), BT-775 and BT-777."""
    reserve = (lot.reserve if lot is not None else None) or consultation.marche.reserve
    clause = consultation.insertion.article_14 is not None and _a_une_clause(valeurs_lot)
    critere = consultation.insertion.article_53 is not None
    environnement = any(c.nature == "environnement" for c in chiffres.criteres)
    objectifs = (["soc-obj"] if clause or critere or reserve else []) + (["env-imp"] if environnement else [])
    if not objectifs:
        return [_champ("BT-06-Lot", "none")]
    champs = [_champ("BT-06-Lot", code) for code in objectifs]
    if "soc-obj" in objectifs:
        champs.append(_champ("BT-775-Lot", "opp"))
    description = []
    if reserve:
        beneficiaires = valeurs_lot.get("reserve_beneficiaires", "")
        description.append(f"marché réservé ({valeurs_lot.get('reserve_article', '')}) {beneficiaires}".strip())
    if clause:
        description.append(f"clause d’insertion sociale en condition d’exécution ({_volume(contexte, valeurs_lot)})")
    if critere:
        ponderation = contexte["insertion"].get("ponderation", "")
        description.append(f"critère d’attribution relatif à l’insertion professionnelle ({ponderation})")
    for c in chiffres.criteres:
        if c.nature == "environnement":
            description.append(f"critère environnemental « {c.libelle} » ({_nombre(c.ponderation)} %)")
    champs.append(_champ("BT-777-Lot", _phrase(description)))
    return champs


def _criteres(chiffres: Chiffres, contexte: dict[str, Any]) -> list[Champ]:
    """BT-539, BT-734, BT-540, BT-5421 and BT-541 for each award criterion, in the RC's order."""
    champs = []
    sous = contexte["insertion"].get("sous_criteres", [])
    for rang, critere in enumerate(chiffres.criteres, start=1):
        note = f"critère {rang}"
        description = critere.description
        if critere.insertion and sous:
            description = "Sous-critères : " + " ; ".join(
                f"{s['libelle']} ({s['ponderation']})" + (f" : {s['description']}" if s.get("description") else "")
                for s in sous
            )
            if contexte["insertion"].get("heures_minimum"):
                description += f". Minimum exigé de chaque offre : {contexte['insertion']['heures_minimum']} heures"
        champs += [
            _champ("BT-539-Lot", _TYPE_CRITERE.get(critere.nature, "quality"), note),
            _champ("BT-734-Lot", critere.libelle, note),
        ]
        if description:
            champs.append(_champ("BT-540-Lot", _phrase([description]), note))
        champs += [
            _champ("BT-5421-Lot", "per-exa", note),
            _champ("BT-541-Lot-WeightNumber", _nombre(critere.ponderation), note),
        ]
    return champs


def _forme(consultation: Consultation, lot: Lot | None, contexte: dict[str, Any]) -> list[Champ]:
    """BT-765 and BT-271 (accord-cadre), BT-58 and BT-57 (renewals), BT-54 (optional tranches)."""
    marche = consultation.marche
    champs = [_champ("BT-765-Lot", _FORME_BT765[marche.forme])]
    maximum = (lot.montant_maximum_ht if lot is not None else None) or marche.montant_maximum_ht
    if est_accord_cadre(marche.forme):
        if maximum is not None:
            note = "euros hors taxes" + (", reconductions comprises" if marche.reconductions else "")
            champs.append(_champ("BT-271-Lot", f"{Decimal(maximum):.2f}", note))
        else:
            champs.append(_champ("BT-271-Lot", "", "à renseigner (marche.montant_maximum_ht)"))
    if marche.reconductions:
        champs.append(_champ("BT-58-Lot", str(marche.reconductions)))
        champs.append(_champ("BT-57-Lot", f"Durée : {contexte['marche']['duree']}."))
    optionnelles = [t for t in marche.tranches or [] if t.nature == "optionnelle"]
    if optionnelles:
        texte = " ; ".join(f"{t.libelle} ({_euros(t.montant_ht)})" for t in optionnelles)
        champs.append(_champ("BT-54-Lot", f"Tranches optionnelles, affermies par décision de l’acheteur : {texte}."))
    return champs


def _duree(consultation: Consultation) -> list[Champ]:
    duree = consultation.marche.duree_mois
    if duree is None:
        return [_champ("BT-36-Lot", "", "à renseigner (marche.duree_mois), en mois")]
    note = "période initiale" if consultation.marche.reconductions else ""
    return [_champ("BT-36-Lot", str(duree), f"unité MONTH (Mois){' ; ' + note if note else ''}")]


def _liste(elements: list[str]) -> str:
    return " ; ".join(e.rstrip(".") for e in elements if e)


def _phrase(morceaux: list[str]) -> str:
    texte = " ; ".join(m for m in morceaux if m)
    return (texte[:1].upper() + texte[1:]).rstrip(".") + "." if texte else ""


def _nombre(valeur: Decimal) -> str:
    return format(Decimal(valeur).normalize(), "f")


def _euros(valeur: Decimal) -> str:
    from clause_kit.commun.formats import montant

    return montant(Decimal(valeur))


def _en_donnees(fiches: list[FicheLot], consultation: Consultation) -> dict[str, Any]:
    return {
        "sdk_eforms": _eforms()["sdk"],
        "reference": consultation.marche.reference,
        "objet": consultation.marche.objet,
        "acheteur": consultation.acheteur.nom,
        "lots": [
            {
                "identifiant": f.identifiant,
                "numero": f.numero,
                "intitule": f.intitule,
                # Scalars only: a shallow copy is dataclasses.asdict's result without its deep copy (4 000
                # calls per 40 contracts, the sheet's main cost).
                "champs": [
                    {**{n: getattr(c, n) for n in _NOMS_CHAMP}, "longueur": c.longueur, "trop_long": c.trop_long}
                    for c in f.champs
                ],
            }
            for f in fiches
        ],
    }


def fiche_json(fiches: list[FicheLot], consultation: Consultation) -> bytes:
    """The sheet as data (UTF-8 JSON, one field a line), for a program or a later import."""
    return (json.dumps(_en_donnees(fiches, consultation), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@functools.cache
def _modele_html() -> jinja2.Template:
    texte = resources.files("clause_kit.dossier").joinpath("fiche_publicite.html").read_text(encoding="utf-8")
    environnement = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return environnement.from_string(texte)


def fiche_html(fiches: list[FicheLot], consultation: Consultation) -> bytes:
    """The sheet as a page: readable without JavaScript, each value in a field to select, copy buttons added."""
    return _modele_html().render(fiche=_en_donnees(fiches, consultation)).encode("utf-8")
