"""Estimated one-repetition maximum (e1RM) from a set's load and repetitions.

When the repetitions in reserve are known, the set is read as if taken to failure with
``reps + RIR`` repetitions (a set of 8 with 2 in reserve ≈ a 10-rep max).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum

from legday.model import ExerciseSet, SetType

__all__ = [
    "E1RMFormula",
    "E1rmTracker",
    "best_e1rm",
    "brzycki",
    "e1rm",
    "epley",
    "reps_at_load",
    "set_e1rm",
]

#: Brzycki's equation has a pole at 37 repetitions; beyond ~12 reps it is unreliable anyway.
BRZYCKI_MAX_REPS: float = 36.0


class E1RMFormula(StrEnum):
    """Which e1RM equation to use."""

    EPLEY = "epley"
    BRZYCKI = "brzycki"


def epley(load_kg: float, reps: float) -> float:
    """Epley's e1RM: ``w · (1 + r/30)``; a single (r ≤ 1) is its own 1RM.

    Epley B. (1985) *Poundage chart*. Boyd Epley Workout. Lincoln, NE: Body Enterprises.
    """
    _check(load_kg, reps)
    if reps <= 1:
        return load_kg
    return load_kg * (1.0 + reps / 30.0)


def brzycki(load_kg: float, reps: float) -> float:
    """Brzycki's e1RM: ``36 · w / (37 − r)``; a single is its own 1RM.

    Brzycki M. (1993) Strength testing — predicting a one-rep max from reps-to-fatigue.
    *Journal of Physical Education, Recreation & Dance* 64(1):88–90.
    Repetitions are capped at :data:`BRZYCKI_MAX_REPS` (the equation's pole is at 37).
    """
    _check(load_kg, reps)
    if reps <= 1:
        return load_kg
    return 36.0 * load_kg / (37.0 - min(reps, BRZYCKI_MAX_REPS))


def e1rm(
    load_kg: float,
    reps: float,
    rir: float | None = None,
    formula: E1RMFormula = E1RMFormula.EPLEY,
) -> float:
    """e1RM of ``reps`` at ``load_kg`` with ``rir`` reps left in reserve (reps + RIR)."""
    total = reps + (rir if rir is not None and rir > 0 else 0.0)
    if formula is E1RMFormula.BRZYCKI:
        return brzycki(load_kg, total)
    return epley(load_kg, total)


def set_e1rm(s: ExerciseSet, formula: E1RMFormula = E1RMFormula.EPLEY) -> float | None:
    """e1RM of one set, or None when it has no external load or no repetitions.

    Uses RIR, or RIR derived from RPE (:attr:`ExerciseSet.effective_rir`). For per-hand
    dumbbell sets the e1RM is per hand too.
    """
    if s.load_kg is None or s.load_kg <= 0 or s.reps is None or s.reps < 1:
        return None
    return e1rm(s.load_kg, s.reps, s.effective_rir, formula)


def reps_at_load(e1rm_kg: float, load_kg: float) -> float:
    """Repetitions to failure at ``load_kg`` for a lifter with ``e1rm_kg`` (Epley inverted)."""
    if load_kg <= 0 or e1rm_kg <= 0:
        raise ValueError("loads must be positive")
    if load_kg >= e1rm_kg:
        return 1.0 if load_kg == e1rm_kg else 0.0
    return 30.0 * (e1rm_kg / load_kg - 1.0)


def _check(load_kg: float, reps: float) -> None:
    if load_kg < 0 or reps < 0:
        raise ValueError(f"load and reps must be non-negative, got {load_kg} kg × {reps}")


#: Sets of more repetitions than this say little about the 1RM: the formulas are fitted on
#: low-rep sets and drift above ~10–12 reps (LeSuer et al. 1997, *J Strength Cond Res*
#: 11:211; unverified).
E1RM_MAX_REPS = 12


def best_e1rm(s: ExerciseSet) -> float | None:
    """The set's e1RM where it counts toward the lifter's best (:class:`E1rmTracker`): not a
    warm-up, at most :data:`E1RM_MAX_REPS` repetitions, with a load; else None."""
    if s.set_type is SetType.WARMUP or s.reps is None or s.reps > E1RM_MAX_REPS:
        return None
    return set_e1rm(s)


class E1rmTracker:
    """The lifter's best e1RM per exercise so far, kg, updated session by session.

    Logs from Strong and Hevy rarely carry RIR or RPE; the verdict then judges a set hard by its
    load against this running best (``Settings.hard_set_min_pct_e1rm`` and the reps it leaves in
    reserve), so sessions are fed in date order and each is judged against what came before it
    and itself.
    """

    def __init__(self, initial: Mapping[str, float] | None = None) -> None:
        self.best: dict[str, float] = dict(initial or {})

    def update(self, sets: Iterable[ExerciseSet]) -> dict[str, float]:
        """Add ``sets`` (warm-ups and high-rep sets are ignored); returns the bests so far."""
        for s in sets:
            value = best_e1rm(s)
            if value is not None and value > self.best.get(s.exercise, 0.0):
                self.best[s.exercise] = value
        return dict(self.best)
