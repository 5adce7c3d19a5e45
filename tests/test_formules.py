"""Nothing typed becomes a formula: the follow-up workbook and the batch report keep text as text."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from clause_kit.commun.tableur import cellule_texte, champ_csv, ressemble_a_une_formule
from clause_kit.dossier.classeur_suivi import FEUILLE_SUIVI, NOM_FICHIER
from clause_kit.dossier.construction import construire, ecrire
from clause_kit.lot.compte_rendu import Resultat, ecrire_rapport
from tests.suivi_commun import BONNES, CONTRAT
from tests.tableur import CSV_FRANCAIS, convertir, remplir

RACINE = Path(__file__).resolve().parent.parent
REFERENCE = '=HYPERLINK("http://exemple.invalid","ouvrir")'
COMMUNE = "=1+1"


@pytest.fixture()
def dossier_piege(tmp_path: Path) -> Path:
    """A dossier whose contract has a reference and a commune typed as formulas."""
    contrat = tmp_path / "piege.yaml"
    texte = CONTRAT.replace("reference: 2026-TX-077", 'reference: \'=HYPERLINK("http://exemple.invalid","ouvrir")\'')
    contrat.write_text(texte.replace("commune: Cuges-les-Pins}", "commune: '=1+1'}"), encoding="utf-8")
    return ecrire(construire(contrat), tmp_path / "sortie")


@pytest.mark.parametrize(
    ("valeur", "formule"),
    [("=1+1", True), ("+33 4", True), ("-5", True), ("@SOMME(A1)", True), ("\tx", True), ("\rx", True)]
    + [("Aubagne", False), ("2026-TX-077", False), ("", False), (12, False), (None, False)],
)
def test_la_regle(valeur: object, formule: bool) -> None:
    assert ressemble_a_une_formule(valeur) is formule
    assert champ_csv(valeur) == (f"'{valeur}" if formule else valeur)


def test_une_cellule_de_texte_n_est_jamais_une_formule() -> None:
    assert cellule_texte("A1", "=1+1", 6, 19) == '<c r="A1" s="19" t="inlineStr"><is><t>=1+1</t></is></c>'
    assert cellule_texte("B2", " a<b & \r", 6, 19) == (
        '<c r="B2" s="6" t="inlineStr"><is><t xml:space="preserve"> a&lt;b &amp; &#13;</t></is></c>'
    )


def test_fiche_de_suivi_sans_formule_et_toujours_importable(dossier_piege: Path, tmp_path: Path) -> None:
    classeur = dossier_piege / NOM_FICHIER
    with zipfile.ZipFile(classeur) as archive:
        assert not any(b"<f>" in archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/"))
    identite = [c.value for c in openpyxl.load_workbook(classeur)[FEUILLE_SUIVI][1]]
    assert REFERENCE in identite and COMMUNE in identite
    base = tmp_path / "suivi.sqlite"
    fiche = remplir(classeur.read_bytes(), BONNES, tmp_path / "fiche.xlsx")
    environnement = {**os.environ, "PYTHONPATH": str(RACINE)}
    for chemin in (dossier_piege, fiche):  # the manifest registers the contract, then the filled sheet
        resultat = subprocess.run(
            [sys.executable, "-m", "clause_kit", "suivi", "importer", str(chemin), "--base", str(base)],
            capture_output=True,
            text=True,
            env=environnement,
            cwd=tmp_path,
            timeout=120,
        )
        assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "3 ligne(s) importée(s)" in resultat.stdout


def test_rapport_csv_echappe_les_formules(tmp_path: Path) -> None:
    resultats = [Resultat("piege.yaml", commune=COMMUNE, reference=REFERENCE, statut="généré", heures=10, pieces=7)]
    resultats[0].avertissements = ["-attention", "@x"]
    _, chemin_csv = ecrire_rapport(resultats, tmp_path)
    (ligne,) = csv.DictReader(io.StringIO(chemin_csv.read_text(encoding="utf-8")))
    assert ligne["commune"] == "'=1+1" and ligne["reference"] == "'" + REFERENCE
    assert ligne["avertissements"] == "'-attention | @x" and ligne["heures"] == "10"


@pytest.mark.lent
def test_libreoffice_montre_le_texte_pas_une_valeur_calculee(dossier_piege: Path, tmp_path: Path) -> None:
    export = convertir(dossier_piege / NOM_FICHIER, CSV_FRANCAIS, tmp_path / "csv")
    premiere = export.read_text(encoding="utf-8").splitlines()[0]
    assert COMMUNE in premiere and "HYPERLINK" in premiere and ";2;" not in premiere
    rapport = tmp_path / "rapport.csv"
    ecrire_rapport([Resultat("p.yaml", commune=COMMUNE, reference=REFERENCE, statut="généré")], tmp_path / "r")
    rapport.write_bytes((tmp_path / "r" / "rapport-generation.csv").read_bytes())
    feuille = openpyxl.load_workbook(convertir(rapport, "xlsx", tmp_path / "xlsx")).active
    valeurs = {str(c.value) for c in feuille[2]}
    assert all(c.data_type != "f" for c in feuille[2])
    assert any(COMMUNE in v for v in valeurs) and "2" not in valeurs
