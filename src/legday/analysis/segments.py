"""Finding efforts in a run: change points, hysteresis thresholds and per-stretch statistics.

:func:`find_efforts` finds the stretches clearly faster than the run's easy reference
(:func:`easy_reference`) with two complementary tools, both vectorised:

* :func:`change_points` — exact-cost *binary segmentation* of a piecewise-constant signal under
  a squared-error cost with a penalty per change (the greedy relative of PELT; Killick,
  Fearnhead & Eckley 2012, *J Am Stat Assoc* 107:1590; Scott & Knott 1974, *Biometrics* 30:507).
  Each split scans every candidate with one numpy expression over cumulative sums, so an
  hour at 5-s resolution (720 points) segments in about a millisecond. It finds the long
  sustained levels (a tempo block, a progression).
* :func:`hysteresis` — a two-threshold switch: on at the target, off at a lower level (~92 %),
  then minimum on/off durations. It finds the short repetitions (strides, intervals, hills)
  whose edges the change points blur.

Heart rate refines both: a stretch held at threshold heart rate without a recovery is one
sustained effort, and a slower stretch between two efforts during which heart rate stayed up
is no recovery (a climb the altitude data did not show).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from legday.thresholds import Thresholds

from .moving import rolling_mean

__all__ = [
    "Signals",
    "Stretch",
    "binned",
    "change_points",
    "easy_reference",
    "fill_short",
    "find_efforts",
    "hysteresis",
    "level_segments",
    "range_mean",
    "runs",
    "stretch",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]


def change_points(x: FloatArray, penalty: float, min_size: int = 2) -> IntArray:
    """Indices where the mean of ``x`` changes (sorted, excluding 0 and ``len(x)``).

    Binary segmentation under the squared-error cost: a segment is split at the point that
    lowers the cost most, as long as the gain exceeds ``penalty``; each part then recurses.
    Every split scans its candidates in one vectorised step.
    """
    n = x.size
    if n < 2 * min_size:
        return np.zeros(0, dtype=np.intp)
    c1 = np.r_[0.0, np.cumsum(x)]
    c2 = np.r_[0.0, np.cumsum(x * x)]

    def cost(a: int | IntArray, b: int | IntArray) -> FloatArray:
        m = np.asarray(b - a, dtype=np.float64)
        s = c1[b] - c1[a]
        out: FloatArray = (c2[b] - c2[a]) - s * s / m
        return out

    found: list[int] = []
    stack = [(0, n)]
    while stack:
        a, b = stack.pop()
        if b - a < 2 * min_size:
            continue
        ks = np.arange(a + min_size, b - min_size + 1)
        gain = cost(a, b) - cost(a, ks) - cost(ks, b)
        best = int(np.argmax(gain))
        if gain[best] <= penalty:
            continue
        k = int(ks[best])
        found.append(k)
        stack.extend([(a, k), (k, b)])
    return np.asarray(sorted(found), dtype=np.intp)


def hysteresis(x: FloatArray, on: float | FloatArray, off: float | FloatArray) -> BoolArray:
    """A switch that turns on where ``x ≥ on`` and stays on until ``x < off`` (off < on).

    Vectorised: each point takes the state of the last point that crossed either threshold.
    """
    up = x >= on
    down = x < off
    idx = np.where(up | down, np.arange(x.size), -1)
    last = np.maximum.accumulate(idx)
    state = np.where(last >= 0, up[np.maximum(last, 0)], False)
    return np.asarray(state, dtype=bool)


def runs(mask: BoolArray) -> tuple[IntArray, IntArray]:
    """Start and end (exclusive) indices of the runs of True in ``mask``."""
    edges = np.diff(np.r_[0, mask.astype(np.int8), 0])
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def _paint(n: int, starts: IntArray, ends: IntArray) -> BoolArray:
    """A mask, True inside each ``[start, end)`` (non-overlapping), built without a loop."""
    marks = np.zeros(n + 1, dtype=np.int64)
    np.add.at(marks, starts, 1)
    np.add.at(marks, ends, -1)
    return np.asarray(np.cumsum(marks[:n]) > 0, dtype=bool)


def fill_short(mask: BoolArray, min_off: int, min_on: int) -> BoolArray:
    """Close gaps shorter than ``min_off`` points, then drop runs shorter than ``min_on``."""
    n = mask.size
    starts, ends = runs(~mask)
    inner = (starts > 0) & (ends < n) & (ends - starts < min_off)
    out = mask | _paint(n, starts[inner], ends[inner])
    starts, ends = runs(out)
    short = ends - starts < min_on
    return out & ~_paint(n, starts[short], ends[short])


def range_mean(values: FloatArray, starts: IntArray, ends: IntArray) -> FloatArray:
    """Mean of the finite ``values`` over each ``[start, end)`` (NaN when none is finite)."""
    ok = np.isfinite(values)
    c = np.r_[0.0, np.cumsum(np.where(ok, values, 0.0))]
    k = np.r_[0, np.cumsum(ok)]
    num = c[ends] - c[starts]
    den = (k[ends] - k[starts]).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.where(den > 0, num / np.maximum(den, 1.0), np.nan)
    return out


@dataclass(frozen=True, slots=True)
class Stretch:
    """A stretch of grid points ``[start, end)`` and what happened in it."""

    start: int
    end: int
    start_s: float
    end_s: float
    distance_m: float
    gas_mps: float
    """Mean grade-adjusted speed (counted points)."""
    effort_mps: float
    """Mean effort speed (counted points)."""
    speed_mps: float
    hr_bpm: float
    grade_frac: float
    """Rise over distance across the stretch."""
    peak_effort_mps: float
    """Highest 5-s mean effort speed."""
    climb_m: float
    """Altitude gained from start to end (smoothed)."""

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True, slots=True)
class Signals:
    """The per-point streams the effort search works on (all on one regular grid)."""

    step_s: float
    elapsed_s: FloatArray
    counted: BoolArray
    """Recorded and the timer running."""
    moving: BoolArray
    gas_mps: FloatArray
    """Grade-adjusted speed (the chosen model), 0 where not counted."""
    effort_mps: FloatArray
    """Effort speed for detection: speed adjusted with the empirical (Strava 2017) curve, which
    does not overstate the downhill benefit as Minetti's does; 0 where not counted."""
    speed_mps: FloatArray
    hr_bpm: FloatArray
    """Cleaned heart rate (NaN where missing or rejected)."""
    grade_frac: FloatArray
    altitude_m: FloatArray
    """Lightly smoothed altitude for climbs (0 without altitude data)."""
    distance_m: FloatArray
    latitude_deg: FloatArray
    longitude_deg: FloatArray
    altitude_noise_m: float = 0.0
    """Short-term altitude noise (``inf`` without altitude data)."""
    lthr_bpm: float | None = None
    """The athlete's lactate-threshold HR, to confirm sustained efforts."""
    trail: bool = False
    """A trail run: pace follows the terrain, so irregular surges are no fartlek."""
    classify: Thresholds = field(default_factory=Thresholds)
    """The classification thresholds (``Settings.classify``)."""
    altitude_raw_m: FloatArray | None = None
    """Altitude as recorded (NaN where missing; None when not given): hills.py reads climbs."""

    @property
    def n(self) -> int:
        return int(self.elapsed_s.shape[0])

    def points(self, seconds: float) -> int:
        """How many grid points span ``seconds`` (at least 1)."""
        return max(1, round(seconds / self.step_s))


#: Resolution of the change-point search, s (5-s means of grade-adjusted speed).
CPD_BIN_S = 5.0
#: Change-point penalty in units of σ²·ln(n) (a BIC-like penalty; σ² from the noise).
CPD_PENALTY_BIC = 4.0
#: The coarser penalty used to find the easy reference (a warm-up is one level, not several).
CPD_REFERENCE_PENALTY_BIC = 12.0
#: Shortest change-point segment, in bins (short efforts are the hysteresis' job).
CPD_MIN_BINS = 6
#: Noise of the binned signal: robust SD of its residual around a moving mean of this many
#: bins (sensor noise is correlated over several seconds, so differences underestimate it).
CPD_NOISE_BINS = 12
#: Smallest noise SD assumed, m/s.
CPD_MIN_SIGMA = 0.05
#: Smoothing of grade-adjusted speed before thresholds, s.
GAS_SMOOTH_S = 5.0
#: A long, steady stretch (for the easy reference and sustained efforts) lasts at least, s.
SUSTAINED_MIN_S = 240.0
#: The last steady level (a cool-down) may be this short, s.
LAST_STEADY_MIN_S = 150.0
#: The easy reference looks at the steady levels of the run's first this long, s (warm-ups
#: last 10–15 min; a race after a warm-up starts later; heuristic).
WARMUP_WINDOW_S = 600.0
#: Long stretches slower than this fraction of the fastest are walking, not the easy pace …
WALK_FRACTION = 0.6
#: … as are stretches slower than this, m/s (5.8 km/h; brisk walking is ≈ 1.4–1.8 m/s).
WALK_MAX_MPS = 1.6
#: A steady stretch has at least this share of its 5-s means within ±``STEADY_BAND`` …
STEADY_SHARE = 0.6
#: … of its level (fraction).
STEADY_BAND = 0.2
#: Efforts must average at least this multiple of the easy reference speed.
EFFORT_MIN_MEAN_RATIO = 1.25
#: Heart rate at or above this fraction of LTHR …
HR_SUSTAINED_LTHR = 0.92
#: … for at least this long, s, …
HR_SUSTAINED_MIN_S = 300.0
#: … (30-s means) …
HR_SUSTAINED_SMOOTH_S = 30.0
#: … without slowing below this multiple of the easy speed is one sustained effort.
HR_SUSTAINED_SPEED_RATIO = 1.1
#: Efforts, one at least this long, s, …
BRIDGE_MIN_EFFORT_S = 180.0
#: … the other at least this long, s, …
BRIDGE_MIN_PART_S = 15.0
#: … separated by at most this long, s, …
BRIDGE_MAX_GAP_S = 240.0
#: … or at most this long when the athlete kept running briskly (``BRIDGE_NO_HR_RATIO``), s, …
BRIDGE_MAX_SLOW_GAP_S = 900.0
#: … during which HR never fell more than this below the first effort's mean, bpm, …
BRIDGE_HR_DROP_BPM = 12.0
#: … (or, without HR, speed stayed at this multiple of the easy speed) are one effort.
BRIDGE_NO_HR_RATIO = 1.1
#: A "steady" stretch at this fraction of LTHR or above is no easy running …
HARD_HR_LTHR = 0.9
#: … and running at or below this fraction of LTHR is (easy running ≈ 75–85 % of LTHR).
EASY_HR_LTHR = 0.85
#: A first steady level this much faster than the last one is a hard start (no warm-up).
HARD_START_RATIO = 1.15
#: An effort switches on at this multiple of the easy reference speed …
EFFORT_ON_RATIO = 1.25
#: … and off below this fraction of the on-threshold (REFERENCES: ~92 %).
EFFORT_OFF_FRACTION = 0.92
#: Shortest effort, s (strides last 8–40 s).
EFFORT_MIN_S = 7.0
#: Shortest recovery: dips shorter than this inside an effort are closed, s.
RECOVERY_MIN_S = 10.0
#: Dips up to this long whose mean stays at or above the easy reference are noise, s.
NOISE_DIP_MAX_S = 40.0
#: … unless they descend at least this much, m: a dip that goes downhill is the jog back down a
#: hill repeat, as fast as the climb (REFERENCES: 3–5 m altitude hysteresis).
DIP_DESCENT_M = 3.0


def binned(x: FloatArray, width: int) -> FloatArray:
    """Means of consecutive ``width``-point bins (the last partial bin dropped)."""
    m = x.size // width
    if m == 0:
        return np.zeros(0)
    out: FloatArray = x[: m * width].reshape(m, width).mean(axis=1)
    return out


def level_segments(
    sig: Signals, penalty_bic: float = CPD_PENALTY_BIC
) -> tuple[IntArray, FloatArray]:
    """Change points of 5-s mean effort speed, as grid-index bounds and levels, under a
    penalty of ``penalty_bic`` · σ² · ln n.

    Returns ``bounds`` (length k+1, from 0 to n) and the mean level of each of the k segments.
    """
    width = sig.points(CPD_BIN_S)
    x = binned(sig.effort_mps, width)
    if x.size < 2 * CPD_MIN_BINS:
        return np.asarray([0, sig.n], dtype=np.intp), np.asarray([float(sig.effort_mps.mean())])
    resid = x - rolling_mean(x, CPD_NOISE_BINS)
    sigma = max(1.4826 * float(np.median(np.abs(resid - np.median(resid)))), CPD_MIN_SIGMA)
    penalty = penalty_bic * sigma**2 * np.log(x.size)
    cps = change_points(x, penalty, CPD_MIN_BINS)
    bins = np.r_[0, cps, x.size]
    levels = np.asarray([x[a:b].mean() for a, b in itertools.pairwise(bins)])
    bounds = bins * width
    bounds[-1] = sig.n
    return bounds.astype(np.intp), levels


def easy_reference(sig: Signals, bounds: IntArray, levels: FloatArray) -> float | None:
    """The run's easy (reference) effort speed, m/s; None if the athlete never ran.

    Among the long, steady change-point levels that are still running (not walking), the
    slower of the first (the time-weighted mean of those in the first ``WARMUP_WINDOW_S``)
    and the longest (the warm-up or the easy run itself), or the last one
    when the run started much harder than it ended (no warm-up before a race). Without one,
    the 40th percentile of moving effort speed.
    """
    moving = sig.effort_mps[sig.moving]
    if moving.size * sig.step_s < 60:
        return None
    width = sig.points(CPD_BIN_S)
    x = binned(sig.effort_mps, width)
    durations = (bounds[1:] - bounds[:-1]) * sig.step_s
    steady = np.zeros(levels.size, dtype=bool)
    top = float(levels[durations >= LAST_STEADY_MIN_S].max(initial=0.0))
    floor = max(WALK_FRACTION * top, WALK_MAX_MPS)
    for k in np.flatnonzero((durations >= LAST_STEADY_MIN_S) & (levels >= floor)):
        part = x[bounds[k] // width : max(bounds[k] // width + 1, bounds[k + 1] // width)]
        near = np.abs(part - levels[k]) <= STEADY_BAND * levels[k]
        steady[k] = bool(near.mean() >= STEADY_SHARE)
    idx = np.flatnonzero(steady & (durations >= SUSTAINED_MIN_S))
    if idx.size and top > 0:
        longest = idx[np.argmax(durations[idx])]
        ref = float(min(_first_level(sig, bounds, levels, steady, idx[0]), levels[longest]))
        last = float(levels[np.flatnonzero(steady)[-1]])
        # a hard start with an easy end (a race with no warm-up): the cool-down is the reference
        if last * HARD_START_RATIO < ref:
            return last
        k = idx[0] if levels[idx[0]] <= levels[longest] else longest
        easy_hr = _easy_by_hr(sig, int(bounds[k]), int(bounds[k + 1]), WALK_FRACTION * top)
        if easy_hr is not None and easy_hr * HARD_START_RATIO < ref:
            return easy_hr
        return ref
    running = moving[moving >= WALK_MAX_MPS]
    return float(np.percentile(running if running.size else moving, 40))


def _first_level(
    sig: Signals, bounds: IntArray, levels: FloatArray, steady: BoolArray, first: int
) -> float:
    """The level of the run's first minutes: the mean of the steady levels over the first
    ``WARMUP_WINDOW_S``, weighted by their time in it, when they fill ``SUSTAINED_MIN_S`` of
    it (without altitude a warm-up over rolling ground splits into faster and slower levels,
    and the slower one alone is a climb, not the easy pace); else level ``first``."""
    window = sig.points(WARMUP_WINDOW_S)
    overlap = np.clip(np.minimum(bounds[1:], window) - bounds[:-1], 0, None) * steady
    if overlap.sum() * sig.step_s < SUSTAINED_MIN_S:
        return float(levels[first])
    return float(np.average(levels, weights=overlap))


def _easy_by_hr(sig: Signals, a: int, b: int, floor: float) -> float | None:
    """When the stretch chosen as easy ran at threshold heart rate (a race with no warm-up),
    the median effort speed of the running done at an easy heart rate instead; else None."""
    if sig.lthr_bpm is None:
        return None
    hr = sig.hr_bpm[(a + b) // 2 : b]  # the second half: heart rate lags the start
    if not np.isfinite(hr).any() or np.nanmean(hr) < HARD_HR_LTHR * sig.lthr_bpm:
        return None
    ok = sig.moving & (sig.hr_bpm <= EASY_HR_LTHR * sig.lthr_bpm) & (sig.effort_mps >= floor)
    if ok.sum() * sig.step_s < 60:
        return None
    return float(np.median(sig.effort_mps[ok]))


def find_efforts(sig: Signals, v_ref: float, bounds: IntArray, levels: FloatArray) -> list[Stretch]:
    """Stretches clearly faster (grade-adjusted) than the easy reference.

    Hysteresis on 5-s smoothed grade-adjusted speed (on at ``EFFORT_ON_RATIO``·v_ref, off at
    92 % of that), long sustained change-point levels above the threshold filled in whole,
    short dips closed, noise dips (mean ≥ v_ref) merged and too-short efforts dropped.
    """
    on = EFFORT_ON_RATIO * v_ref
    smooth = rolling_mean(sig.effort_mps, sig.points(GAS_SMOOTH_S))
    mask = hysteresis(smooth, on, EFFORT_OFF_FRACTION * on)
    durations = (bounds[1:] - bounds[:-1]) * sig.step_s
    for k in np.flatnonzero((durations >= SUSTAINED_MIN_S) & (levels >= on)):
        mask[bounds[k] : bounds[k + 1]] = True
    mask |= _hr_sustained(sig, v_ref)
    mask = fill_short(mask, sig.points(RECOVERY_MIN_S), sig.points(EFFORT_MIN_S))
    # merge dips that never slowed to the easy pace (noise, a tight turn)
    gaps_a, gaps_b = runs(~mask)
    inner = (gaps_a > 0) & (gaps_b < sig.n) & ((gaps_b - gaps_a) * sig.step_s <= NOISE_DIP_MAX_S)
    if inner.any():
        on_a, on_b = runs(mask)
        dip = range_mean(sig.effort_mps, gaps_a[inner], gaps_b[inner])
        for a, b, m in zip(gaps_a[inner], gaps_b[inner], dip, strict=True):
            if m >= v_ref and not _gives_back(sig.altitude_m, on_a, on_b, a, b):
                mask[a:b] = True
    starts, ends = runs(mask)
    out = [stretch(sig, int(a), int(b)) for a, b in zip(starts, ends, strict=True)]
    out = [e for e in out if e.effort_mps >= EFFORT_MIN_MEAN_RATIO * v_ref]
    return _bridge(sig, out, v_ref)


def _gives_back(z: FloatArray, on_a: IntArray, on_b: IntArray, a: int, b: int) -> bool:
    """The dip ``[a, b)`` descends ``DIP_DESCENT_M`` or more after an effort that climbed as
    much: the jog back down a hill repeat (hills.py, patterns.py own the hill rules)."""
    k = int(np.searchsorted(on_b, a))
    climbed = float(z[a - 1] - z[on_a[k]]) if k < on_b.size and on_b[k] == a else 0.0
    return min(climbed, float(z[a] - z[b - 1])) >= DIP_DESCENT_M


def _hr_sustained(sig: Signals, v_ref: float) -> BoolArray:
    """Stretches of ≥ ``HR_SUSTAINED_MIN_S`` at threshold heart rate (≥ ``HR_SUSTAINED_LTHR`` of
    LTHR, 30-s mean) in which the athlete never slowed to a recovery (30-s mean effort speed
    stayed ≥ ``HR_SUSTAINED_SPEED_RATIO`` × easy): one sustained effort, however the pace
    moved with the terrain. Heart rate lags, so it often stays up through the short recovery
    between two tempo repetitions: the recovery splits the stretch, and each part long enough
    is an effort of its own. The heart-rate half of the hysteresis refinement."""
    if sig.lthr_bpm is None or not np.isfinite(sig.hr_bpm).any():
        return np.zeros(sig.n, dtype=bool)
    width = sig.points(HR_SUSTAINED_SMOOTH_S)
    hot = rolling_mean(sig.hr_bpm, width) >= HR_SUSTAINED_LTHR * sig.lthr_bpm
    hot = fill_short(hot, sig.points(HR_SUSTAINED_SMOOTH_S * 2), sig.points(HR_SUSTAINED_MIN_S))
    slow = rolling_mean(sig.effort_mps, width) < HR_SUSTAINED_SPEED_RATIO * v_ref
    return fill_short(hot & ~slow, 1, sig.points(HR_SUSTAINED_MIN_S))


def _bridge(sig: Signals, efforts: list[Stretch], v_ref: float) -> list[Stretch]:
    """Join long efforts split by a slower stretch that was no recovery: the athlete kept
    running at least at the easy pace and heart rate stayed up (a climb with no altitude data,
    a crowded corner in a race)."""
    if not efforts:
        return efforts
    out = [efforts[0]]
    for e in efforts[1:]:
        prev = out[-1]
        long_pair = (
            max(prev.duration_s, e.duration_s) >= BRIDGE_MIN_EFFORT_S
            and min(prev.duration_s, e.duration_s) >= BRIDGE_MIN_PART_S
        )
        gap_s = e.start_s - prev.end_s
        if long_pair and gap_s <= BRIDGE_MAX_SLOW_GAP_S:
            gap = stretch(sig, prev.end, e.start)
            hr_gap = sig.hr_bpm[prev.end : e.start]
            hr_gap = hr_gap[np.isfinite(hr_gap)]
            brisk = gap.effort_mps >= BRIDGE_NO_HR_RATIO * v_ref
            if hr_gap.size and np.isfinite(prev.hr_bpm):
                held = float(hr_gap.min()) >= prev.hr_bpm - BRIDGE_HR_DROP_BPM
                fast = brisk or (gap.effort_mps >= v_ref and gap_s <= BRIDGE_MAX_GAP_S)
            else:
                held, fast = gap_s <= BRIDGE_MAX_GAP_S, brisk
            if held and fast:
                out[-1] = stretch(sig, prev.start, e.end)
                continue
        out.append(e)
    return out


#: Shortest stretch whose grade is its own climb over its own distance, m (heuristic): over a few
#: metres — a standing recovery — altimeter noise alone would read as a wall (3 m of noise over
#: 1 m moved is 300 %), so shorter stretches take the mean of the windowed per-sample grade.
MIN_GRADE_DISTANCE_M = 20.0


def _stretch_grade(sig: Signals, sl: slice, climb: float, dist: float) -> float:
    if dist >= MIN_GRADE_DISTANCE_M:
        return climb / dist
    grade = sig.grade_frac[sl]
    grade = grade[np.isfinite(grade)]
    return float(grade.mean()) if grade.size else 0.0


def stretch(sig: Signals, a: int, b: int) -> Stretch:
    """Statistics of grid points ``[a, b)``."""
    sl = slice(a, b)
    counted = sig.counted[sl]
    gas = sig.gas_mps[sl][counted]
    spd = sig.speed_mps[sl][counted]
    hr = sig.hr_bpm[sl][counted]
    hr = hr[np.isfinite(hr)]
    dist = float(sig.distance_m[b - 1] - sig.distance_m[a])
    climb = float(sig.altitude_m[b - 1] - sig.altitude_m[a])
    eff = sig.effort_mps[sl][counted]
    smooth = rolling_mean(sig.effort_mps[sl], sig.points(GAS_SMOOTH_S))
    return Stretch(
        start=a,
        end=b,
        start_s=float(sig.elapsed_s[a]),
        end_s=float(sig.elapsed_s[b - 1] + sig.step_s),
        distance_m=dist,
        gas_mps=float(gas.mean()) if gas.size else 0.0,
        effort_mps=float(eff.mean()) if eff.size else 0.0,
        speed_mps=float(spd.mean()) if spd.size else 0.0,
        hr_bpm=float(hr.mean()) if hr.size else float("nan"),
        grade_frac=_stretch_grade(sig, sl, climb, dist),
        peak_effort_mps=float(smooth.max()) if smooth.size else 0.0,
        climb_m=climb,
    )
