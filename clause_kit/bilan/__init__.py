"""The annual report: indicators, tables per buyer and per person, forward view, spreadsheet and Word report.

A capability on top of the follow-up register (``clause_kit.suivi``) and the core's rendering;
the core never imports it. The public functions are loaded on first use, so that registering
the command does not load matplotlib, openpyxl or the contract model.
"""

from __future__ import annotations

from clause_kit.commun.paresseux import exports_paresseux

#: Public name → module of the capability that defines it.
_PUBLIC = {
    "Periode": "periode",
    "bilan_texte": "phrases",
    "calculer_indicateurs": "indicateurs",
    "etablir_bilan": "etablir",
    "masquer_repartition": "secret",
    "parcours": "tableaux",
    "periode_annee": "periode",
    "periode_dates": "periode",
    "prevoir": "prevision",
    "publier": "publier",
    "tableau_marches": "tableaux",
}

__all__ = sorted(_PUBLIC)

__getattr__ = exports_paresseux(__name__, _PUBLIC)
