"""How a runner's body responds: pace on grades, heart rate, cadence and running power.

All functions are vectorised over 1-Hz streams.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from legday.synth.athlete import SyntheticAthlete

__all__ = [
    "cadence_spm",
    "exp_filter",
    "grade_speed_factor",
    "heart_rate_bpm",
    "minetti_cost",
    "running_power_w",
]

FloatArray = npt.NDArray[np.float64]

#: Validity range of Minetti's polynomial, as a grade fraction (Minetti et al. 2002).
MINETTI_GRADE_LIMIT = 0.45
#: Cost of running on the flat, J·kg⁻¹·m⁻¹ (Minetti et al. 2002, constant term).
FLAT_COST_J_PER_KG_M = 3.6
#: How much of the extra uphill cost a runner absorbs by slowing down (0 = keeps pace, 1 = keeps
#: metabolic power). Runners slow less than equal-cost would predict on short climbs; a model
#: choice fitted by eye to Strava's 2017 grade-adjusted-pace factors (REFERENCES.md).
UPHILL_SLOWING_EXPONENT = 0.6
#: Fastest downhill speed-up over the flat pace (Minetti overstates downhill benefit; Strava's
#: factor at −10 % is 0.876 in effort, i.e. ≈ 1.14 in speed).
MAX_DOWNHILL_SPEEDUP = 1.12
#: Heart rate when standing still during a workout, above resting, bpm (orthostatic + recovery).
STANDING_HR_ABOVE_REST_BPM = 22.0
#: Where the running HR–demand line meets zero demand, bpm above resting HR (the line
#: extrapolates well below standing HR).
HR_LINE_INTERCEPT_ABOVE_REST_BPM = 5.0
#: Curvature of HR against relative demand: > 1 keeps easy running at ≈ 70–75 % HRmax while
#: threshold running reaches LTHR (a model choice, fitted by eye to typical easy-run HR).
HR_DEMAND_EXPONENT = 1.3
#: HR on-kinetics time constant, s: a model choice within the 30–60 s range the brief gives for
#: moderate steps in effort (unverified against a specific study).
HR_TAU_UP_S = 35.0
#: HR off-kinetics (recovery) time constant, s: slower on the way down (model choice).
HR_TAU_DOWN_S = 60.0
#: Cardiac drift over long runs, bpm per hour beyond the first 20 min at threshold-like demand.
#: A model choice; cardiovascular drift of this order is reviewed by Coyle & González-Alonso 2001,
#: Exerc Sport Sci Rev 29:88 (unverified).
CARDIAC_DRIFT_BPM_PER_H = 6.0
#: Time before cardiac drift sets in, s.
CARDIAC_DRIFT_ONSET_S = 1200.0
#: Population cadence–speed line: steps/min at 0 m/s intercept and slope per m/s. A model choice
#: giving ≈ 158 spm at 2.7 m/s and ≈ 200 spm at 8 m/s. Real Garmin runs in ../shared/data/real
#: show medians of 150–170 spm and per-run slopes of 4–14 spm per m/s.
CADENCE_INTERCEPT_SPM = 136.0
#: Cadence rise per m/s of speed, steps/min.
CADENCE_SLOPE_SPM_PER_MPS = 8.0
#: Below this speed a runner walks: cadence follows a walking line.
WALK_SPEED_MPS = 2.0
#: Walking cadence, steps/min at 1.4 m/s (typical preferred walking cadence ≈ 110–120).
WALK_CADENCE_SPM = 112.0
#: Highest plausible running cadence, steps/min.
MAX_CADENCE_SPM = 215.0
#: Mechanical running power as a fraction of metabolic power (Minetti cost × speed × mass);
#: ≈ 1.0–1.1 W/kg per m/s on the flat as running-power meters (Stryd) report.
POWER_EFFICIENCY = 0.29
#: Block length of the blocked exponential filter (keeps a^-k within float range).
_FILTER_BLOCK = 64


def minetti_cost(grade: FloatArray) -> FloatArray:
    """Energy cost of running, J·kg⁻¹·m⁻¹, at ``grade`` (a fraction).

    Minetti AE, Moia C, Roi GS, Susta D, Ferretti G (2002) *J Appl Physiol* 93:1039–1046:
    Cr(i) = 155.4i⁵ − 30.4i⁴ − 43.3i³ + 46.3i² + 19.5i + 3.6, valid for −0.45 ≤ i ≤ 0.45
    (clipped to that range here).
    """
    i = np.clip(grade, -MINETTI_GRADE_LIMIT, MINETTI_GRADE_LIMIT)
    return ((((155.4 * i - 30.4) * i - 43.3) * i + 46.3) * i + 19.5) * i + FLAT_COST_J_PER_KG_M


def grade_speed_factor(grade: FloatArray) -> FloatArray:
    """Speed on ``grade`` relative to the flat speed at the same effort.

    Uphill, the runner gives back part of Minetti's extra cost
    (``(Cr(0)/Cr(i)) ** UPHILL_SLOWING_EXPONENT``); downhill the gain is capped at
    :data:`MAX_DOWNHILL_SPEEDUP` because Minetti overstates it.
    """
    ratio = FLAT_COST_J_PER_KG_M / minetti_cost(grade)
    return np.minimum(ratio**UPHILL_SLOWING_EXPONENT, MAX_DOWNHILL_SPEEDUP)


def exp_filter(x: FloatArray, tau_s: float, y0: float | None = None) -> FloatArray:
    """First-order lag of a 1-Hz stream: ``y[n] = a·y[n-1] + (1-a)·x[n]``, ``a = e^(-1/tau)``.

    Vectorised in blocks: inside a block the recursion is a scaled cumulative sum; only the
    block-to-block carry loops (n/64 steps).
    """
    n = x.shape[0]
    if n == 0:
        return x.astype(np.float64)
    a = float(np.exp(-1.0 / max(tau_s, 1e-3)))
    if a < 1e-12:
        return x.astype(np.float64)
    block = _FILTER_BLOCK
    pad = (-n) % block
    xb = np.concatenate([x.astype(np.float64), np.full(pad, x[-1])]).reshape(-1, block)
    k = np.arange(block, dtype=np.float64)
    up = a ** (-k)  # a^-k
    down = a**k  # a^k
    # Within-block response from zero initial state: s[j] = (1-a) Σ_{k≤j} a^{j-k} x[k].
    s = (1.0 - a) * down * np.cumsum(xb * up, axis=1)
    carry_gain = a ** (k + 1.0)  # effect of the previous block's last value on y[j]
    y = np.empty_like(xb)
    prev = float(x[0] if y0 is None else y0)
    for b in range(xb.shape[0]):
        y[b] = s[b] + carry_gain * prev
        prev = float(y[b, -1])
    return y.reshape(-1)[:n]


def heart_rate_bpm(
    athlete: SyntheticAthlete,
    speed_mps: FloatArray,
    grade: FloatArray,
    *,
    drift_bpm_per_h: float = CARDIAC_DRIFT_BPM_PER_H,
    tau_up_s: float = HR_TAU_UP_S,
    tau_down_s: float = HR_TAU_DOWN_S,
) -> FloatArray:
    """True heart rate, bpm, for a 1-Hz speed and experienced-grade stream.

    Steady-state HR rises with metabolic power (Cr(i)·v, Minetti 2002) relative to threshold
    running on the flat, reaching LTHR there, never below the standing HR, capped at HRmax.
    The response is first order, faster rising than falling: the larger of a fast and a slow
    lag, so a drop first follows the fast lag and then the slow one. Cardiac drift adds
    ``drift_bpm_per_h`` per hour after 20 min, scaled by the effort.
    """
    demand = minetti_cost(grade) * speed_mps
    demand_thr = FLAT_COST_J_PER_KG_M * athlete.threshold_speed_mps
    hr_stand = athlete.hr_rest + STANDING_HR_ABOVE_REST_BPM
    hr_zero = athlete.hr_rest + HR_LINE_INTERCEPT_ABOVE_REST_BPM
    rel = demand / demand_thr
    line = hr_zero + (athlete.lthr - hr_zero) * np.maximum(rel, 0.0) ** HR_DEMAND_EXPONENT
    steady = np.clip(line, hr_stand, float(athlete.hr_max))
    hr = np.maximum(
        exp_filter(steady, tau_up_s, y0=hr_stand), exp_filter(steady, tau_down_s, y0=hr_stand)
    )
    t = np.arange(hr.shape[0], dtype=np.float64)
    effort = np.clip(exp_filter(rel, 300.0, y0=0.0), 0.0, 1.2)
    hr = hr + drift_bpm_per_h * np.maximum(t - CARDIAC_DRIFT_ONSET_S, 0.0) / 3600.0 * effort
    return np.minimum(hr, float(athlete.hr_max))


def cadence_spm(athlete: SyntheticAthlete, speed_mps: FloatArray) -> FloatArray:
    """Step rate, steps/min: a line rising with speed when running, a walking rate below
    :data:`WALK_SPEED_MPS`, 0 when standing."""
    run = CADENCE_INTERCEPT_SPM + athlete.cadence_offset_spm + CADENCE_SLOPE_SPM_PER_MPS * speed_mps
    walk = WALK_CADENCE_SPM + 10.0 * (speed_mps - 1.4)
    cad = np.where(speed_mps >= WALK_SPEED_MPS, run, walk)
    cad = np.where(speed_mps < 0.3, 0.0, cad)
    return np.clip(cad, 0.0, MAX_CADENCE_SPM)


def running_power_w(
    athlete: SyntheticAthlete, speed_mps: FloatArray, grade: FloatArray
) -> FloatArray:
    """Running power, W: metabolic power (Minetti 2002) × mass × :data:`POWER_EFFICIENCY`."""
    return np.maximum(POWER_EFFICIENCY * athlete.mass_kg * minetti_cost(grade) * speed_mps, 0.0)
