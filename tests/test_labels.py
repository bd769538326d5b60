"""The runner has the last word (``legday label``), on both back ends.

A demo-like database (two weeks of the synthetic runner, imported through the CLI): a run the
runner labels a race is judged a race, the week check gives it R11's 72 hours, ``legday
reanalyze`` and a richer copy of the run keep the label, the planner and the history read it,
``legday labels export`` writes it as evaluation data, and bad input gets one typed line.
"""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from legday.assessment import assess, judged_as
from legday.cli import app
from legday.errors import LabelError, NotFoundError
from legday.model import WEEKDAYS, RunKind
from legday.settings import Settings
from legday.store.blobs import BlobStore
from legday.store.db import SCHEMA_HEAD, open_database
from legday.store.labels import parse_activity_id, parse_kind
from legday.store.library import Library
from legday.store.schema import ActivityRow
from legday.synth import (
    Device,
    SyntheticAthlete,
    generate_history,
    make_run,
    write_fit,
    write_gpx,
    write_history,
)

runner = CliRunner()

#: The sample's last full week (Monday to Sunday) and the day asked about.
WEEK_OF = "2026-11-20"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two weeks of the synthetic runner as FIT/GPX/TCX files and a Strong CSV."""
    folder = tmp_path_factory.mktemp("label-sample")
    history = generate_history(weeks=2, seed=3, end=date(2026, 11, 22))
    write_history(history, folder, formats=("fit", "gpx", "tcx"))
    return folder


def cli(*args: str) -> Any:
    """``legday ARGS --json``, parsed (the command must succeed)."""
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def fails(*args: str) -> str:
    """``legday ARGS``, which must fail with one line and no traceback; its output."""
    result = runner.invoke(app, list(args))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.output.startswith("legday: error:")
    return result.output


def race_violations(week: dict[str, Any]) -> list[str]:
    return [v["text"] for v in week["violations"] if v["rule"] == "R11" and "race" in v["text"]]


def about_friday(text: str) -> bool:
    """An R11 text about a race on Friday (not a lift on Friday before another day's race)."""
    return "race run on fri" in text or "fri's" in text


def test_a_run_labelled_a_race_is_a_race_everywhere(db_url: str, sample: Path) -> None:
    db = ["--db", db_url]
    assert cli("import", str(sample), "--workers", "1", *db)["failed"] == 0
    week = cli("week", "--date", WEEK_OF, *db)
    runs = {s["weekday"]: s for s in week["sessions"] if s["type"] == "run"}
    friday = runs["fri"]
    analysed = friday["kind"]
    # The week holds a hard leg session on Wednesday evening, under 72 h before Friday's run,
    # which the analysis calls a steady run: nothing to recover from yet.
    assert analysed not in ("race", "intervals", "tempo"), friday
    assert not [v for v in race_violations(week) if about_friday(v)]

    labelled = cli("label", str(friday["id"]), "--kind", "race", *db)
    assert labelled["kind"] == "race" and labelled["label"]["kind"] == "race"
    # judged again with the stored history, the analysis may differ from the import's (which
    # had none yet), but it is the analysis's own kind, kept beside the label
    analysed = labelled["analysed_kind"]
    assert analysed == labelled["analysis"]["kind"] and analysed != "race"
    assert labelled["analysis"]["reasons"], "the analysis keeps its reasons"

    week = cli("week", "--date", WEEK_OF, *db)
    assert {s["id"]: s["kind"] for s in week["sessions"]}[friday["id"]] == "race"
    assert [v for v in race_violations(week) if "72 h before the race run on fri" in v]
    verdict = cli("verdict", str(friday["id"]), *db)
    assert verdict == labelled["verdict"]
    shown = runner.invoke(app, ["verdict", str(friday["id"]), *db], terminal_width=200)
    assert f"Kind: race, set by you (analysed as {analysed})" in shown.output, shown.output

    # reanalyze recomputes the analysis; the runner's label still wins
    result = runner.invoke(app, ["reanalyze", *db])
    assert result.exit_code == 0 and "Reanalysed" in result.output, result.output
    week = cli("week", "--date", WEEK_OF, *db)
    assert {s["id"]: s["kind"] for s in week["sessions"]}[friday["id"]] == "race"
    assert [v for v in race_violations(week) if about_friday(v)]
    category = cli("verdict", str(friday["id"]), *db)["category"]
    assert category == verdict["category"]

    # importing the same files again changes nothing
    assert cli("import", str(sample), "--workers", "1", *db)["imported"] == 0
    assert cli("week", "--date", WEEK_OF, *db)["sessions"] == week["sessions"]

    # cleared: the analysed kind applies again
    cleared = cli("label", str(friday["id"]), "--clear", *db)
    assert cleared["kind"] == analysed and cleared["label"] is None
    assert not [v for v in race_violations(cli("week", "--date", WEEK_OF, *db)) if about_friday(v)]


def test_labels_export_as_evaluation_data(db_url: str, sample: Path, tmp_path: Path) -> None:
    db = ["--db", db_url]
    cli("import", str(sample), "--workers", "1", *db)
    week = cli("week", "--date", WEEK_OF, *db)
    runs = [s for s in week["sessions"] if s["type"] == "run"]
    first, second = runs[0], runs[1]
    cli("label", str(first["id"]), "--kind", "hill-repeats", "--reps", "8", *db)
    cli("label", str(second["id"]), "--kind", "easy", *db)

    out = tmp_path / "mine.toml"
    result = runner.invoke(app, ["labels", "export", "--out", str(out), *db])
    assert result.exit_code == 0 and "Wrote 2 labels" in result.output, result.output
    rows = tomllib.loads(out.read_text(encoding="utf-8"))["run"]
    assert [r["kind"] for r in rows] == ["hill_repeats", "easy"]
    hills, easy = rows
    assert hills["tags"] == ["hill_repeats"] and easy["tags"] == []
    assert hills["blocks"] == [{"pattern": "hill_repeats", "reps": 8}] and easy["blocks"] == []
    for row in rows:
        assert row["evidence"].startswith("labelled by the runner on ")
        assert set(row) == {"path", "kind", "tags", "blocks", "evidence"}
        # the stored original: a path legday reads back (bench/classify.py can score it)
        assert Path(row["path"]).is_file()
    from legday.io.reader import read

    assert read(Path(hills["path"])).start.date().isoformat() == first["date"]
    # --source-names: the file it was imported from; printed when there is no --out
    result = runner.invoke(app, ["labels", "export", "--source-names", *db])
    assert result.exit_code == 0, result.output
    names = [r["path"] for r in tomllib.loads(result.output)["run"]]
    assert all(Path(n).parent == sample for n in names), names
    as_json = cli("labels", "export", *db)
    assert [r["activity_id"] for r in as_json] == [first["id"], second["id"]]


def test_bad_labels_get_one_typed_line(tmp_path: Path, sample: Path) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'db.sqlite'}"]
    cli("import", str(sample), "--workers", "1", *db)
    week = cli("week", "--date", WEEK_OF, *db)
    run = next(s for s in week["sessions"] if s["type"] == "run")
    lift = next(s for s in week["sessions"] if s["type"] == "strength")
    assert "unknown run kind 'marathon'; valid kinds: easy," in fails(
        "label", str(run["id"]), "--kind", "marathon", *db
    )
    assert "no activity with id 9999" in fails("label", "9999", "--kind", "race", *db)
    assert "no activity with id 'abc'" in fails("label", "abc", "--kind", "race", *db)
    assert f"{lift['id']} is a strength session" in fails(
        "label", str(lift["id"]), "--kind", "race", *db
    )
    assert "no repetitions to count" in fails(
        "label", str(run["id"]), "--kind", "long", "--reps", "3", *db
    )
    assert "--kind KIND" in fails("label", str(run["id"]), *db)
    assert "--kind KIND" in fails("label", str(run["id"]), "--kind", "race", "--clear", *db)
    # nothing was stored by any of them
    assert cli("labels", "export", *db) == []


def test_parsers() -> None:
    assert parse_kind("Hill repeats") is RunKind.HILL_REPEATS
    assert parse_kind(" race ") is RunKind.RACE
    with pytest.raises(LabelError, match="valid kinds: easy, recovery"):
        parse_kind("jog")
    assert parse_activity_id("42") == 42 and parse_activity_id(7) == 7
    with pytest.raises(LabelError, match="strength session"):
        parse_activity_id("s5")
    with pytest.raises(NotFoundError):
        parse_activity_id("-3")


def _library(url: str, home: Path) -> Library:
    return Library(
        db=open_database(url),
        blobs=BlobStore(home / "originals"),
        profile=SyntheticAthlete.default().profile(),
        settings=Settings(),
        clock=lambda: datetime(2026, 11, 23, 12, tzinfo=UTC),
    )


def test_a_labelled_intervals_day_is_hard_and_the_planner_follows(
    tmp_path: Path, sample: Path
) -> None:
    lib = _library(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    try:
        assert lib.import_paths([sample], workers=1).ok
        day = date(2026, 11, 22)
        facts = [f for f in lib.session_facts(day - timedelta(days=13), day) if f.type == "run"]
        easy = [f for f in facts if f.kind in ("easy", "recovery")]
        assert easy, [f.kind for f in facts]
        weekday = easy[0].local_start.weekday()
        same_day = [f for f in facts if f.local_start.weekday() == weekday]
        for f in same_day:
            data = lib.label(f.id, "intervals", 6)
            assert data["verdict"]["verdict"]["category"] == "power"
        after = {f.id: f for f in lib.session_facts(day - timedelta(days=13), day)}
        monday = day - timedelta(days=day.weekday())
        for f in same_day:
            assert after[f.id].kind == "intervals"
            assert after[f.id].to_week_session(monday).is_hard_run
        plan = lib.plan(day).to_dict()
        runs = {
            d["weekday"]: [s["kind"] for s in d["sessions"] if s["type"] == "run"]
            for d in plan["days"]
        }
        assert runs[WEEKDAYS[weekday]] == ["intervals"], runs
    finally:
        lib.close()


def test_the_label_outlives_a_poorer_copy(db_url: str, tmp_path: Path) -> None:
    """A run stored from a GPX, labelled, then replaced by the watch's richer FIT: the
    replacement keeps the runner's label and is judged with it."""
    run = make_run(
        "easy",
        SyntheticAthlete.default(),
        Device.clean(),
        datetime(2026, 11, 24, 7, tzinfo=UTC),
        np.random.default_rng(1),
    )
    (tmp_path / "strava.gpx").write_bytes(write_gpx(run.activity))
    (tmp_path / "garmin.fit").write_bytes(write_fit(run.activity, run.truth))
    lib = _library(db_url, tmp_path)
    try:
        assert lib.import_paths([tmp_path / "strava.gpx"], workers=1).ok
        with lib.db.session() as s:
            (first,) = s.scalars(sa.select(ActivityRow.id)).all()
        assert lib.activity(first)["verdict"]["verdict"]["category"] == "cardio"
        lib.label(first, "intervals", 5)
        assert lib.import_paths([tmp_path / "garmin.fit"], workers=1).ok
        with lib.db.session() as s:
            (row,) = s.scalars(sa.select(ActivityRow)).all()
            assert row.source_format == "fit"  # the GPX row is gone (SQLite may reuse its id)
            assert (row.label_kind, row.label_reps, row.kind) == ("intervals", 5, "intervals")
            assert row.analysis is not None and row.analysis["kind"] == "easy"
            assert row.verdict is not None and row.verdict["verdict"]["category"] == "power"
            assert row.category == "power"
    finally:
        lib.close()


def test_the_migration_adds_the_label_columns(db_url: str) -> None:
    """A database made by the first schema gains the label columns, its rows intact."""
    from importlib import resources

    from alembic import command
    from alembic.config import Config

    engine = sa.create_engine(db_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("legday.store") / "migrations"))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0001")
    with engine.begin() as connection:
        connection.execute(sa.text("insert into athletes (name, profile) values ('old', '{}')"))
        columns = {c["name"] for c in sa.inspect(connection).get_columns("activities")}
        assert "label_kind" not in columns
    engine.dispose()
    db = open_database(db_url)
    try:
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("activities")}
        assert {"label_kind", "label_reps", "labelled_at"} <= columns
        with db.engine.connect() as c:
            assert c.execute(sa.text("select version_num from alembic_version")).scalar() == (
                SCHEMA_HEAD
            )
            assert c.execute(sa.text("select name from athletes")).scalar() == "old"
    finally:
        db.dispose()


def test_judged_as_keeps_other_patterns_and_drops_the_analysed_kind() -> None:
    athlete = SyntheticAthlete.default()
    start = datetime(2026, 11, 24, 7, tzinfo=UTC)
    run = make_run("intervals", athlete, Device.clean(), start, np.random.default_rng(5))
    result = assess(run.activity, athlete.profile())
    assert result.analysis.kind is RunKind.INTERVALS, result.analysis.reasons
    as_race = judged_as(result.analysis, RunKind.RACE)
    assert as_race.kind is RunKind.RACE and RunKind.INTERVALS not in as_race.tags
    assert judged_as(result.analysis, None) is result.analysis
    labelled = assess(run.activity, athlete.profile(), label=RunKind.EASY)
    assert labelled.kind is RunKind.EASY and labelled.analysis.kind is RunKind.INTERVALS
    assert labelled.verdict.category == "cardio" and result.verdict.category == "power"
