"""The packaged defaults (``parametres.yaml``), loaded once per process.

A module of its own so that both the loader (which checks publics codes and computes the
figures while validating) and the calculation can use them without importing each other.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from clause_kit.commun.erreurs import ErreurDonnees

__all__ = ["Parametres", "charger_parametres", "lire_yaml_du_paquet"]


@dataclass
class Parametres:
    """The defaults of ``parametres.yaml`` (see that file for the meaning of each value)."""

    brut: dict[str, Any] = field(repr=False)

    @property
    def codes_publics(self) -> set[str]:
        """Codes of the known eligible publics."""
        return set(self.brut["publics"])


def lire_yaml_du_paquet(nom: str) -> Any:
    """A YAML data file packaged with clause_kit, read with libyaml when PyYAML has it.

    These files are ours, not the user's: libyaml reads them ten times faster than PyYAML's
    pure-Python loader (0.045 s less before the first dossier of every command), same values.
    """
    texte = resources.files("clause_kit.commun").joinpath(nom).read_text(encoding="utf-8")
    return yaml.load(texte, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # a safe loader either way


@functools.cache
def charger_parametres() -> Parametres:
    """Load the packaged defaults once per process."""
    try:
        return Parametres(lire_yaml_du_paquet("parametres.yaml"))
    except yaml.YAMLError as err:  # only a broken installation gets here
        raise ErreurDonnees(f"parametres.yaml illisible : {err}") from err
