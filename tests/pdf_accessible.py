"""What the tests verify of an accessible, archivable PDF, read with pikepdf as an auditor would.

Verified: a structure tree whose every element's page is a page of the document and whose parent
tree answers every page's marked content; ``/MarkInfo /Marked``; the language; a title shown by
readers and equal in the document information and the XMP; the PDF/A-2b identification in the
XMP; an output intent; every font embedded; headings (``/H1``…) and, for tables, header cells
(``/TH``). Not verified here: the full PDF/A rule set (veraPDF, a Java program Debian does not
package, would be needed), nor the reading order, which a person checks with a screen reader.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pikepdf


def _elements(racine: Any) -> list[pikepdf.Dictionary]:
    vus: list[pikepdf.Dictionary] = []
    pile = [racine]
    while pile:
        element = pile.pop()
        if isinstance(element, pikepdf.Array):
            pile.extend(element)
        elif isinstance(element, pikepdf.Dictionary) and element.get("/Type") != pikepdf.Name.MCR and "/S" in element:
            vus.append(element)
            pile.append(element.get("/K"))
    return vus


def _polices_non_incorporees(pdf: pikepdf.Pdf) -> set[str]:
    manquantes = set()
    for page in pdf.pages:
        for police in page.obj.get("/Resources", {}).get("/Font", {}).values():
            descendantes = police.get("/DescendantFonts", [police])
            for p in descendantes:
                descripteur = p.get("/FontDescriptor")
                if p.get("/Subtype") == pikepdf.Name.Type3:
                    continue
                if descripteur is None or not any(k in descripteur for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    manquantes.add(str(p.get("/BaseFont")))
    return manquantes


def _catalogue(pdf: pikepdf.Pdf) -> list[str]:
    racine = pdf.Root
    defauts = []
    if racine.get("/MarkInfo", {}).get("/Marked") is not True:
        defauts.append("MarkInfo/Marked absent")
    if str(racine.get("/Lang", "")) != "fr-FR":
        defauts.append(f"langue {racine.get('/Lang')!r} au lieu de fr-FR")
    if racine.get("/ViewerPreferences", {}).get("/DisplayDocTitle") is not True:
        defauts.append("le titre n'est pas affiché par les lecteurs")
    if "/OutputIntents" not in racine:
        defauts.append("pas d'intention de sortie (PDF/A)")
    return defauts


def _structure(pdf: pikepdf.Pdf) -> list[str]:
    arbre = pdf.Root.get("/StructTreeRoot")
    if arbre is None:
        return ["pas d'arbre de structure"]
    defauts = []
    elements = _elements(arbre.get("/K"))
    pages = {page.obj.objgen for page in pdf.pages}
    hors = [e for e in elements if "/Pg" in e and e.Pg.objgen not in pages]
    if hors:
        defauts.append(f"{len(hors)} élément(s) de structure sur une page absente du document")
    carte = {str(k): str(v) for k, v in arbre.get("/RoleMap", {}).items()}
    standards = {carte.get(str(e.S), str(e.S)) for e in elements}
    if not {"/H1", "/H2"} & standards:
        defauts.append("aucun titre balisé (H1, H2)")
    if "/Table" in standards and "/TH" not in standards:
        defauts.append("des tableaux sans cellule d'en-tête (TH)")
    cles = {int(k) for k in list(arbre.ParentTree.get("/Nums", []))[::2]}
    sans = [i for i, page in enumerate(pdf.pages) if int(page.obj.get("/StructParents", -1)) not in cles]
    if sans:
        defauts.append(f"pages {sans} sans entrée dans l'arbre des parents")
    return defauts


def _metadonnees(pdf: pikepdf.Pdf, titre: str | None) -> list[str]:
    defauts = []
    xmp = pdf.open_metadata()
    if (xmp.get("pdfaid:part"), xmp.get("pdfaid:conformance")) != ("2", "B"):
        defauts.append(f"identification PDF/A {xmp.get('pdfaid:part')}{xmp.get('pdfaid:conformance')}")
    if str(pdf.docinfo.get("/Title", "")) != xmp.get("dc:title"):
        defauts.append("titre différent entre Info et XMP")
    if titre is not None and xmp.get("dc:title") != titre:
        defauts.append(f"titre {xmp.get('dc:title')!r} au lieu de {titre!r}")
    manquantes = _polices_non_incorporees(pdf)
    if manquantes:
        defauts.append(f"polices non incorporées : {sorted(manquantes)}")
    return defauts


def defauts_accessibilite(chemin: Path, titre: str | None = None) -> list[str]:
    """What keeps ``chemin`` from being a tagged, French, PDF/A-2b document ([] when nothing)."""
    with pikepdf.open(chemin) as pdf:
        return [*_catalogue(pdf), *_structure(pdf), *_metadonnees(pdf, titre)]
