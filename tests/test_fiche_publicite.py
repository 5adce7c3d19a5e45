"""The eForms notice sheet: codes, texts and lengths per lot, as a buyer pastes them into a notice."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner

from clause_kit.cli import main
from clause_kit.commun.parametres import charger_parametres
from clause_kit.dossier.fiche_publicite import FicheLot, fiche_html, fiche_json, fiche_publicite
from clause_kit.marche.chargement import charger_detail
from clause_kit.rendu.contexte import construire_contexte
from clause_kit.revue.texte import texte as texte_docx
from tests.conftest import DOSSIERS
from tests.contrats import contrat
from tests.jour_fixe import AUJOURDHUI


def _fiches(chemin: Path) -> tuple[list[FicheLot], object]:
    detail = charger_detail(chemin)
    contexte = construire_contexte(detail.consultation, detail.chiffres, charger_parametres(), AUJOURDHUI)
    return fiche_publicite(detail.consultation, detail.chiffres, contexte), detail.consultation


def _valeurs(fiche: FicheLot, bt: str) -> list[str]:
    return [c.valeur for c in fiche.champs if c.bt == bt]


def _ecrire(tmp_path: Path, texte: str) -> Path:
    chemin = tmp_path / "marche.yaml"
    chemin.write_text(texte, encoding="utf-8")
    return chemin


def test_critere_d_insertion_et_critere_environnemental() -> None:
    (fiche,), _ = _fiches(DOSSIERS / "roquevaire" / "2026-sv-044-espaces-verts.yaml")
    assert _valeurs(fiche, "BT-06-Lot") == ["soc-obj", "env-imp"]
    assert _valeurs(fiche, "BT-775-Lot") == ["opp"]
    assert _valeurs(fiche, "BT-539-Lot") == ["price", "quality", "quality", "quality"]
    noms = _valeurs(fiche, "BT-734-Lot")
    assert noms[-1] == "Performances en matière d’insertion professionnelle des publics en difficulté"
    poids = [Decimal(v) for v in _valeurs(fiche, "BT-541-Lot-WeightNumber")]
    assert poids == [50, 20, 10, 20] and sum(poids) == 100
    assert set(_valeurs(fiche, "BT-5421-Lot")) == {"per-exa"}
    (description,) = [c for c in fiche.champs if c.bt == "BT-540-Lot"]
    assert "Minimum exigé de chaque offre : 300 heures" in description.valeur and description.note == "critère 4"
    # Article 53 alone with a minimum: the minimum binds the holder, an execution condition for the notice.
    (minimum,) = _valeurs(fiche, "BT-70-Lot")
    assert minimum.startswith("Exigence minimale : chaque offre s’engage sur au moins 300 heures d’insertion")
    (accessibilite,) = [c for c in fiche.champs if c.bt == "BT-754-Lot"]
    assert accessibilite.valeur == "" and "à renseigner" in accessibilite.note


def test_accord_cadre_a_bons_de_commande_reconductible() -> None:
    (fiche,), _ = _fiches(DOSSIERS / "roquevaire" / "2026-ac-050-entretien-batiments.yaml")
    assert _valeurs(fiche, "BT-765-Lot") == ["fa-wo-rc"]
    assert _valeurs(fiche, "BT-271-Lot") == ["1200000.00"]
    assert _valeurs(fiche, "BT-58-Lot") == ["3"]
    assert _valeurs(fiche, "BT-36-Lot") == ["12"]
    (clause,) = [c for c in fiche.champs if c.bt == "BT-70-Lot"]
    assert (
        "d’au moins 1,125 heure de travail par tranche de 1\u202f000\u00a0€\u00a0HT de bons de commande"
        in clause.valeur
    )
    assert "Facilitateur : Maison de l’emploi" in clause.valeur and "SMIC" in clause.valeur
    assert "'" not in clause.valeur  # French apostrophes only
    assert not clause.trop_long and clause.maximum == 6000 and clause.longueur == len(clause.valeur)


def test_la_clause_dit_les_memes_chiffres_que_le_ccap(tmp_path: Path) -> None:
    source = DOSSIERS / "roquevaire" / "2026-sv-052-restauration.yaml"
    (fiche,), _ = _fiches(source)
    (clause,) = _valeurs(fiche, "BT-70-Lot")
    sortie = tmp_path / "sortie"
    assert CliRunner().invoke(main, ["generer", str(source), "-o", str(sortie)]).exit_code == 0
    (ccap,) = sortie.glob("*/*/*ccap*.docx")
    texte = texte_docx(ccap, ccap.name)
    for periode in ("période initiale de 12\u00a0mois\u00a0: 112\u00a0heures", "3e reconduction"):
        assert periode.replace("\u00a0", " ") in clause.replace("\u00a0", " ")
    assert "448" in clause and "448" in texte


@pytest.mark.parametrize(
    ("reserve", "bt71", "bt736"), [("ea_esat", "res-ws", "no"), ("siae", "res-ws", "no"), ("ess", "res-pub-ser", "no")]
)
def test_lot_reserve(tmp_path: Path, reserve: str, bt71: str, bt736: str) -> None:
    lots = (
        "  lots:\n"
        "    - {numero: 1, intitule: Gros œuvre, montant_ht: 50000}\n"
        f"    - {{numero: 2, intitule: Espaces verts, montant_ht: 100000, reserve: {reserve}}}\n"
    )
    type_ = "services" if reserve == "ess" else "travaux"
    cpv = "  cpv: 85311000-2\n" if reserve == "ess" else ""  # social support: a service L. 2113-15 allows
    texte = contrat(montant=150000, type_=type_, marche=lots + "  duree_mois: 24\n" + cpv)
    (premier, second), _ = _fiches(_ecrire(tmp_path, texte))
    assert (premier.identifiant, second.identifiant) == ("LOT-0001", "LOT-0002")
    assert _valeurs(premier, "BT-71-Lot") == ["none"] and _valeurs(premier, "BT-736-Lot") == ["no"]
    assert _valeurs(second, "BT-71-Lot") == [bt71] and _valeurs(second, "BT-736-Lot") == [bt736]
    (code,) = [c for c in second.champs if c.bt == "BT-71-Lot"]
    assert code.code_libelle.startswith("La participation est réservée")


def test_un_marche_reserve_reserve_chacun_de_ses_lots(tmp_path: Path) -> None:
    # Reserved at the contract level, its lots were reserved for eForms (BT-71) but their text took
    # the article from the lot's own context, empty: « marché réservé () » (a review found it).
    lots = (
        "  reserve: siae\n  lots:\n"
        "    - {numero: 1, intitule: Gros œuvre, montant_ht: 50000}\n"
        "    - {numero: 2, intitule: Espaces verts, montant_ht: 100000}\n"
    )
    fiches, _ = _fiches(_ecrire(tmp_path, contrat(montant=150000, marche=lots + "  duree_mois: 24\n")))
    for fiche in fiches:
        assert _valeurs(fiche, "BT-71-Lot") == ["res-ws"]
        (description,) = _valeurs(fiche, "BT-777-Lot")
        assert "()" not in description and "L. 2113-13" in description, description


def test_tranches_optionnelles_en_options(tmp_path: Path) -> None:
    tranches = (
        "  tranches:\n"
        "    - {libelle: Gros œuvre, nature: ferme, montant_ht: 250000}\n"
        "    - {libelle: Préau, nature: optionnelle, montant_ht: 50000}\n"
    )
    (fiche,), _ = _fiches(_ecrire(tmp_path, contrat(marche=tranches)))
    (options,) = _valeurs(fiche, "BT-54-Lot")
    assert "Préau (50\u202f000,00\u00a0€ HT)" in options and "Gros œuvre" not in options


def test_un_texte_trop_long_est_signale(tmp_path: Path) -> None:
    long = "Valeur " + "très " * 100 + "technique"
    criteres = (
        "  criteres:\n"
        "    - {libelle: Prix, ponderation: 50, nature: prix}\n"
        "    - {libelle: Environnement, ponderation: 10, nature: environnement}\n"
        f"    - {{libelle: '{long}', ponderation: 40, nature: qualite}}\n"
    )
    (fiche,), consultation = _fiches(_ecrire(tmp_path, contrat(marche=criteres)))
    (nom,) = [c for c in fiche.champs if c.bt == "BT-734-Lot" and c.valeur == long]
    assert nom.trop_long and nom.maximum == 400
    page = lxml.html.fromstring(fiche_html([fiche], consultation))
    assert any("trop long" in td.text_content() for td in page.xpath("//td[@class='trop-long']"))


def test_page_lisible_sans_javascript_et_json_identique(tmp_path: Path) -> None:
    fiches, consultation = _fiches(DOSSIERS / "roquevaire" / "2026-ac-050-entretien-batiments.yaml")
    donnees = json.loads(fiche_json(fiches, consultation))
    page = lxml.html.fromstring(fiche_html(fiches, consultation))
    assert page.get("lang") == "fr" and donnees["sdk_eforms"] == "1.15.1"
    lignes = page.xpath("//tbody/tr")
    champs = donnees["lots"][0]["champs"]
    assert len(lignes) == len(champs)
    for ligne, champ in zip(lignes, champs, strict=True):
        assert ligne.xpath("string(th)") == champ["bt"]
        zone = ligne.xpath(".//textarea")
        # Each value is in the page itself (selectable, read aloud with its label), buttons only added by script.
        assert (zone[0].text or "" if zone else "") == champ["valeur"]
        if zone:
            assert zone[0].get("readonly") is not None and champ["bt"] in zone[0].get("aria-label")
    assert not page.xpath("//button")


def test_generer_met_la_fiche_dans_le_dossier_le_manifeste_et_le_zip(tmp_path: Path) -> None:
    import zipfile

    sortie = tmp_path / "sortie"
    source = DOSSIERS / "roquevaire" / "2026-ac-050-entretien-batiments.yaml"
    assert CliRunner().invoke(main, ["generer", str(source), "-o", str(sortie), "--zip"]).exit_code == 0
    (dossier,) = sortie.glob("*/*")
    manifeste = json.loads((dossier / "manifest.json").read_text(encoding="utf-8"))
    assert {"fiche-publicite.html", "fiche-publicite.json"} <= set(manifeste["autres_fichiers"])
    (archive,) = dossier.glob("*.zip")
    assert {"fiche-publicite.html", "fiche-publicite.json"} <= set(zipfile.ZipFile(archive).namelist())
    donnees = json.loads((dossier / "fiche-publicite.json").read_text(encoding="utf-8"))
    assert donnees["reference"] == "2026-AC-050"


def test_lot_d_accord_cadre_avec_minimum_et_tranches() -> None:
    premier, _second = _fiches(DOSSIERS / "la-penne-sur-huveaune" / "2026-ac-041-proprete.yaml")[0]
    (clause,) = _valeurs(premier, "BT-70-Lot")
    assert (
        "d’au moins 2,154 heures de travail par tranche de 1\u202f000\u00a0€\u00a0HT de bons de commande exécutés"
        in clause
    )
    assert clause.count("258 heures") == 1 and "Lot n°" not in clause
    (fiche,), _ = _fiches(DOSSIERS / "roquevaire" / "2026-tx-060-groupe-scolaire.yaml")
    (tranches,) = _valeurs(fiche, "BT-70-Lot")
    tranches = tranches.replace("\u00a0", " ")
    assert (
        "tranche optionnelle « Préau et cour couverte »" in tranches
        and "dues seulement si la tranche est affermie" in tranches
    )


def test_un_sous_critere_sans_description_n_a_pas_de_deux_points_vides() -> None:
    (fiche,), _ = _fiches(DOSSIERS / "roquevaire" / "2026-tx-031-ecole.yaml")
    (description,) = _valeurs(fiche, "BT-540-Lot")
    assert " :  ;" not in description and not description.endswith(": .")
