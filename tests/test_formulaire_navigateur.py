"""The form in a real browser (Debian's Chromium, driven by Playwright), as an officer uses it.

A contract with lots and both articles is entered by hand; the live hours appear; an error shows
beside its field and goes once corrected; the YAML and the ZIP are downloaded; the downloaded
YAML, given to the command line, generates pieces whose text equals the ZIP's, and reloads
into the form unchanged. Never skipped: CI installs Chromium (outils/installer.sh).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from clause_kit.revue.texte import texte as texte_docx
from tests.conftest import DOSSIERS
from tests.navigateur import navigateur, serveur

# A real Chromium drives the form.
pytestmark = pytest.mark.lent

ESPACE = "\u202f"


def _verifie(page: Page) -> None:
    """Wait for the live check that follows the last keystroke."""
    page.wait_for_selector("#formulaire[data-verifie]", state="attached", timeout=15_000)


def _etape(page: Page, ancre: str) -> None:
    page.click(f'nav.etapes a[href="#etape-{ancre}"]')
    expect(page.locator(f"#etape-{ancre}")).to_be_visible()


def _quel_dispositif(page: Page, adresse: str) -> None:
    page.goto(adresse)
    page.select_option("#q-type", "travaux")
    page.fill("#q-montant", "1 350 000")
    page.select_option("#q-metier", "gros_oeuvre")
    page.fill("#q-duree", "14")
    page.click("text=Recommander")
    expect(page.locator(".recommandation").first).to_contain_text("L. 2112-2")
    page.check("#choix-les_deux")
    page.click("text=Remplir le formulaire")


def _remplir(page: Page) -> None:
    page.fill("#c-acheteur-nom", "Commune de Cassis")
    page.fill("#c-acheteur-commune", "Cassis")
    page.click("#etape-acheteur button:has-text('Suivant')")
    expect(page.locator("#etape-marche")).to_be_visible()
    page.fill("#c-marche-reference", "2026-TX-077")
    page.fill("#c-marche-objet", "Extension de la médiathèque")
    expect(page.locator("#c-marche-montant_ht")).to_have_value("1350000")
    page.select_option("#c-marche-procedure", "adaptee")
    page.fill("#c-marche-date_lancement", "2026-10-01")
    _etape(page, "lots")
    for numero, intitule, montant in ((1, "Gros œuvre", "900000"), (2, "Second œuvre", "400000")):
        page.click("#etape-lots button.ajouter")
        page.fill(f"#c-marche-lots-{numero - 1}-numero", str(numero))
        page.fill(f"#c-marche-lots-{numero - 1}-intitule", intitule)
        page.fill(f"#c-marche-lots-{numero - 1}-montant_ht", montant)
    # A row added by mistake, then removed: the others keep their numbers.
    page.click("#etape-lots button.ajouter")
    page.click("#c-marche-lots-2 button.retirer")
    expect(page.locator("#k-c-marche-lots > fieldset")).to_have_count(2)
    _etape(page, "clause")
    page.fill("#c-insertion-article_14-pourcentage", "7")
    page.fill("#c-insertion-article_14-taux_main_oeuvre", "45")
    page.fill("#c-insertion-article_14-cout_horaire", "32")
    _etape(page, "criteres")
    for i, (libelle, poids, nature) in enumerate(
        (("Prix", "55", "prix"), ("Valeur technique", "20", "qualite"), ("Environnement", "10", "environnement"))
    ):
        page.click("#c-marche-criteres button.ajouter")
        page.fill(f"#c-marche-criteres-{i}-libelle", libelle)
        page.fill(f"#c-marche-criteres-{i}-ponderation", poids)
        page.select_option(f"#c-marche-criteres-{i}-nature", nature)
    page.fill("#c-insertion-article_53-ponderation", "15")
    for i, (libelle, poids) in enumerate((("Accueil et intégration", "8"), ("Tutorat", "7"))):
        page.click("#c-insertion-article_53-sous_criteres button.ajouter")
        page.fill(f"#c-insertion-article_53-sous_criteres-{i}-libelle", libelle)
        page.fill(f"#c-insertion-article_53-sous_criteres-{i}-ponderation", poids)
    _etape(page, "facilitateur")
    page.check("#p-c-facilitateur")
    page.fill("#c-facilitateur-structure", "PLIE du Pays")
    page.fill("#c-facilitateur-telephone", "04 42 00 00 00")


def test_un_marche_saisi_dans_le_navigateur_genere_les_pieces_de_la_cli(tmp_path: Path) -> None:
    dossier = tmp_path / "dossiers"
    shutil.copytree(DOSSIERS, dossier)
    with serveur(dossier) as lance, navigateur() as chromium:
        adresse = lance.adresse
        page = chromium.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="fr-FR")
        erreurs_js: list[str] = []
        page.on("pageerror", lambda err: erreurs_js.append(str(err)))
        _quel_dispositif(page, adresse)
        _remplir(page)
        _verifie(page)

        # The lots do not add up to the contract's amount: the CLI's message, beside the amount.
        _etape(page, "marche")
        message = page.locator("#e-c-marche-montant_ht")
        expect(message).to_have_text(
            "la somme des montants des lots (1300000 € HT) diffère du montant du marché (1350000 € HT)"
        )
        expect(page.locator("#c-marche-montant_ht")).to_have_attribute("aria-invalid", "true")
        # The hours are there all the same, lot by lot (900 000 × 45 % × 7 % ÷ 32 = 885,94 → 886).
        expect(page.locator("#heures-total")).to_have_text(f"1{ESPACE}280 h")
        _etape(page, "lots")
        page.fill("#c-marche-lots-1-montant_ht", "450000")
        _verifie(page)
        expect(message).to_be_empty()
        expect(page.locator("#c-marche-montant_ht")).not_to_have_attribute("aria-invalid", "true")
        expect(page.locator("#heures-total")).to_have_text(f"1{ESPACE}329 h")
        expect(page.locator("#panneau")).to_contain_text("886 h")
        expect(page.locator("#somme-criteres")).to_have_text("100\u00a0%")
        expect(page.locator("#regle-environnement")).to_contain_text("présent")

        _etape(page, "recapitulatif")
        expect(page.locator("#liste-erreurs")).to_contain_text("Aucune")
        with page.expect_download() as attente:
            page.click("#bouton-yaml")
        yaml_telecharge = tmp_path / attente.value.suggested_filename
        attente.value.save_as(yaml_telecharge)
        with page.expect_download(timeout=240_000) as attente:
            page.click("#bouton-generer")
        archive = attente.value.path().read_bytes()

        # The downloaded YAML reloads into the form unchanged.
        page.goto(adresse)
        page.set_input_files("#fichier", str(yaml_telecharge))
        page.click("form[action='/televerser'] button")
        expect(page.locator("#c-marche-reference")).to_have_value("2026-TX-077")
        _etape(page, "recapitulatif")
        with page.expect_download() as attente:
            page.click("#bouton-yaml")
        assert Path(attente.value.path()).read_text(encoding="utf-8") == yaml_telecharge.read_text(encoding="utf-8")
        assert erreurs_js == []

    assert yaml_telecharge.name == "2026-tx-077.yaml"
    verifier = subprocess.run(
        [sys.executable, "-m", "clause_kit", "verifier", str(yaml_telecharge)], capture_output=True, text=True
    )
    assert verifier.returncode == 0, verifier.stderr
    assert f"Heures d'insertion : 1{ESPACE}329 h" in verifier.stdout
    sortie = tmp_path / "sortie"
    subprocess.run([sys.executable, "-m", "clause_kit", "generer", str(yaml_telecharge), "-o", str(sortie)], check=True)
    pieces = sorted((sortie / "cassis" / "2026-tx-077").glob("*.docx"))
    assert len(pieces) == 8
    with zipfile.ZipFile(io.BytesIO(archive)) as zip_:
        noms = set(zip_.namelist())
        assert {p.name for p in pieces} | {"manifest.json", "dossier.pdf", "fiche-suivi.xlsx"} <= noms
        assert {n for n in noms if n.endswith(".docx")} == {p.name for p in pieces}
        for piece in pieces:
            assert texte_docx(zip_.read(piece.name)) == texte_docx(piece), piece.name


def test_ctrl_c_arrete_le_serveur_proprement(tmp_path: Path) -> None:
    with serveur(tmp_path) as lance, navigateur() as chromium:
        page = chromium.new_page()
        page.goto(lance.adresse)
        expect(page.locator("h1")).to_have_text("Quel dispositif pour ce marché ?")
        assert page.evaluate("document.documentElement.lang") == "fr"
        # The keyboard reaches the skip link first, and the focus is visible.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    assert lance.code == 0, lance.erreurs
    assert "Traceback" not in lance.erreurs and "Formulaire arrêté." in lance.sortie
    assert f"{lance.adresse}/" in lance.sortie
