"""iCalendar export of a plan: one event per strength session, the exercises in its description.

Built with the ``icalendar`` library (RFC 5545). Times are the athlete's local wall-clock time:
floating (no zone) by default, or in ``time_zone`` (an IANA name, with its VTIMEZONE). The
output is deterministic — the event ids come from the week and day, and ``DTSTAMP`` (required
by RFC 5545) is the plan's Monday at 00:00 UTC, since the core never reads the clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from legday.errors import ConfigError

from .result import Block, Plan

__all__ = ["PRODID", "to_ics"]

#: The calendar's product identifier (RFC 5545 §3.7.3).
PRODID: str = "-//legday//strength plan//EN"


def _zone(name: str | None) -> ZoneInfo | None:
    if name is None:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"not a known time zone: {name!r}") from None


def to_ics(
    plan: Plan | Block, *, start_hour: float | None = None, time_zone: str | None = None
) -> bytes:
    """The plan (or every week of a block) as an iCalendar file.

    Each strength session starts at ``start_hour`` (local, e.g. 18.5 = 18:30), by default at
    the hour the plan was checked with, and lasts its planned minutes. Raises
    :class:`ConfigError` for an hour outside 0–24 or an unknown time zone.
    """
    if start_hour is not None and not 0 <= start_hour < 24:
        raise ConfigError(f"start_hour must be between 0 and 24, got {start_hour}")
    tz = _zone(time_zone)
    plans = plan.plans if isinstance(plan, Block) else (plan,)
    from icalendar import Calendar, Event  # here: `legday plan` without --ics never needs it

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    for week in plans:
        stamp = datetime.combine(week.monday, time(0), tzinfo=UTC)
        for day, session in week.strength_sessions:
            hour = session.hour if start_hour is None else start_hour
            start = datetime.combine(day.date, time(0), tzinfo=tz) + timedelta(hours=hour)
            event = Event()
            event.add("uid", f"{week.week}-{day.weekday}-strength@legday")
            event.add("dtstamp", stamp)
            event.add("dtstart", start)
            event.add("dtend", start + timedelta(minutes=session.minutes))
            focus = (session.focus or "strength").replace("_", " + ")
            event.add("summary", f"Strength: {focus} ({session.minutes} min)")
            lines = [session.why, "", *(f"- {e.line()}" for e in session.exercises)]
            event.add("description", "\n".join(lines))
            event.add("categories", ["legday", "strength"])
            cal.add_component(event)
    if tz is not None:
        cal.add_missing_timezones()
    return bytes(cal.to_ical())
