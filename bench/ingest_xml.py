"""GPX and TCX ingest speed: legday against lxml's bare parse (the floor), gpxpy and tcxreader.

Each tool reads the same bytes (tcxreader only takes a path, so it also opens the file) several
times, round-robin; the median (or, with ``--stat min``, the best) wall time per file is reported
in milliseconds, and each other tool's time as a
multiple of legday's (``lxml_x`` below 1 is the share of legday's time a bare parse takes).

legday is timed end to end through :func:`legday.io.reader.read_bytes`: detection, safe
parsing, samples, laps and the time-zone lookup.

    .venv/bin/python bench/ingest_xml.py            # every real GPX/TCX file in the manifest
    .venv/bin/python bench/ingest_xml.py a.gpx b.tcx --repeat 11

``bench/ingest.py`` imports :func:`run_xml_bench` for its GPX/TCX rows.
"""

from __future__ import annotations

import argparse
import csv
import gc
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from lxml import etree

from legday.errors import LegdayError
from legday.io.detect import Format, detect_format
from legday.io.reader import read_bytes

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "data" / "real"

#: Timed runs per tool and file (after one warm-up run); the median is kept.
DEFAULT_REPEAT = 7
#: Recordings at least this long count as the issue's "hour-long" runs in the summary.
LONG_MINUTES = 45


def _time_ms(
    tools: dict[str, Callable[[], object] | None], repeat: int, stat: str
) -> dict[str, float]:
    """Median (or best) ms per tool, timed round-robin so other processes' load hits all alike,
    with the garbage collector paused during each timed run.

    On a busy machine a run is sometimes preempted for a whole time slice (~4 ms); ``min`` is
    then the steadier statistic (as ``timeit`` advises), ``median`` the default."""
    ready = {}
    for name, fn in tools.items():
        if fn is None:
            continue
        try:
            fn()  # warm-up: imports, caches, the time-zone finder
        except Exception:  # a peer that cannot read the file gets no time, not a crash
            continue
        ready[name] = fn
    times: dict[str, list[float]] = {name: [] for name in ready}
    for _ in range(repeat):
        for name, fn in ready.items():
            # as timeit does: the collector is paused while a run is timed, so no tool pays
            # for collecting another tool's garbage
            gc.disable()
            try:
                start = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - start)
            finally:
                gc.enable()
    pick = min if stat == "min" else statistics.median
    return {name: pick(ts) * 1e3 for name, ts in times.items()}


def _gpxpy(data: bytes) -> Callable[[], object] | None:
    try:
        import gpxpy
    except ImportError:
        return None
    text = data.decode("utf-8", errors="replace")
    return lambda: gpxpy.parse(text)


def _tcxreader(path: Path) -> Callable[[], object] | None:
    try:
        from tcxreader.tcxreader import TCXReader
    except ImportError:
        return None
    reader = TCXReader()
    return lambda: reader.read(str(path))


def run_xml_bench(
    paths: list[Path], *, repeat: int = DEFAULT_REPEAT, stat: str = "median"
) -> list[dict[str, Any]]:
    """Time legday, lxml, gpxpy (GPX) and tcxreader (TCX) on each file; one row per file.

    ``stat`` is ``median`` (default) or ``min`` over ``repeat`` round-robin runs.

    Row keys: ``file``, ``format``, ``kib``, ``points``, ``legday_ms``, ``lxml_ms``,
    ``gpxpy_ms``, ``tcxreader_ms`` (None where a tool does not apply or fails), and
    ``lxml_x``, ``gpxpy_x``, ``tcxreader_x``: the tool's time over legday's. A file legday
    refuses gets ``error`` instead of times.
    """
    rows: list[dict[str, Any]] = []
    for path in paths:
        data = path.read_bytes()
        row: dict[str, Any] = {"file": path.name, "kib": round(len(data) / 1024)}
        try:
            fmt = detect_format(data, name=str(path))
            acts = read_bytes(data, name=str(path))
        except LegdayError as exc:
            rows.append({**row, "format": None, "error": type(exc).__name__})
            continue
        row["format"] = fmt.value
        row["points"] = sum(a.n_samples for a in acts)
        row["minutes"] = round(sum(a.duration_s for a in acts) / 60)
        stripped = data.lstrip()  # lxml refuses blank space before the XML declaration
        medians = _time_ms(
            {
                "legday": partial(read_bytes, data),
                "lxml": partial(etree.fromstring, stripped),
                "gpxpy": _gpxpy(data) if fmt is Format.GPX else None,
                "tcxreader": _tcxreader(path) if fmt is Format.TCX else None,
            },
            repeat,
            stat,
        )
        for tool in ("legday", "lxml", "gpxpy", "tcxreader"):
            row[f"{tool}_ms"] = medians.get(tool)
        for peer in ("lxml", "gpxpy", "tcxreader"):
            ms = row[f"{peer}_ms"]
            row[f"{peer}_x"] = ms / row["legday_ms"] if ms and row["legday_ms"] else None
        rows.append(row)
    return rows


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def print_table(rows: list[dict[str, Any]]) -> None:
    cols = [
        ("file", "file", 0),
        ("fmt", "format", 0),
        ("KiB", "kib", 0),
        ("points", "points", 0),
        ("min", "minutes", 0),
        ("legday ms", "legday_ms", 1),
        ("lxml ms", "lxml_ms", 1),
        ("gpxpy ms", "gpxpy_ms", 1),
        ("tcxreader ms", "tcxreader_ms", 1),
        ("legday/lxml", None, 2),
        ("gpxpy ×", "gpxpy_x", 1),
        ("tcxreader ×", "tcxreader_x", 1),
    ]
    table = []
    for row in rows:
        if "error" in row:
            table.append([row["file"], f"refused: {row['error']}"] + [""] * (len(cols) - 2))
            continue
        cells = []
        for _, key, digits in cols:
            if key is None:
                ratio = row["legday_ms"] / row["lxml_ms"] if row["lxml_ms"] else None
                cells.append(_fmt(ratio, digits))
            else:
                cells.append(_fmt(row.get(key), digits))
        table.append(cells)
    widths = [max(len(c[0]), *(len(r[i]) for r in table)) for i, c in enumerate(cols)]
    print("  ".join(c[0].ljust(w) for c, w in zip(cols, widths, strict=True)))
    for r in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)))
    timed = [r for r in rows if "error" not in r]
    if timed:
        ratio = statistics.median(r["legday_ms"] / r["lxml_ms"] for r in timed)
        print(f"\nmedian over files of legday/lxml-floor: {ratio:.2f}")
        big = [r for r in timed if r["points"] >= 1000]
        if big:
            big_ratio = statistics.median(r["legday_ms"] / r["lxml_ms"] for r in big)
            print(f"  … over files of 1,000+ points: {big_ratio:.2f}")
        long_ = [r["legday_ms"] / r["lxml_ms"] for r in timed if r["minutes"] >= LONG_MINUTES]
        if long_:
            print(
                f"  … over runs of {LONG_MINUTES}+ minutes (the goal's hour-long runs): median "
                f"{statistics.median(long_):.2f}, worst {max(long_):.2f}"
            )
        for peer in ("gpxpy", "tcxreader"):
            xs = [r[f"{peer}_x"] for r in timed if r.get(f"{peer}_x")]
            if xs:
                print(f"median {peer} time as a multiple of legday: {statistics.median(xs):.1f}×")


def real_xml_files() -> list[Path]:
    with (REAL / "MANIFEST.tsv").open(newline="", encoding="utf-8") as fh:
        return [
            REAL / row["path"]
            for row in csv.DictReader(fh, delimiter="\t")
            if row["kind"] in ("gpx", "tcx")
        ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help="GPX/TCX files (default: real ones)")
    parser.add_argument("--repeat", type=int, default=DEFAULT_REPEAT)
    parser.add_argument("--stat", choices=("median", "min"), default="median")
    args = parser.parse_args(argv)
    paths = args.paths or real_xml_files()
    if not paths:
        print(f"no files given and no manifest at {REAL}", file=sys.stderr)
        return 1
    print(f"{args.stat} of {args.repeat} round-robin runs per tool and file\n")
    print_table(run_xml_bench(paths, repeat=args.repeat, stat=args.stat))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
