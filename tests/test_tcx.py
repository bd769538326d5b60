"""The TCX reader: real files from third parties, laps, multisport, cadence, broken XML."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import real_files
from legday.errors import CorruptFileError, OnError, UnsupportedFileError
from legday.io.reader import read
from legday.io.tcx import read_tcx
from legday.io.track import cumulative_distance_m
from legday.model import Activity

TCX = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
AX = "http://www.garmin.com/xmlschemas/ActivityExtension/v2"
MALFORMED = "runpandas/runpandas/tests/io/data/tcx/malformed.tcx"
#: Suunto's export has points only from its 4th lap on (the first ~700 m carry no trackpoint).
POINTS_MISSING = "sports-lib/samples/tcx/unknown_example.tcx"


def tcx_doc(activities: str) -> bytes:
    return (
        f'<?xml version="1.0"?><TrainingCenterDatabase xmlns="{TCX}" xmlns:ax="{AX}">'
        f"<Activities>{activities}</Activities></TrainingCenterDatabase>"
    ).encode()


def point(time: str, dist: float | None = None, ext: str = "", cad: str = "") -> str:
    d = f"<DistanceMeters>{dist}</DistanceMeters>" if dist is not None else ""
    c = f"<Cadence>{cad}</Cadence>" if cad else ""
    x = f"<Extensions><ax:TPX>{ext}</ax:TPX></Extensions>" if ext else ""
    return f"<Trackpoint><Time>{time}</Time>{d}{c}{x}</Trackpoint>"


def lap(start: str, points: str, *, seconds: float = 10, meters: float = 20, **kw: str) -> str:
    extra = "".join(f"<{k}>{v}</{k}>" for k, v in kw.items())
    return (
        f'<Lap StartTime="{start}"><TotalTimeSeconds>{seconds}</TotalTimeSeconds>'
        f"<DistanceMeters>{meters}</DistanceMeters><Calories>5</Calories>"
        f"<AverageHeartRateBpm><Value>99</Value></AverageHeartRateBpm>{extra}"
        f"<Track>{points}</Track></Lap>"
    )


def tcx_files() -> list[Path]:
    return [p for p in real_files("tcx") if not str(p).endswith(MALFORMED)]


def _laps_total_distance(path: Path) -> bool:
    """Whether the file's laps carry a distance total (read with lxml, not the reader)."""
    if not path.exists():
        return False
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    root = etree.fromstring(path.read_bytes().lstrip(), parser)  # Polar's leading blank
    totals = root.xpath("//*[local-name()='Lap']/*[local-name()='DistanceMeters']/text()")
    return sum(float(t) for t in totals) > 0


#: Files whose laps total a distance. A tool that crops and re-writes a recording may zero its
#: laps (msimms' 20230417_heartbreak_hill_ascent.tcx, 20200103_intervals.tcx): with no total
#: there is nothing to compare the points with, so those files are not chosen (chosen at
#: collection, no skips); test_non_cumulative_distance_of_real_files covers their distance.
WITH_LAP_DISTANCE = [p for p in tcx_files() if _laps_total_distance(p)]


# --- real files -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", WITH_LAP_DISTANCE, ids=lambda p: p.name)
def test_distance_agrees_with_the_lap_totals(real_dir: Path, path: Path) -> None:
    act = read_tcx(path.read_bytes(), name=str(path))[0]
    assert act.totals is not None and act.totals.total_distance_m
    lap_total = act.totals.total_distance_m
    recorded = float(act.samples["distance_m"][-1])
    if str(path).endswith(POINTS_MISSING):
        assert recorded < lap_total  # the laps count distance the points do not cover
    else:
        assert recorded == pytest.approx(lap_total, rel=0.01)


@pytest.mark.parametrize(
    ("file", "warned"),
    [
        ("20200103_intervals.tcx", "per-point increments"),
        ("20230417_heartbreak_hill_ascent.tcx", "stays at 0 m"),
    ],
)
def test_non_cumulative_distance_of_real_files(real_dir: Path, file: str, warned: str) -> None:
    """msimms' own app writes per-point increments as DistanceMeters, and his cropping tool
    zeroes every distance: both come out as the length of the track, with laps of 0 m
    ignored."""
    path = real_dir / "msimms-testfiles/tcx" / file
    (act,) = read_tcx(path.read_bytes(), name=file)
    ours = act.samples["distance_m"]
    track = cumulative_distance_m(act.samples["latitude_deg"], act.samples["longitude_deg"])
    assert np.all(np.diff(ours) >= 0)
    assert ours[-1] == pytest.approx(track[-1], rel=0.01)
    assert act.distance_m == pytest.approx(ours[-1])
    assert any(warned in w and file in w for w in act.warnings)


def _moving(distances: list[float], *, step_deg: list[float]) -> bytes:
    """A TCX track along the equator: point k at the sum of ``step_deg[:k]`` east."""
    lon = np.concatenate(([0.0], np.cumsum(step_deg)))
    points = "".join(
        f"<Trackpoint><Time>2024-01-01T10:00:{k:02d}Z</Time><Position>"
        f"<LatitudeDegrees>0</LatitudeDegrees><LongitudeDegrees>{x:.6f}</LongitudeDegrees>"
        f"</Position><DistanceMeters>{d}</DistanceMeters></Trackpoint>"
        for k, (x, d) in enumerate(zip(lon, distances, strict=True))
    )
    return tcx_doc(f'<Activity Sport="Running">{lap("2024-01-01T10:00:00Z", points)}</Activity>')


#: Metres of one degree of longitude on the equator (the reader's Earth radius).
_M_PER_DEG = np.radians(1.0) * 6_371_008.8


def test_per_point_increments_are_summed() -> None:
    steps = [0.0002, 0.0001] * 10  # ~22 m and ~11 m: increments that go down and up
    increments = [0.0] + [round(s * _M_PER_DEG, 3) for s in steps]
    (act,) = read_tcx(_moving(increments, step_deg=steps), name="deltas.tcx")
    np.testing.assert_allclose(act.samples["distance_m"], np.cumsum(increments))
    assert any("per-point increments" in w and "deltas.tcx" in w for w in act.warnings)


def test_a_cumulative_distance_that_dips_is_held_not_summed() -> None:
    steps = [0.0002] * 20  # ~22 m a point, the file's distance dips once by a metre
    cumulative = [round(k * 0.0002 * _M_PER_DEG, 3) for k in range(21)]
    cumulative[10] -= 1.0
    cumulative[11] = cumulative[10] - 1.0
    (act,) = read_tcx(_moving(cumulative, step_deg=steps), name="dip.tcx")
    assert act.samples["distance_m"][-1] == pytest.approx(cumulative[-1])
    assert any("held at its maximum" in w for w in act.warnings)


def test_a_distance_that_never_advances_gives_way_to_the_track() -> None:
    steps = [0.0002] * 20
    (act,) = read_tcx(_moving([0.0] * 21, step_deg=steps), name="zero.tcx")
    assert act.samples["distance_m"][-1] == pytest.approx(20 * 0.0002 * _M_PER_DEG)
    assert any("stays at 0 m" in w and "zero.tcx" in w for w in act.warnings)


def test_forerunner_620_laps_and_cadence(real_dir: Path) -> None:
    path = real_dir / "runpandas/runpandas/tests/io/data/tcx/run_garmin.tcx"
    act = read_tcx(path.read_bytes())[0]
    assert act.sport == "running"
    assert act.device == "Garmin Forerunner 620"
    assert len(act.laps) == 3
    assert all(lap.intensity == "active" for lap in act.laps)
    assert {lap.trigger for lap in act.laps} <= {"manual", "distance", "time", "position_lap"}
    # RunCadence is strides/min: doubled to steps/min
    assert 160 < np.nanmedian(act.samples["cadence_spm"]) < 190
    assert act.laps[0].start == act.start.timestamp()


def test_cycling_power_and_crank_cadence(real_dir: Path) -> None:
    path = real_dir / "sweatpy/sweat/examples/data/activity_5039744860.tcx"
    act = read_tcx(path.read_bytes())[0]
    assert act.sport == "cycling"
    assert act.device == "Garmin Edge 1000"
    assert act.samples["power_w"][0] == 162
    assert act.samples["cadence_spm"][0] == 90  # rpm, as recorded
    assert act.samples["speed_mps"][0] == pytest.approx(6.438)


def test_polar_with_blank_before_the_declaration(real_dir: Path) -> None:
    path = real_dir / "sports-lib/src/specs/fixtures/runs/tcx/6281425038.tcx"
    assert path.read_bytes().startswith(b" ")
    act = read_tcx(path.read_bytes())[0]
    assert act.device == "Polar V800"
    assert len(act.laps) == 5
    # Polar writes a running cadence per leg in <Cadence>: doubled
    assert 150 < np.nanmedian(act.samples["cadence_spm"]) < 190


def test_treadmill_without_gps(real_dir: Path) -> None:
    path = real_dir / "sports-lib/src/specs/fixtures/runs/tcx/6860622783.tcx"
    act = read_tcx(path.read_bytes())[0]
    assert np.isnan(act.samples["latitude_deg"]).all()
    assert act.samples["distance_m"][-1] == pytest.approx(10630.37, rel=1e-3)
    assert act.totals is not None and act.totals.max_heart_rate_bpm == 177


def test_malformed_xml_names_the_line(real_dir: Path) -> None:
    path = real_dir / MALFORMED  # a bare <Activities> body, and an undeclared xsi: prefix
    for mode in OnError:
        with pytest.raises(CorruptFileError) as info:
            read(path, on_error=mode)
        assert info.value.line == 4653
        assert "malformed.tcx line 4653: malformed XML" in str(info.value)
        assert isinstance(info.value.__cause__, etree.XMLSyntaxError)


def test_bare_activities_body_without_namespace(real_dir: Path) -> None:
    data = (real_dir / MALFORMED).read_bytes().replace(b'xsi:type="Device_t"', b"")
    act = read_tcx(data)[0]
    assert act.device == "Forerunner 410 Software Version 2.20"
    assert act.description == "Aerobics"
    assert act.samples["distance_m"][-1] == pytest.approx(act.distance_m, rel=0.01)


# --- synthetic ------------------------------------------------------------------------------


def test_multisport_gives_one_activity_per_sport() -> None:
    run = lap(
        "2024-05-01T10:00:00Z", point("2024-05-01T10:00:00Z", 0) + point("2024-05-01T10:00:10Z", 30)
    )
    ride = lap(
        "2024-05-01T11:00:00Z",
        point("2024-05-01T11:00:00Z", 0) + point("2024-05-01T11:00:10Z", 90),
        meters=90,
    )
    doc = tcx_doc(
        "<MultiSportSession><Id>2024-05-01T10:00:00Z</Id>"
        f'<FirstSport><Activity Sport="Running"><Id>2024-05-01T10:00:00Z</Id>{run}</Activity>'
        f'</FirstSport><NextSport><Activity Sport="Biking"><Id>2024-05-01T11:00:00Z</Id>{ride}'
        "</Activity></NextSport></MultiSportSession>"
    )
    first, second = read_tcx(doc)
    assert (first.sport, second.sport) == ("running", "cycling")
    assert first.samples["distance_m"][-1] == 30
    assert second.start == datetime(2024, 5, 1, 11, tzinfo=UTC)


def test_lap_summaries_are_not_taken_for_samples() -> None:
    pts = point("2024-05-01T10:00:00Z", 5, cad="80") + point("2024-05-01T10:00:05Z", 15)
    laps = lap("2024-05-01T10:00:00Z", pts, meters=999, Intensity="Resting", Cadence="33")
    laps += lap("2024-05-01T10:00:06Z", point("2024-05-01T10:00:06Z", 20), meters=5)
    act = read_tcx(tcx_doc(f'<Activity Sport="Biking">{laps}</Activity>'))[0]
    assert list(act.samples["distance_m"]) == [5, 15, 20]
    assert np.isnan(act.samples["heart_rate_bpm"]).all()  # the lap average is not a sample
    assert act.samples["cadence_spm"][0] == 80
    assert act.laps[0].intensity == "rest"
    assert act.totals is not None
    assert act.totals.total_distance_m == 1004
    assert act.totals.total_calories_kcal == 10


def test_run_cadence_is_doubled_even_for_other_sports() -> None:
    ext = "<ax:RunCadence>88</ax:RunCadence><ax:Speed>3.1</ax:Speed><ax:Watts>300</ax:Watts>"
    pts = point("2024-05-01T10:00:00Z", 0, ext) + point("2024-05-01T10:00:01Z", 3, ext)
    act = read_tcx(
        tcx_doc(f'<Activity Sport="Other">{lap("2024-05-01T10:00:00Z", pts)}</Activity>')
    )[0]
    assert act.sport == "generic"
    assert list(act.samples["cadence_spm"]) == [176, 176]
    assert list(act.samples["speed_mps"]) == [3.1, 3.1]
    assert list(act.samples["power_w"]) == [300, 300]


def test_laps_without_trackpoints_give_an_empty_activity() -> None:
    act = read_tcx(
        tcx_doc(f'<Activity Sport="Running">{lap("2024-05-01T10:00:00Z", "")}</Activity>')
    )[0]
    assert act.n_samples == 0
    assert act.start == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert act.distance_m == 20
    assert any("no trackpoints" in w for w in act.warnings)


def test_no_activity_is_unsupported() -> None:
    with pytest.raises(UnsupportedFileError, match="no activity"):
        read_tcx(tcx_doc(""), name="course.tcx")


def test_bad_lap_start_follows_on_error() -> None:
    body = lap("yesterday", point("2024-05-01T10:00:00Z", 0) + point("2024-05-01T10:00:01Z", 1))
    doc = tcx_doc(f'<Activity Sport="Running">{body}</Activity>')
    act: Activity = read_tcx(doc, on_error=OnError.WARN)[0]
    assert act.laps == ()
    assert any("StartTime" in w for w in act.warnings)
    with pytest.raises(CorruptFileError, match="StartTime"):
        read_tcx(doc, on_error=OnError.RAISE)


@settings(max_examples=40, deadline=1000)
@given(
    st.lists(
        st.lists(
            st.tuples(
                st.integers(1, 20),  # seconds since the previous point
                st.one_of(st.none(), st.floats(0, 50)),  # metres since the previous point
                st.one_of(st.none(), st.integers(40, 220)),  # heart rate
            ),
            min_size=0,
            max_size=15,
        ),
        min_size=1,
        max_size=4,
    )
)
def test_generated_laps_round_trip(laps: list[list[tuple[int, float | None, int | None]]]) -> None:
    t = datetime(2024, 1, 1, tzinfo=UTC)
    dist = 0.0
    body, hrs, dists = [], [], []
    for points in laps:
        track = []
        lap_start = t
        for dt, dd, hr in points:
            t += timedelta(seconds=dt)
            hr_el = "" if hr is None else f"<HeartRateBpm><Value>{hr}</Value></HeartRateBpm>"
            d_el = ""
            if dd is not None:
                dist += dd
                d_el = f"<DistanceMeters>{dist!r}</DistanceMeters>"
            track.append(
                f"<Trackpoint><Time>{t:%Y-%m-%dT%H:%M:%SZ}</Time>{d_el}{hr_el}</Trackpoint>"
            )
            hrs.append(np.nan if hr is None else hr)
            dists.append(np.nan if dd is None else dist)
        body.append(lap(f"{lap_start:%Y-%m-%dT%H:%M:%SZ}", "".join(track)))
    act = read_tcx(tcx_doc(f'<Activity Sport="Running">{"".join(body)}</Activity>'))[0]
    assert act.n_samples == len(hrs)
    assert len(act.laps) == len(laps)
    np.testing.assert_array_equal(act.samples["heart_rate_bpm"], np.array(hrs, dtype=float))
    want = np.array(dists, dtype=float)
    have = act.samples["distance_m"]
    known = np.isfinite(want)
    np.testing.assert_allclose(have[known], want[known])
    assert np.all(np.diff(have[np.isfinite(have)]) >= 0)
