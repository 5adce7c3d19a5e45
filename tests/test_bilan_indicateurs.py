"""The report's pure parts: indicators, small-cell suppression, forward view, periods, qualitative text."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clause_kit.bilan.indicateurs import HeuresAgregees, Ligne, calculer_indicateurs, heures
from clause_kit.bilan.nombres import ecrire, ecrire_montant
from clause_kit.bilan.periode import Periode, periode_annee, periode_dates
from clause_kit.bilan.prevision import prevoir, repartir_entier
from clause_kit.bilan.qualitatif import Bloc, lire_qualitatif
from clause_kit.bilan.secret import masquer_repartition
from clause_kit.bilan.tableaux import parcours
from clause_kit.commun.erreurs import ErreurDonnees
from clause_kit.commun.formats import montant, nombre


def ligne(participant: str, mois: str, heures: float, **autres: object) -> Ligne:
    valeurs: dict[str, object] = {
        "acheteur": "Ville A",
        "reference": "M1",
        "lot": 1,
        "participant": participant,
        "sexe": "f",
        "tranche_age": "moins_26",
        "residence": None,
        "modalite": "embauche_directe",
        "siret_employeur": None,
        "siret_titulaire": "11111111111111",
        "titulaire": None,
        "type_contrat": "cdd",
        "debut_contrat": "2008-01-01",
        "fin_contrat": "2008-12-31",
        "mois": mois,
        "heures_c": round(heures * 100),
        "sortie": None,
        "publics": "jeune",
    }
    valeurs.update(autres)
    return Ligne(**valeurs)  # type: ignore[arg-type]


def marche(
    reference: str, acheteur: str, *, a53: bool = False, debut: str | None = None, fin: str | None = None
) -> dict:
    return {
        "acheteur": acheteur,
        "commune": "X",
        "reference": reference,
        "objet": f"Objet {reference}",
        "type": "travaux",
        "article_14": True,
        "article_53": a53,
        "heures_dues": 1000,
        "heures_par_etp": 1607,
        "debut": debut,
        "fin": fin,
        "lots": [{"numero": 1, "intitule": "Lot", "heures_dues": 1000, "clause": True}],
    }


MARCHES = [
    marche("M1", "Ville A"),
    marche("M2", "Agglo B", a53=True),
    marche("M3", "Agglo B", debut="2008-06-01", fin="2009-05-31"),  # executed, no hours yet
    marche("M4", "Agglo B", debut="2006-01-01", fin="2006-12-31"),  # over before the period
]
LIGNES = [
    # P1: CDD on M1 then CDI on M2 (a path across two buyers and two articles).
    ligne("P1", "2008-01", 100, sortie=None),
    ligne("P1", "2008-02", 50.5, sortie="emploi_durable"),
    ligne(
        "P1",
        "2008-03",
        120,
        reference="M2",
        acheteur="Agglo B",
        type_contrat="cdi",
        debut_contrat="2008-03-01",
        fin_contrat=None,
        publics="jeune;rsa",
        siret_titulaire="22222222222222",
    ),
    ligne(
        "P2",
        "2008-01",
        80,
        sexe="m",
        tranche_age="26_49",
        publics="deld",
        modalite="mise_a_disposition",
        type_contrat="interim",
        sortie="autre",
    ),
    # P3 declared a month with no hours: not a participant.
    ligne("P3", "2008-02", 0, sexe="m", tranche_age="50_plus", publics="senior"),
]
AGREGEES = [HeuresAgregees("Ville A", "M1", 1, "2008-04", 1607 * 100 - 35050)]


@pytest.fixture(scope="module")
def indicateurs() -> dict:
    return calculer_indicateurs(LIGNES, AGREGEES, MARCHES, periode_annee(2008), 1607)


def test_definitions_nationales(indicateurs: dict) -> None:
    assert indicateurs["personnes"] == 2  # P3 has no hour in the period
    assert indicateurs["contrats_travail"] == 3  # P1 twice (two starts), P2 once
    assert indicateurs["heures_realisees"] == 1607  # 350,50 h declared + the purged people's hours
    assert indicateurs["etp"] == 1.0 and indicateurs["diviseur_etp"] == 1607
    assert indicateurs["cdi"] == 1
    assert (indicateurs["marches"], indicateurs["donneurs_ordre"]) == (3, 2)  # M1, M2 with hours, M3 executed
    assert indicateurs["entreprises"] == 2
    sorties = indicateurs["sorties"]
    assert (sorties["emploi_durable"], sorties["autre"], sorties["dynamiques"], sorties["total"]) == (1, 1, 1, 2)
    assert sorties["taux_dynamiques"] == 50.0


def test_le_diviseur_change_les_etp(indicateurs: dict) -> None:
    autre = calculer_indicateurs(LIGNES, AGREGEES, MARCHES, periode_annee(2008), 1600)
    assert autre["etp"] == 1.0 and autre["diviseur_etp"] == 1600 and autre["heures_realisees"] == 1607


def test_les_lignes_sommees_par_le_registre_donnent_les_memes_indicateurs(indicateurs: dict) -> None:
    """The register sums a work contract's months (``lignes_bilan``): same figures, given the months apart."""
    p1_janvier, p1_fevrier, *autres = LIGNES
    sommee = p1_janvier._replace(
        heures_c=p1_janvier.heures_c + p1_fevrier.heures_c,
        sortie="emploi_durable",
        dernier_mois="2008-02",
        mois_sortie="2008-02",
    )
    lignes = [sommee, *(x for x in autres if x.heures_c)]
    mensuelles = [(x.mois, x.heures_c) for x in LIGNES]
    regroupees = calculer_indicateurs(lignes, AGREGEES, MARCHES, periode_annee(2008), 1607, mensuelles)
    assert regroupees == indicateurs
    with pytest.raises(ValueError, match="donner les heures par mois"):
        calculer_indicateurs(lignes, AGREGEES, MARCHES, periode_annee(2008), 1607)


def test_la_sortie_d_un_contrat_est_la_derniere_declaree() -> None:
    """An exit typed in May and a last month in June without one: the exit counts (and in the path)."""
    lignes = [
        ligne("P1", "2008-05", 10, sortie="emploi_transition"),
        ligne("P1", "2008-06", 5, sortie=None),
    ]
    resultat = calculer_indicateurs(lignes, [], MARCHES, periode_annee(2008), 1607)
    assert resultat["sorties"]["emploi_transition"] == 1 and resultat["sorties"]["dynamiques"] == 1
    (chemin,) = parcours(lignes)
    assert chemin["sortie"] == "emploi_transition" and chemin["contrats"][0]["dernier_mois"] == "2008-06"


def _somme(rangees: list[dict], cle: str) -> float:
    return sum(r[cle] for r in rangees)


def test_les_repartitions_additives_font_le_total_des_lignes(indicateurs: dict) -> None:
    declarees = 350.5  # the aggregates of purged people have no sex, age or contract type
    for cle in ("par_sexe", "par_tranche_age", "par_modalite", "par_type_contrat", "par_residence"):
        rangees = indicateurs[cle]
        assert _somme(rangees, "heures_realisees") == pytest.approx(declarees), cle
        assert _somme(rangees, "contrats_travail") == indicateurs["contrats_travail"], cle
    # Sex, age band, residence: one row per person, the people add up.
    for cle in ("par_sexe", "par_tranche_age", "par_residence"):
        assert _somme(indicateurs[cle], "personnes") == indicateurs["personnes"], cle
    sexes = {r["code"]: r["personnes"] for r in indicateurs["par_sexe"]}
    assert sexes == {"f": 1, "m": 1}


def test_une_personne_compte_sous_chaque_type_de_contrat_qu_elle_a_eu(indicateurs: dict) -> None:
    """P1 held a CDD then a CDI: in both rows (« 5 CDI » are the people who held one); the contracts add up."""
    types = {r["code"]: (r["personnes"], r["contrats_travail"]) for r in indicateurs["par_type_contrat"]}
    assert types["cdd"] == (1, 1) and types["cdi"] == (1, 1) and types["interim"] == (1, 1)
    assert _somme(indicateurs["par_type_contrat"], "personnes") == 3 > indicateurs["personnes"]
    # The same for the modality: P1's two contracts are both direct hires, counted once there.
    modalites = {r["code"]: (r["personnes"], r["contrats_travail"]) for r in indicateurs["par_modalite"]}
    assert modalites["embauche_directe"] == (1, 2) and modalites["mise_a_disposition"] == (1, 1)
    # A CDI through a temp agency after a direct CDD: the person is under both modalities too.
    lignes = [
        ligne("P9", "2008-01", 35),
        ligne("P9", "2008-05", 70, type_contrat="cdi", debut_contrat="2008-05-01", modalite="mise_a_disposition"),
    ]
    seule = calculer_indicateurs(lignes, [], MARCHES, periode_annee(2008), 1607)
    for cle, valeur in (("par_modalite", "mise_a_disposition"), ("par_type_contrat", "cdi")):
        rangees = {r["code"]: r for r in seule[cle]}
        assert (rangees[valeur]["personnes"], rangees[valeur]["heures_realisees"]) == (1, 70), cle
        assert _somme(seule[cle], "personnes") == 2 and _somme(seule[cle], "contrats_travail") == 2, cle
        assert _somme(seule[cle], "heures_realisees") == seule["heures_realisees"] == 105, cle
    assert {r["code"]: r["personnes"] for r in seule["par_sexe"]}["f"] == 1


def test_donneurs_articles_et_mois(indicateurs: dict) -> None:
    donneurs = {r["nom"]: r for r in indicateurs["par_donneur_ordre"]}
    assert donneurs["Ville A"]["heures_realisees"] == 1607 - 120
    assert donneurs["Agglo B"]["heures_realisees"] == 120 and donneurs["Agglo B"]["marches"] == 2
    assert _somme(indicateurs["par_donneur_ordre"], "heures_realisees") == indicateurs["heures_realisees"]
    articles = {r["code"]: r for r in indicateurs["par_article"]}
    assert articles["14_53"]["heures_realisees"] == 120 and articles["14_53"]["personnes"] == 1
    assert _somme(indicateurs["par_article"], "heures_realisees") == indicateurs["heures_realisees"]
    assert len(indicateurs["par_mois"]) == 12
    assert _somme(indicateurs["par_mois"], "heures_realisees") == pytest.approx(1607)
    publics = {r["code"]: r["personnes"] for r in indicateurs["par_public"]}
    assert publics["jeune"] == 1 and publics["rsa"] == 1 and publics["deld"] == 1 and publics["senior"] == 0


def test_secret_masque_les_petites_cases_et_une_seconde_quand_le_total_la_trahirait() -> None:
    rangees = [
        {"libelle": "a", "personnes": 12, "heures_realisees": 900, "etp": 0.56},
        {"libelle": "b", "personnes": 3, "heures_realisees": 100, "etp": 0.06},
        {"libelle": "c", "personnes": 7, "heures_realisees": 300, "etp": 0.19},
        {"libelle": "d", "personnes": 0, "heures_realisees": 0, "etp": 0.0},
    ]
    publiees = masquer_repartition(rangees, 5)
    # « < 5 » only on the count of 3 people; the 7 people hidden to protect it show « s », like hours and ETP.
    assert [r["personnes"] for r in publiees] == [12, "< 5", "s", 0]
    assert publiees[1]["heures_realisees"] == "s" and publiees[2]["etp"] == "s" and publiees[1]["etp"] == "s"
    assert rangees[1]["personnes"] == 3  # the exact rows are left as they are (the JSON keeps them)
    non_additive = masquer_repartition(rangees, 5, additive=False)
    assert [r["personnes"] for r in non_additive] == [12, "< 5", 7, 0]
    assert [r["personnes"] for r in masquer_repartition(rangees, 3)] == [12, 3, 7, 0]
    # A row of 0 people and 2 work contracts describes fewer than 5 people without counting them: « s ».
    contrats = [{"libelle": "x", "personnes": 0, "contrats_travail": 2, "heures_realisees": 40, "etp": 0.02}]
    assert masquer_repartition(contrats, 5, additive=False)[0] == {
        "libelle": "x",
        "personnes": "s",
        "contrats_travail": "s",
        "heures_realisees": "s",
        "etp": "s",
    }


@given(st.integers(min_value=0, max_value=10**9), st.lists(st.integers(min_value=0, max_value=10**6), min_size=1))
def test_repartir_entier_est_exact(total: int, poids: list[int]) -> None:
    parts = repartir_entier(total, poids)
    assert sum(parts) == total and len(parts) == len(poids) and min(parts) >= 0
    if any(poids):
        assert all(part == 0 for part, p in zip(parts, poids, strict=True) if p == 0)


def test_la_prevision_fait_exactement_les_heures_restant_dues() -> None:
    marches = [
        marche("M1", "Ville A", debut="2008-01-01", fin="2009-03-31"),  # 3 months to come
        marche("M2", "Agglo B"),  # no dates: listed apart
        marche("M4", "Agglo B", debut="2006-01-01", fin="2006-12-31"),  # over: nothing to come
    ]
    etat = {
        "marches": [
            {"reference": r, "lots": [{"numero": 1, "heures_dues": 1000, "heures_realisees": faites}]}
            for r, faites in (("M1", 400.25), ("M2", 100), ("M4", 10))
        ]
    }
    types = [("M1", 1, "cdd", 30000), ("M1", 1, "interim", 10000)]
    prevision = prevoir(marches, etat, types, periode_annee(2008))
    assert prevision["heures_restantes"] == 599.75 + 900
    assert [m["mois"] for m in prevision["par_mois"]] == ["2009-01", "2009-02", "2009-03"]
    assert sum(m["heures"] for m in prevision["par_mois"]) == pytest.approx(599.75)
    assert sum(t["heures"] for t in prevision["par_type_contrat"]) == pytest.approx(599.75)
    cdd = next(t for t in prevision["par_type_contrat"] if t["code"] == "cdd")
    assert cdd["heures"] == pytest.approx(599.75 * 3 / 4, abs=0.02)  # split like the hours declared so far
    assert [s["reference"] for s in prevision["sans_dates"]] == ["M2"]


def test_un_marche_lance_apres_la_periode_n_est_pas_dans_ses_heures_a_venir() -> None:
    """A contract launched after the period was not known at its end; it is in a later period's forward view."""
    marches = [
        {**marche("M1", "Ville A", debut="2008-06-01", fin="2009-05-31"), "lancement": "2008-02-11"},
        {**marche("M5", "Ville A", debut="2026-01-01", fin="2026-12-31"), "lancement": "2025-10-05"},
        {**marche("M6", "Agglo B"), "lancement": "2026-09-14"},  # no execution dates
        marche("M7", "Agglo B", debut="2009-01-01", fin="2009-06-30"),  # no launch date stated: kept
    ]
    etat = {
        "marches": [
            {"reference": r, "lots": [{"numero": 1, "heures_dues": 1000, "heures_realisees": faites}]}
            for r, faites in (("M1", 400), ("M5", 0), ("M6", 0), ("M7", 0))
        ]
    }
    en_2008 = prevoir(marches, etat, [], periode_annee(2008))
    assert [m["reference"] for m in en_2008["par_marche"]] == ["M1", "M7"] and en_2008["sans_dates"] == []
    assert en_2008["heures_restantes"] == 600 + 1000
    assert sum(m["heures"] for m in en_2008["par_mois"]) == pytest.approx(1600)
    assert max(m["mois"] for m in en_2008["par_mois"]) == "2009-06"  # nothing of 2026
    en_2025 = prevoir(marches, etat, [], periode_annee(2025))
    assert [m["reference"] for m in en_2025["par_marche"]] == ["M5"] and en_2025["sans_dates"] == []
    en_2026 = prevoir(marches, etat, [], Periode("2026-01", "2026-09"))
    assert [m["reference"] for m in en_2026["par_marche"]] == ["M5"]
    assert [s["reference"] for s in en_2026["sans_dates"]] == ["M6"]
    assert en_2026["heures_restantes"] == 1000 + 1000  # M5 over its last three months, M6 apart
    assert [m["mois"] for m in en_2026["par_mois"]] == ["2026-10", "2026-11", "2026-12"]


def test_periodes() -> None:
    assert periode_annee(2008).libelle == "2008" and Periode("2007-01", "2008-12").libelle == "2007-2008"
    import datetime

    mars = periode_dates(datetime.date(2008, 3, 15), datetime.date(2009, 2, 1))
    assert (mars.premier, mars.dernier, mars.nombre_mois) == ("2008-03", "2009-02", 12)
    assert mars.libelle == "mars 2008 à février 2009" and mars.au == datetime.date(2009, 2, 28)
    assert mars.precedente() == Periode("2007-03", "2008-02")
    assert periode_annee(2008).libelle_long == "du 1er janvier 2008 au 31 décembre 2008"


def test_partie_qualitative(tmp_path) -> None:  # noqa: ANN001
    chemin = tmp_path / "2008.md"
    chemin.write_text(
        "%% commentaire\n# Partenariats\nUne ligne\net sa suite.\n\nAutre   paragraphe.\n- une puce\n## Méthode\n",
        encoding="utf-8",
    )
    assert lire_qualitatif(chemin) == [
        Bloc("titre", "Partenariats"),
        Bloc("texte", "Une ligne et sa suite."),
        Bloc("texte", "Autre paragraphe."),
        Bloc("puce", "une puce"),
        Bloc("titre", "Méthode"),
    ]
    chemin.write_bytes("# Titre\nÉté\n".encode("cp1252"))
    with pytest.raises(ErreurDonnees, match=r"2008\.md:2: partie qualitative : enregistrez le fichier en UTF-8"):
        lire_qualitatif(chemin)
    with pytest.raises(ErreurDonnees, match="fichier introuvable"):
        lire_qualitatif(tmp_path / "absent.md")


@given(
    st.decimals(min_value=-(10**12), max_value=10**12, allow_nan=False, allow_infinity=False, places=4),
    st.integers(min_value=0, max_value=3),
)
def test_les_nombres_du_bilan_s_ecrivent_comme_formats_nombre(valeur: Decimal, decimales: int) -> None:
    """The report's fast writer gives exactly the text of ``formats.nombre`` (and of ``montant`` for amounts)."""
    assert ecrire(valeur, decimales) == nombre(valeur, decimales)
    assert ecrire(float(valeur)) == nombre(Decimal(str(float(valeur))), 0 if float(valeur).is_integer() else 2)
    centimes = valeur.quantize(Decimal("0.01"))
    assert ecrire_montant(centimes) == montant(centimes, taxe="")
    assert (ecrire(None), ecrire("< 5"), ecrire(1607), ecrire(0.005, 2)) == ("–", "< 5", "1\u202f607", "0,01")


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_les_heures_json_sont_celles_du_calcul_decimal(centiemes: int) -> None:
    """``heures`` without Decimal: the same number (and type) as the exact quotient rounded once."""
    exact = Decimal(centiemes) / 100
    attendu = int(exact) if exact == exact.to_integral_value() else float(exact)
    assert heures(centiemes) == attendu and type(heures(centiemes)) is type(attendu)


def test_les_heures_a_venir_sont_les_memes_dans_le_rapport_et_le_classeur() -> None:
    # The workbook rounded months and undated contracts together, the Word report apart: 10.5 h,
    # 3.5 h and an undated 2.5 h gave 11, 4, 2 in one and 11, 3, 3 in the other (a review found it).
    from clause_kit.bilan.prevision import heures_entieres
    from clause_kit.bilan.rapport import _prevision

    prevision = {
        "apres": "2026-12-31",
        "par_mois": [{"mois": "2027-01", "heures": 10.5}, {"mois": "2027-02", "heures": 3.5}],
        "par_type_contrat": [],
        "sans_dates": [{"reference": "M-9", "objet": "Voirie", "heures_restantes": 2.5}],
    }
    rapport = _prevision({"prevision": prevision})
    classeur = heures_entieres([10.5, 3.5, 2.5])  # the workbook's « Heures à venir » sheet
    assert [m["heures"] for m in rapport["par_mois"]] + [s["heures"] for s in rapport["sans_dates"]] == [
        str(h) for h in classeur
    ]
    assert rapport["heures_restantes"] == str(sum(classeur))
