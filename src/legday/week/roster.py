"""The coach's roster: each athlete's current week in one row, and who needs attention (pure).

A row is the week check (:func:`~legday.week.check.check_week_of`) of one athlete's facts,
reduced to what a coach scans — strength sessions, leg days, broken rules, the load trend and
its spike flag, the last upload — and an attention score that sorts the rows. The score adds
the points :class:`~legday.settings.Attention` gives each signal (docs/science.md 4.3); each
row keeps its signals, so the page says why an athlete is on top.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from legday.settings import Settings

from .check import SessionFacts, check_week_of
from .load import total
from .rules import Violation

__all__ = [
    "HARD_DAY_RULES",
    "AthleteFacts",
    "RosterRow",
    "Signal",
    "attention",
    "roster",
    "roster_row",
    "sort_roster",
]

#: The rules that keep hard days hard (R10) and leave recovery around them (R11).
HARD_DAY_RULES = frozenset({"R10", "R11"})
#: Weeks of load shown as the row's trend (weekly TRIMP sums, oldest first).
TREND_WEEKS = 4

SignalKey = Literal["spike", "hard_day", "silent", "no_leg_day", "missed_session", "other_rule"]


@dataclass(frozen=True, slots=True)
class AthleteFacts:
    """What the store knows of one athlete, for the week holding ``day``."""

    athlete_id: int
    name: str
    day: date
    """A day of the week to check (the athlete's today, in their own time zone)."""
    sessions: Sequence[SessionFacts]
    """The sessions the week check needs: the week, the days either side, and the load
    trend's history before it (as :meth:`Library.week` reads them)."""
    last_upload: datetime | None
    """When the athlete last sent something: the newest import of a file holding one of their
    sessions, or the start of a session logged by hand."""
    now: datetime
    """The clock, for the days since the last upload."""


@dataclass(frozen=True, slots=True)
class Signal:
    """One reason an athlete needs attention, and the points it adds."""

    key: SignalKey
    points: float
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"signal": self.key, "points": round(self.points, 2), "text": self.text}


@dataclass(frozen=True, slots=True)
class RosterRow:
    athlete_id: int
    name: str
    week: str
    monday: date
    strength_sessions: int
    leg_days: int
    violations: tuple[Violation, ...]
    week_trimp: float
    weekly_trimp: tuple[float, ...]
    """The last :data:`TREND_WEEKS` weeks' TRIMP, oldest first, this week last."""
    ctl: float
    atl: float
    tsb: float
    acwr: float
    spike: bool
    last_upload: datetime | None
    days_since_upload: int | None
    signals: tuple[Signal, ...]

    @property
    def score(self) -> float:
        return sum(s.points for s in self.signals)

    def to_dict(self) -> dict[str, Any]:
        return {
            "athlete": self.name,
            "athlete_id": self.athlete_id,
            "week": self.week,
            "start": self.monday.isoformat(),
            "strength_sessions": self.strength_sessions,
            "leg_days": self.leg_days,
            "violations": [v.to_dict() for v in self.violations],
            "load": {
                "week_trimp": round(self.week_trimp, 1),
                "weekly_trimp": [round(x, 1) for x in self.weekly_trimp],
                "ctl": round(self.ctl, 1),
                "atl": round(self.atl, 1),
                "tsb": round(self.tsb, 1),
                "acwr": round(self.acwr, 2),
                "spike": self.spike,
            },
            "last_upload": self.last_upload.isoformat() if self.last_upload else None,
            "days_since_upload": self.days_since_upload,
            "attention": {
                "score": round(self.score, 2),
                "signals": [s.to_dict() for s in self.signals],
            },
        }


def attention(
    *,
    spike: bool,
    acwr: float,
    violations: Sequence[Violation],
    strength_sessions: int,
    leg_days: int,
    days_since_upload: int | None,
    settings: Settings,
) -> tuple[Signal, ...]:
    """The signals of one athlete's week, heaviest first (docs/science.md 4.3)."""
    points = settings.attention
    signals: list[Signal] = []
    if spike:
        signals.append(
            Signal("spike", points.spike, f"load spike: acute:chronic {acwr:.2f} this week")
        )
    for v in violations:
        if v.rule in HARD_DAY_RULES:
            signals.append(Signal("hard_day", points.hard_day, f"{v.rule}: {_head(v.text)}"))
    silent = days_since_upload is None or days_since_upload >= points.silent_days
    if silent:
        since = (
            "nothing uploaded"
            if days_since_upload is None
            else (f"no upload for {days_since_upload} days")
        )
        signals.append(Signal("silent", points.silent, since))
    else:  # an athlete gone quiet has unknown sessions, not missed ones
        missing = max(0, settings.strength_sessions_per_week[0] - strength_sessions)
        if missing:
            signals.append(
                Signal(
                    "missed_session",
                    points.missed_session * missing,
                    f"{strength_sessions} of {settings.strength_sessions_per_week[0]} "
                    "strength sessions",
                )
            )
        if leg_days == 0:
            signals.append(Signal("no_leg_day", points.no_leg_day, "no leg day"))
    others: dict[str, list[Violation]] = {}
    for v in violations:
        if v.rule not in HARD_DAY_RULES and v.rule != "R8":
            others.setdefault(v.rule, []).append(v)
    for rule, broken in others.items():  # once a rule: four R9 items missing are one rule
        text = "; ".join(_head(v.text) for v in broken)
        signals.append(Signal("other_rule", points.other_rule, f"{rule}: {text}"))
    return tuple(sorted(signals, key=lambda s: -s.points))


def _head(text: str) -> str:
    """A violation's first clause (its fix, after the colon, is for the athlete)."""
    return text.partition(": ")[0].rstrip(".")


def roster_row(facts: AthleteFacts, settings: Settings) -> RosterRow:
    """One athlete's row: the week check of ``facts`` and its attention signals."""
    report = check_week_of(facts.day, facts.sessions, settings)
    trend = report.trend
    weekly = tuple(
        total(trend.load[len(trend.load) - 7 * (i + 1) : len(trend.load) - 7 * i])
        for i in reversed(range(TREND_WEEKS))
    )
    days = None
    if facts.last_upload is not None:
        days = max(0, (facts.now - facts.last_upload).days)
    acwr = float(trend.acwr[-1])
    violations = tuple(report.violations)
    return RosterRow(
        athlete_id=facts.athlete_id,
        name=facts.name,
        week=report.week,
        monday=report.monday,
        strength_sessions=report.strength_sessions,
        leg_days=report.leg_days,
        violations=violations,
        week_trimp=weekly[-1],
        weekly_trimp=weekly,
        ctl=float(trend.ctl[-1]),
        atl=float(trend.atl[-1]),
        tsb=float(trend.tsb[-1]),
        acwr=acwr,
        spike=report.spike,
        last_upload=facts.last_upload,
        days_since_upload=days,
        signals=attention(
            spike=report.spike,
            acwr=max(trend.acwr[-7:]) if report.spike else acwr,
            violations=violations,
            strength_sessions=report.strength_sessions,
            leg_days=report.leg_days,
            days_since_upload=days,
            settings=settings,
        ),
    )


def sort_roster(rows: Iterable[RosterRow]) -> list[RosterRow]:
    """The rows, the athlete most in need of attention first (then the higher load ratio,
    then by name)."""
    return sorted(rows, key=lambda r: (-r.score, -r.acwr, r.name.casefold(), r.athlete_id))


def roster(athletes: Iterable[AthleteFacts], settings: Settings) -> list[RosterRow]:
    """Every athlete's row, sorted (:func:`sort_roster`)."""
    return sort_roster(roster_row(a, settings) for a in athletes)
