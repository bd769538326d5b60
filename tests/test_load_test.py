"""A CI-sized run of ``bench/load_test.py`` (issue 20 item 5): a real multi-user server with
two workers on PostgreSQL, a few athletes with generated histories and coaches with rosters of
all of them, and a few simulated users for a few seconds, athletes uploading while coaches
browse. It asserts no error and that every page was asked; the timings are the benchmark's."""

from __future__ import annotations

from pathlib import Path

from bench_modules import load_bench


def test_a_short_load_test_has_no_error(tmp_path: Path, pg_server_url: str) -> None:
    bench = load_bench("load_test")
    result = bench.run(
        pg_server_url,
        tmp_path,
        athletes=6,
        coaches=2,
        users=6,
        coach_users=2,
        seconds=5.0,
        think=0.2,
        workers=2,
        weeks=2,
        templates=2,
    )
    assert result["errors"] == []
    asked = set(result["pages"])
    for page in ("/roster", "/api/roster", "week (coach)", "plan (coach)", "POST /api/import"):
        assert page in asked, (page, sorted(asked))
    assert sum(p["n"] for p in result["pages"].values()) >= 20
