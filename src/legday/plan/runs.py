"""The week's runs, the planner's fixed input: parsed from text or inferred from history (pure).

A run week is a ``dict`` from weekday key (``mon`` … ``sun``) to run kind; a day missing from it
is a rest day. The kinds are the ones the analysis assigns (DOMAIN.md, "What legday says about a
session").

A quality run may carry its structure after the kind (``tue=intervals:6x800@5k/400jog``):
:func:`parse_run_workouts` reads it into a :class:`RunWorkout` (warm-up, repeats of distance or
time steps at a pace, recoveries, cool-down), which :mod:`~legday.plan.fit_run_workout` writes
as a FIT workout. The grammar is in :func:`parse_structure`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from legday.errors import ConfigError
from legday.model import WEEKDAYS
from legday.week.rules import HARD_KINDS

__all__ = [
    "REST",
    "RUN_KINDS",
    "Pace",
    "RunRepeat",
    "RunStep",
    "RunWorkout",
    "infer_run_week",
    "parse_run_workouts",
    "parse_runs",
    "parse_structure",
    "validate_runs",
]

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
    :class:`ConfigError` naming it. A kind may carry its structure (``tue=intervals:6x800@5k``,
    see :func:`parse_structure`): it is checked here and read by :func:`parse_run_workouts`.
    """
    return {day: kind for day, (kind, _) in _parse_days(text).items()}


def parse_run_workouts(text: str) -> dict[str, RunWorkout]:
    """The structured runs of a ``--runs`` text (``"mon=easy,tue=intervals:6x800@5k/400jog"``),
    by weekday; days without a structure are left out."""
    return {
        day: RunWorkout(kind, structure, parse_structure(structure))
        for day, (kind, structure) in _parse_days(text).items()
        if structure
    }


def _parse_days(text: str) -> dict[str, tuple[str, str]]:
    """Weekday → (kind, structure as written, ``""`` for none), in weekday order."""
    runs: dict[str, tuple[str, str]] = {}
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
        raw_kind, _, structure = raw_kind.partition(":")
        kind = raw_kind.strip().lower().replace("-", "_").replace(" ", "_")
        structure = "".join(structure.split()).lower()
        if kind in ("", REST):
            if structure:
                raise ConfigError(f"a rest day has no structure: {part.strip()!r}")
            continue
        if kind not in RUN_KINDS:
            raise _bad_kind(raw_kind.strip(), day)
        if structure:
            parse_structure(structure)  # raises on a bad one, naming it
        runs[day] = (kind, structure)
    validate_runs({day: kind for day, (kind, _) in runs.items()})
    return {day: runs[day] for day in WEEKDAYS if day in runs}


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


# -- a quality run's structure ----------------------------------------------------------------

#: FIT ``intensity`` of a run workout's steps: a jog or walk between repetitions is a
#: ``recovery``, a standing break a ``rest`` (as Garmin Connect's "Recover" and "Rest" steps).
Intensity = Literal["warmup", "active", "recovery", "rest", "cooldown"]

#: Metres in one international mile (exact, by definition).
METRES_PER_MILE: float = 1609.344
#: Most repetitions of one repeat, and the longest step accepted (sanity bounds).
MAX_REPS: int = 99
MAX_STEP_M: float = 100_000.0
MAX_STEP_S: float = 6 * 3600.0

#: Distance units of the grammar, in metres (a bare number is metres).
_DISTANCE_UNITS: dict[str, float] = {
    "": 1.0,
    "m": 1.0,
    "k": 1000.0,
    "km": 1000.0,
    "mi": METRES_PER_MILE,
    "mile": METRES_PER_MILE,
}
#: Time units of the grammar, in seconds.
_TIME_UNITS: dict[str, float] = {"s": 1.0, "sec": 1.0, "min": 60.0, "h": 3600.0}
_AMOUNT = re.compile(r"(?P<n>\d+(?:\.\d+)?)(?P<unit>mile|min|mi|km|k|m|sec|s|h)?")
_CLOCK = re.compile(r"(?P<mm>\d+):(?P<ss>[0-5]\d)")
_PART = re.compile(
    r"(?:(?P<reps>\d+)x)?(?P<amount>[^@/]+)(?:@(?P<pace>[^@/]+(?:/(?:km|mi))?))?(?:/(?P<rec>.+))?"
)
_ENDS = re.compile(r"(?P<end>wu|warmup|cd|cooldown)(?P<amount>.*)")
_RECOVERY = re.compile(r"(?P<amount>.*?)(?P<how>jog|walk|easy|rest|open)?")
#: Race paces by name, the race's distance in metres.
_RACES: dict[str, float] = {
    "mile": METRES_PER_MILE,
    "hm": 21_097.5,
    "hmp": 21_097.5,
    "half": 21_097.5,
    "mp": 42_195.0,
    "marathon": 42_195.0,
}
_THRESHOLD_NAMES = frozenset({"t", "threshold", "tempo", "lt"})
_ENDS_IN = frozenset({"warmup", "cooldown"})


@dataclass(frozen=True, slots=True)
class Pace:
    """A pace target as written: a race's pace, the threshold pace, or a pace given outright."""

    text: str
    """As written, normalised: ``5k``, ``threshold``, ``4:05/km``."""
    race_m: float | None = None
    """Race pace over this distance, m (derived from the threshold pace)."""
    s_per_km: float | None = None
    """A pace given outright, s/km. Neither set: the threshold pace."""


@dataclass(frozen=True, slots=True)
class RunStep:
    """One step of a run workout: by distance, by time, or open (the lap button ends it)."""

    intensity: Intensity
    distance_m: float | None = None
    duration_s: float | None = None
    pace: Pace | None = None
    """The target; None: no target (warm-up, cool-down, recoveries)."""

    @property
    def is_open(self) -> bool:
        return self.distance_m is None and self.duration_s is None


@dataclass(frozen=True, slots=True)
class RunRepeat:
    """``reps`` × the work step, each followed by the recovery (when there is one)."""

    reps: int
    work: RunStep
    recovery: RunStep | None = None


@dataclass(frozen=True, slots=True)
class RunWorkout:
    """A planned quality run: its kind, the structure as written and its parts (a warm-up first
    and a cool-down last, always)."""

    kind: str
    text: str
    parts: tuple[RunStep | RunRepeat, ...]

    def steps(self) -> list[RunStep]:
        """The steps in the order they are run, repeats unrolled."""
        out: list[RunStep] = []
        for part in self.parts:
            if isinstance(part, RunStep):
                out.append(part)
                continue
            for _ in range(part.reps):
                out.append(part.work)
                if part.recovery is not None:
                    out.append(part.recovery)
        return out

    @property
    def reps(self) -> int:
        """Work steps (repetitions), over all parts."""
        return sum(1 for s in self.steps() if s.intensity == "active")


def _bad(part: str, why: str) -> ConfigError:
    return ConfigError(
        f"cannot read {part!r} in a run's structure: {why} "
        "(e.g. intervals:6x800@5k/400jog, tempo:wu2k+20min@threshold+cd10min)"
    )


def _amount(text: str, part: str) -> tuple[float | None, float | None]:
    """``800``, ``1.2k``, ``1mi`` → (metres, None); ``90s``, ``3min``, ``3:00`` → (None, s)."""
    clock = _CLOCK.fullmatch(text)
    if clock:
        seconds = int(clock["mm"]) * 60 + int(clock["ss"])
        distance, duration = None, float(seconds)
    else:
        m = _AMOUNT.fullmatch(text)
        if not m:
            raise _bad(
                part, f"{text!r} is neither a distance (800, 1.2k, 1mi) nor a time (90s, 3min)"
            )
        unit = m["unit"] or ""
        value = float(m["n"])
        if unit in _TIME_UNITS:
            distance, duration = None, value * _TIME_UNITS[unit]
        else:
            distance, duration = value * _DISTANCE_UNITS[unit], None
    if distance is not None and not 0 < distance <= MAX_STEP_M:
        raise _bad(part, f"a step runs 1 m to {MAX_STEP_M / 1000:g} km")
    if duration is not None and not 0 < duration <= MAX_STEP_S:
        raise _bad(part, f"a step lasts 1 s to {MAX_STEP_S / 3600:g} h")
    return distance, duration


def _pace(text: str, part: str) -> Pace:
    """``5k``, ``10k``, ``3000``, ``mile``, ``hm``, ``mp`` (race paces), ``threshold`` (or
    ``t``), or a pace given outright: ``4:05`` or ``4:05/km`` per km, ``6:30/mi`` per mile."""
    if text in _THRESHOLD_NAMES:
        return Pace("threshold")
    if text in _RACES:
        return Pace(text, race_m=_RACES[text])
    clock = _CLOCK.fullmatch(text.removesuffix("/km").removesuffix("/mi"))
    if clock:
        seconds = int(clock["mm"]) * 60 + int(clock["ss"])
        per_km = seconds * 1000.0 / METRES_PER_MILE if text.endswith("/mi") else float(seconds)
        if not 120 <= per_km <= 720:
            raise _bad(part, "a pace runs 2:00 to 12:00 per km")
        return Pace(text if "/" in text else f"{text}/km", s_per_km=per_km)
    m = _AMOUNT.fullmatch(text)
    if m and (m["unit"] or "") in _DISTANCE_UNITS:
        metres = float(m["n"]) * _DISTANCE_UNITS[m["unit"] or ""]
        if not 800 <= metres <= 42_195.0:
            raise _bad(part, "a race pace is for a race of 800 m to a marathon")
        return Pace(text, race_m=metres)
    raise _bad(part, f"unknown pace {text!r} (5k, 10k, hm, mp, threshold or 4:05/km)")


def _recovery(text: str, part: str) -> RunStep:
    """``400jog``, ``90s``, ``2min walk``, ``60srest``, ``open`` → the step after each rep."""
    m = _RECOVERY.fullmatch(text)
    assert m is not None  # the pattern matches any text
    how = m["how"] or "jog"
    intensity: Intensity = "rest" if how == "rest" else "recovery"
    if not m["amount"]:
        return RunStep(intensity)  # open: the lap button ends it
    if how == "open":
        raise _bad(part, "an open recovery takes no length")
    distance, duration = _amount(m["amount"], part)
    return RunStep(intensity, distance, duration)


def _part(part: str) -> RunStep | RunRepeat:
    ends = _ENDS.fullmatch(part)
    if ends:
        intensity: Intensity = "warmup" if ends["end"] in ("wu", "warmup") else "cooldown"
        if not ends["amount"]:
            return RunStep(intensity)
        return RunStep(intensity, *_amount(ends["amount"], part))
    m = _PART.fullmatch(part)
    if not m:
        raise _bad(part, "expected [N x] amount [@ pace] [/ recovery]")
    pace = _pace(m["pace"], part) if m["pace"] else None
    work = RunStep("active", *_amount(m["amount"], part), pace=pace)
    recovery = _recovery(m["rec"], part) if m["rec"] else None
    if m["reps"] is None:
        if recovery is not None:
            raise _bad(part, "a recovery follows repetitions (6x800@5k/400jog)")
        return work
    reps = int(m["reps"])
    if not 1 <= reps <= MAX_REPS:
        raise _bad(part, f"1 to {MAX_REPS} repetitions")
    return RunRepeat(reps, work, recovery)


def parse_structure(text: str) -> tuple[RunStep | RunRepeat, ...]:
    """A quality run's structure: parts joined by ``+``, each one of

    * ``wu`` / ``cd`` with an optional length (``wu2k``, ``cd10min``): the warm-up and the
      cool-down, open (the lap button ends them) without one, and added open when not given;
    * ``[N x] amount [@ pace] [/ recovery]``: ``6x800@5k/400jog``, ``5x3min@10k/2min``,
      ``20min@threshold``, ``3x1mi@hm/60srest``, ``8x20s/1min`` (no pace: run by feel).

    An amount is a distance (``800`` metres, ``1.2k``, ``1mi``) or a time (``90s``, ``3min``,
    ``1:30``). A pace is a race's (``5k``, ``10k``, ``3000``, ``mile``, ``hm``, ``mp``), the
    threshold pace (``threshold``, ``t``), or given outright (``4:05`` per km, ``6:30/mi``). A
    recovery is an amount to ``jog`` (the default), ``walk`` or ``rest``, or ``open``; with
    none, the repetitions run back to back. Raises :class:`ConfigError` naming the bad part.
    """
    text = "".join(text.split()).lower()
    if not text:
        raise _bad(text, "empty")
    parts = [_part(p) for p in text.split("+")]
    if not any(isinstance(p, RunRepeat) or p.intensity == "active" for p in parts):
        raise _bad(text, "no work step")
    if not (isinstance(parts[0], RunStep) and parts[0].intensity == "warmup"):
        parts.insert(0, RunStep("warmup"))
    if not (isinstance(parts[-1], RunStep) and parts[-1].intensity == "cooldown"):
        parts.append(RunStep("cooldown"))
    ends = [i for i, p in enumerate(parts) if isinstance(p, RunStep) and p.intensity in _ENDS_IN]
    if ends != [0, len(parts) - 1]:
        raise _bad(text, "one warm-up first and one cool-down last")
    return tuple(parts)
