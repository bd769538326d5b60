"""A big Strong CSV export for the big-log benchmark (issue 16, item 5): ``rows`` sets, 24 per
session (6 exercises × 4 sets), two sessions a day from 2026 back, loads growing slowly.

The file is written once per size and cached under ``bench/results/big-log`` (never committed).

    python bench/big_strength_log.py [--rows 1000000]   # prints the file's path
"""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta
from pathlib import Path

from legday.synth.strong_csv import STRONG_HEADER

CACHE = Path(__file__).parent / "results" / "big-log"
#: Each session's lifts (Strong's names) and their starting loads, kg.
LIFTS = (
    ("Squat (Barbell)", 60.0),
    ("Bench Press (Barbell)", 40.0),
    ("Deadlift (Barbell)", 80.0),
    ("Overhead Press (Barbell)", 30.0),
    ("Bent Over Row (Barbell)", 40.0),
    ("Romanian Deadlift (Barbell)", 60.0),
)
SETS_PER_LIFT = 4
SETS_PER_SESSION = len(LIFTS) * SETS_PER_LIFT


def big_strong_csv(rows: int = 1_000_000) -> Path:
    """The path of a Strong CSV of ``rows`` sets, written on first use."""
    path = CACHE / f"strong-{rows}.csv"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    sessions = -(-rows // SETS_PER_SESSION)
    first = datetime(2026, 1, 1, 7) - timedelta(hours=12 * sessions)
    partial = path.with_suffix(".partial")
    written = 0
    with partial.open("w", encoding="utf-8", newline="\n") as out:
        out.write(STRONG_HEADER + "\n")
        for k in range(sessions):
            date = (first + timedelta(hours=12 * k)).strftime("%Y-%m-%d %H:%M:%S")
            head = f"{date},W{k % 7},1h,"
            for name, base in LIFTS:
                load = base + 2.5 * ((k // 20) % 40)  # a 40-step climb, then back to the start
                for order in range(1, SETS_PER_LIFT + 1):
                    if written == rows:
                        break
                    reps = 5 + (k + order) % 4
                    out.write(f"{head}{name},{order},{load:g},{reps},0,0,,,\n")
                    written += 1
    partial.replace(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    print(big_strong_csv(parser.parse_args().rows))


if __name__ == "__main__":
    main()
