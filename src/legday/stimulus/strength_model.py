"""Per-muscle load of a lifting session, from the exercise catalog and each set's effort.

* A **hard set** is one taken close to failure (Baz-Valle et al. 2022, *J Hum Kinet* 81:199),
  as :func:`legday.strength.volume.is_hard_set` decides: by default ≤ 3 reps in reserve, or
  RPE ≥ 7 (RIR-based RPE, Zourdos et al. 2016, *J Strength Cond Res* 30:267), or a failure or
  drop set, or — when neither is logged — a load of at least 70 % of the lifter's e1RM. The
  thresholds are :class:`~legday.settings.Settings` fields.
* A set of more repetitions than ``Settings.strength_max_reps`` (``strength_max_reps_calf``
  for calf work) is **endurance work**, not a strength set, however close to failure (R1, R7;
  Campos et al. 2002, *Eur J Appl Physiol* 88:50): it is never hard and adds nothing to the
  session's ``strength``, though it still loads its muscles.
* Each working set adds its **effort** (0–1) to the muscles the catalog names: 1 to each
  primary muscle and ½ to each secondary one ("count indirect sets as half"; REFERENCES,
  Volume). Warm-up sets add nothing.
* Effort falls with reps in reserve: 1 at ≤ 1 RIR (RPE 9–10), linearly to 0 at 9 RIR. With
  only load and e1RM known, RIR is estimated from Epley's formula inverted: the reps possible
  at that load, 30·(e1RM/load − 1), minus the reps done. With nothing known, effort is ½
  (heuristic: neither "hard" nor "nothing").

So loads are in hard-set equivalents, the unit the run model also uses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from legday.model import ExerciseSet, SetType, StrengthSession
from legday.settings import Settings
from legday.stimulus.fibres import type2_share_of_sets
from legday.stimulus.muscles import LOWER_BODY, complete_muscles, zero_muscles
from legday.strength.e1rm import reps_at_load
from legday.strength.volume import is_hard_set, rep_ceiling

__all__ = [
    "CatalogLike",
    "ExerciseLike",
    "SetJudgement",
    "StrengthStimulus",
    "estimated_rir",
    "is_lower_body",
    "rep_ceiling",
    "set_effort",
    "strength_stimulus",
]

#: Reps in reserve at or below which a set counts as full effort (Zourdos 2016: RPE 9–10).
FULL_EFFORT_RIR: float = 1.0
#: Reps in reserve at which a set's effort has fallen to 0 (heuristic: RPE ≤ 1, a warm-up).
ZERO_EFFORT_RIR: float = 9.0
#: Effort given to a working set whose RIR, RPE and %e1RM are all unknown (heuristic).
UNKNOWN_EFFORT: float = 0.5
#: Weight of a secondary muscle relative to a primary one (REFERENCES: count indirect sets as
#: half; Baz-Valle et al. 2022).
SECONDARY_WEIGHT: float = 0.5
#: Muscles that make an exercise lower-body work: the DOMAIN.md lower-body groups and the shin
#: (``tibialis_anterior``, an extra group: a tibialis raise is lower-leg work).
LOWER_LIMB: frozenset[str] = LOWER_BODY | {"tibialis_anterior"}
#: Movement patterns that are not a compound *lift* even when they work several joints: jumps
#: are power work, judged like sprints rather than as loaded strength sets (R5, R7).
NOT_A_LIFT: frozenset[str] = frozenset({"plyometric"})
#: Set types taken to failure by definition (as :func:`legday.strength.is_hard_set` counts them).
TO_FAILURE: frozenset[SetType] = frozenset({SetType.FAILURE, SetType.DROP})


class ExerciseLike(Protocol):
    """What the verdict needs of a catalog exercise (``legday.strength.Exercise`` has it)."""

    @property
    def key(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def pattern(self) -> str: ...

    @property
    def mechanic(self) -> str: ...

    @property
    def harder(self) -> str | None: ...

    @property
    def primary(self) -> Sequence[str]: ...

    @property
    def secondary(self) -> Sequence[str]: ...


class CatalogLike(Protocol):
    """A catalog: exercise key → exercise, ``None`` when unknown (``legday.strength.Catalog``)."""

    def find(self, key: str, /) -> ExerciseLike | None: ...


@dataclass(frozen=True, slots=True)
class SetJudgement:
    """One set as the verdict sees it."""

    set: ExerciseSet
    exercise: ExerciseLike | None
    """The catalog entry, or None when the exercise is not in the catalog."""
    working: bool
    """False for warm-ups."""
    hard: bool
    """Close enough to failure (Settings thresholds) and within the strength rep range."""
    high_reps: bool
    """More repetitions than the exercise's :func:`rep_ceiling`: endurance work (R1, R7)."""
    near_failure: bool
    """Close enough to failure by the Settings thresholds, whatever the reps."""
    effort_known: bool
    """True when RIR, RPE or load with e1RM said how hard the set was."""
    effort: float
    """0–1 (module docstring); 0 for warm-ups."""
    lower: bool
    """Most of the exercise's primary muscles are lower-body groups (:func:`is_lower_body`)."""


@dataclass(frozen=True, slots=True)
class StrengthStimulus:
    """The stimulus of a lifting session and the counts the verdict needs."""

    muscles: dict[str, float]
    """Load per muscle, hard-set equivalents (all sixteen keys)."""
    strength_muscles: dict[str, float]
    """The part of ``muscles`` from sets in the strength rep range (the strength layer)."""
    strength: float
    """Σ effort over working sets of catalogued exercises within the strength rep range,
    hard-set equivalents."""
    type2_share: float
    """Mean effort of the working sets (size principle; :mod:`legday.stimulus.fibres`)."""
    sets: tuple[SetJudgement, ...]

    @property
    def working_sets(self) -> int:
        return sum(1 for j in self.sets if j.working)

    @property
    def hard_sets(self) -> int:
        return sum(1 for j in self.sets if j.hard)

    @property
    def hard_lower_sets(self) -> int:
        """Hard sets of exercises whose primary muscles are lower-body groups (R7)."""
        return sum(1 for j in self.sets if j.hard and j.lower)

    @property
    def lower_exercises(self) -> tuple[str, ...]:
        """Distinct lower-body exercises with at least one hard set, in order of appearance."""
        return tuple(dict.fromkeys(j.set.exercise for j in self.sets if j.hard and j.lower))

    @property
    def high_rep_lower_sets(self) -> tuple[SetJudgement, ...]:
        """Working lower-body sets above the rep ceiling that were otherwise close to failure:
        endurance work that a harder variation or added load would make count (R1, R7)."""
        return tuple(
            j for j in self.sets if j.working and j.lower and j.high_reps and j.near_failure
        )

    @property
    def hard_lower_compound_sets(self) -> int:
        """Hard lower-body sets of compound exercises (R7, R9)."""
        return sum(1 for j in self.sets if j.hard and j.lower and _compound(j.exercise))

    @property
    def lower_working_sets(self) -> int:
        return sum(1 for j in self.sets if j.working and j.lower)

    @property
    def unknown_effort_sets(self) -> int:
        """Working sets with no RIR, RPE or usable load: their hardness is unknown."""
        return sum(1 for j in self.sets if j.working and not j.effort_known)

    @property
    def unmapped(self) -> tuple[str, ...]:
        """Exercise names the catalog does not know, in order of appearance."""
        return tuple(dict.fromkeys(j.set.exercise for j in self.sets if j.exercise is None))

    @property
    def min_lower_rir(self) -> float | None:
        """The fewest reps in reserve of any working lower-body set (None when unknown)."""
        values = [r for j in self.sets if j.working and j.lower if (r := _rir(j.set)) is not None]
        return min(values) if values else None


def is_lower_body(exercise: ExerciseLike) -> bool:
    """True when more than half of the exercise's primary muscles are lower-body groups
    (DOMAIN.md regions, and the shin): squats, hinges, lunges, calf and tibialis raises are; a
    hanging knee raise (abdominals and hip flexors) or an overhead press is not."""
    primary = list(exercise.primary)
    return bool(primary) and 2 * sum(m in LOWER_LIMB for m in primary) > len(primary)


def _compound(exercise: ExerciseLike | None) -> bool:
    """A compound lift (R9): several joints, and not a jump (:data:`NOT_A_LIFT`)."""
    return (
        exercise is not None
        and exercise.mechanic == "compound"
        and exercise.pattern not in NOT_A_LIFT
    )


def _rir(s: ExerciseSet) -> float | None:
    if s.effective_rir is None and s.set_type in TO_FAILURE:
        return 0.0
    return s.effective_rir


def estimated_rir(s: ExerciseSet, e1rm_kg: float | None) -> float | None:
    """Reps in reserve: as logged (RIR, or RPE via Zourdos et al. 2016; a failure or drop set
    is 0), else estimated from load and e1RM with Epley's formula inverted
    (:func:`legday.strength.e1rm.reps_at_load`), else None."""
    rir = _rir(s)
    if rir is not None:
        return rir
    if e1rm_kg and e1rm_kg > 0 and s.load_kg and s.load_kg > 0 and s.reps:
        return max(0.0, reps_at_load(e1rm_kg, s.load_kg) - s.reps)
    return None


def set_effort(s: ExerciseSet, e1rm_kg: float | None = None) -> float:
    """A set's effort in [0, 1]: 0 for warm-ups; 1 at ≤ 1 RIR falling linearly to 0 at 9 RIR;
    ½ when nothing tells how hard it was (module docstring; Zourdos et al. 2016)."""
    if s.set_type is SetType.WARMUP:
        return 0.0
    rir = estimated_rir(s, e1rm_kg)
    if rir is None:
        return UNKNOWN_EFFORT
    span = ZERO_EFFORT_RIR - FULL_EFFORT_RIR
    return min(1.0, max(0.0, 1.0 - (rir - FULL_EFFORT_RIR) / span))


def _judge_set(
    s: ExerciseSet, catalog: CatalogLike, settings: Settings, e1rm_kg: float | None
) -> SetJudgement:
    exercise = catalog.find(s.exercise)
    working = s.set_type is not SetType.WARMUP
    known = estimated_rir(s, e1rm_kg) is not None or bool(e1rm_kg and s.load_kg)
    near_failure = is_hard_set(s, settings, e1rm_kg)
    high_reps = (
        exercise is not None and s.reps is not None and s.reps > rep_ceiling(exercise, settings)
    )
    return SetJudgement(
        set=s,
        exercise=exercise,
        working=working,
        hard=near_failure and not high_reps,
        high_reps=high_reps,
        near_failure=near_failure,
        effort_known=known,
        effort=set_effort(s, e1rm_kg),
        lower=exercise is not None and is_lower_body(exercise),
    )


def strength_stimulus(
    session: StrengthSession | Sequence[ExerciseSet],
    catalog: CatalogLike,
    settings: Settings,
    e1rm_by_exercise: Mapping[str, float] | None = None,
) -> StrengthStimulus:
    """The stimulus of a lifting session (module docstring for the model and its sources).

    ``e1rm_by_exercise`` maps catalog keys to the lifter's estimated 1RM in kg; it lets sets
    logged without RIR or RPE be judged by load.
    """
    sets = session.sets if isinstance(session, StrengthSession) else tuple(session)
    e1rms = e1rm_by_exercise or {}
    judged = tuple(_judge_set(s, catalog, settings, e1rms.get(s.exercise)) for s in sets)
    muscles = zero_muscles()
    in_range = zero_muscles()
    for j in judged:
        if j.exercise is None or not j.working:
            continue
        for layer in (muscles,) if j.high_reps else (muscles, in_range):
            for key in j.exercise.primary:
                layer[key] = layer.get(key, 0.0) + j.effort
            for key in j.exercise.secondary:
                layer[key] = layer.get(key, 0.0) + SECONDARY_WEIGHT * j.effort
    counted = [j.effort for j in judged if j.working and j.exercise is not None]
    strength = [
        j.effort for j in judged if j.working and j.exercise is not None and not j.high_reps
    ]
    return StrengthStimulus(
        muscles=complete_muscles(muscles),
        strength_muscles=complete_muscles(in_range),
        strength=float(sum(strength)),
        type2_share=type2_share_of_sets(counted),
        sets=judged,
    )
