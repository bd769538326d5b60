"""Write strength sessions as a Strong app CSV export (the current comma-separated format).

Layout as in real exports (e.g. ``strong-charts/strong.csv`` in the shared real data): header
``Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,
Workout Notes,RPE``; local start time ``YYYY-MM-DD HH:MM:SS``; names in double quotes; durations
such as ``45m`` or ``1h 5m``; weights with one decimal; empty notes written as ``""`` on the first
row of an exercise and left blank after.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta, timezone
from typing import Literal

from legday.model import SetType, StrengthSession

__all__ = ["STRONG_HEADER", "strong_duration", "write_strong_csv"]

#: The header of a current Strong CSV export (with the notes columns).
STRONG_HEADER = (
    "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,"
    "Notes,Workout Notes,RPE"
)


def strong_duration(seconds: float) -> str:
    """Strong's duration text: ``45m``, ``1h``, ``1h 5m``."""
    minutes = round(seconds / 60.0)
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours}h {rest}m"
    return f"{hours}h" if hours else f"{rest}m"


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _number(value: float) -> str:
    return f"{value:g}"


def write_strong_csv(
    sessions: Iterable[StrengthSession], *, warmup_order: Literal["W", "number"] = "W"
) -> str:
    """The sessions as Strong CSV text (``\\n`` line ends, trailing newline).

    ``warmup_order="W"`` writes warm-up sets with set order ``W`` and numbers only working sets;
    ``"number"`` numbers every set, as in the older exports in the shared real data (which
    contain no ``W``).
    """
    lines = [STRONG_HEADER]
    for session in sorted(sessions, key=lambda s: s.start):
        local = session.start.astimezone(timezone(timedelta(seconds=session.utc_offset_s or 0)))
        date = local.strftime("%Y-%m-%d %H:%M:%S")
        name = _quote(session.name or "Workout")
        duration = strong_duration(session.duration_s or 0.0)
        counters: dict[str, int] = {}
        first_row = True
        for s in session.sets:
            exercise = s.raw_name or s.exercise
            first_of_exercise = exercise not in counters
            counters.setdefault(exercise, 0)
            if s.set_type == SetType.WARMUP and warmup_order == "W":
                order = "W"
            else:
                counters[exercise] += 1
                order = str(counters[exercise])
            weight = f"{s.load_kg or 0.0:.1f}"
            reps = str(s.reps if s.reps is not None else 0)
            seconds = _number(s.duration_s) if s.duration_s else "0"
            notes = '""' if first_of_exercise else ""
            workout_notes = '""' if first_row else ""
            rpe = _number(s.rpe) if s.rpe is not None else ""
            row = [date, name, duration, _quote(exercise), order, weight, reps, "0", seconds]
            lines.append(",".join([*row, notes, workout_notes, rpe]))
            first_row = False
    return "\n".join(lines) + "\n"
