"""``clause-kit generer --mettre-a-jour``: exactly the dossiers whose inputs changed are rebuilt.

Each test generates a small batch, changes one input, and checks the SET of dossiers rebuilt
(a rebuilt dossier is a new folder: its inode changes; one left alone keeps it) against the
report's statuses. No timing here: the speed is measured by ``outils/benchmark.py``.
"""

from __future__ import annotations

import datetime
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from clause_kit.cli import main
from clause_kit.lot import mise_a_jour
from tests.contrats import A53, CRITERES_85, LANCEMENT, contrat
from tests.jour_fixe import AUJOURDHUI
from tests.test_couches import ajouter_paragraphe

RACINE = Path(__file__).resolve().parent.parent
TOUS = {"auriol/a-1", "auriol/a-2", "cassis/c-1", "cassis/c-2"}


@pytest.fixture()
def lot(tmp_path: Path) -> Path:
    """Two communes: Cassis inherits from ``_commune.yaml``; C-2 has no launch date; A-2 is article 53."""
    racine = tmp_path / "entrees"
    (racine / "cassis").mkdir(parents=True)
    (racine / "auriol").mkdir()
    (racine / "cassis" / "_commune.yaml").write_text(
        "facilitateur: {nom: Paul Riviere, courriel: p.riviere@cassis.example}\n", encoding="utf-8"
    )
    (racine / "cassis" / "C-1.yaml").write_text(contrat("C-1", "Cassis", facilitateur=""), encoding="utf-8")
    sans_date = contrat("C-2", "Cassis", facilitateur="").replace(f"  date_lancement: {LANCEMENT}\n", "")
    (racine / "cassis" / "C-2.yaml").write_text(sans_date, encoding="utf-8")
    (racine / "auriol" / "A-1.yaml").write_text(contrat("A-1", "Auriol"), encoding="utf-8")
    a53 = contrat("A-2", "Auriol", marche=CRITERES_85, insertion="  article_14: {pourcentage: 5}\n" + A53)
    (racine / "auriol" / "A-2.yaml").write_text(a53, encoding="utf-8")
    return racine


def generer(*arguments: str) -> tuple[int, str]:
    resultat = CliRunner().invoke(main, ["generer", *arguments, "-j", "1"], catch_exceptions=False)
    return resultat.exit_code, resultat.output


def etat(sortie: Path) -> dict[str, int]:
    """Each dossier (``commune/reference``) and the inode of its folder."""
    return {p.relative_to(sortie).as_posix(): p.stat().st_ino for p in sortie.glob("*/*") if p.is_dir()}


def rapport(sortie: Path) -> dict[str, set[str]]:
    """The report's references by status."""
    donnees = json.loads((sortie / "rapport-generation.json").read_text(encoding="utf-8"))
    par_statut: dict[str, set[str]] = {}
    for ligne in donnees["marches"]:
        par_statut.setdefault(ligne["statut"], set()).add(f"{ligne['commune'].lower()}/{ligne['reference'].lower()}")
    return par_statut


def mettre_a_jour(lot: Path, sortie: Path, *options: str) -> set[str]:
    """Run ``--mettre-a-jour``; the dossiers rebuilt, checked against the report and the folders' inodes."""
    avant = etat(sortie)
    code, sortie_texte = generer(str(lot), "-o", str(sortie), "--mettre-a-jour", *options)
    assert code == 0, sortie_texte
    apres = etat(sortie)
    assert set(apres) == set(avant)
    refaits = {d for d in apres if apres[d] != avant[d]}
    statuts = rapport(sortie)
    assert statuts.get("généré", set()) == refaits
    assert statuts.get("à jour", set()) == set(apres) - refaits
    assert not list(sortie.rglob(".*")), "temporary or old folders left behind"
    return refaits


@pytest.fixture()
def sortie(lot: Path, tmp_path: Path) -> Path:
    """The batch generated once, as the commune had it before a change."""
    sortie = tmp_path / "sortie"
    code, texte = generer(str(lot), "-o", str(sortie))
    assert code == 0, texte
    assert set(etat(sortie)) == TOUS
    return sortie


def resauver(modele: Path) -> None:
    """Save a template again with other zip settings: same text, other bytes (as Word does)."""
    entrees_zip = [(info, zipfile.ZipFile(modele).read(info.filename)) for info in zipfile.ZipFile(modele).infolist()]
    with zipfile.ZipFile(modele, "w", compression=zipfile.ZIP_STORED) as zip_:
        for info, donnees in entrees_zip:
            zip_.writestr(info.filename, donnees)


def test_rien_n_a_change_tout_est_a_jour_et_intact(lot: Path, sortie: Path) -> None:
    manifestes = {p: p.read_bytes() for p in sortie.glob("*/*/manifest.json")}
    assert mettre_a_jour(lot, sortie) == set()
    assert {p: p.read_bytes() for p in sortie.glob("*/*/manifest.json")} == manifestes
    code, texte = generer(str(lot), "-o", str(sortie), "--mettre-a-jour")
    assert "0 dossier(s) généré(s), 4 déjà à jour, 0 en erreur" in texte
    assert texte.count("à jour") >= 4  # one row per dossier in the table
    csv_ = (sortie / "rapport-generation.csv").read_text(encoding="utf-8")
    assert csv_.count(",à jour,") == 4
    resume = json.loads((sortie / "rapport-generation.json").read_text(encoding="utf-8"))["resume"]
    assert (resume["generes"], resume["a_jour"], resume["erreurs"]) == (0, 4, 0)
    assert resume["heures_insertion"] > 0


def test_contrat_modifie_seul_regenere(lot: Path, sortie: Path) -> None:
    fichier = lot / "cassis" / "C-1.yaml"
    fichier.write_text(fichier.read_text(encoding="utf-8").replace("objet: 'Travaux'", "objet: 'Voirie'"), "utf-8")
    assert mettre_a_jour(lot, sortie) == {"cassis/c-1"}
    assert mettre_a_jour(lot, sortie) == set()


def test_valeurs_communes_modifiees_regenerent_la_commune(lot: Path, sortie: Path) -> None:
    defauts = lot / "cassis" / "_commune.yaml"
    defauts.write_text(defauts.read_text(encoding="utf-8").replace("Paul", "Pierre"), encoding="utf-8")
    assert mettre_a_jour(lot, sortie) == {"cassis/c-1", "cassis/c-2"}


def test_modele_du_jeu_choisi_ne_regenere_que_les_marches_qui_l_utilisent(lot: Path, tmp_path: Path) -> None:
    jeu = tmp_path / "jeu"
    shutil.copytree(RACINE / "modeles", jeu)
    sortie = tmp_path / "sortie"
    assert generer(str(lot), "-o", str(sortie), "--modeles", str(jeu))[0] == 0
    resauver(jeu / "fiche_technique_insertion.docx")  # a piece of article-53 contracts only
    assert mettre_a_jour(lot, sortie, "--modeles", str(jeu)) == {"auriol/a-2"}
    pieces = jeu / "pieces.yaml"
    pieces.write_text(pieces.read_text(encoding="utf-8").replace("Avis de publicité", "Avis public"), "utf-8")
    assert mettre_a_jour(lot, sortie, "--modeles", str(jeu)) == TOUS
    # The standard set instead of the chosen one: every template's layer changed.
    assert mettre_a_jour(lot, sortie) == TOUS


def test_modele_de_commune_ajoute_puis_modifie(lot: Path, sortie: Path) -> None:
    propres = lot / "auriol" / "modeles"
    propres.mkdir()
    shutil.copy(RACINE / "modeles" / "ccap_clauses.docx", propres)
    assert mettre_a_jour(lot, sortie) == {"auriol/a-1", "auriol/a-2"}
    manifeste = json.loads((sortie / "auriol" / "a-1" / "manifest.json").read_text(encoding="utf-8"))
    assert {"modele": "ccap_clauses.docx", "couche": "commune"} in [
        {k: m[k] for k in ("modele", "couche")} for m in manifeste["entrees"]["modeles"]
    ]
    resauver(propres / "ccap_clauses.docx")
    assert mettre_a_jour(lot, sortie) == {"auriol/a-1", "auriol/a-2"}
    shutil.rmtree(propres)  # back to the standard template: same bytes as before, other layer
    assert mettre_a_jour(lot, sortie) == {"auriol/a-1", "auriol/a-2"}


@pytest.mark.parametrize("nom", ["parametres.yaml", "codes.yaml"])
def test_donnees_du_paquet_modifiees_regenerent_tout(
    lot: Path, sortie: Path, nom: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    reelle = mise_a_jour.empreinte_donnees
    monkeypatch.setattr(mise_a_jour, "empreinte_donnees", lambda n: "0" * 64 if n == nom else reelle(n))
    assert mettre_a_jour(lot, sortie) == TOUS


def test_autre_version_regenere_tout(lot: Path, sortie: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mise_a_jour, "version", lambda: "99.0")
    assert mettre_a_jour(lot, sortie) == TOUS


@pytest.mark.parametrize("option", ["--zip", "--brouillon"])
def test_option_changee_regenere_tout(lot: Path, sortie: Path, option: str) -> None:
    assert mettre_a_jour(lot, sortie, option) == TOUS
    assert mettre_a_jour(lot, sortie, option) == set()
    assert mettre_a_jour(lot, sortie) == TOUS  # and back


@pytest.mark.lent
def test_pdf_demande_ensuite(lot: Path, sortie: Path) -> None:
    assert mettre_a_jour(lot, sortie, "--pdf") == TOUS
    for dossier in sortie.glob("*/*"):
        assert len(PdfReader(dossier / "dossier.pdf").pages) > 1
    contrat_ = lot / "auriol" / "A-1.yaml"
    contrat_.write_text(contrat_.read_text(encoding="utf-8").replace("300000", "310000"), encoding="utf-8")
    assert mettre_a_jour(lot, sortie, "--pdf") == {"auriol/a-1"}


def test_marche_sans_date_de_lancement_regenere_un_autre_jour(
    lot: Path, sortie: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifeste = json.loads((sortie / "cassis" / "c-2" / "manifest.json").read_text(encoding="utf-8"))
    assert manifeste["entrees"]["jour"] == AUJOURDHUI.isoformat()
    assert mettre_a_jour(lot, sortie) == set()
    demain = AUJOURDHUI + datetime.timedelta(days=1)
    monkeypatch.setenv("CLAUSE_KIT_AUJOURDHUI", demain.isoformat())
    assert mettre_a_jour(lot, sortie) == {"cassis/c-2"}  # the others have their launch date written


def test_modele_qui_imprime_la_date_de_generation_refait_un_autre_jour(
    lot: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    propres = lot / "auriol" / "modeles"
    propres.mkdir()
    shutil.copy(RACINE / "modeles" / "cctp_clauses.docx", propres)
    ajouter_paragraphe(propres / "cctp_clauses.docx", "Édité le {{ document.date_generation }}.")
    sortie = tmp_path / "sortie"
    assert generer(str(lot), "-o", str(sortie))[0] == 0
    manifeste = json.loads((sortie / "auriol" / "a-1" / "manifest.json").read_text(encoding="utf-8"))
    assert manifeste["entrees"]["jour"] == AUJOURDHUI.isoformat()  # although its launch date is written
    demain = AUJOURDHUI + datetime.timedelta(days=1)
    monkeypatch.setenv("CLAUSE_KIT_AUJOURDHUI", demain.isoformat())
    assert mettre_a_jour(lot, sortie) == {"auriol/a-1", "auriol/a-2", "cassis/c-2"}


def test_ancien_manifeste_sans_entrees_regenere_sans_erreur(lot: Path, sortie: Path) -> None:
    chemin = sortie / "auriol" / "a-1" / "manifest.json"
    ancien = json.loads(chemin.read_text(encoding="utf-8"))
    del ancien["entrees"]
    chemin.write_text(json.dumps(ancien), encoding="utf-8")
    assert mettre_a_jour(lot, sortie) == {"auriol/a-1"}
    assert "entrees" in json.loads(chemin.read_text(encoding="utf-8"))


def test_contrat_devenu_invalide_laisse_l_ancien_dossier_intact(lot: Path, sortie: Path) -> None:
    fichier = lot / "auriol" / "A-1.yaml"
    fichier.write_text(fichier.read_text(encoding="utf-8").replace("300000", "-1"), encoding="utf-8")
    avant = etat(sortie)
    manifeste = (sortie / "auriol" / "a-1" / "manifest.json").read_bytes()
    code, texte = generer(str(lot), "-o", str(sortie), "--mettre-a-jour")
    assert code == 1
    assert "A-1.yaml:7: marche.montant_ht: doit être supérieur à 0" in texte
    assert etat(sortie) == avant  # nothing rebuilt, nothing removed
    assert (sortie / "auriol" / "a-1" / "manifest.json").read_bytes() == manifeste
    assert rapport(sortie)["à jour"] == TOUS - {"auriol/a-1"}


def test_dossier_sans_manifeste_n_est_pas_remplace(lot: Path, sortie: Path) -> None:
    (sortie / "cassis" / "c-1" / "manifest.json").unlink()
    code, texte = generer(str(lot), "-o", str(sortie), "--mettre-a-jour")
    assert code == 1
    assert "existe déjà : utilisez --force" in texte
    assert not (sortie / "cassis" / "c-1" / "manifest.json").exists()


def test_sans_l_option_les_regles_d_aujourd_hui(lot: Path, sortie: Path) -> None:
    code, texte = generer(str(lot), "-o", str(sortie))
    assert code == 1
    assert texte.count("existe déjà : utilisez --force pour le remplacer") == 4
    resultat = CliRunner().invoke(main, ["generer", str(lot), "-o", str(sortie), "--force", "--mettre-a-jour"])
    assert resultat.exit_code == 2
    assert "s'excluent" in resultat.output


def test_en_parallele_meme_ensemble(lot: Path, sortie: Path) -> None:
    for nom in ("C-1.yaml", "C-2.yaml"):
        fichier = lot / "cassis" / nom
        fichier.write_text(fichier.read_text(encoding="utf-8").replace("Travaux", "Voirie"), "utf-8")
    avant = etat(sortie)
    resultat = CliRunner().invoke(
        main, ["generer", str(lot), "-o", str(sortie), "--mettre-a-jour", "-j", "2"], catch_exceptions=False
    )
    assert resultat.exit_code == 0, resultat.output
    apres = etat(sortie)
    assert {d for d in apres if apres[d] != avant[d]} == {"cassis/c-1", "cassis/c-2"}
    assert rapport(sortie) == {"généré": {"cassis/c-1", "cassis/c-2"}, "à jour": {"auriol/a-1", "auriol/a-2"}}
