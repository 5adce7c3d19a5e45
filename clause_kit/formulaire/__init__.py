"""The guided form: a local web page that writes the contract's YAML, checks it live and generates its dossier.

Public functions: ``creer_application`` (the Starlette application), ``schema_json`` (the JSON
Schema of a contract file), ``ecrire_yaml`` (data → the text of a contract file),
``recommander`` (« quel dispositif ? »). The commands are in ``formulaire.cli``.
"""

from __future__ import annotations

from clause_kit.formulaire.dispositif import recommander
from clause_kit.formulaire.schema import schema_json
from clause_kit.formulaire.yaml_sortie import ecrire_yaml

__all__ = ["creer_application", "ecrire_yaml", "recommander", "schema_json"]


def __getattr__(nom: str) -> object:
    # The web application needs starlette: imported only when asked for, so ``clause-kit schema``
    # and the other commands stay quick to start.
    if nom == "creer_application":
        from clause_kit.formulaire.app import creer_application

        return creer_application
    raise AttributeError(nom)
