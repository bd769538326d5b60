"""Stored rows reduced to the facts the week check needs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from legday.model import AthleteProfile, ExerciseSet, SetType
from legday.settings import Settings
from legday.week.check import SessionFacts

__all__ = ["activity_facts", "local_time", "strength_coverage", "strength_facts"]

#: FIT sports that are runs for the week rules.
RUN_SPORTS = frozenset({"running", "trail_running", "treadmill_running"})
#: Categories of the verdict that mark a strength session.
STRENGTH_CATEGORIES = frozenset({"strength"})


def local_time(start: datetime, utc_offset_s: int | None, profile: AthleteProfile) -> datetime:
    """Naive local wall-clock time: the file's own offset, else the profile's time zone."""
    start = start if start.tzinfo else start.replace(tzinfo=UTC)
    if utc_offset_s is not None:
        return (start + timedelta(seconds=utc_offset_s)).replace(tzinfo=None)
    from zoneinfo import ZoneInfo

    return start.astimezone(ZoneInfo(profile.time_zone)).replace(tzinfo=None)


def _muscles(verdict: dict[str, Any] | None) -> dict[str, float]:
    stim = ((verdict or {}).get("verdict") or {}).get("stimulus") or {}
    muscles = stim.get("muscles") or {}
    return {k: float(v) for k, v in muscles.items()}


def _strength_muscles(verdict: dict[str, Any] | None) -> dict[str, float]:
    """The strength layer of a stored stimulus. A verdict stored before the layers existed
    gives its whole load to the strength layer for lifting and none for anything else, until
    ``legday reanalyze`` splits it."""
    v = (verdict or {}).get("verdict") or {}
    layers = (v.get("stimulus") or {}).get("layers")
    if isinstance(layers, dict) and isinstance(layers.get("strength"), dict):
        return {k: float(x) for k, x in layers["strength"].items()}
    return _muscles(verdict) if v.get("category") == "strength" else {}


def _strength_load(verdict: dict[str, Any] | None) -> float:
    stim = ((verdict or {}).get("verdict") or {}).get("stimulus") or {}
    return float(stim.get("strength") or 0.0)


def activity_facts(row: Any, profile: AthleteProfile) -> SessionFacts:
    """An activity row (the columns selected by :meth:`Library.session_facts`)."""
    analysis = row.analysis or {}
    hr = analysis.get("hr") or {}
    is_run = row.sport in RUN_SPORTS
    category = row.category
    type_: Literal["run", "strength", "other"] = (
        "run" if is_run else ("strength" if category in STRENGTH_CATEGORIES else "other")
    )
    return SessionFacts(
        id=row.id,
        local_start=local_time(row.start, row.utc_offset_s, profile),
        type=type_,
        minutes=(row.duration_s or 0.0) / 60.0,
        kind=row.kind if is_run else None,
        category=category,
        counts_as_leg_day=bool(row.counts_as_leg_day),
        lower_body=bool(row.counts_as_leg_day),
        cardio_band_s=float(hr.get("cardio_band_s") or 0.0),
        above_band_s=float(hr.get("above_band_s") or 0.0),
        trimp=float(row.trimp or 0.0),
        strength_load=_strength_load(row.verdict),
        overload=bool(analysis.get("overload", False)),
        sport=row.sport,
        muscles=_muscles(row.verdict),
        strength_muscles=_strength_muscles(row.verdict),
        distance_km=row.distance_m / 1000.0 if is_run and row.distance_m else None,
    )


def strength_coverage(sets: list[ExerciseSet], settings: Settings) -> tuple[frozenset[str], bool]:
    """Which of R9's items the sets cover, and whether they hold hard lower-body work."""
    from legday.strength import is_hard_set, load_catalog

    catalog = load_catalog()
    covered: set[str] = set()
    lower = False
    for s in sets:
        if s.set_type == SetType.WARMUP:
            continue
        ex = catalog.find(s.exercise) if s.mapped else None
        if ex is None:
            continue
        covered.add(ex.mechanic)
        if ex.region == "lower" and ex.unilateral:
            covered.add("single_leg")
        if ex.region == "core":
            covered.add("core")
        if ex.region == "upper":
            covered.add("upper")
        if ex.region == "lower" and is_hard_set(s, settings):
            lower = True
    return frozenset(covered), lower


def strength_facts(
    row: Any,
    profile: AthleteProfile,
    settings: Settings,
    sets: Sequence[ExerciseSet] | None = None,
) -> SessionFacts:
    """A strength session's row (a :class:`StrengthSessionRow`, or its columns with ``sets``
    read apart)."""
    if sets is None:
        from .convert import set_from_row  # the ORM's rows (convert loads SQLAlchemy)

        sets = [set_from_row(r) for r in row.sets]
    sets = list(sets)
    coverage, lower = strength_coverage(sets, settings)
    return SessionFacts(
        id=f"s{row.id}",
        local_start=local_time(row.start, row.utc_offset_s, profile),
        type="strength",
        minutes=(row.duration_s or 0.0) / 60.0,
        category=row.category or "strength",
        counts_as_leg_day=bool(row.counts_as_leg_day),
        lower_body=lower,
        coverage=coverage,
        strength_load=_strength_load(row.verdict),
        muscles=_muscles(row.verdict),
        strength_muscles=_strength_muscles(row.verdict),
    )
