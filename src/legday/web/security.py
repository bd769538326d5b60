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
  read a token-less dashboard from the browser. Given ``allowed`` names
  (``--allowed-hosts``: ``legday.club.example``, ``*.club.example``), it serves those too, and
  guards a dashboard with a token as well (a proxy's name, not whatever ``Host`` is sent).
* :class:`UploadLimit` answers 413 to a request body larger than the limit and 411 to a
  body whose length is not announced, before any of it is read.
* :class:`SameOriginGate` answers 403 to a request that changes something (any method but
  GET, HEAD and OPTIONS) unless it shows it comes from the dashboard's own pages (its
  ``Origin``, else its ``Referer``, names this server) or carries the token as
  ``Authorization: Bearer T``. A page on another site can neither push files into a dashboard
  running without a token nor relabel its runs; a request with neither header (a script, or a
  browser told to send no referrer) must prove itself with the token. A script talking to a
  token-less dashboard sends ``Origin: http://127.0.0.1:<port>``.
* :class:`SecurityHeaders` puts a Content-Security-Policy (scripts, styles, images and
  connections from this server only; no frames, no plugins), ``X-Frame-Options: DENY`` and
  ``X-Content-Type-Options: nosniff`` on every response, errors and refusals included.
* :class:`BodyTimeout` answers 408 to a request whose body stalls for
  :data:`BODY_IDLE_TIMEOUT_S` or arrives slower than :data:`MIN_BODY_RATE_BPS` overall, so a
  client cannot hold a request open forever (the header timeout is the server's:
  :mod:`legday.web.server`).
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import time
from urllib.parse import parse_qsl, urlencode, urlsplit

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import cookie_parser
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from legday.errors import ConfigError

__all__ = [
    "BODY_IDLE_TIMEOUT_S",
    "CONTENT_SECURITY_POLICY",
    "MIN_BODY_RATE_BPS",
    "SAFE_METHODS",
    "TOKEN_COOKIE",
    "BodyTimeout",
    "LoopbackHostGate",
    "SameOriginGate",
    "SecurityHeaders",
    "TokenGate",
    "UploadLimit",
    "check_bind",
    "host_allowed",
    "is_loopback",
    "token_matches",
]

#: Name of the cookie (and of the query parameter) that carries the token.
TOKEN_COOKIE = "token"
#: Methods that change nothing (RFC 9110 9.2.1): the only ones served without an origin check.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: What a page may load: everything from this server, nothing from anywhere else. Inline style
#: attributes (a session's kind colour) are allowed; inline scripts are not.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
#: Headers on every response (see the module docstring).
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode("ascii")),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
)
#: Longest wait for the next piece of a request body, s.
BODY_IDLE_TIMEOUT_S = 30.0
#: Slowest accepted upload overall, bytes per second, after a first minute of grace (a 200 MiB
#: export at 64 KiB/s takes under an hour; a client dripping a byte at a time is cut off).
MIN_BODY_RATE_BPS = 64 * 1024
#: Grace before :data:`MIN_BODY_RATE_BPS` applies, s.
BODY_GRACE_S = 60.0


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


def host_allowed(name: str, allowed: tuple[str, ...]) -> bool:
    """Whether ``name`` (a Host header's host) is a loopback name or one of ``allowed``, where
    ``*.example.org`` stands for any name under example.org."""
    name = name.lower().rstrip(".")
    if is_loopback(name):
        return True
    for pattern in allowed:
        if name == pattern or (pattern.startswith("*.") and name.endswith(pattern[1:])):
            return True
    return False


class LoopbackHostGate:
    """Serve only requests addressed to a loopback name or one of ``allowed`` (see the module
    docstring)."""

    def __init__(self, app: ASGIApp, allowed: tuple[str, ...] = ()) -> None:
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        host = Headers(scope=scope).get("host", "")
        name = urlsplit(f"//{host}").hostname or ""
        if host_allowed(name, self.allowed):
            await self.app(scope, receive, send)
            return
        names = "a loopback address" + (f" or {', '.join(self.allowed)}" if self.allowed else "")
        response = PlainTextResponse(
            f"legday: this dashboard answers only to {names}, not {host!r} (a page on another "
            "site may be trying to read it); open http://127.0.0.1:<port>/, or serve with a "
            "token, or add the name to --allowed-hosts",
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
        problem: tuple[int, str] | None = None
        if length is None or not length.isdigit():
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


class SameOriginGate:
    """Changes only from this server's pages, or with the token (see the module docstring)."""

    def __init__(self, app: ASGIApp, token: str | None = None, any_bearer: bool = False) -> None:
        """``any_bearer``: the multi-user server, where any ``Authorization: Bearer`` passes
        here (a browser never sends one by itself; the route checks it is a user's token)."""
        self.app = app
        self.token = token
        self.any_bearer = any_bearer

    def allowed(self, headers: Headers) -> bool:
        """Whether a state-changing request with ``headers`` may go through."""
        host = headers.get("host")
        origin = headers.get("origin")
        if origin and origin != "null":
            return urlsplit(origin).netloc == host
        referer = headers.get("referer")
        if referer:
            return urlsplit(referer).netloc == host
        if self.any_bearer and _bearer(headers) is not None:
            return True
        return self.token is not None and token_matches(self.token, _bearer(headers))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        if self.allowed(Headers(scope=scope)):
            await self.app(scope, receive, send)
            return
        message = "changes are accepted only from the dashboard's own pages (Origin or Referer)" + (
            ", or with Authorization: Bearer <token>" if self.token else ""
        )
        await JSONResponse({"error": message}, status_code=403)(scope, receive, send)


class SecurityHeaders:
    """Put :data:`SECURITY_HEADERS` on every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [h for h in SECURITY_HEADERS if h[0] not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


#: What a client whose body stopped arriving is told.
BODY_TIMEOUT_MESSAGE = "the request body stopped arriving: send it again"


class _BodyTimedOut(HTTPException):
    """The client stopped sending its request body. An HTTPException, so that a route parsing
    the body (FastAPI turns other errors there into 400) lets it through as a 408."""

    def __init__(self) -> None:
        super().__init__(408, BODY_TIMEOUT_MESSAGE, headers={"Connection": "close"})


class BodyTimeout:
    """408 for a request body that stalls or crawls (see the module docstring)."""

    def __init__(
        self,
        app: ASGIApp,
        idle_s: float | None = None,
        min_rate_bps: float | None = None,
        grace_s: float | None = None,
    ) -> None:
        """Each limit defaults to this module's constant."""
        self.app = app
        self.idle_s = BODY_IDLE_TIMEOUT_S if idle_s is None else idle_s
        self.min_rate_bps = MIN_BODY_RATE_BPS if min_rate_bps is None else min_rate_bps
        self.grace_s = BODY_GRACE_S if grace_s is None else grace_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        received = 0
        response_started = False

        async def timed_receive() -> Message:
            nonlocal received
            elapsed = time.monotonic() - started
            allowed = self.grace_s + received / self.min_rate_bps - elapsed
            try:
                message = await asyncio.wait_for(receive(), max(min(self.idle_s, allowed), 0.0))
            except TimeoutError:
                raise _BodyTimedOut from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
            return message

        async def watched_send(message: Message) -> None:
            nonlocal response_started
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, timed_receive, watched_send)
        except _BodyTimedOut:
            if response_started:
                raise
            response = JSONResponse(
                {"error": BODY_TIMEOUT_MESSAGE},
                status_code=408,
                headers={"Connection": "close"},
            )
            await response(scope, receive, send)
