"""Every default legday uses, in one place (DOMAIN.md rules R1–R12).

A user changes any of them in ``legday.toml`` in the legday home, under ``[settings]``::

    [settings]
    cardio_band_pct_hrmax = [0.55, 0.85]
    strength_sessions_per_week = [2, 3]

Each field carries a ``#:`` comment with its meaning and source (see docs/science.md).
This module is pure: :func:`Settings.from_mapping` validates a mapping; reading the file is
done by :mod:`legday.home`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, is_dataclass, replace
from typing import Any

from legday import thresholds
from legday.errors import ConfigError
from legday.thresholds import Thresholds

__all__ = ["Attention", "Settings"]


@dataclass(frozen=True, slots=True)
class Attention:
    """The points each signal of an athlete's week adds to the roster's attention score
    (``[settings.attention]``; the reasoning and sources are in docs/science.md 4.3). A coach
    looks first at load and at a hard day spoiled, then at an athlete gone quiet, then at
    strength work missed."""

    #: A load spike this week: the acute:chronic ratio above ``acwr_spike`` (Gabbett 2016: a
    #: sudden rise in load, not the load itself, is what coaches watch; descriptive only).
    spike: float = 5.0
    #: Each broken hard-day rule: R10 (legs on an easy day) or R11 (hard legs too close before a
    #: hard run or a race, or after one): the quality session or the recovery is spoiled
    #: (Doma et al. 2017, *Sports Med* 47:2187: running performance stays impaired 24–48 h after
    #: heavy lower-body lifting).
    hard_day: float = 4.0
    #: Nothing uploaded for ``silent_days`` or more: the coach cannot see the week at all. The
    #: week's missing sessions are then unknown rather than missed, and add nothing.
    silent: float = 3.0
    #: Days without an upload after which an athlete is silent.
    silent_days: int = 7
    #: No leg day this week (R6–R8: running never replaces lower-body strength training).
    no_leg_day: float = 2.0
    #: Each strength session short of R8's minimum (``strength_sessions_per_week``).
    missed_session: float = 1.0
    #: Each other rule broken, once however many ways (R9 coverage, R2 cardio minutes, R4 new
    #: overload, R8 over the race-week cap): worth a word, rarely urgent.
    other_rule: float = 0.5


@dataclass(frozen=True, slots=True)
class Settings:
    """Defaults for analysis, verdict, week rules and planning."""

    # --- heart rate (R2) -------------------------------------------------------------------
    #: The cardio band as fractions of HRmax (R2; CDC/AHA target heart-rate zone 50–85 %).
    cardio_band_pct_hrmax: tuple[float, float] = (0.50, 0.85)
    #: Upper bounds of the five %HRmax zones Z1–Z4 (Z5 is above the last); common 5-zone model.
    hr_zone_bounds_pct_hrmax: tuple[float, float, float, float] = (0.60, 0.70, 0.80, 0.90)
    #: Percentile of 5-s smoothed HR taken as the observed HRmax (REFERENCES: robust maximum).
    hr_max_percentile: float = 99.5

    #: Zone model reported by ``analyze``: ``hrmax`` (% HRmax), ``hrr`` (Karvonen, % heart-rate
    #: reserve, same bounds as the %HRmax zones) or ``lthr`` (Friel's Z1–Z5c, % LTHR).
    hr_zone_model: str = "hrmax"
    #: HRmax used when neither profile, history nor birth year gives one, bpm (Tanaka, Monahan
    #: & Seals 2001, 208 − 0.7·age, at age 33).
    hr_max_default_bpm: float = 185.0
    #: HRrest used when the profile has none, bpm (a typical resting rate of adult recreational
    #: runners; a documented population default, not a measurement).
    hr_rest_default_bpm: float = 60.0
    #: LTHR as a fraction of HRmax when the profile has none (heuristic: LTHR falls at roughly
    #: 85–92 % of HRmax in trained runners; Friel's field test is better).
    lthr_fraction_of_hrmax: float = 0.89

    # --- analysis (grade, moving time, kinds) -------------------------------------------------
    #: Grade-adjusted speed model: ``minetti`` (Minetti et al. 2002) or ``strava`` (Strava 2017
    #: empirical, HR-based curve).
    grade_model: str = "minetti"
    #: Longest interval between samples still counted as recorded time, s (longer = a gap).
    max_sample_gap_s: float = 10.0
    #: Below this speed (5-s mean) the athlete is stopped, m/s.
    moving_speed_mps: float = 0.5
    #: Altitude changes smaller than this are noise when summing ascent (REFERENCES: 3–5 m).
    altitude_hysteresis_m: float = 4.0
    #: Distance window over which grade is taken, m (REFERENCES: 50–100 m).
    grade_window_m: float = 50.0
    #: A run is long when it lasts this many times the athlete's median run (history).
    long_run_ratio: float = 1.3
    #: … or, with no usable history, when it lasts at least this long, s (90 min).
    long_run_min_s: float = 5400.0

    # --- training load -----------------------------------------------------------------------
    #: CTL time constant, days (Banister impulse-response; Coggan PMC).
    ctl_days: int = 42
    #: ATL time constant, days.
    atl_days: int = 7

    # --- the week (R8–R11) ---------------------------------------------------------------------
    #: Strength sessions a week, min and max (R8: 2–3 times a week).
    strength_sessions_per_week: tuple[int, int] = (2, 3)
    #: Shortest strength session worth planning, minutes (R8: 15–20 minutes).
    min_strength_session_min: int = 15
    #: Shortest micro-session, minutes, planned when a day has no more time than this (issue 15:
    #: 10–15 minutes when that is all there is; Androulakis-Korakakis et al. 2020: even one hard
    #: set 1–3 times a week raises 1RM). Two exercises of two sets, a one-minute warm-up.
    micro_session_min: int = 10
    #: Preferred strength session length when time allows, minutes (R8).
    preferred_strength_session_min: int = 20
    #: Hours with no hard lower-body lifting before a hard or long run (R11).
    no_legs_before_hard_run_h: int = 24
    #: Hours with no hard lower-body lifting before a race (R11; taper practice: no heavy legs
    #: in the 48–72 h before a race).
    no_legs_before_race_h: int = 72
    #: Hours between hard lower-body sessions (R11; ACSM: ≥ 48 h per muscle group).
    min_hours_between_leg_sessions: int = 48
    #: Race distances, km, that bound :attr:`no_legs_after_race_h`'s bands: up to 5 km, up
    #: to 21 km (10 k, 15 k), up to 42 km (a half marathon, 30 k), and beyond (a marathon).
    race_distance_bands_km: tuple[float, float, float] = (5.0, 21.0, 42.0)
    #: Hours with no hard lower-body lifting after a race, by distance band (R11; docs/science.md
    #: 5: 48–72 h after a short race, longer after a half or full marathon — muscle-damage
    #: markers peak 1–4 days after a marathon, creatine kinase near baseline after ~6 days).
    no_legs_after_race_h: tuple[int, int, int, int] = (48, 72, 96, 144)
    #: Distance assumed for a race given without one (``sun=race``), km: a 10 k.
    default_race_km: float = 10.0
    #: Most strength sessions in a race week (R8 capped for the taper; the issue: at most 2).
    race_week_max_sessions: int = 2
    #: Leg sessions planned in a race week (one, at the race-week dose: the taper keeps
    #: strength with less volume).
    race_week_lower_body_sessions: int = 1
    #: Lower-body strength sessions planned by default (R10).
    min_lower_body_sessions: int = 2
    #: Weekly minutes in the cardio band (R2; 2018 Physical Activity Guidelines for Americans:
    #: 150–300 min of moderate activity a week, no minimum bout length).
    weekly_cardio_band_min: int = 150
    #: A minute above the cardio band counts as this many toward those weekly minutes (R2; the
    #: same Guidelines: 150 min of moderate or 75 min of vigorous activity, a vigorous minute
    #: worth two moderate ones).
    vigorous_minute_weight: float = 2.0
    #: Acute:chronic load ratio above which a week is flagged as a load spike — descriptive only,
    #: never an injury risk (Gabbett 2016; criticised by Impellizzeri et al. 2020).
    acwr_spike: float = 1.5
    #: The roster's attention score: the points of each signal (docs/science.md 4.3).
    attention: Attention = field(default_factory=Attention)

    # --- strength prescription (R7) --------------------------------------------------------------
    #: Repetition range for double progression (R7: 6–10 reps).
    rep_range: tuple[int, int] = (6, 10)
    #: Target repetitions in reserve (R7: leave 1–2 reps in reserve).
    target_rir: tuple[int, int] = (1, 2)
    #: Working sets per exercise (R7: 2–3 sets).
    sets_per_exercise: tuple[int, int] = (2, 3)
    #: Rest between sets, seconds (ACSM 2009: 1–3 min for multi-joint work; shorter for isolation).
    rest_between_sets_s: int = 90
    #: Rest between sets of the main lifts (squat, hinge, single-leg), seconds (ACSM 2009,
    #: Ratamess et al.: at least 2–3 min for core multi-joint exercises with heavier loads);
    #: a micro-session keeps ``rest_between_sets_s``.
    main_lift_rest_s: int = 120
    #: Barbell load step, kg (smallest common plate pair).
    barbell_step_kg: float = 2.5
    #: Dumbbell load step, kg.
    dumbbell_step_kg: float = 2.0
    #: Barbell load step for imperial units, lb (two 2.5 lb plates).
    barbell_step_lb: float = 5.0
    #: Dumbbell load step for imperial units, lb (the usual rack).
    dumbbell_step_lb: float = 5.0
    #: Repetition range of bodyweight strength work: near failure within about 6–15 reps, then
    #: the next variation, never ever more reps (docs/science.md 3.4; R1, R7).
    bodyweight_rep_range: tuple[int, int] = (6, 15)
    #: Repetition range of calf work (soleus is mostly slow-twitch; calves are commonly trained
    #: at 10–20 reps, slowly; ``strength_max_reps_calf``).
    calf_rep_range: tuple[int, int] = (10, 20)
    #: An activation drill's dose: reps per set, steps each way, or seconds (legday's default,
    #: the usual 10–15 reps or 20–30 s of a warm-up drill; no RIR, never a hard set).
    activation_reps: int = 12
    activation_steps: int = 10
    activation_s: int = 30

    # --- the verdict (R5–R7) ----------------------------------------------------------
    #: A set is hard at this many reps in reserve or fewer (Baz-Valle 2022: sets near failure).
    hard_set_max_rir: float = 3.0
    #: … or at this RPE or above (Zourdos 2016: RPE 7 = 3 RIR).
    hard_set_min_rpe: float = 7.0
    #: … or at a load this close to the lifter's e1RM (fraction), RIR unknown.
    hard_set_min_pct_e1rm: float = 0.70
    #: Most repetitions a set may have and still be a strength set (R1, R7): more is muscular
    #: endurance work however close to failure (Campos et al. 2002: 20–28 RM gave endurance, not
    #: strength; ACSM, Ratamess et al. 2009: 1–12 RM for strength, 10–25+ for endurance).
    strength_max_reps: int = 15
    #: … for calf exercises (soleus is mostly slow-twitch: Johnson et al. 1973; calves are
    #: commonly trained at 15–20 reps).
    strength_max_reps_calf: int = 20
    #: Hard lower-body sets in the strength range a session needs to count as leg day (R7:
    #: 2–3 sets of one lift, heavy, at 1–2 RIR, is strength training; docs/science.md 2.6).
    leg_day_min_hard_sets: int = 3
    #: Distinct lower-body exercises a session needs to count as leg day (R7: one heavy lift is
    #: enough; raise it to ask for variety, R9).
    leg_day_min_exercises: int = 1
    #: Of those hard sets, how many must be on a compound lift (R9: squat, hinge, lunge, bridge;
    #: isolation work alone — leg curls, clamshells — is no leg day).
    leg_day_min_compound_sets: int = 1
    #: A run this many times the athlete's usual longest is a new overload (R4).
    overload_ratio: float = 1.4

    # --- run classification --------------------------------------------------------------
    #: The thresholds that decide a run's kind (``[settings.classify]``; legday/thresholds.py).
    classify: Thresholds = field(default_factory=Thresholds)

    def to_dict(self) -> dict[str, Any]:
        return _plain(asdict(self))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Settings:
        """Defaults overridden by ``data``; raises :class:`ConfigError` on an unknown key or a
        value of the wrong type."""
        return cls().updated(data)

    def updated(self, data: Mapping[str, Any]) -> Settings:
        """A copy with ``data``'s values. Raises :class:`ConfigError` naming the key for an
        unknown key, a value of the wrong type, or one no runner has (:func:`_check`)."""
        known = {f.name: f for f in fields(self)}
        changes: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                raise ConfigError(
                    f"unknown setting {key!r}; valid settings: {', '.join(sorted(known))}"
                )
            changes[key] = _coerce(key, getattr(self, key), value)
        updated = replace(self, **changes)
        _check_order(updated, _ORDERED, "")
        return updated


#: Settings that are fractions (of HRmax, of e1RM): from 0 to 1.
_FRACTIONS: frozenset[str] = frozenset(
    {
        "cardio_band_pct_hrmax",
        "hr_zone_bounds_pct_hrmax",
        "lthr_fraction_of_hrmax",
        "hard_set_min_pct_e1rm",
        *(f"classify.{name}" for name in thresholds.FRACTIONS),
    }
)
#: Settings that divide or step (time constants, windows, load steps, rates): above 0.
_POSITIVE: frozenset[str] = frozenset(
    {
        "ctl_days",
        "atl_days",
        "grade_window_m",
        "max_sample_gap_s",
        "hr_max_default_bpm",
        "barbell_step_kg",
        "dumbbell_step_kg",
        "barbell_step_lb",
        "dumbbell_step_lb",
        "strength_sessions_per_week",
        "rep_range",
        "sets_per_exercise",
        "attention.silent_days",
    }
)
#: Pairs of settings where the first is at most the second.
_ORDERED: tuple[tuple[str, str], ...] = (
    ("micro_session_min", "min_strength_session_min"),
    ("min_strength_session_min", "preferred_strength_session_min"),
    ("hr_rest_default_bpm", "hr_max_default_bpm"),
)


def _check(key: str, value: Any) -> Any:
    """``value`` when a runner could mean it, else a ConfigError naming ``key``: every number
    finite and not negative (above 0 for :data:`_POSITIVE`, at most 1 for :data:`_FRACTIONS`),
    and a list's values rising (a band or a range: low first)."""
    if isinstance(value, tuple):
        for item in value:
            _check(key, item)
        if any(b < a for a, b in itertools.pairwise(value)):
            shown = ", ".join(f"{v:g}" for v in value)
            raise ConfigError(
                f"setting {key!r} is [{shown}]: its values must rise (low first, as in the "
                f"default {_default_of(key)})"
            )
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if not math.isfinite(value):
        raise ConfigError(f"setting {key!r} needs a finite number, got {value!r}")
    if value < 0 or (value == 0 and key in _POSITIVE):
        least = "above 0" if key in _POSITIVE else "0 or more"
        raise ConfigError(f"setting {key!r} must be {least}, got {value:g}")
    if key in _FRACTIONS and value > 1:
        raise ConfigError(f"setting {key!r} is a fraction from 0 to 1, got {value:g}")
    return value


def _default_of(key: str) -> str:
    obj: Any = Settings()
    for part in key.split("."):
        obj = getattr(obj, part)
    return f"[{', '.join(f'{v:g}' for v in obj)}]" if isinstance(obj, tuple) else str(obj)


def _check_order(obj: Any, pairs: tuple[tuple[str, str], ...], prefix: str) -> None:
    for low, high in pairs:
        a, b = getattr(obj, low), getattr(obj, high)
        if a > b:
            raise ConfigError(
                f"setting '{prefix}{low}' ({a:g}) must be at most '{prefix}{high}' ({b:g})"
            )


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    """``asdict`` output with tuples as lists, nested tables included (TOML/JSON-ready)."""
    return {
        k: _plain(v) if isinstance(v, dict) else list(v) if isinstance(v, tuple) else v
        for k, v in data.items()
    }


def _coerce(key: str, default: Any, value: Any) -> Any:
    if is_dataclass(default) and not isinstance(default, type):
        if not isinstance(value, Mapping):
            raise ConfigError(f"setting {key!r} needs a table of settings, got {value!r}")
        known = {f.name for f in fields(default)}
        changes: dict[str, Any] = {}
        for sub, v in value.items():
            if sub not in known:
                raise ConfigError(f"unknown setting {key}.{sub}; valid: {', '.join(sorted(known))}")
            changes[sub] = _coerce(f"{key}.{sub}", getattr(default, sub), v)
        nested = replace(default, **changes)
        if isinstance(nested, Thresholds):
            _check_order(nested, thresholds.ORDERED, f"{key}.")
        return nested
    if isinstance(default, tuple):
        if not isinstance(value, list | tuple) or len(value) != len(default):
            raise ConfigError(
                f"setting {key!r} needs a list of {len(default)} numbers, got {value!r}"
            )
        return _check(key, tuple(_coerce(key, d, v) for d, v in zip(default, value, strict=True)))
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"setting {key!r} needs true or false, got {value!r}")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"setting {key!r} needs a whole number, got {value!r}")
        return _check(key, value)
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"setting {key!r} needs a number, got {value!r}")
        return _check(key, float(value))
    return value
