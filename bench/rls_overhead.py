"""What the multi-user server's isolation costs per request (issue 20, docs/server.md).

One synthetic runner's history is imported into a new PostgreSQL database; the first athlete
user takes it over and a coach is linked to it. Each page is then asked ``--repeat`` times after
a warm-up, in-process (FastAPI's TestClient, the same ASGI app ``legday serve`` runs), three ways:

* ``single``: the single-user dashboard, as the tables' owner (no login, no row-level security);
* ``athlete``: ``--multi-user`` with the athlete's API token (the session lookup, the access
  decision, every statement as ``legday_app`` under the policies);
* ``coach``: the same as the linked coach (``?athlete=``), which also writes an access-log row.

It prints p50 and p95 per page and way, ms. Needs $LEGDAY_TEST_PG_URL (``eval "$(bash
.ci/postgres.sh)"``)::

    python bench/rls_overhead.py [--weeks 26] [--repeat 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from legday.accounts import Passwords, Role, add_user, create_token, link_coach
from legday.home import Home
from legday.store.library import Library
from legday.synth import generate_history, write_history
from legday.web import create_app
from legday.web.auth import MultiUser

PAGES = ("/api/week", "/api/sessions", "/activities", "/api/strength", "/api/records", "/")


def _database(server: str) -> str:
    import psycopg

    name = f"legday_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(
        server.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
    ) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    return f"{server.rsplit('/', 1)[0]}/{name}"


def _times(client: TestClient, path: str, repeat: int, **kw: object) -> list[float]:
    client.get(path, **kw)  # warm-up
    found = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = client.get(path, **kw)
        found.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, (path, r.status_code, r.text[:200])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--weeks", type=int, default=26, help="weeks of synthetic history")
    parser.add_argument("--repeat", type=int, default=30, help="requests per page and way")
    args = parser.parse_args()
    server = os.environ.get("LEGDAY_TEST_PG_URL")
    if not server:
        sys.exit('set LEGDAY_TEST_PG_URL first: eval "$(bash .ci/postgres.sh)"')
    url = _database(server)
    clock = lambda: datetime.now(UTC)  # noqa: E731
    cheap = Passwords(cheap=True)
    with tempfile.TemporaryDirectory() as tmp:
        home = Home(Path(tmp) / "home")
        files = write_history(generate_history(weeks=args.weeks, seed=1), Path(tmp) / "files")
        lib = Library.open(home, url)
        summary = lib.import_paths(files, workers=1)
        db = lib.db
        add_user(db, "al", "bench password", Role.ATHLETE, passwords=cheap, clock=clock)
        add_user(db, "jo", "bench password", Role.COACH, passwords=cheap, clock=clock)
        link_coach(db, "al", "jo", clock)
        _, al = create_token(db, "al", "bench", clock)
        _, jo = create_token(db, "jo", "bench", clock)
        lib.close()
        imported = summary.count("imported")
        print(f"{imported} files imported, {args.weeks} weeks; {args.repeat} requests per cell")

        def factory() -> Library:
            return Library.open(home, url)

        single = TestClient(create_app(factory, home=home.path), base_url="http://127.0.0.1")
        multi = TestClient(
            create_app(factory, home=home.path, multi_user=MultiUser(cheap, clock)),
            base_url="http://127.0.0.1",
        )
        ways = {
            "single": (single, {}),
            "athlete": (multi, {"headers": {"Authorization": f"Bearer {al}"}}),
            "coach": (
                multi,
                {"headers": {"Authorization": f"Bearer {jo}"}, "params": {"athlete": "default"}},
            ),
        }
        print(f"{'page':<16}" + "".join(f"{w + ' p50/p95':>22}" for w in ways))
        with single, multi:
            for page in PAGES:
                cells = []
                for client, kw in ways.values():
                    t = sorted(_times(client, page, args.repeat, **kw))
                    p95 = t[min(len(t) - 1, round(0.95 * (len(t) - 1)))]
                    cells.append(f"{statistics.median(t):>10.1f} /{p95:>7.1f} ms")
                print(f"{page:<16}" + "".join(f"{c:>22}" for c in cells))


if __name__ == "__main__":
    main()
