"""Full and read-only disks, planted links: per-contract failures in the project's words, a report when it can be.

The disks are real: a small tmpfs mounted in a private mount namespace (``unshare``; as root,
or as a user through a user namespace), so nothing stays mounted after the test.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from clause_kit.cli import main
from tests.test_arrets import contrats

# Real disks in private mount namespaces: root or user namespaces, and LibreOffice for --pdf.
pytestmark = pytest.mark.lent

RACINE = Path(__file__).resolve().parent.parent

# $1 the tmpfs size, $2 where to mount it, $3 "ro" to make it read-only once $4 (a shell
# command) has prepared it; the rest is the command to run there.
_SCRIPT = """
set -e
mount -t tmpfs -o size="$1" tmpfs "$2"
cd "$2"
eval "$4"
if [ "$3" = ro ]; then mount -o remount,ro "$2"; fi
shift 4
exec "$@"
"""


@functools.cache
def espace_de_noms() -> tuple[str, ...]:
    """How to get a private mount namespace here: as root, or through a user namespace."""
    essais = [("unshare", "--mount"), ("unshare", "--user", "--map-root-user", "--mount")]
    for prefixe in essais:
        sonde = subprocess.run([*prefixe, "sh", "-c", "mount -t tmpfs tmpfs /mnt"], capture_output=True, check=False)
        if sonde.returncode == 0:
            return prefixe
    raise AssertionError(
        "ces tests montent un petit tmpfs : il faut être root (CAP_SYS_ADMIN) ou avoir les espaces de noms "
        "utilisateur (unshare --user)"
    )


def sur_un_petit_disque(
    point: Path, taille: str, *arguments: str, lecture_seule: bool = False, preparation: str = "true"
) -> subprocess.CompletedProcess[str]:
    """``clause-kit generer ARGUMENTS`` with ``point`` a fresh tmpfs of ``taille``, in a private mount namespace."""
    point.mkdir(parents=True, exist_ok=True)
    commande = [*espace_de_noms(), "sh", "-c", _SCRIPT, "sh", taille, str(point)]
    commande += ["ro" if lecture_seule else "rw", preparation]
    commande += [sys.executable, "-m", "clause_kit", "generer", *arguments]
    return subprocess.run(commande, capture_output=True, text=True, cwd=RACINE, timeout=600, check=False)


def test_disque_plein_avec_pdf(tmp_path: Path) -> None:
    entrees = contrats(tmp_path / "entrees" / "cassis", 6)
    point = tmp_path / "petit"
    # Room for two dossiers with their PDF and ZIP, not for six.
    resultat = sur_un_petit_disque(point, "2500k", str(entrees), "-o", "sortie", "--pdf", "--zip", "-j", "1")
    sortie = point / "sortie"  # the tmpfs is gone with its namespace: read what the run said
    assert "Traceback" not in resultat.stderr and "erreur inattendue" not in resultat.stderr, resultat.stderr
    assert resultat.returncode == 1
    assert "disque plein" in resultat.stderr
    assert "Rapport : sortie/rapport-generation.json" in resultat.stdout, resultat.stdout + resultat.stderr
    lignes = [ligne.split() for ligne in resultat.stdout.splitlines() if ligne.startswith("Cassis")]
    assert any(ligne[2] == "généré" for ligne in lignes) and any(ligne[2] == "erreur" for ligne in lignes)
    assert not sortie.exists()  # nothing written outside the tmpfs


def test_disque_plein_sans_pdf_rapport_complet(tmp_path: Path) -> None:
    entrees = contrats(tmp_path / "entrees" / "cassis", 20)
    point = tmp_path / "petit"
    resultat = sur_un_petit_disque(point, "400k", str(entrees), "-o", "sortie", "-j", "2")
    assert "Traceback" not in resultat.stderr and "erreur inattendue" not in resultat.stderr, resultat.stderr
    assert resultat.returncode == 1 and "(disque plein)" in resultat.stderr
    assert "Rapport : sortie/rapport-generation.json" in resultat.stdout
    assert "dossier(s) généré(s)" in resultat.stdout and " 0 dossier(s) généré(s)" not in resultat.stdout


def test_sortie_en_lecture_seule(tmp_path: Path) -> None:
    entrees = contrats(tmp_path / "entrees" / "cassis", 3)
    point = tmp_path / "ro"
    resultat = sur_un_petit_disque(
        point, "1m", str(entrees), "-o", "sortie", "--pdf", lecture_seule=True, preparation="mkdir sortie"
    )
    assert "Traceback" not in resultat.stderr and "erreur inattendue" not in resultat.stderr, resultat.stderr
    assert resultat.returncode == 1
    assert resultat.stderr.count("système de fichiers en lecture seule") >= 4  # three contracts and the report
    assert "impossible d'écrire le rapport dans sortie" in resultat.stderr


def test_commune_en_lecture_seule_les_autres_generees(tmp_path: Path) -> None:
    entrees = tmp_path / "entrees"
    contrats(entrees / "cassis", 2)
    contrats(entrees / "auriol", 2, commune="Auriol")
    point = tmp_path / "disque"
    preparation = (
        "mkdir -p sortie/cassis && mount --bind sortie/cassis sortie/cassis && mount -o remount,bind,ro sortie/cassis"
    )
    resultat = sur_un_petit_disque(point, "4m", str(entrees), "-o", "sortie", preparation=preparation)
    assert "Traceback" not in resultat.stderr, resultat.stderr
    assert resultat.returncode == 1
    assert resultat.stderr.count("(système de fichiers en lecture seule)") == 2
    assert "2 dossier(s) généré(s), 2 en erreur" in resultat.stdout
    assert "Rapport : sortie/rapport-generation.json" in resultat.stdout


def test_lien_plante_jamais_suivi(tmp_path: Path) -> None:
    entrees = contrats(tmp_path / "entrees" / "cassis", 1)
    sortie = tmp_path / "sortie"
    sortie.mkdir()
    victime = tmp_path / "victime.txt"
    victime.write_text("à ne pas écraser\n", encoding="utf-8")
    # Names an attacker could predict: the old temporary name of the report, and the report itself.
    for nom in (f".rapport-generation.json.{os.getpid()}.tmp", f".rapport-generation.csv.{os.getpid()}.tmp"):
        (sortie / nom).symlink_to(victime)
    (sortie / "rapport-generation.json").symlink_to(victime)
    resultat = CliRunner().invoke(main, ["generer", str(entrees), "-o", str(sortie)])
    assert resultat.exit_code == 0, resultat.output
    assert victime.read_text(encoding="utf-8") == "à ne pas écraser\n"
    rapport = sortie / "rapport-generation.json"
    assert not rapport.is_symlink() and json.loads(rapport.read_text(encoding="utf-8"))["resume"]["generes"] == 1
