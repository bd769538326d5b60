"""Serving the dashboard with uvicorn, with a deadline for a request's headers, in one process or
several.

``legday serve --workers N`` runs N uvicorn worker processes on one socket and one database;
each builds the app from the ``LEGDAY_*`` environment the command set
(:func:`app_from_environment`, which uvicorn imports by name), as ``legday serve`` builds it in
one process (:func:`build_app`).

uvicorn closes an idle keep-alive connection, but waits forever for the headers of a request
that a client opened and never finished (or drips one byte at a time: "slowloris"). Each such
connection would hold a socket and a file descriptor for good. :class:`HeaderTimeoutProtocol`
closes a connection whose request headers are not complete :data:`HEADER_TIMEOUT_S` after the
connection opened or the previous response ended. The body's deadline is
:class:`~legday.web.security.BodyTimeout`'s.
"""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING, Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

if TYPE_CHECKING:
    from fastapi import FastAPI

    from legday.home import Home

__all__ = [
    "APP_FACTORY",
    "HEADER_TIMEOUT_S",
    "HeaderTimeoutProtocol",
    "app_from_environment",
    "build_app",
    "serve_workers",
    "server_config",
]

#: Longest wait for a request's headers, s (a browser sends them in one packet).
HEADER_TIMEOUT_S = 10.0
#: On Ctrl+C, how long requests in flight may take to finish before they are cancelled and a
#: running import is stopped, s.
SHUTDOWN_GRACE_S = 5


class HeaderTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol that closes a connection stuck before its request's headers."""

    header_timeout_s: float = HEADER_TIMEOUT_S
    _header_timer: asyncio.TimerHandle | None = None

    def _arm(self) -> None:
        self._disarm()
        self._header_timer = self.loop.call_later(self.header_timeout_s, self._headers_late)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _waiting_for_headers(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _headers_late(self) -> None:
        self._header_timer = None
        if self._waiting_for_headers() and not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        if not self._waiting_for_headers():  # a request's headers arrived: its cycle runs
            self._disarm()

    def on_response_complete(self) -> None:
        self._arm()  # the next request's headers are due
        super().on_response_complete()


#: What each worker process of ``legday serve --workers N`` imports and calls for its app.
APP_FACTORY = "legday.web.server:app_from_environment"


def _options(**options: Any) -> dict[str, Any]:
    """uvicorn's options for the dashboard: h11 with :class:`HeaderTimeoutProtocol`, idle
    keep-alive connections closed after 5 s, a :data:`SHUTDOWN_GRACE_S` shutdown, warnings
    only."""
    options.setdefault("log_level", "warning")
    return {
        "http": HeaderTimeoutProtocol,
        "timeout_keep_alive": 5,
        "timeout_graceful_shutdown": SHUTDOWN_GRACE_S,
        **options,
    }


def server_config(app: Any, host: str, port: int, **options: Any) -> uvicorn.Config:
    """uvicorn's configuration for the dashboard in this process (see :func:`_options`)."""
    return uvicorn.Config(app, host=host, port=port, **_options(**options))


def serve_workers(host: str, port: int, workers: int, **options: Any) -> None:
    """Serve with ``workers`` processes, each building its app with :func:`app_from_environment`
    (the caller sets the environment); returns when they have stopped (Ctrl+C)."""
    uvicorn.run(
        APP_FACTORY, factory=True, host=host, port=port, workers=workers, **_options(**options)
    )


def build_app(
    where: Home,
    db: str | None,
    *,
    token: str | None,
    allowed_hosts: tuple[str, ...],
    multi_user: bool,
) -> FastAPI:
    """The dashboard ``legday serve`` serves: over the library of ``where`` on ``db``, and with
    accounts when ``multi_user`` (:func:`legday.web.auth.multi_user_server` checks the
    database and raises naming the problem)."""
    from legday.store.library import Library

    from .app import create_app

    accounts = None
    if multi_user:
        from .auth import multi_user_server

        accounts = multi_user_server(where.db_url(db), token)
    return create_app(
        lambda: Library.open(where, db),
        token=token,
        home=where.path,
        allowed_hosts=allowed_hosts,
        multi_user=accounts,
    )


def app_from_environment() -> FastAPI:
    """The app of one worker process: :func:`build_app` from ``LEGDAY_HOME``, ``LEGDAY_DB``,
    ``LEGDAY_TOKEN``, ``LEGDAY_ALLOWED_HOSTS`` and ``LEGDAY_MULTI_USER``."""
    from legday import config
    from legday.home import Home

    return build_app(
        Home.resolve(),
        None,  # LEGDAY_DB, read by the home
        token=os.environ.get(config.TOKEN.name) or None,
        allowed_hosts=config.parse_hosts(os.environ.get(config.ALLOWED_HOSTS.name)),
        multi_user=config.is_set(os.environ.get(config.MULTI_USER.name)),
    )
