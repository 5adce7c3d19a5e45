"""Rendering Word templates: one strict Jinja environment, compiled templates kept in memory.

Why not ``DocxTemplate.render`` + ``save`` for each piece: docxtpl re-parses the .docx,
re-runs its regex preprocessing and recompiles the Jinja source at every render, then
python-docx re-serialises the whole package. The template does not change between
contracts, so we do that work once per template (``compiler``): we keep the zip entries
as bytes and, for each XML part holding Jinja tags, docxtpl's own preprocessing compiled
by our environment. A render (``rendre``) is then Jinja + docxtpl's post-processing on
the few parts that change, and a zip write. The output is checked to be well-formed XML.

The zip write compresses only the rendered parts (``commun.zip_stable``, at a fast level): the
parts that do not change keep the compressed bytes they have in the template file, copied as
they are (``ModeleCompile.fixes``). Recompressing them for every piece (780 kB of styles in
each template) cost a third of ``generer``. The piece's bytes depend on nothing but the
template and the context: no timestamp.

The environment is sandboxed (templates are edited by legal services, not programmers)
and bounded in memory, time and output (``bac_a_sable``), uses a StrictUndefined that names
the missing variable, and autoescapes XML: an ``objet`` with ``& < >`` comes out exactly
instead of corrupting the document. Templates are read within size limits, their XML
re-serialised whichever program saved them, and refused with pending revisions
(``paquet_docx``).
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2
from lxml import etree

from clause_kit.commun.erreurs import ErreurModele
from clause_kit.commun.formats import espaces_insecables, puce, typographie
from clause_kit.commun.ooxml import verifier_xml
from clause_kit.commun.zip_stable import NIVEAU_FIXE, Entree, assembler, compresser, entrees_brutes
from clause_kit.rendu import cache as cache_modeles
from clause_kit.rendu.bac_a_sable import EnvironnementBorne, delai, message_syntaxe, remplir
from clause_kit.rendu.images import placer_images, trouver_images
from clause_kit.rendu.paquet_modele import lire_paquet, normaliser_xml
from clause_kit.rendu.surlignage import appliquer_surlignage, retirer_marques

__all__ = ["ModeleCompile", "Variables", "compiler", "environnement", "rendre", "variables"]

# Parts of a .docx that may carry Jinja tags and that we render.
_PARTIES = re.compile(r"^(word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml|docProps/core\.xml)$")
# docxtpl's way of writing literal braces in a template: turned into Jinja raw text before
# compiling, so that the same characters typed in a contract's value are left as typed.
_ECHAPPEMENTS = (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}"))
_TEXTE_W = re.compile(r"(<w:t(?: [^>]*)?>)([^<]*)(</w:t>)")
_LISTING = re.compile("[\t\a\n\f]")
# Inside a tag, the text Word escaped is what the author typed: "R&D" in a string literal.
_DANS_UNE_BALISE = re.compile(r"(?<=\{[\{%])(.*?)(?=[\}%]\})")


class Variables(dict):  # type: ignore[type-arg]
    """A context mapping that knows its own path, so an unknown variable is named in full."""

    def __init__(self, chemin: str, valeurs: dict[str, Any]) -> None:
        super().__init__(valeurs)
        self.chemin = chemin
        self.images: dict[str, Any] | None = None  # found by ``rendre`` on its first use


def _images(valeurs: Variables) -> dict[str, Any]:
    """The pictures among the context's values, searched once for the seven pieces of a contract.

    Templates cannot change the context (the sandbox is immutable): what the first piece found
    holds for the next ones.
    """
    if valeurs.images is None:
        valeurs.images = trouver_images(valeurs)
    return valeurs.images


@functools.lru_cache(maxsize=1 << 16)
def _typographier(texte_xml: str) -> str:
    """French typography of a ``w:t``'s text, remembered: most texts are the template's, the same for every contract."""
    return typographie(espaces_insecables(texte_xml))


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
        if self._undefined_hint is not None:  # the sandbox's refusals come with their own message
            return self._undefined_hint
        parent = self._undefined_obj
        if isinstance(parent, Variables) and self._undefined_name is not None:
            nom = f"{parent.chemin}.{self._undefined_name}" if parent.chemin else str(self._undefined_name)
        elif self._undefined_name is not None:
            nom = str(self._undefined_name)
        else:
            nom = str(self._undefined_hint or "?")
        return f"variable inconnue « {nom} »"


@functools.cache
def environnement() -> EnvironnementBorne:
    """The one Jinja environment of clause_kit, created once per process."""
    env = EnvironnementBorne(undefined=_IndefinieNommee, autoescape=True, keep_trailing_newline=True, auto_reload=False)
    # French list punctuation in one place: « ; » after each item, « . » after the last (its
    # output is its input and two characters: no bound needed).
    env.filters["puce"] = puce
    return env


@dataclass(frozen=True)
class ModeleCompile:
    """A Word template ready to render many times."""

    nom: str
    sha256: str
    entrees: tuple[tuple[zipfile.ZipInfo, bytes], ...]
    parties: dict[str, jinja2.Template]
    #: Per part, what to suggest when the rendered XML is malformed (depends on the tags used).
    conseils: dict[str, str] = field(default_factory=dict)
    #: Whether it prints ``document.date_generation``: then the day of generation decides the piece.
    date_generation: bool = False
    #: The entries that are not rendered, compressed once (their bytes in the template file).
    fixes: dict[str, Entree] = field(default_factory=dict)


_cache: dict[tuple[str, int, int], ModeleCompile] = {}


@functools.cache
def _docxtpl() -> Any:
    """docxtpl, only for its preprocessing methods (they read no state).

    Imported on first use: it loads python-docx (60 ms), which a run whose templates are all in
    the compiled cache and whose values hold no tab or line break never needs.
    """
    from docxtpl import DocxTemplate

    return DocxTemplate(io.BytesIO())


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
    brut, entrees = lire_paquet(chemin)
    noms = {info.filename for info, _ in entrees}
    if "word/document.xml" not in noms:
        raise ErreurModele(f"modèle {chemin.name} : document Word sans word/document.xml")
    sha256 = hashlib.sha256(brut).hexdigest()
    # Compiled by an earlier run (same bytes, same code): only the zip entries are read again.
    compilation = cache_modeles.lire(sha256)
    if compilation is None:
        compilation = _compiler_parties(chemin.name, entrees)
        cache_modeles.ecrire(sha256, compilation)
    env = environnement()
    globaux = env.make_globals(None)
    parties = {partie: env.template_class.from_code(env, code, globaux) for partie, code in compilation.codes.items()}
    fixes = entrees_brutes(brut, [info for info, _ in entrees if info.filename not in parties])
    for info, donnees in entrees:  # a part compressed by a method we do not copy: compressed again, once
        if info.filename not in parties and info.filename not in fixes:
            fixes[info.filename] = compresser(info.filename, donnees, NIVEAU_FIXE)
    return ModeleCompile(
        chemin.name, sha256, tuple(entrees), parties, compilation.conseils, compilation.date_generation, fixes
    )


def _compiler_parties(nom: str, entrees: list[tuple[zipfile.ZipInfo, bytes]]) -> cache_modeles.Compilation:
    codes: dict[str, CodeType] = {}
    conseils: dict[str, str] = {}
    date_generation = False
    for info, donnees in entrees:
        if _PARTIES.match(info.filename) and b"{" in donnees:
            xml, conseils[info.filename] = _preparer_partie(nom, info.filename, donnees)
            codes[info.filename] = _compiler_partie(nom, xml)
            # Tags are whole once preprocessed: a plain search finds the variable wherever Word split it.
            date_generation = date_generation or "date_generation" in xml
    return cache_modeles.Compilation(codes, conseils, date_generation)


def _preparer_partie(nom: str, partie: str, donnees: bytes) -> tuple[str, str]:
    """A part's Jinja source (XML re-serialised, docxtpl's preprocessing, literal braces protected) and hint."""
    normalise = normaliser_xml(nom, partie, donnees)
    # docxtpl's preprocessing: merge tags split across runs, handle {%p %} {%tr %} tags, and
    # straighten the quotes and entities Word and LibreOffice put inside tags (properties too).
    xml = _docxtpl().patch_xml(normalise)
    xml = _DANS_UNE_BALISE.sub(lambda m: m.group(0).replace("&amp;", "&"), xml)
    for echappe, litteral in _ECHAPPEMENTS:
        xml = xml.replace(echappe, "{% raw %}" + litteral + "{% endraw %}")
    if partie.startswith("word/"):
        xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)
    return xml, _conseil(re.sub(r"<[^>]+>", "", normalise))


def _compiler_partie(nom: str, xml: str) -> CodeType:
    try:
        return environnement().compile(xml)  # type: ignore[no-any-return]
    except jinja2.TemplateSyntaxError as err:
        extrait = _extrait(xml, err)
        pres = f" près de « {extrait} »" if extrait else ""
        raise ErreurModele(f"modèle {nom} : balise mal écrite : {message_syntaxe(err)}{pres}") from err
    except RecursionError as err:
        raise ErreurModele(f"modèle {nom} : balises imbriquées trop profondément") from err


def _extrait(xml: str, err: jinja2.TemplateSyntaxError) -> str:
    """The visible text of the paragraph at fault, to locate an error for a Word user ("" at the end of the file).

    The lexer gives a character offset: the paragraph holding it. The parser gives a line,
    and each paragraph starts a line of the preprocessed XML.
    """
    position = re.search(r" at ([0-9]+)", str(err.message or ""))
    if position is not None:
        decalage = int(position.group(1))
        debut = xml.rfind("\n", 0, decalage) + 1
        fin = xml.find("\n", decalage)
        ligne = xml[debut : fin if fin >= 0 else len(xml)]
    elif "end of template" in str(err.message or "").lower():
        return ""
    else:
        lignes = xml.splitlines()
        ligne = lignes[min(max((err.lineno or 1) - 1, 0), len(lignes) - 1)] if lignes else ""
    texte = " ".join(re.sub(r"<[^>]+>", "", ligne).split())
    return texte if len(texte) <= 160 else texte[:157] + "..."


def _conseil(texte: str) -> str:
    """The likely cause of malformed XML after rendering, from the tags in the visible text of a part."""
    if re.search(r"\|\s*safe\b|autoescape\s+false", texte):
        return "le filtre « safe » (ou autoescape false) insère du texte sans échappement : retirez-le"
    if re.search(r"\{%-?\s*(p|tr|tc|r)\s", texte):
        return (
            "une balise {%p %}, {%tr %} ou {%tc %} n'est-elle pas seule dans son paragraphe, sa ligne ou sa cellule ?"
        )
    return (
        "une balise {% if %} ou {% for %} commence-t-elle dans un paragraphe (ou une cellule) et finit-elle "
        "dans un autre ? Mettez-la seule dans son paragraphe sous la forme {%p if … %} … {%p endif %}"
    )


def rendre(modele: ModeleCompile, contexte: dict[str, Any]) -> bytes:
    """Render a compiled template with a context; return the .docx bytes.

    Give the context as ``variables(contexte)`` when it renders several templates: wrapped once.
    """
    valeurs = contexte if isinstance(contexte, Variables) else variables(contexte)
    with delai():
        rendues = {
            partie: _rendre_partie(modele, partie, gabarit, valeurs) for partie, gabarit in modele.parties.items()
        }
    # Pictures given as context values (images_docx.Image) become inline drawings after rendering.
    images = _images(valeurs)
    if images:
        rendues.update(placer_images(rendues, {i.filename: d for i, d in modele.entrees}, images))
    entrees = [
        compresser(info.filename, rendues.pop(info.filename))
        if info.filename in rendues
        else modele.fixes[info.filename]
        for info, _ in modele.entrees
    ]
    # Parts added by the pictures (media, relationships), in the order placer_images gave them.
    entrees += [compresser(nom, donnees) for nom, donnees in rendues.items()]
    return assembler(entrees)


def _rendre_partie(modele: ModeleCompile, partie: str, gabarit: jinja2.Template, valeurs: dict[str, Any]) -> bytes:
    nom = modele.nom
    try:
        xml = remplir(gabarit, valeurs)
    except jinja2.UndefinedError as err:
        raise ErreurModele(f"modèle {nom} : {err.message}") from err
    except jinja2.exceptions.SecurityError as err:
        raise ErreurModele(f"modèle {nom} : refusé : {err}") from err
    except jinja2.TemplateError as err:
        raise ErreurModele(f"modèle {nom} : erreur pendant le remplissage ({err})") from err
    except RecursionError as err:
        raise ErreurModele(f"modèle {nom} : récursion trop profonde (une macro s'appelle-t-elle elle-même ?)") from err
    except MemoryError as err:
        raise ErreurModele(f"modèle {nom} : mémoire épuisée pendant le remplissage") from err
    except (TypeError, ValueError, ArithmeticError, LookupError) as err:
        raise ErreurModele(f"modèle {nom} : expression invalide ({err})") from err
    if partie.startswith("word/"):
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        # Tabs, line and page breaks typed in a value become Word's: without any of those characters
        # anywhere in the part, docxtpl's pass (a third of a piece's rendering) would change nothing.
        if _LISTING.search(xml):
            xml = _docxtpl().resolve_listing(xml)
        # One typography for every value and every template: « Prix : 60 % » gets its no-break space
        # whether the colon came from the template, a value or a formula.
        xml = _TEXTE_W.sub(lambda m: m.group(1) + _typographier(m.group(2)) + m.group(3), xml)
        xml = appliquer_surlignage(xml)
    else:
        xml = retirer_marques(xml)
    donnees = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + xml).encode("utf-8")
    try:
        verifier_xml(donnees)
    except etree.XMLSyntaxError as err:
        raise ErreurModele(
            f"modèle {nom} : le document produit est invalide ({partie}{_pres_de(donnees, err)}) ; "
            + modele.conseils.get(partie, "")
        ) from err
    return donnees


def _pres_de(donnees: bytes, err: etree.XMLSyntaxError) -> str:
    """`` près de « texte visible »`` where the rendered XML breaks."""
    ligne, colonne = err.position
    lignes = donnees.decode("utf-8", errors="replace").splitlines()
    if not 1 <= ligne <= len(lignes):
        return ""
    avant = lignes[ligne - 1][max(colonne - 2000, 0) : colonne]
    texte = " ".join(re.sub(r"<[^>]*>?", " ", avant).split())[-80:]
    return f", près de « {texte} »" if texte else ""
