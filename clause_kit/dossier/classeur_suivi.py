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

The workbook itself is written by ``classeur_gabarit`` (filled at the zip level, like the Word
pieces). Every text is written as a string cell (``clause_kit.commun.tableur``): a reference or
a commune typed ``=…`` stays text, in the identity row as in the header, and the sheet still
imports. The sheet is protected without a password: it guards against slips, not against the
company.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the import reads the layout below without loading the contract model
    from clause_kit.marche.calcul import Chiffres, HeuresLot
    from clause_kit.marche.modele import Consultation

__all__ = [
    "CELLULE_SIRET_TITULAIRE",
    "attribution",
    "penalite_par_heure",
    "CELLULE_TITULAIRE",
    "COLONNES",
    "FEUILLE_CODES",
    "FEUILLE_LISTES",
    "FEUILLE_SUIVI",
    "IDENTITE",
    "LIGNE_CLES",
    "LIGNE_LIBELLES",
    "LIGNES_SAISIE",
    "NOM_FICHIER",
    "Colonne",
    "donnees_suivi",
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
    """What the follow-up register needs to know of a contract, as JSON data (also written in the manifest).

    The import checks a manifest's block with ``marche.bloc_suivi.BlocSuivi`` (unknown keys refused):
    a key added here is added there too (``tests/test_manifeste_suivi.py`` imports every example's).
    """
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


def penalite_par_heure(consultation: Consultation, chiffres: Chiffres) -> Decimal:
    """The penalty per missing hour the follow-up applies.

    When it is a multiple of the SMIC « in force at notification » (the CCAP's words) and the
    award block gives the notification date, the SMIC of that date; else the figure of the
    dossier (SMIC at launch, or a fixed amount).
    """
    from clause_kit.marche.calcul import smic_au  # here: the sheet's layout is read without the contract model

    penalites = chiffres.penalites
    notification = consultation.execution.notification if consultation.execution else None
    if penalites.multiple_smic is None or penalites.smic_reference != "notification" or notification is None:
        return chiffres.penalite_par_heure
    return (penalites.multiple_smic * smic_au(notification)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
