"""The variables templates may use, as documented in ``modeles/VARIABLES.md``.

``VARIABLES.md`` is the contract between the code and the people who edit templates: the
template check reads it, and a test keeps it equal to what ``clause_kit/rendu/contexte.py``
really provides. Paths are dotted; ``[]`` stands for any element of a list
(``lots[].heures``, ``insertion.sous_criteres[].libelle``).

How the file is read: every table row whose first cell is a name in backquotes declares
that name. Under a heading such as « ## `lots` (liste …) », rows written ``lot.numero``
describe the elements of ``lots``. A description starting with « liste de `{a, b}` »
(or « liste de … `{a, b}` ») declares a list of records with those keys; « liste … » alone, a list of texts.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clause_kit.commun.erreurs import ErreurDonnees, raison_systeme

__all__ = ["Schema", "lire_variables", "schema_du_contexte"]

_TITRE = re.compile(r"^##\s+`([\w.]+)`(.*)$")
_LIGNE = re.compile(r"^\|\s*`([\w.]+)`\s*\|(.*)\|\s*$")
_ELEMENTS = re.compile(r"liste\b[^`]*`\{([^}]*)\}`")


@dataclass(frozen=True)
class Schema:
    """Every variable path the context provides, with all their prefixes."""

    chemins: frozenset[str]

    def connu(self, chemin: str) -> bool:
        """Whether a template may use this path."""
        return chemin in self.chemins

    def suggestion(self, chemin: str, ecrit: str) -> str | None:
        """The closest known name, written the way the template writes it (``lot.heure`` → ``lot.heures``)."""
        parent, _, dernier = chemin.rpartition(".")
        voisins = [c.rpartition(".")[2] for c in self.chemins if c.rpartition(".")[0] == parent and parent]
        proche = difflib.get_close_matches(dernier, voisins, n=1, cutoff=0.7)
        if proche:
            return f"{ecrit.rpartition('.')[0]}.{proche[0]}" if "." in ecrit else proche[0]
        proche = difflib.get_close_matches(chemin, sorted(self.chemins), n=1, cutoff=0.75)
        return proche[0] if proche else None


def _avec_prefixes(chemins: Iterable[str]) -> frozenset[str]:
    tous: set[str] = set()
    for chemin in chemins:
        morceaux = chemin.split(".")
        for n in range(1, len(morceaux) + 1):
            prefixe = ".".join(morceaux[:n])
            tous.add(prefixe)
            if prefixe.endswith("[]"):
                tous.add(prefixe[:-2])
    return frozenset(tous)


def lire_variables(chemin: Path) -> Schema:
    """Read ``VARIABLES.md``; raise ``ErreurDonnees`` when it is missing or declares nothing."""
    try:
        lignes = chemin.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raison = raison_systeme(err) if isinstance(err, OSError) else "pas en UTF-8"
        raise ErreurDonnees(f"{chemin} : liste des variables illisible ({raison})") from err
    section, liste = "", False
    chemins: list[str] = []
    for ligne in lignes:
        titre = _TITRE.match(ligne)
        if titre:
            section, liste = titre.group(1), "liste" in titre.group(2)
            continue
        rangee = _LIGNE.match(ligne)
        if rangee is None:
            continue
        nom, description = rangee.group(1), rangee.group(2)
        racine, _, reste = nom.partition(".")
        if liste and racine != section:  # ``lot.numero`` under « `lots` (liste) »
            nom = f"{section}[]" + (f".{reste}" if reste else "")
        chemins.append(nom)
        elements = _ELEMENTS.search(description)
        if elements:
            chemins += [f"{nom}[].{cle.strip()}" for cle in elements.group(1).split(",")]
        elif description.strip().startswith("liste"):
            chemins.append(f"{nom}[]")
    if not chemins:
        raise ErreurDonnees(f"{chemin} : aucune variable déclarée (lignes « | `nom` | … | » attendues)")
    return Schema(_avec_prefixes(chemins))


def schema_du_contexte(contextes: Iterable[dict[str, Any]]) -> Schema:
    """The paths actually present in template contexts (the union over several contracts)."""
    chemins: set[str] = set()
    for contexte in contextes:
        _parcourir(contexte, "", chemins)
    return Schema(_avec_prefixes(chemins))


def _parcourir(valeur: Any, chemin: str, chemins: set[str]) -> None:
    if isinstance(valeur, dict):
        for cle, enfant in valeur.items():
            _parcourir(enfant, f"{chemin}.{cle}" if chemin else str(cle), chemins)
    elif isinstance(valeur, list):
        chemins.add(chemin)
        for element in valeur:
            _parcourir(element, f"{chemin}[]", chemins)
    else:
        chemins.add(chemin)
