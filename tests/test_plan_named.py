"""The plans issue 15 names, end to end through the CLI on the demo's database: each passes the
coach's checklist (bodyweight only, 10 minutes a day, Monday and Friday only, a race week)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from typer.testing import CliRunner

from legday.cli import app
from legday.model import Race
from legday.plan.placement import LIFT_HOUR, RUN_HOUR, RUN_MIN
from legday.plan.result import PlannedExercise
from legday.settings import Settings
from legday.week.rules import legs_after_race_h
from test_plan_sessions import coach_checklist

S = Settings()
RUNS = "mon=easy,tue=intervals,thu=tempo,sat=long"
runner = CliRunner()


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("named")
    result = runner.invoke(
        app,
        ["demo", "--weeks", "2", "--seed", "2", "--teammates", "0"],
        env={"LEGDAY_HOME": str(root)},
    )
    assert result.exit_code == 0, result.output
    return {"LEGDAY_HOME": str(root / "demo" / "seed-2")}


@pytest.fixture(scope="module")
def kit(home: dict[str, str]) -> set[str]:
    """The demo athlete's equipment."""
    shown = runner.invoke(app, ["profile", "show", "--json"], env=home)
    return set(json.loads(shown.output)["equipment"]) | {"bodyweight"}


def exercise(d: dict[str, Any]) -> PlannedExercise:
    """A planned exercise back from ``legday plan --json``."""
    return PlannedExercise(
        key=d["key"],
        name=d["name"],
        sets=d["sets"],
        reps=d["reps"],
        rir=d["rir"],
        load_kg=d["load_kg"],
        equipment=d["equipment"],
        mechanic=d["mechanic"],
        unilateral=d["unilateral"],
        region=d["region"],
        primary=tuple(d["muscles"]["primary"]),
        secondary=tuple(d["muscles"]["secondary"]),
        hold_s=d["hold_s"],
        guide=d["guide"],
        dosing=d["dosing"],
        count=d["count"],
        hard=d["hard"],
        rep_range=tuple(d["rep_range"]) if d["rep_range"] else None,
        slow=d["slow"],
        load_text=d["load"],
        progression=d["progression"],
        rest_s=d["rest_s"],
    )


def plan(home: dict[str, str], *args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["plan", "--runs", RUNS, *args, "--json"], env=home)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def sessions(data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (day["date"], s) for day in data["days"] for s in day["sessions"] if s["type"] == "strength"
    ]


def checked(data: dict[str, Any], kit: set[str]) -> list[tuple[str, dict[str, Any]]]:
    """Every session through the coach's checklist; the checks agree with ``infeasible``."""
    found = sessions(data)
    for _, s in found:
        coach_checklist([exercise(e) for e in s["exercises"]], kit)
    failed = {c["rule"] for c in data["checks"] if not c["ok"]}
    assert {i["rule"] for i in data["infeasible"]} == failed
    return found


def test_bodyweight_only(home: dict[str, str]) -> None:
    found = checked(plan(home, "--equipment", "bodyweight"), {"bodyweight"})
    assert found
    for _, s in found:
        assert all(e["load_kg"] is None for e in s["exercises"])


def test_ten_minutes_a_day(home: dict[str, str], kit: set[str]) -> None:
    found = checked(plan(home, "--minutes", "10"), kit)
    assert len(found) >= 2
    assert all(s["minutes"] <= 10 and len(s["exercises"]) <= 2 for _, s in found)
    assert any(s["focus"] in ("lower", "full") for _, s in found)


def test_monday_and_friday_only(home: dict[str, str], kit: set[str]) -> None:
    data = plan(home, "--available", "mon,fri")
    found = checked(data, kit)
    # Both days sit the day before a hard run: light legs, never zero leg work, R11 intact.
    assert [s["focus"] for _, s in found] == ["light_legs", "light_legs"]
    assert all(any(e["region"] == "lower" for e in s["exercises"]) for _, s in found)
    assert next(c for c in data["checks"] if c["rule"] == "R11")["ok"]


def test_a_race_week(home: dict[str, str], kit: set[str]) -> None:
    first = plan(home)
    monday = date.fromisoformat(first["days"][0]["date"])
    race = Race(monday + timedelta(days=6), 21.1)
    data = plan(home, "--race", str(race))
    found = checked(data, kit)
    assert [s["kind"] for s in data["days"][6]["sessions"]] == ["race"]
    assert 1 <= len(found) <= S.race_week_max_sessions
    assert all(date.fromisoformat(d) < race.day - timedelta(days=1) for d, _ in found)
    # And the week after: no hard legs for 96 h after a half marathon.
    after = plan(home, "--race", f"{monday - timedelta(days=1)}:21.1")
    checked(after, kit)
    for d, s in sessions(after):
        gap_h = (date.fromisoformat(d) - monday).days * 24 + 24 + LIFT_HOUR
        gap_h -= RUN_HOUR + RUN_MIN / 60
        if s["focus"] in ("lower", "full"):
            assert gap_h >= legs_after_race_h(21.1, S)
