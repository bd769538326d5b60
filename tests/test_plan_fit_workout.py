"""FIT workout export: every file decoded by the official SDK, by fitdecode and by legday's own
workout reader, and the steps a watch would run compared with the plan."""

from __future__ import annotations

import io
import warnings
from datetime import date
from pathlib import Path
from typing import Any

import fitdecode
import pytest
from garmin_fit_sdk import Decoder, Profile, Stream
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from legday.cli import app
from legday.errors import FileError, UnsupportedFileError
from legday.io.fit.workout import FitWorkout, FitWorkoutStep, read_workout
from legday.model import EQUIPMENT, WEEKDAYS, AthleteProfile
from legday.plan import PlannedExercise, PlannedSession, parse_runs, plan_block, plan_week
from legday.plan.fit_exercises import NEAREST, FitExercise, fit_exercise, pick_fit_exercises
from legday.plan.fit_workout import SIDES, fit_workouts, notes_for, to_fit_workout
from legday.plan.runs import RUN_KINDS
from legday.plan.sessions import _SKIP_PATTERNS, SLOTS
from legday.strength.catalog import load_catalog

MONDAY = date(2026, 11, 30)
WEEK = parse_runs("mon=easy,tue=intervals,thu=tempo,sat=long")
CATALOG = load_catalog()
#: A loaded plan in pounds: barbell lifts with known loads.
LOADED = AthleteProfile(units="imperial", equipment=("barbell", "dumbbells", "bands"))
TARGETS = {"back_squat": (100.0, 5), "romanian_deadlift": (80.0, 8)}


def planned(key: str, **fields: Any) -> PlannedExercise:
    """The catalog exercise as the planner prescribes it, with ``fields`` set (2 × 10 at RIR 2,
    no load, unless they say otherwise)."""
    e = CATALOG.get(key)
    return PlannedExercise(
        **{
            "key": key,
            "name": e.name,
            "sets": 2,
            "reps": 10,
            "rir": 2,
            "load_kg": None,
            "equipment": e.equipment,
            "mechanic": e.mechanic,
            "unilateral": e.unilateral,
            "region": e.region,
            "primary": e.primary,
            "secondary": e.secondary,
            "dosing": e.dosing,
            "count": e.count,
            **fields,
        }
    )


def prescribable(key: str) -> bool:
    """The planner can put the exercise in a session (sessions.Menu.build's pool and slots)."""
    e = CATALOG.get(key)
    return (
        e.pattern not in _SKIP_PATTERNS
        and not e.endurance_only
        and any(fits(e) for fits in SLOTS.values())
    )


# -- the exercise mapping ---------------------------------------------------------------------


@pytest.mark.parametrize("key", CATALOG.keys)
def test_every_catalog_exercise_is_a_fit_exercise_of_the_profile(key: str) -> None:
    e = CATALOG.get(key)
    fx = fit_exercise(key)
    types = Profile["types"]
    assert types["exercise_category"][fx.category_num] == fx.category
    assert types[f"{fx.category}_exercise_name"][fx.name_num] == fx.name
    if e.fit:  # exact: the catalog's own first pair
        assert fx.exact and fx.pair == e.fit[0]
    else:  # nearest: from the table, and every candidate there is a real profile name
        assert not fx.exact and fx.pair == NEAREST[key][0]
        for pair in NEAREST[key]:
            category, _, name = pair.partition(":")
            assert name in types[f"{category}_exercise_name"].values(), pair


def test_nearest_lists_exactly_the_exercises_without_a_fit_name() -> None:
    assert set(NEAREST) == {e.key for e in CATALOG if not e.fit}
    # The closing note's counts: prescribable exercises, exact and nearest.
    keys = [k for k in CATALOG.keys if prescribable(k)]
    exact = [k for k in keys if fit_exercise(k).exact]
    assert (len(keys), len(exact), len(keys) - len(exact)) == (150, 123, 27)


def test_nearest_in_docs() -> None:
    text = (Path(__file__).parents[1] / "docs" / "fit-workouts.md").read_text()
    for key in NEAREST:
        assert f"`{key}`" in text, key


def test_exercises_sharing_a_nearest_pair_get_different_pairs() -> None:
    keys = ["nordic_curl", "seated_leg_curl", "glute_ham_raise", "back_squat", "nordic_curl"]
    picked = pick_fit_exercises(keys)
    assert picked[0] == picked[4]  # the same exercise keeps its pair
    assert len({p.pair for p in picked[:4]}) == 4
    assert picked[3] == FitExercise("squat", "barbell_back_squat", True)
    # An exact pair is never given away to a nearest one.
    picked = pick_fit_exercises(["smith_machine_squat", "back_squat"])
    assert picked[1].pair == "squat:barbell_back_squat" and picked[0].pair == "squat:squat"


# -- decoding ---------------------------------------------------------------------------------


def sdk_decode(data: bytes) -> dict[str, list[dict[str, object]]]:
    assert Decoder(Stream.from_byte_array(bytearray(data))).check_integrity()
    decoder = Decoder(Stream.from_byte_array(bytearray(data)))
    messages, errors = decoder.read(convert_types_to_strings=True, expand_sub_fields=True)
    assert errors == []
    return messages  # type: ignore[no-any-return]


def fitdecode_frames(data: bytes) -> list[fitdecode.FitDataMessage]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # fitdecode warns on anything odd
        with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.ENABLED) as r:
            return [f for f in r if isinstance(f, fitdecode.FitDataMessage)]


def run_steps(steps: tuple[FitWorkoutStep, ...]) -> list[FitWorkoutStep]:
    """The steps in the order a watch runs them, repeats unrolled."""
    out: list[FitWorkoutStep] = []
    i, passes = 0, {}
    while i < len(steps):
        step = steps[i]
        if step.is_repeat:
            assert step.duration_value is not None and step.target_value is not None
            passes[i] = passes.get(i, 1) + 1
            if passes[i] <= step.target_value:
                i = step.duration_value
                continue
            passes[i] = 1
        else:
            out.append(step)
        i += 1
    return out


def expected(session: PlannedSession) -> list[tuple[str, str, int | None, float | None]]:
    """What the watch should run: (step name, duration type, value in reps or s, weight)."""
    out: list[tuple[str, str, int | None, float | None]] = []
    last = len(session.exercises) - 1
    for k, e in enumerate(session.exercises):
        for _ in range(e.sets):
            if e.hold_s:
                names = [f"{e.name} ({s})" for s in SIDES] if e.unilateral else [e.name]
                out += [(n, "time", e.hold_s, None) for n in names]
            else:
                out.append((e.name, "reps", e.reps, round(e.load_kg, 2) if e.load_kg else None))
            if e.sets > 1 or k < last:
                rest = (
                    ("Rest", "time", e.rest_s, None) if e.rest_s else ("Rest", "open", None, None)
                )
                out.append(rest)
    return out


def ran(workout: FitWorkout) -> list[tuple[str, str, int | None, float | None]]:
    out: list[tuple[str, str, int | None, float | None]] = []
    for s in run_steps(workout.steps):
        assert s.name is not None and s.duration_type is not None
        value = s.reps if s.duration_type == "reps" else s.duration_s
        out.append((s.name, s.duration_type, None if value is None else int(value), s.weight_kg))
    return out


def check_file(data: bytes, session: PlannedSession, units: str) -> None:
    """The whole round trip of one workout file."""
    sdk = sdk_decode(data)
    assert sdk["file_id_mesgs"][0]["type"] == "workout"
    (wkt,) = sdk["workout_mesgs"]
    assert (wkt["sport"], wkt["sub_sport"]) == ("training", "strength_training")
    assert wkt["num_valid_steps"] == len(sdk["workout_step_mesgs"])
    frames = fitdecode_frames(data)
    assert [f.name for f in frames if f.name == "workout_step"] == ["workout_step"] * len(
        sdk["workout_step_mesgs"]
    )
    ours = read_workout(data)
    assert ours.name == wkt["wkt_name"] and ours.sub_sport == "strength_training"
    assert ran(ours) == expected(session)
    # Every set step: the exercise, its title, the notes; the weight in the athlete's units.
    fits = pick_fit_exercises(e.key for e in session.exercises)
    by_name = {e.name: (e, fx) for e, fx in zip(session.exercises, fits, strict=True)}
    sdk_steps = sdk["workout_step_mesgs"]
    for step, raw in zip(ours.steps, sdk_steps, strict=True):
        if step.is_repeat or step.intensity == "rest":
            assert step.exercise is None
            continue
        e, fx = by_name[step.name.split(" (")[0] if step.name else ""]
        assert step.exercise == fx.pair
        assert raw["exercise_category"] == fx.category
        assert raw["exercise_name"] == fx.name_num
        assert ours.titles[fx.pair] == e.name
        assert step.notes == notes_for(e)
        if e.rir is not None:
            assert f"RIR {e.rir}" in step.notes
        if step.weight_kg is not None:
            assert step.weight_display_unit == ("pound" if units == "imperial" else "kilogram")
        else:
            assert step.weight_display_unit is None


def test_a_week_round_trips_through_three_decoders() -> None:
    plan = plan_week(WEEK, monday=MONDAY)
    files = fit_workouts(plan)
    assert [f.name for f in files] == [
        f"{d.date.isoformat()}-{d.weekday}-strength.fit" for d, _ in plan.strength_sessions
    ]
    for f in files:
        check_file(f.data, f.session, "metric")


def test_loads_in_pounds_round_trip() -> None:
    plan = plan_week(
        WEEK,
        monday=MONDAY,
        profile=LOADED,
        own_lifts=list(TARGETS),
        targets=TARGETS,  # type: ignore[arg-type]
    )
    files = fit_workouts(plan, units="imperial")
    loads = [e for f in files for e in f.session.exercises if e.load_kg]
    assert loads, "the plan should carry loads"
    for f in files:
        check_file(f.data, f.session, "imperial")
    step = next(s for f in files for s in read_workout(f.data).steps if s.weight_kg)
    assert step.weight_display_unit == "pound"


def test_holds_and_drills_are_timed_without_weight() -> None:
    hold = planned("side_plank", sets=3, reps=1, rir=None, hold_s=30, count="seconds", rest_s=45)
    walk = planned("monster_walk", reps=10, rir=None, hard=False)
    session = PlannedSession(type="strength", focus="lower", minutes=10, exercises=(walk, hold))
    day = plan_week(WEEK, monday=MONDAY).days[0]
    data = to_fit_workout(day, session)
    check_file(data, session, "metric")
    steps = read_workout(data).steps
    assert [s.name for s in steps[:3]] == ["Monster Walk", "Rest", None]
    assert steps[1].duration_type == "open"  # no planned rest: the lap button ends it
    assert [s.duration_s for s in steps[3:5]] == [30.0, 30.0]
    assert steps[0].notes == "Drill: 10 steps each way, no load, not a hard set."
    assert steps[3].notes == "Hold 30 s per side, no load."
    assert read_workout(data).titles["hip_stability:lateral_walks_with_band_at_ankles"] == (
        "Monster Walk"
    )


def test_a_block_writes_every_week_and_is_deterministic() -> None:
    block = plan_block(4, WEEK, start=MONDAY)
    files = fit_workouts(block)
    assert len(files) == sum(len(p.strength_sessions) for p in block.plans)
    assert len({f.name for f in files}) == len(files)
    # Unique ids, or a watch replaces one workout with the next.
    ids = {fitdecode_frames(f.data)[0].get_value("serial_number") for f in files}
    assert len(ids) == len(files)
    assert [f.data for f in fit_workouts(block)] == [f.data for f in files]


def test_a_run_is_no_workout() -> None:
    plan = plan_week(WEEK, monday=MONDAY)
    day = plan.days[0]
    with pytest.raises(ValueError, match="strength session"):
        to_fit_workout(day, PlannedSession(type="run", kind="easy"))


def test_read_workout_refuses_an_activity() -> None:
    plan = plan_week(WEEK, monday=MONDAY)
    data = bytearray(fit_workouts(plan)[0].data)
    with pytest.raises(FileError):
        read_workout(bytes(data[:-5]))
    with pytest.raises(UnsupportedFileError):
        read_workout(_activity_bytes())


def _activity_bytes() -> bytes:
    from garmin_fit_sdk import Encoder

    enc = Encoder()
    enc.write_mesg({"mesg_num": 0, "type": "activity", "manufacturer": "development"})
    data: bytes = enc.close()
    return data


# -- generated plans --------------------------------------------------------------------------


@given(
    runs=st.dictionaries(st.sampled_from(WEEKDAYS), st.sampled_from(RUN_KINDS), max_size=7),
    kit=st.sets(st.sampled_from(EQUIPMENT)),
    minutes=st.sampled_from([15, 25, 45, 60]),
    units=st.sampled_from(["metric", "imperial"]),
)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_generated_plan_decodes(
    runs: dict[str, str], kit: set[str], minutes: int, units: str
) -> None:
    profile = AthleteProfile(equipment=tuple(sorted(kit)), units=units)  # type: ignore[arg-type]
    plan = plan_week(runs, monday=MONDAY, profile=profile, minutes_per_day=minutes)
    for f in fit_workouts(plan, units=units):  # type: ignore[arg-type]
        check_file(f.data, f.session, units)


# -- the command ------------------------------------------------------------------------------


def test_plan_fit_writes_one_file_per_session(tmp_path: Path) -> None:
    out = tmp_path / "watch"
    result = CliRunner().invoke(
        app, ["plan", "--runs", "mon=easy,tue=intervals,thu=tempo,sat=long", "--fit", str(out)]
    )
    assert result.exit_code == 0, result.output
    files = sorted(out.glob("*.fit"))
    assert files and f"{len(files)} FIT workouts written to" in result.output
    for path in files:
        assert read_workout(path.read_bytes()).sub_sport == "strength_training"
