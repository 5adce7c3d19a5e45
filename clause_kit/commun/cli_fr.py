"""French for click, and the one place where a command's error becomes a message and an exit code.

Procurement officers read the messages: click's own English ("Missing argument", "Invalid
value for...") is rewritten here from click's structured exceptions (the missing parameter,
the unknown option and its close matches, the value a type refused), never by running
substitutions over a text that holds what the user typed. A usage error keeps click's exit code 2.

Errors of clause_kit are caught once, by ``GroupeFr.invoke``: a ``ClauseKitError`` is one French
line on stderr (and ``{"erreurs": [...]}`` on stdout for a command run with ``--format json``),
exit code 1 (or the code the command declared with ``code_en_erreur``); anything else is a bug,
whose traceback goes to the journal that the message names (``commun.journal``).
"""

from __future__ import annotations

import datetime
import json
import os
import re
import select
import sys
from typing import Any

import click

from clause_kit.commun.dates import borner_date, lire_date_iso
from clause_kit.commun.erreurs import ClauseKitError, ErreursValidation
from clause_kit.commun.journal import signaler

__all__ = [
    "Choix",
    "CommandeFr",
    "DateIso",
    "GroupeFr",
    "code_en_erreur",
    "confirmer",
    "erreurs_json",
    "message_erreur",
    "option_format",
    "terminal",
    "traduire_usage",
]

_EN_TETES = {"Options": "Options", "Commands": "Commandes", "Arguments": "Arguments"}
#: Keys of ``ctx.meta`` (shared by a command's context and its parents').
_FORMAT = "clause_kit.format"
_CODE = "clause_kit.code_erreur"

# Messages of click's parameter types and of its parser, each matched whole (anchored): what the
# user typed is captured and put back as it is, never translated.
_VALEURS: list[tuple[str, str]] = [
    (r"['\"](.*)['\"] is not a valid integer( range)?\.", r"« \1 » n'est pas un nombre entier"),
    (r"['\"](.*)['\"] is not a valid float( range)?\.", r"« \1 » n'est pas un nombre"),
    (r"(-?[\d.]+) is not in the range x>=(-?[\d.]+)\.", r"\1 : au moins \2 attendu"),
    (r"(-?[\d.]+) is not in the range x<=(-?[\d.]+)\.", r"\1 : au plus \2 attendu"),
    (r"(-?[\d.]+) is not in the range (-?[\d.]+)<=x<=(-?[\d.]+)\.", r"\1 : entre \2 et \3 attendu"),
    (r"File '(.*)' is a directory\.", r"« \1 » est un dossier, pas un fichier"),
    (r"Directory '(.*)' is a file\.", r"« \1 » est un fichier, pas un dossier"),
    (r"(?:Path|File|Directory) '(.*)' does not exist\.", r"« \1 » n'existe pas"),
    (r"(?:Path|File|Directory) '(.*)' is not readable\.", r"« \1 » n'est pas lisible"),
    (r"(?:Path|File|Directory) '(.*)' is not writable\.", r"« \1 » n'est pas accessible en écriture"),
]
_USAGES: list[tuple[str, str]] = [
    (r"No such command '(.*)'\.", r"commande inconnue : \1"),
    (r"Got unexpected extra arguments? \((.*)\)", r"argument(s) en trop : \1"),
    (r"Option '(.*)' requires an argument\.", r"l'option \1 attend une valeur"),
    (r"Option '(.*)' requires (\d+) arguments\.", r"l'option \1 attend \2 valeurs"),
    (r"Option '(.*)' does not take a value\.", r"l'option \1 ne prend pas de valeur"),
]


def _entier(modeles: list[tuple[str, str]], message: str) -> str:
    """The French of the first pattern matching the whole message; the message itself otherwise."""
    for motif, remplacement in modeles:
        trouve = re.fullmatch(motif, message, flags=re.DOTALL)
        if trouve:
            return trouve.expand(remplacement)
    return message


def _indice(err: click.BadParameter | click.MissingParameter) -> str:
    """The parameter as click names it in messages (``'-o' / '--sortie'``), quotes made French."""
    if err.param_hint is not None:
        indice = err.param_hint if isinstance(err.param_hint, str) else " / ".join(err.param_hint)
    elif err.param is not None:
        indice = err.param.get_error_hint(err.ctx)
    else:
        return ""
    return indice.replace("'", "")


class Choix(click.Choice):  # type: ignore[type-arg]
    """A choice among values, refused in French with the value as typed (never rewritten)."""

    def get_invalid_choice_message(self, value: Any, ctx: click.Context | None) -> str:
        """« or » n'est pas l'une des valeurs « texte », « json »."""
        valeurs = ", ".join(f"« {c} »" for c in self.choices)
        return f"« {value} » n'est pas l'une des valeurs {valeurs}"


def traduire_usage(err: click.ClickException) -> str:
    """French for one of click's usage errors, built from the exception's fields."""
    if isinstance(err, click.MissingParameter):
        nature = err.param_type or (err.param.param_type_name if err.param is not None else "option")
        genre = "argument manquant" if nature == "argument" else "option obligatoire manquante"
        return f"{genre} : {_indice(err)}"
    if isinstance(err, click.NoSuchOption):
        message = f"option inconnue : {err.option_name}"
        if err.possibilities:
            message += f" (vouliez-vous dire {' ou '.join(err.possibilities)} ?)"
        return message
    if isinstance(err, click.BadParameter):
        indice = _indice(err)
        valeur = _entier(_VALEURS, err.message)
        return f"valeur invalide pour {indice} : {valeur}" if indice else f"valeur invalide : {valeur}"
    return _entier(_USAGES, err.message)


def code_en_erreur(code: int) -> None:
    """Declare, at the start of a command, the exit code of its errors (``comparer`` exits 2, like diff)."""
    click.get_current_context().meta[_CODE] = code


def message_erreur(err: ClauseKitError) -> str:
    """Validation problems are already ``FICHIER:LIGNE: champ: message`` lines; others get a prefix."""
    return str(err) if isinstance(err, ErreursValidation) else f"Erreur : {err}"


def erreurs_json(err: ClauseKitError) -> list[dict[str, object]]:
    """The problems of an error as data, for ``--format json``."""
    if isinstance(err, ErreursValidation):
        return [{"fichier": p.fichier, "ligne": p.ligne, "champ": p.champ, "message": p.message} for p in err.problemes]
    return [{"fichier": None, "ligne": None, "champ": "", "message": str(err)}]


class _FormateurFr(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix="Utilisation : ")

    def write_heading(self, heading: str) -> None:
        super().write_heading(_EN_TETES.get(heading, heading))


class _ContexteFr(click.Context):
    formatter_class = _FormateurFr


class _AideFr(click.Command):
    """French help: headings, usage line and the description of --help."""

    context_class = _ContexteFr

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """The --help option, described in French."""
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "Afficher cette aide et quitter."
        return option


class CommandeFr(_AideFr):
    """A click command with French help."""


def sortie_fermee() -> bool:
    """Whether standard output is a pipe whose reader has gone (POLLERR on its descriptor)."""
    try:
        sondage = select.poll()
        sondage.register(sys.stdout.fileno(), select.POLLOUT)
        return any(evenement & select.POLLERR for _, evenement in sondage.poll(0))
    except (OSError, ValueError, AttributeError):  # no descriptor (tests capture stdout), no poll
        return False


class GroupeFr(_AideFr, click.Group):
    """A click group with French help and usage errors (exit code 2, as click), catching clause_kit's errors."""

    command_class = CommandeFr

    def invoke(self, ctx: click.Context) -> Any:
        """Run the subcommand; clause_kit's errors become a message and an exit code, here and only here."""
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except ClauseKitError as err:
            if ctx.meta.get(_FORMAT) == "json":  # a program reading stdout gets the problems as data too
                click.echo(json.dumps({"erreurs": erreurs_json(err)}, ensure_ascii=False, indent=2))
            click.echo(message_erreur(err), err=True)
            raise click.exceptions.Exit(ctx.meta.get(_CODE, 1)) from err
        except BrokenPipeError as err:
            if not sortie_fermee():
                click.echo(f"Erreur : {signaler(err, ctx.command_path)}", err=True)
                raise click.exceptions.Exit(1) from err
            # ``… --format json | head -1``: the reader has what it wanted and left; nobody to tell.
            # The interpreter's last flush would fail again: stdout goes nowhere from now on.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise click.exceptions.Exit(1) from err
        except Exception as err:  # a bug: its traceback goes to the journal the message names
            click.echo(f"Erreur : {signaler(err, ctx.command_path)}", err=True)
            raise click.exceptions.Exit(1) from err

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:  # type: ignore[override]
        """Run the command; in standalone mode, print usage errors in French."""
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)  # type: ignore[call-overload]
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)  # type: ignore[call-overload]
        except click.UsageError as err:
            commande = err.ctx.command_path if err.ctx is not None else "clause-kit"
            click.echo(f"Erreur : {traduire_usage(err)}", err=True)
            click.echo(f"Aide : {commande} --help", err=True)
            sys.exit(err.exit_code)
        except click.ClickException as err:
            click.echo(f"Erreur : {traduire_usage(err)}", err=True)
            sys.exit(err.exit_code)
        except click.Abort:
            click.echo("Interrompu.", err=True)
            sys.exit(130)
        sys.exit(code if isinstance(code, int) else 0)


#: ``--format texte|json``, shared by every command that can print data for a program.
option_format = click.option(
    "--format",
    "format_",
    type=Choix(["texte", "json"]),
    default="texte",
    help="Présentation du résultat : texte (par défaut) ou json.",
    # Remembered for the error handler of GroupeFr.invoke, which answers in JSON too.
    callback=lambda ctx, _param, valeur: ctx.meta.__setitem__(_FORMAT, valeur) or valeur,
)


class DateIso(click.ParamType):
    """A date written AAAA-MM-JJ within the accepted range (``commun.dates``), refused in French otherwise."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime.date:
        """Parse the date or fail with a French usage message (exit code 2)."""
        try:
            if isinstance(value, datetime.date):
                return borner_date(value)  # type: ignore[no-any-return]
            return lire_date_iso(str(value))
        except ValueError as err:
            self.fail(str(err), param, ctx)


def terminal() -> bool:
    """Whether a person can answer a question: standard input is a terminal (not a pipe, a file, a cron job)."""
    return sys.stdin.isatty()


_OUI, _NON = ("o", "oui"), ("n", "non", "")


def confirmer(question: str) -> bool:
    """Ask ``question [oui/non]`` until answered; no by default (click.confirm only knows « y » and « n »)."""
    while True:
        reponse = click.prompt(question, default="", show_default=False, prompt_suffix=" [oui/non] ")
        reponse = str(reponse).strip().lower()
        if reponse in _OUI or reponse in _NON:
            return reponse in _OUI
        click.echo("Répondez « oui » ou « non ».", err=True)
