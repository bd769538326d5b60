"""Samples as one compact blob per activity: a small JSON header and zlib-compressed columns.

Layout: ``b"LDS1"`` · header length (uint32 LE) · JSON header
``{"n": samples, "channels": [[name, compressed_length], …], "inputs": {…}}`` · each column's
float64 little-endian bytes, zlib-compressed. Float64 is kept exactly, so read → store → load
returns every sample bit for bit (NaN included).

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

#: Magic and version of the samples blob.
MAGIC = b"LDS1"
#: zlib level: 1 is ~4× faster than 6 here for ~10 % larger blobs.
ZLIB_LEVEL = 1


def pack_samples(
    samples: dict[str, npt.NDArray[np.float64]], inputs: dict[str, Any] | None = None
) -> bytes:
    """The blob of ``samples``, with the activity's other analysis ``inputs`` when given
    (:func:`activity_inputs`)."""
    names = list(samples)
    n = int(samples[names[0]].shape[0]) if names else 0
    parts = [
        zlib.compress(np.ascontiguousarray(samples[k], dtype="<f8").tobytes(), ZLIB_LEVEL)
        for k in names
    ]
    head: dict[str, Any] = {
        "n": n,
        "channels": [[k, len(p)] for k, p in zip(names, parts, strict=True)],
    }
    if inputs is not None:
        head["inputs"] = inputs
    header = json.dumps(head).encode()
    return b"".join([MAGIC, struct.pack("<I", len(header)), header, *parts])


def unpack_samples(blob: bytes) -> dict[str, npt.NDArray[np.float64]]:
    header, pos = _header(blob)
    out: dict[str, npt.NDArray[np.float64]] = {}
    for name, size in header["channels"]:
        raw = zlib.decompress(blob[pos : pos + size])
        pos += size
        out[name] = np.frombuffer(raw, dtype="<f8").astype(np.float64)
    return out


def _header(blob: bytes) -> tuple[dict[str, Any], int]:
    if blob[:4] != MAGIC:
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
