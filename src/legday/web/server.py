"""Serving the dashboard with uvicorn, with a deadline for a request's headers.

uvicorn closes an idle keep-alive connection, but waits forever for the headers of a request
that a client opened and never finished (or drips one byte at a time: "slowloris"). Each such
connection would hold a socket and a file descriptor for good. :class:`HeaderTimeoutProtocol`
closes a connection whose request headers are not complete :data:`HEADER_TIMEOUT_S` after the
connection opened or the previous response ended. The body's deadline is
:class:`~legday.web.security.BodyTimeout`'s.
"""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["HEADER_TIMEOUT_S", "HeaderTimeoutProtocol", "server_config"]

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


def server_config(app: Any, host: str, port: int, **options: Any) -> uvicorn.Config:
    """uvicorn's configuration for the dashboard: h11 with :class:`HeaderTimeoutProtocol`,
    idle keep-alive connections closed after 5 s, a :data:`SHUTDOWN_GRACE_S` shutdown,
    warnings only."""
    options.setdefault("log_level", "warning")
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=HeaderTimeoutProtocol,
        timeout_keep_alive=5,
        timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
        **options,
    )
