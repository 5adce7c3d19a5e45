"""``clause-kit comparer``: unified diff, side-by-side HTML page, template folders, variables, exit codes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from clause_kit.cli import main
from clause_kit.revue.difference import comparer, mots_modifies, rapport_texte
from tests.fabrique_word import document, paragraphe, tableau

MODELES = Path(__file__).resolve().parent.parent / "modeles"
DEPLACE = "Le facilitateur accompagne le titulaire pendant toute la durée du marché et valide chaque embauche."


def version(chemin: Path, nouvelle: bool) -> Path:
    """Two versions that differ by a sentence, a table cell, an added row, the header and a moved paragraph."""
    controle = (
        "chaque mois par le facilitateur ({{ facilitateur.nom }})"
        if nouvelle
        else ("chaque trimestre par le facilitateur ({{ marche.duree }})")
    )
    corps = [
        paragraphe("Article premier : objet du marché {{ marche.objet }}."),
        *([] if nouvelle else [paragraphe(DEPLACE)]),
        paragraphe("Le titulaire réserve des heures aux personnes éligibles."),
        paragraphe(f"Les heures sont contrôlées {controle}."),
        paragraphe("Les pénalités sont fixées au CCAP."),
        tableau(
            ["Lot", "Heures"],
            ["Gros œuvre", "450" if nouvelle else "400"],
            *([["Charpente", "120"]] if nouvelle else []),
        ),
        *([paragraphe(DEPLACE)] if nouvelle else []),
        paragraphe("Fin de la clause."),
    ]
    entete = [paragraphe(f"Commune d'Auriol – version {2 if nouvelle else 1}")]
    document(chemin, corps, entete=entete, pied=[paragraphe("Pied de page")])
    return chemin


@pytest.fixture()
def versions(tmp_path: Path) -> tuple[Path, Path]:
    return version(tmp_path / "ancien.docx", False), version(tmp_path / "nouveau.docx", True)


def invoquer(*arguments: str) -> object:
    return CliRunner().invoke(main, ["comparer", *arguments])


def test_texte_une_ligne_moins_et_plus_par_changement(versions: tuple[Path, Path]) -> None:
    resultat = invoquer(str(versions[0]), str(versions[1]))
    assert resultat.exit_code == 1
    lignes = resultat.output.splitlines()
    for attendu in (
        "-[en-tête] Commune d'Auriol – version 1",
        "+[en-tête] Commune d'Auriol – version 2",
        "-| Gros œuvre | 400 |",
        "+| Gros œuvre | 450 |",
        "+| Charpente | 120 |",
        "-Les heures sont contrôlées chaque trimestre par le facilitateur ({{ marche.duree }}).",
        "+Les heures sont contrôlées chaque mois par le facilitateur ({{ facilitateur.nom }}).",
        f"+{DEPLACE}",
        f"-{DEPLACE}",
    ):
        assert attendu in lignes
    assert " Article premier : objet du marché {{ marche.objet }}." in lignes  # context line
    assert "Variables retirées (ancien.docx → nouveau.docx) : marche.duree" in lignes
    assert "Variables ajoutées (ancien.docx → nouveau.docx) : facilitateur.nom" in lignes


def test_identiques_code_zero(versions: tuple[Path, Path], tmp_path: Path) -> None:
    copie = tmp_path / "copie.docx"
    shutil.copyfile(versions[0], copie)
    resultat = invoquer(str(versions[0]), str(copie))
    assert resultat.exit_code == 0 and resultat.output == "Aucune différence.\n"


@pytest.mark.parametrize("cas", ["absent", "pas un docx", "fichier et dossier"])
def test_erreur_code_deux_sans_trace(versions: tuple[Path, Path], tmp_path: Path, cas: str) -> None:
    autre = {"absent": tmp_path / "absent.docx", "pas un docx": tmp_path / "faux.docx", "fichier et dossier": tmp_path}
    (tmp_path / "faux.docx").write_text("pas un document", encoding="utf-8")
    resultat = invoquer(str(versions[0]), str(autre[cas]))
    assert resultat.exit_code == 2
    assert resultat.output.startswith("Erreur : ") and "Traceback" not in resultat.output


def test_couleur_mot_a_mot_sur_un_terminal(versions: tuple[Path, Path]) -> None:
    sortie = rapport_texte(comparer(*versions), couleur=True)
    inverse = re.findall(r"\x1b\[7m(.*?)\x1b\[0m", sortie)
    assert "1" in inverse and "2" in inverse  # only the changed word of the header is highlighted
    assert "trimestre" in inverse and "mois" in inverse
    assert "Commune d'Auriol – version " not in inverse


def test_mots_modifies() -> None:
    assert mots_modifies("réserve 400 heures", "réserve 450 heures") == [
        ("=", "réserve "),
        ("-", "400"),
        ("+", "450"),
        ("=", " heures"),
    ]


def test_page_html_autonome_cote_a_cote(versions: tuple[Path, Path], tmp_path: Path) -> None:
    page = tmp_path / "revue.html"
    resultat = invoquer(str(versions[0]), str(versions[1]), "--format", "html", "-o", str(page))
    assert resultat.exit_code == 1
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html
    for externe in ("http:", "https:", "<script", "<link", "src=", "@import", "url("):
        assert externe not in html  # opens offline, nothing fetched
    assert "<del>400</del>" in html and "<ins>450</ins>" in html
    assert "<del>trimestre</del>" in html and "<ins>mois</ins>" in html
    assert "<ins>| Charpente | 120 |</ins>" in html
    assert "Variables ajoutées : <code>facilitateur.nom</code>" in html
    assert html.count('class="ancien') == html.count('class="nouveau')  # two columns on every row


def test_dossiers_de_modeles_apparies_par_nom(tmp_path: Path) -> None:
    ancien, nouveau = tmp_path / "ancien", tmp_path / "nouveau"
    ancien.mkdir()
    nouveau.mkdir()
    for nom in ("ccap_clauses.docx", "cctp_clauses.docx", "notice_explicative.docx"):
        shutil.copyfile(MODELES / nom, ancien / nom)
    for nom in ("ccap_clauses.docx", "cctp_clauses.docx", "avis_publicite.docx"):
        shutil.copyfile(MODELES / nom, nouveau / nom)
    (nouveau / "~$ap_clauses.docx").write_bytes(b"verrou de Word")  # Word's lock file is ignored
    import docx

    cctp = docx.Document(str(nouveau / "cctp_clauses.docx"))
    cctp.add_paragraph("Nouvelle obligation : {{ marche.cpv }}")
    cctp.save(str(nouveau / "cctp_clauses.docx"))
    resultat = invoquer(str(ancien), str(nouveau))
    assert resultat.exit_code == 1
    sortie = resultat.output
    assert "Modèles retirés : notice_explicative.docx" in sortie
    assert "Modèles ajoutés : avis_publicite.docx" in sortie
    assert "+Nouvelle obligation : {{ marche.cpv }}" in sortie
    assert f"--- {ancien / 'ccap_clauses.docx'}" not in sortie  # identical: no diff
    assert "Variables ajoutées (cctp_clauses.docx) : marche.cpv" in sortie
