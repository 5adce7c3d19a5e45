"""Word documents written the way Word writes them, for the review tests.

Word never keeps a tag in one run: it splits text wherever the formatting, the spell
checker (``w:proofErr``), a bookmark or the revision id (``w:rsidR``) changes, types curly
quotes, and nests text in hyperlinks, tracked changes and fields. These helpers write such
XML by hand (python-docx alone only writes clean runs) inside a document python-docx
creates, so the tests exercise what legal services will really hand over.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import docx
from docx.oxml import parse_xml

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
AUTEUR = 'w:author="Service juridique" w:date="2026-03-02T10:00:00Z"'


def run(texte: str, *, gras: bool = False, italique: bool = False, rsid: str = "00A1B2C3") -> str:
    """One run, with optional formatting and a revision id as Word writes them."""
    proprietes = ("<w:b/>" if gras else "") + ("<w:i/>" if italique else "")
    rpr = f"<w:rPr>{proprietes}</w:rPr>" if proprietes else ""
    return f'<w:r w:rsidR="{rsid}">{rpr}<w:t xml:space="preserve">{escape(texte)}</w:t></w:r>'


def faute(texte: str) -> str:
    """A run the spell checker underlined: Word wraps it in proofErr marks."""
    return f'<w:proofErr w:type="spellStart"/>{run(texte)}<w:proofErr w:type="spellEnd"/>'


def signet(nom: str, identifiant: int = 0) -> str:
    """An empty bookmark, as Word leaves behind when a cross-reference was made."""
    return f'<w:bookmarkStart w:id="{identifiant}" w:name="{nom}"/><w:bookmarkEnd w:id="{identifiant}"/>'


def insertion(texte: str, identifiant: int = 1) -> str:
    """Text typed with Track Changes on."""
    return f'<w:ins w:id="{identifiant}" {AUTEUR}>{run(texte)}</w:ins>'


def suppression(texte: str, identifiant: int = 2) -> str:
    """Text deleted with Track Changes on: Word keeps it in w:delText."""
    return (
        f'<w:del w:id="{identifiant}" {AUTEUR}><w:r><w:delText xml:space="preserve">{escape(texte)}</w:delText>'
        "</w:r></w:del>"
    )


def lien(texte: str, ancre: str = "article1") -> str:
    """An internal hyperlink around some text."""
    return f'<w:hyperlink w:anchor="{ancre}">{run(texte)}</w:hyperlink>'


def paragraphe(*morceaux: str, style: str | None = None, numero: tuple[int, int] | None = None) -> str:
    """A paragraph: plain strings become runs, strings starting with « < » are kept as XML."""
    ppr = ""
    if style or numero:
        num = f'<w:numPr><w:ilvl w:val="{numero[1]}"/><w:numId w:val="{numero[0]}"/></w:numPr>' if numero else ""
        ppr = "<w:pPr>" + (f'<w:pStyle w:val="{style}"/>' if style else "") + num + "</w:pPr>"
    contenu = "".join(m if m.startswith("<") else run(m) for m in morceaux)
    return f'<w:p w:rsidR="00A1B2C3">{ppr}{contenu}</w:p>'


def tableau(
    *lignes: list[str | list[str]], ligne_inseree: int | None = None, ligne_supprimee: int | None = None
) -> str:
    """A table: each row a list of cells, each cell a paragraph's XML, a text, a list of those, or a ``<w:tc>``."""
    xml = ['<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/></w:tblPr>']
    largeur = max(len(ligne) for ligne in lignes)
    xml.append("<w:tblGrid>" + '<w:gridCol w:w="3000"/>' * largeur + "</w:tblGrid>")
    for numero, ligne in enumerate(lignes):
        trpr = f'<w:trPr><w:ins w:id="{90 + numero}" {AUTEUR}/></w:trPr>' if numero == ligne_inseree else ""
        if numero == ligne_supprimee:
            trpr = f'<w:trPr><w:del w:id="{90 + numero}" {AUTEUR}/></w:trPr>'
        xml.append(f"<w:tr>{trpr}")
        for cellule in ligne:
            if isinstance(cellule, str) and cellule.startswith("<w:tc"):  # a cell written by hand (merged...)
                xml.append(cellule)
                continue
            contenus = cellule if isinstance(cellule, list) else [cellule]
            paragraphes = "".join(c if c.startswith("<w:p") else paragraphe(c) for c in contenus)
            xml.append(f'<w:tc><w:tcPr><w:tcW w:w="3000" w:type="dxa"/></w:tcPr>{paragraphes}</w:tc>')
        xml.append("</w:tr>")
    xml.append("</w:tbl>")
    return "".join(xml)


def _remplir(element: object, blocs: list[str]) -> None:
    """Replace the content of a body, header or footer element (keeping the section properties)."""
    for enfant in list(element):  # type: ignore[call-overload]
        if not enfant.tag.endswith("}sectPr"):
            element.remove(enfant)  # type: ignore[attr-defined]
    fin = element.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}sectPr")  # type: ignore[attr-defined]
    for bloc in blocs:
        noeud = parse_xml(_avec_espaces(bloc))
        if fin is not None:
            fin.addprevious(noeud)
        else:
            element.append(noeud)  # type: ignore[attr-defined]


def _avec_espaces(bloc: str) -> str:
    """Declare the namespaces on a block's root element (``<w:p …>``, ``<w:tbl>``), so that it parses alone."""
    nom = re.match(r"<([\w:]+)", bloc)
    assert nom is not None
    return f"<{nom.group(1)} {W} {R}" + bloc[1 + len(nom.group(1)) :]


def document(
    chemin: Path | None,
    corps: list[str],
    *,
    entete: list[str] | None = None,
    pied: list[str] | None = None,
    titre: str = "",
    listes: str = "",
    notes: dict[int, str] | None = None,
) -> bytes:
    """Write a .docx with these body blocks (and header, footer, list definitions, footnotes); return its bytes.

    ``listes``: ``w:abstractNum`` and ``w:num`` elements added to the numbering part. ``notes``:
    footnote id → text, referenced in the body with ``note(id)``.
    """
    doc = docx.Document()
    _remplir(doc.element.body, corps)
    section = doc.sections[0]
    if entete is not None:
        _remplir(section.header._element, entete)
    if pied is not None:
        _remplir(section.footer._element, pied)
    if listes:
        numerotation = doc.part.numbering_part.element
        for element in parse_xml(f"<w:racine {W}>{listes}</w:racine>"):
            if element.tag.endswith("}abstractNum"):
                numerotation.insert(0, element)  # the schema wants every abstractNum before the nums
            else:
                numerotation.append(element)
    doc.core_properties.title = titre
    tampon = io.BytesIO()
    doc.save(tampon)
    contenu = _avec_notes(tampon.getvalue(), notes) if notes else tampon.getvalue()
    if chemin is not None:
        chemin.write_bytes(contenu)
    return contenu


def note(identifiant: int) -> str:
    """A footnote reference, as Word writes it in the body."""
    return f'<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="{identifiant}"/></w:r>'


def _avec_notes(contenu: bytes, notes: dict[int, str]) -> bytes:
    """Add a footnotes part (python-docx cannot write one): the part, its relationship and its content type."""
    corps = "".join(
        f'<w:footnote w:id="{n}"><w:p><w:r><w:footnoteRef/></w:r>{run(" " + t)}</w:p></w:footnote>'
        for n, t in notes.items()
    )
    separateurs = (
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
        "</w:footnote>"
    )
    xml = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {W}>{separateurs}{corps}</w:footnotes>'
    entree, sortie = zipfile.ZipFile(io.BytesIO(contenu)), io.BytesIO()
    with zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in entree.infolist():
            donnees = entree.read(info).decode("utf-8") if info.filename.endswith((".xml", ".rels")) else None
            if info.filename == "[Content_Types].xml" and donnees is not None:
                donnees = donnees.replace(
                    "</Types>",
                    '<Override PartName="/word/footnotes.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
                )
            elif info.filename == "word/_rels/document.xml.rels" and donnees is not None:
                donnees = donnees.replace(
                    "</Relationships>",
                    '<Relationship Id="rIdNotes" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'relationships/footnotes" Target="footnotes.xml"/></Relationships>',
                )
            archive.writestr(info, donnees.encode("utf-8") if donnees is not None else entree.read(info))
        archive.writestr("word/footnotes.xml", xml.encode("utf-8"))
    return sortie.getvalue()
