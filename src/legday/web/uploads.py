"""Uploaded files through the same :meth:`Library.import_paths` as ``legday import``, as jobs.

An upload returns at once with a job id (``POST /api/import`` answers 202); ``GET
/api/imports/{id}`` tells its progress, then its report. Each upload is written to its own
folder under a temporary directory, with its original (base) name, so the importer sees the
same name the runner chose and reports it; the temporary paths are then taken out of the
report, and the files deleted when the job ends.

:class:`ImportQueue` runs the jobs: one at a time in each server process, each in a fresh child
process opened on the same database and originals, so a long or hostile import neither holds
the server's interpreter (other pages keep answering) nor shares its memory. A job's state is a
small JSON file in the library's ``imports`` folder beside its originals, so every worker
process of one server sees every job, and whichever is free takes the next one (claimed by
creating a file exclusively). The next job is the oldest of the athlete with the fewest
imports running, so one athlete's pile of uploads never holds up another's. The queue is
bounded: at most :data:`MAX_WAITING_IMPORTS` jobs wait, at most
:data:`MAX_WAITING_PER_ATHLETE` of one athlete; more are refused with
:class:`ImportsBusyError` (503).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from fastapi import UploadFile

from legday import serialise
from legday.errors import LegdayError, NotFoundError
from legday.model import AthleteProfile
from legday.settings import Settings

if TYPE_CHECKING:
    from legday.accounts import Access
    from legday.store.library import Library

__all__ = [
    "MAX_WAITING_IMPORTS",
    "MAX_WAITING_PER_ATHLETE",
    "ImportJob",
    "ImportQueue",
    "ImportsBusyError",
    "JobState",
    "LibrarySpec",
    "import_report",
    "next_job",
    "run_import",
    "safe_name",
]

#: Imports that may wait, all athletes together; more are refused (503) rather than queued
#: without end (each waiting upload holds its files on disk).
MAX_WAITING_IMPORTS = 64
#: Imports one athlete may have waiting: a club's server keeps room for everyone else.
MAX_WAITING_PER_ATHLETE = 4
#: How often the queue looks for jobs (other server processes add them) and whether its import
#: process is still alive, s.
POLL_S = 0.25
#: How long a finished job's report is kept for its page and API, s.
KEEP_FINISHED_S = 3600.0
#: Least time between two writes of a running job's progress, s.
PROGRESS_EVERY_S = 0.2

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

    def to_dict(self) -> dict[str, Any]:
        return {
            "db_url": self.db_url,
            "originals": str(self.originals),
            "profile": self.profile.to_dict(),
            "settings": self.settings.to_dict(),
            "athlete": self.athlete,
            "access": None
            if self.access is None
            else {
                "user_id": self.access.user_id,
                "login": self.access.login,
                "athlete_id": self.access.athlete_id,
                "right": self.access.right.name,
            },
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LibrarySpec:
        """The spec :meth:`to_dict` gave (as a job's file keeps it)."""
        from legday.accounts import Access, Right

        profile = {k: v for k, v in data["profile"].items() if v is not None}
        access = data.get("access")
        return cls(
            data["db_url"],
            Path(data["originals"]),
            AthleteProfile.from_dict(profile),
            Settings.from_mapping(data["settings"]),
            data["athlete"],
            None if access is None else Access(**{**access, "right": Right[access["right"]]}),
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


#: Reports an import's progress: files done, files in all, the file in hand.
Progress = Callable[[int, int, str], None]
#: An import as a child process runs it: the library's spec, the paths and a progress callback,
#: to the summary.
ImportJob = Callable[[LibrarySpec, list[Path], Progress], dict[str, Any]]


def run_import(spec: LibrarySpec, paths: list[Path], progress: Progress) -> dict[str, Any]:
    """The import a child process runs (one decoding worker: the child is the bound)."""
    library = spec.open()
    try:
        return library.import_paths(paths, workers=1, progress=progress).to_dict()
    finally:
        library.close()


def _child(job: ImportJob, spec: LibrarySpec, paths: list[Path], conn: Connection) -> None:
    def progress(done: int, total: int, name: str) -> None:
        conn.send(("progress", (done, total, name)))

    try:
        conn.send(("ok", job(spec, paths, progress)))
    except LegdayError as exc:
        conn.send(("error", str(exc)))
    except Exception as exc:  # reported to the job as one line, never lost in the child
        conn.send(("error", f"the import failed: {type(exc).__name__}: {exc}"))
    finally:
        conn.close()


Status = Literal["queued", "running", "done", "failed"]


def _now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass(frozen=True)
class JobState:
    """One upload's import, as ``GET /api/imports/{id}`` shows it (docs/schemas/import-job.json),
    with what the queue needs to run it (``spec``, ``folder``, ``names``)."""

    id: str
    athlete: str
    status: Status
    created: str
    files: int
    started: str | None = None
    finished: str | None = None
    done: int = 0
    total: int = 0
    current: str | None = None
    report: dict[str, Any] | None = None
    error: str | None = None
    spec: dict[str, Any] | None = None
    folder: str = ""
    names: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The job as the API shows it (none of the server's paths)."""
        return {
            "id": self.id,
            "status": self.status,
            "url": f"/api/imports/{self.id}",
            "page": f"/import/{self.id}",
            "created": self.created,
            "started": self.started,
            "finished": self.finished,
            "files": self.files,
            "progress": {"done": self.done, "total": self.total, "file": self.current},
            "report": self.report,
            "error": self.error,
        }


class _Jobs:
    """The job files of one library's ``imports`` folder: ``<id>.json`` the state (replaced
    whole, never half-written), ``<id>.claim`` made by the process that runs it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def path(self, job_id: str) -> Path:
        if not re.fullmatch(r"[A-Za-z0-9_-]{8,64}", job_id):
            raise NotFoundError(f"no import job {job_id!r}")
        return self.root / f"{job_id}.json"

    def write(self, job: JobState) -> None:
        tmp = self.root / f".{job.id}.{os.getpid()}.{threading.get_ident()}.tmp"
        tmp.write_text(json.dumps(asdict(job)), encoding="utf-8")
        os.replace(tmp, self.path(job.id))

    def read(self, job_id: str) -> JobState | None:
        try:
            data = json.loads(self.path(job_id).read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return None
        return JobState(**data)

    def all(self) -> list[JobState]:
        found = (self.read(p.stem) for p in self.root.glob("*.json"))
        return sorted((j for j in found if j is not None), key=lambda j: j.created)

    def claim(self, job_id: str) -> bool:
        """Whether this process took the job (no other one had)."""
        try:
            fd = os.open(self.root / f"{job_id}.claim", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return False
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        return True

    def forget(self, job: JobState) -> None:
        for p in (self.path(job.id), self.root / f"{job.id}.claim"):
            p.unlink(missing_ok=True)
        if job.folder:
            shutil.rmtree(job.folder, ignore_errors=True)


def next_job(jobs: Sequence[JobState]) -> JobState | None:
    """The oldest queued job of the athlete with the fewest imports running (then the one
    waiting longest): each athlete's uploads take turns with everyone else's."""
    running: dict[str, int] = {}
    for j in jobs:
        if j.status == "running":
            running[j.athlete] = running.get(j.athlete, 0) + 1
    queued = [j for j in jobs if j.status == "queued"]
    return min(queued, key=lambda j: (running.get(j.athlete, 0), j.created), default=None)


class ImportQueue:
    """The import jobs of a server process (see the module docstring): :meth:`submit` stores
    an upload and returns its job at once; a thread of this process runs the jobs, one at a
    time, each in a child process; :meth:`close` stops the thread and any running import."""

    def __init__(
        self,
        job: ImportJob = run_import,
        max_waiting: int = MAX_WAITING_IMPORTS,
        max_per_athlete: int = MAX_WAITING_PER_ATHLETE,
    ) -> None:
        self.job = job
        self.max_waiting = max_waiting
        self.max_per_athlete = max_per_athlete
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._folders: dict[Path, _Jobs] = {}
        self._local: dict[str, Library] = {}  # an in-memory database's jobs: this process's
        self._thread: threading.Thread | None = None
        self._running: multiprocessing.process.BaseProcess | None = None
        self._closed = False
        # spawn: the server has threads, which a fork would copy in whatever state they hold
        self._context = multiprocessing.get_context("spawn")

    def _jobs(self, library: Library) -> _Jobs:
        root = library.blobs.root.parent / "imports"
        with self._lock:
            if root not in self._folders:
                self._folders[root] = _Jobs(root)
            return self._folders[root]

    # -- the requests' side ---------------------------------------------------------------------
    def submit(self, library: Library, files: Sequence[UploadFile]) -> JobState:
        """Store ``files`` and queue their import; raises :class:`ImportsBusyError` when the
        queue, or this athlete's share of it, is full."""
        if self._closed:
            raise LegdayError("the dashboard is shutting down: the import did not start")
        if library.access is not None:  # only the athlete imports (a coach's link cannot)
            from legday.accounts import Right

            library.access.require(Right.OWN)
        jobs = self._jobs(library)
        waiting = [j for j in jobs.all() if j.status == "queued"]
        mine = sum(1 for j in waiting if j.athlete == library.athlete)
        if len(waiting) >= self.max_waiting:
            raise ImportsBusyError(f"{len(waiting)} imports are waiting: try again in a minute")
        if mine >= self.max_per_athlete:
            raise ImportsBusyError(
                f"{mine} of your imports are waiting: try again when they are done"
            )
        folder = Path(tempfile.mkdtemp(prefix="legday-upload-"))
        names = _save(files, folder)
        spec = LibrarySpec.of(library)
        job = JobState(
            id=secrets.token_urlsafe(12),
            athlete=library.athlete,
            status="queued",
            created=_now(),
            files=len(names),
            spec=spec.to_dict() if spec is not None else None,
            folder=str(folder),
            names=names,
        )
        if spec is None:
            self._local[job.id] = library
        jobs.write(job)
        self._start()
        self._wake.set()
        return job

    def status(self, library: Library, job_id: str) -> JobState:
        """The job ``job_id`` of ``library``'s athlete; :class:`NotFoundError` for anyone
        else's, or an unknown one."""
        job = self._jobs(library).read(job_id)
        if job is None or job.athlete != library.athlete:
            raise NotFoundError(f"no import job {job_id!r}")
        return job

    # -- the worker's side ----------------------------------------------------------------------
    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._loop, name="legday-imports", daemon=True
                )
                self._thread.start()

    def _loop(self) -> None:
        while not self._closed:
            ran = False
            for jobs in list(self._folders.values()):
                ran = self._run_next(jobs) or ran
            if not ran:
                self._wake.wait(POLL_S)
                self._wake.clear()

    def _run_next(self, jobs: _Jobs) -> bool:
        every = jobs.all()
        stale = time.time() - KEEP_FINISHED_S
        for j in every:
            if j.finished and datetime.fromisoformat(j.finished).timestamp() < stale:
                jobs.forget(j)
        job = next_job([j for j in every if j.spec is not None or j.id in self._local])
        if job is None or self._closed:
            return False
        if not jobs.claim(job.id):
            return True  # another process took it: look again at once
        job = replace(job, status="running", started=_now(), total=job.files)
        jobs.write(job)
        try:
            job = replace(job, status="done", report=self._report(job, self._import(jobs, job)))
        except LegdayError as exc:
            job = replace(job, status="failed", error=_restore(str(exc), job.names))
        finally:
            shutil.rmtree(job.folder, ignore_errors=True)
            self._local.pop(job.id, None)
        jobs.write(replace(job, finished=_now(), current=None))
        return True

    def _import(self, jobs: _Jobs, job: JobState) -> dict[str, Any]:
        last = 0.0

        def progress(done: int, total: int, name: str) -> None:
            nonlocal job, last
            job = replace(job, done=done, total=total, current=_restore(name, job.names))
            if time.monotonic() - last >= PROGRESS_EVERY_S or done == total:
                last = time.monotonic()
                jobs.write(job)

        paths = [Path(p) for p in job.names]
        local = self._local.get(job.id)
        if local is not None:  # an in-memory database: only this process can write it
            return local.import_paths(paths, workers=1, progress=progress).to_dict()
        assert job.spec is not None
        return self._in_child(LibrarySpec.from_dict(job.spec), paths, progress)

    def _in_child(self, spec: LibrarySpec, paths: list[Path], progress: Progress) -> dict[str, Any]:
        receiver, sender = self._context.Pipe(duplex=False)
        process = self._context.Process(
            target=_child, args=(self.job, spec, paths, sender), daemon=True
        )
        process.start()
        sender.close()
        self._running = process
        try:
            while True:
                if not receiver.poll(POLL_S):
                    if not process.is_alive() and not receiver.poll(0):
                        raise LegdayError(
                            f"the import stopped before it finished (exit code {process.exitcode})"
                        )
                    continue
                try:
                    status, payload = receiver.recv()
                except EOFError:
                    raise LegdayError("the import stopped before it finished") from None
                if status != "progress":
                    break
                progress(*payload)
        finally:
            receiver.close()
            process.join(5)
            self._running = None
        if status != "ok":
            raise LegdayError(str(payload))
        return dict(payload)

    def _report(self, job: JobState, data: dict[str, Any]) -> dict[str, Any]:
        library = self._local.get(job.id)
        if library is not None:
            return import_report(library, data, job.names)
        assert job.spec is not None
        library = LibrarySpec.from_dict(job.spec).open()
        try:
            return import_report(library, data, job.names)
        finally:
            library.close()

    def close(self) -> None:
        """Stop the running import, if any (its files are each stored whole or not at all),
        and the thread that runs them."""
        self._closed = True
        self._wake.set()
        process = self._running
        if process is not None and process.is_alive():
            process.kill()
        if self._thread is not None:
            self._thread.join(10)


def _save(files: Sequence[UploadFile], folder: Path) -> dict[str, str]:
    """Write each upload to its own folder under ``folder``: its path, to its uploaded name."""
    names: dict[str, str] = {}
    for i, upload in enumerate(files):
        original = upload.filename or "upload"
        dest = folder / str(i) / safe_name(original)
        dest.parent.mkdir()
        with dest.open("wb") as out:
            shutil.copyfileobj(upload.file, out)
        names[str(dest)] = original
    return names


def import_report(library: Library, data: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """An import's summary as ``/api/import``'s job reports it (``legday import --json``'s
    shape): each file with the ids of the sessions it stored, and named as uploaded."""
    stored = library.sessions_of_files(
        f["path"] for f in data["files"] if f["status"] == "imported"
    )
    shown: dict[str, list[int | str]] = {}
    for f in data["files"]:
        ids = stored.get(f["path"], [])
        f["path"] = _restore(f["path"], names)
        f["error"] = _restore(f["error"], names)
        shown[f["path"]] = ids
    return serialise.import_summary(data, shown)
