"""The sixteen muscle groups legday reports, their body regions, and muscle-map helpers.

The keys and regions are the table in DOMAIN.md ("The muscles"). Every per-muscle output of
legday carries all sixteen keys; extra groups may be added after them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

from legday.model import MUSCLES

__all__ = [
    "LOWER_BODY",
    "MUSCLES",
    "MUSCLE_GROUPS",
    "REGION",
    "Region",
    "add_muscles",
    "complete_muscles",
    "scale_muscles",
    "top_muscle_groups",
    "zero_muscles",
]

Region = Literal["lower", "upper", "core"]


#: The body region of each muscle key (DOMAIN.md, "The muscles").
REGION: dict[str, Region] = {
    "abdominals": "core",
    "obliques": "core",
    "glutes": "lower",
    "quads": "lower",
    "hamstrings": "lower",
    "hip_abductors": "lower",
    "hip_adductors": "lower",
    "hip_flexors": "lower",
    "gastrocnemius": "lower",
    "soleus": "lower",
    "biceps": "upper",
    "triceps": "upper",
    "pectorals": "upper",
    "deltoids": "upper",
    "trapezius": "upper",
    "rhomboids": "upper",
}

#: The lower-body keys: the groups a leg day must train (DOMAIN.md R7; region "lower").
LOWER_BODY: frozenset[str] = frozenset(k for k, r in REGION.items() if r == "lower")

#: Plain-language groups used when a verdict names what a session worked (display only).
MUSCLE_GROUPS: dict[str, tuple[str, ...]] = {
    "calves": ("gastrocnemius", "soleus"),
    "hips": ("glutes", "hip_flexors", "hip_abductors", "hip_adductors"),
    "quads": ("quads",),
    "hamstrings": ("hamstrings",),
    "core": ("abdominals", "obliques"),
    "arms": ("biceps", "triceps"),
    "shoulders and upper back": ("deltoids", "trapezius", "rhomboids"),
    "chest": ("pectorals",),
}


def zero_muscles() -> dict[str, float]:
    """A map with every one of the sixteen keys at 0."""
    return dict.fromkeys(MUSCLES, 0.0)


def complete_muscles(loads: Mapping[str, float]) -> dict[str, float]:
    """``loads`` with every missing key of :data:`MUSCLES` added at 0, the sixteen first.

    Raises :class:`ValueError` for a negative or non-finite load, naming the key.
    """
    out = zero_muscles()
    for key, value in loads.items():
        v = float(value)
        if not v >= 0.0 or v == float("inf"):
            raise ValueError(f"muscle load {key!r} must be finite and >= 0, got {value!r}")
        out[key] = v
    return out


def add_muscles(maps: Iterable[Mapping[str, float]]) -> dict[str, float]:
    """The key-wise sum of several muscle maps (always with the sixteen keys)."""
    out = zero_muscles()
    for m in maps:
        for key, value in m.items():
            out[key] = out.get(key, 0.0) + float(value)
    return out


def scale_muscles(loads: Mapping[str, float], factor: float) -> dict[str, float]:
    """Every load times ``factor`` (always with the sixteen keys)."""
    return complete_muscles({k: float(v) * factor for k, v in loads.items()})


def top_muscle_groups(loads: Mapping[str, float], n: int = 2) -> list[str]:
    """The ``n`` plain-language groups (:data:`MUSCLE_GROUPS`) with the largest summed load,
    largest first; groups with no load are left out."""
    totals = {
        name: sum(float(loads.get(k, 0.0)) for k in keys) for name, keys in MUSCLE_GROUPS.items()
    }
    ranked = sorted((name for name in totals if totals[name] > 0.0), key=lambda g: -totals[g])
    return ranked[:n]
