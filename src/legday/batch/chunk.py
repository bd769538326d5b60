"""A worker's unit of work: a chunk of files read, decoded, judged and written as Parquet.

:func:`process_chunk` runs on a Dask worker (or in a plain loop). It opens each file itself
(a zip member: the zip, read from this worker), hashes it, skips what the done-set holds, runs
the import's own :func:`~legday.store.work.decode_item` on the rest, each run against its
athlete's history when one is given, and writes the chunk's rows under the output's
``activities`` folder (and ``blocks``, when asked; Hive-partitioned by athlete) before its
done-set file, so a chunk is done only once its rows are on disk. Only counts travel back to
the client: no bytes, no rows. Memory holds one file's samples at a time plus the chunk's rows
(a few kB each).

:func:`context_chunk` is the same walk for the passes that build the athletes' history
(:mod:`.run`): it writes each run's summary, a hundred bytes, instead of rows.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING, Any

from legday.errors import LegdayError
from legday.model import Activity, AthleteProfile
from legday.settings import Settings
from legday.store.work import Decoded, DecodedActivity, SortedHistory, WorkItem, decode_item

from .rows import (
    BLOCK_SCHEMA,
    DONE_SCHEMA,
    JUDGED,
    SCAN_SCHEMA,
    SCHEMA,
    block_rows,
    error_row,
    rows_of,
)
from .sources import Source

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "BLOCKS_DIR",
    "DONE_DIR",
    "JUDGED_DIR",
    "SCAN_DIR",
    "TABLE_DIR",
    "ChunkResult",
    "Histories",
    "Shared",
    "Summaries",
    "context_chunk",
    "history_entry",
    "process_chunk",
]

#: The activity table's folder inside the output.
TABLE_DIR = "activities"
#: The per-block table's folder (``--blocks``).
BLOCKS_DIR = "blocks"
#: The done-set's folder inside the output.
DONE_DIR = "done"
#: The history passes' tables: each run's summary judged without history, then its kind
#: judged against it (``legday import``'s two judgements).
SCAN_DIR, JUDGED_DIR = "context/scan", "context/judged"
#: The schema of each table a chunk writes by athlete.
TABLES = {TABLE_DIR: SCHEMA, BLOCKS_DIR: BLOCK_SCHEMA}
#: A zip's first bytes.
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Shared:
    """What every chunk of a batch's pass shares, sent to each worker once."""

    profile: AthleteProfile
    settings: Settings
    done: frozenset[str] = frozenset()
    """Content hashes (and name keys of files that could not be read) this pass skips."""
    blocks: bool = False
    """Also write a row per segment of each run (:data:`~.rows.BLOCK_SCHEMA`)."""


#: Each athlete's history (by athlete key), as ``legday.store.work.decode_item`` takes it.
Histories = Mapping[str, list[dict[str, Any]]]


@dataclass(frozen=True)
class ChunkResult:
    files: int = 0
    """Files (zip members) analysed by this chunk."""
    rows: int = 0
    failed: int = 0
    """Files that became an error row."""
    skipped: int = 0
    """Files the done-set already held."""
    cpu_s: float = 0.0
    """CPU seconds the chunk's own thread took (reading, analysis, writing): the batch's cost
    without the share of Dask (its scheduler, comms and the workers' own threads)."""

    def __add__(self, other: ChunkResult) -> ChunkResult:
        return ChunkResult(
            self.files + other.files,
            self.rows + other.rows,
            self.failed + other.failed,
            self.skipped + other.skipped,
            self.cpu_s + other.cpu_s,
        )


def process_chunk(
    sources: list[Source], out: str, shared: Shared, histories: Histories | None = None
) -> ChunkResult:
    """Analyse ``sources`` (each run against its athlete's entry of ``histories``, if any) and
    write their rows and done-set entries under ``out``."""
    rows: list[dict[str, Any]] = []
    blocks: list[dict[str, Any]] = []
    done: list[dict[str, Any]] = []
    failed = 0
    work = _Work(sources, shared, histories)
    for source, key, decoded in work:
        if isinstance(decoded, dict):
            new = [decoded]
        else:
            new = rows_of(decoded, source.athlete, shared.settings)
            if shared.blocks:
                blocks += block_rows(decoded, source.athlete)
        failed += any(r.get("error") for r in new)
        rows += new
        done.append({"sha256": key, "source": new[0]["source"], "rows": len(new)})
    if done:
        _write({TABLE_DIR: rows, BLOCKS_DIR: blocks}, DONE_DIR, done, DONE_SCHEMA, out)
    return ChunkResult(len(done), len(rows), failed, work.skipped, work.cpu_s())


@dataclass(frozen=True)
class Summaries:
    """What a history pass's chunk returns: its counts, and the summaries it wrote (as read
    back from its Parquet file), about a hundred bytes a session, which the client reduces to
    the athletes' histories without reading them again."""

    counts: ChunkResult
    rows: list[dict[str, Any]]


def context_chunk(
    sources: list[Source], out: str, shared: Shared, histories: Histories | None = None
) -> Summaries:
    """A pass that builds the athletes' history: each run's summary (as the store keeps it for
    "long", R4 and the anchors), judged without history (``histories`` None: written to
    :data:`SCAN_DIR`) or against it (its kind only: written to :data:`JUDGED_DIR`)."""
    found: list[dict[str, Any]] = []
    work = _Work(sources, shared, histories)
    for source, key, decoded in work:
        if isinstance(decoded, dict) or not decoded.activities:  # seen: nothing to summarise
            name = decoded["source"] if isinstance(decoded, dict) else decoded.name
            found.append({"sha256": key, "source": name, "athlete": source.athlete})
            continue
        for index, item in enumerate(decoded.activities):
            summary: dict[str, Any] = {"kind": item.kind}
            if histories is None:
                summary |= history_entry(item) | {"source": decoded.name}
                summary |= {"athlete": source.athlete, "richness": _richness(item.activity)}
            found.append({"sha256": key, "index": index, **summary})
    written: list[dict[str, Any]] = []
    if found:
        folder, schema = (SCAN_DIR, SCAN_SCHEMA) if histories is None else (JUDGED_DIR, JUDGED)
        written = _write({}, folder, found, schema, out).to_pylist()
    files = len({f["sha256"] for f in found})
    return Summaries(ChunkResult(files, skipped=work.skipped, cpu_s=work.cpu_s()), written)


def history_entry(item: DecodedActivity) -> dict[str, Any]:
    """An analysed activity as the store's history holds it (``stored_history``)."""
    a = item.activity
    return {
        "start": a.start,
        "duration_s": a.duration_s,
        "distance_m": a.distance_m,
        "kind": item.kind,
        "sport": a.sport,
        "max_hr": item.max_hr,
        "effort_hr": item.effort_hr,
    }


def _richness(activity: Activity) -> int:
    """Samples × channels with a value: of two copies of one session, the import keeps the
    richer (``legday.store.importer``)."""
    import numpy as np

    filled = sum(1 for arr in activity.samples.values() if np.isfinite(arr).any())
    return activity.n_samples * filled


class _Work:
    """The chunk's items not yet done, decoded: ``(source, key, Decoded or error row)``."""

    def __init__(self, sources: list[Source], shared: Shared, histories: Histories | None):
        self.started = time.thread_time()
        self.sources, self.shared = sources, shared
        # each athlete's history indexed once a chunk (by sport, oldest first), as the import
        # indexes it once: a run takes its earlier sessions by bisection, not by a walk over
        # the whole history that summarises each session again (quadratic in its length)
        self.histories = {a: SortedHistory(h) for a, h in (histories or {}).items()}
        self.skipped = 0

    def cpu_s(self) -> float:
        """CPU seconds this thread took since the chunk started."""
        return time.thread_time() - self.started

    def __iter__(self) -> Iterator[tuple[Source, str, Decoded | dict[str, Any]]]:
        shared = self.shared
        for source, item in _inputs(self.sources):
            key = item["sha256"] if isinstance(item, dict) else item.sha256
            if key in shared.done:
                self.skipped += 1
            elif isinstance(item, dict):  # a file or member that could not be read
                yield source, key, item
            else:
                history: list[dict[str, Any]] = self.histories.get(source.athlete, [])
                yield source, key, decode_item(item, shared.profile, shared.settings, history)


def _inputs(sources: list[Source]) -> Iterator[tuple[Source, WorkItem | dict[str, Any]]]:
    """Each source's work items; the members of one zip that follow each other in the chunk
    are read with the zip opened once."""
    for (_, is_member), group in groupby(sources, key=lambda s: (s.url, s.member is not None)):
        members = list(group)
        if is_member:
            names = {m.member or "" for m in members}
            yield from ((members[0], i) for i in _zip_items(members[0], names))
        else:
            for source in members:
                yield from ((source, i) for i in _items(source))


def _items(source: Source) -> Iterator[WorkItem | dict[str, Any]]:
    """The work items of one input: the file, or each member of a zip; an input or member that
    cannot be read is its error row, keyed by its name (it has no content to hash)."""
    import fsspec

    from legday.io.reader import MAX_INPUT_BYTES

    try:
        with fsspec.open(source.url, "rb") as fh:
            head = fh.read(len(_ZIP_MAGIC))
            if head != _ZIP_MAGIC:
                data = head + fh.read(MAX_INPUT_BYTES + 1 - len(head))
    except (OSError, ValueError) as exc:
        missing = isinstance(exc, FileNotFoundError)
        yield _unreadable(source, "NotFoundError" if missing else "FileError", exc)
        return
    if head == _ZIP_MAGIC:
        yield from _zip_items(source)
        return
    if len(data) > MAX_INPUT_BYTES:
        limit = MAX_INPUT_BYTES // (1024 * 1024)
        yield _row_for(
            source, "UnsafeInputError", f"{source.url}: larger than {limit} MiB: refused"
        )
        return
    yield WorkItem(name=source.url, data=data, sha256=hashlib.sha256(data).hexdigest())


def _zip_items(source: Source, only: set[str] | None = None) -> Iterator[WorkItem | dict[str, Any]]:
    """The members of a zip (``only`` those named), read from the zip's file by this worker
    (a remote zip through fsspec's random access, never copied whole)."""
    import fsspec

    from legday.io.archive import iter_archive_members

    members = 0
    try:
        with fsspec.open(source.url, "rb") as fh:
            for m in iter_archive_members(fh, label=source.url, only=only):
                members += 1
                if m.error is not None:
                    yield _row_for(m.name, type(m.error).__name__, str(m.error), source.athlete)
                else:
                    data = m.data or b""
                    digest = hashlib.sha256(data).hexdigest()
                    yield WorkItem(name=m.name, data=data, sha256=digest, strava=m.strava)
    except (LegdayError, OSError) as exc:  # the zip itself: each of its sources says so
        kind = type(exc).__name__ if isinstance(exc, LegdayError) else "FileError"
        names = sorted(only) if only is not None else [None]
        yield from (_row_for(Source(source.url, source.athlete, n), kind, str(exc)) for n in names)
        return
    if members == 0 and only is None:
        error = f"{source.url}: the zip holds no FIT, GPX or TCX file and no lifting log"
        yield _row_for(source, "UnsupportedFileError", error)


def _unreadable(source: Source, error_type: str, exc: Exception) -> dict[str, Any]:
    reason = getattr(exc, "strerror", None) or exc
    return _row_for(source, error_type, f"{source.url}: {reason}")


def _row_for(
    source: Source | str, error_type: str, error: str, athlete: str | None = None
) -> dict[str, Any]:
    """An error row keyed by its name's hash (a file that cannot be read has no content)."""
    name = source.name if isinstance(source, Source) else source
    who = source.athlete if isinstance(source, Source) else athlete or "unknown"
    key = "name:" + hashlib.sha256(name.encode()).hexdigest()
    return error_row(name, key, who, error_type, error)


def _write(
    tables: Mapping[str, list[dict[str, Any]]],
    marker_dir: str,
    marker: list[dict[str, Any]],
    marker_schema: pa.Schema,
    out: str,
) -> pa.Table:
    """The chunk's tables (one file per athlete each), then its marker file (the done-set's, or
    a history pass's table), atomic by rename: the chunk counts as done once it is there. The
    marker table, as written."""
    import pyarrow as pa
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq
    from fsspec.core import url_to_fs

    fs, root = url_to_fs(out)
    token = uuid.uuid4().hex
    for folder, rows in tables.items():
        if rows:
            ds.write_dataset(
                pa.Table.from_pylist(rows, schema=TABLES[folder]),
                f"{root}/{folder}",
                format="parquet",
                partitioning=["athlete"],
                partitioning_flavor="hive",
                basename_template=f"part-{token}-{{i}}.parquet",
                existing_data_behavior="overwrite_or_ignore",
                filesystem=fs,
            )
    fs.makedirs(f"{root}/{marker_dir}", exist_ok=True)
    final = f"{root}/{marker_dir}/part-{token}.parquet"
    table = pa.Table.from_pylist(marker, schema=marker_schema)
    with fs.open(final + ".tmp", "wb") as fh:
        pq.write_table(table, fh)
    fs.mv(final + ".tmp", final)
    return table
