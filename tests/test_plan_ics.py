"""iCalendar export, read back with the icalendar library; the public surface of legday.plan."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from icalendar import Calendar

import legday.plan
from legday.errors import ConfigError
from legday.plan import parse_runs, plan_block, plan_week, to_ics

MONDAY = date(2026, 11, 30)
WEEK = parse_runs("mon=easy,tue=intervals,thu=tempo,sat=long")


def events(data: bytes) -> list:  # type: ignore[type-arg]
    return [c for c in Calendar.from_ical(data).walk() if c.name == "VEVENT"]


def test_one_event_per_strength_session_with_the_exercises() -> None:
    plan = plan_week(WEEK, monday=MONDAY)
    found = events(to_ics(plan))
    assert len(found) == len(plan.strength_sessions)
    for event, (day, session) in zip(found, plan.strength_sessions, strict=True):
        start = event.decoded("dtstart")
        assert start == datetime.combine(day.date, datetime.min.time()).replace(hour=18)
        assert (event.decoded("dtend") - start).total_seconds() == session.minutes * 60
        text = str(event.get("description"))
        assert all(e.name in text for e in session.exercises)
        assert session.why in text
        assert str(event.get("uid")) == f"2026-W49-{day.weekday}-strength@legday"


def test_start_hour_time_zone_and_determinism() -> None:
    plan = plan_week(WEEK, monday=MONDAY)
    early = events(to_ics(plan, start_hour=6.5, time_zone="Europe/Berlin"))
    start = early[0].decoded("dtstart")
    assert (start.hour, start.minute) == (6, 30) and str(start.tzinfo) == "Europe/Berlin"
    assert b"BEGIN:VTIMEZONE" in to_ics(plan, time_zone="Europe/Berlin")
    assert to_ics(plan) == to_ics(plan)


def test_a_block_exports_every_week() -> None:
    block = plan_block(4, WEEK, start=MONDAY)
    n = sum(len(p.strength_sessions) for p in block.plans)
    assert len(events(to_ics(block))) == n
    assert len({str(e.get("uid")) for e in events(to_ics(block))}) == n


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [({"start_hour": 25}, "start_hour"), ({"time_zone": "Mars/Olympus"}, "time zone")],
)
def test_bad_arguments(kwargs: dict[str, object], needle: str) -> None:
    with pytest.raises(ConfigError, match=needle):
        to_ics(plan_week(WEEK, monday=MONDAY), **kwargs)  # type: ignore[arg-type]


#: Constants first, then classes and functions (isort order, as ruff's RUF022 keeps it).
EXPECTED_ALL = [
    "PLAN_RULES",
    "RUN_KINDS",
    "Block",
    "Check",
    "Dose",
    "Focus",
    "Infeasibility",
    "Plan",
    "PlannedDay",
    "PlannedExercise",
    "PlannedSession",
    "infer_run_week",
    "parse_runs",
    "plan_block",
    "plan_week",
    "to_ics",
]


def test_plan_all_is_pinned_and_sorted() -> None:
    assert legday.plan.__all__ == EXPECTED_ALL
    constants = [n for n in EXPECTED_ALL if n.isupper()]
    rest = [n for n in EXPECTED_ALL if not n.isupper()]
    assert sorted(constants) + sorted(rest, key=lambda n: (n[0].islower(), n)) == EXPECTED_ALL
    assert all(hasattr(legday.plan, name) for name in legday.plan.__all__)
