"""The TCX reader (Garmin Training Center Database v2, and v1 files).

Each ``Activity`` element (including those of a ``MultiSportSession``) becomes one
:class:`Activity`, in document order. From each ``Trackpoint`` it reads time, position,
altitude, ``DistanceMeters``, heart rate and cadence, and from the ActivityExtension v2 ``TPX``
element ``Speed``, ``RunCadence`` and ``Watts``. Each ``Lap`` becomes a :class:`Lap` (FIT names
for intensity and trigger) and the laps' summaries add up to the session's totals.

Cadence: ``RunCadence`` holds strides (one leg) per minute and is always doubled to steps per
minute; the plain ``Cadence`` element is crank rpm for cycling but strides per minute in running
files (Polar, Suunto), so it is doubled for running, walking and hiking. Distance is the file's
``DistanceMeters`` when present (gaps interpolated), else the haversine distance of the fixes.

An activity with laps but no trackpoints (a manual entry) is kept with zero samples.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from itertools import accumulate

import numpy as np
from lxml import etree

from legday.errors import OnError, UnsupportedFileError
from legday.io.isotime import posix_times
from legday.io.point_scan import PointScan
from legday.io.sports import STEP_SPORTS, normalize_sport
from legday.io.track import build_samples
from legday.io.xml import (
    FloatArray,
    LineFinder,
    PointColumns,
    collect_points,
    count_points,
    parse_document,
    parse_points,
    report,
    scanned_columns,
)
from legday.model import Activity, Lap, SessionTotals, Source

__all__ = ["read_tcx"]

#: TrainingCenterDatabase v2 and v1 namespaces (garmin.com/xmlschemas).
TCX_NAMESPACES = (
    "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2",
    "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v1",
)
#: Root elements read as TCX: the standard one, and a bare ``Activities`` (some exporters write
#: the body without its wrapper, or without a namespace).
TCX_ROOTS = ("TrainingCenterDatabase", "Activities")
#: ActivityExtension v2 (``TPX`` per trackpoint, ``LX`` per lap).
AX_NAMESPACE = "http://www.garmin.com/xmlschemas/ActivityExtension/v2"

#: TCX ``Intensity`` to FIT ``intensity``.
INTENSITY = {"active": "active", "resting": "rest"}
#: TCX ``TriggerMethod`` to FIT ``lap_trigger`` (HeartRate has no FIT counterpart).
TRIGGER = {
    "manual": "manual",
    "distance": "distance",
    "location": "position_lap",
    "time": "time",
    "heartrate": "heart_rate",
}


class _Tags:
    """Clark-notation tags of one TCX namespace."""

    def __init__(self, ns: str) -> None:
        def q(tag: str) -> str:
            return f"{{{ns}}}{tag}" if ns else tag

        self.q = q
        self.activity = q("Activity")
        self.lap = q("Lap")
        self.point = q("Trackpoint")
        self.channels = {
            q("Time"): "time",
            q("LatitudeDegrees"): "latitude_deg",
            q("LongitudeDegrees"): "longitude_deg",
            q("AltitudeMeters"): "altitude_m",
            q("DistanceMeters"): "distance_m",
            q("Value"): "heart_rate_bpm",
            q("Cadence"): "cadence",
            f"{{{AX_NAMESPACE}}}Speed": "speed_mps",
            f"{{{AX_NAMESPACE}}}RunCadence": "run_cadence",
            f"{{{AX_NAMESPACE}}}Watts": "power_w",
        }


_NUMERIC = (
    "latitude_deg",
    "longitude_deg",
    "altitude_m",
    "distance_m",
    "heart_rate_bpm",
    "cadence",
    "speed_mps",
    "run_cadence",
    "power_w",
)


def read_tcx(
    data: bytes, *, name: str | None = None, on_error: OnError = OnError.WARN
) -> list[Activity]:
    """Read a TCX document: one :class:`Activity` per ``Activity`` element, in order.

    Raises :class:`CorruptFileError` (malformed XML, with the line), :class:`UnsafeInputError`
    or :class:`UnsupportedFileError` (not TCX, or no activity in it).
    """
    root, scan = parse_points(data, name, "Trackpoint")
    qname = etree.QName(root)
    ns = qname.namespace or ""
    if qname.localname not in TCX_ROOTS or ns not in (*TCX_NAMESPACES, ""):
        raise UnsupportedFileError(
            f"not a TCX document (root element {qname.localname!r})", path=name
        )
    tags = _Tags(ns)
    acts = list(root.iter(tags.activity))
    columns = _scanned(root, acts, scan, tags)
    if scan is not None and columns is None:  # the skeleton's points are empty: read the tree
        root = parse_document(data, name)
        acts = list(root.iter(tags.activity))
    activities = [
        _activity(el, tags, None if columns is None else columns[k], name=name, on_error=on_error)
        for k, el in enumerate(acts)
    ]
    if not activities:
        raise UnsupportedFileError(
            "the TCX file holds no activity (a course or a workout?)", path=name
        )
    return activities


def _scanned(
    root: etree._Element, acts: list[etree._Element], scan: PointScan | None, tags: _Tags
) -> list[PointColumns] | None:
    """Each activity's scanned points with its lap marks, or None to read the tree instead
    (also when some trackpoints lie outside the activities' laps, e.g. in a course)."""
    whole = scanned_columns(root, scan, point=tags.point, channels=tags.channels)
    if whole is None:
        return None
    out = []
    offset = 0
    for act in acts:
        sizes = [count_points(lap, tags.point) for lap in act.iter(tags.lap)]
        total = sum(sizes)
        if total != count_points(act, tags.point):
            return None
        marks = list(accumulate(sizes[:-1], initial=0)) if sizes else []
        out.append(whole.window(offset, offset + total, marks))
        offset += total
    return out if offset == whole.n_points else None


def _activity(
    act: etree._Element,
    tags: _Tags,
    scanned: PointColumns | None,
    *,
    name: str | None,
    on_error: OnError,
) -> Activity:
    warnings: list[str] = []
    cols = scanned or collect_points(
        act, point_tags=(tags.point,), channels=tags.channels, mark_tags=(tags.lap,)
    )
    lines = LineFinder(act, (tags.point,))
    raw = {
        ch: cols.floats(ch, name=name, on_error=on_error, warnings=warnings, line_of=lines)
        for ch in _NUMERIC
    }
    raw["timestamp"] = cols.times(
        "time", name=name, on_error=on_error, warnings=warnings, line_of=lines
    )
    sport, sub_sport = normalize_sport(act.get("Sport"))
    run_cadence = raw.pop("run_cadence")
    cadence = raw.pop("cadence")
    if sport in STEP_SPORTS:
        cadence = cadence * 2.0
    raw["cadence_spm"] = np.where(np.isfinite(run_cadence), run_cadence * 2.0, cadence)
    laps = _laps(
        act, tags, cols.marks, raw["timestamp"], name=name, on_error=on_error, warnings=warnings
    )
    samples = build_samples(raw, name=name, on_error=on_error, warnings=warnings)
    ts = samples["timestamp"]
    if ts.size:
        start_s = float(ts[0])
    elif laps:
        start_s = laps[0].start
        warnings.append("the activity has laps but no trackpoints")
    else:
        start_s = _time_or_nan(act.findtext(tags.q("Id")))
        if not np.isfinite(start_s):
            raise UnsupportedFileError("a TCX activity without time or trackpoints", path=name)
    creator = act.find(f"{tags.q('Creator')}/{tags.q('Name')}")
    notes = act.findtext(tags.q("Notes"))
    return Activity(
        sport=sport,
        sub_sport=sub_sport,
        start=datetime.fromtimestamp(start_s, tz=UTC),
        samples=samples,
        device=(creator.text or "").strip() or None if creator is not None else None,
        source=Source(format="tcx", name=name),
        laps=tuple(laps),
        totals=_zeroed_distance(_totals(act, tags, laps), samples["distance_m"], name, warnings),
        description=notes.strip() or None if notes else None,
        metadata={"tcx_sport": act.get("Sport")},
        warnings=warnings,
    )


def _laps(
    act: etree._Element,
    tags: _Tags,
    marks: list[int],
    times: FloatArray,
    *,
    name: str | None,
    on_error: OnError,
    warnings: list[str],
) -> list[Lap]:
    q = tags.q
    laps: list[Lap] = []
    bounds = [*marks, times.shape[0]]
    for k, el in enumerate(act.iterchildren(tags.lap)):
        start = _time_or_nan(el.get("StartTime"))
        if not np.isfinite(start):
            message = f"lap {k + 1} has no readable StartTime"
            line = el.sourceline
            report(message, name=name, on_error=on_error, warnings=warnings, line=line)
            continue
        timer = _number(el.findtext(q("TotalTimeSeconds")))
        lap_times = times[bounds[k] : bounds[k + 1]] if k + 1 < len(bounds) else times[:0]
        lap_times = lap_times[np.isfinite(lap_times)]
        end = start + (timer or 0.0)
        if lap_times.size:
            end = max(end, float(lap_times.max()))
        laps.append(
            Lap(
                start=start,
                end=end,
                intensity=_mapped(INTENSITY, el.findtext(q("Intensity"))),
                trigger=_mapped(TRIGGER, el.findtext(q("TriggerMethod"))),
                total_distance_m=_number(el.findtext(q("DistanceMeters"))),
                total_timer_s=timer,
                total_elapsed_s=end - start,
            )
        )
    return laps


def _totals(act: etree._Element, tags: _Tags, laps: list[Lap]) -> SessionTotals | None:
    if not laps:
        return None
    q = tags.q
    lap_els = list(act.iterchildren(tags.lap))
    timers = [lap.total_timer_s for lap in laps if lap.total_timer_s is not None]
    dists = [lap.total_distance_m for lap in laps if lap.total_distance_m is not None]
    kcal = [_number(el.findtext(q("Calories"))) for el in lap_els]
    hr_max = [_number(el.findtext(f"{q('MaximumHeartRateBpm')}/{q('Value')}")) for el in lap_els]
    hr_avg = [_number(el.findtext(f"{q('AverageHeartRateBpm')}/{q('Value')}")) for el in lap_els]
    timer_of = [_number(el.findtext(q("TotalTimeSeconds"))) for el in lap_els]
    weighted = [(h, t) for h, t in zip(hr_avg, timer_of, strict=True) if h and t]
    weight = sum(t for _, t in weighted)
    return SessionTotals(
        total_elapsed_s=laps[-1].end - laps[0].start,
        total_timer_s=sum(timers) if timers else None,
        total_distance_m=sum(dists) if dists else None,
        avg_heart_rate_bpm=sum(h * t for h, t in weighted) / weight if weight else None,
        max_heart_rate_bpm=max((h for h in hr_max if h is not None), default=None),
        total_calories_kcal=sum(c for c in kcal if c is not None) if any(kcal) else None,
    )


def _zeroed_distance(
    totals: SessionTotals | None, dist: FloatArray, name: str | None, warnings: list[str]
) -> SessionTotals | None:
    """The totals without their distance when the laps say 0 m but the points move: a tool
    that crops and re-writes a recording may zero its laps, and 0 is then no total
    (:attr:`Activity.distance_m` falls back to the samples)."""
    if totals is None or totals.total_distance_m != 0:
        return totals
    finite = dist[np.isfinite(dist)]
    moved = float(finite[-1] - finite[0]) if finite.size else 0.0
    if moved <= 0:
        return totals
    warnings.append(
        f"{name or '<stream>'}: its laps total 0 m but its points cover {moved:.0f} m; "
        "the laps' distance was ignored"
    )
    return replace(totals, total_distance_m=None)


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if np.isfinite(value) else None


def _mapped(table: dict[str, str], text: str | None) -> str | None:
    if text is None:
        return None
    key = text.strip().lower()
    return table.get(key, key or None)


def _time_or_nan(text: str | None) -> float:
    return float(posix_times([text])[0]) if text else float("nan")
