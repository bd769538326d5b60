"""``legday plan`` through the command line: its options accept what their help says."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from legday.cli import app
from legday.plan.block import BLOCK_WEEKS

runner = CliRunner()


def test_weeks_help_states_the_block_range() -> None:
    help_text = re.sub(r"[\s│]+", " ", runner.invoke(app, ["plan", "--help"]).output)
    lo, hi = BLOCK_WEEKS
    assert f"1 (next week) or {lo}–{hi}" in help_text
    assert "1<=x<=12" not in help_text  # a range the block refuses (2 and 3) is not advertised


@pytest.mark.parametrize("weeks", [0, 1, 2, 3, 4, 12, 13])
def test_weeks_accepts_what_the_help_says(weeks: int) -> None:
    lo, hi = BLOCK_WEEKS
    result = runner.invoke(app, ["plan", "--runs", "tue=intervals", "--weeks", str(weeks)])
    if weeks == 1 or lo <= weeks <= hi:
        assert result.exit_code == 0, result.output
    else:  # refused by the parser with the help's words, never by the library after it
        assert result.exit_code == 2, result.output
        assert "1 (next week) or 4–12" in re.sub(r"[\s│]+", " ", result.output)
