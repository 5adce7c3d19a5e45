"""Benchmark of the annual report (``clause-kit bilan``).

Run: python outils/benchmark_bilan.py [--ecrire docs/performance.md]

Targets of issue 9: on 100 000 rows across 3 000 contracts, the tables and JSON in under 2 s,
the report with its charts (spreadsheet and Word) in under 10 s. Issue 22: memory flat, the
peak RSS of each form growing by at most 30 % from 10 000 rows to 100 000; the growth is
printed beside the table, with the peak of merely importing what each form imports (the floor
no register size changes).

The register is filled through the register's own write methods (``Registre.enregistrer_marche``
and ``inserer_lignes``, those the import uses), from the follow-up data of a real contract
varied 3 000 times: reading the sheets is what part 5 of ``outils/benchmark.py`` measures, and
importing 3 000 workbooks would take minutes without telling anything about the report.
People work 11 months of 2026 on one contract, one in five carries on in 2026 on a second
contract (paths across contracts), contracts end in 2026 or 2027 (a forward view to spread).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

from clause_kit.bilan.etablir import etablir_bilan  # noqa: E402
from clause_kit.bilan.flux import morceaux_json  # noqa: E402
from clause_kit.bilan.periode import periode_annee  # noqa: E402
from clause_kit.dossier.classeur_suivi import donnees_suivi  # noqa: E402
from clause_kit.marche.chargement import charger_detail  # noqa: E402
from clause_kit.suivi.controle import LigneSuivi  # noqa: E402
from clause_kit.suivi.registre import Registre  # noqa: E402
from outils.benchmark import _remplacer_section, commande_mesuree, journal  # noqa: E402
from outils.benchmark_suivi import _mediane  # noqa: E402

#: The contract whose follow-up data is varied (one lot, articles 14 and 53).
MODELE = RACINE / "dossiers" / "roquevaire" / "2026-tx-031-ecole.yaml"
PUBLICS = [("rsa",), ("jeune", "cap_bep"), ("deld",), ("senior",), ("th",), ("detld",)]
TYPES = ["cdd", "cdd", "interim", "cdi", "cddi", "professionnalisation"]
SORTIES = [None, "emploi_durable", "emploi_transition", "sortie_positive", "autre"]


def _marche(base: dict[str, Any], numero: int) -> dict[str, Any]:
    return {
        **base,
        "reference": f"B-{numero:05d}",
        "objet": f"Marché {numero}",
        "type": "travaux" if numero % 3 else "services",
        "acheteur": f"Donneur d'ordre {numero % 40:02d}",
        "commune": f"Commune {numero % 40:02d}",
        "article_53": numero % 10 == 0,
        "heures_dues": 1200 + numero % 900,
        "lots": [{**base["lots"][0], "heures_dues": 1200 + numero % 900}],
    }


def _ligne(numero: int, rang: int, mois: int, marches: int) -> LigneSuivi:
    personne = numero * 3 + rang
    suite = rang == 2 and numero % 5 == 0  # the third person of one contract in five works on the next one
    return LigneSuivi(
        reference=f"B-{(numero + 1) % marches if suite else numero:05d}",
        lot=1,
        participant=f"P-{personne:06d}",
        publics=PUBLICS[personne % len(PUBLICS)],
        sexe="f" if personne % 2 else "m",
        tranche_age=["moins_26", "26_49", "50_plus"][personne % 3],
        residence=None,
        modalite="mise_a_disposition" if personne % 7 == 0 else "embauche_directe",
        siret_employeur=None,
        type_contrat="cdi" if suite else TYPES[personne % len(TYPES)],
        debut_contrat=datetime.date(2026, 1, 2),
        fin_contrat=None if suite else datetime.date(2026, 12, 31),
        mois=f"2026-{mois:02d}",
        heures_c=15_167 if personne % 4 else 3_500,
        heures_formation_c=0,
        sortie=SORTIES[personne % len(SORTIES)] if mois == 11 else None,
    )


def remplir(base: Path, marches: int, lignes: int) -> int:
    """A register of ``marches`` contracts and about ``lignes`` rows (one sheet each); returns the rows."""
    modele = charger_detail(MODELE)
    donnees = json.loads(json.dumps(donnees_suivi(modele.consultation, modele.chiffres)))
    par_marche = max(1, lignes // marches)
    total = 0
    with Registre(base) as registre, registre.transaction():
        fichier = registre.ajouter_fichier("0" * 64, "marches", "marche", "")
        for numero in range(marches):
            fin = "2026-12-31" if numero % 2 else "2027-06-30"
            registre.enregistrer_marche(_marche(donnees, numero), "2026-01-01", fin, fichier)
        for numero in range(marches):
            feuille = registre.ajouter_fichier(
                f"{numero + 1:064d}",
                f"fiche-{numero}.xlsx",
                "feuille",
                "",
                titulaire=f"Entreprise {numero % 400}",
                siret_titulaire=f"{10**13 + numero % 400}",
            )
            rangees = [(f"A{i + 12}", _ligne(numero, i % 3, 1 + i // 3 % 11, marches)) for i in range(par_marche)]
            total += registre.inserer_lignes(feuille, rangees)
    return total


#: What each form imports before it reads a row: JSON (the report's data), -o (workbook, Word, charts).
SOCLES = {
    "json": "import clause_kit.cli, clause_kit.bilan.etablir, clause_kit.bilan.flux",
    "rapport": "import clause_kit.cli, clause_kit.bilan.publier, clause_kit.rendu.moteur; "
    "from clause_kit.bilan.graphiques import _pyplot; _pyplot()",
}


def socle(importations: str) -> float:
    """Peak RSS (MB) of a process that only imports: the floor under each form's figure."""
    script = f"{importations}\nprint(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))"
    sortie = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=RACINE)
    return int(sortie.stdout.split()[-1]) / 1024


def mesurer(travail: Path, nom: str, marches: int, lignes: int) -> tuple[str, float, float]:
    """One row of the results table, and the peak RSS (MB) of the JSON form and of the report form."""
    base = travail / f"{nom}.sqlite"
    n = remplir(base, marches, lignes)
    periode = periode_annee(2026)
    calcul = _mediane(lambda: "".join(morceaux_json(etablir_bilan(base, periode))), 3)
    commun = ["bilan", "--base", str(base), "--annee", "2026"]
    t_json, rss_json, _, cpu_json = commande_mesuree([*commun, "--format", "json"])
    sortie = travail / f"sortie-{nom}"
    t_rapport, rss_rapport, _, cpu_rapport = commande_mesuree([*commun, "-o", str(sortie), "--force"])
    ecrits = sorted(p.name for p in sortie.iterdir()) if sortie.exists() else []
    if not {"bilan-2026.xlsx", "bilan-2026.docx"} <= set(ecrits):
        raise SystemExit(f"le rapport n'a pas été écrit pour {nom} : {ecrits}")
    ligne = (
        f"| {nom} | {marches} | {n} | **{calcul:.2f}** | {t_json:.2f} / {cpu_json:.2f} | {rss_json:.0f} "
        f"| **{t_rapport:.2f}** / {cpu_rapport:.2f} | {rss_rapport:.0f} |"
    )
    return ligne, rss_json, rss_rapport


def main() -> None:
    """Measure 10 000 and 100 000 rows, print a Markdown section, optionally write it."""
    analyseur = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    analyseur.add_argument("--ecrire", type=Path, help="fichier Markdown dont remplacer la section des résultats")
    section(analyseur.parse_args().ecrire)


def section(ecrire: Path | None) -> None:
    """The whole section (also part 6 of ``outils/benchmark.py``)."""
    travail = Path(tempfile.mkdtemp(prefix="clause-kit-bench-bilan-"))
    lignes_md, dire = journal("python outils/benchmark_bilan.py")
    try:
        dire("### 6. Bilan annuel")
        dire()
        dire(
            "| registre | marchés | lignes | tableaux + JSON, calcul (s) | `bilan --format json` (s, écoulé / CPU) "
            "| mémoire max (Mo) | `bilan -o` classeur + Word + graphiques (s, écoulé / CPU) | mémoire max (Mo) |"
        )
        dire("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        pics = []
        for nom, marches, lignes in (("10 000 lignes", 300, 10_000), ("100 000 lignes", 3_000, 100_000)):
            ligne, rss_json, rss_rapport = mesurer(travail, nom.replace(" ", ""), marches, lignes)
            dire(ligne.replace(nom.replace(" ", ""), nom, 1))
            pics.append((rss_json, rss_rapport))
        dire()
        (json_10k, rapport_10k), (json_100k, rapport_100k) = pics
        dire(
            "| mémoire max (Mo) | importations seules | 10 000 lignes | 100 000 lignes | croissance (objectif ≤ 30 %) |"
        )
        dire("| --- | ---: | ---: | ---: | ---: |")
        for forme, cle, petit, grand in (
            ("`bilan --format json`", "json", json_10k, json_100k),
            ("`bilan -o` (classeur, Word, graphiques)", "rapport", rapport_10k, rapport_100k),
        ):
            dire(
                f"| {forme} | {socle(SOCLES[cle]):.0f} | {petit:.0f} | {grand:.0f} "
                f"| **{(grand / petit - 1) * 100:+.0f} %** (× {grand / petit:.2f}) |"
            )
        dire()
        dire(f"Charge de la machine pendant la mesure (moyenne sur 5 min) : {os.getloadavg()[1]:.1f} pour 2 cœurs.")
    finally:
        shutil.rmtree(travail, ignore_errors=True)
    if ecrire:
        _remplacer_section(ecrire, "\n".join(lignes_md), "resultats-bilan")


if __name__ == "__main__":
    main()
