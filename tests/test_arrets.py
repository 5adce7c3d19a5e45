"""Stopping a run: no orphan process, no leftover, a report every time, as process managers and CI stop programs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.contrats import contrat

RACINE = Path(__file__).resolve().parent.parent


def contrats(dossier: Path, nombre: int, commune: str = "Cassis") -> Path:
    dossier.mkdir(parents=True, exist_ok=True)
    for i in range(nombre):
        (dossier / f"m{i:03d}.yaml").write_text(contrat(f"M-{i}", commune, f"Marché {i}"), encoding="utf-8")
    return dossier


def lancer(*arguments: str, **options: object) -> subprocess.Popen[str]:
    commande = [sys.executable, "-m", "clause_kit", "generer", *arguments]
    return subprocess.Popen(
        commande,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=RACINE,
        **options,  # type: ignore[call-overload]
    )


def enfants(pid: int) -> list[int]:
    """The living children of a process, read from /proc (no need for procps)."""
    trouves = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            champs = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(champs[1]) == pid and champs[0] != "Z":
            trouves.append(int(stat.parent.name))
    return trouves


def vivant(pid: int) -> bool:
    try:
        etat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return etat != "Z"  # a zombie has exited; only its parent's bookkeeping remains


def attendre(condition: object, delai: float = 120) -> None:
    limite = time.monotonic() + delai
    while not condition() and time.monotonic() < limite:  # type: ignore[operator]
        time.sleep(0.05)
    assert condition(), "la situation attendue n'est pas arrivée"  # type: ignore[operator]


def libreoffice_des_travailleurs(principal: int) -> list[int]:
    return [lo for travailleur in enfants(principal) for lo in enfants(travailleur)]


@pytest.mark.lent
def test_processus_principal_tue_ne_laisse_aucun_orphelin(tmp_path: Path) -> None:
    entrees = contrats(tmp_path / "entrees" / "cassis", 40)
    processus = lancer(str(entrees), "-o", str(tmp_path / "sortie"), "-j", "2", "--pdf")
    attendre(lambda: libreoffice_des_travailleurs(processus.pid))
    travailleurs = enfants(processus.pid)
    famille = travailleurs + libreoffice_des_travailleurs(processus.pid)
    processus.kill()  # SIGKILL of the main process only, as a process manager may do
    processus.communicate(timeout=60)
    attendre(lambda: not any(vivant(pid) for pid in famille), delai=15)
    # The workers stopped cleanly: they removed their temporary folders before leaving. Only
    # the room the killed main process had reserved for its report stays, for the next run.
    restes = [p.name for p in (tmp_path / "sortie").rglob(".*")]
    assert all(nom.startswith(".rapport-generation.") and f".{processus.pid}-" in nom for nom in restes), restes


@pytest.mark.lent
def test_groupe_tue_puis_restes_nettoyes_par_l_execution_suivante(tmp_path: Path) -> None:
    entrees = contrats(tmp_path / "entrees" / "cassis", 40)
    sortie = tmp_path / "sortie"
    processus = lancer(str(entrees), "-o", str(sortie), "-j", "2", "--pdf", start_new_session=True)
    attendre(lambda: libreoffice_des_travailleurs(processus.pid))
    famille = enfants(processus.pid) + libreoffice_des_travailleurs(processus.pid)
    os.killpg(processus.pid, signal.SIGKILL)  # the whole group: nobody can clean up
    processus.communicate(timeout=60)
    # LibreOffice runs in its own session, out of reach of the group kill: it dies with its parent.
    attendre(lambda: not any(vivant(pid) for pid in famille), delai=15)
    restes = list(sortie.rglob(".*.tmp"))
    assert restes, "the kill was meant to leave temporary folders behind"
    temporaire = Path(os.environ.get("TMPDIR", "/tmp"))
    a_eux = [p for p in temporaire.glob("clause_kit-*") if any(f"-{pid}-" in p.name for pid in famille)]
    suivante = lancer(str(entrees / "m000.yaml"), "-o", str(sortie))
    _, erreurs = suivante.communicate(timeout=120)
    assert suivante.returncode == 0, erreurs
    assert "Nettoyage :" in erreurs and "reste(s) d'une exécution arrêtée" in erreurs
    assert not list(sortie.rglob(".*")) and not any(p.exists() for p in a_eux)


@pytest.mark.parametrize(("numero", "code", "nom"), [(signal.SIGTERM, 143, "SIGTERM"), (signal.SIGHUP, 129, "SIGHUP")])
def test_sigterm_et_sighup_arretent_comme_ctrl_c(tmp_path: Path, numero: int, code: int, nom: str) -> None:
    entrees = contrats(tmp_path / "entrees" / "cassis", 150)
    sortie = tmp_path / "sortie"
    processus = lancer(str(entrees), "-o", str(sortie), "-j", "2")
    attendre(lambda: list(sortie.glob("*/*/manifest.json")) or processus.poll() is not None)
    processus.send_signal(numero)  # to the main process only
    _, erreurs = processus.communicate(timeout=120)
    assert "Traceback" not in erreurs
    faits = sorted(p.parent.name for p in sortie.glob("cassis/*/manifest.json"))
    assert not list(sortie.rglob(".*")), "temporary folders left behind"
    rapport = json.loads((sortie / "rapport-generation.json").read_text(encoding="utf-8"))
    generes = sorted(Path(m["dossier"]).name for m in rapport["marches"] if m["statut"] == "généré")
    assert generes == faits
    assert len(rapport["marches"]) == 150  # every contract has its row, the unstarted ones « non traité »
    if len(faits) < 150:
        assert processus.returncode == code and f"Interrompu ({nom})" in erreurs
        assert rapport["resume"]["non_traites"] + rapport["resume"]["interrompus"] == 150 - len(faits)


def test_deuxieme_ctrl_c_laisse_encore_un_rapport(tmp_path: Path) -> None:
    entrees = contrats(tmp_path / "entrees" / "cassis", 150)
    sortie = tmp_path / "sortie"
    processus = lancer(str(entrees), "-o", str(sortie), "-j", "2")
    attendre(lambda: list(sortie.glob("*/*/manifest.json")) or processus.poll() is not None)
    for _ in range(3):  # an impatient user
        processus.send_signal(signal.SIGINT)
        time.sleep(0.05)
    _, erreurs = processus.communicate(timeout=120)
    assert "Traceback" not in erreurs
    rapport = json.loads((sortie / "rapport-generation.json").read_text(encoding="utf-8"))
    generes = sorted(Path(m["dossier"]).name for m in rapport["marches"] if m["statut"] == "généré")
    assert generes == sorted(p.parent.name for p in sortie.glob("cassis/*/manifest.json"))
    if len(generes) < 150:
        assert processus.returncode == 130


def test_ctrl_c_pendant_les_imports_sans_trace(tmp_path: Path) -> None:
    # A module imported by the command line that is interrupted while loading: Ctrl-C at start-up.
    (tmp_path / "click.py").write_text("raise KeyboardInterrupt\n", encoding="utf-8")
    environnement = {**os.environ, "PYTHONPATH": str(tmp_path)}
    resultat = subprocess.run(
        [sys.executable, "-m", "clause_kit", "--version"], capture_output=True, text=True, env=environnement, cwd=RACINE
    )
    assert resultat.returncode == 130
    assert resultat.stderr == "Interrompu.\n"


def _pid_mort() -> int:
    processus = subprocess.Popen(["true"])
    processus.wait()
    return processus.pid


def test_remplacement_force_interrompu_remis_en_place(tmp_path: Path) -> None:
    entrees = contrats(tmp_path / "entrees" / "cassis", 2)
    sortie = tmp_path / "sortie"
    assert lancer(str(entrees), "-o", str(sortie)).wait(timeout=120) == 0
    # A --force run killed between its two renames: the old dossier moved aside, the new one not in place.
    mort = _pid_mort()
    ancien = sortie / "cassis" / f".m-0.ancien-{mort}"
    (sortie / "cassis" / "m-0").rename(ancien)
    # Leftovers of a live run (a concurrent generer) are not touched.
    vivant_ = subprocess.Popen(["sleep", "30"])
    autre = sortie / "cassis" / f".m-9.{vivant_.pid}-abcd1234.tmp"
    autre.mkdir()
    try:
        processus = lancer(str(entrees / "m001.yaml"), "-o", str(sortie), "--force")
        _, erreurs = processus.communicate(timeout=120)
        assert processus.returncode == 0, erreurs
        assert f"{sortie / 'cassis' / 'm-0'} : remis en place" in erreurs
        assert (sortie / "cassis" / "m-0" / "manifest.json").is_file() and not ancien.exists()
        assert autre.is_dir()
    finally:
        vivant_.kill()
        vivant_.wait()


@pytest.mark.lent
def test_deux_executions_sur_le_meme_dossier(tmp_path: Path) -> None:
    entrees = contrats(tmp_path / "entrees" / "cassis", 30)
    sortie = tmp_path / "sortie"
    premiere, seconde = (lancer(str(entrees), "-o", str(sortie), "-j", "1") for _ in range(2))
    resultats = [p.communicate(timeout=300) for p in (premiere, seconde)]
    for _, erreurs in resultats:
        assert "Traceback" not in erreurs and "erreur inattendue" not in erreurs
    # Each dossier is written once, complete; the other run got a clean per-contract error.
    assert len(list(sortie.glob("cassis/*/manifest.json"))) == 30
    assert not list(sortie.rglob(".*"))
    deja = sum(erreurs.count("existe déjà : utilisez --force") for _, erreurs in resultats)
    assert deja == 30
