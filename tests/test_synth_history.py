"""Synthetic training histories, strength sessions and the Strong CSV."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from legday.model import SetType, StrengthSession
from legday.synth import (
    Device,
    History,
    SyntheticAthlete,
    Truth,
    generate_history,
    last_completed_week_end,
    make_strength_session,
    truth_path,
    write_history,
    write_strong_csv,
)
from legday.synth.history import QUALITY_ROTATION
from legday.synth.strong_csv import STRONG_HEADER, strong_duration

END = date(2026, 11, 22)  # a Sunday


@pytest.fixture(scope="module")
def history() -> History:
    return generate_history(weeks=8, seed=3, end=END)


def test_generate_history_is_fast() -> None:
    t0 = time.perf_counter()
    h = generate_history(weeks=8, seed=11, end=END)
    assert time.perf_counter() - t0 < 5.0
    assert 30 <= len(h.runs) <= 50


def test_schedule_is_realistic(history: History) -> None:
    first = END - timedelta(days=55)
    assert history.first_day == first and history.last_day == END
    starts = [r.activity.local_start.date() for r in history.runs]
    assert starts == sorted(starts) and first <= starts[0] and starts[-1] <= END
    per_week = Counter((d - first).days // 7 for d in starts)
    assert sorted(per_week) == list(range(8))
    assert all(4 <= n <= 6 for n in per_week.values()), per_week
    lifts = Counter((s.start.date() - first).days // 7 for s in history.strength)
    assert all(n <= 3 for n in lifts.values())
    tz = ZoneInfo(history.athlete.time_zone)
    for lift in history.strength:
        assert 6 <= lift.start.astimezone(tz).hour <= 22, "people lift in the daytime"
    kinds = [r.truth.kind for r in history.runs]
    assert kinds.count("long") >= 6 and "easy" in kinds
    assert any("strides" in r.truth.tags for r in history.runs)
    quality = {k for k in kinds if k in {q.value for q in QUALITY_ROTATION}}
    assert len(quality) >= 5, "the quality session rotates"
    assert sum(r.truth.overload for r in history.runs) == 1
    last_week = [r for r in history.runs if (r.activity.local_start.date() - first).days >= 49]
    assert any(r.truth.kind == "race" for r in last_week)


def test_bad_history_arguments() -> None:
    with pytest.raises(ValueError, match="weeks"):
        generate_history(weeks=0, end=END)
    with pytest.raises(ValueError, match="seed"):
        generate_history(weeks=1, seed=-1, end=END)


def test_default_end_is_the_last_completed_week() -> None:
    assert last_completed_week_end(date(2026, 11, 26)) == date(2026, 11, 22)
    assert last_completed_week_end(date(2026, 11, 23)) == date(2026, 11, 22)
    assert last_completed_week_end(date(2026, 11, 22)) == date(2026, 11, 15)


def test_write_history_is_byte_reproducible(tmp_path: Path) -> None:
    def digest(folder: Path) -> dict[str, str]:
        h = generate_history(weeks=2, seed=5, end=END, device=Device(recording="smart"))
        paths = write_history(h, folder, formats=("fit", "gpx", "tcx"))
        assert {p.suffix for p in paths} >= {".fit", ".gpx", ".tcx", ".csv"}
        return {
            p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())
        }

    a, b = digest(tmp_path / "a"), digest(tmp_path / "b")
    assert a == b
    other = write_history(generate_history(weeks=2, seed=6, end=END), tmp_path / "c")
    assert {p.name for p in other} != set(a) or any(
        hashlib.sha256(p.read_bytes()).hexdigest() != a.get(p.name) for p in other
    )


def test_every_file_has_its_truth(tmp_path: Path, history: History) -> None:
    paths = write_history(history, tmp_path, formats=("fit", "tcx"))
    runs = [p for p in paths if p.suffix != ".csv"]
    assert len(runs) == len(history.runs)
    for path, run in zip(runs, history.runs, strict=True):
        data = json.loads(truth_path(path).read_text(encoding="utf-8"))
        assert Truth.from_dict(data) == run.truth
        assert set(data) >= {
            "kind",
            "tags",
            "segments",
            "blocks",
            "reps",
            "duration_s",
            "distance_m",
            "overload",
        }
    assert (tmp_path / "strong.csv").exists()


def test_strength_session_follows_r7() -> None:
    athlete = SyntheticAthlete.default()
    start = datetime(2026, 11, 3, 17, 0, tzinfo=UTC)
    session = make_strength_session(athlete, start, np.random.default_rng(1), "lower")
    working = [s for s in session.sets if s.set_type == SetType.WORKING]
    warmups = [s for s in session.sets if s.set_type == SetType.WARMUP]
    assert warmups and working
    names = {s.exercise for s in session.sets}
    single_leg = {"Bulgarian Split Squat", "Lunge (Dumbbell)", "Step-up (Dumbbell)"}
    assert names & (single_leg | {"Single Leg Romanian Deadlift (Dumbbell)"}), "R9: single-leg"
    assert any("(Barbell)" in n for n in names) and any(
        "Plank" in n or "Bird Dog" in n or "Twist" in n for n in names
    )
    for exercise in names:
        sets = [s for s in working if s.exercise == exercise]
        assert 2 <= len(sets) <= 3
    for s in working:
        assert s.rpe is not None and 7 <= s.rpe <= 9
        if s.reps is not None:
            assert 6 <= s.reps <= 10
        else:
            assert s.duration_s and 30 <= s.duration_s <= 60
    for w in warmups:
        top = max(s.load_kg or 0 for s in working if s.exercise == w.exercise)
        assert (w.load_kg or 0) < top
    stamps = [s.timestamp for s in session.sets]
    assert stamps == sorted(stamps)
    with pytest.raises(ValueError, match="valid: lower, upper, full"):
        make_strength_session(athlete, start, np.random.default_rng(1), "legs")


def _working_loads(session: StrengthSession) -> dict[str, float | None]:
    return {s.exercise: s.load_kg for s in session.sets if s.set_type == SetType.WORKING}


def test_loads_progress_week_to_week() -> None:
    athlete = SyntheticAthlete.default()
    start = datetime(2026, 11, 3, 17, 0, tzinfo=UTC)
    early = make_strength_session(athlete, start, np.random.default_rng(2), "full", week=0)
    late = make_strength_session(athlete, start, np.random.default_rng(2), "full", week=8)
    a, b = _working_loads(early), _working_loads(late)
    loaded = [k for k in a if (a[k] or 0) > 0]
    assert loaded and all((b[k] or 0) >= (a[k] or 0) for k in loaded)
    assert any((b[k] or 0) > (a[k] or 0) for k in loaded)


def test_strong_csv_looks_like_a_real_export(history: History) -> None:
    text = write_strong_csv(history.strength)
    lines = text.splitlines()
    assert lines[0] == STRONG_HEADER and text.endswith("\n")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == sum(len(s.sets) for s in history.strength)
    for row in rows:
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", row["Date"])
        assert re.fullmatch(r"(\d+h)?( ?\d+m)?", row["Duration"]) and row["Duration"]
        assert row["Set Order"] == "W" or row["Set Order"].isdigit()
        assert re.fullmatch(r"\d+\.\d", row["Weight"])
        if row["Set Order"] != "W":
            assert 7 <= float(row["RPE"]) <= 9
    assert (
        '"Squat (Barbell)"' in text
        or '"Deadlift (Barbell)"' in text
        or '"Hip Thrust (Barbell)"' in text
    )
    numbered = write_strong_csv(history.strength, warmup_order="number")
    assert ",W," not in numbered
    assert strong_duration(45 * 60) == "45m" and strong_duration(65 * 60) == "1h 5m"
    assert strong_duration(3600) == "1h"
