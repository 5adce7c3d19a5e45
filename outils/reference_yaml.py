"""Écrit docs/reference-yaml.md, la référence des clés du fichier de marché, à partir du schéma JSON du modèle.

Usage : python3 outils/reference_yaml.py

Le schéma est celui qu'affiche `clause-kit schema` (`clause_kit.formulaire.schema.schema_json`, tiré
du modèle pydantic) : une clé ajoutée au modèle, une borne ou une aide changée apparaît ici sans autre
déclaration, et tests/test_docs.py vérifie que la page publiée est bien celle que ce script écrit.
Une section par objet (les `$defs` du schéma), dans l'ordre où le fichier les rencontre ; un tableau
par objet : clé, type, obligatoire, valeurs possibles ou bornes, défaut, description.
"""

from __future__ import annotations

import sys
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

from clause_kit.formulaire.schema import schema_json  # noqa: E402
from clause_kit.marche import modele as marche_modele  # noqa: E402

PAGE = RACINE / "docs" / "reference-yaml.md"
COMMANDE = "python3 outils/reference_yaml.py"
_ESPACE = "\u202f"  # the French thousands separator (narrow no-break space)

ENTETE = f"""\
*Page générée par `{COMMANDE}` à partir du schéma JSON du modèle (celui qu'affiche
`clause-kit schema`) : ne pas la modifier à la main, relancer la commande.*

# Référence du fichier YAML

Chaque section décrit un bloc du fichier de marché ; les tableaux viennent du modèle que lit
`clause-kit verifier`, si bien qu'ils ne peuvent pas s'en écarter. Une clé absente des tableaux
est une erreur (la clé la plus proche est suggérée). Les pourcentages s'écrivent en pourcents
(`10` = 10 %), les montants en euros HT sans espace (`1250000` ou `1250000.50`), les dates en
`AAAA-MM-JJ`. Les règles de saisie (valeurs tapées, nombres, limites) et les contrôles qui
lient plusieurs clés (sommes des pondérations et des lots, seuils, dates) sont expliqués dans le
[guide des acheteurs](acheteurs.md#regles-de-saisie).

Colonnes : *obligatoire* dit si la clé doit figurer dans son bloc ; *défaut* est la valeur du
modèle quand la clé manque (« — » : aucune ; la description dit alors quelle valeur de
`parametres.yaml` s'applique) ; *type* « nombre » accepte un entier ou un nombre décimal écrit
avec un point.
"""


def generer() -> str:
    """The Markdown of docs/reference-yaml.md."""
    schema = schema_json()
    definitions: dict[str, dict[str, Any]] = schema["$defs"]
    blocs = _blocs(schema, definitions)
    titres = {nom: bloc.titre for nom, bloc in blocs.items()}
    parties = [ENTETE, _section("Le fichier", "fichier", "le fichier entier", schema, titres, "Consultation")]
    for nom, bloc in blocs.items():
        ou = ", ".join(f"`{c}`" for c in bloc.chemins)
        parties.append(_section(bloc.titre, _ancre(nom), ou, definitions[nom], titres, nom))
    return "\n".join(parties)


@dataclass
class Bloc:
    """A definition of the schema as the file meets it: its French title and the YAML paths that lead to it."""

    titre: str
    chemins: list[str] = field(default_factory=list)


def _blocs(schema: dict[str, Any], definitions: dict[str, dict[str, Any]]) -> dict[str, Bloc]:
    """The definitions level by level (the top blocks first), each titled by the shallowest key leading to it."""
    blocs: dict[str, Bloc] = {}
    a_visiter: list[tuple[dict[str, Any], str]] = [(schema, "")]
    while a_visiter:
        objet, prefixe = a_visiter.pop(0)
        for cle, propriete in objet.get("properties", {}).items():
            for nom, liste in _references(propriete):
                chemin = f"{prefixe}{cle}" + ("[]" if liste else "")
                if nom not in blocs:
                    blocs[nom] = Bloc(propriete.get("title") or definitions[nom].get("title", nom))
                    a_visiter.append((definitions[nom], chemin + "."))
                blocs[nom].chemins.append(chemin)
    oublies = sorted(set(definitions) - set(blocs))
    if oublies:  # a definition no key leads to would go undocumented: say so rather than drop it
        raise SystemExit(f"définitions du schéma qu'aucune clé n'atteint : {', '.join(oublies)}")
    return blocs


def _references(propriete: dict[str, Any]) -> list[tuple[str, bool]]:
    """The definitions a property points at, each with whether it is a list of them."""
    trouvees = []
    for variante in _variantes(propriete):
        if "$ref" in variante:
            trouvees.append((_nom_ref(variante["$ref"]), False))
        elif variante.get("type") == "array" and "$ref" in variante.get("items", {}):
            trouvees.append((_nom_ref(variante["items"]["$ref"]), True))
    return trouvees


def _nom_ref(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _ancre(nom: str) -> str:
    return nom.lower()


def _section(titre: str, ancre: str, ou: str, objet: dict[str, Any], titres: dict[str, str], classe: str) -> str:
    lignes = [
        f"## {titre} {{#{ancre}}}",
        "",
        f"Où : {ou}.",
        "",
        "| clé | type | obligatoire | valeurs possibles / bornes | défaut | description |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    requis = set(objet.get("required", []))
    for cle, propriete in objet.get("properties", {}).items():
        cellules = [
            f"`{cle}`",
            _type(propriete, titres, _decimales(classe, cle)),
            "oui" if cle in requis else "non",
            _valeurs(propriete),
            _defaut(propriete),
            _description(propriete, titres),
        ]
        lignes.append("| " + " | ".join(_cellule(c) for c in cellules) + " |")
    return "\n".join(lignes) + "\n"


def _variantes(propriete: dict[str, Any]) -> list[dict[str, Any]]:
    """The alternatives of a property, without « null » (which only says the key may be left empty)."""
    variantes = propriete.get("anyOf", [propriete])
    return [v for v in variantes if v.get("type") != "null"]


def _type(propriete: dict[str, Any], titres: dict[str, str], decimales: int | None) -> str:
    variantes = _variantes(propriete)
    types = {v.get("type") for v in variantes}
    if "number" in types:
        return f"nombre ({decimales} décimales au plus)" if decimales is not None else "nombre"
    return " ou ".join(_type_simple(v, titres) for v in variantes)


def _decimales(classe: str, cle: str) -> int | None:
    """The decimals a model field allows, read from the model itself.

    The JSON Schema used to carry them as a pattern on the number's text, but pydantic 2.14 no
    longer writes it: read from the schema, the page would change with the pydantic installed.
    """
    modele = getattr(marche_modele, classe, None)
    champ = getattr(modele, "model_fields", {}).get(cle)
    pile: list[Any] = [champ, champ.annotation] if champ is not None else []
    while pile:
        objet = pile.pop()
        for meta in [*(getattr(objet, "metadata", None) or []), *(getattr(objet, "__metadata__", ()) or ())]:
            if getattr(meta, "decimal_places", None) is not None:
                return int(meta.decimal_places)
            pile.append(meta)
        pile.extend(typing.get_args(objet))
    return None


def _type_simple(variante: dict[str, Any], titres: dict[str, str]) -> str:
    if "$ref" in variante:
        nom = _nom_ref(variante["$ref"])
        return f"bloc [{titres[nom]}](#{_ancre(nom)})"
    genre = variante.get("type")
    if genre == "array":
        elements = variante.get("items", {})
        if "$ref" in elements:
            nom = _nom_ref(elements["$ref"])
            return f"liste de blocs [{titres[nom]}](#{_ancre(nom)})"
        return f"liste de {_type_simple(elements, titres)}s"
    if genre == "string" and variante.get("format") == "date":
        return "date"
    return {"string": "texte", "integer": "entier", "boolean": "booléen", "object": "bloc"}.get(genre or "", "valeur")


def _valeurs(propriete: dict[str, Any]) -> str:
    morceaux: list[str] = []
    for variante in _variantes(propriete):
        cible = variante.get("items", {}) if variante.get("type") == "array" else variante
        if "enum" in cible:  # the values say it all: no length to add
            morceaux.append(", ".join(f"`{v}`" for v in cible["enum"]))
        else:
            morceaux.extend(_longueurs(cible))
        if variante.get("type") in ("number", "integer"):
            morceaux.extend(_bornes(variante))
        if variante.get("type") == "string" and variante.get("format") == "date":
            morceaux.append("`AAAA-MM-JJ`")
        if variante.get("type") == "array":
            morceaux.extend(_effectifs(variante))
    return " ; ".join(dict.fromkeys(morceaux)) or "—"


def _bornes(variante: dict[str, Any]) -> list[str]:
    signes = (("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤"), ("exclusiveMaximum", "<"))
    return [f"{signe} {_nombre(variante[cle])}" for cle, signe in signes if cle in variante]


def _longueurs(variante: dict[str, Any]) -> list[str]:
    if "maxLength" not in variante:
        return []
    minimum = variante.get("minLength", 0)
    maximum = _nombre(variante["maxLength"])
    return [f"{minimum} à {maximum} caractères" if minimum else f"{maximum} caractères au plus"]


def _effectifs(variante: dict[str, Any]) -> list[str]:
    morceaux = []
    if "minItems" in variante:
        nombre = variante["minItems"]
        morceaux.append(f"au moins {nombre} élément" + ("s" if nombre > 1 else ""))
    if "maxItems" in variante:
        morceaux.append(f"{_nombre(variante['maxItems'])} éléments au plus")
    return morceaux


def _defaut(propriete: dict[str, Any]) -> str:
    if "default" not in propriete or propriete["default"] is None:
        return "—"
    valeur = propriete["default"]
    if isinstance(valeur, bool):
        return f"`{'true' if valeur else 'false'}`"
    return f"`{valeur}`"


def _description(propriete: dict[str, Any], titres: dict[str, str]) -> str:
    blocs = [titres[nom] for nom, _ in _references(propriete)]
    titre = propriete.get("title") or (blocs[0] if blocs else "")
    aide = propriete.get("description", "")
    if titre and aide:
        return f"**{titre}** : {aide}"
    return f"**{titre}**" if titre else aide


def _nombre(valeur: float | int) -> str:
    """A bound written the French way: 999 999 999 999,99 ; 100 rather than 100.0."""
    texte = format(Decimal(str(valeur)).normalize(), "f")
    entier, _, decimales = texte.partition(".")
    signe = "-" if entier.startswith("-") else ""
    chiffres = entier.lstrip("-")
    groupes = []
    while len(chiffres) > 3:
        groupes.insert(0, chiffres[-3:])
        chiffres = chiffres[:-3]
    groupes.insert(0, chiffres)
    return signe + _ESPACE.join(groupes) + ("," + decimales if decimales else "")


def _cellule(texte: str) -> str:
    """A table cell: one line, no bare « | » (it would split the cell), no « <commune> » read as HTML."""
    return " ".join(texte.split()).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def main() -> None:
    PAGE.write_text(generer(), encoding="utf-8")
    print(f"{PAGE.relative_to(RACINE)} écrit")


if __name__ == "__main__":
    main()
