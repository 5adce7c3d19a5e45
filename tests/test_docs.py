"""The documentation is tested: the generated YAML reference, the site in strict mode, the README, links, commands."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import click

RACINE = Path(__file__).resolve().parent.parent
DOCS = RACINE / "docs"
README = RACINE / "README.md"
#: The README opens with these two commands, in its first code block(s): CI runs the second.
COMMANDES_DU_README = [
    "bash outils/installer.sh && clause-kit modeles verifier"
    " && clause-kit generer dossiers -o sortie --pdf --zip --force",
    "python3 -m pytest -q",
]
_LIEN = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_BLOC = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _reference_yaml() -> ModuleType:
    """outils/reference_yaml.py, which is a script and not a package module."""
    spec = importlib.util.spec_from_file_location("reference_yaml", RACINE / "outils" / "reference_yaml.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


def _pages() -> list[Path]:
    return sorted(DOCS.glob("*.md"))


def _commandes(groupe: click.Group, prefixe: str = "clause-kit") -> Iterator[str]:
    """Every command and subcommand of the command line, as typed: « clause-kit suivi importer »."""
    for nom, commande in sorted(groupe.commands.items()):
        chemin = f"{prefixe} {nom}"
        yield chemin
        if isinstance(commande, click.Group):
            yield from _commandes(commande, chemin)


def test_la_reference_yaml_est_celle_que_le_schema_engendre() -> None:
    attendu = _reference_yaml().generer()
    obtenu = (DOCS / "reference-yaml.md").read_text(encoding="utf-8")
    assert obtenu == attendu, "docs/reference-yaml.md n'est plus à jour : relancez python3 outils/reference_yaml.py"


def test_la_reference_yaml_decrit_chaque_bloc_du_modele() -> None:
    from clause_kit.formulaire.schema import schema_json

    page = (DOCS / "reference-yaml.md").read_text(encoding="utf-8")
    for nom, definition in schema_json()["$defs"].items():
        assert f"{{#{nom.lower()}}}" in page, nom
        for cle in definition["properties"]:
            assert f"| `{cle}` |" in page, f"{nom}.{cle}"


def test_le_site_se_construit_en_mode_strict(tmp_path: Path) -> None:
    site = tmp_path / "site"
    resultat = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(RACINE / "mkdocs.yml"), "-d", str(site)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    for page in ("index.html", "acheteurs/index.html", "reference-yaml/index.html", "architecture/index.html"):
        assert (site / page).is_file(), page


def test_chaque_page_figure_au_menu_du_site() -> None:
    menu = (RACINE / "mkdocs.yml").read_text(encoding="utf-8")
    absentes = [p.name for p in _pages() if f": {p.name}" not in menu]
    assert not absentes, f"pages hors du menu (nav de mkdocs.yml) : {absentes}"


def test_le_readme_tient_en_deux_cents_lignes() -> None:
    lignes = README.read_text(encoding="utf-8").splitlines()
    assert len(lignes) <= 200, f"README.md fait {len(lignes)} lignes : le manuel va dans docs/"


def test_le_readme_commence_par_ses_deux_commandes() -> None:
    texte = README.read_text(encoding="utf-8")
    premieres = [ligne for bloc in _BLOC.findall(texte) for ligne in bloc.splitlines() if ligne.strip()][:2]
    assert premieres == COMMANDES_DU_README
    # .ci/run runs the first line that starts with « python3 -m pytest ».
    ci = next(ligne for ligne in texte.splitlines() if ligne.startswith("python3 -m pytest"))
    assert ci == "python3 -m pytest -q"


def test_chaque_lien_relatif_mene_a_un_fichier() -> None:
    morts = []
    for fichier in [README, RACINE / "CONTRIBUTING.md", *_pages()]:
        texte = _BLOC.sub("", fichier.read_text(encoding="utf-8"))  # a link inside a code block is not one
        for cible in _LIEN.findall(texte):
            if re.match(r"[a-z][a-z0-9+.-]*:", cible) or cible.startswith("#"):
                continue  # a web address, or an anchor of the same page (mkdocs --strict checks those)
            chemin = (fichier.parent / cible.split("#", 1)[0]).resolve()
            if not chemin.exists():
                morts.append(f"{fichier.relative_to(RACINE)} : {cible}")
    assert not morts, morts


def test_chaque_commande_figure_dans_la_documentation() -> None:
    from clause_kit.cli import main

    docs = "\n".join(p.read_text(encoding="utf-8") for p in _pages())
    commandes = list(_commandes(main))
    assert "clause-kit suivi importer" in commandes and "clause-kit modeles verifier" in commandes
    absentes = [c for c in commandes if c not in docs]
    assert not absentes, f"commandes absentes de docs/*.md : {absentes}"
