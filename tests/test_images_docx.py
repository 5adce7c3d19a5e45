"""Pictures as context values: rendered as inline drawings, reopened by python-docx and LibreOffice."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import docx
import pytest

from clause_kit.rendu.images import Image, trouver_images
from clause_kit.rendu.moteur import compiler, rendre
from tests.tableur import convertir


def png(largeur: int, hauteur: int, couleur: tuple[int, int, int]) -> bytes:
    """A plain PNG of one colour, written by hand (no imaging library in the test)."""

    def bloc(genre: bytes, donnees: bytes) -> bytes:
        return struct.pack(">I", len(donnees)) + genre + donnees + struct.pack(">I", zlib.crc32(genre + donnees))

    ligne = b"\x00" + bytes(couleur) * largeur
    return (
        b"\x89PNG\r\n\x1a\n"
        + bloc(b"IHDR", struct.pack(">IIBBBBB", largeur, hauteur, 8, 2, 0, 0, 0))
        + bloc(b"IDAT", zlib.compress(ligne * hauteur))
        + bloc(b"IEND", b"")
    )


ROUGE = Image(png(40, 20, (200, 0, 0)), 8.0, 4.0, "Heures par donneur d'ordre & par mois")
BLEU = Image(png(20, 20, (0, 0, 200)), 5.0, 5.0, "Personnes par public")


def modele(tmp_path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("Titre {{ titre }}")
    document.add_paragraph("{{ graphiques.rouge }}")
    document.add_paragraph("Avant {{ graphiques.bleu }} après, et encore {{ graphiques.rouge }}.")
    document.sections[0].header.paragraphs[0].text = "En-tête {{ graphiques.bleu }}"
    chemin = tmp_path / "images.docx"
    document.save(str(chemin))
    return chemin


def rendu(tmp_path: Path) -> bytes:
    return rendre(compiler(modele(tmp_path)), {"titre": "A & B", "graphiques": {"rouge": ROUGE, "bleu": BLEU}})


def test_les_images_sont_des_dessins_en_ligne_relus_par_python_docx(tmp_path: Path) -> None:
    document = docx.Document(io.BytesIO(rendu(tmp_path)))
    paragraphes = document.paragraphs
    assert [p.text for p in paragraphes] == ["Titre A & B", "", "Avant  après, et encore ."]
    formes = document.inline_shapes
    assert len(formes) == 3
    assert [round(f.width.cm, 1) for f in formes] == [8.0, 5.0, 8.0]
    assert [round(f.height.cm, 1) for f in formes] == [4.0, 5.0, 4.0]
    # The same picture twice is stored once; each drawing points to its own bytes.
    images = {p.target_part.blob for p in document.part.rels.values() if "image" in p.reltype}
    assert images == {ROUGE.png, BLEU.png}
    xml = paragraphes[2]._p.xml
    assert xml.index("Avant") < xml.index("w:drawing") < xml.index("après")  # in place, within the text
    assert 'descr="Heures par donneur d\'ordre &amp; par mois"' in paragraphes[1]._p.xml
    entete = document.sections[0].header
    assert entete.paragraphs[0].text == "En-tête " and "w:drawing" in entete.paragraphs[0]._p.xml


def test_le_paquet_declare_le_png_et_ne_garde_aucune_marque(tmp_path: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(rendu(tmp_path))) as paquet:
        noms = paquet.namelist()
        assert len(noms) == len(set(noms))
        assert sum(n.startswith("word/media/clause_kit-") for n in noms) == 2
        assert b'Extension="png"' in paquet.read("[Content_Types].xml")
        for nom in noms:
            if nom.endswith(".xml"):
                assert "\ue010" not in paquet.read(nom).decode("utf-8"), nom


def test_un_contexte_sans_image_rend_le_meme_paquet_qu_avant(tmp_path: Path) -> None:
    chemin = modele(tmp_path)
    document = docx.Document(str(chemin))
    for p in document.paragraphs[1:]:
        p.text = "rien"
    document.sections[0].header.paragraphs[0].text = "En-tête"
    document.save(str(chemin))
    with zipfile.ZipFile(io.BytesIO(rendre(compiler(chemin), {"titre": "x"}))) as paquet:
        assert not any(n.startswith("word/media/") for n in paquet.namelist())
    assert trouver_images({"a": [{"b": (ROUGE,)}], "c": "texte"}) == {ROUGE.cle: ROUGE}


@pytest.mark.lent
def test_libreoffice_ouvre_le_document_et_y_voit_les_images(tmp_path: Path) -> None:
    sortie = tmp_path / "rendu.docx"
    sortie.write_bytes(rendu(tmp_path))
    odt_converti = convertir(sortie, "odt", tmp_path / "odt")
    with zipfile.ZipFile(odt_converti) as odt:
        images = [n for n in odt.namelist() if n.startswith("Pictures/")]
        contenu = odt.read("content.xml").decode("utf-8") + odt.read("styles.xml").decode("utf-8")
    assert len(images) == 2
    assert contenu.count("<draw:frame") == 4
