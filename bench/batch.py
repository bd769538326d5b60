"""legday batch's speed: files per second on a local Dask cluster of 1 and 2 workers, against
the plain single-process loop over the same files (issue 21).

The same work in all three: each file read, decoded, analysed, judged and written as Parquet
(:func:`legday.batch.process_chunk`); the loop calls it chunk after chunk in this process. The
cluster's start-up is timed apart (the rate counts from the cluster being up to the last chunk
done), since it is paid once per batch however large. Goals on 2 cores: ≥ 1.8× the loop with 2
workers, and within 1.2× of it with 1.

The files are the first ``--files`` loose files of the benchmark archive (``bench/archive.py``:
FIT, GPX and TCX runs and a Strong CSV; its zips are left out, as each is one task), generated
once and cached. The machine's load average is printed with the figures: on a shared machine
other work takes the second core.

    python bench/batch.py [--files 200] [--runs 500]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from archive import build_archive
from legday.batch import ChunkResult, discover, process_chunk, run_batch
from legday.batch.chunk import Shared
from legday.batch.run import auto_chunk
from legday.batch.sources import chunks
from legday.model import AthleteProfile
from legday.settings import Settings


def _plain_loop(inputs: list[str], out: Path, workers: int) -> tuple[int, float]:
    """Files analysed and seconds, one process, the chunks a cluster of ``workers`` gets."""
    sources = list(discover(inputs))
    shared = Shared(AthleteProfile(), Settings())
    t0 = time.perf_counter()
    total = ChunkResult()
    for chunk in chunks(sources, auto_chunk(len(sources), workers)):
        total = total + process_chunk(chunk, str(out), shared)
    return total.files, time.perf_counter() - t0


def _on_dask(inputs: list[str], out: Path, workers: int) -> tuple[int, float, float]:
    """Files analysed, seconds from the cluster being up to the end, and start-up seconds."""
    t0 = time.perf_counter()
    up: list[float] = []
    result = run_batch(
        inputs, str(out), workers=workers, on_start=lambda _: up.append(time.perf_counter())
    )
    end = time.perf_counter()
    return result.counts.files, end - up[0], up[0] - t0


def _burn(n: int) -> int:
    return sum(i * i for i in range(n))


def _machine_parallelism() -> float:
    """How much faster 2 processes do a pure-Python task than 1, on this machine now: the
    ceiling for any 2-worker figure (other work on a shared machine takes cores)."""
    times = []
    for workers in (1, 2):
        with ProcessPoolExecutor(workers) as pool:
            list(pool.map(_burn, [1000] * workers))  # started
            t0 = time.perf_counter()
            list(pool.map(_burn, [2_000_000] * 8))
            times.append(time.perf_counter() - t0)
    return times[0] / times[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=200, help="inputs taken from the archive")
    parser.add_argument("--runs", type=int, default=500, help="the archive's size (cached)")
    args = parser.parse_args()
    archive = build_archive(args.runs)
    # loose files: a zip is one task whatever its size, which would measure the zip, not Dask
    loose = [s.url for s in discover([str(archive.path)]) if not s.url.endswith(".zip")]
    inputs = loose[: args.files]
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    scratch = Path(tempfile.mkdtemp(prefix="legday-bench-batch-"))
    try:
        files, loop_s = _plain_loop(inputs, scratch / "loop", 2)
        loop_rate = files / loop_s
        print(f"plain loop: {files} files in {loop_s:.1f} s, {loop_rate:.2f} files/s")
        for workers in (1, 2):
            n, seconds, start = _on_dask(inputs, scratch / f"dask{workers}", workers)
            assert n == files, (n, files)
            rate = n / seconds
            print(
                f"dask, {workers} worker{'s' if workers > 1 else ''}: {n} files in {seconds:.1f} s "
                f"(+{start:.1f} s cluster start), {rate:.2f} files/s, "
                f"{rate / loop_rate:.2f}× the plain loop"
            )
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        print(
            f"control: 2 processes do a pure-Python task {_machine_parallelism():.2f}× as fast as 1"
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
