"""Columns: the field values of chosen messages, gathered with numpy over the framing.

For every definition whose message is wanted, one structured numpy dtype describes its data
messages (byte order, offsets and base types of the wanted fields). An overlapping strided view
of the file as opaque records of the message size, indexed by the message offsets, copies every
message of the definition in one call; the copy is then read through the structured dtype.
Values become ``float64`` with NaN for the protocol's invalid sentinels; definitions of the same
global message are merged in file order into a :class:`Table`.

Fixed cost matters as much as throughput (a short file has a few dozen tiny messages): each
definition's layout and conversion plan is cached per process (a bounded LRU of
``DEFINITION_CACHE_SIZE`` entries), so a batch of files from one watch builds them once. The
key is everything that changes the decoding: the definition message's bytes (architecture,
global message number, field and developer field definitions), the fields wanted, and the base
type and description id of each developer field (descriptions are data, so two files, or two
parts of one file, may describe the same developer field differently; see
:mod:`~legday.io.fit.developer`; their scale, offset and names are applied after the cache).
:func:`clear_definition_caches` empties every such cache. A definition's scalar fields are cast
into one matrix and checked against their sentinels in one comparison, messages are grouped by
definition with one linear-time radix sort, and the usual uint32 timestamps of every message are
read at once when compressed headers need them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from legday.io.fit.developer import NO_DESCRIPTION, DevFields
from legday.io.fit.framing import (
    DEFINITION_CACHE_SIZE,
    Definition,
    Framing,
    clear_parse_caches,
    parse_definition,
)
from legday.io.fit.profile import MessageProfile, message_profile
from legday.io.fit.protocol import (
    COMPRESSED_HEADER,
    TIME_OFFSET_MASK,
    TIMESTAMP_FIELD,
    BaseType,
    base_type,
)

__all__ = ["MessageIndex", "Table", "clear_definition_caches", "rows_all", "zero_nan"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: The BYTE base type (0x0D): arrays of it are invalid only when every byte is 0xFF, and are
#: otherwise kept whole (FIT protocol; the official SDK does the same).
_BYTE_BASE = 0x0D
#: Widest integer base type, bytes, whose invalid sentinel float64 holds exactly (the 64-bit
#: sentinels do not), so its fields can be converted and checked in float64.
_PACKED_INT_BYTES = 4
#: Most definitions whose indices sort as uint16, which numpy's stable sort does by radix in
#: linear time (wider integers take a merge sort, several times slower on big files).
_RADIX_MAX = 2**16
#: The uint32 base type (FIT protocol), the type of ``timestamp`` fields, and its invalid value.
_UINT32_BASE, _UINT32_INVALID = 0x86, 0xFFFFFFFF
#: Widest array row reduced column by column (:func:`rows_all`); wider ones use numpy's
#: row reduction, whose fixed cost is then below the column loop's.
_COLUMN_LOOP_MAX = 16


@dataclass(slots=True)
class Table:
    """Every decoded message of one global message number, in file order.

    ``raw`` holds the raw field values as ``float64`` (NaN where the value is invalid or the
    message's definition lacks the field); arrays are 2-D, one row per message. ``expanded``
    holds values that components expanded into (already in the target field's units).
    """

    num: int
    offsets: IntArray
    raw: dict[int, FloatArray] = field(default_factory=dict)
    strings: dict[int, list[str | None]] = field(default_factory=dict)
    dev: dict[int, FloatArray] = field(default_factory=dict)
    expanded: dict[int, FloatArray] = field(default_factory=dict)
    profile: MessageProfile | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.profile = message_profile(self.num)

    def __len__(self) -> int:
        return int(self.offsets.shape[0])

    def take(self, rows: npt.NDArray[np.intp]) -> Table:
        """The messages at ``rows`` (indices in file order), every column cut alike."""
        out = Table(self.num, self.offsets[rows])
        out.raw = {k: v[rows] for k, v in self.raw.items()}
        out.dev = {k: v[rows] for k, v in self.dev.items()}
        out.expanded = {k: v[rows] for k, v in self.expanded.items()}
        keep = rows.tolist()
        out.strings = {k: [v[i] for i in keep] for k, v in self.strings.items()}
        return out

    def field_num(self, name: str) -> int | None:
        profile = self.profile
        return None if profile is None else profile.by_name.get(name)

    def raw_of(self, name: str) -> FloatArray:
        """Raw values of a scalar field by profile name, 1-D (all NaN when absent; the first
        element when a definition made the field an array)."""
        num = self.field_num(name)
        column = self.raw.get(num) if num is not None else None
        return _first(column) if column is not None else np.full(len(self), np.nan)

    def value(self, name: str) -> FloatArray:
        """Values of a scalar field in profile units: raw / scale - offset, NaN when invalid.

        Where a message carries the field itself its value wins; elsewhere a value expanded
        from a component (e.g. ``speed`` → ``enhanced_speed``) fills in.
        """
        num = self.field_num(name)
        if num is None or self.profile is None:
            return np.full(len(self), np.nan)
        spec = self.profile.fields.get(num)
        column = self.raw.get(num)
        expanded = self.expanded.get(num)
        if column is None or spec is None:
            if expanded is not None:
                return _first(expanded).copy()
            return np.full(len(self), np.nan)
        column = _first(column)
        # Always a new array: callers may write into it (stored heart rate does).
        scaled = column / spec.scale if spec.scale != 1 else column.copy()
        if spec.offset:
            scaled -= spec.offset
        if expanded is None:
            return scaled
        return np.where(np.isnan(scaled), _first(expanded), scaled)

    def scaled(self, name: str) -> FloatArray:
        """Raw / scale - offset of a field of any shape (arrays stay 2-D); no components."""
        num = self.field_num(name)
        column = self.raw.get(num) if num is not None else None
        if column is None or self.profile is None or num is None:
            return np.full(len(self), np.nan)
        spec = self.profile.fields[num]
        values = column / spec.scale if spec.scale != 1 else column
        return values - spec.offset if spec.offset else values

    def text(self, name: str) -> list[str | None]:
        num = self.field_num(name)
        if num is None or num not in self.strings:
            return [None] * len(self)
        return self.strings[num]


def zero_nan(values: FloatArray) -> FloatArray:
    """``values`` with NaN replaced by 0 (``np.nan_to_num`` without its infinity handling,
    several times cheaper on short arrays)."""
    return np.where(np.isnan(values), 0.0, values)


def rows_all(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """``mask.all(axis=1)`` of a 2-D mask. Array fields have a few elements, and numpy's
    reduction along such short rows costs several µs whatever their number; AND-ing the
    columns costs well under one per column."""
    if not 0 < mask.shape[1] <= _COLUMN_LOOP_MAX:
        return np.asarray(mask.all(axis=1), dtype=np.bool_)
    out = mask[:, 0].copy()
    for j in range(1, mask.shape[1]):
        out &= mask[:, j]
    return out


def _first(column: FloatArray) -> FloatArray:
    """A 1-D column: the first element of each row of an array field."""
    return column if column.ndim == 1 else column[:, 0]


class MessageIndex:
    """Every data message of a scanned file grouped by definition, ready to decode by message.

    Compressed-timestamp headers are resolved once, into field 253 (``timestamp``) of each
    table decoded.
    """

    def __init__(self, data: bytes, framing: Framing) -> None:
        self._data = data
        self._framing = framing
        u8 = np.frombuffer(data, dtype=np.uint8)
        self._offsets = np.frombuffer(framing.offsets, dtype=np.int64)
        self._def_of = framing.definition_of_messages(u8)
        counts = np.bincount(self._def_of, minlength=len(framing.definitions))
        self._used: list[int] = np.flatnonzero(counts).tolist()
        # One stable sort groups every definition's messages, in file order within each.
        narrow = self._def_of.astype(np.uint16) if len(counts) <= _RADIX_MAX else self._def_of
        by_definition = np.argsort(narrow, kind="stable")
        ends = np.cumsum(counts).tolist()
        sizes = counts.tolist()
        self._members: dict[int, IntArray] = {
            i: by_definition[ends[i] - sizes[i] : ends[i]] for i in self._used
        }
        headers = u8[self._offsets]
        self._compressed = (headers & COMPRESSED_HEADER) != 0
        self._times: FloatArray | None = None
        if bool(self._compressed.any()):
            self._times = self._resolve_compressed_timestamps(headers)

    def tables(
        self,
        wanted: Mapping[int, frozenset[int] | None],
        dev: DevFields | None = None,
    ) -> dict[int, Table]:
        """Decode the messages in ``wanted`` (global number → field numbers, None for all);
        developer fields are decoded as ``dev`` describes them where each message sits."""
        parts: dict[int, list[_Chunk]] = {}
        for index in self._used:
            definition = self._framing.definitions[index]
            if definition.global_num not in wanted:
                continue
            rows = self._members[index]
            for part, dev_specs in _dev_groups(definition, self._offsets[rows], dev):
                group = rows if part is None else rows[part]
                got = _gather(
                    self._data,
                    definition,
                    self._offsets[group],
                    wanted[definition.global_num],
                    dev_specs,
                )
                parts.setdefault(definition.global_num, []).append((group, *got))
        tables = {}
        for num, chunks in parts.items():
            table, rows = _merge(num, self._offsets, chunks)
            if self._times is not None:
                compressed = self._compressed[rows]
                if compressed.any():
                    found = table.raw.get(TIMESTAMP_FIELD)
                    column = np.full(len(table), np.nan) if found is None else _first(found).copy()
                    column[compressed] = self._times[rows[compressed]]
                    table.raw[TIMESTAMP_FIELD] = column
            tables[num] = table
        return tables

    def _resolve_compressed_timestamps(self, headers: npt.NDArray[np.uint8]) -> FloatArray:
        """The time of every message (NaN where unknown), resolving compressed headers.

        Each compressed header carries the low 5 bits of its time; the time is the last known
        time plus the forward difference of those 5 bits (FIT protocol). The last known time
        is set by every message with a valid ``timestamp`` field and by every compressed one.
        """
        offsets = self._offsets
        n = offsets.shape[0]
        full = np.full(n, np.nan)
        ts_only = frozenset({TIMESTAMP_FIELD})
        definitions = self._framing.definitions
        # The usual uint32 timestamp is read for every message at once (a few numpy calls
        # whatever the number of definitions); any other declared type goes field by field.
        at_list = [_timestamp_at(d.raw) for d in definitions]
        at = np.array(at_list, dtype=np.int64)
        message_at = at[self._def_of]
        has = np.flatnonzero(message_at >= 0)
        if has.size:
            where = offsets[has] + message_at[has]
            stamps = _uint32_view(self._data, "<")[where]
            if any(d.big_endian for d in definitions):
                big = np.array([d.big_endian for d in definitions], dtype=np.bool_)
                big_stamps = _uint32_view(self._data, ">")[where]
                stamps = np.where(big[self._def_of[has]], big_stamps, stamps)
            values = stamps.astype(np.float64)
            values[stamps == _UINT32_INVALID] = np.nan
            full[has] = values
        for index in self._used:
            definition = definitions[index]
            if at_list[index] >= 0 or not _layout(definition.raw, ts_only, ()).slots:
                continue  # read above, or no timestamp field to read
            rows = self._members[index]
            found, layout = _gather(self._data, definition, offsets[rows], ts_only, ())
            full[rows] = _first(_floats(found[layout.slots[0].name], layout.slots[0].base))
        compressed = self._compressed
        idx = np.flatnonzero(compressed | ~np.isnan(full))
        is_full = ~compressed[idx]
        time_offset = (headers[idx] & TIME_OFFSET_MASK).astype(np.int64)
        # Full times are known (not NaN) wherever is_full holds, so no NaN is cast.
        full_i = np.where(is_full, full[idx], 0.0).astype(np.int64)
        # Compressed times roll over every 32 s (a 5-bit offset, FIT protocol); x & the mask is x
        # modulo 32, negative x included (two's complement).
        low = np.where(is_full, full_i & TIME_OFFSET_MASK, time_offset)
        prev_low = np.concatenate(([0], low[:-1]))
        step = np.where(is_full, 0, (time_offset - prev_low) & TIME_OFFSET_MASK)
        climb = np.cumsum(step)
        anchor = np.maximum.accumulate(np.where(is_full, np.arange(idx.shape[0]), -1))
        safe = np.maximum(anchor, 0)
        resolved = np.where(anchor >= 0, full_i[safe] + climb - climb[safe], climb)
        times = np.full(n, np.nan)
        times[idx] = resolved
        return times


def clear_definition_caches() -> None:
    """Forget every definition parsed and every decode plan built (:mod:`legday.io.fit` caches
    them per process, keyed by the definition's bytes); for benchmarks of a first file."""
    clear_parse_caches()
    _timestamp_at.cache_clear()
    _layout.cache_clear()


def _uint32_view(data: bytes, order: str) -> npt.NDArray[np.uint32]:
    """Element i: the uint32 stored at byte i of ``data`` (overlapping, strides of 1 byte)."""
    return np.ndarray(
        shape=(max(len(data) - 3, 0),), dtype=np.dtype(order + "u4"), buffer=data, strides=(1,)
    )


@lru_cache(maxsize=DEFINITION_CACHE_SIZE)
def _timestamp_at(raw_definition: bytes) -> int:
    """Byte offset in each message of a definition's ``timestamp`` field when it is the usual
    uint32; -1 when the definition has none or declares another type."""
    uint32 = base_type(_UINT32_BASE)
    for f in parse_definition(raw_definition).fields:
        if f.num == TIMESTAMP_FIELD:
            usual = uint32 is not None and f.base == uint32.number and f.size == uint32.size
            return f.offset if usual else -1
    return -1


#: The developer fields a layout decodes: (developer data index, field number, base type,
#: description id) of each, as :func:`_dev_groups` finds them described.
_DevSpecs = tuple[tuple[int, int, int, int], ...]


@dataclass(frozen=True, slots=True)
class _Slot:
    name: str
    """The field's name in the structured dtype."""
    kind: str
    """``n`` numeric field, ``s`` string field, ``d`` developer field."""
    key: int
    """The field number (``n``, ``s``) or the description id (``d``)."""
    base: BaseType


@dataclass(frozen=True, slots=True)
class _Layout:
    """A structured dtype over one definition's data messages, for the wanted fields, and the
    plan that turns them into float columns."""

    dtype: np.dtype[np.void]
    slots: tuple[_Slot, ...]
    packed: tuple[_Slot, ...] = ()
    """The scalar numeric slots (no arrays, strings or 64-bit integers), converted together."""
    sentinels: FloatArray | None = None
    """Each packed slot's invalid value as float64 (NaN, never equal, for float types)."""
    has_float: bool = False
    """True when a packed slot is a float type (whose casts may meet signalling NaNs)."""


def _numpy_format(bt: BaseType, size: int, big_endian: bool) -> str | tuple[str, tuple[int]]:
    kind = bt.kind if bt.size == 1 else ((">" if big_endian else "<") + bt.kind)
    count = size // bt.size
    return kind if count == 1 and not bt.is_string else (kind, (count,))


@lru_cache(maxsize=DEFINITION_CACHE_SIZE)
def _layout(
    raw_definition: bytes,
    fields: frozenset[int] | None,
    dev_specs: _DevSpecs,
) -> _Layout:
    """The dtype of the messages of a definition (given by its bytes) holding the wanted
    fields (cached: a few dozen distinct definitions serve every file a device writes)."""
    definition = parse_definition(raw_definition)
    formats: list[str | tuple[str, tuple[int]]] = []
    places: list[int] = []
    slots: list[_Slot] = []
    for f in definition.fields:
        bt = base_type(f.base)
        if bt is None or (fields is not None and f.num not in fields):
            continue
        slots.append(_Slot(f"f{f.num}", "s" if bt.is_string else "n", f.num, bt))
        formats.append(_numpy_format(bt, f.size, definition.big_endian))
        places.append(f.offset)
    described = {(index, num): (base, key) for index, num, base, key in dev_specs}
    for d in definition.dev_fields:
        base, key = described.get((d.dev_index, d.num), (None, NO_DESCRIPTION))
        bt = base_type(base) if base is not None else None
        if bt is None or bt.is_string or d.size % bt.size:
            continue
        slots.append(_Slot(f"d{d.dev_index}_{d.num}", "d", key, bt))
        formats.append(_numpy_format(bt, d.size, definition.big_endian))
        places.append(d.offset)
    itemsize = definition.size if slots else 0
    dtype = np.dtype(
        {
            "names": [slot.name for slot in slots],
            "formats": formats,
            "offsets": places,
            "itemsize": itemsize,
        }
    )
    packed = [
        i
        for i, slot in enumerate(slots)
        if slot.kind != "s"
        and isinstance(formats[i], str)
        and (slot.base.is_float or slot.base.size <= _PACKED_INT_BYTES)
    ]
    if not packed:
        return _Layout(dtype, tuple(slots))
    packed_slots = tuple(slots[i] for i in packed)
    return _Layout(
        dtype,
        tuple(slots),
        packed=packed_slots,
        sentinels=np.array(
            [np.nan if slot.base.is_float else float(slot.base.invalid) for slot in packed_slots]
        ),
        has_float=any(slot.base.is_float for slot in packed_slots),
    )


def _convert(values: np.ndarray, layout: _Layout) -> dict[str, FloatArray]:
    """Float64 columns (NaN for invalid values) of the numeric slots of gathered messages.

    The packed slots are cast into the rows of one matrix and checked against their sentinels
    with a single comparison and masked store (a per-field check costs a few numpy calls per
    field, which dominates small files).
    """
    out: dict[str, FloatArray] = {}
    packed = layout.packed
    if packed and layout.sentinels is not None:
        matrix = np.empty((len(packed), values.shape[0]))
        if layout.has_float:
            # Signalling NaNs (any bit pattern a device wrote) are no error: they become NaN.
            with np.errstate(invalid="ignore"):
                for j, slot in enumerate(packed):
                    np.copyto(matrix[j], values[slot.name], casting="unsafe")
        else:
            for j, slot in enumerate(packed):
                np.copyto(matrix[j], values[slot.name], casting="unsafe")
        np.putmask(matrix, matrix == layout.sentinels[:, None], np.nan)
        for j, slot in enumerate(packed):
            out[slot.name] = matrix[j]
    for slot in layout.slots:
        if slot.kind != "s" and slot.name not in out:
            out[slot.name] = _floats(values[slot.name], slot.base)
    return out


_Chunk = tuple[IntArray, np.ndarray, _Layout]


def _dev_groups(
    definition: Definition, offsets: IntArray, dev: DevFields | None
) -> list[tuple[IntArray | None, _DevSpecs]]:
    """The messages of a definition (indices into ``offsets``, None for all) in groups that
    share the descriptions of their developer fields, with those descriptions as ``_layout``
    takes them.

    Most definitions make one group: their developer fields were described once, before
    them. A definition used across a re-description (another app taking the same developer
    data index) splits where the description changes; a message before any description of
    a field has no value for it.
    """
    fields = definition.dev_fields
    if not fields or dev is None or not dev.types:
        return [(None, ())]
    ids = np.stack([dev.resolve(d.dev_index, d.num, offsets) for d in fields], axis=1)
    if bool((ids == ids[0]).all()):
        combos, which = ids[:1], np.zeros(offsets.shape[0], dtype=np.intp)
    else:
        combos, which = np.unique(ids, axis=0, return_inverse=True)
    out = []
    for k, combo in enumerate(combos.tolist()):
        specs = tuple(
            (d.dev_index, d.num, dev.types[key].base, key)
            for d, key in zip(fields, combo, strict=True)
            if key != NO_DESCRIPTION
        )
        out.append((None if len(combos) == 1 else np.flatnonzero(which == k), specs))
    return out


def _gather(
    data: bytes,
    definition: Definition,
    offsets: IntArray,
    fields: frozenset[int] | None,
    dev_specs: _DevSpecs,
) -> tuple[np.ndarray, _Layout]:
    """Copy every message of one definition (structured array of the wanted fields)."""
    layout = _layout(definition.raw, fields, dev_specs)
    if not layout.slots:
        # A message with none of the wanted fields still counts (e.g. a record whose only
        # value is the time of its compressed header).
        return np.zeros(offsets.shape[0], dtype=layout.dtype), layout
    # Overlapping strided view: element i is the message that would start at byte i. Whole
    # messages are copied as opaque records, then reinterpreted with the field layout.
    messages: np.ndarray = np.ndarray(
        shape=(len(data) - definition.size + 1,),
        dtype=np.dtype((np.void, definition.size)),
        buffer=data,
        strides=(1,),
    )
    return messages[offsets].view(layout.dtype), layout


def _floats(column: np.ndarray, bt: BaseType) -> FloatArray:
    """Raw values as float64 with NaN for invalid sentinels."""
    if bt.is_float:
        # Signalling NaNs (any bit pattern a device wrote) are no error: they become NaN.
        with np.errstate(invalid="ignore"):
            return column.astype(np.float64)
    values = column.astype(np.float64)
    invalid = column == column.dtype.type(bt.invalid)
    if values.ndim == 2 and bt.number == _BYTE_BASE:
        values[rows_all(invalid)] = np.nan
    else:
        np.putmask(values, invalid, np.nan)
    return values


def _text(raw: bytes) -> str | None:
    """A FIT string: UTF-8 up to the first NUL (None when empty)."""
    text = raw.split(b"\0", 1)[0].decode("utf-8", errors="replace")
    return text or None


def _texts(column: np.ndarray) -> list[str | None]:
    """The FIT strings of a string field's column (one row of bytes per message)."""
    width = column.shape[1] if column.ndim == 2 else 1
    raw = column.tobytes()
    return [_text(raw[k : k + width]) for k in range(0, len(raw), width)]


def _single(num: int, offsets: IntArray, chunk: _Chunk) -> Table:
    """The table of a message all of whose messages share one definition (most messages)."""
    rows, values, layout = chunk
    table = Table(num, offsets[rows])
    converted = _convert(values, layout)
    for slot in layout.slots:
        if slot.kind == "s":
            table.strings[slot.key] = _texts(values[slot.name])
        elif slot.kind == "d":
            column = converted[slot.name]
            table.dev[slot.key] = column if column.ndim == 1 else column[:, 0]
        else:
            table.raw[slot.key] = converted[slot.name]
    return table


def _merge(num: int, offsets: IntArray, chunks: Sequence[_Chunk]) -> tuple[Table, IntArray]:
    """Merge the messages of the definitions of one global message, in file order; returns
    the table and the rows (message indices) it holds.

    When the definitions follow one another (a layout changed once or twice), each chunk is a
    slice of the result and the columns are concatenated. Otherwise (definitions that
    alternate, or dozens of one-message definitions, e.g. developer field descriptions whose
    strings differ in size) scalar columns are concatenated in chunk order and put in file
    order with one take; array and string columns are placed chunk by chunk.
    """
    if len(chunks) == 1:
        return _single(num, offsets, chunks[0]), chunks[0][0]
    # Chunk order (by definition) is kept for the columns' order; file order is by first row.
    by_first = sorted(range(len(chunks)), key=lambda i: int(chunks[i][0][0]))
    sizes = [chunks[i][0].shape[0] for i in by_first]
    bounds = np.cumsum([0, *sizes]).tolist()
    stacked = np.concatenate([chunks[i][0] for i in by_first])
    places: list[IntArray | slice] = [slice(0)] * len(chunks)
    order: IntArray | None = None
    if all(int(chunks[a][0][-1]) < int(chunks[b][0][0]) for a, b in pairwise(by_first)):
        rows = stacked
        for k, i in enumerate(by_first):
            places[i] = slice(bounds[k], bounds[k + 1])
    else:
        order = np.argsort(stacked, kind="stable")
        rows = stacked[order]
        at = np.empty_like(order)
        at[order] = np.arange(order.shape[0])
        for k, i in enumerate(by_first):
            places[i] = at[bounds[k] : bounds[k + 1]]
    n = rows.shape[0]
    table = Table(num, offsets[rows])
    slots: dict[tuple[str, int], list[tuple[int, _Slot]]] = {}
    for i, (_, _, layout) in enumerate(chunks):
        for slot in layout.slots:
            slots.setdefault((slot.kind, slot.key), []).append((i, slot))
    converted = [_convert(values, layout) for _, values, layout in chunks]
    blank = np.full(max(sizes), np.nan)
    for (kind, key), items in slots.items():
        if kind == "s":
            texts: list[str | None] = [None] * n
            for i, slot in items:
                values = _texts(chunks[i][1][slot.name])
                place = places[i]
                targets = range(n)[place] if isinstance(place, slice) else place.tolist()
                for j, text in zip(targets, values, strict=True):
                    texts[j] = text
            table.strings[key] = texts
            continue
        found = {i: converted[i][slot.name] for i, slot in items}
        if kind == "d":
            found = {i: v if v.ndim == 1 else v[:, 0] for i, v in found.items()}
        if all(v.ndim == 1 for v in found.values()):
            parts = [found.get(i, blank[: chunks[i][0].shape[0]]) for i in by_first]
            merged = np.concatenate(parts)
            if order is not None:
                merged = merged[order]
        else:
            width = max(v.shape[1] if v.ndim == 2 else 1 for v in found.values())
            merged = np.full((n, width), np.nan)
            for i, v in found.items():
                merged[places[i], : (v.shape[1] if v.ndim == 2 else 1)] = (
                    v if v.ndim == 2 else v[:, None]
                )
        if kind == "d":
            table.dev[key] = merged
        else:
            table.raw[key] = merged
    return table, rows
