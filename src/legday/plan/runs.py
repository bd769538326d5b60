"""The week's runs, the planner's fixed input: parsed from text or inferred from history (pure).

A run week is a ``dict`` from weekday key (``mon`` … ``sun``) to run kind; a day missing from it
is a rest day. The kinds are the ones the analysis assigns (DOMAIN.md, "What legday says about a
session").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from legday.errors import ConfigError
from legday.model import WEEKDAYS
from legday.week.rules import HARD_KINDS

__all__ = ["REST", "RUN_KINDS", "infer_run_week", "parse_runs", "validate_runs"]

#: Run kinds the planner understands (DOMAIN.md session kinds; analysis/kinds.py).
RUN_KINDS: tuple[str, ...] = (
    "easy",
    "recovery",
    "long",
    "tempo",
    "intervals",
    "hill_repeats",
    "strides",
    "sprints",
    "fartlek",
    "race",
)

#: The word for a day without a run (accepted by :func:`parse_runs`, never stored).
REST = "rest"

#: Weeks of history :func:`infer_run_week` looks at (the issue: "the last 4 weeks").
INFER_WEEKS = 4


def _bad_day(day: str) -> ConfigError:
    return ConfigError(f"unknown day {day!r}; valid days: {', '.join(WEEKDAYS)}")


def _bad_kind(kind: str, day: str) -> ConfigError:
    return ConfigError(
        f"unknown run kind {kind!r} on {day}; valid kinds: {', '.join(RUN_KINDS)} (or {REST})"
    )


def validate_runs(runs: Mapping[str, str]) -> dict[str, str]:
    """``runs`` checked and put in weekday order; :class:`ConfigError` names a bad day or kind."""
    for day, kind in runs.items():
        if day not in WEEKDAYS:
            raise _bad_day(day)
        if kind not in RUN_KINDS:
            raise _bad_kind(kind, day)
    return {day: runs[day] for day in WEEKDAYS if day in runs}


def parse_runs(text: str) -> dict[str, str]:
    """Parse ``"mon=easy,tue=intervals,thu=tempo,sat=long"`` into a run week.

    Day names may be written out (``monday``) or abbreviated to three letters; ``rest`` (or an
    empty kind) leaves the day free. A day named twice, an unknown day or an unknown kind raises
    :class:`ConfigError` naming it.
    """
    runs: dict[str, str] = {}
    seen: set[str] = set()
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if "=" not in part:
            raise ConfigError(f"expected day=kind, got {part!r} (e.g. mon=easy,tue=intervals)")
        raw_day, _, raw_kind = part.partition("=")
        day_s = raw_day.strip().lower()
        day = day_s[:3]
        if day not in WEEKDAYS or not _is_day_name(day_s):
            raise _bad_day(raw_day.strip())
        if day in seen:
            raise ConfigError(f"day {day} is given twice in {text!r}")
        seen.add(day)
        kind = raw_kind.strip().lower().replace("-", "_").replace(" ", "_")
        if kind in ("", REST):
            continue
        if kind not in RUN_KINDS:
            raise _bad_kind(raw_kind.strip(), day)
        runs[day] = kind
    return validate_runs(runs)


#: Full English weekday names, Monday first, for :func:`parse_runs`.
_DAY_NAMES: tuple[str, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)


def _is_day_name(word: str) -> bool:
    """``mon``, ``mond``, ``monday`` … : a prefix of the full name, at least three letters."""
    return any(name.startswith(word) for name in _DAY_NAMES) and len(word) >= 3


def _priority(kind: str) -> int:
    """Tie-break between equally common kinds: hard > long > easy (any other run) > rest."""
    if kind == REST:
        return 0
    if kind == "long":
        return 2
    return 3 if kind in HARD_KINDS else 1


def infer_run_week(
    recent: Sequence[tuple[date, str]], *, today: date | None = None
) -> dict[str, str]:
    """The usual run week from history: per weekday, the most common kind of the last 4 weeks.

    ``recent`` holds ``(local date, run kind)`` pairs, in any order. The window is the 28 days
    ending on ``today`` (default: the latest date in ``recent``; the clock is never read). Each
    weekday occurs four times in it; a week without a run that day counts as ``rest``, so a
    weekday becomes a run day only when it held runs in most weeks. Ties go to hard kinds, then
    the long run, then easy running, then rest; within a class, to the alphabetically first
    kind, so the answer is deterministic. Unknown kinds raise :class:`ConfigError`.
    """
    if not recent:
        return {}
    end = today if today is not None else max(d for d, _ in recent)
    first = end - timedelta(days=7 * INFER_WEEKS - 1)
    counts: dict[int, Counter[str]] = {i: Counter() for i in range(7)}
    run_dates: set[date] = set()
    for day, kind in recent:
        if kind not in RUN_KINDS:
            raise _bad_kind(kind, day.isoformat())
        if first <= day <= end:
            counts[day.weekday()][kind] += 1
            run_dates.add(day)
    for offset in range(7 * INFER_WEEKS):
        day = first + timedelta(days=offset)
        if day not in run_dates:
            counts[day.weekday()][REST] += 1
    out: dict[str, str] = {}
    for weekday, counter in counts.items():
        kind = min(counter, key=lambda k: (-counter[k], -_priority(k), k))
        if kind != REST:
            out[WEEKDAYS[weekday]] = kind
    return out
