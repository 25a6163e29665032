"""Shared pieces for CourseHub's CLI: bad input exits 2 with one line that says what to fix."""

import getpass

import click
from flask.cli import AppGroup


class CommandError(click.ClickException):
    """A mistake in what the operator typed: one line on stderr, exit status 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True)


class OneLineCommand(click.Command):
    """Click's usage errors print the usage block; ours print only the line that matters."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as error:
            raise CommandError(error.format_message()) from None


class CommandGroup(AppGroup):
    command_class = OneLineCommand


def shell_actor() -> str:
    """Who acts from the shell, as the audit log and the records name them: the operating-system login."""
    return f"shell:{getpass.getuser()}"
