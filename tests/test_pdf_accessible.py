"""dossier.pdf and the annual report's PDF: tagged, French, PDF/A-2b, read with pikepdf (tests/pdf_accessible.py)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter

from clause_kit.cli import main
from clause_kit.dossier.pdf import convertir_en_pdf
from tests.conftest import DOSSIERS
from tests.pdf_accessible import defauts_accessibilite

pytestmark = pytest.mark.lent  # LibreOffice converts the pieces

CONTRAT = DOSSIERS / "roquevaire" / "2026-tx-031-ecole.yaml"


@pytest.fixture(scope="module")
def dossier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    racine = tmp_path_factory.mktemp("pdf-accessible")
    sortie = racine / "sortie"
    resultat = CliRunner().invoke(main, ["generer", str(CONTRAT), "-o", str(sortie), "--pdf"])
    assert resultat.exit_code == 0, resultat.output
    return next(sortie.glob("*/*"))


def test_le_dossier_pdf_est_balise_francais_et_pdfa(dossier: Path) -> None:
    assert defauts_accessibilite(dossier / "dossier.pdf", titre="2026-TX-031 – Rénovation de l'école") == []


def test_la_fusion_garde_chaque_piece_sa_structure_et_ses_signets(dossier: Path) -> None:
    pieces = sorted(dossier.glob("*.docx"))
    with pikepdf.open(dossier / "dossier.pdf") as pdf:
        document = pdf.Root.StructTreeRoot.K[0]
        assert document.S == pikepdf.Name.Document
        parties = list(document.K)
        assert len(parties) == len(pieces) and all(p.S == pikepdf.Name.Part for p in parties)
        assert all(p.P.objgen == document.objgen for p in parties)
        with pdf.open_outline() as plan:
            titres = [item.title for item in plan.root]
            assert titres == [str(p.T) for p in parties]
            assert all(item.children for item in plan.root)  # each piece's headings, under its bookmark
        nombre_pages = len(pdf.pages)
    manifeste = (dossier / "manifest.json").read_text(encoding="utf-8")
    assert all(titre in manifeste for titre in titres)
    texte = "\n".join(page.extract_text() for page in PdfReader(dossier / "dossier.pdf").pages)
    assert "2026-TX-031" in texte and "Rénovation de l" in texte
    assert nombre_pages >= len(pieces)


def test_une_fusion_page_a_page_est_refusee_par_la_verification(dossier: Path, tmp_path: Path) -> None:
    # The check is worth something only if it fails on what the dossier used to be: pages merged by
    # pypdf, each piece's structure tree dropped.
    pieces = convertir_en_pdf(sorted(dossier.glob("*.docx")), tmp_path / "pdf")
    ecrivain = PdfWriter()
    for piece in pieces:
        ecrivain.append(PdfReader(piece))
    tampon = io.BytesIO()
    ecrivain.write(tampon)
    ancien = tmp_path / "ancien.pdf"
    ancien.write_bytes(tampon.getvalue())
    defauts = defauts_accessibilite(ancien)
    assert "pas d'arbre de structure" in defauts and "MarkInfo/Marked absent" in defauts
    assert defauts_accessibilite(pieces[0]) == []  # each piece, as LibreOffice exports it


def test_le_bilan_pdf_est_balise_francais_et_pdfa(tmp_path: Path) -> None:
    aubagne = tmp_path / "aubagne"
    shutil.copytree(DOSSIERS / "aubagne", aubagne)
    sortie = tmp_path / "bilan"
    resultat = CliRunner().invoke(main, ["bilan", str(aubagne), "-o", str(sortie), "--pdf"])
    assert resultat.exit_code == 0, resultat.output
    (pdf,) = sortie.glob("*.pdf")
    assert defauts_accessibilite(pdf) == []


def test_un_titre_francais_avec_apostrophes_et_chevrons_reste_un_xmp_valide(dossier: Path, tmp_path: Path) -> None:
    from lxml import etree

    from clause_kit.dossier.pdf import assembler_pdf

    pieces = convertir_en_pdf(sorted(dossier.glob("*.docx"))[:2], tmp_path / "pdf")
    titre = "2026-TX-031 – Rénovation de l’école d'Aubagne « Les Lilas » & <annexe>"
    sortie = tmp_path / "dossier.pdf"
    assembler_pdf([("Avis", pieces[0]), ("Règlement", pieces[1])], sortie, titre=titre, auteur="Commune d’Aubagne")
    with pikepdf.open(sortie) as pdf:
        etree.fromstring(pdf.Root.Metadata.read_bytes())  # well-formed XML, whatever the title holds
    assert defauts_accessibilite(sortie, titre=titre) == []
