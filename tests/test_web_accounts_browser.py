"""The multi-user server in a real browser (Playwright driving /usr/bin/chromium), on real
PostgreSQL: an athlete logs in, labels a run through the page's form (its CSRF token travels
with it), and logs out; a read-only coach opens the athlete's week from a link and is refused the
same form; the athlete's account page names the coach's visits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from legday.accounts import link_coach, open_access
from legday.accounts.store import user_named
from legday.store.db import open_database
from test_accounts import PASSWORD, bound, easy_run
from test_web_accounts import Server, server  # noqa: F401 (the fixture)
from test_web_browser import CHROMIUM, CHROMIUM_ARGS, _require_browser, _serving


@pytest.fixture
def browser() -> Iterator[Any]:
    sync_playwright = _require_browser()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _log_in(page: Any, url: str, who: str) -> None:
    page.goto(f"{url}/")
    assert page.url.startswith(f"{url}/login?next=")
    page.fill("input[name=login]", who)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url, page.content()


def test_login_label_logout_and_a_read_only_coach(server: Server, browser: Any) -> None:  # noqa: F811
    db = open_database(server.url)
    try:
        al = user_named(db, "al")
        lib = bound(db, open_access(db, al, al.athlete_id or 0, "t", server.clock), server.home)
        assert lib.import_paths([easy_run(server.home / "run.fit", seed=5)], workers=1).ok
        (run_id,) = [
            r["id"] for r in lib.sessions().to_dict()["sessions"] if r["type"] == "activity"
        ]
        link_coach(db, "al", "jo", server.clock)
    finally:
        db.dispose()

    with _serving(server.app()) as url:
        athlete = browser.new_context()
        page = athlete.new_page()
        _log_in(page, url, "al")
        page.goto(f"{url}/activity/{run_id}")
        assert page.locator("#label-form input[name=csrf_token]").count() == 1
        page.select_option("#label-form select[name=kind]", "tempo")
        page.click("#label-form button[type=submit]")
        page.wait_for_load_state()
        assert "Set by you" in page.inner_text("#label")

        coach = browser.new_context()
        other = coach.new_page()
        _log_in(other, url, "jo")
        other.goto(f"{url}/?athlete=al")
        assert other.title().startswith(("Week", "This week")) or "R8" in other.content()
        other.goto(f"{url}/activity/{run_id}")  # the session remembers the athlete
        other.select_option("#label-form select[name=kind]", "race")
        other.click("#label-form button[type=submit]")
        other.wait_for_load_state()
        assert "jo may not edit labels" in other.content()

        page.goto(f"{url}/account")
        assert "jo" in page.inner_text("#access")
        page.click("header form.account button[type=submit]")
        page.wait_for_load_state()
        assert "/login" in page.url
        page.goto(f"{url}/records")
        assert page.url.startswith(f"{url}/login?next=%2Frecords")
        athlete.close()
        coach.close()
