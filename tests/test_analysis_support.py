"""Builders of small hand-made activities for the analysis tests (and tests of the builders)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np

from legday.model import Activity, Event, SessionTotals

START = datetime(2026, 5, 4, 7, 0, tzinfo=UTC)
T0 = START.timestamp()
#: Metres per degree of latitude (for hand-made tracks).
M_PER_DEG = 111_195.0


def piecewise(parts: Sequence[tuple[float, float]]) -> np.ndarray:
    """A 1-Hz stream from (seconds, value) pieces."""
    return np.concatenate([np.full(int(s), float(v)) for s, v in parts])


def activity(
    speed: np.ndarray,
    hr: np.ndarray | None = None,
    altitude: np.ndarray | None = None,
    *,
    dt: float = 1.0,
    name: str | None = None,
    sub_sport: str | None = None,
    events: Sequence[Event] = (),
    keep: np.ndarray | None = None,
    gps: bool = False,
) -> Activity:
    """A running activity sampled every ``dt`` s from 1-Hz ``speed`` (and HR, altitude).

    ``keep`` (a boolean mask over the 1-Hz samples) drops samples to make gaps. With ``gps``
    the track runs north along a meridian (distance = latitude).
    """
    n = speed.size
    t = T0 + np.arange(n, dtype=np.float64)
    dist = np.r_[0.0, np.cumsum(speed[1:])]
    idx = np.arange(0, n, max(1, round(dt)))
    if keep is not None:
        idx = idx[keep[idx]]
    samples = Activity.empty_samples(idx.size)
    samples["timestamp"] = t[idx]
    samples["elapsed_s"] = t[idx] - T0
    samples["speed_mps"] = speed[idx].astype(np.float64)
    samples["distance_m"] = dist[idx]
    if hr is not None:
        samples["heart_rate_bpm"] = hr[idx].astype(np.float64)
    if altitude is not None:
        samples["altitude_m"] = altitude[idx].astype(np.float64)
    if gps:
        samples["latitude_deg"] = 52.0 + dist[idx] / M_PER_DEG
        samples["longitude_deg"] = np.full(idx.size, 13.0)
    return Activity(
        sport="running",
        start=START,
        samples=samples,
        sub_sport=sub_sport,
        name=name,
        events=tuple(events),
        totals=SessionTotals(total_distance_m=float(dist[-1])),
    )


def test_activity_builder_keeps_lengths_consistent() -> None:
    a = activity(np.full(100, 3.0), np.full(100, 140.0), dt=2.0)
    assert a.n_samples == 50
    assert a.samples["distance_m"][-1] == 3.0 * 98
