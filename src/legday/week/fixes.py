"""How to fix a week: which session goes to which day, and why (pure).

One home for the words of a fix, shared by the week check's to-do (:func:`concrete`) and the
plan's ``infeasible`` (:mod:`legday.plan.placement`): a leg session goes where it keeps R11 and
pairs with a hard run (R10), said as a coach says it — "legs after Thursday's tempo run, 48 h
after Tuesday's legs".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from legday.settings import Settings

from .rules import (
    Coverage,
    Recovery,
    Rule,
    Violation,
    WeekSession,
    WeekSessions,
)

__all__ = ["DAY_NAMES", "LegSlot", "concrete", "day_name", "leg_slots", "run_words"]

#: Weekday names as a fix says them.
DAY_NAMES: tuple[str, ...] = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)

#: Hours in a week: a fix names the last leg session when it is within a week of the new one.
WEEK_H: float = 168.0
#: R9's items that a leg session holds (core and upper body go in any session).
LOWER_ITEMS: frozenset[str] = frozenset({"compound", "isolation", "single_leg"})


def day_name(day: int) -> str:
    """``Monday`` … ``Sunday`` for a day of the week (−1 is last Sunday)."""
    return DAY_NAMES[day % 7]


def run_words(kind: str | None) -> str:
    """A run as a runner names it: "intervals", "long run", "hill repeats", "tempo run"."""
    kind = kind or "hard"
    run = " run" if kind in ("long", "tempo", "easy", "recovery", "hard") else ""
    return kind.replace("_", " ") + run


@dataclass(frozen=True, slots=True)
class LegSlot:
    """A day a leg session can go to."""

    day: int
    hour: float
    rank: int
    """0 after that day's hard run, 1 the day after one, 2 no hard run to pair with."""
    why: str
    """``legs after Thursday's tempo run, 48 h after Tuesday's legs``."""


def _hard_run_on(week: WeekSessions, day: int, before_h: float = 24.0) -> WeekSession | None:
    """The hard run of ``day`` that starts by ``before_h`` (hour of that day)."""
    return next(
        (s for s in week.all_sessions() if s.is_hard_run and s.day == day and s.hour <= before_h),
        None,
    )


def after_runs(week: WeekSessions, day: int, hour: float) -> float:
    """``hour``, or the end of ``day``'s last run when that is later: a lift on a run day goes
    after the run (the plan's rule, and R10's "after the harder run")."""
    ends = [s.end - 24.0 * day for s in week.sessions if s.type == "run" and s.day == day]
    return max([hour, *ends])


def leg_slots(
    week: WeekSessions,
    settings: Settings,
    lift: WeekSession,
    days: Iterable[int],
    *,
    hour: Callable[[int], float] | None = None,
    rules: Sequence[Rule] = (Recovery(),),
) -> list[LegSlot]:
    """Days of ``days`` where the leg session ``lift`` (its minutes; not in ``week``) breaks
    none of ``rules`` (R11) that ``week`` did not already break, and pairs with a hard run
    (R10) when the week has one; best first (after that day's hard run, then the day after one,
    then the earliest). ``hour`` gives the start on a day (default: ``lift``'s hour, after that
    day's runs)."""
    everything = week.all_sessions()
    before = {v.text for r in rules for v in r.check(week, settings)}
    hard = {s.day for s in everything if s.is_hard_run}
    pairs = bool(hard & set(range(-1, 7)))
    out: list[LegSlot] = []
    for day in days:
        start = hour(day) if hour is not None else after_runs(week, day, lift.hour)
        placed = replace(lift, day=day, hour=start, lower_body=True)
        trial = WeekSessions((*week.sessions, placed), week.context)
        if any(v.text not in before for r in rules for v in r.check(trial, settings)):
            continue
        same_day = _hard_run_on(week, day, start)
        if same_day is not None and 0 <= day <= 6:
            why, rank = f"legs after {day_name(day)}'s {run_words(same_day.kind)}", 0
        elif day - 1 in hard:
            prev = _hard_run_on(week, day - 1)
            kind = prev.kind if prev is not None else None
            why, rank = f"legs the day after {day_name(day - 1)}'s {run_words(kind)}", 1
        elif pairs:
            continue  # a fix that breaks R10 is no fix
        else:
            why, rank = "legs", 2
        earlier = [
            s.time for s in everything if s.type == "strength" and s.lower_body and s.day < day
        ]
        last = max(earlier, default=float("-inf"))
        if placed.time - last <= WEEK_H:
            ago = "last " if last < 0 else ""
            why += f", {placed.time - last:.0f} h after {ago}{day_name(int(last // 24))}'s legs"
        out.append(LegSlot(day, start, rank, why))
    return sorted(out, key=lambda s: s.rank)


def _free_days(week: WeekSessions, but: int | None = None) -> list[int]:
    """Days of the week without a strength session or a race (``but`` counts as free)."""
    busy = {s.day for s in week.sessions if s.type == "strength" and s.day != but}
    busy |= {s.day for s in week.sessions if s.is_race}
    return [d for d in range(7) if d not in busy]


def _without(week: WeekSessions, session: WeekSession) -> WeekSessions:
    return WeekSessions(tuple(s for s in week.sessions if s is not session), week.context)


def _lift_on(week: WeekSessions, day: str | None, lower: bool) -> WeekSession | None:
    """The strength session of the violation's day (a leg session when ``lower``)."""
    return next(
        (
            s
            for s in week.sessions
            if s.type == "strength"
            and day is not None
            and _key(s.day) == day
            and (s.lower_body or not lower)
        ),
        None,
    )


def _key(day: int) -> str:
    return DAY_NAMES[day % 7][:3].lower()


def _move(
    week: WeekSessions, settings: Settings, lift: WeekSession
) -> tuple[str, WeekSession, WeekSessions] | None:
    """``move it to Wednesday: legs after Wednesday's tempo run, 48 h after Monday's legs``,
    the session where it goes, and the week with it moved."""
    rest = _without(week, lift)
    days = [d for d in _free_days(rest) if d != lift.day]
    if lift.lower_body:
        slots = leg_slots(rest, settings, lift, days)
        if not slots:
            return None
        moved = replace(lift, day=slots[0].day, hour=slots[0].hour)
        text = f"move it to {day_name(moved.day)}: {slots[0].why}"
        return text, moved, WeekSessions((*rest.sessions, moved), rest.context)
    for day in days:  # an upper-body session only has to keep R11 (the day before a race)
        moved = replace(lift, day=day, hour=after_runs(rest, day, lift.hour))
        trial = WeekSessions((*rest.sessions, moved), rest.context)
        if not any(v.day == _key(day) for v in Recovery().check(trial, settings)):
            return f"move it to {day_name(day)}", moved, trial
    return None


def _typical_lift(week: WeekSessions, settings: Settings) -> WeekSession:
    """A session to add, at the hour and length of the week's lifts (else 18:00, 30 min)."""
    lifts = week.strength
    hour = sorted(s.hour for s in lifts)[len(lifts) // 2] if lifts else 18.0
    minutes = max([settings.preferred_strength_session_min, *(s.minutes for s in lifts)])
    return WeekSession(day=0, type="strength", hour=hour, minutes=minutes, lower_body=True)


def _legs_needed(week: WeekSessions, settings: Settings) -> int:
    need = (
        min(settings.min_lower_body_sessions, settings.race_week_lower_body_sessions)
        if week.has_race
        else settings.min_lower_body_sessions
    )
    return max(0, need - sum(s.lower_body for s in week.strength))


def _add(week: WeekSessions, settings: Settings, missing: int) -> tuple[list[str], WeekSessions]:
    """Where ``missing`` sessions could go — legs first where the week lacks them (R10, R11),
    then upper body and core on a free day, apart from the other sessions when possible — and
    the week with them."""
    parts: list[str] = []
    template = _typical_lift(week, settings)
    for _ in range(missing):
        free = _free_days(week)
        slots = leg_slots(week, settings, template, free) if _legs_needed(week, settings) else []
        if slots:
            added = replace(template, day=slots[0].day, hour=slots[0].hour)
            parts.append(f"a leg session on {day_name(added.day)}: {slots[0].why}")
        else:
            taken = {s.day for s in week.strength}
            apart = [d for d in free if not {d - 1, d + 1} & taken] or free
            upper = [replace(template, day=d, lower_body=False) for d in apart]
            ok = [
                u
                for u in upper
                if not Recovery().check(WeekSessions((*week.sessions, u), week.context), settings)
            ]
            if not ok:
                break
            added = ok[0]
            parts.append(f"upper body and core on {day_name(added.day)}")
        week = WeekSessions((*week.sessions, added), week.context)
    return parts, week


def _cover(week: WeekSessions, settings: Settings, item: str) -> tuple[str, WeekSessions]:
    """Where R9's missing ``item`` goes — the week's leg session for lower-body items, else a
    session; without one, a session added as :func:`_add` would — and the week with it."""
    lower = item in LOWER_ITEMS
    hosts = [s for s in week.strength if s.lower_body] if lower else week.strength
    host = min(hosts, key=lambda s: (s.lower_body, s.day)) if hosts else None
    what = Coverage.SUGGEST[item]
    if host is not None:
        kind = "leg session" if host.lower_body else "session"
        return f"add {what} to {day_name(host.day)}'s {kind}", week
    added, after = _add(week, settings, 1)
    if lower and added and added[0].startswith("a leg"):
        where = added[0].removeprefix("a leg session on ")
        return f"no leg session this week: add one on {where}, with {what}", after
    if added:
        return f"add {what} in {added[0]}", after
    return f"add {what}", week


def concrete(
    violations: Sequence[Violation], week: WeekSessions, settings: Settings
) -> list[Violation]:
    """``violations`` with each to-do made concrete: which session, to which day, and why, in
    the plan's words ("Leg session on tue is less than 24 h before the tempo run on wed: move it
    to Friday: legs the day after Thursday's intervals, 72 h after Tuesday's legs"). Fixes are
    taken in order, each on the week the ones before it left (two sessions are never sent to
    the same day), and a moved leg session's reason is said in the week all the fixes make; a
    violation without a fix that keeps the rules keeps its text."""
    original = week
    heads: list[tuple[Violation, str, str | None, WeekSession | None]] = []
    moved: dict[int, tuple[str, WeekSession]] = {}  # id of a session → its fix, where it goes
    for v in violations:
        head, _, _ = v.text.partition(": ")
        fix: str | None = None
        lift: WeekSession | None = None
        if v.rule in ("R10", "R11"):
            lift = _lift_on(original, v.day, lower="day before" not in v.text)
            if lift is not None and id(lift) not in moved:
                found = _move(week, settings, lift)
                if found is not None:
                    text, where, week = found
                    moved[id(lift)] = (text, where)
        elif v.rule == "R8" and len(week.strength) < settings.strength_sessions_per_week[0]:
            missing = settings.strength_sessions_per_week[0] - len(week.strength)
            parts, week = _add(week, settings, missing)
            least = settings.min_strength_session_min
            fix = f"add {missing} of {least}+ minutes — " + "; and ".join(parts) if parts else None
        elif v.rule == "R9":
            item = next((k for k, t in Coverage.SUGGEST.items() if t in v.text), None)
            if item is not None:
                fix, week = _cover(week, settings, item)
        heads.append((v, head, fix, lift))
    for key, (_, where) in moved.items():
        if where.lower_body:
            slots = leg_slots(_without(week, where), settings, where, [where.day])
            if slots:
                moved[key] = (f"move it to {day_name(where.day)}: {slots[0].why}", where)
    out: list[Violation] = []
    for v, head, fix, lift in heads:
        if lift is not None and id(lift) in moved:
            fix = moved[id(lift)][0]
        out.append(replace(v, text=f"{head}: {fix}.") if fix else v)
    return out
