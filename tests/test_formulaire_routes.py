"""The form's routes through Starlette's test client: refusals (Host, token, origin, size), hostile uploads,
paths outside DOSSIER, messages beside their fields, saving with confirmation, the ZIP of ``generer``."""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import zipfile
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from clause_kit.commun.erreurs import ErreursValidation
from clause_kit.formulaire import app as module_app
from clause_kit.formulaire.app import creer_application
from clause_kit.formulaire.generation import Archive
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


def test_une_page_d_une_session_precedente_est_reaffichee_sans_rien_faire(client: TestClient, dossier: Path) -> None:
    """A stale token (server restarted) or none: the form again, as posted, a fresh token, nothing written."""
    paires = _modifiee(client, "roquevaire/2026-tx-031-ecole.yaml", {"marche.objet": "Objet tapé avant"})
    jeton = dict(paires)["_jeton"]
    sans = [(n, v) for n, v in paires if n != "_jeton"]
    perime = _remplacer(paires, "_jeton", "x" * 43)
    avant = sorted(p.relative_to(dossier) for p in dossier.rglob("*"))
    for route in ("/yaml", "/enregistrer", "/generer", "/commune", "/formulaire"):
        for donnees in (sans, [*perime, ("_confirmer", "1")]):
            reponse = _poster(client, route, donnees)
            assert reponse.status_code == 409, route
            texte = html.unescape(reponse.text)
            assert "session précédente du formulaire" in texte and "rien n'a été enregistré" in texte
            assert reponse.headers["content-type"].startswith("text/html")
            reaffiche, _ = lire_page(texte)
            assert ("marche.objet", "Objet tapé avant") in reaffiche
            assert ("_jeton", jeton) in reaffiche  # the fresh token: the next submit goes through
    assert sorted(p.relative_to(dossier) for p in dossier.rglob("*")) == avant  # no file, no draft
    apercu = _poster(client, "/apercu", perime)
    assert apercu.status_code == 409 and apercu.json()["perime"] and apercu.json()["jeton"] == jeton
    assert _poster(client, "/yaml", paires).status_code == 200


def test_une_action_de_l_accueil_d_une_session_precedente_ne_fait_rien(client: TestClient, dossier: Path) -> None:
    avant = sorted(p.relative_to(dossier) for p in dossier.rglob("*"))
    for route, paires in (
        ("/nouveau", [("_jeton", "x" * 43), ("type", "travaux")]),
        ("/supprimer-brouillon", [("_jeton", "x" * 43), ("id", "0" * 32)]),
    ):
        reponse = _poster(client, route, paires)
        assert reponse.status_code == 409, route
        assert "session précédente du formulaire" in html.unescape(reponse.text)
    envoi = client.post("/televerser", data={"_jeton": "x"}, files={"fichier": ("m.yaml", contrat().encode())})
    assert envoi.status_code == 409 and "rien n'a été fait" in html.unescape(envoi.text)
    assert sorted(p.relative_to(dossier) for p in dossier.rglob("*")) == avant


def test_rouvrir_l_adresse_d_une_action_renvoie_a_l_accueil_en_francais(client: TestClient) -> None:
    for route in ("/formulaire", "/yaml", "/enregistrer", "/generer", "/apercu", "/nouveau", "/televerser"):
        reponse = client.get(route)
        assert reponse.status_code == 200, route
        assert "ne peut pas être rouverte telle quelle" in html.unescape(reponse.text)
        assert "Method Not Allowed" not in reponse.text
    inconnue = client.get("/nulle-part")
    assert inconnue.status_code == 404 and "page introuvable" in inconnue.text


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
        "la somme des montants des lots (100,00\u00a0€ HT) diffère du montant du marché (300\u202f000,00\u00a0€ HT), "
        "différence 299\u202f900,00\u00a0€ HT"
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
    assert sorted((e["chemin"], e["message"]) for e in reponse["liste"]) == sorted(
        (c, m) for c, ms in attendus.items() for m in ms
    )


def test_les_heures_sont_calculees_meme_quand_une_regle_n_est_pas_encore_respectee(client: TestClient) -> None:
    paires = _modifiee(client, "aubagne/hauts-de-quai.yaml", {"marche.criteres.0.ponderation": "40"})
    reponse = _poster(client, "/apercu", paires).json()
    assert reponse["erreurs"]["c-marche-criteres"] == [
        "les pondérations des critères (critère insertion compris) totalisent 95 au lieu de 100"
    ]
    assert "9\u202f692 h" in reponse["panneau"] and "95" in reponse["panneau"]
    assert "Provisoires : 1 erreur à corriger" in reponse["panneau"]
    # The error is named in the officer's words, with a link to its field and the step that shows it.
    assert reponse["liste"][0]["champ"] == "Marché › Autres critères d'attribution"
    assert '<a href="#c-marche-criteres">' in reponse["panneau"]


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


def test_generer_un_marche_incomplet_l_explique_a_cote_des_champs_sans_lancer_la_commande(client: TestClient) -> None:
    texte = contrat(facilitateur="")
    paires, _ = lire_page(_televerser(client, "t-1.yaml", texte.encode()).text)
    reponse = _poster(client, "/generer", paires)
    assert reponse.status_code == 422
    texte_page = html.unescape(reponse.text)
    assert "Le dossier n'a pas été généré : 1 point à corriger" in texte_page
    assert 'data-etape="recapitulatif"' in texte_page  # stays on the summary
    _, textes = lire_page(texte_page)
    assert "le facilitateur n'a pas de contact" in textes["e-c-facilitateur"]
    for brut in ("Traceback", "rapport-generation", "statut", "t-1.yaml"):
        assert brut not in texte_page
    # The page's script asks for JSON: the same messages, to show without leaving the page.
    json_ = client.post(
        "/generer", content=urllib.parse.urlencode(paires), headers={**FORMULAIRE, "accept": "application/json"}
    ).json()
    assert json_["message"].startswith("Le dossier n'a pas été généré")
    assert [e["champ"] for e in json_["liste"]] == ["Facilitateur"]


def test_sans_javascript_on_ajoute_et_retire_une_ligne(client: TestClient) -> None:
    paires = _page(client, "la-penne-sur-huveaune/2026-tx-020-voirie.yaml")
    ajout, _ = lire_page(_poster(client, "/formulaire", [*paires, ("_ajouter", "marche.lots")]).text)
    assert ("@marche.lots.3", "1") in ajout and ("marche.lots.3.numero", "") in ajout
    retrait, _ = lire_page(_poster(client, "/formulaire", [*paires, ("_retirer", "marche.lots.0")]).text)
    assert ("marche.lots.0.intitule", "Revêtements et espaces verts") in retrait
    assert not any(n.startswith("marche.lots.2") for n, _ in retrait)


# --- the summary says what generer will say -----------------------------------------------


def test_un_formulaire_vide_n_est_pas_annonce_accepte(client: TestClient) -> None:
    jeton = client.get("/").text.split('name="_jeton" value="', 1)[1].split('"', 1)[0]
    page = html.unescape(_poster(client, "/nouveau", [("_jeton", jeton)]).text)
    _, textes = lire_page(page)
    assert "Aucune" not in textes["liste-erreurs"] and "Nom de l'acheteur (Acheteur)" in textes["liste-erreurs"]
    assert textes.get("e-c-acheteur-nom", "").strip() == ""  # not yet beside the fields: nothing typed


def test_un_facilitateur_sans_telephone_ni_courriel_est_refuse_comme_par_generer(client: TestClient) -> None:
    paires = _modifiee(
        client, "roquevaire/2026-tx-031-ecole.yaml", {"facilitateur.telephone": "", "facilitateur.courriel": ""}
    )
    reponse = _poster(client, "/apercu", paires).json()
    assert not reponse["valide"]
    assert any("le facilitateur n'a pas de contact" in m for m in reponse["erreurs"]["c-facilitateur"])
    # The draft box ticked: generer --brouillon accepts it, so does the summary.
    brouillon = _poster(client, "/apercu", [*paires, ("_brouillon", "1")]).json()
    assert "c-facilitateur" not in brouillon["erreurs"]


def test_l_apercu_yaml_suit_la_saisie(client: TestClient) -> None:
    paires = _modifiee(client, "roquevaire/2026-tx-031-ecole.yaml", {"acheteur.nom": "Commune de Roquevaire bis"})
    reponse = _poster(client, "/apercu", paires).json()
    assert "nom: Commune de Roquevaire bis" in reponse["yaml"]
    assert reponse["yaml"] == _poster(client, "/yaml", paires).text


def test_un_montant_avec_des_espaces_est_accepte_et_le_message_ne_dit_pas_le_contraire(client: TestClient) -> None:
    paires = _modifiee(client, "roquevaire/2026-tx-031-ecole.yaml", {"marche.montant_ht": "1 2OO 000"})
    reponse = _poster(client, "/apercu", paires).json()
    message = reponse["erreurs"]["c-marche-montant_ht"][0]
    assert "sans espace" not in message and "1 250 000" in message


def test_la_somme_des_lots_est_signalee_sur_l_etape_des_lots(client: TestClient) -> None:
    paires = _modifiee(client, "la-penne-sur-huveaune/2026-tx-020-voirie.yaml", {"marche.lots.1.montant_ht": "1"})
    reponse = _poster(client, "/apercu", paires).json()
    message = reponse["erreurs"]["c-marche-lots"][0]
    assert message.startswith("la somme des montants des lots")
    assert reponse["erreurs"]["c-marche-montant_ht"] == [message]
    assert [(e["cible"], e["etape"]) for e in reponse["liste"] if e["message"] == message] == [
        ("c-marche-lots", "Lots")
    ]


def test_les_heures_de_chaque_lot_restent_affichees_quelle_que_soit_l_etape_en_erreur(client: TestClient) -> None:
    paires = _modifiee(client, "la-penne-sur-huveaune/2026-tx-020-voirie.yaml", {"acheteur.nom": ""})
    paires = [*paires, ("acheteur.siret", "123")]
    reponse = _poster(client, "/apercu", paires).json()
    assert not reponse["valide"] and "c-acheteur-siret" in reponse["erreurs"]
    assert "Provisoires" in reponse["panneau"] and reponse["panneau"].count('class="heures"') == 3
    assert "erreurs à corriger" in reponse["resume"] and "Lot 1 :" in reponse["resume"]


# --- bounds ----------------------------------------------------------------------------------


def test_un_fichier_de_60_000_cles_inconnues_est_refuse_vite_et_brievement(client: TestClient) -> None:
    texte = contrat() + "".join(f"k{i}: 1\n" for i in range(60_000))
    debut = time.monotonic()
    reponse = _televerser(client, "cles.yaml", texte.encode())
    assert time.monotonic() - debut < 5
    assert reponse.status_code == 422 and len(reponse.content) < 300_000
    page = html.unescape(reponse.text)
    assert "fichier refusé, 60\u202f000 clés inconnues" in page and "cles.yaml:12: k0 : clé inconnue" in page
    assert page.count("clé inconnue d'un fichier de marché") == 50 and "… et 59\u202f950 autres." in page


def test_60_000_champs_inconnus_postes_ne_bloquent_pas_le_serveur(client: TestClient) -> None:
    paires = _page(client, "roquevaire/2026-tx-031-ecole.yaml")
    debut = time.monotonic()
    reponse = _poster(client, "/apercu", [*paires, *((f"k{i}", "1") for i in range(60_000))])
    assert time.monotonic() - debut < 5 and reponse.status_code == 400
    assert "requête refusée : formulaire illisible ou de plus de 20\u202f000 champs" in reponse.text
    # Below the limit, unknown names are ignored: they are no field of the model.
    reponse = _poster(client, "/apercu", [*paires, *((f"k{i}", "1") for i in range(15_000))])
    assert time.monotonic() - debut < 10 and reponse.json()["valide"]


def test_une_page_ne_liste_pas_plus_de_50_erreurs(client: TestClient) -> None:
    texte = contrat(marche="".join(f"  k{i}: 1\n" for i in range(120)))
    reponse = _televerser(client, "cles.yaml", texte.encode())
    _, textes = lire_page(html.unescape(reponse.text))
    assert textes["liste-erreurs"].count("clé inconnue") == 50 and "… et 70 autres." in textes["liste-erreurs"]


# --- the first screen carries over ---------------------------------------------------------


def test_le_metier_et_la_reservation_du_premier_ecran_sont_repris(client: TestClient) -> None:
    accueil = html.unescape(
        client.get("/", params={"type": "travaux", "montant": "1000000", "metier": "second_oeuvre"}).text
    )
    jeton = accueil.split('name="_jeton" value="', 1)[1].split('"', 1)[0]
    assert '<input type="hidden" name="metier" value="second_oeuvre">' in accueil
    assert "Réservé aux structures d'insertion par l'activité économique" in accueil
    reponse = _poster(
        client,
        "/nouveau",
        [("_jeton", jeton), ("type", "travaux"), ("montant", "1000000"), ("metier", "second_oeuvre")]
        + [("choix", "les_deux"), ("reserve", "siae")],
    )
    paires, _ = lire_page(html.unescape(reponse.text))
    assert ("marche.reserve", "siae") in paires
    assert ("insertion.article_14.taux_main_oeuvre", "70") in paires
    # Two lots typed: each takes the trade's labour share, not the type's default.
    lots = [
        ("insertion.article_14.pourcentage", "5"),
        ("@marche.lots.0", "1"),
        ("marche.lots.0.numero", "1"),
        ("marche.lots.0.intitule", "Peinture"),
        ("marche.lots.0.montant_ht", "700 000"),
        ("@marche.lots.1", "1"),
        ("marche.lots.1.numero", "2"),
        ("marche.lots.1.intitule", "Sols"),
        ("marche.lots.1.montant_ht", "300 000"),
    ]
    reponse = _poster(client, "/apercu", [*paires, *lots]).json()
    panneau = html.unescape(reponse["panneau"])
    assert panneau.count('taux de main-d\'œuvre : 70 <span class="provenance">(saisi pour le marché)') == 2


def test_accords_cadres_reconductions_et_tranches_se_saisissent_en_francais(client: TestClient) -> None:
    page = html.unescape(client.get("/ouvrir", params={"fichier": "roquevaire/2026-tx-031-ecole.yaml"}).text)
    for ident in ("c-marche-forme", "c-marche-montant_maximum_ht", "c-marche-montant_minimum_ht"):
        assert f'id="{ident}"' in page
    assert 'id="c-marche-reconductions"' in page and 'id="t-c-marche-tranches"' in page
    assert ">Accord-cadre exécuté par l'émission de bons de commande</option>" in page
    assert ">Réservé aux entreprises adaptées et ESAT (article L. 2113-12)</option>" in page
    paires = _modifiee(client, "roquevaire/2026-tx-031-ecole.yaml", {"marche.forme": "accord_cadre_bons_de_commande"})
    reponse = _poster(client, "/apercu", paires).json()
    assert any("accord-cadre sans montant maximum" in m for m in reponse["erreurs"]["c-marche-montant_maximum_ht"])
    paires = _remplacer(paires, "marche.montant_maximum_ht", "1 500 000")
    assert _poster(client, "/apercu", paires).json()["valide"]


def _texte(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_le_metier_d_un_lot_lui_donne_son_taux_de_main_d_oeuvre(client: TestClient) -> None:
    paires = _page(client, "la-penne-sur-huveaune/2026-tx-020-voirie.yaml")
    assert ("marche.lots.1._metier", "") in paires
    paires = _remplacer(paires, "marche.lots.1._metier", "second_oeuvre")
    reponse = _poster(client, "/apercu", paires).json()
    assert "taux de main-d'œuvre : 70 (saisi pour ce lot)" in _texte(reponse["panneau"])
    assert "taux_main_oeuvre: 70" in reponse["yaml"]
    # A rate typed for the lot wins over its trade.
    paires = [*paires, ("@marche.lots.1.insertion", "1"), ("marche.lots.1.insertion.taux_main_oeuvre", "33")]
    assert "taux de main-d'œuvre : 33 (saisi pour ce lot)" in _texte(
        _poster(client, "/apercu", paires).json()["panneau"]
    )


def test_un_echec_imprevu_de_la_generation_est_dit_en_francais_sans_sortie_brute(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def en_echec(*args: object, **options: object) -> Archive:
        return Archive("t-1.yaml", None, "commune  référence  statut\nRapport : /tmp/x/rapport-generation.json")

    monkeypatch.setattr(module_app, "generer_archive", en_echec)
    paires, _ = lire_page(_televerser(client, "t-1.yaml", contrat().encode()).text)
    reponse = _poster(client, "/generer", paires)
    texte = html.unescape(reponse.text)
    assert reponse.status_code == 422 and "la génération s'est interrompue pour une raison technique" in texte
    assert "rapport-generation" not in texte and "statut" not in texte


@pytest.mark.parametrize("chiffre", ["²", "⁰", "①", "١"])
def test_un_nom_de_champ_a_chiffre_non_ascii_n_est_pas_une_erreur_inattendue(client: TestClient, chiffre: str) -> None:
    # « ² ».isdigit() is true but int(« ² ») fails: the form answered 500, and a draft saved with
    # such a name answered 500 every time it was reopened (adversarial pass).
    jeton = client.get("/").text.split('name="_jeton" value="', 1)[1].split('"', 1)[0]
    for route in ("/formulaire", "/apercu", "/yaml"):
        paires = [("_jeton", jeton), (f"marche.lots.{chiffre}", "1"), ("marche.objet", "Voirie")]
        reponse = _poster(client, route, paires)
        assert reponse.status_code in (200, 422), (route, reponse.text[:500])  # type: ignore[attr-defined]
        assert "erreur inattendue" not in reponse.text  # type: ignore[attr-defined]
