"""French formatting for the generated legal documents. Pure functions, no I/O.

This module owns how a value is written in a piece of the dossier: numbers with French
grouping, amounts in figures and in letters (as in an acte d'engagement), hours,
percentages, dates, and the checks and layout of SIRET and CPV codes, plus the slugs
used for folder names. Every string it returns or raises is French.

Typography follows French usage as CLDR encodes it for ``fr``: the thousands separator is
the narrow no-break space U+202F, and ``€`` and ``%`` follow a no-break space U+00A0, so a
figure never breaks across lines.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from babel.numbers import format_decimal

__all__ = [
    "MARQUE_DEBUT",
    "MARQUE_FIN",
    "cpv_valide",
    "date_fr",
    "a_la_commune",
    "designation_avec_article",
    "enumeration",
    "espaces_insecables",
    "typographie",
    "fois_en_lettres",
    "premiere_minuscule",
    "puce",
    "sans_point_final",
    "surligne",
    "formater_siret",
    "heures",
    "montant",
    "montant_en_lettres",
    "nombre_en_lettres",
    "nombre_simple",
    "decimales_utiles",
    "nombre",
    "normaliser_cpv",
    "pourcentage",
    "siret_valide",
    "slug",
    "slugs_distincts",
]

ESPACE_FINE = "\u202f"  # narrow no-break space: thousands separator
ESPACE_INSECABLE = "\u00a0"  # no-break space: before € and %, inside a SIRET

_TAXES = {"HT": "hors taxes", "TTC": "toutes taxes comprises", "": ""}
_MONTANT_MAX = Decimal("999999999999.99")


# --- numbers -------------------------------------------------------------------------


def _en_decimal(valeur: Decimal | int | str) -> Decimal:
    """Convert an amount given as Decimal, int or text into a finite Decimal.

    Floats are refused: a binary float cannot hold 0.1 exactly, and an amount written in a
    contract must be the amount that was typed. Text may use a French decimal comma and
    spaces between thousands ("1 250 000,50").
    """
    if isinstance(valeur, bool | float) or not isinstance(valeur, Decimal | int | str):
        raise TypeError(f"montant attendu en Decimal, entier ou texte, pas {type(valeur).__name__}")
    if isinstance(valeur, str):
        texte = "".join(valeur.split()).replace(",", ".")
        try:
            resultat = Decimal(texte)
        except InvalidOperation as err:
            raise ValueError(f"montant illisible : {valeur!r}") from err
    else:
        resultat = Decimal(valeur)
    if not resultat.is_finite():
        raise ValueError(f"montant illisible : {valeur!r}")
    return resultat


def _arrondir(valeur: Decimal, decimales: int) -> Decimal:
    """Round half up to ``decimales`` places (babel and Decimal default to half-even).

    The precision is widened first so that quantize never fails on a large value.
    """
    with localcontext() as ctx:
        ctx.prec = max(28, valeur.adjusted() + decimales + 2)
        arrondi = valeur.quantize(Decimal(1).scaleb(-decimales), rounding=ROUND_HALF_UP)
    # -0,00 must not reach a document.
    return arrondi.copy_abs() if arrondi == 0 else arrondi


def nombre(valeur: Decimal | int, decimales: int = 0) -> str:
    """Format a number the French way: ``1 429`` (U+202F) and ``0,89``, rounded half up."""
    if decimales < 0:
        raise ValueError("le nombre de décimales doit être positif ou nul")
    if isinstance(valeur, bool) or not isinstance(valeur, Decimal | int):
        raise TypeError(f"nombre attendu en Decimal ou entier, pas {type(valeur).__name__}")
    arrondi = _arrondir(Decimal(valeur), decimales)
    motif = "#,##0" + ("." + "0" * decimales if decimales else "")
    with localcontext() as ctx:
        # babel quantizes in the current context, which fails past its 28 digits.
        ctx.prec = max(28, arrondi.adjusted() + decimales + 2)
        texte = format_decimal(arrondi, format=motif, locale="fr_FR", decimal_quantization=False)
    # CLDR gives U+202F for fr today; older data gave U+00A0 or a plain space.
    return texte.replace(ESPACE_INSECABLE, ESPACE_FINE).replace(" ", ESPACE_FINE)


def _verifier_taxe(taxe: str) -> None:
    if taxe not in _TAXES:
        raise ValueError(f"mention de taxe inconnue : {taxe!r} ; valeurs possibles : « HT », « TTC » ou vide")


def _centimes_exacts(valeur: Decimal) -> Decimal:
    """Refuse an amount with significant digits past the cent: no silent rounding of money."""
    if valeur != _arrondir(valeur, 2):
        raise ValueError(f"montant avec plus de deux décimales : {valeur}")
    return _arrondir(valeur, 2)


def montant(valeur: Decimal | int | str, taxe: str = "HT") -> str:
    """Format an amount in euros: ``1 250 000,00 € HT`` (``taxe`` is "HT", "TTC" or "").

    A negative amount (a moins-value in an avenant) is allowed; more than two decimals is not.
    """
    _verifier_taxe(taxe)
    texte = nombre(_centimes_exacts(_en_decimal(valeur)), 2) + ESPACE_INSECABLE + "€"
    return f"{texte} {taxe}" if taxe else texte


def heures(valeur: int) -> str:
    """Format a number of hours: ``1 429 heures``, ``1 heure``, ``0 heure``."""
    if isinstance(valeur, bool) or not isinstance(valeur, int):
        raise TypeError(f"nombre d'heures entier attendu, pas {type(valeur).__name__}")
    if valeur < 0:
        raise ValueError("un nombre d'heures ne peut pas être négatif")
    # French singular covers 0 and 1 ("0 heure").
    return f"{nombre(valeur)} {'heure' if valeur < 2 else 'heures'}"


def pourcentage(valeur: Decimal | int | float, decimales: int | None = None) -> str:
    """Format a percentage given in percent: ``10 %``, ``12,5 %`` (U+00A0 before %).

    Without ``decimales`` the significant decimals are kept and trailing zeros dropped.
    """
    if isinstance(valeur, bool) or not isinstance(valeur, Decimal | int | float):
        raise TypeError(f"pourcentage attendu en nombre, pas {type(valeur).__name__}")
    # str() gives the shortest repr of a float: 12.5 and not 12.5000000000000001.
    nombre_decimal = Decimal(str(valeur)) if isinstance(valeur, float) else Decimal(valeur)
    if not nombre_decimal.is_finite():
        raise ValueError(f"pourcentage illisible : {valeur!r}")
    if decimales is None:
        decimales = decimales_utiles(nombre_decimal)
    return nombre(nombre_decimal, decimales) + ESPACE_INSECABLE + "%"


def decimales_utiles(valeur: Decimal) -> int:
    """How many decimals a number needs once trailing zeros are dropped: 12.50 → 1, 10 → 0."""
    exposant = valeur.normalize().as_tuple().exponent
    return max(0, -exposant) if isinstance(exposant, int) else 0


def nombre_simple(valeur: Decimal | int) -> str:
    """A number as written in a sentence or a message, no grouping, no trailing zeros: 1,5 ; 50 ; 32,5."""
    return format(Decimal(valeur).normalize(), "f").replace(".", ",")


# --- amounts in letters ----------------------------------------------------------------

_UNITES = ("zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize").split()
_DIZAINES = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}


def _moins_de_cent(n: int) -> str:
    """Write 1..99 in traditional spelling; 80 is returned without its final s."""
    if n <= 16:
        return _UNITES[n]
    if n < 20:
        return "dix-" + _UNITES[n - 10]
    dizaine, unite = divmod(n, 10)
    if dizaine in (7, 9):
        # 70-79 and 90-99 count on from soixante / quatre-vingt: soixante-douze, quatre-vingt-onze.
        base = "soixante" if dizaine == 7 else "quatre-vingt"
        liaison = " et " if n == 71 else "-"
        return base + liaison + _moins_de_cent(10 + unite)
    if dizaine == 8:
        # No "et" after quatre-vingt: quatre-vingt-un.
        return "quatre-vingt" + ("-" + _UNITES[unite] if unite else "")
    base = _DIZAINES[dizaine]
    if unite == 0:
        return base
    return base + (" et un" if unite == 1 else "-" + _UNITES[unite])


def _moins_de_mille(n: int, final: bool) -> str:
    """Write 1..999; ``final`` tells whether vingt and cent may take their plural s.

    They do when they end the number or stand before million / milliard (nouns), and stay
    invariable before mille (an adjective): deux cents, deux cents millions, deux cent mille.
    """
    centaine, reste = divmod(n, 100)
    mots: list[str] = []
    if centaine:
        cent = "cent" if centaine == 1 else _UNITES[centaine] + " cent"
        mots.append(cent + ("s" if centaine > 1 and reste == 0 and final else ""))
    if reste:
        mots.append(_moins_de_cent(reste) + ("s" if reste == 80 and final else ""))
    return " ".join(mots)


def _entier_en_lettres(n: int) -> str:
    """Write 0..999 999 999 999 in letters, traditional (pre-1990) spelling."""
    if n == 0:
        return "zéro"
    milliards, reste = divmod(n, 10**9)
    millions, reste = divmod(reste, 10**6)
    milliers, unites = divmod(reste, 1000)
    mots: list[str] = []
    for quantite, nom in ((milliards, "milliard"), (millions, "million")):
        if quantite:
            mots.append(_moins_de_mille(quantite, final=True) + " " + nom + ("s" if quantite > 1 else ""))
    if milliers:
        # "mille", never "un mille"; mille is invariable and keeps cent / vingt invariable.
        mots.append("mille" if milliers == 1 else _moins_de_mille(milliers, final=False) + " mille")
    if unites:
        mots.append(_moins_de_mille(unites, final=True))
    return " ".join(mots)


def nombre_en_lettres(valeur: int, feminin: bool = False) -> str:
    """Write a whole number in letters: 1429 → "mille quatre cent vingt-neuf".

    ``feminin`` for a feminine noun such as « heures »: a final « un » agrees, « quarante et une
    heures », « cent une heures », « une heure » (« un » before « mille » or « million » does not).
    """
    if valeur < 0 or valeur > 999_999_999_999:
        raise ValueError(f"nombre hors limites pour être écrit en lettres : {valeur}")
    texte = _entier_en_lettres(valeur)
    if feminin and (texte == "un" or texte.endswith((" un", "-un"))):
        texte += "e"
    return texte


def montant_en_lettres(valeur: Decimal | int | str, taxe: str = "HT") -> str:
    """Write an amount in letters as in an acte d'engagement.

    ``montant_en_lettres(1250000)`` gives "un million deux cent cinquante mille euros hors
    taxes"; a round number of millions takes "d'euros", cents follow "et", zero cents are
    not written, and an amount under one euro is written in centimes only.

    Raises:
        ValueError: the amount is negative, above 999 999 999 999,99 or has more than two
            decimals, or ``taxe`` is not "HT", "TTC" or "".

    """
    _verifier_taxe(taxe)
    decimal = _en_decimal(valeur)
    if decimal < 0:
        raise ValueError(f"montant négatif : {decimal}")
    if decimal > _MONTANT_MAX:
        raise ValueError("montant trop élevé pour être écrit en lettres (999 999 999 999,99 € au plus)")
    decimal = _centimes_exacts(decimal)
    euros = int(decimal)
    centimes = int((decimal - euros) * 100)
    parties: list[str] = []
    if euros or not centimes:
        if euros and euros % 10**6 == 0:
            unite = "d'euros"  # un million d'euros: million and milliard are nouns
        else:
            unite = "euros" if euros > 1 else "euro"
        parties.append(f"{_entier_en_lettres(euros)} {unite}")
    if centimes:
        parties.append(f"{_entier_en_lettres(centimes)} {'centimes' if centimes > 1 else 'centime'}")
    texte = " et ".join(parties)
    return f"{texte} {_TAXES[taxe]}" if taxe else texte


# --- dates -----------------------------------------------------------------------------

_MOIS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()


def date_fr(d: datetime.date) -> str:
    """Write a date in full: ``1er avril 2026``, ``15 décembre 2026`` (no OS locale used)."""
    jour = "1er" if d.day == 1 else str(d.day)
    return f"{jour} {_MOIS[d.month - 1]} {d.year}"


# --- SIRET -----------------------------------------------------------------------------

_SIREN_LA_POSTE = "356000000"


def _chiffres_siret(siret: str) -> str | None:
    """Return the 14 digits of a SIRET typed with or without spaces, or None."""
    chiffres = "".join(siret.split())
    return chiffres if len(chiffres) == 14 and chiffres.isascii() and chiffres.isdigit() else None


def _luhn(chiffres: str) -> bool:
    total = 0
    for rang, caractere in enumerate(reversed(chiffres)):
        valeur = int(caractere) * (2 if rang % 2 else 1)
        total += valeur - 9 if valeur > 9 else valeur
    return total % 10 == 0


def siret_valide(siret: str) -> bool:
    """Tell whether a SIRET has 14 digits and a correct Luhn key (spaces allowed).

    La Poste's establishments share SIREN 356 000 000 and cannot all satisfy Luhn, so INSEE
    gives them a key making the sum of the 14 digits a multiple of 5; both are accepted.
    """
    chiffres = _chiffres_siret(siret)
    if chiffres is None:
        return False
    if _luhn(chiffres):
        return True
    return chiffres.startswith(_SIREN_LA_POSTE) and sum(map(int, chiffres)) % 5 == 0


def formater_siret(siret: str) -> str:
    """Lay out a valid SIRET as ``123 456 789 00012`` with no-break spaces (SIREN, then NIC)."""
    chiffres = _chiffres_siret(siret)
    if chiffres is None or not siret_valide(chiffres):
        raise ValueError(f"SIRET invalide : {siret!r} (14 chiffres avec une clé de contrôle correcte attendus)")
    groupes = (chiffres[0:3], chiffres[3:6], chiffres[6:9], chiffres[9:])
    return ESPACE_INSECABLE.join(groupes)


# --- CPV -------------------------------------------------------------------------------

# Hyphen, or the dashes a word processor substitutes for it, or a dot, or nothing.
_FORME_CPV = re.compile("([0-9]{8})[-\u2010\u2011\u2013\u2014.]?([0-9])")
_POIDS_CPV = (3, 7, 1, 3, 7, 1, 3, 7)

# Codes of the official CPV 2008 list (Reg. (EC) 213/2008) whose published check digit does
# not follow the rule above: the Publications Office acknowledged in 2024 that digits of the
# 2008 revision are wrong by its own rule and will not be corrected. Users copy the published
# digit, so it is the one accepted. Each entry maps a code prefix to the shift between the
# published digit and the computed one, found by checking the rule against some 330 codes of
# a copy of the official list (divisions 03, 09, 14, 15, 44, 45, 76, 77 and 79); the rest
# of the list may hold further exceptions, to add here when met.
_DECALAGES_CPV = {
    "03300000": 8,  # farming, hunting and fishing products
    "0331": 8,
    "0332": 8,
    "034": 9,  # forestry and logging products
    "091": 6,  # fuels (09000000-3 itself follows the rule)
    "092": 6,
    "093": 6,  # electricity, heating, solar and nuclear energy: 09310000-5
    "45233139": 1,  # highway maintenance work
    "79342410": 4,  # electronic auction services
}


def _cle_cpv(chiffres: str) -> int:
    """Check digit of an 8-digit CPV code: weights 3, 7, 1 repeated, sum modulo 10."""
    cle = sum(int(c) * p for c, p in zip(chiffres, _POIDS_CPV, strict=True)) % 10
    for prefixe, decalage in _DECALAGES_CPV.items():
        if chiffres.startswith(prefixe):
            return (cle + decalage) % 10
    return cle


def normaliser_cpv(code: str) -> str:
    """Return a CPV code in its official layout ``45000000-7``.

    Spaces are dropped and any dash, a dot or nothing is accepted before the check digit;
    the check digit itself is not verified here (see ``cpv_valide``).

    Raises:
        ValueError: the code is not 8 digits followed by one check digit.

    """
    compact = "".join(code.split())
    forme = _FORME_CPV.fullmatch(compact)
    if forme is None:
        if re.fullmatch("[0-9]{8}", compact):
            raise ValueError(f"code CPV incomplet : {code!r} ; ajouter le chiffre de contrôle, ex. 45000000-7")
        raise ValueError(f"code CPV mal formé : {code!r} ; attendu 8 chiffres, un tiret et un chiffre")
    return f"{forme.group(1)}-{forme.group(2)}"


def cpv_valide(code: str) -> bool:
    """Tell whether a CPV code is well formed and its check digit right (``45000000-7``)."""
    try:
        normalise = normaliser_cpv(code)
    except ValueError:
        return False
    return _cle_cpv(normalise[:8]) == int(normalise[9])


# --- slugs -----------------------------------------------------------------------------

# Ligatures and letters that NFKD does not decompose into a base letter.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"})


# Names Windows reserves for devices, with or without an extension: a folder so named cannot
# be copied to a Windows share. Suffixed with "_", which no slug contains otherwise.
_RESERVES_WINDOWS = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
#: Longest folder name made by ``slug``: file systems allow 255 bytes, and temporary names add some.
LONGUEUR_MAX_SLUG = 80


def slug(texte: str) -> str:
    """Make a folder-safe, portable name: ``La Penne-sur-Huveaune`` gives ``la-penne-sur-huveaune``.

    A Windows device name (``con``, ``nul``, ``com1``...) gets a ``_`` suffix; a name longer
    than ``LONGUEUR_MAX_SLUG`` is cut and ends with a short hash of the whole, so that two long
    names stay apart.

    Raises:
        ValueError: nothing usable (no letter or digit) is left.

    """
    minuscules = texte.lower().translate(_LIGATURES)
    sans_accents = "".join(c for c in unicodedata.normalize("NFKD", minuscules) if not unicodedata.combining(c))
    # NFKD may bring capitals back (e.g. from compatibility letters), so lower again.
    resultat = re.sub(r"[^a-z0-9]+", "-", sans_accents.lower()).strip("-")
    if not resultat:
        raise ValueError(f"aucune lettre ni aucun chiffre dans {texte!r} : nom de dossier impossible")
    if len(resultat) > LONGUEUR_MAX_SLUG:
        empreinte = hashlib.sha256(resultat.encode("ascii")).hexdigest()[:8]
        resultat = resultat[: LONGUEUR_MAX_SLUG - 9].rstrip("-") + "-" + empreinte
    if resultat in _RESERVES_WINDOWS:
        resultat += "_"
    return resultat


def slugs_distincts(noms: Iterable[str], sans_lettres: str = "sans-nom") -> dict[str, str]:
    """A distinct file-name part for each name, that depends on that name alone once it is taken.

    A name keeps its ``slug`` when no other name has it. Names whose slugs are equal
    (« Saint-Zacharie », « Saint Zacharie », « SAINT-ZACHARIE ») all get the slug, ``--`` and
    8 hex digits of the name's SHA-256, and a name with no Latin letter nor digit (« Δήμος
    Αθηναίων », « 北京市 », an emoji) ``<sans_lettres>--<8 hex digits>``. Never a rank, which a
    name sorting earlier would take over in a later run; and ``--``, which no slug contains, so
    that no other name's own slug can ever be one of these (« Saint Zacharie b49d0d00 » gives
    ``saint-zacharie-b49d0d00``). More digits are taken in the unlikely case they still collide.
    """
    noms = sorted(set(noms))
    bases: dict[str, str | None] = {}
    for nom in noms:
        try:
            bases[nom] = slug(nom)
        except ValueError:
            bases[nom] = None
    compte = Counter(base for base in bases.values() if base is not None)
    for longueur in range(8, 65, 4):
        resultat = {}
        for nom, base in bases.items():
            if base is not None and compte[base] == 1:
                resultat[nom] = base
                continue
            empreinte = hashlib.sha256(nom.encode("utf-8", "surrogatepass")).hexdigest()[:longueur]
            resultat[nom] = f"{base or sans_lettres}--{empreinte}"
        if len(set(resultat.values())) == len(resultat):
            return resultat
    raise ValueError("noms impossibles à distinguer")  # 64 hex digits of SHA-256 apart: never


# --- sentences -----------------------------------------------------------------------

#: Private-use marks around a value the rendering highlights (a default in a draft, a field to
#: complete); ``surlignage`` turns them into highlighted runs. The model refuses them in input.
MARQUE_DEBUT, MARQUE_FIN = "\ue000", "\ue001"


def surligne(texte: str) -> str:
    """``texte`` marked to be highlighted in the piece."""
    return f"{MARQUE_DEBUT}{texte}{MARQUE_FIN}"


_FINS_GARDEES = ("etc.", "...", "…", "?", "!")


def sans_point_final(texte: str) -> str:
    """A typed text without its closing period, so templates add their own punctuation once.

    « tutorat. » followed by the template's « ; » gave « tutorat. ; »; an abbreviation (« etc. »),
    an ellipsis, « ? » or « ! » is kept.
    """
    interieur, fin = (texte[:-1], MARQUE_FIN) if texte.endswith(MARQUE_FIN) else (texte, "")
    propre = interieur.rstrip()
    while propre.endswith((".", ";", ",", ":")) and not propre.endswith(_FINS_GARDEES):
        if re.search(r"(?:^|[\s.])\w\.$", propre):  # « S.A. », « M. »: an abbreviation keeps its period
            break
        propre = propre[:-1].rstrip()
    return propre + fin


_ESPACE_AVANT = re.compile(r"[ \u202f]+([;:!?»])")
_COLLE_AVANT = re.compile(r"(?<=\w)([;!?])")
_UNITE = re.compile(r"(?<=\d) (%|€)")
_APRES_GUILLEMET = re.compile(r"«[ \u00a0\u202f]*")


def espaces_insecables(texte: str, *, ajouter: bool = False) -> str:
    """French typography: the space typed before « ; : ! ? » and inside guillemets becomes a no-break space.

    ``ajouter`` also puts one where none was typed before « ; ! ? » (« marché; suite »): only for
    raw text, never for XML, where « &amp; » ends with a semicolon. A colon is left alone when
    glued (« 10:30 », « http:// »).
    """
    texte = _ESPACE_AVANT.sub(ESPACE_INSECABLE + r"\1", texte)
    texte = _UNITE.sub(ESPACE_INSECABLE + r"\1", texte)
    if ajouter:
        texte = _COLLE_AVANT.sub(ESPACE_INSECABLE + r"\1", texte)
    return _APRES_GUILLEMET.sub("«" + ESPACE_INSECABLE, texte)


_APOSTROPHES = re.compile(r"&#39;|&apos;|'")
#: « L. 2112-2 », « R. 2152-7 », « art. 9 », « n° 364950 », « € HT »: the space after them never breaks.
_ABREVIATIONS = re.compile(r"\b(L\.|R\.|D\.|art\.|n°) (?=[0-9])|(€) (HT|TTC)\b")


def typographie(texte_xml: str) -> str:
    """The text of a ``w:t`` of a rendered piece in French typography: ’ for ', no-break spaces.

    The no-break spaces go after « L. », « R. », « art. », « n° » before a number and inside « € HT ».

    Applied once to every piece at rendering (templates and values alike); works on escaped XML
    text (docxtpl writes an apostrophe of a value as ``&#39;``).
    """
    texte = _APOSTROPHES.sub("\u2019", texte_xml)
    return _ABREVIATIONS.sub(lambda m: (m[1] or m[2]) + ESPACE_INSECABLE + (m[3] or ""), texte)


def premiere_minuscule(texte: str) -> str:
    """« Parcours d'accueil » → « parcours d'accueil » when inserted after « : »; acronyms (« RQTH ») kept."""
    debut = texte.lstrip(MARQUE_DEBUT)
    marque = texte[: len(texte) - len(debut)]
    if len(debut) > 1 and debut[0].isupper() and not debut[1].isupper():
        return marque + debut[0].lower() + debut[1:]
    return texte


_FOIS = {Decimal(1): "une fois", Decimal(2): "deux fois", Decimal(3): "trois fois", Decimal(4): "quatre fois"}


def fois_en_lettres(multiple: Decimal) -> str:
    """« une fois et demie », « deux fois », else « 1,25 fois »: how a multiple of the SMIC is written."""
    entier, reste = divmod(multiple, 1)
    if reste == 0 and entier in _FOIS:
        return _FOIS[entier]
    if reste == Decimal("0.5") and entier in _FOIS:
        return _FOIS[entier] + " et demie"
    return f"{nombre_simple(multiple)} fois"


def a_la_commune(nom: str) -> str:
    """« À Roquevaire », « Au Beausset », « Aux Pennes-Mirabeau », « À La Penne-sur-Huveaune »."""
    if nom.startswith("Le "):
        return "Au " + nom[3:]
    if nom.startswith("Les "):
        return "Aux " + nom[4:]
    return "À " + nom


def puce(texte: str, dernier: bool) -> str:
    """An item of a list in a sentence: « ; » after each item (no-break space before), « . » after the last."""
    propre = sans_point_final(str(texte))
    if dernier:
        return propre if propre.rstrip(MARQUE_FIN).endswith((".", "…", "?", "!")) else propre + "."
    return propre + ESPACE_INSECABLE + ";"


def enumeration(elements: list[str]) -> str:
    """« a », « a et b », « a, b et c »."""
    if len(elements) <= 1:
        return "".join(elements)
    return ", ".join(elements[:-1]) + " et " + elements[-1]


# First word of a buyer's name → its article (« la Commune de … », « le Département … »).
_ARTICLES = {
    "la": (
        "commune",
        "ville",
        "metropole",
        "communaute",
        "region",
        "collectivite",
        "regie",
        "prefecture",
        "direction",
        "caisse",
        "chambre",
        "societe",
        "universite",
        "agglomeration",
        "mairie",
        "maison",
    ),
    "le": (
        "departement",
        "conseil",
        "syndicat",
        "centre",
        "service",
        "sdis",
        "ccas",
        "groupement",
        "ministere",
        "pole",
        "territoire",
        "bailleur",
    ),
    "l'": ("etablissement", "office", "agence", "opac", "oph", "ecole", "institut", "hopital", "epci"),
}


def designation_avec_article(nom: str, article: str | None = None) -> str:
    """The buyer's name as a sentence names it: « la Commune de Roquevaire ».

    The article is the one given, else guessed from the first word; when it cannot be guessed,
    « l'acheteur, Nom » reads correctly whatever the name.
    """
    mots = nom.split()
    if article is None and mots and (mots[0].lower() in ("le", "la", "les") or nom[:2].lower() in ("l'", "l’")):
        return nom[0].lower() + nom[1:]  # « La Poste » → « la Poste »
    premier = unicodedata.normalize("NFKD", mots[0] if mots else "").encode("ascii", "ignore").decode("ascii")
    if article is None:
        mot = premier.lower().rstrip(",")
        article = next((a for a, liste in _ARTICLES.items() if mot in liste), None)
    if article is None:
        return f"l'acheteur, {nom}"
    separateur = "" if article == "l'" else " "
    return f"{article}{separateur}{nom}"
