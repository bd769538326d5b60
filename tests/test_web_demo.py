"""Issue 17 item 1: the dashboard opens on the runner's data.

``legday demo`` prints the address of its last week; its outdoor runs carry a route and
altitude (hills with real ascent), and its race is judged a race. ``/`` shows the newest week
that holds sessions, with a link to today's week when that is another week.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from legday.cli import app as cli_app
from legday.home import Home
from legday.store.library import Library
from legday.web import create_app
from test_web_api import build_empty
from test_web_support import LOOPBACK


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("web-demo-home")
    result = CliRunner().invoke(
        cli_app,
        ["demo", "--weeks", "3", "--seed", "0", "--teammates", "0"],
        env={"LEGDAY_HOME": str(root)},
        terminal_width=200,
    )
    assert result.exit_code == 0, result.output
    return root / "demo" / "seed-0", result.output


def _library(folder: Path, now: datetime) -> Library:
    return Library.open(Home(folder), clock=lambda: now)


def test_the_demo_prints_the_address_of_its_last_week(demo_home: tuple[Path, str]) -> None:
    folder, output = demo_home
    url = re.search(r"open (http://127\.0\.0\.1:8765/\?date=(\d{4}-\d\d-\d\d))", output)
    assert url is not None, output
    last = date.fromisoformat(url[2])
    # the dashboard at that address shows the demo's last week, with its sessions
    lib_now = datetime(last.year, last.month, last.day, 21, tzinfo=UTC) + timedelta(days=40)
    with TestClient(create_app(lambda: _library(folder, lib_now)), base_url=LOOPBACK) as c:
        split = urlsplit(url[1])
        html = c.get(f"{split.path}?{split.query}").text
        assert html.count('class="session"') >= 3


def test_the_demo_runners_outdoor_runs_have_a_route_and_real_hills(
    demo_home: tuple[Path, str],
) -> None:
    folder, _ = demo_home
    lib = _library(folder, datetime.now(UTC))
    try:
        last = lib.latest_session_day()
        assert last is not None
        facts = [f for f in lib.session_facts(last - timedelta(days=20), last) if f.type == "run"]
        kinds = {}
        for f in facts:
            assert isinstance(f.id, int)
            activity = lib.activity(f.id)
            streams = lib.activity_streams(f.id)
            if activity["name"] and "entered by hand" in activity["name"]:
                continue  # the Strava export's manual entry has no recording
            kinds[f.id] = activity["kind"]
            lat, alt = streams["latitude_deg"], streams["altitude_m"]
            assert np.isfinite(lat).mean() > 0.9, activity["name"]
            assert np.isfinite(alt).mean() > 0.9, activity["name"]
            # a route that goes somewhere: it spans more than a few hundred metres
            assert (np.nanmax(lat) - np.nanmin(lat)) * 111_320 > 200
            if activity["kind"] == "hill_repeats":
                assert activity["analysis"]["ascent_m"] > 30
        assert "race" in kinds.values(), kinds
        assert "hill_repeats" in kinds.values(), kinds
    finally:
        lib.close()


def test_the_week_page_opens_on_the_newest_week_with_sessions(
    demo_home: tuple[Path, str],
) -> None:
    folder, _ = demo_home
    lib = _library(folder, datetime.now(UTC))
    last = lib.latest_session_day()
    zone = ZoneInfo(lib.profile.time_zone)
    lib.close()
    assert last is not None
    later = datetime(last.year, last.month, last.day, 12, tzinfo=UTC) + timedelta(days=30)
    with TestClient(create_app(lambda: _library(folder, later)), base_url=LOOPBACK) as c:
        html = c.get("/").text
        monday = last - timedelta(days=last.weekday())
        assert f"from {monday.isoformat()}" in html
        assert html.count('class="session"') >= 3
        today = later.date().isoformat()
        assert re.search(rf'<a id="today-week" href="/\?date={today}">', html)
        assert "Your newest sessions are in this week" in html
        # today's week, asked for, is empty and has no link to itself
        html = c.get("/", params={"date": today}).text
        assert 'class="session"' not in html and 'id="today-week"' not in html
        # an older week links to today's, without claiming to be the newest
        html = c.get("/", params={"date": monday.isoformat()}).text
        assert 'id="today-week"' in html and "Your newest sessions" not in html
    on_the_day = datetime.combine(last, time(12), zone)  # noon where the runner lives
    with TestClient(create_app(lambda: _library(folder, on_the_day)), base_url=LOOPBACK) as c:
        assert 'id="today-week"' not in c.get("/").text  # the newest week is today's


def test_an_empty_library_still_gets_the_welcome(tmp_path: Path) -> None:
    assert build_empty(tmp_path)().latest_session_day() is None
    with TestClient(create_app(build_empty(tmp_path)), base_url=LOOPBACK) as c:
        assert "Welcome to legday" in c.get("/").text
