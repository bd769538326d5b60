"""Loads that exist: the athlete's plates, dumbbells and kettlebells, in the profile's units.

A prescription names a load the athlete can put on the bar or pick up, never "102.058 kg".
:class:`LoadSteps` knows, for each equipment, which loads exist:

* **barbell** — the bar plus pairs of the smallest plates: 20 kg + 2.5 kg steps (two 1.25 kg
  plates, ``Settings.barbell_step_kg``), or 45 lb + 5 lb (two 2.5 lb plates,
  ``Settings.barbell_step_lb``);
* **dumbbells / kettlebell** — the ones the athlete owns (profile ``dumbbells`` and
  ``kettlebells``); with none listed, a gym rack in the usual steps (2 kg or 5 lb dumbbells,
  4 kg or 5 lb kettlebells);
* **cables / machine** — the stack's plates (2.5 kg or 5 lb, 5 kg or 10 lb);
* **bodyweight / bands** — no kilograms at all: a harder variation or the next band.

Loads stay in kilograms inside legday (SI); imperial grids are exact pounds converted once
(1 lb = 0.45359237 kg), so a 225 lb deadlift prints as "225 lb".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from legday.model import AthleteProfile, Units
from legday.settings import Settings

__all__ = ["KG_PER_LB", "LoadSteps"]

#: Kilograms in a pound (the international pound, 1959: exactly 0.45359237 kg).
KG_PER_LB: float = 0.45359237

#: (lightest, step) of the usual load grid per equipment, kg (metric) — barbell and dumbbells
#: come from Settings. Machine stacks: 5 kg plates; cable stacks 2.5 kg; competition
#: kettlebells rise by 4 kg (8, 12, 16 … kg).
_GRID_KG: Mapping[str, tuple[float, float]] = {
    "kettlebell": (4.0, 4.0),
    "cables": (2.5, 2.5),
    "machine": (5.0, 5.0),
}
#: The same in pounds: a 45 lb bar, 5 lb dumbbell and kettlebell steps, 5 lb cable and 10 lb
#: machine plates (US gym equipment).
_GRID_LB: Mapping[str, tuple[float, float]] = {
    "kettlebell": (10.0, 5.0),
    "cables": (5.0, 5.0),
    "machine": (10.0, 10.0),
}
#: Olympic bar, kg and lb.
BAR_KG: float = 20.0
BAR_LB: float = 45.0
#: Heaviest load of a grid, in grid steps (a ceiling for ``up``; far above any plan).
_MAX_STEPS: int = 400
#: Grid positions closer than this are the same load (rounding of converted pounds).
_EPS: float = 1e-3


@dataclass(frozen=True, slots=True)
class LoadSteps:
    """Which loads exist for the athlete (see the module docstring)."""

    units: Units = "metric"
    dumbbells_kg: tuple[float, ...] = ()
    """The dumbbells the athlete owns (per hand); empty = a gym rack."""
    kettlebells_kg: tuple[float, ...] = ()
    barbell_step_kg: float = 2.5
    dumbbell_step_kg: float = 2.0
    barbell_step_lb: float = 5.0
    dumbbell_step_lb: float = 5.0

    @classmethod
    def of(
        cls, profile: AthleteProfile | None = None, settings: Settings | None = None
    ) -> LoadSteps:
        """The loads of ``profile``'s equipment with ``settings``' plate steps."""
        profile = profile or AthleteProfile()
        st = settings or Settings()
        return cls(
            units=profile.units,
            dumbbells_kg=tuple(sorted(profile.dumbbells)),
            kettlebells_kg=tuple(sorted(profile.kettlebells)),
            barbell_step_kg=st.barbell_step_kg,
            dumbbell_step_kg=st.dumbbell_step_kg,
            barbell_step_lb=st.barbell_step_lb,
            dumbbell_step_lb=st.dumbbell_step_lb,
        )

    def loadable(self, equipment: str) -> bool:
        """True when the equipment takes a load in kilograms (not bodyweight or bands)."""
        return equipment not in ("bodyweight", "bands")

    def owned(self, equipment: str) -> tuple[float, ...]:
        """The athlete's own loads for the equipment, kg; empty when it is a grid."""
        if equipment == "dumbbells":
            return self.dumbbells_kg
        if equipment == "kettlebell":
            return self.kettlebells_kg
        return ()

    def _grid(self, equipment: str) -> tuple[float, float]:
        """(lightest, step) of the grid, kg."""
        if self.units == "imperial":
            if equipment == "barbell":
                lo, step = BAR_LB, self.barbell_step_lb
            elif equipment == "dumbbells":
                lo, step = self.dumbbell_step_lb, self.dumbbell_step_lb
            else:
                lo, step = _GRID_LB[equipment]
            return lo * KG_PER_LB, step * KG_PER_LB
        if equipment == "barbell":
            return BAR_KG, self.barbell_step_kg
        if equipment == "dumbbells":
            return self.dumbbell_step_kg, self.dumbbell_step_kg
        return _GRID_KG[equipment]

    def _index(self, equipment: str, kg: float) -> float:
        lo, step = self._grid(equipment)
        return (kg - lo) / step

    def _at(self, equipment: str, i: int) -> float:
        lo, step = self._grid(equipment)
        return round(lo + max(0, min(i, _MAX_STEPS)) * step, 4)

    def nearest(self, equipment: str, kg: float) -> float:
        """The existing load closest to ``kg`` (the lightest when ``kg`` is below it)."""
        own = self.owned(equipment)
        if own:
            return min(own, key=lambda w: (abs(w - kg), w))
        return self._at(equipment, round(self._index(equipment, kg)))

    def up(self, equipment: str, kg: float) -> float | None:
        """The lightest existing load above ``kg``; None when nothing heavier exists."""
        own = self.owned(equipment)
        if own:
            return next((w for w in own if w > kg + 1e-6), None)
        i = math.floor(self._index(equipment, kg) + _EPS) + 1
        return self._at(equipment, i) if i <= _MAX_STEPS else None

    def down(self, equipment: str, kg: float) -> float | None:
        """The heaviest existing load below ``kg``; None when nothing lighter exists."""
        own = self.owned(equipment)
        if own:
            return next((w for w in reversed(own) if w < kg - 1e-6), None)
        i = math.ceil(self._index(equipment, kg) - _EPS) - 1
        return self._at(equipment, i) if i >= 0 else None

    def smallest_step(self, equipment: str) -> float:
        """The step between the two lightest loads, kg (0 when only one exists)."""
        lightest = self.nearest(equipment, 0.0)
        nxt = self.up(equipment, lightest)
        return 0.0 if nxt is None else nxt - lightest

    def step_text(self, equipment: str, kg: float) -> str:
        """The smallest step up from ``kg``, as words: ``2.5 kg`` or ``the 12 kg dumbbells``."""
        nxt = self.up(equipment, kg)
        if nxt is None:
            return "no heavier load: add a set or slow the lowering"
        if self.owned(equipment):
            return f"the {self.text(nxt)} {'dumbbells' if equipment == 'dumbbells' else 'bell'}"
        return self.text(nxt - kg)

    def text(self, kg: float) -> str:
        """``102.5 kg`` or ``225 lb`` (the profile's units)."""
        if self.units == "imperial":
            return f"{round(kg / KG_PER_LB, 1):g} lb"
        return f"{round(kg, 2):g} kg"
