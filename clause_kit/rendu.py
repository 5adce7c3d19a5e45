"""Rendering Word templates: one strict Jinja environment, compiled templates kept in memory.

Why not ``DocxTemplate.render`` + ``save`` for each piece: docxtpl re-parses the .docx,
re-runs its regex preprocessing and recompiles the Jinja source at every render, then
python-docx re-serialises the whole package. The template does not change between
contracts, so we do that work once per template (``compiler``): we keep the zip entries
as bytes and, for each XML part holding Jinja tags, docxtpl's own preprocessing compiled
by our environment. A render (``rendre``) is then Jinja + docxtpl's post-processing on
the few parts that change, and a zip write. The output is checked to be well-formed XML.

The environment is sandboxed (templates are edited by legal services, not programmers),
uses a StrictUndefined that names the missing variable, and autoescapes XML: an ``objet``
with ``& < >`` comes out exactly instead of corrupting the document.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from clause_kit.erreurs import ErreurModele
from clause_kit.formats import espaces_insecables, puce
from clause_kit.surlignage import appliquer_surlignage, retirer_marques

__all__ = ["ModeleCompile", "Variables", "compiler", "environnement", "rendre", "variables"]

# Parts of a .docx that may carry Jinja tags and that we render.
_PARTIES = re.compile(r"^(word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml|docProps/core\.xml)$")
# docxtpl escapes literal braces this way in its preprocessing; undone after rendering.
_ECHAPPEMENTS = (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}"))
_DECLARATION_XML = re.compile(r"^\s*<\?xml[^>]*\?>\s*")
_TEXTE_W = re.compile(r"(<w:t(?: [^>]*)?>)([^<]*)(</w:t>)")


class Variables(dict):  # type: ignore[type-arg]
    """A context mapping that knows its own path, so an unknown variable is named in full."""

    def __init__(self, chemin: str, valeurs: dict[str, Any]) -> None:
        super().__init__(valeurs)
        self.chemin = chemin


def variables(valeur: Any, chemin: str = "") -> Any:
    """Wrap nested dicts (and dicts in lists) of a context as ``Variables``."""
    if isinstance(valeur, dict):
        return Variables(chemin, {k: variables(v, f"{chemin}.{k}" if chemin else k) for k, v in valeur.items()})
    if isinstance(valeur, list):
        return [variables(v, f"{chemin}[{i}]") for i, v in enumerate(valeur)]
    return valeur


class _IndefinieNommee(jinja2.StrictUndefined):
    """StrictUndefined whose message gives the full dotted name of the missing variable."""

    @property
    def _undefined_message(self) -> str:
        parent = self._undefined_obj
        if isinstance(parent, Variables) and self._undefined_name is not None:
            nom = f"{parent.chemin}.{self._undefined_name}" if parent.chemin else str(self._undefined_name)
        elif self._undefined_name is not None:
            nom = str(self._undefined_name)
        else:
            nom = str(self._undefined_hint or "?")
        return f"variable inconnue « {nom} »"


@functools.cache
def environnement() -> SandboxedEnvironment:
    """The one Jinja environment of clause_kit, created once per process."""
    env = SandboxedEnvironment(
        undefined=_IndefinieNommee, autoescape=True, keep_trailing_newline=True, auto_reload=False
    )
    # French list punctuation in one place: « ; » after each item, « . » after the last.
    env.filters["puce"] = puce
    return env


@dataclass(frozen=True)
class ModeleCompile:
    """A Word template ready to render many times."""

    nom: str
    sha256: str
    entrees: tuple[tuple[zipfile.ZipInfo, bytes], ...]
    parties: dict[str, jinja2.Template]


_cache: dict[tuple[str, int, int], ModeleCompile] = {}
_docxtpl = DocxTemplate(io.BytesIO())  # only its preprocessing methods are used; they read no state


def compiler(chemin: Path) -> ModeleCompile:
    """Read and compile a template once per process (cached on path, size and modification time)."""
    try:
        etat = chemin.stat()
    except OSError as err:
        raise ErreurModele(f"modèle {chemin.name} : introuvable ({chemin})") from err
    cle = (str(chemin.resolve()), etat.st_mtime_ns, etat.st_size)
    if cle not in _cache:
        _cache[cle] = _compiler(chemin)
    return _cache[cle]


def _compiler(chemin: Path) -> ModeleCompile:
    brut = chemin.read_bytes()
    try:
        archive = zipfile.ZipFile(io.BytesIO(brut))
        entrees = tuple((info, archive.read(info)) for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        raise ErreurModele(f"modèle {chemin.name} : ce n'est pas un document Word (.docx) lisible") from err
    noms = {info.filename for info, _ in entrees}
    if "word/document.xml" not in noms:
        raise ErreurModele(f"modèle {chemin.name} : document Word sans word/document.xml")
    parties: dict[str, jinja2.Template] = {}
    for info, donnees in entrees:
        if _PARTIES.match(info.filename) and b"{" in donnees:
            parties[info.filename] = _compiler_partie(chemin.name, info.filename, donnees)
    return ModeleCompile(chemin.name, hashlib.sha256(brut).hexdigest(), entrees, parties)


def _compiler_partie(nom: str, partie: str, donnees: bytes) -> jinja2.Template:
    xml = _DECLARATION_XML.sub("", donnees.decode("utf-8"), count=1)
    if partie.startswith("word/"):
        # docxtpl's preprocessing: merge tags split across runs, handle {%p %} {%tr %} tags.
        xml = _docxtpl.patch_xml(xml)
        xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)
    try:
        return environnement().from_string(xml)
    except jinja2.TemplateSyntaxError as err:
        raise ErreurModele(
            f"modèle {nom} : balise mal écrite ({err.message}) près de « {_extrait(xml, err.lineno)} »"
        ) from err


def _extrait(xml: str, ligne: int | None) -> str:
    """The visible text around a line of the preprocessed XML, to locate an error for a Word user."""
    lignes = xml.splitlines()
    debut = max((ligne or 1) - 2, 0)
    texte = " ".join(re.sub(r"<[^>]+>", "", x) for x in lignes[debut : debut + 3])
    return " ".join(texte.split())[:160]


def rendre(modele: ModeleCompile, contexte: dict[str, Any]) -> bytes:
    """Render a compiled template with a context; return the .docx bytes."""
    valeurs = contexte if isinstance(contexte, Variables) else variables(contexte)
    rendues = {
        partie: _rendre_partie(modele.nom, partie, gabarit, valeurs) for partie, gabarit in modele.parties.items()
    }
    sortie = io.BytesIO()
    with zipfile.ZipFile(sortie, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for info, donnees in modele.entrees:
            archive.writestr(info, rendues.get(info.filename, donnees), compress_type=zipfile.ZIP_DEFLATED)
    return sortie.getvalue()


def _rendre_partie(nom: str, partie: str, gabarit: jinja2.Template, valeurs: dict[str, Any]) -> bytes:
    try:
        xml = gabarit.render(valeurs)
    except jinja2.UndefinedError as err:
        raise ErreurModele(f"modèle {nom} : {err.message}") from err
    except jinja2.exceptions.SecurityError as err:
        raise ErreurModele(f"modèle {nom} : opération interdite dans un modèle ({err})") from err
    except jinja2.TemplateError as err:
        raise ErreurModele(f"modèle {nom} : erreur pendant le remplissage ({err})") from err
    except (TypeError, ValueError, ArithmeticError) as err:
        raise ErreurModele(f"modèle {nom} : expression invalide ({err})") from err
    if partie.startswith("word/"):
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        for avant, apres in _ECHAPPEMENTS:
            xml = xml.replace(avant, apres)
        xml = _docxtpl.resolve_listing(xml)
        # One typography for every value and every template: « Prix : 60 % » gets its no-break space
        # whether the colon came from the template, a value or a formula.
        xml = _TEXTE_W.sub(lambda m: m.group(1) + espaces_insecables(m.group(2)) + m.group(3), xml)
        xml = appliquer_surlignage(xml)
    else:
        xml = retirer_marques(xml)
    donnees = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + xml).encode("utf-8")
    try:
        etree.fromstring(donnees)
    except etree.XMLSyntaxError as err:
        raise ErreurModele(
            f"modèle {nom} : le document produit est invalide ({partie}) ; une balise {{%p %}} ou {{%tr %}} "
            f"n'est-elle pas seule dans son paragraphe ou sa ligne de tableau ?"
        ) from err
    return donnees
