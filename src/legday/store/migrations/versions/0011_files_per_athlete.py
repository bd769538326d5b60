"""a file is an athlete's: ``files.athlete_id``, unique (athlete_id, sha256) instead of sha256

Before, ``files`` was keyed by content alone: an athlete uploading bytes another athlete had
imported got "duplicate" and no sessions, and a session could point at the other athlete's file
(and its original name). Now each athlete has their own row for the bytes they imported (the
blob store stays content-addressed and shared: the bytes are the same).

The upgrade gives each file the athlete of its sessions. A file whose sessions belong to several
athletes (an import with ``--restore-removed`` could reuse another athlete's row) is copied, one
row per athlete, and each athlete's sessions point at their own copy. A file with no session
left (all removed) goes to the lowest athlete id, the single-user database's one athlete; with
no athlete at all, such a file is dropped (nothing refers to it). On PostgreSQL ``files`` gets
the row-level security policies of the other athlete-owned tables (migration 0010).

The downgrade merges the copies back; it refuses, naming the files, when two athletes hold the
same bytes with sessions of their own, which the older schema cannot hold.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

UNIQUE = "uq_file_athlete_sha256"
#: The tables whose rows point at a file, with the athlete they belong to.
SESSIONS = ("activities", "strength_sessions")


def _accounts() -> ModuleType:
    """Migration 0010, whose row-level security policies ``files`` takes as they are."""
    path = Path(__file__).with_name("0010_accounts.py")
    spec = importlib.util.spec_from_file_location("legday_migration_0010", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _sha256_unique() -> str:
    """The name of 0001's unnamed unique constraint on ``files.sha256``."""
    if op.get_bind().dialect.name == "postgresql":
        return "files_sha256_key"
    return "uq_files_sha256"  # as batch mode names it (``naming_convention`` below)


NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def upgrade() -> None:
    with op.batch_alter_table("files", naming_convention=NAMES) as batch:
        batch.add_column(sa.Column("athlete_id", sa.Integer(), nullable=True))
        batch.drop_constraint(_sha256_unique(), type_="unique")  # the copies below share it
    conn = op.get_bind()
    for table in SESSIONS:  # the lowest athlete among the file's sessions
        conn.execute(
            sa.text(
                f"UPDATE files SET athlete_id = (SELECT min(t.athlete_id) FROM {table} t "
                "WHERE t.file_id = files.id) WHERE athlete_id IS NULL"
            )
        )
    conn.execute(
        sa.text(
            "UPDATE files SET athlete_id = (SELECT min(id) FROM athletes) WHERE athlete_id IS NULL"
        )
    )
    conn.execute(sa.text("DELETE FROM files WHERE athlete_id IS NULL"))
    _split_shared(conn)
    with op.batch_alter_table("files", naming_convention=NAMES) as batch:
        batch.alter_column("athlete_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(
            "fk_files_athlete_id", "athletes", ["athlete_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_unique_constraint(UNIQUE, ["athlete_id", "sha256"])
    if conn.dialect.name == "postgresql":
        _accounts()._policies("files", "athlete_id")


COLUMNS = "sha256, name, size, kind, format, imported_at, warnings"


def _split_shared(conn: sa.Connection) -> None:
    """Give each athlete with sessions in another athlete's file a copy of its row."""
    pairs: set[tuple[int, int]] = set()
    for table in SESSIONS:
        rows = conn.execute(
            sa.text(
                f"SELECT DISTINCT t.file_id, t.athlete_id FROM {table} t "
                "JOIN files f ON f.id = t.file_id WHERE t.athlete_id <> f.athlete_id"
            )
        )
        pairs |= {(file_id, athlete_id) for file_id, athlete_id in rows}
    for file_id, athlete_id in sorted(pairs):
        conn.execute(
            sa.text(
                f"INSERT INTO files (athlete_id, {COLUMNS}) "
                f"SELECT :athlete, {COLUMNS} FROM files WHERE id = :file"
            ),
            {"athlete": athlete_id, "file": file_id},
        )
        copy = conn.execute(
            sa.text("SELECT max(id) FROM files WHERE athlete_id = :athlete"),
            {"athlete": athlete_id},
        ).scalar_one()
        for table in SESSIONS:
            conn.execute(
                sa.text(
                    f"UPDATE {table} SET file_id = :copy "
                    "WHERE file_id = :file AND athlete_id = :athlete"
                ),
                {"copy": copy, "file": file_id, "athlete": athlete_id},
            )


def downgrade() -> None:
    conn = op.get_bind()
    _merge_copies(conn)
    if conn.dialect.name == "postgresql":
        for name in ("read", *_accounts().WRITES):
            op.execute(f"DROP POLICY IF EXISTS legday_{name} ON files")
        op.execute("ALTER TABLE files DISABLE ROW LEVEL SECURITY")
    with op.batch_alter_table("files", naming_convention=NAMES) as batch:
        batch.drop_constraint(UNIQUE, type_="unique")
        batch.drop_constraint("fk_files_athlete_id", type_="foreignkey")
        batch.create_unique_constraint(_sha256_unique(), ["sha256"])
        batch.drop_column("athlete_id")


def _merge_copies(conn: sa.Connection) -> None:
    """One row per content again: the sessions of every row of the same bytes point at the
    oldest. :class:`DatabaseError` when two athletes hold sessions of the same bytes at the same
    index, which the older schema's unique (file_id, session_index) cannot hold."""
    from legday.errors import DatabaseError

    clash = (
        conn.execute(
            sa.text(
                "SELECT f.sha256 FROM activities a JOIN files f ON f.id = a.file_id "
                "GROUP BY f.sha256, a.session_index HAVING count(DISTINCT a.file_id) > 1"
            )
        )
        .scalars()
        .all()
    )
    if clash:
        raise DatabaseError(
            f"cannot go back before migration 0011: {len(set(clash))} file(s) were imported by "
            f"more than one athlete (sha256 {clash[0][:12]}…), which the older schema holds once "
            "only; remove one athlete's sessions of them first"
        )
    shared = conn.execute(
        sa.text("SELECT sha256, min(id) FROM files GROUP BY sha256 HAVING count(*) > 1")
    ).all()
    for digest, keep in list(shared):
        given = {"keep": keep, "digest": digest}
        for table in SESSIONS:
            conn.execute(
                sa.text(
                    f"UPDATE {table} SET file_id = :keep WHERE file_id IN "
                    "(SELECT id FROM files WHERE sha256 = :digest AND id <> :keep)"
                ),
                given,
            )
        conn.execute(sa.text("DELETE FROM files WHERE sha256 = :digest AND id <> :keep"), given)
