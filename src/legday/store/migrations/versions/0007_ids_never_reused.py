"""a removed session stays removed: its fingerprint kept in ``removed_sessions`` (a re-import
skips it), and on SQLite, activity and strength-session ids never given twice (AUTOINCREMENT)

SQLite gives a new row the largest rowid plus one, so ``legday rm`` of the newest session handed
its id to the next import and old links pointed at another session. ``AUTOINCREMENT`` keeps the
largest id ever used (``sqlite_sequence``), seeded here with the ids already removed. SQLite
cannot change a column's key in place: each table is rebuilt by SQLite's own procedure
("Making Other Kinds Of Table Schema Changes", https://www.sqlite.org/lang_altertable.html),
with foreign keys off for the migration (``legday.store.db._lock_schema``) so that dropping the
old copy cascades to nothing, and checked before the commit. PostgreSQL's sequences never
give an id twice already.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

#: The tables whose ids a user sees (``legday week``: 42 and s5), with their primary key as
#: SQLAlchemy declared it in 0001.
TABLES = ("activities", "strength_sessions")
_KEY = re.compile(r"\bid INTEGER NOT NULL,")
_TABLE_KEY = re.compile(r"\bPRIMARY KEY \(id\),\s*")


def upgrade() -> None:
    with op.batch_alter_table("removed_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fingerprint", sa.String(length=64), nullable=True))
    op.create_index(
        "ix_removed_athlete_fingerprint", "removed_sessions", ["athlete_id", "fingerprint"]
    )
    bind = op.get_bind()
    removed = sa.table(
        "removed_sessions",
        sa.column("id", sa.Integer()),
        sa.column("table_name", sa.String()),
        sa.column("payload", sa.JSON()),
        sa.column("fingerprint", sa.String()),
    )
    rows = bind.execute(
        sa.select(removed.c.id, removed.c.payload).where(
            removed.c.table_name == "strength_sessions"
        )
    ).all()
    for ident, payload in rows:
        bind.execute(
            removed.update()
            .where(removed.c.id == ident)
            .values(fingerprint=(payload or {}).get("fingerprint"))
        )
    if bind.dialect.name == "sqlite":
        for table in TABLES:
            _autoincrement(bind, table)
        problems = bind.exec_driver_sql("PRAGMA foreign_key_check").all()
        if problems:
            raise RuntimeError(f"foreign keys broken by the rebuild: {problems[:5]}")


def _autoincrement(bind: sa.Connection, table: str) -> None:
    """Rebuild ``table`` with ``id INTEGER PRIMARY KEY AUTOINCREMENT``, its rows, indexes and
    constraints as they were, its sequence past every id it has held (removed ones too)."""
    (create,) = bind.exec_driver_sql(
        "select sql from sqlite_master where type = 'table' and name = ?", (table,)
    ).one()
    if "AUTOINCREMENT" in create.upper():
        return
    if not (_KEY.search(create) and _TABLE_KEY.search(create)):
        raise RuntimeError(f"unexpected schema of {table}: {create}")
    new = f"_new_{table}"
    rebuilt = _TABLE_KEY.sub("", _KEY.sub("id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,", create))
    rebuilt = rebuilt.replace(f"CREATE TABLE {table} (", f"CREATE TABLE {new} (", 1)
    indexes = [
        sql
        for (sql,) in bind.exec_driver_sql(
            "select sql from sqlite_master where type = 'index' and tbl_name = ? "
            "and sql is not null",
            (table,),
        )
    ]
    bind.exec_driver_sql(rebuilt)
    bind.exec_driver_sql(f"INSERT INTO {new} SELECT * FROM {table}")
    bind.exec_driver_sql(f"DROP TABLE {table}")
    bind.exec_driver_sql(f"ALTER TABLE {new} RENAME TO {table}")
    for sql in indexes:
        bind.exec_driver_sql(sql)
    highest = bind.exec_driver_sql(
        f"select max(x) from (select max(id) as x from {table} union all "
        "select max(row_id) from removed_sessions where table_name = ?)",
        (table,),
    ).scalar()
    bind.exec_driver_sql("DELETE FROM sqlite_sequence WHERE name = ?", (table,))
    bind.exec_driver_sql(
        "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, highest or 0)
    )


def downgrade() -> None:
    op.drop_index("ix_removed_athlete_fingerprint", table_name="removed_sessions")
    with op.batch_alter_table("removed_sessions", schema=None) as batch_op:
        batch_op.drop_column("fingerprint")
