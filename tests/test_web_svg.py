"""The dashboard's SVG drawings as pure functions: body map, charts, colour scale."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from legday.model import MUSCLES
from legday.web.bodymap import HEAT_TOP, UNLOADED, body_map, heat_colour, heat_legend
from legday.web.svg import Band, Bar, Series, bar_chart, line_chart, nice_ticks
from legday.web.views import binned, pace, week_view

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # well-formed XML, or this raises


def muscle_fills(svg: str) -> dict[str, str]:
    root = parse(svg)
    out: dict[str, str] = {}
    for g in root.iter(f"{NS}g"):
        key = g.get("data-muscle")
        if key:
            shape = next(iter(c for c in g if c.tag != f"{NS}title"))
            out[key] = shape.get("fill", "")
    return out


def luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_body_map_has_all_sixteen_muscles_with_tooltips() -> None:
    svg = body_map(dict.fromkeys(MUSCLES, 1.0), unit="sets")
    root = parse(svg)
    groups = [g for g in root.iter(f"{NS}g") if g.get("data-muscle")]
    assert {g.get("data-muscle") for g in groups} == set(MUSCLES)
    for g in groups:
        title = g.find(f"{NS}title")
        assert title is not None and title.text and title.text.endswith("1.0 sets")
    views = {g.get("data-view") for g in root.iter(f"{NS}g") if g.get("data-view")}
    assert views == {"front", "back"}


def test_body_map_colours_scale_with_load() -> None:
    loads = {k: float(i) for i, k in enumerate(MUSCLES)}  # abdominals 0 … rhomboids 15
    fills = muscle_fills(body_map(loads))
    assert fills["abdominals"] == UNLOADED
    order = sorted((k for k in MUSCLES if loads[k] > 0), key=lambda k: loads[k])
    lum = [luminance(fills[k]) for k in order]
    assert lum == sorted(lum, reverse=True)  # more load, darker
    assert lum[0] > lum[-1]


def test_body_map_empty_and_extra_keys() -> None:
    fills = muscle_fills(body_map({}))
    assert set(fills) == set(MUSCLES) and set(fills.values()) == {UNLOADED}
    fills = muscle_fills(body_map({"glutes": 2.0, "lats": 50.0, "erector_spinae": 9.0}))
    assert "lats" not in fills and fills["glutes"] == heat_colour(2.0, HEAT_TOP)


def test_heat_colour_ends() -> None:
    assert heat_colour(0.0, 10.0) == UNLOADED
    assert heat_colour(5.0, 0.0) == UNLOADED
    assert heat_colour(10.0, 10.0) == heat_colour(99.0, 10.0) == "#a31426"
    assert re.fullmatch(r"#[0-9a-f]{6}", heat_colour(3.3, 10.0))
    legend = heat_legend(12.5, "sets")
    parse(legend[: legend.index("</svg>") + len("</svg>")])


def test_line_chart_draws_series_bands_and_gaps() -> None:
    svg = line_chart(
        [0, 1, 2, 3, 4],
        [
            Series("a", [1.0, None, 3.0, float("nan"), 5.0], "#000"),
            Series("b", [0.0, 2.0, 0.0, 2.0, 0.0], "#111", style="bars"),
            Series("c", [10.0, 20.0, 30.0, 40.0, 50.0], "#222", axis="right", style="dots"),
        ],
        bands=[Band(1, 2, "#eee", "work <1>")],
        x_ticks=[(0, "start"), (4, "end")],
        title="t & u",
    )
    root = parse(svg)
    series = {g.get("data-series"): g for g in root.iter(f"{NS}g") if g.get("data-series")}
    assert set(series) == {"a", "b", "c"}
    path = series["a"].find(f"{NS}path")
    assert path is not None and path.get("d", "").count("M") == 3  # two gaps: three pieces
    assert len(series["b"].findall(f"{NS}rect")) == 2  # zero bars are not drawn
    assert len(series["c"].findall(f"{NS}circle")) == 5
    assert "work &lt;1&gt;" in svg and "t &amp; u" in svg


@pytest.mark.parametrize(
    "x, values",
    [([], []), ([0.0, 1.0], [None, None]), ([0.0], [float("nan")])],
)
def test_line_chart_without_data(x: list[float], values: list[float | None]) -> None:
    svg = line_chart(x, [Series("s", values, "#000")])
    assert "no data" in svg
    parse(svg)


def test_line_chart_single_point_is_centred() -> None:
    root = parse(line_chart([5.0], [Series("s", [3.0], "#000", markers=True)], width=200))
    circle = next(root.iter(f"{NS}circle"))
    assert float(circle.get("cx", "0")) == pytest.approx((44 + 200 - 44) / 2)


def test_bar_chart() -> None:
    svg = bar_chart([Bar("Z1", 60, "#aaa"), Bar("Z2", 120, "#bbb", "66 %")], title="zones")
    root = parse(svg)
    bars = [g for g in root.iter(f"{NS}g") if g.get("data-label")]
    widths = [float(g.find(f"{NS}rect").get("width", "0")) for g in bars]  # type: ignore[union-attr]
    assert widths[1] == pytest.approx(2 * widths[0])
    assert "no data" in bar_chart([], title="zones")
    assert "no data" in bar_chart([Bar("Z1", 0, "#aaa")])


def test_nice_ticks() -> None:
    assert nice_ticks(0, 10) == [0, 2.5, 5, 7.5, 10]
    ticks = nice_ticks(3.2, 97.0)
    assert ticks[0] <= 3.2 and ticks[-1] >= 97.0
    assert nice_ticks(5, 5) == [5]


def test_display_helpers() -> None:
    assert pace(1000 / 300) == "5:00 /km"
    assert pace(0.0) == "–" and pace(None) == "–"
    assert pace(1609.344 / 480, "imperial") == "8:00 /mi"
    import numpy as np

    out = binned(np.arange(1000, dtype=np.float64), 10)
    assert out.size == 10 and out[0] == pytest.approx(49.5)
    assert np.isnan(binned(np.full(2000, np.nan), 4)).all()


def test_week_view_of_an_empty_week() -> None:
    from datetime import date

    from legday.settings import Settings
    from legday.week.check import check_week_of

    data = check_week_of(date(2026, 11, 18), [], Settings()).to_dict()
    view = week_view(data)
    assert [d["sessions"] for d in view["days"]] == [[]] * 7
    assert set(muscle_fills(view["body_svg"]).values()) == {UNLOADED}
    parse(view["load_svg"])


def test_pace_axis_ticks_on_minutes() -> None:
    svg = line_chart(
        [0, 1, 2],
        [Series("pace", [190.0, 400.0, 800.0], "#000")],
        invert_left=True,
        zero_based=False,
        left_tick_unit=60.0,
        left_format=lambda v: f"{int(v) // 60}:{int(v) % 60:02d}",
    )
    labels = re.findall(r'text-anchor="end"[^>]*>([^<]+)<', svg)
    assert labels and all(label.endswith((":00", ":30")) for label in labels), labels


def test_body_maps_share_one_scale() -> None:
    """A load has one colour whatever else the map holds: a quiet week's 3 sets and a big
    session's 3 sets look alike, and the legend runs over the same fixed scale."""
    quiet = muscle_fills(body_map({"quads": 3.0}))
    busy = muscle_fills(body_map({"quads": 3.0, "glutes": 9.0, "hamstrings": 25.0}))
    assert quiet["quads"] == busy["quads"] == heat_colour(3.0, HEAT_TOP)
    assert busy["hamstrings"] == heat_colour(HEAT_TOP, HEAT_TOP)  # beyond the scale: darkest
    legend = heat_legend(25.0)
    root = parse(legend[: legend.index("</svg>") + len("</svg>")])
    assert root.get("data-top") == f"{HEAT_TOP:g}"
    assert "here: 25.0" in heat_legend(25.0) and "here" not in heat_legend(0.0)
    assert f"{HEAT_TOP:g}+" in heat_legend()


def test_muscles_carry_their_tooltip() -> None:
    root = parse(body_map({"glutes": 2.25}))
    glutes = next(g for g in root.iter(f"{NS}g") if g.get("data-muscle") == "glutes")
    assert glutes.get("data-tip") == "Glutes: 2.2 hard-set eq."


def _tips(svg: str) -> dict[str, object]:
    import json

    data = parse(svg).get("data-tips")
    assert data is not None
    return dict(json.loads(data))


def test_line_chart_tooltips_word_each_value() -> None:
    """The tooltip data: one x position per value, the x wording, and each series' values in
    its own format, the true value even where ``left_limits`` pinned the line to the edge."""
    svg = line_chart(
        [0, 1, 2],
        [
            Series("pace /km", [300.0, None, 900.0], "#000"),
            Series(
                "hr",
                [150.0, 151.0, 152.0],
                "#111",
                axis="right",
                tip_format=lambda v: f"{v:.0f} bpm",
            ),
        ],
        left_format=lambda v: f"{int(v) // 60}:{int(v) % 60:02d}",
        left_limits=(200.0, 600.0),
        x_format=lambda x: f"minute {x:g}",
        bands=[Band(0, 1, "#eee", "work 1")],
    )
    tips = _tips(svg)
    xs = tips["x"]
    assert isinstance(xs, list) and len(xs) == 3 and xs == sorted(xs)
    assert tips["label"] == ["minute 0", "minute 1", "minute 2"]
    series = {s["name"]: s for s in tips["series"]}  # type: ignore[attr-defined]
    assert series["pace /km"]["text"] == ["5:00", None, "15:00"]  # 15:00, not the edge's 10:00
    assert series["pace /km"]["y"][1] is None
    assert series["hr"]["text"] == ["150 bpm", "151 bpm", "152 bpm"]
    assert tips["bands"] == [[xs[0], xs[1], "work 1"]]
    assert parse(svg).get("tabindex") == "0"


def test_least_axis_span() -> None:
    """A 0.4 kg change on a 100 kg e1RM spans a sliver of a 10 kg axis, not its height."""
    values = [100.0, 100.2, 100.4]
    flat = line_chart([0, 1, 2], [Series("e1RM", values, "#000")], zero_based=False)
    wide = line_chart(
        [0, 1, 2], [Series("e1RM", values, "#000")], zero_based=False, left_min_span=10.0
    )

    def span(svg: str) -> float:
        labels = [float(t) for t in re.findall(r'text-anchor="end"[^>]*>([^<]+)<', svg)]
        return max(labels) - min(labels)

    assert span(flat) < 1.0
    assert span(wide) >= 10.0
    ys = [y for s in _tips(wide)["series"] for y in s["y"]]  # type: ignore[attr-defined]
    assert max(ys) - min(ys) < 0.1 * 196  # under a tenth of the plot's height


@pytest.mark.parametrize("units, unit, least", [("metric", "kg", 10.0), ("imperial", "lb", 22.0)])
def test_e1rm_axis_keeps_a_small_change_small(units: str, unit: str, least: float) -> None:
    """A squat going 100 → 100.4 kg draws on an axis of at least ±5 % (10 kg, 22 lb), its
    ticks and tooltips in the athlete's units; the tooltip dates each point."""
    import json

    from legday.web.strength_views import strength_view

    points = [
        {"date": "2026-11-02", "e1rm_kg": 100.0},
        {"date": "2026-11-09", "e1rm_kg": 100.4},
    ]
    trends = {
        "e1rm": [{"name": "Back Squat", "key": "squat", "points": points}],
        "weekly_hard_sets": [],
    }
    svg = strength_view({"exercises": []}, trends, units)["multiples"][0]["svg"]
    labels = [float(t) for t in re.findall(r'text-anchor="end"[^>]*>([^<]+)<', svg)]
    assert max(labels) - min(labels) >= least, labels
    assert f"e1RM, {unit}" in svg
    tips = json.loads(parse(svg).get("data-tips") or "{}")
    assert tips["label"] == ["02 Nov 2026", "09 Nov 2026"]
    text = tips["series"][0]["text"]
    assert text == (["100.0 kg", "100.4 kg"] if units == "metric" else ["220.5 lb", "221.3 lb"])
