"""Per-muscle load of a run from its speed and grade streams — a documented heuristic.

No study gives a per-muscle "dose" for a run. legday builds one from published *trends*, and
says so (docs/science.md, "Stimulus and verdict"):

* The calf muscles (soleus, gastrocnemius) give most of the vertical support at ordinary
  running speeds (Dorn, Schache & Pandy 2012, *J Exp Biol* 215:1944); the gluteus medius and
  the hip flexors carry large forces at preferred speed (Lenhart et al. 2014, *Med Sci Sports
  Exerc* 46:557).
* Ankle work plateaus from about 5 m/s while hip work keeps rising with speed (Schache et al.
  2015, *J Exp Biol* 218:2472); above ~7 m/s the hip extensors, flexors and hamstrings drive
  the stride (Dorn 2012). EMG of glutes, quads, hamstrings and calves rises with speed
  (Kyröläinen et al. 2005, *J Sports Sci* 23:1101).
* Uphill, hip work per step rises steeply (Roberts & Belliveau 2005, *J Exp Biol* 208:1963);
  hamstrings and iliopsoas work harder on a 9 % grade (Yokozawa et al. 2007, *J Biomech*
  40:3467).
* Downhill, the quads take eccentric load that costs knee-extensor torque for days (Maeo et
  al. 2017, *Sci Rep* 7:5769).
* The arms and shoulders counterbalance the legs, more at speed; the trunk stabilises.

Each muscle m gets a per-sample activation w_m(v, i) = base_m · S_m(v) · (1 + up_m·i⁺ +
down_m·i⁻), with S one of three speed shapes. Its load, in **hard-set equivalents**, is

    load_m = Σ w_m·φ·Δt / FORCEFUL_S_PER_SET  +  Σ w_m·(1 − φ)·Δt / EXPOSURE_S_PER_SET

where φ is the forceful (type 2) fraction of each sample (:mod:`legday.stimulus.fibres`). So an
easy hour gives the calves about one hard-set equivalent of low-intensity exposure and no
strength stimulus, while a few minutes of hill sprints give the hips and calves a few.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from legday.analysis.grade import grade_adjusted_speed
from legday.analysis.load import BANISTER_CONSTANTS
from legday.stimulus.fibres import (
    DEFAULT_THRESHOLD_SPEED_MPS,
    fatigue_recruitment,
    forceful_fraction,
    type2_share,
)
from legday.stimulus.muscles import MUSCLES, complete_muscles

__all__ = [
    "EXPOSURE_S_PER_SET",
    "FORCEFUL_S_PER_SET",
    "RUN_COEFFICIENTS",
    "RunCoefficients",
    "RunStimulus",
    "muscle_activation",
    "run_stimulus",
]

FloatArray = npt.NDArray[np.float64]
SpeedShape = Literal["plateau", "linear", "rising"]

#: Speed the activation bases refer to, m/s (an easy 5:33 min/km; heuristic reference point).
REFERENCE_SPEED_MPS: float = 3.0
#: Speed above which ankle (calf) work stops rising, m/s (Schache et al. 2015).
ANKLE_PLATEAU_MPS: float = 5.0
#: Highest speed the model trusts, m/s (faster samples are GPS glitches; world-class sprinters
#: peak near 12 m/s).
MAX_SPEED_MPS: float = 12.0
#: Seconds of fully forceful running (φ = 1, activation 1) worth one hard set (heuristic: about
#: three sets' time under tension of ~40 s, because a running stride is far from a set's
#: near-maximal force; keeps hill and sprint days below a real leg day, R6).
FORCEFUL_S_PER_SET: float = 120.0
#: Seconds of easy running (activation 1) worth one hard set of low-intensity exposure
#: (heuristic: an easy hour ≈ one set; R1, R4 — high repetition, little overload).
EXPOSURE_S_PER_SET: float = 3600.0
#: Relative intensity x (fraction of heart-rate reserve) at threshold speed, used only to
#: estimate TRIMP when a run has no heart rate (heuristic: LTHR ≈ 85–90 % HRR).
THRESHOLD_HRR_FRACTION: float = 0.85


@dataclass(frozen=True, slots=True)
class RunCoefficients:
    """How one muscle's activation depends on speed and grade (heuristic; module docstring)."""

    base: float
    """Activation at the reference speed on the flat (calves = 1)."""
    speed: SpeedShape
    """``plateau``: v/3 up to 5 m/s then flat (ankle, Schache 2015); ``linear``: v/3;
    ``rising``: (v/3)², hip work that keeps rising (Schache 2015, Dorn 2012)."""
    uphill: float
    """Relative gain per unit of uphill grade (Roberts & Belliveau 2005; Yokozawa 2007)."""
    downhill: float
    """Relative gain per unit of downhill grade (eccentric load; Maeo 2017)."""


#: Per-muscle coefficients of the run model (heuristic, ranked on the cited trends: calves
#: carry support, Dorn 2012; glute med/min and hip flexors large at preferred speed, Lenhart
#: 2014; hip extensors, flexors and hamstrings rise with speed and grade, Schache 2015, Roberts
#: & Belliveau 2005, Yokozawa 2007; quads eccentric downhill, Maeo 2017; arms counterbalance).
RUN_COEFFICIENTS: dict[str, RunCoefficients] = {
    "abdominals": RunCoefficients(0.20, "linear", 1.0, 0.0),
    "obliques": RunCoefficients(0.25, "linear", 1.0, 0.0),
    "glutes": RunCoefficients(0.60, "rising", 8.0, 1.0),
    "quads": RunCoefficients(0.50, "linear", 2.0, 6.0),
    "hamstrings": RunCoefficients(0.50, "rising", 7.0, 0.0),
    "hip_abductors": RunCoefficients(0.45, "linear", 1.0, 1.0),
    "hip_adductors": RunCoefficients(0.25, "linear", 1.0, 1.0),
    "hip_flexors": RunCoefficients(0.40, "rising", 5.0, 0.0),
    "gastrocnemius": RunCoefficients(0.90, "plateau", 5.0, 0.0),
    "soleus": RunCoefficients(1.00, "plateau", 4.0, 1.0),
    "biceps": RunCoefficients(0.08, "rising", 1.0, 0.0),
    "triceps": RunCoefficients(0.06, "rising", 1.0, 0.0),
    "pectorals": RunCoefficients(0.03, "rising", 0.0, 0.0),
    "deltoids": RunCoefficients(0.12, "rising", 1.0, 0.0),
    "trapezius": RunCoefficients(0.10, "rising", 0.5, 0.0),
    "rhomboids": RunCoefficients(0.08, "rising", 0.5, 0.0),
}


@dataclass(frozen=True, slots=True)
class RunStimulus:
    """What a run did to the body, from its streams (pure numbers; no verdict)."""

    muscles: dict[str, float]
    """Load per muscle, hard-set equivalents (all sixteen keys)."""
    forceful_s: dict[str, float]
    """Activation-weighted seconds of forceful (type 2) work per muscle."""
    exposure_s: dict[str, float]
    """Activation-weighted seconds of low-intensity work per muscle."""
    strength_muscles: dict[str, float]
    """The forceful term of ``muscles`` alone (the strength layer; the rest is endurance)."""
    strength: float
    """Session strength stimulus, hard-set equivalents: Σ φ·Δt / FORCEFUL_S_PER_SET."""
    type2_share: float
    """Share of the muscles' work done by type 2 fibres (forceful efforts and late-run
    fatigue, :mod:`legday.stimulus.fibres`), in [0, 1]."""
    moving_s: float
    """Seconds spent moving."""
    trimp_estimate: float
    """Banister TRIMP estimated from speed (for runs without heart rate)."""


def _speed_shapes(speed_mps: FloatArray) -> dict[SpeedShape, FloatArray]:
    r = speed_mps / REFERENCE_SPEED_MPS
    return {
        "plateau": np.minimum(speed_mps, ANKLE_PLATEAU_MPS) / REFERENCE_SPEED_MPS,
        "linear": r,
        "rising": r * r,
    }


def muscle_activation(speed_mps: FloatArray, grade: FloatArray) -> dict[str, FloatArray]:
    """w_m(v, i) per sample for every muscle of :data:`RUN_COEFFICIENTS` (heuristic; see the
    module docstring for the sources of each trend). ``grade`` is a fraction; NaN counts as 0
    (stopped, or flat)."""
    v = np.clip(np.nan_to_num(speed_mps), 0.0, MAX_SPEED_MPS)
    g = np.clip(np.nan_to_num(grade), -0.45, 0.45)
    up, down = np.clip(g, 0.0, None), np.clip(-g, 0.0, None)
    shapes = _speed_shapes(v)
    return {
        m: c.base * shapes[c.speed] * (1.0 + c.uphill * up + c.downhill * down)
        for m, c in RUN_COEFFICIENTS.items()
    }


def _sample_weights(time_s: FloatArray, max_gap_s: float) -> FloatArray:
    """Δt per sample (the interval that ends at it); gaps longer than ``max_gap_s`` count 0."""
    dt = np.diff(np.nan_to_num(time_s), prepend=float(np.nan_to_num(time_s[:1]).sum()))
    out: FloatArray = np.where((dt > 0) & (dt <= max_gap_s), dt, 0.0)
    return out


def run_stimulus(
    time_s: FloatArray,
    speed_mps: FloatArray,
    grade: FloatArray,
    *,
    gas_mps: FloatArray | None = None,
    threshold_speed_mps: float = DEFAULT_THRESHOLD_SPEED_MPS,
    moving_speed_mps: float = 0.5,
    max_gap_s: float = 10.0,
) -> RunStimulus:
    """The stimulus of a run from its streams (one value per sample, equal lengths).

    ``time_s``: seconds (any origin); ``speed_mps``; ``grade`` as a fraction (0.08 = 8 %);
    ``gas_mps``: grade-adjusted speed, computed with Minetti et al. 2002 when not given.
    Samples slower than ``moving_speed_mps`` are stopped and add nothing. ``type2_share``
    weights each sample by its muscular work, Σ_m w_m·Δt, so a sprint second counts for more
    than a jog second. Heuristic per-muscle model; see the module docstring.
    """
    t = np.asarray(time_s, dtype=np.float64)
    v = np.asarray(speed_mps, dtype=np.float64)
    g = np.nan_to_num(np.asarray(grade, dtype=np.float64))
    if not t.shape == v.shape == g.shape or t.ndim != 1:
        raise ValueError(
            f"time_s, speed_mps and grade must be 1-D of one length, got "
            f"{t.shape}, {v.shape}, {g.shape}"
        )
    v = np.clip(np.nan_to_num(v), 0.0, MAX_SPEED_MPS)
    gas = grade_adjusted_speed(v, g) if gas_mps is None else np.nan_to_num(gas_mps)
    moving = v >= moving_speed_mps
    dt = _sample_weights(t, max_gap_s) * moving
    phi = forceful_fraction(gas, g, v, threshold_speed_mps)
    activation = muscle_activation(v, g)
    work = np.sum(list(activation.values()), axis=0) * dt
    phi_type2 = np.clip(phi + fatigue_recruitment(np.cumsum(dt)), 0.0, 1.0)
    forceful = {m: float(np.dot(w, phi * dt)) for m, w in activation.items()}
    exposure = {m: float(np.dot(w, (1.0 - phi) * dt)) for m, w in activation.items()}
    muscles = complete_muscles(
        {m: forceful[m] / FORCEFUL_S_PER_SET + exposure[m] / EXPOSURE_S_PER_SET for m in MUSCLES}
    )
    return RunStimulus(
        muscles=muscles,
        forceful_s=forceful,
        exposure_s=exposure,
        strength_muscles=complete_muscles({m: forceful[m] / FORCEFUL_S_PER_SET for m in MUSCLES}),
        strength=float(np.dot(phi, dt)) / FORCEFUL_S_PER_SET,
        type2_share=type2_share(phi_type2, work),
        moving_s=float(dt.sum()),
        trimp_estimate=_trimp_from_speed(gas, dt, threshold_speed_mps),
    )


def _trimp_from_speed(gas_mps: FloatArray, dt: FloatArray, threshold_speed_mps: float) -> float:
    """Banister TRIMP (unknown-sex constants) with the heart-rate reserve fraction estimated as
    x = 0.85 · GAS / threshold speed, clipped to [0, 1] — a heuristic stand-in for runs
    recorded without heart rate (Banister 1991; Morton et al. 1990)."""
    a, b = BANISTER_CONSTANTS[None]
    x = np.clip(THRESHOLD_HRR_FRACTION * gas_mps / threshold_speed_mps, 0.0, 1.0)
    return float(np.sum(dt / 60.0 * x * a * np.exp(b * x)))
