"""Hours, ETP, penalties and weights: the arithmetic and the defaults applied."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clause_kit.commun.parametres import charger_parametres
from clause_kit.marche.calcul import ErreurCalcul, arrondir_heures, calculer, etp, heures_formule, repartir_prorata
from clause_kit.marche.modele import Consultation


def consultation(**insertion: Any) -> Consultation:
    marche = insertion.pop("marche", {})
    return Consultation.model_validate(
        {
            "acheteur": {"nom": "Commune de Roquevaire", "commune": "Roquevaire"},
            "marche": {"reference": "R1", "objet": "O", "type": "travaux", "montant_ht": 1250000, **marche},
            "insertion": insertion,
        }
    )


def test_exemple_du_ticket_1429_heures_089_etp() -> None:
    chiffres = calculer(
        consultation(article_14={"pourcentage": 10, "taux_main_oeuvre": 40, "cout_horaire": 35}), charger_parametres()
    )
    assert chiffres.heures_total == 1429
    assert chiffres.etp_total == Decimal("0.89")
    assert chiffres.lots[0].origine == "formule"
    assert chiffres.lots[0].heures_formule is not None
    assert round(chiffres.lots[0].heures_formule, 2) == Decimal("1428.57")


def test_exemple_du_domaine_833_heures() -> None:
    assert arrondir_heures(heures_formule(Decimal(1000000), Decimal(50), Decimal(5), Decimal(30))) == 833


def test_arrondi_demi_superieur() -> None:
    assert arrondir_heures(Decimal("10.5")) == 11
    assert arrondir_heures(Decimal("10.49")) == 10
    assert arrondir_heures(Decimal("0.5")) == 1


def test_defauts_par_type_appliques_et_signales() -> None:
    chiffres = calculer(consultation(article_14={"pourcentage": 5}), charger_parametres())
    # travaux: 50 % de main-d'œuvre, 30 €/h par défaut → 1 250 000 × 0,5 × 0,05 ÷ 30 = 1 041,67
    assert chiffres.heures_total == 1042
    assert any("taux de main-d'œuvre : 50 %" in c for c in chiffres.choix)
    assert any("coût horaire moyen : 30 €" in c for c in chiffres.choix)


def test_heures_fixees_gagnent_sur_la_formule() -> None:
    chiffres = calculer(consultation(article_14={"heures": 700, "pourcentage": 10}), charger_parametres())
    assert chiffres.heures_total == 700
    assert chiffres.lots[0].origine == "fixe"
    assert chiffres.lots[0].heures_formule is not None  # kept as a check


def test_heures_par_lot_sommees_et_surcharges_de_lot() -> None:
    lots = [
        {"numero": 1, "intitule": "A", "montant_ht": 1000000},
        {"numero": 2, "intitule": "B", "montant_ht": 250000, "insertion": {"taux_main_oeuvre": 70}},
    ]
    chiffres = calculer(
        consultation(marche={"lots": lots}, article_14={"pourcentage": 10, "taux_main_oeuvre": 40, "cout_horaire": 35}),
        charger_parametres(),
    )
    assert [lot.heures for lot in chiffres.lots] == [1143, 500]  # 1 142,86 → 1 143 ; 500
    assert chiffres.heures_total == 1643


def test_heures_du_marche_reparties_au_prorata() -> None:
    lots = [
        {"numero": 1, "intitule": "A", "montant_ht": 1000000},
        {"numero": 2, "intitule": "B", "montant_ht": 250000},
    ]
    chiffres = calculer(consultation(marche={"lots": lots}, article_14={"heures": 1001}), charger_parametres())
    assert [lot.heures for lot in chiffres.lots] == [801, 200]
    assert chiffres.heures_total == 1001


def test_heures_de_lots_superieures_au_marche_refusees() -> None:
    lots = [
        {"numero": 1, "intitule": "A", "montant_ht": 1000000, "insertion": {"heures": 900}},
        {"numero": 2, "intitule": "B", "montant_ht": 250000},
    ]
    with pytest.raises(ErreurCalcul) as info:
        calculer(consultation(marche={"lots": lots}, article_14={"heures": 800}), charger_parametres())
    assert info.value.chemin == ("insertion", "article_14", "heures")


def test_article_53_seul_aucun_critere_invente() -> None:
    """Only the criteria of the file are announced (insertion last); sub-criteria may be defaults, listed."""
    criteres = [{"libelle": "Prix", "ponderation": 70, "nature": "prix"}, {"libelle": "Délai", "ponderation": 20}]
    chiffres = calculer(
        consultation(article_53={"ponderation": 10}, marche={"criteres": criteres}), charger_parametres()
    )
    assert chiffres.heures_total == 0
    assert [(c.libelle, c.ponderation, c.nature) for c in chiffres.criteres] == [
        ("Prix", Decimal(70), "prix"),
        ("Délai", Decimal(20), "autre"),
        ("Performances en matière d'insertion professionnelle des publics en difficulté", Decimal(10), "qualite"),
    ]
    assert sum(c.ponderation for c in chiffres.sous_criteres) == Decimal(10)
    assert len(chiffres.sous_criteres) == 3
    assert "sous_criteres" in chiffres.defauts


def test_sans_article_53_les_criteres_ne_sont_pas_inventes() -> None:
    chiffres = calculer(consultation(article_14={"pourcentage": 5}), charger_parametres())
    assert chiffres.criteres == [] and chiffres.sous_criteres == []


def test_penalite_multiple_du_smic() -> None:
    chiffres = calculer(
        consultation(article_14={"pourcentage": 5}, penalite={"multiple_smic": 2}), charger_parametres()
    )
    assert chiffres.penalite_par_heure == Decimal("24.04")


def test_smic_en_vigueur_a_la_date_de_lancement() -> None:
    """A 2007 dossier takes the 2007 SMIC, a 2026 one the 2026 SMIC."""

    def pour(jour: str) -> Decimal:
        return calculer(
            consultation(article_14={"pourcentage": 5}, marche={"date_lancement": jour}, regime="cmp2006"),
            charger_parametres(),
        ).penalites.smic_horaire

    assert pour("2007-09-03") == Decimal("8.44")
    assert pour("2008-05-15") == Decimal("8.63")
    assert pour("2026-02-01") == Decimal("12.02")


def test_defauts_de_penalite_listes_et_nommes() -> None:
    chiffres = calculer(consultation(article_14={"pourcentage": 5}), charger_parametres())
    p = chiffres.penalites
    assert (p.multiple_smic, p.plafond_pourcentage, p.par_fiche_manquante, p.smic_reference) == (
        Decimal("1.5"),
        Decimal(10),
        Decimal(50),
        "notification",
    )
    assert {
        "penalite.multiple_smic",
        "penalite.plafond_pourcentage",
        "penalite.par_fiche_manquante",
    } <= chiffres.defauts
    assert any("plafond du montant HT : 10 %" in c for c in chiffres.choix)


def test_penalite_fixe_donnee_par_le_fichier_n_est_pas_un_defaut() -> None:
    chiffres = calculer(
        consultation(article_14={"pourcentage": 5}, penalite={"montant_par_heure": 40, "plafond_pourcentage": 5}),
        charger_parametres(),
    )
    assert chiffres.penalite_par_heure == Decimal(40) and chiffres.penalites.multiple_smic is None
    assert chiffres.penalites.plafond_pourcentage == Decimal(5)
    assert "penalite.multiple_smic" not in chiffres.defauts and "penalite.plafond_pourcentage" not in chiffres.defauts


def test_options_par_defaut_et_donnees() -> None:
    defaut = calculer(consultation(article_14={"pourcentage": 5}), charger_parametres())
    assert defaut.options == {"globalisation": False, "attestation_eligibilite": True, "heures_formation": False}
    assert {"globalisation", "attestation_eligibilite", "heures_formation"} <= defaut.defauts
    donne = calculer(consultation(article_14={"pourcentage": 5}, globalisation=True), charger_parametres())
    assert donne.options["globalisation"] is True and "globalisation" not in donne.defauts


def test_etp_par_an_sur_la_duree_du_marche() -> None:
    chiffres = calculer(consultation(article_14={"heures": 3214}, marche={"duree_mois": 24}), charger_parametres())
    assert chiffres.etp_total == Decimal("2.00") and chiffres.etp_par_an == Decimal("1.00")
    sans_duree = calculer(consultation(article_14={"heures": 3214}), charger_parametres())
    assert sans_duree.etp_par_an is None


def test_procedure_par_defaut_d_apres_le_seuil_et_signalee() -> None:
    petit = calculer(
        consultation(article_14={"heures": 100}, marche={"date_lancement": "2026-10-01"}), charger_parametres()
    )
    assert petit.procedure == "adaptee" and petit.manques and petit.manques[0][0] == ("marche", "procedure")
    gros = calculer(
        consultation(article_14={"heures": 100}, marche={"montant_ht": 6_000_000, "date_lancement": "2026-10-01"}),
        charger_parametres(),
    )
    assert gros.procedure == "appel_offres_ouvert"
    assert gros.seuil is not None and gros.seuil.montant == Decimal(5404000)


def test_etp_parametrable() -> None:
    assert etp(1820, 1820) == Decimal("1.00")
    assert etp(1429, 1607) == Decimal("0.89")


@given(st.integers(0, 100000), st.lists(st.decimals(1, 10**9, places=2), min_size=1, max_size=12))
def test_repartition_conserve_le_total(total: int, poids: list[Decimal]) -> None:
    parts = repartir_prorata(total, poids)
    assert sum(parts) == total
    assert all(p >= 0 for p in parts)
