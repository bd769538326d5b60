"""Uploading through the dashboard and waiting for the import job (issue 20 item 5): ``POST
/api/import`` answers 202 with a job at once; its url tells the progress, then the report."""

from __future__ import annotations

import time
from typing import Any

#: How long a test waits for an import job to finish, s (generous: 2 shared cores).
JOB_PATIENCE_S = 120.0


def wait_for_job(client: Any, accepted: Any) -> dict[str, Any]:
    """The finished job of the 202 response ``accepted`` (polled on ``client``, a TestClient
    or an httpx client); fails the test when it never finishes."""
    assert accepted.status_code == 202, accepted.text
    url = accepted.json()["url"]
    deadline = time.monotonic() + JOB_PATIENCE_S
    while True:
        job: dict[str, Any] = client.get(url).json()
        if job["status"] in ("done", "failed"):
            return job
        assert time.monotonic() < deadline, f"the import job never finished: {job}"
        time.sleep(0.05)


def import_files(client: Any, files: list[Any], path: str = "/api/import") -> dict[str, Any]:
    """Upload ``files`` and return the import's report, once its job is done."""
    job = wait_for_job(client, client.post(path, files=files))
    assert job["status"] == "done", job
    report: dict[str, Any] = job["report"]
    return report


def import_page(client: Any, files: list[Any]) -> Any:
    """Post ``files`` to the form's ``/import`` (the no-JavaScript path), which sends the
    browser to the job's page; that page once the job is done."""
    sent = client.post("/import", files=files, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    page = sent.headers["location"]
    assert page.startswith("/import/")
    job_id = page.removeprefix("/import/")
    deadline = time.monotonic() + JOB_PATIENCE_S
    while client.get(f"/api/imports/{job_id}").json()["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline, "the import job never finished"
        time.sleep(0.05)
    return client.get(page)
