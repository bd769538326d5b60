"""Effort patterns: efforts grouped into blocks, each named strides, sprints, hill repeats,
intervals, fartlek or tempo, and its repetitions counted.

The rules (thresholds are the ``#:`` constants below; sources in docs/science.md, section 1.6):

* **hill repeats**: 3+ efforts climbing that start on the same ground (within ~40 m by GPS, or
  at the same altitude), with downhill recoveries (GoldenCheetah's climb idea).
* **sprints**: short efforts (≤ 42 s) near top speed (peak ≥ ``SPRINT_RATIO`` × easy speed)
  with long rests.
* **strides**: 3+ short efforts at 5-km pace or faster, of one pace, with recoveries.
* **tempo**: efforts of ≥ ``TEMPO_MIN_M`` or ≥ ``TEMPO_MIN_S`` at threshold heart rate.
* **fartlek**: 3+ efforts of irregular length or recovery, or with "float" recoveries.
* **intervals**: 3+ regular efforts longer than a stride and shorter than a tempo rep.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from .moving import haversine_m, rolling_mean
from .result import Block, RunKind
from .segments import Signals, Stretch, fill_short, hysteresis, range_mean, runs, stretch

__all__ = [
    "HILL_NOISY_ALTITUDE_M",
    "QUALITY",
    "Classified",
    "back_and_forth",
    "build_blocks",
    "classified",
    "cv",
    "hard_enough",
    "make_block",
    "name_block",
    "refine_reps",
    "with_floats_joined",
]

#: Longest short effort (strides, sprints), s (REFERENCES: strides 8–40 s, sprints ≤ 30 s).
SHORT_MAX_S = 42.0
#: A short effort whose 5-s peak reaches this multiple of the easy speed is a sprint (top
#: speed ≈ 2.3–2.8 × easy pace; strides at 5-km to mile pace ≈ 1.5–1.9 ×).
SPRINT_RATIO = 2.05
#: Fewest repetitions for a strides, sprints or hill-repeats block.
MIN_SHORT_REPS = 3
#: Fewest repetitions for an intervals block.
MIN_INTERVAL_REPS = 3
#: Sustained efforts (tempo, race) average at least this fraction of LTHR when HR is known
#: (threshold running sits at ~95–100 % of LTHR; easy running near 80 %).
SUSTAINED_MIN_HR_LTHR = 0.9
#: Fewest repetitions for a fartlek block.
MIN_FARTLEK_REPS = 3
#: Efforts further apart than ``RECOVERY_WORK_RATIO`` × the previous effort (at least
#: ``MIN_RECOVERY_LIMIT_S``, at most ``MAX_RECOVERY_S``) belong to different blocks.
RECOVERY_WORK_RATIO = 2.5
#: See :data:`RECOVERY_WORK_RATIO`, s.
MIN_RECOVERY_LIMIT_S = 300.0
#: Two short efforts near the same top speed belong to one block across rests up to this long,
#: s: sprinters rest 2–6 min between flat-out efforts so the phosphocreatine store refills
#: (~3–5 min for near-full resynthesis: Bogdanis et al. 1995, *J Physiol* 482:467) …
SPRINT_MAX_REST_S = 420.0
#: … when their peak speeds agree within this fraction.
SPRINT_PEAK_TOLERANCE = 0.12
#: See :data:`RECOVERY_WORK_RATIO`, s.
MAX_RECOVERY_S = 600.0
#: A gap longer than this multiple of a block's median recovery (and than
#: ``MIN_RECOVERY_LIMIT_S``) ends the block, once it has this many recoveries (heuristic: a
#: runner who stops after the set and runs home briskly; fitted over 1.2–2.0).
RHYTHM_BREAK_RATIO = 1.3
#: See :data:`RHYTHM_BREAK_RATIO`.
RHYTHM_MIN_GAPS = 3
#: Efforts at a group's ends slower than this fraction of its median effort are dropped.
TRIM_FRACTION = 0.85
#: … and so are those run slower than this fraction of its median speed with a heart rate
#: ``TRIM_HR_BELOW_BPM`` under its median (climbs in the warm-up; heuristic) …
TRIM_SPEED_FRACTION = 0.8
#: See :data:`TRIM_SPEED_FRACTION`, bpm.
TRIM_HR_BELOW_BPM = 15.0
#: A lone long effort between short ones joins them up to this multiple of their duration
#: (heuristic: two strides merged with their recovery; a tempo repetition is far longer).
LONE_LONG_RATIO = 4.0
#: Fewest efforts for an irregular mix of short and long surges to count as one fartlek.
IRREGULAR_MIN = 5
#: A fartlek's recoveries are "floats" at this fraction of the easy speed or faster; interval
#: recoveries are jogged (≈ 0.7–0.85 × easy) or stood (heuristic: 0.90–1.14 for synthetic
#: fartleks, ≤ 0.90 for intervals, over 550 sessions × 3 seeds) …
FARTLEK_RECOVERY_RATIO = 0.9
#: … and its surges are of uneven length: their durations *and* their distances fall into at
#: least ``FARTLEK_MIN_LENGTHS`` groups, a new group starting where a sorted length exceeds the
#: group's first by more than ``LENGTH_GROUP_TOLERANCE`` (interval reps are of one or two set
#: lengths — 400s and 800s — with recoveries that vary as much as a fartlek's; heuristic).
FARTLEK_MIN_LENGTHS = 3
#: A length shared by this share of the surges or more makes them set repetitions.
FARTLEK_MAX_SAME_SHARE = 0.6
#: See :data:`FARTLEK_MIN_LENGTHS` (GPS distance and edge timing vary by ~5–10 %).
LENGTH_GROUP_TOLERANCE = 0.15
#: An interval block beside a fartlek joins it when its median repetition lasts within these
#: multiples of the fartlek's shortest and longest surge …
FARTLEK_JOIN_SPAN = (0.8, 1.25)
#: … and it starts within this many of the fartlek's median cycles of its end (heuristic).
FARTLEK_JOIN_CYCLES = 2.0
#: A fartlek's surges add up to at least this long, s.
FARTLEK_MIN_WORK_S = 300.0
#: … and at least this fast, m/s (≈ 6:00/km: slower "efforts" are the jogs of a run/walk;
#: the slowest synthetic runner's threshold pace is 2.9 m/s).
QUALITY_MIN_MPS = 2.8
#: Every single stride runs at least this multiple of the easy speed.
STRIDE_EACH_RATIO = 1.35
#: Strides are run at one pace: coefficient of variation of their speeds at most this (GPS
#: speed glitches in a steady run are not).
STRIDE_MAX_SPEED_CV = 0.15
#: From this many strides, the slowest one is left out of the two checks above (one stride
#: spoiled by GPS speed noise or a slow start; heuristic).
STRIDE_SPARE_FROM = 6
#: Strides last at least this long, s (shorter bursts are GPS speed noise).
STRIDE_MIN_S = 10.0
#: A rep with a float inside (400 m hard, a 30–60 s float, 200 m hard: one rep as the athlete
#: counts it) shows as gaps that alternate short and long: every other gap at most this share
#: of the gaps beside it …
FLOAT_MAX_GAP_SHARE = 0.5
#: … run near the easy pace or faster (a float, not a jog: at least this multiple of the easy
#: reference) and clearly faster than the block's recoveries (``FLOAT_OVER_REST`` ×; sets
#: split by short jogged or standing rests move as slowly in both; heuristic) …
FLOAT_MIN_RATIO = 0.85
#: See :data:`FLOAT_MIN_RATIO`.
FLOAT_OVER_REST = 1.25
#: … over at least this many such pairs.
FLOAT_MIN_PAIRS = 3
#: Short efforts longer than this, s, whose heart rate reaches LTHR are short interval reps
#: (200s), not strides: strides are relaxed accelerations of 15–30 s with near-full recovery
#: that barely move HR (REFERENCES "Strides"; Daniels' Running Formula: strides ≈ 20 s), while
#: a 40-s rep at 3-km pace drives HR past threshold within the rep (a real 2 × 4 × 200 m
#: session peaks at 95–97 % of HR max).
STRIDE_TYPICAL_MAX_S = 30.0
#: Heart rate is read up to this long after the effort ends, s (it lags the effort).
STRIDE_HR_LAG_S = 15.0
#: Sprints rest long (work:rest ≈ 1:5 or more); with a shorter median recovery, s, only a
#: peak of ``SPRINT_CLEAR_RATIO`` × easy speed makes a sprint.
SPRINT_MIN_RECOVERY_S = 80.0
#: See :data:`SPRINT_MIN_RECOVERY_S`.
SPRINT_CLEAR_RATIO = 2.4
#: Strides are at 5-km pace or faster: at least this multiple of the easy speed. Slower short
#: repeats on the same ground with no usable altitude are taken as hill repeats.
STRIDE_MIN_RATIO = 1.45
#: Short repeats without GPS or usable altitude whose recoveries went back over the
#: repetition's ground (:func:`back_and_forth`) are hill repeats up to this multiple of the
#: easy speed (a climb at 3-km effort reads ≈ 1.3–1.55 × easy on the flat; strides run at
#: ≥ 1.6 ×; heuristic). With GPS, same ground is checked by position instead.
HILL_BACK_MAX_RATIO = 1.6
#: A recovery that goes back over the repetition covers at least this share of its distance.
BACK_MIN_DISTANCE = 0.8
#: The cycles of repetition and recovery of an out-and-back repeat agree in distance within
#: this coefficient of variation (heuristic: 0–0.04 for hill repeats, ≥ 0.07 for strides
#: with free recoveries, on the synthetic runner).
BACK_CYCLE_CV = 0.05
#: A hill repeat's recovery (jogging back down) lasts at most this many times the climb.
HILL_MAX_RECOVERY_RATIO = 3.0
#: Longest repetition of such a hill repeat without altitude, s.
HILL_NO_ALTITUDE_MAX_S = 75.0
#: Altitude noise above which grades over one repetition are unreliable, m.
HILL_NOISY_ALTITUDE_M = 1.0
#: Tempo repetitions are at least this long, m (1 mile ≈ 1609 m) …
TEMPO_MIN_M = 1450.0
#: … or at least this long, s.
TEMPO_MIN_S = 480.0
#: Tempo-length efforts holding at least this share of a run of long efforts' work make it
#: a tempo block (heuristic: a noisy speed splits a tempo repetition into pieces).
TEMPO_WORK_SHARE = 0.5
#: Hill repeats climb at least this grade on average (REFERENCES: ≥ 4–6 %).
HILL_MIN_GRADE = 0.03
#: Hill repeats start within this distance of each other, m (REFERENCES: ~30 m; GPS noise).
HILL_SAME_GROUND_M = 40.0
#: … or, without GPS, within this altitude of each other, m.
HILL_SAME_ALTITUDE_M = 6.0
#: Share of repetitions that must start on the same ground.
HILL_SAME_SHARE = 0.6
#: Recoveries of hill repeats go back down at least this share of the climb (median; reps
#: started higher up the same climb descend 50–75 % of it).
HILL_BACK_DESCENT = 0.4
#: A hill repetition's distance is within this fraction of the median rep's (an approach
#: climb on the way to the hill is 0.8–1.5 × as long, so length alone does not keep it out:
#: it must also start and top out elsewhere).
HILL_SIMILAR_LENGTH = 0.15
#: Patterns whose repetitions are counted again with a block-level threshold.
REFINED = frozenset({RunKind.HILL_REPEATS, RunKind.STRIDES, RunKind.INTERVALS})
#: The refined switch turns on at this fraction of the block's median effort speed …
REFINE_ON = 0.8
#: … and off below this fraction of that (REFERENCES: ~92 %).
EFFORT_OFF = 0.92
#: Dips shorter than this inside a repetition are closed, s.
REFINE_GAP_S = 5.0
#: Refined repetitions last between these multiples of the block's median repetition …
REFINE_MIN_SHARE = 0.4
#: See :data:`REFINE_MIN_SHARE`.
REFINE_MAX_SHARE = 2.5
#: … and average at least this fraction of its median effort speed.
REFINE_MIN_LEVEL = 0.85
#: … and, for hill repeats, climb at least this share of the block's median rise (a jog down
#: whose grade-adjusted speed reads high while smoothing lags the descent is no repetition).
REFINE_MIN_CLIMB_SHARE = 0.3
#: The quality-work patterns: one of them names the run's kind.
QUALITY = frozenset(
    {RunKind.TEMPO, RunKind.INTERVALS, RunKind.HILL_REPEATS, RunKind.SPRINTS, RunKind.FARTLEK}
)


@dataclass(frozen=True, slots=True)
class Classified:
    """A block of efforts with its pattern."""

    pattern: RunKind
    efforts: tuple[Stretch, ...]
    block: Block


def cv(x: Sequence[float]) -> float:
    """Coefficient of variation (SD over mean); 0 for fewer than two values."""
    a = np.asarray(x, dtype=np.float64)
    return float(a.std() / a.mean()) if a.size > 1 and a.mean() > 0 else 0.0


def _near_common(sig: Signals, idx: Sequence[int]) -> npt.NDArray[np.bool_]:
    """Which of the points ``idx`` lie near their median point: by GPS when every one has a
    fix, else by altitude."""
    lat = sig.latitude_deg[np.asarray(idx, dtype=np.intp)]
    lon = sig.longitude_deg[np.asarray(idx, dtype=np.intp)]
    if np.isfinite(lat).all() and np.isfinite(lon).all():
        ref_lat = np.full_like(lat, float(np.median(lat)))
        ref_lon = np.full_like(lon, float(np.median(lon)))
        d = haversine_m(np.ravel(np.c_[lat, ref_lat]), np.ravel(np.c_[lon, ref_lon]))[::2]
        return np.asarray(d <= HILL_SAME_GROUND_M)
    alt = sig.altitude_m[np.asarray(idx, dtype=np.intp)]
    return np.asarray(np.abs(alt - np.median(alt)) <= HILL_SAME_ALTITUDE_M)


def _same_ground(sig: Signals, efforts: Sequence[Stretch]) -> bool:
    """Most efforts start near their median start, or end near their median end (reps started
    from another spot on the same climb still top out at its crest): by GPS when every point
    has a fix, else by altitude."""
    starts = _near_common(sig, [e.start for e in efforts])
    tops = _near_common(sig, [e.end - 1 for e in efforts])
    return max(float(starts.mean()), float(tops.mean())) >= HILL_SAME_SHARE


def _descending(sig: Signals, efforts: Sequence[Stretch]) -> bool:
    """The recoveries went back down: between efforts the altitude fell by at least
    ``HILL_BACK_DESCENT`` of the climb before (median)."""
    if len(efforts) < 2:
        return False
    up = np.asarray([e.climb_m for e in efforts[:-1]])
    down = np.asarray(
        [sig.altitude_m[a.end - 1] - sig.altitude_m[b.start] for a, b in pairwise(efforts)]
    )
    return bool(np.median(up) > 0 and np.median(down / np.maximum(up, 1e-6)) >= HILL_BACK_DESCENT)


def _on_the_hill(sig: Signals, part: list[Stretch]) -> list[Stretch]:
    """A hill block without the climbs at its ends that are no repetition: a rep starts near
    the common start of the others, or ends at their common top, or is of similar length
    (``HILL_SIMILAR_LENGTH``); a climb on the way to the hill is none of these."""
    if len(part) <= MIN_SHORT_REPS:
        return part
    starts = _near_common(sig, [e.start for e in part])
    tops = _near_common(sig, [e.end - 1 for e in part])
    dist = float(np.median([e.distance_m for e in part]))
    similar = np.asarray(
        [abs(e.distance_m - dist) <= HILL_SIMILAR_LENGTH * dist for e in part], dtype=bool
    )
    keep = starts | tops | similar
    lo, hi = 0, len(part)
    while lo < hi and not keep[lo]:
        lo += 1
    while hi > lo and not keep[hi - 1]:
        hi -= 1
    return part[lo:hi] if hi - lo >= MIN_SHORT_REPS else part


def back_and_forth(sig: Signals, efforts: Sequence[Stretch]) -> bool:
    """Each recovery went back over the repetition's ground, as the jog down a hill does: it
    covered at least ``BACK_MIN_DISTANCE`` of the repetition's distance, and every cycle of
    repetition and recovery covered the same distance (CV ≤ ``BACK_CYCLE_CV``). Found from
    distance alone, so it holds without GPS or altitude."""
    if len(efforts) < 3:
        return False
    starts = np.asarray([e.start for e in efforts], dtype=np.intp)
    ends = np.asarray([e.end for e in efforts], dtype=np.intp)
    work = sig.distance_m[ends[:-1] - 1] - sig.distance_m[starts[:-1]]
    back = sig.distance_m[starts[1:]] - sig.distance_m[ends[:-1] - 1]
    cycle = sig.distance_m[starts[1:]] - sig.distance_m[starts[:-1]]
    if not (np.isfinite(cycle).all() and float(np.median(work)) > 0):
        return False
    return (
        float(np.median(back)) >= BACK_MIN_DISTANCE * float(np.median(work))
        and cv([float(c) for c in cycle]) <= BACK_CYCLE_CV
    )


def _is_short(e: Stretch) -> bool:
    return e.duration_s <= SHORT_MAX_S


def _runs_by_class(group: list[Stretch]) -> list[list[Stretch]]:
    """Split a group into runs of short or long efforts; a lone effort of the other class
    between two of one class joins them: a short one between long ones (a fartlek's short
    surge), a long one between short ones only when it is no more than ``LONE_LONG_RATIO``
    times as long as they are (a repetition straddling the limit). A longer one is a tempo or
    interval repetition between two sets of strides."""
    cls = [_is_short(e) for e in group]
    for i in range(1, len(cls) - 1):
        if cls[i - 1] == cls[i + 1] != cls[i]:
            near = max(group[i - 1].duration_s, group[i + 1].duration_s)
            if cls[i] or group[i].duration_s <= LONE_LONG_RATIO * near:
                cls[i] = cls[i - 1]
    out: list[list[Stretch]] = []
    for e, c in zip(group, cls, strict=True):
        if out and _is_short(out[-1][0]) == c:
            out[-1].append(e)
        else:
            out.append([e])
    # keep each run's class as decided above
    return out


def hard_enough(sig: Signals, efforts: Sequence[Stretch]) -> bool:
    """Sustained efforts must show in heart rate (near LTHR) when both are known."""
    timed = [(e.hr_bpm, e.duration_s) for e in efforts if np.isfinite(e.hr_bpm)]
    if not timed or sig.lthr_bpm is None:
        return True
    hr = float(np.average([h for h, _ in timed], weights=[d for _, d in timed]))
    return hr >= SUSTAINED_MIN_HR_LTHR * sig.lthr_bpm


def _recoveries(sig: Signals, efforts: Sequence[Stretch]) -> tuple[list[float], list[float]]:
    """Durations, s, and mean effort speeds of the gaps between consecutive efforts."""
    durations = [b.start_s - a.end_s for a, b in pairwise(efforts)]
    if not durations:
        return [], []
    starts = np.asarray([a.end for a in efforts[:-1]], dtype=np.intp)
    ends = np.asarray([b.start for b in efforts[1:]], dtype=np.intp)
    speeds = range_mean(sig.effort_mps, starts, np.maximum(ends, starts + 1))
    return durations, [float(v) for v in speeds]


def _past_threshold(sig: Signals, efforts: Sequence[Stretch]) -> bool:
    """Heart rate peaks at LTHR or above in most of the efforts (read up to
    ``STRIDE_HR_LAG_S`` after each); False without HR or LTHR."""
    if sig.lthr_bpm is None or not np.isfinite(sig.hr_bpm).any():
        return False
    lag = sig.points(STRIDE_HR_LAG_S)
    peaks = [np.nanmax(sig.hr_bpm[e.start : min(e.end + lag, sig.n)]) for e in efforts]
    return float(np.nanmedian(peaks)) >= sig.lthr_bpm


def _grade(efforts: Sequence[Stretch]) -> float:
    """Mean grade over the efforts, weighted by distance (total climb over total distance)."""
    dist = sum(max(e.distance_m, 0.0) for e in efforts)
    return sum(e.climb_m for e in efforts) / dist if dist > 1.0 else 0.0


def _pattern(sig: Signals, efforts: list[Stretch], v_ref: float) -> RunKind | None:
    """The pattern of a run of efforts by the module's rules, in order; None when they are
    no recognisable workout (noise, the hills of a route, too few repetitions)."""
    n = len(efforts)
    grade = _grade(efforts)
    dur = float(np.median([e.duration_s for e in efforts]))
    dist = float(np.median([e.distance_m for e in efforts]))
    ratio = float(np.mean([e.effort_mps for e in efforts])) / v_ref
    rec_s, rec_v = _recoveries(sig, efforts)
    no_gps = not np.isfinite(sig.latitude_deg).any()
    # smoothing shaves a gentle climb (2.5–4 %) at its ends: a lower grade is enough when the
    # recoveries go back down
    climbs = grade >= HILL_MIN_GRADE or (
        grade >= sig.classify.climb_min_grade and _descending(sig, efforts)
    )
    if n >= MIN_SHORT_REPS and climbs and _same_ground(sig, efforts):
        return RunKind.HILL_REPEATS
    if (
        n >= MIN_SHORT_REPS
        and sig.altitude_noise_m > HILL_NOISY_ALTITUDE_M
        and grade >= 0.0
        and dur <= HILL_NO_ALTITUDE_MAX_S
        and bool(rec_s)
        and float(np.median(rec_s)) <= HILL_MAX_RECOVERY_RATIO * dur
        and (
            (ratio < STRIDE_MIN_RATIO and (no_gps or _same_ground(sig, efforts)))
            or (ratio < HILL_BACK_MAX_RATIO and no_gps and back_and_forth(sig, efforts))
        )
    ):
        return RunKind.HILL_REPEATS
    if grade >= HILL_MIN_GRADE and dur > SHORT_MAX_S:
        return None  # the climbs of a hilly route, not a pace workout
    if dur <= SHORT_MAX_S:
        if n < MIN_SHORT_REPS:
            return None
        peak = float(np.median([e.peak_effort_mps for e in efforts])) / v_ref
        rest = float(np.median(rec_s)) if rec_s else 0.0
        sprint = peak >= SPRINT_CLEAR_RATIO or (
            peak >= SPRINT_RATIO and rest >= SPRINT_MIN_RECOVERY_S
        )
        if sprint:
            return RunKind.SPRINTS
        # one stride spoiled (a GPS glitch, a slow start) does not unmake a set of six or more
        speeds = sorted(e.effort_mps for e in efforts)[1 if n >= STRIDE_SPARE_FROM else 0 :]
        steady = cv(speeds) <= STRIDE_MAX_SPEED_CV
        each = speeds[0] / v_ref >= STRIDE_EACH_RATIO
        ok = ratio >= STRIDE_MIN_RATIO and dur >= STRIDE_MIN_S and steady and each
        if ok and dur > STRIDE_TYPICAL_MAX_S and _past_threshold(sig, efforts):
            return RunKind.INTERVALS
        return RunKind.STRIDES if ok else None
    if (dist >= TEMPO_MIN_M or dur >= TEMPO_MIN_S) and not _rested(sig, efforts):
        return RunKind.TEMPO if hard_enough(sig, efforts) else None
    uneven = _uneven([e.duration_s for e in efforts]) and _uneven([e.distance_m for e in efforts])
    floats = bool(rec_v) and float(np.median(rec_v)) >= FARTLEK_RECOVERY_RATIO * v_ref
    slowest = min(
        float(np.mean([e.effort_mps for e in efforts])),
        float(np.mean([e.speed_mps for e in efforts])),
    )
    c = sig.classify
    contrasted = bool(rec_v) and float(np.median(rec_v)) * c.contrast_ratio <= float(
        np.median([e.effort_mps for e in efforts])
    )
    floor = c.quality_contrast_min_ratio if contrasted else c.quality_min_ratio
    if ratio < floor or slowest < QUALITY_MIN_MPS:
        return None
    work_s = float(sum(e.duration_s for e in efforts))
    if (
        n >= MIN_FARTLEK_REPS
        and floats
        and uneven
        and work_s >= FARTLEK_MIN_WORK_S
        and not sig.trail
    ):
        return RunKind.FARTLEK
    if n >= MIN_INTERVAL_REPS:
        return RunKind.INTERVALS
    return None


def _groups(lengths: Sequence[float]) -> list[int]:
    """Sizes of the groups of distinct lengths in ``lengths``: sorted, a group starts at each
    length more than ``LENGTH_GROUP_TOLERANCE`` above the first of the group before."""
    sizes: list[int] = []
    first = -1.0
    for x in sorted(lengths):
        if not sizes or x > (1.0 + LENGTH_GROUP_TOLERANCE) * first:
            sizes.append(0)
            first = x
        sizes[-1] += 1
    return sizes


def _length_groups(lengths: Sequence[float]) -> int:
    """How many distinct lengths ``lengths`` holds (see :func:`_groups`)."""
    return len(_groups(lengths))


def _uneven(lengths: Sequence[float]) -> bool:
    """Surges of uneven length: at least ``FARTLEK_MIN_LENGTHS`` distinct lengths (all of them
    distinct for fewer surges), none shared by ``FARTLEK_MAX_SAME_SHARE`` of them or more (five
    1-km reps and two shorter ones after the set are intervals)."""
    sizes = _groups(lengths)
    n = len(lengths)
    return len(sizes) >= min(FARTLEK_MIN_LENGTHS, n) and max(sizes) < FARTLEK_MAX_SAME_SHARE * n


def _rested(sig: Signals, efforts: Sequence[Stretch]) -> bool:
    """Three or more repetitions with recoveries of at least ``tempo_max_recovery_share`` of
    a repetition: intervals, however long the reps (threshold "cruise" reps rest briefly)."""
    if len(efforts) < MIN_INTERVAL_REPS:
        return False
    rest = float(np.median([b.start_s - a.end_s for a, b in pairwise(efforts)]))
    work = float(np.median([e.duration_s for e in efforts]))
    return rest >= sig.classify.tempo_max_recovery_share * work


def _tempo_length(e: Stretch) -> bool:
    return e.distance_m >= TEMPO_MIN_M or e.duration_s >= TEMPO_MIN_S


def _tempo_core(sig: Signals, part: list[Stretch]) -> list[Stretch]:
    """The tempo-length efforts of a run of long efforts when they hold most of its work
    (``TEMPO_WORK_SHARE``) at threshold heart rate: the block is tempo, and the short efforts
    beside them are fragments of a repetition or brisk bits of the cool-down, which would
    otherwise pull the median repetition under a tempo's length. [] otherwise, and for the
    climbs of a hilly route."""
    if len(part) < 2 or all(_is_short(e) for e in part):
        return []
    core = [e for e in part if _tempo_length(e)]
    work = sum(e.duration_s for e in part)
    if _rested(sig, core):
        return []
    if not core or sum(e.duration_s for e in core) < TEMPO_WORK_SHARE * work:
        return []
    if _grade(core) >= HILL_MIN_GRADE:
        return []  # the climbs of a hilly route, as in :func:`_pattern`
    return core if hard_enough(sig, core) else []


def _trim(group: list[Stretch], v_ref: float = 0.0) -> list[Stretch]:
    """Drop efforts at either end of a group that were much easier than its median effort
    (a brisk bit of the warm-up next to the first repetition); a clear sprint (short, a 5-s
    peak of ``SPRINT_RATIO`` × easy) stays, however much the last ones of a set slowed."""
    if len(group) < 2:
        return group
    floor = TRIM_FRACTION * max(
        float(np.median([e.effort_mps for e in group])),
        float(np.average([e.effort_mps for e in group], weights=[e.duration_s for e in group])),
    )

    speed = float(np.median([e.speed_mps for e in group]))
    hrs = [e.hr_bpm for e in group if np.isfinite(e.hr_bpm)]
    hr = float(np.median(hrs)) if hrs else float("nan")

    def easier(e: Stretch) -> bool:
        sprint = v_ref > 0 and _is_short(e) and e.peak_effort_mps >= SPRINT_RATIO * v_ref
        # a climb in the warm-up: its grade-adjusted effort reads high, but neither its speed
        # nor the heart says work
        climb = e.speed_mps < TRIM_SPEED_FRACTION * speed and e.hr_bpm < hr - TRIM_HR_BELOW_BPM
        return (e.effort_mps < floor or climb) and not sprint

    lo, hi = 0, len(group)
    while lo < hi and easier(group[lo]):
        lo += 1
    while hi > lo and easier(group[hi - 1]):
        hi -= 1
    return group[lo:hi]


def make_block(pattern: RunKind, efforts: list[Stretch], v_ref: float) -> Block:
    """The measured :class:`Block`: medians of repetition and recovery, mean grade, intensity."""
    rec = [b.start_s - a.end_s for a, b in pairwise(efforts)]
    return Block(
        pattern=pattern,
        reps=len(efforts),
        work_s=float(np.median([e.duration_s for e in efforts])),
        recovery_s=float(np.median(rec)) if rec else None,
        work_distance_m=float(np.median([e.distance_m for e in efforts])),
        avg_grade_pct=100.0 * _grade(efforts),
        intensity=float(np.mean([e.effort_mps for e in efforts])) / v_ref if v_ref > 0 else 0.0,
    )


def classified(pattern: RunKind, efforts: list[Stretch], v_ref: float) -> Classified:
    """A :class:`Classified` block of ``efforts`` with its measured :class:`Block`."""
    return Classified(pattern, tuple(efforts), make_block(pattern, efforts, v_ref))


def _recovery_limit(effort: Stretch, after: Stretch | None = None, v_ref: float = 0.0) -> float:
    """Longest gap after ``effort`` that still counts as its recovery, s: longer between two
    flat-out sprints (full recovery takes minutes: ``SPRINT_MAX_REST_S``)."""
    if after is not None and _sprint_pair(effort, after, v_ref):
        return SPRINT_MAX_REST_S
    return min(MAX_RECOVERY_S, max(MIN_RECOVERY_LIMIT_S, RECOVERY_WORK_RATIO * effort.duration_s))


def _sprint_pair(a: Stretch, b: Stretch, v_ref: float = 0.0) -> bool:
    """Two short efforts near the same top speed (``SPRINT_PEAK_TOLERANCE``), or both clearly
    sprints (a 5-s peak of ``SPRINT_RATIO`` × easy: the last sprints of a set slow down)."""
    if not (_is_short(a) and _is_short(b)) or min(a.peak_effort_mps, b.peak_effort_mps) <= 0:
        return False
    if _clear_sprints(a, b, v_ref):
        return True
    return abs(a.peak_effort_mps / b.peak_effort_mps - 1.0) <= SPRINT_PEAK_TOLERANCE


def _clear_sprints(a: Stretch, b: Stretch, v_ref: float) -> bool:
    """Both short efforts with a 5-s peak of at least ``SPRINT_RATIO`` × easy (0 ``v_ref``:
    unknown, never)."""
    fast = v_ref > 0 and min(a.peak_effort_mps, b.peak_effort_mps) >= SPRINT_RATIO * v_ref
    return fast and _is_short(a) and _is_short(b)


def _breaks_rhythm(group: Sequence[Stretch], e: Stretch) -> bool:
    """The gap before ``e`` is far longer than the block's recoveries so far (at least
    ``RHYTHM_MIN_GAPS`` of them): a long stop after the set, and ``e`` a pick-up on the way
    home, not one more repetition."""
    gaps = [b.start_s - a.end_s for a, b in pairwise(group)]
    if len(gaps) < RHYTHM_MIN_GAPS:
        return False
    gap = e.start_s - group[-1].end_s
    return gap > MIN_RECOVERY_LIMIT_S and gap > RHYTHM_BREAK_RATIO * float(np.median(gaps))


def build_blocks(
    sig: Signals, efforts: Sequence[Stretch], v_ref: float, race_effort: Stretch | None
) -> list[Classified]:
    """Group efforts into blocks (close together, same length class) and name each pattern."""
    groups: list[list[Stretch]] = []
    for e in efforts:
        if race_effort is not None and e.start == race_effort.start:
            groups.append([e])
            continue
        last = groups[-1][-1] if groups else None
        if (
            last is not None
            and e.start_s - last.end_s <= _recovery_limit(last, e, v_ref)
            # a gap past the rhythm ends the set, unless both are sprints (a sprint lost in a GPS
            # dropout, or a longer rest: no pick-up on the way home reaches a sprint's speed)
            and (not _breaks_rhythm(groups[-1], e) or _clear_sprints(last, e, v_ref))
            and (race_effort is None or last.start != race_effort.start)
        ):
            groups[-1].append(e)
        else:
            groups.append([e])
    out: list[Classified] = []
    for group in groups:
        if race_effort is not None and group[0].start == race_effort.start:
            out.append(
                Classified(RunKind.RACE, (group[0],), make_block(RunKind.RACE, group, v_ref))
            )
            continue
        # trim each run of one class, not the group: a tempo repetition after strides is
        # slower than the strides but no brisk bit of the warm-up
        parts = _runs_by_class(group)
        if len(parts) > 2 and max(len(p) for p in parts) <= 2 and len(group) >= IRREGULAR_MIN:
            parts = [group]  # irregular alternation of short and long: one fartlek
        for part in (_trim(p, v_ref) for p in parts):
            if not part:
                continue
            tempo = _tempo_core(sig, part)
            if tempo:
                out.append(classified(RunKind.TEMPO, tempo, v_ref))
                continue
            part = _floats_joined(sig, part, v_ref)
            pattern = _pattern(sig, part, v_ref)
            if pattern in REFINED:
                part = refine_reps(sig, part, v_ref, climbs=pattern is RunKind.HILL_REPEATS)
            if pattern is RunKind.HILL_REPEATS:
                part = _on_the_hill(sig, part)
            if pattern is not None:
                out.append(classified(pattern, part, v_ref))
    return out


def _floats_joined(sig: Signals, part: list[Stretch], v_ref: float) -> list[Stretch]:
    """``part`` with each pair of efforts split by a float joined into one repetition: a gap
    at most ``FLOAT_MAX_GAP_SHARE`` × the block's longer gaps (its upper quartile), run at
    ``FLOAT_MIN_RATIO`` × easy or faster, never next to another float (sets of reps with
    short rests are jogged or stood, so they stay apart); unchanged with fewer than
    ``FLOAT_MIN_PAIRS`` floats."""
    if len(part) < 2 * FLOAT_MIN_PAIRS:
        return part
    gaps, speeds = (np.asarray(x) for x in _recoveries(sig, part))
    short = gaps <= FLOAT_MAX_GAP_SHARE * float(np.percentile(gaps, 75))
    if short.all() or not short.any():
        return part
    rest = float(np.median(speeds[~short]))
    floats = short & (speeds >= FLOAT_MIN_RATIO * v_ref) & (speeds >= FLOAT_OVER_REST * rest)
    if floats.sum() < FLOAT_MIN_PAIRS or (floats[1:] & floats[:-1]).any():
        return part
    out: list[Stretch] = []
    i = 0
    while i < len(part):
        if i < floats.size and floats[i]:
            out.append(stretch(sig, part[i].start, part[i + 1].end))
            i += 2
        else:
            out.append(part[i])
            i += 1
    return out


def with_floats_joined(sig: Signals, blocks: list[Classified], v_ref: float) -> list[Classified]:
    """``blocks`` with the floats inside each interval block's reps joined (see
    :func:`_floats_joined`): the last word, after blocks found by other paths (contrast, laps)
    replaced those found by pace."""
    out: list[Classified] = []
    for k in blocks:
        if k.pattern is RunKind.INTERVALS:
            joined = _floats_joined(sig, list(k.efforts), v_ref)
            if len(joined) < len(k.efforts):
                k = classified(RunKind.INTERVALS, joined, v_ref)
        out.append(k)
    return out


def with_fartlek_whole(blocks: list[Classified], v_ref: float) -> list[Classified]:
    """A fartlek and an interval block beside it, whose typical repetition lasts no shorter or
    longer than the fartlek's surges (``FARTLEK_JOIN_SPAN``) and follow within
    ``FARTLEK_JOIN_CYCLES`` of its cycles, are one fartlek: its surges regrouped by chance
    (a surge missed in between splits the run of efforts, and the part after it happens to
    look even)."""
    out: list[Classified] = []
    for k in sorted(blocks, key=lambda b: b.efforts[0].start):
        if out and _one_fartlek(out[-1], k):
            k = classified(RunKind.FARTLEK, [*out.pop().efforts, *k.efforts], v_ref)
        out.append(k)
    return out


def _one_fartlek(a: Classified, b: Classified) -> bool:
    kinds = {a.pattern, b.pattern}
    if kinds != {RunKind.FARTLEK, RunKind.INTERVALS}:
        return False
    f, i = (a, b) if a.pattern is RunKind.FARTLEK else (b, a)
    lengths = [e.duration_s for e in f.efforts]
    if len(lengths) < 2:
        return False
    lo, hi = FARTLEK_JOIN_SPAN
    typical = float(np.median([e.duration_s for e in i.efforts]))
    inside = lo * min(lengths) <= typical <= hi * max(lengths)
    cycle = float(np.median(np.diff([e.start_s for e in f.efforts])))
    gap = b.efforts[0].start_s - a.efforts[-1].end_s
    return inside and gap <= FARTLEK_JOIN_CYCLES * cycle


def name_block(sig: Signals, efforts: list[Stretch], v_ref: float) -> Classified | None:
    """The block of ``efforts`` taken as given (e.g. a workout's laps): its pattern by the
    module's rules, with no trimming or recount; None when they make no pattern."""
    tempo = _tempo_core(sig, efforts)
    if tempo:
        return classified(RunKind.TEMPO, tempo, v_ref)
    pattern = _pattern(sig, efforts, v_ref)
    return classified(pattern, efforts, v_ref) if pattern is not None else None


def refine_reps(
    sig: Signals, part: list[Stretch], v_ref: float, *, climbs: bool = False
) -> list[Stretch]:
    """Count the repetitions of a block again with a threshold set from the block itself.

    The run-wide threshold (1.25 × easy) can miss a short climb or stride whose smoothed speed
    barely reached it; around the block (one repetition period either side) the switch now
    turns on at ``REFINE_ON`` × the block's median effort speed (never below the easy speed)
    and keeps repetitions of a similar length. The refined list replaces the block's only
    when it finds more repetitions.
    """
    level = float(np.median([e.effort_mps for e in part]))
    dur = float(np.median([e.duration_s for e in part]))
    rise = float(np.median([e.climb_m for e in part]))
    starts = [e.start for e in part]
    period = int(np.median(np.diff(starts))) if len(part) > 1 else sig.points(2 * dur)
    a = max(0, part[0].start - period)
    b = min(sig.n, part[-1].end + period)
    on = max(REFINE_ON * level, v_ref)
    smooth = rolling_mean(sig.effort_mps[a:b], sig.points(5.0))
    mask = hysteresis(smooth, on, EFFORT_OFF * on)
    mask = fill_short(mask, sig.points(REFINE_GAP_S), sig.points(REFINE_MIN_SHARE * dur))
    s0, s1 = runs(mask)
    found = [stretch(sig, a + int(i), a + int(j)) for i, j in zip(s0, s1, strict=True)]
    found = [
        e
        for e in found
        if REFINE_MIN_SHARE * dur <= e.duration_s <= REFINE_MAX_SHARE * dur
        and e.effort_mps >= REFINE_MIN_LEVEL * level
        and (not climbs or e.climb_m >= REFINE_MIN_CLIMB_SHARE * rise)
    ]
    return found if len(found) > len(part) else part
