"""Dates and purges are bounded: one range of dates (1990-2100) everywhere, and a purge never reaches into the future.

Options (``--au``, ``--du``, ``--avant``, ``--date-publication``) outside the range are usage
errors in French; a work contract dated 1900 or 9999 in a sheet is a rejected row, named by its
cell; ``suivi purger`` refuses a date after today (unless ``--essai``) and, to delete, asks on a
terminal or wants ``--oui``. On every refusal the register is left exactly as it was.
"""

from __future__ import annotations

import datetime
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from clause_kit.cli import main
from clause_kit.commun.horloge import VARIABLE
from tests.suivi_commun import BONNES, compter, etat, importer, ligne
from tests.tableur import remplir

PLAGE = "date entre le 1er janvier 1990 et le 31 décembre 2100 attendue"


def _lancer(*arguments: str, entree: str | None = None) -> Result:
    return CliRunner().invoke(main, list(arguments), input=entree)


def _sans_trace(resultat: Result) -> None:
    assert "Traceback" not in resultat.output and "erreur inattendue" not in resultat.output, resultat.output


@pytest.fixture
def base(contrat: Path, vierge: bytes, tmp_path: Path) -> Path:
    """The test contract and three people's rows of March-April 2026 (the last one ends in July 2026)."""
    chemin = tmp_path / "suivi.sqlite"
    assert importer(chemin, contrat, remplir(vierge, BONNES, tmp_path / "fiche.xlsx")).exit_code == 0
    return chemin


def _contenu(base: Path) -> tuple[list[str], list[str]]:
    """Every row of the register and the evidence copies beside it."""
    with sqlite3.connect(base) as connexion:
        lignes = list(connexion.iterdump())
    return lignes, sorted(p.name for p in base.with_name("suivi-preuves").iterdir())


# --- options ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "arguments",
    [
        ("suivi", "etat", "--au", "9999-12-31"),
        ("suivi", "etat", "--au", "0001-01-01"),
        ("suivi", "etat", "--au", "1989-12-31"),
        ("suivi", "purger", "--avant", "0001-01-01"),
        ("suivi", "purger", "--avant", "9999-12-31", "--essai"),
        ("suivi", "purger", "--avant", "2101-01-01", "--oui"),
        ("bilan", "--du", "0001-01-01", "--au", "9999-12-31"),
        ("bilan", "--du", "2026-01-01", "--au", "2101-01-31"),
        ("bilan", "--du", "1900-01-01", "--au", "2026-12-31"),
    ],
    ids=lambda a: " ".join(a),
)
def test_une_date_hors_plage_en_option_est_une_erreur_d_utilisation(base: Path, arguments: tuple[str, ...]) -> None:
    avant = _contenu(base)
    resultat = _lancer(*arguments, "--base", str(base))
    _sans_trace(resultat)
    assert resultat.exit_code == 2 and PLAGE in resultat.stderr, resultat.output
    assert _contenu(base) == avant


def test_la_date_de_publication_des_decp_est_bornee(contrat: Path, tmp_path: Path) -> None:
    resultat = _lancer("publier", str(contrat), "--decp", "-o", str(tmp_path), "--date-publication", "9999-12-31")
    _sans_trace(resultat)
    assert resultat.exit_code == 2 and PLAGE in resultat.stderr


@pytest.mark.parametrize("arguments", [("suivi", "etat"), ("suivi", "purger", "--essai")])
def test_un_aujourd_hui_fixe_hors_plage_est_refuse(
    base: Path, monkeypatch: pytest.MonkeyPatch, arguments: tuple[str, ...]
) -> None:
    monkeypatch.setenv(VARIABLE, "9999-12-31")
    resultat = _lancer(*arguments, "--base", str(base))
    _sans_trace(resultat)
    assert resultat.exit_code == 1 and f"{VARIABLE} : 9999-12-31 : {PLAGE}" in resultat.stderr, resultat.output


@pytest.mark.parametrize("au", ["1990-01-01", "2100-12-31"])
def test_les_bornes_de_la_plage_sont_admises(base: Path, au: str) -> None:
    assert etat(base, au)["heures_dues"] == 1067


# --- work contracts in sheets -----------------------------------------------------------


@pytest.mark.parametrize(
    ("valeurs", "colonne"),
    [
        ({"fin_contrat": datetime.datetime(9999, 12, 31)}, "L"),
        ({"fin_contrat": "31/12/9999"}, "L"),
        ({"fin_contrat": "2101-01-01"}, "L"),
        ({"debut_contrat": datetime.datetime(1900, 1, 1)}, "K"),
        ({"debut_contrat": "1900-01-01", "fin_contrat": None}, "K"),
        ({"debut_contrat": "01/01/1989"}, "K"),
    ],
    ids=["9999-date", "9999-texte-fr", "2101-texte-iso", "1900-date", "1900-texte-iso", "1989-texte-fr"],
)
def test_un_contrat_de_travail_hors_plage_est_une_ligne_rejetee_par_sa_cellule(
    contrat: Path, vierge: bytes, tmp_path: Path, valeurs: dict[str, object], colonne: str
) -> None:
    lignes = [ligne("CUG-001"), ligne("CUG-050", **valeurs)]
    fiche = remplir(vierge, lignes, tmp_path / "fiche.xlsx")
    base = tmp_path / "suivi.sqlite"
    resultat = importer(base, contrat, fiche)
    _sans_trace(resultat)
    assert resultat.exit_code == 1
    attendu = f"{fiche}:Suivi!{colonne}13: "
    message = next((m for m in resultat.stderr.splitlines() if m.startswith(attendu)), None)
    assert message is not None and "hors de la plage admise" in message and PLAGE in message, resultat.stderr
    assert "1 ligne(s) importée(s), 1 rejetée(s)" in resultat.stdout
    assert compter(base, "lignes") == 1 and compter(base, "rejets") == 1
    assert compter(base, "lignes", "participant = 'CUG-050'") == 0


def test_un_contrat_de_travail_aux_bornes_est_admis(contrat: Path, vierge: bytes, tmp_path: Path) -> None:
    lignes = [ligne("CUG-060", debut_contrat="1990-01-01", fin_contrat="2100-12-31")]
    resultat = importer(tmp_path / "suivi.sqlite", contrat, remplir(vierge, lignes, tmp_path / "fiche.xlsx"))
    assert resultat.exit_code == 0, resultat.output


def test_un_marche_aux_dates_hors_plage_est_refuse_a_sa_ligne(tmp_path: Path, contrat: Path) -> None:
    texte = contrat.read_text(encoding="utf-8").replace(
        "execution: {debut: 2026-02-01}", "execution: {debut: 2026-02-01, fin: 9999-12-31}"
    )
    fichier = tmp_path / "lointain.yaml"
    fichier.write_text(texte, encoding="utf-8")
    resultat = _lancer("verifier", str(fichier))
    _sans_trace(resultat)
    assert resultat.exit_code == 1 and f"{fichier}:18: execution.fin: 9999-12-31 : {PLAGE}" in resultat.output
    resultat = importer(tmp_path / "suivi.sqlite", fichier)
    assert resultat.exit_code == 1 and "execution.fin" in resultat.stderr
    assert not (tmp_path / "suivi.sqlite").exists()


# --- purges -----------------------------------------------------------------------------


def test_une_purge_apres_aujourd_hui_est_refusee_et_ne_touche_a_rien(base: Path) -> None:
    avant = _contenu(base)
    for date in ("2026-12-02", "2099-12-31"):
        resultat = _lancer("suivi", "purger", "--base", str(base), "--avant", date, "--oui")
        _sans_trace(resultat)
        assert resultat.exit_code == 1, resultat.output
        assert f"purge au {date} refusée : cette date est après aujourd'hui (2026-12-01)" in resultat.stderr
        assert "--essai" in resultat.stderr
    assert _contenu(base) == avant


def test_un_essai_peut_regarder_plus_loin_sans_rien_supprimer(base: Path) -> None:
    avant = _contenu(base)
    resultat = _lancer("suivi", "purger", "--base", str(base), "--avant", "2099-12-31", "--essai")
    assert resultat.exit_code == 0, resultat.output
    assert "Seraient supprimées : 3 ligne(s)" in resultat.stdout
    assert _contenu(base)[1] == avant[1] and compter(base, "lignes") == 3


def test_la_purge_de_la_bibliotheque_refuse_aussi_l_avenir(base: Path) -> None:
    from clause_kit.commun.erreurs import ClauseKitError
    from clause_kit.suivi.purge import purger

    avant = _contenu(base)
    with pytest.raises(ClauseKitError, match="après aujourd'hui"):
        purger(base, datetime.date(2030, 1, 1))
    with pytest.raises(ClauseKitError, match="1990"):
        purger(base, datetime.date(9999, 12, 31), essai=True)
    assert _contenu(base) == avant


def test_sans_terminal_ni_oui_la_purge_est_refusee(base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VARIABLE, "2028-09-01")  # everyone's retention period is over
    avant = _contenu(base)
    resultat = _lancer("suivi", "purger", "--base", str(base))
    _sans_trace(resultat)
    assert resultat.exit_code == 2 and "ajoutez --oui" in resultat.stderr, resultat.output
    assert _contenu(base) == avant


def test_avec_oui_la_purge_supprime_sans_demander(base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VARIABLE, "2028-09-01")
    resultat = _lancer("suivi", "purger", "--base", str(base), "--oui")
    assert resultat.exit_code == 0, resultat.output
    assert "Supprimées : 3 ligne(s)" in resultat.stdout and "[oui/non]" not in resultat.output
    assert compter(base, "lignes") == 0


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A person at a terminal, and a day when everyone's retention period is over."""
    monkeypatch.setattr("clause_kit.suivi.cli.terminal", lambda: True)
    monkeypatch.setenv(VARIABLE, "2028-09-01")


@pytest.mark.usefixtures("terminal")
@pytest.mark.parametrize("reponse", ["non\n", "n\n", "\n", "peut-être\nnon\n"])
def test_sur_un_terminal_la_purge_montre_ce_qu_elle_supprimerait_et_se_laisse_refuser(base: Path, reponse: str) -> None:
    avant = _contenu(base)
    resultat = _lancer("suivi", "purger", "--base", str(base), entree=reponse)
    _sans_trace(resultat)
    assert resultat.exit_code == 1, resultat.output
    assert "Seraient supprimées : 3 ligne(s), 0 ligne(s) rejetée(s), 1 copie(s) de fiche" in resultat.stdout
    assert "Supprimer définitivement ces données ? [oui/non]" in resultat.stdout
    assert "Purge abandonnée : rien n'est supprimé." in resultat.stderr
    assert _contenu(base) == avant


@pytest.mark.usefixtures("terminal")
@pytest.mark.parametrize("reponse", ["oui\n", "O\n", "peut-être\noui\n"])
def test_sur_un_terminal_la_purge_confirmee_supprime(base: Path, reponse: str) -> None:
    resultat = _lancer("suivi", "purger", "--base", str(base), entree=reponse)
    assert resultat.exit_code == 0, resultat.output
    assert "Supprimées : 3 ligne(s)" in resultat.stdout
    assert ("Répondez « oui » ou « non »." in resultat.stderr) == reponse.startswith("peut-être")
    assert compter(base, "lignes") == 0


@pytest.mark.usefixtures("terminal")
def test_sur_un_terminal_rien_a_supprimer_ne_demande_rien(base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VARIABLE, "2026-12-01")  # nobody's retention period is over yet
    resultat = _lancer("suivi", "purger", "--base", str(base))
    assert resultat.exit_code == 0 and "[oui/non]" not in resultat.output, resultat.output
    assert "Supprimées : 0 ligne(s)" in resultat.stdout and compter(base, "lignes") == 3
