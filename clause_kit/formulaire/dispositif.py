"""« Quel dispositif ? » : from a contract's type, amount and trade, which insertion tool fits, and why.

A recommendation with its reasons and the article it rests on, never a decision: the officer
may overrule it. The trades and what practitioners say of them are data (``METIERS``); the
rules below only read them, the EU thresholds (``seuils``) and the defaults of
``parametres.yaml``. Labour shares come from practitioners' figures where the domain brief
gives one (painting 70 %, masonry 50 %, steel frames 20 %); other trades take the default of
their contract type.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from clause_kit.commun.formats import montant, nombre, nombre_simple
from clause_kit.commun.horloge import aujourdhui
from clause_kit.commun.parametres import charger_parametres
from clause_kit.marche.calcul import arrondir_heures, heures_formule
from clause_kit.marche.droit import CLIMAT_RESILIENCE, REFERENCES, ccag_du_marche, clause_ccag
from clause_kit.marche.modele import Acheteur, Consultation, Marche
from clause_kit.marche.seuils import seuil_europeen

__all__ = ["METIERS", "Conseil", "Metier", "Recommandation", "metier_du_cpv", "recommander"]


@dataclass(frozen=True)
class Metier:
    """A trade as buyers name it, and what practitioners know of it."""

    libelle: str
    #: Beginnings of the CPV codes of the trade (the longest match wins).
    cpv: tuple[str, ...] = ()
    #: Labour share of the amount (%), when practitioners give one; else the default of the type.
    taux_main_oeuvre: Decimal | None = None
    #: Insertion structures (SIAE, EA, ESAT) commonly do this work: a reserved contract or lot is realistic.
    structures: bool = False
    #: Labour-heavy services where bidders' insertion approaches really differ: worth scoring.
    qualitatif: bool = False
    #: Qualified intellectual work: few hours open to people far from employment.
    intellectuel: bool = False


METIERS: dict[str, Metier] = {
    "second_oeuvre": Metier(
        "Bâtiment : second œuvre (peinture, plâtrerie, menuiserie, revêtements)",
        ("4540", "4541", "4542", "4543", "4544", "4545"),
        Decimal(70),
        structures=True,
    ),
    "gros_oeuvre": Metier("Bâtiment : gros œuvre, maçonnerie", ("4521", "4526", "452"), Decimal(50)),
    "charpente_metallique": Metier("Charpente et structures métalliques", ("45223", "452624"), Decimal(20)),
    "voirie_reseaux": Metier("Voirie, réseaux, terrassements, génie civil", ("4511", "4522", "4523", "4524")),
    "espaces_verts": Metier("Espaces verts, entretien paysager", ("7731", "7734"), structures=True, qualitatif=True),
    "nettoyage": Metier("Nettoyage de locaux, propreté urbaine", ("9091", "9061"), structures=True, qualitatif=True),
    "dechets": Metier("Collecte, tri et valorisation des déchets", ("905",), structures=True, qualitatif=True),
    "securite": Metier("Sécurité, gardiennage", ("7971",), qualitatif=True),
    "accueil_appels": Metier("Accueil, centre d'appels", ("79512", "7951"), qualitatif=True),
    "blanchisserie": Metier("Blanchisserie", ("9831",), structures=True),
    "restauration": Metier("Restauration collective", ("555",), structures=True, qualitatif=True),
    "impression": Metier("Impression, reprographie, mise sous pli", ("798", "7982"), structures=True),
    "intellectuel": Metier(
        "Prestations intellectuelles (études, maîtrise d'œuvre, informatique)", ("71", "72", "73"), intellectuel=True
    ),
    "autre": Metier("Autre métier"),
}

#: Estimate of hours at this insertion percentage, the low end of common practice (5 to 10 %).
POURCENTAGE_ESTIMATION = Decimal(5)

#: Below this many hours (two weeks full time), a clause rarely gives anyone a real start:
#: clause_kit's own choice, shown with the estimate so the officer can judge.
HEURES_UTILES = 70


@dataclass(frozen=True)
class Recommandation:
    """One tool, how strongly it fits (« conseillé », « possible », « déconseillé »), why, on what article."""

    dispositif: str
    titre: str
    niveau: str
    article: str
    raisons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Conseil:
    """The recommendations for one contract and the combination they point to."""

    recommandations: list[Recommandation]
    #: article_14, article_53, les_deux or aucun: what the form starts with unless the officer chooses.
    proposition: str
    heures_estimees: int


def metier_du_cpv(cpv: str) -> str | None:
    """The trade of a CPV code (``45442100-8`` → ``second_oeuvre``), by the longest known beginning."""
    chiffres = re.sub(r"\D", "", cpv)[:8]
    trouve, longueur = None, 0
    for cle, metier in METIERS.items():
        for debut in metier.cpv:
            if chiffres.startswith(debut) and len(debut) > longueur:
                trouve, longueur = cle, len(debut)
    return trouve


def recommander(
    type_marche: str,
    montant_ht: Decimal,
    metier: str = "autre",
    *,
    duree_mois: int | None = None,
    date_lancement: datetime.date | None = None,
    categorie: str = "collectivite",
) -> Conseil:
    """What fits a contract: execution clause (article 14), award criterion (article 53), reserved contract."""
    p = charger_parametres().brut
    trade = METIERS.get(metier, METIERS["autre"])
    jour = date_lancement or aujourdhui()
    defauts = p["par_type"][type_marche]
    taux = trade.taux_main_oeuvre or Decimal(str(defauts["taux_main_oeuvre"]))
    cout = Decimal(str(defauts["cout_horaire"]))
    heures = arrondir_heures(heures_formule(montant_ht, taux, POURCENTAGE_ESTIMATION, cout))
    estimation = (
        f"environ {nombre(heures)} heures à {nombre_simple(POURCENTAGE_ESTIMATION)} % d'insertion "
        f"({montant(montant_ht)} × {nombre_simple(taux)} % de main-d'œuvre ÷ {nombre_simple(cout)} € de l'heure)"
    )
    clause = _clause(type_marche, montant_ht, trade, heures, estimation, duree_mois, jour, categorie)
    critere = _critere(trade, clause.niveau, duree_mois)
    reserve = _reserve(trade)
    return Conseil([clause, critere, reserve], _proposition(clause.niveau, critere.niveau), heures)


def _proposition(clause: str, critere: str) -> str:
    """The combination the form starts with: both when both fit, else the one that fits best."""
    if clause == "conseillé":
        return "les_deux" if critere == "conseillé" else "article_14"
    if critere == "conseillé" or clause == "déconseillé":
        return "article_53"
    return "article_14"


def _clause(
    type_marche: str,
    montant_ht: Decimal,
    trade: Metier,
    heures: int,
    estimation: str,
    duree_mois: int | None,
    jour: datetime.date,
    categorie: str,
) -> Recommandation:
    ref = REFERENCES["ccp"]
    article = ref.condition_execution
    ccag = clause_ccag(ccag_du_marche(None, type_marche), "ccp")
    if ccag:
        article += f" ; {ccag}"
    consultation = Consultation.model_construct(
        acheteur=Acheteur.model_construct(categorie=categorie),
        marche=Marche.model_construct(type=type_marche, montant_ht=montant_ht),
    )
    seuil = seuil_europeen(consultation, charger_parametres().brut, jour)
    titre = "Clause d'exécution : des heures d'insertion dues par le titulaire (« article 14 »)"
    if seuil is not None and montant_ht >= seuil.montant and jour >= CLIMAT_RESILIENCE:
        raison = (
            f"le montant atteint le seuil européen ({montant(seuil.montant)}) : une condition d'exécution "
            f"sociale ou relative à l'emploi est obligatoire ({ref.condition_sociale_obligatoire}), "
            "sauf exception motivée"
        )
        return Recommandation("article_14", titre, "conseillé", article, [raison, estimation])
    minimum = int(charger_parametres().brut["vraisemblance"]["duree_min_mois"])
    contre = []
    if trade.intellectuel:
        contre.append("travail qualifié : peu d'heures accessibles à des personnes éloignées de l'emploi")
    if type_marche == "fournitures":
        contre.append(
            "la main-d'œuvre d'une fourniture est surtout hors du marché (fabrication) : heures difficiles à suivre, "
            "sauf livraison, pose ou maintenance"
        )
    if duree_mois is not None and duree_mois < minimum:
        contre.append(f"marché de {duree_mois} mois : trop court pour un parcours (moins de {minimum} mois)")
    if heures < HEURES_UTILES:
        contre.append(f"{estimation} : moins de {HEURES_UTILES} heures, deux semaines de travail à temps plein")
    if contre:
        return Recommandation("article_14", titre, "déconseillé", article, contre)
    return Recommandation("article_14", titre, "conseillé", article, [estimation + " : de quoi engager un parcours"])


def _critere(trade: Metier, niveau_clause: str, duree_mois: int | None) -> Recommandation:
    article = REFERENCES["ccp"].critere_insertion
    titre = "Critère d'attribution : la qualité de l'insertion proposée, notée (« article 53 »)"
    regle = (
        "le critère note ce que l'offre fera sur ce marché, annoncé avec sa pondération (le Conseil d'État a admis "
        "15 %, CE 25 mars 2013, n° 364950)"
    )
    if trade.qualitatif and (duree_mois is None or duree_mois >= 12):
        raison = "métier de main-d'œuvre où les offres diffèrent par l'accueil, le tutorat et la formation"
        if niveau_clause == "conseillé":
            raison += " : coupler un minimum d'heures (clause) et la qualité au-delà (critère)"
        return Recommandation("article_53", titre, "conseillé", article, [raison, regle])
    if niveau_clause == "déconseillé" and not trade.intellectuel:
        raison = "sans heures imposées, le critère valorise l'insertion proposée, avec au besoin un plancher d'heures"
        return Recommandation("article_53", titre, "possible", article, [raison, regle])
    return Recommandation("article_53", titre, "possible", article, [regle])


def _reserve(trade: Metier) -> Recommandation:
    article = "articles L. 2113-12 (EA, ESAT) et L. 2113-13 (SIAE) du code de la commande publique ; R. 2113-7"
    titre = "Marché ou lot réservé aux SIAE, EA ou ESAT"
    limite = (
        "à indiquer au marché (marche.reserve : ea_esat ou siae) ou à un lot (lots[].reserve) : l'avis et le "
        "règlement de la consultation disent alors qui peut soumissionner, la preuve demandée et l'article ; "
        "une clause d'insertion y devient facultative"
    )
    if trade.structures:
        raison = (
            "des structures d'insertion ou du travail protégé exercent couramment ce métier : réserver tout ou partie"
        )
        return Recommandation("reserve", titre, "possible", article, [raison, limite])
    return Recommandation("reserve", titre, "déconseillé", article, ["peu de structures exercent ce métier", limite])
