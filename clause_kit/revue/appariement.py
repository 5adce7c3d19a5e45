"""Matching two long texts line by line (or word by word) in near-linear time: difflib, anchored.

difflib's ``SequenceMatcher`` finds the longest common block, then works on each side of it:
between two texts whose lines are all distinct and where every other line changed, the
longest block is one line long, found at the start, and the search starts over on almost the
whole text: 50 000 paragraphs took 177 s to compare (quadratic), and ``autojunk``, which only
drops lines repeated more than once in a hundred, changes nothing there.

``Appariement`` keeps difflib for everything else (its opcodes, groups, ratio) and for small
stretches, where its results are the ones reviewers know, and anchors long ones first the way
``git diff --patience`` does: the common prefix and suffix are matched, then the lines that
occur once on each side, in the longest increasing order (patience sorting, ``n log n``), and
the stretches between them are matched again the same way. A long stretch with no such line
(the same paragraph repeated thousands of times) gets difflib only while it is small enough,
and is shown as replaced otherwise: a coarser diff, never a hung command.

Measured (``time python3 outils/mesurer_diff.py 50000``: two texts of 50 000 distinct
paragraphs, every other one changed, same output both ways): ``difflib.unified_diff`` 173 s of
CPU (426 s on a shared, loaded two-core machine; 177 s in the issue), here 0.6 s. The whole
``clause-kit comparer`` of two .docx of 50 000 paragraphs: 4 s in text, 6 s in html.
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Hashable, Sequence
from typing import Any

__all__ = ["PRODUIT_MAX_DIFFLIB", "Appariement"]

#: Up to this many pairs (lines of one side × lines of the other), a stretch is left to difflib.
PRODUIT_MAX_DIFFLIB = 250_000


class Appariement(difflib.SequenceMatcher[Any]):
    """A ``difflib.SequenceMatcher`` whose matching blocks are found in near-linear time on long inputs."""

    def get_matching_blocks(self) -> list[difflib.Match]:
        """The matching blocks, as difflib gives them (sorted, merged, closed by a sentinel)."""
        etat: Any = self  # difflib's attributes (a, b, autojunk, the cached blocks) are not in its stubs
        if etat.matching_blocks is not None:
            return etat.matching_blocks  # type: ignore[no-any-return]
        a, b = etat.a, etat.b
        if len(a) * len(b) <= PRODUIT_MAX_DIFFLIB:
            return super().get_matching_blocks()
        paires = sorted(_apparier(a, b, etat.autojunk))
        blocs: list[difflib.Match] = []
        for i, j in paires:  # consecutive pairs merge into blocks, as difflib's own do
            if blocs and blocs[-1].a + blocs[-1].size == i and blocs[-1].b + blocs[-1].size == j:
                dernier = blocs[-1]
                blocs[-1] = difflib.Match(dernier.a, dernier.b, dernier.size + 1)
            else:
                blocs.append(difflib.Match(i, j, 1))
        blocs.append(difflib.Match(len(a), len(b), 0))
        etat.matching_blocks = blocs
        return blocs


def _apparier(a: Sequence[Hashable], b: Sequence[Hashable], autojunk: bool) -> list[tuple[int, int]]:
    """Pairs (i, j) with ``a[i] == b[j]``, increasing on both sides, found by anchoring (no recursion)."""
    paires: list[tuple[int, int]] = []
    pile = [(0, len(a), 0, len(b))]
    while pile:
        alo, ahi, blo, bhi = pile.pop()
        while alo < ahi and blo < bhi and a[alo] == b[blo]:
            paires.append((alo, blo))
            alo, blo = alo + 1, blo + 1
        while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
            ahi, bhi = ahi - 1, bhi - 1
            paires.append((ahi, bhi))
        if alo == ahi or blo == bhi:
            continue
        ancres = _ancres(a, b, alo, ahi, blo, bhi)
        if ancres:
            debut_a, debut_b = alo, blo
            for i, j in ancres:
                paires.append((i, j))
                pile.append((debut_a, i, debut_b, j))
                debut_a, debut_b = i + 1, j + 1
            pile.append((debut_a, ahi, debut_b, bhi))
        elif (ahi - alo) * (bhi - blo) <= PRODUIT_MAX_DIFFLIB:
            matcher = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=autojunk)
            for bloc in matcher.get_matching_blocks():
                paires += [(alo + bloc.a + k, blo + bloc.b + k) for k in range(bloc.size)]
        # else: a long stretch with no line of its own on both sides is shown as replaced
    return paires


def _ancres(a: Sequence[Any], b: Sequence[Any], alo: int, ahi: int, blo: int, bhi: int) -> list[tuple[int, int]]:
    """The lines found once in ``a[alo:ahi]`` and once in ``b[blo:bhi]``, longest run in the same order on both."""
    comptes: dict[Any, list[int]] = {}
    for i in range(alo, ahi):
        entree = comptes.setdefault(a[i], [0, i, 0, 0])
        entree[0] += 1
    for j in range(blo, bhi):
        vue = comptes.get(b[j])
        if vue is not None:
            vue[2] += 1
            vue[3] = j
    uniques = sorted((e[1], e[3]) for e in comptes.values() if e[0] == 1 and e[2] == 1)
    return _plus_longue_suite_croissante(uniques)


def _plus_longue_suite_croissante(paires: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of ``paires`` (sorted on i) whose j increase too (patience sorting)."""
    sommets: list[int] = []  # j at the top of each pile
    indices: list[int] = []  # index in ``paires`` of that top
    precedents: list[int] = [-1] * len(paires)
    for k, (_, j) in enumerate(paires):
        pile = bisect.bisect_left(sommets, j)
        if pile:
            precedents[k] = indices[pile - 1]
        if pile == len(sommets):
            sommets.append(j)
            indices.append(k)
        else:
            sommets[pile], indices[pile] = j, k
    suite: list[tuple[int, int]] = []
    k = indices[-1] if indices else -1
    while k != -1:
        suite.append(paires[k])
        k = precedents[k]
    return suite[::-1]
