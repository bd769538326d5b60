"""``legday profile``: show and edit the athlete profile.

Single-user legday keeps it in legday.toml. On a coach's server each athlete has their own,
stored in the database (``athletes.profile``): the athlete sets it on their account page, and
the server's administrator with ``--athlete LOGIN`` (as ``legday users link`` names athletes).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from legday.errors import ConfigError
from legday.model import PROFILE_KEYS, AthleteProfile

from .common import DbOption, console, example, guarded, home, print_json

if TYPE_CHECKING:
    from legday.store.library import Library

app = typer.Typer(
    help="Show or edit your athlete profile (heart rate, days, equipment, units).",
    epilog=example(
        "legday profile show",
        "legday profile set hr_max=188 sex=f units=imperial",
        "legday profile set --athlete alice lthr=171",
    ),
    no_args_is_help=True,
)

AthleteOption = Annotated[
    str | None,
    typer.Option(
        "--athlete",
        help="An athlete's login on a coach's server (legday users): their profile, stored in "
        "the database, instead of legday.toml's.",
        show_default=False,
    ),
]


@contextmanager
def _athlete_library(login: str, db_url: str | None) -> Iterator[Library]:
    """The library of the athlete of user ``login`` in the server's database."""
    from legday.accounts.store import owner_library
    from legday.store.blobs import BlobStore
    from legday.store.db import open_database
    from legday.store.library import Library

    h = home()
    db = open_database(h.db_url(db_url))
    try:
        base = Library(db, BlobStore(h.path / "originals"), AthleteProfile(), h.settings())
        yield owner_library(base, login)
    finally:
        db.dispose()


def _show(profile: AthleteProfile, json_out: bool, title: str) -> None:
    data = profile.to_dict()
    if json_out:
        print_json(data)
        return
    table = Table(title=title, show_header=False)
    for key in PROFILE_KEYS:
        value = data[key]
        shown = ", ".join(value) if isinstance(value, list) else ("–" if value is None else value)
        table.add_row(key, str(shown))
    console.print(table)


def _edited(profile: AthleteProfile, pairs: list[str]) -> AthleteProfile:
    """``profile`` with each ``KEY=VALUE`` of ``pairs`` set (validated)."""
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise ConfigError(f"expected KEY=VALUE, got {pair!r}")
        profile = profile.with_value(key.strip(), value)
    return profile


@app.command(epilog=example("legday profile show --json", "legday profile show --athlete alice"))
@guarded
def show(
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    athlete: AthleteOption = None,
    db: DbOption = None,
) -> None:
    """Show the athlete profile."""
    if athlete is None:
        _show(home().profile(), json_out, "Athlete profile")
        return
    with _athlete_library(athlete, db) as lib:
        _show(lib.profile, json_out, f"{athlete}'s profile")


@app.command(
    name="set",
    help="Set one or more profile values. Keys: " + ", ".join(PROFILE_KEYS) + ".",
    epilog=example(
        "legday profile set hr_max=188 hr_rest=48 lthr=172",
        "legday profile set available_days=mon,wed,fri equipment=bodyweight,dumbbells",
        "legday profile set --athlete alice hr_max=192",
    ),
)
@guarded
def set_(
    pairs: Annotated[list[str], typer.Argument(help="KEY=VALUE pairs.", metavar="KEY=VALUE...")],
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the saved profile as JSON (as `show --json`).")
    ] = False,
    athlete: AthleteOption = None,
    db: DbOption = None,
) -> None:
    if athlete is None:
        h = home()
        profile = _edited(h.profile(), pairs)
        h.save_profile(profile)
        where = str(h.config_path)
    else:
        with _athlete_library(athlete, db) as lib:
            profile = _edited(lib.profile, pairs)
            lib.save_profile(profile)
        where = f"{athlete}'s stored profile"
    if json_out:
        print_json(profile.to_dict())
        return
    console.print(f"Saved profile to {where}")
