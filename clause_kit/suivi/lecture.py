"""Reading filled follow-up sheets (.xlsx, .ods, .csv) into raw rows that know their cell.

No rule is applied here: each row keeps the values as typed, keyed by the data dictionary's
machine keys, with the place of every value (``Suivi!N14`` in a workbook, line 14 in a CSV)
so that every later message can name the cell. Columns are found by the hidden row of
machine keys or, if a company deleted it, by the French labels; their order does not matter.

Workbooks are read with python-calamine (Rust): on 10 000 rows it reads an .xlsx about
14 times faster than openpyxl in read-only mode, and it reads .ods and hidden sheets too
(figures in ``docs/performance.md``).
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clause_kit.commun.codes import normaliser
from clause_kit.commun.fichiers import LectureImpossible, lire_borne
from clause_kit.commun.ooxml import lettres_colonne
from clause_kit.dossier.classeur_suivi import (
    CELLULE_SIRET_TITULAIRE,
    CELLULE_TITULAIRE,
    COLONNES,
    FEUILLE_CODES,
    FEUILLE_LISTES,
    IDENTITE,
)
from clause_kit.suivi.erreurs import ErreurFichier
from clause_kit.suivi.etendue import cellule_la_plus_lointaine
from clause_kit.suivi.pesee import ClasseurRefuse, verifier_paquet

__all__ = ["EXTENSIONS", "TAILLE_MAX", "Feuille", "LigneBrute", "lire_feuilles"]

EXTENSIONS = (".xlsx", ".ods", ".csv")
#: A company's monthly sheet is a few kilobytes; a year of a large contract a few megabytes.
TAILLE_MAX = 50_000_000
#: The header (identity, keys, labels) is looked for in the first rows only.
LIGNES_EN_TETE = 40

_PAR_CLE = {c.cle: c.cle for c in COLONNES}
_PAR_LIBELLE = {normaliser(c.libelle): c.cle for c in COLONNES}


@dataclass
class LigneBrute:
    """One filled row: raw values by machine key, and where each one sits."""

    #: Row number in the sheet, or line number in the CSV file.
    ligne: int
    valeurs: dict[str, Any]
    #: Machine key → column letter (``N``) in a workbook, shared by the rows of a sheet; empty for a CSV.
    colonnes: dict[str, str]
    #: Values of the columns the sheet adds, by their place (the keys of ``Feuille.inconnues``: ``P`` in a
    #: workbook, ``colonne 16`` in a CSV), never by their header, which two added columns may share:
    #: never imported, only checked for a name.
    autres: dict[str, Any] = field(default_factory=dict)

    def cellule(self, cle: str) -> str:
        """The address of this row's cell for a key (``N14``), or of its first cell."""
        return f"{self.colonnes.get(cle, 'A')}{self.ligne}"


@dataclass
class Feuille:
    """The rows of one sheet, with what its hidden identity says (empty for a sheet made by hand)."""

    nom: str | None  # None for a CSV file
    identite: dict[str, str] = field(default_factory=dict)
    lignes: list[LigneBrute] = field(default_factory=list)
    #: Holder's name and SIRET typed in the header of a generated workbook.
    titulaire: str = ""
    siret_titulaire: str = ""
    #: Columns the company added (« Nom », « Commentaire »): where (``F`` or column 6) → header.
    inconnues: dict[str, str] = field(default_factory=dict)


def lire_feuilles(chemin: Path, contenu: bytes | None = None) -> list[Feuille]:
    """The sheets of a follow-up file that carry the data dictionary's columns; raise ``ErreurFichier``.

    ``contenu``: the file's bytes when the caller has already read them (the import hashes them:
    what it keeps as evidence is then exactly what was read).
    """
    extension = chemin.suffix.lower()
    if extension not in EXTENSIONS:
        raise ErreurFichier(f"{chemin} : type de fichier non pris en charge (attendu : .xlsx, .ods ou .csv)")
    if contenu is None:
        try:
            contenu = lire_borne(
                chemin, TAILLE_MAX, trop_gros=f"fichier trop volumineux (plus de {TAILLE_MAX // 1_000_000} Mo)"
            )
        except LectureImpossible as err:
            raise ErreurFichier(f"{chemin} : {err}") from err
    if extension == ".csv":
        return [_feuille_csv(chemin, contenu)]
    return _feuilles_classeur(chemin, contenu)


def _verifier_etendue(chemin: Path, contenu: bytes) -> None:
    """Refuse an .xlsx whose farthest cell would make calamine allocate more than the machine has."""
    try:
        with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
            lointaine = cellule_la_plus_lointaine(archive)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError):
        return  # not a readable zip: calamine says so below, in its own words
    if lointaine:
        raise ErreurFichier(
            f"{chemin} : classeur trop étendu (cellule remplie jusqu'en {lointaine}) ; supprimez les lignes "
            "et les colonnes au-delà des données, puis enregistrez-le de nouveau"
        )


#: An .xlsx saved with a password is an OLE compound file holding this stream (name in UTF-16).
_FLUX_CHIFFRE = "EncryptedPackage".encode("utf-16-le")


def _verifier_chiffrement(chemin: Path, contenu: bytes) -> None:
    if contenu.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") and _FLUX_CHIFFRE in contenu:
        raise ErreurFichier(
            f"{chemin} : classeur protégé par un mot de passe ; retirez le mot de passe à l'ouverture "
            "(Fichier > Propriétés ou Enregistrer sous) et enregistrez-le de nouveau au format .xlsx"
        )


def _feuilles_classeur(chemin: Path, contenu: bytes) -> list[Feuille]:
    from python_calamine import CalamineError, CalamineWorkbook

    _verifier_chiffrement(chemin, contenu)
    try:
        # Sizes, repeats and shared texts first: calamine aborts the process when memory runs out.
        verifier_paquet(contenu, ods=chemin.suffix.lower() == ".ods")
    except ClasseurRefuse as err:
        raise ErreurFichier(f"{chemin} : {err}") from err
    _verifier_etendue(chemin, contenu)
    try:
        classeur = CalamineWorkbook.from_filelike(io.BytesIO(contenu))
        # The workbook's own help and list sheets hold no rows: not even loaded.
        noms = [nom for nom in classeur.sheet_names if nom not in (FEUILLE_LISTES, FEUILLE_CODES)]
        grilles = [(nom, classeur.get_sheet_by_name(nom).to_python(skip_empty_area=False)) for nom in noms]
    except (CalamineError, ValueError, OSError, TypeError) as err:  # calamine raises several kinds on a broken file
        raise ErreurFichier(
            f"{chemin} : classeur illisible ({type(err).__name__}) ; enregistrez-le de nouveau au format .xlsx ou .ods"
        ) from err
    except BaseException as err:
        # A panic in calamine's Rust code reaches Python as pyo3's PanicException, a BaseException.
        if isinstance(err, KeyboardInterrupt | SystemExit | GeneratorExit):
            raise
        raise ErreurFichier(f"{chemin} : classeur illisible ; enregistrez-le de nouveau en .xlsx ou .ods") from err
    feuilles = []
    for nom, grille in grilles:
        feuille = _feuille_grille(nom, grille)
        if feuille is not None:
            feuilles.append(feuille)
    if not feuilles:
        raise ErreurFichier(
            f"{chemin} : aucune feuille ne porte les colonnes de la fiche de suivi (participant, mois, heures…)"
        )
    return feuilles


def _entetes(cellules: list[Any]) -> dict[int, str] | None:
    """Column index → machine key when this row is the key row or the label row, else None."""
    trouves: dict[int, str] = {}
    for index, valeur in enumerate(cellules):
        if not isinstance(valeur, str) or not valeur or len(valeur) > 60:  # headers are short texts
            continue
        texte = valeur.strip()
        cle = _PAR_CLE.get(texte) or _PAR_LIBELLE.get(normaliser(texte))
        if cle and cle not in trouves.values():
            trouves[index] = cle
    essentielles = {"participant", "mois", "heures"}
    return trouves if essentielles <= set(trouves.values()) else None


def _identite(cellules: list[Any]) -> dict[str, str] | None:
    textes = [str(v).strip() if v is not None else "" for v in cellules]
    if IDENTITE not in textes:
        return None
    reste = textes[textes.index(IDENTITE) + 1 :]
    return {reste[i]: reste[i + 1] for i in range(0, len(reste) - 1, 2) if reste[i]}


def _vide(valeur: Any) -> bool:
    return valeur is None or valeur == "" or (isinstance(valeur, str) and not valeur.strip())


def _inconnues(grille: list[list[Any]], debut: int, colonnes: dict[int, str]) -> dict[int, str]:
    """Headers of the label row that name no column of the sheet: columns a company added."""
    libelles = grille[debut - 1] if 0 < debut <= len(grille) else []
    return {
        i: str(v).strip()
        for i, v in enumerate(libelles)
        if i not in colonnes and not _vide(v) and i < len(COLONNES) + 40 and str(v).strip() != IDENTITE
    }


def _en_tete(grille: list[list[Any]]) -> tuple[dict[str, str], int, dict[int, str]] | None:
    """The identity, the index of the row of headers and the columns, or None for a sheet without them."""
    identite: dict[str, str] = {}
    for index, cellules in enumerate(grille[:LIGNES_EN_TETE]):
        identite = identite or (_identite(cellules) or {})
        colonnes = _entetes(cellules)
        if colonnes is not None:
            # The hidden key row comes just above the labels: skip the label row too.
            suivante = grille[index + 1] if index + 1 < len(grille) else []
            debut = index + 2 if _entetes(suivante) is not None else index + 1
            return identite, debut, colonnes
    return None


def _titulaire(grille: list[list[Any]]) -> tuple[str, str]:
    """Holder name and SIRET from the header's input cells of a generated workbook (empty otherwise)."""

    def lire(rang: int, colonne: int) -> str:
        ligne = grille[rang - 1] if rang <= len(grille) else []
        valeur = ligne[colonne - 1] if colonne <= len(ligne) else None
        return "" if _vide(valeur) else str(valeur).strip()

    etiquette = lire(CELLULE_TITULAIRE[0], 1)
    if not etiquette.startswith("Titulaire"):
        return "", ""
    return lire(*CELLULE_TITULAIRE), lire(*CELLULE_SIRET_TITULAIRE)


def _feuille_grille(nom: str, grille: list[list[Any]]) -> Feuille | None:
    trouve = _en_tete(grille)
    if trouve is None:
        return None
    identite, debut, colonnes = trouve
    titulaire, siret = _titulaire(grille)
    inconnues = _inconnues(grille, debut, colonnes)
    feuille = Feuille(
        nom,
        identite,
        titulaire=titulaire,
        siret_titulaire=siret,
        inconnues={lettres_colonne(i + 1): texte for i, texte in inconnues.items()},
    )
    lettres = {cle: lettres_colonne(colonne + 1) for colonne, cle in colonnes.items()}
    for index in range(debut, len(grille)):
        cellules = grille[index]
        valeurs = {cle: cellules[i] for i, cle in colonnes.items() if i < len(cellules) and not _vide(cellules[i])}
        autres = {
            lettres_colonne(i + 1): cellules[i] for i in inconnues if i < len(cellules) and not _vide(cellules[i])
        }
        if valeurs:
            feuille.lignes.append(LigneBrute(index + 1, valeurs, lettres, autres))
    return feuille


def _decoder(chemin: Path, contenu: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252: what LibreOffice and Excel write by default."""
    try:
        return contenu.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return contenu.decode("cp1252")
    except UnicodeDecodeError as err:
        raise ErreurFichier(f"{chemin} : encodage non reconnu (enregistrez le CSV en UTF-8)") from err


def _separateur(texte: str) -> str:
    """The separator that splits the header rows into the most columns (French Excel writes « ; »)."""
    debut = texte[:20000]
    return max((";", ",", "\t"), key=lambda s: max((ligne.count(s) for ligne in debut.splitlines()), default=0))


#: The csv module's errors (English) and what they mean to the person who saved the file.
_ERREURS_CSV = {
    "field larger than field limit": "champ de plus de {limite} caractères (un guillemet ouvert et jamais fermé ?)",
    "line contains NUL": "caractère nul (contenu binaire ?) ; enregistrez-le en CSV UTF-8",
    "new-line character seen in unquoted field": "retour à la ligne isolé hors guillemets",
}


def _lignes_csv(chemin: Path, texte: str, separateur: str) -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on (a quoted field may span lines); ``ErreurFichier`` located."""
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=separateur)
    debut = 1
    while True:
        try:
            enregistrement = next(lecteur)
        except StopIteration:
            return
        except csv.Error as err:
            raison = next(
                (francais for anglais, francais in _ERREURS_CSV.items() if str(err).startswith(anglais)),
                "CSV mal formé",
            )
            limite = f"{csv.field_size_limit():,}".replace(",", "\u202f")
            # The start of the record, short: the field at fault may be a whole file pasted in a cell.
            morceaux = texte.split("\n", debut)
            ligne = morceaux[debut - 1] if len(morceaux) >= debut else ""
            # Control characters of a file are never echoed to a terminal.
            extrait = "".join(c if c.isprintable() else "?" for c in ligne[:40].rstrip("\r"))
            raise ErreurFichier(
                f"{chemin}:{debut}: {raison.format(limite=limite)} ; début de la ligne : « {extrait}"
                f"{'…' if len(ligne) > 40 else ''} » ; fichier refusé"
            ) from err
        yield debut, enregistrement
        debut = lecteur.line_num + 1


def _feuille_csv(chemin: Path, contenu: bytes) -> Feuille:
    if b"\x00" in contenu[:4096]:
        raise ErreurFichier(
            f"{chemin} : ce n'est pas un fichier CSV lisible (contenu binaire ou UTF-16) ; enregistrez-le en CSV UTF-8"
        )
    texte = _decoder(chemin, contenu)
    separateur = _separateur(texte)
    numerotees = list(_lignes_csv(chemin, texte, separateur))
    grille = [cellules for _, cellules in numerotees]
    trouve = _en_tete(grille)
    if trouve is None:
        raise ErreurFichier(
            f"{chemin} : en-tête introuvable ; la première ligne doit nommer les colonnes "
            "(reference, lot, participant, publics, sexe, tranche_age, residence, modalite, siret_employeur, "
            "type_contrat, debut_contrat, fin_contrat, mois, heures, heures_formation, sortie)"
        )
    identite, debut, colonnes = trouve
    # A whole generated sheet exported as CSV keeps its header: the holder typed there too.
    titulaire, siret = _titulaire(grille)
    inconnues = _inconnues(grille, debut, colonnes)
    feuille = Feuille(
        None,
        identite,
        titulaire=titulaire,
        siret_titulaire=siret,
        inconnues={f"colonne {i + 1}": texte for i, texte in inconnues.items()},
    )
    for numero, cellules in numerotees[debut:]:
        valeurs = {cle: cellules[i] for i, cle in colonnes.items() if i < len(cellules) and not _vide(cellules[i])}
        autres = {f"colonne {i + 1}": cellules[i] for i in inconnues if i < len(cellules) and not _vide(cellules[i])}
        if valeurs:
            feuille.lignes.append(LigneBrute(numero, valeurs, {}, autres))
    return feuille
