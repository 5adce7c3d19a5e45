"""The form for everyone, in Debian's Chromium: axe-core on every page state, the keyboard alone, narrow
screens and zoom, and a restart of the server in the middle of the work.

axe-core is installed by outils/installer.sh (never fetched at run time); a serious or critical
violation fails the test, with the rule and the elements.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import DOSSIERS
from tests.navigateur import navigateur, port_libre, serveur, violations_graves

pytestmark = pytest.mark.lent

ETAPES = ("acheteur", "marche", "lots", "clause", "criteres", "facilitateur", "recapitulatif")


@pytest.fixture
def dossier(tmp_path: Path) -> Path:
    copie = tmp_path / "dossiers"
    shutil.copytree(DOSSIERS, copie)
    return copie


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with navigateur() as navigateur_:
        yield navigateur_


def _page(chromium: Browser, largeur: int = 1280, hauteur: int = 900) -> Page:
    contexte = chromium.new_context(
        viewport={"width": largeur, "height": hauteur}, locale="fr-FR", bypass_csp=True, accept_downloads=True
    )
    return contexte.new_page()


def _verifie(page: Page) -> None:
    page.wait_for_selector("#formulaire[data-verifie]", state="attached", timeout=15_000)


def _aucune_violation(page: Page, etat: str, constats: dict[str, list[str]]) -> None:
    violations = violations_graves(page)
    if violations:
        constats[etat] = violations


def test_axe_ne_trouve_rien_de_grave_dans_aucun_etat_des_pages(chromium: Browser, dossier: Path) -> None:
    constats: dict[str, list[str]] = {}
    with serveur(dossier) as lance:
        page = _page(chromium)
        page.goto(lance.adresse)
        _aucune_violation(page, "accueil", constats)
        page.goto(f"{lance.adresse}/?type=travaux&montant=beaucoup")
        _aucune_violation(page, "accueil, montant refusé", constats)
        page.goto(f"{lance.adresse}/?type=services&montant=1800000&metier=dechets&duree=48")
        _aucune_violation(page, "recommandation", constats)
        page.click("text=Remplir le formulaire")
        for ancre in ETAPES:
            page.click(f'nav.etapes a[href="#etape-{ancre}"]')
            _aucune_violation(page, f"nouveau marché, étape {ancre}", constats)
        page.goto(f"{lance.adresse}/ouvrir?fichier=la-penne-sur-huveaune/2026-tx-020-voirie.yaml")
        page.click('nav.etapes a[href="#etape-lots"]')
        # A lot's trade fills its own labour share.
        page.select_option("#m-c-marche-lots-0", "second_oeuvre")
        expect(page.locator("#c-marche-lots-0-insertion-taux_main_oeuvre")).to_have_value("70")
        expect(page.locator("#c-marche-lots-0-insertion-taux_main_oeuvre")).to_be_visible()
        page.fill("#c-marche-lots-1-montant_ht", "abc")
        _verifie(page)
        for ancre in ETAPES:
            page.click(f'nav.etapes a[href="#etape-{ancre}"]')
            _aucune_violation(page, f"marché en erreur, étape {ancre}", constats)
        page.check("#montrer-cles")
        _aucune_violation(page, "clés YAML montrées", constats)
        page.click("#bouton-generer")
        expect(page.locator("#generation-etat")).to_contain_text("n'a pas été généré")
        _aucune_violation(page, "génération refusée", constats)
        page.click("#bouton-enregistrer")
        _aucune_violation(page, "enregistrement à confirmer", constats)
        page.goto(lance.adresse)
        expect(page.locator(".liste-brouillons li").first).to_be_visible()
        _aucune_violation(page, "accueil avec brouillons", constats)
        etroite = _page(chromium, 640, 800)
        etroite.goto(f"{lance.adresse}/ouvrir?fichier=aubagne/hauts-de-quai.yaml")
        _aucune_violation(etroite, "640 px de large", constats)
    assert constats == {}


def _tabuler_jusqu_a(page: Page, condition: str, essais: int = 80) -> None:
    """Press Tab until ``condition`` (a JavaScript expression on ``el``, the focused element) holds."""
    for _ in range(essais):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!({condition}); }})()"):
            assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
            return
    raise AssertionError(f"jamais atteint au clavier : {condition}")


def test_tout_se_fait_au_clavier(chromium: Browser, dossier: Path) -> None:
    with serveur(dossier) as lance:
        page = _page(chromium)
        page.goto(lance.adresse)
        _tabuler_jusqu_a(page, "el.textContent.includes('Nouveau marché sans recommandation')")
        page.keyboard.press("Enter")
        expect(page.locator("#etape-acheteur")).to_be_visible()
        _tabuler_jusqu_a(page, "el.id === 'c-acheteur-nom'")
        page.keyboard.type("Commune de Cassis")
        _tabuler_jusqu_a(page, "el.id === 'c-acheteur-commune'")
        page.keyboard.type("Cassis")
        for suivante in ETAPES[1:]:
            _tabuler_jusqu_a(page, "el.matches('section.etape:not([hidden]) .navigation button.principal')")
            page.keyboard.press("Enter")
            expect(page.locator(f"#etape-{suivante}")).to_be_visible()
            assert page.evaluate("document.activeElement.id") == f"t-{suivante}"
        _verifie(page)
        # From the summary, an error's link leads to its field, on its step, focused.
        _tabuler_jusqu_a(page, "el.closest('#liste-erreurs a')")
        cible = page.evaluate("document.activeElement.getAttribute('href')")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.closest('section.etape').hidden") is False
        assert page.evaluate(
            f"document.activeElement.closest('{cible}') !== null || document.activeElement.id === '{cible[1:]}'"
        )
        # Add a lot and remove it, keyboard only.
        page.click('nav.etapes a[href="#etape-lots"]')
        _tabuler_jusqu_a(page, "el.matches('#etape-lots button.ajouter')")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "c-marche-lots-0-numero"
        _tabuler_jusqu_a(page, "el.matches('#c-marche-lots-0 button.retirer')")
        page.keyboard.press("Enter")
        expect(page.locator("#k-c-marche-lots > fieldset")).to_have_count(0)
        # A lot added by the script takes its trade's labour share too (its controls renumbered).
        page.click("#etape-lots button.ajouter")
        page.select_option("#m-c-marche-lots-0", "second_oeuvre")
        expect(page.locator("#c-marche-lots-0-insertion-taux_main_oeuvre")).to_have_value("70")


def test_les_chiffres_restent_visibles_en_ecran_etroit_et_le_recapitulatif_s_imprime(
    chromium: Browser, dossier: Path
) -> None:
    with serveur(dossier) as lance:
        page = _page(chromium, 640, 700)  # 1 280 px at 200 % zoom
        page.goto(f"{lance.adresse}/ouvrir?fichier=la-penne-sur-huveaune/2026-tx-020-voirie.yaml")
        resume = page.locator("#resume")
        expect(resume).to_contain_text("h d'insertion (Lot 1 :")
        page.mouse.wheel(0, 5000)
        page.wait_for_timeout(300)
        boite = resume.bounding_box()
        assert boite is not None and 0 <= boite["y"] < 100  # stays at the top while the form scrolls
        page.click('nav.etapes a[href="#etape-lots"]')
        # A lot's trade fills its own labour share.
        page.select_option("#m-c-marche-lots-0", "second_oeuvre")
        expect(page.locator("#c-marche-lots-0-insertion-taux_main_oeuvre")).to_have_value("70")
        expect(page.locator("#c-marche-lots-0-insertion-taux_main_oeuvre")).to_be_visible()
        page.fill("#c-marche-lots-1-montant_ht", "abc")
        _verifie(page)
        expect(resume).to_contain_text("erreur")
        # Only what changed is announced, politely: not the whole panel.
        annonce = page.locator("#annonce")
        expect(annonce).to_have_attribute("aria-live", "polite")
        assert len(annonce.inner_text()) < 200 and "erreur" in annonce.inner_text()
        page.emulate_media(media="print")
        expect(page.locator("#etape-facilitateur")).to_be_visible()
        expect(page.locator("#etape-recapitulatif")).to_be_visible()
        expect(page.locator("nav.etapes")).to_be_hidden()
        expect(page.locator("#bouton-generer")).to_be_hidden()


def test_un_redemarrage_du_serveur_ne_perd_rien(chromium: Browser, dossier: Path) -> None:
    port = port_libre()
    with serveur(dossier, port=port) as lance:
        page = _page(chromium)
        page.goto(lance.adresse)
        page.click("text=Nouveau marché sans recommandation")
        page.click('nav.etapes a[href="#etape-marche"]')
        page.fill("#c-marche-objet", "Objet tapé avant le redémarrage")
        page.keyboard.press("Tab")  # the field's change event now, not after the restart
        _verifie(page)
        autre = page.context.new_page()
        autre.goto(page.url.split("#")[0].replace("/nouveau", "/"))
        autre.click("text=Nouveau marché sans recommandation")
    # Ctrl-C, then at once the same port (TIME_WAIT must not refuse it).
    autre.click('nav.etapes a[href="#etape-marche"]')
    autre.fill("#c-marche-objet", "Tapé pendant l'arrêt")
    expect(autre.locator("#resume")).to_have_count(1)
    expect(autre.locator("#annonce")).to_contain_text("ne répond plus", timeout=10_000)
    with serveur(dossier, port=port) as lance:
        # The open tab's live check comes back by itself, with the new server's token.
        _verifie(autre)
        expect(autre.locator("#annonce")).to_contain_text("rétablie")
        # The first tab posts its old token: the form comes back as typed, with a notice; nothing saved.
        page.click('nav.etapes a[href="#etape-recapitulatif"]')
        page.click("#bouton-enregistrer")
        expect(page.locator("#message")).to_contain_text("session précédente du formulaire")
        expect(page.locator("#c-marche-objet")).to_have_value("Objet tapé avant le redémarrage")
        assert violations_graves(page) == []
        page.goto(lance.adresse)
        expect(page.locator(".liste-brouillons")).to_contain_text("Objet tapé avant le redémarrage")
        expect(page.locator(".liste-brouillons")).to_contain_text("Tapé pendant l'arrêt")
        page.click("text=Objet tapé avant le redémarrage")
        expect(page.locator("#c-marche-objet")).to_have_value("Objet tapé avant le redémarrage")
    assert lance.code == 0, lance.erreurs
