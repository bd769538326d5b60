"""The core data model: pure dataclasses, SI units, no I/O.

Units inside legday are SI and are converted once, in the reader:

* time stamps are POSIX seconds (UTC) in ``float64``; datetimes are timezone-aware UTC;
* distances in metres, speeds in m/s, altitudes in metres, power in watts;
* heart rate in beats per minute;
* cadence in *steps* per minute (``cadence_spm``). FIT running files store cadence per
  leg (strides/min) plus ``fractional_cadence``; readers double the sum for running and walking
  sports. GPX/TCX running extensions (``RunCadence``, ``gpxtpx:cad``) likewise hold strides per
  minute and are doubled. Cycling cadence (crank revolutions per minute) is kept as it is.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal

from legday.errors import ConfigError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd
    import polars as pl

    FloatArray = npt.NDArray[np.float64]

__all__ = [
    "CHANNELS",
    "EQUIPMENT",
    "MUSCLES",
    "WEEKDAYS",
    "Activity",
    "AthleteProfile",
    "Event",
    "ExerciseSet",
    "Lap",
    "Race",
    "Role",
    "RunKind",
    "SessionTotals",
    "SetType",
    "Source",
    "StrengthSession",
    "parse_races",
]

#: The standard sample channels every reader fills (NaN where a value is missing).
CHANNELS: tuple[str, ...] = (
    "timestamp",
    "elapsed_s",
    "distance_m",
    "speed_mps",
    "altitude_m",
    "heart_rate_bpm",
    "cadence_spm",
    "power_w",
    "latitude_deg",
    "longitude_deg",
)

#: The sixteen muscle groups every per-muscle output carries, in DOMAIN.md's order
#: (DOMAIN.md, "The muscles"). More groups may follow them; these are always present.
MUSCLES: tuple[str, ...] = (
    "abdominals",
    "obliques",
    "glutes",
    "quads",
    "hamstrings",
    "hip_abductors",
    "hip_adductors",
    "hip_flexors",
    "gastrocnemius",
    "soleus",
    "biceps",
    "triceps",
    "pectorals",
    "deltoids",
    "trapezius",
    "rhomboids",
)

#: Day keys, Monday first (ISO 8601 order).
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

#: Equipment a strength exercise may need, lightest first.
EQUIPMENT: tuple[str, ...] = (
    "bodyweight",
    "bands",
    "dumbbells",
    "kettlebell",
    "barbell",
    "cables",
    "machine",
)


@dataclass(frozen=True, slots=True)
class Source:
    """Where a session came from."""

    format: str
    """The detected format: ``fit``, ``gpx``, ``tcx``, ``strong_csv``, ``hevy_csv``, ``manual``…"""
    name: str | None = None
    """The file name or archive member name, if any."""
    compressed: bool = False
    """True when the bytes were gzip-compressed."""


@dataclass(frozen=True, slots=True)
class Lap:
    """A lap or workout step as the device recorded it."""

    start: float
    """POSIX seconds (UTC)."""
    end: float
    """POSIX seconds (UTC)."""
    intensity: str | None = None
    """FIT ``intensity``: active, rest, warmup, cooldown, recovery, interval…"""
    trigger: str | None = None
    """FIT ``lap_trigger``: manual, time, distance, position_start…"""
    wkt_step_index: int | None = None
    total_distance_m: float | None = None
    total_timer_s: float | None = None
    total_elapsed_s: float | None = None
    sport: str | None = None

    @property
    def duration_s(self) -> float:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Event:
    """A device event, e.g. the timer starting or stopping."""

    timestamp: float
    """POSIX seconds (UTC)."""
    event: str
    """FIT event name: ``timer``, ``lap``, ``session``…"""
    event_type: str
    """FIT event type: ``start``, ``stop``, ``stop_all``, ``marker``…"""
    data: float | None = None


@dataclass(frozen=True, slots=True)
class SessionTotals:
    """A session's own summary as the device wrote it (None where absent)."""

    total_elapsed_s: float | None = None
    total_timer_s: float | None = None
    total_distance_m: float | None = None
    total_ascent_m: float | None = None
    total_descent_m: float | None = None
    avg_heart_rate_bpm: float | None = None
    max_heart_rate_bpm: float | None = None
    total_calories_kcal: float | None = None


class RunKind(StrEnum):
    """The kinds of run legday tells apart (DOMAIN.md), and the patterns tags and blocks name."""

    EASY = "easy"
    RECOVERY = "recovery"
    LONG = "long"
    TEMPO = "tempo"
    INTERVALS = "intervals"
    HILL_REPEATS = "hill_repeats"
    STRIDES = "strides"
    SPRINTS = "sprints"
    FARTLEK = "fartlek"
    RACE = "race"
    MIXED = "mixed"


class Role(StrEnum):
    """The role of a segment within a run."""

    WARMUP = "warmup"
    WORK = "work"
    RECOVERY = "recovery"
    STEADY = "steady"
    COOLDOWN = "cooldown"


class SetType(StrEnum):
    """The kind of a strength set."""

    WARMUP = "warmup"
    WORKING = "working"
    DROP = "drop"
    FAILURE = "failure"


@dataclass(frozen=True, slots=True)
class ExerciseSet:
    """One set of one exercise."""

    exercise: str
    """The catalog key when the name was mapped, else the raw name."""
    raw_name: str | None = None
    """The name as the source wrote it."""
    reps: int | None = None
    load_kg: float | None = None
    """External load in kg (per side for dumbbells when ``per_hand``)."""
    duration_s: float | None = None
    """For holds (planks) and timed sets."""
    rir: float | None = None
    """Repetitions in reserve."""
    rpe: float | None = None
    """Rating of perceived exertion (RIR-based, 1–10)."""
    set_type: SetType = SetType.WORKING
    distance_m: float | None = None
    order: int | None = None
    per_hand: bool = False
    timestamp: float | None = None
    """POSIX seconds of the set's start, when known."""
    mapped: bool = False
    """True when ``exercise`` is a catalog key."""
    notes: str | None = None

    @property
    def effective_rir(self) -> float | None:
        """RIR, or RIR derived from RPE (RPE 10 = 0 RIR; Zourdos et al. 2016)."""
        if self.rir is not None:
            return self.rir
        if self.rpe is not None:
            return max(0.0, 10.0 - self.rpe)
        return None


@dataclass(frozen=True, slots=True)
class StrengthSession:
    """A lifting session: the sets in the order they were done."""

    start: datetime
    """Timezone-aware UTC."""
    sets: tuple[ExerciseSet, ...]
    name: str | None = None
    duration_s: float | None = None
    utc_offset_s: int | None = None
    source: Source | None = None
    notes: str | None = None

    def __post_init__(self) -> None:
        _require_utc(self.start, "StrengthSession.start")


def _require_utc(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() != timedelta(0):
        raise ValueError(f"{what} must be a timezone-aware UTC datetime, got {value!r}")


@dataclass(slots=True)
class Activity:
    """One recorded session (a run, a ride, a strength workout on a watch…).

    ``samples`` maps channel names to ``float64`` arrays of one common length, NaN where a value
    is missing. The standard channels (:data:`CHANNELS`) are always present; readers may add
    more under clear names (``temperature_c``, ``vertical_oscillation_mm``, developer fields as
    ``dev_<name>``…).
    """

    sport: str
    start: datetime
    samples: dict[str, FloatArray]
    sub_sport: str | None = None
    utc_offset_s: int | None = None
    """Local time minus UTC, in seconds, when known."""
    device: str | None = None
    source: Source | None = None
    laps: tuple[Lap, ...] = ()
    events: tuple[Event, ...] = ()
    totals: SessionTotals | None = None
    sets: tuple[ExerciseSet, ...] = ()
    """Strength sets recorded by the watch (FIT ``set`` messages)."""
    name: str | None = None
    description: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    """Extra facts from the source (gear, Strava type, workout name…)."""
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        import numpy as np  # here: the model's users that hold no samples never load numpy

        _require_utc(self.start, "Activity.start")
        n: int | None = None
        for key in CHANNELS:
            if key not in self.samples:
                raise ValueError(f"Activity.samples lacks the channel {key!r}")
        for key, arr in self.samples.items():
            if not isinstance(arr, np.ndarray) or arr.ndim != 1:
                raise ValueError(f"channel {key!r} must be a 1-D numpy array")
            if n is None:
                n = arr.shape[0]
            elif arr.shape[0] != n:
                raise ValueError(f"channel {key!r} has {arr.shape[0]} samples, expected {n}")

    @property
    def n_samples(self) -> int:
        return int(self.samples["timestamp"].shape[0])

    @property
    def duration_s(self) -> float:
        """Elapsed time from the first to the last sample (or the device total if larger)."""
        ts = self.samples["timestamp"]
        span = float(ts[-1] - ts[0]) if ts.size else 0.0
        if self.totals and self.totals.total_elapsed_s:
            return max(span, self.totals.total_elapsed_s)
        return span

    @property
    def distance_m(self) -> float:
        """The recorded distance: the device total, else the last finite distance sample."""
        if self.totals and self.totals.total_distance_m is not None:
            return self.totals.total_distance_m
        import numpy as np

        d = self.samples["distance_m"]
        finite = d[np.isfinite(d)]
        return float(finite[-1] - finite[0]) if finite.size else 0.0

    @property
    def local_start(self) -> datetime:
        """The start in the activity's local time (UTC when the offset is unknown)."""
        offset = self.utc_offset_s or 0
        return self.start.astimezone(timezone(timedelta(seconds=offset)))

    def channel(self, name: str) -> FloatArray:
        return self.samples[name]

    def to_pandas(self, tz: str | None = None) -> pd.DataFrame:
        """The samples as a pandas DataFrame, one column per channel, indexed by the time of
        each sample (``time``), time-zone aware: in ``tz`` (an IANA name such as
        ``Europe/Berlin``), else in the recording's own offset, else UTC. A sample without a
        time stamp has ``NaT``. Needs pandas (``pip install 'legday[pandas]'``)."""
        pandas = _optional("pandas", "Activity.to_pandas()")
        stamps = pandas.to_datetime(self.samples["timestamp"], unit="s", utc=True)
        index = pandas.DatetimeIndex(stamps, name="time").tz_convert(self._zone(tz))
        columns = {k: v for k, v in self.samples.items() if k != "timestamp"}
        return pandas.DataFrame(columns, index=index)

    def to_polars(self, tz: str | None = None) -> pl.DataFrame:
        """The samples as a polars DataFrame: a time-zone-aware ``time`` column first (polars
        has no index; ``tz`` as in :meth:`to_pandas`, an offset of a fraction of an hour as
        UTC), then one column per channel. Needs
        polars (``pip install 'legday[polars]'``)."""
        polars = _optional("polars", "Activity.to_polars()")
        import numpy as np

        zone = self._zone(tz)
        stamps = np.round(self.samples["timestamp"] * 1e6)
        micros = polars.Series("time", stamps, dtype=polars.Float64, nan_to_null=True)
        time = micros.cast(polars.Int64).cast(polars.Datetime("us", time_zone="UTC"))
        frame = polars.DataFrame(
            {k: v for k, v in self.samples.items() if k != "timestamp"}, nan_to_null=False
        )
        # polars reads tz database names only: a fixed offset of a fraction of an hour is UTC
        out: pl.DataFrame = frame.insert_column(
            0, time.dt.convert_time_zone(getattr(zone, "key", "UTC"))
        )
        return out

    def _zone(self, tz: str | None) -> Any:
        """``tz`` as a time zone, else the recording's own offset, else UTC."""
        if tz is not None:
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

            try:
                return ZoneInfo(tz)
            except (ZoneInfoNotFoundError, ValueError):
                raise ConfigError(
                    f"unknown time zone {tz!r} (an IANA name, e.g. Europe/Berlin)"
                ) from None
        if self.utc_offset_s is None:
            return UTC
        return _offset_zone(self.utc_offset_s)

    @staticmethod
    def empty_samples(n: int) -> dict[str, FloatArray]:
        """All standard channels, ``n`` samples each, filled with NaN."""
        import numpy as np

        return {key: np.full(n, np.nan) for key in CHANNELS}


def _optional(module: str, what: str) -> Any:
    """An optional dependency, imported when first used, or an ImportError saying how to get
    it (the core needs neither pandas nor polars)."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(
            f"{what} needs {module}, which is not installed: pip install 'legday[{module}]'"
        ) from exc


def _offset_zone(offset_s: int) -> Any:
    """A fixed UTC offset as a zone polars and pandas both read: ``Etc/GMT-2`` for +02:00
    (the tz database's signs are inverted); a fraction of an hour as a ``timezone``."""
    from zoneinfo import ZoneInfo

    if offset_s % 3600 == 0 and -14 <= offset_s // 3600 <= 12:
        hours = -offset_s // 3600
        return ZoneInfo("Etc/GMT" if hours == 0 else f"Etc/GMT{hours:+d}")
    return timezone(timedelta(seconds=offset_s))


Sex = Literal["m", "f"]
Units = Literal["metric", "imperial"]
Experience = Literal["novice", "intermediate", "advanced"]


#: Distances a race may be named by, km (World Athletics road distances).
RACE_DISTANCES_KM: dict[str, float] = {
    "marathon": 42.195,
    "half": 21.0975,
    "half_marathon": 21.0975,
    "10k": 10.0,
    "5k": 5.0,
}


@dataclass(frozen=True, slots=True)
class Race:
    """A race on a date, with its distance when known (R11: recovery scales with it)."""

    day: date
    distance_km: float | None = None

    def __str__(self) -> str:
        if self.distance_km is None:
            return self.day.isoformat()
        short = f"{self.distance_km:g}"
        # the short form where it is exact, else every digit: the profile is stored as this text
        km = short if float(short) == self.distance_km else repr(self.distance_km)
        return f"{self.day.isoformat()}:{km}"


def parse_race(raw: str) -> Race:
    """``2027-04-18:42.2`` (km), ``2027-04-18:marathon`` or ``2027-04-18`` → :class:`Race`.

    Raises :class:`ConfigError` naming the bad date or distance.
    """
    text = raw.strip()
    day_s, _, dist_s = text.partition(":")
    try:
        day = date.fromisoformat(day_s.strip())
    except ValueError:
        raise ConfigError(
            f"a race is DATE:KM, e.g. 2027-04-18:42.2 or 2027-04-18:marathon; got {raw!r}"
        ) from None
    dist_s = dist_s.strip().lower().replace(" ", "_").removesuffix("km")
    if not dist_s:
        return Race(day)
    if dist_s in RACE_DISTANCES_KM:
        return Race(day, RACE_DISTANCES_KM[dist_s])
    try:
        km = float(dist_s)
    except ValueError:
        raise ConfigError(
            f"race distance {dist_s!r} on {day_s}: give km (42.2) or one of "
            f"{', '.join(RACE_DISTANCES_KM)}"
        ) from None
    if not 0 < km <= _MAX_RACE_KM:
        raise ConfigError(f"race distance on {day_s} must be between 0 and {_MAX_RACE_KM:g} km")
    return Race(day, km)


def parse_races(raw: str) -> tuple[Race, ...]:
    """Comma-separated :func:`parse_race` items, sorted by date; one race a day."""
    races: dict[date, Race] = {}
    for part in raw.replace(";", ",").split(","):
        if part.strip() and part.strip().lower() not in ("none", "null"):
            race = parse_race(part)
            races[race.day] = race
    return tuple(races[d] for d in sorted(races))


#: Longest race distance accepted, km (a multi-day ultra is beyond a strength plan's scope).
_MAX_RACE_KM: float = 250.0


@dataclass(frozen=True, slots=True)
class AthleteProfile:
    """What legday knows about the athlete. Every field is optional except the defaults."""

    hr_max: int | None = None
    """Maximum heart rate, bpm."""
    hr_rest: int | None = None
    """Resting heart rate, bpm."""
    lthr: int | None = None
    """Lactate-threshold heart rate, bpm (Friel's 30-min test)."""
    threshold_pace_s_per_km: int | None = None
    """Threshold pace (about one hour's race pace), seconds per km. Set as ``4:30`` (per km) or
    ``7:15/mi``. Where forceful running starts for the fibre model; estimated when unset."""
    sex: Sex | None = None
    """For the TRIMP constants (Banister 1991)."""
    birth_year: int | None = None
    time_zone: str = "UTC"
    """IANA time zone name, used when a file carries no offset."""
    available_days: tuple[str, ...] = WEEKDAYS
    """Days strength work can go on."""
    minutes_per_day: int = 30
    """Minutes available for strength on an available day."""
    equipment: tuple[str, ...] = ("bodyweight", "bands", "dumbbells")
    experience: Experience = "novice"
    units: Units = "metric"
    """How to display: metric (km, min/km, kg) or imperial (mi, min/mi, lb)."""
    dumbbells: tuple[float, ...] = ()
    """The dumbbells the athlete owns, kg per hand (set as ``8,10,12`` or ``15,20,25 lb``);
    empty: a gym rack in the usual steps. Plans never load beyond them."""
    kettlebells: tuple[float, ...] = ()
    """The kettlebells the athlete owns, kg (as ``dumbbells``); empty: a gym's set."""
    races: tuple[Race, ...] = ()
    """Races ahead, with distances (set as ``2027-04-18:42.2,2027-06-06:10``; a distance may
    be written ``marathon``, ``half``, ``10k``); plans build toward them (R11)."""

    def to_dict(self) -> dict[str, Any]:
        return {name: _jsonable(getattr(self, name)) for name in PROFILE_KEYS}

    def with_value(self, key: str, raw: str) -> AthleteProfile:
        """Return a copy with ``key`` set from a user's string, validated.

        Raises :class:`ConfigError` naming the bad key or value.
        """
        if key not in PROFILE_KEYS:
            raise ConfigError(
                f"unknown profile key {key!r}; valid keys: {', '.join(sorted(PROFILE_KEYS))}"
            )
        return replace(self, **{key: _parse_profile_value(key, raw)})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AthleteProfile:
        """Build a profile from a TOML table or :meth:`to_dict`'s mapping (``athletes.profile``),
        validating each value; ``from_dict(p.to_dict()) == p`` for every profile ``p``. A None
        value is an unset one (the key's default where it has no "unset")."""
        profile = cls()
        for key, value in data.items():
            if value is None:
                value = "none" if key in _UNSETTABLE else getattr(cls(), key)
            if isinstance(value, list | tuple):
                value = ",".join(str(v) for v in value)
            profile = profile.with_value(key, str(value))
        return profile

    def age(self, year: int) -> int | None:
        return None if self.birth_year is None else year - self.birth_year


PROFILE_KEYS: tuple[str, ...] = (
    "hr_max",
    "hr_rest",
    "lthr",
    "threshold_pace_s_per_km",
    "sex",
    "birth_year",
    "time_zone",
    "available_days",
    "minutes_per_day",
    "equipment",
    "experience",
    "units",
    "dumbbells",
    "kettlebells",
    "races",
)

#: The keys that may be unset (None).
_UNSETTABLE = frozenset(
    ("hr_max", "hr_rest", "lthr", "threshold_pace_s_per_km", "sex", "birth_year")
)

_INT_RANGES: dict[str, tuple[int, int]] = {
    "hr_max": (100, 240),
    "hr_rest": (25, 120),
    "lthr": (80, 230),
    "birth_year": (1900, 2030),
    "minutes_per_day": (0, 600),
}

_CHOICES: dict[str, tuple[str, ...]] = {
    "sex": ("m", "f"),
    "experience": ("novice", "intermediate", "advanced"),
    "units": ("metric", "imperial"),
}


def _parse_profile_value(key: str, raw: str) -> Any:
    raw = raw.strip()
    if key in _INT_RANGES:
        if raw.lower() in ("", "none", "null"):
            if key == "minutes_per_day":
                raise ConfigError(f"profile key {key!r} needs a number, got {raw!r}")
            return None
        try:
            value = int(raw)
        except ValueError:
            raise ConfigError(f"profile key {key!r} needs a whole number, got {raw!r}") from None
        lo, hi = _INT_RANGES[key]
        if not lo <= value <= hi:
            raise ConfigError(f"profile key {key!r} must be between {lo} and {hi}, got {value}")
        return value
    if key in _CHOICES:
        value_s = raw.lower()
        if key == "sex" and value_s in ("", "none", "null"):
            return None
        value_s = {"male": "m", "female": "f"}.get(value_s, value_s) if key == "sex" else value_s
        if value_s not in _CHOICES[key]:
            raise ConfigError(
                f"profile key {key!r} must be one of {', '.join(_CHOICES[key])}, got {raw!r}"
            )
        return value_s
    if key == "threshold_pace_s_per_km":
        return _parse_pace(raw)
    if key == "time_zone":
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(raw)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                f"profile key 'time_zone' is not a known time zone: {raw!r}"
            ) from None
        return raw
    if key == "available_days":
        return _parse_list(key, raw, WEEKDAYS, sort=True)
    if key == "equipment":
        return _parse_list(key, raw, EQUIPMENT, sort=True)
    if key in ("dumbbells", "kettlebells"):
        return _parse_loads(key, raw)
    if key == "races":
        return parse_races(raw)
    raise ConfigError(f"unknown profile key {key!r}")  # pragma: no cover - guarded above


#: Metres in a statute mile.
_METRES_PER_MILE = 1609.344


def _parse_pace(raw: str) -> int | None:
    """``4:30`` or ``4:30/km`` → 270 s/km; ``7:15/mi`` → s/km; a plain number is s/km."""
    text = raw.strip().lower().replace(" ", "")
    if text in ("", "none", "null"):
        return None
    per_mile = text.endswith(("/mi", "/mile"))
    text = text.split("/")[0]
    try:
        if ":" in text:
            minutes, seconds = text.split(":", 1)
            total = int(minutes) * 60 + int(seconds)
        else:
            total = int(text)
    except ValueError:
        raise ConfigError(
            f"profile key 'threshold_pace_s_per_km' needs a pace like 4:30 or 7:15/mi, got {raw!r}"
        ) from None
    if per_mile:
        total = round(total * 1000.0 / _METRES_PER_MILE)
    if not 120 <= total <= 720:
        raise ConfigError(
            f"profile key 'threshold_pace_s_per_km' must be between 2:00 and 12:00 per km, "
            f"got {raw!r}"
        )
    return total


#: Heaviest dumbbell or kettlebell accepted in the profile, kg (a sanity bound).
_MAX_OWNED_LOAD_KG = 200.0


def _parse_loads(key: str, raw: str) -> tuple[float, ...]:
    """``8,10,12`` (kg) or ``15,20,25 lb`` → kilograms, sorted, without repeats."""
    text = raw.strip().lower()
    factor = 1.0
    for suffix, f in (("lbs", 0.45359237), ("lb", 0.45359237), ("kg", 1.0)):
        if text.endswith(suffix):
            text, factor = text[: -len(suffix)], f
            break
    values: set[float] = set()
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part or part in ("none", "null"):
            continue
        try:
            kg = round(float(part) * factor, 4)
        except ValueError:
            raise ConfigError(
                f"profile key {key!r} needs loads like 8,10,12 or 15,20,25 lb, got {raw!r}"
            ) from None
        if not 0 < kg <= _MAX_OWNED_LOAD_KG:
            raise ConfigError(f"profile key {key!r}: {part} is not a load between 0 and 200 kg")
        values.add(kg)
    return tuple(sorted(values))


def _parse_list(key: str, raw: str, valid: tuple[str, ...], *, sort: bool) -> tuple[str, ...]:
    items = [p.strip().lower()[: 3 if key == "available_days" else None] for p in raw.split(",")]
    items = [p for p in items if p]
    bad = [p for p in items if p not in valid]
    if bad:
        raise ConfigError(
            f"profile key {key!r}: unknown value(s) {', '.join(bad)}; valid: {', '.join(valid)}"
        )
    unique = set(items)
    return tuple(v for v in valid if v in unique) if sort else tuple(dict.fromkeys(items))


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [str(v) if isinstance(v, Race) else v for v in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
