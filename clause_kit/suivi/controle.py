"""The rules a filled row must pass: pure functions, no I/O, no database.

A row becomes a ``LigneSuivi`` (typed, codes resolved to their keys, hours in hundredths so
that sums are exact) or a list of ``Anomalie``, each naming the column at fault. Rules that
need several rows (the same person twice on overlapping dates) are in ``controler_ensemble``.

Participant codes: 2 to 20 characters, letters, digits, ``-`` or ``_``, at least one letter
and one digit (``AUB-0042``), stored in capitals. A value that looks like a name (letters
only, two words, or two name-like segments joined by ``-``, ``_`` or ``.`` as in
``DUPONT-JEAN-1``) or a social-security number (13 digits or more) is not an error of the row
but a breach of the rule « no name anywhere »: ``code_nominatif`` lets the import refuse the
whole file, so that neither a row nor a copy of it is kept. Codes are compared in their NFKC
form, in capitals; a code that NFKC would change (``ſ``, full-width letters, ligatures) is
refused rather than silently read as another one.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, TypeVar

from clause_kit.commun.affichage import affichable
from clause_kit.commun.codes import codes, resoudre
from clause_kit.commun.dates import DATE_MAX, DATE_MIN, MESSAGE_PLAGE, date_hors_plage
from clause_kit.commun.formats import siret_valide
from clause_kit.suivi.lecture import LigneBrute

K = TypeVar("K")

__all__ = [
    "HEURES_MAX",
    "Anomalie",
    "LigneSuivi",
    "PREFIXES_CODE",
    "MarcheConnu",
    "Neant",
    "chevauchent",
    "code_nominatif",
    "code_normalise",
    "court",
    "nom_probable",
    "controler_ensemble",
    "controler_neant",
    "controler_registre",
    "controler_ligne",
    "est_neant",
    "texte_cellule",
]

#: More hours than this in one month for one person is a typing error (about 1.6 full-time months).
HEURES_MAX = Decimal(250)
_CODE = re.compile(r"^(?=.*[A-Z])(?=.*\d)[A-Z0-9][A-Z0-9_-]{1,19}$")
#: Two words (« Jean Dupont »), or a word of four letters or more beside a space (« Dupont 2 »).
# Two words of letters. Each run of letters is only tried from its first letter (lookbehind) and
# never given back (possessive): otherwise a cell of a million letters without a space is tried
# from every one of them, a quadratic search that held an import for minutes.
_MOTS = re.compile(r"(?<![^\W\d_])[^\W\d_]{2,}+[\s.]+[^\W\d_]{2,}|(?<![^\W\d_])[^\W\d_]{4,}+\s|\s[^\W\d_]{4,}")
_EPOQUE_TABLEUR = datetime.date(1899, 12, 30)
#: The spreadsheet serial numbers of the accepted dates: another number in a date column is no date.
_SERIE_MIN, _SERIE_MAX = ((jour - _EPOQUE_TABLEUR).days for jour in (DATE_MIN, DATE_MAX))
_DATE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
_DATE_FR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_MOIS_ISO = re.compile(r"(\d{4})-(\d{1,2})")
_MOIS_FR = re.compile(r"(\d{1,2})/(\d{4})")
_NIR = re.compile(r"\d{13,15}|[12]\d{4}(2A|2B)\d{6,8}", flags=re.IGNORECASE)
_SEPARATEURS = re.compile(r"[\s.\-]")
_LOT = re.compile(r"(?:lot\s*(?:n°|no)?\s*)?(\d{1,3})", flags=re.IGNORECASE)
#: A run of letters in a code: « DUPONT », « JEAN » and « 1 » make ``DUPONT-JEAN-1``.
_SEGMENT = re.compile(r"[^\W\d_]+")
#: Acronyms of the insertion world a facilitator may put in a code beside a local prefix
#: (``PLIE-AUB-0042``): never read as a name.
PREFIXES_CODE = frozenset(
    {"ACI", "AFPA", "APEC", "CAP", "CCAS", "CIAS", "CODE", "DEMO", "EPIDE", "ESAT", "ETTI", "GEIQ", "IAE", "LOT"}
    | {"MDE", "MDPH", "PERS", "PLIE", "QPV", "REF", "RSA", "SIAE", "TEST", "ZRR"}
)


@dataclass(frozen=True)
class Anomalie:
    """A problem of one row, on one column (its machine key)."""

    cle: str
    message: str


@dataclass(frozen=True)
class MarcheConnu:
    """What the rules need to know of a registered contract."""

    reference: str
    #: Lot number → whether it carries the clause.
    lots: Mapping[int, bool]
    debut: datetime.date | None = None
    fin: datetime.date | None = None


@dataclass(frozen=True)
class LigneSuivi:
    """A valid row: one person, one lot, one month."""

    reference: str
    lot: int
    participant: str
    publics: tuple[str, ...]
    sexe: str
    tranche_age: str
    residence: str | None
    modalite: str
    siret_employeur: str | None
    type_contrat: str
    debut_contrat: datetime.date
    fin_contrat: datetime.date | None
    mois: str
    heures_c: int
    heures_formation_c: int
    sortie: str | None


class _Refus(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def texte_cellule(valeur: Any) -> str:
    """A cell as text: 12.0 read from a workbook is « 12 », dates are ISO."""
    if type(valeur) is str:  # the common case first: this runs for every cell
        return valeur.strip()
    if isinstance(valeur, float) and valeur.is_integer():
        return str(int(valeur))
    if isinstance(valeur, datetime.datetime):
        return valeur.date().isoformat() if valeur.time() == datetime.time() else valeur.isoformat(sep=" ")
    if isinstance(valeur, datetime.date):
        return valeur.isoformat()
    return str(valeur).strip() if valeur is not None else ""


def code_normalise(texte: str) -> str:
    """A person code as codes are compared and stored: its NFKC form, in capitals."""
    return unicodedata.normalize("NFKC", texte).upper()


def _segment_nominatif(segment: str) -> bool:
    """Whether a run of letters of a code could be a surname or a first name (« DUPONT », « LÉA »).

    Three letters or more with a vowel: a local prefix (« AUB ») passes this test too, so one such
    segment is allowed; consonant-only acronyms (« BTP ») and known prefixes (« PLIE ») are not names.
    """
    sans_accents = unicodedata.normalize("NFKD", segment).encode("ascii", "ignore").decode("ascii")
    return len(segment) >= 3 and segment not in PREFIXES_CODE and any(v in sans_accents for v in "AEIOUY")


def code_nominatif(valeur: Any) -> bool:
    """Whether a participant value looks like a name or a social-security number.

    Beside two words or letters alone, two name-like runs of letters joined by anything
    (``DUPONT-JEAN-1``, ``MARTIN_SOPHIE_75``), one of four letters or more: codes a facilitator
    gives have one run of letters, a prefix (``AUB-0042``, ``P-2026-0042``).
    """
    texte = code_normalise(texte_cellule(valeur))  # a name typed in full-width letters is still a name
    if _NIR.fullmatch(_SEPARATEURS.sub("", texte)):
        return True
    lettres = sum(c.isalpha() for c in texte)
    if (lettres >= 2 and not any(c.isdigit() for c in texte)) or _MOTS.search(texte):
        return True
    segments = [s for s in _SEGMENT.findall(texte) if _segment_nominatif(s)]
    return len(segments) >= 2 and any(len(s) >= 4 for s in segments)


def nom_probable(valeur: Any, *, numero_securite_sociale: bool = True) -> bool:
    """Whether a value of another column than the code looks like a name: two words, or a social-security number.

    Stricter than ``code_nominatif``: a single word (« néant », « mars ») or a label (« CDI à
    mi-temps ») is a typing slip of that column, not a name.
    """
    texte = texte_cellule(valeur)
    if numero_securite_sociale and _NIR.fullmatch(_SEPARATEURS.sub("", texte)):
        return True
    return bool(_MOTS.search(texte) and texte[:1].isupper())


def _court(texte: str) -> str:
    """A typed value as quoted in a message: a pasted paragraph is cut, terminal controls are escaped."""
    return affichable(texte)


#: The same cut for the import's own messages (headers of added columns, references).
court = _court


def _proche(valeur: str, possibles: list[str]) -> str:
    from clause_kit.marche.modele import suggestion  # only on an error: the contract model is slow to load

    return suggestion(valeur, possibles)


def _code(liste: str, valeur: Any) -> str:
    texte = texte_cellule(valeur)
    code = resoudre(liste, texte) if len(texte) <= 200 else None
    if code is None:
        cles = [c.cle for c in codes(liste)]
        proche = _proche(texte.lower(), cles) if len(texte) <= 60 else ""
        raise _Refus(f"code inconnu « {_court(texte)} »{proche} (codes possibles : {', '.join(cles)})")
    return code.cle


def _publics(valeur: Any) -> tuple[str, ...]:
    parties = [p for p in re.split(r"[;,]", texte_cellule(valeur)) if p.strip()]
    resolus = tuple(dict.fromkeys(_code("publics", p) for p in parties))
    if not resolus:
        raise _Refus("au moins une catégorie de public attendue")
    return resolus


def _date(valeur: Any) -> datetime.date:
    """A work contract's date, within the range every date of clause_kit keeps to (``commun.dates``)."""
    jour = _jour(valeur)
    if date_hors_plage(jour):
        # A 9999 end would keep the person's rows past any purge; 1900 is a spreadsheet's day zero.
        raise _Refus(f"date {jour.day:02d}/{jour.month:02d}/{jour.year:04d} hors de la plage admise : {MESSAGE_PLAGE}")
    return jour


def _jour(valeur: Any) -> datetime.date:
    if isinstance(valeur, datetime.datetime):
        return valeur.date()
    if isinstance(valeur, datetime.date):
        return valeur
    if isinstance(valeur, int | float) and _SERIE_MIN <= valeur <= _SERIE_MAX:  # a spreadsheet serial date
        return _EPOQUE_TABLEUR + datetime.timedelta(days=int(valeur))
    texte = texte_cellule(valeur)
    try:
        if m := _DATE_ISO.fullmatch(texte):
            return datetime.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DATE_FR.fullmatch(texte):
            return datetime.date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError as err:
        raise _Refus(f"date impossible « {_court(texte)} »") from err
    raise _Refus(f"date illisible « {_court(texte)} » (attendu JJ/MM/AAAA ou AAAA-MM-JJ)")


def _mois(valeur: Any) -> str:
    texte = texte_cellule(valeur)
    m = _MOIS_ISO.fullmatch(texte) or _MOIS_FR.fullmatch(texte)
    if m:
        annee, mois = (int(m[1]), int(m[2])) if len(m[1]) == 4 else (int(m[2]), int(m[1]))
        if not 1 <= mois <= 12 or not 2000 <= annee <= 2099:
            raise _Refus(f"mois impossible « {_court(texte)} »")
        return f"{annee:04d}-{mois:02d}"
    try:
        jour = _jour(valeur)
    except _Refus as err:
        raise _Refus(f"mois illisible « {_court(texte)} » (attendu MM/AAAA ou AAAA-MM)") from err
    if not 2000 <= jour.year <= 2099:
        raise _Refus(f"mois impossible « {_court(texte)} »")
    return f"{jour.year:04d}-{jour.month:02d}"


def _centiemes(valeur: Any) -> int:
    texte = texte_cellule(valeur).replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    texte = texte.removesuffix("h").removesuffix("H")
    try:
        nombre = Decimal(texte)
    except InvalidOperation as err:
        raise _Refus(f"nombre d'heures illisible « {_court(texte_cellule(valeur))} »") from err
    if not nombre.is_finite():
        raise _Refus(f"nombre d'heures illisible « {_court(texte_cellule(valeur))} »")
    if nombre < 0:
        raise _Refus(f"nombre d'heures négatif ({_court(texte)})")
    if nombre > HEURES_MAX:
        raise _Refus(f"{_court(texte)} heures dans un mois : plus que le maximum de {HEURES_MAX} heures")
    return int((nombre * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _participant(valeur: Any) -> str:
    texte = texte_cellule(valeur)
    if unicodedata.normalize("NFKC", texte) != texte:
        # « ſ » or a full-width « Ａ » would otherwise become another person's plain code once normalised.
        raise _Refus(
            f"code de personne « {_court(texte)} » : caractère de forme spéciale (lettre pleine chasse, ligature, "
            "« ſ », espace insécable…) ; retapez le code en lettres et chiffres simples (ex. AUB-0042)"
        )
    code = code_normalise(texte)
    if not _CODE.fullmatch(code):
        raise _Refus(
            "code de personne non conforme : 2 à 20 caractères, lettres, chiffres, « - » ou « _ », "
            "au moins une lettre et un chiffre (ex. AUB-0042)"
        )
    return code


def _lot(valeur: Any, marche: MarcheConnu) -> int:
    texte = texte_cellule(valeur)
    chiffres = _LOT.fullmatch(texte)
    connus = ", ".join(str(n) for n in sorted(marche.lots))
    if chiffres is None or int(chiffres[1]) not in marche.lots:
        raise _Refus(f"lot « {_court(texte)} » inconnu pour le marché {marche.reference} (lots : {connus})")
    numero = int(chiffres[1])
    if not marche.lots[numero]:
        raise _Refus(f"le lot {numero} ne porte pas de clause d'insertion : des heures n'y sont pas attendues")
    return numero


def _lot_de(brute: LigneBrute, marche: MarcheConnu) -> int:
    """The row's lot; a contract with a single lot does not need it typed."""
    if "lot" in brute.valeurs:
        return _lot(brute.valeurs["lot"], marche)
    if len(marche.lots) == 1:
        return _lot(next(iter(marche.lots)), marche)
    raise _Refus("numéro de lot manquant (ce marché a plusieurs lots)")


def _siret(valeur: Any) -> str:
    texte = re.sub(r"\s", "", texte_cellule(valeur))
    if not siret_valide(texte):
        raise _Refus(f"SIRET invalide « {_court(texte)} » : 14 chiffres avec une clé de contrôle correcte")
    return texte


_OBLIGATOIRES = ("participant", "publics", "sexe", "tranche_age", "modalite", "type_contrat", "debut_contrat")
_LECTEURS: dict[str, Any] = {
    "participant": _participant,
    "publics": _publics,
    "sexe": lambda v: _code("sexes", v),
    "tranche_age": lambda v: _code("tranches_age", v),
    "residence": lambda v: _code("residences", v),
    "modalite": lambda v: _code("modalites", v),
    "siret_employeur": _siret,
    "type_contrat": lambda v: _code("types_contrat", v),
    "debut_contrat": _date,
    "fin_contrat": _date,
    "mois": _mois,
    "heures": _centiemes,
    "heures_formation": _centiemes,
    "sortie": lambda v: _code("sorties", v),
}


def _marche(brute: LigneBrute, reference_defaut: str | None, marches: Mapping[str, MarcheConnu]) -> MarcheConnu:
    reference = texte_cellule(brute.valeurs.get("reference")) or reference_defaut
    if not reference:
        raise _Refus("référence du marché manquante")
    # A workbook belongs to the contract of its hidden identity: a row typed for another contract is a
    # mistake (a copied row, a wrong template), not a declaration for that other contract.
    if reference_defaut and reference.lower() != reference_defaut.lower():
        raise _Refus(f"référence {_court(reference)} différente de celle de la fiche ({_court(reference_defaut)})")
    marche = marches.get(reference) or next((m for r, m in marches.items() if r.lower() == reference.lower()), None)
    if marche is None:
        raise _Refus(
            f"marché {_court(reference)} inconnu du registre : importez d'abord son fichier YAML ou son manifest.json"
        )
    return marche


def _lire_champs(brute: LigneBrute, anomalies: list[Anomalie]) -> dict[str, Any]:
    champs: dict[str, Any] = {}
    for cle, lecteur in _LECTEURS.items():
        valeur = brute.valeurs.get(cle)
        if valeur is None:
            if cle in _OBLIGATOIRES or cle in ("mois", "heures"):
                anomalies.append(Anomalie(cle, "valeur obligatoire manquante"))
            continue
        try:
            champs[cle] = lecteur(valeur)
        except _Refus as err:
            anomalies.append(Anomalie(cle, err.message))
    return champs


def _mois_de(jour: datetime.date) -> str:
    return f"{jour.year:04d}-{jour.month:02d}"


def _dates(champs: dict[str, Any], marche: MarcheConnu) -> list[Anomalie]:
    anomalies = []
    debut, fin, mois = champs.get("debut_contrat"), champs.get("fin_contrat"), champs.get("mois")
    if debut and fin and fin < debut:
        anomalies.append(Anomalie("fin_contrat", f"fin du contrat ({fin:%d/%m/%Y}) avant son début ({debut:%d/%m/%Y})"))
    elif mois and debut and (mois < _mois_de(debut) or (fin and mois > _mois_de(fin))):
        dates = f"du {debut:%d/%m/%Y}" + (f" au {fin:%d/%m/%Y}" if fin else ", sans fin")
        anomalies.append(Anomalie("mois", f"mois {mois} hors des dates du contrat de travail ({dates})"))
    if mois and marche.debut and mois < _mois_de(marche.debut):
        anomalies.append(
            Anomalie("mois", f"mois {mois} avant le début d'exécution du marché ({marche.debut:%d/%m/%Y})")
        )
    if mois and marche.fin and mois > _mois_de(marche.fin):
        anomalies.append(Anomalie("mois", f"mois {mois} après la fin d'exécution du marché ({marche.fin:%d/%m/%Y})"))
    return anomalies


def controler_ligne(
    brute: LigneBrute, reference_defaut: str | None, marches: Mapping[str, MarcheConnu]
) -> tuple[LigneSuivi | None, list[Anomalie]]:
    """Check one row against the contracts of the register: a valid row, or the problems found (all of them)."""
    try:
        marche = _marche(brute, reference_defaut, marches)
    except _Refus as err:
        return None, [Anomalie("reference", err.message)]
    anomalies: list[Anomalie] = []
    lot = None
    try:
        lot = _lot_de(brute, marche)
    except _Refus as err:
        anomalies.append(Anomalie("lot", err.message))
    champs = _lire_champs(brute, anomalies)
    anomalies += _dates(champs, marche)
    if anomalies or lot is None:
        return None, anomalies
    return LigneSuivi(
        reference=marche.reference,
        lot=lot,
        participant=champs["participant"],
        publics=champs["publics"],
        sexe=champs["sexe"],
        tranche_age=champs["tranche_age"],
        residence=champs.get("residence"),
        modalite=champs["modalite"],
        siret_employeur=champs.get("siret_employeur"),
        type_contrat=champs["type_contrat"],
        debut_contrat=champs["debut_contrat"],
        fin_contrat=champs.get("fin_contrat"),
        mois=champs["mois"],
        heures_c=champs["heures"],
        heures_formation_c=champs.get("heures_formation", 0),
        sortie=champs.get("sortie"),
    ), []


@dataclass(frozen=True)
class Neant:
    """A declaration that nobody worked on a lot in a month: the month is received, with no hours."""

    reference: str
    lot: int
    mois: str


#: What the code column says for a month with nobody (any case, with or without the accent).
_NEANT = {"NEANT", "NÉANT"}


def est_neant(brute: LigneBrute) -> bool:
    """Whether a row is a « néant » declaration (« néant » in the code column)."""
    return texte_cellule(brute.valeurs.get("participant")).upper() in _NEANT


def controler_neant(
    brute: LigneBrute, reference_defaut: str | None, marches: Mapping[str, MarcheConnu]
) -> tuple[Neant | None, list[Anomalie]]:
    """Check a « néant » row: its contract, lot and month, and nothing else typed."""
    try:
        marche = _marche(brute, reference_defaut, marches)
    except _Refus as err:
        return None, [Anomalie("reference", err.message)]
    anomalies: list[Anomalie] = []
    lot = mois = None
    try:
        lot = _lot_de(brute, marche)
    except _Refus as err:
        anomalies.append(Anomalie("lot", err.message))
    if "mois" not in brute.valeurs:
        anomalies.append(Anomalie("mois", "une ligne « néant » dit de quel mois il s'agit"))
    else:
        try:
            mois = _mois(brute.valeurs["mois"])
        except _Refus as err:
            anomalies.append(Anomalie("mois", err.message))
    autres = sorted(set(brute.valeurs) - {"reference", "lot", "participant", "mois"})
    if autres:
        anomalies.append(
            Anomalie(autres[0], "une ligne « néant » (personne n'a travaillé) ne porte que le lot et le mois")
        )
    if anomalies or lot is None or mois is None:
        return None, anomalies
    return Neant(marche.reference, lot, mois), []


def _chevauchent(a: LigneSuivi, b: LigneSuivi) -> bool:
    fin_a = a.fin_contrat or datetime.date.max
    fin_b = b.fin_contrat or datetime.date.max
    return a.debut_contrat <= fin_b and b.debut_contrat <= fin_a


def chevauchent(debut_a: str, fin_a: str | None, debut_b: str, fin_b: str | None) -> bool:
    """Whether two work contracts given as ISO dates (no end: still running) share a day."""
    return debut_a <= (fin_b or "9999-12-31") and debut_b <= (fin_a or "9999-12-31")


def controler_ensemble(
    lignes: Sequence[tuple[K, LigneSuivi]], nommer: Callable[[K], str] = "ligne {}".format
) -> dict[K, Anomalie]:
    """Rows (by their key, a row number by default) that repeat a person: same lot and month, or overlap.

    Two overlapping work contracts of one person are the other repetition; ``nommer`` says where the
    first row is (``ligne 12``) in the message.
    """
    refus: dict[K, Anomalie] = {}
    vus: dict[tuple[str, int, str, str], K] = {}
    contrats: dict[tuple[str, str], dict[datetime.date, tuple[K, LigneSuivi]]] = {}
    for numero, ligne in lignes:
        cle = (ligne.reference, ligne.lot, ligne.participant, ligne.mois)
        if cle in vus:
            refus[numero] = Anomalie(
                "participant",
                f"{ligne.participant} figure déjà {nommer(vus[cle])} pour le lot {ligne.lot} et le mois {ligne.mois}",
            )
            continue
        vus[cle] = numero
        connus = contrats.setdefault((ligne.reference, ligne.participant), {})
        if ligne.debut_contrat in connus:
            continue
        autre = next((n for n, a in connus.values() if _chevauchent(a, ligne)), None)
        if autre is not None:
            refus[numero] = Anomalie(
                "debut_contrat",
                f"{ligne.participant} a déjà un autre contrat sur ce marché aux mêmes dates ({nommer(autre)})",
            )
            continue
        connus[ligne.debut_contrat] = (numero, ligne)
    return refus


def controler_registre(
    lignes: list[tuple[int, LigneSuivi]], existants: list[tuple[str, datetime.date, datetime.date | None]]
) -> dict[int, Anomalie]:
    """Rows of a new file whose work contract overlaps another contract of the same person kept in the register.

    ``existants`` are the kept rows of the same contract (marché): (code, contract start, end).
    The same contract (same start) declared again for other months is not an overlap.
    """
    par_personne: dict[str, set[tuple[datetime.date, datetime.date | None]]] = {}
    for participant, debut, fin in existants:
        par_personne.setdefault(participant, set()).add((debut, fin))
    refus: dict[int, Anomalie] = {}
    for numero, ligne in lignes:
        for debut, fin in par_personne.get(ligne.participant, set()):
            autre = dataclasses.replace(ligne, debut_contrat=debut, fin_contrat=fin)
            if debut != ligne.debut_contrat and _chevauchent(autre, ligne):
                refus[numero] = Anomalie(
                    "debut_contrat",
                    f"{ligne.participant} a déjà, sur ce marché, un contrat déclaré du {debut:%d/%m/%Y} "
                    f"{f'au {fin:%d/%m/%Y}' if fin else 'sans fin'} qui chevauche celui-ci",
                )
                break
    return refus
