"""Evidence beyond speed: what the athlete, the watch and the platform say a run was.

Each piece is weighed against the recording by :func:`~legday.analysis.kinds.decide_kind`:

* **words** in the activity's name and description (``"6x800"``, ``"hill repeats"``,
  ``"parkrun"``, ``"tempo"``, ``"strides"``), and in the file's name when the activity has
  none (``Tuesday_Fartlek.fit``, ``10kUNLP2014.fit``): the athlete's own word for the session;
* the session's **sub-sport** (``track``, ``treadmill``, ``race``);
* **Strava's workout type** (race, long run, workout) when the export carries it;
* a **multisport** file's legs: a run after a swim and a ride is a triathlon's run leg, raced.

Words that name an easy run (``easy``, ``slow``, ``recovery``) outweigh a bare race distance
(``"slow 10k"`` is no race); a race word proper (``race``, ``parkrun``, ``marathon``) does not
need the distance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

from legday.model import Activity

from .result import RunKind

__all__ = ["Evidence", "gather", "words_of"]

#: Words (after splitting camel case, digits and punctuation) that name a kind of session.
KIND_WORDS: tuple[tuple[RunKind, re.Pattern[str]], ...] = (
    (RunKind.HILL_REPEATS, re.compile(r"\b(hill (repeats?|reps?|sprints?|intervals?)|hills)\b")),
    (RunKind.FARTLEK, re.compile(r"\b(fartlek|speed ?play)\b")),
    (RunKind.STRIDES, re.compile(r"\b(strides|striders)\b")),
    (RunKind.SPRINTS, re.compile(r"\b(sprints?|flying \d+s?)\b")),
    (
        RunKind.INTERVALS,
        re.compile(
            r"\b(intervals?|interval training|reps|repeats|vo2 ?max|ladder|pyramid|yassos?|"
            r"\d+ ?x ?\d+(\.\d+)?( ?(m|km|k|mi|mile|min|s|sec))?|\d+ ?x ?\d+ ?/ ?\d+ ?mile)\b"
        ),
    ),
    (RunKind.TEMPO, re.compile(r"\b(tempo|threshold|cruise|lt run|progression)\b")),
    (RunKind.LONG, re.compile(r"\b(long run|lsd)\b")),
    (RunKind.RECOVERY, re.compile(r"\b(recovery|shake ?out|regen)\b")),
    (RunKind.EASY, re.compile(r"\b(easy|slow|jog|jogging|base|aerobic)\b")),
)
#: Words that say the run was a race whatever its distance.
RACE_PROPER = re.compile(
    r"\b(race|racing|raced|parkrun|marathon|halbmarathon|wettkampf|competition|championships?|"
    r"triathlon|duathlon|aquathlon|ultra|xc|cross country|relay|classic|invitational|"
    r"turkey trot|time trial|tt)\b"
)
#: A standard race distance alone (``10k``, ``half``) is a race when the run covered it (within
#: ``RACE_DISTANCE_TOLERANCE``) and no easy word says otherwise ("12km livre" is no race).
RACE_DISTANCE = re.compile(r"\b(?:(\d{1,3}) ?(k|km)|(\d{1,2}) ?(?:mi|mile|miler)|(half))\b")
#: Standard race distances, m (road and ultra: 5 km to 100 miles).
RACE_DISTANCES_M = (5000.0, 8000.0, 10000.0, 15000.0, 16093.0, 21097.0, 25000.0, 30000.0,
                    42195.0, 50000.0, 80467.0, 100000.0, 160934.0)  # fmt: skip
#: See :data:`RACE_DISTANCE`.
RACE_DISTANCE_TOLERANCE = 0.05
#: ``6x800`` → 6 repetitions.
REPS = re.compile(r"\b(\d{1,2}) ?x ?\d")
#: Sub-sports (FIT ``sub_sport``) that say something about the session.
TRACK_SUB_SPORTS = frozenset({"track", "indoor_track"})
RACE_SUB_SPORTS = frozenset({"race", "track_race"})
#: Strava's workout types (API ``workout_type``: 1 race, 2 long run, 3 workout).
STRAVA_WORKOUT_TYPES = {
    "1": RunKind.RACE,
    "race": RunKind.RACE,
    "2": RunKind.LONG,
    "long run": RunKind.LONG,
    "3": RunKind.INTERVALS,
    "workout": RunKind.INTERVALS,
}


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the file says beside the recording."""

    kinds: tuple[RunKind, ...] = ()
    """Kinds the words name, strongest first (race first when the file says race)."""
    reps: int | None = None
    """Repetitions the name counts ("6x800" → 6)."""
    race: bool = False
    """The file says race: a race word, a race sub-sport or workout type, a triathlon leg."""
    track: bool = False
    """Run on a track (sub-sport or name): structured repetitions, not speed play."""
    reasons: tuple[str, ...] = ()
    """Where each piece came from, in words."""

    def names(self, kind: RunKind) -> bool:
        return kind in self.kinds


def words_of(text: str) -> str:
    """``text`` lower-cased with camel case, digits and punctuation split into words:
    ``"Tuesday_Fartlek"`` → ``"tuesday fartlek"``, ``"10kUNLP2014"`` → ``"10k unlp 2014"``."""
    t = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)
    t = re.sub(r"(?<=[A-Za-z]{2})(?=\d)", " ", t)
    t = re.sub(r"(?<=\d)(?=[A-Za-z]{3,})", " ", t)
    t = re.sub(r"(?<=\d[kK])(?=[A-Za-z])", " ", t)
    t = re.sub(r"[_\-.,;:!?()\[\]\"'#+]+", " ", t)
    return re.sub(r"\s+", " ", t).strip().lower()


def _covered(m: re.Match[str] | None, distance_m: float | None) -> bool:
    """The name's race distance is a standard one and the run covered it."""
    if m is None or not distance_m:
        return False
    km, _, miles, half = m.groups()
    named = 21097.0 if half else float(km) * 1000.0 if km else float(miles) * 1609.34
    standard = any(abs(named / d - 1.0) <= RACE_DISTANCE_TOLERANCE for d in RACE_DISTANCES_M)
    return standard and abs(distance_m / named - 1.0) <= RACE_DISTANCE_TOLERANCE


def _texts(activity: Activity) -> list[tuple[str, str]]:
    """(where, text) of the activity's words: name, description, workout name; the file's
    name only when the activity has no name of its own."""
    out: list[tuple[str, str]] = []
    if activity.name:
        out.append(("name", activity.name))
    if activity.description:
        out.append(("description", activity.description))
    for key in ("workout_name", "event", "event_type"):
        value = activity.metadata.get(key)
        if isinstance(value, str) and value:
            out.append((key.replace("_", " "), value))
    if not activity.name and activity.source is not None and activity.source.name:
        stem = PurePath(activity.source.name).name.split(".")[0]
        out.append(("file name", stem))
    return out


def gather(activity: Activity) -> Evidence:
    """The evidence of ``activity`` beside its recording (see the module rules)."""
    kinds: list[RunKind] = []
    reasons: list[str] = []
    reps: int | None = None
    race = easy_word = distance = False
    for where, raw in _texts(activity):
        text = words_of(raw)
        found = [k for k, pattern in KIND_WORDS if pattern.search(text)]
        if RACE_PROPER.search(text):
            race = True
            reasons.append(f"the {where} says race ({raw!r})")
        elif _covered(RACE_DISTANCE.search(text), activity.distance_m):
            distance = True
        easy_word |= any(k in (RunKind.EASY, RunKind.RECOVERY) for k in found)
        m = REPS.search(text)
        if m and reps is None:
            reps = int(m.group(1))
        for k in found:
            if k not in kinds:
                kinds.append(k)
                reasons.append(f"the {where} says {k.value.replace('_', ' ')} ({raw!r})")
    if distance and not race and not easy_word and not kinds:
        race = True
        reasons.append("the name gives the race distance the run covered")
    sub = (activity.sub_sport or "").lower()
    if sub in RACE_SUB_SPORTS:
        race = True
        reasons.append(f"the sub-sport is {sub}")
    track = sub in TRACK_SUB_SPORTS or "track" in " ".join(words_of(t) for _, t in _texts(activity))
    if sub in TRACK_SUB_SPORTS:
        reasons.append(f"run on a track (sub-sport {sub})")
    strava = str(activity.metadata.get("workout_type", "")).strip().lower()
    if strava in STRAVA_WORKOUT_TYPES:
        k = STRAVA_WORKOUT_TYPES[strava]
        race |= k is RunKind.RACE
        if k is not RunKind.RACE and k not in kinds:
            kinds.append(k)
        reasons.append(f"Strava's workout type is {k.value.replace('_', ' ')}")
    legs = str(activity.metadata.get("multisport", ""))
    if activity.sport == "running" and "swimming" in legs and "cycling" in legs:
        race = True
        reasons.append(f"the run leg of a triathlon ({legs.replace(',', ', ')})")
    if race:
        kinds.insert(0, RunKind.RACE)
    return Evidence(tuple(kinds), reps, race, track, tuple(reasons))
