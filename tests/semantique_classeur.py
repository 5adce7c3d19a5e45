"""What a follow-up workbook says, as openpyxl reads it: cells, styles that matter, validations, protection, names.

Used to check the workbook filled at the zip level (``classeur_gabarit``) against golden
expectations, whatever the bytes: a JSON-able dict, independent of part names, style indices,
attribute order or string storage.
"""

from __future__ import annotations

import io
from typing import Any

import openpyxl

_PROTECTION = (
    "sheet objects scenarios formatCells formatColumns formatRows insertColumns insertRows insertHyperlinks "
    "deleteColumns deleteRows selectLockedCells selectUnlockedCells sort autoFilter pivotTables password"
).split()
_VALIDATION = (
    "type operator formula1 formula2 allow_blank showInputMessage showErrorMessage promptTitle prompt errorTitle error "
    "errorStyle"
).split()


def _couleur(remplissage: Any) -> str | None:
    return str(remplissage.fgColor.rgb) if remplissage.fill_type == "solid" else None


def _style(objet: Any) -> dict[str, Any]:
    """The style of a cell or a column: what a user sees or may do."""
    return {
        "gras": bool(objet.font.b),
        "taille": float(objet.font.sz or 11),
        "fond": _couleur(objet.fill),
        "verrouillee": bool(objet.protection.locked),
        "format": objet.number_format,
        "retour": bool(objet.alignment.wrap_text),
        "vertical": objet.alignment.vertical,
    }


def semantique(contenu: bytes) -> dict[str, Any]:
    """The meaning of a workbook, for comparison."""
    classeur = openpyxl.load_workbook(io.BytesIO(contenu))
    resultat: dict[str, Any] = {
        "feuilles": [(f.title, f.sheet_state) for f in classeur.worksheets],
        "noms": {nom: d.attr_text for nom, d in classeur.defined_names.items()},
        "proprietes": {"auteur": classeur.properties.creator, "titre": classeur.properties.title},
    }
    for feuille in classeur.worksheets:
        cellules = {}
        for ligne in feuille.iter_rows():
            for cellule in ligne:
                style = _style(cellule)
                decrite = {
                    "valeur": cellule.value,
                    # An empty cell has no type worth comparing (empty inline string or no value).
                    "type": cellule.data_type if cellule.value is not None else None,
                    "citation": bool(cellule.quotePrefix),
                    **style,
                }
                vide = cellule.value is None and style == _style(feuille.cell(10_000, 1))
                if not vide:
                    cellules[cellule.coordinate] = decrite
        colonnes = {
            lettre: {"largeur": d.width, **_style(d)}
            for lettre, d in sorted(feuille.column_dimensions.items())
            if d.customWidth or d.style_id
        }
        rangees = {
            str(n): {"cachee": bool(d.hidden), "hauteur": d.height}
            for n, d in sorted(feuille.row_dimensions.items())
            if d.hidden or d.height
        }
        validations = sorted(
            (
                {"sqref": str(v.sqref), **{a: getattr(v, a) for a in _VALIDATION}}
                for v in feuille.data_validations.dataValidation
            ),
            key=lambda v: v["sqref"],
        )
        resultat[feuille.title] = {
            "protection": {a: getattr(feuille.protection, a) for a in _PROTECTION},
            "volets": feuille.freeze_panes,
            "page": {
                "orientation": feuille.page_setup.orientation,
                "largeur_pages": feuille.page_setup.fitToWidth,
                "ajuster": bool(
                    feuille.sheet_properties.pageSetUpPr and feuille.sheet_properties.pageSetUpPr.fitToPage
                ),
            },
            "colonnes": colonnes,
            "rangees": rangees,
            "cellules": cellules,
            "commentaires": {
                c.coordinate: (c.comment.text, c.comment.author)
                for ligne in feuille.iter_rows()
                for c in ligne
                if c.comment is not None
            },
            "validations": validations,
        }
    return resultat
