"""Session, lap, event, set and device messages → legday.model objects.

These messages are few (tens per file), so they are read row by row from the decoded
:class:`~legday.io.fit.columns.Table` columns.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from legday.io.fit.columns import FloatArray, Table
from legday.io.fit.profile import enum_name
from legday.io.fit.protocol import FIT_EPOCH_S
from legday.model import Event, ExerciseSet, Lap, SessionTotals, SetType

__all__ = [
    "NO_TOTALS",
    "SessionRow",
    "device_name",
    "enum_text",
    "events",
    "exercise_sets",
    "file_type",
    "laps",
    "sessions",
    "utc_offset_s",
]

#: Local-time offsets are whole quarter hours (every IANA zone today is a multiple of 15 min).
_OFFSET_QUANTUM_S = 900
#: Largest plausible |local − UTC| offset, s: zones span UTC−12 to UTC+14 (IANA tz database);
#: devices without a clock fix write nonsense local times, which give no offset.
_MAX_OFFSET_S = 14 * 3600
#: ``set.set_type`` value of a working set (FIT profile type set_type: 0 rest, 1 active).
_ACTIVE_SET = "active"


def _opt(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def enum_text(table: Table, field: str, raw: float) -> str | None:
    """The enum name of a raw value of ``field`` (its number as text when unnamed)."""
    if math.isnan(raw):
        return None
    num = table.field_num(field)
    spec = table.profile.fields.get(num) if table.profile is not None and num is not None else None
    return (enum_name(spec.type, int(raw)) if spec else None) or str(int(raw))


def enum_texts(table: Table, field: str, raw: FloatArray) -> list[str | None]:
    """:func:`enum_text` of every value of a column (the field's type looked up once)."""
    num = table.field_num(field)
    spec = table.profile.fields.get(num) if table.profile is not None and num is not None else None
    kind = spec.type if spec is not None else None
    out: list[str | None] = []
    for value in raw.tolist():
        if value != value:  # NaN
            out.append(None)
        else:
            number = int(value)
            out.append((enum_name(kind, number) if kind else None) or str(number))
    return out


def _posix(raw: FloatArray) -> FloatArray:
    return raw + FIT_EPOCH_S


#: A SessionTotals with nothing in it (a file without session messages).
NO_TOTALS = SessionTotals()


@dataclass(frozen=True, slots=True)
class SessionRow:
    """One session message: when it ran and what the device summed up."""

    start: float
    """POSIX seconds."""
    sport: str
    sub_sport: str | None
    totals: SessionTotals
    end: float = math.nan
    """POSIX seconds of the session's ``timestamp`` (else start + elapsed time); NaN unknown."""


def sessions(table: Table | None) -> list[SessionRow]:
    """Sessions sorted by start time (start_time, else timestamp minus elapsed time)."""
    if table is None or not len(table):
        return []
    start = _posix(table.raw_of("start_time"))
    end = _posix(table.raw_of("timestamp"))
    elapsed = table.value("total_elapsed_time")
    start = np.where(np.isnan(start), end - elapsed, start)
    end = np.where(np.isnan(end), start + elapsed, end)
    sport = table.raw_of("sport")
    sub = table.raw_of("sub_sport")
    columns = {
        "total_elapsed_s": elapsed,
        "total_timer_s": table.value("total_timer_time"),
        "total_distance_m": table.value("total_distance"),
        "total_ascent_m": table.value("total_ascent"),
        "total_descent_m": table.value("total_descent"),
        "avg_heart_rate_bpm": table.value("avg_heart_rate"),
        "max_heart_rate_bpm": table.value("max_heart_rate"),
        "total_calories_kcal": table.value("total_calories"),
    }
    sport_names = enum_texts(table, "sport", sport)
    sub_names = enum_texts(table, "sub_sport", sub)
    starts, ends = start.tolist(), end.tolist()
    values = {k: v.tolist() for k, v in columns.items()}
    rows = [
        SessionRow(
            start=starts[i],
            sport=sport_names[i] or "generic",
            sub_sport=sub_names[i],
            totals=SessionTotals(**{k: _opt(v[i]) for k, v in values.items()}),
            end=ends[i],
        )
        for i in range(len(table))
    ]
    return sorted(rows, key=lambda r: (math.isnan(r.start), r.start))


def laps(table: Table | None) -> list[Lap]:
    """Every lap, in file order. A lap ends at its ``timestamp``, or at start + elapsed time
    when the timestamp is not after the start."""
    if table is None or not len(table):
        return []
    start = _posix(table.raw_of("start_time"))
    end = _posix(table.raw_of("timestamp"))
    elapsed = table.value("total_elapsed_time")
    start = np.where(np.isnan(start), end - elapsed, start)
    # Some watches (e.g. Forerunner 965) stamp every lap with the session's start time; the
    # lap then ends after its elapsed time.
    stale = ~(end > start) & (elapsed > 0)
    end = np.where(stale, start + elapsed, end)
    intensity = table.raw_of("intensity")
    trigger = table.raw_of("lap_trigger")
    step = table.raw_of("wkt_step_index")
    sport = table.raw_of("sport")
    distance = table.value("total_distance")
    timer = table.value("total_timer_time")
    intensities = enum_texts(table, "intensity", intensity)
    triggers = enum_texts(table, "lap_trigger", trigger)
    sports = enum_texts(table, "sport", sport)
    # Python floats: one conversion per column, not one numpy scalar per value.
    columns = zip(
        start.tolist(),
        end.tolist(),
        step.tolist(),
        distance.tolist(),
        timer.tolist(),
        elapsed.tolist(),
        strict=True,
    )
    return [
        Lap(
            start=lap_start,
            end=lap_end,
            intensity=intensities[i],
            trigger=triggers[i],
            wkt_step_index=None if math.isnan(lap_step) else int(lap_step),
            total_distance_m=_opt(lap_distance),
            total_timer_s=_opt(lap_timer),
            total_elapsed_s=_opt(lap_elapsed),
            sport=sports[i],
        )
        for i, (lap_start, lap_end, lap_step, lap_distance, lap_timer, lap_elapsed) in enumerate(
            columns
        )
    ]


def events(table: Table | None) -> list[Event]:
    """Every event with a time, name and type (timer start/stop, lap, session…)."""
    if table is None or not len(table):
        return []
    stamp = _posix(table.raw_of("timestamp"))
    event = table.raw_of("event")
    kind = table.raw_of("event_type")
    data = table.raw_of("data")
    out = []
    names = enum_texts(table, "event", event)
    types = enum_texts(table, "event_type", kind)
    for when, name, event_type, value in zip(
        stamp.tolist(), names, types, data.tolist(), strict=True
    ):
        if math.isnan(when) or name is None or event_type is None:
            continue
        out.append(Event(when, name, event_type, _opt(value)))
    return out


def _first_valid(column: FloatArray) -> FloatArray:
    """Per row, the first non-NaN element of an array field (the value itself when 1-D)."""
    if column.ndim == 1:
        return column
    valid = ~np.isnan(column)
    first = np.argmax(valid, axis=1)
    out: FloatArray = column[np.arange(column.shape[0]), first]
    out[~valid.any(axis=1)] = np.nan
    return out


def exercise_sets(
    table: Table | None, steps: Mapping[int, tuple[str, str]] | None = None
) -> list[ExerciseSet]:
    """Working sets of FIT ``set`` messages; rest sets (``set_type`` rest) are skipped.

    The exercise is ``"<category>:<name>"`` from the message's first category and subtype
    (``unknown`` / the number when the profile has no name); ``mapped`` is False. A set recorded
    from a workout step (``wkt_step_index`` into ``steps``: index → (``category:name``, the
    exercise's own name), :func:`~legday.io.fit.workout.step_exercises`) is the step's exercise,
    by its own name, when the watch wrote the step's exercise, none ("unknown") or only the
    step's category; the watch's label is then kept in ``notes``.
    """
    if table is None or not len(table):
        return []
    category = _first_valid(table.raw_of("category"))
    subtype = _first_valid(table.raw_of("category_subtype"))
    kind = table.raw_of("set_type")
    reps = table.raw_of("repetitions")
    weight = table.value("weight")
    duration = table.value("duration")
    start = _posix(table.raw_of("start_time"))
    stamp = _posix(table.raw_of("timestamp"))
    start = np.where(np.isnan(start), stamp, start)
    step_of = table.raw_of("wkt_step_index").tolist()
    out: list[ExerciseSet] = []
    for i in range(len(table)):
        if enum_text(table, "set_type", kind[i]) != _ACTIVE_SET:
            continue
        cat = enum_text(table, "category", category[i]) or "unknown"
        sub = None if math.isnan(subtype[i]) else int(subtype[i])
        sub_name = (enum_name(f"{cat}_exercise_name", sub) if sub is not None else None) or (
            "unknown" if sub is None else str(sub)
        )
        label = f"{cat}:{sub_name}"
        name, notes = label, None
        step = steps.get(int(step_of[i])) if steps and not math.isnan(step_of[i]) else None
        # The step's exercise, unless the watch wrote another (a category alone must agree).
        if step is not None and (
            label == step[0] or cat == "unknown" or (sub is None and step[0].startswith(f"{cat}:"))
        ):
            name = step[1]
            notes = None if name == label else f"recorded as {label}"
        out.append(
            ExerciseSet(
                exercise=name,
                raw_name=name,
                notes=notes,
                reps=None if math.isnan(reps[i]) else int(reps[i]),
                load_kg=_opt(weight[i]),
                duration_s=_opt(duration[i]),
                set_type=SetType.WORKING,
                order=len(out),
                timestamp=_opt(start[i]),
                mapped=False,
            )
        )
    return out


def file_type(table: Table | None) -> str | None:
    """The ``file_id.type`` name of the first file (``activity``, ``monitoring_b``…)."""
    if table is None or not len(table):
        return None
    return enum_text(table, "type", table.raw_of("type")[0])


def device_name(table: Table | None) -> str | None:
    """``"<manufacturer> <product>"`` from the first ``file_id``, e.g. ``garmin fenix5``.

    The product is the ``product_name`` string when present, else the product number read
    through the profile's sub-field for that manufacturer (``garmin_product``…), else the number.
    """
    if table is None or not len(table):
        return None
    maker_raw = table.raw_of("manufacturer")[0]
    maker = enum_text(table, "manufacturer", maker_raw)
    product = table.text("product_name")[0]
    product_raw = table.raw_of("product")[0]
    if product is None and not math.isnan(product_raw):
        product = str(int(product_raw))
        num = table.field_num("product")
        spec = table.profile.fields.get(num) if table.profile and num is not None else None
        for sub in spec.subfields if spec else ():
            if any(ref_value == maker_raw for _, ref_value in sub.refs):
                product = enum_name(sub.type, int(product_raw)) or product
                break
    parts = [p for p in (maker, product) if p]
    return " ".join(parts) or None


def utc_offset_s(table: Table | None) -> int | None:
    """Local minus UTC time from the ``activity`` message, rounded to 15 minutes."""
    if table is None or not len(table):
        return None
    diff = table.raw_of("local_timestamp") - table.raw_of("timestamp")
    finite = diff[np.isfinite(diff)]
    if not finite.size:
        return None
    offset = round(float(finite[-1]) / _OFFSET_QUANTUM_S) * _OFFSET_QUANTUM_S
    return offset if abs(offset) <= _MAX_OFFSET_S else None
