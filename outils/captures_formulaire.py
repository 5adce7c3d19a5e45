"""Screenshots of each page of the guided form, for the README: docs/formulaire/*.png.

Starts ``clause-kit formulaire`` on a copy of the example communes and photographs each step
with Debian's Chromium (the browser of the tests, driven by Playwright), at 1 280 px wide.

    python outils/captures_formulaire.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

from tests.navigateur import navigateur, serveur  # noqa: E402

SORTIE = RACINE / "docs" / "formulaire"
ETAPES = [
    ("02-acheteur", "acheteur"),
    ("03-marche", "marche"),
    ("05-clause", "clause"),
    ("06-criteres", "criteres"),
    ("07-facilitateur", "facilitateur"),
    ("08-recapitulatif", "recapitulatif"),
]


def main() -> None:
    SORTIE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temporaire:
        dossier = Path(temporaire) / "dossiers"
        shutil.copytree(RACINE / "dossiers", dossier)
        with serveur(Path("dossiers"), dans=Path(temporaire)) as lance, navigateur() as chromium:
            page = chromium.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
            page.goto(f"{lance.adresse}/?type=services&montant=1800000&metier=dechets&duree=48")
            page.screenshot(path=SORTIE / "01-dispositif.png", full_page=True)
            page.goto(f"{lance.adresse}/ouvrir?fichier=aubagne/hauts-de-quai.yaml")
            for nom, ancre in ETAPES:
                page.click(f'nav.etapes a[href="#etape-{ancre}"]')
                page.screenshot(path=SORTIE / f"{nom}.png", full_page=True)
            page.goto(f"{lance.adresse}/ouvrir?fichier=la-penne-sur-huveaune/2026-tx-020-voirie.yaml")
            page.click('nav.etapes a[href="#etape-lots"]')
            page.screenshot(path=SORTIE / "04-lots.png", full_page=True)
            page.fill("#c-marche-lots-1-montant_ht", "500000")
            page.wait_for_selector("#formulaire[data-verifie]", state="attached")
            page.click('nav.etapes a[href="#etape-marche"]')
            page.screenshot(path=SORTIE / "09-erreur.png", full_page=True)
    print(f"captures écrites dans {SORTIE.relative_to(RACINE)}/")


if __name__ == "__main__":
    main()
