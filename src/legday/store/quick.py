"""The library's reads as plain SQL: one statement and one decoding on either connection.

``legday week``, ``strength``, ``plan`` and ``verdict`` only read what the import stored. On a
SQLite home at this legday's schema they read it with :mod:`sqlite3` alone, without loading
SQLAlchemy (~0.5 s of CPU of a command's start; issue 18, "commands that start fast"); anywhere
else (PostgreSQL, a database to create or upgrade, a read-only file) the same statements run on
the SQLAlchemy session. Each read is written once here:

* :class:`Reads` runs a statement on a :mod:`sqlite3` connection (:meth:`QuickDatabase.reads`)
  or on a SQLAlchemy session (:func:`reads`), and decodes its columns as the ORM's column types
  do (a SQLite time stamp's text as a naive UTC datetime, JSON text as its value, 0/1 as a bool),
  so both give the same values;
* the statements' columns are named once (:data:`ACTIVITY_FACTS`, :data:`LIFT_FACTS`,
  :data:`SESSION_HEAD`, :data:`ACTIVITY`, :data:`STRENGTH_SESSION`, :data:`SET_COLUMNS`), and
  each row becomes its model object in one place (:func:`read_sessions`, :func:`lift_states`).

:func:`open_reader` takes the :mod:`sqlite3` path only for a database that needs nothing but
reading: a writable file whose schema is this legday's head. Anything else (a new, damaged,
older, newer or read-only database) is opened by :func:`legday.store.db.open_database`, which
says what is wrong as before. A write through a :class:`QuickDatabase` opens it there too.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections import namedtuple
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from legday.model import ExerciseSet, SetType, Source, StrengthSession

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from .db import Database

__all__ = [
    "ACTIVITY",
    "ACTIVITY_FACTS",
    "ID_BATCH",
    "LIFT_FACTS",
    "RECENT",
    "SESSION_HEAD",
    "SET_COLUMNS",
    "STRENGTH_SESSION",
    "LiftState",
    "QuickDatabase",
    "Reads",
    "activity_row",
    "among",
    "athlete_id",
    "lift_states",
    "open_reader",
    "read_ids",
    "read_sessions",
    "read_sets",
    "reads",
    "recent_ids",
    "schema_head",
    "strength_row",
    "week_rows",
]

#: Latest sessions kept per lift. The report's trend looks back over 6 normal sessions
#: (``report.TREND_SESSIONS``), a deload is judged against the 4 normal exposures before it
#: (``progression.DELOAD_NORM_EXPOSURES``) and a stall over 3 (``STALL_EXPOSURES``): 24 leaves
#: room for deloads inside the window and for the norm before its first trend session.
RECENT: int = 24
#: Session ids bound in one statement (SQLite's parameter limit is far above).
ID_BATCH: int = 500
#: How long a read waits for a writer's lock, ms (as the SQLAlchemy connections do).
BUSY_TIMEOUT_MS = 30_000

# -- the columns of each read --------------------------------------------------------------------

#: An activity as the week reads it (:func:`legday.store.facts.activity_facts`).
ACTIVITY_FACTS = (
    *("id", "start", "utc_offset_s", "sport", "duration_s", "distance_m", "kind", "category"),
    *("counts_as_leg_day", "trimp", "analysis", "verdict"),
)
#: A lifting session as the week reads it (:func:`legday.store.facts.strength_facts`).
LIFT_FACTS = (
    *("id", "start", "utc_offset_s", "duration_s", "category", "counts_as_leg_day", "verdict"),
    "activity_id",
)
#: A lifting session as a model object holds it, its sets apart.
SESSION_HEAD = ("id", "start", "name", "duration_s", "utc_offset_s", "source_format")
#: A stored activity as :meth:`Library.activity` shows it (never its samples), and whose it is.
ACTIVITY = (
    *("id", "athlete_id", "sport", "start", "name", "kind", "analysis", "verdict"),
    *("label_kind", "label_reps", "labelled_at"),
)
#: A stored lifting session as :meth:`Library.strength_session` shows it, its sets apart.
STRENGTH_SESSION = (
    *("id", "athlete_id", "start", "utc_offset_s", "name", "duration_s", "rpe", "notes"),
    *("source_format", "activity_id", "verdict"),
)
#: A stored set's columns, in the order of :class:`ExerciseSet`'s fields (``order`` is the
#: set's ``index``), as :func:`legday.store.convert.set_from_row` maps them.
SET_COLUMNS = tuple("index" if f.name == "order" else f.name for f in fields(ExerciseSet))
#: One lift's state (:mod:`legday.store.lift_state`).
LIFT_STATE = ("exercise", "mapped", "sessions", "best_e1rm_kg", "recent")

#: Columns that hold a time stamp (``DateTime(timezone=True)``), JSON, or a bool.
_TIMES = frozenset({"start", "labelled_at"})
_JSON = frozenset({"analysis", "verdict", "recent"})
_BOOLS = frozenset({"counts_as_leg_day", "mapped", "per_hand"})
#: How SQLAlchemy writes a time stamp into SQLite (its ``DATETIME`` type's storage format):
#: text, compared as text, so a bound time must be written the same way.
_SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"


def _select(table: str, columns: Sequence[str]) -> str:
    return ", ".join(f'{table}."{c}"' for c in columns)


def _decoder(column: str, dialect: str) -> Callable[[Any], Any] | None:
    """How a raw value of ``column`` becomes what the ORM's column type gives (None: as it is).
    PostgreSQL's driver hands back datetimes, decoded JSON and bools already."""
    if column in _BOOLS:
        return _bool
    if dialect != "sqlite":
        return None
    if column in _TIMES:
        return _sqlite_time
    if column in _JSON:
        return _json
    return None


def _bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _sqlite_time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _json(value: str | None) -> Any:
    return None if value is None else json.loads(value)


class Reads:
    """Statements on one connection in one transaction, their rows decoded alike on every back
    end (see the module docstring). ``execute`` runs a statement with named parameters."""

    def __init__(
        self,
        execute: Callable[[str, Mapping[str, Any]], Iterable[Sequence[Any]]],
        dialect: str,
    ) -> None:
        self._execute = execute
        self.dialect = dialect

    def rows(
        self, sql: str, params: Mapping[str, Any], columns: Sequence[str]
    ) -> list[tuple[Any, ...]]:
        """The rows of ``sql``, whose columns are ``columns``, decoded."""
        found = [(i, _decoder(c, self.dialect)) for i, c in enumerate(columns)]
        decoders = [(i, d) for i, d in found if d is not None]
        out = []
        for raw in self._execute(sql, params):
            row = list(raw)
            for i, decode in decoders:
                row[i] = decode(row[i])
            out.append(tuple(row))
        return out

    def at(self, moment: datetime) -> Any:
        """``moment`` (naive is UTC) as a bound parameter compared with a stored time stamp."""
        if self.dialect == "sqlite":
            return _utc(moment).astimezone(UTC).strftime(_SQLITE_TIME)
        return moment


def among(name: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
    """``(:name0, :name1, …)`` and its parameters."""
    params = {f"{name}{i}": v for i, v in enumerate(values)}
    return "(" + ", ".join(f":{k}" for k in params) + ")", params


# -- the database -------------------------------------------------------------------------------


def schema_head() -> str:
    """The newest migration's revision, from the packaged ``migrations/versions`` (numbered
    ``0001_…``); ``legday.store.db.SCHEMA_HEAD`` names the same (a test checks it)."""
    versions = Path(__file__).with_name("migrations") / "versions"
    return max(n[:4] for n in os.listdir(versions) if n[:4].isdigit() and n.endswith(".py"))


def _writable(path: Path) -> bool:
    """A file this process may write, in a folder it may write (SQLite's WAL makes files
    beside it): a database nothing needs to happen to first."""
    return path.is_file() and os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


class QuickDatabase:
    """A SQLite database at this legday's schema: read with :mod:`sqlite3` (:meth:`reads`),
    and opened by :func:`~legday.store.db.open_database` the first time anything else is
    asked of it (a write, a query of its own), so it stands in for a
    :class:`~legday.store.db.Database` everywhere."""

    def __init__(self, url: str, path: Path) -> None:
        self.url = url
        self.path = path
        self._full: Database | None = None
        self._lock = threading.Lock()

    @property
    def full(self) -> Database:
        """The SQLAlchemy database, opened once, on first use."""
        with self._lock:
            if self._full is None:
                from .db import open_database

                self._full = open_database(self.url)
            return self._full

    @property
    def engine(self) -> Any:
        return self.full.engine

    @property
    def sessions(self) -> Any:
        return self.full.sessions

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.full.session() as s:
            yield s

    def acting_as(self, user_id: int | None) -> Database:
        """:meth:`Database.acting_as` (row-level security is PostgreSQL's: its reads go
        through SQLAlchemy)."""
        return self.full.acting_as(user_id)

    def dispose(self) -> None:
        with self._lock:
            if self._full is not None:
                self._full.dispose()

    @contextmanager
    def reads(self) -> Iterator[Reads]:
        """A read transaction on a connection of its own (one per call: threads may share the
        library, as the web server's do)."""
        connection = _connect(self.path)
        try:
            connection.execute("BEGIN")
            yield Reads(lambda sql, params: connection.execute(sql, params).fetchall(), "sqlite")
        finally:
            connection.close()  # a read transaction: nothing to commit


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return connection


def open_reader(url: str) -> QuickDatabase | None:
    """A :class:`QuickDatabase` for ``url`` when it is a SQLite file that needs only reading
    (writable, at this legday's schema), else None: open it with ``open_database``, which
    creates, upgrades or refuses it, saying why."""
    if not url.startswith("sqlite:///"):
        return None
    path = Path(url.removeprefix("sqlite:///"))
    if str(path) in ("", ":memory:") or str(path).startswith("file:") or not _writable(path):
        return None
    try:
        connection = _connect(path)
        try:
            found = [r[0] for r in connection.execute("select version_num from alembic_version")]
        finally:
            connection.close()
    except sqlite3.Error:  # damaged, not a database, no schema yet: open_database says which
        return None
    return QuickDatabase(url, path) if found == [schema_head()] else None


@contextmanager
def reads(db: Database | QuickDatabase) -> Iterator[Reads]:
    """Reads on ``db``: :mod:`sqlite3` for a :class:`QuickDatabase`, else its SQLAlchemy
    session (the same statements, decoded alike)."""
    if isinstance(db, QuickDatabase):
        with db.reads() as found:
            yield found
        return
    with db.session() as s:
        yield session_reads(s)


def session_reads(s: Session) -> Reads:
    """Reads on a SQLAlchemy session, in its transaction."""
    from sqlalchemy import text

    return Reads(lambda sql, params: s.execute(text(sql), params).all(), s.get_bind().dialect.name)


# -- the reads ----------------------------------------------------------------------------------


def athlete_id(r: Reads, name: str) -> int | None:
    found = r.rows("select id from athletes where name = :name", {"name": name}, ("id",))
    return int(found[0][0]) if found else None


ActivityFacts = namedtuple("ActivityFacts", ACTIVITY_FACTS)  # type: ignore[misc]
LiftFacts = namedtuple("LiftFacts", LIFT_FACTS)  # type: ignore[misc]


def week_rows(
    r: Reads, athlete: int, lo: datetime, hi: datetime
) -> tuple[list[Any], list[Any], dict[int, StrengthSession]]:
    """The activities and lifting sessions that start in ``[lo, hi)``, by start, as
    :data:`ACTIVITY_FACTS` and :data:`LIFT_FACTS` rows, and the lifting sessions' sets."""
    span = {"athlete": athlete, "lo": r.at(lo), "hi": r.at(hi)}
    acts = r.rows(
        f"select {_select('activities', ACTIVITY_FACTS)} from activities "
        "where activities.athlete_id = :athlete and activities.start >= :lo "
        "and activities.start < :hi order by activities.start, activities.id",
        span,
        ACTIVITY_FACTS,
    )
    where = (
        "strength_sessions.athlete_id = :athlete and strength_sessions.start >= :lo "
        "and strength_sessions.start < :hi"
    )
    lifts = r.rows(
        f"select {_select('strength_sessions', LIFT_FACTS)} from strength_sessions "
        f"where {where} order by strength_sessions.start, strength_sessions.id",
        span,
        LIFT_FACTS,
    )
    sessions = read_sessions(r, where, span) if lifts else {}
    return [ActivityFacts(*a) for a in acts], [LiftFacts(*x) for x in lifts], sessions


def read_sets(r: Reads, where: str, params: Mapping[str, Any]) -> dict[int, list[ExerciseSet]]:
    """The sets of the lifting sessions that match ``where`` (a condition on
    ``strength_sessions``), by session id, in order."""
    columns = ("session_id", *SET_COLUMNS)
    rows = r.rows(
        f"select {_select('strength_sets', columns)} from strength_sets "
        "join strength_sessions on strength_sets.session_id = strength_sessions.id "
        f'where {where} order by strength_sets.session_id, strength_sets."index"',
        params,
        columns,
    )
    kinds = {str(t): t for t in SetType}
    kind = SET_COLUMNS.index("set_type")
    sets: dict[int, list[ExerciseSet]] = {}
    for session_id, *values in rows:
        values[kind] = kinds[values[kind]]
        sets.setdefault(session_id, []).append(ExerciseSet(*values))
    return sets


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _stamp(moment: datetime) -> float:
    return _utc(moment).timestamp()


def read_sessions(r: Reads, where: str, params: Mapping[str, Any]) -> dict[int, StrengthSession]:
    """The lifting sessions that match ``where`` (a condition on ``strength_sessions``), by id,
    oldest first, as :func:`~legday.store.convert.session_from_row` gives them: two
    statements, no verdict decoded."""
    heads = r.rows(
        f"select {_select('strength_sessions', SESSION_HEAD)} from strength_sessions where {where}",
        params,
        SESSION_HEAD,
    )
    if not heads:
        return {}
    sets = read_sets(r, where, params)
    return {
        ident: StrengthSession(
            start=_utc(start),
            sets=tuple(sets.get(ident, ())),
            name=name,
            duration_s=duration_s,
            utc_offset_s=utc_offset_s,
            source=Source(format=source_format),
        )
        for ident, start, name, duration_s, utc_offset_s, source_format in sorted(
            heads, key=lambda h: (_stamp(h[1]), h[0])
        )
    }


def read_ids(r: Reads, ids: Iterable[int]) -> dict[int, StrengthSession]:
    """:func:`read_sessions` of the sessions ``ids``, by id, oldest first."""
    wanted = sorted(set(ids))
    out: dict[int, StrengthSession] = {}
    for k in range(0, len(wanted), ID_BATCH):
        ids_in, params = among("id", wanted[k : k + ID_BATCH])
        out |= read_sessions(r, f"strength_sessions.id in {ids_in}", params)
    if len(wanted) <= ID_BATCH:
        return out
    return dict(sorted(out.items(), key=lambda kv: (kv[1].start, kv[0])))


def sessions_since(r: Reads, athlete: int, since: datetime | None) -> list[StrengthSession]:
    """The athlete's lifting sessions from ``since`` on (None: all), oldest first."""
    where, params = "strength_sessions.athlete_id = :athlete", {"athlete": athlete}
    if since is not None:
        where += " and strength_sessions.start >= :since"
        params |= {"since": r.at(since)}
    return list(read_sessions(r, where, params).values())


def newest_lift(r: Reads, athlete: int) -> datetime | None:
    """When the athlete's newest lifting session started (UTC), None when there is none."""
    found = r.rows(
        "select max(strength_sessions.start) from strength_sessions "
        "where strength_sessions.athlete_id = :athlete",
        {"athlete": athlete},
        ("start",),
    )
    return _utc(found[0][0]) if found and found[0][0] is not None else None


def session_ids_since(r: Reads, athlete: int, since: datetime) -> set[int]:
    found = r.rows(
        "select strength_sessions.id from strength_sessions where "
        "strength_sessions.athlete_id = :athlete and strength_sessions.start >= :since",
        {"athlete": athlete, "since": r.at(since)},
        ("id",),
    )
    return {int(i) for (i,) in found}


ActivityRecord = namedtuple("ActivityRecord", ACTIVITY)  # type: ignore[misc]
StrengthRecord = namedtuple("StrengthRecord", STRENGTH_SESSION)  # type: ignore[misc]


def activity_row(r: Reads, ident: int) -> Any:
    """A stored activity's :data:`ACTIVITY` columns, None when there is none."""
    found = r.rows(
        f"select {_select('activities', ACTIVITY)} from activities where activities.id = :id",
        {"id": ident},
        ACTIVITY,
    )
    return ActivityRecord(*found[0]) if found else None


def strength_row(r: Reads, ident: int) -> tuple[Any, list[ExerciseSet]] | None:
    """A stored lifting session's :data:`STRENGTH_SESSION` columns and its sets, None when
    there is none."""
    where, params = "strength_sessions.id = :id", {"id": ident}
    found = r.rows(
        f"select {_select('strength_sessions', STRENGTH_SESSION)} from strength_sessions "
        f"where {where}",
        params,
        STRENGTH_SESSION,
    )
    if not found:
        return None
    return StrengthRecord(*found[0]), read_sets(r, where, params).get(ident, [])


# -- lift state ---------------------------------------------------------------------------------


@dataclass
class LiftState:
    """One lift's state (:mod:`legday.store.lift_state`)."""

    mapped: bool = False
    sessions: int = 0
    best_e1rm_kg: float | None = None
    recent: list[tuple[float, int]] = field(default_factory=list)

    def fold(self, session_id: int, start: datetime, sets: Sequence[ExerciseSet]) -> None:
        """Count one session's sets of this lift (``sets`` all of this lift)."""
        from legday.strength.e1rm import best_e1rm  # a write's: reads never need the strength code

        self.sessions += 1
        self.mapped = self.mapped or any(s.mapped for s in sets)
        for s in sets:
            value = best_e1rm(s)
            if value is not None and (self.best_e1rm_kg is None or value > self.best_e1rm_kg):
                self.best_e1rm_kg = value
        self.recent = sorted([*self.recent, (_stamp(start), session_id)])[-RECENT:]

    @classmethod
    def stored(
        cls, mapped: bool, sessions: int, best: float | None, recent: Iterable[Sequence[float]]
    ) -> LiftState:
        """A state as ``lift_state`` stores it (``recent`` as ``[[timestamp, id], …]``)."""
        return cls(bool(mapped), sessions, best, [(float(t), int(i)) for t, i in recent])


def marker(athlete: int) -> str:
    """The ``legday_meta`` key that says the athlete's lift state is built."""
    return f"lift_state:{athlete}"


def lift_states(r: Reads, athlete: int) -> dict[str, LiftState] | None:
    """Every lift's stored state, by exercise; None when the database has none built yet
    (:func:`legday.store.lift_state.states` then computes it from the sets)."""
    built = r.rows(
        "select legday_meta.key from legday_meta where legday_meta.key = :key",
        {"key": marker(athlete)},
        ("key",),
    )
    if not built:
        return None
    rows = r.rows(
        f"select {_select('lift_state', LIFT_STATE)} from lift_state "
        "where lift_state.athlete_id = :athlete order by lift_state.exercise",
        {"athlete": athlete},
        LIFT_STATE,
    )
    return {exercise: LiftState.stored(*rest) for exercise, *rest in rows}


def recent_ids(found: Mapping[str, LiftState]) -> set[int]:
    """The ids of the sessions among any lift's latest :data:`RECENT`."""
    return {i for state in found.values() for _, i in state.recent}
