"""Part 5 of the benchmark: the follow-up register. Run through ``python outils/benchmark.py [--suivi-seulement]``.

Sheets are the generated workbook of each contract, filled with openpyxl as a company would
(about 33 rows a month), so what is measured is the real path: identity row, key row,
French labels, calamine reading, rules, one transaction per sheet, evidence copies.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl

from clause_kit.dossier.classeur_gabarit import construire_classeur
from clause_kit.dossier.classeur_suivi import COLONNES, FEUILLE_SUIVI, LIGNE_LIBELLES
from clause_kit.marche.chargement import charger_detail
from clause_kit.suivi.etat import calculer_etat

RACINE = Path(__file__).resolve().parent.parent
MARCHE = """acheteur: {{nom: Commune {commune}, commune: Commune {commune}}}
facilitateur: {{structure: PLIE, telephone: 04 42 00 00 00}}
marche: {{reference: S-{numero:04d}, objet: Entretien des bâtiments {numero}, type: services, montant_ht: 2400000,
  duree_mois: 12, procedure: appel_offres_ouvert, date_lancement: 2025-10-01}}
insertion: {{article_14: {{pourcentage: 10}}, penalite: {{montant_par_heure: 25}}}}
execution: {{debut: 2026-01-01}}
"""
PUBLICS = ["rsa", "jeune;cap_bep", "deld", "senior", "th", "detld;qpv"]


def _ligne(personne: int, mois: int) -> list[object]:
    valeurs = {
        "lot": 1,
        "participant": f"P-{personne:05d}",
        "publics": PUBLICS[personne % len(PUBLICS)].replace(";qpv", ""),
        "sexe": "Femme" if personne % 2 else "Homme",
        "tranche_age": ["Moins de 26 ans", "De 26 à 49 ans", "50 ans et plus"][personne % 3],
        "modalite": "Embauche directe",
        "type_contrat": "CDD",
        "debut_contrat": datetime.date(2026, 1, 5),
        # Work contracts end in 2027, spread over the months: a state in December lists about one in twelve.
        "fin_contrat": datetime.date(2027, 1 + personne % 12, 28),
        "mois": datetime.date(2026, mois, 1),
        "heures": 151.67 if personne % 4 else 35,
    }
    return [valeurs.get(c.cle) for c in COLONNES]


def donnees(dossier: Path, marches: int, feuilles: int, lignes_par_feuille: int) -> Path:
    """``marches`` contracts and ``feuilles`` filled monthly sheets spread over them."""
    (dossier / "marches").mkdir(parents=True)
    (dossier / "fiches").mkdir()
    vierges = {}
    for numero in range(marches):
        chemin = dossier / "marches" / f"s{numero:04d}.yaml"
        chemin.write_text(MARCHE.format(numero=numero, commune=numero % 7), encoding="utf-8")
        detail = charger_detail(chemin)
        empreinte = hashlib.sha256(chemin.read_bytes()).hexdigest()
        vierges[numero] = construire_classeur(detail.consultation, detail.chiffres, "Facilitateur", empreinte)
    for feuille in range(feuilles):
        numero, mois = feuille % marches, 1 + (feuille // marches) % 12
        classeur = openpyxl.load_workbook(io.BytesIO(vierges[numero]))
        onglet = classeur[FEUILLE_SUIVI]
        for rang in range(lignes_par_feuille):
            personne = numero * 1000 + rang
            for colonne, valeur in enumerate(_ligne(personne, mois), start=1):
                if valeur is not None:
                    onglet.cell(LIGNE_LIBELLES + 1 + rang, colonne, valeur)
        classeur.save(dossier / "fiches" / f"s{numero:04d}-{mois:02d}.xlsx")
    return dossier


def lecture_comparee(fichier: Path) -> tuple[float, float]:
    """Seconds to read every row of one workbook: python-calamine, then openpyxl in read-only mode."""
    from python_calamine import CalamineWorkbook

    def calamine() -> None:
        CalamineWorkbook.from_path(str(fichier)).get_sheet_by_name(FEUILLE_SUIVI).to_python(skip_empty_area=False)

    def openpyxl_lecture_seule() -> None:
        classeur = openpyxl.load_workbook(fichier, read_only=True, data_only=True)
        list(classeur[FEUILLE_SUIVI].iter_rows(values_only=True))
        classeur.close()

    return _mediane(calamine, 3), _mediane(openpyxl_lecture_seule, 3)


def _mediane(fonction: Callable[[], object], repetitions: int) -> float:
    mesures = []
    for _ in range(repetitions):
        debut = time.perf_counter()
        fonction()
        mesures.append(time.perf_counter() - debut)
    return statistics.median(mesures)


def gros_classeur(chemin: Path, lignes: int) -> Path:
    """One workbook of ``lignes`` rows, for the reading comparison."""
    detail = charger_detail(RACINE / "dossiers" / "roquevaire" / "2026-tx-031-ecole.yaml")
    vierge = construire_classeur(detail.consultation, detail.chiffres, "F", "0" * 64)
    classeur = openpyxl.load_workbook(io.BytesIO(vierge))
    onglet = classeur[FEUILLE_SUIVI]
    for rang in range(lignes):
        for colonne, valeur in enumerate(_ligne(rang, 1 + rang % 12), start=1):
            if valeur is not None:
                onglet.cell(LIGNE_LIBELLES + 1 + rang, colonne, valeur)
    classeur.save(chemin)
    return chemin


def etat_ms(base: Path, repetitions: int = 5) -> float:
    """Median time of the state computation (register opened, queries, figures), in ms."""
    return _mediane(lambda: calculer_etat(base, datetime.date(2026, 12, 15)), repetitions) * 1000
