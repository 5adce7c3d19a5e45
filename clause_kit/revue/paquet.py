"""Opening a .docx for review: its XML parts, found through the package relationships.

Word, LibreOffice and python-docx do not all name their parts alike (``word/document.xml``
is the usual name, not a rule), so the main part, headers, footers and notes are found the
way Word finds them: through ``_rels/.rels`` and the main part's relationships. Reading is
defensive because the file comes from outside: ``commun.ooxml``'s bounded reader and parser.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from clause_kit.commun.erreurs import ErreurDocument
from clause_kit.commun.ooxml import ArchiveBornee, PaquetIllisible, W, analyser_xml, qn

__all__ = ["W", "Paquet", "ouvrir", "qn"]

_TYPE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_TYPE_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"


class _Archive:
    """The package's entries under ``commun.ooxml``'s limits, its refusals named after the document."""

    def __init__(self, nom: str, archive: ArchiveBornee) -> None:
        self.nom = nom
        self._archive = archive

    def __contains__(self, partie: str) -> bool:
        return partie in self._archive

    def lire(self, partie: str) -> bytes:
        """The bytes of one entry (``ErreurDocument`` naming the document when refused)."""
        try:
            return self._archive.lire(partie)
        except PaquetIllisible as err:
            raise ErreurDocument(f"{self.nom} : {err}") from err


@dataclass
class Paquet:
    """The parts of one .docx that hold text, parsed once, on demand."""

    nom: str
    archive: _Archive
    document: etree._Element
    nom_document: str
    #: Relationship id of the main part → target part name (headers, footers, notes, numbering...).
    cibles: dict[str, str] = field(default_factory=dict)
    #: Relationship type suffix (``header``, ``footnotes``...) → part names.
    par_type: dict[str, list[str]] = field(default_factory=dict)
    parties: dict[str, etree._Element] = field(default_factory=dict)
    nom_proprietes: str | None = None

    def partie(self, nom: str | None) -> etree._Element | None:
        """The parsed XML of a part, or None when absent."""
        if nom is None or nom not in self.archive:
            return None
        if nom not in self.parties:
            self.parties[nom] = _analyser(self.nom, nom, self.archive.lire(nom))
        return self.parties[nom]

    def premier(self, type_relation: str) -> etree._Element | None:
        """The first part of a relationship type of the main part (``numbering``, ``styles``, ``footnotes``...)."""
        noms = self.par_type.get(type_relation, [])
        return self.partie(noms[0]) if noms else None


def ouvrir(source: Path | bytes, nom: str | None = None) -> Paquet:
    """Open a .docx (a path or its bytes); raise ``ErreurDocument`` with a French message naming it."""
    nom = nom or (source.name if isinstance(source, Path) else "document")
    try:
        archive = _Archive(nom, ArchiveBornee.ouvrir(source))
    except PaquetIllisible as err:
        raise ErreurDocument(f"{nom} : {err}") from err
    relations = _relations(archive, "_rels/.rels", "")
    principal = next((cible for _, type_, cible in relations if type_ == _TYPE_DOCUMENT), "word/document.xml")
    if principal not in archive:
        raise ErreurDocument(f"{nom} : document Word sans partie principale ({principal})")
    paquet = Paquet(nom, archive, _analyser(nom, principal, archive.lire(principal)), principal)
    # An Excel workbook or a PowerPoint deck is the same kind of package, with another main part:
    # read as a document it would give an empty text, compared as if it were one.
    if paquet.document.tag != qn("w:document"):
        raise ErreurDocument(
            f"{nom} : ce n'est pas un document Word (.docx) : sa partie principale {principal} n'est pas un "
            "texte Word (classeur, présentation, ou document enregistré au format « Open XML strict »)"
        )
    paquet.nom_proprietes = next((cible for _, type_, cible in relations if type_ == _TYPE_CORE), None)
    dossier = posixpath.dirname(principal)
    chemin_rels = posixpath.join(dossier, "_rels", posixpath.basename(principal) + ".rels")
    for rid, type_, cible in _relations(archive, chemin_rels, dossier):
        paquet.cibles[rid] = cible
        paquet.par_type.setdefault(type_.rsplit("/", 1)[-1], []).append(cible)
    return paquet


def _analyser(nom: str, partie: str, donnees: bytes) -> etree._Element:
    try:
        return analyser_xml(donnees)
    except etree.XMLSyntaxError as err:
        raise ErreurDocument(f"{nom} : partie {partie} illisible (XML invalide : {err})") from err


def _relations(archive: _Archive, chemin: str, base: str) -> list[tuple[str, str, str]]:
    """(id, type, target part name) of a relationships part; external targets are left out."""
    if chemin not in archive:
        return []
    racine = _analyser(archive.nom, chemin, archive.lire(chemin))
    relations = []
    for relation in racine:
        if relation.get("TargetMode") == "External":
            continue
        cible = relation.get("Target", "")
        cible = cible.lstrip("/") if cible.startswith("/") else posixpath.normpath(posixpath.join(base, cible))
        relations.append((relation.get("Id", ""), relation.get("Type", ""), cible))
    return relations
