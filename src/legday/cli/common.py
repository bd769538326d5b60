"""What every command shares: the consoles, error mapping, formatting for people."""

from __future__ import annotations

import errno
import functools
import importlib
import math
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, ParamSpec, TypeVar

import typer
from rich.console import Console
from typer.core import TyperGroup

from legday.config import DEBUG
from legday.errors import ConfigError, LegdayError
from legday.home import Home

if TYPE_CHECKING:
    from legday.store.library import Library

__all__ = [
    "DEBUG_ENV",
    "DbOption",
    "OneLineErrors",
    "console",
    "describe_failure",
    "err_console",
    "example",
    "fmt_distance",
    "fmt_duration",
    "fmt_kg",
    "fmt_pace",
    "guarded",
    "home",
    "library",
    "parse_when",
    "print_json",
]

#: click's exceptions: click's own, or those of the copy of click inside typer ≥ 0.29.
_click = importlib.import_module(typer.BadParameter.__module__)
#: Raised by a group called without a command (click ≥ 8.2): its help is the answer.
_NO_ARGS_IS_HELP: Any = getattr(_click, "NoArgsIsHelpError", None)

P = ParamSpec("P")
R = TypeVar("R")

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

#: Metres in a statute mile.
METRES_PER_MILE = 1609.344


def example(*lines: str) -> str:
    """The epilog that ends every command's --help: one or more example invocations."""
    return "Example:\n\n" + "\n\n".join(f"  $ {line}" for line in lines)


#: Set to 1 to let an unexpected error through with its traceback (for a bug report).
DEBUG_ENV = DEBUG.name


def say_error(message: str) -> None:
    """``legday: error: …`` on stderr, never wrapped (one line however narrow the terminal)."""
    err_console.print(f"legday: error: {message}", markup=False, soft_wrap=True)


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr (:func:`say_error`) and exit ``code``."""
    say_error(message)
    raise typer.Exit(code)


def guarded(fn: Callable[P, R]) -> Callable[P, R]:
    """Run a command so that it fails with one line on stderr and exit code 1, never a
    traceback (:func:`describe_failure` says what went wrong), and so that numpy's warnings
    (an all-NaN slice, a division by zero already handled) never reach the terminal."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort, _click.ClickException):
            raise
        except Exception as exc:  # the boundary: what is left of any failure is one line
            if os.environ.get(DEBUG_ENV) and not isinstance(exc, LegdayError):
                raise
            fail(describe_failure(exc))

    return wrapper


def describe_failure(exc: Exception) -> str:
    """What went wrong, in one sentence a user can act on.

    legday's own errors say it already; a database's error names the database problem (damaged,
    read-only, changed outside legday); a file system error names the path; anything else is a
    bug, said as such (``LEGDAY_DEBUG=1`` shows its traceback). Only a LogSyntaxError keeps more
    than one line: it draws a caret under the bad entry."""
    if isinstance(exc, LegdayError):
        return str(exc)
    if type(exc).__module__.startswith(("sqlalchemy", "sqlite3")):  # the ORM's, or sqlite3's
        return _database_failure(exc)  # (legday.store.quick reads SQLite with sqlite3 alone)
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        what = exc.strerror or str(exc)
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return f"{where}{what}: legday cannot write there (set LEGDAY_HOME to a folder you own)"
        return f"{where}{what}"
    first = (str(exc).strip().splitlines() or [""])[0]
    return (
        f"unexpected {type(exc).__name__}: {first} — a bug in legday; please report it "
        f"({DEBUG_ENV}=1 shows where)"
    )


def _database_failure(exc: Exception) -> str:
    orig = getattr(exc, "orig", None) or exc
    reason = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    lowered = reason.lower()
    if "readonly database" in lowered or "read-only" in lowered:
        return f"the database is read-only: this command writes to it ({reason})"
    if "no such column" in lowered or "no such table" in lowered or "does not exist" in lowered:
        return (
            f"the database does not match this legday's schema ({reason}): it was changed "
            "outside legday; restore a backup, or move it aside to start a new one"
        )
    if "not a database" in lowered or "malformed" in lowered:
        return f"the database is damaged ({reason}): restore a backup, or move it aside"
    return f"database error: {reason}"


def _flags_without_metavar() -> None:
    """A flag takes no value, so its help names none: Typer 0.2x writes ``<bool>`` beside every
    flag (``--json <bool>``), which reads as if it wanted one. Options with a value keep theirs."""
    from typer.core import TyperOption

    shown = TyperOption.display_type_rich
    if getattr(shown, "legday_flags", False):
        return

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag and self.metavar is None else shown(self, ctx)

    display_type_rich.legday_flags = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_flags_without_metavar()


def _plain_values_as_given() -> None:
    """Typer ≥ 0.26 coerces each parameter's value with a Pydantic TypeAdapter that it builds
    on first use, even for a value it hands back unchanged: an option not given (None), a
    string where a string is wanted, an int default where an int is wanted. Building the first
    adapter imports Pydantic, ~0.2 s of every command's start (issue 18). Those values skip the
    adapter here, as Typer already lets a bool flag's bool through; any other value (a number
    or date typed on the command line, a choice, a path, a bad value and its message) still
    goes through Typer's own coercion. ``tests/test_startup.py`` checks that both agree."""
    try:
        from typer._coercion import RuntimeParam
        from typer.core import _TyperParameter
    except ImportError:  # an older Typer, without Pydantic
        return
    process = _TyperParameter.process_value
    if getattr(process, "legday_plain", False):
        return

    class AsGiven(RuntimeParam):
        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            return value

    def process_value(self: _TyperParameter, ctx: Any, value: Any) -> Any:
        if self._runtime_param is not None or not as_given(self, value):
            return process(self, ctx, value)
        desc = self.type_descriptor
        self._runtime_param = AsGiven(
            parameter_info=desc.parameter_info, annotation=desc.annotation
        )
        try:
            return process(self, ctx, value)
        finally:
            self._runtime_param = None

    process_value.legday_plain = True  # type: ignore[attr-defined]
    _TyperParameter.process_value = process_value  # type: ignore[method-assign]


def as_given(param: Any, value: Any) -> bool:
    """Whether Typer's coercion would hand ``value`` back unchanged for ``param``, without
    building its adapter: None (not given), a str for a plain ``str``, an int for a plain
    ``int`` (no parser, no bounds)."""
    if value is None:
        return True
    info = param.type_descriptor.parameter_info
    annotation = param.type_descriptor.annotation
    if param.multiple or param.nargs != 1 or info.parser is not None:
        return False
    if param.type_descriptor.file_annotation is not None:
        return False
    if annotation is str:
        return type(value) is str
    if annotation is int:
        bounded = info.min is not None or info.max is not None or info.clamp
        return type(value) is int and not bounded
    return False


_plain_values_as_given()


class OneLineErrors(TyperGroup):
    """The root command group: a bad option or argument is one line on stderr too
    (``legday: error: No such option: --x (see `legday week --help`)``), not a usage box, and
    so is an error a command let through (one without :func:`guarded`)."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except _click.ClickException as exc:
            if _NO_ARGS_IS_HELP is not None and isinstance(exc, _NO_ARGS_IS_HELP):
                from typer import rich_utils  # a group alone: its help, as asked

                rich_utils.rich_format_error(exc)
                sys.exit(exc.exit_code)
            ctx = getattr(exc, "ctx", None)
            hint = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
            message = " ".join(exc.format_message().split())
            say_error(f"{message}{hint}")
            sys.exit(exc.exit_code)
        except typer.Abort:
            err_console.print("legday: aborted", markup=False)
            sys.exit(1)
        except Exception as exc:  # a command without @guarded: still one line
            if os.environ.get(DEBUG_ENV):
                raise
            say_error(describe_failure(exc))
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)


def parse_day(value: str | None) -> date | None:
    """``--date`` as a day (YYYY-MM-DD): the week it falls in, for ``week`` and ``roster``;
    None when not given."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"expected YYYY-MM-DD, got {value!r}") from None


def parse_when(value: str | None) -> datetime | date | None:
    """``--date`` as a person types it: YYYY-MM-DD (a date) or YYYY-MM-DDTHH:MM (a local time,
    or with an offset); None when not given."""
    if value is None:
        return None
    try:
        if len(value.strip()) == 10:
            return date.fromisoformat(value.strip())
        return datetime.fromisoformat(value.strip())
    except ValueError:
        raise typer.BadParameter(
            f"expected YYYY-MM-DD or YYYY-MM-DDTHH:MM, got {value!r}", param_hint="--date"
        ) from None


def home() -> Home:
    """The legday home; a home that exists but is not a folder is refused at once."""
    where = Home.resolve()
    if where.path.exists() and not where.path.is_dir():
        raise ConfigError(
            f"the legday home {where.path} is not a folder: set LEGDAY_HOME to a folder"
        )
    return where


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


def print_json(data: Any) -> None:
    """Machine-readable output on stdout (NaN and inf become null; see
    :mod:`legday.serialise` for the vocabulary)."""
    from legday.serialise import dumps

    sys.stdout.write(dumps(data, indent=2) + "\n")


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


def fmt_kg(kg: float | None) -> str:
    """A load in kg, as short as it goes; "–" when unknown or not finite (never "inf")."""
    if kg is None or not math.isfinite(kg):
        return "–"
    return f"{kg:g}"


#: The foot, m (exact by the international yard and pound agreement, 1959).
METRES_PER_FOOT = 0.3048


def fmt_ascent(metres: float | None, units: str = "metric") -> str:
    """``57 m``, or ``187 ft`` in imperial units; ``0 m`` when not recorded."""
    value = metres if metres is not None and math.isfinite(metres) else 0.0
    return f"{value / METRES_PER_FOOT:.0f} ft" if units == "imperial" else f"{value:.0f} m"


def fmt_local(moment: datetime | float | str, time_zone: str, clock: bool = False) -> str:
    """A moment (an aware datetime, POSIX seconds or an ISO 8601 string with its offset) on the
    athlete's clock: ``Tue 2026-11-17 07:32 CET``, or ``07:32:05 CET`` with ``clock``."""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    elif not isinstance(moment, datetime):
        moment = datetime.fromtimestamp(moment, UTC)
    local = moment.astimezone(ZoneInfo(time_zone))
    return local.strftime("%H:%M:%S %Z" if clock else "%a %Y-%m-%d %H:%M %Z")


def fmt_distance(metres: float | None, units: str = "metric") -> str:
    if metres is None or not math.isfinite(metres):
        return "–"
    if units == "imperial":
        return f"{metres / METRES_PER_MILE:.2f} mi"
    return f"{metres / 1000:.2f} km"
