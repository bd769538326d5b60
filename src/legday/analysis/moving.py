"""The time base: an activity's samples on a regular grid, its gaps, pauses and moving time.

Watches record at 1 s or "smart" irregular intervals, pause the timer (by hand or auto-pause),
drop samples and sometimes write time stamps that go backwards. Every later step works on a
regular grid built here: ``step_s`` apart (1 s for runs up to ~5.5 h), each grid point marked
*recorded* (a sample lies within ``max_gap_s``) and *paused* (the timer was stopped). A grid
point counts towards recorded time only when it is recorded and not paused; that is the
time-weighting every "time in zone" uses, so pauses and gaps never count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from legday.model import Activity, Event

__all__ = ["Grid", "build_grid", "haversine_m", "moving_mask", "rolling_mean"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Largest number of grid points; longer recordings get a coarser step (keeps analysis fast).
MAX_GRID_POINTS = 20_000
#: Samples further than this from the median time stamp are corrupt and dropped, s (2 days).
MAX_SPAN_S = 172_800.0
#: Mean Earth radius, m (IUGG), for the haversine distance.
EARTH_RADIUS_M = 6_371_008.8
#: Timer event types that stop the timer (FIT profile ``event_type``).
TIMER_STOP_TYPES = frozenset({"stop", "stop_all", "stop_disable", "stop_disable_all"})
#: Half-width of the centred difference used to derive speed from distance, s.
SPEED_DIFF_HALF_S = 2.0
#: Fastest credible running speed, m/s (the 100-m world record averages ~10.4 m/s).
MAX_SPEED_MPS = 12.5


@dataclass(frozen=True, slots=True)
class Grid:
    """An activity resampled on a regular time grid (NaN where a channel has no data)."""

    step_s: float
    """Seconds between grid points."""
    elapsed_s: FloatArray
    """Seconds since the first sample."""
    recorded: BoolArray
    """A sample lies within the gap limit of this point."""
    paused: BoolArray
    """The device timer was stopped here."""
    distance_m: FloatArray
    """Cumulative distance, never decreasing, starting at 0."""
    speed_mps: FloatArray
    """Instantaneous speed; 0 in gaps and pauses."""
    altitude_m: FloatArray
    heart_rate_bpm: FloatArray
    cadence_spm: FloatArray
    latitude_deg: FloatArray
    longitude_deg: FloatArray
    start_posix_s: float = 0.0
    """POSIX time of the first grid point (``elapsed_s`` 0), to place laps and events."""

    @property
    def n(self) -> int:
        return int(self.elapsed_s.shape[0])

    @property
    def counted(self) -> BoolArray:
        """Points that count towards recorded time: recorded and not paused."""
        return self.recorded & ~self.paused

    @property
    def weight_s(self) -> FloatArray:
        """Seconds each grid point stands for (0 in gaps and pauses)."""
        return np.where(self.counted, self.step_s, 0.0)


def rolling_mean(x: FloatArray, width: int) -> FloatArray:
    """Centred moving mean over ``width`` points; NaN-aware (NaN only where all are NaN)."""
    width = min(width, x.size)
    if width <= 1 or x.size == 0:
        return x.astype(np.float64, copy=True)
    finite = np.isfinite(x)
    kernel = np.ones(width)
    total = np.convolve(np.where(finite, x, 0.0), kernel, mode="same")
    count = np.convolve(finite.astype(np.float64), kernel, mode="same")
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.where(count > 0, total / np.maximum(count, 1.0), np.nan)
    return out


def haversine_m(lat_deg: FloatArray, lon_deg: FloatArray) -> FloatArray:
    """Distance between consecutive points, m (haversine on a sphere of the mean Earth radius).

    Returns an array one shorter than its inputs; NaN where either point lacks a position.
    """
    lat = np.radians(lat_deg)
    lon = np.radians(lon_deg)
    dlat = np.diff(lat)
    dlon = np.diff(lon)
    a = np.sin(dlat / 2) ** 2 + np.cos(lat[:-1]) * np.cos(lat[1:]) * np.sin(dlon / 2) ** 2
    out: FloatArray = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return out


def _resample(
    src_t: FloatArray, values: FloatArray, grid_t: FloatArray, max_gap_s: float
) -> FloatArray:
    """Linear interpolation of the finite ``values`` onto ``grid_t``; NaN in gaps > max_gap_s."""
    ok = np.isfinite(values)
    if ok.sum() < 2:
        if ok.sum() == 1:
            near = np.abs(grid_t - src_t[ok][0]) <= max_gap_s
            return np.where(near, values[ok][0], np.nan)
        return np.full(grid_t.shape, np.nan)
    t = src_t[ok]
    v = values[ok]
    out = np.interp(grid_t, t, v)
    idx = np.clip(np.searchsorted(t, grid_t), 1, t.size - 1)
    gap = t[idx] - t[idx - 1]
    outside = (grid_t < t[0] - max_gap_s) | (grid_t > t[-1] + max_gap_s)
    near_edge = np.minimum(np.abs(grid_t - t[idx]), np.abs(grid_t - t[idx - 1])) <= max_gap_s / 2
    bad = outside | ((gap > max_gap_s) & ~near_edge)
    return np.where(bad, np.nan, out)


def _pauses(events: Sequence[Event], t0: float) -> list[tuple[float, float]]:
    """Timer-stopped intervals (elapsed seconds) from the device's timer events."""
    spans: list[tuple[float, float]] = []
    stopped_at: float | None = None
    for ev in sorted(events, key=lambda e: e.timestamp):
        if ev.event != "timer":
            continue
        if ev.event_type in TIMER_STOP_TYPES and stopped_at is None:
            stopped_at = ev.timestamp - t0
        elif ev.event_type == "start" and stopped_at is not None:
            spans.append((stopped_at, ev.timestamp - t0))
            stopped_at = None
    return spans


def build_grid(activity: Activity, max_gap_s: float) -> Grid:
    """Resample ``activity`` on a regular grid, marking gaps and timer pauses.

    Samples whose time stamp does not increase are dropped (devices sometimes write time
    stamps that go backwards), as are stamps days away from the rest (corrupt files). Speed
    comes from the speed channel where it is mostly present, else from distance, else from the
    GPS track; distance likewise falls back to the track and then to integrated speed.
    """
    s = activity.samples
    ts = s["timestamp"]
    finite_t = np.isfinite(ts)
    if finite_t.any():  # a corrupt stamp decades away must not stretch the grid
        finite_t &= np.abs(ts - np.median(ts[finite_t])) <= MAX_SPAN_S
    ts_f = np.where(finite_t, ts, -np.inf)
    prev_max = np.maximum.accumulate(ts_f)
    keep = finite_t & np.r_[True, ts_f[1:] > prev_max[:-1]]
    if keep.sum() == 0:
        empty = np.zeros(0)
        e, no = empty, empty.astype(bool)
        return Grid(1.0, e, no, no, e, e, e, e, e, e, e)
    t = ts[keep] - ts[keep][0]
    span = float(t[-1])
    step = max(1.0, float(np.ceil(span / MAX_GRID_POINTS)))
    grid_t = np.arange(0.0, span + step / 2, step)

    def res(name: str) -> FloatArray:
        return _resample(t, s[name][keep], grid_t, max_gap_s)

    recorded = np.isfinite(_resample(t, np.zeros(t.size), grid_t, max_gap_s))
    paused = np.zeros(grid_t.size, dtype=bool)
    for a, b in _pauses(activity.events, float(ts[keep][0])):
        paused[(grid_t > a) & (grid_t < b)] = True

    lat, lon = res("latitude_deg"), res("longitude_deg")
    dist = _distance(t, s, keep, grid_t, max_gap_s, lat, lon, step)
    speed = _speed(t, s["speed_mps"][keep], grid_t, max_gap_s, dist, step)
    speed = np.where(recorded & ~paused, speed, 0.0)
    return Grid(
        step_s=step,
        elapsed_s=grid_t,
        recorded=recorded,
        paused=paused,
        distance_m=dist,
        speed_mps=speed,
        altitude_m=res("altitude_m"),
        heart_rate_bpm=res("heart_rate_bpm"),
        cadence_spm=res("cadence_spm"),
        latitude_deg=lat,
        longitude_deg=lon,
        start_posix_s=float(ts[keep][0]),
    )


def _distance(
    t: FloatArray,
    s: dict[str, FloatArray],
    keep: BoolArray,
    grid_t: FloatArray,
    max_gap_s: float,
    lat: FloatArray,
    lon: FloatArray,
    step: float,
) -> FloatArray:
    d = s["distance_m"][keep]
    if np.isfinite(d).sum() >= max(2, d.size // 2):
        ok = np.isfinite(d)
        out = np.interp(grid_t, t[ok], np.maximum.accumulate(d[ok]))
        return np.asarray(out - out[0], dtype=np.float64)
    if np.isfinite(lat).sum() >= 2:
        hop = haversine_m(lat, lon)
        hop = np.where(np.isfinite(hop) & (hop <= MAX_SPEED_MPS * step), hop, 0.0)
        return np.asarray(np.r_[0.0, np.cumsum(hop)], dtype=np.float64)
    v = _resample(t, s["speed_mps"][keep], grid_t, max_gap_s)
    return np.asarray(np.r_[0.0, np.cumsum(np.nan_to_num(v[1:]) * step)], dtype=np.float64)


def _speed(
    t: FloatArray,
    v_src: FloatArray,
    grid_t: FloatArray,
    max_gap_s: float,
    dist: FloatArray,
    step: float,
) -> FloatArray:
    if np.isfinite(v_src).sum() >= max(2, v_src.size // 2):
        v = _resample(t, v_src, grid_t, max_gap_s)
    else:
        h = max(1, round(SPEED_DIFF_HALF_S / step))
        padded = np.r_[np.full(h, dist[0]), dist, np.full(h, dist[-1])]
        v = (padded[2 * h :] - padded[: -2 * h]) / (2 * h * step)
    return np.clip(np.nan_to_num(v), 0.0, MAX_SPEED_MPS)


def moving_mask(grid: Grid, threshold_mps: float, window_s: float = 5.0) -> BoolArray:
    """Points where the athlete moves: counted time and a ``window_s`` mean speed ≥ threshold."""
    width = max(1, round(window_s / grid.step_s))
    v = rolling_mean(grid.speed_mps, width)
    return grid.counted & (v >= threshold_mps)
