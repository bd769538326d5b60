"""Import near the floor (issue 18, item 2): a long archive into a fresh home, beside the floor.

The archive is ``bench/archive.py``'s (N runs as FIT, GPX and TCX, some zipped, a Strava export
zip and a Strong CSV; cached). In one run this measures:

- **the floor**: the pure read + analyse + judge of the same files (every input the importer
  discovers, through :func:`legday.store.work.decode_item`) in this one process, divided by the
  number of workers the import uses;
- ``legday import`` of the whole archive into a fresh SQLite home (and PostgreSQL when
  ``$LEGDAY_TEST_PG_URL`` is set): wall time, CPU (workers included) and peak RSS of the
  process tree (the sum over the importer and its workers, sampled from ``/proc``);
- the same import again (every file a duplicate);
- ``legday reanalyze`` of everything;
- the stored samples' bytes per run beside the original file's, and the database's size per
  1,000 runs (issue 18, item 3).

Goals: import ≤ 1.5× the floor, peak RSS < 500 MB whatever the size, re-import ≤ 5 s,
reanalyze ≤ 1.5× the floor.

    python bench/import_speed.py [--runs 500] [--workers 2] [--skip-reanalyze]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from subprocess import PIPE

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parent))
from archive import _athlete, build_archive
from legday.home import Home
from legday.settings import Settings
from legday.store.blobs import BlobStore
from legday.store.db import open_database
from legday.store.importer import Importer
from legday.store.schema import ActivityRow, FileRow
from legday.store.work import WorkItem, decode_item

#: Goals of issue 18, item 2.
GOAL_IMPORT_X_FLOOR = 1.5
GOAL_RSS_MB = 500.0
GOAL_REIMPORT_S = 5.0
GOAL_REANALYZE_X_FLOOR = 1.5
#: How often the process tree's RSS is sampled, s.
RSS_EVERY_S = 0.2
#: Runs ``legday ARGS`` and prints its CPU (user + system, children included).
_MEASURED = """
import resource, subprocess, sys
done = subprocess.run([sys.executable, "-m", "legday", *sys.argv[1:]], stdout=subprocess.DEVNULL)
used = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{used.ru_utime + used.ru_stime:.2f}")
sys.exit(done.returncode)
"""


@dataclass
class Step:
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    outcome: str


def _tree_rss_kib(root: int) -> int:
    """Resident KiB of ``root`` and every process below it (from ``/proc``)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as fh:
                fields = dict(line.split(":", 1) for line in fh if ":" in line)
        except OSError:
            continue
        parents[int(entry)] = int(fields.get("PPid", "0").strip())
        rss[int(entry)] = int(fields.get("VmRSS", "0 kB").split()[0])
    tree, frontier = {root}, [root]
    while frontier:
        here = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == here and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    return sum(rss.get(pid, 0) for pid in tree)


def run_legday(args: list[str], env: dict[str, str]) -> Step:
    """``legday ARGS`` in a child: wall time, CPU and the peak RSS of its process tree."""
    t0 = time.perf_counter()
    command = [sys.executable, "-c", _MEASURED, *args]
    child = subprocess.Popen(command, env=env, stdout=PIPE, stderr=PIPE, text=True)
    peak = [0]

    def sample() -> None:
        while child.poll() is None:
            peak[0] = max(peak[0], _tree_rss_kib(child.pid))
            time.sleep(RSS_EVERY_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = child.communicate()
    wall = time.perf_counter() - t0
    sampler.join()
    lines = out.strip().splitlines()
    cpu = float(lines[-1]) if lines else float("nan")
    outcome = "ok" if child.returncode == 0 else f"exit {child.returncode}: {err[-300:]}"
    return Step(wall, cpu, peak[0] / 1024, outcome)


@dataclass
class Floor:
    """Reading, analysing and judging every file in one process, divided by the workers."""

    wall_s: float
    cpu_s: float
    files: int
    workers: int


def floor(archive: Path, home: Home, workers: int) -> Floor:
    """The work of an import without its database: every input the importer finds read,
    analysed and judged (against no history, as an import into a fresh home judges them)."""
    importer = Importer(None, BlobStore(home.path / "unused"))  # type: ignore[arg-type]
    profile, settings = home.profile(), home.settings()
    wall = cpu = 0.0
    files = 0
    for item in importer.discover([archive]):  # one file in memory at a time, as an import
        if isinstance(item, WorkItem):
            t0, c0 = time.perf_counter(), time.process_time()
            decode_item(item, profile, settings, [], {})
            wall, cpu = wall + time.perf_counter() - t0, cpu + time.process_time() - c0
            files += 1
    return Floor(wall / workers, cpu / workers, files, workers)


def storage(url: str) -> dict[str, tuple[int, int, int]]:
    """By source format: (runs, bytes of their stored samples, bytes of their original
    files), in the database at ``url``."""
    db = open_database(url)
    with db.session() as s:
        rows = s.execute(
            sa.select(
                ActivityRow.source_format,
                sa.func.count(ActivityRow.id),
                sa.func.sum(sa.func.length(ActivityRow.samples)),
                sa.func.sum(FileRow.size),
            )
            .join(FileRow, FileRow.id == ActivityRow.file_id)
            .group_by(ActivityRow.source_format)
        ).all()
    db.dispose()
    return {f: (int(n), int(samples or 0), int(size or 0)) for f, n, samples, size in rows}


def db_bytes(url: str, sqlite_file: Path | None) -> int:
    if sqlite_file is not None:
        return sqlite_file.stat().st_size
    db = open_database(url)
    with db.session() as s:
        size = int(s.scalar(sa.text("SELECT pg_database_size(current_database())")))
    db.dispose()
    return size


def _verdict(value: float, goal: float, below: bool = True) -> str:
    return "met" if (value <= goal if below else value < goal) else "missed"


def measure_back_end(
    name: str,
    url: str | None,
    archive: Path,
    seed: int,
    workers: int,
    floor: Floor,
    runs: int,
    reanalyze: bool,
) -> None:
    with tempfile.TemporaryDirectory(prefix=f"legday-import-{name}-") as tmp:
        home = Home(Path(tmp))
        home.save_profile(_athlete(seed).profile())
        env = {**os.environ, "LEGDAY_HOME": tmp}
        env.pop("LEGDAY_DB", None)
        db = ["--db", url] if url else []
        db_url = url or home.db_url(None)
        sqlite_file = None if url else Path(db_url.removeprefix("sqlite:///"))
        command = ["import", str(archive), "--json", "--workers", str(workers), *db]
        imported = run_legday(command, env)
        report(name, "import", imported, floor, GOAL_IMPORT_X_FLOOR)
        again = run_legday(command, env)
        print(
            f"[{name}] re-import  {again.wall_s:7.1f} s wall ({again.cpu_s:6.1f} s CPU), peak RSS "
            f"{again.peak_rss_mb:5.0f} MB (goal ≤ {GOAL_REIMPORT_S:.0f} s: "
            f"{_verdict(again.wall_s, GOAL_REIMPORT_S)}) {again.outcome}",
            flush=True,
        )
        for fmt, (n, samples, originals) in sorted(storage(db_url).items()):
            print(
                f"[{name}] storage    {fmt}: {n} runs, samples {samples / n / 1e3:.1f} kB a run "
                f"vs its original {originals / n / 1e3:.1f} kB ({samples / originals:.2f}×; "
                f"goal ≤ 1×: {_verdict(samples / originals, 1.0)})",
                flush=True,
            )
        size = db_bytes(db_url, sqlite_file)
        blobs = sum(p.stat().st_size for p in (home.path / "originals").rglob("*.bin"))
        print(
            f"[{name}] storage    database {size / 1e6:.1f} MB = "
            f"{size / runs * 1000 / 1e6:.0f} MB per 1,000 runs; originals kept beside it "
            f"{blobs / 1e6:.0f} MB",
            flush=True,
        )
        if reanalyze:
            redo = run_legday(["reanalyze", *db], env)
            report(name, "reanalyze", redo, floor, GOAL_REANALYZE_X_FLOOR)


def report(name: str, label: str, step: Step, floor: Floor, goal: float) -> None:
    """A step beside the floor: wall over wall, and the CPU of all its processes over the
    floor's one process (what the wall ratio would be on cores nobody else uses; the fairer
    figure on a machine other jobs load)."""
    wall_x = step.wall_s / floor.wall_s
    cpu_x = step.cpu_s / (floor.cpu_s * floor.workers)
    print(
        f"[{name}] {label:<10} {step.wall_s:7.1f} s wall ({step.cpu_s:6.1f} s CPU), peak RSS "
        f"{step.peak_rss_mb:5.0f} MB — {wall_x:.2f}× the floor's wall, CPU {cpu_x:.2f}× "
        f"(goal ≤ {goal}×: {_verdict(wall_x, goal)}; RSS goal < {GOAL_RSS_MB:.0f} MB: "
        f"{_verdict(step.peak_rss_mb, GOAL_RSS_MB, False)}) {step.outcome}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-reanalyze", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    options = parser.parse_args()
    archive = build_archive(options.runs, options.seed)
    size = sum(p.stat().st_size for p in archive.path.rglob("*") if p.is_file())
    print(f"{archive.path.name}: {archive.runs} runs, {archive.strength_sessions} lifting "
          f"sessions, {size / 1e6:.0f} MB; {options.workers} workers, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="legday-floor-") as tmp:
        home = Home(Path(tmp))
        home.save_profile(_athlete(options.seed).profile())
        assert isinstance(home.settings(), Settings)
        least = floor(archive.path, home, options.workers)
    print(
        f"floor      {least.files} files read, analysed and judged in one process, ÷ "
        f"{options.workers} workers: {least.wall_s:.1f} s wall ({least.cpu_s:.1f} s CPU)",
        flush=True,
    )
    pg = os.environ.get("LEGDAY_TEST_PG_URL")
    back_ends: list[tuple[str, str | None]] = [] if options.skip_sqlite else [("sqlite", None)]
    if pg:
        sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
        from conftest import new_pg_database

        back_ends.append(("postgresql", new_pg_database(pg)))  # dropped below
    else:
        print("postgresql: skipped ($LEGDAY_TEST_PG_URL is not set)")
    for name, url in back_ends:
        measure_back_end(
            name,
            url,
            archive.path,
            options.seed,
            options.workers,
            least,
            options.runs,
            not options.skip_reanalyze,
        )
        if url is not None:
            _drop(pg or "", url)


def _drop(server_url: str, url: str) -> None:
    """Drop the PostgreSQL database the benchmark created."""
    import psycopg

    conninfo = server_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{url.rsplit("/", 1)[1]}"')


if __name__ == "__main__":
    main()
