"""Runs judged in date order (issue 14, R4): a whole archive imported in one command flags the
run much longer than usual, and an older file imported later re-judges the runs it precedes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

from legday.settings import Settings
from legday.store.blobs import BlobStore
from legday.store.db import open_database
from legday.store.library import Library
from legday.store.schema import ActivityRow
from legday.synth import History, SyntheticAthlete, generate_history, write_history

END = date(2026, 11, 22)
END_START = datetime(2026, 11, 22, 8, tzinfo=UTC)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[History, list[Path]]:
    """Six weeks of the synthetic runner, whose week-3 long run is an R4 overload."""
    history = generate_history(weeks=6, seed=0, end=END)
    paths = write_history(history, tmp_path_factory.mktemp("archive"), formats=("fit", "tcx"))
    assert any(r.truth.overload for r in history.runs)
    return history, [p for p in paths if p.suffix != ".csv"]


def library(tmp_path: Path) -> Library:
    return Library(
        db=open_database(f"sqlite:///{tmp_path / 'db.sqlite'}"),
        blobs=BlobStore(tmp_path / "originals"),
        profile=SyntheticAthlete.default().profile(),
        settings=Settings(),
    )


def overloads(lib: Library) -> dict[str, bool]:
    """Stored runs by start: whether the analysis and the verdict call them an overload."""
    with lib.db.session() as s:
        rows = s.scalars(sa.select(ActivityRow).order_by(ActivityRow.start)).all()
        out = {}
        for r in rows:
            flagged = bool((r.analysis or {}).get("overload"))
            said = any(
                x["rule"] == "R4" and "new overload" in x["text"]
                for x in (r.verdict or {})["verdict"]["reasons"]
            )
            assert flagged == said, r.start
            out[r.start.isoformat()] = flagged
        return out


def truth(history: History) -> set[str]:
    """The starts of the runs the synthetic runner made an R4 overload."""
    return {
        r.activity.start.replace(tzinfo=None).isoformat() for r in history.runs if r.truth.overload
    }


def flagged(got: dict[str, bool]) -> set[str]:
    return {start for start, overload in got.items() if overload}


def test_an_archive_imported_in_one_command_flags_the_overload(
    tmp_path: Path, archive: tuple[History, list[Path]]
) -> None:
    history, paths = archive
    lib = library(tmp_path)
    try:
        assert lib.import_paths([paths[0].parent], workers=2).ok
        got = overloads(lib)
    finally:
        lib.close()
    assert len(got) == len(history.runs)
    assert flagged(got) == truth(history)


def test_an_older_file_imported_later_rejudges_the_runs_after_it(
    tmp_path: Path, archive: tuple[History, list[Path]]
) -> None:
    history, paths = archive
    lib = library(tmp_path)
    try:
        (long_run,) = [r for r in history.runs if r.truth.overload]
        first = f"{long_run.activity.local_start:%Y-%m-%d_%H%M}"
        late = [p for p in paths if p.name >= first]
        early = [p for p in paths if p not in late]
        assert lib.import_paths(late, workers=1).ok
        alone = overloads(lib)
        assert not any(alone.values())  # no earlier run: nothing says what is usual
        assert lib.import_paths(early, workers=1).ok
        got = overloads(lib)
    finally:
        lib.close()
    assert flagged(got) == truth(history)


def test_the_demo_archive_flags_its_overload_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``legday demo`` imports its files, TCX runs in a Strava zip among them, in one command."""
    from typer.testing import CliRunner

    from legday.cli import app
    from legday.home import Home

    monkeypatch.setenv("LEGDAY_HOME", str(tmp_path))
    result = CliRunner().invoke(app, ["demo", "--weeks", "4", "--seed", "1", "--teammates", "0"])
    assert result.exit_code == 0, result.output
    history = generate_history(weeks=4, seed=1)
    lib = Library.open(Home(tmp_path / "demo" / "seed-1"))
    try:
        got = overloads(lib)
    finally:
        lib.close()
    assert flagged(got) == truth(history)


def test_a_strava_run_is_judged_again_with_what_its_export_said() -> None:
    """Name, type, gear and perceived exertion came from activities.csv, not the file: judging
    the run again from its stored original carries them over once more."""
    from legday.io.strava import apply_strava
    from legday.model import CHANNELS, Activity
    from legday.store.chronology import strava_row_of

    row = ActivityRow(
        name="Parkrun",
        description="PB attempt",
        meta={"strava_activity_id": "17", "strava_type": "Run", "gear": "Shoes", "rpe": 9.0},
    )
    empty = {c: np.empty(0) for c in CHANNELS}
    again = Activity(start=END_START, sport="running", samples=empty)
    apply_strava(again, strava_row_of(row) or {})
    assert (again.name, again.description) == ("Parkrun", "PB attempt")
    assert again.metadata["rpe"] == 9.0 and again.metadata["gear"] == "Shoes"
    assert strava_row_of(ActivityRow(name="Morning Run", meta={})) is None


def test_the_streamed_pass_judges_each_run_as_decoding_its_original_again(
    tmp_path: Path, archive: tuple[History, list[Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pass, streamed a few files a chunk on two workers, leaves every run judged exactly as
    its definition (and the pass before it streamed) said: each original decoded again and
    judged against the history stored after the import, as of the run's start, as the runner's
    label when there is one. It judges the activities the stored samples carry, and decodes
    the originals of runs stored without them (before they carried them) instead."""
    from legday.store import chronology
    from legday.store.importer import Importer, stored_e1rm, stored_history
    from legday.store.labels import labels_of_file
    from legday.store.samples import carries_activity, pack_samples, unpack_samples
    from legday.store.schema import FileRow
    from legday.store.work import WorkItem, decode_item

    _, paths = archive
    first_start: dict[str, datetime] = {}
    monkeypatch.setattr(
        Importer, "_rejudge_later_runs", lambda self, _: first_start.update(self._first_start)
    )
    monkeypatch.setattr(chronology, "CHUNK_FILES", 4)  # several chunks, one of them short
    lib = library(tmp_path)
    try:
        assert lib.import_paths(paths, workers=1).ok  # judged against no history yet
        with lib.db.session() as s:
            tempo = s.scalars(sa.select(ActivityRow.id).order_by(ActivityRow.start)).all()[-3]
        lib.label(tempo, "tempo")  # a label the pass must judge with
        with lib.db.session() as s:
            rows = s.scalars(sa.select(ActivityRow).order_by(ActivityRow.start)).all()
            assert all(carries_activity(r.samples) for r in rows)
            for r in rows[::3]:  # as stored before samples carried the activity
                r.samples = pack_samples(unpack_samples(r.samples))
        athlete_id = lib._athlete_id()
        assert athlete_id is not None
        history = stored_history(lib.db, athlete_id)
        e1rm = stored_e1rm(lib.db, athlete_id)

        before = judged(lib)
        expected = dict(before)
        with lib.db.session() as s:
            for r in s.scalars(sa.select(ActivityRow).order_by(ActivityRow.start)):
                if r.start.replace(tzinfo=UTC) <= first_start[r.sport]:
                    continue
                file = s.get(FileRow, r.file_id)
                assert file is not None
                item = WorkItem(file.name, lib.blobs.get(file.sha256), file.sha256)
                labels = labels_of_file(s, r.file_id)
                decoded = decode_item(item, lib.profile, lib.settings, history, e1rm, labels)
                one = decoded.activities[r.session_index]
                segments = [(g["start_s"], g["end_s"], g["role"]) for g in one.analysis["segments"]]
                expected[(r.file_id, r.session_index)] = _judgement(one, segments)
        updated = chronology.rejudge_since(
            lib.db, lib.blobs, athlete_id, first_start, lib.profile, lib.settings, workers=2
        )
        after = judged(lib)
    finally:
        lib.close()
    assert updated == len(before) - 1  # every run but the first, which nothing precedes
    assert after == expected
    assert after != before  # the history changed some judgements (the overload among them)


def _judgement(judged: object, segments: list[tuple[float, float, str]]) -> str:
    """What a judgement writes on a run's row (an :class:`ActivityRow` or a decoded activity),
    as comparable text (NaN equal to NaN, a tuple to its list)."""
    import json

    fields = ("kind", "category", "counts_as_leg_day", "trimp", "max_hr", "effort_hr")
    values = [getattr(judged, f) for f in (*fields, "analysis", "verdict")]
    return json.dumps([*values, segments], sort_keys=True, default=str)


def test_reanalyze_judges_as_with_the_history_scanned_for_each_run(
    tmp_path: Path, archive: tuple[History, list[Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``legday reanalyze`` takes each run's earlier sessions from a sorted, growing history:
    every judgement equals the one a plain list, scanned for each run, gives."""
    from legday.store import reanalysis

    _, paths = archive
    lib = library(tmp_path)

    try:
        assert lib.import_paths(paths, workers=1).ok
        assert lib.reanalyze() > 0
        indexed = judged(lib)
        monkeypatch.setattr(reanalysis, "SortedHistory", list)
        lib.reanalyze()
        scanned = judged(lib)
    finally:
        lib.close()
    assert indexed == scanned
    assert len(indexed) == len(paths)


def judged(lib: Library) -> dict[tuple[int, int], str]:
    """Every stored run's judgement by file and session index."""
    with lib.db.session() as s:
        return {
            (r.file_id, r.session_index): _judgement(
                r, [(g.start_s, g.end_s, g.role) for g in r.segments]
            )
            for r in s.scalars(sa.select(ActivityRow))
        }
