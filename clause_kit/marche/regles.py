"""Legal rules and plausibility checks that need the computed figures.

Three kinds of outcome, kept apart because each reaches the user differently:

* ``erreurs``: the dossier would break a rule (procedure above the EU threshold, criteria
  missing or without the environmental criterion): located errors, never a dossier;
* ``Chiffres.manques`` (filled here and in ``calcul``): a legal choice left to a default
  (procedure, facilitator's contact): refused by ``generer``, shown by ``verifier`` and
  printed highlighted by ``generer --brouillon``;
* ``Chiffres.avertissements``: figures that look wrong but may be right (200 hours on a tiny
  contract, a 25 % clause): shown by ``verifier`` and in the batch report.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from clause_kit.commun.formats import date_fr, montant, nombre, nombre_simple
from clause_kit.marche.calcul import Chiffres
from clause_kit.marche.droit import CCAG_2021, CLIMAT_RESILIENCE, REFERENCES, critere_environnemental_exige
from clause_kit.marche.modele import Chemin, Consultation
from clause_kit.marche.seuils import reservable_ess, verifier_procedure

__all__ = ["appliquer_regles", "condition_sociale_exigee", "contact_facilitateur"]

#: The Code de la commande publique applies to consultations launched from this date.
DEBUT_CCP = datetime.date(2019, 4, 1)
#: The 2006 Code des marchés publics was abrogated on this date (ordonnance n° 2015-899, art. 102).
FIN_CMP2006 = datetime.date(2016, 4, 1)


def appliquer_regles(consultation: Consultation, chiffres: Chiffres, p: dict[str, Any]) -> list[tuple[Chemin, str]]:
    """Return the rule errors; add the missing legal choices and the plausibility warnings to ``chiffres``."""
    erreurs = _regles_de_date(consultation, chiffres)
    if consultation.insertion.regime == "ccp":
        erreurs += verifier_procedure(consultation, chiffres.seuil, chiffres.procedure)
    erreurs += _regles_criteres(consultation, chiffres)
    erreurs += _heures_de_l_article_53_seul(consultation)
    erreurs += _regles_reserve(consultation, chiffres)
    if not contact_facilitateur(consultation) and not (
        consultation.facilitateur is not None and consultation.facilitateur.contact_a_completer
    ):
        chiffres.manques.append(
            (
                ("facilitateur",),
                "le facilitateur n'a pas de contact (nom ou structure, et téléphone ou courriel) : la clause "
                "d'insertion doit donner ses coordonnées ; indiquez-les, ou écrivez "
                "facilitateur.contact_a_completer: true tant qu'elles ne sont pas connues (les pièces portent "
                "alors « [À COMPLÉTER] »)",
            )
        )
    chiffres.avertissements += _cles_sans_effet(consultation, chiffres)
    chiffres.avertissements += _a_completer(consultation, chiffres)
    chiffres.avertissements += _vraisemblance(consultation, chiffres, p)
    return erreurs


def _heures_de_l_article_53_seul(consultation: Consultation) -> list[tuple[Chemin, str]]:
    """Article 53 alone: the hours offered are either floored or scored by an announced sub-criterion."""
    insertion = consultation.insertion
    a53 = insertion.article_53
    if a53 is None or insertion.article_14 is not None or any(lot.insertion for lot in consultation.marche.lots or []):
        return []
    if a53.heures_minimum or any(sc.heures for sc in a53.sous_criteres or []):
        return []
    return [
        (
            ("insertion", "article_53"),
            "article 53 seul : fixer un minimum d'heures que l'offre doit atteindre (heures_minimum) ou noter les "
            "heures proposées dans un sous-critère annoncé (heures: true sur ce sous-critère) ; sinon une offre "
            "sans aucune heure serait recevable et les heures seraient appréciées sans avoir été annoncées",
        )
    ]


#: L. 2113-15: a contract reserved to ESS companies lasts three years at most.
DUREE_MAX_ESS_MOIS = 36


def _regles_reserve(consultation: Consultation, chiffres: Chiffres) -> list[tuple[Chemin, str]]:
    """Reserved contracts and lots: CCP only; the ESS reservation within its field (services, three years)."""
    marche = consultation.marche
    reserves: list[tuple[Chemin, str]] = []
    if marche.reserve is not None:
        reserves.append((("marche", "reserve"), marche.reserve))
    reserves += [
        (("marche", "lots", i, "reserve"), lot.reserve) for i, lot in enumerate(marche.lots or []) if lot.reserve
    ]
    erreurs: list[tuple[Chemin, str]] = []
    for chemin, code in reserves:
        if consultation.insertion.regime != "ccp":
            erreurs.append(
                (
                    chemin,
                    "marché ou lot réservé : pris en charge sous le régime ccp seulement (articles L. 2113-12 à "
                    "L. 2113-15 du code de la commande publique) ; retirez reserve pour reproduire un dossier de 2006",
                )
            )
            continue
        if code != "ess":
            continue
        if marche.type != "services":
            erreurs.append(
                (
                    chemin,
                    "réservation ess (article L. 2113-15 du code de la commande publique) : seulement pour des "
                    f"services de santé, sociaux ou culturels, pas pour un marché de {marche.type}",
                )
            )
        elif marche.cpv is None or not reservable_ess(marche.cpv):
            erreurs.append(
                (
                    ("marche", "cpv") if marche.cpv else chemin,
                    "réservation ess (article L. 2113-15 du code de la commande publique) : seulement pour les "
                    "services de santé, sociaux et culturels que l'avis annexé au code énumère ; "
                    + (
                        f"le code CPV {marche.cpv} n'en fait pas partie"
                        if marche.cpv
                        else "indiquez le code CPV du marché (marche.cpv)"
                    ),
                )
            )
        elif chiffres.duree_totale_mois is None or chiffres.duree_totale_mois > DUREE_MAX_ESS_MOIS:
            duree = (
                f"{chiffres.duree_totale_mois} mois, reconductions comprises"
                if chiffres.duree_totale_mois
                else "durée non indiquée"
            )
            erreurs.append(
                (
                    chemin,
                    f"réservation ess : la durée du marché ne peut pas dépasser trois ans (article L. 2113-15 du "
                    f"code de la commande publique) ; ici {duree} : indiquez duree_mois (et les reconductions) "
                    "dans cette limite",
                )
            )
    return erreurs


def _cles_sans_effet(consultation: Consultation, chiffres: Chiffres) -> list[str]:
    """Keys given in the file that no piece and no figure uses: the buyer may believe they act."""
    insertion, marche = consultation.insertion, consultation.marche
    avertissements = []
    a53 = insertion.article_53
    if a53 is not None and a53.heures_minimum and chiffres.heures_total > 0:
        avertissements.append(
            "insertion.article_53.heures_minimum sans effet : avec article_14, le minimum d'heures est celui de la "
            "condition d'exécution ; retirez heures_minimum"
        )
    if insertion.penalite is not None and insertion.penalite.par_engagement_qualitatif is not None and a53 is None:
        avertissements.append(
            "insertion.penalite.par_engagement_qualitatif sans effet : sans article_53, il n'y a pas d'engagement "
            "qualitatif (fiche technique) à sanctionner"
        )
    if marche.motif_procedure_adaptee is not None and chiffres.procedure != "adaptee":
        avertissements.append(
            f"marche.motif_procedure_adaptee sans effet : la procédure est {chiffres.procedure}, pas une procédure "
            "adaptée"
        )
    return avertissements


def _a_completer(consultation: Consultation, chiffres: Chiffres) -> list[str]:
    """What the pieces will show as « [À COMPLÉTER] »: they cannot be published as they are."""
    champs = []
    if not contact_facilitateur(consultation):
        champs.append("coordonnées du facilitateur")
    if not consultation.acheteur.dpo and consultation.insertion.regime == "ccp":
        champs.append("coordonnées du délégué à la protection des données (acheteur.dpo)")
    if not champs:
        return []
    return [f"pièces non publiables en l'état : « [À COMPLÉTER] » pour {', '.join(champs)}"]


def contact_facilitateur(consultation: Consultation) -> bool:
    """Whether the facilitator can be reached: a name or a structure, and a telephone or an e-mail."""
    f = consultation.facilitateur
    return f is not None and bool(f.nom or f.structure) and bool(f.telephone or f.courriel)


def _regles_de_date(consultation: Consultation, chiffres: Chiffres) -> list[tuple[Chemin, str]]:
    jour, regime = chiffres.date_lancement, consultation.insertion.regime
    champ: Chemin = ("marche", "date_lancement")
    if regime == "ccp" and jour < DEBUT_CCP:
        return [
            (
                champ,
                f"le code de la commande publique s'applique aux consultations lancées à compter du "
                f"{date_fr(DEBUT_CCP)} ; pour reproduire un dossier du code des marchés publics de 2006, "
                "indiquez insertion.regime: cmp2006",
            )
        ]
    if regime == "cmp2006" and jour >= FIN_CMP2006:
        return [
            (
                champ,
                f"le régime cmp2006 ne reproduit que des dossiers lancés avant le {date_fr(FIN_CMP2006)} (code "
                "des marchés publics de 2006, abrogé) : indiquez la date de lancement du dossier reproduit",
            )
        ]
    if regime == "ccp" and chiffres.seuil is None:
        return [
            (
                champ,
                f"aucun seuil européen n'est connu pour le {date_fr(jour)} : complétez seuils_europeens dans "
                "parametres.yaml avec la période en vigueur",
            )
        ]
    return []


def _regles_criteres(consultation: Consultation, chiffres: Chiffres) -> list[tuple[Chemin, str]]:
    marche, insertion = consultation.marche, consultation.insertion
    champ: Chemin = ("marche", "criteres")
    if insertion.article_53 is not None and marche.criteres is None:
        return [
            (
                champ,
                "avec article_53, indiquer la liste complète des autres critères d'attribution "
                "({libelle, ponderation, nature}) : avec la pondération de l'insertion, elles totalisent 100 ; "
                "clause_kit n'en invente aucun",
            )
        ]
    exige = critere_environnemental_exige(insertion.regime, chiffres.date_lancement)
    annonces = insertion.article_53 is not None or marche.criteres is not None
    if exige and annonces and not any(c.nature == "environnement" for c in chiffres.criteres):
        return [
            (
                champ,
                f"consultation lancée le {date_fr(chiffres.date_lancement)} : au moins un critère doit prendre en "
                f"compte les caractéristiques environnementales de l'offre ({REFERENCES['ccp'].critere_environnemental}"
                f", pour les consultations lancées à compter du {date_fr(CLIMAT_RESILIENCE)}) ; "
                "indiquez-le avec nature: environnement",
            )
        ]
    if condition_sociale_exigee(consultation, chiffres) and not insertion.exception_condition_sociale:
        seuil = chiffres.seuil
        assert seuil is not None
        return [
            (
                ("insertion", "article_53") if insertion.article_53 is not None else ("insertion",),
                f"consultation lancée le {date_fr(chiffres.date_lancement)}, montant "
                f"{'maximum ' if marche.forme != 'ordinaire' else ''}de {montant(chiffres.montant_seuil_ht)} "
                f"au-delà du seuil européen de {montant(seuil.montant)} : une condition d'exécution relative au "
                f"domaine social ou à l'emploi est obligatoire ({REFERENCES['ccp'].condition_sociale_obligatoire}) ; "
                "le critère d'attribution (article_53) ne la remplit pas : ajoutez article_14, ou donnez le motif de "
                "l'exception dans insertion.exception_condition_sociale (le règlement de la consultation l'imprime)",
            )
        ]
    if insertion.exception_condition_sociale and not condition_sociale_exigee(consultation, chiffres):
        chiffres.avertissements.append(
            "insertion.exception_condition_sociale sans effet : la condition d'exécution sociale n'est pas "
            "obligatoire ici (marché sous le seuil européen, consultation lancée avant le 22 août 2026 ou clause "
            "d'exécution déjà prévue par article_14) ; le motif n'est imprimé dans aucune pièce"
        )
    if exige and chiffres.heures_total:
        chiffres.avertissements.append(
            "rappel : depuis le 22 août 2026, les conditions d'exécution du marché prennent aussi en compte des "
            "considérations relatives à l'environnement (article L. 2112-2 du code de la commande publique) : "
            "à prévoir dans le CCAP, hors de la présente clause"
        )
    if exige and not annonces:
        chiffres.avertissements.append(
            "les critères d'attribution ne sont pas décrits dans le fichier : le règlement de la consultation "
            "doit en comporter au moins un sur les caractéristiques environnementales de l'offre "
            f"({REFERENCES['ccp'].critere_environnemental})"
        )
    return []


def condition_sociale_exigee(consultation: Consultation, chiffres: Chiffres) -> bool:
    """L. 2112-2-1: above the EU threshold, from 22 August 2026, a contract with no insertion hours lacks it."""
    exige = critere_environnemental_exige(consultation.insertion.regime, chiffres.date_lancement)
    au_dela = chiffres.seuil is not None and chiffres.montant_seuil_ht >= chiffres.seuil.montant
    return exige and au_dela and chiffres.heures_total == 0


def _vraisemblance(consultation: Consultation, chiffres: Chiffres, p: dict[str, Any]) -> list[str]:
    """Figures that look wrong but may be right: warnings only."""
    limites, marche = p["vraisemblance"], consultation.marche
    avertissements = (
        []
        if consultation.insertion.regime == "ccp"
        else [
            "régime cmp2006 : le code des marchés publics de 2006 est abrogé depuis le 1er avril 2016 ; chaque pièce "
            "le dit, et le dossier ne peut que reproduire ou modifier un dossier ancien"
        ]
    )
    avertissements += _heures_au_dela_de_la_main_d_oeuvre(consultation, chiffres, p)
    ccag = CCAG_2021.get(chiffres.ccag)
    if consultation.insertion.regime == "ccp" and ccag is not None and ccag.article_insertion is None:
        avertissements.append(
            f"{ccag.nom} : le numéro de son article « clause d'insertion sociale » et celui de l'exonération des "
            "pénalités de retard n'ont pas pu être confirmés dans le texte ; les pièces les nomment par leur "
            "objet : vérifiez-les avant publication"
        )
    if marche.duree_mois is not None and marche.duree_mois < int(limites["duree_min_mois"]) and chiffres.heures_total:
        avertissements.append(
            f"clause d'insertion sur un marché de {marche.duree_mois} mois : en deçà de "
            f"{limites['duree_min_mois']} mois, les praticiens l'évitent (trop court pour un parcours)"
        )
    maximum = Decimal(str(limites["pourcentage_max"]))
    for lot in chiffres.lots:
        if lot.pourcentage is not None and lot.pourcentage > maximum:
            avertissements.append(
                f"{_nom_lot(lot.numero)} : pourcentage d'insertion de {nombre_simple(lot.pourcentage)} %, "
                f"au-delà des {nombre_simple(maximum)} % habituels ; vérifiez le taux"
            )
    for sc in chiffres.sous_criteres:
        if sc.ponderation != sc.ponderation.quantize(Decimal("0.1")):
            avertissements.append(
                f"sous-critère « {sc.libelle} » pondéré à {nombre_simple(sc.ponderation)} : plus d'une décimale, "
                "difficile à appliquer ; arrondissez les pondérations"
            )
    return list(dict.fromkeys(avertissements))


def _heures_au_dela_de_la_main_d_oeuvre(consultation: Consultation, chiffres: Chiffres, p: dict[str, Any]) -> list[str]:
    """Hours that would cost more than the whole labour share of the amount cannot all be worked."""
    defauts = p["par_type"][consultation.marche.type]
    avertissements = []
    for lot in chiffres.lots:
        if lot.heures == 0:
            continue
        taux = lot.taux_main_oeuvre if lot.taux_main_oeuvre is not None else Decimal(str(defauts["taux_main_oeuvre"]))
        cout = lot.cout_horaire if lot.cout_horaire is not None else Decimal(str(defauts["cout_horaire"]))
        main_oeuvre = (lot.montant_ht * taux / 100).quantize(Decimal("0.01"))
        if lot.heures * cout > main_oeuvre:
            avertissements.append(
                f"{_nom_lot(lot.numero)} : {nombre(lot.heures)} heures × {montant(cout, taxe='')} = "
                f"{montant(lot.heures * cout)}, plus que toute la main-d'œuvre du montant "
                f"({montant(lot.montant_ht)} × {nombre_simple(taux)} % = {montant(main_oeuvre)})"
                " ; vérifiez le nombre d'heures ou le montant"
            )
    return avertissements


def _nom_lot(numero: int | None) -> str:
    return f"lot {numero}" if numero is not None else "marché"
