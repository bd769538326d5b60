"""Work told from recovery by contrast: repetitions clearly faster than the running around them.

A trained runner's repetitions at threshold or 10-km pace run only ~1.2–1.35 × their easy
pace, and their recoveries are floated near easy pace: a fixed multiple of the easy pace
misses them, although the session is plain to see as an alternation of two levels. This
module finds that alternation on the change-point levels of effort speed
(:func:`~legday.analysis.segments.level_segments`):

* a **work level** runs at least ``contrast_on_ratio`` × the easy reference and at least
  ``contrast_ratio`` × each slower level beside it (its recoveries);
* consecutive work levels are one repetition (a level change inside a rep);
* heart rate must agree when it is recorded: it ends each repetition higher than it ended
  the recovery before (median over the reps, ``contrast_hr_rise_bpm``). On rolling ground
  without altitude data the alternation runs the other way — slower up, faster down, with
  heart rate highest at the end of the *slow* part — so this test tells hills from reps.

The efforts it returns are named by the pattern rules like any others
(:func:`~legday.analysis.patterns.build_blocks`); it is used when the pace threshold found no
quality work.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from legday.settings import Settings

from .moving import rolling_mean
from .segments import CPD_BIN_S, FloatArray, IntArray, Signals, Stretch, binned, runs, stretch

__all__ = ["contrast_efforts", "periodic_efforts"]


#: A rhythm is looked for at lags from this many 5-s bins (40 s) …
PERIODIC_MIN_LAG_BINS = 8
#: … to this many (10 min).
PERIODIC_MAX_LAG_BINS = 120
#: The pace must correlate with itself one cycle later at least this much (a steady run's
#: pace wanders with r ≈ 0–0.3 at these lags; heuristic).
PERIODIC_MIN_CORRELATION = 0.5
#: The trend removed before looking for a rhythm: a moving mean this long, s.
PERIODIC_DETREND_S = 600.0
#: A repetition is above the trend by this many standard deviations of the detrended pace …
PERIODIC_ON_FRACTION = 0.25
#: … lasts at least this share of the cycle …
PERIODIC_MIN_SHARE = 0.2
#: … and at least this share of the median repetition …
PERIODIC_MIN_OF_TYPICAL = 0.6
#: … and there are at least this many.
PERIODIC_MIN_REPS = 5
#: A dip below the threshold shorter than this share of the cycle does not end a repetition
#: (a 1-min rep's pace sags for 5–10 s on a bend or at a GPS glitch; heuristic).
PERIODIC_HOLE_SHARE = 0.1
#: The rhythm needs heart rate over at least this much of the run to agree with it, s.
PERIODIC_MIN_HR_S = 600.0


def _groups(high: np.ndarray) -> list[tuple[int, int]]:
    """Index ranges ``[i, j)`` of consecutive True values."""
    out: list[tuple[int, int]] = []
    i = 0
    n = high.size
    while i < n:
        if high[i]:
            j = i
            while j < n and high[j]:
                j += 1
            out.append((i, j))
            i = j
        else:
            i += 1
    return out


def _end_hr(sig: Signals, a: int, b: int, seconds: float) -> float:
    """Mean heart rate over the last ``seconds`` of ``[a, b)`` (NaN when not recorded)."""
    lo = max(a, b - sig.points(seconds))
    hr = sig.hr_bpm[lo:b]
    hr = hr[np.isfinite(hr)]
    return float(hr.mean()) if hr.size else float("nan")


def _hr_agrees(sig: Signals, reps: list[tuple[int, int]], settings: Settings) -> bool:
    """Heart rate ends each repetition higher than it ended the recovery before (median over
    the reps, ``contrast_hr_rise_bpm``); True when heart rate was not recorded."""
    c = settings.classify
    if np.isfinite(sig.hr_bpm).sum() * sig.step_s < 60.0:
        return True
    rises = []
    for k, (a, b) in enumerate(reps):
        rest_a = reps[k - 1][1] if k else max(0, a - (b - a))
        work = _end_hr(sig, a, b, c.contrast_hr_window_s)
        rest = _end_hr(sig, rest_a, a, c.contrast_hr_window_s)
        if np.isfinite(work) and np.isfinite(rest):
            rises.append(work - rest)
    return not rises or float(np.median(rises)) >= c.contrast_hr_rise_bpm


def periodic_efforts(sig: Signals, settings: Settings) -> list[Stretch]:
    """Repetitions of a session that alternates on a steady rhythm — 1 min on, 1 min off; 30/30s
    — too quickly for the change points to resolve and with no easy running to compare with:
    the effort speed, detrended over ``PERIODIC_DETREND_S``, correlates with itself one cycle
    later (autocorrelation ≥ ``PERIODIC_MIN_CORRELATION`` at a lag of 40 s – 10 min), and the
    repetitions are the stretches above the trend whose pace clearly beats the stretches
    between (``contrast_ratio``) with heart rate recorded and agreeing. [] otherwise."""
    c = settings.classify
    if np.isfinite(sig.hr_bpm).sum() * sig.step_s < PERIODIC_MIN_HR_S:
        return []  # a rhythm of pace alone may be the terrain: heart rate must be there to agree
    width = sig.points(CPD_BIN_S)
    x = binned(sig.effort_mps, width)
    moving = binned(sig.counted.astype(np.float64), width) > 0.5
    if x.size < 4 * PERIODIC_MAX_LAG_BINS // 2 or not moving.any():
        return []
    trend = rolling_mean(x, max(1, round(PERIODIC_DETREND_S / CPD_BIN_S)))
    d = np.where(moving, x - trend, 0.0)
    d = d - d.mean()
    energy = float(np.dot(d, d))
    if energy <= 0:
        return []
    lags = np.arange(PERIODIC_MIN_LAG_BINS, min(PERIODIC_MAX_LAG_BINS, d.size // 4))
    if lags.size == 0:
        return []
    r = np.asarray([float(np.dot(d[:-k], d[k:])) / energy for k in lags])
    best = int(np.argmax(r))
    if r[best] < PERIODIC_MIN_CORRELATION:
        return []
    on = d > PERIODIC_ON_FRACTION * float(np.std(d[moving]))
    starts, ends = runs(on)
    if starts.size > 1:  # close the short holes inside a repetition
        keep = np.r_[True, (starts[1:] - ends[:-1]) > PERIODIC_HOLE_SHARE * int(lags[best])]
        starts, ends = starts[keep], np.r_[ends[:-1][keep[1:]], ends[-1]]
    reps = [(int(a) * width, min(sig.n, int(b) * width)) for a, b in zip(starts, ends, strict=True)]
    period = int(lags[best]) * width
    reps = [(a, b) for a, b in reps if (b - a) >= PERIODIC_MIN_SHARE * period]
    if reps:  # fragments of a rep the threshold cut in two are no reps of their own
        typical = float(np.median([b - a for a, b in reps]))
        reps = [(a, b) for a, b in reps if (b - a) >= PERIODIC_MIN_OF_TYPICAL * typical]
    if len(reps) < PERIODIC_MIN_REPS:
        return []
    efforts = [stretch(sig, a, b) for a, b in reps]
    gaps = [stretch(sig, a.end, b.start) for a, b in pairwise(efforts)]
    if not gaps:
        return []
    work = float(np.median([e.effort_mps for e in efforts]))
    rest = float(np.median([g.effort_mps for g in gaps]))
    if work < c.contrast_ratio * rest or not _hr_agrees(sig, reps, settings):
        return []
    return efforts


def contrast_efforts(
    sig: Signals, v_ref: float, bounds: IntArray, levels: FloatArray, settings: Settings
) -> list[Stretch]:
    """Repetitions found by their contrast with their own recoveries (see the module rules);
    [] when fewer than ``contrast_min_reps`` alternate or heart rate disagrees."""
    c = settings.classify
    if levels.size < 3 or v_ref <= 0:
        return []
    durations = (bounds[1:] - bounds[:-1]) * sig.step_s
    high = levels >= c.contrast_on_ratio * v_ref
    reps: list[tuple[int, int]] = []
    for i, j in _groups(high):
        level = float(np.average(levels[i:j], weights=np.maximum(durations[i:j], 1e-9)))
        before = levels[i - 1] if i > 0 else None
        after = levels[j] if j < levels.size else None
        if before is None and after is None:
            continue
        if any(n is not None and level < c.contrast_ratio * n for n in (before, after)):
            continue
        if not c.contrast_min_rep_s <= float(durations[i:j].sum()) <= c.contrast_max_rep_s:
            continue
        reps.append((int(bounds[i]), int(bounds[j])))
    if len(reps) < c.contrast_min_reps:
        return []
    if not _hr_agrees(sig, reps, settings):
        return []
    efforts = [stretch(sig, a, b) for a, b in reps]
    level = float(np.median([e.effort_mps for e in efforts]))
    lo, hi = 0, len(efforts)
    while lo < hi and efforts[lo].effort_mps < c.contrast_trim_fraction * level:
        lo += 1
    while hi > lo and efforts[hi - 1].effort_mps < c.contrast_trim_fraction * level:
        hi -= 1
    return efforts[lo:hi] if hi - lo >= c.contrast_min_reps else []
