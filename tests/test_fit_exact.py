"""legday's FIT decoding checked against independent decoders on every real FIT file.

The official Garmin FIT SDK (``garmin_fit_sdk``) is the oracle wherever it decodes a file
without error; it cannot read compressed-timestamp files, for which fitdecode is the oracle.

Where legday differs from the oracles on purpose, a test here holds the evidence:

* expanded components are kept exact, not truncated to the target's units (components.py);
* the bad-endian Lezyne file stops at an impossible architecture byte, where the oracles go on
  decoding garbage (``test_bad_endian_file_where_the_oracles_decode_garbage``);
* the Strava app's record written a byte short is dropped for its corrupt time (2085), which the
  SDK returns as it reads it (``test_a_record_a_byte_short_is_dropped_for_its_time``).
"""

from __future__ import annotations

import warnings
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from conftest import REAL, real_files
from legday.io.fit import read_fit
from legday.io.fit.profile import mesg_num, message_profile
from legday.io.fit.samples import STEP_SPORTS, _channel_name, _dev_name
from legday.model import Activity

pytestmark = pytest.mark.real

FIT_FILES = [p for p in real_files("fit") if p.exists() and p.stat().st_size]
#: Files whose records use compressed-timestamp headers, which the official SDK rejects.
COMPRESSED = [
    "python-fitparse/tests/files/compressed-speed-distance.fit",
    "gpsbabel/reference/track/lezyne_super_gps-garmin_fit-sample-bad-endian.fit",
]
#: FIT epoch in POSIX seconds, restated here so the test does not trust the code under test.
FIT_EPOCH = 631065600
SEMICIRCLE = 180.0 / 2**31
#: Invalid-value sentinels of the FIT integer base types (FIT protocol).
SENTINELS = [0x7F, 0xFF, 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF]


def _id(path: Path) -> str:
    return str(path.relative_to(REAL))


@cache
def _sdk(path: Path) -> dict[str, Any] | None:
    """The SDK's messages, or None when it reports an error for the file."""
    from garmin_fit_sdk import Decoder, Stream

    messages, errors = Decoder(Stream.from_byte_array(bytearray(path.read_bytes()))).read()
    return None if errors else messages


@cache
def _ours(path: Path) -> list[Activity]:
    return read_fit(path.read_bytes(), name=path.name)


def _concat(activities: list[Activity]) -> dict[str, npt.NDArray[np.float64]]:
    keys = set.intersection(*(set(a.samples) for a in activities))
    return {k: np.concatenate([a.samples[k] for a in activities]) for k in keys}


def _column(messages: list[dict[str, Any]], name: str) -> npt.NDArray[np.float64]:
    out = [m.get(name) for m in messages]
    return np.array([v if isinstance(v, int | float) else np.nan for v in out], dtype=float)


def _close(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
    return np.isclose(a, b, rtol=1e-12, atol=1e-9, equal_nan=True)


def _sdk_messages(path: Path) -> dict[str, Any]:
    messages = _sdk(path)
    assert messages is not None, "selected for the SDK but the SDK reports an error"
    return messages


def _select(has: Any) -> list[Path]:
    """The real files the SDK decodes without error that hold what a test compares.

    Files are chosen when the tests are collected, so a test is never generated for a file that
    lacks the feature (no skips: in CI every generated test must run). The SDK's decodes are
    cached, so the tests reuse them.
    """
    return [p for p in FIT_FILES if (m := _sdk(p)) is not None and has(m)]


WITH_RECORDS = _select(lambda m: m.get("record_mesgs"))
WITH_DEV_FIELDS = _select(lambda m: any("developer_fields" in r for r in m.get("record_mesgs", [])))
WITH_SESSIONS = _select(lambda m: m.get("session_mesgs"))
WITH_SETS_OR_HRV = _select(
    lambda m: (
        m.get("hrv_mesgs") or any(s.get("set_type") == "active" for s in m.get("set_mesgs", []))
    )
)


def test_the_selections_are_not_empty(real_dir: Path) -> None:
    assert len(WITH_RECORDS) >= 20 and WITH_DEV_FIELDS and WITH_SESSIONS and WITH_SETS_OR_HRV


@pytest.mark.parametrize("path", WITH_RECORDS, ids=_id)
def test_records_equal_the_official_sdk(path: Path) -> None:
    messages = _sdk_messages(path)
    records = messages["record_mesgs"]
    activities = _ours(path)
    ours = _concat(activities)
    assert ours["timestamp"].shape[0] == len(records)
    stamps = np.array([m["timestamp"].timestamp() for m in records])
    np.testing.assert_array_equal(ours["timestamp"], stamps)
    steps = np.concatenate([np.full(a.n_samples, a.sport in STEP_SPORTS) for a in activities])
    cadence = _column(records, "cadence") + np.nan_to_num(_column(records, "fractional_cadence"))
    expected = {
        "distance_m": _column(records, "distance"),
        "speed_mps": np.where(
            np.isnan(_column(records, "enhanced_speed")),
            _column(records, "speed"),
            _column(records, "enhanced_speed"),
        ),
        "altitude_m": np.where(
            np.isnan(_column(records, "enhanced_altitude")),
            _column(records, "altitude"),
            _column(records, "enhanced_altitude"),
        ),
        "heart_rate_bpm": _column(records, "heart_rate"),
        "cadence_spm": np.where(steps, cadence * 2, cadence),
        "power_w": _column(records, "power"),
        "latitude_deg": _column(records, "position_lat") * SEMICIRCLE,
        "longitude_deg": _column(records, "position_long") * SEMICIRCLE,
    }
    profile = message_profile(mesg_num("record"))
    assert profile is not None
    for spec in profile.fields.values():
        channel = _channel_name(spec.name, spec.units)
        if channel in ours and channel not in expected:
            expected[channel] = _column(records, spec.name)
    for channel, values in expected.items():
        same = _close(ours[channel], values)
        assert same.all(), (channel, np.flatnonzero(~same)[:5], ours[channel][~same][:5])


@pytest.mark.parametrize("path", WITH_DEV_FIELDS, ids=_id)
def test_developer_fields_equal_the_official_sdk(path: Path) -> None:
    messages = _sdk_messages(path)
    records = messages["record_mesgs"]
    # The SDK keys developer values by description number; a file that re-sends its
    # descriptions (mornindew-broken.fit does) gets new keys for the same fields.
    keys_by_name: dict[str, list[int]] = {}
    for key, desc in enumerate(messages.get("field_description_mesgs", [])):
        keys_by_name.setdefault(_dev_name(str(desc.get("field_name"))), []).append(key)
    ours = _concat(_ours(path))
    checked = 0
    for channel, keys in keys_by_name.items():
        values = [
            next(
                (m["developer_fields"][k] for k in keys if k in m.get("developer_fields", {})), None
            )
            for m in records
        ]
        if all(v is None for v in values) or any(isinstance(v, list | str) for v in values):
            continue
        column = np.array([np.nan if v is None else v for v in values], dtype=float)
        # The SDK keeps an invalid developer value's raw sentinel; legday makes it NaN.
        known = ~np.isnan(ours[channel])
        assert _close(ours[channel][known], column[known]).all(), channel
        rest = column[~known]
        assert np.isin(rest[~np.isnan(rest)], SENTINELS).all(), channel
        checked += 1
    assert checked


def _optional(value: Any) -> Any:
    return None if value is None else pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize("path", WITH_SESSIONS, ids=_id)
def test_sessions_and_laps_equal_the_official_sdk(path: Path) -> None:
    messages = _sdk_messages(path)
    sessions = messages["session_mesgs"]
    activities = _ours(path)
    assert len(activities) == len(sessions)
    by_start = sorted(sessions, key=lambda s: s["start_time"].timestamp())
    for activity, session in zip(activities, by_start, strict=True):
        assert activity.start == session["start_time"]
        assert activity.sport == str(session.get("sport", "generic"))
        assert activity.totals is not None
        for ours, theirs in (
            (activity.totals.total_elapsed_s, "total_elapsed_time"),
            (activity.totals.total_timer_s, "total_timer_time"),
            (activity.totals.total_distance_m, "total_distance"),
            (activity.totals.total_ascent_m, "total_ascent"),
            (activity.totals.avg_heart_rate_bpm, "avg_heart_rate"),
            (activity.totals.max_heart_rate_bpm, "max_heart_rate"),
            (activity.totals.total_calories_kcal, "total_calories"),
        ):
            assert ours == _optional(session.get(theirs)), theirs
    laps = [lap for a in activities for lap in a.laps]
    sdk_laps = messages.get("lap_mesgs", [])
    assert len(laps) == len(sdk_laps)
    ours_by_start = sorted(laps, key=lambda lap: lap.start)
    theirs_by_start = sorted(sdk_laps, key=lambda lap: lap["start_time"].timestamp())
    for lap, theirs in zip(ours_by_start, theirs_by_start, strict=True):
        assert lap.start == theirs["start_time"].timestamp()
        assert lap.total_distance_m == _optional(theirs.get("total_distance"))
        assert lap.total_elapsed_s == _optional(theirs.get("total_elapsed_time"))
        assert lap.intensity == theirs.get("intensity")
        assert lap.trigger == theirs.get("lap_trigger")
        assert lap.wkt_step_index == theirs.get("wkt_step_index")


@pytest.mark.parametrize("path", WITH_SETS_OR_HRV, ids=_id)
def test_strength_sets_and_hrv_equal_the_official_sdk(path: Path) -> None:
    messages = _sdk_messages(path)
    sets = [s for s in messages.get("set_mesgs", []) if s.get("set_type") == "active"]
    hrv = messages.get("hrv_mesgs", [])
    activities = _ours(path)
    ours = [s for a in activities for s in a.sets]
    assert [s.reps for s in ours] == [s.get("repetitions") for s in sets]
    assert [s.load_kg for s in ours] == pytest.approx([s.get("weight") for s in sets])
    assert [s.duration_s for s in ours] == pytest.approx([s.get("duration") for s in sets])
    rr = np.concatenate([a.metadata.get("hrv_rr_s", np.zeros(0)) for a in activities])
    expected = [v for m in hrv for v in np.atleast_1d(m["time"]) if v is not None]
    np.testing.assert_allclose(rr, expected, rtol=1e-12)


def _fitdecode_records(data: bytes) -> list[dict[str, Any]]:
    import fitdecode

    out: list[dict[str, Any]] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            with fitdecode.FitReader(data, check_crc=fitdecode.CrcCheck.DISABLED) as reader:
                for frame in reader:
                    if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "record":
                        out.append(
                            {
                                f.name: f.raw_value if f.name == "timestamp" else f.value
                                for f in frame.fields
                            }
                        )
        except (fitdecode.FitError, ValueError):
            pass  # the bad-endian file breaks fitdecode part-way; compare what came before
    return out


@pytest.mark.parametrize("relative", COMPRESSED)
def test_compressed_timestamp_files_equal_fitdecode(relative: str, real_dir: Path) -> None:
    path = real_dir / relative
    theirs = _fitdecode_records(path.read_bytes())
    ours = _concat(_ours(path))
    assert ours["timestamp"].shape[0] == len(theirs)
    np.testing.assert_array_equal(
        ours["timestamp"], np.array([r["timestamp"] for r in theirs], dtype=float) + FIT_EPOCH
    )
    for field, channel in (
        ("distance", "distance_m"),
        ("speed", "speed_mps"),
        ("heart_rate", "heart_rate_bpm"),
        ("altitude", "altitude_m"),
    ):
        assert _close(ours[channel], _column(theirs, field)).all(), field


def test_bad_endian_file_where_the_oracles_decode_garbage(real_dir: Path) -> None:
    """Evidence that stopping at byte 22227 is right and the oracles are wrong.

    At byte 22225 a definition message claims architecture byte 229 (only 0 and 1 exist);
    fitdecode and the SDK read it as big-endian and go on to "define" global messages 16362
    and 14090 with developer data indices that were never declared and field sizes that are
    not multiples of their base types: the bytes from there on are not FIT messages.
    """
    path = real_dir / COMPRESSED[1]
    data = path.read_bytes()
    assert data[22225] & 0xC0 == 0x40 and data[22227] == 229
    activity = _ours(path)[0]
    assert any("byte 22227" in w and "architecture" in w for w in activity.warnings)
    assert activity.n_samples == len(_fitdecode_records(data))


#: The Strava app file whose last record before the fault was written a byte short.
STRAVA = "python-fitparse/tests/files/strava-android-app-201.10-b1218918.fit"


def test_a_record_a_byte_short_is_dropped_for_its_time(real_dir: Path) -> None:
    """Evidence that dropping the Strava file's last record is right and the SDK's time is not.

    The SDK stops at byte 7471 (an undefined local message) and returns the 473 records before
    it; the last, at byte 7451, reads 2085-12-21, 64 years after the one before. The bytes say
    why: its (big-endian) definition puts the timestamp at bytes 16-19 of the message, but the
    time one second after the previous record's sits at bytes 15-18, and byte 19 is already the
    header of the next message (local type 2, as at byte 7442): a field was written a byte
    short, so every later field, and the framing after it, is shifted. legday drops that record
    and keeps the other 472 exactly as the SDK reads them.
    """
    from garmin_fit_sdk import Decoder, Stream

    path = real_dir / STRAVA
    data = path.read_bytes()
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    assert errors, "the SDK stops at the undefined local message"
    records = messages["record_mesgs"]
    sdk_times = np.array([m["timestamp"].timestamp() for m in records])
    (activity,) = _ours(path)
    ours = activity.samples
    assert len(records) == 473 and activity.n_samples == 472
    np.testing.assert_array_equal(ours["timestamp"], sdk_times[:-1])
    assert records[-1]["timestamp"].year == 2085 and records[-2]["timestamp"].year == 2021
    for channel, field in (("latitude_deg", "position_lat"), ("longitude_deg", "position_long")):
        assert _close(ours[channel], _column(records, field)[:-1] * SEMICIRCLE).all()
    short, before = 7451, 7422  # the record a byte short, and the record of its layout before it
    assert data[short] == data[before] == 0x01  # local type 1: the same 20-byte layout
    previous = int.from_bytes(data[before + 16 : before + 20], "big")
    assert int.from_bytes(data[short + 15 : short + 19], "big") == previous + 1
    assert data[short + 19] == data[7442] == 0x02
    assert any(f"byte {short}" in w and "2085-12-21" in w for w in activity.warnings)
    # A user still sees the 59-minute run the session describes, not 64 years.
    assert activity.duration_s == 3558
