"""The register file: ours or refused, never adopted; read without writing; one writer at a time; local disks only.

Another application's SQLite file given as ``--base`` to every command keeps its bytes (SHA-256)
and gets no file beside it; a read-only base is read, and a command that would write says it is
read-only; two imports at once are serialised; a base on a network share is refused. Every
SQLite error reaches the user in French, naming the file.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from clause_kit.cli import main
from clause_kit.commun.montages import reseau, systeme_de_fichiers
from clause_kit.suivi import importer as module_importer
from clause_kit.suivi import registre as module_registre
from clause_kit.suivi.erreurs import ErreurRegistre
from clause_kit.suivi.registre import APPLICATION_ID, Registre
from tests.suivi_commun import BONNES, compter, importer, ligne
from tests.tableur import remplir

#: Every command that takes ``--base``, as a maintainer would try them (« {base} » and « {contrat} » filled in).
COMMANDES = [
    ["suivi", "etat"],
    ["suivi", "etat", "--format", "json"],
    ["suivi", "journal"],
    ["suivi", "purger", "--essai"],
    ["suivi", "annuler", "0123456789abcdef"],
    ["suivi", "importer", "{contrat}"],
    ["bilan", "--annee", "2026"],
    ["bilan", "--annee", "2026", "-o", "{sortie}"],
]


def _lancer(commande: list[str], base: Path, contrat: Path, sortie: Path) -> Result:
    arguments = [a.format(contrat=contrat, sortie=sortie) for a in commande]
    return CliRunner().invoke(main, [*arguments, "--base", str(base)])


def _empreinte(chemin: Path) -> str:
    return hashlib.sha256(chemin.read_bytes()).hexdigest()


def _sans_trace(resultat: Result) -> None:
    assert resultat.exception is None or isinstance(resultat.exception, SystemExit), resultat.exception
    assert "Traceback" not in resultat.output and "erreur inattendue" not in resultat.output, resultat.output


def _base_etrangere(chemin: Path, *, wal: bool = False, application: int = 0) -> Path:
    with sqlite3.connect(chemin) as connexion:
        if wal:
            connexion.execute("PRAGMA journal_mode = WAL")
        if application:
            connexion.execute(f"PRAGMA application_id = {application}")
        connexion.execute("CREATE TABLE contacts (nom TEXT, courriel TEXT)")
        connexion.execute("INSERT INTO contacts VALUES ('Jean Dupont', 'jean@example.org')")
    connexion.close()
    return chemin


@pytest.mark.parametrize("commande", COMMANDES, ids=lambda c: " ".join(c[:3]))
@pytest.mark.parametrize(
    "genre", ["simple", "wal", "marquee"], ids=["sqlite-d-une-autre-application", "en-wal", "application-id"]
)
def test_une_base_d_une_autre_application_est_refusee_et_laissee_telle_quelle(
    tmp_path: Path, contrat: Path, commande: list[str], genre: str
) -> None:
    base = _base_etrangere(tmp_path / "contacts.db", wal=genre == "wal", application=0x4D4F5A00 * (genre == "marquee"))
    avant = _empreinte(base)
    resultat = _lancer(commande, base, contrat, tmp_path / "sortie")
    _sans_trace(resultat)
    assert resultat.exit_code == 1
    assert f"{base} : base SQLite d'une autre application" in resultat.stderr
    assert _empreinte(base) == avant
    # Nothing beside it either: no WAL, no index, no evidence folder, no report.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contacts.db", "extension.yaml"]


@pytest.mark.parametrize("commande", COMMANDES, ids=lambda c: " ".join(c[:3]))
def test_un_fichier_qui_n_est_pas_une_base_est_refuse_en_francais(
    tmp_path: Path, contrat: Path, commande: list[str]
) -> None:
    for base in (Path("/dev/zero"), tmp_path / "notes.txt", tmp_path / "tronquee.sqlite"):
        if base.name == "notes.txt":
            base.write_text("pas une base\n" * 20)
        elif base.name == "tronquee.sqlite":
            base.write_bytes(b"SQLite format 3\x00" + b"\x00" * 20)
        resultat = _lancer(commande, base, contrat, tmp_path / "sortie")
        _sans_trace(resultat)
        assert resultat.exit_code == 1
        assert str(base) in resultat.stderr
        assert "database" not in resultat.stderr and "file is not" not in resultat.stderr, resultat.stderr


def test_une_base_endommagee_se_dit_en_francais(tmp_path: Path, contrat: Path, vierge: bytes) -> None:
    base = tmp_path / "suivi.sqlite"
    assert importer(base, contrat, remplir(vierge, BONNES, tmp_path / "fiche.xlsx")).exit_code == 0
    contenu = bytearray(base.read_bytes())
    contenu[4096:] = b"\xa5" * (len(contenu) - 4096)  # every page after the first: garbage
    base.write_bytes(bytes(contenu))
    for commande in COMMANDES:
        resultat = _lancer(commande, base, contrat, tmp_path / "sortie")
        _sans_trace(resultat)
        assert resultat.exit_code == 1
        assert str(base) in resultat.stderr
        assert "malformed" not in resultat.stderr and "database" not in resultat.stderr, resultat.stderr


def test_une_nouvelle_base_porte_la_marque_de_clause_kit(tmp_path: Path, contrat: Path) -> None:
    base = tmp_path / "suivi.sqlite"
    assert importer(base, contrat).exit_code == 0
    with sqlite3.connect(base) as connexion:
        assert connexion.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID == 0x434C4B54
    connexion.close()


def _registre_non_marque(base: Path, contrat: Path, vierge: bytes, dossier: Path) -> None:
    """A register of schema 3 as clause_kit made them before the stamp."""
    assert importer(base, contrat, remplir(vierge, BONNES, dossier / "fiche.xlsx")).exit_code == 0
    with sqlite3.connect(base) as connexion:
        connexion.execute("PRAGMA application_id = 0")
    connexion.close()


def test_un_registre_d_avant_la_marque_est_lu_sans_changer_puis_marque_a_l_ecriture(
    tmp_path: Path, contrat: Path, vierge: bytes
) -> None:
    base = tmp_path / "suivi.sqlite"
    _registre_non_marque(base, contrat, vierge, tmp_path)
    avant = _empreinte(base)
    for commande in (["suivi", "etat"], ["suivi", "journal"], ["bilan", "--annee", "2026"]):
        resultat = _lancer(commande, base, contrat, tmp_path / "sortie")
        assert resultat.exit_code == 0, resultat.output
    assert _empreinte(base) == avant  # read: never changed, not even stamped
    assert importer(base, remplir(vierge, [ligne("CUG-050")], tmp_path / "avril.xlsx")).exit_code == 0
    with sqlite3.connect(base) as connexion:
        assert connexion.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    connexion.close()
    assert compter(base, "lignes") == 4


def test_une_commande_de_lecture_ne_cree_ni_ne_modifie_rien(tmp_path: Path, contrat: Path, vierge: bytes) -> None:
    absente = tmp_path / "absente.sqlite"
    for commande in (["suivi", "etat"], ["suivi", "journal"], ["bilan", "--annee", "2026"]):
        resultat = _lancer(commande, absente, contrat, tmp_path / "sortie")
        _sans_trace(resultat)
        assert resultat.exit_code == 1 and "base de suivi introuvable" in resultat.stderr
        assert not absente.exists()
    vide = tmp_path / "vide.sqlite"
    vide.touch()
    resultat = _lancer(["suivi", "etat"], vide, contrat, tmp_path / "sortie")
    assert resultat.exit_code == 1 and "base de suivi vide" in resultat.stderr
    assert vide.read_bytes() == b""
    base = tmp_path / "suivi.sqlite"
    assert importer(base, contrat, remplir(vierge, BONNES, tmp_path / "fiche.xlsx")).exit_code == 0
    avant = _empreinte(base)
    for commande in (["suivi", "etat"], ["suivi", "journal"], ["bilan", "--annee", "2026"]):
        assert _lancer(commande, base, contrat, tmp_path / "sortie").exit_code == 0
    assert _empreinte(base) == avant


# --- read-only media -------------------------------------------------------------------------


def _simuler_support(monkeypatch: pytest.MonkeyPatch, *, sans_index: bool) -> None:
    """Pretend the base is on read-only media: root ignores file modes, so the opening itself is changed.

    A read-write opening becomes a read-only one (SQLite answers « read-only » to any write);
    with ``sans_index``, a ``mode=ro`` opening fails as it does on read-only media for a WAL base
    (no « -shm » can be made beside it): only ``immutable=1`` reads it.
    """
    uri = module_registre._uri

    def sur_support(chemin: Path, parametres: str) -> str:
        if parametres in ("mode=rw", "mode=rwc"):
            return uri(chemin, "mode=ro")
        if parametres == "mode=ro" and sans_index:
            return uri(chemin.parent / "dossier-absent" / chemin.name, parametres)
        return uri(chemin, parametres)

    monkeypatch.setattr(module_registre, "_uri", sur_support)
    monkeypatch.setattr(module_registre, "support_en_lecture_seule", lambda _chemin: True)


def test_une_base_en_lecture_seule_est_lue_et_l_ecriture_dit_pourquoi(
    tmp_path: Path, contrat: Path, vierge: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path / "suivi.sqlite"
    assert importer(base, contrat, remplir(vierge, BONNES, tmp_path / "fiche.xlsx")).exit_code == 0
    avant = _empreinte(base)
    _simuler_support(monkeypatch, sans_index=True)
    resultat = _lancer(["suivi", "etat", "--format", "json"], base, contrat, tmp_path / "sortie")
    assert resultat.exit_code == 0, resultat.output
    assert '"heures_realisees": 255.75' in resultat.stdout
    assert _lancer(["bilan", "--annee", "2026"], base, contrat, tmp_path / "sortie").exit_code == 0
    for commande in (["suivi", "importer", "{contrat}"], ["suivi", "purger", "--essai"]):
        resultat = _lancer(commande, base, contrat, tmp_path / "sortie")
        _sans_trace(resultat)
        assert resultat.exit_code == 1
        assert f"{base} : base en lecture seule" in resultat.stderr, resultat.stderr
        assert "readonly" not in resultat.stderr
    fiche = remplir(vierge, [ligne("CUG-050")], tmp_path / "avril.xlsx")
    resultat = importer(base, fiche)
    assert resultat.exit_code == 1 and "base en lecture seule" in resultat.stderr
    assert not list((tmp_path / "suivi-preuves").glob("*avril*"))
    assert _empreinte(base) == avant


def test_une_base_illisible_sur_un_support_inscriptible_n_est_pas_lue_figee(
    tmp_path: Path, contrat: Path, vierge: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    # mode=ro fails because this account cannot make « -shm » in the folder, but the media is
    # writable: another account may be importing, and an immutable reading would ignore its WAL.
    base = tmp_path / "suivi.sqlite"
    assert importer(base, contrat, remplir(vierge, BONNES, tmp_path / "fiche.xlsx")).exit_code == 0
    _simuler_support(monkeypatch, sans_index=True)
    monkeypatch.setattr(module_registre, "support_en_lecture_seule", lambda _chemin: False)
    resultat = _lancer(["suivi", "etat", "--format", "json"], base, contrat, tmp_path / "sortie")
    _sans_trace(resultat)
    assert resultat.exit_code == 1
    assert f"{base} : lecture impossible : SQLite doit pouvoir créer ses fichiers" in resultat.stderr


@pytest.mark.lent
def test_sur_un_vrai_support_en_lecture_seule(tmp_path: Path, contrat: Path, vierge: bytes) -> None:
    """A tmpfs remounted read-only in a private mount namespace (as tests/test_disque.py does)."""
    import subprocess
    import sys

    from tests.test_disque import RACINE, espace_de_noms

    source = tmp_path / "source.sqlite"
    assert importer(source, contrat, remplir(vierge, BONNES, tmp_path / "fiche.xlsx")).exit_code == 0
    point = tmp_path / "ro"
    point.mkdir()
    script = (
        'set -e; mount -t tmpfs tmpfs "$1"; cp "$2" "$1/suivi.sqlite"; mount -o remount,ro "$1"; '
        'echo "--- etat"; "$3" -m clause_kit suivi etat --base "$1/suivi.sqlite" --au 2026-06-15 || true; '
        'echo "--- importer"; "$3" -m clause_kit suivi importer "$4" --base "$1/suivi.sqlite" 2>&1 || true'
    )
    sortie = subprocess.run(
        [*espace_de_noms(), "sh", "-c", script, "sh", str(point), str(source), sys.executable, str(contrat)],
        capture_output=True,
        text=True,
        cwd=RACINE,
        timeout=120,
        check=False,
    )
    etat, _, ecriture = sortie.stdout.partition("--- importer")
    assert "Traceback" not in sortie.stdout + sortie.stderr, sortie.stdout + sortie.stderr
    assert "255,75" in etat or "255.75" in etat, sortie.stdout + sortie.stderr
    assert "base en lecture seule" in ecriture, ecriture


# --- network shares ------------------------------------------------------------------------


def _table_des_montages(tmp_path: Path, partage: Path, type_: str) -> Path:
    table = tmp_path / "mountinfo"
    echappe = str(partage).replace(" ", "\\040")
    table.write_text(
        "22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
        f"95 22 0:50 / {echappe} rw,relatime shared:60 - {type_} //serveur/equipe rw,vers=3.1.1\n"
        f"96 95 0:51 / {echappe}/local rw,relatime - tmpfs tmpfs rw\n",
        encoding="utf-8",
    )
    return table


def test_le_systeme_de_fichiers_se_lit_au_point_de_montage_le_plus_long(tmp_path: Path) -> None:
    partage = tmp_path / "partage équipe"
    table = _table_des_montages(tmp_path, partage, "cifs")
    assert systeme_de_fichiers(partage / "suivi.sqlite", table) == "cifs"
    assert reseau(partage / "sous" / "dossier" / "suivi.sqlite", table) == "cifs"
    assert systeme_de_fichiers(partage / "local" / "suivi.sqlite", table) == "tmpfs"
    assert reseau(partage / "local" / "suivi.sqlite", table) is None
    assert systeme_de_fichiers(tmp_path / "partage équipe bis" / "x", table) == "ext4"  # a prefix of the name only
    assert systeme_de_fichiers(tmp_path / "x", tmp_path / "absente") is None


@pytest.mark.parametrize("type_", ["cifs", "smb3", "nfs", "nfs4", "fuse.sshfs", "fuse.gvfsd-fuse", "9p"])
def test_une_base_sur_un_partage_reseau_est_refusee(
    tmp_path: Path, contrat: Path, vierge: bytes, monkeypatch: pytest.MonkeyPatch, type_: str
) -> None:
    partage = tmp_path / "partage"
    partage.mkdir()
    base = partage / "suivi.sqlite"
    monkeypatch.setenv("CLAUSE_KIT_MOUNTINFO", str(_table_des_montages(tmp_path, partage, type_)))
    resultat = importer(base, contrat)
    _sans_trace(resultat)
    assert resultat.exit_code == 1
    assert f"{base} : base de suivi sur un partage réseau ({type_})" in resultat.stderr
    assert "verrous" in resultat.stderr and "disque local" in resultat.stderr
    assert not base.exists() and list(partage.iterdir()) == []
    # An existing one (copied there) is refused by the read commands too.
    monkeypatch.delenv("CLAUSE_KIT_MOUNTINFO")
    assert importer(base, contrat).exit_code == 0
    monkeypatch.setenv("CLAUSE_KIT_MOUNTINFO", str(_table_des_montages(tmp_path, partage, type_)))
    resultat = _lancer(["suivi", "etat"], base, contrat, tmp_path / "sortie")
    assert resultat.exit_code == 1 and "partage réseau" in resultat.stderr


# --- two imports at once -------------------------------------------------------------------


def _en_meme_temps(monkeypatch: pytest.MonkeyPatch, base: Path, fiches: list[Path]) -> list[Any]:
    """Import each sheet in its own thread; both have read and checked their sheet before either writes."""
    barriere = threading.Barrier(len(fiches), timeout=30)
    examiner = module_importer._examiner

    def examiner_puis_attendre(*arguments: Any) -> Any:
        examen = examiner(*arguments)
        barriere.wait()  # the other import has checked its sheet too: the race is as tight as it can be
        return examen

    monkeypatch.setattr(module_importer, "_examiner", examiner_puis_attendre)
    comptes: list[Any] = [None] * len(fiches)

    def importer_une(rang: int) -> None:
        (comptes[rang],) = module_importer.importer([fiches[rang]], base)

    fils = [threading.Thread(target=importer_une, args=(rang,)) for rang in range(len(fiches))]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=60)
    return comptes


def test_la_meme_fiche_importee_deux_fois_en_meme_temps(
    tmp_path: Path, contrat: Path, vierge: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path / "suivi.sqlite"
    assert importer(base, contrat).exit_code == 0
    fiche = remplir(vierge, BONNES, tmp_path / "fiche.xlsx")
    copie = tmp_path / "copie.xlsx"
    copie.write_bytes(fiche.read_bytes())
    comptes = _en_meme_temps(monkeypatch, base, [fiche, copie])
    assert sorted(c.statut for c in comptes) == ["deja_importe", "importe"], [(c.statut, c.messages) for c in comptes]
    assert compter(base, "lignes") == 3 and compter(base, "fichiers", "nature = 'feuille'") == 1


def test_deux_contrats_qui_se_chevauchent_importes_en_meme_temps(
    tmp_path: Path, contrat: Path, vierge: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime

    base = tmp_path / "suivi.sqlite"
    assert importer(base, contrat).exit_code == 0
    # The same person, two work contracts whose dates overlap, in two sheets of two companies.
    premier = ligne("CUG-060", debut_contrat=datetime.date(2026, 2, 2), fin_contrat=datetime.date(2026, 7, 31))
    second = ligne("CUG-060", lot=2, debut_contrat=datetime.date(2026, 3, 1), fin_contrat=datetime.date(2026, 5, 31))
    fiches = [remplir(vierge, [premier], tmp_path / "a.xlsx"), remplir(vierge, [second], tmp_path / "b.xlsx")]
    comptes = _en_meme_temps(monkeypatch, base, fiches)
    assert sorted(c.statut for c in comptes) == ["importe", "importe"], [(c.statut, c.messages) for c in comptes]
    assert sorted((c.lignes, c.rejets) for c in comptes) == [(0, 1), (1, 0)]
    rejete = next(c for c in comptes if c.rejets)
    assert "CUG-060 a déjà, sur ce marché, un contrat déclaré" in " ".join(rejete.messages)
    assert compter(base, "lignes") == 1


def test_une_base_occupee_attend_puis_se_dit_en_francais(
    tmp_path: Path, contrat: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path / "suivi.sqlite"
    assert importer(base, contrat).exit_code == 0
    monkeypatch.setattr(module_registre, "_ATTENTE", 0.2)
    verrou = sqlite3.connect(base, isolation_level=None)
    verrou.execute("BEGIN IMMEDIATE")  # another import holds the write lock
    try:
        with pytest.raises(ErreurRegistre, match=r"suivi\.sqlite : base occupée par une autre commande"):
            Registre(base)
    finally:
        verrou.execute("ROLLBACK")
        verrou.close()


def test_un_disque_plein_pendant_l_import_se_dit_en_francais(
    tmp_path: Path, contrat: Path, vierge: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path / "suivi.sqlite"
    assert importer(base, contrat).exit_code == 0
    inserer = Registre.inserer_lignes

    def sur_un_disque_plein(registre: Registre, *arguments: Any) -> int:
        # The base may not grow by a single page: SQLite answers SQLITE_FULL, as on a full disk.
        (pages,) = registre.connexion.execute("PRAGMA page_count").fetchone()
        registre.connexion.execute(f"PRAGMA max_page_count = {pages}")
        return inserer(registre, *arguments)

    monkeypatch.setattr(Registre, "inserer_lignes", sur_un_disque_plein)
    lignes = [ligne(f"CUG-{n:03d}", publics="rsa;jeune;senior", heures=10) for n in range(1, 60)]
    resultat = importer(base, remplir(vierge, lignes, tmp_path / "fiche.xlsx"))
    _sans_trace(resultat)
    assert resultat.exit_code == 1
    assert f"{base} : disque plein" in resultat.stderr, resultat.stderr
    assert "full" not in resultat.stderr
    assert compter(base, "lignes") == 0 and compter(base, "fichiers", "nature = 'feuille'") == 0


def test_un_bloc_imbrique_qui_echoue_est_defait_meme_si_l_appelant_continue(tmp_path: Path) -> None:
    # A nested transaction block was simply part of the outer one: when its caller caught the
    # error and went on (a refused taking back of an undone sheet), what the block had written was
    # committed all the same (a review found it). It is a savepoint now.
    from clause_kit.suivi.registre import Registre

    base = tmp_path / "suivi.sqlite"
    with Registre(base) as registre, registre.transaction():
        registre.noter_operation("marche")
        with contextlib.suppress(RuntimeError), registre.transaction():
            registre.noter_operation("reprise")
            raise RuntimeError("refusée")
        registre.noter_operation("import")
    with Registre(base, lecture=True) as registre:
        operations = [nature for (nature,) in registre.connexion.execute("SELECT nature FROM operations ORDER BY id")]
    assert operations == ["marche", "import"]
