"""The register in time: reads as of a date, corrections without loss, undo, the journal.

Every figure is checked against totals written by hand from the rows the test types.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from clause_kit.cli import main
from clause_kit.commun.horloge import VARIABLE
from tests.suivi_commun import bilan, etat, importer, ligne
from tests.tableur import remplir

Q1 = ("--du", "2026-02-01", "--au", "2026-03-31")

#: February and March: lot 1 100 + 80 h, lot 2 40 h. The CDD of CUG-010 ends on 30 June.
HIVER = [
    ligne("CUG-010", mois=datetime.date(2026, 2, 1), heures=100, fin_contrat=datetime.date(2026, 6, 30)),
    ligne("CUG-010", mois=datetime.date(2026, 3, 1), heures=80, fin_contrat=datetime.date(2026, 6, 30)),
    ligne("CUG-011", lot=2, mois=datetime.date(2026, 3, 1), heures=40, fin_contrat=None, type_contrat="CDI"),
]
#: April: more hours, and CUG-010's contract shortened to 10 April (an end the March state must not see).
AVRIL = [
    ligne("CUG-010", mois=datetime.date(2026, 4, 1), heures=150, fin_contrat=datetime.date(2026, 4, 10)),
    ligne("CUG-012", mois=datetime.date(2026, 4, 1), heures=50, type_contrat="CDI", fin_contrat=None),
]


def _sortie(*arguments: str) -> str:
    resultat = CliRunner().invoke(main, list(arguments))
    assert resultat.exit_code == 0, resultat.output
    return resultat.stdout


def test_un_etat_et_un_bilan_passes_ne_bougent_pas_quand_avril_arrive(
    contrat: Path, vierge: bytes, tmp_path: Path
) -> None:
    base = tmp_path / "suivi.sqlite"
    assert importer(base, contrat, remplir(vierge, HIVER, tmp_path / "hiver.xlsx")).exit_code == 0
    etat_mars = _sortie("suivi", "etat", "--base", str(base), "--format", "json", "--au", "2026-03-31")
    bilan_q1 = _sortie("bilan", "--base", str(base), *Q1, "--format", "json")
    assert '"heures_realisees": 220' in etat_mars
    assert importer(base, remplir(vierge, AVRIL, tmp_path / "avril.xlsx")).exit_code == 0
    # Taken again once April is in: the same bytes.
    assert _sortie("suivi", "etat", "--base", str(base), "--format", "json", "--au", "2026-03-31") == etat_mars
    assert _sortie("bilan", "--base", str(base), *Q1, "--format", "json") == bilan_q1
    # And a state as of April does count April (220 + 200 h).
    assert '"heures_realisees": 420' in _sortie(
        "suivi", "etat", "--base", str(base), "--format", "json", "--au", "2026-04-30"
    )


def test_le_bilan_ecrit_dit_l_etat_du_registre_lu(contrat: Path, vierge: bytes, tmp_path: Path) -> None:
    base = tmp_path / "suivi.sqlite"
    assert importer(base, contrat, remplir(vierge, HIVER, tmp_path / "hiver.xlsx")).exit_code == 0
    sortie = tmp_path / "publie"
    resultat = bilan("--base", str(base), *Q1, "-o", str(sortie))
    assert resultat.exit_code == 0, resultat.output
    lecture = json.loads(next(sortie.glob("*-registre.json")).read_text(encoding="utf-8"))
    # Two operations: the contract, then the sheet.
    assert lecture["position_journal"] == 2 and lecture["periode"] == {"du": "2026-02-01", "au": "2026-03-31"}


def _journal(base: Path) -> dict[str, Any]:
    return json.loads(_sortie("suivi", "journal", "--base", str(base), "--format", "json"))  # type: ignore[no-any-return]


def _lots(base: Path) -> list[int | float]:
    return [lot["heures_realisees"] for lot in etat(base)["marches"][0]["lots"]]


#: The first April sheet: lot 1 two people (100 + 60 h), lot 2 one (40 h).
AVRIL_1 = [
    ligne("CUG-020", mois=datetime.date(2026, 4, 1), heures=100),
    ligne("CUG-021", mois=datetime.date(2026, 4, 1), heures=60),
    ligne("CUG-022", lot=2, mois=datetime.date(2026, 4, 1), heures=40),
]
#: A supplement: one person forgotten (lot 1, 30 h), with a person of the first sheet repeated unchanged.
COMPLEMENT = [
    ligne("CUG-023", mois=datetime.date(2026, 4, 1), heures=30),
    ligne("CUG-020", mois=datetime.date(2026, 4, 1), heures=100),
]
#: A correction: CUG-021 worked 45 h, not 60; CUG-022 on lot 2 is zeroed.
CORRECTION = [
    ligne("CUG-021", mois=datetime.date(2026, 4, 1), heures=45),
    ligne("CUG-022", lot=2, mois=datetime.date(2026, 4, 1), heures=0),
]


def test_complement_correction_et_annulation_sans_perte(contrat: Path, vierge: bytes, tmp_path: Path) -> None:
    base = tmp_path / "suivi.sqlite"
    premiere = remplir(vierge, AVRIL_1, tmp_path / "avril-1.xlsx")
    complement = remplir(vierge, COMPLEMENT, tmp_path / "avril-complement.xlsx")
    correction = remplir(vierge, CORRECTION, tmp_path / "avril-correction.xlsx")
    assert importer(base, contrat, premiere).exit_code == 0
    assert _lots(base) == [160, 40]
    # The supplement adds the forgotten person and removes nobody: 100 + 60 + 30 on lot 1.
    resultat = importer(base, complement)
    assert resultat.exit_code == 0, resultat.output
    assert "lot 1, mois 2026-04 : 1 ligne(s) de avril-1.xlsx remplacée(s) (100 h → 100 h)" in resultat.stdout
    assert _lots(base) == [190, 40]
    # The correction replaces two rows, one on each lot, and names lot, month and hours.
    resultat = importer(base, correction)
    assert resultat.exit_code == 0, resultat.output
    assert "lot 1, mois 2026-04 : 1 ligne(s) de avril-1.xlsx remplacée(s) (60 h → 45 h)" in resultat.stdout
    assert "lot 2, mois 2026-04 : 1 ligne(s) de avril-1.xlsx remplacée(s) (40 h → 0 h)" in resultat.stdout
    assert _lots(base) == [100 + 45 + 30, 0]
    # Re-importing the first sheet changes nothing.
    assert "déjà importée" in importer(base, premiere).stdout
    # Undoing the correction brings back the first sheet's rows it had replaced.
    resultat = CliRunner().invoke(main, ["suivi", "annuler", str(correction), "--base", str(base)])
    assert resultat.exit_code == 0, resultat.output
    assert "lot 1, mois 2026-04 : 1 ligne(s) retirée(s) (45 h)" in resultat.stdout
    assert "lot 2, mois 2026-04 : 1 ligne(s) de avril-1.xlsx rétablie(s) (40 h)" in resultat.stdout
    assert _lots(base) == [190, 40]
    # Undoing the first sheet by its SHA-256: what the supplement said of CUG-020 stays in force.
    sha = hashlib.sha256(premiere.read_bytes()).hexdigest()
    assert CliRunner().invoke(main, ["suivi", "annuler", sha[:16], "--base", str(base)]).exit_code == 0
    assert _lots(base) == [100 + 30, 0]
    again = CliRunner().invoke(main, ["suivi", "annuler", sha, "--base", str(base)])
    assert again.exit_code == 0 and "déjà annulée" in again.stdout
    # Undoing the supplement too: nothing left.
    assert CliRunner().invoke(main, ["suivi", "annuler", str(complement), "--base", str(base)]).exit_code == 0
    assert _lots(base) == [0, 0]
    # The journal: every import, per lot, with hours, and which were undone.
    donnees = _journal(base)
    assert [o["operation"] for o in donnees["operations"]] == [
        "marche",
        "import",
        "import",
        "import",
        "annulation",
        "annulation",
        "annulation",
    ]
    assert donnees["position"] == 7
    imports = [o for o in donnees["operations"] if o["operation"] == "import"]
    assert [o["fichier"] for o in imports] == ["avril-1.xlsx", "avril-complement.xlsx", "avril-correction.xlsx"]
    assert all(o["annule_le"] for o in imports)
    assert imports[0]["sha256"] == sha
    assert imports[2]["lots"] == [
        {
            "reference": "2026-TX-077",
            "lot": 1,
            "ajoutees": 1,
            "remplacees": 1,
            "rejetees": 0,
            "neants": 0,
            "heures_ajoutees": 45,
            "heures_remplacees": 60,
        },
        {
            "reference": "2026-TX-077",
            "lot": 2,
            "ajoutees": 1,
            "remplacees": 1,
            "rejetees": 0,
            "neants": 0,
            "heures_ajoutees": 0,
            "heures_remplacees": 40,
        },
    ]
    texte = _sortie("suivi", "journal", "--base", str(base))
    assert "fiche importée avril-correction.xlsx" in texte and "annulée le" in texte


def test_une_fiche_annulee_reimportee_compte_de_nouveau(contrat: Path, vierge: bytes, tmp_path: Path) -> None:
    base = tmp_path / "suivi.sqlite"
    premiere = remplir(vierge, AVRIL_1, tmp_path / "avril-1.xlsx")
    correction = remplir(vierge, CORRECTION, tmp_path / "avril-correction.xlsx")
    assert importer(base, contrat, premiere).exit_code == 0
    assert CliRunner().invoke(main, ["suivi", "annuler", str(premiere), "--base", str(base)]).exit_code == 0
    assert _lots(base) == [0, 0]
    assert importer(base, correction).exit_code == 0  # imported while the first one is undone
    assert _lots(base) == [45, 0]
    # Undone by mistake: imported again, it counts again, except where the later correction replaced it.
    resultat = importer(base, premiere)
    assert resultat.exit_code == 0, resultat.output
    assert "fiche annulée, reprise : 1 ligne(s) de nouveau en vigueur" in resultat.stdout
    assert _lots(base) == [100 + 45, 0]
    assert [o["operation"] for o in _journal(base)["operations"]][-1] == "reprise"


def test_une_fiche_annulee_ne_revient_pas_par_dessus_un_contrat_qui_la_chevauche(
    contrat: Path, vierge: bytes, tmp_path: Path
) -> None:
    # While it was undone, another sheet declared an overlapping work contract of the same person:
    # taken back blindly, both were kept (a review found it). Refused now, and nothing changes.
    base = tmp_path / "suivi.sqlite"
    debut, fin = datetime.date(2026, 2, 2), datetime.date(2026, 7, 31)
    premiere = remplir(vierge, [ligne("CUG-900", debut_contrat=debut, fin_contrat=fin)], tmp_path / "b.xlsx")
    autre = ligne("CUG-900", debut_contrat=datetime.date(2026, 3, 1), fin_contrat=None, mois=datetime.date(2026, 4, 1))
    seconde = remplir(vierge, [autre], tmp_path / "d.xlsx")
    assert importer(base, contrat, premiere).exit_code == 0
    assert CliRunner().invoke(main, ["suivi", "annuler", str(premiere), "--base", str(base)]).exit_code == 0
    assert importer(base, seconde).exit_code == 0  # no overlap with an undone sheet
    avant = hashlib.sha256(base.read_bytes()).hexdigest(), _lots(base)
    resultat = importer(base, premiere)
    assert resultat.exit_code == 1, resultat.output
    assert "CUG-900, contrat du 02/02/2026 : chevauche un contrat que le registre garde depuis" in resultat.output
    assert "non reprise (annulez l'autre fiche d'abord)" in resultat.output
    assert (hashlib.sha256(base.read_bytes()).hexdigest(), _lots(base)) == avant


def test_annuler_ce_qui_n_est_pas_une_fiche(contrat: Path, tmp_path: Path) -> None:
    base = tmp_path / "suivi.sqlite"
    assert importer(base, contrat).exit_code == 0
    for designation, message in (
        (str(contrat), "est un fichier de marché"),
        ("0123456789abcdef", "aucune fiche de ce contenu"),
        ("n-importe-quoi", "ni un fichier lisible, ni une empreinte SHA-256"),
    ):
        resultat = CliRunner().invoke(main, ["suivi", "annuler", designation, "--base", str(base)])
        assert resultat.exit_code == 1 and message in resultat.stderr, resultat.output


def test_une_base_du_schema_2_est_migree_avec_son_journal(contrat: Path, vierge: bytes, tmp_path: Path) -> None:
    # A register of schema 2 (before the journal): a contract, a sheet, a correction replacing one row.
    from clause_kit.suivi import registre

    base = tmp_path / "suivi.sqlite"
    with sqlite3.connect(base) as connexion:
        for migration in registre.MIGRATIONS[:2]:
            migration(connexion)
        connexion.execute("PRAGMA user_version = 2")
        connexion.executescript(
            """INSERT INTO acheteurs VALUES (1, 'Commune', 'Cuges');
               INSERT INTO fichiers (id, sha256, nom, nature, importe_le, lignes) VALUES
                   (1, 'aa', 'marche.yaml', 'marche', '2026-01-01T00:00:00', 0),
                   (2, 'bb', 'mars.xlsx', 'feuille', '2026-04-02T00:00:00', 2),
                   (3, 'cc', 'mars-bis.xlsx', 'feuille', '2026-04-03T00:00:00', 1);
               INSERT INTO marches VALUES (1, 'M1', 1, 'Objet', 'travaux', 'ccp', 1, 0, 100, 1607, '20',
                   '2026-02-01', '2026-11-30', 0, '{}', 1, '2026-01-01');
               INSERT INTO lots (id, marche_id, numero, intitule, heures_dues, clause) VALUES (1, 1, 1, 'Lot', 100, 1);
               INSERT INTO lignes (fichier_id, lot_id, emplacement, participant, sexe, tranche_age, modalite,
                   type_contrat, debut_contrat, mois, heures_c, remplacee_par) VALUES
                   (2, 1, 'Suivi!12', 'A-1', 'F', 'moins_26', 'embauche', 'cdd', '2026-03-01', '2026-03', 1000, 3),
                   (2, 1, 'Suivi!13', 'A-2', 'F', 'moins_26', 'embauche', 'cdd', '2026-03-01', '2026-03', 2000, NULL),
                   (3, 1, 'Suivi!12', 'A-1', 'F', 'moins_26', 'embauche', 'cdd', '2026-03-01', '2026-03', 1500, NULL);
               INSERT INTO purges (le, avant, conservation_annees, personnes, lignes, rejets, preuves)
                   VALUES ('2026-05-01T00:00:00', '2026-05-01', 2, 0, 0, 0, 0);"""
        )
    donnees = _journal(base)  # read through a migrated copy: the file itself is not changed by a read
    with sqlite3.connect(base) as connexion:
        assert connexion.execute("PRAGMA user_version").fetchone()[0] == 2
    assert [(o["operation"], o.get("fichier")) for o in donnees["operations"]] == [
        ("marche", "marche.yaml"),
        ("import", "mars.xlsx"),
        ("import", "mars-bis.xlsx"),
        ("purge", None),
    ]
    assert donnees["operations"][2]["lots"] == [
        {
            "reference": "M1",
            "lot": 1,
            "ajoutees": 1,
            "remplacees": 1,
            "rejetees": 0,
            "neants": 0,
            "heures_ajoutees": 15,
            "heures_remplacees": 10,
        }
    ]
    # The migrated register undoes like a new one: the row of mars.xlsx counts again.
    # An empreinte is looked up by its start: « cc » (stored) is not « cccccccc ».
    assert CliRunner().invoke(main, ["suivi", "annuler", "cc" * 4, "--base", str(base)]).exit_code == 1
    with sqlite3.connect(base) as connexion:
        connexion.execute("UPDATE fichiers SET sha256 = 'cccccccccc' WHERE id = 3")
    assert CliRunner().invoke(main, ["suivi", "annuler", "cccccccc", "--base", str(base)]).exit_code == 0
    with sqlite3.connect(base) as connexion:
        assert connexion.execute("SELECT SUM(heures_c) FROM lignes WHERE remplacee_par IS NULL").fetchone() == (3000,)
        # A command that writes migrated it for good, and stamped it as a register of clause_kit.
        assert connexion.execute("PRAGMA user_version").fetchone()[0] == registre.VERSION == 3
        assert connexion.execute("PRAGMA application_id").fetchone()[0] == registre.APPLICATION_ID


#: Four people: two whose contracts ended in March (purged with --avant 2028-05-01), two still at work.
PURGEABLES = [
    ligne(
        "CUG-040",
        mois=datetime.date(2026, 2, 1),
        heures=70,
        fin_contrat=datetime.date(2026, 3, 31),
        sortie="Emploi durable",
    ),
    ligne(
        "CUG-040",
        mois=datetime.date(2026, 3, 1),
        heures=75,
        fin_contrat=datetime.date(2026, 3, 31),
        sortie="Emploi durable",
    ),
    ligne(
        "CUG-041",
        lot=2,
        sexe="Homme",
        tranche_age="50_plus",
        publics="senior;deld",
        residence="qpv",
        mois=datetime.date(2026, 3, 1),
        heures="32,5",
        fin_contrat=datetime.date(2026, 3, 20),
    ),
    ligne(
        "CUG-042",
        mois=datetime.date(2026, 3, 1),
        heures=90,
        fin_contrat=datetime.date(2026, 9, 30),
        type_contrat="CDI",
        publics="rsa",
    ),
    ligne(
        "CUG-042",
        mois=datetime.date(2026, 5, 1),
        heures=95,
        fin_contrat=datetime.date(2026, 9, 30),
        type_contrat="CDI",
        publics="rsa",
    ),
    ligne("CUG-043", lot=2, mois=datetime.date(2026, 3, 1), heures=20, fin_contrat=datetime.date(2026, 9, 30)),
]


def _sans_parcours(texte: str) -> dict[str, Any]:
    donnees = json.loads(texte)
    donnees.pop("parcours")
    return donnees  # type: ignore[no-any-return]


def test_une_purge_garde_les_chiffres_publies(
    contrat: Path, vierge: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path / "suivi.sqlite"
    assert importer(base, contrat, remplir(vierge, PURGEABLES, tmp_path / "fiche.xlsx")).exit_code == 0
    periodes = [
        Q1,
        ("--du", "2026-01-01", "--au", "2026-03-31"),
        ("--annee", "2026"),
        ("--annee", "2026", "--donneur-ordre", "cuges"),
        ("--du", "2026-03-01", "--au", "2026-03-31"),
        ("--du", "2026-04-01", "--au", "2026-06-30"),
    ]
    avant = {p: _sortie("bilan", "--base", str(base), *p, "--format", "json") for p in periodes}
    etat_avant = _sortie("suivi", "etat", "--base", str(base), "--format", "json", "--au", "2026-03-31")
    # Totals written by hand: 4 people, one work contract each, 287,5 h.
    q1 = json.loads(avant[Q1])
    assert (q1["personnes"], q1["contrats_travail"], q1["heures_realisees"]) == (4, 4, 70 + 75 + 32.5 + 90 + 20)
    hors_norme = ("--du", "2025-12-01", "--au", "2026-04-30")
    with monkeypatch.context() as jour:  # the purge on the day it is run, the figures before and after as of today
        jour.setenv(VARIABLE, "2028-05-01")
        resultat = CliRunner().invoke(main, ["suivi", "purger", "--base", str(base), "--avant", "2028-05-01", "--oui"])
    assert (
        resultat.exit_code == 0 and "Personnes dont le dernier contrat" in resultat.stdout and ": 2." in resultat.stdout
    )
    for periode in periodes:
        apres = _sortie("bilan", "--base", str(base), *periode, "--format", "json")
        assert _sans_parcours(apres) == _sans_parcours(avant[periode]), periode
    assert [
        p["participant"] for p in json.loads(_sortie("bilan", "--base", str(base), *Q1, "--format", "json"))["parcours"]
    ] == ["CUG-042", "CUG-043"]
    # The state too, but for the person-level list of contracts ending (CUG-040's, on 31 March, is gone).
    etat_apres = json.loads(_sortie("suivi", "etat", "--base", str(base), "--format", "json", "--au", "2026-03-31"))
    attendu = json.loads(etat_avant)
    assert [f["participant"] for f in attendu.pop("fins_de_contrat")] == ["CUG-040"]
    assert etat_apres.pop("fins_de_contrat") == [] and etat_apres == attendu
    # A period across two calendar years says that purged people are in its hours only.
    donnees = json.loads(_sortie("bilan", "--base", str(base), *hors_norme, "--format", "json"))
    assert "n'y sont comptées que dans les heures" in donnees["personnes_purgees"]
    assert donnees["heures_realisees"] == 70 + 75 + 32.5 + 90 + 20
