"""Every command is documented, and every --help ends with an example."""

from __future__ import annotations

from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from legday.cli import app

runner = CliRunner()


def _command_paths() -> list[list[str]]:
    root = typer.main.get_command(app)
    paths: list[list[str]] = [[]]

    def walk(cmd: Any, prefix: list[str]) -> None:
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                paths.append([*prefix, name])
                walk(sub, [*prefix, name])

    walk(root, [])
    return paths


def test_root_help_lists_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in ("demo", "inspect", "profile"):
        assert name in result.output


@pytest.mark.parametrize("path", _command_paths(), ids=lambda p: " ".join(p) or "legday")
def test_help_ends_with_example(path: list[str]) -> None:
    result = runner.invoke(app, [*path, "--help"], terminal_width=120)
    assert result.exit_code == 0, result.output
    lines = [ln.strip() for ln in result.output.splitlines() if ln.strip()]
    example_at = max(i for i, ln in enumerate(lines) if ln.startswith("Example"))
    tail = lines[example_at + 1 :]
    assert tail, f"{path}: nothing after 'Example:'"
    assert all(ln.startswith("$ legday") for ln in tail), tail
    assert lines[-1].startswith("$ legday " + " ".join(path[:1])) or not path


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("legday ")


@pytest.mark.parametrize("path", _command_paths(), ids=lambda p: " ".join(p) or "legday")
def test_no_flag_shows_a_value_it_does_not_take(path: list[str]) -> None:
    """A flag (--json, --help, --undo…) shows no ``<bool>``; an option with a value keeps its
    type (``--port <int range>``)."""
    result = runner.invoke(app, [*path, "--help"], terminal_width=120)
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output and "BOOLEAN" not in result.output
    assert "--help" in result.output
    if path == ["serve"]:
        assert "<int range>" in result.output


@pytest.mark.parametrize(
    "path", [[], ["labels"], ["profile"]], ids=lambda p: " ".join(p) or "legday"
)
def test_command_lists_wrap_to_the_terminal(path: list[str]) -> None:
    """A command list gives each summary as one paragraph: on a wide terminal it is one line
    (the docstring's own line breaks would cut it into ragged pieces), on a narrow one Rich
    fills each line."""
    group: Any = typer.main.get_command(app)
    for name in path:
        group = group.commands[name]
    wide = runner.invoke(
        app, [*path, "--help"], env={"COLUMNS": "2000", "TERMINAL_WIDTH": "2000"}
    ).output
    for name, command in group.commands.items():
        summary = " ".join((command.help or "").split("\n\n")[0].split())
        assert summary in wide, (name, summary)
