"""The week check's to-do says which session to move to which day, and why (issue 15, item 5).

A rule that does not apply (R10 without a hard run) shows as not applicable on the page, as
in ``legday week`` and ``legday plan``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from legday.model import AthleteProfile
from legday.settings import Settings
from legday.store.blobs import BlobStore
from legday.store.db import open_database
from legday.store.library import Library
from legday.web import create_app
from legday.week.check import SessionFacts, check_week_of
from test_web_support import LOOPBACK


def _library(folder: Path, now: datetime) -> Library:
    return Library(
        db=open_database(f"sqlite:///{folder / 'legday.sqlite'}"),
        blobs=BlobStore(folder / "originals"),
        profile=AthleteProfile(),
        settings=Settings(),
        clock=lambda: now,
    )


def test_web_week_shows_a_rule_without_anything_to_judge_as_not_applicable(
    tmp_path: Path,
) -> None:
    now = datetime(2026, 12, 2, 18, tzinfo=UTC)
    lib = _library(tmp_path, now)
    lib.log("back squat 3x8 @ 80kg rir 2")  # legs, and no hard run all week: R10 has nothing
    lib.close()
    with TestClient(create_app(lambda: _library(tmp_path, now)), base_url=LOOPBACK) as c:
        html = c.get("/", params={"date": "2026-12-02"}).text
    r10 = html[html.index('data-rule="R10"') :]
    r10 = r10[: r10.index("</li>")]
    assert "Not applicable" in r10
    assert "✓" not in r10 and "–" in r10


# -- the week check's to-do: which session, to which day, and why ---------------------------
S = Settings()
MONDAY = date(2026, 11, 23)
ALL = frozenset({"compound", "isolation", "single_leg", "core", "upper"})
UPPER = frozenset({"core", "upper"})


def _at(day: int, hour: int, type_: str, **kw: object) -> SessionFacts:
    start = datetime.combine(MONDAY + timedelta(days=day), time(hour))
    minutes = float(kw.pop("minutes", 45))  # type: ignore[arg-type]
    return SessionFacts(f"{day}-{hour}", start, type_, minutes, **kw)  # type: ignore[arg-type]


def _legs(day: int, hour: int = 18, cover: frozenset[str] = ALL) -> SessionFacts:
    return _at(day, hour, "strength", lower_body=True, coverage=cover)


RUNS = [
    _at(1, 7, "run", kind="intervals"),
    _at(3, 7, "run", kind="tempo"),
    _at(5, 8, "run", kind="long"),
]


def _todo(sessions: list[SessionFacts]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for v in check_week_of(MONDAY, sessions, S).violations:
        out.setdefault(v.rule, []).append(v.text)
    return out


def test_a_misplaced_leg_session_is_told_where_to_go_and_why() -> None:
    # Monday legs pair with no hard run and sit the day before the intervals; Friday legs sit
    # the day before the long run.
    todo = _todo([*RUNS, _legs(0), _legs(4)])
    mon = "move it to Tuesday: legs after Tuesday's intervals."
    assert todo["R10"] == [f"Leg session on mon is not on or the day after a hard run: {mon}"]
    # Each session gets one fix, the second is not sent to Tuesday too, and its reason counts
    # from where the first one goes.
    assert todo["R11"] == [
        f"Leg session on mon is less than 24 h before the intervals run on tue: {mon}",
        "Leg session on fri is less than 24 h before the long run on sat: move it to Thursday: "
        "legs after Thursday's tempo run, 48 h after Tuesday's legs.",
    ]


def test_missing_sessions_and_coverage_say_which_day() -> None:
    todo = _todo(list(RUNS))
    assert todo["R8"] == [
        "0 strength sessions this week: add 2 of 15+ minutes — a leg session on Tuesday: legs "
        "after Tuesday's intervals; and a leg session on Thursday: legs after Thursday's tempo "
        "run, 48 h after Tuesday's legs."
    ]
    upper = [_at(0, 18, "strength", coverage=UPPER), _at(4, 18, "strength", coverage=UPPER)]
    upper_only = _todo([*RUNS, *upper])
    assert upper_only["R9"][0] == (
        "No compound work this week: no leg session this week: add one on Tuesday: legs after "
        "Tuesday's intervals, with a compound lift such as a deadlift or squat."
    )
    one = _todo([*RUNS, _legs(1, cover=frozenset({"compound", "core", "upper"}))])
    assert (
        "add an isolation exercise such as banded clamshells or calf raises to Tuesday's "
        + ("leg session.")
        in one["R9"][0]
    )


def test_sunday_legs_count_against_monday_legs_across_the_week_boundary() -> None:
    todo = _todo([_legs(-1), _legs(0), *RUNS])
    assert any(
        t.startswith("Leg sessions on sun and mon are less than 48 h apart") for t in todo["R11"]
    )


def test_the_week_and_the_plan_say_a_fix_in_the_same_words() -> None:
    from legday.plan import parse_runs, plan_week

    monday = MONDAY + timedelta(days=7)
    plan = plan_week(
        parse_runs("tue=easy,wed=tempo,sun=long"),
        monday=monday,
        available_days=["mon", "tue", "fri"],
        minutes_per_day=30,
    )
    (r10,) = [i for i in plan.infeasible if i.rule == "R10"]
    assert "move legs to Wednesday: legs after Wednesday's tempo run" in r10.text
    lifted = [
        SessionFacts(
            f"p{d.date}",
            datetime.combine(d.date, time(18)),
            "strength",
            s.minutes,
            lower_body=s.lower_body,
            coverage=s.coverage,
        )
        for d in plan.days
        for s in d.sessions
        if s.type == "strength"
    ]
    runs = [
        SessionFacts(f"r{d.date}", datetime.combine(d.date, time(7)), "run", 45, kind=s.kind)
        for d in plan.days
        for s in d.sessions
        if s.type == "run"
    ]
    week = check_week_of(monday, lifted + runs, S)
    texts = [v.text for v in week.violations if v.rule == "R10"]
    assert any("move it to Wednesday: legs after Wednesday's tempo run" in t for t in texts)
