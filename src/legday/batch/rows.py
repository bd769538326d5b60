"""One decoded file to rows of the activity table, and the table's Arrow schema.

A row per session (an activity of a FIT/GPX/TCX file, or a lifting-log session of a Strong or
Hevy CSV), and one row for a file that failed, with its typed error. Every value comes from
:func:`legday.store.work.decode_item`, the import's own worker: batch judges nothing itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from legday.errors import LegdayError, OnError
from legday.model import MUSCLES
from legday.settings import Settings
from legday.store.facts import strength_coverage
from legday.store.work import INTERNAL_ERROR, Decoded, DecodedActivity, DecodedStrength

__all__ = [
    "BLOCK",
    "BLOCK_SCHEMA",
    "DONE_SCHEMA",
    "JUDGED",
    "SCAN_SCHEMA",
    "SCHEMA",
    "block_rows",
    "error_row",
    "rows_of",
]

#: A work block of a run (``RunAnalysis.blocks``), nested in its activity's row.
BLOCK = pa.struct(
    [
        ("pattern", pa.string()),
        ("reps", pa.int32()),
        ("work_s", pa.float64()),
        ("recovery_s", pa.float64()),
        ("work_distance_m", pa.float64()),
        ("avg_grade_pct", pa.float64()),
        ("intensity", pa.float64()),
    ]
)

#: The activity table (the ``athlete`` column becomes the Hive partition ``athlete=…``).
SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("sha256", pa.string()),
        ("athlete", pa.string()),
        ("index", pa.int32()),
        ("format", pa.string()),
        ("sport", pa.string()),
        ("start", pa.timestamp("us", tz="UTC")),
        ("utc_offset_s", pa.int32()),
        ("duration_s", pa.float64()),
        ("distance_m", pa.float64()),
        ("kind", pa.string()),
        ("tags", pa.list_(pa.string())),
        ("confidence", pa.float64()),
        ("overload", pa.bool_()),
        ("blocks", pa.list_(BLOCK)),
        ("trimp", pa.float64()),
        ("edwards_trimp", pa.float64()),
        ("hr_stress", pa.float64()),
        ("cardio_band_s", pa.float64()),
        ("above_band_s", pa.float64()),
        ("category", pa.string()),
        ("counts_as_leg_day", pa.bool_()),
        ("verdict", pa.string()),
        ("strength_load", pa.float64()),
        ("type2_share", pa.float64()),
        *((f"muscle_{m}", pa.float64()) for m in MUSCLES),
        ("lower_body", pa.bool_()),
        ("coverage", pa.list_(pa.string())),
        ("error_type", pa.string()),
        ("error", pa.string()),
    ]
)

#: The done-set: a row per input file (zip member) finished, by content hash.
DONE_SCHEMA = pa.schema([("sha256", pa.string()), ("source", pa.string()), ("rows", pa.int32())])

#: The per-block table (``--blocks``): a row per segment of a run (warm-up, work, recovery,
#: steady, cool-down), keyed by its activity's source, sha256 and index.
BLOCK_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("sha256", pa.string()),
        ("athlete", pa.string()),
        ("index", pa.int32()),
        ("block", pa.int32()),
        ("role", pa.string()),
        ("start_s", pa.float64()),
        ("end_s", pa.float64()),
        ("duration_s", pa.float64()),
        ("distance_m", pa.float64()),
        ("avg_speed_mps", pa.float64()),
        ("pace_s_per_km", pa.float64()),
        ("avg_grade_adjusted_speed_mps", pa.float64()),
        ("avg_hr", pa.float64()),
        ("grade_pct", pa.float64()),
    ]
)

#: The first history pass: each session judged without history, summarised as the store's
#: history holds it; a file with no activity (a lifting log, a failure) has a row without one.
SCAN_SCHEMA = pa.schema(
    [
        ("sha256", pa.string()),
        ("source", pa.string()),
        ("athlete", pa.string()),
        ("index", pa.int32()),
        ("sport", pa.string()),
        ("start", pa.timestamp("us", tz="UTC")),
        ("duration_s", pa.float64()),
        ("distance_m", pa.float64()),
        ("kind", pa.string()),
        ("max_hr", pa.float64()),
        ("effort_hr", pa.float64()),
        ("richness", pa.int64()),
    ]
)
#: The second: each session's kind judged against the history of the first.
JUDGED = pa.schema([("sha256", pa.string()), ("index", pa.int32()), ("kind", pa.string())])


def rows_of(decoded: Decoded, athlete: str, settings: Settings) -> list[dict[str, Any]]:
    """The rows of one decoded file: a row per session, or its error row."""
    if decoded.error is not None:
        return [
            error_row(decoded.name, decoded.sha256, athlete, _error_type(decoded), decoded.error)
        ]
    base = {"source": decoded.name, "sha256": decoded.sha256, "athlete": athlete}
    base["format"] = decoded.format
    rows = [
        {**base, "index": i, **_activity(a, settings)} for i, a in enumerate(decoded.activities)
    ]
    rows += [{**base, "index": i, **_strength(s, settings)} for i, s in enumerate(decoded.strength)]
    if not rows:  # a lifting log without a session: still a row, so the file is accounted for
        return [
            error_row(decoded.name, decoded.sha256, athlete, "UnsupportedFileError", "no session")
        ]
    return rows


def block_rows(decoded: Decoded, athlete: str) -> list[dict[str, Any]]:
    """A row per segment of each analysed session of ``decoded``: its offsets, length,
    distance (from the distance samples, else speed × time), mean speed, pace and heart rate."""
    rows = []
    for index, item in enumerate(decoded.activities):
        segments = (item.analysis or {}).get("segments") or []
        samples = item.activity.samples
        for block, seg in enumerate(segments):
            start, end = seg["start_s"], seg["end_s"]
            speed = seg.get("avg_speed_mps")
            distance = _distance(samples["timestamp"], samples["distance_m"], start, end)
            if distance is None and speed is not None:
                distance = speed * (end - start)
            rows.append(
                {
                    "source": decoded.name,
                    "sha256": decoded.sha256,
                    "athlete": athlete,
                    "index": index,
                    "block": block,
                    "role": seg["role"],
                    "start_s": start,
                    "end_s": end,
                    "duration_s": end - start,
                    "distance_m": distance,
                    "avg_speed_mps": speed,
                    "pace_s_per_km": 1000.0 / speed if speed else None,
                    "avg_grade_adjusted_speed_mps": seg.get("avg_grade_adjusted_speed_mps"),
                    "avg_hr": seg.get("avg_hr"),
                    "grade_pct": seg.get("grade_pct"),
                }
            )
    return rows


def _distance(
    stamps: npt.NDArray[np.float64], distance: npt.NDArray[np.float64], start: float, end: float
) -> float | None:
    """Metres covered between ``start`` and ``end`` s after the first time stamp (the analysis
    grid's clock), from the cumulative distance samples; None without them."""
    ok = np.isfinite(stamps) & np.isfinite(distance)
    if int(ok.sum()) < 2:
        return None
    t = stamps[ok] - stamps[np.isfinite(stamps)][0]
    at = np.interp([start, end], t, distance[ok])
    return float(at[1] - at[0])


def error_row(
    source: str, sha256: str, athlete: str, error_type: str, error: str
) -> dict[str, Any]:
    """The row of a file that failed: its name, hash, athlete and typed error."""
    return {
        "source": source,
        "sha256": sha256,
        "athlete": athlete,
        "error_type": error_type,
        "error": error,
    }


def _error_type(decoded: Decoded) -> str:
    """The class of the error :func:`decode_item` turned into ``Decoded.error`` (a string): the
    reader's, found by reading the bytes again (failures only), else a bug's or the base class."""
    from legday.io.reader import read_bytes

    if decoded.error is not None and INTERNAL_ERROR in decoded.error:
        return "InternalError"
    try:
        read_bytes(decoded.data, name=decoded.name, on_error=OnError.RAISE)
    except LegdayError as exc:
        return type(exc).__name__
    except Exception:  # the first attempt logged it: here only its class is wanted
        return "InternalError"
    return "UnsupportedFileError"  # read, but no session in it (decode_item's own raise)


def _verdict(payload: dict[str, Any] | None) -> dict[str, Any]:
    verdict = (payload or {}).get("verdict") or {}
    stimulus = verdict.get("stimulus") or {}
    muscles = stimulus.get("muscles") or {}
    return {
        "category": verdict.get("category"),
        "counts_as_leg_day": bool(verdict.get("counts_as_leg_day", False)),
        "verdict": verdict.get("headline"),
        "strength_load": stimulus.get("strength"),
        "type2_share": stimulus.get("type2_share"),
        **{f"muscle_{m}": float(muscles.get(m, 0.0)) for m in MUSCLES},
    }


def _activity(item: DecodedActivity, settings: Settings) -> dict[str, Any]:
    a = item.activity
    analysis = item.analysis or {}
    hr = analysis.get("hr") or {}
    load = analysis.get("load") or {}
    coverage, _ = strength_coverage(list(a.sets), settings)
    verdict = _verdict(item.verdict)
    return {
        "sport": a.sport,
        "start": a.start,
        "utc_offset_s": a.utc_offset_s,
        "duration_s": analysis.get("duration_s"),
        "distance_m": analysis.get("distance_m"),
        "kind": item.kind,
        "tags": list(analysis.get("tags") or []),
        "confidence": analysis.get("confidence"),
        "overload": bool(analysis.get("overload", False)),
        "blocks": [{k: b.get(k) for k in BLOCK.names} for b in analysis.get("blocks") or []],
        "trimp": load.get("trimp"),
        "edwards_trimp": load.get("edwards_trimp"),
        "hr_stress": load.get("hr_stress"),
        "cardio_band_s": hr.get("cardio_band_s"),
        "above_band_s": hr.get("above_band_s"),
        **verdict,
        "lower_body": verdict["counts_as_leg_day"],  # the week check's reading of a session
        "coverage": sorted(coverage),
    }


def _strength(item: DecodedStrength, settings: Settings) -> dict[str, Any]:
    session = item.session
    coverage, lower = strength_coverage(list(session.sets), settings)
    return {
        "sport": "strength_training",
        "start": session.start,
        "utc_offset_s": session.utc_offset_s,
        "duration_s": session.duration_s,
        "tags": [],
        "blocks": [],
        **_verdict(item.verdict),
        "lower_body": lower,
        "coverage": sorted(coverage),
    }
