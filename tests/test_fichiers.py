"""Bounded reads, exclusive writes, sets of files replaced together, room reserved, leftovers told apart."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from clause_kit.commun import fichiers
from clause_kit.commun.fichiers import LectureImpossible, ecrire_ensemble, ecrire_exclusif, lire_borne, reserver
from clause_kit.lot.restes import nettoyer_restes


def test_lecture_bornee(tmp_path: Path) -> None:
    fichier = tmp_path / "f.yaml"
    fichier.write_bytes(b"x" * 100)
    assert lire_borne(fichier, 100) == b"x" * 100
    with pytest.raises(LectureImpossible, match="trop gros"):
        lire_borne(fichier, 99, trop_gros="trop gros")
    with pytest.raises(LectureImpossible, match="c'est un dossier"):
        lire_borne(tmp_path, 100)
    with pytest.raises(LectureImpossible, match="périphérique"):
        lire_borne(Path("/dev/zero"), 100)


def test_ecriture_exclusive_ne_suit_pas_un_lien(tmp_path: Path) -> None:
    victime = tmp_path / "victime"
    victime.write_text("intacte", encoding="utf-8")
    (tmp_path / "piege").symlink_to(victime)
    with pytest.raises(FileExistsError):
        ecrire_exclusif(tmp_path / "piege", b"ecrase")
    assert victime.read_text(encoding="utf-8") == "intacte"


def test_ensemble_tout_ou_rien(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.csv"
    ecrire_ensemble({a: b"A1", b: b"B1"})
    assert (a.read_bytes(), b.read_bytes()) == (b"A1", b"B1")
    remplacer = os.replace

    def second_renommage_echoue(source: object, cible: object) -> None:
        if Path(str(cible)) == b:
            raise OSError(28, "No space left on device")
        remplacer(source, cible)  # type: ignore[arg-type]

    monkeypatch.setattr(fichiers.os, "replace", second_renommage_echoue)
    with pytest.raises(OSError):
        ecrire_ensemble({a: b"A2", b: b"B2"})
    # Never A2 beside B1: the pair is gone rather than mixed; no temporary file stays.
    assert not a.exists() and not b.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_ensemble_sans_remplacer_ne_touche_a_rien_de_ce_qui_existe(tmp_path: Path) -> None:
    """A file that appeared after the caller looked (or a planted link) is kept, and nothing else is left."""
    a, b, victime = tmp_path / "a.docx", tmp_path / "b.docx", tmp_path / "victime"
    b.write_bytes(b"B d'un autre")
    with pytest.raises(FileExistsError) as erreur:
        ecrire_ensemble({a: b"A", b: b"B"}, remplacer=False)
    assert erreur.value.filename2 == str(b)
    assert not a.exists() and b.read_bytes() == b"B d'un autre"
    b.unlink()
    victime.write_bytes(b"intacte")
    b.symlink_to(victime)
    with pytest.raises(FileExistsError):
        ecrire_ensemble({a: b"A", b: b"B"}, remplacer=False)
    assert not a.exists() and victime.read_bytes() == b"intacte" and b.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.docx", "victime"]  # no temporary file stays
    b.unlink()
    ecrire_ensemble({a: b"A", b: b"B"}, remplacer=False)
    assert (a.read_bytes(), b.read_bytes()) == (b"A", b"B")


def test_reserve_utilisee_puis_liberee(tmp_path: Path) -> None:
    cible = tmp_path / "rapport.json"
    reserve = reserver(cible, 10_000)
    assert reserve.stat().st_size == 10_000 and reserve.name.startswith(f".rapport.json.{os.getpid()}-")
    ecrire_ensemble({cible: b"{}"}, {cible: reserve})
    assert cible.read_bytes() == b"{}" and not reserve.exists()


def test_restes_d_un_mort_supprimes_ceux_d_un_vivant_gardes(tmp_path: Path) -> None:
    mort = subprocess.Popen(["true"])
    mort.wait()
    vivant = subprocess.Popen(["sleep", "30"])
    try:
        commune = tmp_path / "cassis"
        commune.mkdir()
        (commune / f".m-1.{mort.pid}-abcd1234.tmp").mkdir()
        (commune / f".m-2.{vivant.pid}-abcd1234.tmp").mkdir()
        (tmp_path / f".rapport-generation.json.{mort.pid}-zz.tmp").write_text("", encoding="utf-8")
        messages = nettoyer_restes(tmp_path)
        assert any(f"1 reste(s) d'une exécution arrêtée (processus {mort.pid})" in m for m in messages)
        assert sorted(p.name for p in commune.iterdir()) == [f".m-2.{vivant.pid}-abcd1234.tmp"]
        assert not (tmp_path / f".rapport-generation.json.{mort.pid}-zz.tmp").exists()
        # A PID reused by a process started after the leftover was written is not its owner.
        ancien = commune / f".m-3.{vivant.pid}-abcd1234.tmp"
        ancien.mkdir()
        # An hour before that process started, by the system's own account (not the wall clock,
        # which a test under faketime would move while process start times stay real).
        avant = psutil.Process(vivant.pid).create_time() - 3600
        os.utime(ancien, (avant, avant))
        nettoyer_restes(tmp_path)
        assert not ancien.exists() and (commune / f".m-2.{vivant.pid}-abcd1234.tmp").exists()
        # A killed process nobody has reaped yet (a zombie) answers kill(0) but is dead.
        zombie = subprocess.Popen(["true"])
        while Path(f"/proc/{zombie.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
            time.sleep(0.01)
        reste = commune / f".m-4.{zombie.pid}-abcd1234.tmp"
        reste.mkdir()
        nettoyer_restes(tmp_path)
        assert not reste.exists()
        zombie.wait()
    finally:
        vivant.kill()
        vivant.wait()
