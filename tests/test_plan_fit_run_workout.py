"""Quality runs as FIT workouts: the ``--runs`` structure grammar, the paces from the threshold,
and every file decoded by the official SDK and by fitdecode, its steps compared with the plan
(hypothesis generates the structures)."""

from __future__ import annotations

import io
import warnings
from datetime import date
from pathlib import Path
from typing import Any

import fitdecode
import pytest
from garmin_fit_sdk import Decoder, Stream
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from legday.cli import app
from legday.errors import ConfigError
from legday.io.fit.workout import read_workout
from legday.model import AthleteProfile
from legday.plan import parse_runs, plan_block, plan_week
from legday.plan.fit_run_workout import (
    PACE_BAND,
    Threshold,
    athlete_threshold,
    fit_run_workouts,
    pace_text,
    race_speed,
    target_speed,
)
from legday.plan.runs import (
    Pace,
    RunRepeat,
    RunStep,
    RunWorkout,
    parse_run_workouts,
    parse_structure,
)
from test_plan_fit_workout import run_steps

MONDAY = date(2026, 11, 30)
#: 4:10/km, Daniels' threshold pace of a VDOT of about 51.
THRESHOLD = Threshold(4.0, "test")


# -- the grammar ------------------------------------------------------------------------------


def test_the_issue_example_reads_as_warm_up_six_reps_and_cool_down() -> None:
    parts = parse_structure("6x800@5k/400jog")
    assert parts == (
        RunStep("warmup"),
        RunRepeat(
            6,
            RunStep("active", distance_m=800.0, pace=Pace("5k", race_m=5000.0)),
            RunStep("recovery", distance_m=400.0),
        ),
        RunStep("cooldown"),
    )


@pytest.mark.parametrize(
    ("text", "steps"),
    [
        ("wu2k+20min@threshold+cd10min", [("warmup", 2000, None), ("active", None, 1200)]),
        (
            "5x3min@10k/2min",
            [("warmup", None, None), ("active", None, 180), ("recovery", None, 120)],
        ),
        (
            "3x1mi@hm/60srest",
            [("warmup", None, None), ("active", 1609.344, None), ("rest", None, 60)],
        ),
        (
            "4x1:30@mile/open",
            [("warmup", None, None), ("active", None, 90), ("recovery", None, None)],
        ),
        ("8x20s/1min walk", [("warmup", None, None), ("active", None, 20), ("recovery", None, 60)]),
    ],
)
def test_distances_times_and_recoveries(
    text: str, steps: list[tuple[str, float | None, float | None]]
) -> None:
    workout = RunWorkout("intervals", text, parse_structure(text))
    got = [(s.intensity, s.distance_m, s.duration_s) for s in workout.steps()]
    assert got[: len(steps)] == steps
    assert got[-1][0] == "cooldown"


@pytest.mark.parametrize(
    ("text", "pace"),
    [
        ("2x2k@10k", Pace("10k", race_m=10_000.0)),
        ("2x2k@3000", Pace("3000", race_m=3000.0)),
        ("2x2k@mp", Pace("mp", race_m=42_195.0)),
        ("2x2k@t", Pace("threshold")),
        ("2x2k@4:05", Pace("4:05/km", s_per_km=245.0)),
        ("2x2k@6:30/mi/90s", Pace("6:30/mi", s_per_km=390 / 1.609344)),
    ],
)
def test_paces(text: str, pace: Pace) -> None:
    repeat = parse_structure(text)[1]
    assert isinstance(repeat, RunRepeat)
    assert repeat.work.pace == pace


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("6x800@6k7/400jog", "unknown pace '6k7'"),
        ("0x800@5k", "1 to 99 repetitions"),
        ("6x800@5k/400jog+wu", "one warm-up first"),
        ("800@5k/400jog", "a recovery follows repetitions"),
        ("wu2k+cd", "no work step"),
        ("6xfast@5k", "neither a distance"),
        ("6x800@1:00", "2:00 to 12:00"),
        ("6x800@100k", "800 m to a marathon"),
        ("6x800@5k/openjog", "neither a distance"),
    ],
)
def test_a_bad_structure_names_its_part(text: str, says: str) -> None:
    with pytest.raises(ConfigError, match=says.replace("(", r"\(")):
        parse_structure(text)


def test_runs_keep_their_kinds_and_carry_the_structure() -> None:
    text = "mon=easy, tue=Intervals: 6x800 @ 5k / 400 jog ,thu=tempo:20min@t,sat=long"
    assert parse_runs(text) == {"mon": "easy", "tue": "intervals", "thu": "tempo", "sat": "long"}
    workouts = parse_run_workouts(text)
    assert set(workouts) == {"tue", "thu"}
    assert workouts["tue"].text == "6x800@5k/400jog" and workouts["tue"].reps == 6
    assert workouts["thu"].reps == 1
    with pytest.raises(ConfigError, match="rest day has no structure"):
        parse_runs("tue=rest:6x800@5k")
    with pytest.raises(ConfigError, match="unknown pace"):
        parse_runs("tue=intervals:6x800@fast")


# -- paces ------------------------------------------------------------------------------------


def test_riegel_paces_agree_with_daniels_tables() -> None:
    """A threshold of 4:15/km is VDOT 50 in Daniels' tables, whose race times are 19:57 (5 km),
    41:21 (10 km), 1:31:35 (half) and 3:10:49 (marathon): Riegel's formula from the threshold
    comes within 1 % of each."""
    threshold = 1000.0 / 255.0
    for metres, seconds in ((5000, 1197), (10_000, 2481), (21_097.5, 5495), (42_195, 11_449)):
        daniels = metres / seconds
        assert race_speed(threshold, metres) == pytest.approx(daniels, rel=0.01), metres
    # A one-hour race is run at the threshold itself.
    assert race_speed(threshold, threshold * 3600) == pytest.approx(threshold)


def test_target_speeds_and_their_words() -> None:
    assert target_speed(Pace("threshold"), 4.0) == 4.0
    assert target_speed(Pace("4:00/km", s_per_km=240.0), 4.0) == pytest.approx(1000 / 240)
    assert (
        target_speed(Pace("5k", race_m=5000.0), 4.0) > 4.0 > target_speed(Pace("mp", 42195.0), 4.0)
    )
    assert pace_text(4.0) == "4:10/km" and pace_text(4.0, "imperial") == "6:42/mi"


def test_the_threshold_says_where_it_comes_from() -> None:
    from legday.analysis import HistorySummary

    assert athlete_threshold(AthleteProfile(threshold_pace_s_per_km=250)) == Threshold(
        4.0, "your profile"
    )
    race = HistorySummary(start=None, duration_s=2400.0, distance_m=10_000.0, kind="race")  # type: ignore[arg-type]
    got = athlete_threshold(AthleteProfile(), [race])
    assert got.speed_mps == pytest.approx(10_000 / 2400 * 0.97)
    assert "race" in got.source
    assert "default" in athlete_threshold(None).source


# -- decoding ---------------------------------------------------------------------------------


def sdk_messages(data: bytes) -> dict[str, list[dict[str, Any]]]:
    assert Decoder(Stream.from_byte_array(bytearray(data))).check_integrity()
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read(
        convert_types_to_strings=True, expand_sub_fields=True
    )
    assert errors == []
    return messages  # type: ignore[no-any-return,return-value]


def fitdecode_steps(data: bytes) -> list[fitdecode.FitDataMessage]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # fitdecode warns on anything odd
        with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.ENABLED) as r:
            return [f for f in r if isinstance(f, fitdecode.FitDataMessage)]


Ran = tuple[str, str, float | None, float | None, float | None]


def run_order(data: bytes, steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The file's steps as the SDK decoded them (``steps``), in the order a watch runs them:
    repeats unrolled by the strength workouts' test, on legday's own reading of the file."""
    return [steps[s.index] for s in run_steps(read_workout(data).steps)]


def unrolled(data: bytes, steps: list[dict[str, Any]]) -> list[Ran]:
    """The decoded steps in the order run: (intensity, duration type, metres or seconds, lowest
    and highest target speed in m/s)."""
    return [
        (
            step["intensity"],
            step["duration_type"],
            step.get("duration_distance", step.get("duration_time")),
            step.get("custom_target_speed_low"),
            step.get("custom_target_speed_high"),
        )
        for step in run_order(data, steps)
    ]


def planned(workout: RunWorkout, threshold: Threshold) -> list[Ran]:
    out: list[Ran] = []
    for s in workout.steps():
        kind = "distance" if s.distance_m else "time" if s.duration_s else "open"
        value = s.distance_m if s.distance_m else s.duration_s
        low = high = None
        if s.pace is not None:
            v = target_speed(s.pace, threshold.speed_mps)
            low, high = round(v * (1 - PACE_BAND), 3), round(v * (1 + PACE_BAND), 3)
        out.append((s.intensity, kind, round(value, 2) if value else None, low, high))
    return out


def check_run_file(data: bytes, workout: RunWorkout, threshold: Threshold) -> None:
    sdk = sdk_messages(data)
    assert sdk["file_id_mesgs"][0]["type"] == "workout"
    (wkt,) = sdk["workout_mesgs"]
    assert wkt["sport"] == "running"
    assert wkt["num_valid_steps"] == len(sdk["workout_step_mesgs"])
    assert workout.text in wkt["wkt_name"]
    frames = fitdecode_steps(data)
    fd_steps = [f for f in frames if f.name == "workout_step"]
    assert len(fd_steps) == len(sdk["workout_step_mesgs"])
    assert unrolled(data, sdk["workout_step_mesgs"]) == planned(workout, threshold)
    for frame, raw in zip(fd_steps, sdk["workout_step_mesgs"], strict=True):
        assert frame.get_value("intensity", fallback=None) == raw.get("intensity")
        if raw.get("target_type") == "speed":  # fitdecode reads the same sub-field, m/s
            assert frame.get_value("custom_target_speed_low") == raw["custom_target_speed_low"]
    assert read_workout(data).sport == "running"


def test_a_week_of_quality_runs_round_trips() -> None:
    text = "mon=easy,tue=intervals:6x800@5k/400jog,thu=tempo:wu2k+20min@t+cd10min,sat=long"
    plan = plan_week(parse_runs(text), monday=MONDAY)
    workouts = parse_run_workouts(text)
    files = fit_run_workouts(plan, workouts, THRESHOLD)
    assert [f.name for f in files] == ["2026-12-01-tue-run.fit", "2026-12-03-thu-run.fit"]
    for f in files:
        check_run_file(f.data, workouts[f.day.weekday], THRESHOLD)
    steps = sdk_messages(files[0].data)["workout_step_mesgs"]
    assert [s["intensity"] for s in steps[:3]] == ["warmup", "active", "recovery"]
    assert steps[1]["duration_distance"] == 800.0 and steps[3]["repeat_steps"] == 6
    assert steps[1]["custom_target_value_low"] == round(race_speed(4.0, 5000) * 0.98 * 1000)
    assert steps[1]["notes"] == "5k pace 3:55/km (3:50-3:59/km)."


def test_a_block_writes_each_week_and_skips_another_kind() -> None:
    runs = parse_runs("tue=intervals:5x1k@10k/2min,sun=long")
    block = plan_block(4, runs, start=MONDAY)
    files = fit_run_workouts(block, parse_run_workouts("tue=intervals:5x1k@10k/2min"), THRESHOLD)
    assert len(files) == 4 and len({f.name for f in files}) == 4
    # A day whose run is of another kind gets no workout.
    assert fit_run_workouts(block, parse_run_workouts("tue=tempo:20min@t"), THRESHOLD) == []


# -- generated structures ---------------------------------------------------------------------

amounts = st.one_of(
    st.integers(1, 50).map(lambda n: f"{n * 100}"),
    st.sampled_from(["1k", "1.5k", "1mi", "2k"]),
    st.integers(1, 40).map(lambda n: f"{n * 15}s"),
    st.integers(1, 30).map(lambda n: f"{n}min"),
)
paces = st.sampled_from(
    ["5k", "10k", "3000", "mile", "hm", "mp", "t", "threshold", "4:05", "6:40/mi"]
)
recoveries = st.one_of(
    st.just(""),
    st.just("/open"),
    st.tuples(amounts, st.sampled_from(["", "jog", "walk", "rest"])).map(
        lambda t: f"/{t[0]}{t[1]}"
    ),
)
repeats = st.builds(
    lambda n, a, p, r: f"{n}x{a}{'@' + p if p else ''}{r}",
    st.integers(1, 12),
    amounts,
    st.one_of(st.just(""), paces),
    recoveries,
)
singles = st.builds(lambda a, p: f"{a}@{p}", amounts, paces)
ends = st.one_of(st.just(""), amounts)


@given(
    warm=ends,
    parts=st.lists(st.one_of(repeats, singles), min_size=1, max_size=4),
    cool=ends,
    units=st.sampled_from(["metric", "imperial"]),
    threshold_s_per_km=st.integers(180, 420),
)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_generated_structure_round_trips(
    warm: str, parts: list[str], cool: str, units: str, threshold_s_per_km: int
) -> None:
    text = "+".join([f"wu{warm}", *parts, f"cd{cool}"])
    runs = f"wed=intervals:{text}"
    workouts = parse_run_workouts(runs)
    plan = plan_week(parse_runs(runs), monday=MONDAY)
    threshold = Threshold(1000.0 / threshold_s_per_km, "test")
    (f,) = fit_run_workouts(plan, workouts, threshold, units=units)  # type: ignore[arg-type]
    check_run_file(f.data, workouts["wed"], threshold)


# -- the command ------------------------------------------------------------------------------


def test_plan_fit_writes_the_run_workouts_beside_the_strength_ones(tmp_path: Path) -> None:
    out = tmp_path / "watch"
    runs = "mon=easy,tue=intervals:6x800@5k/400jog,thu=tempo:wu2k+20min@t+cd10min,sat=long"
    cli = CliRunner()
    assert cli.invoke(app, ["profile", "set", "threshold_pace_s_per_km=4:10"]).exit_code == 0
    result = cli.invoke(app, ["plan", "--runs", runs, "--fit", str(out)])
    assert result.exit_code == 0, result.output
    files = sorted(out.glob("*.fit"))
    run_files = [p for p in files if p.name.endswith("-run.fit")]
    assert [p.name[11:] for p in run_files] == ["tue-run.fit", "thu-run.fit"]
    assert any(p.name.endswith("-strength.fit") for p in files)
    assert f"{len(files)} FIT workouts written to" in result.output
    assert "Run paces from a threshold of 4:10/km (your profile)" in result.output
    workouts = parse_run_workouts(runs)
    for path in run_files:
        check_run_file(path.read_bytes(), workouts[path.name[11:14]], THRESHOLD)


def test_a_bad_structure_is_a_clean_error() -> None:
    result = CliRunner().invoke(app, ["plan", "--runs", "tue=intervals:6x800@fast", "--fit", "x"])
    assert result.exit_code != 0
    assert "unknown pace 'fast'" in result.output
