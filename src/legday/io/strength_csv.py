"""Strong and Hevy CSV exports → :class:`~legday.model.StrengthSession`.

The format is detected from the header (:data:`StrengthFormat`):

* **Strong** — ``Date, Workout Name, Duration, Exercise Name, Set Order, Weight, Reps,
  Distance, Seconds[, Notes, Workout Notes], RPE``, comma- or semicolon-separated, units either
  absent or in the headers (``Weight (kg)``, ``Weight (lbs)``, ``Distance (km)``, ``(mi)``) or in
  ``Weight Unit``/``Distance Unit`` columns; 24- or 12-hour times; durations like ``2h 18m``;
  ``Set Order`` W/D/F for warm-up, drop and failure sets and ``Rest Timer`` rows.
* **Hevy** — ``title, start_time, end_time, description, exercise_title, superset_id,
  exercise_notes, set_index, set_type, weight_kg|weight_lbs, reps, distance_km|distance_miles,
  duration_seconds, rpe``; set types warmup/normal/failure/dropset.

Times in both are local wall-clock times without an offset: they are read in ``profile_tz``
(default UTC), stored as UTC and the offset kept in ``utc_offset_s``. Loads become kilograms
(lb × 0.45359237), distances metres. Exercise names are mapped to catalog keys
(:func:`legday.strength.names.match_exercise`); an unknown name is kept raw (``mapped=False``)
with a warning naming the closest catalog exercises.

Every data row becomes either a set or a :class:`SkippedRow` with its reason. Rows with values
that cannot be read follow ``on_error`` (:class:`~legday.errors.OnError`); so do rows holding a
NUL byte, reps that are not a whole number from 0 to :data:`MAX_REPS`, a load no one lifts
(negative, below 0.1 kg or above 1000 kg: :mod:`legday.plausible`), a year outside 1900–2100,
and rows naming a new exercise after :data:`MAX_UNKNOWN_EXERCISES` unknown ones (each costs a
fuzzy search). Lines that are not UTF-8 are read as Windows-1252, with a warning naming them. A file
that is not a CSV, has no recognised header or breaks the CSV syntax raises a typed error naming
the line.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from operator import itemgetter
from typing import BinaryIO, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from legday.errors import (
    ConfigError,
    CorruptFileError,
    NotFoundError,
    OnError,
    UnsafeInputError,
    UnsupportedFileError,
)
from legday.io.csv_values import (
    METRES_PER_UNIT,
    BadValue,
    local_to_utc,
    parse_duration,
    parse_number,
    unit_name,
)
from legday.io.limits import read_at_most
from legday.io.text import decode_text
from legday.model import ExerciseSet, SetType, Source, StrengthSession
from legday.plausible import implausible_date, implausible_load, implausible_reps
from legday.strength.catalog import Catalog, load_catalog
from legday.strength.grammar import KG_PER_LB
from legday.strength.names import Match, match_exercise

__all__ = [
    "SkippedRow",
    "StrengthFormat",
    "StrengthImport",
    "looks_like_strength_csv",
    "read_strength_csv",
]

StrengthFormat = Literal["strong", "hevy"]
WeightUnit = Literal["kg", "lb"]

#: Largest strength CSV read, bytes: a decade of daily Hevy logging is about 10 MB, so 64 MiB is
#: generous; anything larger is refused before it is read into memory.
MAX_CSV_BYTES = 64 * 1024 * 1024
#: Bytes looked at for NUL bytes before deciding a file is binary.
SNIFF_BYTES: int = 4096
#: Characters of the file its delimiter is guessed from (the header line, cut there: never the
#: whole file split into lines only to read its first).
HEADER_CHARS: int = 65_536
#: Distinct cells (numbers, units) and sets remembered while a file is read: a log repeats its
#: loads, reps and sets, so each is read and checked once, and equal sets share one object.
MEMO_SIZE: int = 100_000
#: Most reps one set may hold. The longest logged sets (push-up and sit-up endurance records)
#: run to a few thousand; a larger count is a garbled cell, and this keeps it a 32-bit integer.
MAX_REPS = 100_000
#: Most distinct exercise names not in the catalog one file may hold. Real exports hold a few
#: (the real Strong and Hevy samples in ../shared: 0 and 1 of 72 and 86 names); each costs a fuzzy
#: catalog search of ~20 ms, so this bounds a hostile file's cost to ~10 s.
MAX_UNKNOWN_EXERCISES = 500

#: Strong ``Set Order`` letters (Strong app exports: W warm-up, D drop set, F failure).
STRONG_SET_TYPES: dict[str, SetType] = {
    "w": SetType.WARMUP,
    "d": SetType.DROP,
    "f": SetType.FAILURE,
}
#: Hevy ``set_type`` values.
HEVY_SET_TYPES: dict[str, SetType] = {
    "normal": SetType.WORKING,
    "warmup": SetType.WARMUP,
    "failure": SetType.FAILURE,
    "dropset": SetType.DROP,
}


@dataclass(frozen=True, slots=True)
class SkippedRow:
    """A data row that holds no set, and why."""

    line: int
    """1-based line of the row in the file (the header is line 1)."""
    reason: str


@dataclass(slots=True)
class StrengthImport:
    """What :func:`read_strength_csv` read."""

    format: StrengthFormat
    sessions: list[StrengthSession] = field(default_factory=list)
    skipped_rows: list[SkippedRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def sets(self) -> int:
        """Number of sets read (over all sessions)."""
        return sum(len(s.sets) for s in self.sessions)


@dataclass(slots=True)
class _SessionBuilder:
    start: datetime
    utc_offset_s: int
    name: str | None
    duration_s: float | None
    notes: str | None
    sets: list[ExerciseSet] = field(default_factory=list)


@dataclass(slots=True, eq=False)  # one per distinct set in a file: compared by identity
class _SetCells:
    """What a row says of its set, read from its cells."""

    exercise: str
    set_type: SetType
    weight: float | None
    weight_unit: str
    reps: float | None
    distance: float | None
    distance_unit: str
    seconds: float | None
    rpe: float | None
    notes: str | None


@dataclass(slots=True)  # not frozen: a frozen class's __init__ costs a call per field and row
class _Row:
    session_key: tuple[str, ...]
    start_text: str
    end_text: str | None
    workout: str | None
    duration_text: str | None
    session_notes: str | None
    cells: _SetCells


def read_strength_csv(
    source: str | os.PathLike[str] | BinaryIO,
    *,
    name: str | None = None,
    profile_tz: str | None = None,
    catalog: Catalog | None = None,
    on_error: OnError = OnError.WARN,
    weight_unit: WeightUnit | None = None,
) -> StrengthImport:
    """Read a Strong or Hevy CSV export.

    ``profile_tz`` is the IANA zone the export's wall-clock times are in (default UTC).
    ``weight_unit`` is the unit of a ``Weight`` column that names none (default kg, with a
    warning). ``on_error`` says what to do with a row whose values cannot be read: raise
    :class:`CorruptFileError` (RAISE), skip it with a warning (WARN, default) or skip it with
    only a :class:`SkippedRow` (SKIP).

    Raises :class:`NotFoundError` for a missing path, :class:`UnsupportedFileError` for a file
    that is not a Strong or Hevy CSV, :class:`CorruptFileError` (with the line) for broken CSV
    syntax, and :class:`ConfigError` for an unknown time zone.
    """
    data, path = _read_bytes(source)
    label = name or path
    tz = _zone(profile_tz)
    data = _from_utf16(data, label)
    if b"\x00" in data[:SNIFF_BYTES]:
        raise UnsupportedFileError("binary data, not a CSV export", path=label, line=1)
    warnings: list[str] = []
    text = _decode(data, warnings)
    if not text.strip():
        raise UnsupportedFileError("empty file", path=label, line=1)
    has_nul = "\x00" in text  # past SNIFF_BYTES: those rows are skipped, not stored
    delimiter = _delimiter((text[:HEADER_CHARS].splitlines() or [""])[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise CorruptFileError(f"bad CSV header: {exc}", path=label, line=1) from exc
    columns = _columns(header)
    fmt: StrengthFormat
    if {"exercise_title", "start_time"} <= columns.keys():
        fmt = "hevy"
        parse_row = _hevy_parser(columns)
    elif {"date", "exercise name"} <= columns.keys():
        fmt = "strong"
        try:
            parse_row = _strong_parser(columns, weight_unit, warnings)
        except BadValue as exc:
            raise CorruptFileError(f"bad header: {exc}", path=label, line=1) from None
    else:
        shown = ", ".join(h.strip() for h in header[:8])
        raise UnsupportedFileError(
            f"not a Strong or Hevy export (header: {shown})", path=label, line=1
        )
    result = StrengthImport(format=fmt, warnings=warnings)
    builders: dict[tuple[str, ...], _SessionBuilder] = {}
    names = _Names(catalog if catalog is not None else load_catalog())
    make_set = _SetMaker(names, warnings)
    line = reader.line_num
    while True:
        start_line = line + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise CorruptFileError(f"bad CSV: {exc}", path=label, line=start_line) from exc
        line = reader.line_num
        if not "".join(row).strip():
            result.skipped_rows.append(SkippedRow(start_line, "empty row"))
            continue
        try:
            if len(row) != len(header):
                raise BadValue(f"expected {len(header)} fields, got {len(row)}")
            if has_nul and any("\x00" in cell for cell in row):
                raise BadValue("a NUL byte in the row (binary data, not text)")
            parsed = parse_row(row)
            if isinstance(parsed, str):
                result.skipped_rows.append(SkippedRow(start_line, parsed))
                continue
            builder = builders.get(parsed.session_key)
            fresh = builder is None
            if builder is None:
                builder = _new_session(parsed, tz, warnings)
            exercise_set = make_set(parsed, len(builder.sets) + 1)
            if fresh:
                builders[parsed.session_key] = builder
        except BadValue as exc:
            if on_error is OnError.RAISE:
                raise CorruptFileError(str(exc), path=label, line=start_line) from None
            result.skipped_rows.append(SkippedRow(start_line, str(exc)))
            if on_error is OnError.WARN:
                warnings.append(f"line {start_line}: {exc}; row skipped")
            continue
        builder.sets.append(exercise_set)
    source_info = Source(format=f"{fmt}_csv", name=label)
    result.sessions = sorted(
        (
            StrengthSession(
                start=b.start,
                sets=tuple(b.sets),
                name=b.name,
                duration_s=b.duration_s,
                utc_offset_s=b.utc_offset_s,
                source=source_info,
                notes=b.notes,
            )
            for b in builders.values()
        ),
        key=lambda s: s.start,
    )
    return result


# --- per-format row parsers -------------------------------------------------------------------


def _strong_parser(
    columns: dict[str, tuple[int, str | None]],
    default_unit: WeightUnit | None,
    warnings: list[str],
) -> Callable[[list[str]], _Row | str]:
    weight_unit = _unit_of(columns, "weight")
    distance_unit = _unit_of(columns, "distance")
    if weight_unit is None and "weight unit" not in columns and default_unit is None:
        warnings.append("the Weight column names no unit; read as kg")
    default_weight = default_unit or "kg"

    def set_cells(cells: tuple[str, ...]) -> _SetCells | str:
        order, name, weight_text, reps_text, distance_text, seconds_text = cells[:6]
        weight_unit_text, distance_unit_text, rpe_text, notes = cells[6:]
        order = order.strip()
        if order.isdigit() or not order:
            set_type = SetType.WORKING
        elif order.lower().replace(" ", "") == "resttimer":
            return "rest timer row"
        elif order.lower().startswith("note"):
            return "note row"
        elif order.lower() in STRONG_SET_TYPES:
            set_type = STRONG_SET_TYPES[order.lower()]
        else:
            raise BadValue(f"unknown Set Order {order!r}")
        exercise = name.strip()
        weight = parse_number(weight_text, "Weight")
        reps = parse_number(reps_text, "Reps")
        distance = parse_number(distance_text, "Distance")
        seconds = parse_number(seconds_text, "Seconds")
        if not exercise:
            if weight or reps or distance or seconds:
                raise BadValue("a set without an exercise name")
            return "no exercise and no set data"
        if not (weight or reps or distance or seconds):
            return "no set data (weight, reps, distance and time all empty or zero)"
        return _SetCells(
            exercise=exercise,
            set_type=set_type,
            weight=weight,
            weight_unit=weight_unit or unit_name(weight_unit_text, "weight", default_weight),
            reps=reps,
            distance=distance,
            distance_unit=distance_unit or unit_name(distance_unit_text, "distance", "km"),
            seconds=seconds,
            rpe=_rpe(rpe_text),
            notes=notes.strip() or None,
        )

    cells_of = _CellsReader(
        columns,
        ("set order", "exercise name", "weight", "reps", "distance", "seconds"),
        ("weight unit", "distance unit", "rpe", "notes"),
        set_cells,
    )
    at = _indexes(columns)
    i_date, i_workout, i_notes = at("date"), at("workout name"), at("workout notes")
    i_duration, i_total = at("duration"), at("workout duration")

    def parse(row: list[str]) -> _Row | str:
        cells = cells_of(row)
        if isinstance(cells, str):
            return cells
        date = row[i_date].strip()
        workout = row[i_workout].strip() or None
        return _Row(
            session_key=(date, workout or ""),
            start_text=date,
            end_text=None,
            workout=workout,
            duration_text=row[i_duration] or row[i_total] or None,
            session_notes=row[i_notes].strip() or None,
            cells=cells,
        )

    return parse


def _hevy_parser(columns: dict[str, tuple[int, str | None]]) -> Callable[[list[str]], _Row | str]:
    weight_col = "weight_lbs" if "weight_lbs" in columns else "weight_kg"
    weight_unit = "lb" if weight_col == "weight_lbs" else "kg"
    distance_col = "distance_miles" if "distance_miles" in columns else "distance_km"
    distance_unit = "mi" if distance_col == "distance_miles" else "km"

    def set_cells(cells: tuple[str, ...]) -> _SetCells | str:
        kind_text, name, weight_text, reps_text, distance_text, seconds_text = cells[:6]
        rpe_text, notes = cells[6:]
        kind = kind_text.strip().lower()
        if kind not in HEVY_SET_TYPES and kind:
            raise BadValue(f"unknown set_type {kind!r}")
        exercise = name.strip()
        weight = parse_number(weight_text, weight_col)
        reps = parse_number(reps_text, "reps")
        distance = parse_number(distance_text, distance_col)
        seconds = parse_number(seconds_text, "duration_seconds")
        if not exercise:
            raise BadValue("a set without an exercise_title")
        if not (weight or reps or distance or seconds):
            return "no set data (weight, reps, distance and time all empty or zero)"
        return _SetCells(
            exercise=exercise,
            set_type=HEVY_SET_TYPES.get(kind, SetType.WORKING),
            weight=weight,
            weight_unit=weight_unit,
            reps=reps,
            distance=distance,
            distance_unit=distance_unit,
            seconds=seconds,
            rpe=_rpe(rpe_text),
            notes=notes.strip() or None,
        )

    cells_of = _CellsReader(
        columns,
        ("set_type", "exercise_title", weight_col, "reps", distance_col, "duration_seconds"),
        ("rpe", "exercise_notes"),
        set_cells,
    )
    at = _indexes(columns)
    i_start, i_end, i_title, i_description = (
        at(c) for c in ("start_time", "end_time", "title", "description")
    )

    def parse(row: list[str]) -> _Row | str:
        cells = cells_of(row)
        if isinstance(cells, str):
            return cells
        start = row[i_start].strip()
        end = row[i_end].strip()
        title = row[i_title].strip() or None
        return _Row(
            session_key=(start, end, title or ""),
            start_text=start,
            end_text=end or None,
            workout=title,
            duration_text=None,
            session_notes=row[i_description].strip() or None,
            cells=cells,
        )

    return parse


class _CellsReader:
    """A row's set, read once per distinct tuple of its set's cells (``first`` and ``rest``
    columns, in that order): a log repeats its sets, and only the session's cells (date,
    workout) are read for each row. A failure is not kept: it raises again, naming its row.
    Appends to each row the empty cell that a column the file lacks reads as (index -1)."""

    def __init__(
        self,
        columns: dict[str, tuple[int, str | None]],
        first: tuple[str, ...],
        rest: tuple[str, ...],
        read: Callable[[tuple[str, ...]], _SetCells | str],
    ) -> None:
        at = _indexes(columns)
        self.where = itemgetter(*(at(c) for c in (*first, *rest)))
        self.read = read
        self.seen: dict[tuple[str, ...], _SetCells | str] = {}

    def __call__(self, row: list[str]) -> _SetCells | str:
        row.append("")
        key = self.where(row)
        found = self.seen.get(key)
        if found is None:
            found = self.read(key)
            if len(self.seen) >= MEMO_SIZE:
                self.seen.clear()
            self.seen[key] = found
        return found


# --- building sessions and sets ---------------------------------------------------------------


def _new_session(row: _Row, tz: ZoneInfo, warnings: list[str]) -> _SessionBuilder:
    start_utc, offset = local_to_utc(row.start_text, tz)
    reason = implausible_date(start_utc + timedelta(seconds=offset))
    if reason is not None:
        raise BadValue(f"the date {row.start_text!r}: {reason}")
    duration: float | None = None
    if row.end_text:
        end_utc, _ = local_to_utc(row.end_text, tz)
        duration = (end_utc - start_utc).total_seconds()
        if duration < 0:
            warnings.append(f"session {row.start_text!r} ends before it starts; no duration")
            duration = None
    elif row.duration_text:
        duration = parse_duration(row.duration_text)
        if duration is None:
            warnings.append(
                f"session {row.start_text!r}: cannot read duration {row.duration_text!r}"
            )
    return _SessionBuilder(
        start=start_utc,
        utc_offset_s=offset,
        name=row.workout,
        duration_s=duration,
        notes=row.session_notes,
    )


@dataclass(slots=True)
class _Names:
    """Matches each distinct exercise name once, and bounds the unknown ones.

    An unknown name costs a fuzzy search of the catalog (about 20 ms), so a file of distinct
    garbage names would take hours: past :data:`MAX_UNKNOWN_EXERCISES` of them, rows with a
    name not seen before are refused (skipped rows) instead of matched.
    """

    catalog: Catalog
    matches: dict[str, Match] = field(default_factory=dict)
    unknown: int = 0

    def match(self, raw: str, warnings: list[str]) -> Match:
        match = self.matches.get(raw)
        if match is not None:
            return match
        if self.unknown >= MAX_UNKNOWN_EXERCISES:
            raise BadValue(f"a new exercise name after {MAX_UNKNOWN_EXERCISES} not in the catalog")
        match = self.matches[raw] = match_exercise(raw, self.catalog)
        if match.key is None:
            self.unknown += 1
            close = ", ".join(self.catalog.get(k).name for k in match.suggestions[:3])
            hint = f" (closest: {close})" if close else ""
            warnings.append(f"exercise {raw!r} is not in the catalog{hint}; kept as written")
        return match


class _SetMaker:
    """A row's set: its exercise matched, its load in kg, refused when implausible. Equal rows
    at the same place in their sessions give one shared set (sets are immutable): a big log
    repeats its sets, and a million of them are not a million objects."""

    def __init__(self, names: _Names, warnings: list[str]) -> None:
        self.names = names
        self.warnings = warnings
        self.made: dict[tuple[_SetCells, int], ExerciseSet] = {}

    def __call__(self, row: _Row, order: int) -> ExerciseSet:
        key = (row.cells, order)
        made = self.made.get(key)
        if made is None:
            if len(self.made) >= MEMO_SIZE:
                self.made.clear()
            made = self.made[key] = self._make(row.cells, order)
        return made

    def _make(self, row: _SetCells, order: int) -> ExerciseSet:
        match = self.names.match(row.exercise, self.warnings)
        load = row.weight
        if load is not None and row.weight_unit == "lb":
            load *= KG_PER_LB
        reason = implausible_reps(row.reps, MAX_REPS) or implausible_load(load)
        if reason is not None:  # 1e308 kg, -20 kg, 1e-320 kg, 8.5 reps: the row is refused
            raise BadValue(reason)
        distance = row.distance
        if distance is not None:
            distance *= METRES_PER_UNIT[row.distance_unit]
        return ExerciseSet(
            exercise=match.key or row.exercise,
            raw_name=row.exercise,
            reps=round(row.reps) if row.reps else None,
            load_kg=load,
            duration_s=row.seconds or None,
            rpe=row.rpe,
            set_type=row.set_type,
            distance_m=distance or None,
            order=order,
            mapped=match.key is not None,
            notes=row.notes,
        )


# --- small parsers ----------------------------------------------------------------------------


def _read_bytes(source: str | os.PathLike[str] | BinaryIO) -> tuple[bytes, str | None]:
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        try:
            with open(path, "rb") as fh:
                return read_at_most(fh, MAX_CSV_BYTES, lambda: _too_large(path)), path
        except FileNotFoundError:
            raise NotFoundError(f"no such file: {path}") from None
        except IsADirectoryError:
            raise UnsupportedFileError("a directory, not a CSV file", path=path) from None
    label = getattr(source, "name", None)
    name = label if isinstance(label, str) else None
    return read_at_most(source, MAX_CSV_BYTES, lambda: _too_large(name)), name


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def looks_like_strength_csv(head: bytes) -> bool:
    """Whether the first bytes of a file look like a lifting log's header (an ``exercise``
    column, comma, semicolon or tab separated), in UTF-8 or UTF-16 with its byte-order mark."""
    if head.startswith(_UTF16_BOMS):
        head = head[: len(head) // 2 * 2].decode("utf-16", errors="ignore").encode("utf-8")
    first = head.split(b"\n", 1)[0].lstrip(b"\xef\xbb\xbf").lower()
    return b"exercise" in first and any(d in first for d in (b",", b";", b"\t"))


def _from_utf16(data: bytes, label: str | None) -> bytes:
    """UTF-16 text (Excel's "Unicode text", with its byte-order mark) as UTF-8."""
    if not data.startswith(_UTF16_BOMS):
        return data
    return decode_text(data, "utf-16", path=label).encode("utf-8")


def _decode(data: bytes, warnings: list[str]) -> str:
    """UTF-8 text; lines that are not UTF-8 (an export edited in Excel) read as Windows-1252.

    Decoding line by line keeps the UTF-8 lines of a mixed file intact, and the warning says
    which lines were read the other way.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    lines: list[str] = []
    legacy: list[int] = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(raw.decode("cp1252", errors="replace"))
            legacy.append(number)
    shown = ", ".join(str(n) for n in legacy[:5]) + (", …" if len(legacy) > 5 else "")
    warnings.append(f"{len(legacy)} line(s) not UTF-8 (line {shown}); read as Windows-1252")
    return "\n".join(lines).removeprefix("\ufeff")


def _too_large(label: str | None) -> UnsafeInputError:
    return UnsafeInputError(
        f"larger than {MAX_CSV_BYTES // (1024 * 1024)} MiB: not a lifting log", path=label
    )


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"unknown time zone {name!r}") from None


def _delimiter(header_line: str) -> str:
    try:
        return csv.Sniffer().sniff(header_line, delimiters=",;\t").delimiter
    except csv.Error:
        counts = {d: header_line.count(d) for d in ",;\t"}
        return max(counts, key=lambda d: counts[d])


def _columns(header: list[str]) -> dict[str, tuple[int, str | None]]:
    """Header name (lower case, unit removed) → (index, unit in the header or None)."""
    out: dict[str, tuple[int, str | None]] = {}
    for i, raw in enumerate(header):
        text = raw.strip().lstrip("\ufeff").strip().lower()
        text, unit = _split_unit(text)
        out.setdefault(text, (i, unit))
    return out


def _split_unit(header: str) -> tuple[str, str | None]:
    """A header and the unit in its final parentheses: ``weight (kg)`` → (``weight``, ``kg``);
    (the header, None) without one. The unit runs from the first ``(`` after the last ``)``
    before the final one. A scan, not a lazy pattern, which retried every ``(``: quadratic."""
    body = header.rstrip()
    if not body.endswith(")"):
        return header, None
    inner = body[:-1]
    opening = inner.find("(", inner.rfind(")") + 1)
    if opening < 0:
        return header, None
    return inner[:opening].strip(), inner[opening + 1 :].strip()


def _unit_of(columns: dict[str, tuple[int, str | None]], column: str) -> str | None:
    if column not in columns or columns[column][1] is None:
        return None
    return unit_name(columns[column][1] or "", column, None)


def _indexes(columns: dict[str, tuple[int, str | None]]) -> Callable[[str], int]:
    """A column's index in a row, -1 (the empty cell a row parser appends) when the file has
    no such column."""

    def at(column: str) -> int:
        entry = columns.get(column)
        return entry[0] if entry is not None else -1

    return at


def _rpe(text: str) -> float | None:
    value = parse_number(text, "RPE")
    if value is not None and not 0 <= value <= 10:
        raise BadValue(f"RPE {value:g} is outside 0–10")
    return value or None
