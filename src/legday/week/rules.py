"""The week's rules (DOMAIN.md R2, R4, R8–R11) as objects, shared by the week check and the planner.

Each rule has an ``id``, a ``sentence`` that explains it to a runner, and
``check(week) -> list[Violation]``. A :class:`WeekSessions` is what the rules look at: sessions
placed on days (0 = Monday) with an order within the day, so the same objects judge a week that
happened and a week that is planned.
"""

from __future__ import annotations

import itertools
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

from legday.model import WEEKDAYS
from legday.settings import Settings

__all__ = [
    "HARD_KINDS",
    "RULES",
    "CardioMinutes",
    "Coverage",
    "HardDaysHard",
    "NewOverload",
    "Recovery",
    "Rule",
    "StrengthFrequency",
    "Violation",
    "WeekSession",
    "WeekSessions",
    "check_week",
    "legs_after_race_h",
    "race_km",
]

#: Run kinds that count as hard for R10/R11 (issue: intervals, tempo, hill repeats, sprints,
#: race and long runs).
HARD_KINDS: frozenset[str] = frozenset(
    {"intervals", "tempo", "hill_repeats", "sprints", "race", "long"}
)

#: Coverage items of R9, in the order they are reported.
COVERAGE_ITEMS: tuple[str, ...] = ("compound", "isolation", "single_leg", "core", "upper")

SessionType = Literal["run", "strength", "other"]


@dataclass(frozen=True, slots=True)
class WeekSession:
    """One session as the week rules see it."""

    day: int
    """0 = Monday … 6 = Sunday (the athlete's local calendar)."""
    type: SessionType
    hour: float = 12.0
    """Local start hour; orders sessions within a day (a lift "after the run" has a larger hour)."""
    kind: str | None = None
    """Run kind from the analysis (easy, long, intervals…), None for other sessions."""
    minutes: float = 0.0
    lower_body: bool = False
    """A strength session with hard lower-body work."""
    counts_as_leg_day: bool = False
    coverage: frozenset[str] = frozenset()
    """Which of R9's items a strength session covers (compound, isolation, single_leg, core,
    upper)."""
    cardio_band_min: float = 0.0
    above_band_min: float = 0.0
    """Minutes above the cardio band: vigorous, counted double toward R2's weekly figure."""
    overload: bool = False
    """A run much longer than usual (R4)."""
    id: int | str | None = None
    distance_km: float | None = None
    """A race's distance, when known (R11: the recovery after it scales with it)."""

    @property
    def time(self) -> float:
        """Hours since Monday 00:00."""
        return self.day * 24.0 + self.hour

    @property
    def is_hard_run(self) -> bool:
        return self.type == "run" and self.kind in HARD_KINDS

    @property
    def is_race(self) -> bool:
        return self.type == "run" and self.kind == "race"

    @property
    def end(self) -> float:
        """Hours since Monday 00:00 at the session's end."""
        return self.time + self.minutes / 60.0


@dataclass(frozen=True, slots=True)
class WeekSessions:
    """The sessions of one Monday-to-Sunday week, plus the days either side for R10/R11.

    ``before`` holds the previous week's sessions (days −7…−1) and ``after`` the next week's
    (days 7…13), so a Monday lift after a Sunday long run is judged correctly.
    """

    sessions: tuple[WeekSession, ...]
    context: tuple[WeekSession, ...] = ()

    @property
    def strength(self) -> list[WeekSession]:
        return [s for s in self.sessions if s.type == "strength"]

    @property
    def runs(self) -> list[WeekSession]:
        return [s for s in self.sessions if s.type == "run"]

    @property
    def has_race(self) -> bool:
        """The week (not its context) holds a race: a race week."""
        return any(s.is_race for s in self.sessions)

    def all_sessions(self) -> list[WeekSession]:
        return sorted([*self.context, *self.sessions], key=lambda s: s.time)


@dataclass(frozen=True, slots=True)
class Violation:
    rule: str
    text: str
    day: str | None = None
    """Weekday key (mon…sun) the violation is about, when it is about one day."""

    def to_dict(self) -> dict[str, str | None]:
        return {"rule": self.rule, "text": self.text, "day": self.day}


class Rule(ABC):
    """A week rule. ``hard`` rules must hold in a plan; soft ones are reported but may give."""

    id: ClassVar[str]
    sentence: ClassVar[str]
    hard: ClassVar[bool]

    @abstractmethod
    def check(self, week: WeekSessions, settings: Settings) -> list[Violation]:
        """Every way ``week`` breaks this rule."""

    def applies(self, week: WeekSessions) -> bool:
        """Whether the rule has anything to judge in ``week`` (a rule that does not apply is
        neither met nor broken; the week check and the plan both say "not applicable")."""
        return True

    #: What the check says when the rule does not apply.
    not_applicable: ClassVar[str] = ""

    def __repr__(self) -> str:
        return f"<{self.id} {type(self).__name__}>"


def _day(day: int) -> str:
    return WEEKDAYS[day % 7]


def race_km(race: WeekSession, settings: Settings) -> float:
    """A race's distance, or ``Settings.default_race_km`` when it was not given."""
    return race.distance_km if race.distance_km is not None else settings.default_race_km


def legs_after_race_h(distance_km: float, settings: Settings) -> int:
    """Hours with no hard leg session after a race of ``distance_km`` (R11): 48 h after a 5 k,
    72 h after a 10 k, 96 h after a half marathon, 144 h after a marathon (docs/science.md 5)."""
    bands = settings.race_distance_bands_km
    hours = settings.no_legs_after_race_h
    for bound, h in zip(bands, hours, strict=False):
        if distance_km <= bound:
            return h
    return hours[-1]


def _race_name(race: WeekSession, settings: Settings) -> str:
    km = race_km(race, settings)
    given = "" if race.distance_km is not None else " (distance not given)"
    return f"{_day(race.day)}'s {km:.3g} km race{given}"


class StrengthFrequency(Rule):
    """R8: lift 2–3 times a week, sessions of at least 15 minutes."""

    id: ClassVar[str] = "R8"
    sentence: ClassVar[str] = "Runners should lift 2–3 times a week; 15–20 minutes is enough."
    hard: ClassVar[bool] = True

    def check(self, week: WeekSessions, settings: Settings) -> list[Violation]:
        lo, hi = settings.strength_sessions_per_week
        n = len(week.strength)
        if week.has_race and n > settings.race_week_max_sessions:
            cap = settings.race_week_max_sessions
            return [
                Violation(
                    self.id,
                    f"{n} strength sessions in a race week: at most {cap}, at the race-week "
                    "dose, so the legs are fresh on race day.",
                )
            ]
        if n < lo:
            missing = lo - n
            return [
                Violation(
                    self.id,
                    f"{n} strength session{'s' if n != 1 else ''} this week: add {missing} "
                    f"(at least {settings.min_strength_session_min} minutes each).",
                )
            ]
        if n > hi:
            return [
                Violation(
                    self.id,
                    f"{n} strength sessions: more than {hi} leaves little "
                    "room to recover (R8, R11).",
                )
            ]
        return []


class Coverage(Rule):
    """R9: compound, isolation, single-leg, core and upper-body work over the week."""

    id: ClassVar[str] = "R9"
    sentence: ClassVar[str] = (
        "Include compound, isolation and single-leg exercises, plus core and upper body."
    )
    hard: ClassVar[bool] = True

    #: What to add for each missing item (DOMAIN.md R9 examples).
    SUGGEST: ClassVar[dict[str, str]] = {
        "compound": "a compound lift such as a deadlift or squat",
        "isolation": "an isolation exercise such as banded clamshells or calf raises",
        "single_leg": "a single-leg exercise such as Bulgarian split squats or step-ups",
        "core": "core work such as forearm planks, side planks or bird dogs",
        "upper": "upper-body work such as chest presses, biceps curls or triceps kickbacks",
    }

    #: How each item is named in a sentence.
    LABEL: ClassVar[dict[str, str]] = {
        "compound": "compound",
        "isolation": "isolation",
        "single_leg": "single-leg",
        "core": "core",
        "upper": "upper-body",
    }

    def covered(self, week: WeekSessions) -> dict[str, bool]:
        have: set[str] = set()
        for s in week.strength:
            have |= s.coverage
        return {item: item in have for item in COVERAGE_ITEMS}

    def check(self, week: WeekSessions, settings: Settings) -> list[Violation]:
        return [
            Violation(self.id, f"No {self.LABEL[item]} work this week: add {self.SUGGEST[item]}.")
            for item, ok in self.covered(week).items()
            if not ok
        ]


class HardDaysHard(Rule):
    """R10: a lower-body session goes on a hard-run day after the run, or the day after."""

    id: ClassVar[str] = "R10"
    sentence: ClassVar[str] = (
        "Keep hard days hard: lift legs after a hard run the same day, or the day after it."
    )
    hard: ClassVar[bool] = False
    not_applicable: ClassVar[str] = (
        "Not applicable: no hard run this week, so no leg session has one to pair with."
    )

    def applies(self, week: WeekSessions) -> bool:
        """A hard run this week (or last Sunday, for a Monday lift) to pair legs with."""
        return any(s.is_hard_run and -1 <= s.day <= 6 for s in week.all_sessions())

    def check(self, week: WeekSessions, settings: Settings) -> list[Violation]:
        if not self.applies(week):
            return []
        everything = week.all_sessions()
        out: list[Violation] = []
        for lift in week.strength:
            if not lift.lower_body:
                continue
            ok = any(
                r.is_hard_run
                and ((r.day == lift.day and r.hour <= lift.hour) or r.day == lift.day - 1)
                for r in everything
            )
            if not ok:
                out.append(
                    Violation(
                        self.id,
                        f"Leg session on {_day(lift.day)} is not on or the day after a hard run: "
                        "move it after a hard run or to the next day.",
                        _day(lift.day),
                    )
                )
        return out


class Recovery(Rule):
    """R11: no hard legs within 24 h before a hard or long run (72 h before a race); 48 h between
    leg sessions; around a race, no hard legs for 48–144 h after it (by distance) and no
    lifting at all the day before it."""

    id: ClassVar[str] = "R11"
    sentence: ClassVar[str] = (
        "Recover: no hard leg session in the 24 hours before a hard or long run (72 before a "
        "race), 48 hours between hard leg sessions; no lifting the day before a race, and no "
        "hard legs for 48–72 hours after one (longer after a half or full marathon)."
    )
    hard: ClassVar[bool] = True

    def check(self, week: WeekSessions, settings: Settings) -> list[Violation]:
        everything = week.all_sessions()
        legs = [s for s in everything if s.type == "strength" and s.lower_body]
        mine = {id(s) for s in week.sessions}
        out: list[Violation] = self._around_races(week, everything, settings)
        before_h = settings.no_legs_before_hard_run_h
        for lift in legs:
            if id(lift) not in mine:
                continue
            lift_end = lift.time + lift.minutes / 60.0
            for run in everything:
                limit = settings.no_legs_before_race_h if run.kind == "race" else before_h
                if run.is_hard_run and 0 < run.time - lift_end < limit:
                    out.append(
                        Violation(
                            self.id,
                            f"Leg session on {_day(lift.day)} is less than {limit} h before "
                            f"the {run.kind} run on {_day(run.day)}: legs will still be sore.",
                            _day(lift.day),
                        )
                    )
                    break
        gap_h = settings.min_hours_between_leg_sessions
        for a, b in itertools.pairwise(legs):
            if id(b) in mine and b.time - a.time < gap_h:
                out.append(
                    Violation(
                        self.id,
                        f"Leg sessions on {_day(a.day)} and {_day(b.day)} are less than "
                        f"{gap_h} h apart: give the muscles time to adapt.",
                        _day(b.day),
                    )
                )
        return out

    def _around_races(
        self, week: WeekSessions, everything: Sequence[WeekSession], settings: Settings
    ) -> list[Violation]:
        """No lifting the day before a race; no hard legs too soon after one."""
        races = [s for s in everything if s.is_race]
        out: list[Violation] = []
        for lift in week.strength:
            for race in races:
                if race.day - lift.day == 1:
                    out.append(
                        Violation(
                            self.id,
                            f"Strength session on {_day(lift.day)}, the day before "
                            f"{_race_name(race, settings)}: no lifting the day before a race; "
                            "move it earlier in the week or drop it.",
                            _day(lift.day),
                        )
                    )
                    break
                after_h = legs_after_race_h(race_km(race, settings), settings)
                if lift.lower_body and 0 <= lift.time - race.end < after_h:
                    out.append(
                        Violation(
                            self.id,
                            f"Leg session on {_day(lift.day)} is {lift.time - race.end:.0f} h "
                            f"after {_race_name(race, settings)}: no hard legs for {after_h} h "
                            "after it; upper body and core only until then.",
                            _day(lift.day),
                        )
                    )
                    break
        return out


class CardioMinutes(Rule):
    """R2: weekly minutes in the 50–85 % HRmax cardio band, a minute above it (vigorous)
    counting ``Settings.vigorous_minute_weight`` (2) of them, as the activity guidelines count
    75 vigorous minutes as 150 moderate ones."""

    id: ClassVar[str] = "R2"
    sentence: ClassVar[str] = (
        "Cardio is heart rate at 50–85 % of max; aim for the weekly guideline minutes (a "
        "minute above the band counts double)."
    )
    hard: ClassVar[bool] = False

    def minutes(self, week: WeekSessions, settings: Settings) -> float:
        """The week's guideline minutes: band minutes plus weighted minutes above the band."""
        weight = settings.vigorous_minute_weight
        return sum(s.cardio_band_min + weight * s.above_band_min for s in week.sessions)

    def check(self, week: WeekSessions, settings: Settings) -> list[Violation]:
        got = self.minutes(week, settings)
        need = settings.weekly_cardio_band_min
        if got < need:
            band = sum(s.cardio_band_min for s in week.sessions)
            above = sum(s.above_band_min for s in week.sessions)
            return [
                Violation(
                    self.id,
                    f"{got:.0f} guideline minutes this week ({band:.0f} in the cardio band, "
                    f"{above:.0f} above it counted {settings.vigorous_minute_weight:g} ×), under "
                    f"the {need} of the guidelines.",
                )
            ]
        return []


class NewOverload(Rule):
    """R4: a run much longer than the runner's usual is a new overload — flag it."""

    id: ClassVar[str] = "R4"
    sentence: ClassVar[str] = (
        "Steady running builds little strength, unless a run is much longer than usual."
    )
    hard: ClassVar[bool] = False

    def check(self, week: WeekSessions, settings: Settings) -> list[Violation]:
        return [
            Violation(
                self.id,
                f"The run on {_day(s.day)} was much longer than usual: a new overload; "
                "keep the next days easy.",
                _day(s.day),
            )
            for s in week.runs
            if s.overload
        ]


#: Every week rule, in the order they are reported.
RULES: tuple[Rule, ...] = (
    StrengthFrequency(),
    Coverage(),
    HardDaysHard(),
    Recovery(),
    CardioMinutes(),
    NewOverload(),
)


def check_week(
    week: WeekSessions, settings: Settings, rules: Sequence[Rule] = RULES
) -> list[Violation]:
    """Every violation of ``rules`` in ``week``."""
    return [v for rule in rules for v in rule.check(week, settings)]
