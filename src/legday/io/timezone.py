"""Offline time-zone lookup: a GPS fix and a date to the local UTC offset.

legday keeps every time stamp in UTC; an activity's ``utc_offset_s`` only says what the local
clock read. The zone comes from the position (``timezonefinder``'s bundled polygons, no network)
and the offset for that zone on that date from the system's IANA database (``zoneinfo``), so
daylight-saving time is right for the day of the activity.

The :class:`timezonefinder.TimezoneFinder` costs about 0.2 s to build, so one instance is made
on first use and kept.
"""

from __future__ import annotations

import math
import threading
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from legday.errors import ConfigError

__all__ = ["offset_in_zone", "utc_offset_for", "zone_at"]

_finder: Any = None
_finder_lock = threading.Lock()


def _get_finder() -> Any:
    global _finder
    if _finder is None:
        with _finder_lock:
            if _finder is None:
                from timezonefinder import TimezoneFinder

                # In memory: no file handle stays open for the life of the process (the
                # file-backed mode leaves one that warns at exit).
                _finder = TimezoneFinder(in_memory=True)
    return _finder


def zone_at(lat: float, lon: float) -> str | None:
    """The IANA zone name at a position (``Etc/GMT±n`` at sea), None for an impossible fix."""
    if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
        return None
    if lat == 0.0 and lon == 0.0:  # "null island": a device's placeholder, not a fix
        return None
    name = _get_finder().timezone_at(lng=lon, lat=lat)
    return str(name) if name else None


def utc_offset_for(lat: float, lon: float, when: datetime) -> int | None:
    """Local time minus UTC, in seconds, at a position on a date; None when unknown.

    ``when`` must be timezone-aware (it is an instant, not a wall-clock time).
    """
    name = zone_at(lat, lon)
    if name is None:
        return None
    try:
        return offset_in_zone(name, when)
    except ConfigError:
        return None


def offset_in_zone(tz: str, when: datetime) -> int:
    """Local time minus UTC, in seconds, in the IANA zone ``tz`` at the instant ``when``.

    Raises :class:`ConfigError` for an unknown zone name or a naive ``when``.
    """
    if when.tzinfo is None:
        raise ConfigError(f"offset_in_zone needs a timezone-aware instant, got {when!r}")
    offset = when.astimezone(_zone(tz)).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


@lru_cache(maxsize=64)
def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"unknown time zone {tz!r} (use an IANA name such as Europe/Berlin)"
        ) from exc
