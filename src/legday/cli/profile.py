"""``legday profile``: show and edit the athlete profile."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from legday.errors import ConfigError
from legday.model import PROFILE_KEYS

from .common import console, example, guarded, home, print_json

app = typer.Typer(
    help="Show or edit your athlete profile (heart rate, days, equipment, units).",
    epilog=example("legday profile show", "legday profile set hr_max=188 sex=f units=imperial"),
    no_args_is_help=True,
)


@app.command(epilog=example("legday profile show --json"))
@guarded
def show(json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Show the athlete profile."""
    profile = home().profile()
    data = profile.to_dict()
    if json_out:
        print_json(data)
        return
    table = Table(title="Athlete profile", show_header=False)
    for key in PROFILE_KEYS:
        value = data[key]
        shown = ", ".join(value) if isinstance(value, list) else ("–" if value is None else value)
        table.add_row(key, str(shown))
    console.print(table)


@app.command(
    name="set",
    help="Set one or more profile values. Keys: " + ", ".join(PROFILE_KEYS) + ".",
    epilog=example(
        "legday profile set hr_max=188 hr_rest=48 lthr=172",
        "legday profile set available_days=mon,wed,fri equipment=bodyweight,dumbbells",
    ),
)
@guarded
def set_(
    pairs: Annotated[list[str], typer.Argument(help="KEY=VALUE pairs.", metavar="KEY=VALUE...")],
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the saved profile as JSON (as `show --json`).")
    ] = False,
) -> None:
    h = home()
    profile = h.profile()
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise ConfigError(f"expected KEY=VALUE, got {pair!r}")
        profile = profile.with_value(key.strip(), value)
    h.save_profile(profile)
    if json_out:
        print_json(profile.to_dict())
        return
    console.print(f"Saved profile to {h.config_path}")
