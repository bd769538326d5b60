"""Import speed: 1,000 hour-long runs and a 5,000-set strength log into SQLite, then the week.

Goals (issue 7): the whole import, analysis and verdict included, in under 60 s on a 2-core
machine; ``legday week`` on that database in under 300 ms (Python start-up reported apart).

The archive is generated once by the synthetic runner (real FIT files from the official SDK's
encoder, each a different hour-long run) and cached under ``bench/results/import-archive``.

    python bench/import_speed.py [--runs 1000] [--sets 5000] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from legday.settings import Settings
from legday.store.blobs import BlobStore
from legday.store.db import open_database
from legday.store.library import Library
from legday.synth import (
    Device,
    SyntheticAthlete,
    make_run,
    make_strength_session,
    write_fit,
    write_strong_csv,
)

CACHE = Path(__file__).parent / "results" / "import-archive"
KINDS = ("easy", "easy", "long", "tempo", "intervals", "hill_repeats", "fartlek", "recovery")
FIRST_DAY = datetime(2023, 1, 2, 7, tzinfo=UTC)


def _write_run(i: int) -> None:
    athlete = SyntheticAthlete.default()
    rng = np.random.default_rng(i)
    kind = KINDS[i % len(KINDS)]
    options = {"duration_s": 3600.0} if kind in ("easy", "recovery", "long") else {}
    run = make_run(kind, athlete, Device.clean(), FIRST_DAY + timedelta(days=i), rng, **options)
    (CACHE / f"run-{i:05d}.fit").write_bytes(write_fit(run.activity))


def build_archive(runs: int, sets: int) -> Path:
    marker = CACHE / f".complete-{runs}-{sets}"
    if marker.exists():
        return CACHE
    shutil.rmtree(CACHE, ignore_errors=True)
    CACHE.mkdir(parents=True)
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(_write_run, range(runs), chunksize=8))
    athlete = SyntheticAthlete.default()
    rng = np.random.default_rng(0)
    sessions = []
    total = 0
    day = 0
    while total < sets:
        start = FIRST_DAY + timedelta(days=day, hours=11)
        kind = ("lower", "upper", "full")[day % 3]
        session = make_strength_session(athlete, start, rng, kind, week=day // 7)
        sessions.append(session)
        total += len(session.sets)
        day += 1
    (CACHE / "strong.csv").write_text(write_strong_csv(sessions), encoding="utf-8")
    marker.touch()
    print(f"generated {runs} runs and {total} sets in {time.perf_counter() - t0:.0f} s")
    return CACHE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--sets", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    archive = build_archive(args.runs, args.sets)
    size = sum(p.stat().st_size for p in archive.iterdir())
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        lib = Library(
            db=open_database(url),
            blobs=BlobStore(Path(tmp) / "originals"),
            profile=SyntheticAthlete.default().profile(),
            settings=Settings(),
        )
        t0 = time.perf_counter()
        summary = lib.import_paths([archive], workers=args.workers)
        elapsed = time.perf_counter() - t0
        data = summary.to_dict()
        sessions = sum(f.sessions for f in summary.files)
        n_sets = sum(f.sets for f in summary.files)
        print(
            f"import: {data['imported']} files ({size / 1e6:.0f} MB), {sessions} sessions, "
            f"{n_sets} sets, {data['failed']} failed in {elapsed:.1f} s "
            f"({elapsed / max(args.runs, 1) * 1000:.1f} ms a run, {args.workers} workers) "
            f"— goal < 60 s"
        )
        t0 = time.perf_counter()
        again = lib.import_paths([archive], workers=args.workers).to_dict()
        print(f"re-import: {again['duplicates']} duplicates in {time.perf_counter() - t0:.1f} s")
        last = FIRST_DAY.date() + timedelta(days=args.runs - 1)
        times = []
        for _ in range(7):
            t0 = time.perf_counter()
            lib.week(last)
            times.append(time.perf_counter() - t0)
        print(f"week (in process): median {statistics.median(times) * 1000:.0f} ms — goal < 300 ms")
        lib.close()
        env = {**os.environ, "LEGDAY_HOME": tmp}
        cli = [sys.executable, "-m", "legday"]
        t0 = time.perf_counter()
        subprocess.run([*cli, "--version"], env=env, check=True, capture_output=True)
        startup = time.perf_counter() - t0
        t0 = time.perf_counter()
        subprocess.run(
            [*cli, "week", "--date", last.isoformat(), "--json", "--db", url],
            env=env,
            check=True,
            capture_output=True,
        )
        whole = time.perf_counter() - t0
        print(
            f"legday week as a command: {whole * 1000:.0f} ms, of which Python and legday "
            f"start-up ({startup * 1000:.0f} ms for `legday --version`)"
        )


if __name__ == "__main__":
    main()
