"""``comparer --format docx``: a Word redline, checked as a reviewer would use it in LibreOffice.

The two versions differ by a sentence, a table cell, an added row, the header and a moved
paragraph. LibreOffice opens the redline; « reject all » must give back the old text and
« accept all » the new one. LibreOffice is driven through its UNO API by
``tests/revisions_libreoffice.py``, run by Debian's Python (``python3-uno``, installed by
``outils/installer.sh``).
"""

from __future__ import annotations

import datetime
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from clause_kit.cli import main
from clause_kit.revue.texte import texte
from tests.test_revue_comparer import version

PYTHON_LIBREOFFICE = "/usr/bin/python3"  # Debian's Python: the one python3-uno is built for
AIDE_LIBREOFFICE = Path(__file__).parent / "revisions_libreoffice.py"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
REVISIONS = ("ins", "del", "moveFrom", "moveTo", "moveFromRangeStart", "moveToRangeStart", "rPrChange", "pPrChange")
AUTEUR = "Service juridique de Roquevaire"


@pytest.fixture(scope="module")
def redline(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    dossier = tmp_path_factory.mktemp("redline")
    ancien, nouveau = version(dossier / "ancien.docx", False), version(dossier / "nouveau.docx", True)
    sortie = dossier / "revue.docx"
    resultat = CliRunner().invoke(
        main, ["comparer", str(ancien), str(nouveau), "--format", "docx", "-o", str(sortie), "--auteur", AUTEUR]
    )
    assert resultat.exit_code == 1, resultat.output
    assert "Variables ajoutées" not in resultat.output and "variables ajoutées : facilitateur.nom" in resultat.output
    return ancien, nouveau, sortie


def parties(chemin: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(chemin) as archive:
        return {
            nom: etree.fromstring(archive.read(nom))
            for nom in archive.namelist()
            if nom.startswith("word/") and nom.endswith(".xml") and ("document" in nom or "header" in nom)
        }


def test_modifications_suivies_authentiques(redline: tuple[Path, Path, Path]) -> None:
    xml = parties(redline[2])
    corps = xml["word/document.xml"]
    suppressions = [e.text for e in corps.iter(f"{W}delText")]
    assert "400" in suppressions and any("trimestre" in (t or "") for t in suppressions)
    assert any(e.find(f".//{W}t") is not None for e in corps.iter(f"{W}ins"))
    assert list(corps.iter(f"{W}moveFrom")) and list(corps.iter(f"{W}moveTo"))  # a move, not delete + insert
    lignes_inserees = [tr for tr in corps.iter(f"{W}tr") if tr.find(f"{W}trPr/{W}ins") is not None]
    assert len(lignes_inserees) == 1 and "Charpente" in "".join(lignes_inserees[0].itertext())
    entete = next(racine for nom, racine in xml.items() if "header" in nom)
    assert [e.text for e in entete.iter(f"{W}delText")] == ["1"]
    assert "2" in "".join(t.text or "" for i in entete.iter(f"{W}ins") for t in i.iter(f"{W}t"))


def test_auteur_date_et_identifiants_uniques(redline: tuple[Path, Path, Path]) -> None:
    identifiants = []
    maintenant = datetime.datetime.now(datetime.UTC)
    for racine in parties(redline[2]).values():
        for nom in REVISIONS:
            for element in racine.iter(f"{W}{nom}"):
                identifiants.append(element.get(f"{W}id"))
                if nom in ("ins", "del", "moveFrom", "moveTo"):
                    assert element.get(f"{W}author") == AUTEUR
                    quand = datetime.datetime.fromisoformat(element.get(f"{W}date").replace("Z", "+00:00"))
                    assert abs((maintenant - quand).total_seconds()) < 600
    assert len(identifiants) >= 8
    assert len(identifiants) == len(set(identifiants)), "identifiants de révision en double"


@pytest.mark.lent
def test_libreoffice_rejeter_tout_rend_l_ancien_texte_et_accepter_tout_le_nouveau(
    redline: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    ancien, nouveau, revue = redline
    accepte, rejete = tmp_path / "accepte.docx", tmp_path / "rejete.docx"
    sortie = subprocess.run(
        [
            PYTHON_LIBREOFFICE,
            str(AIDE_LIBREOFFICE),
            "accepter",
            str(revue),
            str(accepte),
            "rejeter",
            str(revue),
            str(rejete),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert sortie.returncode == 0, sortie.stderr
    nombres = [ligne.rsplit(":", 1)[1].split("->") for ligne in sortie.stdout.splitlines()]
    assert all(int(avant) >= 8 and int(apres) == 0 for avant, apres in nombres)  # LibreOffice saw the changes
    assert texte(rejete) == texte(ancien)
    assert texte(accepte) == texte(nouveau)
    assert texte(revue) == texte(nouveau)  # ``texte`` itself reads a redline as accepted


def test_deux_dossiers_un_redline_par_modele_modifie(tmp_path: Path) -> None:
    ancien, nouveau, sortie = tmp_path / "ancien", tmp_path / "nouveau", tmp_path / "revues"
    ancien.mkdir()
    nouveau.mkdir()
    version(ancien / "ccap.docx", False)
    version(nouveau / "ccap.docx", True)
    version(ancien / "cctp.docx", False)
    version(nouveau / "cctp.docx", False)
    version(nouveau / "annexe.docx", True)
    resultat = CliRunner().invoke(main, ["comparer", str(ancien), str(nouveau), "--format", "docx", "-o", str(sortie)])
    assert resultat.exit_code == 1, resultat.output
    assert sorted(p.name for p in sortie.iterdir()) == ["ccap.docx"]
    assert "annexe.docx : ajouté, pas de comparaison Word" in resultat.output
    assert texte(sortie / "ccap.docx") == texte(nouveau / "ccap.docx")


def test_sans_python_redlines_un_message_dit_comment_l_installer(
    redline: tuple[Path, Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "python_redlines", None)  # import fails as if not installed
    cible = tmp_path / "revue.docx"
    resultat = CliRunner().invoke(
        main, ["comparer", str(redline[0]), str(redline[1]), "--format", "docx", "-o", str(cible)]
    )
    assert resultat.exit_code == 2
    assert "pip install 'clause_kit[revue]'" in resultat.output and "Traceback" not in resultat.output
    assert not cible.exists()


def test_format_docx_sans_sortie_est_une_erreur_d_usage(redline: tuple[Path, Path, Path]) -> None:
    resultat = CliRunner().invoke(main, ["comparer", str(redline[0]), str(redline[1]), "--format", "docx"])
    assert resultat.exit_code == 2 and "-o / --sortie" in resultat.output
