"""``legday demo``: a synthetic runner, end to end, on the embedded defaults."""

from __future__ import annotations

import shutil
import time
from typing import Annotated

import typer
from rich.table import Table

from .common import console, example, fmt_distance, fmt_duration, guarded, home

EPILOG = example("legday demo", "legday demo --weeks 4 --seed 7")


@guarded
def demo(
    weeks: Annotated[int, typer.Option(min=1, max=52, help="Weeks of history to generate.")] = 8,
    seed: Annotated[
        int, typer.Option(help="Random seed: the same seed gives the same runner.")
    ] = 0,
) -> None:
    """Generate a sample runner (FIT, GPX and TCX runs, a Strong CSV of lifts) into a fresh
    folder in the legday home, then read every file and show the sessions."""
    from legday.io.reader import read
    from legday.io.strength_csv import read_strength_csv
    from legday.synth import generate_history, write_history

    t0 = time.perf_counter()
    folder = home().path / "demo" / f"seed-{seed}"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    history = generate_history(weeks=weeks, seed=seed)
    paths = write_history(history, folder, formats=("fit", "gpx", "tcx"))
    t_gen = time.perf_counter() - t0
    console.print(
        f"Generated {len(history.runs)} runs and {len(history.strength)} strength sessions "
        f"for {history.athlete.name} in {folder} ({t_gen:.1f} s)"
    )

    table = Table(title="Sessions read back from the files")
    for col in ("date", "file", "sport", "duration", "distance", "avg HR"):
        table.add_column(
            col, justify="right" if col in ("duration", "distance", "avg HR") else "left"
        )
    rows: list[tuple[str, str, str, str, str, str]] = []
    for path in sorted(paths):
        if path.name.endswith(".truth.json"):
            continue
        if path.suffix == ".csv":
            imported = read_strength_csv(path)
            for session in imported.sessions:
                minutes = fmt_duration(session.duration_s)
                rows.append(
                    (
                        session.start.date().isoformat(),
                        path.name,
                        "strength",
                        minutes,
                        f"{len(session.sets)} sets",
                        "–",
                    )
                )
            continue
        activity = read(path)
        hr = activity.samples["heart_rate_bpm"]
        import numpy as np

        finite = hr[np.isfinite(hr)]
        rows.append(
            (
                activity.local_start.date().isoformat(),
                path.name,
                activity.sport,
                fmt_duration(activity.duration_s),
                fmt_distance(activity.distance_m),
                f"{finite.mean():.0f}" if finite.size else "–",
            )
        )
    for row in sorted(rows):
        table.add_row(*row)
    console.print(table)
    console.print(f"Done in {time.perf_counter() - t0:.1f} s.")
