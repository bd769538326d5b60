"""``read_fit``: FIT bytes → one :class:`~legday.model.Activity` per session.

The pipeline: :func:`~legday.io.fit.framing.scan` finds every message boundary in one tight
loop; :class:`~legday.io.fit.columns.MessageIndex` gathers the wanted fields of each message
type with numpy; components, stored heart rate and the profile's scales turn them into SI
channels; sessions split the records by time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from legday.errors import (
    CorruptFileError,
    FileError,
    OnError,
    TruncatedFileError,
    UnsafeInputError,
    UnsupportedFileError,
)
from legday.io.fit.columns import FloatArray, MessageIndex, Table
from legday.io.fit.components import expand_components
from legday.io.fit.developer import DevFields, DevType
from legday.io.fit.framing import Fault, looks_like_fit, scan
from legday.io.fit.hr import merge_stored_heart_rate
from legday.io.fit.profile import mesg_num, message_profile
from legday.io.fit.protocol import FIT_EPOCH_S, HEADER_SIZES, SIGNATURE, base_type
from legday.io.fit.samples import dev_channels, record_samples
from legday.io.fit.summaries import (
    NO_TOTALS,
    SessionRow,
    device_name,
    enum_text,
    events,
    exercise_sets,
    file_type,
    laps,
    sessions,
    utc_offset_s,
)
from legday.io.fit.times import plausible_records, relative_time_warning
from legday.io.fit.workout import step_exercises
from legday.io.limits import MAX_FIT_BYTES
from legday.model import Activity, Source

__all__ = ["is_fit", "read_fit"]

#: The messages read, by profile name, with the fields wanted (None: every field).
_WANTED: dict[str, tuple[str, ...] | None] = {
    "file_id": ("type", "manufacturer", "product", "product_name"),
    "session": (
        "timestamp",
        "start_time",
        "sport",
        "sub_sport",
        "total_elapsed_time",
        "total_timer_time",
        "total_distance",
        "total_ascent",
        "total_descent",
        "avg_heart_rate",
        "max_heart_rate",
        "total_calories",
    ),
    "lap": (
        "timestamp",
        "start_time",
        "sport",
        "intensity",
        "lap_trigger",
        "wkt_step_index",
        "total_distance",
        "total_timer_time",
        "total_elapsed_time",
    ),
    "record": None,
    "event": ("timestamp", "event", "event_type", "data"),
    "activity": ("timestamp", "local_timestamp"),
    "sport": ("sport", "sub_sport"),
    "hrv": ("time",),
    "hr": None,
    "set": None,
    # An activity recorded from a workout carries its steps: the exercises its sets point at.
    "workout_step": ("message_index", "exercise_category", "exercise_name"),
    "exercise_title": None,
}
#: The developer field description fields legday reads (FIT profile ``field_description``).
_DEV_FIELDS = (
    "developer_data_index",
    "field_definition_number",
    "fit_base_type_id",
    "field_name",
    "units",
    "scale",
    "offset",
)
#: The ``file_id.type`` name of an activity file (FIT profile type ``file``).
_ACTIVITY_FILE = "activity"
#: Tolerance, s, when comparing a session's timer and elapsed totals (both in ms units, and
#: some devices round one of them to whole seconds).
_TOTALS_SLACK_S = 1.0
#: Errors numpy or the standard library may raise on bytes that slipped past the checks; they
#: are mapped to :class:`CorruptFileError` at this boundary so only LegdayError escapes.
_DECODE_ERRORS = (ValueError, IndexError, KeyError, OverflowError, TypeError, ZeroDivisionError)


@cache
def _wanted_numbers() -> dict[int, frozenset[int] | None]:
    wanted: dict[int, frozenset[int] | None] = {}
    for message, names in _WANTED.items():
        num = mesg_num(message)
        profile = message_profile(num)
        if names is None or profile is None:
            wanted[num] = None
        else:
            wanted[num] = frozenset(profile.by_name[n] for n in names)
    return wanted


def is_fit(head: bytes) -> bool:
    """True when ``head`` (the first 12 or more bytes of a file) is a FIT file header."""
    return looks_like_fit(bytes(head[: 8 + len(SIGNATURE)]))


def read_fit(
    data: bytes, *, name: str | None = None, on_error: OnError = OnError.WARN
) -> list[Activity]:
    """Decode a FIT activity file into one :class:`Activity` per session message.

    Multisport and chained files give several activities, which together hold every record;
    a file with records and no session gives one. ``on_error`` says what a damaged file does:
    ``RAISE`` raises :class:`TruncatedFileError` or :class:`CorruptFileError` (bad CRC,
    undefined local message…) naming the byte offset; ``WARN`` (default) and ``SKIP`` keep what
    was decoded before the fault and append the fault to ``Activity.warnings``. Records whose
    time cannot be placed (none, days away from the session, or going back) are dropped with a
    warning naming their count and byte offset, or raise under ``RAISE``
    (:mod:`~legday.io.fit.times`); so the samples' times are finite and never decrease. A file
    whose times are all device-relative (no clock, e.g. the Forerunner 70) keeps them, with a
    warning that the start is not an absolute time.

    Raises :class:`TruncatedFileError` for an empty file (and for damage before any activity
    data), :class:`UnsupportedFileError` for bytes that are not FIT and for FIT files that
    hold no activity (monitoring, workout definitions…).
    """
    data = bytes(data)
    if not data:
        raise TruncatedFileError("empty file", path=name, offset=0)
    if not is_fit(data):
        if len(data) < HEADER_SIZES[0] and data[0] in HEADER_SIZES:
            raise TruncatedFileError("file ends inside the FIT header", path=name, offset=len(data))
        raise UnsupportedFileError("not a FIT file (no .FIT signature)", path=name, offset=8)
    if len(data) > MAX_FIT_BYTES:
        limit = MAX_FIT_BYTES // (1024 * 1024)
        raise UnsafeInputError(f"a FIT file larger than {limit} MiB is refused", path=name)
    try:
        return _read(data, name, OnError(on_error))
    except FileError:
        raise
    except _DECODE_ERRORS as exc:  # pragma: no cover - a bug guard, exercised by the fuzz test
        raise CorruptFileError(
            f"undecodable FIT data ({type(exc).__name__}: {exc})", path=name, offset=0
        ) from exc


def _error(fault: Fault, name: str | None) -> FileError:
    cls = {"truncated": TruncatedFileError, "unsafe": UnsafeInputError}.get(
        fault.kind, CorruptFileError
    )
    return cls(fault.message, path=name, offset=fault.offset)


def _read(data: bytes, name: str | None, on_error: OnError) -> list[Activity]:
    framing = scan(data)
    if framing.faults and framing.faults[-1].kind == "unsafe":  # refused whatever on_error says
        raise _error(framing.faults[-1], name)
    if on_error is OnError.RAISE and framing.faults:
        raise _error(framing.faults[0], name)
    warnings = [str(_error(f, name)) for f in framing.faults]
    index = MessageIndex(data, framing)
    dev_fields = _developer_fields(index)
    tables = index.tables(_wanted_numbers(), dev_fields)

    def table(message: str) -> Table | None:
        return tables.get(mesg_num(message))

    records = table("record")
    session_rows = sessions(table("session"))
    kind = file_type(table("file_id"))
    if records is not None and len(records):
        # Components first: accumulated fields count every record in file order.
        expand_components(records)
        records, dropped = plausible_records(records, session_rows, name, on_error)
        warnings += dropped
    if (records is None or not len(records)) and not session_rows:
        hard = [f for f in framing.faults if f.hard]
        if hard:
            raise _error(hard[0], name)
        if kind not in (None, _ACTIVITY_FILE):
            raise UnsupportedFileError(f"not an activity file: {kind}", path=name, offset=0)
        raise UnsupportedFileError("FIT file holds no records and no sessions", path=name)
    warnings += relative_time_warning(records, name)
    warnings += _inverted_totals_warnings(session_rows, name)
    return _activities(
        tables=tables,
        records=records,
        session_rows=session_rows,
        dev_fields=dev_fields,
        common={
            "device": device_name(table("file_id")),
            "utc_offset_s": utc_offset_s(table("activity")),
            "source": Source(format="fit", name=name),
        },
        meta=_file_meta(kind, session_rows),
        warnings=warnings,
    )


#: Sports of a multisport file's sessions that are no leg of the event.
_TRANSITIONS = frozenset({"transition", "generic"})


def _file_meta(kind: str | None, rows: list[SessionRow]) -> dict[str, str]:
    """Metadata every activity of the file shares: its FIT file type, and for a multisport
    file (a triathlon: swim, bike, run) the sports of its legs in order, which tell the run leg
    that it was run off the bike."""
    meta = {"fit_file_type": kind} if kind else {}
    legs = [r.sport for r in rows if r.sport not in _TRANSITIONS]
    if len(set(legs)) > 1:
        meta["multisport"] = ",".join(legs)
    return meta


def _inverted_totals_warnings(rows: list[SessionRow], name: str | None) -> list[str]:
    """A warning per session whose timer time exceeds its elapsed time: the timer excludes
    pauses, so it cannot (FIT profile ``session``). Some devices swap the two (a
    Nielsen-Kellerman logger writes 47 min elapsed for a 6 h recording); the totals are kept
    as written, as the official SDK reads them, and ``Activity.duration_s`` takes the longer
    of the samples' span and the elapsed time."""
    out = []
    for k, row in enumerate(rows):
        timer, elapsed = row.totals.total_timer_s, row.totals.total_elapsed_s
        if timer is not None and elapsed is not None and timer > elapsed + _TOTALS_SLACK_S:
            out.append(
                f"{name or '<stream>'}: session {k + 1}'s timer time ({timer:g} s) exceeds its "
                f"elapsed time ({elapsed:g} s); the device's totals are kept as written"
            )
    return out


@cache
def _description_fields() -> dict[int, frozenset[int] | None]:
    """The ``field_description`` fields of :data:`_DEV_FIELDS` and the developer data index of
    ``developer_data_id`` (which opens an index anew), by message number."""
    out: dict[int, frozenset[int] | None] = {}
    for message, names in (
        ("field_description", _DEV_FIELDS),
        ("developer_data_id", ("developer_data_index",)),
    ):
        num = mesg_num(message)
        profile = message_profile(num)
        if profile is not None:  # the profile always has them
            out[num] = frozenset(profile.by_name[n] for n in names)
    return out


def _developer_fields(index: MessageIndex) -> DevFields:
    """The developer field descriptions of the file and where each applies."""
    found = index.tables(_description_fields())
    desc = found.get(mesg_num("field_description"))
    if desc is None:
        return DevFields()
    described: list[tuple[int, int, int, DevType]] = []
    # Python floats: these messages are few, and numpy scalars cost more per look.
    at = desc.offsets.tolist()
    dev_index = desc.raw_of("developer_data_index").tolist()
    field_num = desc.raw_of("field_definition_number").tolist()
    base = desc.raw_of("fit_base_type_id").tolist()
    scale = desc.raw_of("scale").tolist()
    offset = desc.raw_of("offset").tolist()
    names = desc.text("field_name")
    units = desc.text("units")
    for i in range(len(desc)):
        if math.isnan(dev_index[i]) or math.isnan(field_num[i]) or math.isnan(base[i]):
            continue
        bt = base_type(int(base[i]))
        if bt is None:
            continue
        key = (int(dev_index[i]), int(field_num[i]))
        spec = DevType(
            name=names[i] or f"{key[0]}_{key[1]}",
            units=units[i] or "",
            base=bt.number,
            scale=1.0 if math.isnan(scale[i]) or scale[i] == 0 else scale[i],
            offset=0.0 if math.isnan(offset[i]) else offset[i],
        )
        described.append((int(at[i]), *key, spec))
    ids = found.get(mesg_num("developer_data_id"))
    openings: list[tuple[int, int]] = []
    if ids is not None:
        opened = ids.raw_of("developer_data_index").tolist()
        openings = [
            (int(o), int(k))
            for o, k in zip(ids.offsets.tolist(), opened, strict=True)
            if not math.isnan(k)
        ]
    return DevFields.build(described, openings)


def _assign(times: FloatArray, starts: FloatArray) -> npt.NDArray[np.intp]:
    """The session index of each time (the last session started at or before it; the first
    session for earlier times; the previous row's session for NaN)."""
    if not times.size or starts.shape[0] == 1:
        return np.zeros(times.shape[0], dtype=np.intp)
    at = np.maximum(np.searchsorted(starts, times, side="right") - 1, 0)
    missing = np.isnan(times)
    if missing.any():
        last_known = np.maximum.accumulate(np.where(missing, -1, np.arange(times.size)))
        at = np.where(last_known >= 0, at[np.maximum(last_known, 0)], 0)
    return at.astype(np.intp)


def _activities(
    *,
    tables: Mapping[int, Table],
    records: Table | None,
    session_rows: list[SessionRow],
    dev_fields: DevFields,
    common: dict[str, Any],
    meta: dict[str, Any],
    warnings: list[str],
) -> list[Activity]:
    """Split the records, laps, events, sets and RR intervals into one Activity per session.

    ``metadata`` holds ``fit_file_type``, ``hrv_rr_s`` (RR intervals, s) when the file has
    HRV messages, and ``dev_units`` (developer channel → its declared unit) when it has
    developer fields.
    """
    if records is not None:
        heart_rate = records.value("heart_rate")
        hr = tables.get(mesg_num("hr"))
        if hr is not None and len(hr):
            expand_components(hr)
            merge_stored_heart_rate(hr, records.raw_of("timestamp"), heart_rate)
        record_times = records.raw_of("timestamp") + FIT_EPOCH_S
    else:
        heart_rate = np.zeros(0)
        record_times = np.zeros(0)
    if not session_rows:
        sport_table = tables.get(mesg_num("sport"))
        session_rows = [_implicit_session(record_times, sport_table)]
    starts = np.array([s.start for s in session_rows])
    finite_times = record_times[np.isfinite(record_times)]
    fallback = float(finite_times.min()) if finite_times.size else float(FIT_EPOCH_S)
    starts = np.where(np.isfinite(starts), starts, fallback)
    record_session = _assign(record_times, starts)
    all_laps = laps(tables.get(mesg_num("lap")))
    lap_session = _assign(np.array([lap.start for lap in all_laps]), starts).tolist()
    all_events = events(tables.get(mesg_num("event")))
    event_session = _assign(np.array([e.timestamp for e in all_events]), starts).tolist()
    steps = step_exercises(
        tables.get(mesg_num("workout_step")), tables.get(mesg_num("exercise_title"))
    )
    all_sets = exercise_sets(tables.get(mesg_num("set")), steps)
    set_session = _assign(np.array([s.timestamp or np.nan for s in all_sets]), starts).tolist()
    rr_by_session = _rr_intervals(tables.get(mesg_num("hrv")), records, record_session)
    if records is not None and records.dev:
        meta = {
            **meta,
            "dev_units": {name: spec.units for name, _, spec in dev_channels(records, dev_fields)},
        }
    out = []
    for k, row in enumerate(session_rows):
        # One session (most files) holds every record: a slice takes them without a copy.
        rows = slice(None) if len(session_rows) == 1 else np.flatnonzero(record_session == k)
        if records is not None:
            samples = record_samples(records, rows, row.sport, heart_rate, dev_fields)
        else:
            samples = Activity.empty_samples(0)
        start = float(starts[k])
        metadata = dict(meta)
        if k in rr_by_session:
            metadata["hrv_rr_s"] = rr_by_session[k]
        out.append(
            Activity(
                sport=row.sport,
                start=datetime.fromtimestamp(start, tz=UTC),
                samples=samples,
                sub_sport=row.sub_sport,
                laps=tuple(lap for lap, s in zip(all_laps, lap_session, strict=True) if s == k),
                events=tuple(e for e, s in zip(all_events, event_session, strict=True) if s == k),
                totals=row.totals if row.totals != NO_TOTALS else None,
                sets=tuple(x for x, s in zip(all_sets, set_session, strict=True) if s == k),
                metadata=metadata,
                warnings=list(warnings),
                **common,
            )
        )
    return out


def _implicit_session(record_times: FloatArray, sport_table: Table | None) -> SessionRow:
    """The one session of a file that has records but no session message: its sport comes
    from the ``sport`` message when there is one."""
    finite = record_times[np.isfinite(record_times)]
    sport, sub_sport = "generic", None
    if sport_table is not None and len(sport_table):
        sport = enum_text(sport_table, "sport", sport_table.raw_of("sport")[0]) or sport
        sub_sport = enum_text(sport_table, "sub_sport", sport_table.raw_of("sub_sport")[0])
    return SessionRow(
        start=float(finite.min()) if finite.size else float(FIT_EPOCH_S),
        sport=sport,
        sub_sport=sub_sport,
        totals=NO_TOTALS,
    )


def _rr_intervals(
    hrv: Table | None, records: Table | None, record_session: npt.NDArray[np.intp]
) -> dict[int, FloatArray]:
    """RR intervals (s) of ``hrv`` messages, by the session of the record before each."""
    if hrv is None or not len(hrv):
        return {}
    rr = hrv.scaled("time")
    rr = rr if rr.ndim == 2 else rr[:, None]
    if records is None or not len(records) or not record_session.any():
        values = rr.ravel()
        return {0: values[np.isfinite(values)]}
    before = np.clip(np.searchsorted(records.offsets, hrv.offsets) - 1, 0, None)
    session = record_session[before]
    out = {}
    for k in np.unique(session).tolist():
        values = rr[session == k].ravel()
        out[int(k)] = values[np.isfinite(values)]
    return out
