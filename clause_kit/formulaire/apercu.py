"""Live check of the form: the data written as YAML, read back by the loader, figures and messages.

The form's data goes through exactly what ``clause-kit verifier`` does (``charger_detail`` on
the YAML text the officer would download), so every message is the command line's own. The
file is written in a private folder nested deep enough that no ``_commune.yaml`` outside it
can be picked up. When the file has errors, the hours are still computed if the model
accepts the data (a weight that does not sum to 100 yet must not hide the hours).
"""

from __future__ import annotations

import contextlib
import copy
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
from clause_kit.marche.modele import MESSAGE_NOMBRE, Consultation

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
        """Whether ``clause-kit generer`` accepts the file (``verifier`` too)."""
        return not self.problemes


#: The form reads « 1 250 000,50 » (``saisie``): its officers are told so, not « sans espace ».
MESSAGE_NOMBRE_FORMULAIRE = "nombre attendu (ex. 1 250 000 ou 35,5 : chiffres seulement, sans symbole € ni %)"


def _pour_le_formulaire(probleme: Probleme) -> Probleme:
    """The loader's message, except where the form reads more than a file does (spaces in numbers)."""
    if MESSAGE_NOMBRE in probleme.message:
        message = probleme.message.replace(MESSAGE_NOMBRE, MESSAGE_NOMBRE_FORMULAIRE)
        return Probleme(probleme.fichier, probleme.ligne, probleme.champ, message)
    return probleme


@contextlib.contextmanager
def fichier_isole(contenu: str | bytes, nom: str = NOM_FICHIER) -> Iterator[Path]:
    """A temporary file holding ``contenu``, with no ``_commune.yaml`` within the loader's reach."""
    with tempfile.TemporaryDirectory(prefix="clause-kit-formulaire-") as racine:
        dossier = Path(racine).joinpath(*["isole"] * NIVEAUX_MAX)
        dossier.mkdir(parents=True)
        chemin = dossier / nom
        chemin.write_bytes(contenu.encode("utf-8") if isinstance(contenu, str) else contenu)
        yield chemin


def verifier_donnees(
    donnees: dict[str, Any], aujourd_hui: datetime.date | None = None, *, strict: bool = True
) -> Apercu:
    """Check the form's data as ``generer`` checks a file; figures even when some rule is broken.

    ``strict`` (by default, as ``generer``): the legal choices left to a default (procedure,
    facilitator's contact) are errors; without it (``--brouillon``), warnings, as ``verifier`` says.
    """
    texte = ecrire_yaml(donnees)
    apercu = Apercu(texte)
    with fichier_isole(texte) as chemin:
        try:
            detail = charger_detail(chemin, strict=strict, aujourd_hui=aujourd_hui)
        except ErreursValidation as err:
            apercu.problemes = [_pour_le_formulaire(p) for p in err.problemes]
            _chiffres_provisoires(apercu, chemin, aujourd_hui)
        else:
            apercu.consultation, apercu.chiffres = detail.consultation, detail.chiffres
    return apercu


#: Rounds of setting aside wrong values before giving up on provisional figures.
TOURS_MAX = 4
#: What stands for a missing text while provisional figures are computed (never shown, never written).
PROVISOIRE = "provisoire"


def _chiffres_provisoires(apercu: Apercu, chemin: Path, aujourd_hui: datetime.date | None) -> None:
    """Hours even while some field elsewhere is wrong: such values are set aside, missing texts stood in for.

    The figures then rest on what is right; the panel says they are provisional.
    """
    try:
        donnees = copy.deepcopy(lire_avec_defauts(chemin).donnees)
    except ClauseKitError:
        return
    touches: set[tuple[Any, ...]] = set()
    for _ in range(TOURS_MAX):
        try:
            consultation = Consultation.model_validate(donnees)
        except ValidationError as err:
            if not _mettre_de_cote(donnees, err, touches):
                return
            continue
        try:
            apercu.chiffres = calculer(consultation, charger_parametres(), aujourd_hui)
        except (ErreurCalcul, ClauseKitError, ArithmeticError, KeyError):
            return
        apercu.consultation = consultation
        return


def _mettre_de_cote(donnees: dict[str, Any], err: ValidationError, touches: set[tuple[Any, ...]]) -> bool:
    """Remove each wrong value, fill each missing text; False when nothing could be changed.

    A value already stood in for that is still wrong (a missing number) takes its block with it
    (an article 53 without its weight leaves the hours alone); ``touches`` remembers them.
    """
    change = False
    for erreur in err.errors(include_url=False):
        loc = tuple(erreur["loc"])
        if loc in touches and len(loc) >= 2:
            change |= _retirer(donnees, loc[:-1])
            continue
        touches.add(loc)
        parent: Any = donnees
        chemin: list[Any] = list(erreur["loc"])
        cle: Any = None
        while chemin:
            partie: Any = chemin.pop(0)
            if isinstance(parent, dict) and partie in parent or isinstance(parent, list) and isinstance(partie, int):
                if not chemin:
                    cle = partie
                    break
                if isinstance(parent, list) and not 0 <= partie < len(parent):
                    break
                parent = parent[partie]
            elif not chemin and isinstance(parent, dict) and erreur["type"] == "missing":
                cle = partie
        if cle is None or isinstance(parent, list):
            continue
        if erreur["type"] == "missing" and cle not in parent:
            parent[cle] = PROVISOIRE
        else:
            del parent[cle]
        change = True
    return change


def _retirer(donnees: dict[str, Any], chemin: tuple[Any, ...]) -> bool:
    """Delete the block at ``chemin`` from its mapping; False when it is a list item or not there."""
    parent: Any = donnees
    for partie in chemin[:-1]:
        parent = parent.get(partie) if isinstance(parent, dict) else None
    if isinstance(parent, dict) and chemin[-1] in parent:
        del parent[chemin[-1]]
        return True
    return False
