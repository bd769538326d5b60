"""Judgements in date order: every run is judged against the history as of its own start.

An import decodes and judges its files in parallel, each against the history stored *before*
the import, so a whole archive imported at once would judge every run against no history:
no run would be "long", none "much longer than usual" (R4). Once the batch is stored,
:func:`rejudge_since` judges again every stored run that starts after the batch's first
session of the same sport — the batch's own runs, and older imports' runs that an older file
in this batch now precedes — with the stored history, which the analysis reads as of each
run's start (:func:`legday.store.work.summaries_before`). It is a partial ``legday
reanalyze``: the same analysis and verdict, the same rows updated in place.

The pass streams: the files go oldest first, :data:`CHUNK_FILES` at a time, read from the
database as the workers take them (at most a few in flight, as an import's, see
:func:`~legday.store.work.decode_stream`) and written back a chunk per transaction, so its
memory does not grow with the batch (the 5,000-run archive once held every original at once,
~1.5 GB a process). Nor does it decode the originals again: each run's stored samples carry
the rest of the activity its import decoded (:func:`legday.store.samples.activity_of`), which
is judged again as it was. Only a run stored before that, or one whose activity the samples
could not carry (see :func:`~legday.store.samples.activity_inputs`), is decoded again from
its original.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.exc import StaleDataError

from legday.model import AthleteProfile
from legday.settings import Settings

from .blobs import BlobStore
from .db import Database, lock_athlete
from .importer import stored_e1rm, stored_history
from .labels import apply_judgement, stored_label
from .samples import carries_activity
from .schema import ActivityRow, FileRow
from .work import DecodedActivity, WorkItem, decode_stream

__all__ = ["CHUNK_FILES", "rejudge_since", "strava_row_of"]

#: Files read, and judgements written, per transaction: memory stays bounded whatever the
#: batch's size, and a 5,000-file pass commits ~80 times, not 5,000.
CHUNK_FILES = 64


def rejudge_since(
    db: Database,
    blobs: BlobStore,
    athlete_id: int,
    first_start: Mapping[str, datetime],
    profile: AthleteProfile,
    settings: Settings,
    workers: int = 1,
) -> int:
    """Judge again the stored activities of each sport that start after ``first_start[sport]``
    (the earliest session of that sport an import just stored), oldest first; returns how many
    rows were updated."""
    if not first_start:
        return 0
    files = _files_after(db, athlete_id, first_start)
    if not files:
        return 0
    history = stored_history(db, athlete_id)
    e1rm = stored_e1rm(db, athlete_id)
    by_digest: dict[str, int] = {}
    judged: list[tuple[int, list[DecodedActivity]]] = []
    updated = 0
    items = _work_items(db, blobs, files, by_digest)
    for item, result in decode_stream(items, profile, settings, history, e1rm, workers):
        file_id = by_digest.pop(item.sha256)
        if result.error is not None:
            continue  # it was stored, so it decoded once; keep its first judgement
        judged.append((file_id, result.activities))
        if len(judged) >= CHUNK_FILES:
            updated += _write(db, athlete_id, judged)
            judged = []
    return updated + _write(db, athlete_id, judged)


def _files_after(db: Database, athlete_id: int, first_start: Mapping[str, datetime]) -> list[int]:
    """The files with a session of a sport after ``first_start[sport]``, oldest first."""
    with db.session() as s:
        rows = s.execute(
            select(ActivityRow.file_id, ActivityRow.sport, ActivityRow.start)
            .where(ActivityRow.athlete_id == athlete_id)
            .order_by(ActivityRow.start, ActivityRow.id)
        ).all()
    return list(
        dict.fromkeys(
            r.file_id
            for r in rows
            if r.sport in first_start and _utc(r.start) > first_start[r.sport]
        )
    )


def _work_items(
    db: Database, blobs: BlobStore, files: list[int], by_digest: dict[str, int]
) -> Iterator[WorkItem]:
    """Each file to judge again, read a chunk at a time as the workers take them: its sessions'
    stored activities, or else its original with what its import saw beside it (a Strava
    export's fields); the runner's labels either way. ``by_digest`` maps the items in flight
    to their file ids."""
    for k in range(0, len(files), CHUNK_FILES):
        chunk = files[k : k + CHUNK_FILES]
        with db.session() as s:
            stored = {
                r.id: r
                for r in s.execute(
                    select(FileRow.id, FileRow.name, FileRow.sha256).where(FileRow.id.in_(chunk))
                )
            }
            sessions = s.execute(
                select(
                    ActivityRow.file_id,
                    ActivityRow.session_index,
                    ActivityRow.label_kind,
                    ActivityRow.name,
                    ActivityRow.description,
                    ActivityRow.meta,
                    ActivityRow.samples,
                )
                .where(ActivityRow.file_id.in_(chunk))
                .order_by(ActivityRow.file_id, ActivityRow.session_index)
            ).all()
        first: dict[int, Any] = {}
        labels: dict[int, dict[int, Any]] = {}
        samples: dict[int, list[bytes]] = {}
        count: dict[int, int] = {}
        for r in sessions:
            first.setdefault(r.file_id, r)
            count[r.file_id] = count.get(r.file_id, 0) + 1
            if (kind := stored_label(r.label_kind)) is not None:
                labels.setdefault(r.file_id, {})[r.session_index] = kind
            kept = samples.setdefault(r.file_id, [])
            if r.session_index == len(kept) and carries_activity(r.samples):
                kept.append(r.samples)
        for file_id in chunk:
            file = stored[file_id]
            by_digest[file.sha256] = file_id
            said = first.get(file_id)
            item = WorkItem(
                name=file.name, data=b"", sha256=file.sha256, labels=labels.get(file_id, {})
            )
            kept = samples.get(file_id, [])
            if kept and len(kept) == count[file_id]:
                yield replace(item, stored=tuple(kept))  # every session as its import decoded it
            else:
                strava = strava_row_of(said) if said is not None else None
                yield replace(item, data=blobs.get(file.sha256), strava=strava)


def _write(db: Database, athlete_id: int, judged: list[tuple[int, list[DecodedActivity]]]) -> int:
    """Store the new judgements of a chunk of files in one transaction; a file whose session
    another import replaced meanwhile keeps the newer row (the chunk is then written file by
    file). Returns how many rows were updated."""
    if not judged:
        return 0
    try:
        return _apply(db, athlete_id, judged)
    except StaleDataError:
        pass
    updated = 0
    for one in judged:
        try:
            updated += _apply(db, athlete_id, [one])
        except StaleDataError:
            continue  # another import replaced the session by a richer copy meanwhile
    return updated


def _apply(db: Database, athlete_id: int, judged: list[tuple[int, list[DecodedActivity]]]) -> int:
    with db.session() as s:
        lock_athlete(s, athlete_id)  # not while another import replaces a copy
        rows = {
            (r.file_id, r.session_index): r
            for r in s.scalars(
                select(ActivityRow)
                .options(lazyload(ActivityRow.laps))  # untouched: not read
                .where(ActivityRow.file_id.in_([file_id for file_id, _ in judged]))
            )
        }
        updated = 0
        for file_id, activities in judged:
            for index, item in enumerate(activities):
                row = rows.get((file_id, index))
                if row is not None:
                    apply_judgement(row, item)
                    updated += 1
    return updated


class _Said(Protocol):
    """What a stored session kept of its Strava export (an :class:`ActivityRow` or a row of
    its columns)."""

    @property
    def name(self) -> str | None: ...
    @property
    def description(self) -> str | None: ...
    @property
    def meta(self) -> dict[str, Any] | None: ...


def strava_row_of(row: _Said) -> dict[str, str] | None:
    """The Strava ``activities.csv`` fields a stored activity carried over (name, description,
    type, gear, perceived exertion), so that judging it again sees what its import saw; None
    for a session that did not come from a Strava export."""
    meta = row.meta or {}
    if "strava_activity_id" not in meta and "strava_type" not in meta:
        return None
    fields = {
        "Activity Name": row.name,
        "Activity Description": row.description,
        "Activity ID": meta.get("strava_activity_id"),
        "Activity Type": meta.get("strava_type"),
        "Activity Gear": meta.get("gear"),
        "Perceived Exertion": meta.get("rpe"),
    }
    return {k: str(v) for k, v in fields.items() if v is not None}


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
