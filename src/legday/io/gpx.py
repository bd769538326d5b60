"""The GPX reader (GPX 1.0 and 1.1, with Garmin TrackPointExtension v1/v2).

What it reads from each ``trkpt`` (every track and segment of the file, in time order, make one
activity):

* ``lat``/``lon``, ``ele``, ``time`` (UTC; numeric offsets honoured);
* heart rate, cadence, speed and air temperature from ``gpxtpx:TrackPointExtension`` v1/v2
  (``hr``, ``cad``, ``speed``, ``atemp``), and from the Cluetrust ``gpxdata`` extension;
* power from a ``<power>`` element in the extensions (Strava) or Garmin's ``PowerInTime``;
* speed from GPX 1.0's ``<speed>`` or an Apple Health ``<extensions><speed>``.

Cadence: ``gpxtpx:cad`` holds strides (one leg) per minute; for running, walking and hiking it is
doubled to steps per minute. Distance is the cumulative haversine distance of the fixes; speed is
derived from it when the file has none.

Points without a time are dropped with a warning (a GPX route drawn on a map has no times); a
file with fewer than two timed points is refused with :class:`UnsupportedFileError`, because it
holds a route, not a recorded activity. The sport comes from the first track's ``<type>``
(Strava's numeric codes and names such as ``running`` or ``Run``), else ``generic``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

import numpy as np
from lxml import etree

from legday.errors import OnError, UnsupportedFileError
from legday.io.sports import STEP_SPORTS, normalize_sport
from legday.io.track import build_samples
from legday.io.xml import (
    LineFinder,
    collect_points,
    parse_document,
    parse_points,
    require_points,
    scanned_columns,
)
from legday.model import Activity, Source

__all__ = ["read_gpx"]

#: GPX namespaces: 1.1, 1.0 (topografix.com) and none (hand-written files).
GPX_NAMESPACES = ("http://www.topografix.com/GPX/1/1", "http://www.topografix.com/GPX/1/0", "")
#: Garmin TrackPointExtension v1 and v2 (garmin.com/xmlschemas).
TPX_NAMESPACES = (
    "http://www.garmin.com/xmlschemas/TrackPointExtension/v1",
    "http://www.garmin.com/xmlschemas/TrackPointExtension/v2",
)
#: Cluetrust GPX data extension (older Linux and Mac tools).
GPXDATA_NAMESPACE = "http://www.cluetrust.com/XML/GPXDATA/1/0"
#: Garmin PowerExtension v1 (``PowerInTime``, watts).
POWER_NAMESPACE = "http://www.garmin.com/xmlschemas/PowerExtension/v1"


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}" if ns else tag


_EXTENSION_NAMESPACES = (*TPX_NAMESPACES, GPXDATA_NAMESPACE, POWER_NAMESPACE)
_ALL_EXTENSIONS = frozenset(_EXTENSION_NAMESPACES)


@dataclass(frozen=True, slots=True)
class _Tags:
    """The Clark-notation tags to look for, given the namespaces a document uses.

    lxml compares every element it walks with every wanted tag, so asking only for the tags of
    namespaces the document mentions makes the single pass about twice as fast.
    """

    points: tuple[str, ...]
    resets: tuple[str, ...]
    channels: dict[str, str]


@lru_cache(maxsize=32)
def _tags(gpx_ns: str, extension_ns: frozenset[str]) -> _Tags:
    tpx = [ns for ns in TPX_NAMESPACES if ns in extension_ns]
    channels = {
        _q(gpx_ns, "time"): "time",
        _q(gpx_ns, "ele"): "altitude_m",
        _q(gpx_ns, "speed"): "speed_mps",
        _q(gpx_ns, "power"): "power_w",
        **{_q(ns, "hr"): "heart_rate_bpm" for ns in tpx},
        **{_q(ns, "cad"): "cadence" for ns in tpx},
        **{_q(ns, "speed"): "speed_mps" for ns in tpx},
        **{_q(ns, "atemp"): "temperature_c" for ns in tpx},
    }
    if GPXDATA_NAMESPACE in extension_ns:
        channels[_q(GPXDATA_NAMESPACE, "hr")] = "heart_rate_bpm"
        channels[_q(GPXDATA_NAMESPACE, "cadence")] = "cadence"
        channels[_q(GPXDATA_NAMESPACE, "temp")] = "temperature_c"
    if POWER_NAMESPACE in extension_ns:
        channels[_q(POWER_NAMESPACE, "PowerInTime")] = "power_w"
    return _Tags(
        points=(_q(gpx_ns, "trkpt"),),
        resets=tuple(_q(gpx_ns, t) for t in ("wpt", "rtept", "trk", "trkseg")),
        channels=channels,
    )


def _extension_namespaces(data: bytes) -> frozenset[str]:
    """The extension namespaces the document mentions (all of them for UTF-16 text)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return frozenset(_EXTENSION_NAMESPACES)
    return frozenset(ns for ns in _EXTENSION_NAMESPACES if ns.encode() in data)


_ATTRIBUTES = {"lat": "latitude_deg", "lon": "longitude_deg"}
_NUMERIC = ("altitude_m", "speed_mps", "power_w", "heart_rate_bpm", "cadence", "temperature_c")
_NUMERIC_ATTRS = ("latitude_deg", "longitude_deg")


def read_gpx(
    data: bytes, *, name: str | None = None, on_error: OnError = OnError.WARN
) -> list[Activity]:
    """Read a GPX document into one :class:`Activity` (a list, like the other readers).

    Raises :class:`CorruptFileError` (malformed XML, with the line), :class:`UnsafeInputError`
    (entity declarations, too many elements) or :class:`UnsupportedFileError` (not GPX, or fewer
    than two time-stamped track points).
    """
    # no line of the skeleton is ever reported here (bad values send the reader to the tree)
    root, scan = parse_points(data, name, "trkpt", lines=False)
    qname = etree.QName(root)
    ns = qname.namespace or ""
    if qname.localname != "gpx" or ns not in GPX_NAMESPACES:
        raise UnsupportedFileError(
            f"not a GPX document (root element {qname.localname!r} in {ns or 'no'} namespace)",
            path=name,
        )
    warnings: list[str] = []
    tags = _tags(ns, _ALL_EXTENSIONS)
    cols = scanned_columns(
        root, scan, point=tags.points[0], channels=tags.channels, attributes=_ATTRIBUTES
    )
    if cols is None:
        if scan is not None:  # the skeleton's points are empty: read the whole tree
            root = parse_document(data, name)
        tags = _tags(ns, _extension_namespaces(data))
        cols = collect_points(
            root,
            point_tags=tags.points,
            channels=tags.channels,
            attributes=_ATTRIBUTES,
            reset_tags=tags.resets,
        )
    lines = LineFinder(root, tags.points)
    raw = {
        ch: cols.floats(ch, name=name, on_error=on_error, warnings=warnings, line_of=lines)
        for ch in _NUMERIC + _NUMERIC_ATTRS
    }
    raw["timestamp"] = cols.times(
        "time", name=name, on_error=on_error, warnings=warnings, line_of=lines
    )
    n_timed = int(np.isfinite(raw["timestamp"]).sum())
    require_points(n_timed, minimum=2, name=name, what="the GPX track")
    raw_type = _text(root, ns, "trk/type")
    sport, sub_sport = normalize_sport(raw_type)
    cadence = raw.pop("cadence")
    raw["cadence_spm"] = cadence * 2.0 if sport in STEP_SPORTS else cadence
    if not np.isfinite(raw["temperature_c"]).any():
        del raw["temperature_c"]
    samples = build_samples(raw, name=name, on_error=on_error, warnings=warnings)
    metadata: dict[str, object] = {"gpx_version": root.get("version")}
    if raw_type is not None:
        metadata["gpx_type"] = raw_type
    return [
        Activity(
            sport=sport,
            sub_sport=sub_sport,
            start=datetime.fromtimestamp(float(samples["timestamp"][0]), tz=UTC),
            samples=samples,
            device=root.get("creator"),
            source=Source(format="gpx", name=name),
            name=_text(root, ns, "trk/name")
            or _text(root, ns, "metadata/name")
            or _text(root, ns, "name"),
            description=_text(root, ns, "trk/desc"),
            metadata=metadata,
            warnings=warnings,
        )
    ]


def _text(root: etree._Element, ns: str, path: str) -> str | None:
    """The stripped text at ``path`` (slash-separated tags in the document's namespace)."""
    el = root.find("/".join(_q(ns, part) for part in path.split("/")))
    if el is None or el.text is None:
        return None
    return el.text.strip() or None
