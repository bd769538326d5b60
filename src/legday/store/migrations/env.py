"""Alembic environment: legday passes its own connection in ``config.attributes``."""

from __future__ import annotations

from alembic import context

from legday.store.schema import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when run by the alembic CLI
    raise RuntimeError("run migrations through legday.store.db.open_database")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
