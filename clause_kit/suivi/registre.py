"""The follow-up register: every line of SQL of clause_kit lives in this module.

SQLite through the standard library's ``sqlite3``: no dependency, one file a facilitator can
copy, and fast enough by far (``docs/performance.md``). A shared PostgreSQL for a team would
replace this module only: the rest of the capability calls its methods, never SQL.

* The schema is versioned with ``PRAGMA user_version`` and migrated forward by plain
  functions (``MIGRATIONS``), all in one transaction; a base made by a newer clause_kit is
  refused rather than misread.
* A register says it is one: ``PRAGMA application_id`` is ``APPLICATION_ID`` (b"CLKT"). A
  SQLite file of another application is refused, never adopted: it is examined through a
  read-only connection first, and nothing is written to a file not recognised as ours
  (a register made before the stamp is recognised by its tables, then stamped). Read
  commands never create or change anything (``mode=ro``, ``immutable=1`` on read-only media).
  A base on a network file system is refused: SQLite's locks and WAL are unsafe there.
* Foreign keys are enforced, the journal is WAL (readers never wait for an import), and a
  sheet is imported in one ``BEGIN IMMEDIATE`` transaction: a process killed midway leaves
  the base as it was before that sheet.
* Hours are stored in hundredths of an hour (integers), so that sums are exact.
* Rows are never updated in place: a corrected sheet marks the rows it replaces
  (``remplacee_par``), which stay as the history of what was declared. Only ``purger``
  deletes person-level rows, and records what it did in ``purges``.

The views ``v_lignes``, ``v_contrats_travail`` and ``v_personnes`` are the reading interface
for reports (annual report, issue 9): active rows joined with their lot, contract and buyer.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import itertools
import json
import os
import sqlite3
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clause_kit.commun.erreurs import raison_systeme
from clause_kit.commun.montages import reseau
from clause_kit.suivi.controle import LigneSuivi, MarcheConnu
from clause_kit.suivi.erreurs import ErreurRegistre

__all__ = ["APPLICATION_ID", "MIGRATIONS", "VERSION", "LotEtat", "Registre", "Remplacement", "raison_sqlite"]

_SCHEMA_1 = """
CREATE TABLE acheteurs (
    id INTEGER PRIMARY KEY,
    nom TEXT NOT NULL,
    commune TEXT NOT NULL,
    UNIQUE (nom, commune)
);
-- Every file ever imported (contract or sheet), named by its SHA-256: the evidence behind each figure.
CREATE TABLE fichiers (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    nom TEXT NOT NULL,
    nature TEXT NOT NULL CHECK (nature IN ('marche', 'feuille')),
    preuve TEXT,                      -- copy beside the base; NULL once purged
    importe_le TEXT NOT NULL,
    lignes INTEGER NOT NULL DEFAULT 0,
    rejets INTEGER NOT NULL DEFAULT 0,
    titulaire TEXT,
    siret_titulaire TEXT,
    empreinte_source TEXT,            -- SHA-256 of the contract file the workbook was generated from
    preuve_supprimee_le TEXT
);
CREATE TABLE marches (
    id INTEGER PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    acheteur_id INTEGER NOT NULL REFERENCES acheteurs (id),
    objet TEXT NOT NULL,
    type TEXT NOT NULL,
    regime TEXT NOT NULL,
    article_14 INTEGER NOT NULL,
    article_53 INTEGER NOT NULL,
    heures_dues INTEGER NOT NULL,
    heures_par_etp INTEGER NOT NULL,
    penalite_par_heure TEXT NOT NULL, -- decimal euros, as text (exact)
    debut TEXT,                       -- execution dates, ISO; NULL when not known yet
    fin TEXT,
    formation_comptee INTEGER NOT NULL DEFAULT 0,
    donnees TEXT NOT NULL,            -- what was registered, as JSON (the manifest's « suivi » block)
    fichier_id INTEGER NOT NULL REFERENCES fichiers (id),
    enregistre_le TEXT NOT NULL
);
CREATE TABLE lots (
    id INTEGER PRIMARY KEY,
    marche_id INTEGER NOT NULL REFERENCES marches (id),
    numero INTEGER NOT NULL,
    intitule TEXT NOT NULL,
    heures_dues INTEGER NOT NULL,
    clause INTEGER NOT NULL,
    UNIQUE (marche_id, numero)
);
-- One row per person, lot and month, as declared by the company.
CREATE TABLE lignes (
    id INTEGER PRIMARY KEY,
    fichier_id INTEGER NOT NULL REFERENCES fichiers (id),
    lot_id INTEGER NOT NULL REFERENCES lots (id),
    emplacement TEXT NOT NULL,        -- Suivi!14 or line 14: where the row came from
    participant TEXT NOT NULL,        -- pseudonymous code, never a name
    sexe TEXT NOT NULL,
    tranche_age TEXT NOT NULL,
    residence TEXT,
    modalite TEXT NOT NULL,
    siret_employeur TEXT,
    type_contrat TEXT NOT NULL,
    debut_contrat TEXT NOT NULL,
    fin_contrat TEXT,
    mois TEXT NOT NULL,               -- AAAA-MM
    heures_c INTEGER NOT NULL CHECK (heures_c BETWEEN 0 AND 25000),
    heures_formation_c INTEGER NOT NULL DEFAULT 0 CHECK (heures_formation_c BETWEEN 0 AND 25000),
    sortie TEXT,
    remplacee_par INTEGER REFERENCES fichiers (id)
);
CREATE TABLE lignes_publics (
    ligne_id INTEGER NOT NULL REFERENCES lignes (id) ON DELETE CASCADE,
    public TEXT NOT NULL,
    PRIMARY KEY (ligne_id, public)
) WITHOUT ROWID;
CREATE TABLE rejets (
    id INTEGER PRIMARY KEY,
    fichier_id INTEGER NOT NULL REFERENCES fichiers (id),
    emplacement TEXT NOT NULL,
    messages TEXT NOT NULL,           -- JSON list of « cell: message »
    valeurs TEXT NOT NULL,            -- JSON of the raw values, by machine key
    participant TEXT                  -- the code as typed (upper case), for the purge
);
-- What the purge keeps of the people it deletes: hours and head counts per lot, period and category.
CREATE TABLE agregats (
    lot_id INTEGER NOT NULL REFERENCES lots (id),
    periode TEXT NOT NULL,            -- AAAA-MM (hours, people that month) or AAAA (people that year)
    dimension TEXT NOT NULL,          -- total, sexe, tranche_age, residence, modalite, type_contrat, public, sortie
    valeur TEXT NOT NULL,
    heures_c INTEGER NOT NULL,
    heures_formation_c INTEGER NOT NULL,
    personnes INTEGER NOT NULL,
    contrats_travail INTEGER NOT NULL,
    PRIMARY KEY (lot_id, periode, dimension, valeur)
);
CREATE TABLE purges (
    id INTEGER PRIMARY KEY,
    le TEXT NOT NULL,
    avant TEXT NOT NULL,
    conservation_annees INTEGER NOT NULL,
    personnes INTEGER NOT NULL,
    lignes INTEGER NOT NULL,
    rejets INTEGER NOT NULL,
    preuves INTEGER NOT NULL
);
-- Covering indexes of the rows in force: the state reads hours per lot and month, and the latest
-- month of each work contract, without touching the table.
CREATE INDEX lignes_actives ON lignes (lot_id, mois, heures_c, heures_formation_c) WHERE remplacee_par IS NULL;
CREATE INDEX lignes_contrats ON lignes (participant, debut_contrat, lot_id, mois, fin_contrat, type_contrat)
    WHERE remplacee_par IS NULL;
CREATE INDEX lignes_fins ON lignes (fin_contrat) WHERE remplacee_par IS NULL;
CREATE INDEX lignes_participant ON lignes (participant);
CREATE INDEX lignes_fichier ON lignes (fichier_id);
CREATE INDEX rejets_fichier ON rejets (fichier_id);
CREATE INDEX rejets_participant ON rejets (participant);

CREATE VIEW v_lignes AS
SELECT l.id, a.nom AS acheteur, a.commune, m.reference, m.article_14, m.article_53, lo.numero AS lot,
       l.participant, l.sexe, l.tranche_age, l.residence, l.modalite, l.siret_employeur, l.type_contrat,
       l.debut_contrat, l.fin_contrat, l.mois, l.heures_c / 100.0 AS heures,
       l.heures_formation_c / 100.0 AS heures_formation,
       (l.heures_c + CASE WHEN m.formation_comptee THEN l.heures_formation_c ELSE 0 END) / 100.0 AS heures_comptees,
       l.sortie, f.siret_titulaire, l.fichier_id, l.lot_id, lo.marche_id
FROM lignes l
JOIN lots lo ON lo.id = l.lot_id
JOIN marches m ON m.id = lo.marche_id
JOIN acheteurs a ON a.id = m.acheteur_id
JOIN fichiers f ON f.id = l.fichier_id
WHERE l.remplacee_par IS NULL;

-- A work contract: one person, one contract start, on one contract (marché), whose latest month says its end and exit.
CREATE VIEW v_contrats_travail AS
SELECT reference, participant, debut_contrat, type_contrat, modalite, siret_employeur, MAX(mois) AS dernier_mois,
       fin_contrat, sortie, MIN(mois) AS premier_mois, SUM(heures) AS heures, SUM(heures_comptees) AS heures_comptees
FROM v_lignes
GROUP BY reference, participant, debut_contrat;

CREATE VIEW v_personnes AS
SELECT participant, MIN(mois) AS premier_mois, MAX(mois) AS dernier_mois, COUNT(DISTINCT reference) AS marches,
       SUM(heures) AS heures
FROM v_lignes
GROUP BY participant;
"""


def support_en_lecture_seule(chemin: Path) -> bool:
    """Whether the file system holding ``chemin`` is mounted read-only (a CD, a write-protected key)."""
    try:
        return bool(os.statvfs(chemin).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs (not POSIX): say no, the message will tell why
        return False


def _executer_script(connexion: sqlite3.Connection, script: str) -> None:
    """Run statements one by one: ``executescript`` would commit the migration's transaction first."""
    instruction = ""
    for ligne in script.splitlines(keepends=True):
        instruction += ligne
        if sqlite3.complete_statement(instruction):
            connexion.execute(instruction)
            instruction = ""


def _migration_1(connexion: sqlite3.Connection) -> None:
    """The first schema."""
    _executer_script(connexion, _SCHEMA_1)


def _migration_2(connexion: sqlite3.Connection) -> None:
    """The cap of each lot's penalties (decimal euros, as text); NULL for a contract registered before."""
    connexion.execute("ALTER TABLE lots ADD COLUMN plafond_penalite TEXT")


_SCHEMA_3 = """
-- A sheet taken back out by « suivi annuler »: its rows no longer count, what they had replaced counts again.
ALTER TABLE fichiers ADD COLUMN annule_le TEXT;
-- What each sheet did, lot by lot, kept when a purge deletes the rows: the journal of imports.
CREATE TABLE journal_lots (
    fichier_id INTEGER NOT NULL REFERENCES fichiers (id),
    reference TEXT NOT NULL,
    lot TEXT NOT NULL,                -- lot number as text; '' for rejected rows whose lot is not readable
    ajoutees INTEGER NOT NULL DEFAULT 0,
    heures_ajoutees_c INTEGER NOT NULL DEFAULT 0,
    remplacees INTEGER NOT NULL DEFAULT 0,
    heures_remplacees_c INTEGER NOT NULL DEFAULT 0,
    rejetees INTEGER NOT NULL DEFAULT 0,
    neants INTEGER NOT NULL DEFAULT 0,    -- months declared « néant » (nobody worked) on the lot
    PRIMARY KEY (fichier_id, reference, lot)
);
-- Every change of the register, in order: its id is the journal position a published report records.
CREATE TABLE operations (
    id INTEGER PRIMARY KEY,
    le TEXT NOT NULL,
    nature TEXT NOT NULL CHECK (nature IN ('marche', 'import', 'annulation', 'reprise', 'purge')),
    fichier_id INTEGER REFERENCES fichiers (id)
);
-- « néant » rows of a sheet: nobody worked on that lot that month; the month is received, with no hours.
CREATE TABLE neants (
    fichier_id INTEGER NOT NULL REFERENCES fichiers (id),
    lot_id INTEGER NOT NULL REFERENCES lots (id),
    mois TEXT NOT NULL,
    PRIMARY KEY (fichier_id, lot_id, mois)
);
-- A row's identity: contract and lot (the lot), participant, month, work contract start.
CREATE INDEX lignes_identite ON lignes (lot_id, participant, mois, debut_contrat);
-- What the purge keeps for the reports: the counts of people, work contracts and every split, for each
-- period of whole months within a calendar year, for all buyers ('') and for each one. People purged
-- are never counted again, so these add up with the rows in force. Written and read by clause_kit.bilan.
CREATE TABLE agregats_bilan (
    periode TEXT NOT NULL,            -- AAAA-MM..AAAA-MM (first and last month, same year)
    portee TEXT NOT NULL,             -- '' for all buyers, else the buyer's name
    comptes TEXT NOT NULL,            -- JSON: additive counts
    PRIMARY KEY (periode, portee)
);
"""

#: The month after every month: reads « up to » it read everything.
_TOUT = "9999-12"


def _migration_3(connexion: sqlite3.Connection) -> None:
    """Undo, the journal of imports per lot and the journal position; the journal rebuilt from what is kept."""
    _executer_script(connexion, _SCHEMA_3)
    connexion.execute(
        """INSERT INTO journal_lots (fichier_id, reference, lot, ajoutees, heures_ajoutees_c)
           SELECT l.fichier_id, m.reference, CAST(lo.numero AS TEXT), COUNT(*), SUM(l.heures_c)
           FROM lignes l JOIN lots lo ON lo.id = l.lot_id JOIN marches m ON m.id = lo.marche_id
           GROUP BY l.fichier_id, lo.id"""
    )
    connexion.execute(
        """INSERT INTO journal_lots (fichier_id, reference, lot, remplacees, heures_remplacees_c)
           SELECT l.remplacee_par, m.reference, CAST(lo.numero AS TEXT), COUNT(*), SUM(l.heures_c)
           FROM lignes l JOIN lots lo ON lo.id = l.lot_id JOIN marches m ON m.id = lo.marche_id
           WHERE l.remplacee_par IS NOT NULL
           GROUP BY l.remplacee_par, lo.id
           ON CONFLICT (fichier_id, reference, lot) DO UPDATE SET
               remplacees = excluded.remplacees, heures_remplacees_c = excluded.heures_remplacees_c"""
    )
    connexion.execute(
        """INSERT INTO journal_lots (fichier_id, reference, lot, rejetees)
           SELECT id, '', '', rejets FROM fichiers WHERE nature = 'feuille' AND rejets > 0"""
    )
    connexion.execute(
        """INSERT INTO operations (le, nature, fichier_id)
           SELECT le, nature, fichier_id FROM (
               SELECT importe_le AS le, CASE nature WHEN 'marche' THEN 'marche' ELSE 'import' END AS nature,
                      id AS fichier_id, 0 AS rang
               FROM fichiers
               UNION ALL SELECT le, 'purge', NULL, 1 FROM purges)
           ORDER BY le, rang, fichier_id"""
    )


#: Forward migrations, in order; migration n brings the base to ``user_version`` n. Never edit one: add one.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_migration_1, _migration_2, _migration_3]
VERSION = len(MIGRATIONS)

#: ``PRAGMA application_id`` of a clause_kit register (b"CLKT"): how a register says it is one.
APPLICATION_ID = int.from_bytes(b"CLKT", "big")
_ENTETE_SQLITE = b"SQLite format 3\x00"
_TABLES_1 = {"acheteurs", "fichiers", "marches", "lots", "lignes", "lignes_publics", "rejets", "agregats", "purges"}
#: The tables of a register at each schema version: how one made before ``APPLICATION_ID`` is recognised.
_TABLES = {1: _TABLES_1, 2: _TABLES_1, 3: _TABLES_1 | {"journal_lots", "operations", "neants", "agregats_bilan"}}
#: Seconds a writer waits for another one (an import of a large sheet) before saying the base is busy.
_ATTENTE = 60
#: SQLite's result codes, in French: its own text is English.
_RAISONS_SQLITE = {
    "SQLITE_BUSY": "base occupée par une autre commande (un import en cours ?) : réessayez dans un moment",
    "SQLITE_LOCKED": "base occupée par une autre commande : réessayez dans un moment",
    "SQLITE_READONLY": "base en lecture seule (support, droits ou dossier non accessible en écriture)",
    "SQLITE_FULL": "disque plein",
    "SQLITE_IOERR": "erreur de lecture ou d'écriture sur le disque",
    "SQLITE_CORRUPT": "base endommagée (fichier corrompu ou tronqué)",
    "SQLITE_NOTADB": "ce fichier n'est pas une base SQLite",
    "SQLITE_CANTOPEN": "fichier impossible à ouvrir (dossier absent, droits ou support en lecture seule)",
    "SQLITE_PERM": "permission refusée",
    "SQLITE_AUTH": "permission refusée",
    "SQLITE_NOMEM": "mémoire insuffisante",
    "SQLITE_CONSTRAINT": "contrainte d'intégrité du registre non respectée",
    "SQLITE_PROTOCOL": "verrouillage impossible (partage réseau ?)",
    "SQLITE_NOLFS": "fichier trop grand pour ce système",
    "SQLITE_TOOBIG": "valeur trop grande",
}


def raison_sqlite(err: sqlite3.Error) -> str:
    """What went wrong, in French, from SQLite's result code (never its English text)."""
    nom = getattr(err, "sqlite_errorname", "") or ""
    for prefixe, raison in _RAISONS_SQLITE.items():
        if nom == prefixe or nom.startswith(prefixe + "_"):  # SQLITE_IOERR_WRITE is an SQLITE_IOERR
            return raison
    return f"erreur de la base SQLite ({nom or type(err).__name__})"


def _uri(chemin: Path, parametres: str) -> str:
    """A ``file:`` URI: a path with « ? », « # » or « % » is quoted, never read as parameters."""
    return f"file:{urllib.parse.quote(str(chemin.absolute()))}?{parametres}"


@dataclass(frozen=True, slots=True)
class LotEtat:
    """One lot's figures for the follow-up state (slots: a register holds thousands of lots)."""

    acheteur: str
    reference: str
    objet: str
    numero: int
    intitule: str
    heures_dues: int
    heures_c: int
    dernier_mois: str | None
    debut: str | None
    fin: str | None
    penalite_par_heure: str
    clause: bool
    #: Cap of the lot's penalties, decimal euros; None when the register does not know it.
    plafond_penalite: str | None = None


@dataclass(frozen=True)
class Remplacement:
    """Rows of an earlier file that a new file replaced, on one lot and month."""

    reference: str
    lot: int
    mois: str
    fichier: str
    lignes: int
    heures_avant_c: int
    heures_apres_c: int


def _maintenant() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


class Registre:
    """An open register: a SQLite file and the folder of evidence copies beside it."""

    def __init__(self, chemin: Path, *, creer: bool = True, lecture: bool = False) -> None:
        """Open the register ``chemin``.

        ``lecture``: for commands that only read; nothing is created or changed, the base is
        opened read-only (``immutable`` on read-only media). Otherwise a missing base is created
        when ``creer``, an existing one of ours is migrated and stamped, and the base must be
        writable. A file that is not a register of ours is refused before anything is written.
        """
        self.chemin = chemin
        self.lecture = lecture
        #: (reference, lot number) → lot id, kept between sheets; dropped when a contract is registered.
        self._lots: dict[tuple[str, int], int] | None = None
        self.preuves = chemin.with_name(f"{chemin.stem}-preuves")
        self._profondeur = 0  # nested transaction blocks (savepoints) open
        marque = self._examiner_fichier(creer=creer and not lecture)
        existe = marque is not None
        systeme = reseau(chemin if chemin.exists() else chemin.parent)
        if systeme:
            raise ErreurRegistre(
                f"{chemin} : base de suivi sur un partage réseau ({systeme}) : SQLite n'y garantit ni ses verrous ni "
                "son journal (WAL), et deux imports à la fois pourraient corrompre le registre ; gardez la base sur "
                "un disque local de l'ordinateur qui importe, et partagez plutôt le bilan publié ou un export "
                "(suivi etat --format json)"
            )
        if marque == 0:
            # Not stamped: a register of ours made before the stamp, or another application's base. It is
            # examined as an immutable file: no journal or index file is made beside a base not ours.
            try:
                self._connexion_lecture("immutable=1")[0].close()
            except sqlite3.Error as err:
                raise self._erreur(err) from err
        if lecture:
            self.connexion = self._ouvrir_lecture()
            return
        try:
            if not existe:
                chemin.parent.mkdir(parents=True, exist_ok=True)
            # Transactions are ours (BEGIN IMMEDIATE ... COMMIT), not the module's implicit ones; the timeout is
            # SQLite's busy_timeout: a second import waits for the first one's transaction.
            self.connexion = sqlite3.connect(
                _uri(chemin, "mode=rwc" if creer else "mode=rw"), uri=True, isolation_level=None, timeout=_ATTENTE
            )
        except (OSError, sqlite3.Error) as err:
            raise ErreurRegistre(f"{chemin} : impossible d'ouvrir la base ({_raison(err)})") from err
        try:
            self.connexion.execute("PRAGMA foreign_keys = ON")
            self._migrer()
            self.connexion.execute("PRAGMA journal_mode = WAL")
            self.connexion.execute("PRAGMA synchronous = NORMAL")  # WAL: durable at checkpoints, never corrupt
        except ErreurRegistre:
            self.connexion.close()
            raise
        except sqlite3.Error as err:
            self.connexion.close()
            raise self._erreur(err) from err

    def _examiner_fichier(self, *, creer: bool) -> int | None:
        """The ``application_id`` in the header of the base, None when it is missing or empty.

        What cannot be a register is refused without opening it with SQLite.

        Only the first 100 bytes of a regular file are read: a device or a pipe is never read,
        and another application's stamp (``application_id`` in the header) is enough to refuse.
        """
        chemin = self.chemin
        try:
            if not chemin.exists():
                if not creer:
                    raise ErreurRegistre(
                        f"{chemin} : base de suivi introuvable ; importez d'abord des marchés et des fiches "
                        "(suivi importer)"
                    )
                return None
            if chemin.is_dir():
                raise ErreurRegistre(f"{chemin} est un dossier, pas une base de suivi")
            if not chemin.is_file():
                raise ErreurRegistre(
                    f"{chemin} n'est pas un fichier ordinaire (périphérique, tube…) : pas une base de suivi"
                )
            with chemin.open("rb") as flux:
                entete = flux.read(100)
        except OSError as err:
            raise ErreurRegistre(f"{chemin} : impossible de lire la base ({_raison(err)})") from err
        if not entete:
            return None
        if not entete.startswith(_ENTETE_SQLITE) or len(entete) < 100:
            raise ErreurRegistre(
                f"{chemin} : ce fichier n'est pas une base de suivi clause_kit (ni même une base SQLite) ; "
                "donnez la base créée par « suivi importer » (suivi.sqlite par défaut) : rien n'a été modifié"
            )
        application = int.from_bytes(entete[68:72], "big")
        if application not in (0, APPLICATION_ID):
            raise ErreurRegistre(self._etrangere(application))
        return application

    def _etrangere(self, application: int) -> str:
        marque = f" (application_id {application:#010x})" if application else ""
        return (
            f"{self.chemin} : base SQLite d'une autre application{marque}, pas un registre de suivi clause_kit : "
            "elle est refusée et laissée telle quelle ; donnez la base créée par « suivi importer » "
            "(suivi.sqlite par défaut) ou un nouveau nom de fichier"
        )

    def _identite(self, connexion: sqlite3.Connection) -> tuple[int, int]:
        """(application_id, schema version) of a base of ours, empty or not; refuse any other SQLite base."""
        application = int(connexion.execute("PRAGMA application_id").fetchone()[0])
        version = int(connexion.execute("PRAGMA user_version").fetchone()[0])
        if application == APPLICATION_ID:
            if version > VERSION:
                raise ErreurRegistre(
                    f"{self.chemin} : base créée par une version plus récente de clause_kit (schéma {version}, "
                    f"cette version connaît le schéma {VERSION}) : mettez clause_kit à jour"
                )
            return application, version
        tables = {n for (n,) in connexion.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if application == 0 and ((version == 0 and not tables) or _TABLES.get(version, {""}) <= tables):
            return application, version  # empty, or a register of ours made before the stamp
        raise ErreurRegistre(self._etrangere(application))

    def _ouvrir_lecture(self) -> sqlite3.Connection:
        """A read-only connection to a base of ours; ``immutable`` when the media cannot even hold its WAL index."""
        try:
            connexion, version = self._connexion_lecture("mode=ro")
        except sqlite3.OperationalError as err:
            # A WAL base on read-only media: no « -shm » can be made beside it, but it can be read as it is.
            if getattr(err, "sqlite_errorname", "") not in ("SQLITE_CANTOPEN", "SQLITE_READONLY"):
                raise self._erreur(err) from err
            if not support_en_lecture_seule(self.chemin):
                # Writable media, but not by us (another account's folder): someone may be importing
                # right now, and an immutable reading would ignore their WAL, or read it torn.
                raise ErreurRegistre(
                    f"{self.chemin} : lecture impossible : SQLite doit pouvoir créer ses fichiers « -shm » "
                    f"et « -wal » à côté de la base, et le dossier {self.chemin.parent} ne le permet pas à ce "
                    "compte ; lisez-la depuis le compte qui l'importe, ou lisez-en une copie"
                ) from err
            try:
                connexion, version = self._connexion_lecture("immutable=1")
            except sqlite3.Error as immuable:
                raise self._erreur(immuable) from immuable
        except sqlite3.Error as err:
            raise self._erreur(err) from err
        if self.lecture and version == 0:
            connexion.close()
            raise ErreurRegistre(
                f"{self.chemin} : base de suivi vide ; importez d'abord des marchés et des fiches (suivi importer)"
            )
        if self.lecture and version < VERSION:
            # A register of an older schema is read through a migrated copy in memory: reading never
            # changes the file; the next import migrates it for good.
            memoire = sqlite3.connect(":memory:", isolation_level=None)
            with contextlib.closing(connexion):
                connexion.backup(memoire)
            memoire.execute("BEGIN")
            for numero in range(version, VERSION):
                MIGRATIONS[numero](memoire)
            memoire.execute("COMMIT")
            return memoire
        return connexion

    def _connexion_lecture(self, parametres: str) -> tuple[sqlite3.Connection, int]:
        connexion = sqlite3.connect(_uri(self.chemin, parametres), uri=True, isolation_level=None, timeout=_ATTENTE)
        try:
            _, version = self._identite(connexion)
        except BaseException:
            connexion.close()
            raise
        return connexion, version

    def _erreur(self, err: sqlite3.Error) -> ErreurRegistre:
        """A SQLite error as the register's error: French, naming the file."""
        if getattr(err, "sqlite_errorname", "") in ("SQLITE_NOTADB", "SQLITE_CORRUPT"):
            return ErreurRegistre(
                f"{self.chemin} : ce fichier n'est pas une base de suivi lisible ({raison_sqlite(err)}) : "
                "rien n'a été modifié"
            )
        if getattr(err, "sqlite_errorname", "") in ("SQLITE_READONLY", "SQLITE_CANTOPEN") and not self.lecture:
            return ErreurRegistre(
                f"{self.chemin} : base en lecture seule (support, partage ou droits) : « suivi importer », "
                "« suivi annuler » et « suivi purger » ne peuvent pas la modifier ; « suivi etat », « suivi journal » "
                "et « bilan » la lisent telle quelle. Copiez-la sur un disque accessible en écriture pour la modifier"
            )
        return ErreurRegistre(f"{self.chemin} : {raison_sqlite(err)}")

    def _migrer(self) -> None:
        """Create, migrate and stamp the base in one transaction, or prove it writable and change nothing.

        Version and stamp are read again under the write lock: two imports creating one base at
        once migrate it once.
        """
        self.connexion.execute("BEGIN IMMEDIATE")
        try:
            application, version = self._identite(self.connexion)
            if application == APPLICATION_ID and version == VERSION:
                # Nothing to change: writing the same version proves the base writable (read-only media
                # are told now, before any evidence is copied), and the rollback keeps nothing.
                self.connexion.execute(f"PRAGMA user_version = {VERSION}")
                self.connexion.execute("ROLLBACK")
                return
            for numero in range(version, VERSION):
                MIGRATIONS[numero](self.connexion)
                self.connexion.execute(f"PRAGMA user_version = {numero + 1}")
            self.connexion.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        except BaseException:
            self._annuler()
            raise
        self.connexion.execute("COMMIT")

    def fermer(self) -> None:
        """Close the base (the WAL is checkpointed by SQLite)."""
        self.connexion.close()

    def __enter__(self) -> Registre:
        return self

    def __exit__(self, _type: object, erreur: BaseException | None, _trace: object) -> None:
        self.fermer()
        if isinstance(erreur, sqlite3.Error):  # a query of any caller: French, naming the file, never SQLite's text
            raise self._erreur(erreur) from erreur

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing: committed at the end of the block, rolled back on any exception.

        Inside another transaction of the register, the block is part of it (an import checks and
        writes a sheet under one write lock, and what it calls may open a transaction too), as a
        savepoint: when the block fails and its caller goes on, what the block wrote is undone
        all the same, not committed with the rest.
        """
        if self.connexion.in_transaction:
            yield from self._point_de_reprise()
            return
        try:
            self.connexion.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            raise self._erreur(err) from err
        try:
            yield self.connexion
        except sqlite3.Error as err:  # disk full, I/O error...: said in French, naming the base
            self._annuler()
            raise self._erreur(err) from err
        except BaseException:
            self._annuler()
            raise
        self.valider()

    def _point_de_reprise(self) -> Iterator[sqlite3.Connection]:
        """A nested block: a SAVEPOINT, rolled back to on any exception, released otherwise."""
        self._profondeur += 1
        nom = f"bloc_{self._profondeur}"
        self.connexion.execute(f"SAVEPOINT {nom}")
        try:
            yield self.connexion
        except BaseException:
            if self.connexion.in_transaction:  # SQLite may have rolled everything back already
                self.connexion.execute(f"ROLLBACK TO {nom}")
                self.connexion.execute(f"RELEASE {nom}")
            raise
        else:
            self.connexion.execute(f"RELEASE {nom}")
        finally:
            self._profondeur -= 1

    def _annuler(self) -> None:
        # SQLite has already rolled back after some errors (disk full): a second ROLLBACK would raise.
        if self.connexion.in_transaction:
            self.connexion.execute("ROLLBACK")

    def valider(self) -> None:
        """Commit the current transaction."""
        try:
            self.connexion.execute("COMMIT")
        except sqlite3.OperationalError as err:
            self._annuler()
            raise self._erreur(err) from err

    # --- files ------------------------------------------------------------------------

    def fichier_importe(self, sha256: str) -> bool:
        """Whether a file with this content was already imported."""
        return self.connexion.execute("SELECT 1 FROM fichiers WHERE sha256 = ?", (sha256,)).fetchone() is not None

    def identifiant_fichier(self, sha256: str) -> int | None:
        """The id of an imported file, by content."""
        ligne = self.connexion.execute("SELECT id FROM fichiers WHERE sha256 = ?", (sha256,)).fetchone()
        return int(ligne[0]) if ligne else None

    def ajouter_fichier(self, sha256: str, nom: str, nature: str, preuve: str, **details: Any) -> int:
        """Record an imported file (inside a transaction); return its id."""
        colonnes = ["sha256", "nom", "nature", "preuve", "importe_le", *details]
        valeurs = [sha256, nom, nature, preuve, _maintenant(), *details.values()]
        curseur = self.connexion.execute(
            f"INSERT INTO fichiers ({', '.join(colonnes)}) VALUES ({', '.join('?' * len(colonnes))})", valeurs
        )
        return int(curseur.lastrowid or 0)

    def compter_fichier(self, fichier_id: int, lignes: int, rejets: int) -> None:
        """Record how many rows a file gave and how many were rejected."""
        self.connexion.execute("UPDATE fichiers SET lignes = ?, rejets = ? WHERE id = ?", (lignes, rejets, fichier_id))

    # --- contracts --------------------------------------------------------------------

    def marches_connus(self) -> dict[str, MarcheConnu]:
        """Every registered contract, by reference, as the row rules see it."""
        marches: dict[str, MarcheConnu] = {}
        lots: dict[int, dict[int, bool]] = {}
        for marche_id, numero, clause in self.connexion.execute("SELECT marche_id, numero, clause FROM lots"):
            lots.setdefault(marche_id, {})[numero] = bool(clause)
        for marche_id, reference, debut, fin in self.connexion.execute("SELECT id, reference, debut, fin FROM marches"):
            marches[reference] = MarcheConnu(reference, lots.get(marche_id, {}), _date(debut), _date(fin))
        return marches

    def donnees_marche(self, reference: str) -> dict[str, Any] | None:
        """What was registered for a contract (the JSON given to ``enregistrer_marche``), or None."""
        ligne = self.connexion.execute("SELECT donnees FROM marches WHERE reference = ?", (reference,)).fetchone()
        return json.loads(ligne[0]) if ligne else None

    def empreinte_marche(self, reference: str) -> str | None:
        """SHA-256 of the contract file a contract was registered from (what its workbook carries)."""
        ligne = self.connexion.execute(
            "SELECT f.empreinte_source FROM marches m JOIN fichiers f ON f.id = m.fichier_id WHERE m.reference = ?",
            (reference,),
        ).fetchone()
        return ligne[0] if ligne else None

    def lots_declares(self, reference: str) -> set[int]:
        """Lot numbers of a contract that have declared rows (they cannot disappear from it)."""
        requete = """SELECT DISTINCT lo.numero FROM lignes l JOIN lots lo ON lo.id = l.lot_id
                     JOIN marches m ON m.id = lo.marche_id WHERE m.reference = ?"""
        return {n for (n,) in self.connexion.execute(requete, (reference,))}

    def enregistrer_marche(self, donnees: dict[str, Any], debut: str | None, fin: str | None, fichier_id: int) -> None:
        """Create or update a contract and its lots (inside a transaction)."""
        self._lots = None
        c = self.connexion
        c.execute(
            "INSERT OR IGNORE INTO acheteurs (nom, commune) VALUES (?, ?)", (donnees["acheteur"], donnees["commune"])
        )
        (acheteur_id,) = c.execute(
            "SELECT id FROM acheteurs WHERE nom = ? AND commune = ?", (donnees["acheteur"], donnees["commune"])
        ).fetchone()
        valeurs = {
            "reference": donnees["reference"],
            "acheteur_id": acheteur_id,
            "objet": donnees["objet"],
            "type": donnees["type"],
            "regime": donnees["regime"],
            "article_14": int(donnees["article_14"]),
            "article_53": int(donnees["article_53"]),
            "heures_dues": donnees["heures_dues"],
            "heures_par_etp": donnees["heures_par_etp"],
            "penalite_par_heure": donnees["penalite_par_heure"],
            "debut": debut,
            "fin": fin,
            "formation_comptee": int(donnees.get("formation_comptee", False)),
            "donnees": json.dumps(donnees, ensure_ascii=False, sort_keys=True),
            "fichier_id": fichier_id,
            "enregistre_le": _maintenant(),
        }
        mise_a_jour = ", ".join(f"{k} = excluded.{k}" for k in valeurs if k != "reference")
        c.execute(
            f"INSERT INTO marches ({', '.join(valeurs)}) VALUES ({', '.join('?' * len(valeurs))}) "
            f"ON CONFLICT (reference) DO UPDATE SET {mise_a_jour}",
            list(valeurs.values()),
        )
        (marche_id,) = c.execute("SELECT id FROM marches WHERE reference = ?", (donnees["reference"],)).fetchone()
        numeros = [lot["numero"] for lot in donnees["lots"]]
        c.execute(
            f"DELETE FROM lots WHERE marche_id = ? AND numero NOT IN ({', '.join('?' * len(numeros))})",
            [marche_id, *numeros],
        )
        c.executemany(
            "INSERT INTO lots (marche_id, numero, intitule, heures_dues, clause, plafond_penalite) "
            "VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (marche_id, numero) DO UPDATE SET intitule = excluded.intitule, "
            "heures_dues = excluded.heures_dues, clause = excluded.clause, "
            "plafond_penalite = excluded.plafond_penalite",
            [
                (
                    marche_id,
                    lot["numero"],
                    lot["intitule"],
                    lot["heures_dues"],
                    int(lot["clause"]),
                    lot.get("plafond_penalite"),
                )
                for lot in donnees["lots"]
            ],
        )

    # --- sheets -----------------------------------------------------------------------

    def remplacer(self, fichier_id: int, lignes: list[LigneSuivi]) -> list[Remplacement]:
        """Mark as replaced the rows in force with the identity of a row of the new file (inside a transaction).

        A row's identity is its lot (so its contract), participant, month and work contract start:
        a later file's row replaces the earlier row of that identity and nothing else, so a
        supplement (a forgotten person) adds without removing. Returns what was replaced, per
        lot, month and earlier file, with the hours before and after.
        """
        lots = self._identifiants_lots()
        c = self.connexion
        c.execute(
            "CREATE TEMP TABLE IF NOT EXISTS nouvelles (lot_id INTEGER, participant TEXT, mois TEXT, "
            "debut_contrat TEXT, heures_c INTEGER, PRIMARY KEY (lot_id, participant, mois, debut_contrat))"
        )
        c.execute("DELETE FROM nouvelles")
        c.executemany(
            "INSERT OR REPLACE INTO nouvelles VALUES (?, ?, ?, ?, ?)",
            [
                (
                    lots[(ligne.reference, ligne.lot)],
                    ligne.participant,
                    ligne.mois,
                    ligne.debut_contrat.isoformat(),
                    ligne.heures_c,
                )
                for ligne in lignes
            ],
        )
        requete = """
            SELECT m.reference, lo.numero, l.mois, f.nom, COUNT(*), SUM(l.heures_c), SUM(n.heures_c)
            FROM lignes l INDEXED BY lignes_identite
            JOIN nouvelles n ON n.lot_id = l.lot_id AND n.participant = l.participant AND n.mois = l.mois
                            AND n.debut_contrat = l.debut_contrat
            JOIN lots lo ON lo.id = l.lot_id JOIN marches m ON m.id = lo.marche_id
            JOIN fichiers f ON f.id = l.fichier_id
            WHERE l.remplacee_par IS NULL AND l.fichier_id != ?
            GROUP BY lo.id, l.mois, f.id ORDER BY m.reference, lo.numero, l.mois, f.id"""
        remplacements = [Remplacement(*r) for r in c.execute(requete, (fichier_id,))]
        c.execute(
            """UPDATE lignes SET remplacee_par = ?
               WHERE remplacee_par IS NULL AND fichier_id != ?
                 AND (lot_id, participant, mois, debut_contrat) IN
                     (SELECT lot_id, participant, mois, debut_contrat FROM nouvelles)""",
            (fichier_id, fichier_id),
        )
        return remplacements

    def _identifiants_lots(self) -> dict[tuple[str, int], int]:
        if self._lots is None:  # read once per import: contracts come before sheets
            self._lots = {
                (reference, numero): lot_id
                for lot_id, reference, numero in self.connexion.execute(
                    "SELECT lo.id, m.reference, lo.numero FROM lots lo JOIN marches m ON m.id = lo.marche_id"
                )
            }
        return self._lots

    def contrats_declares(self, reference: str, participants: set[str]) -> list[tuple[str, str, str | None, str, int]]:
        """Rows in force of these people on a contract: (code, contract start, end, month, file id)."""
        marques = ", ".join("?" * len(participants))
        return list(
            self.connexion.execute(
                f"""SELECT l.participant, l.debut_contrat, l.fin_contrat, l.mois, l.fichier_id
                    FROM lignes l JOIN lots lo ON lo.id = l.lot_id JOIN marches m ON m.id = lo.marche_id
                    WHERE l.remplacee_par IS NULL AND m.reference = ? AND l.participant IN ({marques})""",
                [reference, *sorted(participants)],
            )
        )

    def personnes_du_fichier(self, fichier_id: int) -> list[tuple[str, str]]:
        """The (contract reference, person code) pairs a file's rows declare, whatever their state."""
        return list(
            self.connexion.execute(
                """SELECT DISTINCT m.reference, l.participant
                    FROM lignes l JOIN lots lo ON lo.id = l.lot_id JOIN marches m ON m.id = lo.marche_id
                    WHERE l.fichier_id = ? ORDER BY 1, 2""",
                (fichier_id,),
            )
        )

    def inserer_lignes(self, fichier_id: int, lignes: list[tuple[str, LigneSuivi]]) -> int:
        """Insert valid rows of a file (inside a transaction); return how many."""
        lots = self._identifiants_lots()
        # Ids are given here so that rows and their publics go in two batches: the
        # transaction (BEGIN IMMEDIATE) holds the write lock, no other writer can take them.
        (premier,) = self.connexion.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM lignes").fetchone()
        rangs = [
            (
                premier + n,
                fichier_id,
                lots[(ligne.reference, ligne.lot)],
                emplacement,
                ligne.participant,
                ligne.sexe,
                ligne.tranche_age,
                ligne.residence,
                ligne.modalite,
                ligne.siret_employeur,
                ligne.type_contrat,
                ligne.debut_contrat.isoformat(),
                ligne.fin_contrat.isoformat() if ligne.fin_contrat else None,
                ligne.mois,
                ligne.heures_c,
                ligne.heures_formation_c,
                ligne.sortie,
            )
            for n, (emplacement, ligne) in enumerate(lignes)
        ]
        self.connexion.executemany(
            """INSERT INTO lignes (id, fichier_id, lot_id, emplacement, participant, sexe, tranche_age, residence,
               modalite, siret_employeur, type_contrat, debut_contrat, fin_contrat, mois, heures_c,
               heures_formation_c, sortie) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            rangs,
        )
        self.connexion.executemany(
            "INSERT INTO lignes_publics (ligne_id, public) VALUES (?, ?)",
            [(premier + n, public) for n, (_, ligne) in enumerate(lignes) for public in ligne.publics],
        )
        return len(rangs)

    def declarer_neants(self, fichier_id: int, neants: list[tuple[str, int, str]]) -> None:
        """Record (inside a transaction) the « néant » declarations of a sheet: (reference, lot, month)."""
        lots = self._identifiants_lots()
        self.connexion.executemany(
            "INSERT OR IGNORE INTO neants (fichier_id, lot_id, mois) VALUES (?, ?, ?)",
            [(fichier_id, lots[(reference, lot)], mois) for reference, lot, mois in neants],
        )

    def inserer_rejet(
        self, fichier_id: int, emplacement: str, messages: list[str], valeurs: dict[str, str], participant: str | None
    ) -> None:
        """Keep a rejected row with its raw values (inside a transaction)."""
        self.connexion.execute(
            "INSERT INTO rejets (fichier_id, emplacement, messages, valeurs, participant) VALUES (?, ?, ?, ?, ?)",
            (
                fichier_id,
                emplacement,
                json.dumps(messages, ensure_ascii=False),
                json.dumps(valeurs, ensure_ascii=False),
                participant,
            ),
        )

    # --- journal and undo ---------------------------------------------------------------

    def noter_operation(self, nature: str, fichier_id: int | None = None) -> int:
        """Record a change of the register (inside its transaction); return its journal position."""
        curseur = self.connexion.execute(
            "INSERT INTO operations (le, nature, fichier_id) VALUES (?, ?, ?)", (_maintenant(), nature, fichier_id)
        )
        return int(curseur.lastrowid or 0)

    def noms_acheteurs(self) -> list[str]:
        """Every buyer's name the register knows, in name order (the report files are named from them)."""
        return [nom for (nom,) in self.connexion.execute("SELECT DISTINCT nom FROM acheteurs ORDER BY nom")]

    def position_journal(self) -> int:
        """The position of the latest change: a report records it to say which state it read."""
        return int(self.connexion.execute("SELECT COALESCE(MAX(id), 0) FROM operations").fetchone()[0])

    def noter_journal(self, fichier_id: int, lots: dict[tuple[str, str], list[int]]) -> None:
        """What a sheet did per (reference, lot): [added, hours added, replaced, hours replaced, rejected, néant]."""
        self.connexion.executemany(
            "INSERT INTO journal_lots (fichier_id, reference, lot, ajoutees, heures_ajoutees_c, remplacees, "
            "heures_remplacees_c, rejetees, neants) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(fichier_id, reference, lot, *valeurs) for (reference, lot), valeurs in sorted(lots.items())],
        )

    def chercher_fichiers(self, sha256: str) -> list[tuple[int, str, str, str, str | None]]:
        """Imported files whose SHA-256 starts with ``sha256``: (id, name, SHA-256, nature, undone on)."""
        return list(
            self.connexion.execute(
                "SELECT id, nom, sha256, nature, annule_le FROM fichiers WHERE sha256 LIKE ? || '%' ORDER BY id",
                (sha256.lower(),),
            )
        )

    def lignes_purgees(self, fichier_id: int) -> int:
        """How many rows of a sheet a purge deleted (rows it added less rows still there)."""
        (ajoutees,) = self.connexion.execute(
            "SELECT COALESCE(SUM(ajoutees), 0) FROM journal_lots WHERE fichier_id = ?", (fichier_id,)
        ).fetchone()
        (restantes,) = self.connexion.execute(
            "SELECT COUNT(*) FROM lignes WHERE fichier_id = ?", (fichier_id,)
        ).fetchone()
        return int(ajoutees) - int(restantes)

    def annuler(
        self, fichier_id: int, *, reprendre: bool = False
    ) -> tuple[list[tuple[str, int, str, int, int]], list[Remplacement]]:
        """Take a sheet back out (inside a transaction): its rows stop counting, the rows it replaced count again.

        With ``reprendre``, the other way: an undone sheet imported again counts again. For each
        identity the sheet touched, the row in force is the one of the latest file not undone; a
        row of an undone file is marked replaced by its own file. Returns the rows that stopped
        counting (reference, lot, month, rows, hundredths of hours) and those that count again.
        """
        c = self.connexion
        c.execute("UPDATE fichiers SET annule_le = ? WHERE id = ?", (None if reprendre else _maintenant(), fichier_id))
        c.execute(
            "CREATE TEMP TABLE IF NOT EXISTS touchees (lot_id INTEGER, participant TEXT, mois TEXT, "
            "debut_contrat TEXT, PRIMARY KEY (lot_id, participant, mois, debut_contrat))"
        )
        c.execute("DELETE FROM touchees")
        c.execute(
            "INSERT INTO touchees SELECT DISTINCT lot_id, participant, mois, debut_contrat FROM lignes "
            "WHERE fichier_id = ?",
            (fichier_id,),
        )
        dans = (
            "(lot_id, participant, mois, debut_contrat) IN "
            "(SELECT lot_id, participant, mois, debut_contrat FROM touchees)"
        )
        en_vigueur = f"SELECT id FROM lignes WHERE remplacee_par IS NULL AND {dans}"
        avant = {i for (i,) in c.execute(en_vigueur)}
        c.execute(
            f"""UPDATE lignes AS l SET remplacee_par = CASE
                    WHEN (SELECT annule_le FROM fichiers WHERE id = l.fichier_id) IS NOT NULL THEN l.fichier_id
                    ELSE NULLIF((SELECT MAX(k.fichier_id) FROM lignes k JOIN fichiers f ON f.id = k.fichier_id
                                 WHERE f.annule_le IS NULL AND k.lot_id = l.lot_id AND k.participant = l.participant
                                   AND k.mois = l.mois AND k.debut_contrat = l.debut_contrat), l.fichier_id) END
                WHERE {dans}"""
        )
        apres = {i for (i,) in c.execute(en_vigueur)}
        retirees = self._resume_lignes(avant - apres)
        restaurees = [
            Remplacement(ref, lot, mois, nom, n, h, 0)
            for ref, lot, mois, nom, n, h in self._resume_lignes(apres - avant, par_fichier=True)
        ]
        return retirees, restaurees

    def _resume_lignes(self, ids: set[int], *, par_fichier: bool = False) -> list[Any]:
        """Rows by lot and month (and file): (reference, lot, month, [file name,] rows, hundredths of hours)."""
        c = self.connexion
        c.execute("CREATE TEMP TABLE IF NOT EXISTS choisies (id INTEGER PRIMARY KEY)")
        c.execute("DELETE FROM choisies")
        c.executemany("INSERT INTO choisies VALUES (?)", [(i,) for i in ids])
        fichier = "f.nom, " if par_fichier else ""
        return list(
            c.execute(
                f"""SELECT m.reference, lo.numero, l.mois, {fichier}COUNT(*), SUM(l.heures_c)
                    FROM lignes l JOIN choisies ch ON ch.id = l.id
                    JOIN lots lo ON lo.id = l.lot_id JOIN marches m ON m.id = lo.marche_id
                    JOIN fichiers f ON f.id = l.fichier_id
                    GROUP BY lo.id, l.mois{", f.id" if par_fichier else ""}
                    ORDER BY m.reference, lo.numero, l.mois"""
            )
        )

    def journal(self) -> list[dict[str, Any]]:
        """Every change of the register in order, with each sheet's rows per lot."""
        lots: dict[int, list[dict[str, Any]]] = {}
        for fichier_id, reference, lot, *valeurs in self.connexion.execute(
            "SELECT fichier_id, reference, lot, ajoutees, heures_ajoutees_c, remplacees, heures_remplacees_c, "
            "rejetees, neants FROM journal_lots ORDER BY fichier_id, reference, lot = '', CAST(lot AS INTEGER)"
        ):
            cles = ("ajoutees", "heures_ajoutees_c", "remplacees", "heures_remplacees_c", "rejetees", "neants")
            lots.setdefault(fichier_id, []).append(
                {
                    "reference": reference,
                    "lot": int(lot) if lot.isdigit() else None,
                    **dict(zip(cles, valeurs, strict=True)),
                }
            )
        requete = """
            SELECT o.id, o.nature, o.le, f.id, f.nom, f.sha256, f.importe_le, f.annule_le, f.lignes, f.rejets
            FROM operations o LEFT JOIN fichiers f ON f.id = o.fichier_id ORDER BY o.id"""
        entrees = []
        for (
            position,
            nature,
            le,
            fichier_id,
            nom,
            sha256,
            importe_le,
            annule_le,
            lignes,
            rejets,
        ) in self.connexion.execute(requete):
            entree: dict[str, Any] = {"position": position, "operation": nature, "le": le}
            if fichier_id is not None:
                entree |= {"fichier": nom, "sha256": sha256, "importe_le": importe_le}
            if nature == "import":
                entree |= {"lignes": lignes, "rejets": rejets, "annule_le": annule_le, "lots": lots.get(fichier_id, [])}
            entrees.append(entree)
        return entrees

    # --- state ------------------------------------------------------------------------

    def lots_etat(self, jusqu_a: str = _TOUT) -> list[LotEtat]:
        """Every lot of every contract with its hours done (counted hours, in hundredths) and last month.

        Only the months up to ``jusqu_a`` (AAAA-MM) count: a state as of a date never moves
        when later months come in.
        """
        # Hours are summed per lot from the covering index first, then joined: the rows are
        # read once, in index order, without touching the table.
        requete = """
            SELECT a.nom, m.reference, m.objet, lo.numero, lo.intitule, lo.heures_dues,
                   COALESCE(h.heures + CASE WHEN m.formation_comptee THEN h.formation ELSE 0 END, 0),
                   h.dernier, m.debut, m.fin, m.penalite_par_heure, lo.clause, lo.plafond_penalite
            FROM lots lo
            JOIN marches m ON m.id = lo.marche_id
            JOIN acheteurs a ON a.id = m.acheteur_id
            LEFT JOIN (SELECT lot_id, SUM(heures_c) AS heures, SUM(heures_formation_c) AS formation,
                              MAX(mois) AS dernier
                       FROM lignes INDEXED BY lignes_actives WHERE remplacee_par IS NULL AND mois <= ?
                       GROUP BY lot_id) h
                ON h.lot_id = lo.id
            ORDER BY a.nom, m.reference, lo.numero"""
        partager = _partage()
        lots = [_lot_etat([partager(v) for v in ligne]) for ligne in self.connexion.execute(requete, (jusqu_a,))]
        agregees = self._heures_agregees(jusqu_a)
        return [_ajouter(lot, agregees.get((lot.reference, lot.numero))) for lot in lots]

    def _heures_agregees(self, jusqu_a: str) -> dict[tuple[str, int], tuple[int, str]]:
        """Hours of purged people, kept as aggregates, by lot, up to a month: (counted hundredths, last month)."""
        requete = """
            SELECT m.reference, lo.numero,
                   SUM(g.heures_c + CASE WHEN m.formation_comptee THEN g.heures_formation_c ELSE 0 END), MAX(g.periode)
            FROM agregats g JOIN lots lo ON lo.id = g.lot_id JOIN marches m ON m.id = lo.marche_id
            WHERE g.dimension = 'total' AND length(g.periode) = 7 AND g.periode <= ?
            GROUP BY lo.id"""
        return {(r, n): (h, p) for r, n, h, p in self.connexion.execute(requete, (jusqu_a,))}

    def mois_recus(self) -> dict[tuple[str, int], tuple[str, ...]]:
        """The months for which each lot has declared rows, a « néant » or aggregates kept by a purge, in order.

        A tuple per lot, each month one string for all lots: a set per lot and a string per
        month weighed 4.5 MB for 3 000 lots.
        """
        requete = """
            SELECT DISTINCT m.reference, lo.numero, r.mois FROM (
                SELECT DISTINCT lot_id, mois FROM lignes INDEXED BY lignes_actives WHERE remplacee_par IS NULL
                UNION ALL
                SELECT lot_id, periode FROM agregats WHERE dimension = 'total' AND length(periode) = 7
                UNION ALL
                SELECT n.lot_id, n.mois FROM neants n JOIN fichiers f ON f.id = n.fichier_id
                WHERE f.annule_le IS NULL) r
            JOIN lots lo ON lo.id = r.lot_id JOIN marches m ON m.id = lo.marche_id
            ORDER BY m.reference, lo.numero, r.mois"""
        partager = _partage()
        lignes = self.connexion.execute(requete)
        return {
            lot: tuple(partager(mois) for _, _, mois in groupe)
            for lot, groupe in itertools.groupby(lignes, key=lambda ligne: (ligne[0], ligne[1]))
        }

    def fins_de_contrat(
        self, du: datetime.date, au: datetime.date, jusqu_a: str = _TOUT
    ) -> list[tuple[str, str, int, str, str]]:
        """Work contracts whose latest declared end falls between the two dates: (code, reference, lot, end, type).

        A work contract is a person, a contract start and a lot; its latest month up to
        ``jusqu_a`` (AAAA-MM) says its end.
        """
        # Candidates first (a row ending in the window, by index), then each one's latest month:
        # the contracts whose latest end is in the window are among them.
        requete = """
            SELECT c.participant, m.reference, lo.numero, d.fin_contrat, d.type_contrat
            FROM (SELECT DISTINCT participant, debut_contrat, lot_id FROM lignes INDEXED BY lignes_fins
                  WHERE remplacee_par IS NULL AND fin_contrat BETWEEN :du AND :au AND mois <= :jusqu_a) c
            JOIN lignes d INDEXED BY lignes_contrats
                ON d.participant = c.participant AND d.debut_contrat = c.debut_contrat AND d.lot_id = c.lot_id
               AND d.remplacee_par IS NULL
               AND d.mois = (SELECT MAX(e.mois) FROM lignes e INDEXED BY lignes_contrats
                             WHERE e.participant = c.participant AND e.debut_contrat = c.debut_contrat
                               AND e.lot_id = c.lot_id AND e.remplacee_par IS NULL AND e.mois <= :jusqu_a)
            JOIN lots lo ON lo.id = c.lot_id JOIN marches m ON m.id = lo.marche_id
            WHERE d.fin_contrat BETWEEN :du AND :au
            GROUP BY c.participant, c.debut_contrat, c.lot_id
            ORDER BY d.fin_contrat, m.reference, c.participant"""
        return list(self.connexion.execute(requete, {"du": du.isoformat(), "au": au.isoformat(), "jusqu_a": jusqu_a}))

    # --- annual report (clause_kit.bilan) -------------------------------------------------

    def lire_en_flux(self) -> None:
        """A small page cache for this connection: the report reads each table once, the OS caches the file.

        SQLite keeps up to 2 MB of pages per connection, and the annual report opens three: on
        a large register they filled, and made the report's memory grow with the base.
        """
        self.connexion.execute("PRAGMA cache_size = -256")

    def lignes_bilan(self, premier_mois: str, dernier_mois: str) -> Iterator[tuple[Any, ...]]:
        """Rows in force with hours in the months ``premier_mois``..``dernier_mois`` (AAAA-MM), for the annual report.

        The months of one work contract that say the same of the person are summed in SQL (a
        person works about ten months on a contract: the report reads a tenth of the rows, and
        its memory no longer grows with them). Each: (buyer, reference, lot, participant, sex,
        age band, residence, modality, employer SIRET, holder's SIRET, holder's name, contract
        type, contract start, end of contract as the latest month says it, first month, counted
        hundredths of hours, latest exit declared, publics joined by « ; », last month, month
        of that exit).

        Rows come person by person (by code), read from the cursor as the caller consumes them:
        the report counts them a batch of whole people at a time and never holds them all.
        """
        # Rows are grouped alone, by sheet rather than by holder, then joined to their lot,
        # contract, buyer and sheet: 9 000 joins instead of 100 000. Two sheets of one holder give
        # two rows of a work contract, which the report merges as it merges any two rows.
        requete = """
            WITH formation AS (SELECT lo.id FROM lots lo JOIN marches m ON m.id = lo.marche_id
                               WHERE m.formation_comptee),
            g AS (
                SELECT l.lot_id, l.fichier_id, l.participant, l.sexe, l.tranche_age, l.residence, l.modalite,
                       l.siret_employeur, l.type_contrat, l.debut_contrat,
                       NULLIF(substr(MAX(l.mois || COALESCE(l.fin_contrat, '')), 8), '') AS fin, MIN(l.mois) AS premier,
                       SUM(l.heures_c) AS heures, SUM(l.heures_formation_c) AS formation,
                       MAX(CASE WHEN l.sortie IS NOT NULL THEN l.mois || l.sortie END) AS sortie,
                       (SELECT group_concat(public, ';') FROM lignes_publics p WHERE p.ligne_id = l.id) AS publics,
                       MAX(l.mois) AS dernier
                FROM lignes l
                WHERE l.remplacee_par IS NULL AND l.mois BETWEEN ? AND ?
                  AND (l.heures_c > 0 OR (l.heures_formation_c > 0 AND l.lot_id IN formation))
                GROUP BY l.participant, l.lot_id, l.debut_contrat, l.fichier_id, l.sexe, l.tranche_age, l.residence,
                         l.modalite, l.siret_employeur, l.type_contrat, publics)
            SELECT a.nom, m.reference, lo.numero, g.participant, g.sexe, g.tranche_age, g.residence, g.modalite,
                   g.siret_employeur, f.siret_titulaire, f.titulaire, g.type_contrat, g.debut_contrat, g.fin, g.premier,
                   g.heures + CASE WHEN m.formation_comptee THEN g.formation ELSE 0 END, substr(g.sortie, 8),
                   g.publics, g.dernier, substr(g.sortie, 1, 7)
            FROM g JOIN lots lo ON lo.id = g.lot_id JOIN marches m ON m.id = lo.marche_id
            JOIN acheteurs a ON a.id = m.acheteur_id JOIN fichiers f ON f.id = g.fichier_id
            ORDER BY g.participant, g.lot_id, g.debut_contrat, g.fichier_id, g.sexe, g.tranche_age, g.residence,
                     g.modalite, g.siret_employeur, g.type_contrat, g.publics"""
        return iter(self.connexion.execute(requete, (premier_mois, dernier_mois)))

    def heures_par_mois_bilan(self, premier_mois: str, dernier_mois: str) -> list[tuple[str, str, int]]:
        """Counted hundredths of hours in force per buyer and month of the period: (buyer, month, hours)."""
        requete = """
            SELECT a.nom, l.mois, SUM(l.heures_c + CASE WHEN m.formation_comptee THEN l.heures_formation_c ELSE 0 END)
            FROM lignes l INDEXED BY lignes_actives
            JOIN lots lo ON lo.id = l.lot_id JOIN marches m ON m.id = lo.marche_id
            JOIN acheteurs a ON a.id = m.acheteur_id
            WHERE l.remplacee_par IS NULL AND l.mois BETWEEN ? AND ? GROUP BY a.id, l.mois"""
        return self.connexion.execute(requete, (premier_mois, dernier_mois)).fetchall()

    def heures_formation_bilan(self, premier_mois: str, dernier_mois: str) -> list[tuple[str, int, int]]:
        """Training hours of the period per buyer, purged people's included: (buyer, hundredths, counted ones).

        Counted ones are those of contracts that count training among the insertion hours.
        """
        requete = """
            SELECT a.nom, SUM(r.formation_c), SUM(CASE WHEN m.formation_comptee THEN r.formation_c ELSE 0 END)
            FROM (SELECT lot_id, heures_formation_c AS formation_c FROM lignes
                  WHERE remplacee_par IS NULL AND mois BETWEEN :du AND :au AND heures_formation_c > 0
                  UNION ALL
                  SELECT lot_id, heures_formation_c FROM agregats
                  WHERE dimension = 'total' AND length(periode) = 7 AND periode BETWEEN :du AND :au
                    AND heures_formation_c > 0) r
            JOIN lots lo ON lo.id = r.lot_id JOIN marches m ON m.id = lo.marche_id
            JOIN acheteurs a ON a.id = m.acheteur_id
            GROUP BY a.id"""
        return self.connexion.execute(requete, {"du": premier_mois, "au": dernier_mois}).fetchall()

    def heures_agregees_bilan(self, premier_mois: str, dernier_mois: str) -> list[tuple[str, str, int, str, int]]:
        """Counted hundredths of hours of purged people, per lot and month: (buyer, reference, lot, month, hours)."""
        requete = """
            SELECT a.nom, m.reference, lo.numero, g.periode,
                   g.heures_c + CASE WHEN m.formation_comptee THEN g.heures_formation_c ELSE 0 END
            FROM agregats g JOIN lots lo ON lo.id = g.lot_id JOIN marches m ON m.id = lo.marche_id
            JOIN acheteurs a ON a.id = m.acheteur_id
            WHERE g.dimension = 'total' AND length(g.periode) = 7 AND g.periode BETWEEN ? AND ?"""
        return self.connexion.execute(requete, (premier_mois, dernier_mois)).fetchall()

    def marches_bilan(self) -> list[dict[str, Any]]:
        """Every registered contract with its lots, for the annual report and the forward view.

        ``lancement`` is the launch date the contract states (ISO), None when it states none or
        was registered before the register kept it; ``titulaires`` the holders its award block
        names ([{lot, nom, siret}], empty without one).
        """
        lots: dict[int, list[dict[str, Any]]] = {}
        # The same buyer, commune, dates and lot titles recur over thousands of contracts: one string each.
        partager = _partage()
        for marche_id, numero, intitule, dues, clause in self.connexion.execute(
            "SELECT marche_id, numero, intitule, heures_dues, clause FROM lots ORDER BY marche_id, numero"
        ):
            lots.setdefault(marche_id, []).append(
                {"numero": numero, "intitule": partager(intitule), "heures_dues": dues, "clause": bool(clause)}
            )
        requete = """
            SELECT m.id, a.nom, a.commune, m.reference, m.objet, m.type, m.article_14, m.article_53, m.heures_dues,
                   m.heures_par_etp, m.debut, m.fin, json_extract(m.donnees, '$.date_lancement'),
                   json_extract(m.donnees, '$.execution.titulaires')
            FROM marches m JOIN acheteurs a ON a.id = m.acheteur_id ORDER BY a.nom, m.reference"""
        cles = ("acheteur", "commune", "reference", "objet", "type", "article_14", "article_53", "heures_dues")
        marches = []
        for marche_id, *valeurs in self.connexion.execute(requete):
            marche = dict(
                zip(
                    (*cles, "heures_par_etp", "debut", "fin", "lancement", "titulaires"),
                    map(partager, valeurs),
                    strict=True,
                )
            )
            marche["titulaires"] = json.loads(marche["titulaires"]) if marche["titulaires"] else []
            marche["article_14"], marche["article_53"] = bool(marche["article_14"]), bool(marche["article_53"])
            marche["lots"] = lots.get(marche_id, [])
            marches.append(marche)
        return marches

    def heures_par_type_contrat(self, fini_apres: str = "", jusqu_a: str = _TOUT) -> list[tuple[str, int, str, int]]:
        """Counted hundredths of hours declared per lot and work-contract type: (reference, lot, type, hours).

        Only for the contracts not finished on ``fini_apres`` (ISO date; all when empty): the
        forward view needs no other; only the months up to ``jusqu_a`` (AAAA-MM). The hours of
        purged people count, from the aggregates the purge kept per month and contract type.
        """
        requete = """
            SELECT m.reference, lo.numero, r.type_contrat,
                   SUM(r.heures_c + CASE WHEN m.formation_comptee THEN r.formation_c ELSE 0 END)
            FROM marches m JOIN lots lo ON lo.marche_id = m.id
            JOIN (SELECT lot_id, type_contrat, heures_c, heures_formation_c AS formation_c FROM lignes
                  WHERE remplacee_par IS NULL AND mois <= :jusqu_a
                  UNION ALL
                  SELECT lot_id, valeur, heures_c, heures_formation_c FROM agregats
                  WHERE dimension = 'type_contrat' AND length(periode) = 7 AND periode <= :jusqu_a) r
                ON r.lot_id = lo.id
            WHERE m.fin IS NULL OR m.fin > :fini_apres
            GROUP BY lo.id, r.type_contrat"""
        return self.connexion.execute(requete, {"jusqu_a": jusqu_a, "fini_apres": fini_apres}).fetchall()

    # --- purge ------------------------------------------------------------------------

    def personnes_a_purger(self, limite: datetime.date) -> list[str]:
        """Codes of the people whose last work contract (or last declared month) ended before ``limite``."""
        requete = """
            SELECT participant FROM lignes
            GROUP BY participant
            HAVING MAX(COALESCE(fin_contrat, date(mois || '-01', '+1 month', '-1 day'))) < ?
            UNION
            SELECT r.participant FROM rejets r JOIN fichiers f ON f.id = r.fichier_id
            WHERE r.participant IS NOT NULL AND substr(f.importe_le, 1, 10) < ?
              AND r.participant NOT IN (SELECT participant FROM lignes)"""
        return [p for (p,) in self.connexion.execute(requete, (limite.isoformat(), limite.isoformat()))]

    def agreger(self, participants: list[str]) -> None:
        """Add these people's active rows to the aggregates (inside a transaction), before they are deleted."""
        self.connexion.execute("CREATE TEMP TABLE IF NOT EXISTS a_purger (participant TEXT PRIMARY KEY)")
        self.connexion.execute("DELETE FROM a_purger")
        self.connexion.executemany("INSERT INTO a_purger VALUES (?)", [(p,) for p in participants])
        for dimension, expression, jointure in _DIMENSIONS:
            for periode in ("l.mois", "substr(l.mois, 1, 4)"):
                self.connexion.execute(
                    f"""INSERT INTO agregats (lot_id, periode, dimension, valeur, heures_c, heures_formation_c,
                                              personnes, contrats_travail)
                        SELECT l.lot_id, {periode}, '{dimension}', {expression}, SUM(l.heures_c),
                               SUM(l.heures_formation_c), COUNT(DISTINCT l.participant),
                               COUNT(DISTINCT l.participant || '|' || l.debut_contrat)
                        FROM lignes l {jointure}
                        WHERE l.remplacee_par IS NULL AND l.participant IN (SELECT participant FROM a_purger)
                        GROUP BY l.lot_id, {periode}, {expression}
                        ON CONFLICT (lot_id, periode, dimension, valeur) DO UPDATE SET
                            heures_c = heures_c + excluded.heures_c,
                            heures_formation_c = heures_formation_c + excluded.heures_formation_c,
                            personnes = personnes + excluded.personnes,
                            contrats_travail = contrats_travail + excluded.contrats_travail"""
                )

    def lignes_a_purger(self) -> list[tuple[Any, ...]]:
        """The month rows in force with counted hours of the people of ``agreger``, as ``lignes_bilan`` gives them."""
        requete = """
            SELECT a.nom, m.reference, lo.numero, l.participant, l.sexe, l.tranche_age, l.residence, l.modalite,
                   l.siret_employeur, f.siret_titulaire, f.titulaire, l.type_contrat, l.debut_contrat, l.fin_contrat,
                   l.mois, l.heures_c + CASE WHEN m.formation_comptee THEN l.heures_formation_c ELSE 0 END, l.sortie,
                   (SELECT group_concat(public, ';') FROM (SELECT public FROM lignes_publics p
                                                           WHERE p.ligne_id = l.id ORDER BY public)),
                   NULL, NULL
            FROM lignes l JOIN lots lo ON lo.id = l.lot_id JOIN marches m ON m.id = lo.marche_id
            JOIN acheteurs a ON a.id = m.acheteur_id JOIN fichiers f ON f.id = l.fichier_id
            WHERE l.remplacee_par IS NULL AND l.participant IN (SELECT participant FROM a_purger)
              AND (l.heures_c > 0 OR (m.formation_comptee AND l.heures_formation_c > 0))
            ORDER BY l.participant, l.mois, l.debut_contrat, l.id"""
        return self.connexion.execute(requete).fetchall()

    def agregat_bilan(self, periode: str, portee: str) -> dict[str, Any] | None:
        """The counts the purges kept for a period (AAAA-MM..AAAA-MM) and buyer ('' for all), or None."""
        ligne = self.connexion.execute(
            "SELECT comptes FROM agregats_bilan WHERE periode = ? AND portee = ?", (periode, portee)
        ).fetchone()
        return json.loads(ligne[0]) if ligne else None

    def ecrire_agregat_bilan(self, periode: str, portee: str, comptes: dict[str, Any]) -> None:
        """Keep (inside the purge's transaction) the counts of a period and buyer, replacing the previous ones."""
        self.connexion.execute(
            "INSERT INTO agregats_bilan (periode, portee, comptes) VALUES (?, ?, ?) "
            "ON CONFLICT (periode, portee) DO UPDATE SET comptes = excluded.comptes",
            (periode, portee, json.dumps(comptes, ensure_ascii=False, sort_keys=True)),
        )

    def a_des_agregats_bilan(self) -> bool:
        """Whether a purge ever kept counts for the reports."""
        return self.connexion.execute("SELECT 1 FROM agregats_bilan LIMIT 1").fetchone() is not None

    def supprimer_personnes(self) -> tuple[int, int]:
        """Delete the rows and rejected rows of the people of ``agreger``; return (rows, rejected rows)."""
        lignes = self.connexion.execute(
            "DELETE FROM lignes WHERE participant IN (SELECT participant FROM a_purger)"
        ).rowcount
        rejets = self.connexion.execute(
            "DELETE FROM rejets WHERE participant IN (SELECT participant FROM a_purger)"
        ).rowcount
        return lignes, rejets

    def preuves_sans_lignes(self) -> list[tuple[int, str]]:
        """Evidence copies of sheets none of whose rows or rejected rows remain: (file id, copy)."""
        requete = """
            SELECT f.id, f.preuve FROM fichiers f
            WHERE f.nature = 'feuille' AND f.preuve IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM lignes l WHERE l.fichier_id = f.id)
              AND NOT EXISTS (SELECT 1 FROM rejets r WHERE r.fichier_id = f.id)
              AND (f.lignes > 0 OR f.rejets > 0)"""
        return list(self.connexion.execute(requete))

    def oublier_preuve(self, fichier_id: int) -> None:
        """Record that a file's evidence copy was deleted by the purge."""
        self.connexion.execute(
            "UPDATE fichiers SET preuve = NULL, preuve_supprimee_le = ? WHERE id = ?", (_maintenant(), fichier_id)
        )

    def noter_purge(
        self, avant: datetime.date, annees: int, personnes: int, lignes: int, rejets: int, preuves: int
    ) -> None:
        """Keep a trace of a purge: what was deleted, when, under which rule (and its place in the journal)."""
        self.noter_operation("purge")
        self.connexion.execute(
            "INSERT INTO purges (le, avant, conservation_annees, personnes, lignes, rejets, preuves) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (_maintenant(), avant.isoformat(), annees, personnes, lignes, rejets, preuves),
        )

    def preuves_referencees(self) -> set[str]:
        """Names of the evidence copies the register still points to."""
        return {p for (p,) in self.connexion.execute("SELECT preuve FROM fichiers WHERE preuve IS NOT NULL")}


#: (dimension, value expression, join) for the aggregates kept by a purge.
_DIMENSIONS = [
    ("total", "''", ""),
    ("sexe", "l.sexe", ""),
    ("tranche_age", "l.tranche_age", ""),
    ("residence", "COALESCE(l.residence, '')", ""),
    ("modalite", "l.modalite", ""),
    ("type_contrat", "l.type_contrat", ""),
    ("sortie", "COALESCE(l.sortie, '')", ""),
    ("public", "p.public", "JOIN lignes_publics p ON p.ligne_id = l.id"),
]


def _partage() -> Callable[[Any], Any]:
    """One object for equal values read from the base (months, buyers, dates): thousands of rows repeat them."""
    vus: dict[Any, Any] = {}
    return lambda valeur: vus.setdefault(valeur, valeur)


def _lot_etat(valeurs: list[Any]) -> LotEtat:
    valeurs[-2] = bool(valeurs[-2])
    return LotEtat(*valeurs)


def _ajouter(lot: LotEtat, agregee: tuple[int, str] | None) -> LotEtat:
    if agregee is None:
        return lot
    heures, mois = agregee
    dernier = max(filter(None, (lot.dernier_mois, mois)), default=None)
    return dataclasses.replace(lot, heures_c=lot.heures_c + heures, dernier_mois=dernier)


def _date(texte: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(texte) if texte else None


def _raison(err: BaseException) -> str:
    if isinstance(err, sqlite3.Error):
        return raison_sqlite(err)
    return raison_systeme(err) if isinstance(err, OSError) else str(err)
