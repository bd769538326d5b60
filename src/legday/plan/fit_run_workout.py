"""FIT export of a planned quality run: warm-up, repetitions at a pace, recoveries, cool-down.

The run's structure comes from ``--runs`` (``tue=intervals:6x800@5k/400jog``;
:func:`legday.plan.runs.parse_structure`); the paces from the athlete's threshold pace
(:func:`athlete_threshold`): race paces by Riegel's formula (docs/science.md, section 5). The file
is encoded with the official Garmin FIT SDK like the strength workouts
(:func:`legday.plan.fit_workout.encode_workout`), as the FIT profile's workout file describes a
run (developer.garmin.com/fit, "Workout File Type"):

* a ``workout`` of sport ``running``;
* one ``workout_step`` per step: ``duration_type`` ``distance`` (``duration_value`` in cm),
  ``time`` (ms) or ``open`` (the lap button ends it); a paced step has ``target_type``
  ``speed`` with ``target_value`` 0 (a custom range) and ``custom_target_value_low`` /
  ``_high`` in mm/s (the profile's ``custom_target_speed_low`` / ``_high``: m/s, scale 1000);
  ``intensity`` ``warmup``, ``active``, ``recovery`` (a jog or walk), ``rest`` or ``cooldown``;
* a repeat: the work step, its recovery, then a ``repeat_until_steps_cmplt`` step back to the
  work step with the number of repetitions as its ``target_value``.

A watch that runs it laps at every step and marks each lap with the step's intensity and index
(``wkt_step_index``), which the analysis reads as the repetitions (``analysis/laps.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from legday.model import AthleteProfile, Units

from .fit_workout import WorkoutFile, encode_workout, fit_mesg, fit_text, planned_start
from .result import Block, Plan, PlannedDay, PlannedSession
from .runs import METRES_PER_MILE, Pace, RunRepeat, RunStep, RunWorkout

if TYPE_CHECKING:
    from legday.analysis import HistorySummary
    from legday.store.library import Library

__all__ = [
    "PACE_BAND",
    "RIEGEL_EXPONENT",
    "Threshold",
    "athlete_threshold",
    "fit_run_workouts",
    "library_threshold",
    "pace_text",
    "race_speed",
    "step_name",
    "target_speed",
    "to_fit_run_workout",
]

#: Riegel's endurance exponent: a race twice as long takes 2^1.06 times as long (Riegel 1981,
#: *American Scientist* 69:285; docs/science.md, section 5).
RIEGEL_EXPONENT: float = 1.06
#: The threshold pace is about one hour's race pace (Daniels' T pace; the profile's
#: ``threshold_pace``), s: the race Riegel's formula starts from.
THRESHOLD_RACE_S: float = 3600.0
#: Half-width of a pace target, as a fraction of its speed (legday's own: ±2 % is about
#: ±5 s/km at 4:00/km, within the scatter of a watch's GPS pace over a short repetition).
PACE_BAND: float = 0.02
#: Speeds are written in mm/s (FIT profile ``custom_target_speed_low``: m/s, scale 1000); a
#: step's distance in cm (``duration_distance``: m, scale 100) and its time in ms.
_MM_PER_M = 1000
_CM_PER_M = 100
_MS_PER_S = 1000


@dataclass(frozen=True, slots=True)
class Threshold:
    """The athlete's threshold speed and where it comes from (said in the workout)."""

    speed_mps: float
    source: str
    """``your profile``, ``your best race of 15-75 min`` or ``a default``."""

    def describe(self, units: Units = "metric") -> str:
        """``4:10/km (your profile)``."""
        return f"{pace_text(self.speed_mps, units)} ({self.source})"


def athlete_threshold(
    profile: AthleteProfile | None, history: Sequence[HistorySummary] = ()
) -> Threshold:
    """The threshold speed the verdict uses (:func:`legday.assessment.threshold_speed`: the
    profile's threshold pace, else 97 % of the best race of 15-75 min, else a default), with
    its source."""
    from legday.assessment import threshold_speed
    from legday.stimulus.fibres import DEFAULT_THRESHOLD_SPEED_MPS

    if profile is not None and profile.threshold_pace_s_per_km:
        return Threshold(threshold_speed(profile, None), "your profile")
    speed = threshold_speed(None, history)
    if speed == DEFAULT_THRESHOLD_SPEED_MPS:
        return Threshold(speed, "a default; legday profile set threshold_pace_s_per_km=4:30")
    return Threshold(speed, "your best race of 15-75 min")


def library_threshold(lib: Library) -> Threshold:
    """:func:`athlete_threshold` of the library's athlete, from the stored runs."""
    from legday.analysis import HistorySummary
    from legday.store.importer import stored_history

    athlete_id = lib._athlete_id()
    rows = stored_history(lib.db, athlete_id) if athlete_id is not None else []
    history = [
        HistorySummary(
            start=h["start"], duration_s=h["duration_s"], distance_m=h["distance_m"], kind=h["kind"]
        )
        for h in rows
        if h["sport"] == "running"
    ]
    return athlete_threshold(lib.profile, history)


def race_speed(threshold_mps: float, race_m: float) -> float:
    """Race speed over ``race_m`` metres, m/s, by Riegel's formula from the threshold speed
    (one hour's race): ``t = 3600 (d / d_T)^1.06`` gives ``v = v_T (d_T / d)^0.06``."""
    threshold_m = threshold_mps * THRESHOLD_RACE_S
    return threshold_mps * float((threshold_m / race_m) ** (RIEGEL_EXPONENT - 1.0))


def target_speed(pace: Pace, threshold_mps: float) -> float:
    """The speed a pace asks for, m/s."""
    if pace.s_per_km is not None:
        return 1000.0 / pace.s_per_km
    if pace.race_m is not None:
        return race_speed(threshold_mps, pace.race_m)
    return threshold_mps


def pace_text(speed_mps: float, units: Units = "metric") -> str:
    """``3:55/km`` or ``6:18/mi``."""
    unit_m, unit = (METRES_PER_MILE, "mi") if units == "imperial" else (1000.0, "km")
    seconds = round(unit_m / speed_mps)
    return f"{seconds // 60}:{seconds % 60:02d}/{unit}"


def _amount_text(step: RunStep) -> str:
    if step.distance_m is not None:
        m = step.distance_m
        if abs(m / METRES_PER_MILE - round(m / METRES_PER_MILE, 2)) < 1e-6 and m >= 1600:
            return f"{m / METRES_PER_MILE:g} mi"
        return f"{m / 1000:g} km" if m >= 1000 else f"{m:g} m"
    if step.duration_s is not None:
        s = step.duration_s
        return f"{s / 60:g} min" if s >= 60 and s % 30 == 0 else f"{s:g} s"
    return ""


_WORDS = {
    "warmup": "Warm up",
    "cooldown": "Cool down",
    "recovery": "Recover",
    "rest": "Rest",
    "active": "Run",
}


def step_name(step: RunStep) -> str:
    """What the watch shows for a step: ``800 m @ 5k``, ``Recover 400 m``, ``Warm up``."""
    amount = _amount_text(step)
    if step.intensity == "active":
        pace = f" @ {step.pace.text}" if step.pace is not None else ""
        return f"{amount or 'Run'}{pace}"
    return f"{_WORDS[step.intensity]} {amount}".strip()


def _step_mesg(step: RunStep, threshold: Threshold, units: Units) -> dict[str, Any]:
    mesg: dict[str, Any] = {
        "mesg_num": fit_mesg("workout_step"),
        "wkt_step_name": fit_text(step_name(step)),
        "intensity": step.intensity,
    }
    if step.distance_m is not None:
        mesg.update(duration_type="distance", duration_value=round(step.distance_m * _CM_PER_M))
    elif step.duration_s is not None:
        mesg.update(duration_type="time", duration_value=round(step.duration_s * _MS_PER_S))
    else:
        mesg.update(duration_type="open")
    if step.pace is None:
        mesg.update(target_type="open")
        return mesg
    speed = target_speed(step.pace, threshold.speed_mps)
    low, high = speed * (1.0 - PACE_BAND), speed * (1.0 + PACE_BAND)
    mesg.update(
        target_type="speed",
        target_value=0,
        custom_target_value_low=round(low * _MM_PER_M),
        custom_target_value_high=round(high * _MM_PER_M),
        notes=fit_text(
            f"{step.pace.text} pace {pace_text(speed, units)} "
            f"({pace_text(high, units).split('/')[0]}-{pace_text(low, units)})."
        ),
    )
    return mesg


def _steps(workout: RunWorkout, threshold: Threshold, units: Units) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    for part in workout.parts:
        if isinstance(part, RunStep):
            steps.append(_step_mesg(part, threshold, units))
            continue
        first = len(steps)
        steps.append(_step_mesg(part.work, threshold, units))
        if part.recovery is not None:
            steps.append(_step_mesg(part.recovery, threshold, units))
        if part.reps > 1:
            steps.append(_repeat(first, part))
    for i, step in enumerate(steps):
        step["message_index"] = i
    return steps


def _repeat(first: int, part: RunRepeat) -> dict[str, Any]:
    return {
        "mesg_num": fit_mesg("workout_step"),
        "duration_type": "repeat_until_steps_cmplt",
        "duration_value": first,
        "target_type": "open",
        "target_value": part.reps,
    }


def run_workout_name(day: PlannedDay, workout: RunWorkout) -> str:
    """``Tue 8 Dec intervals: 6x800@5k/400jog`` — what the watch lists."""
    d = day.date
    kind = workout.kind.replace("_", " ")
    return f"{day.weekday.capitalize()} {d.day} {d:%b} {kind}: {workout.text}"


def to_fit_run_workout(
    day: PlannedDay,
    session: PlannedSession,
    workout: RunWorkout,
    threshold: Threshold,
    *,
    units: Units = "metric",
) -> bytes:
    """One planned run as the bytes of a FIT workout file (see the module docstring)."""
    if session.type != "run":
        raise ValueError("only a run is a run workout")
    steps = _steps(workout, threshold, units)
    why = f"Paces from a threshold of {threshold.describe(units)}; race paces by Riegel's formula."
    return encode_workout(
        planned_start(day, session),
        run_workout_name(day, workout),
        {"sport": "running"},
        why,
        steps,
    )


def fit_run_workouts(
    plan: Plan | Block,
    workouts: Mapping[str, RunWorkout],
    threshold: Threshold,
    *,
    units: Units = "metric",
) -> list[WorkoutFile]:
    """Each planned run that ``workouts`` gives a structure (by weekday, for every week of a
    block) as a FIT workout named ``<date>-<weekday>-run.fit``; a run of another kind that day
    (a race week's race, say) gets none."""
    plans = plan.plans if isinstance(plan, Block) else (plan,)
    out: list[WorkoutFile] = []
    for week in plans:
        for day in week.days:
            workout = workouts.get(day.weekday)
            if workout is None:
                continue
            for session in day.sessions:
                if session.type == "run" and session.kind == workout.kind:
                    data = to_fit_run_workout(day, session, workout, threshold, units=units)
                    name = f"{day.date.isoformat()}-{day.weekday}-run.fit"
                    out.append(WorkoutFile(name, data, day, session))
                    break
    return out
