"""FIT workout export of a plan: one Garmin workout file per strength session.

Encoded with the official Garmin FIT SDK (``garmin_fit_sdk.Encoder``), as the FIT profile's
workout file describes it (developer.garmin.com/fit, "Workout File Type"):

* a ``file_id`` of type ``workout`` (unique per session: a watch keeps one workout per
  manufacturer, product and serial number);
* a ``workout`` named for the day and session, sport ``training``, sub-sport
  ``strength_training``, the session's reason as its description;
* per exercise, a block of ``workout_step``s: the set (by reps, or by time for holds and timed
  drills, one timed step per side when it is done one side at a time), then a rest step of the
  planned length (open, ended with the lap button, when the plan gives none), and a
  ``repeat_until_steps_cmplt`` step back to the set for the other sets, as Garmin Connect writes
  a strength workout. Each set step carries the FIT ``exercise_category`` and
  ``exercise_name`` (:mod:`~legday.plan.fit_exercises`), the load as ``exercise_weight`` with
  ``weight_display_unit`` in the athlete's units (none for bodyweight, bands, holds and
  drills) and ``notes`` with the target RIR and how to do it;
* one ``exercise_title`` per exercise, giving its own name (the watch shows it for the pair).

The output is deterministic: no clock is read (``time_created`` is the session's planned start).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from legday.model import Units

from .fit_exercises import FitExercise, pick_fit_exercises
from .result import FOCUS_LABEL, Block, Plan, PlannedDay, PlannedExercise, PlannedSession

__all__ = [
    "MAX_TEXT_BYTES",
    "WorkoutFile",
    "encode_workout",
    "fit_mesg",
    "fit_text",
    "fit_workouts",
    "notes_for",
    "planned_start",
    "to_fit_workout",
    "workout_name",
]

#: Longest string field written, in UTF-8 bytes: a FIT field's size is one byte, and the
#: string's terminating NUL counts (FIT protocol, "string" base type).
MAX_TEXT_BYTES: int = 254
#: Largest ``exercise_weight``, kg: a uint16 at scale 100 (FIT profile ``workout_step``).
MAX_WEIGHT_KG: float = 655.34
#: POSIX time of the FIT epoch, 1989-12-31T00:00:00Z (FIT SDK, "date_time" type).
FIT_EPOCH_POSIX_S: int = 631_065_600
#: The manufacturer code for files not made by a device maker (FIT profile ``manufacturer``).
MANUFACTURER: str = "development"
#: Characters a watch font may lack, as plain text.
_PLAIN = str.maketrans({"–": "-", "—": "-", "×": "x", "…": "...", "’": "'"})

_MESG: dict[str, int] = {}


@dataclass(frozen=True, slots=True)
class WorkoutFile:
    """One workout: the file name to give it and its FIT bytes."""

    name: str
    """``2026-12-08-tue-strength.fit``."""
    data: bytes
    day: PlannedDay
    session: PlannedSession


def fit_mesg(name: str) -> int:
    """The FIT profile's number of the message ``name`` (``workout_step``)."""
    if not _MESG:
        from garmin_fit_sdk import Profile

        _MESG.update(Profile["mesg_num"])
    return _MESG[name.upper()]


def fit_text(value: str) -> str:
    """Plain text cut to :data:`MAX_TEXT_BYTES` (at a character boundary)."""
    raw = value.translate(_PLAIN).encode("utf-8")[:MAX_TEXT_BYTES]
    return raw.decode("utf-8", "ignore")


def workout_name(day: PlannedDay, session: PlannedSession) -> str:
    """``Tue 8 Dec strength: lower`` — what the watch lists."""
    focus = FOCUS_LABEL.get(session.focus or "", "")
    d = day.date
    return f"{day.weekday.capitalize()} {d.day} {d:%b} strength: {focus}".rstrip(": ")


def notes_for(e: PlannedExercise) -> str:
    """What the watch shows with a set: the dose, the target RIR, and how to do it."""
    side = " per side" if e.unilateral else ""
    if e.dosing == "activation":
        amount = (
            f"{e.reps} steps each way"
            if e.count == "steps"
            else f"{e.hold_s} s{side}"
            if e.hold_s
            else f"{e.reps} reps{side}"
        )
        parts = [f"Drill: {amount}, no load, not a hard set."]
    elif e.hold_s:
        parts = [f"Hold {e.hold_s} s{side}, no load."]
    else:
        load = ""
        if e.load_text:
            load = f", assistance {e.load_text}" if e.dosing == "assisted" else f", {e.load_text}"
        elif e.dosing == "bodyweight":
            load = ", bodyweight"
        parts = [f"{e.reps} reps{side} at RIR {e.rir}{load}."]
        if e.slow:
            parts.append("Lower each rep over 3-4 s with a pause.")
    if e.guide:
        parts.append(e.guide[0].upper() + e.guide[1:] + ".")
    return fit_text(" ".join(parts))


def _set_steps(e: PlannedExercise, fx: FitExercise, units: Units) -> list[dict[str, Any]]:
    """The step(s) of one set: reps, or time (one per side for a one-sided hold or drill)."""
    common: dict[str, Any] = {
        "mesg_num": fit_mesg("workout_step"),
        "target_type": "open",
        "intensity": "active",
        "exercise_category": fx.category_num,
        "exercise_name": fx.name_num,
        "notes": notes_for(e),
    }
    if e.load_kg and not e.hold_s and 0 < e.load_kg <= MAX_WEIGHT_KG:
        common["exercise_weight"] = round(e.load_kg, 2)
        common["weight_display_unit"] = "pound" if units == "imperial" else "kilogram"
    if e.hold_s:
        timed = {**common, "duration_type": "time", "duration_value": e.hold_s * 1000}
        if not e.unilateral:
            return [{**timed, "wkt_step_name": fit_text(e.name)}]
        return [{**timed, "wkt_step_name": fit_text(f"{e.name} ({side})")} for side in SIDES]
    return [
        {
            **common,
            "wkt_step_name": fit_text(e.name),
            "duration_type": "reps",
            "duration_value": e.reps,
        }
    ]


#: The sides of a one-sided timed set, in the order they are done.
SIDES: tuple[str, str] = ("left", "right")


def _steps(session: PlannedSession, units: Units) -> tuple[list[dict[str, Any]], list[Any]]:
    """The workout steps and the exercise titles of a session."""
    steps: list[dict[str, Any]] = []
    fits = pick_fit_exercises(e.key for e in session.exercises)
    last = len(session.exercises) - 1
    for k, (e, fx) in enumerate(zip(session.exercises, fits, strict=True)):
        first = len(steps)
        steps += _set_steps(e, fx, units)
        if e.sets > 1 or k < last:
            rest: dict[str, Any] = {
                "mesg_num": fit_mesg("workout_step"),
                "wkt_step_name": "Rest",
                "intensity": "rest",
                "target_type": "open",
            }
            if e.rest_s:
                rest.update(duration_type="time", duration_value=e.rest_s * 1000)
            else:
                rest.update(duration_type="open")
            steps.append(rest)
        if e.sets > 1:
            steps.append(
                {
                    "mesg_num": fit_mesg("workout_step"),
                    "duration_type": "repeat_until_steps_cmplt",
                    "duration_value": first,
                    "target_type": "open",
                    "target_value": e.sets,
                }
            )
    for i, step in enumerate(steps):
        step["message_index"] = i
    titles: dict[FitExercise, str] = {}
    for e, fx in zip(session.exercises, fits, strict=True):
        titles.setdefault(fx, e.name)
    title_mesgs = [
        {
            "mesg_num": fit_mesg("exercise_title"),
            "message_index": i,
            "exercise_category": fx.category_num,
            "exercise_name": fx.name_num,
            "wkt_step_name": fit_text(name),
        }
        for i, (fx, name) in enumerate(titles.items())
    ]
    return steps, title_mesgs


def planned_start(day: PlannedDay, session: PlannedSession) -> datetime:
    """The session's planned start, its local hour read as UTC (what ``time_created`` holds)."""
    return datetime.combine(day.date, time(0), tzinfo=UTC) + timedelta(hours=session.hour)


def to_fit_workout(day: PlannedDay, session: PlannedSession, *, units: Units = "metric") -> bytes:
    """One strength session as the bytes of a FIT workout file (see the module docstring)."""
    if session.type != "strength" or not session.exercises:
        raise ValueError("only a strength session with exercises is a FIT workout")
    steps, titles = _steps(session, units)
    workout = {"sport": "training", "sub_sport": "strength_training"}
    return encode_workout(
        planned_start(day, session), workout_name(day, session), workout, session.why, steps, titles
    )


def encode_workout(
    start: datetime,
    name: str,
    sport: dict[str, str],
    description: str,
    steps: list[dict[str, Any]],
    extra: Sequence[dict[str, Any]] = (),
) -> bytes:
    """A workout file: its ``file_id`` (unique per ``start`` and ``name``; ``time_created`` the
    planned ``start``), the ``workout`` message (``sport``: its sport and sub-sport fields),
    then ``steps`` and ``extra`` messages (strength: the exercise titles)."""
    from garmin_fit_sdk import Encoder

    created = math.floor(start.timestamp()) - FIT_EPOCH_POSIX_S
    serial = zlib.crc32(f"{start.isoformat()} {name}".encode()) or 1
    enc = Encoder()
    enc.write_mesg(
        {
            "mesg_num": fit_mesg("file_id"),
            "type": "workout",
            "manufacturer": MANUFACTURER,
            "product": 0,
            "serial_number": serial,
            "time_created": created,
        }
    )
    enc.write_mesg(
        {
            "mesg_num": fit_mesg("workout"),
            "wkt_name": fit_text(name),
            **sport,
            "num_valid_steps": len(steps),
            "wkt_description": fit_text(description) if description else None,
        }
    )
    for mesg in (*steps, *extra):
        enc.write_mesg(mesg)
    data: bytes = enc.close()
    return data


def fit_workouts(plan: Plan | Block, *, units: Units = "metric") -> list[WorkoutFile]:
    """Every strength session of the plan (or of each week of a block) as a FIT workout, named
    ``<date>-<weekday>-strength.fit`` (``-2``… for a second session on a day)."""
    plans = plan.plans if isinstance(plan, Block) else (plan,)
    out: list[WorkoutFile] = []
    seen: dict[str, int] = {}
    for week in plans:
        for day, session in week.strength_sessions:
            if not session.exercises:
                continue
            stem = f"{day.date.isoformat()}-{day.weekday}-strength"
            seen[stem] = seen.get(stem, 0) + 1
            suffix = f"-{seen[stem]}" if seen[stem] > 1 else ""
            data = to_fit_workout(day, session, units=units)
            out.append(WorkoutFile(f"{stem}{suffix}.fit", data, day, session))
    return out
