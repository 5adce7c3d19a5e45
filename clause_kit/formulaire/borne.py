"""Bounds on what an upload may cost: a file full of unknown keys is answered at once, not after a minute.

The checking loader reads every key with its line, then the model reports each unknown key:
for 60 000 keys that is tens of seconds and a page of megabytes. Before it, libyaml's event
parser (C, no tree built, no alias expanded) walks the file and counts the keys the model does
not know; past ``INCONNUES_MAX`` the file is refused with the first ``MESSAGES_MAX`` of them and
their count. Whatever it cannot read is left to the loader, whose messages are the precise ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

__all__ = ["INCONNUES_MAX", "MESSAGES_MAX", "Inconnues", "cles_inconnues"]

#: More unknown keys than this and the file is not a contract file mistyped: refused before the loader.
INCONNUES_MAX = 200
#: Most messages a page lists; the others are counted.
MESSAGES_MAX = 50

_Analyseur = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Inconnues:
    """The unknown keys of a file: the first ``MESSAGES_MAX`` (path, line) and how many in all."""

    premieres: list[tuple[str, int]] = field(default_factory=list)
    nombre: int = 0


def cles_inconnues(contenu: bytes, connues: set[tuple[str, ...]]) -> Inconnues:
    """Count the mapping keys of ``contenu`` whose path (list indexes left out) is not in ``connues``.

    Below a key the model does not know, nothing more is counted (the key alone is the mistake).
    """
    resultat = Inconnues()
    # Each open container: [is a mapping, its path, the key whose value is awaited, or None].
    pile: list[list[Any]] = []
    try:
        for evenement in yaml.parse(contenu, Loader=_Analyseur):
            if isinstance(evenement, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                pile.pop()
                _valeur_lue(pile)
                continue
            if not isinstance(evenement, yaml.NodeEvent):
                continue
            if pile and pile[-1][0] and pile[-1][2] is None:  # a key
                if not isinstance(evenement, yaml.ScalarEvent):
                    return Inconnues()  # a key that is a list or a mapping: the loader refuses it
                _compter(resultat, pile[-1][1], str(evenement.value), evenement, connues)
                pile[-1][2] = str(evenement.value)
                continue
            chemin = (*pile[-1][1], pile[-1][2]) if pile and pile[-1][0] else pile[-1][1] if pile else ()
            if isinstance(evenement, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                pile.append([isinstance(evenement, yaml.MappingStartEvent), chemin, None])
            else:
                _valeur_lue(pile)
    except yaml.YAMLError:
        return Inconnues()  # the loader says precisely what is wrong
    return resultat


def _valeur_lue(pile: list[list[Any]]) -> None:
    if pile and pile[-1][0]:
        pile[-1][2] = None  # the next event of the mapping is a key


def _compter(
    resultat: Inconnues, parent: tuple[str, ...], cle: str, evenement: yaml.Event, connues: set[tuple[str, ...]]
) -> None:
    # Below an unknown key nothing is counted: the key alone is the mistake.
    if (*parent, cle) in connues or (parent and parent not in connues):
        return
    resultat.nombre += 1
    if len(resultat.premieres) < MESSAGES_MAX:
        ligne = evenement.start_mark.line + 1 if evenement.start_mark is not None else 0
        resultat.premieres.append((".".join((*parent, cle)), ligne))
