"""The plan page offers each strength session as a FIT workout beside the calendar."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from legday.io.fit.workout import read_workout
from legday.web import create_app
from test_web_support import LOOPBACK, Demo, build_demo


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    demo: Demo = build_demo(tmp_path_factory.mktemp("web-fit"))
    with TestClient(create_app(demo.factory), base_url=LOOPBACK) as c:
        yield c


def test_each_session_downloads_as_a_workout(client: TestClient) -> None:
    page = client.get("/plan").text
    links = re.findall(r'href="(/plan/[^"]+\.fit)"', page)
    lifts = page.count('class="session lift"')
    assert links and len(links) == lifts
    for link in links:
        r = client.get(link)
        assert r.status_code == 200, link
        assert r.headers["content-type"] == "application/vnd.ant.fit"
        assert link.rsplit("/", 1)[1] in r.headers["content-disposition"]
        assert read_workout(r.content).sub_sport == "strength_training"


def test_a_day_without_a_session_is_not_found(client: TestClient) -> None:
    r = client.get("/plan/1999-01-04-mon-strength.fit")
    assert r.status_code == 404
    assert "no strength session" in r.text
