"""Fibre emphasis: how much of a session's work was forceful enough to recruit type 2 fibres.

legday reports ``type2_share`` ∈ [0, 1]: the share of a session's *work* done in forceful
efforts. It is a documented heuristic built on these facts (see docs/science.md):

* Size principle (Henneman 1957, *Science* 126:1345): motor units are recruited from small
  (type 1) to large (type 2) as the force demand rises. Above roughly threshold speed, or on a
  steep climb, the force per step rises and type 2 units join.
* Near-maximal speed and sprints recruit type 2 fibres almost fully (glycogen depletion of
  type II fibres in supramaximal bouts; REFERENCES, "Glycogen depletion").
* Uphill running adds hip and ankle work per step (Roberts & Belliveau 2005, *J Exp Biol*
  208:1963), hence force per step beyond what the metabolic cost alone shows.
* Late in very long runs, once type 1 fibres are glycogen-depleted, type 2 recruitment rises
  even at moderate intensity (Krustrup et al. 2004, *Med Sci Sports Exerc* 36:973).
* A strength set taken close to failure recruits the whole motor-unit pool (size principle),
  so a lifting session's share follows the effort of its sets.

Each sample gets a *forceful fraction* φ ∈ [0, 1] (speed and climb) plus a fatigue term;
``type2_share`` is the mean of their sum weighted by the muscles' work. The ramps below are
legday's own heuristic choices, not fitted values.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

__all__ = [
    "DEFAULT_THRESHOLD_SPEED_MPS",
    "fatigue_recruitment",
    "forceful_fraction",
    "type2_share",
    "type2_share_of_sets",
]

FloatArray = npt.NDArray[np.float64]

#: Threshold (≈ 1-hour race) speed assumed when the athlete's is unknown, m/s (4:10 min/km, a
#: typical recreational runner's; heuristic default, pass the athlete's own when known).
DEFAULT_THRESHOLD_SPEED_MPS: float = 4.0
#: Grade-adjusted speed, as a fraction of threshold speed, where forceful (type 2) work starts
#: (heuristic: steady running up to threshold is type 1 work, R3; Henneman's size principle).
TYPE2_ONSET_FRACTION: float = 1.0
#: Further fraction of threshold speed over which recruitment ramps to full (heuristic: full at
#: 1.5 × threshold = 6 m/s for the default, i.e. near-maximal running and sprints).
TYPE2_RAMP_FRACTION: float = 0.50
#: Uphill grade (fraction) from which the climb itself adds forceful work (heuristic; hill
#: repeats are run at ≥ 4–6 %, REFERENCES "Hill repeats").
STEEP_ONSET_GRADE: float = 0.04
#: Grade span over which the climb's contribution ramps to its maximum (heuristic: full at 16 %).
STEEP_RAMP_GRADE: float = 0.12
#: Largest contribution of the climb alone to φ (heuristic: a steep climb at easy speed is half
#: forceful, cf. Roberts & Belliveau 2005: hip work per step rises steeply with grade).
STEEP_MAX_SHARE: float = 0.5
#: Running speed below which a climb is walked and adds no forceful work, m/s (heuristic:
#: the walk–run transition is near 2 m/s).
STEEP_MIN_SPEED_MPS: float = 2.0
#: Moving time after which fatigue adds type 2 recruitment, s (heuristic onset of type 1
#: glycogen depletion at moderate pace, ~90 min; Krustrup et al. 2004).
FATIGUE_ONSET_S: float = 5400.0
#: Moving time over which the fatigue term ramps to its maximum, s (heuristic: 90 min more).
FATIGUE_RAMP_S: float = 5400.0
#: Largest fatigue contribution to φ (heuristic; Krustrup et al. 2004 saw fast-twitch activity
#: rise at ~50 % VO2max once slow-twitch fibres were depleted).
FATIGUE_MAX_SHARE: float = 0.3


def forceful_fraction(
    gas_mps: FloatArray,
    grade: FloatArray,
    speed_mps: FloatArray,
    threshold_speed_mps: float = DEFAULT_THRESHOLD_SPEED_MPS,
) -> FloatArray:
    """φ ∈ [0, 1] per sample: the share of that sample's work done in forceful efforts.

    φ = clip(φ_speed + φ_climb, 0, 1), where φ_speed ramps with grade-adjusted speed (Minetti
    et al. 2002) from 1.0 to 1.5 × threshold speed (size principle, Henneman 1957), and
    φ_climb ramps with uphill grade from 4 % to 16 % while running (Roberts & Belliveau 2005).
    Heuristic; see the module docstring. NaN inputs count as 0.
    """
    if threshold_speed_mps <= 0:
        raise ValueError(f"threshold_speed_mps must be > 0, got {threshold_speed_mps}")
    rel = np.nan_to_num(gas_mps) / threshold_speed_mps
    phi_speed = np.clip((rel - TYPE2_ONSET_FRACTION) / TYPE2_RAMP_FRACTION, 0.0, 1.0)
    climb = np.clip((np.nan_to_num(grade) - STEEP_ONSET_GRADE) / STEEP_RAMP_GRADE, 0.0, 1.0)
    running = np.nan_to_num(speed_mps) >= STEEP_MIN_SPEED_MPS
    out: FloatArray = np.clip(phi_speed + STEEP_MAX_SHARE * climb * running, 0.0, 1.0)
    return out


def fatigue_recruitment(moving_clock_s: FloatArray) -> FloatArray:
    """Extra type 2 recruitment from fatigue, per sample, in [0, 0.3].

    Ramps from 0 after 90 min of moving time to 0.3 after 180 min: once type 1 fibres run low
    on glycogen, type 2 fibres are recruited even at moderate intensity (Krustrup et al. 2004,
    *Med Sci Sports Exerc* 36:973). Onset, ramp and ceiling are heuristic. It raises the type 2
    share, not the strength stimulus: the force per step does not rise.
    """
    ramp = np.clip((np.nan_to_num(moving_clock_s) - FATIGUE_ONSET_S) / FATIGUE_RAMP_S, 0.0, 1.0)
    out: FloatArray = FATIGUE_MAX_SHARE * ramp
    return out


def type2_share(phi: FloatArray, work: FloatArray) -> float:
    """The work-weighted mean of φ, in [0, 1] (0 when there is no work)."""
    w = np.clip(np.nan_to_num(work), 0.0, None)
    total = float(w.sum())
    if total <= 0.0:
        return 0.0
    return float(np.clip(np.dot(np.clip(phi, 0.0, 1.0), w) / total, 0.0, 1.0))


def type2_share_of_sets(efforts: Iterable[float]) -> float:
    """A lifting session's share: the mean effort (0–1) of its working sets.

    A set taken close to failure recruits the whole motor-unit pool (size principle, Henneman
    1957), so its work counts as type 2 in proportion to its effort. 0 with no sets.
    """
    values = [min(max(float(e), 0.0), 1.0) for e in efforts]
    return sum(values) / len(values) if values else 0.0
