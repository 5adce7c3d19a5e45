"""Legal references cited by the pieces, per regime: one table, no legal prose elsewhere in code.

The YAML keeps the words users know ("article_14", "article_53", from the 2006 Code des
marchés publics); the documents cite the law in force. Since 1 April 2019 that is the Code
de la commande publique (regime ``ccp``, the default). Regime ``cmp2006`` reproduces the
2006 wording to amend or re-issue an old dossier.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "REFERENCES",
    "Reference",
    "Regime",
    "TypeMarche",
    "clause_ccag",
    "libelle_ccag",
    "libelle_procedure",
    "reference_ponderation",
]

Regime = Literal["ccp", "cmp2006"]
TypeMarche = Literal["travaux", "services", "fournitures"]


@dataclass(frozen=True)
class Reference:
    """The legal wording cited under one regime."""

    code: str
    condition_execution: str
    critere_insertion: str
    ponderation: str
    #: Weighting rule in a procédure adaptée, where R. 2152-12 (formalised procedures) does not apply.
    ponderation_adaptee: str
    #: CCAG article on the insertion clause; empty when the CCAG of that regime has none.
    article_ccag_insertion: str


REFERENCES: dict[str, Reference] = {
    "ccp": Reference(
        code="code de la commande publique",
        condition_execution="articles L. 2112-2 et L. 2112-3 du code de la commande publique",
        critere_insertion="article L. 2152-7 et a) du 2° de l'article R. 2152-7 du code de la commande publique",
        ponderation="articles R. 2152-11 et R. 2152-12 du code de la commande publique",
        ponderation_adaptee="article R. 2152-11 du code de la commande publique",
        article_ccag_insertion="article 16.1",
    ),
    "cmp2006": Reference(
        code="code des marchés publics",
        condition_execution="article 14 du code des marchés publics",
        critere_insertion="article 53 du code des marchés publics",
        ponderation="article 53-II du code des marchés publics",
        ponderation_adaptee="article 53-II du code des marchés publics",
        article_ccag_insertion="",
    ),
}

# CCAG a contract refers to, by type and regime: the 2021 CCAGs (arrêtés du 30 mars 2021)
# replaced those of 2009; supplies and services share the CCAG-FCS.
_CCAG: dict[tuple[str, str], str] = {
    ("travaux", "ccp"): "CCAG-Travaux 2021",
    ("services", "ccp"): "CCAG-FCS 2021",
    ("fournitures", "ccp"): "CCAG-FCS 2021",
    ("travaux", "cmp2006"): "CCAG-Travaux",
    ("services", "cmp2006"): "CCAG-FCS",
    ("fournitures", "cmp2006"): "CCAG-FCS",
}

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


def libelle_ccag(type_marche: str, regime: str) -> str:
    """Name of the CCAG a contract of this type refers to under this regime."""
    return _CCAG[(type_marche, regime)]


def clause_ccag(type_marche: str, regime: str) -> str:
    """``article 16.1 du CCAG-Travaux 2021``, or "" when the regime's CCAG has no insertion article."""
    ref = REFERENCES[regime]
    return f"{ref.article_ccag_insertion} du {libelle_ccag(type_marche, regime)}" if ref.article_ccag_insertion else ""


def reference_ponderation(regime: str, procedure: str) -> str:
    """Where the weighting of criteria comes from: R. 2152-12 binds formalised procedures only."""
    ref = REFERENCES[regime]
    return ref.ponderation_adaptee if procedure == "adaptee" else ref.ponderation


def libelle_procedure(code: str) -> str:
    """French label of a procedure code (``adaptee`` → ``procédure adaptée``)."""
    return PROCEDURES[code]
