"""What every command shares: the consoles, error mapping, formatting for people."""

from __future__ import annotations

import functools
import json
import math
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from legday.errors import LegdayError
from legday.home import Home

if TYPE_CHECKING:
    from legday.store.library import Library

__all__ = [
    "DbOption",
    "console",
    "err_console",
    "example",
    "fmt_distance",
    "fmt_duration",
    "fmt_pace",
    "guarded",
    "home",
    "library",
    "print_json",
]

P = ParamSpec("P")
R = TypeVar("R")

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

#: Metres in a statute mile.
METRES_PER_MILE = 1609.344


def example(*lines: str) -> str:
    """The epilog that ends every command's --help: one or more example invocations."""
    return "Example:\n\n" + "\n\n".join(f"  $ {line}" for line in lines)


def guarded(fn: Callable[P, R]) -> Callable[P, R]:
    """Map :class:`LegdayError` to one line on stderr and exit code 1 — never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except LegdayError as exc:
            err_console.print(f"legday: error: {exc}", markup=False, soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper


def home() -> Home:
    return Home.resolve()


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (default: $LEGDAY_DB, else SQLite in the legday home). "
        "PostgreSQL: postgresql+psycopg://user@host/db",
        show_default=False,
    ),
]


def library(db_url: str | None = None) -> Library:
    """The athlete's library on the chosen database."""
    from legday.store.library import Library

    return Library.open(home(), db_url)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def print_json(data: Any) -> None:
    """Machine-readable output on stdout (NaN and inf become null)."""
    sys.stdout.write(json.dumps(_clean(data), indent=2, ensure_ascii=False, default=str) + "\n")


def fmt_duration(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds):
        return "–"
    s = round(seconds)
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def fmt_pace(speed_mps: float | None, units: str = "metric") -> str:
    """Minutes per km (or per mile) from a speed, as runners read it."""
    if speed_mps is None or not math.isfinite(speed_mps) or speed_mps < 0.3:
        return "–"
    metres = METRES_PER_MILE if units == "imperial" else 1000.0
    seconds = round(metres / speed_mps)
    return f"{seconds // 60}:{seconds % 60:02d}/{'mi' if units == 'imperial' else 'km'}"


def fmt_speed(speed_mps: float | None, units: str = "metric") -> str:
    """km/h (or mph) from a speed, as cyclists and other sports read it."""
    if speed_mps is None or not math.isfinite(speed_mps) or speed_mps < 0:
        return "–"
    if units == "imperial":
        return f"{speed_mps * 3600.0 / METRES_PER_MILE:.1f} mph"
    return f"{speed_mps * 3.6:.1f} km/h"


def fmt_distance(metres: float | None, units: str = "metric") -> str:
    if metres is None or not math.isfinite(metres):
        return "–"
    if units == "imperial":
        return f"{metres / METRES_PER_MILE:.2f} mi"
    return f"{metres / 1000:.2f} km"
