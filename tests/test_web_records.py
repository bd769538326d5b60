"""Issue 17 item 4 on the dashboard: the records page and /api/records show what
``legday records`` finds, in the athlete's units, reached from every page's navigation."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

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
        expected = json.loads(json.dumps(records(lib).to_dict()))
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
