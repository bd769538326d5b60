"""Training-load trends: CTL, ATL, TSB and an acute:chronic spike flag (pure Python).

* CTL/ATL follow Banister's impulse-response model as popularised in Coggan's Performance
  Manager: ``load_t = load_{t−1} + (L_t − load_{t−1})·k`` with ``k = 1 − e^(−1/N)``, N = 42 days
  (fitness, CTL) and 7 days (fatigue, ATL); TSB (form) is yesterday's CTL minus yesterday's ATL.
* The acute:chronic workload ratio uses exponentially weighted averages (Williams et al. 2017,
  *Br J Sports Med* 51:209: λ = 2/(N+1), N = 7 and 28). It is shown only as a descriptive "load
  spike" flag, never as an injury risk (Impellizzeri et al. 2020, *Sports Med* 51:581).

Strength load gets its own line beside the cardio one, computed the same way.

The series are a few hundred days (the week reads :data:`~legday.week.check.TREND_DAYS`), one
value a day, not samples: plain floats, so that ``legday week`` never loads numpy (issue 18,
"commands that start fast"). The values are numpy's of before to the last bit or two
(``tests/test_week_rules.py`` checks them against a numpy reference).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["LoadTrend", "ewma", "load_trend", "total"]

Series = tuple[float, ...]

#: Acute window for the ACWR, days (Williams et al. 2017).
ACWR_ACUTE_DAYS = 7
#: Chronic window for the ACWR, days (Williams et al. 2017).
ACWR_CHRONIC_DAYS = 28
#: A chronic load at or below this is none: the ACWR is then 0, not a division by ~0.
NO_CHRONIC_LOAD = 1e-9


def ewma(values: Sequence[float], k: float) -> Series:
    """``y_t = y_{t−1} + (x_t − y_{t−1})·k`` from ``y_{−1} = 0``.

    The recursion is a first-order linear filter; it is evaluated in its closed form
    ``y_t = k Σ_{i≤t} (1−k)^{t−i} x_i`` as a running sum in scaled space, chunked so the scale
    factors never overflow (the order of operations numpy's cumulative sum took before).
    """
    x = [float(v) for v in values]
    a = 1.0 - k
    if not x or a <= 0.0:
        return tuple(x)
    chunk = max(1, int(200.0 / max(-math.log(a), 1e-12)))
    out: list[float] = []
    prev = 0.0
    for lo in range(0, len(x), chunk):
        acc = 0.0
        carried = prev * a
        for i, v in enumerate(x[lo : lo + chunk]):
            n = float(i)
            acc += v * a ** (-n)  # (1-k)^{-i}, bounded within a chunk
            prev = (acc * k + carried) * a**n
            out.append(prev)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class LoadTrend:
    days: tuple[date, ...]
    load: Series
    """Daily cardio load (TRIMP)."""
    ctl: Series
    atl: Series
    tsb: Series
    acwr: Series
    strength_load: Series
    """Daily strength load (hard-set equivalents)."""
    strength_ctl: Series
    strength_atl: Series

    def spike_days(self, threshold: float) -> list[date]:
        return [d for d, r in zip(self.days, self.acwr, strict=True) if r > threshold]

    def to_dict(self, last: int | None = None) -> dict[str, object]:
        sl = slice(-last, None) if last else slice(None)

        def r(a: Series) -> list[float]:
            return [round(v, 2) for v in a[sl]]

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


def total(values: Sequence[float]) -> float:
    """Daily values added in order (numpy's sum of a week's seven, to the bit)."""
    out = 0.0
    for value in values:
        out += value
    return out


def _k(days: int) -> float:
    return 1.0 - math.exp(-1.0 / days)


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
    load = tuple(float(daily.get(d, 0.0)) for d in days)
    strength = tuple(float(daily_strength.get(d, 0.0)) for d in days)
    ctl = ewma(load, _k(ctl_days))
    atl = ewma(load, _k(atl_days))
    tsb = (0.0, *(c - a for c, a in zip(ctl[:-1], atl[:-1], strict=True))) if n > 0 else ()
    acute = ewma(load, 2.0 / (ACWR_ACUTE_DAYS + 1))
    chronic = ewma(load, 2.0 / (ACWR_CHRONIC_DAYS + 1))
    acwr = tuple(a / c if c > NO_CHRONIC_LOAD else 0.0 for a, c in zip(acute, chronic, strict=True))
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
