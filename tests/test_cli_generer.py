"""``clause-kit generer`` on files and folders: per-commune output, local failures, report, PDF, ZIP."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from clause_kit.cli import main
from tests.contrats import FACILITATEUR, contrat

RACINE = Path(__file__).resolve().parent.parent


@pytest.fixture()
def communes(tmp_path: Path) -> Path:
    """Three communes, one broken contract, one commune defaults file."""
    racine = tmp_path / "entrees"
    for commune, refs in {"Cassis": ["C-1", "C-2"], "Auriol": ["A-1"], "Cuges-les-Pins": ["K-1"]}.items():
        dossier = racine / commune.lower()
        dossier.mkdir(parents=True)
        for ref in refs:
            # Cassis's contracts take their facilitator from the commune's defaults.
            propre = "" if commune == "Cassis" else FACILITATEUR
            (dossier / f"{ref}.yaml").write_text(
                contrat(ref, commune, f"Travaux {ref} « test » & co", facilitateur=propre), encoding="utf-8"
            )
    (racine / "cassis" / "_commune.yaml").write_text(
        "facilitateur: {nom: Paul Riviere, courriel: p.riviere@cassis.example}\n", encoding="utf-8"
    )
    (racine / "auriol" / "casse.yaml").write_text(contrat("A-2", "Auriol", "Cassé", montant=-1), encoding="utf-8")
    return racine


def invoquer(*arguments: str) -> object:
    return CliRunner().invoke(main, ["generer", *arguments], catch_exceptions=False)


@pytest.mark.lent
def test_lot_avec_un_contrat_casse_pdf_j2(communes: Path, tmp_path: Path) -> None:
    sortie = tmp_path / "sortie"
    resultat = invoquer(str(communes), "-o", str(sortie), "--pdf", "-j", "2")
    assert resultat.exit_code == 1
    assert "casse.yaml:7: marche.montant_ht: doit être supérieur à 0" in resultat.output
    assert "Traceback" not in resultat.output
    dossiers = sorted(p.relative_to(sortie).as_posix() for p in sortie.glob("*/*") if p.is_dir())
    assert dossiers == ["auriol/a-1", "cassis/c-1", "cassis/c-2", "cuges-les-pins/k-1"]
    assert not list(sortie.rglob(".*")), "temporary files left behind"
    for dossier in sortie.glob("*/*"):
        manifeste = json.loads((dossier / "manifest.json").read_text(encoding="utf-8"))
        lecteur = PdfReader(str(dossier / "dossier.pdf"))
        titres = [o.title for o in lecteur.outline if not isinstance(o, list)]
        assert titres == [p["titre"] for p in manifeste["pieces"]]
        texte = "".join(page.extract_text() or "" for page in lecteur.pages)
        assert manifeste["reference"] in texte
        assert lecteur.metadata is not None and lecteur.metadata.author == f"Commune de {manifeste['commune']}"
        assert "dossier.pdf" in manifeste["autres_fichiers"]
    rapport = json.loads((sortie / "rapport-generation.json").read_text(encoding="utf-8"))
    assert rapport["resume"] == {
        "generes": 4,
        "a_jour": 0,
        "erreurs": 1,
        "interrompus": 0,
        "non_traites": 0,
        "heures_insertion": 4 * 350,
    }
    assert (sortie / "rapport-generation.csv").read_text(encoding="utf-8").count("\n") == 6
    lignes = resultat.output.splitlines()
    assert any(ligne.startswith("Cassis") and "C-2" in ligne and "généré" in ligne for ligne in lignes)
    assert "4 dossier(s) généré(s), 1 en erreur" in resultat.output
    assert any(ligne.split()[:3] == ["Auriol", "A-2", "erreur"] for ligne in lignes)  # invalid, still named


def test_valeurs_communes_heritees_dans_les_pieces(communes: Path, tmp_path: Path) -> None:
    from clause_kit.revue.texte import texte as texte_docx

    sortie = tmp_path / "sortie"
    assert invoquer(str(communes / "cassis"), "-o", str(sortie), "-j", "1").exit_code == 0
    ccap = next((sortie / "cassis" / "c-1").glob("*ccap*.docx"))
    assert "Paul Riviere" in texte_docx(ccap)
    manifeste = json.loads((sortie / "cassis" / "c-1" / "manifest.json").read_text(encoding="utf-8"))
    assert manifeste["valeurs_communes"]["fichier"] == "_commune.yaml"
    assert len(manifeste["valeurs_communes"]["sha256"]) == 64


def test_selection_par_commune(communes: Path, tmp_path: Path) -> None:
    sortie = tmp_path / "sortie"
    resultat = invoquer(str(communes), "-o", str(sortie), "--commune", "cassis", "--commune", "Cuges les Pins")
    assert resultat.exit_code == 0, resultat.output
    assert sorted(p.name for p in sortie.iterdir() if p.is_dir()) == ["cassis", "cuges-les-pins"]


def test_zip_pret_a_deposer(communes: Path, tmp_path: Path) -> None:
    sortie = tmp_path / "sortie"
    assert invoquer(str(communes / "auriol" / "A-1.yaml"), "-o", str(sortie), "--zip").exit_code == 0
    dossier = sortie / "auriol" / "a-1"
    with zipfile.ZipFile(dossier / "a-1.zip") as archive:
        noms = archive.namelist()
        assert "manifest.json" in noms
        assert sorted(n for n in noms if n.endswith(".docx")) == sorted(p.name for p in dossier.glob("*.docx"))
        assert archive.testzip() is None


def test_dossier_existant_protege_sans_force(communes: Path, tmp_path: Path) -> None:
    sortie = tmp_path / "sortie"
    fichier = str(communes / "auriol" / "A-1.yaml")
    assert invoquer(fichier, "-o", str(sortie)).exit_code == 0
    manifeste = sortie / "auriol" / "a-1" / "manifest.json"
    avant = manifeste.read_bytes()
    resultat = invoquer(fichier, "-o", str(sortie))
    assert resultat.exit_code == 1 and "--force" in resultat.output
    assert manifeste.read_bytes() == avant
    time.sleep(1.1)  # the manifest carries the generation time to the second
    assert invoquer(fichier, "-o", str(sortie), "--force").exit_code == 0
    assert manifeste.read_bytes() != avant


def test_chemin_absent_et_dossier_vide(tmp_path: Path) -> None:
    resultat = invoquer(str(tmp_path / "absent.yaml"), "-o", str(tmp_path / "s"))
    assert resultat.exit_code == 1 and "fichier introuvable" in resultat.output
    (tmp_path / "vide").mkdir()
    resultat = invoquer(str(tmp_path / "vide"), "-o", str(tmp_path / "s"))
    assert resultat.exit_code == 1 and "aucun fichier de marché" in resultat.output


def test_pdf_sans_libreoffice_dit_comment_l_installer(
    communes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAUSE_KIT_SOFFICE", str(tmp_path / "pas-de-soffice"))
    resultat = invoquer(str(communes), "-o", str(tmp_path / "s"), "--pdf")
    assert resultat.exit_code == 1
    assert "apt-get install libreoffice-writer-nogui" in resultat.output
    assert not (tmp_path / "s").exists()


def test_interruption_ne_laisse_aucun_dossier_a_moitie(tmp_path: Path) -> None:
    entrees = tmp_path / "entrees" / "cassis"
    entrees.mkdir(parents=True)
    for i in range(300):
        (entrees / f"m{i}.yaml").write_text(contrat(f"M-{i}", "Cassis", f"Marché {i}"), encoding="utf-8")
    sortie = tmp_path / "sortie"
    commande = [sys.executable, "-m", "clause_kit", "generer", str(entrees), "-o", str(sortie), "-j", "2"]
    processus = subprocess.Popen(commande, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Interrupt once the first dossiers are in place, i.e. in the middle of the batch.
    limite = time.monotonic() + 60
    while not list(sortie.glob("*/*/manifest.json")) and time.monotonic() < limite and processus.poll() is None:
        time.sleep(0.02)
    processus.send_signal(signal.SIGINT)
    for enfant in _enfants(processus.pid):
        # Ctrl-C at a terminal reaches the whole foreground group: the workers must ignore it.
        # A worker may have finished since pgrep listed it (a loaded machine): nothing to interrupt then.
        with contextlib.suppress(ProcessLookupError):
            os.kill(enfant, signal.SIGINT)
    _, erreurs = processus.communicate(timeout=120)
    assert "Traceback" not in erreurs
    assert not list(sortie.rglob(".*")), "temporary folders left behind"
    faits = sorted(p.parent.name for p in sortie.glob("cassis/*/manifest.json"))
    assert len(faits) == len(list(sortie.glob("cassis/*")))  # every dossier on disk is complete
    rapport = json.loads((sortie / "rapport-generation.json").read_text(encoding="utf-8"))
    generes = sorted(Path(m["dossier"]).name for m in rapport["marches"] if m["statut"] == "généré")
    assert generes == faits  # the report lists exactly the dossiers written
    if len(faits) < 300:
        assert processus.returncode == 130 and "Interrompu" in erreurs


def _enfants(pid: int) -> list[int]:
    try:
        sortie = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False).stdout
    except FileNotFoundError:
        return []
    return [int(x) for x in sortie.split()]


def test_exemples_du_depot_par_le_readme(tmp_path: Path) -> None:
    sortie = tmp_path / "sortie"
    resultat = invoquer(str(RACINE / "dossiers"), "-o", str(sortie))
    assert resultat.exit_code == 0, resultat.output
    assert len(list(sortie.glob("*/*/manifest.json"))) == len(
        [p for p in (RACINE / "dossiers").rglob("*.yaml") if not p.name.startswith("_")]
    )
    shutil.rmtree(sortie)


def test_deux_marches_pour_le_meme_dossier(tmp_path: Path) -> None:
    entrees = tmp_path / "entrees"
    entrees.mkdir()
    (entrees / "a.yaml").write_text(contrat("X-1", "Cassis", "Premier"), encoding="utf-8")
    (entrees / "b.yaml").write_text(contrat("x 1", "Cassis", "Second"), encoding="utf-8")
    sortie = tmp_path / "sortie"
    resultat = invoquer(str(entrees), "-o", str(sortie), "-j", "2", "--force")
    assert resultat.exit_code == 1
    assert "b.yaml : même dossier de sortie cassis/x-1 que" in resultat.output
    manifeste = json.loads((sortie / "cassis" / "x-1" / "manifest.json").read_text(encoding="utf-8"))
    assert manifeste["source"]["fichier"] == "a.yaml"


def test_barre_de_progression_seulement_sur_un_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from clause_kit import cli

    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    with cli._barre(100) as avancer:
        avancer(10)  # a no-op: nothing is drawn when stderr is not a terminal
    assert avancer.__name__ == "<lambda>"
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with cli._barre(100) as avancer:
        assert avancer.__self__.length == 100  # type: ignore[attr-defined]


def test_un_fichier_pathologique_n_arrete_pas_le_lot(communes: Path, tmp_path: Path) -> None:
    (communes / "cassis" / "profond.yaml").write_text("marche: " + "[" * 500 + "]" * 500 + "\n", encoding="utf-8")
    sortie = tmp_path / "sortie"
    resultat = invoquer(str(communes), "-o", str(sortie), "-j", "2")
    assert resultat.exit_code == 1
    assert "profond.yaml:1: structure trop imbriquée" in resultat.output
    assert len(list(sortie.glob("*/*/manifest.json"))) == 4


def test_erreur_inattendue_reste_locale(communes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from clause_kit.lot import batch

    construire_vrai = batch.construire

    def construire_fragile(fichier: Path, **options: object) -> object:
        if fichier.name == "C-2.yaml":
            raise RuntimeError("panne simulée")
        return construire_vrai(fichier, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "construire", construire_fragile)
    sortie = tmp_path / "sortie"
    resultat = invoquer(str(communes / "cassis"), "-o", str(sortie), "-j", "1")
    assert resultat.exit_code == 1
    assert "C-2.yaml : erreur inattendue de clause_kit (RuntimeError : panne simulée)" in resultat.output
    assert "Traceback" not in resultat.output
    assert [p.name for p in (sortie / "cassis").iterdir()] == ["c-1"]


def test_noms_de_dossier_portables(tmp_path: Path) -> None:
    entrees = tmp_path / "entrees"
    entrees.mkdir()
    (entrees / "a.yaml").write_text(contrat("NUL", "Con", "Objet"), encoding="utf-8")
    longue = "Communauté de communes du " * 40 + "Garlaban"
    (entrees / "b.yaml").write_text(contrat("Lpt1", longue, "Objet"), encoding="utf-8")
    sortie = tmp_path / "sortie"
    resultat = invoquer(str(entrees), "-o", str(sortie))
    assert resultat.exit_code == 0, resultat.output
    dossiers = sorted(p.relative_to(sortie).as_posix() for p in sortie.glob("*/*/manifest.json"))
    commune, reference, _ = dossiers[0].split("/")
    assert len(commune) == 80 and commune.startswith("communaute-de-communes-du-") and reference == "lpt1_"
    assert re.fullmatch(r".*-[0-9a-f]{8}", commune)  # cut, with a hash of the whole name
    assert dossiers[1] == "con_/nul_/manifest.json"


def test_bombe_d_alias_dans_un_lot(communes: Path, tmp_path: Path) -> None:
    from tests.test_selection import bombe

    (communes / "cassis" / "bombe.yaml").write_text(bombe(), encoding="utf-8")
    (communes / "auriol" / "_commune.yaml").write_text(bombe(reference_en_alias=False), encoding="utf-8")
    sortie = tmp_path / "sortie"
    resultat = invoquer(str(communes), "-o", str(sortie), "-j", "2")
    assert resultat.exit_code == 1
    assert "bombe.yaml:2: les alias YAML (*nom) ne sont pas acceptés" in resultat.output
    assert "auriol/_commune.yaml:2: les alias YAML" in resultat.output
    assert sorted(p.parent.name for p in sortie.glob("*/*/manifest.json")) == ["c-1", "c-2", "k-1"]
