"""Invariants of ``analyze`` on arbitrary runs (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legday.analysis import analyze
from test_analysis_support import activity

pieces = st.lists(
    st.tuples(st.integers(5, 400), st.floats(0.0, 7.0), st.floats(90, 195)),
    min_size=1,
    max_size=12,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces, st.sampled_from([1.0, 3.0]), st.booleans())
def test_analysis_invariants(
    parts: list[tuple[int, float, float]], dt: float, with_altitude: bool
) -> None:
    speed = np.concatenate([np.full(n, v) for n, v, _ in parts])
    hr = np.concatenate([np.full(n, h) for n, _, h in parts])
    alt = 100 + 20 * np.sin(np.arange(speed.size) / 300.0) if with_altitude else None
    r = analyze(activity(speed, hr, alt, dt=dt))
    assert 0.0 <= r.moving_s <= r.duration_s + 1e-6
    assert sum(r.hr.zones_s.values()) <= r.duration_s + dt
    assert r.hr.cardio_band_s <= sum(r.hr.zones_s.values()) + 1e-6
    assert r.ascent_m >= 0 and r.descent_m >= 0
    # segments tile the run in order, without gaps or overlaps
    if r.segments:
        assert r.segments[0].start_s == pytest.approx(0.0)
        for a, b in zip(r.segments[:-1], r.segments[1:], strict=True):
            assert a.end_s == pytest.approx(b.start_s)
            assert a.end_s > a.start_s
    assert set(r.tags) >= {b.pattern for b in r.blocks}
    assert all(b.reps >= 1 for b in r.blocks)
    d = r.to_dict()
    assert d["kind"] == r.kind.value and len(d["segments"]) == len(r.segments)
