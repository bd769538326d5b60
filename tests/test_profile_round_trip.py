"""The stored profile round-trips: what ``to_dict`` writes (legday.toml, ``athletes.profile``, a
job's file), ``from_dict`` reads back as the same profile, for every profile legday can hold."""

from __future__ import annotations

import json
from datetime import date
from zoneinfo import available_timezones

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legday.model import EQUIPMENT, WEEKDAYS, AthleteProfile, Race


def _subset(values: tuple[str, ...]) -> st.SearchStrategy[tuple[str, ...]]:
    return st.sets(st.sampled_from(values)).map(lambda s: tuple(v for v in values if v in s))


def _loads() -> st.SearchStrategy[tuple[float, ...]]:
    kg = st.floats(min_value=0.0001, max_value=200).map(lambda x: round(x, 4))
    return st.sets(kg.filter(lambda x: x > 0), max_size=8).map(lambda s: tuple(sorted(s)))


def _races() -> st.SearchStrategy[tuple[Race, ...]]:
    km = st.none() | st.floats(min_value=0, max_value=250, exclude_min=True)
    days = st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31))
    return st.dictionaries(days, km, max_size=5).map(
        lambda races: tuple(Race(d, races[d]) for d in sorted(races))
    )


def _optional_int(lo: int, hi: int) -> st.SearchStrategy[int | None]:
    return st.none() | st.integers(lo, hi)


profiles = st.builds(
    AthleteProfile,
    hr_max=_optional_int(100, 240),
    hr_rest=_optional_int(25, 120),
    lthr=_optional_int(80, 230),
    threshold_pace_s_per_km=_optional_int(120, 720),
    sex=st.sampled_from([None, "m", "f"]),
    birth_year=_optional_int(1900, 2030),
    time_zone=st.sampled_from(sorted(available_timezones())),
    available_days=_subset(WEEKDAYS),
    minutes_per_day=st.integers(0, 600),
    equipment=_subset(EQUIPMENT),
    experience=st.sampled_from(["novice", "intermediate", "advanced"]),
    units=st.sampled_from(["metric", "imperial"]),
    dumbbells=_loads(),
    kettlebells=_loads(),
    races=_races(),
)


#: Fifteen fields a profile: generating one is slow on a loaded machine, not a wrong strategy.
roomy = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


@roomy
@given(profiles)
def test_a_profile_round_trips_through_its_dict(profile: AthleteProfile) -> None:
    assert AthleteProfile.from_dict(profile.to_dict()) == profile


@roomy
@given(profiles)
def test_a_profile_round_trips_through_json(profile: AthleteProfile) -> None:
    """As a JSON column (PostgreSQL's, SQLite's) stores it."""
    assert AthleteProfile.from_dict(json.loads(json.dumps(profile.to_dict()))) == profile


def test_none_is_unset_or_the_default() -> None:
    """A stored None (JSON null) reads as unset, or as the default of a key that has no unset."""
    data = {"hr_max": None, "sex": None, "equipment": None, "time_zone": None, "races": None}
    assert AthleteProfile.from_dict(data) == AthleteProfile()
