"""The dashboard's SVG drawings as pure functions: body map, charts, colour scale."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from legday.model import MUSCLES
from legday.web.bodymap import UNLOADED, body_map, heat_colour, heat_legend
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
    assert "lats" not in fills and fills["glutes"] == heat_colour(2.0, 2.0)


def test_heat_colour_ends() -> None:
    assert heat_colour(0.0, 10.0) == UNLOADED
    assert heat_colour(5.0, 0.0) == UNLOADED
    assert heat_colour(10.0, 10.0) == heat_colour(99.0, 10.0) == "#a31426"
    assert re.fullmatch(r"#[0-9a-f]{6}", heat_colour(3.3, 10.0))
    parse(heat_legend(12.5, "sets"))


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
