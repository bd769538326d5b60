"""The hard synthetic set: runs as messy as real recordings, each with the conditions it drew.

:func:`make_hard_run` turns a kind and a set of :class:`~legday.synth.conditions.Condition` into
a :class:`~legday.synth.runs.SyntheticRun`: the program under those conditions, simulated (with a
slow-starting or heat-drifting heart), cut where the warm-up was a separate file, recorded by a
device that pauses in recoveries, laps by hand or every km or mile, loses GPS, or stands on a
treadmill. :func:`hard_session` draws the i-th session of the set from a seed::

    from legday.synth.hard import hard_session

    session = hard_session(seed=0, index=7)
    session.run.truth.extra["conditions"]  # e.g. ["paused_recovery", "short_warmup"]

The truth is what the athlete would say: the kind, the tags, and the work reps per block as the
athlete counts them (a float inside a rep is one rep; an approach climb is none).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt

from legday.model import AthleteProfile
from legday.synth.athlete import SyntheticAthlete
from legday.synth.conditions import APPLIES, Condition, applicable, compatible
from legday.synth.device import Device
from legday.synth.hard_workouts import build_hard_program
from legday.synth.physiology import exp_filter
from legday.synth.recording import Recorded, record
from legday.synth.runs import SyntheticRun, assemble_run
from legday.synth.simulate import Course, HeartDay, simulate
from legday.synth.workouts import KINDS, Program

__all__ = [
    "HARD_KINDS",
    "HardSession",
    "draw_conditions",
    "hard_device",
    "hard_session",
    "make_hard_run",
]

C = Condition
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: The kinds of the hard set, in turn: quality sessions with reps come twice, as most
#: conditions bite there.
HARD_KINDS: tuple[str, ...] = (*KINDS, "intervals", "hill_repeats")
#: Share of hard sessions that draw one condition alone.
ALONE_SHARE = 0.35
#: A condition of at most this many kinds is specific to them (hill shapes, races, ladders…).
SPECIFIC_KINDS = 2
#: How many turns a specific condition gets as a session's first condition, per turn of a
#: general one (so each is drawn often enough to be scored).
SPECIFIC_TURNS = 3
#: Chance of each further compatible condition joining a session that is not alone: higher for
#: conditions of one or two kinds (hill shapes, races, ladders…), so they are drawn often enough
#: to be scored.
EXTRA_CHANCE = 0.12
#: See :data:`EXTRA_CHANCE`.
EXTRA_CHANCE_SPECIFIC = 0.4
#: A stream number that keeps the hard set's draws apart from the clean set's.
HARD_STREAM = 13
#: Auto-lap distances, m: 1 km and 1 mile (international mile, 1609.344 m).
AUTO_LAP_KM_M = 1000.0
AUTO_LAP_MILE_M = 1609.344
#: Longest gap of smart recording in the hard set, s (some watches write a point every 1–8 s).
SMART_MAX_GAP_S = 8
#: Laps so long they never trigger: indoor watches with auto-lap off.
NO_AUTO_LAP_M = 1e9
#: Heart-rate lag at the start, s (95 % of the way after this long).
HR_LAG_RANGE_S = (120.0, 240.0)
#: Heat: HR above usual at the same effort, bpm, and cardiac drift, bpm per hour.
HEAT_OFFSET_RANGE_BPM = (3.0, 8.0)
HEAT_DRIFT_RANGE_BPM_PER_H = (15.0, 30.0)
#: Share of recent HR (above standing) a rest keeps: after 3–4 min standing, HR is still
#: ≈ 100 bpm after hard reps, not back at standing HR (a model choice; real recordings show
#: HR 25–40 bpm lower after the first minute, then a slow decline).
SLOW_RECOVERY_SHARE = 0.35
#: GPS dropouts per run and their length, s.
GPS_GAPS_RANGE = (1, 5)
GPS_GAP_RANGE_S = (20.0, 120.0)
#: A treadmill or indoor-track watch's speed from the wrist: scale error (a fraction) and noise
#: (1 SD, m/s), smoothed over a few seconds (accelerometer pace is poorly calibrated indoors).
INDOOR_SPEED_SCALE = (0.8, 1.2)
INDOOR_SPEED_NOISE_MPS = (0.2, 0.45)
INDOOR_SPEED_TAU_S = 4.0
#: The runner presses the lap button up to this many seconds off the rep's start or end.
MANUAL_LAP_JITTER_S = 2


@dataclass(frozen=True, slots=True)
class HardSession:
    """One session of the hard set: the run, who ran it and what legday is told about them."""

    name: str
    run: SyntheticRun
    athlete: SyntheticAthlete
    profile: AthleteProfile
    conditions: tuple[Condition, ...]
    with_history: bool
    """False under :attr:`Condition.BARE_PROFILE`: legday gets no earlier runs."""


def draw_conditions(kind: str, index: int, rng: np.random.Generator) -> frozenset[Condition]:
    """The conditions of session ``index`` of ``kind``: one in turn through those that apply
    (specific ones more often, so each is drawn often enough to be scored); alone for
    :data:`ALONE_SHARE` of sessions, else joined by others."""
    options = applicable(kind)
    specific = [c for c in options if len(APPLIES[c]) <= SPECIFIC_KINDS]
    turns = specific * SPECIFIC_TURNS + [c for c in options if c not in specific]
    chosen = {turns[(index // len(HARD_KINDS)) % len(turns)]}
    if rng.random() >= ALONE_SHARE:
        for c in rng.permutation(np.array(options, dtype=object)):
            cond = Condition(c)
            specific_here = len(APPLIES[cond]) <= SPECIFIC_KINDS
            chance = EXTRA_CHANCE_SPECIFIC if specific_here else EXTRA_CHANCE
            if rng.random() < chance and all(compatible(cond, d) for d in chosen):
                chosen.add(cond)
    indoor = bool({C.TREADMILL, C.INDOOR_TRACK} & chosen)
    marked = bool({C.PAUSED_RECOVERY, C.MANUAL_LAPS} & chosen)
    if indoor and not marked and kind in ("tempo", "intervals", "sprints"):
        # indoors, each rep is marked by the timer's start/stop or by a manual lap
        marks = [C.PAUSED_RECOVERY, C.MANUAL_LAPS]
        for mark in marks if rng.random() < 0.5 else marks[::-1]:
            if all(compatible(mark, d) for d in chosen):
                chosen.add(mark)
                break
    return frozenset(chosen)


def hard_device(device: Device, conditions: frozenset[Condition]) -> Device:
    """``device`` as the conditions need it (auto-pause, laps, recording, sensors)."""
    indoor = bool({C.TREADMILL, C.INDOOR_TRACK} & conditions)
    changes: dict[str, object] = {"auto_pause": C.AUTO_PAUSE in conditions}
    if indoor:
        changes.update(has_gps=False, has_baro=False, has_hr=True, has_cadence=True)
        changes.update(structured_laps=False, auto_lap_m=NO_AUTO_LAP_M)
    if {C.HR_LAG, C.HOT_DAY, C.BARE_PROFILE, C.TRAINED_EASY} & conditions:
        changes["has_hr"] = True
    if C.AUTO_LAP_KM in conditions or C.AUTO_LAP_MILE in conditions:
        lap = AUTO_LAP_KM_M if C.AUTO_LAP_KM in conditions else AUTO_LAP_MILE_M
        changes.update(structured_laps=False, auto_lap_m=lap)
    if C.SMART_RECORDING in conditions:
        changes.update(recording="smart", smart_max_gap_s=SMART_MAX_GAP_S)
    if C.GPS_DROPOUTS in conditions:
        changes["has_gps"] = True
    return replace(device, **changes)  # type: ignore[arg-type]


def make_hard_run(
    kind: str,
    conditions: frozenset[Condition],
    athlete: SyntheticAthlete,
    device: Device,
    start: datetime,
    rng: np.random.Generator,
) -> SyntheticRun:
    """One run of ``kind`` under ``conditions``, recorded by ``device`` (already adapted by
    :func:`hard_device`). A function of the arguments and the state of ``rng`` only."""
    if start.tzinfo is None:
        raise ValueError("make_hard_run needs a timezone-aware start")
    start = start.astimezone(UTC).replace(microsecond=0)
    program = build_hard_program(kind, athlete, rng, conditions)
    heart = HeartDay(
        slow_recovery=SLOW_RECOVERY_SHARE,
        lag_s=float(rng.uniform(*HR_LAG_RANGE_S)) if C.HR_LAG in conditions else 0.0,
        heat_offset_bpm=float(rng.uniform(*HEAT_OFFSET_RANGE_BPM))
        if C.HOT_DAY in conditions
        else 0.0,
        drift_bpm_per_h=float(rng.uniform(*HEAT_DRIFT_RANGE_BPM_PER_H))
        if C.HOT_DAY in conditions
        else HeartDay().drift_bpm_per_h,
    )
    course = simulate(program, athlete, rng, heart=heart)
    extra: dict[str, object] = {"conditions": sorted(c.value for c in conditions), "hard": True}
    if C.SPLIT_WARMUP in conditions:
        first = next(i for i, s in enumerate(program.steps) if s.role != "warmup")
        extra["warmup_file_s"] = int(course.bounds[first])
        program, course = _crop(program, course, first)
    timer_off = _recoveries_off(program, course) if C.PAUSED_RECOVERY in conditions else None
    manual = _manual_laps(program, course, rng) if C.MANUAL_LAPS in conditions else None
    rec = record(
        course, program, device, start, athlete.mass_kg, rng, timer_off=timer_off,
        manual_laps_s=manual,
    )  # fmt: skip
    sub_sport = "generic"
    if C.TREADMILL in conditions or C.INDOOR_TRACK in conditions:
        sub_sport = (
            "treadmill"
            if C.TREADMILL in conditions
            else str(rng.choice(["track", "indoor_running"]))
        )
        rec, mode = _indoor(rec, course, rng)
        extra["indoor_speed"] = mode
    if C.GPS_DROPOUTS in conditions:
        rec, gaps = _gps_gaps(rec, rng, gps_altitude=not device.has_baro)
        extra["gps_gaps"] = gaps
    return assemble_run(
        program, course, rec, athlete, device, start, sub_sport=sub_sport, extra=extra
    )


def hard_session(seed: int, index: int, start: datetime | None = None) -> HardSession:
    """Session ``index`` of the hard set drawn from ``seed``: its kind is
    ``HARD_KINDS[index % len(HARD_KINDS)]``, and it starts ``index`` days after ``start``."""
    kind = HARD_KINDS[index % len(HARD_KINDS)]
    rng = np.random.default_rng([seed, index, HARD_STREAM])
    conditions = draw_conditions(kind, index, rng)
    athlete = SyntheticAthlete.sample(rng)
    if C.TRAINED_EASY in conditions:
        ratio = float(rng.uniform(0.80, 0.86))
        athlete = replace(athlete, easy_speed_mps=round(athlete.threshold_speed_mps * ratio, 3))
    device = hard_device(Device.sample(rng), conditions)
    when = (start or datetime(2026, 6, 1, 7, 0, tzinfo=UTC)) + timedelta(days=index)
    run = make_hard_run(kind, conditions, athlete, device, when, rng)
    bare = C.BARE_PROFILE in conditions
    profile = (
        AthleteProfile(hr_max=athlete.hr_max, hr_rest=athlete.hr_rest)
        if bare
        else athlete.profile()
    )
    return HardSession(
        name=f"hard-{index:04d}-{kind}",
        run=run,
        athlete=athlete,
        profile=profile,
        conditions=tuple(sorted(conditions)),
        with_history=not bare,
    )


# --- what the conditions do to the course and the recording ---------------------------------


def _crop(program: Program, course: Course, step: int) -> tuple[Program, Course]:
    """The program and course from ``step`` on: the session file of a split warm-up."""
    t0 = int(course.bounds[step])
    cut = slice(t0, None)
    cropped = Course(
        bounds=course.bounds[step:] - t0,
        speed_mps=course.speed_mps[cut],
        distance_m=course.distance_m[cut] - course.distance_m[t0],
        route_m=course.route_m[cut],
        grade=course.grade[cut],
        elevation_m=course.elevation_m[cut],
        latitude_deg=course.latitude_deg[cut],
        longitude_deg=course.longitude_deg[cut],
        heart_rate_bpm=course.heart_rate_bpm[cut],
        cadence_spm=course.cadence_spm[cut],
        power_w=course.power_w[cut],
        terrain=course.terrain,
    )
    return replace(program, steps=program.steps[step:]), cropped


def _recoveries_off(program: Program, course: Course) -> BoolArray:
    """The runner stops the timer in every standing recovery, one second after the rep and
    one second before the next."""
    off = np.zeros(course.n, dtype=bool)
    for i, s in enumerate(program.steps):
        a, b = int(course.bounds[i]), int(course.bounds[i + 1])
        if s.role == "recovery" and s.effort_mps == 0.0 and b - a > 3:
            off[a + 1 : b - 1] = True
    return off


def _manual_laps(program: Program, course: Course, rng: np.random.Generator) -> IntArray:
    """Seconds of the lap button: at the start and the end of each rep, a second or two off."""
    steps = program.steps
    presses: list[int] = []
    for i, s in enumerate(steps):
        if s.role != "work":
            continue
        if not s.joins_previous:
            presses.append(int(course.bounds[i]))
        following = steps[i + 1] if i + 1 < len(steps) else None
        if following is None or not following.joins_previous:
            presses.append(int(course.bounds[i + 1]))
    jitter = rng.integers(-MANUAL_LAP_JITTER_S, MANUAL_LAP_JITTER_S + 1, len(presses))
    pressed: IntArray = np.clip(np.array(presses, dtype=np.int64) + jitter, 1, course.n - 2)
    return pressed


def _indoor(rec: Recorded, course: Course, rng: np.random.Generator) -> tuple[Recorded, str]:
    """A treadmill or indoor track: the distance stays frozen at 0, and the speed is 0 or the
    wrist's noisy, poorly scaled estimate (HR and cadence as recorded)."""
    s = dict(rec.samples)
    sec = s["elapsed_s"].astype(np.int64)
    if rng.random() < 0.5:
        mode = "zero"
        s["speed_mps"] = np.zeros(sec.shape[0])
    else:
        mode = "noisy"
        scale = float(rng.uniform(*INDOOR_SPEED_SCALE))
        sd = float(rng.uniform(*INDOOR_SPEED_NOISE_MPS))
        noise = exp_filter(rng.normal(0.0, sd * 2.0, course.n), INDOOR_SPEED_TAU_S)
        speed = exp_filter(course.speed_mps * scale, INDOOR_SPEED_TAU_S) + noise
        speed = np.where(course.cadence_spm > 0, np.maximum(speed, 0.0), 0.0)
        s["speed_mps"] = np.round(speed[sec], 3)
    s["distance_m"] = np.zeros(sec.shape[0])
    laps = tuple(replace(lap, total_distance_m=0.0) for lap in rec.laps)
    totals = replace(rec.totals, total_distance_m=0.0, total_ascent_m=None, total_descent_m=None)
    return replace(rec, samples=s, laps=laps, totals=totals), mode


def _gps_gaps(
    rec: Recorded, rng: np.random.Generator, gps_altitude: bool
) -> tuple[Recorded, list[list[float]]]:
    """1–4 GPS dropouts: no position (nor GPS altitude), the distance frozen then jumping back,
    the speed 0 or held at its last value, as watches differ."""
    s = dict(rec.samples)
    t = s["elapsed_s"]
    end = float(t[-1])
    gaps: list[list[float]] = []
    if end < 300.0:
        return rec, gaps
    hold = bool(rng.random() < 0.5)
    for _ in range(int(rng.integers(*GPS_GAPS_RANGE))):
        a = float(rng.uniform(60.0, end - 150.0))
        b = a + float(rng.uniform(*GPS_GAP_RANGE_S))
        inside = (t >= a) & (t < b)
        idx = np.flatnonzero(inside)
        if idx.size == 0:
            continue
        gaps.append([round(a), round(b)])
        before = max(int(idx[0]) - 1, 0)
        s["latitude_deg"] = np.where(inside, np.nan, s["latitude_deg"])
        s["longitude_deg"] = np.where(inside, np.nan, s["longitude_deg"])
        s["distance_m"] = np.where(inside, s["distance_m"][before], s["distance_m"])
        s["speed_mps"] = np.where(inside, s["speed_mps"][before] if hold else 0.0, s["speed_mps"])
        if gps_altitude:
            s["altitude_m"] = np.where(inside, np.nan, s["altitude_m"])
    return replace(rec, samples=s), gaps
