"""``legday backup`` and ``legday restore``: the database and the originals in one archive
(:mod:`legday.store.backup`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import DbOption, console, example, guarded, home, print_json

BACKUP_EPILOG = example(
    "legday backup legday-2026-12-08.tar",
    "legday backup nightly.tar.gz --db postgresql+psycopg://db/legday",
)
RESTORE_EPILOG = example(
    "legday restore legday-2026-12-08.tar",
    "legday restore nightly.tar.gz --db postgresql+psycopg://db/legday --force",
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print a JSON summary.")]


def _megabytes(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


@guarded
def backup(
    file: Annotated[
        Path,
        typer.Argument(
            help="The archive to write (a tar; .tar.gz or .tar.xz compress it).",
            show_default=False,
        ),
    ],
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Back up the database and every original file into one archive: pg_dump's custom format
    on PostgreSQL, SQLite's online backup on SQLite, each consistent while legday runs, with a
    manifest naming legday's version and the schema. `legday restore` reads it back."""
    from legday.store.backup import backup as run

    where = home()
    summary = run(where.db_url(db), where.path / "originals", file)
    if json_out:
        print_json(summary.to_dict())
        return
    m = summary.manifest
    console.print(
        f"Backed up {summary.database} ({m.backend.label}, schema {m.schema}) and "
        f"{m.originals} originals ({_megabytes(m.originals_bytes)}) to {summary.archive}: "
        f"{_megabytes(summary.archive_bytes)} in {summary.seconds:.1f} s.",
        soft_wrap=True,
    )


@guarded
def restore(
    file: Annotated[
        Path, typer.Argument(help="An archive `legday backup` wrote.", show_default=False)
    ],
    db: DbOption = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace a database that holds data with the archive's."),
    ] = False,
    json_out: JsonOption = False,
) -> None:
    """Restore an archive of `legday backup`: the database (upgraded when the archive is from
    an older legday) and the original files into the home. Refuses a database that holds data
    unless --force, an archive of the other back end or of a newer legday, and a truncated or
    damaged archive, before it changes anything."""
    from legday.store.backup import restore as run

    where = home()
    summary = run(file, where.db_url(db), where.path / "originals", force=force)
    if json_out:
        print_json(summary.to_dict())
        return
    m = summary.manifest
    upgraded = f", upgraded to {summary.schema}" if summary.schema != m.schema else ""
    console.print(
        f"Restored {summary.archive} (legday {m.legday_version}, {m.created}) into "
        f"{summary.database}: schema {m.schema}{upgraded}, {m.originals} originals "
        f"({summary.originals_new} new){', replacing its data' if summary.replaced else ''}.",
        soft_wrap=True,
    )
