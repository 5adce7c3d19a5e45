"""The variables a template uses, read from the Jinja syntax tree, with loop variables resolved.

``{% for lot in lots %}{{ lot.heures }}`` uses ``lots[].heures``: a loop variable stands for
an element of the list it runs over, so every name is checked against the context the
generator provides (``modeles/VARIABLES.md``) with its full path, and a typo such as
``lot.heure`` is caught before any dossier is generated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import jinja2
from jinja2 import nodes

from clause_kit.rendu.bac_a_sable import BOUCLE
from clause_kit.rendu.moteur import environnement
from clause_kit.revue.squelette import squelettes
from clause_kit.revue.texte import Document

__all__ = ["QUELCONQUE", "Usage", "usages", "variables_du_document"]

_NOM_SIMPLE = re.compile(r"\{\{-?\s*([A-Za-z_][\w.]*)")

#: A name bound to something whose shape is unknown (a macro argument, ``{% set %}`` of an expression).
QUELCONQUE = "*"
#: Names Jinja provides itself.
_GLOBAUX = {"loop", "range", "dict", "lipsum", "cycler", "joiner", "namespace", "caller", "varargs", "kwargs"}


@dataclass(frozen=True)
class Usage:
    """A variable used by a template: its full context path, the name as written, and its Jinja line."""

    chemin: str
    ecrit: str
    ligne: int


def usages(arbre: nodes.Template) -> list[Usage]:
    """Every context variable the template reads, in order (loop variables and Jinja's own names excluded)."""
    lecteur = _Lecteur()
    lecteur.visiter(arbre, {})
    return lecteur.trouves


def _ecrit(noeud: nodes.Node) -> str | None:
    """The dotted name as written (``lot.heures``, ``marche['objet']`` → ``marche.objet``), None if not a path."""
    if isinstance(noeud, nodes.Name):
        return noeud.name
    if isinstance(noeud, nodes.Getattr):
        base = _ecrit(noeud.node)
        return f"{base}.{noeud.attr}" if base is not None else None
    if isinstance(noeud, nodes.Getitem):
        base = _ecrit(noeud.node)
        if base is None:
            return None
        cle = noeud.arg
        if isinstance(cle, nodes.Const) and isinstance(cle.value, str):
            return f"{base}.{cle.value}"
        return f"{base}[]"
    return None


class _Lecteur:
    def __init__(self) -> None:
        self.trouves: list[Usage] = []

    def visiter(self, noeud: nodes.Node, portee: dict[str, str]) -> None:
        """Visit a node with the loop and set variables in scope (name → context path)."""
        if isinstance(noeud, nodes.For):
            self._boucle(noeud, portee)
        elif isinstance(noeud, nodes.Assign | nodes.AssignBlock):
            self._affectation(noeud, portee)
        elif isinstance(noeud, nodes.Macro | nodes.CallBlock):
            interieure = dict(portee)
            for argument in getattr(noeud, "args", []):
                interieure[argument.name] = QUELCONQUE
            for enfant in noeud.iter_child_nodes():
                self.visiter(enfant, interieure)
        elif isinstance(noeud, nodes.Call) and isinstance(noeud.node, nodes.Getattr):
            self.visiter(noeud.node.node, portee)  # a method (``.upper()``): only its object is a variable
            for enfant in (*noeud.args, *noeud.kwargs):
                self.visiter(enfant, portee)
        elif isinstance(noeud, nodes.Name | nodes.Getattr | nodes.Getitem) and _ecrit(noeud) is not None:
            self._noter(noeud, portee)
        else:
            for enfant in noeud.iter_child_nodes():
                self.visiter(enfant, portee)

    def _affectation(self, noeud: nodes.Assign | nodes.AssignBlock, portee: dict[str, str]) -> None:
        """``{% set x = … %}``: x stands for what it is set to (a path, or anything)."""
        valeur = getattr(noeud, "node", None)
        if valeur is not None:
            self.visiter(valeur, portee)
        for nom in _cibles(noeud.target):
            portee[nom] = self._chemin(valeur, portee) if valeur is not None else QUELCONQUE
        for enfant in getattr(noeud, "body", []):
            self.visiter(enfant, portee)

    def _boucle(self, noeud: nodes.For, portee: dict[str, str]) -> None:
        self.visiter(noeud.iter, portee)
        iterable = noeud.iter
        if isinstance(iterable, nodes.Filter) and iterable.name == BOUCLE and iterable.node is not None:
            iterable = iterable.node  # the bounded loop of the sandbox wraps what the author wrote
        element = self._chemin(iterable, portee)
        interieure = dict(portee)
        noms = _cibles(noeud.target)
        for nom in noms:
            # ``for a, b in …`` unpacks: the shape of each part is unknown
            interieure[nom] = f"{element}[]" if len(noms) == 1 and element != QUELCONQUE else QUELCONQUE
        if noeud.test is not None:
            self.visiter(noeud.test, interieure)
        for enfant in noeud.body:
            self.visiter(enfant, interieure)
        for enfant in noeud.else_:
            self.visiter(enfant, portee)

    def _chemin(self, noeud: nodes.Node, portee: dict[str, str]) -> str:
        """The context path an expression stands for, or QUELCONQUE."""
        ecrit = _ecrit(noeud)
        if ecrit is None:
            return QUELCONQUE
        racine, _, reste = ecrit.partition(".")
        racine, crochets, apres = racine.partition("[")
        if racine in portee:
            base = portee[racine]
            if base == QUELCONQUE:
                return QUELCONQUE
            racine = base
        elif racine in _GLOBAUX:
            return QUELCONQUE
        chemin = racine + (crochets + apres if crochets else "")
        return f"{chemin}.{reste}" if reste else chemin

    def _noter(self, noeud: nodes.Node, portee: dict[str, str]) -> None:
        maillon = noeud
        while isinstance(maillon, nodes.Getattr | nodes.Getitem):  # ``lots[i]``: ``i`` is read too
            if isinstance(maillon, nodes.Getitem) and not isinstance(maillon.arg, nodes.Const):
                self.visiter(maillon.arg, portee)
            maillon = maillon.node
        chemin = self._chemin(noeud, portee)
        ecrit = _ecrit(noeud) or ""
        if chemin != QUELCONQUE and not (isinstance(noeud, nodes.Name) and noeud.ctx != "load"):
            self.trouves.append(Usage(chemin, ecrit, noeud.lineno))


def _cibles(cible: nodes.Node) -> list[str]:
    if isinstance(cible, nodes.Name):
        return [cible.name]
    if isinstance(cible, nodes.Tuple):
        return [n for item in cible.items for n in _cibles(item)]
    return []


def variables_du_document(document: Document) -> set[str]:
    """The context paths a template reads (``lots[].heures``…), all parts together; {} for a plain document.

    A part Jinja cannot read still counts: its ``{{ name }}`` tags are picked up one by one.
    """
    trouves: set[str] = set()
    for squelette in squelettes(document):
        source = squelette.source
        if "{" not in source:
            continue
        try:
            trouves |= {u.chemin for u in usages(environnement().parse(source))}
        except jinja2.TemplateSyntaxError:
            trouves |= set(_NOM_SIMPLE.findall(source))
    return trouves
