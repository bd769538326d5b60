"""The front door: contract over every reader, detection, hostile input, error wrapping, zones."""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from lxml import etree

import legday.io.reader as reader_mod
import legday.io.xml as xml_mod
from conftest import real_files
from legday.errors import (
    ConfigError,
    CorruptFileError,
    LegdayError,
    NotFoundError,
    OnError,
    TruncatedFileError,
    UnsafeInputError,
    UnsupportedFileError,
)
from legday.io.archive import read_archive
from legday.io.detect import Format, detect_format
from legday.io.reader import gunzip, read, read_all, read_bytes
from legday.io.timeline import plausible_times
from legday.io.timezone import offset_in_zone, utc_offset_for
from legday.io.track import cumulative_distance_m
from legday.model import CHANNELS, Activity

MALFORMED = "malformed.tcx"
GPX_MIN = (
    b'<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">'
    b'<trk><trkseg><trkpt lat="52.52" lon="13.40"><time>2024-07-01T06:00:00Z</time></trkpt>'
    b'<trkpt lat="52.521" lon="13.40"><time>2024-07-01T06:00:10Z</time></trkpt>'
    b"</trkseg></trk></gpx>"
)


def assert_contract(act: Activity) -> None:
    """What every reader promises, for every file."""
    n = act.n_samples
    for key in CHANNELS:
        assert key in act.samples, key
    for key, arr in act.samples.items():
        assert arr.dtype == np.float64, key
        assert arr.shape == (n,), key
    ts = act.samples["timestamp"]
    assert np.isfinite(ts).all()
    # Never backwards. Real watches do write two records with the same second (test2.fit has
    # 924 such pairs, the pool swim 13); the FIT reader keeps every record as written, exactly
    # as the official SDK reads it, and the analysis weights samples by the time between them.
    assert np.all(np.diff(ts) >= 0), "timestamps never decrease"
    if n:
        assert act.start.timestamp() <= ts[0] + 1e-6
        assert act.samples["elapsed_s"][0] == 0
    dist = act.samples["distance_m"]
    finite = dist[np.isfinite(dist)]
    assert np.all(np.diff(finite) >= 0), "distance never decreases"
    assert act.start.tzinfo is not None and act.start.utcoffset() == UTC.utcoffset(None)
    assert act.source is not None and act.source.format in {"fit", "gpx", "tcx"}


# --- the contract over every real file ------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [p for p in real_files("gpx") + real_files("tcx") if not str(p).endswith(MALFORMED)],
    ids=lambda p: p.name,
)
def test_every_real_xml_file_meets_the_contract(real_dir: Path, path: Path) -> None:
    activities = read_all(path)
    assert activities
    for act in activities:
        assert_contract(act)
        assert act.source is not None and act.source.name == str(path)


@pytest.mark.parametrize("path", real_files("fit"), ids=lambda p: p.name)
def test_every_real_fit_file_meets_the_contract(real_dir: Path, path: Path) -> None:
    try:
        activities = read_all(path)
    except LegdayError as exc:  # the FIT reader's own tests judge which files it refuses
        assert str(path) in str(exc)
        return
    for act in activities:
        assert_contract(act)


#: A plausible recorded activity lasts less than 2 days and covers less than 1000 km (the
#: longest single-activity recordings, multi-day ultras, stay within both).
MAX_PLAUSIBLE_DURATION_S = 2 * 86_400
MAX_PLAUSIBLE_DISTANCE_M = 1_000_000
#: Real files every reader refuses (corrupt on purpose, or not an activity); the FIT and XML
#: readers' own tests check how.
REFUSED = {
    "MonitoringFile.fit",
    "WorkoutRepeatSteps.fit",
    "empty-sessions.fit",
    MALFORMED,
}


@pytest.mark.parametrize(
    "path", real_files("fit") + real_files("gpx") + real_files("tcx"), ids=lambda p: p.name
)
def test_every_real_file_has_a_plausible_duration_and_distance(real_dir: Path, path: Path) -> None:
    """What a user would expect of each file: no activity lasts days or covers 1000 km (a
    corrupt record time once made a 59-minute run last 64 years)."""
    try:
        activities = read_all(path)
    except LegdayError:
        assert path.name in REFUSED
        return
    assert path.name not in REFUSED
    for act in activities:
        assert 0 <= act.duration_s < MAX_PLAUSIBLE_DURATION_S
        assert 0 <= act.distance_m < MAX_PLAUSIBLE_DISTANCE_M


def test_plausible_times_keep_the_recording_and_drop_strays() -> None:
    day = 86_400.0
    run = 1.6e9 + np.arange(3600.0)
    stray = np.concatenate((run[:10], [4e9], run[10:], [np.nan]))
    keep = plausible_times(stray)
    assert not keep[10] and not keep[-1] and keep.sum() == run.size
    # a week-long expedition without a two-day gap stays whole
    assert plausible_times(1.6e9 + np.arange(0, 7 * day, 3600.0)).all()
    # two sessions a week apart (chained files): each is near its own span, both stay
    two = np.concatenate((run, run[:100] + 7 * day))
    assert plausible_times(two, [(run[0], run[-1]), (run[0] + 7 * day, run[99] + 7 * day)]).all()
    assert plausible_times(two).sum() == run.size  # without spans: the larger cluster
    # a session whose times are garbage claims nothing: the larger cluster is kept
    assert plausible_times(two, [(100.0, 200.0)]).sum() == run.size


def test_a_gpx_point_days_away_is_dropped() -> None:
    """A logger that writes 1970 before its first fix gives one such point."""
    doc = GPX_MIN.replace(b"2024-07-01T06:00:00Z", b"1970-01-01T00:00:00Z").replace(
        b"</trkseg>",
        b'<trkpt lat="52.522" lon="13.40"><time>2024-07-01T06:00:20Z</time></trkpt></trkseg>',
    )
    act = read_bytes(doc, name="early.gpx")[0]
    assert act.n_samples == 2 and act.duration_s == 10
    assert any("1 point(s) more than 2 days" in w and "1970-01-01" in w for w in act.warnings)
    with pytest.raises(CorruptFileError, match="more than 2 days"):
        read_bytes(doc, name="early.gpx", on_error=OnError.RAISE)


def test_same_run_as_fit_and_as_tcx(real_dir: Path) -> None:
    base = real_dir / "sports-lib/src/specs/fixtures/runs"
    fit, tcx = read(base / "fit/6860622783.fit"), read(base / "tcx/6860622783.tcx")
    assert abs(fit.start.timestamp() - tcx.start.timestamp()) <= 5
    assert tcx.distance_m == pytest.approx(fit.distance_m, rel=0.01)
    assert float(tcx.samples["distance_m"][-1]) == pytest.approx(fit.distance_m, rel=0.01)
    assert np.nanmean(tcx.samples["heart_rate_bpm"]) == pytest.approx(
        np.nanmean(fit.samples["heart_rate_bpm"]), abs=2
    )
    assert fit.sport == tcx.sport == "running"


def test_same_run_as_fit_and_as_gpx(real_dir: Path) -> None:
    """GPX holds positions only. The watch's own distance (4,489 m) fuses its accelerometer and
    is 2.1 % above the great-circle length of the very same fixes (4,395 m), so the GPX is
    compared with the fixes at 1 % and with the watch at 3 %."""
    base = real_dir / "sports-lib/src/specs/fixtures/runs"
    fit, gpx = read(base / "fit/2067489619.fit"), read(base / "gpx/2067489619.gpx")
    assert abs(fit.start.timestamp() - gpx.start.timestamp()) <= 5
    fixes = cumulative_distance_m(fit.samples["latitude_deg"], fit.samples["longitude_deg"])
    assert gpx.distance_m == pytest.approx(float(fixes[-1]), rel=0.01)
    assert gpx.distance_m == pytest.approx(fit.distance_m, rel=0.03)
    assert np.nanmean(gpx.samples["heart_rate_bpm"]) == pytest.approx(
        np.nanmean(fit.samples["heart_rate_bpm"]), abs=3
    )
    assert fit.sport == gpx.sport == "running"


# --- detection ------------------------------------------------------------------------------


def test_bytes_are_read_like_an_anonymous_stream() -> None:
    assert read(GPX_MIN).n_samples == 2
    with pytest.raises(UnsupportedFileError, match=r"^<stream>"):
        read(b"nope")


def test_content_not_the_name_decides(tmp_path: Path) -> None:
    wrong = tmp_path / "really-gpx.tcx"
    wrong.write_bytes(GPX_MIN)
    act = read(wrong)
    assert act.source is not None and act.source.format == "gpx"


def test_gzip_forms_and_streams(tmp_path: Path) -> None:
    act = read(io.BytesIO(gzip.compress(GPX_MIN)))
    assert act.source is not None
    assert (act.source.format, act.source.compressed, act.source.name) == ("gpx", True, None)
    path = tmp_path / "a.gpx.gz"
    path.write_bytes(gzip.compress(GPX_MIN))
    with path.open("rb") as fh:
        assert read(fh).source.name == str(path)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("head", "fmt"),
    [
        (GPX_MIN, Format.GPX),
        (b"\xef\xbb\xbf" + GPX_MIN, Format.GPX),
        (b"<!-- hi --><?pi x?><!DOCTYPE gpx>\n<gpx/>", Format.GPX),
        (b'<x:TrainingCenterDatabase xmlns:x="u"/>', Format.TCX),
        ("<gpx/>".encode("utf-16"), Format.GPX),
        (b"\x0e\x10\x00\x00\x00\x00\x00\x00.FIT\x00\x00", Format.FIT),
    ],
)
def test_detection(head: bytes, fmt: Format) -> None:
    assert detect_format(head) is fmt


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"hello world", "not a FIT, GPX or TCX"),
        (b'<kml xmlns="http://www.opengis.net/kml/2.2"/>', "<kml> is neither GPX nor TCX"),
        (gzip.compress(gzip.compress(GPX_MIN)), "gzip inside gzip"),
    ],
)
def test_unknown_content_names_the_file(data: bytes, message: str) -> None:
    with pytest.raises(UnsupportedFileError, match=message) as info:
        read_bytes(data, name="mystery.bin")
    assert str(info.value).startswith("mystery.bin")
    with pytest.raises(UnsupportedFileError) as anon:
        read(io.BytesIO(data))
    assert str(anon.value).startswith("<stream>")


def test_utf16_gpx_is_read() -> None:
    text = GPX_MIN.decode().replace('version="1.0"?>', 'version="1.0" encoding="UTF-16"?>')
    assert read_bytes(text.encode("utf-16"))[0].n_samples == 2


def test_missing_path() -> None:
    with pytest.raises(NotFoundError, match=r"nope\.fit"):
        read("/nonexistent/nope.fit")


def test_read_returns_the_first_session() -> None:
    run = (
        '<Activity Sport="{sport}"><Lap StartTime="{t}"><TotalTimeSeconds>1</TotalTimeSeconds>'
        "<Track><Trackpoint><Time>{t}</Time></Trackpoint></Track></Lap></Activity>"
    )
    doc = (
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        "<Activities>"
        + run.format(sport="Running", t="2024-01-01T10:00:00Z")
        + run.format(sport="Biking", t="2024-01-01T11:00:00Z")
        + "</Activities></TrainingCenterDatabase>"
    ).encode()
    assert [a.sport for a in read_all(io.BytesIO(doc))] == ["running", "cycling"]
    assert read(io.BytesIO(doc)).sport == "running"


# --- hostile input --------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE gpx [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<gpx version="1.1"><trk><name>&lol3;</name></trk></gpx>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE TrainingCenterDatabase [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">
<Activities><Activity Sport="Running"><Id>&secret;</Id></Activity></Activities>
</TrainingCenterDatabase>"""


@pytest.mark.parametrize("doc", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["laughs", "xxe"])
def test_entity_declarations_are_refused(doc: bytes) -> None:
    with pytest.raises(UnsafeInputError, match=r"evil\.xml line 2: the DOCTYPE declares entities"):
        read_bytes(doc, name="evil.xml")


def test_entities_far_into_the_prolog_are_refused_after_parsing() -> None:
    padded = BILLION_LAUGHS.replace(b"<!DOCTYPE", b"<!--" + b" " * 70_000 + b"-->\n<!DOCTYPE")
    with pytest.raises(UnsafeInputError, match="declares entities"):
        xml_mod.parse_document(padded, "evil.xml")


def test_external_dtd_is_not_fetched() -> None:
    doc = GPX_MIN.replace(
        b"<gpx ", b'<!DOCTYPE gpx SYSTEM "http://192.0.2.1/never-fetched.dtd">\n<gpx ', 1
    )
    assert read_bytes(doc)[0].n_samples == 2  # no network, no DTD loaded: it just parses


def test_too_many_elements(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xml_mod, "MAX_XML_ELEMENTS", 1000)
    doc = GPX_MIN.replace(b"</trk>", b"<extensions>" + b"<e/>" * 5000 + b"</extensions></trk>")
    with pytest.raises(UnsafeInputError, match="too many XML elements"):
        read_bytes(doc, name="wide.gpx")


def test_gzip_bomb_stops_at_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader_mod, "MAX_INPUT_BYTES", 1 << 20)
    bomb = gzip.compress(b"\0" * (32 << 20), compresslevel=9)  # 32 MiB from ~32 KiB
    assert len(bomb) < 64 * 1024
    with pytest.raises(UnsafeInputError, match=r"bomb\.gpx\.gz: the decompressed input is larger"):
        read_bytes(bomb, name="bomb.gpx.gz")


def test_input_size_limit_on_paths(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(reader_mod, "MAX_INPUT_BYTES", 100)
    big = tmp_path / "big.gpx"
    big.write_bytes(GPX_MIN)
    with pytest.raises(UnsafeInputError, match=r"big\.gpx: the input is larger"):
        read(big)


def test_gzip_members_and_damage() -> None:
    two = gzip.compress(GPX_MIN[:100]) + gzip.compress(GPX_MIN[100:]) + b"\0\0"
    assert gunzip(two, name="x", limit=10_000) == GPX_MIN
    with pytest.raises(TruncatedFileError, match="ends early"):
        gunzip(gzip.compress(GPX_MIN)[:-20], name="x", limit=10_000)
    with pytest.raises(CorruptFileError, match="garbage after"):
        gunzip(gzip.compress(GPX_MIN) + b"junk", name="x", limit=10_000)


# --- third-party errors are wrapped ---------------------------------------------------------


UTF16_BROKEN = "<gpx>".encode("utf-16") + b"\x00\xd8"  # ends in a lone surrogate


def _bad_zip(tmp_path: Path) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.gpx", GPX_MIN)
    data = bytearray(buf.getvalue())
    cd = data.rfind(b"PK\x01\x02")
    data[cd : cd + 4] = b"XXXX"  # break the central directory, keep the end record
    path = tmp_path / "bad.zip"
    path.write_bytes(bytes(data))
    return path


def _bad_gzip() -> bytes:
    data = bytearray(gzip.compress(GPX_MIN))
    data[12:20] = b"\xff" * 8
    return bytes(data)


@pytest.mark.parametrize(
    ("make", "error", "cause"),
    [
        (lambda tmp: read_bytes(GPX_MIN[:-20]), CorruptFileError, etree.XMLSyntaxError),
        (lambda tmp: read_bytes(_bad_gzip()), CorruptFileError, zlib.error),
        (
            lambda tmp: read_bytes("<gpx>".encode("utf-16") + b"\x00\xd8"),
            CorruptFileError,
            UnicodeError,
        ),
        (lambda tmp: list(read_archive(_bad_zip(tmp))), CorruptFileError, zipfile.BadZipFile),
        (lambda tmp: read(tmp), LegdayError, OSError),
    ],
    ids=["lxml", "zlib", "unicode", "zipfile", "oserror"],
)
def test_third_party_errors_are_wrapped(
    tmp_path: Path, make: object, error: type[Exception], cause: type[Exception]
) -> None:
    with pytest.raises(error) as info:
        make(tmp_path)  # type: ignore[operator]
    assert isinstance(info.value.__cause__, cause)


# --- time zones -----------------------------------------------------------------------------


def test_offset_from_position_follows_daylight_saving() -> None:
    summer = datetime(2024, 7, 1, 12, tzinfo=UTC)
    winter = datetime(2024, 1, 1, 12, tzinfo=UTC)
    assert utc_offset_for(52.52, 13.40, summer) == 7200  # Berlin, CEST
    assert utc_offset_for(52.52, 13.40, winter) == 3600
    assert utc_offset_for(-8.05, -34.9, summer) == -10800  # Recife
    assert utc_offset_for(0.0, 0.0, summer) is None  # a placeholder fix
    assert utc_offset_for(float("nan"), 1.0, summer) is None


def test_offset_in_zone() -> None:
    assert offset_in_zone("America/New_York", datetime(2024, 7, 1, tzinfo=UTC)) == -14400
    with pytest.raises(ConfigError, match="Mars/Olympus"):
        offset_in_zone("Mars/Olympus", datetime(2024, 7, 1, tzinfo=UTC))
    with pytest.raises(ConfigError, match="timezone-aware"):
        offset_in_zone("UTC", datetime(2024, 7, 1))


def test_reader_fills_the_offset() -> None:
    act = read_bytes(GPX_MIN)[0]
    assert (act.utc_offset_s, act.metadata["utc_offset_source"]) == (7200, "position")
    no_gps = GPX_MIN.replace(b'lat="52.52" lon="13.40"', b'lat="0" lon="0"').replace(
        b'lat="52.521" lon="13.40"', b'lat="0" lon="0"'
    )
    assert read_bytes(no_gps)[0].utc_offset_s is None
    act = read_bytes(no_gps, profile_tz="Asia/Tokyo")[0]
    assert (act.utc_offset_s, act.metadata["utc_offset_source"]) == (32400, "profile")
    with pytest.raises(ConfigError):
        read_bytes(no_gps, profile_tz="Nowhere/Land")
