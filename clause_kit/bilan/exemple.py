"""An example report for trial renders of the report template (``clause-kit modeles verifier``) and its tests.

A small register is written in a temporary folder through the register's own methods, then read
by ``etablir_bilan``: the example goes the real way from rows to the template's context, so a
template that renders with it renders with a real register. Two contracts (one without execution
dates, for the forward view), a previous year, people under the secret threshold and over it,
every kind of qualitative block. Charts are a one-pixel picture: a trial render checks the
template, not matplotlib.
"""

from __future__ import annotations

import datetime
import tempfile
import zlib
from pathlib import Path
from typing import Any

from clause_kit.bilan.etablir import etablir_bilan
from clause_kit.bilan.periode import periode_annee
from clause_kit.bilan.qualitatif import Bloc
from clause_kit.bilan.rapport import NOMS_GRAPHIQUES, contexte_rapport
from clause_kit.rendu.images import Image
from clause_kit.suivi.controle import LigneSuivi
from clause_kit.suivi.registre import Registre

__all__ = ["PIXEL", "bilan_exemple", "contextes_exemple", "graphiques_exemple"]


def _pixel() -> bytes:
    def bloc(genre: bytes, donnees: bytes) -> bytes:
        return len(donnees).to_bytes(4, "big") + genre + donnees + zlib.crc32(genre + donnees).to_bytes(4, "big")

    entete = (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n"
        + bloc(b"IHDR", entete)
        + bloc(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
        + bloc(b"IEND", b"")
    )


#: A white one-pixel PNG.
PIXEL = _pixel()

_MARCHES = [
    {
        "reference": "EX-2008-01",
        "objet": "Travaux d'exemple",
        "type": "travaux",
        "acheteur": "Commune d'exemple",
        "commune": "Exemple",
        "regime": "ccp",
        "article_14": True,
        "article_53": False,
        "heures_dues": 4000,
        "heures_par_etp": 1607,
        "penalite_par_heure": "18.03",
        "lots": [{"numero": 1, "intitule": "Lot unique", "heures_dues": 4000, "clause": True}],
    },
    {
        "reference": "EX-2008-02",
        "objet": "Services d'exemple",
        "type": "services",
        "acheteur": "Syndicat d'exemple",
        "commune": "Exemple",
        "regime": "ccp",
        "article_14": True,
        "article_53": True,
        "heures_dues": 900,
        "heures_par_etp": 1607,
        "penalite_par_heure": "40",
        "lots": [{"numero": 1, "intitule": "Lot unique", "heures_dues": 900, "clause": True}],
    },
]


def _ligne(reference: str, personne: int, mois: str, type_contrat: str, sortie: str | None = None) -> LigneSuivi:
    return LigneSuivi(
        reference=reference,
        lot=1,
        participant=f"EX-{personne:03d}",
        publics=("jeune", "rsa") if personne % 2 else ("deld",),
        sexe="f" if personne % 2 else "m",
        tranche_age="moins_26" if personne % 2 else "26_49",
        residence="qpv" if personne == 1 else None,
        modalite="mise_a_disposition" if type_contrat == "interim" else "embauche_directe",
        siret_employeur=None,
        type_contrat=type_contrat,
        debut_contrat=datetime.date(2007, 11, 1),
        fin_contrat=None if type_contrat == "cdi" else datetime.date(2008, 12, 31),
        mois=mois,
        heures_c=12000,
        heures_formation_c=0,
        sortie=sortie,
    )


def _remplir(base: Path) -> None:
    with Registre(base) as registre:
        with registre.transaction():
            for rang, donnees in enumerate(_MARCHES):
                fichier = registre.ajouter_fichier(f"{rang:064d}", f"marche{rang}.yaml", "marche", f"m{rang}.yaml")
                debut, fin = ("2007-11-01", "2009-06-30") if rang == 0 else (None, None)
                registre.enregistrer_marche(donnees, debut, fin, fichier)
            feuille = registre.ajouter_fichier("f" * 64, "fiche.xlsx", "feuille", "f.xlsx", siret_titulaire=None)
            lignes = [
                _ligne("EX-2008-01", personne, mois, "cdd" if personne < 6 else "cdi")
                for personne in range(1, 8)
                for mois in ("2007-12", "2008-03", "2008-06")
            ]
            lignes.append(_ligne("EX-2008-01", 1, "2008-12", "cdd", "emploi_durable"))
            lignes.append(_ligne("EX-2008-02", 9, "2008-05", "interim", "autre"))
            registre.inserer_lignes(feuille, [(f"Suivi!{n}", ligne) for n, ligne in enumerate(lignes)])


def bilan_exemple() -> dict[str, Any]:
    """The example report of 2008 (the register also holds December 2007: a previous period)."""
    with tempfile.TemporaryDirectory(prefix="clause_kit-bilan-exemple-") as dossier:
        base = Path(dossier) / "suivi.sqlite"
        _remplir(base)
        return etablir_bilan(base, periode_annee(2008))


def graphiques_exemple(contexte: dict[str, Any], bilan: dict[str, Any]) -> dict[str, Any]:
    """Every chart as a one-pixel picture (trial renders check the template, not the drawing)."""
    return {nom: Image(PIXEL, 1.0, 1.0, nom) for nom in NOMS_GRAPHIQUES}


_QUALITATIF = [Bloc("titre", "Partenariats"), Bloc("texte", "Un paragraphe."), Bloc("puce", "Une puce.")]


def contextes_exemple() -> list[tuple[str, dict[str, Any]]]:
    """Trial contexts of the report template: (name, context), all buyers then one buyer."""
    bilan = bilan_exemple()
    jour = datetime.date(2009, 1, 15)
    contextes = []
    for nom, qualitatif in (("bilan d'exemple", _QUALITATIF), ("bilan d'exemple sans partie qualitative", [])):
        contexte = contexte_rapport(bilan, qualitatif, {}, jour)
        contexte["graphiques"] = graphiques_exemple(contexte, bilan)
        contextes.append((nom, contexte))
    return contextes
