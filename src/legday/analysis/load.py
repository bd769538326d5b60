"""Training load of one session from heart rate (and the athlete's rating, when given)."""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "BANISTER_CONSTANTS",
    "banister_trimp",
    "edwards_trimp",
    "hr_stress",
    "session_rpe",
]

FloatArray = npt.NDArray[np.float64]

#: Banister TRIMP weighting a·e^(b·x) by sex: men 0.64/1.92, women 0.86/1.67 (Banister 1991,
#: in *Physiological Testing of the High-Performance Athlete*; Morton, Fitz-Clarke & Banister
#: 1990, *J Appl Physiol* 69:1171); unknown sex 0.725/1.795 (their mean, as Runalyze uses).
BANISTER_CONSTANTS: dict[str | None, tuple[float, float]] = {
    "m": (0.64, 1.92),
    "f": (0.86, 1.67),
    None: (0.725, 1.795),
}
#: Edwards' bands: lower bounds as fractions of HRmax, weighted 1…5 (Edwards 1993, *The Heart
#: Rate Monitor Book*).
EDWARDS_BOUNDS = (0.5, 0.6, 0.7, 0.8, 0.9)


def banister_trimp(
    hr_bpm: FloatArray,
    weight_s: FloatArray,
    hr_rest: float,
    hr_max: float,
    sex: Literal["m", "f"] | None = None,
) -> float:
    """Banister's training impulse: Σ Δt[min] · x · a·e^(b·x), x = (HR − HRrest)/(HRmax − HRrest).

    Banister 1991; Morton, Fitz-Clarke & Banister 1990, *J Appl Physiol* 69:1171. ``x`` is
    clipped to [0, 1]; points without HR or with zero weight add nothing.
    """
    a, b = BANISTER_CONSTANTS[sex]
    ok = np.isfinite(hr_bpm) & (weight_s > 0)
    x = np.clip((hr_bpm[ok] - hr_rest) / (hr_max - hr_rest), 0.0, 1.0)
    return float(np.sum(weight_s[ok] / 60.0 * x * a * np.exp(b * x)))


def edwards_trimp(hr_bpm: FloatArray, weight_s: FloatArray, hr_max: float) -> float:
    """Edwards' TRIMP: minutes in each 10 % HRmax band from 50 % up, weighted 1 to 5.

    Edwards 1993, *The Heart Rate Monitor Book* (Polar Electro).
    """
    ok = np.isfinite(hr_bpm) & (weight_s > 0)
    band = np.searchsorted(np.asarray(EDWARDS_BOUNDS) * hr_max, hr_bpm[ok], side="right")
    return float(np.sum(weight_s[ok] / 60.0 * band))


def hr_stress(
    trimp: float, lthr: float, hr_rest: float, hr_max: float, sex: Literal["m", "f"] | None
) -> float:
    """HR stress score: 100 × TRIMP / TRIMP of one hour at LTHR (as GoldenCheetah and Elevate
    normalise Banister's TRIMP; Banister 1991)."""
    hour = np.full(60, lthr, dtype=np.float64)
    ref = banister_trimp(hour, np.full(60, 60.0), hr_rest, hr_max, sex)
    return 100.0 * trimp / ref if ref > 0 else 0.0


def session_rpe(rpe_cr10: float | None, duration_s: float) -> float | None:
    """Session RPE load: CR-10 rating × minutes (Foster et al. 2001, *J Strength Cond Res*
    15:109–115). None without a rating."""
    if rpe_cr10 is None:
        return None
    return float(rpe_cr10) * duration_s / 60.0
