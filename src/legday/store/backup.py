"""``legday backup`` and ``legday restore``: the database and its originals in one archive.

The archive is a tar file (gzip- or xz-compressed when its name ends in ``.tar.gz``, ``.tgz``
or ``.tar.xz``) holding, in this order:

``legday-backup.json``
    the manifest (:class:`Manifest`): the archive format's version, the legday version and the
    schema revision that wrote it, the back end, the database member's size and SHA-256, and
    how many originals follow and their total size;
``database.pgdump`` (PostgreSQL)
    ``pg_dump --format=custom``: one consistent snapshot, compressed, read by ``pg_restore`` of
    the same major version or a newer one;
``database.sqlite`` (SQLite)
    a copy made with SQLite's online backup API: consistent while other processes write;
``originals/ab/abcdef….bin``
    every original file, named by its SHA-256 as in the home's blob store.

Why this shape (docs/operations.md says it for users): a restore needs nothing but the one
file, since the originals are what ``legday reanalyze`` reads again; the manifest comes first,
so a restore refuses an archive of the other back end or of a newer schema, or a database that
holds data, before it reads further; every member can be checked (the database by the
manifest's SHA-256, each original by its name, the whole by the manifest's counts), so a
truncated or damaged archive is found before the database is touched; and the parts are what
standard tools read (``tar tf``, ``pg_restore --list``, ``sqlite3``).

A restore reads the archive once. It writes the originals into the home as it goes (content-
addressed: one already there, or one an interrupted restore wrote, is harmless), checks the
database member, and only then replaces the database in one transaction: on PostgreSQL the
dump's SQL (from ``pg_restore``) after dropping the tables there, in one ``psql
--single-transaction``; on SQLite the backup API into the database file. An older schema is
then upgraded as any legday command would. The tar itself, written and read back checked, is
:mod:`legday.store.backup_archive`'s.
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
import time
from collections.abc import Callable, Mapping
from contextlib import closing
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, inspect, make_url, text
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from legday.errors import (
    ConfigError,
    CorruptFileError,
    DatabaseError,
    DatabaseNotEmptyError,
    NewerBackupError,
    WrongBackendError,
)

from .backup_archive import (
    ArchiveReader,
    Backend,
    Manifest,
    open_archive,
    originals_in,
    sha256_file,
    write_archive,
)
from .blobs import BlobStore
from .db import SCHEMA_HEAD, _current, _newer, _reason, _shown, open_database
from .pgtools import find_tool, libpq_target, run_tool

__all__ = [
    "Backend",
    "BackupSummary",
    "Manifest",
    "RestoreSummary",
    "backup",
    "granted_roles",
    "restore",
]

#: Tables that hold no one's data: a database with rows only there counts as empty.
BOOKKEEPING = frozenset({"alembic_version", "legday_meta"})
#: How long a restore waits for a SQLite database another process is writing, s (as the
#: engine's busy timeout, legday.store.db).
SQLITE_BUSY_S = 30.0


def backend_of(url: str) -> Backend:
    """The back end of a database URL; :class:`ConfigError` for any other."""
    try:
        name = make_url(url).get_backend_name()
    except ArgumentError as exc:
        raise ConfigError(f"cannot use database URL {_shown(url)}: {exc}") from exc
    if name not in ("sqlite", "postgresql"):
        raise ConfigError(f"legday backs up SQLite and PostgreSQL databases, not {name}")
    return Backend(name)


@dataclass(frozen=True, slots=True)
class BackupSummary:
    archive: Path
    database: str
    manifest: Manifest
    archive_bytes: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "archive": str(self.archive),
            "database": self.database,
            "archive_bytes": self.archive_bytes,
            "seconds": round(self.seconds, 3),
            "manifest": asdict(self.manifest),
        }


@dataclass(frozen=True, slots=True)
class RestoreSummary:
    archive: Path
    database: str
    manifest: Manifest
    #: The schema revision after the restore (the archive's, upgraded to this legday's).
    schema: str
    #: Originals the home did not hold before.
    originals_new: int
    #: Whether the database held data that the restore replaced (``--force``).
    replaced: bool
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "archive": str(self.archive),
            "database": self.database,
            "schema": self.schema,
            "originals_new": self.originals_new,
            "replaced": self.replaced,
            "seconds": round(self.seconds, 3),
            "manifest": asdict(self.manifest),
        }


# -- backup -------------------------------------------------------------------------------------
def backup(
    url: str, originals: Path, out: Path, *, env: Mapping[str, str] | None = None
) -> BackupSummary:
    """Write the database at ``url`` and the originals under ``originals`` to the archive
    ``out`` (replaced only once complete: a failure leaves no half archive under its name)."""
    started = time.perf_counter()
    backend = backend_of(url)
    out = out.expanduser()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".legday-backup-") as tmp:
        dump = Path(tmp) / backend.member
        if backend is Backend.SQLITE:
            schema, server = _sqlite_copy(_sqlite_path(url, must_exist=True), dump), None
        else:
            schema, server = _pg_dump(url, dump, env)
        found = originals_in(originals)
        manifest = Manifest(
            legday_version=_version(),
            schema=schema,
            backend=backend,
            created=datetime.now(UTC).isoformat(timespec="seconds"),
            database_bytes=dump.stat().st_size,
            database_sha256=sha256_file(dump),
            originals=len(found),
            originals_bytes=sum(path.stat().st_size for path, _ in found),
            server_version=server,
        )
        write_archive(out, manifest, dump, found)
    return BackupSummary(
        out, _shown(url), manifest, out.stat().st_size, time.perf_counter() - started
    )


def _version() -> str:
    from legday import __version__

    return __version__


def _sqlite_path(url: str, *, must_exist: bool) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise ConfigError(f"cannot back up or restore {_shown(url)}: name a SQLite file")
    path = Path(database).expanduser()
    if must_exist and not path.is_file():
        raise DatabaseError(f"no database at {path} to back up")
    return path


def _sqlite_copy(source: Path, dest: Path) -> str:
    """Copy ``source`` to ``dest`` with SQLite's online backup API; the copy's schema revision."""
    try:
        with (
            closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as src,
            closing(sqlite3.connect(dest)) as dst,
        ):
            src.backup(dst)
            return _sqlite_schema(dst, source)
    except sqlite3.Error as exc:
        raise DatabaseError(f"cannot back up {source}: {exc}") from exc


def _sqlite_schema(connection: sqlite3.Connection, source: Path) -> str:
    try:
        rows = connection.execute("select version_num from alembic_version").fetchall()
    except sqlite3.Error:
        rows = []
    if not rows:
        raise DatabaseError(f"{source} is not a legday database (it records no schema)")
    return max(str(row[0]) for row in rows)


def _server(url: str) -> tuple[Engine, int, str]:
    """An engine on the PostgreSQL database at ``url`` (no migration), with the server's major
    version and full version; :class:`DatabaseError` when it cannot be reached."""
    db = open_database(url, migrate=False)
    try:
        with db.engine.connect() as connection:
            number = int(connection.execute(text("show server_version_num")).scalar_one())
            version = str(connection.execute(text("show server_version")).scalar_one())
    except SQLAlchemyError as exc:
        db.dispose()
        raise DatabaseError(f"cannot open database {_shown(url)}: {_reason(exc)}") from exc
    return db.engine, number // 10000, version.split()[0]


def _pg_dump(url: str, dump: Path, env: Mapping[str, str] | None) -> tuple[str, str]:
    engine, major, version = _server(url)
    try:
        revisions = _current(engine)
    finally:
        engine.dispose()
    if not revisions:
        raise DatabaseError(f"{_shown(url)} is not a legday database (it records no schema)")
    tool = find_tool("pg_dump", major, env)
    target, secret = libpq_target(url)
    args = ["--format=custom", "--file", str(dump), "--dbname", target]
    run_tool(tool, args, env=secret, what=f"pg_dump of {_shown(url)}")
    return max(revisions), version


# -- restore ------------------------------------------------------------------------------------
def restore(
    archive: Path,
    url: str,
    originals: Path,
    *,
    force: bool = False,
    env: Mapping[str, str] | None = None,
) -> RestoreSummary:
    """Restore ``archive`` into the database at ``url`` and the originals under ``originals``.

    Raises :class:`WrongBackendError`, :class:`NewerBackupError` or (without ``force``)
    :class:`DatabaseNotEmptyError` before writing anything, and :class:`TruncatedFileError` or
    :class:`CorruptFileError` (naming the archive) before touching the database."""
    started = time.perf_counter()
    backend = backend_of(url)
    originals.parent.mkdir(parents=True, exist_ok=True)
    with (
        open_archive(archive) as tar,
        tempfile.TemporaryDirectory(dir=originals.parent, prefix=".legday-restore-") as tmp,
    ):
        reader = ArchiveReader(tar, archive)
        manifest = reader.manifest()
        _check_fits(manifest, backend, archive, url)
        holding = _tables_with_data(url, backend)
        if holding and not force:
            raise DatabaseNotEmptyError(
                f"{_shown(url)} holds data (in {', '.join(holding[:3])}): restore into an "
                "empty database, or add --force to replace it with the archive's"
            )
        dump = Path(tmp) / backend.member
        reader.database(manifest, dump)
        new = reader.originals(manifest, BlobStore(originals))
        if backend is Backend.SQLITE:
            _sqlite_restore(dump, _sqlite_path(url, must_exist=False), archive)
        else:
            _pg_restore(dump, url, env)
    db = open_database(url)  # an older schema is upgraded here
    try:
        schema = max(_current(db.engine) or [SCHEMA_HEAD])
    finally:
        db.dispose()
    seconds = time.perf_counter() - started
    return RestoreSummary(archive, _shown(url), manifest, schema, new, bool(holding), seconds)


def _check_fits(manifest: Manifest, backend: Backend, archive: Path, url: str) -> None:
    if manifest.backend is not backend:
        raise WrongBackendError(
            f"{archive} is a backup of a {manifest.backend.label} database: it restores into "
            f"{manifest.backend.label} only, not into {_shown(url)} ({backend.label})"
        )
    if _newer([manifest.schema]):
        raise NewerBackupError(
            f"{archive} was written by legday {manifest.legday_version} (schema "
            f"{manifest.schema}); this is legday {_version()} (schema {SCHEMA_HEAD}): upgrade "
            "legday to restore it"
        )


def _tables_with_data(url: str, backend: Backend) -> list[str]:
    """The tables of the database at ``url`` that hold a row, bookkeeping aside ([] for a
    SQLite file that does not exist yet)."""
    if backend is Backend.SQLITE and not _sqlite_path(url, must_exist=False).exists():
        return []
    db = open_database(url, migrate=False)
    try:
        with db.engine.connect() as connection:
            quote = connection.dialect.identifier_preparer.quote
            names = sorted(set(inspect(connection).get_table_names()) - BOOKKEEPING)
            return [
                name
                for name in names
                if connection.execute(text(f"select 1 from {quote(name)} limit 1")).first()
            ]
    except SQLAlchemyError as exc:
        raise DatabaseError(f"cannot open database {_shown(url)}: {_reason(exc)}") from exc
    finally:
        db.dispose()


def _sqlite_restore(copy: Path, target: Path, archive: Path) -> None:
    """Replace the database at ``target`` by ``copy``, with the backup API (one transaction on
    the target, whose other connections see the new content)."""
    with closing(sqlite3.connect(copy)) as src:
        try:
            checked = src.execute("pragma quick_check").fetchone()
        except sqlite3.DatabaseError as exc:  # not a database at all
            checked = (str(exc),)
        if checked != ("ok",):
            raise CorruptFileError(f"its SQLite database is damaged ({checked[0]})", path=archive)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with closing(sqlite3.connect(target, timeout=SQLITE_BUSY_S)) as dst:
                src.backup(dst, progress=_deadline(target, time.monotonic() + SQLITE_BUSY_S))
        except sqlite3.Error as exc:  # the target's fault: read-only, its disk full
            raise DatabaseError(f"cannot restore into {target}: {exc}") from exc


def _deadline(target: Path, deadline: float) -> Callable[[int, int, int], None]:
    """A backup's progress callback that gives up on a target another process keeps locked:
    sqlite3's backup() retries a busy step for ever."""

    def progress(status: int, _remaining: int, _total: int) -> None:
        busy = status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
        if busy and time.monotonic() > deadline:
            raise DatabaseError(
                f"cannot restore into {target}: the database is locked by another process "
                f"(for {SQLITE_BUSY_S:g} s); stop legday serve or the import using it"
            )

    return progress


def _pg_restore(dump: Path, url: str, env: Mapping[str, str] | None) -> None:
    """The dump into the database at ``url`` in one transaction: pg_restore turns it into SQL
    (reading all of it: a damaged dump fails here), then psql makes the roles it grants to
    that the server lacks (:func:`granted_roles`), drops the tables there and runs the SQL,
    all or nothing."""
    engine, major, _ = _server(url)
    try:
        with engine.connect() as connection:
            tables = (
                connection.execute(
                    text(
                        "select quote_ident(schemaname) || '.' || quote_ident(tablename) "
                        "from pg_tables where schemaname = current_schema() order by 1"
                    )
                )
                .scalars()
                .all()
            )
            drop = f"drop table if exists {', '.join(tables)} cascade" if tables else ""
    finally:
        engine.dispose()
    pg_restore = find_tool("pg_restore", major, env)
    psql = find_tool("psql", major, env)
    script = dump.with_suffix(".sql")
    run_tool(
        pg_restore,
        ["--clean", "--if-exists", "--no-owner", "--file", str(script), str(dump)],
        env={},
        what="pg_restore of the archive's dump",
    )
    target, secret = libpq_target(url)
    args = ["--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1", "--single-transaction"]
    args += ["--command", _roles_sql(granted_roles(script))]
    args += ["--command", drop] if drop else []
    args += ["--file", str(script), "--dbname", target]
    run_tool(psql, args, env=secret, what=f"restoring into {_shown(url)}")


#: A ``GRANT … TO role;`` statement of pg_restore's script, and its role (quoted or not;
#: ``PUBLIC`` is no role).
_GRANT = re.compile(r'GRANT .+ TO ("(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)(?: WITH GRANT OPTION)?;')


def granted_roles(script: Path) -> list[str]:
    """The roles the script grants privileges to, in order (the COPY data skipped).

    Roles belong to the server, not to the database, so pg_dump leaves them out: on a new
    server the restore must make them, as legday's migration 0010 made ``legday_app``."""
    roles: dict[str, None] = {}
    in_copy = False
    with script.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if in_copy:
                in_copy = line != "\\.\n"
            elif line.startswith("COPY ") and line.rstrip().endswith("FROM stdin;"):
                in_copy = True
            elif line.startswith("GRANT ") and (match := _GRANT.fullmatch(line.rstrip())):
                name = match.group(1)
                roles[name[1:-1].replace('""', '"') if name.startswith('"') else name] = None
    return list(roles)


def _roles_sql(roles: list[str]) -> str:
    """Make each role of ``roles`` the server lacks (NOLOGIN) and let the restoring user act as
    it; a role that exists is left as it is."""
    if not roles:
        return "select 1"
    names = ", ".join("'" + name.replace("'", "''") + "'" for name in roles)
    return f"""DO $legday$ DECLARE r text; BEGIN
        FOREACH r IN ARRAY ARRAY[{names}] LOOP
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
                EXECUTE format('CREATE ROLE %I NOLOGIN', r);
                EXECUTE format('GRANT %I TO %I', r, current_user);
            END IF;
        END LOOP;
    END $legday$"""
