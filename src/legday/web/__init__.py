"""The local web dashboard: ``legday serve`` (FastAPI, Jinja2 templates, inline SVG charts).

A thin face over :class:`legday.store.library.Library`: every number on a page comes from
the same library call as the CLI's. ``create_app(library_factory)`` builds the app.
"""

from .app import MAX_UPLOAD_BYTES, create_app

__all__ = ["MAX_UPLOAD_BYTES", "create_app"]
