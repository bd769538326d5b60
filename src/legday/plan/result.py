"""What the planner returns: a week (or block) of days holding runs and strength sessions.

Every result has ``to_dict()`` (the JSON shape of ``legday plan --json``) and ``lines()`` (a
plain-text view; the CLI renders its own Rich table).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from legday.model import WEEKDAYS
from legday.week.rules import WeekSession, WeekSessions

__all__ = [
    "Block",
    "Check",
    "Focus",
    "Infeasibility",
    "Plan",
    "PlannedDay",
    "PlannedExercise",
    "PlannedSession",
]

#: What a strength session trains: legs, upper body and core, or both; ``light_legs`` is upper
#: body and core with a light lower-body block (far from failure, never hard sets: R11 holds).
Focus = Literal["lower", "upper_core", "full", "light_legs"]

#: How each focus is named in a plan.
FOCUS_LABEL: dict[str, str] = {
    "lower": "lower",
    "upper_core": "upper + core",
    "full": "full",
    "light_legs": "upper + core, light legs",
}


@dataclass(frozen=True, slots=True)
class PlannedExercise:
    """One exercise of a planned session: what to do, how hard, and how it moves on."""

    key: str
    name: str
    sets: int
    reps: int
    """Repetitions per set (per side when ``unilateral``; steps each way for a walk); 1 for a
    hold."""
    rir: int | None
    """Target repetitions in reserve (R7); None for holds and activation drills."""
    load_kg: float | None
    """External load that exists for the athlete; None for bodyweight, bands or unknown."""
    equipment: str
    mechanic: str
    unilateral: bool
    region: str
    primary: tuple[str, ...]
    secondary: tuple[str, ...]
    hold_s: int | None = None
    """Seconds per set for a hold or a timed drill, else None."""
    guide: str | None = None
    """How to pick the load, band or variation when it is not known."""
    duration_s: float = 0.0
    """Estimated time: sets, rests and the changeover to the next exercise."""
    dosing: str = "loaded"
    """How it is dosed (:data:`legday.strength.catalog.Dosing`)."""
    count: str = "reps"
    """What is counted: reps, steps or seconds."""
    hard: bool = True
    """Its sets are hard sets (False for activation drills)."""
    rep_range: tuple[int, int] | None = None
    """The double-progression range the reps move in."""
    slow: bool = False
    """Lower each rep over 3–4 s with a pause (the progression past the last load or rung)."""
    load_text: str | None = None
    """``load_kg`` in the athlete's units (``225 lb``)."""
    progression: str = ""
    """How it moves on, as a coach says it."""
    rest_s: int | None = None
    """Seconds of rest between sets (None for a single set)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "sets": self.sets,
            "reps": self.reps,
            "rir": self.rir,
            "load_kg": self.load_kg,
            "load": self.load_text,
            "equipment": self.equipment,
            "mechanic": self.mechanic,
            "unilateral": self.unilateral,
            "region": self.region,
            "muscles": {"primary": list(self.primary), "secondary": list(self.secondary)},
            "hold_s": self.hold_s,
            "guide": self.guide,
            "dosing": self.dosing,
            "count": self.count,
            "hard": self.hard,
            "rep_range": list(self.rep_range) if self.rep_range else None,
            "slow": self.slow,
            "progression": self.progression,
            "rest_s": self.rest_s,
        }

    def line(self) -> str:
        """``Goblet Squat: 3 × 8 @ RIR 2, 16 kg``; ``Side Plank: 3 × 30 s per side``;
        ``Monster Walk: 2 × 10 steps each way (activation, no RIR)``."""
        side = " per side" if self.unilateral else ""
        if self.dosing == "activation":
            if self.count == "steps":
                amount = f"{self.reps} steps each way"
            elif self.hold_s:
                amount = f"{self.hold_s} s{side}"
            else:
                amount = f"{self.reps}{side}"
            return f"{self.name}: {self.sets} × {amount} (activation, no RIR)"
        if self.hold_s:
            return f"{self.name}: {self.sets} × {self.hold_s} s hold{side}"
        slow = ", lowering over 3–4 s" if self.slow else ""
        if self.load_text:
            how = f", {self.load_text}"
        elif self.dosing == "bodyweight":
            how = f", bodyweight ({self.guide})" if self.guide else ", bodyweight"
        elif self.guide:
            how = f" ({self.guide})"
        else:
            how = ""
        rest = f"; rest {self.rest_s / 60:g} min" if self.rest_s and self.rest_s >= 120 else ""
        return f"{self.name}: {self.sets} × {self.reps}{side} @ RIR {self.rir}{slow}{how}{rest}"


@dataclass(frozen=True, slots=True)
class PlannedSession:
    """A run (fixed input) or a planned strength session."""

    type: Literal["run", "strength"]
    kind: str | None = None
    """The run kind; None for strength."""
    focus: Focus | None = None
    """The strength session's focus; None for a run."""
    minutes: int = 0
    after_run: bool = False
    """The strength session comes after the same day's run."""
    hour: float = 12.0
    """Planned local start hour (what the week rules were checked with)."""
    why: str = ""
    exercises: tuple[PlannedExercise, ...] = ()
    coverage: frozenset[str] = frozenset()
    """R9 items the session covers (compound, isolation, single_leg, core, upper)."""

    @property
    def lower_body(self) -> bool:
        return self.focus in ("lower", "full")

    def week_session(self, day: int) -> WeekSession:
        """The session as the week rules see it, on day ``day`` (0 = this Monday)."""
        return WeekSession(
            day=day,
            type=self.type,
            hour=self.hour,
            kind=self.kind,
            minutes=float(self.minutes),
            lower_body=self.lower_body,
            coverage=self.coverage,
        )

    @property
    def time(self) -> str:
        """The planned local start, ``HH:MM``."""
        minutes = round(self.hour * 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    def to_dict(self) -> dict[str, Any]:
        if self.type == "run":
            return {"type": "run", "kind": self.kind, "time": self.time}
        return {
            "type": "strength",
            "time": self.time,
            "focus": self.focus,
            "minutes": self.minutes,
            "after": "run" if self.after_run else None,
            "why": self.why,
            "exercises": [e.to_dict() for e in self.exercises],
        }

    def lines(self) -> list[str]:
        if self.type == "run":
            return [f"{self.time} run: {self.kind}"]
        where = ", after the run" if self.after_run else ""
        focus = FOCUS_LABEL.get(self.focus or "", "")
        head = f"{self.time} strength {self.minutes} min ({focus}{where})"
        out = [head, f"  why: {self.why}"]
        for e in self.exercises:
            out.append(f"  - {e.line()}")
            if e.progression:
                out.append(f"      next: {e.progression}")
        return out


@dataclass(frozen=True, slots=True)
class PlannedDay:
    date: date
    sessions: tuple[PlannedSession, ...]

    @property
    def weekday(self) -> str:
        return WEEKDAYS[self.date.weekday()]

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "weekday": self.weekday,
            "sessions": [s.to_dict() for s in self.sessions],
        }


@dataclass(frozen=True, slots=True)
class Check:
    """One rule of the week check on the planned week."""

    rule: str
    ok: bool
    text: str
    applicable: bool = True
    """False when the rule has nothing to judge (R10 in a week without a hard run)."""

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "ok": self.ok, "applicable": self.applicable, "text": self.text}


@dataclass(frozen=True, slots=True)
class Infeasibility:
    """A rule the plan could not meet, and why."""

    rule: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "text": self.text}


@dataclass(frozen=True, slots=True)
class Plan:
    """A Monday-to-Sunday plan."""

    week: str
    """ISO week, e.g. ``2026-W49``."""
    monday: date
    days: tuple[PlannedDay, ...]
    checks: tuple[Check, ...]
    infeasible: tuple[Infeasibility, ...] = ()
    context: tuple[WeekSession, ...] = ()
    """The neighbouring weeks' sessions the rules were checked with (days < 0 and > 6)."""

    @property
    def strength_sessions(self) -> list[tuple[PlannedDay, PlannedSession]]:
        return [(d, s) for d in self.days for s in d.sessions if s.type == "strength"]

    @property
    def ok(self) -> bool:
        """True when no rule had to give."""
        return not self.infeasible

    def week_sessions(self) -> WeekSessions:
        """The planned week as the week rules see it (with its context)."""
        return WeekSessions(
            tuple(s.week_session(i) for i, d in enumerate(self.days) for s in d.sessions),
            self.context,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "week": self.week,
            "days": [d.to_dict() for d in self.days],
            "checks": [c.to_dict() for c in self.checks],
            "infeasible": [i.to_dict() for i in self.infeasible],
        }

    def lines(self) -> list[str]:
        out = [f"Plan for {self.week} (week of {self.monday.isoformat()})"]
        for day in self.days:
            label = f"{day.weekday.capitalize()} {day.date.isoformat()}"
            if not day.sessions:
                out.append(f"{label}  rest")
            for i, session in enumerate(day.sessions):
                for j, text in enumerate(session.lines()):
                    prefix = label if i == 0 and j == 0 else " " * len(label)
                    out.append(f"{prefix}  {text}")
        out.append("Checks:")
        out.extend(
            f"  {c.rule} {'n/a' if not c.applicable else 'ok ' if c.ok else 'NO '} {c.text}"
            for c in self.checks
        )
        if self.infeasible:
            out.append("Could not meet:")
            out.extend(f"  {i.rule}: {i.text}" for i in self.infeasible)
        return out


@dataclass(frozen=True, slots=True)
class Block:
    """Several consecutive weekly plans with progressive loads."""

    plans: tuple[Plan, ...]
    deload_weeks: tuple[int, ...]
    """Indices (0-based) of the deload weeks."""
    race_weeks: tuple[int, ...]
    """Indices (0-based) of the weeks holding a race."""
    taper_weeks: tuple[int, ...] = ()
    """Indices (0-based) of the lighter weeks before a half marathon or longer (the taper)."""

    @property
    def ok(self) -> bool:
        return all(p.ok for p in self.plans)

    def to_dict(self) -> dict[str, Any]:
        return {
            "weeks": [
                {
                    **p.to_dict(),
                    "deload": i in self.deload_weeks,
                    "race": i in self.race_weeks,
                    "taper": i in self.taper_weeks,
                }
                for i, p in enumerate(self.plans)
            ],
        }

    def lines(self) -> list[str]:
        out: list[str] = []
        for i, plan in enumerate(self.plans):
            tags = [
                t
                for t, weeks in (
                    ("deload", self.deload_weeks),
                    ("race", self.race_weeks),
                    ("taper", self.taper_weeks),
                )
                if i in weeks
            ]
            label = f" ({', '.join(tags)})" if tags else ""
            out.append(f"== Week {i + 1} of {len(self.plans)}{label}")
            out.extend(plan.lines())
        return out
