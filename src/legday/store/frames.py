"""The library for a notebook: ``legday.open(home_or_url)`` and the stored history as model
objects or as pandas and polars frames.

:class:`AnalystLibrary` is the :class:`~legday.store.library.Library` the CLI and the dashboard
use (``week()``, ``plan()``, ``strength_report()``… all work), plus what an analyst loads:

* :meth:`~AnalystLibrary.session_list` and :meth:`~AnalystLibrary.sessions_frame`: every
  stored session, runs and lifts together;
* :meth:`~AnalystLibrary.load_activity`: a stored activity back as an
  :class:`~legday.model.Activity` (samples included; ``.to_pandas()`` and ``.to_polars()``);
* :meth:`~AnalystLibrary.results_frame`: each activity's analysis and verdict, one row each;
* :meth:`~AnalystLibrary.sets_frame`: every lifting set.

Frames are indexed (pandas) or led (polars) by a time-zone-aware time in the athlete's time
zone. pandas and polars are optional, imported when a frame is first asked for.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select

from legday.errors import NotFoundError
from legday.model import Activity, Lap, Source, _optional

from .browse import SessionFilter, SessionRow
from .library import Library
from .samples import unpack_samples
from .schema import ActivityRow

__all__ = ["AnalystLibrary", "open_library"]

Frame = Literal["pandas", "polars"]


@dataclass
class AnalystLibrary(Library):
    """One athlete's stored history, for a notebook (see the module's docstring)."""

    def __enter__(self) -> AnalystLibrary:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def session_list(self, where: SessionFilter | None = None) -> list[SessionRow]:
        """Every stored session matching ``where`` (all by default), oldest first; a watch's
        strength workout once, as its sets. ``id`` is an activity's id or ``"s<id>"``."""
        return list(self._all_sessions(where or SessionFilter()))

    def _all_sessions(self, where: SessionFilter) -> Iterator[SessionRow]:
        from .browse import MAX_PAGE_SIZE

        offset = 0
        while True:
            page = self.sessions(where, offset=offset, limit=MAX_PAGE_SIZE, oldest_first=True)
            yield from page.rows
            offset += len(page.rows)
            if not page.rows or offset >= page.total:
                return

    def sessions_frame(self, where: SessionFilter | None = None, *, kind: Frame = "pandas") -> Any:
        """:meth:`session_list` as a frame: one row per session, by its local start."""
        rows = [
            {
                "start": r.local_start,
                "id": str(r.id),
                "type": r.type,
                "name": r.name,
                "sport": r.sport,
                "kind": r.kind,
                "category": r.category,
                "counts_as_leg_day": r.counts_as_leg_day,
                "duration_s": r.duration_s,
                "distance_m": r.distance_m,
            }
            for r in self.session_list(where)
        ]
        return self._frame(rows, "start", kind)

    def load_activity(self, activity_id: int) -> Activity:
        """A stored activity as an :class:`Activity`: its samples, laps and facts as stored.
        Raises :class:`~legday.errors.NotFoundError` for an unknown id."""
        with self.db.session() as s:
            row = s.get(ActivityRow, activity_id)
            if row is None or row.athlete_id != self._athlete_id():
                raise NotFoundError(f"no activity with id {activity_id}")
            start = row.start if row.start.tzinfo else row.start.replace(tzinfo=UTC)
            return Activity(
                sport=row.sport,
                start=start.astimezone(UTC),
                samples=unpack_samples(row.samples),
                sub_sport=row.sub_sport,
                utc_offset_s=row.utc_offset_s,
                device=row.device,
                source=Source(format=row.source_format),
                laps=tuple(
                    Lap(
                        start=lap.start,
                        end=lap.end,
                        intensity=lap.intensity,
                        trigger=lap.trigger,
                        wkt_step_index=lap.wkt_step_index,
                        total_distance_m=lap.total_distance_m,
                        total_timer_s=lap.total_timer_s,
                    )
                    for lap in row.laps
                ),
                name=row.name,
                description=row.description,
                metadata=dict(row.meta or {}),
            )

    def samples_frame(self, activity_id: int, *, kind: Frame = "pandas") -> Any:
        """A stored activity's samples as a frame, in the athlete's time zone."""
        activity = self.load_activity(activity_id)
        if kind == "polars":
            return activity.to_polars(self.profile.time_zone)
        return activity.to_pandas(self.profile.time_zone)

    def results_frame(self, *, kind: Frame = "pandas") -> Any:
        """Each stored activity's analysis and verdict, one row per activity by its start:
        the effective kind (the runner's label, else the analysed one), the analysed kind,
        distance, moving time, ascent, TRIMP, the verdict's category, whether it counts as a
        leg day, and its headline."""
        with self.db.session() as s:
            rows = s.execute(
                select(
                    ActivityRow.id,
                    ActivityRow.start,
                    ActivityRow.sport,
                    ActivityRow.kind,
                    ActivityRow.category,
                    ActivityRow.counts_as_leg_day,
                    ActivityRow.duration_s,
                    ActivityRow.distance_m,
                    ActivityRow.trimp,
                    ActivityRow.analysis,
                    ActivityRow.verdict,
                )
                .where(ActivityRow.athlete_id == self._athlete_subquery())
                .order_by(ActivityRow.start)
            ).all()
        out = []
        for r in rows:
            analysis = r.analysis or {}
            verdict = (r.verdict or {}).get("verdict") or {}
            out.append(
                {
                    "start": self._local(r.start),
                    "id": r.id,
                    "sport": r.sport,
                    "kind": r.kind,
                    "analysed_kind": analysis.get("kind"),
                    "category": r.category,
                    "counts_as_leg_day": r.counts_as_leg_day,
                    "duration_s": r.duration_s,
                    "moving_s": analysis.get("moving_s"),
                    "distance_m": r.distance_m,
                    "ascent_m": analysis.get("ascent_m"),
                    "trimp": r.trimp,
                    "headline": verdict.get("headline"),
                }
            )
        return self._frame(out, "start", kind)

    def sets_frame(self, *, kind: Frame = "pandas") -> Any:
        """Every stored lifting set, one row each, by its session's local start."""
        rows = [
            {
                "start": self._local(session.start),
                "session": session.name,
                "exercise": s.exercise,
                "set_type": s.set_type.value,
                "reps": s.reps,
                "load_kg": s.load_kg,
                "duration_s": s.duration_s,
                "rir": s.rir,
                "rpe": s.rpe,
                "per_hand": s.per_hand,
            }
            for session in self.strength_sessions()
            for s in session.sets
        ]
        return self._frame(rows, "start", kind)

    # -- helpers --------------------------------------------------------------------------------
    def _athlete_subquery(self) -> Any:
        from .schema import AthleteRow

        if self.access is not None:
            return self.access.athlete_id
        return select(AthleteRow.id).where(AthleteRow.name == self.athlete).scalar_subquery()

    def _local(self, moment: datetime) -> datetime:
        """A stored time as a time-zone-aware time in the athlete's zone."""
        from zoneinfo import ZoneInfo

        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return moment.astimezone(ZoneInfo(self.profile.time_zone))

    def _frame(self, rows: list[dict[str, Any]], time: str, kind: Frame) -> Any:
        """``rows`` as a pandas frame indexed by ``time``, or a polars frame led by it; both
        time-zone aware in the athlete's zone."""
        zone = self.profile.time_zone
        if kind == "polars":
            polars = _optional("polars", "a polars frame")
            frame = polars.DataFrame(rows, infer_schema_length=None)
            if frame.is_empty():
                return frame
            return frame.with_columns(polars.col(time).dt.convert_time_zone(zone))
        if kind != "pandas":
            raise ValueError(f"kind must be 'pandas' or 'polars', not {kind!r}")
        pandas: Any = _optional("pandas", "a pandas frame")
        frame = pandas.DataFrame(rows)
        if frame.empty:
            return frame
        index = pandas.DatetimeIndex(pandas.to_datetime(frame.pop(time), utc=True), name=time)
        return frame.set_index(index.tz_convert(zone))


def open_library(home_or_url: str | Path | None = None, *, athlete: str = "default") -> Any:
    """The stored history of ``home_or_url``: a legday home folder (its database, profile and
    originals), or a database URL (``sqlite:///…``, ``postgresql+psycopg://…``) read with the
    default home's profile; None is the default home (``$LEGDAY_HOME``, else the platform's
    data folder). Close it with ``.close()`` or use it in a ``with`` block."""
    from legday.home import Home

    from .blobs import BlobStore
    from .db import open_database

    text = str(home_or_url) if home_or_url is not None else None
    is_url = text is not None and "://" in text
    home = Home(Path(text).expanduser()) if text is not None and not is_url else Home.resolve()
    return AnalystLibrary(
        db=open_database(home.db_url(text if is_url else None)),
        blobs=BlobStore(home.path / "originals"),
        profile=home.profile(),
        settings=home.settings(),
        athlete=athlete,
    )
