"""``legday batch`` and ``legday batch-summary``: the analysis over many files on Dask.

Dask, pyarrow and fsspec are an optional install (``legday[batch]``): they are imported only
when a batch command runs, and without them the command says how to install them.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from .common import console, err_console, example, fail, guarded, home, print_json

if TYPE_CHECKING:
    from legday.batch.run import BatchResult

EPILOG = example(
    "legday batch archive/ --out study/",
    "legday batch 'exports/*.zip' --out study/ --scheduler tcp://10.0.0.5:8786",
)
SUMMARY_EPILOG = example(
    "legday batch-summary study/", "legday batch-summary study/ --out weeks.parquet --json"
)

#: What a batch needs beyond legday's core, by the module each one installs.
_NEEDS = ("dask", "distributed", "pyarrow", "fsspec")
#: The install line when one is missing.
INSTALL_HINT = "legday batch needs Dask, pyarrow and fsspec: pip install 'legday[batch]'"

Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]
Scheduler = Annotated[
    str | None,
    typer.Option(
        "--scheduler", help="A running Dask scheduler (tcp://host:8786); default: a local cluster."
    ),
]


def _require_batch() -> None:
    if not all(_installed(name) for name in _NEEDS):
        fail(INSTALL_HINT)


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:  # an import hook that refuses it
        return False


@guarded
def batch(
    sources: Annotated[
        list[str],
        typer.Argument(
            help="Files, folders, zips or globs, local or any fsspec URL (s3://…); each file's "
            "athlete is the folder that holds it."
        ),
    ],
    out: Annotated[str, typer.Option("--out", help="The output folder (local or fsspec URL).")],
    scheduler: Scheduler = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes of the local cluster.")] = 2,
    chunk: Annotated[
        int | None,
        typer.Option(
            min=1, help="Files per task (a worker holds one chunk's rows); default: up to 64."
        ),
    ] = None,
    history: Annotated[
        bool,
        typer.Option(
            "--history/--no-history",
            help="Judge each run against its athlete's earlier runs, as `legday analyze` does "
            "after `legday import` (two more passes over the files).",
        ),
    ] = True,
    blocks: Annotated[
        bool,
        typer.Option(
            "--blocks", help="Also write a row per block of a run (work, recovery…) in OUT/blocks."
        ),
    ] = False,
    json_out: Json = False,
) -> None:
    """Analyse and judge every file with the same functions as `legday import`, on Dask, into a
    Parquet table (a row per session, by athlete) in OUT/activities. A file that fails is a row
    with its error; a re-run skips the files already done (by content hash). Each run is judged
    against your profile and settings and its athlete's history (the other files of its
    folder)."""
    _require_batch()
    from legday.batch import run_batch

    def started(dashboard: str | None) -> None:
        if dashboard and not json_out:
            err_console.print(f"Dask dashboard: {escape(dashboard)}")

    h = home()
    result = run_batch(
        sources,
        out,
        profile=h.profile(),
        settings=h.settings(),
        scheduler=scheduler,
        workers=workers,
        chunk_size=chunk,
        on_start=started,
        progress=not json_out,
        history=history,
        blocks=blocks,
    )
    _report(result, out, json_out)


def _report(result: BatchResult, out: str, json_out: bool) -> None:
    if json_out:
        print_json(result.to_dict())
        return
    c = result.counts
    console.print(
        f"{c.files} files analysed ({c.failed} failed), {c.rows} rows, "
        f"{c.skipped} already done; the table: {escape(out.rstrip('/'))}/activities"
    )


@guarded
def batch_summary(
    folder: Annotated[str, typer.Argument(help="The output folder of `legday batch`.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the summary as a Parquet file.")
    ] = None,
    json_out: Json = False,
) -> None:
    """A row per athlete and week: runs by kind, power minutes, strength sessions, leg days and
    R8–R11 (met, broken, n/a; "unknown" for an athlete with no strength session in the table:
    watch files alone do not show lifting, a lifting log does)."""
    _require_batch()
    import pyarrow.parquet as pq

    from legday.batch.summary import RULE_IDS, summarise, summary_table

    h = home()
    rows = summarise(folder, profile=h.profile(), settings=h.settings())
    if out is not None:
        pq.write_table(summary_table(rows), out)
    if json_out:
        print_json(rows)
        return
    table = Table("athlete", "week", "runs", "power min", "strength", "leg days", *RULE_IDS)
    for r in rows:
        table.add_row(
            escape(r["athlete"]),
            r["week"],
            str(r["runs"]),
            f"{r['power_min']:.0f}",
            str(r["strength_sessions"]),
            str(r["leg_days"]),
            *(r[rule.lower()] for rule in RULE_IDS),
        )
    console.print(table)
    if out is not None:
        console.print(f"written to {escape(str(out))}")
