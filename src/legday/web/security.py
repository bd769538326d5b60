"""Who may talk to the dashboard: loopback by default, a shared token otherwise.

* :func:`check_bind` refuses a non-loopback address without a token (the CLI maps the
  :class:`~legday.errors.ConfigError` to one line and exit 1).
* :class:`TokenGate` (ASGI middleware) lets a request through only when it carries the token:
  ``Authorization: Bearer T``, or the ``token`` cookie that visiting any page with ``?token=T``
  sets once (the page is then reloaded without the token in its address). Tokens are compared
  with :func:`hmac.compare_digest`.
* :class:`LoopbackHostGate` (on when there is no token) answers 403 to a request whose
  ``Host`` is not a loopback name (``localhost``, ``*.localhost``, ``127.0.0.1``, ``[::1]``…):
  without it, a web page whose own name an attacker points at 127.0.0.1 (DNS rebinding) could
  read a token-less dashboard from the browser.
* :class:`UploadLimit` answers 413 to a request body larger than the limit and 411 to a
  body whose length is not announced, before any of it is read; and 403 to a POST that a
  page on another site sent (its ``Origin`` is not this server), so a web page cannot push
  files into a dashboard running without a token, nor relabel its runs.
"""

from __future__ import annotations

import hmac
import ipaddress
from urllib.parse import parse_qsl, urlencode, urlsplit

from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from legday.errors import ConfigError

__all__ = [
    "TOKEN_COOKIE",
    "LoopbackHostGate",
    "TokenGate",
    "UploadLimit",
    "check_bind",
    "is_loopback",
    "token_matches",
]

#: Name of the cookie (and of the query parameter) that carries the token.
TOKEN_COOKIE = "token"


def is_loopback(host: str) -> bool:
    """True for ``localhost`` (and ``*.localhost``, RFC 6761) and any loopback IPv4/IPv6
    address."""
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    """Refuse to serve on a non-loopback ``host`` without a token."""
    if not is_loopback(host) and not token:
        raise ConfigError(
            f"refusing to serve on {host} without a token: anyone on the network could read "
            "your training data; pass --token or set LEGDAY_TOKEN (or bind 127.0.0.1)"
        )


def token_matches(expected: str, given: str | None) -> bool:
    """Constant-time comparison of ``given`` with ``expected``."""
    if given is None:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


def _bearer(headers: Headers) -> str | None:
    value = headers.get("authorization", "")
    scheme, _, credential = value.partition(" ")
    return credential.strip() if scheme.lower() == "bearer" and credential else None


def _cookie(headers: Headers) -> str | None:
    return cookie_parser(headers.get("cookie", "")).get(TOKEN_COOKIE)


class TokenGate:
    """Every HTTP request must carry ``token`` (see the module docstring)."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if token_matches(self.token, _bearer(headers)) or token_matches(
            self.token, _cookie(headers)
        ):
            await self.app(scope, receive, send)
            return
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"))
        given = next((v for k, v in query if k == TOKEN_COOKIE), None)
        response: Response
        if scope["method"] == "GET" and token_matches(self.token, given):
            rest = urlencode([(k, v) for k, v in query if k != TOKEN_COOKIE])
            response = RedirectResponse(scope["path"] + (f"?{rest}" if rest else ""), 303)
            response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict")
        elif scope["path"].startswith("/api") or scope["path"] == "/openapi.json":
            response = JSONResponse(
                {"error": "a token is required: send Authorization: Bearer <token>"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        else:
            response = PlainTextResponse(
                "legday: a token is required. Open this page once as /?token=<token>.",
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        await response(scope, receive, send)


class LoopbackHostGate:
    """Serve only requests addressed to a loopback name (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        host = Headers(scope=scope).get("host", "")
        name = urlsplit(f"//{host}").hostname or ""
        if is_loopback(name):
            await self.app(scope, receive, send)
            return
        response = PlainTextResponse(
            f"legday: this dashboard answers only to a loopback address, not {host!r} (a page "
            "on another site may be trying to read it); open http://127.0.0.1:<port>/, or "
            "serve with a token",
            status_code=403,
        )
        await response(scope, receive, send)


class UploadLimit:
    """Reject request bodies over ``max_bytes`` (413) or of unannounced length (411)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        length = headers.get("content-length")
        origin = headers.get("origin")
        problem: tuple[int, str] | None = None
        if origin and urlsplit(origin).netloc != headers.get("host"):
            problem = (403, "changes are accepted only from the dashboard's own pages")
        elif length is None or not length.isdigit():
            problem = (411, "send the upload with a Content-Length")
        elif int(length) > self.max_bytes:
            mib = self.max_bytes / 2**20
            problem = (413, f"upload too large: the limit is {mib:g} MiB")
        if problem is None:
            # the server (h11/httptools) never delivers more than the announced length
            await self.app(scope, receive, send)
            return
        status, message = problem
        response = JSONResponse({"error": message}, status_code=status)
        await response(scope, receive, send)
