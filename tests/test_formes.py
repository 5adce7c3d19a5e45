"""Contract forms: accords-cadres (hours per 1 000 € HT ordered, threshold on the maximum).

Each figure is read from ``verifier --format json``, as a buyer's script or the held-out
checks read it; each refusal is a located French error.
"""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from clause_kit.cli import main
from clause_kit.commun.erreurs import ErreursValidation
from clause_kit.dossier.classeur_suivi import LIGNE_CLES
from clause_kit.dossier.construction import construire
from clause_kit.marche.chargement import charger_detail
from clause_kit.revue.texte import texte as texte_docx
from tests.contrats import A53_SEUL, CRITERES_85, contrat

ACCORD_CADRE = "  forme: accord_cadre_bons_de_commande\n"


def ecrire(tmp_path: Path, texte: str) -> Path:
    fichier = tmp_path / "marche.yaml"
    fichier.write_text(texte, encoding="utf-8")
    return fichier


def verifier_json(fichier: Path) -> dict[str, object]:
    resultat = CliRunner().invoke(main, ["verifier", str(fichier), "--format", "json"])
    assert resultat.exit_code == 0, resultat.output
    donnees: dict[str, object] = json.loads(resultat.output)
    return donnees


def problemes(fichier: Path) -> list[str]:
    with pytest.raises(ErreursValidation) as info:
        charger_detail(fichier)
    return [str(p) for p in info.value.problemes]


def test_accord_cadre_heures_par_1000_euros_et_seuil_sur_le_maximum(tmp_path: Path) -> None:
    # 1 000 × 50 % × 6 % ÷ 30 = 1 heure par 1 000 € HT commandés.
    texte = contrat(
        montant=400000,
        marche=ACCORD_CADRE + "  montant_maximum_ht: 900000\n",
        insertion="  article_14: {pourcentage: 6, taux_main_oeuvre: 50, cout_horaire: 30}\n",
    )
    donnees = verifier_json(ecrire(tmp_path, texte))
    assert donnees["forme"] == "accord_cadre_bons_de_commande"
    assert donnees["montant_seuil_ht"] == 900000
    assert donnees["heures_par_1000_euros"] == 1
    assert donnees["heures_garanties"] is None
    assert donnees["heures_insertion"] == 400  # the estimate, for information
    (lot,) = donnees["lots"]  # type: ignore[misc]
    assert lot["heures_par_1000_euros"] == 1 and lot["montant_seuil_ht"] == 900000
    assert lot["heures_au_maximum"] == 900 and lot["forme"] == "accord_cadre_bons_de_commande"


def test_minimum_donne_les_heures_garanties(tmp_path: Path) -> None:
    texte = contrat(
        montant=400000,
        marche="  forme: accord_cadre_marches_subsequents\n  montant_minimum_ht: 150000\n"
        "  montant_maximum_ht: 900000\n",
        insertion="  article_14: {pourcentage: 5, taux_main_oeuvre: 60, cout_horaire: 32}\n",
    )
    donnees = verifier_json(ecrire(tmp_path, texte))
    assert donnees["heures_par_1000_euros"] == 0.938  # 0,9375 arrondi au millième supérieur
    assert donnees["heures_garanties"] == 141  # 0,938 × 150


def test_maximum_au_dela_du_seuil_refuse_la_procedure_adaptee(tmp_path: Path) -> None:
    texte = contrat(type_="services", montant=150000, marche=ACCORD_CADRE + "  montant_maximum_ht: 300000\n")
    fichier = ecrire(tmp_path, texte)
    (message,) = problemes(fichier)
    assert "marche.procedure: procédure adaptée impossible : le montant maximum de l'accord-cadre" in message
    assert "reconductions comprises" in message


def test_procedure_par_defaut_jugee_sur_le_maximum(tmp_path: Path) -> None:
    texte = contrat(type_="services", montant=150000, marche=ACCORD_CADRE + "  montant_maximum_ht: 300000\n")
    texte = texte.replace("  procedure: adaptee\n", "")
    donnees = verifier_json(ecrire(tmp_path, texte))
    assert donnees["procedure"] == "appel_offres_ouvert"


def test_lots_d_un_accord_cadre(tmp_path: Path) -> None:
    lots = (
        ACCORD_CADRE + "  montant_maximum_ht: 500000\n  montant_minimum_ht: 100000\n  lots:\n"
        "    - {numero: 1, intitule: Peinture, montant_ht: 200000, montant_minimum_ht: 100000,"
        " montant_maximum_ht: 300000, insertion: {taux_main_oeuvre: 70}}\n"
        "    - {numero: 2, intitule: Serrurerie, montant_ht: 100000, montant_maximum_ht: 200000,"
        " insertion: {heures: 0}}\n"
    )
    insertion = "  article_14: {pourcentage: 6, taux_main_oeuvre: 50, cout_horaire: 30}\n"
    texte = contrat(montant=300000, marche=lots, insertion=insertion)
    donnees = verifier_json(ecrire(tmp_path, texte))
    un, deux = donnees["lots"]  # type: ignore[misc]
    assert un["heures_par_1000_euros"] == 1.4 and un["heures_garanties"] == 140 and un["montant_seuil_ht"] == 300000
    assert deux["heures_par_1000_euros"] is None and deux["heures_insertion"] == 0
    assert donnees["heures_par_1000_euros"] == 1.4 and donnees["heures_garanties"] == 140


def test_les_heures_ne_se_fixent_pas_d_avance_sur_un_lot(tmp_path: Path) -> None:
    lots = (
        ACCORD_CADRE + "  montant_maximum_ht: 500000\n  lots:\n"
        "    - {numero: 1, intitule: A, montant_ht: 200000, insertion: {heures: 100}}\n"
        "    - {numero: 2, intitule: B, montant_ht: 100000}\n"
    )
    fichier = ecrire(tmp_path, contrat(montant=300000, marche=lots))
    (message,) = problemes(fichier)
    assert "marche.lots[1].insertion.heures: accord-cadre : le nombre d'heures ne peut pas être fixé" in message


def test_maximums_de_certains_lots_seulement(tmp_path: Path) -> None:
    lots = (
        ACCORD_CADRE + "  montant_maximum_ht: 500000\n  lots:\n"
        "    - {numero: 1, intitule: A, montant_ht: 200000, montant_maximum_ht: 300000}\n"
        "    - {numero: 2, intitule: B, montant_ht: 100000}\n"
    )
    (message,) = problemes(ecrire(tmp_path, contrat(montant=300000, marche=lots)))
    assert "marche.lots: les maximums sont donnés pour certains lots seulement" in message


# --- what the pieces say -------------------------------------------------------------------

RACINE = Path(__file__).resolve().parent.parent
JOUR_FIXE = datetime.date(2026, 12, 1)
MILLE = "1\u202f000\u00a0€\u00a0HT"


def textes(fichier: Path) -> dict[str, str]:
    construit = construire(fichier, aujourd_hui=datetime.date(2026, 12, 1))
    return {p.nom_fichier.split("-", 1)[1].removesuffix(".docx"): texte_docx(p.contenu) for p in construit.pieces}


def test_pieces_d_un_accord_cadre_sans_minimum() -> None:
    pieces = textes(RACINE / "dossiers" / "roquevaire" / "2026-ac-050-entretien-batiments.yaml")
    taux = f"1,125 heure de travail par tranche de {MILLE} de bons de commande exécutés"
    for nom in ("avis-publicite", "reglement-consultation", "acte-engagement-insertion", "ccap-clauses-insertion"):
        assert taux in pieces[nom], nom
        assert "montant maximum" in pieces[nom].lower(), nom
    ccap = pieces["ccap-clauses-insertion"]
    assert "accord-cadre exécuté par l’émission de bons de commande" in ccap and "sans montant minimum" in ccap
    assert "Bilan annuel" in ccap and "calculée chaque année" in ccap
    assert "des bons de commande exécutés, les pénalités pour fiche de suivi manquante comprises" in ccap
    assert "tel qu’il résulte de l’offre retenue" not in ccap
    assert "garanti" not in ccap  # no minimum, no guaranteed hours
    assert "Nombre minimal d’heures d’insertion" not in pieces["acte-engagement-insertion"]
    assert taux in pieces["fiche-suivi-public"] and "1,125 heure" in pieces["notice-explicative"]


def test_pieces_d_un_accord_cadre_alloti_avec_minimum() -> None:
    pieces = textes(RACINE / "dossiers" / "la-penne-sur-huveaune" / "2026-ac-041-proprete.yaml")
    ccap = pieces["ccap-clauses-insertion"]
    assert "Lot n°\u00a01 – Nettoyage des bâtiments\u00a0: 2,154\u00a0heures" not in ccap  # the unit follows the number
    assert "Lot n°\u00a01 – Nettoyage des bâtiments\u00a0: 2,154 heures de travail" in ccap
    assert "soit 258 heures garanties" in ccap and "correspond à 381 heures d’insertion" in ccap
    assert "montant minimum de 160\u202f000,00\u00a0€\u00a0HT" in pieces["reglement-consultation"]
    assert "au titre du lot concerné" in ccap


def test_marche_de_plus_d_un_an_a_un_bilan_annuel(tmp_path: Path) -> None:
    court = textes(ecrire(tmp_path, contrat(marche="  duree_mois: 12\n")))["ccap-clauses-insertion"]
    long = textes(ecrire(tmp_path, contrat(marche="  duree_mois: 36\n")))["ccap-clauses-insertion"]
    assert "Bilan annuel" not in court and "Bilan annuel" in long
    assert "Les heures dues sont appréciées sur toute la durée du marché, au bilan final" in long


# --- renewals and tranches -----------------------------------------------------------------------


def test_reconductions_heures_par_periode(tmp_path: Path) -> None:
    texte = contrat(
        montant=100000,
        marche="  duree_mois: 12\n  reconductions: 2\n  duree_reconduction_mois: 6\n",
        insertion="  article_14: {heures: 301}\n",
    )
    donnees = verifier_json(ecrire(tmp_path, texte))
    assert donnees["periodes"] == [
        {"numero": 1, "mois": 12, "heures": 151},  # 301 × 12 / 24 = 150,5, the largest remainder
        {"numero": 2, "mois": 6, "heures": 75},
        {"numero": 3, "mois": 6, "heures": 75},
    ]
    assert donnees["duree_totale_mois"] == 24 and donnees["reconductions"] == 2 and donnees["tranches"] == []


def test_tranches_heures_par_tranche(tmp_path: Path) -> None:
    tranches = (
        "  tranches:\n"
        "    - {libelle: Classes, nature: ferme, montant_ht: 600000}\n"
        "    - {libelle: Préau, nature: optionnelle, montant_ht: 200000}\n"
    )
    donnees = verifier_json(ecrire(tmp_path, contrat(montant=800000, marche=tranches)))
    assert donnees["tranches"] == [
        {"libelle": "Classes", "nature": "ferme", "montant_ht": 600000, "heures": 700},
        {"libelle": "Préau", "nature": "optionnelle", "montant_ht": 200000, "heures": 233},
    ]
    assert donnees["heures_insertion"] == 933 and donnees["periodes"] == []


def test_tranches_et_lots_refuses(tmp_path: Path) -> None:
    marche = (
        "  tranches:\n    - {libelle: A, nature: ferme, montant_ht: 200000}\n"
        "    - {libelle: B, nature: optionnelle, montant_ht: 100000}\n"
        "  lots:\n    - {numero: 1, intitule: A, montant_ht: 300000}\n"
    )
    (message,) = problemes(ecrire(tmp_path, contrat(marche=marche)))
    assert "marche.tranches: tranches et des lots dans le même marché" in message


def test_pieces_d_un_marche_reconductible() -> None:
    pieces = textes(RACINE / "dossiers" / "roquevaire" / "2026-sv-052-restauration.yaml")
    ccap = pieces["ccap-clauses-insertion"]
    assert "1re reconduction de 12 mois\u00a0: 112 heures" in ccap
    assert "la décision de ne pas reconduire le marché supprime les heures des périodes suivantes" in ccap
    assert "article R.\u00a02112-4" in ccap or "article R. 2112-4" in ccap
    assert "Bilan annuel" in ccap  # 48 months in all
    for nom in ("avis-publicite", "reglement-consultation", "acte-engagement-insertion", "notice-explicative"):
        assert "reconductible 3 fois par périodes de 12 mois, soit 48 mois au plus" in pieces[nom], nom


def test_pieces_d_un_marche_a_tranches() -> None:
    pieces = textes(RACINE / "dossiers" / "roquevaire" / "2026-tx-060-groupe-scolaire.yaml")
    optionnelle = (
        "tranche optionnelle «\u00a0Préau et cour couverte\u00a0» (200\u202f000,00\u00a0€\u00a0HT)\u00a0: 233 heures"
    )
    for nom in ("avis-publicite", "reglement-consultation", "acte-engagement-insertion", "ccap-clauses-insertion"):
        assert optionnelle + ", dues seulement si la tranche est affermie" in pieces[nom], nom
    assert "décision d’affermir cette tranche" in pieces["ccap-clauses-insertion"]


# --- reserved contracts and lots -----------------------------------------------------------------


def test_marche_reserve_sans_clause_avis_et_rc_seulement(tmp_path: Path) -> None:
    fichier = RACINE / "dossiers" / "roquevaire" / "2026-sv-061-blanchisserie.yaml"
    donnees = verifier_json(fichier)
    assert donnees["reserve"] == "ea_esat" and donnees["heures_insertion"] == 0
    assert donnees["lots"][0]["reserve"] == "ea_esat"  # type: ignore[index]
    construit = construire(fichier, aujourd_hui=datetime.date(2026, 12, 1))
    assert [p.piece.code for p in construit.pieces] == ["avis_publicite", "reglement_consultation"]
    assert "fiche-suivi.xlsx" not in construit.fichiers  # no follow-up workbook without a clause
    assert "fiche-publicite.html" in construit.fichiers  # the notice still says the contract is reserved
    for piece in construit.pieces:
        texte = texte_docx(piece.contenu)
        assert "Marché réservé (article L.\u00a02113-12 du code de la commande publique)" in texte
        assert "50\u00a0% de travailleurs handicapés" in texte and "la preuve de sa qualité" in texte
        assert "heures d’insertion" not in texte


def test_lot_reserve_dans_l_avis_le_rc_et_l_ae() -> None:
    fichier = RACINE / "dossiers" / "la-penne-sur-huveaune" / "2026-ac-041-proprete.yaml"
    assert [lot["reserve"] for lot in verifier_json(fichier)["lots"]] == [None, "siae"]  # type: ignore[union-attr]
    pieces = textes(fichier)
    lot = "Lot n°\u00a02 – Propreté des espaces publics\u00a0: lot réservé (article L.\u00a02113-13"
    for nom in ("avis-publicite", "reglement-consultation"):
        assert lot.replace("L.\u00a0", "L. ") in pieces[nom] or lot in pieces[nom], nom
    assert "Lot réservé (Lot n°\u00a02 – Propreté des espaces publics" in pieces["acte-engagement-insertion"]


def test_reserve_ess_limitee_aux_services_et_a_trois_ans(tmp_path: Path) -> None:
    ess = "  reserve: ess\n  cpv: 85311000-2\n"
    texte = contrat(type_="services", montant=100000, marche=ess + "  duree_mois: 24\n  reconductions: 1\n")
    (message,) = problemes(ecrire(tmp_path, texte))
    assert "marche.reserve: réservation ess : la durée du marché ne peut pas dépasser trois ans" in message
    assert "48 mois, reconductions comprises" in message
    (message,) = problemes(ecrire(tmp_path, contrat(marche="  reserve: ess\n  duree_mois: 12\n")))
    assert "pas pour un marché de travaux" in message
    nettoyage = contrat(
        type_="services", montant=100000, marche="  reserve: ess\n  cpv: 90911200-8\n  duree_mois: 12\n"
    )
    (message,) = problemes(ecrire(tmp_path, nettoyage))
    assert "marche.cpv: réservation ess" in message and "le code CPV 90911200-8 n'en fait pas partie" in message
    accepte = contrat(type_="services", montant=100000, marche=ess + "  duree_mois: 36\n")
    assert verifier_json(ecrire(tmp_path, accepte))["reserve"] == "ess"


def test_reserve_refusee_en_regime_cmp2006(tmp_path: Path) -> None:
    texte = contrat(marche="  reserve: siae\n").replace("date_lancement: 2026-10-01", "date_lancement: 2008-10-01")
    texte += "  regime: cmp2006\n"
    messages = problemes(ecrire(tmp_path, texte))
    assert any(
        "marche.reserve: marché ou lot réservé : pris en charge sous le régime ccp seulement" in m for m in messages
    )


# --- scoring of the hours offered, qualitative commitments -----------------------------------------


def test_formule_de_notation_des_heures_et_penalite_qualitative() -> None:
    pieces = textes(RACINE / "dossiers" / "roquevaire" / "2026-sv-044-espaces-verts.yaml")
    rc, ccap = pieces["reglement-consultation"], pieces["ccap-clauses-insertion"]
    assert "note sur 10 = 10 × H ÷ Hmax" in rc and "au-delà du minimum de 300 heures" in rc
    # 180 000 € × 70 % ÷ 25 € = 5 040 labour hours; 20 % of them = 1 008 hours scored at most.
    assert "dans la limite de 1\u202f008 heures (20\u00a0% des 5\u202f040 heures de main-d’œuvre" in rc
    assert "regardé comme irréaliste et obtient la note de 0" in rc
    assert "pénalité de 150,00\u00a0€ par engagement non tenu et par mois de manquement" in ccap


def test_penalite_qualitative_parametrable(tmp_path: Path) -> None:
    insertion = A53_SEUL + "  penalite: {par_engagement_qualitatif: 300}\n"
    texte = contrat(type_="services", montant=150000, marche=CRITERES_85, insertion=insertion)
    ccap = textes(ecrire(tmp_path, texte))["ccap-clauses-insertion"]
    assert "pénalité de 300,00\u00a0€ par engagement non tenu" in ccap


# --- residue of the legal read ---------------------------------------------------------------------


def test_classeur_de_suivi_a_la_colonne_attestation() -> None:
    construit = construire(RACINE / "dossiers" / "roquevaire" / "2026-tx-031-ecole.yaml", aujourd_hui=JOUR_FIXE)
    nom, contenu = "fiche-suivi.xlsx", construit.fichiers["fiche-suivi.xlsx"]  # beside the notice sheet
    feuille = openpyxl.load_workbook(io.BytesIO(contenu)).worksheets[0]
    cles = [c.value for c in feuille[LIGNE_CLES]]
    assert nom == "fiche-suivi.xlsx" and "attestation" in cles and cles.index("attestation") > cles.index("sortie")


def test_avis_d_accord_avec_le_rc_sur_la_signature_et_pieces_a_verifier() -> None:
    pieces = textes(RACINE / "dossiers" / "roquevaire" / "2026-tx-031-ecole.yaml")
    avis = pieces["avis-publicite"]
    assert "complété et signé" not in avis
    assert "il l’est au plus tard par l’attributaire, avant la notification du marché" in avis
    ccap = pieces["ccap-clauses-insertion"]
    assert "énumère les pièces contractuelles" in ccap and "son annexe 2" in ccap
    assert "[À VÉRIFIER\u00a0: fondement à confirmer par le délégué à la protection des données]" in ccap


def test_ccag_moe_maitre_d_oeuvre_et_article_a_verifier(tmp_path: Path) -> None:
    texte = contrat(type_="services", montant=150000, marche="  ccag: moe\n")
    pieces = textes(ecrire(tmp_path, texte))
    ccap = pieces["ccap-clauses-insertion"]
    assert "« le titulaire » désigne le maître d’œuvre" in ccap.replace("\u00a0", " ")
    assert "[À VÉRIFIER\u00a0: numéro d’article non confirmé dans le texte du CCAG]" in ccap
    assert "maître d’œuvre" in pieces["reglement-consultation"]


def test_criteres_cites_par_l_et_r_2152_7_et_a_du_2_sur_l_insertion_seule() -> None:
    pieces = textes(RACINE / "dossiers" / "roquevaire" / "2026-tx-031-ecole.yaml")
    for nom in ("avis-publicite", "reglement-consultation"):
        texte = pieces[nom]
        assert "critères pondérés suivants (articles L." in texte or "critères pondérés ci-après (articles L." in texte
        assert "difficulté – a) du 2° de l’article R." in texte, nom
    notice = pieces["notice-explicative"]
    assert "cause qui ne vous est pas imputable" in notice and "sans raison valable" not in notice


def test_cle_finissant_par_une_parenthese_suggere_des_guillemets(tmp_path: Path) -> None:
    criteres = "  criteres:\n    - libelle: Prix\n      ponderation: 85\n      Délai (semaines): 10\n"
    messages = problemes(ecrire(tmp_path, contrat(marche=criteres)))
    assert any("clé inconnue « Délai (semaines) »" in m and "écrivez-le comme valeur de libelle" in m for m in messages)


def test_typographie_francaise_dans_chaque_piece() -> None:
    for fichier in ("roquevaire/2026-tx-031-ecole.yaml", "la-penne-sur-huveaune/2026-ac-041-proprete.yaml"):
        for nom, texte in textes(RACINE / "dossiers" / fichier).items():
            assert "'" not in texte, (fichier, nom)
            assert "L. 2" not in texte and "R. 2" not in texte and "€ HT" not in texte, (fichier, nom)
        assert "L.\u00a02112-2" in textes(RACINE / "dossiers" / fichier)["ccap-clauses-insertion"]


def test_etp_arrondi_le_dit() -> None:
    ccap = textes(RACINE / "dossiers" / "roquevaire" / "2026-tx-031-ecole.yaml")["ccap-clauses-insertion"]
    assert "l’équivalent d’environ 0,89\u00a0emploi" in ccap or "l’équivalent d’environ 0,89 emploi" in ccap


def test_lot_d_accord_cadre_sans_maximum_propre(tmp_path: Path) -> None:
    lots = (
        ACCORD_CADRE + "  montant_maximum_ht: 500000\n  lots:\n"
        "    - {numero: 1, intitule: A, montant_ht: 200000}\n"
        "    - {numero: 2, intitule: B, montant_ht: 100000}\n"
    )
    donnees = verifier_json(ecrire(tmp_path, contrat(montant=300000, marche=lots)))
    assert donnees["montant_seuil_ht"] == 500000
    assert [lot["montant_seuil_ht"] for lot in donnees["lots"]] == [None, None]  # type: ignore[union-attr]


def test_tranche_ferme_seule_refusee(tmp_path: Path) -> None:
    tranches = "  tranches:\n    - {libelle: Classes, nature: ferme, montant_ht: 300000}\n"
    (message,) = problemes(ecrire(tmp_path, contrat(marche=tranches)))
    assert "marche.tranches: une tranche ferme sans tranche optionnelle : un marché à tranches comporte" in message


def test_le_classeur_dit_les_heures_dues_comme_le_ccap() -> None:
    # An accord-cadre owes hours per 1 000 € ordered, a renewal's hours only if it is executed, an optional
    # tranche's once it is affermie: the workbook's header said a fixed total (legal read, December 2026).
    attendus = {
        "2026-ac-050-entretien-batiments.yaml": "1,125 heure par tranche de 1 000 € HT de commandes exécutées",
        "2026-sv-052-restauration.yaml": "période 4 : 112 heures, chacune due si elle est exécutée",
        "2026-tx-060-groupe-scolaire.yaml": "233 heures si la tranche « Préau et cour couverte » est affermie",
    }
    for nom, attendu in attendus.items():
        construit = construire(RACINE / "dossiers" / "roquevaire" / nom, aujourd_hui=JOUR_FIXE)
        feuille = openpyxl.load_workbook(io.BytesIO(construit.fichiers["fiche-suivi.xlsx"])).worksheets[0]
        entete = str(feuille["A5"].value).replace("\u202f", " ").replace("\u00a0", " ")
        assert attendu in entete, (nom, entete)
        assert "675 heures" not in entete


def test_notice_d_accord_cadre_et_rc_reserve_sans_phrase_suspendue() -> None:
    accord = textes(RACINE / "dossiers" / "roquevaire" / "2026-ac-050-entretien-batiments.yaml")
    assert "Pour ce marché" not in accord["notice-explicative"]
    ordinaire = textes(RACINE / "dossiers" / "roquevaire" / "2026-tx-031-ecole.yaml")
    assert "Pour ce marché" in ordinaire["notice-explicative"]
    reserve = textes(RACINE / "dossiers" / "roquevaire" / "2026-sv-061-blanchisserie.yaml")
    assert "éloignées de l’emploi" not in reserve["reglement-consultation"]


def test_reconductions_et_fiche_technique_citees_seulement_quand_elles_existent() -> None:
    sans_reconduction = textes(RACINE / "dossiers" / "la-penne-sur-huveaune" / "2026-ac-041-proprete.yaml")
    assert not any("reconductions comprises" in texte for texte in sans_reconduction.values())
    avec = textes(RACINE / "dossiers" / "roquevaire" / "2026-ac-050-entretien-batiments.yaml")
    assert (
        "reconductions comprises" in avec["reglement-consultation"]
        and "reconductions comprises" in avec["avis-publicite"]
    )
    # The AE points to the technical sheet (annex 2) only when there is one, with article 53.
    assert "discordance avec la fiche technique" not in avec["acte-engagement-insertion"]
    ecole = textes(RACINE / "dossiers" / "roquevaire" / "2026-tx-031-ecole.yaml")
    assert "discordance avec la fiche technique" in ecole["acte-engagement-insertion"]


def test_plafond_des_penalites_sur_ce_qui_est_execute() -> None:
    # A cap on the whole amount would count periods never renewed and tranches never affermies.
    reconductible = textes(RACINE / "dossiers" / "roquevaire" / "2026-sv-052-restauration.yaml")
    assert "correspondant aux périodes exécutées" in reconductible["ccap-clauses-insertion"]
    tranches = textes(RACINE / "dossiers" / "roquevaire" / "2026-tx-060-groupe-scolaire.yaml")
    assert "correspondant aux tranches exécutées (ferme et affermies)" in tranches["ccap-clauses-insertion"]
    ordinaire = textes(RACINE / "dossiers" / "roquevaire" / "2026-tx-031-ecole.yaml")
    assert "correspondant aux" not in ordinaire["ccap-clauses-insertion"]


def test_chaque_lot_d_un_accord_cadre_a_ses_bornes_dans_les_pieces() -> None:
    # Each lot is an accord-cadre of its own (R. 2162-4): its maximum must be in the pieces, not only in
    # the notice sheet (legal read, December 2026).
    pieces = textes(RACINE / "dossiers" / "la-penne-sur-huveaune" / "2026-ac-041-proprete.yaml")
    for nom in ("avis-publicite", "reglement-consultation", "acte-engagement-insertion", "ccap-clauses-insertion"):
        texte = pieces[nom].replace("\u202f", " ").replace("\u00a0", " ")
        assert "(lot 1 : 660 000,00 € HT ; lot 2 : 240 000,00 € HT)" in texte, nom
    avis = pieces["avis-publicite"].replace("\u202f", " ").replace("\u00a0", " ")
    assert "(lot 1 : 120 000,00 € HT ; lot 2 : 40 000,00 € HT)" in avis
