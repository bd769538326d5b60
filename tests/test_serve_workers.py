"""Issue 20 item 5: ``legday serve --workers N`` runs N server processes on one PostgreSQL
database; pages answer from any of them, and an upload's job is seen from every one."""

from __future__ import annotations

import json
import os
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from legday import config
from test_config import free_port, serving
from test_web_support import hostile_gpx


def _children(pid: int) -> list[int]:
    """The worker processes uvicorn's supervisor ``pid`` spawned (from /proc: its children
    started by multiprocessing's spawn, not its resource tracker)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == pid and b"spawn_main" in command:
            found.append(int(stat.parent.name))
    return found


def _json(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> object:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as r:  # a new connection each time
        return json.loads(r.read())


def _upload(base: str, name: str, body: bytes) -> dict[str, object]:
    form = (
        b'--b\r\nContent-Disposition: form-data; name="files"; filename="'
        + name.encode()
        + b'"\r\nContent-Type: application/gpx+xml\r\n\r\n'
        + body
        + b"\r\n--b--\r\n"
    )
    headers = {"Origin": base, "Content-Type": "multipart/form-data; boundary=b"}
    job = _json(f"{base}/api/import", form, headers)
    assert isinstance(job, dict)
    return job


def test_two_workers_serve_one_postgresql_database(tmp_path: Path, pg_server_url: str) -> None:
    from conftest import new_pg_database

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEGDAY_")}
    env |= {
        config.HOME.name: str(tmp_path / "home"),
        config.DB.name: new_pg_database(pg_server_url),
    }
    base = f"http://127.0.0.1:{port}"
    argv = ["serve", "--port", str(port), "--workers", "2"]
    with serving(argv, env, f"{base}/api/week") as proc:
        deadline = time.monotonic() + 60
        while len(_children(proc.pid)) < 2:  # both workers up (the supervisor is the parent)
            assert time.monotonic() < deadline, "the second worker never started"
            time.sleep(0.2)
        job = _upload(base, "run.gpx", hostile_gpx(datetime(2026, 11, 2, 7, tzinfo=UTC)).encode())
        assert job["status"] == "queued"
        while job["status"] in ("queued", "running"):  # asked of whichever worker answers
            assert time.monotonic() < deadline, f"the import never finished: {job}"
            time.sleep(0.2)
            got = _json(f"{base}{job['url']}")
            assert isinstance(got, dict)
            job = got
        assert job["status"] == "done", job
        report = job["report"]
        assert isinstance(report, dict) and report["imported"] == 1
        for _ in range(10):
            roster = _json(f"{base}/api/roster?date=2026-11-02")
            assert isinstance(roster, dict) and len(roster["athletes"]) == 1
        assert len(_children(proc.pid)) == 2
    assert "Traceback" not in proc.printed  # type: ignore[attr-defined]
