"""Exercise-name matching: Strong, Hevy, Garmin FIT strings and typed names."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legday.errors import NotFoundError
from legday.model import ExerciseSet
from legday.strength.catalog import Catalog, load_catalog
from legday.strength.names import (
    MatchMethod,
    map_fit_sets,
    match_exercise,
    normalize_name,
    resolve_exercise,
)

HEVY_BIG = "strong-statistics/data_sample/sample_hevy.csv"
FIT_FIXTURES = "fit-analyzer/tests/fixtures"

#: Share of the sets in the big Hevy export whose names must map (brief for issue 6).
MIN_HEVY_MAPPED = 0.95


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.mark.parametrize(
    ("raw", "key", "method"),
    [
        ("Squat (Barbell)", "back_squat", MatchMethod.EXACT),
        ("Romanian Deadlift (Barbell)", "romanian_deadlift", MatchMethod.EXACT),
        ("Romanian Deadlift (Dumbbell)", "dumbbell_romanian_deadlift", MatchMethod.EXACT),
        ("Bench Press (Dumbbell)", "dumbbell_bench_press", MatchMethod.EXACT),
        ("Bulgarian Split Squat", "bulgarian_split_squat", MatchMethod.EXACT),
        ("Plank", "forearm_plank", MatchMethod.EXACT),
        ("  BACK   squats ", "back_squat", MatchMethod.EXACT),
        ("Calves raises", "standing_calf_raise", MatchMethod.EXACT),
        ("Farmer’s walk", "farmers_carry", MatchMethod.EXACT),
        ("Kniebeuge", "back_squat", MatchMethod.EXACT),
        ("Bankdrücken", "bench_press", MatchMethod.EXACT),
        ("Rumänisches Kreuzheben", "romanian_deadlift", MatchMethod.EXACT),
        ("db row", "dumbbell_row", MatchMethod.EXACT),
        ("pullups", "pull_up", MatchMethod.EXACT),
        ("Dumbbell Lunge", "dumbbell_lunge", MatchMethod.EXACT),
        ("Lunge Walking", "walking_lunge", MatchMethod.REORDERED),
        ("Romanian Deadlift (Kettlebell)", "romanian_deadlift", MatchMethod.QUALIFIER_DROPPED),
        ("Seated Cable Row - Rope (Cable)", "seated_cable_row", MatchMethod.QUALIFIER_DROPPED),
        ("squat:barbell_back_squat", "back_squat", MatchMethod.GARMIN),
        ("deadlift:romanian_deadlift", "romanian_deadlift", MatchMethod.GARMIN),
        ("calf_raise:seated_calf_raise", "seated_calf_raise", MatchMethod.GARMIN),
        ("plank:side_plank", "side_plank", MatchMethod.GARMIN),
        ("squat:weighted_pistol_squat", "pistol_squat", MatchMethod.GARMIN_WEIGHTED),
        ("lunge:dumbbell_walking_lunge", "walking_lunge", MatchMethod.GARMIN_WORDS),
    ],
)
def test_known_names_map(catalog: Catalog, raw: str, key: str, method: MatchMethod) -> None:
    m = match_exercise(raw, catalog)
    assert (m.key, m.method) == (key, method)
    assert m.mapped and 0 < m.confidence <= 1


@pytest.mark.parametrize("raw", ["unknown:unknown", "", "   ", "plyo:33"])
def test_unknowns_stay_unmapped(catalog: Catalog, raw: str) -> None:
    m = match_exercise(raw, catalog)
    assert m.key is None and not m.mapped and m.confidence == 0


def test_abduction_is_not_fuzzily_taken_for_adduction(catalog: Catalog) -> None:
    m = match_exercise("Hip Abduktion Machine", catalog)
    assert m.key is None
    assert "hip_abduction_machine" in m.suggestions


def test_unmapped_names_get_suggestions(catalog: Catalog) -> None:
    m = match_exercise("bulgarian splitsquat", catalog)
    assert m.key is None
    assert m.suggestions[0] == "bulgarian_split_squat"
    # A Garmin set known only by its category is the category's generic exercise (issue 14).
    assert match_exercise("squat:unknown", catalog).key == "back_squat"


def test_resolve_is_strict(catalog: Catalog) -> None:
    assert resolve_exercise("back squat", catalog).key == "back_squat"
    with pytest.raises(NotFoundError, match="Bulgarian Split Squat"):
        resolve_exercise("bulgarian splitsquat", catalog)
    with pytest.raises(NotFoundError, match="ambiguous"):
        resolve_exercise("Romanian Deadlift (Kettlebell)", catalog)


@settings(deadline=None)  # the machine is shared; timing is not under test
@given(st.sampled_from(sorted(n for ex in load_catalog() for n in (ex.name, *ex.aliases))))
def test_every_alias_maps_to_its_exercise_in_any_case(name: str) -> None:
    catalog = load_catalog()
    owner = next(ex.key for ex in catalog if name in (ex.name, *ex.aliases))
    assert match_exercise(name.upper(), catalog).key == owner
    assert match_exercise(f"  {name.lower()}  ", catalog).key == owner


@settings(deadline=None)  # the machine is shared; timing is not under test
@given(st.text(max_size=40))
def test_normalize_is_idempotent_and_matching_never_crashes(text: str) -> None:
    once = normalize_name(text)
    assert normalize_name(once) == once
    m = match_exercise(text, load_catalog())
    assert (m.key is None) == (m.confidence == 0)


def test_big_hevy_export_maps_at_least_95_percent(real_dir: Path, catalog: Catalog) -> None:
    with (real_dir / HEVY_BIG).open(newline="", encoding="utf-8") as fh:
        names = Counter(row["exercise_title"] for row in csv.DictReader(fh))
    total = sum(names.values())
    mapped = sum(n for name, n in names.items() if match_exercise(name, catalog).mapped)
    assert total == 7211
    assert mapped / total >= MIN_HEVY_MAPPED
    # The only unmapped name is Hevy's cardio "Warm Up", which is not a strength exercise.
    assert {name for name in names if not match_exercise(name, catalog).mapped} == {"Warm Up"}


def _fit_strings(path: Path) -> list[str]:
    """'category:name' strings for a FIT file's active sets, as the FIT reader writes them."""
    from garmin_fit_sdk import Decoder, Profile, Stream

    messages, errors = Decoder(Stream.from_file(str(path))).read()
    assert not errors
    out = []
    for message in messages.get("set_mesgs", []):
        if message.get("set_type") != "active":
            continue
        categories = message.get("category") or ["unknown"]
        subtypes = message.get("category_subtype") or [None]
        category, subtype = categories[0], subtypes[0]
        names = Profile["types"].get(f"{category}_exercise_name", {})
        name = names.get(subtype, "unknown") if subtype is not None else "unknown"
        out.append(f"{category}:{name}")
    return out


def test_map_fit_sets_on_real_garmin_strength_files(real_dir: Path, catalog: Catalog) -> None:
    raws = [s for f in sorted((real_dir / FIT_FIXTURES).glob("*.fit")) for s in _fit_strings(f)]
    assert len(raws) > 50
    sets = [ExerciseSet(exercise=raw, raw_name=raw, reps=10) for raw in raws]
    mapped = map_fit_sets(sets, catalog)
    assert len(mapped) == len(sets)
    for before, after in zip(sets, mapped, strict=True):
        assert after.raw_name == before.raw_name
        assert after.reps == before.reps
        if after.mapped:
            assert after.exercise in catalog
        else:
            assert after.exercise == before.raw_name
    assert not any(s.mapped for s in mapped if s.raw_name == "unknown:unknown")
    keys = {s.exercise for s in mapped if s.mapped}
    # These watches name e.g. "deadlift:barbell_deadlift" and "triceps_extension:bench_dip".
    assert {"deadlift", "bench_dip"} <= keys


def test_map_fit_sets_uses_exercise_when_raw_name_is_missing(catalog: Catalog) -> None:
    out = map_fit_sets([ExerciseSet(exercise="squat:goblet_squat")], catalog)
    assert out[0].exercise == "goblet_squat" and out[0].mapped
    assert out[0].raw_name == "squat:goblet_squat"
