"""The shared code lists (``codes.yaml``): modalities, publics, contract types, exits, sex, age bands.

One definition read by every part that names a code: the Word pieces (modalities), the
follow-up sheet and its import, and the annual report. A value typed by a person (a cell of a
sheet, a CSV field) is matched by its key or its French label, ignoring case, accents and
spaces, so « Embauche directe », « embauche_directe » and « EMBAUCHE DIRECTE » are one code.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

import yaml

from clause_kit.commun.erreurs import ErreurDonnees
from clause_kit.commun.parametres import lire_yaml_du_paquet

__all__ = ["LISTES", "Code", "codes", "normaliser", "resoudre"]

#: The lists of ``codes.yaml``, in the order the follow-up sheet shows them.
LISTES = ("modalites", "publics", "types_contrat", "sorties", "sexes", "tranches_age", "residences")


@dataclass(frozen=True)
class Code:
    """One code: its stable key, its short French label, an optional longer description."""

    cle: str
    libelle: str
    description: str = ""
    #: Exits only: whether it counts among the "sorties dynamiques".
    dynamique: bool = False
    #: The description under the 2006 code, when the structures it names did not exist then.
    description_cmp2006: str = ""


@functools.lru_cache(maxsize=8192)  # the same few labels come back on every row of a sheet
def normaliser(texte: str) -> str:
    """Lower case, no accents, words joined by ``_``: the form keys and labels are compared in."""
    sans_accents = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode("ascii")
    return "_".join(sans_accents.lower().replace("'", " ").replace("-", " ").split())


@functools.cache
def _toutes() -> dict[str, tuple[Code, ...]]:
    try:
        brut = lire_yaml_du_paquet("codes.yaml")
        return {
            liste: tuple(
                Code(
                    str(cle),
                    str(valeurs["libelle"]),
                    " ".join(str(valeurs.get("description", "")).split()),
                    bool(valeurs.get("dynamique", False)),
                    " ".join(str(valeurs.get("description_cmp2006", "")).split()),
                )
                for cle, valeurs in brut[liste].items()
            )
            for liste in LISTES
        }
    except (yaml.YAMLError, KeyError, TypeError, AttributeError) as err:  # only a broken installation
        raise ErreurDonnees(f"codes.yaml illisible ou incomplet : {err}") from err


def codes(liste: str) -> tuple[Code, ...]:
    """The codes of one list (``modalites``, ``publics``...), in file order."""
    return _toutes()[liste]


@functools.cache
def _index(liste: str) -> dict[str, Code]:
    index: dict[str, Code] = {}
    for code in codes(liste):
        index[normaliser(code.libelle)] = code
        index[normaliser(code.cle)] = code  # a key wins over a label that happens to match it
    return index


def resoudre(liste: str, valeur: str) -> Code | None:
    """The code a typed value names (its key or its label, any case or accents), or None."""
    return _index(liste).get(normaliser(valeur))
