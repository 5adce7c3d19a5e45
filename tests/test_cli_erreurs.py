"""One place turns errors into messages: click's usage errors in French, clause_kit's errors, and bugs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from clause_kit.cli import main
from clause_kit.commun import horloge, journal
from clause_kit.commun.erreurs import ClauseKitError
from tests.jour_fixe import AUJOURDHUI


@pytest.mark.parametrize(
    ("arguments", "attendu"),
    [
        # The user's own words come back as typed: « or » is not turned into « ou ».
        (
            ["bilan", "--format", "or"],
            "valeur invalide pour --format : « or » n'est pas l'une des valeurs « texte », « json »",
        ),
        (["bilan", "--format", "texte or json"], "« texte or json » n'est pas l'une des valeurs"),
        (["generer"], "argument manquant : CHEMIN..."),
        (["generer", "x", "-o", "s", "-j", "0"], "valeur invalide pour -j / --jobs : 0 : au moins 1 attendu"),
        (["generer", "x", "-o", "s", "-j", "deux or trois"], "« deux or trois » n'est pas un nombre entier"),
        (["generer", "x", "--sortei", "s"], "option inconnue : --sortei (vouliez-vous dire --sortie"),
        (["genrer"], "commande inconnue : genrer"),
        (["verifier", "a.yaml", "b.yaml"], "argument(s) en trop : b.yaml"),
        (["generer", "x", "-o"], "l'option -o attend une valeur"),
    ],
)
def test_erreurs_d_usage_en_francais(arguments: list[str], attendu: str) -> None:
    resultat = CliRunner().invoke(main, arguments)
    assert resultat.exit_code == 2, resultat.output
    assert attendu in resultat.output
    assert "Aide : " in resultat.output and "--help" in resultat.output


def test_erreur_de_clause_kit_en_json_et_en_texte(tmp_path: Path) -> None:
    absent = tmp_path / "absent.yaml"
    resultat = CliRunner().invoke(main, ["verifier", "--format", "json", str(absent)])
    assert resultat.exit_code == 1
    donnees = json.loads(resultat.stdout)
    assert donnees["erreurs"][0]["fichier"] == str(absent)
    assert "introuvable" in resultat.stderr
    texte = CliRunner().invoke(main, ["verifier", str(absent)])
    assert texte.exit_code == 1 and texte.stdout == "" and "introuvable" in texte.stderr


def test_comparer_garde_son_code_2_en_erreur(tmp_path: Path) -> None:
    resultat = CliRunner().invoke(main, ["comparer", str(tmp_path / "a.docx"), str(tmp_path / "b.docx")])
    assert resultat.exit_code == 2 and "Erreur :" in resultat.stderr


def _commande_qui_plante(monkeypatch: pytest.MonkeyPatch) -> None:
    """``verifier`` made to hit a bug (a TypeError where no user mistake is involved)."""
    from clause_kit.marche import chargement

    def bogue(*_args: object, **_kwargs: object) -> None:
        raise TypeError("bogue interne de démonstration")

    monkeypatch.setattr(chargement, "charger_detail", bogue)


def test_une_erreur_inattendue_garde_sa_trace_dans_le_journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fichier = tmp_path / "journal.log"
    monkeypatch.setenv("CLAUSE_KIT_JOURNAL", str(fichier))  # the handler follows the variable
    _commande_qui_plante(monkeypatch)
    resultat = CliRunner().invoke(main, ["verifier", "x.yaml"])
    assert resultat.exit_code == 1
    assert "erreur inattendue de clause_kit (TypeError : bogue interne de démonstration)" in resultat.stderr
    assert f"la trace est dans {fichier}" in resultat.stderr
    assert "Traceback" not in resultat.output
    trace = fichier.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in trace and "in bogue" in trace
    assert journal.chemin_journal() == fichier


@pytest.mark.parametrize("maniere", ["option", "variable"])
def test_debug_montre_la_trace_a_l_ecran(tmp_path: Path, maniere: str) -> None:
    # A real process: the traceback printed by logging reaches the terminal's stderr.
    code = (
        "import sys\n"
        "from clause_kit.marche import chargement\n"
        "def bogue(*a, **k):\n    raise TypeError('bogue interne')\n"
        "chargement.charger_detail = bogue\n"
        "from clause_kit.cli import main\n"
        "sys.argv = ['clause-kit'] + sys.argv[1:]\n"
        "main()\n"
    )
    env = {**os.environ, "CLAUSE_KIT_JOURNAL": str(tmp_path / "j.log")}
    arguments = ["--debug", "verifier", "x.yaml"] if maniere == "option" else ["verifier", "x.yaml"]
    if maniere == "variable":
        env["CLAUSE_KIT_DEBUG"] = "1"
    resultat = subprocess.run(
        [sys.executable, "-c", code, *arguments], capture_output=True, text=True, env=env, check=False
    )
    assert resultat.returncode == 1
    assert "Traceback (most recent call last)" in resultat.stderr and "TypeError: bogue interne" in resultat.stderr
    assert "Traceback" in (tmp_path / "j.log").read_text(encoding="utf-8")


def test_sans_debug_rien_n_est_ecrit_au_journal_d_une_commande_reussie(tmp_path: Path) -> None:
    env = {**os.environ, "CLAUSE_KIT_JOURNAL": str(tmp_path / "j.log")}
    resultat = subprocess.run(
        [sys.executable, "-m", "clause_kit", "bilan", "--format", "or"], capture_output=True, env=env, check=False
    )
    assert resultat.returncode == 2 and not (tmp_path / "j.log").exists()


def test_les_erreurs_de_clause_kit_ne_sont_attrapees_qu_une_fois() -> None:
    racine = Path(__file__).resolve().parent.parent / "clause_kit"
    lieux = []
    for module in racine.rglob("cli*.py"):
        for ligne in module.read_text(encoding="utf-8").splitlines():
            if "except ClauseKitError" in ligne:
                lieux.append(str(module.relative_to(racine)))
    # The group's handler, and the batch report that says why it could not be written after the summary.
    assert sorted(lieux) == ["cli.py", "commun/cli_fr.py"], lieux


def test_aujourdhui_fixe_par_la_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    assert horloge.aujourdhui() == AUJOURDHUI  # the tests' own day, set by conftest.py
    monkeypatch.setenv(horloge.VARIABLE, "2031-02-03")
    assert horloge.aujourdhui().isoformat() == "2031-02-03"
    monkeypatch.setenv(horloge.VARIABLE, "03/02/2031")
    with pytest.raises(ClauseKitError, match="CLAUSE_KIT_AUJOURDHUI : « 03/02/2031 » n'est pas une date AAAA-MM-JJ"):
        horloge.aujourdhui()


def test_click_n_a_pas_change_la_forme_de_ses_exceptions() -> None:
    # The French messages are built from these fields: a click release that renames them must fail here.
    erreur = click.NoSuchOption("--x", possibilities=["--y"])
    assert erreur.option_name == "--x" and erreur.possibilities == ["--y"]
    assert hasattr(click.MissingParameter(), "param_type")


def test_un_lecteur_qui_ferme_le_tube_n_est_pas_une_erreur_inattendue() -> None:
    # ``clause-kit bilan --format json | head -1``: the reader leaves once it has its line. Python
    # then raises BrokenPipeError on the next write, which was reported as an unexpected error.
    processus = subprocess.Popen(
        [sys.executable, "-m", "clause_kit", "schema"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert processus.stdout is not None and processus.stderr is not None
    processus.stdout.close()  # before the command writes anything: its first write breaks the pipe
    erreur = processus.stderr.read().decode("utf-8")
    assert processus.wait(timeout=60) == 1
    assert erreur == "", erreur  # neither « erreur inattendue » nor Python's « Exception ignored »
