"""Fuzzing: mutated and truncated real FIT files never raise anything but LegdayError."""

from __future__ import annotations

import struct

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REAL
from legday.errors import LegdayError, OnError
from legday.io.fit import read_fit

pytestmark = pytest.mark.real

#: Small real files with varied features: developer fields, hrv, compressed timestamps and
#: compressed speed/distance, big-endian definitions, a 12-byte header.
SEEDS = [
    "python-fitparse/tests/files/garmin-fenix-5-run.fit",
    "python-fitparse/tests/files/compressed-speed-distance.fit",
    "fitdecode/tests/files/invalid/activity-filecrc.fit",
    "tormoder-fit/testdata/misc/unterminated-strings.fit",
    "sports-lib/src/specs/fixtures/runs/fit/2067489619.fit",
]


def _seeds() -> list[bytes]:
    out = [(REAL / s).read_bytes() for s in SEEDS if (REAL / s).exists()]
    if not out:
        pytest.skip("real data not found")
    return out


def _decode(data: bytes, on_error: OnError) -> None:
    try:
        activities = read_fit(data, name="fuzz.fit", on_error=on_error)
    except LegdayError:
        return
    for activity in activities:
        n = activity.n_samples
        assert all(v.shape == (n,) for v in activity.samples.values())


mutation = st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255))


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)
@given(
    seed=st.integers(min_value=0, max_value=len(SEEDS) - 1),
    flips=st.lists(mutation, min_size=1, max_size=8),
    cut=st.one_of(st.none(), st.integers(min_value=0)),
    on_error=st.sampled_from(list(OnError)),
)
def test_mutated_and_truncated_files_only_raise_legday_errors(
    seed: int, flips: list[tuple[int, int]], cut: int | None, on_error: OnError
) -> None:
    seeds = _seeds()
    data = bytearray(seeds[seed % len(seeds)])
    for position, value in flips:
        data[position % len(data)] = value
    if cut is not None:
        data = data[: cut % (len(data) + 1)]
    _decode(bytes(data), on_error)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    body=st.binary(max_size=400),
    header_size=st.sampled_from([12, 14]),
    declared=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_random_bytes_behind_a_fit_header_only_raise_legday_errors(
    body: bytes, header_size: int, declared: int
) -> None:
    header = struct.pack("<BBHI4s", header_size, 0x20, 2132, declared, b".FIT")
    if header_size == 14:
        header += b"\0\0"
    _decode(header + body, OnError.WARN)
    _decode(header + body, OnError.RAISE)
