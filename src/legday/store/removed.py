"""A session the user removed stays removed: ``legday import`` skips it.

``legday rm`` keeps what it removes in ``removed_sessions`` (:mod:`legday.store.corrections`).
A later import of a file holding the same session (a newer Strong or Hevy export, the same run
from another source) would store it again, as if the user had never removed it. The importer
asks :class:`RemovedSessions` first: a strength session is the same when its fingerprint is
(start minute and sets, :func:`~legday.store.work.strength_fingerprint`); an activity when its
sport and start match as the importer's own same-session check matches two copies of a run.
The file's report names each one as "skipped: removed by you on <date>".
``legday import --restore-removed`` stores them again instead, and forgets their removal.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .schema import RemovedRow

__all__ = ["Removal", "RemovedSessions"]


@dataclass(frozen=True)
class Removal:
    """One removed session: its id as it was shown, when it started and when it was removed."""

    ident: str
    start: datetime
    removed_at: datetime
    entry: int
    """The ``removed_sessions`` row (forgotten when the session is restored)."""

    def to_dict(self, time_zone: str, action: str) -> dict[str, Any]:
        """What an import's report says of it: ``action`` is "skipped" or "restored"."""
        zone = ZoneInfo(time_zone)
        return {
            "id": self.ident,
            "start": self.start.astimezone(zone).isoformat(timespec="minutes"),
            "removed_on": self.removed_at.astimezone(zone).date().isoformat(),
            "action": action,
        }


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _start(payload: dict[str, Any]) -> datetime | None:
    raw = payload.get("start")
    if isinstance(raw, dict) and "$datetime" in raw:
        return _utc(datetime.fromisoformat(raw["$datetime"]))
    return None


class RemovedSessions:
    """The athlete's removed sessions, read once (an import asks for each session it meets)."""

    def __init__(self, session: Session, athlete_id: int) -> None:
        self.athlete_id = athlete_id
        self._lifts: dict[str, Removal] = {}
        self._runs: list[tuple[str, Removal]] = []
        mine = RemovedRow.athlete_id == athlete_id
        # the fingerprint alone for a strength session: its payload (every set) is not read
        lifts = session.execute(
            select(
                RemovedRow.id, RemovedRow.row_id, RemovedRow.removed_at, RemovedRow.fingerprint
            ).where(mine, RemovedRow.table_name == "strength_sessions")
        ).all()
        for entry, row_id, removed_at, fingerprint in lifts:
            if fingerprint is not None:
                when = _utc(removed_at)
                self._lifts[fingerprint] = Removal(f"s{row_id}", when, when, entry)
        runs = session.execute(
            select(
                RemovedRow.id, RemovedRow.row_id, RemovedRow.removed_at, RemovedRow.payload
            ).where(mine, RemovedRow.table_name == "activities")
        ).all()
        for entry, row_id, removed_at, payload in runs:
            start = _start(payload or {})
            if start is not None:
                removal = Removal(str(row_id), start, _utc(removed_at), entry)
                self._runs.append((str((payload or {}).get("sport")), removal))

    def strength(self, fingerprint: str, start: datetime) -> Removal | None:
        """The removal of the strength session with this fingerprint (which starts at
        ``start``), if it was removed."""
        found = self._lifts.get(fingerprint)
        return None if found is None else replace(found, start=_utc(start))

    def activity(self, sport: str, start: datetime, tolerance_s: float) -> Removal | None:
        """The removal of an activity of ``sport`` (or "generic") that started within
        ``tolerance_s`` of ``start``, if one was removed."""
        for kind, removal in self._runs:
            if kind != sport and "generic" not in (kind, sport):
                continue
            if abs((removal.start - _utc(start)).total_seconds()) <= tolerance_s:
                return removal
        return None

    def forget(self, session: Session, removals: list[Removal]) -> None:
        """The sessions are stored again (``--restore-removed``): their removal is over."""
        entries = [r.entry for r in removals]
        if entries:
            session.execute(delete(RemovedRow).where(RemovedRow.id.in_(entries)))
        gone = set(entries)
        self._lifts = {k: v for k, v in self._lifts.items() if v.entry not in gone}
        self._runs = [(k, v) for k, v in self._runs if v.entry not in gone]
