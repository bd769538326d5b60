"""accounts for a coach's server: users, clubs, coach links, API tokens, web sessions and the
access log; on PostgreSQL, row-level security on every athlete-owned table (issue 20)

A single-user database keeps its rows as they are: its athlete (``default``) has no user yet,
and the first athlete user made (``legday users add NAME``) takes it over, so the history it
held becomes that athlete's. Single-user mode reads it by name as before.

On PostgreSQL the upgrade also makes the role ``legday_app`` (NOLOGIN, no table of its own):
the multi-user server runs each transaction as it (``SET LOCAL ROLE``) with the acting user in
``legday.user_id``, and the policies below let it see only the rows of athletes that user owns
or is linked to (see docs/server.md). The owner of the tables, which single-user mode and the
command line use, bypasses the policies as PostgreSQL owners do.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

#: The role the multi-user server acts as (``legday.store.db.APP_ROLE``; a test checks both).
APP_ROLE = "legday_app"

#: Tables that carry ``athlete_id`` (``athletes`` itself is keyed by ``id``).
OWNED = (
    "activities",
    "strength_sessions",
    "plans",
    "removed_sessions",
    "best_efforts",
    "lift_state",
)
#: The acting user's own athlete (an athlete grants and revokes their coaches' links).
OWN = "athlete_id IN (SELECT u.athlete_id FROM users u WHERE u.id = legday_acting_user())"
#: Tables owned through a parent: (table, column, parent table).
CHILDREN = (
    ("laps", "activity_id", "activities"),
    ("segments", "activity_id", "activities"),
    ("strength_sets", "session_id", "strength_sessions"),
)


def _now() -> sa.Column[object]:
    return _when("created_at", nullable=False)


def _when(name: str, *, nullable: bool) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _ref(name: str, table: str, ondelete: str, **options: bool) -> sa.Column[object]:
    """A column holding the id of a row of ``table``."""
    return sa.Column(name, sa.Integer(), sa.ForeignKey(f"{table}.id", ondelete=ondelete), **options)


def upgrade() -> None:
    op.create_table(
        "clubs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        _now(),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("login", sa.String(80), nullable=False, unique=True),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        _ref("athlete_id", "athletes", "SET NULL", nullable=True, unique=True),
        _ref("club_id", "clubs", "SET NULL", nullable=True),
        _now(),
        _when("disabled_at", nullable=True),
    )
    op.create_table(
        "coach_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        _ref("athlete_id", "athletes", "CASCADE", nullable=False),
        _ref("coach_id", "users", "CASCADE", nullable=False),
        sa.Column("can_edit", sa.Boolean(), nullable=False),
        _when("granted_at", nullable=False),
        _when("revoked_at", nullable=True),
    )
    op.create_index("ix_coach_link_coach_athlete", "coach_links", ["coach_id", "athlete_id"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        _ref("user_id", "users", "CASCADE", nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        _now(),
        _when("revoked_at", nullable=True),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        _ref("user_id", "users", "CASCADE", nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        _ref("athlete_id", "athletes", "SET NULL", nullable=True),
        _now(),
        _when("expires_at", nullable=False),
    )
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        _ref("athlete_id", "athletes", "CASCADE", nullable=False),
        _ref("user_id", "users", "SET NULL", nullable=True),
        sa.Column("login", sa.String(80), nullable=False),
        _when("at", nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("can_edit", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_access_log_athlete_at", "access_log", ["athlete_id", "at"])
    if op.get_bind().dialect.name == "postgresql":
        _row_level_security()


def _row_level_security() -> None:
    schema = op.get_bind().execute(sa.text("select current_schema()")).scalar()
    # Roles belong to the whole server: made once, and a second database's upgrade (or two at
    # once) finds it made.
    op.execute(
        f"""DO $$ BEGIN
            CREATE ROLE {APP_ROLE} NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END $$"""
    )
    op.execute(
        f"""DO $$ BEGIN
            EXECUTE format('GRANT {APP_ROLE} TO %I', current_user);
        EXCEPTION WHEN insufficient_privilege OR duplicate_object THEN NULL;
        END $$"""
    )
    op.execute(f'GRANT USAGE ON SCHEMA "{schema}" TO {APP_ROLE}')
    op.execute(
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "{schema}" TO {APP_ROLE}'
    )
    op.execute(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "{schema}" TO {APP_ROLE}')
    # tables and sequences later migrations make are the server's to use too
    op.execute(
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}" '
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {APP_ROLE}"
    )
    op.execute(
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}" '
        f"GRANT USAGE, SELECT ON SEQUENCES TO {APP_ROLE}"
    )
    # The acting user, and the athletes they may see and edit. SECURITY DEFINER: the functions
    # read users and coach_links as their owner, whatever the caller may read.
    op.execute(
        """CREATE FUNCTION legday_acting_user() RETURNS integer LANGUAGE sql STABLE AS $$
            SELECT nullif(current_setting('legday.user_id', true), '')::integer
        $$"""
    )
    for name, link in (("legday_visible", "TRUE"), ("legday_editable", "l.can_edit")):
        club = (
            "AND u.role = 'club_admin' AND u.club_id IS NOT NULL AND a.club_id = u.club_id"
            if name == "legday_visible"
            else "AND FALSE"
        )
        op.execute(
            f"""CREATE FUNCTION {name}() RETURNS SETOF integer LANGUAGE sql STABLE
            SECURITY DEFINER SET search_path = "{schema}", pg_temp AS $$
                SELECT u.athlete_id FROM users u
                 WHERE u.id = legday_acting_user() AND u.disabled_at IS NULL
                   AND u.athlete_id IS NOT NULL
                UNION
                SELECT l.athlete_id FROM users u JOIN coach_links l ON l.coach_id = u.id
                 WHERE u.id = legday_acting_user() AND u.disabled_at IS NULL
                   AND l.revoked_at IS NULL AND {link}
                UNION
                SELECT a.athlete_id FROM users u JOIN users a ON a.athlete_id IS NOT NULL
                 WHERE u.id = legday_acting_user() AND u.disabled_at IS NULL {club}
            $$"""
        )
        op.execute(f"REVOKE ALL ON FUNCTION {name}() FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {name}() TO {APP_ROLE}")
    _policies("athletes", "id")
    for table in OWNED:
        _policies(table, "athlete_id")
    for table, column, parent in CHILDREN:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        # the parent's own policies apply inside the subquery
        op.execute(
            f"CREATE POLICY legday_owner ON {table} TO {APP_ROLE} "
            f"USING ({column} IN (SELECT id FROM {parent}))"
        )
    # who coaches whom is the athlete's and the coach's business only
    op.execute("ALTER TABLE coach_links ENABLE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY legday_read ON coach_links FOR SELECT TO {APP_ROLE} "
        "USING (coach_id = legday_acting_user() OR athlete_id IN (SELECT legday_visible()))"
    )
    _writes("coach_links", OWN)
    op.execute("ALTER TABLE access_log ENABLE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY legday_read ON access_log FOR SELECT TO {APP_ROLE} "
        "USING (athlete_id IN (SELECT legday_visible()))"
    )
    op.execute(
        f"CREATE POLICY legday_write ON access_log FOR INSERT TO {APP_ROLE} "
        "WITH CHECK (user_id = legday_acting_user())"
    )


def _policies(table: str, column: str) -> None:
    """Rows of athletes the acting user may see are read; of those they may edit, written."""
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY legday_read ON {table} FOR SELECT TO {APP_ROLE} "
        f"USING ({column} IN (SELECT legday_visible()))"
    )
    _writes(table, f"{column} IN (SELECT legday_editable())")


#: Each command's write policy (not one FOR ALL policy: that would apply to reads as well, and
#: make every SELECT evaluate the edit rule beside the read rule).
WRITES = {"insert": "WITH CHECK ({rule})", "update": "USING ({rule}) WITH CHECK ({rule})"}
WRITES["delete"] = "USING ({rule})"


def _writes(table: str, rule: str) -> None:
    """Rows are inserted, updated and deleted only where ``rule`` holds."""
    for command, clause in WRITES.items():
        op.execute(
            f"CREATE POLICY legday_{command} ON {table} FOR {command.upper()} TO {APP_ROLE} "
            + clause.format(rule=rule)
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in ("athletes", *OWNED, "access_log", "coach_links"):
            op.execute(f"DROP POLICY IF EXISTS legday_read ON {table}")
            for name in ("write", *WRITES):
                op.execute(f"DROP POLICY IF EXISTS legday_{name} ON {table}")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        for table, _column, _parent in CHILDREN:
            op.execute(f"DROP POLICY IF EXISTS legday_owner ON {table}")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        for name in ("legday_visible", "legday_editable", "legday_acting_user"):
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
        # the role stays: other databases on the server may use it
    op.drop_table("access_log")
    op.drop_table("web_sessions")
    op.drop_table("api_tokens")
    op.drop_table("coach_links")
    op.drop_table("users")
    op.drop_table("clubs")
