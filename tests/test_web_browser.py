"""The dashboard in a real browser (Playwright driving Debian's /usr/bin/chromium).

Serves a small demo library with uvicorn on 127.0.0.1 in a background thread, opens every page,
clicks from the week to a run and to a strength session, shows a new user's welcome, uploads a
real recording on /import and sees it in the results, checks a hostile activity name stays text,
opens every page at desktop and phone widths in the light and dark themes (nothing wider than the
screen, no request leaving the machine, a clean console), reads a muscle's value by tapping, and
saves screenshots (the README's, in docs/screenshots/, when LEGDAY_UPDATE_SCREENSHOTS=1).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from legday.model import MUSCLES
from legday.web import create_app
from test_web_support import REAL_RUN, XSS_NAME, Demo, build_demo

CHROMIUM = "/usr/bin/chromium"
#: Flags for a quiet headless Chromium on a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Where screenshots go: a temporary folder, or the README's docs/screenshots/ when
#: LEGDAY_UPDATE_SCREENSHOTS=1 (so running the tests never changes tracked files by itself).
SCREENSHOTS = (
    Path(__file__).resolve().parent.parent / "docs" / "screenshots"
    if os.environ.get("LEGDAY_UPDATE_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "legday-screenshots"
)
#: A laptop screen.
VIEWPORT = {"width": 1280, "height": 860}


def _require_browser() -> Any:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip("playwright is not installed (pip install playwright; never `playwright install`)")
    if not Path(CHROMIUM).exists() or not shutil.which(CHROMIUM):
        _skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    return sync_playwright


def _skip(reason: str) -> None:
    pytest.skip(reason)  # in CI (CI=true) conftest turns this skip into a failure


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    _require_browser()
    return build_demo(tmp_path_factory.mktemp("web-browser-demo"))


@contextmanager
def _serving(app: Any) -> Iterator[str]:
    """``app`` served by uvicorn on a free loopback port in a background thread: its URL."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                pytest.fail("the dashboard did not start")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def base_url(demo: Demo) -> Iterator[str]:
    with _serving(create_app(demo.factory)) as url:
        yield url


@pytest.fixture(scope="module")
def browser(demo: Demo) -> Iterator[Any]:
    sync_playwright = _require_browser()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=VIEWPORT)
    pg = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    pg.on("dialog", on_dialog)
    pg.dialogs = dialogs
    yield pg
    context.close()


def _shot(page: Any, name: str, full_page: bool = True) -> None:
    """A screenshot (of the whole page, or of the screen); ``pages/…`` names always go to the
    temporary folder."""
    folder = SCREENSHOTS
    if name.startswith("pages/"):
        folder = Path(tempfile.gettempdir()) / "legday-screenshots"
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), full_page=full_page)


def test_week_then_activity(page: Any, base_url: str, demo: Demo) -> None:
    page.goto(f"{base_url}/?date={demo.last_day.isoformat()}")
    assert page.locator("h1").inner_text().startswith("Week ")
    for key in MUSCLES:
        assert page.locator(f'svg.bodymap [data-muscle="{key}"]').count() >= 1, key
    title = page.locator('svg.bodymap [data-muscle="glutes"] title').first.text_content()
    assert title.startswith("Glutes: ")
    assert page.locator(".calendar .session").count() >= 4
    assert page.locator(".badge.legday").count() >= 1
    assert page.locator('.rules li[data-rule="R8"]').count() == 1
    assert page.locator('[data-series="fitness (CTL)"]').count() == 1
    _shot(page, "week.png")

    page.click(f'a.session[href="/activity/{demo.run_id}"]')
    page.wait_for_url(f"**/activity/{demo.run_id}")
    assert page.locator(".verdict .headline").inner_text()
    assert page.locator('[data-series="grade-adjusted pace /km"] path').count() == 1
    assert page.locator("svg.chart .band").count() >= 1
    assert page.locator(".reasons li").count() >= 1
    _shot(page, "activity.png")

    page.click("text=← the week")
    page.wait_for_url("**/?date=*")
    page.click('a[rel="prev"]')
    assert "Week " in page.locator("h1").inner_text()


def test_week_then_strength_session(page: Any, base_url: str, demo: Demo) -> None:
    page.goto(f"{base_url}/?date={demo.last_day.isoformat()}")
    page.click(f'a.session[data-id="s{demo.strength_id}"]')
    page.wait_for_url(f"**/strength/session/{demo.strength_id}")
    assert page.locator(".verdict .badge.legday").inner_text().lower() == "leg day"
    assert page.locator(".verdict .headline").inner_text()
    assert page.locator("table.sets tbody tr").count() >= 3
    assert page.locator("table.sets .badge.warmup").count() >= 1
    assert page.locator(".reasons li").count() >= 1
    assert page.locator("svg.bodymap [data-muscle]").count() >= len(MUSCLES)
    _shot(page, "strength_session.png")
    page.click("text=← the week")
    page.wait_for_url("**/?date=*")
    assert page.locator(f'a.session[data-id="s{demo.strength_id}"]').count() == 1


def test_welcome_for_a_new_user(page: Any, tmp_path: Path) -> None:
    from test_web_api import build_empty

    with _serving(
        create_app(build_empty(tmp_path), home=Path("/home/ada/.local/share/legday"))
    ) as url:
        page.goto(f"{url}/")
        assert page.locator("h1").inner_text() == "Welcome to legday"
        assert "legday demo" in page.locator(".welcome").inner_text()
        _shot(page, "welcome.png")
        page.click(".welcome a.button")
        page.wait_for_url("**/import")
        assert page.locator('input[type="file"]').count() == 1


def test_strength_plan_docs(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/strength")
    assert page.locator("figure.multiple").count() >= 1
    assert page.locator("table.heat tbody tr").count() == len(MUSCLES)
    _shot(page, "strength.png")
    page.goto(f"{base_url}/plan")
    assert page.locator("h1").inner_text().startswith("Plan for")
    assert page.locator(".session.lift").count() >= 1
    assert page.locator('a[href^="/plan.ics"]').count() == 1
    _shot(page, "plan.png")
    page.goto(f"{base_url}/docs")
    assert page.locator("table.endpoints").inner_text().count("/api/") >= 5


def test_upload_real_file(page: Any, base_url: str, real_dir: Path) -> None:
    path = real_dir / REAL_RUN
    page.goto(f"{base_url}/import")
    page.set_input_files("input[type=file]", str(path))
    page.click("button[type=submit]")
    row = page.locator("#rows tr").first
    row.wait_for(timeout=20000)
    assert path.name in row.inner_text()
    assert row.locator(".badge").text_content() == "imported"
    assert "imported" in page.locator("#summary").inner_text()
    _shot(page, "import.png")
    link = row.locator("td.created a")  # the result links to the session it stored
    assert link.count() == 1
    link.click()
    page.wait_for_url("**/activity/*")
    assert page.locator(".verdict .headline").inner_text()


def test_hostile_name_does_not_run(page: Any, base_url: str, demo: Demo) -> None:
    page.goto(f"{base_url}/activity/{demo.xss_id}")
    assert page.locator("h1").inner_text().startswith(XSS_NAME)
    assert page.locator("main script").count() == 0
    page.wait_for_timeout(200)
    assert page.dialogs == []


def test_label_a_run_from_its_page(page: Any, base_url: str, demo: Demo) -> None:
    """The runner's kind, set and cleared from the activity page by a real browser (whose form
    posts carry the page's own Origin, which the cross-site check lets through)."""
    page.goto(f"{base_url}/activity/{demo.run_id}")
    assert page.locator('[data-kind-source="analysis"]').count() == 1
    page.select_option("#label-form select[name=kind]", "race")
    page.click("#label-form button:text('Set the kind')")
    page.wait_for_url(f"**/activity/{demo.run_id}#label")
    assert page.locator('[data-kind-source="runner"]').inner_text().lower().startswith("race")
    page.click("#label-form button:text('Clear my label')")
    page.wait_for_selector('[data-kind-source="analysis"]')
    assert page.locator("#label-form button:text('Clear my label')").count() == 0


#: Phone and desktop widths the pages are checked at (an iPhone 12–15's CSS width is 390 px).
WIDTHS = {"desktop": VIEWPORT, "phone": {"width": 390, "height": 844}}
#: The README's shots among them: (page, width, theme) → file name; the rest go to a
#: temporary folder even when the README's are refreshed.
README_SHOTS = {
    ("activities", "desktop", "light"): "activities.png",
    ("records", "desktop", "light"): "records.png",
    ("week", "phone", "dark"): "phone.png",
}
#: Every page of the dashboard, by a short name (formatted with the demo's ids and days).
PAGES = {
    "week": "/?date={last}",
    "activities": "/activities",
    "calendar": "/calendar?month={month}",
    "year": "/year?year={year}",
    "run": "/activity/{run}",
    "lifting": "/strength/session/{lift}",
    "strength": "/strength",
    "records": "/records",
    "plan": "/plan",
    "import": "/import",
    "api-docs": "/docs",
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_at_every_width_in_both_themes(
    browser: Any, base_url: str, demo: Demo, width: str, scheme: str
) -> None:
    """Each page at a desktop and a phone width, light and dark: nothing wider than the
    screen (wide tables and charts scroll inside their card), the navigation fully on screen,
    the theme the system asks for, no request leaving the machine and no error in the console
    (a Content-Security-Policy violation would be one). Saves a screenshot of each."""
    context = browser.new_context(viewport=WIDTHS[width], color_scheme=scheme)
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    ids = {
        "last": demo.last_day.isoformat(),
        "month": demo.last_day.strftime("%Y-%m"),
        "year": demo.last_day.year,
        "run": demo.run_id,
        "lift": demo.strength_id,
    }
    try:
        for name, path in PAGES.items():
            page.goto(base_url + path.format(**ids))
            page.wait_for_load_state("networkidle")
            viewport = WIDTHS[width]["width"]
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= viewport, f"{name} is {overflow} px wide at {viewport} px"
            right = page.evaluate(
                "Math.max(...[...document.querySelectorAll('header nav a')]"
                ".map(a => a.getBoundingClientRect().right))"
            )
            assert right <= viewport, f"{name}: the navigation runs off the screen"
            background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
            dark = background in ("rgb(17, 20, 24)",)
            assert dark == (scheme == "dark"), (name, background)
            if width == "phone":  # chart text stays legible: at least 9 px on screen
                smallest = page.evaluate(
                    "Math.min(99, ...[...document.querySelectorAll('svg.chart text')]"
                    ".map(t => t.getBoundingClientRect().height).filter(h => h > 0))"
                )
                assert smallest >= 9, f"{name}: chart text {smallest:.1f} px tall"
            readme = README_SHOTS.get((name, width, scheme))
            # the README's phone view is one screen, as a phone shows it
            _shot(
                page,
                readme or f"pages/{name}-{width}-{scheme}.png",
                width == "desktop" or not readme,
            )
    finally:
        context.close()
    outside = [u for u in requests if not u.startswith((base_url, "data:"))]
    assert outside == [], outside
    assert errors == [], errors


def test_muscle_values_by_tapping(browser: Any, base_url: str, demo: Demo) -> None:
    """On a phone there is no hover: a tap on a muscle writes its value under the map, and
    so does Enter on a muscle reached with the keyboard."""
    context = browser.new_context(viewport=WIDTHS["phone"], has_touch=True, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(f"{base_url}/?date={demo.last_day.isoformat()}")
        card = page.locator("#strength-layer")
        assert card.locator(".tapped").count() == 0
        card.locator('svg.bodymap [data-muscle="quads"] :not(title)').first.tap()
        shown = card.locator(".tapped")
        assert re.fullmatch(r"Quads: \d+\.\d hard-set eq\.", shown.inner_text().strip()), (
            shown.inner_text()
        )
        card.locator('svg.bodymap [data-muscle="glutes"]').first.focus()
        page.keyboard.press("Enter")
        assert shown.inner_text().startswith("Glutes: ")
        assert card.locator(".muscle.picked").count() == 1
    finally:
        context.close()


# -- charts people can read: tooltips, one muscle scale, dropped files ---------------------------
#: Pages with charts, and how many charts with a tooltip layer each holds at least.
CHART_PAGES = {
    "week": ("/?date={last}", 1),
    "run": ("/activity/{run}", 3),
    "strength": ("/strength", 1),
    "records": ("/records", 1),
    "year": ("/year?year={year}", 1),
}


def _ids(demo: Demo) -> dict[str, object]:
    return {
        "last": demo.last_day.isoformat(),
        "year": demo.last_day.year,
        "run": demo.run_id,
        "lift": demo.strength_id,
    }


def _point(page: Any, chart: Any, i: int) -> tuple[float, float, dict[str, Any]]:
    """The screen position of point ``i`` of ``chart`` (its x, and the plot's middle height)
    and the chart's tooltip data."""
    return chart.evaluate(  # type: ignore[no-any-return]
        """async (svg, i) => {
            const d = JSON.parse(svg.getAttribute('data-tips'));
            svg.scrollIntoView({block: 'center', inline: 'center'});
            // let the scroll (which hides a hover's tooltip) happen before pointing
            await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
            const pt = svg.createSVGPoint();
            pt.x = d.x[i]; pt.y = (d.plot[0] + d.plot[1]) / 2;
            const s = pt.matrixTransform(svg.getScreenCTM());
            return [s.x, s.y, d];
        }""",
        i,
    )


def _tip_lines(page: Any) -> list[str]:
    tip = page.locator(".charttip")
    tip.wait_for(state="visible", timeout=3000)
    return [t.strip() for t in tip.locator("div").all_inner_texts()]


@pytest.mark.parametrize("name", list(CHART_PAGES))
def test_every_chart_tells_the_value_under_the_pointer(
    page: Any, base_url: str, demo: Demo, name: str
) -> None:
    """On each page, every chart with a tooltip layer shows, for the point under the mouse,
    the x it is at and each series' value as its data says; the mouse leaving hides it."""
    path, least = CHART_PAGES[name]
    page.goto(base_url + path.format(**_ids(demo)))
    charts = page.locator("svg.chart[data-tips]")
    assert charts.count() >= least, f"{name}: {charts.count()} charts with tooltips"
    for k in range(charts.count()):
        chart = charts.nth(k)
        n = chart.evaluate("svg => JSON.parse(svg.getAttribute('data-tips')).x.length")
        i = n * 2 // 3
        x, y, d = _point(page, chart, i)
        page.mouse.move(x, y)
        lines = _tip_lines(page)
        want = [f"{s['name']}: {s['text'][i]}" for s in d["series"] if s["text"][i] is not None]
        if d["label"][i]:
            want.insert(0, d["label"][i])
        assert lines[: len(want)] == want, (name, k, lines, want)
        assert chart.locator(".tipmark line").get_attribute("x1") == str(d["x"][i])
        _shot(page, f"pages/tooltip-{name}-{k}.png", full_page=False)
        page.mouse.move(1, 1)
        page.locator(".charttip").wait_for(state="hidden", timeout=3000)


def test_load_chart_tooltip_reads_the_weeks_numbers(page: Any, base_url: str, demo: Demo) -> None:
    """The week's training-load chart under the pointer: the day and that day's fitness,
    fatigue and TRIMP, the same numbers /api/week gives."""
    day = demo.last_day.isoformat()
    page.goto(f"{base_url}/?date={day}")
    daily = page.request.get(f"{base_url}/api/week?date={day}").json()["load"]["daily"]
    chart = page.locator('svg.chart[data-tips]:has([data-series="fitness (CTL)"])')
    i = len(daily["days"]) - 3
    x, y, _ = _point(page, chart, i)
    page.mouse.move(x, y)
    lines = _tip_lines(page)
    from datetime import date

    assert lines[0] == date.fromisoformat(daily["days"][i]).strftime("%a %d %b")

    def num(v: float) -> str:
        return f"{v:.1f}".rstrip("0").rstrip(".")

    assert f"fitness (CTL): {num(daily['ctl'][i])}" in lines
    assert f"fatigue (ATL): {num(daily['atl'][i])}" in lines
    assert "this week" in lines  # the shaded band under the pointer is named too
    _shot(page, "pages/tooltip-load.png", full_page=False)


def test_heart_rate_tooltip_matches_the_line(page: Any, base_url: str, demo: Demo) -> None:
    """The bpm the tooltip gives sits where the line is drawn: read back through the axis's
    own tick labels, it lands on the marker's height."""
    page.goto(f"{base_url}/activity/{demo.run_id}")
    chart = page.locator('svg.chart[data-tips]:has([data-series="heart rate, bpm"])')
    n = chart.evaluate("svg => JSON.parse(svg.getAttribute('data-tips')).x.length")
    x, y, _ = _point(page, chart, n // 2)
    page.mouse.move(x, y)
    lines = _tip_lines(page)
    assert re.fullmatch(r"at \d+:\d\d", lines[0]), lines
    bpm = float(next(ln for ln in lines if ln.startswith("heart rate")).split(": ")[1])
    ticks = chart.evaluate(
        """svg => [...svg.querySelectorAll('text[text-anchor="end"]')]
            .map(t => [parseFloat(t.textContent), parseFloat(t.getAttribute('y')) - 4])"""
    )
    (v0, y0), (v1, y1) = ticks[0], ticks[-1]
    expected_y = y0 + (bpm - v0) / (v1 - v0) * (y1 - y0)
    cy = float(chart.locator(".tipmark circle").first.get_attribute("cy"))
    assert abs(cy - expected_y) <= 1.5, (bpm, cy, expected_y)


def test_chart_values_by_tapping(browser: Any, base_url: str, demo: Demo) -> None:
    """On a phone: a tap on an e1RM chart's last point gives the lift's latest e1RM (the
    number its caption shows), a tap on a zone bar its time, a tap elsewhere hides it."""
    context = browser.new_context(viewport=WIDTHS["phone"], has_touch=True, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(f"{base_url}/strength")
        figure = page.locator("figure.multiple").first
        caption = figure.locator("figcaption span").inner_text()  # "102.5 kg"
        chart = figure.locator("svg.chart[data-tips]")
        n = chart.evaluate("svg => JSON.parse(svg.getAttribute('data-tips')).x.length")
        x, y, _ = _point(page, chart, n - 1)
        page.touchscreen.tap(x, y)
        lines = _tip_lines(page)
        value, unit = caption.split()
        line = next(ln for ln in lines if ln.startswith("e1RM"))
        assert line.endswith(f" {unit}") and float(line.split(": ")[1].split()[0]) == pytest.approx(
            float(value), abs=0.05
        ), (line, caption)
        assert re.fullmatch(r"\d\d \w{3} \d{4}", lines[0]), lines
        _shot(page, "pages/tooltip-tap-e1rm.png", full_page=False)
        page.touchscreen.tap(5, 5)
        page.locator(".charttip").wait_for(state="hidden", timeout=3000)

        page.goto(f"{base_url}/activity/{demo.run_id}")
        bar = page.locator("svg.chart.bars g.bar[data-tip]").first
        bar.scroll_into_view_if_needed()
        box = bar.locator("rect").bounding_box()
        page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        assert _tip_lines(page) == [bar.get_attribute("data-tip")]
    finally:
        context.close()


def test_chart_values_by_keyboard(page: Any, base_url: str, demo: Demo) -> None:
    """Tab to a chart: its last point shows; the arrow keys walk the points."""
    page.goto(f"{base_url}/records")
    chart = page.locator("svg.chart[data-tips]").first
    chart.focus()
    d = chart.evaluate("svg => JSON.parse(svg.getAttribute('data-tips'))")
    n = len(d["x"])
    first = next(s for s in d["series"] if s["text"][n - 1] is not None)
    assert f"{first['name']}: {first['text'][n - 1]}" in _tip_lines(page)
    page.keyboard.press("ArrowLeft")
    assert chart.locator(".tipmark line").get_attribute("x1") == str(d["x"][n - 2])
    page.keyboard.press("Escape")
    page.locator(".charttip").wait_for(state="hidden", timeout=3000)


#: In-page: each map's legend (its top and gradient stops) and each muscle's load and fill.
MUSCLE_COLOURS_JS = """() => {
    const rgb = c => c.startsWith('#') ? [1, 3, 5].map(i => parseInt(c.slice(i, i + 2), 16))
        : c.match(/\\d+/g).slice(0, 3).map(Number);
    return [...document.querySelectorAll('svg.bodymap')].map(map => {
        const legend = map.closest('section').querySelector('svg.legend-heat');
        return {
            top: parseFloat(legend.dataset.top),
            stops: [...legend.querySelectorAll('stop')].map(
                s => [parseFloat(s.getAttribute('offset')), rgb(s.getAttribute('stop-color'))]),
            muscles: [...map.querySelectorAll('.muscle')].map(g => [
                parseFloat(g.dataset.value),
                rgb(getComputedStyle(g.querySelector('ellipse, polygon')).fill),
            ]),
        };
    });
}"""


def _legend_colour(legend: dict[str, Any], load: float) -> list[int]:
    """The colour a page's legend gives ``load``: its gradient at load / top (capped at 1)."""
    t = min(load / legend["top"], 1.0)
    stops = legend["stops"]
    k = next(k for k in range(1, len(stops)) if stops[k][0] >= t or k == len(stops) - 1)
    (t0, c0), (t1, c1) = stops[k - 1], stops[k]
    return [round(a + (b - a) * (t - t0) / (t1 - t0)) for a, b in zip(c0, c1, strict=True)]


def test_muscle_colours_share_one_scale_across_pages(page: Any, base_url: str, demo: Demo) -> None:
    """A load has one colour on every page: each loaded muscle on the week's two maps, a run's
    map and a lifting session's map is filled with the colour that every other page's legend
    gives its load (one top, one gradient), so the colours of two pages compare."""
    maps: dict[str, Any] = {}
    for name, path in (
        ("week", "/?date={last}"),
        ("run", "/activity/{run}"),
        ("lifting", "/strength/session/{lift}"),
    ):
        page.goto(base_url + path.format(**_ids(demo)))
        for n, legend in enumerate(page.evaluate(MUSCLE_COLOURS_JS)):
            assert len(legend["muscles"]) >= len(MUSCLES), name
            maps[f"{name}-{n}"] = legend
    assert len(maps) == 4  # the week's strength and endurance maps, the run's, the session's
    assert len({legend["top"] for legend in maps.values()}) == 1  # one scale
    loaded = 0
    for name, legend in maps.items():
        for load, fill in legend["muscles"]:
            if load <= 0:
                continue
            loaded += 1
            for other, its in maps.items():  # this load, as every page's legend colours it
                want = _legend_colour(its, load)
                assert max(abs(a - b) for a, b in zip(fill, want, strict=True)) <= 1, (
                    name,
                    other,
                    load,
                    fill,
                    want,
                )
    assert loaded >= 8


def test_drop_zone_takes_dragged_files(page: Any, base_url: str, real_dir: Path) -> None:
    """Files dropped on the drop zone (a real DataTransfer, as a drag from the desktop gives)
    are chosen as if picked, named in the zone, and imported by the button."""
    path = real_dir / REAL_RUN
    page.goto(f"{base_url}/import")
    transfer = page.evaluate_handle(
        """([name, bytes]) => {
            const dt = new DataTransfer();
            dt.items.add(new File([new Uint8Array(bytes)], name));
            return dt;
        }""",
        [path.name, list(path.read_bytes())],
    )
    page.dispatch_event(".drop", "dragenter", {"dataTransfer": transfer})
    assert "over" in (page.locator(".drop").get_attribute("class") or "")
    page.dispatch_event(".drop", "drop", {"dataTransfer": transfer})
    assert page.evaluate("document.querySelector('input[type=file]').files[0].name") == path.name
    assert path.name in page.locator(".drop .chosen").inner_text()
    page.click("button[type=submit]")
    row = page.locator("#rows tr").first
    row.wait_for(timeout=20000)
    assert path.name in row.inner_text()
    assert row.locator(".badge").text_content() in ("imported", "duplicate")


def test_route_tells_where_and_how_fast(page: Any, base_url: str, demo: Demo) -> None:
    """The route under the pointer: the nearest point's time and pace, marked by a dot."""
    page.goto(f"{base_url}/activity/{demo.run_id}")
    route = page.locator("svg.route[data-tips]")
    assert route.count() == 1
    d = route.evaluate("svg => JSON.parse(svg.getAttribute('data-tips'))")
    i = len(d["x"]) // 2
    x, y = route.evaluate(
        """(svg, i) => {
            const d = JSON.parse(svg.getAttribute('data-tips'));
            svg.scrollIntoView({block: 'center'});
            const pt = svg.createSVGPoint();
            pt.x = d.x[i]; pt.y = d.y2[i];
            const s = pt.matrixTransform(svg.getScreenCTM());
            return [s.x, s.y];
        }""",
        i,
    )
    page.wait_for_timeout(100)  # the scroll, which hides a hover's tooltip, happens first
    page.mouse.move(x, y)
    lines = _tip_lines(page)
    assert lines[0] == d["label"][i] and re.fullmatch(r"at (\d+:)?\d+:\d\d", lines[0]), lines
    assert re.fullmatch(r"pace: \d+:\d\d /km", lines[1]), lines
    circle = route.locator(".tipmark circle").first
    assert float(circle.get_attribute("cx")) == d["x"][i]
    assert float(circle.get_attribute("cy")) == d["y2"][i]
    _shot(page, "pages/tooltip-route.png", full_page=False)
