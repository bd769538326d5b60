"""The manual strength log: one line of text in, :class:`~legday.model.ExerciseSet` out.

Grammar (entries separated by ``;``; see :data:`LOG_GRAMMAR_HELP`)::

    log     = entry { ";" entry }
    entry   = NAME SETS "x" REPS [ "@" ( LOAD | BAND ) ] [ EFFORT ]
            | NAME SETS "x" SECONDS "s" [ "@" ( LOAD | BAND ) ] [ EFFORT ]
    LOAD    = [ HANDS "x" ] NUMBER ( "kg" | "lb" | "lbs" )
    BAND    = [ COLOUR ] "band"
    EFFORT  = "rir" NUMBER | "rpe" NUMBER

``@ 2x12kg`` means a dumbbell in each hand: ``load_kg`` is then the load **per hand** (12) and
``per_hand`` is True. Pounds are converted to kilograms (× 0.45359237). The name is matched
strictly against the catalog (:func:`legday.strength.names.resolve_exercise`).

``@ band`` or ``@ red band`` (one word naming the band: its colour or its strength) is a
resistance band: no kilograms, and the band is kept in the set's ``notes`` as ``"@ red band"``
(:data:`BAND_NOTE`), which every store keeps and :func:`band_of` reads back.

:func:`parse_log` is all-or-nothing: any error raises before anything is returned.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from legday.errors import LogSyntaxError
from legday.model import ExerciseSet, SetType
from legday.plausible import implausible_load
from legday.strength.catalog import Catalog, Exercise
from legday.strength.names import resolve_exercise

__all__ = ["BAND_NOTE", "KG_PER_LB", "LOG_GRAMMAR_HELP", "band_of", "format_log", "parse_log"]

#: Kilograms in one international avoirdupois pound (exact, by definition since 1959).
KG_PER_LB: float = 0.45359237

#: Most sets one entry may declare (a typo guard, not a training rule).
MAX_SETS: int = 50
#: Most repetitions one set may declare.
MAX_REPS: int = 1000
#: Longest hold, seconds (one hour).
MAX_HOLD_S: int = 3600
#: Largest repetitions-in-reserve value accepted.
MAX_RIR: float = 10.0
#: How a set's ``notes`` carry the band it was done against: ``"@ band"``, ``"@ red band"``.
BAND_NOTE: str = "@ {band}"

LOG_GRAMMAR_HELP: str = """\
Log strength sets as text, entries separated by ';':

  NAME SETSxREPS [@ LOAD | @ [COLOUR] band] [rir N | rpe N]
  NAME SETSxSECONDSs                       (holds, e.g. planks)

  LOAD is a number with kg or lb; '@ 2x12kg' means 12 kg in each hand.
  '@ band' or '@ red band': a resistance band (its colour or strength in one word).
  rir N: repetitions left in reserve (0-10); rpe N: effort 1-10 (RPE 9 = 1 rep left).

Examples:
  back squat 3x8 @ 80kg rir 2; bulgarian split squat 2x10 @ 2x12kg rir 2
  side plank 2x30s; bird dog 2x10; push up 3x12 rpe 8
  clamshell 3x15 @ band; banded row 3x10 @ red band rir 2
"""

#: ``SETSxREPS`` or ``SETSxSECONDSs`` (x or ×), standing alone or right before ``@``.
_SETS_REPS = re.compile(r"(?<!\S)(\d+)\s*[x×]\s*(\d+)(s)?(?![^\s@])", re.IGNORECASE)
#: ``@ [2x]LOAD[unit]``: an optional per-hand count, a number (decimal point or comma), a unit;
#: or ``@ [COLOUR] band``: a resistance band, its colour or strength in one word.
_LOAD = re.compile(
    r"\s*@\s*(?:(?:(\d+)\s*[x×]\s*)?\+?(\d+(?:[.,]\d+)?)\s*(kg|kgs|lb|lbs)?"
    r"|(?:([a-z][a-z-]*+)\s++)?(band))(?![A-Za-z0-9])",
    re.IGNORECASE,
)
#: ``rir N`` or ``rpe N``.
_EFFORT = re.compile(r"\s+(rir|rpe)\s*(\d+(?:[.,]\d+)?)(?![A-Za-z0-9])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Entry:
    name: str
    key: str
    sets: int
    reps: int | None
    duration_s: float | None
    load_kg: float | None
    per_hand: bool
    rir: float | None
    rpe: float | None
    band: str | None = None
    """``"band"`` or ``"red band"`` for a set against a resistance band."""


def parse_log(text: str, catalog: Catalog) -> list[ExerciseSet]:
    """Parse a manual log into sets, one :class:`ExerciseSet` per set, in order.

    Raises :class:`LogSyntaxError` (showing the entry and the position) for text that does not
    follow the grammar, and :class:`~legday.errors.NotFoundError` (listing the closest catalog
    names) for an unknown or ambiguous exercise name. Nothing is returned half-parsed.
    """
    entries: list[_Entry] = []
    start = 0
    for chunk in text.split(";"):
        if chunk.strip():
            entries.append(_parse_entry(chunk, start, text, catalog))
        start += len(chunk) + 1
    if not entries:
        raise LogSyntaxError("the log is empty; " + _example())
    out: list[ExerciseSet] = []
    for entry in entries:
        for _ in range(entry.sets):
            out.append(
                ExerciseSet(
                    exercise=entry.key,
                    raw_name=entry.name,
                    reps=entry.reps,
                    load_kg=entry.load_kg,
                    duration_s=entry.duration_s,
                    rir=entry.rir,
                    rpe=entry.rpe,
                    set_type=SetType.WORKING,
                    order=len(out) + 1,
                    per_hand=entry.per_hand,
                    mapped=True,
                    notes=BAND_NOTE.format(band=entry.band) if entry.band else None,
                )
            )
    return out


def format_log(sets: Sequence[ExerciseSet], catalog: Catalog) -> str:
    """Write sets back in the log grammar, grouping runs of identical sets into one entry.

    ``parse_log(format_log(sets))`` gives the same sets back (loads in kg).
    """
    entries: list[str] = []
    i = 0
    while i < len(sets):
        s = sets[i]
        n = 1
        while i + n < len(sets) and _same(sets[i + n], s):
            n += 1
        entries.append(_format_entry(s, n, catalog))
        i += n
    return "; ".join(entries)


def _format_entry(s: ExerciseSet, n: int, catalog: Catalog) -> str:
    name = catalog.get(s.exercise).name if s.exercise in catalog else s.exercise
    if s.duration_s is not None and s.reps is None:
        text = f"{name} {n}x{_num(s.duration_s)}s"
    else:
        text = f"{name} {n}x{s.reps or 0}"
    if s.load_kg is not None:
        text += f" @ {'2x' if s.per_hand else ''}{_num(s.load_kg)}kg"
    elif (band := band_of(s)) is not None:
        text += f" @ {band}"
    if s.rir is not None:
        text += f" rir {_num(s.rir)}"
    elif s.rpe is not None:
        text += f" rpe {_num(s.rpe)}"
    return text


def band_of(s: ExerciseSet) -> str | None:
    """The band a set was done against, as the log wrote it (``"band"``, ``"red band"``), or
    None (see :data:`BAND_NOTE`)."""
    prefix, _, suffix = BAND_NOTE.partition("{band}")
    note = s.notes or ""
    words = note.removeprefix(prefix).removesuffix(suffix).split()
    if not note.startswith(prefix) or not 1 <= len(words) <= 2 or words[-1].lower() != "band":
        return None
    return " ".join(words)


def _same(a: ExerciseSet, b: ExerciseSet) -> bool:
    return (a.exercise, a.reps, a.duration_s, a.load_kg, a.per_hand, a.rir, a.rpe, a.notes) == (
        b.exercise,
        b.reps,
        b.duration_s,
        b.load_kg,
        b.per_hand,
        b.rir,
        b.rpe,
        b.notes,
    )


def _num(value: float) -> str:
    return f"{value:.6g}" if value != int(value) else str(int(value))


def _parse_entry(chunk: str, offset: int, text: str, catalog: Catalog) -> _Entry:
    m = _SETS_REPS.search(chunk)
    if m is None:
        raise _error(text, offset + len(chunk.rstrip()), "expected SETSxREPS, e.g. '3x8'")
    name = chunk[: m.start()].strip()
    if not name:
        raise _error(text, offset + m.start(), "the entry needs an exercise name before SETSxREPS")
    sets = int(m.group(1))
    count = int(m.group(2))
    hold = m.group(3) is not None
    _check(1 <= sets <= MAX_SETS, text, offset + m.start(1), f"sets must be 1–{MAX_SETS}")
    limit = MAX_HOLD_S if hold else MAX_REPS
    what = "seconds" if hold else "reps"
    _check(1 <= count <= limit, text, offset + m.start(2), f"{what} must be 1–{limit}")
    pos = m.end()
    load_kg: float | None = None
    per_hand = False
    band: str | None = None
    lm = _LOAD.match(chunk, pos)
    if lm is not None and lm.group(5) is not None:
        band = " ".join(w.lower() for w in (lm.group(4), lm.group(5)) if w)
        pos = lm.end()
    elif lm is not None:
        hands = lm.group(1)
        if hands is not None:
            _check(hands == "2", text, offset + lm.start(1), "per-hand loads are written '2xLOAD'")
            per_hand = True
        unit = lm.group(3)
        if unit is None:
            raise _error(text, offset + lm.end(), "the load needs a unit: kg or lb")
        value = float(lm.group(2).replace(",", "."))
        load_kg = value * KG_PER_LB if unit.lower().startswith("lb") else value
        implausible = implausible_load(load_kg)  # 5000 kg, 0.001 kg (legday.plausible)
        _check(implausible is None, text, offset + lm.start(2), str(implausible))
        pos = lm.end()
    elif chunk.find("@", pos) >= 0:
        at = chunk.index("@", pos)
        raise _error(
            text,
            offset + at,
            "expected a load after '@', e.g. '@ 80kg', '@ 2x12kg' or '@ red band'",
        )
    rir: float | None = None
    rpe: float | None = None
    em = _EFFORT.match(chunk, pos)
    if em is not None:
        value = float(em.group(2).replace(",", "."))
        if em.group(1).lower() == "rir":
            _check(value <= MAX_RIR, text, offset + em.start(2), f"rir must be 0–{MAX_RIR:g}")
            rir = value
        else:
            _check(1 <= value <= 10, text, offset + em.start(2), "rpe must be 1–10")
            rpe = value
        pos = em.end()
    rest = chunk[pos:]
    if rest.strip():
        col = offset + pos + (len(rest) - len(rest.lstrip()))
        raise _error(text, col, f"unexpected {rest.strip()!r}")
    exercise = resolve_exercise(name, catalog)
    if band is not None:
        exercise = _banded(exercise, catalog)
    return _Entry(
        name=name,
        key=exercise.key,
        sets=sets,
        reps=None if hold else count,
        duration_s=float(count) if hold else None,
        load_kg=load_kg,
        per_hand=per_hand,
        rir=rir,
        rpe=rpe,
        band=band,
    )


def _banded(exercise: Exercise, catalog: Catalog) -> Exercise:
    """The exercise done against a band: its banded variation when the catalog has one
    (``clamshell @ band`` is a Banded Clamshell), else the exercise itself."""
    harder = catalog.find(exercise.harder) if exercise.harder else None
    if exercise.equipment != "bands" and harder is not None and harder.equipment == "bands":
        return harder
    return exercise


def _check(ok: bool, text: str, pos: int, message: str) -> None:
    if not ok:
        raise _error(text, pos, message)


def _error(text: str, pos: int, message: str) -> LogSyntaxError:
    """A LogSyntaxError showing the whole log with a caret under column ``pos`` (0-based)."""
    line = text.replace("\n", " ")
    entry = text[:pos].count(";") + 1
    return LogSyntaxError(f"{message} (entry {entry}, column {pos + 1}):\n  {line}\n  {' ' * pos}^")


def _example() -> str:
    return "write e.g. 'back squat 3x8 @ 80kg rir 2; side plank 2x30s'"
