"""Tests of clause_kit.dossier.pdf: they really run LibreOffice.

No skip when LibreOffice is missing: CI installs it, and a missing LibreOffice must make
the suite fail loudly rather than pass without testing the PDF output.
"""

from __future__ import annotations

import os
import re
import stat
import time
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from clause_kit.commun.erreurs import ClauseKitError, ErreurPdf
from clause_kit.dossier.pdf import assembler_pdf, convertir_en_pdf, est_pdf, trouver_soffice

# Distinctive French text per document: accents, euro sign, guillemets, œ ligature.
TEXTES = {
    "ccap": "Clause d’insertion : 1 250 € pour l’élève « Hélène »",
    "rc": "Règlement de la consultation : cœur de l’œuvre « Noël »",
    "ae": "Acte d’engagement : montant 98 765,43 € « Œdipe » à Évreux",
}
TITRES = {"ccap": "CCAP", "rc": "Règlement de la consultation", "ae": "Acte d'engagement"}


def normaliser(texte: str) -> str:
    """Compare texts whatever the PDF extraction does with spaces and Unicode forms."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", texte)).strip()


def creer_docx(chemin: Path, titre: str, texte: str, *, pages: int = 1) -> Path:
    chemin.parent.mkdir(parents=True, exist_ok=True)
    document = Document()
    document.add_heading(titre, level=1)
    document.add_paragraph(texte)
    for rang in range(2, pages + 1):
        document.add_page_break()
        document.add_heading(f"{titre} — partie {rang}", level=1)
        document.add_paragraph(texte)
    document.save(str(chemin))
    return chemin


def texte_pdf(chemin: Path) -> str:
    return normaliser(" ".join(page.extract_text() for page in PdfReader(chemin).pages))


@dataclass(frozen=True)
class Conversion:
    entrees: list[Path]
    sortie: Path
    pdfs: list[Path]


@pytest.fixture(scope="module")
def conversion(tmp_path_factory: pytest.TempPathFactory) -> Conversion:
    """Convert, in a single LibreOffice batch, the 3 pieces and 2 files sharing a stem."""
    racine = tmp_path_factory.mktemp("conversion")
    entrees = [
        creer_docx(racine / "src" / f"{nom}.docx", TITRES[nom], texte, pages=2 if nom == "ccap" else 1)
        for nom, texte in TEXTES.items()
    ]
    homonymes = [
        creer_docx(racine / "lot1" / "annexe.docx", "Annexe", "Annexe du lot 1 : déchets"),
        creer_docx(racine / "lot2" / "annexe.docx", "Annexe", "Annexe du lot 2 : espaces verts"),
    ]
    sortie = racine / "pdf"
    pdfs = convertir_en_pdf([*entrees, *homonymes], sortie)
    return Conversion(entrees=[*entrees, *homonymes], sortie=sortie, pdfs=pdfs)


@pytest.mark.lent
def test_conversion_produit_un_pdf_par_document_avec_le_texte(conversion: Conversion) -> None:
    pdfs = conversion.pdfs
    assert len(pdfs) == 5
    for pdf, (nom, texte) in zip(pdfs, TEXTES.items(), strict=False):
        assert pdf == conversion.sortie / f"{nom}.pdf"
        assert est_pdf(pdf)
        assert pdf.read_bytes().startswith(b"%PDF-")
        assert len(PdfReader(pdf).pages) >= 1
        assert normaliser(texte) in texte_pdf(pdf)
    assert len(PdfReader(pdfs[0]).pages) == 2


@pytest.mark.lent
def test_conversion_homonymes_dans_des_dossiers_differents(conversion: Conversion) -> None:
    pdfs = conversion.pdfs
    annexe1, annexe2 = pdfs[3], pdfs[4]
    assert annexe1 != annexe2
    assert annexe1.name == "annexe.pdf"
    assert annexe2.name == "annexe-2.pdf"
    assert "Annexe du lot 1 : déchets" in texte_pdf(annexe1)
    assert "Annexe du lot 2 : espaces verts" in texte_pdf(annexe2)


@pytest.mark.lent
def test_conversion_en_plusieurs_lots_garde_l_ordre(conversion: Conversion, tmp_path: Path) -> None:
    # At most 2 per batch, of equal sizes: [annexe (lot 1)] then [rc, annexe (lot 2)]; distinct names still.
    annexe1, annexe2 = conversion.entrees[3], conversion.entrees[4]
    rc = conversion.entrees[1]
    pdfs = convertir_en_pdf([annexe1, rc, annexe2], tmp_path, taille_lot=2)
    assert [p.name for p in pdfs] == ["annexe.pdf", "rc.pdf", "annexe-2.pdf"]
    assert "lot 1" in texte_pdf(pdfs[0])
    assert normaliser(TEXTES["rc"]) in texte_pdf(pdfs[1])
    assert "lot 2" in texte_pdf(pdfs[2])


@pytest.mark.lent
def test_conversion_laisse_seulement_les_pdf_dans_la_sortie(conversion: Conversion) -> None:
    sortie = conversion.sortie
    assert sorted(p.name for p in sortie.iterdir()) == sorted(
        ["ccap.pdf", "rc.pdf", "ae.pdf", "annexe.pdf", "annexe-2.pdf"]
    )


def test_conversion_vide() -> None:
    assert convertir_en_pdf([], Path("/nonexistent")) == []


def test_docx_corrompu_refuse_avant_libreoffice(tmp_path: Path) -> None:
    bon = creer_docx(tmp_path / "bon.docx", "Bon", "Texte correct")
    corrompu = tmp_path / "x.docx"
    corrompu.write_bytes(os.urandom(4096))
    # Without the check, LibreOffice imports random bytes as plain text and "succeeds".
    with pytest.raises(ErreurPdf, match=r"x\.docx") as info:
        convertir_en_pdf([bon, corrompu], tmp_path / "pdf")
    assert "docx valide" in str(info.value)
    assert isinstance(info.value, ClauseKitError)


def test_docx_introuvable(tmp_path: Path) -> None:
    with pytest.raises(ErreurPdf, match="absent.docx : fichier introuvable"):
        convertir_en_pdf([tmp_path / "absent.docx"], tmp_path / "pdf")


@pytest.mark.lent
def test_docx_au_xml_casse_echoue_dans_libreoffice(tmp_path: Path) -> None:
    # A real zip with word/document.xml passes the pre-check, but LibreOffice cannot load
    # it: it exits 0 without a PDF, and the failure must still be reported by name.
    modele = creer_docx(tmp_path / "modele.docx", "Modèle", "Texte")
    casse = tmp_path / "casse.docx"
    with zipfile.ZipFile(modele) as source, zipfile.ZipFile(casse, "w") as cible:
        for element in source.infolist():
            donnees = source.read(element.filename)
            if element.filename == "word/document.xml":
                donnees = b"<w:document pas du xml <<<"
            cible.writestr(element, donnees)
    with pytest.raises(ErreurPdf, match=r"n'a pas converti en PDF : .*casse\.docx"):
        convertir_en_pdf([casse], tmp_path / "pdf")
    assert not (tmp_path / "pdf" / "casse.pdf").exists()


def test_taille_lot_plafonnee(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        convertir_en_pdf([tmp_path / "a.docx"], tmp_path, taille_lot=300)


def _faux_soffice(tmp_path: Path, script: str) -> Path:
    chemin = tmp_path / "faux-soffice"
    chemin.write_text("#!/bin/sh\n" + script)
    chemin.chmod(chemin.stat().st_mode | stat.S_IXUSR)
    return chemin


def test_libreoffice_bloque_est_tue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The fake soffice starts a child, like the real script starts soffice.bin: both must die.
    pid_enfant = tmp_path / "enfant.pid"
    faux = _faux_soffice(tmp_path, f"sleep 60 &\necho $! > {pid_enfant}\nwait\n")
    monkeypatch.setenv("CLAUSE_KIT_SOFFICE", str(faux))
    docx = creer_docx(tmp_path / "lent.docx", "Lent", "Texte")
    debut = time.monotonic()
    with pytest.raises(ErreurPdf, match=r"ne répond plus après 1 s .*lent\.docx"):
        convertir_en_pdf([docx], tmp_path / "pdf", delai=1)
    assert time.monotonic() - debut < 15
    assert not processus_vivant(int(pid_enfant.read_text()))


def processus_vivant(pid: int) -> bool:
    """Alive means running: a killed child orphaned to a non-reaping PID 1 stays a zombie."""
    try:
        etat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return etat.rsplit(")", 1)[1].split()[0] not in {"Z", "X"}


def test_libreoffice_qui_ne_produit_rien_est_relance_puis_signale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # soffice exits 0 even when nothing was converted: the missing PDF is retried once.
    appels = tmp_path / "appels"
    faux = _faux_soffice(tmp_path, f"echo appel >> {appels}\necho 'Error: source file could not be loaded'\n")
    monkeypatch.setenv("CLAUSE_KIT_SOFFICE", str(faux))
    docx = creer_docx(tmp_path / "rate.docx", "Raté", "Texte")
    with pytest.raises(ErreurPdf, match=r"rate\.docx.*source file could not be loaded"):
        convertir_en_pdf([docx], tmp_path / "pdf")
    assert appels.read_text().count("appel") == 2


@pytest.mark.lent
def test_assembler_pdf_signets_metadonnees_pages(conversion: Conversion, tmp_path: Path) -> None:
    pdfs = conversion.pdfs
    pieces = [(TITRES[nom], pdf) for nom, pdf in zip(TEXTES, pdfs, strict=False)]
    sortie = tmp_path / "dossier" / "DCE.pdf"
    assembler_pdf(pieces, sortie, titre="DCE — Marché de nettoyage", auteur="Ville d'Évreux", sujet="Lot 1")

    lecteur = PdfReader(sortie)
    pages_par_piece = [len(PdfReader(pdf).pages) for _, pdf in pieces]
    assert len(lecteur.pages) == sum(pages_par_piece)

    # Top-level items are the pieces; nested lists are each piece's own headings.
    premiers = [item for item in lecteur.outline if not isinstance(item, list)]
    assert [item.title for item in premiers] == [titre for titre, _ in pieces]
    debuts = [sum(pages_par_piece[:rang]) for rang in range(len(pieces))]
    assert [lecteur.get_destination_page_number(item) for item in premiers] == debuts

    metadonnees = lecteur.metadata
    assert metadonnees is not None
    assert metadonnees.title == "DCE — Marché de nettoyage"
    assert metadonnees.author == "Ville d'Évreux"
    assert metadonnees.subject == "Lot 1"
    assert metadonnees.creator == "clause_kit"
    assert "CCAP" in texte_pdf(sortie)
    assert [p.name for p in sortie.parent.iterdir()] == ["DCE.pdf"]


@pytest.mark.lent
def test_assembler_pdf_corrompu_nomme_le_fichier(conversion: Conversion, tmp_path: Path) -> None:
    pdfs = conversion.pdfs
    faux = tmp_path / "abime.pdf"
    faux.write_bytes(b"%PDF-1.7\n" + os.urandom(2000))
    sortie = tmp_path / "DCE.pdf"
    with pytest.raises(ErreurPdf, match=r"abime\.pdf"):
        assembler_pdf([("CCAP", pdfs[0]), ("Abîmé", faux)], sortie, titre="DCE", auteur="Acheteur")
    assert not sortie.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["abime.pdf"]


def test_est_pdf(tmp_path: Path) -> None:
    assert not est_pdf(tmp_path / "absent.pdf")
    (tmp_path / "texte.pdf").write_text("pas un pdf")
    assert not est_pdf(tmp_path / "texte.pdf")
    (tmp_path / "ok.pdf").write_bytes(b"%PDF-1.4\n")
    assert est_pdf(tmp_path / "ok.pdf")
    assert not est_pdf(tmp_path)


@pytest.mark.lent
def test_trouver_soffice_dans_le_path() -> None:
    # Fails (does not skip) when LibreOffice is not installed: the PDF output needs it.
    assert Path(trouver_soffice()).name in {"soffice", "libreoffice", "soffice.exe"}


def test_trouver_soffice_variable_absente_et_path_vide(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAUSE_KIT_SOFFICE", str(tmp_path / "absent" / "soffice"))
    monkeypatch.setenv("PATH", "")
    with pytest.raises(ErreurPdf, match="apt-get install") as info:
        trouver_soffice()
    assert "libreoffice-writer-nogui" in str(info.value)
    assert "CLAUSE_KIT_SOFFICE" in str(info.value)


def test_trouver_soffice_sans_variable_et_path_vide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLAUSE_KIT_SOFFICE", raising=False)
    monkeypatch.setenv("PATH", "")
    with pytest.raises(ErreurPdf, match="apt-get install libreoffice-writer-nogui"):
        trouver_soffice()


def test_trouver_soffice_variable_prioritaire(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    faux = _faux_soffice(tmp_path, "exit 0\n")
    monkeypatch.setenv("CLAUSE_KIT_SOFFICE", str(faux))
    assert trouver_soffice() == str(faux)


@pytest.mark.lent
def test_conversion_arretee_sur_demande(tmp_path: Path) -> None:
    """A batch stop request kills LibreOffice within a poll and raises Interruption."""
    from clause_kit.commun.erreurs import Interruption

    document = Document()
    document.add_paragraph("Arrêt demandé")
    source = tmp_path / "arret.docx"
    document.save(str(source))
    with pytest.raises(Interruption):
        convertir_en_pdf([source], tmp_path / "pdf", arret=lambda: True)
    assert not (tmp_path / "pdf" / "arret.pdf").exists()
