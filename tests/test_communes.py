"""Commune defaults: inherited, overridable, located in messages, shown by verifier."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from clause_kit.cli import main
from clause_kit.commun.erreurs import ErreursValidation
from clause_kit.marche.chargement import charger_detail

DEFAUTS = """\
acheteur:
  nom: Commune de Gémenos
  commune: Gémenos
facilitateur: {nom: Léa Roux, telephone: 04 42 00 00 02}
insertion:
  publics: [rsa, seniors]
  penalite: {multiple_smic: 2}
  article_14: {cout_horaire: 40, taux_main_oeuvre: 60}
"""


def commune(tmp_path: Path, contrat: str, defauts: str = DEFAUTS) -> Path:
    dossier = tmp_path / "gemenos"
    dossier.mkdir(exist_ok=True)
    (dossier / "_commune.yaml").write_text(defauts, encoding="utf-8")
    fichier = dossier / "marche.yaml"
    fichier.write_text(contrat, encoding="utf-8")
    return fichier


MARCHE = "marche: {reference: G-1, objet: Voirie, type: travaux, montant_ht: 400000}\n"


def test_heritage_et_surcharge(tmp_path: Path) -> None:
    fichier = commune(
        tmp_path,
        "acheteur: {nom: CCAS de Gémenos}\n" + MARCHE + "insertion:\n  penalite: {montant_par_heure: 30}\n"
        "  article_14: {pourcentage: 5, cout_horaire: 32}\n",
    )
    detail = charger_detail(fichier)
    c = detail.consultation
    assert c.acheteur.nom == "CCAS de Gémenos" and c.acheteur.commune == "Gémenos"
    assert c.facilitateur is not None and c.facilitateur.nom == "Léa Roux"
    assert c.insertion.publics == ["rsa", "seniors"]
    assert c.insertion.article_14 is not None
    assert str(c.insertion.article_14.cout_horaire) == "32" and str(c.insertion.article_14.taux_main_oeuvre) == "60"
    # A penalty block replaces the default whole: no "both modes at once" error.
    assert c.insertion.penalite is not None and c.insertion.penalite.multiple_smic is None
    assert detail.origines[("acheteur", "commune")][0].endswith("_commune.yaml")
    assert detail.origines[("acheteur", "nom")][0].endswith("marche.yaml")


def test_les_blocs_article_ne_sont_pas_crees_par_les_defauts(tmp_path: Path) -> None:
    criteres = (
        ", date_lancement: 2026-10-01, criteres: [{libelle: Prix, ponderation: 80, nature: prix}, "
        "{libelle: Eau, ponderation: 10, nature: environnement}]}"
    )
    fichier = commune(
        tmp_path,
        MARCHE.replace("}", criteres, 1) + "insertion:\n  article_53: {ponderation: 10, heures_minimum: 100, "
        "sous_criteres: [{libelle: T, ponderation: 10}]}\n",
    )
    c = charger_detail(fichier).consultation
    assert c.insertion.article_14 is None  # the default hourly cost did not switch on an article 14


def test_erreur_dans_les_defauts_nomme_leur_fichier_et_leur_ligne(tmp_path: Path) -> None:
    fichier = commune(
        tmp_path,
        MARCHE + "insertion:\n  article_14: {pourcentage: 5}\n",
        defauts=DEFAUTS.replace("cout_horaire: 40", "cout_horaire: -4"),
    )
    with pytest.raises(ErreursValidation) as info:
        charger_detail(fichier)
    (probleme,) = info.value.problemes
    assert probleme.fichier.endswith("_commune.yaml")
    assert probleme.ligne == 8 and probleme.champ == "insertion.article_14.cout_horaire"


def test_verifier_montre_l_origine_des_valeurs(tmp_path: Path) -> None:
    fichier = commune(tmp_path, MARCHE + "insertion:\n  article_14: {pourcentage: 5}\n")
    resultat = CliRunner().invoke(main, ["verifier", str(fichier), "--format", "json"])
    assert resultat.exit_code == 0, resultat.output
    donnees = json.loads(resultat.output)
    assert donnees["valeurs_communes"].endswith("_commune.yaml")
    assert donnees["origines"]["facilitateur.nom"].endswith("_commune.yaml:4")
    assert donnees["origines"]["marche.reference"].endswith("marche.yaml:1")
    texte = CliRunner().invoke(main, ["verifier", str(fichier)]).output
    assert "Valeurs communes reprises de" in texte and "insertion.article_14.cout_horaire (ligne 8)" in texte


def test_valeurs_communes_trouvees_dans_un_dossier_parent(tmp_path: Path) -> None:
    dossier = tmp_path / "dossiers" / "gemenos" / "2026" / "travaux"
    dossier.mkdir(parents=True)
    (tmp_path / "dossiers" / "gemenos" / "_Commune.YML").write_text(DEFAUTS, encoding="utf-8")
    fichier = dossier / "marche.yaml"
    fichier.write_text(MARCHE + "insertion:\n  article_14: {pourcentage: 5}\n", encoding="utf-8")
    detail = charger_detail(fichier)  # a file named directly: looked for up to dossiers/
    assert detail.consultation.acheteur.commune == "Gémenos"
    assert detail.defauts is not None and detail.defauts.name == "_Commune.YML"
    assert detail.sha256_defauts is not None and len(detail.sha256_defauts) == 64


def test_valeurs_communes_jamais_cherchees_au_dessus_de_la_racine(tmp_path: Path) -> None:
    # A shared folder where anyone may drop a _commune.yaml: never read from below.
    partage = tmp_path / "partage"
    (partage / "alice" / "gemenos").mkdir(parents=True)
    (partage / "_commune.yaml").write_text(DEFAUTS.replace("Léa Roux", "Intrus"), encoding="utf-8")
    (tmp_path / "_commune.yaml").write_text(DEFAUTS.replace("Léa Roux", "Intrus"), encoding="utf-8")
    fichier = partage / "alice" / "gemenos" / "marche.yaml"
    fichier.write_text(
        "acheteur: {nom: Commune de Gémenos, commune: Gémenos}\n"
        "facilitateur: {structure: PLIE, telephone: 04 42 00 00 09}\n"
        + MARCHE.replace("}", ", procedure: adaptee, date_lancement: 2026-10-01}", 1)
        + "insertion:\n  article_14: {pourcentage: 5}\n",
        encoding="utf-8",
    )
    assert charger_detail(fichier).defauts is None  # named directly: its own folder only
    assert charger_detail(fichier, partage / "alice").defauts is None  # named folder: not above it
    # The folder named on the command line is a limit, not a floor: inside it, the nearest file wins.
    (partage / "alice" / "_commune.yaml").write_text(DEFAUTS, encoding="utf-8")
    detail = charger_detail(fichier, partage / "alice")
    assert detail.defauts == partage / "alice" / "_commune.yaml"
    assert detail.consultation.facilitateur is not None and detail.consultation.facilitateur.structure == "PLIE"
    sortie = tmp_path / "sortie"
    resultat = CliRunner().invoke(main, ["generer", str(partage / "alice" / "gemenos"), "-o", str(sortie)])
    assert resultat.exit_code == 0, resultat.output
    manifeste = json.loads((sortie / "gemenos" / "g-1" / "manifest.json").read_text(encoding="utf-8"))
    assert manifeste["valeurs_communes"] is None  # alice/_commune.yaml is above the folder named


def test_bloc_de_mauvais_type_dans_les_valeurs_communes_meme_remplace(tmp_path: Path) -> None:
    fichier = commune(
        tmp_path,
        MARCHE + "insertion:\n  article_14: {pourcentage: 5}\n",
        defauts=DEFAUTS + "marche: [1, 2]\n",
    )
    with pytest.raises(ErreursValidation) as info:
        charger_detail(fichier)
    (probleme,) = info.value.problemes
    assert probleme.fichier.endswith("_commune.yaml") and probleme.ligne == 9 and probleme.champ == "marche"
    assert "bloc de clés attendu" in probleme.message
