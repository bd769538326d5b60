"""Plan next week: which days get a strength session, of what focus, judged by the week rules.

**Why an exhaustive search.** Each of the 7 days holds no session or one of three foci
(``lower``, ``upper_core``, ``full``); a session on a run day goes after the run (lifting legs
before a run on the same day would make the run the second, tired session, the opposite of R10
and of the concurrent-training advice in REFERENCES.md). That is 4⁷ = 16 384 assignments, of
which only those with at most 3 sessions (``Settings.strength_sessions_per_week``) matter:
1 + 7·3 + 21·9 + 35·27 = 1 156. A depth-first search over the days prunes every partial week
that already breaks a *monotone* hard rule — R11 (:class:`~legday.week.rules.Recovery`): adding
a session never removes a "too close to a hard run" or "less than 48 h apart" violation, because
sessions are added in day order — so a week evaluates a few hundred leaves (376 for a
four-run week with two hard runs and a long run, 812 with no hard run), each judged by
the *same* rule objects the week check uses. A solver (CP-SAT) would need the rules re-encoded as
constraints, a second home for R10/R11; enumeration keeps one.

**Multi-week.** A block of 12 weeks has 1 156¹² assignments, but weeks interact only through
the rules' few days of context (:func:`context_days`: 3 with the default 72 h before a race),
and the only *planned* thing that crosses the boundary is which of the last days hold a leg
session (R11's 48 h between leg sessions). :mod:`legday.plan.block` therefore searches each
week exhaustively, given the weeks before, with a one-week look-ahead: for each such "tail" of
leg days among the week's leaves, the fewest rules the next week would have to give (one more
search per distinct tail, cached). That is linear in the number of weeks.

**Objective**, lexicographic: (1) the number of things that must give — missing sessions (R8),
missing coverage items (R9), missing leg sessions (``Settings.min_lower_body_sessions``) and any
other hard violation; R11 never gives; (2) soft preferences — legs after a hard run the same
day, else the day after (R10), sessions with upper body and core not on consecutive days, long
enough sessions (``Settings.preferred_strength_session_min``), the upper end of R8's range.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from legday.errors import ConfigError
from legday.model import EQUIPMENT, WEEKDAYS, AthleteProfile, Race
from legday.settings import Settings
from legday.strength.catalog import Catalog, load_catalog
from legday.strength.loads import LoadSteps
from legday.strength.progression import Target
from legday.week.check import iso_week
from legday.week.fixes import LegSlot, day_name, leg_slots
from legday.week.rules import (
    RULES,
    CardioMinutes,
    NewOverload,
    Recovery,
    Rule,
    Violation,
    WeekSession,
    WeekSessions,
    legs_after_race_h,
    race_km,
)

from .result import Check, Focus, Infeasibility, Plan, PlannedDay, PlannedSession
from .rhythm import LIFT_HOUR, RUN_HOUR, RUN_MIN, Rhythm
from .runs import validate_runs
from .sessions import Dose, Menu, build_session

__all__ = [
    "FOCI",
    "LIFT_HOUR",
    "PLAN_RULES",
    "RUN_HOUR",
    "RUN_MIN",
    "WeekSetup",
    "assemble",
    "best_leaf",
    "context_days",
    "days_back",
    "dose_for",
    "make_menu",
    "overlay_races",
    "plan_week",
    "races_by_day",
    "resolve_budget",
    "run_context",
    "search_week",
    "without_races",
]

#: The rules a plan is checked with: every week rule except those about the runs themselves
#: (R2 cardio minutes and R4 overload), which the planner takes as given.
PLAN_RULES: tuple[Rule, ...] = tuple(
    r for r in RULES if not isinstance(r, CardioMinutes | NewOverload)
)

#: Strength session foci, the options per day besides none.
FOCI: tuple[Focus, ...] = ("lower", "full", "upper_core", "light_legs")

#: Soft costs (legday's own weights; only their order matters much): a leg session that is
#: not on or the day after a hard run (R10), one on the day after rather than the same day,
#: two sessions with upper body and core on consecutive days, any two sessions on consecutive
#: days, a session shorter than the preferred length, a session fewer than R8's upper bound.
C_R10, C_DAY_AFTER, C_UPPER_ADJACENT, C_ADJACENT, C_SHORT, C_FEWER = 4.0, 1.0, 1.5, 0.5, 1.0, 0.8
#: Cost of each leg session beyond ``Settings.min_lower_body_sessions`` (R11: recovery; the
#: third session of the week is better spent on upper body and core).
C_EXTRA_LEGS: float = 0.3
#: Cost of a session on a day the athlete does not lift on (``Rhythm.lift_days``): above
#: ``C_DAY_AFTER``, so the legs go the day after a hard run when that is the athlete's lifting
#: day, below ``C_R10``, so a rule never gives for a habit.
C_AWAY: float = 1.5
#: Run kinds whose day gets no strength session: a race day is for the race.
NO_LIFT_KINDS: frozenset[str] = frozenset({"race"})
#: Reward per planned minute (fills the time budget; small against the costs above).
C_MINUTE: float = -0.01
#: Reward for a session with light legs in place of a leg session R11 left no room for (issue
#: 15: "Mon and Fri only" gets light lower-body work, not none), and the cost of one that
#: takes no such place (upper body and core then do better).
C_LIGHT_LEGS, C_LIGHT_UNNEEDED = -2.0, 1.0


@dataclass(frozen=True, slots=True)
class _Leaf:
    picks: tuple[tuple[int, PlannedSession], ...]
    given_up: int
    soft: float
    hard: tuple[Violation, ...]
    lower_short: int

    tail: tuple[int, ...]
    """Days of leg sessions within the next week's context (what its rules will see)."""


@dataclass(frozen=True)
class WeekSetup:
    """One week's fixed inputs for the search."""

    runs: Mapping[int, str]
    """Day (0 = Monday) → run kind."""
    budget: Mapping[int, int]
    """Day → minutes available for strength (available days only)."""
    context: tuple[WeekSession, ...]
    menu: Menu
    dose: Dose = Dose.NORMAL
    race_km: Mapping[int, float] = field(default_factory=dict)
    """Day → distance of a race this week whose distance is known (R11: the recovery)."""
    rhythm: Rhythm = field(default_factory=Rhythm)
    """When the athlete runs and lifts (the history's times; default 07:00 runs, 18:00 lifts)."""

    def run_sessions(self) -> tuple[WeekSession, ...]:
        return tuple(
            WeekSession(
                day=d,
                type="run",
                hour=self.rhythm.run_at(d, k)[0],
                kind=k,
                minutes=self.rhythm.run_at(d, k)[1],
                distance_km=self.race_km.get(d) if k == "race" else None,
            )
            for d, k in sorted(self.runs.items())
        )

    def lift_hour(self, day: int) -> float:
        """When a strength session on ``day`` starts: the athlete's hour, after the run."""
        kind = self.runs.get(day)
        return self.rhythm.lift_at(day, self.rhythm.run_at(day, kind) if kind else None)

    @property
    def race_week(self) -> bool:
        """The week holds a race: at most ``Settings.race_week_max_sessions`` sessions."""
        return "race" in self.runs.values()


def context_days(settings: Settings) -> int:
    """Days of the neighbouring weeks the rules need: the longest R11 window, in whole days."""
    longest = max(
        settings.no_legs_before_hard_run_h,
        settings.no_legs_before_race_h,
        settings.min_hours_between_leg_sessions,
    )
    return min(7, -(-longest // 24))


def days_back(settings: Settings) -> int:
    """Days of the previous week the rules need: R11's reach after a race (a Sunday marathon
    keeps hard legs away until Saturday), at least :func:`context_days`."""
    return min(7, max(context_days(settings), -(-max(settings.no_legs_after_race_h) // 24)))


def run_context(
    previous_runs: Mapping[str, str],
    next_runs: Mapping[str, str],
    days: int = 2,
    *,
    before: int | None = None,
    race_km: Mapping[int, float] | None = None,
    rhythm: Rhythm | None = None,
) -> tuple[WeekSession, ...]:
    """Runs of the last ``before`` (default ``days``) days of the previous week and the first
    ``days`` of the next, at the ``rhythm``'s times; ``race_km`` gives the distance of a race
    on a day −7…13."""
    known = race_km or {}
    times = rhythm or Rhythm()

    def run(day: int, kind: str) -> WeekSession:
        km = known.get(day) if kind == "race" else None
        hour, minutes = times.run_at(day, kind)
        return WeekSession(day, "run", hour, kind, minutes=minutes, distance_km=km)

    out = []
    for i in range(7 - (days if before is None else before), 7):
        if WEEKDAYS[i] in previous_runs:
            out.append(run(i - 7, previous_runs[WEEKDAYS[i]]))
    for i in range(days):
        if WEEKDAYS[i] in next_runs:
            out.append(run(i + 7, next_runs[WEEKDAYS[i]]))
    return tuple(out)


def without_races(runs: Mapping[str, str]) -> dict[str, str]:
    """The run week with each race replaced by a long run: a race does not repeat every week
    (the week before and after a race week, and a block's other weeks)."""
    return {d: "long" if k == "race" else k for d, k in runs.items()}


def races_by_day(races: Sequence[Race], monday: date, first: int, last: int) -> dict[int, Race]:
    """Races on days ``first``…``last`` counted from ``monday`` (0 = that Monday)."""
    out = {}
    for race in races:
        offset = (race.day - monday).days
        if first <= offset <= last:
            out[offset] = race
    return out


def overlay_races(
    runs: Mapping[str, str], races: Mapping[int, Race], week: int
) -> tuple[dict[str, str], dict[int, float]]:
    """Week ``week`` (0 = this, −1 = previous, 1 = next) of ``runs`` with the dated races set
    on their days, and the distances known, by day counted from this week's Monday."""
    out = dict(runs)
    km: dict[int, float] = {}
    for offset, race in races.items():
        if 7 * week <= offset < 7 * (week + 1):
            out[WEEKDAYS[offset - 7 * week]] = "race"
            if race.distance_km is not None:
                km[offset] = race.distance_km
    return validate_runs(out), km


#: A race before the week whose no-hard-legs window runs past this hour of the week (Wednesday
#: 00:00) leaves room for one leg session only: the week after a marathon is a recovery week.
RECOVERY_WEEK_H: float = 48.0


def _race_recovery_end(context: Sequence[WeekSession], settings: Settings) -> float:
    """Hour of this week (0 = Monday 00:00) when the last earlier race's window for hard legs
    closes (R11), or −inf."""
    ends = [
        s.end + legs_after_race_h(race_km(s, settings), settings)
        for s in context
        if s.is_race and s.day < 0
    ]
    return max(ends, default=float("-inf"))


class _Search:
    """Depth-first enumeration of a week's placements (see the module docstring)."""

    def __init__(self, setup: WeekSetup, settings: Settings, rules: Sequence[Rule]) -> None:
        self.setup = setup
        self.settings = settings
        self.rules = rules
        self.prune = [r for r in rules if r.hard and isinstance(r, Recovery)]
        self.judge = [r for r in rules if not (r.hard and isinstance(r, Recovery))]
        self.runs = setup.run_sessions()
        hi = settings.strength_sessions_per_week[1]
        #: Most sessions and leg sessions the week holds: fewer in a race week (R8, R11).
        self.max_sessions = min(hi, settings.race_week_max_sessions) if setup.race_week else hi
        self.min_legs = (
            min(settings.min_lower_body_sessions, settings.race_week_lower_body_sessions)
            if setup.race_week or _race_recovery_end(setup.context, settings) > RECOVERY_WEEK_H
            else settings.min_lower_body_sessions
        )
        self.hard_days = {
            d for d, k in setup.runs.items() if WeekSession(d, "run", kind=k).is_hard_run
        }
        for s in setup.context:
            if s.is_hard_run:
                self.hard_days.add(s.day)
        self._cache: dict[tuple[int, Focus, int], PlannedSession | None] = {}

    def session(self, day: int, focus: Focus, ordinal: int) -> PlannedSession | None:
        key = (day, focus, ordinal)
        if key not in self._cache:
            self._cache[key] = build_session(
                self.setup.menu,
                focus,
                self.setup.budget[day],
                ordinal=ordinal,
                dose=self.setup.dose,
                after_run=day in self.setup.runs,
                hour=self.setup.lift_hour(day),
            )
        return self._cache[key]

    def week(self, picks: Sequence[tuple[int, PlannedSession]]) -> WeekSessions:
        lifts = tuple(s.week_session(d) for d, s in picks)
        return WeekSessions(self.runs + lifts, self.setup.context)

    def leaves(self) -> list[_Leaf]:
        hi = self.max_sessions
        days = [d for d in sorted(self.setup.budget) if self.setup.runs.get(d) not in NO_LIFT_KINDS]
        out: list[_Leaf] = []

        def dfs(i: int, picks: list[tuple[int, PlannedSession]]) -> None:
            if i == len(days):
                out.append(self.score(tuple(picks)))
                return
            dfs(i + 1, picks)
            if len(picks) >= hi:
                return
            day = days[i]
            for focus in FOCI:
                session = self.session(day, focus, len(picks))
                if session is None:
                    continue
                picks.append((day, session))
                if not self._breaks(picks):  # R11 (no lifting the day before a race, too)
                    dfs(i + 1, picks)
                picks.pop()

        dfs(0, [])
        return out

    def _breaks(self, picks: Sequence[tuple[int, PlannedSession]]) -> bool:
        week = self.week(picks)
        return any(r.check(week, self.settings) for r in self.prune)

    def score(self, picks: tuple[tuple[int, PlannedSession], ...]) -> _Leaf:
        st = self.settings
        week = self.week(picks)
        hard: list[Violation] = []
        soft = 0.0
        given_up = 0
        lo, hi = st.strength_sessions_per_week[0], self.max_sessions
        for rule in self.judge:
            found = rule.check(week, st)
            if rule.hard:
                hard.extend(found)
                given_up += max(lo - len(picks), 1) * len(found) if rule.id == "R8" else len(found)
            else:
                soft += C_R10 * len(found) if rule.id == "R10" else len(found)
        n_legs = sum(s.lower_body for _, s in picks)
        lower_short = max(0, self.min_legs - n_legs)
        soft += C_EXTRA_LEGS * max(0, n_legs - self.min_legs)
        # Light legs stand in for a leg session only away from the hard ones (R11's 48 h).
        legs_at = [d * 24.0 + s.hour for d, s in picks if s.lower_body] + [
            s.time for s in self.setup.context if s.type == "strength" and s.lower_body
        ]
        gap_h = st.min_hours_between_leg_sessions
        n_light = sum(
            s.focus == "light_legs" and all(abs(d * 24.0 + s.hour - t) >= gap_h for t in legs_at)
            for d, s in picks
        )
        in_place = min(n_light, lower_short)
        n_light = sum(s.focus == "light_legs" for _, s in picks)
        soft += C_LIGHT_LEGS * in_place + C_LIGHT_UNNEEDED * (n_light - in_place)
        given_up += lower_short
        usual = self.setup.rhythm.lift_days
        for d, s in picks:
            if s.lower_body and d - 1 in self.hard_days and d not in self.hard_days:
                soft += C_DAY_AFTER
            if usual and d not in usual:
                soft += C_AWAY
            if s.minutes < st.preferred_strength_session_min:
                soft += C_SHORT
            soft += C_MINUTE * s.minutes
        for (d1, s1), (d2, s2) in itertools.pairwise(picks):
            if d2 - d1 == 1:
                soft += C_ADJACENT
                if "upper" in s1.coverage and "upper" in s2.coverage:
                    soft += C_UPPER_ADJACENT
        soft += C_FEWER * (hi - len(picks))
        first = 7 - context_days(st)
        tail = tuple(d for d, s in picks if s.lower_body and d >= first)
        return _Leaf(picks, given_up, soft, tuple(hard), lower_short, tail)


#: What each lighter dose adds to a session's reason.
_DOSE_WHY: Mapping[Dose, str] = {
    Dose.NORMAL: "",
    Dose.RACE: " Race week (or its taper): one set fewer and one more rep in reserve for the "
    "legs, so they are fresh on race day.",
    Dose.DELOAD: " A lighter week: one set fewer, one more rep in reserve.",
}


def _why(day: int, session: PlannedSession, setup: WeekSetup, hard_days: set[int]) -> str:
    lighter = setup.dose is Dose.DELOAD or (setup.dose is Dose.RACE and session.lower_body)
    return _why_day(day, session, setup, hard_days) + (_DOSE_WHY[setup.dose] if lighter else "")


def _why_day(day: int, session: PlannedSession, setup: WeekSetup, hard_days: set[int]) -> str:
    kind = setup.runs.get(day)
    if session.lower_body:
        if day in hard_days and kind is not None:
            return f"Legs after the {kind} run: keep hard days hard (R10)."
        if day - 1 in hard_days:
            prev = WEEKDAYS[(day - 1) % 7]
            return (
                f"Legs the day after {prev}'s hard run, with 24 h before the next one (R10, R11)."
            )
        return "Legs on the best free day left; no hard run before it to pair with (R10 gives)."
    where = f"after the {kind} run" if kind else "on a rest day"
    if session.focus == "light_legs":
        nxt = next((k for d, k in sorted(setup.runs.items()) if d > day), None)
        before = f" before the {nxt} run" if nxt else ""
        return (
            f"Upper body and core {where}, with light legs{before}: two sets well short of "
            "failure, not a hard leg session, so recovery holds (R11) and the legs still get "
            "work when no day can take a hard session (R9)."
        )
    return (
        f"Upper body and core {where}: running leans on them to stabilise the trunk and swing "
        "the arms but does not make them stronger (R9)."
    )


def _reasons(setup: WeekSetup, search: _Search, settings: Settings) -> str:
    """Why days could not take a leg session: no time, a race, too short, or R11."""
    no_time = [WEEKDAYS[d] for d in range(7) if d not in setup.budget]
    parts = []
    if no_time:
        parts.append(
            f"no time for strength on {', '.join(no_time)} (not available or under "
            f"{settings.micro_session_min} min)"
        )
    for day in sorted(setup.budget):
        name = WEEKDAYS[day]
        if setup.runs.get(day) in NO_LIFT_KINDS:
            parts.append(f"{name} is a {setup.runs[day]} day")
            continue
        legs = search.session(day, "lower", 0)
        if legs is None:
            parts.append(f"{name} is too short for a leg session")
            continue
        week = search.week([(day, legs)])
        found = [v.text for r in search.prune for v in r.check(week, settings)]
        if found:
            parts.append(found[0].rstrip("."))
    return "; ".join(parts)


def assemble(
    monday: date,
    setup: WeekSetup,
    leaf: _Leaf,
    settings: Settings,
    rules: Sequence[Rule],
    search: _Search,
) -> Plan:
    """The :class:`Plan` of a chosen leaf, checked once more by every rule."""
    picks = {d: replace(s, why=_why(d, s, setup, search.hard_days)) for d, s in leaf.picks}
    days = []
    for d in range(7):
        sessions: list[PlannedSession] = []
        if d in setup.runs:
            hour, minutes = setup.rhythm.run_at(d, setup.runs[d])
            sessions.append(
                PlannedSession(type="run", kind=setup.runs[d], hour=hour, minutes=round(minutes))
            )
        if d in picks:
            sessions.append(picks[d])
        days.append(PlannedDay(monday + timedelta(days=d), tuple(sessions)))
    plan = Plan(iso_week(monday), monday, tuple(days), (), (), setup.context)
    week = plan.week_sessions()
    # One verdict per rule, shared by the checks and ``infeasible`` so they never disagree:
    # every rule that gives (hard or soft) is listed with why and, where one exists, a fix.
    found_by: dict[str, list[str]] = {}
    applicable: dict[str, bool] = {}
    for rule in rules:
        applicable[rule.id] = rule.applies(week)
        found_by[rule.id] = [v.text for v in rule.check(week, settings)]
    fixes: dict[str, list[str]] = {}
    if leaf.lower_short:
        # Too few leg sessions: R10's when there is a hard run to pair legs with, else R8's.
        rule_id = "R10" if applicable.get("R10", False) else "R8"
        n = search.min_legs - leaf.lower_short
        light = [WEEKDAYS[d] for d, s in leaf.picks if s.focus == "light_legs"]
        instead = f" Light legs on {', '.join(light)} instead." if light else ""
        found_by.setdefault(rule_id, []).append(
            f"Only {n} of {search.min_legs} leg sessions fit without breaking R11.{instead}"
        )
        fixes[rule_id] = _fixes(setup, search, leaf.picks, settings)
    if found_by.get("R10") and "R10" not in fixes:
        wrong = [d for d, s in leaf.picks if s.lower_body and not _paired(d, search)]
        fixes["R10"] = _fixes(setup, search, leaf.picks, settings, move=wrong[:1])
    checks = []
    infeasible = []
    reasons = ""
    for rule in rules:
        found = found_by.get(rule.id, [])
        if not applicable[rule.id] and not found:
            checks.append(Check(rule.id, True, rule.not_applicable, applicable=False))
            continue
        text = " ".join(found) if found else rule.sentence
        checks.append(Check(rule.id, not found, text))
        if found:
            reasons = reasons or _reasons(setup, search, settings)
            fix = "; or ".join(fixes.get(rule.id, []))
            tail = f" Fix: {fix}." if fix else ""
            infeasible.append(Infeasibility(rule.id, f"{text} Why: {reasons}.{tail}"))
    return replace(plan, checks=tuple(checks), infeasible=tuple(infeasible))


def _paired(day: int, search: _Search) -> bool:
    """A leg session on ``day`` is after a hard run that day or the day before (R10)."""
    return day in search.hard_days or day - 1 in search.hard_days


def _fixes(
    setup: WeekSetup,
    search: _Search,
    picks: Sequence[tuple[int, PlannedSession]],
    settings: Settings,
    move: Sequence[int] = (),
) -> list[str]:
    """Concrete ways to get a leg session in (or to move the one on ``move`` days): a day
    that is not free today, or a free day, where legs keep R11 and pair with a hard run (R10),
    e.g. "free Wednesday: legs after Tuesday's intervals, 48 h after Monday's legs" (the words
    are :func:`legday.week.fixes.leg_slots`', shared with the week check's to-do)."""
    minutes = max(setup.budget.values(), default=settings.preferred_strength_session_min)
    minutes = max(minutes, settings.preferred_strength_session_min)
    kept = [(d, s) for d, s in picks if d not in move]
    taken = {d for d, _ in kept}
    week = search.week(kept)
    slots: list[LegSlot] = []
    for day in range(7):
        if day in taken or setup.runs.get(day) in NO_LIFT_KINDS:
            continue
        legs = build_session(
            setup.menu,
            "lower",
            minutes,
            dose=setup.dose,
            after_run=day in setup.runs,
            hour=setup.lift_hour(day),
        )
        if legs is not None:
            lift = legs.week_session(day)
            slots += leg_slots(
                week, settings, lift, [day], hour=setup.lift_hour, rules=search.prune
            )
    out = []
    for slot in sorted(slots, key=lambda s: s.rank)[:2]:
        where = f"move legs to {day_name(slot.day)}" if move else day_name(slot.day)
        verb = "" if move else ("free " if slot.day not in setup.budget else "")
        out.append(f"{verb}{where}: {slot.why}")
    return out


def best_leaf(
    leaves: Sequence[_Leaf], lookahead: Mapping[tuple[int, ...], int] | None = None
) -> _Leaf:
    """The leaf that gives up least (this week plus, with ``lookahead``, the next), then the
    lowest soft cost; ties go to the first enumerated (earliest days)."""

    def key(leaf: _Leaf) -> tuple[int, float]:
        ahead = lookahead.get(leaf.tail, 0) if lookahead else 0
        return (leaf.given_up + ahead, leaf.soft)

    return min(leaves, key=key)


def resolve_budget(
    profile: AthleteProfile,
    available_days: Sequence[str] | None,
    minutes_per_day: int | Mapping[str, int] | None,
    settings: Settings,
) -> dict[int, int]:
    """Day → minutes for strength, from the profile and the overrides (validated)."""
    days = profile.available_days if available_days is None else tuple(available_days)
    bad = [d for d in days if d not in WEEKDAYS]
    if bad:
        raise ConfigError(f"unknown day(s) {', '.join(bad)}; valid days: {', '.join(WEEKDAYS)}")
    minutes = profile.minutes_per_day if minutes_per_day is None else minutes_per_day
    if isinstance(minutes, Mapping):
        bad = [d for d in minutes if d not in WEEKDAYS]
        if bad:
            raise ConfigError(f"unknown day(s) {', '.join(bad)}; valid days: {', '.join(WEEKDAYS)}")
        per_day = {d: int(minutes.get(d, profile.minutes_per_day)) for d in days}
    else:
        per_day = dict.fromkeys(days, int(minutes))
    negative = [d for d, m in per_day.items() if m < 0]
    if negative:
        raise ConfigError(f"minutes per day must be ≥ 0, got a negative value on {negative[0]}")
    return {WEEKDAYS.index(d): m for d, m in per_day.items() if m >= settings.micro_session_min}


def make_menu(
    profile: AthleteProfile,
    settings: Settings,
    catalog: Catalog | None,
    equipment: Sequence[str] | None,
    own_lifts: Collection[str],
    last_week: Collection[str],
    targets: Mapping[str, Target | tuple[float | None, int]] | None,
    *,
    main: Mapping[str, str] | None = None,
) -> Menu:
    """The ranked exercise menu for the athlete (validates ``equipment``)."""
    kit = profile.equipment if equipment is None else tuple(equipment)
    bad = [e for e in kit if e not in EQUIPMENT]
    if bad:
        raise ConfigError(f"unknown equipment {', '.join(bad)}; valid: {', '.join(EQUIPMENT)}")
    return Menu.build(
        catalog if catalog is not None else load_catalog(),
        settings,
        equipment=kit,
        experience=profile.experience,
        own_lifts=own_lifts,
        last_week=last_week,
        targets=targets,
        steps=LoadSteps.of(profile, settings),
        main=main,
    )


def dose_for(runs: Mapping[int, str], races: Mapping[int, Race], settings: Settings) -> Dose:
    """The week's dose from the races around it: a race week, and the week before a half
    marathon or longer (the taper), take the race-week dose; the week after a half marathon or
    longer is a recovery week (a deload). Mujika & Padilla 2003: a taper keeps intensity and
    cuts volume; docs/science.md 5."""
    if "race" in runs.values():
        return Dose.RACE
    long_km = settings.race_distance_bands_km[1]
    for day, race in sorted(races.items()):
        km = race.distance_km if race.distance_km is not None else settings.default_race_km
        if km > long_km and day >= 7:
            return Dose.RACE
        if km > long_km and day < 0:
            return Dose.DELOAD
    return Dose.NORMAL


def search_week(
    setup: WeekSetup, settings: Settings, rules: Sequence[Rule] = PLAN_RULES
) -> tuple[_Search, list[_Leaf]]:
    """Every R11-legal placement of the week, scored."""
    search = _Search(setup, settings, rules)
    return search, search.leaves()


def plan_week(
    runs: Mapping[str, str],
    *,
    monday: date,
    profile: AthleteProfile | None = None,
    settings: Settings | None = None,
    catalog: Catalog | None = None,
    available_days: Sequence[str] | None = None,
    minutes_per_day: int | Mapping[str, int] | None = None,
    equipment: Sequence[str] | None = None,
    own_lifts: Collection[str] = (),
    last_week: Collection[str] = (),
    targets: Mapping[str, Target | tuple[float | None, int]] | None = None,
    previous_runs: Mapping[str, str] | None = None,
    next_runs: Mapping[str, str] | None = None,
    previous_lifts: Sequence[WeekSession] = (),
    dose: Dose | None = None,
    races: Sequence[Race] = (),
    rules: Sequence[Rule] = PLAN_RULES,
    rhythm: Rhythm | None = None,
) -> Plan:
    """Plan the strength sessions of the week starting ``monday`` around ``runs``.

    ``runs`` maps weekday keys to run kinds (a missing day is a rest day). The profile's
    available days, minutes and equipment can be overridden (``minutes_per_day`` may be a
    per-day mapping). ``own_lifts`` (catalog keys) are preferred, ``last_week``'s exercises
    avoided for variety, and ``targets`` (key → (load_kg, reps)) give the loads. The rules also
    see the previous week's last days and the next week's first (``previous_runs`` and
    ``next_runs`` default to ``runs`` without its race: a repeating week, where a race does not
    repeat) plus ``previous_lifts`` (the previous week's strength sessions, days −7…−1).

    ``races`` (dates with distances) are set on their days in this week and its neighbours: a
    race week holds at most ``Settings.race_week_max_sessions`` sessions at the race-week dose,
    no lifting the day before the race, and no hard legs for 48–144 h after it, by distance
    (R11). ``dose`` defaults to the week's place around the races (:func:`dose_for`).
    ``rhythm`` (:class:`~legday.plan.rhythm.Rhythm`) puts the runs at the athlete's times and
    the lifts at their hours, preferring their lifting days.

    Every hard rule of ``rules`` holds, or the plan's ``infeasible`` says which gave and why;
    R11 never gives. Raises :class:`ConfigError` on an unknown day, kind or equipment.
    """
    if monday.weekday() != 0:
        raise ConfigError(
            f"a plan starts on a Monday, got {monday.isoformat()} ({WEEKDAYS[monday.weekday()]})"
        )
    profile = profile or AthleteProfile()
    settings = settings or Settings()
    runs = validate_runs(runs)
    dated = races_by_day(races, monday, -7, 13)
    prev = validate_runs(previous_runs) if previous_runs is not None else without_races(runs)
    nxt = validate_runs(next_runs) if next_runs is not None else without_races(runs)
    runs, km = overlay_races(runs, dated, 0)
    prev, km_prev = overlay_races(prev, dated, -1)
    nxt, km_next = overlay_races(nxt, dated, 1)
    known = {**km_prev, **km, **km_next}
    rhythm = rhythm or Rhythm()
    context = run_context(
        prev, nxt, context_days(settings), before=days_back(settings), race_km=known, rhythm=rhythm
    )
    by_day = {WEEKDAYS.index(d): k for d, k in runs.items()}
    setup = WeekSetup(
        runs=by_day,
        budget=resolve_budget(profile, available_days, minutes_per_day, settings),
        context=context + tuple(previous_lifts),
        menu=make_menu(profile, settings, catalog, equipment, own_lifts, last_week, targets),
        dose=dose if dose is not None else dose_for(by_day, dated, settings),
        race_km=km,
        rhythm=rhythm,
    )
    search, leaves = search_week(setup, settings, rules)
    return assemble(monday, setup, best_leaf(leaves), settings, rules, search)
