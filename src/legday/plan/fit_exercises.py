"""Catalog exercises as Garmin FIT exercises: an ``exercise_category`` and an ``exercise_name``.

An exercise whose catalog entry lists FIT pairs (``fit`` in ``catalog.toml``) is written as the
first of them, an **exact** match in the FIT profile. The catalog exercises the profile has no
name for get the **nearest** pair in :data:`NEAREST` (the closest movement in the closest
category), and a workout gives them their real name in an ``exercise_title`` message; they are
listed in ``docs/fit-workouts.md``. Names are turned into numbers with the official SDK's
profile (``garmin_fit_sdk.Profile``), so nothing here is retyped from the FIT spreadsheet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from legday.errors import NotFoundError
from legday.strength.catalog import load_catalog

__all__ = ["NEAREST", "FitExercise", "fit_exercise", "pick_fit_exercises"]

#: Catalog key → the nearest FIT ``category:name`` pairs, best first, for the exercises with no
#: FIT equivalent (legday's own choice: the same movement on other equipment, else the same
#: joint action). A workout takes the first pair no other exercise of it uses, so every
#: ``exercise_title`` names one exercise.
NEAREST: Mapping[str, tuple[str, ...]] = {
    "smith_machine_squat": ("squat:barbell_back_squat", "squat:squat"),
    "glute_ham_raise": ("leg_curl:leg_curl", "leg_curl:sliding_leg_curl"),
    "nordic_curl": ("leg_curl:leg_curl", "leg_curl:sliding_leg_curl"),
    "seated_leg_curl": ("leg_curl:leg_curl", "leg_curl:sliding_leg_curl"),
    "machine_hip_thrust": ("hip_raise:barbell_hip_thrust_with_bench", "hip_raise:hip_raise"),
    "glute_kickback": (
        "hip_stability:standing_rear_leg_raise",
        "hip_stability:quadruped_hip_extension",
    ),
    "calf_press": ("calf_raise:standing_calf_raise", "calf_raise:donkey_calf_raise"),
    "bent_knee_calf_raise": (
        "calf_raise:seated_calf_raise",
        "calf_raise:single_leg_bent_knee_calf_raise",
    ),
    "tibialis_raise": ("calf_raise:seated_dumbbell_toe_raise",),
    "monster_walk": (
        "hip_stability:lateral_walks_with_band_at_ankles",
        "banded_exercises:lateral_band_walks",
    ),
    "copenhagen_plank": ("plank:side_plank_with_feet_on_bench", "plank:side_plank"),
    "short_lever_copenhagen_plank": ("plank:side_plank_with_feet_on_bench", "plank:side_plank"),
    "banded_hip_flexion": ("warm_up:walking_high_knees", "leg_raise:lying_straight_leg_raise"),
    "psoas_march": ("leg_raise:lying_straight_leg_raise", "crunch:flutter_kicks"),
    "machine_crunch": ("crunch:crunch", "crunch:kneeling_cable_crunch"),
    "dragon_flag": ("leg_raise:leg_lowering_drill", "crunch:leg_levers"),
    "suitcase_carry": ("carry:farmers_walk", "carry:farmers_carry"),
    "pogo_jump": ("cardio:jump_rope", "plyo:body_weight_jump_squat"),
    "incline_chest_press": (
        "bench_press:incline_smith_machine_bench_press",
        "bench_press:incline_dumbbell_bench_press",
    ),
    "machine_shoulder_press": (
        "shoulder_press:seated_dumbbell_shoulder_press",
        "shoulder_press:smith_machine_overhead_press",
    ),
    "machine_lateral_raise": (
        "lateral_raise:seated_lateral_raise",
        "lateral_raise:dumbbell_lateral_raise",
    ),
    "dip_machine": ("triceps_extension:body_weight_dip", "triceps_extension:bench_dip"),
    "pec_deck": ("flye:cable_crossover", "flye:dumbbell_flye"),
    "jm_press": (
        "triceps_extension:lying_triceps_extension_to_close_grip_bench_press",
        "bench_press:close_grip_barbell_bench_press",
    ),
    "machine_triceps_extension": (
        "triceps_extension:triceps_press",
        "triceps_extension:triceps_pressdown",
    ),
    "assisted_pull_up": ("pull_up:band_assisted_pull_up", "pull_up:pull_up"),
    "machine_lat_pulldown": ("pull_up:lat_pulldown", "pull_up:wide_grip_lat_pulldown"),
    "pendlay_row": ("row:barbell_row", "row:bent_over_row_with_barbell"),
    "machine_row": ("row:seated_cable_row", "row:wide_grip_seated_cable_row"),
    "machine_reverse_fly": ("flye:incline_reverse_flye", "lateral_raise:seated_rear_lateral_raise"),
    "machine_curl": ("curl:ez_bar_preacher_curl", "curl:one_arm_preacher_curl"),
}


@dataclass(frozen=True, slots=True)
class FitExercise:
    """One exercise as the FIT profile names it."""

    category: str
    """``exercise_category`` name (FIT profile type ``exercise_category``)."""
    name: str
    """Exercise name within the category (FIT type ``<category>_exercise_name``)."""
    exact: bool
    """True when the catalog itself lists the pair; False for a nearest pair (:data:`NEAREST`)."""

    @property
    def pair(self) -> str:
        """``category:name``, as the catalog writes it."""
        return f"{self.category}:{self.name}"

    @property
    def category_num(self) -> int:
        return _number("exercise_category", self.category)

    @property
    def name_num(self) -> int:
        return _number(f"{self.category}_exercise_name", self.name)


@cache
def _enum(type_name: str) -> dict[str, int]:
    """Name → number of a FIT profile type (the SDK's ``Profile["types"]``)."""
    from garmin_fit_sdk import Profile

    table: Mapping[int, str] = Profile["types"].get(type_name, {})
    return {name: int(raw) for raw, name in table.items()}


def _number(type_name: str, name: str) -> int:
    value = _enum(type_name).get(name)
    if value is None:
        raise NotFoundError(f"the FIT profile has no {type_name} named {name!r}")
    return value


def _parse(pair: str, exact: bool) -> FitExercise:
    category, _, name = pair.partition(":")
    return FitExercise(category, name, exact)


@cache
def _candidates(key: str) -> tuple[FitExercise, ...]:
    catalog = load_catalog()
    exercise = catalog.get(key)  # NotFoundError naming close keys
    if exercise.fit:
        return (_parse(exercise.fit[0], True),)
    nearest = NEAREST.get(key)
    if not nearest:
        raise NotFoundError(f"no FIT exercise for {key!r}: add it to NEAREST")
    return tuple(_parse(p, False) for p in nearest)


def fit_exercise(key: str) -> FitExercise:
    """The FIT exercise a catalog exercise is written as (its first, best pair)."""
    return _candidates(key)[0]


def pick_fit_exercises(keys: Iterable[str]) -> list[FitExercise]:
    """The FIT exercise of each key, in order, so that different exercises never share a pair.

    An exact pair is always kept; a nearest pair already taken moves on to the next candidate,
    then to the first free name of its category (the profile's order).
    """
    keys = list(keys)
    chosen: dict[str, FitExercise] = {}
    taken = {c[0].pair for k in set(keys) if (c := _candidates(k))[0].exact}
    for key in dict.fromkeys(keys):
        options = _candidates(key)
        if options[0].exact:
            chosen[key] = options[0]
            continue
        pick = next((o for o in options if o.pair not in taken), None)
        if pick is None:
            pick = _free_name(options[0].category, taken)
        taken.add(pick.pair)
        chosen[key] = pick
    return [chosen[k] for k in keys]


def _free_name(category: str, taken: set[str]) -> FitExercise:
    for name in _enum(f"{category}_exercise_name"):
        if f"{category}:{name}" not in taken:
            return FitExercise(category, name, False)
    raise NotFoundError(f"every FIT {category} exercise is taken")  # pragma: no cover
