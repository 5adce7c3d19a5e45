"""``clause-kit texte``: the reader's text of a .docx, stable enough for git's textconv and golden files."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from clause_kit.cli import main
from clause_kit.commun.erreurs import ErreurDocument
from clause_kit.revue.texte import lignes, lire, texte
from tests.fabrique_word import (
    document,
    faute,
    insertion,
    lien,
    note,
    paragraphe,
    run,
    signet,
    suppression,
    tableau,
)

RACINE = Path(__file__).resolve().parent.parent
MODELES = RACINE / "modeles"

PAGE = (
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
)


def test_balises_coupees_par_word_relues_d_un_seul_tenant(tmp_path: Path) -> None:
    chemin = tmp_path / "word.docx"
    document(
        chemin,
        [
            paragraphe("Marché n° {{ ", faute("marche"), ".", run("reference", gras=True), signet("_GoBack"), " }}"),
            paragraphe("{%p if insertion.regime == “cmp2006” %}"),
            paragraphe("Objet : ", run("{{ marche.", italique=True), "objet }}"),
        ],
    )
    assert lignes(lire(chemin)) == [
        "Marché n° {{ marche.reference }}",
        "{%p if insertion.regime == “cmp2006” %}",
        "Objet : {{ marche.objet }}",
    ]


def test_tableaux_ligne_par_ligne_et_cellules_marquees(tmp_path: Path) -> None:
    fusion = '<w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr>' + paragraphe("Total sur deux colonnes") + "</w:tc>"
    xml = tableau(
        ["Lot", "Heures", "ETP"],
        ["Gros œuvre", [paragraphe("400 heures"), paragraphe("soit quatre cents"), paragraphe("")], "0,25"],
        [fusion, "C"],
    )
    chemin = tmp_path / "tableau.docx"
    document(chemin, [paragraphe("Avant"), xml, paragraphe("Après")])
    assert lignes(lire(chemin)) == [
        "Avant",
        "| Lot | Heures | ETP |",
        "| Gros œuvre | 400 heures ¶ soit quatre cents | 0,25 |",
        "| Total sur deux colonnes | C |",
        "Après",
    ]


def test_en_tetes_pieds_de_page_notes_et_champs(tmp_path: Path) -> None:
    chemin = tmp_path / "notes.docx"
    document(
        chemin,
        [paragraphe("Le titulaire", note(5), " réserve des heures", note(3), "."), paragraphe("Suite.")],
        entete=[paragraphe("{{ acheteur.nom }}\u00a0", "\t", "Marché {{ marche.reference }}")],
        pied=[paragraphe("Page ", PAGE, " – CCAP")],
        notes={3: "Article L. 2112-2.", 5: "Au sens du CCAG."},
        titre="CCAP — insertion",
    )
    assert lignes(lire(chemin)) == [
        "[en-tête] {{ acheteur.nom }}\u00a0\tMarché {{ marche.reference }}",
        "Le titulaire[1] réserve des heures[2].",
        "Suite.",
        "[pied de page] Page [page] – CCAP",
        "[note 1] Au sens du CCAG.",
        "[note 2] Article L. 2112-2.",
        "[titre] CCAP — insertion",
    ]


LISTES = (
    '<w:abstractNum w:abstractNumId="71"><w:multiLevelType w:val="multilevel"/>'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="Article %1 – "/>'
    '<w:suff w:val="nothing"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>'
    '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>'
    "</w:abstractNum>"
    '<w:abstractNum w:abstractNumId="72"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
    '<w:lvlText w:val="\uf0b7"/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
    '<w:lvlText w:val="o"/></w:lvl></w:abstractNum>'
    '<w:abstractNum w:abstractNumId="73"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/>'
    '<w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
    '<w:num w:numId="71"><w:abstractNumId w:val="71"/></w:num>'
    '<w:num w:numId="72"><w:abstractNumId w:val="72"/></w:num>'
    '<w:num w:numId="73"><w:abstractNumId w:val="73"/></w:num>'
    '<w:num w:numId="74"><w:abstractNumId w:val="73"/>'
    '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
)


def test_numerotation_comme_word_l_affiche(tmp_path: Path) -> None:
    chemin = tmp_path / "listes.docx"
    corps = [
        paragraphe("Objet", numero=(71, 0)),
        paragraphe("Heures", numero=(71, 0)),
        paragraphe("Calcul", numero=(71, 1)),
        paragraphe("Montant", numero=(71, 2)),
        paragraphe("Taux", numero=(71, 2)),
        paragraphe("Contrôle", numero=(71, 1)),
        paragraphe("Publics", numero=(71, 0)),
        paragraphe("Répartition", numero=(71, 1)),
        paragraphe("RSA", numero=(72, 0)),
        paragraphe("dont jeunes", numero=(72, 1)),
        paragraphe("Un", numero=(73, 0)),
        paragraphe("Deux", numero=(73, 0)),
        paragraphe("Un encore", numero=(74, 0)),
        paragraphe("Sans numéro", numero=(0, 0)),
    ]
    document(chemin, corps, listes=LISTES)
    assert lignes(lire(chemin)) == [
        "Article 1 – Objet",
        "Article 2 – Heures",
        "2.1 Calcul",
        "a) Montant",
        "b) Taux",
        "2.2 Contrôle",
        "Article 3 – Publics",
        "3.1 Répartition",
        "• RSA",
        "  o dont jeunes",
        "I. Un",
        "II. Deux",
        "I. Un encore",
        "Sans numéro",
    ]


def test_modifications_suivies_lues_acceptees(tmp_path: Path) -> None:
    marque_supprimee = (
        '<w:p><w:pPr><w:rPr><w:del w:id="8" w:author="A" w:date="2026-01-01T00:00:00Z"/></w:rPr></w:pPr>'
        + run("Début fusionné ")
        + "</w:p>"
    )
    chemin = tmp_path / "suivi.docx"
    xml = tableau(["Lot", "Heures"], ["1", "400"], ["2", "120"], ligne_supprimee=2)
    document(
        chemin,
        [
            paragraphe("Le titulaire réserve ", suppression("400"), insertion("450"), " heures."),
            marque_supprimee,
            paragraphe("avec la suite."),
            paragraphe("Voir ", lien("l'article 3"), "."),
            xml,
        ],
    )
    assert lignes(lire(chemin)) == [
        "Le titulaire réserve 450 heures.",
        "Début fusionné avec la suite.",
        "Voir l'article 3.",
        "| Lot | Heures |",
        "| 1 | 400 |",
    ]


def test_zone_de_texte_lue_une_fois(tmp_path: Path) -> None:
    zone = (
        '<w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        '<mc:Choice Requires="wps"><w:drawing><w:txbxContent>'
        + paragraphe("Encadré {{ insertion.heures_total }}")
        + "</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>"
        + paragraphe("Encadré {{ insertion.heures_total }}")
        + "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )
    chemin = tmp_path / "zone.docx"
    document(chemin, [paragraphe("Texte ", zone, "autour")])
    assert lignes(lire(chemin)) == ["Texte autour", "[zone de texte] Encadré {{ insertion.heures_total }}"]


@pytest.mark.lent
def test_un_modele_reenregistre_par_libreoffice_garde_le_meme_texte(modeles_libreoffice: Path) -> None:
    for modele in sorted(MODELES.glob("*.docx")):
        reenregistre = modeles_libreoffice / modele.name
        assert reenregistre.read_bytes() != modele.read_bytes()
        assert texte(reenregistre) == texte(modele), modele.name


@pytest.mark.parametrize(
    ("contenu", "attendu"),
    [
        (b"pas un zip", "n'est pas un document Word (.docx) lisible"),
        (None, "sans partie principale"),
    ],
)
def test_fichier_illisible_message_clair(tmp_path: Path, contenu: bytes | None, attendu: str) -> None:
    chemin = tmp_path / "faux.docx"
    if contenu is None:
        with zipfile.ZipFile(chemin, "w") as archive:
            archive.writestr("autre.txt", "rien")
    else:
        chemin.write_bytes(contenu)
    with pytest.raises(ErreurDocument, match=re.escape(attendu)):
        lire(chemin)
    resultat = CliRunner().invoke(main, ["texte", str(chemin)])
    assert resultat.exit_code == 1
    assert "faux.docx" in resultat.output and attendu in resultat.output and "Traceback" not in resultat.output


def test_un_classeur_nomme_docx_n_est_pas_lu_comme_un_texte_vide(tmp_path: Path) -> None:
    # A workbook is a package like a .docx: its main part (xl/workbook.xml) used to be read as an empty
    # document, so that `texte` printed only its title and `comparer` reported every line as added.
    import openpyxl

    classeur = openpyxl.Workbook()
    classeur.properties.title = "Fiche de suivi"
    classeur.active["A1"] = "Heures"
    chemin = tmp_path / "fiche.docx"
    classeur.save(chemin)
    attendu = "fiche.docx : ce n'est pas un document Word (.docx) : sa partie principale xl/workbook.xml"
    resultat = CliRunner().invoke(main, ["texte", str(chemin)])
    assert resultat.exit_code == 1 and attendu in resultat.output and "Traceback" not in resultat.output
    comparaison = CliRunner().invoke(main, ["comparer", str(chemin), str(MODELES / "ccap_clauses.docx")])
    assert comparaison.exit_code == 2 and attendu in comparaison.output


def test_partie_trop_grande_ou_xml_invalide(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import clause_kit.commun.ooxml as ooxml

    monkeypatch.setattr(ooxml, "DECOMPRESSE_MAX", 20_000)  # a bomb inflates far beyond any real part
    with pytest.raises(ErreurDocument, match=r"ccap_clauses.docx : partie word/document.xml : plus de"):
        lire(MODELES / "ccap_clauses.docx")
    monkeypatch.undo()
    abime = tmp_path / "abime.docx"
    with zipfile.ZipFile(MODELES / "ccap_clauses.docx") as source, zipfile.ZipFile(abime, "w") as copie:
        for info in source.infolist():
            donnees = source.read(info)
            copie.writestr(info, donnees[:-200] if info.filename == "word/document.xml" else donnees)
    with pytest.raises(ErreurDocument, match=r"abime.docx : partie word/document.xml illisible \(XML invalide"):
        lire(abime)


def test_commande_texte() -> None:
    resultat = CliRunner().invoke(main, ["texte", str(MODELES / "ccap_clauses.docx")])
    assert resultat.exit_code == 0
    sortie = resultat.output.splitlines()
    assert sortie[0].startswith("[en-tête] {{ document.mention_projet }}{{ acheteur.nom }}")
    assert "Article 1 – Objet et champ de l'action d'insertion" in sortie
    assert "| {%tr for lot in lots %} |  |  |  |" in sortie


def test_git_diff_lisible_sur_les_modeles(tmp_path: Path) -> None:
    """The repository's .gitattributes and the README's git config line make git diff show text."""
    assert "*.docx diff=docx" in (RACINE / ".gitattributes").read_text(encoding="utf-8").splitlines()
    assert 'git config diff.docx.textconv "clause-kit texte"' in (RACINE / "README.md").read_text(encoding="utf-8")
    depot = tmp_path / "depot"
    depot.mkdir()
    shutil.copyfile(RACINE / ".gitattributes", depot / ".gitattributes")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t"}
    env["GIT_COMMITTER_EMAIL"] = "t@t"

    def git(*arguments: str) -> str:
        return subprocess.run(
            ["git", *arguments], cwd=depot, env=env, check=True, capture_output=True, text=True
        ).stdout

    git("init", "-q")
    git("config", "diff.docx.textconv", f"{sys.executable} -m clause_kit texte")
    document(depot / "ccap.docx", [paragraphe("Le titulaire réserve 400 heures."), paragraphe("Fin.")])
    git("add", ".")
    git("commit", "-q", "-m", "v1")
    document(depot / "ccap.docx", [paragraphe("Le titulaire réserve 450 heures."), paragraphe("Fin.")])
    diff = git("diff").splitlines()
    assert "-Le titulaire réserve 400 heures." in diff and "+Le titulaire réserve 450 heures." in diff
    # Counted in the text only: the « index » header names blobs whose hash may contain « 450 ».
    mots = git("diff", "--color-words").split("@@")[-1]
    assert mots.count("450") == 1 and mots.count("400") == 1
