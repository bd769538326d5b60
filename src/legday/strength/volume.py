"""Hard sets, weekly sets per muscle and volume load.

A *hard set* is one taken close to failure (Baz-Valle et al. 2022, *J Hum Kinet* 81:199):
legday counts a set as hard when its repetitions in reserve are at most
``Settings.hard_set_max_rir`` (3), or its RPE is at least ``Settings.hard_set_min_rpe`` (7;
Zourdos et al. 2016: RPE 7 ≈ 3 RIR), or it was a failure or drop set, or — effort unknown —
the load is at least ``Settings.hard_set_min_pct_e1rm`` of the lifter's e1RM *and* the reps
done leave no more than the same 3 reps in reserve by the Epley estimate. Warm-ups never count.

A set of more repetitions than :func:`rep_ceiling` is endurance work, not a strength set: the
weekly counts leave it out.

Weekly sets per muscle count a hard set 1 for each primary muscle and ½ for each secondary
muscle (REFERENCES.md: "count indirect sets as half").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta, timezone
from typing import Protocol

from legday.model import ExerciseSet, SetType, StrengthSession
from legday.settings import Settings
from legday.strength.catalog import ALL_MUSCLES, Catalog
from legday.strength.e1rm import reps_at_load

__all__ = [
    "SECONDARY_SET_WEIGHT",
    "hard_sets_per_muscle",
    "is_hard_set",
    "rep_ceiling",
    "set_volume_load",
    "volume_load",
    "weekly_hard_sets",
]

#: A hard set counts this much for each secondary muscle (REFERENCES.md: indirect sets = ½).
SECONDARY_SET_WEIGHT: float = 0.5

#: Set types that are taken to failure by definition.
_TO_FAILURE: frozenset[SetType] = frozenset({SetType.FAILURE, SetType.DROP})


class _HasPattern(Protocol):
    @property
    def pattern(self) -> str: ...


def rep_ceiling(exercise: _HasPattern, settings: Settings) -> int:
    """The most repetitions a set of ``exercise`` may have and still be a strength set:
    ``Settings.strength_max_reps``, or ``strength_max_reps_calf`` for calf work (R1, R7). A
    set above it is endurance work, never a hard set, however close to failure."""
    if exercise.pattern == "calf":
        return settings.strength_max_reps_calf
    return settings.strength_max_reps


def is_hard_set(s: ExerciseSet, settings: Settings, e1rm_kg: float | None = None) -> bool:
    """True when the set was taken close to failure (see the module docstring).

    ``e1rm_kg`` is the lifter's current e1RM for the exercise (same per-hand convention as the
    set); it is used only when the set carries neither RIR nor RPE.
    """
    if s.set_type is SetType.WARMUP:
        return False
    if s.rir is not None:
        return s.rir <= settings.hard_set_max_rir
    if s.rpe is not None:
        return s.rpe >= settings.hard_set_min_rpe
    if s.set_type in _TO_FAILURE:
        return True
    if e1rm_kg is None or e1rm_kg <= 0 or s.load_kg is None or s.load_kg <= 0 or not s.reps:
        return False
    if s.load_kg < settings.hard_set_min_pct_e1rm * e1rm_kg:
        return False
    reserve = reps_at_load(e1rm_kg, s.load_kg) - s.reps
    return reserve <= settings.hard_set_max_rir


def hard_sets_per_muscle(
    sets: Iterable[ExerciseSet],
    catalog: Catalog,
    settings: Settings,
    e1rm_kg: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """Hard sets per muscle over ``sets``: 1 per primary muscle, ½ per secondary.

    Returns every muscle key (:data:`~legday.strength.catalog.ALL_MUSCLES`: the sixteen
    DOMAIN.md keys, then the extras), 0.0 where untrained. Unmapped sets are not counted.
    ``e1rm_kg`` maps exercise keys to the lifter's e1RM (see :func:`is_hard_set`).
    """
    totals = dict.fromkeys(ALL_MUSCLES, 0.0)
    known = e1rm_kg or {}
    for s in sets:
        if not s.mapped or s.exercise not in catalog:
            continue
        ex = catalog.get(s.exercise)
        if not is_hard_set(s, settings, known.get(s.exercise)):
            continue
        if s.reps is not None and s.reps > rep_ceiling(ex, settings):
            continue
        for muscle in ex.primary:
            totals[muscle] += 1.0
        for muscle in ex.secondary:
            totals[muscle] += SECONDARY_SET_WEIGHT
    return totals


def weekly_hard_sets(
    sessions: Iterable[StrengthSession],
    catalog: Catalog,
    settings: Settings,
    e1rm_kg: Mapping[str, float] | None = None,
) -> dict[date, dict[str, float]]:
    """Hard sets per muscle for each ISO week (keyed by its Monday, in the session's local
    time), weeks in order. See :func:`hard_sets_per_muscle`."""
    by_week: dict[date, list[ExerciseSet]] = {}
    for session in sessions:
        offset = timedelta(seconds=session.utc_offset_s or 0)
        local_day = session.start.astimezone(timezone(offset)).date()
        monday = local_day - timedelta(days=local_day.weekday())
        by_week.setdefault(monday, []).extend(session.sets)
    return {
        week: hard_sets_per_muscle(by_week[week], catalog, settings, e1rm_kg)
        for week in sorted(by_week)
    }


def set_volume_load(s: ExerciseSet) -> float:
    """Load × reps of one set, kg (both hands for per-hand loads); 0 without load or reps."""
    if s.load_kg is None or s.reps is None or s.load_kg <= 0:
        return 0.0
    return s.load_kg * s.reps * (2 if s.per_hand else 1)


def volume_load(sets: Iterable[ExerciseSet]) -> float:
    """Volume load (Σ load × reps, kg) of the sets that are not warm-ups."""
    return sum(set_volume_load(s) for s in sets if s.set_type is not SetType.WARMUP)
