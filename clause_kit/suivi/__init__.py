"""Follow-up of execution: filled sheets, the register of hours, state and GDPR purge.

A capability on top of the core: it reads the follow-up workbook the core builds
(``clause_kit.dossier.classeur_suivi``) and the shared codes; the core never imports it.
The public functions are loaded on first use, so that ``clause-kit suivi etat`` does
not load the contract model that only ``importer`` needs.
"""

from __future__ import annotations

from clause_kit.commun.paresseux import exports_paresseux

#: Public name → module of the capability that defines it.
_PUBLIC = {
    "Annulation": "annulation",
    "BilanPurge": "purge",
    "CompteRendu": "importer",
    "Registre": "registre",
    "calculer_etat": "etat",
    "etat_texte": "etat",
    "annuler": "annulation",
    "importer": "importer",
    "journal": "annulation",
    "purger": "purge",
}

__all__ = sorted(_PUBLIC)

__getattr__ = exports_paresseux(__name__, _PUBLIC)
