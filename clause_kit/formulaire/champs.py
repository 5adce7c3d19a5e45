"""The form's fields, generated from the JSON Schema: a tree of ``Champ`` filled with a contract's data.

Every key of the model becomes a field of the right kind (text, number, date, choice, yes/no,
list of codes, block, list of blocks) with its French title and help, so a key added to the
model appears in the form with no second definition. Names and ids follow the data path:
``marche.lots.0.montant_ht`` / ``c-marche-lots-0-montant_ht``; ``chemin_de_champ`` maps the
loader's ``marche.lots[1].montant_ht`` back to it, to show each message beside its field.
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from clause_kit.commun.parametres import charger_parametres
from clause_kit.formulaire.schema import schema_json
from clause_kit.marche.droit import CCAG_2021, FORMES, PROCEDURES, RESERVES, TYPES_LIBELLES
from clause_kit.marche.modele import Chemin

__all__ = [
    "INDICE_MODELE",
    "LIBELLES_RESERVE",
    "Champ",
    "arbre",
    "chemin_de_champ",
    "genres",
    "nom_de",
    "texte_de",
    "trouver_cible",
    "valeur_a",
]

#: Stands for the index of a list item in the template the page copies to add an item.
INDICE_MODELE = "__i__"

#: Most list items the form shows: the model refuses more (its own message says so).
ELEMENTS_MAX = 500


@dataclass
class Champ:
    """One field or block of the form, with its value."""

    chemin: Chemin
    genre: str  # bloc, liste, texte, nombre, entier, date, choix, booleen, codes
    titre: str
    aide: str = ""
    obligatoire: bool = False
    #: For a choice or a yes/no: the value applied when the field is left empty ("" when none).
    defaut: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    #: Scalars: the text shown; codes: the chosen codes.
    valeur: Any = ""
    #: Blocks: whether the block is in the data (an optional block can be switched off).
    present: bool = True
    enfants: list[Champ] = field(default_factory=list)
    #: Lists: one block per item, and the empty item the page copies to add one.
    modele_element: Champ | None = None

    @property
    def nom(self) -> str:
        """Name of the form control: the data path joined by dots."""
        return nom_de(self.chemin)

    @property
    def ident(self) -> str:
        """HTML id of the control (or of the block's fieldset)."""
        return "c-" + "-".join(str(p) for p in self.chemin)

    @property
    def libelle_defaut(self) -> str:
        """The default value in the officer's words (« oui », « Marché ordinaire »...), "" when none."""
        if self.genre == "booleen":
            return {"true": "oui", "false": "non"}.get(self.defaut, self.defaut)
        return dict(self.options).get(self.defaut, self.defaut)

    @property
    def element(self) -> bool:
        """Whether this block is an item of a list (or the template of one)."""
        return bool(self.chemin) and (isinstance(self.chemin[-1], int) or self.chemin[-1] == INDICE_MODELE)

    @property
    def cle(self) -> str:
        """The YAML key (or the item number of a list element, from 1)."""
        dernier = self.chemin[-1]
        return str(dernier + 1) if isinstance(dernier, int) else str(dernier)


def nom_de(chemin: Chemin) -> str:
    """``("marche", "lots", 0)`` → ``marche.lots.0``."""
    return ".".join(str(p) for p in chemin)


def valeur_a(donnees: Any, *chemin: str | int) -> Any:
    """The value at ``chemin`` in nested data read from a file, or None (whatever shape the data has)."""
    for partie in chemin:
        if isinstance(partie, int):
            donnees = donnees[partie] if isinstance(donnees, list) and 0 <= partie < len(donnees) else None
        else:
            donnees = donnees.get(partie) if isinstance(donnees, dict) else None
    return donnees


def _definitions() -> dict[str, Any]:
    return _schema()["$defs"]  # type: ignore[no-any-return]


@functools.cache
def _schema() -> dict[str, Any]:
    return schema_json()


def _variantes(propriete: dict[str, Any]) -> tuple[list[dict[str, Any]], bool]:
    """The non-null alternatives of a property (references resolved), and whether null is allowed."""
    variantes = propriete.get("anyOf", [propriete])
    nullable = any(v.get("type") == "null" for v in variantes)
    resolues = []
    for v in variantes:
        if v.get("type") == "null":
            continue
        resolues.append(_definitions()[v["$ref"].rsplit("/", 1)[1]] if "$ref" in v else v)
    return resolues, nullable


def _genre(variantes: list[dict[str, Any]]) -> str:
    types = {v.get("type") for v in variantes}
    premiere = variantes[0]
    if "properties" in premiere:
        return "bloc"
    if "array" in types:
        items = premiere.get("items", {})
        return "liste" if "$ref" in items else "codes"
    for type_json, genre in (("number", "nombre"), ("integer", "entier"), ("boolean", "booleen")):
        if type_json in types:
            return genre
    if "enum" in premiere:
        return "choix"
    return "date" if premiere.get("format") == "date" else "texte"


#: Reserved contracts and lots in the officer's words (the pieces cite the article and the proof asked).
LIBELLES_RESERVE = {
    "ea_esat": "Réservé aux entreprises adaptées et ESAT (article L. 2113-12)",
    "siae": "Réservé aux structures d'insertion par l'activité économique (article L. 2113-13)",
    "ess": "Réservé aux entreprises de l'économie sociale et solidaire (article L. 2113-15)",
}


@functools.cache
def _libelles_valeurs() -> dict[str, dict[str, str]]:
    """French labels of coded values, from the data that defines them (a code without one shows itself)."""
    publics = charger_parametres().brut["publics"]
    return {
        "procedure": dict(PROCEDURES),
        "type": dict(TYPES_LIBELLES),
        "ccag": {**{code: c.nom for code, c in CCAG_2021.items()}, "aucun": "aucun CCAG"},
        "publics": {code: str(valeurs["libelle"]) for code, valeurs in publics.items()},
        "forme": {
            code: "Marché ordinaire" if code == "ordinaire" else forme.libelle[:1].upper() + forme.libelle[1:]
            for code, forme in FORMES.items()
        },
        "reserve": {code: LIBELLES_RESERVE.get(code, code) for code in RESERVES},
    }


def _options(cle: str, variantes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    premiere = variantes[0]
    valeurs = premiere.get("enum") or premiere.get("items", {}).get("enum") or []
    libelles = _libelles_valeurs().get(cle, {})
    return [(str(v), libelles.get(str(v), str(v))) for v in valeurs]


def texte_de(valeur: Any) -> str:
    """How a value of a file is shown in a text field."""
    if valeur is None or isinstance(valeur, dict | list):
        return ""
    if isinstance(valeur, bool):
        return "true" if valeur else "false"
    if isinstance(valeur, float | Decimal):
        d = Decimal(str(valeur))
        return str(int(d)) if d == d.to_integral_value() else format(d.normalize(), "f")
    if isinstance(valeur, datetime.date):
        return valeur.isoformat()
    return str(valeur)


def arbre(donnees: Any) -> Champ:
    """The whole form (the root block) filled with ``donnees``, a contract's data as read from YAML."""
    racine = _schema()
    return _bloc((), racine, "Marché", "", True, donnees if isinstance(donnees, dict) else {}, True)


def _bloc(
    chemin: Chemin, definition: dict[str, Any], titre: str, aide: str, obligatoire: bool, donnees: Any, present: bool
) -> Champ:
    valeurs = donnees if isinstance(donnees, dict) else {}
    requis = set(definition.get("required", []))
    enfants = [
        _champ((*chemin, cle), propriete, cle in requis, valeurs.get(cle), cle)
        for cle, propriete in definition["properties"].items()
    ]
    return Champ(chemin, "bloc", titre, aide, obligatoire, present=present, enfants=enfants)


def _champ(chemin: Chemin, propriete: dict[str, Any], obligatoire: bool, valeur: Any, cle: str) -> Champ:
    variantes, _ = _variantes(propriete)
    genre = _genre(variantes)
    titre = str(propriete.get("title", cle))
    aide = str(propriete.get("description", ""))
    if genre == "bloc":
        return _bloc(chemin, variantes[0], titre, aide, obligatoire, valeur, obligatoire or valeur is not None)
    if genre == "liste":
        return _liste(chemin, variantes[0], titre, aide, obligatoire, valeur)
    defaut = propriete.get("default")
    champ = Champ(chemin, genre, titre, aide, obligatoire, defaut=texte_de(defaut), options=_options(cle, variantes))
    if genre == "codes":
        choisis = [str(v) for v in valeur] if isinstance(valeur, list) else []
        # The chosen codes first, in the file's order (kept on saving), then the others.
        connus = dict(champ.options)
        champ.options = [(c, connus.get(c, c)) for c in choisis] + [o for o in champ.options if o[0] not in choisis]
        champ.valeur = choisis
    else:
        champ.valeur = texte_de(valeur)
        if genre == "choix" and champ.valeur and champ.valeur not in dict(champ.options):
            # A value the file has but the model refuses stays visible, beside its message.
            champ.options.append((champ.valeur, f"{champ.valeur} (non reconnu)"))
    return champ


def _liste(chemin: Chemin, definition: dict[str, Any], titre: str, aide: str, obligatoire: bool, valeur: Any) -> Champ:
    element = _definitions()[definition["items"]["$ref"].rsplit("/", 1)[1]]
    elements = valeur[:ELEMENTS_MAX] if isinstance(valeur, list) else []
    nom_element = str(element.get("title", titre))
    enfants = [_bloc((*chemin, i), element, nom_element, "", True, v, True) for i, v in enumerate(elements)]
    modele = _bloc((*chemin, INDICE_MODELE), element, nom_element, "", True, {}, True)
    return Champ(
        chemin,
        "liste",
        titre,
        aide,
        obligatoire,
        present=isinstance(valeur, list),
        enfants=enfants,
        modele_element=modele,
    )


def genres() -> dict[tuple[str, ...], Champ]:
    """Every field of the schema by its path without list indexes: what the form parser needs to know."""
    resultat: dict[tuple[str, ...], Champ] = {}

    def parcourir(champ: Champ) -> None:
        resultat[tuple(str(p) for p in champ.chemin if not isinstance(p, int) and p != INDICE_MODELE)] = champ
        for enfant in champ.enfants:
            parcourir(enfant)
        if champ.modele_element is not None:
            parcourir(champ.modele_element)

    parcourir(arbre({}))
    return resultat


_PARTIE = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


def chemin_de_champ(texte: str) -> Chemin:
    """The loader's ``marche.lots[2].montant_ht`` (items from 1) → ``("marche", "lots", 1, "montant_ht")``."""
    chemin: list[str | int] = []
    for indice, cle in _PARTIE.findall(texte):
        chemin.append(int(indice) - 1 if indice else cle)
    return tuple(chemin)


def trouver_cible(racine: Champ, chemin: Chemin) -> Champ | None:
    """The field a message about ``chemin`` goes beside: the field itself, or its nearest shown block."""
    courant, trouve = racine, None
    for partie in chemin:
        suivant = next((e for e in courant.enfants if e.chemin[-1] == partie), None)
        if suivant is None:
            break
        courant = trouve = suivant
    return trouve
