"""The bounded Jinja sandbox of the templates: no template can run code, nor exhaust memory or time.

Templates are edited by legal services and travel as Word files: they are not trusted.
Jinja's sandbox already forbids running code; this environment also bounds resources, and
says in French what it refused (``RefusModele``):

* values: ``*``, ``+``, ``%`` and ``~`` never build a text or a list longer than
  ``TAILLE_VALEUR_MAX``; ``*`` and ``**`` never build an integer longer than ``BITS_MAX``
  bits; calls and filters never take an integer above ``ENTIER_MAX`` (widths, counts,
  ``range``), and those that multiply their input (``replace``, ``join``, ``indent``,
  ``wordwrap``, ``format``, ``expandtabs``) are estimated before they run; only plain text
  methods may be called on text; lists and dicts cannot be modified;
* time: a deadline (``DELAI_S`` a document) is checked at every loop turn, call, filter and
  operator, and in the main thread a real-time timer also interrupts a long computation;
* output: at most ``SORTIE_MAX`` characters a part (``remplir``);
* compilation: Jinja folds constant expressions while compiling, outside the sandbox
  (``{{ 10**(10**10) }}`` would hang there): folding is off, and the intercepted operators
  are never folded. ``include``, ``import`` and ``extends`` are refused: a template is one
  Word document, with nothing to load.
"""

from __future__ import annotations

import contextlib
import functools
import math
import re
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.filters import do_join
from jinja2.runtime import Macro, markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

from clause_kit.formats import nombre

__all__ = [
    "BITS_MAX",
    "DELAI_S",
    "ENTIER_MAX",
    "SORTIE_MAX",
    "TAILLE_VALEUR_MAX",
    "EnvironnementBorne",
    "RefusModele",
    "delai",
    "message_syntaxe",
    "remplir",
]

#: Characters (or items) of one value computed by a template.
TAILLE_VALEUR_MAX = 2_000_000
#: Characters written for one part of a document (``word/document.xml``...).
SORTIE_MAX = 20_000_000
#: Integer argument of a call or filter (a width, a count, the length of a ``range``).
ENTIER_MAX = 100_000
#: Size of an integer computed by ``*`` or ``**`` (about 3 000 digits).
BITS_MAX = 10_000
#: Time to fill in one document, in seconds (a normal one takes a few milliseconds).
DELAI_S = 10.0

_BOUCLE, _CONCATENATION = "_ck_boucle", "_ck_concatenation"

# Methods a template may call on a text; the others (translate, encode...) are refused.
_METHODES_TEXTE = frozenset(
    "capitalize casefold center count endswith expandtabs find format format_map index isalnum isalpha "
    "isascii isdecimal isdigit isidentifier islower isnumeric isprintable isspace istitle isupper join ljust "
    "lower lstrip partition removeprefix removesuffix replace rfind rindex rjust rpartition rsplit rstrip "
    "split splitlines startswith strip swapcase title upper zfill escape striptags unescape".split()
)
# A width or precision in a %-format or a format() field: "%9999d", "{:>9999}".
_LARGEUR = re.compile(r"[0-9]+|\*")


class RefusModele(SecurityError):
    """Raised when a template asks for more than the limits allow; the message is French and says what."""


_echeance = math.inf


def _verifier_delai() -> None:
    """Refuse to go on once the deadline of the render in progress is past."""
    if time.monotonic() > _echeance:
        raise RefusModele(f"délai dépassé : le remplissage a duré plus de {DELAI_S:g} s (boucle sans fin ?)")


@contextlib.contextmanager
def delai(secondes: float | None = None) -> Iterator[None]:
    """Bound the time the block spends in templates (deadline checks, and a timer in the main thread)."""
    global _echeance
    secondes = DELAI_S if secondes is None else secondes
    precedente = _echeance
    _echeance = min(precedente, time.monotonic() + secondes)
    minuteur = _Minuteur(secondes)
    try:
        yield
    finally:
        minuteur.arreter()
        _echeance = precedente


class _Minuteur:
    """A SIGALRM timer, when it can be used: main thread, and nobody else's handler in place."""

    def __init__(self, secondes: float) -> None:
        self.arme = (
            threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)
        )
        if self.arme:
            signal.signal(signal.SIGALRM, self._sonner)
            signal.setitimer(signal.ITIMER_REAL, secondes + 0.5)  # the checks normally come first

    @staticmethod
    def _sonner(_signal: int, _cadre: Any) -> None:
        raise RefusModele(f"délai dépassé : le remplissage a duré plus de {DELAI_S:g} s")

    def arreter(self) -> None:
        if self.arme:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, signal.SIG_DFL)


def remplir(gabarit: jinja2.Template, valeurs: dict[str, Any]) -> str:
    """Render a template, refusing an output longer than ``SORTIE_MAX`` characters."""
    morceaux, taille = [], 0
    for rang, morceau in enumerate(gabarit.generate(valeurs)):
        taille += len(morceau)
        if taille > SORTIE_MAX:
            raise RefusModele(f"document produit trop grand (plus de {SORTIE_MAX // 1_000_000} millions de caractères)")
        morceaux.append(morceau)
        if not rang % 256:
            _verifier_delai()
    return "".join(morceaux)


# --- checks on values ------------------------------------------------------------------


def _longueur(valeur: Any) -> int | None:
    return len(valeur) if isinstance(valeur, (str, bytes, list, tuple, dict, set, frozenset)) else None


def _taille(valeur: Any, quoi: str) -> Any:
    """``valeur``, unless it is a text or collection longer than the limit."""
    _prevoir(_longueur(valeur) or 0, quoi)
    return valeur


def _prevoir(taille: int, quoi: str) -> None:
    """Refuse before computing a value that would be longer than the limit."""
    if taille > TAILLE_VALEUR_MAX:
        raise RefusModele(f"{quoi} produirait une valeur trop longue (plus de {nombre(TAILLE_VALEUR_MAX)} éléments)")


def _entiers(quoi: str, args: Iterable[Any]) -> None:
    for valeur in args:
        if isinstance(valeur, int) and not isinstance(valeur, bool) and abs(valeur) > ENTIER_MAX:
            raise RefusModele(f"nombre trop grand passé {quoi} (au plus {nombre(ENTIER_MAX)})")


def _format(gabarit: Any, quoi: str) -> None:
    """Refuse a %-format or format() string asking for a width or precision above ``ENTIER_MAX`` (or ``*``)."""
    if not isinstance(gabarit, str):
        return
    for champ in re.findall(r"%[^a-zA-Z%]*[a-zA-Z%]|\{[^{}]*\}", gabarit):
        for largeur in _LARGEUR.findall(champ):
            if largeur == "*" or int(largeur) > ENTIER_MAX:
                raise RefusModele(f"largeur trop grande dans {quoi} (au plus {nombre(ENTIER_MAX)})")


def _bits(entier: Any) -> int:
    return abs(entier).bit_length() if isinstance(entier, int) else 0


def _fois(gauche: Any, droite: Any) -> None:
    for sequence, n in ((gauche, droite), (droite, gauche)):
        longueur = _longueur(sequence)
        if longueur is not None and isinstance(n, int):
            _prevoir(longueur * max(n, 0), "la répétition (*)")
    if _bits(gauche) + _bits(droite) > BITS_MAX:
        raise RefusModele(f"nombre trop grand (plus de {BITS_MAX} bits) produit par *")


def _puissance(base: Any, exposant: Any) -> None:
    if isinstance(base, int) and isinstance(exposant, int) and abs(base) > 1 and exposant > 0:
        if _bits(base) * exposant > BITS_MAX:
            raise RefusModele(f"nombre trop grand (plus de {BITS_MAX} bits) produit par **")


def _plus(gauche: Any, droite: Any) -> None:
    longueurs = (_longueur(gauche), _longueur(droite))
    if None not in longueurs:
        _prevoir(sum(x or 0 for x in longueurs), "la concaténation (+)")


def _modulo(gauche: Any, _droite: Any) -> None:
    _format(gauche, "le format %")


_OPERATEURS: dict[str, Callable[[Any, Any], None]] = {"*": _fois, "**": _puissance, "+": _plus, "%": _modulo}


# --- filters ---------------------------------------------------------------------------


def _texte(valeur: Any) -> str:
    return valeur if isinstance(valeur, str) else str(valeur)


def _prevoir_replace(s: Any, old: Any = "", new: Any = "", count: Any = None, *_: Any) -> None:
    s, old, new = _texte(s), _texte(old), _texte(new)
    occurrences = (len(s) + 1) if not old else s.count(old)
    if isinstance(count, int) and count >= 0:
        occurrences = min(occurrences, count)
    _prevoir(len(s) + occurrences * max(len(new) - len(old), 0), "replace")


def _prevoir_indent(s: Any, width: Any = 4, *_: Any, **__: Any) -> None:
    s = _texte(s)
    largeur = width if isinstance(width, int) else len(_texte(width))
    _prevoir(len(s) + (s.count("\n") + 1) * max(largeur, 0), "indent")


def _prevoir_wordwrap(s: Any, width: Any = 79, break_long_words: Any = True, wrapstring: Any = None, **_: Any) -> None:
    s = _texte(s)
    lignes = len(s) // max(width if isinstance(width, int) else 1, 1) + 1
    _prevoir(len(s) + lignes * len(_texte(wrapstring or "\n")), "wordwrap")


def _prevoir_format(valeur: Any, *_: Any, **__: Any) -> None:
    _format(valeur, "le filtre format")


def _prevoir_expandtabs(s: Any, tabsize: Any = 8) -> None:
    s = _texte(s)
    _prevoir(len(s) + s.count("\t") * max(tabsize if isinstance(tabsize, int) else 8, 0), "expandtabs")


_PREVISIONS: dict[str, Callable[..., None]] = {
    "replace": _prevoir_replace,
    "indent": _prevoir_indent,
    "wordwrap": _prevoir_wordwrap,
    "format": _prevoir_format,
    "expandtabs": _prevoir_expandtabs,
}


def _borner_filtre(nom: str, filtre: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that checks the deadline, its integer arguments and the size of what it produces."""
    prevoir = _PREVISIONS.get(nom)
    decalage = 1 if getattr(filtre, "jinja_pass_arg", None) is not None else 0

    @functools.wraps(filtre)
    def borne(*args: Any, **kwargs: Any) -> Any:
        _verifier_delai()
        _entiers(f"au filtre {nom}", [*args, *kwargs.values()])
        if prevoir is not None:
            prevoir(*args[decalage:], **kwargs)
        return _taille(filtre(*args, **kwargs), f"le filtre {nom}")

    return borne


@jinja2.pass_eval_context
def _join(contexte: Any, valeur: Any, d: str = "", attribute: Any = None) -> str:
    """Jinja's ``join``, with the length of the result foreseen: a short list may repeat a long text."""
    elements = list(valeur)
    if attribute is not None:
        elements = [contexte.environment.getitem(e, attribute) for e in elements]
    _prevoir(sum(len(_texte(e)) for e in elements) + len(_texte(d)) * max(len(elements) - 1, 0), "le filtre join")
    return do_join(contexte, elements, d)


@jinja2.pass_eval_context
def _concatenation(contexte: Any, valeurs: list[Any]) -> str:
    """The ``~`` operator (Jinja's ``markup_join`` or ``str_join``), refusing too long a result."""
    _prevoir(sum(len(_texte(v)) for v in valeurs), "la concaténation (~)")
    joindre = markup_join if contexte.autoescape else str_join
    return _taille(joindre(valeurs), "la concaténation (~)")  # type: ignore[no-any-return]


def _boucle(iterable: Any) -> Iterator[Any]:
    """Every ``{% for %}`` iterates through this: the deadline is checked as it turns."""
    for rang, element in enumerate(iterable):
        if not rang % 256:
            _verifier_delai()
        yield element


def _range(*args: int) -> range:
    """Jinja's ``range``, with a French refusal past ``ENTIER_MAX`` items."""
    plage = range(*args)
    if len(plage) > ENTIER_MAX:
        raise RefusModele(f"range de plus de {nombre(ENTIER_MAX)} éléments")
    return plage


_range.__name__ = "range"  # as the template author wrote it, in messages


# --- the environment -------------------------------------------------------------------


class _Transformateur(NodeTransformer):
    """Rewrite a parsed template: loops and ``~`` go through the bounded helpers; nothing is loaded."""

    def visit_For(self, noeud: nodes.For) -> nodes.Node:  # noqa: N802 - NodeTransformer's naming
        self.generic_visit(noeud)
        noeud.iter = nodes.Filter(noeud.iter, _BOUCLE, [], [], None, None, lineno=noeud.lineno)
        return noeud

    def visit_Concat(self, noeud: nodes.Concat) -> nodes.Node:  # noqa: N802
        self.generic_visit(noeud)
        liste = nodes.List(noeud.nodes, lineno=noeud.lineno)
        return nodes.Filter(liste, _CONCATENATION, [], [], None, None, lineno=noeud.lineno)

    def generic_visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> Any:
        """Visit the children; refuse the tags that would load another template."""
        if isinstance(node, (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
            balise = type(node).__name__.lower().replace("fromimport", "from … import")
            raise _SyntaxeRefusee(
                f"balise « {balise} » refusée : un modèle Word est un document entier, il ne charge rien d'autre",
                node.lineno,
            )
        return super().generic_visit(node, *args, **kwargs)


class _SyntaxeRefusee(jinja2.TemplateSyntaxError):
    """A template construct refused by clause_kit (the message is already French)."""


class EnvironnementBorne(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, bounded in size, integers, time and output (see the module docstring)."""

    intercepted_binops = frozenset(_OPERATEURS)

    def __init__(self, **options: Any) -> None:
        super().__init__(optimized=False, **options)
        self.filters = {nom: _borner_filtre(nom, filtre) for nom, filtre in self.filters.items()}
        self.filters["join"] = _borner_filtre("join", _join)
        self.filters[_BOUCLE] = _boucle
        self.filters[_CONCATENATION] = _concatenation
        self.globals["range"] = _range

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        arbre = _Transformateur().visit(super()._parse(source, name, filename))
        arbre.set_environment(self)
        return arbre  # type: ignore[no-any-return]

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Jinja's rules, and on a text only the methods of ``_METHODES_TEXTE``."""
        if isinstance(obj, str) and callable(value) and attr not in _METHODES_TEXTE:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def unsafe_undefined(self, obj: Any, attribute: str) -> jinja2.Undefined:
        """The refusal of an attribute, in French."""
        return self.undefined(
            f"accès refusé à « {attribute} » ({type(obj).__name__}) : opération interdite dans un modèle",
            name=attribute,
            obj=obj,
            exc=SecurityError,
        )

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        """``*``, ``**``, ``+``, ``%``: checked before they run, and their result after."""
        _verifier_delai()
        _OPERATEURS[operator](left, right)
        return _taille(super().call_binop(context, operator, left, right), f"l'opérateur {operator}")

    def call(self, contexte: jinja2.runtime.Context, objet: Any, /, *args: Any, **kwargs: Any) -> Any:
        """A call from a template: deadline, integer arguments and, for text methods, the size foreseen."""
        _verifier_delai()
        if not self.is_safe_callable(objet):
            raise SecurityError(f"appel refusé : {type(objet).__name__} n'est pas appelable dans un modèle")
        nom = getattr(objet, "__name__", type(objet).__name__)
        if not isinstance(objet, Macro):  # a macro's own operations are checked as it runs
            _entiers(f"à {nom}", [*args, *kwargs.values()])
        methode = getattr(objet, "__wrapped__", objet)  # str.format is wrapped by the sandbox
        texte = getattr(methode, "__self__", None)
        if isinstance(texte, str):
            args = _prevoir_methode(nom, texte, args)
        return _taille(contexte.call(objet, *args, **kwargs), nom)


def _prevoir_methode(nom: str, texte: str, args: tuple[Any, ...]) -> tuple[Any, ...]:
    """Foresee the size of a text method's result; return its arguments (an iterable to join is read once)."""
    if nom in ("format", "format_map"):
        _format(texte, "format")
    elif nom == "join" and args:
        elements = list(args[0])
        _prevoir(sum(len(_texte(e)) for e in elements) + len(texte) * len(elements), "join")
        return (elements, *args[1:])
    elif nom in _PREVISIONS:
        _PREVISIONS[nom](texte, *args)
    return args


# --- French messages of Jinja syntax errors ---------------------------------------------

_SYNTAXE_FR: list[tuple[str, str]] = [
    (
        r"unexpected char (.+?) at \d+",
        r"caractère \1 inattendu dans une balise (guillemets typographiques, ou entité XML ?)",
    ),
    (
        r"Unexpected end of template\. Jinja was looking for the following tags: (.+?)\. "
        r"The innermost block that needs to be closed is '(\w+)'\.",
        r"fin du modèle sans fermeture du bloc « \2 » (attendu : \1)",
    ),
    (r"unexpected end of template.*", "fin du modèle au milieu d'une balise (balise non fermée ?)"),
    (
        r"Encountered unknown tag '(\w+)'\..*?looking for the following tags: (.+?)\..*",
        r"balise « \1 » inattendue (attendu : \2)",
    ),
    (r"Encountered unknown tag '(\w+)'.*", r"balise inconnue « \1 »"),
    (r"expected token '(.+?)', got '(.+?)'", r"« \2 » trouvé où « \1 » était attendu"),
    (r"[Nn]o filter named '(.+?)'.*", r"filtre inconnu « \1 »"),
    (r"[Nn]o test named '(.+?)'.*", r"test inconnu « \1 »"),
    (r"unexpected '(.+?)'", r"« \1 » inattendu"),
    (r"tag name expected", "nom de balise attendu après {%"),
    (r"end of print statement", "fin de balise }}"),
    (r"end of statement block", "fin de balise %}"),
    (r"\bor\b", "ou"),
]


def message_syntaxe(erreur: jinja2.TemplateSyntaxError) -> str:
    """Jinja's syntax error in French, without its character offset; unknown ones as technical detail."""
    if isinstance(erreur, _SyntaxeRefusee):
        return str(erreur.message)
    anglais = str(erreur.message or "")
    francais = anglais
    for motif, remplacement in _SYNTAXE_FR:
        francais = re.sub(motif, remplacement, francais)
    if francais == anglais:
        return f"détail technique : {re.sub(r' at [0-9]+', '', anglais)}"
    return francais

