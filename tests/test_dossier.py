"""Whole dossiers: pieces present, reopenable, carrying the same figures; all-or-nothing writing."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import pytest

from clause_kit.commun.erreurs import ErreurModele, ErreurSortie
from clause_kit.commun.formats import nombre, sans_point_final
from clause_kit.dossier.construction import construire, ecrire
from clause_kit.revue.texte import texte as texte_docx
from tests.contrats import A53, A53_SEUL, CRITERES_85, contrat

JOUR = datetime.date(2026, 11, 24)
RACINE = Path(__file__).resolve().parent.parent
ROQUEVAIRE = RACINE / "dossiers" / "roquevaire" / "2026-tx-031-ecole.yaml"
RESTES = re.compile(r"\{\{|\{%|%\}|\}\}|\{#")


def ecrire_contrat(tmp_path: Path, texte: str, nom: str = "contrat.yaml") -> Path:
    chemin = tmp_path / nom
    chemin.write_text(texte, encoding="utf-8")
    return chemin


@pytest.fixture(scope="module")
def dossiers_exemples() -> dict[str, object]:
    fichiers = sorted(p for p in (RACINE / "dossiers").rglob("*.yaml") if not p.name.startswith("_"))
    return {f.stem: construire(f, aujourd_hui=JOUR) for f in fichiers}


@pytest.mark.lent
def test_chaque_exemple_a_au_moins_sept_pieces_lisibles(dossiers_exemples: dict) -> None:
    for nom, construit in dossiers_exemples.items():
        # A reserved contract without an insertion clause has only the avis and the RC.
        sans_clause = not construit.chiffres.heures_total and construit.consultation.insertion.article_53 is None
        assert len(construit.pieces) >= (2 if sans_clause else 7), nom
        for piece in construit.pieces:
            texte = texte_docx(piece.contenu)
            assert not RESTES.search(texte), (nom, piece.nom_fichier, RESTES.search(texte))
            # As typed, but for the French typography of the pieces (’ for ').
            objet = sans_point_final(construit.consultation.marche.objet).replace("'", "\u2019")
            assert objet in texte.replace("\u00a0", " "), (nom, piece.nom_fichier)


def test_fiche_technique_seulement_avec_article_53(dossiers_exemples: dict) -> None:
    for construit in dossiers_exemples.values():
        codes = [p.piece.code for p in construit.pieces]
        assert ("fiche_technique_insertion" in codes) == (construit.consultation.insertion.article_53 is not None)


def test_memes_chiffres_dans_toutes_les_pieces(dossiers_exemples: dict) -> None:
    """Every 'N heures' written in any piece is one of the contract's figures, written identically."""
    motif = re.compile(r"(?<![\d,\u202f])(\d{1,3}(?:\u202f\d{3})*) heures?\b")
    for nom, construit in dossiers_exemples.items():
        chiffres = construit.chiffres
        permis = {nombre(chiffres.heures_total), nombre(chiffres.heures_par_etp)}
        permis |= {nombre(lot.heures) for lot in chiffres.lots}
        permis |= {nombre(lot.repartition[0]) for lot in chiffres.lots if lot.repartition}  # hours shared out
        # An accord-cadre's hours guaranteed by its minimum, in total and lot by lot.
        permis |= {
            nombre(h) for h in [chiffres.heures_garanties, *(lot.heures_garanties for lot in chiffres.lots)] if h
        }
        # The share of each period of a renewable contract and of each tranche.
        permis |= {nombre(p.heures) for p in chiffres.periodes if p.heures is not None}
        permis |= {nombre(t.heures) for t in chiffres.tranches}
        # Article 53: the labour hours and the cap of the hours scored.
        permis |= {
            nombre(h) for _, main_oeuvre, plafond in chiffres.plafond_heures_notees for h in (main_oeuvre, plafond)
        }
        a53 = construit.consultation.insertion.article_53
        if a53 is not None and a53.heures_minimum:
            permis.add(nombre(a53.heures_minimum))
        pieces_avec_total = 0
        for piece in construit.pieces:
            texte = texte_docx(piece.contenu)
            for trouve in motif.findall(texte):
                assert trouve in permis, (nom, piece.nom_fichier, trouve, permis)
            if chiffres.heures_total and f"{nombre(chiffres.heures_total)} heures" in texte:
                pieces_avec_total += 1
        if chiffres.heures_total:
            assert pieces_avec_total >= 3, nom


def test_acte_d_engagement_montant_indicatif_et_heures_en_lettres(dossiers_exemples: dict) -> None:
    """The estimated amount is not a price: labelled as indicative, never in letters; hours in letters."""
    construit = dossiers_exemples["2026-tx-031-ecole"]
    ae = next(p for p in construit.pieces if p.piece.code == "acte_engagement_insertion")
    texte = texte_docx(ae.contenu)
    assert "montant estimatif retenu pour le calcul des heures (indicatif)" in texte.lower()
    assert "1\u202f250\u202f000,00\u00a0€\u00a0HT" in texte
    assert "euros hors taxes" not in texte
    assert "mille quatre cent vingt-neuf" in texte
    assert "signé au plus tard par l’attributaire" in texte
    assert "ou, pour un candidat établi hors de France, identifiant équivalent" in texte


def test_heures_en_lettres_accordees_au_feminin(tmp_path: Path) -> None:
    fichier = ecrire_contrat(tmp_path, contrat(insertion="  article_14: {heures: 541}\n"))
    ae = next(p for p in construire(fichier, aujourd_hui=JOUR).pieces if p.piece.code == "acte_engagement_insertion")
    assert "cinq cent quarante et une heures" in texte_docx(ae.contenu)


def test_references_juridiques_selon_le_regime(dossiers_exemples: dict) -> None:
    ccp = "\n".join(texte_docx(p.contenu) for p in dossiers_exemples["hauts-de-quai"].pieces)
    assert "L.\u00a02112-2" in ccp and "R.\u00a02152-7" in ccp and "code des marchés publics" not in ccp
    ancien = "\n".join(texte_docx(p.contenu) for p in dossiers_exemples["centre-appel"].pieces)
    assert "article 14 du code des marchés publics" in ancien
    assert "L.\u00a02112-2" not in ancien and "code de la commande publique" not in ancien


def test_sections_sans_objet_disparaissent(tmp_path: Path) -> None:
    fichier = ecrire_contrat(
        tmp_path,
        contrat(
            "2026-FO-2",
            "Cuges-les-Pins",
            "Fourniture de mobilier",
            80000,
            type_="fournitures",
            insertion=("  article_14: {heures: 80}\n"),
        ),
    )
    construit = construire(fichier, aujourd_hui=JOUR)
    tout = "\n".join(texte_docx(p.contenu) for p in construit.pieces)
    assert "Lot n°" not in tout
    assert "sous-critère" not in tout.lower()
    assert "fiche_technique_insertion" not in [p.piece.code for p in construit.pieces]


def test_objet_avec_caracteres_speciaux_reproduit_a_l_identique(tmp_path: Path) -> None:
    objet = 'Travaux « cour <nord> » & préau – tranche 2 : l\'école ; 100 % "neuf"'
    fichier = ecrire_contrat(
        tmp_path,
        contrat(
            "A-1",
            "Auriol",
            objet.replace(chr(39), chr(39) * 2),
            500000,
            marche=CRITERES_85,
            insertion=("  article_14: {pourcentage: 5}\n" + A53),
        ),
    )
    construit = construire(fichier, aujourd_hui=JOUR)
    # As typed, but for the French typography: no-break spaces before « : ; » and in « », ’ for '.
    for piece in construit.pieces:
        assert objet.replace("'", "\u2019") in texte_docx(piece.contenu).replace("\u00a0", " "), piece.nom_fichier


def test_ecriture_manifeste_et_refus_sans_force(tmp_path: Path) -> None:
    construit = construire(ROQUEVAIRE, aujourd_hui=JOUR)
    cible = ecrire(construit, tmp_path / "sortie")
    assert cible == (tmp_path / "sortie" / "roquevaire" / "2026-tx-031").resolve()
    manifeste = json.loads((cible / "manifest.json").read_text(encoding="utf-8"))
    assert manifeste["source"]["sha256"] == construit.sha256_source
    assert [p["fichier"] for p in manifeste["pieces"]] == sorted(p.name for p in cible.glob("*.docx"))
    assert all(len(p["sha256"]) == 64 and len(p["sha256_modele"]) == 64 for p in manifeste["pieces"])
    avant = {p.name: p.read_bytes() for p in cible.iterdir()}
    with pytest.raises(ErreurSortie, match="--force"):
        ecrire(construit, tmp_path / "sortie")
    assert {p.name: p.read_bytes() for p in cible.iterdir()} == avant
    ecrire(construit, tmp_path / "sortie", force=True)
    assert sorted(p.name for p in cible.iterdir()) == sorted(avant)
    assert not [p for p in cible.parent.iterdir() if p.name.startswith(".")]


def test_echec_pendant_l_ecriture_ne_laisse_rien(tmp_path: Path) -> None:
    construit = construire(ROQUEVAIRE, aujourd_hui=JOUR)

    def complement_en_echec(dossier: Path, _construit: object) -> None:
        raise ErreurModele("échec simulé après l'écriture des pièces")

    with pytest.raises(ErreurModele):
        ecrire(construit, tmp_path / "sortie", complements=[complement_en_echec])
    assert not (tmp_path / "sortie" / "roquevaire").exists()  # not even an empty commune folder


def test_echec_avec_force_garde_l_ancien_dossier(tmp_path: Path) -> None:
    construit = construire(ROQUEVAIRE, aujourd_hui=JOUR)
    cible = ecrire(construit, tmp_path / "sortie")
    avant = {p.name: p.read_bytes() for p in cible.iterdir()}

    def complement_en_echec(dossier: Path, _construit: object) -> None:
        raise ErreurModele("échec simulé")

    with pytest.raises(ErreurModele):
        ecrire(construit, tmp_path / "sortie", force=True, complements=[complement_en_echec])
    assert {p.name: p.read_bytes() for p in cible.iterdir()} == avant


@pytest.mark.lent
def test_pieces_converties_par_libreoffice(dossiers_exemples: dict, tmp_path: Path) -> None:
    """Each piece of two contrasting examples opens in LibreOffice and keeps its text in PDF."""
    from pypdf import PdfReader

    from clause_kit.dossier.pdf import convertir_en_pdf

    entrees, attendus = [], []
    for nom in ("2026-tx-031-ecole", "centre-appel"):
        construit = dossiers_exemples[nom]
        for piece in construit.pieces:
            chemin = tmp_path / nom / piece.nom_fichier
            chemin.parent.mkdir(exist_ok=True)
            chemin.write_bytes(piece.contenu)
            entrees.append(chemin)
            attendus.append(construit.consultation.marche.reference)
    pdfs = convertir_en_pdf(entrees, tmp_path / "pdf")
    assert len(pdfs) == len(entrees)
    for pdf, reference in zip(pdfs, attendus, strict=True):
        lecteur = PdfReader(str(pdf))
        texte = "".join(page.extract_text() or "" for page in lecteur.pages)
        assert len(lecteur.pages) >= 1
        assert reference in texte, pdf.name
        assert "{{" not in texte and "{%" not in texte


@pytest.mark.parametrize("regime", ["ccp", "cmp2006"])
@pytest.mark.parametrize("articles", ["article_14: {pourcentage: 5}", "a53", "both"])
def test_chaque_dossier_cite_les_deux_fondements_du_regime(tmp_path: Path, regime: str, articles: str) -> None:
    """Whatever the clauses chosen, the RC says on which legal basis insertion is (or is not) used."""
    bloc = {"both": "  article_14: {pourcentage: 5}\n" + A53, "a53": A53_SEUL}.get(articles, f"  {articles}\n")
    texte = contrat(
        "G-7",
        "Gémenos",
        "Entretien des espaces verts",
        200000,
        type_="services",
        marche=CRITERES_85 if "article_53" in bloc else "",
        insertion=f"  regime: {regime}\n{bloc}",
    )
    if regime == "cmp2006":  # a reproduction keeps the launch date of its time
        texte = texte.replace("2026-10-01", "2009-03-02")
    fichier = ecrire_contrat(tmp_path, texte)
    tout = "\n".join(texte_docx(p.contenu) for p in construire(fichier, aujourd_hui=JOUR).pieces)
    if regime == "ccp":
        assert "L.\u00a02112-2" in tout and "R.\u00a02152-7" in tout
        assert "code des marchés publics" not in tout
    else:
        assert "article 14 du code des marchés publics" in tout and "article 53 du code des marchés publics" in tout
        assert "code de la commande publique" not in tout and "L.\u00a02112-2" not in tout


def test_le_dossier_suit_le_umask(tmp_path: Path) -> None:
    import os
    import stat

    ancien = os.umask(0o002)
    try:
        cible = ecrire(construire(ROQUEVAIRE, aujourd_hui=JOUR), tmp_path / "sortie")
    finally:
        os.umask(ancien)
    assert stat.S_IMODE(cible.stat().st_mode) == 0o775


def test_liste_des_pieces_lue_comme_un_fichier_de_marche(tmp_path: Path) -> None:
    import os

    from clause_kit.commun.erreurs import ErreurDonnees
    from clause_kit.rendu.pieces import charger_pieces

    tube = tmp_path / "tube"
    tube.mkdir()
    os.mkfifo(tube / "pieces.yaml")  # read as before, it would wait for a writer for ever
    with pytest.raises(ErreurDonnees, match="pieces.yaml : liste des pièces illisible \\(c'est un tube"):
        charger_pieces(tube)
    alias = tmp_path / "alias"
    alias.mkdir()
    (alias / "pieces.yaml").write_text("a: &a [x]\npieces: *a\n", encoding="utf-8")
    with pytest.raises(ErreurDonnees, match="alias"):
        charger_pieces(alias)
