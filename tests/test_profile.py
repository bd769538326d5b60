"""The athlete profile: validation that names the bad key or value, and the CLI."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from legday.cli import app
from legday.errors import ConfigError
from legday.home import Home
from legday.model import AthleteProfile

runner = CliRunner()


def test_with_value_parses_and_validates() -> None:
    p = AthleteProfile().with_value("hr_max", " 188 ").with_value("sex", "Female")
    assert p.hr_max == 188 and p.sex == "f"
    p = p.with_value("available_days", "Wednesday, mon,mon")
    assert p.available_days == ("mon", "wed")
    assert p.with_value("time_zone", "Europe/Berlin").time_zone == "Europe/Berlin"


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("hr_max", "300", "between 100 and 240"),
        ("hr_max", "fast", "whole number"),
        ("sex", "x", "one of m, f"),
        ("equipment", "barbell,rocket", "rocket"),
        ("time_zone", "Mars/Olympus", "not a known time zone"),
        ("shoe_size", "44", "unknown profile key 'shoe_size'"),
    ],
)
def test_bad_values_are_named(key: str, value: str, fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment):
        AthleteProfile().with_value(key, value)


def test_round_trip_through_home(tmp_path) -> None:  # type: ignore[no-untyped-def]
    home = Home(tmp_path)
    profile = AthleteProfile(hr_max=190, sex="m", equipment=("bodyweight", "barbell"))
    home.save_profile(profile)
    assert home.profile() == profile


def test_cli_set_then_show() -> None:
    result = runner.invoke(app, ["profile", "set", "hr_max=181", "units=imperial"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["profile", "show", "--json"])
    data = json.loads(result.output)
    assert data["hr_max"] == 181 and data["units"] == "imperial"


def test_cli_bad_value_is_one_line_error() -> None:
    result = runner.invoke(app, ["profile", "set", "hr_rest=abc"])
    assert result.exit_code == 1
    assert "hr_rest" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["profile", "set", "novalue"])
    assert result.exit_code == 1 and "KEY=VALUE" in result.output


@pytest.mark.parametrize(
    ("raw", "expected"), [("4:30", 270), ("4:30/km", 270), ("7:15/mi", 270), ("300", 300)]
)
def test_threshold_pace(raw: str, expected: int) -> None:
    assert AthleteProfile().with_value("threshold_pace_s_per_km", raw).threshold_pace_s_per_km == (
        expected
    )


def test_bad_threshold_pace_is_named() -> None:
    with pytest.raises(ConfigError, match="threshold_pace_s_per_km"):
        AthleteProfile().with_value("threshold_pace_s_per_km", "fast")
    with pytest.raises(ConfigError, match="between 2:00 and 12:00"):
        AthleteProfile().with_value("threshold_pace_s_per_km", "0:59")
