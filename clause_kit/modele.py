"""The contract model: what a valid YAML contract description is. No I/O here.

Field-level rules (types, ranges, known codes) live beside the fields, so pydantic reports
every one of them at once; rules that tie several fields together (weights summing up, lot
amounts, unique lot numbers) are in ``verifier_coherence`` and return located problems.
Every model forbids unknown keys: a typo in a key must never silently drop a clause.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import re
import types
import typing
from collections.abc import Iterable
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from clause_kit.droit import PROCEDURES, Regime, TypeMarche
from clause_kit.formats import nombre_simple, normaliser_cpv, siret_valide, slug

__all__ = [
    "Acheteur",
    "Article14",
    "Article53",
    "Consultation",
    "Critere",
    "Facilitateur",
    "Insertion",
    "Lot",
    "Marche",
    "Penalite",
    "SousCritere",
    "nombre_tape",
    "suggestion",
    "verifier_coherence",
]


def _sans_caractere_interdit(valeur: str) -> str:
    """Refuse characters a Word document cannot hold (C0 controls but tab and newline, U+FFFE/FFFF).

    docxtpl would also turn BEL and FF into paragraph and page breaks: refused too.
    """
    for caractere in valeur:
        code = ord(caractere)
        if (code < 32 and caractere not in "\t\n") or code in (0x7F, 0xFFFE, 0xFFFF) or 0xD800 <= code <= 0xDFFF:
            raise ValueError(f"caractère interdit dans un document Word (code U+{code:04X})")
    return valeur


Texte = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_sans_caractere_interdit)]
Pourcentage = Annotated[Decimal, Field(ge=0, le=100, decimal_places=4)]
Montant = Annotated[Decimal, Field(gt=0, le=Decimal("999999999999.99"), decimal_places=2)]
Ponderation = Annotated[Decimal, Field(gt=0, le=100, decimal_places=2)]


# --- Numbers as typed -------------------------------------------------------------------
# YAML scalars reach the model as the text typed (see ``yaml_texte``): a number field reads
# that text here and refuses what YAML 1.1 would have misread (``1_000``, ``1:20``, ``0o17``),
# rather than guessing. A leading zero changes nothing: ``012`` is twelve, never octal.
MESSAGE_NOMBRE = "nombre attendu (ex. 1250000 ou 35.5 : sans espace, sans symbole € ni %)"
_NOMBRE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_FORMES_REFUSEES = (
    (re.compile(r".*_"), "séparateur « _ » non accepté dans un nombre : écrivez les chiffres à la suite (ex. 1250000)"),
    (
        re.compile(r"[+-]?[0-9]+(?::[0-9]+)+(?:\.[0-9]*)?$"),
        "notation « 1:20 » (base 60) non acceptée : écrivez le nombre en chiffres (ex. 80)",
    ),
    (
        re.compile(r"[+-]?0[xXoObB]"),
        "notation hexadécimale, octale ou binaire non acceptée : écrivez le nombre en chiffres décimaux",
    ),
)


def nombre_tape(valeur: Any) -> Any:
    """The text of a number field, checked: plain decimal digits only (``ValueError`` in French otherwise)."""
    if isinstance(valeur, bool):
        raise ValueError("nombre attendu, pas true ou false")
    if not isinstance(valeur, str):
        return valeur
    texte = valeur.strip()
    if _NOMBRE.fullmatch(texte):
        return texte
    for motif, message in _FORMES_REFUSEES:
        if motif.match(texte):
            raise ValueError(message)
    raise ValueError(MESSAGE_NOMBRE)


def _est_nombre(annotation: Any) -> bool:
    """Whether a field annotation is a number (``int``, ``Decimal``, optional or constrained)."""
    if annotation in (int, float, Decimal):
        return True
    if typing.get_origin(annotation) is Annotated:
        return _est_nombre(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        arguments = [a for a in typing.get_args(annotation) if a is not type(None)]
        return bool(arguments) and all(_est_nombre(a) for a in arguments)
    return False


@functools.cache
def _champs_nombres(modele: type[BaseModel]) -> frozenset[str]:
    """The number fields of a model class (worked out once per class)."""
    return frozenset(nom for nom, champ in modele.model_fields.items() if _est_nombre(champ.annotation))


class _Strict(BaseModel):
    """Shared configuration: unknown keys are errors, surrounding spaces are trimmed, numbers read as typed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, coerce_numbers_to_str=True)

    @field_validator("*", mode="before")
    @classmethod
    def _nombres_tels_que_tapes(cls, valeur: Any, info: ValidationInfo) -> Any:
        return nombre_tape(valeur) if info.field_name in _champs_nombres(cls) else valeur


class Acheteur(_Strict):
    """The contracting authority (acheteur / donneur d'ordre)."""

    nom: Texte
    commune: Texte
    adresse: Texte | None = None
    siret: str | None = None
    representant: Texte | None = None

    @field_validator("commune")
    @classmethod
    def _commune_en_dossier(cls, valeur: str) -> str:
        _exiger_slug(valeur)
        return valeur

    @field_validator("siret")
    @classmethod
    def _siret_luhn(cls, valeur: str | None) -> str | None:
        if valeur is not None and not siret_valide(valeur):
            raise ValueError("SIRET invalide : 14 chiffres attendus, avec une clé de contrôle (Luhn) correcte")
        return valeur


class Facilitateur(_Strict):
    """The buyer's clause officer, single referent for companies and job-support bodies."""

    nom: Texte | None = None
    structure: Texte | None = None
    telephone: Texte | None = None
    courriel: Texte | None = None
    adresse: Texte | None = None


class Article14(_Strict):
    """Insertion as an execution condition: a number of hours, computed or set directly.

    Used for the whole contract and, field by field, to override it on one lot.
    """

    pourcentage: Pourcentage | None = None
    taux_main_oeuvre: Annotated[Decimal, Field(gt=0, le=100, decimal_places=4)] | None = None
    cout_horaire: Annotated[Decimal, Field(gt=0, lt=10000, decimal_places=2)] | None = None
    heures: Annotated[int, Field(ge=0, le=10_000_000)] | None = None


class SousCritere(_Strict):
    """One insertion sub-criterion announced in the RC with its weight."""

    libelle: Texte
    ponderation: Ponderation
    description: Texte | None = None


class Critere(_Strict):
    """An award criterion other than insertion (price, technical value...)."""

    libelle: Texte
    ponderation: Ponderation


class Article53(_Strict):
    """Insertion as an award criterion, scored on weighted sub-criteria."""

    ponderation: Annotated[Decimal, Field(gt=0, lt=100, decimal_places=2)]
    sous_criteres: list[SousCritere] | None = None


class Penalite(_Strict):
    """Penalty per missing insertion hour: a fixed amount or a multiple of the hourly SMIC."""

    montant_par_heure: Annotated[Decimal, Field(gt=0, lt=100000, decimal_places=2)] | None = None
    multiple_smic: Annotated[Decimal, Field(gt=0, le=100, decimal_places=2)] | None = None

    @model_validator(mode="after")
    def _un_seul_mode(self) -> Penalite:
        if (self.montant_par_heure is None) == (self.multiple_smic is None):
            raise ValueError("indiquer soit montant_par_heure, soit multiple_smic (l'un ou l'autre)")
        return self


class Insertion(_Strict):
    """The insertion clause: regime, article 14 and/or article 53, publics, penalties."""

    regime: Regime = "ccp"
    article_14: Article14 | None = None
    article_53: Article53 | None = None
    publics: Annotated[list[Texte], Field(min_length=1)] | None = None
    penalite: Penalite | None = None
    heures_par_etp: Annotated[int, Field(gt=0, le=3000)] | None = None


class Lot(_Strict):
    """A separately awarded part of the contract; hours are set lot by lot."""

    numero: Annotated[int, Field(ge=1, le=999)]
    intitule: Texte
    montant_ht: Montant
    insertion: Article14 | None = None


class Marche(_Strict):
    """The contract itself."""

    reference: Annotated[str, Field(min_length=1, max_length=60), AfterValidator(_sans_caractere_interdit)]
    objet: Texte
    type: TypeMarche
    montant_ht: Montant
    procedure: str | None = None
    cpv: str | None = None
    duree_mois: Annotated[int, Field(gt=0, le=240)] | None = None
    date_limite_offres: datetime.date | None = None
    criteres: list[Critere] | None = None
    lots: Annotated[list[Lot], Field(max_length=500)] | None = None

    @field_validator("reference")
    @classmethod
    def _reference_en_dossier(cls, valeur: str) -> str:
        if any(ord(c) < 32 for c in valeur):
            raise ValueError("la référence contient un caractère de contrôle")
        _exiger_slug(valeur)
        return valeur

    @field_validator("procedure")
    @classmethod
    def _procedure_connue(cls, valeur: str | None) -> str | None:
        if valeur is not None and valeur not in PROCEDURES:
            raise ValueError("procédure inconnue ; valeurs possibles : " + ", ".join(PROCEDURES))
        return valeur

    @field_validator("cpv")
    @classmethod
    def _cpv_bien_forme(cls, valeur: str | None) -> str | None:
        # Only the layout is an error: some officially published codes carry a check digit that
        # no known rule reproduces, so a mismatch is a warning (see calcul), not a refusal.
        if valeur is None:
            return None
        try:
            return normaliser_cpv(valeur)
        except ValueError as err:
            raise ValueError(
                "code CPV mal formé : 8 chiffres, un tiret et le chiffre de contrôle, ex. 45000000-7"
            ) from err


class Consultation(_Strict):
    """A whole contract description: the root of a YAML file."""

    acheteur: Acheteur
    facilitateur: Facilitateur | None = None
    marche: Marche
    insertion: Insertion


def _exiger_slug(valeur: str) -> None:
    """Refuse a value that gives no usable folder name (only punctuation, '..')."""
    try:
        slug(valeur)
    except ValueError as err:
        raise ValueError("ne donne pas de nom de dossier utilisable (lettres ou chiffres attendus)") from err


Chemin = tuple[str | int, ...]


def verifier_coherence(consultation: Consultation, codes_publics: set[str]) -> list[tuple[Chemin, str]]:
    """Return the problems that tie several fields together, each with the path of the field at fault."""
    problemes: list[tuple[Chemin, str]] = []
    marche, insertion = consultation.marche, consultation.insertion
    problemes += _coherence_lots(marche)
    problemes += _coherence_criteres(marche, insertion)
    if insertion.article_14 is None and insertion.article_53 is None:
        if not any(lot.insertion for lot in marche.lots or []):
            problemes.append((("insertion",), "aucune clause : indiquer article_14, article_53 ou les deux"))
    if insertion.article_14 is not None:
        a14 = insertion.article_14
        if a14.heures is None and a14.pourcentage is None:
            problemes.append(
                (("insertion", "article_14"), "indiquer pourcentage (heures calculées) ou heures (nombre fixé)")
            )
    for i, code in enumerate(insertion.publics or []):
        if code not in codes_publics:
            problemes.append((("insertion", "publics", i), _inconnu("public", code, codes_publics)))
    return problemes


def _coherence_lots(marche: Marche) -> list[tuple[Chemin, str]]:
    problemes: list[tuple[Chemin, str]] = []
    lots = marche.lots or []
    vus: set[int] = set()
    for i, lot in enumerate(lots):
        if lot.numero in vus:
            problemes.append((("marche", "lots", i, "numero"), f"numéro de lot {lot.numero} en double"))
        vus.add(lot.numero)
    if lots:
        somme = sum((lot.montant_ht for lot in lots), Decimal(0))
        if somme != marche.montant_ht:
            problemes.append(
                (
                    ("marche", "montant_ht"),
                    f"la somme des montants des lots ({nombre_simple(somme)} € HT) diffère du montant du marché "
                    f"({nombre_simple(marche.montant_ht)} € HT)",
                )
            )
    return problemes


def _coherence_criteres(marche: Marche, insertion: Insertion) -> list[tuple[Chemin, str]]:
    problemes: list[tuple[Chemin, str]] = []
    a53 = insertion.article_53
    if a53 is not None and a53.sous_criteres:
        somme = sum((sc.ponderation for sc in a53.sous_criteres), Decimal(0))
        if somme != a53.ponderation:
            problemes.append(
                (
                    ("insertion", "article_53", "sous_criteres"),
                    f"la somme des pondérations des sous-critères ({nombre_simple(somme)}) doit égaler la pondération "
                    f"du critère insertion ({nombre_simple(a53.ponderation)})",
                )
            )
    if marche.criteres is not None:
        total = sum((c.ponderation for c in marche.criteres), Decimal(0))
        total += a53.ponderation if a53 is not None else 0
        if total != 100:
            detail = " (critère insertion compris)" if a53 is not None else ""
            problemes.append(
                (
                    ("marche", "criteres"),
                    f"les pondérations des critères{detail} totalisent {nombre_simple(total)} au lieu de 100",
                )
            )
    return problemes


def suggestion(valeur: str, possibles: Iterable[str]) -> str:
    """`` ; vouliez-vous dire « x » ?`` with the nearest possible value, or "" when none is close."""
    proches = difflib.get_close_matches(valeur, list(possibles), n=1, cutoff=0.6)
    return f" ; vouliez-vous dire « {proches[0]} » ?" if proches else ""


def _inconnu(quoi: str, valeur: str, connus: set[str]) -> str:
    possibles = sorted(connus)
    return f"{quoi} inconnu « {valeur} »{suggestion(valeur, possibles)} (valeurs possibles : {', '.join(possibles)})"
