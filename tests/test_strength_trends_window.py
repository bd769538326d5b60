"""The strength page reads a window of the lifting history, never all of it (issue 18)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from legday.model import AthleteProfile
from legday.settings import Settings
from legday.store import convert, quick
from legday.store.blobs import BlobStore
from legday.store.db import open_database
from legday.store.library import Library
from legday.strength import exercise_history
from legday.web import create_app
from legday.web.routes.pages import TREND_WEEKS

#: Weekly squat sessions logged, oldest first, more than the page's window.
WEEKS = TREND_WEEKS + 20
FIRST = date(2024, 1, 1)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lifts")
    lib = _library(path)
    for week in range(WEEKS):
        load = 60 + week * 0.5
        hinge = f"; romanian deadlift 3x8 @ {load - 10}kg rir 2" if week % 2 else ""
        lib.log(f"back squat 3x5 @ {load}kg rir 2{hinge}", FIRST + timedelta(weeks=week))
    lib.close()
    return path


def _library(path: Path) -> Library:
    return Library(
        db=open_database(f"sqlite:///{path / 'legday.sqlite'}"),
        blobs=BlobStore(path / "originals"),
        profile=AthleteProfile(),
        settings=Settings(),
    )


@pytest.fixture
def converted(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """The start of every strength session the library reads as a model object."""
    seen: list[Any] = []
    real = convert.session_from_row
    columns = quick.read_sessions

    def counting(row: Any) -> Any:
        seen.append(row.start)
        return real(row)

    def reading(*args: Any) -> dict[int, Any]:
        found = columns(*args)
        seen.extend(session.start for session in found.values())
        return found

    monkeypatch.setattr(convert, "session_from_row", counting)
    monkeypatch.setattr(quick, "read_sessions", reading)
    yield seen


def test_trends_of_a_window_are_the_whole_trends_cut(folder: Path) -> None:
    lib = _library(folder)
    try:
        whole, window = lib.strength_trends(), lib.strength_trends(weeks=8)
    finally:
        lib.close()
    squat, recent = (
        next(x for x in t["e1rm"] if x["key"] == "back_squat") for t in (whole, window)
    )
    assert len(squat["points"]) == WEEKS
    assert recent["points"] == squat["points"][-len(recent["points"]) :]
    assert 8 <= len(recent["points"]) <= 9
    assert (
        window["weekly_hard_sets"] == whole["weekly_hard_sets"][-len(window["weekly_hard_sets"]) :]
    )


def test_trend_points_are_each_exposures_best_e1rm(folder: Path) -> None:
    lib = _library(folder)
    try:
        trends, sessions = lib.strength_trends(), lib.strength_sessions()
    finally:
        lib.close()
    assert len(trends["e1rm"]) == 2
    for lift in trends["e1rm"]:
        history = exercise_history(sessions, lift["key"])
        assert lift["points"] == [
            {"date": e.local_date, "e1rm_kg": round(e.best_e1rm_kg, 1)}
            for e in history.exposures
            if e.best_e1rm_kg is not None
        ]


def test_the_strength_page_reads_a_year_not_the_history(folder: Path, converted: list[Any]) -> None:
    client = TestClient(create_app(lambda: _library(folder)), base_url="http://127.0.0.1")
    page = client.get("/strength")
    assert page.status_code == 200 and "Back Squat" in page.text
    # the report reads each lift's latest sessions (lift state), the trends the year's
    assert converted and len(set(converted)) <= TREND_WEEKS + 1 < WEEKS
