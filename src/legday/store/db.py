"""Opening a database: SQLite (WAL) by default, PostgreSQL for a shared server.

:func:`open_database` creates the engine, brings the schema up to date with the packaged
Alembic migrations, and returns a :class:`Database` with a session factory.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from legday.errors import ConfigError

__all__ = ["Database", "open_database"]


@dataclass
class Database:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in its own transaction: committed on success, rolled back on error."""
        with self.sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


#: The newest migration in ``migrations/versions`` (a test checks it against Alembic's head).
#: A database already at this revision opens without loading Alembic at all.
SCHEMA_HEAD = "0004"


def _at_head(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            current = connection.execute(text("select version_num from alembic_version")).all()
    except SQLAlchemyError:
        return False
    return [row[0] for row in current] == [SCHEMA_HEAD]


def _migrate(engine: Engine) -> None:
    if _at_head(engine):
        return
    from alembic import command
    from alembic.config import Config

    script_location = resources.files("legday.store") / "migrations"
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


def open_database(url: str, *, migrate: bool = True) -> Database:
    """Connect to ``url`` and bring its schema up to date."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if str(path) not in ("", ":memory:"):
            path.parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(url, future=True)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise ConfigError(f"cannot use database URL {url!r}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if migrate:
        try:
            _migrate(engine)
        except SQLAlchemyError as exc:
            raise ConfigError(f"cannot open database {url!r}: {exc}") from exc
    return Database(url, engine, sessionmaker(engine, expire_on_commit=False))
