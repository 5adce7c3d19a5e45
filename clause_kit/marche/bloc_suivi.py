"""The ``suivi`` block of a dossier's manifest: what the register keeps of a contract, checked as strictly as one.

``dossier.classeur_suivi.donnees_suivi`` writes this block from a validated contract; the
register reads it back from ``manifest.json``, a file anyone can edit. It is input like a
contract file, so it is checked by the same field types (``Texte``, ``Reference``, ``Jour``,
``Execution``, ``LieuExecution``...), bounds and rules tying values together: a figure the
register sums must be a figure within what a contract file can give (never ``"abc"``,
``1e308``, ``NaN`` or a negative number), a date a date in range, a list of lots a non-empty
list whose hours are the contract's. Every problem is returned at once, located by the JSON
path of the field (``suivi.lots[1].heures_dues``) and worded in French; nothing is stored
unless the whole block passes.

Each value must also have the JSON type ``generer`` gives it (``_types_json``, read from the
model's annotations): the model, made for a contract file whose values come as text, would
take ``"933"`` for 933 hours. What the register keeps is the model's reading of the block;
for a manifest ``generer`` wrote, the block itself. The manifest must be parsed with floats as
``Decimal`` (exact, and ``1e999`` stays a number to refuse rather than an infinity) and
``NaN`` or ``Infinity`` as text.
"""

from __future__ import annotations

import datetime
import re
import types
import typing
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator

from clause_kit.commun.erreurs import ErreursValidation, Probleme
from clause_kit.marche.chargement import chemin_texte, message_fr
from clause_kit.marche.droit import Regime, TypeMarche
from clause_kit.marche.modele import (
    Chemin,
    Execution,
    Jour,
    LieuExecution,
    Reference,
    Siret,
    Texte,
    _exiger_slug,
    _Strict,
)

__all__ = ["BlocSuivi", "LotSuivi", "valider_bloc_suivi"]

#: The most hours a contract file can give (largest amount, 100 % of it in labour and insertion,
#: at 0,01 € an hour): more is no figure generation writes, and would overflow the register's sums.
HEURES_MAX = 10**14
Heures = Annotated[int, Field(ge=0, le=HEURES_MAX)]
Euros = Annotated[Decimal, Field(ge=0, le=Decimal("999999999999.99"))]
#: Initial period and every renewal (``Marche.duree_mois`` ≤ 240, 20 renewals of ≤ 120 months).
DUREE_MAX_MOIS = 240 + 20 * 120

#: pydantic's messages worded for a YAML file, said for a JSON one.
_MESSAGES_JSON = {
    "model_type": "objet JSON attendu ({ … })",
    "model_attributes_type": "objet JSON attendu ({ … })",
    "dict_type": "objet JSON attendu ({ … })",
    "list_type": "liste JSON attendue ([ … ])",
    "bool_type": "true ou false attendu",
    "int_type": "nombre entier attendu (sans guillemets ni décimales)",
    "decimal_type": "nombre attendu (ex. « 18.03 »)",
    "string_type": "texte attendu (entre guillemets)",
    "date_type": "date attendue au format AAAA-MM-JJ, entre guillemets",
}


class LotSuivi(_Strict):
    """One lot as the register keeps it: its hours, whether it carries a clause, its penalty cap."""

    numero: Annotated[int, Field(ge=1, le=999)]
    intitule: Texte
    heures_dues: Heures
    clause: bool
    plafond_penalite: Euros | None = None


class BlocSuivi(_Strict):
    """The contract as the register keeps it (``donnees_suivi``): keys, types and ranges of each value."""

    reference: Reference
    objet: Texte
    type: TypeMarche
    acheteur: Texte
    commune: Texte
    regime: Regime
    article_14: bool
    article_53: bool
    heures_dues: Heures
    heures_par_etp: Annotated[int, Field(gt=0, le=3000)]
    penalite_par_heure: Annotated[Decimal, Field(ge=0, lt=100000)]
    duree_mois: Annotated[int, Field(gt=0, le=DUREE_MAX_MOIS)] | None = None
    date_lancement: Jour | None = None
    execution: Execution | None = None
    acheteur_siret: Siret | None = None
    lieu_execution: LieuExecution | None = None
    lots: Annotated[list[LotSuivi], Field(min_length=1, max_length=999)]
    #: Read by the register (training hours counted), though no dossier writes it yet.
    formation_comptee: bool | None = None

    @field_validator("commune")
    @classmethod
    def _commune_en_dossier(cls, valeur: str) -> str:
        _exiger_slug(valeur)
        return valeur


def _coherence(bloc: BlocSuivi) -> list[tuple[Chemin, str]]:
    """Rules tying several values together: one lot per number, the contract's hours those of its lots."""
    problemes: list[tuple[Chemin, str]] = []
    vus: set[int] = set()
    for i, lot in enumerate(bloc.lots):
        if lot.numero in vus:
            problemes.append((("lots", i, "numero"), f"numéro de lot {lot.numero} en double"))
        vus.add(lot.numero)
    somme = sum(lot.heures_dues for lot in bloc.lots)
    if somme != bloc.heures_dues:
        problemes.append((("heures_dues",), f"{bloc.heures_dues} heures dues, mais les lots en totalisent {somme}"))
    titulaires = (bloc.execution.titulaires if bloc.execution else None) or []
    for i, titulaire in enumerate(titulaires):
        if titulaire.lot is not None and titulaire.lot not in vus:
            problemes.append((("execution", "titulaires", i, "lot"), f"lot {titulaire.lot} absent de « lots »"))
    return problemes


_SHA256 = re.compile(r"[0-9a-f]{64}")


#: The largest power of ten a manifest's number may carry: the biggest contract's hours and amounts
#: stay under 10^15. Beyond, ``1e99999999`` (a 20-byte edit) was turned by the model into an integer
#: of a hundred million digits, which took minutes.
EXPOSANT_MAX = 30


class NombreDemesure:
    """A JSON number beyond 10^±``EXPOSANT_MAX``, kept as its text: refused at its field, never converted."""

    def __init__(self, texte: str) -> None:
        self.texte = texte

    def __repr__(self) -> str:
        return self.texte


def nombre_json(texte: str) -> Decimal | NombreDemesure:
    """A JSON number with a fraction or an exponent (``json.loads``'s ``parse_float``): exact, and bounded."""
    valeur = Decimal(texte)
    if valeur.is_zero():
        return Decimal(0)  # « 0e99999999 » is zero, without its exponent
    if not -EXPOSANT_MAX <= valeur.adjusted() <= EXPOSANT_MAX:
        return NombreDemesure(texte)
    return valeur


def _types_json(valeur: Any, annotation: Any, chemin: Chemin) -> list[tuple[Chemin, str]]:
    """Values of another JSON type than the one ``generer`` writes, read from the model's annotations.

    The model reads a contract file's values, which come as text: it would take ``"933"`` for
    933 hours or ``12`` for a reference. A manifest is JSON, written by ``generer`` with a type for
    each value: another type is a file altered by hand, refused at the field rather than guessed.
    """
    if isinstance(valeur, NombreDemesure):
        return [(chemin, _demesure(valeur))]
    return _types_attendus(valeur, annotation, chemin)


def _demesure(valeur: NombreDemesure) -> str:
    texte = valeur.texte if len(valeur.texte) <= 40 else valeur.texte[:39] + "…"
    return f"nombre démesuré « {texte} » : au-delà de 10^{EXPOSANT_MAX}"


def _types_attendus(valeur: Any, annotation: Any, chemin: Chemin) -> list[tuple[Chemin, str]]:
    """``_types_json`` for a value that is not a number beyond bounds."""
    origine, arguments = typing.get_origin(annotation), typing.get_args(annotation)
    if origine is Annotated:
        return _types_json(valeur, arguments[0], chemin)
    if origine in (typing.Union, types.UnionType):
        if valeur is None and type(None) in arguments:
            return []
        (utile,) = [a for a in arguments if a is not type(None)]
        return _types_json(valeur, utile, chemin)
    attendu, message = _TYPES_JSON.get(annotation, (None, ""))
    if origine is Literal:
        attendu, message = str, _MESSAGES_JSON["string_type"]
    elif origine is list:
        if not isinstance(valeur, list):
            return [(chemin, _MESSAGES_JSON["list_type"])]
        return [p for i, element in enumerate(valeur) for p in _types_json(element, arguments[0], (*chemin, i))]
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if not isinstance(valeur, dict):
            return [(chemin, _MESSAGES_JSON["model_type"])]
        champs = annotation.model_fields
        return [
            p
            for cle, v in valeur.items()
            if cle in champs
            for p in _types_json(v, champs[cle].annotation, (*chemin, cle))
        ]
    if attendu is None or (isinstance(valeur, attendu) and not (isinstance(valeur, bool) and attendu is not bool)):
        return []
    return [(chemin, message)]


#: JSON type(s) of a value of each Python type of the model (a figure in euros: text, as generated, or a number).
_TYPES_JSON: dict[Any, tuple[Any, str]] = {
    str: (str, _MESSAGES_JSON["string_type"]),
    int: (int, _MESSAGES_JSON["int_type"]),
    bool: (bool, _MESSAGES_JSON["bool_type"]),
    Decimal: ((str, int, Decimal), _MESSAGES_JSON["decimal_type"]),
    datetime.date: (str, _MESSAGES_JSON["date_type"]),
}


def _lire_bloc(bloc: Any) -> tuple[BlocSuivi | None, list[tuple[Chemin, str]]]:
    """The block as the model reads it (``None`` if it cannot) and its problems, one message per field."""
    problemes = _types_json(bloc, BlocSuivi, ())
    try:
        valide = BlocSuivi.model_validate(bloc)
    except ValidationError as err:
        mal_types = [chemin for chemin, _ in problemes]
        for erreur in err.errors(include_url=False):
            chemin: Chemin = tuple(erreur["loc"])
            if not any(chemin[: len(c)] == c for c in mal_types):  # already said: the wrong JSON type
                problemes.append((chemin, message_fr(erreur, chemin, BlocSuivi, _MESSAGES_JSON)))
        return None, problemes
    if problemes:
        return None, problemes
    return valide, _coherence(valide)


def valider_bloc_suivi(manifeste: dict[str, Any], fichier: str) -> tuple[dict[str, Any], str]:
    """The checked ``suivi`` block of a parsed manifest, as JSON data, and the SHA-256 of its contract file.

    Raise ``ErreursValidation`` with every problem, each located by ``fichier`` and the JSON path.
    The data returned is the block as the model reads it (texts trimmed, a SIRET without spaces):
    for a manifest ``generer`` wrote, the block itself.
    """
    valide, problemes_bloc = _lire_bloc(manifeste["suivi"])
    problemes = [Probleme(fichier, None, chemin_texte(("suivi", *c)), m) for c, m in problemes_bloc]
    source = manifeste.get("source")
    empreinte = source.get("sha256", "") if isinstance(source, dict) else ""
    if not isinstance(empreinte, str) or (empreinte and not _SHA256.fullmatch(empreinte)):
        message = "empreinte SHA-256 attendue (64 caractères hexadécimaux)"
        problemes.append(Probleme(fichier, None, "source.sha256", message))
    if problemes or valide is None:
        raise ErreursValidation(problemes)
    return valide.model_dump(mode="json", exclude_unset=True), empreinte
