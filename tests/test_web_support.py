"""Shared set-up for the web tests (no tests of its own): a small demo library and its app.

The demo is three weeks of the synthetic runner (``generate_history(weeks=3, seed=1)``) written
as real FIT/GPX/TCX files and imported through ``Library.import_paths``, as ``legday demo``
does, plus one GPX whose activity name is hostile markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from legday.model import AthleteProfile
from legday.settings import Settings
from legday.store.blobs import BlobStore
from legday.store.db import open_database
from legday.store.library import Library
from legday.synth import generate_history, write_history

#: The hostile activity name: markup that must reach the page as text.
XSS_NAME = "<script>alert(1)</script>"
#: The small real run uploaded by the tests (Garmin vivoactive HR, 17 KB).
REAL_RUN = "sports-lib/src/specs/fixtures/runs/fit/2067489619.fit"

#: The dashboard answers only to loopback names when it has no token (DNS rebinding), so the
#: test clients address it as 127.0.0.1 (TestClient's default name is "testserver").
LOOPBACK = "http://127.0.0.1"
#: The header a dashboard page's own requests carry (changes without it are refused).
SAME_ORIGIN = {"Origin": LOOPBACK}


@dataclass(frozen=True)
class Demo:
    folder: Path
    factory: Callable[[], Library]
    last_day: date
    run_id: int
    xss_id: int
    strength_id: int
    """A strength session of the last week that counts as leg day (``"s<id>"`` on the week)."""
    profile: AthleteProfile
    athlete: str
    now: datetime

    def factory_with(self, **profile: str) -> Callable[[], Library]:
        """A factory over the same database whose profile has ``profile``'s values."""
        changed = replace(self.profile, **profile)

        def factory() -> Library:
            return Library(
                db=open_database(f"sqlite:///{self.folder / 'legday.sqlite'}"),
                blobs=BlobStore(self.folder / "originals"),
                profile=changed,
                settings=Settings(),
                athlete=self.athlete,
                clock=lambda: self.now,
            )

        return factory


def hostile_gpx(start: datetime, points: int = 240) -> str:
    """A short run on a flat straight line whose name is :data:`XSS_NAME` (escaped in XML)."""
    name = XSS_NAME.replace("<", "&lt;").replace(">", "&gt;")
    pts = "\n".join(
        f'<trkpt lat="{35.0 + i * 2.5e-5:.6f}" lon="139.0"><ele>10</ele>'
        f"<time>{(start + timedelta(seconds=i)).strftime('%Y-%m-%dT%H:%M:%SZ')}</time></trkpt>"
        for i in range(points)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><name>{name}</name><type>running</type><trkseg>\n{pts}\n</trkseg></trk></gpx>\n"
    )


def build_demo(folder: Path) -> Demo:
    history = generate_history(weeks=3, seed=1)
    files = folder / "files"
    write_history(history, files, formats=("fit", "gpx", "tcx"))
    last = history.last_day
    (files / "hostile.gpx").write_text(
        hostile_gpx(datetime(last.year, last.month, last.day, 1, tzinfo=UTC)), encoding="utf-8"
    )
    now = datetime(last.year, last.month, last.day, 21, tzinfo=UTC)
    url = f"sqlite:///{folder / 'legday.sqlite'}"
    profile = history.athlete.profile()

    def factory() -> Library:
        return Library(
            db=open_database(url),
            blobs=BlobStore(folder / "originals"),
            profile=profile,
            settings=Settings(),
            athlete=history.athlete.name,
            clock=lambda: now,
        )

    lib = factory()
    try:
        summary = lib.import_paths([files], workers=1)
        assert summary.ok, summary.to_dict()
        facts = lib.session_facts(last - timedelta(days=6), last)
        runs = sorted((f for f in facts if f.type == "run"), key=lambda f: f.local_start)
        ids = [f.id for f in runs if isinstance(f.id, int)]
        xss_id = next(i for i in ids if lib.activity(i)["name"] == XSS_NAME)
        run_id = next(i for i in ids if i != xss_id)
        lifts = [f for f in facts if f.type == "strength" and f.counts_as_leg_day]
        strength_id = int(str(lifts[0].id).removeprefix("s"))
    finally:
        lib.close()
    return Demo(
        folder, factory, last, run_id, xss_id, strength_id, profile, history.athlete.name, now
    )
