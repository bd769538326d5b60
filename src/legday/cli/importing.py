"""``legday import``: files, folders and export zips into the database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Column

from .common import DbOption, console, err_console, example, guarded, library, print_json

EPILOG = example(
    "legday import ~/Downloads/export_12345.zip",
    "legday import runs/ strong.csv --json",
)
#: Columns of the progress bar, and of the file name beside it (cut with … when longer).
NAME_WIDTH = 24


def progress_columns() -> tuple[ProgressColumn, ...]:
    """The import's progress line: a long file name is cut (…), never the bar, so both keep
    their width (one line on 80 columns up to 99,999 files)."""
    return (
        TextColumn("[bold]importing"),
        BarColumn(bar_width=NAME_WIDTH),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn(
            "{task.description}",
            table_column=Column(width=NAME_WIDTH, no_wrap=True, overflow="ellipsis"),
        ),
    )


@guarded
def import_(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Files (.fit .gpx .tcx, .gz, Strong/Hevy .csv), folders, "
            "Strava or Garmin export zips."
        ),
    ],
    json_out: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Worker processes (default: one per core).")
    ] = None,
    restore_removed: Annotated[
        bool,
        typer.Option(
            "--restore-removed",
            help="Store again the sessions you removed with `legday rm` (skipped otherwise).",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Import activities and lifting logs. A file imported twice is stored once; the same run
    from two exports is recognised as one; a session you removed stays removed. Exits 1 if
    any file failed."""
    lib = library(db)
    try:
        if json_out:
            summary = lib.import_paths(paths, workers=workers, restore_removed=restore_removed)
        else:
            with Progress(*progress_columns(), console=err_console, transient=True) as bar:
                task = bar.add_task("", total=None)

                def progress(done: int, total: int, name: str) -> None:
                    bar.update(
                        task, completed=done, total=total, description=escape(Path(name).name)
                    )

                summary = lib.import_paths(
                    paths, workers=workers, progress=progress, restore_removed=restore_removed
                )
        data = summary.to_dict()
        if json_out:
            from legday import serialise

            imported = (f["path"] for f in data["files"] if f["status"] == "imported")
            print_json(serialise.import_summary(data, lib.sessions_of_files(imported)))
    finally:
        lib.close()
    if not json_out:
        for f in summary.files:
            if f.status == "failed":
                err_console.print(f"[red]failed[/] {escape(f.error or f.path)}")
            print_removed(f.path, f.removed)
        console.print(
            f"{data['imported']} imported, {data['duplicates']} duplicates, "
            f"{data['failed']} failed; "
            f"{sum(f.sessions for f in summary.files)} sessions, "
            f"{sum(f.sets for f in summary.files)} sets, "
            f"{sum(f.skipped_rows for f in summary.files)} rows skipped"
        )
    if not summary.ok:
        raise typer.Exit(1)


def print_removed(path: str, removed: list[dict[str, str]]) -> None:
    """Say which sessions the user removed a file holds, by the day they were removed."""
    for action in ("skipped", "restored"):
        days: dict[str, list[str]] = {}
        for r in removed:
            if r["action"] == action:
                days.setdefault(r["removed_on"], []).append(r["id"])
        for day, ids in sorted(days.items()):
            shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
            what = "skipped: removed by you" if action == "skipped" else "restored: removed"
            hint = " (--restore-removed brings them back)" if action == "skipped" else ""
            console.print(escape(f"{Path(path).name}: {shown} {what} on {day}{hint}"))


REANALYZE_EPILOG = example("legday reanalyze", "legday reanalyze --json")


@guarded
def reanalyze(
    json_out: Annotated[
        bool, typer.Option("--json", help='Print JSON: {"reanalysed": sessions}.')
    ] = False,
    db: DbOption = None,
) -> None:
    """Recompute every stored analysis and verdict from the original files (after an upgrade
    of legday's models or a change to your profile or settings)."""
    lib = library(db)
    try:
        n = lib.reanalyze()
    finally:
        lib.close()
    if json_out:
        print_json({"reanalysed": n})
        return
    console.print(f"Reanalysed {n} sessions.")
