"""Each lift's state kept in the database (issue 16, item 5): a 1 M-row Strong log made
``legday strength`` and ``legday plan`` run for minutes, and every later import 22 s, because
each read every stored set for the e1RM bests and the progression.

``lift_state`` now keeps per lift its best e1RM, its session count and its latest sessions,
updated at import, log, edit, rm and undo. These tests check, on both back ends, that the kept
state always equals a recount from the sets, that the report and the plan read from it say
what they said from every session, and that reading them touches a bounded number of sets
(the old code read them all: the count test failed on it).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete

from legday.home import Home
from legday.model import StrengthSession
from legday.store import convert, lift_state, quick
from legday.store.importer import stored_e1rm
from legday.store.library import Library
from legday.store.schema import MetaRow
from legday.strength import E1rmTracker, load_catalog, strength_report
from legday.strength.loads import LoadSteps

NOW = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)  # a Tuesday
HEADER = (
    "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
    "Workout Notes,RPE"
)
#: Sessions in the log: more than lift_state.RECENT, so the kept window matters.
SESSIONS = 60
LIFTS = (("Squat (Barbell)", 60.0), ("Bench Press (Barbell)", 40.0), ("Pull Up", 0.0))


def _log(sessions: int = SESSIONS) -> str:
    """A Strong log: three lifts, a warm-up, loads that climb, every 9th session a deload."""
    lines = [HEADER]
    first = NOW - timedelta(days=2 * sessions + 1)
    for k in range(sessions):
        when = (first + timedelta(days=2 * k)).strftime("%Y-%m-%d %H:%M:%S")
        deload = k % 9 == 8
        for name, base in LIFTS:
            load = base + 2.5 * (k // 3)
            if base:
                lines.append(f"{when},Lift,1h,{name},W,{base / 2:g},10,0,0,,,")
            for order in range(1, 4):
                weight = round(load * (0.8 if deload else 1.0), 1) if base else 0
                reps = (5 if deload else 6 + (k + order) % 4) if base else 8 + k % 3
                lines.append(
                    f"{when},Lift,1h,{name},{order},{weight:g},{reps},0,0,,,{7 + order % 3}"
                )
    return "\n".join(lines) + "\n"


@pytest.fixture
def lib(tmp_path: Path, db_url: str) -> Iterator[Library]:
    library = Library.open(Home(tmp_path / "home"), db_url, clock=lambda: NOW)
    csv = tmp_path / "strong.csv"
    csv.write_text(_log())
    summary = library.import_paths([csv], workers=1)
    assert summary.count("imported") == 1
    yield library
    library.close()


def _kept_equals_recount(lib: Library) -> None:
    athlete_id = lib._athlete_id()
    assert athlete_id is not None
    with lib.db.session() as s:
        kept = lift_state.states(s, athlete_id)
        recount = lift_state._scan(s, athlete_id)
    assert kept == {k: v for k, v in recount.items() if v.sessions}
    every = E1rmTracker().update(x for session in lib.strength_sessions() for x in session.sets)
    assert stored_e1rm(lib.db, athlete_id) == pytest.approx(every)


def test_the_kept_state_is_a_recount_after_import_log_edit_rm_and_undo(lib: Library) -> None:
    _kept_equals_recount(lib)
    with lib.db.session() as s:
        state = lift_state.states(s, lib._athlete_id() or 0)
    assert state["back_squat"].sessions == SESSIONS
    assert len(state["back_squat"].recent) == lift_state.RECENT
    logged = lib.log("back squat 3x3 @ 300kg rir 1", NOW - timedelta(hours=3))  # a new best
    _kept_equals_recount(lib)
    lib.edit(f"s{logged.id}", sets="goblet squat 3x10 @ 20kg rir 2")  # the squat best goes back
    _kept_equals_recount(lib)
    lib.remove([f"s{logged.id}"])  # the goblet squat is gone from the state
    _kept_equals_recount(lib)
    lib.undo_remove()
    _kept_equals_recount(lib)
    old = lib.log("back squat 3x5 @ 80kg", date(2020, 1, 7))  # older than the kept window
    _kept_equals_recount(lib)
    lib.remove([f"s{old.id}"])
    _kept_equals_recount(lib)


def test_a_database_without_state_reads_it_in_memory_and_builds_it_on_the_next_write(
    lib: Library, tmp_path: Path
) -> None:
    athlete_id = lib._athlete_id() or 0
    with lib.db.session() as s:  # as a database from before migration 0006
        s.execute(delete(lift_state.LiftStateRow))
        s.execute(delete(MetaRow).where(MetaRow.key == f"lift_state:{athlete_id}"))
    _kept_equals_recount(lib)  # computed from the sets, nothing written
    with lib.db.session() as s:
        assert s.get(MetaRow, f"lift_state:{athlete_id}") is None
    lib.log("back squat 3x5 @ 100kg rir 2", NOW - timedelta(hours=2))
    with lib.db.session() as s:
        assert s.get(MetaRow, f"lift_state:{athlete_id}") is not None
    _kept_equals_recount(lib)


def test_the_report_from_the_kept_state_is_the_report_from_every_session(lib: Library) -> None:
    every = strength_report(
        lib.strength_sessions(),
        load_catalog(),
        lib.settings,
        steps=LoadSteps.of(lib.profile, lib.settings),
        can_load="dumbbells" in lib.profile.equipment,
    )
    assert lib.strength_report() == every
    assert {row["key"]: row["sessions"] for row in every["exercises"]} == {
        "back_squat": SESSIONS,
        "bench_press": SESSIONS,
        "pull_up": SESSIONS,
    }


def test_strength_plan_and_the_next_import_read_a_bounded_number_of_sets(
    lib: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[int] = []
    real = convert.set_from_row
    monkeypatch.setattr(convert, "set_from_row", lambda r: read.append(1) or real(r))
    columns = quick.read_sessions  # the report and the plan read sets as plain columns

    def reading(*args: Any) -> dict[int, StrengthSession]:
        found = columns(*args)
        read.extend(1 for session in found.values() for _ in session.sets)
        return found

    monkeypatch.setattr(quick, "read_sessions", reading)
    total = SESSIONS * sum(4 if base else 3 for _, base in LIFTS)
    bound = lift_state.RECENT * (total // SESSIONS)  # each lift's latest sessions
    lib.strength_report()
    assert 0 < len(read) <= bound < total
    # the plan reads them too, and the sets of the weeks its rhythm looks back over
    from legday.plan.rhythm import RHYTHM_WEEKS

    since = NOW - timedelta(weeks=RHYTHM_WEEKS + 1)
    window = sum(len(x.sets) for x in lib.strength_sessions() if x.start >= since)
    read.clear()
    lib.plan(NOW.date())
    assert 0 < len(read) <= bound + window < total
    read.clear()
    stored_e1rm(lib.db, lib._athlete_id() or 0)  # what judges the next import's sets
    (tmp_path / "more.csv").write_text(_log(3).replace("Lift", "More"))
    lib.import_paths([tmp_path / "more.csv"], workers=1)
    assert read == []


def test_sessions_read_as_columns_are_the_sessions_read_as_orm_objects(
    lib: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report, the plan and the strength page read sets as plain columns: the same
    sessions, sets and fields as from the ORM rows (session_from_row), in the same order,
    through the SQLAlchemy session and through sqlite3 (legday.store.quick) alike."""
    from sqlalchemy import select

    from legday.store.schema import StrengthSessionRow

    lib.log("back squat 3x5 @ 80kg rir 2; plank 2x45s; db row 3x10 @ 2x20kg", NOW - timedelta(1))
    athlete_id = lib._athlete_id() or 0
    mine = StrengthSessionRow.athlete_id == athlete_id
    where, params = "strength_sessions.athlete_id = :a", {"a": athlete_id}
    with lib.db.session() as s:
        rows = sorted(s.scalars(select(StrengthSessionRow).where(mine)), key=lambda r: r.start)
        orm = {r.id: convert.session_from_row(r) for r in rows}
        r = quick.session_reads(s)
        assert quick.read_sessions(r, where, params) == orm
        assert list(quick.read_sessions(r, where, params)) == list(orm)  # oldest first
        found = lift_state.states(s, athlete_id)
        recent = lift_state.recent_ids(found)
        assert lift_state.recent_lifts(s, found) == [x for i, x in orm.items() if i in recent]
        monkeypatch.setattr(quick, "ID_BATCH", 7)  # reads in batches, the same order
        assert lift_state.read_ids(s, orm) == orm and list(lift_state.read_ids(s, orm)) == list(orm)
    fast = quick.open_reader(lib.db.url)  # the same database through sqlite3 alone
    if fast is not None:
        with fast.reads() as r:
            assert quick.read_sessions(r, where, params) == orm
            assert list(quick.read_ids(r, orm)) == list(orm)
    assert len(orm) == SESSIONS + 1 and lib.strength_sessions() == list(orm.values())
    newest = orm[rows[-1].id]
    assert any(x.duration_s for x in newest.sets) and any(x.per_hand for x in newest.sets)


@pytest.mark.parametrize("weeks", [2, 8, 52])
def test_the_strength_page_reads_once_what_report_and_trends_read_apart(
    lib: Library, weeks: int
) -> None:
    """Library.strength_overview (the strength page) reads the lifts' latest sessions and the
    weeks' sessions at once: the same report and trends as each read apart (the 52 weeks
    reach past the lifts' latest sessions, 2 weeks lie inside them)."""
    report = lib.strength_report()
    assert lib.strength_overview(weeks) == (report, lib.strength_trends(weeks, report))


def test_the_weeks_lifting_facts_read_as_columns_are_those_of_the_orm_rows(lib: Library) -> None:
    """session_facts (the week, the plan's rhythm) reads the lifts' sets as plain columns: the
    same facts as strength_facts of each ORM row with its sets."""
    from sqlalchemy import select

    from legday.store.facts import strength_facts
    from legday.store.schema import StrengthSessionRow

    first, last = (NOW - timedelta(weeks=6)).date(), NOW.date()
    facts = lib.session_facts(first, last)
    with lib.db.session() as s:
        rows = s.scalars(select(StrengthSessionRow)).all()
        before = [strength_facts(r, lib.profile, lib.settings) for r in rows]
    shown = [f for f in before if first <= f.local_start.date() <= last]
    assert len(shown) >= 18 and sorted(facts, key=lambda f: f.local_start) == sorted(
        shown, key=lambda f: f.local_start
    )
