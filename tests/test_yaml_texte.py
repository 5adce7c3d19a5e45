"""A value is what the officer typed: text fields keep their text, number fields refuse YAML 1.1 readings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from clause_kit.cli import main
from clause_kit.commun.erreurs import ErreursValidation
from clause_kit.marche.chargement import charger, charger_detail
from clause_kit.marche.yaml_texte import ChargeurTexte, ProblemeYaml, champs_rapides
from clause_kit.revue.texte import texte as texte_docx

TAPES = """\
acheteur: {nom: Commune de Cassis, commune: Cassis, siret: 01234567890003}
facilitateur: {nom: Léa Roux, telephone: 0442000000}
marche:
  reference: 0755
  objet: 1:20
  type: travaux
  montant_ht: 0300000
  duree_mois: 012
  cpv: 45000000-7
  procedure: adaptee
  date_lancement: 2026-10-01
insertion:
  article_14: {pourcentage: 07, cout_horaire: 1.50e1}
  publics: [rsa]
"""


def ecrire(dossier: Path, texte: str, nom: str = "marche.yaml") -> Path:
    dossier.mkdir(parents=True, exist_ok=True)
    chemin = dossier / nom
    chemin.write_text(texte, encoding="utf-8")
    return chemin


def test_scalaires_gardent_leur_texte_sauf_nul_et_booleens_yaml_1_2() -> None:
    donnees = ChargeurTexte(
        "a: 0755\nb: 1:20\nc: 2026_031\nd: 1.50\ne: yes\nf: off\ng: true\nh: FALSE\ni: ~\nj:\nk: 2026-03-16\n1: x\n"
    ).get_single_data()
    assert donnees == {
        "a": "0755",
        "b": "1:20",
        "c": "2026_031",
        "d": "1.50",
        "e": "yes",
        "f": "off",
        "g": True,
        "h": False,
        "i": None,
        "j": None,
        "k": "2026-03-16",
        "1": "x",
    }


def test_valeurs_tapees_reproduites_dans_les_pieces(tmp_path: Path) -> None:
    fichier = ecrire(tmp_path / "cassis", TAPES)
    consultation = charger(fichier)
    assert consultation.marche.reference == "0755" and consultation.marche.objet == "1:20"
    assert consultation.facilitateur is not None and consultation.facilitateur.telephone == "0442000000"
    assert consultation.acheteur.siret == "01234567890003"  # leading zero kept: valid SIRET
    assert consultation.marche.duree_mois == 12  # a leading zero never means octal
    assert str(consultation.marche.montant_ht) == "300000"
    sortie = tmp_path / "sortie"
    resultat = CliRunner().invoke(main, ["generer", str(fichier), "-o", str(sortie)])
    assert resultat.exit_code == 0, resultat.output
    dossier = sortie / "cassis" / "0755"  # the pre-scan and the loader agree on the folder
    acte = texte_docx(next(dossier.glob("*acte-engagement*.docx")))
    assert "0442000000" in acte and "76021760" not in acte
    assert "0755" in acte and "493" not in acte
    assert "12 mois" in texte_docx(next(dossier.glob("*ccap*.docx")))


@pytest.mark.parametrize(
    ("valeur", "fragment"),
    [
        ("1_250_000", "séparateur « _ »"),
        ("20:50", "base 60"),
        ("0x1F", "hexadécimale, octale ou binaire"),
        ("0o17", "hexadécimale, octale ou binaire"),
        ("yes", "nombre attendu"),
        ("true", "pas true ou false"),
        ("'１２'", "nombre attendu"),
    ],
)
def test_champ_nombre_refuse_les_lectures_yaml_1_1(tmp_path: Path, valeur: str, fragment: str) -> None:
    fichier = ecrire(tmp_path, TAPES.replace("montant_ht: 0300000", f"montant_ht: {valeur}"))
    with pytest.raises(ErreursValidation) as info:
        charger(fichier)
    (probleme,) = info.value.problemes
    assert (probleme.ligne, probleme.champ) == (7, "marche.montant_ht")
    assert fragment in probleme.message


def test_verifier_accepte_et_montre_les_valeurs_tapees(tmp_path: Path) -> None:
    fichier = ecrire(tmp_path, TAPES)
    resultat = CliRunner().invoke(main, ["verifier", str(fichier), "--format", "json"])
    assert resultat.exit_code == 0, resultat.output
    assert "0755" in resultat.output
    resultat = CliRunner().invoke(main, ["verifier", str(ecrire(tmp_path, TAPES.replace("012", "1_2")))])
    assert resultat.exit_code == 1
    assert "marche.yaml:8: marche.duree_mois: séparateur « _ »" in resultat.output


def test_memes_regles_dans_les_valeurs_communes(tmp_path: Path) -> None:
    dossier = tmp_path / "cassis"
    ecrire(
        dossier,
        "acheteur: {nom: Commune de Cassis, commune: Cassis}\n"
        "facilitateur: {nom: Léa Roux, telephone: 0442000000}\n"
        "insertion: {heures_par_etp: 1_607}\n",
        "_commune.yaml",
    )
    fichier = ecrire(dossier, "\n".join(TAPES.splitlines()[2:]) + "\n")
    with pytest.raises(ErreursValidation) as info:
        charger_detail(fichier)
    (probleme,) = info.value.problemes
    assert probleme.fichier.endswith("_commune.yaml") and probleme.ligne == 3
    assert probleme.champ == "insertion.heures_par_etp" and "séparateur « _ »" in probleme.message
    (dossier / "_commune.yaml").write_text(
        (dossier / "_commune.yaml").read_text(encoding="utf-8").replace("1_607", "1607"), encoding="utf-8"
    )
    detail = charger_detail(fichier)
    assert detail.consultation.facilitateur is not None
    assert detail.consultation.facilitateur.telephone == "0442000000"


def test_etiquette_explicite_refusee(tmp_path: Path) -> None:
    fichier = ecrire(tmp_path, TAPES.replace("reference: 0755", "reference: !!int 0755"))
    with pytest.raises(ErreursValidation, match="étiquette « tag:yaml.org,2002:int » non acceptée"):
        charger(fichier)


def test_prelecture_comme_le_chargeur() -> None:
    voulus = {("marche", "reference"), ("acheteur", "commune")}
    champs = champs_rapides("acheteur: {commune: on}\nmarche:\n  lots: [{a: 1}, [2]]\n  reference: 0755\n", voulus)
    assert champs == {("marche", "reference"): "0755", ("acheteur", "commune"): "on"}
    with pytest.raises(ProblemeYaml, match="alias"):
        champs_rapides("a: &x [1]\nmarche: {reference: *x}\n", voulus)
    with pytest.raises(ProblemeYaml, match="imbriquée"):
        champs_rapides("marche: " + "[" * 50 + "]" * 50 + "\n", voulus)


def test_rapport_nomme_la_reference_tapee(tmp_path: Path) -> None:
    fichier = ecrire(tmp_path / "cassis", TAPES.replace("montant_ht: 0300000", "montant_ht: -1"))
    sortie = tmp_path / "sortie"
    resultat = CliRunner().invoke(main, ["generer", str(fichier), "-o", str(sortie)])
    assert resultat.exit_code == 1
    rapport = json.loads((sortie / "rapport-generation.json").read_text(encoding="utf-8"))
    assert rapport["marches"][0]["reference"] == "0755"
