"""The dashboard's FastAPI application: a thin face over :class:`~legday.store.library.Library`.

``create_app(library_factory)`` builds the app. The factory is called once, on the first
request, and the library it returns serves every request (SQLAlchemy sessions are per call) and
is closed when the app shuts down. Pages are Jinja2 templates with autoescaping on for every
template; charts are inline SVG from :mod:`legday.web.svg` and :mod:`legday.web.bodymap`.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import Depends, FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from legday import __version__
from legday.errors import LegdayError, NotFoundError
from legday.home import CONFIG_NAME, Home

from .auth import (
    LoginRequired,
    MultiUser,
    authenticate,
    csrf_input,
    current_login,
    forbidden_status,
    library_for,
    login_required_handler,
    visible_to,
)
from .security import (
    BodyTimeout,
    LoopbackHostGate,
    SameOriginGate,
    SecurityHeaders,
    TokenGate,
    UploadLimit,
)
from .uploads import ImportJob, ImportQueue, ImportsBusyError, run_import

if TYPE_CHECKING:
    from legday.store.library import Library

__all__ = ["MAX_UPLOAD_BYTES", "create_app", "get_library"]

#: Largest upload accepted, bytes (a full Garmin export zip of several years is ~100–200 MiB).
MAX_UPLOAD_BYTES = 200 * 2**20

LibraryFactory = Callable[[], "Library"]

_HERE = Path(__file__).resolve().parent


def _templates() -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(_HERE / "templates"),
        # every template, whatever its extension: names and errors come from files
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    from .strength_views import FILTERS as STRENGTH_FILTERS
    from .views import FILTERS

    env.filters.update(FILTERS)
    env.filters.update(STRENGTH_FILTERS)
    env.globals["version"] = __version__
    env.globals["csrf_input"] = csrf_input
    env.globals["current_login"] = current_login
    return Jinja2Templates(env=env)


class _LibraryHolder:
    """Opens the library once, on first use, and closes it at shutdown. With the home folder
    known, a change to its ``legday.toml`` (``legday profile set`` while the dashboard runs)
    reaches the library's profile and settings on the next request."""

    def __init__(self, factory: LibraryFactory, home: Path | None = None) -> None:
        self.factory = factory
        self.library: Library | None = None
        self.lock = threading.Lock()
        self.config = home / CONFIG_NAME if home is not None else None
        self.seen: tuple[int, int] | None = None

    def _stamp(self) -> tuple[int, int] | None:
        try:
            st = self.config.stat() if self.config is not None else None
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size) if st is not None else None

    def get(self) -> Library:
        with self.lock:
            stamp = self._stamp()
            if self.library is None:
                self.library = self.factory()
            elif self.config is not None and stamp != self.seen:
                home = Home(self.config.parent)
                self.library.profile, self.library.settings = home.profile(), home.settings()
            self.seen = stamp
            return self.library

    def close(self) -> None:
        with self.lock:
            if self.library is not None:
                self.library.close()
                self.library = None


def _what_was_wrong(exc: RequestValidationError) -> str:
    """A page's bad address in one sentence: which value, and what it should be."""
    parts = []
    for error in exc.errors()[:3]:
        where = [str(p) for p in error.get("loc", ()) if p not in ("path", "query", "body")]
        value = error.get("input")
        shown = f" {value!r}" if isinstance(value, str | int | float) else ""
        parts.append(f"{'.'.join(where) or 'the address'}{shown}: {error.get('msg', 'invalid')}")
    return "This address has a value the page cannot use — " + "; ".join(parts) + "."


def get_library(request: Request) -> Library:
    """The FastAPI dependency that hands a route the app's library; on the multi-user server,
    the library of the athlete the request is about, for its user (:mod:`legday.web.auth`)."""
    if request.app.state.multi_user is not None:
        return library_for(request)
    holder: _LibraryHolder = request.app.state.libraries
    return holder.get()


def create_app(
    library_factory: LibraryFactory,
    *,
    token: str | None = None,
    max_upload_bytes: int = MAX_UPLOAD_BYTES,
    home: Path | None = None,
    import_job: ImportJob = run_import,
    allowed_hosts: tuple[str, ...] = (),
    multi_user: MultiUser | None = None,
) -> FastAPI:
    """The dashboard over the library that ``library_factory`` opens.

    With ``token`` set, every request must carry it; without, only requests addressed to a
    loopback name are served. ``allowed_hosts`` adds names to the loopback ones, and with a token
    holds the ``Host`` to them too (see :mod:`legday.web.security`). ``home``
    (the legday home folder) lets the welcome page of an empty database name the demo's real
    path; without it the page says ``<home>``. Uploads are imported by ``import_job`` as jobs of
    an :class:`~legday.web.uploads.ImportQueue`, each in a child process, one at a time.

    With ``multi_user`` (``legday serve --multi-user``) every route but the login needs a
    logged-in user or a personal API token, and each serves the athlete its user may see
    (:mod:`legday.web.auth`); ``token`` is then not used.
    """
    holder = _LibraryHolder(library_factory, home)
    imports = ImportQueue(import_job)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        imports.close()
        holder.close()

    app = FastAPI(
        title="legday",
        version=__version__,
        summary="Does my run count as leg day? The same answers as the legday CLI, as JSON.",
        docs_url=None,  # FastAPI's Swagger UI loads from a CDN; /docs is our own offline page
        redoc_url=None,
        lifespan=lifespan,
        dependencies=[Depends(authenticate)],  # nothing in single-user mode
    )
    app.state.libraries = holder
    app.state.multi_user = multi_user
    app.state.templates = _templates()
    app.state.max_upload_bytes = max_upload_bytes
    app.state.home = home
    app.state.imports = imports
    app.mount("/static", StaticFiles(directory=_HERE / "static"), name="static")

    from .routes import api, browse, pages, roster

    app.include_router(api.router)
    app.include_router(browse.router)
    app.include_router(pages.router)
    app.include_router(roster.router)
    if multi_user is not None:
        from .auth import router as auth_router
        from .routes import account

        app.include_router(auth_router)
        app.include_router(account.router)
        app.state.visible_athletes = visible_to(multi_user)
        app.add_exception_handler(LoginRequired, login_required_handler)

    @app.exception_handler(LegdayError)
    async def _legday_error(request: Request, exc: LegdayError) -> Response:
        status = 404 if isinstance(exc, NotFoundError) else forbidden_status(exc) or 400
        if isinstance(exc, ImportsBusyError):
            status = 503
        if request.url.path.startswith("/api"):
            return JSONResponse({"error": str(exc)}, status_code=status)
        return app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
            request, "error.html", {"status": status, "message": str(exc)}, status_code=status
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api") or request.url.path.startswith("/static"):
            return await http_exception_handler(request, exc)
        message = "No such page." if exc.status_code == 404 else str(exc.detail)
        return _error_page(request, exc.status_code, message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith("/api"):
            return await request_validation_exception_handler(request, exc)
        return _error_page(request, 422, _what_was_wrong(exc))

    def _error_page(
        request: Request, status: int, message: str, headers: Mapping[str, str] | None = None
    ) -> Response:
        return app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
            request,
            "error.html",
            {"status": status, "message": message},
            status_code=status,
            headers=headers,
        )

    # the last added runs first: the gates, then the origin check, the size and the body's pace
    app.add_middleware(BodyTimeout)
    app.add_middleware(UploadLimit, max_bytes=max_upload_bytes)
    # a bearer header is no ambient credential: with accounts, the API checks each one itself
    app.add_middleware(SameOriginGate, token=token, any_bearer=multi_user is not None)
    if token:
        app.add_middleware(TokenGate, token=token)
    if not token or allowed_hosts:  # loopback and the allowed names only (DNS rebinding)
        app.add_middleware(LoopbackHostGate, allowed=allowed_hosts)
    # outside everything, Starlette's own 500 page included: every response gets the headers
    build_stack = app.build_middleware_stack
    app.build_middleware_stack = lambda: SecurityHeaders(build_stack())  # type: ignore[method-assign]
    return app
