"""The synthetic athlete: who runs, how fast, how their heart responds, where they live."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from legday.model import WEEKDAYS, AthleteProfile

__all__ = ["DAY_PLANS", "HOMES", "STRENGTH_PLANS", "DayPlan", "StrengthPlan", "SyntheticAthlete"]

DayPlan = Literal["rest", "easy", "strides", "recovery", "quality", "long"]
StrengthPlan = Literal["", "lower", "upper", "full"]

#: What a weekday of the running pattern may hold (``quality`` rotates through the hard kinds).
DAY_PLANS: tuple[str, ...] = ("rest", "easy", "strides", "recovery", "quality", "long")
#: What a weekday of the strength pattern may hold ("" = no lifting).
STRENGTH_PLANS: tuple[str, ...] = ("", "lower", "upper", "full")

#: Home towns: (IANA time zone, latitude, longitude). Real city centres, so that maps and local
#: times look right; the route generator wanders a few km from them.
HOMES: tuple[tuple[str, float, float], ...] = (
    ("Europe/Berlin", 52.5163, 13.3777),
    ("Europe/London", 51.5074, -0.1278),
    ("Europe/Madrid", 40.4168, -3.7038),
    ("America/Denver", 40.0150, -105.2705),
    ("America/New_York", 40.7812, -73.9665),
    ("Australia/Sydney", -33.8688, 151.2093),
    ("Asia/Tokyo", 35.6762, 139.6503),
    ("Africa/Nairobi", -1.2921, 36.8219),
)

#: Typical weekly running patterns (Monday first), 4–6 runs a week.
_RUN_PATTERNS: tuple[tuple[DayPlan, ...], ...] = (
    ("rest", "easy", "quality", "easy", "rest", "strides", "long"),
    ("easy", "quality", "rest", "strides", "easy", "rest", "long"),
    ("rest", "quality", "easy", "rest", "strides", "long", "recovery"),
    ("recovery", "quality", "easy", "strides", "rest", "easy", "long"),
    ("rest", "strides", "quality", "rest", "easy", "rest", "long"),
)

#: Typical weekly strength patterns matching ``_RUN_PATTERNS`` (lower body on or after hard days,
#: R10), 0–3 sessions a week.
_STRENGTH_PATTERNS: tuple[tuple[StrengthPlan, ...], ...] = (
    ("", "", "lower", "", "upper", "", ""),
    ("", "lower", "", "", "full", "", ""),
    ("upper", "lower", "", "", "full", "", ""),
    ("", "", "", "", "", "", ""),
    ("", "", "lower", "full", "", "upper", ""),
)

_FIRST_NAMES: tuple[str, ...] = (
    "Ada", "Ben", "Chioma", "Dario", "Elif", "Femi", "Greta", "Hiro", "Ines", "Jonas",
    "Kemi", "Lars", "Mara", "Nils", "Oona", "Pablo", "Rosa", "Sven", "Tara", "Yusuf",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class SyntheticAthlete:
    """A runner with known physiology. Speeds are on flat ground."""

    name: str
    sex: Literal["m", "f"]
    birth_year: int
    hr_max: int
    """bpm."""
    hr_rest: int
    """bpm, lying at rest."""
    lthr: int
    """Lactate-threshold heart rate, bpm (Friel's 30-min test)."""
    threshold_speed_mps: float
    """The speed held for about an hour (≈ 10-km to half-marathon race pace)."""
    easy_speed_mps: float
    """Conversational pace."""
    max_speed_mps: float
    """Top sprint speed."""
    usual_long_run_s: float
    """The usual weekly long run; R4's overload is measured against it."""
    weekly_pattern: tuple[DayPlan, ...]
    """Running plan per weekday, Monday first (see :data:`DAY_PLANS`)."""
    strength_pattern: tuple[StrengthPlan, ...]
    """Strength plan per weekday, Monday first (see :data:`STRENGTH_PLANS`)."""
    time_zone: str
    """IANA time zone of home."""
    home_lat_deg: float
    home_lon_deg: float
    mass_kg: float = 68.0
    cadence_offset_spm: float = 0.0
    """Personal offset from the population cadence–speed line."""
    hilliness_m: float = 12.0
    """Amplitude of the rolling hills around home."""

    def __post_init__(self) -> None:
        if len(self.weekly_pattern) != 7 or len(self.strength_pattern) != 7:
            raise ValueError("weekly_pattern and strength_pattern need 7 entries, Monday first")
        bad: list[str] = [p for p in self.weekly_pattern if p not in DAY_PLANS]
        bad += [p for p in self.strength_pattern if p not in STRENGTH_PLANS]
        if bad:
            raise ValueError(f"unknown day plan(s) {bad}; valid: {DAY_PLANS} and {STRENGTH_PLANS}")
        if not self.hr_rest < self.lthr < self.hr_max:
            raise ValueError("need hr_rest < lthr < hr_max")
        if not 0 < self.easy_speed_mps < self.threshold_speed_mps < self.max_speed_mps:
            raise ValueError("need 0 < easy_speed_mps < threshold_speed_mps < max_speed_mps")

    def day_plan(self, weekday: int) -> DayPlan:
        """The running plan for ``weekday`` (0 = Monday)."""
        return self.weekly_pattern[weekday]

    def profile(self) -> AthleteProfile:
        """The :class:`~legday.model.AthleteProfile` a user with this physiology would enter."""
        days = tuple(d for d, lift in zip(WEEKDAYS, self.strength_pattern, strict=True) if lift)
        return AthleteProfile(
            hr_max=self.hr_max,
            hr_rest=self.hr_rest,
            lthr=self.lthr,
            sex=self.sex,
            birth_year=self.birth_year,
            time_zone=self.time_zone,
            available_days=days or WEEKDAYS,
            threshold_pace_s_per_km=round(1000.0 / self.threshold_speed_mps),
            # The synthetic lifter's sessions use a barbell (make_strength_session).
            equipment=("bodyweight", "bands", "dumbbells", "barbell"),
        )

    @classmethod
    def default(cls) -> SyntheticAthlete:
        """A fixed, typical recreational runner (Berlin, 36 years old in 2026)."""
        tz, lat, lon = HOMES[0]
        return cls(
            name="Ada",
            sex="f",
            birth_year=1990,
            hr_max=186,
            hr_rest=52,
            lthr=168,
            threshold_speed_mps=3.6,
            easy_speed_mps=2.8,
            max_speed_mps=7.2,
            usual_long_run_s=90 * 60.0,
            weekly_pattern=_RUN_PATTERNS[0],
            strength_pattern=_STRENGTH_PATTERNS[0],
            time_zone=tz,
            home_lat_deg=lat,
            home_lon_deg=lon,
            mass_kg=61.0,
        )

    @classmethod
    def sample(cls, rng: np.random.Generator) -> SyntheticAthlete:
        """Draw a varied, plausible recreational-to-club runner."""
        sex: Literal["m", "f"] = "m" if rng.random() < 0.5 else "f"
        birth_year = int(rng.integers(1965, 2005))
        age = 2026 - birth_year
        # Tanaka, Monahan & Seals 2001 (J Am Coll Cardiol 37:153): HRmax = 208 − 0.7·age, ± ~7 bpm.
        hr_max = round(208 - 0.7 * age + float(rng.normal(0, 6)))
        hr_rest = int(rng.integers(42, 66))
        lthr = round(hr_max * float(rng.uniform(0.87, 0.92)))
        thr = float(rng.uniform(3.2, 4.8) if sex == "m" else rng.uniform(2.9, 4.4))
        tz, lat, lon = HOMES[int(rng.integers(len(HOMES)))]
        pattern = int(rng.integers(len(_RUN_PATTERNS)))
        return cls(
            name=str(_FIRST_NAMES[int(rng.integers(len(_FIRST_NAMES)))]),
            sex=sex,
            birth_year=birth_year,
            hr_max=hr_max,
            hr_rest=hr_rest,
            lthr=lthr,
            threshold_speed_mps=round(thr, 3),
            easy_speed_mps=round(thr * float(rng.uniform(0.72, 0.8)), 3),
            max_speed_mps=round(thr * float(rng.uniform(1.8, 2.1)), 3),
            usual_long_run_s=float(rng.integers(70, 125) * 60),
            weekly_pattern=_RUN_PATTERNS[pattern],
            strength_pattern=_STRENGTH_PATTERNS[int(rng.integers(len(_STRENGTH_PATTERNS)))],
            time_zone=tz,
            home_lat_deg=lat,
            home_lon_deg=lon,
            mass_kg=round(float(rng.normal(74, 8) if sex == "m" else rng.normal(61, 7)), 1),
            cadence_offset_spm=round(float(rng.normal(0, 5)), 1),
            hilliness_m=round(float(rng.uniform(3, 30)), 1),
        )
