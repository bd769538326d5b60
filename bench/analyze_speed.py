"""Time ``legday.analysis.analyze`` on hour-long runs (target: median < 30 ms).

Seeded synthetic hour-long sessions of several kinds (1-s recording, every sensor), each
analysed ``--repeat`` times after a warm-up; prints the median and the 90th percentile.

    .venv/bin/python bench/analyze_speed.py
    .venv/bin/python bench/analyze_speed.py --runs 12 --repeat 7
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np

from legday.analysis import analyze

#: Kinds timed; easy, strides and long runs are set to last an hour, the others last as long
#: as their programs (35–85 min).
KINDS = ("easy", "intervals", "tempo", "hill_repeats", "fartlek", "strides", "long", "mixed")


def main(argv: Sequence[str] | None = None) -> int:
    from legday.synth import Device, SyntheticAthlete, make_run

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    times: list[float] = []
    lengths: list[float] = []
    hour: list[float] = []
    for i in range(args.runs):
        kind = KINDS[i % len(KINDS)]
        athlete = SyntheticAthlete.sample(rng)
        options = {"duration_s": 3600.0} if kind in ("easy", "strides", "long") else {}
        run = make_run(kind, athlete, Device(), datetime(2026, 5, 1, 7, tzinfo=UTC), rng, **options)
        profile = athlete.profile()
        analyze(run.activity, profile)  # warm-up
        minutes = run.activity.duration_s / 60
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            analyze(run.activity, profile)
            times.append(time.perf_counter() - t0)
            if 55 <= minutes <= 65:
                hour.append(times[-1])
        lengths.append(minutes)
    ms = 1000 * np.asarray(times)
    print(
        f"analyze(): {len(times)} timings over {args.runs} runs of "
        f"{min(lengths):.0f}-{max(lengths):.0f} min (median {np.median(lengths):.0f} min)"
    )
    print(
        f"median {np.median(ms):.1f} ms, p90 {np.percentile(ms, 90):.1f} ms, max {ms.max():.1f} ms"
    )
    if hour:
        print(f"hour-long runs (55-65 min): median {1000 * float(np.median(hour)):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
