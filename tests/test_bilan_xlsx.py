"""The report's own .xlsx writer, read back as a reader's tools read it: openpyxl, calamine, LibreOffice."""

from __future__ import annotations

import io
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from clause_kit.bilan.xlsx import Feuille, ecrire_classeur

FEUILLES = [
    Feuille(
        "Donneurs d'ordre",
        ["Nom", "Personnes", "Heures"],
        [
            ['Ville <A> & "B"', 12, 1607.5],
            ["  espaces gardés ", "< 5", Decimal("12.25")],
            ["contrôle\x07 retiré", None, 0],
        ],
        ["Une note sous le tableau."],
        [20, 10, 12],
    ),
    Feuille("Vide", ["Mois", "Heures"], []),
    Feuille("Large", [f"C{i}" for i in range(30)], [list(range(30))]),
]


@pytest.fixture(scope="module")
def classeur(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chemin = tmp_path_factory.mktemp("xlsx") / "bilan.xlsx"
    chemin.write_bytes(ecrire_classeur(FEUILLES, "Bilan d'essai & co"))
    return chemin


def test_openpyxl_relit_valeurs_types_styles_et_notes(classeur: Path) -> None:
    livre = openpyxl.load_workbook(classeur)
    assert livre.sheetnames == ["Donneurs d'ordre", "Vide", "Large"]
    assert livre.properties.title == "Bilan d'essai & co" and livre.properties.creator == "clause_kit"
    feuille = livre["Donneurs d'ordre"]
    assert list(feuille.iter_rows(values_only=True)) == [
        ("Nom", "Personnes", "Heures"),
        ('Ville <A> & "B"', 12, 1607.5),
        ("  espaces gardés ", "< 5", 12.25),
        ("contrôle retiré", None, 0),
        (None, None, None),
        ("Une note sous le tableau.", None, None),
    ]
    assert feuille["A1"].font.b and not feuille["A2"].font.b
    assert feuille.freeze_panes == "A2" and feuille.column_dimensions["A"].width == 20
    assert [c.value for c in livre["Vide"][1]] == ["Mois", "Heures"] and livre["Vide"].max_row == 1
    assert livre["Large"]["AD2"].value == 29 and livre["Large"]["AD1"].value == "C29"


def test_calamine_relit_le_classeur(classeur: Path) -> None:
    """calamine is what ``suivi importer`` reads workbooks with: a strict reader of its own."""
    livre = CalamineWorkbook.from_path(str(classeur))
    lignes = livre.get_sheet_by_name("Donneurs d'ordre").to_python()
    assert lignes[1] == ['Ville <A> & "B"', 12.0, 1607.5] and lignes[2][:2] == ["  espaces gardés ", "< 5"]


@pytest.mark.lent
def test_libreoffice_ouvre_le_classeur(classeur: Path, tmp_path: Path) -> None:
    """LibreOffice opens it and saves it again with the same sheets and values."""
    from tests.tableur import convertir

    resauve = convertir(classeur, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")
    livre = openpyxl.load_workbook(resauve)
    assert livre.sheetnames == ["Donneurs d'ordre", "Vide", "Large"]
    lignes = list(livre["Donneurs d'ordre"].iter_rows(values_only=True))
    assert lignes[1] == ('Ville <A> & "B"', 12, 1607.5) and lignes[5][0] == "Une note sous le tableau."


def test_le_meme_classeur_a_une_autre_heure_a_les_memes_octets(monkeypatch: pytest.MonkeyPatch) -> None:
    # zipfile dates an entry given by name with the current time: two identical reports a few
    # seconds apart differed (a review found it), where the Word report was the same to the byte.
    premier = ecrire_classeur(FEUILLES, "Bilan")
    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)  # 2033
    monkeypatch.setattr(time, "localtime", lambda *_: time.gmtime(2_000_000_000))
    assert ecrire_classeur(FEUILLES, "Bilan") == premier  # the same day: CLAUSE_KIT_AUJOURDHUI (conftest)
    with zipfile.ZipFile(io.BytesIO(premier)) as paquet:
        assert {info.date_time for info in paquet.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        # Dated by the day, as the Word report (the clock's second made two runs differ).
        assert b">2026-12-01T00:00:00Z</dcterms:created>" in paquet.read("docProps/core.xml")
