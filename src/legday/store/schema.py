"""The database tables (SQLAlchemy 2 declarative models).

One row per stored file (by content hash), per activity (a session of a file), per lap and
segment, per strength session and set, and per plan. Samples are stored compactly: one
compressed columnar blob per activity (see :mod:`legday.store.samples`), never a row per second.
Analysis results and verdicts are JSON so that ``legday reanalyze`` can rewrite them.

An activity keeps two answers to "what kind of run was it": ``analysis`` holds the kind the
classifier found, with its reasons; ``label_kind`` (and ``label_reps``) the runner's own, set
with ``legday label``. The runner has the last word: ``kind``, ``category`` and ``verdict`` are
judged with the label when there is one, so the week check, the planner and the history read the
effective kind from one column.

A value not recorded is NULL on every back end: float columns store NaN as NULL
(:class:`FiniteFloat`), as SQLite does by itself and PostgreSQL would not.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "AccessLogRow",
    "ActivityRow",
    "ApiTokenRow",
    "AthleteRow",
    "Base",
    "BestEffortRow",
    "ClubRow",
    "CoachLinkRow",
    "FileRow",
    "FiniteFloat",
    "LapRow",
    "MetaRow",
    "PlanRow",
    "RemovedRow",
    "SegmentRow",
    "SetRow",
    "StrengthSessionRow",
    "UserRow",
    "WebSessionRow",
]


class FiniteFloat(TypeDecorator[float]):
    """A float column that stores NaN (a value the file did not record) as NULL. SQLite turns
    NaN into NULL by itself and PostgreSQL keeps it: without this, the back end would decide
    whether a row with a missing value is stored, and how it reads back."""

    impl = Float
    cache_ok = True

    def process_bind_param(self, value: float | None, dialect: Any) -> float | None:
        return None if value is not None and math.isnan(value) else value


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        datetime: DateTime(timezone=True),
        float: FiniteFloat,
    }


class AthleteRow(Base):
    __tablename__ = "athletes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    profile: Mapped[dict[str, Any]] = mapped_column(default=dict)


class FileRow(Base):
    """A file an athlete imported, by content hash: each athlete has their own row for the
    same bytes (migration 0011). Its original bytes live in the blob store, which is shared."""

    __tablename__ = "files"
    __table_args__ = (UniqueConstraint("athlete_id", "sha256", name="uq_file_athlete_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(
        ForeignKey("athletes.id", ondelete="CASCADE", name="fk_files_athlete_id")
    )
    sha256: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(20))
    """``activity`` or ``strength_log``."""
    format: Mapped[str] = mapped_column(String(20))
    imported_at: Mapped[datetime]
    warnings: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ActivityRow(Base):
    __tablename__ = "activities"
    __table_args__ = (
        UniqueConstraint("file_id", "session_index", name="uq_activity_file_session"),
        Index("ix_activity_athlete_start", "athlete_id", "start"),
        Index(  # the activity list's filters, counts and choices (migration 0008)
            "ix_activity_athlete_list",
            *("athlete_id", "kind", "sport", "category", "counts_as_leg_day", "start", "name"),
        ),
        {"sqlite_autoincrement": True},  # an id is never given twice (migration 0007)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"))
    session_index: Mapped[int] = mapped_column(Integer, default=0)
    sport: Mapped[str] = mapped_column(String(40))
    sub_sport: Mapped[str | None] = mapped_column(String(40))
    start: Mapped[datetime]
    utc_offset_s: Mapped[int | None]
    duration_s: Mapped[float] = mapped_column(FiniteFloat)
    distance_m: Mapped[float] = mapped_column(FiniteFloat)
    n_samples: Mapped[int] = mapped_column(Integer)
    n_channels: Mapped[int] = mapped_column(Integer)
    device: Mapped[str | None] = mapped_column(String(120))
    name: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    source_format: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str | None] = mapped_column(String(20))
    """The effective kind of a run: the runner's label when set, else the analysed kind."""
    category: Mapped[str | None] = mapped_column(String(20))
    counts_as_leg_day: Mapped[bool] = mapped_column(default=False)
    label_kind: Mapped[str | None] = mapped_column(String(20))
    """The kind the runner gave the run (``legday label``); None when not labelled."""
    label_reps: Mapped[int | None]
    """The work repetitions the runner counted, when given."""
    labelled_at: Mapped[datetime | None]
    trimp: Mapped[float | None] = mapped_column(FiniteFloat)
    max_hr: Mapped[float | None] = mapped_column(FiniteFloat)
    effort_hr: Mapped[float | None] = mapped_column(FiniteFloat)
    """Mean HR of the run's hardest 20 minutes: the athlete's LTHR from races and tempo runs."""
    """The run's robust observed maximum heart rate (feeds the HRmax estimate)."""
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    analysis: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    verdict: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    samples: Mapped[bytes] = mapped_column(LargeBinary)

    laps: Mapped[list[LapRow]] = relationship(
        cascade="all, delete-orphan", order_by="LapRow.index", lazy="selectin"
    )
    segments: Mapped[list[SegmentRow]] = relationship(
        cascade="all, delete-orphan", order_by="SegmentRow.index", lazy="selectin"
    )


class LapRow(Base):
    __tablename__ = "laps"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    index: Mapped[int] = mapped_column(Integer)
    start: Mapped[float] = mapped_column(FiniteFloat)
    end: Mapped[float] = mapped_column(FiniteFloat)
    intensity: Mapped[str | None] = mapped_column(String(20))
    trigger: Mapped[str | None] = mapped_column(String(30))
    wkt_step_index: Mapped[int | None]
    total_distance_m: Mapped[float | None] = mapped_column(FiniteFloat)
    total_timer_s: Mapped[float | None] = mapped_column(FiniteFloat)


class SegmentRow(Base):
    __tablename__ = "segments"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    index: Mapped[int] = mapped_column(Integer)
    start_s: Mapped[float] = mapped_column(FiniteFloat)
    end_s: Mapped[float] = mapped_column(FiniteFloat)
    role: Mapped[str] = mapped_column(String(20))


class StrengthSessionRow(Base):
    __tablename__ = "strength_sessions"
    __table_args__ = (
        UniqueConstraint("athlete_id", "fingerprint", name="uq_strength_fingerprint"),
        Index("ix_strength_athlete_start", "athlete_id", "start"),
        Index(  # the activity list's (migration 0008)
            "ix_strength_athlete_list",
            *("athlete_id", "category", "counts_as_leg_day", "start", "name"),
        ),
        Index("ix_strength_athlete_activity", "athlete_id", "activity_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    file_id: Mapped[int | None] = mapped_column(ForeignKey("files.id", ondelete="SET NULL"))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    fingerprint: Mapped[str] = mapped_column(String(64))
    """Start time and content: the same session from two exports is stored once."""
    start: Mapped[datetime]
    utc_offset_s: Mapped[int | None]
    name: Mapped[str | None] = mapped_column(Text)
    duration_s: Mapped[float | None] = mapped_column(FiniteFloat)
    source_format: Mapped[str] = mapped_column(String(20))
    category: Mapped[str | None] = mapped_column(String(20))
    counts_as_leg_day: Mapped[bool] = mapped_column(default=False)
    verdict: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    rpe: Mapped[float | None] = mapped_column(FiniteFloat)
    """The session's own RPE, as the lifter rated it (``legday edit``)."""
    notes: Mapped[str | None] = mapped_column(Text)

    sets: Mapped[list[SetRow]] = relationship(
        cascade="all, delete-orphan", order_by="SetRow.index", lazy="selectin"
    )


class SetRow(Base):
    __tablename__ = "strength_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("strength_sessions.id", ondelete="CASCADE"))
    index: Mapped[int] = mapped_column(Integer)
    exercise: Mapped[str] = mapped_column(String(200))
    raw_name: Mapped[str | None] = mapped_column(Text)
    mapped: Mapped[bool] = mapped_column(default=False)
    reps: Mapped[int | None]
    load_kg: Mapped[float | None] = mapped_column(FiniteFloat)
    duration_s: Mapped[float | None] = mapped_column(FiniteFloat)
    distance_m: Mapped[float | None] = mapped_column(FiniteFloat)
    rir: Mapped[float | None] = mapped_column(FiniteFloat)
    rpe: Mapped[float | None] = mapped_column(FiniteFloat)
    set_type: Mapped[str] = mapped_column(String(10))
    per_hand: Mapped[bool] = mapped_column(default=False)
    timestamp: Mapped[float | None] = mapped_column(FiniteFloat)
    notes: Mapped[str | None] = mapped_column(Text)


class PlanRow(Base):
    __tablename__ = "plans"
    __table_args__ = (UniqueConstraint("athlete_id", "week", name="uq_plan_week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    week: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime]
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)


class RemovedRow(Base):
    """A row ``legday rm`` removed, kept whole so that ``legday rm --undo`` puts it back with
    its id. One ``rm`` is one ``batch``; ``payload`` holds the row's columns and its children
    (laps, segments, sets) as JSON, ``samples`` an activity's sample blob."""

    __tablename__ = "removed_sessions"
    __table_args__ = (
        Index("ix_removed_athlete_batch", "athlete_id", "batch"),
        Index("ix_removed_athlete_fingerprint", "athlete_id", "fingerprint"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    batch: Mapped[int] = mapped_column(Integer)
    removed_at: Mapped[datetime]
    table_name: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[int] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    samples: Mapped[bytes | None] = mapped_column(LargeBinary)
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    """A removed strength session's fingerprint: an import skips the session (migration 0007)."""


class MetaRow(Base):
    """Facts about the database itself: ``written_by`` is the legday version that last
    brought its schema up to date (so an older legday can say which one to upgrade to)."""

    __tablename__ = "legday_meta"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class BestEffortRow(Base):
    """A run's fastest stretch over one standard distance (:mod:`legday.analysis.efforts`),
    stored when the run is imported: records are read, never recomputed per request. Each
    scanned run has a row for every distance; ``elapsed_s`` is NULL for one it did not cover."""

    __tablename__ = "best_efforts"
    __table_args__ = (
        UniqueConstraint("activity_id", "distance", name="uq_best_effort_distance"),
        Index("ix_best_effort_athlete_distance", "athlete_id", "distance", "elapsed_s"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    distance: Mapped[str] = mapped_column(String(20))
    """The distance's name in ``EFFORT_DISTANCES`` (``5k``)."""
    distance_m: Mapped[float] = mapped_column(FiniteFloat)
    elapsed_s: Mapped[float | None] = mapped_column(FiniteFloat)
    start_s: Mapped[float | None] = mapped_column(FiniteFloat)
    """When the stretch began, s after the run's first sample."""


# -- accounts (migration 0010; the rules are legday.accounts', the design docs/server.md) -------


class ClubRow(Base):
    """A club: its admins manage its coaches and see its athletes (read-only)."""

    __tablename__ = "clubs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime]


class UserRow(Base):
    """A person who logs in. An athlete user owns one ``athletes`` row (``athlete_id``); a
    coach or a club admin owns none. ``password_hash`` is an argon2id PHC string."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(20))
    """``athlete``, ``coach`` or ``club_admin`` (:class:`legday.accounts.Role`)."""
    athlete_id: Mapped[int | None] = mapped_column(
        ForeignKey("athletes.id", ondelete="SET NULL"), unique=True
    )
    club_id: Mapped[int | None] = mapped_column(ForeignKey("clubs.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    disabled_at: Mapped[datetime | None]


class CoachLinkRow(Base):
    """An athlete's consent: ``coach_id`` sees ``athlete_id``'s data from ``granted_at`` until
    ``revoked_at`` (NULL while the link stands), and edits labels, notes and plans when
    ``can_edit``. A revoked link is kept, as the record of what was consented when."""

    __tablename__ = "coach_links"
    __table_args__ = (Index("ix_coach_link_coach_athlete", "coach_id", "athlete_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    can_edit: Mapped[bool] = mapped_column(default=False)
    granted_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class ApiTokenRow(Base):
    """A personal API token, stored as the SHA-256 of the token (the token itself is shown
    once, when made)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class WebSessionRow(Base):
    """A logged-in browser: the SHA-256 of its cookie's value, its CSRF token, and the athlete
    it looks at (a coach switches with ``?athlete=ID``)."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    csrf: Mapped[str] = mapped_column(String(64))
    athlete_id: Mapped[int | None] = mapped_column(ForeignKey("athletes.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class AccessLogRow(Base):
    """One access by someone other than the athlete (a coach, a club admin) to the athlete's
    data: who, when, and what (the method and path). The athlete reads these."""

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_athlete_at", "athlete_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    login: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime]
    what: Mapped[str] = mapped_column(Text)
    can_edit: Mapped[bool] = mapped_column(default=False)
