"""Templates per commune in ``generer``: layers (commune, chosen set, standard), recorded in the manifest."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from clause_kit.cli import main
from clause_kit.commun.erreurs import ErreurDonnees
from clause_kit.dossier.construction import construire
from clause_kit.rendu.couches import CHOISI, COMMUNE, STANDARD, couches_pour

RACINE = Path(__file__).resolve().parent.parent
MODELES = RACINE / "modeles"
CONTRAT = (
    "acheteur: {nom: Commune de Cassis, commune: Cassis}\n"
    "marche: {reference: C-1, objet: Voirie du port, type: travaux, montant_ht: 400000, procedure: adaptee, "
    "date_lancement: 2026-10-01}\n"
    "insertion:\n  article_14: {pourcentage: 5}\n"
)


def ajouter_paragraphe(chemin: Path, texte_ajoute: str) -> None:
    """Edit a template as legal services would in Word: one more paragraph at the end."""
    document = docx.Document(str(chemin))
    document.add_paragraph(texte_ajoute)
    document.save(str(chemin))


def texte(source: Path | bytes) -> str:
    """The body paragraphs (what these tests add is a body paragraph)."""
    document = docx.Document(io.BytesIO(source) if isinstance(source, bytes) else str(source))
    return "\n".join(p.text for p in document.paragraphs)


def empreinte(chemin: Path) -> str:
    return hashlib.sha256(chemin.read_bytes()).hexdigest()


@pytest.fixture()
def cassis(tmp_path: Path) -> Path:
    """dossiers/cassis with a _commune.yaml, one contract and its own CCAP template."""
    return creer_cassis(tmp_path)


def creer_cassis(tmp_path: Path) -> Path:
    """dossiers/cassis with a _commune.yaml, one contract and its own CCAP template."""
    dossier = tmp_path / "dossiers" / "cassis"
    (dossier / "modeles").mkdir(parents=True)
    (dossier / "_commune.yaml").write_text("facilitateur: {nom: Paul Riviere, telephone: 04 42 00 00 01}\n")
    (dossier / "2026").mkdir()
    (dossier / "2026" / "c-1.yaml").write_text(CONTRAT, encoding="utf-8")
    shutil.copyfile(MODELES / "ccap_clauses.docx", dossier / "modeles" / "ccap_clauses.docx")
    ajouter_paragraphe(dossier / "modeles" / "ccap_clauses.docx", "Clause propre à {{ acheteur.commune }}.")
    return dossier


def test_generer_utilise_le_modele_de_la_commune_et_le_note_au_manifeste(cassis: Path, tmp_path: Path) -> None:
    sortie = tmp_path / "sortie"
    resultat = CliRunner().invoke(main, ["generer", str(cassis), "-o", str(sortie), "-j", "1"])
    assert resultat.exit_code == 0, resultat.output
    dossier = sortie / "cassis" / "c-1"
    ccap = next(dossier.glob("*ccap*.docx"))
    assert "Clause propre à Cassis." in texte(ccap)
    assert "Clause propre" not in texte(next(dossier.glob("*cctp*.docx")))
    pieces = json.loads((dossier / "manifest.json").read_text(encoding="utf-8"))["pieces"]
    par_modele = {p["modele"]: p for p in pieces}
    assert par_modele["ccap_clauses.docx"]["couche_modele"] == COMMUNE
    assert par_modele["ccap_clauses.docx"]["sha256_modele"] == empreinte(cassis / "modeles" / "ccap_clauses.docx")
    assert par_modele["cctp_clauses.docx"]["couche_modele"] == STANDARD
    assert par_modele["cctp_clauses.docx"]["sha256_modele"] == empreinte(MODELES / "cctp_clauses.docx")


def test_sans_valeurs_communes_le_dossier_du_marche_est_celui_de_la_commune(tmp_path: Path) -> None:
    dossier = tmp_path / "auriol"
    (dossier / "modeles").mkdir(parents=True)
    shutil.copyfile(MODELES / "cctp_clauses.docx", dossier / "modeles" / "cctp_clauses.docx")
    ajouter_paragraphe(dossier / "modeles" / "cctp_clauses.docx", "CCTP d'Auriol.")
    fichier = dossier / "a-1.yaml"
    propre = "facilitateur: {structure: PLIE, courriel: plie@auriol.example}\n"
    fichier.write_text(propre + CONTRAT.replace("Cassis", "Auriol"), encoding="utf-8")
    construit = construire(fichier)
    cctp = next(p for p in construit.pieces if p.piece.code == "cctp_clauses")
    assert cctp.couche_modele == COMMUNE and "CCTP d’Auriol." in texte(cctp.contenu)


def test_jeu_choisi_partiel_complete_par_le_standard_et_domine_par_la_commune(cassis: Path, tmp_path: Path) -> None:
    jeu = tmp_path / "jeu"
    jeu.mkdir()
    for nom in ("ccap_clauses.docx", "notice_explicative.docx"):
        shutil.copyfile(MODELES / nom, jeu / nom)
        ajouter_paragraphe(jeu / nom, "Version du jeu choisi.")
    construit = construire(cassis / "2026" / "c-1.yaml", modeles=jeu)
    couches = {p.piece.code: p.couche_modele for p in construit.pieces}
    assert couches["ccap_clauses"] == COMMUNE  # the commune's own wins over the chosen set
    assert couches["notice_explicative"] == CHOISI
    assert couches["avis_publicite"] == STANDARD  # the partial set has no pieces.yaml: the standard list
    notice = next(p for p in construit.pieces if p.piece.code == "notice_explicative")
    assert "Version du jeu choisi." in texte(notice.contenu)


def test_le_dossier_standard_choisi_reste_la_couche_standard() -> None:
    couches = couches_pour(choisi=MODELES)
    assert [c.nom for c in couches.couches] == [STANDARD]


def test_modele_introuvable_dans_toutes_les_couches(tmp_path: Path) -> None:
    jeu = tmp_path / "jeu"
    jeu.mkdir()
    (jeu / "pieces.yaml").write_text(
        "pieces:\n  - {code: annexe, modele: annexe_locale.docx, titre: Annexe, fichier: annexe}\n", encoding="utf-8"
    )
    with pytest.raises(ErreurDonnees, match="annexe_locale.docx introuvable"):
        couches_pour(choisi=jeu).pieces()
