"""Heart-rate anchors (HRmax, HRrest, LTHR), zone models and time in zone.

Anchors come, in order of trust, from the athlete's profile, from their own history (a robust
observed maximum), from the Tanaka formula (needs a birth year), else from a documented
population default (:class:`~legday.settings.Settings`). Zone models:

* ``hrmax``: five zones bounded at fractions of HRmax (``Settings.hr_zone_bounds_pct_hrmax``);
* ``hrr``: the same fractions of heart-rate reserve (Karvonen, Kentala & Mustala 1957,
  *Ann Med Exp Biol Fenn* 35:307): HRrest + f·(HRmax − HRrest);
* ``lthr``: Friel's running zones Z1…Z5c as % of lactate-threshold HR (Friel, *The Triathlete's
  Training Bible*, 2009).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from legday.errors import ConfigError
from legday.model import AthleteProfile
from legday.settings import Settings

from .moving import rolling_mean
from .result import HistorySummary
from .segments import fill_short, runs

__all__ = [
    "FRIEL_BOUNDS_PCT_LTHR",
    "HrAnchors",
    "ZoneModel",
    "hr_anchors",
    "hr_max_from_history",
    "observed_hr_max",
    "tanaka_hr_max",
    "time_above",
    "time_in_band",
    "time_in_zones",
    "zone_bounds",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Friel's running zones: lower bounds of Z2…Z5c as fractions of LTHR (Z1 < 85 %, Z2 85–89,
#: Z3 90–94, Z4 95–99, Z5a 100–102, Z5b 103–106, Z5c > 106; Friel 2009).
FRIEL_BOUNDS_PCT_LTHR = (0.85, 0.90, 0.95, 1.00, 1.03, 1.07)
#: Friel's zone names, in order.
FRIEL_ZONES = ("Z1", "Z2", "Z3", "Z4", "Z5a", "Z5b", "Z5c")
#: Tanaka, Monahan & Seals 2001 (J Am Coll Cardiol 37:153): HRmax = 208 − 0.7·age.
TANAKA_INTERCEPT = 208.0
#: … slope per year of age.
TANAKA_SLOPE = 0.7
#: Smoothing before the observed maximum, s (REFERENCES: 5-s smoothed HR).
HR_SMOOTH_S = 5.0
#: A jump between consecutive 1-s samples larger than this is a spike, bpm/s (the heart rate
#: of a running athlete rises at most ~3–5 bpm/s; optical sensors spike by 20+).
HR_SPIKE_BPM_PER_S = 10.0
#: HR within this many bpm of the step rate is suspected cadence lock (optical sensors).
CADENCE_LOCK_BPM = 4.0
#: … when it lasts at least this long, s.
CADENCE_LOCK_MIN_S = 30.0
#: Gaps up to this long do not break a cadence lock, s.
LOCK_GAP_S = 5.0
#: Plausible HR range, bpm; values outside are sensor faults.
HR_VALID_RANGE = (30.0, 235.0)
#: Runs in the history needed before the history's maximum replaces formulas.
MIN_HISTORY_RUNS = 3
#: Percentile over the history's per-run maxima (robust to one faulty run).
HISTORY_PERCENTILE = 95.0


class ZoneModel(StrEnum):
    """Which zone model ``time_in_zones`` uses."""

    HRMAX = "hrmax"
    HRR = "hrr"
    LTHR = "lthr"

    @classmethod
    def parse(cls, value: str) -> ZoneModel:
        """The model named ``value``; :class:`ConfigError` lists the valid names otherwise."""
        try:
            return cls(value)
        except ValueError:
            valid = ", ".join(m.value for m in cls)
            raise ConfigError(f"unknown heart-rate zone model {value!r}; valid: {valid}") from None


@dataclass(frozen=True, slots=True)
class HrAnchors:
    """The heart rates zones are built on, with where each came from."""

    hr_max: float
    hr_max_source: str
    """``profile``, ``history``, ``observed`` (this run beat the estimate), ``tanaka``,
    ``default``."""
    hr_rest: float
    hr_rest_source: str
    lthr: float
    lthr_source: str


def tanaka_hr_max(age_years: float) -> float:
    """Predicted HRmax, bpm: 208 − 0.7·age (Tanaka, Monahan & Seals 2001, *J Am Coll Cardiol*
    37:153–156)."""
    return TANAKA_INTERCEPT - TANAKA_SLOPE * age_years


def clean_hr(hr_bpm: FloatArray, cadence_spm: FloatArray, step_s: float) -> FloatArray:
    """Heart rate with spikes, out-of-range values and cadence lock set to NaN."""
    hr = np.where((hr_bpm >= HR_VALID_RANGE[0]) & (hr_bpm <= HR_VALID_RANGE[1]), hr_bpm, np.nan)
    jump = np.abs(np.diff(hr, prepend=hr[:1])) / step_s if hr.size else hr
    spike = jump > HR_SPIKE_BPM_PER_S
    spike = spike | np.r_[spike[1:], False]
    hr = np.where(spike, np.nan, hr)
    close = np.abs(np.where(np.isfinite(hr), hr, hr_bpm) - cadence_spm) <= CADENCE_LOCK_BPM
    # a lock is a long run of near-equal values; brief gaps (spikes, dropouts) do not break it
    locked = fill_short(close, max(1, round(LOCK_GAP_S / step_s)), 1)
    starts, ends = runs(locked)
    for a, b in zip(starts, ends, strict=True):
        if (b - a) * step_s >= CADENCE_LOCK_MIN_S:
            hr[a:b] = np.nan
    return hr


def observed_hr_max(
    hr_bpm: FloatArray, cadence_spm: FloatArray, step_s: float, percentile: float
) -> float | None:
    """A robust observed maximum: the ``percentile`` of 5-s smoothed HR, after rejecting
    spikes and cadence lock. None without enough heart-rate data (< 1 min)."""
    hr = clean_hr(hr_bpm, cadence_spm, step_s)
    if np.isfinite(hr).sum() * step_s < 60:
        return None
    smooth = rolling_mean(hr, max(1, round(HR_SMOOTH_S / step_s)))
    smooth = smooth[np.isfinite(hr)]
    return float(np.percentile(smooth, percentile))


def hr_max_from_history(history: Sequence[HistorySummary]) -> float | None:
    """HRmax from the athlete's history: a high percentile of the runs' robust maxima."""
    maxima = [h.max_hr for h in history if h.max_hr is not None and h.max_hr > 0]
    if len(maxima) < MIN_HISTORY_RUNS:
        return None
    return float(np.percentile(np.asarray(maxima), HISTORY_PERCENTILE))


#: The window of a run's hardest sustained effort, s: 20 minutes, as in Friel's field test
#: (LTHR ≈ mean HR of the last 20 min of a 30-min solo effort; Friel, *The Triathlete's
#: Training Bible*, 2016).
SUSTAINED_HR_S = 1200.0
#: LTHR as a fraction of the hardest 20 minutes' mean HR, by kind: a tempo run is held at
#: threshold (1.0); a 10-km-to-half-marathon race runs ~2 % above it (Friel 2016: a race of
#: 30–60 min ≈ 100–105 % LTHR; 0.98 keeps the estimate conservative).
LTHR_OF_EFFORT = {"tempo": 1.0, "race": 0.98}
#: The most recent hard efforts the LTHR estimate takes the median of.
LTHR_RECENT = 5


def sustained_hr(hr_bpm: FloatArray, counted: BoolArray, step_s: float) -> float | None:
    """Mean heart rate of the run's hardest ``SUSTAINED_HR_S`` (the highest moving mean over
    recorded, timer-on points with heart rate), bpm; None for a shorter run or without HR."""
    ok = counted & np.isfinite(hr_bpm)
    width = max(1, round(SUSTAINED_HR_S / step_s))
    if int(ok.sum()) < width:
        return None
    x = np.where(ok, hr_bpm, 0.0)
    c = np.r_[0.0, np.cumsum(x)]
    k = np.r_[0, np.cumsum(ok)]
    sums, counts = c[width:] - c[:-width], k[width:] - k[:-width]
    full = counts >= 0.9 * width
    if not full.any():
        return None
    return float(np.max(sums[full] / counts[full]))


def lthr_from_history(history: Sequence[HistorySummary]) -> float | None:
    """The athlete's LTHR from their own hard efforts: the hardest 20 minutes of each race or
    tempo run (scaled by ``LTHR_OF_EFFORT``), the median of the ``LTHR_RECENT`` most recent;
    None without such a run. Easy runs say nothing about threshold."""
    efforts = sorted(
        (h.start, h.effort_hr * LTHR_OF_EFFORT[h.kind])
        for h in history
        if h.kind in LTHR_OF_EFFORT and h.effort_hr is not None and h.effort_hr > 0
    )
    if not efforts:
        return None
    return float(np.median([e for _, e in efforts[-LTHR_RECENT:]]))


def hr_anchors(
    profile: AthleteProfile | None,
    history: Sequence[HistorySummary] | None,
    settings: Settings,
    year: int,
    observed_max: float | None = None,
) -> HrAnchors:
    """HRmax, HRrest and LTHR: profile first, then history, Tanaka, defaults.

    An estimated (non-profile) HRmax is raised to this run's robust ``observed_max`` when the
    run went higher: an observed value beats a prediction.
    """
    p = profile or AthleteProfile()
    if p.hr_max is not None:
        hr_max, src = float(p.hr_max), "profile"
    else:
        from_hist = hr_max_from_history(history or ())
        age = p.age(year)
        if from_hist is not None:
            hr_max, src = from_hist, "history"
        elif age is not None:
            hr_max, src = tanaka_hr_max(age), "tanaka"
        else:
            hr_max, src = settings.hr_max_default_bpm, "default"
        if observed_max is not None and observed_max > hr_max:
            hr_max, src = observed_max, "observed"
    if p.hr_rest is not None:
        hr_rest, rest_src = float(p.hr_rest), "profile"
    else:
        hr_rest, rest_src = settings.hr_rest_default_bpm, "default"
    own = lthr_from_history(history or ())
    if p.lthr is not None:
        lthr, lthr_src = float(p.lthr), "profile"
    elif own is not None:
        lthr, lthr_src = min(own, hr_max - 1.0), "history"
    else:
        lthr, lthr_src = settings.lthr_fraction_of_hrmax * hr_max, "hr_max"
    return HrAnchors(hr_max, src, min(hr_rest, hr_max - 1.0), rest_src, lthr, lthr_src)


def zone_bounds(
    model: ZoneModel, anchors: HrAnchors, settings: Settings
) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Zone names and their lower bounds in bpm (the first zone is open below)."""
    if model is ZoneModel.LTHR:
        return FRIEL_ZONES, tuple(f * anchors.lthr for f in FRIEL_BOUNDS_PCT_LTHR)
    fractions = settings.hr_zone_bounds_pct_hrmax
    names = tuple(f"Z{i + 1}" for i in range(len(fractions) + 1))
    if model is ZoneModel.HRR:
        reserve = anchors.hr_max - anchors.hr_rest
        return names, tuple(anchors.hr_rest + f * reserve for f in fractions)
    return names, tuple(f * anchors.hr_max for f in fractions)


def time_in_zones(
    hr_bpm: FloatArray, weight_s: FloatArray, names: Sequence[str], bounds: Sequence[float]
) -> dict[str, float]:
    """Seconds in each zone: each point's weight (0 in pauses and gaps) added to its zone."""
    ok = np.isfinite(hr_bpm) & (weight_s > 0)
    idx = np.searchsorted(np.asarray(bounds, dtype=np.float64), hr_bpm[ok], side="right")
    sums = np.bincount(idx, weights=weight_s[ok], minlength=len(names))
    return {name: float(sums[i]) for i, name in enumerate(names)}


def time_above(hr_bpm: FloatArray, weight_s: FloatArray, bpm: float) -> float:
    """Seconds with HR above ``bpm`` (above R2's cardio band: vigorous), weighted like the
    zones."""
    above = np.isfinite(hr_bpm) & (hr_bpm > bpm)
    return float(weight_s[above].sum())


def time_in_band(hr_bpm: FloatArray, weight_s: FloatArray, low: float, high: float) -> float:
    """Seconds with ``low ≤ HR ≤ high`` (R2's cardio band), weighted like the zones."""
    inside = np.isfinite(hr_bpm) & (hr_bpm >= low) & (hr_bpm <= high)
    return float(weight_s[inside].sum())
