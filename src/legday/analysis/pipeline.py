"""``analyze``: one pass over an activity, from samples to a :class:`RunAnalysis`."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from legday.model import Activity, AthleteProfile
from legday.settings import Settings

from . import grade as grade_mod
from .bouts import no_speed, speedless_blocks
from .contrast import contrast_efforts, periodic_efforts
from .evidence import gather
from .hills import recounted_on_the_ground, with_climb_repeats
from .kinds import (
    RACE_HR_FRACTION_LTHR,
    RACE_MIN_S,
    RACE_STANDING_S,
    decide_kind,
    find_race_effort,
    is_long,
    is_overload,
    relative_repeats,
    stop_intervals,
    usual_speed,
)
from .laps import workout_reps
from .load import banister_trimp, edwards_trimp, hr_stress, session_rpe
from .moving import Grid, build_grid, moving_mask
from .patterns import (
    QUALITY,
    Classified,
    build_blocks,
    classified,
    name_block,
    with_fartlek_whole,
    with_floats_joined,
)
from .result import (
    HistorySummary,
    HrSummary,
    LoadSummary,
    Role,
    RunAnalysis,
    RunKind,
    Segment,
)
from .segments import (
    CPD_REFERENCE_PENALTY_BIC,
    MIN_GRADE_DISTANCE_M,
    Signals,
    Stretch,
    easy_reference,
    find_efforts,
    level_segments,
    runs,
    stretch,
)
from .weighing import WORD_ONLY, weigh
from .zones import (
    HrAnchors,
    ZoneModel,
    clean_hr,
    hr_anchors,
    observed_hr_max,
    sustained_hr,
    time_above,
    time_in_band,
    time_in_zones,
    zone_bounds,
)

__all__ = ["analyze", "signals", "summarize"]

FloatArray = npt.NDArray[np.float64]

#: Leftover stretches shorter than this before the first or after the last block are folded
#: into the neighbouring segment, s.
MIN_EDGE_SEGMENT_S = 30.0
#: Grades beyond ±15 % are walked or scrambled more than run: the effort speed used to find
#: efforts stops adjusting there (the reported grade-adjusted speed does not).
EFFORT_GRADE_LIMIT = 0.15
#: Sub-sports where pace follows the terrain (FIT ``sub_sport``).
TRAIL_SUB_SPORTS = frozenset({"trail", "mountain", "ultra"})
#: The easy reference is at least this fraction of the athlete's usual speed (their easy, long
#: and recovery runs in the history): with a short warm-up, or a warm-up in another file, the
#: run's own slowest steady level is a slow cool-down, and floats at easy pace would read as
#: efforts. Usual speeds include stops and hills, hence under 1 (hard set seed 0: 0.9, 0.95,
#: 1.0 gave kind-and-tags 0.876, 0.888, 0.892 but clean 0.976 at 0.95, 0.969 at 1.0; seed 1,
#: not tuned on, 0.884 → 0.890).
USUAL_FLOOR = 0.95
#: … and at most this multiple of it: with the warm-up in another file and strides around a
#: tempo, the run's longest steady level is the tempo (hard set seed 0: 1.15, 1.2, 1.3 gave
#: quality reps 0.881, 0.877, 0.877; seed 1, not tuned on, 0.881 at 1.15 against 0.858
#: without a ceiling).
USUAL_CEILING = 1.15
#: A run whose pace-found efforts fill less than this share of it is judged as a whole (a
#: race's surges and finishing kick, found against its own pace; heuristic).
WHOLE_HARD_MAX_EFFORT_SHARE = 0.3
#: With heart rate at threshold, the whole run must also be this much faster than the athlete's
#: usual pace (a hot day's easy run drifts to threshold heart rate at its usual pace).
WHOLE_HARD_HR_PACE_RATIO = 1.05
#: Without heart rate, a whole run this much faster than the athlete's usual pace is one hard
#: effort (race pace over 5–42 km runs ~1.15–1.5 × easy pace: Daniels' VDOT tables).
WHOLE_HARD_PACE_RATIO = 1.15
#: LTHR sources that are the athlete's own (an LTHR guessed as a fraction of an HRmax seen in
#: history or predicted from age is too uncertain to call a whole run hard on heart rate).
OWN_SOURCES = frozenset({"profile", "history"})
#: Metadata key holding a session RPE on the CR-10 scale (Foster et al. 2001).
RPE_KEY = "rpe"


def signals(
    grid: Grid,
    settings: Settings,
    model: grade_mod.GradeModel,
    lthr_bpm: float | None = None,
    trail: bool = False,
) -> Signals:
    """The derived streams: moving mask, smoothed altitude, grade, grade-adjusted speed, HR."""
    g = grade_mod.grade(grid.altitude_m, grid.distance_m, settings.grade_window_m, grid.step_s)
    gas = grade_mod.grade_adjusted_speed(grid.speed_mps, g, model)
    gas = np.where(grid.counted, gas, 0.0)
    g_effort = np.clip(g, -EFFORT_GRADE_LIMIT, EFFORT_GRADE_LIMIT)
    effort = grade_mod.grade_adjusted_speed(grid.speed_mps, g_effort, grade_mod.GradeModel.STRAVA)
    effort = np.where(grid.counted, effort, 0.0)
    alt = grade_mod.smooth_altitude(grid.altitude_m, grid.step_s, grade_mod.ALTITUDE_SMOOTH_S)
    return Signals(
        step_s=grid.step_s,
        elapsed_s=grid.elapsed_s,
        counted=grid.counted,
        moving=moving_mask(grid, settings.moving_speed_mps),
        gas_mps=gas,
        effort_mps=effort,
        speed_mps=grid.speed_mps,
        hr_bpm=clean_hr(grid.heart_rate_bpm, grid.cadence_spm, grid.step_s),
        grade_frac=g,
        altitude_m=alt,
        distance_m=grid.distance_m,
        latitude_deg=grid.latitude_deg,
        longitude_deg=grid.longitude_deg,
        altitude_noise_m=(
            grade_mod.altitude_noise_m(grid.altitude_m, grid.step_s)
            if np.isfinite(grid.altitude_m).sum() >= 2
            else float("inf")
        ),
        lthr_bpm=lthr_bpm,
        trail=trail,
        classify=settings.classify,
        altitude_raw_m=grid.altitude_m,
    )


def _segment(sig: Signals, a: int, b: int, role: Role) -> Segment:
    s = stretch(sig, a, b)
    return Segment(
        start_s=s.start_s,
        end_s=s.end_s,
        role=role,
        avg_speed_mps=s.speed_mps,
        avg_grade_adjusted_speed_mps=s.gas_mps,
        avg_hr=None if not np.isfinite(s.hr_bpm) else s.hr_bpm,
        # A segment that barely moves (a standing recovery) has no grade to speak of.
        grade_pct=100.0 * s.grade_frac if s.distance_m >= MIN_GRADE_DISTANCE_M else None,
    )


def _segments(sig: Signals, blocks: Sequence[Classified]) -> tuple[Segment, ...]:
    """Roles over the whole run: warm-up (or steady), work and recoveries, cool-down."""
    if sig.n == 0:
        return ()
    if not blocks:
        return (_segment(sig, 0, sig.n, Role.STEADY),)
    spans: list[tuple[int, int, Role]] = []
    quality_first = blocks[0].pattern not in (RunKind.STRIDES,)
    cursor = 0
    for k, blk in enumerate(blocks):
        first = blk.efforts[0].start
        if first - cursor > 0:
            role = Role.RECOVERY if k > 0 else (Role.WARMUP if quality_first else Role.STEADY)
            spans.append((cursor, first, role))
        for i, e in enumerate(blk.efforts):
            if i > 0 and e.start > cursor:
                spans.append((cursor, e.start, Role.RECOVERY))
            spans.append((e.start, e.end, Role.WORK))
            cursor = e.end
    if sig.n - cursor > 0:
        spans.append((cursor, sig.n, Role.COOLDOWN))
    min_pts = sig.points(MIN_EDGE_SEGMENT_S)
    if len(spans) > 1 and spans[0][1] - spans[0][0] < min_pts:
        a, _, _ = spans.pop(0)
        spans[0] = (a, spans[0][1], spans[0][2])
    if len(spans) > 1 and spans[-1][1] - spans[-1][0] < min_pts:
        _, b, _ = spans.pop()
        spans[-1] = (spans[-1][0], b, spans[-1][2])
    return tuple(_segment(sig, a, b, r) for a, b, r in spans)


def analyze(
    activity: Activity,
    profile: AthleteProfile | None = None,
    history: Sequence[HistorySummary] | None = None,
    settings: Settings | None = None,
) -> RunAnalysis:
    """Analyse one run: moving time, elevation, heart-rate zones, segments, kind and load.

    ``history`` (the athlete's earlier runs, newest last or in any order) makes "long",
    "overload" and the HRmax estimate relative to the athlete. Raises
    :class:`~legday.errors.ConfigError` for an unknown grade or zone model in ``settings``.
    """
    settings = settings or Settings()
    history = tuple(history or ())
    model = grade_mod.GradeModel.parse(settings.grade_model)
    zone_model = ZoneModel.parse(settings.hr_zone_model)
    grid = build_grid(activity, settings.max_sample_gap_s)
    ascent, descent = grade_mod.ascent_descent(
        grid.altitude_m, settings.altitude_hysteresis_m, grid.step_s
    )

    observed = observed_hr_max(
        grid.heart_rate_bpm, grid.cadence_spm, grid.step_s, settings.hr_max_percentile
    )
    anchors = hr_anchors(profile, history, settings, activity.start.year, observed)
    trail = (activity.sub_sport or "").lower() in TRAIL_SUB_SPORTS
    sig = signals(grid, settings, model, anchors.lthr, trail)
    duration = _duration(activity, grid)
    moving_s = float(sig.moving.sum()) * grid.step_s
    if grid.n == 0:  # a session of totals only (a manual entry): the moving time it states
        moving_s = (activity.totals.total_timer_s if activity.totals else None) or duration
    hr_summary = _hr_summary(sig, grid, anchors, zone_model, settings, observed)
    load = _load(sig, grid, anchors, profile, activity, moving_s)
    v_ref = easy_reference(sig, *level_segments(sig, CPD_REFERENCE_PENALTY_BIC)) if sig.n else None
    evidence = gather(activity)
    speedless = no_speed(sig)
    usual = usual_speed(history)
    if v_ref is not None and usual is not None and not speedless:
        v_ref = min(max(v_ref, USUAL_FLOOR * usual), USUAL_CEILING * usual)
    blocks = (
        speedless_blocks(sig, activity.laps, grid.start_posix_s)
        if speedless
        else _blocks(
            sig,
            activity,
            anchors,
            grid.start_posix_s,
            v_ref,
            settings,
            usual,
            evidence.race,
        )
    )
    hr_counted = sig.hr_bpm[grid.counted & np.isfinite(sig.hr_bpm)]
    hr_frac = (
        (float(np.median(hr_counted)) - anchors.hr_rest) / (anchors.lthr - anchors.hr_rest)
        if hr_counted.size
        else None
    )
    confidence = WORD_ONLY
    if grid.n == 0:  # no effort to see: a guess from the name and length
        kind, tags, reasons = _kind_from_totals(evidence.race, duration, history, settings)
    else:
        kind, tags, reasons = decide_kind(
            blocks,
            long_run=is_long(duration, history, settings),
            hr_reserve_lthr=hr_frac,
            duration_s=duration,
            pace_ratio=None if speedless else _pace_ratio(sig, grid, usual),
        )
        kind, tags, reasons, confidence, blocks = weigh(
            kind, reasons, blocks, evidence, _race_block(sig, v_ref)
        )
    return RunAnalysis(
        sport=activity.sport,
        start=activity.start,
        duration_s=duration,
        moving_s=moving_s,
        distance_m=activity.distance_m or float(grid.distance_m[-1] if grid.n else 0.0),
        ascent_m=ascent,
        descent_m=descent,
        hr=hr_summary,
        kind=kind,
        tags=tags,
        blocks=tuple(b.block for b in blocks),
        overload=is_overload(duration, history, settings),
        segments=_segments(sig, blocks),
        load=load,
        reasons=tuple(reasons),
        easy_speed_mps=v_ref if v_ref is not None and v_ref > 0 else None,
        effort_hr=sustained_hr(sig.hr_bpm, grid.counted, grid.step_s),
        confidence=confidence,
        elapsed_s=grid.elapsed_s,
        grade_adjusted_speed_mps=sig.gas_mps,
        grade_pct=100.0 * sig.grade_frac,
    )


def _kind_from_totals(
    said_race: bool, duration_s: float, history: Sequence[HistorySummary], settings: Settings
) -> tuple[RunKind, tuple[RunKind, ...], list[str]]:
    """The kind of a session without samples: a race when its name says so, long when its
    length does, else easy, and a reason that says it is a guess from the totals."""
    note = "no recording, only totals: the kind is judged from the name and length"
    if said_race:
        return RunKind.RACE, (), ["the name or type says race", note]
    if is_long(duration_s, history, settings):
        return RunKind.LONG, (), ["longer than the athlete's usual runs", note]
    return RunKind.EASY, (), [note]


def _hr_summary(
    sig: Signals,
    grid: Grid,
    anchors: HrAnchors,
    zone_model: ZoneModel,
    settings: Settings,
    observed: float | None,
) -> HrSummary:
    """Average and maximum HR, the anchors used, time in zones and in the cardio band (R2)."""
    hr, weight = sig.hr_bpm, grid.weight_s
    counted = hr[grid.counted & np.isfinite(hr)]
    names, bounds = zone_bounds(zone_model, anchors, settings)
    low, high = settings.cardio_band_pct_hrmax
    return HrSummary(
        avg=float(counted.mean()) if counted.size else None,
        max=float(counted.max()) if counted.size else None,
        hr_max_used=anchors.hr_max,
        hr_max_source=anchors.hr_max_source,
        hr_rest_used=anchors.hr_rest,
        lthr_used=anchors.lthr,
        lthr_source=anchors.lthr_source,
        cardio_band_s=time_in_band(hr, weight, low * anchors.hr_max, high * anchors.hr_max),
        above_band_s=time_above(hr, weight, high * anchors.hr_max),
        zones_s=time_in_zones(hr, weight, names, bounds),
        zone_model=zone_model.value,
        observed_max=observed,
    )


def _load(
    sig: Signals,
    grid: Grid,
    anchors: HrAnchors,
    profile: AthleteProfile | None,
    activity: Activity,
    moving_s: float,
) -> LoadSummary:
    """TRIMP (Banister, Edwards), HR stress and session RPE; None where data is missing."""
    hr, weight = sig.hr_bpm, grid.weight_s
    has_hr = bool(np.isfinite(hr[grid.counted]).any())
    sex = profile.sex if profile else None
    trimp = banister_trimp(hr, weight, anchors.hr_rest, anchors.hr_max, sex) if has_hr else None
    rpe = activity.metadata.get(RPE_KEY)
    return LoadSummary(
        trimp=trimp,
        edwards_trimp=edwards_trimp(hr, weight, anchors.hr_max) if has_hr else None,
        hr_stress=(
            hr_stress(trimp, anchors.lthr, anchors.hr_rest, anchors.hr_max, sex)
            if trimp is not None
            else None
        ),
        srpe=session_rpe(float(rpe) if isinstance(rpe, int | float) else None, moving_s),
    )


def _blocks(
    sig: Signals,
    activity: Activity,
    anchors: HrAnchors,
    t0: float,
    v_ref: float | None,
    settings: Settings,
    usual_mps: float | None = None,
    meta_race: bool = False,
) -> list[Classified]:
    """Efforts found, a race singled out, and the efforts grouped into named blocks; ``t0`` is
    the POSIX time of the grid's first point (to place the workout's laps), ``v_ref`` the run's
    easy reference speed."""
    if sig.n == 0 or v_ref is None or v_ref <= 0:
        return []
    levels = level_segments(sig)
    efforts = find_efforts(sig, v_ref, *levels)
    race = find_race_effort(sig, efforts, meta_race)
    alternating = contrast_efforts(sig, v_ref, *levels, settings)
    if race is None:
        whole = _hard_throughout(sig, [*efforts, *alternating], anchors, meta_race, usual_mps)
        if whole is not None:  # a sustained effort from the gun or a standing start
            efforts = [e for e in efforts if e.end <= whole.start] + [whole]
            race = whole
    blocks = build_blocks(sig, efforts, v_ref, race)
    contrast = (
        [b for b in build_blocks(sig, alternating, v_ref, None) if b.pattern in QUALITY]
        if race is None
        else []
    )
    blocks = _recounted(blocks, contrast)
    if race is None:
        for reps in workout_reps(sig, activity.laps, t0):
            blocks = _with_lap_block(blocks, name_block(sig, reps, v_ref))
    blocks = with_climb_repeats(sig, blocks, v_ref)  # hill repeats read from the altitude
    blocks = recounted_on_the_ground(sig, blocks, v_ref)  # … and counted by position
    if not any(b.pattern in QUALITY or b.pattern is RunKind.RACE for b in blocks):
        reps = stop_intervals(sig)
        beat = periodic_efforts(sig, settings) if not reps and not contrast else []
        named = name_block(sig, beat, v_ref) if beat else None
        rhythm = [named] if named is not None and named.pattern in QUALITY else []
        if reps:
            blocks = [classified(RunKind.INTERVALS, reps, v_ref)]
        elif contrast:
            blocks = _merged(blocks, contrast)
        elif rhythm:
            blocks = _merged(blocks, rhythm)
        else:
            rel = relative_repeats(sig, v_ref)
            found = name_block(sig, rel, v_ref) if rel else None
            if found is not None and found.pattern in QUALITY:
                blocks = sorted([*blocks, found], key=lambda k: k.efforts[0].start)
    return with_fartlek_whole(with_floats_joined(sig, blocks, v_ref), v_ref)


def _recounted(blocks: list[Classified], found: list[Classified]) -> list[Classified]:
    """Quality blocks found by pace replaced by a block found by contrast over the same span
    when it counts more repetitions (the pace threshold missed reps run just under it)."""
    for f in found:
        a, b = f.efforts[0].start, f.efforts[-1].end
        over = [k for k in blocks if k.efforts[0].start < b and k.efforts[-1].end > a]
        more = f.block.reps > sum(k.block.reps for k in over)
        if over and more and all(k.pattern in QUALITY for k in over):
            blocks = _merged(blocks, [f])
    return blocks


def _merged(blocks: list[Classified], found: list[Classified]) -> list[Classified]:
    """``blocks`` with ``found`` added, dropping those of ``blocks`` that overlap them."""
    kept = [
        k
        for k in blocks
        if not any(
            k.efforts[0].start < f.efforts[-1].end and k.efforts[-1].end > f.efforts[0].start
            for f in found
        )
    ]
    return sorted([*kept, *found], key=lambda k: k.efforts[0].start)


def _race_block(sig: Signals, v_ref: float | None) -> Classified | None:
    """The whole moving span as one race block (when the file says race), None if the
    athlete never moved."""
    if sig.n == 0 or not sig.moving.any():
        return None
    return classified(RunKind.RACE, [stretch(sig, *_moving_span(sig))], v_ref or 0.0)


def _with_lap_block(blocks: list[Classified], lap: Classified | None) -> list[Classified]:
    """Blocks with a workout's lap-marked block in place of the ones found over its span: the
    watch ran the athlete's planned steps, and :func:`workout_reps` kept only laps whose work
    ran clearly harder than their recoveries, so the laps name and count the repetitions (a
    pace search reads 6 × 800 m with float recoveries as one tempo, or starts a marathon-pace
    block in the warm-up). Unchanged when the laps make no quality pattern."""
    if lap is None or lap.pattern not in QUALITY:
        return blocks
    return _merged(blocks, [lap])


def _pace_ratio(sig: Signals, grid: Grid, usual: float | None) -> float | None:
    """This run's speed while moving relative to the athlete's usual (None when unknown).

    The mean speed over the moving points: an auto-paused or stop-start run is not a slow
    one, and a GPS dropout (no speed, the distance jumping across it) counts on neither side.
    A run whose distance stayed at 0 (a treadmill or indoor track with no foot pod) has only
    the wrist's estimate of speed, often 5–15 % off: unknown, so heart rate decides.
    ``usual`` is the athlete's usual speed (:func:`usual_speed`), None without history."""
    speed = sig.speed_mps[sig.moving & np.isfinite(sig.speed_mps)]
    if not usual or speed.size == 0 or not (grid.n and grid.distance_m[-1] > 0):
        return None
    mean = float(speed.mean())
    return mean / usual if mean > 0 else None


def _duration(activity: Activity, grid: Grid) -> float:
    """Elapsed time: the sample span, or the device's total when that is longer (a file cut
    short), ignoring corrupt stamps that the grid dropped."""
    span = float(grid.elapsed_s[-1] + grid.step_s) if grid.n else 0.0
    total = activity.totals.total_elapsed_s if activity.totals else None
    return max(span, total) if total else span


def _moving_span(sig: Signals) -> tuple[int, int]:
    idx = np.flatnonzero(sig.moving)
    return int(idx[0]), int(idx[-1]) + 1


def _start_of_effort(sig: Signals, a: int, b: int) -> int:
    """Where a run's one sustained effort starts: after the last standing stop (≥
    ``RACE_STANDING_S``) in its first third — a warm-up, then the start line — else at ``a``."""
    stopped = ~sig.moving[a:b]
    third = a + (b - a) // 3
    starts, ends = runs(stopped)
    long_ = (ends - starts) >= sig.points(RACE_STANDING_S)
    cut = [int(e) for e, ok in zip(ends, long_, strict=True) if ok and a + int(e) <= third]
    if not cut:
        return a
    moving = np.flatnonzero(sig.moving[a + cut[-1] : b])
    return a + cut[-1] + int(moving[0]) if moving.size else a


def _hard_throughout(
    sig: Signals,
    efforts: Sequence[Stretch],
    anchors: HrAnchors,
    meta_race: bool,
    usual_mps: float | None,
) -> Stretch | None:
    """The run's one sustained hard effort, from the gun or from a standing start to the end,
    or None. A race file holds no easy running to compare with, so the efforts found against
    its own "easy" pace are only its surges: when they fill less than
    ``WHOLE_HARD_MAX_EFFORT_SHARE`` of it, the whole is judged instead. It is hard when the
    file says race, or heart rate (second half, past its lag) held ≥ ``RACE_HR_FRACTION_LTHR``
    of the athlete's LTHR (from their profile or history) while the pace was clearly above
    their usual one (``WHOLE_HARD_HR_PACE_RATIO``), or — without heart rate — the pace was
    ≥ ``WHOLE_HARD_PACE_RATIO`` × their usual pace. A hot day's easy run near threshold heart
    rate at the usual pace is no race."""
    if not sig.moving.any():
        return None
    a, b = _moving_span(sig)
    a = _start_of_effort(sig, a, b)
    if (b - a) * sig.step_s < RACE_MIN_S:
        return None
    whole = stretch(sig, a, b)
    covered = np.zeros(sig.n, dtype=bool)
    for e in efforts:
        covered[max(e.start, a) : e.end] = True
    inside = float(covered.sum()) * sig.step_s
    if any(e.duration_s >= RACE_MIN_S for e in efforts if e.start >= a):
        return None  # a race or tempo effort of its own: find_race_effort's call
    if inside > WHOLE_HARD_MAX_EFFORT_SHARE * whole.duration_s:
        return None  # structured work, not one effort with surges
    if meta_race:
        return whole
    hr = sig.hr_bpm[(a + b) // 2 : b]
    hr = hr[np.isfinite(hr)]
    own = anchors.hr_max_source == "profile" or anchors.lthr_source in OWN_SOURCES
    if hr.size:
        at_threshold = own and float(np.median(hr)) >= RACE_HR_FRACTION_LTHR * anchors.lthr
        brisk = usual_mps is None or whole.speed_mps >= WHOLE_HARD_HR_PACE_RATIO * usual_mps
        return whole if at_threshold and brisk else None
    fast = usual_mps is not None and whole.speed_mps >= WHOLE_HARD_PACE_RATIO * usual_mps
    return whole if fast else None


def summarize(analysis: RunAnalysis) -> HistorySummary:
    """The :class:`HistorySummary` of an analysed run, to pass as history to later runs."""
    return HistorySummary(
        start=analysis.start,
        duration_s=analysis.duration_s,
        distance_m=analysis.distance_m,
        kind=analysis.kind.value,
        max_hr=analysis.hr.observed_max,
        effort_hr=analysis.effort_hr,
    )
