"""The batch on Dask: discover the inputs, run the chunk functions over chunks, count.

The client lists file names (and zip members) and ships them in chunks; the workers read the
files themselves (no bytes pass through the scheduler) and write Parquet under the output
folder. A local cluster is started unless a scheduler address (``tcp://…``) or a client is
given; ``in_process`` runs the same chunks one after another in this process (the plain loop
the benchmark compares against).

The output: ``<out>/activities``, the table (``pandas.read_parquet`` reads it whole),
``<out>/blocks`` with ``blocks=True``, and ``<out>/done``, the done-set. Resume: the done-set
holds the content hash of every file finished; a re-run sends it to the workers once and they
skip those files. A chunk writes its rows before its done-set file, and rows whose chunk left
no done-set file (a worker killed between the two) are removed at the start and the end of a
run, so a file has its rows exactly once.

History (``history=True``, the default): each run is judged against its athlete's earlier
runs of the same sport, as ``legday analyze`` judges a file against the history that
``legday import`` of the athlete's files stores. The import judges every file against the
history stored before it, then judges the later runs again against what it stored; the batch
takes the same two steps as two passes over the files, each writing a summary per session
(start, sport, length, distance, kind, maximum and sustained heart rate) under
``<out>/context`` and returning it, reduced on the client to a list per athlete and sent to
the workers that need it once:

1. **scan**: every file judged without history;
2. **judge**: every run that has an earlier run of its sport judged against the scan's
   summaries (its kind is what the import stores);
3. **write**: every file judged against the second pass's summaries, into the table.

A history is its athlete's alone, so the passes run per group of athletes
(:class:`~.plan.Plan`): a group's next pass starts as soon as its own previous pass is done,
while other groups are still scanned, and no worker waits at a barrier between passes. Each
pass skips what an earlier run into ``out`` did, so a resumed batch does not redo a pass.
"""

from __future__ import annotations

import heapq
import importlib.util
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import count
from typing import TYPE_CHECKING, Any

from legday.model import AthleteProfile
from legday.settings import Settings

from .chunk import (
    BLOCKS_DIR,
    DONE_DIR,
    JUDGED_DIR,
    SCAN_DIR,
    TABLE_DIR,
    ChunkResult,
    Histories,
    Shared,
    Summaries,
    context_chunk,
    process_chunk,
)
from .plan import Pass, Plan, Stage
from .sources import Source, discover

if TYPE_CHECKING:
    from distributed import Client

__all__ = [
    "DEFAULT_CHUNK",
    "BatchResult",
    "auto_chunk",
    "done_set",
    "local_cluster",
    "run_batch",
    "sweep_orphans",
]

#: Files per chunk: a chunk's rows are a few kB a file, so a worker's memory stays flat; large
#: enough that the per-task cost of Dask (~1 ms) is small next to ~50 ms of analysis per file.
DEFAULT_CHUNK = 64
#: Chunks per worker at the least, so that the last ones to run are short and leave no worker
#: idle for long: a chunk costs little of its own (in the plain loop over 200 files, chunks of
#: 4 files took 28.9-32.4 ms of CPU a file, chunks of 50 27.9-37.4 ms, on a loaded machine).
CHUNKS_PER_WORKER = 8

_PART = re.compile(r"part-([0-9a-f]{32})(?:-\d+)?\.parquet$")

ChunkFn = Callable[[list[Source], str, Shared, Histories | None], ChunkResult | Summaries]


@dataclass(frozen=True)
class BatchResult:
    counts: ChunkResult
    dashboard: str | None = None
    """The Dask dashboard's address, when it is served (it needs bokeh)."""
    scanned: ChunkResult = field(default_factory=ChunkResult)
    """The history's first pass (files judged without history)."""
    judged: ChunkResult = field(default_factory=ChunkResult)
    """The history's second pass (runs judged against the first pass's summaries)."""

    def to_dict(self) -> dict[str, Any]:
        c = self.counts
        return {
            "files": c.files,
            "rows": c.rows,
            "failed": c.failed,
            "skipped": c.skipped,
            "history": {
                "scanned": self.scanned.files,
                "judged": self.judged.files,
                "skipped": self.scanned.skipped + self.judged.skipped,
            },
            "dashboard": self.dashboard,
        }


def run_batch(
    inputs: Sequence[str],
    out: str,
    *,
    profile: AthleteProfile | None = None,
    settings: Settings | None = None,
    client: Client | None = None,
    scheduler: str | None = None,
    workers: int = 2,
    chunk_size: int | None = None,
    on_start: Callable[[str | None], None] | None = None,
    progress: bool = False,
    history: bool = True,
    blocks: bool = False,
    in_process: bool = False,
) -> BatchResult:
    """Analyse every file below ``inputs`` into the Parquet activity table at ``out``.

    ``client`` (an open Dask client) wins over ``scheduler`` (an address), which wins over a
    local cluster of ``workers`` processes; ``in_process`` uses no Dask at all. ``chunk_size``
    files go to a task (default: :func:`auto_chunk`). ``on_start(dashboard_link)`` is called
    once the cluster is up and its workers have imported the pipeline; ``progress`` shows
    Dask's progress bar on the terminal. ``history`` judges each run against its athlete's
    earlier runs (two more passes, module docstring); ``blocks`` also writes the per-block
    table.
    """
    from fsspec.core import url_to_fs

    fs, root = url_to_fs(out)
    fs.makedirs(root, exist_ok=True)
    sweep_orphans(out)
    shared = Shared(profile or AthleteProfile(), settings or Settings(), blocks=blocks)
    sources = list(discover(inputs))
    if in_process:
        result = _batch(_Loop(), sources, chunk_size, out, shared, history, on_start)
    elif client is not None:
        mapper = _Dask(client, progress)
        result = _batch(mapper, sources, chunk_size, out, shared, history, on_start)
    else:
        with _client(scheduler, workers) as own:
            mapper = _Dask(own, progress)
            result = _batch(mapper, sources, chunk_size, out, shared, history, on_start)
    sweep_orphans(out)
    return result


class _Loop:
    """Every chunk in this process, one after another: of the chunks ready, those of the
    earliest pass first, as on Dask."""

    workers = 1
    dashboard: str | None = None

    def start(self) -> None:
        _warm_up()

    def run(self, plan: Plan, out: str) -> None:
        ready: list[tuple[int, int, Pass, list[Source]]] = []
        order = count()

        def add(passes: list[Pass]) -> None:
            for p in passes:
                for chunk in p.chunks:
                    heapq.heappush(ready, (p.stage, next(order), p, chunk))

        add(plan.start())
        while ready:
            _, _, done, chunk = heapq.heappop(ready)
            result = _FUNCTIONS[done.stage](chunk, out, done.shared, done.histories)
            add(plan.finished(done, result))


class _Dask(_Loop):
    """Chunks as Dask tasks, each group's next pass submitted as soon as its previous pass is
    done. What a pass's chunks share goes to the cluster once and the tasks name it by its
    future: the done-sets of the scan and of the rows to every worker once a batch
    (``broadcast``), a group's histories (and its judge pass's done-set) once a pass, fetched
    by each worker that runs one of its chunks and released when the pass is done. Earlier
    passes go first (Dask's ``priority``): the scans, then each group's judging and rows as
    their group becomes ready, so the last tasks to run are rows, of whichever groups, and no
    worker waits for the others."""

    def __init__(self, client: Client, progress: bool) -> None:
        self.client, self.progress = client, progress
        self.workers = 1
        self.dashboard: str | None = None

    def start(self) -> None:
        self.client.run(_warm_up)
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))
        self.dashboard = _dashboard(self.client)

    def run(self, plan: Plan, out: str) -> None:
        from distributed import as_completed

        # fresh keys (hash=False): data released by a pass must not take with it the same
        # content scattered again under the same hashed key by another
        once = {
            id(s): self.client.scatter(s, broadcast=True, hash=False)
            for s in (plan.scan_shared, plan.write_shared)
        }
        tasks: dict[Any, Pass] = {}
        held: dict[Pass, list[Any]] = {}  # each pass's own scattered data, until it is done
        bar = _Progress(self.progress)
        running = as_completed()

        def submit(passes: list[Pass]) -> None:
            for p in passes:
                shared = once.get(id(p.shared))
                if shared is None:
                    shared = self.client.scatter(p.shared, hash=False)
                history = None
                if p.histories is not None:
                    # in a list: a dict alone is scattered as one future per key (named so)
                    [history] = self.client.scatter([p.histories], hash=False)
                held[p] = [shared, history]
                for chunk in p.chunks:
                    future = self.client.submit(
                        _FUNCTIONS[p.stage],
                        chunk,
                        out,
                        shared,
                        history,
                        pure=False,
                        priority=-p.stage,
                    )
                    tasks[future.key] = p
                    running.add(future)
                bar.add(p.stage, len(p.chunks))

        submit(plan.start())
        for future in running:
            done = tasks.pop(future.key)
            result = future.result()
            bar.done(done.stage)
            submit(plan.finished(done, result))
            if not done.left:
                held.pop(done, None)
        bar.close()


class _Progress:
    """A line on the terminal: each pass's chunks done of those submitted so far."""

    def __init__(self, shown: bool) -> None:
        self.shown = shown
        self.submitted = dict.fromkeys(Stage, 0)
        self.finished = dict.fromkeys(Stage, 0)

    def add(self, stage: Stage, chunks: int) -> None:
        self.submitted[stage] += chunks

    def done(self, stage: Stage) -> None:
        self.finished[stage] += 1
        if self.shown:
            parts = (f"{s.name.lower()} {self.finished[s]}/{self.submitted[s]}" for s in Stage)
            sys.stderr.write("\rchunks done: " + ", ".join(parts))
            sys.stderr.flush()

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\n")


#: What each pass runs on a chunk.
_FUNCTIONS: dict[Stage, ChunkFn] = {
    Stage.SCAN: context_chunk,
    Stage.JUDGE: context_chunk,
    Stage.WRITE: process_chunk,
}


def _batch(
    mapper: _Loop,
    sources: list[Source],
    chunk_size: int | None,
    out: str,
    shared: Shared,
    history: bool,
    on_start: Callable[[str | None], None] | None,
) -> BatchResult:
    mapper.start()
    if on_start is not None:
        on_start(mapper.dashboard)
    size = chunk_size or auto_chunk(len(sources), mapper.workers)
    scan = _read(out, SCAN_DIR) if history else []
    plan = Plan(
        sources,
        size,
        replace(shared, done=done_set(out)),
        history=history,
        scanned=frozenset(r["sha256"] for r in scan),
        prior_scan=scan,
        prior_judged=_read(out, JUDGED_DIR) if history else [],
    )
    mapper.run(plan, out)
    scanned, judged, written = (plan.counts[stage] for stage in Stage)
    return BatchResult(written, mapper.dashboard, scanned, judged)


def _warm_up() -> None:
    """Import the pipeline and load the exercise catalog on a worker, once, before any chunk."""
    import legday.assessment
    import legday.io.archive
    import legday.io.reader
    import legday.store.work  # noqa: F401
    from legday.strength import load_catalog

    load_catalog()


def auto_chunk(files: int, workers: int) -> int:
    """Files per chunk: :data:`DEFAULT_CHUNK`, or fewer so that every worker gets at least
    :data:`CHUNKS_PER_WORKER` chunks (a small batch still spreads over the cluster)."""
    return max(1, min(DEFAULT_CHUNK, -(-files // (CHUNKS_PER_WORKER * workers))))


#: Dask's own periodic work, made rarer on the local cluster ``legday batch`` starts: by
#: default each worker samples its task's stack every 10 ms (the dashboard's profile) and each
#: process checks its event loop every 20 ms and its memory every 0.1 s. On one worker busy
#: with a pure-Python task, its process took 6.5 % more CPU than the task's own thread with
#: these defaults, 1.3 % without them, and an idle cluster's scheduler and worker 3 % of a
#: core each, 1 % and 0.7 % without them (2 cores, load 10). The dashboard keeps its task
#: stream and progress; its profile page stays empty.
QUIET = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
}


@contextmanager
def local_cluster(workers: int, *, threads: bool = False) -> Iterator[Client]:
    """A client of a new local cluster of ``workers`` single-threaded processes (``threads``:
    one process of ``workers`` threads), with :data:`QUIET`'s settings, closed on the way
    out. The dashboard is on a free port (served only where bokeh is installed)."""
    import dask.config
    from distributed import Client, LocalCluster

    shape = {"n_workers": 1, "threads_per_worker": workers} if threads else {"n_workers": workers}
    with (
        dask.config.set(QUIET),
        LocalCluster(
            processes=not threads, dashboard_address=":0", **{"threads_per_worker": 1, **shape}
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


@contextmanager
def _client(scheduler: str | None, workers: int) -> Iterator[Client]:
    """A client of ``scheduler``, or of a new :func:`local_cluster`, closed on the way out."""
    from distributed import Client

    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with local_cluster(workers) as client:
        yield client


def _dashboard(client: Client) -> str | None:
    if importlib.util.find_spec("bokeh") is None:
        return None
    link = client.dashboard_link
    return str(link) if link else None


def done_set(out: str) -> frozenset[str]:
    """The keys of every file a run into ``out`` has finished."""
    return _keys(out, DONE_DIR)


def _keys(out: str, folder: str) -> frozenset[str]:
    """The content hashes (and name keys) the marker files of ``out/folder`` list."""
    return frozenset(r["sha256"] for r in _read(out, folder, ["sha256"]))


def _read(out: str, folder: str, columns: list[str] | None = None) -> list[dict[str, Any]]:
    """The rows of the marker files of ``out/folder`` (the done-set, a history pass)."""
    import pyarrow.dataset as ds
    from fsspec.core import url_to_fs

    fs, root = url_to_fs(out)
    files = fs.glob(f"{root}/{folder}/part-*.parquet") if fs.isdir(f"{root}/{folder}") else []
    if not files:
        return []
    table = ds.dataset(files, format="parquet", filesystem=fs).to_table(columns=columns)
    rows: list[dict[str, Any]] = table.to_pylist()
    return rows


def sweep_orphans(out: str) -> list[str]:
    """Remove rows whose chunk wrote no done-set file (and half-written marker files); the
    files removed."""
    from fsspec.core import url_to_fs

    fs, root = url_to_fs(out)
    done_files = fs.glob(f"{root}/{DONE_DIR}/part-*.parquet") if fs.isdir(root) else []
    tokens = {m.group(1) for f in done_files if (m := _PART.search(f))}
    orphans = [
        f
        for table in (TABLE_DIR, BLOCKS_DIR)
        for f in fs.glob(f"{root}/{table}/*/part-*.parquet")
        if (m := _PART.search(f)) and m.group(1) not in tokens
    ]
    for folder in (DONE_DIR, SCAN_DIR, JUDGED_DIR):
        orphans += fs.glob(f"{root}/{folder}/*.tmp")
    for f in orphans:
        fs.rm(f)
    return orphans
