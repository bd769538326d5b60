"""Who may do what to whose data: the pure rules of a coach's server (issue 20).

No database, no web: facts about a user and their links in, an :class:`Access` (or None) out.
:mod:`legday.accounts.store` reads the facts; PostgreSQL's row-level security (migration 0010)
states the same rule again in SQL, as the second line of defence.

* An athlete user owns one athlete: every right on it (:attr:`Right.OWN`).
* A coach sees an athlete while a link the athlete granted stands (not revoked): read-only
  (:attr:`Right.READ`), or :attr:`Right.EDIT` (labels, notes and plans) when the athlete
  granted edit.
* A club admin sees the athletes of their club, read-only, and manages the club's coaches.
* A disabled user sees nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum, StrEnum

from legday.errors import AccountError, ForbiddenError

__all__ = [
    "LOGIN_PATTERN",
    "Access",
    "Link",
    "Right",
    "Role",
    "User",
    "access_to",
    "check_login",
    "check_password",
]


class Role(StrEnum):
    ATHLETE = "athlete"
    COACH = "coach"
    CLUB_ADMIN = "club_admin"


class Right(IntEnum):
    """What a user may do to an athlete's data, each right covering the ones below it."""

    READ = 1
    """See the weeks, sessions, records and plans."""
    EDIT = 2
    """Also set labels, notes and plans (a coach the athlete granted edit)."""
    OWN = 3
    """Also import, log, remove and re-analyse: the athlete themself."""


#: What each right is called in a refusal.
RIGHT_WORDS = {
    Right.READ: "read",
    Right.EDIT: "edit labels, notes and plans of",
    Right.OWN: "import, log or remove sessions of",
}

#: A login name: a letter or digit first, then letters, digits, ``.``, ``_``, ``-`` or ``@``
#: (an e-mail address fits), at most 80 characters (``users.login``).
LOGIN_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,79}")
#: Shortest password accepted (NIST SP 800-63B, 5.1.1.2: at least 8 characters).
MIN_PASSWORD_CHARS = 8
#: Longest password accepted: argon2 takes any length, but hashing megabytes is a denial of
#: service (OWASP Password Storage Cheat Sheet; NIST SP 800-63B allows a limit of 64 or more).
MAX_PASSWORD_CHARS = 256


@dataclass(frozen=True)
class User:
    id: int
    login: str
    role: Role
    athlete_id: int | None
    """The athlete an athlete user owns; None for a coach or a club admin."""
    club_id: int | None
    disabled: bool


@dataclass(frozen=True)
class Link:
    """A coach link as the athlete granted it."""

    athlete_id: int
    coach_id: int
    can_edit: bool
    revoked: bool


@dataclass(frozen=True)
class Access:
    """``user``'s right to ``athlete_id``'s data."""

    user_id: int
    login: str
    athlete_id: int
    right: Right

    @property
    def audited(self) -> bool:
        """Whether using it is written to the athlete's access log: anyone's but the
        athlete's own."""
        return self.right is not Right.OWN

    def allows(self, needed: Right) -> bool:
        return self.right >= needed

    def require(self, needed: Right) -> None:
        """Raise :class:`ForbiddenError` unless the access covers ``needed``."""
        if not self.allows(needed):
            raise ForbiddenError(
                f"{self.login} may not {RIGHT_WORDS[needed]} athlete {self.athlete_id}: "
                + ("the link is read-only" if self.right is Right.READ else "only the athlete may")
            )


def access_to(
    user: User, athlete_id: int, links: Iterable[Link], club_athletes: Iterable[int] = ()
) -> Access | None:
    """``user``'s access to ``athlete_id``, or None when they may not see it. ``links`` are
    the user's coach links (others are ignored); ``club_athletes`` the athletes of the user's
    club (read only by a club admin)."""
    if user.disabled:
        return None
    right: Right | None = None
    if user.athlete_id == athlete_id:
        right = Right.OWN
    else:
        for link in links:
            if link.coach_id == user.id and link.athlete_id == athlete_id and not link.revoked:
                granted = Right.EDIT if link.can_edit else Right.READ
                right = granted if right is None else max(right, granted)
        if right is None and user.role is Role.CLUB_ADMIN and athlete_id in set(club_athletes):
            right = Right.READ
    return None if right is None else Access(user.id, user.login, athlete_id, right)


def check_login(login: str) -> str:
    """``login`` when it is a valid login name, else :class:`AccountError` saying why."""
    if not LOGIN_PATTERN.fullmatch(login):
        raise AccountError(
            f"bad login name {login!r}: use 1-80 letters, digits, '.', '_', '-' or '@', "
            "starting with a letter or digit"
        )
    return login


def check_password(password: str) -> str:
    """``password`` when its length is acceptable, else :class:`AccountError`."""
    if not MIN_PASSWORD_CHARS <= len(password) <= MAX_PASSWORD_CHARS:
        raise AccountError(
            f"a password needs {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters, "
            f"not {len(password)}"
        )
    return password
