"""outils/construire_modeles.py: bootstraps a *new* template from a text draft, never replaces a .docx."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from clause_kit.revue.texte import texte

RACINE = Path(__file__).resolve().parent.parent
OUTIL = RACINE / "outils" / "construire_modeles.py"

BROUILLON = """\
@titre: Charte locale d'insertion
@pied: Charte locale – clause d'insertion
@numerotation: article

# Charte locale d'insertion
[[Reference]] Marché n° {{ marche.reference }} – {{ marche.objet }}
## Engagements
Le titulaire réserve **{{ insertion.heures_total }} heures** aux personnes éligibles.
{%p if insertion.article_53 %}
- La qualité de l'accompagnement est notée ({{ insertion.ponderation }}).
{%p endif %}
@tableau: 9 8
| Lot | Heures |
| {%tr for lot in lots %} |
| {{ lot.designation }} | {{ lot.heures }} |
| {%tr endfor %} |
## Signature
Fait à ... le ...
"""


def construire(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(OUTIL), *arguments], capture_output=True, text=True, check=False)


def test_nouveau_modele_depuis_un_brouillon(tmp_path: Path) -> None:
    brouillon = tmp_path / "charte_locale.txt"
    brouillon.write_text(BROUILLON, encoding="utf-8")
    modele = tmp_path / "charte_locale.docx"
    resultat = construire(str(brouillon), "-o", str(modele))
    assert resultat.returncode == 0, resultat.stderr
    assert texte(modele).splitlines() == [
        "[en-tête] {{ document.mention_projet }}{{ acheteur.nom }}\tMarché n°\u00a0{{ marche.reference }}",
        "Charte locale d'insertion",
        "Marché n°\u00a0{{ marche.reference }} – {{ marche.objet }}",
        "Article 1 – Engagements",
        "Le titulaire réserve {{ insertion.heures_total }} heures aux personnes éligibles.",
        "{%p if insertion.article_53 %}",
        "• La qualité de l'accompagnement est notée ({{ insertion.ponderation }}).",
        "{%p endif %}",
        "| Lot | Heures |",
        "| {%tr for lot in lots %} |  |",
        "| {{ lot.designation }} | {{ lot.heures }} |",
        "| {%tr endfor %} |  |",
        "Article 2 – Signature",
        "Fait à \t le",
        "[pied de page] Charte locale – clause d'insertion\tPage [page] sur [nombre de pages]",
        "[titre] Charte locale d’insertion",
        "[sujet] Clause d’insertion sociale dans un marché public",
    ]
    avant = modele.read_bytes()
    encore = construire(str(brouillon), "-o", str(modele))
    assert encore.returncode == 1 and "existe déjà" in encore.stderr and "modifiez-le dans Word" in encore.stderr
    assert modele.read_bytes() == avant


def test_ne_remplace_jamais_un_modele_du_depot(tmp_path: Path) -> None:
    modele = RACINE / "modeles" / "ccap_clauses.docx"
    avant = modele.read_bytes()
    brouillon = tmp_path / "ccap_clauses.txt"  # same name: the default output is modeles/ccap_clauses.docx
    brouillon.write_text(BROUILLON, encoding="utf-8")
    resultat = construire(str(brouillon))
    assert resultat.returncode == 1 and "ccap_clauses.docx existe déjà" in resultat.stderr
    assert modele.read_bytes() == avant


def test_brouillon_fautif_ne_laisse_aucun_fichier(tmp_path: Path) -> None:
    brouillon = tmp_path / "faute.txt"
    brouillon.write_text(BROUILLON.replace("insertion.heures_total", "insertion.heure_totale"), encoding="utf-8")
    resultat = construire(str(brouillon), "-o", str(tmp_path / "faute.docx"))
    assert resultat.returncode == 1
    assert "variable inconnue « insertion.heure_totale »" in resultat.stderr and "Traceback" not in resultat.stderr
    assert list(tmp_path.glob("*.docx")) == [] and list(tmp_path.glob(".*")) == []
    absent = construire(str(tmp_path / "absent.txt"), "-o", str(tmp_path / "x.docx"))
    assert absent.returncode == 1 and "chemin introuvable" in absent.stderr
