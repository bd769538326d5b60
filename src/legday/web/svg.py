"""Charts as inline SVG strings, drawn on the server (pure: numbers in, markup out).

Every function returns a complete ``<svg>`` element that the templates insert as-is, so every
piece of text placed in the markup goes through :func:`esc`. Nothing here knows about runs or
rules: the pages hand over series that the library computed.

Each chart also carries what its tooltip shows (docs/dashboard.md): a line chart's ``data-tips``
holds, per x value, the point's position and each series' value as the page words it, and a
bar's or muscle's ``data-tip`` its own line; ``static/charts.js`` shows them under the pointer
or the finger. Without JavaScript the ``<title>`` elements still give the values on hover.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from html import escape
from typing import Literal

__all__ = [
    "Band",
    "Bar",
    "Series",
    "bar_chart",
    "elapsed_minutes",
    "esc",
    "line_chart",
    "nice_ticks",
    "tips_attribute",
]

#: Plot margins inside the SVG, px: left, right, top, bottom.
MARGIN = (44.0, 44.0, 12.0, 24.0)
#: Room above the plot for the y axes' unit labels, px.
AXIS_LABEL_ROOM = 12.0
#: Axis, grid and label colours (the stylesheet's greys).
AXIS, GRID, LABEL = "#9aa3ad", "#e7eaee", "#5b6570"


def esc(text: object) -> str:
    """Text made safe for SVG/HTML content and attribute values."""
    return escape(str(text), quote=True)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def elapsed_minutes(minutes: float) -> str:
    """An x value in minutes from the start, as a tooltip words it: ``at 1:02:05``."""
    s = max(round(minutes * 60), 0)
    h, m = divmod(s // 60, 60)
    return f"at {h}:{m:02d}:{s % 60:02d}" if h else f"at {m}:{s % 60:02d}"


@dataclass(frozen=True)
class Series:
    """One line (or bars) over the chart's x values; ``None``/NaN values leave a gap."""

    name: str
    values: Sequence[float | None]
    colour: str
    style: Literal["line", "bars", "area", "dots"] = "line"
    axis: Literal["left", "right"] = "left"
    dashed: bool = False
    markers: bool = False
    """Draw a dot at each value (for sparse series)."""
    tip_format: Callable[[float], str] | None = None
    """How the tooltip words a value (default: its axis's tick format)."""


@dataclass(frozen=True)
class Band:
    """A shaded stretch of the x axis (a segment or block of a run)."""

    start: float
    end: float
    colour: str
    label: str


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    colour: str
    note: str = ""


def nice_ticks(lo: float, hi: float, count: int = 4) -> list[float]:
    """Round tick values covering ``[lo, hi]`` (1, 2, 2.5 or 5 times a power of ten)."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo] if math.isfinite(lo) else [0.0]
    raw = (hi - lo) / max(count, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.floor(lo / step) * step
    ticks: list[float] = []
    t = first
    while t <= hi + step * 1e-9:
        ticks.append(round(t, 10))
        t += step
    if ticks[-1] < hi:
        ticks.append(round(t, 10))
    return ticks


def _finite(values: Sequence[float | None]) -> list[float]:
    return [float(v) for v in values if v is not None and math.isfinite(v)]


@dataclass
class _Scale:
    lo: float
    hi: float
    a: float
    b: float
    ticks: list[float] = field(default_factory=list)

    def __call__(self, v: float) -> float:
        span = self.hi - self.lo or 1.0
        return self.a + (v - self.lo) / span * (self.b - self.a)


def _y_scale(
    series: Sequence[Series],
    top: float,
    bottom: float,
    invert: bool,
    zero: bool,
    count: int,
    unit: float = 1.0,
    min_span: float = 0.0,
) -> _Scale | None:
    values = [v for s in series for v in _finite(s.values)]
    if not values:
        return None
    lo, hi = min(values), max(values)
    if hi - lo < min_span:  # widen around the data's middle
        mid = (lo + hi) / 2
        lo, hi = mid - min_span / 2, mid + min_span / 2
    if zero or any(s.style == "bars" for s in series):
        lo = min(lo, 0.0)
    if hi == lo:
        lo, hi = lo - max(abs(lo) * 0.05, 0.5), hi + max(abs(hi) * 0.05, 0.5)
    ticks = [t * unit for t in nice_ticks(lo / unit, hi / unit, count)]
    lo, hi = ticks[0], ticks[-1]
    a, b = (top, bottom) if invert else (bottom, top)
    return _Scale(lo, hi, a, b, ticks)


def _path(points: list[tuple[float, float] | None]) -> str:
    parts: list[str] = []
    pen = "M"
    for p in points:
        if p is None:
            pen = "M"
            continue
        parts.append(f"{pen}{p[0]:.1f},{p[1]:.1f}")
        pen = "L"
    return "".join(parts)


def line_chart(
    x: Sequence[float],
    series: Sequence[Series],
    *,
    width: int = 720,
    height: int = 220,
    x_ticks: Sequence[tuple[float, str]] = (),
    bands: Sequence[Band] = (),
    title: str = "",
    left_format: Callable[[float], str] = _num,
    right_format: Callable[[float], str] = _num,
    invert_left: bool = False,
    zero_based: bool = True,
    y_ticks: int = 4,
    left_tick_unit: float = 1.0,
    css_class: str = "chart",
    x_label: str = "",
    left_label: str = "",
    right_label: str = "",
    left_limits: tuple[float, float] | None = None,
    left_min_span: float = 0.0,
    x_format: Callable[[float], str] | None = None,
) -> str:
    """Lines, areas and bars over shared ``x`` values, on up to two y axes.

    An empty ``x`` (or series with no finite value) draws an empty frame reading "no data".
    ``left_tick_unit`` puts the left axis's ticks on round multiples of it (60 for a pace in
    seconds: whole minutes). ``x_label``, ``left_label`` and ``right_label`` name each axis's
    unit (written at the axis's end); ``left_limits`` fixes the left axis's range, and values
    beyond it are drawn at its edge. ``left_min_span`` is the least range the left axis covers,
    centred on the data (so a change of 0.4 kg does not fill the height). ``x_format`` words an
    x value in the tooltip (default: the value and ``x_label``; none without either).
    """
    ml, mr, mt, mb = MARGIN
    if left_label or right_label:
        mt += AXIS_LABEL_ROOM
    x0, x1, y0, y1 = ml, width - mr, mt, height - mb
    out = [
        f'<svg class="{esc(css_class)}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{esc(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{esc(title)}</title>",
    ]
    xs = [float(v) for v in x]
    if not xs or not any(_finite(s.values) for s in series):
        out.append(
            f'<text x="{width / 2:.0f}" y="{height / 2:.0f}" text-anchor="middle" '
            f'fill="{LABEL}" font-size="13">no data</text></svg>'
        )
        return "".join(out)
    xs_lo, xs_hi = min(xs), max(xs)
    if xs_hi == xs_lo:  # one point: put it in the middle
        xs_lo, xs_hi = xs_lo - 1.0, xs_hi + 1.0
    sx = _Scale(xs_lo, xs_hi, x0, x1)
    tips = _tips(series, xs, left_format, right_format, x_format, x_label)
    left = [s for s in series if s.axis == "left"]
    right = [s for s in series if s.axis == "right"]
    if left_limits is not None:
        lo, hi = min(left_limits), max(left_limits)
        left = [
            replace(s, values=[None if v is None else min(max(float(v), lo), hi) for v in s.values])
            for s in left
        ]
        series = [*left, *right]
    sl = _y_scale(left, y0, y1, invert_left, zero_based, y_ticks, left_tick_unit, left_min_span)
    sr = _y_scale(right, y0, y1, False, True, y_ticks)
    for band in bands:
        a, b = sx(max(band.start, xs_lo)), sx(min(band.end, xs_hi))
        if b > a:
            out.append(
                f'<rect class="band" x="{a:.1f}" y="{y0}" width="{b - a:.1f}" '
                f'height="{y1 - y0}" fill="{esc(band.colour)}"><title>{esc(band.label)}</title>'
                "</rect>"
            )
    axes = ((sl, left_format, "end", x0 - 6), (sr, right_format, "start", x1 + 6))
    for scale, fmt, anchor, tx in axes:
        if scale is None:
            continue
        for t in scale.ticks:
            y = scale(t)
            if scale is sl or sl is None:
                out.append(f'<line x1="{x0}" x2="{x1}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
            out.append(
                f'<text x="{tx}" y="{y + 4:.1f}" text-anchor="{anchor}" font-size="11" '
                f'fill="{LABEL}">{esc(fmt(t))}</text>'
            )
    for value, label in x_ticks:
        if xs_lo <= value <= xs_hi:
            px = sx(value)
            out.append(
                f'<text x="{px:.1f}" y="{height - 6}" text-anchor="middle" font-size="11" '
                f'fill="{LABEL}">{esc(label)}</text>'
            )
    out.append(f'<line x1="{x0}" x2="{x1}" y1="{y1}" y2="{y1}" stroke="{AXIS}"/>')
    for text, tx, anchor in ((left_label, 4.0, "start"), (right_label, width - 4.0, "end")):
        if text and (sl if anchor == "start" else sr) is not None:
            out.append(
                f'<text class="axis-label" x="{tx:.0f}" y="{AXIS_LABEL_ROOM + 2:.0f}" '
                f'text-anchor="{anchor}" font-size="11" fill="{LABEL}">{esc(text)}</text>'
            )
    if x_label:
        out.append(
            f'<text class="axis-label" x="{x1:.0f}" y="{height - 6}" text-anchor="start" '
            f'dx="4" font-size="11" fill="{LABEL}">{esc(x_label)}</text>'
        )
    step = (x1 - x0) / max(len(xs), 1)
    for s in series:
        scale = sl if s.axis == "left" else sr
        if scale is None:
            continue
        out.append(_draw(s, xs, sx, scale, step))
    out.append("</svg>")
    # single-quoted, so the JSON's many double quotes need no escaping (a third of the bytes)
    data = _tips_data(tips, series, xs, sx, (sl, sr), bands, (y0, y1))
    out[0] = out[0].removesuffix(">") + tips_attribute(data) + ">"
    return "".join(out)


def _tips(
    series: Sequence[Series],
    xs: list[float],
    left_format: Callable[[float], str],
    right_format: Callable[[float], str],
    x_format: Callable[[float], str] | None,
    x_label: str,
) -> dict[str, list[str | None]]:
    """Each x value's label (key ``""``) and each series' value as the tooltip words them (the
    true values, before ``left_limits`` moves any to the axis's edge)."""
    if x_format is None and x_label:
        x_format = lambda x: f"{_num(x)} {x_label}"  # noqa: E731
    out: dict[str, list[str | None]] = {"": [x_format(x) if x_format else None for x in xs]}
    for s in series:
        fmt = s.tip_format or (left_format if s.axis == "left" else right_format)
        out[s.name] = [
            fmt(float(v)) if v is not None and math.isfinite(v) else None for v in s.values
        ]
    return out


def tips_attribute(data: Mapping[str, object]) -> str:
    """A drawing's tooltip data as the attributes ``static/charts.js`` reads: focusable, and
    ``data-tips`` holding ``data`` as JSON, single-quoted so its double quotes need no escaping
    (a third of the bytes)."""
    text = escape(json.dumps(data, separators=(",", ":"), ensure_ascii=False), quote=False)
    return f""" tabindex="0" data-tips='{text.replace("'", "&#x27;")}'"""


def _tips_data(
    tips: dict[str, list[str | None]],
    series: Sequence[Series],
    xs: list[float],
    sx: _Scale,
    scales: tuple[_Scale | None, _Scale | None],
    bands: Sequence[Band],
    plot: tuple[float, float],
) -> dict[str, object]:
    """The tooltip layer's data: x positions (px in the viewBox), their labels, and per series
    its name, colour, each point's y position and wording; the bands with their labels; the
    plot's top and bottom (px)."""
    data_series = []
    for s in series:
        scale = scales[0] if s.axis == "left" else scales[1]
        if scale is None:
            continue
        ys = [
            round(scale(float(v)), 1) if v is not None and math.isfinite(v) else None
            for v in s.values
        ]
        data_series.append({"name": s.name, "colour": s.colour, "y": ys, "text": tips[s.name]})
    return {
        "plot": [round(plot[0], 1), round(plot[1], 1)],
        "x": [round(sx(x), 1) for x in xs],
        "label": tips[""],
        "series": data_series,
        "bands": [[round(sx(b.start), 1), round(sx(b.end), 1), b.label] for b in bands if b.label],
    }


def _draw(s: Series, xs: list[float], sx: _Scale, sy: _Scale, step: float) -> str:
    pts: list[tuple[float, float] | None] = [
        (sx(x), sy(float(v))) if v is not None and math.isfinite(v) else None
        for x, v in zip(xs, s.values, strict=False)
    ]
    name = esc(s.name)
    if s.style == "bars":
        base = sy(max(sy.lo, 0.0))
        w = max(step * 0.7, 1.0)
        rects = [
            f'<rect x="{p[0] - w / 2:.1f}" y="{min(p[1], base):.1f}" width="{w:.1f}" '
            f'height="{abs(base - p[1]):.1f}"><title>{name}: {esc(_num(float(v or 0)))}</title>'
            "</rect>"
            for p, v in zip(pts, s.values, strict=False)
            if p is not None and v
        ]
        return (
            f'<g class="series bars" data-series="{name}" fill="{esc(s.colour)}">'
            + "".join(rects)
            + "</g>"
        )
    d = _path(pts) if s.style != "dots" else ""
    dash = ' stroke-dasharray="5 4"' if s.dashed else ""
    area = ""
    if s.style == "area":
        base = sy(max(sy.lo, 0.0))
        runs: list[list[tuple[float, float]]] = [[]]
        for p in pts:
            if p is None:
                runs.append([])
            else:
                runs[-1].append(p)
        for run in (r for r in runs if len(r) > 1):
            poly = " ".join(f"{a:.1f},{b:.1f}" for a, b in run)
            area += (
                f'<polygon points="{run[0][0]:.1f},{base:.1f} {poly} {run[-1][0]:.1f},{base:.1f}" '
                f'fill="{esc(s.colour)}" fill-opacity="0.18" stroke="none"/>'
            )
    dots = ""
    if s.markers or s.style == "dots":
        dots = "".join(
            f'<circle cx="{p[0]:.1f}" cy="{p[1]:.1f}" r="3" fill="{esc(s.colour)}">'
            f"<title>{name}: {esc(_num(float(v or 0)))}</title></circle>"
            for p, v in zip(pts, s.values, strict=False)
            if p is not None and v
        )
    return (
        f'<g class="series" data-series="{name}">{area}<path d="{d}" fill="none" '
        f'stroke="{esc(s.colour)}" stroke-width="1.8" stroke-linejoin="round"{dash}>'
        f"<title>{name}</title></path>{dots}</g>"
    )


def bar_chart(
    bars: Sequence[Bar],
    *,
    width: int = 360,
    row: int = 26,
    title: str = "",
    value_format: Callable[[float], str] = _num,
) -> str:
    """Horizontal bars, one per row, labelled on the left and valued on the right."""
    label_w, value_w = 70.0, 64.0
    height = max(len(bars), 1) * row + 4
    out = [
        f'<svg class="chart bars" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{esc(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{esc(title)}</title>",
    ]
    top = max((b.value for b in bars), default=0.0)
    if not bars or top <= 0:
        out.append(
            f'<text x="{width / 2:.0f}" y="{height / 2 + 4:.0f}" text-anchor="middle" '
            f'fill="{LABEL}" font-size="13">no data</text></svg>'
        )
        return "".join(out)
    span = width - label_w - value_w
    for i, b in enumerate(bars):
        y = i * row + 2
        w = max(b.value, 0.0) / top * span
        tip = f"{b.label}: {value_format(b.value)}" + (f" ({b.note})" if b.note else "")
        out.append(
            f'<g class="bar" data-label="{esc(b.label)}" data-tip="{esc(tip)}" tabindex="0">'
            f"<title>{esc(tip)}</title>"
            f'<text x="{label_w - 8}" y="{y + row / 2 + 4:.1f}" text-anchor="end" '
            f'font-size="12" fill="{LABEL}">{esc(b.label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" rx="3" '
            f'fill="{esc(b.colour)}"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + row / 2 + 4:.1f}" font-size="12" '
            f'fill="{LABEL}">{esc(value_format(b.value))}</text></g>'
        )
    out.append("</svg>")
    return "".join(out)
