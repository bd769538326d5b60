"""Strava bulk exports: the ``activities.csv`` rows, and sessions that have no file.

A Strava export lists every activity in ``activities.csv``; most rows name their recording
(``activities/123.fit.gz``), whose row gives the activity its name, description, type and gear
(:func:`apply_strava`). Rows without a file are sessions too: entered by hand ("manual
activities": a treadmill run, a gym session), or recorded by an app that uploads no file. Losing
them would lose sessions, so each becomes an :class:`~legday.model.Activity` with no samples and
the row's totals (:func:`row_activity`): start, elapsed and moving time, distance, climb, heart
rate and calories. A row whose file the zip lacks is kept the same way, with a warning.

Columns (checked on a real export, ``strava-insights/data/activities.csv``): several names
repeat; the first ``Distance`` is in the athlete's display unit (km or miles) and the second in
metres, so only the second is read; times are seconds; ``Activity Date`` is UTC, written
``Jan 27, 2021, 1:57:47 PM`` (English month names; another language is refused for that row).

Inside the importer a row travels as bytes (:func:`row_bytes`: a marker line and the row as
JSON, keys sorted), so it is hashed, stored and deduplicated like any file.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime

import numpy as np

from legday.errors import CorruptFileError, UnsupportedFileError
from legday.io.sports import normalize_sport
from legday.io.text import decode_text
from legday.io.timezone import offset_in_zone
from legday.model import CHANNELS, Activity, SessionTotals, Source

__all__ = [
    "ROW_MARKER",
    "apply_strava",
    "is_row_bytes",
    "read_row_bytes",
    "row_activity",
    "row_bytes",
    "strava_rows",
]

#: The first line of a Strava row carried as bytes (never the start of a FIT, GPX or TCX file).
ROW_MARKER = b"legday: a row of a Strava activities.csv\n"
#: ``Activity Date``'s format in Strava's English exports (UTC).
DATE_FORMAT = "%b %d, %Y, %I:%M:%S %p"
#: The suffix legday gives the second column of a repeated name (``Distance #2``, metres).
SECOND = " #2"

_HTML_TAG = re.compile(r"<[^>]+>")


def strava_rows(data: bytes, where: str) -> list[dict[str, str]]:
    """Every row of an ``activities.csv``, by column name.

    A repeated column name keeps its first column under the name and its second under
    ``name #2`` (``Distance #2`` is the distance in metres). Raises :class:`CorruptFileError`
    (naming ``where`` and the line) for text that is not UTF-8 CSV, or has no ``Filename``.
    """
    text = decode_text(data, "utf-8-sig", path=where)
    nul = text.find("\x00")
    if nul >= 0:  # binary, not text (and no database text column may hold it)
        line = text.count("\n", 0, nul) + 1
        raise CorruptFileError("a NUL byte in the text", path=where, line=line)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise CorruptFileError(f"bad CSV: {exc}", path=where, line=reader.line_num) from exc
    if not rows:
        return []
    columns: dict[str, int] = {}
    for i, raw in enumerate(rows[0]):
        end = raw.rfind(">") + 1  # no tag ends later: each "<" not scanned to the end
        h = (_HTML_TAG.sub("", raw[:end]) + raw[end:]).strip()
        if h in columns:
            h += SECOND
        columns.setdefault(h, i)
    if "Filename" not in columns:
        raise CorruptFileError("activities.csv has no Filename column", path=where, line=1)
    return [
        {h: row[i].strip() for h, i in columns.items() if i < len(row)} for row in rows[1:] if row
    ]


def apply_strava(act: Activity, row: dict[str, str]) -> None:
    """Carry name, description, type, gear and perceived exertion (``metadata["rpe"]``, for
    the session-RPE load) from a Strava ``activities.csv`` row over."""
    act.name = row.get("Activity Name") or act.name
    act.description = row.get("Activity Description") or act.description
    for key, column in (
        ("strava_activity_id", "Activity ID"),
        ("strava_type", "Activity Type"),
        ("gear", "Activity Gear"),
    ):
        if row.get(column):
            act.metadata[key] = row[column]
    rpe = _number(row, "Perceived Exertion")
    if rpe is not None and 1 <= rpe <= 10:  # Strava's 1–10 slider, read as CR10 (session RPE)
        act.metadata.setdefault("rpe", rpe)
    sport, sub_sport = normalize_sport(row.get("Activity Type"))
    if act.sport == "generic" and sport != "generic":
        act.sport, act.sub_sport = sport, sub_sport


def row_activity(row: dict[str, str], *, name: str | None = None) -> Activity:
    """A session from its ``activities.csv`` row alone: no samples, the row's totals.

    Raises :class:`UnsupportedFileError` (naming ``name``) when the row has no readable
    ``Activity Date``.
    """
    raw_date = row.get("Activity Date", "")
    try:
        start = datetime.strptime(raw_date, DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise UnsupportedFileError(
            f"Strava activity {row.get('Activity ID') or '?'}: unreadable Activity Date "
            f"{raw_date!r} (legday reads English exports, e.g. 'Jan 27, 2021, 1:57:47 PM')",
            path=name,
        ) from None
    elapsed = _number(row, "Elapsed Time")
    totals = SessionTotals(
        total_elapsed_s=elapsed,
        total_timer_s=_number(row, "Moving Time") or elapsed,
        total_distance_m=_number(row, "Distance" + SECOND),
        total_ascent_m=_number(row, "Elevation Gain"),
        total_descent_m=_number(row, "Elevation Loss"),
        avg_heart_rate_bpm=_number(row, "Average Heart Rate"),
        max_heart_rate_bpm=_number(row, "Max Heart Rate")
        or _number(row, "Max Heart Rate" + SECOND),
        total_calories_kcal=_number(row, "Calories"),
    )
    act = Activity(
        sport="generic",
        start=start,
        samples={key: np.empty(0) for key in CHANNELS},
        source=Source(format="strava_csv", name=name),
        totals=totals,
        metadata={"strava_manual": not row.get("Filename")},
    )
    apply_strava(act, row)
    if row.get("Filename"):
        act.warnings.append(
            f"activities.csv names {row['Filename']}, which the export lacks: "
            "only the row's totals were kept"
        )
    return act


def row_bytes(row: dict[str, str]) -> bytes:
    """The row as bytes for the importer: :data:`ROW_MARKER`, then JSON with sorted keys."""
    return ROW_MARKER + json.dumps(row, sort_keys=True, ensure_ascii=False).encode("utf-8")


def is_row_bytes(data: bytes) -> bool:
    return data.startswith(ROW_MARKER)


def read_row_bytes(
    data: bytes, *, name: str | None = None, profile_tz: str | None = None
) -> Activity:
    """:func:`row_activity` of bytes made by :func:`row_bytes`; the UTC offset is the profile
    time zone's (``profile_tz``) when given, as for a file without positions."""
    try:
        row = json.loads(data[len(ROW_MARKER) :].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorruptFileError(f"not a Strava row: {exc}", path=name) from exc
    if not isinstance(row, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in row.items()
    ):
        raise CorruptFileError("not a Strava row: expected an object of strings", path=name)
    act = row_activity(row, name=name)
    if profile_tz is not None:
        act.utc_offset_s = offset_in_zone(profile_tz, act.start)
        act.metadata["utc_offset_source"] = "profile"
    return act


def _number(row: dict[str, str], column: str) -> float | None:
    text = row.get(column, "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if np.isfinite(value) and value >= 0 else None
