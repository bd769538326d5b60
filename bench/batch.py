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
the loop runs before and after the clusters (the ratios are against the mean of both), each
run prints the load average and the CPU time it took per file (the workers' and the client's:
Dask's own cost, whatever the load), and a control says how much faster 2 processes run a
pure-Python task than 1 right now: the ceiling for the 2-worker ratio.

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
from pathlib import Path
from typing import Any

from distributed import Client, LocalCluster

from archive import build_archive
from legday.batch import discover, run_batch


def _timed(
    inputs: list[str], out: Path, cpu: Callable[[], float], **how: Any
) -> tuple[int, float, float, float]:
    """Files analysed by ``run_batch(inputs, out, **how)``, the seconds and ``cpu()`` seconds
    from its workers being up (the pipeline imported) to the end, and the CPU seconds of
    those the chunks' own threads took (every pass's)."""
    up: list[float] = []
    result = run_batch(
        inputs, str(out), on_start=lambda _: up.extend((time.perf_counter(), cpu())), **how
    )
    chunks = sum(c.cpu_s for c in (result.scanned, result.judged, result.counts))
    return result.counts.files, time.perf_counter() - up[0], cpu() - up[1], chunks


def _on_dask(
    inputs: list[str], out: Path, workers: int, threads: bool, **how: Any
) -> tuple[int, float, float, float, float]:
    """Files analysed, seconds from the cluster being up to the end, start-up seconds, the CPU
    seconds the batch took (the workers' and this process's, where the scheduler runs) and
    those of the chunks' own threads."""
    t0 = time.perf_counter()
    # one thread a worker process, as `legday batch` starts its own cluster (run.py): Dask's
    # default gives a lone worker both cores as threads, which fight over the GIL
    shape = (
        {"n_workers": 1, "threads_per_worker": workers}
        if threads
        else {"n_workers": workers, "threads_per_worker": 1}
    )
    with (
        LocalCluster(processes=not threads, dashboard_address=None, **shape) as cluster,  # type: ignore[arg-type]
        Client(cluster) as client,
    ):
        started = time.perf_counter() - t0
        files, seconds, cpu, chunks = _timed(
            inputs, out, lambda: _cpu_of(client), client=client, **how
        )
    return files, seconds, started, cpu, chunks


def _cpu_of(client: Client) -> float:
    """CPU seconds used so far by this process and by each worker process (once each)."""
    used = {os.getpid(): time.process_time()}
    used.update(dict(client.run(_process_cpu).values()))
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
        rate: dict[int, list[float]] = {0: [], 1: [], 2: []}
        cpu: dict[int, list[float]] = {0: [], 1: [], 2: []}
        own: dict[int, list[float]] = {0: [], 1: [], 2: []}
        for k, workers in enumerate((0, 1, 2, 0)):  # the loop before and after: the load drifts
            out = scratch / f"run{k}"
            if workers == 0:
                files, seconds, used, chunks = _timed(
                    inputs, out, time.process_time, in_process=True, **how
                )
                start, label = 0.0, "plain loop"
            else:
                files, seconds, start, used, chunks = _on_dask(
                    inputs, out, workers, args.threads, **how
                )
                label = f"dask, {workers} worker{'s' if workers > 1 else ''}"
            rate[workers].append(files / seconds)
            cpu[workers].append(used / files)
            own[workers].append(chunks / files)
            print(
                f"{label}: {files} files in {seconds:.1f} s (+{start:.1f} s start), "
                f"{files / seconds:.2f} files/s, CPU {1000 * used / files:.0f} ms a file "
                f"({1000 * chunks / files:.0f} in the chunks, {1000 * (used - chunks) / files:.0f}"
                f" outside); load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
        loop, loop_cpu, loop_own = sum(rate[0]) / 2, sum(cpu[0]) / 2, sum(own[0]) / 2
        print(f"against the plain loop (mean of its two runs, {loop:.2f} files/s):")
        for workers in (1, 2):
            print(
                f"  {workers} worker{'s' if workers > 1 else ''}: {rate[workers][0] / loop:.2f}× "
                f"as fast; {cpu[workers][0] / loop_cpu:.2f}× the CPU a file "
                f"({own[workers][0] / loop_own:.2f}× in the chunks)"
            )
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        print(f"control again: {_machine_parallelism():.2f}×")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
