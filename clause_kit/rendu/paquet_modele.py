"""A Word template read defensively: bounded sizes, XML re-serialised the way docxtpl expects it, revisions refused.

* Size: read by ``commun.ooxml``'s bounded reader (file, entries and decompressed total capped
  there, for every package clause_kit opens); a part compiled as a template has its own cap here.
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
import zipfile
from pathlib import Path

from lxml import etree

from clause_kit.commun.erreurs import ErreurModele
from clause_kit.commun.formats import date_fr
from clause_kit.commun.ooxml import BALISES_REVISION, REVISIONS, ArchiveBornee, PaquetIllisible, W, analyser_xml

__all__ = ["PARTIE_MAX", "lire_paquet", "normaliser_xml"]

#: A part holding tags (``word/document.xml``...) is compiled as one Jinja template: a few megabytes at most.
PARTIE_MAX = 20_000_000


def lire_paquet(chemin: Path) -> tuple[bytes, list[tuple[zipfile.ZipInfo, bytes]]]:
    """The bytes of a .docx and its decompressed entries, within the limits of ``commun.ooxml``."""
    try:
        archive = ArchiveBornee.ouvrir(chemin)
        return archive.brut, archive.tout_lire()
    except PaquetIllisible as err:
        raise ErreurModele(f"modèle {chemin.name} : {err}") from err


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
    revisions = list(racine.iter(*BALISES_REVISION))
    if not revisions:
        return
    premiere = revisions[0]
    genre = etree.QName(premiere).localname
    nature = REVISIONS.get(genre, "changement de mise en forme")
    auteur = premiere.get(f"{{{W}}}author") or "auteur inconnu"
    date = _date(premiere.get(f"{{{W}}}date") or "")
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
