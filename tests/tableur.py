"""Test helpers for follow-up sheets: fill a generated workbook as a company would, and pass it through LibreOffice."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl

from clause_kit.dossier.classeur_suivi import (
    CELLULE_SIRET_TITULAIRE,
    CELLULE_TITULAIRE,
    COLONNES,
    FEUILLE_SUIVI,
    LIGNE_LIBELLES,
)
from clause_kit.dossier.pdf import trouver_soffice

#: CSV as a French user exports it from LibreOffice: « ; » between fields, UTF-8.
CSV_FRANCAIS = "csv:Text - txt - csv (StarCalc):59,34,76,1"
#: LibreOffice's default CSV export: « , » and Windows-1252.
CSV_DEFAUT = "csv"


def remplir(modele: Path | bytes, lignes: list[dict[str, Any]], sortie: Path, **entete: str) -> Path:
    """Type ``lignes`` (machine key → value) into the input area of a generated workbook, save as ``sortie``."""
    if isinstance(modele, bytes):
        sortie.write_bytes(modele)
        modele = sortie
    classeur = openpyxl.load_workbook(modele)
    feuille = classeur[FEUILLE_SUIVI]
    colonnes = {c.cle: i for i, c in enumerate(COLONNES, start=1)}
    for rang, ligne in enumerate(lignes, start=LIGNE_LIBELLES + 1):
        for cle, valeur in ligne.items():
            feuille.cell(rang, colonnes[cle], valeur)
    if "titulaire" in entete:
        feuille.cell(*CELLULE_TITULAIRE, entete["titulaire"])
    if "siret" in entete:
        feuille.cell(*CELLULE_SIRET_TITULAIRE, entete["siret"])
    classeur.save(sortie)
    return sortie


def convertir(source: Path, filtre: str, dossier: Path) -> Path:
    """Open ``source`` in LibreOffice and save it with ``filtre`` (ods, xlsx, a CSV filter) into ``dossier``."""
    dossier.mkdir(parents=True, exist_ok=True)
    profil = dossier / ".profil-lo"
    commande = [
        trouver_soffice(),
        "--headless",
        "--norestore",
        f"-env:UserInstallation={profil.as_uri()}",
        "--convert-to",
        filtre,
        "--outdir",
        str(dossier),
        str(source),
    ]
    environnement = {**os.environ, "HOME": str(profil)}
    subprocess.run(commande, check=True, capture_output=True, timeout=180, env=environnement)
    shutil.rmtree(profil, ignore_errors=True)
    extension = filtre.split(":")[0]
    resultat = dossier / f"{source.stem}.{extension}"
    assert resultat.is_file(), f"LibreOffice n'a pas produit {resultat}"
    return resultat
