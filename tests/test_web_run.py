"""Issue 17 item 3: a run's page leads with what runners look for — average pace (speed for
other sports), moving time, elevation gain in the profile's units, splits per km or mile and
the laps, the route drawn from the track (coloured by pace or heart rate, the work outlined),
a pace axis that walking recoveries cannot squash, and a unit on every axis."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

import numpy as np
import pytest
from fastapi.testclient import TestClient

from legday.web import create_app
from legday.web.run_views import (
    ROUTE_COLOURS,
    headline_view,
    pace_axis_limits,
    route_svg,
    splits_view,
)
from legday.web.units import METRES_PER_MILE
from test_web_support import LOOPBACK, Demo, build_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    return build_demo(tmp_path_factory.mktemp("web-run-demo"))


@pytest.fixture(scope="module")
def client(demo: Demo) -> Iterator[TestClient]:
    with TestClient(create_app(demo.factory), base_url=LOOPBACK) as c:
        yield c


def steady(metres: float, speed: float = 1000 / 300) -> dict[str, np.ndarray]:
    """A run at one speed (5:00 /km by default), one sample a second, up a steady 1 % hill."""
    n = int(metres / speed) + 1
    t = np.arange(n, dtype=np.float64)
    d = np.minimum(t * speed, metres)
    return {
        "elapsed_s": t,
        "distance_m": d,
        "speed_mps": np.full(n, speed),
        "heart_rate_bpm": np.full(n, 150.0),
        "altitude_m": 100.0 + 0.01 * d,
    }


def test_splits_per_km_and_the_rest() -> None:
    rows = splits_view(steady(3500.0), "metric")
    assert [r["n"] for r in rows] == [1, 2, 3, 4]
    assert [r["pace"] for r in rows[:3]] == ["5:00 /km"] * 3
    assert rows[3]["distance"] == "0.50 km" and rows[3]["pace"] == "5:00 /km"
    assert rows[0]["hr"] == "150" and rows[0]["gain"] == "10 m" and rows[0]["loss"] == "0 m"


def test_splits_per_mile_for_an_imperial_profile() -> None:
    rows = splits_view(steady(2 * METRES_PER_MILE + 10.0), "imperial")
    assert len(rows) == 2  # 10 m over two miles is not a split of its own
    assert all(r["pace"] == "8:03 /mi" for r in rows)
    assert rows[0]["gain"] == "53 ft"  # 16.1 m of a 1 % mile, in feet


def test_splits_of_a_ride_give_its_speed() -> None:
    rows = splits_view(steady(2000.0, speed=25 / 3.6), "metric", is_run=False)
    assert [r["pace"] for r in rows] == ["25.0 km/h", "25.0 km/h"]


def test_a_split_mostly_at_work_is_marked() -> None:
    segments = [{"start_s": 0.0, "end_s": 250.0, "role": "work"}]
    rows = splits_view(steady(2000.0), "metric", segments)
    assert [r["work"] for r in rows] == [True, False]


def test_walking_recoveries_sit_at_the_pace_axis_edge() -> None:
    reps, walks = np.full(600, 4.5), np.full(600, 1.2)  # 3:42 /km reps, walking recoveries
    slow, fast = pace_axis_limits(np.concatenate([reps, walks, reps]))  # type: ignore[misc]
    assert slow >= 2.2  # the axis ends near 7:30 /km, not at a walk's 14:00
    assert fast == pytest.approx(4.5)
    easy = np.random.default_rng(1).normal(2.8, 0.1, 3000)
    lo, hi = pace_axis_limits(easy)  # type: ignore[misc]
    assert lo < 2.6 and hi > 3.0  # a steady run keeps its whole range
    assert pace_axis_limits(np.full(10, np.nan)) is None


def test_headline_pace_for_runs_and_speed_for_rides() -> None:
    analysis = {"moving_s": 3000.0, "duration_s": 3300.0, "distance_m": 10000.0}
    run = dict((k, v) for k, v, _ in headline_view(analysis, "metric", True))
    assert run == {"pace": "5:00 /km", "moving": "50:00"}
    ride = dict((k, v) for k, v, _ in headline_view(analysis, "imperial", False))
    assert ride["speed"] == "7.5 mph" and "pace" not in ride


def test_the_route_is_drawn_from_the_track() -> None:
    n = 600
    angle = np.linspace(0, 2 * math.pi, n)
    streams = {
        "elapsed_s": np.arange(n, dtype=np.float64),
        "latitude_deg": 48.0 + 0.01 * np.sin(angle),
        "longitude_deg": 11.0 + 0.015 * np.cos(angle),
        "speed_mps": np.where(np.arange(n) % 200 < 60, 4.5, 2.8),
        "heart_rate_bpm": np.linspace(120, 170, n),
    }
    segments = [{"start_s": 0.0, "end_s": 59.0, "role": "work"}]
    svg = route_svg(streams, segments, "pace")
    assert svg is not None and svg.startswith('<svg class="route"')
    assert svg.count('class="work"') == 1
    assert 'class="start"' in svg and 'class="finish"' in svg
    colours = set(re.findall(r'class="leg" points="[^"]+" fill="none" stroke="(#[0-9a-f]+)"', svg))
    assert {ROUTE_COLOURS[0], ROUTE_COLOURS[-1]} <= colours  # slow and fast both shown
    by_hr = route_svg(streams, segments, "hr")
    assert by_hr is not None and 'data-colour-by="hr"' in by_hr
    assert len(set(re.findall(r'stroke="(#[0-9a-f]{6})"', by_hr))) >= 5
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert route_svg({"elapsed_s": np.arange(3.0)}, []) is None  # a treadmill: no route


def test_the_run_page(client: TestClient, demo: Demo) -> None:
    data = client.get(f"/api/activity/{demo.run_id}").json()
    html = client.get(f"/activity/{demo.run_id}").text
    assert re.search(r'data-stat="pace"><b>\d+:\d\d /km</b><span>average pace', html)
    assert 'data-stat="moving"' in html
    assert re.search(r'data-stat="ascent"><b>\d+ m</b><span>elevation gain', html)
    km = data["analysis"]["distance_m"] / 1000
    rows = re.findall(r"<tr(?: class=\"work\")?><td>\d+</td>", html.split('id="splits"')[1])
    split_rows = len(re.findall(r"<tr", html.split('id="splits"')[1].split("</table>")[0])) - 1
    assert split_rows in (math.floor(km), math.ceil(km)) and rows
    assert '<svg class="route"' in html and 'class="leg"' in html
    # every chart names its axes' units
    for label in ("pace, min/km", ">bpm<", ">min<", ">m<"):
        assert label in html, label
    by_hr = client.get(f"/activity/{demo.run_id}", params={"route": "hr"}).text
    assert 'data-colour-by="hr"' in by_hr and "colour by pace" in by_hr
    assert client.get(f"/activity/{demo.run_id}", params={"route": "x"}).status_code == 422


def test_the_run_page_in_imperial_units(demo: Demo) -> None:
    with TestClient(create_app(demo.factory_with(units="imperial")), base_url=LOOPBACK) as c:
        html = c.get(f"/activity/{demo.run_id}").text
    assert re.search(r'data-stat="pace"><b>\d+:\d\d /mi</b>', html)
    assert re.search(r'data-stat="ascent"><b>\d+ ft</b>', html)
    assert "<th>mi</th>" in html and "pace, min/mi" in html and ">ft<" in html
