"""The Jinja skeleton of a template part: one line per paragraph, as docxtpl will hand it to Jinja.

docxtpl joins the text of a paragraph's runs into the tags, turns ``{%p … %}``, ``{%tr … %}``,
``{%tc … %}`` and ``{{r … }}`` into plain tags and replaces Word's curly quotes inside tags
(“ ” ‘ ’) by straight ones. The skeleton applies the same rules to the paragraph texts, one
paragraph per line, so a Jinja error or a variable found at line N is located at the N-th
paragraph (« tableau 2, ligne 3, cellule 1 ») instead of somewhere in 30 kB of XML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from clause_kit.revue.texte import (
    INSERTION,
    LIEN,
    SUPPRESSION,
    Bloc,
    Document,
    Ligne,
    Paragraphe,
    Partie,
    Tableau,
)

__all__ = [
    "BALISE",
    "LigneSquelette",
    "Squelette",
    "extrait",
    "marques_de",
    "normaliser",
    "squelettes",
    "texte_de_ligne",
]

#: A complete tag in one paragraph's text.
BALISE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_PREFIXES = re.compile(r"(\{%-?|\{\{-?|\{#)(p|tr|tc|r) ")
_FUSIONS = re.compile(r"\{%-?\s*(vm|hm)\s*-?%\}")
_ATTRIBUTS = re.compile(r"\{%-?\s*(colspan|cellbg)\s+(.*?)\s*-?%\}", re.DOTALL)
_GUILLEMETS_WORD = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


@dataclass(frozen=True)
class LigneSquelette:
    """One skeleton line: the paragraph it comes from, and its row and cell when in a table."""

    paragraphe: Paragraphe
    ligne: Ligne | None = None
    cellule_texte: str | None = None


@dataclass
class Squelette:
    """The skeleton of one part (body, a header...), with the paragraph behind each line."""

    partie: Partie
    lignes: list[LigneSquelette] = field(default_factory=list)

    @property
    def source(self) -> str:
        """The Jinja source, line N+1 being ``lignes[N]``."""
        return self.source_reparee(set(), {}, "")

    def source_reparee(
        self, illisibles: set[str], remplacements: dict[int, list[tuple[int, int, str]]], fin: str
    ) -> str:
        """The Jinja source made readable for the variable check.

        The paragraphs at the ``illisibles`` places are left blank, the ``remplacements``
        (line → start, end, text) applied and ``fin`` appended.
        """
        lignes = []
        for numero, ligne in enumerate(self.lignes):
            texte = ligne.paragraphe.brut
            for debut, arret, remplacement in sorted(remplacements.get(numero, []), reverse=True):
                texte = texte[:debut] + remplacement + texte[arret:]
            lignes.append("" if ligne.paragraphe.lieu in illisibles else normaliser(texte))
        return "\n".join(lignes) + fin

    def a_la_ligne(self, numero: int | None) -> LigneSquelette | None:
        """The skeleton line of a Jinja line number (1-based)."""
        if numero is None or not 1 <= numero <= len(self.lignes):
            return None
        return self.lignes[numero - 1]


def normaliser(texte: str) -> str:
    """A paragraph's text as Jinja will see it after docxtpl's preprocessing."""
    texte = texte.replace("\n", " ")
    texte = BALISE.sub(lambda m: m.group(0).translate(_GUILLEMETS_WORD), texte)
    texte = _FUSIONS.sub("", texte)
    texte = _ATTRIBUTS.sub(r"{{ \2 }}", texte)
    return _PREFIXES.sub(r"\1 ", texte)


def squelettes(document: Document) -> list[Squelette]:
    """One skeleton per part that clause_kit renders (body, headers, footers, notes, properties)."""
    sortie = []
    for partie in document.parties:
        squelette = Squelette(partie)
        _ajouter(squelette, partie.blocs, None)
        sortie.append(squelette)
    return sortie


def _ajouter(squelette: Squelette, blocs: list[Bloc], ligne: Ligne | None, cellule: str | None = None) -> None:
    for bloc in blocs:
        if isinstance(bloc, Paragraphe):
            squelette.lignes.append(LigneSquelette(bloc, ligne, cellule))
            _ajouter(squelette, bloc.zones, ligne, cellule)
        elif isinstance(bloc, Tableau):
            for rangee in bloc.lignes:
                for case in rangee.cellules:
                    texte = " ".join(p.brut for p in _paragraphes(case.blocs))
                    _ajouter(squelette, case.blocs, rangee, texte)


def _paragraphes(blocs: list[Bloc]) -> list[Paragraphe]:
    sortie: list[Paragraphe] = []
    for bloc in blocs:
        if isinstance(bloc, Paragraphe):
            sortie.append(bloc)
        else:
            for rangee in bloc.lignes:
                for case in rangee.cellules:
                    sortie += _paragraphes(case.blocs)
    return sortie


def texte_de_ligne(ligne: Ligne) -> str:
    """All the text of a table row, as Jinja sees it."""
    return " ".join(p.brut for case in ligne.cellules for p in _paragraphes(case.blocs))


def marques_de(paragraphe: Paragraphe, debut: int, fin: int) -> set[str]:
    """Tracked-change and hyperlink marks on the characters ``debut:fin`` of ``paragraphe.brut``."""
    marques: set[str] = set()
    position = 0
    for segment in paragraphe.segments:
        if "forme" in segment.marques:
            continue
        suivant = position + len(segment.texte)
        if suivant > debut and position < fin:
            marques |= segment.marques & {SUPPRESSION, INSERTION, LIEN}
        position = suivant
    return marques


def extrait(texte: str, position: int = 0, largeur: int = 90) -> str:
    """The text around ``position``, on one line, shortened with « … » for a message."""
    texte = " ".join(texte.split())
    if len(texte) <= largeur:
        return texte
    debut = max(0, min(position - largeur // 3, len(texte) - largeur))
    morceau = texte[debut : debut + largeur]
    return ("…" if debut > 0 else "") + morceau + ("…" if debut + largeur < len(texte) else "")
