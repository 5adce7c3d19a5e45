"""The legal rules a legal service checks first: thresholds, criteria, facilitator, dates, plausibility.

Each bad input gives a located French error and no dossier; each doubtful figure a warning.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from clause_kit.cli import main
from clause_kit.commun.erreurs import ErreursValidation
from clause_kit.marche.chargement import charger_detail
from clause_kit.marche.seuils import rubrique_services_sociaux
from clause_kit.revue.texte import texte as texte_docx
from tests.contrats import A53_SEUL, CRITERES_85, contrat


def ecrire(tmp_path: Path, texte: str) -> Path:
    fichier = tmp_path / "marche.yaml"
    fichier.write_text(texte, encoding="utf-8")
    return fichier


def problemes(fichier: Path, **options: object) -> list[str]:
    with pytest.raises(ErreursValidation) as info:
        charger_detail(fichier, **options)  # type: ignore[arg-type]
    return [str(p) for p in info.value.problemes]


def generer(fichier: Path, sortie: Path, *options: str) -> object:
    return CliRunner().invoke(main, ["generer", str(fichier), "-o", str(sortie), *options])


# --- procedure and EU thresholds ------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_", "montant", "categorie", "seuil"),
    [
        ("services", 860000, "collectivite", "216 000,00"),
        ("travaux", 200_000_000, "collectivite", "5 404 000,00"),
        ("fournitures", 150000, "etat", "140 000,00"),
    ],
)
def test_procedure_adaptee_au_dela_du_seuil_refusee(
    tmp_path: Path, type_: str, montant: int, categorie: str, seuil: str
) -> None:
    texte = contrat(montant=montant, type_=type_).replace(
        "commune: Cassis}", f"commune: Cassis, categorie: {categorie}}}"
    )
    fichier = ecrire(tmp_path, texte)
    (message,) = problemes(fichier)
    assert message.startswith(f"{fichier}:8: marche.procedure: procédure adaptée impossible")
    assert seuil.replace(" ", "\u202f") in message and "procédure formalisée est requise" in message
    resultat = generer(fichier, tmp_path / "sortie")
    assert resultat.exit_code == 1 and not list((tmp_path / "sortie").glob("*/*"))


def test_entite_adjudicatrice_a_un_seuil_plus_haut(tmp_path: Path) -> None:
    texte = contrat(montant=300000, type_="services").replace(
        "commune: Cassis}", "commune: Cassis, categorie: entite_adjudicatrice}"
    )
    assert charger_detail(ecrire(tmp_path, texte)).chiffres.seuil is not None


def _services_sociaux(cpv: str | None) -> str:
    lignes = "  motif_procedure_adaptee: services_sociaux\n" + (f"  cpv: {cpv}\n" if cpv else "")
    return contrat(montant=900000, type_="services", marche=lignes)


def test_services_sociaux_en_procedure_adaptee_quel_que_soit_le_montant(tmp_path: Path) -> None:
    # Social support (85311000-2) is in the list annexed to the code.
    texte = _services_sociaux("85311000-2")
    assert charger_detail(ecrire(tmp_path, texte)).chiffres.procedure == "adaptee"


def test_services_sociaux_refuse_pour_un_cpv_hors_liste(tmp_path: Path) -> None:
    # Cleaning (90911200-8) is not: a 900 000 € contract needs a formalised procedure.
    fichier = ecrire(tmp_path, _services_sociaux("90911200-8"))
    (message,) = problemes(fichier)
    assert message.startswith(f"{fichier}:11: marche.cpv: le code CPV 90911200-8 ne figure pas dans la liste")
    assert "annexe XIV de la directive 2014/24/UE" in message


def test_services_sociaux_sans_cpv_refuse(tmp_path: Path) -> None:
    (message,) = problemes(ecrire(tmp_path, _services_sociaux(None)))
    assert "marche.motif_procedure_adaptee: services_sociaux : indiquez le code CPV" in message


@pytest.mark.parametrize(
    ("cpv", "rubrique"),
    [
        ("85311000-2", "Services sanitaires, sociaux et connexes"),
        ("79713000-5", "Services d'enquête et de sécurité"),
        ("55524000-9", "Services d'hôtellerie et de restauration"),
        ("90911200-8", None),
        ("45000000-7", None),
    ],
)
def test_liste_des_services_sociaux(cpv: str, rubrique: str | None) -> None:
    assert rubrique_services_sociaux(cpv) == rubrique


def test_seuils_de_la_periode_de_la_date_de_lancement(tmp_path: Path) -> None:
    """220 000 € of services: above the 2026 threshold (216 000), below the 2024-2025 one (221 000)."""
    texte = contrat(montant=220000, type_="services")
    assert problemes(ecrire(tmp_path, texte))
    ancien = texte.replace("date_lancement: 2026-10-01", "date_lancement: 2025-06-01")
    assert charger_detail(ecrire(tmp_path, ancien)).chiffres.seuil.montant == 221000  # type: ignore[union-attr]


def test_procedure_absente_choisie_par_verifier_refusee_par_generer(tmp_path: Path) -> None:
    fichier = ecrire(tmp_path, contrat(montant=6_000_000).replace("  procedure: adaptee\n", ""))
    donnees = json.loads(CliRunner().invoke(main, ["verifier", str(fichier), "--format", "json"]).output)
    assert donnees["procedure"] == "appel_offres_ouvert"
    assert any("procédure : procédure d'appel d'offres ouvert (choisie d'après" in c for c in donnees["choix"])
    (message,) = problemes(fichier, strict=True)
    assert ":3: marche.procedure: procédure non indiquée (d'après le seuil européen : appel_offres_ouvert)" in message


def test_r2152_12_cite_des_que_la_procedure_est_formalisee(tmp_path: Path) -> None:
    texte = contrat(marche=CRITERES_85, insertion=A53_SEUL)
    formalisee = texte.replace("procedure: adaptee", "procedure: appel_offres_ouvert")
    donnees = json.loads(
        CliRunner().invoke(main, ["verifier", str(ecrire(tmp_path, formalisee)), "--format", "json"]).output
    )
    assert any("R. 2152-12" in r for r in donnees["references_juridiques"])
    donnees = json.loads(
        CliRunner().invoke(main, ["verifier", str(ecrire(tmp_path, texte)), "--format", "json"]).output
    )
    assert not any("R. 2152-12" in r for r in donnees["references_juridiques"])


def test_le_code_de_la_commande_publique_ne_s_applique_pas_avant_2019(tmp_path: Path) -> None:
    texte = contrat().replace("date_lancement: 2026-10-01", "date_lancement: 2015-03-01")
    (message,) = problemes(ecrire(tmp_path, texte))
    assert "marche.date_lancement: le code de la commande publique s'applique aux consultations lancées" in message
    ancien = texte.replace("insertion:\n", "insertion:\n  regime: cmp2006\n")
    assert charger_detail(ecrire(tmp_path, ancien)).chiffres.penalites.smic_horaire < 10


def test_date_sans_seuil_connu(tmp_path: Path) -> None:
    texte = contrat().replace("date_lancement: 2026-10-01", "date_lancement: 2031-01-15")
    (message,) = problemes(ecrire(tmp_path, texte))
    assert "aucun seuil européen n'est connu pour le 15 janvier 2031" in message


# --- award criteria --------------------------------------------------------------------------


def test_article_53_sans_criteres_refuse_aucun_critere_invente(tmp_path: Path) -> None:
    fichier = ecrire(tmp_path, contrat(insertion=A53_SEUL))
    (message,) = problemes(fichier)
    assert "marche.criteres: avec article_53, indiquer la liste complète des autres critères" in message
    resultat = generer(fichier, tmp_path / "sortie")
    assert resultat.exit_code == 1 and "Prix des prestations" not in resultat.output


@pytest.mark.parametrize(("jour", "exige"), [("2026-08-21", False), ("2026-08-22", True)])
def test_critere_environnemental_exige_a_partir_du_22_aout_2026(tmp_path: Path, jour: str, exige: bool) -> None:
    criteres = (
        "  criteres:\n    - {libelle: Prix, ponderation: 60, nature: prix}\n"
        "    - {libelle: Technique, ponderation: 25}\n"
    )
    texte = contrat(marche=criteres, insertion=A53_SEUL).replace("2026-10-01", jour)
    fichier = ecrire(tmp_path, texte)
    if exige:
        (message,) = problemes(fichier)
        assert ":10: marche.criteres: consultation lancée le 22 août 2026 : au moins un critère doit prendre" in message
        assert "nature: environnement" in message
    else:
        assert charger_detail(fichier).chiffres.criteres


def test_critere_environnemental_en_regime_cmp2006_non_exige(tmp_path: Path) -> None:
    criteres = "  criteres:\n    - {libelle: Prix, ponderation: 85, nature: prix}\n"
    texte = contrat(marche=criteres, insertion="  regime: cmp2006\n" + A53_SEUL).replace("2026-10-01", "2012-05-02")
    assert charger_detail(ecrire(tmp_path, texte)).chiffres.criteres


def test_sans_critere_decrit_un_avertissement_rappelle_la_regle(tmp_path: Path) -> None:
    avertissements = charger_detail(ecrire(tmp_path, contrat())).chiffres.avertissements
    assert any("caractéristiques environnementales de l'offre" in a for a in avertissements)


# --- facilitator -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "facilitateur",
    [
        "",
        "facilitateur: {nom: Léa Roux}\n",
        "facilitateur: {telephone: 04 42 00 00 00}\n",
        "facilitateur: {nom: Léa Roux, adresse: Mairie}\n",
    ],
)
def test_facilitateur_sans_contact_refuse_par_generer(tmp_path: Path, facilitateur: str) -> None:
    fichier = ecrire(tmp_path, contrat(facilitateur=facilitateur))
    (message,) = problemes(fichier, strict=True)
    assert "facilitateur: le facilitateur n'a pas de contact" in message
    assert any("pour generer" in a for a in charger_detail(fichier).chiffres.avertissements)
    resultat = generer(fichier, tmp_path / "sortie")
    assert resultat.exit_code == 1 and not (tmp_path / "sortie" / "cassis").exists()


def test_contact_a_completer_rend_le_champ_visible_dans_chaque_piece(tmp_path: Path) -> None:
    from clause_kit.dossier.construction import construire
    from clause_kit.revue.texte import texte as texte_docx

    fichier = ecrire(tmp_path, contrat(facilitateur="facilitateur: {contact_a_completer: true}\n"))
    construit = construire(fichier, aujourd_hui=datetime.date(2026, 11, 24))
    for piece in construit.pieces:
        texte = texte_docx(piece.contenu)
        assert "désigné par l'acheteur" not in texte
        if piece.piece.code != "cctp_clauses":
            assert "[À COMPLÉTER\u00a0: nom et coordonnées du facilitateur" in texte, piece.nom_fichier


# --- plausibility ----------------------------------------------------------------------------


def test_avertissements_de_vraisemblance(tmp_path: Path) -> None:
    texte = contrat(montant=80, insertion="  article_14: {heures: 200}\n", marche="  duree_mois: 1\n")
    avertissements = charger_detail(ecrire(tmp_path, texte)).chiffres.avertissements
    assert any("200 heures" in a and "plus que toute la main-d'œuvre" in a for a in avertissements)
    assert any("marché de 1 mois" in a for a in avertissements)
    texte = contrat(insertion="  article_14: {pourcentage: 25}\n")
    assert any("25 %" in a for a in charger_detail(ecrire(tmp_path, texte)).chiffres.avertissements)
    sous = (
        "  article_53:\n    ponderation: 15\n    heures_minimum: 100\n    sous_criteres:\n"
        "      - {libelle: A, ponderation: 7.55}\n      - {libelle: B, ponderation: 7.45}\n"
    )
    avertissements = charger_detail(
        ecrire(tmp_path, contrat(marche=CRITERES_85, insertion=sous))
    ).chiffres.avertissements
    assert any("plus d'une décimale" in a for a in avertissements)


def test_avertissements_repris_au_rapport_du_lot(tmp_path: Path) -> None:
    fichier = ecrire(tmp_path, contrat(insertion="  article_14: {pourcentage: 25}\n"))
    assert generer(fichier, tmp_path / "sortie").exit_code == 0
    rapport = json.loads((tmp_path / "sortie" / "rapport-generation.json").read_text(encoding="utf-8"))
    assert any("25 %" in a for a in rapport["marches"][0]["avertissements"])
    assert "25 %" in (tmp_path / "sortie" / "rapport-generation.csv").read_text(encoding="utf-8")


def _article_53_seul_au_dela_du_seuil(lancement: str = "2026-10-01") -> str:
    criteres = (
        "  criteres:\n    - {libelle: Prix, ponderation: 75, nature: prix}\n"
        "    - {libelle: Env, ponderation: 10, nature: environnement}\n"
    )
    texte = contrat(montant=600000, type_="services", marche=criteres, insertion=A53_SEUL)
    return texte.replace("procedure: adaptee", "procedure: appel_offres_ouvert").replace("2026-10-01", lancement)


def test_article_53_seul_au_dela_du_seuil_refuse_sans_exception(tmp_path: Path) -> None:
    fichier = ecrire(tmp_path, _article_53_seul_au_dela_du_seuil())
    (message,) = problemes(fichier)
    assert message.startswith(f"{fichier}:14: insertion.article_53: consultation lancée le 1er octobre 2026")
    assert "L. 2112-2-1" in message and "exception_condition_sociale" in message
    assert "600\u202f000,00\u00a0€ HT au-delà du seuil européen de 216\u202f000,00\u00a0€ HT" in message


def test_article_53_seul_avant_le_22_aout_2026_accepte(tmp_path: Path) -> None:
    texte = _article_53_seul_au_dela_du_seuil("2026-08-21").replace(
        "    - {libelle: Env, ponderation: 10, nature: environnement}\n", ""
    )
    texte = texte.replace("ponderation: 75", "ponderation: 85")
    assert charger_detail(ecrire(tmp_path, texte)).chiffres.procedure == "appel_offres_ouvert"


def test_exception_motivee_imprimee_par_le_rc(tmp_path: Path) -> None:
    motif = "  exception_condition_sociale: prestation intellectuelle de quelques jours, sans main-d'œuvre\n"
    texte = _article_53_seul_au_dela_du_seuil().replace("insertion:\n", "insertion:\n" + motif)
    resultat = generer(ecrire(tmp_path, texte), tmp_path / "sortie")
    assert resultat.exit_code == 0, resultat.output
    (rc,) = (tmp_path / "sortie").glob("*/*/02-reglement-consultation.docx")
    texte_rc = texte_docx(rc)
    assert "Par exception à l’obligation de prévoir une condition d’exécution relative au domaine social" in texte_rc
    assert "pour le motif suivant\u00a0: prestation intellectuelle de quelques jours, sans main-d’œuvre." in texte_rc
    assert "au moins 200 heures d’insertion, exigence minimale que toute offre doit respecter" in texte_rc


def test_exception_sans_effet_avertie(tmp_path: Path) -> None:
    texte = contrat(insertion="  article_14: {pourcentage: 7}\n  exception_condition_sociale: motif\n")
    avertissements = charger_detail(ecrire(tmp_path, texte)).chiffres.avertissements
    assert any("exception_condition_sociale sans effet" in a for a in avertissements)


def test_regime_cmp2006_seulement_avant_le_1er_avril_2016(tmp_path: Path) -> None:
    texte = contrat(insertion="  regime: cmp2006\n  article_14: {pourcentage: 5}\n").replace("2026-10-01", "2016-04-01")
    (message,) = problemes(ecrire(tmp_path, texte))
    assert (
        "marche.date_lancement: le régime cmp2006 ne reproduit que des dossiers lancés avant le 1er avril 2016"
        in message
    )


def test_services_sociaux_seulement_pour_des_services(tmp_path: Path) -> None:
    texte = contrat(montant=6_000_000, marche="  motif_procedure_adaptee: services_sociaux\n")
    (message,) = problemes(ecrire(tmp_path, texte))
    assert "marche.motif_procedure_adaptee: services_sociaux ne vaut que pour un marché de services" in message


def test_regime_cmp2006_averti(tmp_path: Path) -> None:
    texte = contrat(insertion="  regime: cmp2006\n  article_14: {pourcentage: 5}\n").replace("2026-10-01", "2010-01-04")
    assert any("abrogé" in a for a in charger_detail(ecrire(tmp_path, texte)).chiffres.avertissements)


def test_cles_sans_effet_averties(tmp_path: Path) -> None:
    insertion = "  article_14: {pourcentage: 7}\n" + A53_SEUL.replace("ponderation: 15\n", "ponderation: 15\n", 1)
    texte = contrat(marche=CRITERES_85 + "  motif_procedure_adaptee: montant\n", insertion=insertion)
    texte = texte.replace("procedure: adaptee", "procedure: appel_offres_ouvert")
    avertissements = charger_detail(ecrire(tmp_path, texte)).chiffres.avertissements
    assert any("heures_minimum sans effet" in a for a in avertissements)
    assert any("motif_procedure_adaptee sans effet" in a for a in avertissements)
    seul14 = contrat(insertion="  article_14: {pourcentage: 7}\n  penalite: {par_engagement_qualitatif: 200}\n")
    avertissements = charger_detail(ecrire(tmp_path, seul14)).chiffres.avertissements
    assert any("par_engagement_qualitatif sans effet" in a for a in avertissements)
