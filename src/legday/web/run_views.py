"""What a runner looks at first on a run's page: splits per km or mile, the laps, the route and
the headline numbers (average pace or speed, moving time, elevation gain).

Display only, over the stored streams and analysis: a split is where the distance stream
crosses each whole km (or mile), found by interpolation; the route is the track's own positions
projected onto the page (no map tiles: nothing loads from outside).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from legday.cli.common import fmt_duration

from .svg import elapsed_minutes, esc, tips_attribute
from .units import METRES_PER_MILE, distance, elevation, pace

__all__ = [
    "CHART_POINTS",
    "ROUTE_COLOURS",
    "binned",
    "headline_view",
    "laps_view",
    "pace_axis_limits",
    "rate",
    "route_legend",
    "route_svg",
    "run_page_view",
    "splits_view",
]

FloatArray = npt.NDArray[np.float64]

#: The route's colour scale, slow (or low heart rate) to fast (or high): Moreland's (2009)
#: cool-to-warm diverging map in 7 classes, its pale middle darkened to show on white and on
#: the dark theme alike.
ROUTE_COLOURS = ("#3b4cc0", "#6282ea", "#8db0fe", "#a59c94", "#f49a7b", "#de604d", "#b40426")
#: Points per chart line: more than a laptop screen shows only costs bytes.
CHART_POINTS = 480
#: Points drawn on the route: more than a phone's width of detail only costs bytes.
ROUTE_POINTS = 900
#: Points of the route a tooltip can stop at (every third or so: a fifth of a km on a 15 km run).
ROUTE_TIP_POINTS = 300
#: Size of the route's drawing, px (the SVG scales to its card).
ROUTE_SIZE = 480
#: The slowest pace on a pace axis is that of this share of the run's fast (90th percentile)
#: speed: slower stretches (walking recoveries, stops) sit at the axis's edge instead of
#: squashing the repetitions into a thin band.
PACE_AXIS_SLOW_SHARE = 0.5
#: The fastest pace on the axis is that of the run's 99.5th percentile speed (a GPS spike above
#: it is cut at the edge).
PACE_AXIS_FAST_PCT = 99.5
#: Slower than this is standing, not moving (m/s).
MOVING_MPS = 0.5


def pace_axis_limits(speed: FloatArray) -> tuple[float, float] | None:
    """The speeds (slow, fast) that bound a run's pace axis, None without speed."""
    moving = speed[np.isfinite(speed) & (speed > MOVING_MPS)]
    if moving.size < 2:
        return None
    fast = float(np.percentile(moving, PACE_AXIS_FAST_PCT))
    slow = max(
        float(np.percentile(moving, 1.0)),
        PACE_AXIS_SLOW_SHARE * float(np.percentile(moving, 90.0)),
    )
    return (min(slow, fast * 0.95), fast)


def headline_view(
    analysis: Mapping[str, Any], units: str, is_run: bool
) -> list[tuple[str, str, str]]:
    """(key, value, label) of the numbers a run's page leads with."""
    moving = analysis.get("moving_s") or analysis.get("duration_s")
    metres = analysis.get("distance_m") or 0.0
    out = []
    if moving and metres:
        speed = metres / moving
        key = "pace" if is_run else "speed"
        out.append((key, rate(speed, units, is_run), f"average {key} (moving)"))
    if moving:
        out.append(("moving", fmt_duration(moving), "moving time"))
    return out


def rate(speed_mps: float | None, units: str, is_run: bool = True) -> str:
    """A pace for a run (``5:12 /km``), a speed for anything else (``24.3 km/h``)."""
    if is_run or speed_mps is None or not math.isfinite(speed_mps) or speed_mps <= 0:
        return pace(speed_mps, units)
    per_hour = speed_mps * 3600 / (METRES_PER_MILE if units == "imperial" else 1000.0)
    return f"{per_hour:.1f} {'mph' if units == 'imperial' else 'km/h'}"


def _monotone(values: FloatArray) -> FloatArray:
    filled = np.where(np.isfinite(values), values, -np.inf)
    out: FloatArray = np.maximum.accumulate(filled)
    out[~np.isfinite(out)] = np.nan
    return out


def _mean_between(t: FloatArray, values: FloatArray, a: float, b: float) -> float | None:
    inside = (t >= a) & (t < b) & np.isfinite(values)
    return float(values[inside].mean()) if inside.any() else None


def _gain_between(t: FloatArray, alt: FloatArray, a: float, b: float) -> tuple[float, float]:
    inside = alt[(t >= a) & (t <= b) & np.isfinite(alt)]
    if inside.size < 2:
        return 0.0, 0.0
    steps = np.diff(inside)
    return float(steps[steps > 0].sum()), float(np.abs(steps[steps < 0]).sum())


def _work_share(segments: Sequence[Mapping[str, Any]], a: float, b: float) -> float:
    if b <= a:
        return 0.0
    work: float = sum(
        max(0.0, min(b, s["end_s"]) - max(a, s["start_s"]))
        for s in segments
        if s.get("role") == "work"
    )
    return work / (b - a)


def _row(
    n: int | str,
    metres: float,
    a: float,
    b: float,
    streams: Mapping[str, FloatArray],
    t: FloatArray,
    units: str,
    segments: Sequence[Mapping[str, Any]],
    is_run: bool = True,
) -> dict[str, Any]:
    seconds = b - a
    hr = _mean_between(t, streams.get("heart_rate_bpm", np.full(t.size, np.nan)), a, b)
    up, down = _gain_between(t, streams.get("altitude_m", np.full(t.size, np.nan)), a, b)
    has_alt = bool(np.isfinite(streams.get("altitude_m", np.full(1, np.nan))).any())
    return {
        "n": n,
        "distance": distance(metres, units),
        "time": fmt_duration(seconds),
        "pace": rate(metres / seconds if seconds > 0 else None, units, is_run),
        "hr": "–" if hr is None else f"{hr:.0f}",
        "gain": elevation(up, units) if has_alt else "–",
        "loss": elevation(down, units) if has_alt else "–",
        "work": _work_share(segments, a, b) >= 0.5,
    }


def splits_view(
    streams: Mapping[str, FloatArray],
    units: str,
    segments: Sequence[Mapping[str, Any]] = (),
    is_run: bool = True,
) -> list[dict[str, Any]]:
    """One row per whole km (or mile) and one for the rest: its time, pace, heart rate and
    elevation gain and loss; ``work`` when most of it was a work segment."""
    t = streams.get("elapsed_s")
    d = streams.get("distance_m")
    if t is None or d is None:
        return []
    d = _monotone(d)
    known = np.isfinite(d) & np.isfinite(t)
    if known.sum() < 2:
        return []
    tk, dk = t[known], d[known]
    unit_m = METRES_PER_MILE if units == "imperial" else 1000.0
    total = float(dk[-1] - dk[0])
    marks = np.arange(unit_m, total + 1e-9, unit_m)
    # the first time the distance reaches each mark (np.interp needs rising x: take unique)
    dist_u, first = np.unique(dk, return_index=True)
    times = np.interp(marks + dk[0], dist_u, tk[first])
    bounds = [float(tk[0]), *(float(x) for x in times)]
    rows = [
        _row(i + 1, unit_m, bounds[i], bounds[i + 1], streams, t, units, segments, is_run)
        for i in range(len(bounds) - 1)
    ]
    rest = total - unit_m * len(marks)
    if rest >= 0.05 * unit_m:
        rows.append(
            _row(
                len(rows) + 1, rest, bounds[-1], float(tk[-1]), streams, t, units, segments, is_run
            )
        )
    return rows


def laps_view(
    laps: Sequence[Mapping[str, Any]],
    streams: Mapping[str, FloatArray],
    units: str,
    segments: Sequence[Mapping[str, Any]] = (),
    is_run: bool = True,
) -> list[dict[str, Any]]:
    """The device's laps with their distance, time, pace and heart rate (only when there are
    at least two: one lap is the whole run)."""
    stamps = streams.get("timestamp")
    t = streams.get("elapsed_s")
    if len(laps) < 2 or stamps is None or t is None or not np.isfinite(stamps).any():
        return []
    t0 = float(stamps[np.isfinite(stamps)][0]) - float(t[np.isfinite(stamps)][0])
    d = _monotone(streams.get("distance_m", np.full(t.size, np.nan)))
    known = np.isfinite(d) & np.isfinite(t)
    rows = []
    for lap in laps:
        a, b = float(lap["start"]) - t0, float(lap["end"]) - t0
        metres = lap.get("distance_m")
        if (metres is None or not math.isfinite(metres)) and known.sum() >= 2:
            metres = float(np.interp(b, t[known], d[known]) - np.interp(a, t[known], d[known]))
        seconds = lap.get("timer_s") or (b - a)
        row = _row(lap["index"] + 1, metres or 0.0, a, b, streams, t, units, segments, is_run)
        row["time"] = fmt_duration(seconds)
        row["pace"] = rate(metres / seconds if metres and seconds else None, units, is_run)
        row["intensity"] = lap.get("intensity") or "–"
        rows.append(row)
    return rows


def binned(values: FloatArray, n: int = CHART_POINTS) -> FloatArray:
    """``values`` averaged into at most ``n`` equal bins (NaN where a bin has no data)."""
    if values.size <= n:
        return values.astype(np.float64)
    edges = np.linspace(0, values.size, n + 1).astype(int)
    finite = np.isfinite(values)
    sums = np.add.reduceat(np.where(finite, values, 0.0), edges[:-1])
    counts = np.add.reduceat(finite.astype(np.float64), edges[:-1])
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.where(counts > 0, sums / counts, np.nan)
    return out


def route_svg(
    streams: Mapping[str, FloatArray],
    segments: Sequence[Mapping[str, Any]] = (),
    colour_by: Literal["pace", "hr"] = "pace",
    units: str = "metric",
) -> str | None:
    """The track as an inline SVG: polylines coloured by pace (or heart rate) in seven classes,
    the work segments outlined beneath, start and finish marked. None without positions."""
    lat, lon = streams.get("latitude_deg"), streams.get("longitude_deg")
    t = streams.get("elapsed_s")
    if lat is None or lon is None or t is None:
        return None
    ok = np.isfinite(lat) & np.isfinite(lon) & np.isfinite(t)
    if ok.sum() < 2:
        return None
    key = "speed_mps" if colour_by == "pace" else "heart_rate_bpm"
    value = streams.get(key, np.full(lat.size, np.nan))
    n = min(ROUTE_POINTS, int(ok.sum()))
    la, lo_, tt, vv = (binned(a[ok], n) for a in (lat, lon, t, value))
    y = -(la - np.nanmean(la)) * 111_320.0
    x = (lo_ - np.nanmean(lo_)) * 111_320.0 * math.cos(math.radians(float(np.nanmean(la))))
    span = max(float(np.nanmax(x) - np.nanmin(x)), float(np.nanmax(y) - np.nanmin(y)), 1.0)
    pad = 16.0
    scale = (ROUTE_SIZE - 2 * pad) / span
    px = pad + (x - np.nanmin(x)) * scale
    py = pad + (y - np.nanmin(y)) * scale
    width = float(np.nanmax(px)) + pad
    height = float(np.nanmax(py)) + pad
    finite_v = vv[np.isfinite(vv)]
    if colour_by == "pace":
        limits = pace_axis_limits(value[ok])
        lo, hi = limits if limits else (0.0, 1.0)
    elif finite_v.size:
        lo, hi = float(np.percentile(finite_v, 2)), float(np.percentile(finite_v, 98))
    else:
        lo, hi = 0.0, 1.0
    k = len(ROUTE_COLOURS)
    with np.errstate(invalid="ignore"):
        cls = np.clip(((vv - lo) / max(hi - lo, 1e-9) * k).astype(float), 0, k - 1)
    cls = np.where(np.isfinite(cls), np.floor(cls), -1).astype(int)
    title = f"The route, coloured by {'pace' if colour_by == 'pace' else 'heart rate'}"
    out = [
        f'<svg class="route" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-label="{esc(title)}" xmlns="http://www.w3.org/2000/svg" '
        f'data-colour-by="{colour_by}"{_route_tips(px, py, tt, vv, colour_by, units)}>'
        f"<title>{esc(title)}</title>"
    ]
    pts = [f"{a:.1f},{b:.1f}" for a, b in zip(px, py, strict=True)]
    out.append(  # a casing under the coloured line, so every class shows on any background
        f'<polyline class="casing" points="{" ".join(pts)}" fill="none" stroke="#1f2933" '
        'stroke-opacity="0.35" stroke-width="6" stroke-linecap="round" stroke-linejoin="round"/>'
    )
    for s in segments:  # the work, outlined beneath the line
        if s.get("role") != "work":
            continue
        inside = np.flatnonzero((tt >= s["start_s"]) & (tt <= s["end_s"]))
        if inside.size >= 2:
            out.append(
                f'<polyline class="work" points="{" ".join(pts[i] for i in inside)}" '
                'fill="none" stroke="#f97316" stroke-opacity="0.45" stroke-width="9" '
                'stroke-linecap="round" stroke-linejoin="round"/>'
            )
    start = 0
    for i in range(1, len(pts) + 1):
        if i == len(pts) or cls[i] != cls[start]:
            colour = ROUTE_COLOURS[cls[start]] if cls[start] >= 0 else "#94a3b8"
            chunk = " ".join(pts[max(start - 1, 0) : i])
            out.append(
                f'<polyline class="leg" points="{chunk}" fill="none" stroke="{colour}" '
                'stroke-width="3.5" stroke-linecap="round" stroke-linejoin="round"/>'
            )
            start = i
    for (a, b), name, fill in (
        ((px[0], py[0]), "start", "#15803d"),
        ((px[-1], py[-1]), "finish", "#1f2933"),
    ):
        out.append(
            f'<circle class="{name}" cx="{a:.1f}" cy="{b:.1f}" r="6" fill="{fill}" '
            f'stroke="#fff" stroke-width="2"><title>{name}</title></circle>'
        )
    out.append("</svg>")
    return "".join(out)


def _route_tips(
    px: FloatArray, py: FloatArray, tt: FloatArray, vv: FloatArray, colour_by: str, units: str
) -> str:
    """The route's tooltip data (``static/charts.js``, docs/dashboard.md): every few points
    (at most :data:`ROUTE_TIP_POINTS`), where it is, when, and its pace or heart rate; the
    script shows the one nearest the pointer."""
    keep = np.arange(0, px.size, max(math.ceil(px.size / ROUTE_TIP_POINTS), 1))
    ys = [round(float(py[i]), 1) for i in keep]
    data = {
        "x": [round(float(px[i]), 1) for i in keep],
        "y2": ys,
        "label": [elapsed_minutes(float(tt[i]) / 60.0) for i in keep],
        "series": [
            {
                "name": "pace" if colour_by == "pace" else "heart rate",
                "colour": "#ffffff",
                "y": ys,
                "text": [
                    None
                    if not math.isfinite(float(vv[i]))
                    else pace(float(vv[i]), units)
                    if colour_by == "pace"
                    else f"{float(vv[i]):.0f} bpm"
                    for i in keep
                ],
            }
        ],
        "bands": [],
    }
    return tips_attribute(data)


def route_legend(
    streams: Mapping[str, FloatArray], colour_by: Literal["pace", "hr"], units: str
) -> list[tuple[str, str]]:
    """(colour, label) of each class of :func:`route_svg`'s scale."""
    k = len(ROUTE_COLOURS)
    if colour_by == "pace":
        limits = pace_axis_limits(streams.get("speed_mps", np.full(1, np.nan)))
        if limits is None:
            return []
        lo, hi = limits
        edges = [lo + (hi - lo) * i / k for i in range(k + 1)]
        return [(ROUTE_COLOURS[i], f"{pace(edges[i], units)}") for i in range(k)]
    hr = streams.get("heart_rate_bpm", np.full(1, np.nan))
    finite = hr[np.isfinite(hr)]
    if not finite.size:
        return []
    lo, hi = float(np.percentile(finite, 2)), float(np.percentile(finite, 98))
    return [(ROUTE_COLOURS[i], f"{lo + (hi - lo) * i / k:.0f} bpm") for i in range(k)]


def run_page_view(
    activity: Mapping[str, Any],
    streams: Mapping[str, FloatArray],
    laps: Sequence[Mapping[str, Any]],
    units: str,
    colour_by: Literal["pace", "hr"] = "pace",
) -> dict[str, Any]:
    """The run page's headline numbers, splits, laps and route."""
    from legday.stimulus.activities import RUNNING_SPORTS

    analysis = activity.get("analysis") or {}
    segments = analysis.get("segments") or []
    is_run = str(activity.get("sport") or "running") in RUNNING_SPORTS
    if (
        colour_by == "hr"
        and not np.isfinite(streams.get("heart_rate_bpm", np.full(1, np.nan))).any()
    ):
        colour_by = "pace"
    return {
        "headline": headline_view(analysis, units, is_run),
        "splits": splits_view(streams, units, segments, is_run),
        "split_unit": "mi" if units == "imperial" else "km",
        "laps": laps_view(laps, streams, units, segments, is_run),
        "route_svg": route_svg(streams, segments, colour_by, units),
        "route_legend": route_legend(streams, colour_by, units),
        "route_by": colour_by,
    }
