"""Tests of clause_kit.commun.formats: exact French strings, then properties over many values."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from num2words import num2words

from clause_kit.commun import formats
from clause_kit.commun.formats import (
    cpv_valide,
    date_fr,
    formater_siret,
    heures,
    montant,
    montant_en_lettres,
    nombre,
    normaliser_cpv,
    pourcentage,
    siret_valide,
    slug,
    slugs_distincts,
)

FINE = "\u202f"
NBSP = "\u00a0"
MAX = Decimal("999999999999.99")


def test_all_exports_exist() -> None:
    for nom in formats.__all__:
        assert callable(getattr(formats, nom)) or nom.isupper()


# --- nombre ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("valeur", "decimales", "attendu"),
    [
        (1429, 0, f"1{FINE}429"),
        (Decimal("0.889"), 2, "0,89"),
        (0, 0, "0"),
        (999, 0, "999"),
        (1000, 0, f"1{FINE}000"),
        (1250000, 2, f"1{FINE}250{FINE}000,00"),
        (Decimal("0.125"), 2, "0,13"),  # half up, where half-even would give 0,12
        (Decimal("2.5"), 0, "3"),
        (Decimal("3.5"), 0, "4"),
        (Decimal("-2.5"), 0, "-3"),
        (Decimal("-0.001"), 2, "0,00"),  # never "-0,00"
        (Decimal("1E+3"), 0, f"1{FINE}000"),
        (Decimal("12.3456"), 3, "12,346"),
        (-1234567, 0, f"-1{FINE}234{FINE}567"),
        (10**30, 0, FINE.join(["1"] + ["000"] * 10)),
    ],
)
def test_nombre(valeur: Decimal | int, decimales: int, attendu: str) -> None:
    assert nombre(valeur, decimales) == attendu


def test_nombre_refuse_float_bool_et_decimales_negatives() -> None:
    with pytest.raises(TypeError):
        nombre(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        nombre(True)
    with pytest.raises(ValueError, match="décimales"):
        nombre(1, -1)


@given(st.integers(min_value=-(10**20), max_value=10**20))
def test_nombre_groupement_entiers(n: int) -> None:
    texte = nombre(n)
    assert re.fullmatch(r"-?\d{1,3}(\u202f\d{3})*", texte)
    assert int(texte.replace(FINE, "")) == n


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False, allow_infinity=False))
def test_nombre_aller_retour_decimal(valeur: Decimal) -> None:
    texte = nombre(valeur, 2)
    assert re.fullmatch(r"-?\d{1,3}(\u202f\d{3})*,\d{2}", texte)
    assert Decimal(texte.replace(FINE, "").replace(",", ".")) == valeur


# --- montant ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("valeur", "taxe", "attendu"),
    [
        (1250000, "HT", f"1{FINE}250{FINE}000,00{NBSP}€ HT"),
        (Decimal("1250000.5"), "TTC", f"1{FINE}250{FINE}000,50{NBSP}€ TTC"),
        (0, "", f"0,00{NBSP}€"),
        ("1 250 000,50", "HT", f"1{FINE}250{FINE}000,50{NBSP}€ HT"),
        ("1250000.50", "HT", f"1{FINE}250{FINE}000,50{NBSP}€ HT"),
        (Decimal("12.500"), "HT", f"12,50{NBSP}€ HT"),  # trailing zero past the cent is no decimal
        (Decimal("-12000"), "HT", f"-12{FINE}000,00{NBSP}€ HT"),  # a moins-value in an avenant
    ],
)
def test_montant(valeur: Decimal | int | str, taxe: str, attendu: str) -> None:
    assert montant(valeur, taxe) == attendu


def test_montant_par_defaut_ht() -> None:
    assert montant(Decimal("87500")) == f"87{FINE}500,00{NBSP}€ HT"


@pytest.mark.parametrize("taxe", ["ht", "HTVA", "TVA", " HT"])
def test_montant_taxe_inconnue(taxe: str) -> None:
    with pytest.raises(ValueError, match="taxe"):
        montant(100, taxe)


@pytest.mark.parametrize("valeur", [Decimal("1.005"), "12,345", "abc", "1.250,50", "NaN", "Infinity", ""])
def test_montant_refuse(valeur: Decimal | str) -> None:
    with pytest.raises(ValueError, match="montant"):
        montant(valeur)


def test_montant_refuse_float() -> None:
    with pytest.raises(TypeError):
        montant(12.5)  # type: ignore[arg-type]


# --- montant_en_lettres ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("valeur", "attendu"),
    [
        (0, "zéro euro"),
        (1, "un euro"),
        (2, "deux euros"),
        (16, "seize euros"),
        (17, "dix-sept euros"),
        (21, "vingt et un euros"),
        (71, "soixante et onze euros"),
        (72, "soixante-douze euros"),
        (80, "quatre-vingts euros"),
        (Decimal("80"), "quatre-vingts euros"),
        (81, "quatre-vingt-un euros"),
        (91, "quatre-vingt-onze euros"),
        (99, "quatre-vingt-dix-neuf euros"),
        (100, "cent euros"),
        (101, "cent un euros"),
        (121, "cent vingt et un euros"),
        (180, "cent quatre-vingts euros"),
        (200, "deux cents euros"),
        (201, "deux cent un euros"),
        (280, "deux cent quatre-vingts euros"),
        (1000, "mille euros"),
        (1001, "mille un euros"),
        (1080, "mille quatre-vingts euros"),
        (1200, "mille deux cents euros"),
        (2000, "deux mille euros"),
        (21000, "vingt et un mille euros"),
        (80000, "quatre-vingt mille euros"),
        (100000, "cent mille euros"),
        (180000, "cent quatre-vingt mille euros"),
        (200000, "deux cent mille euros"),
        (200200, "deux cent mille deux cents euros"),
        (1000000, "un million d'euros"),
        (1000001, "un million un euros"),
        (1001000, "un million mille euros"),
        (2000000, "deux millions d'euros"),
        (1250000, "un million deux cent cinquante mille euros"),
        (80000000, "quatre-vingts millions d'euros"),
        (81000000, "quatre-vingt-un millions d'euros"),
        (200000000, "deux cents millions d'euros"),
        (200000200, "deux cents millions deux cents euros"),
        (1000000000, "un milliard d'euros"),
        (1001000000, "un milliard un million d'euros"),
        (2000000000, "deux milliards d'euros"),
        (200000000000, "deux cents milliards d'euros"),
        (
            999999999999,
            "neuf cent quatre-vingt-dix-neuf milliards neuf cent quatre-vingt-dix-neuf millions "
            "neuf cent quatre-vingt-dix-neuf mille neuf cent quatre-vingt-dix-neuf euros",
        ),
        (Decimal("0.5"), "cinquante centimes"),
        (Decimal("0.01"), "un centime"),
        (Decimal("0.80"), "quatre-vingts centimes"),
        (Decimal("1.01"), "un euro et un centime"),
        (Decimal("1.00"), "un euro"),
        (Decimal("1234.56"), "mille deux cent trente-quatre euros et cinquante-six centimes"),
        (Decimal("1200.50"), "mille deux cents euros et cinquante centimes"),
        (Decimal("1000000.21"), "un million d'euros et vingt et un centimes"),
        ("1 250 000,00", "un million deux cent cinquante mille euros"),
    ],
)
def test_montant_en_lettres(valeur: Decimal | int | str, attendu: str) -> None:
    assert montant_en_lettres(valeur, taxe="") == attendu
    assert montant_en_lettres(valeur) == attendu + " hors taxes"
    assert montant_en_lettres(valeur, "TTC") == attendu + " toutes taxes comprises"


def test_montant_en_lettres_exemples_du_cahier() -> None:
    assert montant_en_lettres(1250000) == "un million deux cent cinquante mille euros hors taxes"
    assert montant_en_lettres(Decimal("0.01")) == "un centime hors taxes"
    assert montant_en_lettres(Decimal("1234.56")) == (
        "mille deux cent trente-quatre euros et cinquante-six centimes hors taxes"
    )


@pytest.mark.parametrize(
    ("valeur", "message"),
    [
        (-1, "négatif"),
        (Decimal("-0.01"), "négatif"),
        (Decimal("1000000000000"), "trop élevé"),
        (MAX + Decimal("0.01"), "trop élevé"),
        (Decimal("1.001"), "deux décimales"),
        ("12,345", "deux décimales"),
        ("douze", "illisible"),
        ("NaN", "illisible"),
    ],
)
def test_montant_en_lettres_refuse(valeur: Decimal | int | str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        montant_en_lettres(valeur)


def test_montant_en_lettres_taxe_inconnue() -> None:
    with pytest.raises(ValueError, match="taxe"):
        montant_en_lettres(1, "HTVA")


def test_montant_en_lettres_maximum() -> None:
    assert montant_en_lettres(MAX, "").endswith(" euros et quatre-vingt-dix-neuf centimes")


_MOTS = set(
    "zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize "
    "vingt vingts trente quarante cinquante soixante cent cents mille million millions milliard milliards "
    "et euro euros d'euros centime centimes".split()
)

montants = st.decimals(min_value=0, max_value=MAX, places=2, allow_nan=False, allow_infinity=False)


@given(montants)
def test_montant_en_lettres_proprietes(valeur: Decimal) -> None:
    texte = montant_en_lettres(valeur, "")
    euros, centimes = int(valeur), int(valeur * 100) % 100
    assert "zéro centime" not in texte
    assert "et zéro" not in texte
    assert not re.search(r"(million|milliard)s? euros?\b", texte)
    assert ("d'euros" in texte) == (euros > 0 and euros % 10**6 == 0)
    assert "  " not in texte and texte == texte.strip()
    # vingt and cent stay invariable before mille.
    assert "cents mille" not in texte and "vingts mille" not in texte
    assert texte.count("vingts") == texte.count("quatre-vingts")
    for mot in re.split(r"[ -]", texte):
        assert mot in _MOTS, mot
    if centimes:
        assert texte.endswith("centime" if centimes == 1 else "centimes")
    else:
        assert "centime" not in texte


@given(st.integers(min_value=1, max_value=999999999999))
def test_montant_en_lettres_accord_avec_num2words(euros: int) -> None:
    # num2words (traditional spelling for integers) is an independent oracle for the words.
    mots = num2words(euros, lang="fr")
    if euros % 10**6 == 0:
        attendu = f"{mots} d'euros"
    else:
        attendu = f"{mots} {'euro' if euros == 1 else 'euros'}"
    assert montant_en_lettres(euros, "") == attendu


def test_montant_en_lettres_accord_avec_num2words_jusqu_a_un_million() -> None:
    # Every value under 2000, then a sparse sweep (an exhaustive run to 1 200 000 agreed too).
    for euros in [*range(2, 2000), *range(2000, 1_000_000, 997)]:
        assert montant_en_lettres(euros, "") == num2words(euros, lang="fr") + " euros"


# --- heures, pourcentage ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("valeur", "attendu"),
    [
        (0, "0 heure"),
        (1, "1 heure"),
        (2, "2 heures"),
        (1429, f"1{FINE}429 heures"),
        (35000, f"35{FINE}000 heures"),
    ],
)
def test_heures(valeur: int, attendu: str) -> None:
    assert heures(valeur) == attendu


def test_heures_refuse() -> None:
    with pytest.raises(ValueError, match="négatif"):
        heures(-1)
    with pytest.raises(TypeError):
        heures(Decimal("1.5"))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("valeur", "decimales", "attendu"),
    [
        (10, None, f"10{NBSP}%"),
        (12.5, None, f"12,5{NBSP}%"),
        (Decimal("12.50"), None, f"12,5{NBSP}%"),
        (Decimal("7.0000"), None, f"7{NBSP}%"),
        (Decimal("100"), None, f"100{NBSP}%"),
        (Decimal("0.25"), None, f"0,25{NBSP}%"),
        (10, 2, f"10,00{NBSP}%"),
        (Decimal("12.345"), 2, f"12,35{NBSP}%"),
        (12.5, 0, f"13{NBSP}%"),
        (0.1 + 0.2, 1, f"0,3{NBSP}%"),
        (1500, None, f"1{FINE}500{NBSP}%"),
    ],
)
def test_pourcentage(valeur: Decimal | int | float, decimales: int | None, attendu: str) -> None:
    assert pourcentage(valeur, decimales) == attendu


def test_pourcentage_refuse() -> None:
    with pytest.raises(ValueError):
        pourcentage(float("nan"))
    with pytest.raises(TypeError):
        pourcentage("10")  # type: ignore[arg-type]


# --- date_fr ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "attendu"),
    [
        (datetime.date(2026, 4, 1), "1er avril 2026"),
        (datetime.date(2026, 12, 15), "15 décembre 2026"),
        (datetime.date(2026, 2, 2), "2 février 2026"),
        (datetime.date(2027, 8, 31), "31 août 2027"),
        (datetime.datetime(2026, 1, 1, 10, 30), "1er janvier 2026"),
    ],
)
def test_date_fr(d: datetime.date, attendu: str) -> None:
    assert date_fr(d) == attendu


@given(st.dates())
def test_date_fr_forme(d: datetime.date) -> None:
    jour, mois, annee = date_fr(d).split(" ")
    assert jour == ("1er" if d.day == 1 else str(d.day))
    assert mois in formats._MOIS and formats._MOIS.index(mois) == d.month - 1
    assert annee == str(d.year)


# --- SIRET -----------------------------------------------------------------------------


def _cle_luhn(treize: str) -> str:
    """Return the 14th digit that makes ``treize`` + digit pass Luhn."""
    for cle in "0123456789":
        if formats._luhn(treize + cle):
            return cle
    raise AssertionError("unreachable")


@pytest.mark.parametrize(
    "siret",
    [
        "44306184100047",
        "443 061 841 00047",
        f"443{NBSP}061{NBSP}841{NBSP}00047",
        f"443{FINE}061{FINE}841{FINE}00047",
        " 44306184100047\n",
        "35600000000048",  # La Poste head office: Luhn-valid
        "35600000049837",  # La Poste establishment: not Luhn, digit sum 45
    ],
)
def test_siret_valide(siret: str) -> None:
    assert siret_valide(siret)


@pytest.mark.parametrize(
    "siret",
    [
        "",
        "44306184100048",  # Luhn broken
        "4430618410004",  # 13 digits
        "443061841000470",  # 15 digits
        "4430618410004A",
        "443-061-841-00047",
        "٤٤٣٠٦١٨٤١٠٠٠٤٧",  # Arabic-Indic digits are digits for str.isdigit, not for INSEE
        "35600000049838",  # La Poste, neither Luhn nor a multiple of 5
    ],
)
def test_siret_invalide(siret: str) -> None:
    assert not siret_valide(siret)


def test_formater_siret() -> None:
    assert formater_siret("44306184100047") == f"443{NBSP}061{NBSP}841{NBSP}00047"
    assert formater_siret("443 061 841 00047") == f"443{NBSP}061{NBSP}841{NBSP}00047"


@pytest.mark.parametrize("siret", ["44306184100048", "123", "abc"])
def test_formater_siret_refuse(siret: str) -> None:
    with pytest.raises(ValueError, match="SIRET invalide"):
        formater_siret(siret)


@given(st.text(alphabet="0123456789", min_size=13, max_size=13), st.integers(0, 13), st.integers(1, 9))
def test_siret_luhn_detecte_une_faute_de_frappe(treize: str, position: int, ecart: int) -> None:
    siret = treize + _cle_luhn(treize)
    assert siret_valide(siret)
    faux = siret[:position] + str((int(siret[position]) + ecart) % 10) + siret[position + 1 :]
    assume(not faux.startswith("356000000"))
    assert not siret_valide(faux)


# --- CPV -------------------------------------------------------------------------------

CPV_OFFICIELS = [
    # Codes from the official CPV 2008 list, checked one by one.
    "45000000-7",
    "45210000-2",
    "45300000-0",
    "79000000-4",
    "90910000-9",
    "30192000-1",
    "71000000-8",
    "50000000-5",
    "79342000-3",
    "45453000-7",
    "03113100-7",
    "18451000-5",
    "71355200-3",
    "48217100-3",
    "45233140-2",
    "45233141-9",
    "77310000-6",
    "44212329-1",
    "03000000-1",
    "09000000-3",
    # Published check digits that do not follow the rule (see formats._DECALAGES_CPV).
    "03300000-2",
    "03311240-6",
    "03325200-5",
    "03400000-4",
    "03461100-0",
    "09100000-0",
    "09134232-2",
    "09211650-2",
    "09310000-5",
    "09331200-0",
    "45233139-3",
    "79342410-4",
]


@pytest.mark.parametrize("code", CPV_OFFICIELS)
def test_cpv_officiels_valides(code: str) -> None:
    assert cpv_valide(code)


@pytest.mark.parametrize("code", CPV_OFFICIELS)
def test_cpv_mauvais_chiffre_de_controle(code: str) -> None:
    for cle in "0123456789":
        if cle != code[-1]:
            assert not cpv_valide(code[:-1] + cle)


def test_cpv_divisions_voisines_des_exceptions_suivent_la_regle() -> None:
    # 0333 and 0334 sit beside the shifted classes 0331 and 0332 but follow the rule.
    assert cpv_valide("03333000-4")
    assert cpv_valide("03341000-3")
    assert not cpv_valide("03333000-2")


@pytest.mark.parametrize(
    ("code", "attendu"),
    [
        ("45000000-7", "45000000-7"),
        (" 45000000-7 ", "45000000-7"),
        ("45000000 7", "45000000-7"),
        ("450000007", "45000000-7"),
        ("45000000.7", "45000000-7"),
        ("45000000\u20137", "45000000-7"),  # en dash from a word processor
        ("45000000\u20117", "45000000-7"),
    ],
)
def test_normaliser_cpv(code: str, attendu: str) -> None:
    assert normaliser_cpv(code) == attendu
    assert cpv_valide(code)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("45000000", "incomplet"),
        ("4500000-7", "mal formé"),
        ("45000000-", "mal formé"),
        ("45000000-77", "mal formé"),
        ("45000000_7", "mal formé"),
        ("", "mal formé"),
        ("٤٥٠٠٠٠٠٠-٧", "mal formé"),
    ],
)
def test_normaliser_cpv_refuse(code: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        normaliser_cpv(code)
    assert not cpv_valide(code)


@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_cpv_une_seule_cle_par_code(huit: str) -> None:
    assert sum(cpv_valide(f"{huit}-{cle}") for cle in range(10)) == 1


# --- slug ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ("Roquevaire", "roquevaire"),
        ("La Penne-sur-Huveaune", "la-penne-sur-huveaune"),
        ("2026-TX-031", "2026-tx-031"),
        ("Saint-Zacharie / Œuvre", "saint-zacharie-oeuvre"),
        ("L'Haÿ-les-Roses", "l-hay-les-roses"),
        ("Æsthétique", "aesthetique"),
        ("Großstadt", "grossstadt"),
        ("  --Déjà  vu--  ", "deja-vu"),
        ("Marché n° 12", "marche-n-12"),
        ("ﬁnal²", "final2"),
        # Windows device names, with or without an extension, cannot be folder names on a share.
        ("CON", "con_"),
        ("Nul", "nul_"),
        ("aux.", "aux_"),
        ("COM¹", "com1_"),
        ("lpt9", "lpt9_"),
        ("nul.txt", "nul-txt"),
        ("Console", "console"),
    ],
)
def test_slug(texte: str, attendu: str) -> None:
    assert slug(texte) == attendu


@pytest.mark.parametrize("texte", ["", "   ", "---", "/", "..", "€ % !"])
def test_slug_vide(texte: str) -> None:
    with pytest.raises(ValueError, match="nom de dossier"):
        slug(texte)


@given(st.text())
def test_slug_forme(texte: str) -> None:
    try:
        resultat = slug(texte)
    except ValueError:
        return
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*_?", resultat)
    assert len(resultat) <= 80
    assert slug(resultat) == resultat


def test_slug_trop_long_raccourci_avec_une_empreinte() -> None:
    long_a, long_b = "Communauté de communes " * 20 + "A", "Communauté de communes " * 20 + "B"
    assert len(slug(long_a)) == 80 and slug(long_a) != slug(long_b)
    assert slug(long_a).startswith("communaute-de-communes-communaute")


def test_nombre_en_lettres_pour_les_heures() -> None:
    from clause_kit.commun.formats import nombre_en_lettres

    assert nombre_en_lettres(1429) == "mille quatre cent vingt-neuf"
    assert nombre_en_lettres(80) == "quatre-vingts"
    assert nombre_en_lettres(200) == "deux cents"
    assert nombre_en_lettres(0) == "zéro"
    with pytest.raises(ValueError):
        nombre_en_lettres(-1)


def test_nombre_simple_et_decimales_utiles() -> None:
    from clause_kit.commun.formats import decimales_utiles, nombre_simple

    assert [nombre_simple(Decimal(x)) for x in ("1.5", "50", "32.50", "100", "0.10")] == [
        "1,5",
        "50",
        "32,5",
        "100",
        "0,1",
    ]
    assert nombre_simple(1607) == "1607"  # no grouping: used inside sentences and messages
    assert [decimales_utiles(Decimal(x)) for x in ("12.50", "10", "100", "0.125")] == [1, 0, 0, 3]


def test_typographie_des_pieces() -> None:
    from clause_kit.commun.formats import typographie

    assert typographie("l&#39;article L. 2112-2, R. 2152-7 et art. 9 ; 10,00 € HT") == (
        "l\u2019article L.\u00a02112-2, R.\u00a02152-7 et art.\u00a09 ; 10,00 €\u00a0HT"
    )
    assert typographie("l'école n° 3 ; Lot n° 2") == "l\u2019école n°\u00a03 ; Lot n°\u00a02"
    assert typographie("M. Dupont, p. 12") == "M. Dupont, p. 12"  # only the legal abbreviations


def test_slugs_distincts_pour_des_noms_qui_se_confondent() -> None:
    """A slug shared by several names: each gets a hash of its own name; without Latin letters, a hash."""
    noms = ["Saint-Zacharie", "Saint Zacharie", "SAINT-ZACHARIE", "Saint Zacharie 2", "Δήμος Αθηναίων", "北京市", "🏛️"]
    resultat = slugs_distincts(noms, "acheteur")
    assert resultat["Saint Zacharie 2"] == "saint-zacharie-2"  # its own slug, shared by no one: kept
    for nom in ("Saint-Zacharie", "Saint Zacharie", "SAINT-ZACHARIE"):
        assert re.fullmatch(r"saint-zacharie--[0-9a-f]{8}", resultat[nom]), resultat
    assert re.fullmatch(r"acheteur--[0-9a-f]{8}", resultat["Δήμος Αθηναίων"])
    assert len(set(resultat.values())) == len(noms)
    assert slugs_distincts(reversed(noms), "acheteur") == resultat  # whatever the order given
    # A name's part depends on that name alone once it collides: a new buyer sorting first takes nothing.
    plus = slugs_distincts([*noms, "SAINT ZACHARIE"], "acheteur")
    assert all(plus[nom] == resultat[nom] for nom in noms if nom != "Saint Zacharie 2")
    # Nor can a name that spells another's hashed part: « -- » is never in a slug of its own.
    piege = "Saint Zacharie " + resultat["Saint-Zacharie"].rsplit("-", 1)[1]
    assert slugs_distincts([*noms, piege], "acheteur")["Saint-Zacharie"] == resultat["Saint-Zacharie"]


@given(st.lists(st.text(max_size=12), max_size=8))
def test_slugs_distincts_toujours_distincts_et_sains(noms: list[str]) -> None:
    resultat = slugs_distincts(noms)
    assert set(resultat) == set(noms)
    assert len(set(resultat.values())) == len(resultat)
    assert all(re.fullmatch(r"[a-z0-9_-]+", v) for v in resultat.values())
