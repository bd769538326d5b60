"""Numbers for people, in the athlete's units: metric (km, min/km, kg, m) or imperial (mi,
min/mi, lb, ft), as the profile's ``units`` says.

Display conversion only: everything stored and computed stays SI (see ``docs/science.md``), and
the pages call these at the last moment.
"""

from __future__ import annotations

import math
from typing import Literal

from legday.cli.common import fmt_distance

__all__ = [
    "FEET_PER_METRE",
    "KG_TO_LB",
    "METRES_PER_MILE",
    "Units",
    "distance",
    "elevation",
    "elevation_unit",
    "load",
    "load_unit",
    "load_value",
    "pace",
    "pace_unit",
    "to_units",
]

Units = Literal["metric", "imperial"]

#: Metres in a statute mile (international yard and pound agreement, 1959).
METRES_PER_MILE = 1609.344
#: Pounds in a kilogram (the pound is defined as exactly 0.45359237 kg, 1959).
KG_TO_LB = 1.0 / 0.45359237
#: Feet in a metre (the foot is exactly 0.3048 m, 1959).
FEET_PER_METRE = 1.0 / 0.3048


def to_units(value: str | None) -> Units:
    """The profile's ``units``, metric for anything else."""
    return "imperial" if value == "imperial" else "metric"


def _fmt_pace(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 60}:{s % 60:02d}"


def pace_unit(units: str) -> str:
    """``/km`` or ``/mi``."""
    return "/mi" if units == "imperial" else "/km"


def pace(speed_mps: float | None, units: str = "metric") -> str:
    """``5:12 /km`` (or ``/mi``) for a speed."""
    if speed_mps is None or not math.isfinite(speed_mps) or speed_mps <= 0:
        return "–"
    metres = METRES_PER_MILE if units == "imperial" else 1000.0
    return f"{_fmt_pace(metres / speed_mps)} {pace_unit(units)}"


def distance(metres: float | None, units: str = "metric") -> str:
    """``12.13 km`` or ``7.54 mi``."""
    return fmt_distance(metres, units)


def load_unit(units: str) -> str:
    return "lb" if units == "imperial" else "kg"


def load_value(kg: float | None, units: str = "metric") -> float | None:
    """A load in the athlete's unit: kg, or lb rounded to 0.1."""
    if kg is None or not math.isfinite(kg):
        return None
    return round(kg * KG_TO_LB, 1) if units == "imperial" else kg


def load(kg: float | None, units: str = "metric") -> str:
    """``37.5 kg`` or ``82.7 lb``; ``–`` when unknown."""
    value = load_value(kg, units)
    return "–" if value is None else f"{value:g} {load_unit(units)}"


def elevation_unit(units: str) -> str:
    return "ft" if units == "imperial" else "m"


def elevation(metres: float | None, units: str = "metric") -> str:
    """``118 m`` or ``387 ft``."""
    if metres is None or not math.isfinite(metres):
        return "–"
    value = metres * FEET_PER_METRE if units == "imperial" else metres
    return f"{value:.0f} {elevation_unit(units)}"
