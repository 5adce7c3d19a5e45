"""Templates cannot exhaust the machine: every bomb is refused in French, naming the template and what."""

from __future__ import annotations

import time
import tracemalloc
import zipfile
from pathlib import Path

import docx
import pytest

from clause_kit.commun.erreurs import ErreurModele
from clause_kit.rendu import bac_a_sable
from clause_kit.rendu.moteur import compiler, rendre
from clause_kit.revue.texte import texte as texte_docx

CONTEXTE = {"marche": {"reference": "R-1", "objet": "Objet {_{ typé }_} {_% tel quel %_}"}}


def modele(tmp_path: Path, *paragraphes: str, nom: str = "piege.docx") -> Path:
    document = docx.Document()
    for texte in paragraphes:
        document.add_paragraph(texte)
    chemin = tmp_path / nom
    document.save(str(chemin))
    return chemin


@pytest.fixture(autouse=True)
def delai_court(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three seconds instead of ten: the loops that never end are stopped sooner (the others never get there)."""
    monkeypatch.setattr(bac_a_sable, "DELAI_S", 3.0)


BOMBES = [
    ("{{ 'a' * 10**9 }}", "la répétition (*) produirait une valeur trop longue"),
    ("{{ 10**(10**10) }}", "nombre trop grand (plus de 10000 bits) produit par **"),
    ("{% set s = namespace(n=7) %}{% for i in range(40) %}{% set s.n = s.n * s.n %}{% endfor %}", "produit par *"),
    (
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "délai dépassé : le remplissage a duré plus de 3 s",
    ),
    (
        "{% set s = namespace(t='ab') %}{% for i in range(64) %}{% set s.t = s.t ~ s.t %}{% endfor %}",
        "la concaténation (~) produirait une valeur trop longue",
    ),
    (
        "{% set s = namespace(t='ab') %}{% for i in range(64) %}{% set s.t = s.t + s.t %}{% endfor %}",
        "la concaténation (+) produirait une valeur trop longue",
    ),
    ("{{ 'x'|center(10**9) }}", "nombre trop grand passé au filtre center"),
    ("{{ ('a\\n' * 100000)|indent(100000) }}", "indent produirait une valeur trop longue"),
    ("{{ '%999999999d'|format(1) }}", "largeur trop grande dans le filtre format"),
    ("{{ '%999999999d' % 1 }}", "largeur trop grande dans le format %"),
    ("{{ '{:>999999999}'.format(1) }}", "largeur trop grande dans format"),
    ("{{ 'a'.ljust(10**9) }}", "nombre trop grand passé à ljust"),
    ("{{ ('a' * 1000000)|replace('a', 'bbbbbbbbbb') }}", "replace produirait une valeur trop longue"),
    ("{{ (['a'] * 1000)|join('y' * 100000) }}", "le filtre join produirait une valeur trop longue"),
    ("{{ ('x' * 1000000).join(['a'] * 1000) }}", "join produirait une valeur trop longue"),
    ("{{ ('a' * 2000000)|wordwrap(1, wrapstring='x' * 1000) }}", "wordwrap produirait une valeur trop longue"),
    ("{{ ('a\\t' * 100000).expandtabs(100000) }}", "expandtabs produirait une valeur trop longue"),
    ("{{ range(10**9)|list }}", "nombre trop grand passé à range"),
    ("{{ range(100001)|list }}", "nombre trop grand passé à range"),
    ("{{ range(-100000, 100000)|list }}", "range de plus de 100\u202f000 éléments"),
    ("{{ 'a'.translate({}) }}", "accès refusé à « translate »"),
    ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "récursion trop profonde"),
    ("{% for i in range(100) %}{{ 'x' * 1000000 }}{% endfor %}", "document produit trop grand"),
    ("{{ [1].append(2) }}", "accès refusé à « append »"),
    # Small in memory, huge once written: one long text referenced many times.
    ("{{ ['x' * 1000000] * 1000 }}", "la répétition (*) produirait une valeur trop longue"),
    (
        "{% set s = namespace(l=['x' * 1000000]) %}{% for i in range(40) %}{% set s.l = [s.l, s.l] %}{% endfor %}"
        "{{ s.l }}",
        "la valeur écrite produirait une valeur trop longue",
    ),
    ("{{ ('%(a)s' * 1000) % {'a': 'x' * 1000000} }}", "le format % produirait une valeur trop longue"),
    ("{{ ('{0}' * 1000).format('x' * 1000000) }}", "format produirait une valeur trop longue"),
    ("{{ [1]|batch(20000, 'x' * 200)|list }}", "le filtre list produirait une valeur trop longue"),
    ("{{ lipsum(100000, min=100000, max=100000) }}", "variable inconnue « lipsum »"),
]


@pytest.mark.parametrize(("source", "fragment"), BOMBES, ids=[b[0][:40] for b in BOMBES])
def test_bombe_refusee_vite_et_sans_memoire(tmp_path: Path, source: str, fragment: str) -> None:
    chemin = modele(tmp_path, source)
    debut = time.monotonic()
    tracemalloc.start()
    try:
        with pytest.raises(ErreurModele) as info:
            rendre(compiler(chemin), CONTEXTE)
        _, pic = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    message = str(info.value)
    assert message.startswith("modèle piege.docx : ") and fragment in message, message
    assert not any(mot in message for mot in ("Range too big", "unsafe", "is not safely callable")), message
    assert pic < 150_000_000, f"pic de mémoire {pic / 1e6:.0f} Mo"
    # A safety net against a hang, not a speed target: the deadline is 3 s here.
    assert time.monotonic() - debut < 30


def test_pas_de_calcul_pendant_la_compilation(tmp_path: Path) -> None:
    # Jinja folds constants while compiling, outside the sandbox: 10**(10**10) would hang here.
    debut = time.monotonic()
    gabarit = compiler(modele(tmp_path, "{{ 10**(10**10) }}", "{{ 'a' * 10**9 }}"))
    assert gabarit.parties and time.monotonic() - debut < 30


def test_include_et_import_refuses_en_francais(tmp_path: Path) -> None:
    for source, balise in (("{% include 'autre.docx' %}", "include"), ("{% import 'x' as y %}", "import")):
        with pytest.raises(ErreurModele, match=f"balise « {balise} » refusée : un modèle Word est un document entier"):
            compiler(modele(tmp_path, source, nom=f"{balise}.docx"))


def test_rendu_normal_inchange_et_accolades_tapees_reproduites(tmp_path: Path) -> None:
    chemin = modele(
        tmp_path,
        "Marché {{ marche.reference }} : {{ marche.objet }}",
        "Littéral du modèle : {_{ pas une variable }_}",
        "{% for i in range(3) %}{{ i }}{% endfor %} {{ 'ab' ~ 'cd' }} {{ 'a,b'|replace(',', ';') }}",
    )
    texte = texte_docx(rendre(compiler(chemin), CONTEXTE))
    # A user's value is reproduced as typed; the template's own escapes become literal braces.
    assert "Marché R-1\u00a0: Objet {_{ typé }_} {_% tel quel %_}" in texte  # French no-break space before « : »
    assert "Littéral du modèle\u00a0: {{ pas une variable }}" in texte
    assert "012 abcd a;b" in texte


def test_paquet_qui_gonfle_refuse(tmp_path: Path) -> None:
    chemin = modele(tmp_path, "{{ marche.reference }}")
    with zipfile.ZipFile(chemin, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("word/media/gonfle.bin", "w") as flux:  # a few hundred KB on disk
            zeros = bytes(1 << 20)
            for _ in range(210):
                flux.write(zeros)
    assert chemin.stat().st_size < 2_000_000
    tracemalloc.start()
    try:
        with pytest.raises(
            ErreurModele, match="piege.docx : partie word/media/gonfle.bin : plus de 200 Mo une fois décompressé"
        ):
            compiler(chemin)
        _, pic = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert pic < 250_000_000
