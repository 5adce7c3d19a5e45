"""The law table: per-CCAG articles, dates of the rules, procedures."""

from __future__ import annotations

import datetime

import pytest

from clause_kit.marche.droit import (
    CCAG_2021,
    CLIMAT_RESILIENCE,
    ccag_du_marche,
    clause_ccag,
    critere_environnemental_exige,
    est_formalisee,
    libelle_ccag,
    penalites_ccag,
    reference_ponderation,
)


@pytest.mark.parametrize(
    ("code", "attendu"),
    [
        ("travaux", "article 20.1 du CCAG-Travaux 2021"),
        ("fcs", "article 16.1 du CCAG-FCS 2021"),
        ("pi", "article 16.1 du CCAG-PI 2021"),
        ("tic", "article 16.1 du CCAG-TIC 2021"),
        ("mi", "article « Clause d'insertion sociale » du CCAG-MI 2021"),
        ("moe", "article « Clause d'insertion sociale » du CCAG-MOE 2021"),
    ],
)
def test_article_d_insertion_propre_a_chaque_ccag(code: str, attendu: str) -> None:
    assert clause_ccag(code, "ccp") == attendu


def test_pas_d_article_ccag_sans_ccag_ni_sous_le_code_de_2006() -> None:
    assert clause_ccag("aucun", "ccp") == "" and libelle_ccag("aucun", "ccp") == ""
    assert clause_ccag("travaux", "cmp2006") == "" and libelle_ccag("travaux", "cmp2006") == "CCAG-Travaux"


def test_ccag_par_defaut_selon_le_type() -> None:
    assert ccag_du_marche(None, "travaux") == "travaux"
    assert ccag_du_marche(None, "services") == "fcs" and ccag_du_marche(None, "fournitures") == "fcs"
    assert ccag_du_marche("pi", "services") == "pi"


def test_articles_des_penalites_de_retard_par_ccag() -> None:
    assert penalites_ccag("travaux", "ccp") == "les articles 19.2.2 et 19.2.1 du CCAG-Travaux 2021"
    assert penalites_ccag("fcs", "ccp") == "les articles 14.1.2 et 14.1.3 du CCAG-FCS 2021"
    assert penalites_ccag("mi", "ccp") == (
        "l'article 15.2 du CCAG-MI 2021 (plafond) et les stipulations de ce CCAG relatives à "
        "l'exonération des pénalités de retard"
    )
    assert penalites_ccag("aucun", "ccp") == "" and penalites_ccag("fcs", "cmp2006") == ""
    assert set(CCAG_2021) == {"travaux", "fcs", "pi", "tic", "mi", "moe"}


def test_critere_environnemental_selon_la_date_et_le_regime() -> None:
    veille = CLIMAT_RESILIENCE - datetime.timedelta(days=1)
    assert not critere_environnemental_exige("ccp", veille)
    assert critere_environnemental_exige("ccp", CLIMAT_RESILIENCE)
    assert not critere_environnemental_exige("cmp2006", CLIMAT_RESILIENCE)


def test_ponderation_r2152_12_pour_toute_procedure_formalisee() -> None:
    for procedure in ("appel_offres_ouvert", "appel_offres_restreint", "negociee", "dialogue_competitif"):
        assert est_formalisee(procedure)
        assert "R. 2152-12" in reference_ponderation("ccp", procedure)
    assert not est_formalisee("adaptee") and "R. 2152-12" not in reference_ponderation("ccp", "adaptee")
