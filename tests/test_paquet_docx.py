"""Templates saved by LibreOffice or Word work; pending revisions are refused with a clear message.

The fixtures are written the way each program serialises a template (as docxtpl's own test
templates show): LibreOffice 5 to 7 writes ``&quot;`` and ``&apos;`` inside tags and splits a
tag across runs with empty ``<w:rPr>``; Word writes curly quotes, spelling marks and bookmarks
inside tags; both may keep tracked changes.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from clause_kit.cli import main
from clause_kit.commun.erreurs import ErreurModele
from clause_kit.dossier.pdf import trouver_soffice
from clause_kit.rendu.moteur import compiler, rendre
from clause_kit.revue.texte import texte as texte_docx
from tests.conftest import DOSSIERS, MODELES

CONTEXTE = {"marche": {"reference": "R-7", "objet": "Voirie"}, "acheteur": {"nom": "Commune d'Auriol"}}


def docx_xml(chemin: Path, corps: str, entete: str = "", titre: str = "") -> Path:
    """A .docx whose body, header and title are the XML given, as another program would have written them."""
    document = docx.Document()
    document.add_paragraph("CORPS")
    document.sections[0].header.paragraphs[0].text = "ENTETE"
    document.core_properties.title = "TITRE"
    tampon = io.BytesIO()
    document.save(tampon)
    remplacements = {
        "word/document.xml": ("<w:p><w:r><w:t>CORPS</w:t></w:r></w:p>", corps),
        "word/header1.xml": ("<w:r><w:t>ENTETE</w:t></w:r>", entete or "<w:r><w:t>en-tête</w:t></w:r>"),
        "docProps/core.xml": ("<dc:title>TITRE</dc:title>", f"<dc:title>{titre or 'titre'}</dc:title>"),
    }
    with zipfile.ZipFile(tampon) as source, zipfile.ZipFile(chemin, "w", zipfile.ZIP_DEFLATED) as cible:
        for info in source.infolist():
            donnees = source.read(info)
            if info.filename in remplacements:
                avant, apres = remplacements[info.filename]
                texte = donnees.decode("utf-8")
                assert avant in texte
                donnees = texte.replace(avant, apres).encode("utf-8")
            cible.writestr(info, donnees)
    return chemin


def p(*runs: str) -> str:
    return "<w:p>" + "".join(runs) + "</w:p>"


def r(texte: str, proprietes: str = "") -> str:
    return f'<w:r>{proprietes}<w:t xml:space="preserve">{texte}</w:t></w:r>'


def test_modele_a_la_maniere_de_libreoffice(tmp_path: Path) -> None:
    corps = (
        p(r("Réf. {{ marche.reference if marche.objet != &quot;x&quot; else &apos;?&apos; }}"))
        # A tag split across runs, each with an empty run-properties element.
        + p(r("Objet : {{ marche.", "<w:rPr></w:rPr>"), r("objet }}", "<w:rPr></w:rPr>"))
        + p(r("{% if marche.objet == &apos;Voirie&apos; %}travaux de voirie{% endif %}"))
    )
    chemin = docx_xml(
        tmp_path / "libreoffice.docx",
        corps,
        entete=r("{{ acheteur.nom ~ &quot; – &quot; ~ marche.reference }}"),
        titre="{{ marche.reference ~ &quot; : &quot; ~ marche.objet }}",
    )
    rendu = rendre(compiler(chemin), CONTEXTE)
    texte = texte_docx(rendu)
    assert "Réf. R-7" in texte and "Objet\u00a0: Voirie" in texte and "travaux de voirie" in texte
    assert "Commune d’Auriol – R-7" in texte  # the pieces' typography: ’
    assert docx.Document(io.BytesIO(rendu)).core_properties.title == "R-7 : Voirie"


def test_modele_a_la_maniere_de_word(tmp_path: Path) -> None:
    corps = (
        p(r("{% if marche.objet == “Voirie” %}oui{% endif %} {{ marche.objet ~ ‘ !’ }}"))
        # Spelling marks and a bookmark inside a tag, as Word leaves them.
        + p(
            r("Marché {{ marche."),
            '<w:proofErr w:type="spellStart"/>',
            r("reference"),
            '<w:proofErr w:type="spellEnd"/><w:bookmarkStart w:id="0" w:name="x"/>',
            r(" }}"),
            '<w:bookmarkEnd w:id="0"/>',
        )
    )
    chemin = docx_xml(tmp_path / "word.docx", corps, titre="{{ marche.reference ~ ‘ – ’ ~ marche.objet }}")
    rendu = rendre(compiler(chemin), CONTEXTE)
    texte = texte_docx(rendu)
    assert "oui Voirie\u00a0!" in texte and "Marché R-7" in texte
    assert docx.Document(io.BytesIO(rendu)).core_properties.title == "R-7 – Voirie"


@pytest.mark.parametrize(
    ("revision", "attendu"),
    [
        (
            '<w:del w:id="1" w:author="Jeanne Martin" w:date="2026-03-12T10:00:00Z">'
            "<w:r><w:delText>{{ marche.objt }}</w:delText></w:r></w:del>",
            "suppression par Jeanne Martin le 12 mars 2026",
        ),
        (
            '<w:ins w:id="2" w:author="Paul Riviere" w:date="2026-04-01T08:00:00Z">'
            + r("{{ marche.objet }}")
            + "</w:ins>",
            "insertion par Paul Riviere le 1er avril 2026",
        ),
        (
            '<w:r><w:rPr><w:b/><w:rPrChange w:id="3" w:author="Léa Roux" w:date="2026-05-02T00:00:00Z">'
            "<w:rPr/></w:rPrChange></w:rPr><w:t>gras</w:t></w:r>",
            "changement de mise en forme par Léa Roux le 2 mai 2026",
        ),
    ],
)
def test_modifications_suivies_refusees(tmp_path: Path, revision: str, attendu: str) -> None:
    chemin = docx_xml(tmp_path / "revise.docx", p(r("Objet : ")) + p(revision) + p(r("{{ marche.reference }}")))
    with pytest.raises(ErreurModele) as info:
        compiler(chemin)
    message = str(info.value)
    assert message.startswith("modèle revise.docx : modifications suivies en attente")
    assert attendu in message and "acceptez ou refusez toutes les modifications" in message


def test_doctype_refuse(tmp_path: Path) -> None:
    chemin = docx_xml(tmp_path / "dtd.docx", p(r("{{ marche.objet }}")))
    with zipfile.ZipFile(chemin) as archive:
        entrees = {i.filename: archive.read(i) for i in archive.infolist()}
    entrees["word/document.xml"] = entrees["word/document.xml"].replace(
        b"<w:document", b'<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">]>\n<w:document', 1
    )
    with zipfile.ZipFile(chemin, "w") as archive:
        for nom, donnees in entrees.items():
            archive.writestr(nom, donnees)
    with pytest.raises(ErreurModele, match="dtd.docx : word/document.xml contient une déclaration DOCTYPE"):
        compiler(chemin)


def _sans_numeros_de_page(texte: str) -> str:
    # LibreOffice stores the page fields' last computed values; Word recomputes them on opening.
    return re.sub(r"Page [0-9]+ sur [0-9]+", "Page N sur M", texte)


@pytest.mark.lent
def test_modeles_du_depot_reenregistres_par_libreoffice(tmp_path: Path) -> None:
    resauves = tmp_path / "modeles-lo"
    profil = tmp_path / "profil"
    commande = [trouver_soffice(), "--headless", "--norestore", f"-env:UserInstallation={profil.as_uri()}"]
    commande += ["--convert-to", "docx:MS Word 2007 XML", "--outdir", str(resauves), *map(str, MODELES.glob("*.docx"))]
    environnement = {"HOME": str(profil), "PATH": os.environ.get("PATH", "")}
    subprocess.run(commande, check=True, capture_output=True, timeout=300, env=environnement)
    shutil.copy(MODELES / "pieces.yaml", resauves / "pieces.yaml")
    noms = sorted(p.name for p in MODELES.glob("*.docx"))
    assert sorted(p.name for p in resauves.glob("*.docx")) == noms
    with zipfile.ZipFile(resauves / "ccap_clauses.docx") as archive:
        assert b"LibreOffice" in archive.read("docProps/app.xml")
        assert re.search(rb"\{%[^%]*&quot;", archive.read("word/document.xml")), "the case that failed: &quot; in a tag"
    for modeles, sortie in ((MODELES, tmp_path / "origine"), (resauves, tmp_path / "libreoffice")):
        resultat = CliRunner().invoke(
            main, ["generer", str(DOSSIERS), "-o", str(sortie), "--modeles", str(modeles), "-j", "1"]
        )
        assert resultat.exit_code == 0, resultat.output
    pieces = sorted((tmp_path / "origine").glob("*/*/*.docx"))
    assert len(pieces) > 30
    for piece in pieces:
        double = tmp_path / "libreoffice" / piece.relative_to(tmp_path / "origine")
        assert _sans_numeros_de_page(texte_docx(double)) == _sans_numeros_de_page(texte_docx(piece)), piece.name
