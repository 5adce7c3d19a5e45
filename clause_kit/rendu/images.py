"""Pictures in rendered Word documents: a context value that is an image becomes an inline picture.

docxtpl's ``InlineImage`` needs the ``DocxTemplate`` object it is rendered with, which our
compiled templates do not keep (``rendu``). Instead, an ``Image`` in the context writes a
marker where the template puts it (``{{ graphiques.heures }}``, alone in a paragraph or within
text); after rendering, each marker's text is replaced by a ``w:drawing`` in the same run, the
PNG is added to the package under ``word/media/`` and related to the part, and the content
types know PNG. The template author places and styles the paragraph (centred, spacing) in Word
like any other; the picture's size and description (read by screen readers) come with the value.

Markers are two private-use characters around the picture's hash: nothing a person types, and
left alone by the typography and highlighting passes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import quoteattr

__all__ = ["Image", "placer_images", "trouver_images"]

_DEBUT, _FIN = "\ue010", "\ue011"  # \ue000 and \ue001 are the highlighting marks (formats.py)
_MARQUE = re.compile(f"{_DEBUT}([0-9a-f]{{16}}){_FIN}")
_TEXTE = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")
_EMU_PAR_CM = 360000
_TYPE_IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_NS_PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
_NS_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_RELATIONS_VIDES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>'
)


@dataclass(frozen=True)
class Image:
    """A PNG to place in a document, its printed size in centimetres and its description."""

    png: bytes = field(repr=False)
    largeur_cm: float
    hauteur_cm: float
    description: str

    @property
    def cle(self) -> str:
        """What identifies the picture in the package (the same picture twice is stored once)."""
        return hashlib.sha256(self.png).hexdigest()[:16]

    def __str__(self) -> str:
        return f"{_DEBUT}{self.cle}{_FIN}"

    def __html__(self) -> str:
        """What autoescaped Jinja writes: the marker, which the pass after rendering replaces."""
        return str(self)


def trouver_images(valeur: Any) -> dict[str, Image]:
    """Every ``Image`` in a template context (nested dicts and lists), by key."""
    return {image.cle: image for image in _parcourir(valeur)}


def _parcourir(valeur: Any) -> Iterator[Image]:
    if isinstance(valeur, Image):
        yield valeur
    elif isinstance(valeur, dict):
        for element in valeur.values():
            yield from _parcourir(element)
    elif isinstance(valeur, list | tuple):
        for element in valeur:
            yield from _parcourir(element)


def _relations(partie: str) -> str:
    """``word/document.xml`` → ``word/_rels/document.xml.rels``."""
    dossier, _, nom = partie.rpartition("/")
    return f"{dossier}/_rels/{nom}.rels"


def _dessin(image: Image, identifiant: str, numero: int) -> str:
    cx, cy = round(image.largeur_cm * _EMU_PAR_CM), round(image.hauteur_cm * _EMU_PAR_CM)
    nom = f"graphique-{image.cle}.png"
    return (
        f'<w:drawing><wp:inline xmlns:wp="{_NS_WP}" distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="{numero}" name="Graphique {numero}" '
        f"descr={quoteattr(image.description)}/>"
        f'<wp:cNvGraphicFramePr><a:graphicFrameLocks xmlns:a="{_NS_A}" noChangeAspect="1"/></wp:cNvGraphicFramePr>'
        f'<a:graphic xmlns:a="{_NS_A}"><a:graphicData uri="{_NS_PIC}"><pic:pic xmlns:pic="{_NS_PIC}">'
        f'<pic:nvPicPr><pic:cNvPr id="{numero}" name="{nom}"/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip xmlns:r="{_NS_R}" r:embed="{identifiant}"/><a:stretch><a:fillRect/></a:stretch>'
        f'</pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
        "</wp:inline></w:drawing>"
    )


class _Placement:
    """The pictures placed in one part: their relationship ids, numbered after the template's own drawings."""

    def __init__(self, images: dict[str, Image], premier_numero: int) -> None:
        self.images = images
        self.numero = premier_numero
        self.utilisees: set[str] = set()

    def texte(self, correspondance: re.Match[str]) -> str:
        """A ``w:t`` element whose text holds markers: text, drawing, text... in the same run."""
        contenu = correspondance.group(1)
        if _DEBUT not in contenu:
            return correspondance.group(0)
        morceaux = _MARQUE.split(contenu)
        sortie = []
        for rang, morceau in enumerate(morceaux):
            if rang % 2 == 0:
                if morceau:
                    sortie.append(f'<w:t xml:space="preserve">{morceau}</w:t>')
            elif morceau in self.images:
                self.numero += 1
                self.utilisees.add(morceau)
                sortie.append(_dessin(self.images[morceau], f"rIdClauseKit{morceau}", self.numero))
        return "".join(sortie)


def placer_images(parties: dict[str, bytes], paquet: dict[str, bytes], images: dict[str, Image]) -> dict[str, bytes]:
    """Rendered parts with their markers turned into pictures, plus the package entries to add or replace.

    ``parties``: rendered XML parts by name; ``paquet``: the template's entries by name (for the
    relationships and content types to complete). Returns the new or changed entries by name.
    """
    changees: dict[str, bytes] = {}
    medias: set[str] = set()
    for nom, donnees in parties.items():
        xml = donnees.decode("utf-8")
        if _DEBUT not in xml:
            continue
        placement = _Placement(images, 9000 + 100 * len(changees))
        changees[nom] = _TEXTE.sub(placement.texte, xml).encode("utf-8")
        if placement.utilisees:
            relations = _relations(nom)
            texte = paquet.get(relations, _RELATIONS_VIDES.encode("utf-8")).decode("utf-8")
            ajouts = "".join(
                f'<Relationship Id="rIdClauseKit{cle}" Type="{_TYPE_IMAGE}" Target="media/clause_kit-{cle}.png"/>'
                for cle in sorted(placement.utilisees)
                if f'Id="rIdClauseKit{cle}"' not in texte
            )
            changees[relations] = texte.replace("</Relationships>", ajouts + "</Relationships>").encode("utf-8")
            medias |= placement.utilisees
    for cle in sorted(medias):
        changees[f"word/media/clause_kit-{cle}.png"] = images[cle].png
    if medias:
        types = paquet["[Content_Types].xml"].decode("utf-8")
        if not re.search(r'<Default [^>]*Extension="png"', types, flags=re.IGNORECASE):
            types = types.replace("</Types>", '<Default Extension="png" ContentType="image/png"/></Types>')
        changees["[Content_Types].xml"] = types.encode("utf-8")
    return changees
