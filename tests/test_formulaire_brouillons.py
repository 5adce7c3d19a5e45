"""Drafts: kept on disk as the officer types, listed on the home page, resumed, deleted; bounded and safe."""

from __future__ import annotations

import html
import os
import shutil
import stat
import urllib.parse
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from clause_kit.formulaire import brouillons
from clause_kit.formulaire.app import creer_application
from clause_kit.formulaire.depot import fichiers
from clause_kit.lot.selection import collecter
from tests.conftest import DOSSIERS
from tests.formulaire_html import lire_page

PORT = 8765
FORMULAIRE = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture
def dossier(tmp_path: Path) -> Path:
    copie = tmp_path / "dossiers"
    shutil.copytree(DOSSIERS, copie)
    return copie


@pytest.fixture
def client(dossier: Path) -> TestClient:
    return TestClient(creer_application(dossier, PORT), base_url=f"http://127.0.0.1:{PORT}")


def _poster(client: TestClient, route: str, paires: list[tuple[str, str]]) -> object:
    return client.post(route, content=urllib.parse.urlencode(paires), headers=FORMULAIRE)


def _nouveau(client: TestClient) -> list[tuple[str, str]]:
    jeton = client.get("/").text.split('name="_jeton" value="', 1)[1].split('"', 1)[0]
    reponse = _poster(client, "/nouveau", [("_jeton", jeton), ("type", "travaux"), ("montant", "250000")])
    paires, _ = lire_page(html.unescape(reponse.text))
    return paires


def _taper(paires: list[tuple[str, str]], nom: str, valeur: str) -> list[tuple[str, str]]:
    assert any(n == nom for n, _ in paires), nom
    return [(n, valeur if n == nom else v) for n, v in paires]


def test_la_saisie_est_gardee_listee_reprise_puis_supprimee(client: TestClient, dossier: Path) -> None:
    paires = _taper(_nouveau(client), "marche.objet", "Réfection de la cour de l'école")
    identifiant = dict(paires)["_brouillon_id"]
    assert brouillons.identifiant_valide(identifiant)
    assert _poster(client, "/apercu", paires).status_code == 200  # the live check, as the officer types

    accueil = html.unescape(client.get("/").text)
    assert "Réfection de la cour de l'école" in accueil and f"/brouillon?id={identifiant}" in accueil
    assert "modifié le " in accueil
    fichier = dossier / ".brouillons" / f"{identifiant}.json"
    assert stat.S_IMODE(fichier.stat().st_mode) == 0o600
    # generer and the list of contract files never take a draft for a contract.
    assert not any(".brouillons" in str(p) for p in collecter([dossier])[0])
    assert not any(".brouillons" in f for f in fichiers(dossier))

    # A draft of an opened file says which, and goes back to it.
    ouvert = html.unescape(client.get("/ouvrir", params={"fichier": "roquevaire/2026-tx-031-ecole.yaml"}).text)
    paires_ouvert, _ = lire_page(ouvert)
    _poster(client, "/apercu", _taper(paires_ouvert, "marche.objet", "École, tranche 2"))
    assert "(modifications de roquevaire/2026-tx-031-ecole.yaml)" in html.unescape(client.get("/").text)

    repris, _ = lire_page(html.unescape(client.get("/brouillon", params={"id": identifiant}).text))
    assert ("marche.objet", "Réfection de la cour de l'école") in repris
    assert ("_brouillon_id", identifiant) in repris  # the same draft goes on

    jeton = dict(paires)["_jeton"]
    reponse = _poster(client, "/supprimer-brouillon", [("_jeton", jeton), ("id", identifiant)])
    assert reponse.status_code == 200 and "Brouillon supprimé." in html.unescape(reponse.text)
    assert not fichier.exists()
    assert client.get("/brouillon", params={"id": identifiant}).status_code == 404


def test_un_formulaire_vide_ne_fait_pas_de_brouillon(dossier: Path) -> None:
    assert not brouillons.garder(dossier, brouillons.nouvel_identifiant(), [("@acheteur", "1"), ("marche.objet", " ")])
    assert not (dossier / ".brouillons").exists()


def test_un_jeton_perime_ne_garde_rien(client: TestClient, dossier: Path) -> None:
    paires = _taper(_taper(_nouveau(client), "marche.objet", "Objet"), "_jeton", "x" * 43)
    assert _poster(client, "/apercu", paires).status_code == 409
    assert not (dossier / ".brouillons").exists()


def test_les_brouillons_sont_bornes_en_nombre_et_en_taille(dossier: Path) -> None:
    for i in range(brouillons.NOMBRE_MAX + 5):
        identifiant = f"{i:032x}"
        brouillons.garder(dossier, identifiant, [("marche.objet", f"marché {i}")])
        os.utime(dossier / ".brouillons" / f"{identifiant}.json", (1_000_000 + i, 1_000_000 + i))
    gardes = brouillons.lister(dossier)
    assert len(gardes) == brouillons.NOMBRE_MAX
    assert gardes[0].objet == f"marché {brouillons.NOMBRE_MAX + 4}"  # the most recent first, the oldest gone
    with pytest.raises(brouillons.ErreurBrouillon, match="plus de 2 Mo"):
        brouillons.garder(dossier, "f" * 32, [("marche.objet", "x" * brouillons.TAILLE_MAX)])
    assert not list((dossier / ".brouillons").glob(".*.tmp"))  # no leftover


@pytest.mark.parametrize("identifiant", ["../../etc/passwd", "", "A" * 32, "0" * 31, "0" * 32 + "/x"])
def test_un_nom_de_brouillon_qui_n_est_pas_des_notres_n_est_jamais_un_chemin(
    client: TestClient, dossier: Path, identifiant: str
) -> None:
    with pytest.raises(brouillons.ErreurBrouillon):
        brouillons.lire(dossier, identifiant)
    reponse = client.get("/brouillon", params={"id": identifiant})
    assert reponse.status_code == 404 and "Brouillon non repris" in html.unescape(reponse.text)


def test_un_dossier_de_brouillons_qui_est_un_lien_est_refuse(dossier: Path, tmp_path: Path) -> None:
    ailleurs = tmp_path / "ailleurs"
    ailleurs.mkdir()
    (dossier / ".brouillons").symlink_to(ailleurs)
    with pytest.raises(brouillons.ErreurBrouillon, match="n'est pas un dossier"):
        brouillons.garder(dossier, "a" * 32, [("marche.objet", "x")])
    assert list(ailleurs.iterdir()) == []
    assert brouillons.lister(dossier) == []
