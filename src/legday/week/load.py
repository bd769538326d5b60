"""Training-load trends: CTL, ATL, TSB and an acute:chronic spike flag (pure numpy).

* CTL/ATL follow Banister's impulse-response model as popularised in Coggan's Performance
  Manager: ``load_t = load_{t−1} + (L_t − load_{t−1})·k`` with ``k = 1 − e^(−1/N)``, N = 42 days
  (fitness, CTL) and 7 days (fatigue, ATL); TSB (form) is yesterday's CTL minus yesterday's ATL.
* The acute:chronic workload ratio uses exponentially weighted averages (Williams et al. 2017,
  *Br J Sports Med* 51:209: λ = 2/(N+1), N = 7 and 28). It is shown only as a descriptive "load
  spike" flag, never as an injury risk (Impellizzeri et al. 2020, *Sports Med* 51:581).

Strength load gets its own line beside the cardio one, computed the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

__all__ = ["LoadTrend", "ewma", "load_trend"]

FloatArray = npt.NDArray[np.float64]

#: Acute window for the ACWR, days (Williams et al. 2017).
ACWR_ACUTE_DAYS = 7
#: Chronic window for the ACWR, days (Williams et al. 2017).
ACWR_CHRONIC_DAYS = 28


def ewma(values: FloatArray, k: float) -> FloatArray:
    """``y_t = y_{t−1} + (x_t − y_{t−1})·k`` from ``y_{−1} = 0``, vectorised.

    The recursion is a first-order linear filter; its closed form
    ``y_t = k Σ_{i≤t} (1−k)^{t−i} x_i`` is evaluated with a cumulative sum in scaled space,
    chunked so the scale factors never overflow.
    """
    x = np.asarray(values, dtype=np.float64)
    out = np.empty_like(x)
    a = 1.0 - k
    if x.size == 0:
        return out
    if a <= 0.0:
        out[:] = x
        return out
    chunk = max(1, int(200.0 / max(-np.log(a), 1e-12)))
    prev = 0.0
    for lo in range(0, x.size, chunk):
        seg = x[lo : lo + chunk]
        n = np.arange(seg.size, dtype=np.float64)
        pw = a ** (-n)  # (1-k)^{-i}, bounded within a chunk
        acc = np.cumsum(seg * pw) * k
        y = (acc + prev * a) * a**n
        out[lo : lo + chunk] = y
        prev = float(y[-1])
    return out


@dataclass(frozen=True, slots=True)
class LoadTrend:
    days: tuple[date, ...]
    load: FloatArray
    """Daily cardio load (TRIMP)."""
    ctl: FloatArray
    atl: FloatArray
    tsb: FloatArray
    acwr: FloatArray
    strength_load: FloatArray
    """Daily strength load (hard-set equivalents)."""
    strength_ctl: FloatArray
    strength_atl: FloatArray

    def spike_days(self, threshold: float) -> list[date]:
        return [d for d, r in zip(self.days, self.acwr, strict=True) if r > threshold]

    def to_dict(self, last: int | None = None) -> dict[str, object]:
        sl = slice(-last, None) if last else slice(None)

        def r(a: FloatArray) -> list[float]:
            return [round(float(v), 2) for v in a[sl]]

        return {
            "days": [d.isoformat() for d in self.days[sl]],
            "trimp": r(self.load),
            "ctl": r(self.ctl),
            "atl": r(self.atl),
            "tsb": r(self.tsb),
            "acwr": r(self.acwr),
            "strength": r(self.strength_load),
            "strength_ctl": r(self.strength_ctl),
            "strength_atl": r(self.strength_atl),
        }


def _k(days: int) -> float:
    return 1.0 - float(np.exp(-1.0 / days))


def load_trend(
    first: date,
    last: date,
    daily: dict[date, float],
    daily_strength: dict[date, float],
    *,
    ctl_days: int = 42,
    atl_days: int = 7,
) -> LoadTrend:
    """Daily loads from ``first`` to ``last`` (inclusive) with their trends."""
    n = (last - first).days + 1
    days = tuple(first + timedelta(days=i) for i in range(max(n, 0)))
    load = np.array([daily.get(d, 0.0) for d in days], dtype=np.float64)
    strength = np.array([daily_strength.get(d, 0.0) for d in days], dtype=np.float64)
    ctl = ewma(load, _k(ctl_days))
    atl = ewma(load, _k(atl_days))
    tsb = np.concatenate([[0.0], (ctl - atl)[:-1]]) if n else np.empty(0)
    acute = ewma(load, 2.0 / (ACWR_ACUTE_DAYS + 1))
    chronic = ewma(load, 2.0 / (ACWR_CHRONIC_DAYS + 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        acwr = np.where(chronic > 1e-9, acute / chronic, 0.0)
    return LoadTrend(
        days=days,
        load=load,
        ctl=ctl,
        atl=atl,
        tsb=tsb,
        acwr=acwr,
        strength_load=strength,
        strength_ctl=ewma(strength, _k(ctl_days)),
        strength_atl=ewma(strength, _k(atl_days)),
    )
