"""The JSON Schema of a contract file, generated from the pydantic model and completed by the code lists.

One definition: the model (``modele.py``) gives keys, types, bounds, French titles and help;
what the model checks against data rather than types (publics codes, procedures) is added
here from that same data, so an editor's completion and the form offer exactly what the
loader accepts. ``clause-kit schema`` prints it; the form is built from it.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from clause_kit.commun.parametres import charger_parametres
from clause_kit.marche.droit import PROCEDURES
from clause_kit.marche.modele import Consultation

__all__ = ["ID_SCHEMA", "schema_json"]

#: Identifier of the schema, printed in it; the README shows how an editor points at a copy.
ID_SCHEMA = "https://clause-kit.invalid/marche.schema.json"


@functools.cache
def _schema() -> dict[str, Any]:
    schema = Consultation.model_json_schema()
    definitions = schema["$defs"]
    for definition in definitions.values():
        # The class docstrings are developers' English notes, not help for the person writing a file.
        definition.pop("description", None)
    _enumerer(definitions["Marche"]["properties"]["procedure"], list(PROCEDURES))
    _enumerer(definitions["Insertion"]["properties"]["publics"], list(charger_parametres().brut["publics"]))
    schema.pop("description", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": ID_SCHEMA,
        **schema,
        "title": "Description d'un marché pour clause_kit",
    }


def _enumerer(propriete: dict[str, Any], valeurs: list[str]) -> None:
    """Restrict a text property (or the items of a list of texts) to the values the loader accepts."""
    for variante in propriete.get("anyOf", [propriete]):
        if variante.get("type") == "string":
            variante["enum"] = valeurs
        elif variante.get("type") == "array":
            variante["items"]["enum"] = valeurs


def schema_json() -> dict[str, Any]:
    """The JSON Schema of a contract file (a fresh copy: callers may annotate it)."""
    return copy.deepcopy(_schema())
