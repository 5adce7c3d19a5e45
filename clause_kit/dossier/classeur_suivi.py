"""The follow-up workbook the winning company fills each month (``fiche-suivi.xlsx``).

It belongs to the tender dossier (built with the Word pieces, listed in the manifest and the
ZIP), so it lives in the core; the follow-up capability (``clause_kit.suivi``) reads it back
with the layout and data dictionary defined here, never the other way round.

Layout of the sheet « Suivi », kept stable because imports depend on it:

* row 1, hidden: the machine identity (``IDENTITE`` then key/value pairs: reference, lots with
  a clause, commune, SHA-256 of the contract file). On the data sheet itself rather than on a
  sheet of its own, so that a CSV export of the sheet by LibreOffice or Excel still carries it;
* the locked header: buyer, contract, lots with their hours due, facilitator's contact, then
  two input cells for the holder (name, SIRET);
* a hidden row of machine keys (the data dictionary, ``COLONNES``) above the French labels;
* the input area below, unlocked, with drop-down lists fed from the hidden sheet « Listes »,
  date and number validations and French input help. A visible sheet « Codes » explains
  every code.

Every text is written as a string cell (``clause_kit.commun.tableur``): a reference or a commune
typed ``=…`` stays text, in the identity row as in the header, and the sheet still imports.

The sheet is protected without a password: it guards against slips, not against the company.
openpyxl is imported inside ``construire_classeur`` so that commands which never build a
dossier (``verifier``, ``--help``) do not pay for it, and without numpy (``importer_openpyxl``).
"""

from __future__ import annotations

import datetime
import io
import sys
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from clause_kit.commun.codes import codes
from clause_kit.commun.formats import nombre, nombre_simple
from clause_kit.commun.ooxml import lettres_colonne
from clause_kit.commun.tableur import ecrire_cellule

if TYPE_CHECKING:  # the import reads the layout below without loading the contract model
    from clause_kit.marche.calcul import Chiffres, HeuresLot
    from clause_kit.marche.modele import Consultation

__all__ = [
    "CELLULE_SIRET_TITULAIRE",
    "attribution",
    "penalite_par_heure",
    "smic_au",
    "CELLULE_TITULAIRE",
    "COLONNES",
    "FEUILLE_CODES",
    "FEUILLE_LISTES",
    "FEUILLE_SUIVI",
    "IDENTITE",
    "LIGNE_CLES",
    "LIGNE_LIBELLES",
    "NOM_FICHIER",
    "Colonne",
    "construire_classeur_openpyxl",
    "donnees_suivi",
    "importer_openpyxl",
    "lots_avec_clause",
    "numero_lot",
]

NOM_FICHIER = "fiche-suivi.xlsx"
FEUILLE_SUIVI = "Suivi"
FEUILLE_CODES = "Codes"
FEUILLE_LISTES = "Listes"
#: First cell of the hidden identity row; the number is the layout version.
IDENTITE = "clause_kit:fiche_suivi:1"
#: Input cells of the header (row, column): the holder's name and SIRET.
CELLULE_TITULAIRE = (7, 3)
CELLULE_SIRET_TITULAIRE = (7, 10)
LIGNE_CLES = 10
LIGNE_LIBELLES = 11
#: Validations and formats cover this many input rows (the area itself is not limited).
LIGNES_SAISIE = 2000


@dataclass(frozen=True)
class Colonne:
    """One column of the data dictionary: machine key, French label, code list, input help."""

    cle: str
    libelle: str
    aide: str
    largeur: float = 14
    liste: str | None = None


#: The data dictionary: a stable interface (CSV headers, hidden key row), documented in the README.
COLONNES: tuple[Colonne, ...] = (
    Colonne(
        "reference",
        "Référence du marché",
        "Rien à saisir : c'est celle de cette fiche (colonne utile seulement dans un fichier CSV).",
        16,
    ),
    Colonne("lot", "Lot", "Numéro du lot sur lequel la personne a travaillé.", 7),
    Colonne(
        "participant",
        "Code de la personne",
        "Code pseudonymisé donné par le facilitateur (lettres et chiffres, au moins un chiffre). "
        "Jamais de nom ni de numéro de sécurité sociale. Personne n'a travaillé sur un lot ce mois-là : "
        "« néant », avec le lot et le mois seulement.",
        14,
    ),
    Colonne(
        "publics",
        "Catégorie(s) de public",
        "Une ou plusieurs catégories (voir la feuille Codes), séparées par « ; ».",
        24,
        "publics",
    ),
    Colonne("sexe", "Sexe", "Femme ou Homme.", 9, "sexes"),
    Colonne("tranche_age", "Tranche d'âge", "Âge à l'entrée dans le contrat.", 15, "tranches_age"),
    Colonne(
        "residence",
        "Résidence QPV / ZRR",
        "Laisser vide si la personne n'habite ni un QPV ni une ZRR.",
        18,
        "residences",
    ),
    Colonne(
        "modalite", "Modalité", "Embauche directe, mise à disposition, sous-traitance ou cotraitance.", 20, "modalites"
    ),
    Colonne(
        "siret_employeur",
        "SIRET de l'employeur",
        "Seulement si l'employeur n'est pas le titulaire (ETTI, GEIQ, SIAE…) : 14 chiffres.",
        17,
    ),
    Colonne("type_contrat", "Type de contrat", "Nature du contrat de travail ou de la mission.", 18, "types_contrat"),
    Colonne("debut_contrat", "Début du contrat", "Date au format JJ/MM/AAAA.", 12),
    Colonne("fin_contrat", "Fin du contrat", "Date prévue ou réelle, JJ/MM/AAAA ; vide pour un CDI.", 12),
    Colonne("mois", "Mois", "Mois déclaré, MM/AAAA (03/2026). Une ligne par personne et par mois.", 10),
    Colonne("heures", "Heures travaillées", "Heures travaillées sur ce marché dans le mois (0 à 250).", 11),
    Colonne(
        "heures_formation",
        "Heures de formation",
        "Heures de formation dans le mois (comptées seulement si le marché le prévoit).",
        11,
    ),
    Colonne("sortie", "Situation à la fin du contrat", "À remplir à la fin du contrat seulement.", 20, "sorties"),
    # Last, so that the columns of workbooks already sent keep their letters; read, never stored.
    Colonne(
        "attestation",
        "N° d'attestation d'éligibilité",
        "Numéro de l'attestation écrite d'éligibilité remise par le facilitateur (exigée par le CCAP quand il la "
        "prévoit).",
        18,
    ),
)


def lots_avec_clause(chiffres: Chiffres) -> list[HeuresLot]:
    """The lots the follow-up is about: those owing hours, or every lot when the clause is an award criterion only."""
    avec_heures = [lot for lot in chiffres.lots if lot.heures > 0]
    return avec_heures or list(chiffres.lots)


def numero_lot(lot: HeuresLot) -> int:
    """The lot number, 1 for the implicit lot of a contract without lots."""
    return lot.numero if lot.numero is not None else 1


def donnees_suivi(consultation: Consultation, chiffres: Chiffres) -> dict[str, Any]:
    """What the follow-up register needs to know of a contract, as JSON data (also written in the manifest)."""
    marche, insertion = consultation.marche, consultation.insertion
    avec_clause = {numero_lot(lot) for lot in lots_avec_clause(chiffres)}
    return {
        "reference": marche.reference,
        "objet": marche.objet,
        "type": marche.type,
        "acheteur": consultation.acheteur.nom,
        "commune": consultation.acheteur.commune,
        "regime": insertion.regime,
        "article_14": chiffres.heures_total > 0,
        "article_53": insertion.article_53 is not None,
        "heures_dues": chiffres.heures_total,
        "heures_par_etp": chiffres.heures_par_etp,
        "penalite_par_heure": str(penalite_par_heure(consultation, chiffres)),
        # The whole duration, renewals included: months of a renewal are not stray months.
        "duree_mois": chiffres.duree_totale_mois,
        # As the contract states it (None when it does not): the report's forward view of a past
        # period leaves out the contracts launched after it.
        "date_lancement": marche.date_lancement.isoformat() if marche.date_lancement else None,
        "execution": attribution(consultation),
        "acheteur_siret": "".join(consultation.acheteur.siret.split()) if consultation.acheteur.siret else None,
        "lieu_execution": marche.lieu_execution.model_dump() if marche.lieu_execution else None,
        "lots": [
            {
                "numero": numero_lot(lot),
                "intitule": lot.intitule,
                "heures_dues": lot.heures,
                "clause": numero_lot(lot) in avec_clause,
                # The CCAP caps the insertion penalties at a share of the lot's (or contract's) amount.
                "plafond_penalite": str(lot.montant_ht * chiffres.penalites.plafond_pourcentage / 100),
            }
            for lot in chiffres.lots
        ],
    }


def _iso(jour: datetime.date | None) -> str | None:
    return jour.isoformat() if jour else None


def attribution(consultation: Consultation) -> dict[str, Any] | None:
    """The award block as the register keeps it (JSON data): dates, holders with SIRET, amounts, terms."""
    execution = consultation.execution
    if execution is None:
        return None
    return {
        "debut": _iso(execution.debut),
        "fin": _iso(execution.fin),
        "notification": _iso(execution.notification),
        "titulaires": [t.model_dump(mode="json", exclude_none=True) for t in execution.titulaires]
        if execution.titulaires
        else None,
        "montant_ht": str(execution.montant_ht) if execution.montant_ht is not None else None,
        "offres_recues": execution.offres_recues,
        "forme_prix": execution.forme_prix,
        "types_prix": execution.types_prix,
        "avance": (
            {
                "attribuee": execution.avance.attribuee,
                "taux": str(execution.avance.taux) if execution.avance.taux is not None else None,
            }
            if execution.avance
            else None
        ),
        "sous_traitance_declaree": execution.sous_traitance_declaree,
        "groupement": execution.groupement,
    }


def smic_au(jour: datetime.date) -> Decimal:
    """The hourly SMIC in force on ``jour`` (``parametres.yaml``; the earliest known before the table)."""
    from clause_kit.commun.parametres import charger_parametres

    valeurs = sorted(
        (v["au"] if isinstance(v["au"], datetime.date) else datetime.date.fromisoformat(str(v["au"])), v["montant"])
        for v in charger_parametres().brut["smic_horaire"]
    )
    en_vigueur = [v for v in valeurs if v[0] <= jour] or valeurs[:1]
    return Decimal(str(en_vigueur[-1][1]))


def penalite_par_heure(consultation: Consultation, chiffres: Chiffres) -> Decimal:
    """The penalty per missing hour the follow-up applies.

    When it is a multiple of the SMIC « in force at notification » (the CCAP's words) and the
    award block gives the notification date, the SMIC of that date; else the figure of the
    dossier (SMIC at launch, or a fixed amount).
    """
    penalites = chiffres.penalites
    notification = consultation.execution.notification if consultation.execution else None
    if penalites.multiple_smic is None or penalites.smic_reference != "notification" or notification is None:
        return chiffres.penalite_par_heure
    return (penalites.multiple_smic * smic_au(notification)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def importer_openpyxl() -> Any:
    """openpyxl, imported without numpy when numpy is not loaded yet.

    openpyxl imports numpy, when it is installed, only to accept numpy numbers as cell values;
    we write none, and numpy costs more to import than openpyxl itself (0.2 s), in every
    command that builds a dossier.
    """
    if "openpyxl" in sys.modules or "numpy" in sys.modules:
        import openpyxl

        return openpyxl
    sys.modules["numpy"] = None  # type: ignore[assignment]  # makes « import numpy » fail, as if absent
    try:
        import openpyxl
    finally:
        del sys.modules["numpy"]
    return openpyxl


def construire_classeur_openpyxl(
    consultation: Consultation,
    chiffres: Chiffres,
    designation_facilitateur: str,
    empreinte_source: str,
    genere_le: datetime.datetime,
) -> bytes:
    """The workbook's bytes for one contract."""
    classeur = importer_openpyxl().Workbook()
    feuille = classeur.active
    feuille.title = FEUILLE_SUIVI
    lots = lots_avec_clause(chiffres)
    _identite(feuille, consultation, lots, empreinte_source)
    _en_tete(feuille, consultation, chiffres, lots, designation_facilitateur)
    _colonnes(feuille)
    noms = _listes(classeur)
    _validations(feuille, noms, lots)
    _aide_codes(classeur)
    classeur.properties.creator = "clause_kit"
    classeur.properties.title = f"Fiche de suivi public – {consultation.marche.reference}"
    classeur.properties.created = classeur.properties.modified = genere_le.replace(tzinfo=None)
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()


def _verrouiller(cellule: Any) -> None:
    from openpyxl.styles import Protection

    cellule.protection = Protection(locked=True)


def _identite(feuille: Any, consultation: Consultation, lots: list[HeuresLot], empreinte: str) -> None:
    valeurs = [
        IDENTITE,
        "reference",
        consultation.marche.reference,
        "lots",
        ";".join(str(numero_lot(lot)) for lot in lots),
        "commune",
        consultation.acheteur.commune,
        "empreinte_source",
        empreinte,
    ]
    for colonne, valeur in enumerate(valeurs, start=1):
        ecrire_cellule(feuille, 1, colonne, valeur)
    feuille.row_dimensions[1].hidden = True


def _heures_dues(lot: HeuresLot, chiffres: Chiffres) -> str:
    """What the holder owes, as the CCAP says it: never a fixed total where the contract has none.

    An accord-cadre owes hours per 1 000 € ordered (the estimate's total is no debt); a renewable
    contract owes each period's hours only if it is executed; an optional tranche's hours are due
    once it is affermie.
    """
    if lot.heures_par_1000 is not None:
        taux = lot.heures_par_1000
        # French plural from 2: « 1,125 heure », « 2,154 heures ».
        texte = (
            f"{nombre_simple(taux)} heure{'s' if taux >= 2 else ''} par tranche de 1 000 € HT de commandes exécutées"
        )
        if lot.heures_garanties:
            texte += f", dont {nombre(lot.heures_garanties)} heures au titre du minimum de commandes"
        return texte + " ; heures dues de l'année calculées au bilan annuel"
    periodes = [p for p in chiffres.periodes if p.heures]
    if len(periodes) > 1:
        par_periode = " ; ".join(f"période {p.numero} : {nombre(p.heures or 0)} heures" for p in periodes)
        return f"{nombre(lot.heures)} heures ({par_periode}, chacune due si elle est exécutée)"
    if chiffres.tranches:
        return " ; ".join(
            f"{nombre(t.heures)} heures"
            + (" (tranche ferme)" if t.nature == "ferme" else f" si la tranche « {t.libelle} » est affermie")
            for t in chiffres.tranches
        )
    return f"{nombre(lot.heures)} heures"


def _en_tete(
    feuille: Any, consultation: Consultation, chiffres: Chiffres, lots: list[HeuresLot], facilitateur: str
) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill, Protection

    marche = consultation.marche
    if chiffres.heures_total:
        detail = " ; ".join(
            (f"lot {numero_lot(lot)} « {lot.intitule} » : " if marche.lots else "") + _heures_dues(lot, chiffres)
            for lot in lots
        )
    else:
        detail = "celles de la fiche technique du titulaire (critère d'attribution)"
    lignes = [
        ("Fiche de suivi public – clause d'insertion", Font(bold=True, size=14)),
        (f"Acheteur : {consultation.acheteur.nom}", Font(bold=True)),
        (f"Marché n° {marche.reference} – {marche.objet}", Font(bold=True)),
        (f"Heures d'insertion dues : {detail}", None),
        (f"Contact du facilitateur : {facilitateur}", None),
    ]
    for rang, (texte, police) in enumerate(lignes, start=2):
        cellule = ecrire_cellule(feuille, rang, 1, texte)
        if police is not None:
            cellule.font = police
    rang_titulaire = CELLULE_TITULAIRE[0]
    ecrire_cellule(feuille, rang_titulaire, 1, "Titulaire (raison sociale) :").font = Font(bold=True)
    ecrire_cellule(feuille, rang_titulaire, CELLULE_SIRET_TITULAIRE[1] - 2, "SIRET du titulaire :").font = Font(
        bold=True
    )
    saisie = PatternFill("solid", fgColor="FFF2CC")
    for rang, colonne in (CELLULE_TITULAIRE, CELLULE_SIRET_TITULAIRE):
        cellule = feuille.cell(rang, colonne)
        cellule.protection = Protection(locked=False)
        cellule.fill = saisie
        cellule.number_format = "@"
    ecrire_cellule(
        feuille,
        8,
        1,
        (
            "Une ligne par personne et par mois, dans la zone jaune. Aucun nom, prénom ni numéro de sécurité sociale "
            "(RGPD) : seulement le code donné par le facilitateur. Personne sur un lot un mois : une ligne avec le "
            "lot, « néant » comme code et le mois. Les listes et l'aide de chaque colonne s'affichent en "
            "sélectionnant une cellule ; la feuille « Codes » explique chaque code."
        ),
    ).alignment = Alignment(wrap_text=False)
    # The header is locked and white even where it is empty: every cell is styled explicitly, or it
    # would take the column's style (unlocked, the input colour) in Excel and Calc.
    blanc = PatternFill("solid", fgColor="FFFFFF")
    for rang in range(1, LIGNE_LIBELLES):
        for colonne in range(1, len(COLONNES) + 1):
            if (rang, colonne) in (CELLULE_TITULAIRE, CELLULE_SIRET_TITULAIRE):
                continue
            cellule = feuille.cell(rang, colonne)
            _verrouiller(cellule)
            cellule.fill = blanc


def _colonnes(feuille: Any) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill, Protection

    entete = PatternFill("solid", fgColor="D9E1F2")
    saisie = PatternFill("solid", fgColor="FFF2CC")
    for numero, colonne in enumerate(COLONNES, start=1):
        lettre = lettres_colonne(numero)
        ecrire_cellule(feuille, LIGNE_CLES, numero, colonne.cle)
        libelle = ecrire_cellule(feuille, LIGNE_LIBELLES, numero, colonne.libelle)
        libelle.font = Font(bold=True)
        libelle.fill = entete
        libelle.alignment = Alignment(wrap_text=True, vertical="center")
        libelle.comment = Comment(colonne.aide, "clause_kit")
        libelle.protection = Protection(locked=True)
        dimension = feuille.column_dimensions[lettre]
        dimension.width = colonne.largeur
        # A column style unlocks and colours the whole input area without creating its cells; the
        # reference is the sheet's own, not typed: its column stays locked and grey.
        if colonne.cle == "reference":
            dimension.protection = Protection(locked=True)
            dimension.fill = PatternFill("solid", fgColor="EDEDED")
            continue
        dimension.protection = Protection(locked=False)
        dimension.fill = saisie
        if colonne.cle in ("debut_contrat", "fin_contrat"):
            dimension.number_format = "DD/MM/YYYY"
        elif colonne.cle == "mois":
            dimension.number_format = "MM/YYYY"  # a date Calc or Excel recognises shows as 03/2026
        elif colonne.liste is None and colonne.cle not in ("lot", "heures", "heures_formation"):
            dimension.number_format = "@"  # codes and SIRET stay text (leading zeros)
    feuille.row_dimensions[LIGNE_CLES].hidden = True
    feuille.row_dimensions[LIGNE_LIBELLES].height = 32
    feuille.freeze_panes = feuille.cell(LIGNE_LIBELLES + 1, 1)
    feuille.protection.sheet = True
    feuille.protection.formatColumns = False  # widths may be changed
    feuille.page_setup.orientation = "landscape"
    feuille.page_setup.fitToWidth = 1
    feuille.sheet_properties.pageSetUpPr.fitToPage = True


def _listes(classeur: Any) -> dict[str, str]:
    """The hidden sheet of drop-down values (French labels), one named range per code list."""
    from openpyxl.workbook.defined_name import DefinedName

    feuille = classeur.create_sheet(FEUILLE_LISTES)
    feuille.sheet_state = "hidden"
    noms = {}
    listes = [c.liste for c in COLONNES if c.liste is not None]
    for numero, liste in enumerate(listes, start=1):
        lettre = lettres_colonne(numero)
        ecrire_cellule(feuille, 1, numero, liste)
        valeurs = codes(liste)
        for rang, code in enumerate(valeurs, start=2):
            ecrire_cellule(feuille, rang, numero, code.libelle)
        nom = f"liste_{liste}"
        classeur.defined_names[nom] = DefinedName(
            nom, attr_text=f"{FEUILLE_LISTES}!${lettre}$2:${lettre}${len(valeurs) + 1}"
        )
        noms[liste] = nom
    feuille.protection.sheet = True
    return noms


def _plage(cle: str) -> str:

    numero = next(i for i, c in enumerate(COLONNES, start=1) if c.cle == cle)
    lettre = lettres_colonne(numero)
    return f"{lettre}{LIGNE_LIBELLES + 1}:{lettre}{LIGNE_LIBELLES + LIGNES_SAISIE}"


def _validations(feuille: Any, noms: dict[str, str], lots: list[HeuresLot]) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    def valider(cle: str, titre: str = "Valeur refusée", **options: Any) -> None:
        colonne = next(c for c in COLONNES if c.cle == cle)
        validation = DataValidation(
            allow_blank=True,
            showInputMessage=True,
            showErrorMessage=True,
            promptTitle=colonne.libelle[:32],
            prompt=colonne.aide[:255],
            errorTitle=titre,
            **options,
        )
        feuille.add_data_validation(validation)
        validation.add(_plage(cle))

    numeros = ",".join(str(numero_lot(lot)) for lot in lots)
    valider("lot", type="list", formula1=f'"{numeros}"', error=f"Lots de ce marché : {numeros}.")
    valider(
        "participant",
        type="textLength",
        operator="between",
        formula1="2",
        formula2="20",
        error="Code de 2 à 20 caractères, sans nom ni numéro de sécurité sociale.",
    )
    for colonne in COLONNES:
        if colonne.liste is None:
            continue
        # Several publics may be typed, separated by « ; »: the list only proposes, and its message
        # is no refusal (« Valeur refusée » over an accepted value would be false).
        if colonne.cle == "publics":
            valider(
                colonne.cle,
                "Plusieurs catégories ?",
                type="list",
                formula1=f"={noms[colonne.liste]}",
                errorStyle="information",
                error="Valeur hors de la liste : acceptée si ce sont des catégories de la feuille Codes "
                "séparées par « ; ».",
            )
            continue
        valider(
            colonne.cle,
            type="list",
            formula1=f"={noms[colonne.liste]}",
            error="Choisissez une valeur de la liste (voir la feuille Codes).",
        )
    valider("siret_employeur", type="textLength", operator="equal", formula1="14", error="Un SIRET a 14 chiffres.")
    for cle in ("debut_contrat", "fin_contrat"):
        valider(
            cle,
            type="date",
            operator="between",
            formula1="36526",
            formula2="73051",
            error="Date attendue (JJ/MM/AAAA), entre 2000 et 2099.",
        )
    # The month as typed: « 03/2026 » is no date for a French Calc or Excel (it has no day) and stays
    # text; a date (01/03/2026, or 03/2026 where it is recognised) is accepted too.
    cellule = _plage("mois").split(":")[0]
    valider(
        "mois",
        type="custom",
        formula1=f"OR(AND(ISNUMBER({cellule}),{cellule}>=36526,{cellule}<=73051),AND(LEN({cellule})=7,"
        f'MID({cellule},3,1)="/",ISNUMBER(VALUE(LEFT({cellule},2))),ISNUMBER(VALUE(RIGHT({cellule},4)))))',
        error="Mois attendu au format MM/AAAA (03/2026), entre 2000 et 2099.",
    )
    for cle in ("heures", "heures_formation"):
        valider(
            cle,
            type="decimal",
            operator="between",
            formula1="0",
            formula2="250",
            error="Nombre d'heures entre 0 et 250 pour le mois.",
        )


def _aide_codes(classeur: Any) -> None:
    """A visible, locked sheet explaining each code: what the drop-down label means."""
    from openpyxl.styles import Alignment, Font

    feuille = classeur.create_sheet(FEUILLE_CODES)
    entetes = ["Colonne", "Libellé (liste déroulante)", "Code (fichiers CSV)", "Définition"]
    for numero, entete in enumerate(entetes, start=1):
        ecrire_cellule(feuille, 1, numero, entete).font = Font(bold=True)
    rang = 1
    for colonne in COLONNES:
        if colonne.liste is None:
            continue
        for code in codes(colonne.liste):
            rang += 1
            for numero, valeur in enumerate((colonne.libelle, code.libelle, code.cle, code.description), start=1):
                ecrire_cellule(feuille, rang, numero, valeur)
    for lettre, largeur in zip("ABCD", (24, 48, 24, 90), strict=True):
        feuille.column_dimensions[lettre].width = largeur
    for ligne in feuille.iter_rows(min_row=2):
        ligne[3].alignment = Alignment(wrap_text=True, vertical="top")
    feuille.protection.sheet = True
