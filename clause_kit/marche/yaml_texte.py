"""YAML read as the officer typed it, by the checking loader and by the batch's fast pre-scan alike.

PyYAML follows YAML 1.1, which reads ``0442000000`` as an octal number (76021760), ``1:20``
as base 60 (80), ``2026_031`` as 2026031, ``1.50`` as 1.5 and ``yes``/``no``/``on``/``off``
as booleans: a telephone number, a reference or a SIRET would reach the documents altered.
Here a plain scalar keeps its source text; only the YAML 1.2 core null (``~``, ``null``,
empty) and booleans (``true``/``false``) are resolved. Number fields parse their text in the
model (``modele``), which refuses the YAML 1.1 forms instead of guessing.

Aliases are refused rather than expanded (they serve no purpose here and enable "billion
laughs" bombs), and so are structures deeper than ``PROFONDEUR_MAX``. The pre-scan
(``champs_rapides``) walks libyaml's event stream with the same rules, so it never builds a
tree, never expands an alias and agrees with the loader on what ``reference`` is.
"""

from __future__ import annotations

import re
from typing import Any

from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    DocumentStartEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from clause_kit.marche.modele import Chemin

__all__ = ["PROFONDEUR_MAX", "ChargeurTexte", "ProblemeYaml", "champs_rapides"]

#: A contract description is a handful of levels deep; anything deeper is not one, and would
#: exhaust Python's recursion when the YAML tree is built (PyYAML's composer is recursive).
PROFONDEUR_MAX = 20

_NUL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOLEEN = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")


class ProblemeYaml(Exception):  # noqa: N818 - a located problem, turned into a Probleme by the caller
    """Raised while reading YAML: a line (or None) and a French message."""

    def __init__(self, ligne: int | None, message: str) -> None:
        super().__init__(message)
        self.ligne, self.message = ligne, message


class _ResolveurTexte(BaseResolver):
    """YAML 1.2 core null and booleans only: every other plain scalar stays text."""


_ResolveurTexte.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOLEEN, list("tTfF"))
_ResolveurTexte.add_implicit_resolver("tag:yaml.org,2002:null", _NUL, ["~", "n", "N", ""])


class ChargeurTexte(Reader, Scanner, Parser, Composer, SafeConstructor, _ResolveurTexte):
    """PyYAML's safe loader with text scalars, mapping keys as typed, no aliases, bounded depth."""

    profondeur = 0

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        _ResolveurTexte.__init__(self)

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:  # type: ignore[override]
        """Compose one node, refusing aliases and too deep structures with a located message."""
        evenement = self.peek_event()
        if self.check_event(AliasEvent):
            raise ProblemeYaml(evenement.start_mark.line + 1, "les alias YAML (*nom) ne sont pas acceptés")
        if self.profondeur >= PROFONDEUR_MAX:
            ligne = evenement.start_mark.line + 1
            raise ProblemeYaml(ligne, f"structure trop imbriquée (plus de {PROFONDEUR_MAX} niveaux)")
        self.profondeur += 1
        try:
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            self.profondeur -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Keys are the text typed (``1:``, ``null:`` or ``on:`` are keys named so, not numbers or booleans)."""
        self.flatten_mapping(node)
        donnees = {}
        for cle, valeur in node.value:
            nom = cle.value if isinstance(cle, ScalarNode) else self.construct_object(cle, deep=deep)
            donnees[nom] = self.construct_object(valeur, deep=deep)
        return donnees


# Only what a contract description needs: text, null, booleans, mappings, lists. An explicit tag
# (``!!int 0755``, ``!!binary``...) would bring YAML 1.1 readings back: it is refused.
_ETIQUETTES = {f"tag:yaml.org,2002:{nom}" for nom in ("null", "bool", "str", "seq", "map")}
ChargeurTexte.yaml_constructors = {
    etiquette: constructeur
    for etiquette, constructeur in SafeConstructor.yaml_constructors.items()
    if etiquette in _ETIQUETTES or etiquette is None
}


def _valeur(evenement: ScalarEvent) -> str | bool | None:
    """A scalar as the loader reads it: text, except plain YAML 1.2 null and booleans."""
    if evenement.style is None and evenement.implicit[0]:
        if _NUL.match(evenement.value):
            return None
        if _BOOLEEN.match(evenement.value):
            return evenement.value.lower() == "true"
    return str(evenement.value)


class _ParseurPur(Reader, Scanner, Parser):
    """PyYAML's pure-Python event parser, where libyaml is not installed."""

    def __init__(self, texte: str) -> None:
        Reader.__init__(self, texte)
        Scanner.__init__(self)
        Parser.__init__(self)


# libyaml's C parser when PyYAML was built with it (``yaml.cyaml`` is absent otherwise).
try:
    from yaml.cyaml import CParser as _PARSEUR_RAPIDE  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - PyYAML without libyaml
    _PARSEUR_RAPIDE = _ParseurPur  # type: ignore[misc,assignment]


def champs_rapides(texte: str, voulus: set[Chemin]) -> dict[Chemin, str | bool | None]:
    """The scalars found at the ``voulus`` paths of a YAML mapping, read from libyaml's events.

    Ten times faster than the checking loader, and as safe: no tree is built and no alias is
    expanded. Raises ``ProblemeYaml`` for an alias, a too deep structure or several documents,
    and ``yaml.YAMLError`` for malformed YAML.
    """
    parseur = _PARSEUR_RAPIDE(texte)
    trouves: dict[Chemin, str | bool | None] = {}
    # One entry per open collection: [path, is a mapping, next key (None while a key is awaited), item count].
    pile: list[list[Any]] = []
    documents = 0
    try:
        while parseur.check_event():
            evenement = parseur.get_event()
            if isinstance(evenement, (AliasEvent, DocumentStartEvent)):
                documents += _refuser(evenement, documents)
            elif isinstance(evenement, CollectionEndEvent):
                pile.pop()
            elif isinstance(evenement, (ScalarEvent, MappingStartEvent, SequenceStartEvent)):
                _noeud(evenement, pile, voulus, trouves)
    finally:
        parseur.dispose()
    return trouves


def _ligne(evenement: Any) -> int | None:
    return evenement.start_mark.line + 1 if evenement.start_mark is not None else None


def _refuser(evenement: Any, documents: int) -> int:
    """Refuse an alias or a second document (as the loader does); count a document start."""
    if isinstance(evenement, AliasEvent):
        raise ProblemeYaml(_ligne(evenement), "les alias YAML (*nom) ne sont pas acceptés")
    if documents >= 1:
        raise ProblemeYaml(_ligne(evenement), "plusieurs documents YAML")
    return 1


def _noeud(evenement: Any, pile: list[list[Any]], voulus: set[Chemin], trouves: dict[Chemin, Any]) -> None:
    """Place a scalar or the start of a collection in the path being walked."""
    chemin = _placer(pile, evenement)
    if chemin is None:
        return
    if isinstance(evenement, ScalarEvent):
        if chemin in voulus:
            trouves[chemin] = _valeur(evenement)
    elif len(pile) >= PROFONDEUR_MAX:
        raise ProblemeYaml(_ligne(evenement), "structure trop imbriquée")
    else:
        pile.append([chemin, isinstance(evenement, MappingStartEvent), None, 0])


def _placer(pile: list[list[Any]], evenement: Any) -> Chemin | None:
    """The path of the node this event starts, or None when it is a mapping key (remembered in ``pile``)."""
    if not pile:
        return ()
    haut = pile[-1]
    if haut[1] and haut[2] is None:
        if not isinstance(evenement, ScalarEvent):
            raise ProblemeYaml(_ligne(evenement), "clé invalide")
        haut[2] = evenement.value
        return None
    if haut[1]:
        chemin: Chemin = (*haut[0], haut[2])
        haut[2] = None
    else:
        chemin = (*haut[0], haut[3])
        haut[3] += 1
    return chemin
