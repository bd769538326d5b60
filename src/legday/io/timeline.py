"""Which sample times of a recording are plausible, shared by every reader.

A recording's sample times lie together: devices write one sample every few seconds, and pauses
last hours, not days. A time that lies days away from all the others is a corrupt value (a
Strava app wrote one record a byte short, whose time field then reads 2085), or a time on
another clock (a device writes seconds since power-on until it has a fix, then UTC). Such a
sample cannot be placed on the activity's time line, and keeping it makes the activity last
decades, so the readers drop it with a warning naming it.

The rule: sample times linked by gaps of at most :data:`MAX_TIME_GAP_S` form a cluster; the
clusters that lie within :data:`MAX_TIME_GAP_S` of a span the file itself declares (a FIT
session) are kept, and when no cluster does (or the file declares none) the cluster holding the
most samples is kept. A recording that spans weeks without a two-day gap stays whole, and so do
chained files of several days (each near its own session).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["MAX_TIME_GAP_S", "plausible_times"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Largest gap, s, between two sample times of one recording, and largest distance of a kept
#: sample from a session's declared span: 2 days. Longer than any pause inside one activity
#: (a multi-day ultra or expedition records at least every few minutes), far shorter than the
#: decades a corrupt or device-relative time is off.
MAX_TIME_GAP_S = 2 * 86_400.0


def plausible_times(times: FloatArray, spans: Sequence[tuple[float, float]] = ()) -> BoolArray:
    """Mask of the ``times`` (POSIX seconds, any order) that belong to the recording.

    NaN and infinite times are never plausible. ``spans`` are (start, end) intervals the file
    declares (NaN ends are ignored); see the module docstring for the rule.
    """
    n = times.shape[0]
    finite = np.isfinite(times)
    keep = np.zeros(n, dtype=np.bool_)
    where = np.flatnonzero(finite)
    if not where.size:
        return keep
    values = times[where]
    if float(values.max()) - float(values.min()) <= MAX_TIME_GAP_S:  # the common case
        keep[where] = True
        return keep
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    breaks = np.flatnonzero(np.diff(ordered) > MAX_TIME_GAP_S) + 1
    if not breaks.size:  # a long recording without a two-day gap
        keep[where] = True
        return keep
    first = np.concatenate(([0], breaks))
    last = np.concatenate((breaks, [ordered.shape[0]])) - 1
    lo, hi = ordered[first], ordered[last]
    claimed = np.zeros(first.shape[0], dtype=np.bool_)
    for start, end in spans:
        if np.isfinite(start) and np.isfinite(end):
            claimed |= (lo - MAX_TIME_GAP_S <= max(start, end)) & (
                hi + MAX_TIME_GAP_S >= min(start, end)
            )
    if not claimed.any():
        claimed[int(np.argmax(last - first))] = True
    keep[where[order]] = np.repeat(claimed, last - first + 1)
    return keep
