"""The dashboard's server holds up: imports run in a child process while other pages answer,
incomplete requests time out, every response carries the security headers, and a change
needs its own page's Origin or Referer, or the token."""

from __future__ import annotations

import dataclasses
import json
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from import_jobs import wait_for_job
from legday.errors import NotFoundError
from legday.web import create_app
from legday.web import security as web_security
from legday.web.server import HeaderTimeoutProtocol, server_config
from legday.web.uploads import ImportQueue, ImportsBusyError, JobState, LibrarySpec, next_job
from test_web_api import TOKEN, build_empty
from test_web_support import LOOPBACK, SAME_ORIGIN

HEADERS = {
    "content-security-policy": web_security.CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
}
#: How long a test waits for something that must happen at once, s (generous: 2 shared cores).
PATIENCE_S = 30.0


def _started_marker(spec: LibrarySpec) -> Path:
    return spec.originals.parent / "import-started"


def stuck_import(spec: LibrarySpec, paths: list[Path], progress: Any) -> dict[str, Any]:
    """An import that holds its interpreter for good: a backtracking regular expression runs
    in C with the GIL held, as the catastrophic format detection of issue 16 did. Run in the
    server's own process it would freeze every other request."""
    _started_marker(spec).write_text("started")
    re.fullmatch(r"(a|aa)+b", "a" * 64)  # ~1e13 steps: far longer than any test
    return {"imported": 0, "duplicates": 0, "failed": 0, "files": []}


def _wait_for(predicate: Any, what: str) -> None:
    deadline = time.monotonic() + PATIENCE_S
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {PATIENCE_S:.0f} s for {what}")
        time.sleep(0.05)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(app: FastAPI) -> Iterator[tuple[str, int]]:
    """``app`` under uvicorn as ``legday serve`` runs it, on a free loopback port."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(server_config(app, "127.0.0.1", port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        _wait_for(lambda: server.started, "the server to start")
        yield f"http://127.0.0.1:{port}", port
    finally:
        server.should_exit = True
        thread.join(PATIENCE_S)


def get(url: str) -> int:
    """The status of GET ``url`` (urllib: the test needs no HTTP client of its own)."""
    try:
        with urllib.request.urlopen(url, timeout=PATIENCE_S) as r:
            return int(r.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def post_file(url: str, name: str, data: bytes) -> tuple[int, Any]:
    """The status and JSON of a multipart upload of one file to ``url``, from the page's
    origin."""
    body = (
        b'--xyz\r\nContent-Disposition: form-data; name="files"; filename="'
        + name.encode()
        + b'"\r\nContent-Type: application/octet-stream\r\n\r\n'
        + data
        + b"\r\n--xyz--\r\n"
    )
    request = urllib.request.Request(
        url,
        data=body,
        headers={
            "Origin": url.split("/api/")[0],
            "Content-Type": "multipart/form-data; boundary=xyz",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as r:
            return int(r.status), json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, None


def _closed_by_server(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes ``sock`` (fails if it never does)."""
    sock.settimeout(PATIENCE_S)
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except TimeoutError:
        pytest.fail(f"the server kept the connection open; it sent {data[:200]!r}")
    return data


# -- an import never holds the server ------------------------------------------------------------
def test_an_upload_answers_at_once_and_pages_answer_while_its_import_runs(tmp_path: Path) -> None:
    app = create_app(build_empty(tmp_path), import_job=stuck_import)
    marker = tmp_path / "import-started"
    with serving(app) as (url, _):
        status, job = post_file(f"{url}/api/import", "a.gpx", b"<gpx/>")
        assert status == 202 and job["status"] == "queued"  # at once: the import is a job
        _wait_for(marker.exists, "the import to start in its child process")
        for path in ("/", "/static/legday.css", "/api/week", "/import", "/roster"):
            assert get(f"{url}{path}") == 200, path
        with urllib.request.urlopen(f"{url}{job['url']}", timeout=PATIENCE_S) as r:
            running = json.loads(r.read())
        assert running["status"] == "running" and running["started"] is not None
        assert get(f"{url}/import/{job['id']}") == 200  # its page, reloading itself
        assert get(f"{url}/api/imports/{'x' * 16}") == 404
    # shutting down stopped the stuck child: the job says so, and its files are gone
    (state,) = (tmp_path / "imports").glob("*.json")
    failed = json.loads(state.read_text())
    assert failed["status"] == "failed" and "stopped before it finished" in failed["error"]
    assert not Path(failed["folder"]).exists()


def _job(athlete: str, status: str, created: str) -> JobState:
    return JobState(
        id=f"{athlete}-{created}", athlete=athlete, status=status, created=created, files=1
    )  # type: ignore[arg-type]


def test_each_athlete_takes_a_turn() -> None:
    """A pile of one athlete's uploads does not hold up another's: the next job is the oldest
    of the athlete with the fewest imports running."""
    jobs = [
        _job("ann", "running", "01"),
        _job("ann", "queued", "02"),
        _job("ann", "queued", "03"),
        _job("bob", "queued", "04"),
        _job("cat", "done", "00"),
    ]
    assert next_job(jobs) == jobs[3]
    assert next_job([*jobs[:3], _job("bob", "running", "04")]) == jobs[1]  # even: oldest first
    assert next_job([jobs[0], jobs[4]]) is None


def test_imports_wait_their_turn_and_too_many_are_refused(tmp_path: Path) -> None:
    queue = ImportQueue(stuck_import, max_waiting=2, max_per_athlete=1)
    library = build_empty(tmp_path)()
    other = dataclasses.replace(library, athlete="other")
    try:
        first = queue.submit(library, [])
        _wait_for((tmp_path / "import-started").exists, "the first import to start")
        assert queue.status(library, first.id).status == "running"
        second = queue.submit(library, [])  # waits its turn
        assert queue.status(library, second.id).status == "queued"
        with pytest.raises(ImportsBusyError, match="of your imports are waiting"):
            queue.submit(library, [])
        queue.submit(other, [])  # someone else still has room
        with pytest.raises(ImportsBusyError, match="2 imports are waiting"):
            queue.submit(dataclasses.replace(library, athlete="third"), [])
        with pytest.raises(NotFoundError):  # a job is its athlete's only
            queue.status(other, first.id)
    finally:
        queue.close()
        library.close()
    assert queue.status(library, first.id).status == "failed"


def test_a_busy_importer_answers_503(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def busy(self: ImportQueue, library: Any, files: Any) -> JobState:
        raise ImportsBusyError("64 imports are waiting: try again in a minute")

    monkeypatch.setattr(ImportQueue, "submit", busy)
    with TestClient(create_app(build_empty(tmp_path)), base_url=LOOPBACK, headers=SAME_ORIGIN) as c:
        r = c.post("/api/import", files=[("files", ("a.gpx", b"<gpx/>", "text/xml"))])
        assert r.status_code == 503 and "try again" in r.json()["error"]


# -- incomplete requests time out ----------------------------------------------------------------
def test_a_request_whose_headers_never_end_is_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(HeaderTimeoutProtocol, "header_timeout_s", 0.5)
    with serving(create_app(build_empty(tmp_path))) as (url, port):
        with socket.create_connection(("127.0.0.1", port)) as silent:
            assert _closed_by_server(silent) == b""  # connected and said nothing
        with socket.create_connection(("127.0.0.1", port)) as slow:
            slow.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the blank line
            assert _closed_by_server(slow) == b""
        with socket.create_connection(("127.0.0.1", port)) as kept:
            kept.sendall(b"GET /static/legday.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            kept.settimeout(PATIENCE_S)
            assert kept.recv(12).startswith(b"HTTP/1.1 200")
            kept.sendall(b"GET / HTTP/1.1\r\n")  # a second request that stalls
            assert b"HTTP/1.1 200" not in _closed_by_server(kept)[-4000:][:12]
        assert get(f"{url}/static/legday.css") == 200


#: The start of a 10 MB upload from the dashboard's own page, whose body never follows.
UPLOAD_HEAD = (
    b"POST /api/import HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://127.0.0.1\r\n"
    b"Content-Type: multipart/form-data; boundary=xyz\r\n"
    b"Content-Length: 10000000\r\n\r\n--xyz\r\n"
)


def test_a_body_that_stops_arriving_gets_408(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web_security, "BODY_IDLE_TIMEOUT_S", 0.5)
    with serving(create_app(build_empty(tmp_path))) as (url, port):
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(UPLOAD_HEAD)
            # meanwhile the rest of the dashboard answers
            assert get(f"{url}/") == 200
            answer = _closed_by_server(sock)
        assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
        assert b"stopped arriving" in answer
        assert list(tmp_path.glob("originals/**/*")) == []


def test_a_body_that_crawls_gets_408(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(web_security, "BODY_GRACE_S", 0.5)
    monkeypatch.setattr(web_security, "MIN_BODY_RATE_BPS", 1000.0)
    with serving(create_app(build_empty(tmp_path))) as (_, port):
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(
                UPLOAD_HEAD
                + b'Content-Disposition: form-data; name="files"; filename="a.fit"\r\n\r\n'
            )
            answer = b""
            sock.settimeout(0.2)
            for _ in range(100):  # a byte every 0.2 s: under the idle limit, far under the rate
                try:
                    sock.sendall(b"x")
                    answer += sock.recv(4096)
                except TimeoutError:
                    continue
                except OSError:
                    break
                if answer:
                    break
        assert answer.startswith(b"HTTP/1.1 408"), answer[:200]


# -- headers on every response ---------------------------------------------------------------------
def _assert_headers(r: Any, what: str) -> None:
    for name, value in HEADERS.items():
        assert r.headers.get(name) == value, (what, name, r.status_code)


def test_every_response_carries_the_security_headers(tmp_path: Path) -> None:
    app = create_app(build_empty(tmp_path), max_upload_bytes=1000)
    with TestClient(app, base_url=LOOPBACK, raise_server_exceptions=False) as c:
        for path, status in (
            ("/", 200),
            ("/static/legday.css", 200),
            ("/static/upload.js", 200),
            ("/api/week", 200),
            ("/activity/99999", 404),
            ("/api/activity/99999", 404),
            ("/nowhere", 404),
        ):
            r = c.get(path)
            assert r.status_code == status, path
            _assert_headers(r, path)
        refused = c.post("/api/import", files=[("files", ("a.fit", b"x", "text/plain"))])
        assert refused.status_code == 403
        _assert_headers(refused, "refused change")
        big = c.post("/api/import", files=[("f", ("a", b"x" * 5000, "x"))], headers=SAME_ORIGIN)
        assert big.status_code == 413
        _assert_headers(big, "too large")
    with TestClient(create_app(build_empty(tmp_path)), base_url="http://evil.example") as c:
        _assert_headers(c.get("/"), "foreign host")
    with TestClient(create_app(build_empty(tmp_path), token=TOKEN), base_url=LOOPBACK) as c:
        _assert_headers(c.get("/"), "no token")


def test_a_crash_answers_500_with_the_headers(tmp_path: Path) -> None:
    def broken() -> Any:
        raise RuntimeError("boom")

    with TestClient(create_app(broken), base_url=LOOPBACK, raise_server_exceptions=False) as c:
        r = c.get("/api/week")
        assert r.status_code == 500
        _assert_headers(r, "crash")


# -- changes need their page's origin, or the token ---------------------------------------------
def _label(c: TestClient, headers: dict[str, str]) -> int:
    return c.post("/activity/1/label", data={"kind": "race"}, headers=headers).status_code


def test_a_change_without_origin_or_referer_is_refused(tmp_path: Path) -> None:
    files = [("files", ("a.gpx", b"<gpx/>", "application/gpx+xml"))]
    with TestClient(create_app(build_empty(tmp_path)), base_url=LOOPBACK) as c:
        r = c.post("/api/import", files=files)
        assert r.status_code == 403 and "own pages" in r.json()["error"]
        assert c.post("/api/import", files=files, headers={"Origin": "null"}).status_code == 403
        assert _label(c, {"Referer": "https://evil.example/x"}) == 403
        assert _label(c, {"Origin": "http://127.0.0.1:9999"}) == 403  # another port, another site
        assert c.delete("/api/activity/1", headers={}).status_code == 403
        # the page's own requests go through (404: no activity 1 in an empty library)
        assert _label(c, {"Referer": f"{LOOPBACK}/activity/1"}) == 404
        assert _label(c, SAME_ORIGIN) == 404
        ok = c.post("/api/import", files=files, headers={"Referer": f"{LOOPBACK}/import"})
        assert wait_for_job(c, ok)["report"]["failed"] == 1
        # a token-less dashboard has no token to show
        assert _label(c, {"Authorization": f"Bearer {TOKEN}"}) == 403


def test_a_change_with_the_token_needs_no_origin(tmp_path: Path) -> None:
    with TestClient(create_app(build_empty(tmp_path), token=TOKEN), base_url=LOOPBACK) as c:
        assert _label(c, {"Authorization": f"Bearer {TOKEN}"}) == 404
        # the cookie alone rides along with any request the browser sends: not enough
        c.cookies.set("token", TOKEN)
        assert c.get("/api/week").status_code == 200
        assert _label(c, {}) == 403
        assert _label(c, SAME_ORIGIN) == 404
        assert _label(c, {"Origin": "https://evil.example"}) == 403
