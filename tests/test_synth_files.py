"""Synthetic files: FIT through the official Garmin decoder, GPX/TCX through lxml."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest
from garmin_fit_sdk import Decoder, Encoder, Stream
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

import legday.synth.fit_writer as fit_writer
from legday.model import Activity, Lap
from legday.synth import (
    Device,
    RunKind,
    SyntheticAthlete,
    SyntheticRun,
    make_run,
    write_fit,
    write_gpx,
    write_tcx,
)
from legday.synth.gpx_writer import GPX_NS, GPXTPX_NS
from legday.synth.tcx_writer import TCX_NS, TPX_NS

START = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)


def run(kind: str, device: Device, seed: int = 0, **options: Any) -> SyntheticRun:
    rng = np.random.default_rng(seed)
    return make_run(kind, SyntheticAthlete.default(), device, START, rng, **options)


def decode(data: bytes) -> Any:
    assert Decoder(Stream.from_byte_array(bytearray(data))).check_integrity()
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    assert errors == []
    return messages


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    kind=st.sampled_from([k.value for k in RunKind]),
    recording=st.sampled_from(["1s", "smart"]),
    noise=st.sampled_from([0, 1, 2]),
    auto_pause=st.booleans(),
    dropout=st.sampled_from([0.0, 0.03]),
)
def test_fit_round_trip_keeps_order_and_distance(
    seed: int, kind: str, recording: str, noise: int, auto_pause: bool, dropout: float
) -> None:
    device = Device(recording=recording, noise=noise, auto_pause=auto_pause, dropout_rate=dropout)
    r = run(kind, device, seed)
    records = decode(write_fit(r.activity, r.truth))["record_mesgs"]
    assert len(records) == r.activity.n_samples
    ts = np.array([m["timestamp"].timestamp() for m in records])
    dist = np.array([m["distance"] for m in records])
    assert np.all(np.diff(ts) > 0)
    assert np.all(np.diff(dist) >= 0)
    np.testing.assert_array_equal(ts, r.activity.samples["timestamp"])
    np.testing.assert_allclose(dist, r.activity.samples["distance_m"], atol=0.006)


def test_fit_carries_every_channel() -> None:
    r = run("intervals", Device.clean(), seed=1)
    msgs = decode(write_fit(r.activity, r.truth))
    record = msgs["record_mesgs"][100]
    for field in (
        "timestamp", "distance", "enhanced_speed", "enhanced_altitude", "heart_rate",
        "cadence", "fractional_cadence", "power", "position_lat", "position_long",
    ):  # fmt: skip
        assert field in record, field
    s = r.activity.samples
    assert record["heart_rate"] == s["heart_rate_bpm"][100]
    assert 2 * (record["cadence"] + record["fractional_cadence"]) == pytest.approx(
        s["cadence_spm"][100], abs=0.02
    )
    assert record["position_lat"] * 180 / 2**31 == pytest.approx(s["latitude_deg"][100], abs=1e-6)
    assert record["enhanced_altitude"] == pytest.approx(s["altitude_m"][100], abs=0.2)
    legacy = run("easy", Device(legacy_fields=True, has_power=False), seed=1)
    rec = decode(write_fit(legacy.activity, legacy_fields=True))["record_mesgs"][10]
    assert "speed" in rec and "altitude" in rec and "power" not in rec


def test_fit_messages_describe_the_session() -> None:
    device = Device(auto_pause=True, noise=0)
    r = run("intervals", device, seed=2, reps=5, standing_recovery=True)
    msgs = decode(write_fit(r.activity, r.truth))
    (file_id,) = msgs["file_id_mesgs"]
    assert file_id["type"] == "activity"
    assert msgs["device_info_mesgs"]
    events = [(m["event"], m["event_type"]) for m in msgs["event_mesgs"]]
    assert events[0] == ("timer", "start") and events[-1] == ("timer", "stop_all")
    assert events.count(("timer", "stop_all")) == 5
    laps = msgs["lap_mesgs"]
    assert [lap["intensity"] for lap in laps].count("active") == 5
    assert {lap["intensity"] for lap in laps} >= {"warmup", "active", "rest", "cooldown"}
    assert [lap["wkt_step_index"] for lap in laps] == list(range(len(laps)))
    assert all("lap_trigger" in lap for lap in laps)
    (session,) = msgs["session_mesgs"]
    assert session["sport"] == "running" and session["num_laps"] == len(laps)
    assert session["total_timer_time"] < session["total_elapsed_time"]
    (activity,) = msgs["activity_mesgs"]
    local = activity["local_timestamp"]
    assert local - (activity["timestamp"].timestamp() - fit_writer.FIT_EPOCH_POSIX_S) == 3600
    assert msgs["workout_mesgs"][0]["wkt_name"] == "5x" + r.truth.blocks[0].pattern.split("x")[1]


def test_fit_is_reproducible_and_matches_the_plain_sdk_encoder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    device = Device(recording="smart", noise=2, dropout_rate=0.05, auto_pause=True)
    a, b = run("sprints", device, seed=7), run("sprints", device, seed=7)
    data = write_fit(a.activity, a.truth)
    assert data == write_fit(b.activity, b.truth)
    monkeypatch.setattr(fit_writer, "_RecordCachingEncoder", Encoder)
    assert write_fit(a.activity, a.truth) == data, "the definition cache must not change bytes"


def test_gpx_parses_with_every_positioned_point() -> None:
    r = run("hill_repeats", Device(dropout_rate=0.03), seed=3)
    root = etree.fromstring(write_gpx(r.activity))
    ns = {"g": GPX_NS, "t": GPXTPX_NS}
    points = root.findall(".//g:trkpt", ns)
    s = r.activity.samples
    positioned = np.isfinite(s["latitude_deg"]) & np.isfinite(s["longitude_deg"])
    assert 0 < len(points) == positioned.sum() < r.activity.n_samples
    hr = [int(e.text) for e in root.findall(".//t:TrackPointExtension/t:hr", ns)]
    cad = [int(e.text) for e in root.findall(".//t:TrackPointExtension/t:cad", ns)]
    assert hr and cad and max(cad) < 130, "GPX cadence is per leg (strides/min)"
    assert float(points[0].get("lat")) == pytest.approx(s["latitude_deg"][positioned][0], abs=1e-6)


def test_tcx_parses_with_laps_and_every_sample() -> None:
    r = run("tempo", Device(), seed=4)
    root = etree.fromstring(write_tcx(r.activity))
    ns = {"t": TCX_NS, "x": TPX_NS}
    assert len(root.findall(".//t:Trackpoint", ns)) == r.activity.n_samples
    assert len(root.findall(".//t:Lap", ns)) == len(r.activity.laps)
    speeds = root.findall(".//x:TPX/x:Speed", ns)
    cadences = root.findall(".//x:TPX/x:RunCadence", ns)
    assert len(speeds) == r.activity.n_samples and cadences
    assert root.find(".//t:Activity", ns).get("Sport") == "Running"


def test_write_fit_takes_any_activity_with_gaps_in_its_summaries() -> None:
    n = 120
    samples = Activity.empty_samples(n)
    samples["timestamp"] = START.timestamp() + np.arange(n, dtype=np.float64)
    samples["elapsed_s"] = np.arange(n, dtype=np.float64)
    samples["distance_m"] = 3.0 * np.arange(n, dtype=np.float64)
    samples["heart_rate_bpm"][::7] = 150.0
    t0, t1 = float(samples["timestamp"][0]), float(samples["timestamp"][-1])
    lap = Lap(start=t0, end=t1, total_distance_m=float("nan"), total_timer_s=float(n - 1))
    activity = Activity(sport="running", start=START, samples=samples, laps=(lap,))
    msgs = decode(write_fit(activity))
    records = msgs["record_mesgs"]
    assert len(records) == n
    assert sum("heart_rate" in r for r in records) == len(range(0, n, 7))
    assert "total_distance" not in msgs["lap_mesgs"][0]
    assert msgs["session_mesgs"][0]["total_distance"] == pytest.approx(3.0 * (n - 1))
