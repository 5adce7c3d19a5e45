"""Follow-up of execution: filled sheets, the register of hours, state and GDPR purge.

A capability on top of the core: it reads the follow-up workbook the core builds
(``clause_kit.classeur_suivi``) and the shared codes; the core never imports it.
"""

from clause_kit.suivi.etat import calculer_etat, etat_texte
from clause_kit.suivi.importer import CompteRendu, importer
from clause_kit.suivi.purge import BilanPurge, purger
from clause_kit.suivi.registre import Registre

__all__ = ["BilanPurge", "CompteRendu", "Registre", "calculer_etat", "etat_texte", "importer", "purger"]
