"""The activity page's "what kind of run was it?" control, and its JSON twin.

Its own demo library (the control changes the database, so the other web tests' shared demo is
left alone). The form posts like the import form and is refused from another site's page
(``Origin``); a label shows on the page as set by the runner, reaches the week, and clears.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from legday.web import create_app
from test_web_support import LOOPBACK, SAME_ORIGIN, Demo, build_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    return build_demo(tmp_path_factory.mktemp("web-labels-demo"))


@pytest.fixture(scope="module")
def client(demo: Demo) -> Iterator[TestClient]:
    # a page's own form posts carry its Origin (SameOriginGate refuses changes without one)
    with TestClient(create_app(demo.factory), base_url=LOOPBACK, headers=SAME_ORIGIN) as c:
        yield c


def _kind_on_week(client: TestClient, demo: Demo, activity_id: int) -> str | None:
    week = client.get("/api/week", params={"date": demo.last_day.isoformat()}).json()
    return next(s["kind"] for s in week["sessions"] if s["id"] == str(activity_id))


def test_the_activity_page_sets_and_clears_the_runners_kind(client: TestClient, demo: Demo) -> None:
    page = client.get(f"/activity/{demo.run_id}").text
    form = re.search(r'<form id="label-form"[^>]*action="([^"]+)"', page)
    assert form is not None and form[1] == f"/activity/{demo.run_id}/label"
    assert 'data-kind-source="analysis"' in page and "Clear my label" not in page
    analysed = client.get(f"/api/activity/{demo.run_id}").json()["kind"]
    kind = "race" if analysed != "race" else "tempo"

    r = client.post(
        form[1],
        data={"kind": kind, "reps": ""},
        headers={"Origin": LOOPBACK},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == f"/activity/{demo.run_id}#label"
    page = client.get(r.headers["location"]).text
    assert 'data-kind-source="runner"' in page and "kind, set by you" in page
    assert "Set by you on " in page and "Clear my label" in page
    assert f'<option value="{kind}" selected>' in page
    data = client.get(f"/api/activity/{demo.run_id}").json()
    assert (data["kind"], data["label"]["kind"], data["analysed_kind"]) == (kind, kind, analysed)
    assert _kind_on_week(client, demo, demo.run_id) == kind

    r = client.post(form[1], data={"kind": kind, "clear": "1"}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get(f"/api/activity/{demo.run_id}").json()["label"] is None
    assert _kind_on_week(client, demo, demo.run_id) == analysed


def test_a_page_on_another_site_cannot_relabel_a_run(client: TestClient, demo: Demo) -> None:
    for path, kw in (
        (f"/activity/{demo.run_id}/label", {"data": {"kind": "race"}}),
        (f"/api/activity/{demo.run_id}/label", {"json": {"kind": "race"}}),
    ):
        r = client.post(path, headers={"Origin": "https://evil.example"}, **kw)  # type: ignore[arg-type]
        assert r.status_code == 403, path
    assert client.get(f"/api/activity/{demo.run_id}").json()["label"] is None


def test_bad_labels_are_refused_with_the_reason(client: TestClient, demo: Demo) -> None:
    r = client.post(f"/activity/{demo.run_id}/label", data={"kind": "marathon"})
    assert r.status_code == 400 and "unknown run kind" in r.text and "valid kinds" in r.text
    r = client.post(f"/activity/{demo.run_id}/label", data={"kind": "intervals", "reps": "six"})
    assert r.status_code == 400 and "whole number" in r.text
    r = client.post("/activity/99999/label", data={"kind": "race"})
    assert r.status_code == 404
    r = client.post(f"/api/activity/{demo.run_id}/label", json={"kind": "jog"})
    assert r.status_code == 400 and "unknown run kind 'jog'" in r.json()["error"]
    assert client.get(f"/api/activity/{demo.run_id}").json()["label"] is None


def test_the_api_labels_like_the_cli(client: TestClient, demo: Demo, tmp_path: Path) -> None:
    r = client.post(f"/api/activity/{demo.run_id}/label", json={"kind": "hill_repeats", "reps": 8})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["kind"] == "hill_repeats" and data["label"]["reps"] == 8
    assert data["verdict"]["category"] == "power"
    r = client.post(f"/api/activity/{demo.run_id}/label", json={"kind": None})
    assert r.status_code == 200 and r.json()["label"] is None
