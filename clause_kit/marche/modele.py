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
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from clause_kit.commun.dates import borner_date
from clause_kit.commun.formats import montant, nombre_simple, normaliser_cpv, siret_valide, slug
from clause_kit.marche.droit import (
    PROCEDURES,
    CategorieAcheteur,
    CodeCCAG,
    CodeReserve,
    FormeMarche,
    Regime,
    TypeMarche,
    est_accord_cadre,
)

__all__ = [
    "Acheteur",
    "Article14",
    "Article53",
    "Consultation",
    "Critere",
    "Execution",
    "Facilitateur",
    "Insertion",
    "Lot",
    "Marche",
    "Penalite",
    "SousCritere",
    "Tranche",
    "nombre_tape",
    "suggestion",
    "tout_reserve",
    "verifier_coherence",
]


def _sans_caractere_interdit(valeur: str) -> str:
    """Refuse characters a Word document cannot hold (C0 controls but tab and newline, U+FFFE/FFFF).

    docxtpl would also turn BEL and FF into paragraph and page breaks: refused too. U+E000 and
    U+E001 (private use) are the highlighting marks of the rendering (``surlignage``).
    """
    for caractere in valeur:
        code = ord(caractere)
        interdit = code in (0x7F, 0xFFFE, 0xFFFF, 0xE000, 0xE001) or 0xD800 <= code <= 0xDFFF
        if (code < 32 and caractere not in "\t\n") or interdit:
            raise ValueError(f"caractère interdit dans un document Word (code U+{code:04X})")
    return valeur


Texte = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_sans_caractere_interdit)]
Reference = Annotated[str, Field(min_length=1, max_length=60), AfterValidator(_sans_caractere_interdit)]
#: A date of the contract, within the range of every date clause_kit accepts (``commun.dates``).
Jour = Annotated[datetime.date, AfterValidator(borner_date)]


def _siret(valeur: str) -> str:
    """Luhn checked, spaces dropped: ``732 829 320 00074`` is stored (and published) as 14 digits."""
    if not siret_valide(valeur):
        raise ValueError("SIRET invalide : 14 chiffres attendus, avec une clé de contrôle (Luhn) correcte")
    return "".join(valeur.split())


#: A SIRET, of the buyer or of a holder: one rule wherever the model or a manifest holds one.
Siret = Annotated[str, AfterValidator(_siret)]
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

    nom: Texte = Field(
        title="Nom de l'acheteur", description="Tel qu'il figure dans les pièces : Commune de Roquevaire."
    )
    commune: Texte = Field(
        title="Commune", description="Range les dossiers : dossiers/<commune>/ et SORTIE/<commune>/."
    )
    adresse: Texte | None = Field(default=None, title="Adresse")
    siret: Siret | None = Field(
        default=None, title="SIRET", description="14 chiffres, clé de contrôle (Luhn) vérifiée."
    )
    representant: Texte | None = Field(
        default=None, title="Représentant", description="Monsieur le Maire, Madame la Présidente…"
    )
    #: Decides the EU threshold of supplies and services (local authority, State, utility).
    categorie: CategorieAcheteur = Field(
        default="collectivite",
        title="Catégorie d'acheteur",
        description="collectivite (défaut), etat ou entite_adjudicatrice : décide du seuil européen des fournitures "
        "et services.",
    )
    #: Article before the name in a sentence (« la Commune de … »); guessed from the name when absent.
    article: Literal["le", "la", "l'", "les"] | None = Field(
        default=None, title="Article devant le nom", description="la Commune de… ; deviné du premier mot du nom sinon."
    )
    #: Contact of the buyer's data protection officer (GDPR art. 13), printed in the CCAP.
    dpo: Texte | None = Field(
        default=None,
        title="Délégué à la protection des données",
        description="Ses coordonnées, citées par le CCAP ; à défaut, un « [À COMPLÉTER] » surligné.",
    )

    @field_validator("commune")
    @classmethod
    def _commune_en_dossier(cls, valeur: str) -> str:
        _exiger_slug(valeur)
        return valeur


class Facilitateur(_Strict):
    """The buyer's clause officer, single referent for companies and job-support bodies."""

    nom: Texte | None = Field(default=None, title="Nom")
    structure: Texte | None = Field(default=None, title="Structure")
    telephone: Texte | None = Field(default=None, title="Téléphone")
    courriel: Texte | None = Field(default=None, title="Courriel")
    adresse: Texte | None = Field(default=None, title="Adresse")
    #: Said explicitly when the contact is not known yet: the pieces then show a visible
    #: « [À COMPLÉTER : …] » instead of refusing the dossier.
    contact_a_completer: bool = Field(
        default=False,
        title="Contact à compléter",
        description="Coordonnées pas encore connues : les pièces portent « [À COMPLÉTER : …] » surligné.",
    )


class Article14(_Strict):
    """Insertion as an execution condition: a number of hours, computed or set directly.

    Used for the whole contract and, field by field, to override it on one lot.
    """

    pourcentage: Pourcentage | None = Field(
        default=None, title="Pourcentage d'insertion (%)", description="10 = 10 % des heures de main-d'œuvre."
    )
    taux_main_oeuvre: Annotated[Decimal, Field(gt=0, le=100, decimal_places=4)] | None = Field(
        default=None,
        title="Taux de main-d'œuvre (%)",
        description="Part de la main-d'œuvre dans le montant HT ; défaut selon le type de marché.",
    )
    cout_horaire: Annotated[Decimal, Field(gt=0, lt=10000, decimal_places=2)] | None = Field(
        default=None,
        title="Coût horaire moyen (€)",
        description="Coût chargé d'une heure ; défaut selon le type de marché.",
    )
    heures: Annotated[int, Field(ge=0, le=10_000_000)] | None = Field(
        default=None,
        title="Heures fixées",
        description="Fixées directement, elles l'emportent sur la formule (0 : sans clause).",
    )


class SousCritere(_Strict):
    """One insertion sub-criterion announced in the RC with its weight."""

    model_config = ConfigDict(title="Sous-critère")  # one item of its list, named in French

    libelle: Texte = Field(title="Libellé")
    ponderation: Ponderation = Field(title="Pondération (%)")
    description: Texte | None = Field(default=None, title="Description")
    #: This sub-criterion scores the number of insertion hours the bidder offers (article 53 alone).
    heures: bool = Field(
        default=False,
        title="Note les heures proposées",
        description="Ce sous-critère note le nombre d'heures d'insertion proposé (article 53 seul, sans minimum).",
    )


class Critere(_Strict):
    """An award criterion other than insertion (price, technical value...)."""

    model_config = ConfigDict(title="Critère")  # one item of its list, named in French

    libelle: Texte = Field(title="Libellé")
    ponderation: Ponderation = Field(title="Pondération (%)")
    #: What the criterion weighs: the environmental-criterion rule looks for ``environnement``.
    nature: Literal["prix", "qualite", "environnement", "autre"] = Field(
        default="autre",
        title="Nature",
        description="prix, qualite, environnement ou autre (défaut) ; un critère environnement est exigé à compter "
        "du 22 août 2026.",
    )


class Article53(_Strict):
    """Insertion as an award criterion, scored on weighted sub-criteria."""

    ponderation: Annotated[Decimal, Field(gt=0, lt=100, decimal_places=2)] = Field(title="Pondération (%)")
    sous_criteres: list[SousCritere] | None = Field(
        default=None,
        title="Sous-critères",
        description="Pondérations totalisant celle du critère ; sans eux, ceux du Conseil d'État (25 mars 2013), "
        "à parts égales.",
    )
    #: Without article 14 only: the least number of hours an offer may commit to (a floor stated in
    #: the RC); without it, the hours offered are assessed within the sub-criteria.
    heures_minimum: Annotated[int, Field(gt=0, le=10_000_000)] | None = Field(
        default=None,
        title="Heures minimum",
        description="Sans article 14 : plancher d'heures que l'offre doit atteindre.",
    )


class Penalite(_Strict):
    """Penalties: per missing insertion hour (fixed or a multiple of the hourly SMIC), cap, missing sheets.

    Every key is optional: what is absent comes from ``parametres.yaml`` and is listed by ``verifier``.
    """

    montant_par_heure: Annotated[Decimal, Field(gt=0, lt=100000, decimal_places=2)] | None = Field(
        default=None,
        title="Par heure non réalisée (€)",
        description="Montant fixe, ou bien un multiple du SMIC : pas les deux.",
    )
    multiple_smic: Annotated[Decimal, Field(gt=0, le=100, decimal_places=2)] | None = Field(
        default=None, title="Par heure, en multiple du SMIC horaire", description="Défaut 1,5."
    )
    #: SMIC of which date: the one in force at notification (known to bidders) or at the finding.
    smic: Literal["notification", "constat"] | None = Field(
        default=None, title="SMIC retenu", description="Celui de la notification (défaut) ou du constat."
    )
    #: Cap of the insertion penalties, in % of the contract's (or lot's) amount HT.
    plafond_pourcentage: Annotated[Decimal, Field(gt=0, le=100, decimal_places=2)] | None = Field(
        default=None, title="Plafond (% du montant HT)", description="Du marché ou du lot ; défaut 10 %."
    )
    #: Per follow-up sheet not sent after a formal notice (€, outside the scope of VAT).
    par_fiche_manquante: Annotated[Decimal, Field(ge=0, lt=100000, decimal_places=2)] | None = Field(
        default=None, title="Par fiche de suivi manquante (€)", description="Après mise en demeure ; défaut 50 €."
    )

    #: Article 53: per qualitative commitment of the fiche technique not kept after a formal notice, per month.
    par_engagement_qualitatif: Annotated[Decimal, Field(ge=0, lt=100000, decimal_places=2)] | None = Field(
        default=None,
        title="Par engagement qualitatif non tenu (€ par mois)",
        description="Article 53 : tutorat, formation… non tenus après mise en demeure ; défaut 150 €.",
    )

    @model_validator(mode="after")
    def _un_seul_mode(self) -> Penalite:
        if self.montant_par_heure is not None and self.multiple_smic is not None:
            raise ValueError("indiquer montant_par_heure ou multiple_smic, pas les deux")
        return self


class Insertion(_Strict):
    """The insertion clause: regime, article 14 and/or article 53, publics, penalties."""

    regime: Regime = Field(
        default="ccp",
        title="Régime",
        description="ccp (défaut) ; cmp2006 pour reproduire un dossier d'avant le 1er avril 2016.",
    )
    article_14: Article14 | None = Field(
        default=None,
        title="Clause d'exécution (article 14)",
        description="Heures d'insertion dues par le titulaire : pourcentage (formule) ou heures fixées.",
    )
    article_53: Article53 | None = Field(
        default=None,
        title="Critère d'attribution (article 53)",
        description="Les offres sont notées sur leurs performances en matière d'insertion.",
    )
    publics: Annotated[list[Texte], Field(min_length=1)] | None = Field(
        default=None, title="Publics éligibles", description="Sans choix : la liste type de parametres.yaml."
    )
    penalite: Penalite | None = Field(
        default=None, title="Pénalités", description="Sans ce bloc : valeurs par défaut de parametres.yaml."
    )
    heures_par_etp: Annotated[int, Field(gt=0, le=3000)] | None = Field(
        default=None, title="Heures par ETP", description="Défaut 1 607 ; certains bilans retiennent 1 820."
    )
    #: Hours may be done on another contract of the holder for the buyer, under a convention with
    #: the facilitator (« globalisation des heures »).
    globalisation: bool | None = Field(
        default=None,
        title="Globalisation des heures",
        description="Sur d'autres marchés du titulaire pour l'acheteur (défaut : non).",
    )
    #: The facilitator gives a written eligibility attestation whose number goes on the follow-up sheet.
    attestation_eligibilite: bool | None = Field(
        default=None, title="Attestation d'éligibilité", description="Remise par le facilitateur (défaut : oui)."
    )
    #: Above the EU thresholds, from 22 August 2026, a social execution condition is mandatory
    #: (L. 2112-2-1) unless the buyer justifies an exception: its motive, printed by the RC.
    exception_condition_sociale: Texte | None = Field(
        default=None,
        title="Motif de l'exception à la condition sociale obligatoire",
        description="Au-delà du seuil européen, sans article 14 : pourquoi le marché ne comporte pas de condition "
        "d'exécution sociale (L. 2112-2-1) ; imprimé dans le RC.",
    )
    #: Training hours of apprenticeship and professionalisation contracts count as insertion hours.
    heures_formation: bool | None = Field(
        default=None,
        title="Heures de formation comptées",
        description="Celles des contrats d'apprentissage et de professionnalisation (défaut : non).",
    )


class Lot(_Strict):
    """A separately awarded part of the contract; hours are set lot by lot."""

    model_config = ConfigDict(title="Lot")  # one item of its list, named in French

    numero: Annotated[int, Field(ge=1, le=999)] = Field(title="Numéro")
    intitule: Texte = Field(title="Intitulé")
    montant_ht: Montant = Field(title="Montant HT (€)")
    #: Accord-cadre only: this lot's minimum and maximum of orders over the whole duration.
    montant_minimum_ht: Montant | None = Field(
        default=None, title="Montant minimum HT (€)", description="Accord-cadre : minimum de commandes du lot."
    )
    montant_maximum_ht: Montant | None = Field(
        default=None,
        title="Montant maximum HT (€)",
        description="Accord-cadre : maximum de commandes du lot, sur toute la durée, reconductions comprises.",
    )
    #: A lot reserved to EA/ESAT (L. 2113-12), SIAE (L. 2113-13) or ESS companies (L. 2113-15).
    reserve: CodeReserve | None = Field(
        default=None,
        title="Lot réservé",
        description="ea_esat (L. 2113-12), siae (L. 2113-13) ou ess (L. 2113-15) ; une clause y est facultative.",
    )
    insertion: Article14 | None = Field(
        default=None,
        title="Clause propre à ce lot",
        description="Remplace celle du marché clé par clé pour ce lot (heures : 0 pour un lot sans clause).",
    )


class Tranche(_Strict):
    """One tranche of a contract with tranches (R. 2113-4 to R. 2113-6): its content, nature and amount."""

    model_config = ConfigDict(title="Tranche")  # one item of its list, named in French

    libelle: Texte = Field(title="Libellé", description="Tranche ferme : gros œuvre ; tranche optionnelle 1 : préau.")
    nature: Literal["ferme", "optionnelle"] = Field(
        title="Nature", description="ferme (une seule) ou optionnelle (due seulement si elle est affermie)."
    )
    montant_ht: Montant = Field(title="Montant HT (€)")


TypeLieu = Literal[
    "code_postal", "code_commune", "code_arrondissement", "code_canton", "code_departement", "code_region", "code_pays"
]
_FORMES_LIEU = {
    "code_postal": r"\d{5}",
    "code_commune": r"(\d{2}|2[AB])\d{3}",
    "code_arrondissement": r"(\d{2}|2[AB])\d{1,2}",
    "code_canton": r"(\d{2}|2[AB])\d{2}",
    "code_departement": r"\d{2,3}|2[AB]",
    "code_region": r"\d{2}",
    "code_pays": r"[A-Z]{2,3}",
}


class LieuExecution(_Strict):
    """Where the contract is performed, as the essential data (DECP) state it: a code and its kind."""

    code: str = Field(title="Code du lieu", description="13400 (code postal), 13005 (code commune INSEE), FR…")
    type: TypeLieu = Field(
        title="Type de code",
        description="code_postal, code_commune, code_arrondissement, code_canton, code_departement, code_region, "
        "code_pays.",
    )

    @model_validator(mode="after")
    def _code_de_ce_type(self) -> LieuExecution:
        if not re.fullmatch(_FORMES_LIEU[self.type], self.code):
            raise ValueError(f"code « {self.code} » mal formé pour un {self.type.replace('_', ' ')}")
        return self


class Marche(_Strict):
    """The contract itself."""

    reference: Reference = Field(title="Référence", description="2026-TX-031 ; donne le nom du dossier.")
    objet: Texte = Field(title="Objet du marché")
    type: TypeMarche = Field(title="Type de marché")
    montant_ht: Montant = Field(
        title="Montant HT (€)",
        description="Tous lots ; égal à la somme des lots s'il y en a ; pour un accord-cadre, le montant estimatif "
        "donné pour information.",
    )
    #: An ordinary contract (a fixed amount executed once) or an accord-cadre and how it is executed.
    forme: FormeMarche = Field(
        default="ordinaire",
        title="Forme du marché",
        description="ordinaire (défaut), accord_cadre_bons_de_commande ou accord_cadre_marches_subsequents.",
    )
    #: Accord-cadre: the minimum of orders the buyer commits to (optional); it gives the hours guaranteed.
    montant_minimum_ht: Montant | None = Field(
        default=None,
        title="Montant minimum HT (€)",
        description="Accord-cadre : minimum de commandes sur toute la durée (facultatif) ; donne les heures garanties.",
    )
    #: Accord-cadre: the maximum of orders over the whole duration, renewals included (R. 2162-4).
    montant_maximum_ht: Montant | None = Field(
        default=None,
        title="Montant maximum HT (€)",
        description="Accord-cadre : maximum de commandes sur toute la durée, reconductions comprises (obligatoire) ; "
        "le seuil européen et la procédure en dépendent.",
    )
    procedure: str | None = Field(
        default=None,
        title="Procédure",
        description="Choix juridique de l'acheteur, exigé par generer (sauf brouillon).",
    )
    #: Why a procédure adaptée is used: the amount (below the EU thresholds, the default) or
    #: social and other specific services (R. 2123-1 3°), allowed whatever the amount.
    motif_procedure_adaptee: Literal["montant", "services_sociaux"] | None = Field(
        default=None,
        title="Motif de la procédure adaptée",
        description="services_sociaux : services sociaux et autres services spécifiques (R. 2123-1, 3°).",
    )
    #: The CCAG the contract refers to; by default the one of its type (travaux, fcs).
    ccag: CodeCCAG | None = Field(
        default=None, title="CCAG", description="Défaut : travaux pour les travaux, fcs sinon."
    )
    cpv: str | None = Field(default=None, title="Code CPV", description="45000000-7")
    duree_mois: Annotated[int, Field(gt=0, le=240)] | None = Field(
        default=None, title="Durée (mois)", description="Avec des reconductions : la durée de la période initiale."
    )
    #: How many times the contract may be renewed (R. 2112-4); ``duree_mois`` is then the initial period
    #: and ``montant_ht`` covers every period.
    reconductions: Annotated[int, Field(ge=1, le=20)] | None = Field(
        default=None,
        title="Nombre de reconductions",
        description="duree_mois est alors la période initiale ; montant_ht couvre toutes les périodes.",
    )
    duree_reconduction_mois: Annotated[int, Field(gt=0, le=120)] | None = Field(
        default=None, title="Durée d'une reconduction (mois)", description="Défaut : celle de la période initiale."
    )
    #: The whole contract reserved to EA/ESAT (L. 2113-12), SIAE (L. 2113-13) or ESS companies (L. 2113-15).
    reserve: CodeReserve | None = Field(
        default=None,
        title="Marché réservé",
        description="ea_esat (L. 2113-12), siae (L. 2113-13) ou ess (L. 2113-15) ; une clause y est facultative.",
    )
    #: A tranche ferme and optional tranches (R. 2113-4 to R. 2113-6); amounts summing to ``montant_ht``.
    tranches: Annotated[list[Tranche], Field(min_length=1, max_length=50)] | None = Field(
        default=None,
        title="Tranches",
        description="Une tranche ferme et des tranches optionnelles ; montants totalisant celui du marché.",
    )
    #: Launch of the consultation: decides which rules and thresholds apply (default: today).
    date_lancement: Jour | None = Field(
        default=None,
        title="Date de lancement",
        description="Décide des seuils, du SMIC et des règles appliqués ; défaut : le jour de la génération.",
    )
    date_limite_offres: Jour | None = Field(default=None, title="Date limite des offres")
    criteres: list[Critere] | None = Field(
        default=None,
        title="Autres critères d'attribution",
        description="Obligatoires avec l'article 53 ; avec le critère insertion, ils totalisent 100.",
    )
    lots: Annotated[list[Lot], Field(max_length=500)] | None = Field(
        default=None, title="Lots", description="Numéros uniques ; montants totalisant celui du marché."
    )
    lieu_execution: LieuExecution | None = Field(
        default=None, title="Lieu d'exécution", description="Code et type de code (DECP lieuExecution)."
    )

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

    acheteur: Acheteur = Field(title="Acheteur")
    facilitateur: Facilitateur | None = Field(
        default=None,
        title="Facilitateur",
        description="Le référent de la clause : un nom ou une structure, et un téléphone ou un courriel.",
    )
    marche: Marche = Field(title="Marché")
    insertion: Insertion = Field(title="Clause d'insertion")
    execution: Execution | None = Field(
        default=None,
        title="Exécution",
        description="Après l'attribution : dates de début et de fin d'exécution, pour le suivi des heures.",
    )


def _coherence_titulaires(consultation: Consultation) -> list[tuple[Chemin, str]]:
    """Each holder names a lot of the contract (or none when it has no lots)."""
    execution, lots = consultation.execution, consultation.marche.lots
    numeros = {lot.numero for lot in lots or []}
    problemes: list[tuple[Chemin, str]] = []
    for rang, titulaire in enumerate((execution.titulaires if execution else None) or []):
        chemin: Chemin = ("execution", "titulaires", rang, "lot")
        if lots and titulaire.lot is None:
            problemes.append((chemin, "le marché a des lots : dites de quel lot ce titulaire est attributaire"))
        elif not lots and titulaire.lot is not None:
            problemes.append((chemin, "le marché n'a pas de lots : omettez « lot »"))
        elif lots and titulaire.lot not in numeros:
            problemes.append(
                (chemin, f"lot {titulaire.lot} inconnu du marché (lots : {', '.join(map(str, sorted(numeros)))})")
            )
    return problemes


def _exiger_slug(valeur: str) -> None:
    """Refuse a value that gives no usable folder name (only punctuation, '..')."""
    try:
        slug(valeur)
    except ValueError as err:
        raise ValueError("ne donne pas de nom de dossier utilisable (lettres ou chiffres attendus)") from err


#: How the message about lots that do not add up to the contract's amount begins (the form puts it
#: beside the lots too, ``formulaire.etapes``).
SOMME_DES_LOTS = "la somme des montants des lots"

Chemin = tuple[str | int, ...]


def verifier_coherence(consultation: Consultation, codes_publics: set[str]) -> list[tuple[Chemin, str]]:
    """Return the problems that tie several fields together, each with the path of the field at fault."""
    problemes: list[tuple[Chemin, str]] = []
    marche, insertion = consultation.marche, consultation.insertion
    problemes += _coherence_lots(marche)
    problemes += _coherence_forme(marche)
    problemes += _coherence_periodes(marche)
    problemes += _coherence_criteres(marche, insertion)
    problemes += _coherence_titulaires(consultation)
    if insertion.article_14 is None and insertion.article_53 is None and not tout_reserve(marche):
        if not any(lot.insertion for lot in marche.lots or []):
            problemes.append(
                (
                    ("insertion",),
                    "aucune clause : indiquer article_14, article_53 ou les deux (un marché réservé, ou dont "
                    "tous les lots sont réservés, peut s'en passer : marche.reserve)",
                )
            )
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


def tout_reserve(marche: Marche) -> bool:
    """Whether the whole contract, or each of its lots, is reserved (an insertion clause is then optional)."""
    return marche.reserve is not None or bool(marche.lots) and all(lot.reserve for lot in marche.lots or [])


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
                    f"{SOMME_DES_LOTS} ({_euros(somme)}) diffère du montant du marché "
                    f"({_euros(marche.montant_ht)}), différence {_euros(abs(somme - marche.montant_ht))}",
                )
            )
    return problemes


def _euros(valeur: Decimal) -> str:
    return montant(valeur)


def _coherence_forme(marche: Marche) -> list[tuple[Chemin, str]]:
    """Minimum and maximum of an accord-cadre: required maximum, in order, and only on an accord-cadre."""
    if not est_accord_cadre(marche.forme):
        return [
            (
                ("marche", *prefixe, cle),
                f"{cle} ne vaut que pour un accord-cadre (forme: accord_cadre_bons_de_commande "
                "ou accord_cadre_marches_subsequents) : sans effet sur un marché ordinaire, retirez-le ou indiquez "
                "la forme",
            )
            for prefixe, objet in [((), marche), *((("lots", i), lot) for i, lot in enumerate(marche.lots or []))]
            for cle in ("montant_minimum_ht", "montant_maximum_ht")
            if getattr(objet, cle) is not None
        ]
    problemes: list[tuple[Chemin, str]] = []
    if marche.montant_maximum_ht is None:
        problemes.append(
            (
                ("marche", "montant_maximum_ht"),
                "accord-cadre sans montant maximum : indiquez montant_maximum_ht, le maximum des commandes sur toute "
                "la durée, reconductions comprises (article R. 2162-4 du code de la commande publique) ; le seuil "
                "européen et la procédure en dépendent",
            )
        )
    problemes += _bornes(("marche",), marche.montant_ht, marche.montant_minimum_ht, marche.montant_maximum_ht)
    lots = marche.lots or []
    for i, lot in enumerate(lots):
        problemes += _bornes(("marche", "lots", i), lot.montant_ht, lot.montant_minimum_ht, lot.montant_maximum_ht)
    for cle, libelle in (("montant_maximum_ht", "maximums"), ("montant_minimum_ht", "minimums")):
        donnes = [getattr(lot, cle) for lot in lots if getattr(lot, cle) is not None]
        if not donnes:
            continue
        if cle == "montant_maximum_ht" and len(donnes) != len(lots):
            problemes.append(
                (
                    ("marche", "lots"),
                    "les maximums sont donnés pour certains lots seulement : indiquez montant_maximum_ht pour chaque "
                    "lot, ou pour aucun",
                )
            )
            continue
        somme, total = sum(donnes, Decimal(0)), getattr(marche, cle)
        if total != somme:
            ecart = f", différence {_euros(abs(somme - total))}" if total is not None else ""
            problemes.append(
                (
                    ("marche", cle),
                    f"la somme des {libelle} des lots ({_euros(somme)}) diffère du {cle} du marché "
                    f"({_euros(total) if total is not None else 'non indiqué'}{ecart})",
                )
            )
    return problemes


def _coherence_periodes(marche: Marche) -> list[tuple[Chemin, str]]:
    """Renewals need the initial period; tranches: one ferme, amounts summing to the contract's."""
    problemes: list[tuple[Chemin, str]] = []
    if marche.reconductions is not None and marche.duree_mois is None:
        problemes.append(
            (
                ("marche", "reconductions"),
                "reconductions sans durée : indiquez duree_mois, la durée de la période initiale (chaque "
                "reconduction a la même durée, sauf duree_reconduction_mois)",
            )
        )
    if marche.duree_reconduction_mois is not None and marche.reconductions is None:
        problemes.append(
            (
                ("marche", "duree_reconduction_mois"),
                "duree_reconduction_mois sans effet : le marché n'a pas de reconductions (indiquez reconductions, "
                "le nombre de reconductions possibles, ou retirez cette clé)",
            )
        )
    tranches = marche.tranches
    if not tranches:
        return problemes
    fermes = [t for t in tranches if t.nature == "ferme"]
    nombre_fermes = (
        f"{len(fermes)} tranches fermes"
        if len(fermes) > 1
        else ("aucune tranche ferme" if not fermes else "une tranche ferme sans tranche optionnelle")
    )
    if len(fermes) != 1 or len(tranches) == len(fermes):
        problemes.append(
            (
                ("marche", "tranches"),
                f"{nombre_fermes} : un marché à tranches comporte une tranche ferme et une ou "
                "plusieurs tranches optionnelles (article R. 2113-4 du code de la commande publique)",
            )
        )
    somme = sum((t.montant_ht for t in tranches), Decimal(0))
    if somme != marche.montant_ht:
        problemes.append(
            (
                ("marche", "montant_ht"),
                f"la somme des montants des tranches ({_euros(somme)}) diffère du montant du marché "
                f"({_euros(marche.montant_ht)}), différence {_euros(abs(somme - marche.montant_ht))}",
            )
        )
    for cle, quoi in (
        ("lots", "des lots"),
        ("reconductions", "des reconductions"),
    ):
        if getattr(marche, cle):
            problemes.append(
                (
                    ("marche", "tranches"),
                    f"tranches et {quoi} dans le même marché : cette combinaison n'est pas prise en charge ; "
                    "décrivez chaque lot (ou chaque marché) à tranches dans son propre fichier",
                )
            )
    if est_accord_cadre(marche.forme):
        problemes.append(
            (
                ("marche", "tranches"),
                "tranches dans un accord-cadre : non pris en charge (les heures d'un accord-cadre suivent les "
                "commandes, pas des tranches)",
            )
        )
    return problemes


def _bornes(
    chemin: Chemin, estimatif: Decimal, minimum: Decimal | None, maximum: Decimal | None
) -> list[tuple[Chemin, str]]:
    """Minimum ≤ estimate ≤ maximum, each error on the field that breaks the order, with the difference."""
    problemes: list[tuple[Chemin, str]] = []
    if minimum is not None and maximum is not None and minimum > maximum:
        problemes.append(
            (
                (*chemin, "montant_minimum_ht"),
                f"le montant minimum ({_euros(minimum)}) dépasse le montant maximum ({_euros(maximum)}), "
                f"différence {_euros(minimum - maximum)}",
            )
        )
        return problemes
    if maximum is not None and estimatif > maximum:
        problemes.append(
            (
                (*chemin, "montant_ht"),
                f"le montant estimatif ({_euros(estimatif)}) dépasse le montant maximum ({_euros(maximum)}), "
                f"différence {_euros(estimatif - maximum)}",
            )
        )
    if minimum is not None and estimatif < minimum:
        problemes.append(
            (
                (*chemin, "montant_ht"),
                f"le montant estimatif ({_euros(estimatif)}) est inférieur au montant minimum ({_euros(minimum)}), "
                f"différence {_euros(minimum - estimatif)}",
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


class Titulaire(_Strict):
    """The holder of a lot (or of the contract without lots), as awarded."""

    lot: Annotated[int, Field(ge=1)] | None = Field(
        default=None, title="Lot", description="Numéro du lot ; omis pour un marché sans lots."
    )
    nom: Texte = Field(title="Nom du titulaire")
    siret: Siret = Field(title="SIRET du titulaire", description="14 chiffres, clé de contrôle (Luhn) vérifiée.")
    #: What this holder was awarded: each lot is a contract of its own in the essential data (DECP).
    montant_ht: Montant | None = Field(
        default=None, title="Montant attribué HT (€)", description="Pour un marché alloti : le montant du lot attribué."
    )


class Avance(_Strict):
    """The advance paid to the holder (DECP attributionAvance, tauxAvance)."""

    attribuee: bool = Field(title="Avance attribuée")
    taux: Annotated[Decimal, Field(ge=0, le=100)] | None = Field(
        default=None, title="Taux de l'avance (%)", description="En pourcentage du montant : 5 ; 0 sans avance."
    )


FormePrix = Literal["unitaire", "forfaitaire", "mixte"]
TypePrix = Literal["definitif_ferme", "definitif_actualisable", "definitif_revisable", "provisoire"]
Groupement = Literal["aucun", "conjoint", "solidaire"]


class Execution(_Strict):
    """The contract once awarded: when it runs, who holds it, on what terms (the award data).

    Optional (a tender dossier is written before anyone knows these). The dates let the
    follow-up tell missing and stray months; without ``fin``, the end is ``debut`` plus
    ``marche.duree_mois``. ``notification`` sets the SMIC of the penalty when it is a multiple
    of it (the CCAP says: in force at notification). The rest is what the essential data
    (DECP) and the annual report need: holders by lot with their SIRET, awarded amount, offers
    received, price form and types, advance, declared subcontracting, joint bidding.
    """

    debut: Jour | None = Field(default=None, title="Début d'exécution")
    fin: Jour | None = Field(default=None, title="Fin d'exécution", description="Sinon : début + durée.")
    notification: Jour | None = Field(
        default=None, title="Date de notification", description="Le SMIC de la pénalité est celui en vigueur ce jour."
    )
    titulaires: Annotated[list[Titulaire], Field(max_length=500)] | None = Field(
        default=None, title="Titulaires", description="Un par lot (lot omis sans lots) : nom et SIRET."
    )
    montant_ht: Montant | None = Field(default=None, title="Montant attribué HT (€)")
    offres_recues: Annotated[int, Field(ge=0)] | None = Field(default=None, title="Nombre d'offres reçues")
    forme_prix: FormePrix | None = Field(
        default=None, title="Forme du prix", description="unitaire, forfaitaire ou mixte."
    )
    types_prix: list[TypePrix] | None = Field(
        default=None,
        title="Types de prix",
        description="definitif_ferme, definitif_actualisable, definitif_revisable, provisoire.",
    )
    avance: Avance | None = Field(default=None, title="Avance")
    sous_traitance_declaree: bool | None = Field(default=None, title="Sous-traitance déclarée")
    groupement: Groupement | None = Field(
        default=None, title="Groupement d'opérateurs", description="aucun, conjoint ou solidaire."
    )

    @model_validator(mode="after")
    def _fin_apres_debut(self) -> Execution:
        if self.fin is not None and (self.debut is None or self.fin < self.debut):
            raise ValueError("la fin d'exécution précède son début (ou le début manque)")
        if self.notification is not None and self.debut is not None and self.debut < self.notification:
            raise ValueError("l'exécution commence avant la notification")
        lots = [t.lot for t in self.titulaires or []]
        if len(set(lots)) != len(lots):
            raise ValueError("un lot a deux titulaires : un titulaire par lot (un groupement est un seul titulaire)")
        if None in lots and len(lots) > 1:
            raise ValueError("titulaire sans lot : seulement pour un marché sans lots, et alors un seul titulaire")
        return self
