"""``read_workout``: the bytes of a FIT workout file → :class:`FitWorkout`, its steps in order.

A workout file (``file_id.type`` ``workout``) holds a ``workout`` message, its
``workout_step``s and, for strength workouts, ``exercise_title``s naming the exercises. The
steps' ``duration_value`` and ``target_value`` are kept raw; their meaning follows the step's
``duration_type`` (FIT profile ``workout_step`` sub-fields), which the properties read.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from legday.errors import CorruptFileError, TruncatedFileError, UnsupportedFileError
from legday.io.fit.columns import MessageIndex, Table
from legday.io.fit.framing import scan
from legday.io.fit.profile import enum_name, mesg_num
from legday.io.fit.summaries import enum_text, file_type

__all__ = ["FitWorkout", "FitWorkoutStep", "read_workout", "step_exercises"]

#: The ``file_id.type`` of a workout file (FIT profile type ``file``).
_WORKOUT_FILE = "workout"
#: ``duration_value`` of a ``time`` step is in ms (FIT profile sub-field ``duration_time``).
_MS_PER_S = 1000.0


@dataclass(frozen=True, slots=True)
class FitWorkoutStep:
    """One ``workout_step`` as written."""

    index: int
    name: str | None
    duration_type: str | None
    duration_value: int | None
    """Raw: ms for ``time``, reps for ``reps``, the step to go back to for a repeat."""
    target_type: str | None
    target_value: int | None
    """Raw: the number of times through for a ``repeat_until_steps_cmplt`` step."""
    intensity: str | None
    notes: str | None
    exercise: str | None
    """``category:name`` (``category:<number>`` when the profile has no name for it)."""
    weight_kg: float | None
    weight_display_unit: str | None

    @property
    def is_repeat(self) -> bool:
        return self.duration_type == "repeat_until_steps_cmplt"

    @property
    def reps(self) -> int | None:
        return self.duration_value if self.duration_type == "reps" else None

    @property
    def duration_s(self) -> float | None:
        if self.duration_type != "time" or self.duration_value is None:
            return None
        return self.duration_value / _MS_PER_S


@dataclass(frozen=True, slots=True)
class FitWorkout:
    """A decoded workout file."""

    name: str | None
    sport: str | None
    sub_sport: str | None
    description: str | None
    num_valid_steps: int | None
    steps: tuple[FitWorkoutStep, ...]
    titles: Mapping[str, str]
    """``category:name`` → the exercise's own name (``exercise_title`` messages)."""


@cache
def _wanted() -> dict[int, frozenset[int] | None]:
    return {mesg_num(m): None for m in ("file_id", "workout", "workout_step", "exercise_title")}


def _int(value: float) -> int | None:
    return None if math.isnan(value) else int(value)


def _exercises(table: Table) -> list[str | None]:
    category = table.raw_of("exercise_category").tolist()
    name = table.raw_of("exercise_name").tolist()
    out: list[str | None] = []
    for i, raw in enumerate(category):
        cat = enum_text(table, "exercise_category", raw)
        if cat is None:
            out.append(None)
            continue
        sub = _int(name[i])
        text = enum_name(f"{cat}_exercise_name", sub) if sub is not None else None
        out.append(f"{cat}:{text or ('unknown' if sub is None else sub)}")
    return out


def read_workout(data: bytes, *, name: str | None = None) -> FitWorkout:
    """Decode a FIT workout file. Raises :class:`TruncatedFileError` or
    :class:`CorruptFileError` (with the byte offset) for a damaged file, and
    :class:`UnsupportedFileError` for one that is not a workout."""
    data = bytes(data)
    if not data:
        raise TruncatedFileError("empty file", path=name, offset=0)
    framing = scan(data)
    for fault in framing.faults:
        cls = TruncatedFileError if fault.kind == "truncated" else CorruptFileError
        raise cls(fault.message, path=name, offset=fault.offset)
    tables = MessageIndex(data, framing).tables(_wanted())
    kind = file_type(tables.get(mesg_num("file_id")))
    if kind != _WORKOUT_FILE:
        raise UnsupportedFileError(f"not a workout file: {kind}", path=name, offset=0)
    workout = tables.get(mesg_num("workout"))
    steps = tables.get(mesg_num("workout_step"))
    titles = tables.get(mesg_num("exercise_title"))
    head = workout is not None and len(workout) > 0
    return FitWorkout(
        name=workout.text("wkt_name")[0] if workout is not None and head else None,
        sport=_first_enum(workout, "sport"),
        sub_sport=_first_enum(workout, "sub_sport"),
        description=workout.text("wkt_description")[0] if workout is not None and head else None,
        num_valid_steps=(
            _int(workout.raw_of("num_valid_steps")[0]) if workout is not None and head else None
        ),
        steps=_steps(steps) if steps is not None else (),
        titles=_titles(titles) if titles is not None else {},
    )


def _first_enum(table: Table | None, field: str) -> str | None:
    if table is None or not len(table):
        return None
    return enum_text(table, field, table.raw_of(field)[0])


def _steps(table: Table) -> tuple[FitWorkoutStep, ...]:
    index = table.raw_of("message_index").tolist()
    names = table.text("wkt_step_name")
    notes = table.text("notes")
    duration_type = table.raw_of("duration_type").tolist()
    duration = table.raw_of("duration_value").tolist()
    target_type = table.raw_of("target_type").tolist()
    target = table.raw_of("target_value").tolist()
    intensity = table.raw_of("intensity").tolist()
    weight = table.value("exercise_weight").tolist()
    unit = table.raw_of("weight_display_unit").tolist()
    exercises = _exercises(table)
    out = []
    for i in range(len(table)):
        out.append(
            FitWorkoutStep(
                index=i if math.isnan(index[i]) else int(index[i]),
                name=names[i],
                duration_type=enum_text(table, "duration_type", duration_type[i]),
                duration_value=_int(duration[i]),
                target_type=enum_text(table, "target_type", target_type[i]),
                target_value=_int(target[i]),
                intensity=enum_text(table, "intensity", intensity[i]),
                notes=notes[i],
                exercise=exercises[i],
                weight_kg=None if math.isnan(weight[i]) else round(weight[i], 2),
                weight_display_unit=enum_text(table, "weight_display_unit", unit[i]),
            )
        )
    return tuple(sorted(out, key=lambda s: s.index))


def _titles(table: Table) -> dict[str, str]:
    names = table.text("wkt_step_name")
    return {
        pair: title
        for pair, title in zip(_exercises(table), names, strict=True)
        if pair is not None and title is not None
    }


def step_exercises(steps: Table | None, titles: Table | None) -> dict[int, tuple[str, str]]:
    """Workout step index → (its ``category:name``, the exercise's own name) for the steps of
    a workout that name an exercise; the own name is the ``exercise_title`` of the pair, else
    the pair. An activity recorded from a workout carries its steps, so a set that points at
    one (``wkt_step_index``) is the exercise the workout named."""
    if steps is None or not len(steps):
        return {}
    named = _titles(titles) if titles is not None else {}
    index = steps.raw_of("message_index").tolist()
    out: dict[int, tuple[str, str]] = {}
    for i, pair in enumerate(_exercises(steps)):
        if pair is None or pair.startswith("unknown:"):
            continue
        out[i if math.isnan(index[i]) else int(index[i])] = (pair, named.get(pair, pair))
    return out
