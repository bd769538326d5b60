"""How each catalog exercise is dosed: loads, bodyweight ladders, bands, holds, drills."""

from __future__ import annotations

import itertools

import pytest

from legday.errors import CorruptFileError
from legday.strength.catalog import DOSINGS, Catalog, load_catalog, parse_catalog

CATALOG = load_catalog()

#: The isometric holds (seconds, never reps).
HOLDS = {
    "wall_sit",
    "forearm_plank",
    "high_plank",
    "side_plank",
    "hollow_hold",
    "copenhagen_plank",
    "short_lever_copenhagen_plank",
    "plank_leg_lift",
}
#: Activation drills the issue names: counted, never at an RIR.
DRILLS = {
    "clamshell",
    "banded_clamshell",
    "monster_walk",
    "lateral_band_walk",
    "bird_dog",
    "dead_bug",
}


def test_every_exercise_has_a_dosing_that_fits_its_equipment() -> None:
    for e in CATALOG:
        assert e.dosing in DOSINGS
        if e.dosing == "loaded":
            assert e.equipment not in ("bodyweight", "bands"), e.key
        if e.dosing == "bodyweight":
            assert e.equipment == "bodyweight", e.key
        if e.assisted:
            assert e.dosing == "assisted"
        if e.count != "reps":
            assert e.dosing == "activation", e.key


def test_holds_and_drills_are_marked() -> None:
    assert {e.key for e in CATALOG if e.dosing == "hold"} == HOLDS
    assert {e.key for e in CATALOG if e.dosing == "activation"} >= DRILLS
    assert CATALOG.get("monster_walk").count == "steps"


@pytest.mark.parametrize(
    "ladder",
    [
        ("glute_bridge", "single_leg_glute_bridge", "single_leg_hip_thrust"),
        ("bodyweight_squat", "split_squat", "bulgarian_split_squat", "single_leg_box_squat"),
        ("single_leg_box_squat", "pistol_squat"),
        ("standing_calf_raise", "single_leg_calf_raise"),
        ("knee_push_up", "push_up", "decline_push_up"),
    ],
)
def test_bodyweight_ladders(ladder: tuple[str, ...]) -> None:
    for easier, harder in itertools.pairwise(ladder):
        assert CATALOG.get(easier).harder == harder


def test_endurance_only_rungs_lead_to_the_strength_range() -> None:
    for e in CATALOG:
        if not e.endurance_only:
            continue
        assert e.dosing == "bodyweight", e.key
        step = e
        while step.endurance_only and step.harder:
            step = CATALOG.get(step.harder)
        if e.region == "lower" and e.harder:
            assert not step.endurance_only, e.key
    assert CATALOG.get("glute_bridge").endurance_only
    assert not CATALOG.get("single_leg_glute_bridge").endurance_only
    assert CATALOG.get("bulgarian_split_squat").load_optional


def test_a_bad_dosing_is_refused() -> None:
    row = {
        "key": "x",
        "name": "X",
        "equipment": "bodyweight",
        "pattern": "squat",
        "mechanic": "compound",
        "unilateral": False,
        "region": "lower",
        "primary": ["quads"],
    }
    assert isinstance(parse_catalog({"exercise": [row]}), Catalog)
    for bad in ({"dosing": "heavy"}, {"count": "laps"}, {"endurance_only": "yes"}):
        with pytest.raises(CorruptFileError):
            parse_catalog({"exercise": [{**row, **bad}]})
