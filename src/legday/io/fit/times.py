"""Record times: the records that cannot be placed on the activity's time line are dropped.

Every reader promises finite sample times that never decrease (see tests/test_read.py). FIT
records carry their own times, and a damaged or odd file breaks that promise in three ways,
each handled here where the bytes are understood, with one warning per kind naming the count
and the byte offset of the first record concerned:

* a record without a time (no ``timestamp`` field and no compressed header before it);
* a record whose time lies days away from the others and from every session
  (:func:`legday.io.timeline.plausible_times`): a corrupt value, or a device-relative time
  (seconds since power-on, below the FIT ``date_time`` minimum) among absolute ones;
* a record that goes back in time within its session: the longest run of records whose times
  never decrease is kept, so one stray record costs one record, not all that follow it.

Under ``OnError.RAISE`` the first such record raises :class:`CorruptFileError` at its offset.
A file whose times are all device-relative (the Forerunner 70 writes no UTC at all) keeps them,
with a warning that its start is not an absolute time.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from legday.errors import CorruptFileError, OnError
from legday.io.fit.columns import Table
from legday.io.fit.profile import enum_value
from legday.io.fit.protocol import FIT_EPOCH_S
from legday.io.fit.summaries import SessionRow
from legday.io.timeline import MAX_TIME_GAP_S, plausible_times

__all__ = ["plausible_records", "relative_time_warning"]

IntArray = npt.NDArray[np.intp]


def plausible_records(
    records: Table, sessions: Sequence[SessionRow], name: str | None, on_error: OnError
) -> tuple[Table, list[str]]:
    """``records`` without the records whose times cannot be placed, and the warnings."""
    times = records.raw_of("timestamp") + FIT_EPOCH_S
    placed = plausible_times(times, [(s.start, s.end) for s in sessions])
    missing = ~np.isfinite(times)
    far = ~placed & ~missing
    back = _backwards(times, placed, [s.start for s in sessions])
    if not (missing.any() or far.any() or back.any()):
        return records, []
    days = MAX_TIME_GAP_S / 86_400
    found: list[tuple[int, str]] = []
    for mask, what in (
        (missing, "without a time"),
        (far, f"more than {days:g} days from the session and the other records"),
        (back, "going back in time"),
    ):
        if mask.any():
            first = int(np.argmax(mask))
            example = "" if what == "without a time" else f" (first: {_iso(times[first])})"
            found.append(
                (int(records.offsets[first]), f"{int(mask.sum())} record(s) {what}" + example)
            )
    found.sort()
    if on_error is OnError.RAISE:
        offset, message = found[0]
        raise CorruptFileError(message, path=name, offset=offset)
    warnings = [
        str(CorruptFileError(f"{message}; dropped", path=name, offset=offset))
        for offset, message in found
    ]
    keep = np.flatnonzero(placed & ~back)
    return records.take(keep), warnings


def _iso(posix: float) -> str:
    return f"{np.datetime64(int(posix), 's')}Z"


def _backwards(
    times: npt.NDArray[np.float64], placed: npt.NDArray[np.bool_], starts: Sequence[float]
) -> npt.NDArray[np.bool_]:
    """Placed records outside the longest non-decreasing run of their session's times."""
    out = np.zeros(times.shape[0], dtype=np.bool_)
    rows = np.flatnonzero(placed)
    if rows.size < 2:
        return out
    t = times[rows]
    if not (np.diff(t) < 0).any():
        return out  # the common case: file order is time order
    bounds = np.sort(np.array([s for s in starts if np.isfinite(s)], dtype=np.float64))
    group = np.clip(np.searchsorted(bounds, t, side="right") - 1, 0, None)
    for g in np.unique(group).tolist():
        members = rows[group == g]
        kept = _longest_non_decreasing(times[members].tolist())
        drop = np.ones(members.shape[0], dtype=np.bool_)
        drop[kept] = False
        out[members[drop]] = True
    return out


def _longest_non_decreasing(values: list[float]) -> IntArray:
    """Indices of a longest non-decreasing subsequence of ``values`` (patience sorting,
    O(n log n); run only on files whose time goes backwards)."""
    tails: list[float] = []
    tail_at: list[int] = []
    before = [-1] * len(values)
    for i, v in enumerate(values):
        j = bisect_right(tails, v)
        if j == len(tails):
            tails.append(v)
            tail_at.append(i)
        else:
            tails[j] = v
            tail_at[j] = i
        before[i] = tail_at[j - 1] if j else -1
    out: list[int] = []
    k = tail_at[-1] if tail_at else -1
    while k >= 0:
        out.append(k)
        k = before[k]
    return np.array(out[::-1], dtype=np.intp)


def relative_time_warning(records: Table | None, name: str | None) -> list[str]:
    """A warning when record times are device-relative: FIT ``date_time`` values below the
    profile's ``min`` (0x10000000) count seconds since the device's power-on, not since the FIT
    epoch, so the start is not an absolute time (e.g. the Forerunner 70); durations, laps and
    distances are still right."""
    least = enum_value("date_time", "min")
    if records is None or least is None:
        return []
    stamps = records.raw_of("timestamp")
    if not (stamps < least).any():
        return []
    return [
        f"{name or '<stream>'}: record times are device-relative (before the FIT date_time "
        "minimum); the start time is not absolute"
    ]
