"""``legday reanalyze``: recompute every stored result from the original files.

When the analysis or the verdict improves, stored results go stale. The original bytes of
every imported file are kept in the blob store, so each activity is decoded and judged again,
oldest first (so "long" and "overload" see the same history an import would), and its row is
updated in place; strength sessions are judged again from their stored sets. A run the runner
labelled (``legday label``) is judged as the runner's kind again: the label survives.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from .importer import stored_e1rm
from .labels import apply_judgement, labels_of_file
from .records import fill_best_efforts
from .schema import ActivityRow, FileRow, StrengthSessionRow
from .work import SortedHistory, WorkItem, decode_item

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
            .order_by(func.min(ActivityRow.start), FileRow.id)
        ).all()
    history = SortedHistory([])  # each run's earlier ones by bisection, not a scan
    e1rm = stored_e1rm(lib.db, athlete_id)
    updated = 0
    total = len(files)
    for done, (file_id, digest, name) in enumerate(files, 1):
        with lib.db.session() as s:
            labels = labels_of_file(s, file_id)
        decoded = decode_item(
            WorkItem(name=name, data=lib.blobs.get(digest), sha256=digest),
            lib.profile,
            lib.settings,
            history,
            e1rm,
            labels,
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
                apply_judgement(row, item)
                updated += 1
                history.append(
                    {
                        "start": item.activity.start,
                        "duration_s": item.activity.duration_s,
                        "distance_m": item.activity.distance_m,
                        "kind": item.kind,
                        "sport": item.activity.sport,
                        "max_hr": item.max_hr,
                        "effort_hr": item.effort_hr,
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
    fill_best_efforts(lib.db, athlete_id, again=True)  # records (store/records.py)
    return updated
