"""Publishing a contract: the eForms notice sheet and, after award, the essential data (DECP 2.0.3).

The notice sheet is part of every dossier (``clause_kit.dossier.fiche_publicite``); this
capability writes it alone (``clause-kit publier``) and builds the essential data from the
contract file's award block (``clause-kit publier --decp``), checked against the rules of the
DECP 2.0.3 format before anything is written.

Public functions: ``donnees_essentielles`` (the DECP document of a contract file) and
``verifier_decp`` (the format's rules as a list of problems).
"""

from clause_kit.commun.paresseux import exports_paresseux

__all__ = ["donnees_essentielles", "verifier_decp"]

_PUBLIC = {"donnees_essentielles": "decp", "verifier_decp": "schema_decp"}

__getattr__ = exports_paresseux(__name__, _PUBLIC)
