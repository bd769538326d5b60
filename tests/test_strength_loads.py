"""Loads that exist: plates, the athlete's dumbbells and kettlebells, in the profile's units."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legday.errors import ConfigError
from legday.model import AthleteProfile
from legday.strength.loads import KG_PER_LB, LoadSteps

KIT = ("barbell", "dumbbells", "kettlebell", "cables", "machine")


def test_metric_grids() -> None:
    s = LoadSteps()
    assert s.nearest("barbell", 61.0) == 60.0
    assert s.up("barbell", 60.0) == 62.5
    assert s.down("barbell", 20.0) is None
    assert s.up("dumbbells", 4.0) == 6.0
    assert s.down("dumbbells", 4.0) == 2.0
    assert s.text(102.5) == "102.5 kg"


def test_imperial_loads_print_in_pounds() -> None:
    s = LoadSteps(units="imperial")
    dl = s.nearest("barbell", 102.058)
    assert s.text(dl) == "225 lb"
    assert s.text(s.up("barbell", dl) or 0) == "230 lb"
    assert s.text(s.nearest("dumbbells", 10.0)) == "20 lb"


def test_owned_dumbbells_bound_every_step() -> None:
    s = LoadSteps(dumbbells_kg=(4.0, 8.0, 12.0))
    assert s.nearest("dumbbells", 5.0) == 4.0
    assert s.up("dumbbells", 8.0) == 12.0
    assert s.up("dumbbells", 12.0) is None
    assert s.down("dumbbells", 4.0) is None
    assert s.step_text("dumbbells", 8.0) == "the 12 kg dumbbells"


@given(
    equipment=st.sampled_from(KIT),
    kg=st.floats(min_value=1.0, max_value=250.0),
    units=st.sampled_from(["metric", "imperial"]),
)
def test_up_is_heavier_down_is_lighter_and_both_exist(
    equipment: str, kg: float, units: str
) -> None:
    s = LoadSteps(units=units)  # type: ignore[arg-type]
    near = s.nearest(equipment, kg)
    up, down = s.up(equipment, near), s.down(equipment, near)
    assert up is None or (up > near and s.nearest(equipment, up) == up)
    assert down is None or (down < near and s.nearest(equipment, down) == down)
    if units == "imperial":
        lb = near / KG_PER_LB
        assert abs(lb - round(lb)) < 1e-3


def test_profile_lists_owned_loads() -> None:
    p = AthleteProfile().with_value("dumbbells", "12, 8,10")
    assert p.dumbbells == (8.0, 10.0, 12.0)
    p = p.with_value("kettlebells", "15,25 lb")
    assert p.kettlebells == (round(15 * KG_PER_LB, 4), round(25 * KG_PER_LB, 4))
    assert AthleteProfile.from_dict(p.to_dict()) == p
    assert LoadSteps.of(p).owned("dumbbells") == (8.0, 10.0, 12.0)
    with pytest.raises(ConfigError):
        AthleteProfile().with_value("dumbbells", "heavy")
    with pytest.raises(ConfigError):
        AthleteProfile().with_value("dumbbells", "-4")
