"""Values as workout-app CSV exports write them: numbers with decimal commas, units, durations
like ``2h 18m``, and local wall-clock date-times in several spellings.

Every function raises :class:`BadValue` (a :class:`ValueError`) with a readable message for a
value it cannot read; the reader turns that into a skipped row or a typed error with the line.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

__all__ = [
    "METRES_PER_UNIT",
    "MONTHS",
    "BadValue",
    "local_to_utc",
    "parse_duration",
    "parse_number",
    "unit_name",
]


class BadValue(ValueError):
    """A value in an export that cannot be read."""


#: Metres per unit of distance found in exports (statute mile exact by definition).
METRES_PER_UNIT: dict[str, float] = {"km": 1000.0, "mi": 1609.344, "miles": 1609.344, "m": 1.0}
#: Month names in Hevy dates ("30 Jan 2025, 12:34"); English, as Hevy writes them.
MONTHS: dict[str, int] = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}

#: The date-time spellings seen in Strong and Hevy exports: ISO, US m/d/y, German d.m.y and
#: "30 Jan 2025"; 24- or 12-hour time (AM/PM, also after a narrow no-break space); optional offset.
#: Blank space is matched possessively (``\s*+``), here and in :data:`_DURATION_RE`: runs of it
#: between optional parts were otherwise split every way (cubic time on a cell of spaces).
_DATETIME_RE = re.compile(
    r"\s*+(?P<date>\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}\.\d{1,2}\.\d{4}"
    r"|\d{1,2}\s++[A-Za-z]{3,9}\.?\s++\d{4})"
    r"[,T\s]++(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?"
    r"\s*+(?P<ampm>[AaPp]\.?\s?[Mm]\.?)?\s*+(?P<tz>Z|[+-]\d{2}:?\d{2})?\s*+"
)
#: Strong durations: ``2h 18m``, ``35m``, ``45s`` and combinations.
_DURATION_RE = re.compile(
    r"\s*+(?:(?P<h>\d+)\s*+h)?\s*+(?:(?P<m>\d+)\s*+m(?:in)?)?\s*+(?:(?P<s>\d+)\s*+s)?\s*+",
    re.IGNORECASE,
)


def parse_number(text: str, what: str) -> float | None:
    """A number, or None for an empty cell; a lone decimal comma is read as a point."""
    value = text.strip()
    if not value:
        return None
    if "," in value and "." not in value:
        value = value.replace(",", ".")
    try:
        number = float(value)
    except ValueError:
        raise BadValue(f"cannot read {what} {text!r}") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise BadValue(f"cannot read {what} {text!r}")
    return number


def unit_name(text: str, what: str, default: str | None) -> str:
    """The canonical unit for a header or cell; ``default`` for an empty cell."""
    unit = text.strip().lower().rstrip(".")
    if not unit and default is not None:
        return default
    if what == "weight":
        if unit in ("kg", "kgs", "kilograms"):
            return "kg"
        if unit in ("lb", "lbs", "pounds"):
            return "lb"
    elif unit in ("km", "kilometers", "kilometres"):
        return "km"
    elif unit in ("mi", "mile", "miles"):
        return "mi"
    elif unit in ("m", "meters", "metres"):
        return "m"
    raise BadValue(f"unknown {what} unit {text!r}")


def parse_duration(text: str) -> float | None:
    """Seconds from ``2h 18m``, ``35m``, ``45s``, ``1:02:03`` or plain seconds; None if empty or
    unreadable."""
    value = text.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    if re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", value):
        parts = [int(p) for p in value.split(":")]
        while len(parts) < 3:
            parts.insert(0, 0)
        return float(parts[0] * 3600 + parts[1] * 60 + parts[2])
    m = _DURATION_RE.fullmatch(value)
    if m is None or not any(m.groups()):
        return None
    h, mi, s = (int(g) if g else 0 for g in m.group("h", "m", "s"))
    return float(h * 3600 + mi * 60 + s)


def local_to_utc(text: str, tz: ZoneInfo) -> tuple[datetime, int]:
    """Parse a local wall-clock time (or one with an offset) → (UTC datetime, offset s)."""
    m = _DATETIME_RE.fullmatch(text)
    if m is None:
        raise BadValue(f"cannot read the date {text!r}")
    year, month, day = _date_parts(m.group("date"))
    hour = int(m.group("h"))
    ampm = m.group("ampm")
    if ampm is not None:
        if not 1 <= hour <= 12:
            raise BadValue(f"bad 12-hour time in {text!r}")
        hour = hour % 12 + (12 if ampm.lower().startswith("p") else 0)
    try:
        naive = datetime(year, month, day, hour, int(m.group("mi")), int(m.group("s") or 0))
    except ValueError as exc:
        raise BadValue(f"cannot read the date {text!r}: {exc}") from None
    zone = m.group("tz")
    local = naive.replace(tzinfo=_fixed(zone) if zone else tz)
    offset = local.utcoffset()
    seconds = int(offset.total_seconds()) if offset is not None else 0
    try:
        return local.astimezone(UTC), seconds
    except OverflowError:  # 0001-01-01 east of UTC, 9999-12-31 west of it
        raise BadValue(f"the date {text!r} is out of range in UTC") from None


def _fixed(zone: str) -> timezone:
    if zone == "Z":
        return UTC
    sign = -1 if zone.startswith("-") else 1
    digits = zone[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _date_parts(text: str) -> tuple[int, int, int]:
    if "-" in text:
        y, mo, d = (int(p) for p in text.split("-"))
        return y, mo, d
    if "/" in text:  # Strong US exports: month/day/year
        mo, d, y = (int(p) for p in text.split("/"))
        return y, mo, d
    if "." in text and text.count(".") == 2 and text.replace(".", "").isdigit():
        d, mo, y = (int(p) for p in text.split("."))
        return y, mo, d
    day, month, year = text.replace(".", "").split()
    number = MONTHS.get(month[:3].lower())
    if number is None:
        raise BadValue(f"unknown month {month!r}")
    return int(year), number, int(day)
