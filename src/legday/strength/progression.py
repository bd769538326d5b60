"""Exercise history, double progression (R7), stalls, deloads and personal records.

**Double progression** (DOMAIN.md R7: 2–3 sets of 6–10 reps with 1–2 reps in reserve; ACSM
2009, Ratamess et al., *Med Sci Sports Exerc* 41:687: add load once the target is beaten): keep
the load and add a repetition each session until *every* working set reaches the top of the rep
range (``Settings.rep_range``) with at least the lower target RIR left (``Settings.target_rir``;
RIR unknown counts as on target). Then raise the load by the equipment's smallest step
(barbell ``Settings.barbell_step_kg``, dumbbells ``Settings.dumbbell_step_kg`` per hand, see
:data:`~legday.strength.catalog.LOAD_STEP_KG` for the rest), move to the next band, or — for
bodyweight work — to the catalog's harder variation, and start again at the bottom of the range.

Reps *above* the range reach the target whatever the RIR (the load was too light: a leg press
3 × 12 at RIR 0.5 moves on). The range is the exercise's own (:func:`rep_range_for`: calves
10–20, unloaded bodyweight work 6–15, the rest ``Settings.rep_range``). Load steps are loads
that exist for the athlete (:class:`~legday.strength.loads.LoadSteps`: plates, the dumbbells
they own, their units); with nothing heavier, or nothing to add to a bodyweight exercise without
a harder variation, the next step is a slower lowering with a pause.

**Stall**: no e1RM gain over :data:`STALL_EXPOSURES` normal sessions of the exercise *and* the
target missed. The target then takes :data:`STALL_RESET_FRACTION` off the load, to a load that
exists and is lighter (a 4 kg dumbbell goes to the next lighter one, not back to 4 kg), with
the reps kept in the range, to build back up.

**Deload**: an exposure whose top load is below :data:`DELOAD_LOAD_RATIO` or whose work is below
:data:`DELOAD_WORK_RATIO` of the median of the previous normal exposures. Deloads are skipped
when judging stalls and when choosing the next target.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from enum import StrEnum

from legday.model import ExerciseSet, SetType, StrengthSession
from legday.settings import Settings
from legday.strength.catalog import LOAD_STEP_KG, Catalog, Exercise
from legday.strength.e1rm import set_e1rm
from legday.strength.loads import LoadSteps
from legday.strength.volume import volume_load

__all__ = [
    "DELOAD_LOAD_RATIO",
    "DELOAD_WORK_RATIO",
    "STALL_EXPOSURES",
    "STALL_RESET_FRACTION",
    "Action",
    "ExerciseHistory",
    "Exposure",
    "PersonalRecords",
    "Target",
    "deload_sessions",
    "exercise_histories",
    "exercise_history",
    "is_stalled",
    "lift_histories",
    "load_step_kg",
    "next_target",
    "rep_range_for",
]

#: Sessions without an e1RM gain that make a stall (the brief for issue 6: "3 exposures").
STALL_EXPOSURES: int = 3
#: Fraction of the load taken off after a stall (ACSM 2009 progression steps are 2–10 %).
STALL_RESET_FRACTION: float = 0.10
#: A top load below this fraction of the recent median marks a deload (a typical deload cuts
#: load by 10–20 % or volume by 40–50 %; legday's own threshold).
DELOAD_LOAD_RATIO: float = 0.85
#: Work (volume load, or reps for bodyweight) below this fraction of the recent median marks a
#: deload.
DELOAD_WORK_RATIO: float = 0.60
#: Previous normal exposures the deload test compares with (the recent norm).
DELOAD_NORM_EXPOSURES: int = 4
#: Fewest previous normal exposures before a deload can be recognised.
DELOAD_MIN_HISTORY: int = 2
#: Longest hold, seconds, before a harder variation is suggested (legday's own default).
HOLD_TARGET_S: float = 60.0
#: Seconds added to a hold each session.
HOLD_STEP_S: float = 5.0
#: Loads closer than this are the same load, kg (float noise after unit conversion).
SAME_LOAD_KG: float = 0.01
#: A stall needs the e1RM to rise by more than this fraction to count as a gain.
E1RM_GAIN_EPS: float = 0.001


class Action(StrEnum):
    """What the next target changes."""

    START = "start"
    ADD_REPS = "add_reps"
    ADD_LOAD = "add_load"
    NEXT_BAND = "next_band"
    HARDER_VARIATION = "harder_variation"
    HOLD_LONGER = "hold_longer"
    RESET_AFTER_STALL = "reset_after_stall"
    LESS_ASSISTANCE = "less_assistance"
    SLOWER_TEMPO = "slower_tempo"
    KEEP = "keep"


@dataclass(frozen=True, slots=True)
class Exposure:
    """One session's sets of one exercise."""

    start: datetime
    """The session start (UTC)."""
    sets: tuple[ExerciseSet, ...]
    utc_offset_s: int | None = None
    deload: bool = False
    _working: tuple[ExerciseSet, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # every measure below reads the working sets: picked once
        working = tuple(s for s in self.sets if s.set_type is not SetType.WARMUP)
        object.__setattr__(self, "_working", working)

    @property
    def working(self) -> tuple[ExerciseSet, ...]:
        """The sets that are not warm-ups."""
        return self._working

    @property
    def top_load_kg(self) -> float | None:
        loads = [s.load_kg for s in self.working if s.load_kg is not None and s.load_kg > 0]
        return max(loads) if loads else None

    @property
    def best_e1rm_kg(self) -> float | None:
        values = [v for v in (set_e1rm(s) for s in self.working) if v is not None]
        return max(values) if values else None

    @property
    def volume_load_kg(self) -> float:
        return volume_load(self.sets)

    @property
    def work(self) -> float:
        """Volume load, or total reps (or seconds) when nothing was loaded."""
        if self.top_load_kg is not None:
            return self.volume_load_kg
        return float(sum(s.reps or s.duration_s or 0 for s in self.working))

    @property
    def local_date(self) -> str:
        offset = timezone(timedelta(seconds=self.utc_offset_s or 0))
        return self.start.astimezone(offset).date().isoformat()


@dataclass(frozen=True, slots=True)
class PersonalRecords:
    """Best values of an exercise over its history (None where never recorded)."""

    max_load_kg: float | None = None
    max_e1rm_kg: float | None = None
    max_reps: int | None = None
    max_volume_load_kg: float | None = None


@dataclass(frozen=True, slots=True)
class ExerciseHistory:
    """Every exposure of one exercise, oldest first, deloads flagged."""

    key: str
    exposures: tuple[Exposure, ...] = field(default_factory=tuple)
    _normal: tuple[Exposure, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        normal = tuple(e for e in self.exposures if not e.deload and e.working)
        object.__setattr__(self, "_normal", normal)

    @property
    def normal(self) -> tuple[Exposure, ...]:
        """Exposures with working sets that are not deloads."""
        return self._normal

    @property
    def last(self) -> Exposure | None:
        return self.exposures[-1] if self.exposures else None

    @property
    def current_e1rm_kg(self) -> float | None:
        """Best e1RM of the latest normal exposure that has one."""
        for e in reversed(self.normal):
            if e.best_e1rm_kg is not None:
                return e.best_e1rm_kg
        return None

    def records(self) -> PersonalRecords:
        """Personal records: heaviest load, best e1RM, most reps in a set, biggest session."""
        working = [s for e in self.exposures for s in e.working]
        loads = [s.load_kg for s in working if s.load_kg]
        e1rms = [v for v in (set_e1rm(s) for s in working) if v is not None]
        reps = [s.reps for s in working if s.reps]
        volumes = [e.volume_load_kg for e in self.exposures if e.volume_load_kg > 0]
        return PersonalRecords(
            max_load_kg=max(loads) if loads else None,
            max_e1rm_kg=max(e1rms) if e1rms else None,
            max_reps=max(reps) if reps else None,
            max_volume_load_kg=max(volumes) if volumes else None,
        )


@dataclass(frozen=True, slots=True)
class Target:
    """What to do next time for one exercise."""

    sets: int
    reps: int | None
    """Repetitions per set (None for holds)."""
    load_kg: float | None
    """External load (per hand when ``per_hand``); None for bodyweight or bands."""
    rir: int
    """Repetitions to leave in reserve."""
    reason: str
    action: Action = Action.ADD_REPS
    exercise: str | None = None
    """The catalog key to do (differs from the history's when moving to a harder variation)."""
    duration_s: float | None = None
    """Seconds per set for holds."""
    per_hand: bool = False
    slow: bool = False
    """Lower each rep over 3–4 s with a pause (past the last load or variation)."""


def exercise_history(
    sessions: Iterable[StrengthSession], key: str, *, assisted: bool = False
) -> ExerciseHistory:
    """The exposures of exercise ``key`` in ``sessions`` (any order), oldest first.

    ``assisted`` (see :attr:`Exercise.assisted`): the load is assistance, so deloads are
    judged on repetitions only.
    """
    return exercise_histories(sessions, [key], {key} if assisted else ())[key]


def exercise_histories(
    sessions: Iterable[StrengthSession], keys: Iterable[str], assisted: Collection[str] = ()
) -> dict[str, ExerciseHistory]:
    """:func:`exercise_history` of each of ``keys`` (those in ``assisted`` judged as assisted),
    from one pass over the sessions' sets."""
    found: dict[str, list[Exposure]] = {key: [] for key in keys}
    for s in sessions:
        mine: dict[str, list[ExerciseSet]] = {}
        for x in s.sets:
            if x.exercise in found:
                mine.setdefault(x.exercise, []).append(x)
        for key, sets in mine.items():
            found[key].append(Exposure(s.start, tuple(sets), s.utc_offset_s))
    return {key: _flagged(key, exposures, key in assisted) for key, exposures in found.items()}


def lift_histories(
    sessions: Iterable[StrengthSession], keys: Iterable[str], catalog: Catalog
) -> dict[str, ExerciseHistory]:
    """:func:`exercise_histories` with each lift the catalog marks assisted (the load is
    assistance) judged as assisted: taking assistance off is progress, not a deload. The
    strength report and the planner both read the athlete's lifts through it."""
    keys = list(keys)
    assisted = {key for key in keys if (found := catalog.find(key)) is not None and found.assisted}
    return exercise_histories(sessions, keys, assisted)


def _flagged(key: str, found: list[Exposure], assisted: bool) -> ExerciseHistory:
    """The history of ``found`` (one exercise's exposures) sorted by start, deloads flagged."""
    found.sort(key=lambda e: e.start)
    flagged: list[Exposure] = []
    # The normal exposures with working sets so far, each measured once: the norm a deload is
    # judged against, in one pass over the exposures.
    norm: list[_Measures] = []
    for exposure in found:
        measured = _Measures.of(exposure)
        deload = _deload(measured, norm[-DELOAD_NORM_EXPOSURES:], assisted)
        if deload:  # found unflagged: only a deload is made again
            exposure = Exposure(exposure.start, exposure.sets, exposure.utc_offset_s, deload)
        flagged.append(exposure)
        if not deload and measured.working:
            norm.append(measured)
    return ExerciseHistory(key=key, exposures=tuple(flagged))


def is_stalled(history: ExerciseHistory, window: int = STALL_EXPOSURES) -> bool:
    """True when the last ``window`` normal exposures did not beat the e1RM before them."""
    values = [e.best_e1rm_kg for e in history.normal]
    e1rms = [v for v in values if v is not None]
    if len(e1rms) < window + 1:
        return False
    before = e1rms[-window - 1]
    return max(e1rms[-window:]) <= before * (1.0 + E1RM_GAIN_EPS)


def load_step_kg(exercise: Exercise, settings: Settings) -> float:
    """The smallest load step for the exercise (settings override barbell and dumbbells)."""
    if exercise.equipment == "barbell":
        return settings.barbell_step_kg
    if exercise.equipment in ("dumbbells", "bodyweight"):
        return settings.dumbbell_step_kg
    return LOAD_STEP_KG[exercise.equipment]


def rep_range_for(exercise: Exercise, settings: Settings, loaded: bool = True) -> tuple[int, int]:
    """The double-progression range of the exercise: calves ``Settings.calf_rep_range``,
    unloaded bodyweight work ``Settings.bodyweight_rep_range``, the rest ``Settings.rep_range``
    (docs/science.md 3.4)."""
    if exercise.pattern == "calf":
        return settings.calf_rep_range
    if not loaded and (exercise.dosing == "bodyweight" or exercise.load_optional):
        return settings.bodyweight_rep_range
    return settings.rep_range


def next_target(
    history: ExerciseHistory,
    exercise: Exercise,
    settings: Settings,
    steps: LoadSteps | None = None,
    *,
    can_load: bool = True,
) -> Target:
    """The next session's target by double progression (see the module docstring).

    ``steps`` says which loads exist (the athlete's plates and dumbbells, their units; default:
    a metric gym); ``can_load`` is False when the athlete has nothing to add to a bodyweight
    exercise (no dumbbells), so it progresses by a slower lowering instead.
    """
    steps = steps or LoadSteps(
        barbell_step_kg=settings.barbell_step_kg, dumbbell_step_kg=settings.dumbbell_step_kg
    )
    rir_lo, rir_hi = settings.target_rir
    sets_lo, sets_hi = settings.sets_per_exercise
    normal = history.normal
    if exercise.dosing == "activation":
        return Target(
            sets=sets_lo,
            reps=None,
            load_kg=None,
            rir=rir_hi,
            reason="an activation drill: same dose, no load, not a hard set",
            action=Action.KEEP,
            exercise=exercise.key,
        )
    if not normal:
        lo, _ = rep_range_for(exercise, settings, exercise.dosing != "bodyweight")
        return Target(
            sets=sets_lo,
            reps=lo,
            load_kg=None,
            rir=rir_hi,
            reason=f"no history: pick a load you can lift {lo} times with {rir_hi} reps to spare",
            action=Action.START,
            exercise=exercise.key,
        )
    base = normal[-1]
    after_deload = (
        "after the deload, back to your last normal session: "
        if (history.last is not None and history.last.deload)
        else ""
    )
    working = base.working
    n_sets = min(max(len(working), sets_lo), sets_hi)
    if all(s.reps is None for s in working):
        return _hold_target(working, exercise, n_sets, rir_lo, after_deload)
    top = base.top_load_kg
    lo, hi = rep_range_for(exercise, settings, top is not None)
    main = [s for s in working if s.reps and _same_load(s.load_kg, top)] or [
        s for s in working if s.reps
    ]
    per_hand = any(s.per_hand for s in main)
    reps_done = [s.reps or 0 for s in main]
    equipment = _load_equipment(exercise)

    def make(
        action: Action,
        load_kg: float | None,
        reason: str,
        key: str = exercise.key,
        reps: int | None = None,
    ) -> Target:
        restart = action in _RESTARTS
        return Target(
            sets=n_sets,
            reps=reps if reps is not None else lo if restart else want,
            load_kg=load_kg,
            rir=rir_hi if restart else rir_lo,
            reason=after_deload + reason,
            action=action,
            exercise=key,
            per_hand=per_hand,
        )

    want = min(max(min(reps_done) + 1, lo), hi)
    # Reps above the range reach the target whatever the RIR (the load was too light); at the
    # top of the range they must leave the target RIR.
    at_target = all(
        (s.reps or 0) > hi
        or ((s.reps or 0) >= hi and (s.effective_rir is None or s.effective_rir >= rir_lo))
        for s in main
    )
    if not at_target:
        if top is not None and not exercise.assisted and is_stalled(history):
            return _reset(make, steps, equipment, top, want)
        below = f" (below the {lo}–{hi} range at this load)" if min(reps_done) < lo else ""
        same, step = ("same load", "the load goes up") if top else ("bodyweight", "it gets harder")
        return make(
            Action.ADD_REPS,
            top,
            f"{same}{below}: aim for {want} reps on every set with {rir_lo}–{rir_hi} reps "
            f"in reserve; {step} once every set reaches {hi}",
        )
    done = f"every set reached {hi} reps at {rir_lo}–{rir_hi} RIR"
    if exercise.assisted:
        return _less_assistance(make, exercise, top, steps, done)
    if exercise.equipment == "bands":
        return make(Action.NEXT_BAND, top, f"{done}: move to the next heavier band")
    if top is None and exercise.harder is not None:
        return make(
            Action.HARDER_VARIATION,
            None,
            f"{done}: move to the harder variation {exercise.harder!r}",
            exercise.harder,
        )
    if top is None and can_load and exercise.equipment == "bodyweight":
        first = steps.up("dumbbells", 0.0) or steps.dumbbell_step_kg
        return make(
            Action.ADD_LOAD,
            first,
            f"{done}: add load, hold a {steps.text(first)} dumbbell",
            reps=settings.rep_range[0],
        )
    if top is None and exercise.dosing == "loaded":
        return make(
            Action.ADD_LOAD,
            None,
            f"{done}: add the smallest step to your load and start again at {lo} reps",
        )
    if top is None:
        return replace(
            make(
                Action.SLOWER_TEMPO,
                None,
                f"{done}: lower each rep over 3–4 s with a pause at the bottom, from {lo} reps",
            ),
            slow=True,
        )
    new_load = steps.up(equipment, top)
    if new_load is None:
        return replace(
            make(
                Action.SLOWER_TEMPO,
                top,
                f"{done} with your heaviest {steps.text(top)}: lower each rep over 3–4 s with a "
                f"pause, from {lo} reps",
            ),
            slow=True,
        )
    hand = " per hand" if per_hand else ""
    return make(
        Action.ADD_LOAD,
        new_load,
        f"{done}: add {steps.text(new_load - top)}{hand} ({steps.text(new_load)}) and start "
        f"again at {lo} reps",
    )


#: Actions after which the reps start again at the bottom of the range.
_RESTARTS: frozenset[Action] = frozenset(
    {
        Action.ADD_LOAD,
        Action.NEXT_BAND,
        Action.HARDER_VARIATION,
        Action.LESS_ASSISTANCE,
        Action.SLOWER_TEMPO,
    }
)


def _load_equipment(exercise: Exercise) -> str:
    """The equipment whose loads an exercise's added weight comes in (a weighted bodyweight
    exercise holds a dumbbell)."""
    return "dumbbells" if exercise.equipment == "bodyweight" else exercise.equipment


def _reset(
    make: Callable[..., Target], steps: LoadSteps, equipment: str, top: float, want: int
) -> Target:
    """After a stall: about 10 % off, to a load that exists and is lighter, reps kept in range."""
    reduced = steps.nearest(equipment, top * (1.0 - STALL_RESET_FRACTION))
    if reduced >= top - SAME_LOAD_KG:
        lighter = steps.down(equipment, top)
        reduced = lighter if lighter is not None else top
    off = (
        f"take about {STALL_RESET_FRACTION:.0%} off ({steps.text(reduced)})"
        if reduced < top
        else f"keep {steps.text(top)} (nothing lighter) and drop to 2 sets"
    )
    return make(
        Action.RESET_AFTER_STALL,
        reduced,
        f"no e1RM gain in the last {STALL_EXPOSURES} sessions and the target missed: {off}, "
        f"{want} reps, and build back up; check sleep and recovery between sessions (R11), or "
        "swap to a variation",
        reps=want,
    )


def deload_sessions(sessions: Sequence[StrengthSession]) -> list[bool]:
    """For each session (in the given order), True when most of its exercises with enough
    history were deload exposures."""
    keys = {s.exercise for session in sessions for s in session.sets if s.mapped}
    flags: dict[tuple[datetime, str], bool] = {}
    for key, history in exercise_histories(sessions, keys).items():
        for e in history.exposures:
            flags[(e.start, key)] = e.deload
    out: list[bool] = []
    for session in sessions:
        mine = {s.exercise for s in session.sets if s.mapped}
        votes = [flags.get((session.start, k), False) for k in mine]
        out.append(bool(votes) and sum(votes) * 2 > len(votes))
    return out


def _less_assistance(
    make: Callable[..., Target], exercise: Exercise, top: float | None, steps: LoadSteps, done: str
) -> Target:
    """Assisted work progresses by taking assistance off, then by the unassisted exercise."""
    if exercise.equipment == "bands" and top is not None and top > 0:
        return make(Action.NEXT_BAND, top, f"{done}: move to the next lighter band")
    less = None if top is None else steps.down(exercise.equipment, top)
    if top is None or less is None or exercise.equipment == "bands":
        if exercise.harder is not None:
            return make(
                Action.HARDER_VARIATION,
                None,
                f"{done}: try the unassisted {exercise.harder!r}",
                exercise.harder,
            )
        return make(Action.ADD_REPS, top, f"{done}: keep going without assistance")
    return make(
        Action.LESS_ASSISTANCE,
        less,
        f"{done}: take {steps.text(top - less)} of assistance off ({steps.text(less)})",
    )


def _hold_target(
    working: Sequence[ExerciseSet], exercise: Exercise, n_sets: int, rir: int, prefix: str
) -> Target:
    shortest = min((s.duration_s or 0.0) for s in working)
    if shortest >= HOLD_TARGET_S and exercise.harder is not None:
        return Target(
            sets=n_sets,
            reps=None,
            load_kg=None,
            rir=rir,
            duration_s=HOLD_TARGET_S / 2,
            action=Action.HARDER_VARIATION,
            exercise=exercise.harder,
            reason=f"{prefix}every hold reached {HOLD_TARGET_S:.0f} s: move to the harder "
            f"variation {exercise.harder!r}",
        )
    want = shortest + HOLD_STEP_S
    return Target(
        sets=n_sets,
        reps=None,
        load_kg=None,
        rir=rir,
        duration_s=want,
        action=Action.HOLD_LONGER,
        exercise=exercise.key,
        reason=f"{prefix}hold each set {want:.0f} s",
    )


@dataclass(frozen=True, slots=True)
class _Measures:
    """What the deload test reads of an exposure, measured once."""

    working: bool
    top_load_kg: float | None
    work: float
    reps: float

    @classmethod
    def of(cls, exposure: Exposure) -> _Measures:
        return cls(bool(exposure.working), exposure.top_load_kg, exposure.work, _reps(exposure))


def _deload(exposure: _Measures, norm: Sequence[_Measures], assisted: bool) -> bool:
    import statistics  # here: with fractions and decimal, ~10 ms that `legday week` never needs

    if len(norm) < DELOAD_MIN_HISTORY or not exposure.working:
        return False
    if assisted:
        reps = statistics.median(e.reps for e in norm)
        return reps > 0 and exposure.reps < DELOAD_WORK_RATIO * reps
    loads = [e.top_load_kg for e in norm if e.top_load_kg is not None]
    top = exposure.top_load_kg
    if top is not None and loads and top < DELOAD_LOAD_RATIO * statistics.median(loads):
        return True
    work = statistics.median(e.work for e in norm)
    return work > 0 and exposure.work < DELOAD_WORK_RATIO * work


def _reps(exposure: Exposure) -> float:
    return float(sum(s.reps or 0 for s in exposure.working))


def _same_load(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) < SAME_LOAD_KG
