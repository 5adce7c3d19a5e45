"""``clause-kit bilan`` end to end: the seed's figures, a register of known totals, the published files."""

from __future__ import annotations

import datetime
import io
import json
import shutil
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from pypdf import PdfReader

from tests.suivi_commun import bilan, bilan_json, importer, ligne
from tests.tableur import remplir

RACINE = Path(__file__).resolve().parent.parent
AUBAGNE = RACINE / "dossiers" / "aubagne"


def par_code(rangees: list[dict[str, Any]], cle: str = "code") -> dict[str, dict[str, Any]]:
    return {r[cle]: r for r in rangees}


# --- the seed's 2007-2008 report, through the real import -------------------------------


@pytest.fixture(scope="module")
def seed() -> dict[str, Any]:
    return bilan_json(str(AUBAGNE))


def test_le_bilan_2007_2008_de_la_presentation(seed: dict[str, Any]) -> None:
    assert seed["periode"] == {"du": "2007-01-01", "au": "2008-12-31", "libelle": "2007-2008"}
    assert seed["personnes"] == 37
    assert seed["etp"] == pytest.approx(19, abs=0.5) and seed["diviseur_etp"] == 1607
    assert seed["cdi"] >= 5
    articles = par_code(seed["par_article"])
    assert articles["14"]["etp"] == pytest.approx(10, abs=0.5)  # article 14 alone
    assert articles["14_53"]["etp"] == pytest.approx(9, abs=0.5)  # the waste-site contract
    assert articles["14_53"]["marches"] == 1
    assert 25 <= seed["marches"] <= 35  # « une trentaine de marchés »
    jeunes = par_code(seed["par_tranche_age"])["moins_26"]["personnes"]
    assert jeunes > seed["personnes"] / 2  # « essentiellement des jeunes »
    types = {m["type"] for m in seed["detail_marches"]}
    assert types == {"travaux", "services"}
    donneurs = {d["nom"] for d in seed["par_donneur_ordre"]}
    assert donneurs == {"Communauté d'agglomération du Pays d'Aubagne et de l'Étoile", "Ville d'Aubagne"}


def test_les_types_de_contrat_comptent_les_personnes_qui_en_ont_eu_un(seed: dict[str, Any]) -> None:
    """« 5 CDI »: the people who held a CDI, recounted from the paths; the contracts and hours add up."""
    for cle, champ in (("par_type_contrat", "type_contrat"), ("par_modalite", "modalite")):
        for rangee in seed[cle]:
            contrats = [(p["participant"], c[champ]) for p in seed["parcours"] for c in p["contrats"]]
            titulaires = {participant for participant, valeur in contrats if valeur == rangee["code"]}
            assert rangee["personnes"] == len(titulaires), (cle, rangee["code"])
        assert sum(r["contrats_travail"] for r in seed[cle]) == seed["contrats_travail"], cle
        assert sum(r["heures_realisees"] for r in seed[cle]) == pytest.approx(seed["heures_realisees"]), cle
    assert par_code(seed["par_type_contrat"])["cdi"]["personnes"] >= 5
    texte = bilan(str(AUBAGNE)).output
    assert "Par type de contrat (une personne peut relever de plusieurs)" in texte
    assert "  CDI : 5 personne(s), 5 contrat(s)" in texte


def test_les_heures_a_venir_de_2007_2008_ignorent_les_marches_lances_depuis(seed: dict[str, Any]) -> None:
    """The 2026 example contracts of the same folder were not known at the end of 2008."""
    prevision = seed["prevision"]
    couverts = [*prevision["par_marche"], *prevision["sans_dates"]]
    assert couverts and not [m["reference"] for m in couverts if not m["reference"].startswith(("2007-", "2008-"))]
    assert prevision["sans_dates"] == [] and max(m["mois"] for m in prevision["par_mois"]) < "2011-01"
    # The months make exactly the hours still due of the contracts covered: due less done, per contract.
    detail = {m["reference"]: m for m in seed["detail_marches"]}
    dues = sum(detail[m["reference"]]["heures_dues"] - detail[m["reference"]]["heures_realisees"] for m in couverts)
    assert prevision["heures_restantes"] == pytest.approx(dues)
    assert sum(m["heures_restantes"] for m in couverts) == pytest.approx(dues)
    assert sum(m["heures"] for m in prevision["par_mois"]) == pytest.approx(dues)
    assert "2026-SV-DECH" not in bilan(str(AUBAGNE)).output
    # A period that includes their launch announces them (without dates: listed apart).
    en_2026 = bilan_json(str(AUBAGNE), "--annee", "2026")["prevision"]
    assert {s["reference"] for s in en_2026["sans_dates"]} == {"2026-SV-DECH", "2026-TX-FDM", "2026-SV-SECU"}


def test_le_json_se_lit_une_cle_et_une_personne_par_ligne(seed: dict[str, Any]) -> None:
    sortie = bilan(str(AUBAGNE), "--format", "json").stdout
    assert json.loads(sortie) == seed
    lignes = sortie.splitlines()
    assert lignes[1].startswith('  "periode": {') and '  "personnes": 37,' in lignes
    debut = lignes.index('  "parcours": [')
    assert all(json.loads(x.strip().rstrip(","))["participant"] for x in lignes[debut + 1 : debut + 1 + 37])


def test_les_chiffres_baissent_quand_on_retire_des_fiches(seed: dict[str, Any], tmp_path: Path) -> None:
    copie = tmp_path / "aubagne"
    shutil.copytree(AUBAGNE, copie)
    fiches = copie / "2007-2008" / "suivi"
    for fiche in fiches.glob("2007-sv-dech-*"):
        fiche.unlink()
    sans_dechetteries = bilan_json(str(copie))
    assert sans_dechetteries["etp"] == pytest.approx(seed["etp"] - 9, abs=0.1)
    assert sans_dechetteries["personnes"] < seed["personnes"]
    assert par_code(sans_dechetteries["par_article"])["14_53"]["heures_realisees"] == 0
    for fiche in fiches.glob("2008-*"):
        fiche.unlink()
    encore = bilan_json(str(copie))
    assert encore["etp"] < sans_dechetteries["etp"] and encore["cdi"] < seed["cdi"]
    assert encore["personnes"] < sans_dechetteries["personnes"]


def test_generer_ne_prend_pas_les_fiches_pour_des_marches() -> None:
    from clause_kit.lot.selection import collecter

    fichiers, refuses = collecter([AUBAGNE])
    assert refuses == [] and all(f.suffix == ".yaml" for f in fichiers)
    assert not any("suivi" in f.parts for f in fichiers) and len(fichiers) >= 30


# --- a register of known totals, filled from sheets that are not in the repository ----------

# The Cuges contract of the follow-up tests: lot 1 owes 800 h, lot 2 267 h, 20 € per missing
# hour, executed from February to November 2026.
LIGNES = [
    *(
        ligne(f"CUG-{n:03d}", mois=datetime.date(2026, m, 1), heures=50, sexe="Femme" if n <= 5 else "Homme")
        for n in range(1, 7)
        for m in (3, 4)
    ),
    ligne(
        "CUG-007",
        lot=2,
        sexe="Homme",
        publics="deld",
        heures="35,5",
        type_contrat="Intérim",
        modalite="Mise à disposition",
        siret_employeur="73282932000074",
    ),
    ligne(
        "CUG-008",
        lot=2,
        sexe="Homme",
        mois=datetime.date(2026, 4, 1),
        heures=20,
        sortie="Emploi durable",
        fin_contrat=datetime.date(2026, 4, 30),
    ),
]
TOTAL = 600 + 35.5 + 20


@pytest.fixture
def base(contrat: Path, vierge: bytes, tmp_path: Path) -> Path:
    base = tmp_path / "suivi.sqlite"
    fiche = remplir(vierge, LIGNES, tmp_path / "fiche.xlsx", titulaire="Bâtiments du Garlaban", siret="73282932000074")
    assert importer(base, contrat, fiche).exit_code == 0
    return base


def test_chaque_tableau_fait_les_totaux_connus(base: Path) -> None:
    resultat = bilan_json("--base", str(base), "--du", "2026-02-01", "--au", "2026-04-30")
    assert (resultat["personnes"], resultat["contrats_travail"], resultat["heures_realisees"]) == (8, 8, TOTAL)
    assert resultat["etp"] == round(TOTAL / 1607, 2) and resultat["entreprises"] == 1
    for cle in ("par_sexe", "par_tranche_age", "par_modalite", "par_type_contrat", "par_donneur_ordre", "par_article"):
        assert sum(r["heures_realisees"] for r in resultat[cle]) == pytest.approx(TOTAL), cle
        assert sum(r["personnes"] for r in resultat[cle]) == 8, cle
    assert sum(m["heures_realisees"] for m in resultat["par_mois"]) == pytest.approx(TOTAL)
    assert sum(p["heures_realisees"] for p in resultat["parcours"]) == pytest.approx(TOTAL)
    (marche,) = resultat["detail_marches"]
    assert marche["heures_periode"] == TOTAL and marche["heures_dues"] == 1067
    assert [lot["heures_periode"] for lot in marche["lots"]] == [600, 55.5]
    assert resultat["sorties"]["emploi_durable"] == 1 and resultat["sorties"]["dynamiques"] == 1
    # Exact counts in the JSON, and said so.
    assert par_code(resultat["par_sexe"])["m"]["personnes"] == 3 and "exactes" in resultat["donnees"]


def test_la_vue_a_venir_fait_les_heures_encore_dues(base: Path) -> None:
    resultat = bilan_json("--base", str(base), "--du", "2026-02-01", "--au", "2026-04-30")
    prevision = resultat["prevision"]
    assert prevision["heures_restantes"] == pytest.approx(1067 - TOTAL)
    assert [m["mois"] for m in prevision["par_mois"]] == [f"2026-{m:02d}" for m in range(5, 12)]
    assert sum(m["heures"] for m in prevision["par_mois"]) == pytest.approx(1067 - TOTAL)
    assert sum(t["heures"] for t in prevision["par_type_contrat"]) == pytest.approx(1067 - TOTAL)
    # Once the contract is over, nothing is to come, and the penalty is the contract's rule on the missing hours.
    annee = bilan_json("--base", str(base), "--annee", "2026")
    assert annee["prevision"]["heures_restantes"] == 0
    assert annee["detail_marches"][0]["penalite_au_rythme"] == pytest.approx((1067 - TOTAL) * 20)


def test_la_periode_precedente_est_donnee_quand_le_registre_l_a(base: Path) -> None:
    avril = bilan_json("--base", str(base), "--du", "2026-04-01", "--au", "2026-04-30")
    assert avril["precedente"]["libelle"] == "mars 2026 à mars 2026"
    assert avril["precedente"]["heures_realisees"] == 300 + 35.5
    assert bilan_json("--base", str(base), "--annee", "2026")["precedente"] is None


def test_un_seul_donneur_d_ordre(base: Path) -> None:
    seul = bilan_json("--base", str(base), "--donneur-ordre", "commune de cuges-les-pins")
    assert seul["donneur_ordre"] == "Commune de Cuges-les-Pins" and seul["heures_realisees"] == TOTAL
    resultat = bilan("--base", str(base), "--donneur-ordre", "Marseille")
    assert resultat.exit_code == 1
    assert "donneur d'ordre « Marseille » inconnu ; donneurs d'ordre du registre : Commune de Cuges-les-Pins" in (
        resultat.stderr
    )


@pytest.mark.lent
def test_documents_publies_avec_le_secret(base: Path, tmp_path: Path) -> None:
    sortie = tmp_path / "bilan"
    arguments = ("--base", str(base), "--du", "2026-02-01", "--au", "2026-04-30", "-o", str(sortie), "--pdf")
    resultat = bilan(*arguments, "--interne")
    assert resultat.exit_code == 0, resultat.output
    nom = "bilan-fevrier-2026-a-avril-2026"
    assert sorted(p.name for p in sortie.iterdir()) == [
        f"{nom}-interne-parcours.png",
        f"{nom}-interne.xlsx",
        f"{nom}-registre.json",
        f"{nom}.docx",
        f"{nom}.pdf",
        f"{nom}.xlsx",
    ]
    classeur = openpyxl.load_workbook(sortie / f"{nom}.xlsx")
    assert classeur.sheetnames[:3] == ["Indicateurs", "Donneurs d'ordre", "Articles"]
    sexes = {r[0]: r[1:] for r in classeur["Sexe"].iter_rows(min_row=2, values_only=True)}
    assert sexes["Femme"] == ("s", "s", "s", "s")  # 5 women shown would give the 3 men away: hidden, not « < 5 »
    assert sexes["Homme"] == ("< 5", "s", "s", "s")  # « < 5 » only on the count of people
    indicateurs = {r[0]: r[1] for r in classeur["Indicateurs"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert indicateurs["Personnes (participants)"] == 8 and indicateurs["Heures réalisées"] == TOTAL
    # No path and no participant code in a published file; they are in the internal one.
    assert "Parcours" not in classeur.sheetnames
    publie = [str(v) for f in classeur.worksheets for r in f.iter_rows(values_only=True) for v in r if v is not None]
    assert not any("CUG-" in v for v in publie)
    interne = openpyxl.load_workbook(sortie / f"{nom}-interne.xlsx")
    parcours = [r for r in interne["Parcours"].iter_rows(min_row=2, values_only=True) if str(r[0]).startswith("CUG-")]
    assert len(parcours) == 8
    assert "Pénalités par lot" in interne.sheetnames
    marches = next(classeur["Marchés"].iter_rows(max_row=1, values_only=True))
    assert not any("Pénalité" in str(v) for v in marches)
    # Below the contract types, the reader is told the people column does not add up.
    notes = [r[0] for r in classeur["Types de contrat"].iter_rows(values_only=True) if r[0]]
    assert "ne s'additionne pas ; les contrats et les heures, si." in notes[-1]
    document = docx.Document(str(sortie / f"{nom}.docx"))
    texte = "\n".join(p.text for p in document.paragraphs)
    assert "« < 5 » remplace un nombre de personnes compris entre 1 et 4 ; « s » remplace" in texte.replace(
        "\u00a0", " "
    )
    assert "CUG-" not in texte and "Parcours des personnes" not in texte
    assert "1 607 heures par an" in texte.replace("\u202f", " ").replace("\u00a0", " ")
    assert "(en CDD puis en CDI : dans les deux lignes)" in texte.replace("\u00a0", " ")
    assert len(document.inline_shapes) >= 5  # the charts (no timeline of paths)
    cellules = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "< 5" in cellules and "Homme" in cellules
    lignes_sexe = [[c.text for c in r.cells] for t in document.tables for r in t.rows if r.cells[0].text == "Homme"]
    assert lignes_sexe == [["Homme", "< 5", "s", "s", "s"]]
    assert not any("CUG-" in c for c in cellules)
    pdf = PdfReader(sortie / f"{nom}.pdf")
    assert len(pdf.pages) >= 2 and "Bilan février 2026 à avril 2026" in pdf.pages[0].extract_text()


def test_une_sortie_existante_n_est_remplacee_qu_avec_force(base: Path, tmp_path: Path) -> None:
    sortie = tmp_path / "bilan"
    assert bilan("--base", str(base), "--annee", "2026", "-o", str(sortie)).exit_code == 0
    avant = {p.name: p.read_bytes() for p in sortie.iterdir()}
    resultat = bilan("--base", str(base), "--annee", "2026", "-o", str(sortie))
    assert resultat.exit_code == 1 and "existe déjà ; --force pour remplacer" in resultat.stderr
    assert {p.name: p.read_bytes() for p in sortie.iterdir()} == avant
    assert bilan("--base", str(base), "--annee", "2026", "-o", str(sortie), "--force").exit_code == 0


def test_une_partie_qualitative_illisible_n_ecrit_rien(base: Path, tmp_path: Path) -> None:
    texte = tmp_path / "2026.md"
    texte.write_bytes("# Partenariats\nÉté\n".encode("cp1252"))
    sortie = tmp_path / "bilan"
    resultat = bilan("--base", str(base), "--annee", "2026", "-o", str(sortie), "--texte", str(texte))
    assert resultat.exit_code == 1
    assert resultat.stderr.strip() == f"Erreur : {texte}:2: partie qualitative : enregistrez le fichier en UTF-8"
    assert not sortie.exists()


def test_un_rapport_par_donneur_d_ordre_avec_la_partie_qualitative(tmp_path: Path) -> None:
    sortie = tmp_path / "bilan"
    resultat = bilan(str(AUBAGNE), "-o", str(sortie), "--par-donneur-ordre")
    assert resultat.exit_code == 0, resultat.output
    noms = sorted(p.name for p in sortie.iterdir())
    assert noms == [
        "bilan-2007-2008-communaute-d-agglomeration-du-pays-d-aubagne-et-de-l-etoile.docx",
        "bilan-2007-2008-registre.json",
        "bilan-2007-2008-ville-d-aubagne.docx",
        "bilan-2007-2008.docx",
        "bilan-2007-2008.xlsx",
    ]
    ville = docx.Document(str(sortie / "bilan-2007-2008-ville-d-aubagne.docx"))
    texte = "\n".join(p.text for p in ville.paragraphs)
    assert "Ville d’Aubagne" in texte and "Une méthode fondée sur le partenariat" in texte
    assert "Communauté d’agglomération" not in "".join(c.text for t in ville.tables for r in t.rows for c in r.cells)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--annee", "2026", "--du", "2026-01-01", "--au", "2026-02-01"], "--annee ou --du/--au, pas les deux"),
        (["--du", "2026-01-01"], "--du et --au vont ensemble"),
        (["--du", "2026-03-01", "--au", "2026-01-01"], "avant --du"),
        (["--pdf"], "--pdf, --par-donneur-ordre et --interne demandent -o SORTIE"),
        (["--annee", "26"], "--annee"),
    ],
)
def test_commande_mal_tapee(base: Path, arguments: list[str], message: str) -> None:
    resultat = bilan("--base", str(base), *arguments)
    assert resultat.exit_code == 2 and message in resultat.output


def test_registre_absent_ou_vide(tmp_path: Path) -> None:
    resultat = bilan("--base", str(tmp_path / "absent.sqlite"))
    assert resultat.exit_code == 1 and "base de suivi introuvable" in resultat.stderr
    vide = tmp_path / "vide.sqlite"
    from clause_kit.suivi.registre import Registre

    Registre(vide).fermer()
    resultat = bilan("--base", str(vide))
    assert resultat.exit_code == 1 and "aucune heure déclarée dans le registre" in resultat.stderr


def test_une_fiche_refusee_est_dite_et_le_bilan_sort_en_1(contrat: Path, vierge: bytes, tmp_path: Path) -> None:
    dossier = tmp_path / "cuges"
    dossier.mkdir()
    shutil.copy(contrat, dossier / contrat.name)
    remplir(vierge, [*LIGNES, ligne("CUG-099", heures=300)], dossier / "fiche.xlsx")
    resultat = bilan(str(dossier), "--format", "json")
    assert resultat.exit_code == 1
    assert "heures dans un mois : plus que le maximum" in resultat.stderr
    assert json.loads(resultat.stdout)["heures_realisees"] == TOTAL


def test_les_graphiques_recoivent_les_valeurs_publiees(monkeypatch: pytest.MonkeyPatch) -> None:
    """A chart is given what the published table shows: a hidden cell comes as « < 5 », never as its count."""
    from clause_kit.bilan import graphiques
    from clause_kit.bilan.exemple import bilan_exemple
    from clause_kit.bilan.rapport import NOMS_GRAPHIQUES, contexte_rapport, graphiques_du_bilan

    recus: dict[str, tuple[list[str], list[Any]]] = {}

    def barres(libelles: list[str], valeurs: list[Any], titre: str, unite: str) -> bytes:
        recus[titre] = (list(libelles), list(valeurs))
        return PIXEL_200

    monkeypatch.setattr(graphiques, "barres", barres)
    donnees = bilan_exemple()
    contexte = contexte_rapport(donnees, [], {}, datetime.date(2009, 1, 15))
    images = graphiques_du_bilan(contexte, donnees)
    assert set(images) == set(NOMS_GRAPHIQUES)
    libelles, valeurs = recus["Personnes par sexe"]
    # The women are hidden to protect the men: « s », not « < 5 ».
    assert libelles == ["Femme", "Homme"] and valeurs == ["s", "< 5"]
    # One person on the second buyer's contract: hidden, and the first buyer too (the total would tell);
    # hours are never « < 5 » (fewer than five hours), but « s »: a chart of marks only is not drawn,
    # and the report says why.
    assert [r["heures"] for r in contexte["par_donneur_ordre"]] == ["s", "s"]
    assert "Heures réalisées par donneur d'ordre" not in recus and images["heures_par_donneur"] == ""
    assert "ne sont pas tracés les graphiques" in contexte["bilan"]["secret"]
    assert "les heures par donneur d'ordre" in contexte["bilan"]["secret"]
    publics = dict(zip(*recus["Personnes par catégorie de public"], strict=True))
    # Publics are not additive (a person may count in several): five young people are shown, three are not.
    assert publics["Jeune de moins de 26 ans"] == 5 and publics["Demandeur d'emploi de 12 à 24 mois"] == "< 5"
    assert images["personnes_par_sexe"].largeur_cm == pytest.approx(2.54) and "parcours" not in images


# A 200 × 200 PNG: 2,54 cm wide at 200 dpi (its header is all the size reader looks at).
PIXEL_200 = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (200).to_bytes(4, "big") * 2 + b"\x08\x02\x00\x00\x00"


def test_un_graphique_est_un_png_a_la_qualite_d_impression() -> None:
    from clause_kit.bilan.graphiques import DPI, barres, courbe_mensuelle, taille_cm

    png = barres(["Femme", "Homme"], [12, "< 5"], "Personnes par sexe", "personnes")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and DPI == 200
    largeur, hauteur = taille_cm(png)
    assert 10 < largeur < 20 and 2 < hauteur < 8
    mois = courbe_mensuelle([f"2008-{m:02d}" for m in range(1, 13)], [100.5] * 12, "Heures par mois")
    assert taille_cm(mois)[0] > 10
    with io.BytesIO(png) as flux:
        assert flux.read(4) == b"\x89PNG"
