"""Part 6 of the benchmark (issue 12): start-up, -j 2 against -j 1, PDF near its floor, ``--mettre-a-jour``.

Run through ``python outils/benchmark.py --vitesse-seulement`` (or the whole benchmark). Every
figure is a ratio of two things measured in the same run, alternated so that the noise of a
shared machine falls on both; each is the median of its repeats. Commands are run as a user
runs them (``python -m clause_kit generer ...``), interpreter start-up and imports included.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from clause_kit.dossier.pdf import convertir_en_pdf

RACINE = Path(__file__).resolve().parent.parent
EXEMPLE = RACINE / "dossiers" / "la-penne-sur-huveaune" / "2026-tx-012-gymnase.yaml"


def charge() -> float:
    """Load average over the last minute: the other sessions' work on this machine."""
    return os.getloadavg()[0]


def commande(*arguments: str, env: dict[str, str] | None = None) -> float:
    """Wall time (s) of one ``clause-kit`` command; it must succeed."""
    return commande_cpu(*arguments, env=env)[0]


def commande_cpu(*arguments: str, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall time and CPU time (s, the command and its workers) of one ``clause-kit`` command.

    CPU over wall time says how many cores the command actually got: on a shared machine, a
    ``-j 2`` that gets 1.1 cores cannot be 2 times faster, whatever the code does.
    """
    avant = resource.getrusage(resource.RUSAGE_CHILDREN)
    debut = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "clause_kit", *arguments],
        capture_output=True,
        check=True,
        cwd=RACINE,
        env={**os.environ, **(env or {})},
    )
    duree = time.perf_counter() - debut
    apres = resource.getrusage(resource.RUSAGE_CHILDREN)
    return duree, (apres.ru_utime + apres.ru_stime) - (avant.ru_utime + avant.ru_stime)


def import_ms(repetitions: int) -> tuple[float, float]:
    """``python -X importtime``: cumulated import time of ``clause_kit.cli`` and of the interpreter alone (ms)."""
    cli, vide = [], []
    for _ in range(repetitions):
        sortie = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import clause_kit.cli"],
            capture_output=True,
            text=True,
            check=True,
            cwd=RACINE,
        ).stderr
        ligne = next(x for x in sortie.splitlines() if x.rstrip().endswith("| clause_kit.cli"))
        cli.append(int(ligne.split("|")[1]) / 1000)
        debut = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        vide.append((time.perf_counter() - debut) * 1000)
    return statistics.median(cli), statistics.median(vide)


def demarrage(travail: Path, repetitions: int) -> dict[str, float]:
    """Median wall times (s) of the short commands a clause officer types."""
    mesures: dict[str, list[float]] = {"--help": [], "verifier": [], "generer": [], "generer sans cache": []}
    for numero in range(repetitions):
        mesures["--help"].append(commande("--help"))
        mesures["verifier"].append(commande("verifier", str(EXEMPLE)))
        mesures["generer"].append(commande("generer", str(EXEMPLE), "-o", str(travail / f"d{numero}")))
        sans = {"CLAUSE_KIT_CACHE": "aucun"}
        sans_cache = commande("generer", str(EXEMPLE), "-o", str(travail / f"s{numero}"), env=sans)
        mesures["generer sans cache"].append(sans_cache)
    return {nom: statistics.median(valeurs) for nom, valeurs in mesures.items()}


def parallele(entrees: Path, travail: Path, repetitions: int) -> tuple[float, float, list[float], float]:
    """Medians of the whole ``generer`` with -j 1 and -j 2 (alternated), the load seen, the cores -j 2 got."""
    durees: dict[int, list[float]] = {1: [], 2: []}
    charges, coeurs = [], []
    for _ in range(repetitions):
        for jobs in (1, 2):
            sortie = travail / f"j{jobs}"
            shutil.rmtree(sortie, ignore_errors=True)
            duree, cpu = commande_cpu("generer", str(entrees), "-o", str(sortie), "-j", str(jobs))
            durees[jobs].append(duree)
        coeurs.append(cpu / duree)
        charges.append(charge())
    return statistics.median(durees[1]), statistics.median(durees[2]), charges, statistics.median(coeurs)


def pdf_par_piece(entrees: Path, travail: Path, repetitions: int) -> tuple[float, float, int, float]:
    """PDF cost per piece (ms): ``--pdf -j 2`` minus ``-j 2``, and one lone LibreOffice on the same pieces.

    Also the cores ``--pdf -j 2`` got (its CPU time over its wall time, median).
    """
    avec, sans, seul, coeurs = [], [], [], []
    pieces = 0
    for numero in range(repetitions):
        base = travail / f"sans{numero}"
        sans.append(commande("generer", str(entrees), "-o", str(base), "-j", "2"))
        duree, cpu = commande_cpu("generer", str(entrees), "-o", str(travail / f"avec{numero}"), "--pdf", "-j", "2")
        avec.append(duree)
        coeurs.append(cpu / duree)
        docx = sorted(base.rglob("*.docx"))
        pieces = len(docx)
        debut = time.perf_counter()
        convertir_en_pdf(docx, travail / f"seul{numero}")
        seul.append(time.perf_counter() - debut)
        for dossier in (base, travail / f"avec{numero}", travail / f"seul{numero}"):
            shutil.rmtree(dossier, ignore_errors=True)
    par_piece_j2 = (statistics.median(avec) - statistics.median(sans)) * 1000 / pieces
    return par_piece_j2, statistics.median(seul) * 1000 / pieces, pieces, statistics.median(coeurs)


def mise_a_jour(entrees: Path, travail: Path, repetitions: int) -> tuple[float, list[float], list[int]]:
    """A full ``generer --pdf -j 2``, then ``--mettre-a-jour`` after changing one contract: times, dossiers rebuilt."""
    sortie = travail / "sortie"
    complet = commande("generer", str(entrees), "-o", str(sortie), "--pdf", "-j", "2")
    contrats = sorted(entrees.rglob("m*.yaml"))
    durees, refaits = [], []
    for numero in range(repetitions):
        change = contrats[(numero * 37) % len(contrats)]
        texte = change.read_text(encoding="utf-8")
        change.write_text(re.sub(r"(\n  objet: [^\n]+)", rf"\1 (version {numero + 2})", texte, count=1), "utf-8")
        durees.append(commande("generer", str(entrees), "-o", str(sortie), "--mettre-a-jour", "--pdf", "-j", "2"))
        rapport = json.loads((sortie / "rapport-generation.json").read_text(encoding="utf-8"))
        refaits.append(sum(ligne["statut"] == "généré" for ligne in rapport["marches"]))
    return complet, durees, refaits
