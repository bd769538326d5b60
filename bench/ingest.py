"""FIT ingest speed: legday against garmin-fit-sdk, fitdecode, fitparse and fitfast.

Every tool decodes the same bytes of the same real hour-long running files, round-robin, after
one warm-up run; the median (or, with ``--stat min``, the best) wall time per file is printed in
milliseconds with legday's throughput in MB/s, and each peer's time as a multiple of legday's.
Peers that are not installed, or fail on a file, are reported as skipped (``-``).

What each tool does, so the comparison is fair:

* legday: :func:`legday.io.fit.read_fit`, end to end: CRC checks, every record field in SI
  channels, laps, sessions, events, developer fields, device, HRV. legday caches the work that
  depends only on a definition message, per process (:mod:`legday.io.fit.columns`), so two
  figures are printed: ``legday ms`` (warm: the warm-up run filled the caches, as in a batch
  import of one watch's files) and ``cold ms`` (the caches are emptied before each timed run,
  as for the first file of a new device). The peers' multiples are of the warm figure, or of
  the cold one with ``--cold``.
* garmin-fit-sdk: ``Decoder.read()`` with its defaults (every message, scaled, components
  expanded, heart rates merged).
* fitdecode: iterating a ``FitReader`` over every frame (every message decoded).
* fitparse: ``FitFile.parse()`` (every message decoded).
* fitfast: ``records(data, "record")`` only, the cheapest call it offers (its ``parse`` decodes
  every message and is several times slower), so its multiple is a conservative one.

GPX and TCX rows come from ``bench/ingest_xml.py`` (:func:`run_xml_bench`) when it is present.

    .venv/bin/python bench/ingest.py                 # the default hour-long runs, then GPX/TCX
    .venv/bin/python bench/ingest.py a.fit b.fit --repeat 21 --stat min
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from legday.io.fit import read_fit
from legday.io.fit.columns import clear_definition_caches

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "data" / "real"

#: Hour-long (or longer) running FIT files from ../shared/data/real, several makers.
DEFAULT_FILES = (
    "tormoder-fit/testdata/misc/mornindew-broken.fit",
    "python-fitparse/tests/files/compressed-speed-distance.fit",
    "python-fitparse/tests/files/developer-types-sample.fit",
    "fit-parser-js/test/garmin-stamina.fit",
    "sports-lib/src/specs/fixtures/runs/fit/6860622783.fit",
    "sports-lib/src/specs/fixtures/runs/fit/6910052863.fit",
    "sports-lib/src/specs/fixtures/runs/fit/6916663933.fit",
    "workoutizer/tests/data/example.fit",
)
#: Timed runs per tool and file for legday and fitfast (after a warm-up run).
DEFAULT_REPEAT = 21
#: Timed runs per file for the pure-Python peers, which take hundreds of ms each.
SLOW_REPEAT = 3
#: The peers, in column order.
PEERS = ("garmin_fit_sdk", "fitdecode", "fitparse", "fitfast")


def _sdk(data: bytes) -> Callable[[], object] | None:
    try:
        from garmin_fit_sdk import Decoder, Stream
    except ImportError:
        return None

    def run() -> object:
        messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
        if errors:
            raise errors[0]
        return messages

    return run


def _fitdecode(data: bytes) -> Callable[[], object] | None:
    try:
        import fitdecode
    except ImportError:
        return None

    def run() -> object:
        with fitdecode.FitReader(data) as reader:
            return sum(1 for _ in reader)

    return run


def _fitparse(data: bytes) -> Callable[[], object] | None:
    try:
        import fitparse
    except ImportError:
        return None

    def run() -> object:
        fit = fitparse.FitFile(data)
        fit.parse()
        return fit.messages

    return run


def _fitfast(data: bytes) -> Callable[[], object] | None:
    try:
        import fitfast
    except ImportError:
        return None
    return lambda: fitfast.records(data, "record")


def _time(
    fn: Callable[[], object], repeat: int, before: Callable[[], object] | None = None
) -> list[float] | None:
    """Seconds per run, or None when the tool fails on the file.

    The garbage collector is paused while a run is timed, as ``timeit`` does, so that one
    tool's run does not pay for collecting another tool's garbage. ``before`` runs, untimed,
    before each timed run."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # peers warn about odd files; not our business here
        try:
            fn()
        except Exception:  # a peer that cannot read the file is skipped, not a crash
            return None
        out = []
        for _ in range(repeat):
            if before is not None:
                before()
            gc.collect()
            gc.disable()
            try:
                start = time.perf_counter()
                fn()
                out.append(time.perf_counter() - start)
            finally:
                gc.enable()
    return out


def run_fit_bench(
    paths: list[Path], *, repeat: int, stat: str, cold: bool = False
) -> list[dict[str, Any]]:
    """One row per file: ``file``, ``kib``, ``records``, ``legday_ms`` (warm caches),
    ``cold_ms`` (caches emptied before each run), ``mb_s`` (warm) and, per peer, ``<peer>_ms``
    and ``<peer>_x`` (peer time over legday's warm time, or its cold time when ``cold``; None
    when skipped)."""
    pick: Callable[[list[float]], float] = min if stat == "min" else statistics.median
    rows: list[dict[str, Any]] = []
    for path in paths:
        data = path.read_bytes()
        activities = read_fit(data, name=path.name)
        row: dict[str, Any] = {
            "file": path.name,
            "kib": round(len(data) / 1024),
            "records": sum(a.n_samples for a in activities),
        }
        ours = _time(lambda data=data: read_fit(data), repeat)  # type: ignore[misc]
        assert ours is not None
        row["legday_ms"] = pick(ours) * 1e3
        first = _time(lambda data=data: read_fit(data), repeat, before=clear_definition_caches)  # type: ignore[misc]
        assert first is not None
        row["cold_ms"] = pick(first) * 1e3
        row["mb_s"] = len(data) / 1e6 / (row["legday_ms"] / 1e3)
        basis = row["cold_ms"] if cold else row["legday_ms"]
        makers = {"garmin_fit_sdk": _sdk, "fitdecode": _fitdecode, "fitparse": _fitparse}
        makers["fitfast"] = _fitfast
        for peer in PEERS:
            fn = makers[peer](data)
            times = None if fn is None else _time(fn, repeat if peer == "fitfast" else SLOW_REPEAT)
            row[f"{peer}_ms"] = None if times is None else pick(times) * 1e3
            row[f"{peer}_x"] = None if times is None else row[f"{peer}_ms"] / basis
        rows.append(row)
    return rows


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def print_fit_table(rows: list[dict[str, Any]], *, cold: bool = False) -> None:
    cols = [("file", "file", 0), ("KiB", "kib", 0), ("records", "records", 0)]
    cols += [("legday ms", "legday_ms", 2), ("cold ms", "cold_ms", 2), ("MB/s", "mb_s", 0)]
    for peer in PEERS:
        cols += [(f"{peer} ms", f"{peer}_ms", 1), ("×", f"{peer}_x", 1)]
    table = [[_fmt(row.get(key), digits) for _, key, digits in cols] for row in rows]
    widths = [max(len(c[0]), *(len(r[i]) for r in table)) for i, c in enumerate(cols)]
    print("  ".join(c[0].ljust(w) for c, w in zip(cols, widths, strict=True)))
    for r in table:
        print("  ".join(cell.rjust(w) for cell, w in zip(r, widths, strict=True)))
    print()
    basis = "cold time" if cold else "warm time"
    for peer in PEERS:
        xs = [r[f"{peer}_x"] for r in rows if r.get(f"{peer}_x")]
        if xs:
            print(
                f"median {peer} time as a multiple of legday's {basis}: "
                f"{statistics.median(xs):.1f}×"
                f"  (min {min(xs):.1f}×, over {len(xs)} files)"
            )
        else:
            print(f"{peer}: skipped (not installed or failed on every file)")


def _xml_bench() -> Any | None:
    """bench/ingest_xml.py as a module, when it exists."""
    path = Path(__file__).with_name("ingest_xml.py")
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("ingest_xml", path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help="FIT files (default: real runs)")
    parser.add_argument("--repeat", type=int, default=DEFAULT_REPEAT)
    parser.add_argument("--stat", choices=("median", "min"), default="median")
    parser.add_argument("--no-xml", action="store_true", help="skip the GPX/TCX rows")
    parser.add_argument(
        "--cold", action="store_true", help="peers' multiples of legday's cold time, not warm"
    )
    args = parser.parse_args(argv)
    paths = args.paths or [REAL / p for p in DEFAULT_FILES if (REAL / p).exists()]
    if not paths:
        print(f"no files given and none found in {REAL}", file=sys.stderr)
        return 1
    print(f"FIT: {args.stat} of {args.repeat} runs (pure-Python peers: {SLOW_REPEAT}) per file\n")
    rows = run_fit_bench(paths, repeat=args.repeat, stat=args.stat, cold=args.cold)
    print_fit_table(rows, cold=args.cold)
    xml = None if args.no_xml else _xml_bench()
    if xml is not None:
        print("\nGPX/TCX:\n")
        xml.print_table(xml.run_xml_bench(xml.real_xml_files(), stat=args.stat))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
