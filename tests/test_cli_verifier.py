"""``clause-kit verifier``: exit codes, exact messages, JSON contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from clause_kit import version
from clause_kit.cli import main

INVALIDES = Path(__file__).parent / "fixtures" / "invalides"


def test_json_exemple_roquevaire(tmp_path: Path) -> None:
    fichier = Path(__file__).parent.parent / "dossiers" / "roquevaire" / "2026-tx-031-ecole.yaml"
    resultat = CliRunner().invoke(main, ["verifier", str(fichier), "--format", "json"])
    assert resultat.exit_code == 0, resultat.output
    donnees = json.loads(resultat.output)
    assert donnees["reference"] == "2026-TX-031"
    assert donnees["regime"] == "ccp"
    assert donnees["heures_insertion"] == 1429
    assert donnees["etp"] == 0.89
    assert donnees["lots"] == [
        {
            "numero": 1,
            "intitule": "Rénovation de l'école",
            "montant_ht": 1250000,
            "heures_insertion": 1429,
            "origine": "formule",
            "heures_formule": donnees["lots"][0]["heures_formule"],
            "forme": "ordinaire",
            "reserve": None,
            "montant_minimum_ht": None,
            "montant_maximum_ht": None,
            "montant_seuil_ht": 1250000,
            "heures_par_1000_euros": None,
            "heures_garanties": None,
            "heures_au_maximum": None,
        }
    ]
    assert (donnees["forme"], donnees["montant_seuil_ht"], donnees["heures_par_1000_euros"]) == (
        "ordinaire",
        1250000,
        None,
    )
    assert any("L. 2112-2" in r for r in donnees["references_juridiques"])
    assert any("R. 2152-7" in r for r in donnees["references_juridiques"])


def test_json_lots_et_regime_ancien(exemples: list[Path]) -> None:
    for fichier in exemples:
        resultat = CliRunner().invoke(main, ["verifier", str(fichier), "--format", "json"])
        assert resultat.exit_code == 0, (fichier, resultat.output)
        donnees = json.loads(resultat.output)
        assert donnees["heures_insertion"] == sum(lot["heures_insertion"] for lot in donnees["lots"])
        if donnees["regime"] == "cmp2006":
            assert any("article 14" in r for r in donnees["references_juridiques"])


def test_texte_montre_les_valeurs_par_defaut(tmp_path: Path) -> None:
    fichier = tmp_path / "defauts.yaml"
    fichier.write_text(
        "acheteur: {nom: X, commune: Y}\nmarche: {reference: R1, objet: O, type: services, montant_ht: 100000}\n"
        "insertion:\n  article_14: {pourcentage: 5}\n",
        encoding="utf-8",
    )
    resultat = CliRunner().invoke(main, ["verifier", str(fichier)])
    assert resultat.exit_code == 0
    assert "taux de main-d'œuvre : 70 % (valeur par défaut pour un marché de services)" in resultat.output
    assert "Heures d'insertion : 140 h" in resultat.output


def test_fichier_invalide_code_1_message_localise_sans_trace() -> None:
    fichier = INVALIDES / "cle-inconnue.yaml"
    resultat = CliRunner().invoke(main, ["verifier", str(fichier)])
    assert resultat.exit_code == 1
    assert resultat.output.strip() == (
        f"{fichier}:8: insertion.artcle_14: clé inconnue « artcle_14 » ; vouliez-vous dire « article_14 » ?"
    )


def test_mauvais_usage_code_2_en_francais() -> None:
    cas = {
        ("verifier", "x.yaml", "--format", "xml"): "« xml » n'est pas l'une des valeurs",
        ("generer", "dossiers"): "option obligatoire manquante : -o / --sortie",
        ("generer", "dossiers", "-o", "s", "-j", "0"): "au moins 1 attendu",
        ("verifier",): "argument manquant : FICHIER.yaml",
        ("--inconnue",): "option inconnue : --inconnue",
        ("verifer", "x.yaml"): "commande inconnue : verifer",
    }
    for arguments, attendu in cas.items():
        resultat = CliRunner().invoke(main, list(arguments))
        assert resultat.exit_code == 2, arguments
        assert attendu in resultat.output, (arguments, resultat.output)
        assert "Aide : " in resultat.output


def test_version_et_aide() -> None:
    assert CliRunner().invoke(main, ["--version"]).output.strip() == f"clause-kit {version()}"
    for commande in ([], ["verifier"], ["generer"]):
        resultat = CliRunner().invoke(main, [*commande, "--help"])
        assert resultat.exit_code == 0 and "Utilisation : " in resultat.output
        assert "Afficher cette aide et quitter." in resultat.output


def test_python_m_clause_kit_sans_trace_sur_erreur() -> None:
    processus = subprocess.run(
        [sys.executable, "-m", "clause_kit", "verifier", str(INVALIDES / "octets.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert processus.returncode == 1
    assert "Traceback" not in processus.stderr
    assert "UTF-8" in processus.stderr


def test_avertissements_facilitateur_et_cpv(tmp_path: Path) -> None:
    fichier = tmp_path / "avertir.yaml"
    fichier.write_text(
        "acheteur: {nom: X, commune: Y}\n"
        "marche: {reference: R1, objet: O, type: travaux, montant_ht: 100000, cpv: 45000000-8, "
        "date_lancement: 2026-10-01, criteres: [{libelle: Prix, ponderation: 80, nature: prix}, "
        "{libelle: Bilan carbone, ponderation: 10, nature: environnement}]}\n"
        "insertion:\n  article_14: {pourcentage: 5}\n  article_53: {ponderation: 10, sous_criteres: "
        "[{libelle: Tutorat, ponderation: 10}]}\n",
        encoding="utf-8",
    )
    resultat = CliRunner().invoke(main, ["verifier", str(fichier), "--format", "json"])
    assert resultat.exit_code == 0, resultat.output
    donnees = json.loads(resultat.output)
    # verifier only warns: generer refuses the missing contact and the missing procedure
    assert any(a.startswith("pour generer") and "facilitateur" in a for a in donnees["avertissements"])
    assert any(a.startswith("pour generer") and "procédure" in a for a in donnees["avertissements"])
    assert any("45000000-8" in a for a in donnees["avertissements"])
    # procédure adaptée by default: R. 2152-12 (formalised procedures) is not cited
    assert "article R. 2152-11 du code de la commande publique" in donnees["references_juridiques"]
    assert not any("R. 2152-12" in r for r in donnees["references_juridiques"])


def test_json_erreurs_sur_la_sortie_standard() -> None:
    fichier = INVALIDES / "cle-inconnue.yaml"
    resultat = CliRunner().invoke(main, ["verifier", str(fichier), "--format", "json"])
    assert resultat.exit_code == 1
    donnees = json.loads(resultat.stdout)
    assert donnees["erreurs"] == [
        {
            "fichier": str(fichier),
            "ligne": 8,
            "champ": "insertion.artcle_14",
            "message": "clé inconnue « artcle_14 » ; vouliez-vous dire « article_14 » ?",
        }
    ]
    assert "artcle_14" in resultat.stderr
