"""Elevation, grade and grade-adjusted speed.

* Ascent and descent: altitude is lightly smoothed, then a zig-zag filter keeps only the
  reversals larger than ``hysteresis_m`` (REFERENCES: 3–5 m) before the swings are summed.
* Grade: the rise of the smoothed altitude across a distance window (50–100 m) centred on each
  point, clipped to the ±45 % range the cost models cover.
* Grade-adjusted speed (GAS): the flat speed with the same energy cost. Minetti et al. (2002)
  by default; Strava's 2017 empirical (heart-rate based) curve as an option.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
import numpy.typing as npt

from legday.errors import ConfigError

__all__ = [
    "GradeModel",
    "ascent_descent",
    "grade",
    "grade_adjusted_speed",
    "grade_factor",
    "minetti_cost",
    "smooth_altitude",
    "turning_points",
]

FloatArray = npt.NDArray[np.float64]

#: Minetti et al. 2002 polynomial coefficients, highest power first (J·kg⁻¹·m⁻¹; grade i as a
#: fraction): Cr(i) = 155.4i⁵ − 30.4i⁴ − 43.3i³ + 46.3i² + 19.5i + 3.6.
MINETTI_COEFFS = (155.4, -30.4, -43.3, 46.3, 19.5, 3.6)
#: Range of grades the Minetti polynomial was fitted on (fraction).
MINETTI_GRADE_LIMIT = 0.45
#: Strava 2017 empirical model: grades (fraction) of the published speed factors …
STRAVA_GRADES = (-0.20, -0.10, -0.04, 0.0, 0.04, 0.10, 0.20, 0.30)
#: … and the factors (Robb 2017, Strava Engineering; numbers as reverse-engineered, REFERENCES).
STRAVA_FACTORS = (1.081, 0.876, 0.918, 1.0, 1.135, 1.459, 2.297, 3.158)
#: Altitude smoothing before grade and ascent, s (centred moving mean; tames sensor noise).
ALTITUDE_SMOOTH_S = 15.0
#: Window of the noise estimate: altitude minus its moving mean over this long, s.
NOISE_WINDOW_S = 31.0
#: Residual altitude noise (1 SD) above which the altitude is treated as noisy GPS altitude, m
#: (barometric altitude ≈ 0.1–0.5 m; GPS altitude ≈ 3–10 m).
NOISY_ALTITUDE_SD_M = 1.0
#: Smoothing for noisy altitude, s.
NOISY_SMOOTH_S = 60.0
#: Shortest grade window for noisy altitude, m (a 10-m error over 50 m is a 20 % grade error).
NOISY_GRADE_WINDOW_M = 200.0


class GradeModel(StrEnum):
    """How grade-adjusted speed is computed."""

    MINETTI = "minetti"
    """Energy cost of running on slopes (Minetti et al. 2002, J Appl Physiol 93:1039)."""
    STRAVA = "strava"
    """Strava's 2017 empirical curve from heart rate on ~6 M runs (Robb 2017)."""

    @classmethod
    def parse(cls, value: str) -> GradeModel:
        """The model named ``value``; :class:`ConfigError` lists the valid names otherwise."""
        try:
            return cls(value)
        except ValueError:
            valid = ", ".join(m.value for m in cls)
            raise ConfigError(f"unknown grade model {value!r}; valid: {valid}") from None


def minetti_cost(grade_frac: FloatArray) -> FloatArray:
    """Energy cost of running, J·kg⁻¹·m⁻¹, at ``grade_frac`` (clipped to ±0.45).

    Minetti, Moia, Roi, Susta & Ferretti 2002, *J Appl Physiol* 93:1039–1046.
    """
    g = np.clip(grade_frac, -MINETTI_GRADE_LIMIT, MINETTI_GRADE_LIMIT)
    out: FloatArray = np.asarray(np.polyval(MINETTI_COEFFS, g), dtype=np.float64)
    return out


def grade_factor(grade_frac: FloatArray, model: GradeModel = GradeModel.MINETTI) -> FloatArray:
    """Speed multiplier that turns speed on ``grade_frac`` into flat-equivalent speed.

    Minetti: Cr(i)/Cr(0) (Minetti et al. 2002). Strava: linear interpolation of the published
    2017 factors, held constant beyond the table's ends.
    """
    if model is GradeModel.MINETTI:
        return minetti_cost(grade_frac) / MINETTI_COEFFS[-1]
    out: FloatArray = np.interp(grade_frac, STRAVA_GRADES, STRAVA_FACTORS)
    return out


def grade_adjusted_speed(
    speed_mps: FloatArray, grade_frac: FloatArray, model: GradeModel = GradeModel.MINETTI
) -> FloatArray:
    """Flat-equivalent speed, m/s: ``v · factor(i)`` (NaN grade counts as flat)."""
    g = np.nan_to_num(grade_frac)
    out: FloatArray = speed_mps * grade_factor(g, model)
    return out


def _filled(altitude_m: FloatArray) -> FloatArray:
    ok = np.isfinite(altitude_m)
    idx = np.arange(altitude_m.size)
    out: FloatArray = np.interp(idx, idx[ok], altitude_m[ok])
    return out


def _moving_mean(filled: FloatArray, width: int) -> FloatArray:
    if width <= 1:
        return filled
    pad = width // 2
    padded = np.r_[np.full(pad, filled[0]), filled, np.full(pad, filled[-1])]
    out: FloatArray = np.convolve(padded, np.ones(width) / width, mode="valid")[: filled.size]
    return out


def altitude_noise_m(altitude_m: FloatArray, step_s: float) -> float:
    """Short-term altitude noise, m: SD of the altitude around its ``NOISE_WINDOW_S`` mean."""
    if np.isfinite(altitude_m).sum() < 2:
        return 0.0
    filled = _filled(altitude_m)
    resid = filled - _moving_mean(filled, max(1, round(NOISE_WINDOW_S / step_s)))
    return float(np.std(resid))


def smooth_altitude(
    altitude_m: FloatArray, step_s: float, seconds: float | None = None
) -> FloatArray:
    """Altitude with gaps interpolated and a centred moving mean over ``seconds`` applied; by
    default ``ALTITUDE_SMOOTH_S`` for clean (barometric) altitude and ``NOISY_SMOOTH_S`` for
    noisy GPS altitude. Zeros without altitude data."""
    if np.isfinite(altitude_m).sum() < 2:
        return np.zeros_like(altitude_m)
    if seconds is None:
        noisy = altitude_noise_m(altitude_m, step_s) > NOISY_ALTITUDE_SD_M
        seconds = NOISY_SMOOTH_S if noisy else ALTITUDE_SMOOTH_S
    return _moving_mean(_filled(altitude_m), max(1, round(seconds / step_s)))


def turning_points(altitude_m: FloatArray, hysteresis_m: float) -> FloatArray:
    """The altitudes of the confirmed peaks and valleys (a zig-zag filter): a reversal counts
    only once it exceeds ``hysteresis_m``; smaller wiggles are noise.

    Only the local extrema are walked in Python (a few hundred in an hour), never the samples.
    """
    x = altitude_m
    if x.size < 2:
        return x.copy()
    d = np.sign(np.diff(x))
    nz = np.flatnonzero(d)
    if nz.size == 0:
        return x[:1].copy()
    turns = nz[np.r_[True, d[nz][1:] != d[nz][:-1]]]
    knots = x[np.unique(np.r_[0, turns, x.size - 1])]
    pts = [float(knots[0])]
    direction = 0
    for v in map(float, knots[1:]):
        if direction == 0:
            if abs(v - pts[0]) > hysteresis_m:
                direction = 1 if v > pts[0] else -1
                pts.append(v)
        elif direction * (v - pts[-1]) > 0:
            pts[-1] = v  # the swing goes on: move its extreme
        elif abs(v - pts[-1]) > hysteresis_m:
            direction = -direction
            pts.append(v)
    return np.asarray(pts, dtype=np.float64)


def ascent_descent(
    altitude_m: FloatArray, hysteresis_m: float, step_s: float
) -> tuple[float, float]:
    """Total ascent and descent, m, after smoothing and a ``hysteresis_m`` dead band."""
    if np.isfinite(altitude_m).sum() < 2:
        return 0.0, 0.0
    smooth = smooth_altitude(altitude_m, step_s)
    dz = np.diff(turning_points(smooth, hysteresis_m))
    return float(dz[dz > 0].sum()), float(-dz[dz < 0].sum())


def grade(
    altitude_m: FloatArray, distance_m: FloatArray, window_m: float, step_s: float
) -> FloatArray:
    """Grade (fraction) at each point: smoothed rise over a ``window_m`` distance window
    (at least ``NOISY_GRADE_WINDOW_M`` when the altitude is noisy GPS altitude).

    Where less than half the window was covered (standing still) the grade is 0. Altitude
    without data gives 0 everywhere (treadmills, indoor runs).
    """
    if np.isfinite(altitude_m).sum() < 2 or distance_m.size < 2:
        return np.zeros(distance_m.shape)
    z = smooth_altitude(altitude_m, step_s)
    if altitude_noise_m(altitude_m, step_s) > NOISY_ALTITUDE_SD_M:
        window_m = max(window_m, NOISY_GRADE_WINDOW_M)
    d = np.maximum.accumulate(distance_m)
    half = window_m / 2
    lo = np.clip(d - half, d[0], d[-1])
    hi = np.clip(d + half, d[0], d[-1])
    run = hi - lo
    # altitude as a function of distance: the first point at each distance stands for it
    first = np.r_[True, np.diff(d) > 0]
    z_lo = np.interp(lo, d[first], z[first])
    z_hi = np.interp(hi, d[first], z[first])
    # Divide only where the window is wide enough (elsewhere 0): no warning for tiny runs.
    g = np.divide(z_hi - z_lo, run, out=np.zeros_like(run), where=run >= half)
    out: FloatArray = np.clip(np.nan_to_num(g), -MINETTI_GRADE_LIMIT, MINETTI_GRADE_LIMIT)
    return out
