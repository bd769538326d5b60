"""Hill repeats found from the climbs themselves, not from speed.

A short steep hill sprint (15–25 % over 30–60 m) jogged back down briskly shows no dip in
speed: the jog down is as fast as the climb. What it does show is the altitude, rising and
falling by the same few metres every half-minute or so, over the same ground. This module
reads that directly (GoldenCheetah's climb idea, REFERENCES "Climbs"; docs/science.md §1.6):

1. the lightly smoothed altitude is reduced to its turning points with a small hysteresis
   (a zig-zag filter, as for ascent, but keeping the indices);
2. each rise from a valley to a peak is a candidate climb; its *foot* is the higher of the
   valley before it and the valley after its descent, so a climb on the way to the hill (an
   approach) that ran straight into the first repetition is cut off at the level the
   repetitions start from;
3. a climb counts as a repetition when it rose at least ``climb_min_rise_m`` at
   ``climb_min_grade`` or more, was run hard (its grade-adjusted speed ≥
   ``climb_effort_ratio`` × the easy reference: an approach run easily is no repetition), and
   was followed by a descent back most of the way down;
4. three or more such climbs in a row, each topping out on the same ground as the one before
   (GPS within ``HILL_SAME_GROUND_M``, else the same altitude) and starting soon after it,
   are a hill-repeat block. Reps started higher up the same climb share the top, so they
   count.

The altitude must be good enough: barometric, or GPS altitude with positions that confirm
the tops are one place. Everything is vectorised but the walk over the altitude's turning
points (tens to a few hundred in an hour).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from . import grade as grade_mod
from .moving import EARTH_RADIUS_M, haversine_m, rolling_mean
from .patterns import Classified, classified
from .result import RunKind
from .segments import Signals, Stretch, stretch

__all__ = ["climb_repeats", "recounted_on_the_ground", "with_climb_repeats"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

#: Smoothing of the altitude before its turning points are taken, s: enough to tame a
#: barometer's 0.3–0.8 m of noise, short enough to keep a 12-m climb of 15 s (a 15-s mean
#: halves a swing with a 26-s period).
CLIMB_SMOOTH_S = 3.0
#: Window of the altitude-noise estimate, s (see :func:`_usable`).
CLIMB_NOISE_WINDOW_S = 9.0
#: Altitude noisier than this, m, is GPS altitude: smoothed over ``CLIMB_NOISY_SMOOTH_S`` and
#: read with a hysteresis of ``CLIMB_NOISE_HYSTERESIS`` × its noise (hard set: barometers
#: 0.04–0.4 m, GPS altitude 0.6–3.2 m).
CLIMB_CLEAN_NOISE_M = 0.5
#: See :data:`CLIMB_CLEAN_NOISE_M`, s.
CLIMB_NOISY_SMOOTH_S = 9.0
#: See :data:`CLIMB_CLEAN_NOISE_M`.
CLIMB_NOISE_HYSTERESIS = 2.5
#: Hysteresis of the zig-zag filter, m: smaller reversals are noise (REFERENCES: 3–5 m for
#: ascent; a gentle hill repeat climbs only 4–8 m, so the filter must let 3 m through).
CLIMB_HYSTERESIS_M = 2.0
#: A repetition's climb lasts at least this long, s (a 30-m hill sprint takes ~12 s) …
CLIMB_MIN_S = 6.0
#: … and at most this long, s (a 400-m hill at 3-km effort; longer climbs are a route's).
CLIMB_MAX_S = 240.0
#: The descent after a repetition goes back down at least this share of its rise (a rep
#: started higher up the same climb starts 25–50 % of the way up).
CLIMB_BACK_SHARE = 0.45
#: The next repetition starts within this many times the climb's duration after its top
#: (jog down plus a standing rest; hill repeats recover ~1–3 × the climb) …
CLIMB_MAX_GAP_RATIO = 5.0
#: … or within this long, s, whichever is longer.
CLIMB_MAX_GAP_S = 180.0
#: Consecutive tops lie within this altitude of each other, m (barometric drift is ≤ ~1 m
#: over a few minutes) …
CLIMB_TOP_ALTITUDE_M = 3.0
#: … or within this share of the repetitions' median rise, whichever is larger.
CLIMB_TOP_RISE_SHARE = 0.3
#: Consecutive tops lie within this distance of each other, m, where both have a GPS fix
#: (REFERENCES: starts within about 30 m; GPS noise).
CLIMB_TOP_GROUND_M = 40.0
#: Fewest climbs for a hill-repeat block (as for a pace-found one).
CLIMB_MIN_REPS = 3
#: … or this many when the altitude is GPS altitude (its noise fakes a few climbs).
CLIMB_MIN_REPS_NOISY = 4
#: Blocks that climbs never replace: a tempo or race route goes up and down too.
SUSTAINED = frozenset({RunKind.TEMPO, RunKind.RACE})
#: Grades beyond this are walked or scrambled; the climb's effort stops adjusting, fraction.
CLIMB_GRADE_LIMIT = 0.3
#: Hysteresis of the second, finer reading of a block's span, m, for barometric altitude: a
#: rep started higher up, after a jog only part of the way down, climbs 50–75 % of the rise
#: (1.5–4 m on a short steep hill), under ``CLIMB_HYSTERESIS_M`` (barometer noise ≤ 0.4 m).
CLIMB_FINE_HYSTERESIS_M = 1.0
#: In that reading, a climb counts when it tops out within this share of the median rise of
#: the block's tops (all reps finish at the crest) …
CLIMB_FINE_TOP_SHARE = 0.25
#: … and rose at least this share of the median rise.
CLIMB_FINE_RISE_SHARE = 0.3
#: Recount by position: a repetition reaches the crest (within this share of the rep's length,
#: or ``GROUND_TOP_MIN_M``) after going at least this share away from it (a rep started
#: higher up starts 50–75 % of the way down; GPS noise ≈ 3–5 m) …
GROUND_TOP_SHARE = 0.35
#: … see :data:`GROUND_TOP_SHARE`, m.
GROUND_TOP_MIN_M = 12.0
#: … and the swing away from the crest between two tops is at least this share of the rep's
#: length, or ``GROUND_SWING_MIN_M``.
GROUND_SWING_SHARE = 0.3
#: See :data:`GROUND_SWING_SHARE`, m.
GROUND_SWING_MIN_M = 8.0
#: Smoothing of the distance to the crest, s (GPS jitter).
GROUND_SMOOTH_S = 3.0
#: A climb to the crest counts when run at least this share of the block's typical climb speed.
GROUND_MIN_OF_TYPICAL = 0.8


def _turns(z: FloatArray, hysteresis_m: float) -> IntArray:
    """Indices of the confirmed peaks and valleys of ``z`` (a zig-zag filter, as
    :func:`legday.analysis.grade.turning_points`, keeping where each extreme lies)."""
    d = np.sign(np.diff(z))
    nz = np.flatnonzero(d)
    if nz.size == 0:
        return np.zeros(0, dtype=np.intp)
    knots = np.unique(np.r_[0, nz[np.r_[True, d[nz][1:] != d[nz][:-1]]], z.size - 1])
    pts = [int(knots[0])]
    direction = 0
    for k in map(int, knots[1:]):
        v, last = float(z[k]), float(z[pts[-1]])
        if direction == 0:
            if abs(v - last) > hysteresis_m:
                direction = 1 if v > last else -1
                pts.append(k)
            elif v < last:  # start the first swing from the lowest point so far
                pts[-1] = k
        elif direction * (v - last) > 0:
            pts[-1] = k  # the swing goes on: move its extreme
        elif abs(v - last) > hysteresis_m:
            direction = -direction
            pts.append(k)
    return np.asarray(pts, dtype=np.intp)


def _usable(sig: Signals) -> tuple[FloatArray, float] | None:
    """The altitude to read climbs from, lightly smoothed, and the hysteresis its noise
    allows, m; None without altitude. The noise is the SD of the altitude around its
    ``CLIMB_NOISE_WINDOW_S`` mean: fast enough that a hill repeat's own swing barely shows in
    it (unlike the 31-s noise of :func:`legday.analysis.grade.altitude_noise_m`), it reads
    ≤ 0.4 m for a barometer and ≥ 0.6 m for GPS altitude on the hard set."""
    raw = sig.altitude_raw_m
    if raw is None or np.isfinite(raw).sum() < 2:
        return None
    filled = grade_mod.smooth_altitude(raw, sig.step_s, sig.step_s)
    width = max(1, round(CLIMB_NOISE_WINDOW_S / sig.step_s))
    noise = float(
        np.std(filled - grade_mod.smooth_altitude(filled, sig.step_s, width * sig.step_s))
    )
    noisy = noise > CLIMB_CLEAN_NOISE_M
    z = grade_mod.smooth_altitude(
        raw, sig.step_s, CLIMB_NOISY_SMOOTH_S if noisy else CLIMB_SMOOTH_S
    )
    return z, max(CLIMB_HYSTERESIS_M, CLIMB_NOISE_HYSTERESIS * noise)


def _moved(sig: Signals, a: int = 0, b: int | None = None) -> tuple[IntArray, FloatArray]:
    """Cumulative counted points and metres moved over ``[a, b)`` (a leading 0 each), so any
    stretch's moving speed is two differences."""
    counted = sig.counted[a:b]
    moving: IntArray = np.r_[0, np.cumsum(counted)]
    moved_m: FloatArray = np.r_[0.0, np.cumsum(np.where(counted, sig.speed_mps[a:b], 0.0))]
    return moving, moved_m


def _effort(a: int, p: int, grade: float, moving: IntArray, moved_m: FloatArray) -> float:
    """Grade-adjusted moving speed of the climb from index ``a`` to its top ``p``, m/s
    (indices into the arrays of :func:`_moved`)."""
    factor = float(
        np.interp(min(grade, CLIMB_GRADE_LIMIT), grade_mod.STRAVA_GRADES, grade_mod.STRAVA_FACTORS)
    )
    n_moved = moving[p] - moving[a]
    return float((moved_m[p] - moved_m[a]) / n_moved) * factor if n_moved else 0.0


def climb_repeats(sig: Signals, v_ref: float) -> list[Stretch]:
    """The repetitions of the longest hill-repeat block read from the altitude (see the module
    docstring); [] when there is none."""
    found = _usable(sig)
    if found is None or sig.n < 3 or v_ref <= 0:
        return []
    z, hyst = found
    c = sig.classify
    turns = _turns(z, hyst)
    if turns.size < 3:
        return []
    # peaks with a valley before them and one after (or the run's end)
    is_peak = np.r_[False, z[turns[1:]] > z[turns[:-1]]]
    pk = np.flatnonzero(is_peak)
    if pk.size < CLIMB_MIN_REPS:
        return []
    peaks = turns[pk]
    before = turns[pk - 1]
    after = turns[np.minimum(pk + 1, turns.size - 1)]
    foot = np.maximum(z[before], z[after])
    rise = z[peaks] - foot
    drop = z[peaks] - z[after]
    t = sig.elapsed_s
    # candidates by rise and descent first (vectorised); only they are measured one by one
    cand = (rise >= c.climb_min_rise_m) & (drop >= CLIMB_BACK_SHARE * rise)
    reps: list[tuple[int, int]] = [(int(v), int(p)) for v, p in zip(before, peaks, strict=True)]
    ok = np.zeros(peaks.size, dtype=bool)
    effort = np.zeros(peaks.size)
    moving, moved_m = _moved(sig)
    for j in map(int, np.flatnonzero(cand)):
        v, p = reps[j]
        # the climb starts where the altitude last stood at its foot
        a = int(v + np.flatnonzero(z[v:p] <= foot[j] + 1e-9)[-1])
        reps[j] = (a, p)
        dur = t[p] - t[a]
        dist = float(sig.distance_m[p] - sig.distance_m[a])
        if not (CLIMB_MIN_S <= dur <= CLIMB_MAX_S) or not np.isfinite(dist) or dist <= 0:
            continue
        if rise[j] / dist < c.climb_min_grade:
            continue
        effort[j] = _effort(a, p, rise[j] / dist, moving, moved_m) / v_ref
        ok[j] = True
    # chains of climbs topping out on the same ground; the longest run hard is the block
    best: list[int] = []
    chain: list[int] = []
    for j in [*map(int, np.flatnonzero(ok)), -1]:  # climbs that are no rep in between: ignored
        if chain and (j < 0 or not _follows(sig, z, reps, rise, chain, j, hyst)):
            hard = float(np.median(effort[chain])) >= c.climb_effort_ratio
            if hard and len(chain) > len(best):
                best = chain
            chain = []
        if j >= 0:
            chain.append(j)
    if len(best) < (CLIMB_MIN_REPS if hyst <= CLIMB_HYSTERESIS_M else CLIMB_MIN_REPS_NOISY):
        return []
    tops = [reps[j] for j in best]
    if hyst <= CLIMB_HYSTERESIS_M:
        end = int(after[best[-1]])
        finer = _finer(sig, z, tops, end, float(np.median(rise[best])), v_ref, moving, moved_m)
        tops = finer if len(finer) > len(tops) else tops
    return [stretch(sig, a, p + 1) for a, p in tops]


def _finer(
    sig: Signals,
    z: FloatArray,
    found: list[tuple[int, int]],
    end: int,
    rise: float,
    v_ref: float,
    moving: IntArray,
    moved_m: FloatArray,
) -> list[tuple[int, int]]:
    """The block's span read again with :data:`CLIMB_FINE_HYSTERESIS_M`: the climbs run hard
    that top out at the crest the found reps share, each from its own valley. This counts the
    reps started higher up after a partial jog down, which the coarser reading merges into
    the rep before (their dip is under its hysteresis)."""
    lo = found[0][0]
    turns = lo + _turns(z[lo : end + 1], CLIMB_FINE_HYSTERESIS_M)
    crest = float(np.median(z[[p for _, p in found]]))
    out: list[tuple[int, int]] = []
    for k in range(1, turns.size):
        v, p = int(turns[k - 1]), int(turns[k])
        up = float(z[p] - z[v])
        if up <= 0 or abs(float(z[p]) - crest) > CLIMB_FINE_TOP_SHARE * rise:
            continue
        dist = float(sig.distance_m[p] - sig.distance_m[v])
        if up < CLIMB_FINE_RISE_SHARE * rise or not np.isfinite(dist) or dist <= 0:
            continue
        effort = _effort(v, p, up / dist, moving, moved_m) / v_ref
        if effort >= sig.classify.climb_effort_ratio:
            out.append((v, p))
    return out


def _follows(
    sig: Signals,
    z: FloatArray,
    reps: list[tuple[int, int]],
    rise: FloatArray,
    chain: list[int],
    j: int,
    hyst: float,
) -> bool:
    """Climb ``j`` continues ``chain``: it starts soon after the last one topped out, and tops
    out on the same ground."""
    i = chain[-1]
    a_i, b_i = reps[i]
    a_j, b_j = reps[j]
    t = sig.elapsed_s
    gap = t[a_j] - t[b_i]
    if gap > max(CLIMB_MAX_GAP_S, CLIMB_MAX_GAP_RATIO * (t[b_i] - t[a_i])):
        return False
    lat = sig.latitude_deg[[b_i, b_j]]
    lon = sig.longitude_deg[[b_i, b_j]]
    if np.isfinite(lat).all() and np.isfinite(lon).all():  # GPS altitude drifts; positions not
        return float(haversine_m(lat, lon)[0]) <= CLIMB_TOP_GROUND_M
    if hyst > CLIMB_HYSTERESIS_M:
        return False  # GPS altitude without the positions to confirm it
    med = float(np.median(rise[[*chain, j]]))
    return bool(abs(z[b_j] - z[b_i]) <= max(CLIMB_TOP_ALTITUDE_M, CLIMB_TOP_RISE_SHARE * med, hyst))


def with_climb_repeats(sig: Signals, blocks: list[Classified], v_ref: float) -> list[Classified]:
    """``blocks`` with the hill-repeat block read from the climbs (:func:`climb_repeats`) in
    place of those found over its span (by pace they were missed, or read as strides,
    intervals or a fartlek, or counted an approach climb as a rep); unchanged without one."""
    reps = climb_repeats(sig, v_ref)
    if not reps:
        return blocks
    a, b = reps[0].start, reps[-1].end
    over = [k.efforts[0].start < b and k.efforts[-1].end > a for k in blocks]
    kept = [k for k, o in zip(blocks, over, strict=True) if not o]
    hit = [k for k, o in zip(blocks, over, strict=True) if o]
    if any(k.pattern in SUSTAINED for k in hit):
        return blocks  # the climbs of a tempo or race route, not repetitions
    paced = [e for k in hit for e in k.efforts]
    # the pace found the same hill repeats, and more of them (a climb lost in altitude noise)
    same = bool(hit) and all(k.pattern is RunKind.HILL_REPEATS for k in hit)
    found = classified(
        RunKind.HILL_REPEATS, paced if same and len(paced) > len(reps) else reps, v_ref
    )
    return sorted([*kept, found], key=lambda k: k.efforts[0].start)


def _to_crest(sig: Signals, a: int, b: int, tops: list[int]) -> FloatArray | None:
    """Distance from the crest (the median position of ``tops``) over ``[a, b)``, m, gaps
    interpolated and lightly smoothed; None without two tops with a GPS fix."""
    lat, lon = sig.latitude_deg, sig.longitude_deg
    fixed = [i for i in tops if np.isfinite(lat[i]) and np.isfinite(lon[i])]
    if len(fixed) < 2:
        return None
    lat0, lon0 = float(np.median(lat[fixed])), float(np.median(lon[fixed]))
    k = np.pi / 180.0 * EARTH_RADIUS_M
    d = np.hypot((lat[a:b] - lat0) * k, (lon[a:b] - lon0) * k * np.cos(np.radians(lat0)))
    ok = np.isfinite(d)
    if ok.sum() < 2:
        return None
    idx = np.arange(d.size)
    filled = np.interp(idx, idx[ok], d[ok])
    return rolling_mean(filled, sig.points(GROUND_SMOOTH_S))


def _ground_reps(sig: Signals, block: Classified) -> list[Stretch]:
    """The repetitions of a hill block counted by position: each arrival at the crest, run
    hard, after going back down the hill (GPS altitude is too noisy to count a short steep
    hill's climbs, but the track goes up and back over the same line every time). []
    when positions cannot say."""
    efforts = list(block.efforts)
    length = float(np.median([e.distance_m for e in efforts]))
    if not np.isfinite(length) or length <= 0:
        return []
    starts = [e.start for e in efforts]
    period = int(np.median(np.diff(starts))) if len(efforts) > 1 else sig.points(120.0)
    a = max(0, efforts[0].start - period)
    b = min(sig.n, efforts[-1].end + period)
    d = _to_crest(sig, a, b, [e.end - 1 for e in efforts])
    if d is None:
        return []
    swing = max(GROUND_SWING_MIN_M, GROUND_SWING_SHARE * length)
    turns = _turns(-d, swing)  # the crest is where the distance bottoms out
    near = max(GROUND_TOP_MIN_M, GROUND_TOP_SHARE * length)
    lows = [int(i) for i in turns[1:] if d[i] <= near and d[i] < d[max(0, i - 1)] + 1e-9]
    highs = [int(i) for i in turns if d[i] > near]
    foot = float(np.median(d[highs])) if highs else length
    moving, moved_m = _moved(sig, a, b)
    climbs: list[tuple[int, int, float]] = []
    last = 0
    for top in lows:
        before = np.flatnonzero(d[last:top] >= min(foot, float(d[last:top].max())) - 1e-9)
        start = last + int(before[-1]) if before.size else last
        if CLIMB_MIN_S / 2 <= (top - start) * sig.step_s <= CLIMB_MAX_S:
            climbs.append((start, top, _effort(start, top, 0.0, moving, moved_m)))
        last = top
    if not climbs:
        return []
    # the block is known to be hill repeats: a climb counts when it was run like the others
    # (the grade of a short steep hill is lost in GPS altitude, so speed is compared as is)
    typical = float(np.median([v for _, _, v in climbs]))
    return [
        stretch(sig, a + start, a + top + 1)
        for start, top, v in climbs
        if v >= GROUND_MIN_OF_TYPICAL * typical
    ]


def recounted_on_the_ground(
    sig: Signals, blocks: list[Classified], v_ref: float
) -> list[Classified]:
    """``blocks`` with each hill-repeat block recounted by position (:func:`_ground_reps`)
    when that finds more repetitions."""
    if not np.isfinite(sig.latitude_deg).any():
        return blocks
    out: list[Classified] = []
    for k in blocks:
        if k.pattern is RunKind.HILL_REPEATS:
            reps = _ground_reps(sig, k)
            if len(reps) > k.block.reps:
                k = classified(RunKind.HILL_REPEATS, reps, v_ref)
        out.append(k)
    return out
