"""The guided form: a local web page that writes the contract's YAML, checks it live and generates its dossier.

Public functions: ``creer_application`` (the Starlette application), ``schema_json`` (the JSON
Schema of a contract file), ``ecrire_yaml`` (data → the text of a contract file),
``recommander`` (« quel dispositif ? »). The commands are in ``formulaire.cli``.

They are loaded on first use: registering the commands must not load the contract model or
Starlette, so that ``clause-kit --help`` and the other commands stay quick to start.
"""

from __future__ import annotations

from clause_kit.commun.paresseux import exports_paresseux

#: Public name → module of the capability that defines it.
_PUBLIC = {
    "creer_application": "app",
    "ecrire_yaml": "yaml_sortie",
    "recommander": "dispositif",
    "schema_json": "schema",
}

__all__ = sorted(_PUBLIC)
__getattr__ = exports_paresseux(__name__, _PUBLIC)
