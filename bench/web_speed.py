"""Dashboard pages and commands on a long archive, at two sizes side by side (issue 18).

For each size, the archive of ``bench/archive.py`` is imported once into a legday home (cached
under ``bench/results/homes``), ``legday serve`` is started on it in a subprocess, and a real
HTTP client (httpx2) asks each page ``--repeat`` times after a warm-up: p50 and p95 per page.
Then ``legday week``, ``legday strength``, ``legday plan`` and ``legday verdict ID`` are timed as
commands, beside a bare ``python -c pass``.

Goals: p95 ≤ 100 ms per page, and the same at every size (the last column, p95 at the largest
size over p95 at the smallest, should stay near 1); a command ≤ 0.25 s beyond ``python -c pass``.

    python bench/web_speed.py [--runs 500 5000] [--repeat 20]
    python bench/web_speed.py --pages strength plan week --no-commands   # some pages only
    python bench/web_speed.py --runs 500 --no-pages                      # the commands only
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx2 as httpx

from archive import CACHE, Archive, _athlete, build_archive
from legday.home import Home
from legday.store.library import Library

#: Where imported archives are kept (a legday home per size).
HOMES = CACHE.parent / "homes"
#: Goal for every page's p95, ms (issue 18).
GOAL_P95_MS = 100.0
#: Goal for a command beyond Python's own start-up, s (issue 18).
GOAL_COMMAND_S = 0.25
LEGDAY = [sys.executable, "-m", "legday"]
#: The start-up a command is compared with.
BARE = "python -c pass"


def imported_home(archive: Archive, seed: int, workers: int | None) -> tuple[Path, float | None]:
    """A legday home holding ``archive`` (imported once); the import's wall time when it ran."""
    path = HOMES / archive.path.name
    marker = path / ".imported"
    if marker.exists():
        return path, None
    shutil.rmtree(path, ignore_errors=True)
    home = Home(path)
    home.save_profile(_athlete(seed).profile())
    lib = Library.open(home)
    t0 = time.perf_counter()
    summary = lib.import_paths([archive.path], workers=workers).to_dict()
    elapsed = time.perf_counter() - t0
    lib.close()
    print(
        f"imported {archive.path.name}: {summary['imported']} files, {summary['failed']} failed, "
        f"in {elapsed:.0f} s"
    )
    marker.write_text(f"{elapsed:.1f}\n")
    return path, elapsed


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _serve(home: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {**os.environ, "LEGDAY_HOME": str(home)}
    proc = subprocess.Popen(
        [*LEGDAY, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(base + "/api/week", timeout=5.0)
            return proc, base
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("legday serve did not answer in 30 s")


def pages(client: httpx.Client, archive: Archive) -> dict[str, str]:
    """The pages measured, by label: the URL of each, ids taken from the archive's newest."""
    runs = client.get("/api/sessions", params={"kind": "intervals", "limit": 1}).json()
    run_id = runs["sessions"][0]["id"]
    lifts = client.get("/api/sessions", params={"category": "strength", "limit": 1}).json()
    lift = lifts["sessions"][0]["id"] if lifts["sessions"] else None
    last = archive.last_day
    return {
        "week (newest)": "/",
        "week (a year ago)": f"/?date={last.replace(year=last.year - 1)}",
        "activity": f"/activity/{run_id}",
        "activities": "/activities",
        "activities page 5": "/activities?page=5",
        "activities kind=tempo": "/activities?kind=tempo",
        "activities verdict+dates": f"/activities?verdict=not_leg_day&from={last.year}-01-01",
        "activities q=Run": "/activities?q=Run",
        "/api/sessions": "/api/sessions",
        "/api/sessions kind=long": "/api/sessions?kind=long",
        "strength": "/strength",
        "strength session": f"/strength/session/{str(lift).lstrip('s')}" if lift else "/strength",
        "plan": "/plan",
        "calendar": f"/calendar?month={last:%Y-%m}",
        "year": f"/year?year={last.year}",
        "/api/week": "/api/week",
    }


def _percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def _cpu_s(pid: int) -> float:
    """CPU time (user + system) the process ``pid`` has used, s: on a shared machine, the
    server's CPU per request is steadier than the wall time the client sees."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_pages(
    home: Path, archive: Archive, repeat: int, only: list[str] | None = None
) -> dict[str, tuple[float, float, float]]:
    """p50 and p95 wall time and the server's CPU per request, ms, by page (with ``only``, the
    pages whose label holds one of those words)."""
    proc, base = _serve(home)
    try:
        with httpx.Client(base_url=base, timeout=60.0) as client:
            out = {}
            for label, url in pages(client, archive).items():
                if only and not any(word in label for word in only):
                    continue
                client.get(url).raise_for_status()  # warm-up
                times = []
                cpu = _cpu_s(proc.pid)
                for _ in range(repeat):
                    t0 = time.perf_counter()
                    client.get(url).raise_for_status()
                    times.append(time.perf_counter() - t0)
                cpu_ms = (_cpu_s(proc.pid) - cpu) / repeat * 1000
                out[label] = (*_percentiles(times), cpu_ms)
            return out
    finally:
        proc.terminate()
        proc.wait(10)


def _timed(run: Callable[[], Any], times: int = 5) -> tuple[float, float]:
    """Median wall time and median CPU time of the child processes ``run`` starts, s, after one
    run untimed (which caches the byte code, as a user's second run finds it)."""
    run()
    spent, cpu = [], []
    for _ in range(times):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        run()
        spent.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(spent), statistics.median(cpu)


def measure_commands(home: Path, archive: Archive) -> dict[str, tuple[float, float]]:
    # Python writes byte code as it does for a user (a shell's PYTHONDONTWRITEBYTECODE would
    # have every run compile again what changed since the last cache: ~50 ms a module)
    env = {**os.environ, "LEGDAY_HOME": str(home)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)

    def cli(*args: str) -> Callable[[], Any]:
        return lambda: subprocess.run([*LEGDAY, *args], env=env, check=True, capture_output=True)

    last = archive.last_day.isoformat()
    lib = Library.open(Home(home))
    week = lib.session_facts(archive.last_day - timedelta(days=6), archive.last_day)
    newest = max(f.id for f in week if isinstance(f.id, int))
    lib.close()
    return {
        BARE: _timed(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True)),
        "legday week": _timed(cli("week", "--date", last)),
        "legday strength": _timed(cli("strength")),
        "legday plan": _timed(cli("plan")),
        "legday verdict ID": _timed(cli("verdict", str(newest))),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument(
        "--pages", nargs="+", default=None, help="only the pages whose label holds one of these"
    )
    parser.add_argument("--no-commands", action="store_true", help="measure the pages only")
    parser.add_argument("--no-pages", action="store_true", help="measure the commands only")
    args = parser.parse_args()
    sizes = sorted(args.runs)
    pages_at: dict[int, dict[str, tuple[float, float, float]]] = {}
    commands_at: dict[int, dict[str, tuple[float, float]]] = {}
    for runs in sizes:
        archive = build_archive(runs, args.seed, args.workers)
        home, _ = imported_home(archive, args.seed, args.workers)
        if not args.no_pages:
            pages_at[runs] = measure_pages(home, archive, args.repeat, args.pages)
        for label, (p50, p95, cpu) in pages_at.get(runs, {}).items():
            print(
                f"{runs} runs: {label}: p50 {p50:.0f}, p95 {p95:.0f}, CPU {cpu:.0f} ms", flush=True
            )
        if args.no_commands:
            continue
        print(f"load average before the commands: {_load()}", flush=True)
        commands_at[runs] = measure_commands(home, archive)
        base_wall, base_cpu = commands_at[runs][BARE]
        for label, (wall, cpu) in commands_at[runs].items():
            beyond = f"beyond python {wall - base_wall:.2f} s, CPU {cpu - base_cpu:.2f} s"
            goal = "" if label == BARE else f" ({beyond}; goal ≤ {GOAL_COMMAND_S:.2f} s)"
            print(f"{runs} runs: {label}: {wall:.2f} s, CPU {cpu:.2f} s{goal}", flush=True)
    print(f"load average at the end: {_load()}")
    small, big = sizes[0], sizes[-1]
    heads = "".join(f" | p50 {n} | p95 {n} | CPU {n}" for n in sizes)
    if pages_at:
        print(f"\n| page (ms){heads} | p95 {big}/{small} | goal p95 ≤ {GOAL_P95_MS:.0f} ms |")
        print("|---" * (3 * len(sizes) + 3) + "|")
    for label in pages_at.get(small, {}):
        cells = "".join(" | " + " | ".join(f"{v:.0f}" for v in pages_at[n][label]) for n in sizes)
        ratio = pages_at[big][label][1] / pages_at[small][label][1]
        ok = "met" if all(pages_at[n][label][1] <= GOAL_P95_MS for n in sizes) else "MISSED"
        print(f"| {label}{cells} | {ratio:.2f} | {ok} |")
    if not commands_at:
        return
    heads = "".join(f" | {n} runs | CPU {n}" for n in sizes)
    goal = f"beyond `{BARE}`, wall / CPU (goal ≤ {GOAL_COMMAND_S:.2f} s)"
    print(f"\n| command (s, median of 5){heads} | {big}/{small} | {goal} |")
    print("|---" * (2 * len(sizes) + 3) + "|")
    for label in commands_at[small]:
        cells = "".join(
            " | " + " | ".join(f"{v:.2f}" for v in commands_at[n][label]) for n in sizes
        )
        ratio = commands_at[big][label][0] / commands_at[small][label][0]
        print(f"| {label}{cells} | {ratio:.2f} | {_beyond(commands_at, label)} |")


def _load() -> str:
    """The machine's load average over 1, 5 and 15 minutes, and its cores: on a shared
    machine, what the wall times wait behind."""
    return " / ".join(f"{x:.1f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores"


def _beyond(commands_at: dict[int, dict[str, tuple[float, float]]], label: str) -> str:
    """A command's cost beyond a bare Python start, wall and CPU, the larger over the sizes, and
    whether it meets the goal: on a loaded machine the wall time waits for a core, the CPU time
    is the command's own."""
    if label == BARE:
        return "–"
    wall, cpu = (max(at[label][i] - at[BARE][i] for at in commands_at.values()) for i in (0, 1))
    verdict = "met" if wall <= GOAL_COMMAND_S else "CPU met" if cpu <= GOAL_COMMAND_S else "MISSED"
    return f"{wall:.2f} / {cpu:.2f} {verdict}"


if __name__ == "__main__":
    main()
