"""A contract's data → the YAML text of its file: keys in the model's order, no comments.

The text is what ``clause-kit verifier`` reads and what the form reloads: numbers as
numbers (never « 1250000.0 »), dates as ``AAAA-MM-JJ``, texts quoted only when YAML needs it.
In a commune folder, ``sans_valeurs_communes`` leaves out what the commune's ``_commune.yaml``
already gives, using the loader's own merge as the judge, so the file merges back to exactly
the data the form showed.
"""

from __future__ import annotations

import copy
import datetime
from decimal import Decimal
from typing import Any

import yaml

from clause_kit.formulaire.champs import arbre
from clause_kit.marche.communes import Origines, fusionner
from clause_kit.marche.modele import Chemin

__all__ = ["ecrire_yaml", "fusion_communes", "ordonner", "sans_valeurs_communes", "valeur_normale"]


class _Ecrivain(yaml.SafeDumper):
    """YAML writer for contract files: Decimal as plain numbers, multi-line texts as blocks."""


def _decimal(ecrivain: yaml.SafeDumper, valeur: Decimal) -> yaml.ScalarNode:
    if valeur == valeur.to_integral_value():
        return ecrivain.represent_int(int(valeur))
    return ecrivain.represent_scalar("tag:yaml.org,2002:float", format(valeur.normalize(), "f"))


def _texte(ecrivain: yaml.SafeDumper, valeur: str) -> yaml.ScalarNode:
    if "\n" in valeur:
        return ecrivain.represent_scalar("tag:yaml.org,2002:str", valeur, style="|")
    return ecrivain.represent_str(valeur)


_Ecrivain.add_representer(Decimal, _decimal)
_Ecrivain.add_representer(str, _texte)


def ordonner(donnees: Any) -> Any:
    """The same data, keys in the order of the model (unknown keys last, as they came)."""
    return _ordonner(donnees, arbre({}))


def _ordonner(valeur: Any, champ: Any) -> Any:
    if isinstance(valeur, list):
        modele = champ.modele_element if champ is not None else None
        return [_ordonner(v, modele) for v in valeur]
    if not isinstance(valeur, dict):
        return valeur
    enfants = {str(e.chemin[-1]): e for e in champ.enfants} if champ is not None else {}
    ordre = [c for c in enfants if c in valeur] + [c for c in valeur if c not in enfants]
    return {cle: _ordonner(valeur[cle], enfants.get(cle)) for cle in ordre}


def ecrire_yaml(donnees: dict[str, Any]) -> str:
    """The YAML text of a contract file."""
    return yaml.dump(
        ordonner(donnees),
        Dumper=_Ecrivain,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=4096,
    )


def valeur_normale(valeur: Any) -> Any:
    """A value as the loader will see it, for comparisons: numbers as Decimal, dates as text, no nulls."""
    if isinstance(valeur, dict):
        return {k: valeur_normale(v) for k, v in valeur.items() if v is not None}
    if isinstance(valeur, list):
        return [valeur_normale(v) for v in valeur]
    if isinstance(valeur, bool) or valeur is None:
        return valeur
    if isinstance(valeur, int | float | Decimal):
        return Decimal(str(valeur)).normalize()
    if isinstance(valeur, datetime.date):
        return valeur.isoformat()
    return valeur


def _chemins(valeur: Any, chemin: Chemin = ()) -> list[Chemin]:
    """Every key path of nested dicts, deepest first (list items are values, not paths)."""
    resultat: list[Chemin] = []
    if isinstance(valeur, dict):
        for cle, enfant in valeur.items():
            resultat += _chemins(enfant, (*chemin, cle))
            resultat.append((*chemin, cle))
    return resultat


def fusion_communes(defauts: dict[str, Any], contrat: dict[str, Any]) -> dict[str, Any]:
    """The loader's own merge of a contract's data over its commune's values (origins left aside)."""

    def origines(donnees: dict[str, Any]) -> Origines:
        return {(): ("", 1), **{c: ("", 1) for c in _chemins(donnees)}}

    fusion, _ = fusionner(defauts, origines(defauts), contrat, origines(contrat))
    return fusion


def _fusion(defauts: dict[str, Any], contrat: dict[str, Any]) -> Any:
    return valeur_normale(fusion_communes(defauts, contrat))


def _avec_nuls(donnees: dict[str, Any], defauts: dict[str, Any]) -> dict[str, Any]:
    """The data, plus an explicit null for each value the defaults have and the data does not."""
    resultat = copy.deepcopy(donnees)
    for cle, defaut in defauts.items():
        if cle not in resultat:
            resultat[cle] = None
        elif isinstance(resultat[cle], dict) and isinstance(defaut, dict):
            resultat[cle] = _avec_nuls(resultat[cle], defaut)
    return resultat


def _sans(donnees: dict[str, Any], chemin: Chemin) -> dict[str, Any]:
    copie = copy.deepcopy(donnees)
    parent: Any = copie
    for partie in chemin[:-1]:
        parent = parent[partie]
    del parent[chemin[-1]]
    return copie


def sans_valeurs_communes(donnees: dict[str, Any], defauts: dict[str, Any]) -> dict[str, Any]:
    """What a contract file beside ``defauts`` must say so that the loader's merge gives back ``donnees``.

    Starts from the whole data, with a null where a commune value must not come back, then drops
    each key (deepest first) whose absence the merge does not notice.
    """
    vise = _fusion({}, donnees)
    candidat = _avec_nuls(donnees, defauts)
    if _fusion(defauts, candidat) != vise:  # cannot happen with the loader's merge rules
        return copy.deepcopy(donnees)
    for chemin in _chemins(candidat):
        try:
            essai = _sans(candidat, chemin)
        except (KeyError, TypeError):
            continue  # already gone with its block
        if _fusion(defauts, essai) == vise:
            candidat = essai
    return candidat
