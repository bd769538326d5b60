"""One strength session: which exercises, how many sets and reps, how hard, how long (pure).

A session has a *focus* — ``lower`` (legs), ``upper_core`` or ``full`` — which fixes an ordered
list of slots (:data:`FOCUS_SLOTS`), one per movement pattern, as a coach shapes a session: a
leg session is a squat, a single-leg exercise, a hinge, a calf raise and hip work, never two of
one pattern, at most :data:`MAX_EXERCISES` exercises. The first slots are required (R9: a
compound lift and a single-leg exercise); the others are added while the day's minutes allow.
Spare minutes then go to the main lifts' third set, never to more exercises.

The **main lifts** — the squat, hinge, single-leg and calf slots — are the same in every leg
session of a week and, through :mod:`legday.plan.block`, of a block (``Menu.main``), so they
can progress; hip, core and upper-body work rotate for variety. Exercises for a slot are ranked
(:meth:`Menu.build`): the athlete's own lifts first, then those with a known target, equipment
that suits the athlete's experience (ACSM 2009: novices on machines and light free weights,
advanced lifters on free weights), a few runner staples (the R9 examples), minus last week's
exercises for variety. Bodyweight variations below the strength range (a glute bridge, a
bodyweight squat: ``endurance_only``) never fill a slot (R1, R7).

How each exercise is dosed — loads, ladders, bands, holds, drills — is
:class:`~legday.plan.dosing.Dosing`'s.

Timing (:func:`exercise_seconds`): each rep takes :data:`TEMPO_S_PER_REP` seconds (both sides
for a unilateral exercise), sets are separated by ``Settings.main_lift_rest_s`` for the squat,
hinge and single-leg main lifts, ``Settings.rest_between_sets_s`` for other compound lifts and
:data:`ISOLATION_REST_S` for isolation and core work, and each exercise ends with a
:data:`CHANGEOVER_S` changeover; a session starts with a :data:`WARMUP_S` warm-up.

**Micro-sessions.** A day with fewer than ``Settings.min_strength_session_min`` minutes but at
least ``Settings.micro_session_min`` (10) gets a micro-session when that is all the time there
is: the focus's required exercises only, two sets each, the usual compound rest and a
:data:`MICRO_WARMUP_S` warm-up (the first set's lighter reps finish it).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace

from legday.settings import Settings
from legday.strength.catalog import Catalog, Exercise
from legday.strength.loads import LoadSteps
from legday.strength.progression import Target

from .dosing import HOLD_S, LIGHT_LOAD_FACTOR, Dose, Dosing, Kit
from .result import Focus, PlannedExercise, PlannedSession

__all__ = [
    "CHANGEOVER_S",
    "FOCUS_SLOTS",
    "HOLD_S",
    "ISOLATION_REST_S",
    "LIGHT_LOAD_FACTOR",
    "MAIN_SLOTS",
    "MAX_EXERCISES",
    "MAX_SESSION_MIN",
    "MICRO_WARMUP_S",
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
#: A micro-session's warm-up, s: a minute of easy movement, then a lighter first set.
MICRO_WARMUP_S: int = 60
#: Longest strength session planned, minutes (R8: 15–20 minutes is enough; legday caps a
#: session at 45 so it does not compete with the runs).
MAX_SESSION_MIN: int = 45
#: Most exercises in one session: one per pattern of a leg session (squat, hinge, single-leg,
#: calf, hip), as REFERENCES.md's coach's checklist reads a session.
MAX_EXERCISES: int = 5

#: Runner staples: DOMAIN.md R9's examples and the usual single-leg and posterior-chain work
#: for runners; a small bonus in the ranking.
RUNNER_STAPLES: frozenset[str] = frozenset(
    {
        "deadlift",
        "romanian_deadlift",
        "dumbbell_romanian_deadlift",
        "goblet_squat",
        "single_leg_glute_bridge",
        "single_leg_hip_thrust",
        "hip_thrust",
        "bulgarian_split_squat",
        "split_squat",
        "step_up",
        "single_leg_romanian_deadlift",
        "banded_clamshell",
        "clamshell",
        "single_leg_calf_raise",
        "dumbbell_standing_calf_raise",
        "forearm_plank",
        "side_plank",
        "bird_dog",
        "dead_bug",
        "push_up",
        "dumbbell_bench_press",
        "band_chest_press",
        "dumbbell_row",
        "band_row",
        "inverted_row",
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
        "chin_up",
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


def _lower(e: Exercise) -> bool:
    return e.region == "lower" and e.dosing != "hold"


def _upper_compound(e: Exercise, pattern: str) -> bool:
    return e.region == "upper" and e.mechanic == "compound" and e.pattern == pattern


#: Slot (one movement pattern) → which catalog exercises may fill it.
SLOTS: Mapping[str, Callable[[Exercise], bool]] = {
    "squat": lambda e: _lower(e) and e.pattern == "squat" and not e.unilateral,
    "hinge": lambda e: (
        _lower(e)
        and (e.pattern in ("hinge", "bridge") or (e.pattern == "knee_flexion"))
        and e.dosing != "activation"
    ),
    "single_leg": lambda e: (
        _lower(e) and e.mechanic == "compound" and e.unilateral and e.pattern in ("squat", "lunge")
    ),
    "calf": lambda e: _lower(e) and e.pattern == "calf",
    "hip": lambda e: e.region == "lower" and e.pattern.startswith("hip_"),
    "core": lambda e: e.region == "core",
    "upper_push": lambda e: (
        e.region == "upper" and e.mechanic == "compound" and e.pattern == "push"
    ),
    "upper_pull": lambda e: (
        e.region == "upper" and e.mechanic == "compound" and e.pattern == "pull"
    ),
    "upper_isolation": lambda e: e.region == "upper" and e.mechanic == "isolation",
}

#: The slots whose exercise stays the same through a week and a block: the main lifts.
MAIN_SLOTS: tuple[str, ...] = ("squat", "hinge", "single_leg", "calf")

#: Focus → (required slots, optional slots in the order they are added). A leg session is one
#: exercise per pattern; a full session swaps the hinge and hip work for upper body and core.
FOCUS_SLOTS: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "lower": (("squat", "single_leg"), ("hinge", "calf", "hip")),
    "upper_core": (("upper_push", "core"), ("upper_pull", "upper_isolation", "core")),
    "full": (("squat", "single_leg", "upper_pull", "core"), ("calf", "upper_push")),
    "light_legs": (("single_leg", "upper_pull", "core"), ("calf", "hip", "upper_push")),
}


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
    sets: int,
    reps: int,
    unilateral: bool,
    compound: bool,
    settings: Settings,
    hold_s: int = 0,
    rest_s: int | None = None,
) -> float:
    """Working time + rests + changeover of one exercise, s (see the module docstring);
    ``rest_s`` overrides the rest between sets."""
    per_set = (hold_s if hold_s else reps * TEMPO_S_PER_REP) * (2 if unilateral else 1)
    rest = rest_s if rest_s is not None else rest_for(compound, settings)
    return sets * per_set + (sets - 1) * rest + CHANGEOVER_S


def rest_for(compound: bool, settings: Settings, main: bool = False) -> int:
    """Seconds between sets: longer for the main lifts, shorter for isolation and core."""
    if main and compound:
        return settings.main_lift_rest_s
    return settings.rest_between_sets_s if compound else ISOLATION_REST_S


def _as_target(value: Target | tuple[float | None, int], settings: Settings) -> Target:
    """A progression target from a :class:`Target` or the short ``(load_kg, reps)`` form."""
    if isinstance(value, Target):
        return value
    load, reps = value
    return Target(
        sets=settings.sets_per_exercise[0],
        reps=reps,
        load_kg=load,
        rir=settings.target_rir[1],
        reason="",
    )


@dataclass(frozen=True)
class Menu:
    """Everything the session builder needs that stays fixed for a plan: the catalog filtered
    to the athlete's equipment, ranked per slot, the main lifts and the dosing."""

    settings: Settings
    ranked: Mapping[str, tuple[Exercise, ...]]
    targets: Mapping[str, Target] = field(default_factory=dict)
    """Progression targets by catalog key."""
    names: Mapping[str, str] = field(default_factory=dict)
    """Catalog key → display name."""
    main: Mapping[str, str] = field(default_factory=dict)
    """Main slot → the catalog key every leg session uses (:data:`MAIN_SLOTS`)."""
    dosing: Dosing | None = None

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
        targets: Mapping[str, Target | tuple[float | None, int]] | None = None,
        steps: LoadSteps | None = None,
        main: Mapping[str, str] | None = None,
    ) -> Menu:
        """Rank the catalog for each slot. Bodyweight is always available (everyone has a
        body); a load-optional lift (Bulgarian split squat) is there without its equipment,
        at bodyweight."""
        wanted = {k: _as_target(v, settings) for k, v in (targets or {}).items()}
        have = {*equipment, "bodyweight"}
        pool = [
            e
            for e in catalog
            if (e.equipment in have or e.load_optional)
            and e.pattern not in _SKIP_PATTERNS
            and not e.endurance_only
        ]
        too_hard = {e.harder for e in catalog if e.harder} | ADVANCED_EXERCISES
        suits = EXPERIENCE_EQUIPMENT.get(experience, frozenset())

        def score(e: Exercise) -> float:
            s = 0.0
            if e.key in own_lifts:
                s += W_OWN
            elif e.key in last_week:
                s += W_LAST_WEEK
            if e.key in wanted:
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
        chosen = dict(main or {})
        for slot in MAIN_SLOTS:
            keys = {e.key for e in ranked[slot]}
            if chosen.get(slot) not in keys and ranked[slot]:
                # The first main lift not already another slot's (a split squat is no squat
                # and single-leg exercise at once).
                taken = set(chosen.values())
                free = [e for e in ranked[slot] if e.key not in taken]
                if free:
                    chosen[slot] = free[0].key
        names = {e.key: e.name for e in catalog}
        easier = {e.harder: e.key for e in catalog if e.harder and not e.endurance_only}
        kit = Kit(steps or LoadSteps.of(None, settings), frozenset(have))
        return cls(
            settings=settings,
            ranked=ranked,
            targets=wanted,
            names=names,
            main={k: v for k, v in chosen.items() if k in MAIN_SLOTS},
            dosing=Dosing(settings, kit, names, easier),
        )

    def prescribe(
        self, e: Exercise, sets: int, dose: Dose, *, micro: bool = False
    ) -> PlannedExercise:
        """The exercise dosed by type (:class:`~legday.plan.dosing.Dosing`), with its time and
        rest (longer for a main lift, except in a micro-session)."""
        dosing = self.dosing or Dosing(self.settings, Kit(), self.names, {})
        draft = dosing.prescribe(e, sets, dose, self.targets.get(e.key), 0.0)
        compound = e.mechanic == "compound"
        main = (
            not micro
            and dose is not Dose.LIGHT
            and e.key in self.main.values()
            and e.region == "lower"
        )
        rest = rest_for(compound, self.settings, main) if draft.sets > 1 else None
        secs = exercise_seconds(
            draft.sets,
            draft.reps if draft.count != "steps" else max(1, draft.reps // 2),
            e.unilateral,
            compound,
            self.settings,
            draft.hold_s or 0,
            rest_s=rest,
        )
        done = dosing.prescribe(e, sets, dose, self.targets.get(e.key), secs)
        return replace(done, rest_s=rest)

    def pick(self, slot: str, ordinal: int, taken: Sequence[Exercise]) -> Exercise | None:
        """The main lift of a main slot, else the ``ordinal``-th ranked exercise for ``slot``
        not already in the session, movement patterns the session lacks first."""
        keys = {e.key for e in taken}
        if slot in self.main:
            main = next((e for e in self.ranked[slot] if e.key == self.main[slot]), None)
            if main is not None and main.key not in keys:
                return main
        patterns = {e.pattern for e in taken}
        legs = {e.pattern for e in taken if e.region == "lower"}
        options = sorted(
            (
                e
                for e in self.ranked[slot]
                if e.key not in keys
                and e.key not in self.main.values()
                and not (e.region == "lower" and e.pattern in legs)
            ),
            key=lambda e: e.pattern in patterns,
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
    exercises (or ``Settings.micro_session_min``) do not fit. Under
    ``Settings.min_strength_session_min`` it is a micro-session: the required exercises only,
    two sets each.

    ``ordinal`` is how many sessions of the same kind came earlier in the week (variety in the
    slots that are not main lifts).
    """
    st = menu.settings
    budget_s = min(budget_min, MAX_SESSION_MIN) * 60.0
    if budget_min < st.micro_session_min:
        return None
    micro = budget_min < st.min_strength_session_min
    warmup = MICRO_WARMUP_S if micro else WARMUP_S
    required, optional = FOCUS_SLOTS[focus]
    if micro:
        optional = ()
    sets_lo, sets_hi = st.sets_per_exercise
    if micro:
        sets_hi = sets_lo
    spread = st.strength_sessions_per_week[1]
    chosen: list[tuple[Exercise, int, str]] = []
    used = warmup + 0.0

    def cost(e: Exercise, sets: int) -> float:
        return menu.prescribe(e, sets, Dose.NORMAL, micro=micro).duration_s

    seen: dict[str, int] = {}

    def pick(slot: str) -> Exercise | None:
        # The j-th use of a slot in the ordinal-th session takes rank ordinal + j·(sessions a
        # week), so up to three sessions a week share no accessory when the catalog allows.
        j = seen.get(slot, 0)
        seen[slot] = j + 1
        return menu.pick(slot, ordinal + j * spread, [e for e, _, _ in chosen])

    for slot in required:
        ex = pick(slot)
        if ex is None and slot == "squat":
            slot = "hinge"  # no squat to be had: the hinge is the main lift
            ex = pick(slot)
        if ex is None:
            return None
        chosen.append((ex, sets_lo, slot))
        used += cost(ex, sets_lo)
    if used > budget_s:
        return None

    def more_sets(main_only: bool) -> None:
        nonlocal used
        for i, (ex, sets, slot) in enumerate(chosen):
            if (main_only and slot not in MAIN_SLOTS) or sets >= sets_hi:
                continue
            if ex.dosing == "activation":
                continue
            extra = cost(ex, sets_hi) - cost(ex, sets)
            if used + extra <= budget_s:
                chosen[i] = (ex, sets_hi, slot)
                used += extra

    # Fewer exercises done properly first: the main lifts get their third set before the
    # optional patterns are added; no more than one exercise per pattern, MAX_EXERCISES in all.
    more_sets(main_only=True)
    for slot in optional:
        if len(chosen) >= MAX_EXERCISES:
            break
        if slot in {sl for _, _, sl in chosen}:
            continue
        ex = pick(slot)
        if ex is not None and used + cost(ex, sets_lo) <= budget_s:
            chosen.append((ex, sets_lo, slot))
            used += cost(ex, sets_lo)
    more_sets(main_only=True)
    more_sets(main_only=False)
    if focus == "light_legs":
        dose = Dose.LIGHT
    exercises = tuple(menu.prescribe(ex, sets, dose, micro=micro) for ex, sets, _ in chosen)
    total_s = warmup + sum(e.duration_s for e in exercises)
    floor = st.micro_session_min if micro else st.min_strength_session_min
    minutes = max(math.ceil(total_s / 60.0), floor)
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
