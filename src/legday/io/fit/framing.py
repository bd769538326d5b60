"""Framing: file headers, definition messages, and the boundaries of every data message.

FIT data messages have no length prefix: a message's size is known only from the definition
currently bound to its local message type, so boundaries must be found in order. This module
does that in one tight loop whose per-message work is a table look-up (header byte → message
size) and an append of the offset. Most of a file is usually runs of one message layout
(records); after a block of messages of one size the scan checks, with numpy, how far the run
goes (every record header at the stride naming the same local type) and takes it whole.
Everything after that (field values, timestamps, components) is vectorised with numpy over the
offsets.

Faults never raise here: the scan stops at the first hard fault (truncation, an undefined local
message, a corrupt chained header) and reports it with its byte offset; checksum mismatches are
soft faults recorded while decoding goes on. The caller decides what a fault means
(``OnError``). The work is bounded (:mod:`legday.io.limits`): past the most chained files, soft
faults, data messages or definition messages a file of its size may hold, the scan stops with
an ``unsafe`` fault, which the reader refuses whatever ``on_error`` says.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from legday.io.fit.crc import fit_crc
from legday.io.fit.protocol import (
    COMPRESSED_HEADER,
    COMPRESSED_LOCAL_SHIFT,
    CRC_SIZE,
    DEFINITION_HEADER,
    DEVELOPER_DATA_FLAG,
    HEADER_SIZES,
    LOCAL_MESG_MASK,
    SIGNATURE,
    base_type,
)
from legday.io.limits import (
    MAX_CHAINED_FIT_FILES,
    MAX_WARNINGS_PER_FILE,
    MIN_BYTES_PER_FIT_DEFINITION,
    MIN_BYTES_PER_FIT_MESSAGE,
    WORK_FLOOR,
)

__all__ = [
    "Definition",
    "DevFieldDef",
    "Fault",
    "FieldDef",
    "Framing",
    "clear_parse_caches",
    "looks_like_fit",
    "parse_definition",
    "scan",
]

#: Distinct definitions whose parse is cached per process: more than any device writes, and a
#: bound on memory when hostile files define endless new layouts.
DEFINITION_CACHE_SIZE = 4096
#: Bytes before the field list of a definition message: header, reserved, architecture,
#: global message number (2), field count (FIT protocol, definition message).
_DEF_FIXED = 6
#: Bytes per field definition: number, size, base type (FIT protocol).
_FIELD_DEF_SIZE = 3
#: Offset of the data-type signature in the file header (FIT protocol).
_SIGNATURE_AT = 8
#: The architecture byte value for big-endian definitions (FIT protocol: 0 little, 1 big).
_BIG_ENDIAN = 1
#: The base type used for odd-sized or unknown fields: uint8, read as bytes (as the SDK does).
_BYTES_BASE = 0x02
#: Normal data headers of local type L are L + 16k for k = 0..3: bits 4-5 are reserved and
#: ignored, as the official SDK does (FIT protocol, record header).
_NORMAL_END, _NORMAL_STEP, _NORMAL_COPIES = 0x40, 0x10, 4
#: Compressed-timestamp headers carry local types 0-3 in bits 5-6 and a 5-bit time offset, so
#: each local type owns 32 consecutive header values from 0x80 + 32 L (FIT protocol).
_COMPRESSED_LOCALS, _COMPRESSED_COPIES = 4, 32
#: Data messages scanned one by one before the scan checks whether they are a run of one size
#: (which it then takes whole with numpy): a run check costs about what this many steps do.
_BLOCK = 64
#: The local message type of each data-message header byte: bits 5-6 of a compressed-timestamp
#: header, bits 0-3 of a normal one; -1 for definition headers (FIT protocol, record header).
_DATA_LOCAL = np.array(
    [
        (h >> COMPRESSED_LOCAL_SHIFT) & (_COMPRESSED_LOCALS - 1)
        if h & COMPRESSED_HEADER
        else -1
        if h & DEFINITION_HEADER
        else h & LOCAL_MESG_MASK
        for h in range(256)
    ],
    dtype=np.int64,
)
#: Mask of the bits that tell a definition header (bit 6 set, bit 7 clear).
_KIND_MASK = COMPRESSED_HEADER | DEFINITION_HEADER


class FieldDef(NamedTuple):
    """A field slot of a definition: where it sits in the message and its base type."""

    num: int
    offset: int
    """Byte offset from the record header byte (the first field is at 1)."""
    size: int
    base: int
    """Base-type number; odd-sized or unknown types are read as bytes (uint8), as the SDK does."""


class DevFieldDef(NamedTuple):
    """A developer field slot of a definition."""

    num: int
    offset: int
    size: int
    dev_index: int


@dataclass(frozen=True, slots=True)
class Definition:
    """A definition message: how the data messages of one local type are laid out.

    The scan keeps only what framing needs (the message size); the field slots are parsed
    on demand, for the messages a reader asks for.
    """

    raw: bytes
    """The definition message's bytes, record header included."""
    local: int
    global_num: int
    big_endian: bool
    size: int
    """Bytes of each data message, record header included."""

    @property
    def fields(self) -> tuple[FieldDef, ...]:
        return _parse_fields(self.raw)[0]

    @property
    def dev_fields(self) -> tuple[DevFieldDef, ...]:
        return _parse_fields(self.raw)[1]


@dataclass(frozen=True, slots=True)
class Fault:
    """Where and how a file breaks the format."""

    kind: Literal["truncated", "corrupt", "unsafe"]
    """``unsafe``: past a bound on the work (:mod:`legday.io.limits`), always hard."""
    offset: int
    message: str
    hard: bool
    """True when decoding stopped here; False for a checksum mismatch (all data was read)."""


@dataclass(slots=True)
class Framing:
    """The result of a scan: the distinct definitions and every data message's offset."""

    definitions: list[Definition] = field(default_factory=list)
    offsets: array[int] = field(default_factory=lambda: array("q"))
    """Byte offset of each data message's record header, in file order."""
    bindings: list[tuple[int, int, int]] = field(default_factory=list)
    """(messages seen so far, local type, definition index) each time a definition message
    binds a local type; with the record headers this gives every message's definition."""
    files: int = 0
    """Number of chained FIT files read (complete or not)."""
    faults: list[Fault] = field(default_factory=list)

    def definition_of_messages(self, u8: npt.NDArray[np.uint8]) -> npt.NDArray[np.intp]:
        """The definition index of every data message (vectorised over the bindings)."""
        offsets = np.frombuffer(self.offsets, dtype=np.int64)
        if not offsets.size:
            return np.zeros(0, dtype=np.intp)
        local = _DATA_LOCAL.take(u8[offsets])
        stride = offsets.size + 1
        bound = np.array([(loc * stride + seen, d) for seen, loc, d in self.bindings], np.int64)
        order = np.argsort(bound[:, 0], kind="stable")
        keys, defs = bound[order, 0], bound[order, 1]
        message_keys = local * stride + np.arange(offsets.size)
        at = np.searchsorted(keys, message_keys, side="right") - 1
        result: npt.NDArray[np.intp] = defs[at].astype(np.intp)
        return result


def looks_like_fit(head: bytes) -> bool:
    """True when ``head`` starts with a FIT file header (size byte and ``.FIT`` signature)."""
    return (
        len(head) >= _SIGNATURE_AT + len(SIGNATURE)
        and head[0] in HEADER_SIZES
        and head[_SIGNATURE_AT : _SIGNATURE_AT + len(SIGNATURE)] == SIGNATURE
    )


def scan(data: bytes) -> Framing:
    """Find every definition and data message of ``data`` (one or several chained FIT files).

    The caller has checked that ``data`` starts with a FIT header.
    """
    out = Framing()
    n = len(data)
    budget = _Budget(
        messages=max(WORK_FLOOR, n // MIN_BYTES_PER_FIT_MESSAGE),
        definitions=max(WORK_FLOOR, n // MIN_BYTES_PER_FIT_DEFINITION),
    )
    pos = 0
    while pos < n:
        if out.files == MAX_CHAINED_FIT_FILES:
            message = f"more than {MAX_CHAINED_FIT_FILES} chained FIT files"
            out.faults.append(Fault("unsafe", pos, message, True))
            return out
        if len(out.faults) > MAX_WARNINGS_PER_FILE:
            message = (
                f"more than {MAX_WARNINGS_PER_FILE} faults (the first: {out.faults[0].message})"
            )
            out.faults.append(Fault("unsafe", pos, message, True))
            return out
        if not looks_like_fit(data[pos : pos + _SIGNATURE_AT + len(SIGNATURE)]):
            kind: Literal["truncated", "corrupt"] = "corrupt"
            if n - pos < HEADER_SIZES[0] and data[pos] in HEADER_SIZES:
                kind = "truncated"
            out.faults.append(
                Fault(kind, pos, "bytes after the last FIT file are not a FIT header", True)
            )
            return out
        header_size = data[pos]
        if n - pos < header_size:
            out.faults.append(Fault("truncated", n, "file ends inside the file header", True))
            return out
        out.files += 1
        if header_size == HEADER_SIZES[1]:
            stored = int.from_bytes(data[pos + 12 : pos + 14], "little")
            if stored != 0 and stored != fit_crc(data[pos : pos + 12]):
                out.faults.append(Fault("corrupt", pos + 12, "header CRC mismatch", False))
        end = pos + header_size + int.from_bytes(data[pos + 4 : pos + 8], "little")
        limit = min(end, n)
        stop = _scan_messages(data, pos + header_size, limit, out, budget)
        if stop is not None:
            out.faults.append(stop)
        if end + CRC_SIZE > n:
            out.faults.append(
                Fault("truncated", n, f"file ends before its declared end at byte {end + 2}", True)
            )
        if out.faults and out.faults[-1].hard:
            return out
        stored = int.from_bytes(data[end : end + CRC_SIZE], "little")
        if stored != fit_crc(data[pos:end]):
            out.faults.append(Fault("corrupt", end, "file CRC mismatch", False))
        pos = end + CRC_SIZE
    return out


class _Budget(NamedTuple):
    """The most data messages and definition messages the whole file may hold."""

    messages: int
    definitions: int


def _scan_messages(
    data: bytes, pos: int, limit: int, out: Framing, budget: _Budget
) -> Fault | None:
    """Scan the messages of one FIT file's data section ``[pos, limit)``.

    Returns the hard fault that stopped the scan, or None when the section was read to its end.
    """
    size = [0] * 256
    """Message size by record-header byte; 0 for definitions and unbound local types."""
    known = {d.raw: i for i, d in enumerate(out.definitions)}
    """Each distinct definition (by its bytes) and its index: devices re-send the same
    definitions often, and identical definitions share one group."""
    longest = 0
    """The longest message size bound so far: a block of messages from ``pos`` surely ends
    inside the data when ``pos + _BLOCK * longest <= limit``, so it needs no bounds check."""
    offsets = out.offsets
    append = offsets.append
    block = range(_BLOCK)
    max_messages = budget.messages
    while pos < limit:
        if len(offsets) > max_messages:  # checked once per block of messages
            return _over_budget(pos, len(offsets), "data", MIN_BYTES_PER_FIT_MESSAGE)
        if pos + _BLOCK * longest <= limit:
            for _ in block:
                # The hot loop: one look-up and one append per data message.
                s = size[data[pos]]
                if not s:
                    break
                append(pos)
                pos += s
            else:
                # A block of data messages, the last as long as their average: most likely a
                # run of one layout (records), which numpy checks and takes whole.
                if offsets[-1] - offsets[-_BLOCK] == (_BLOCK - 1) * s:
                    room = max_messages + 1 - len(offsets)  # a run stops one past the budget
                    end = _run_end(data, data[offsets[-1]], pos, s, min(limit, pos + room * s))
                    offsets.frombytes(np.arange(pos, end, s, dtype=np.int64).tobytes())
                    pos = end
                continue
        else:
            # The last bytes: one message at a time, to the end or a definition.
            while pos < limit:
                s = size[data[pos]]
                if not s:
                    break
                append(pos)
                pos += s
            if pos >= limit:
                break
        b = data[pos]
        if b & _KIND_MASK != DEFINITION_HEADER:
            return Fault("corrupt", pos, f"data message of undefined local type {b:#04x}", True)
        next_pos = _definition_end(data, pos, limit)
        if isinstance(next_pos, Fault):
            return next_pos
        key = data[pos:next_pos]
        index = known.get(key)
        if index is None:
            index = known[key] = len(out.definitions)
            out.definitions.append(parse_definition(key))
        definition = out.definitions[index]
        local = definition.local
        out.bindings.append((len(offsets), local, index))
        if len(out.bindings) > budget.definitions:
            return _over_budget(pos, len(out.bindings), "definition", MIN_BYTES_PER_FIT_DEFINITION)
        size[local:_NORMAL_END:_NORMAL_STEP] = [definition.size] * _NORMAL_COPIES
        if local < _COMPRESSED_LOCALS:
            first = COMPRESSED_HEADER + (local << COMPRESSED_LOCAL_SHIFT)
            size[first : first + _COMPRESSED_COPIES] = [definition.size] * _COMPRESSED_COPIES
        longest = max(longest, definition.size)
        pos = next_pos
    if pos > limit:
        # The last data message runs past the end of the data: drop it.
        start = offsets.pop()
        return Fault("truncated", start, "data message runs past the end of the data", True)
    if len(offsets) > budget.messages:
        return _over_budget(pos, len(offsets), "data", MIN_BYTES_PER_FIT_MESSAGE)
    return None


def _over_budget(pos: int, count: int, what: str, min_bytes: int) -> Fault:
    return Fault(
        "unsafe",
        pos,
        f"{count:,} {what} messages by byte {pos:,}: more than one per {min_bytes} bytes of "
        "the file",
        True,
    )


def _run_end(data: bytes, header: int, pos: int, s: int, limit: int) -> int:
    """The end of the run of data messages of ``s`` bytes from ``pos`` that have the local
    message type of ``header`` (so its definition, and that size): the offset of the first
    message of another type (or of a definition) after them, or of the last whole one.

    The record headers at ``pos``, ``pos + s``… are checked a window at a time, each window
    twice the last, so a short run costs little.
    """
    local = _DATA_LOCAL[header]
    u8 = np.frombuffer(data, dtype=np.uint8)
    window = _BLOCK
    while True:
        count = min(window, (limit - pos) // s)
        if count <= 0:
            return pos
        heads = u8[pos : pos + count * s : s]
        other = np.flatnonzero(_DATA_LOCAL.take(heads) != local)
        if other.size:
            return pos + int(other[0]) * s
        pos += count * s
        window *= 2


def _definition_end(data: bytes, pos: int, limit: int) -> int | Fault:
    """The offset just after the definition message at ``pos``."""
    p = pos + _DEF_FIXED
    if p > limit:
        return Fault("truncated", pos, "definition message cut short", True)
    if data[pos + 2] > _BIG_ENDIAN:
        return Fault("corrupt", pos + 2, f"unknown architecture byte {data[pos + 2]}", True)
    p += _FIELD_DEF_SIZE * data[pos + 5]
    if data[pos] & DEVELOPER_DATA_FLAG:
        if p + 1 > limit:
            return Fault("truncated", pos, "definition message cut short", True)
        p += 1 + _FIELD_DEF_SIZE * data[p]
    if p > limit:
        return Fault("truncated", pos, "definition message cut short", True)
    return p


@lru_cache(maxsize=DEFINITION_CACHE_SIZE)
def parse_definition(raw: bytes) -> Definition:
    """The framing facts of one complete definition message."""
    big = raw[2] == _BIG_ENDIAN
    n_fields = raw[5]
    end = _DEF_FIXED + _FIELD_DEF_SIZE * n_fields
    size = 1 + sum(raw[_DEF_FIXED + 1 : end : _FIELD_DEF_SIZE])
    if raw[0] & DEVELOPER_DATA_FLAG:
        size += sum(raw[end + 2 :: _FIELD_DEF_SIZE])
    return Definition(
        raw=raw,
        local=raw[0] & LOCAL_MESG_MASK,
        global_num=int.from_bytes(raw[3:5], "big" if big else "little"),
        big_endian=big,
        size=size,
    )


@lru_cache(maxsize=DEFINITION_CACHE_SIZE)
def _parse_fields(raw: bytes) -> tuple[tuple[FieldDef, ...], tuple[DevFieldDef, ...]]:
    """The field and developer-field slots of a definition message.

    Zero-sized slots and repeated field numbers (keeping the first) are left out; odd-sized or
    unknown base types are read as bytes, as the official SDK does.
    """
    p = _DEF_FIXED
    fields: list[FieldDef] = []
    seen: set[int] = set()
    offset = 1
    for _ in range(raw[5]):
        num, fsize, raw_base = raw[p], raw[p + 1], raw[p + 2]
        p += _FIELD_DEF_SIZE
        bt = base_type(raw_base)
        base = bt.number if bt is not None and fsize % bt.size == 0 else _BYTES_BASE
        if fsize and num not in seen:
            seen.add(num)
            fields.append(FieldDef(num, offset, fsize, base))
        offset += fsize
    dev_fields: list[DevFieldDef] = []
    if raw[0] & DEVELOPER_DATA_FLAG:
        n_dev = raw[p]
        p += 1
        dev_seen: set[tuple[int, int]] = set()
        for _ in range(n_dev):
            num, fsize, index = raw[p], raw[p + 1], raw[p + 2]
            p += _FIELD_DEF_SIZE
            if fsize and (index, num) not in dev_seen:
                dev_seen.add((index, num))
                dev_fields.append(DevFieldDef(num, offset, fsize, index))
            offset += fsize
    return tuple(fields), tuple(dev_fields)


def clear_parse_caches() -> None:
    """Forget every definition parsed (the caches of :func:`parse_definition` and its fields)."""
    parse_definition.cache_clear()
    _parse_fields.cache_clear()
