"""The dashboard through FastAPI's TestClient: the API equals the CLI's JSON, the pages render
the library's answers, tokens are enforced, uploads are limited and imported like the CLI's."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from import_jobs import import_files, import_page, wait_for_job
from legday import serialise
from legday.cli import app as cli_app
from legday.model import MUSCLES, AthleteProfile
from legday.serialise import json_ready
from legday.settings import Settings
from legday.store.blobs import BlobStore
from legday.store.db import open_database
from legday.store.library import Library
from legday.web import create_app
from legday.web.security import check_bind, is_loopback, token_matches
from test_web_support import LOOPBACK, REAL_RUN, SAME_ORIGIN, XSS_NAME, Demo, build_demo

TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    return build_demo(tmp_path_factory.mktemp("web-demo"))


@pytest.fixture(scope="module")
def client(demo: Demo) -> Iterator[TestClient]:
    # a page's own form posts carry its Origin (SameOriginGate refuses changes without one)
    with TestClient(create_app(demo.factory), base_url=LOOPBACK, headers=SAME_ORIGIN) as c:
        yield c


def as_cli_json(data: object) -> object:
    """What ``legday … --json`` prints, parsed back."""
    return json.loads(json.dumps(json_ready(data), ensure_ascii=False, default=str))


# -- the API is the CLI's JSON ---------------------------------------------------------------
def test_api_week_equals_library_week(client: TestClient, demo: Demo) -> None:
    r = client.get("/api/week", params={"date": demo.last_day.isoformat()})
    assert r.status_code == 200
    lib = demo.factory()
    try:
        expected = as_cli_json(serialise.week(lib.week(demo.last_day).to_dict()))
    finally:
        lib.close()
    assert r.json() == expected
    assert set(MUSCLES) <= set(r.json()["muscles"])


def test_api_activity_strength_plan(client: TestClient, demo: Demo) -> None:
    lib = demo.factory()
    try:
        assert client.get(f"/api/activity/{demo.run_id}").json() == as_cli_json(
            serialise.activity(lib.activity(demo.run_id))
        )
        assert client.get("/api/strength").json() == as_cli_json(lib.strength_report())
        assert client.get("/api/plan").json() == as_cli_json(lib.plan().to_dict())
        trends = client.get("/api/strength/trends").json()
        assert trends == as_cli_json(lib.strength_trends())
    finally:
        lib.close()
    assert trends["e1rm"] and trends["weekly_hard_sets"]


def test_api_errors_are_json(client: TestClient) -> None:
    r = client.get("/api/activity/999999")
    assert r.status_code == 404
    assert "999999" in r.json()["error"]
    r = client.get("/api/strength", params={"exercise": "no such lift at all"})
    assert r.status_code in (400, 404)
    assert r.json()["error"]
    assert client.get("/api/week", params={"date": "yesterday"}).status_code == 422


# -- pages --------------------------------------------------------------------------------
def test_week_page(client: TestClient, demo: Demo) -> None:
    r = client.get("/", params={"date": demo.last_day.isoformat()})
    assert r.status_code == 200
    html = r.text
    for key in MUSCLES:
        assert f'data-muscle="{key}"' in html
    assert f'href="/activity/{demo.run_id}"' in html
    assert "leg day" in html
    assert 'rel="prev"' in html and 'rel="next"' in html
    assert "R8" in html and "R11" in html
    assert 'data-series="fitness (CTL)"' in html
    assert 'data-series="strength load"' in html


def test_activity_page(client: TestClient, demo: Demo) -> None:
    r = client.get(f"/activity/{demo.run_id}")
    assert r.status_code == 200
    for series in ("pace /km", "grade-adjusted pace /km", "heart rate, bpm", "elevation, m"):
        assert f'data-series="{series}"' in r.text
    assert 'class="band"' in r.text  # segments shaded
    assert 'data-label="Z3"' in r.text
    assert r.text.count("data-muscle=") >= 16
    assert client.get("/activity/999999").status_code == 404


def test_hostile_name_is_text(client: TestClient, demo: Demo) -> None:
    html = client.get(f"/activity/{demo.xss_id}").text
    assert XSS_NAME not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_other_pages(client: TestClient) -> None:
    strength = client.get("/strength").text
    assert "Estimated 1RM" in strength and 'data-muscle="glutes"' in strength
    # the lifter's view, as `legday strength` words it: trend, last session, next action, why
    report = client.get("/api/strength").json()["exercises"]
    for ex in report:
        assert html.escape(ex["next_action"], quote=False) in strength
    assert "RIR None" not in strength and "None" not in strength.split("Next session")[-1]
    plan = client.get("/plan").text
    assert "Plan for" in plan and "R10" in plan
    ics = client.get("/plan.ics")
    assert ics.headers["content-type"].startswith("text/calendar")
    assert ics.content.startswith(b"BEGIN:VCALENDAR")
    assert 'type="file"' in client.get("/import").text
    docs = client.get("/docs").text
    assert "/api/week" in docs and "/api/import" in docs
    assert client.get("/openapi.json").json()["paths"]["/api/week"]


def test_no_external_assets() -> None:
    """Offline: no template or static file loads anything from another host."""
    web = Path(__file__).resolve().parent.parent / "src" / "legday" / "web"
    for path in [*web.glob("templates/*.html"), *web.glob("static/*")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), path
        assert "@import" not in text and "url(http" not in text, path


# -- uploads --------------------------------------------------------------------------------
def test_upload_real_file(tmp_path: Path, real_dir: Path) -> None:
    demo_dir = tmp_path / "up"
    demo_dir.mkdir()
    demo = build_empty(demo_dir)
    path = real_dir / REAL_RUN
    with TestClient(create_app(demo), base_url=LOOPBACK, headers=SAME_ORIGIN) as c:
        files = [
            ("files", (path.name, path.read_bytes(), "application/octet-stream")),
            ("files", ("broken<b>.fit", b"this is not a FIT file", "application/octet-stream")),
        ]
        data = import_files(c, files)
        assert data["imported"] == 1 and data["failed"] == 1
        good, bad = data["files"]
        assert good["path"] == path.name and good["status"] == "imported"
        assert bad["path"] == "broken<b>.fit"
        assert "broken<b>.fit" in bad["error"] and "/tmp" not in bad["error"]
        again = import_page(
            c, [("files", (path.name, path.read_bytes(), "application/octet-stream"))]
        )
        assert again.status_code == 200 and "duplicate" in again.text
        week = c.get("/api/week", params={"date": "2016-01-01"}).status_code
        assert week == 200


def build_empty(folder: Path) -> Callable[[], Library]:
    """A factory of an empty library in ``folder``."""

    def factory() -> Library:
        return Library(
            db=open_database(f"sqlite:///{folder / 'legday.sqlite'}"),
            blobs=BlobStore(folder / "originals"),
            profile=AthleteProfile(),
            settings=Settings(),
        )

    return factory


def test_upload_size_limit(tmp_path: Path) -> None:
    with TestClient(
        create_app(build_empty(tmp_path), max_upload_bytes=1000),
        base_url=LOOPBACK,
        headers=SAME_ORIGIN,
    ) as c:
        r = c.post("/api/import", files=[("files", ("big.fit", b"x" * 5000, "text/plain"))])
        assert r.status_code == 413
        assert "limit" in r.json()["error"]
        assert list(tmp_path.glob("originals/**/*")) == []


# -- safety ---------------------------------------------------------------------------------
def test_token_required_everywhere(demo: Demo) -> None:
    with TestClient(create_app(demo.factory, token=TOKEN), base_url=LOOPBACK) as c:
        for path in ("/", "/api/week", f"/activity/{demo.run_id}", "/static/legday.css", "/docs"):
            assert c.get(path).status_code == 401, path
        assert c.get("/api/week", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/?token=wrong", follow_redirects=False).status_code == 401
        ok = c.get("/api/week", headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200
        r = c.get(f"/?token={TOKEN}&date=2026-11-18", follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"] == "/?date=2026-11-18"
        assert "httponly" in r.headers["set-cookie"].lower()
        assert c.get("/strength").status_code == 200  # the cookie now rides along
        c.cookies.clear()
        assert c.get("/strength").status_code == 401
        assert (
            c.post("/api/import", files=[("files", ("a.fit", b"x", "text/plain"))]).status_code
            == 401
        )


def test_bind_rules() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2")
    check_bind("127.0.0.1", None)
    check_bind("0.0.0.0", "t")
    from legday.errors import ConfigError

    with pytest.raises(ConfigError, match="token"):
        check_bind("0.0.0.0", None)
    assert token_matches("abc", "abc") and not token_matches("abc", "abd")
    assert not token_matches("abc", None)


def test_serve_refuses_public_bind_without_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEGDAY_TOKEN", raising=False)
    result = CliRunner().invoke(cli_app, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 1
    assert "refusing to serve on 0.0.0.0 without a token" in result.output
    assert "Traceback" not in result.output


def test_cross_site_upload_refused(tmp_path: Path) -> None:
    with TestClient(create_app(build_empty(tmp_path)), base_url=LOOPBACK) as c:
        files = [("files", ("a.gpx", b"<gpx/>", "application/gpx+xml"))]
        r = c.post("/api/import", files=files, headers={"Origin": "https://evil.example"})
        assert r.status_code == 403
        r = c.post("/api/import", files=files, headers={"Origin": LOOPBACK})
        assert wait_for_job(c, r)["report"]["failed"] == 1


def test_empty_library_pages(tmp_path: Path) -> None:
    with TestClient(create_app(build_empty(tmp_path)), base_url=LOOPBACK) as c:
        for path in ("/", "/strength", "/plan", "/import", "/docs", "/plan.ics"):
            assert c.get(path).status_code == 200, path
        assert c.get("/api/week").json()["sessions"] == []
        assert "No loaded lifts yet" in c.get("/strength").text


def test_safe_upload_names() -> None:
    from legday.web.uploads import safe_name

    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\Users\\me\\run 1.fit") == "run 1.fit"
    assert safe_name("<script>.gpx") == "_script_.gpx"
    assert safe_name("..") == "upload" and safe_name(None) == "upload"


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost", "legday.localhost:80", "[::1]:9"])
def test_loopback_names_are_served(host: str, tmp_path: Path) -> None:
    with TestClient(create_app(build_empty(tmp_path)), base_url=f"http://{host}") as c:
        assert c.get("/api/week").status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "192.168.1.7", "0.0.0.0"])
def test_a_tokenless_dashboard_answers_no_other_host(host: str, tmp_path: Path) -> None:
    """DNS rebinding: a page on evil.example re-pointed at 127.0.0.1 reads nothing."""
    with TestClient(create_app(build_empty(tmp_path)), base_url=f"http://{host}") as c:
        r = c.get("/api/week")
        assert r.status_code == 403 and "loopback" in r.text
    with TestClient(create_app(build_empty(tmp_path), token=TOKEN), base_url=f"http://{host}") as c:
        # with a token the token is the guard, on any name
        assert c.get("/api/week", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
