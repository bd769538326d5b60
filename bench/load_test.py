"""A coach's server under load, on loopback (issue 20 item 5).

A real ``legday serve --multi-user --workers N`` on a fresh PostgreSQL database holds
``--athletes`` athletes, each with a generated history (``--templates`` synthetic runners of
``--weeks`` weeks, imported once through the library, then copied row for row to every athlete
by SQL, so seeding 200 athletes takes seconds, not hours), and ``--coaches`` coaches each linked
to every athlete (rosters of 200). Then ``--users`` simulated users run at once for
``--seconds``, each with their own API token and ``--think`` seconds between requests:

* coaches open the roster (the page and ``/api/roster``), then one athlete's week, activities
  and plan from it;
* athletes open their own week, ``/api/week`` and activities, and now and then upload a new
  recording, following its import job until it is done.

It reports p50 and p95 per page and every error (any status ≥ 400, or no answer). Goal: the
roster's p95 ≤ 300 ms with 200 athletes, and no error.

    eval "$(bash .ci/postgres.sh)"
    python bench/load_test.py                                   # 200 athletes, 50 users, 60 s
    python bench/load_test.py --athletes 20 --users 10 --seconds 10   # a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2 as httpx
from sqlalchemy import Table, func, insert, literal, select, text

from legday.accounts import Passwords, Role
from legday.accounts.store import add_user, create_token, link_coach
from legday.settings import Settings
from legday.store.blobs import BlobStore
from legday.store.db import Database, open_database
from legday.store.library import Library
from legday.store.schema import Base
from legday.synth import generate_history, write_history

#: Where the synthetic runners' files are kept between runs (git-ignored).
CACHE = Path(__file__).parent / "results" / "load"
#: Goal for the roster's p95 with 200 athletes, ms (issue 20).
GOAL_ROSTER_P95_MS = 300.0
#: The last day of the generated histories (a Sunday; the roster shows this week).
END = date(2026, 11, 29)
#: Ids of a copied athlete's rows are the template's plus this many times their number (above
#: any template's row count, and 200 athletes stay within PostgreSQL's integer).
STRIDE = 100_000
#: Uploads of each simulated athlete in a run (``--uploads``), each at a moment in the run's
#: first half: an athlete uploads after a session, not every few seconds.
UPLOADS_PER_ATHLETE = 1
#: Longest wait for an import job, s.
JOB_PATIENCE_S = 120.0


# -- seeding --------------------------------------------------------------------------------------
def _template_files(k: int, weeks: int) -> tuple[Path, Any]:
    folder = CACHE / f"template-{weeks}w-{k}"
    history = generate_history(weeks=weeks, seed=100 + k, end=END)
    if not (folder / "done").exists():
        write_history(history, folder, formats=("fit",))
        (folder / "done").write_text("written")
    return folder, history


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _copy(
    db: Database, name: str, where: Any, offset: int, shifted: tuple[str, ...], **given: Any
) -> None:
    """Copy the rows of table ``name`` that match ``where``: each column as is, but the
    ``shifted`` ids (plus ``offset``) and the ``given`` values."""
    table = _table(name)
    columns = [c for c in table.columns]
    values = [
        given[c.name] if c.name in given else (c + offset if c.name in shifted else c)
        for c in columns
    ]
    with db.session() as s:
        s.execute(
            insert(table).from_select([c.name for c in columns], select(*values).where(where))
        )


def copy_athlete(db: Database, source: int, target: int, n: int) -> None:
    """Give athlete ``target`` every session, lap, segment, set, best effort, lift state and
    file of athlete ``source``, under new ids (PostgreSQL; the files get new hashes)."""
    off = n * STRIDE
    act, lift = _table("activities"), _table("strength_sessions")
    files = _table("files")
    theirs = (
        select(act.c.file_id)
        .where(act.c.athlete_id == source)
        .union(
            select(lift.c.file_id).where(lift.c.athlete_id == source, lift.c.file_id.is_not(None))
        )
    )
    sha = func.concat(
        func.md5(func.concat(files.c.sha256, literal(str(n)))),
        func.md5(func.concat(literal(str(n)), files.c.sha256)),
    )
    _copy(db, "files", files.c.id.in_(theirs), off, ("id",), sha256=sha)
    _copy(db, "activities", act.c.athlete_id == source, off, ("id", "file_id"), athlete_id=target)
    acts = select(act.c.id).where(act.c.athlete_id == source).scalar_subquery()
    for child in ("laps", "segments"):
        _copy(db, child, _table(child).c.activity_id.in_(acts), off, ("id", "activity_id"))
    best = _table("best_efforts")
    _copy(
        db,
        "best_efforts",
        best.c.athlete_id == source,
        off,
        ("id", "activity_id"),
        athlete_id=target,
    )
    shifted = ("id", "file_id", "activity_id")
    _copy(db, "strength_sessions", lift.c.athlete_id == source, off, shifted, athlete_id=target)
    lifts = select(lift.c.id).where(lift.c.athlete_id == source).scalar_subquery()
    sets = _table("strength_sets")
    _copy(db, "strength_sets", sets.c.session_id.in_(lifts), off, ("id", "session_id"))
    state = _table("lift_state")
    _copy(db, "lift_state", state.c.athlete_id == source, 0, (), athlete_id=target)


def _reset_sequences(db: Database) -> None:
    with db.session() as s:
        for name in ("files", "activities", "laps", "segments", "best_efforts",
                     "strength_sessions", "strength_sets"):  # fmt: skip
            s.execute(
                text(f"select setval(pg_get_serial_sequence('{name}', 'id'), max(id)) from {name}")
            )


@dataclass
class Seeded:
    athletes: dict[str, str] = field(default_factory=dict)
    """Each athlete's login, to their API token."""
    coaches: dict[str, str] = field(default_factory=dict)
    """Each coach's login, to their API token."""


def seed(
    db_url: str, originals: Path, athletes: int, coaches: int, weeks: int, templates: int
) -> Seeded:
    """Users, histories and coach links on the database at ``db_url`` (see the docstring)."""
    db = open_database(db_url)
    clock = lambda: datetime.now(UTC)  # noqa: E731
    passwords = Passwords(cheap=True)
    out = Seeded()
    try:
        sources = []
        for k in range(templates):
            folder, history = _template_files(k, weeks)
            lib = Library(
                db=db,
                blobs=BlobStore(originals),
                profile=history.athlete.profile(),
                settings=Settings(),
                athlete=f"template-{k}",
            )
            lib.import_paths([folder], workers=1)
            sources.append(lib._athlete_id())
        for i in range(athletes):
            login = f"athlete-{i:03d}"
            user = add_user(
                db, login, "load-test-pw", Role.ATHLETE, passwords=passwords, clock=clock
            )
            assert user.athlete_id is not None
            copy_athlete(db, sources[i % templates], user.athlete_id, i + 1)
            out.athletes[login] = create_token(db, login, "load", clock)[1]
        _reset_sequences(db)
        for c in range(coaches):
            login = f"coach-{c:02d}"
            add_user(db, login, "load-test-pw", Role.COACH, passwords=passwords, clock=clock)
            for athlete in out.athletes:
                link_coach(db, athlete, login, clock)
            out.coaches[login] = create_token(db, login, "load", clock)[1]
    finally:
        db.dispose()
    return out


# -- the server -----------------------------------------------------------------------------------
def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(db_url: str, home: Path, workers: int) -> Iterator[str]:
    """``legday serve --multi-user --workers N`` on a free loopback port, until the block ends."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEGDAY_")}
    env |= {"LEGDAY_HOME": str(home), "LEGDAY_DB": db_url}
    argv = ["serve", "--multi-user", "--workers", str(workers), "--port", str(port)]
    log = home.parent / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "legday", *argv], env=env, stderr=out)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/login", timeout=5)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start: {log.read_text()}") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# -- the users ------------------------------------------------------------------------------------
@dataclass
class Record:
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, seconds: float, error: str | None = None) -> None:
        with self.lock:
            self.times.setdefault(page, []).append(seconds)
            if error is not None:
                self.errors.append(f"{page}: {error}")


def _ask(client: httpx.Client, record: Record, page: str, method: str, url: str, **kw: Any) -> Any:
    start = time.perf_counter()
    try:
        r = client.request(method, url, **kw)
    except httpx.HTTPError as exc:
        record.add(page, time.perf_counter() - start, f"{type(exc).__name__}: {exc}")
        return None
    error = None if r.status_code < 400 else f"{r.status_code} {r.text[:200]}"
    record.add(page, time.perf_counter() - start, error)
    return r if error is None else None


def _gpx(start: datetime, seconds: int = 900) -> bytes:
    """A short easy run on a straight line starting at ``start``: a new file each time."""
    points = "\n".join(
        f'<trkpt lat="{47.0 + i * 3e-5:.6f}" lon="8.0"><ele>400</ele>'
        f"<time>{(start + timedelta(seconds=i)).strftime('%Y-%m-%dT%H:%M:%SZ')}</time></trkpt>"
        for i in range(0, seconds, 2)
    )
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="load"><trk><name>load</name><trkseg>'
        f"{points}</trkseg></trk></gpx>"
    ).encode()


def _coach(
    base: str, token: str, record: Record, until: float, think: float, rng: random.Random
) -> None:
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as c:
        while time.monotonic() < until:
            _ask(c, record, "/roster", "GET", "/roster")
            r = _ask(c, record, "/api/roster", "GET", "/api/roster")
            if r is not None and r.json()["athletes"]:
                links = rng.choice(r.json()["athletes"])["links"]
                for page in ("week", "activities", "plan"):
                    time.sleep(think * rng.uniform(0.5, 1.5))
                    _ask(c, record, f"{page} (coach)", "GET", links[page])
            time.sleep(think * rng.uniform(0.5, 1.5))


def _athlete(
    base: str,
    token: str,
    record: Record,
    until: float,
    think: float,
    rng: random.Random,
    upload_count: int = UPLOADS_PER_ATHLETE,
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    half = (until - time.monotonic()) / 2
    uploads = sorted(time.monotonic() + rng.uniform(0, half) for _ in range(upload_count))
    with httpx.Client(base_url=base, headers=headers, timeout=60) as c:
        while time.monotonic() < until:
            if uploads and time.monotonic() >= uploads[0]:
                uploads.pop(0)
                start = datetime(2026, 11, 23, 6, tzinfo=UTC) + timedelta(
                    seconds=rng.randrange(6 * 86400)
                )
                files = {
                    "files": (f"run-{start:%Y%m%d%H%M%S}.gpx", _gpx(start), "application/gpx+xml")
                }
                r = _ask(c, record, "POST /api/import", "POST", "/api/import", files=files)
                deadline = time.monotonic() + JOB_PATIENCE_S
                while r is not None and r.json()["status"] in ("queued", "running"):
                    if time.monotonic() > deadline:
                        record.errors.append(f"import job never finished: {r.json()}")
                        break
                    time.sleep(1.0)
                    r = _ask(c, record, "GET /api/imports/ID", "GET", r.json()["url"])
                if r is not None and r.json()["status"] == "failed":
                    record.errors.append(f"import failed: {r.json()['error']}")
            else:
                page = rng.choice(["/", "/api/week", "/activities"])
                _ask(c, record, page, "GET", page)
            time.sleep(think * rng.uniform(0.5, 1.5))


def simulate(
    base: str,
    seeded: Seeded,
    users: int,
    seconds: float,
    think: float,
    coaches: int,
    uploads: int = UPLOADS_PER_ATHLETE,
) -> Record:
    """``users`` at once for ``seconds``: ``coaches`` of them coaches, the rest athletes (each
    uploading ``uploads`` times)."""
    record = Record()
    until = time.monotonic() + seconds
    coach_tokens = list(seeded.coaches.values())
    athlete_tokens = list(seeded.athletes.values())
    threads = []
    for i in range(users):
        rng = random.Random(i)
        if i < coaches:
            token = coach_tokens[i % len(coach_tokens)]
            args: tuple[Any, ...] = (_coach, base, token, record, until, think, rng)
        else:
            token = athlete_tokens[i % len(athlete_tokens)]
            args = (_athlete, base, token, record, until, think, rng, uploads)
        threads.append(threading.Thread(target=args[0], args=args[1:]))
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + JOB_PATIENCE_S + 60)
    return record


def summary(record: Record) -> dict[str, Any]:
    pages = {}
    for page, times in sorted(record.times.items()):
        ms = sorted(t * 1000 for t in times)
        p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
        pages[page] = {
            "n": len(ms),
            "p50_ms": round(statistics.median(ms), 1),
            "p95_ms": round(p95, 1),
        }
    return {"pages": pages, "errors": record.errors}


def run(
    server_url: str, workdir: Path, *, athletes: int, coaches: int, users: int, coach_users: int,
    seconds: float, think: float, workers: int, weeks: int, templates: int,
    uploads: int = UPLOADS_PER_ATHLETE,
) -> dict[str, Any]:  # fmt: skip
    """The whole test on a new database of the PostgreSQL server at ``server_url``."""
    import uuid

    import psycopg

    name = f"legday_load_{uuid.uuid4().hex[:10]}"
    admin = server_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    db_url = f"{server_url.rsplit('/', 1)[0]}/{name}"
    try:
        started = time.perf_counter()
        seeded = seed(db_url, workdir / "originals", athletes, coaches, weeks, templates)
        seeding_s = time.perf_counter() - started
        with server(db_url, workdir / "home", workers) as base:
            record = simulate(base, seeded, users, seconds, think, coach_users, uploads)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return {
        "athletes": athletes, "coaches": coaches, "users": users, "coach_users": coach_users,
        "uploads_per_athlete": uploads, "seconds": seconds, "think_s": think, "workers": workers,
        "weeks": weeks, "seeding_s": round(seeding_s, 1), **summary(record),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--athletes", type=int, default=200)
    parser.add_argument("--coaches", type=int, default=5, help="coaches, each with every athlete")
    parser.add_argument("--users", type=int, default=50, help="simulated users at once")
    parser.add_argument("--coach-users", type=int, default=10, help="of the users, coaches")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between requests, s")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--weeks", type=int, default=8, help="weeks of each generated history")
    parser.add_argument("--templates", type=int, default=4, help="distinct generated runners")
    parser.add_argument(
        "--uploads", type=int, default=UPLOADS_PER_ATHLETE, help="uploads of each athlete user"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    a = parser.parse_args()
    pg = os.environ.get("LEGDAY_TEST_PG_URL")
    if not pg:
        sys.exit('PostgreSQL not configured: eval "$(bash .ci/postgres.sh)" first')
    import tempfile

    with tempfile.TemporaryDirectory(prefix="legday-load-") as tmp:
        result = run(
            pg, Path(tmp), athletes=a.athletes, coaches=a.coaches, users=a.users,
            coach_users=a.coach_users, seconds=a.seconds, think=a.think, workers=a.workers,
            weeks=a.weeks, templates=a.templates, uploads=a.uploads,
        )  # fmt: skip
    print(f"{a.athletes} athletes, {a.users} users ({a.coach_users} coaches, {a.uploads} upload(s) "
          f"per athlete) for {a.seconds:g} s, "
          f"{a.workers} workers; seeded in {result['seeding_s']} s")  # fmt: skip
    print(f"{'page':<24} {'n':>6} {'p50 ms':>8} {'p95 ms':>8}")
    for page, p in result["pages"].items():
        print(f"{page:<24} {p['n']:>6} {p['p50_ms']:>8} {p['p95_ms']:>8}")
    print(f"errors: {len(result['errors'])}")
    for e in result["errors"][:20]:
        print("  " + e)
    roster = result["pages"].get("/roster", {}).get("p95_ms")
    if roster is not None:
        met = "met" if roster <= GOAL_ROSTER_P95_MS and not result["errors"] else "NOT met"
        print(f"goal (roster p95 <= {GOAL_ROSTER_P95_MS:g} ms, no error): {met}")
    if a.json:
        a.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
