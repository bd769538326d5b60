"""The front door: ``read`` and ``read_all`` for FIT, GPX and TCX files and their gzip forms.

The format is detected from the content (see :mod:`legday.io.detect`), never from the name.
Inputs are bounded: a file larger than :data:`MAX_INPUT_BYTES` is refused by its size before it
is read, and gzip is decompressed incrementally with the same bound (with
:data:`~legday.io.limits.MAX_FIT_BYTES` when it holds a FIT file), so a gzip bomb raises
:class:`UnsafeInputError` after decompressing at most that much, into memory it costs once.
The work a file may cause is bounded as well (:mod:`legday.io.limits`).

Every activity leaves here with ``utc_offset_s`` set when it can be known: the file's own
offset (FIT), else the zone at the first GPS fix on the day of the activity, else the profile's
time zone (``profile_tz``), else None. ``metadata["utc_offset_source"]`` says which.
"""

from __future__ import annotations

import importlib
import io
import os
import zlib
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import BinaryIO

import numpy as np

from legday.errors import (
    CorruptFileError,
    FileError,
    NotFoundError,
    OnError,
    TruncatedFileError,
    UnsafeInputError,
    UnsupportedFileError,
)
from legday.io.detect import GZIP_MAGIC, Format, detect_format, is_fit_head, is_gzip
from legday.io.limits import MAX_FIT_BYTES, check_warnings, read_at_most
from legday.io.timezone import offset_in_zone, utc_offset_for
from legday.model import Activity, Source

__all__ = ["MAX_INPUT_BYTES", "read", "read_all", "read_bytes"]

#: Largest input legday reads, in bytes, after gzip decompression (512 MiB: a week-long 1 Hz
#: TCX with every extension is about 100 MiB).
MAX_INPUT_BYTES = 512 * 1024 * 1024
#: Chunk size for incremental gzip decompression, bytes.
_GUNZIP_CHUNK = 1 << 20
#: Most bytes one decompression step returns: a step's output is copied once more into the
#: result, so it must stay small whatever the ratio (a bomb inflates 1 MiB to 1 GiB).
_GUNZIP_STEP = 4 << 20
#: Any instant: used to check a profile time zone name before parsing.
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)

Source_ = str | os.PathLike[str] | BinaryIO | bytes
Reader = Callable[..., list[Activity]]


def read(
    source: Source_, *, on_error: OnError = OnError.WARN, profile_tz: str | None = None
) -> Activity:
    """Read one activity from a path, a binary stream or bytes (FIT, GPX, TCX, or gzip of one).

    For a multisport file (a FIT triathlon, a TCX ``MultiSportSession``) this is the **first**
    session; use :func:`read_all` to get every session.

    Raises :class:`UnsupportedFileError` for content that is none of these formats,
    :class:`UnsafeInputError` beyond :data:`MAX_INPUT_BYTES` (after decompression) or for
    hostile XML, :class:`CorruptFileError` / :class:`TruncatedFileError` for damaged files
    (depending on ``on_error``), :class:`NotFoundError` for a missing path. A stream without a
    name is called ``<stream>`` in error messages.

    Example::

        activity = read("morning-run.fit.gz", profile_tz="Europe/Berlin")
        print(activity.sport, activity.distance_m, activity.local_start)
    """
    return read_all(source, on_error=on_error, profile_tz=profile_tz)[0]


def read_all(
    source: Source_, *, on_error: OnError = OnError.WARN, profile_tz: str | None = None
) -> list[Activity]:
    """Every activity (session) in a file, in file order; see :func:`read`."""
    data, name = _load(source)
    return read_bytes(data, name=name, on_error=on_error, profile_tz=profile_tz)


def read_bytes(
    data: bytes,
    *,
    name: str | None = None,
    on_error: OnError = OnError.WARN,
    profile_tz: str | None = None,
) -> list[Activity]:
    """:func:`read_all` for bytes already in memory (``name`` is used in errors)."""
    if profile_tz is not None:
        offset_in_zone(profile_tz, _EPOCH)  # ConfigError now rather than after the parse
    if len(data) > MAX_INPUT_BYTES:
        raise _too_large(name)
    compressed = is_gzip(data)
    if compressed:
        data = gunzip(data, name=name, limit=_gunzip_limit(data))
        if is_gzip(data):
            raise UnsupportedFileError("gzip inside gzip is not read", path=name)
    fmt = detect_format(data, name=name)
    activities = _reader(fmt, name)(data, name=name, on_error=on_error)
    if not activities:
        raise UnsupportedFileError("the file holds no activity", path=name)
    check_warnings([w for act in activities for w in act.warnings], name)
    for act in activities:
        source = act.source or Source(format=fmt.value, name=name)
        act.source = replace(source, compressed=compressed) if compressed else source
        _fill_offset(act, profile_tz)
    return activities


def gunzip(data: bytes, *, name: str | None, limit: int) -> bytes:
    """Decompress gzip ``data`` (one or more members), refusing more than ``limit`` bytes out.

    Raises :class:`UnsafeInputError` past the limit (a gzip bomb stops there),
    :class:`TruncatedFileError` when the stream ends early, :class:`CorruptFileError` for bad
    gzip data.
    """
    out = io.BytesIO()  # getvalue() hands over its buffer: the output costs ``limit``, not 2×
    view = memoryview(data)
    pos = 0
    while pos < len(data):
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            while not inflater.eof and pos < len(data):
                pending: bytes | memoryview = view[pos : pos + _GUNZIP_CHUNK]
                pos += len(pending)
                while True:  # until the chunk is used up and no output is held back
                    room = min(_GUNZIP_STEP, limit + 1 - out.tell())
                    piece = inflater.decompress(pending, room)
                    out.write(piece)
                    if out.tell() > limit:
                        raise _too_large(name, what="decompressed", limit=limit)
                    pending = inflater.unconsumed_tail
                    if not pending and len(piece) < room:
                        break
        except zlib.error as exc:
            raise CorruptFileError(f"bad gzip data: {exc}", path=name) from exc
        if not inflater.eof:
            raise TruncatedFileError("the gzip stream ends early", path=name, offset=len(data))
        pos -= len(inflater.unused_data)
        if not data.startswith(GZIP_MAGIC, pos):
            if data[pos:].strip(b"\0"):
                raise CorruptFileError("garbage after the gzip stream", path=name, offset=pos)
            break
    return out.getvalue()


def _gunzip_limit(data: bytes) -> int:
    """The decompressed size allowed for gzip ``data``: :data:`MAX_FIT_BYTES` when it holds a
    FIT file (its first bytes tell), else :data:`MAX_INPUT_BYTES`."""
    try:
        head = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS).decompress(data[:_GUNZIP_CHUNK], 14)
    except zlib.error:
        return MAX_INPUT_BYTES  # gunzip reports it
    return MAX_FIT_BYTES if is_fit_head(head) else MAX_INPUT_BYTES


def _too_large(name: str | None, what: str = "", limit: int = MAX_INPUT_BYTES) -> UnsafeInputError:
    size = f"{limit // (1024 * 1024)} MiB"
    label = f"{what} " if what else ""
    return UnsafeInputError(f"the {label}input is larger than the {size} limit", path=name)


def _load(source: Source_) -> tuple[bytes, str | None]:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if len(data) > MAX_INPUT_BYTES:
            raise _too_large(None)
        return data, None
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        try:
            with open(path, "rb") as fh:
                data = read_at_most(fh, MAX_INPUT_BYTES, lambda: _too_large(path))
        except FileNotFoundError:
            raise NotFoundError(f"{path}: no such file") from None
        except OSError as exc:
            raise FileError(exc.strerror or str(exc), path=path) from exc
        name: str | None = path
    else:
        stream_name = getattr(source, "name", None)
        name = stream_name if isinstance(stream_name, str) else None
        try:
            data = read_at_most(source, MAX_INPUT_BYTES, lambda: _too_large(name))
        except OSError as exc:
            raise FileError(f"the stream could not be read: {exc}", path=name) from exc
        if not isinstance(data, bytes | bytearray):
            raise UnsupportedFileError("the stream must be binary (open it with 'rb')", path=name)
        data = bytes(data)
    if len(data) > MAX_INPUT_BYTES:
        raise _too_large(name)
    return data, name


def _reader(fmt: Format, name: str | None) -> Reader:
    if fmt is Format.GPX:
        from legday.io.gpx import read_gpx

        return read_gpx
    if fmt is Format.TCX:
        from legday.io.tcx import read_tcx

        return read_tcx
    reader: Reader | None = getattr(importlib.import_module("legday.io.fit"), "read_fit", None)
    if reader is None:
        raise UnsupportedFileError("this legday has no FIT reader yet", path=name)
    return reader


def _fill_offset(act: Activity, profile_tz: str | None) -> None:
    if act.utc_offset_s is not None:
        act.metadata.setdefault("utc_offset_source", "file")
        return
    lat = act.samples["latitude_deg"]
    lon = act.samples["longitude_deg"]
    fix = np.flatnonzero(np.isfinite(lat) & np.isfinite(lon))
    if fix.size:
        offset = utc_offset_for(float(lat[fix[0]]), float(lon[fix[0]]), act.start)
        if offset is not None:
            act.utc_offset_s = offset
            act.metadata["utc_offset_source"] = "position"
            return
    if profile_tz is not None:
        act.utc_offset_s = offset_in_zone(profile_tz, act.start)
        act.metadata["utc_offset_source"] = "profile"
