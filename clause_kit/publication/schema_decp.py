"""The rules of the DECP 2.0.3 format for a ``marche``, as a JSON Schema checked with ``jsonschema``.

The essential data of public contracts follow the regulatory format published by the Ministry of
the Economy (repository 139bercy/format-commande-publique, file ``schema_decp_v2.0.3.json``,
JSON Schema draft-07). This module restates, in our own words, the rules of that format that a
``marche`` record must meet — required fields, lists of values, patterns, lengths and bounds —
for the fields clause_kit writes; every value of every list is the format's, character for
character. The tests check documents against it; the official file stays outside this
repository, where the publisher's validation applies it as well.
"""

from __future__ import annotations

import functools
from typing import Any

import jsonschema

__all__ = ["FORMAT_DECP", "SCHEMA_DECP", "verifier_decp"]

FORMAT_DECP = "DECP 2.0.3"

_DATE = {"type": "string", "pattern": r"\d{4}-\d{2}-\d{2}"}
_IDENTIFIANT = {"type": "string", "minLength": 1, "maxLength": 16}


def _liste(*valeurs: str) -> dict[str, Any]:
    return {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": list(valeurs)}}


def _objet(cle: str, valeurs: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": {cle: valeurs}, "required": [cle]}


_TITULAIRE = {
    "type": "object",
    "properties": {
        "titulaire": {
            "type": "object",
            "properties": {
                "typeIdentifiant": {"enum": ["SIRET", "TVA", "TAHITI", "RIDET", "FRWF", "IREP", "HORS-UE"]},
                "id": {"type": "string"},
            },
            "required": ["typeIdentifiant", "id"],
        }
    },
    "required": ["titulaire"],
}

_MARCHE = {
    "type": "object",
    "properties": {
        "id": _IDENTIFIANT,
        "acheteur": {
            "type": "object",
            "properties": {"id": {"type": "string", "pattern": "^[0-9]{14}$"}},
            "required": ["id"],
        },
        "nature": {"enum": ["Marché", "Marché de partenariat", "Marché de défense ou de sécurité"]},
        "objet": {"type": "string", "maxLength": 1000},
        "codeCPV": {"type": "string", "pattern": "^[0-9]{8}(-[0-9])?$"},
        "techniques": _objet(
            "technique",
            _liste(
                "Accord-cadre",
                "Concours",
                "Système de qualification",
                "Système d'acquisition dynamique",
                "Catalogue électronique",
                "Enchère électronique",
                "Sans objet",
            ),
        ),
        "modalitesExecution": _objet(
            "modaliteExecution", _liste("Tranches", "Bons de commande", "Marchés subséquents", "Sans objet")
        ),
        "idAccordCadre": _IDENTIFIANT,
        "marcheInnovant": {"type": "boolean"},
        "ccag": {
            "enum": [
                "Travaux",
                "Maitrise d'œuvre",
                "Fournitures courantes et services",
                "Marchés industriels",
                "Prestations intellectuelles",
                "Techniques de l'information et de la communication",
                "Pas de CCAG",
            ]
        },
        "offresRecues": {"type": "integer", "minimum": 1},
        "attributionAvance": {"type": "boolean"},
        "tauxAvance": {"type": "number", "minimum": 0, "maximum": 1},
        "typeGroupementOperateurs": {"enum": ["Conjoint", "Solidaire", "Pas de groupement"]},
        "sousTraitanceDeclaree": {"type": "boolean"},
        "procedure": {
            "enum": [
                "Procédure adaptée",
                "Appel d'offres ouvert",
                "Appel d'offres restreint",
                "Procédure avec négociation",
                "Marché passé sans publicité ni mise en concurrence préalable",
                "Dialogue compétitif",
            ]
        },
        "lieuExecution": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "typeCode": {
                    "enum": [
                        "Code postal",
                        "Code commune",
                        "Code arrondissement",
                        "Code canton",
                        "Code département",
                        "Code région",
                        "Code pays",
                    ]
                },
            },
            "required": ["code", "typeCode"],
        },
        "dureeMois": {"type": "integer", "minimum": 1},
        "dateNotification": _DATE,
        "datePublicationDonnees": _DATE,
        "montant": {"type": "number", "minimum": 1},
        "typesPrix": _objet(
            "typePrix", _liste("Définitif ferme", "Définitif actualisable", "Définitif révisable", "Provisoire")
        ),
        "formePrix": {"enum": ["Unitaire", "Forfaitaire", "Mixte"]},
        "titulaires": {"type": "array", "minItems": 1, "uniqueItems": True, "items": _TITULAIRE},
        "considerationsSociales": _objet(
            "considerationSociale",
            _liste("Clause sociale", "Critère social", "Marché réservé", "Pas de considération sociale"),
        ),
        "considerationsEnvironnementales": _objet(
            "considerationEnvironnementale",
            _liste("Clause environnementale", "Critère environnemental", "Pas de considération environnementale"),
        ),
    },
    "required": [
        "id",
        "acheteur",
        "nature",
        "objet",
        "codeCPV",
        "techniques",
        "modalitesExecution",
        "marcheInnovant",
        "ccag",
        "offresRecues",
        "attributionAvance",
        "typeGroupementOperateurs",
        "procedure",
        "lieuExecution",
        "dureeMois",
        "dateNotification",
        "datePublicationDonnees",
        "montant",
        "typesPrix",
        "formePrix",
        "sousTraitanceDeclaree",
        "titulaires",
        "considerationsSociales",
        "considerationsEnvironnementales",
    ],
    "additionalProperties": False,
}

#: The document: ``{"marches": {"marche": [...]}}``.
SCHEMA_DECP: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": f"Données essentielles des marchés publics ({FORMAT_DECP}), marchés écrits par clause_kit",
    "type": "object",
    "properties": {
        "marches": {
            "type": "object",
            "properties": {"marche": {"type": "array", "minItems": 1, "items": _MARCHE}},
            "required": ["marche"],
        }
    },
    "required": ["marches"],
}


@functools.cache
def _validateur() -> jsonschema.Draft7Validator:
    jsonschema.Draft7Validator.check_schema(SCHEMA_DECP)
    return jsonschema.Draft7Validator(SCHEMA_DECP, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def verifier_decp(document: dict[str, Any]) -> list[str]:
    """Every breach of the format in ``document``, as « chemin : message » lines ([] when valid)."""
    problemes = []
    for erreur in sorted(_validateur().iter_errors(document), key=lambda e: list(map(str, e.absolute_path))):
        chemin = "/".join(str(p) for p in erreur.absolute_path) or "document"
        problemes.append(f"{chemin} : {erreur.message}")
    return problemes
