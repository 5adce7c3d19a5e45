"""The bounded Jinja sandbox of the templates: no template can run code, nor exhaust memory or time.

Templates are edited by legal services and travel as Word files: they are not trusted.
Jinja's sandbox already forbids running code; this environment also bounds resources, and
says in French what it refused (``RefusModele``):

* values: ``*``, ``+``, ``%``, ``~``, filters, calls and ``{{ … }}`` never make a value
  longer than ``TAILLE_VALEUR_MAX`` characters once written (a list repeating one long text
  counts it each time: ``_poids``); ``*`` and ``**`` never build an integer longer than ``BITS_MAX``
  bits; calls and filters never take an integer above ``ENTIER_MAX`` (widths, counts,
  ``range``), and those that multiply their input (``replace``, ``join``, ``indent``,
  ``wordwrap``, ``format``, ``expandtabs``) are estimated before they run; only plain text
  methods may be called on text; lists and dicts cannot be modified; no ``lipsum``;
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

from clause_kit.commun.formats import nombre

__all__ = [
    "BITS_MAX",
    "BOUCLE",
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
#: Name of the filter that bounds every loop: the template review looks through it.
BOUCLE = _BOUCLE

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
        self.arme = threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGALRM) in (
            signal.SIG_DFL,
            None,
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


def _poids(valeur: Any, memo: dict[int, int] | None = None) -> int:
    """About how many characters ``valeur`` makes once written as text.

    A list holding the same long text a hundred thousand times is small in memory and huge
    once written: its parts are counted each time they appear (computed once each).
    """
    if isinstance(valeur, (str, bytes)):
        return len(valeur)
    if isinstance(valeur, int) and not isinstance(valeur, bool):
        return valeur.bit_length() // 3 + 2
    if isinstance(valeur, (list, tuple, set, frozenset, dict)):
        memo = {} if memo is None else memo
        if id(valeur) not in memo:
            elements = [*valeur.keys(), *valeur.values()] if isinstance(valeur, dict) else valeur
            memo[id(valeur)] = 2 + sum(_poids(e, memo) + 2 for e in elements)
        return memo[id(valeur)]
    return 32  # a date, a decimal, an object: a short text


def _prevoir(taille: int, quoi: str) -> None:
    """Refuse before computing a value that would be longer than the limit."""
    if taille > TAILLE_VALEUR_MAX:
        raise RefusModele(f"{quoi} produirait une valeur trop longue (plus de {nombre(TAILLE_VALEUR_MAX)} caractères)")


def _verifier(valeur: Any, quoi: str) -> Any:
    """``valeur``, unless it would be longer than the limit once written."""
    _prevoir(_poids(valeur), quoi)
    return valeur


def _entiers(quoi: str, args: Iterable[Any]) -> None:
    for valeur in args:
        if isinstance(valeur, int) and not isinstance(valeur, bool) and abs(valeur) > ENTIER_MAX:
            raise RefusModele(f"nombre trop grand passé {quoi} (au plus {nombre(ENTIER_MAX)})")


# A conversion of a %-format, a field of a format() string.
_CHAMP = re.compile(r"%[^a-zA-Z%]*[a-zA-Z%]|\{[^{}]*\}")


def _prevoir_format(gabarit: Any, valeurs: Iterable[Any], quoi: str) -> None:
    """Refuse a format asking for a width above ``ENTIER_MAX`` (or ``*``), or repeating a long value too often."""
    if not isinstance(gabarit, str):
        return
    champs = _CHAMP.findall(gabarit)
    for champ in champs:
        for largeur in _LARGEUR.findall(champ):
            if largeur == "*" or int(largeur) > ENTIER_MAX:
                raise RefusModele(f"largeur trop grande dans {quoi} (au plus {nombre(ENTIER_MAX)})")
    # "%(a)s" or "{0}" may use one value many times: each field may be the longest value.
    plus_long = max((_poids(v) for v in valeurs), default=0)
    _prevoir(len(gabarit) + len(champs) * plus_long, quoi)


def _bits(entier: Any) -> int:
    return abs(entier).bit_length() if isinstance(entier, int) else 0


def _fois(gauche: Any, droite: Any) -> None:
    for sequence, n in ((gauche, droite), (droite, gauche)):
        if isinstance(sequence, (str, list, tuple)) and isinstance(n, int):
            _prevoir(_poids(sequence) * max(n, 0), "la répétition (*)")
    if _bits(gauche) + _bits(droite) > BITS_MAX:
        raise RefusModele(f"nombre trop grand (plus de {BITS_MAX} bits) produit par *")


def _puissance(base: Any, exposant: Any) -> None:
    if isinstance(base, int) and isinstance(exposant, int) and abs(base) > 1 and exposant > 0:
        if _bits(base) * exposant > BITS_MAX:
            raise RefusModele(f"nombre trop grand (plus de {BITS_MAX} bits) produit par **")


def _plus(gauche: Any, droite: Any) -> None:
    if isinstance(gauche, (str, list, tuple)) and isinstance(droite, (str, list, tuple)):
        _prevoir(_poids(gauche) + _poids(droite), "la concaténation (+)")


def _modulo(gauche: Any, droite: Any) -> None:
    valeurs = droite.values() if isinstance(droite, dict) else droite if isinstance(droite, tuple) else [droite]
    _prevoir_format(gauche, valeurs, "le format %")


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


def _prevoir_filtre_format(valeur: Any, *args: Any, **kwargs: Any) -> None:
    _prevoir_format(valeur, kwargs.values() if kwargs else args, "le filtre format")


def _prevoir_expandtabs(s: Any, tabsize: Any = 8) -> None:
    s = _texte(s)
    _prevoir(len(s) + s.count("\t") * max(tabsize if isinstance(tabsize, int) else 8, 0), "expandtabs")


_PREVISIONS: dict[str, Callable[..., None]] = {
    "replace": _prevoir_replace,
    "indent": _prevoir_indent,
    "wordwrap": _prevoir_wordwrap,
    "format": _prevoir_filtre_format,
    "expandtabs": _prevoir_expandtabs,
}


def _borner_filtre(nom: str, filtre: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that checks the deadline, its arguments and what it would produce, then what it produced."""
    prevoir = _PREVISIONS.get(nom)
    decalage = 1 if getattr(filtre, "jinja_pass_arg", None) is not None else 0
    quoi = f"le filtre {nom}"

    @functools.wraps(filtre)
    def borne(*args: Any, **kwargs: Any) -> Any:
        _verifier_delai()
        arguments = [*args[decalage:], *kwargs.values()]
        _entiers(f"au filtre {nom}", arguments)
        _prevoir(sum(_poids(a) for a in arguments), quoi)
        if prevoir is not None:
            prevoir(*args[decalage:], **kwargs)
        return _verifier(filtre(*args, **kwargs), quoi)

    return borne


@jinja2.pass_eval_context
def _join(contexte: Any, valeur: Any, d: str = "", attribute: Any = None) -> str:
    """Jinja's ``join``, with the length of the result foreseen: a short list may repeat a long text."""
    elements = list(valeur)
    if attribute is not None:
        elements = [contexte.environment.getitem(e, attribute) for e in elements]
    _prevoir(sum(_poids(e) for e in elements) + len(_texte(d)) * max(len(elements) - 1, 0), "le filtre join")
    return do_join(contexte, elements, d)


@jinja2.pass_eval_context
def _concatenation(contexte: Any, valeurs: list[Any]) -> str:
    """The ``~`` operator (Jinja's ``markup_join`` or ``str_join``), refusing too long a result."""
    _prevoir(sum(_poids(v) for v in valeurs), "la concaténation (~)")
    joindre = markup_join if contexte.autoescape else str_join
    return _verifier(joindre(valeurs), "la concaténation (~)")  # type: ignore[no-any-return]


def _ecrire(valeur: Any) -> Any:
    """Jinja's ``finalize``: every ``{{ … }}`` goes through here before being written as text."""
    return _verifier(valeur, "la valeur écrite")


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
        super().__init__(optimized=False, finalize=_ecrire, **options)
        self.filters = {nom: _borner_filtre(nom, filtre) for nom, filtre in self.filters.items()}
        self.filters["join"] = _borner_filtre("join", _join)
        self.filters[_BOUCLE] = _boucle
        self.filters[_CONCATENATION] = _concatenation
        self.globals["range"] = _range
        # Lorem ipsum has no place in a legal document, and lipsum(n, min, max) multiplies its arguments.
        del self.globals["lipsum"]

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
        return _verifier(super().call_binop(context, operator, left, right), f"l'opérateur {operator}")

    def call(self, contexte: jinja2.runtime.Context, objet: Any, /, *args: Any, **kwargs: Any) -> Any:
        """A call from a template: deadline, integer arguments and, for text methods, the size foreseen."""
        _verifier_delai()
        if not self.is_safe_callable(objet):
            raise SecurityError(f"appel refusé : {type(objet).__name__} n'est pas appelable dans un modèle")
        nom = getattr(objet, "__name__", type(objet).__name__)
        if not isinstance(objet, Macro):  # a macro's own operations are checked as it runs
            _entiers(f"à {nom}", [*args, *kwargs.values()])
            _prevoir(sum(_poids(a) for a in [*args, *kwargs.values()]), nom)
        methode = getattr(objet, "__wrapped__", objet)  # str.format is wrapped by the sandbox
        texte = getattr(methode, "__self__", None)
        if isinstance(texte, str):
            args = _prevoir_methode(nom, texte, args, kwargs)
        return _verifier(contexte.call(objet, *args, **kwargs), nom)


def _prevoir_methode(nom: str, texte: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """Foresee the size of a text method's result; return its arguments (an iterable to join is read once)."""
    if nom == "format":
        _prevoir_format(texte, [*args, *kwargs.values()], "format")
    elif nom == "format_map" and args:
        _prevoir_format(texte, dict(args[0]).values(), "format")
    elif nom == "join" and args:
        elements = list(args[0])
        _prevoir(sum(_poids(e) for e in elements) + len(texte) * len(elements), "join")
        return (elements, *args[1:])
    elif nom in _PREVISIONS:
        _PREVISIONS[nom](texte, *args)
    return args


# --- French messages of Jinja syntax errors ---------------------------------------------

_SYNTAXE_FR: list[tuple[str, str]] = [
    (r"^unexpected 'end of print statement'$", "expression incomplète avant « }} »"),
    (r"^unexpected 'end of statement block'$", "expression incomplète avant « %} »"),
    (r"^expected token 'end of print statement', got '(.*)'$", r"« }} » attendu, trouvé « \1 »"),
    (r"^expected token 'end of statement block', got '(.*)'$", r"« %} » attendu, trouvé « \1 »"),
    (r"^Expected an expression, got '(.*)'$", r"expression attendue, trouvé « \1 »"),
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
