"""The ``legday`` command line: a thin face over the library.

Each command parses its arguments, calls the library, renders with Rich, and maps
:class:`legday.LegdayError` to a one-line message and exit code 1.

A command's module is imported only when that command runs (or its help is drawn): the table
:data:`COMMANDS` names where each lives, so ``legday week`` never loads the web server, the
importer or the planner (issue 18, "commands that start fast"; ``tests/test_startup.py``).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping
from typing import TYPE_CHECKING, Annotated, Any

import typer

from legday import __version__

from .common import OneLineErrors, example

if TYPE_CHECKING:
    from typer.core import TyperCommand, TyperGroup

#: Each command, in the order ``legday --help`` lists them: its module under ``legday.cli``, the
#: command's function there (or the module's Typer ``app`` for a group of commands), and the
#: name of the module's constant that ends its ``--help`` with examples (None for a group).
COMMANDS: dict[str, tuple[str, str, str | None]] = {
    "demo": ("demo", "demo", "EPILOG"),
    "inspect": ("inspect", "inspect", "EPILOG"),
    "import": ("importing", "import_", "EPILOG"),
    "reanalyze": ("importing", "reanalyze", "REANALYZE_EPILOG"),
    "analyze": ("session", "analyze", "ANALYZE_EPILOG"),
    "verdict": ("session", "verdict", "VERDICT_EPILOG"),
    "log": ("strength", "log", "LOG_EPILOG"),
    "strength": ("strength", "strength", "STRENGTH_EPILOG"),
    "rm": ("corrections", "rm", "RM_EPILOG"),
    "edit": ("corrections", "edit", "EDIT_EPILOG"),
    "week": ("week", "week", "EPILOG"),
    "records": ("records", "records", "EPILOG"),
    "roster": ("roster", "roster", "EPILOG"),
    "plan": ("plan", "plan", "EPILOG"),
    "serve": ("serve", "serve", "EPILOG"),
    "backup": ("backup", "backup", "BACKUP_EPILOG"),
    "restore": ("backup", "restore", "RESTORE_EPILOG"),
    "batch": ("batch", "batch", "EPILOG"),
    "batch-summary": ("batch", "batch_summary", "SUMMARY_EPILOG"),
    "label": ("labels", "label", "LABEL_EPILOG"),
    "labels": ("labels", "app", None),
    "profile": ("profile", "app", None),
    "users": ("users", "app", None),
}


def _load(name: str) -> TyperCommand | TyperGroup:
    """The click command ``name``, built as ``app.command()`` / ``app.add_typer()`` would."""
    from typer.core import TyperCommand
    from typer.main import get_command_from_info, get_group_from_info
    from typer.models import CommandInfo, TyperInfo

    module_name, attr, epilog = COMMANDS[name]
    module = importlib.import_module(f"{__name__}.{module_name}")
    target = getattr(module, attr)
    if isinstance(target, typer.Typer):
        group = get_group_from_info(
            TyperInfo(target, name=name),
            pretty_exceptions_short=app.pretty_exceptions_short,
            rich_markup_mode=app.rich_markup_mode,
            suggest_commands=app.suggest_commands,
        )
        for sub in group.commands.values():
            sub.short_help = sub.short_help or _summary(sub.help)
        return group
    info = CommandInfo(
        name=name,
        callback=target,
        epilog=getattr(module, epilog) if epilog else None,
        short_help=_summary(target.__doc__),
    )
    command = get_command_from_info(
        info,
        pretty_exceptions_short=app.pretty_exceptions_short,
        rich_markup_mode=app.rich_markup_mode,
    )
    assert isinstance(command, TyperCommand)
    return command


def _summary(doc: str | None) -> str:
    """A command's line in a command list: its help's first paragraph as one line, which Rich
    wraps to the terminal (Typer keeps the docstring's own line breaks there)."""
    return " ".join((doc or "").split("\n\n")[0].split()) if doc else ""


class _Commands(MutableMapping[str, Any]):
    """The root group's commands: every name of :data:`COMMANDS`, each built on first use."""

    def __init__(self, given: MutableMapping[str, Any]) -> None:
        self._built: dict[str, Any] = dict(given)

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            if name not in COMMANDS:
                raise KeyError(name)
            self._built[name] = _load(name)
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]

    def __contains__(self, name: object) -> bool:
        return name in COMMANDS or name in self._built

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*COMMANDS, *self._built]))

    def __len__(self) -> int:
        return len(dict.fromkeys([*COMMANDS, *self._built]))


class _LazyGroup(OneLineErrors):
    """``legday``: the root group, whose commands load when asked for (:class:`_Commands`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = _Commands(self.commands)


app = typer.Typer(
    cls=_LazyGroup,
    name="legday",
    help="Does my run count as leg day? Import runs and lifts, judge them, plan the strength "
    "work running does not give.",
    epilog=example("legday demo", "legday inspect morning-run.fit"),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"legday {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Does my run count as leg day?"""


def main() -> None:
    app()
