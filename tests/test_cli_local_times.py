"""Issue 17 item 7: the command line says times on the athlete's clock (their profile's time
zone), never UTC or epoch seconds, and ascent in their units."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

import legday
from legday.cli import app
from legday.cli.demo import DEMO_WATCH
from legday.synth import Device, generate_history, write_history

runner = CliRunner()


@pytest.fixture(scope="module")
def fit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A hilly run of the demo's watch (GPS and barometer), as a FIT file."""
    folder = tmp_path_factory.mktemp("local-times")
    watch = Device(DEMO_WATCH, has_gps=True, has_baro=True, noise=1)
    history = generate_history(weeks=1, seed=3, device=watch)
    paths = write_history(history, folder, formats=("fit",))
    return max((p for p in paths if p.suffix == ".fit"), key=lambda p: p.stat().st_size)


def _set(*values: str) -> None:
    result = runner.invoke(app, ["profile", "set", *values])
    assert result.exit_code == 0, result.output


def test_inspect_and_analyze_speak_the_athletes_time_and_units(fit: Path) -> None:
    _set("time_zone=America/Anchorage", "units=imperial")
    activity = legday.read(fit)
    local = activity.start.astimezone(ZoneInfo("America/Anchorage"))
    shown = runner.invoke(app, ["inspect", str(fit)], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert f"start {local:%a %Y-%m-%d %H:%M} {local:%Z}" in shown.output
    assert "│ time " in shown.output and f"{local:%H:%M:%S} {local:%Z}" in shown.output
    assert not re.search(r"1\.[78]\d*e\+09", shown.output)  # no epoch seconds
    analysed = runner.invoke(app, ["analyze", str(fit)], env={"COLUMNS": "200"})
    assert analysed.exit_code == 0, analysed.output
    assert f"{local:%a %Y-%m-%d %H:%M} {local:%Z}" in analysed.output
    assert "+00:00" not in analysed.output
    ascent = re.search(r"ascent (\d+) (ft|m)", analysed.output)
    assert ascent is not None and ascent.group(2) == "ft"
    _set("units=metric")
    metric = runner.invoke(app, ["analyze", str(fit)], env={"COLUMNS": "200"})
    metres = re.search(r"ascent (\d+) m\b", metric.output)
    assert metres is not None and int(ascent.group(1)) == pytest.approx(
        int(metres.group(1)) / 0.3048, abs=2
    )
    assert int(metres.group(1)) > 10  # a run of the demo's watch climbs
