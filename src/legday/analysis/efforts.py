"""Best efforts: the fastest time a run covered each standard distance in, from its streams.

For a distance D, every window of the run that covers D metres is a candidate; the best is the
one of least elapsed time. With distance linear between samples, the fastest window starts or
ends on a sample, so two vectorised passes find it exactly: each sample as the end (the start
interpolated where the distance was D metres less, as late as possible) and each sample as the
start (the end interpolated where D metres more was first reached). ``np.searchsorted`` does
both passes at once for every sample; there is no Python loop over samples.

Time is the clock's (the samples' time stamps): a stop inside the window counts, as a race's
clock does (World Athletics rule 19: a race is timed from the gun, not by moving time).
A GPS jump cannot make a record: a step faster than :data:`MAX_RUN_SPEED_MPS` counts only
that speed's distance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["EFFORT_DISTANCES", "MAX_RUN_SPEED_MPS", "BestEffort", "best_efforts"]

FloatArray = npt.NDArray[np.float64]

#: The standard best-effort distances, m, by name: the track's 400 m, the kilometre and the
#: mile, and World Athletics' road distances (5 km, 10 km, half marathon 21.0975 km, marathon
#: 42.195 km), as Strava and Garmin Connect list them.
EFFORT_DISTANCES: dict[str, float] = {
    "400m": 400.0,
    "1k": 1000.0,
    "1mi": 1609.344,
    "5k": 5000.0,
    "10k": 10000.0,
    "half_marathon": 21097.5,
    "marathon": 42195.0,
}

#: Fastest speed a runner covers distance at, m/s: above Usain Bolt's peak of about 12.3 m/s
#: in the 2009 100 m world record (Graubner & Nixdorf 2011, New Studies in Athletics 26).
#: A faster step between two samples is a GPS jump, and is clipped to this speed.
MAX_RUN_SPEED_MPS = 12.5


@dataclass(frozen=True, slots=True)
class BestEffort:
    """The fastest stretch of one run over one distance."""

    distance_m: float
    elapsed_s: float
    """The clock time the stretch took, s."""
    start_s: float
    """When it began, s after the run's first sample."""

    @property
    def end_s(self) -> float:
        return self.start_s + self.elapsed_s


def _clean(time_s: FloatArray, distance_m: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The samples with both a time and a distance, time increasing, distance made
    cumulative from the run's first such sample, never decreasing, with GPS jumps clipped."""
    ok = np.isfinite(time_s) & np.isfinite(distance_m)
    t = np.asarray(time_s, dtype=np.float64)[ok]
    d = np.asarray(distance_m, dtype=np.float64)[ok]
    if t.size < 2:
        return t, d
    keep = np.concatenate(([True], np.diff(t) > 0))  # a repeated time stamp adds nothing
    t, d = t[keep], d[keep]
    step = np.clip(np.diff(d), 0.0, None)
    step = np.minimum(step, MAX_RUN_SPEED_MPS * np.diff(t))
    return t, np.concatenate(([0.0], np.cumsum(step)))


def _fastest(t: FloatArray, d: FloatArray, distance: float) -> BestEffort | None:
    if d[-1] < distance:
        return None
    # Each sample as the end: the start is the last moment the distance was `distance` less.
    ends = np.flatnonzero(d >= distance)
    level = d[ends] - distance
    j = np.searchsorted(d, level, side="right") - 1  # d[j] <= level < d[j + 1]
    j = np.minimum(j, d.size - 2)
    frac = (level - d[j]) / (d[j + 1] - d[j])
    by_end = t[ends] - (t[j] + frac * (t[j + 1] - t[j]))
    # Each sample as the start: the end is the first moment `distance` more was reached.
    starts = np.flatnonzero(d <= d[-1] - distance)
    level = d[starts] + distance
    k = np.maximum(np.searchsorted(d, level, side="left"), 1)  # d[k - 1] < level <= d[k]
    frac = (level - d[k - 1]) / (d[k] - d[k - 1])
    by_start = t[k - 1] + frac * (t[k] - t[k - 1]) - t[starts]
    i_end, i_start = int(np.argmin(by_end)), int(np.argmin(by_start))
    if by_end[i_end] <= by_start[i_start]:
        elapsed = float(by_end[i_end])
        start = float(t[ends[i_end]]) - elapsed
    else:
        elapsed = float(by_start[i_start])
        start = float(t[starts[i_start]])
    return BestEffort(distance, elapsed, start - float(t[0]))


def best_efforts(
    time_s: FloatArray,
    distance_m: FloatArray,
    distances: dict[str, float] | None = None,
) -> dict[str, BestEffort]:
    """The fastest stretch of the run over each of ``distances`` (default
    :data:`EFFORT_DISTANCES`) it covered, by name. ``time_s`` is any clock in seconds (POSIX
    time stamps or elapsed time), ``distance_m`` the cumulative distance; samples missing
    either are skipped. A distance longer than the run has no entry."""
    t, d = _clean(time_s, distance_m)
    out: dict[str, BestEffort] = {}
    if t.size < 2:
        return out
    for name, distance in (distances or EFFORT_DISTANCES).items():
        effort = _fastest(t, d, distance)
        if effort is not None:
            out[name] = effort
    return out
