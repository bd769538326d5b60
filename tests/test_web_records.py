"""Issue 17 item 4 on the dashboard: the records page and /api/records show what
``legday records`` finds, in the athlete's units, reached from every page's navigation."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from legday import serialise
from legday.home import Home
from legday.store.library import Library
from legday.store.records import EFFORT_LABELS, records
from legday.web import create_app
from test_web_support import LOOPBACK, XSS_NAME, Demo, build_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    return build_demo(tmp_path_factory.mktemp("web-records-demo"))


@pytest.fixture(scope="module")
def client(demo: Demo) -> Iterator[TestClient]:
    with TestClient(create_app(demo.factory), base_url=LOOPBACK) as c:
        yield c


def test_the_api_gives_what_the_library_finds(client: TestClient, demo: Demo) -> None:
    lib = demo.factory()
    try:
        expected = json.loads(serialise.dumps(serialise.records(records(lib).to_dict())))
    finally:
        lib.close()
    got = client.get("/api/records")
    assert got.status_code == 200
    assert got.json() == expected
    assert got.json()["personal_records"] and got.json()["totals"]["week"]


def test_the_page_lists_records_and_totals(client: TestClient, demo: Demo) -> None:
    data = client.get("/api/records").json()
    html = client.get("/records").text
    assert '<a href="/records" aria-current="page">Records</a>' in html
    table = html.split('id="personal-records"')[1].split("</table>")[0]
    rows = re.findall(r"<tr><td>([^<]+)</td>", table)
    assert rows == [EFFORT_LABELS[r["distance"]] for r in data["personal_records"]]
    for r in data["personal_records"]:
        assert f'href="/activity/{r["activity_id"]}"' in table
        assert r["date"] in table
    for period in ("week", "month", "year"):
        assert f'id="totals-{period}"' in html
    assert "km" in html and " m</td>" in html
    assert XSS_NAME not in html
    # every other page links to it
    assert '<a href="/records" >Records</a>' in client.get("/activities").text


def test_the_page_follows_the_units(demo: Demo) -> None:
    imperial = demo.factory_with(units="imperial")
    with TestClient(create_app(imperial), base_url=LOOPBACK) as c:
        html = c.get("/records").text
    totals = html.split('id="totals-month"')[1].split("</table>")[0]
    assert " mi</td>" in totals and " ft</td>" in totals
    assert " km</td>" not in totals
    assert "/mi" in html.split('id="personal-records"')[1].split("</table>")[0]
    assert " lb</td>" in html.split('id="lift-records"')[1].split("</table>")[0]


def test_the_load_chart_names_its_axes_and_its_band(client: TestClient, demo: Demo) -> None:
    html = client.get(f"/?date={demo.last_day.isoformat()}").text
    chart = html.split('aria-label="Training load over the last four weeks"')[1].split("</svg>")[0]
    assert ">TRIMP</text>" in chart and ">hard-set eq.</text>" in chart
    band = re.search(r'<rect class="band"[^>]*fill="([^"]+)"><title>this week</title>', chart)
    assert band is not None
    legend = html.split('aria-label="Training load over the last four weeks"')[1]
    legend = legend.split('<ul class="legend">')[1].split("</ul>")[0]
    assert f'<i style="background: {band.group(1)}"></i>this week (shaded)' in legend


def test_unknown_ids_and_bad_values_get_the_styled_error_page(client: TestClient) -> None:
    for path, status, words in (
        ("/activity/999999", 404, "no activity with id 999999"),
        ("/activity/abc", 422, "activity_id 'abc'"),
        ("/year?year=abc", 422, "year 'abc'"),
        ("/year?year=3000", 422, "year"),
        ("/strength/session/x", 422, "session_id 'x'"),
        ("/no-such-page", 404, "No such page."),
    ):
        got = client.get(path)
        assert got.status_code == status, path
        assert got.headers["content-type"].startswith("text/html"), path
        assert "<nav>" in got.text and words in html.unescape(got.text), path
    # the API keeps its JSON
    assert client.get("/api/activity/abc").headers["content-type"] == "application/json"
    assert client.get("/api/nothing").json() == {"detail": "Not Found"}


def test_a_profile_change_shows_on_the_next_page(tmp_path: Path, demo: Demo) -> None:
    home = Home(tmp_path)
    home.save_profile(demo.profile)

    def factory() -> Library:
        lib = demo.factory()
        lib.profile, lib.settings = home.profile(), home.settings()
        return lib

    with TestClient(create_app(factory, home=tmp_path), base_url=LOOPBACK) as c:
        before = c.get("/records").text.split('id="totals-month"')[1]
        assert " km</td>" in before
        home.save_profile(replace(home.profile(), units="imperial"))
        after = c.get("/records").text.split('id="totals-month"')[1]
        assert " mi</td>" in after and " km</td>" not in after
