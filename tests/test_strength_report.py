"""``legday strength``: the view a lifter reads (issue 15, item 7).

Each lift shows its e1RM trend (first → last over the last sessions, with a direction), the
next action and the reason for it; holds read in seconds, never ``3×None``; sets against a
band are logged (``@ band``, ``@ red band``), stored and shown; ``--json`` holds the texts the
table prints.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from legday.cli import app
from legday.model import ExerciseSet, StrengthSession
from legday.settings import Settings
from legday.strength.catalog import Catalog, load_catalog
from legday.strength.report import TREND_SESSIONS, strength_report

S = Settings()
DAY0 = datetime(2025, 9, 1, 17, tzinfo=UTC)
runner = CliRunner()


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def _session(day: int, *sets: ExerciseSet) -> StrengthSession:
    return StrengthSession(start=DAY0 + timedelta(days=day), sets=sets, utc_offset_s=0)


def _squat(reps: int, load: float) -> tuple[ExerciseSet, ...]:
    return tuple(
        ExerciseSet("back_squat", reps=reps, load_kg=load, rir=2.0, mapped=True) for _ in range(3)
    )


def _row(report: dict[str, object], key: str) -> dict[str, object]:
    rows = report["exercises"]
    assert isinstance(rows, list)
    return next(r for r in rows if r["key"] == key)


def test_trend_is_first_to_last_over_the_recent_sessions_with_a_direction(
    catalog: Catalog,
) -> None:
    loads = [60.0, 62.5, 65.0, 67.5, 70.0, 72.5, 75.0, 77.5]  # older ones fall out of the window
    sessions = [_session(3 * i, *_squat(8, w)) for i, w in enumerate(loads)]
    trend = _row(strength_report(sessions, catalog, S), "back_squat")["trend"]
    assert isinstance(trend, dict)
    first, last = (loads[-TREND_SESSIONS] * (1 + 10 / 30), loads[-1] * (1 + 10 / 30))
    assert (trend["measure"], trend["sessions"], trend["direction"]) == ("e1rm_kg", 6, "up")
    assert (trend["first"], trend["last"]) == (round(first, 1), round(last, 1))
    assert trend["text"] == f"e1RM {round(first, 1):g} → {round(last, 1):g} kg over the last 6 " + (
        f"sessions: up {(round(last, 1) - round(first, 1)) / round(first, 1):.0%}"
    )
    falling = [_session(3 * i, *_squat(8, w)) for i, w in enumerate([80.0, 80.0, 75.0])]
    assert _row(strength_report(falling, catalog, S), "back_squat")["trend"]["direction"] == "down"
    steady = [_session(3 * i, *_squat(8, 80.0)) for i in range(3)]
    assert _row(strength_report(steady, catalog, S), "back_squat")["trend"]["direction"] == "flat"
    one = [_session(0, *_squat(8, 80.0))]
    assert _row(strength_report(one, catalog, S), "back_squat")["trend"] is None


def test_each_lift_says_its_next_action_and_why(catalog: Catalog) -> None:
    top = [_session(0, *_squat(10, 80.0))]
    row = _row(strength_report(top, catalog, S), "back_squat")
    assert row["next_action"] == "Add load: 3 × 6 @ 82.5 kg, RIR 2"
    assert isinstance(row["reason"], str) and row["reason"].startswith("every set reached 10")


def test_holds_read_in_seconds(catalog: Catalog) -> None:
    plank = [
        _session(i, *(ExerciseSet("forearm_plank", duration_s=t, mapped=True) for t in (40, 35)))
        for i, t in enumerate([30, 0])
    ]
    row = _row(strength_report(plank, catalog, S), "forearm_plank")
    last, nxt = row["last"], row["next"]
    assert isinstance(last, dict) and isinstance(nxt, dict)
    assert last["seconds"] == [40, 35] and last["text"] == "2 × 40, 35 s hold"
    assert (nxt["reps"], nxt["seconds"]) == (None, 40)
    assert row["next_action"] == "Hold longer: 2 × 40 s hold"
    assert "None" not in json.dumps([last["text"], row["next_action"], row["reason"]])


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_cli_logs_bands_and_shows_the_view_as_json_says() -> None:
    logged = runner.invoke(app, ["log", "clamshell 3x15 @ band; banded row 3x8 @ red band rir 2"])
    assert logged.exit_code == 0, logged.output
    assert "band" in logged.output and "red band" in logged.output
    runner.invoke(app, ["log", "side plank 2x30s", "--date", "2026-11-20T18:00"])
    runner.invoke(app, ["log", "side plank 2x45s", "--date", "2026-11-24T18:00"])
    shown = runner.invoke(app, ["strength"], terminal_width=200)
    assert shown.exit_code == 0, shown.output
    data = json.loads(runner.invoke(app, ["strength", "--json"]).output)
    rows = {r["key"]: r for r in data["exercises"]}
    assert rows["banded_clamshell"]["last"]["band"] == "band"  # stored, read back
    assert rows["band_row"]["last"]["text"] == "3 × 8 @ red band, RIR 2"
    text = _plain(shown.output)
    for row in rows.values():  # the table prints the JSON's words
        assert _plain(row["next_action"]) in text and _plain(row["reason"]) in text
        if row["trend"] is not None:
            assert row["trend"]["text"] in text
    assert "3 × 15 @ band" in text and "3 × 8 @ red band" in text
    assert "longest hold 30 → 45 s over the last 2 sessions: up 50%" in text
    assert "None" not in text


def test_an_imperial_lifter_reads_pounds_and_the_plans_steps() -> None:
    assert runner.invoke(app, ["profile", "set", "units=imperial"]).exit_code == 0
    logged = runner.invoke(app, ["log", "deadlift 3x10 @ 225lb rir 2"])
    assert logged.exit_code == 0, logged.output
    data = json.loads(runner.invoke(app, ["strength", "--json"]).output)
    (row,) = data["exercises"]
    assert row["last"]["text"] == "3 × 10 @ 225 lb, RIR 2"  # never "102.1 kg"
    assert row["next_action"] == "Add load: 3 × 6 @ 230 lb, RIR 2"  # a 5 lb step, as plans take
    assert "230 lb" in _plain(runner.invoke(app, ["strength"], terminal_width=200).output)
