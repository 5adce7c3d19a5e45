"""A Word template read defensively: bounded sizes, XML re-serialised the way docxtpl expects it, revisions refused.

* Size: a .docx is a zip; a small file may inflate to gigabytes, and its headers may lie
  about sizes. The file is read with a size cap, and each entry is decompressed in chunks,
  counting the bytes actually produced against a total cap.
* XML: Word, LibreOffice (5 to 7 write ``&quot;`` and ``&apos;`` in text) and other editors
  serialise the same text differently. Each part that will be rendered is parsed (no DTD,
  no entity expansion, no network) and re-serialised by lxml, as docxtpl does before its own
  preprocessing: ``&quot;`` becomes ``"``, so a tag typed ``{% if x == "a" %}`` compiles
  whichever program saved the file.
* Revisions: text inside a tracked deletion is still in the XML (Word shows it struck
  through); a template with pending revisions has not been settled by its authors. It is
  refused, naming the first revision's author and date, rather than guessing which version
  the legal service meant.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path

from lxml import etree

from clause_kit.erreurs import ErreurModele
from clause_kit.fichiers import LectureImpossible, lire_borne
from clause_kit.formats import date_fr

__all__ = [
    "DECOMPRESSE_MAX",
    "ENTREES_MAX",
    "PARTIE_MAX",
    "TAILLE_MAX",
    "analyser_xml",
    "lire_paquet",
    "normaliser_xml",
]

#: A template is some tens of kilobytes, a few megabytes with pictures.
TAILLE_MAX = 50_000_000
#: Total size of the entries once decompressed.
DECOMPRESSE_MAX = 200_000_000
ENTREES_MAX = 5_000
#: A part holding tags (``word/document.xml``...) is compiled as one Jinja template: a few megabytes at most.
PARTIE_MAX = 20_000_000

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# Pending revisions: inserted, deleted or moved content, changed formatting, changed tables.
_REVISIONS = {
    "ins": "insertion",
    "del": "suppression",
    "moveFrom": "déplacement",
    "moveTo": "déplacement",
    "cellIns": "insertion de cellule",
    "cellDel": "suppression de cellule",
    "cellMerge": "fusion de cellules",
    "numberingChange": "changement de numérotation",
}
_CHANGEMENTS = "rPrChange pPrChange sectPrChange tblPrChange tblPrExChange tblGridChange tcPrChange trPrChange".split()
_BALISES_REVISION = [f"{{{_W}}}{nom}" for nom in (*_REVISIONS, *_CHANGEMENTS)]

# No DTD, no entity expansion, no network: a template's XML is data, never instructions.
_PARSEUR = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def lire_paquet(chemin: Path) -> tuple[bytes, list[tuple[zipfile.ZipInfo, bytes]]]:
    """The bytes of a .docx and its decompressed entries, within the size limits (``ErreurModele`` otherwise)."""
    nom = chemin.name
    try:
        trop_gros = f"fichier trop volumineux (plus de {TAILLE_MAX // 1_000_000} Mo)"
        brut = lire_borne(chemin, TAILLE_MAX, trop_gros=trop_gros)
    except LectureImpossible as err:
        raise ErreurModele(f"modèle {nom} : {err}") from err
    try:
        archive = zipfile.ZipFile(io.BytesIO(brut))
        infos = archive.infolist()
        if len(infos) > ENTREES_MAX:
            raise ErreurModele(f"modèle {nom} : plus de {ENTREES_MAX} éléments dans le paquet, ce n'est pas un modèle")
        total, entrees = 0, []
        for info in infos:
            donnees = _decompresser(archive, info, DECOMPRESSE_MAX - total)
            if donnees is None:
                raise ErreurModele(
                    f"modèle {nom} : plus de {DECOMPRESSE_MAX // 1_000_000} Mo une fois décompressé ; "
                    "ce n'est pas un modèle ordinaire (archive piégée ?)"
                )
            total += len(donnees)
            entrees.append((info, donnees))
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, ValueError) as err:
        raise ErreurModele(f"modèle {nom} : ce n'est pas un document Word (.docx) lisible") from err
    return brut, entrees


def _decompresser(archive: zipfile.ZipFile, info: zipfile.ZipInfo, reste: int) -> bytes | None:
    """One entry, decompressed by chunks; None as soon as it exceeds ``reste`` bytes (headers may lie)."""
    morceaux, lus = [], 0
    with archive.open(info) as flux:
        while morceau := flux.read(1 << 20):
            lus += len(morceau)
            if lus > reste:
                return None
            morceaux.append(morceau)
    return b"".join(morceaux)


def analyser_xml(donnees: bytes) -> etree._Element:
    """Parse XML without DTD, entity expansion nor network access (``etree.XMLSyntaxError`` when malformed)."""
    return etree.fromstring(donnees, _PARSEUR)


def normaliser_xml(nom: str, partie: str, donnees: bytes) -> str:
    """A part's XML parsed, checked (size, no DTD, no pending revision) and re-serialised, without declaration."""
    if len(donnees) > PARTIE_MAX:
        limite = PARTIE_MAX // 1_000_000
        raise ErreurModele(f"modèle {nom} : {partie} dépasse {limite} Mo, ce n'est pas un modèle ordinaire")
    try:
        racine = analyser_xml(donnees)
    except etree.XMLSyntaxError as err:
        raise ErreurModele(f"modèle {nom} : {partie} n'est pas du XML lisible ({err.msg})") from err
    if racine.getroottree().docinfo.doctype:
        raise ErreurModele(f"modèle {nom} : {partie} contient une déclaration DOCTYPE, refusée dans un modèle Word")
    if partie.startswith("word/"):
        _refuser_revisions(nom, racine)
    return etree.tostring(racine, encoding="unicode")


def _refuser_revisions(nom: str, racine: etree._Element) -> None:
    revisions = list(racine.iter(*_BALISES_REVISION))
    if not revisions:
        return
    premiere = revisions[0]
    genre = etree.QName(premiere).localname
    nature = _REVISIONS.get(genre, "changement de mise en forme")
    auteur = premiere.get(f"{{{_W}}}author") or "auteur inconnu"
    date = _date(premiere.get(f"{{{_W}}}date") or "")
    autres = f", et {len(revisions) - 1} autre(s)" if len(revisions) > 1 else ""
    raise ErreurModele(
        f"modèle {nom} : modifications suivies en attente ({nature} par {auteur}{date}{autres}) ; "
        "dans Word, onglet Révision, acceptez ou refusez toutes les modifications puis enregistrez le modèle"
    )


def _date(horodatage: str) -> str:
    """`` le 12 mars 2026`` from an OOXML timestamp, or "" when absent or unreadable."""
    try:
        return " le " + date_fr(datetime.date.fromisoformat(horodatage[:10]))
    except ValueError:
        return ""
