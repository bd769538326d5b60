"""The week check: what a Monday-to-Sunday week held, which rules it met, what to add (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from legday.model import MUSCLES, WEEKDAYS
from legday.settings import Settings

from .fixes import concrete
from .load import LoadTrend, load_trend, total
from .rules import RULES, CardioMinutes, Coverage, Rule, Violation, WeekSession, WeekSessions

__all__ = [
    "SessionFacts",
    "WeekReport",
    "check_week_of",
    "context_days",
    "days_before",
    "iso_week",
    "week_start",
]


#: Days of history before the week used for the load trend (three CTL time constants).
TREND_DAYS = 126


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """One stored session, reduced to what the week needs."""

    id: int | str
    local_start: datetime
    """Naive local wall-clock time of the start."""
    type: Literal["run", "strength", "other"]
    minutes: float
    kind: str | None = None
    category: str | None = None
    counts_as_leg_day: bool = False
    lower_body: bool = False
    coverage: frozenset[str] = frozenset()
    cardio_band_s: float = 0.0
    above_band_s: float = 0.0
    """Seconds above the cardio band (vigorous; R2 counts them double)."""
    trimp: float = 0.0
    strength_load: float = 0.0
    overload: bool = False
    sport: str | None = None
    muscles: dict[str, float] = field(default_factory=dict)
    strength_muscles: dict[str, float] = field(default_factory=dict)
    """The strength layer of ``muscles`` (lifting in the strength range, forceful running)."""
    distance_km: float | None = None
    """The distance run, km (a race's recovery scales with it, R11)."""

    def to_week_session(self, monday: date) -> WeekSession:
        day = (self.local_start.date() - monday).days
        return WeekSession(
            day=day,
            type=self.type,
            hour=self.local_start.hour + self.local_start.minute / 60.0,
            kind=self.kind,
            minutes=self.minutes,
            lower_body=self.lower_body,
            counts_as_leg_day=self.counts_as_leg_day,
            coverage=self.coverage,
            cardio_band_min=self.cardio_band_s / 60.0,
            above_band_min=self.above_band_s / 60.0,
            overload=self.overload,
            id=self.id,
            distance_km=self.distance_km,
        )


def context_days(settings: Settings) -> int:
    """Days after the week that R11 can reach (a race 72 h after a Sunday lift)."""
    return max(2, -(-max(settings.no_legs_before_race_h, settings.no_legs_before_hard_run_h) // 24))


def days_before(settings: Settings) -> int:
    """Days before the week that R10/R11 can reach back to (a Sunday marathon keeps hard legs
    away until the next Saturday)."""
    return max(2, -(-max(settings.no_legs_after_race_h) // 24))


def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class WeekReport:
    week: str
    monday: date
    sessions: list[SessionFacts]
    violations: list[Violation]
    coverage: dict[str, bool]
    muscles: dict[str, float]
    trend: LoadTrend
    cardio_band_min: float
    spike: bool
    rules: Sequence[Rule] = RULES
    above_band_min: float = 0.0
    """Minutes above the cardio band (vigorous)."""
    strength_muscles: dict[str, float] = field(default_factory=dict)
    """The week's strength stimulus per muscle: lifting in the strength range and forceful
    running — the layer that answers the leg-day question. Easy running never paints it."""
    endurance_muscles: dict[str, float] = field(default_factory=dict)
    """The week's endurance load per muscle: steady running, other sports, high-rep sets."""
    guideline_min: float = 0.0
    """R2's weekly figure: band minutes plus vigorous ones weighted (``CardioMinutes``)."""
    not_applicable: tuple[str, ...] = ()
    """Rules with nothing to judge this week (R10 without a hard run)."""

    @property
    def strength_sessions(self) -> int:
        return sum(1 for s in self.sessions if s.type == "strength")

    @property
    def leg_days(self) -> int:
        return len({s.local_start.date() for s in self.sessions if s.counts_as_leg_day})

    def rules_met(self) -> list[dict[str, Any]]:
        """Each rule: met, broken, or not applicable (``applicable`` false, ``ok`` true)."""
        broken = {v.rule for v in self.violations}
        return [
            {
                "rule": r.id,
                "ok": r.id not in broken,
                "applicable": r.id not in self.not_applicable,
                "text": r.not_applicable if r.id in self.not_applicable else r.sentence,
            }
            for r in self.rules
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "week": self.week,
            "start": self.monday.isoformat(),
            "sessions": [
                {
                    "id": s.id,
                    "date": s.local_start.date().isoformat(),
                    "time": s.local_start.strftime("%H:%M"),
                    "weekday": WEEKDAYS[s.local_start.weekday()],
                    "type": s.type,
                    "sport": s.sport,
                    "minutes": round(s.minutes, 1),
                    "kind": s.kind,
                    "category": s.category,
                    "counts_as_leg_day": s.counts_as_leg_day,
                }
                for s in self.sessions
            ],
            "strength_sessions": self.strength_sessions,
            "leg_days": self.leg_days,
            "coverage": self.coverage,
            "cardio_band_min": round(self.cardio_band_min, 1),
            "above_band_min": round(self.above_band_min, 1),
            "guideline_min": round(self.guideline_min, 1),
            "rules": self.rules_met(),
            "violations": [v.to_dict() for v in self.violations],
            "muscles": {k: round(v, 2) for k, v in self.muscles.items()},
            "layers": {
                "strength": {k: round(v, 2) for k, v in self.strength_muscles.items()},
                "endurance": {k: round(v, 2) for k, v in self.endurance_muscles.items()},
            },
            "load": {
                "week_trimp": round(total(self.trend.load[-7:]), 1),
                "week_strength": round(total(self.trend.strength_load[-7:]), 2),
                "ctl": round(self.trend.ctl[-1], 1),
                "atl": round(self.trend.atl[-1], 1),
                "tsb": round(self.trend.tsb[-1], 1),
                "acwr": round(self.trend.acwr[-1], 2),
                "spike": self.spike,
                "spike_note": "descriptive load-spike flag, not an injury risk",
                "daily": self.trend.to_dict(last=28),
            },
        }


def check_week_of(
    day: date,
    sessions: Sequence[SessionFacts],
    settings: Settings,
    rules: Sequence[Rule] = RULES,
) -> WeekReport:
    """Check the Monday-to-Sunday week holding ``day``.

    ``sessions`` may span more than the week: those up to :data:`TREND_DAYS` before feed the
    load trend, and the days either side of the week feed R10/R11.
    """
    monday = week_start(day)
    sunday = monday + timedelta(days=6)
    inside = sorted(
        (s for s in sessions if monday <= s.local_start.date() <= sunday),
        key=lambda s: s.local_start,
    )
    ahead = timedelta(days=context_days(settings))
    context = [
        s.to_week_session(monday)
        for s in sessions
        if monday - timedelta(days=days_before(settings)) <= s.local_start.date() < monday
        or sunday < s.local_start.date() <= sunday + ahead
    ]
    week = WeekSessions(tuple(s.to_week_session(monday) for s in inside), tuple(context))
    # Each to-do says which session goes to which day and why, in the plan's words.
    violations = concrete([v for rule in rules for v in rule.check(week, settings)], week, settings)
    muscles = dict.fromkeys(MUSCLES, 0.0)
    strength = dict.fromkeys(MUSCLES, 0.0)
    for s in inside:
        for key, value in s.muscles.items():
            muscles[key] = muscles.get(key, 0.0) + value
        for key, value in s.strength_muscles.items():
            strength[key] = strength.get(key, 0.0) + value
    endurance = {k: max(0.0, v - strength.get(k, 0.0)) for k, v in muscles.items()}
    daily: dict[date, float] = {}
    daily_strength: dict[date, float] = {}
    for s in sessions:
        d = s.local_start.date()
        daily[d] = daily.get(d, 0.0) + s.trimp
        daily_strength[d] = daily_strength.get(d, 0.0) + s.strength_load
    trend = load_trend(
        sunday - timedelta(days=TREND_DAYS),
        sunday,
        daily,
        daily_strength,
        ctl_days=settings.ctl_days,
        atl_days=settings.atl_days,
    )
    spike = any(r > settings.acwr_spike for r in trend.acwr[-7:])
    coverage_rule = next((r for r in rules if isinstance(r, Coverage)), Coverage())
    return WeekReport(
        week=iso_week(monday),
        monday=monday,
        sessions=inside,
        violations=violations,
        coverage=coverage_rule.covered(week),
        muscles=muscles,
        trend=trend,
        cardio_band_min=sum(s.cardio_band_s for s in inside) / 60.0,
        spike=spike,
        rules=rules,
        above_band_min=sum(s.above_band_s for s in inside) / 60.0,
        guideline_min=CardioMinutes().minutes(week, settings),
        not_applicable=tuple(r.id for r in rules if not r.applies(week)),
        strength_muscles=strength,
        endurance_muscles=endurance,
    )
