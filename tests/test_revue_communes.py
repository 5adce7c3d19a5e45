"""``modeles liste``, ``modeles copier`` and ``modeles comparer --commune``: a commune's own templates."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from clause_kit.cli import main
from clause_kit.rendu.couches import COMMUNE, STANDARD
from tests.test_couches import MODELES, ajouter_paragraphe, creer_cassis, empreinte


@pytest.fixture()
def cassis(tmp_path: Path) -> Path:
    return creer_cassis(tmp_path)


def invoquer(*arguments: str) -> object:
    return CliRunner().invoke(main, list(arguments), catch_exceptions=False)


def test_liste_montre_la_couche_de_chaque_piece(cassis: Path) -> None:
    shutil.copyfile(MODELES / "cctp_clauses.docx", cassis / "modeles" / "cctp-clauses.docx")  # misnamed
    racine = str(cassis.parent)
    resultat = invoquer("modeles", "liste", "--commune", "Cassis", "--dossiers", racine)
    assert resultat.exit_code == 0
    lignes = resultat.output.splitlines()
    ccap = next(ligne for ligne in lignes if ligne.startswith("ccap_clauses "))
    assert ccap.split()[1] == COMMUNE and empreinte(cassis / "modeles" / "ccap_clauses.docx")[:12] in ccap
    assert next(ligne for ligne in lignes if ligne.startswith("avis_publicite ")).split()[1] == STANDARD
    assert "cctp-clauses.docx ne remplace aucune pièce" in resultat.output
    inconnue = invoquer("modeles", "liste", "--commune", "Marseille", "--dossiers", racine)
    assert inconnue.exit_code == 1 and "commune « Marseille » introuvable" in inconnue.output


def test_copier_puis_suivre_les_mises_a_jour_du_standard(tmp_path: Path) -> None:
    racine = tmp_path / "dossiers"
    (racine / "gemenos").mkdir(parents=True)
    standard = tmp_path / "standard"  # stands for the bundled set, which the test must not touch
    shutil.copytree(MODELES, standard)
    commun = ("--commune", "Gémenos", "--dossiers", str(racine), "--modeles", str(standard))

    copie = invoquer("modeles", "copier", "ccap_clauses.docx", *commun)
    assert copie.exit_code == 0, copie.output
    propre = racine / "gemenos" / "modeles" / "ccap_clauses.docx"
    assert propre.read_bytes() == (racine / "gemenos" / "modeles" / "origine" / "ccap_clauses.docx").read_bytes()
    assert invoquer("modeles", "copier", "ccap_clauses.docx", *commun).exit_code == 1  # never overwritten

    ajouter_paragraphe(propre, "Clause locale de Gémenos pour {{ marche.duree }}.")
    ajouter_paragraphe(standard / "ccap_clauses.docx", "Nouvel alinéa du standard (version {{ document.version }}).")

    revue = invoquer("modeles", "comparer", *commun)
    assert revue.exit_code == 1
    commune_change, _, amont = revue.output.partition("Ce qui a changé dans le standard depuis la copie")
    assert "+Clause locale de Gémenos pour {{ marche.duree }}." in commune_change
    assert "-Nouvel alinéa du standard" in commune_change  # the commune's version lacks the new paragraph
    assert "+Nouvel alinéa du standard (version {{ document.version }})." in amont
    assert "Clause locale" not in amont
    assert "Variables ajoutées (ccap_clauses.docx) : document.version" in amont
    liste = invoquer("modeles", "liste", *commun)
    assert "le standard a changé depuis la copie" in liste.output

    assert invoquer("modeles", "copier", "ccap_clauses.docx", "--origine-seulement", *commun).exit_code == 0
    apres = invoquer("modeles", "comparer", *commun)
    _, _, amont = apres.output.partition("Ce qui a changé dans le standard depuis la copie")
    assert "Nouvel alinéa" not in amont and "Aucune différence." in amont


def test_verifier_les_modeles_d_une_commune(cassis: Path) -> None:
    ajouter_paragraphe(cassis / "modeles" / "ccap_clauses.docx", "Référent : {{ facilitateur.telephonne }}")
    resultat = invoquer("modeles", "verifier", "--commune", "cassis", "--dossiers", str(cassis.parent))
    assert resultat.exit_code == 1
    assert "cassis/modeles/ccap_clauses.docx: paragraphe" in resultat.output
    assert "variable inconnue « facilitateur.telephonne » ; vouliez-vous dire « facilitateur.telephone » ?" in (
        resultat.output
    )
