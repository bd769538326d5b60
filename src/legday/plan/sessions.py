"""One strength session: which exercises, how many sets and reps, how hard, how long (pure).

A session has a *focus* — ``lower`` (legs), ``upper_core`` or ``full`` — which fixes an ordered
list of slots (:data:`FOCUS_SLOTS`). The first slots are required (DOMAIN.md R9: every leg
session holds a compound lift and a single-leg exercise; a full session adds upper body and
core); the others are added while the day's minutes allow. Then compound lifts, then the rest,
get a third set while time allows (R7: 2–3 sets).

Exercises for a slot are ranked (:func:`rank`): the athlete's own lifts first, then those with a
known progression target, equipment that suits the athlete's experience (ACSM 2009: novices
on machines and light free weights, advanced lifters on free weights), a few runner staples
(the R9 examples), minus last week's exercises for variety. The *n*-th session of the week that
fills a slot takes the *n*-th ranked exercise, so two leg sessions differ.

Timing (:func:`exercise_seconds`): each rep takes :data:`TEMPO_S_PER_REP` seconds (both sides
for a unilateral exercise), sets are separated by ``Settings.rest_between_sets_s`` for compound
lifts and :data:`ISOLATION_REST_S` for isolation and core work, and each exercise ends with a
:data:`CHANGEOVER_S` changeover; a session starts with a :data:`WARMUP_S` warm-up.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from legday.settings import Settings
from legday.strength.catalog import Catalog, Exercise
from legday.strength.progression import (
    DELOAD_LOAD_RATIO,
    ExerciseHistory,
    load_step_kg,
    next_target,
)

from .result import Focus, PlannedExercise, PlannedSession

__all__ = [
    "CHANGEOVER_S",
    "FOCUS_SLOTS",
    "HOLD_EXERCISES",
    "ISOLATION_REST_S",
    "MAX_SESSION_MIN",
    "TEMPO_S_PER_REP",
    "WARMUP_S",
    "Dose",
    "Menu",
    "build_session",
    "coverage_of",
    "exercise_seconds",
]

#: Seconds per repetition (the brief: ~3–4 s; a controlled 2-s lowering and 1–2-s lift).
TEMPO_S_PER_REP: float = 3.5
#: Rest between sets of isolation and core work, s (ACSM 2009, Ratamess et al.: 1–2 min for
#: assistance exercises; the shorter end).
ISOLATION_REST_S: int = 60
#: Moving to the next exercise (set up, change load), s (the brief: ~60 s).
CHANGEOVER_S: int = 60
#: A short warm-up before the first set, s (legday's own default; after a run the athlete is
#: already warm).
WARMUP_S: int = 180
#: Longest strength session planned, minutes (R8: 15–20 minutes is enough; legday caps a
#: session at 45 so it does not compete with the runs).
MAX_SESSION_MIN: int = 45
#: Seconds of one set of an isometric hold (a common plank prescription, 20–45 s).
HOLD_S: int = 30
#: Load multiplier of a lighter week: the progression's own deload threshold
#: (``DELOAD_LOAD_RATIO``, a 10–20 % cut), so the history later recognises it as a deload.
LIGHT_LOAD_FACTOR: float = DELOAD_LOAD_RATIO

#: Isometric holds in the catalog: prescribed in seconds, not reps (the catalog has no hold
#: flag yet).
HOLD_EXERCISES: frozenset[str] = frozenset(
    {
        "wall_sit",
        "forearm_plank",
        "high_plank",
        "side_plank",
        "hollow_hold",
        "copenhagen_plank",
        "short_lever_copenhagen_plank",
    }
)

#: Runner staples: DOMAIN.md R9's examples and the usual single-leg and posterior-chain work
#: for runners; a small bonus in the ranking.
RUNNER_STAPLES: frozenset[str] = frozenset(
    {
        "deadlift",
        "romanian_deadlift",
        "dumbbell_romanian_deadlift",
        "goblet_squat",
        "glute_bridge",
        "bulgarian_split_squat",
        "split_squat",
        "reverse_lunge",
        "step_up",
        "single_leg_romanian_deadlift",
        "banded_clamshell",
        "clamshell",
        "standing_calf_raise",
        "single_leg_calf_raise",
        "forearm_plank",
        "side_plank",
        "bird_dog",
        "dead_bug",
        "push_up",
        "dumbbell_bench_press",
        "band_chest_press",
        "dumbbell_row",
        "band_row",
        "biceps_curl",
        "triceps_kickback",
    }
)

#: Equipment that suits each experience level (ACSM 2009: novices and intermediates train with
#: machines and free weights, advanced lifters emphasise free weights).
EXPERIENCE_EQUIPMENT: Mapping[str, frozenset[str]] = {
    "novice": frozenset({"bodyweight", "bands", "dumbbells", "machine"}),
    "intermediate": frozenset({"bodyweight", "dumbbells", "kettlebell", "barbell", "cables"}),
    "advanced": frozenset({"dumbbells", "kettlebell", "barbell"}),
}

#: Exercises too demanding to plan for a novice (legday's own list: long lever or
#: full-bodyweight single-leg and hanging work), besides the catalog's "harder" variations.
ADVANCED_EXERCISES: frozenset[str] = frozenset(
    {
        "dragon_flag",
        "pistol_squat",
        "nordic_curl",
        "hanging_leg_raise",
        "ab_wheel_rollout",
        "v_up",
        "pull_up",
        "dips",
        "copenhagen_plank",
        "glute_ham_raise",
        "good_morning",
        "jm_press",
    }
)

#: Ranking weights: own lift, known target, suits experience, runner staple, done last week,
#: too hard for a novice.
W_OWN, W_TARGET, W_EXPERIENCE, W_STAPLE, W_LAST_WEEK, W_NOVICE_HARD = 4.0, 1.0, 1.0, 0.5, -2.5, -3.0

#: Patterns no slot plans (jumps and carries are not sets × reps at an RIR).
_SKIP_PATTERNS: frozenset[str] = frozenset({"plyometric", "carry"})


def _lower_compound(e: Exercise) -> bool:
    return (
        e.region == "lower"
        and e.mechanic == "compound"
        and not e.unilateral
        and e.pattern in ("squat", "hinge", "bridge")
        and e.key not in HOLD_EXERCISES
    )


def _single_leg(e: Exercise) -> bool:
    return e.region == "lower" and e.mechanic == "compound" and e.unilateral


def _lower_isolation(e: Exercise) -> bool:
    return e.region == "lower" and e.mechanic == "isolation"


def _core(e: Exercise) -> bool:
    return e.region == "core"


def _upper_push(e: Exercise) -> bool:
    return e.region == "upper" and e.mechanic == "compound" and e.pattern == "push"


def _upper_pull(e: Exercise) -> bool:
    return e.region == "upper" and e.mechanic == "compound" and e.pattern == "pull"


def _upper_isolation(e: Exercise) -> bool:
    return e.region == "upper" and e.mechanic == "isolation"


#: Slot name → which catalog exercises may fill it.
SLOTS: Mapping[str, Callable[[Exercise], bool]] = {
    "lower_compound": _lower_compound,
    "single_leg": _single_leg,
    "lower_isolation": _lower_isolation,
    "core": _core,
    "upper_push": _upper_push,
    "upper_pull": _upper_pull,
    "upper_isolation": _upper_isolation,
}

#: Focus → (required slots, optional slots in the order they are added).
FOCUS_SLOTS: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "lower": (
        ("lower_compound", "single_leg"),
        ("lower_isolation", "core", "lower_compound", "lower_isolation", "single_leg"),
    ),
    "upper_core": (
        ("upper_push", "core"),
        ("upper_pull", "upper_isolation", "core", "upper_isolation"),
    ),
    "full": (
        ("lower_compound", "single_leg", "upper_pull", "core"),
        ("lower_isolation", "upper_push", "upper_isolation", "core"),
    ),
}


class Dose(StrEnum):
    """How hard a week is: normal, a deload (every region lighter) or a race week (legs
    lighter)."""

    NORMAL = "normal"
    DELOAD = "deload"
    RACE = "race"


def _load_guide(e: Exercise, max_reps: int) -> str:
    """How to choose a starting load: one that allows ``max_reps`` reps at most, i.e. the
    planned reps plus the reps in reserve (ACSM 2009: novices start at 8–12 RM)."""
    what = "a band" if e.equipment == "bands" else "a load"
    return f"choose {what} you can lift about {max_reps} times (ACSM 2009)"


def coverage_of(exercises: Sequence[PlannedExercise]) -> frozenset[str]:
    """R9 items the exercises cover: compound, isolation, single-leg (a unilateral lower-body
    compound), core and upper body."""
    have: set[str] = set()
    for e in exercises:
        have.add(e.mechanic)
        if e.region == "lower" and e.unilateral and e.mechanic == "compound":
            have.add("single_leg")
        if e.region in ("core", "upper"):
            have.add(e.region)
    return frozenset(have)


def exercise_seconds(
    sets: int, reps: int, unilateral: bool, compound: bool, settings: Settings, hold_s: int = 0
) -> float:
    """Working time + rests + changeover of one exercise, s (see the module docstring)."""
    per_set = (hold_s if hold_s else reps * TEMPO_S_PER_REP) * (2 if unilateral else 1)
    rest = settings.rest_between_sets_s if compound else ISOLATION_REST_S
    return sets * per_set + (sets - 1) * rest + CHANGEOVER_S


@dataclass(frozen=True)
class Menu:
    """Everything the session builder needs that stays fixed for a plan: the catalog filtered
    to the athlete's equipment, ranked per slot."""

    settings: Settings
    ranked: Mapping[str, tuple[Exercise, ...]]
    targets: Mapping[str, tuple[float | None, int]] = field(default_factory=dict)
    """Progression targets: key → (load_kg or None, reps)."""
    names: Mapping[str, str] = field(default_factory=dict)
    """Catalog key → display name (for the harder variation in a guide)."""

    @classmethod
    def build(
        cls,
        catalog: Catalog,
        settings: Settings,
        *,
        equipment: Collection[str],
        experience: str = "novice",
        own_lifts: Collection[str] = (),
        last_week: Collection[str] = (),
        targets: Mapping[str, tuple[float | None, int]] | None = None,
    ) -> Menu:
        """Rank the catalog for each slot. Bodyweight is always available (everyone has a
        body)."""
        targets = dict(targets or {})
        have = {*equipment, "bodyweight"}
        pool = [e for e in catalog if e.equipment in have and e.pattern not in _SKIP_PATTERNS]
        too_hard = {e.harder for e in catalog if e.harder} | ADVANCED_EXERCISES
        suits = EXPERIENCE_EQUIPMENT.get(experience, frozenset())

        def score(e: Exercise) -> float:
            s = 0.0
            if e.key in own_lifts:
                s += W_OWN
            elif e.key in last_week:
                s += W_LAST_WEEK
            if e.key in targets:
                s += W_TARGET
            if e.equipment in suits:
                s += W_EXPERIENCE
            if e.key in RUNNER_STAPLES:
                s += W_STAPLE
            if experience == "novice" and e.key in too_hard and e.key not in own_lifts:
                s += W_NOVICE_HARD
            return s

        ranked = {
            slot: tuple(sorted((e for e in pool if fits(e)), key=lambda e: (-score(e), e.key)))
            for slot, fits in SLOTS.items()
        }
        names = {e.key: e.name for e in catalog}
        return cls(settings=settings, ranked=ranked, targets=targets, names=names)

    def prescribe(self, e: Exercise, sets: int, dose: Dose) -> PlannedExercise:
        """Sets × reps at an RIR and a load (progression target, else a starting guide)."""
        st = self.settings
        rir_lo, rir_hi = st.target_rir
        hold = HOLD_S if e.key in HOLD_EXERCISES else None
        guide: str | None = None
        load: float | None = None
        if e.key in self.targets:
            load, reps = self.targets[e.key]
            rir = rir_lo if e.mechanic == "isolation" else rir_hi
            if load is None and e.equipment != "bodyweight" and hold is None:
                guide = _load_guide(e, reps + rir)
        else:
            start = next_target(ExerciseHistory(e.key), e, st)
            reps, rir = start.reps or st.rep_range[0], start.rir
            if hold is not None:
                guide = None
            elif e.equipment == "bodyweight":
                # No load to choose: start at the top of the range and make it harder (tempo,
                # then the catalog's harder variation) when it leaves more in reserve.
                reps = st.rep_range[1]
                harder = f", then {self.names.get(e.harder, e.harder)}" if e.harder else ""
                guide = f"too easy at {rir} in reserve? slow the lowering{harder}"
            else:
                guide = _load_guide(e, reps + rir)
        lighter = dose is Dose.DELOAD or (dose is Dose.RACE and e.region == "lower")
        if lighter:
            sets = max(1, sets - 1)
            rir = rir_hi + 1
            if load:
                step = load_step_kg(e, st)
                light = load * LIGHT_LOAD_FACTOR
                load = round(round(light / step) * step if step > 0 else light, 2)
        secs = exercise_seconds(
            sets, reps if hold is None else 1, e.unilateral, e.mechanic == "compound", st, hold or 0
        )
        return PlannedExercise(
            key=e.key,
            name=e.name,
            sets=sets,
            reps=1 if hold else reps,
            rir=rir,
            load_kg=load if load else None,
            equipment=e.equipment,
            mechanic=e.mechanic,
            unilateral=e.unilateral,
            region=e.region,
            primary=e.primary,
            secondary=e.secondary,
            hold_s=hold,
            guide=guide,
            duration_s=secs,
        )

    def pick(self, slot: str, ordinal: int, taken: Sequence[Exercise]) -> Exercise | None:
        """The ``ordinal``-th ranked exercise for ``slot`` not already in the session, movement
        patterns the session lacks first (a hinge after a squat)."""
        keys = {e.key for e in taken}
        patterns = {e.pattern for e in taken}
        options = sorted(
            (e for e in self.ranked[slot] if e.key not in keys), key=lambda e: e.pattern in patterns
        )
        if not options:
            return None
        return options[ordinal % len(options)]


def build_session(
    menu: Menu,
    focus: Focus,
    budget_min: int,
    *,
    ordinal: int = 0,
    dose: Dose = Dose.NORMAL,
    after_run: bool = False,
    hour: float = 18.0,
    why: str = "",
) -> PlannedSession | None:
    """A session of ``focus`` that fits ``budget_min`` minutes, or None when even its required
    exercises (or ``Settings.min_strength_session_min``) do not fit.

    ``ordinal`` is how many sessions of the same kind came earlier in the week (variety).
    """
    st = menu.settings
    budget_s = min(budget_min, MAX_SESSION_MIN) * 60.0
    if budget_min < st.min_strength_session_min:
        return None
    required, optional = FOCUS_SLOTS[focus]
    sets_lo, sets_hi = st.sets_per_exercise
    spread = st.strength_sessions_per_week[1]
    chosen: list[tuple[Exercise, int]] = []
    used = WARMUP_S + 0.0

    def cost(e: Exercise, sets: int) -> float:
        return menu.prescribe(e, sets, Dose.NORMAL).duration_s

    seen: dict[str, int] = {}

    def pick(slot: str) -> Exercise | None:
        # The j-th use of a slot in the ordinal-th session takes rank ordinal + j·(sessions a
        # week), so up to three sessions a week share no exercise when the catalog allows.
        j = seen.get(slot, 0)
        seen[slot] = j + 1
        return menu.pick(slot, ordinal + j * spread, [e for e, _ in chosen])

    for slot in required:
        ex = pick(slot)
        if ex is None:
            return None
        chosen.append((ex, sets_lo))
        used += cost(ex, sets_lo)
    if used > budget_s:
        return None

    def more_sets(compound: bool) -> None:
        nonlocal used
        for i, (ex, sets) in enumerate(chosen):
            if (ex.mechanic == "compound") != compound or sets >= sets_hi:
                continue
            extra = cost(ex, sets_hi) - cost(ex, sets)
            if used + extra <= budget_s:
                chosen[i] = (ex, sets_hi)
                used += extra

    # Fewer exercises done properly first: the required compounds get their third set before
    # optional exercises are added; then the rest get theirs.
    more_sets(compound=True)
    for slot in optional:
        ex = pick(slot)
        if ex is not None and used + cost(ex, sets_lo) <= budget_s:
            chosen.append((ex, sets_lo))
            used += cost(ex, sets_lo)
    more_sets(compound=True)
    more_sets(compound=False)
    exercises = tuple(menu.prescribe(ex, sets, dose) for ex, sets in chosen)
    total_s = WARMUP_S + sum(e.duration_s for e in exercises)
    minutes = max(math.ceil(total_s / 60.0), st.min_strength_session_min)
    return PlannedSession(
        type="strength",
        focus=focus,
        minutes=min(minutes, budget_min),
        after_run=after_run,
        hour=hour,
        why=why,
        exercises=exercises,
        coverage=coverage_of(exercises),
    )
