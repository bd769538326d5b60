"""The roster page and its JSON: every visible athlete, most in need of attention first, each
with links to their week, activities and plan."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the dashboard's extra (legday[web]) is not installed")
from fastapi.testclient import TestClient

from legday.model import AthleteProfile
from legday.settings import Settings
from legday.store.blobs import BlobStore
from legday.store.db import open_database
from legday.store.library import Library
from legday.web import create_app

LOOPBACK = "http://127.0.0.1"
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def _library(folder: Path, athlete: str) -> Library:
    return Library(
        db=open_database(f"sqlite:///{folder / 'legday.sqlite'}"),
        blobs=BlobStore(folder / "originals"),
        profile=AthleteProfile(),
        settings=Settings(),
        athlete=athlete,
        clock=lambda: NOW,
    )


def test_the_roster_page_sorts_by_attention_and_links_each_athlete(tmp_path: Path) -> None:
    lifter = _library(tmp_path, "lifter")
    for day in (23, 25):  # two leg days: R8 met; only R9 (no variety) and R2 (no cardio)
        lifter.log("back squat 3x5 @ 100kg rir 2", datetime(2026, 11, day, 18, tzinfo=UTC))
    skipper = _library(tmp_path, "skipper")
    skipper.log("biceps curl 3x10 @ 10kg rir 2", datetime(2026, 11, 24, 18, tzinfo=UTC))
    lifter.close()
    skipper.close()
    app = create_app(lambda: _library(tmp_path, "lifter"))
    with TestClient(app, base_url=LOOPBACK) as c:
        data = c.get("/api/roster", params={"date": "2026-11-25"}).json()["athletes"]
        page = c.get("/roster", params={"date": "2026-11-25"})
    assert page.status_code == 200
    names = [a["athlete"] for a in data]
    assert names == ["skipper", "lifter"]  # the skipper also missed a session and leg day
    scores = [a["attention"]["score"] for a in data]
    assert scores[0] > scores[1]
    assert data[1]["strength_sessions"] == 2 and data[1]["leg_days"] == 2
    shown = re.findall(r'data-athlete="([^"]+)" data-score="([^"]+)"', page.text)
    assert [n for n, _ in shown] == names and [float(s) for _, s in shown] == scores
    for a in data:
        for link in a["links"].values():
            assert f'href="{link.replace("&", "&amp;")}"' in page.text
    assert data[0]["links"]["week"] == "/?athlete=skipper&date=2026-11-23"
