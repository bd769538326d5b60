"""The ground under the runner: elevation and map position as functions of route position.

A route is a line from home; the *route position* ``p`` (m) is how far along it the runner is.
It rises on the way out and falls when the runner turns back (hill-repeat descents, the way home
after a hill session), so repeats go over exactly the same ground. The cumulative distance, by
contrast, only grows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["HillSpec", "Terrain", "make_terrain"]

FloatArray = npt.NDArray[np.float64]

#: Grid spacing of the terrain model, m.
GRID_M = 5.0
#: Length scale of the rolling hills (Gaussian smoothing σ), m: typical suburban rollers.
ROLLING_SCALE_M = 250.0
#: Length scale of small bumps, m.
BUMP_SCALE_M = 30.0
#: Amplitude of small bumps, m.
BUMP_AMPLITUDE_M = 0.6
#: Smoothing of climb corners (σ), m, so grades change over a few tens of metres as on real roads.
CORNER_SCALE_M = 15.0
#: Metres per degree of latitude (WGS-84 mean, adequate at the few-km scale of a run).
M_PER_DEG_LAT = 111_320.0
#: How much the rolling hills are damped on a hill-repeat climb so its grade stays constant-ish.
HILL_ROLLING_DAMPING = 0.1
#: Amplitude of the grade wobble along a hill-repeat climb, as a grade fraction.
HILL_GRADE_WOBBLE = 0.003
#: Margin before and after the route's used range, m.
_MARGIN_M = 400.0


@dataclass(frozen=True, slots=True)
class HillSpec:
    """A steady climb starting at route position ``start_m``."""

    start_m: float
    length_m: float
    grade: float
    """Mean grade as a fraction (0.07 = 7 %)."""
    corner_m: float | None = None
    """Smoothing of this climb's corners (σ), m; None = :data:`CORNER_SCALE_M`. A short steep
    climb of 30–60 m needs sharp corners, or smoothing flattens it."""


@dataclass(frozen=True, slots=True)
class Terrain:
    """Elevation and map position sampled every :data:`GRID_M` metres of route position."""

    p_m: FloatArray
    elevation_m: FloatArray
    grade: FloatArray
    lat_deg: FloatArray
    lon_deg: FloatArray

    def elevation_at(self, p: FloatArray) -> FloatArray:
        return np.interp(p, self.p_m, self.elevation_m)

    def grade_at(self, p: FloatArray) -> FloatArray:
        """Grade along the route's forward direction, as a fraction."""
        return np.interp(p, self.p_m, self.grade)

    def position_at(self, p: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Latitude and longitude, degrees."""
        return np.interp(p, self.p_m, self.lat_deg), np.interp(p, self.p_m, self.lon_deg)


def _smooth_noise(rng: np.random.Generator, n: int, scale_m: float) -> FloatArray:
    """Unit-variance Gaussian-smoothed noise on the grid."""
    sigma = max(scale_m / GRID_M, 1.0)
    half = int(3 * sigma)
    kernel = np.exp(-0.5 * (np.arange(-half, half + 1) / sigma) ** 2)
    raw = rng.normal(size=n + 2 * half)
    out = np.convolve(raw, kernel / kernel.sum(), mode="valid")[:n]
    return out / (out.std() or 1.0)


def _smooth(x: FloatArray, scale_m: float) -> FloatArray:
    sigma = max(scale_m / GRID_M, 1.0)
    half = int(3 * sigma)
    kernel = np.exp(-0.5 * (np.arange(-half, half + 1) / sigma) ** 2)
    padded = np.concatenate([np.full(half, x[0]), x, np.full(half, x[-1])])
    return np.convolve(padded, kernel / kernel.sum(), mode="valid")


def make_terrain(
    rng: np.random.Generator,
    *,
    length_m: float,
    home_lat_deg: float,
    home_lon_deg: float,
    home_elevation_m: float,
    hilliness_m: float,
    climbs: int = 0,
    hill: HillSpec | None = None,
    loop: bool = True,
    approach: HillSpec | None = None,
) -> Terrain:
    """Build the terrain for a route of about ``length_m``.

    Rolling hills are Gaussian-smoothed noise (amplitude ``hilliness_m``). ``climbs`` adds that
    many real-looking climbs of 0.4–1.5 km at 3–6 %, each followed by a gentler descent, so a loop
    ends near its start height. ``hill`` adds one steady climb (for hill repeats) with a plateau
    after it, on which the rolling hills are damped. A ``loop`` route bends back towards home;
    otherwise it wanders out (and the runner comes back the same way). ``approach`` adds a
    plain climb (not damped, not straightened), such as one on the way to the hill.
    """
    p = np.arange(-_MARGIN_M, length_m + _MARGIN_M + GRID_M, GRID_M)
    n = p.shape[0]
    rolling = 0.5 * hilliness_m * _smooth_noise(rng, n, ROLLING_SCALE_M)
    rolling += BUMP_AMPLITUDE_M * _smooth_noise(rng, n, BUMP_SCALE_M)
    shape = np.zeros(n)
    section = length_m / max(climbs, 1)
    for k in range(climbs):  # one climb (and its descent) per section of the route
        span = min(rng.uniform(400.0, 1500.0), section / 3.5)
        start = k * section + rng.uniform(0.0, section - 3.2 * span)
        g = rng.uniform(0.03, 0.06)
        up = g * np.clip(p - start, 0.0, span)
        down = 0.5 * g * np.clip(p - start - span, 0.0, 2.0 * span)
        shape += up - down
    sharp = np.zeros(n)
    if hill is not None:
        inside = (p > hill.start_m - 60.0) & (p < hill.start_m + hill.length_m + 60.0)
        damp = _smooth(np.where(inside, HILL_ROLLING_DAMPING, 1.0), 40.0)
        rolling = (rolling - np.interp(hill.start_m, p, rolling)) * damp
        wobble = HILL_GRADE_WOBBLE * _smooth_noise(rng, n, 40.0)
        g_local = np.where(
            (p >= hill.start_m) & (p <= hill.start_m + hill.length_m), hill.grade, 0.0
        )
        climb = np.cumsum((g_local + wobble * (g_local > 0)) * GRID_M)
        if hill.corner_m is None:
            shape += climb
        else:
            sharp = _smooth(climb, hill.corner_m)
    if approach is not None:
        on = (p >= approach.start_m) & (p <= approach.start_m + approach.length_m)
        shape += np.cumsum(np.where(on, approach.grade, 0.0) * GRID_M)
    elevation = home_elevation_m + rolling + _smooth(shape, CORNER_SCALE_M)
    elevation += sharp  # zero unless the hill has its own corners
    elevation -= np.interp(0.0, p, elevation) - home_elevation_m
    grade = np.gradient(elevation, GRID_M)

    heading0 = rng.uniform(0.0, 2.0 * np.pi)
    wander = 0.6 * _smooth_noise(rng, n, 300.0)
    turn = 2.0 * np.pi * np.clip(p, 0.0, None) / max(length_m, 1.0) if loop else 0.0
    heading = heading0 + turn + wander
    if hill is not None:  # straighten the climb, as real hill-repeat climbs are one street
        on_hill = (p >= hill.start_m) & (p <= hill.start_m + hill.length_m)
        heading = np.where(on_hill, np.interp(hill.start_m, p, heading), heading)
    x = np.cumsum(np.cos(heading)) * GRID_M
    y = np.cumsum(np.sin(heading)) * GRID_M
    x -= np.interp(0.0, p, x)
    y -= np.interp(0.0, p, y)
    lat = home_lat_deg + y / M_PER_DEG_LAT
    lon = home_lon_deg + x / (M_PER_DEG_LAT * np.cos(np.radians(home_lat_deg)))
    return Terrain(p_m=p, elevation_m=elevation, grade=grade, lat_deg=lat, lon_deg=lon)
