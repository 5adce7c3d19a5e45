"""A manifest is input like any other: its ``suivi`` block is checked like a contract file before the register keeps it.

Every manifest ``generer`` writes passes and is kept as written; a tampered one (a text for a
figure, ``1e308`` hours, ``NaN``, an empty list of lots, a missing key...) is refused with the
file and the JSON path of the field, exit code 1, and the register stays as it was, so that
``suivi etat`` and ``bilan`` never meet it.
"""

from __future__ import annotations

import copy
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from clause_kit.cli import main
from clause_kit.dossier.construction import construire, ecrire
from tests.conftest import DOSSIERS
from tests.suivi_commun import etat, importer
from tests.test_suivi_attribution import CONTRAT as CONTRAT_ATTRIBUE


def _manifestes(sortie: Path) -> list[Path]:
    return sorted(sortie.rglob("manifest.json"))


def _contenu(base: Path) -> list[str]:
    """Every row of the register, to compare before and after a refusal."""
    with sqlite3.connect(base) as connexion:
        return list(connexion.iterdump())


@pytest.mark.lent  # all the bundled examples: some forty dossiers rendered
def test_chaque_manifeste_des_exemples_passe_et_s_importe_tel_qu_il_est(tmp_path: Path) -> None:
    sortie = tmp_path / "sortie"
    resultat = CliRunner().invoke(main, ["generer", str(DOSSIERS), "-o", str(sortie), "-j", "1"])
    assert resultat.exit_code == 0, resultat.output
    from clause_kit.marche.bloc_suivi import valider_bloc_suivi

    manifestes = _manifestes(sortie)
    assert len(manifestes) >= 40
    for manifeste in manifestes:
        donnees = json.loads(manifeste.read_text(encoding="utf-8"))
        valide, _ = valider_bloc_suivi(donnees, str(manifeste))
        assert valide == donnees["suivi"], manifeste  # kept exactly as generated
    base = tmp_path / "suivi.sqlite"
    resultat = importer(base, *manifestes)
    assert resultat.exit_code == 0, resultat.output
    assert resultat.stdout.count("marché enregistré") == len(manifestes)
    # The same contracts from their YAML files: the register already holds them, unchanged.
    resultat = importer(base, DOSSIERS)
    assert resultat.stdout.count("marché déjà enregistré, inchangé") == len(manifestes), resultat.output
    assert etat(base, "2026-06-15")["heures_dues"] > 0


@pytest.fixture
def dossier(tmp_path: Path) -> Path:
    """A generated dossier whose contract has a full award block (holders, amounts, advance...)."""
    contrat = tmp_path / "attribue.yaml"
    contrat.write_text(CONTRAT_ATTRIBUE, encoding="utf-8")
    return ecrire(construire(contrat), tmp_path / "sortie")


def test_un_manifeste_genere_avec_attribution_passe_tel_quel(dossier: Path, tmp_path: Path) -> None:
    from clause_kit.marche.bloc_suivi import valider_bloc_suivi

    donnees = json.loads((dossier / "manifest.json").read_text(encoding="utf-8"))
    valide, empreinte = valider_bloc_suivi(donnees, "manifest.json")
    assert valide == donnees["suivi"] and empreinte == donnees["source"]["sha256"]
    base = tmp_path / "suivi.sqlite"
    resultat = importer(base, dossier / "manifest.json")
    assert resultat.exit_code == 0 and "marché enregistré (2026-TX-090)" in resultat.stdout
    assert etat(base, "2026-06-15")["heures_dues"] == 1067
    resultat = importer(base, tmp_path / "attribue.yaml")
    assert "marché déjà enregistré, inchangé" in resultat.stdout, resultat.output


def _lot(numero: int = 1, **valeurs: Any) -> dict[str, Any]:
    return {"numero": numero, "intitule": "Gros œuvre", "heures_dues": 800, "clause": True, **valeurs}


def _changer(cle: str, valeur: Any) -> Callable[[dict[str, Any]], None]:
    def changer(suivi: dict[str, Any]) -> None:
        suivi[cle] = valeur

    return changer


def _retirer(cle: str) -> Callable[[dict[str, Any]], None]:
    return lambda suivi: suivi.pop(cle) and None


def _lots(*lots: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    def changer(suivi: dict[str, Any]) -> None:
        suivi["lots"] = list(lots)
        suivi["heures_dues"] = sum(lot["heures_dues"] for lot in lots if isinstance(lot.get("heures_dues"), int))

    return changer


ALTERATIONS = [  # (case, change to the block, expected path, expected words)
    ("penalite_texte", _changer("penalite_par_heure", "abc"), "suivi.penalite_par_heure", "nombre attendu"),
    ("penalite_negative", _changer("penalite_par_heure", "-1"), "suivi.penalite_par_heure", "supérieur ou égal à 0"),
    ("penalite_infinie", _changer("penalite_par_heure", "1e999"), "suivi.penalite_par_heure", "inférieur à"),
    (
        "fin_texte",
        _changer("execution", {"debut": "2026-02-01", "fin": "abc"}),
        "suivi.execution.fin",
        "date attendue au format AAAA-MM-JJ",
    ),
    (
        "fin_9999",
        _changer("execution", {"debut": "2026-02-01", "fin": "9999-12-31"}),
        "suivi.execution.fin",
        "date entre le 1er janvier 1990 et le 31 décembre 2100",
    ),
    (
        "fin_avant_debut",
        _changer("execution", {"debut": "2026-02-01", "fin": "2026-01-01"}),
        "suivi.execution",
        "précède son début",
    ),
    ("lancement_1900", _changer("date_lancement", "1900-01-01"), "suivi.date_lancement", "1990"),
    ("plafond_moins_infini", _lots(_lot(plafond_penalite="-1e999")), "suivi.lots[1].plafond_penalite", "supérieur"),
    ("plafond_nan", _lots(_lot(plafond_penalite="NaN")), "suivi.lots[1].plafond_penalite", "nombre attendu"),
    ("heures_1e308", _changer("heures_dues", 1e308), "suivi.heures_dues", "nombre démesuré"),
    ("heures_10_puissance_30", _changer("heures_dues", 10**30), "suivi.heures_dues", "inférieur ou égal"),
    ("heures_en_texte", _changer("heures_dues", "1067"), "suivi.heures_dues", "nombre entier attendu"),
    ("heures_booleennes", _changer("heures_dues", True), "suivi.heures_dues", "nombre entier attendu"),
    ("heures_decimales", _changer("heures_dues", 1066.5), "suivi.heures_dues", "nombre entier attendu"),
    ("heures_negatives", _lots(_lot(heures_dues=-5)), "suivi.lots[1].heures_dues", "supérieur ou égal à 0"),
    ("heures_du_lot_texte", _lots(_lot(heures_dues="beaucoup")), "suivi.lots[1].heures_dues", "nombre entier"),
    ("clause_entier", _lots(_lot(clause=1)), "suivi.lots[1].clause", "true ou false attendu"),
    ("lot_texte", _changer("lots", ["1"]), "suivi.lots[1]", "objet JSON attendu"),
    ("reference_nombre", _changer("reference", 12), "suivi.reference", "texte attendu"),
    ("date_nombre", _changer("date_lancement", 20251103), "suivi.date_lancement", "date attendue"),
    ("execution_texte", _changer("execution", "2026"), "suivi.execution", "objet JSON attendu"),
    ("penalite_nombre", _changer("penalite_par_heure", [18]), "suivi.penalite_par_heure", "nombre attendu"),
    ("heures_incoherentes", _changer("heures_dues", 5), "suivi.heures_dues", "les lots en totalisent 1067"),
    ("lots_vides", _changer("lots", []), "suivi.lots", "au moins 1 élément"),
    ("lots_texte", _changer("lots", "1, 2"), "suivi.lots", "liste JSON attendue"),
    ("lot_en_double", _lots(_lot(1), _lot(1)), "suivi.lots[2].numero", "en double"),
    ("lot_zero", _lots(_lot(0)), "suivi.lots[1].numero", "supérieur ou égal à 1"),
    ("clause_texte", _changer("article_14", "peut-être"), "suivi.article_14", "true ou false"),
    ("reference_objet", _changer("reference", {"a": 1}), "suivi.reference", "texte attendu"),
    ("reference_vide", _changer("reference", ""), "suivi.reference", "ne doit pas être vide"),
    ("type_inconnu", _changer("type", "spatial"), "suivi.type", "valeur non reconnue « spatial »"),
    ("etp_zero", _changer("heures_par_etp", 0), "suivi.heures_par_etp", "supérieur à 0"),
    ("cle_inconnue", _changer("heures_duees", 3), "suivi.heures_duees", "clé inconnue"),
    ("objet_manquant", _retirer("objet"), "suivi.objet", "champ obligatoire manquant"),
    ("lots_manquants", _retirer("lots"), "suivi.lots", "champ obligatoire manquant"),
    ("siret_faux", _changer("acheteur_siret", "12345678901234"), "suivi.acheteur_siret", "SIRET invalide"),
    ("duree_immense", _changer("duree_mois", 10**9), "suivi.duree_mois", "inférieur ou égal"),
]


@pytest.mark.parametrize(("cas", "changer", "champ", "mots"), ALTERATIONS, ids=[a[0] for a in ALTERATIONS])
def test_un_manifeste_altere_est_refuse_avec_le_chemin_du_champ(
    dossier: Path, tmp_path: Path, cas: str, changer: Callable[[dict[str, Any]], None], champ: str, mots: str
) -> None:
    manifeste = dossier / "manifest.json"
    donnees = json.loads(manifeste.read_text(encoding="utf-8"))
    changer(donnees["suivi"])
    altere = tmp_path / cas / "manifest.json"
    altere.parent.mkdir()
    altere.write_text(json.dumps(donnees, ensure_ascii=False), encoding="utf-8")
    base = tmp_path / "suivi.sqlite"
    resultat = importer(base, altere)
    assert resultat.exit_code == 1, resultat.output
    attendu = f"{altere}: {champ}: "
    message = next((m for m in resultat.stderr.splitlines() if m.startswith(attendu)), None)
    assert message is not None and mots in message, (attendu, resultat.stderr)
    assert "refusée" in resultat.stdout
    assert "erreur inattendue" not in resultat.output and "Traceback" not in resultat.output
    assert not base.exists()  # nothing stored, not even an empty register


def _texte_altere(dossier: Path, avant: str, apres: str) -> str:
    texte = (dossier / "manifest.json").read_text(encoding="utf-8")
    assert avant in texte
    return texte.replace(avant, apres, 1)


@pytest.mark.parametrize(
    ("cas", "remplacer", "mots"),
    [
        ("nan", ('"heures_dues": 1067', '"heures_dues": NaN'), "suivi.heures_dues: nombre entier attendu"),
        ("nan_en_euros", ('"penalite_par_heure": "18.03"', '"penalite_par_heure": NaN'), "nombre attendu"),
        ("infini", ('"penalite_par_heure": "18.03"', '"penalite_par_heure": Infinity'), "suivi.penalite_par_heure"),
        ("moins_infini", ('"heures_dues": 1067', '"heures_dues": -Infinity'), "suivi.heures_dues"),
        ("virgule", ('"heures_dues": 1067,', '"heures_dues": 1067,,'), "manifeste illisible : JSON mal formé"),
        ("echappement", ('"objet":', '"o\\qbjet":'), "JSON mal formé (séquence d'échappement invalide"),
        ("surrogat", ('"type": "travaux"', '"type": "\\udc80"'), "suivi.type: texte invalide"),
        ("chiffres", ('"heures_dues": 1067', '"heures_dues": ' + "9" * 5000), "manifeste illisible"),
        ("tableau", ("{", "[" * 100_000 + "]" * 100_000 + "\n{"), "manifeste illisible"),
        # A 20-byte edit the model took minutes to turn into an integer of 10^8 digits: refused as read.
        ("exposant", ('"heures_dues": 1067', '"heures_dues": 1e99999999'), "suivi.heures_dues: nombre démesuré"),
        ("exposant_negatif", ('"heures_dues": 1067', '"heures_dues": -1.5e-99999999'), "suivi.heures_dues: nombre"),
        ("exposant_euros", ('"penalite_par_heure": "18.03"', '"penalite_par_heure": 1e99999999'), "démesuré"),
    ],
)
def test_un_manifeste_au_json_hostile_est_refuse_en_francais(
    dossier: Path, tmp_path: Path, cas: str, remplacer: tuple[str, str], mots: str
) -> None:
    altere = tmp_path / cas / "manifest.json"
    altere.parent.mkdir()
    altere.write_text(_texte_altere(dossier, *remplacer), encoding="utf-8")
    resultat = importer(tmp_path / "suivi.sqlite", altere)
    assert resultat.exit_code == 1 and mots in resultat.stderr, resultat.output
    assert "erreur inattendue" not in resultat.output and "Traceback" not in resultat.output
    assert not (tmp_path / "suivi.sqlite").exists()


@pytest.mark.parametrize(
    ("contenu", "mots"),
    [
        ({"suivi": [1, 2]}, "manifest.json: suivi: objet JSON attendu"),
        ({"suivi": None}, "manifest.json: suivi: objet JSON attendu"),
        ({"source": {}}, "n'a pas de bloc « suivi »"),
        ([1, 2], "manifeste illisible : objet JSON attendu"),
    ],
)
def test_un_manifeste_sans_bloc_suivi_utilisable_est_refuse(tmp_path: Path, contenu: Any, mots: str) -> None:
    chemin = tmp_path / "manifest.json"
    chemin.write_text(json.dumps(contenu), encoding="utf-8")
    resultat = importer(tmp_path / "suivi.sqlite", chemin)
    assert resultat.exit_code == 1 and mots in resultat.stderr, resultat.output
    assert "erreur inattendue" not in resultat.output and "Traceback" not in resultat.output


def test_un_manifeste_avec_marque_d_ordre_des_octets_s_importe(dossier: Path, tmp_path: Path) -> None:
    chemin = tmp_path / "bom" / "manifest.json"
    chemin.parent.mkdir()
    chemin.write_bytes(b"\xef\xbb\xbf" + (dossier / "manifest.json").read_bytes())
    resultat = importer(tmp_path / "suivi.sqlite", chemin)
    assert resultat.exit_code == 0 and "marché enregistré (2026-TX-090)" in resultat.stdout, resultat.output


def test_un_manifeste_altere_laisse_le_registre_tel_quel(dossier: Path, tmp_path: Path) -> None:
    """The contract already registered: a tampered copy of its manifest changes nothing, state and report still work."""
    base = tmp_path / "suivi.sqlite"
    assert importer(base, dossier / "manifest.json").exit_code == 0
    avant = _contenu(base)
    donnees = json.loads((dossier / "manifest.json").read_text(encoding="utf-8"))
    for cle, valeur in [("penalite_par_heure", "abc"), ("heures_dues", 1e308), ("lots", [])]:
        altere = copy.deepcopy(donnees)
        altere["suivi"][cle] = valeur
        chemin = tmp_path / cle / "manifest.json"
        chemin.parent.mkdir()
        chemin.write_text(json.dumps(altere), encoding="utf-8")
        resultat = importer(base, chemin)
        assert resultat.exit_code == 1 and f"suivi.{cle}:" in resultat.stderr, resultat.output
    assert _contenu(base) == avant
    assert etat(base, "2026-06-15")["heures_dues"] == 1067
    resultat = CliRunner().invoke(main, ["bilan", "--base", str(base), "--annee", "2026", "--format", "json"])
    assert "erreur inattendue" not in resultat.output and "Traceback" not in resultat.output


def test_un_manifeste_refuse_n_empeche_pas_les_autres(dossier: Path, tmp_path: Path, contrat: Path) -> None:
    donnees = json.loads((dossier / "manifest.json").read_text(encoding="utf-8"))
    donnees["suivi"]["penalite_par_heure"] = "abc"
    altere = tmp_path / "altere" / "manifest.json"
    altere.parent.mkdir()
    altere.write_text(json.dumps(donnees), encoding="utf-8")
    base = tmp_path / "suivi.sqlite"
    resultat = importer(base, altere, contrat)
    assert resultat.exit_code == 1
    assert "marché enregistré (2026-TX-077)" in resultat.stdout and f"{altere} : refusée" in resultat.stdout
    assert [m["reference"] for m in etat(base, "2026-06-15")["marches"]] == ["2026-TX-077"]
