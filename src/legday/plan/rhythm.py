"""The athlete's own rhythm: when they run and when they lift, from their history (pure).

A plan places runs at the times the history shows (evening runners exist) and lifts where the
athlete lifts, rather than at an assumed 07:00 run and 18:00 lift. :meth:`Rhythm.of` reads the
stored sessions (:class:`~legday.week.check.SessionFacts`, local wall-clock starts):

* a run's start and length are the medians of the runs of that weekday and kind, else of that
  kind, else of that weekday, else of every run, else :data:`RUN_HOUR` and :data:`RUN_MIN`;
* a lift's start is the median of that weekday's lifts, else of every lift, else
  :data:`LIFT_HOUR`; on a run day it goes after the run (R10: legs after the hard run; a lift
  before a run would make the run the tired, second session);
* the athlete's lifting days are the weekdays holding at least :data:`LIFT_DAY_MIN` of the
  window's lifts; the planner prefers them (a soft cost, never against a rule).

The window is the last :data:`RHYTHM_WEEKS` weeks before the plan (docs/science.md 5).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from legday.week.check import SessionFacts

from .runs import INFER_WEEKS

__all__ = [
    "LIFT_DAY_MIN",
    "LIFT_HOUR",
    "RHYTHM_WEEKS",
    "RUN_HOUR",
    "RUN_MIN",
    "Rhythm",
]

#: Start of a run without history, local hour (a morning run).
RUN_HOUR: float = 7.0
#: Length of a run without history, minutes.
RUN_MIN: float = 45.0
#: Start of a strength session without history, local hour: at least 6 h after a morning run
#: (REFERENCES.md, concurrent training: a heavy leg session ≥ 6 h after quality running).
LIFT_HOUR: float = 18.0
#: Weeks of history the rhythm is read from: the four the run week is inferred from
#: (:data:`legday.plan.runs.INFER_WEEKS`), long enough for a habit, recent enough to follow a
#: change of routine.
RHYTHM_WEEKS: int = INFER_WEEKS
#: Lifts on a weekday within the window that make it one of the athlete's lifting days.
LIFT_DAY_MIN: int = 2


def _median(values: Iterable[float]) -> float | None:
    listed = list(values)
    return statistics.median(listed) if listed else None


@dataclass(frozen=True)
class Rhythm:
    """When the athlete runs and lifts (local hours; 0 = Monday for days). ``Rhythm()`` is the
    default week: runs at 07:00 for 45 minutes, lifts at 18:00, no preferred lifting day."""

    runs: Mapping[tuple[int, str], tuple[float, float]] = field(default_factory=dict)
    """(weekday, kind) → (median start hour, median minutes)."""
    by_kind: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    by_day: Mapping[int, tuple[float, float]] = field(default_factory=dict)
    every_run: tuple[float, float] = (RUN_HOUR, RUN_MIN)
    lifts: Mapping[int, float] = field(default_factory=dict)
    """Weekday → median start hour of the athlete's lifts that day."""
    every_lift: float = LIFT_HOUR
    lift_days: frozenset[int] = frozenset()
    """The athlete's lifting days (empty: no preference)."""

    def run_at(self, day: int, kind: str) -> tuple[float, float]:
        """(start hour, minutes) of a ``kind`` run on weekday ``day`` (any day; −1 is Sunday)."""
        weekday = day % 7
        for found in (
            self.runs.get((weekday, kind)),
            self.by_kind.get(kind),
            self.by_day.get(weekday),
        ):
            if found is not None:
                return found
        return self.every_run

    def lift_at(self, day: int, run: tuple[float, float] | None = None) -> float:
        """Start hour of a lift on weekday ``day``, after the day's ``run`` (hour, minutes)."""
        hour = self.lifts.get(day % 7, self.every_lift)
        if run is not None:
            hour = max(hour, run[0] + run[1] / 60.0)
        return min(hour, 23.5)

    @classmethod
    def of(cls, sessions: Iterable[SessionFacts]) -> Rhythm:
        """The rhythm of ``sessions`` (give those of the last :data:`RHYTHM_WEEKS` weeks;
        ``kinds`` of runs as the planner names them)."""
        runs: dict[tuple[int, str], list[tuple[float, float]]] = {}
        lifts: dict[int, list[float]] = {}
        for s in sessions:
            hour = s.local_start.hour + s.local_start.minute / 60.0
            day = s.local_start.weekday()
            if s.type == "run" and s.kind:
                runs.setdefault((day, s.kind), []).append((hour, s.minutes))
            elif s.type == "strength":
                lifts.setdefault(day, []).append(hour)

        def summary(groups: Iterable[list[tuple[float, float]]]) -> tuple[float, float] | None:
            items = [x for g in groups for x in g]
            h, m = _median(x[0] for x in items), _median(x[1] for x in items)
            return None if h is None or m is None else (h, m)

        by_kind: dict[str, list[tuple[float, float]]] = {}
        by_day: dict[int, list[tuple[float, float]]] = {}
        for (day, kind), items in runs.items():
            by_kind.setdefault(kind, []).extend(items)
            by_day.setdefault(day, []).extend(items)
        every_lift = _median(h for hs in lifts.values() for h in hs)
        return cls(
            runs={k: v for k, g in runs.items() if (v := summary([g])) is not None},
            by_kind={k: v for k, g in by_kind.items() if (v := summary([g])) is not None},
            by_day={k: v for k, g in by_day.items() if (v := summary([g])) is not None},
            every_run=summary(runs.values()) or (RUN_HOUR, RUN_MIN),
            lifts={d: statistics.median(hs) for d, hs in lifts.items()},
            every_lift=every_lift if every_lift is not None else LIFT_HOUR,
            lift_days=frozenset(d for d, hs in lifts.items() if len(hs) >= LIFT_DAY_MIN),
        )
