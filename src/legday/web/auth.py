"""Logins for the multi-user server (``legday serve --multi-user``, issue 20).

* :func:`authenticate`, a dependency of every route, finds who is asking: a personal API token
  (``Authorization: Bearer lgd_…``) or the session cookie :data:`SESSION_COOKIE`. Nobody: the
  API answers 401 and a page sends the browser to ``/login``. In single-user mode it does
  nothing.
* A request that changes something and comes with the cookie must carry the session's CSRF
  token, as the ``X-CSRF-Token`` header or the ``csrf_token`` form field (every form has it:
  :func:`csrf_input`). A bearer token is no ambient credential (a browser never adds it by
  itself), so API clients need none.
* :func:`library_for` is :func:`~legday.web.app.get_library` in multi-user mode: the server's
  library bound to one athlete for the user (:func:`legday.accounts.store.athlete_library`),
  chosen by ``?athlete=NAME`` (a browser's session remembers the choice), else their own.
* The cookie is HttpOnly, SameSite=Lax, and Secure when the request came over HTTPS; the login
  form's own CSRF token is a double-submit cookie (there is no session yet).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool
from starlette.requests import cookie_parser

from legday.errors import AuthenticationError, ConfigError, DatabaseError, ForbiddenError

from .security import SAFE_METHODS

if TYPE_CHECKING:
    from legday.accounts import Passwords, User
    from legday.store.library import Library

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "LOGIN_CSRF_COOKIE",
    "SESSION_COOKIE",
    "Auth",
    "LoginRequired",
    "MultiUser",
    "authenticate",
    "csrf_input",
    "library_for",
    "multi_user_server",
    "router",
]

#: The session cookie: 32 random bytes, stored hashed (legday.accounts.credentials).
SESSION_COOKIE = "legday_session"
#: The login form's double-submit CSRF cookie.
LOGIN_CSRF_COOKIE = "legday_login_csrf"
#: Where a state-changing request carries the session's CSRF token.
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
#: Pages anyone may open: the login itself.
PUBLIC_PATHS = frozenset({"/login"})


@dataclass
class MultiUser:
    """What the multi-user server needs besides the library: the password hasher and the
    clock (passed in: tests run argon2 cheaply and move time)."""

    passwords: Passwords
    clock: Callable[[], datetime]
    secure_cookies: bool | None = None
    """Cookies marked Secure: None decides by each request's scheme (https)."""


@dataclass(frozen=True)
class Auth:
    """Who is asking, and how: a web session (``secret`` is its cookie) or an API token."""

    user: User
    secret: str | None = None
    csrf: str | None = None
    athlete_id: int | None = None


def multi_user_server(db_url: str, token: str | None) -> MultiUser:
    """What ``legday serve --multi-user`` serves with, once the database is checked: a
    PostgreSQL one (SQLite has no roles and no row-level security), brought up to date, whose
    owner may act as :data:`~legday.store.db.APP_ROLE`. Raises :class:`ConfigError` or
    :class:`DatabaseError` naming the problem."""
    from datetime import UTC
    from datetime import datetime as _datetime

    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    from legday.accounts import Passwords
    from legday.store.db import APP_ROLE, open_database

    if not db_url.startswith(("postgresql", "postgres")):
        raise ConfigError(
            "legday serve --multi-user needs a PostgreSQL database (--db "
            "postgresql+psycopg://USER@HOST/DB, or $LEGDAY_DB); SQLite serves one user"
        )
    if token:
        raise ConfigError(
            "--token is for the single-user dashboard: with --multi-user each user logs in, "
            "and API clients send their own token (legday users token create)"
        )
    passwords = Passwords()
    db = open_database(db_url)
    try:
        with db.session() as s:
            s.execute(text(f"SET LOCAL ROLE {APP_ROLE}"))
    except SQLAlchemyError as exc:
        raise DatabaseError(
            f"the database's owner cannot act as role {APP_ROLE} (made by legday's migration "
            f"0010): GRANT {APP_ROLE} TO the user legday connects as ({getattr(exc, 'orig', exc)})"
        ) from exc
    finally:
        db.dispose()
    return MultiUser(passwords, lambda: _datetime.now(UTC))


class LoginRequired(Exception):
    """Nobody is logged in: the API answers 401, a page goes to the login."""


def _secure(request: Request, multi: MultiUser) -> bool:
    return request.url.scheme == "https" if multi.secure_cookies is None else multi.secure_cookies


def _db(request: Request) -> Any:
    return request.app.state.libraries.get().db.acting_as(None)


def _bearer(request: Request) -> str | None:
    scheme, _, credential = request.headers.get("authorization", "").partition(" ")
    return credential.strip() if scheme.lower() == "bearer" and credential else None


async def authenticate(request: Request) -> None:
    """Every route's first dependency (see the module docstring)."""
    multi: MultiUser | None = request.app.state.multi_user
    if multi is None or request.url.path in PUBLIC_PATHS:
        return
    from legday.accounts.store import session_user, token_user

    db = await run_in_threadpool(_db, request)
    bearer = _bearer(request)
    cookie = cookie_parser(request.headers.get("cookie", "")).get(SESSION_COOKIE)
    try:
        if bearer is not None:
            user = await run_in_threadpool(token_user, db, bearer)
            request.state.auth = Auth(user)
            return
        if cookie is None:
            raise LoginRequired
        session = await run_in_threadpool(session_user, db, cookie, multi.clock)
    except AuthenticationError:
        raise LoginRequired from None
    request.state.auth = Auth(session.user, cookie, session.csrf, session.athlete_id)
    if request.method not in SAFE_METHODS:
        given = request.headers.get(CSRF_HEADER)
        if given is None and request.headers.get("content-type", "").startswith(
            ("multipart/form-data", "application/x-www-form-urlencoded")
        ):
            value = (await request.form()).get(CSRF_FIELD)
            given = value if isinstance(value, str) else None
        if given is None or not hmac.compare_digest(given.encode(), session.csrf.encode()):
            raise ForbiddenError(
                "this change lacks the page's CSRF token: reload the page and try again"
            )


def library_for(request: Request) -> Library:
    """The library of the athlete this request is about, for its user (module docstring)."""
    from legday.accounts.store import athlete_library, choose_athlete

    auth: Auth = request.state.auth
    multi: MultiUser = request.app.state.multi_user
    base = request.app.state.libraries.get()
    asked = request.query_params.get("athlete")
    chosen = asked
    if chosen is None and auth.athlete_id is not None:
        chosen = _name_of(base, auth)
    what = f"{request.method} {request.url.path}"
    if request.url.query:
        what += f"?{request.url.query}"
    lib = athlete_library(base, auth.user, chosen, what, multi.clock)
    if asked is not None and auth.secret is not None and lib.access is not None:
        # the browser stays with the athlete it opened (links carry no ?athlete=)
        choose_athlete(base.db.acting_as(auth.user.id), auth.secret, lib.access.athlete_id)
    return lib


def _name_of(base: Library, auth: Auth) -> str | None:
    from sqlalchemy import select

    from legday.store.schema import AthleteRow

    with base.db.acting_as(auth.user.id).session() as s:
        return s.scalar(select(AthleteRow.name).where(AthleteRow.id == auth.athlete_id))


def visible_to(multi: MultiUser) -> Callable[[Library], list[int]]:
    """The roster's athletes for a library :func:`library_for` opened: those its user may see,
    each view written to their access logs."""

    def visible(lib: Library) -> list[int]:
        from legday.accounts.store import visible_ids

        if lib.access is None:  # not opened by library_for: nobody's roster
            return []
        return visible_ids(lib.db, lib.access.user_id, "GET /roster", multi.clock)

    return visible


def current_login(request: Request) -> str | None:
    """The logged-in user's login name, for the page header (None in single-user mode)."""
    auth: Auth | None = getattr(request.state, "auth", None)
    return auth.user.login if auth is not None else None


def csrf_input(request: Request) -> Markup:
    """The hidden form field with the session's CSRF token (nothing in single-user mode)."""
    auth: Auth | None = getattr(request.state, "auth", None)
    if auth is None or auth.csrf is None:
        return Markup("")
    return Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(auth.csrf)}">')


# -- the login pages ----------------------------------------------------------------------------

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Where to go after the login: a path on this server, never another site."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def _login_page(request: Request, message: str | None, status: int, target: str) -> Response:
    from legday.accounts.credentials import new_secret

    token = new_secret()
    response: Response = request.app.state.templates.TemplateResponse(
        request,
        "login.html",
        {"page": "login", "csrf": token, "message": message, "next": target},
        status_code=status,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=_secure(request, request.app.state.multi_user),
        path="/login",
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> Response:
    return _login_page(request, None, 200, _safe_next(next))


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    login: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=256)],
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    from legday.accounts.store import authenticate as check
    from legday.accounts.store import start_session

    multi: MultiUser = request.app.state.multi_user
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(expected.encode(), csrf_token.encode()):
        return _login_page(request, "The form had expired: log in again.", 403, _safe_next(next))
    db = _db(request)
    try:
        user = check(db, login, password, multi.passwords)
    except AuthenticationError as exc:
        return _login_page(request, str(exc), 401, _safe_next(next))
    secret, _ = start_session(db, user, multi.clock)
    response = RedirectResponse(_safe_next(next), status_code=303)
    from legday.accounts import SESSION_LIFETIME

    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=_secure(request, multi),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    from legday.accounts.store import end_session

    auth: Auth = request.state.auth
    if auth.secret is not None:
        end_session(_db(request), auth.secret)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def login_required_handler(request: Request, _exc: Exception) -> Response:
    if request.url.path.startswith("/api"):
        return JSONResponse(
            {"error": "log in first: send Authorization: Bearer <your API token>"},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    from urllib.parse import urlencode

    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)


def forbidden_status(exc: Exception) -> int | None:
    """The HTTP status of an account error: 403 refused, 401 unknown; None for others."""
    if isinstance(exc, ForbiddenError):
        return 403
    if isinstance(exc, AuthenticationError):
        return 401
    return None
