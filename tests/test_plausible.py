"""Plausible values only (issue 16, item 4).

A set of 1e308 kg, a negative load, 1e-320 kg, 8.5 reps or a year outside 1900–2100 is refused
with its row named (Strong and Hevy CSV) or its entry shown (``legday log``); e1RM never prints
"inf"; ``legday.toml`` is checked the same way, and an inverted cardio band or a negative
threshold is an error that names the key. Before the fix each of these was stored as written
(1e308 kg made e1RM ``inf``; an inverted band made every minute "above the band").
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from legday.cli import app
from legday.errors import ConfigError, LogSyntaxError
from legday.home import Home
from legday.io.strength_csv import read_strength_csv
from legday.plausible import implausible_date, implausible_load, implausible_reps
from legday.settings import Settings
from legday.strength import load_catalog, parse_log
from test_hostile_csv import HEVY, STRONG, strong_row

runner = CliRunner()

#: (weight, reps, date) of a row and the words its skip reason holds.
BAD_ROWS = [
    ("1e308", "5", "2024-11-28 17:36:08", "implausibly high"),
    ("-20", "5", "2024-11-28 17:36:08", "negative load"),
    ("1e-320", "5", "2024-11-28 17:36:08", "implausibly low"),
    ("100", "8.5", "2024-11-28 17:36:08", "not a whole number"),
    ("100", "-3", "2024-11-28 17:36:08", "negative reps"),
    ("100", "5", "1899-12-31 10:00:00", "the year 1899 is outside 1900–2100"),
    ("100", "5", "2101-01-01 10:00:00", "the year 2101 is outside 1900–2100"),
]


def _hevy_row(weight: str, reps: str, date: str) -> str:
    return f"Legs,{date},{date},,Squat (Barbell),,,0,normal,{weight},{reps},,,\n"


@pytest.mark.parametrize(("weight", "reps", "date", "reason"), BAD_ROWS)
@pytest.mark.parametrize("fmt", ["strong", "hevy"])
def test_an_implausible_row_is_refused_by_its_line(
    fmt: str, weight: str, reps: str, date: str, reason: str
) -> None:
    good = "2024-11-28 17:36:08"
    if fmt == "strong":
        text = STRONG + strong_row(date=good) + strong_row(weight=weight, reps=reps, date=date)
    else:
        text = HEVY + _hevy_row("100", "5", good) + _hevy_row(weight, reps, date)
    result = read_strength_csv(io.BytesIO(text.encode()), name="log.csv")
    assert [len(s.sets) for s in result.sessions] == [1]
    assert [(r.line, reason in r.reason) for r in result.skipped_rows] == [(3, True)], (
        result.skipped_rows
    )
    assert any(w.startswith("line 3: ") and reason in w for w in result.warnings)


def test_plausible_rows_still_import() -> None:
    rows = "".join(
        strong_row(weight=w, reps=r) for w, r in (("0", "12"), ("0.125", "5"), ("1000", "1"))
    )
    result = read_strength_csv(io.BytesIO((STRONG + rows).encode()), name="log.csv")
    assert result.skipped_rows == [] and result.sets == 3


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("back squat 3x8 @ 0.001kg", "implausibly low"),
        ("back squat 3x8 @ 5000kg", "implausibly high"),
        ("back squat 3x8 @ 1e308kg", "expected a load"),
        ("back squat 3x8 @ -20kg", "expected a load"),
        ("back squat 3x8.5 @ 80kg", "SETSxREPS"),
    ],
)
def test_log_refuses_implausible_sets(text: str, fragment: str) -> None:
    with pytest.raises(LogSyntaxError, match=fragment):
        parse_log(text, load_catalog())


def test_e1rm_never_prints_inf(tmp_path: Path) -> None:
    csv = tmp_path / "strong.csv"
    csv.write_text(STRONG + strong_row() + strong_row(weight="1e308"), encoding="utf-8")
    env = {"LEGDAY_HOME": str(tmp_path / "home")}
    assert runner.invoke(app, ["import", str(csv)], env=env).exit_code == 0
    for args in (["strength"], ["strength", "--json"], ["week", "--date", "2024-11-28"]):
        result = runner.invoke(app, args, env=env, terminal_width=200)
        assert result.exit_code == 0, result.output
        assert "inf" not in result.stdout.lower().replace("info", ""), result.stdout


def test_the_plausibility_checks() -> None:
    assert implausible_load(None) is None and implausible_load(0.0) is None
    assert implausible_load(float("inf")) is not None
    assert implausible_reps(float("nan"), 10) is not None and implausible_reps(10, 10) is None
    assert implausible_date(__import__("datetime").date(1900, 1, 1)) is None


# --- legday.toml ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "key", "fragment"),
    [
        ({"cardio_band_pct_hrmax": [0.85, 0.5]}, "cardio_band_pct_hrmax", "must rise"),
        ({"cardio_band_pct_hrmax": [0.5, 85]}, "cardio_band_pct_hrmax", "fraction from 0 to 1"),
        ({"leg_day_min_hard_sets": -1}, "leg_day_min_hard_sets", "0 or more"),
        ({"hard_set_max_rir": -0.5}, "hard_set_max_rir", "0 or more"),
        ({"ctl_days": 0}, "ctl_days", "above 0"),
        ({"acwr_spike": float("inf")}, "acwr_spike", "finite"),
        ({"rep_range": [10, 6]}, "rep_range", "must rise"),
        ({"hr_zone_bounds_pct_hrmax": [0.6, 0.8, 0.7, 0.9]}, "hr_zone_bounds_pct_hrmax", "rise"),
        ({"classify": {"contrast_ratio": -1.1}}, "classify.contrast_ratio", "0 or more"),
        ({"classify": {"contrast_min_rep_s": 1000.0}}, "classify.contrast_min_rep_s", "at most"),
        ({"micro_session_min": 30}, "micro_session_min", "at most"),
    ],
)
def test_implausible_settings_name_the_key(
    settings: dict[str, object], key: str, fragment: str
) -> None:
    with pytest.raises(ConfigError, match=fragment) as caught:
        Settings.from_mapping(settings)
    assert f"'{key}'" in str(caught.value)


def test_legday_toml_with_an_inverted_band_is_one_line_naming_the_key(tmp_path: Path) -> None:
    (tmp_path / "legday.toml").write_text(
        "[settings]\ncardio_band_pct_hrmax = [0.85, 0.5]\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="cardio_band_pct_hrmax"):
        Home(tmp_path).settings()
    result = runner.invoke(app, ["week"], env={"LEGDAY_HOME": str(tmp_path)})
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "legday.toml" in result.stderr and "'cardio_band_pct_hrmax'" in result.stderr


def test_the_defaults_and_the_documented_examples_pass() -> None:
    assert Settings.from_mapping(Settings().to_dict()) == Settings()
    Settings.from_mapping({"cardio_band_pct_hrmax": [0.55, 0.85], "leg_day_min_hard_sets": 6})
