"""``legday inspect``: what is in a file, before anything is stored."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from legday.summary import activity_summary, channel_stats

from .common import (
    console,
    example,
    fmt_distance,
    fmt_duration,
    fmt_local,
    guarded,
    home,
    print_json,
)


@guarded
def inspect(
    file: Annotated[Path, typer.Argument(help="A .fit, .gpx or .tcx file, optionally .gz.")],
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Report a file's format, device, sport, start, duration, records, channels, laps,
    sessions and warnings. Exits 0 when the file was read (even with warnings)."""
    from legday.io.reader import read_all

    profile = home().profile()
    activities = read_all(file, profile_tz=profile.time_zone)
    sessions = []
    for activity in activities:
        info = activity_summary(activity)
        info["channels"] = channel_stats(activity)
        sessions.append(info)
    if json_out:
        print_json({"file": str(file), "sessions": sessions})
        return
    for i, info in enumerate(sessions, 1):
        # everything below comes from the file: escaped, so "[/oops]" or "[link=…]" in a
        # device or sport name is printed as written, never read as Rich markup
        sport = str(info["sport"]) + (f"/{info['sub_sport']}" if info["sub_sport"] else "")
        head = (
            f"[bold]{escape(file.name)}[/] session {i}/{len(sessions)}: "
            f"{escape(str(info['format']))} · {escape(str(info['device'] or 'unknown device'))}"
            f" · {escape(sport)}"
        )
        console.print(head)
        console.print(
            f"  start {fmt_local(info['local_start'], profile.time_zone)}  "
            f"duration {fmt_duration(info['duration_s'])}  "
            f"distance {fmt_distance(info['distance_m'], profile.units)}  "
            f"records {info['records']}  laps {len(info['laps'])}  sets {info['sets']}"
        )
        table = Table("channel", "count", "min", "max", "mean")
        for name, st in info["channels"].items():
            if st["count"] and name == "timestamp":  # time stamps on the athlete's clock
                first, last = (fmt_local(st[k], profile.time_zone, True) for k in ("min", "max"))
                table.add_row("time", str(st["count"]), first, last, "")
            elif st["count"]:
                table.add_row(
                    escape(name),
                    str(st["count"]),
                    f"{st['min']:.6g}",
                    f"{st['max']:.6g}",
                    f"{st['mean']:.6g}",
                )
        console.print(table)
        for warning in info["warnings"]:
            console.print(f"  [yellow]warning:[/] {escape(str(warning))}")


EPILOG = example("legday inspect morning-run.fit", "legday inspect export/12345.gpx.gz --json")
