"""Highlighting in rendered pieces: values marked by ``formats.surligne`` become highlighted runs.

The context marks a value with two private-use characters (a default in a draft, a field the
buyer must complete). A value sits inside one run of the template, whose formatting (bold,
italics, size) must be kept: the run is split into copies of itself, and the marked copy gets
``w:highlight``. Marks found anywhere else (document properties, attributes) are dropped.
"""

from __future__ import annotations

import copy
import re

from lxml import etree

from clause_kit.commun.formats import MARQUE_DEBUT, MARQUE_FIN

__all__ = ["COULEUR", "appliquer_surlignage", "retirer_marques"]

COULEUR = "yellow"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_XML = "http://www.w3.org/XML/1998/namespace"
_MARQUES = re.compile(f"([{MARQUE_DEBUT}{MARQUE_FIN}])")
# Run properties that come after w:highlight in the schema's order (Word rejects another order).
_APRES_HIGHLIGHT = {
    f"{{{_W}}}{nom}"
    for nom in (
        "u",
        "effect",
        "bdr",
        "shd",
        "fitText",
        "vertAlign",
        "rtl",
        "cs",
        "em",
        "lang",
        "eastAsianLayout",
        "specVanish",
        "oMath",
        "rPrChange",
    )
}


def retirer_marques(xml: str) -> str:
    """The XML without any mark (parts that cannot show a highlight)."""
    return xml.replace(MARQUE_DEBUT, "").replace(MARQUE_FIN, "")


def appliquer_surlignage(xml: str) -> str:
    """Turn marked text of a WordprocessingML part into highlighted runs; return the new XML."""
    if MARQUE_DEBUT not in xml:
        return retirer_marques(xml)
    try:
        racine = etree.fromstring(xml.encode("utf-8"))
    except etree.XMLSyntaxError:
        return retirer_marques(xml)  # the rendering's own check reports the broken part
    for texte in list(racine.iter(f"{{{_W}}}t")):
        if texte.text and (MARQUE_DEBUT in texte.text or MARQUE_FIN in texte.text):
            run = texte.getparent()
            if run is not None and run.tag == f"{{{_W}}}r":
                _scinder(run, texte)
    resultat = etree.tostring(racine, encoding="unicode")
    return retirer_marques(resultat)


def _segments(texte: str) -> list[tuple[str, bool]]:
    """``"a<M>b</M>c"`` → ``[("a", False), ("b", True), ("c", False)]``."""
    segments: list[tuple[str, bool]] = []
    surligne = False
    for morceau in _MARQUES.split(texte):
        if morceau == MARQUE_DEBUT:
            surligne = True
        elif morceau == MARQUE_FIN:
            surligne = False
        elif morceau:
            segments.append((morceau, surligne))
    return segments


def _scinder(run: etree._Element, texte: etree._Element) -> None:
    """Replace ``texte`` in ``run`` by one run per segment, keeping the run's properties."""
    proprietes = run.find(f"{{{_W}}}rPr")
    enfants = list(run)
    apres = enfants[enfants.index(texte) + 1 :]
    run.remove(texte)
    for enfant in apres:
        run.remove(enfant)
    nouveaux = [_run(proprietes, morceau, surligne) for morceau, surligne in _segments(texte.text or "")]
    if apres:
        suite = _run(proprietes, None, False)
        suite.extend(apres)
        nouveaux.append(suite)
    position = run
    for nouveau in nouveaux:
        position.addnext(nouveau)
        position = nouveau
    if all(enfant.tag == f"{{{_W}}}rPr" for enfant in run):
        run.getparent().remove(run)


def _run(proprietes: etree._Element | None, texte: str | None, surligne: bool) -> etree._Element:
    run = etree.Element(f"{{{_W}}}r")
    if proprietes is not None or surligne:
        rpr = copy.deepcopy(proprietes) if proprietes is not None else etree.SubElement(run, f"{{{_W}}}rPr")
        if proprietes is not None:
            run.append(rpr)
        if surligne:
            _ajouter_surlignage(rpr)
    if texte is not None:
        t = etree.SubElement(run, f"{{{_W}}}t")
        t.text = texte
        t.set(f"{{{_XML}}}space", "preserve")
    return run


def _ajouter_surlignage(rpr: etree._Element) -> None:
    existant = rpr.find(f"{{{_W}}}highlight")
    if existant is not None:
        rpr.remove(existant)
    surlignage = etree.Element(f"{{{_W}}}highlight")
    surlignage.set(f"{{{_W}}}val", COULEUR)
    suivant = next((enfant for enfant in rpr if enfant.tag in _APRES_HIGHLIGHT), None)
    if suivant is not None:
        suivant.addprevious(surlignage)
    else:
        rpr.append(surlignage)
