"""The import's worker side: bytes in, decoded, analysed and judged sessions out.

:func:`decode_item` runs in a worker process; everything it takes and returns is picklable, and
it never raises: a :class:`LegdayError` becomes ``Decoded.error`` naming the file.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from legday.errors import LegdayError, OnError, UnsupportedFileError
from legday.model import Activity, AthleteProfile, ExerciseSet, StrengthSession
from legday.settings import Settings

__all__ = [
    "Decoded",
    "DecodedActivity",
    "DecodedStrength",
    "WorkItem",
    "decode_item",
    "strength_fingerprint",
]


@dataclass(frozen=True)
class WorkItem:
    name: str
    data: bytes
    sha256: str


@dataclass
class DecodedActivity:
    activity: Activity
    analysis: dict[str, Any] | None = None
    verdict: dict[str, Any] | None = None
    strength_verdict: dict[str, Any] | None = None
    kind: str | None = None
    category: str | None = None
    counts_as_leg_day: bool = False
    trimp: float | None = None


@dataclass
class DecodedStrength:
    session: StrengthSession
    fingerprint: str
    verdict: dict[str, Any] | None = None


@dataclass
class Decoded:
    name: str
    sha256: str
    data: bytes
    format: str = "unknown"
    kind: Literal["activity", "strength_log"] | None = None
    activities: list[DecodedActivity] = field(default_factory=list)
    strength: list[DecodedStrength] = field(default_factory=list)
    skipped_rows: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


def strength_fingerprint(start: datetime, sets: tuple[ExerciseSet, ...]) -> str:
    """A session's identity across exports: its start minute and what was lifted."""
    h = hashlib.sha256(start.strftime("%Y-%m-%dT%H:%M").encode())
    for s in sets:
        h.update(f"|{s.raw_name or s.exercise}:{s.reps}:{s.load_kg}:{s.duration_s}".encode())
    return h.hexdigest()


def _looks_like_csv(head: bytes) -> bool:
    first = head.split(b"\n", 1)[0].lstrip(b"\xef\xbb\xbf").lower()
    return b"exercise" in first and (b"," in first or b";" in first)


def decode_item(
    item: WorkItem,
    profile: AthleteProfile,
    settings: Settings,
    history: list[dict[str, Any]],
) -> Decoded:
    """Decode one file; analyse and judge every session in it."""
    out = Decoded(name=item.name, sha256=item.sha256, data=item.data)
    try:
        if _looks_like_csv(item.data[:4096]):
            _decode_strength_csv(out, profile, settings)
        else:
            _decode_activity(out, profile, settings, history)
    except LegdayError as exc:
        out.error = str(exc)
    return out


def _decode_strength_csv(out: Decoded, profile: AthleteProfile, settings: Settings) -> None:
    from legday.io.strength_csv import read_strength_csv

    result = read_strength_csv(io.BytesIO(out.data), name=out.name, profile_tz=profile.time_zone)
    out.kind = "strength_log"
    out.format = f"{result.format}_csv"
    out.skipped_rows = len(result.skipped_rows)
    out.warnings.extend(result.warnings)
    for session in result.sessions:
        out.strength.append(
            DecodedStrength(
                session=session,
                fingerprint=strength_fingerprint(session.start, session.sets),
                verdict=_judge_strength(session, settings),
            )
        )


def _decode_activity(
    out: Decoded, profile: AthleteProfile, settings: Settings, history: list[dict[str, Any]]
) -> None:
    from legday.io.reader import read_all

    activities = read_all(
        io.BytesIO(out.data), name=out.name, on_error=OnError.WARN, profile_tz=profile.time_zone
    )
    if not activities:
        raise UnsupportedFileError("no activity in the file", path=out.name)
    out.kind = "activity"
    first = activities[0]
    out.format = first.source.format if first.source else "unknown"
    for activity in activities:
        out.warnings.extend(activity.warnings)
        out.activities.append(_analyse(activity, profile, settings, history))


def _analyse(
    activity: Activity, profile: AthleteProfile, settings: Settings, history: list[dict[str, Any]]
) -> DecodedActivity:
    """Analysis and verdict for one activity (filled in as those layers land)."""
    return DecodedActivity(activity=activity)


def _judge_strength(session: StrengthSession, settings: Settings) -> dict[str, Any] | None:
    return None
