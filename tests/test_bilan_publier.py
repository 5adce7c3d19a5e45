"""``bilan -o --par-donneur-ordre``: one report per buyer, never lost, whatever the buyers are called.

Buyers whose names give the same slug (« Saint-Zacharie », « Saint Zacharie », « SAINT-ZACHARIE »)
get distinct files; buyers named without Latin letters (Greek, Chinese, an emoji) get one too;
nothing already in SORTIE is replaced without --force; « Écrit : » lists exactly the files written.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import docx
import pytest

from clause_kit.commun.formats import slugs_distincts
from clause_kit.dossier.classeur_suivi import donnees_suivi
from clause_kit.marche.chargement import charger_detail
from clause_kit.suivi.controle import LigneSuivi
from clause_kit.suivi.registre import Registre
from tests.suivi_commun import bilan

RACINE = Path(__file__).resolve().parent.parent
MODELE = RACINE / "dossiers" / "roquevaire" / "2026-tx-031-ecole.yaml"
ACHETEURS = ["Saint-Zacharie", "Saint Zacharie", "SAINT-ZACHARIE", "Δήμος Αθηναίων", "北京市", "🏛️"]


def _ligne(reference: str, personne: str, mois: int) -> LigneSuivi:
    return LigneSuivi(
        reference=reference,
        lot=1,
        participant=personne,
        publics=("rsa",),
        sexe="f",
        tranche_age="26_49",
        residence=None,
        modalite="embauche_directe",
        siret_employeur=None,
        type_contrat="cdd",
        debut_contrat=datetime.date(2026, 1, 2),
        fin_contrat=datetime.date(2026, 12, 31),
        mois=f"2026-{mois:02d}",
        heures_c=10_000,
        heures_formation_c=0,
        sortie=None,
    )


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A register of one contract per buyer, six people each."""
    base = tmp_path_factory.mktemp("publier") / "suivi.sqlite"
    modele = charger_detail(MODELE)
    donnees: dict[str, Any] = json.loads(json.dumps(donnees_suivi(modele.consultation, modele.chiffres)))
    with Registre(base) as registre, registre.transaction():
        fichier = registre.ajouter_fichier("0" * 64, "marches", "marche", "")
        for rang, acheteur in enumerate(ACHETEURS):
            reference = f"P-{rang:03d}"
            marche = {**donnees, "reference": reference, "acheteur": acheteur, "commune": f"Commune {rang}"}
            registre.enregistrer_marche(marche, "2026-01-01", "2026-12-31", fichier)
            feuille = registre.ajouter_fichier(f"{rang + 1:064d}", f"fiche-{rang}.xlsx", "feuille", "")
            lignes = [(f"A{12 + i}", _ligne(reference, f"P{rang}-{i:03d}", 1 + i % 3)) for i in range(18)]
            registre.inserer_lignes(feuille, lignes)
    return base


def _ecrits(sortie_erreur: str) -> list[str]:
    return [ligne.removeprefix("Écrit : ") for ligne in sortie_erreur.splitlines() if ligne.startswith("Écrit : ")]


def _donneur(chemin: Path) -> str:
    """The buyer a Word report is about (its first paragraphs name it)."""
    texte = "\n".join(p.text for p in docx.Document(str(chemin)).paragraphs[:12])
    trouves = [a for a in ACHETEURS if a in texte]
    assert len(trouves) == 1, texte
    return trouves[0]


def test_un_rapport_par_donneur_d_ordre_meme_quand_les_noms_se_confondent(base: Path, tmp_path: Path) -> None:
    sortie = tmp_path / "bilan"
    resultat = bilan("--base", str(base), "--annee", "2026", "-o", str(sortie), "--par-donneur-ordre")
    assert resultat.exit_code == 0, resultat.output
    noms = slugs_distincts(ACHETEURS, "acheteur")
    attendus = {f"bilan-2026-{noms[a]}.docx" for a in ACHETEURS}
    assert len({n for n in attendus if n.startswith("bilan-2026-saint-zacharie--")}) == 3
    presents = {p.name for p in sortie.iterdir()}
    assert attendus | {"bilan-2026.docx", "bilan-2026.xlsx", "bilan-2026-registre.json"} == presents
    # « Écrit : » names each file written once, and only those.
    ecrits = _ecrits(resultat.stdout)
    assert sorted(ecrits) == sorted(str(sortie / nom) for nom in presents)
    # Each buyer's report is about that buyer: none replaced another.
    assert {_donneur(sortie / f"bilan-2026-{noms[a]}.docx") for a in ACHETEURS} == set(ACHETEURS)


def test_un_donneur_d_ordre_sans_lettres_latines(base: Path, tmp_path: Path) -> None:
    sortie = tmp_path / "grec"
    resultat = bilan("--base", str(base), "--annee", "2026", "-o", str(sortie), "--donneur-ordre", "Δήμος Αθηναίων")
    assert resultat.exit_code == 0, resultat.output
    (rapport,) = sortie.glob("*.docx")
    assert rapport.name == f"bilan-2026-{slugs_distincts(['Δήμος Αθηναίων'], 'acheteur')['Δήμος Αθηναίων']}.docx"
    assert rapport.name.startswith("bilan-2026-acheteur--") and _donneur(rapport) == "Δήμος Αθηναίων"


def test_rien_n_est_remplace_sans_force(base: Path, tmp_path: Path) -> None:
    sortie = tmp_path / "bilan"
    sortie.mkdir()
    deja = sortie / "bilan-2026.docx"
    deja.write_bytes(b"le rapport de l'an dernier")
    resultat = bilan("--base", str(base), "--annee", "2026", "-o", str(sortie))
    assert resultat.exit_code == 1
    assert f"{deja} existe déjà ; --force" in resultat.stderr and "Écrit" not in resultat.output
    assert [p.name for p in sortie.iterdir()] == [deja.name] and deja.read_bytes() == b"le rapport de l'an dernier"
    resultat = bilan("--base", str(base), "--annee", "2026", "-o", str(sortie), "--force")
    assert resultat.exit_code == 0, resultat.output
    assert deja.read_bytes().startswith(b"PK")


def test_un_fichier_apparu_pendant_le_bilan_est_garde(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A report written by someone else after the check, before the writing: kept, and nothing else written."""
    from clause_kit.commun import fichiers

    sortie = tmp_path / "bilan"
    ecrire = fichiers.ecrire_ensemble

    def un_autre_ecrit_d_abord(contenus: dict[Path, bytes], *args: Any, **options: Any) -> None:
        sortie.mkdir(exist_ok=True)
        (sortie / "bilan-2026.docx").write_bytes(b"d'un autre")
        ecrire(contenus, *args, **options)

    monkeypatch.setattr(fichiers, "ecrire_ensemble", un_autre_ecrit_d_abord)
    resultat = bilan("--base", str(base), "--annee", "2026", "-o", str(sortie))
    assert resultat.exit_code == 1
    assert "bilan-2026.docx existe déjà ; --force" in resultat.stderr
    assert [p.name for p in sortie.iterdir()] == ["bilan-2026.docx"]
    assert (sortie / "bilan-2026.docx").read_bytes() == b"d'un autre"


def test_un_rapport_par_donneur_d_ordre_demande_un_a_un_garde_le_meme_nom(base: Path, tmp_path: Path) -> None:
    # Asked one at a time into one folder, the three « Saint-Zacharie » each got the plain slug:
    # the second run was refused, and --force replaced another buyer's report (adversarial pass).
    tous = tmp_path / "tous"
    assert bilan("--base", str(base), "--annee", "2026", "-o", str(tous), "--par-donneur-ordre").exit_code == 0
    un_a_un = tmp_path / "un-a-un"
    for acheteur in ("Saint-Zacharie", "Saint Zacharie", "SAINT-ZACHARIE"):
        resultat = bilan("--base", str(base), "--annee", "2026", "-o", str(un_a_un), "--donneur-ordre", acheteur)
        assert resultat.exit_code == 0, resultat.output
    rapports = sorted(un_a_un.glob("bilan-2026-saint-zacharie--*.docx"))
    assert len(rapports) == 3
    assert {_donneur(r) for r in rapports} == {"Saint-Zacharie", "Saint Zacharie", "SAINT-ZACHARIE"}
    for rapport in rapports:  # the same name as in the run for every buyer, about the same buyer
        assert _donneur(tous / rapport.name) == _donneur(rapport)
