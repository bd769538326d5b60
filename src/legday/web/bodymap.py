"""The body map: a stylised front and back figure, each muscle group coloured by its load.

Pure: a mapping of muscle key → load in, one ``<svg>`` string out. Each group is a ``<g>`` with
``data-muscle="<key>"``, ``data-value``, ``data-tip`` and a ``<title>`` tooltip; all sixteen
DOMAIN.md keys are always drawn (groups the data lacks read 0). The shapes are simple ellipses
and polygons on a 200 × 420 figure (centre line x = 100), mirrored for the left and right side.

Every map is coloured on one fixed scale, :data:`HEAT_TOP` hard-set equivalents for the darkest
colour (docs/science.md 2.2), so a colour means the same load on the week, a run, a lifting
session and the strength page's weekly grid.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise
from typing import Literal

from .svg import esc

__all__ = [
    "HEAT_STOPS",
    "HEAT_TOP",
    "HEAT_UNIT",
    "MUSCLE_LABELS",
    "body_map",
    "heat_colour",
    "heat_legend",
]

#: People's names for the muscle keys (DOMAIN.md's table).
MUSCLE_LABELS: dict[str, str] = {
    "abdominals": "Abdominals",
    "obliques": "Obliques",
    "glutes": "Glutes",
    "quads": "Quads",
    "hamstrings": "Hamstrings",
    "hip_abductors": "Hip abductors",
    "hip_adductors": "Hip adductors",
    "hip_flexors": "Hip flexors",
    "gastrocnemius": "Calves (gastrocnemius)",
    "soleus": "Calves (soleus)",
    "biceps": "Biceps",
    "triceps": "Triceps",
    "pectorals": "Chest",
    "deltoids": "Shoulders",
    "trapezius": "Trapezius",
    "rhomboids": "Rhomboids",
}

#: The load every muscle map gives its darkest colour, in hard-set equivalents (the unit of all
#: per-muscle loads, docs/science.md 2.2): 10, the weekly hard sets per muscle of the highest
#: volume group (≥ 10 sets a week, the largest gains) in Schoenfeld, Ogborn & Krieger 2017
#: (*J Sports Sci* 35:1073). Larger loads keep the darkest colour; the tooltip gives the number.
HEAT_TOP = 10.0
#: How the maps name that unit.
HEAT_UNIT = "hard-set eq."
#: Sequential colour scale (share of :data:`HEAT_TOP` → colour), light to dark, after
#: ColorBrewer's YlOrRd; untouched muscles stay neutral grey.
HEAT_STOPS: tuple[tuple[float, tuple[int, int, int]], ...] = (
    (0.0, (255, 240, 196)),
    (0.25, (254, 204, 92)),
    (0.5, (253, 141, 60)),
    (0.75, (227, 74, 51)),
    (1.0, (163, 20, 38)),
)
#: Fill of a muscle with no load.
UNLOADED = "#e4e7eb"
#: Fill of the body outline (head, hands, joints).
SKIN = "#f3f4f6"
SKIN_STROKE = "#c9ced6"

Shape = tuple[Literal["ellipse"], float, float, float, float] | tuple[Literal["poly"], str]


def _ellipse(cx: float, cy: float, rx: float, ry: float) -> list[Shape]:
    """An ellipse on the left side and its mirror on the right."""
    return [("ellipse", cx, cy, rx, ry), ("ellipse", 200 - cx, cy, rx, ry)]


def _poly(points: list[tuple[float, float]], mirror: bool = True) -> list[Shape]:
    shapes: list[Shape] = [("poly", " ".join(f"{x:g},{y:g}" for x, y in points))]
    if mirror:
        shapes.append(("poly", " ".join(f"{200 - x:g},{y:g}" for x, y in points)))
    return shapes


#: Muscle groups seen from the front.
FRONT: dict[str, list[Shape]] = {
    "trapezius": _poly([(86, 54), (100, 56), (100, 62), (72, 66)]),
    "deltoids": _ellipse(63, 76, 13, 15),
    "pectorals": _poly([(98, 70), (98, 104), (82, 108), (70, 96), (74, 76)]),
    "biceps": _ellipse(55, 118, 8, 24),
    "abdominals": _poly([(88, 110), (112, 110), (112, 180), (100, 188), (88, 180)], False),
    "obliques": _poly([(74, 110), (85, 112), (85, 178), (76, 182), (70, 146)]),
    "hip_flexors": _poly([(78, 188), (95, 198), (94, 214), (80, 208)]),
    "quads": _ellipse(81, 258, 13, 42),
    "hip_adductors": _poly([(96, 220), (99, 222), (96, 276), (90, 268)]),
    "hip_abductors": _ellipse(65, 232, 5, 24),
}

#: Muscle groups seen from the back.
BACK: dict[str, list[Shape]] = {
    "trapezius": _poly(
        [(92, 50), (108, 50), (134, 66), (108, 80), (100, 126), (92, 80), (66, 66)], False
    ),
    "rhomboids": _poly([(80, 80), (93, 84), (97, 110), (84, 104)]),
    "deltoids": _ellipse(63, 76, 13, 15),
    "triceps": _ellipse(55, 118, 8, 24),
    "hip_abductors": _ellipse(72, 194, 8, 11),
    "glutes": _ellipse(87, 212, 15, 18),
    "hamstrings": _ellipse(83, 266, 12, 36),
    "gastrocnemius": _ellipse(81, 334, 11, 22),
    "soleus": _ellipse(81, 370, 7, 15),
}

#: The body outline both views share: head, neck, torso, arms, legs.
OUTLINE: list[Shape] = [
    ("ellipse", 100, 28, 17, 20),
    ("poly", "92,44 108,44 110,58 90,58"),
    ("poly", "66,60 134,60 140,96 128,186 132,200 68,200 72,186 60,96"),
    *_poly([(52, 66), (66, 64), (68, 150), (58, 200), (44, 198), (44, 120)]),
    *_ellipse(48, 214, 6, 12),
    *_poly([(68, 196), (99, 200), (98, 300), (92, 392), (72, 392), (66, 300)]),
    *_ellipse(82, 402, 11, 6),
]


def heat_colour(value: float, vmax: float) -> str:
    """The fill for ``value`` on a scale whose darkest colour is ``vmax`` (≤ 0: nothing)."""
    if vmax <= 0 or value <= 0:
        return UNLOADED
    t = min(value / vmax, 1.0)
    for (t0, c0), (t1, c1) in pairwise(HEAT_STOPS):
        if t <= t1:
            f = (t - t0) / (t1 - t0)
            r, g, b = (round(a + (z - a) * f) for a, z in zip(c0, c1, strict=True))
            return f"#{r:02x}{g:02x}{b:02x}"
    r, g, b = HEAT_STOPS[-1][1]
    return f"#{r:02x}{g:02x}{b:02x}"


def _shape(s: Shape, fill: str, stroke: str) -> str:
    if s[0] == "ellipse":
        _, cx, cy, rx, ry = s
        return (
            f'<ellipse cx="{cx:g}" cy="{cy:g}" rx="{rx:g}" ry="{ry:g}" fill="{fill}" '
            f'stroke="{stroke}"/>'
        )
    return f'<polygon points="{s[1]}" fill="{fill}" stroke="{stroke}" stroke-linejoin="round"/>'


def _figure(
    view: Literal["front", "back"],
    groups: dict[str, list[Shape]],
    muscles: Mapping[str, float],
    vmax: float,
    unit: str,
    dx: float,
) -> str:
    out = [f'<g class="figure" data-view="{view}" transform="translate({dx:g},0)">']
    out += [_shape(s, SKIN, SKIN_STROKE) for s in OUTLINE]
    for key, shapes in groups.items():
        value = float(muscles.get(key, 0.0) or 0.0)
        label = MUSCLE_LABELS.get(key, key)
        tip = f"{label}: {value:.1f} {unit}".rstrip()
        out.append(
            f'<g class="muscle" data-muscle="{esc(key)}" data-value="{value:g}" '
            f'data-tip="{esc(tip)}" tabindex="0"><title>{esc(tip)}</title>'
            + "".join(_shape(s, heat_colour(value, vmax), "#ffffff") for s in shapes)
            + "</g>"
        )
    out.append(
        f'<text x="100" y="426" text-anchor="middle" font-size="12" fill="#5b6570">{view}</text>'
    )
    out.append("</g>")
    return "".join(out)


def body_map(
    muscles: Mapping[str, float],
    *,
    title: str = "Load per muscle group",
    unit: str = HEAT_UNIT,
    vmax: float = HEAT_TOP,
) -> str:
    """Front and back figures side by side, each of the sixteen groups coloured by its load.

    ``vmax`` is the load of the darkest colour: :data:`HEAT_TOP` unless a test or a special
    page needs another. Keys beyond the sixteen are ignored; missing keys read 0.
    """
    return (
        f'<svg class="bodymap" viewBox="0 0 420 432" role="img" aria-label="{esc(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{esc(title)}</title>'
        + _figure("front", FRONT, muscles, vmax, unit, 0)
        + _figure("back", BACK, muscles, vmax, unit, 220)
        + "</svg>"
    )


def heat_legend(
    largest: float | None = None,
    unit: str = HEAT_UNIT,
    width: int = 240,
    vmax: float = HEAT_TOP,
) -> str:
    """The maps' fixed scale, 0 to ``vmax`` (:data:`HEAT_TOP`) in ``unit``, as a gradient bar
    matching :func:`heat_colour`, with ticks; ``largest`` (the map's largest load) is marked
    on it ("here: 3.2"), at the end for a load beyond the scale. A line under it says so."""
    stops = "".join(
        f'<stop offset="{t:g}" stop-color="#{c[0]:02x}{c[1]:02x}{c[2]:02x}"/>'
        for t, c in HEAT_STOPS
    )
    x0, x1 = 22.0, width - 14.0
    ticks = "".join(
        f'<text x="{x0 + t * (x1 - x0):.1f}" y="28" text-anchor="middle" font-size="11" '
        f'fill="#5b6570">{vmax * t:g}{"+" if t == 1 else ""}</text>'
        for t in (0.0, 0.25, 0.5, 0.75, 1.0)
    )
    mark = ""
    if largest is not None and largest > 0:
        at = x0 + min(largest / vmax, 1.0) * (x1 - x0)
        mark = (
            f'<path class="here" d="M{at:.1f},16 l-4,-6 h8 z" fill="#1f2933"/>'
            f'<text class="here" x="{min(max(at, x0 + 24), x1 - 24):.1f}" y="8" '
            f'text-anchor="middle" font-size="10" fill="#5b6570">here: {largest:.1f}</text>'
        )
    return (
        f'<svg class="legend-heat" viewBox="0 0 {width} 48" xmlns="http://www.w3.org/2000/svg" '
        f'role="img" aria-label="colour scale: 0 to {vmax:g} {esc(unit)} or more" '
        f'data-top="{vmax:g}">'
        f'<defs><linearGradient id="heat">{stops}</linearGradient></defs>'
        f'<rect x="0" y="12" width="14" height="12" rx="2" fill="{UNLOADED}"/>'
        f'<rect x="{x0:g}" y="12" width="{x1 - x0:g}" height="12" rx="2" fill="url(#heat)"/>'
        f"{mark}{ticks}"
        f'<text x="{width / 2:g}" y="44" text-anchor="middle" font-size="11" fill="#5b6570">'
        f"{esc(unit)} per muscle</text></svg>"
        f'<p class="hint">One scale on every page: the darkest colour is {vmax:g} {esc(unit)} '
        "or more.</p>"
    )
