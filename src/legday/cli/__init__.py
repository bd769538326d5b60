"""The ``legday`` command line: a thin face over the library.

Each command parses its arguments, calls the library, renders with Rich, and maps
:class:`legday.LegdayError` to a one-line message and exit code 1.
"""

from __future__ import annotations

from typing import Annotated

import typer

from legday import __version__

from . import batch as _batch
from . import corrections as _corrections
from . import demo as _demo
from . import importing as _importing
from . import inspect as _inspect
from . import labels as _labels
from . import plan as _plan
from . import profile as _profile
from . import records as _records
from . import serve as _serve
from . import session as _session
from . import strength as _strength
from . import week as _week
from .common import OneLineErrors, example

app = typer.Typer(
    cls=OneLineErrors,
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


app.command(epilog=_demo.EPILOG)(_demo.demo)
app.command(epilog=_inspect.EPILOG)(_inspect.inspect)
app.command(name="import", epilog=_importing.EPILOG)(_importing.import_)
app.command(name="reanalyze", epilog=_importing.REANALYZE_EPILOG)(_importing.reanalyze)
app.command(epilog=_session.ANALYZE_EPILOG)(_session.analyze)
app.command(epilog=_session.VERDICT_EPILOG)(_session.verdict)
app.command(epilog=_strength.LOG_EPILOG)(_strength.log)
app.command(epilog=_strength.STRENGTH_EPILOG)(_strength.strength)
app.command(epilog=_corrections.RM_EPILOG)(_corrections.rm)
app.command(epilog=_corrections.EDIT_EPILOG)(_corrections.edit)
app.command(epilog=_week.EPILOG)(_week.week)
app.command(epilog=_records.EPILOG)(_records.records)
app.command(epilog=_plan.EPILOG)(_plan.plan)
app.command(epilog=_serve.EPILOG)(_serve.serve)
app.command(epilog=_batch.EPILOG)(_batch.batch)
app.command(name="batch-summary", epilog=_batch.SUMMARY_EPILOG)(_batch.batch_summary)
app.command(epilog=_labels.LABEL_EPILOG)(_labels.label)
app.add_typer(_labels.app, name="labels")
app.add_typer(_profile.app, name="profile")


def main() -> None:
    app()
