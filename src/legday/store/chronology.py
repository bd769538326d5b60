"""Judgements in date order: every run is judged against the history as of its own start.

An import decodes and judges its files in parallel, each against the history stored *before*
the import, so a whole archive imported at once would judge every run against no history:
no run would be "long", none "much longer than usual" (R4). Once the batch is stored,
:func:`rejudge_since` judges again every stored run that starts after the batch's first
session of the same sport — the batch's own runs, and older imports' runs that an older file
in this batch now precedes — with the stored history, which the analysis reads as of each
run's start (:func:`legday.store.work.summaries_before`). It is a partial ``legday
reanalyze``: the same decoding from the stored originals, the same rows updated in place.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from legday.model import AthleteProfile, RunKind
from legday.settings import Settings

from .blobs import BlobStore
from .db import Database, lock_athlete
from .importer import stored_e1rm, stored_history
from .labels import apply_judgement, labels_of_file
from .schema import ActivityRow, FileRow
from .work import Decoded, WorkItem, decode_shared, init_worker

__all__ = ["rejudge_since", "strava_row_of"]


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
    with db.session() as s:
        rows = s.execute(
            select(ActivityRow.file_id, ActivityRow.sport, ActivityRow.start)
            .where(ActivityRow.athlete_id == athlete_id)
            .order_by(ActivityRow.start, ActivityRow.id)
        ).all()
        files = list(
            dict.fromkeys(
                r.file_id
                for r in rows
                if r.sport in first_start and _utc(r.start) > first_start[r.sport]
            )
        )
        work = [_work_item(s, blobs, file_id) for file_id in files]
        labels = [labels_of_file(s, file_id) for file_id in files]
    if not files:
        return 0
    history = stored_history(db, athlete_id)
    e1rm = stored_e1rm(db, athlete_id)
    updated = 0
    decoded = _decode(work, labels, profile, settings, history, e1rm, workers)
    for file_id, result in zip(files, decoded, strict=True):
        if result.error is not None:
            continue  # it was stored, so it decoded once; keep its first judgement
        try:
            with db.session() as s:
                lock_athlete(s, athlete_id)  # not while another import replaces a copy
                by_index = {
                    r.session_index: r
                    for r in s.scalars(select(ActivityRow).where(ActivityRow.file_id == file_id))
                }
                judged = 0
                for index, item in enumerate(result.activities):
                    row = by_index.get(index)
                    if row is not None:
                        apply_judgement(row, item)
                        judged += 1
        except StaleDataError:
            continue  # another import replaced the session by a richer copy meanwhile
        updated += judged
    return updated


def strava_row_of(row: ActivityRow) -> dict[str, str] | None:
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


def _work_item(s: Any, blobs: BlobStore, file_id: int) -> WorkItem:
    file = s.get(FileRow, file_id)
    first = s.scalar(
        select(ActivityRow)
        .where(ActivityRow.file_id == file_id)
        .order_by(ActivityRow.session_index)
        .limit(1)
    )
    return WorkItem(
        name=file.name,
        data=blobs.get(file.sha256),
        sha256=file.sha256,
        strava=strava_row_of(first) if first is not None else None,
    )


def _decode(
    work: list[WorkItem],
    labels: list[dict[int, RunKind]],
    profile: AthleteProfile,
    settings: Settings,
    history: list[dict[str, Any]],
    e1rm: dict[str, float],
    workers: int,
) -> Iterator[Decoded]:
    shared = (profile, settings, history, e1rm)
    if workers <= 1 or len(work) <= 2:
        init_worker(*shared)
        yield from map(decode_shared, work, labels)
        return
    # The history (one entry per stored session) goes to each worker once, not with each file.
    with ProcessPoolExecutor(max_workers=workers, initializer=init_worker, initargs=shared) as pool:
        yield from pool.map(decode_shared, work, labels, chunksize=4)


def _utc(value: datetime) -> datetime:
    from datetime import UTC

    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
