"""Other endurance sports (R12): which muscles each one works, per hour at moderate effort.

DOMAIN.md R12: "the same question stands for indoor cycling and other cardio: the same model
answers it". For sports without a stream model, legday uses a per-sport map of muscle weights
(activation relative to the calves in easy running = 1), scaled by duration and intensity into
the same hard-set equivalents as runs (:data:`legday.stimulus.run_model.EXPOSURE_S_PER_SET`).
The maps are a documented heuristic ranked on these sources (docs/science.md):

* cycling: the knee and hip extensors (vasti, gluteus maximus) produce most of the power, with
  the hamstrings, calves and hip flexors around the top and bottom of the stroke (Hug & Dorel
  2009, *J Electromyogr Kinesiol* 19:182);
* rowing: the legs drive first, then the trunk swings and the arms and upper back pull
  (Concept2 technique guidance; heuristic split of about 60 % legs, 40 % trunk and arms);
* walking and hiking: the calves and hip muscles support and propel, as in running at lower
  force; hiking adds uphill hip and knee work (Roberts & Belliveau 2005, by analogy);
* swimming: the shoulders, chest, upper back and triceps pull, the core and hip flexors kick.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from legday.errors import ConfigError
from legday.stimulus.muscles import MUSCLES

__all__ = [
    "SPORT_MUSCLES",
    "SPORT_TYPE2_BASE",
    "SportKey",
    "sport_key",
    "sport_muscle_load",
]


class SportKey(StrEnum):
    """The sports R12 covers with a per-sport map (running has its own stream model)."""

    CYCLING = "cycling"
    INDOOR_CYCLING = "indoor_cycling"
    ROWING = "rowing"
    HIKING = "hiking"
    WALKING = "walking"
    SWIMMING = "swimming"
    STRENGTH_TRAINING = "strength_training"
    GENERIC = "generic"

    @classmethod
    def parse(cls, value: str) -> SportKey:
        """The sport named ``value``; :class:`ConfigError` lists the valid names otherwise."""
        try:
            return cls(value)
        except ValueError:
            valid = ", ".join(m.value for m in cls)
            raise ConfigError(f"unknown sport {value!r}; valid: {valid}") from None


_CYCLING: dict[str, float] = {
    "quads": 1.0,
    "glutes": 0.6,
    "hamstrings": 0.4,
    "gastrocnemius": 0.35,
    "soleus": 0.35,
    "hip_flexors": 0.3,
    "hip_adductors": 0.1,
    "hip_abductors": 0.1,
    "abdominals": 0.1,
    "obliques": 0.1,
    "triceps": 0.05,
    "deltoids": 0.05,
    "trapezius": 0.05,
}

#: Muscle weights per sport (activation relative to the calves in easy running = 1, per second
#: at moderate effort; heuristic, ranked on the sources in the module docstring). Keys beyond
#: the sixteen (``lats``, ``erector_spinae``) are extra groups DOMAIN.md allows.
SPORT_MUSCLES: dict[SportKey, dict[str, float]] = {
    SportKey.CYCLING: _CYCLING,
    SportKey.INDOOR_CYCLING: _CYCLING,
    SportKey.ROWING: {
        "quads": 0.8,
        "glutes": 0.6,
        "hamstrings": 0.5,
        "gastrocnemius": 0.2,
        "soleus": 0.2,
        "hip_flexors": 0.2,
        "abdominals": 0.4,
        "obliques": 0.2,
        "biceps": 0.5,
        "triceps": 0.1,
        "pectorals": 0.1,
        "deltoids": 0.4,
        "trapezius": 0.5,
        "rhomboids": 0.6,
        "lats": 0.8,
        "erector_spinae": 0.5,
    },
    SportKey.HIKING: {
        "quads": 0.6,
        "glutes": 0.6,
        "hamstrings": 0.4,
        "gastrocnemius": 0.6,
        "soleus": 0.6,
        "hip_flexors": 0.3,
        "hip_abductors": 0.4,
        "hip_adductors": 0.2,
        "abdominals": 0.15,
        "obliques": 0.2,
        "trapezius": 0.05,
    },
    SportKey.WALKING: {
        "quads": 0.25,
        "glutes": 0.25,
        "hamstrings": 0.2,
        "gastrocnemius": 0.45,
        "soleus": 0.5,
        "hip_flexors": 0.25,
        "hip_abductors": 0.3,
        "hip_adductors": 0.1,
        "abdominals": 0.1,
        "obliques": 0.1,
    },
    SportKey.SWIMMING: {
        "deltoids": 1.0,
        "pectorals": 0.6,
        "triceps": 0.6,
        "biceps": 0.3,
        "trapezius": 0.5,
        "rhomboids": 0.4,
        "lats": 0.9,
        "abdominals": 0.4,
        "obliques": 0.4,
        "glutes": 0.2,
        "quads": 0.2,
        "hamstrings": 0.2,
        "hip_flexors": 0.3,
        "gastrocnemius": 0.1,
        "soleus": 0.1,
    },
    # A strength session without set data: the muscles are unknown, so spread a little load
    # evenly (heuristic) rather than invent a pattern.
    SportKey.STRENGTH_TRAINING: dict.fromkeys(MUSCLES, 0.2),
    SportKey.GENERIC: {
        **dict.fromkeys(MUSCLES, 0.1),
        "quads": 0.3,
        "glutes": 0.3,
        "hamstrings": 0.25,
        "gastrocnemius": 0.3,
        "soleus": 0.3,
        "abdominals": 0.2,
        "obliques": 0.2,
    },
}

#: Baseline type 2 share of each sport at moderate effort (heuristic: steady, cyclic sports
#: recruit mainly type 1 fibres, R3; unknown strength work is taken as half forceful).
SPORT_TYPE2_BASE: dict[SportKey, float] = {
    SportKey.CYCLING: 0.05,
    SportKey.INDOOR_CYCLING: 0.05,
    SportKey.ROWING: 0.08,
    SportKey.HIKING: 0.03,
    SportKey.WALKING: 0.0,
    SportKey.SWIMMING: 0.05,
    SportKey.STRENGTH_TRAINING: 0.5,
    SportKey.GENERIC: 0.05,
}

#: FIT/GPX/Strava sport and sub-sport names that map to a :class:`SportKey` (sub-sport wins).
_ALIASES: dict[str, SportKey] = {
    "cycling": SportKey.CYCLING,
    "biking": SportKey.CYCLING,
    "ride": SportKey.CYCLING,
    "road": SportKey.CYCLING,
    "mountain": SportKey.CYCLING,
    "gravel_cycling": SportKey.CYCLING,
    "indoor_cycling": SportKey.INDOOR_CYCLING,
    "virtual_activity": SportKey.INDOOR_CYCLING,
    "spin": SportKey.INDOOR_CYCLING,
    "virtualride": SportKey.INDOOR_CYCLING,
    "rowing": SportKey.ROWING,
    "indoor_rowing": SportKey.ROWING,
    "hiking": SportKey.HIKING,
    "hike": SportKey.HIKING,
    "walking": SportKey.WALKING,
    "walk": SportKey.WALKING,
    "swimming": SportKey.SWIMMING,
    "swim": SportKey.SWIMMING,
    "lap_swimming": SportKey.SWIMMING,
    "open_water": SportKey.SWIMMING,
    "strength_training": SportKey.STRENGTH_TRAINING,
    "weighttraining": SportKey.STRENGTH_TRAINING,
    "weight_training": SportKey.STRENGTH_TRAINING,
}


def sport_key(sport: str | None, sub_sport: str | None = None) -> SportKey:
    """The :class:`SportKey` for a recorded sport and sub-sport (``generic`` when unknown).

    The sub-sport wins when it names a sport (``fitness_equipment``/``indoor_rowing`` is
    rowing, ``cycling``/``virtual_activity`` is indoor cycling).
    """
    for name in (sub_sport, sport):
        if name:
            key = _ALIASES.get(name.strip().lower().replace(" ", "_"))
            if key is not None:
                return key
    return SportKey.GENERIC


def sport_muscle_load(
    sport: SportKey, duration_s: float, intensity: float, exposure_s_per_set: float
) -> dict[str, float]:
    """Per-muscle load of ``duration_s`` of ``sport`` at ``intensity`` (1 = moderate), in
    hard-set equivalents: weight × duration × intensity / ``exposure_s_per_set``.

    The map is :data:`SPORT_MUSCLES` (heuristic, R12). Always all sixteen keys.
    """
    if duration_s < 0 or intensity < 0:
        raise ValueError(f"duration_s and intensity must be >= 0, got {duration_s}, {intensity}")
    weights: Mapping[str, float] = SPORT_MUSCLES[sport]
    out = dict.fromkeys(MUSCLES, 0.0)
    for key, w in weights.items():
        out[key] = w * duration_s * intensity / exposure_s_per_set
    return out
