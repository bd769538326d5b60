"""Plain words for a verdict: the headline a runner reads first, and small number formatters.

Each headline answers "does it count as leg day?" with Yes or No, says what the session was
and cites the rules in brackets, e.g. "No — a cardio session: 52 min, 83 % of it at 50–85 % of
your max heart rate (R1, R2). It worked your calves and hips, but gave them no strength
overload (R4)."
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal, get_args

from legday.stimulus.muscles import top_muscle_groups

if TYPE_CHECKING:
    from legday.stimulus.verdict import Verdict

__all__ = [
    "band_share",
    "distance_text",
    "duration_text",
    "headline",
    "join_names",
    "need_text",
    "pct_text",
]

#: Metres in one international mile (exact, by definition).
METRES_PER_MILE: float = 1609.344

Units = Literal["metric", "imperial"]


def duration_text(seconds: float) -> str:
    """``52 min``, ``1 h`` or ``1 h 54 min`` (rounded to the minute; ``< 1 min`` below 30 s)."""
    minutes = round(seconds / 60.0)
    if minutes < 1:
        return "< 1 min"
    hours, mins = divmod(minutes, 60)
    if not hours:
        return f"{mins} min"
    return f"{hours} h {mins} min" if mins else f"{hours} h"


def distance_text(metres: float, units: Units = "metric") -> str:
    """``10.2 km`` or ``6.3 mi``."""
    if units == "imperial":
        return f"{metres / METRES_PER_MILE:.1f} mi"
    return f"{metres / 1000.0:.1f} km"


def pct_text(fraction: float) -> str:
    """A fraction as a whole percentage without the sign: 0.834 → ``83``."""
    return f"{round(100.0 * fraction):.0f}"


def band_share(band_s: float, duration_s: float) -> float:
    """Time in the cardio band as a fraction of the session, clipped to [0, 1]."""
    return min(1.0, max(0.0, band_s / duration_s)) if duration_s > 0 else 0.0


def join_names(names: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``; snake_case keys read as words."""
    items = [n.replace("_", " ") for n in names]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def need_text(sets: int, exercises: int, compound: int) -> str:
    """What a leg day needs (R7): ``at least 3 hard lower-body sets, one of them on a compound
    lift`` (the exercises only when more than one is asked for)."""
    text = f"at least {_plural(sets, 'hard lower-body set')}"
    if exercises > 1:
        text += f" across {exercises} exercises"
    if compound == 1:
        text += ", one of them on a compound lift"
    elif compound > 1:
        text += f", {compound} of them on compound lifts"
    return text


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _band(v: Verdict) -> str | None:
    f = v.facts
    if f.cardio_band_s is None or not f.duration_s:
        return None
    lo, hi = (pct_text(b) for b in f.band_pct)
    return (
        f"{pct_text(band_share(f.cardio_band_s, f.duration_s))} % of it at {lo}–{hi} % of your max "
        "heart rate"
    )


def _steady(v: Verdict, units: Units) -> str:
    """The cardio / other headline."""
    f = v.facts
    other = "R12" in v.rules
    parts = [duration_text(f.duration_s or 0.0)]
    if f.distance_m and not other:
        parts.append(distance_text(f.distance_m, units))
    band = _band(v)
    if band:
        parts = [parts[0], band]
    rules = ("R12" if other else "R1") + (", R2" if band else "")
    what = f"{_article(f.label)} {f.label} session" if other else "a cardio session"
    if f.race:
        what = "a race"
    if other and f.outcome == "cardio":
        what += ", cardio"
    elif other:
        what += ", light activity"
    groups = join_names(top_muscle_groups(v.stimulus.muscles))
    first = f"No — {what}: {', '.join(parts)} ({rules})."
    if f.race:
        return (
            f"{first} An all-out effort, not steady running: your {groups or 'legs'} need days "
            "to recover from it (R11), but it is not strength training (R6)."
        )
    if not groups:
        return first
    if f.overload:
        usual = (
            f", {f.distance_m / f.usual_longest_m:.1f} × your usual longest run"
            if f.usual_longest_m and f.distance_m
            else ", much longer than your usual runs"
        )
        where = distance_text(f.distance_m or 0.0, units)
        return (
            f"{first} It worked your {groups}, and at {where}{usual}, it was a new overload for "
            "them (R4) — but it is still not strength training (R6)."
        )
    rule = "R12" if other else "R4"
    return f"{first} It worked your {groups}, but gave them no strength overload ({rule})."


def _power(v: Verdict) -> str:
    f = v.facts
    groups = join_names(top_muscle_groups(v.stimulus.muscles)) or "legs"
    dur = duration_text(f.duration_s or 0.0)
    if not f.forceful_measured:
        return _power_unmeasured(v, dur)
    if f.outcome == "power":
        return (
            f"No — a power session ({f.label}): {dur} with forceful efforts that recruit "
            f"fast-twitch fibres and load your {groups} (R5), but running is no substitute for "
            "lifting (R6)."
        )
    return (
        f"No — {_article(f.label)} {f.label}: {dur} of cardio (R1), with some forceful, "
        f"fast-twitch work for your {groups} (R5), but running is no substitute for lifting (R6)."
    )


def _power_unmeasured(v: Verdict, dur: str) -> str:
    """A power or mixed run whose figures do not show its forceful work: the headline says so
    rather than claim it (R3, R5)."""
    f = v.facts
    why = " (no altitude to measure the climbs)" if f.no_altitude and "hill" in f.label else ""
    shown = f"{pct_text(v.stimulus.type2_share)} % of the work forceful"
    if f.outcome == "power":
        return (
            f"No — {f.label} by their pattern: {dur}, but this recording shows little forceful "
            f"work, {shown}{why} (R3, R5); running is no substitute for lifting (R6)."
        )
    return (
        f"No — {_article(f.label)} {f.label}: {dur} of cardio (R1); this recording shows little "
        f"forceful work, {shown}{why} (R3, R5), and running is no substitute for lifting (R6)."
    )


def _strength(v: Verdict) -> str:
    f = v.facts
    n, k = f.hard_lower_sets, f.lower_exercises
    if f.outcome == "leg_day":
        return (
            f"Yes — a real leg day: {n} hard lower-body sets across {_plural(k, 'exercise')} (R7)."
        )
    if f.outcome == "no_sets":
        return (
            "No — a strength session, but its sets are unknown: log them to know whether it was a "
            "leg day (R7)."
        )
    if f.outcome == "no_lower":
        return "No — a strength session with no lower-body exercise (R7)."
    if f.outcome == "too_easy":
        return (
            f"No — {_plural(f.lower_sets, 'lower-body set')}, but none close to failure: "
            "muscular endurance, not strength (R7)."
        )
    if f.outcome == "high_reps":
        return (
            f"No — {_plural(f.high_rep_sets, 'lower-body set')} close to failure, but above "
            f"{f.rep_ceiling} reps: muscular endurance, not strength; a harder variation or added "
            "load would make them count (R1, R7)."
        )
    if f.outcome == "unknown_effort":
        return (
            f"No — {_plural(f.lower_sets, 'lower-body set')}, but with no RIR or RPE logged none "
            "counts as hard (R7)."
        )
    if f.outcome == "no_compound":
        return (
            f"No — {_plural(n, 'hard lower-body set')}, but none on a compound lift (a squat, "
            "hinge, lunge or bridge): isolation work alone is no leg day (R7)."
        )
    return (
        f"No — only {_plural(n, 'hard lower-body set')} across {_plural(k, 'exercise')}; a leg "
        f"day needs {need_text(f.need_sets, f.need_exercises, f.need_compound)} (R7)."
    )


def _single(v: Verdict, units: Units) -> str:
    if v.category == "strength":
        return _strength(v)
    if v.category == "power" or v.facts.outcome == "mixed":
        return _power(v)
    return _steady(v, units)


def headline(v: Verdict, units: Units = "metric") -> str:
    """The verdict in one or two sentences a runner understands (rules cited in brackets).

    For a session of several parts, the part that decides (a leg day, else lifting, else the
    first) speaks first, and the others follow in a short sentence each.
    """
    if units not in get_args(Units):
        raise ValueError(f"unknown units {units!r}; valid: {', '.join(get_args(Units))}")
    if not v.parts:
        return _single(v, units)
    lead = next(
        (p for p in v.parts if p.counts_as_leg_day),
        next((p for p in v.parts if p.category == "strength"), v.parts[0]),
    )
    rest = [
        f"Also: {p.facts.label}, {duration_text(p.facts.duration_s or 0.0)}: {p.category} "
        f"({', '.join(p.rules[:2])})."
        for p in v.parts
        if p is not lead
    ]
    return " ".join([_single(lead, units), *rest])
