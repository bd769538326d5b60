"""Issue 17 item 2: any session can be found — the activity list with its filters, text search
and pages (one page read from the database, never the history), a month calendar, a year of
weekly totals, and import results that link to the sessions they stored."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from import_jobs import import_files, import_page
from legday.store.browse import SessionFilter
from legday.web import create_app
from legday.web.routes import browse as browse_routes
from test_web_api import build_empty
from test_web_support import LOOPBACK, SAME_ORIGIN, XSS_NAME, Demo, build_demo, hostile_gpx


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    return build_demo(tmp_path_factory.mktemp("web-browse-demo"))


@pytest.fixture(scope="module")
def client(demo: Demo) -> Iterator[TestClient]:
    with TestClient(create_app(demo.factory), base_url=LOOPBACK) as c:
        yield c


def listed_ids(html: str) -> list[str]:
    return re.findall(r'<tr data-id="([^"]+)">', html)


def test_the_list_holds_every_session_newest_first(client: TestClient, demo: Demo) -> None:
    everything = client.get("/api/sessions", params={"limit": 200}).json()
    assert everything["total"] == len(everything["sessions"]) >= 15
    starts = [(s["date"], s["time"]) for s in everything["sessions"]]
    assert starts == sorted(starts, reverse=True)
    html = client.get("/activities").text
    assert listed_ids(html) == [str(s["id"]) for s in everything["sessions"]]
    assert f'href="/activity/{demo.run_id}"' in html
    assert f'href="/strength/session/{demo.strength_id}"' in html
    # the hostile name is text
    assert XSS_NAME not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("params", "check"),
    [
        ({"kind": "strength"}, lambda s: s["type"] == "strength"),
        ({"kind": "easy"}, lambda s: s["kind"] == "easy"),
        ({"category": "power"}, lambda s: s["category"] == "power"),
        ({"verdict": "leg_day"}, lambda s: s["counts_as_leg_day"]),
        ({"verdict": "not_leg_day"}, lambda s: not s["counts_as_leg_day"]),
        ({"sport": "running"}, lambda s: s["sport"] == "running"),
        ({"q": "SCRIPT"}, lambda s: s["name"] == XSS_NAME),
    ],
)
def test_each_filter_narrows_the_list(
    client: TestClient, params: dict[str, str], check: Any
) -> None:
    total = client.get("/api/sessions").json()["total"]
    found = client.get("/api/sessions", params={**params, "limit": 200}).json()
    assert 0 < found["total"] < total, params
    assert all(check(s) for s in found["sessions"]), params
    html = client.get("/activities", params=params).text
    assert len(listed_ids(html)) == found["total"]
    assert f"{found['total']} found" in html


def test_a_date_range_and_a_search_with_wildcards(client: TestClient, demo: Demo) -> None:
    last = demo.last_day
    week = client.get(
        "/api/sessions",
        params={"from": (last - timedelta(days=6)).isoformat(), "to": last.isoformat()},
    ).json()
    assert week["total"] >= 4
    assert all(s["date"] >= (last - timedelta(days=6)).isoformat() for s in week["sessions"])
    one_day = client.get(
        "/api/sessions", params={"from": last.isoformat(), "to": last.isoformat()}
    ).json()
    assert {s["date"] for s in one_day["sessions"]} == {last.isoformat()}
    # LIKE's wildcards are text: "%" matches no name here
    assert client.get("/api/sessions", params={"q": "%"}).json()["total"] == 0
    html = client.get("/activities", params={"q": "no such run"}).text
    assert "No session matches these filters." in html


def test_pages_of_the_list(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browse_routes, "PAGE_SIZE", 6)
    total = client.get("/api/sessions").json()["total"]
    first = client.get("/activities").text
    assert len(listed_ids(first)) == 6 and f"of {-(-total // 6)}" in first
    nxt = re.search(r'<a class="step" rel="next" href="([^"]+)"', first)
    assert nxt is not None and "page=2" in nxt[1]
    second = client.get(nxt[1].replace("&amp;", "&")).text
    assert not set(listed_ids(first)) & set(listed_ids(second))
    filtered = client.get("/activities", params={"kind": "easy"}).text
    link = re.search(r'rel="next" href="([^"]+)"', filtered)
    if link is not None:  # the filter rides along to the next page
        assert "kind=easy" in link[1]


def test_one_page_is_read_never_the_history(demo: Demo) -> None:
    lib = demo.factory()
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(lib.db.engine, "before_cursor_execute", seen)
    try:
        page = lib.sessions(SessionFilter(kind="easy"), offset=1, limit=2)
    finally:
        event.remove(lib.db.engine, "before_cursor_execute", seen)
        lib.close()
    assert len(page.rows) == 2 and page.total > 3
    listing = [s for s in statements if "UNION ALL" in s and "count(" not in s.lower()]
    assert listing and all("LIMIT" in s and "OFFSET" in s for s in listing)
    assert not any("samples" in s or "analysis" in s for s in statements)


def test_the_month_calendar(client: TestClient, demo: Demo) -> None:
    month = demo.last_day.strftime("%Y-%m")
    html = client.get("/calendar", params={"month": month}).text
    in_month = client.get(
        "/api/sessions",
        params={
            "from": demo.last_day.replace(day=1).isoformat(),
            "to": demo.last_day.isoformat(),
            "limit": 200,
        },
    ).json()
    cells = re.findall(r'class="session mini" href="([^"]+)"', html)
    assert len(cells) >= in_month["total"] > 0
    assert f'href="/strength/session/{demo.strength_id}"' in html or demo.last_day.day < 7
    assert demo.last_day.strftime("%B %Y") in html
    assert 'rel="prev"' in html and 'rel="next"' in html
    # a malformed month is this month, not an error
    assert client.get("/calendar", params={"month": "2026-13"}).status_code == 200


def test_the_year_of_weekly_totals(client: TestClient, demo: Demo) -> None:
    year = demo.last_day.isocalendar()[0]
    html = client.get("/year", params={"year": year}).text
    rows = re.findall(r"<tr(?: class=\"emptyweek\")?><td>(\d+)</td>", html)
    assert len(rows) in (52, 53)
    busy = re.findall(r"<tr><td>\d+</td>", html)
    assert len(busy) >= 3  # the demo's three weeks
    assert 'data-series="distance per week, km"' in html
    assert client.get("/year", params={"year": 3000}).status_code == 422


def test_import_results_link_to_their_sessions(tmp_path: Path) -> None:
    start = datetime(2026, 11, 2, 7, tzinfo=UTC)
    gpx = hostile_gpx(start).encode()
    with TestClient(create_app(build_empty(tmp_path)), base_url=LOOPBACK, headers=SAME_ORIGIN) as c:
        data = import_files(c, [("files", ("run.gpx", gpx, "application/gpx+xml"))])
        (report,) = data["files"]
        assert report["status"] == "imported" and len(report["session_ids"]) == 1
        (run_id,) = report["session_ids"]
        assert c.get(f"/activity/{run_id}").status_code == 200
        again = import_page(c, [("files", ("run.gpx", gpx, "application/gpx+xml"))])
        assert "duplicate" in again.text and "session_ids" not in again.text
        later = hostile_gpx(start + timedelta(days=1)).encode()
        page = import_page(c, [("files", ("next.gpx", later, "application/gpx+xml"))])
        link = re.search(r'<td class="created"><a href="(/activity/\d+)"', page.text)
        assert link is not None and c.get(link[1]).status_code == 200


def test_pages_read_from_each_tables_first_rows(demo: Demo) -> None:
    lib = demo.factory()
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    try:
        for oldest_first in (False, True):
            whole = lib.sessions(limit=1000, oldest_first=oldest_first)
            assert whole.total > 6 and {r.type for r in whole.rows} == {"activity", "strength"}
            event.listen(lib.db.engine, "before_cursor_execute", seen)
            pages = [lib.sessions(offset=k, limit=3, oldest_first=oldest_first) for k in (0, 3, 6)]
            event.remove(lib.db.engine, "before_cursor_execute", seen)
            assert [r.id for p in pages for r in p.rows] == [r.id for r in whole.rows[:9]]
    finally:
        lib.close()
    listing = [s for s in statements if "UNION ALL" in s and "count(" not in s.lower()]
    # each table's branch is cut to offset + limit rows before the page is taken
    assert listing and all(s.count("LIMIT") == 3 for s in listing)


def test_counts_and_choices_read_the_indexes_and_say_what_the_whole_list_says(
    tmp_path: Path, db_url: str
) -> None:
    """The list counts each table's matches apart and the form's choices come from the
    indexes of migration 0008: the same total as counting the listed union (the count before),
    and the same choices as the whole list's, on both back ends."""
    from datetime import date

    from sqlalchemy import func, select, union_all

    from legday.home import Home
    from legday.store import browse
    from legday.store.library import Library
    from legday.store.schema import ActivityRow, StrengthSessionRow
    from legday.synth import generate_history, write_history

    history = generate_history(weeks=3, seed=2)
    write_history(history, tmp_path / "files", formats=("fit", "gpx"))
    home = Home(tmp_path / "home")
    home.save_profile(history.athlete.profile())
    lib = Library.open(home, db_url)
    try:
        assert lib.import_paths([tmp_path / "files"], workers=1).ok
        athlete_id = lib._athlete_id()
        assert athlete_id is not None
        whole = lib.sessions(limit=browse.MAX_PAGE_SIZE).rows
        assert {r.type for r in whole} == {"activity", "strength"}
        filters = [
            SessionFilter(),
            SessionFilter(kind="strength"),
            SessionFilter(kind="easy"),
            SessionFilter(sport="running", verdict="not_leg_day"),
            SessionFilter(category="strength"),
            SessionFilter(verdict="leg_day", first=date(2000, 1, 1), last=history.last_day),
            SessionFilter(text="run"),
        ]
        for f in filters:
            union = union_all(*browse._selects(athlete_id, f, lib.profile.time_zone)).subquery()
            with lib.db.session() as s:
                before = s.scalar(select(func.count()).select_from(union))
            page = lib.sessions(f, limit=browse.MAX_PAGE_SIZE)
            assert page.total == before == len(page.rows), f
        with lib.db.session() as s:  # every stored row's values, read whole
            runs = s.execute(select(ActivityRow.kind, ActivityRow.category, ActivityRow.sport))
            kinds, categories, sports = (set(v) for v in zip(*runs, strict=True))
            categories |= set(s.scalars(select(StrengthSessionRow.category)))
        assert browse.distinct_values(lib.db, athlete_id) == {
            "kind": sorted(k for k in kinds | {"strength"} if k),
            "category": sorted(c for c in categories if c),
            "sport": sorted(x for x in sports | {"strength"} if x),
        }
        assert {r.kind for r in whole if r.kind} <= kinds | {"strength"}
    finally:
        lib.close()
