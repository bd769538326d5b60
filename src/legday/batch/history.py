"""Each athlete's history from the scan's summaries, as ``legday import`` stores it.

Pure functions over the rows of the history passes (:data:`~.rows.SCAN_SCHEMA`,
:data:`~.rows.JUDGED`): the reduction of a pass's summaries to a list per athlete, and the
files the second pass need not judge again.
"""

from __future__ import annotations

from typing import Any

__all__ = ["histories", "without_earlier_runs"]


def histories(
    scan: list[dict[str, Any]], judged: list[dict[str, Any]] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Each athlete's history from the scan's summaries, with the kinds ``judged`` gave its runs
    where it judged them. A session is in it once, as the store keeps it: a file listed twice
    counts once, and of two copies of one session (:func:`_copies`) the richer recording."""
    kinds = {(j["sha256"], j["index"]): j["kind"] for j in judged or ()}
    by_athlete: dict[str, dict[tuple[str, int], dict[str, Any]]] = {}
    for row in sorted(scan, key=lambda r: r["source"]):
        if row["sport"] is not None:
            by_athlete.setdefault(row["athlete"], {}).setdefault((row["sha256"], row["index"]), row)
    out: dict[str, list[dict[str, Any]]] = {}
    for athlete, rows in by_athlete.items():
        entries = []
        for key, row in _copies(list(rows.items())):
            entry = {k: row[k] for k in _HISTORY_KEYS}
            entry["kind"] = kinds.get(key, row["kind"])
            entries.append(entry)
        out[athlete] = entries
    return out


_HISTORY_KEYS = ("start", "duration_s", "distance_m", "kind", "sport", "max_hr", "effort_hr")


def _copies(
    rows: list[tuple[tuple[str, int], dict[str, Any]]],
) -> list[tuple[tuple[str, int], dict[str, Any]]]:
    """One athlete's sessions without the copies the import would not store: of sessions of
    one sport (or one "generic") starting within ``SAME_START_TOLERANCE_S`` of each other, the
    richest recording (samples × channels; the first listed on a tie), as
    ``Importer._same_session`` keeps it. Its second rule (a copy in local time without its
    offset, found by comparing the samples) is not applied."""
    from legday.store.importer import SAME_START_TOLERANCE_S

    kept: list[tuple[tuple[str, int], dict[str, Any], int]] = []
    ordered = sorted(enumerate(rows), key=lambda r: r[1][1]["start"])
    for order, (key, row) in ordered:
        twin = None
        for i in range(len(kept) - 1, -1, -1):
            other = kept[i][1]
            if (row["start"] - other["start"]).total_seconds() > SAME_START_TOLERANCE_S:
                break
            if row["sport"] == other["sport"] or "generic" in (row["sport"], other["sport"]):
                twin = i
                break
        if twin is None:
            kept.append((key, row, order))
        elif (row["richness"], -order) > (kept[twin][1]["richness"], -kept[twin][2]):
            kept[twin] = (key, row, order)
    return [(key, row) for key, row, _ in kept]


def without_earlier_runs(
    scan: list[dict[str, Any]], first: dict[str, list[dict[str, Any]]]
) -> frozenset[str]:
    """The files none of whose sessions has an earlier session of its sport by its athlete:
    judged against their history, they are judged as the scan judged them."""
    earliest: dict[tuple[str, str], Any] = {}
    for athlete, entries in first.items():
        for e in entries:
            key = (athlete, e["sport"])
            earliest[key] = min(earliest.get(key, e["start"]), e["start"])
    has_history = {
        row["sha256"]
        for row in scan
        if row["sport"] is not None and row["start"] > earliest[(row["athlete"], row["sport"])]
    }
    return frozenset(row["sha256"] for row in scan if row["sha256"] not in has_history)
