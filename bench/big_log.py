"""A big lifting log stays fast (issue 16, item 5): a 1 M-row Strong CSV imported by
``legday import`` into a fresh SQLite home, then ``legday strength``, ``legday plan`` and the
import of one FIT file on that home.

Goals: the import in ≤ 30 s at ≤ 1 GB peak RSS (the importing process and its workers), and
each command after it within the scale issue's limits. Each command runs as a child process
with ``LEGDAY_HOME`` set; its wall time and peak RSS (``ru_maxrss`` of the children) are printed.
The CSV comes from :mod:`big_strength_log` (cached under ``bench/results/big-log``).

    python bench/big_log.py [--rows 1000000] [--timeout 600]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from big_strength_log import big_strong_csv

#: Runs ``legday ARGS`` in a child and prints the peak RSS of it and its workers, KiB (each
#: process's own peak; the largest counts, as the workers run beside the parent).
_MEASURED = """
import resource, subprocess, sys
done = subprocess.run([sys.executable, "-m", "legday", *sys.argv[1:]], stdout=subprocess.DEVNULL)
used = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{used.ru_utime + used.ru_stime:.2f}")
print(used.ru_maxrss)
sys.exit(done.returncode)
"""
#: One watch file imported after the big log (a real 10 km run, in the shared real data).
FIT = Path(__file__).resolve().parents[2] / "shared/data/real/python-fitparse/tests/files"
FIT_FILE = FIT / "compressed-speed-distance.fit"


def timed(args: list[str], home: Path, timeout: float) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (user and system, workers included), the child's peak RSS in
    MiB, and its outcome."""
    env = {**os.environ, "LEGDAY_HOME": str(home)}
    t0 = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", _MEASURED, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a timeout ends legday and its workers, not only the wrapper
    )
    try:
        out, err = child.communicate(timeout=timeout)
        *_, cpu, last = ["nan", "nan", *out.strip().splitlines()]
        peak_kib = float(last) if last.isdigit() else float("nan")
        cpu_s = float(cpu)
        outcome = "ok" if child.returncode == 0 else f"exit {child.returncode}: {err[-300:]}"
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        peak_kib, cpu_s = float("nan"), float("nan")
        outcome = f"not finished after {timeout:.0f} s"
    return time.perf_counter() - t0, cpu_s, peak_kib / 1024, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--timeout", type=float, default=600.0, help="for the import, s")
    parser.add_argument("--command-timeout", type=float, default=300.0, help="after it, s")
    options = parser.parse_args()
    csv_path = big_strong_csv(options.rows)
    print(f"{csv_path.name}: {csv_path.stat().st_size / 1e6:.1f} MB, {options.rows:,} sets")
    with tempfile.TemporaryDirectory(prefix="legday-big-log-") as tmp:
        home = Path(tmp)
        steps = [
            ("legday --help", ["--help"]),  # Python's and legday's start-up, for reference
            ("import the log", ["import", str(csv_path)]),
            ("legday strength", ["strength"]),
            ("legday plan", ["plan"]),
            ("import one FIT", ["import", str(FIT_FILE)]),
            ("legday week", ["week"]),
        ]
        for label, args in steps:
            limit = options.timeout if label == "import the log" else options.command_timeout
            wall, cpu, rss, outcome = timed(args, home, limit)
            print(
                f"{label:<18} {wall:7.2f} s (CPU {cpu:7.2f} s)  peak RSS {rss:5.0f} MiB  {outcome}",
                flush=True,
            )


if __name__ == "__main__":
    main()
