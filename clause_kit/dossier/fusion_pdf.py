"""Tagged PDFs merged into one, keeping what makes them accessible and archivable.

A plain page merge (what pypdf's ``append`` did) keeps the pages and drops each piece's
structure tree: the dossier was untagged, had no language and was not PDF/A although every
piece was. This merge carries them over, with pikepdf (qpdf):

* pages are copied with their marked content; each piece's ``/StructParents`` keys (and its
  annotations' ``/StructParent``) are shifted past the previous pieces', and its parent tree
  entries follow with the same shift;
* each piece's top structure element becomes a ``/Part`` (titled with the piece's name) of one
  ``/Document``; role maps are merged; the element's page references follow the copied pages
  (qpdf copies a source's objects once, pages and structure alike);
* bookmarks: one per piece, the piece's own (its headings) nested under it, at their place;
* the catalogue says ``/MarkInfo /Marked``, ``/Lang fr-FR``, shows the title, keeps the first
  piece's output intent (sRGB), and the XMP metadata says PDF/A-2b with the title, author and
  subject, kept equal to the document information dictionary as PDF/A requires.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem, PageLocation

from clause_kit.commun.erreurs import ErreurPdf

__all__ = ["LANGUE", "Fusion"]

LANGUE = "fr-FR"


class Fusion:
    """A dossier PDF being assembled, piece by piece."""

    def __init__(self) -> None:
        self.pdf = pikepdf.new()
        self.prochaine_cle = 0
        self.nums: list[Any] = []
        self.parties: list[Dictionary] = []
        self.roles = Dictionary()
        self.signets: list[OutlineItem] = []
        self.intention: Any = None
        self._sources: list[pikepdf.Pdf] = []  # kept open until saved: qpdf copies lazily

    def ajouter(self, titre: str, chemin: Path) -> None:
        """Append one piece (its pages, structure, bookmarks) under the bookmark ``titre``."""
        try:
            source = pikepdf.open(chemin)
        except (pikepdf.PdfError, pikepdf.PasswordError, OSError, ValueError) as err:
            raise ErreurPdf(f"{chemin} : PDF illisible ou corrompu, impossible de l'assembler ({err}).") from err
        self._sources.append(source)
        if len(source.pages) == 0:
            raise ErreurPdf(f"{chemin} : ce PDF n'a aucune page, impossible de l'assembler.")
        try:
            self._ajouter(titre, source)
        except (pikepdf.PdfError, KeyError, TypeError, ValueError, AttributeError) as err:
            raise ErreurPdf(f"{chemin} : PDF illisible ou corrompu, impossible de l'assembler ({err}).") from err

    def _ajouter(self, titre: str, source: pikepdf.Pdf) -> None:
        premiere = len(self.pdf.pages)
        decalage = self.prochaine_cle
        arbre = source.Root.get("/StructTreeRoot")
        if arbre is not None:
            self._decaler_cles(source, arbre, decalage)
        self.pdf.pages.extend(source.pages)
        if arbre is not None:
            self._reprendre_structure(titre, arbre)
        if self.intention is None and "/OutputIntents" in source.Root:
            self.intention = _copier(self.pdf, source.Root.OutputIntents)
        self.signets.append(self._signet(titre, source, premiere))

    def _decaler_cles(self, source: pikepdf.Pdf, arbre: Any, decalage: int) -> None:
        """Shift the piece's parent-tree keys past the previous pieces', in its pages and annotations."""
        plus_grande = -1
        for page in source.pages:
            if "/StructParents" in page.obj:
                plus_grande = max(plus_grande, int(page.obj.StructParents))
                page.obj.StructParents = int(page.obj.StructParents) + decalage
            for annotation in page.obj.get("/Annots", Array()):
                if isinstance(annotation, Dictionary) and "/StructParent" in annotation:
                    plus_grande = max(plus_grande, int(annotation.StructParent))
                    annotation.StructParent = int(annotation.StructParent) + decalage
        entrees = _nombres(arbre.get("/ParentTree"))
        for cle, valeur in entrees:
            self.nums.extend([cle + decalage, _copier(self.pdf, valeur)])
            plus_grande = max(plus_grande, cle)
        suivante = int(arbre.get("/ParentTreeNextKey", plus_grande + 1))
        self.prochaine_cle = decalage + max(suivante, plus_grande + 1)

    def _reprendre_structure(self, titre: str, arbre: Any) -> None:
        """The piece's top elements, copied; a lone ``/Document`` becomes a titled ``/Part``."""
        haut = arbre.get("/K")
        enfants = list(haut) if isinstance(haut, Array) else [haut] if haut is not None else []
        for element in enfants:
            copie = _copier(self.pdf, element)
            if isinstance(copie, Dictionary) and copie.get("/S") == Name.Document:
                copie.S = Name.Part
                copie.T = pikepdf.String(titre)
            self.parties.append(copie)
        for role, cible in arbre.get("/RoleMap", Dictionary()).items():
            if role not in self.roles:
                self.roles[role] = _copier(self.pdf, cible)

    def _signet(self, titre: str, source: pikepdf.Pdf, premiere: int) -> OutlineItem:
        """The piece's bookmark on its first page, its own bookmarks under it at their place."""
        signet = OutlineItem(titre, premiere)
        index = {page.obj.objgen: i for i, page in enumerate(source.pages)}
        with source.open_outline() as plan:
            signet.children.extend(_copier_signets(plan.root, index, premiere, source))
        return signet

    def terminer(self, *, titre: str, auteur: str, sujet: str, sortie: Path) -> bytes:
        """The merged document's bytes, with its catalogue, structure root and PDF/A metadata."""
        racine = self.pdf.Root
        document = self.pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array(self.parties)))
        arbre = self.pdf.make_indirect(
            Dictionary(
                Type=Name.StructTreeRoot,
                K=Array([document]),
                ParentTree=self.pdf.make_indirect(Dictionary(Nums=Array(self.nums))),
                ParentTreeNextKey=self.prochaine_cle,
                RoleMap=self.roles,
            )
        )
        document.P = arbre
        for partie in self.parties:
            if isinstance(partie, Dictionary):
                partie.P = document
        racine.StructTreeRoot = arbre
        racine.MarkInfo = Dictionary(Marked=True)
        racine.Lang = pikepdf.String(LANGUE)
        racine.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        racine.PageMode = Name.UseOutlines  # the dossier is navigated piece by piece
        if self.intention is not None:
            racine.OutputIntents = self.intention
        with self.pdf.open_outline() as plan:
            plan.root.extend(self.signets)
        self._metadonnees(titre, auteur, sujet)
        tampon = io.BytesIO()
        try:
            self.pdf.save(tampon, min_version="1.6")
        except (pikepdf.PdfError, ValueError, OSError) as err:
            raise ErreurPdf(f"{sortie} : échec de l'assemblage du PDF ({err}).") from err
        finally:
            for source in self._sources:
                source.close()
        return tampon.getvalue()

    def _metadonnees(self, titre: str, auteur: str, sujet: str) -> None:
        """XMP and document information, equal (PDF/A), identifying PDF/A-2b."""
        with self.pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
            xmp["dc:title"] = titre
            xmp["dc:creator"] = [auteur]
            if sujet:
                xmp["dc:description"] = sujet
            xmp["dc:language"] = [LANGUE]
            xmp["xmp:CreatorTool"] = "clause_kit"
            xmp["pdf:Producer"] = f"clause_kit (pikepdf {pikepdf.__version__})"
            xmp["pdfaid:part"] = "2"
            xmp["pdfaid:conformance"] = "B"


def _copier(pdf: pikepdf.Pdf, objet: Any) -> Any:
    """``objet`` of another PDF in ``pdf``: indirect objects through qpdf (once per source), direct ones rebuilt."""
    if isinstance(objet, pikepdf.Object) and objet.is_indirect:
        return pdf.copy_foreign(objet)
    if isinstance(objet, Array):
        return Array([_copier(pdf, x) for x in objet])
    if isinstance(objet, Dictionary):
        return Dictionary({cle: _copier(pdf, valeur) for cle, valeur in objet.items()})
    return objet


def _nombres(arbre: Any) -> list[tuple[int, Any]]:
    """The (key, value) pairs of a number tree, its kids included."""
    if not isinstance(arbre, Dictionary):
        return []
    paires = []
    nums = arbre.get("/Nums", Array())
    for i in range(0, len(nums) - 1, 2):
        paires.append((int(nums[i]), nums[i + 1]))
    for enfant in arbre.get("/Kids", Array()):
        paires.extend(_nombres(enfant))
    return paires


def _copier_signets(
    items: list[OutlineItem], index: dict[tuple[int, int], int], premiere: int, source: pikepdf.Pdf
) -> list[OutlineItem]:
    """Bookmarks of a piece, re-pointed at the merged document's pages (same place on the page)."""
    copies = []
    for item in items:
        page, haut = _cible(item, index, source)
        if haut is None:
            copie = OutlineItem(item.title, premiere + page)
        else:
            copie = OutlineItem(item.title, premiere + page, PageLocation.XYZ, top=haut)
        copie.children.extend(_copier_signets(list(item.children), index, premiere, source))
        copies.append(copie)
    return copies


def _cible(item: OutlineItem, index: dict[tuple[int, int], int], source: pikepdf.Pdf) -> tuple[int, float | None]:
    """The page (in the piece) and the height a bookmark points to; the first page when unknown."""
    destination: Any = item.destination
    if destination is None and item.action is not None and item.action.get("/S") == Name.GoTo:
        destination = item.action.get("/D")
    if isinstance(destination, (pikepdf.String, Name)):
        destination = _destination_nommee(source, destination)
    if isinstance(destination, Array) and len(destination) >= 1:
        page = index.get(destination[0].objgen, 0) if isinstance(destination[0], Dictionary) else 0
        if len(destination) >= 4 and destination[1] == Name.XYZ and destination[3] is not None:
            try:
                return page, float(destination[3])
            except (TypeError, ValueError):
                return page, None
        return page, None
    return 0, None


def _destination_nommee(source: pikepdf.Pdf, nom: Any) -> Any:
    """A named destination's array (``/Dests`` of the catalogue or its name tree), or None."""
    cle = str(nom)
    anciennes = source.Root.get("/Dests")
    if isinstance(anciennes, Dictionary):
        trouve = anciennes.get("/" + cle.lstrip("/"))
        if trouve is not None:
            return trouve.get("/D", trouve) if isinstance(trouve, Dictionary) else trouve
    noms = source.Root.get("/Names")
    if isinstance(noms, Dictionary) and "/Dests" in noms:
        arbre = pikepdf.NameTree(noms.Dests)
        if cle in arbre:
            trouve = arbre[cle]
            return trouve.get("/D", trouve) if isinstance(trouve, Dictionary) else trouve
    return None
