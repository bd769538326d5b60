"""The strength report behind ``legday strength --json``: pure data in, a JSON-ready dict out.

Shape::

    {"exercises": [
        {"key": "back_squat", "name": "Back Squat", "sessions": 12, "e1rm_kg": 101.3,
         "last": {"date": "2025-09-15", "sets": 3, "reps": [10, 9, 8], "load_kg": 77.5,
                  "rir": 1.0},
         "next": {"sets": 3, "reps": 10, "load_kg": 77.5, "rir": 1}},
        ...]}

``e1rm_kg`` is None when unknown, for bodyweight exercises (an added vest or dumbbell is only
part of the load lifted) and for assisted ones (their load is assistance).
``last`` is None for an exercise never done; ``last.rir`` is the smallest effective RIR of the
working sets (None when unknown); ``last.load_kg`` is the top working load (per hand for
dumbbells). Exercises are sorted by name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from legday.model import StrengthSession
from legday.settings import Settings
from legday.strength.catalog import Catalog, Exercise
from legday.strength.names import resolve_exercise
from legday.strength.progression import Exposure, exercise_history, next_target

__all__ = ["strength_report"]

#: Decimals kept for kilograms in the report (0.1 kg is below any plate increment).
KG_DECIMALS: int = 1


def strength_report(
    sessions: Sequence[StrengthSession],
    catalog: Catalog,
    settings: Settings,
    exercise: str | None = None,
) -> dict[str, Any]:
    """Per-exercise history summary and next target for every catalog exercise in
    ``sessions``, or only for ``exercise`` (a key or any name the catalog knows).

    Raises :class:`~legday.errors.NotFoundError` for an unknown ``exercise``.
    """
    if exercise is not None:
        key = exercise if exercise in catalog else resolve_exercise(exercise, catalog).key
        keys = [key]
    else:
        keys = sorted(
            {s.exercise for session in sessions for s in session.sets if s.mapped}
            & set(catalog.keys),
            key=lambda k: catalog.get(k).name,
        )
    rows: list[dict[str, Any]] = []
    for key in keys:
        ex = catalog.get(key)
        history = exercise_history(sessions, key, assisted=ex.assisted)
        target = next_target(history, ex, settings)
        last = history.normal[-1] if history.normal else history.last
        rows.append(
            {
                "key": key,
                "name": ex.name,
                "sessions": len(history.exposures),
                "e1rm_kg": _kg(history.current_e1rm_kg) if _external_load(ex) else None,
                "last": _last(last) if last is not None else None,
                "next": {
                    "sets": target.sets,
                    "reps": target.reps,
                    "load_kg": _kg(target.load_kg),
                    "rir": target.rir,
                },
            }
        )
    return {"exercises": rows}


def _external_load(exercise: Exercise) -> bool:
    """True when the recorded load is the whole load lifted (not bodyweight, not assistance)."""
    return not exercise.assisted and exercise.equipment != "bodyweight"


def _last(exposure: Exposure) -> dict[str, Any]:
    working = exposure.working
    rirs = [s.effective_rir for s in working if s.effective_rir is not None]
    return {
        "date": exposure.local_date,
        "sets": len(working),
        "reps": [s.reps for s in working],
        "load_kg": _kg(exposure.top_load_kg),
        "rir": min(rirs) if rirs else None,
    }


def _kg(value: float | None) -> float | None:
    return None if value is None else round(value, KG_DECIMALS)
