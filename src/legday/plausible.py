"""What legday takes as a real value: dates, loads and repetitions a person could have logged.

A value outside these bounds is a typo, a garbled cell or a hostile file (issue 16: a set of
1e308 kg made e1RM print "inf"; a log dated in the year 1 or 9999 overflowed the calendar). Each
check returns a sentence saying what is wrong, or None; the caller names the row, the entry or
the key and raises its own error (a skipped CSV row, a :class:`~legday.errors.LogSyntaxError`
with a caret, a :class:`~legday.errors.OutOfRangeError`). Pure: no I/O.
"""

from __future__ import annotations

import math
from datetime import date, datetime

__all__ = [
    "MAX_LOAD_KG",
    "MAX_YEAR",
    "MIN_LOAD_KG",
    "MIN_YEAR",
    "implausible_date",
    "implausible_load",
    "implausible_reps",
]

#: Earliest year of a session or a date legday takes (no wearable or lifting app predates it;
#: a year outside 1900–2100 is a typo or garbage, and near 1 or 9999 the calendar overflows).
MIN_YEAR: int = 1900
#: Latest such year.
MAX_YEAR: int = 2100
#: Heaviest external load accepted, kg: above every raw world record (a 501 kg deadlift,
#: Björnsson 2020; the heaviest leg press loads logged in apps stay well under it).
MAX_LOAD_KG: float = 1000.0
#: Lightest non-zero load accepted, kg: the lightest fractional plates weigh 0.125 kg (¼ lb is
#: 0.113 kg). Zero is a bodyweight set; anything between is a garbled cell (1e-320 kg).
MIN_LOAD_KG: float = 0.1


def implausible_date(when: date | datetime) -> str | None:
    """Why ``when`` is not a date a session could have, or None when it is fine."""
    if MIN_YEAR <= when.year <= MAX_YEAR:
        return None
    return f"the year {when.year} is outside {MIN_YEAR}–{MAX_YEAR}"


def implausible_load(load_kg: float | None) -> str | None:
    """Why ``load_kg`` is not a load a person lifted, or None (no load, zero, or plausible)."""
    if load_kg is None or load_kg == 0:
        return None
    if not math.isfinite(load_kg):
        return f"a load of {load_kg} kg is not a number"
    if load_kg < 0:
        return f"a negative load ({load_kg:g} kg)"
    if load_kg < MIN_LOAD_KG:
        return f"a load of {load_kg:g} kg is implausibly low (below {MIN_LOAD_KG:g} kg)"
    if load_kg > MAX_LOAD_KG:
        return f"a load of {load_kg:g} kg is implausibly high (above {MAX_LOAD_KG:g} kg)"
    return None


def implausible_reps(reps: float | None, most: int) -> str | None:
    """Why ``reps`` is not a count of repetitions, or None (no count, or 0–``most`` whole)."""
    if reps is None:
        return None
    if not math.isfinite(reps) or reps != int(reps):
        return f"{reps:g} reps is not a whole number"
    if reps < 0:
        return f"negative reps ({reps:g})"
    if reps > most:
        return f"{reps:g} reps in one set (more than {most:,})"
    return None
