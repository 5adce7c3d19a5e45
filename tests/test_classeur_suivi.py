"""The follow-up workbook of a dossier: identity, keys, protection, lists, as Excel and LibreOffice see them."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from clause_kit.commun.erreurs import ErreursValidation
from clause_kit.dossier.classeur_suivi import (
    CELLULE_TITULAIRE,
    COLONNES,
    FEUILLE_SUIVI,
    IDENTITE,
    LIGNE_CLES,
    LIGNE_LIBELLES,
    NOM_FICHIER,
)
from clause_kit.dossier.construction import construire, ecrire
from clause_kit.suivi.lecture import lire_feuilles
from tests.suivi_commun import CONTRAT as LOT_SANS_CLAUSE
from tests.tableur import CSV_DEFAUT, CSV_FRANCAIS, convertir

JOUR = datetime.date(2026, 11, 24)
RACINE = Path(__file__).resolve().parent.parent
FONT_DE_MAI = RACINE / "dossiers" / "aubagne" / "font-de-mai.yaml"


@pytest.fixture(scope="module")
def contrat(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chemin = tmp_path_factory.mktemp("contrat") / "extension.yaml"
    chemin.write_text(LOT_SANS_CLAUSE, encoding="utf-8")
    return chemin


@pytest.fixture(scope="module")
def classeur(contrat: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    chemin = tmp_path_factory.mktemp("classeur") / NOM_FICHIER
    chemin.write_bytes(construire(contrat, aujourd_hui=JOUR).fichiers[NOM_FICHIER])
    return chemin


def _identite(lignes: list[list[object]]) -> dict[str, str]:
    premiere = [str(v) for v in lignes[0]]
    debut = premiere.index(IDENTITE) + 1
    return {premiere[i]: premiere[i + 1] for i in range(debut, len(premiere) - 1, 2) if premiere[i]}


def test_le_dossier_ecrit_le_classeur_et_le_nomme_au_manifeste_et_dans_le_zip(tmp_path: Path) -> None:
    construit = construire(FONT_DE_MAI, aujourd_hui=JOUR)
    cible = ecrire(construit, tmp_path / "sortie", archive=True)
    manifeste = json.loads((cible / "manifest.json").read_text(encoding="utf-8"))
    assert NOM_FICHIER in manifeste["autres_fichiers"]
    with zipfile.ZipFile(cible / f"{cible.name}.zip") as archive:
        assert NOM_FICHIER in archive.namelist()
        assert archive.read(NOM_FICHIER) == (cible / NOM_FICHIER).read_bytes()
    suivi = manifeste["suivi"]
    assert suivi["reference"] == "2026-TX-FDM" and suivi["heures_dues"] == construit.chiffres.heures_total
    assert [lot["heures_dues"] for lot in suivi["lots"]] == [lot.heures for lot in construit.chiffres.lots]
    assert suivi["penalite_par_heure"] == str(construit.chiffres.penalite_par_heure)


def test_identite_cachee_cles_cachees_et_libelles(classeur: Path, contrat: Path) -> None:
    import hashlib

    feuille = openpyxl.load_workbook(classeur)[FEUILLE_SUIVI]
    assert feuille.row_dimensions[1].hidden and feuille.row_dimensions[LIGNE_CLES].hidden
    identite = _identite([[c.value for c in feuille[1]]])
    assert identite["reference"] == "2026-TX-077"
    assert identite["lots"] == "1;2"  # lot 3 owes no hours: not on the sheet
    assert identite["empreinte_source"] == hashlib.sha256(contrat.read_bytes()).hexdigest()
    assert [c.value for c in feuille[LIGNE_CLES]][: len(COLONNES)] == [c.cle for c in COLONNES]
    assert [c.value for c in feuille[LIGNE_LIBELLES]][: len(COLONNES)] == [c.libelle for c in COLONNES]
    entete = "\n".join(str(feuille.cell(r, 1).value) for r in range(2, 7))
    assert "Extension du groupe scolaire" in entete and "lot 1 « Gros œuvre » : 800 heures" in entete
    assert "lot 3" not in entete and "04 42 00 00 01" in entete


def test_en_tete_verrouille_zone_de_saisie_ouverte(classeur: Path) -> None:
    classeur_ouvert = openpyxl.load_workbook(classeur)
    feuille = classeur_ouvert[FEUILLE_SUIVI]
    assert feuille.protection.sheet
    assert feuille.cell(3, 1).protection.locked and feuille.cell(LIGNE_LIBELLES, 3).protection.locked
    assert not feuille.cell(*CELLULE_TITULAIRE).protection.locked  # the holder's name is typed by the company
    assert not feuille.column_dimensions["C"].protection.locked  # the input area, below the header
    assert classeur_ouvert["Listes"].sheet_state == "hidden"
    assert classeur_ouvert["Codes"].sheet_state == "visible"


def test_listes_deroulantes_validations_et_aide_en_francais(classeur: Path) -> None:
    feuille = openpyxl.load_workbook(classeur)[FEUILLE_SUIVI]
    par_colonne = {str(v.sqref).split(":")[0].rstrip("0123456789"): v for v in feuille.data_validations.dataValidation}
    lettres = {c.cle: openpyxl.utils.get_column_letter(i) for i, c in enumerate(COLONNES, start=1)}
    assert par_colonne[lettres["lot"]].formula1 == '"1,2"'
    assert par_colonne[lettres["modalite"]].formula1 == "=liste_modalites"
    assert par_colonne[lettres["heures"]].type == "decimal" and par_colonne[lettres["heures"]].formula2 == "250"
    assert par_colonne[lettres["debut_contrat"]].type == "date"
    assert par_colonne[lettres["publics"]].errorStyle == "information"  # several publics may be typed
    assert "facilitateur" in par_colonne[lettres["participant"]].prompt
    classeur_ouvert = openpyxl.load_workbook(classeur)
    plage = classeur_ouvert.defined_names["liste_types_contrat"].attr_text
    valeurs = [c.value for ligne in classeur_ouvert["Listes"][plage.split("!")[1].replace("$", "")] for c in ligne]
    assert "CDI inclusion" in valeurs and "Contrat de professionnalisation" in valeurs


@pytest.mark.lent
def test_libreoffice_ouvre_le_classeur_et_garde_identite_validations_et_protection(
    classeur: Path, tmp_path: Path
) -> None:
    ods = convertir(classeur, "ods", tmp_path / "ods")
    retour = convertir(ods, "xlsx", tmp_path / "xlsx")
    for fichier in (ods, retour):
        lu = CalamineWorkbook.from_path(str(fichier))
        assert {"Suivi", "Listes", "Codes"} <= set(lu.sheet_names)
        grille = lu.get_sheet_by_name(FEUILLE_SUIVI).to_python(skip_empty_area=False)
        assert _identite(grille)["reference"] == "2026-TX-077"
        assert [str(v) for v in grille[LIGNE_CLES - 1][: len(COLONNES)]] == [c.cle for c in COLONNES]
    feuille = openpyxl.load_workbook(retour)[FEUILLE_SUIVI]
    assert feuille.protection.sheet
    assert feuille.cell(3, 1).protection.locked and not feuille.column_dimensions["C"].protection.locked
    assert feuille.row_dimensions[1].hidden and feuille.row_dimensions[LIGNE_CLES].hidden
    types = {v.type for v in feuille.data_validations.dataValidation}
    assert {"list", "decimal", "date", "textLength"} <= types


@pytest.mark.lent
@pytest.mark.parametrize("filtre", [CSV_FRANCAIS, CSV_DEFAUT])
def test_l_export_csv_garde_l_identite_et_les_cles(classeur: Path, tmp_path: Path, filtre: str) -> None:
    csv = convertir(classeur, filtre, tmp_path)
    texte = csv.read_bytes().decode("utf-8" if filtre == CSV_FRANCAIS else "cp1252")
    assert IDENTITE in texte and "Début du contrat" in texte
    (feuille,) = lire_feuilles(csv)  # the import finds the identity and the columns in the export
    assert feuille.identite["reference"] == "2026-TX-077" and feuille.lignes == []


def test_execution_fin_avant_debut_refusee(tmp_path: Path) -> None:
    chemin = tmp_path / "m.yaml"
    chemin.write_text(LOT_SANS_CLAUSE.replace("{debut: 2026-02-01}", "{debut: 2026-02-01, fin: 2026-01-01}"))
    with pytest.raises(ErreursValidation, match=r"m.yaml:18: execution: la fin d'exécution précède son début"):
        construire(chemin)


def test_la_fiche_word_et_le_classeur_ont_les_memes_codes(contrat: Path) -> None:
    from clause_kit.commun.codes import LISTES, codes
    from clause_kit.revue.texte import texte as texte_docx

    construit = construire(contrat, aujourd_hui=JOUR)
    fiche = next(p for p in construit.pieces if p.piece.code == "fiche_suivi_public")
    texte = texte_docx(fiche.contenu)
    listes = openpyxl.load_workbook(io.BytesIO(construit.fichiers[NOM_FICHIER]))["Listes"]
    deroulantes = {str(c.value) for colonne in listes.iter_cols(min_row=2) for c in colonne if c.value}
    for liste in LISTES:
        for code in codes(liste):
            # The Word sheet has the pieces' typography (’), the workbook the codes as typed.
            libelle = code.libelle.replace("'", "\u2019")
            assert f"{code.cle} – {libelle}" in texte or f"{code.cle} {libelle}" in texte, code
            assert code.libelle in deroulantes, code
    for colonne in ("Code de la personne", "Lot", "Modalité (code)", "Heures de formation", "Sortie (code)"):
        assert colonne in texte


def test_en_tete_style_explicite_et_reference_hors_saisie(classeur: Path) -> None:
    feuille = openpyxl.load_workbook(classeur)[FEUILLE_SUIVI]
    # Every header cell has its own locked, white style (not the yellow of the input columns).
    for rang in range(2, LIGNE_LIBELLES):
        for colonne in range(1, len(COLONNES) + 1):
            if (rang, colonne) in (CELLULE_TITULAIRE, (CELLULE_TITULAIRE[0], 10)):
                continue
            cellule = feuille.cell(rang, colonne)
            assert cellule.protection.locked and cellule.fill.fgColor.rgb == "00FFFFFF", cellule.coordinate
    assert feuille.cell(LIGNE_LIBELLES, 5).protection.locked
    # The reference is the sheet's own: its column is locked and grey, not an input column.
    assert feuille.column_dimensions["A"].protection.locked and feuille.column_dimensions["A"].fill.fgColor.rgb == (
        "00EDEDED"
    )
    validations = {str(v.sqref).split(":")[0].rstrip("0123456789"): v for v in feuille.data_validations.dataValidation}
    lettres = {c.cle: openpyxl.utils.get_column_letter(i) for i, c in enumerate(COLONNES, start=1)}
    assert validations[lettres["mois"]].type == "custom"
    assert validations[lettres["publics"]].errorTitle != "Valeur refusée"


def test_la_validation_du_mois_accepte_03_2026_dans_libreoffice(classeur: Path, tmp_path: Path) -> None:
    """The month column's formula, computed by LibreOffice on what a French user types."""
    feuille = openpyxl.load_workbook(classeur)[FEUILLE_SUIVI]
    lettres = {c.cle: openpyxl.utils.get_column_letter(i) for i, c in enumerate(COLONNES, start=1)}
    validation = next(
        v for v in feuille.data_validations.dataValidation if str(v.sqref).startswith(f"{lettres['mois']}12")
    )
    essais = [("03/2026", True), (datetime.date(2026, 3, 1), True), ("3/2026", False), ("mars", False)]
    livre = openpyxl.Workbook()
    essai = livre.active
    for rang, (valeur, _) in enumerate(essais, start=1):
        essai.cell(rang, 1, valeur)
        essai.cell(rang, 2, "=" + validation.formula1.replace(f"{lettres['mois']}12", f"A{rang}"))
    source = tmp_path / "essai.xlsx"
    livre.save(source)
    texte = convertir(source, CSV_FRANCAIS, tmp_path / "csv").read_text(encoding="utf-8")
    resultats = [ligne.split(";")[1].strip('"').upper() for ligne in texte.splitlines()]
    assert resultats == ["VRAI" if attendu else "FAUX" for _, attendu in essais] or resultats == [
        "TRUE" if attendu else "FALSE" for _, attendu in essais
    ], resultats
