"""A minimal .xlsx writer for the report's tables: header rows in bold, numbers and texts, nothing else.

The report's spreadsheet is plain tables (a bold header, a frozen first row, column widths,
numbers and texts), yet a register of 3 000 contracts fills it with 120 000 cells, and openpyxl,
even in write-only mode, spent about 3 s on them (an lxml element per cell). Here each sheet is
one string built from escaped values: the same workbook in a tenth of the time. Texts are
inline strings (no shared-string table to keep); characters that XML 1.0 forbids are dropped.
Excel, LibreOffice, openpyxl and calamine read it; the tests reopen it with the last two.

A sheet's rows may be any iterable (people's paths read from a file): they are written into the
zip entry a thousand at a time, never held all together (issue 22).
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

# The column letters the follow-up sheets are read with: one way to name a column.
from clause_kit.commun.horloge import aujourdhui
from clause_kit.commun.ooxml import lettres_colonne

__all__ = ["LIGNES_POUR_LARGEURS", "Feuille", "ecrire_classeur", "largeurs_auto"]

_INTERDITS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


#: Rows read to size the columns (enough to see the longest names).
LIGNES_POUR_LARGEURS = 500
#: Rows encoded at a time into the sheet's zip entry.
_PAQUET = 1000


@dataclass
class Feuille:
    """One sheet: its name, a header row (bold), the rows, notes below them, column widths.

    ``largeurs`` None: from the header and the first ``LIGNES_POUR_LARGEURS`` rows.
    """

    nom: str
    entetes: Sequence[str]
    lignes: Iterable[Sequence[Any]]
    notes: Sequence[str] = ()
    largeurs: list[float] | None = field(default_factory=list)


def largeurs_auto(entetes: Sequence[str], lignes: Sequence[Sequence[Any]]) -> list[float]:
    """Column widths from the header and the given rows, at most 60 characters."""
    return [
        min(60, max([len(str(entete)), *(len(str(ligne[rang] or "")) for ligne in lignes)]) + 2)
        for rang, entete in enumerate(entetes)
    ]


def _texte(valeur: str) -> str:
    propre = escape(_INTERDITS.sub("", valeur))
    espace = ' xml:space="preserve"' if propre != propre.strip() else ""
    return f"<is><t{espace}>{propre}</t></is>"


def _cellule(reference: str, valeur: Any, style: str) -> str:
    if valeur is None or valeur == "":
        return ""
    if isinstance(valeur, bool):
        return f'<c r="{reference}"{style} t="b"><v>{int(valeur)}</v></c>'
    if isinstance(valeur, int | float):
        return f'<c r="{reference}"{style}><v>{valeur!r}</v></c>'
    if isinstance(valeur, Decimal):
        return f'<c r="{reference}"{style}><v>{valeur}</v></c>'
    return f'<c r="{reference}"{style} t="inlineStr">{_texte(str(valeur))}</c>'


def _rangee(numero: int, valeurs: Sequence[Any], colonnes: list[str], style: str = "") -> str:
    cellules = "".join(
        _cellule(f"{colonnes[i]}{numero}", valeur, style) for i, valeur in enumerate(valeurs) if i < len(colonnes)
    )
    return f'<row r="{numero}">{cellules}</row>'


def _feuille_xml(feuille: Feuille) -> Iterator[str]:
    """The sheet's XML, in pieces of at most ``_PAQUET`` rows."""
    suite_lignes = iter(feuille.lignes)
    tete = list(itertools.islice(suite_lignes, LIGNES_POUR_LARGEURS))
    largeur = max([len(feuille.entetes), *(len(ligne) for ligne in tete[:1])], default=1)
    colonnes = [lettres_colonne(i + 1) for i in range(max(largeur, 1))]
    largeurs = largeurs_auto(feuille.entetes, tete) if feuille.largeurs is None else feuille.largeurs
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{w:.1f}" customWidth="1"/>' for i, w in enumerate(largeurs, start=1)
    )
    entete = _rangee(1, feuille.entetes, colonnes, ' s="1"')
    yield (
        f'{_DECLARATION}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        f"{f'<cols>{cols}</cols>' if cols else ''}<sheetData>{entete}"
    )
    numero = 1
    lignes = itertools.chain(tete, suite_lignes)
    while paquet := list(itertools.islice(lignes, _PAQUET)):
        yield "".join(_rangee(numero + rang, ligne, colonnes) for rang, ligne in enumerate(paquet, start=1))
        numero += len(paquet)
    suite = numero + 2  # one empty row, then the notes
    yield "".join(_rangee(suite + i, [note], colonnes) for i, note in enumerate(feuille.notes))
    yield "</sheetData></worksheet>"


def _paquet(feuilles: Sequence[Feuille], titre: str, auteur: str) -> dict[str, str]:
    """Every part of the package but the sheets."""
    n = len(feuilles)
    types = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    noms = "".join(
        f'<sheet name="{escape(f.nom, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
        for i, f in enumerate(feuilles, start=1)
    )
    liens = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1)
    )
    # The day, as the Word report prints it, not the second: the same report the same day is the
    # same file, byte for byte.
    maintenant = f"{aujourdhui().isoformat()}T00:00:00Z"
    return {
        "[Content_Types].xml": f'{_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        f"{types}</Types>",
        "_rels/.rels": f'{_DECLARATION}<Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
        'core-properties" Target="docProps/core.xml"/></Relationships>',
        "docProps/core.xml": f"{_DECLARATION}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(titre)}</dc:title><dc:creator>{escape(auteur)}</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{maintenant}</dcterms:created></cp:coreProperties>',
        "xl/workbook.xml": f'{_DECLARATION}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        f"<sheets>{noms}</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": f'{_DECLARATION}<Relationships xmlns="{_PKG_REL}">{liens}'
        f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>',
        # Style 0: the default; style 1: bold, for the header rows.
        "xl/styles.xml": f'{_DECLARATION}<styleSheet xmlns="{_MAIN}">'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>',
    }


def ecrire_classeur(feuilles: Sequence[Feuille], titre: str, auteur: str = "clause_kit") -> bytes:
    """The .xlsx bytes of ``feuilles``, in order."""
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as paquet:
        # Every entry dated 1980 (zipfile's date for a name alone would be now): the same period
        # gives the same workbook, byte for byte, as the Word report.
        for nom, contenu in _paquet(feuilles, titre, auteur).items():
            paquet.writestr(_entree(nom), contenu)
        for i, feuille in enumerate(feuilles, start=1):
            with paquet.open(_entree(f"xl/worksheets/sheet{i}.xml"), "w") as entree:
                for morceau in _feuille_xml(feuille):
                    entree.write(morceau.encode("utf-8"))
    return tampon.getvalue()


def _entree(nom: str) -> zipfile.ZipInfo:
    """A zip entry with a fixed date, deflated."""
    info = zipfile.ZipInfo(nom, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info
