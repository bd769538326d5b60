"""Uploaded files through the same :meth:`Library.import_paths` as ``legday import``.

Each upload is written to its own folder under a temporary directory, with its original
(base) name, so the importer sees the same name the runner chose and reports it; the temporary
paths are then taken out of the report, and the files deleted.

The import itself runs in an :class:`ImportWorker`: one child process at a time, opened on the
same database and originals, so a long or hostile import neither holds the server's interpreter
(other pages keep answering) nor shares its memory; at most :data:`MAX_WAITING_IMPORTS` more
wait their turn, and any beyond are refused with :class:`ImportsBusyError` (503).
"""

from __future__ import annotations

import multiprocessing
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import UploadFile

from legday.errors import LegdayError
from legday.model import AthleteProfile
from legday.settings import Settings

if TYPE_CHECKING:
    from legday.accounts import Access
    from legday.store.library import Library

__all__ = [
    "MAX_WAITING_IMPORTS",
    "ImportJob",
    "ImportWorker",
    "ImportsBusyError",
    "LibrarySpec",
    "import_uploads",
    "safe_name",
]

#: Imports that may wait while one runs; more are refused (503) rather than queued without end.
MAX_WAITING_IMPORTS = 4
#: How often a waiting request looks whether its import process is still alive, s.
POLL_S = 0.25

#: Characters kept in an uploaded file's name on disk (the rest become "_").
#: Longest file name written to the temporary folder (the original name is kept for reports).
MAX_NAME_CHARS = 100
_UNSAFE = re.compile(r"[^A-Za-z0-9._\- ]")


def safe_name(filename: str | None) -> str:
    """A file name that cannot leave its folder: the base name, odd characters replaced."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip(" .")
    if len(base) > MAX_NAME_CHARS:  # file systems refuse names over 255 bytes
        base = base[: MAX_NAME_CHARS - 20] + "_" + base[-19:]
    return base or "upload"


def _restore(text: str | None, names: dict[str, str]) -> str | None:
    if text is None:
        return None
    for tmp, original in names.items():
        text = text.replace(tmp, original)
    return text


class ImportsBusyError(LegdayError):
    """Too many imports are already running or waiting (the app answers 503)."""


@dataclass(frozen=True)
class LibrarySpec:
    """What a child process needs to open the same library (a :class:`Library` holds an
    engine, which does not cross processes)."""

    db_url: str
    originals: Path
    profile: AthleteProfile
    settings: Settings
    athlete: str
    access: Access | None = None
    """The acting user's access (multi-user server): the child acts as them too."""

    @classmethod
    def of(cls, library: Library) -> LibrarySpec | None:
        """The spec of ``library``; None for an in-memory database no other process sees."""
        url = library.db.url
        if url in ("sqlite://", "sqlite:///:memory:") or ":memory:" in url:
            return None
        return cls(
            url,
            library.blobs.root,
            library.profile,
            library.settings,
            library.athlete,
            library.access,
        )

    def open(self) -> Library:
        from legday.store.blobs import BlobStore
        from legday.store.db import open_database
        from legday.store.library import Library

        db = open_database(self.db_url)
        return Library(
            db=db if self.access is None else db.acting_as(self.access.user_id),
            access=self.access,
            blobs=BlobStore(self.originals),
            profile=self.profile,
            settings=self.settings,
            athlete=self.athlete,
        )


#: An import as a child process runs it: the library's spec and the paths, to the summary.
ImportJob = Callable[[LibrarySpec, list[Path]], dict[str, Any]]


def run_import(spec: LibrarySpec, paths: list[Path]) -> dict[str, Any]:
    """The import a child process runs (one decoding worker: the child is the bound)."""
    library = spec.open()
    try:
        return library.import_paths(paths, workers=1).to_dict()
    finally:
        library.close()


def _child(job: ImportJob, spec: LibrarySpec, paths: list[Path], conn: Connection) -> None:
    try:
        conn.send(("ok", job(spec, paths)))
    except LegdayError as exc:
        conn.send(("error", str(exc)))
    except Exception as exc:  # reported to the request as one line, never lost in the child
        conn.send(("error", f"the import failed: {type(exc).__name__}: {exc}"))
    finally:
        conn.close()


class ImportWorker:
    """Runs imports one at a time, each in a fresh child process (see the module docstring).

    ``run`` blocks its caller (a request's thread, never the event loop) until the import is
    done; ``close`` stops a running import (the app calls it at shutdown)."""

    def __init__(self, job: ImportJob = run_import, max_waiting: int = MAX_WAITING_IMPORTS):
        self.job = job
        self.max_waiting = max_waiting
        self._turn = threading.Lock()
        self._count = threading.Lock()
        self._queued = 0
        self._running: multiprocessing.process.BaseProcess | None = None
        self._closed = False
        # spawn: the server has threads, which a fork would copy in whatever state they hold
        self._context = multiprocessing.get_context("spawn")

    def run(self, library: Library, paths: list[Path]) -> dict[str, Any]:
        spec = LibrarySpec.of(library)
        with self._count:
            if self._queued > self.max_waiting:
                raise ImportsBusyError(
                    f"{self._queued} imports are running or waiting: try again in a minute"
                )
            self._queued += 1
        try:
            with self._turn:
                if spec is None:  # an in-memory database: only this process can write it
                    return library.import_paths(paths, workers=1).to_dict()
                return self._in_child(spec, paths)
        finally:
            with self._count:
                self._queued -= 1

    def _in_child(self, spec: LibrarySpec, paths: list[Path]) -> dict[str, Any]:
        if self._closed:
            raise LegdayError("the dashboard is shutting down: the import did not start")
        receiver, sender = self._context.Pipe(duplex=False)
        process = self._context.Process(
            target=_child, args=(self.job, spec, paths, sender), daemon=True
        )
        process.start()
        sender.close()
        self._running = process
        try:
            while not receiver.poll(POLL_S):
                if not process.is_alive() and not receiver.poll(0):
                    raise LegdayError(
                        f"the import stopped before it finished (exit code {process.exitcode})"
                    )
            try:
                status, payload = receiver.recv()
            except EOFError:
                raise LegdayError("the import stopped before it finished") from None
        finally:
            receiver.close()
            process.join(5)
            self._running = None
        if status != "ok":
            raise LegdayError(str(payload))
        return dict(payload)

    def close(self) -> None:
        """Stop the running import, if any (its files are each stored whole or not at all)."""
        self._closed = True
        process = self._running
        if process is not None and process.is_alive():
            process.kill()


def import_uploads(
    library: Library, files: Sequence[UploadFile], worker: ImportWorker | None = None
) -> dict[str, Any]:
    """Import ``files`` (in ``worker``, else in this thread) and return the import summary
    (``legday import --json``'s shape), each file with the ids of the sessions it stored
    (``session_ids``: activity ids, ``"s<id>"`` for strength sessions)."""
    with tempfile.TemporaryDirectory(prefix="legday-upload-") as tmp:
        names: dict[str, str] = {}
        paths: list[Path] = []
        for i, upload in enumerate(files):
            original = upload.filename or "upload"
            dest = Path(tmp) / str(i) / safe_name(original)
            dest.parent.mkdir()
            with dest.open("wb") as out:
                shutil.copyfileobj(upload.file, out)
            names[str(dest)] = original
            paths.append(dest)
        if worker is None:
            data = library.import_paths(paths, workers=1).to_dict()
        else:
            data = worker.run(library, paths)
        stored = library.sessions_of_files(
            f["path"] for f in data["files"] if f["status"] == "imported"
        )
    for f in data["files"]:  # each file's sessions, to link its result to them
        f["session_ids"] = stored.get(f["path"], [])
    for f in data["files"]:
        f["path"] = _restore(f["path"], names)
        f["error"] = _restore(f["error"], names)
    return data
