"""The register as a whole: a killed import, the state figures, the GDPR purge, the row rules alone."""

from __future__ import annotations

import datetime
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from clause_kit.cli import main
from clause_kit.commun.horloge import VARIABLE
from clause_kit.suivi.controle import code_nominatif
from clause_kit.suivi.etat import mois_attendus, penalite_au_rythme
from tests.suivi_commun import BONNES, CONTRAT, compter, etat, importer, ligne
from tests.tableur import remplir

RACINE = Path(__file__).resolve().parent.parent

# A child that imports like the CLI, but stops just before committing the sheet's transaction.
ENFANT = """
import sys, time
from pathlib import Path
from clause_kit.suivi import registre

def valider_en_pause(self):
    Path(sys.argv[1]).write_text("en pause")
    time.sleep(120)

registre.Registre.valider = valider_en_pause
from clause_kit.cli import main
main(["suivi", "importer", sys.argv[2], "--base", sys.argv[3]])
"""


@pytest.fixture
def base_remplie(contrat: Path, vierge: bytes, tmp_path: Path) -> Path:
    base = tmp_path / "suivi.sqlite"
    assert importer(base, contrat, remplir(vierge, BONNES, tmp_path / "fiche.xlsx")).exit_code == 0
    return base


def test_sigkill_pendant_un_import_laisse_la_base_comme_avant(
    base_remplie: Path, vierge: bytes, tmp_path: Path
) -> None:
    avant = etat(base_remplie), compter(base_remplie, "lignes"), compter(base_remplie, "fichiers")
    # A supplement to March with many rows (other people: added to the rows imported above).
    corrigee = [ligne(f"CUG-{n:03d}", heures=1, fin_contrat=None) for n in range(100, 400)]
    fiche = remplir(vierge, corrigee, tmp_path / "corrigee.xlsx")
    signal_pause = tmp_path / "pause"
    enfant = subprocess.Popen(
        [sys.executable, "-c", ENFANT, str(signal_pause), str(fiche), str(base_remplie)],
        cwd=RACINE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        limite = time.monotonic() + 120
        while not signal_pause.exists():
            assert enfant.poll() is None, enfant.stderr.read() if enfant.stderr else ""
            assert time.monotonic() < limite, "l'import n'a pas atteint sa validation"
            time.sleep(0.05)
        os.kill(enfant.pid, signal.SIGKILL)
    finally:
        enfant.wait(timeout=30)
    assert enfant.returncode == -signal.SIGKILL
    assert (etat(base_remplie), compter(base_remplie, "lignes"), compter(base_remplie, "fichiers")) == avant
    with sqlite3.connect(base_remplie) as connexion:
        assert connexion.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    resultat = importer(base_remplie, fiche)  # the next import works, and adds to March
    assert resultat.exit_code == 0 and "300 ligne(s) importée(s)" in resultat.stdout
    assert etat(base_remplie)["heures_realisees"] == 300 + 100 + 35.5 + 120.25


def test_etat_par_lot_mois_manquants_et_penalites(base_remplie: Path) -> None:
    donnees = etat(base_remplie, "2026-06-15")
    assert {"heures_dues", "heures_realisees", "marches", "donneurs_ordre", "fins_de_contrat"} <= set(donnees)
    (marche,) = donnees["marches"]
    assert marche["reference"] == "2026-TX-077" and marche["fin"] == "2026-11-30"  # start + 10 months
    lot1, lot2 = marche["lots"]
    assert (lot1["dernier_mois"], lot1["mois_manquants"]) == ("2026-04", ["2026-02", "2026-05"])
    assert lot2["mois_manquants"] == ["2026-02", "2026-04", "2026-05"]
    assert marche["mois_manquants"] == ["2026-02", "2026-05"]  # no sheet at all those months
    # 220.25 h in 4 months of 10: 550.625 h at the end, 249.375 h missing × 20 €.
    assert lot1["penalite_au_rythme"] == 4987.5 and lot2["penalite_au_rythme"] == 3565.0
    assert donnees["penalites_au_rythme"] == 8552.5
    assert donnees["donneurs_ordre"] == [
        {
            "nom": "Commune de Cuges-les-Pins",
            "heures_dues": 1067,
            "heures_realisees": 255.75,
            "marches": ["2026-TX-077"],
        }
    ]
    assert donnees["fins_de_contrat"] == []
    fins = etat(base_remplie, "2026-07-05")["fins_de_contrat"]
    assert [(f["participant"], f["fin_contrat"]) for f in fins] == [
        ("CUG-001", "2026-07-31"),
        ("CUG-002", "2026-07-31"),
    ]


def test_etat_en_texte(base_remplie: Path) -> None:
    resultat = CliRunner().invoke(main, ["suivi", "etat", "--base", str(base_remplie), "--au", "2026-07-05"])
    assert resultat.exit_code == 0
    assert "Suivi au 5 juillet 2026 : 255,75 h sur 1\u202f067 h (24,0 %)" in resultat.stdout
    assert "lot 1 « Gros œuvre » : 220,25 h sur 800 h" in resultat.stdout
    assert "CUG-001 (2026-TX-077, lot 1, cdd) : fin le 31 juillet 2026" in resultat.stdout


def test_etat_sans_base_ni_date_valide(tmp_path: Path) -> None:
    resultat = CliRunner().invoke(main, ["suivi", "etat", "--base", str(tmp_path / "absente.sqlite")])
    assert resultat.exit_code == 1 and "base de suivi introuvable" in resultat.stderr
    assert not (tmp_path / "absente.sqlite").exists()
    resultat = CliRunner().invoke(main, ["suivi", "etat", "--au", "15/06/2026"])
    assert resultat.exit_code == 2 and "n'est pas une date AAAA-MM-JJ" in resultat.stderr


def purger(base: Path, *options: str) -> str:
    resultat = CliRunner().invoke(main, ["suivi", "purger", "--base", str(base), *options])
    assert resultat.exit_code == 0, resultat.output
    return resultat.stdout


def test_purge_supprime_les_personnes_et_garde_les_totaux(base_remplie: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VARIABLE, "2028-09-01")  # a purge deletes what is over on a day already come
    avant = etat(base_remplie, "2026-06-15")
    preuves = base_remplie.with_name("suivi-preuves")
    assert "Seraient supprimées : 1 ligne(s)" in purger(base_remplie, "--avant", "2028-06-01", "--essai")
    assert compter(base_remplie, "lignes") == 3
    # CUG-003 has no contract end; its last month is April 2026: past 2 years on 1 June 2028.
    sortie = purger(base_remplie, "--avant", "2028-06-01", "--oui")
    assert "avant le 2026-06-01 (conservation : 2 ans) : 1. Supprimées : 1 ligne(s)" in sortie
    assert compter(base_remplie, "lignes", "participant = 'CUG-003'") == 0 and compter(base_remplie, "lignes") == 2
    assert etat(base_remplie, "2026-06-15") == avant
    assert len(list(preuves.glob("*.xlsx"))) == 1  # other people's rows still stand on it
    purger(base_remplie, "--avant", "2028-09-01", "--oui")
    assert compter(base_remplie, "lignes") == 0 and compter(base_remplie, "lignes_publics") == 0
    assert etat(base_remplie, "2026-06-15") == avant  # hours, months received and penalties, from the aggregates
    assert not list(preuves.glob("*.xlsx"))
    with sqlite3.connect(base_remplie) as connexion:
        personnes = connexion.execute(
            "SELECT SUM(personnes) FROM agregats WHERE dimension = 'sexe' AND periode = '2026'"
        ).fetchone()
        assert personnes == (3,)
        assert connexion.execute("SELECT COUNT(*) FROM purges").fetchone() == (2,)
        assert connexion.execute("SELECT preuve FROM fichiers WHERE nature = 'feuille'").fetchone() == (None,)


def test_penalite_au_rythme() -> None:
    assert penalite_au_rythme(Decimal(800), Decimal(200), 4, 10, Decimal(20)) == Decimal("6000.00")
    assert penalite_au_rythme(Decimal(800), Decimal(400), 4, 10, Decimal(20)) == Decimal(0)
    assert penalite_au_rythme(Decimal(800), Decimal(700), 12, 10, Decimal("18.03")) == Decimal("1803.00")
    assert penalite_au_rythme(Decimal(800), Decimal(0), 0, 10, Decimal(20)) == Decimal(0)
    assert penalite_au_rythme(Decimal(800), Decimal(200), 4, 10, Decimal(20), Decimal(5000)) == Decimal("5000.00")


def test_penalites_plafonnees_comme_le_ccap(tmp_path: Path) -> None:
    # The CCAP caps the insertion penalties at 10 % of each lot's amount (default): at 2 000 € an hour,
    # lot 1 (600 000 € HT) would owe 1 600 000 € for its 800 missing hours, but 60 000 € at most.
    contrat = tmp_path / "cher.yaml"
    contrat.write_text(CONTRAT.replace("montant_par_heure: 20", "montant_par_heure: 2000"), encoding="utf-8")
    base = tmp_path / "suivi.sqlite"
    assert importer(base, contrat).exit_code == 0
    (marche,) = etat(base, "2026-12-15")["marches"]  # after the end (30 November): the hours are what they are
    assert [lot["penalite_au_rythme"] for lot in marche["lots"]] == [60000.0, 20000.0]
    assert marche["penalite_au_rythme"] == 80000.0


def test_mois_attendus_jusqu_au_mois_precedent() -> None:
    debut = datetime.date(2025, 11, 15)
    assert mois_attendus(debut, None, datetime.date(2026, 2, 1)) == ["2025-11", "2025-12", "2026-01"]
    assert mois_attendus(debut, datetime.date(2025, 12, 10), datetime.date(2026, 6, 1)) == ["2025-11", "2025-12"]


@pytest.mark.parametrize(
    ("valeur", "nominatif"),
    [
        ("AUB-0042", False),
        ("p12", False),
        ("Jean Dupont", True),
        ("MARTIN", True),
        ("Jean-Pierre", True),
        ("1850713055123", True),
        ("1 85 07 2A 055 123", True),
        ("Dupont 2", True),
        ("12", False),
    ],
)
def test_codes_qui_ressemblent_a_un_nom(valeur: str, nominatif: bool) -> None:
    assert code_nominatif(valeur) is nominatif


def test_les_vues_pour_le_bilan(base_remplie: Path) -> None:
    with sqlite3.connect(base_remplie) as connexion:
        assert connexion.execute("SELECT COUNT(DISTINCT participant), SUM(heures) FROM v_lignes").fetchone() == (
            3,
            255.75,
        )
        contrats = connexion.execute("SELECT participant, type_contrat, fin_contrat FROM v_contrats_travail").fetchall()
        assert sorted(contrats) == [
            ("CUG-001", "cdd", "2026-07-31"),
            ("CUG-002", "cdd", "2026-07-31"),
            ("CUG-003", "cdi", None),
        ]
        publics = connexion.execute(
            "SELECT p.public, COUNT(DISTINCT l.participant) FROM v_lignes l "
            "JOIN lignes_publics p ON p.ligne_id = l.id GROUP BY p.public ORDER BY p.public"
        ).fetchall()
        assert publics == [("deld", 1), ("rsa", 2), ("senior", 1)]
    assert json.loads(json.dumps(etat(base_remplie)))  # plain JSON


def test_ni_l_aide_ni_l_etat_ne_chargent_le_modele_ni_le_rendu_word() -> None:
    """What makes `clause-kit --help` and `suivi etat` start in a tenth of a second, kept by a test.

    `clause-kit bilan` is registered too: its charts (matplotlib) and spreadsheet load only when asked for.
    """
    script = (
        "import sys\n"
        "import clause_kit.cli, clause_kit.suivi.etat, clause_kit.suivi.purge, clause_kit.bilan.cli\n"
        "print(sorted(m for m in ('pydantic', 'docxtpl', 'docx', 'openpyxl', 'python_calamine', 'matplotlib')"
        " if m in sys.modules))\n"
    )
    sortie = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=RACINE)
    assert sortie.stdout.strip() == "[]"


def test_une_fin_de_contrat_prolongee_le_mois_suivant_ne_compte_plus(
    contrat: Path, vierge: bytes, tmp_path: Path
) -> None:
    base = tmp_path / "suivi.sqlite"
    lignes = [
        ligne("CUG-050", mois="2026-03", fin_contrat=datetime.date(2026, 7, 31)),
        ligne("CUG-050", mois="2026-04", fin_contrat=datetime.date(2026, 10, 31)),  # the contract was extended
        ligne("CUG-051", mois="2026-04", fin_contrat=datetime.date(2026, 7, 20)),
    ]
    assert importer(base, contrat, remplir(vierge, lignes, tmp_path / "fiche.xlsx")).exit_code == 0
    fins = etat(base, "2026-07-05")["fins_de_contrat"]
    assert [(f["participant"], f["fin_contrat"]) for f in fins] == [("CUG-051", "2026-07-20")]
    assert [f["participant"] for f in etat(base, "2026-10-10")["fins_de_contrat"]] == ["CUG-050"]


def test_une_base_du_schema_1_est_migree(tmp_path: Path) -> None:
    # A register made before the penalty caps: migrated forward on opening, its lots without a cap
    # until the contract is imported again.
    from clause_kit.suivi import registre

    base = tmp_path / "suivi.sqlite"
    with sqlite3.connect(base) as connexion:
        registre.MIGRATIONS[0](connexion)
        connexion.execute("PRAGMA user_version = 1")
    contrat = tmp_path / "contrat.yaml"
    contrat.write_text(CONTRAT, encoding="utf-8")
    assert importer(base, contrat).exit_code == 0
    with sqlite3.connect(base) as connexion:
        assert connexion.execute("PRAGMA user_version").fetchone()[0] == registre.VERSION
        assert connexion.execute("SELECT plafond_penalite FROM lots ORDER BY numero").fetchall() == [
            ("60000",),
            ("20000",),
            ("10000",),
        ]
