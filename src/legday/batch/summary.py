"""The activity table reduced, on Dask, to a row per athlete and week: the figures a study reports.

The table is partitioned by athlete, so each athlete's folder is one Dask task (no shuffle),
which turns its rows into the week check's :class:`~legday.week.check.SessionFacts`
(:func:`legday.store.facts.activity_facts`, as the database's rows are) and asks
:func:`~legday.week.check.check_week_of` about every week that holds a session: the same rule
objects as ``legday week`` and the planner.

What watch files cannot tell: a lifting session is only in the table when a lifting log (Strong,
Hevy) or a watch's strength activity was in the input. For an athlete with no strength session
at all, R8–R11 read ``unknown``: not lifting and not logging the lifting look the same. R9 (what
a session covers) needs the exercises, which only logs and watch strength sets give.
"""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from legday.model import MUSCLES, AthleteProfile, RunKind
from legday.settings import Settings

if TYPE_CHECKING:
    from legday.week.check import SessionFacts

__all__ = ["RULE_IDS", "SUMMARY_SCHEMA", "summarise", "summary_table"]

#: The week rules a summary row reports.
RULE_IDS = ("R8", "R9", "R10", "R11")
#: Columns :func:`~legday.store.facts.activity_facts` reads as they are.
_AS_STORED = (
    "sport",
    "start",
    "utc_offset_s",
    "duration_s",
    "distance_m",
    "kind",
    "category",
    "counts_as_leg_day",
    "trimp",
)
#: Columns of the activity table a summary reads.
COLUMNS = [
    *_AS_STORED,
    "overload",
    "cardio_band_s",
    "above_band_s",
    "strength_load",
    "lower_body",
    "coverage",
    "error",
    *(f"muscle_{m}" for m in MUSCLES),
]
#: A summary row's columns: counts, minutes, and each rule's ``met``, ``broken``, ``n/a`` or
#: ``unknown``.
SUMMARY_SCHEMA = pa.schema(
    [
        ("athlete", pa.string()),
        ("week", pa.string()),
        ("monday", pa.date32()),
        ("runs", pa.int32()),
        *((f"runs_{k.value}", pa.int32()) for k in RunKind),
        ("other_sessions", pa.int32()),
        ("strength_sessions", pa.int32()),
        ("leg_days", pa.int32()),
        ("power_min", pa.float64()),
        ("cardio_band_min", pa.float64()),
        ("guideline_min", pa.float64()),
        *((rule.lower(), pa.string()) for rule in RULE_IDS),
    ]
)


def summarise(
    out: str,
    *,
    profile: AthleteProfile | None = None,
    settings: Settings | None = None,
) -> list[dict[str, Any]]:
    """A row per athlete and ISO week of the activity table a batch wrote into ``out``, in
    athlete and week order: a Dask task per athlete partition (on the current Dask client when
    there is one, else on Dask's local threads)."""
    from dask.base import compute
    from dask.delayed import delayed
    from fsspec.core import url_to_fs

    from .chunk import TABLE_DIR

    fs, root = url_to_fs(out)
    folders = sorted(fs.glob(f"{root}/{TABLE_DIR}/athlete=*"))
    task = delayed(_athlete_weeks, pure=True)
    parts = [
        task(out, folder, profile or AthleteProfile(), settings or Settings()) for folder in folders
    ]
    return [row for part in compute(*parts) for row in part]


def summary_table(rows: list[dict[str, Any]]) -> pa.Table:
    """:func:`summarise`'s rows as an Arrow table (to write as Parquet)."""
    import pyarrow as pa

    return pa.Table.from_pylist(rows, schema=SUMMARY_SCHEMA)


def _athlete_weeks(
    out: str, folder: str, profile: AthleteProfile, settings: Settings
) -> list[dict[str, Any]]:
    """One athlete's partition to a row per week that holds a session."""
    from urllib.parse import unquote

    import pyarrow.dataset as ds
    from fsspec.core import url_to_fs

    from legday.week.check import check_week_of, week_start

    fs, _ = url_to_fs(out)
    table = ds.dataset(folder, format="parquet", filesystem=fs).to_table(columns=COLUMNS)
    athlete = unquote(folder.rstrip("/").rsplit("athlete=", 1)[-1])
    facts = [f for i, r in enumerate(table.to_pylist()) if (f := _facts(i, r, profile))]
    judged = any(f.type == "strength" for f in facts)
    out_rows = []
    for monday in sorted({week_start(f.local_start.date()) for f in facts}):
        report = check_week_of(monday, facts, settings)
        runs = [s for s in report.sessions if s.type == "run"]
        status = {r["rule"]: _status(r, judged) for r in report.rules_met()}
        out_rows.append(
            {
                "athlete": athlete,
                "week": report.week,
                "monday": monday,
                "runs": len(runs),
                **{f"runs_{k.value}": sum(s.kind == k.value for s in runs) for k in RunKind},
                "other_sessions": sum(s.type == "other" for s in report.sessions),
                "strength_sessions": report.strength_sessions,
                "leg_days": report.leg_days,
                "power_min": sum(s.minutes for s in report.sessions if s.category == "power"),
                "cardio_band_min": report.cardio_band_min,
                "guideline_min": report.guideline_min,
                **{rule.lower(): status.get(rule, "n/a") for rule in RULE_IDS},
            }
        )
    return out_rows


def _status(rule: dict[str, Any], judged: bool) -> str:
    if not judged:
        return "unknown"
    if not rule["applicable"]:
        return "n/a"
    return "met" if rule["ok"] else "broken"


def _facts(i: int, r: dict[str, Any], profile: AthleteProfile) -> SessionFacts | None:
    """A table row as the week check's facts (``None`` for a failed file's row), through the
    same :func:`~legday.store.facts.activity_facts` as a stored row."""
    from legday.store.facts import activity_facts

    if r["error"] is not None or r["start"] is None:
        return None
    row = SimpleNamespace(
        id=i,
        analysis={
            "hr": {"cardio_band_s": r["cardio_band_s"], "above_band_s": r["above_band_s"]},
            "overload": bool(r["overload"]),
        },
        verdict={
            "verdict": {
                "category": r["category"],
                "stimulus": {
                    "strength": r["strength_load"],
                    "muscles": {m: r[f"muscle_{m}"] or 0.0 for m in MUSCLES},
                },
            }
        },
        **{k: r[k] for k in _AS_STORED},
    )
    facts = activity_facts(row, profile)
    return replace(facts, coverage=frozenset(r["coverage"] or ()), lower_body=bool(r["lower_body"]))
