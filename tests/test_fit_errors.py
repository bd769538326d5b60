"""Damaged, odd and non-activity FIT files behave as specified, under each ``OnError``."""

from __future__ import annotations

import itertools
import struct
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REAL
from legday.errors import (
    CorruptFileError,
    LegdayError,
    OnError,
    TruncatedFileError,
    UnsupportedFileError,
)
from legday.io.fit import is_fit, read_fit
from legday.model import Activity

FENIX_RUN = "python-fitparse/tests/files/garmin-fenix-5-run.fit"
FENIX_WALK = "python-fitparse/tests/files/garmin-fenix-5-walk.fit"


def _real(relative: str) -> bytes:
    path = REAL / relative
    if not path.exists():
        pytest.skip(f"real data not found: {relative}")
    return path.read_bytes()


def _sdk_crc(data: bytes) -> int:
    """The FIT CRC by the official SDK's own implementation (independent of legday's)."""
    from garmin_fit_sdk import CrcCalculator

    return int(CrcCalculator.calculate_crc(bytearray(data), 0, len(data)))


def _refit(body: bytes, header_size: int = 14, header_crc: bool = True) -> bytes:
    """A FIT file around the data section ``body``, with correct CRCs."""
    header = struct.pack("<BBHI4s", header_size, 0x20, 2132, len(body), b".FIT")
    if header_size == 14:
        header += struct.pack("<H", _sdk_crc(header) if header_crc else 0)
    return header + body + struct.pack("<H", _sdk_crc(header + body))


def _body(data: bytes) -> bytes:
    size = data[0]
    (data_size,) = struct.unpack_from("<I", data, 4)
    return data[size : size + data_size]


# --- not FIT, empty, not an activity -------------------------------------------------------


def test_an_empty_file_is_truncated(real_dir: Path) -> None:
    data = _real("sports-lib/src/specs/fixtures/others/empty-sessions.fit")
    assert data == b""
    with pytest.raises(TruncatedFileError) as info:
        read_fit(data, name="empty-sessions.fit")
    assert info.value.path == "empty-sessions.fit" and info.value.offset == 0


@pytest.mark.parametrize("data", [b"<?xml version='1.0'?><gpx/>", b"\x0e" * 40, b"PK\x03\x04"])
def test_bytes_that_are_not_fit_are_unsupported(data: bytes) -> None:
    assert not is_fit(data)
    with pytest.raises(UnsupportedFileError):
        read_fit(data, name="x.bin")


def test_a_header_cut_short_is_truncated() -> None:
    with pytest.raises(TruncatedFileError):
        read_fit(b"\x0e\x20\x54\x08", name="short.fit")


@pytest.mark.parametrize(
    ("relative", "kind"),
    [
        ("python-fitparse/tests/files/MonitoringFile.fit", "monitoring_b"),
        ("python-fitparse/tests/files/WorkoutRepeatSteps.fit", "workout"),
    ],
)
def test_fit_files_without_an_activity_are_unsupported(
    real_dir: Path, relative: str, kind: str
) -> None:
    with pytest.raises(UnsupportedFileError, match=f"not an activity file: {kind}"):
        read_fit(_real(relative), name=relative)


# --- damaged files under each OnError ---------------------------------------------------------

DAMAGED = [
    # (file, error class, byte offset, records kept)
    ("fitdecode/tests/files/invalid/activity-unexpected-eof.fit", TruncatedFileError, 751, 14),
    (
        "fitdecode/tests/files/invalid/activity-settings-corruptheader.fit",
        CorruptFileError,
        771,
        14,
    ),
    ("fitdecode/tests/files/invalid/activity-filecrc.fit", CorruptFileError, 769, 14),
    ("python-fitparse/tests/files/nick.fit", TruncatedFileError, 403437, 14391),
    (
        # 473 records before the fault; the last, a byte short, has a corrupt time and is
        # dropped (test_a_record_a_byte_short_is_dropped_for_its_time)
        "python-fitparse/tests/files/strava-android-app-201.10-b1218918.fit",
        CorruptFileError,
        7471,
        472,
    ),
    (
        "gpsbabel/reference/track/lezyne_super_gps-garmin_fit-sample-bad-endian.fit",
        CorruptFileError,
        22227,
        804,
    ),
]


@pytest.mark.parametrize(("relative", "error", "offset", "kept"), DAMAGED)
def test_damaged_files_raise_with_the_byte_offset(
    real_dir: Path, relative: str, error: type[LegdayError], offset: int, kept: int
) -> None:
    with pytest.raises(error) as info:
        read_fit(_real(relative), name=relative, on_error=OnError.RAISE)
    assert info.value.offset == offset  # type: ignore[attr-defined]
    assert relative in str(info.value) and f"byte {offset}" in str(info.value)


@pytest.mark.parametrize("on_error", [OnError.WARN, OnError.SKIP])
@pytest.mark.parametrize(("relative", "error", "offset", "kept"), DAMAGED)
def test_damaged_files_keep_what_came_before_the_fault(
    real_dir: Path,
    relative: str,
    error: type[LegdayError],
    offset: int,
    kept: int,
    on_error: OnError,
) -> None:
    activities = read_fit(_real(relative), name=relative, on_error=on_error)
    assert sum(a.n_samples for a in activities) == kept
    for activity in activities:
        assert any(f"byte {offset}" in w for w in activity.warnings)


def test_warn_is_the_default(real_dir: Path) -> None:
    data = _real("fitdecode/tests/files/invalid/activity-filecrc.fit")
    assert read_fit(data)[0].warnings


def test_a_bad_header_crc_is_reported_and_zero_means_not_computed(real_dir: Path) -> None:
    body = _body(_real(FENIX_RUN))
    good = read_fit(_refit(body), on_error=OnError.RAISE)
    zero = read_fit(_refit(body, header_crc=False), on_error=OnError.RAISE)
    assert zero[0].warnings == [] and zero[0].n_samples == good[0].n_samples
    bad = bytearray(_refit(body))
    bad[12] ^= 0xFF
    with pytest.raises(CorruptFileError, match="header CRC") as info:
        read_fit(bytes(bad), on_error=OnError.RAISE)
    assert info.value.offset == 12
    assert read_fit(bytes(bad))[0].n_samples == good[0].n_samples


def test_a_12_byte_header_reads_the_same(real_dir: Path) -> None:
    body = _body(_real(FENIX_RUN))
    long = read_fit(_refit(body), on_error=OnError.RAISE)[0]
    short = read_fit(_refit(body, header_size=12), on_error=OnError.RAISE)[0]
    assert short.n_samples == long.n_samples == 21
    assert (short.samples["heart_rate_bpm"] == long.samples["heart_rate_bpm"]).all()


def test_a_header_claiming_4_gb_allocates_nothing_of_the_sort(real_dir: Path) -> None:
    data = bytearray(_real(FENIX_RUN))
    data[4:8] = struct.pack("<I", 0xFFFFFFF0)
    data[12:14] = b"\0\0"
    tracemalloc.start()
    try:
        activities = read_fit(bytes(data), name="huge.fit")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20
    assert activities[0].n_samples == 21
    assert any("declared end at byte 4294967296" in w for w in activities[0].warnings)
    with pytest.raises((TruncatedFileError, CorruptFileError)):
        read_fit(bytes(data), on_error=OnError.RAISE)


# --- chained files, byte order, compressed timestamps ----------------------------------------


def test_chained_files_give_one_activity_per_session(real_dir: Path) -> None:
    run, walk = _real(FENIX_RUN), _real(FENIX_WALK)
    activities = read_fit(run + walk, on_error=OnError.RAISE)
    # Activities come in time order; the walk was recorded first.
    assert [a.sport for a in activities] == ["walking", "running"]
    assert [a.n_samples for a in activities] == [17, 21]
    assert activities[0].start < activities[1].start
    assert all(len(a.laps) == 1 for a in activities)


def _definition(
    local: int, global_num: int, fields: list[tuple[int, int, int]], big: bool
) -> bytes:
    order = ">" if big else "<"
    out = struct.pack(order + "BBBHB", 0x40 | local, 0, int(big), global_num, len(fields))
    return out + b"".join(struct.pack("BBB", *f) for f in fields)


def test_big_and_little_endian_definitions_agree() -> None:
    """One file, two local types: the same record layout in each byte order."""
    fields = [(253, 4, 0x86), (3, 1, 0x02), (5, 4, 0x86), (6, 2, 0x84)]
    t0 = 1_000_000_000
    body = _definition(0, 20, fields, big=False) + _definition(1, 20, fields, big=True)
    body += b"\x00" + struct.pack("<IBIH", t0, 150, 1234, 3000)
    body += b"\x01" + struct.pack(">IBIH", t0 + 1, 151, 1534, 3100)
    activity = read_fit(_refit(body), on_error=OnError.RAISE)[0]
    assert list(activity.samples["timestamp"]) == [t0 + 631065600, t0 + 631065601]
    assert list(activity.samples["heart_rate_bpm"]) == [150, 151]
    assert list(activity.samples["distance_m"]) == [12.34, 15.34]
    assert list(activity.samples["speed_mps"]) == [3.0, 3.1]


def test_compressed_timestamps_roll_over_every_32_seconds() -> None:
    t0 = 1_000_000_030  # low 5 bits: 30
    body = _definition(0, 20, [(253, 4, 0x86), (3, 1, 0x02)], big=False)
    body += _definition(1, 20, [(3, 1, 0x02)], big=False)
    body += b"\x00" + struct.pack("<IB", t0, 100)
    # Compressed header: bit 7, local type 1 in bits 5-6, time offset in bits 0-4.
    for offset, hr in ((31, 101), (1, 102), (1, 103), (10, 104)):
        body += bytes([0x80 | (1 << 5) | offset, hr])
    activity = read_fit(_refit(body), on_error=OnError.RAISE)[0]
    assert list(activity.samples["elapsed_s"]) == [0, 1, 3, 3, 12]
    assert list(activity.samples["heart_rate_bpm"]) == [100, 101, 102, 103, 104]


def _described_file(base: int, scale: int, raw: int) -> bytes:
    """A file whose records carry one developer field of one byte, described as ``base``
    (a FIT base type) with ``scale``; the record definition's bytes never change."""
    description = [(0, 1, 0x02), (1, 1, 0x02), (2, 1, 0x02), (3, 8, 0x07), (6, 1, 0x02)]
    body = _definition(0, 206, description, big=False)
    body += b"\x00" + struct.pack("<BBB8sB", 0, 0, base, b"pace", scale)
    record = _definition(1, 20, [(253, 4, 0x86)], big=False)
    body += bytes([record[0] | 0x20]) + record[1:] + bytes([1, 0, 1, 0])  # field 0, 1 byte
    t0 = 1_000_000_000
    body += b"".join(b"\x01" + struct.pack("<IB", t0 + i, raw) for i in range(3))
    return _refit(body)


def test_one_definition_with_other_developer_descriptions_decodes_each_as_described() -> None:
    """Decode plans are cached by definition bytes; the description is part of the key."""
    unsigned = read_fit(_described_file(0x02, 1, 200), on_error=OnError.RAISE)[0]
    signed = read_fit(_described_file(0x01, 1, 200), on_error=OnError.RAISE)[0]
    scaled = read_fit(_described_file(0x02, 10, 200), on_error=OnError.RAISE)[0]
    assert list(unsigned.samples["dev_pace"]) == [200.0] * 3
    assert list(signed.samples["dev_pace"]) == [-56.0] * 3
    assert list(scaled.samples["dev_pace"]) == [20.0] * 3


def _run_file_body(before: int, after: int) -> tuple[bytes, list[int]]:
    """Records of one layout, then one compressed record of another size, then the first
    layout again (the scan takes long runs of one size with numpy); and each record's offset
    in the body."""
    body = _definition(0, 20, _TIMED, big=False) + _definition(1, 20, [(3, 1, 0x02)], big=False)
    starts = []
    for i in range(before + 1 + after):
        starts.append(len(body))
        if i == before:
            body += bytes([0x80 | (1 << 5) | (_T0 + i) % 32, 200])
        else:
            body += b"\x00" + struct.pack("<IB", _T0 + i, 100 + i % 100)
    return body, starts


@pytest.mark.parametrize(("before", "after"), [(1, 1), (63, 2), (64, 1), (65, 200), (700, 65)])
def test_runs_of_one_message_size_are_read_whole(before: int, after: int) -> None:
    body, _ = _run_file_body(before, after)
    (activity,) = read_fit(_refit(body), on_error=OnError.RAISE)
    hr = [100 + i % 100 for i in range(before + 1 + after)]
    hr[before] = 200
    assert list(activity.samples["heart_rate_bpm"]) == hr
    assert list(activity.samples["elapsed_s"]) == list(range(before + 1 + after))


@pytest.mark.parametrize("cut", [6, 7, 11, 400, 401, 406, 1799, 1801, 1802, 1803])
def test_a_run_cut_short_keeps_its_whole_messages(cut: int) -> None:
    body, starts = _run_file_body(300, 10)
    end = starts[0] + cut
    data = _refit(body[:end])
    ends = [*starts[1:], len(body)]
    whole = [s for s, e in zip(starts, ends, strict=True) if e <= end]
    partial = [s for s, e in zip(starts, ends, strict=True) if s < end < e]
    if partial:
        with pytest.raises(TruncatedFileError) as info:
            read_fit(data, on_error=OnError.RAISE)
        assert info.value.offset == 14 + partial[0]
    (activity,) = read_fit(data, on_error=OnError.WARN)
    assert activity.n_samples == len(whole)


def test_a_file_with_records_and_no_session_gives_one_activity(real_dir: Path) -> None:
    activities = read_fit(_real("muktihari-fit/testdata/from_official_sdk/activity_truncated.fit"))
    assert len(activities) == 1 and activities[0].n_samples == 14
    assert activities[0].totals is None


# --- record times that cannot be placed on the time line --------------------------------------

#: A record layout of timestamp and heart rate, and the FIT time of the first record
#: (2021-09-09, a plausible recent date).
_TIMED = [(253, 4, 0x86), (3, 1, 0x02)]
_T0 = 1_000_000_000
#: Byte offset of record ``i`` in :func:`_timed_file`: 14-byte header, 12-byte definition,
#: 6 bytes per record.
_FIRST_RECORD, _RECORD_SIZE = 26, 6
#: The corrupt time of the Strava app's record a byte short (2085-12-21T16:46:58Z).
_CORRUPT = 0xB486B102
#: The invalid uint32 sentinel (FIT protocol): the record has no time.
_NO_TIME = 0xFFFFFFFF


def _timed_file(times: list[int]) -> bytes:
    body = _definition(0, 20, _TIMED, big=False)
    body += b"".join(b"\x00" + struct.pack("<IB", t, 100 + i % 100) for i, t in enumerate(times))
    return _refit(body)


def _at(i: int) -> int:
    return _FIRST_RECORD + _RECORD_SIZE * i


def _assert_placed(activities: list[Activity]) -> None:
    for activity in activities:
        ts = activity.samples["timestamp"]
        assert np.isfinite(ts).all() and (np.diff(ts) >= 0).all()


@pytest.mark.parametrize(
    ("times", "dropped", "message"),
    [
        ([_T0 + i for i in range(5)] + [_CORRUPT], [5], "more than 2 days"),
        ([_T0 + i if i != 3 else _CORRUPT for i in range(8)], [3], "2085-12-21T16:46:58Z"),
        ([1000] + [_T0 + i for i in range(6)], [0], "more than 2 days"),  # device-relative
        ([_T0, _T0 + 1, _T0 + 2, _T0 - 50, _T0 + 3, _T0 + 4], [3], "going back in time"),
        ([_T0, _T0 + 1, _T0 + 9, _T0 + 3, _T0 + 4, _T0 + 5], [2], "going back in time"),
        ([_T0, _NO_TIME, _T0 + 2, _T0 + 3], [1], "without a time"),
    ],
    ids=["corrupt-last", "corrupt-middle", "relative-first", "one-back", "one-ahead", "no-time"],
)
def test_records_that_cannot_be_placed_are_dropped_with_their_offset(
    times: list[int], dropped: list[int], message: str
) -> None:
    data = _timed_file(times)
    (activity,) = read_fit(data, name="t.fit")
    kept = [t for i, t in enumerate(times) if i not in dropped]
    assert list(activity.samples["timestamp"]) == [t + 631065600 for t in kept]
    assert list(activity.samples["heart_rate_bpm"]) == [
        100 + i % 100 for i in range(len(times)) if i not in dropped
    ]
    (warning,) = [w for w in activity.warnings if message in w]
    assert f"t.fit @ byte {_at(dropped[0])}: {len(dropped)} record(s)" in warning
    assert warning.endswith("dropped")
    with pytest.raises(CorruptFileError, match=message) as info:
        read_fit(data, name="t.fit", on_error=OnError.RAISE)
    assert info.value.offset == _at(dropped[0])


def test_a_file_of_device_relative_times_keeps_them() -> None:
    """The Forerunner 70 writes seconds since power-on only: nothing to compare them with, so
    they are kept (durations are right) and the start is flagged as not absolute."""
    (activity,) = read_fit(_timed_file([1000 + 5 * i for i in range(6)]), on_error=OnError.RAISE)
    assert activity.n_samples == 6 and activity.duration_s == 25
    assert any("device-relative" in w for w in activity.warnings)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    st.lists(
        st.one_of(
            st.integers(min_value=_T0, max_value=_T0 + 7200),
            st.integers(min_value=0, max_value=2**32 - 1),
        ),
        min_size=1,
        max_size=60,
    )
)
def test_whatever_the_record_times_the_output_is_placed(times: list[int]) -> None:
    activities = read_fit(_timed_file(times))
    _assert_placed(activities)
    ordered = all(b >= a for a, b in itertools.pairwise(times))
    if ordered and times[-1] - times[0] <= 2 * 86400 and _NO_TIME not in times:
        assert sum(a.n_samples for a in activities) == len(times)  # nothing lost
