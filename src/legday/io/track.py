"""Point columns of a GPX or TCX track to the model's sample channels: time order, distance,
speed."""

from __future__ import annotations

import numpy as np

from legday.errors import OnError
from legday.io.timeline import MAX_TIME_GAP_S, plausible_times
from legday.io.xml import FloatArray, report
from legday.model import CHANNELS

__all__ = ["EARTH_RADIUS_M", "build_samples", "cumulative_distance_m"]

#: Mean Earth radius, m (IUGG R1; Moritz 2000, Geodetic Reference System 1980).
EARTH_RADIUS_M = 6_371_008.8


def cumulative_distance_m(lat_deg: FloatArray, lon_deg: FloatArray) -> FloatArray:
    """Cumulative great-circle (haversine) distance in metres along the fixes.

    Points without a fix carry the distance of the last fix (0 before the first fix); all NaN
    when there is no fix at all.
    """
    n = lat_deg.shape[0]
    fix = np.isfinite(lat_deg) & np.isfinite(lon_deg)
    if not fix.any():
        return np.full(n, np.nan)
    lat = np.radians(lat_deg[fix])
    lon = np.radians(lon_deg[fix])
    dlat = np.diff(lat)
    dlon = np.diff(lon)
    a = np.sin(dlat / 2) ** 2 + np.cos(lat[:-1]) * np.cos(lat[1:]) * np.sin(dlon / 2) ** 2
    step = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    at_fix = np.concatenate(([0.0], np.cumsum(step)))
    rank = np.cumsum(fix) - 1  # the last fix at or before each point; -1 before the first
    return np.where(rank >= 0, at_fix[np.clip(rank, 0, None)], 0.0).astype(np.float64)


def build_samples(
    raw: dict[str, FloatArray],
    *,
    name: str | None,
    on_error: OnError,
    warnings: list[str],
) -> dict[str, FloatArray]:
    """Turn per-point columns into the model's sample channels.

    Points without a time are dropped (with a warning), and so are points days away from the
    others (:func:`~legday.io.timeline.plausible_times`; ``on_error``); points are put in time
    order (backward jumps follow ``on_error``); repeated time stamps keep the first point.
    ``distance_m`` is the file's own cumulative distance when it has one (gaps interpolated in
    time, never decreasing; per-point increments are summed, and a column that never advances
    while the fixes move is replaced: :func:`_distance`), else the haversine distance of the
    fixes; ``speed_mps`` is derived
    from distance and time when the file has no speed. Every channel of
    :data:`legday.model.CHANNELS` is present.
    """
    ts = raw["timestamp"]
    keep = np.isfinite(ts)
    dropped = int(ts.shape[0] - keep.sum())
    cols = raw
    if dropped:
        warnings.append(f"{dropped} point(s) without a time stamp were dropped")
        cols = {k: v[keep] for k, v in raw.items()}
    ts = cols["timestamp"]
    placed = plausible_times(ts)
    if not placed.all():
        far = np.flatnonzero(~placed)
        report(
            f"{far.size} point(s) more than {MAX_TIME_GAP_S / 86_400:g} days from the other "
            f"points (first: timed point {int(far[0])}, {np.datetime64(int(ts[far[0]]), 's')}Z); "
            "they were dropped",
            name=name,
            on_error=on_error,
            warnings=warnings,
        )
        cols = {k: v[placed] for k, v in cols.items()}
        ts = cols["timestamp"]
    if ts.size > 1:
        steps = np.diff(ts)
        if (steps < 0).any():
            first = int(np.argmax(steps < 0)) + 1
            report(
                f"time goes backwards at timed point {first}; points were put in time order",
                name=name,
                on_error=on_error,
                warnings=warnings,
            )
            order = np.argsort(ts, kind="stable")
            cols = {k: v[order] for k, v in cols.items()}
            ts = cols["timestamp"]
        repeat = np.concatenate(([False], np.diff(ts) == 0))
        if repeat.any():
            warnings.append(f"{int(repeat.sum())} point(s) repeating a time stamp were dropped")
            cols = {k: v[~repeat] for k, v in cols.items()}
            ts = cols["timestamp"]
    n = ts.shape[0]
    samples = {
        key: cols.get(key, np.full(n, np.nan)).astype(np.float64, copy=False) for key in CHANNELS
    }
    samples.update({k: v for k, v in cols.items() if k not in samples})
    samples["elapsed_s"] = ts - ts[0] if n else np.empty(0)
    samples["distance_m"] = _distance(samples, warnings, name)
    if n and not np.isfinite(samples["speed_mps"]).any():
        samples["speed_mps"] = _derived_speed(samples["distance_m"], ts)
    return samples


#: Largest relative difference between a track's path length and the sum of a distance column
#: that decreases, for the column to be read as per-point increments rather than as a
#: cumulative distance (the msimms app's TCX: increments summing to 5310.5 m on a 5309.0 m
#: track, 0.03 %; a GPS path and a device's distance agree within a few percent).
DELTA_AGREEMENT = 0.05
#: Shortest path of the fixes, m, that shows a track moves (GPS scatter at a standstill stays
#: well below it over minutes), so that a distance column that never advances is wrong.
MOVED_M = 50.0


def _distance(samples: dict[str, FloatArray], warnings: list[str], name: str | None) -> FloatArray:
    """The cumulative distance: the file's own (see :func:`build_samples`), except for a column
    that is not a cumulative distance, found against the fixes' path length: per-point
    increments (the column decreases, its sum matches the path and its maximum does not) are
    summed; a column that never advances while the fixes move gives way to the fixes'
    distance. Either is said in ``warnings``, naming the file."""
    ts = samples["timestamp"]
    dist = samples["distance_m"]
    have = np.isfinite(dist)
    if not have.any():
        return cumulative_distance_m(samples["latitude_deg"], samples["longitude_deg"])
    raw = dist
    if not have.all():
        dist = np.interp(ts, ts[have], dist[have])
    who = name or "<stream>"
    if (np.diff(dist) < 0).any():
        path = _path_m(samples)
        total = float(np.nansum(raw))
        if path > MOVED_M and abs(total - path) <= DELTA_AGREEMENT * path < path - dist.max():
            warnings.append(
                f"{who}: its DistanceMeters are per-point increments, not a cumulative "
                f"distance (they sum to {total:.0f} m, the track is {path:.0f} m); they were "
                "summed"
            )
            return np.cumsum(np.where(have, raw, 0.0))
        warnings.append("the file's distance decreases in places; it was held at its maximum")
        return np.maximum.accumulate(dist)
    if dist[-1] == dist[0] and (path := _path_m(samples)) > MOVED_M:
        warnings.append(
            f"{who}: its distance stays at {dist[0]:g} m while the track covers {path:.0f} m; "
            "the distance of the track was used"
        )
        return cumulative_distance_m(samples["latitude_deg"], samples["longitude_deg"])
    return dist


def _path_m(samples: dict[str, FloatArray]) -> float:
    """The length of the fixes' path, m (0 without fixes)."""
    path = cumulative_distance_m(samples["latitude_deg"], samples["longitude_deg"])
    return float(path[-1]) if path.size and np.isfinite(path[-1]) else 0.0


def _derived_speed(dist: FloatArray, ts: FloatArray) -> FloatArray:
    speed = np.full(ts.shape[0], np.nan)
    if ts.shape[0] > 1:
        speed[1:] = np.diff(dist) / np.diff(ts)
        speed[0] = speed[1]
    return speed
