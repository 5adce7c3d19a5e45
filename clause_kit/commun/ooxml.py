"""Office Open XML packages read defensively: one parser, one bounded zip reader, revision tags, columns.

A .docx or .xlsx is a zip of XML parts that comes from outside (a legal service's template, a
document under review, a company's sheet). Everything that opens one goes through here, so that
there is one set of limits and one way of refusing:

* Size: a small file may inflate to gigabytes and its headers may lie about sizes. The file is
  read with a cap, entries are counted, and each entry is decompressed in chunks, counting the
  bytes actually produced against one total for the whole package (``DECOMPRESSE_MAX``).
* XML: no DTD, no entity expansion, no network: a part's XML is data, never instructions.
* Revisions: the WordprocessingML elements of pending tracked changes, named once for the
  template loader (which refuses them) and the review (which shows them).

The reader raises ``PaquetIllisible`` with a message that does not name the file: each caller
puts it in its own error with its own prefix (« modèle X : », « X : »).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from clause_kit.commun.fichiers import LectureImpossible, lire_borne

__all__ = [
    "BALISES_REVISION",
    "DECOMPRESSE_MAX",
    "ENTREES_MAX",
    "REVISIONS",
    "TAILLE_MAX",
    "ArchiveBornee",
    "PaquetIllisible",
    "W",
    "analyser_xml",
    "lettres_colonne",
    "nom_partie",
    "numero_colonne",
    "qn",
    "verifier_xml",
]

#: A template or a filled sheet is some tens of kilobytes, a few megabytes with pictures.
TAILLE_MAX = 50_000_000
#: Total of the entries once decompressed, counted on the bytes actually produced.
DECOMPRESSE_MAX = 200_000_000
ENTREES_MAX = 5_000

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

#: Pending revisions of content (local name → what a reader calls it in French).
REVISIONS = {
    "ins": "insertion",
    "del": "suppression",
    "moveFrom": "déplacement",
    "moveTo": "déplacement",
    "cellIns": "insertion de cellule",
    "cellDel": "suppression de cellule",
    "cellMerge": "fusion de cellules",
    "numberingChange": "changement de numérotation",
}
#: Pending changes of formatting (paragraph, run, section, table properties).
CHANGEMENTS = "rPrChange pPrChange sectPrChange tblPrChange tblPrExChange tblGridChange tcPrChange trPrChange".split()
BALISES_REVISION = [f"{{{W}}}{nom}" for nom in (*REVISIONS, *CHANGEMENTS)]

_ANALYSEUR = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class PaquetIllisible(Exception):
    """Raised when a package cannot be read within the limits; the message does not name the file."""


def nom_partie(info: zipfile.ZipInfo) -> str:
    """An entry's name as a message may show it: the package chose it, so no control character, 80 at most."""
    nom = "".join(c if c.isprintable() else "?" for c in info.filename[:80])
    return nom if len(info.filename) <= 80 else nom + "…"


def _mo(octets: int) -> str:
    return f"{octets // 1_000_000} Mo"


def qn(nom: str) -> str:
    """``w:p`` → ``{namespace}p`` for the WordprocessingML (``w``) and relationships (``r``) prefixes."""
    prefixe, local = nom.split(":")
    return f"{{{W if prefixe == 'w' else R}}}{local}"


def analyser_xml(donnees: bytes) -> etree._Element:
    """Parse XML without DTD, entity expansion nor network access (``etree.XMLSyntaxError`` when malformed)."""
    return etree.fromstring(donnees, _ANALYSEUR)


class _SansArbre:
    """A parser target that receives nothing: libxml2 checks the document and no tree is built."""

    def close(self) -> None:
        return None


def verifier_xml(donnees: bytes) -> None:
    """Check that XML is well formed, with the limits of ``analyser_xml``, without building its tree.

    The tree of a rendered report listing 3 000 contracts took 55 MB only to be thrown away;
    the same check without it takes none, in an eighth of the time, with the same errors.
    """
    analyseur = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, target=_SansArbre()
    )
    etree.fromstring(donnees, analyseur)


def lettres_colonne(numero: int) -> str:
    """A spreadsheet column's letters from its number: 1 → A, 26 → Z, 27 → AA."""
    lettres = ""
    while numero:
        numero, reste = divmod(numero - 1, 26)
        lettres = chr(65 + reste) + lettres
    return lettres


def numero_colonne(lettres: str | bytes) -> int:
    """A spreadsheet column's number from its letters: A → 1, AA → 27 (upper case, as files write them)."""
    numero = 0
    for lettre in lettres.encode() if isinstance(lettres, str) else lettres:
        numero = numero * 26 + lettre - 64
    return numero


class ArchiveBornee:
    """The entries of a zip package, decompressed on demand within one total for the whole package."""

    def __init__(
        self,
        donnees: bytes,
        *,
        decompresse_max: int | None = None,
        illisible: str = "ce n'est pas un document Word (.docx) lisible",
    ) -> None:
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(donnees))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, RuntimeError, NotImplementedError) as err:
            raise PaquetIllisible(illisible) from err
        if len(infos) > ENTREES_MAX:
            raise PaquetIllisible(f"plus de {ENTREES_MAX} éléments dans le paquet, ce n'est pas un document ordinaire")
        self._infos = {info.filename: info for info in infos}
        self.brut = donnees
        self.decompresse = 0
        # Read at each opening, not bound at definition: the module's limit stays the one to change.
        self.decompresse_max = DECOMPRESSE_MAX if decompresse_max is None else decompresse_max

    @classmethod
    def ouvrir(cls, source: Path | bytes) -> ArchiveBornee:
        """Open a path (read with the size cap, never blocking on a FIFO) or bytes already read."""
        if isinstance(source, bytes):
            return cls(source)
        try:
            trop_gros = f"fichier trop volumineux (plus de {TAILLE_MAX // 1_000_000} Mo)"
            return cls(lire_borne(source, TAILLE_MAX, trop_gros=trop_gros))
        except LectureImpossible as err:
            raise PaquetIllisible(str(err)) from err

    def __contains__(self, partie: str) -> bool:
        return partie in self._infos

    def infos(self) -> list[zipfile.ZipInfo]:
        """The entries in the order of the package."""
        return list(self._infos.values())

    def lire(self, partie: str | zipfile.ZipInfo) -> bytes:
        """One entry's bytes; refused as soon as the package's total decompressed size passes the limit."""
        return b"".join(self.morceaux(partie))

    def morceaux(self, partie: str | zipfile.ZipInfo, *, partie_max: int | None = None) -> Iterator[bytes]:
        """One entry's bytes in chunks of at most 1 MiB, counted as they are produced, never kept here.

        For a caller that only scans a part (a sheet's size, extent or values) without holding it.
        Refused past the package's total or past ``partie_max`` bytes for this entry.
        """
        info = partie if isinstance(partie, zipfile.ZipInfo) else self._infos[partie]
        produits = 0
        try:
            with self._zip.open(info) as flux:
                while morceau := flux.read(1 << 20):
                    self.decompresse += len(morceau)
                    produits += len(morceau)
                    if partie_max is not None and produits > partie_max:
                        raise PaquetIllisible(
                            f"partie {nom_partie(info)} : plus de {_mo(partie_max)} une fois décompressée ; "
                            "ce n'est pas un document ordinaire (archive piégée ?)"
                        )
                    if self.decompresse > self.decompresse_max:
                        raise PaquetIllisible(
                            f"partie {nom_partie(info)} : plus de {_mo(self.decompresse_max)} une fois décompressé ; "
                            "ce n'est pas un document ordinaire (archive piégée ?)"
                        )
                    yield morceau
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError) as err:
            raise PaquetIllisible(f"partie {nom_partie(info)} illisible (archive abîmée)") from err

    def tout_lire(self) -> list[tuple[zipfile.ZipInfo, bytes]]:
        """Every entry with its bytes, in the order of the package."""
        return [(info, self.lire(info)) for info in self._infos.values()]
