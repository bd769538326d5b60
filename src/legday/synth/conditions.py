"""The conditions of the hard synthetic set: what real recordings do that clean ones do not.

Each condition is something a real runner, watch or day brings to a recording (a short
warm-up, a paused timer, a treadmill, a hot day…). A hard session draws one or more of them;
its truth lists the conditions it drew, so that scores can be broken down by condition.
:data:`APPLIES` says which kinds of run a condition can change, :data:`EXCLUDES` which
conditions cannot be drawn together.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

__all__ = ["APPLIES", "DESCRIPTIONS", "EXCLUDES", "Condition", "applicable", "compatible"]


class Condition(StrEnum):
    """A way a real recording differs from a clean synthetic one."""

    SHORT_WARMUP = "short_warmup"
    CUT_WARMUP = "cut_warmup"
    SPLIT_WARMUP = "split_warmup"
    RACE_FROM_GUN = "race_from_gun"
    FINISH_SURGE = "finish_surge"
    TRAINED_EASY = "trained_easy"
    BARE_PROFILE = "bare_profile"
    HR_LAG = "hr_lag"
    HOT_DAY = "hot_day"
    PAUSED_RECOVERY = "paused_recovery"
    AUTO_PAUSE = "auto_pause"
    GENTLE_HILL = "gentle_hill"
    STEEP_HILL = "steep_hill"
    APPROACH_CLIMB = "approach_climb"
    SHIFTED_STARTS = "shifted_starts"
    LONG_SPRINT_RESTS = "long_sprint_rests"
    LADDER = "ladder"
    FLOAT_REP = "float_rep"
    TREADMILL = "treadmill"
    INDOOR_TRACK = "indoor_track"
    MANUAL_LAPS = "manual_laps"
    AUTO_LAP_KM = "auto_lap_km"
    AUTO_LAP_MILE = "auto_lap_mile"
    SMART_RECORDING = "smart_recording"
    GPS_DROPOUTS = "gps_dropouts"


C = Condition

#: What each condition does to a session.
DESCRIPTIONS: Mapping[Condition, str] = {
    C.SHORT_WARMUP: "a warm-up of 0–5 min",
    C.CUT_WARMUP: "the warm-up is cut by a 20–60 s stop",
    C.SPLIT_WARMUP: "the warm-up is a separate file just before: the session starts with the work",
    C.RACE_FROM_GUN: "a race from the gun, with no warm-up",
    C.FINISH_SURGE: "a finishing surge of 10–40 s at the end of a race",
    C.TRAINED_EASY: "a trained runner: easy pace 0.80–0.86 × threshold pace",
    C.BARE_PROFILE: "a profile of HR max and HR rest only: no LTHR, threshold pace or history",
    C.HR_LAG: "heart rate takes 2–4 min to rise at the start",
    C.HOT_DAY: "a hot day: HR 3–8 bpm higher, drifting up 15–30 bpm per hour",
    C.PAUSED_RECOVERY: "the timer is stopped in every recovery (standing rests not recorded)",
    C.AUTO_PAUSE: "auto-pause stops the timer whenever the runner stands (rests, traffic lights)",
    C.GENTLE_HILL: "hill reps of 150–250 m at 2.5–4 %, climbing 4–8 m",
    C.STEEP_HILL: "hill reps of 30–60 m at 15–25 %, with fast jog-downs",
    C.APPROACH_CLIMB: "a climb on the way to the hill, run easily: not a rep",
    C.SHIFTED_STARTS: "one or two reps start from a higher spot on the same climb",
    C.LONG_SPRINT_RESTS: "sprints of 60–150 m with rests of 150–300 s",
    C.LADDER: "a ladder: reps of rising (and falling) length in one block",
    C.FLOAT_REP: "a float inside each rep (e.g. 400 m hard, 50 s float, 200 m hard) = one rep",
    C.TREADMILL: "a treadmill: no GPS, speed 0 or noisy, distance frozen; HR and cadence present",
    C.INDOOR_TRACK: "an indoor track: no GPS, speed 0 or noisy, distance frozen",
    C.MANUAL_LAPS: "the lap button pressed at the start and end of each rep",
    C.AUTO_LAP_KM: "auto-laps every 1 km, not workout steps",
    C.AUTO_LAP_MILE: "auto-laps every mile, not workout steps",
    C.SMART_RECORDING: "smart recording: a point every 1–8 s",
    C.GPS_DROPOUTS: "1–4 GPS dropouts of 20–120 s: no position, distance frozen then jumping",
}

_STEADY = frozenset({"easy", "strides", "recovery", "long"})
_STRUCTURED = frozenset({"tempo", "intervals", "hill_repeats", "sprints", "fartlek", "mixed"})
_ALL = _STEADY | _STRUCTURED | {"race"}
_WITH_RESTS = frozenset({"tempo", "intervals", "sprints", "mixed"})

#: The kinds of run (synthetic kind names, ``strides`` = an easy run with strides) each
#: condition can change.
APPLIES: Mapping[Condition, frozenset[str]] = {
    C.SHORT_WARMUP: _STRUCTURED,
    C.CUT_WARMUP: _STRUCTURED,
    C.SPLIT_WARMUP: _STRUCTURED,
    C.RACE_FROM_GUN: frozenset({"race"}),
    C.FINISH_SURGE: frozenset({"race"}),
    C.TRAINED_EASY: _ALL,
    C.BARE_PROFILE: _ALL,
    C.HR_LAG: _ALL,
    C.HOT_DAY: _ALL,
    C.PAUSED_RECOVERY: _WITH_RESTS,
    C.AUTO_PAUSE: _WITH_RESTS | _STEADY | {"race"},
    C.GENTLE_HILL: frozenset({"hill_repeats"}),
    C.STEEP_HILL: frozenset({"hill_repeats"}),
    C.APPROACH_CLIMB: frozenset({"hill_repeats"}),
    C.SHIFTED_STARTS: frozenset({"hill_repeats"}),
    C.LONG_SPRINT_RESTS: frozenset({"sprints"}),
    C.LADDER: frozenset({"intervals"}),
    C.FLOAT_REP: frozenset({"intervals"}),
    C.TREADMILL: frozenset({"easy", "recovery", "tempo", "intervals"}),
    C.INDOOR_TRACK: frozenset({"easy", "tempo", "intervals", "sprints"}),
    C.MANUAL_LAPS: _WITH_RESTS | {"hill_repeats"},
    C.AUTO_LAP_KM: _ALL,
    C.AUTO_LAP_MILE: _ALL,
    C.SMART_RECORDING: _ALL,
    C.GPS_DROPOUTS: _ALL,
}

_INDOOR_EXCLUDES = frozenset({C.GPS_DROPOUTS, C.AUTO_LAP_KM, C.AUTO_LAP_MILE})

#: Conditions that cannot be drawn together (symmetric).
EXCLUDES: Mapping[Condition, frozenset[Condition]] = {
    C.SPLIT_WARMUP: frozenset({C.SHORT_WARMUP, C.CUT_WARMUP}),
    C.GENTLE_HILL: frozenset({C.STEEP_HILL}),
    C.LADDER: frozenset({C.FLOAT_REP}),
    C.TREADMILL: frozenset({C.INDOOR_TRACK}) | _INDOOR_EXCLUDES,
    C.INDOOR_TRACK: _INDOOR_EXCLUDES,
    C.AUTO_LAP_KM: frozenset({C.AUTO_LAP_MILE, C.MANUAL_LAPS}),
    C.AUTO_LAP_MILE: frozenset({C.MANUAL_LAPS}),
    C.PAUSED_RECOVERY: frozenset({C.AUTO_PAUSE}),
}


def applicable(kind: str) -> tuple[Condition, ...]:
    """The conditions that can change a run of ``kind``, in declaration order."""
    if kind not in _ALL:
        raise ValueError(f"unknown kind {kind!r}; valid: {', '.join(sorted(_ALL))}")
    return tuple(c for c in Condition if kind in APPLIES[c])


def compatible(a: Condition, b: Condition) -> bool:
    """Whether ``a`` and ``b`` can be drawn together."""
    return b not in EXCLUDES.get(a, frozenset()) and a not in EXCLUDES.get(b, frozenset())
