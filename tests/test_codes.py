from __future__ import annotations

import re

import pytest

from clause_kit.commun.codes import LISTES, codes, normaliser, resoudre


def test_chaque_liste_est_definie_avec_des_cles_stables() -> None:
    for liste in LISTES:
        cles = [c.cle for c in codes(liste)]
        assert cles, liste
        assert len(set(cles)) == len(cles), liste
        assert all(re.fullmatch(r"[a-z0-9_]+", c) for c in cles), cles


def test_les_cles_qu_un_yaml_1_1_lirait_comme_des_nombres_restent_du_texte() -> None:
    assert [c.cle for c in codes("tranches_age")] == ["moins_26", "26_49", "50_plus"]


@pytest.mark.parametrize(
    ("liste", "saisie", "cle"),
    [
        ("modalites", "EMBAUCHE directe", "embauche_directe"),
        ("modalites", "embauche_directe", "embauche_directe"),
        ("types_contrat", "Intérim ou mission", "interim"),
        ("types_contrat", "INTERIM", "interim"),
        ("sorties", "Emploi de transition", "emploi_transition"),
        ("sexes", "F", "f"),
        ("tranches_age", "De 26 à 49 ans", "26_49"),
    ],
)
def test_une_saisie_est_reconnue_par_sa_cle_ou_son_libelle(liste: str, saisie: str, cle: str) -> None:
    code = resoudre(liste, saisie)
    assert code is not None and code.cle == cle


def test_une_saisie_inconnue_n_est_rattachee_a_rien() -> None:
    assert resoudre("types_contrat", "CDI à temps partiel") is None
    assert resoudre("sexes", "") is None


def test_sorties_dynamiques_sont_les_trois_premieres() -> None:
    dynamiques = [c.cle for c in codes("sorties") if c.dynamique]
    assert dynamiques == ["emploi_durable", "emploi_transition", "sortie_positive"]


def test_normaliser_ignore_casse_accents_et_espaces() -> None:
    assert normaliser("  Mise à  disposition ") == "mise_a_disposition"


def test_chaque_code_n_a_que_des_champs_connus() -> None:
    """A comma in an unquoted flow-style label would cut it and make a stray key of the rest."""
    from importlib import resources

    import yaml

    brut = yaml.safe_load(resources.files("clause_kit.commun").joinpath("codes.yaml").read_text(encoding="utf-8"))
    for liste in LISTES:
        for cle, valeurs in brut[liste].items():
            assert set(valeurs) <= {"libelle", "description", "dynamique", "description_cmp2006"}, (liste, cle, valeurs)
    assert resoudre("publics", "ea_esat").libelle == "Salarié d'une EA ou d'une EATT, travailleur d'un ESAT"
