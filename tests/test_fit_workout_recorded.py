"""The loop closes: a strength activity a watch records from a legday workout comes back through
``legday import`` with the plan's exercises, the reps and loads done, and the progression sees
it. The recorded file is synthetic, encoded with the official SDK from the planned workout: the
workout's steps as a watch embeds them, then ``set`` messages pointing at them, one with a rep
count changed on the watch and one exercise the watch left unknown."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from garmin_fit_sdk import Decoder, Encoder, Profile, Stream

from legday.home import Home
from legday.io.fit.reader import read_fit
from legday.io.fit.workout import read_workout
from legday.model import AthleteProfile
from legday.plan import PlannedExercise, PlannedSession, parse_runs, plan_week
from legday.plan.fit_workout import to_fit_workout
from legday.store.library import Library
from legday.strength.catalog import load_catalog
from legday.strength.names import map_fit_sets
from test_plan_fit_workout import planned

MONDAY = date(2026, 11, 30)
FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
MESG = Profile["mesg_num"]


def exercise(key: str, sets: int, reps: int, load: float | None) -> PlannedExercise:
    return planned(key, sets=sets, reps=reps, load_kg=load, rest_s=90)


#: Back squat (an exact FIT exercise), a Nordic curl (no FIT name: the nearest, leg_curl) and
#: a goblet squat the watch will record as "unknown".
SESSION = PlannedSession(
    type="strength",
    focus="lower",
    minutes=30,
    hour=18.0,
    exercises=(
        exercise("back_squat", 3, 5, 100.0),
        exercise("nordic_curl", 2, 6, None),
        exercise("goblet_squat", 2, 10, 24.0),
    ),
)


def fit_time(t: datetime) -> int:
    return int((t - FIT_EPOCH).total_seconds())


def recorded(
    workout: bytes, start: datetime, *, with_steps: bool = True, goblet: str = "unknown"
) -> bytes:
    """What a watch writes after running ``workout``: its steps, then a set per set done
    (``with_steps=False``: the sets alone, as an app that drops the workout might). The goblet
    squat's sets get only a category, ``goblet`` (the watch's "unknown" by default)."""
    steps, errors = Decoder(Stream.from_byte_array(bytearray(workout))).read(
        convert_types_to_strings=False, expand_sub_fields=False
    )
    assert not errors
    enc = Encoder()
    enc.write_mesg(
        {
            "mesg_num": MESG["FILE_ID"],
            "type": "activity",
            "manufacturer": "development",
            "product": 0,
            "serial_number": 1234,
            "time_created": fit_time(start),
        }
    )
    for name in ("WORKOUT", "WORKOUT_STEP", "EXERCISE_TITLE") if with_steps else ():
        for mesg in steps[f"{name.lower()}_mesgs"]:
            enc.write_mesg({"mesg_num": MESG[name], **mesg})
    t = start
    k = 0
    for step in read_workout(workout).steps:
        if step.is_repeat or step.intensity == "rest":
            continue
        e = next(x for x in SESSION.exercises if x.name == step.name)
        category, _, name = (step.exercise or "").partition(":")
        for n in range(e.sets):
            reps = e.reps + 2 if (e.key, n) == ("back_squat", 0) else e.reps  # changed on watch
            weight = 102.5 if (e.key, n) == ("back_squat", 2) else e.load_kg  # changed on watch
            cat = Profile["types"]["exercise_category"]
            unknown = e.key == "goblet_squat"
            category = goblet if unknown else category
            set_mesg: dict[str, Any] = {
                "mesg_num": MESG["SET"],
                "timestamp": fit_time(t + timedelta(seconds=40)),
                "start_time": fit_time(t),
                "duration": 40.0,
                "set_type": "active",
                "repetitions": reps,
                "weight": weight,
                "weight_display_unit": "kilogram",
                "category": [next(c for c, v in cat.items() if v == category)],
                "category_subtype": None if unknown else [_name_num(category, name)],
                "message_index": k,
                "wkt_step_index": step.index,
            }
            enc.write_mesg(set_mesg)
            enc.write_mesg(
                {
                    "mesg_num": MESG["SET"],
                    "timestamp": fit_time(t + timedelta(seconds=130)),
                    "start_time": fit_time(t + timedelta(seconds=40)),
                    "duration": 90.0,
                    "set_type": "rest",
                    "message_index": k + 1,
                }
            )
            k += 2
            t += timedelta(seconds=130)
    end = t
    elapsed = (end - start).total_seconds()
    enc.write_mesg(
        {
            "mesg_num": MESG["SESSION"],
            "timestamp": fit_time(end),
            "start_time": fit_time(start),
            "total_elapsed_time": elapsed,
            "total_timer_time": elapsed,
            "sport": "training",
            "sub_sport": "strength_training",
            "event": "session",
            "event_type": "stop",
            "message_index": 0,
        }
    )
    enc.write_mesg(
        {
            "mesg_num": MESG["ACTIVITY"],
            "timestamp": fit_time(end),
            "total_timer_time": elapsed,
            "num_sessions": 1,
            "type": "manual",
            "event": "activity",
            "event_type": "stop",
            "local_timestamp": fit_time(end),
        }
    )
    data: bytes = enc.close()
    return data


def _name_num(category: str, name: str) -> int:
    names = Profile["types"][f"{category}_exercise_name"]
    return next(k for k, v in names.items() if v == name)


def the_file(*, with_steps: bool = True, goblet: str = "unknown") -> bytes:
    day = plan_week(parse_runs("tue=intervals"), monday=MONDAY).days[1]
    start = datetime.combine(day.date, datetime.min.time(), tzinfo=UTC) + timedelta(hours=18)
    return recorded(to_fit_workout(day, SESSION), start, with_steps=with_steps, goblet=goblet)


def test_recorded_sets_carry_the_planned_exercises() -> None:
    (activity,) = read_fit(the_file())
    sets = map_fit_sets(activity.sets, load_catalog())
    keys = [s.exercise for s in sets]
    assert keys == ["back_squat"] * 3 + ["nordic_curl"] * 2 + ["goblet_squat"] * 2
    assert all(s.mapped for s in sets)
    assert [s.reps for s in sets][:3] == [7, 5, 5]  # the watch's count, not the plan's
    assert [s.load_kg for s in sets][:3] == [100.0, 100.0, 102.5]
    # The watch's own label is kept where it differs from the plan's name.
    assert sets[3].notes == "recorded as leg_curl:leg_curl"
    assert sets[5].notes == "recorded as unknown:unknown"
    assert sets[0].notes == "recorded as squat:barbell_back_squat"


@pytest.mark.parametrize(
    ("goblet", "exercise"), [("squat", "Goblet Squat"), ("lunge", "lunge:unknown")]
)
def test_a_category_alone_must_agree_with_the_step(goblet: str, exercise: str) -> None:
    """Only the step's category stands for the step's exercise; another is the watch's."""
    (activity,) = read_fit(the_file(goblet=goblet))
    assert [s.exercise for s in activity.sets][5:] == [exercise, exercise]


def test_without_the_steps_the_watch_label_stands() -> None:
    """Sets pointing at no step keep the watch's exercise (and the test above can fail)."""
    (activity,) = read_fit(the_file(with_steps=False))
    labels = [s.exercise for s in activity.sets]
    assert labels[0] == "squat:barbell_back_squat" and labels[3] == "leg_curl:leg_curl"
    assert labels[5] == "unknown:unknown"
    assert all(s.notes is None for s in activity.sets)


def test_import_stores_the_session_and_the_progression_sees_it(tmp_path: Path) -> None:
    path = tmp_path / "strength.fit"
    path.write_bytes(the_file())
    lib = Library.open(Home(tmp_path / "home"))
    lib.profile = AthleteProfile()
    try:
        summary = lib.import_paths([path], workers=1)
        assert summary
        (session,) = lib.strength_sessions()
        assert [s.exercise for s in session.sets].count("nordic_curl") == 2
        squat = [s for s in session.sets if s.exercise == "back_squat"]
        assert [(s.reps, s.load_kg) for s in squat] == [(7, 100.0), (5, 100.0), (5, 102.5)]
        report = lib.strength_report()
        assert "back_squat" in str(report) and "nordic_curl" in str(report)
    finally:
        lib.close()
