"""The YAML the form writes: what verifier reads, what the form reloads, what a commune folder needs."""

from __future__ import annotations

import datetime
import shutil
import urllib.parse
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from starlette.testclient import TestClient

from clause_kit.formulaire.apercu import fichier_isole
from clause_kit.formulaire.app import creer_application
from clause_kit.formulaire.yaml_sortie import ecrire_yaml, fusion_communes, sans_valeurs_communes, valeur_normale
from clause_kit.marche.chargement import charger, charger_detail, lire_avec_defauts
from tests.conftest import DOSSIERS
from tests.formulaire_html import lire_page

FORMULAIRE = {"content-type": "application/x-www-form-urlencoded"}


def test_nombres_dates_et_textes_s_ecrivent_comme_a_la_main() -> None:
    texte = ecrire_yaml(
        {
            "marche": {
                "reference": "2026",
                "objet": "Ligne 1\nLigne 2",
                "montant_ht": Decimal("1250000.00"),
                "date_lancement": datetime.date(2026, 10, 1),
            },
            "insertion": {"article_14": {"cout_horaire": Decimal("35.50"), "pourcentage": 7}},
            "acheteur": {"nom": "on"},
        }
    )
    assert texte == (
        "acheteur:\n  nom: 'on'\n"
        "marche:\n  reference: '2026'\n  objet: |-\n    Ligne 1\n    Ligne 2\n"
        "  montant_ht: 1250000\n  date_lancement: 2026-10-01\n"
        "insertion:\n  article_14:\n    pourcentage: 7\n    cout_horaire: 35.5\n"
    )


@pytest.mark.lent  # every bundled example through the form: more than 5 s
def test_chaque_exemple_fait_l_aller_retour_par_le_formulaire(exemples: list[Path], tmp_path: Path) -> None:
    """Opened in the form, posted back as it is: the downloaded YAML is the same contract, and stable."""
    copie = tmp_path / "dossiers"  # the form keeps drafts in its DOSSIER: never in the project's
    shutil.copytree(DOSSIERS, copie)
    client = TestClient(creer_application(copie, 8765), base_url="http://127.0.0.1:8765")
    for fichier in exemples:
        relatif = fichier.relative_to(DOSSIERS).as_posix()
        paires, _ = lire_page(client.get("/ouvrir", params={"fichier": relatif}).text)
        texte = client.post("/yaml", content=urllib.parse.urlencode(paires), headers=FORMULAIRE).text
        with fichier_isole(texte) as copie:
            assert charger(copie) == charger_detail(fichier).consultation, relatif
        # Once more through the form (upload of the downloaded file): the very same text.
        jeton = dict(paires)["_jeton"]
        page = client.post("/televerser", data={"_jeton": jeton}, files={"fichier": ("m.yaml", texte.encode())}).text
        encore, _ = lire_page(page)
        assert client.post("/yaml", content=urllib.parse.urlencode(encore), headers=FORMULAIRE).text == texte


COMMUNE = {
    "acheteur": {"nom": "Commune de Cassis", "commune": "Cassis", "representant": "Madame la Maire"},
    "facilitateur": {"structure": "PLIE", "telephone": "04 42 00 00 00"},
    "insertion": {"article_14": {"cout_horaire": 28}, "penalite": {"multiple_smic": 1.5}},
}


@pytest.mark.parametrize(
    ("donnees", "attendu"),
    [
        # What the commune gives is left out (and the article 14 block, which it never creates, kept).
        (
            {
                **COMMUNE,
                "marche": {"reference": "A"},
                "insertion": {
                    "article_14": {"cout_horaire": 28, "pourcentage": 7},
                    "penalite": {"multiple_smic": Decimal("1.5")},
                },
            },
            {"marche": {"reference": "A"}, "insertion": {"article_14": {"pourcentage": 7}}},
        ),
        # A commune value cleared in the form must not come back: an explicit null.
        (
            {
                "acheteur": {"nom": "Commune de Cassis", "commune": "Cassis"},
                "marche": {"reference": "A"},
                "facilitateur": COMMUNE["facilitateur"],
                "insertion": {},
            },
            {"acheteur": {"representant": None}, "marche": {"reference": "A"}, "insertion": {"penalite": None}},
        ),
        # Another facilitator replaces the commune's whole: never a mix of two people's details.
        (
            {**COMMUNE, "facilitateur": {"nom": "Claire Martin", "telephone": "04 42 00 00 00"}},
            {"facilitateur": {"nom": "Claire Martin", "telephone": "04 42 00 00 00"}},
        ),
    ],
)
def test_a_cote_d_un_commune_yaml_le_fichier_omet_ce_que_la_commune_donne(
    donnees: dict[str, object], attendu: dict[str, object]
) -> None:
    ecrit = sans_valeurs_communes(donnees, COMMUNE)  # type: ignore[arg-type]
    assert ecrit == attendu
    assert valeur_normale(fusion_communes(COMMUNE, ecrit)) == valeur_normale(donnees)


def test_un_fichier_enregistre_dans_sa_commune_redonne_les_valeurs_du_formulaire(tmp_path: Path) -> None:
    dossier = tmp_path / "cassis"
    dossier.mkdir()
    (dossier / "_commune.yaml").write_text(yaml.safe_dump(COMMUNE, allow_unicode=True), encoding="utf-8")
    original = DOSSIERS / "roquevaire" / "2026-tx-031-ecole.yaml"
    donnees = lire_avec_defauts(original).donnees
    donnees["acheteur"] = {**COMMUNE["acheteur"], "representant": "Monsieur le Maire"}  # type: ignore[dict-item]
    fichier = dossier / "ecole.yaml"
    fichier.write_text(ecrire_yaml(sans_valeurs_communes(donnees, COMMUNE)), encoding="utf-8")
    with fichier_isole(ecrire_yaml(donnees)) as complet:
        assert charger(fichier) == charger(complet)
    assert "nom: Commune de Cassis" not in fichier.read_text(encoding="utf-8")
