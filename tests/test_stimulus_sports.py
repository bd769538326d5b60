"""Per-sport maps (R12), the muscle helpers, and the stimulus package's public surface."""

from __future__ import annotations

import pytest

import legday.stimulus as stimulus
from legday.errors import ConfigError
from legday.stimulus.muscles import (
    MUSCLES,
    add_muscles,
    complete_muscles,
    scale_muscles,
    top_muscle_groups,
)
from legday.stimulus.sports import SPORT_MUSCLES, SportKey, sport_key, sport_muscle_load


@pytest.mark.parametrize(
    ("sport", "sub", "key"),
    [
        ("cycling", None, SportKey.CYCLING),
        ("cycling", "virtual_activity", SportKey.INDOOR_CYCLING),
        ("cycling", "indoor_cycling", SportKey.INDOOR_CYCLING),
        ("fitness_equipment", "indoor_rowing", SportKey.ROWING),
        ("swimming", "open_water", SportKey.SWIMMING),
        ("training", "strength_training", SportKey.STRENGTH_TRAINING),
        ("Walking", None, SportKey.WALKING),
        ("volleyball", "generic", SportKey.GENERIC),
        (None, None, SportKey.GENERIC),
    ],
)
def test_sport_key(sport: str | None, sub: str | None, key: SportKey) -> None:
    assert sport_key(sport, sub) is key


def test_sport_key_parse_lists_the_choices() -> None:
    assert SportKey.parse("rowing") is SportKey.ROWING
    with pytest.raises(ConfigError, match="valid: cycling"):
        SportKey.parse("curling")


def test_every_sport_map_uses_known_muscles() -> None:
    extra = {"lats", "erector_spinae"}
    for key, weights in SPORT_MUSCLES.items():
        assert set(weights) <= set(MUSCLES) | extra, key
        assert all(w >= 0 for w in weights.values())


def test_sport_maps_follow_the_sources() -> None:
    """Cycling is quads first (Hug & Dorel 2009); swimming is shoulders first; rowing pulls."""
    assert max(SPORT_MUSCLES[SportKey.CYCLING], key=SPORT_MUSCLES[SportKey.CYCLING].get) == "quads"
    swim = SPORT_MUSCLES[SportKey.SWIMMING]
    assert swim["deltoids"] > swim["quads"]
    assert SPORT_MUSCLES[SportKey.ROWING]["rhomboids"] > SPORT_MUSCLES[SportKey.CYCLING].get(
        "rhomboids", 0.0
    )


def test_sport_load_scales_with_duration_and_intensity() -> None:
    one = sport_muscle_load(SportKey.CYCLING, 3600, 1.0, 3600.0)
    two = sport_muscle_load(SportKey.CYCLING, 7200, 1.5, 3600.0)
    assert one["quads"] == 1.0
    assert two["quads"] == pytest.approx(3.0)
    assert set(MUSCLES) <= set(one)
    with pytest.raises(ValueError):
        sport_muscle_load(SportKey.CYCLING, -1, 1.0, 3600.0)


def test_muscle_helpers() -> None:
    full = complete_muscles({"quads": 2.0, "lats": 1.0})
    assert list(full)[:16] == list(MUSCLES) and full["lats"] == 1.0
    with pytest.raises(ValueError, match="quads"):
        complete_muscles({"quads": -1.0})
    with pytest.raises(ValueError, match="quads"):
        complete_muscles({"quads": float("nan")})
    total = add_muscles([{"quads": 1.0}, {"quads": 2.0, "lats": 1.0}])
    assert total["quads"] == 3.0 and total["glutes"] == 0.0
    assert scale_muscles({"quads": 2.0}, 0.5)["quads"] == 1.0
    assert top_muscle_groups({"soleus": 1.0, "gastrocnemius": 1.0, "quads": 1.5}) == [
        "calves",
        "quads",
    ]
    assert top_muscle_groups({}) == []


def _isort_key(name: str) -> tuple[int, str]:
    """Ruff's RUF022 order: CONSTANTS, then Classes, then functions, each alphabetical."""
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


def test_public_surface_is_sorted_and_importable() -> None:
    names = stimulus.__all__
    assert names == sorted(names, key=_isort_key)
    for name in names:
        assert hasattr(stimulus, name), name
    for fn in ("judge_run", "judge_strength", "judge_other", "judge_combined"):
        assert fn in names
