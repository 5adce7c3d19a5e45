"""The text of a .docx as a reader sees it: one paragraph per line, in reading order.

``lire`` walks the document into blocks (paragraphs and tables) that remember where they
are (« paragraphe 12 », « tableau 2, ligne 3, cellule 1 », « en-tête ») and, for each piece of
text, whether Word shows it: text inside a tracked deletion or a field code is kept, marked,
because Jinja sees it even though a reader does not. ``texte`` prints what the reader sees:

* the headers first, each line prefixed « [en-tête] », then the body, then the footers
  (« [pied de page] ») and the notes (« [note 1] »), then the title and subject of the document;
* a table row is one line, its cells separated by « | »; paragraphs inside a cell are joined
  by « ¶ », a line break inside a paragraph shows as « ↵ »;
* numbering is shown as Word shows it (« Article 3 – », « 1.2 », « • »);
* Jinja tags are kept verbatim, even when Word split them across runs;
* tracked changes are shown accepted (the text the document would have once they are);
  empty paragraphs and page breaks, which a reader does not read, are left out.

The output is stable (same document, same text), so it serves as git's ``textconv`` for
``.docx`` files and as the golden text of the bundled templates.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from clause_kit.revue.numerotation import Numerotation
from clause_kit.revue.paquet import Paquet, W, ouvrir, qn

__all__ = [
    "Cellule",
    "Document",
    "Ligne",
    "Paragraphe",
    "Partie",
    "Segment",
    "Tableau",
    "lignes",
    "lire",
    "texte",
]

#: Text inside a tracked deletion (or a move's origin): Jinja sees it, the reader of the accepted text does not.
SUPPRESSION = "suppression"
#: Text inside a tracked insertion (or a move's destination).
INSERTION = "insertion"
#: Text inside a hyperlink.
LIEN = "lien"
#: A field instruction (`` PAGE ``, `` HYPERLINK "…" ``): hidden from the reader, seen by Jinja.
CHAMP = "champ"
#: What Word shows but the XML holds as an element, not text (tab, line break, note number): Jinja never sees it.
FORME = "forme"

_SAUT_DE_LIGNE = " ↵ "
#: Elements holding text, and how a reader sees it.
_TEXTES: dict[str, set[str]] = {"t": set(), "delText": {SUPPRESSION}, "instrText": {CHAMP}}
_TEXTES["delInstrText"] = {CHAMP, SUPPRESSION}
_PROPRIETES_AFFICHEES = {"title": "titre", "subject": "sujet"}
_PROPRIETES = {
    "title": "titre",
    "subject": "sujet",
    "creator": "auteur",
    "keywords": "mots-clés",
    "description": "commentaires",
    "lastModifiedBy": "modifié par",
    "category": "catégorie",
    "contentStatus": "statut",
    "identifier": "identifiant",
    "language": "langue",
    "version": "version",
}
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_MATH_T = "{http://schemas.openxmlformats.org/officeDocument/2006/math}t"
_IGNORES = {qn(n) for n in ("w:pPr", "w:rPr", "w:sdtPr", "w:sdtEndPr", "w:smartTagPr", "w:customXmlPr", "w:fldData")}
_IGNORES.add(_MC_FALLBACK)
_ENVELOPPES = {qn(n) for n in ("w:sdt", "w:sdtContent", "w:customXml", "w:smartTag")}
_MARQUES_ENVELOPPES = {
    qn("w:hyperlink"): LIEN,
    qn("w:ins"): INSERTION,
    qn("w:moveTo"): INSERTION,
    qn("w:del"): SUPPRESSION,
    qn("w:moveFrom"): SUPPRESSION,
}


@dataclass(frozen=True)
class Segment:
    """A run of text and what surrounds it (tracked change, hyperlink, field code)."""

    texte: str
    marques: frozenset[str] = frozenset()


@dataclass
class Paragraphe:
    """One paragraph: where it is, its numbering label and its text segments."""

    lieu: str
    segments: list[Segment] = field(default_factory=list)
    etiquette: str = ""
    #: The paragraph mark is a tracked deletion: once accepted, the paragraph joins the next one.
    marque_supprimee: bool = False
    #: The paragraph mark is a tracked insertion or deletion (a pending change, even with no text).
    marque_modifiee: bool = False
    #: Text boxes anchored in the paragraph.
    zones: list[Bloc] = field(default_factory=list)
    #: For a document property (title, subject...): its name in docProps/core.xml.
    propriete: str | None = None

    @property
    def lecture(self) -> str:
        """The text a reader sees once tracked changes are accepted."""
        return "".join(s.texte for s in self.segments if not s.marques & {SUPPRESSION, CHAMP})

    @property
    def brut(self) -> str:
        """All the characters of the paragraph's XML text, as Jinja sees them (deleted text and field codes too)."""
        return "".join(s.texte for s in self.segments if FORME not in s.marques)


@dataclass
class Cellule:
    """A table cell and its blocks."""

    lieu: str
    blocs: list[Bloc] = field(default_factory=list)


@dataclass
class Ligne:
    """A table row."""

    lieu: str
    cellules: list[Cellule] = field(default_factory=list)
    supprimee: bool = False
    inseree: bool = False


@dataclass
class Tableau:
    """A table: its rows in order."""

    lieu: str
    lignes: list[Ligne] = field(default_factory=list)


Bloc = Paragraphe | Tableau


@dataclass
class Partie:
    """A part of the document with text: body, a header, a footer, the notes, the properties."""

    nom: str
    genre: str
    prefixe: str
    blocs: list[Bloc] = field(default_factory=list)


@dataclass
class Document:
    """A .docx read for review."""

    nom: str
    parties: list[Partie]
    paquet: Paquet

    def paragraphes(self) -> Iterator[tuple[Partie, Paragraphe]]:
        """Every paragraph, in tables and text boxes too, in reading order."""
        for partie in self.parties:
            for paragraphe in paragraphes_de(partie.blocs):
                yield partie, paragraphe


def paragraphes_de(blocs: list[Bloc]) -> Iterator[Paragraphe]:
    """The paragraphs of a list of blocks, depth first."""
    for bloc in blocs:
        if isinstance(bloc, Paragraphe):
            yield bloc
            yield from paragraphes_de(bloc.zones)
        else:
            for ligne in bloc.lignes:
                for cellule in ligne.cellules:
                    yield from paragraphes_de(cellule.blocs)


def _enfants(element: etree._Element, nom: str) -> Iterator[etree._Element]:
    """Children called ``nom``, looking through content controls and custom XML that may wrap rows or cells."""
    for enfant in element:
        if enfant.tag == nom:
            yield enfant
        elif enfant.tag in _ENVELOPPES:
            yield from _enfants(enfant, nom)


def _joindre(*morceaux: str) -> str:
    return ", ".join(m for m in morceaux if m)


class _Lecteur:
    """Walks the parts of one document; numbers notes in the order their references appear."""

    def __init__(self, paquet: Paquet) -> None:
        self.paquet = paquet
        #: Complex fields being read (``fldChar`` begin … separate … end), innermost last: [instruction, in result].
        self.champs: list[list[str | bool]] = []
        self.notes: dict[tuple[str, str], int] = {}
        self._numeros = {"note": 0, "fin": 0}
        self.numerotation = Numerotation(paquet.premier("numbering"), paquet.premier("styles"))

    def blocs(self, conteneur: etree._Element, lieu: str, compter: bool = False) -> list[Bloc]:
        """Blocks of a container (body, cell, header, note, text box); ``compter`` numbers its paragraphs."""
        blocs: list[Bloc] = []
        paragraphes = tableaux = 0
        for enfant in conteneur:
            if enfant.tag == qn("w:p"):
                paragraphe = self.paragraphe(enfant, lieu)
                if compter and paragraphe.brut.strip():
                    paragraphes += 1
                    paragraphe.lieu = _joindre(lieu, f"paragraphe {paragraphes}")
                blocs.append(paragraphe)
            elif enfant.tag == qn("w:tbl"):
                tableaux += 1
                blocs.append(self.tableau(enfant, _joindre(lieu, f"tableau {tableaux}")))
            elif enfant.tag in _ENVELOPPES or enfant.tag in _MARQUES_ENVELOPPES:
                blocs += self.blocs(enfant, lieu)  # block-level content control: its content in place
        return blocs

    def tableau(self, tbl: etree._Element, lieu: str) -> Tableau:
        """A table, row by row, cell by cell."""
        tableau = Tableau(lieu)
        for r, tr in enumerate(_enfants(tbl, qn("w:tr")), start=1):
            trpr = tr.find(qn("w:trPr"))
            ligne = Ligne(
                _joindre(lieu, f"ligne {r}"),
                supprimee=trpr is not None and trpr.find(qn("w:del")) is not None,
                inseree=trpr is not None and trpr.find(qn("w:ins")) is not None,
            )
            for c, tc in enumerate(_enfants(tr, qn("w:tc")), start=1):
                lieu_cellule = _joindre(ligne.lieu, f"cellule {c}")
                ligne.cellules.append(Cellule(lieu_cellule, self.blocs(tc, lieu_cellule)))
            tableau.lignes.append(ligne)
        return tableau

    def paragraphe(self, p: etree._Element, lieu: str) -> Paragraphe:
        """A paragraph: its segments, its text boxes, and its numbering unless its mark is deleted."""
        paragraphe = Paragraphe(lieu)
        marque = p.find(f"{qn('w:pPr')}/{qn('w:rPr')}")
        if marque is not None:
            paragraphe.marque_supprimee = any(marque.find(qn(n)) is not None for n in ("w:del", "w:moveFrom"))
            paragraphe.marque_modifiee = paragraphe.marque_supprimee or any(
                marque.find(qn(n)) is not None for n in ("w:ins", "w:moveTo")
            )
        self._contenu(p, frozenset(), paragraphe)
        if not paragraphe.marque_supprimee:
            paragraphe.etiquette = self.numerotation.etiquette(p)
        return paragraphe

    def _contenu(self, element: etree._Element, marques: frozenset[str], paragraphe: Paragraphe) -> None:
        for enfant in element:
            etiquette = enfant.tag
            if not isinstance(etiquette, str) or etiquette in _IGNORES:
                continue
            if etiquette in _MARQUES_ENVELOPPES:
                self._contenu(enfant, marques | {_MARQUES_ENVELOPPES[etiquette]}, paragraphe)
            elif etiquette == qn("w:txbxContent"):
                paragraphe.zones += self.blocs(enfant, _joindre(paragraphe.lieu, "zone de texte"))
            elif etiquette.startswith(f"{{{W}}}") or etiquette == _MATH_T:
                self._element(enfant, etiquette, marques, paragraphe)
            else:
                self._contenu(enfant, marques, paragraphe)

    def _element(self, enfant: etree._Element, etiquette: str, marques: frozenset[str], p: Paragraphe) -> None:
        local = etiquette.rsplit("}", 1)[1]
        if local in _TEXTES or etiquette == _MATH_T:
            self._texte(enfant, local, marques, p)
        elif local in _FORMES:
            _ajouter(p, _FORMES[local](enfant), marques | {FORME})
        elif local == "fldChar":
            self._champ(enfant.get(qn("w:fldCharType")), marques, p)
        elif local == "fldSimple" and _variable(enfant.get(qn("w:instr")) or ""):
            _ajouter(p, _variable(enfant.get(qn("w:instr")) or ""), marques | {FORME})
            self._contenu(enfant, marques | {CHAMP}, p)
        elif local in ("footnoteReference", "endnoteReference"):
            genre = "note" if local == "footnoteReference" else "fin"
            numero = self.numero_note(genre, enfant.get(qn("w:id")) or "")
            _ajouter(p, f"[{numero}]" if genre == "note" else f"[fin {numero}]", marques | {FORME})
        else:
            self._contenu(enfant, marques, p)

    def _texte(self, enfant: etree._Element, local: str, marques: frozenset[str], p: Paragraphe) -> None:
        """Text, deleted text or a field instruction; the stale value of a page number is hidden."""
        ajout = _TEXTES.get(local, set())
        if local in ("instrText", "delInstrText") and self.champs:
            self.champs[-1][0] = str(self.champs[-1][0]) + (enfant.text or "")
        elif self.champs and self.champs[-1][1] and _variable(str(self.champs[-1][0])):
            ajout = ajout | {CHAMP}
        _ajouter(p, enfant.text or "", marques | ajout)

    def _champ(self, sorte: str | None, marques: frozenset[str], p: Paragraphe) -> None:
        """Follow a complex field; a page number or a date is shown by what it is, not by its last value."""
        if sorte == "begin":
            self.champs.append(["", False])
        elif sorte == "separate" and self.champs:
            self.champs[-1][1] = True
            if _variable(str(self.champs[-1][0])):
                _ajouter(p, _variable(str(self.champs[-1][0])), marques | {FORME})
        elif sorte == "end" and self.champs:
            self.champs.pop()

    def numero_note(self, genre: str, identifiant: str) -> int:
        """The number Word shows for a footnote or endnote: its rank of first reference."""
        cle = (genre, identifiant)
        if cle not in self.notes:
            self._numeros[genre] += 1
            self.notes[cle] = self._numeros[genre]
        return self.notes[cle]


def _ajouter(paragraphe: Paragraphe, texte: str, marques: frozenset[str]) -> None:
    if not texte:
        return
    segments = paragraphe.segments
    if segments and segments[-1].marques == marques:  # runs split by formatting read as one
        segments[-1] = Segment(segments[-1].texte + texte, marques)
    else:
        segments.append(Segment(texte, marques))


#: Fields whose value Word recomputes (page numbers, dates): shown by name so that the text is stable.
_CHAMPS_VARIABLES = {
    "PAGE": "[page]",
    "NUMPAGES": "[nombre de pages]",
    "SECTIONPAGES": "[pages de la section]",
    "SECTION": "[section]",
    "DATE": "[date]",
    "TIME": "[heure]",
    "PRINTDATE": "[date d'impression]",
    "SAVEDATE": "[date d'enregistrement]",
    "CREATEDATE": "[date de création]",
    "EDITTIME": "[durée d'édition]",
    "FILENAME": "[nom du fichier]",
}


def _variable(instruction: str) -> str:
    """The label of a recomputed field (« [page] »), "" for any other field."""
    mots = instruction.split()
    return _CHAMPS_VARIABLES.get(mots[0].upper(), "") if mots else ""


def _saut(element: etree._Element) -> str:
    return "" if element.get(qn("w:type")) in ("page", "column") else "\n"  # a page break is layout, not text


#: Elements Word shows as characters: what the reader sees for each.
_FORMES = {
    "tab": lambda e: "\t",
    "ptab": lambda e: "\t",
    "br": _saut,
    "cr": _saut,
    "noBreakHyphen": lambda e: "-",
    "sym": lambda e: _symbole(e.get(qn("w:char")) or ""),
}


def _symbole(code: str) -> str:
    try:
        caractere = chr(int(code, 16))
    except ValueError:
        return ""
    return "•" if "\uf000" <= caractere <= "\uf8ff" else caractere


_ENTETES = {"header": "en-tête", "footer": "pied de page"}
_TYPES = {"default": "", "first": "première page", "even": "pages paires"}


def _entetes(paquet: Paquet, sorte: str) -> list[tuple[str, str]]:
    """(part name, label) of the headers or footers of every section, in order, each part once."""
    vus: set[str] = set()
    trouves = []
    sections = [s for s in paquet.document.iter(qn("w:sectPr")) if s.getparent().tag != qn("w:sectPrChange")]
    for numero, section in enumerate(sections, start=1):
        for reference in section.findall(qn(f"w:{sorte}Reference")):
            partie = paquet.cibles.get(reference.get(qn("r:id")) or "")
            if partie is None or partie in vus:
                continue
            vus.add(partie)
            genre = _TYPES.get(reference.get(qn("w:type")) or "default", "")
            trouves.append((partie, _joindre(_ENTETES[sorte], genre, f"section {numero}" if numero > 1 else "")))
    return trouves


def lire(source: Path | bytes, nom: str | None = None) -> Document:
    """Read a .docx into located blocks; raise ``ErreurDocument`` when it is not a readable Word document."""
    paquet = ouvrir(source, nom)
    lecteur = _Lecteur(paquet)
    parties = []
    for nom_partie, lieu in _entetes(paquet, "header"):
        racine = paquet.partie(nom_partie)
        if racine is not None:
            parties.append(Partie(nom_partie, "en-tête", f"[{lieu}] ", lecteur.blocs(racine, lieu)))
    corps = paquet.document.find(qn("w:body"))
    blocs = lecteur.blocs(corps, "", compter=True) if corps is not None else []
    parties.append(Partie(paquet.nom_document, "corps", "", blocs))
    for nom_partie, lieu in _entetes(paquet, "footer"):
        racine = paquet.partie(nom_partie)
        if racine is not None:
            parties.append(Partie(nom_partie, "pied de page", f"[{lieu}] ", lecteur.blocs(racine, lieu)))
    for genre, sorte in (("note", "footnotes"), ("fin", "endnotes")):
        for nom_partie in paquet.par_type.get(sorte, []):
            parties.append(_notes(lecteur, nom_partie, genre))
    if paquet.nom_proprietes is not None:
        parties.append(_proprietes(paquet, paquet.nom_proprietes))
    return Document(paquet.nom, parties, paquet)


def _notes(lecteur: _Lecteur, nom_partie: str, genre: str) -> Partie:
    """Footnotes or endnotes, each as a table-less block list under its number."""
    racine = lecteur.paquet.partie(nom_partie)
    libelle = "note" if genre == "note" else "note de fin"
    partie = Partie(nom_partie, "notes", "")
    notes = racine.findall(qn("w:footnote" if genre == "note" else "w:endnote")) if racine is not None else []
    numerotees = []
    for note in notes:
        if note.get(qn("w:type")) not in (None, "normal"):
            continue  # separators
        numerotees.append((lecteur.numero_note(genre, note.get(qn("w:id")) or ""), note))
    for numero, note in sorted(numerotees, key=lambda n: n[0]):
        lieu = f"{libelle} {numero}"
        partie.blocs.append(Tableau(lieu, [Ligne(lieu, [Cellule(lieu, lecteur.blocs(note, lieu))])]))
    return partie


def _proprietes(paquet: Paquet, nom_partie: str) -> Partie:
    racine = paquet.partie(nom_partie)
    partie = Partie(nom_partie, "propriétés", "")
    for element in racine if racine is not None else []:
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        if local in _PROPRIETES and element.text:
            partie.blocs.append(
                Paragraphe(f"propriétés, {_PROPRIETES[local]}", [Segment(element.text)], propriete=local)
            )
    return partie


def _lignes_blocs(blocs: list[Bloc]) -> Iterator[str]:
    en_attente = ""  # text of paragraphs whose mark is deleted: it joins the next paragraph
    for bloc in blocs:
        if isinstance(bloc, Tableau):
            yield from _lignes_tableau(bloc)
            continue
        if bloc.marque_supprimee:
            en_attente += bloc.lecture
            continue
        ligne = (bloc.etiquette + en_attente + bloc.lecture).replace("\n", _SAUT_DE_LIGNE).rstrip()
        en_attente = ""
        if ligne.strip():
            yield ligne
        yield from (f"[zone de texte] {z}" for z in _lignes_blocs(bloc.zones))
    if en_attente.strip():
        yield en_attente.replace("\n", _SAUT_DE_LIGNE).rstrip()


def _lignes_tableau(tableau: Tableau) -> Iterator[str]:
    for ligne in tableau.lignes:
        if ligne.supprimee:
            continue
        cellules = [" ¶ ".join(_lignes_blocs(c.blocs)) for c in ligne.cellules]
        yield "| " + " | ".join(cellules) + " |"


def lignes(document: Document) -> list[str]:
    """The reader's lines of a document (see the module docstring for the layout)."""
    sortie: list[str] = []
    for partie in document.parties:
        if partie.genre == "propriétés":
            valeurs = {b.propriete: b.lecture for b in partie.blocs if isinstance(b, Paragraphe)}
            for propriete, libelle in _PROPRIETES_AFFICHEES.items():  # a fixed order: Word and LibreOffice differ
                if valeurs.get(propriete, "").strip():
                    sortie.append(f"[{libelle}] {valeurs[propriete]}".rstrip())
        elif partie.genre == "notes":
            for bloc in partie.blocs:  # in the order of their numbers, which is the order of their references
                assert isinstance(bloc, Tableau)
                contenu = " ¶ ".join(_lignes_blocs(bloc.lignes[0].cellules[0].blocs)).strip()
                sortie.append(f"[{bloc.lieu}] {contenu}".rstrip())
        else:
            sortie += [partie.prefixe + ligne for ligne in _lignes_blocs(partie.blocs)]
    return sortie


def texte(source: Path | bytes, nom: str | None = None) -> str:
    """The reader's text of a .docx, one line per paragraph or table row, ending with a newline."""
    return "".join(ligne + "\n" for ligne in lignes(lire(source, nom)))
