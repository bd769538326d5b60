"""Bulk input: a folder, a Strava bulk-export zip, a Garmin Connect export zip.

:func:`read_archive` yields ``(name, Activity | LegdayError)`` pairs, so one bad file never
stops an import: a file that cannot be read is yielded as its typed error and the walk goes on.
A multisport file yields one pair per session, under the same name.

* **Folder**: walked recursively in name order; hidden files and folders (``.name``) are
  skipped; files named ``*.fit``, ``*.gpx``, ``*.tcx`` (or ``.gz`` of them) are read, zips are
  opened as below, anything else is skipped silently.
* **Zip**: members are streamed with :meth:`zipfile.ZipFile.open`, never extracted to disk, so
  no member name can write outside anywhere; a member whose name is absolute or climbs out
  (``../``) is still refused, as an :class:`UnsafeInputError`. Activity members as above; zips
  inside the zip are opened one level deep (Garmin Connect puts the uploaded FIT files in
  ``DI_CONNECT/DI-Connect-Uploaded-Files/*.zip``); json, images and CSVs that are not lifting
  logs are skipped.
* **Strava**: when the zip holds an ``activities.csv``, each activity file's row gives
  ``Activity.name`` and ``description`` and ``metadata`` keys ``strava_activity_id``,
  ``strava_type`` and ``gear``; the Strava type replaces a ``generic`` sport. A row without a
  file (a manual entry), or whose file the zip lacks, is yielded after the files as a session
  of totals only, named ``archive.zip!activities.csv#<Activity ID>`` (:mod:`legday.io.strava`).

Limits (a zip bomb is refused with :class:`UnsafeInputError` naming the archive and member):
member count, bytes per member and bytes per archive are capped, and a member may not inflate
more than :data:`MAX_COMPRESSION_RATIO` times its compressed size. All of them are measured on
the bytes actually read, not on the sizes the zip declares.

A Strong or Hevy CSV inside a zip (told by its header) is handed to the importer by
:func:`iter_archive_members`; :func:`read_archive` yields activities only and passes it by.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
import zlib
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from legday.errors import (
    CorruptFileError,
    LegdayError,
    NotFoundError,
    OnError,
    TruncatedFileError,
    UnsafeInputError,
    UnsupportedFileError,
)
from legday.io.detect import ZIP_HEADS
from legday.io.reader import MAX_INPUT_BYTES, read_all, read_bytes
from legday.io.strava import apply_strava, is_row_bytes, read_row_bytes, row_bytes, strava_rows
from legday.io.strength_csv import looks_like_strength_csv
from legday.model import Activity

__all__ = [
    "MAX_ARCHIVE_BYTES",
    "MAX_ARCHIVE_MEMBERS",
    "MAX_COMPRESSION_RATIO",
    "MAX_MEMBER_BYTES",
    "ArchiveMember",
    "apply_strava",
    "iter_archive_members",
    "read_archive",
]

#: Most members a zip may list (a decade of daily Garmin uploads is ~5,000).
MAX_ARCHIVE_MEMBERS = 100_000
#: Most bytes one member may inflate to (the reader's own input limit).
MAX_MEMBER_BYTES = MAX_INPUT_BYTES
#: Most bytes read from all members of one archive, nested zips included (32 GiB).
MAX_ARCHIVE_BYTES = 32 * 1024**3
#: Largest inflated/compressed ratio allowed per member. XML compresses ~10–30×, FIT ~3×;
#: zip bombs reach 1,000× and more.
MAX_COMPRESSION_RATIO = 200
#: The ratio is only judged once a member has inflated this far (small files compress oddly).
RATIO_CHECK_AFTER_BYTES = 1024 * 1024
#: Zips inside a zip are opened this many levels deep (Garmin exports nest one level).
MAX_ZIP_DEPTH = 1
#: Largest Strava ``activities.csv`` read, bytes.
MAX_CSV_BYTES = 64 * 1024 * 1024

#: File name endings of activity files (case-insensitive).
ACTIVITY_SUFFIXES = (".fit", ".gpx", ".tcx", ".fit.gz", ".gpx.gz", ".tcx.gz")
_READ_CHUNK = 1 << 20
#: A nested zip larger than this goes to a temporary file while its members are read.
_SPOOL_BYTES = 16 << 20

Item = tuple[str, Activity | LegdayError]


def read_archive(
    path: str | os.PathLike[str],
    *,
    on_error: OnError = OnError.WARN,
    profile_tz: str | None = None,
) -> Iterator[Item]:
    """Yield ``(name, activity or error)`` for every activity in a folder, a zip or a file.

    ``name`` is the file path, or ``archive.zip!member`` inside a zip (``a.zip!inner.zip!m``
    when nested). ``on_error`` is passed to each file's reader. Raises :class:`NotFoundError`
    when ``path`` does not exist, and :class:`UnsafeInputError` /:class:`CorruptFileError` when
    the archive itself (not one member) is refused or broken.

    Example::

        for name, item in read_archive("export_12345.zip"):
            print(name, item if isinstance(item, LegdayError) else item.sport)
    """
    root = Path(path)
    if root.is_dir():
        yield from _walk_folder(root, on_error=on_error, profile_tz=profile_tz)
    elif root.is_file():
        yield from _read_path(root, on_error=on_error, profile_tz=profile_tz)
    else:
        raise NotFoundError(f"{root}: no such file or folder")


def _walk_folder(root: Path, *, on_error: OnError, profile_tz: str | None) -> Iterator[Item]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for file in sorted(files):
            if file.startswith("."):
                continue
            path = Path(folder, file)
            if not (_is_activity_name(file) or file.lower().endswith(".zip")):
                continue
            try:
                yield from _read_path(path, on_error=on_error, profile_tz=profile_tz)
            except LegdayError as exc:  # a refused or broken zip: the folder walk goes on
                yield str(path), exc


def _read_path(path: Path, *, on_error: OnError, profile_tz: str | None) -> Iterator[Item]:
    label = str(path)
    if _looks_like_zip(path):
        with _open_zip(path, label) as zf:
            yield from _walk_zip(zf, label, _Budget(), 0, on_error=on_error, profile_tz=profile_tz)
        return
    try:
        activities = read_all(path, on_error=on_error, profile_tz=profile_tz)
    except LegdayError as exc:
        yield label, exc
        return
    for act in activities:
        yield label, act


def _looks_like_zip(path: Path) -> bool:
    """A zip by its first bytes (a local header, or the end record of an empty zip)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
    except OSError:
        return False  # the reader reports it
    return head in ZIP_HEADS


def _open_zip(source: Path | IO[bytes], label: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source)
    except zipfile.BadZipFile as exc:
        raise CorruptFileError(f"not a readable zip: {exc}", path=label) from exc
    except OSError as exc:
        raise CorruptFileError(f"the zip could not be read: {exc}", path=label) from exc
    except NotImplementedError as exc:  # a zip version or feature zipfile does not know
        raise UnsupportedFileError(f"the zip cannot be read: {exc}", path=label) from exc


@dataclass(slots=True)
class _Budget:
    """Bytes read so far from one archive (nested zips share it)."""

    used: int = 0
    exhausted: bool = False
    """Set when the archive-wide limit was reached: the walk stops there."""


@dataclass(frozen=True, slots=True)
class ArchiveMember:
    """One activity file inside a zip: its bytes, or why it could not be read."""

    name: str
    """``archive.zip!member`` (``a.zip!inner.zip!m`` when nested)."""
    data: bytes | None
    error: LegdayError | None = None
    strava: dict[str, str] | None = None
    """The member's row of a Strava export's ``activities.csv``, when there is one."""
    lifting_log: bool = False
    """A Strong or Hevy CSV (the importer reads it; :func:`read_archive` yields activities)."""


def iter_archive_members(
    path: str | os.PathLike[str] | IO[bytes],
    *,
    label: str | None = None,
    only: Collection[str] | None = None,
) -> Iterator[ArchiveMember]:
    """Stream the activity members of a zip, within every limit, without decoding them.

    The importer hashes each member's bytes before decoding, so a re-run skips what is stored.
    Raises :class:`UnsafeInputError` / :class:`CorruptFileError` when the zip itself is refused.
    ``path`` may be an open seekable file named ``label``; ``only`` reads just the named
    members (``activities.csv``: the Strava rows without a file), as a batch's task does.
    """
    label = label or str(path)
    with _open_zip(Path(path) if isinstance(path, str | os.PathLike) else path, label) as zf:
        yield from _members(zf, label, _Budget(), 0, only)


def _members(
    zf: zipfile.ZipFile,
    label: str,
    budget: _Budget,
    depth: int,
    only: Collection[str] | None = None,
) -> Iterator[ArchiveMember]:
    members = zf.infolist()
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise UnsafeInputError(
            f"the zip lists {len(members):,} members (the limit is {MAX_ARCHIVE_MEMBERS:,})",
            path=label,
        )
    rows: list[dict[str, str]] = []
    csv_info = next((m for m in members if m.filename == "activities.csv"), None)
    if csv_info is not None:
        where = f"{label}!{csv_info.filename}"
        try:
            rows = strava_rows(_read_member(zf, csv_info, label, budget, MAX_CSV_BYTES), where)
        except LegdayError as exc:
            if only is None or "activities.csv" in only:
                yield ArchiveMember(where, None, exc)
    strava = {row["Filename"]: row for row in rows if row.get("Filename")}
    present = {info.filename for info in members}
    for info in members:
        if info.is_dir() or (only is not None and info.filename not in only):
            continue
        member = f"{label}!{info.filename}"
        lower = info.filename.lower()
        is_zip = lower.endswith(".zip")
        if lower.endswith(".csv") and info is not csv_info:
            log = _lifting_log(zf, info, member, label, budget)
            if log is not None:
                yield log
            continue
        if not (is_zip or _is_activity_name(lower)):
            continue
        if not _safe_name(info.filename):
            unsafe = UnsafeInputError("the member's name is absolute or climbs out", path=member)
            yield ArchiveMember(member, None, unsafe)
            continue
        if is_zip and depth >= MAX_ZIP_DEPTH:
            deep = UnsupportedFileError("zips nested this deep are not opened", path=member)
            yield ArchiveMember(member, None, deep)
            continue
        if is_zip:  # spooled to disk: a nested zip is not held in memory while it is walked
            with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as spool:
                try:
                    _copy_member(zf, info, label, budget, MAX_MEMBER_BYTES, spool)
                    spool.seek(0)
                    with _open_zip(spool, member) as inner:
                        yield from _members(inner, member, budget, depth + 1)
                except LegdayError as exc:
                    if budget.exhausted:
                        raise
                    yield ArchiveMember(member, None, exc)
            continue
        try:
            data = _read_member(zf, info, label, budget, MAX_MEMBER_BYTES)
        except LegdayError as exc:
            if budget.exhausted:
                raise
            yield ArchiveMember(member, None, exc)
            continue
        yield ArchiveMember(member, data, None, strava.get(info.filename))
    for k, row in enumerate(rows):  # sessions without a file: manual entries, or files missing
        if only is not None and "activities.csv" not in only:
            break
        if not row.get("Filename") or row["Filename"] not in present:
            key = row.get("Activity ID") or f"row {k + 2}"
            yield ArchiveMember(f"{label}!activities.csv#{key}", row_bytes(row), None)


def _lifting_log(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, member: str, label: str, budget: _Budget
) -> ArchiveMember | None:
    """A CSV member that is a Strong or Hevy export (by its header), else None (skipped)."""
    if not _safe_name(info.filename):
        return None
    try:
        with zf.open(info) as fh:
            head = fh.read(4096)
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, OSError):
        head = b""  # a broken member that is not known to be a log: skipped like other CSVs
    if not looks_like_strength_csv(head):
        return None
    try:
        data = _read_member(zf, info, label, budget, MAX_CSV_BYTES)
    except LegdayError as exc:
        if budget.exhausted:
            raise
        return ArchiveMember(member, None, exc, lifting_log=True)
    return ArchiveMember(member, data, None, lifting_log=True)


def _walk_zip(
    zf: zipfile.ZipFile,
    label: str,
    budget: _Budget,
    depth: int,
    *,
    on_error: OnError,
    profile_tz: str | None,
) -> Iterator[Item]:
    for m in _members(zf, label, budget, depth):
        if m.lifting_log:
            continue  # not an activity: `legday import` reads it (read_strength_csv)
        if m.error is not None:
            yield m.name, m.error
            continue
        data = m.data or b""
        try:
            if is_row_bytes(data):
                activities = [read_row_bytes(data, name=m.name, profile_tz=profile_tz)]
            else:
                activities = read_bytes(data, name=m.name, on_error=on_error, profile_tz=profile_tz)
        except LegdayError as exc:
            yield m.name, exc
            continue
        for act in activities:
            if m.strava is not None:
                apply_strava(act, m.strava)
            yield m.name, act


def _read_member(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, budget: _Budget, limit: int
) -> bytes:
    """The member's bytes, counting what is actually inflated against every limit; they cost
    their size once (``getvalue`` hands the buffer over, where joining chunks copied them)."""
    out = io.BytesIO()
    _copy_member(zf, info, label, budget, limit, out)
    return out.getvalue()


def _copy_member(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    label: str,
    budget: _Budget,
    limit: int,
    out: IO[bytes],
) -> None:
    """Inflate the member into ``out``, counting what is inflated against every limit."""
    where = f"{label}!{info.filename}"
    archive_left = MAX_ARCHIVE_BYTES - budget.used
    if limit >= archive_left:
        limit = archive_left
        budget.exhausted = info.file_size > limit  # set again below if the bytes run over
    if info.file_size > limit:
        raise UnsafeInputError(
            f"the member declares {info.file_size:,} bytes (the limit is {limit:,})", path=where
        )
    total = 0
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(_READ_CHUNK):
                total += len(chunk)
                budget.used += len(chunk)
                if total > limit:
                    budget.exhausted = total > archive_left
                    raise UnsafeInputError(
                        f"the member inflates past {limit:,} bytes (a zip bomb?)", path=where
                    )
                ratio_cap = MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
                if total > RATIO_CHECK_AFTER_BYTES and total > ratio_cap:
                    raise UnsafeInputError(
                        f"the member inflates more than {MAX_COMPRESSION_RATIO}× (a zip bomb?)",
                        path=where,
                    )
                out.write(chunk)
    except zipfile.BadZipFile as exc:
        raise CorruptFileError(f"bad zip member: {exc}", path=where) from exc
    except zlib.error as exc:
        raise CorruptFileError(f"bad compressed data: {exc}", path=where) from exc
    except EOFError as exc:
        raise TruncatedFileError(f"the member ends early: {exc}", path=where) from exc
    except (RuntimeError, NotImplementedError) as exc:  # encrypted, unknown compression
        raise UnsupportedFileError(f"the member cannot be read: {exc}", path=where) from exc
    except OSError as exc:  # a header offset that points outside the file
        raise CorruptFileError(f"bad zip member: {exc}", path=where) from exc


def _safe_name(name: str) -> bool:
    if "\\" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return False
    return ".." not in PurePosixPath(name).parts


def _is_activity_name(name: str) -> bool:
    return name.lower().endswith(ACTIVITY_SUFFIXES)
