"""The fast paths of a big lifting log's import (issue 16, item 5) give what the plain ones gave.

A log repeats itself: the same rows (shared, immutable sets), the same sessions at the same
bests (judged once), sets stored by the driver's own executemany. Each test compares with the
plain computation, on both back ends where the database is involved; the speed itself is
measured by ``bench/big_log.py``, never here.
"""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from legday.home import Home
from legday.io.strength_csv import read_strength_csv
from legday.model import AthleteProfile, StrengthSession
from legday.settings import Settings
from legday.store.convert import set_from_row
from legday.store.library import Library
from legday.store.schema import SetRow, StrengthSessionRow
from legday.store.work import WorkItem, _judge_strength, decode_item, strength_fingerprint
from legday.strength import E1rmTracker
from legday.synth import SyntheticAthlete, make_strength_session, write_strong_csv


def _repeating_log() -> bytes:
    """Three workouts done over and over for 12 weeks, the loads rising every third week."""
    athlete = SyntheticAthlete.default()
    rng = np.random.default_rng(11)
    first = datetime(2026, 1, 5, 17, tzinfo=UTC)
    kinds = ("lower", "upper", "lower")
    templates = [make_strength_session(athlete, first, rng, kind) for kind in kinds]
    sessions = []
    for week in range(12):
        for day, template in enumerate(templates):
            start = first + timedelta(days=7 * week + 2 * day)
            step = 2.5 * (week // 3)
            sets = tuple(
                s.__class__(**{**_fields(s), "load_kg": (s.load_kg or 0) + step or None})
                for s in template.sets
            )
            sessions.append(StrengthSession(start=start, sets=sets, name=template.name))
    return write_strong_csv(sessions).encode()


def _fields(s: object) -> dict[str, object]:
    return {k: getattr(s, k) for k in s.__slots__}  # type: ignore[attr-defined]


def test_equal_rows_share_one_set_and_read_as_before() -> None:
    log = read_strength_csv(io.BytesIO(_repeating_log()))
    by_value: dict[object, object] = {}
    for session in log.sessions:
        for one in session.sets:
            seen = by_value.setdefault(one, one)
            assert seen is one  # equal sets are one object
    assert len(by_value) < log.sets / 3
    assert all(s.order == i + 1 for ss in log.sessions for i, s in enumerate(ss.sets))


def test_a_repeating_log_is_judged_as_each_session_alone() -> None:
    profile, settings = AthleteProfile(), Settings()
    data = _repeating_log()
    decoded = decode_item(WorkItem("log.csv", data, "x"), profile, settings, [], {})
    assert decoded.error is None and len(decoded.strength) == 36
    tracker = E1rmTracker({})
    for item in decoded.strength:
        best = tracker.update(item.session.sets)
        alone = _judge_strength(item.session, settings, profile.units, best)
        assert item.verdict == alone


def test_the_fingerprint_is_the_one_stored_before() -> None:
    """Stored sessions are matched by fingerprint: it must not change with its computation."""
    (session, *_) = read_strength_csv(io.BytesIO(_repeating_log())).sessions
    h = hashlib.sha256(session.start.strftime("%Y-%m-%dT%H:%M").encode())
    for s in session.sets:  # one update a set, as the digest was first computed
        h.update(f"|{s.raw_name or s.exercise}:{s.reps}:{s.load_kg}:{s.duration_s}".encode())
    assert strength_fingerprint(session.start, session.sets) == h.hexdigest()


def test_stored_sets_read_back_as_read(tmp_path: Path, db_url: str) -> None:
    path = tmp_path / "log.csv"
    path.write_bytes(_repeating_log())
    read = read_strength_csv(path)
    lib = Library.open(Home(tmp_path), db_url)
    try:
        report = lib.import_paths([path], workers=1).files[0]
        assert (report.sessions, report.sets) == (len(read.sessions), read.sets)
        with lib.db.session() as s:
            rows = s.execute(
                sa.select(SetRow)
                .join(StrengthSessionRow, SetRow.session_id == StrengthSessionRow.id)
                .order_by(StrengthSessionRow.start, SetRow.index)
            ).scalars()
            stored = [set_from_row(r) for r in rows]
    finally:
        lib.close()
    expected = [s for session in read.sessions for s in session.sets]
    # the order is the set's index in its session, 0-based as stored
    assert [(s.exercise, s.reps, s.load_kg, s.set_type, s.raw_name) for s in stored] == [
        (s.exercise, s.reps, s.load_kg, s.set_type, s.raw_name) for s in expected
    ]
