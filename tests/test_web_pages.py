"""The dashboard's session pages, units and empty states through FastAPI's TestClient.

A strength session has its own page and JSON; a run shows each work block's repetitions; files
without heart rate, altitude or GPS render with a note saying what is missing; the profile's
``units`` reach every page; a brand-new user sees how to import or try the demo.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from legday import serialise
from legday.model import MUSCLES
from legday.strength import load_catalog
from legday.web import create_app
from legday.web.strength_views import strength_session_view
from legday.web.units import KG_TO_LB, elevation, load
from legday.web.views import session_link
from test_web_api import as_cli_json, build_empty
from test_web_support import LOOPBACK, Demo, build_demo

#: Real files with a channel missing (../shared/data/real).
TREADMILL = "sports-lib/src/specs/fixtures/runs/fit/6860622783.fit"  # no GPS, no altitude
NO_HR = "sports-lib/src/specs/fixtures/runs/fit/6914538454.fit"  # intervals, no heart rate


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    return build_demo(tmp_path_factory.mktemp("web-pages-demo"))


@pytest.fixture(scope="module")
def client(demo: Demo) -> Iterator[TestClient]:
    with TestClient(create_app(demo.factory), base_url=LOOPBACK) as c:
        yield c


@pytest.fixture(scope="module")
def imperial(demo: Demo) -> Iterator[TestClient]:
    with TestClient(create_app(demo.factory_with(units="imperial")), base_url=LOOPBACK) as c:
        yield c


def text_of(html: str) -> str:
    """The page's visible text, roughly: tags dropped, whitespace squeezed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# -- the strength session page ----------------------------------------------------------------
def test_week_links_strength_sessions_to_their_page(client: TestClient, demo: Demo) -> None:
    html = client.get("/", params={"date": demo.last_day.isoformat()}).text
    assert f'href="/strength/session/{demo.strength_id}"' in html
    assert f'data-id="s{demo.strength_id}"' in html
    assert session_link(f"s{demo.strength_id}") == f"/strength/session/{demo.strength_id}"
    assert session_link(7) == "/activity/7" and session_link("x") == "/strength"


def test_strength_session_page(client: TestClient, demo: Demo) -> None:
    lib = demo.factory()
    try:
        session = lib.strength_session(demo.strength_id)
    finally:
        lib.close()
    verdict = session["verdict"]["verdict"]
    assert verdict["counts_as_leg_day"] and session["id"] == f"s{demo.strength_id}"
    r = client.get(f"/strength/session/{demo.strength_id}")
    assert r.status_code == 200
    html, text = r.text, text_of(r.text)
    assert session["date"] in text and (session["name"] or "Strength session") in text
    catalog = load_catalog()
    for s in session["sets"]:
        assert catalog.get(s["exercise"]).name in text  # display names, not keys
    warmups = [s for s in session["sets"] if s["warmup"]]
    assert warmups, "the demo logs warm-up sets"
    assert html.count('class="badge warmup"') == len(warmups)
    assert html.count('<tr class="warmup') == len(warmups)
    first = next(s for s in session["sets"] if not s["warmup"] and s["load_kg"])
    assert f"{first['load_kg']:g} kg" in text
    assert "RPE" in text or "RIR" in text
    assert "leg day" in text and str(escape(verdict["headline"])) in html
    for reason in verdict["reasons"]:
        assert reason["rule"] in text
    assert html.count("data-muscle=") >= len(MUSCLES)


def test_strength_session_api_and_404(client: TestClient, demo: Demo) -> None:
    lib = demo.factory()
    try:
        expected = as_cli_json(serialise.strength_session(lib.strength_session(demo.strength_id)))
    finally:
        lib.close()
    assert client.get(f"/api/strength/session/{demo.strength_id}").json() == expected
    r = client.get("/api/strength/session/999999")
    assert r.status_code == 404 and "s999999" in r.json()["error"]
    page = client.get("/strength/session/999999")
    assert page.status_code == 404 and "Not found" in page.text
    assert client.get("/strength/session/s5").status_code == 422
    assert "/api/strength/session/{session_id}" in client.get("/docs").text


# -- repetitions ------------------------------------------------------------------------------
def test_activity_shows_each_blocks_repetitions(client: TestClient, demo: Demo) -> None:
    lib = demo.factory()
    try:
        blocks = lib.activity_reps(demo.run_id)
    finally:
        lib.close()
    assert blocks and all(len(b["reps_list"]) == b["reps"] for b in blocks)
    assert client.get(f"/api/activity/{demo.run_id}/reps").json() == as_cli_json(blocks)
    assert client.get("/api/activity/999999/reps").status_code == 404
    html = client.get(f"/activity/{demo.run_id}").text
    assert 'id="reps"' in html
    assert html.count('<table class="reps">') == len(blocks)
    body = html[html.index('id="reps"') :]
    rows = re.findall(r"<tr><td>(\d+)</td>", body)
    assert [int(n) for n in rows] == [r["n"] for b in blocks for r in b["reps_list"]]
    assert "recovery after" in body and "/km" in body
    reps = blocks[0]["reps_list"]
    assert all(a["end_s"] <= b["start_s"] for a, b in pairwise(reps))
    assert reps[-1]["recovery_s"] is None


# -- files without a channel --------------------------------------------------------------------
def test_files_missing_channels_render_with_notes(tmp_path: Path, real_dir: Path) -> None:
    factory = build_empty(tmp_path)
    lib = factory()
    try:
        summary = lib.import_paths([real_dir / TREADMILL, real_dir / NO_HR], workers=1)
        assert summary.ok, summary.to_dict()
        ids = {lib.activity(i)["start"]: i for i in (1, 2)}
        by_hr = {
            i: bool((lib.activity(i)["analysis"].get("hr") or {}).get("avg")) for i in ids.values()
        }
    finally:
        lib.close()
    treadmill = next(i for i, hr in by_hr.items() if hr)
    no_hr = next(i for i, hr in by_hr.items() if not hr)
    with TestClient(create_app(factory), base_url=LOOPBACK) as c:
        html = c.get(f"/activity/{treadmill}").text
        missing = set(re.findall(r'data-missing="(\w+)"', html))
        assert missing == {"gps", "altitude"}
        assert "treadmill" in text_of(html)
        assert 'data-series="pace /km"' in html  # the footpod's pace still charted
        assert 'data-series="grade-adjusted pace /km"' not in html  # flat: GAP is pace
        assert 'data-series="heart rate, bpm"' in html
        assert html.count(">no data</text>") == 1  # the elevation chart only

        html = c.get(f"/activity/{no_hr}").text
        assert set(re.findall(r'data-missing="(\w+)"', html)) == {"hr"}
        assert "No heart rate in this file" in text_of(html)
        assert 'data-series="elevation, m"' in html and 'data-series="pace /km"' in html
        assert html.count(">no data</text>") == 2  # heart-rate chart and zones
        assert "avg heart rate" not in html
        assert c.get("/").status_code == 200  # the week with both still renders


# -- units --------------------------------------------------------------------------------------
def test_imperial_everywhere(imperial: TestClient, client: TestClient, demo: Demo) -> None:
    week = imperial.get("/", params={"date": demo.last_day.isoformat()}).text
    cards = re.findall(r'<span class="dist">([^<]+)</span>', week)
    assert cards and all(c.endswith(" mi") for c in cards)
    metric = client.get("/", params={"date": demo.last_day.isoformat()}).text
    assert all(c.endswith(" km") for c in re.findall(r'<span class="dist">([^<]+)</span>', metric))

    run = imperial.get(f"/activity/{demo.run_id}").text
    lib = demo.factory()
    try:
        analysis = lib.activity(demo.run_id)["analysis"]
        session = lib.strength_session(demo.strength_id)
    finally:
        lib.close()
    text = text_of(run)
    assert f"{analysis['distance_m'] / 1609.344:.2f} mi" in text
    assert elevation(analysis["ascent_m"], "imperial") in text
    assert 'data-series="pace /mi"' in run and 'data-series="elevation, ft"' in run
    assert "/km" not in text and " km" not in text

    lift = text_of(imperial.get(f"/strength/session/{demo.strength_id}").text)
    heavy = next(s for s in session["sets"] if s["load_kg"])
    assert load(heavy["load_kg"], "imperial") in lift and " kg" not in lift
    assert f"{round(heavy['load_kg'] * KG_TO_LB, 1):g} lb" in lift

    strength = imperial.get("/strength").text
    assert 'data-series="e1RM, lb"' in strength and " kg" not in text_of(strength)
    plan = text_of(imperial.get("/plan").text)
    assert " lb" in plan and " kg" not in plan


def test_unit_helpers() -> None:
    assert load(100.0, "imperial") == "220.5 lb" and load(37.5) == "37.5 kg"
    assert load(None) == "–" and elevation(100.0, "imperial") == "328 ft"
    assert elevation(117.9) == "118 m" and elevation(float("nan")) == "–"


# -- the brand-new user -----------------------------------------------------------------------
def test_empty_database_welcomes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with TestClient(create_app(build_empty(tmp_path), home=home), base_url=LOOPBACK) as c:
        r = c.get("/")
        assert r.status_code == 200
        text = text_of(r.text)
        assert "Welcome to legday" in text and "Nothing is stored yet" in text
        assert "legday import" in text and 'href="/import"' in r.text
        assert "legday demo" in text
        assert f"LEGDAY_HOME={home}/demo/seed-0 legday serve" in text
        # an explicit week is still the (empty) week, and the API is unchanged
        week = c.get("/", params={"date": "2026-11-18"}).text
        assert "Week 2026-W47" in week and "Welcome" not in week
        assert c.get("/api/week").json()["sessions"] == []
    with TestClient(create_app(build_empty(tmp_path / "other")), base_url=LOOPBACK) as c:
        assert "LEGDAY_HOME=&lt;home&gt;/demo/seed-0 legday serve" in c.get("/").text


def test_strength_session_view_rows() -> None:
    def row(**kw: object) -> dict[str, object]:
        base = dict.fromkeys(("reps", "load_kg", "duration_s", "distance_m", "rir", "rpe"))
        flags = {"mapped": True, "per_hand": False, "set_type": "working", "warmup": False}
        return flags | base | kw

    sets = [
        row(exercise="front_plank", name="Forearm Plank", duration_s=45.0),
        row(exercise="front_plank", name="Forearm Plank", duration_s=50.0, rpe=8.0),
        row(
            exercise="curl",
            name="my curls",
            mapped=False,
            reps=8,
            load_kg=12.0,
            per_hand=True,
            rir=2.0,
            set_type="drop",
        ),
        row(exercise="front_plank", name="Forearm Plank"),
    ]
    view = strength_session_view({"sets": sets, "verdict": None}, "imperial")
    got = [(r["first"], r["n"], r["reps"], r["load"], r["effort"]) for r in view["rows"]]
    assert got == [
        (True, 1, "0:45 hold", "bodyweight", "–"),
        (False, 2, "0:50 hold", "bodyweight", "RPE 8"),
        (True, 1, "8", "26.5 lb each", "RIR 2"),
        (True, 3, "–", "–", "–"),
    ]
    assert view["verdict"] == {} and view["working_sets"] == 4 and view["exercises"] == 2
