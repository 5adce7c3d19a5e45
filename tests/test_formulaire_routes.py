"""The form's routes through Starlette's test client: refusals (Host, token, origin, size), hostile uploads,
paths outside DOSSIER, messages beside their fields, saving with confirmation, the ZIP of ``generer``."""

from __future__ import annotations

import html
import io
import shutil
import subprocess
import sys
import urllib.parse
import zipfile
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from clause_kit.commun.erreurs import ErreursValidation
from clause_kit.formulaire.app import creer_application
from clause_kit.marche.chargement import charger, charger_detail
from clause_kit.revue.texte import texte as texte_docx
from tests.conftest import DOSSIERS, RACINE
from tests.contrats import A53, CRITERES_85, contrat
from tests.formulaire_html import lire_page

PORT = 8765
ADRESSE = f"http://127.0.0.1:{PORT}"
FORMULAIRE = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture
def dossier(tmp_path: Path) -> Path:
    """A copy of the example communes: saving writes into it."""
    copie = tmp_path / "dossiers"
    shutil.copytree(DOSSIERS, copie)
    return copie


@pytest.fixture
def client(dossier: Path) -> TestClient:
    return TestClient(creer_application(dossier, PORT), base_url=ADRESSE)


def _poster(client: TestClient, route: str, paires: list[tuple[str, str]], **entetes: str) -> object:
    return client.post(route, content=urllib.parse.urlencode(paires), headers={**FORMULAIRE, **entetes})


def _page(client: TestClient, fichier: str) -> list[tuple[str, str]]:
    reponse = client.get("/ouvrir", params={"fichier": fichier})
    assert reponse.status_code == 200, html.unescape(reponse.text)
    paires, _ = lire_page(html.unescape(reponse.text))
    return paires


def _remplacer(paires: list[tuple[str, str]], nom: str, valeur: str) -> list[tuple[str, str]]:
    assert any(n == nom for n, _ in paires), nom
    return [(n, valeur if n == nom else v) for n, v in paires]


def _modifiee(client: TestClient, fichier: str, valeurs: dict[str, str]) -> list[tuple[str, str]]:
    """The pairs the page of ``fichier`` posts once the officer has typed ``valeurs``."""
    paires = _page(client, fichier)
    for nom, valeur in valeurs.items():
        paires = _remplacer(paires, nom, valeur)
    return paires


# --- refusals ------------------------------------------------------------------------


def test_un_en_tete_host_etranger_est_refuse(client: TestClient) -> None:
    for hote in ("evil.example:8765", "127.0.0.1:9999", "localhost", "127.0.0.1.nip.io:8765"):
        reponse = client.get("/", headers={"host": hote})
        assert reponse.status_code == 421, hote
        assert "n'est pas celle du formulaire" in html.unescape(reponse.text)
    assert client.get("/", headers={"host": f"localhost:{PORT}"}).status_code == 200


def test_un_post_sans_jeton_ou_avec_un_faux_jeton_est_refuse(client: TestClient) -> None:
    paires = _page(client, "roquevaire/2026-tx-031-ecole.yaml")
    sans = [(n, v) for n, v in paires if n != "_jeton"]
    faux = _remplacer(paires, "_jeton", "x" * 43)
    for route in ("/yaml", "/apercu", "/enregistrer", "/generer", "/commune"):
        for donnees in (sans, faux):
            reponse = _poster(client, route, donnees)
            assert reponse.status_code == 403, route
            assert "jeton" in html.unescape(reponse.text)
    assert _poster(client, "/yaml", paires).status_code == 200


def test_un_post_venu_d_un_autre_site_est_refuse(client: TestClient) -> None:
    paires = _page(client, "roquevaire/2026-tx-031-ecole.yaml")
    assert _poster(client, "/yaml", paires, origin="http://evil.example").status_code == 403
    assert _poster(client, "/yaml", paires, **{"sec-fetch-site": "cross-site"}).status_code == 403
    assert _poster(client, "/yaml", paires, origin=ADRESSE).status_code == 200


def test_un_corps_trop_gros_est_refuse_avant_d_etre_lu(client: TestClient) -> None:
    reponse = client.post("/apercu", content=b"a=" + b"x" * 2_100_000, headers=FORMULAIRE)
    assert reponse.status_code == 413
    assert "plus de 2 Mo" in html.unescape(reponse.text)


def test_les_pages_interdisent_scripts_et_formulaires_etrangers(client: TestClient) -> None:
    politique = client.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in politique and "form-action 'self'" in politique


# --- paths -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fichier",
    ["../pyproject.toml", "../../etc/passwd", "/etc/passwd", "aubagne/../../README.md", "aubagne/_commune.yaml", ""],
)
def test_aucun_chemin_hors_de_dossier_n_est_ouvert(client: TestClient, fichier: str) -> None:
    reponse = client.get("/ouvrir", params={"fichier": fichier})
    assert reponse.status_code == 422
    assert "Traceback" not in html.unescape(reponse.text)
    assert "refusé" in html.unescape(reponse.text) or "n'est pas un fichier de marché" in html.unescape(reponse.text)


def test_un_lien_symbolique_vers_l_exterieur_est_refuse(client: TestClient, dossier: Path, tmp_path: Path) -> None:
    dehors = tmp_path / "dehors.yaml"
    dehors.write_text(contrat(), encoding="utf-8")
    (dossier / "lien.yaml").symlink_to(dehors)
    reponse = client.get("/ouvrir", params={"fichier": "lien.yaml"})
    assert reponse.status_code == 422 and "sort du dossier" in html.unescape(reponse.text)


def test_le_fichier_ouvert_est_enregistre_la_ou_il_etait_et_pas_ailleurs(client: TestClient, dossier: Path) -> None:
    paires = _modifiee(client, "roquevaire/2026-tx-031-ecole.yaml", {"_fichier": "../../evade.yaml"})
    reponse = _poster(client, "/enregistrer", [*paires, ("_confirmer", "1")])
    assert reponse.status_code == 422 and "sort du dossier" in html.unescape(reponse.text)
    assert not (dossier.parent.parent / "evade.yaml").exists()


# --- hostile uploads ------------------------------------------------------------------


def _televerser(client: TestClient, nom: str, contenu: bytes) -> object:
    accueil = client.get("/").text
    jeton = accueil.split('name="_jeton" value="', 1)[1].split('"', 1)[0]
    return client.post("/televerser", data={"_jeton": jeton}, files={"fichier": (nom, contenu, "application/yaml")})


@pytest.mark.parametrize(
    ("fixture", "attendu"),
    [
        ("bombe-alias.yaml", "les alias YAML (*nom) ne sont pas acceptés"),
        ("octets.yaml", "UTF-8"),
        ("imbrication-profonde.yaml", "structure trop imbriquée"),
        ("liste.yaml", "pas une liste ni une valeur seule"),
        ("etiquette-yaml.yaml", "non acceptée"),
    ],
)
def test_un_fichier_hostile_recoit_le_message_localise_du_chargeur(
    client: TestClient, fixture: str, attendu: str
) -> None:
    contenu = (RACINE / "tests" / "fixtures" / "invalides" / fixture).read_bytes()
    reponse = _televerser(client, fixture, contenu)
    assert reponse.status_code == 422
    assert attendu in html.unescape(reponse.text) and "Traceback" not in html.unescape(reponse.text)
    # The same message as the command line's, with the file's own name and line.
    with pytest.raises(ErreursValidation) as err:
        charger(RACINE / "tests" / "fixtures" / "invalides" / fixture)
    ligne_cli = str(err.value.problemes[0]).replace(str(RACINE / "tests" / "fixtures" / "invalides" / fixture), fixture)
    assert ligne_cli in html.unescape(reponse.text)


def test_un_fichier_trop_gros_est_refuse_sans_etre_lu_en_entier(client: TestClient) -> None:
    reponse = _televerser(client, "gros.yaml", b"a: " + b"x" * 3_000_000)
    assert reponse.status_code == 413


def test_un_fichier_juste_trop_gros_pour_le_chargeur_recoit_son_message(client: TestClient) -> None:
    reponse = _televerser(client, "gros.yaml", b"a: " + b"x" * 1_000_000)
    assert reponse.status_code == 422
    assert "gros.yaml: fichier trop volumineux (plus de 1000 ko)" in html.unescape(reponse.text)


def test_un_fichier_invalide_mais_lisible_s_ouvre_avec_ses_messages_a_cote_des_champs(client: TestClient) -> None:
    texte = contrat(marche="  lots:\n    - {numero: 1, intitule: A, montant_ht: 100}\n")
    reponse = _televerser(client, "somme.yaml", texte.encode())
    assert reponse.status_code == 200
    _, textes = lire_page(html.unescape(reponse.text))
    assert textes["e-c-marche-montant_ht"] == (
        "la somme des montants des lots (100 € HT) diffère du montant du marché (300000 € HT)"
    )


# --- live check ---------------------------------------------------------------------------


def test_chaque_erreur_est_placee_a_cote_de_son_champ_avec_le_message_de_la_cli(
    client: TestClient, tmp_path: Path
) -> None:
    paires = _modifiee(
        client,
        "la-penne-sur-huveaune/2026-tx-020-voirie.yaml",
        {"marche.lots.1.montant_ht": "-5", "insertion.article_14.pourcentage": "150"},
    )
    reponse = _poster(client, "/apercu", paires).json()
    assert not reponse["valide"]
    yaml_texte = _poster(client, "/yaml", paires).text
    fichier = tmp_path / "marche.yaml"
    fichier.write_text(yaml_texte, encoding="utf-8")
    cli = subprocess.run(
        [sys.executable, "-m", "clause_kit", "verifier", str(fichier)], capture_output=True, text=True, check=False
    )
    assert cli.returncode == 1
    attendus = {}
    for ligne in cli.stderr.strip().splitlines():
        champ, message = ligne.split(": ", 2)[1:]
        attendus.setdefault(champ, []).append(message)
    assert attendus["marche.lots[2].montant_ht"] == reponse["erreurs"]["c-marche-lots-1-montant_ht"]
    assert attendus["insertion.article_14.pourcentage"] == reponse["erreurs"]["c-insertion-article_14-pourcentage"]
    assert sorted((e["champ"], e["message"]) for e in reponse["liste"]) == sorted(
        (c, m) for c, ms in attendus.items() for m in ms
    )


def test_les_heures_sont_calculees_meme_quand_une_regle_n_est_pas_encore_respectee(client: TestClient) -> None:
    paires = _modifiee(client, "aubagne/hauts-de-quai.yaml", {"marche.criteres.0.ponderation": "40"})
    reponse = _poster(client, "/apercu", paires).json()
    assert reponse["erreurs"]["c-marche-criteres"] == [
        "les pondérations des critères (critère insertion compris) totalisent 95 au lieu de 100"
    ]
    assert "9\u202f692 h" in reponse["panneau"] and "95" in reponse["panneau"]
    assert "Provisoires : 1 erreur(s)" in reponse["panneau"]


def test_le_panneau_dit_d_ou_vient_chaque_valeur_de_la_formule(client: TestClient) -> None:
    html = client.get("/ouvrir", params={"fichier": "aubagne/securite-gardiennage.yaml"}).text
    assert "défaut de parametres.yaml" in html or "valeur commune (_commune.yaml)" in html


# --- first screen -------------------------------------------------------------------------


def test_quel_dispositif_recommande_avec_ses_articles(client: TestClient) -> None:
    html = client.get("/", params={"type": "services", "montant": "1 800 000", "cpv": "90500000-2", "duree": "48"}).text
    assert "L. 2112-2" in html and "L. 2152-7" in html and "L. 2113-13" in html
    assert 'value="les_deux" checked' in html
    mauvais = client.get("/", params={"type": "travaux", "montant": "beaucoup"})
    assert "montant HT attendu" in mauvais.text


@pytest.mark.parametrize(
    "montant",
    ["1 250 000,555", "0,001", "1e-30", "1E+5", "9" * 5000, "1 250 000 000 000", "-5", "0", "NaN", "∞", "١٢٣,٥٥٥"],
)
def test_tout_montant_tape_au_premier_ecran_a_une_reponse_en_francais(client: TestClient, montant: str) -> None:
    reponse = client.get(
        "/", params={"type": "travaux", "montant": montant, "duree": "²" if len(montant) > 9 else "9" * 5000}
    )
    assert reponse.status_code == 200, reponse.text
    assert "montant HT attendu en euros, au plus deux décimales" in html.unescape(reponse.text)


def test_nouveau_marche_avec_des_nombres_demesures(client: TestClient) -> None:
    jeton = client.get("/").text.split('name="_jeton" value="', 1)[1].split('"', 1)[0]
    paires = [("_jeton", jeton), ("type", "travaux"), ("montant", "9" * 5000), ("duree", "9" * 5000)]
    reponse = _poster(client, "/nouveau", paires)
    assert reponse.status_code == 200, reponse.text[:500]  # type: ignore[attr-defined]


def test_un_montant_a_deux_decimales_est_conseille(client: TestClient) -> None:
    reponse = client.get("/", params={"type": "travaux", "montant": "1 250 000,55", "duree": "12"})
    assert reponse.status_code == 200 and "montant HT attendu" not in reponse.text and "L. 2112-2" in reponse.text


def test_noms_de_champs_imbriques_a_l_infini_refuses(client: TestClient) -> None:
    jeton = client.get("/").text.split('name="_jeton" value="', 1)[1].split('"', 1)[0]
    profond = "marche" + ".x" * 60_000
    paires = [("_jeton", jeton), (f"@{profond}", "1"), (profond + ".montant_ht", "5"), ("marche.objet", "Voirie")]
    reponse = _poster(client, "/formulaire", paires)
    assert reponse.status_code == 200, reponse.text[:500]  # type: ignore[attr-defined]


def test_nouveau_marche_a_partir_de_la_recommandation(client: TestClient) -> None:
    jeton = client.get("/").text.split('name="_jeton" value="', 1)[1].split('"', 1)[0]
    reponse = _poster(
        client, "/nouveau", [("_jeton", jeton), ("type", "services"), ("montant", "250000"), ("choix", "les_deux")]
    )
    paires, _ = lire_page(html.unescape(reponse.text))
    assert ("marche.type", "services") in paires and ("marche.montant_ht", "250000") in paires
    assert ("@insertion.article_14", "1") in paires and ("@insertion.article_53", "1") in paires


# --- saving -------------------------------------------------------------------------------


def test_enregistrer_ne_remplace_jamais_sans_confirmation(client: TestClient, dossier: Path) -> None:
    cible = dossier / "roquevaire" / "2026-tx-031-ecole.yaml"
    avant = cible.read_bytes()
    paires = _remplacer(
        _page(client, "roquevaire/2026-tx-031-ecole.yaml"), "marche.objet", "Rénovation du groupe scolaire"
    )
    reponse = _poster(client, "/enregistrer", paires)
    assert reponse.status_code == 409 and "existe déjà" in html.unescape(reponse.text)
    assert cible.read_bytes() == avant
    reponse = _poster(client, "/enregistrer", [*paires, ("_confirmer", "1")])
    assert reponse.status_code == 200
    assert charger(cible).marche.objet == "Rénovation du groupe scolaire"


def test_un_nouveau_marche_va_dans_le_dossier_de_sa_commune_sans_ses_valeurs_communes(
    client: TestClient, dossier: Path
) -> None:
    paires = _modifiee(client, "aubagne/hauts-de-quai.yaml", {"_fichier": "", "marche.reference": "2026-SV-NEUF"})
    reponse = _poster(client, "/enregistrer", paires)
    assert reponse.status_code == 200, html.unescape(reponse.text)
    nouveau = dossier / "aubagne" / "2026-sv-neuf.yaml"
    texte = nouveau.read_text(encoding="utf-8")
    assert "acheteur" not in texte and "facilitateur" not in texte  # given by aubagne/_commune.yaml
    original = charger_detail(dossier / "aubagne" / "hauts-de-quai.yaml").consultation
    enregistre = charger_detail(nouveau).consultation
    assert enregistre.model_copy(update={"marche": original.marche}) == original
    assert enregistre.marche.reference == "2026-SV-NEUF"


def test_une_valeur_commune_effacee_dans_le_formulaire_ne_revient_pas(client: TestClient, dossier: Path) -> None:
    paires = _page(client, "aubagne/hauts-de-quai.yaml")
    paires = [(n, v) for n, v in paires if n != "acheteur.representant" and not n.startswith("insertion.penalite")]
    paires = [(n, v) for n, v in paires if n != "@insertion.penalite"]
    paires = _remplacer(paires, "_fichier", "")
    paires = _remplacer(paires, "marche.reference", "2026-SV-SANS")
    assert _poster(client, "/enregistrer", paires).status_code == 200
    consultation = charger(dossier / "aubagne" / "2026-sv-sans.yaml")
    assert consultation.acheteur.representant is None and consultation.insertion.penalite is None
    assert consultation.acheteur.nom.startswith("Métropole")  # still inherited


def test_reprendre_les_valeurs_d_une_commune(client: TestClient) -> None:
    jeton = client.get("/").text.split('name="_jeton" value="', 1)[1].split('"', 1)[0]
    paires = [("_jeton", jeton), ("_commune", "aubagne"), ("marche.reference", "X-1")]
    paires_page, _ = lire_page(_poster(client, "/commune", paires).text)
    assert ("acheteur.commune", "Aubagne") in paires_page and ("marche.reference", "X-1") in paires_page
    assert ("facilitateur.telephone", "04 42 00 00 00") in paires_page
    refus = _poster(client, "/commune", [("_jeton", jeton), ("_commune", "../..")])
    assert refus.status_code == 422


# --- generation ---------------------------------------------------------------------------


@pytest.mark.lent
def test_generer_rend_le_zip_de_la_commande_generer(client: TestClient, tmp_path: Path) -> None:
    texte = contrat(marche=CRITERES_85, insertion="  article_14: {pourcentage: 7}\n" + A53)
    source = tmp_path / "t-1.yaml"
    source.write_text(texte, encoding="utf-8")
    reponse = _televerser(client, "t-1.yaml", texte.encode())
    paires, _ = lire_page(html.unescape(reponse.text))
    archive = _poster(client, "/generer", paires)
    assert archive.status_code == 200, archive.text
    assert archive.headers["content-disposition"] == 'attachment; filename="t-1.zip"'
    subprocess.run(
        [sys.executable, "-m", "clause_kit", "generer", str(source), "-o", str(tmp_path / "cli")], check=True
    )
    cli = tmp_path / "cli" / "cassis" / "t-1"
    with zipfile.ZipFile(io.BytesIO(archive.content)) as zip_:
        noms = set(zip_.namelist())
        assert {"manifest.json", "dossier.pdf"} <= noms
        for piece in sorted(cli.glob("*.docx")):
            assert texte_docx(zip_.read(piece.name)) == texte_docx(piece), piece.name


def test_generer_un_marche_incomplet_donne_les_messages_de_la_commande(client: TestClient) -> None:
    texte = contrat(facilitateur="")
    paires, _ = lire_page(_televerser(client, "t-1.yaml", texte.encode()).text)
    reponse = _poster(client, "/generer", paires)
    assert reponse.status_code == 422
    assert "La génération a échoué" in html.unescape(reponse.text) and "t-1.yaml" in html.unescape(reponse.text)
    assert "facilitateur" in html.unescape(reponse.text) and "Traceback" not in html.unescape(reponse.text)


def test_sans_javascript_on_ajoute_et_retire_une_ligne(client: TestClient) -> None:
    paires = _page(client, "la-penne-sur-huveaune/2026-tx-020-voirie.yaml")
    ajout, _ = lire_page(_poster(client, "/formulaire", [*paires, ("_ajouter", "marche.lots")]).text)
    assert ("@marche.lots.3", "1") in ajout and ("marche.lots.3.numero", "") in ajout
    retrait, _ = lire_page(_poster(client, "/formulaire", [*paires, ("_retirer", "marche.lots.0")]).text)
    assert ("marche.lots.0.intitule", "Revêtements et espaces verts") in retrait
    assert not any(n.startswith("marche.lots.2") for n, _ in retrait)
