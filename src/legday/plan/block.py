"""A multi-week block: weekly plans with rising loads, deload weeks and lighter race weeks.

* **Progression.** After each week the loads and reps move on by the double progression of
  :func:`legday.strength.progression.next_target` (R7; ACSM 2009), assuming the athlete did
  the week as planned, in steps that exist for the athlete (their plates, dumbbells, units).
  The first week's main lifts (one squat, hinge, single-leg and calf exercise) stay for the
  whole block, so they progress, while hip, core and upper-body work rotate for variety. A
  novice does not jump to an advanced variation in a week: a slower lowering comes first.
* **Deloads.** Every :data:`DELOAD_EVERY`-th week is a deload: one set fewer per exercise, a
  lighter load and one more rep in reserve; the progression pauses.
* **Race weeks.** A week holding a race is lighter for the legs (as a deload, legs only), and
  R11 keeps heavy legs out of the 72 h before the race (``Settings.no_legs_before_race_h``),
  lifting off the day before it, and hard legs away for 48–144 h after it, by distance.
* **Building toward a race** (``races``, or a ``race`` in a repeated run week: the block's
  last week). A race does not repeat: the other weeks run a long run on its day. The deloads
  count back from the race (every :data:`DELOAD_EVERY`-th week before it), so the race week
  takes a deload's place; before a half marathon or longer the week before is a lighter taper
  week too, and the week after it a recovery week (a deload), from which the cycle restarts
  (:func:`periodise`; Mujika & Padilla 2003, docs/science.md 5).
* **Search.** Weeks interact only through the rules' few days of context, so each week is
  searched exhaustively (:mod:`legday.plan.placement`) with a one-week look-ahead: for each
  ending (which of the last days hold legs), the fewest rules the next week would have to give.
  That is one search per week plus one per distinct ending, cached when weeks repeat — linear
  in the number of weeks, where a joint search would face 1 156^weeks assignments.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from legday.errors import ConfigError
from legday.model import WEEKDAYS, AthleteProfile, ExerciseSet, Race
from legday.settings import Settings
from legday.strength.catalog import Catalog, Exercise, load_catalog
from legday.strength.loads import LoadSteps
from legday.strength.progression import Action, ExerciseHistory, Exposure, Target, next_target
from legday.week.rules import Rule, WeekSession

from .dosing import Kit
from .placement import (
    PLAN_RULES,
    WeekSetup,
    assemble,
    best_leaf,
    context_days,
    days_back,
    make_menu,
    overlay_races,
    races_by_day,
    resolve_budget,
    run_context,
    search_week,
    without_races,
)
from .result import Block, Plan, PlannedExercise
from .rhythm import Rhythm
from .runs import validate_runs
from .sessions import ADVANCED_EXERCISES, Dose, Menu

__all__ = ["BLOCK_WEEKS", "DELOAD_EVERY", "periodise", "plan_block"]

#: Shortest and longest block, weeks (the issue: 4–12).
BLOCK_WEEKS: tuple[int, int] = (4, 12)
#: Every n-th week is a deload (the common 3:1 loading-to-deload pattern of periodised
#: programmes; legday's default).
DELOAD_EVERY: int = 4
#: Minutes of an assumed leg session in the look-ahead's context.
_LOOKAHEAD_MIN: float = 45.0


@dataclass
class _Progress:
    """Targets carried from week to week, and the block's main lifts."""

    targets: dict[str, Target]
    keep: set[str] = field(default_factory=set)
    main: dict[str, str] = field(default_factory=dict)
    """Main slot → catalog key, fixed after the first week (a harder rung replaces its key)."""

    def advance(
        self,
        exercises: Sequence[PlannedExercise],
        when: datetime,
        lower_only_paused: bool,
        catalog: Catalog,
        settings: Settings,
        kit: Kit,
        experience: str,
    ) -> None:
        """Next week's targets, assuming this week was done as planned (R7)."""
        for e in exercises:
            if not e.hard or (lower_only_paused and e.region == "lower"):
                continue
            done = tuple(
                ExerciseSet(
                    exercise=e.key,
                    reps=None if e.hold_s else e.reps,
                    duration_s=float(e.hold_s) if e.hold_s else None,
                    load_kg=e.load_kg,
                    rir=None if e.rir is None else float(e.rir),
                )
                for _ in range(e.sets)
            )
            history = ExerciseHistory(e.key, (Exposure(start=when, sets=done),))
            exercise = catalog.get(e.key)
            target = next_target(history, exercise, settings, kit.steps, can_load=kit.can_load)
            target = _paced(target, e, exercise, experience)
            key = target.exercise or e.key
            self.targets[key] = target
            if key != e.key:
                self.keep.discard(e.key)
                self.keep.add(key)
                for slot, k in list(self.main.items()):
                    if k == e.key:
                        self.main[slot] = key


def _paced(target: Target, done: PlannedExercise, exercise: Exercise, experience: str) -> Target:
    """A novice does not jump to an advanced variation (inverted row → chin-up) in a week: the
    progression is a slower lowering at the same rung instead; a slow set stays slow."""
    jump = (
        target.action is Action.HARDER_VARIATION
        and experience == "novice"
        and target.exercise in ADVANCED_EXERCISES
    )
    if jump:
        if done.slow:  # already slow at the top of the range: hold the rung until next block
            return replace(
                target,
                action=Action.ADD_REPS,
                exercise=exercise.key,
                reps=done.reps,
                rir=done.rir if done.rir is not None else target.rir,
                slow=True,
                reason=f"ready for {target.exercise}: next block",
            )
        return replace(
            target,
            action=Action.SLOWER_TEMPO,
            exercise=exercise.key,
            slow=True,
            reason=f"top of the range: lower each rep over 3–4 s before {target.exercise}",
        )
    same = (target.exercise or exercise.key) == exercise.key and target.load_kg == done.load_kg
    if done.slow and same and target.action is not Action.ADD_LOAD:
        return replace(target, slow=True)
    return target


def _weeks_of_runs(
    runs: Mapping[str, str] | Sequence[Mapping[str, str]], weeks: int, dated: bool
) -> list[dict[str, str]]:
    """One run week per block week. A repeated week's race is the block's last week only (or,
    with dated races, none of them): the other weeks run a long run on its day."""
    if isinstance(runs, Mapping):
        one = validate_runs(runs)
        plain = without_races(one)
        return [dict(one if i == weeks - 1 and not dated else plain) for i in range(weeks)]
    listed = [validate_runs(r) for r in runs]
    if len(listed) != weeks:
        raise ConfigError(f"a {weeks}-week block needs {weeks} run weeks, got {len(listed)}")
    return listed


def periodise(
    weeks: int, races: Mapping[int, float], deload_every: int, long_km: float
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(deload weeks, taper weeks) of a block whose weeks ``races`` (index → km, an index may
    lie beyond the block) hold races.

    Without races, every ``deload_every``-th week is a deload. Toward a race the deloads count
    back from it, the race week taking a deload's place; a race longer than ``long_km`` gets a
    taper week before it and a recovery week (a deload) after it, from which the count
    restarts."""
    if not races:
        return tuple(i for i in range(weeks) if (i + 1) % deload_every == 0), ()
    deloads: list[int] = []
    tapers: list[int] = []
    for i in range(weeks):
        if i in races:
            continue
        ahead = [r for r in races if r > i]
        behind = [r for r in races if r < i]
        last = max(behind, default=None)
        if last is not None and races[last] > long_km and i == last + 1:
            deloads.append(i)  # the recovery week after a long race
        elif ahead and races[min(ahead)] > long_km and i == min(ahead) - 1:
            tapers.append(i)
        elif ahead:
            if (min(ahead) - i) % deload_every == 0:
                deloads.append(i)
        else:
            restart = last + (2 if races[last] > long_km else 1) if last is not None else 0
            if (i - restart + 1) % deload_every == 0 and i > restart:
                deloads.append(i)
    return tuple(deloads), tuple(tapers)


def _shifted(plan: Plan) -> tuple[WeekSession, ...]:
    """The plan's strength sessions as the next week's context (days −7…−1)."""
    return tuple(
        replace(s.week_session(i), day=i - 7)
        for i, day in enumerate(plan.days)
        for s in day.sessions
        if s.type == "strength"
    )


def plan_block(
    weeks: int,
    runs: Mapping[str, str] | Sequence[Mapping[str, str]],
    *,
    start: date,
    profile: AthleteProfile | None = None,
    settings: Settings | None = None,
    catalog: Catalog | None = None,
    available_days: Sequence[str] | None = None,
    minutes_per_day: int | Mapping[str, int] | None = None,
    equipment: Sequence[str] | None = None,
    own_lifts: Collection[str] = (),
    last_week: Collection[str] = (),
    targets: Mapping[str, Target | tuple[float | None, int]] | None = None,
    deload_every: int = DELOAD_EVERY,
    races: Sequence[Race] = (),
    rules: Sequence[Rule] = PLAN_RULES,
    rhythm: Rhythm | None = None,
    previous_lifts: Sequence[WeekSession] = (),
) -> Block:
    """Plan ``weeks`` (4–12) consecutive weeks from the Monday ``start``.

    ``runs`` is one run week repeated, or one per week (a race week holds ``race``); a
    repeated week's race is the block's last week. ``races`` (dates with distances, within the
    block or after it) set race days and the block builds toward them (:func:`periodise`).
    ``previous_lifts`` are the strength sessions of the week before the block (days −7…−1:
    last Sunday's legs keep Monday's 48 h away, R11). The other parameters are those of
    :func:`~legday.plan.placement.plan_week`. Raises
    :class:`ConfigError` for a block length outside 4–12, a start that is not a Monday, or a
    bad day, kind or equipment.
    """
    lo, hi = BLOCK_WEEKS
    if not lo <= weeks <= hi:
        raise ConfigError(f"a block has {lo}–{hi} weeks, got {weeks}")
    if start.weekday() != 0:
        raise ConfigError(f"a block starts on a Monday, got {start.isoformat()}")
    if deload_every < 2:
        raise ConfigError(f"deload_every must be at least 2 weeks, got {deload_every}")
    profile = profile or AthleteProfile()
    settings = settings or Settings()
    rhythm = rhythm or Rhythm()
    catalog = catalog if catalog is not None else load_catalog()
    dated = races_by_day(races, start, -7, 7 * BLOCK_WEEKS[1] * 2)
    week_runs = _weeks_of_runs(runs, weeks, bool(dated))
    km: dict[int, float] = {}
    for i in range(weeks):
        week_runs[i], found = overlay_races(week_runs[i], dated, i)
        km.update(found)
    # The weeks either side of the block: the plain run week, with any dated race.
    before, found = overlay_races(without_races(week_runs[0]), dated, -1)
    km.update(found)
    after, found = overlay_races(without_races(week_runs[-1]), dated, weeks)
    km.update(found)
    budget = resolve_budget(profile, available_days, minutes_per_day, settings)
    n_ctx = context_days(settings)
    race_at: dict[int, float] = {}  # week index → race km (the longest that week)
    for i, r in enumerate(week_runs):
        for d, kind in r.items():
            if kind == "race":
                dist = km.get(7 * i + WEEKDAYS.index(d), settings.default_race_km)
                race_at[i] = max(race_at.get(i, 0.0), dist)
    for offset, race in dated.items():
        if offset >= 7 * weeks or offset < 0:
            dist = race.distance_km or settings.default_race_km
            race_at[offset // 7] = max(race_at.get(offset // 7, 0.0), dist)
    deloads, tapers = periodise(weeks, race_at, deload_every, settings.race_distance_bands_km[1])
    races_in = tuple(i for i in range(weeks) if i in race_at)
    probe_menu = make_menu(profile, settings, catalog, equipment, own_lifts, (), targets)
    progress = _Progress(dict(probe_menu.targets), set(own_lifts))
    kit = probe_menu.dosing.kit if probe_menu.dosing else Kit(LoadSteps.of(profile, settings))
    lookahead_cache: dict[tuple[object, ...], int] = {}

    def dose(i: int) -> Dose:
        if i in deloads:
            return Dose.DELOAD
        return Dose.RACE if i in races_in or i in tapers else Dose.NORMAL

    def runs_by_day(r: Mapping[str, str]) -> dict[int, str]:
        return {WEEKDAYS.index(d): k for d, k in r.items()}

    def race_km_of(i: int) -> dict[int, float]:
        """Known race distances by day, counted from week ``i``'s Monday."""
        return {o - 7 * i: v for o, v in km.items() if -7 <= o - 7 * i <= 13}

    def neighbours(i: int) -> tuple[WeekSession, ...]:
        prev = week_runs[i - 1] if i > 0 else before
        nxt = week_runs[i + 1] if i + 1 < weeks else after
        return run_context(
            prev, nxt, n_ctx, before=days_back(settings), race_km=race_km_of(i), rhythm=rhythm
        )

    def setup_of(i: int, context: tuple[WeekSession, ...], menu: Menu) -> WeekSetup:
        own = {d: v for d, v in race_km_of(i).items() if 0 <= d < 7}
        return WeekSetup(runs_by_day(week_runs[i]), budget, context, menu, dose(i), own, rhythm)

    def lookahead(i: int, tail: tuple[int, ...]) -> int:
        """Fewest things week ``i`` must give when the week before has leg sessions on the
        ``tail`` days."""
        key = (tuple(week_runs[i].items()), neighbours(i), dose(i), tail)
        if key not in lookahead_cache:
            before = runs_by_day(week_runs[i - 1])
            legs = tuple(
                WeekSession(
                    day - 7,
                    "strength",
                    rhythm.lift_at(day, rhythm.run_at(day, before[day]) if day in before else None),
                    minutes=_LOOKAHEAD_MIN,
                    lower_body=True,
                )
                for day in tail
            )
            setup = setup_of(i, neighbours(i) + legs, probe_menu)
            _, leaves = search_week(setup, settings, rules)
            lookahead_cache[key] = min(leaf.given_up for leaf in leaves)
        return lookahead_cache[key]

    plans: list[Plan] = []
    previous: tuple[WeekSession, ...] = tuple(previous_lifts)
    done_keys: Collection[str] = tuple(last_week)
    for i in range(weeks):
        monday = start + timedelta(weeks=i)
        menu = make_menu(
            profile,
            settings,
            catalog,
            equipment,
            progress.keep,
            done_keys,
            progress.targets,
            main=progress.main,
        )
        setup = setup_of(i, neighbours(i) + previous, menu)
        search, leaves = search_week(setup, settings, rules)
        ahead = (
            {t: lookahead(i + 1, t) for t in {leaf.tail for leaf in leaves}}
            if i + 1 < weeks
            else None
        )
        plan = assemble(monday, setup, best_leaf(leaves, ahead), settings, rules, search)
        plans.append(plan)
        exercises = [e for _, s in plan.strength_sessions for e in s.exercises]
        if i == 0:
            progress.main = dict(menu.main)
            progress.keep |= set(menu.main.values())
        if i not in deloads:
            when = datetime.combine(monday, time(18), tzinfo=UTC)
            # Each exercise once: two leg sessions of a week share the week's target.
            unique = list({e.key: e for e in exercises}.values())
            lighter_legs = i in races_in or i in tapers
            progress.advance(unique, when, lighter_legs, catalog, settings, kit, profile.experience)
        previous = _shifted(plan)
        done_keys = {e.key for e in exercises}
    return Block(tuple(plans), deloads, races_in, tapers)
