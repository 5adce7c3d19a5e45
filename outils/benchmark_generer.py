"""The follow-up workbook and the whole ``generer`` against the python-docx floor (issue 22, items 1 and 2).

Run: ``python outils/benchmark_generer.py [--paires 3]``. Two figures, on the bundled examples
(``dossiers/``):

1. ms per follow-up workbook (``classeur_gabarit.construire_classeur``, timeit, best of 5 loops
   over every example's workbook; target ≤ 5 ms);
2. ms per piece of the whole command ``python -m clause_kit generer dossiers -o … -j 1``
   (interpreter start-up, imports, workbooks and writing included) over the floor, the mean per
   template of merely opening and saving it with python-docx (best of 5 each); target ≤ 0.60.
   The two are measured in alternated pairs, so that the noise of a shared machine falls on both;
   the best ratio and every pair's are printed, with the load average.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path

import docx

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

from clause_kit.commun.parametres import charger_parametres  # noqa: E402
from clause_kit.dossier.classeur_gabarit import construire_classeur  # noqa: E402
from clause_kit.dossier.classeur_suivi import NOM_FICHIER  # noqa: E402
from clause_kit.dossier.construction import construire  # noqa: E402
from clause_kit.rendu.contexte import construire_contexte  # noqa: E402

JOUR = datetime.date(2026, 11, 24)


def ms_par_classeur() -> tuple[float, int]:
    """Best mean time (ms) of one workbook over the bundled examples that have one, and their number."""
    arguments = []
    for exemple in sorted((RACINE / "dossiers").rglob("*.yaml")):
        if exemple.name.startswith("_"):
            continue
        construit = construire(exemple, aujourd_hui=JOUR)
        if NOM_FICHIER not in construit.fichiers:
            continue
        contexte = construire_contexte(construit.consultation, construit.chiffres, charger_parametres(), JOUR)
        designation = contexte["facilitateur"]["designation"]
        arguments.append((construit.consultation, construit.chiffres, designation, construit.sha256_source))

    def tous() -> None:
        for argument in arguments:
            construire_classeur(*argument)

    meilleur = min(timeit.repeat(tous, number=5, repeat=5)) / 5
    return meilleur * 1000 / len(arguments), len(arguments)


def plancher_ms(travail: Path) -> float:
    """Mean over the templates of the pieces of the best python-docx open+save (ms)."""
    modeles = [m for m in sorted((RACINE / "modeles").glob("*.docx")) if m.name != "bilan_annuel.docx"]
    temps = []
    for modele in modeles:
        mesures = []
        for _ in range(5):
            debut = time.perf_counter()
            docx.Document(str(modele)).save(str(travail / "plancher.docx"))
            mesures.append(time.perf_counter() - debut)
        temps.append(min(mesures))
    return statistics.mean(temps) * 1000


def commande_s(sortie: Path) -> float:
    """Wall time of the whole command, -j 1, into a fresh folder."""
    shutil.rmtree(sortie, ignore_errors=True)
    debut = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "clause_kit", "generer", "dossiers", "-o", str(sortie), "-j", "1"],
        cwd=RACINE,
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(RACINE)},
    )
    return time.perf_counter() - debut


def main() -> None:
    analyseur = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    analyseur.add_argument("--paires", type=int, default=3, help="paires commande/plancher alternées")
    options = analyseur.parse_args()
    classeur, nombre = ms_par_classeur()
    print(f"Classeur de suivi : {classeur:.2f} ms par classeur ({nombre} classeurs des exemples ; cible ≤ 5 ms)")
    travail = Path(tempfile.mkdtemp(prefix="clause-kit-generer-"))
    try:
        commande_s(travail / "sortie")  # warm-up: compiled-template cache, file cache
        pieces = len(list((travail / "sortie").rglob("*.docx")))
        rapports = []
        for _ in range(options.paires):
            plancher = plancher_ms(travail)
            par_piece = commande_s(travail / "sortie") * 1000 / pieces
            rapports.append((par_piece / plancher, par_piece, plancher))
        meilleur = min(rapports)
        paires = ", ".join(f"{r:.2f}" for r, _, _ in rapports)
        print(
            f"generer -j 1, {pieces} pièces : {meilleur[1]:.2f} ms par pièce, plancher python-docx "
            f"{meilleur[2]:.2f} ms : rapport {meilleur[0]:.2f} (cible ≤ 0,60 ; paires {paires} ; "
            f"charge {os.getloadavg()[0]:.1f})"
        )
    finally:
        shutil.rmtree(travail, ignore_errors=True)


if __name__ == "__main__":
    main()
