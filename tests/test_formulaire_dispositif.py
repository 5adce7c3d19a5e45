"""« Quel dispositif ? » : the rules, as data, and their reasons."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from clause_kit.formulaire.dispositif import HEURES_UTILES, METIERS, metier_du_cpv, recommander

APRES_LA_LOI = datetime.date(2026, 10, 1)
AVANT_LA_LOI = datetime.date(2026, 3, 1)


def _niveaux(conseil: object) -> dict[str, str]:
    return {r.dispositif: r.niveau for r in conseil.recommandations}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("cpv", "metier"),
    [
        ("90500000-2", "dechets"),
        ("45442100-8", "second_oeuvre"),
        ("45223100", "charpente_metallique"),
        ("45210000-2", "gros_oeuvre"),
        ("77310000-6", "espaces_verts"),
        ("71000000-8", "intellectuel"),
        ("03000000-1", None),
        ("", None),
    ],
)
def test_le_metier_se_deduit_du_code_cpv_par_le_plus_long_debut(cpv: str, metier: str | None) -> None:
    assert metier_du_cpv(cpv) == metier


def test_les_services_de_main_d_oeuvre_longs_appellent_les_deux_outils() -> None:
    conseil = recommander("services", Decimal(1_800_000), "dechets", duree_mois=48, date_lancement=AVANT_LA_LOI)
    assert conseil.proposition == "les_deux"
    assert _niveaux(conseil) == {"article_14": "conseillé", "article_53": "conseillé", "reserve": "possible"}
    # 1 800 000 × 70 % (services, parametres.yaml) × 5 % ÷ 25 = 2 520 heures
    assert conseil.heures_estimees == 2520
    clause = conseil.recommandations[0]
    assert "L. 2112-2" in clause.article and "16.1 du CCAG-FCS" in clause.article
    assert "L. 2113-13" in conseil.recommandations[2].article


def test_au_dela_du_seuil_apres_la_loi_climat_la_condition_sociale_est_obligatoire() -> None:
    conseil = recommander("travaux", Decimal(6_000_000), "charpente_metallique", date_lancement=APRES_LA_LOI)
    clause = conseil.recommandations[0]
    assert clause.niveau == "conseillé" and "obligatoire" in clause.raisons[0] and "L. 2112-2-1" in clause.raisons[0]
    avant = recommander("services", Decimal(300_000), "intellectuel", date_lancement=AVANT_LA_LOI)
    assert avant.recommandations[0].niveau == "déconseillé"


def test_peu_d_heures_ou_des_fournitures_font_deconseiller_la_clause_et_preferer_le_critere() -> None:
    petit = recommander("travaux", Decimal(30_000), "gros_oeuvre", date_lancement=AVANT_LA_LOI)
    assert petit.heures_estimees < HEURES_UTILES
    assert petit.proposition == "article_53" and _niveaux(petit)["article_14"] == "déconseillé"
    assert any(f"moins de {HEURES_UTILES} heures" in r for r in petit.recommandations[0].raisons)
    fournitures = recommander("fournitures", Decimal(150_000), date_lancement=AVANT_LA_LOI)
    assert any("fabrication" in r for r in fournitures.recommandations[0].raisons)
    court = recommander("travaux", Decimal(800_000), "second_oeuvre", duree_mois=1, date_lancement=AVANT_LA_LOI)
    assert any("trop court" in r for r in court.recommandations[0].raisons)


def test_le_taux_d_un_metier_vient_des_praticiens_sinon_du_type() -> None:
    peinture = recommander("travaux", Decimal(600_000), "second_oeuvre", date_lancement=AVANT_LA_LOI)
    charpente = recommander("travaux", Decimal(600_000), "charpente_metallique", date_lancement=AVANT_LA_LOI)
    autre = recommander("travaux", Decimal(600_000), "autre", date_lancement=AVANT_LA_LOI)
    assert (peinture.heures_estimees, charpente.heures_estimees, autre.heures_estimees) == (700, 200, 500)


def test_chaque_metier_a_un_libelle_et_le_marche_reserve_cite_ses_articles() -> None:
    for cle, metier in METIERS.items():
        assert metier.libelle, cle
        reserve = recommander("services", Decimal(100_000), cle, date_lancement=AVANT_LA_LOI).recommandations[2]
        assert reserve.niveau == ("possible" if metier.structures else "déconseillé")
        assert "L. 2113-12" in reserve.article and "marche.reserve" in reserve.raisons[-1]
