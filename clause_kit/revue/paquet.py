"""Opening a .docx for review: its XML parts, found through the package relationships.

Word, LibreOffice and python-docx do not all name their parts alike (``word/document.xml``
is the usual name, not a rule), so the main part, headers, footers and notes are found the
way Word finds them: through ``_rels/.rels`` and the main part's relationships. Parsing is
defensive because the file comes from outside: no entities, no network, a size cap per part.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from clause_kit.erreurs import ErreurDocument, raison_systeme

__all__ = ["W", "Paquet", "ouvrir", "qn"]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_TYPE_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"

#: A template is a few hundred kilobytes; a part bigger than this uncompressed is not a document but a bomb.
TAILLE_PARTIE_MAX = 64 * 1024 * 1024

_ANALYSEUR = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def qn(nom: str) -> str:
    """``w:p`` → ``{namespace}p`` for the WordprocessingML and relationships prefixes."""
    prefixe, local = nom.split(":")
    return f"{{{W if prefixe == 'w' else _R}}}{local}"


class _Archive:
    """The entries of the zip, read on demand: each under the size cap, all together under twice that."""

    def __init__(self, nom: str, donnees: bytes) -> None:
        self.nom = nom
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(donnees))
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as err:
            raise ErreurDocument(f"{nom} : ce n'est pas un document Word (.docx) lisible") from err
        self._infos = {info.filename: info for info in self._zip.infolist()}
        self._lu = 0

    def __contains__(self, partie: str) -> bool:
        return partie in self._infos

    def lire(self, partie: str) -> bytes:
        """The bytes of one entry; a part too big is refused (ZipFile never inflates past the declared size)."""
        info = self._infos[partie]
        self._lu += info.file_size
        if info.file_size > TAILLE_PARTIE_MAX or self._lu > 2 * TAILLE_PARTIE_MAX:
            taille = info.file_size // 1_000_000
            raise ErreurDocument(f"{self.nom} : partie {partie} trop grande ({taille} Mo décompressés)")
        try:
            return self._zip.read(info)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as err:
            raise ErreurDocument(f"{self.nom} : partie {partie} illisible (archive abîmée)") from err


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
        donnees = source.read_bytes() if isinstance(source, Path) else source
    except OSError as err:
        raise ErreurDocument(f"{nom} : lecture impossible ({raison_systeme(err)})") from err
    archive = _Archive(nom, donnees)
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
        return etree.fromstring(donnees, _ANALYSEUR)
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
