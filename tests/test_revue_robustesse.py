"""``comparer`` as safe as ``generer``: exclusive writes, a time limit and a clean stop for the Word engine,
a text diff that stays near-linear on long documents."""

from __future__ import annotations

import difflib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from clause_kit.cli import main
from clause_kit.revue import appariement
from clause_kit.revue.appariement import Appariement
from clause_kit.revue.difference import Paire, diff_unifie
from tests.test_revue_comparer import version

RACINE = Path(__file__).resolve().parent.parent

# A stand-in for the Word engine: leaves a file in its TMPDIR (as .NET does with its diagnostic
# pipes), starts a child of its own, says who they are, then hangs.
MOTEUR_BLOQUE = """
import os, pathlib, subprocess, sys, time
pathlib.Path(os.environ["TMPDIR"], "clr-debug-pipe-essai").write_text("x")
enfant = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
pathlib.Path(os.environ["TRACE_MOTEUR"]).write_text(f"{os.getpid()} {enfant.pid}")
time.sleep(300)
"""

# ``clause-kit`` with that engine in place of Docxodus (for a stop sent from outside).
LANCEUR = """
import sys
import python_redlines
from clause_kit.cli import main
MOTEUR = sys.argv.pop(1)
python_redlines.DocxodusEngine._build_command = lambda self, *args, **options: [sys.executable, "-c", MOTEUR]
main(sys.argv[1:], prog_name="clause-kit")
"""


@pytest.fixture()
def versions(tmp_path: Path) -> tuple[Path, Path]:
    return version(tmp_path / "ancien.docx", False), version(tmp_path / "nouveau.docx", True)


def _vivant(pid: int) -> bool:
    try:
        etat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return etat != "Z"  # a zombie is dead, only not yet reaped by its new parent


def _morts(trace: Path) -> bool:
    pids = [int(p) for p in trace.read_text().split()]
    fin = time.monotonic() + 10
    while any(_vivant(p) for p in pids) and time.monotonic() < fin:
        time.sleep(0.1)
    return not any(_vivant(p) for p in pids)


def _attendre_fichier(chemin: Path) -> None:
    fin = time.monotonic() + 60
    while not (chemin.is_file() and chemin.read_text()) and time.monotonic() < fin:
        time.sleep(0.1)
    assert chemin.is_file(), "le faux moteur n'a pas démarré"


def test_un_lien_plante_au_nom_temporaire_n_est_pas_suivi(versions: tuple[Path, Path], tmp_path: Path) -> None:
    victime = tmp_path / "victime.txt"
    victime.write_text("à garder", encoding="utf-8")
    sortie = tmp_path / "diff.txt"
    (tmp_path / f".{sortie.name}.{os.getpid()}.tmp").symlink_to(victime)  # the name the old code used
    resultat = CliRunner().invoke(main, ["comparer", str(versions[0]), str(versions[1]), "-o", str(sortie)])
    assert resultat.exit_code == 1, resultat.output
    assert victime.read_text(encoding="utf-8") == "à garder"
    assert sortie.read_text(encoding="utf-8").startswith("--- ") and not sortie.is_symlink()


def test_moteur_word_arrete_apres_le_delai_et_nettoye(
    versions: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import python_redlines  # the « revue » extra: installed by outils/installer.sh, as in CI

    temporaire = tmp_path / "tmp"
    temporaire.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporaire))
    trace = tmp_path / "trace"
    monkeypatch.setenv("TRACE_MOTEUR", str(trace))
    monkeypatch.setattr(
        python_redlines.DocxodusEngine, "_build_command", lambda self, *a, **o: [sys.executable, "-c", MOTEUR_BLOQUE]
    )
    sortie = tmp_path / "revue.docx"
    debut = time.monotonic()
    resultat = CliRunner().invoke(
        main, ["comparer", str(versions[0]), str(versions[1]), "--format", "docx", "-o", str(sortie), "--delai", "2"]
    )
    assert resultat.exit_code == 2 and time.monotonic() - debut < 60, resultat.output
    assert "arrêtée après 2 s (--delai)" in resultat.stderr and "Traceback" not in resultat.output
    assert not sortie.exists() and list(temporaire.iterdir()) == []
    assert _morts(trace)


def test_delai_invalide_refuse_en_francais(versions: tuple[Path, Path], tmp_path: Path) -> None:
    resultat = CliRunner().invoke(
        main, ["comparer", *map(str, versions), "--format", "docx", "-o", str(tmp_path / "r.docx"), "--delai", "0"]
    )
    assert resultat.exit_code == 2 and "--delai" in resultat.stderr


@pytest.mark.lent
def test_arret_par_sigterm_tue_le_moteur_et_nettoie(versions: tuple[Path, Path], tmp_path: Path) -> None:
    temporaire = tmp_path / "tmp"
    temporaire.mkdir()
    trace = tmp_path / "trace"
    environnement = {**os.environ, "PYTHONPATH": str(RACINE), "TMPDIR": str(temporaire), "TRACE_MOTEUR": str(trace)}
    sortie = tmp_path / "revue.docx"
    commande = [sys.executable, "-c", LANCEUR, MOTEUR_BLOQUE, "comparer", *map(str, versions), "--format", "docx"]
    processus = subprocess.Popen(
        [*commande, "-o", str(sortie)], env=environnement, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        _attendre_fichier(trace)
        processus.send_signal(signal.SIGTERM)
        _, erreurs = processus.communicate(timeout=60)
    finally:
        processus.kill()
    assert processus.returncode != 0 and "Traceback" not in erreurs, erreurs
    assert list(temporaire.iterdir()) == [] and not sortie.exists()
    assert _morts(trace)


def _textes(nombre: int) -> tuple[list[str], list[str]]:
    ancien = [
        f"Article {i} : le titulaire réserve des heures d'insertion, alinéa {i * 7919 % 100_003}."
        for i in range(nombre)
    ]
    return ancien, [f"{ligne} Modifié." if i % 2 else ligne for i, ligne in enumerate(ancien)]


def test_diff_texte_presque_lineaire_sur_50000_paragraphes() -> None:
    """177 s before (difflib's matcher starts over after each one-line match), about a second now."""
    ancien, nouveau = _textes(50_000)
    debut = time.monotonic()
    lignes = diff_unifie(Paire("long", Path("a.docx"), Path("b.docx"), ancien, nouveau))
    assert time.monotonic() - debut < 20
    assert len(lignes) == 2 + 1 + 50_000 + 25_000  # headers, one hunk, every line, the 25 000 added


def test_sur_un_texte_court_le_diff_est_celui_de_difflib() -> None:
    ancien, nouveau = _textes(300)
    nouveau = nouveau[:100] + ["Alinéa ajouté."] + nouveau[100:250] + nouveau[260:]
    attendu = list(difflib.unified_diff(ancien, nouveau, "a.docx", "b.docx", lineterm=""))
    assert diff_unifie(Paire("court", Path("a.docx"), Path("b.docx"), ancien, nouveau)) == attendu


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 6), max_size=40), st.lists(st.integers(0, 6), max_size=40))
def test_l_appariement_ancre_reconstruit_toujours_le_nouveau_texte(a: list[int], b: list[int]) -> None:
    ancien = appariement.PRODUIT_MAX_DIFFLIB
    appariement.PRODUIT_MAX_DIFFLIB = 4  # anchoring even on these short lists
    try:
        operations = Appariement(None, a, b, autojunk=False).get_opcodes()
    finally:
        appariement.PRODUIT_MAX_DIFFLIB = ancien
    reconstruit: list[int] = []
    for code, i1, i2, j1, j2 in operations:
        if code == "equal":
            assert a[i1:i2] == b[j1:j2]
        reconstruit += b[j1:j2]
    assert reconstruit == b and (not operations or (operations[-1][2], operations[-1][4]) == (len(a), len(b)))
