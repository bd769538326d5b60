"""legday batch's speed: files per second on a local Dask cluster of 1 and 2 workers, against
the plain single-process loop over the same files (issue 21).

The same work in all three: :func:`legday.batch.run_batch`, each file read, decoded, analysed,
judged and written as Parquet, by default in its three passes (two that build each athlete's
history, one that writes the rows; ``--no-history``: one); the loop runs the same chunks one
after another in this process (``in_process=True``). The cluster's start-up is timed apart
(the rate counts from the cluster being up to the last chunk done), since it is paid once per
batch however large. Goals on 2 cores: ≥ 1.8× the loop with 2 workers, and within 1.2× of it
with 1 (a ratio ≥ 0.83).

The files are the first ``--files`` loose files of the benchmark archive (``bench/archive.py``:
FIT, GPX and TCX runs and a Strong CSV, in folders of 8-week blocks, each folder an athlete),
generated once and cached. ``--chunk`` sets the files per task, ``--threads`` runs the workers
as threads of one process instead of processes.

On a shared machine the wall clock says as much about the others' load as about the batch, so
the loop runs before and after the clusters (the ratios are against the mean of both), and
each run prints what the load changes less: the load average, the CPU time it took per file
(the client's, and the workers' and their nannies'), of which the chunks' own threads took
how much (the rest is Dask's own cost, or in the loop pyarrow's threads), and on Dask the
share of the workers' time spent in a task (Dask's task stream): what barriers and the
client's turns between passes leave idle. A control says how much faster 2 processes run a
pure-Python task than 1 right now: the ceiling for the 2-worker ratio. The cluster is the one
``legday batch`` starts (:func:`legday.batch.run.local_cluster`).

    python bench/batch.py [--files 200] [--runs 500] [--chunk N] [--threads] [--no-history]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from distributed import Client

from archive import build_archive
from legday.batch import discover, run_batch
from legday.batch.run import local_cluster


@dataclass(frozen=True)
class Measured:
    files: int
    seconds: float
    """From the workers being up (the pipeline imported) to the end."""
    cpu: float
    """CPU seconds over those seconds: this process's, and on Dask each worker's and nanny's."""
    chunks: float
    """CPU seconds of those the chunks' own threads took (every pass's)."""
    start: float = 0.0
    """The cluster's start-up, seconds."""
    busy: float | None = None
    """On Dask, the share of the workers' time spent in a task, from the first task's start
    to the last one's end: what barriers and the client's turns leave idle, whatever the load."""

    def line(self, label: str) -> str:
        files = self.files
        busy = "" if self.busy is None else f", workers busy {100 * self.busy:.0f} %"
        return (
            f"{label}: {files} files in {self.seconds:.1f} s (+{self.start:.1f} s start), "
            f"{files / self.seconds:.2f} files/s, CPU {1000 * self.cpu / files:.0f} ms a file "
            f"({1000 * self.chunks / files:.0f} in the chunks, "
            f"{1000 * (self.cpu - self.chunks) / files:.0f} outside){busy}; "
            f"load {os.getloadavg()[0]:.1f}"
        )


def _timed(inputs: list[str], out: Path, cpu: Callable[[], float], **how: Any) -> Measured:
    """``run_batch(inputs, out, **how)`` measured from its workers being up to its end."""
    up: list[float] = []
    result = run_batch(
        inputs, str(out), on_start=lambda _: up.extend((time.perf_counter(), cpu())), **how
    )
    chunks = sum(c.cpu_s for c in (result.scanned, result.judged, result.counts))
    return Measured(result.counts.files, time.perf_counter() - up[0], cpu() - up[1], chunks)


def _on_dask(inputs: list[str], out: Path, workers: int, threads: bool, **how: Any) -> Measured:
    """The batch on a new local cluster, the cluster's start-up timed apart."""
    from distributed import get_task_stream

    t0 = time.perf_counter()
    # the cluster `legday batch` starts (one thread a worker process, Dask's periodic work
    # made rarer); --threads: one process, a thread a worker
    with local_cluster(workers, threads=threads) as client:
        start = time.perf_counter() - t0
        with get_task_stream(client) as stream:
            measured = _timed(
                inputs, out, lambda: _cpu_of(client, not threads), client=client, **how
            )
    return replace(measured, start=start, busy=_busy(stream.data, workers))


def _busy(tasks: list[dict[str, Any]], workers: int) -> float:
    """The share of ``workers``' time that ``tasks`` (Dask's task stream) kept busy."""
    spans = [(s["start"], s["stop"]) for t in tasks for s in t["startstops"]]
    spans = [span for span in spans if span[1] > span[0]]
    if not spans:
        return 0.0
    first, last = min(a for a, _ in spans), max(b for _, b in spans)
    computing = [
        s["stop"] - s["start"] for t in tasks for s in t["startstops"] if s["action"] == "compute"
    ]
    return sum(computing) / (workers * (last - first))


def _cpu_of(client: Client, nannies: bool) -> float:
    """CPU seconds used so far by this process, each worker process and (``nannies``) the
    process that watches each one, once each."""
    used = {os.getpid(): time.process_time()}
    used.update(dict(client.run(_process_cpu).values()))
    if nannies:
        used.update(dict(client.run(_process_cpu, nanny=True).values()))
    return sum(used.values())


def _process_cpu() -> tuple[int, float]:
    return os.getpid(), time.process_time()


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
    parser.add_argument("--chunk", type=int, default=None, help="files per task (default: auto)")
    parser.add_argument("--threads", action="store_true", help="workers as threads, not processes")
    parser.add_argument("--no-history", dest="history", action="store_false")
    args = parser.parse_args()
    archive = build_archive(args.runs)
    # loose files, so --files counts files (a zip's members are tasks too, but it is one input)
    loose = [s.url for s in discover([str(archive.path)]) if s.member is None]
    inputs = [u for u in loose if not u.endswith(".zip")][: args.files]
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"control: 2 processes do a pure-Python task {_machine_parallelism():.2f}× as fast as 1")
    scratch = Path(tempfile.mkdtemp(prefix="legday-bench-batch-"))
    try:
        how = {"chunk_size": args.chunk, "history": args.history}
        runs: dict[int, list[Measured]] = {0: [], 1: [], 2: []}
        for k, workers in enumerate((0, 1, 2, 0)):  # the loop before and after: the load drifts
            out = scratch / f"run{k}"
            if workers == 0:
                m = _timed(inputs, out, time.process_time, in_process=True, **how)
                label = "plain loop"
            else:
                m = _on_dask(inputs, out, workers, args.threads, **how)
                label = f"dask, {workers} worker{'s' if workers > 1 else ''}"
            runs[workers].append(m)
            print(m.line(label), flush=True)
        loop = sum(m.files / m.seconds for m in runs[0]) / 2
        loop_cpu = sum(m.cpu / m.files for m in runs[0]) / 2
        loop_own = sum(m.chunks / m.files for m in runs[0]) / 2
        print(f"against the plain loop (mean of its two runs, {loop:.2f} files/s):")
        for workers in (1, 2):
            [m] = runs[workers]
            print(
                f"  {workers} worker{'s' if workers > 1 else ''}: "
                f"{m.files / m.seconds / loop:.2f}× as fast; "
                f"{m.cpu / m.files / loop_cpu:.2f}× the CPU a file "
                f"({m.chunks / m.files / loop_own:.2f}× in the chunks)"
            )
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        print(f"control again: {_machine_parallelism():.2f}×")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
