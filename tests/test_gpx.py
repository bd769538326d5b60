"""The GPX reader: real files from third parties, synthetic edge cases, properties."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legday.errors import CorruptFileError, OnError, UnsupportedFileError
from legday.io.gpx import read_gpx
from legday.io.isotime import posix_times
from legday.io.sports import SPORT_NAMES, STRAVA_TYPE_CODES, normalize_sport
from legday.io.track import EARTH_RADIUS_M, cumulative_distance_m
from legday.model import Activity

GPX11 = "http://www.topografix.com/GPX/1/1"
TPX1 = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
TPX2 = "http://www.garmin.com/xmlschemas/TrackPointExtension/v2"


def gpx_doc(points: str, *, type_: str | None = "running", version: str = "1.1") -> bytes:
    ns = GPX11 if version == "1.1" else "http://www.topografix.com/GPX/1/0"
    kind = f"<type>{type_}</type>" if type_ is not None else ""
    return (
        f'<?xml version="1.0"?><gpx version="{version}" creator="unit test" xmlns="{ns}" '
        f'xmlns:t1="{TPX1}" xmlns:t2="{TPX2}"><trk><name>Test run</name>{kind}'
        f"<trkseg>{points}</trkseg></trk></gpx>"
    ).encode()


def trkpt(lat: float, lon: float, time: str | None, ext: str = "", ele: str = "") -> str:
    t = f"<time>{time}</time>" if time is not None else ""
    e = f"<ele>{ele}</ele>" if ele else ""
    x = f"<extensions>{ext}</extensions>" if ext else ""
    return f'<trkpt lat="{lat}" lon="{lon}">{e}{t}{x}</trkpt>'


def read_one(data: bytes, on_error: OnError = OnError.WARN) -> Activity:
    return read_gpx(data, name="t.gpx", on_error=on_error)[0]


# --- real files -----------------------------------------------------------------------------


def test_strava_export(real_dir: Path) -> None:
    path = real_dir / "runpandas/runpandas/tests/io/data/gpx/strava_export.gpx"
    act = read_gpx(path.read_bytes(), name=str(path))[0]
    assert act.sport == "running"  # <type>9</type>, Strava's code for Run
    assert act.device == "StravaGPX"
    assert act.metadata["gpx_type"] == "9"
    assert act.start == datetime(2021, 1, 10, 8, 54, 28, tzinfo=UTC)
    assert 5100 < act.duration_s < 5150  # manifest: 5127 s
    hr = act.samples["heart_rate_bpm"]
    assert 140 < np.nanmean(hr) < 165
    # gpxtpx:cad holds strides/min; a run's step cadence is 150-190
    assert 160 < np.nanmedian(act.samples["cadence_spm"]) < 190


def test_missing_hr_is_nan_where_missing(real_dir: Path) -> None:
    data = (real_dir / "togeojson/test/data/missing_hr.gpx").read_bytes()
    act = read_gpx(data)[0]
    hr = act.samples["heart_rate_bpm"]
    assert act.n_samples == data.count(b"<trkpt")
    assert int(np.isfinite(hr).sum()) == data.count(b"<gpxtpx:hr>")
    assert np.isnan(hr[:3]).all()  # the first segment carries no HR


def test_points_without_time_are_dropped_with_a_warning(real_dir: Path) -> None:
    data = (real_dir / "gpxpy/test_files/cerknicko-without-times.gpx").read_bytes()
    act = read_gpx(data)[0]
    assert act.n_samples == 5
    assert any("291 point(s) without a time stamp" in w for w in act.warnings)
    assert np.all(np.diff(act.samples["timestamp"]) > 0)


def test_empty_segment(real_dir: Path) -> None:
    data = (real_dir / "gpxpy/test_files/track-with-empty-segment.gpx").read_bytes()
    act = read_gpx(data)[0]
    assert act.n_samples == data.count(b"<trkpt")
    assert act.sport == "generic"


def test_speed_extension_is_kept_not_derived(real_dir: Path) -> None:
    data = (real_dir / "togeojson/test/data/apple_watch_route.gpx").read_bytes()
    act = read_gpx(data)[0]
    assert act.samples["speed_mps"][0] == pytest.approx(1.310662)
    assert act.device == "Apple Health Export"


def test_air_temperature_becomes_an_extra_channel(real_dir: Path) -> None:
    act = read_gpx((real_dir / "workoutizer/tests/data/garmin_example.gpx").read_bytes())[0]
    assert act.samples["temperature_c"][0] == 27.0
    assert act.name == "Mannheim Running"


# --- synthetic ------------------------------------------------------------------------------


def test_trackpoint_extension_v2_and_power() -> None:
    ext = "<t2:TrackPointExtension><t2:hr>150</t2:hr><t2:cad>85</t2:cad>"
    ext += "<t2:speed>3.2</t2:speed></t2:TrackPointExtension><power>250</power>"
    pts = "".join(trkpt(45 + i * 1e-4, 6, f"2024-05-01T10:00:0{i}Z", ext) for i in range(3))
    act = read_one(gpx_doc(pts))
    assert list(act.samples["heart_rate_bpm"]) == [150, 150, 150]
    assert list(act.samples["cadence_spm"]) == [170, 170, 170]
    assert list(act.samples["speed_mps"]) == [3.2, 3.2, 3.2]
    assert list(act.samples["power_w"]) == [250, 250, 250]


def test_cycling_cadence_is_not_doubled() -> None:
    ext = "<t1:TrackPointExtension><t1:cad>90</t1:cad></t1:TrackPointExtension>"
    pts = "".join(trkpt(45, 6 + i * 1e-4, f"2024-05-01T10:00:0{i}Z", ext) for i in range(2))
    act = read_one(gpx_doc(pts, type_="1"))  # Strava code 1 = Ride
    assert act.sport == "cycling"
    assert list(act.samples["cadence_spm"]) == [90, 90]


def test_gpx_10_and_offsets_in_times() -> None:
    pts = trkpt(45, 6, "2024-05-01T12:00:00+02:00") + trkpt(45.001, 6, "2024-05-01T10:00:10Z")
    act = read_one(gpx_doc(pts, version="1.0", type_="Run"))
    assert act.start == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert list(act.samples["elapsed_s"]) == [0, 10]
    assert act.samples["distance_m"][-1] == pytest.approx(111.2, abs=0.1)
    assert act.samples["speed_mps"][-1] == pytest.approx(11.12, abs=0.01)


def test_fewer_than_two_timed_points_is_a_route() -> None:
    pts = trkpt(45, 6, "2024-05-01T10:00:00Z") + trkpt(45.1, 6, None)
    with pytest.raises(UnsupportedFileError, match=r"t\.gpx: .*1 time-stamped point"):
        read_one(gpx_doc(pts))


def test_unreadable_number_follows_on_error() -> None:
    pts = (
        trkpt(45, 6, "2024-05-01T10:00:00Z", ele="12")
        + "\n"
        + trkpt(45, 6.001, "2024-05-01T10:00:01Z", ele="high")
    )
    act = read_one(gpx_doc(pts), on_error=OnError.WARN)
    assert np.isnan(act.samples["altitude_m"][1])
    assert any("altitude_m" in w and "line 2" in w for w in act.warnings)
    with pytest.raises(CorruptFileError, match=r"t.gpx line 2: 1 unreadable altitude_m"):
        read_one(gpx_doc(pts), on_error=OnError.RAISE)


def test_points_out_of_order_are_sorted_or_raise() -> None:
    pts = "".join(
        trkpt(45, 6 + i * 1e-4, f"2024-05-01T10:00:0{s}Z") for i, s in enumerate((0, 2, 1, 3))
    )
    act = read_one(gpx_doc(pts))
    assert list(act.samples["elapsed_s"]) == [0, 1, 2, 3]
    assert any("backwards" in w for w in act.warnings)
    with pytest.raises(CorruptFileError, match="backwards"):
        read_one(gpx_doc(pts), on_error=OnError.RAISE)


def test_waypoints_and_metadata_times_are_not_samples() -> None:
    doc = gpx_doc(
        trkpt(45, 6, "2024-05-01T10:00:00Z", ele="1") + trkpt(45, 6.1, "2024-05-01T10:00:05Z")
    ).replace(
        b"<trk>",
        b"<metadata><time>2000-01-01T00:00:00Z</time></metadata>"
        b'<wpt lat="1" lon="1"><ele>999</ele><time>2001-01-01T00:00:00Z</time></wpt><trk>',
    )
    act = read_one(doc)
    assert act.n_samples == 2
    assert act.samples["altitude_m"][0] == 1


@pytest.mark.parametrize(
    ("raw", "sport", "sub"),
    [
        ("9", "running", None),
        ("1", "cycling", None),
        ("Run", "running", None),
        ("running", "running", None),
        ("Trail Run", "running", "trail"),
        ("Weight Training", "training", "strength_training"),
        ("kite board", "generic", None),
        (None, "generic", None),
    ],
)
def test_sport_names(raw: str | None, sport: str, sub: str | None) -> None:
    assert normalize_sport(raw) == (sport, sub)


def test_sport_names_are_fit_profile_names() -> None:
    from garmin_fit_sdk import Profile

    sports = set(Profile["types"]["sport"].values())
    subs = set(Profile["types"]["sub_sport"].values())
    for key, (sport, sub) in SPORT_NAMES.items():
        assert sport in sports, key
        assert sub is None or sub in subs, key
    for code, strava_name in STRAVA_TYPE_CODES.items():  # every Strava type has a FIT name
        assert normalize_sport(code) == normalize_sport(strava_name) != ("generic", None), code


# --- properties -----------------------------------------------------------------------------


def test_one_degree_of_latitude() -> None:
    d = cumulative_distance_m(np.array([0.0, np.nan, 1.0]), np.array([0.0, np.nan, 0.0]))
    assert d[1] == 0.0  # no fix: the distance so far
    assert d[2] == pytest.approx(math.pi / 180 * EARTH_RADIUS_M)


_instants = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
)


@settings(max_examples=60, deadline=500)
@given(
    st.lists(
        st.tuples(_instants, st.sampled_from(["Z", "", "+02:00", "-05:30"]), st.booleans()),
        min_size=1,
        max_size=20,
    )
)
def test_iso_times_match_the_standard_library(
    items: list[tuple[datetime, str, bool]],
) -> None:
    texts = []
    for when, zone, frac in items:
        offset = {"Z": 0, "": 0, "+02:00": 120, "-05:30": -330}[zone]
        local = (when + timedelta(minutes=offset)).replace(tzinfo=None)
        fmt = "%Y-%m-%dT%H:%M:%S.%f" if frac else "%Y-%m-%dT%H:%M:%S"
        texts.append(local.strftime(fmt) + zone)
    expected = [
        (when if frac else when.replace(microsecond=0)).timestamp() for when, _, frac in items
    ]
    assert posix_times(texts) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("text", ["2020-06-01T14:52:40 000Z", "2020-06-01T14:52:40 000"])
def test_a_time_numpy_reads_with_a_zone_warning_is_unreadable_not_a_warning(text: str) -> None:
    """Hypothesis found it (tests/test_hostile_pipeline.py): numpy reads a trailing zone-like
    text with a UserWarning, which ``-W error`` made a crash; the time is unreadable, NaN, as
    the standard library says."""
    assert np.isnan(posix_times([text])).all()
    assert posix_times([text, "2020-06-01T14:52:41Z"])[1] == pytest.approx(1591023161.0)


@settings(max_examples=40, deadline=1000)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 30),  # seconds since the previous point
            st.floats(-1e-3, 1e-3),  # latitude step, degrees
            st.one_of(st.none(), st.integers(40, 220)),  # heart rate, sometimes missing
        ),
        min_size=2,
        max_size=60,
    )
)
def test_generated_tracks_round_trip(points: list[tuple[int, float, int | None]]) -> None:
    t = datetime(2024, 1, 1, tzinfo=UTC)
    lat = 10.0
    body = []
    for dt, dlat, hr in points:
        t += timedelta(seconds=dt)
        lat += dlat
        ext = (
            ""
            if hr is None
            else f"<t1:TrackPointExtension><t1:hr>{hr}</t1:hr></t1:TrackPointExtension>"
        )
        body.append(trkpt(lat, 20.0, t.strftime("%Y-%m-%dT%H:%M:%SZ"), ext))
    act = read_one(gpx_doc("".join(body)))
    s = act.samples
    assert act.n_samples == len(points)
    assert np.all(np.diff(s["timestamp"]) > 0)
    assert np.all(np.diff(s["distance_m"]) >= 0)
    want = np.array([np.nan if hr is None else hr for _, _, hr in points], dtype=float)
    np.testing.assert_array_equal(s["heart_rate_bpm"], want)


def test_unreadable_time_follows_on_error() -> None:
    pts = "\n".join(
        trkpt(45, 6 + i * 1e-4, t)
        for i, t in enumerate(["2024-05-01T10:00:00Z", "teatime", "2024-05-01T10:00:02Z"])
    )
    act = read_one(gpx_doc(pts))
    assert act.n_samples == 2
    assert any("unreadable time" in w and "line 2" in w for w in act.warnings)
    with pytest.raises(CorruptFileError, match=r"t\.gpx line 2: 1 unreadable time"):
        read_one(gpx_doc(pts), on_error=OnError.RAISE)


def test_tracks_are_joined_and_a_missing_namespace_is_read() -> None:
    doc = (
        '<gpx version="1.1" creator="hand">'
        "<trk><name>first</name><trkseg>"
        + trkpt(45, 6, "2024-05-01T10:00:00Z", ele="5")
        + trkpt(45, 6.001, "2024-05-01T10:00:05Z")
        + "</trkseg></trk><trk><name>second</name><trkseg>"
        + trkpt(45, 6.002, "2024-05-01T10:10:00Z")
        + "</trkseg><trkseg/></trk></gpx>"
    ).encode()
    act = read_one(doc)
    assert act.n_samples == 3
    assert act.name == "first"
    assert act.samples["altitude_m"][0] == 5
    assert list(act.samples["elapsed_s"]) == [0, 5, 600]
