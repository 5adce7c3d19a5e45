"""Loading and validating contract files: every bad input gets located French messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from clause_kit.commun.erreurs import ErreursValidation
from clause_kit.marche.chargement import charger, chemin_texte

INVALIDES = Path(__file__).parent / "fixtures" / "invalides"

# fichier, ligne attendue, champ attendu, fragment du message
CAS = [
    ("cle-inconnue.yaml", 8, "insertion.artcle_14", "vouliez-vous dire « article_14 »"),
    ("insertion-manquante.yaml", 1, "insertion", "champ obligatoire manquant"),
    ("objet-manquant.yaml", 2, "marche.objet", "champ obligatoire manquant"),
    ("pourcentage-hors-bornes.yaml", 8, "insertion.article_14.pourcentage", "inférieur ou égal à 100"),
    ("cout-horaire-nul.yaml", 8, "insertion.article_14.cout_horaire", "supérieur à 0"),
    ("montant-negatif.yaml", 6, "marche.montant_ht", "supérieur à 0"),
    ("sous-criteres-somme.yaml", 10, "insertion.article_53.sous_criteres", "doit égaler la pondération"),
    ("lots-numero-double.yaml", 9, "marche.lots[2].numero", "numéro de lot 1 en double"),
    (
        "lots-somme.yaml",
        6,
        "marche.montant_ht",
        "lots (90,00\u00a0€ HT) diffère du montant du marché (100,00\u00a0€ HT)",
    ),
    ("reference-inutilisable.yaml", 3, "marche.reference", "nom de dossier"),
    ("type-inconnu.yaml", 5, "marche.type", "vouliez-vous dire « travaux »"),
    ("vide.yaml", None, "", "fichier vide"),
    ("liste.yaml", 1, "", "pas une liste"),
    ("bombe-alias.yaml", 2, "", "alias YAML"),
    ("octets.yaml", 1, "", "UTF-8"),
    ("tabulation.yaml", 2, "", "tabulation"),
    ("caractere-controle.yaml", 2, "", "caractère interdit"),
    ("date-impossible.yaml", 7, "marche.date_limite_offres", "date attendue"),
    ("etiquette-yaml.yaml", 4, "", "valeur YAML non reconnue"),
    ("imbrication-profonde.yaml", 1, "", "structure trop imbriquée"),
    ("objet-caractere-controle.yaml", 4, "marche.objet", "caractère interdit dans un document Word (code U+000B)"),
    ("zero-heure.yaml", 4, "insertion.article_14", "aucune heure d'insertion"),
    ("lot-parametres-sans-pourcentage.yaml", 12, "marche.lots[2].insertion", "sans pourcentage"),
    ("publics-vides.yaml", 4, "insertion.publics", "au moins 1"),
    ("indentation.yaml", 3, "", "YAML mal formé"),
    ("guillemet-ouvert.yaml", None, "", "YAML mal formé"),
    ("cle-en-double.yaml", 2, "acheteur", "en double"),
    ("public-inconnu.yaml", 10, "insertion.publics[1]", "vouliez-vous dire « rsa »"),
    ("criteres-somme.yaml", 7, "marche.criteres", "totalisent 105 au lieu de 100"),
    ("accord-cadre-sans-maximum.yaml", 2, "marche.montant_maximum_ht", "accord-cadre sans montant maximum"),
    ("accord-cadre-minimum-superieur.yaml", 8, "marche.montant_minimum_ht", "différence 30\u202f000,00\u00a0€ HT"),
    ("accord-cadre-estimatif-au-dela.yaml", 7, "marche.montant_ht", "dépasse le montant maximum"),
    ("minimum-sur-marche-ordinaire.yaml", 7, "marche.montant_minimum_ht", "ne vaut que pour un accord-cadre"),
    ("accord-cadre-heures-fixees.yaml", 11, "insertion.article_14.heures", "ne peut pas être fixé d'avance"),
    ("forme-inconnue.yaml", 6, "marche.forme", "accord_cadre_bons_de_commande"),
    ("reconductions-sans-duree.yaml", 7, "marche.reconductions", "indiquez duree_mois"),
    ("duree-reconduction-sans-effet.yaml", 8, "marche.duree_reconduction_mois", "sans effet"),
    ("tranches-somme.yaml", 6, "marche.montant_ht", "somme des montants des tranches (90\u202f000,00\u00a0€ HT)"),
    ("tranches-deux-fermes.yaml", 7, "marche.tranches", "2 tranches fermes : un marché à tranches comporte"),
    ("tranche-nature-inconnue.yaml", 9, "marche.tranches[2].nature", "vouliez-vous dire « optionnelle »"),
    ("reserve-inconnue.yaml", 7, "marche.reserve", "vouliez-vous dire « siae »"),
    ("lot-reserve-sans-clause-ailleurs.yaml", 10, "insertion", "tous les lots sont réservés"),
    ("accord-cadre-lots-maximums.yaml", 8, "marche.montant_maximum_ht", "somme des maximums des lots"),
    ("nombre-demesure.yaml", 7, "marche.duree_mois", "nombre démesuré"),
    ("demi-paire-unicode.yaml", 5, "marche.objet", "le caractère 8 (U+DC80, après « Voirie  ») n'existe pas"),
]


@pytest.mark.parametrize(("fichier", "ligne", "champ", "fragment"), CAS, ids=[c[0] for c in CAS])
def test_entree_invalide_donne_un_message_localise(fichier: str, ligne: int | None, champ: str, fragment: str) -> None:
    with pytest.raises(ErreursValidation) as info:
        charger(INVALIDES / fichier)
    problemes = info.value.problemes
    correspondants = [p for p in problemes if fragment in p.message]
    assert correspondants, f"aucun message ne contient {fragment!r} : {info.value}"
    probleme = correspondants[0]
    assert probleme.fichier.endswith(fichier)
    assert probleme.champ == champ
    if ligne is not None:
        assert probleme.ligne == ligne
    texte = str(probleme)
    assert texte.startswith(str(INVALIDES / fichier))
    assert "Traceback" not in texte


def test_tous_les_problemes_sont_rapportes_ensemble(tmp_path: Path) -> None:
    fichier = tmp_path / "plusieurs.yaml"
    fichier.write_text(
        "acheteur: {nom: X, commune: Y}\n"
        "marche:\n  reference: R1\n  objet: O\n  type: travaus\n  montant_ht: -3\n  lotz: []\n"
        "insertion:\n  article_14: {pourcentage: 200}\n",
        encoding="utf-8",
    )
    with pytest.raises(ErreursValidation) as info:
        charger(fichier)
    champs = [p.champ for p in info.value.problemes]
    assert champs == ["marche.type", "marche.montant_ht", "marche.lotz", "insertion.article_14.pourcentage"]
    assert [p.ligne for p in info.value.problemes] == [5, 6, 7, 9]


def test_bombe_alias_refusee_vite(tmp_path: Path) -> None:
    # Thirty levels of nine aliases would be 9**30 nodes if expanded: refusing aliases keeps this instant.
    lignes = ['a0: &a0 ["x"]'] + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 30)]
    fichier = tmp_path / "bombe.yaml"
    fichier.write_text("\n".join(lignes) + "\n", encoding="utf-8")
    with pytest.raises(ErreursValidation, match="alias"):
        charger(fichier)


def test_fichier_introuvable(tmp_path: Path) -> None:
    with pytest.raises(ErreursValidation, match="fichier introuvable"):
        charger(tmp_path / "absent.yaml")


def test_fichier_trop_gros(tmp_path: Path) -> None:
    fichier = tmp_path / "gros.yaml"
    fichier.write_text("# " + "x" * 1_100_000 + "\n", encoding="utf-8")
    with pytest.raises(ErreursValidation, match="trop volumineux"):
        charger(fichier)


def test_exemple_minimal_du_ticket_est_valide(tmp_path: Path) -> None:
    fichier = tmp_path / "minimal.yaml"
    fichier.write_text(
        "acheteur: {nom: Commune de Roquevaire, commune: Roquevaire}\n"
        "marche:\n  reference: 2026-TX-031\n  objet: Rénovation de l'école\n  type: travaux\n  montant_ht: 1250000\n"
        "  lots:\n  criteres: [{libelle: Prix, ponderation: 75, nature: prix}, "
        "{libelle: Environnement, ponderation: 10, nature: environnement}]\n"
        "insertion:\n  regime: ccp\n"
        "  article_14: {pourcentage: 10, taux_main_oeuvre: 40, cout_horaire: 35}\n"
        "  article_53:\n    ponderation: 15\n"
        "    sous_criteres: [{libelle: Accueil et intégration, ponderation: 8}, {libelle: Tutorat, ponderation: 7}]\n",
        encoding="utf-8",
    )
    consultation = charger(fichier)
    assert consultation.marche.lots is None
    assert consultation.insertion.article_53 is not None


def test_chemin_texte_compte_les_elements_a_partir_de_un() -> None:
    assert chemin_texte(("marche", "lots", 0, "montant_ht")) == "marche.lots[1].montant_ht"
    assert chemin_texte(()) == ""


def test_fichiers_qui_ne_sont_pas_ordinaires_refuses_sans_attendre(tmp_path: Path) -> None:
    import os

    tube = tmp_path / "tube.yaml"
    os.mkfifo(tube)  # opening it for reading would wait for a writer for ever
    with pytest.raises(ErreursValidation, match="tube.yaml: c'est un tube"):
        charger(tube)
    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/zero")  # never ends, and says its size is 0
    with pytest.raises(ErreursValidation, match="zero.yaml: c'est un périphérique"):
        charger(zero)
    casse = tmp_path / "casse.yaml"
    casse.symlink_to(tmp_path / "absent.yaml")
    with pytest.raises(ErreursValidation, match="casse.yaml: lien symbolique cassé"):
        charger(casse)
