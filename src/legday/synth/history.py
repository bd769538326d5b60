"""A multi-week training history: runs and lifting sessions on realistic dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from legday.model import StrengthSession
from legday.synth.athlete import SyntheticAthlete
from legday.synth.device import Device
from legday.synth.runs import SyntheticRun, make_run
from legday.synth.strength import make_strength_session
from legday.synth.workouts import RunKind

__all__ = ["QUALITY_ROTATION", "History", "generate_history", "last_completed_week_end"]

#: The weekly quality session rotates through these kinds.
QUALITY_ROTATION: tuple[RunKind, ...] = (
    RunKind.INTERVALS,
    RunKind.TEMPO,
    RunKind.HILL_REPEATS,
    RunKind.FARTLEK,
    RunKind.SPRINTS,
    RunKind.MIXED,
)
#: Chance that one easy run of a week is skipped (life happens).
SKIP_RUN_P = 0.3
#: Chance that a week gets an extra easy run on a rest day.
EXTRA_RUN_P = 0.3
#: Fewest and most runs in a week (the brief: 4–6 runs a week).
MIN_RUNS_PER_WEEK = 4
#: See :data:`MIN_RUNS_PER_WEEK`.
MAX_RUNS_PER_WEEK = 6
#: Chance that a planned strength session is skipped.
SKIP_LIFT_P = 0.15
#: Hours after a same-day morning run that lifting starts (REFERENCES.md: a heavy leg session
#: ≥ 6 h after quality running).
LIFT_AFTER_MORNING_RUN_H = 8.0
#: Hours after a same-day evening run that lifting starts (straight to the gym after the run).
LIFT_AFTER_EVENING_RUN_H = 1.25


@dataclass(frozen=True, slots=True)
class History:
    """A generated training history, runs and lifts each in time order."""

    athlete: SyntheticAthlete
    device: Device
    runs: list[SyntheticRun]
    strength: list[StrengthSession]
    first_day: date
    last_day: date


def last_completed_week_end(today: date) -> date:
    """The Sunday that ended the last full ISO week before ``today``."""
    return today - timedelta(days=today.weekday() + 1)


def _local(day: date, clock: float, tz: ZoneInfo) -> datetime:
    hours = int(clock)
    minutes = round((clock - hours) * 60) % 60
    return datetime.combine(day, time(hours, minutes), tzinfo=tz).astimezone(UTC)


def _week_plans(
    athlete: SyntheticAthlete, first_weekday: int, rng: np.random.Generator
) -> list[str]:
    """The plans of seven days from ``first_weekday`` (0 = Monday), with one skipped run or one
    extra easy run now and then, keeping 4–6 runs in the week."""
    plans: list[str] = [athlete.day_plan((first_weekday + i) % 7) for i in range(7)]
    runs = sum(p != "rest" for p in plans)
    skippable = [i for i, p in enumerate(plans) if p in ("easy", "strides", "recovery")]
    rest_days = [i for i, p in enumerate(plans) if p == "rest"]
    if runs > MIN_RUNS_PER_WEEK and skippable and rng.random() < SKIP_RUN_P:
        plans[skippable[int(rng.integers(len(skippable)))]] = "rest"
    elif runs < MAX_RUNS_PER_WEEK and rest_days and rng.random() < EXTRA_RUN_P:
        plans[rest_days[int(rng.integers(len(rest_days)))]] = "easy"
    return plans


def _run_of(plan: str, week: int, weeks: int, seed: int) -> tuple[RunKind | None, dict[str, Any]]:
    """The kind of run (and options) for a day plan in ``week`` of ``weeks``."""
    if plan == "quality":
        return QUALITY_ROTATION[(week + seed) % len(QUALITY_ROTATION)], {}
    if plan == "long":
        if week == weeks - 1:
            return RunKind.RACE, {}
        return RunKind.LONG, ({"overload": True} if weeks >= 3 and week == weeks // 2 else {})
    simple = {"easy": RunKind.EASY, "strides": RunKind.STRIDES, "recovery": RunKind.RECOVERY}
    return simple.get(plan), {}


def generate_history(
    weeks: int = 8,
    seed: int = 0,
    athlete: SyntheticAthlete | None = None,
    end: date | None = None,
    *,
    device: Device | None = None,
) -> History:
    """Generate ``weeks`` weeks of training ending on ``end`` (inclusive).

    4–6 runs a week following the athlete's weekly pattern (easy runs, some with strides, a
    weekly long run, one quality session rotating through :data:`QUALITY_ROTATION`), a race
    on the long-run day of the last week, one long run in the middle much longer than usual
    (R4 overload), and 0–3 strength sessions a week. ``end`` defaults to the last completed week
    before today (the only place the clock is read). Same arguments → same history.
    """
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, got {weeks}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    if end is None:
        end = last_completed_week_end(date.today())
    root = np.random.default_rng(seed)
    athlete = athlete or SyntheticAthlete.sample(root)
    device = device or Device.sample(root)
    tz = ZoneInfo(athlete.time_zone)
    first = end - timedelta(days=7 * weeks - 1)
    runs: list[SyntheticRun] = []
    lifts: list[StrengthSession] = []
    for week in range(weeks):
        plans = _week_plans(athlete, first.weekday(), np.random.default_rng([seed, week, 7]))
        for i, plan in enumerate(plans):
            offset = 7 * week + i
            day = first + timedelta(days=offset)
            rng = np.random.default_rng([seed, offset])
            kind, options = _run_of(plan, week, weeks, seed)
            run_start: datetime | None = None
            morning = True
            if kind is not None:
                morning = rng.random() < 0.6 or plan == "long"
                clock = rng.uniform(6.0, 8.5) if morning else rng.uniform(17.0, 19.5)
                run_start = _local(day, float(clock), tz)
                runs.append(make_run(kind.value, athlete, device, run_start, rng, **options))
            lift = athlete.strength_pattern[day.weekday()]
            lift_rng = np.random.default_rng([seed, offset, 1])  # independent of the run's draws
            if lift and lift_rng.random() >= SKIP_LIFT_P:
                if run_start is not None:
                    gap = LIFT_AFTER_MORNING_RUN_H if morning else LIFT_AFTER_EVENING_RUN_H
                    lift_start = run_start + timedelta(hours=gap)
                else:
                    lift_start = _local(day, float(lift_rng.uniform(17.5, 19.5)), tz)
                lifts.append(make_strength_session(athlete, lift_start, lift_rng, lift, week=week))
    return History(athlete, device, runs, lifts, first, end)
