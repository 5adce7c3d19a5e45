"""Checks on the tags of a template, paragraph by paragraph, before Jinja reads them.

Each finding names the place (« paragraphe 12 », « tableau 2, ligne 3, cellule 1 ») and quotes
the text around it, because a legal service finds a paragraph with Ctrl+F, not by an XML
offset. What docxtpl repairs by itself (a tag split across runs by Word's formatting or
spell-check marks, “curly” quotes) is not reported; what it cannot repair is:

* a tag left open in its paragraph (docxtpl would merge the paragraphs up to its end);
* a ``{%p %}``, ``{%tr %}`` or ``{%tc %}`` tag sharing its paragraph, row or cell with
  other text: docxtpl replaces the whole paragraph, row or cell by the tag, so that text
  would silently disappear from every dossier;
* a tag inside a tracked change (Jinja reads deleted text too) or a hyperlink (the link's
  address is not rendered, only its text);
* French quotes « » inside a tag, which Jinja does not read as quotes;
* ``{% if %}`` / ``{% for %}`` blocks left open, closed twice or crossed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from clause_kit.revue.squelette import (
    BALISE,
    LigneSquelette,
    Squelette,
    extrait,
    marques_de,
    normaliser,
    texte_de_ligne,
)
from clause_kit.revue.texte import INSERTION, LIEN, SUPPRESSION

__all__ = ["Constat", "Reparation", "verifier_balises", "verifier_blocs"]

_JETONS = re.compile(r"\{\{|\{%|\{#|\}\}|%\}|#\}")
_FERMANTS = {"{{": "}}", "{%": "%}", "{#": "#}"}
_MOT_CLE = re.compile(r"^\{%-?\s*(\w+)")
_OUVRANTS = {"if", "for", "macro", "call", "filter", "with", "block", "raw", "autoescape"}
_INTERMEDIAIRES = {"elif": {"if"}, "else": {"if", "for"}}
_GUILLEMETS = re.compile(r"""("[^"]*"|'[^']*')""")


@dataclass(frozen=True)
class Constat:
    """A finding on a template: where, what, and whether it makes the template unusable."""

    lieu: str
    message: str
    grave: bool = True
    #: The tag cannot be read at all (left open, French quotes): Jinja would stop on it.
    syntaxe: bool = False


def verifier_balises(squelette: Squelette) -> list[Constat]:
    """Tag-level findings of one part, paragraph by paragraph."""
    constats: list[Constat] = []
    for ligne in squelette.lignes:
        texte = ligne.paragraphe.brut
        constats += _ouvertures(ligne, texte)
        for balise in BALISE.finditer(texte):
            constats += _balise(ligne, texte, balise)
    return constats


def _ouvertures(ligne: LigneSquelette, texte: str) -> list[Constat]:
    """Tags opened and not closed in the paragraph, closings without opening."""
    constats = []
    ouvert: tuple[str, int] | None = None
    for jeton in _JETONS.finditer(texte):
        valeur = jeton.group(0)
        if valeur in _FERMANTS:
            if ouvert is None:
                ouvert = (valeur, jeton.start())
        elif ouvert is not None and _FERMANTS[ouvert[0]] == valeur:
            ouvert = None
        elif ouvert is None and valeur != "}}":  # « }} » alone may close a dict literal: Jinja will say
            constats.append(
                Constat(
                    ligne.paragraphe.lieu,
                    f"« {valeur} » sans ouverture : « {extrait(texte, jeton.start())} »",
                    syntaxe=True,
                )
            )
    if ouvert is not None:
        debut = texte[ouvert[1] : ouvert[1] + 40]
        constats.append(
            Constat(
                ligne.paragraphe.lieu,
                f"balise « {debut.strip()} » non fermée dans son paragraphe (il manque « {_FERMANTS[ouvert[0]]} » ; "
                f"une balise doit tenir dans un seul paragraphe) : « {extrait(texte, ouvert[1])} »",
                syntaxe=True,
            )
        )
    return constats


def _balise(ligne: LigneSquelette, texte: str, balise: re.Match[str]) -> list[Constat]:
    lieu, valeur = ligne.paragraphe.lieu, balise.group(0)
    constats = []
    marques = marques_de(ligne.paragraphe, balise.start(), balise.end())
    if marques & {SUPPRESSION, INSERTION}:
        constats.append(
            Constat(
                lieu,
                f"balise « {valeur} » dans une modification suivie (acceptez ou refusez les modifications dans Word : "
                "Jinja lit aussi le texte supprimé)",
            )
        )
    if LIEN in marques:
        constats.append(
            Constat(
                lieu,
                f"balise « {valeur} » dans un lien hypertexte : seul le texte affiché serait rempli, pas l'adresse "
                "du lien ; sortez la balise du lien",
            )
        )
    hors_chaines = _GUILLEMETS.sub("", valeur.translate(str.maketrans("“”‘’", "\"\"''")))
    if "«" in hors_chaines or "»" in hors_chaines:
        message = f'guillemets « » dans la balise « {valeur} » : écrivez des guillemets droits (")'
        constats.append(Constat(lieu, message, syntaxe=True))
    constats += _isolement(ligne, texte, valeur)
    return constats


def _isolement(ligne: LigneSquelette, texte: str, valeur: str) -> list[Constat]:
    """A {%p %}, {%tr %} or {%tc %} tag must be alone in its paragraph, row or cell: docxtpl keeps only the tag."""
    prefixe = re.match(r"\{(?:%|\{|#)-?(p|tr|tc|r) ", valeur)
    if prefixe is None:
        return []
    sorte = prefixe.group(1)
    if sorte == "r":
        return [
            Constat(
                ligne.paragraphe.lieu,
                f"balise de texte enrichi « {valeur} » : les valeurs de clause_kit sont du texte simple, "
                "écrivez la balise sans « r »",
            )
        ]
    if sorte == "p":
        autour, tout, seule = texte, "tout le paragraphe", "seule dans son paragraphe"
    elif sorte == "tr" and ligne.ligne is not None:
        autour, tout, seule = texte_de_ligne(ligne.ligne), "toute la ligne du tableau", "seule dans sa ligne"
    elif sorte == "tc" and ligne.cellule_texte is not None:
        autour, tout, seule = ligne.cellule_texte, "toute la cellule", "seule dans sa cellule"
    else:
        return [Constat(ligne.paragraphe.lieu, f"balise « {valeur} » hors d'un tableau")]
    reste = " ".join(autour.replace(valeur, " ", 1).split())
    if not reste:
        return []
    return [
        Constat(
            ligne.paragraphe.lieu,
            f"texte à côté de la balise « {valeur} » : docxtpl remplace {tout} par la balise, "
            f"« {extrait(reste)} » disparaîtrait de tous les dossiers ; mettez la balise {seule}",
        )
    ]


@dataclass
class _Ouvert:
    mot: str
    balise: str
    lieu: str


@dataclass
class Reparation:
    """How to make the blocks of a part balanced, so that Jinja can still read it and its variables be checked.

    Orphan ends are dropped, the ends of crossed blocks are put back where they belong, and the
    blocks never closed are closed at the end. Only for the check: the template is not changed.
    """

    #: Skeleton line → (start, end, replacement) on the paragraph's text.
    remplacements: dict[int, list[tuple[int, int, str]]] = field(default_factory=dict)
    fin: str = ""

    def remplacer(self, ligne: int, debut: int, fin: int, texte: str) -> None:
        """Replace the characters ``debut:fin`` of a line's paragraph text."""
        self.remplacements.setdefault(ligne, []).append((debut, fin, texte))


@dataclass
class _Pile:
    ouverts: list[_Ouvert] = field(default_factory=list)
    #: Blocks already reported as crossed: their own end, met later, is not reported again.
    croises: list[_Ouvert] = field(default_factory=list)
    reparation: Reparation = field(default_factory=Reparation)


def verifier_blocs(squelette: Squelette) -> tuple[list[Constat], Reparation]:
    """Blocks ({% if %}, {% for %}...) opened and closed in order over the whole part, and how to balance them."""
    pile = _Pile()
    constats = []
    for numero, ligne in enumerate(squelette.lignes):
        lieu = ligne.paragraphe.lieu
        for balise in BALISE.finditer(ligne.paragraphe.brut):
            mot = _MOT_CLE.match(normaliser(balise.group(0)))
            if mot is None:
                continue
            constat = _suivre(pile, mot.group(1), balise.group(0), lieu, (numero, balise.start(), balise.end()))
            if constat is not None:
                constats.append(constat)
    for ouvert in reversed(pile.ouverts):
        pile.reparation.fin += f"{{% end{ouvert.mot} %}}"
        constats.insert(
            0, Constat(ouvert.lieu, f"« {ouvert.balise} » n'est jamais fermé : il manque « {{% end{ouvert.mot} %}} »")
        )
    return constats, pile.reparation


Position = tuple[int, int, int]  # skeleton line, start and end of the tag in the paragraph's text


def _suivre(pile: _Pile, mot: str, valeur: str, lieu: str, position: Position) -> Constat | None:
    ouverts = pile.ouverts
    if mot in _OUVRANTS or (mot == "set" and "=" not in valeur):
        ouverts.append(_Ouvert(mot, valeur, lieu))
    elif mot in _INTERMEDIAIRES:
        if not ouverts or ouverts[-1].mot not in _INTERMEDIAIRES[mot]:
            pile.reparation.remplacer(*position, "")
            return Constat(lieu, f"« {valeur} » hors d'un bloc {{% if %}}" + (" ou {% for %}" if mot == "else" else ""))
    elif mot.startswith("end"):
        return _fermer(pile, mot[3:], valeur, lieu, position)
    return None


def _fermer(pile: _Pile, attendu: str, valeur: str, lieu: str, position: Position) -> Constat | None:
    ouverts = pile.ouverts
    if ouverts and ouverts[-1].mot == attendu:
        ouverts.pop()
        return None
    croise = next((o for o in pile.croises if o.mot == attendu), None)
    if croise is not None:  # the end of a block already reported as crossed: closed earlier in the repair
        pile.croises.remove(croise)
        pile.reparation.remplacer(*position, "")
        return None
    if not any(o.mot == attendu for o in ouverts):
        pile.reparation.remplacer(*position, "")
        return Constat(lieu, f"« {valeur} » ferme un bloc qui n'a pas été ouvert")
    interieurs = []
    while ouverts[-1].mot != attendu:
        interieurs.append(ouverts.pop())
    ouvert = ouverts.pop()
    pile.croises += interieurs
    pile.reparation.remplacer(*position, "".join(f"{{% end{o.mot} %}}" for o in interieurs) + normaliser(valeur))
    interieur = interieurs[-1]
    return Constat(
        lieu,
        f"« {valeur} » ferme « {ouvert.balise} » ({ouvert.lieu}) alors que « {interieur.balise} » "
        f"({interieur.lieu}), ouvert après, n'est pas fermé : les blocs se croisent "
        f"ou un « {{% end{interieur.mot} %}} » manque",
    )
