"""Opening a database: SQLite (WAL) by default, PostgreSQL for a shared server.

:func:`open_database` creates the engine, brings the schema up to date with the packaged
Alembic migrations, and returns a :class:`Database` with a session factory.

First use is safe when several processes start at once: the migrations run under a lock on the
database itself (SQLite ``BEGIN EXCLUSIVE``, a PostgreSQL advisory lock), so one process creates
the tables and the others find them made; :func:`ensure_athlete` creates the athlete's row with
``ON CONFLICT DO NOTHING``, so two first imports share one row instead of one failing.

The multi-user server (issue 20) opens each transaction as :data:`APP_ROLE` with the acting user
in ``legday.user_id`` (:meth:`Database.acting_as`): PostgreSQL's row-level security then lets it
read only the rows of the athletes that user may see (migration 0010, docs/server.md).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event, make_url, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from legday.errors import ConfigError, DatabaseError
from legday.model import AthleteProfile

from .schema import AthleteRow

__all__ = [
    "APP_ROLE",
    "Database",
    "ensure_athlete",
    "lock_athlete",
    "open_database",
    "stored_profile",
]

#: The PostgreSQL role the multi-user server acts as: it owns no table, so row-level security
#: applies to it (made by migration 0010).
APP_ROLE = "legday_app"


@dataclass(frozen=True)
class Acting:
    """Who a :class:`Database` acts for: ``user_id`` (None: no one yet, as at a login)."""

    user_id: int | None


@dataclass
class Database:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    acting: Acting | None = None
    """None: the tables' owner (single-user mode, the command line); else each transaction runs
    as :data:`APP_ROLE` for ``acting.user_id`` (PostgreSQL only)."""

    def acting_as(self, user_id: int | None) -> Database:
        """The same database (engine and pool shared), each transaction run as
        :data:`APP_ROLE` for ``user_id``, under the row-level security policies. Dispose of
        the database it came from, not of this one."""
        return replace(self, acting=Acting(user_id))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in its own transaction: committed on success, rolled back on error."""
        with self.sessions() as session, session.begin():
            if self.acting is not None and self.engine.dialect.name == "postgresql":
                # SET LOCAL ROLE and the user in one round trip; both end with the transaction,
                # so a pooled connection keeps neither
                user = "" if self.acting.user_id is None else str(self.acting.user_id)
                session.execute(
                    text(
                        "select set_config('role', :r, true),"
                        " set_config('legday.user_id', :u, true)"
                    ),
                    {"r": APP_ROLE, "u": user},
                )
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # First: switching a new file to WAL needs its lock, which another process may hold.
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


#: The newest migration in ``migrations/versions`` (a test checks it against Alembic's head).
#: A database already at this revision opens without loading Alembic at all.
SCHEMA_HEAD = "0011"


def _current(engine: Engine) -> list[str] | None:
    """The schema revisions the database records, or None when it records none (a new
    database) or cannot be read (the upgrade then reports why)."""
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("select version_num from alembic_version")).all()
    except SQLAlchemyError:
        return None
    return [row[0] for row in rows]


def _newer(revisions: list[str]) -> bool:
    """Whether the schema is a revision after this legday's head (revisions are numbered)."""
    return any(rev.isdigit() and int(rev) > int(SCHEMA_HEAD) for rev in revisions)


def _written_by(engine: Engine) -> str:
    """The legday version that last upgraded the schema (``legday_meta``), or "a newer legday"."""
    try:
        with engine.connect() as connection:
            version = connection.execute(
                text("select value from legday_meta where key = 'written_by'")
            ).scalar()
    except SQLAlchemyError:
        version = None
    return f"legday {version}" if version else "a newer legday"


def _check_version(engine: Engine, url: str, current: list[str] | None) -> None:
    if current and _newer(current):
        from legday import __version__

        raise DatabaseError(
            f"{_shown(url)} was written by {_written_by(engine)} (schema {', '.join(current)}); "
            f"this is legday {__version__} (schema {SCHEMA_HEAD}): upgrade legday to use it"
        )


def _migrate(engine: Engine, url: str) -> None:
    current = _current(engine)
    if current == [SCHEMA_HEAD]:
        return
    _check_version(engine, url, current)
    from alembic import command
    from alembic.config import Config
    from alembic.util import CommandError

    from legday import __version__

    script_location = resources.files("legday.store") / "migrations"
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    with engine.connect() as connection:
        try:
            with connection.begin():
                _lock_schema(connection)  # Alembic reads the version again once the lock is ours
                cfg.attributes["connection"] = connection
                try:
                    command.upgrade(cfg, "head")
                except CommandError as exc:
                    raise DatabaseError(f"cannot upgrade {_shown(url)}: {exc}") from exc
                connection.execute(text("delete from legday_meta where key = 'written_by'"))
                connection.execute(
                    text("insert into legday_meta (key, value) values ('written_by', :v)"),
                    {"v": __version__},
                )
        finally:
            if connection.dialect.name == "sqlite":  # off for the migration (_lock_schema)
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")


#: PostgreSQL advisory locks are named by two int4 keys: (legday's schema lock, 0) and
#: (legday's athlete locks, athlete id). Arbitrary constants, unlikely to meet another app's.
SCHEMA_LOCK = (0x1E6DA7, 0)
ATHLETE_LOCKS = 0x1E6DA8


def _lock_schema(connection: Connection) -> None:
    """Hold the database's schema lock until ``connection``'s transaction ends: no other
    process migrates meanwhile. SQLite locks the whole file (the driver issues no BEGIN of its
    own before DDL); PostgreSQL takes a transaction-level advisory lock."""
    if connection.dialect.name == "sqlite":
        # Foreign keys off until the migration ends (``_migrate``): a migration that
        # rebuilds a table (0007) drops its old copy, which must not cascade to its children.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.exec_driver_sql("BEGIN EXCLUSIVE")
    elif connection.dialect.name == "postgresql":
        a, b = SCHEMA_LOCK
        connection.execute(text("select pg_advisory_xact_lock(:a, :b)"), {"a": a, "b": b})


def lock_athlete(session: Session, athlete_id: int) -> None:
    """Serialise writers of one athlete's sessions until ``session``'s transaction ends, so a
    check for an existing session and the insert that follows it are one step. On PostgreSQL
    (READ COMMITTED) that takes an advisory lock; SQLite has one writer at a time already, once
    the transaction has written (the import writes the file's row first)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("select pg_advisory_xact_lock(:a, :b)"), {"a": ATHLETE_LOCKS, "b": athlete_id}
        )


def ensure_athlete(session: Session, name: str, profile: dict[str, Any]) -> int:
    """The id of the athlete called ``name``, created with ``profile`` when new. Two processes
    creating the same athlete at once both get the one row."""
    from sqlalchemy.dialects import postgresql, sqlite  # here: ~0.1 s that reads never need

    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        insert = (sqlite if dialect == "sqlite" else postgresql).insert(AthleteRow)
        session.execute(
            insert.values(name=name, profile=profile).on_conflict_do_nothing(
                index_elements=[AthleteRow.name]
            )
        )
    elif session.scalar(select(AthleteRow.id).where(AthleteRow.name == name)) is None:
        session.add(AthleteRow(name=name, profile=profile))
        session.flush()
    # inserted above, or by another process before us
    return session.scalars(select(AthleteRow.id).where(AthleteRow.name == name)).one()


def stored_profile(name: str, data: Mapping[str, Any] | None) -> AthleteProfile:
    """The profile stored for the athlete ``name`` (``athletes.profile``, as
    :meth:`AthleteProfile.to_dict` wrote it; defaults when empty). :class:`ConfigError` naming
    the athlete when a stored value is not valid."""
    try:
        return AthleteProfile.from_dict(data or {})
    except ConfigError as exc:
        raise ConfigError(f"athlete {name!r}'s stored profile: {exc}") from None


def _shown(url: str) -> str:
    """The database as a person names it: the file of a SQLite URL, else the URL without its
    password (messages end up in terminals, logs and bug reports)."""
    if url.startswith("sqlite:///"):
        return url.removeprefix("sqlite:///")
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (SQLAlchemyError, ValueError):
        return "the database URL"


def _reason(exc: BaseException) -> str:
    """The driver's own message, first line only (SQLAlchemy appends SQL and a link)."""
    orig = getattr(exc, "orig", None) or exc
    text_ = str(orig).strip().splitlines()
    return text_[0] if text_ else type(orig).__name__


def _read_only(path: Path) -> bool:
    """A SQLite file this process may read but not write. SQLite's WAL also needs to create
    its ``-shm`` file beside the database, so a folder it cannot write counts as read-only."""
    return path.is_file() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def _read_only_url(path: Path) -> str:
    """A read-only connection's URL: ``mode=ro`` when the WAL's ``-wal`` and ``-shm`` files are
    there to read (a writer has them open: their pages are the newest), else ``immutable``,
    which reads the file alone and needs to create nothing (SQLite: "Read-Only Databases")."""
    wal = all(path.with_name(path.name + end).is_file() for end in ("-wal", "-shm"))
    mode = "mode=ro" if wal else "immutable=1"
    return f"sqlite:///file:{quote(str(path.resolve()))}?{mode}&uri=true"


def open_database(url: str, *, migrate: bool = True) -> Database:
    """Connect to ``url`` and bring its schema up to date.

    A SQLite file this process cannot write is opened read-only (``immutable``): commands
    that only read work, and one that writes fails with a :class:`DatabaseError` saying so.
    Raises :class:`DatabaseError` for a damaged file, a schema written by a newer legday, or a
    read-only database that needs upgrading, and :class:`ConfigError` for a bad URL."""
    connect_url = url
    read_only = False
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if str(path) not in ("", ":memory:") and not str(path).startswith("file:"):
            if _read_only(path):
                read_only = True
                connect_url = _read_only_url(path)
            else:
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise DatabaseError(
                        f"cannot create the database folder {path.parent}: {exc.strerror}"
                    ) from exc
    try:
        engine = create_engine(connect_url, future=True)
    except ImportError as exc:  # the driver is an extra (legday[postgres])
        extra = " (pip install 'legday[postgres]')" if exc.name == "psycopg" else ""
        raise ConfigError(f"cannot use database URL {_shown(url)}: {exc}{extra}") from exc
    except (SQLAlchemyError, ValueError) as exc:
        raise ConfigError(f"cannot use database URL {_shown(url)}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        if read_only:
            current = _current(engine)
            _check_version(engine, url, current)
            if current != [SCHEMA_HEAD]:
                raise DatabaseError(
                    f"{_shown(url)} is read-only and its schema needs upgrading: run legday "
                    "once with write access to it"
                )
        elif migrate:
            _migrate(engine, url)
    except SQLAlchemyError as exc:
        engine.dispose()
        hint = ""
        if "not a database" in _reason(exc) or "malformed" in _reason(exc):
            hint = ": it is damaged or not a legday database; move it aside or restore a backup"
        raise DatabaseError(f"cannot open database {_shown(url)}: {_reason(exc)}{hint}") from exc
    except DatabaseError:
        engine.dispose()
        raise
    return Database(url, engine, sessionmaker(engine, expire_on_commit=False))
