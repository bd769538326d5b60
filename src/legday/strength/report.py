"""The strength report behind ``legday strength --json``: pure data in, a JSON-ready dict out.

Shape::

    {"exercises": [
        {"key": "back_squat", "name": "Back Squat", "sessions": 12, "e1rm_kg": 101.3,
         "trend": {"measure": "e1rm_kg", "sessions": 6, "first": 95.0, "last": 101.3,
                   "change": 6.3, "direction": "up", "since": "2025-08-28",
                   "text": "e1RM 95 → 101.3 kg over the last 6 sessions: up 6.6 %"},
         "last": {"date": "2025-09-15", "sets": 3, "reps": [10, 9, 8], "seconds": None,
                  "load_kg": 77.5, "per_hand": False, "band": None, "rir": 1.0,
                  "text": "3 × 10, 9, 8 @ 77.5 kg, RIR 1"},
         "next": {"sets": 3, "reps": 10, "seconds": None, "load_kg": 77.5, "per_hand": False,
                  "band": None, "rir": 1, "exercise": "back_squat", "name": "Back Squat",
                  "action": "add_reps", "slow": False},
         "next_action": "Add a rep, same load: 3 × 10 @ 77.5 kg, RIR 1",
         "reason": "same load: aim for 10 reps on every set …"},
        ...]}

``e1rm_kg`` is None when unknown, for bodyweight exercises (an added vest or dumbbell is only
part of the load lifted) and for assisted ones (their load is assistance). ``trend`` follows
the e1RM over the last :data:`TREND_SESSIONS` normal sessions (deloads left out); without an
e1RM it follows the best set's reps, or the longest hold in seconds; None before two such
sessions. ``last`` is None for an exercise never done; ``last.rir`` is the smallest effective
RIR of the working sets (None when unknown); ``last.load_kg`` is the top working load (per hand
for dumbbells); holds give ``seconds`` (their ``reps`` are None); a set against a band gives
``band``; a drill's ``next.rir`` is None (no RIR on drills).
``next_action`` is the next session in words and ``reason`` why; the command line prints these
texts, so ``--json`` and the table never disagree. Exercises are sorted by name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from legday.model import StrengthSession
from legday.settings import Settings
from legday.strength.catalog import Catalog, Exercise
from legday.strength.grammar import band_of
from legday.strength.loads import LoadSteps
from legday.strength.names import resolve_exercise
from legday.strength.progression import (
    Action,
    ExerciseHistory,
    Exposure,
    Target,
    lift_histories,
    next_target,
)
from legday.strength.volume import weekly_hard_sets

__all__ = ["ACTION_WORDS", "TREND_FLAT_FRACTION", "TREND_SESSIONS", "strength_report", "trends"]

#: Decimals kept for kilograms in the report (0.1 kg is below any plate increment).
KG_DECIMALS: int = 1
#: Normal sessions the trend looks back over (about three weeks at R8's 2–3 sessions a week;
#: legday's own window).
TREND_SESSIONS: int = 6
#: A trend whose relative change is within this fraction is flat: less than one more rep or
#: one load step moves an e1RM (Epley: one more rep at 10 reps is +2.5 %; docs/science.md 3.3).
TREND_FLAT_FRACTION: float = 0.01

#: The next action, as a lifter says it (``Action`` → words).
ACTION_WORDS: Mapping[Action, str] = {
    Action.START: "Start",
    Action.ADD_REPS: "Add a rep",
    Action.ADD_LOAD: "Add load",
    Action.NEXT_BAND: "Next band",
    Action.HARDER_VARIATION: "Harder variation",
    Action.HOLD_LONGER: "Hold longer",
    Action.RESET_AFTER_STALL: "Lighter, after a stall",
    Action.LESS_ASSISTANCE: "Less assistance",
    Action.SLOWER_TEMPO: "Slower lowering",
    Action.KEEP: "Same dose",
}

Direction = Literal["up", "down", "flat"]


def strength_report(
    sessions: Sequence[StrengthSession],
    catalog: Catalog,
    settings: Settings,
    exercise: str | None = None,
    *,
    steps: LoadSteps | None = None,
    can_load: bool = True,
    counts: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """Per-exercise history summary, trend and next target for every catalog exercise in
    ``sessions``, or only for ``exercise`` (a key or any name the catalog knows).

    ``sessions`` may be each lift's latest sessions only (a big log's store keeps those,
    :mod:`legday.store.lift_state`); ``counts`` then gives how many sessions each lift has in
    all (default: those in ``sessions``).

    ``steps`` are the loads the athlete has, in their units (:class:`LoadSteps`; default a
    metric gym), and ``can_load`` whether they can add load to bodyweight work: the targets are
    the plan's (:func:`next_target` with the same), and the texts say loads in those units
    (``225 lb``); the numbers stay in kg.

    Raises :class:`~legday.errors.NotFoundError` for an unknown ``exercise``.
    """
    if exercise is not None:
        key = exercise if exercise in catalog else resolve_exercise(exercise, catalog).key
        keys = [key]
    else:
        keys = sorted(
            {s.exercise for session in sessions for s in session.sets if s.mapped}
            & set(catalog.keys),
            key=lambda k: catalog.get(k).name,
        )
    steps = steps or LoadSteps(
        barbell_step_kg=settings.barbell_step_kg, dumbbell_step_kg=settings.dumbbell_step_kg
    )
    say = steps.text
    rows: list[dict[str, Any]] = []
    histories = lift_histories(sessions, keys, catalog)
    for key in keys:
        ex = catalog.get(key)
        history = histories[key]
        target = next_target(history, ex, settings, steps, can_load=can_load)
        last = history.normal[-1] if history.normal else history.last
        last_row = _last(last, say) if last is not None else None
        nxt = _next(target, ex, catalog, last_row)
        rows.append(
            {
                "key": key,
                "name": ex.name,
                "sessions": (counts or {}).get(key, len(history.exposures)),
                "e1rm_kg": _kg(history.current_e1rm_kg) if _external_load(ex) else None,
                "trend": _trend(history, _external_load(ex), say),
                "last": last_row,
                "next": nxt,
                "next_action": f"{_action_words(target)}: "
                f"{_sets_text({**nxt, 'load_kg': target.load_kg}, say)}",
                "reason": target.reason,
            }
        )
    return {"exercises": rows}


def trends(
    sessions: Sequence[StrengthSession],
    report: Mapping[str, Any],
    catalog: Catalog,
    settings: Settings,
) -> dict[str, Any]:
    """The lifting history of ``sessions`` (oldest first) over time, JSON-ready (the shape of
    :meth:`legday.store.library.Library.strength_trends`): each session's best e1RM of the
    exercises whose ``report`` row has one, and the hard sets per muscle of each ISO week."""
    # Each lift's exposures in one pass over the sessions (oldest first): a point is an
    # exposure's best e1RM, which needs no deload flags.
    exposures: dict[str, list[Exposure]] = {}
    for ss in sessions:
        for key in dict.fromkeys(x.exercise for x in ss.sets):
            sets = tuple(x for x in ss.sets if x.exercise == key)
            exposures.setdefault(key, []).append(Exposure(ss.start, sets, ss.utc_offset_s))
    e1rm: list[dict[str, Any]] = []
    for row in report["exercises"]:
        if row["e1rm_kg"] is None:
            continue
        points = [
            {"date": e.local_date, "e1rm_kg": round(best, 1)}
            for e in exposures.get(row["key"], ())
            if (best := e.best_e1rm_kg) is not None
        ]
        if points:
            e1rm.append({"key": row["key"], "name": row["name"], "points": points})
    weekly = weekly_hard_sets(sessions, catalog, settings)
    return {
        "e1rm": e1rm,
        "weekly_hard_sets": [
            {"week": monday.isoformat(), "muscles": {k: round(v, 1) for k, v in m.items()}}
            for monday, m in weekly.items()
        ],
    }


def _action_words(target: Target) -> str:
    """The next action's name; more reps at a load say the load stays."""
    words = ACTION_WORDS[target.action]
    return f"{words}, same load" if target.action is Action.ADD_REPS and target.load_kg else words


def _external_load(exercise: Exercise) -> bool:
    """True when the recorded load is the whole load lifted (not bodyweight, not assistance)."""
    return not exercise.assisted and exercise.equipment != "bodyweight"


def _last(exposure: Exposure, say: Callable[[float], str]) -> dict[str, Any]:
    working = exposure.working
    rirs = [s.effective_rir for s in working if s.effective_rir is not None]
    holds = all(s.reps is None for s in working) and any(s.duration_s for s in working)
    bands = [b for b in (band_of(s) for s in working) if b is not None]
    row = {
        "date": exposure.local_date,
        "sets": len(working),
        "reps": [s.reps for s in working],
        "seconds": [s.duration_s for s in working] if holds else None,
        "load_kg": _kg(exposure.top_load_kg),
        "per_hand": any(s.per_hand for s in working),
        "band": bands[-1] if bands else None,
        "rir": min(rirs) if rirs else None,
    }
    row["text"] = _sets_text({**row, "load_kg": exposure.top_load_kg}, say)  # not rounded
    return row


def _next(
    target: Target, exercise: Exercise, catalog: Catalog, last: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The next target as data; a drill's "same dose" repeats the last session's."""
    reps, seconds, sets = target.reps, target.duration_s, target.sets
    if target.action is Action.KEEP and last is not None:
        sets = last["sets"] or sets
        reps = max((r for r in last["reps"] or [] if r), default=None)
        seconds = max((s for s in last["seconds"] or [] if s), default=None)
    key = target.exercise or exercise.key
    same_band = target.action not in (Action.NEXT_BAND, Action.HARDER_VARIATION)
    band = last["band"] if last is not None and same_band else None
    return {
        "sets": sets,
        "reps": reps,
        "seconds": seconds,
        "load_kg": _kg(target.load_kg),
        "per_hand": target.per_hand,
        "band": band,
        "rir": None if exercise.dosing == "activation" else target.rir,
        "exercise": key,
        "name": catalog.get(key).name if key in catalog else key,
        "action": target.action.value,
        "slow": target.slow,
    }


def _sets_text(d: Mapping[str, Any], say: Callable[[float], str]) -> str:
    """``3 × 10, 9, 8 @ 77.5 kg, RIR 1``; ``3 × 45 s hold``; ``2 × 15 @ red band``; the next
    target names a harder variation and a slower lowering; ``say`` words a load in kg."""
    reps, seconds = d.get("reps"), d.get("seconds")
    if isinstance(seconds, list) or isinstance(reps, list):  # the last session's sets
        values: list[Any] = seconds if isinstance(seconds, list) else reps or []
        words = [_num(v) if v is not None else "?" for v in values]
        shown = words[0] if len(set(words)) == 1 else ", ".join(words)
        amount = f"{shown} s hold" if seconds is not None else shown
    elif seconds is not None:
        amount = f"{_num(seconds)} s hold"
    else:
        amount = _num(reps) if reps is not None else "?"
    text = f"{d['sets']} × {amount}"
    load = d.get("load_kg")
    if load:
        text += f" @ {say(load)}" + (" each" if d.get("per_hand") else "")
    elif d.get("band"):
        text += f" @ {d['band']}"
    elif d.get("action") == Action.NEXT_BAND.value:
        text += " with the next band"
    if d.get("slow"):
        text += ", lowering over 3–4 s with a pause"
    if d.get("rir") is not None and seconds is None:
        text += f", RIR {_num(d['rir'])}"
    if d.get("name") and d.get("exercise") and d.get("action") == Action.HARDER_VARIATION.value:
        text = f"{d['name']} {text}"
    return text


def _trend(
    history: ExerciseHistory, external: bool, say: Callable[[float], str]
) -> dict[str, Any] | None:
    """First → last of the e1RM (else best reps, else longest hold) over the last
    :data:`TREND_SESSIONS` normal sessions, with its direction."""
    recent = history.normal[-TREND_SESSIONS:]

    def amount(unit: str) -> Callable[[float], str]:
        return lambda v: f"{_num(v)}{unit}"

    measures: list[tuple[str, str, Callable[[float], str], list[tuple[str, float]]]] = [
        ("e1rm_kg", "e1RM", say, _points(recent, _e1rm) if external else []),
        ("reps", "best set", amount(" reps"), _points(recent, _best_reps)),
        ("seconds", "longest hold", amount(" s"), _points(recent, _longest_hold)),
    ]
    for measure, label, word, points in measures:
        if len(points) < 2:
            continue
        (since, first), (_, last) = points[0], points[-1]
        first, last = round(first, KG_DECIMALS), round(last, KG_DECIMALS)
        change = last - first
        direction: Direction = (
            "flat"
            if abs(change) <= TREND_FLAT_FRACTION * abs(first)
            else "up"
            if change > 0
            else "down"
        )
        pct = f" {abs(change) / first:.0%}" if first and direction != "flat" else ""
        return {
            "measure": measure,
            "sessions": len(points),
            "first": first,
            "last": last,
            "change": round(change, KG_DECIMALS),
            "direction": direction,
            "since": since,
            "text": f"{label} {_from(word(first), word(last))} → {word(last)} over the last "
            f"{len(points)} sessions: {direction}{pct}",
        }
    return None


def _from(first: str, last: str) -> str:
    """``46`` of ``46 kg → 49 kg``: the unit is said once, after the last value."""
    unit = last.rpartition(" ")[2]
    return first.removesuffix(f" {unit}")


def _points(exposures: Sequence[Exposure], value: Any) -> list[tuple[str, float]]:
    return [(e.local_date, v) for e in exposures if (v := value(e)) is not None]


def _e1rm(e: Exposure) -> float | None:
    return e.best_e1rm_kg


def _best_reps(e: Exposure) -> float | None:
    reps = [s.reps for s in e.working if s.reps]
    return float(max(reps)) if reps else None


def _longest_hold(e: Exposure) -> float | None:
    holds = [s.duration_s for s in e.working if s.reps is None and s.duration_s]
    return max(holds) if holds else None


def _num(value: float | int) -> str:
    return f"{value:g}"


def _kg(value: float | None) -> float | None:
    return None if value is None else round(value, KG_DECIMALS)
