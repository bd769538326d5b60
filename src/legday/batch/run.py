"""The batch on Dask: discover the inputs, map :func:`process_chunk` over chunks, gather counts.

The client lists file names and ships them in chunks; the workers read the files themselves (no
bytes pass through the scheduler) and write Parquet under the output folder. A local cluster is
started unless a scheduler address (``tcp://…``) or a client is given.

The output: ``<out>/activities``, the table (``pandas.read_parquet`` reads it whole), and
``<out>/done``, the done-set. Resume: the done-set holds the content hash of every file
finished; a re-run sends it to the workers once and they skip those files. A chunk writes its
rows before its done-set file, and rows whose chunk left no done-set file (a worker killed
between the two) are removed at the start and the end of a run, so a file has its rows exactly
once.

Each file is judged on its own, without the athlete's history, as ``legday analyze`` judges a
file against an empty database: "long" and R4's overload need earlier runs, which a batch of
independent workers does not pass between files.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from legday.model import AthleteProfile
from legday.settings import Settings

from .chunk import DONE_DIR, TABLE_DIR, ChunkResult, Shared, process_chunk
from .sources import Source, chunks, discover

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["DEFAULT_CHUNK", "BatchResult", "auto_chunk", "done_set", "run_batch", "sweep_orphans"]

#: Files per chunk: a chunk's rows are a few kB a file, so a worker's memory stays flat; large
#: enough that the per-task cost of Dask (~1 ms) is small next to ~50 ms of analysis per file.
DEFAULT_CHUNK = 64
#: Chunks per worker at the least, so the last chunks do not leave workers idle.
CHUNKS_PER_WORKER = 4

_PART = re.compile(r"part-([0-9a-f]{32})(?:-\d+)?\.parquet$")


@dataclass(frozen=True)
class BatchResult:
    counts: ChunkResult
    dashboard: str | None = None
    """The Dask dashboard's address, when it is served (it needs bokeh)."""

    def to_dict(self) -> dict[str, Any]:
        c = self.counts
        return {
            "files": c.files,
            "rows": c.rows,
            "failed": c.failed,
            "skipped": c.skipped,
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
) -> BatchResult:
    """Analyse every file below ``inputs`` into the Parquet activity table at ``out``.

    ``client`` (an open Dask client) wins over ``scheduler`` (an address), which wins over a
    local cluster of ``workers`` processes. ``chunk_size`` files go to a task (default:
    :func:`auto_chunk`). ``on_start(dashboard_link)`` is called once the cluster is up and its
    workers have imported the pipeline; ``progress`` shows Dask's progress bar on the terminal.
    """
    from fsspec.core import url_to_fs

    fs, root = url_to_fs(out)
    fs.makedirs(root, exist_ok=True)
    sweep_orphans(out)
    shared = Shared(profile or AthleteProfile(), settings or Settings(), done_set(out))
    sources = list(discover(inputs))
    if client is not None:
        counts = _run(client, sources, chunk_size, out, shared, on_start, progress)
        dashboard = _dashboard(client)
    else:
        with _client(scheduler, workers) as own:
            counts = _run(own, sources, chunk_size, out, shared, on_start, progress)
            dashboard = _dashboard(own)
    sweep_orphans(out)
    return BatchResult(counts, dashboard)


def _run(
    client: Client,
    sources: list[Source],
    chunk_size: int | None,
    out: str,
    shared: Shared,
    on_start: Callable[[str | None], None] | None,
    progress: bool,
) -> ChunkResult:
    from distributed import progress as progress_bar

    client.run(_warm_up)
    if on_start is not None:
        on_start(_dashboard(client))
    if not sources:
        return ChunkResult()
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    work = list(chunks(sources, chunk_size or auto_chunk(len(sources), workers)))
    [shared_future] = client.scatter([shared], broadcast=True)
    futures = client.map(process_chunk, work, out=out, shared=shared_future, pure=False)
    if progress:
        progress_bar(futures)
    total = ChunkResult()
    for result in client.gather(futures):
        total = total + result
    return total


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
    import pyarrow.dataset as ds
    from fsspec.core import url_to_fs

    fs, root = url_to_fs(out)
    folder = f"{root}/{DONE_DIR}"
    if not fs.isdir(folder) or not fs.glob(f"{folder}/part-*.parquet"):
        return frozenset()
    files = fs.glob(f"{folder}/part-*.parquet")
    table = ds.dataset(files, format="parquet", filesystem=fs).to_table(columns=["sha256"])
    return frozenset(table.column("sha256").to_pylist())


def sweep_orphans(out: str) -> list[str]:
    """Remove rows whose chunk wrote no done-set file (and half-written done-set files); the
    files removed."""
    from fsspec.core import url_to_fs

    fs, root = url_to_fs(out)
    done_files = fs.glob(f"{root}/{DONE_DIR}/part-*.parquet") if fs.isdir(root) else []
    tokens = {m.group(1) for f in done_files if (m := _PART.search(f))}
    orphans = [
        f
        for f in fs.glob(f"{root}/{TABLE_DIR}/*/part-*.parquet")
        if (m := _PART.search(f)) and m.group(1) not in tokens
    ]
    orphans += fs.glob(f"{root}/{DONE_DIR}/*.tmp")
    for f in orphans:
        fs.rm(f)
    return orphans
