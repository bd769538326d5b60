"""The import's progress line keeps its bar beside any file name (issue 17 item 7)."""

from __future__ import annotations

import pytest
from rich.console import Console
from rich.progress import Progress

from legday.cli.importing import progress_columns

LONG = "2024-06-01-morning-run-with-a-very-long-name-from-a-strava-export-1234567890.fit.gz"


def _line(name: str, done: int, total: int, width: int = 80) -> str:
    console = Console(width=width, record=True, color_system=None)
    bar = Progress(*progress_columns(), console=console, auto_refresh=False)
    task = bar.add_task(name, total=total, completed=done)
    bar.update(task, description=name)
    console.print(bar.get_renderable())
    return console.export_text()


@pytest.mark.parametrize("total", [10, 99_999])
def test_bar_keeps_its_width_beside_long_names(total: int) -> None:
    short, long = _line("a.fit", total // 2, total), _line(LONG, total // 2, total)
    assert short.count("\n") == long.count("\n") == 1, (short, long)  # one line each
    count = f"{total // 2}/{total}"
    assert short.index(count) == long.index(count)  # the bar ends at the same column
    assert long.rstrip().endswith("…") and LONG[:20] in long
