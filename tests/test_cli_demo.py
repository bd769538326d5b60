"""``legday demo``: the project's front door, end to end."""

from __future__ import annotations

import io
import json
import os
import re
import warnings
from pathlib import Path

import fitdecode
import pytest
from typer.testing import CliRunner

from legday.cli import app

runner = CliRunner()


def test_demo_runs_end_to_end_and_leaves_a_home_to_explore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # where the default home is on Linux: below a dot folder (~/.local/share/legday)
    monkeypatch.setenv("LEGDAY_HOME", str(tmp_path / ".local" / "share" / "legday"))
    # four weeks: enough for seed 4's runner to have a quality run in next week's plan
    result = runner.invoke(app, ["demo", "--weeks", "4", "--seed", "4"], terminal_width=120)
    assert result.exit_code == 0, result.output
    for step in ("1. A sample runner", "2. Imported", "3. The week check", "4. Next week's plan"):
        assert step in result.output
    # the newest capability: how legday named a quality run, and the command that explains it
    assert re.search(r"How legday named\s+\S+:\s+\w+\s+\(confidence\s+0\.\d\d\)", result.output)
    assert "--explain" in result.output
    imported = re.search(r"Imported (\d+) files \((\d+) failed\)", result.output)
    assert imported is not None and int(imported[1]) > 0 and imported[2] == "0", result.output
    demo_home = Path(os.environ["LEGDAY_HOME"]) / "demo" / "seed-4"
    assert (demo_home / "legday.sqlite").exists() and (demo_home / "legday.toml").exists()
    # next week's strength sessions as watch workouts, and the output says where
    workouts = sorted((demo_home / "workouts").glob("*.fit"))
    assert workouts and f"{len(workouts)} workouts for a Garmin watch in" in result.output
    # ... and next week's quality run, structured and paced from the athlete's threshold
    said = re.search(
        r"the run workout (\S+-run\.fit): (\w[\w ]*) (\S+), paces from a threshold of "
        r"(\d+):(\d\d)/km \(your profile\)",
        result.output,
    )
    assert said is not None, result.output
    run_file = demo_home / "workouts" / said[1]
    assert run_file in workouts
    threshold_mps = 1000 / (int(said[4]) * 60 + int(said[5]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # fitdecode warns on anything odd
        reader = fitdecode.FitReader(
            io.BytesIO(run_file.read_bytes()), check_crc=fitdecode.CrcCheck.ENABLED
        )
        with reader as fit:
            frames = [f for f in fit if isinstance(f, fitdecode.FitDataMessage)]
    (workout,) = [f for f in frames if f.name == "workout"]
    assert workout.get_value("sport") == "running"
    assert said[3] in workout.get_value("wkt_name")  # the structure, as the watch lists it
    steps = [f for f in frames if f.name == "workout_step"]
    intensities = [s.get_value("intensity") for s in steps]
    assert intensities[0] == "warmup" and intensities[-1] == "cooldown" and "active" in intensities
    paced = [s for s in steps if s.get_value("target_type", fallback=None) == "speed"]
    assert paced, "a quality run has a pace to hold"
    for step in paced:  # at threshold or faster (a race pace from 10 km down)
        low = step.get_value("custom_target_speed_low")
        high = step.get_value("custom_target_speed_high")
        assert low < high and high >= threshold_mps

    # The history ends with the last completed week before today; the demo says which day.
    last_day = re.search(r"legday week --date (\d{4}-\d\d-\d\d)", result.output)
    assert last_day is not None
    week = runner.invoke(
        app, ["week", "--json", "--date", last_day[1]], env={"LEGDAY_HOME": str(demo_home)}
    )
    assert week.exit_code == 0, week.output
    assert json.loads(week.output)["sessions"], "the demo's last week holds sessions"
    # the newest capability: a coach's roster of the runner and three teammates, the one most
    # in need of attention first
    assert "5. A coach's roster" in result.output and "Roster, week" in result.output
    roster = runner.invoke(
        app, ["roster", "--json", "--date", last_day[1]], env={"LEGDAY_HOME": str(demo_home)}
    )
    rows = json.loads(roster.stdout)["athletes"]
    assert len(rows) == 4 and {r["athlete"] for r in rows} > {"default"}, rows
    scores = [r["attention"]["score"] for r in rows]
    assert scores == sorted(scores, reverse=True)


def test_an_8_week_block_from_the_demo_passes_the_coach_checklist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15, end to end: ``legday plan --weeks 8 --json`` on the demo's database."""
    from test_plan_sessions import CATALOG

    monkeypatch.setenv("LEGDAY_HOME", str(tmp_path))
    assert (
        runner.invoke(app, ["demo", "--weeks", "2", "--seed", "1", "--teammates", "0"]).exit_code
        == 0
    )
    home = {"LEGDAY_HOME": str(tmp_path / "demo" / "seed-1")}
    result = runner.invoke(app, ["plan", "--weeks", "8", "--json"], env=home)
    assert result.exit_code == 0, result.output
    weeks = json.loads(result.output)["weeks"]
    assert len(weeks) == 8
    main_by_week = []
    for week in weeks:
        legs = set()
        for day in week["days"]:
            for s in day["sessions"]:
                if s["type"] != "strength":
                    continue
                for e in s["exercises"]:
                    assert not CATALOG.get(e["key"]).endurance_only
                    if e["dosing"] == "activation":
                        assert e["rir"] is None and e["load_kg"] is None and not e["hard"]
                    if e["load_kg"] is not None:
                        assert e["load"] and ("kg" in e["load"] or "lb" in e["load"])
                    if e["region"] == "lower" and e["dosing"] not in ("activation", "hold"):
                        legs.add(e["key"])
        if not week["deload"] and not week["race"]:
            main_by_week.append(legs)
    # The main lifts of the first week are still there at the end of the block.
    assert main_by_week[0] & main_by_week[-1]
    text = runner.invoke(app, ["plan"], env=home, terminal_width=200).output
    assert "next: " in text and "@ RIR" in text
