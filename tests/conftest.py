"""Shared test fixtures.

Real third-party recordings are read in place from ``../shared/data/real`` (never copied into
the repo). On a user's machine without ``../shared`` the tests that need them skip with a
reason; in CI (``CI=true``) a missing ``../shared`` is an error, not a skip.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# CI explores the same examples every run (a red CI blocks a landing, so it must not depend on
# luck); local runs keep exploring new ones and remember failures in .hypothesis/.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI") == "true":
    hypothesis_settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("LEGDAY_SHARED", ROOT.parent / "shared"))
REAL = SHARED / "data" / "real"
REFERENCE = SHARED / "data" / "reference"


def real_manifest() -> list[dict[str, str]]:
    """Rows of ../shared/data/real/MANIFEST.tsv ([] when absent)."""
    path = REAL / "MANIFEST.tsv"
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def real_files(kind: str | None = None) -> list[Path]:
    """Paths of real files listed in the manifest, optionally of one kind (fit, gpx, tcx, csv)."""
    return [REAL / row["path"] for row in real_manifest() if kind is None or row["kind"] == kind]


def _require_real() -> Path:
    if not REAL.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs the real data in {REAL}, which is missing")
        pytest.skip(f"real data not found at {REAL} (clone ../shared beside the repo)")
    return REAL


@pytest.fixture
def real_dir() -> Path:
    """The folder of real recordings; skips (or fails in CI) when absent."""
    return _require_real()


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test gets its own LEGDAY_HOME so no test touches a real user's data."""
    home = tmp_path_factory.mktemp("legday-home")
    monkeypatch.setenv("LEGDAY_HOME", str(home))
    monkeypatch.delenv("LEGDAY_DB", raising=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """In CI (``CI=true``) a skipped test is a failure: CI installs everything tests need."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") == "true" and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped in CI, which must run every test: {reason}"


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    """A PostgreSQL server URL from $LEGDAY_TEST_PG_URL (started by .ci/run in CI)."""
    url = os.environ.get("LEGDAY_TEST_PG_URL")
    if not url:
        pytest.skip('PostgreSQL not configured: run `eval "$(bash .ci/postgres.sh)"` first')
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database on each back end."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'legday.sqlite'}"
    return new_pg_database(request.getfixturevalue("pg_server_url"))


def new_pg_database(server_url: str) -> str:
    """The URL of a new, empty database on the PostgreSQL server at ``server_url``."""
    import uuid

    import psycopg

    name = f"legday_test_{uuid.uuid4().hex[:12]}"
    conninfo = server_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = server_url.rsplit("/", 1)[0]
    return f"{base}/{name}"
