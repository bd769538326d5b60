"""Accounts in the database: users, coach links, API tokens, web sessions and the access log.

Every function takes the :class:`~legday.store.db.Database` and, where time matters, the clock;
the rules themselves are :mod:`legday.accounts.rules`'. :func:`open_access` is the one door to an
athlete's data for a user: it decides with :func:`~legday.accounts.rules.access_to` and writes
the access log when the user is not the athlete.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from legday.errors import AccountError, AuthenticationError, NotFoundError
from legday.store.db import Database, ensure_athlete, stored_profile
from legday.store.schema import (
    AccessLogRow,
    ApiTokenRow,
    AthleteRow,
    ClubRow,
    CoachLinkRow,
    UserRow,
    WebSessionRow,
)

if TYPE_CHECKING:
    from legday.model import AthleteProfile
    from legday.store.library import Library

from .credentials import TOKEN_PREFIX, Passwords, new_secret, secret_hash
from .rules import Access, Link, Right, Role, User, access_to, check_login, check_password

__all__ = [
    "SESSION_LIFETIME",
    "SINGLE_USER_ATHLETE",
    "AccessEntry",
    "ApiToken",
    "CoachLink",
    "Visible",
    "WebSession",
    "access_log",
    "add_club",
    "add_user",
    "athlete_library",
    "authenticate",
    "choose_athlete",
    "coaches_of",
    "create_token",
    "disable_user",
    "end_session",
    "link_coach",
    "list_tokens",
    "list_users",
    "open_access",
    "owner_library",
    "revoke_coach",
    "revoke_token",
    "session_user",
    "start_session",
    "token_user",
    "user_named",
    "visible_athletes",
    "visible_ids",
]

Clock = Callable[[], datetime]

#: The athlete single-user mode writes (``Library.athlete``'s default): the first athlete user
#: made takes it over, with the history it holds (migration 0010).
SINGLE_USER_ATHLETE = "default"
#: How long a login lasts, whatever the activity: 8 h, the top of the 4-8 h "absolute timeout"
#: the OWASP Session Management Cheat Sheet gives for ordinary applications.
SESSION_LIFETIME = timedelta(hours=8)


def _user(row: UserRow) -> User:
    return User(
        row.id, row.login, Role(row.role), row.athlete_id, row.club_id, row.disabled_at is not None
    )


def _row_named(s: Session, login: str) -> UserRow:
    row = s.scalars(select(UserRow).where(UserRow.login == login)).one_or_none()
    if row is None:
        raise NotFoundError(f"no user {login!r}")
    return row


def user_named(db: Database, login: str) -> User:
    with db.session() as s:
        return _user(_row_named(s, login))


def add_club(db: Database, name: str, clock: Clock) -> int:
    """The id of the club ``name``, made when new."""
    with db.session() as s:
        found = s.scalar(select(ClubRow.id).where(ClubRow.name == name))
        if found is not None:
            return found
        row = ClubRow(name=name, created_at=clock())
        s.add(row)
        s.flush()
        return row.id


def add_user(
    db: Database,
    login: str,
    password: str,
    role: Role,
    *,
    passwords: Passwords,
    clock: Clock,
    club: str | None = None,
    profile: AthleteProfile | None = None,
) -> User:
    """Make a user. An athlete user gets an athlete of their own: the single-user database's
    (:data:`SINGLE_USER_ATHLETE`, with its history) when no user has it yet, else a new one
    named by the login. ``profile`` is the one single-user legday analysed that history with
    (its legday.toml's): the first athlete keeps it as their stored profile, which the row may
    hold only as it was at the first import; a new athlete starts with the defaults."""
    check_login(login)
    if role is Role.CLUB_ADMIN and not club:
        raise AccountError(f"a club admin needs a club: add {login} with --club NAME")
    hashed = passwords.hash(check_password(password))
    club_id = add_club(db, club, clock) if club else None
    with db.session() as s:
        if s.scalar(select(UserRow.id).where(UserRow.login == login)) is not None:
            raise AccountError(f"a user {login!r} exists already")
        athlete_id = None
        if role is Role.ATHLETE:
            claimed = select(UserRow.athlete_id).where(UserRow.athlete_id.is_not(None))
            first = s.scalar(
                select(AthleteRow.id).where(
                    AthleteRow.name == SINGLE_USER_ATHLETE, AthleteRow.id.not_in(claimed)
                )
            )
            athlete_id = first if first is not None else ensure_athlete(s, login, {})
            if first is not None and profile is not None:
                s.execute(
                    update(AthleteRow)
                    .where(AthleteRow.id == first)
                    .values(profile=profile.to_dict())
                )
            if s.scalar(select(UserRow.id).where(UserRow.athlete_id == athlete_id)) is not None:
                raise AccountError(f"the athlete {login!r} belongs to another user already")
        row = UserRow(
            login=login,
            password_hash=hashed,
            role=role.value,
            athlete_id=athlete_id,
            club_id=club_id,
            created_at=clock(),
        )
        s.add(row)
        try:
            s.flush()
        except IntegrityError as exc:  # made by another process meanwhile
            raise AccountError(f"a user {login!r} exists already") from exc
        return _user(row)


def list_users(db: Database) -> list[dict[str, Any]]:
    """Every user, by login: role, club, athlete, whether disabled."""
    with db.session() as s:
        rows = s.execute(
            select(UserRow, ClubRow.name, AthleteRow.name)
            .outerjoin(ClubRow, ClubRow.id == UserRow.club_id)
            .outerjoin(AthleteRow, AthleteRow.id == UserRow.athlete_id)
            .order_by(UserRow.login)
        ).all()
        return [
            {
                "login": user.login,
                "role": user.role,
                "club": club,
                "athlete": athlete,
                "athlete_id": user.athlete_id,
                "created_at": user.created_at,
                "disabled": user.disabled_at is not None,
            }
            for user, club, athlete in rows
        ]


def disable_user(db: Database, login: str, clock: Clock) -> User:
    """Disable ``login``: their sessions end now, their tokens stop working, their data and
    links stay (an admin can enable them again by clearing ``disabled_at``)."""
    with db.session() as s:
        row = _row_named(s, login)
        row.disabled_at = row.disabled_at or clock()
        s.execute(delete(WebSessionRow).where(WebSessionRow.user_id == row.id))
        return _user(row)


def authenticate(db: Database, login: str, password: str, passwords: Passwords) -> User:
    """The user ``login`` when ``password`` is theirs and they are not disabled; else
    :class:`AuthenticationError`, which never says which of the two was wrong."""
    with db.session() as s:
        row = s.scalars(select(UserRow).where(UserRow.login == login)).one_or_none()
        ok = passwords.verify(row.password_hash if row else None, password)
        if row is None or not ok or row.disabled_at is not None:
            raise AuthenticationError("wrong login name or password")
        if passwords.needs_rehash(row.password_hash):
            row.password_hash = passwords.hash(password)
        return _user(row)


# -- API tokens ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiToken:
    id: int
    name: str
    created_at: datetime
    revoked: bool


def create_token(db: Database, login: str, name: str, clock: Clock) -> tuple[ApiToken, str]:
    """A new API token for ``login``: its record, and the token itself (shown once)."""
    secret = new_secret(TOKEN_PREFIX)
    with db.session() as s:
        user = _row_named(s, login)
        row = ApiTokenRow(
            user_id=user.id, name=name, token_hash=secret_hash(secret), created_at=clock()
        )
        s.add(row)
        s.flush()
        return ApiToken(row.id, name, row.created_at, False), secret


def list_tokens(db: Database, login: str) -> list[ApiToken]:
    with db.session() as s:
        user = _row_named(s, login)
        rows = s.scalars(
            select(ApiTokenRow).where(ApiTokenRow.user_id == user.id).order_by(ApiTokenRow.id)
        )
        return [ApiToken(r.id, r.name, r.created_at, r.revoked_at is not None) for r in rows]


def revoke_token(db: Database, login: str, token_id: int, clock: Clock) -> None:
    """Revoke ``login``'s token ``token_id``; it stops working at once."""
    with db.session() as s:
        user = _row_named(s, login)
        done = s.execute(
            update(ApiTokenRow)
            .where(ApiTokenRow.id == token_id, ApiTokenRow.user_id == user.id)
            .values(revoked_at=clock())
        )
        if not done.rowcount:  # type: ignore[attr-defined]
            raise NotFoundError(f"{login} has no API token {token_id}")


def token_user(db: Database, token: str) -> User:
    """The user whose live token ``token`` is; :class:`AuthenticationError` otherwise."""
    with db.session() as s:
        row = s.scalars(
            select(UserRow)
            .join(ApiTokenRow, ApiTokenRow.user_id == UserRow.id)
            .where(
                ApiTokenRow.token_hash == secret_hash(token),
                ApiTokenRow.revoked_at.is_(None),
                UserRow.disabled_at.is_(None),
            )
        ).one_or_none()
        if row is None:
            raise AuthenticationError("unknown or revoked API token")
        return _user(row)


# -- web sessions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WebSession:
    """A logged-in browser: its user, its CSRF token and the athlete it looks at."""

    user: User
    csrf: str
    athlete_id: int | None


def start_session(db: Database, user: User, clock: Clock) -> tuple[str, WebSession]:
    """A new web session for ``user``: the cookie's value (stored hashed) and the session."""
    secret, csrf = new_secret(), new_secret()
    now = clock()
    with db.session() as s:
        # the user's expired sessions go now: the table holds live logins only
        s.execute(
            delete(WebSessionRow).where(
                WebSessionRow.user_id == user.id, WebSessionRow.expires_at <= now
            )
        )
        s.add(
            WebSessionRow(
                id_hash=secret_hash(secret),
                user_id=user.id,
                csrf=csrf,
                athlete_id=user.athlete_id,
                created_at=now,
                expires_at=now + SESSION_LIFETIME,
            )
        )
    return secret, WebSession(user, csrf, user.athlete_id)


def session_user(db: Database, secret: str, clock: Clock) -> WebSession:
    """The live session whose cookie holds ``secret``; :class:`AuthenticationError` when it
    is unknown, expired or its user disabled."""
    with db.session() as s:
        found = s.execute(
            select(WebSessionRow, UserRow)
            .join(UserRow, UserRow.id == WebSessionRow.user_id)
            .where(
                WebSessionRow.id_hash == secret_hash(secret),
                WebSessionRow.expires_at > clock(),
                UserRow.disabled_at.is_(None),
            )
        ).one_or_none()
        if found is None:
            raise AuthenticationError("not logged in, or the login has expired")
        session, user = found
        return WebSession(_user(user), session.csrf, session.athlete_id)


def choose_athlete(db: Database, secret: str, athlete_id: int) -> None:
    """Make ``athlete_id`` the athlete the session looks at (checked by :func:`open_access`
    on every request, not here)."""
    with db.session() as s:
        s.execute(
            update(WebSessionRow)
            .where(WebSessionRow.id_hash == secret_hash(secret))
            .values(athlete_id=athlete_id)
        )


def end_session(db: Database, secret: str) -> None:
    with db.session() as s:
        s.execute(delete(WebSessionRow).where(WebSessionRow.id_hash == secret_hash(secret)))


# -- consent ------------------------------------------------------------------------------------


def _athlete_of(s: Session, login: str) -> int:
    user = _row_named(s, login)
    if user.athlete_id is None:
        raise AccountError(f"{login} is a {user.role}, not an athlete")
    return user.athlete_id


def link_coach(
    db: Database, athlete: str, coach: str, clock: Clock, *, can_edit: bool = False
) -> None:
    """``athlete`` lets ``coach`` see their data (and edit labels, notes and plans when
    ``can_edit``) from now until revoked. A standing link is replaced by the new grant."""
    with db.session() as s:
        athlete_id = _athlete_of(s, athlete)
        coach_row = _row_named(s, coach)
        if coach_row.role == Role.ATHLETE.value:
            raise AccountError(f"{coach} is an athlete, not a coach")
        now = clock()
        _revoke(s, athlete_id, coach_row.id, now)
        s.add(
            CoachLinkRow(
                athlete_id=athlete_id, coach_id=coach_row.id, can_edit=can_edit, granted_at=now
            )
        )


def _revoke(s: Session, athlete_id: int, coach_id: int, now: datetime) -> int:
    done = s.execute(
        update(CoachLinkRow)
        .where(
            CoachLinkRow.athlete_id == athlete_id,
            CoachLinkRow.coach_id == coach_id,
            CoachLinkRow.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    return int(done.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class CoachLink:
    """A link an athlete granted, as the athlete sees it."""

    coach: str
    can_edit: bool
    granted_at: datetime
    revoked_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "coach": self.coach,
            "can_edit": self.can_edit,
            "granted_at": self.granted_at.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }


def coaches_of(db: Database, athlete: str) -> list[CoachLink]:
    """Every link ``athlete`` granted, standing ones first, newest first."""
    with db.session() as s:
        rows = s.execute(
            select(CoachLinkRow, UserRow.login)
            .join(UserRow, UserRow.id == CoachLinkRow.coach_id)
            .where(CoachLinkRow.athlete_id == _athlete_of(s, athlete))
            .order_by(CoachLinkRow.revoked_at.is_not(None), CoachLinkRow.granted_at.desc())
        ).all()
        return [CoachLink(login, r.can_edit, r.granted_at, r.revoked_at) for r, login in rows]


def revoke_coach(db: Database, athlete: str, coach: str, clock: Clock) -> None:
    """End ``coach``'s link to ``athlete`` now: their next request sees nothing."""
    with db.session() as s:
        if not _revoke(s, _athlete_of(s, athlete), _row_named(s, coach).id, clock()):
            raise NotFoundError(f"{coach} has no standing link to {athlete}")


# -- access -------------------------------------------------------------------------------------


def _links(s: Session, user: User) -> list[Link]:
    rows = s.scalars(
        select(CoachLinkRow).where(
            CoachLinkRow.coach_id == user.id, CoachLinkRow.revoked_at.is_(None)
        )
    )
    return [Link(r.athlete_id, r.coach_id, r.can_edit, r.revoked_at is not None) for r in rows]


def _club_athletes(s: Session, user: User) -> list[int]:
    if user.role is not Role.CLUB_ADMIN or user.club_id is None:
        return []
    return [
        a
        for a in s.scalars(
            select(UserRow.athlete_id).where(
                UserRow.club_id == user.club_id, UserRow.athlete_id.is_not(None)
            )
        )
        if a is not None
    ]


def _fresh(s: Session, user: User) -> User:
    """``user`` as the database has them now (disabled meanwhile, or their club changed)."""
    row = s.get(UserRow, user.id)
    return _user(row) if row is not None else User(user.id, user.login, user.role, None, None, True)


@dataclass(frozen=True)
class Visible:
    """An athlete a user may see, for a roster."""

    athlete_id: int
    name: str
    login: str | None
    access: Access


def visible_athletes(db: Database, user: User) -> list[Visible]:
    """The athletes ``user`` may see, by name: their own, those whose standing link they hold,
    and for a club admin the club's athletes; each with the right ``user`` has."""
    with db.session() as s:
        user = _fresh(s, user)
        links, club = _links(s, user), _club_athletes(s, user)
        candidates = {link.athlete_id for link in links} | set(club)
        if user.athlete_id is not None:
            candidates.add(user.athlete_id)
        rows = s.execute(
            select(AthleteRow.id, AthleteRow.name, UserRow.login)
            .outerjoin(UserRow, UserRow.athlete_id == AthleteRow.id)
            .where(AthleteRow.id.in_(candidates))
            .order_by(AthleteRow.name)
        ).all()
        found = []
        for athlete_id, name, login in rows:
            access = access_to(user, athlete_id, links, club)
            if access is not None:
                found.append(Visible(athlete_id, name, login, access))
        return found


def open_access(db: Database, user: User, athlete_id: int, what: str, clock: Clock) -> Access:
    """``user``'s access to ``athlete_id``'s data, decided afresh (a link revoked a moment ago
    counts), and written to the athlete's access log when ``user`` is not the athlete.
    :class:`NotFoundError` when they may not see it: an outsider learns nothing, not even
    that the athlete exists."""
    with db.session() as s:
        return _open(s, user, athlete_id, what, clock)


def _open(s: Session, user: User, athlete_id: int, what: str, clock: Clock) -> Access:
    """:func:`open_access` in the transaction of ``s``."""
    user = _fresh(s, user)
    access = access_to(user, athlete_id, _links(s, user), _club_athletes(s, user))
    if access is None:
        raise NotFoundError(f"no athlete {athlete_id} that {user.login} may see")
    if access.audited:
        s.add(
            AccessLogRow(
                athlete_id=athlete_id,
                user_id=user.id,
                login=user.login,
                at=clock(),
                what=what[:2000],
                can_edit=access.allows(Right.EDIT),
            )
        )
    return access


def visible_ids(db: Database, user_id: int, what: str, clock: Clock) -> list[int]:
    """The ids of :func:`visible_athletes` of user ``user_id``, for a roster, with one
    access-log row for each athlete that is not the user's own (the roster shows each one's
    week)."""
    with db.session() as s:
        row = s.get(UserRow, user_id)
        if row is None:
            return []
        user = _user(row)
    seen = visible_athletes(db, user)
    at = clock()
    logged = [
        {
            "athlete_id": v.athlete_id,
            "user_id": user.id,
            "login": user.login,
            "at": at,
            "what": what[:2000],
            "can_edit": v.access.allows(Right.EDIT),
        }
        for v in seen
        if v.access.audited
    ]
    if logged:  # one statement for the roster's ~200 rows, not one ORM object each
        with db.session() as s:
            s.execute(insert(AccessLogRow), logged)
    return [v.athlete_id for v in seen]


#: The athlete a user who owns none and has chosen none looks at (a coach before they pick one
#: from the roster): no athlete has this id, so every question asked of it finds nothing.
NO_ATHLETE = 0


def athlete_library(
    base: Library, user: User, athlete: str | None, what: str, clock: Clock
) -> Library:
    """``base`` (the server's library: database, originals, settings) bound to one athlete for
    ``user``: ``athlete`` by name, else the user's own, else :data:`NO_ATHLETE`. It acts as
    ``user`` in the database (row-level security) and carries their :class:`Access`, which
    :func:`open_access` decides and logs. :class:`NotFoundError` when they may not see it."""
    db = base.db.acting_as(user.id)
    with db.session() as s:  # one transaction: the athlete, the decision and the log
        if athlete is not None:
            row = s.scalars(select(AthleteRow).where(AthleteRow.name == athlete)).one_or_none()
        elif user.athlete_id is not None:
            row = s.get(AthleteRow, user.athlete_id)
        else:
            row = None
        if row is None:
            if athlete is not None:
                raise NotFoundError(f"no athlete {athlete!r} that {user.login} may see")
            nobody = Access(user.id, user.login, NO_ATHLETE, Right.READ)
            return replace(base, db=db, access=nobody, athlete="")
        name, profile = row.name, stored_profile(row.name, row.profile)
        access = _open(s, user, row.id, what, clock)
    # the athlete's own profile (the server's settings): their zones, verdicts and plans
    return replace(base, db=db, access=access, athlete=name, profile=profile)


def owner_library(base: Library, login: str) -> Library:
    """``base`` bound to the athlete of user ``login``, with their stored profile, acting as the
    database's owner (the command line of the server's administrator, as ``users link``)."""
    with base.db.session() as s:
        row = s.get(AthleteRow, _athlete_of(s, login))
        if row is None:  # pragma: no cover - users.athlete_id is a foreign key
            raise NotFoundError(f"{login}'s athlete is gone")
        name, profile = row.name, stored_profile(row.name, row.profile)
    return replace(base, athlete=name, profile=profile, access=None)


@dataclass(frozen=True)
class AccessEntry:
    login: str
    at: datetime
    what: str
    can_edit: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "who": self.login,
            "at": self.at.isoformat(),
            "what": self.what,
            "can_edit": self.can_edit,
        }


def access_log(db: Database, athlete_id: int, limit: int = 500) -> list[AccessEntry]:
    """Who looked at ``athlete_id``'s data, newest first."""
    with db.session() as s:
        rows = s.scalars(
            select(AccessLogRow)
            .where(AccessLogRow.athlete_id == athlete_id)
            .order_by(AccessLogRow.at.desc(), AccessLogRow.id.desc())
            .limit(limit)
        )
        return [AccessEntry(r.login, r.at, r.what, r.can_edit) for r in rows]
