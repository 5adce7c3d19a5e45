"""What the browser posts → a contract's data, typed the way YAML would type it.

Each control is named by its data path (``marche.lots.0.montant_ht``); an empty control is an
absent key, as in a file. A block that may be left out (facilitator, article 14, a lot's own
clause...) and every list item carry a marker ``@<path>``: with it the block exists even when
all its fields are empty (the loader then says what is missing), without it its fields are
ignored. Numbers accept the French way of typing them (« 1 250 000,50 »); anything that is
not a number is kept as text, so the loader gives the very message the command line gives.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from clause_kit.formulaire.champs import Champ, genres
from clause_kit.marche.modele import Chemin

__all__ = ["PROFONDEUR_MAX", "lire_saisie", "montant_saisi"]

#: Parts of a control's name at most (the deepest field, ``marche.lots.0.insertion.pourcentage``, has 5):
#: a name nested thousands of times names no field, and is dropped before it is looked at.
PROFONDEUR_MAX = 12
#: The model's bounds of an amount (``Montant``): positive, at most two decimals, under a thousand billion.
_MONTANT_MAX = Decimal("999999999999.99")
#: Characters of a number at most: more is kept as text, for the loader to refuse in French.
_CHIFFRES_MAX = 40

_ENTIER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+\.\d*|\.\d+)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _chemin(nom: str) -> Chemin:
    # isascii: « ² » or « ① » are digits to str.isdigit, not to int().
    return tuple(int(p) if p.isascii() and p.isdigit() else p for p in nom.split("."))


def _cle(chemin: Chemin) -> tuple[str, ...]:
    return tuple(p for p in chemin if isinstance(p, str))


def _nombre(texte: str) -> Any:
    compact = re.sub(r"[\s\u00a0\u202f]", "", texte).replace(",", ".")
    if len(compact) > _CHIFFRES_MAX:  # past any bound of the model; and int() refuses 4 300 digits
        return texte
    if _ENTIER.fullmatch(compact):
        return int(compact)
    if _DECIMAL.fullmatch(compact):
        return Decimal(compact)
    return texte


def montant_saisi(texte: str) -> Decimal | None:
    """An amount in euros typed the French way (« 1 250 000,50 »), or None when it is not one the model accepts."""
    valeur = _nombre(texte.strip())
    if isinstance(valeur, int):
        valeur = Decimal(valeur)
    if not isinstance(valeur, Decimal) or not 0 < valeur <= _MONTANT_MAX or valeur != valeur.quantize(Decimal("0.01")):
        return None
    return valeur


def _date(texte: str) -> Any:
    if _DATE.fullmatch(texte):
        try:
            return datetime.date.fromisoformat(texte)
        except ValueError:
            return texte
    return texte


def _convertir(champ: Champ, texte: str) -> Any:
    if champ.genre in ("nombre", "entier"):
        return _nombre(texte)
    if champ.genre == "date":
        return _date(texte)
    if champ.genre == "booleen":
        return {"true": True, "false": False}.get(texte)
    return texte


def lire_saisie(paires: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """The contract's data from the posted (name, value) pairs, in the order the page gives them."""
    plan = genres()
    paires = [(nom, texte) for nom, texte in paires if nom.count(".") < PROFONDEUR_MAX]
    presents = {_chemin(nom[1:]) for nom, _ in paires if nom.startswith("@")}
    brut: dict[Any, Any] = {}
    for chemin in sorted(presents, key=len):
        if _visible(chemin, presents, plan):
            _placer(brut, chemin, None, plan)
    for nom, texte in paires:
        if nom.startswith(("@", "_")):
            continue
        chemin = _chemin(nom)
        champ = plan.get(_cle(chemin))
        texte = texte.strip()
        if champ is None or champ.genre in ("bloc", "liste") or not texte or not _visible(chemin, presents, plan):
            continue
        valeur = _convertir(champ, texte)
        if valeur is not None:
            _placer(brut, chemin, valeur, plan)
    for champ in plan.values():  # blocks a file must have are there even when left empty
        if champ.genre == "bloc" and champ.obligatoire and len(champ.chemin) == 1:
            brut.setdefault(champ.chemin[0], {})
    return _en_listes(brut)  # type: ignore[no-any-return]


def _visible(chemin: Chemin, presents: set[Chemin], plan: dict[tuple[str, ...], Champ]) -> bool:
    """Whether every optional block or list item above ``chemin`` is switched on."""
    for n in range(1, len(chemin)):
        parent = chemin[:n]
        champ = plan.get(_cle(parent))
        facultatif = champ is not None and champ.genre == "bloc" and not champ.obligatoire
        element = isinstance(parent[-1], int)
        if (facultatif or element) and parent not in presents:
            return False
    return True


def _placer(brut: dict[Any, Any], chemin: Chemin, valeur: Any, plan: dict[tuple[str, ...], Champ]) -> None:
    """Set a value (or an empty block for ``None``) at ``chemin``, creating the blocks above it."""
    courant = brut
    for partie in chemin[:-1]:
        courant = courant.setdefault(partie, {})
    dernier = chemin[-1]
    champ = plan.get(_cle(chemin))
    if valeur is None:
        courant.setdefault(dernier, {})
    elif champ is not None and champ.genre == "codes":
        courant.setdefault(dernier, {})[len(courant.get(dernier, {}))] = valeur
    else:
        courant[dernier] = valeur


def _en_listes(valeur: Any) -> Any:
    """Dicts keyed by item numbers become lists, in number order."""
    if not isinstance(valeur, dict):
        return valeur
    if valeur and all(isinstance(k, int) for k in valeur):
        return [_en_listes(valeur[k]) for k in sorted(valeur)]
    return {k: _en_listes(v) for k, v in valeur.items()}
