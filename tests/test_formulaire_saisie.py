"""What the browser posts becomes the data a YAML file would hold."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from clause_kit.formulaire.champs import genres
from clause_kit.formulaire.saisie import PROFONDEUR_MAX, lire_saisie, montant_saisi


def test_les_nombres_se_tapent_a_la_francaise_et_le_reste_passe_tel_quel_au_chargeur() -> None:
    donnees = lire_saisie(
        [
            ("marche.montant_ht", "1 250 000,50"),
            ("marche.duree_mois", "12"),
            ("marche.date_lancement", "2026-10-01"),
            ("marche.date_limite_offres", "2026-13-01"),
            ("marche.objet", "  Travaux  "),
            ("@insertion.article_14", "1"),
            ("insertion.article_14.pourcentage", "dix"),
            ("insertion.article_14.heures", "12,5"),
        ]
    )
    marche, a14 = donnees["marche"], donnees["insertion"]["article_14"]
    assert marche["montant_ht"] == Decimal("1250000.50") and marche["duree_mois"] == 12
    assert marche["date_lancement"] == datetime.date(2026, 10, 1)
    assert marche["date_limite_offres"] == "2026-13-01"  # the loader says « date attendue au format AAAA-MM-JJ »
    assert marche["objet"] == "Travaux"
    assert a14 == {"pourcentage": "dix", "heures": Decimal("12.5")}


def test_un_champ_vide_est_une_cle_absente_et_les_blocs_obligatoires_sont_la() -> None:
    assert lire_saisie([("marche.cpv", ""), ("acheteur.nom", " ")]) == {"marche": {}, "acheteur": {}, "insertion": {}}


def test_un_bloc_facultatif_decoche_est_ignore_et_un_bloc_coche_vide_existe() -> None:
    sans = lire_saisie([("facilitateur.nom", "Claire"), ("insertion.article_53.ponderation", "15")])
    assert "facilitateur" not in sans and "article_53" not in sans["insertion"]
    avec = lire_saisie([("@insertion.article_14", "1"), ("@facilitateur", "1"), ("facilitateur.nom", "Claire")])
    assert avec["insertion"]["article_14"] == {} and avec["facilitateur"] == {"nom": "Claire"}


def test_les_lignes_de_liste_gardent_leur_ordre_meme_numerotees_avec_des_trous() -> None:
    donnees = lire_saisie(
        [
            ("@marche.lots.0", "1"),
            ("marche.lots.0.numero", "1"),
            ("@marche.lots.3", "1"),
            ("marche.lots.3.numero", "2"),
            ("@marche.lots.3.insertion", "1"),
            ("marche.lots.3.insertion.heures", "0"),
            ("marche.lots.5.numero", "9"),  # no marker: a row removed from the page
        ]
    )
    assert donnees["marche"]["lots"] == [{"numero": 1}, {"numero": 2, "insertion": {"heures": 0}}]


def test_les_codes_coches_gardent_l_ordre_de_la_page_et_oui_non_par_defaut() -> None:
    donnees = lire_saisie(
        [
            ("insertion.publics", "rsa"),
            ("insertion.publics", "seniors"),
            ("insertion.globalisation", "true"),
            ("insertion.heures_formation", "false"),
            ("insertion.attestation_eligibilite", ""),
        ]
    )
    assert donnees["insertion"] == {"publics": ["rsa", "seniors"], "globalisation": True, "heures_formation": False}


def test_un_nom_inconnu_du_modele_est_ignore() -> None:
    assert lire_saisie([("marche.lotz", "3"), ("_jeton", "x"), ("acheteur.nom.x", "y")]) == {
        "marche": {},
        "acheteur": {},
        "insertion": {},
    }


def test_noms_trop_imbriques_ignores_sans_recursion() -> None:
    assert max(len(c.chemin) for c in genres().values()) < PROFONDEUR_MAX  # every real field stays readable
    profond = "marche" + ".x" * 60_000
    donnees = lire_saisie([(f"@{profond}", "1"), (f"{profond}.objet", "x"), ("marche.objet", "Voirie")])
    assert donnees["marche"] == {"objet": "Voirie"}


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [("1 250 000,50", "1250000.50"), ("1250000", "1250000"), ("1\u202f250,5", "1250.5")]
    + [("1 250 000,555", None), ("0", None), ("-3", None), ("1e5", None), ("9" * 13, None), ("", None)],
)
def test_montant_saisi(texte: str, attendu: str | None) -> None:
    assert montant_saisi(texte) == (Decimal(attendu) if attendu else None)


def test_un_nombre_de_5000_chiffres_reste_du_texte_pour_le_chargeur() -> None:
    donnees = lire_saisie([("marche.duree_mois", "9" * 5000), ("marche.montant_ht", "1" * 41)])
    assert donnees["marche"] == {"duree_mois": "9" * 5000, "montant_ht": "1" * 41}
