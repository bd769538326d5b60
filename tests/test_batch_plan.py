"""The batch's plan (:mod:`legday.batch.plan`): each group of athletes' passes as a chain of its
own, so that no pass of one athlete waits for another athlete's files (issue 21's speed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

pytest.importorskip("pyarrow")

from legday.batch.chunk import ChunkResult, Shared, Summaries
from legday.batch.plan import Plan, Stage, groups
from legday.batch.sources import Source
from legday.model import AthleteProfile
from legday.settings import Settings

SHARED = Shared(AthleteProfile(), Settings())


def _files(athlete: str, n: int) -> list[Source]:
    return [Source(f"/a/{athlete}/{i:03}.fit", athlete) for i in range(n)]


def _scan(chunk: list[Source]) -> Summaries:
    """What a scan returns for ``chunk``: a run a day, each file its own content."""
    t0 = datetime(2026, 11, 1, 7, tzinfo=UTC)
    rows: list[dict[str, Any]] = []
    for s in chunk:
        day = int(s.url.rsplit("/", 1)[1][:3])
        rows.append(
            {
                "sha256": s.url,
                "source": s.name,
                "athlete": s.athlete,
                "index": 0,
                "sport": "running",
                "start": t0 + timedelta(days=day),
                "duration_s": 1800.0 + day,
                "distance_m": 5000.0,
                "kind": "easy",
                "max_hr": 170.0,
                "effort_hr": 150.0,
                "richness": 100,
            }
        )
    return Summaries(ChunkResult(files=len(chunk)), rows)


def test_an_athlete_is_cut_in_chunks_of_near_equal_length_and_small_ones_share_a_chunk() -> None:
    sources = [*_files("ann", 10), *_files("bob", 2), *_files("cy", 1), *_files("di", 3)]
    cut = list(groups(sources, 4))
    assert [([len(c) for c in chunks], athletes) for chunks, athletes in cut] == [
        ([3, 3, 4], ["ann"]),
        ([3], ["bob", "cy"]),
        ([3], ["di"]),
    ]
    assert [s for chunks, _ in cut for c in chunks for s in c] == sources


def test_an_athletes_next_pass_starts_while_the_others_are_still_scanned() -> None:
    """No barrier: once ann's scan is done, her judging is handed out, with her history alone,
    though bob's scan has not finished; then her rows; bob's passes follow his own scan."""
    plan = Plan([*_files("ann", 3), *_files("bob", 3)], 3, SHARED)
    ann_scan, bob_scan = plan.start()
    assert (ann_scan.stage, bob_scan.stage) == (Stage.SCAN, Stage.SCAN)
    [ann_judge] = plan.finished(ann_scan, _scan(ann_scan.chunks[0]))
    assert ann_judge.stage is Stage.JUDGE and bob_scan.left == 1
    assert (
        set(ann_judge.histories or {}) == {"ann"} and len((ann_judge.histories or {})["ann"]) == 3
    )
    # her first run has no earlier run: judged against her history, it is as the scan judged it
    assert [s.name for s in ann_judge.chunks[0]] == [s.name for s in _files("ann", 3)[1:]]
    assert ann_judge.shared.done == frozenset({"/a/ann/000.fit"})
    judged = [{"sha256": s.url, "index": 0, "kind": "long"} for s in ann_judge.chunks[0]]
    [ann_rows] = plan.finished(ann_judge, Summaries(ChunkResult(files=2), judged))
    assert ann_rows.stage is Stage.WRITE and ann_rows.shared is plan.write_shared
    kinds = [h["kind"] for h in (ann_rows.histories or {})["ann"]]
    assert sorted(kinds) == ["easy", "long", "long"]
    assert plan.finished(ann_rows, ChunkResult(files=3, rows=3)) == []
    [bob_judge] = plan.finished(bob_scan, _scan(bob_scan.chunks[0]))
    assert set(bob_judge.histories or {}) == {"bob"}
    assert plan.counts[Stage.SCAN].files == 6 and plan.counts[Stage.WRITE].rows == 3


def test_a_group_goes_on_once_its_last_chunk_is_done_and_straight_to_its_rows_when_settled() -> (
    None
):
    """A pass of several chunks hands out the next once all of them are done; a group none of
    whose runs has an earlier run (nothing to judge again) goes straight to its rows."""
    plan = Plan(_files("ann", 4), 2, SHARED)
    [scan] = plan.start()
    first, second = scan.chunks
    assert plan.finished(scan, _scan(first)) == []
    [judge] = plan.finished(scan, _scan(second))
    assert judge.stage is Stage.JUDGE
    lone = Plan(_files("cy", 1), 2, SHARED)
    [scan] = lone.start()
    [rows] = lone.finished(scan, _scan(scan.chunks[0]))
    assert rows.stage is Stage.WRITE and rows.histories is not None


def test_a_resumed_plan_takes_the_summaries_and_kinds_a_run_before_wrote() -> None:
    """Files scanned by a run before are skipped by the scan, and those it judged by the
    judging; their summaries and kinds still make the athlete's history."""
    sources = _files("ann", 3)
    before = _scan(sources[:2]).rows
    kinds = [{"sha256": "/a/ann/001.fit", "index": 0, "kind": "long"}]
    scanned = frozenset(r["sha256"] for r in before)
    plan = Plan(sources, 3, SHARED, scanned=scanned, prior_scan=before, prior_judged=kinds)
    [scan] = plan.start()
    assert scan.shared.done == {"/a/ann/000.fit", "/a/ann/001.fit"}
    [judge] = plan.finished(scan, _scan(sources[2:]))
    assert len((judge.histories or {})["ann"]) == 3
    assert [s.name for c in judge.chunks for s in c] == ["/a/ann/002.fit"]
    judged = [{"sha256": "/a/ann/002.fit", "index": 0, "kind": "tempo"}]
    [rows] = plan.finished(judge, Summaries(ChunkResult(files=1), judged))
    history = sorted((rows.histories or {})["ann"], key=lambda h: h["start"])
    assert [h["kind"] for h in history] == ["easy", "long", "tempo"]


def test_without_history_each_group_has_its_rows_pass_only() -> None:
    plan = Plan([*_files("ann", 2), *_files("bob", 2)], 2, SHARED, history=False)
    passes = plan.start()
    assert [p.stage for p in passes] == [Stage.WRITE, Stage.WRITE]
    assert all(p.histories is None for p in passes)
