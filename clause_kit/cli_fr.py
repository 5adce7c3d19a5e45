"""French for click: help headings, the help option, and usage errors.

Procurement officers read the messages: click's own English ("Missing argument", "Invalid
value for...") is translated here, in one place, and a usage error keeps click's exit code 2.
"""

from __future__ import annotations

import datetime
import re
import sys
from typing import Any

import click

__all__ = ["CommandeFr", "DateIso", "GroupeFr", "option_format", "traduire_usage"]

_EN_TETES = {"Options": "Options", "Commands": "Commandes", "Arguments": "Arguments"}

# (English pattern, French replacement), tried in order on click's usage messages.
_TRADUCTIONS: list[tuple[str, str]] = [
    (r"Missing argument '([^']+)'\.", r"argument manquant : \1"),
    (r"Missing option '([^']+)'\.", r"option obligatoire manquante : \1"),
    (r"No such option: (\S+)", r"option inconnue : \1"),
    (r"No such option '([^']+)'\.?", r"option inconnue : \1"),
    (r"Did you mean (\S+)\?", r"vouliez-vous dire \1 ?"),
    (r"\(Possible options: ([^)]+)\)", r"(options possibles : \1)"),
    (r"No such command '([^']+)'\.", r"commande inconnue : \1"),
    (r"Got unexpected extra arguments? \(([^)]*)\)", r"argument(s) en trop : \1"),
    (r"Option '([^']+)' requires an argument\.", r"l'option \1 attend une valeur"),
    (r"Invalid value for ([^:]+): ", r"valeur invalide pour \1 : "),
    (r"'([^']*)' is not one of (.+)\.", r"« \1 » n'est pas l'une des valeurs \2"),
    (r"'([^']*)' is not a valid integer( range)?\.", r"« \1 » n'est pas un nombre entier"),
    (r"(-?\d+) is not in the range x>=(\d+)\.", r"\1 : au moins \2 attendu"),
    (r"File '([^']*)' is a directory\.", r"« \1 » est un dossier, pas un fichier"),
    (r"Directory '([^']*)' is a file\.", r"« \1 » est un fichier, pas un dossier"),
    (r"(?:Path|File|Directory) '([^']*)' does not exist\.", r"« \1 » n'existe pas"),
    (r"\bor\b", "ou"),
]


def traduire_usage(message: str) -> str:
    """Translate one of click's usage messages into French (unknown parts are kept)."""
    for motif, remplacement in _TRADUCTIONS:
        message = re.sub(motif, remplacement, message)
    return message


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


class GroupeFr(_AideFr, click.Group):
    """A click group with French help and French usage errors (exit code 2, as click)."""

    command_class = CommandeFr

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:  # type: ignore[override]
        """Run the command; in standalone mode, print usage errors in French."""
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)  # type: ignore[call-overload]
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)  # type: ignore[call-overload]
        except click.UsageError as err:
            commande = err.ctx.command_path if err.ctx is not None else "clause-kit"
            click.echo(f"Erreur : {traduire_usage(err.format_message())}", err=True)
            click.echo(f"Aide : {commande} --help", err=True)
            sys.exit(err.exit_code)
        except click.ClickException as err:
            click.echo(f"Erreur : {traduire_usage(err.format_message())}", err=True)
            sys.exit(err.exit_code)
        except click.Abort:
            click.echo("Interrompu.", err=True)
            sys.exit(130)
        sys.exit(code if isinstance(code, int) else 0)


#: ``--format texte|json``, shared by every command that can print data for a program.
option_format = click.option(
    "--format",
    "format_",
    type=click.Choice(["texte", "json"]),
    default="texte",
    help="Présentation du résultat : texte (par défaut) ou json.",
)


class DateIso(click.ParamType):
    """A date written AAAA-MM-JJ, refused in French otherwise."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime.date:
        """Parse the date or fail with a French message."""
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"« {value} » n'est pas une date AAAA-MM-JJ", param, ctx)
