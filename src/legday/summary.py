"""Plain facts about an activity, as ``legday inspect`` and the demo show them (pure)."""

from __future__ import annotations

from typing import Any

import numpy as np

from legday.model import Activity

__all__ = ["activity_summary", "channel_stats"]


def channel_stats(activity: Activity) -> dict[str, dict[str, float | int | None]]:
    """Count of finite values, min, max and mean of every channel (None when empty)."""
    out: dict[str, dict[str, float | int | None]] = {}
    for name, arr in activity.samples.items():
        finite = arr[np.isfinite(arr)]
        if finite.size:
            out[name] = {
                "count": int(finite.size),
                "min": float(finite.min()),
                "max": float(finite.max()),
                "mean": float(finite.mean()),
            }
        else:
            out[name] = {"count": 0, "min": None, "max": None, "mean": None}
    return out


def _finite_mean(arr: np.ndarray[Any, np.dtype[np.float64]]) -> float | None:
    finite = arr[np.isfinite(arr)]
    return float(finite.mean()) if finite.size else None


def activity_summary(activity: Activity) -> dict[str, Any]:
    """What a runner sees first: sport, start, duration, distance, heart rate, laps."""
    source = activity.source
    return {
        "format": source.format if source else None,
        "name": activity.name,
        "device": activity.device,
        "sport": activity.sport,
        "sub_sport": activity.sub_sport,
        "start": activity.start.isoformat(),
        "local_start": activity.local_start.isoformat(),
        "utc_offset_s": activity.utc_offset_s,
        "duration_s": activity.duration_s,
        "distance_m": activity.distance_m,
        "records": activity.n_samples,
        "avg_heart_rate_bpm": _finite_mean(activity.samples["heart_rate_bpm"]),
        "laps": [
            {
                "start": lap.start,
                "duration_s": lap.duration_s,
                "distance_m": lap.total_distance_m,
                "intensity": lap.intensity,
                "trigger": lap.trigger,
                "wkt_step_index": lap.wkt_step_index,
            }
            for lap in activity.laps
        ],
        "sets": len(activity.sets),
        "warnings": list(activity.warnings),
    }
