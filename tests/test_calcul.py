"""Hours, ETP, penalties and weights: the arithmetic and the defaults applied."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clause_kit.calcul import ErreurCalcul, arrondir_heures, calculer, etp, heures_formule, repartir_prorata
from clause_kit.modele import Consultation
from clause_kit.parametres import charger_parametres


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


def test_article_53_seul_aucune_heure_criteres_par_defaut() -> None:
    chiffres = calculer(consultation(article_53={"ponderation": 10}), charger_parametres())
    assert chiffres.heures_total == 0
    assert [c.ponderation for c in chiffres.criteres] == [Decimal(60), Decimal(30), Decimal(10)]
    assert sum(c.ponderation for c in chiffres.sous_criteres) == Decimal(10)
    assert len(chiffres.sous_criteres) == 3


def test_penalite_multiple_du_smic() -> None:
    chiffres = calculer(
        consultation(article_14={"pourcentage": 5}, penalite={"multiple_smic": 2}), charger_parametres()
    )
    assert chiffres.penalite_par_heure == Decimal("24.04")


def test_etp_parametrable() -> None:
    assert etp(1820, 1820) == Decimal("1.00")
    assert etp(1429, 1607) == Decimal("0.89")


@given(st.integers(0, 100000), st.lists(st.decimals(1, 10**9, places=2), min_size=1, max_size=12))
def test_repartition_conserve_le_total(total: int, poids: list[Decimal]) -> None:
    parts = repartir_prorata(total, poids)
    assert sum(parts) == total
    assert all(p >= 0 for p in parts)
