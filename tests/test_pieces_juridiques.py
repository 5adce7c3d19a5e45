"""What a commune's legal service reads line by line before signing: each rule checked in the pieces."""

from __future__ import annotations

import datetime
import json
import re
import zipfile
from pathlib import Path

from click.testing import CliRunner

from clause_kit.cli import main
from clause_kit.dossier.construction import DossierConstruit, construire
from clause_kit.revue.texte import texte as texte_docx
from tests.contrats import A53, A53_SEUL, CRITERES_85, contrat

JOUR = datetime.date(2026, 11, 24)
RACINE = Path(__file__).resolve().parent.parent


def dossier(tmp_path: Path, texte: str, **options: object) -> DossierConstruit:
    fichier = tmp_path / "marche.yaml"
    fichier.write_text(texte, encoding="utf-8")
    return construire(fichier, aujourd_hui=JOUR, **options)  # type: ignore[arg-type]


def piece(construit: DossierConstruit, code: str) -> str:
    texte = next(texte_docx(p.contenu) for p in construit.pieces if p.piece.code == code)
    return texte.replace("\u00a0", " ").replace("\u202f", " ")


def toutes(construit: DossierConstruit) -> str:
    return "\n".join(texte_docx(p.contenu) for p in construit.pieces).replace("\u00a0", " ").replace("\u202f", " ")


def test_paragraphe_rgpd(tmp_path: Path) -> None:
    ccap = piece(dossier(tmp_path, contrat()), "ccap_clauses")
    assert "Responsable du traitement : la Commune de Cassis." in ccap
    assert "article 6, paragraphe 1, point e, du RGPD" in ccap and "ne sont pas parties au marché" in ccap
    assert "données concernant la santé (article 9 du RGPD)" in ccap
    assert "sous-traitant de l’acheteur (article 28 du RGPD)" in ccap
    assert "jusqu’au plus tardif des deux termes suivants : 2 ans après la fin du dernier contrat de travail" in ccap
    assert "le règlement définitif du solde du marché" in ccap
    assert "point b) du paragraphe 2 de l’article 9 du RGPD" in ccap and "pension d’invalidité" in ccap
    assert "responsable conjoint du traitement (article 26)" in ccap
    assert "Délégué à la protection des données : [À COMPLÉTER" in ccap
    assert "nécessaire à l’exécution du marché" not in ccap and "délai de garantie" not in ccap


def test_article_du_responsable_du_traitement(tmp_path: Path) -> None:
    texte = contrat().replace("nom: Commune de Cassis,", "nom: Syndicat mixte du Garlaban,")
    assert "Responsable du traitement : le Syndicat mixte du Garlaban." in piece(
        dossier(tmp_path, texte), "ccap_clauses"
    )
    texte = contrat().replace("nom: Commune de Cassis,", "nom: 13 Habitat,")
    assert "Responsable du traitement : l’acheteur, 13 Habitat." in piece(dossier(tmp_path, texte), "ccap_clauses")
    texte = contrat().replace("nom: Commune de Cassis,", "nom: Habitat Marseille Provence, article: l',")
    assert "Responsable du traitement : l’Habitat Marseille Provence." in piece(
        dossier(tmp_path, texte), "ccap_clauses"
    )


def test_penalites_plafond_fiche_smic_et_derogation_au_ccag(tmp_path: Path) -> None:
    texte = contrat(
        insertion="  penalite: {multiple_smic: 2, smic: constat, plafond_pourcentage: 5, par_fiche_manquante: 80}\n"
        "  article_14: {pourcentage: 7}\n"
    )
    ccap = piece(dossier(tmp_path, texte), "ccap_clauses")
    assert "pénalité égale à deux fois le SMIC horaire brut en vigueur à la date du bilan final" in ccap
    assert "(à titre indicatif : 24,04 € sur la base du SMIC de 12,02 € en vigueur au 1er janvier 2026)" in ccap
    assert "dans la limite de 5 % du montant total hors taxes du marché" in ccap
    assert "80,00 € par fiche manquante" in ccap
    assert "prévus par les articles 19.2.2 et 19.2.1 du CCAG-Travaux 2021" in ccap
    rc = piece(dossier(tmp_path, texte), "reglement_consultation")
    assert "deux fois le SMIC horaire brut" in rc and "dans la limite de 5 % du montant total hors taxes" in rc
    assert "Dérogations au CCAG-Travaux 2021" in ccap
    sans_ccag = piece(dossier(tmp_path, contrat(marche="  ccag: aucun\n")), "ccap_clauses")
    assert "ne se réfère à aucun cahier des clauses administratives générales" in sans_ccag
    assert "Dérogations" not in sans_ccag and "CCAG" not in sans_ccag


def test_article_ccag_cite_selon_le_ccag_choisi(tmp_path: Path) -> None:
    services = contrat(type_="services", montant=150000)
    assert "article 16.1 du CCAG-FCS 2021" in piece(dossier(tmp_path, services), "ccap_clauses")
    pi = contrat(type_="services", montant=150000, marche="  ccag: pi\n")
    assert "article 16.1 du CCAG-PI 2021" in piece(dossier(tmp_path, pi), "ccap_clauses")
    assert "article 20.1 du CCAG-Travaux 2021" in piece(dossier(tmp_path, contrat()), "ccap_clauses")


def test_procedure_de_carence(tmp_path: Path) -> None:
    ccap = piece(dossier(tmp_path, contrat()), "ccap_clauses")
    assert "constat de carence" in ccap and "quinze jours pour lui présenter des candidats" in ccap
    assert "reporter ces heures" in ccap and "modification du marché" in ccap


def test_options_de_la_clause(tmp_path: Path) -> None:
    defaut = piece(dossier(tmp_path, contrat()), "ccap_clauses")
    assert "Globalisation des heures" not in defaut and "attestation écrite d’éligibilité" in defaut
    assert "ne sont pas comptabilisées" in defaut
    texte = contrat(
        insertion="  globalisation: true\n  attestation_eligibilite: false\n  heures_formation: true\n"
        "  article_14: {pourcentage: 7}\n"
    )
    ccap = piece(dossier(tmp_path, texte), "ccap_clauses")
    assert "Globalisation des heures" in ccap and "convention conclue avec le facilitateur" in ccap
    assert "attestation écrite" not in ccap
    assert (
        "contrat d’apprentissage ou de professionnalisation conclu pour l’exécution du marché sont comptabilisées"
        in ccap
    )


def test_mise_a_disposition_contrat_de_mise_a_disposition_et_structures_du_ccag(tmp_path: Path) -> None:
    ccap = piece(dossier(tmp_path, contrat()), "ccap_clauses")
    assert "contrat de mise à disposition ou de mission" not in ccap
    assert "copie du contrat de mise à disposition conclu avec la structure" in ccap
    assert "entreprise adaptée de travail temporaire (EATT)" in ccap and "régie de quartier ou de territoire" in ccap


def test_etp_sur_un_an_pluriel_et_par_an(tmp_path: Path) -> None:
    texte = contrat(insertion="  article_14: {heures: 4821}\n", marche="  duree_mois: 36\n")
    avis = piece(dossier(tmp_path, texte), "avis_publicite")
    assert "soit l’équivalent de 3,00 emplois à temps plein sur un an (1 ETP = 1 607 heures)" in avis
    assert "soit environ 1,00 ETP par an sur la durée du marché (36 mois)" in avis
    un = piece(dossier(tmp_path, contrat(insertion="  article_14: {heures: 1429}\n")), "avis_publicite")
    assert "0,89 emploi à temps plein sur un an" in un and "emplois" not in un


def test_lot_sans_clause(tmp_path: Path) -> None:
    lots = (
        "  lots:\n"
        "    - {numero: 1, intitule: Gros œuvre, montant_ht: 200000}\n"
        "    - {numero: 2, intitule: Peinture, montant_ht: 60000}\n"
        "    - {numero: 3, intitule: Ascenseur, montant_ht: 40000, insertion: {heures: 0}}\n"
    )
    construit = dossier(tmp_path, contrat(marche=lots))
    rc = piece(construit, "reglement_consultation")
    assert "la clause d’insertion s’applique aux lots n° 1 et 2" in rc
    assert "soumissionne à un lot comportant une clause d’insertion (lots n° 1 et 2)" in rc
    assert "aucun acte d’engagement spécifique n’est demandé pour un lot sans clause d’insertion" in rc
    assert "Total (pour information)" in rc and "le titulaire de chaque lot doit les heures de son lot" in rc
    assert "s’applique aux lots n° 1 et 2 seulement" in piece(construit, "avis_publicite")
    fiche = piece(construit, "fiche_suivi_public")
    assert "Lot n° 1 – Gros œuvre" in fiche and "Ascenseur" not in fiche
    ae = piece(construit, "acte_engagement_insertion")
    assert "Lot n° 3" not in ae and "les autres lots ne comportent pas de clause d’insertion" in ae


def test_article_53_seul_le_ccap_ne_pretend_pas_fixer_les_heures(tmp_path: Path) -> None:
    sous = (
        "    sous_criteres:\n"
        "      - {libelle: Heures proposées, ponderation: 8, heures: true}\n"
        "      - {libelle: Tutorat, ponderation: 7}\n"
    )
    note = contrat(marche=CRITERES_85, insertion="  article_53:\n    ponderation: 15\n" + sous)
    construit = dossier(tmp_path, note)
    ccap = piece(construit, "ccap_clauses")
    assert "Nombre d’heures d’insertion dues" not in ccap
    assert "le volume horaire d’insertion à la charge du titulaire est celui de sa fiche technique" in ccap
    assert "le nombre d’heures proposé est apprécié au titre du sous-critère n° 1 « Heures proposées »" in (
        piece(construit, "reglement_consultation")
    )
    assert "calculer le nombre d’heures" not in piece(construit, "acte_engagement_insertion")
    plancher = contrat(marche=CRITERES_85, insertion=A53_SEUL.replace("200", "250"))
    construit = dossier(tmp_path, plancher)
    assert "ne peut être inférieur à 250 heures : une offre qui s’engage sur un nombre inférieur est irrégulière" in (
        piece(construit, "reglement_consultation")
    )
    assert "qui ne peut être inférieur à 250 heures" in piece(construit, "ccap_clauses")


def test_article_53_seul_sans_plancher_ni_sous_critere_des_heures_refuse(tmp_path: Path) -> None:
    fichier = tmp_path / "marche.yaml"
    sans_plancher = A53_SEUL.replace("    heures_minimum: 200\n", "")
    fichier.write_text(contrat(marche=CRITERES_85, insertion=sans_plancher), encoding="utf-8")
    resultat = CliRunner().invoke(main, ["verifier", str(fichier)])
    assert resultat.exit_code == 1
    assert "insertion.article_53: article 53 seul : fixer un minimum d'heures" in resultat.output


def test_article_53_seul_allote_chaque_lot_est_couvert(tmp_path: Path) -> None:
    lots = CRITERES_85 + (
        "  lots:\n    - {numero: 1, intitule: Nord, montant_ht: 200000}\n"
        "    - {numero: 2, intitule: Sud, montant_ht: 100000}\n"
    )
    seul = A53_SEUL.replace("heures_minimum: 200", "heures_minimum: 40")
    construit = dossier(tmp_path, contrat(marche=lots, insertion=seul))
    tout = toutes(construit)
    assert "s'applique  " not in tout and "s'applique ." not in tout and "dont  " not in tout
    assert "Lot n° 1 – Nord" in piece(construit, "fiche_suivi_public")
    assert "40 heures par lot" in piece(construit, "reglement_consultation")


def test_ponctuation_normalisee_une_seule_fois(tmp_path: Path) -> None:
    sous = (
        "  article_53:\n    ponderation: 15\n    sous_criteres:\n"
        "      - {libelle: Tutorat., ponderation: 15, description: Le tuteur désigné.}\n"
    )
    texte = contrat(
        objet="Réfection de la toiture.", marche=CRITERES_85, insertion=sous + "  article_14: {heures: 300}\n"
    )
    tout = toutes(dossier(tmp_path, texte))
    assert ".." not in tout.replace("...", "") and ". ;" not in tout
    assert "Réfection de la toiture" in tout and "Réfection de la toiture." not in tout.replace(
        "Réfection de la toiture.\n", ""
    )
    assert re.search(r"Tutorat \(15 %\) : le tuteur désigné\.\n", tout)  # a one-item list ends with a period


def test_regime_cmp2006_chaque_piece_dit_qu_elle_reproduit_un_ancien_dossier(tmp_path: Path) -> None:
    ancien = contrat(insertion="  regime: cmp2006\n  article_14: {pourcentage: 7}\n").replace(
        "2026-10-01", "2008-03-03"
    )
    construit = dossier(tmp_path, ancien)
    for p in construit.pieces:
        assert "Reproduction d’un dossier antérieur au 1er avril 2016" in texte_docx(p.contenu), p.nom_fichier
    assert "loi n° 78-17 du 6 janvier 1978" in piece(construit, "ccap_clauses")
    assert "RGPD" not in piece(construit, "ccap_clauses")


def test_exemples_2026_d_aubagne_nomment_la_metropole() -> None:
    for fichier in sorted((RACINE / "dossiers" / "aubagne").glob("[!_]*.yaml")):
        construit = construire(fichier, aujourd_hui=JOUR)
        nom = construit.consultation.acheteur.nom
        if construit.chiffres.date_lancement.year >= 2016 and "Ville" not in nom:
            assert nom.startswith("Métropole d'Aix-Marseille-Provence"), fichier.name
        assert "Communauté d'agglomération" not in nom or construit.chiffres.date_lancement.year < 2016


def test_brouillon_surligne_les_valeurs_par_defaut(tmp_path: Path) -> None:
    texte = contrat().replace("  procedure: adaptee\n", "")
    fichier = tmp_path / "marche.yaml"
    fichier.write_text(texte, encoding="utf-8")
    refus = CliRunner().invoke(main, ["generer", str(fichier), "-o", str(tmp_path / "s")])
    assert refus.exit_code == 1 and "marche.procedure: procédure non indiquée" in refus.output
    resultat = CliRunner().invoke(main, ["generer", str(fichier), "-o", str(tmp_path / "s"), "--brouillon"])
    assert resultat.exit_code == 0, resultat.output
    cible = tmp_path / "s" / "cassis" / "t-1"
    assert json.loads((cible / "manifest.json").read_text(encoding="utf-8"))["brouillon"] is True
    surlignes = _surlignes(cible / "04-ccap-clauses-insertion.docx")
    assert "par heure d’insertion non réalisée" in " ".join(surlignes)  # the default penalty
    assert any("Demandeurs d’emploi de longue durée" in s for s in surlignes)  # the default publics
    assert "procédure adaptée" in _surlignes(cible / "01-avis-publicite.docx")
    propre = construire(RACINE / "dossiers" / "roquevaire" / "2026-tx-031-ecole.yaml", aujourd_hui=JOUR)
    # Outside a draft, only what a lawyer must still check is highlighted: « [À VÉRIFIER : …] ».
    for p in propre.pieces:
        chemin = tmp_path / p.nom_fichier
        chemin.write_bytes(p.contenu)
        assert all(s.startswith("[À VÉRIFIER") for s in _surlignes(chemin)), p.nom_fichier


def _surlignes(docx: Path) -> list[str]:
    xml = zipfile.ZipFile(docx).read("word/document.xml").decode("utf-8")
    return [
        "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", run))
        for run in re.findall(r"<w:r>(?:(?!</w:r>).)*</w:r>", xml)
        if "w:highlight" in run
    ]


def test_fait_a_la_commune_avec_sa_preposition(tmp_path: Path) -> None:
    texte = contrat().replace(
        "nom: Commune de Cassis, commune: Cassis", "nom: Commune du Beausset, commune: Le Beausset"
    )
    assert "Au Beausset, le" in piece(dossier(tmp_path, texte), "acte_engagement_insertion")


def test_etp_sur_un_marche_court_et_base_de_l_acheteur(tmp_path: Path) -> None:
    court = contrat(insertion="  article_14: {heures: 803}\n", marche="  duree_mois: 6\n")
    avis = piece(dossier(tmp_path, court), "avis_publicite")
    assert "soit environ 1,00 emploi à temps plein pendant les 6 mois du marché" in avis
    assert "ETP par an" not in avis
    base = contrat(insertion="  heures_par_etp: 1820\n  article_14: {heures: 1820}\n")
    rc = piece(dossier(tmp_path, base), "reglement_consultation")
    assert "1 820 heures (base retenue par l’acheteur ; la durée légale annuelle d’un emploi à temps plein" in rc


def test_globalisation_reprise_dans_le_rc_et_la_fiche_de_suivi(tmp_path: Path) -> None:
    construit = dossier(tmp_path, contrat(insertion="  globalisation: true\n  article_14: {pourcentage: 7}\n"))
    assert "sous réserve de l’article « Globalisation des heures » du CCAP" in piece(
        construit, "reglement_consultation"
    )
    assert "sous réserve de la convention de globalisation" in piece(construit, "fiche_suivi_public")


def test_derogation_au_ccag_moe_grammaticale_et_signalee(tmp_path: Path) -> None:
    fichier = tmp_path / "marche.yaml"
    fichier.write_text(contrat(type_="services", montant=150000, marche="  ccag: moe\n"), encoding="utf-8")
    ccap = piece(construire(fichier, aujourd_hui=JOUR), "ccap_clauses")
    assert (
        "prévus par l’article 16.2.2 du CCAG-MOE 2021 (plafond) et les stipulations de ce CCAG relatives à "
        "l’exonération des pénalités de retard"
    ) in ccap
    assert "les article " not in ccap
    donnees = json.loads(CliRunner().invoke(main, ["verifier", str(fichier), "--format", "json"]).output)
    assert any("CCAG-MOE 2021" in a and "vérifiez-les" in a for a in donnees["avertissements"])


def test_condition_sociale_obligatoire_citee_au_dela_du_seuil(tmp_path: Path) -> None:
    texte = contrat(montant=900000, type_="services").replace("procedure: adaptee", "procedure: appel_offres_ouvert")
    avis = piece(dossier(tmp_path, texte), "avis_publicite")
    assert "articles L. 2112-2, L. 2112-2-1 et L. 2112-3 du code de la commande publique" in avis
    avant = texte.replace("2026-10-01", "2026-05-04")
    assert "L. 2112-2-1" not in piece(dossier(tmp_path, avant), "avis_publicite")


def test_sous_criteres_par_defaut_refuses_sauf_brouillon_en_pourcentages_entiers(tmp_path: Path) -> None:
    fichier = tmp_path / "marche.yaml"
    fichier.write_text(
        contrat(
            marche=CRITERES_85, insertion="  article_14: {pourcentage: 7}\n  article_53: {ponderation: 10}\n"
        ).replace("ponderation: 60, nature: prix", "ponderation: 65, nature: prix"),
        encoding="utf-8",
    )
    refus = CliRunner().invoke(main, ["generer", str(fichier), "-o", str(tmp_path / "s")])
    assert refus.exit_code == 1 and "insertion.article_53.sous_criteres: sous-critères non indiqués" in refus.output
    construit = construire(fichier, aujourd_hui=JOUR, brouillon=True)
    assert [str(sc.ponderation) for sc in construit.chiffres.sous_criteres] == ["4", "3", "3"]
    entete = texte_docx(construit.pieces[0].contenu)
    assert "PROJET – ne pas publier – Commune de Cassis" in entete


def test_dpo_a_completer_et_avertissement_de_publication(tmp_path: Path) -> None:
    fichier = tmp_path / "marche.yaml"
    fichier.write_text(contrat(), encoding="utf-8")
    donnees = json.loads(CliRunner().invoke(main, ["verifier", str(fichier), "--format", "json"]).output)
    assert any(a.startswith("pièces non publiables en l'état") and "délégué" in a for a in donnees["avertissements"])
    avec = contrat().replace("commune: Cassis}", "commune: Cassis, dpo: dpo@cassis.example}")
    ccap = piece(dossier(tmp_path, avec), "ccap_clauses")
    assert "Délégué à la protection des données : dpo@cassis.example." in ccap


def test_reproduction_cmp2006_sans_anachronisme(tmp_path: Path) -> None:
    ancien = contrat(marche=CRITERES_85, insertion="  regime: cmp2006\n  article_14: {pourcentage: 7}\n" + A53)
    construit = dossier(tmp_path, ancien.replace("2026-10-01", "2008-03-03"))
    # The follow-up sheet lists today's national codes of the register: not part of the reproduction.
    tout = "\n".join(texte_docx(p.contenu) for p in construit.pieces if p.piece.code != "fiche_suivi_public")
    assert "Conseil d'État" not in tout and "EATT" not in tout and "RGPD" not in tout
    assert "récapitulées au dernier article" not in tout and "Dérogations" not in tout
