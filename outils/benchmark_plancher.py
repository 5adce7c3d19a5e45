"""Part 8 of the benchmark (issue 22): the whole command against its floors, all measured in one run.

Run: ``python outils/benchmark.py --plancher-seulement [--entrees DOSSIER]`` (or the whole benchmark).

On a shared machine an absolute time says little; what this part reports are ratios whose two
terms are measured in the same run, alternated, so that the neighbours' noise falls on both:

- **per piece against python-docx**: the whole ``clause-kit generer -j 1`` (interpreter start,
  imports, workbook, zip writing included) divided by the pieces it wrote, against the time
  python-docx takes merely to open and save the Word template of each of those pieces (the
  manifest names it), summed over the same pieces (target ≤ 0.60);
- **``-j 2`` against the machine**: the speed-up of ``-j 2`` over ``-j 1`` divided by the
  speed-up the machine gives two copies of a pure-CPU task run at once rather than one after the
  other, measured between the two (target ≥ 0.92: what is lost is ours, not the neighbours');
- **the follow-up workbook**: its build alone, in this process, per contract (target ≤ 5 ms),
  and the number of workbooks written (one per contract with a clause);
- **PDF against a lone LibreOffice**: ``--pdf -j 2`` minus ``-j 2``, per piece, against one
  LibreOffice converting the same pieces with the same export (target ≤ 0.55).

The contracts are those of ``--entrees`` (default: the bundled examples, every shape of contract).
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import docx

from outils import benchmark_vitesse

RACINE = Path(__file__).resolve().parent.parent
EXEMPLES = RACINE / "dossiers"

#: A pure-CPU task for the calibration: no I/O, no memory traffic, about a second.
TACHE_CPU = "x = 0\nfor i in range(18_000_000):\n    x = (x * 31 + i) & 0xFFFFFFFF\n"


def plancher_modeles(noms: set[str], repetitions: int, travail: Path) -> dict[str, float]:
    """Median ms python-docx takes to open each template named and save it to a file, as part 1 does."""
    resultat = {}
    copie = travail / "plancher.docx"
    for nom in sorted(noms):
        chemin = RACINE / "modeles" / nom
        docx.Document(str(chemin)).save(str(copie))  # warm-up: imports, caches
        mesures = []
        for _ in range(repetitions):
            debut = time.perf_counter()
            docx.Document(str(chemin)).save(str(copie))
            mesures.append(time.perf_counter() - debut)
        resultat[nom] = statistics.median(mesures) * 1000
    return resultat


def capacite_deux_processus() -> tuple[float, float]:
    """Wall times (s) of the pure-CPU task run twice one after the other, then twice at once."""

    def lancer() -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-c", TACHE_CPU])

    debut = time.perf_counter()
    for _ in range(2):
        lancer().wait()
    serie = time.perf_counter() - debut
    debut = time.perf_counter()
    processus = [lancer(), lancer()]
    for p in processus:
        p.wait()
    return serie, time.perf_counter() - debut


def pieces_ecrites(sortie: Path) -> tuple[Counter[str], int]:
    """The templates of the pieces written (from the manifests), and the follow-up workbooks."""
    modeles: Counter[str] = Counter()
    classeurs = 0
    for manifeste in sortie.rglob("manifest.json"):
        donnees = json.loads(manifeste.read_text(encoding="utf-8"))
        modeles.update(piece["modele"] for piece in donnees["pieces"] if piece["fichier"].endswith(".docx"))
        classeurs += (manifeste.parent / "fiche-suivi.xlsx").is_file()
    return modeles, classeurs


def temps_classeur_ms(entrees: Path, repetitions: int) -> tuple[float, int]:
    """Median ms to build one follow-up workbook, over every contract of ``entrees``, in this process."""
    from clause_kit.dossier.classeur_gabarit import construire_classeur
    from clause_kit.lot.selection import collecter
    from clause_kit.marche.chargement import charger_detail

    fabriques: list[Callable[[], bytes]] = []
    for fichier in collecter([entrees])[0]:
        try:
            detail = charger_detail(fichier)
        except Exception:  # noqa: BLE001 - a contract the command itself refuses has no workbook to time
            continue
        if detail.chiffres.heures_total == 0 and detail.consultation.insertion.article_53 is None:
            continue  # no clause: the command writes no workbook either

        def fabrique(d: object = detail) -> bytes:
            return construire_classeur(d.consultation, d.chiffres, "Le facilitateur", d.sha256_source)  # type: ignore[attr-defined]

        fabriques.append(fabrique)
    if not fabriques:
        return float("nan"), 0
    for fabrique in fabriques:  # warm-up: imports, caches
        fabrique()
    mesures = []
    for _ in range(repetitions):
        debut = time.perf_counter()
        for fabrique in fabriques:
            fabrique()
        mesures.append((time.perf_counter() - debut) / len(fabriques))
    return statistics.median(mesures) * 1000, len(fabriques)


def generer(entrees: Path, sortie: Path, jobs: int) -> tuple[float, float]:
    """Wall and CPU time (s) of the whole command into an empty ``sortie``."""
    shutil.rmtree(sortie, ignore_errors=True)
    return benchmark_vitesse.commande_cpu("generer", str(entrees), "-o", str(sortie), "-j", str(jobs))


def mesurer(entrees: Path, travail: Path, repetitions: int, dire: Callable[..., None]) -> None:
    """Run the alternated measures and print the table."""
    un, deux, capacites, coeurs, seul = [], [], [], [], []
    premier = sorted(entrees.rglob("*.yaml"))
    premier = [f for f in premier if not f.name.startswith("_")][:1]
    for _ in range(repetitions):
        un.append(generer(entrees, travail / "j1", 1)[0])
        # What does not get shared between processes: start-up, imports, preparation, report, exit
        # (one contract's own work included, the closest a command gets to none).
        seul.append(generer(premier[0], travail / "un", 1)[0])
        serie, ensemble = capacite_deux_processus()
        capacites.append(serie / ensemble)
        duree, cpu = generer(entrees, travail / "j2", 2)
        deux.append(duree)
        coeurs.append(cpu / duree)
    modeles, classeurs = pieces_ecrites(travail / "j1")
    pieces = sum(modeles.values())
    planchers = plancher_modeles(set(modeles), 20, travail)
    plancher = sum(planchers[nom] * nombre for nom, nombre in modeles.items()) / pieces
    t1, t2, capacite = min(un), min(deux), statistics.median(capacites)
    # Per pair (one -j 1, one calibration, one -j 2, run one after the other): the neighbours of a
    # shared machine change from minute to minute, so each pair is judged against its own calibration.
    efficacites = sorted(u / d / c for u, d, c in zip(un, deux, capacites, strict=True))
    serie = min(seul)
    # Amdahl: with ``serie`` seconds that no second process shortens, the best -j 2 can do on this
    # machine is serie + (t1 - serie) / capacite.
    plafond = t1 / (serie + (t1 - serie) / capacite) / capacite
    par_piece = t1 * 1000 / pieces
    classeur_ms, contrats_classeur = temps_classeur_ms(entrees, 5)
    contrats = len(list((travail / "j1").rglob("manifest.json")))
    dire("### 8. La commande entière contre ses planchers (issue 22)")
    dire()
    dire(
        f"{contrats} marchés de `{entrees.relative_to(RACINE) if entrees.is_relative_to(RACINE) else entrees}`, "
        f"{pieces} pièces Word et {classeurs} classeurs de suivi ; chaque commande {repetitions} fois, en "
        f"alternance avec la mesure de la machine ; meilleure durée. Charge au départ : "
        f"{benchmark_vitesse.charge():.1f} pour 2 cœurs."
    )
    dire()
    dire("| mesure | résultat | cible |")
    dire("| --- | --- | --- |")
    dire(
        f"| `generer -j 1` par pièce / python-docx ouvrir+enregistrer les mêmes modèles | "
        f"{par_piece:.1f} / {plancher:.1f} ms = **{par_piece / plancher:.2f}** | ≤ 0,60 |"
    )
    dire(
        f"| `-j 2` / `-j 1` rapporté à la capacité de la machine (tâche de calcul pure, 2 processus) | "
        f"meilleures durées {t1 / t2:.2f}× / capacité médiane {capacite:.2f}× = **{t1 / t2 / capacite:.2f}** ; "
        f"par paire : médiane **{statistics.median(efficacites):.2f}**, de {efficacites[0]:.2f} à "
        f"{efficacites[-1]:.2f} ; `-j 2` a obtenu {statistics.median(coeurs):.2f} cœurs | ≥ 0,92 |"
    )
    dire(
        f"| partie en série (`generer` d'un seul marché : démarrage, imports, préparation, rapport, fin) "
        f"et ce qu'elle laisse à `-j 2` au mieux (Amdahl) | {serie:.2f} s sur {t1:.2f} s ; plafond "
        f"**{plafond:.2f}** | — |"
    )
    dire(
        f"| classeur de suivi seul, par marché (médiane de 5 passes sur {contrats_classeur} marchés) | "
        f"**{classeur_ms:.1f} ms** | ≤ 5 ms |"
    )
    dire()
    dire(
        "Durées une à une (s) : -j 1 "
        + ", ".join(f"{d:.2f}" for d in un)
        + " ; -j 2 "
        + ", ".join(f"{d:.2f}" for d in deux)
        + " ; capacité "
        + ", ".join(f"{c:.2f}" for c in capacites)
        + "."
    )
    dire()


def pdf(entrees: Path, travail: Path, repetitions: int, dire: Callable[..., None]) -> None:
    """PDF against a lone LibreOffice on the same pieces."""
    j2, seul, pieces, coeurs = benchmark_vitesse.pdf_par_piece(entrees, travail / "pdf", repetitions)
    dire(
        f"PDF : `--pdf -j 2` moins `-j 2`, par pièce ({pieces} pièces, médianes de {repetitions}) / un "
        f"LibreOffice seul convertissant les mêmes pièces avec le même export : {j2:.0f} / {seul:.0f} ms = "
        f"**{j2 / seul:.2f}** (cible ≤ 0,55) ; `--pdf -j 2` a obtenu {coeurs:.2f} cœurs ; charge "
        f"{benchmark_vitesse.charge():.1f}."
    )
    dire()
