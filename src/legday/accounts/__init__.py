"""Accounts for a coach's server (issue 20): users and roles, consent (coach links), API tokens,
web sessions and the access log.

:mod:`.rules` holds the pure rule (who may see and edit whose data), :mod:`.credentials` what is
kept of passwords and tokens, :mod:`.store` the database side. Single-user legday never imports
this package (``tests/test_startup.py``).
"""

from __future__ import annotations

from .credentials import Passwords
from .rules import Access, Right, Role, User
from .store import (
    SESSION_LIFETIME,
    AccessEntry,
    ApiToken,
    Visible,
    WebSession,
    access_log,
    add_user,
    authenticate,
    create_token,
    disable_user,
    link_coach,
    list_users,
    open_access,
    revoke_coach,
    revoke_token,
    token_user,
    visible_athletes,
)

__all__ = [
    "SESSION_LIFETIME",
    "Access",
    "AccessEntry",
    "ApiToken",
    "Passwords",
    "Right",
    "Role",
    "User",
    "Visible",
    "WebSession",
    "access_log",
    "add_user",
    "authenticate",
    "create_token",
    "disable_user",
    "link_coach",
    "list_users",
    "open_access",
    "revoke_coach",
    "revoke_token",
    "token_user",
    "visible_athletes",
]
