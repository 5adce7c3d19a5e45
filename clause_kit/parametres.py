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

from clause_kit.erreurs import ErreurDonnees

__all__ = ["Parametres", "charger_parametres"]


@dataclass
class Parametres:
    """The defaults of ``parametres.yaml`` (see that file for the meaning of each value)."""

    brut: dict[str, Any] = field(repr=False)

    @property
    def codes_publics(self) -> set[str]:
        """Codes of the known eligible publics."""
        return set(self.brut["publics"])


@functools.cache
def charger_parametres() -> Parametres:
    """Load the packaged defaults once per process."""
    texte = resources.files("clause_kit").joinpath("parametres.yaml").read_text(encoding="utf-8")
    try:
        return Parametres(yaml.safe_load(texte))
    except yaml.YAMLError as err:  # only a broken installation gets here
        raise ErreurDonnees(f"parametres.yaml illisible : {err}") from err
