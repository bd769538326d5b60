"""Samples as one compact blob per activity: a small JSON header and zlib-compressed columns.

Layout: ``b"LDS2"`` · header length (uint32 LE) · JSON header
``{"n": samples, "channels": [[name, compressed_length, code?], …], "inputs": {…}}`` · each
column, zlib-compressed. Float64 is kept exactly, so read → store → load returns every sample
bit for bit (NaN included).

A column is stored as float64 little-endian bytes, unless its values are integers ``q`` on a
scale (``q / d - o`` or ``q × m``: a FIT field's scale and offset, a GPX coordinate's decimals,
FIT semicircles): then ``code`` names the scale and the column is stored as the differences of
``q`` in the smallest integer type that holds them, after a bitmap of its NaNs when it has any.
That is what a device recorded, and it compresses to a fraction of the floats (issue 18: the
samples of a FIT run in fewer bytes than its FIT file). A scale is used only when it gives back
every value bit for bit; a column no scale fits stays float64. ``b"LDS1"`` blobs (float64
columns only, written before) are read as ever.

``inputs`` (absent from blobs written before it, which stay readable) holds the rest of what
the analysis read of the decoded activity: sport, start, laps, device events and totals, names
and metadata, exactly as decoded (floats by their shortest repr, which reads back bit for bit).
With it, :func:`activity_of` rebuilds that very :class:`~legday.model.Activity`, so judging a
stored run again (:mod:`legday.store.chronology`) needs no second decoding of its original. An
activity whose inputs JSON cannot carry exactly (a watch's strength sets, which the analysis
maps in place, or metadata JSON would change) is stored without them.
"""

from __future__ import annotations

import json
import struct
import zlib
from dataclasses import asdict
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from legday.errors import CorruptFileError
from legday.model import Activity, Event, Lap, SessionTotals, Source

__all__ = ["activity_inputs", "activity_of", "carries_activity", "pack_samples", "unpack_samples"]

#: Magic and version of the samples blob; the versions read.
MAGIC = b"LDS2"
READ = (b"LDS1", MAGIC)
#: zlib level: 1 is ~4× faster than 6 here for ~10 % larger blobs.
ZLIB_LEVEL = 1
#: The scales a column of integers may be on, tried in order: ``["div", d, o]`` for ``q / d - o``
#: (decimals, FIT scales and offsets, e.g. altitude ``q / 5 - 500``), ``["mul", m, 0]`` for
#: ``q × m`` (FIT semicircles to degrees, 180 / 2³¹: Garmin FIT SDK profile).
SCALES: tuple[tuple[str, float, float], ...] = (
    *(("div", float(10**k), 0.0) for k in range(10)),
    *(("div", float(d), 0.0) for d in (2, 4, 5, 8, 16, 128, 256, 1024)),
    ("div", 5.0, 500.0),
    ("mul", 180.0 / 2**31, 0.0),
)
#: Values checked against each scale before the whole column is.
PROBE = 16
_NAN_BITS = np.array([np.nan]).view("<u8")[0]
_INTS = ("<i1", "<i2", "<i4", "<i8")


def pack_samples(
    samples: dict[str, npt.NDArray[np.float64]], inputs: dict[str, Any] | None = None
) -> bytes:
    """The blob of ``samples``, with the activity's other analysis ``inputs`` when given
    (:func:`activity_inputs`)."""
    names = list(samples)
    n = int(samples[names[0]].shape[0]) if names else 0
    parts, channels = [], []
    for name in names:
        data, code = _encode(np.ascontiguousarray(samples[name], dtype=np.float64))
        parts.append(zlib.compress(data, ZLIB_LEVEL))
        channels.append([name, len(parts[-1]), *([code] if code is not None else [])])
    head: dict[str, Any] = {"n": n, "channels": channels}
    if inputs is not None:
        head["inputs"] = inputs
    header = json.dumps(head).encode()
    return b"".join([MAGIC, struct.pack("<I", len(header)), header, *parts])


def unpack_samples(blob: bytes) -> dict[str, npt.NDArray[np.float64]]:
    header, pos = _header(blob)
    n = header["n"]
    out: dict[str, npt.NDArray[np.float64]] = {}
    for name, size, *code in header["channels"]:
        raw = zlib.decompress(blob[pos : pos + size])
        pos += size
        if code:
            out[name] = _decode(raw, n, code[0])
        else:
            out[name] = np.frombuffer(raw, dtype="<f8").astype(np.float64)
    return out


def _scaled(q: npt.NDArray[np.float64], kind: str, k: float, offset: float) -> Any:
    """The values integers ``q`` stand for on a scale (the one formula both ways)."""
    if kind == "mul":
        return q * k
    return q / k - offset if offset else q / k


def _encode(x: npt.NDArray[np.float64]) -> tuple[bytes, dict[str, Any] | None]:
    """A column's bytes, as integers on a scale when one gives back every value bit for bit
    (with its code), else as float64 (code None)."""
    floats = x.astype("<f8").tobytes()
    nan = np.isnan(x)
    if nan.any() and not (x.view("<u8")[nan] == _NAN_BITS).all():
        return floats, None  # a NaN with another payload: kept as it is
    values = x[~nan]
    if not np.isfinite(values).all():
        return floats, None
    for kind, k, offset in SCALES:
        head = values[:PROBE]
        if _scaled(_integers(head, kind, k, offset), kind, k, offset).tobytes() != head.tobytes():
            continue
        q = _integers(values, kind, k, offset)
        if _scaled(q, kind, k, offset).tobytes() != values.tobytes():
            continue
        full = np.zeros(x.size, dtype=np.int64)
        full[~nan] = q.astype(np.int64)
        steps = np.diff(full, prepend=np.int64(0))
        wide = max(int(np.abs(steps).max(initial=0)), 1)
        dtype = next(t for t in _INTS if wide < np.iinfo(np.dtype(t)).max)
        mask = np.packbits(nan).tobytes() if nan.any() else b""
        code = {"scale": [kind, k, offset], "int": dtype, "nan": bool(mask)}
        return mask + steps.astype(dtype).tobytes(), code
    return floats, None


def _integers(values: Any, kind: str, k: float, offset: float) -> Any:
    """The integers ``values`` stand for on a scale, as the float64 the decoder makes of them
    (-0.0 comes back 0.0, so a column holding it is not a column of integers)."""
    with np.errstate(over="ignore", invalid="ignore"):
        q = np.rint(values / k if kind == "mul" else (values + offset) * k)
        return np.where(np.abs(q) < 2**53, q, np.nan) + 0.0


def _decode(raw: bytes, n: int, code: dict[str, Any]) -> npt.NDArray[np.float64]:
    skip = (n + 7) // 8 if code["nan"] else 0
    steps = np.frombuffer(raw, dtype=code["int"], offset=skip).astype(np.int64)
    out = np.asarray(_scaled(np.cumsum(steps).astype(np.float64), *code["scale"]))
    if skip:
        nan = np.unpackbits(np.frombuffer(raw[:skip], dtype=np.uint8), count=n).astype(bool)
        out[nan] = np.nan
    return out


def _header(blob: bytes) -> tuple[dict[str, Any], int]:
    if blob[:4] not in READ:
        raise CorruptFileError("stored samples blob has an unknown format")
    (hlen,) = struct.unpack_from("<I", blob, 4)
    header: dict[str, Any] = json.loads(blob[8 : 8 + hlen])
    return header, 8 + hlen


def activity_inputs(activity: Activity) -> dict[str, Any] | None:
    """What the analysis reads of ``activity`` besides its samples, as JSON that reads back
    exactly; None when it cannot (strength sets, or metadata JSON would change)."""
    if activity.sets:
        return None
    inputs = {
        "sport": activity.sport,
        "sub_sport": activity.sub_sport,
        "start": activity.start.isoformat(),
        "utc_offset_s": activity.utc_offset_s,
        "device": activity.device,
        "source": asdict(activity.source) if activity.source is not None else None,
        "laps": [asdict(lap) for lap in activity.laps],
        "events": [asdict(e) for e in activity.events],
        "totals": asdict(activity.totals) if activity.totals is not None else None,
        "name": activity.name,
        "description": activity.description,
        "metadata": activity.metadata,
    }
    try:
        text = json.dumps(inputs)
    except (TypeError, ValueError):
        return None
    if json.loads(text)["metadata"] != activity.metadata:  # a tuple, a NaN, a number as key…
        return None
    return inputs


def carries_activity(blob: bytes) -> bool:
    """Whether :func:`activity_of` rebuilds the activity from this blob (its header alone is
    read)."""
    return "inputs" in _header(blob)[0]


def activity_of(blob: bytes) -> Activity | None:
    """The activity a blob was packed from, when it carries its inputs (None for one written
    without them)."""
    header, _ = _header(blob)
    inputs = header.get("inputs")
    if inputs is None:
        return None
    source, totals = inputs["source"], inputs["totals"]
    return Activity(
        sport=inputs["sport"],
        start=datetime.fromisoformat(inputs["start"]),
        samples=unpack_samples(blob),
        sub_sport=inputs["sub_sport"],
        utc_offset_s=inputs["utc_offset_s"],
        device=inputs["device"],
        source=Source(**source) if source is not None else None,
        laps=tuple(Lap(**lap) for lap in inputs["laps"]),
        events=tuple(Event(**e) for e in inputs["events"]),
        totals=SessionTotals(**totals) if totals is not None else None,
        name=inputs["name"],
        description=inputs["description"],
        metadata=inputs["metadata"],
    )
