"""Live check of the form: the data written as YAML, read back by the loader, figures and messages.

The form's data goes through exactly what ``clause-kit verifier`` does (``charger_detail`` on
the YAML text the officer would download), so every message is the command line's own. The
file is written in a private folder nested deep enough that no ``_commune.yaml`` outside it
can be picked up. When the file has errors, the hours are still computed if the model
accepts the data (a weight that does not sum to 100 yet must not hide the hours).
"""

from __future__ import annotations

import contextlib
import datetime
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from clause_kit.commun.erreurs import ClauseKitError, ErreursValidation, Probleme
from clause_kit.commun.parametres import charger_parametres
from clause_kit.formulaire.yaml_sortie import ecrire_yaml
from clause_kit.marche.calcul import Chiffres, ErreurCalcul, calculer
from clause_kit.marche.chargement import charger_detail, lire_avec_defauts
from clause_kit.marche.communes import NIVEAUX_MAX
from clause_kit.marche.modele import Consultation

__all__ = ["Apercu", "fichier_isole", "verifier_donnees"]

#: Name of the file the checks read (messages name the field, not this file).
NOM_FICHIER = "marche.yaml"


@dataclass
class Apercu:
    """What the loader says of the form's data."""

    texte_yaml: str
    problemes: list[Probleme] = field(default_factory=list)
    consultation: Consultation | None = None
    chiffres: Chiffres | None = None

    @property
    def valide(self) -> bool:
        """Whether ``clause-kit verifier`` accepts the file."""
        return not self.problemes


@contextlib.contextmanager
def fichier_isole(contenu: str | bytes, nom: str = NOM_FICHIER) -> Iterator[Path]:
    """A temporary file holding ``contenu``, with no ``_commune.yaml`` within the loader's reach."""
    with tempfile.TemporaryDirectory(prefix="clause-kit-formulaire-") as racine:
        dossier = Path(racine).joinpath(*["isole"] * NIVEAUX_MAX)
        dossier.mkdir(parents=True)
        chemin = dossier / nom
        chemin.write_bytes(contenu.encode("utf-8") if isinstance(contenu, str) else contenu)
        yield chemin


def verifier_donnees(donnees: dict[str, Any], aujourd_hui: datetime.date | None = None) -> Apercu:
    """Check the form's data as ``verifier`` checks a file; figures even when some rule is broken."""
    texte = ecrire_yaml(donnees)
    apercu = Apercu(texte)
    with fichier_isole(texte) as chemin:
        try:
            detail = charger_detail(chemin, aujourd_hui=aujourd_hui)
        except ErreursValidation as err:
            apercu.problemes = err.problemes
            _chiffres_provisoires(apercu, chemin, aujourd_hui)
        else:
            apercu.consultation, apercu.chiffres = detail.consultation, detail.chiffres
    return apercu


def _chiffres_provisoires(apercu: Apercu, chemin: Path, aujourd_hui: datetime.date | None) -> None:
    try:
        consultation = Consultation.model_validate(lire_avec_defauts(chemin).donnees)
        apercu.chiffres = calculer(consultation, charger_parametres(), aujourd_hui)
        apercu.consultation = consultation
    except (ValidationError, ErreurCalcul, ClauseKitError, ArithmeticError, KeyError):
        return
