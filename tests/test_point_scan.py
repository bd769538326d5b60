"""The byte scan of GPX/TCX points (legday.io.point_scan) reads exactly what the tree reads.

Every document is read twice, once as legday reads it (the scan when the document fits it) and
once with the scan switched off (lxml's tree only); the activities, warnings and errors must be
the same. Real files must take the scan (it is why GPX/TCX reading is fast); generated
documents vary everything the scan must either read right or hand back to the tree: child order
and presence, prefixes and namespace declarations, quotes, blank space, empty elements, entity
and character references, CDATA, comments, foreign elements and bad values.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import real_files
from legday.errors import LegdayError, OnError
from legday.io import gpx as gpx_mod
from legday.io import point_scan
from legday.io import tcx as tcx_mod
from legday.io import xml as xml_mod
from legday.io.point_scan import scan_points
from legday.model import Activity

Reader = Callable[..., list[Activity]]

GPX11 = "http://www.topografix.com/GPX/1/1"
TPX1 = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
TCX2 = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
AX2 = "http://www.garmin.com/xmlschemas/ActivityExtension/v2"


def _outcome(read: Reader, data: bytes, on_error: OnError) -> list[Activity] | str:
    try:
        return read(data, name="doc", on_error=on_error)
    except LegdayError as exc:
        return f"{type(exc).__name__}: {exc}"


def _tree_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xml_mod, "scan_points", lambda data, local, lines=True: None)


def _same(a: list[Activity] | str, b: list[Activity] | str) -> None:
    if isinstance(a, str) or isinstance(b, str):
        assert a == b
        return
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        assert set(x.samples) == set(y.samples)
        for key in x.samples:
            np.testing.assert_array_equal(x.samples[key], y.samples[key], err_msg=key)
        assert (x.sport, x.sub_sport, x.start, x.device, x.name, x.description) == (
            y.sport,
            y.sub_sport,
            y.start,
            y.device,
            y.name,
            y.description,
        )
        assert x.laps == y.laps
        assert x.totals == y.totals
        assert x.warnings == y.warnings
        assert x.metadata == y.metadata


def _both(
    read: Reader, data: bytes, monkeypatch: pytest.MonkeyPatch, on_error: OnError = OnError.WARN
) -> tuple[list[Activity] | str, list[Activity] | str]:
    scanned = _outcome(read, data, on_error)
    with monkeypatch.context() as m:
        _tree_only(m)
        tree = _outcome(read, data, on_error)
    return scanned, tree


_REAL_XML = [p for p in real_files("gpx") + real_files("tcx")]


@pytest.mark.parametrize("path", _REAL_XML, ids=[p.name for p in _REAL_XML])
def test_real_files_read_the_same_and_take_the_scan(
    path: Path, real_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = path.read_bytes()
    read = gpx_mod.read_gpx if path.suffix == ".gpx" else tcx_mod.read_tcx
    scanned, tree = _both(read, data, monkeypatch)
    _same(scanned, tree)
    if isinstance(tree, str):
        return  # a broken file: the same error both ways
    calls: list[int] = []
    real_collect = xml_mod.collect_points

    def spy(*args: object, **kwargs: object) -> xml_mod.PointColumns:
        calls.append(1)
        return real_collect(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(gpx_mod, "collect_points", spy)
    monkeypatch.setattr(tcx_mod, "collect_points", spy)
    read(data, name=path.name)
    assert calls == [], f"{path.name} fell back to the tree walk"


# --- generated documents --------------------------------------------------------------------

_REGULAR = st.one_of(
    st.floats(-1000, 10000, allow_nan=False).map(repr), st.integers(0, 250).map(str)
)
_ODD = st.sampled_from(["12.5", " 7 ", "nan", "1e3", "x1", "", "  ", "4&#50;", "<![CDATA[5]]>"])
#: Mostly numbers as devices write them; one value in 150 is odd (the tree must take over, or
#: the scan must read it as the tree does).
_NUMBER = st.integers(0, 149).flatmap(lambda k: _ODD if k == 0 else _REGULAR)
_SPACE = st.sampled_from(["", "\n", "\n    ", " ", "\r\n\t"])


@st.composite
def _gpx_point(draw: st.DrawFn, second: int, style: dict[str, str]) -> str:
    """One point; ``style`` (blank space, quotes, prefix) is the document's, as devices write
    one shape, but one point in ten breaks it."""
    if draw(st.integers(0, 39)) == 0:
        style = {**style, **draw(_gpx_style())}
    ws, q, prefix = style["ws"], style["q"], style["prefix"]
    lat, lon = draw(st.floats(-80, 80)), draw(st.floats(-170, 170))
    attrs = [f"lat={q}{lat!r}{q}", f"lon={q}{lon!r}{q}"]
    if style["lon_first"]:
        attrs.reverse()
    if draw(st.integers(0, 19)) == 0:
        attrs.append('src="gps"')
    children = []
    if draw(st.integers(0, 5)):
        children.append(f"<ele>{draw(_NUMBER)}</ele>")
    if draw(st.integers(0, 9)):
        stamp = f"2024-05-01T10:{second // 60:02d}:{second % 60:02d}Z"
        children.append(draw(st.sampled_from([f"<time>{stamp}</time>", f"<time>{stamp} </time>"])))
    ext = []
    tags = st.sampled_from(["hr", "cad", "atemp"])
    chosen = draw(st.lists(tags, max_size=4, unique=draw(st.integers(0, 29)) > 0))
    if draw(st.integers(0, 29)):
        chosen.sort()  # one order per device, mostly
    for tag in chosen:
        ext.append(f"<{prefix}{tag}>{draw(_NUMBER)}</{prefix}{tag}>")
    if ext:
        open_tpx = {
            "gpxtpx:": "<gpxtpx:TrackPointExtension>",
            "other:": f'<other:TrackPointExtension xmlns:other="{TPX1}">',
            "": f'<TrackPointExtension xmlns="{TPX1}">',
        }[prefix]
        close_tpx = f"</{prefix}TrackPointExtension>"
        children.append(f"<extensions>{open_tpx}{ws.join(ext)}{close_tpx}</extensions>")
    extra = draw(
        st.sampled_from(
            [
                *[""] * 80,
                "<sat>7</sat>",
                "<!-- c -->",
                "<ele/>",
                "<name>A &amp; B</name>",
                '<foo:hr xmlns:foo="urn:x">99</foo:hr>',
            ]
        )
    )
    if extra:
        children.insert(draw(st.integers(0, len(children))), extra)
    if draw(st.integers(0, 59)) == 0:
        children.reverse()
    if not children and draw(st.booleans()):
        return f"<trkpt {' '.join(attrs)}/>"
    return f"<trkpt {' '.join(attrs)}>{ws}{ws.join(children)}{ws}</trkpt>"


def _gpx_style() -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries(
        {
            "ws": _SPACE,
            "q": st.sampled_from(['"', "'"]),
            "prefix": st.sampled_from(["gpxtpx:", "other:", ""]),
            "lon_first": st.sampled_from(["", "yes"]),
        }
    )


@st.composite
def _gpx(draw: st.DrawFn) -> bytes:
    n = draw(st.integers(2, 14))
    style = draw(_gpx_style())
    points = [draw(_gpx_point(i * 5, style)) for i in range(n)]
    ws = style["ws"]
    split = draw(st.integers(0, n))
    segs = [points[:split], points[split:]]
    body = ws.join(f"<trkseg>{ws}{ws.join(s)}{ws}</trkseg>" for s in segs if s)
    decl = draw(st.sampled_from([f' xmlns:gpxtpx="{TPX1}"', "", f' xmlns:gpxtpx="{TPX1}"']))
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="t" '
        f'xmlns="{GPX11}"{decl}>{ws}<trk><name>r</name><type>running</type>{ws}{body}{ws}'
        f"</trk>{ws}</gpx>"
    ).encode()


@st.composite
def _tcx_point(draw: st.DrawFn, second: int, style: tuple[str, str]) -> str:
    if draw(st.integers(0, 39)) == 0:
        style = draw(_tcx_style())
    ws, extension = style
    children = [f"<Time>2024-05-01T10:{second // 60:02d}:{second % 60:02d}.000Z</Time>"]
    if draw(st.integers(0, 4)):
        children.append(
            f"<Position>{ws}<LatitudeDegrees>{draw(_NUMBER)}</LatitudeDegrees>{ws}"
            f"<LongitudeDegrees>{draw(st.floats(-9, 9))!r}</LongitudeDegrees>{ws}</Position>"
        )
    for tag in ("AltitudeMeters", "DistanceMeters"):
        if draw(st.integers(0, 4)):
            children.append(f"<{tag}>{draw(_NUMBER)}</{tag}>")
    if draw(st.integers(0, 4)):
        children.append(f"<HeartRateBpm><Value>{draw(_NUMBER)}</Value></HeartRateBpm>")
    if extension == "ns3":
        children.append(
            f"<Extensions><ns3:TPX><ns3:Speed>{draw(_NUMBER)}</ns3:Speed></ns3:TPX></Extensions>"
        )
    elif extension == "default":
        children.append(
            f'<Extensions><TPX xmlns="{AX2}"><Speed>{draw(_NUMBER)}</Speed>'
            f"<RunCadence>{draw(_NUMBER)}</RunCadence></TPX></Extensions>"
        )
    elif extension == "cadence":
        children.append(f"<Cadence>{draw(_NUMBER)}</Cadence>")
    extra = draw(
        st.sampled_from(
            [*[""] * 40, "<SensorState>Present</SensorState>", "<!--x-->", "<Speed>3</Speed>"]
        )
    )
    if extra:
        children.insert(draw(st.integers(1, len(children))), extra)
    return f"<Trackpoint>{ws}{ws.join(children)}{ws}</Trackpoint>"


def _tcx_style() -> st.SearchStrategy[tuple[str, str]]:
    return st.tuples(_SPACE, st.sampled_from(["ns3", "default", "none", "cadence"]))


@st.composite
def _tcx(draw: st.DrawFn) -> bytes:
    style = draw(_tcx_style())
    ws = style[0]
    activities = []
    second = 0
    for _ in range(draw(st.integers(1, 2))):
        laps = []
        for k in range(draw(st.integers(1, 3))):
            points = []
            for _ in range(draw(st.integers(0, 6))):
                points.append(draw(_tcx_point(second, style)))
                second += 3
            start = "" if draw(st.integers(0, 19)) == 0 else ' StartTime="2024-05-01T10:00:00Z"'
            laps.append(
                f"<Lap{start}>{ws}<TotalTimeSeconds>60</TotalTimeSeconds>{ws}"
                f"<DistanceMeters>{100 * (k + 1)}</DistanceMeters>{ws}<Track>{ws}"
                f"{ws.join(points)}{ws}</Track>{ws}</Lap>"
            )
        activities.append(
            f'<Activity Sport="Running">{ws}<Id>2024-05-01T10:00:00Z</Id>{ws}{ws.join(laps)}'
            f"{ws}</Activity>"
        )
    course = ""
    if draw(st.integers(0, 9)) == 0:
        course = f"<Courses><Course><Track>{draw(_tcx_point(0, style))}</Track></Course></Courses>"
    return (
        f'<?xml version="1.0"?>\n<TrainingCenterDatabase xmlns="{TCX2}" xmlns:ns3="{AX2}">'
        f"{ws}<Activities>{ws}{ws.join(activities)}{ws}</Activities>{course}"
        "</TrainingCenterDatabase>"
    ).encode()


_FUZZ = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_FUZZ
@given(data=_gpx(), on_error=st.sampled_from([OnError.WARN, OnError.RAISE]))
def test_generated_gpx_reads_the_same(
    data: bytes, on_error: OnError, monkeypatch: pytest.MonkeyPatch
) -> None:
    _same(*_both(gpx_mod.read_gpx, data, monkeypatch, on_error))


@_FUZZ
@given(data=_tcx(), on_error=st.sampled_from([OnError.WARN, OnError.RAISE]))
def test_generated_tcx_reads_the_same(
    data: bytes, on_error: OnError, monkeypatch: pytest.MonkeyPatch
) -> None:
    _same(*_both(tcx_mod.read_tcx, data, monkeypatch, on_error))


# --- what the scan refuses, and what it keeps -----------------------------------------------


def _track(points: str) -> bytes:
    return (
        f'<gpx version="1.1" xmlns="{GPX11}" xmlns:gpxtpx="{TPX1}"><trk><trkseg>{points}'
        "</trkseg></trk></gpx>"
    ).encode()


_PT = '<trkpt lat="1.0" lon="2.0"><ele>{ele}</ele><time>2024-05-01T10:00:0{s}Z</time></trkpt>'


def test_the_scan_reads_regular_points() -> None:
    data = _track(_PT.format(ele=5, s=0) + _PT.format(ele=6, s=1))
    scan = scan_points(data, "trkpt")
    assert scan is not None and scan.n_points == 2
    assert scan.skeleton.count(b"<trkpt/>") == 2


@pytest.mark.parametrize(
    "odd",
    [
        "<ele>4&#50;</ele>",  # a character reference: the tree decodes it
        "<ele><![CDATA[42]]></ele>",
        "<ele>42<!-- c --></ele>",
        "<ele>\u00e9</ele>",  # not ASCII
    ],
)
def test_values_the_scan_cannot_take_leave_that_point_to_the_tree(odd: str) -> None:
    odd_point = f'<trkpt lat="1" lon="2">{odd}<time>2024-05-01T10:00:05Z</time></trkpt>'
    data = _track(_PT.format(ele=5, s=0) + odd_point)
    scan = scan_points(data, "trkpt")
    assert scan is None or scan.n_points < 2  # the odd point is never matched


def test_line_numbers_stay_true_in_the_skeleton(monkeypatch: pytest.MonkeyPatch) -> None:
    points = "\n".join(
        f"<Trackpoint>\n<Time>2024-05-01T10:00:0{i}Z</Time>\n</Trackpoint>" for i in range(3)
    )
    data = (
        f'<TrainingCenterDatabase xmlns="{TCX2}"><Activities><Activity Sport="Running">\n'
        f'<Id>2024-05-01T10:00:00Z</Id>\n<Lap StartTime="2024-05-01T10:00:00Z"><Track>\n{points}\n'
        "</Track></Lap>\n<Lap><Track>\n<Trackpoint><Time>2024-05-01T10:00:09Z</Time></Trackpoint>"
        "\n</Track></Lap>\n</Activity></Activities></TrainingCenterDatabase>"
    ).encode()
    scanned, tree = _both(tcx_mod.read_tcx, data, monkeypatch)
    _same(scanned, tree)
    assert isinstance(scanned, list)
    assert any("line 14" in w for w in scanned[0].warnings), scanned[0].warnings


@pytest.mark.parametrize(
    "point",
    [
        '<trkpt lat="1" lon="2">' + "<a>" * 5000 + "</a>" * 5000 + "</trkpt>",
        '<trkpt lat="1" lon="2">' + "".join(f"<e{i}>1</e{i}>" for i in range(500)) + "</trkpt>",
    ],
    ids=["deep", "wide"],
)
def test_hostile_points_get_no_template(point: str) -> None:
    assert scan_points(_track(point + point), "trkpt") is None


@pytest.mark.parametrize(
    "point",
    [
        '<trkpt lat="1" lon="2"><ele>]]></ele><time>2024-05-01T10:00:0{s}Z</time></trkpt>',
        '<trkpt lat="1" lon="2"><ele bad:x="1">5</ele><time>2024-05-01T10:00:0{s}Z</time></trkpt>',
        '<trkpt lat="1" lon="2" lat="3"><time>2024-05-01T10:00:0{s}Z</time></trkpt>',
        f'<trkpt xmlns="urn:not-gpx" xmlns:g="{GPX11}" lat="1" lon="2">'
        "<g:time>2024-05-01T10:00:0{s}Z</g:time></trkpt>",
        '<trkpt lat="1" lon="2">\x0c<time>2024-05-01T10:00:0{s}Z</time></trkpt>',  # not XML
    ],
    ids=[
        "cdata-end-in-text",
        "undeclared-attribute-prefix",
        "repeated-attribute",
        "foreign",
        "form-feed",
    ],
)
def test_malformed_or_foreign_points_read_as_the_tree_reads_them(
    point: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _track(point.format(s=0) + point.format(s=1))
    _same(*_both(gpx_mod.read_gpx, data, monkeypatch))


def test_an_attribute_the_scan_ignores_is_held_to_the_same_alphabet(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    point = (
        '<trkpt lat="1" lon="2"><link href="{href}"><text>t</text></link>'
        "<time>2024-05-01T10:{m:02d}:00Z</time></trkpt>"
    )
    points = [point.format(href="a", m=m) for m in range(60)]
    sampled = set(point_scan._samples(_track("".join(points)), b"trkpt"))
    hidden = next(i for i, p in enumerate(points) if p.encode() not in sampled)
    assert scan_points(_track("".join(points)), "trkpt") is not None
    points[hidden] = point.format(href="\x01", m=hidden)  # not XML, where no sample looks
    data = _track("".join(points))
    scan = scan_points(data, "trkpt")
    assert scan is None or scan.n_points < len(points)  # the tree reports it
    _same(*_both(gpx_mod.read_gpx, data, monkeypatch))
