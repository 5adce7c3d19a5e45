"""Importing contracts and filled sheets into the register: orchestration, evidence, reports.

Contracts first (their YAML, or the ``manifest.json`` of a generated dossier, whose ``suivi``
block is checked like a contract file: ``marche.bloc_suivi``), then sheets, whatever the order
on the command line. Each file is one transaction (``BEGIN IMMEDIATE``: checks and writes under
one lock, so two imports at once are serialised); the evidence copy is written (atomically,
named by its SHA-256) inside it, before the row that names it, so the register never points to
a missing copy (a rolled-back import may leave a copy nothing names, harmless and found again
by its content). A file already imported (same SHA-256) changes nothing; an undone one is taken
back, unless a work contract of it now overlaps one the register kept meanwhile. Rows that
break a rule are reported by cell, kept raw in ``rejets`` and left out of the totals;
``strict`` refuses the whole file instead. A file with a value that looks like a name or a
social-security number is refused whole: keeping its rows or its copy would keep the name.
"""

from __future__ import annotations

import calendar
import datetime
import hashlib
import json
import os
import re
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clause_kit.commun.affichage import affichable
from clause_kit.commun.codes import normaliser, resoudre
from clause_kit.commun.erreurs import ClauseKitError, ErreursValidation, raison_systeme
from clause_kit.commun.fichiers import LectureImpossible, lire_borne
from clause_kit.commun.journal import signaler
from clause_kit.dossier.classeur_suivi import COLONNES
from clause_kit.suivi.annulation import heures_texte
from clause_kit.suivi.controle import (
    Anomalie,
    LigneSuivi,
    MarcheConnu,
    Neant,
    chevauchent,
    code_nominatif,
    code_normalise,
    controler_ensemble,
    controler_ligne,
    controler_neant,
    controler_registre,
    court,
    est_neant,
    nom_probable,
    texte_cellule,
)
from clause_kit.suivi.erreurs import ErreurFichier
from clause_kit.suivi.lecture import EXTENSIONS, TAILLE_MAX, Feuille, LigneBrute, lire_feuilles
from clause_kit.suivi.registre import Registre, Remplacement, raison_sqlite

__all__ = ["REJETS_MAX", "CompteRendu", "importer", "trouver_fichiers"]

#: Rejected rows after which a sheet is refused whole (« trop d'erreurs »).
REJETS_MAX = 200

#: Files a folder of generated dossiers holds that are not follow-up sheets.
_IGNORES = {"rapport-generation.csv", "rapport-generation.json"}


@dataclass
class CompteRendu:
    """What happened to one file."""

    fichier: str
    #: importe, deja_importe, reprise (an undone sheet imported again), marche_enregistre, marche_inchange, vide,
    #: refuse
    statut: str
    lignes: int = 0
    rejets: int = 0
    remplacees: int = 0
    reference: str = ""
    messages: list[str] = field(default_factory=list)
    avertissements: list[str] = field(default_factory=list)
    #: What the file replaced, per lot, month and earlier file, with the hours before and after.
    corrections: list[str] = field(default_factory=list)
    #: « néant » declarations kept (a lot, a month, nobody worked).
    neants: int = 0

    @property
    def en_echec(self) -> bool:
        """Whether the file or any of its rows was rejected (exit code 1)."""
        return self.statut == "refuse" or self.rejets > 0


def _est_marche(chemin: Path) -> bool:
    return chemin.name == "manifest.json" or chemin.suffix.lower() in (".yaml", ".yml")


def _parcourir(dossier: Path, exclus: set[Path]) -> Iterator[Path]:
    """The files of a folder that look like contracts or sheets by their name.

    Whatever their type: a pipe, a device or a broken link named like a sheet is yielded too, so
    that its import says why it is not read (``_lire``) instead of leaving it out unsaid.
    """
    for chemin in sorted(dossier.rglob("*")):
        relatif = chemin.relative_to(dossier).parts
        if any(p.startswith((".", "_")) or p.endswith("-preuves") for p in relatif) or chemin.resolve() in exclus:
            continue
        if not chemin.is_dir() and chemin.name not in _IGNORES:
            if _est_marche(chemin) or chemin.suffix.lower() in EXTENSIONS:
                yield chemin


def trouver_fichiers(chemins: list[Path], base: Path) -> tuple[list[Path], list[Path]]:
    """Contract files and sheet files under the given paths (folders are walked), contracts first."""
    exclus = {base.resolve()}
    fichiers: list[Path] = []
    for chemin in chemins:
        fichiers += list(_parcourir(chemin, exclus)) if chemin.is_dir() else [chemin]
    marches = [f for f in fichiers if _est_marche(f)]
    return marches, [f for f in fichiers if not _est_marche(f)]


def importer(chemins: list[Path], base: Path, *, strict: bool = False) -> list[CompteRendu]:
    """Import contracts then sheets into the register ``base``; one report per file, never raises for a bad file."""
    marches, feuilles = trouver_fichiers(chemins, base)
    # Contracts are read and checked before the register is opened: when every one is refused and no
    # sheet comes, the register is left as it was, not even created.
    lus = [(chemin, _proteger(chemin, _lire_marche)) for chemin in marches]
    if not feuilles and all(isinstance(lu, CompteRendu) for _, lu in lus):
        return [lu for _, lu in lus]
    comptes = []
    with Registre(base) as registre:
        for chemin, lu in lus:
            if isinstance(lu, CompteRendu):
                comptes.append(lu)
            else:
                comptes.append(_proteger(chemin, lambda c, m=lu: _importer_marche(registre, c, m)))
        connus = registre.marches_connus() if feuilles else {}  # contracts do not change while sheets come in
        for chemin in feuilles:
            comptes.append(_proteger(chemin, lambda c: _importer_feuille(registre, c, connus, strict)))
    return comptes


def _proteger(chemin: Path, action: Any) -> CompteRendu:
    """Run one file's import; whatever happens to it is reported for that file only, never as a traceback."""
    try:
        return action(chemin)  # type: ignore[no-any-return]
    except ErreursValidation as err:
        return CompteRendu(str(chemin), "refuse", messages=[str(p) for p in err.problemes])
    except ClauseKitError as err:
        return CompteRendu(str(chemin), "refuse", messages=[str(err)])
    except sqlite3.Error as err:  # disk full, base locked too long...: the transaction was rolled back
        return CompteRendu(str(chemin), "refuse", messages=[f"{chemin} : {raison_sqlite(err)}"])
    except Exception as err:  # noqa: BLE001 - a bug on one file must not lose the report of the others
        return CompteRendu(str(chemin), "refuse", messages=[signaler(err, str(chemin))])


def _lire(chemin: Path) -> tuple[bytes, str]:
    """The bytes of a regular file, read once (what is hashed is what is parsed), and their SHA-256.

    ``/dev/zero`` would be read until memory runs out and a FIFO would block for ever: only a
    regular file is read, opened without blocking, and never past the size limit.
    """
    try:
        contenu = lire_borne(
            chemin, TAILLE_MAX, trop_gros=f"fichier trop volumineux (plus de {TAILLE_MAX // 1_000_000} Mo)"
        )
    except LectureImpossible as err:
        raise ErreurFichier(f"{chemin} : {err} ; ignoré") from err
    return contenu, hashlib.sha256(contenu).hexdigest()


def _copier_preuve(registre: Registre, contenu: bytes, sha256: str, extension: str) -> str:
    """Write the evidence copy beside the base, atomically; return its name (relative to the evidence folder)."""
    nom = f"{sha256}{extension.lower()}"
    cible = registre.preuves / nom
    if cible.exists():
        return nom
    try:
        registre.preuves.mkdir(parents=True, exist_ok=True)
        descripteur, temporaire = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=registre.preuves)
        with os.fdopen(descripteur, "wb") as sortie:
            sortie.write(contenu)
            sortie.flush()
            # On disk before the transaction that names it commits: the register never points to a lost copy.
            os.fdatasync(sortie.fileno())
        os.replace(temporaire, cible)
    except OSError as err:
        raise ErreurFichier(f"copie de preuve impossible dans {registre.preuves} ({raison_systeme(err)})") from err
    return nom


# --- contracts --------------------------------------------------------------------------


def _donnees_marche(chemin: Path, contenu: bytes, sha256: str) -> tuple[dict[str, Any], str]:
    """The register's data of a contract, and the SHA-256 of its contract file (what workbooks carry)."""
    if chemin.name != "manifest.json":
        # The contract model is loaded only when a contract file comes: importing sheets does without it.
        from clause_kit.dossier.classeur_suivi import donnees_suivi
        from clause_kit.marche.chargement import charger_detail

        detail = charger_detail(chemin)
        return donnees_suivi(detail.consultation, detail.chiffres), sha256
    manifeste = _lire_manifeste(chemin, contenu)
    if "suivi" not in manifeste:
        raise ErreurFichier(
            f"{chemin} : ce manifeste n'a pas de bloc « suivi » (dossier généré par une version antérieure) : "
            "régénérez le dossier ou importez le fichier YAML du marché"
        )
    # Anyone can edit a manifest: its block is checked like a contract file before anything is stored.
    from clause_kit.marche.bloc_suivi import valider_bloc_suivi

    return valider_bloc_suivi(manifeste, str(chemin))


def _lire_manifeste(chemin: Path, contenu: bytes) -> dict[str, Any]:
    """The manifest's JSON object; floats exact (``Decimal``) and bounded, ``NaN`` and ``Infinity`` as text."""
    try:
        # utf-8-sig: a text editor may have put a byte-order mark in front of it.
        # A number beyond 10^±30 is kept as its text, to be refused at its field. (The block's model
        # checks the manifest next anyway: loading it here costs nothing more.)
        from clause_kit.marche.bloc_suivi import nombre_json

        manifeste = json.loads(contenu.decode("utf-8-sig"), parse_float=nombre_json, parse_constant=str)
    except UnicodeDecodeError as err:
        raise ErreurFichier(f"{chemin} : manifeste illisible (pas du texte UTF-8, octet {err.start + 1})") from err
    except json.JSONDecodeError as err:
        raise ErreurFichier(
            f"{chemin}:{err.lineno}: manifeste illisible : JSON mal formé "
            f"({_JSON_FR.get(err.msg, 'syntaxe invalide')}, colonne {err.colno})"
        ) from err
    except (ValueError, RecursionError) as err:  # an integer of thousands of digits, lists nested thousands deep
        raise ErreurFichier(f"{chemin} : manifeste illisible : nombre démesuré ou imbrication trop profonde") from err
    if not isinstance(manifeste, dict):
        raise ErreurFichier(f"{chemin} : manifeste illisible : objet JSON attendu ({{ … }})")
    return manifeste


#: The JSON parser's messages, in French.
_JSON_FR = {
    "Expecting value": "valeur attendue",
    "Expecting property name enclosed in double quotes": "nom de clé entre guillemets doubles attendu",
    "Expecting ',' delimiter": "virgule attendue",
    "Expecting ':' delimiter": "deux-points attendus",
    "Extra data": "texte après la fin de l'objet",
    "Unterminated string starting at": "texte sans guillemet fermant",
    "Invalid control character at": "caractère de contrôle dans un texte",
    "Invalid \\escape": "séquence d'échappement invalide",
}


def _ajouter_mois(jour: datetime.date, nombre: int) -> datetime.date:
    rang = jour.month - 1 + nombre
    annee, mois = jour.year + rang // 12, rang % 12 + 1
    return datetime.date(annee, mois, min(jour.day, calendar.monthrange(annee, mois)[1]))


def dates_execution(donnees: dict[str, Any]) -> tuple[str | None, str | None]:
    """Start and end of execution (ISO); without an end, the start plus ``duree_mois``, less one day."""
    execution = donnees.get("execution")
    if not execution or not execution.get("debut"):
        return None, None
    debut = datetime.date.fromisoformat(execution["debut"])
    if execution.get("fin"):
        return debut.isoformat(), execution["fin"]
    if donnees.get("duree_mois"):
        fin = _ajouter_mois(debut, int(donnees["duree_mois"])) - datetime.timedelta(days=1)
        return debut.isoformat(), fin.isoformat()
    return debut.isoformat(), None


@dataclass(frozen=True)
class _MarcheLu:
    """A contract file read and checked, not stored yet."""

    contenu: bytes
    sha256: str
    #: The register's data of the contract, in the JSON form it is stored in.
    donnees: dict[str, Any]
    #: SHA-256 of its contract file (what workbooks carry).
    empreinte: str


def _lire_marche(chemin: Path) -> _MarcheLu:
    contenu, sha256 = _lire(chemin)
    brutes, empreinte = _donnees_marche(chemin, contenu, sha256)
    return _MarcheLu(contenu, sha256, json.loads(json.dumps(brutes)), empreinte)


def _importer_marche(registre: Registre, chemin: Path, lu: _MarcheLu) -> CompteRendu:
    contenu, sha256, donnees, empreinte = lu.contenu, lu.sha256, lu.donnees, lu.empreinte
    reference = donnees["reference"]
    existant = registre.donnees_marche(reference)
    if existant == donnees:
        return CompteRendu(str(chemin), "marche_inchange", reference=reference)
    if existant is not None and (existant["acheteur"], existant["commune"]) != (
        donnees["acheteur"],
        donnees["commune"],
    ):
        raise ErreurFichier(
            f"{chemin} : la référence {reference} est déjà celle d'un marché de {existant['acheteur']} "
            f"({existant['commune']}) : une référence est unique dans un registre ; rien n'est modifié"
        )
    disparus = registre.lots_declares(reference) - {lot["numero"] for lot in donnees["lots"]}
    if disparus:
        raise ErreurFichier(
            f"{chemin} : le marché {reference} n'a plus de lot {', '.join(map(str, sorted(disparus)))}, "
            "qui a pourtant des heures déclarées : rien n'est modifié"
        )
    debut, fin = dates_execution(donnees)
    preuve = _copier_preuve(registre, contenu, sha256, ".json" if chemin.name == "manifest.json" else chemin.suffix)
    with registre.transaction():
        fichier_id = registre.identifiant_fichier(sha256) or registre.ajouter_fichier(
            sha256, chemin.name, "marche", preuve, empreinte_source=empreinte
        )
        registre.enregistrer_marche(donnees, debut, fin, fichier_id)
        registre.noter_operation("marche", fichier_id)
    return CompteRendu(str(chemin), "marche_enregistre", reference=reference)


# --- sheets -----------------------------------------------------------------------------


#: The French label of each column, as the company reads it in the sheet.
_LIBELLES = {c.cle: c.libelle for c in COLONNES}


def _colonne(cle: str) -> str:
    """« Heures travaillées (heures) »: the label the company sees, and the key of a CSV header."""
    return f"{_LIBELLES[cle]} ({cle})" if cle in _LIBELLES else cle


def _lieu(chemin: Path, feuille: Feuille, ligne: LigneBrute, cle: str) -> str:
    """``FICHIER:FEUILLE!CELLULE: Libellé (clé) :`` for a workbook, ``FICHIER:LIGNE: Libellé (clé) :`` for a CSV."""
    if feuille.nom is None:
        return f"{chemin}:{ligne.ligne}: {_colonne(cle) if cle else 'ligne'} :"
    cellule, nom = ligne.cellule(cle), affichable(feuille.nom)  # a sheet's name is typed by the company
    return f"{chemin}:{nom}!{cellule}: {_colonne(cle)} :" if cle else f"{chemin}:{nom}!{cellule}:"


def _emplacement(feuille: Feuille, ligne: LigneBrute) -> str:
    return f"{feuille.nom}!{ligne.ligne}" if feuille.nom is not None else f"ligne {ligne.ligne}"


@dataclass
class _Examen:
    """A sheet file once every row is checked, before anything is written."""

    valides: list[tuple[str, LigneSuivi]] = field(default_factory=list)
    #: Where each valid row came from, by its position in ``valides`` (for a later rejection).
    sources: list[tuple[Feuille, LigneBrute]] = field(default_factory=list)
    rejets: list[tuple[str, list[str], LigneBrute]] = field(default_factory=list)
    inconnus: set[str] = field(default_factory=set)
    #: « néant » declarations: nobody worked on that lot that month.
    neants: list[Neant] = field(default_factory=list)
    #: Rows rejected because their contract is not in the register.
    rejets_inconnus: int = 0
    #: More than ``REJETS_MAX`` rows rejected: the examination stopped there.
    trop: bool = False


def _examiner_neant(
    chemin: Path, feuille: Feuille, brute: LigneBrute, marches: dict[str, MarcheConnu], examen: _Examen
) -> None:
    """A « néant » row: kept as a declaration, or rejected."""
    neant, anomalies = controler_neant(brute, feuille.identite.get("reference"), marches)
    if neant is not None:
        examen.neants.append(neant)
    else:
        examen.rejets.append((_emplacement(feuille, brute), _messages(chemin, feuille, brute, anomalies), brute))


def _examiner(chemin: Path, feuilles: list[Feuille], marches: dict[str, MarcheConnu]) -> _Examen:
    examen = _Examen()
    candidates: list[tuple[Feuille, LigneBrute, LigneSuivi]] = []
    for feuille in feuilles:
        for brute in feuille.lignes:
            if est_neant(brute):
                _examiner_neant(chemin, feuille, brute, marches, examen)
                continue
            ligne, anomalies = controler_ligne(brute, feuille.identite.get("reference"), marches)
            if ligne is not None:
                candidates.append((feuille, brute, ligne))
            else:
                examen.rejets.append(
                    (_emplacement(feuille, brute), _messages(chemin, feuille, brute, anomalies), brute)
                )
                if any("inconnu du registre" in a.message for a in anomalies):
                    examen.rejets_inconnus += 1
                    examen.inconnus.add(
                        texte_cellule(brute.valeurs.get("reference")) or feuille.identite.get("reference", "")
                    )
            if len(examen.rejets) > REJETS_MAX:
                # A sheet this wrong is refused whole: checking its other rows would only cost time.
                examen.trop = True
                return examen

    # The sheets of one workbook are checked together: a tab copied for the next month with a row
    # left in it would otherwise count the same person's hours twice.
    def nommer(rang: int) -> str:
        feuille, brute, _ = candidates[rang]
        return f"ligne {brute.ligne}" if len(feuilles) == 1 else f"ligne {brute.ligne} de la feuille « {feuille.nom} »"

    doublons = controler_ensemble([(rang, ligne) for rang, (_, _, ligne) in enumerate(candidates)], nommer)
    for rang, (feuille, brute, ligne) in enumerate(candidates):
        if rang in doublons:
            messages = _messages(chemin, feuille, brute, [doublons[rang]])
            examen.rejets.append((_emplacement(feuille, brute), messages, brute))
        else:
            examen.valides.append((_emplacement(feuille, brute), ligne))
            examen.sources.append((feuille, brute))
    return examen


def _confronter(chemin: Path, registre: Registre, examen: _Examen) -> None:
    """Reject the rows whose work contract overlaps another one the register keeps for the same person.

    A row the new one replaces has the same work contract start, so it is never an overlap.
    """
    refus: dict[int, Anomalie] = {}
    for reference in {ligne.reference for _, ligne in examen.valides}:
        rangs = [(i, ligne) for i, (_, ligne) in enumerate(examen.valides) if ligne.reference == reference]
        gardes = [
            (participant, datetime.date.fromisoformat(debut), datetime.date.fromisoformat(fin) if fin else None)
            for participant, debut, fin, _, _ in registre.contrats_declares(
                reference, {ligne.participant for _, ligne in rangs}
            )
        ]
        refus.update(controler_registre(rangs, gardes))
    for i in sorted(refus, reverse=True):
        emplacement, _ = examen.valides.pop(i)
        feuille, brute = examen.sources.pop(i)
        examen.rejets.append((emplacement, _messages(chemin, feuille, brute, [refus[i]]), brute))


def _messages(chemin: Path, feuille: Feuille, brute: LigneBrute, anomalies: list[Anomalie]) -> list[str]:
    return [f"{_lieu(chemin, feuille, brute, a.cle)} {a.message}" for a in anomalies]


#: Columns whose typed values are codes of a list: a value that resolves is no name.
_LISTES = {c.cle: c.liste for c in COLONNES if c.liste is not None}


def _nom_possible(cle: str, valeur: Any) -> bool:
    """Whether a cell's value looks like a name or a social-security number (« no name anywhere »).

    The code column by ``code_nominatif``; the others by ``nom_probable`` (two capitalised words,
    a social-security number), a value of a code list only when it is none of its codes.
    """
    if cle == "participant":
        return code_nominatif(valeur) and texte_cellule(valeur).upper() not in ("NEANT", "NÉANT")
    if not nom_probable(valeur, numero_securite_sociale=cle != "siret_employeur"):  # 14 digits: a SIRET
        return False
    liste = _LISTES.get(cle)
    if liste is None:
        return True
    parties = [p for p in re.split(r"[;,]", texte_cellule(valeur)) if p.strip()] if cle == "publics" else [valeur]
    return any(resoudre(liste, texte_cellule(p)) is None for p in parties)


#: Headers of an added column that announce names or social-security numbers.
_ENTETES_NOMINATIFS = re.compile(r"\b(nom|noms|prenom|prenoms|name|nir|nss|securite sociale)\b")
#: One capitalised word (« Dupont »), as a name is typed.
_MOT_CAPITALISE = re.compile(r"[A-ZÀ-Ý][a-zà-ÿ'’-]{2,}")


def _nom_ajoute(entete: str, valeur: Any) -> bool:
    """A value of a column the company added: a name under a « Nom » header, or that looks like one."""
    texte = texte_cellule(valeur)
    return bool(
        _ENTETES_NOMINATIFS.search(normaliser(entete).replace("_", " "))
        or nom_probable(texte)
        or _MOT_CAPITALISE.fullmatch(texte)
    )


def _nominatifs(chemin: Path, feuilles: list[Feuille]) -> list[str]:
    """Every cell, in any column (added ones too), that looks like a name: the file is refused whole."""
    messages = []
    for feuille in feuilles:
        for ligne in feuille.lignes:
            cellules = [(cle, v) for cle, v in ligne.valeurs.items() if cle != "reference"]
            for cle, valeur in cellules:
                if _nom_possible(cle, valeur):
                    messages.append(
                        f"{_lieu(chemin, feuille, ligne, cle)} ressemble à un nom ou à un numéro de sécurité "
                        "sociale : seul le code pseudonymisé donné par le facilitateur est admis, et aucun nom dans "
                        "aucune colonne ; fichier refusé en entier, rien n'en est conservé (ni ligne, ni copie)"
                    )
            for ou, valeur in ligne.autres.items():
                entete = feuille.inconnues[ou]
                if _nom_ajoute(entete, valeur):
                    lieu = (
                        f"{chemin}:{affichable(feuille.nom)}!{ou}{ligne.ligne}"
                        if feuille.nom
                        else f"{chemin}:{ligne.ligne}"
                    )
                    messages.append(
                        f"{lieu}: colonne ajoutée « {affichable(entete)} » : ressemble à un nom ; aucun nom dans "
                        "aucune colonne ; fichier refusé en entier, rien n'en est conservé (ni ligne, ni copie)"
                    )
    return messages


def _colonnes_inconnues(chemin: Path, feuilles: list[Feuille]) -> list[str]:
    return [
        f"{chemin}{f':{affichable(feuille.nom)}' if feuille.nom else ''} : colonne « {affichable(texte)} » ({ou}) "
        "inconnue de la fiche de suivi : ignorée"
        for feuille in feuilles
        for ou, texte in feuille.inconnues.items()
    ]


#: Hours a person may work in one day (Code du travail, L. 3121-18: 10 hours a day at most).
HEURES_PAR_JOUR = 10


def _controles_souples(chemin: Path, examen: _Examen) -> list[str]:
    """Warnings on valid rows: more hours than the work contract's days in the month allow, an end without exit."""
    messages = []
    for (feuille, brute), (_, ligne) in zip(examen.sources, examen.valides, strict=True):
        annee, mois = int(ligne.mois[:4]), int(ligne.mois[5:])
        premier = datetime.date(annee, mois, 1)
        dernier = datetime.date(annee, mois, calendar.monthrange(annee, mois)[1])
        debut, fin = max(premier, ligne.debut_contrat), min(dernier, ligne.fin_contrat or dernier)
        jours = (fin - debut).days + 1
        if jours > 0 and ligne.heures_c > jours * HEURES_PAR_JOUR * 100:
            messages.append(
                f"{_lieu(chemin, feuille, brute, 'heures')} {heures_texte(ligne.heures_c)} en {ligne.mois} "
                f"pour un contrat de travail qui n'en couvre que {jours} jour(s) (du {debut:%d/%m/%Y} au "
                f"{fin:%d/%m/%Y}) : plus de {HEURES_PAR_JOUR} h par jour ; vérifiez (ligne importée)"
            )
        if ligne.fin_contrat is not None and ligne.fin_contrat <= dernier and ligne.sortie is None:
            messages.append(
                f"{_lieu(chemin, feuille, brute, 'sortie')} contrat de travail fini le {ligne.fin_contrat:%d/%m/%Y} "
                "sans situation à la fin du contrat : remplissez-la (ligne importée)"
            )
    return messages


def _avertissements(registre: Registre, chemin: Path, feuilles: list[Feuille]) -> list[str]:
    """A workbook generated from another version of the contract file than the registered one."""
    avertissements = []
    for feuille in feuilles:
        reference, empreinte = feuille.identite.get("reference"), feuille.identite.get("empreinte_source")
        source = registre.empreinte_marche(reference) if reference else None
        if empreinte and source and empreinte != source:
            avertissements.append(
                f"{chemin} : fiche produite à partir d'une autre version du fichier du marché "
                f"{affichable(str(reference))} que celle du registre ; vérifiez les lots et les heures dues"
            )
    return avertissements


def _deja_importee(registre: Registre, chemin: Path, sha256: str) -> CompteRendu | None:
    """The report of a file the register already has (an undone one is taken back), None for a new one."""
    if not registre.fichier_importe(sha256):
        return None
    fichier_id, _, _, _, annulee = registre.chercher_fichiers(sha256)[0]
    if annulee:
        return _reprendre(registre, chemin, fichier_id, sha256)
    return CompteRendu(str(chemin), "deja_importe")


def _importer_feuille(registre: Registre, chemin: Path, marches: dict[str, MarcheConnu], strict: bool) -> CompteRendu:
    contenu, sha256 = _lire(chemin)
    deja = _deja_importee(registre, chemin, sha256)
    if deja is not None:
        return deja
    feuilles = lire_feuilles(chemin, contenu)
    nominatifs = _nominatifs(chemin, feuilles)
    if nominatifs:
        if len(nominatifs) > REJETS_MAX:  # the first ones say it; a message per cell of a huge sheet would not
            nominatifs[REJETS_MAX:] = [f"{chemin} : trop d'erreurs (plus de {REJETS_MAX}) : fichier refusé"]
        return CompteRendu(str(chemin), "refuse", messages=nominatifs)
    if not any(f.lignes for f in feuilles):
        return CompteRendu(str(chemin), "vide")
    examen = _examiner(chemin, feuilles, marches)
    # From the last check to the last row, under one write lock (BEGIN IMMEDIATE): another import
    # running at once waits, so the same file is not kept twice and two overlapping work contracts
    # of one person, read each before the other was written, are never both kept.
    with registre.transaction():
        return _ecrire_feuille(registre, chemin, contenu, sha256, feuilles, examen, strict)


def _ecrire_feuille(
    registre: Registre,
    chemin: Path,
    contenu: bytes,
    sha256: str,
    feuilles: list[Feuille],
    examen: _Examen,
    strict: bool,
) -> CompteRendu:
    """Check a sheet against the register and write it, inside the import's transaction."""
    deja = _deja_importee(registre, chemin, sha256)  # imported by another command since the first look
    if deja is not None:
        return deja
    if not examen.trop:
        _confronter(chemin, registre, examen)
    # In the order of the sheet (the rows refused for a repetition or an overlap come with the others).
    rangs = {id(f): i for i, f in enumerate(feuilles)}
    lignes_de = {id(b): rangs[id(f)] for f in feuilles for b in f.lignes}
    examen.rejets.sort(key=lambda r: (lignes_de.get(id(r[2]), 0), r[2].ligne))
    messages = [m for _, lignes, _ in examen.rejets for m in lignes]
    refus = _refus_entier(chemin, feuilles, examen)
    if refus is not None:
        return refus
    if strict and examen.rejets:
        return CompteRendu(
            str(chemin),
            "refuse",
            rejets=len(examen.rejets),
            messages=[
                *messages,
                f"{chemin} : fiche refusée en entier (--strict) : {len(examen.rejets)} ligne(s) en erreur",
            ],
        )
    avertissements = [
        *_avertissements(registre, chemin, feuilles),
        *_colonnes_inconnues(chemin, feuilles),
        *_controles_souples(chemin, examen),
    ]
    compte = CompteRendu(str(chemin), "importe", messages=messages, avertissements=avertissements)
    _enregistrer(registre, chemin, contenu, sha256, feuilles, examen, compte)
    return compte


def _refus_entier(chemin: Path, feuilles: list[Feuille], examen: _Examen) -> CompteRendu | None:
    """A sheet refused whole: of a contract the register does not know, or with too many errors."""
    # Every row rejected; or, when the examination stopped early, every row so far for its contract.
    toutes = len(examen.rejets) == sum(len(f.lignes) for f in feuilles)
    arretee = examen.trop and examen.rejets_inconnus == len(examen.rejets)
    if not examen.valides and not examen.neants and examen.inconnus and (toutes or arretee):
        # One line, not one per row: the rows are fine, the contract is missing.
        refus = f"{chemin} : marché {court(', '.join(sorted(examen.inconnus)))} inconnu du registre ; fiche refusée"
        return CompteRendu(str(chemin), "refuse", messages=[refus])
    if examen.trop or len(examen.rejets) > REJETS_MAX:
        # Never store hundreds of thousands of rejects (a row repeated to the bottom of the sheet): the
        # first ones say what is wrong, the file is refused and the next files are imported.
        return CompteRendu(
            str(chemin),
            "refuse",
            messages=[
                *[m for _, lignes, _ in examen.rejets[:REJETS_MAX] for m in lignes],
                f"{chemin} : trop d'erreurs (plus de {REJETS_MAX} lignes rejetées) : fichier refusé, rien n'en est "
                "conservé ; corrigez la fiche et importez-la de nouveau",
            ],
        )
    return None


class _RepriseRefusee(Exception):  # noqa: N818 - rolls the taking back, carries the message
    pass


def _reprendre(registre: Registre, chemin: Path, fichier_id: int, sha256: str) -> CompteRendu:
    """An undone sheet imported again: its rows count again where no later sheet replaced them.

    Under the write lock, as a new sheet: taken back by another import meanwhile, it is « déjà
    importée »; a work contract of it that overlaps one the register has kept since (another
    sheet imported while it was undone) refuses the taking back, and nothing changes.
    """
    try:
        with registre.transaction():
            if not registre.chercher_fichiers(sha256)[0][4]:
                return CompteRendu(str(chemin), "deja_importe")
            remplacees, reprises = registre.annuler(fichier_id, reprendre=True)
            chevauchements = _chevauchements(registre, fichier_id)
            if chevauchements:
                raise _RepriseRefusee(chevauchements)
            registre.noter_operation("reprise", fichier_id)
    except _RepriseRefusee as refus:
        messages = [
            f"{chemin} : {m} ; fiche annulée, non reprise (annulez l'autre fiche d'abord)" for m in refus.args[0]
        ]
        return CompteRendu(str(chemin), "refuse", messages=messages)
    compte = CompteRendu(str(chemin), "reprise", lignes=sum(r.lignes for r in reprises))
    compte.corrections = [
        f"{chemin} : {r.reference} lot {r.lot}, mois {r.mois} : {r.lignes} ligne(s) de nouveau en vigueur "
        f"({heures_texte(r.heures_avant_c)})"
        for r in reprises
    ] + [
        f"{chemin} : {reference} lot {lot}, mois {mois} : {n} ligne(s) d'autres fiches remplacée(s) ({heures_texte(h)})"
        for reference, lot, mois, n, h in remplacees
    ]
    return compte


def _chevauchements(registre: Registre, fichier_id: int) -> list[str]:
    """Work contracts of a file's rows in force that overlap another contract in force of the same person."""
    par_marche: dict[str, set[str]] = {}
    for reference, participant in registre.personnes_du_fichier(fichier_id):
        par_marche.setdefault(reference, set()).add(participant)
    messages = []
    for reference, participants in par_marche.items():
        contrats: dict[str, set[tuple[str, str | None, bool]]] = {}
        for participant, debut, fin, _, origine in registre.contrats_declares(reference, participants):
            contrats.setdefault(participant, set()).add((debut, fin, origine == fichier_id))
        for participant, siens in sorted(contrats.items()):
            for debut, fin, du_fichier in sorted(siens, key=str):
                autres = [(d, f) for d, f, autre in siens if not autre and d != debut]
                if du_fichier and any(chevauchent(debut, fin, d, f) for d, f in autres):
                    messages.append(
                        f"{affichable(reference)} : {affichable(participant)}, contrat du "
                        f"{datetime.date.fromisoformat(debut):%d/%m/%Y} : chevauche un contrat que le registre "
                        "garde depuis"
                    )
                    break
    return messages


def _enregistrer(
    registre: Registre,
    chemin: Path,
    contenu: bytes,
    sha256: str,
    feuilles: list[Feuille],
    examen: _Examen,
    compte: CompteRendu,
) -> None:
    preuve = _copier_preuve(registre, contenu, sha256, chemin.suffix)
    entete = next((f for f in feuilles if f.identite), feuilles[0])
    with registre.transaction():
        fichier_id = registre.ajouter_fichier(
            sha256,
            chemin.name,
            "feuille",
            preuve,
            titulaire=entete.titulaire or None,
            siret_titulaire=entete.siret_titulaire or None,
            empreinte_source=entete.identite.get("empreinte_source"),
        )
        remplacements = registre.remplacer(fichier_id, [ligne for _, ligne in examen.valides])
        compte.remplacees = sum(r.lignes for r in remplacements)
        compte.corrections = [_correction(chemin, r) for r in remplacements]
        compte.lignes = registre.inserer_lignes(fichier_id, examen.valides)
        journal: dict[tuple[str, str], list[int]] = {}
        for _, ligne in examen.valides:
            cumul = journal.setdefault((ligne.reference, str(ligne.lot)), [0] * 6)
            cumul[0] += 1
            cumul[1] += ligne.heures_c
        for r in remplacements:
            cumul = journal.setdefault((r.reference, str(r.lot)), [0] * 6)
            cumul[2] += r.lignes
            cumul[3] += r.heures_avant_c
        reference = entete.identite.get("reference", "")
        for emplacement, messages, brute in examen.rejets:
            valeurs = {cle: texte_cellule(v)[:200] for cle, v in brute.valeurs.items()}
            participant = code_normalise(valeurs.get("participant", "")) or None
            registre.inserer_rejet(fichier_id, emplacement, messages, valeurs, participant)
            lot = valeurs.get("lot", "").strip()
            journal.setdefault((valeurs.get("reference") or reference, lot if lot.isdigit() else ""), [0] * 6)[4] += 1
        compte.rejets = len(examen.rejets)
        registre.compter_fichier(fichier_id, compte.lignes, compte.rejets)
        declares = {(x.reference, x.lot, x.mois) for _, x in examen.valides}
        neants = [n for n in examen.neants if (n.reference, n.lot, n.mois) not in declares]
        compte.avertissements += [
            f"{chemin} : « néant » pour le lot {n.lot} en {n.mois} alors que la fiche y déclare des heures : ignoré"
            for n in examen.neants
            if (n.reference, n.lot, n.mois) in declares
        ]
        registre.declarer_neants(fichier_id, [(n.reference, n.lot, n.mois) for n in neants])
        compte.neants = len(neants)
        for n in neants:
            journal.setdefault((n.reference, str(n.lot)), [0] * 6)[5] += 1
        registre.noter_journal(fichier_id, journal)
        registre.noter_operation("import", fichier_id)


def _correction(chemin: Path, remplacement: Remplacement) -> str:
    """« lot 1, mois 2026-04 : 3 ligne(s) de mars.xlsx remplacée(s) (120 h → 130 h) »."""
    return (
        f"{chemin} : {remplacement.reference} lot {remplacement.lot}, mois {remplacement.mois} : "
        f"{remplacement.lignes} ligne(s) de {remplacement.fichier} remplacée(s) "
        f"({heures_texte(remplacement.heures_avant_c)} → {heures_texte(remplacement.heures_apres_c)})"
    )
