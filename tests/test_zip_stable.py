"""The zip writer of the .docx and .xlsx packages: readable by zipfile, byte-stable, compressed bytes reused."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from clause_kit.commun.zip_stable import assembler, compresser, entrees_brutes

RACINE = Path(__file__).resolve().parent.parent


def test_zipfile_relit_chaque_entree_dans_l_ordre() -> None:
    entrees = [
        compresser("[Content_Types].xml", b"<Types/>" * 100),
        compresser("word/media/image1.png", b"\x89PNG" + bytes(range(256))),
        compresser("xl/feuille é.xml", "<a>é</a>".encode()),
    ]
    contenu = assembler(entrees)
    with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == ["[Content_Types].xml", "word/media/image1.png", "xl/feuille é.xml"]
        assert archive.read("xl/feuille é.xml") == "<a>é</a>".encode()
        infos = archive.infolist()
        assert infos[1].compress_type == zipfile.ZIP_STORED  # a PNG is compressed already
        assert infos[0].compress_type == zipfile.ZIP_DEFLATED
        assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}  # no clock in the bytes
    assert assembler(entrees) == contenu


def test_les_octets_compresses_d_un_modele_sont_recopies_tels_quels() -> None:
    modele = RACINE / "modeles" / "ccap_clauses.docx"
    brut = modele.read_bytes()
    with zipfile.ZipFile(io.BytesIO(brut)) as archive:
        infos = archive.infolist()
        contenus = {info.filename: archive.read(info) for info in infos}
    brutes = entrees_brutes(brut, infos)
    assert set(brutes) == set(contenus)
    copie = assembler(brutes[info.filename] for info in infos)
    with zipfile.ZipFile(io.BytesIO(copie)) as archive:
        assert archive.testzip() is None
        assert {n: archive.read(n) for n in archive.namelist()} == contenus
    # Copied, not compressed again: the same compressed sizes as in the template.
    assert sum(len(e.donnees) for e in brutes.values()) == sum(i.compress_size for i in infos)


def test_une_entree_chiffree_ou_autrement_compressee_est_laissee_a_l_appelant() -> None:
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", compression=zipfile.ZIP_BZIP2) as archive:
        archive.writestr("a.xml", b"<a/>" * 50)
    with zipfile.ZipFile(io.BytesIO(tampon.getvalue())) as archive:
        assert entrees_brutes(tampon.getvalue(), archive.infolist()) == {}
