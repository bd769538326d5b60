"""``legday reanalyze``: recompute every stored result from the original files.

When the analysis or the verdict improves, stored results go stale. The original bytes of
every imported file are kept in the blob store, so each activity is decoded and judged again,
oldest first (so "long" and "overload" see the same history an import would), and its row is
updated in place; strength sessions are judged again from their stored sets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from .importer import stored_e1rm
from .schema import ActivityRow, FileRow, SegmentRow, StrengthSessionRow
from .work import WorkItem, decode_item

if TYPE_CHECKING:
    from .library import Library

__all__ = ["reanalyze_all"]


def reanalyze_all(lib: Library, progress: Callable[[int, int, str], None] | None = None) -> int:
    """Re-run analysis and verdict on every stored session; returns how many were updated."""
    from legday.assessment import verdict_payload
    from legday.stimulus import judge_strength
    from legday.strength import E1rmTracker, load_catalog

    from .convert import session_from_row

    athlete_id = lib._athlete_id()
    if athlete_id is None:
        return 0
    with lib.db.session() as s:
        files = s.execute(
            select(FileRow.id, FileRow.sha256, FileRow.name)
            .join(ActivityRow, ActivityRow.file_id == FileRow.id)
            .where(ActivityRow.athlete_id == athlete_id)
            .group_by(FileRow.id, FileRow.sha256, FileRow.name)
            .order_by(
                select(ActivityRow.start)
                .where(ActivityRow.file_id == FileRow.id)
                .limit(1)
                .scalar_subquery()
            )
        ).all()
    history: list[dict[str, Any]] = []
    e1rm = stored_e1rm(lib.db, athlete_id)
    updated = 0
    total = len(files)
    for done, (file_id, digest, name) in enumerate(files, 1):
        decoded = decode_item(
            WorkItem(name=name, data=lib.blobs.get(digest), sha256=digest),
            lib.profile,
            lib.settings,
            history,
            e1rm,
        )
        with lib.db.session() as s:
            rows = {
                r.session_index: r
                for r in s.scalars(select(ActivityRow).where(ActivityRow.file_id == file_id))
            }
            for index, item in enumerate(decoded.activities):
                row = rows.get(index)
                if row is None:
                    continue
                row.analysis = item.analysis
                row.verdict = item.verdict
                row.kind = item.kind
                row.category = item.category
                row.counts_as_leg_day = item.counts_as_leg_day
                row.trimp = item.trimp
                row.max_hr = item.max_hr
                row.segments = [
                    SegmentRow(index=i, start_s=g["start_s"], end_s=g["end_s"], role=g["role"])
                    for i, g in enumerate((item.analysis or {}).get("segments", []))
                ]
                updated += 1
                history.append(
                    {
                        "start": item.activity.start,
                        "duration_s": item.activity.duration_s,
                        "distance_m": item.activity.distance_m,
                        "kind": item.kind,
                        "sport": item.activity.sport,
                        "max_hr": item.max_hr,
                    }
                )
        if progress:
            progress(done, total, name)
    catalog = load_catalog()
    tracker = E1rmTracker()
    with lib.db.session() as s:
        for lift in s.scalars(
            select(StrengthSessionRow)
            .where(
                StrengthSessionRow.athlete_id == athlete_id,
                StrengthSessionRow.activity_id.is_(None),
            )
            .order_by(StrengthSessionRow.start)
        ):
            session = session_from_row(lift)
            verdict = judge_strength(session, catalog, lib.settings, tracker.update(session.sets))
            lift.verdict = verdict_payload(verdict, lib.profile.units)
            lift.category = verdict.category
            lift.counts_as_leg_day = verdict.counts_as_leg_day
            updated += 1
    return updated
