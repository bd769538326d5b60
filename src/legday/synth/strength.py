"""Synthetic strength sessions as a Strong user would log them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import numpy as np

from legday.model import ExerciseSet, SetType, Source, StrengthSession
from legday.settings import Settings
from legday.synth.athlete import SyntheticAthlete

__all__ = ["EXERCISES", "SessionKind", "SyntheticExercise", "make_strength_session"]

SessionKind = Literal["lower", "upper", "full"]
Gear = Literal["barbell", "dumbbell", "machine", "bodyweight", "hold"]
Slot = Literal["compound", "single_leg", "accessory", "upper", "core"]


@dataclass(frozen=True, slots=True)
class SyntheticExercise:
    """An exercise as the Strong app names it, with a typical working load."""

    name: str
    slot: Slot
    """Its place in a session: a loaded compound lift, single-leg work (R9: a runner is never
    on both legs at once), a lower-body accessory, upper-body or core work."""
    gear: Gear
    load_per_kg_bm: float = 0.0
    """Working load per kg of body mass for an intermediate male lifter (per hand for dumbbells);
    rough gym norms, a model choice."""


#: The exercises the generator picks from (names as typed in Strong).
EXERCISES: tuple[SyntheticExercise, ...] = (
    SyntheticExercise("Squat (Barbell)", "compound", "barbell", 0.85),
    SyntheticExercise("Romanian Deadlift (Barbell)", "compound", "barbell", 0.75),
    SyntheticExercise("Deadlift (Barbell)", "compound", "barbell", 1.0),
    SyntheticExercise("Hip Thrust (Barbell)", "compound", "barbell", 0.9),
    SyntheticExercise("Bulgarian Split Squat", "single_leg", "dumbbell", 0.12),
    SyntheticExercise("Lunge (Dumbbell)", "single_leg", "dumbbell", 0.12),
    SyntheticExercise("Step-up (Dumbbell)", "single_leg", "dumbbell", 0.1),
    SyntheticExercise("Single Leg Romanian Deadlift (Dumbbell)", "single_leg", "dumbbell", 0.15),
    SyntheticExercise("Standing Calf Raise (Dumbbell)", "accessory", "dumbbell", 0.18),
    SyntheticExercise("Lying Leg Curl (Machine)", "accessory", "machine", 0.35),
    SyntheticExercise("Glute Bridge", "accessory", "bodyweight"),
    SyntheticExercise("Bench Press (Dumbbell)", "upper", "dumbbell", 0.22),
    SyntheticExercise("Bent Over Row (Dumbbell)", "upper", "dumbbell", 0.24),
    SyntheticExercise("Overhead Press (Dumbbell)", "upper", "dumbbell", 0.14),
    SyntheticExercise("Bicep Curl (Dumbbell)", "upper", "dumbbell", 0.11),
    SyntheticExercise("Triceps Extension (Dumbbell)", "upper", "dumbbell", 0.1),
    SyntheticExercise("Lat Pulldown (Cable)", "upper", "machine", 0.6),
    SyntheticExercise("Push Up", "upper", "bodyweight"),
    SyntheticExercise("Plank", "core", "hold"),
    SyntheticExercise("Side Plank", "core", "hold"),
    SyntheticExercise("Bird Dog", "core", "bodyweight"),
    SyntheticExercise("Russian Twist", "core", "bodyweight"),
)

#: The slots of each session kind, in order (R9: compound, single-leg, core and upper work).
_LAYOUT: dict[str, tuple[tuple[Slot, int], ...]] = {
    "lower": (("compound", 1), ("single_leg", 1), ("accessory", 1), ("core", 1)),
    "upper": (("upper", 3), ("core", 1)),
    "full": (("compound", 1), ("single_leg", 1), ("upper", 2), ("core", 1)),
}
#: Weekly load progression, fraction per week (ACSM 2009: add 2–10 % once reps are beaten).
WEEKLY_PROGRESSION = 0.025
#: Strength of a female lifter relative to the male norms above (rough population ratio).
FEMALE_STRENGTH_RATIO = 0.7
#: Time under tension per rep, s.
SECONDS_PER_REP = 3.5
#: Set-up time per exercise, s.
SETUP_S = 60.0
#: Warm-up set loads as fractions of the working load.
WARMUP_FRACTIONS = (0.5, 0.7)


def _round_load(kg: float, gear: Gear, settings: Settings) -> float:
    step = settings.dumbbell_step_kg if gear == "dumbbell" else settings.barbell_step_kg
    return float(max(step, round(kg / step) * step))


def _pick(rng: np.random.Generator, slot: Slot, count: int) -> list[SyntheticExercise]:
    pool = [e for e in EXERCISES if e.slot == slot]
    return [pool[int(i)] for i in rng.permutation(len(pool))[:count]]


def make_strength_session(
    athlete: SyntheticAthlete,
    start: datetime,
    rng: np.random.Generator,
    kind: SessionKind = "lower",
    *,
    week: int = 0,
    settings: Settings | None = None,
) -> StrengthSession:
    """A lifting session of ``kind``: warm-up sets for loaded lifts, then 2–3 working sets of
    6–10 reps at RPE 7–9 (R7); loads grow by :data:`WEEKLY_PROGRESSION` per ``week``."""
    if kind not in _LAYOUT:
        raise ValueError(f"unknown strength session kind {kind!r}; valid: {', '.join(_LAYOUT)}")
    if start.tzinfo is None:
        raise ValueError("make_strength_session needs a timezone-aware start")
    settings = settings or Settings()
    start = start.astimezone(UTC).replace(microsecond=0)
    strength = athlete.mass_kg * (FEMALE_STRENGTH_RATIO if athlete.sex == "f" else 1.0)
    progress = 1.0 + WEEKLY_PROGRESSION * week
    exercises = [e for slot, n in _LAYOUT[kind] for e in _pick(rng, slot, n)]
    sets: list[ExerciseSet] = []
    clock = 0.0
    lo_sets, hi_sets = settings.sets_per_exercise
    lo_reps, hi_reps = settings.rep_range
    for ex in exercises:
        clock += SETUP_S
        work_kg = _round_load(ex.load_per_kg_bm * strength * progress, ex.gear, settings)
        loaded = ex.gear in ("barbell", "dumbbell", "machine")
        if ex.gear in ("barbell", "machine"):
            for frac in WARMUP_FRACTIONS[: int(rng.integers(1, 3))]:
                reps = int(rng.integers(8, 11))
                sets.append(
                    ExerciseSet(
                        exercise=ex.name,
                        raw_name=ex.name,
                        reps=reps,
                        load_kg=_round_load(work_kg * frac, ex.gear, settings),
                        set_type=SetType.WARMUP,
                        order=len(sets) + 1,
                        timestamp=start.timestamp() + clock,
                    )
                )
                clock += reps * SECONDS_PER_REP + 60.0
        n_sets = int(rng.integers(lo_sets, hi_sets + 1))
        reps_first = int(rng.integers(lo_reps + 1, hi_reps + 1))
        for k in range(n_sets):
            rpe = float(min(9.0, 7.0 + 0.5 * int(rng.integers(0, 3)) + 0.5 * k))
            hold = ex.gear == "hold"
            work_reps = None if hold else max(lo_reps, reps_first - k)
            seconds = float(rng.integers(6, 13) * 5) if hold else None
            sets.append(
                ExerciseSet(
                    exercise=ex.name,
                    raw_name=ex.name,
                    reps=work_reps,
                    load_kg=work_kg if loaded else 0.0,
                    duration_s=seconds,
                    rpe=rpe,
                    set_type=SetType.WORKING,
                    order=len(sets) + 1,
                    per_hand=ex.gear == "dumbbell",
                    timestamp=start.timestamp() + clock,
                )
            )
            clock += (seconds or (work_reps or 0) * SECONDS_PER_REP) + float(rng.uniform(75, 150))
    local = start.astimezone(ZoneInfo(athlete.time_zone))
    offset = local.utcoffset() or timedelta(0)
    when = "Morning" if local.hour < 12 else "Afternoon" if local.hour < 17 else "Evening"
    name = f"{kind.title()} Body" if rng.random() < 0.6 else f"{when} Workout"
    return StrengthSession(
        start=start,
        sets=tuple(sets),
        name=name,
        duration_s=round(clock / 60.0) * 60.0,
        utc_offset_s=int(offset.total_seconds()),
        source=Source(format="synthetic"),
    )
