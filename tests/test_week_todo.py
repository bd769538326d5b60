"""The week check's to-do says which session to move to which day, and why (issue 15, item 5).

A rule that does not apply (R10 without a hard run) shows as not applicable on the page, as
in ``legday week`` and ``legday plan``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from legday.model import AthleteProfile
from legday.settings import Settings
from legday.store.blobs import BlobStore
from legday.store.db import open_database
from legday.store.library import Library
from legday.web import create_app
from test_web_support import LOOPBACK


def _library(folder: Path, now: datetime) -> Library:
    return Library(
        db=open_database(f"sqlite:///{folder / 'legday.sqlite'}"),
        blobs=BlobStore(folder / "originals"),
        profile=AthleteProfile(),
        settings=Settings(),
        clock=lambda: now,
    )


def test_web_week_shows_a_rule_without_anything_to_judge_as_not_applicable(
    tmp_path: Path,
) -> None:
    now = datetime(2026, 12, 2, 18, tzinfo=UTC)
    lib = _library(tmp_path, now)
    lib.log("back squat 3x8 @ 80kg rir 2")  # legs, and no hard run all week: R10 has nothing
    lib.close()
    with TestClient(create_app(lambda: _library(tmp_path, now)), base_url=LOOPBACK) as c:
        html = c.get("/", params={"date": "2026-12-02"}).text
    r10 = html[html.index('data-rule="R10"') :]
    r10 = r10[: r10.index("</li>")]
    assert "Not applicable" in r10
    assert "✓" not in r10 and "–" in r10
