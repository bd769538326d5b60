"""Scaling curves (issue 18, item 6): import time, database size and page p95 at several archive
sizes, on SQLite and on PostgreSQL, from one run.

For each size (default 500, 1,000, 2,000 and 5,000 runs) the cached archive of
``bench/archive.py`` is imported by ``legday import`` into a fresh home (and a fresh PostgreSQL
database when ``$LEGDAY_TEST_PG_URL`` names a server), timed as a command: wall time, CPU of the
importer and its workers, peak RSS. Then ``legday serve`` is started on it and each dashboard
page of ``bench/web_speed.py`` is asked ``--repeat`` times: p95 and the server's CPU per request.
On a shared machine the wall times wait for a core; the CPU figures are each step's own.

The table printed last is the one in bench/README.md: per size and back end, the import (wall,
CPU, CPU per run), the database's bytes per 1,000 runs, and the worst page p95 with its page,
then the p95 of every page at each size (flat means no page grows with the archive).

    python bench/scaling.py [--runs 500 1000 2000 5000] [--repeat 10] [--backend sqlite pg]
"""

from __future__ import annotations

import argparse
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from archive import CACHE, _athlete, build_archive
from import_speed import Step, run_legday
from legday.home import DB_NAME, Home
from web_speed import GOAL_P95_MS, measure_pages

#: The outcome of an import that ``--pages-only`` did not run.
NOT_MEASURED = "not measured"
#: Where the homes the curves import into are kept (one per back end and size).
HOMES = CACHE.parent / "scaling"


@dataclass
class Point:
    """One back end at one size: the import, the database's size, each page's p95 and CPU."""

    runs: int
    backend: str
    imported: Step
    db_bytes: int
    pages: dict[str, tuple[float, float, float]]


def _pg_url(server: str, name: str) -> str:
    return sa.make_url(server).set(database=name).render_as_string(hide_password=False)


def _fresh_pg(server: str, name: str) -> str:
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return _pg_url(server, name)


def _db_bytes(home: Path, url: str | None) -> int:
    if url is None:
        return sum(p.stat().st_size for p in home.glob(f"{DB_NAME}*"))
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        size = int(conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar())
    engine.dispose()
    return size


def _pages(home: Path, archive: Any, repeat: int, url: str | None) -> dict[str, Any]:
    """Every page's p50, p95 and server CPU on the home (its database at ``url`` if given)."""
    saved = os.environ.pop("LEGDAY_DB", None)
    if url is not None:
        os.environ["LEGDAY_DB"] = url  # the server measure_pages starts reads the environment
    try:
        return measure_pages(home, archive, repeat)
    finally:
        os.environ.pop("LEGDAY_DB", None)
        if saved is not None:
            os.environ["LEGDAY_DB"] = saved


def _pages_only(runs: int, backend: str, home: Path, archive: Any, repeat: int) -> Point:
    """The pages of a home an earlier run imported (its import not measured again)."""
    server = os.environ.get("LEGDAY_TEST_PG_URL", "")
    url = _pg_url(server, f"legday_scaling_{runs}") if backend == "pg" else None
    pages = _pages(home, archive, repeat, url)
    for label, (p50, p95, cpu) in pages.items():
        print(f"{backend} {runs} runs: {label}: p50 {p50:.0f}, p95 {p95:.0f}, CPU {cpu:.0f} ms")
    return Point(archive.runs, backend, Step(0.0, 0.0, 0.0, NOT_MEASURED), 0, pages)


def measure(
    runs: int, backend: str, seed: int, workers: int, repeat: int, pages_only: bool = False
) -> Point:
    archive = build_archive(runs, seed, workers)
    home = HOMES / f"{backend}-{archive.path.name}"
    if pages_only:
        return _pages_only(runs, backend, home, archive, repeat)
    shutil.rmtree(home, ignore_errors=True)
    Home(home).save_profile(_athlete(seed).profile())
    url = None
    env = {**os.environ, "LEGDAY_HOME": str(home)}
    env.pop("LEGDAY_DB", None)
    if backend == "pg":
        url = _fresh_pg(os.environ["LEGDAY_TEST_PG_URL"], f"legday_scaling_{runs}")
        env["LEGDAY_DB"] = url
    step = run_legday(["import", "--workers", str(workers), str(archive.path)], env)
    print(
        f"{backend} {runs} runs: import {step.wall_s:.0f} s wall, {step.cpu_s:.0f} s CPU, "
        f"peak RSS {step.peak_rss_mb:.0f} MB ({' / '.join(step.outcome.splitlines()[-3:])})",
        flush=True,
    )
    size = _db_bytes(home, url)
    pages = _pages(home, archive, repeat, url)
    worst = max(pages.items(), key=lambda kv: kv[1][1])
    print(
        f"{backend} {runs} runs: database {size / 1e6:.0f} MB, "
        f"worst p95 {worst[1][1]:.0f} ms ({worst[0]})",
        flush=True,
    )
    return Point(archive.runs, backend, step, size, pages)


def report(points: list[Point]) -> None:
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print(
        "| back end | runs | import wall (s) | import CPU (s) | CPU per run (ms) | peak RSS (MB) "
        "| database per 1,000 runs (MB) | worst page p95 (ms) |"
    )
    print("|---" * 8 + "|")
    for p in points:
        if p.imported.outcome == NOT_MEASURED:  # --pages-only: its import is an earlier run's
            continue
        page, (_, p95, _) = max(p.pages.items(), key=lambda kv: kv[1][1])
        print(
            f"| {p.backend} | {p.runs} | {p.imported.wall_s:.0f} | {p.imported.cpu_s:.0f} "
            f"| {1000 * p.imported.cpu_s / p.runs:.0f} | {p.imported.peak_rss_mb:.0f} "
            f"| {p.db_bytes / p.runs / 1000:.1f} | {p95:.0f} ({page}) |"
        )
    for backend in dict.fromkeys(p.backend for p in points):
        mine = [p for p in points if p.backend == backend]
        heads = "".join(f" | {p.runs}" for p in mine)
        print(f"\n{backend}: page p95 (ms, server CPU per request){heads} | largest / smallest |")
        print("|---" * (len(mine) + 2) + "|")
        for label in mine[0].pages:
            cells = "".join(f" | {p.pages[label][1]:.0f} ({p.pages[label][2]:.0f})" for p in mine)
            ratio = mine[-1].pages[label][1] / mine[0].pages[label][1]
            flag = "" if all(p.pages[label][1] <= GOAL_P95_MS for p in mine) else " over goal"
            print(f"| {label}{cells} | {ratio:.2f}{flag} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, nargs="+", default=[500, 1000, 2000, 5000])
    parser.add_argument("--backend", nargs="+", default=["sqlite", "pg"], choices=["sqlite", "pg"])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--pages-only", action="store_true", help="measure the pages of homes imported before"
    )
    args = parser.parse_args()
    backends = list(args.backend)
    if "pg" in backends and not os.environ.get("LEGDAY_TEST_PG_URL"):
        print("no $LEGDAY_TEST_PG_URL: PostgreSQL left out")
        backends.remove("pg")
    points = [
        measure(runs, backend, args.seed, args.workers, args.repeat, args.pages_only)
        for runs in sorted(args.runs)
        for backend in backends
    ]
    report(points)


if __name__ == "__main__":
    main()
