"""Legal references cited by the pieces, per regime, per CCAG and per date: one table, no legal prose elsewhere.

The YAML keeps the words users know ("article_14", "article_53", from the 2006 Code des
marchés publics); the documents cite the law in force. Since 1 April 2019 that is the Code
de la commande publique (regime ``ccp``, the default). Regime ``cmp2006`` only reproduces
the 2006 wording of an old dossier: that code was abrogated on 1 April 2016, so every piece
of such a dossier says it cannot found a new consultation (see ``AVERTISSEMENT_CMP2006``).

Which rules apply depends on the launch date of the consultation (``marche.date_lancement``),
so that a dossier regenerated later keeps the law of its own date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "AVERTISSEMENT_CMP2006",
    "CCAG",
    "CLIMAT_RESILIENCE",
    "PROCEDURES",
    "REFERENCES",
    "RESERVES",
    "CodeReserve",
    "Reserve",
    "CategorieAcheteur",
    "CodeCCAG",
    "FORMES",
    "Forme",
    "FormeMarche",
    "Reference",
    "Regime",
    "TypeMarche",
    "ccag_du_marche",
    "clause_ccag",
    "penalites_ccag",
    "critere_environnemental_exige",
    "est_accord_cadre",
    "est_formalisee",
    "libelle_ccag",
    "libelle_procedure",
    "reference_ponderation",
]

Regime = Literal["ccp", "cmp2006"]
TypeMarche = Literal["travaux", "services", "fournitures"]
CategorieAcheteur = Literal["collectivite", "etat", "entite_adjudicatrice"]
CodeCCAG = Literal["travaux", "fcs", "pi", "tic", "mi", "moe", "aucun"]
CodeReserve = Literal["ea_esat", "siae", "ess"]
FormeMarche = Literal["ordinaire", "accord_cadre_bons_de_commande", "accord_cadre_marches_subsequents"]


@dataclass(frozen=True)
class Forme:
    """A form of contract: how it is named in the pieces, what its orders are called, the law it rests on."""

    libelle: str
    #: What executes it (« bons de commande », « marchés subséquents »); "" for an ordinary contract.
    commandes: str
    #: Articles cited for this form (code de la commande publique); "" for an ordinary contract.
    articles: str


#: Accords-cadres: L. 2125-1 (1°), R. 2162-1 to R. 2162-14; the maximum, in value or quantity, is
#: required by R. 2162-4 as amended by décret n° 2021-1111 du 23 août 2021 (consultations from
#: 1 January 2022); orders by bons de commande R. 2162-13 and R. 2162-14, marchés subséquents
#: R. 2162-7 to R. 2162-12. The EU threshold is judged on the maximum over the whole duration,
#: renewals included (R. 2121-8).
FORMES: dict[str, Forme] = {
    "ordinaire": Forme("marché", "", ""),
    "accord_cadre_bons_de_commande": Forme(
        "accord-cadre exécuté par l'émission de bons de commande",
        "bons de commande",
        "articles L. 2125-1, R. 2162-1 à R. 2162-6, R. 2162-13 et R. 2162-14 du code de la commande publique",
    ),
    "accord_cadre_marches_subsequents": Forme(
        "accord-cadre exécuté par la conclusion de marchés subséquents",
        "marchés subséquents",
        "articles L. 2125-1 et R. 2162-1 à R. 2162-12 du code de la commande publique",
    ),
}


@dataclass(frozen=True)
class Reserve:
    """A reserved contract or lot: who may bid, under which article, and what proof is asked of them."""

    article: str
    #: Who may bid, written to follow « réservé aux ».
    beneficiaires: str
    #: The proof asked of each candidate, written to follow « chaque candidat produit ».
    preuve: str
    #: eForms BT-71 code (reserved participation) for the notice.
    eforms: str


#: L. 2113-12 (EA, ESAT and equivalent structures) and L. 2113-13 (SIAE and equivalent structures),
#: with the 50 % share of R. 2113-7; L. 2113-15 (ESS companies, certain health, social and cultural
#: services of the avis annexed to the code, contract of three years at most, no such contract with
#: the same buyer in the previous three years). eForms BT-71: res-ws (sheltered workshops and
#: disadvantaged persons), res-pub-ser (public-service mission, art. 77 of directive 2014/24/EU).
RESERVES: dict[str, Reserve] = {
    "ea_esat": Reserve(
        "article L. 2113-12 du code de la commande publique",
        "entreprises adaptées (EA), aux établissements et services d'aide par le travail (ESAT) et aux structures "
        "équivalentes, qui emploient une proportion minimale de 50 % de travailleurs handicapés (article R. 2113-7 "
        "du code de la commande publique)",
        "la preuve de sa qualité : pour une entreprise adaptée, le contrat pluriannuel d'objectifs et de moyens "
        "conclu avec l'État ; pour un établissement et service d'aide par le travail, l'autorisation délivrée par "
        "l'agence régionale de santé ; pour une structure équivalente, tout document établissant qu'elle emploie au "
        "moins 50 % de travailleurs handicapés",
        "res-ws",
    ),
    "siae": Reserve(
        "article L. 2113-13 du code de la commande publique",
        "structures d'insertion par l'activité économique mentionnées à l'article L. 5132-4 du code du travail "
        "(entreprises d'insertion, entreprises de travail temporaire d'insertion, associations intermédiaires, "
        "ateliers et chantiers d'insertion) et aux structures équivalentes, qui emploient une proportion minimale "
        "de 50 % de travailleurs défavorisés (article R. 2113-7 du code de la commande publique)",
        "la preuve de sa qualité : la convention en cours de validité conclue avec l'État au titre de l'article "
        "L. 5132-2 du code du travail ou, pour une structure équivalente, tout document établissant qu'elle emploie "
        "au moins 50 % de travailleurs défavorisés",
        "res-ws",
    ),
    "ess": Reserve(
        "article L. 2113-15 du code de la commande publique",
        "entreprises de l'économie sociale et solidaire mentionnées à l'article 1er de la loi n° 2014-856 du "
        "31 juillet 2014 et aux structures équivalentes, qui poursuivent un objectif de service public lié à la "
        "prestation des services du marché, dans les conditions de l'article L. 2113-15 du code de la commande "
        "publique",
        "la preuve de sa qualité d'entreprise de l'économie sociale et solidaire (statuts et, le cas échéant, "
        "inscription au registre du commerce et des sociétés avec la mention de cette qualité) et une déclaration "
        "sur l'honneur qu'il ne s'est pas vu attribuer par l'acheteur, au cours des trois années précédentes, un "
        "marché pour les mêmes services en application de l'article L. 2113-15",
        "res-pub-ser",
    ),
}


def est_accord_cadre(forme: str) -> bool:
    """Whether a form is an accord-cadre (hours stated per 1 000 € HT ordered, threshold on the maximum)."""
    return forme != "ordinaire"


@dataclass(frozen=True)
class Reference:
    """The legal wording cited under one regime."""

    code: str
    condition_execution: str
    #: The same above the EU thresholds once the social execution condition is mandatory (L. 2112-2-1).
    condition_execution_obligatoire: str
    critere_insertion: str
    ponderation: str
    #: Weighting rule in a procédure adaptée, where R. 2152-12 (formalised procedures) does not apply.
    ponderation_adaptee: str
    #: Rule of the environmental award criterion (empty under a regime that has none).
    critere_environnemental: str
    #: Rule of the social execution condition mandatory above the EU thresholds (idem).
    condition_sociale_obligatoire: str
    #: Personal-data law the pieces cite.
    donnees_personnelles: str
    #: The award criteria as a whole (the list of the RC and the avis).
    criteres: str = ""
    #: The insertion criterion's own ground, beside it in the list ("" when the code had none).
    critere_insertion_propre: str = ""
    #: Renewal of a contract (reconduction) and contracts with tranches.
    reconduction: str = ""
    tranches: str = ""


REFERENCES: dict[str, Reference] = {
    "ccp": Reference(
        code="code de la commande publique",
        condition_execution="articles L. 2112-2 et L. 2112-3 du code de la commande publique",
        condition_execution_obligatoire="articles L. 2112-2, L. 2112-2-1 et L. 2112-3 du code de la commande publique",
        critere_insertion="article L. 2152-7 et a) du 2° de l'article R. 2152-7 du code de la commande publique",
        ponderation="articles R. 2152-11 et R. 2152-12 du code de la commande publique",
        ponderation_adaptee="article R. 2152-11 du code de la commande publique",
        critere_environnemental=(
            "article L. 2152-7 du code de la commande publique, dans sa rédaction issue de l'article 35 "
            "de la loi n° 2021-1104 du 22 août 2021"
        ),
        condition_sociale_obligatoire=(
            "article L. 2112-2-1 du code de la commande publique, dans sa rédaction issue de l'article 35 "
            "de la loi n° 2021-1104 du 22 août 2021"
        ),
        donnees_personnelles="règlement (UE) 2016/679 du 27 avril 2016 (RGPD)",
        criteres="articles L. 2152-7 et R. 2152-7 du code de la commande publique",
        critere_insertion_propre="a) du 2° de l'article R. 2152-7",
        reconduction="article R. 2112-4 du code de la commande publique",
        tranches="articles R. 2113-4 à R. 2113-6 du code de la commande publique",
    ),
    "cmp2006": Reference(
        code="code des marchés publics",
        condition_execution="article 14 du code des marchés publics",
        condition_execution_obligatoire="article 14 du code des marchés publics",
        critere_insertion="article 53 du code des marchés publics",
        ponderation="article 53-II du code des marchés publics",
        ponderation_adaptee="article 53-II du code des marchés publics",
        critere_environnemental="",
        condition_sociale_obligatoire="",
        donnees_personnelles="loi n° 78-17 du 6 janvier 1978 relative à l'informatique, aux fichiers et aux libertés",
        criteres="article 53 du code des marchés publics",
        reconduction="article 16 du code des marchés publics",
        tranches="article 72 du code des marchés publics",
    ),
}

#: Printed on every piece of a ``cmp2006`` dossier: the 2006 code was abrogated on 1 April 2016
#: (ordonnance n° 2015-899 du 23 juillet 2015, art. 102), so such a dossier may only reproduce
#: or amend an old one. Chosen over rebuilding the era's whole legal context (CCAG 1976/1977 or
#: 2009, SMIC of the day, ZUS instead of QPV...), which the project cannot verify for every date.
AVERTISSEMENT_CMP2006 = (
    "Reproduction d'un dossier antérieur au 1er avril 2016 (code des marchés publics de 2006, abrogé) : "
    "ne peut fonder une consultation nouvelle"
)

#: Loi n° 2021-1104 du 22 août 2021 « Climat et résilience », art. 35 : L. 2152-7 gains « Au moins un
#: de ces critères prend en compte les caractéristiques environnementales de l'offre. »; L. 2112-2,
#: « Les conditions d'exécution prennent en compte des considérations relatives à l'environnement. »;
#: L. 2112-2-1 makes a social or employment execution condition mandatory at or above the EU
#: thresholds, with exceptions. « Ces dispositions entrent en vigueur à une date fixée par décret, et
#: au plus tard cinq ans après la promulgation » and apply « aux marchés pour lesquels une
#: consultation est engagée ou un avis d'appel à la concurrence est envoyé à la publication à compter
#: de leur entrée en vigueur » (art. 35, IV). No decree set an earlier date: Légifrance gives the
#: versions « du 22 août 2026 ». (Décret n° 2022-767 sets 21 August 2026 for R. 2152-7, the end of a
#: price-only criterion, which these pieces do not state.)
CLIMAT_RESILIENCE = datetime.date(2026, 8, 22)


@dataclass(frozen=True)
class CCAG:
    """A cahier des clauses administratives générales and the articles the pieces cite."""

    nom: str
    #: Its « Clause d'insertion sociale » article (the first sub-article of « Développement durable »),
    #: or None when its number could not be confirmed: the pieces then name the article by its title.
    article_insertion: str | None
    #: The articles of its delay penalties: the 10 % cap, and the exemption of totals up to
    #: 1 000 € HT « pour l'ensemble du marché » (None when not confirmed).
    article_plafond: str
    article_exoneration: str | None


# The 2021 CCAG (six arrêtés du 30 mars 2021, JORF 1 April 2021, amended by the arrêtés du
# 30 septembre 2021 and du 29 décembre 2022, which did not touch these articles) number their
# « Développement durable » article differently; insertion is its first sub-article. Confirmed:
# CCAG-TIC 2021 art. 16 « Développement durable », 16.1 « Clause d'insertion sociale » (its text);
# FCS and PI share that structure (16.1); CCAG-Travaux 2021 art. 20 « développement durable »
# (its globalisation paragraph, as amended on 30 September 2021). MOE (18.1 reported) and MI (17.1
# by the same pattern) could not be confirmed in a text: named by title, not by number.
# Penalties: the 10 % cap and the 1 000 € HT exemption sit in the delay-penalty sub-articles:
# FCS/PI/TIC 14.1.2 and 14.1.3, Travaux 19.2.2 and 19.2.1, MOE 16.2.2, MI 15.2 (exemption of
# MOE and MI not found).
CCAG_2021: dict[str, CCAG] = {
    "travaux": CCAG("CCAG-Travaux 2021", "article 20.1", "article 19.2.2", "article 19.2.1"),
    "fcs": CCAG("CCAG-FCS 2021", "article 16.1", "article 14.1.2", "article 14.1.3"),
    "pi": CCAG("CCAG-PI 2021", "article 16.1", "article 14.1.2", "article 14.1.3"),
    "tic": CCAG("CCAG-TIC 2021", "article 16.1", "article 14.1.2", "article 14.1.3"),
    "mi": CCAG("CCAG-MI 2021", None, "article 15.2", None),
    "moe": CCAG("CCAG-MOE 2021", None, "article 16.2.2", None),
}

# Under the 2006 code the CCAG had no insertion article; only their names are cited.
_CCAG_2006 = {
    "travaux": "CCAG-Travaux",
    "fcs": "CCAG-FCS",
    "pi": "CCAG-PI",
    "tic": "CCAG-TIC",
    "mi": "CCAG-MI",
    "moe": "CCAG-PI",
}

#: The CCAG a contract refers to when its file does not say.
CCAG_PAR_TYPE: dict[str, str] = {"travaux": "travaux", "services": "fcs", "fournitures": "fcs"}

PROCEDURES: dict[str, str] = {
    "adaptee": "procédure adaptée",
    "appel_offres_ouvert": "procédure d'appel d'offres ouvert",
    "appel_offres_restreint": "procédure d'appel d'offres restreint",
    "negociee": "procédure avec négociation",
    "dialogue_competitif": "procédure de dialogue compétitif",
}

TYPES_LIBELLES: dict[str, str] = {
    "travaux": "marché de travaux",
    "services": "marché de services",
    "fournitures": "marché de fournitures",
}


def ccag_du_marche(code: str | None, type_marche: str) -> str:
    """The CCAG code of a contract: the one its file names, else the one of its type."""
    return code if code is not None else CCAG_PAR_TYPE[type_marche]


def libelle_ccag(code: str, regime: str) -> str:
    """Name of a CCAG under a regime (``CCAG-Travaux 2021``), or "" for ``aucun``."""
    if code == "aucun":
        return ""
    return CCAG_2021[code].nom if regime == "ccp" else _CCAG_2006[code]


def clause_ccag(code: str, regime: str) -> str:
    """``article 20.1 du CCAG-Travaux 2021``, or "" when no CCAG insertion article applies."""
    if code == "aucun" or regime != "ccp":
        return ""
    ccag = CCAG_2021[code]
    article = ccag.article_insertion or "article « Clause d'insertion sociale »"
    return f"{article} du {ccag.nom}"


def penalites_ccag(code: str, regime: str) -> str:
    """``les articles 19.2.2 et 19.2.1 du CCAG-Travaux 2021``: where the CCAG caps and exempts delay penalties.

    Written to follow « prévus par »; "" without a CCAG 2021.
    """
    if code == "aucun" or regime != "ccp":
        return ""
    ccag = CCAG_2021[code]
    if ccag.article_exoneration is None:
        return (
            f"l'{ccag.article_plafond} du {ccag.nom} (plafond) et les stipulations de ce CCAG relatives à "
            "l'exonération des pénalités de retard"
        )
    numeros = f"{ccag.article_plafond.removeprefix('article ')} et {ccag.article_exoneration.removeprefix('article ')}"
    return f"les articles {numeros} du {ccag.nom}"


def est_formalisee(procedure: str) -> bool:
    """Every procedure but the procédure adaptée is a formalised one."""
    return procedure != "adaptee"


def reference_ponderation(regime: str, procedure: str) -> str:
    """Where the weighting of criteria comes from: R. 2152-12 binds formalised procedures, and is cited for them."""
    ref = REFERENCES[regime]
    return ref.ponderation if est_formalisee(procedure) else ref.ponderation_adaptee


def critere_environnemental_exige(regime: str, date_lancement: datetime.date) -> bool:
    """Whether the award criteria must include one on the environmental characteristics of the offer."""
    return regime == "ccp" and date_lancement >= CLIMAT_RESILIENCE


def libelle_procedure(code: str) -> str:
    """French label of a procedure code (``adaptee`` → ``procédure adaptée``)."""
    return PROCEDURES[code]
