"""The library: one athlete's stored history and every question asked of it.

The CLI and the web dashboard are thin faces over this class; neither holds logic the other
lacks. It is built from explicit parts (database, blob store, profile, settings, clock), so
tests run it in-process with no real user data and no real clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from legday.errors import NotFoundError
from legday.home import Home
from legday.model import AthleteProfile
from legday.settings import Settings
from legday.week.check import TREND_DAYS, SessionFacts, WeekReport, check_week_of, week_start

from .blobs import BlobStore
from .db import Database, open_database
from .facts import activity_facts, strength_facts
from .importer import Importer, ImportSummary
from .schema import ActivityRow, AthleteRow, StrengthSessionRow

__all__ = ["Library"]

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Library:
    db: Database
    blobs: BlobStore
    profile: AthleteProfile
    settings: Settings
    athlete: str = "default"
    clock: Clock = _utc_now

    @classmethod
    def open(cls, home: Home, db_url: str | None = None, *, clock: Clock = _utc_now) -> Library:
        return cls(
            db=open_database(home.db_url(db_url)),
            blobs=BlobStore(home.path / "originals"),
            profile=home.profile(),
            settings=home.settings(),
            clock=clock,
        )

    def close(self) -> None:
        self.db.dispose()

    # -- import ---------------------------------------------------------------------------------
    def import_paths(
        self,
        paths: Iterable[str | Path],
        *,
        workers: int | None = None,
        progress: Callable[[int, int, str], None] | None = None,
    ) -> ImportSummary:
        importer = Importer(
            self.db,
            self.blobs,
            profile=self.profile,
            settings=self.settings,
            athlete=self.athlete,
            workers=workers,
        )
        return importer.run(paths, progress=progress)

    # -- queries --------------------------------------------------------------------------------
    def _athlete_id(self) -> int | None:
        with self.db.session() as s:
            return s.scalar(select(AthleteRow.id).where(AthleteRow.name == self.athlete))

    def today(self) -> date:
        """Today in the athlete's time zone."""
        from zoneinfo import ZoneInfo

        return self.clock().astimezone(ZoneInfo(self.profile.time_zone)).date()

    def session_facts(self, first: date, last: date) -> list[SessionFacts]:
        """Every session whose local date is in ``[first, last]``, reduced for the week."""
        athlete_id = self._athlete_id()
        if athlete_id is None:
            return []
        lo = datetime(first.year, first.month, first.day, tzinfo=UTC) - timedelta(days=1)
        hi = datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=2)
        with self.db.session() as s:
            acts = s.execute(
                select(
                    ActivityRow.id,
                    ActivityRow.start,
                    ActivityRow.utc_offset_s,
                    ActivityRow.sport,
                    ActivityRow.duration_s,
                    ActivityRow.kind,
                    ActivityRow.category,
                    ActivityRow.counts_as_leg_day,
                    ActivityRow.trimp,
                    ActivityRow.analysis,
                    ActivityRow.verdict,
                ).where(
                    ActivityRow.athlete_id == athlete_id,
                    ActivityRow.start >= lo,
                    ActivityRow.start < hi,
                )
            ).all()
            lifts = list(
                s.scalars(
                    select(StrengthSessionRow).where(
                        StrengthSessionRow.athlete_id == athlete_id,
                        StrengthSessionRow.start >= lo,
                        StrengthSessionRow.start < hi,
                        StrengthSessionRow.activity_id.is_(None),
                    )
                )
            )
            facts = [activity_facts(row, self.profile) for row in acts]
            facts += [strength_facts(row, self.profile, self.settings) for row in lifts]
        return [f for f in facts if first <= f.local_start.date() <= last]

    def week(self, day: date | None = None) -> WeekReport:
        """The week check for the Monday-to-Sunday week holding ``day`` (default: today)."""
        day = day or self.today()
        monday = week_start(day)
        facts = self.session_facts(monday - timedelta(days=TREND_DAYS), monday + timedelta(days=8))
        return check_week_of(day, facts, self.settings)

    def activity(self, activity_id: int) -> dict[str, Any]:
        with self.db.session() as s:
            row = s.get(ActivityRow, activity_id)
            if row is None:
                raise NotFoundError(f"no activity with id {activity_id}")
            return {
                "id": row.id,
                "sport": row.sport,
                "start": row.start.isoformat(),
                "name": row.name,
                "kind": row.kind,
                "analysis": row.analysis,
                "verdict": row.verdict,
            }
