"""Reading generated documents as a reader would: all visible text of a .docx, in order."""

from __future__ import annotations

import io
from pathlib import Path

import docx
from docx.document import Document
from docx.table import Table
from docx.text.paragraph import Paragraph


def _blocs(parent: object, document: Document) -> list[str]:
    lignes: list[str] = []
    element = parent._element if hasattr(parent, "_element") else parent  # type: ignore[attr-defined]
    corps = element.body if hasattr(element, "body") else element
    for enfant in corps.iterchildren():
        if enfant.tag.endswith("}p"):
            lignes.append(Paragraph(enfant, document).text)
        elif enfant.tag.endswith("}tbl"):
            for rangee in Table(enfant, document).rows:
                cellules = []
                for cellule in rangee.cells:
                    texte = " / ".join(p.text for p in cellule.paragraphs)
                    if not cellules or cellules[-1] != texte:  # merged cells repeat
                        cellules.append(texte)
                lignes.append(" | ".join(cellules))
    return lignes


def texte_docx(source: Path | bytes) -> str:
    """Body (paragraphs and table rows), then headers and footers, one line each."""
    document = docx.Document(io.BytesIO(source) if isinstance(source, bytes) else str(source))
    lignes = _blocs(document, document)
    for section in document.sections:
        for partie in (section.header, section.footer):
            lignes += [p.text for p in partie.paragraphs]
            lignes += [c.text for t in partie.tables for r in t.rows for c in r.cells]
    return "\n".join(lignes)
