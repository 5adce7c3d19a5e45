"""A workbook weighed before calamine opens it: sizes of its parts, repeated rows, what its values will hold.

calamine (Rust) decompresses the parts of an .xlsx or .ods and builds every sheet as a dense grid
of values; when an allocation fails, Rust aborts the process, which no ``except`` can catch. A
1.6 MB file can hold a 1.5 GiB cell, an .ods row can say « repeated a million times », an .xlsx
can point a million cells at one long shared text (calamine copies it into each). So before
calamine sees the bytes, each part is decompressed here in chunks, counted and scanned, without
being kept:

* sizes: the sizes the zip declares, then the bytes actually produced (headers may lie), per part
  and for the whole package (``commun.ooxml.ArchiveBornee``);
* .ods: the rows and columns calamine would build, repeats included, and the text they hold;
* .xlsx: the text its cells would hold once each reference to a shared text is copied (the extent
  of its grids is ``suivi.etendue``'s);
* one value: no cell holds more than 32 767 characters (Excel's and LibreOffice's own limit).

``ClasseurRefuse`` carries a French message that does not name the file; the reader adds it.
"""

from __future__ import annotations

import re
import zipfile
from array import array
from collections.abc import Iterable, Iterator

from lxml import etree

from clause_kit.commun.ooxml import ArchiveBornee, PaquetIllisible, lettres_colonne, nom_partie
from clause_kit.suivi.etendue import CELLULES_MAX

__all__ = [
    "DECOMPRESSE_MAX",
    "LIGNES_REPETEES_MAX",
    "PARTIE_MAX",
    "TEXTE_MAX",
    "VALEUR_MAX",
    "ClasseurRefuse",
    "verifier_paquet",
]

#: A year of a large contract (100 000 rows) is some tens of megabytes of XML; a month, some kilobytes.
DECOMPRESSE_MAX = 200_000_000
PARTIE_MAX = 100_000_000
#: Characters calamine would hold for all cells, each repeat and each copy of a shared text counted.
TEXTE_MAX = 100_000_000
#: Bytes of one value in the XML: a cell holds at most 32 767 characters (4 bytes each at most, some escaped).
VALEUR_MAX = 1_000_000
#: Times one non-empty .ods row may be repeated. calamine writes out every copy; in the follow-up
#: sheet, copies of a row are duplicates, refused by the import past 200 (« trop d'erreurs »).
LIGNES_REPETEES_MAX = 1000
#: The last row and column a spreadsheet has (calamine caps repeats there too).
LIGNES_FEUILLE = 1_048_576
COLONNES_FEUILLE = 16_384

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_T = f"{{{_TABLE}}}"
_CELLULES_ODS = (f"{_T}table-cell", f"{_T}covered-table-cell")


class ClasseurRefuse(Exception):  # noqa: N818 - a French refusal, wrapped by the reader with the file's name
    """Raised when a workbook's package would make calamine exhaust the memory; the message is French."""


def _court(texte: str) -> str:
    """A value or a sheet name as quoted: forty characters at most, no control character for the terminal."""
    court = "".join(c if c.isprintable() else "?" for c in texte[:40])
    return court if len(texte) <= 40 else court[:39] + "…"


def _trop_long(ou: str, extrait: str) -> ClasseurRefuse:
    return ClasseurRefuse(
        f"{ou} : valeur de plus d'un million de caractères (« {_court(extrait)} ») ; une cellule en contient "
        "au plus 32 767 : ce n'est pas une fiche de suivi ordinaire ; fichier refusé"
    )


def _nombre(valeur: int) -> str:
    return f"{valeur:,}".replace(",", "\u202f")


def verifier_paquet(contenu: bytes, *, ods: bool) -> None:
    """Refuse (``ClasseurRefuse``) a workbook that calamine could not read within sane memory.

    A file that is not a zip at all passes: calamine says in its own words that it cannot read it.
    """
    try:
        archive = ArchiveBornee(contenu, decompresse_max=DECOMPRESSE_MAX, illisible="")
    except PaquetIllisible as err:
        if str(err):  # a zip, but of too many entries
            raise ClasseurRefuse(f"{err} ; fichier refusé avant lecture") from err
        return
    infos = archive.infos()
    _verifier_tailles_declarees(infos)
    try:
        # Then the bytes actually produced, the shared texts before the sheets that point at them.
        infos.sort(key=lambda info: not info.filename.lower().endswith("sharedstrings.xml"))
        partages = array("Q")
        texte = 0
        for info in infos:
            nom = info.filename.lower()
            morceaux = archive.morceaux(info, partie_max=PARTIE_MAX)
            if ods and nom == "content.xml":
                _verifier_contenu_ods(morceaux)
            elif nom.endswith("sharedstrings.xml"):
                partages = _longueurs_partagees(morceaux, nom_partie(info))
            elif nom.startswith("xl/worksheets/") and nom.endswith(".xml") and _copies_possibles(partages):
                texte += _texte_partage(morceaux, nom_partie(info), partages)
                if texte > TEXTE_MAX:
                    raise ClasseurRefuse(_message_texte())
            else:
                for _ in morceaux:
                    pass
    except PaquetIllisible as err:
        raise ClasseurRefuse(f"{err} ; fichier refusé avant lecture") from err


def _verifier_tailles_declarees(infos: list[zipfile.ZipInfo]) -> None:
    """What the zip declares, first: an honest bomb is refused without decompressing a byte."""
    for info in infos:
        if info.file_size > PARTIE_MAX:
            raise ClasseurRefuse(
                f"partie {nom_partie(info)} : {_nombre(info.file_size // 1_000_000)} Mo une fois décompressée "
                f"(plus de {PARTIE_MAX // 1_000_000} Mo) ; ce n'est pas une fiche de suivi ordinaire "
                "(archive piégée ?) ; fichier refusé avant lecture"
            )
    if sum(info.file_size for info in infos) > DECOMPRESSE_MAX:
        raise ClasseurRefuse(
            f"plus de {DECOMPRESSE_MAX // 1_000_000} Mo une fois décompressé ; ce n'est pas une fiche de suivi "
            "ordinaire (archive piégée ?) ; fichier refusé avant lecture"
        )


def _copies_possibles(partages: array[int]) -> bool:
    """Whether copies of the shared texts could pass ``TEXTE_MAX`` (the extent is bounded by ``suivi.etendue``)."""
    return bool(partages) and max(partages) * CELLULES_MAX > TEXTE_MAX


def _message_texte() -> str:
    return (
        f"ses cellules tiendraient plus de {TEXTE_MAX // 1_000_000} millions de caractères une fois lues "
        "(chaque répétition et chaque copie d'un texte partagé comptée) ; ce n'est pas une fiche de suivi "
        "ordinaire ; fichier refusé avant lecture"
    )


# --- .xlsx -------------------------------------------------------------------------------

#: A tag and the text after it, up to the next tag: ``<si>``, ``</si>``, ``<c …>``, ``<v>12``.
_JETON = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(si|c|v)(?=[\s>/])([^>]*)>([^<]*)")
_PARTAGE = re.compile(rb"""\bt\s*=\s*["']s["']""")


def _jetons(morceaux: Iterable[bytes], partie: str) -> Iterator[tuple[int, re.Match[bytes]]]:
    """The tags of ``_JETON`` with their offset in the part, read chunk by chunk.

    The text after the last ``<`` of a chunk is kept for the next one (a tag may be cut in two);
    a value that never meets a ``<`` for more than ``VALEUR_MAX`` bytes is refused there.
    """
    reste, base = b"", 0
    for morceau in morceaux:
        texte = reste + morceau
        coupe = texte.rfind(b"<")
        if coupe <= 0 and len(texte) > VALEUR_MAX:
            raise _trop_long(f"partie {partie}", texte[-VALEUR_MAX:][:60].decode("utf-8", "replace"))
        coupe = coupe if coupe > 0 else 0
        for trouve in _JETON.finditer(texte, 0, coupe):
            yield base + trouve.start(), trouve
        reste, base = texte[coupe:], base + coupe
        if len(reste) > VALEUR_MAX:
            raise _trop_long(f"partie {partie}", reste[reste.find(b">") + 1 :][:60].decode("utf-8", "replace"))
    for trouve in _JETON.finditer(reste):
        yield base + trouve.start(), trouve


def _longueurs_partagees(morceaux: Iterable[bytes], partie: str) -> array[int]:
    """The size in bytes (an upper bound of its characters) of each shared text, in order.

    An array of machine integers: a part of 100 MB may hold millions of short texts.
    """
    longueurs = array("Q")
    debut = None
    for position, jeton in _jetons(morceaux, partie):
        if jeton[2] != b"si":
            continue
        if jeton[1]:  # </si>
            if debut is not None:
                longueurs.append(position - debut)
            debut = None
        elif jeton[3].endswith(b"/"):  # <si/>
            longueurs.append(0)
        else:
            debut = position
    return longueurs


def _texte_partage(morceaux: Iterable[bytes], partie: str, partages: array[int]) -> int:
    """Characters a sheet's cells would hold by copying shared texts (calamine copies one per cell)."""
    total = 0
    partagee = False
    for _, jeton in _jetons(morceaux, partie):
        balise = jeton[2]
        if jeton[1]:
            continue
        if balise == b"c":
            partagee = bool(_PARTAGE.search(jeton[3]))
        elif balise == b"v" and partagee:
            rang = jeton[4].strip()
            if rang.isdigit() and int(rang) < len(partages):
                total += partages[int(rang)]
                if total > TEXTE_MAX:
                    raise ClasseurRefuse(_message_texte())
            partagee = False
    return total


# --- .ods --------------------------------------------------------------------------------


def _entier(valeur: str | None, plafond: int) -> int:
    try:
        return max(1, min(int(valeur or "1"), plafond))
    except ValueError:
        return 1


class _Table:
    """What calamine would build of one table: the span of its non-empty rows, its width, its text."""

    def __init__(self, nom: str) -> None:
        self.nom = nom
        self.lignes = 0  # rows read so far, repeats included
        self.premiere: int | None = None  # first non-empty row (0-based)
        self.fin = 0  # one past the last non-empty row
        self.largeur = 0
        self.texte = 0
        #: The non-empty row repeated most: (repeats, its row number).
        self.repetee = (1, 0)

    def cellules(self) -> int:
        return 0 if self.premiere is None else (self.fin - self.premiere) * self.largeur


def _ligne_ods(table: _Table, ligne: etree._Element) -> None:
    repetitions = _entier(ligne.get(f"{_T}number-rows-repeated"), LIGNES_FEUILLE - table.lignes)
    colonne = largeur = texte = 0
    for cellule in ligne:
        if cellule.tag not in _CELLULES_ODS:
            continue
        fois = _entier(cellule.get(f"{_T}number-columns-repeated"), COLONNES_FEUILLE)
        contenu = "".join(cellule.itertext())
        formule = cellule.get(f"{_T}formula") or ""
        if len(contenu) > VALEUR_MAX:
            lieu = f"feuille « {_court(table.nom)} », cellule {lettres_colonne(colonne + 1)}{table.lignes + 1}"
            raise _trop_long(lieu, contenu[:60])
        if contenu or formule or cellule.get(f"{{{_OFFICE}}}value-type") is not None:
            largeur = min(colonne + fois, COLONNES_FEUILLE)
            texte += fois * (len(contenu) + len(formule))
        colonne = min(colonne + fois, COLONNES_FEUILLE)
    if largeur:
        if repetitions > LIGNES_REPETEES_MAX:
            table.repetee = (repetitions, table.lignes + 1)
            raise ClasseurRefuse(_message_etendue(table))
        if table.premiere is None:
            table.premiere = table.lignes
        table.fin = table.lignes + repetitions
        table.largeur = max(table.largeur, largeur)
        table.texte += repetitions * texte
        if repetitions > table.repetee[0]:
            table.repetee = (repetitions, table.lignes + 1)
    table.lignes = min(table.lignes + repetitions, LIGNES_FEUILLE)


def _ligne_lue(table: _Table, ligne: etree._Element, cellules: int, texte: int) -> None:
    """Count a row of ``content.xml``, free it and those before it, refuse past the limits."""
    _ligne_ods(table, ligne)
    ligne.clear()
    while ligne.getprevious() is not None:  # the rows already read, emptied, go too
        del ligne.getparent()[0]
    if cellules + table.cellules() > CELLULES_MAX:
        raise ClasseurRefuse(_message_etendue(table))
    if texte + table.texte > TEXTE_MAX:
        raise ClasseurRefuse(_message_texte())


def _verifier_contenu_ods(morceaux: Iterable[bytes]) -> None:
    """Follow ``content.xml`` row by row (rows freed as they go) and refuse what calamine could not hold."""
    analyseur = etree.XMLPullParser(
        events=("start", "end"),
        tag=(f"{_T}table", f"{_T}table-row"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,  # a text node over 10 MB is an error, not a value
    )
    tables: list[_Table] = []
    cellules = texte = 0
    try:
        for morceau in morceaux:
            analyseur.feed(morceau)
            for evenement, element in analyseur.read_events():
                if element.tag == f"{_T}table":
                    if evenement == "start":
                        tables.append(_Table(element.get(f"{_T}name") or "?"))
                    else:
                        cellules += tables[-1].cellules()
                        texte += tables[-1].texte
                        element.clear()
                    continue
                if evenement == "end" and tables:
                    _ligne_lue(tables[-1], element, cellules, texte)
        analyseur.close()
    except etree.XMLSyntaxError as err:
        if "huge" in str(err).lower():
            raise _trop_long("content.xml", "…") from err
        raise ClasseurRefuse(
            "content.xml mal formé ; enregistrez le classeur de nouveau au format .ods ou .xlsx"
        ) from err


def _message_etendue(table: _Table) -> str:
    fois, rang = table.repetee
    if fois > LIGNES_REPETEES_MAX:
        cause = (
            f"la ligne {_nombre(rang)} de la feuille « {_court(table.nom)} » est répétée {_nombre(fois)} fois "
            "(une valeur recopiée jusqu'au bas de la feuille ?)"
        )
    else:
        cause = f"plus de {_nombre(CELLULES_MAX)} cellules à lire"
    return (
        f"classeur trop étendu : {cause} ; supprimez les lignes et les colonnes au-delà des données, "
        "puis enregistrez-le de nouveau"
    )
