"""The batch on Dask: discover the inputs, map the chunk functions over chunks, gather counts.

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
``<out>/context``, reduced on the client to a list per athlete and sent to the workers once:

1. **scan**: every file judged without history;
2. **judge**: every run that has an earlier run of its sport judged against the scan's
   summaries (its kind is what the import stores);
3. **write**: every file judged against the second pass's summaries, into the table.

Each pass skips what an earlier run into ``out`` did, so a resumed batch does not redo a pass.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
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
    context_chunk,
    process_chunk,
)
from .sources import Source, chunks, discover

if TYPE_CHECKING:
    from distributed import Client

__all__ = [
    "DEFAULT_CHUNK",
    "BatchResult",
    "auto_chunk",
    "done_set",
    "histories",
    "run_batch",
    "sweep_orphans",
]

#: Files per chunk: a chunk's rows are a few kB a file, so a worker's memory stays flat; large
#: enough that the per-task cost of Dask (~1 ms) is small next to ~50 ms of analysis per file.
DEFAULT_CHUNK = 64
#: Chunks per worker at the least, so the last chunks do not leave workers idle; no more: with
#: 200 files on 2 workers (bench/batch.py, on a loaded machine, docs/batch.md), chunks of 25
#: took 1.31-1.37x the plain loop's CPU a file (2 runs), chunks of 50 or 64 1.00-1.18x (3).
CHUNKS_PER_WORKER = 2

_PART = re.compile(r"part-([0-9a-f]{32})(?:-\d+)?\.parquet$")

ChunkFn = Callable[[list[Source], str, Shared, Histories | None], ChunkResult]


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
        result = _passes(_Loop(), sources, chunk_size, out, shared, history, on_start)
    elif client is not None:
        mapper = _Dask(client, progress)
        result = _passes(mapper, sources, chunk_size, out, shared, history, on_start)
    else:
        with _client(scheduler, workers) as own:
            mapper = _Dask(own, progress)
            result = _passes(mapper, sources, chunk_size, out, shared, history, on_start)
    sweep_orphans(out)
    return result


class _Loop:
    """Every chunk in this process, one after another."""

    workers = 1
    dashboard: str | None = None

    def start(self) -> None:
        _warm_up()

    def map(
        self,
        fn: ChunkFn,
        work: list[list[Source]],
        out: str,
        shared: Shared,
        histories: Histories | None,
    ) -> ChunkResult:
        total = ChunkResult()
        for chunk in work:
            total = total + fn(chunk, out, shared, histories)
        return total


class _Dask(_Loop):
    """Chunks as Dask tasks; what they share (the settings, each athlete's history) is sent to
    every worker once and named in the tasks by its future."""

    def __init__(self, client: Client, progress: bool) -> None:
        self.client, self.progress = client, progress
        self.workers = 1
        self.dashboard: str | None = None

    def start(self) -> None:
        self.client.run(_warm_up)
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))
        self.dashboard = _dashboard(self.client)

    def map(
        self,
        fn: ChunkFn,
        work: list[list[Source]],
        out: str,
        shared: Shared,
        histories: Histories | None,
    ) -> ChunkResult:
        from distributed import progress as progress_bar

        if not work:
            return ChunkResult()
        # fresh keys (hash=False): a pass's data released just before must not take with it
        # the same content scattered again under the same hashed key by the next pass
        [shared_future] = self.client.scatter([shared], broadcast=True, hash=False)
        per_chunk: list[dict[str, Any] | None] = [None] * len(work)
        if histories is not None:
            names = sorted(histories)
            data = [histories[a] for a in names]
            futures = self.client.scatter(data, broadcast=True, hash=False) if data else []
            by_athlete = dict(zip(names, futures, strict=True))
            per_chunk = [
                {s.athlete: by_athlete[s.athlete] for s in c if s.athlete in by_athlete}
                for c in work
            ]
        tasks = self.client.map(
            fn, work, [out] * len(work), [shared_future] * len(work), per_chunk, pure=False
        )
        if self.progress:
            progress_bar(tasks)
        total = ChunkResult()
        for result in self.client.gather(tasks):
            total = total + result
        return total


def _passes(
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
    work = list(chunks(sources, size))
    scanned = judged = ChunkResult()
    found: dict[str, list[dict[str, Any]]] | None = None
    if history and sources:
        seen = replace(shared, done=_keys(out, SCAN_DIR))
        scanned = mapper.map(context_chunk, work, out, seen, None)
        scan = _read(out, SCAN_DIR)
        first = histories(scan)
        settled = _without_earlier_runs(scan, first) | _keys(out, JUDGED_DIR)
        by_name: dict[str, set[str]] = {}
        for row in scan:
            by_name.setdefault(row["source"], set()).add(row["sha256"])
        todo = [s for s in sources if not by_name.get(s.name, {""}) <= settled]
        again = list(chunks(todo, size))
        judged = mapper.map(context_chunk, again, out, replace(shared, done=settled), first)
        found = histories(scan, _read(out, JUDGED_DIR))
    counts = mapper.map(process_chunk, work, out, replace(shared, done=done_set(out)), found)
    return BatchResult(counts, mapper.dashboard, scanned, judged)


def histories(
    scan: list[dict[str, Any]], judged: list[dict[str, Any]] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Each athlete's history from the scan's summaries, with the kinds ``judged`` gave its runs
    where it judged them. A session is in it once, as the store keeps it: a file listed twice
    counts once, and of two copies of one session (:func:`_copies`) the richer recording."""
    kinds = {(j["sha256"], j["index"]): j["kind"] for j in judged or ()}
    by_athlete: dict[str, dict[tuple[str, int], dict[str, Any]]] = {}
    for row in sorted(scan, key=lambda r: r["source"]):
        if row["sport"] is not None:
            by_athlete.setdefault(row["athlete"], {}).setdefault((row["sha256"], row["index"]), row)
    out: dict[str, list[dict[str, Any]]] = {}
    for athlete, rows in by_athlete.items():
        entries = []
        for key, row in _copies(list(rows.items())):
            entry = {k: row[k] for k in _HISTORY_KEYS}
            entry["kind"] = kinds.get(key, row["kind"])
            entries.append(entry)
        out[athlete] = entries
    return out


_HISTORY_KEYS = ("start", "duration_s", "distance_m", "kind", "sport", "max_hr", "effort_hr")


def _copies(
    rows: list[tuple[tuple[str, int], dict[str, Any]]],
) -> list[tuple[tuple[str, int], dict[str, Any]]]:
    """One athlete's sessions without the copies the import would not store: of sessions of
    one sport (or one "generic") starting within ``SAME_START_TOLERANCE_S`` of each other, the
    richest recording (samples × channels; the first listed on a tie), as
    ``Importer._same_session`` keeps it. Its second rule (a copy in local time without its
    offset, found by comparing the samples) is not applied."""
    from legday.store.importer import SAME_START_TOLERANCE_S

    kept: list[tuple[tuple[str, int], dict[str, Any], int]] = []
    ordered = sorted(enumerate(rows), key=lambda r: r[1][1]["start"])
    for order, (key, row) in ordered:
        twin = None
        for i in range(len(kept) - 1, -1, -1):
            other = kept[i][1]
            if (row["start"] - other["start"]).total_seconds() > SAME_START_TOLERANCE_S:
                break
            if row["sport"] == other["sport"] or "generic" in (row["sport"], other["sport"]):
                twin = i
                break
        if twin is None:
            kept.append((key, row, order))
        elif (row["richness"], -order) > (kept[twin][1]["richness"], -kept[twin][2]):
            kept[twin] = (key, row, order)
    return [(key, row) for key, row, _ in kept]


def _without_earlier_runs(
    scan: list[dict[str, Any]], first: dict[str, list[dict[str, Any]]]
) -> frozenset[str]:
    """The files none of whose sessions has an earlier session of its sport by its athlete:
    judged against their history, they are judged as the scan judged them."""
    earliest: dict[tuple[str, str], Any] = {}
    for athlete, entries in first.items():
        for e in entries:
            key = (athlete, e["sport"])
            earliest[key] = min(earliest.get(key, e["start"]), e["start"])
    has_history = {
        row["sha256"]
        for row in scan
        if row["sport"] is not None and row["start"] > earliest[(row["athlete"], row["sport"])]
    }
    return frozenset(row["sha256"] for row in scan if row["sha256"] not in has_history)


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


@contextmanager
def _client(scheduler: str | None, workers: int) -> Iterator[Client]:
    """A client of ``scheduler``, or of a new local cluster of ``workers`` single-threaded
    processes, closed on the way out."""
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with (  # the dashboard on a free port (served only where bokeh is installed)
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
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
