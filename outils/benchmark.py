"""Benchmark of clause_kit against the targets of the batch/PDF issue. Run: python outils/benchmark.py

Measures, on this machine:
1. per piece: python-docx open+save of each template (the reference), plain docxtpl
   render+save, and clause_kit's render+write (target: at most 1.3 x the reference);
2. batch generation of 100 contracts with -j 1 and -j 2 (target: -j 2 at least 1.8 x faster);
3. PDF conversion, amortised per piece over a batch (target: at most 80 ms);
4. peak memory (RSS) for 10 and 200 contracts (target: flat);
5. the follow-up register: reading 10 000 rows with python-calamine and openpyxl (read-only),
   importing 300 sheets (10 000 rows) and 3 000 sheets (100 000 rows), and ``suivi etat`` on
   them (targets: 10 000 rows under 5 s, etat under 0.5 s on 100 000 rows, memory flat).
6. the annual report (``outils/benchmark_bilan.py``): time and peak memory of ``bilan --format
   json`` and ``bilan -o`` on 10 000 and 100 000 register rows (target: at most 30 % growth);
7. speed (issue 12): start-up (import time, ``--help``, ``verifier``, ``generer`` on one contract),
   the whole ``generer`` with -j 2 against -j 1 on 40 and 100 contracts (targets 1.75 and 1.85),
   the PDF cost per piece with -j 2 against one lone LibreOffice on the same pieces (at most 0.55),
   ``--mettre-a-jour`` after one contract of 100 changed, with PDF (under 10 % of the full run,
   exactly one dossier rebuilt); see ``outils/benchmark_vitesse.py``;
8. against its floors (issue 22): the whole ``generer -j 1`` per piece against python-docx
   opening and saving the same templates (at most 0.60), ``-j 2`` against the machine's own
   two-process capacity (at least 0.92), the follow-up workbook alone (at most 5 ms), PDF against
   a lone LibreOffice (at most 0.55), every term measured in the same run; see
   ``outils/benchmark_plancher.py``.
Timings are medians of repeated runs; the machine is shared, so expect some noise.
``--suivi-seulement`` runs part 5 only, ``--bilan-seulement`` part 6, ``--vitesse-seulement``
part 7, ``--plancher-seulement`` part 8 (``--entrees`` chooses its contracts).
``--ecrire docs/performance.md`` replaces the results section of that file.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import docx
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

from clause_kit.commun.parametres import charger_parametres  # noqa: E402
from clause_kit.dossier.pdf import convertir_en_pdf  # noqa: E402
from clause_kit.lot.batch import Options, generer_tout  # noqa: E402
from clause_kit.lot.selection import collecter  # noqa: E402
from clause_kit.marche.calcul import calculer  # noqa: E402
from clause_kit.marche.chargement import charger  # noqa: E402
from clause_kit.rendu.contexte import construire_contexte  # noqa: E402
from clause_kit.rendu.moteur import _IndefinieNommee, compiler, rendre, variables  # noqa: E402
from outils import benchmark_plancher, benchmark_suivi, benchmark_vitesse  # noqa: E402

EXEMPLE = RACINE / "dossiers" / "la-penne-sur-huveaune" / "2026-tx-012-gymnase.yaml"


def mediane_ms(fonction: Callable[[], object], repetitions: int) -> float:
    fonction()  # warm-up: caches, imports
    mesures = []
    for _ in range(repetitions):
        debut = time.perf_counter()
        fonction()
        mesures.append(time.perf_counter() - debut)
    return statistics.median(mesures) * 1000


def par_piece(travail: Path, repetitions: int) -> list[tuple[str, float, float, float]]:
    consultation = charger(EXEMPLE)
    parametres = charger_parametres()
    contexte = construire_contexte(consultation, calculer(consultation, parametres), parametres, datetime.date.today())
    valeurs = variables(contexte)
    env = SandboxedEnvironment(undefined=_IndefinieNommee, autoescape=True)
    lignes = []
    for modele in sorted((RACINE / "modeles").glob("*.docx")):

        def reference(m: Path = modele) -> None:
            docx.Document(str(m)).save(str(travail / "reference.docx"))

        def docxtpl_simple(m: Path = modele) -> None:
            gabarit = DocxTemplate(str(m))
            gabarit.render(contexte, jinja_env=env)
            gabarit.save(str(travail / "docxtpl.docx"))

        compile_ = compiler(modele)

        def clause_kit(c: object = compile_) -> None:
            (travail / "clause_kit.docx").write_bytes(rendre(c, valeurs))  # type: ignore[arg-type]

        lignes.append(
            (
                modele.name,
                mediane_ms(reference, repetitions),
                mediane_ms(docxtpl_simple, repetitions),
                mediane_ms(clause_kit, repetitions),
            )
        )
    return lignes


_CRITERES = (
    "  date_limite_offres: 2026-03-16\n"
    "  criteres:\n"
    "    - {libelle: Prix, ponderation: 60, nature: prix}\n"
    "    - {libelle: Valeur technique, ponderation: 20, nature: qualite}\n"
    "    - {libelle: Performances environnementales, ponderation: 10, nature: environnement}\n"
)
_ARTICLE_53 = (
    "  article_53:\n"
    "    ponderation: 10\n"
    "    sous_criteres:\n"
    "      - {libelle: Accueil et intégration, ponderation: 5}\n"
    "      - {libelle: Tutorat, ponderation: 5}\n"
)


def contrats(dossier: Path, nombre: int) -> Path:
    """``nombre`` contracts over five communes, with and without lots and article 53."""
    modele = EXEMPLE.read_text(encoding="utf-8")
    for i in range(nombre):
        commune = f"commune-{i % 5}"
        (dossier / commune).mkdir(parents=True, exist_ok=True)
        texte = modele.replace("reference: 2026-TX-012", f"reference: B-{i:04d}").replace(
            "commune: La Penne-sur-Huveaune", f"commune: Commune {i % 5}"
        )
        if i % 2:  # article 53 too: the other criteria and the sub-criteria are then the buyer's to write
            texte = texte.replace("  date_limite_offres: 2026-03-16\n", _CRITERES)
            texte += _ARTICLE_53
        (dossier / commune / f"m{i:04d}.yaml").write_text(texte, encoding="utf-8")
    return dossier


def lot(entrees: Path, sortie: Path, jobs: int, pdf: bool = False) -> tuple[float, int]:
    fichiers, _ = collecter([entrees])
    shutil.rmtree(sortie, ignore_errors=True)
    debut = time.perf_counter()
    resultats = generer_tout(fichiers, Options(sortie=sortie, pdf=pdf), jobs=jobs)
    duree = time.perf_counter() - debut
    assert all(r.statut == "généré" for r in resultats), [r.message for r in resultats if r.statut != "généré"]
    return duree, sum(r.pieces for r in resultats)


def commande_s(entrees: Path, sortie: Path, jobs: int) -> float:
    """Wall time of the whole ``clause-kit generer`` command (interpreter start and imports included)."""
    shutil.rmtree(sortie, ignore_errors=True)
    debut = time.perf_counter()
    commande = [sys.executable, "-m", "clause_kit", "generer", str(entrees), "-o", str(sortie), "-j", str(jobs)]
    subprocess.run(commande, capture_output=True, check=True, cwd=RACINE)
    return time.perf_counter() - debut


def rss_max_mo(entrees: Path, sortie: Path, jobs: int) -> tuple[float, float]:
    """Peak RSS of the main process and of the largest worker, in MB, for one CLI run."""
    shutil.rmtree(sortie, ignore_errors=True)
    return commande_mesuree(["generer", str(entrees), "-o", str(sortie), "-j", str(jobs)])[1:3]


def commande_mesuree(arguments: list[str]) -> tuple[float, float, float, float]:
    """Wall time (s), peak RSS of the main process and of its largest child (MB), CPU time (s) of one CLI run.

    The CPU time (user + system, this process) does not grow when other work shares the machine.
    """
    script = (
        "import resource, sys\n"
        "from clause_kit.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        # ru_maxrss survives exec (it would report this benchmark's own size): read the main
        # process's peak from /proc (VmHWM, in kB); the workers' from RUSAGE_CHILDREN (kB).
        "hwm = next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM'))\n"
        "moi = resource.getrusage(resource.RUSAGE_SELF)\n"
        "print(hwm, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, moi.ru_utime + moi.ru_stime, "
        "file=sys.stderr)\n"
    )
    debut = time.perf_counter()
    sortie_processus = subprocess.run(
        [sys.executable, "-c", script, *arguments], capture_output=True, text=True, check=False, cwd=RACINE
    )
    duree = time.perf_counter() - debut
    principal, enfants, cpu = sortie_processus.stderr.strip().splitlines()[-1].split()
    return duree, int(principal) / 1024, int(enfants) / 1024, float(cpu)


def journal(commande: str) -> tuple[list[str], Callable[..., None]]:
    """Lines for the Markdown file, and the function that prints one and keeps it; starts with the context."""
    lignes: list[str] = []

    def dire(ligne: str = "") -> None:
        print(ligne, flush=True)
        lignes.append(ligne)

    dire(
        f"Mesuré le {datetime.date.today().isoformat()} sur {platform.node() or 'machine'} "
        f"({os.cpu_count()} cœurs, Python {platform.python_version()}), `{commande}`."
    )
    dire()
    return lignes, dire


def main() -> None:
    analyseur = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    analyseur.add_argument("--repetitions", type=int, default=30)
    analyseur.add_argument("--contrats", type=int, default=100)
    analyseur.add_argument("--ecrire", type=Path, help="fichier Markdown dont remplacer la section des résultats")
    analyseur.add_argument("--suivi-seulement", action="store_true", help="ne mesurer que le registre de suivi")
    analyseur.add_argument("--vitesse-seulement", action="store_true", help="ne mesurer que la partie 7 (vitesse)")
    analyseur.add_argument("--bilan-seulement", action="store_true", help="ne mesurer que la partie 6 (bilan)")
    analyseur.add_argument("--plancher-seulement", action="store_true", help="ne mesurer que la partie 8 (planchers)")
    analyseur.add_argument(
        "--entrees", type=Path, default=benchmark_plancher.EXEMPLES, help="marchés de la partie 8 (les exemples)"
    )
    options = analyseur.parse_args()
    if options.bilan_seulement:
        bilan(options.ecrire)
        return
    if options.plancher_seulement:
        plancher(options.entrees.resolve(), options.ecrire)
        return
    if options.suivi_seulement:
        suivi(options.ecrire)
        return
    if options.vitesse_seulement:
        vitesse(options.ecrire)
        return
    travail = Path(tempfile.mkdtemp(prefix="clause-kit-bench-"))
    lignes_md, dire = journal("python outils/benchmark.py")
    try:
        dire("### 1. Par pièce (médiane, ms)")
        dire()
        dire(
            "| modèle | python-docx ouvrir+enregistrer | docxtpl rendu+enregistrer | clause_kit rendu+écriture "
            "| rapport clause_kit / python-docx |"
        )
        dire("| --- | ---: | ---: | ---: | ---: |")
        mesures = par_piece(travail, options.repetitions)
        for nom, ref, tpl, ck in mesures:
            dire(f"| {nom} | {ref:.1f} | {tpl:.1f} | {ck:.1f} | {ck / ref:.2f} |")
        ref_moy = statistics.mean(m[1] for m in mesures)
        ck_moy = statistics.mean(m[3] for m in mesures)
        dire(
            f"| **moyenne** | {ref_moy:.1f} | {statistics.mean(m[2] for m in mesures):.1f} | {ck_moy:.1f} "
            f"| **{ck_moy / ref_moy:.2f}** (cible ≤ 1,3) |"
        )
        dire()

        entrees = contrats(travail / "entrees", options.contrats)
        dire(f"### 2. Lot de {options.contrats} marchés (sans PDF)")
        dire()
        t1, pieces = lot(entrees, travail / "s1", 1)
        t2, _ = lot(entrees, travail / "s2", 2)
        dire("| -j | durée (s) | ms par pièce |")
        dire("| ---: | ---: | ---: |")
        dire(f"| 1 | {t1:.2f} | {t1 * 1000 / pieces:.1f} |")
        dire(f"| 2 | {t2:.2f} | {t2 * 1000 / pieces:.1f} |")
        dire(f"\nAccélération -j 2 / -j 1 : **{t1 / t2:.2f}×** (cible ≥ 1,8), {pieces} pièces.")
        dire()
        c1 = statistics.median(commande_s(entrees, travail / "c1", 1) for _ in range(3))
        c2 = statistics.median(commande_s(entrees, travail / "c2", 2) for _ in range(3))
        dire(
            f"Commande entière `clause-kit generer` (démarrage de Python et imports compris, médiane de 3) : "
            f"-j 1 {c1:.2f} s, -j 2 {c2:.2f} s, accélération **{c1 / c2:.2f}×**."
        )
        dire()

        petit = contrats(travail / "entrees-pdf", 40)
        dire("### 3. Conversion PDF (40 marchés, -j 2)")
        dire()
        sans, pieces_pdf = lot(petit, travail / "p0", 2)
        avec, _ = lot(petit, travail / "p1", 2, pdf=True)
        par_piece_pdf = (avec - sans) * 1000 / pieces_pdf
        dire(
            f"Sans PDF {sans:.2f} s, avec PDF {avec:.2f} s pour {pieces_pdf} pièces : conversion et assemblage "
            f"**{par_piece_pdf:.0f} ms par pièce** en temps écoulé sur 2 processus (cible ≤ 80 ms)."
        )
        dire()

        pieces_docx = sorted((travail / "p0").rglob("*.docx"))[:120]
        debut = time.perf_counter()
        convertir_en_pdf(pieces_docx, travail / "pdf-seul")
        seul = (time.perf_counter() - debut) * 1000 / len(pieces_docx)
        dire(
            f"Un seul processus LibreOffice sur {len(pieces_docx)} pièces (démarrage compris) : "
            f"**{seul:.0f} ms par pièce**."
        )
        dire()

        dire("### 4. Mémoire maximale (RSS, Mo, -j 2)")
        dire()
        dire("| marchés | processus principal | plus gros processus de travail |")
        dire("| ---: | ---: | ---: |")
        for nombre in (10, 200):
            dossier = contrats(travail / f"entrees-{nombre}", nombre)
            principal, enfant = rss_max_mo(dossier, travail / f"m{nombre}", 2)
            dire(f"| {nombre} | {principal:.0f} | {enfant:.0f} |")
    finally:
        shutil.rmtree(travail, ignore_errors=True)

    if options.ecrire:
        _remplacer_section(options.ecrire, "\n".join(lignes_md))
    suivi(options.ecrire)
    bilan(options.ecrire)
    vitesse(options.ecrire)
    plancher(options.entrees.resolve(), options.ecrire)


def plancher(entrees: Path, ecrire: Path | None) -> None:
    """Part 8 (issue 22): the whole command against python-docx, the machine and a lone LibreOffice."""
    travail = Path(tempfile.mkdtemp(prefix="clause-kit-bench-plancher-"))
    lignes_md, dire = journal(f"python outils/benchmark.py --plancher-seulement --entrees {entrees.name}")
    try:
        benchmark_plancher.mesurer(entrees, travail, 5, dire)
        benchmark_plancher.pdf(entrees, travail, 3, dire)
    finally:
        shutil.rmtree(travail, ignore_errors=True)
    if ecrire:
        _remplacer_section(ecrire, "\n".join(lignes_md), "resultats-plancher")


def bilan(ecrire: Path | None) -> None:
    """Part 6: the annual report's time and memory (its own module, which imports this one)."""
    from outils import benchmark_bilan

    benchmark_bilan.section(ecrire)


def suivi(ecrire: Path | None) -> None:
    """Part 5: the follow-up register (its own results section in the Markdown file)."""
    travail = Path(tempfile.mkdtemp(prefix="clause-kit-bench-suivi-"))
    lignes_md, dire = journal("python outils/benchmark.py --suivi-seulement")
    try:
        dire("### 5. Registre de suivi")
        dire()
        classeur = benchmark_suivi.gros_classeur(travail / "10000.xlsx", 10_000)
        calamine, lecture_seule = benchmark_suivi.lecture_comparee(classeur)
        dire(
            f"Lecture d'un classeur de 10 000 lignes (médiane de 3) : python-calamine **{calamine:.2f} s**, "
            f"openpyxl en lecture seule {lecture_seule:.2f} s ({lecture_seule / calamine:.0f} fois plus lent)."
        )
        dire()
        dire(
            "| import | marchés | fiches | lignes | marchés (s) | fiches (s, écoulé) | fiches (s, CPU) "
            "| mémoire max (Mo) | `suivi etat` calcul (ms) | `suivi etat` commande (s, écoulé / CPU) |"
        )
        dire("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for nom, marches, feuilles, par_feuille in (("10 000 lignes", 30, 300, 33), ("100 000 lignes", 300, 3000, 33)):
            dossier = benchmark_suivi.donnees(travail / nom.replace(" ", ""), marches, feuilles, par_feuille)
            base = dossier / "suivi.sqlite"
            t_marches = commande_mesuree(["suivi", "importer", str(dossier / "marches"), "--base", str(base)])[0]
            t_fiches, memoire, _, cpu = commande_mesuree(
                ["suivi", "importer", str(dossier / "fiches"), "--base", str(base)]
            )
            etat_calcul = benchmark_suivi.etat_ms(base)
            t_etat, _, _, cpu_etat = commande_mesuree(["suivi", "etat", "--base", str(base), "--format", "json"])
            dire(
                f"| {nom} | {marches} | {feuilles} | {feuilles * par_feuille} | {t_marches:.2f} | **{t_fiches:.2f}** "
                f"| {cpu:.2f} | {memoire:.0f} | **{etat_calcul:.0f}** | {t_etat:.2f} / {cpu_etat:.2f} |"
            )
        dire()
        dire(f"Charge de la machine pendant la mesure (moyenne sur 5 min) : {os.getloadavg()[1]:.1f} pour 2 cœurs.")
    finally:
        shutil.rmtree(travail, ignore_errors=True)
    if ecrire:
        _remplacer_section(ecrire, "\n".join(lignes_md), "resultats-suivi")


def vitesse(ecrire: Path | None) -> None:
    """Part 6 (issue 12): start-up, whole-command speed-up, PDF near its floor, ``--mettre-a-jour``."""
    travail = Path(tempfile.mkdtemp(prefix="clause-kit-bench-vitesse-"))
    lignes_md, dire = journal("python outils/benchmark.py --vitesse-seulement")
    try:
        _vitesse_demarrage(travail, dire)
        _vitesse_parallele(travail, dire)
        _vitesse_pdf_et_mise_a_jour(travail, dire)
    finally:
        shutil.rmtree(travail, ignore_errors=True)
    if ecrire:
        _remplacer_section(ecrire, "\n".join(lignes_md), "resultats-vitesse")


def _vitesse_demarrage(travail: Path, dire: Callable[..., None]) -> None:
    dire("### 7. Vitesse (issue 12)")
    dire()
    dire(f"Charge de la machine au début (moyenne sur 1 min) : {benchmark_vitesse.charge():.1f} pour 2 cœurs.")
    dire()
    cli, vide = benchmark_vitesse.import_ms(5)
    temps = benchmark_vitesse.demarrage(travail / "demarrage", 5)
    dire("| démarrage (médiane de 5) | durée |")
    dire("| --- | ---: |")
    dire(f"| `python -X importtime -c 'import clause_kit.cli'` (imports cumulés) | {cli:.0f} ms |")
    dire(f"| `python -c pass` (l'interpréteur seul) | {vide:.0f} ms |")
    for nom, duree in temps.items():
        dire(f"| `clause-kit {nom}`{' (un marché)' if nom.startswith('generer') else ''} | {duree:.2f} s |")
    dire()


def _vitesse_parallele(travail: Path, dire: Callable[..., None]) -> None:
    dire(
        "| commande entière `generer` | -j 1 (s) | -j 2 (s) | accélération | cible | cœurs obtenus par -j 2 "
        "(CPU / écoulé) | charge pendant la mesure |"
    )
    dire("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for nombre, repetitions, cible in ((40, 5, "≥ 1,75"), (100, 3, "≥ 1,85")):
        entrees = contrats(travail / f"entrees-{nombre}", nombre)
        un, deux, charges, coeurs = benchmark_vitesse.parallele(entrees, travail / f"par-{nombre}", repetitions)
        plage = f"{min(charges):.1f} à {max(charges):.1f}"
        dire(
            f"| {nombre} marchés (médiane de {repetitions}) | {un:.2f} | {deux:.2f} | **{un / deux:.2f}×** | {cible} "
            f"| {coeurs:.2f} | {plage} |"
        )
    dire()


def _vitesse_pdf_et_mise_a_jour(travail: Path, dire: Callable[..., None]) -> None:
    entrees = contrats(travail / "entrees-pdf", 20)
    j2, seul, pieces, coeurs = benchmark_vitesse.pdf_par_piece(entrees, travail / "pdf", 3)
    charge_pdf = benchmark_vitesse.charge()
    entrees = contrats(travail / "entrees-maj", 100)
    complet, durees, refaits = benchmark_vitesse.mise_a_jour(entrees, travail / "maj", 3)
    maj = statistics.median(durees)
    lignes = (
        (
            f"PDF : `--pdf -j 2` (avec PDF moins sans, {pieces} pièces de 20 marchés, médianes de 3) "
            "/ un LibreOffice seul sur les mêmes pièces",
            f"{j2:.0f} / {seul:.0f} ms par pièce = **{j2 / seul:.2f}** ; `--pdf -j 2` a obtenu {coeurs:.2f} cœurs",
            "≤ 0,55",
            charge_pdf,
        ),
        (
            "`--mettre-a-jour --pdf -j 2`, un marché sur 100 changé (médiane de 3) / génération complète `--pdf -j 2`",
            f"{maj:.2f} / {complet:.2f} s = **{maj / complet * 100:.1f} %** ; refaits : "
            + ", ".join(str(n) for n in refaits),
            "< 10 %, un seul refait",
            benchmark_vitesse.charge(),
        ),
    )
    dire("| mesure | résultat | cible | charge |")
    dire("| --- | --- | --- | ---: |")
    for mesure, resultat, cible, charge in lignes:
        dire(f"| {mesure} | {resultat} | {cible} | {charge:.1f} |")


def _remplacer_section(fichier: Path, contenu: str, marque: str = "resultats-benchmark") -> None:
    debut, fin = f"<!-- {marque} -->", f"<!-- fin-{marque} -->"
    texte = fichier.read_text(encoding="utf-8")
    avant, _, reste = texte.partition(debut)
    _, _, apres = reste.partition(fin)
    fichier.write_text(f"{avant}{debut}\n{contenu}\n{fin}{apres}", encoding="utf-8")


if __name__ == "__main__":
    main()
