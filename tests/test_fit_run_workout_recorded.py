"""The loop closes for runs: a run a watch records from a legday run workout comes back through
``legday import`` as that workout, its kind and its repetitions those of the plan.

The recorded file is synthetic, encoded with the official SDK from the planned workout as a
watch writes one: the workout and its steps, 1 Hz ``record``s (distance, speed, heart rate),
and one ``lap`` per step run, marked with the step's ``intensity`` and ``wkt_step_index``. The
runner runs each step as planned: the repetitions at the middle of the target, the recoveries
at a jog, the warm-up and cool-down easy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from garmin_fit_sdk import Decoder, Encoder, Profile, Stream
from typer.testing import CliRunner

from legday.cli import app
from legday.home import Home
from legday.io.fit.reader import read_fit
from legday.plan import parse_runs, plan_week
from legday.plan.fit_run_workout import Threshold, fit_run_workouts, target_speed
from legday.plan.runs import RunStep, RunWorkout, parse_run_workouts
from legday.store.library import Library
from test_plan_fit_run_workout import run_order

MONDAY = date(2026, 11, 30)
FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
MESG = Profile["mesg_num"]
THRESHOLD = Threshold(4.0, "test")  # 4:10/km
#: How the runner runs each kind of step: speed over the threshold speed, heart rate, bpm.
EASY = (0.8, 138.0)
#: A jog recovery's speed over the threshold speed (about 6:10/km at a 4:10/km threshold).
JOG = 0.68
JOG_HR = 146.0
WORK_HR = 171.0
#: Length of an open step as run, s (the lap button pressed after it).
OPEN_S = {"warmup": 900.0, "cooldown": 600.0, "recovery": 90.0, "rest": 60.0}


def fit_time(t: float) -> int:
    return int(t - FIT_EPOCH.timestamp())


#: The runner goes round a flat loop of this length, m, in a park at 52° N.
LOOP_M = 2000.0
_CENTRE = (52.0, 13.0)
_SEMICIRCLES_PER_DEGREE = 2**31 / 180.0


def on_the_loop(distance_m: float) -> tuple[int, int]:
    """Latitude and longitude in semicircles (FIT ``position_lat``/``_long``) of the point
    ``distance_m`` round the loop."""
    radius = LOOP_M / (2 * np.pi)
    angle = distance_m / radius
    north = radius * np.sin(angle) / 111_195.0
    east = radius * np.cos(angle) / (111_195.0 * np.cos(np.radians(_CENTRE[0])))
    lat, lon = _CENTRE[0] + north, _CENTRE[1] + east
    return round(lat * _SEMICIRCLES_PER_DEGREE), round(lon * _SEMICIRCLES_PER_DEGREE)


@dataclass(frozen=True)
class Done:
    """One step as run: its index in the workout, intensity, speed (m/s) and heart rate."""

    index: int
    step: RunStep
    speed: float
    hr: float

    @property
    def seconds(self) -> int:
        if self.step.distance_m is not None:
            return round(self.step.distance_m / self.speed)
        if self.step.duration_s is not None:
            return round(self.step.duration_s)
        return round(OPEN_S[self.step.intensity])


def run_through(data: bytes, workout: RunWorkout, jog: float) -> list[Done]:
    """The workout's steps in the order run (repeats unrolled), with their message index; the
    recoveries at ``jog`` × the threshold speed."""
    plan = workout.steps()
    mesgs = run_order(data, decoded(data, strings=True)["workout_step_mesgs"])
    assert len(mesgs) == len(plan)
    out: list[Done] = []
    for mesg, step in zip(mesgs, plan, strict=True):
        if step.pace is not None:
            speed, hr = target_speed(step.pace, THRESHOLD.speed_mps), WORK_HR
        elif step.intensity in ("warmup", "cooldown"):
            speed, hr = EASY[0] * THRESHOLD.speed_mps, EASY[1]
        else:
            speed, hr = jog * THRESHOLD.speed_mps, JOG_HR
        out.append(Done(mesg["message_index"], step, speed, hr))
    return out


def decoded(data: bytes, *, strings: bool) -> dict[str, list[dict[str, Any]]]:
    """The file's messages by the official SDK (enums as names with ``strings``, else raw)."""
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read(
        convert_types_to_strings=strings, expand_sub_fields=False
    )
    assert not errors
    return messages  # type: ignore[return-value]


def recorded(workout_file: bytes, workout: RunWorkout, start: datetime, jog: float) -> bytes:
    """What a watch writes after running ``workout_file`` as planned."""
    raw = decoded(workout_file, strings=False)
    done = run_through(workout_file, workout, jog)
    rng = np.random.default_rng(19)
    t0 = start.timestamp()
    enc = Encoder()
    enc.write_mesg(
        {
            "mesg_num": MESG["FILE_ID"],
            "type": "activity",
            "manufacturer": "development",
            "product": 0,
            "serial_number": 1919,
            "time_created": fit_time(t0),
        }
    )
    for name in ("WORKOUT", "WORKOUT_STEP"):
        for mesg in raw[f"{name.lower()}_mesgs"]:
            enc.write_mesg({"mesg_num": MESG[name], **mesg})
    enc.write_mesg(
        {
            "mesg_num": MESG["EVENT"],
            "timestamp": fit_time(t0),
            "event": "timer",
            "event_type": "start",
            "timer_trigger": "manual",
        }
    )
    t, distance, hr = 0, 0.0, 100.0
    for k, d in enumerate(done):
        lap_start, lap_distance = t, distance
        for _ in range(d.seconds):
            speed = d.speed * (1.0 + 0.02 * rng.standard_normal())
            distance += speed
            hr += (d.hr - hr) / 25.0  # heart rate follows the effort within ~1 min
            t += 1
            lat, lon = on_the_loop(distance)
            enc.write_mesg(
                {
                    "mesg_num": MESG["RECORD"],
                    "timestamp": fit_time(t0 + t),
                    "position_lat": lat,
                    "position_long": lon,
                    "enhanced_altitude": 52.0 + 0.3 * rng.standard_normal(),
                    "distance": round(distance, 2),
                    "enhanced_speed": round(speed, 3),
                    "heart_rate": round(hr),
                    "cadence": 84 if d.speed > 3.2 else 80,
                }
            )
        trigger = "distance" if d.step.distance_m else "time" if d.step.duration_s else "manual"
        enc.write_mesg(
            {
                "mesg_num": MESG["LAP"],
                "message_index": k,
                "timestamp": fit_time(t0 + t),
                "start_time": fit_time(t0 + lap_start),
                "total_elapsed_time": float(t - lap_start),
                "total_timer_time": float(t - lap_start),
                "total_distance": round(distance - lap_distance, 2),
                "event": "lap",
                "event_type": "stop",
                "lap_trigger": trigger,
                "intensity": d.step.intensity,
                "wkt_step_index": d.index,
                "sport": "running",
            }
        )
    for mesg in (
        {"mesg_num": MESG["EVENT"], "event": "timer", "event_type": "stop_all"},
        {
            "mesg_num": MESG["SESSION"],
            "message_index": 0,
            "start_time": fit_time(t0),
            "total_elapsed_time": float(t),
            "total_timer_time": float(t),
            "total_distance": round(distance, 2),
            "sport": "running",
            "first_lap_index": 0,
            "num_laps": len(done),
            "event": "session",
            "event_type": "stop",
        },
        {
            "mesg_num": MESG["ACTIVITY"],
            "total_timer_time": float(t),
            "num_sessions": 1,
            "type": "manual",
            "event": "activity",
            "event_type": "stop",
            "local_timestamp": fit_time(t0 + t),
        },
    ):
        enc.write_mesg({**mesg, "timestamp": fit_time(t0 + t)})
    data: bytes = enc.close()
    return data


def the_file(kind: str, structure: str, jog: float = JOG) -> tuple[bytes, RunWorkout]:
    runs = f"tue={kind}:{structure}"
    (f,) = fit_run_workouts(
        plan_week(parse_runs(runs), monday=MONDAY), parse_run_workouts(runs), THRESHOLD
    )
    workout = parse_run_workouts(runs)["tue"]
    start = datetime.combine(f.day.date, datetime.min.time(), tzinfo=UTC) + timedelta(hours=18)
    return recorded(f.data, workout, start, jog), workout


def test_the_recording_holds_a_lap_per_step_as_a_watch_writes_it() -> None:
    data, workout = the_file("intervals", "6x800@5k/400jog")
    (activity,) = read_fit(data)
    laps = activity.laps
    assert [lap.intensity for lap in laps] == [s.intensity for s in workout.steps()]
    assert [lap.wkt_step_index for lap in laps] == [0, *[1, 2] * 6, 4]
    reps = [lap for lap in laps if lap.intensity == "active"]
    assert all(lap.total_distance_m == pytest.approx(800, abs=25) for lap in reps)


@pytest.mark.parametrize(
    ("kind", "structure", "reps", "jog"),
    [
        ("intervals", "6x800@5k/400jog", 6, JOG),
        ("intervals", "5x3min@10k/2min", 5, JOG),
        ("intervals", "wu2k+4x1k@5k/90s+cd2k", 4, JOG),
        ("intervals", "10x1min@10k/1min", 10, JOG),
        ("tempo", "wu2k+3x10min@t/2min+cd2k", 3, JOG),
        # marathon-pace reps: a contrast search alone starts the block in the warm-up
        ("intervals", "4x1k@mp/200jog", 4, JOG),
        # float recoveries at 0.9 x threshold: a pace search alone reads one tempo
        ("intervals", "6x800@5k/400jog", 6, 0.9),
    ],
)
def test_import_recognises_the_laps_as_the_workouts_reps(
    tmp_path: Path, kind: str, structure: str, reps: int, jog: float
) -> None:
    data, workout = the_file(kind, structure, jog)
    assert workout.reps == reps
    path = tmp_path / "run.fit"
    path.write_bytes(data)
    result = CliRunner().invoke(app, ["import", str(path), "--workers", "1"])
    assert result.exit_code == 0, result.output
    lib = Library.open(Home.resolve())
    try:
        (row,) = lib.sessions().rows
        stored = lib.activity(int(row.id))
    finally:
        lib.close()
    analysis = stored["analysis"]
    blocks = analysis["blocks"]
    assert (stored["kind"], [b["reps"] for b in blocks]) == (kind, [reps]), analysis["reasons"]
