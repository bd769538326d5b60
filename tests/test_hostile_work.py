"""Work bombs (issue 16, item 1): inputs small in bytes that asked for unbounded work.

A 1 MB ``.fit.gz`` of 33 million chained empty FIT headers ran 528 s and reached 10 GB; a 2 GB
sparse file was read to 512 MiB before being refused. Each bound of :mod:`legday.io.limits`
is hit here by the input built to hit it, and must answer at once with an
:class:`UnsafeInputError` naming the file, whatever ``on_error`` says.
"""

from __future__ import annotations

import gzip
import struct
import time
import tracemalloc
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from legday.errors import OnError, UnsafeInputError
from legday.io.fit import read_fit
from legday.io.fit.crc import fit_crc
from legday.io.limits import (
    MAX_CHAINED_FIT_FILES,
    MAX_FIT_BYTES,
    MAX_WARNINGS_PER_FILE,
    WORK_FLOOR,
)
from legday.io.reader import MAX_INPUT_BYTES, read, read_all, read_bytes
from legday.io.strength_csv import MAX_CSV_BYTES, read_strength_csv

#: Seconds any refusal here may take on a loaded 2-core machine (each takes milliseconds; the
#: old code took from seconds to never).
BUDGET_S = 2.0


def _fit(body: bytes, *, header_crc_ok: bool = True, file_crc_ok: bool = True) -> bytes:
    """One FIT file (14-byte header) around the data section ``body``."""
    header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(body), b".FIT")
    header += struct.pack("<H", fit_crc(header) ^ (0 if header_crc_ok else 1))
    crc = fit_crc(header + body) ^ (0 if file_crc_ok else 1)
    return header + body + struct.pack("<H", crc)


#: The red team's link: a 12-byte header declaring no data, and its 2-byte CRC.
_EMPTY_HEADER = struct.pack("<BBHI4s", 12, 0x10, 2132, 0, b".FIT")
EMPTY_FIT = _EMPTY_HEADER + struct.pack("<H", fit_crc(_EMPTY_HEADER))
#: A definition message (local type 0, little-endian, global message 20 ``record``) of no
#: fields: its data messages are one byte, the record header alone.
EMPTY_DEFINITION = bytes([0x40, 0, 0]) + struct.pack("<H", 20) + bytes([0])


def _refused(call: Callable[[], object], match: str) -> UnsafeInputError:
    start = time.perf_counter()
    with pytest.raises(UnsafeInputError, match=match) as info:
        call()
    assert time.perf_counter() - start < BUDGET_S
    return info.value


def test_chained_empty_headers_are_refused_past_the_cap() -> None:
    data = EMPTY_FIT * (MAX_CHAINED_FIT_FILES * 4)
    for on_error in OnError:
        error = _refused(
            lambda on_error=on_error: read_fit(data, name="chain.fit", on_error=on_error),
            "chained FIT files",
        )
        assert error.path == "chain.fit"
        assert error.offset == MAX_CHAINED_FIT_FILES * len(EMPTY_FIT)


def test_a_gzip_of_millions_of_chained_headers_stops_at_the_fit_limit() -> None:
    """The red team's bomb, scaled to the FIT limit: 6 million links (80 MiB) in 180 KB."""
    links = MAX_FIT_BYTES // len(EMPTY_FIT) + 1_000_000
    packer = zlib.compressobj(1, wbits=16 + zlib.MAX_WBITS)
    block = EMPTY_FIT * 100_000
    gz = b"".join(packer.compress(block) for _ in range(links // 100_000)) + packer.flush()
    error = _refused(lambda: read_bytes(gz, name="bomb.fit.gz"), "64 MiB")
    assert error.path == "bomb.fit.gz"


def test_a_fit_file_past_its_size_limit_is_refused() -> None:
    data = EMPTY_FIT + b"\0" * MAX_FIT_BYTES
    _refused(lambda: read_fit(data, name="huge.fit"), "64 MiB")


def test_one_byte_messages_are_refused_past_the_per_byte_cap() -> None:
    data = _fit(EMPTY_DEFINITION + b"\0" * (WORK_FLOOR * 8))
    error = _refused(lambda: read_fit(data, name="dots.fit"), "data messages")
    assert error.path == "dots.fit" and error.offset is not None


def test_a_flood_of_definitions_is_refused_past_the_per_byte_cap() -> None:
    data = _fit(EMPTY_DEFINITION * (WORK_FLOOR * 2))
    _refused(lambda: read_fit(data, name="defs.fit"), "definition messages")


def test_a_flood_of_faults_is_refused_past_the_warning_cap() -> None:
    """Chained files that each break both checksums: two soft faults apiece (warnings before)."""
    link = _fit(b"", header_crc_ok=False, file_crc_ok=False)
    data = link * (MAX_WARNINGS_PER_FILE // 2 + 10)
    error = _refused(lambda: read_fit(data, name="crc.fit"), "faults")
    assert "CRC" in str(error)


def test_a_tcx_warning_once_per_lap_is_refused_past_the_warning_cap() -> None:
    laps = "".join(
        "<Lap><TotalTimeSeconds>1</TotalTimeSeconds><Track><Trackpoint>"
        f"<Time>2024-01-01T00:{k // 60:02d}:{k % 60:02d}Z</Time></Trackpoint></Track></Lap>"
        for k in range(MAX_WARNINGS_PER_FILE + 10)
    )
    tcx = (
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        'TrainingCenterDatabase/v2"><Activities><Activity Sport="Running">'
        f"<Id>2024-01-01T00:00:00Z</Id>{laps}</Activity></Activities></TrainingCenterDatabase>"
    ).encode()
    error = _refused(lambda: read_bytes(tcx, name="laps.tcx"), "more than 100 warnings")
    assert "StartTime" in str(error)


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as fh:
        fh.truncate(size)
    return path


@pytest.mark.parametrize("reader", [read, read_all], ids=["read", "read_all"])
def test_a_sparse_file_is_refused_by_its_size_before_it_is_read(
    tmp_path: Path, reader: Callable[[Path], object]
) -> None:
    """2 GiB of holes: refused from its size, so nothing near 512 MiB is allocated."""
    path = _sparse(tmp_path / "sparse.fit", 4 * MAX_INPUT_BYTES)
    tracemalloc.start()
    try:
        error = _refused(lambda: reader(path), "larger than")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.path == str(path)
    assert peak < 16 * 1024 * 1024


def test_a_sparse_file_is_refused_by_inspect(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from legday.cli import app

    path = _sparse(tmp_path / "sparse.fit", 4 * MAX_INPUT_BYTES)
    start = time.perf_counter()
    result = CliRunner().invoke(app, ["inspect", str(path)], env={"LEGDAY_HOME": str(tmp_path)})
    assert time.perf_counter() - start < BUDGET_S
    assert result.exit_code != 0
    assert "larger than" in result.output and "Traceback" not in result.output


def test_a_sparse_lifting_log_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = _sparse(tmp_path / "strong.csv", 2 * MAX_CSV_BYTES)
    tracemalloc.start()
    try:
        _refused(lambda: read_strength_csv(path), "not a lifting log")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024


def test_a_gzip_bomb_costs_its_limit_once() -> None:
    """The decompressed bytes are handed over, not copied: peak ≈ the output, not twice it."""
    size = 48 * 1024 * 1024
    gz = gzip.compress(b"<gpx>" + b" " * size, compresslevel=1)
    from legday.io.reader import gunzip

    tracemalloc.start()
    try:
        out = gunzip(gz, name="big.gpx.gz", limit=MAX_INPUT_BYTES)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(out) == size + 5
    assert peak < 1.5 * size
