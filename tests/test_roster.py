"""Issue 20 item 4, the roster: each row is what the athlete's own week check says (on SQLite and
PostgreSQL), read for every athlete in a fixed number of statements, and the rows are sorted by
an attention score whose signals rank as a coach would."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event

from legday.model import AthleteProfile
from legday.settings import Settings
from legday.store.blobs import BlobStore
from legday.store.db import Database, open_database
from legday.store.library import Library
from legday.store.roster import RowCache, read_roster
from legday.synth import generate_history, write_history
from legday.week.roster import AthleteFacts, Signal, attention, roster, roster_row
from legday.week.rules import Violation

#: The synthetic athletes: name, history seed, time zone (each in a week of their own).
ATHLETES = (
    ("ana", 11, "Europe/Berlin"),
    ("bo", 12, "America/New_York"),
    ("cy", 13, "Australia/Sydney"),
)
END = date(2026, 11, 29)
#: Days whose weeks the rows are compared on: the last week (a race in it), and two before.
DAYS = (date(2026, 11, 25), date(2026, 11, 18), date(2026, 11, 11))
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def histories(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Three weeks of files per athlete, written once for both back ends."""
    root = tmp_path_factory.mktemp("roster-histories")
    out = {}
    for name, seed, _ in ATHLETES:
        history = generate_history(weeks=3, seed=seed, end=END)
        write_history(history, root / name, formats=("fit",))
        out[name] = root / name
    return out


def _library(db: Database, blobs: Path, name: str, tz: str) -> Library:
    return Library(
        db=db,
        blobs=BlobStore(blobs),
        profile=AthleteProfile(time_zone=tz),
        settings=Settings(),
        athlete=name,
        clock=lambda: NOW,
    )


@pytest.fixture
def stored(db_url: str, histories: dict[str, Path], tmp_path: Path) -> Iterator[Database]:
    """Each athlete's history imported by their own library, one more athlete with a logged
    session only, and one with nothing at all."""
    db = open_database(db_url)
    for name, _, tz in ATHLETES:
        _library(db, tmp_path / "originals", name, tz).import_paths([histories[name]], workers=1)
    quiet = _library(db, tmp_path / "originals", "dee", "UTC")
    quiet.log("back squat 3x5 @ 100kg rir 2", datetime(2026, 11, 24, 18, 0, tzinfo=UTC))
    from legday.store.db import ensure_athlete

    with db.session() as s:
        ensure_athlete(s, "eve", AthleteProfile().to_dict())
    try:
        yield db
    finally:
        db.dispose()


def _ids(db: Database) -> dict[str, int]:
    from sqlalchemy import select

    from legday.store.schema import AthleteRow

    with db.session() as s:
        return {n: i for i, n in s.execute(select(AthleteRow.id, AthleteRow.name))}


def test_each_row_is_the_athletes_own_week_check(stored: Database, tmp_path: Path) -> None:
    ids = _ids(stored)
    zones = {name: tz for name, _, tz in ATHLETES} | {"dee": "UTC", "eve": "UTC"}
    for day in (*DAYS, None):
        rows = read_roster(stored, ids.values(), Settings(), lambda: NOW, day=day)
        assert sorted(r.name for r in rows) == sorted(ids)
        for row in rows:
            lib = _library(stored, tmp_path / "originals", row.name, zones[row.name])
            week = lib.week(day)  # None: the athlete's own today, as the roster's
            assert row.week == week.week, row.name
            assert row.strength_sessions == week.strength_sessions, (row.name, day)
            assert row.leg_days == week.leg_days, (row.name, day)
            assert [v.to_dict() for v in row.violations] == [
                v.to_dict() for v in week.violations
            ], (row.name, day)
            load = week.to_dict()["load"]
            assert row.spike == week.spike and round(row.acwr, 2) == load["acwr"], row.name
            assert round(row.week_trimp, 1) == load["week_trimp"], row.name
            assert (round(row.ctl, 1), round(row.tsb, 1)) == (load["ctl"], load["tsb"])
    rows = {r.name: r for r in read_roster(stored, ids.values(), Settings(), lambda: NOW)}
    assert rows["eve"].last_upload is None  # nothing at all
    assert rows["dee"].last_upload == datetime(2026, 11, 24, 18, 0, tzinfo=UTC)  # logged by hand
    assert rows["ana"].last_upload is not None and rows["ana"].last_upload > NOW  # imported now
    # something to sort by: the synthetic weeks break R10/R11 and spike somewhere
    some = read_roster(stored, ids.values(), Settings(), lambda: NOW, day=DAYS[0])
    assert any(r.spike for r in some) and any(r.score > 0 for r in some)
    assert [r.score for r in some] == sorted((r.score for r in some), reverse=True)


def test_a_cached_row_is_kept_until_its_athletes_data_changes(
    stored: Database, tmp_path: Path
) -> None:
    ids = _ids(stored)
    cache = RowCache()
    fresh = read_roster(stored, ids.values(), Settings(), lambda: NOW, day=DAYS[0])
    first = read_roster(stored, ids.values(), Settings(), lambda: NOW, day=DAYS[0], cache=cache)
    again = read_roster(stored, ids.values(), Settings(), lambda: NOW, day=DAYS[0], cache=cache)
    assert first == fresh and again == fresh
    assert all(a is b for a, b in zip(first, again, strict=True))  # from the cache
    dee = _library(stored, tmp_path / "originals", "dee", "UTC")
    dee.log("back squat 3x5 @ 100kg rir 2", datetime(2026, 11, 26, 18, 0, tzinfo=UTC))
    changed = {
        r.name: r
        for r in read_roster(
            stored, ids.values(), Settings(), lambda: NOW, day=DAYS[0], cache=cache
        )
    }
    assert (
        changed["dee"].strength_sessions == 2
        and changed["dee"] != {r.name: r for r in again}["dee"]
    )
    assert all(changed[r.name] is r for r in again if r.name != "dee")
    # an update (a run labelled) is a change too
    ana = _library(stored, tmp_path / "originals", "ana", "Europe/Berlin")
    run = next(s for s in ana.week(DAYS[0]).sessions if s.type == "run")
    ana.label(int(run.id), "race")
    labelled = {
        r.name: r
        for r in read_roster(
            stored, ids.values(), Settings(), lambda: NOW, day=DAYS[0], cache=cache
        )
    }
    assert labelled["ana"] is not changed["ana"] and labelled["bo"] is changed["bo"]
    assert (
        labelled["ana"]
        == read_roster(stored, [ids["ana"]], Settings(), lambda: NOW, day=DAYS[0])[0]
    )


def test_the_roster_reads_in_the_same_statements_for_any_number_of_athletes(
    stored: Database,
) -> None:
    """Set-based: one athlete or five, the same statements (not a library per athlete)."""
    ids = sorted(_ids(stored).values())
    counts = []
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    for some in (ids[:1], ids):
        seen.clear()
        event.listen(stored.engine, "before_cursor_execute", count)
        try:
            read_roster(stored, some, Settings(), lambda: NOW, day=DAYS[0])
        finally:
            event.remove(stored.engine, "before_cursor_execute", count)
        counts.append(len([s for s in seen if s.lstrip().upper().startswith("SELECT")]))
    assert counts[0] == counts[1] <= 8, counts


# -- the attention score ----------------------------------------------------------------------
def _points(**kw: Any) -> float:
    base: dict[str, Any] = {
        "spike": False,
        "acwr": 1.0,
        "violations": [],
        "strength_sessions": 2,
        "leg_days": 1,
        "days_since_upload": 1,
        "settings": Settings(),
    }
    return sum(s.points for s in attention(**{**base, **kw}))


def test_a_spike_or_a_spoiled_hard_day_outranks_missed_strength_work() -> None:
    r11 = Violation("R11", "Leg session on mon is the day before tue's intervals: move it.", "mon")
    r9 = Violation("R9", "No single-leg work this week: add one.")
    missed = _points(strength_sessions=1, leg_days=0)
    assert _points() == 0
    assert _points(spike=True, acwr=1.8) > _points(violations=[r11]) > missed > 0
    assert _points(violations=[r9]) < _points(strength_sessions=1)
    # a silent athlete's week is unknown, not missed: silence alone, never silence plus misses
    assert _points(days_since_upload=30, strength_sessions=0, leg_days=0) == (
        Settings().attention.silent
    )
    assert _points(days_since_upload=None) == Settings().attention.silent
    hard = attention(
        spike=False,
        acwr=1.0,
        violations=[r11],
        strength_sessions=2,
        leg_days=1,
        days_since_upload=0,
        settings=Settings(),
    )
    text = "R11: Leg session on mon is the day before tue's intervals"
    assert hard == (Signal("hard_day", 4.0, text),)


def test_the_weights_are_settings() -> None:
    heavy = Settings.from_mapping({"attention": {"other_rule": 10}})
    r9 = Violation("R9", "No single-leg work this week: add one.")
    core = Violation("R9", "No core work this week: add some.")
    assert _points(violations=[r9], settings=heavy) == 10
    assert _points(violations=[r9, core], settings=heavy) == 10  # one rule, however many ways


def _facts(name: str, day_offset: int, lifted: int) -> AthleteFacts:
    from legday.week.check import SessionFacts

    monday = date(2026, 11, 23)
    sessions = [
        SessionFacts(
            id=f"s{i}",
            local_start=datetime.combine(monday + timedelta(days=2 * i), datetime.min.time())
            + timedelta(hours=18),
            type="strength",
            minutes=30,
            counts_as_leg_day=True,
            lower_body=True,
        )
        for i in range(lifted)
    ]
    return AthleteFacts(
        athlete_id=day_offset,
        name=name,
        day=monday + timedelta(days=6),
        sessions=sessions,
        last_upload=NOW - timedelta(days=day_offset),
        now=NOW,
    )


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 3)), min_size=1, max_size=8))
def test_the_roster_is_sorted_by_the_score(athletes: list[tuple[int, int]]) -> None:
    facts = [_facts(f"a{i}", silent, lifted) for i, (silent, lifted) in enumerate(athletes)]
    rows = roster(facts, Settings())
    assert [r.score for r in rows] == sorted((r.score for r in rows), reverse=True)
    assert sorted(r.name for r in rows) == sorted(f.name for f in facts)
    for f in facts:  # each row is the one computed alone
        assert dataclasses.replace(roster_row(f, Settings())) in rows
