"""A worker's unit of work: a chunk of files read, decoded, judged and written as Parquet.

:func:`process_chunk` runs on a Dask worker (or in a plain loop). It opens each file itself,
hashes it, skips what the done-set holds, runs the import's own
:func:`~legday.store.work.decode_item` on the rest, and writes the chunk's rows under the
output's ``activities`` folder (Hive-partitioned by athlete) before its done-set file, so a
chunk is done only once its rows are on disk. Only counts travel back to the client: no bytes,
no rows. Memory holds one file's samples at a time plus the chunk's rows (a few kB each).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from legday.errors import LegdayError
from legday.model import AthleteProfile
from legday.settings import Settings
from legday.store.work import WorkItem, decode_item

from .rows import DONE_SCHEMA, SCHEMA, error_row, rows_of
from .sources import Source, is_local

__all__ = ["DONE_DIR", "TABLE_DIR", "ChunkResult", "Shared", "process_chunk"]

#: The activity table's folder inside the output.
TABLE_DIR = "activities"
#: The done-set's folder inside the output.
DONE_DIR = "done"
#: A zip's first bytes.
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Shared:
    """What every chunk of a batch shares, sent to each worker once."""

    profile: AthleteProfile
    settings: Settings
    done: frozenset[str] = frozenset()
    """Content hashes (and name keys of files that could not be read) already done."""


@dataclass(frozen=True)
class ChunkResult:
    files: int = 0
    """Files (zip members) analysed by this chunk."""
    rows: int = 0
    failed: int = 0
    """Files that became an error row."""
    skipped: int = 0
    """Files the done-set already held."""

    def __add__(self, other: ChunkResult) -> ChunkResult:
        return ChunkResult(
            self.files + other.files,
            self.rows + other.rows,
            self.failed + other.failed,
            self.skipped + other.skipped,
        )


def process_chunk(sources: list[Source], out: str, shared: Shared) -> ChunkResult:
    """Analyse ``sources`` and write their rows and done-set entries under ``out``."""
    rows: list[dict[str, Any]] = []
    done: list[dict[str, Any]] = []
    files = failed = skipped = 0
    for source in sources:
        for item in _items(source):
            if isinstance(item, dict):  # a file or member that could not be read
                key = item["sha256"]
                if key in shared.done:
                    skipped += 1
                    continue
                new = [item]
            else:
                if item.sha256 in shared.done:
                    skipped += 1
                    continue
                decoded = decode_item(item, shared.profile, shared.settings, [])
                new = rows_of(decoded, source.athlete, shared.settings)
                key = item.sha256
            files += 1
            failed += any(r.get("error") for r in new)
            rows += new
            done.append({"sha256": key, "source": new[0]["source"], "rows": len(new)})
    if done:
        _write(rows, done, out)
    return ChunkResult(files, len(rows), failed, skipped)


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


def _zip_items(source: Source) -> Iterator[WorkItem | dict[str, Any]]:
    """Each member of a zip (a remote zip is copied to a local temporary file first)."""
    import os
    import tempfile

    from fsspec.core import url_to_fs

    from legday.io.archive import iter_archive_members

    fs, path = url_to_fs(source.url)
    local = None
    if not is_local(fs):
        handle, local = tempfile.mkstemp(suffix=".zip")
        os.close(handle)
        fs.get_file(path, local)

    def named(text: str) -> str:  # the zip by its URL, not by the local copy's name
        return text.replace(local, source.url) if local else text

    members = 0
    try:
        for m in iter_archive_members(local or path):
            members += 1
            name = named(m.name)
            if m.error is not None:
                error = named(str(m.error))
                yield _row_for(name, type(m.error).__name__, error, source.athlete)
            else:
                data = m.data or b""
                digest = hashlib.sha256(data).hexdigest()
                yield WorkItem(name=name, data=data, sha256=digest, strava=m.strava)
    except LegdayError as exc:
        yield _row_for(source, type(exc).__name__, named(str(exc)))
        return
    finally:
        if local is not None:
            os.unlink(local)
    if members == 0:
        error = f"{source.url}: the zip holds no FIT, GPX or TCX file and no lifting log"
        yield _row_for(source, "UnsupportedFileError", error)


def _unreadable(source: Source, error_type: str, exc: Exception) -> dict[str, Any]:
    reason = getattr(exc, "strerror", None) or exc
    return _row_for(source, error_type, f"{source.url}: {reason}")


def _row_for(
    source: Source | str, error_type: str, error: str, athlete: str | None = None
) -> dict[str, Any]:
    """An error row keyed by its name's hash (a file that cannot be read has no content)."""
    name = source.url if isinstance(source, Source) else source
    who = source.athlete if isinstance(source, Source) else athlete or "unknown"
    key = "name:" + hashlib.sha256(name.encode()).hexdigest()
    return error_row(name, key, who, error_type, error)


def _write(rows: list[dict[str, Any]], done: list[dict[str, Any]], out: str) -> None:
    """The chunk's rows (one file per athlete), then its done-set file (atomic by rename)."""
    import pyarrow as pa
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq
    from fsspec.core import url_to_fs

    fs, root = url_to_fs(out)
    token = uuid.uuid4().hex
    if rows:
        ds.write_dataset(
            pa.Table.from_pylist(rows, schema=SCHEMA),
            f"{root}/{TABLE_DIR}",
            format="parquet",
            partitioning=["athlete"],
            partitioning_flavor="hive",
            basename_template=f"part-{token}-{{i}}.parquet",
            existing_data_behavior="overwrite_or_ignore",
            filesystem=fs,
        )
    fs.makedirs(f"{root}/{DONE_DIR}", exist_ok=True)
    final = f"{root}/{DONE_DIR}/part-{token}.parquet"
    with fs.open(final + ".tmp", "wb") as fh:
        pq.write_table(pa.Table.from_pylist(done, schema=DONE_SCHEMA), fh)
    fs.mv(final + ".tmp", final)
