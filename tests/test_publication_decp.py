"""Essential data after award (clause-kit publier --decp): built from the file, checked, never invented."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from clause_kit.cli import main
from clause_kit.commun.erreurs import ErreursValidation
from clause_kit.publication.decp import donnees_essentielles
from clause_kit.publication.schema_decp import verifier_decp

PUBLICATION = datetime.date(2027, 3, 15)
ACHETEUR = "21300034000017"
TITULAIRE_1 = "44100000000014"
TITULAIRE_2 = "78901234000012"

ATTRIBUE = f"""\
acheteur: {{nom: Commune de Gémenos, commune: Gémenos, siret: '{ACHETEUR}'}}
facilitateur: {{structure: PLIE du Pays, telephone: 04 42 00 00 00}}
marche:
  reference: 2026-TX-088
  objet: Extension de l'école des Lilas
  type: travaux
  montant_ht: 900000
  procedure: adaptee
  cpv: 45214200-2
  duree_mois: 18
  date_lancement: 2026-10-01
  lieu_execution: {{code: '13042', type: code_commune}}
  criteres:
    - {{libelle: Prix, ponderation: 50, nature: prix}}
    - {{libelle: Valeur technique, ponderation: 25, nature: qualite}}
    - {{libelle: Gestion des déchets de chantier, ponderation: 10, nature: environnement}}
insertion:
  article_14: {{pourcentage: 7}}
  article_53: {{ponderation: 15}}
execution:
  notification: 2027-02-01
  titulaires: [{{nom: Bâtisseurs du Garlaban, siret: '{TITULAIRE_1}'}}]
  montant_ht: 874500
  offres_recues: 4
  forme_prix: forfaitaire
  types_prix: [definitif_revisable]
  avance: {{attribuee: true, taux: 5}}
  sous_traitance_declaree: true
  groupement: aucun
"""


def _ecrire(tmp_path: Path, texte: str, nom: str = "marche.yaml") -> Path:
    chemin = tmp_path / nom
    chemin.write_text(texte, encoding="utf-8")
    return chemin


def _marches(tmp_path: Path, texte: str) -> list[dict[str, Any]]:
    return donnees_essentielles(_ecrire(tmp_path, texte), PUBLICATION)["marches"]["marche"]  # type: ignore[no-any-return]


def test_marche_attribue_complet(tmp_path: Path) -> None:
    (marche,) = _marches(tmp_path, ATTRIBUE)
    assert marche["id"] == "2026-TX-088" and len(marche["id"]) <= 16
    assert marche["acheteur"] == {"id": ACHETEUR}
    assert marche["codeCPV"] == "45214200-2" and marche["ccag"] == "Travaux"
    assert marche["considerationsSociales"] == {"considerationSociale": ["Clause sociale", "Critère social"]}
    assert marche["considerationsEnvironnementales"] == {"considerationEnvironnementale": ["Critère environnemental"]}
    assert marche["techniques"] == {"technique": ["Sans objet"]}
    assert marche["modalitesExecution"] == {"modaliteExecution": ["Sans objet"]}
    assert (marche["attributionAvance"], marche["tauxAvance"]) == (True, 0.05)
    assert marche["lieuExecution"] == {"code": "13042", "typeCode": "Code commune"}
    assert (marche["dateNotification"], marche["datePublicationDonnees"]) == ("2027-02-01", "2027-03-15")
    assert marche["montant"] == 874500 and marche["offresRecues"] == 4 and marche["dureeMois"] == 18
    assert marche["typesPrix"] == {"typePrix": ["Définitif révisable"]} and marche["formePrix"] == "Forfaitaire"
    assert marche["titulaires"] == [{"titulaire": {"typeIdentifiant": "SIRET", "id": TITULAIRE_1}}]
    assert marche["procedure"] == "Procédure adaptée" and marche["typeGroupementOperateurs"] == "Pas de groupement"


def test_un_siret_tape_avec_des_espaces_est_publie_en_14_chiffres(tmp_path: Path) -> None:
    # The holder's SIRET lost its spaces, the buyer's kept them: the essential data then failed
    # the format's « 14 digits » rule, in jsonschema's English (a review found it).
    espace = f"{ACHETEUR[:3]} {ACHETEUR[3:6]} {ACHETEUR[6:9]} {ACHETEUR[9:]}"
    (marche,) = _marches(tmp_path, ATTRIBUE.replace(f"siret: '{ACHETEUR}'", f"siret: '{espace}'"))
    assert marche["acheteur"] == {"id": ACHETEUR}


def test_une_information_manquante_est_nommee_et_rien_n_est_ecrit(tmp_path: Path) -> None:
    texte = ATTRIBUE.replace("  offres_recues: 4\n", "").replace(f", siret: '{ACHETEUR}'", "")
    fichier = _ecrire(tmp_path, texte)
    sortie = tmp_path / "sortie"
    resultat = CliRunner().invoke(main, ["publier", str(fichier), "--decp", "-o", str(sortie)])
    assert resultat.exit_code == 1
    assert "execution.offres_recues: manquant (nombre d'offres reçues)" in resultat.stderr
    assert "acheteur.siret: manquant (SIRET de l'acheteur)" in resultat.stderr
    assert f"{fichier}:" in resultat.stderr  # with the line of the block it belongs in
    assert not sortie.exists()


def test_sans_bloc_d_attribution_tout_ce_qui_manque_est_nomme(tmp_path: Path) -> None:
    avant = ATTRIBUE.split("\nexecution:")[0] + "\n"
    with pytest.raises(ErreursValidation) as erreur:
        donnees_essentielles(_ecrire(tmp_path, avant), PUBLICATION)
    champs = {p.champ for p in erreur.value.problemes}
    assert {"execution.notification", "execution.titulaires", "execution.offres_recues", "execution.avance"} <= champs


def test_un_enregistrement_par_lot(tmp_path: Path) -> None:
    texte = (
        ATTRIBUE.replace(
            "  lieu_execution:",
            "  lots:\n"
            "    - {numero: 1, intitule: Gros œuvre, montant_ht: 600000}\n"
            "    - {numero: 2, intitule: Espaces verts, montant_ht: 300000, reserve: siae}\n"
            "  lieu_execution:",
        )
        .replace(
            f"  titulaires: [{{nom: Bâtisseurs du Garlaban, siret: '{TITULAIRE_1}'}}]\n",
            "  titulaires:\n"
            f"    - {{lot: 1, nom: Bâtisseurs du Garlaban, siret: '{TITULAIRE_1}', montant_ht: 590000}}\n"
            f"    - {{lot: 2, nom: Jardins d'insertion, siret: '{TITULAIRE_2}', montant_ht: 280000}}\n",
        )
        .replace("  montant_ht: 874500\n", "")
    )
    premier, second = _marches(tmp_path, texte)
    assert (premier["id"], second["id"]) == ("2026-TX-088-01", "2026-TX-088-02")
    assert (premier["montant"], second["montant"]) == (590000, 280000)
    assert second["titulaires"][0]["titulaire"]["id"] == TITULAIRE_2
    assert "Marché réservé" in second["considerationsSociales"]["considerationSociale"]
    assert "Marché réservé" not in premier["considerationsSociales"]["considerationSociale"]
    assert second["objet"].endswith("lot 2 : Espaces verts")
    sans_titulaire = texte.replace(
        f"    - {{lot: 2, nom: Jardins d'insertion, siret: '{TITULAIRE_2}', montant_ht: 280000}}\n", ""
    )
    with pytest.raises(ErreursValidation, match="aucun titulaire pour le lot 2"):
        donnees_essentielles(_ecrire(tmp_path, sans_titulaire, "b.yaml"), PUBLICATION)


def test_accord_cadre_a_bons_de_commande(tmp_path: Path) -> None:
    texte = ATTRIBUE.replace(
        "  montant_ht: 900000\n",
        "  montant_ht: 900000\n  forme: accord_cadre_bons_de_commande\n  montant_maximum_ht: 1500000\n",
    )
    (marche,) = _marches(tmp_path, texte)
    assert marche["techniques"] == {"technique": ["Accord-cadre"]}
    assert marche["modalitesExecution"] == {"modaliteExecution": ["Bons de commande"]}
    assert marche["montant"] == 1500000  # « estimé maximum HT »


def test_identifiant_de_plus_de_16_caracteres(tmp_path: Path) -> None:
    texte = ATTRIBUE.replace("reference: 2026-TX-088", "reference: 2026-TRAVAUX-ECOLE-088")
    with pytest.raises(ErreursValidation, match=r"marche.reference: .* dépasse 16 caractères"):
        donnees_essentielles(_ecrire(tmp_path, texte), PUBLICATION)


def test_les_regles_du_format_refusent_ce_qui_sort_des_listes(tmp_path: Path) -> None:
    document = donnees_essentielles(_ecrire(tmp_path, ATTRIBUE), PUBLICATION)
    assert verifier_decp(document) == []
    marche = document["marches"]["marche"][0]
    marche["ccag"] = "CCAG Travaux"
    marche["considerationsSociales"] = {"considerationSociale": ["Clause d'insertion"]}
    marche["id"] = "X" * 17
    marche["inconnu"] = 1
    problemes = "\n".join(verifier_decp(document))
    for attendu in ("marches/marche/0/ccag", "considerationSociale/0", "marches/marche/0/id", "inconnu"):
        assert attendu in problemes


def test_la_commande_ecrit_et_ne_remplace_qu_avec_force(tmp_path: Path) -> None:
    fichier = _ecrire(tmp_path, ATTRIBUE, "2026-tx-088.yaml")
    sortie = tmp_path / "sortie"
    arguments = ["publier", str(fichier), "--decp", "-o", str(sortie), "--date-publication", "2027-03-20"]
    premier = CliRunner().invoke(main, arguments)
    assert premier.exit_code == 0, premier.output
    ecrit = sortie / "2026-tx-088.decp.json"
    assert (
        json.loads(ecrit.read_text(encoding="utf-8"))["marches"]["marche"][0]["datePublicationDonnees"] == "2027-03-20"
    )
    second = CliRunner().invoke(main, arguments)
    assert second.exit_code == 1 and "existe déjà : --force pour remplacer" in second.stderr
    assert CliRunner().invoke(main, [*arguments, "--force"]).exit_code == 0
    fiche = CliRunner().invoke(main, ["publier", str(fichier), "-o", str(sortie)])
    assert fiche.exit_code == 0 and (sortie / "fiche-publicite.html").exists()
    assert CliRunner().invoke(main, ["publier", str(fichier), "--date-publication", "2027-01-01"]).exit_code == 2
