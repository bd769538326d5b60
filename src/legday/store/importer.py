"""``legday import``: files, folders and export zips into the database, never twice, never lost.

The pipeline:

1. **Discover** the inputs: a file is one item; a folder is walked recursively; a zip (a Strava
   or Garmin bulk export) is streamed member by member through the same bounded archive reader
   ``legday.read_archive`` uses. Each item's bytes are hashed (SHA-256) here.
2. **Skip** what is already stored: a known hash is reported as ``duplicate`` at once.
3. **Decode, analyse and judge** the rest in worker processes (:mod:`legday.store.work`).
4. **Persist** each file in its own transaction, in this process (one writer): the original
   bytes go into the content-addressed store first, then the rows. A crash or ``kill -9``
   leaves every file either fully stored or absent, and running the import again completes it
   (it first removes the temporary originals a killed import left). Imports in other processes
   at the same time take turns per athlete (:func:`~legday.store.db.lock_athlete`), so a session
   is never stored twice, and a file another import stored meanwhile is a ``duplicate``.

The same activity from two sources (say a Strava and a Garmin export) is recognised by sport
and a start time within :data:`SAME_START_TOLERANCE_S`; the richer copy is kept.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, Protocol

from sqlalchemy import Dialect, Select, insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from legday.errors import LegdayError, UnsupportedFileError
from legday.io.detect import ZIP_HEADS
from legday.model import Activity, AthleteProfile, ExerciseSet
from legday.settings import Settings

from . import lift_state
from .blobs import BlobStore, sha256
from .convert import set_to_row, set_values
from .db import Database, ensure_athlete, lock_athlete
from .labels import stored_label
from .records import store_best_efforts
from .removed import Removal, RemovedSessions
from .samples import activity_inputs, pack_samples, unpack_samples
from .schema import ActivityRow, FileRow, LapRow, SegmentRow, SetRow, StrengthSessionRow
from .work import (
    Decoded,
    DecodedActivity,
    WorkItem,
    decode_stream,
    judged_as_label,
    strength_fingerprint,
)

__all__ = [
    "FileReport",
    "ImportSummary",
    "Importer",
    "lap_rows",
    "stored_e1rm",
    "stored_history",
    "strength_row",
]

#: Two activities of one sport starting within this many seconds are the same session recorded
#: twice (e.g. a Strava and a Garmin export of one run); clocks of two devices rarely differ more.
SAME_START_TOLERANCE_S = 120.0

#: Largest clock shift between two copies of one session, h: a copy written in local time with
#: no offset is off by the time zone, at most UTC+14.
MAX_ZONE_SHIFT_H = 14
#: Durations and distances of two copies of one session agree within this fraction (devices
#: round and trim pauses differently; GPS vs. footpod distances differ by ~1–2 %).
SAME_TOTALS_TOLERANCE = 0.03

Status = Literal["imported", "duplicate", "failed"]
#: Strength sessions inserted per statement (their sets follow in one more).
INSERT_BATCH: int = 1000


@dataclass
class FileReport:
    """What happened to one input file."""

    path: str
    status: Status
    kind: Literal["activity", "strength_log"] | None = None
    sessions: int = 0
    sets: int = 0
    skipped_rows: int = 0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    """Sessions the user removed (``legday rm``) that the file holds: skipped, or restored
    (``--restore-removed``); see :meth:`legday.store.removed.Removal.to_dict`."""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("warnings")
        return data


@dataclass
class ImportSummary:
    files: list[FileReport]

    def count(self, status: Status) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def ok(self) -> bool:
        return self.count("failed") == 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "imported": self.count("imported"),
            "duplicates": self.count("duplicate"),
            "failed": self.count("failed"),
            "files": [f.to_dict() for f in self.files],
        }


ProgressFn = Callable[[int, int, str], None]


def _digests(athlete_id: int) -> Select[str]:
    """The contents ``athlete_id`` imported: each athlete's duplicates are their own."""
    return select(FileRow.sha256).where(FileRow.athlete_id == athlete_id)


def _file(athlete_id: int, digest: str) -> Select[int]:
    """``athlete_id``'s file of these bytes (another athlete's is not theirs)."""
    return select(FileRow.id).where(FileRow.athlete_id == athlete_id, FileRow.sha256 == digest)


class Importer:
    """Imports inputs for one athlete into ``db``; originals go to ``blobs``."""

    def __init__(
        self,
        db: Database,
        blobs: BlobStore,
        *,
        profile: AthleteProfile | None = None,
        settings: Settings | None = None,
        athlete: str = "default",
        workers: int | None = None,
        restore_removed: bool = False,
        athlete_id: int | None = None,
    ) -> None:
        """``athlete_id``, when given, is the athlete's row (a library bound to one athlete by
        its access); else the athlete called ``athlete`` is found or made."""
        self.db = db
        self.athlete_id = athlete_id
        self.blobs = blobs
        self.profile = profile or AthleteProfile()
        self.settings = settings or Settings()
        self.athlete = athlete
        self.workers = workers if workers is not None else (os.cpu_count() or 1)
        #: Store the sessions the user removed again, rather than skip them (a file already
        #: imported is read again for them).
        self.restore_removed = restore_removed
        self._removed: RemovedSessions | None = None
        self._history: list[dict[str, Any]] = []
        self._e1rm: dict[str, float] = {}
        #: The earliest start of each sport this import stored (to judge later runs again).
        self._first_start: dict[str, datetime] = {}

    # -- discovery --------------------------------------------------------------------------
    def discover(self, paths: Iterable[str | Path]) -> Iterator[WorkItem | FileReport]:
        """Yield a work item per input file (or a failure report for what cannot be read)."""
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                unreadable: list[OSError] = []
                for sub in _files_below(path, unreadable.append):
                    if not sub.name.endswith(".truth.json"):
                        yield from self._items_for_file(sub)
                for exc in unreadable:
                    where = exc.filename or path
                    reason = exc.strerror or exc
                    error = f"{where}: cannot read the folder: {reason}"
                    yield FileReport(str(where), "failed", error=error)
            elif path.is_file():
                yield from self._items_for_file(path)
            else:
                yield FileReport(str(path), "failed", error=f"{path}: no such file or folder")

    def _items_for_file(self, path: Path) -> Iterator[WorkItem | FileReport]:
        from legday.io.reader import MAX_INPUT_BYTES

        try:
            with path.open("rb") as fh:
                head = fh.read(4)
                if head in ZIP_HEADS:
                    data = b""
                elif path.stat().st_size > MAX_INPUT_BYTES:
                    limit = MAX_INPUT_BYTES // (1024 * 1024)
                    yield FileReport(
                        str(path), "failed", error=f"{path}: larger than {limit} MiB: refused"
                    )
                    return
                else:
                    data = head + fh.read()
        except OSError as exc:
            yield FileReport(str(path), "failed", error=f"{path}: {exc.strerror or exc}")
            return
        if head in ZIP_HEADS:
            yield from self._items_for_zip(path)
            return
        yield WorkItem(name=str(path), data=data, sha256=sha256(data))

    def _items_for_zip(self, path: Path) -> Iterator[WorkItem | FileReport]:
        from legday.io.archive import iter_archive_members

        members = 0
        try:
            for m in iter_archive_members(path):
                members += 1
                if m.error is not None:
                    yield FileReport(m.name, "failed", error=str(m.error))
                else:
                    data = m.data or b""
                    yield WorkItem(name=m.name, data=data, sha256=sha256(data), strava=m.strava)
        except LegdayError as exc:
            yield FileReport(str(path), "failed", error=str(exc))
            return
        if members == 0:  # every input gets a report, even a zip with nothing legday reads
            none = UnsupportedFileError(
                "the zip holds no FIT, GPX or TCX file and no lifting log", path=path
            )
            yield FileReport(str(path), "failed", error=str(none))

    # -- the run ----------------------------------------------------------------------------
    def run(self, paths: Iterable[str | Path], progress: ProgressFn | None = None) -> ImportSummary:
        """Import ``paths``: the files stream from discovery through the workers to the
        database, a few at a time (:func:`~legday.store.work.decode_stream`), so memory does
        not grow with the input. ``progress(done, total, name)`` counts the files found so far
        in ``total``, which grows while discovery goes on."""
        reports: list[FileReport] = []
        self.blobs.sweep()  # what an import killed mid-write left behind
        with self.db.session() as session:
            athlete_id = self._athlete_id(session)
            known = set() if self.restore_removed else set(session.scalars(_digests(athlete_id)))
        history = self._history = stored_history(self.db, athlete_id)
        e1rm = self._e1rm = stored_e1rm(self.db, athlete_id)
        count = {"found": 0, "done": 0}

        def tick(name: str) -> None:
            count["done"] += 1
            if progress:
                progress(count["done"], count["found"], name)

        def new_items() -> Iterator[WorkItem]:
            seen: set[str] = set()
            for entry in self.discover(paths):
                count["found"] += 1
                if isinstance(entry, FileReport):
                    reports.append(entry)
                    tick(entry.path)
                elif entry.sha256 in known or entry.sha256 in seen:
                    reports.append(FileReport(entry.name, "duplicate"))
                    tick(entry.name)
                else:
                    seen.add(entry.sha256)
                    yield entry

        if progress:
            progress(0, 0, "")
        decoded_items = decode_stream(
            new_items(), self.profile, self.settings, history, e1rm, self.workers
        )
        for _, decoded in decoded_items:
            reports.append(self._persist(decoded, athlete_id))
            tick(decoded.name)
        self._rejudge_later_runs(athlete_id)
        return ImportSummary(reports)

    def _rejudge_later_runs(self, athlete_id: int) -> None:
        """Each run judged against the history as of its own start, this batch's included:
        the stored runs after this import's first session of their sport are judged again
        (:mod:`legday.store.chronology`)."""
        from .chronology import rejudge_since

        rejudge_since(
            self.db,
            self.blobs,
            athlete_id,
            self._first_start,
            self.profile,
            self.settings,
            self.workers,
        )

    def _athlete_id(self, session: Session) -> int:
        if self.athlete_id is not None:
            return self.athlete_id
        return ensure_athlete(session, self.athlete, self.profile.to_dict())

    # -- persistence --------------------------------------------------------------------------
    def _persist(self, decoded: Decoded, athlete_id: int) -> FileReport:
        if decoded.error is not None:
            return FileReport(decoded.name, "failed", kind=decoded.kind, error=decoded.error)
        report = FileReport(
            decoded.name,
            "imported",
            kind=decoded.kind,
            skipped_rows=decoded.skipped_rows,
            warnings=list(decoded.warnings),
        )
        # The original first: a crash after this and before the commit leaves only an orphan
        # blob, which the re-run reuses.
        self.blobs.put(decoded.data, decoded.sha256)
        try:
            with self.db.session() as session:
                # One import at a time checks for the same session and stores it: another
                # process importing the same runs from another source waits here.
                lock_athlete(session, athlete_id)
                file_id = session.scalar(_file(athlete_id, decoded.sha256))
                if file_id is not None and not self.restore_removed:
                    return FileReport(decoded.name, "duplicate", kind=decoded.kind)
                file_row = FileRow(
                    athlete_id=athlete_id,
                    sha256=decoded.sha256,
                    name=decoded.name,
                    size=len(decoded.data),
                    kind=decoded.kind or "activity",
                    format=decoded.format,
                    imported_at=datetime.now(UTC),
                    warnings={"warnings": decoded.warnings},
                )
                if file_id is None:
                    session.add(file_row)
                    session.flush()
                    file_id = file_row.id
                removed = self._removals(session, athlete_id)
                for index, item in enumerate(decoded.activities):
                    gone = removed.activity(
                        item.activity.sport, item.activity.start, SAME_START_TOLERANCE_S
                    )
                    if gone is not None and not self.restore_removed:
                        report.removed.append(gone.to_dict(self.profile.time_zone, "skipped"))
                    elif self._store_activity(session, athlete_id, file_id, index, item):
                        report.sessions += 1
                        self._restored(session, report, removed, [gone] if gone else [])
                lift_state.ensure(session, athlete_id)
                new_sessions, new_sets = self._store_strength(
                    session, athlete_id, file_id, decoded, report
                )
                report.sessions += new_sessions
                report.sets += new_sets
        except LegdayError as exc:
            return FileReport(decoded.name, "failed", kind=decoded.kind, error=str(exc))
        except (SQLAlchemyError, OverflowError) as exc:  # the transaction was rolled back
            # (sqlite3 raises a bare OverflowError for an integer past 64 bits)
            if isinstance(exc, IntegrityError) and self._stored(athlete_id, decoded.sha256):
                # another process stored this file while we decoded it
                return FileReport(decoded.name, "duplicate", kind=decoded.kind)
            cause = getattr(exc, "orig", None) or exc  # the driver's message, without the SQL
            error = f"{decoded.name}: the database refused the file: {cause}"
            return FileReport(decoded.name, "failed", kind=decoded.kind, error=error)
        if report.sessions == 0 and (decoded.activities or decoded.strength):
            report.status = "duplicate"
        return report

    def _removals(self, session: Session, athlete_id: int) -> RemovedSessions:
        """The sessions the user removed, read at the first file that needs them."""
        if self._removed is None:
            self._removed = RemovedSessions(session, athlete_id)
        return self._removed

    def _restored(
        self,
        session: Session,
        report: FileReport,
        removed: RemovedSessions,
        removals: list[Removal],
    ) -> None:
        """Removed sessions stored again (``--restore-removed``): no longer removed."""
        removed.forget(session, removals)
        zone = self.profile.time_zone
        report.removed += [r.to_dict(zone, "restored") for r in removals]

    def _stored(self, athlete_id: int, digest: str) -> bool:
        with self.db.session() as session:
            return session.scalar(_file(athlete_id, digest)) is not None

    def _same_session(
        self, session: Session, athlete_id: int, activity: Activity
    ) -> ActivityRow | None:
        """The stored copy of this session from another source, if there is one.

        Same sport (or one side "generic", as GPX files without a type are) and a start within
        :data:`SAME_START_TOLERANCE_S`; or, when one copy was written in local time without its
        offset (GoldenCheetah #2258, Runalyze #1779), a start a whole number of half hours away
        (up to 14 h) with duration and distance both within :data:`SAME_TOTALS_TOLERANCE`.
        """
        reach = timedelta(hours=MAX_ZONE_SHIFT_H, seconds=SAME_START_TOLERANCE_S)
        candidates = session.scalars(
            select(ActivityRow).where(
                ActivityRow.athlete_id == athlete_id,
                ActivityRow.start >= activity.start - reach,
                ActivityRow.start <= activity.start + reach,
            )
        ).all()
        for row in candidates:
            if row.sport != activity.sport and "generic" not in (row.sport, activity.sport):
                continue
            shift = (activity.start - _utc(row.start)).total_seconds()
            if abs(shift) <= SAME_START_TOLERANCE_S:
                return row
            half_hours = round(shift / 1800.0)
            zone_shift = (
                half_hours != 0 and abs(shift - half_hours * 1800.0) <= SAME_START_TOLERANCE_S
            )
            if (
                zone_shift
                and _close(row.duration_s, activity.duration_s)
                and _close(row.distance_m, activity.distance_m)
                and _same_recording(unpack_samples(row.samples), activity.samples)
            ):
                return row
        return None

    def _store_activity(
        self, session: Session, athlete_id: int, file_id: int, index: int, item: DecodedActivity
    ) -> bool:
        activity = item.activity
        start = activity.start
        same = self._same_session(session, athlete_id, activity)
        richness = _richness(activity)
        label: tuple[str, int | None, datetime | None] | None = None
        if same is not None:
            if richness <= same.n_samples * same.n_channels:
                return False
            if same.label_kind is not None:  # the runner's word outlives the poorer copy
                label = (same.label_kind, same.label_reps, same.labelled_at)
            lifts = session.scalars(  # a watch's strength sets go with it
                select(SetRow.exercise)
                .join(StrengthSessionRow, SetRow.session_id == StrengthSessionRow.id)
                .where(StrengthSessionRow.activity_id == same.id)
            ).all()
            session.delete(same)
            session.flush()
            lift_state.refresh(session, athlete_id, lifts)
        runner_kind = stored_label(label[0]) if label is not None else None
        if runner_kind is not None and item.kind is not None:
            item = judged_as_label(
                item, runner_kind, self.profile, self.settings, self._history, self._e1rm
            )
        row = ActivityRow(
            athlete_id=athlete_id,
            file_id=file_id,
            session_index=index,
            sport=activity.sport,
            sub_sport=activity.sub_sport,
            start=start,
            utc_offset_s=activity.utc_offset_s,
            duration_s=activity.duration_s,
            distance_m=activity.distance_m,
            n_samples=activity.n_samples,
            n_channels=_filled_channels(activity),
            device=activity.device,
            name=activity.name,
            description=activity.description,
            source_format=activity.source.format if activity.source else "unknown",
            kind=item.kind,
            category=item.category,
            counts_as_leg_day=item.counts_as_leg_day,
            trimp=item.trimp,
            max_hr=item.max_hr,
            effort_hr=item.effort_hr,
            meta=_jsonable_meta(activity.metadata),
            analysis=item.analysis,
            verdict=item.verdict,
            samples=pack_samples(activity.samples, activity_inputs(activity)),
        )
        if label is not None:
            row.label_kind, row.label_reps, row.labelled_at = label
        row.laps = lap_rows(activity)
        row.segments = [
            SegmentRow(index=i, start_s=s["start_s"], end_s=s["end_s"], role=s["role"])
            for i, s in enumerate((item.analysis or {}).get("segments", []))
        ]
        session.add(row)
        session.flush()
        store_best_efforts(session, row, activity.samples)  # records (store/records.py)
        first = self._first_start.get(activity.sport)
        if first is None or start < first:
            self._first_start[activity.sport] = start
        fingerprint = strength_fingerprint(activity.start, activity.sets)
        if activity.sets and (
            self.restore_removed  # else a watch's workout removed alone stays removed
            or self._removals(session, athlete_id).strength(fingerprint, start) is None
        ):
            lift = strength_row(
                athlete_id,
                file_id,
                fingerprint,
                activity,
                "fit",
                item.strength_verdict,
                activity_id=row.id,
            )
            session.add(lift)
            session.flush()
            lift_state.add(session, athlete_id, [(lift.id, activity.start, activity.sets)])
        return True

    def _store_strength(
        self, session: Session, athlete_id: int, file_id: int, decoded: Decoded, report: FileReport
    ) -> tuple[int, int]:
        if not decoded.strength:
            return 0, 0
        existing = set(
            session.scalars(
                select(StrengthSessionRow.fingerprint).where(
                    StrengthSessionRow.athlete_id == athlete_id
                )
            )
        )
        fresh, removed, restored = [], self._removals(session, athlete_id), []
        for item in decoded.strength:
            if item.fingerprint in existing:
                continue
            gone = removed.strength(item.fingerprint, item.session.start)
            if gone is not None and not self.restore_removed:
                report.removed.append(gone.to_dict(self.profile.time_zone, "skipped"))
                continue
            restored += [gone] if gone else []
            existing.add(item.fingerprint)
            fresh.append(item)
        self._restored(session, report, removed, restored)
        # Core inserts, a batch at a time: a log of a million sets is not a million ORM objects.
        tables = StrengthSessionRow.metadata.tables
        connection, sessions = session.connection(), tables["strength_sessions"]
        set_insert, values = _set_insert(connection.dialect), _SetValues()
        for k in range(0, len(fresh), INSERT_BATCH):
            batch = fresh[k : k + INSERT_BATCH]
            ids = connection.scalars(
                insert(sessions).returning(sessions.c.id, sort_by_parameter_order=True),
                [
                    strength_values(
                        athlete_id,
                        file_id,
                        item.fingerprint,
                        item.session,
                        decoded.format,
                        item.verdict,
                    )
                    for item in batch
                ],
            ).all()
            sets = [
                (*values(i, one), ident)
                for ident, item in zip(ids, batch, strict=True)
                for i, one in enumerate(item.session.sets)
            ]
            if sets:
                connection.exec_driver_sql(set_insert, sets)
            lift_state.add(
                session,
                athlete_id,
                [
                    (ident, item.session.start, item.session.sets)
                    for ident, item in zip(ids, batch, strict=True)
                ],
            )
        return len(fresh), sum(len(item.session.sets) for item in fresh)


def _set_insert(dialect: Dialect) -> str:
    """The driver's own INSERT of one set (its columns as :class:`_SetValues` orders them):
    SQLAlchemy's processing of each row's parameters cost more than the insert itself."""
    columns = [*set_values(0, ExerciseSet("")), "session_id"]
    names = ", ".join(dialect.identifier_preparer.quote(c) for c in columns)
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    return f"INSERT INTO strength_sets ({names}) VALUES ({', '.join([mark] * len(columns))})"


class _SetValues:
    """A set's column values at its index, as stored (NaN as NULL, as :class:`FiniteFloat`
    stores it), worked out once per set: a log's sessions share equal sets."""

    def __init__(self) -> None:
        self._seen: dict[tuple[int, int], tuple[Any, ...]] = {}
        self._sets: list[ExerciseSet] = []  # the sets keyed by id() stay alive meanwhile

    def __call__(self, index: int, one: ExerciseSet) -> tuple[Any, ...]:
        key = (index, id(one))
        found = self._seen.get(key)
        if found is None:
            if len(self._seen) >= INSERT_BATCH * 100:  # a log of distinct sets: memory stays flat
                self._seen.clear()
                self._sets.clear()
            found = self._seen[key] = tuple(
                None if isinstance(v, float) and math.isnan(v) else v
                for v in set_values(index, one).values()
            )
            self._sets.append(one)
        return found


def stored_history(db: Database, athlete_id: int) -> list[dict[str, Any]]:
    """The athlete's stored sessions, summarised, for relative judgements (long, overload)."""
    with db.session() as session:
        rows = session.execute(
            select(
                ActivityRow.start,
                ActivityRow.duration_s,
                ActivityRow.distance_m,
                ActivityRow.kind,
                ActivityRow.sport,
                ActivityRow.max_hr,
                ActivityRow.effort_hr,
            ).where(ActivityRow.athlete_id == athlete_id)
        ).all()
    return [
        {
            "start": _utc(r.start),
            "duration_s": r.duration_s,
            "distance_m": r.distance_m,
            "kind": r.kind,
            "sport": r.sport,
            "max_hr": r.max_hr,
            "effort_hr": r.effort_hr,
        }
        for r in rows
    ]


def stored_e1rm(db: Database, athlete_id: int) -> dict[str, float]:
    """The lifter's best e1RM per exercise over every stored set, kg (from ``lift_state``,
    never the sets themselves)."""
    with db.session() as session:
        return lift_state.bests(session, athlete_id)


class Recorded(Protocol):
    """What a strength session's row takes from a :class:`StrengthSession` or a watch's
    :class:`Activity` with sets."""

    @property
    def start(self) -> datetime: ...
    @property
    def utc_offset_s(self) -> int | None: ...
    @property
    def name(self) -> str | None: ...
    @property
    def duration_s(self) -> float | None: ...
    @property
    def sets(self) -> tuple[Any, ...]: ...


def strength_row(
    athlete_id: int,
    file_id: int | None,
    fingerprint: str,
    session: Recorded,
    source_format: str,
    verdict: dict[str, Any] | None,
    activity_id: int | None = None,
) -> StrengthSessionRow:
    row = StrengthSessionRow(
        **strength_values(athlete_id, file_id, fingerprint, session, source_format, verdict),
        activity_id=activity_id,
    )
    row.sets = [set_to_row(i, s) for i, s in enumerate(session.sets)]
    return row


def strength_values(
    athlete_id: int,
    file_id: int | None,
    fingerprint: str,
    session: Recorded,
    source_format: str,
    verdict: dict[str, Any] | None,
) -> dict[str, Any]:
    """A strength session's columns (its sets apart)."""
    v = (verdict or {}).get("verdict", {})
    return dict(
        athlete_id=athlete_id,
        file_id=file_id,
        fingerprint=fingerprint,
        start=session.start,
        utc_offset_s=session.utc_offset_s,
        name=session.name,
        duration_s=session.duration_s,
        source_format=source_format,
        category=v.get("category"),
        counts_as_leg_day=bool(v.get("counts_as_leg_day", False)),
        verdict=verdict,
    )


def _files_below(folder: Path, onerror: Callable[[OSError], None]) -> list[Path]:
    """Every file below ``folder``, sorted, except hidden ones below it (a hidden folder above
    it, as in ``~/.local/share/…``, is fine). Symbolic links to folders are followed, each
    folder once. A folder that cannot be read goes to ``onerror``, never silently."""
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(folder, onerror=onerror, followlinks=True):
        try:
            st = os.stat(root)
        except OSError as exc:
            onerror(exc)
            dirs.clear()
            continue
        if (st.st_dev, st.st_ino) in seen:  # a link back up the tree
            dirs.clear()
            continue
        seen.add((st.st_dev, st.st_ino))
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        here = Path(root)
        found += (here / f for f in files if not f.startswith("."))
    return sorted(p for p in found if p.is_file())


def lap_rows(activity: Activity) -> list[LapRow]:
    """The activity's laps as rows. A lap time the file did not record (NaN, as in a truncated
    FIT file) is filled from its neighbours: a start from the previous lap's end (the first
    lap's from the session's start), an end from the next lap's start (the last lap's from the
    session's end). Other values the file did not record are stored as NULL."""
    laps = activity.laps
    begin = activity.start.timestamp()
    finish = begin + activity.duration_s if math.isfinite(activity.duration_s) else begin
    rows: list[LapRow] = []
    for i, lap in enumerate(laps):
        start = lap.start if math.isfinite(lap.start) else (rows[-1].end if rows else begin)
        after = laps[i + 1].start if i + 1 < len(laps) else finish
        end = lap.end if math.isfinite(lap.end) else (after if math.isfinite(after) else start)
        rows.append(
            LapRow(
                index=i,
                start=start,
                end=max(start, end),
                intensity=lap.intensity,
                trigger=lap.trigger,
                wkt_step_index=lap.wkt_step_index,
                total_distance_m=lap.total_distance_m,
                total_timer_s=lap.total_timer_s,
            )
        )
    return rows


def _filled_channels(activity: Activity) -> int:
    import numpy as np

    return sum(1 for arr in activity.samples.values() if np.isfinite(arr).any())


def _richness(activity: Activity) -> int:
    return activity.n_samples * _filled_channels(activity)


#: Two recordings are one when their distance (or, lacking it, heart rate) agrees this closely
#: at the same elapsed times: a second run over the same route the same day drifts apart by far
#: more as pacing differs (heuristic, m and bpm).
SAME_TRACK_M = 25.0
SAME_HR_BPM = 2.0


def _same_recording(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two sample sets are the same recording, compared at the same elapsed times."""
    import numpy as np

    for channel, limit in (("distance_m", SAME_TRACK_M), ("heart_rate_bpm", SAME_HR_BPM)):
        ea, va = a["elapsed_s"], a[channel]
        eb, vb = b["elapsed_s"], b[channel]
        ka, kb = np.isfinite(ea) & np.isfinite(va), np.isfinite(eb) & np.isfinite(vb)
        if ka.sum() < 10 or kb.sum() < 10:
            continue
        ea, va, eb, vb = ea[ka], va[ka], eb[kb], vb[kb]
        if channel == "distance_m":
            va, vb = va - va[0], vb - vb[0]
        inside = (eb >= ea[0]) & (eb <= ea[-1])
        if inside.sum() < 10:
            return False
        diff = np.abs(np.interp(eb[inside], ea, va) - vb[inside])
        return bool(np.median(diff) <= limit)
    return False  # nothing to compare: keep both rather than lose one


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= SAME_TOTALS_TOLERANCE * max(abs(a), abs(b), 1.0)


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _jsonable_meta(meta: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in meta.items():
        if isinstance(value, str | int | float | bool) or value is None:
            out[key] = value
        elif isinstance(value, list | tuple) and len(value) < 1000:
            out[key] = [v if isinstance(v, str | int | float | bool) else str(v) for v in value]
    return out
