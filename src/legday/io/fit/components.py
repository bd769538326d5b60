"""Component expansion and accumulated fields (FIT profile "components", "accumulate").

A field with components packs several values into its bits, least significant first; each
component expands into another field of the same message (``speed`` → ``enhanced_speed``,
``compressed_speed_distance`` → ``speed`` + ``distance``). An accumulated target is a rolling
counter of ``bits`` bits: its value is the running sum of the forward differences, modulo
``2**bits``, starting from the first value seen or from the last full value the message carried.

Everything is vectorised over a :class:`~legday.io.fit.columns.Table`'s rows. Expanded values
are kept exact: ``bits / scale - offset`` of the component, not re-quantised to the target
field's resolution (the official SDK truncates them to the target's integer units, which loses
up to one unit, e.g. 1 mm/s of speed or 1 cm of distance; see tests/test_fit_exact.py).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from legday.io.fit.columns import FloatArray, Table, rows_all, zero_nan
from legday.io.fit.profile import Component, FieldProfile, MessageProfile

__all__ = ["expand_components"]

#: Bits per element for the profile's base-type names (FIT protocol base types).
_TYPE_BITS: dict[str, int] = {
    "enum": 8,
    "sint8": 8,
    "uint8": 8,
    "uint8z": 8,
    "byte": 8,
    "sint16": 16,
    "uint16": 16,
    "uint16z": 16,
    "sint32": 32,
    "uint32": 32,
    "uint32z": 32,
}
#: Unsigned integer types: their raw value is their bits (a signed one wraps to two's
#: complement first).
_UNSIGNED = frozenset({"uint8", "uint8z", "uint16", "uint16z", "uint32", "uint32z"})
#: Widest component the profile defines (32 bits): with elements of at most 32 bits, the
#: elements a component spans always fit the 64 bits of a uint64.
_MAX_COMPONENT_BITS = 32
#: Bits of the unsigned integer a row's packed elements are combined into (numpy uint64).
_WORD_BITS = 64


def expand_components(table: Table) -> None:
    """Fill ``table.expanded`` from every field of ``table`` that has components."""
    profile = table.profile
    if profile is None:
        return
    work: list[tuple[FieldProfile, FloatArray]] = [
        (profile.fields[num], column)
        for num, column in table.raw.items()
        if num in profile.fields and profile.fields[num].components
    ]
    while work:
        spec, column = work.pop()
        work.extend(_expand_one(table, profile, spec, column))


def _pack(elements: npt.NDArray[np.uint64], element_bits: int) -> npt.NDArray[np.uint64]:
    """Each row's elements as one integer, element 0 lowest (at most 64 bits in all).

    Column by column: a numpy reduction along rows of a few elements costs several times more.
    """
    packed = elements[:, 0].copy()
    for i in range(1, elements.shape[1]):
        packed |= elements[:, i] << np.uint64(i * element_bits)
    return packed


def _component(
    elements: npt.NDArray[np.uint64], element_bits: int, position: int, bits: int
) -> npt.NDArray[np.int64]:
    """The ``bits`` bits at bit ``position`` of each row's packed elements (element 0 lowest).

    Only the elements the component spans are combined, so fields of any width (e.g. the
    120-bit ``hr.event_timestamp_12``) stay in uint64 arithmetic.
    """
    first = position // element_bits
    last = (position + bits - 1) // element_bits
    window = np.zeros(elements.shape[0], dtype=np.uint64)
    for i, e in enumerate(range(first, last + 1)):
        window |= elements[:, e] << np.uint64(i * element_bits)
    shift = np.uint64(position - first * element_bits)
    return ((window >> shift) & np.uint64((1 << bits) - 1)).astype(np.int64)


def _whole_value(
    profile: MessageProfile, spec: FieldProfile, column: FloatArray
) -> tuple[Component, FieldProfile] | None:
    """The component and its target when an unsigned scalar field has one non-accumulated
    component spanning all its bits (its value is then the raw value itself), else None."""
    if column.ndim != 1 or len(spec.components) != 1 or spec.type not in _UNSIGNED:
        return None
    comp = spec.components[0]
    target = profile.fields.get(comp.target)
    if comp.accumulate or target is None or comp.bits != _TYPE_BITS[spec.type]:
        return None
    return comp, target


def _expand_one(
    table: Table, profile: MessageProfile, spec: FieldProfile, column: FloatArray
) -> list[tuple[FieldProfile, FloatArray]]:
    """Expand one packed field; returns targets that themselves have components."""
    simple = _whole_value(profile, spec, column)
    if simple is not None:
        # The one component is the whole scalar value (speed → enhanced_speed, altitude →
        # enhanced_altitude): no bits to cut, NaN stays NaN.
        comp, goal = simple
        values = column / comp.scale - comp.offset if comp.scale != 1 else column - comp.offset
        table.expanded[comp.target] = values
        if goal.components:
            return [(goal, np.round((values + goal.offset) * goal.scale))]
        return []
    missing = np.isnan(column)
    valid = ~(missing if column.ndim == 1 else rows_all(missing))
    any_invalid = not bool(valid.all())
    element_bits = _TYPE_BITS.get(spec.type, 0)
    filled = np.where(missing, 0.0, column)
    # Through int64 so that signed values wrap to their two's complement, then cut to size.
    element_mask = np.uint64((1 << element_bits) - 1)
    elements = filled.astype(np.int64).view(np.uint64) & element_mask
    if elements.ndim == 1:
        elements = elements[:, None]
    total = element_bits * elements.shape[1]
    # A field of at most 64 bits (every one but a few wide hr fields) is packed into one
    # integer per row, so each component is one shift and one mask.
    whole = _pack(elements, element_bits) if total <= _WORD_BITS else None
    by_target: dict[int, list[tuple[Component, npt.NDArray[np.int64]]]] = {}
    position = 0
    for comp in spec.components:
        if not element_bits or position + comp.bits > total or comp.bits > _MAX_COMPONENT_BITS:
            break
        if whole is not None:
            mask = np.uint64((1 << comp.bits) - 1)
            part = ((whole >> np.uint64(position)) & mask).astype(np.int64)
        else:
            part = _component(elements, element_bits, position, comp.bits)
        by_target.setdefault(comp.target, []).append((comp, part))
        position += comp.bits
    follow: list[tuple[FieldProfile, FloatArray]] = []
    for target, parts in by_target.items():
        target_spec = profile.fields.get(target)
        if target_spec is None:
            continue
        first = parts[0][0]
        if len(parts) == 1:
            # The usual case: one component per target, a column of scalars.
            bits = parts[0][1][:, None]
            scale: float | FloatArray = first.scale
            offset: float | FloatArray = first.offset
        else:
            bits = np.stack([p for _, p in parts], axis=1)
            scale = np.array([c.scale for c, _ in parts])
            offset = np.array([c.offset for c, _ in parts])
        if first.accumulate:
            counts = _accumulate(table, target_spec, first, bits, valid)
        else:
            counts = bits.astype(np.float64)
        values = counts / scale - offset
        if any_invalid:
            values[~valid] = np.nan
        result = values[:, 0] if values.shape[1] == 1 else values
        table.expanded[target] = result
        if target_spec.components and result.ndim == 1:
            target_raw = np.round((result + target_spec.offset) * target_spec.scale)
            follow.append((target_spec, target_raw))
    return follow


def _accumulate(
    table: Table,
    target: FieldProfile,
    comp: Component,
    bits: npt.NDArray[np.int64],
    valid: npt.NDArray[np.bool_],
) -> FloatArray:
    """Running values of an accumulated target, in component units, shape of ``bits``.

    A message that also carries the target field in full resets the counter to that value
    (converted to component units) before its own components are added.
    """
    rows, width = bits.shape
    explicit = table.raw.get(target.num)
    mask = (1 << comp.bits) - 1
    if width == 1 and (explicit is None or explicit.ndim != 1):
        # The common case (no message carries the target in full): one running sum.
        every = bool(valid.all())
        v = bits[:, 0] if every else bits[valid, 0]
        running = np.empty(v.shape[0])
        if v.size:
            running[0] = v[0]
            running[1:] = v[0] + np.cumsum((v[1:] - v[:-1]) & mask)
        if every:
            return running[:, None]
        single = np.full((rows, 1), np.nan)
        single[valid, 0] = running
        return single
    reset_value = np.full(rows, np.nan)
    if explicit is not None and explicit.ndim == 1:
        full_value = explicit / target.scale - target.offset
        reset_value = np.round((full_value + comp.offset) * comp.scale)
    has_reset = ~np.isnan(reset_value)
    # One event per reset, then one per component value, in file order.
    kinds = np.concatenate([has_reset[:, None], np.repeat(valid[:, None], width, 1)], axis=1)
    values = np.concatenate([zero_nan(reset_value)[:, None], bits.astype(np.float64)], 1)
    is_reset = np.zeros_like(kinds)
    is_reset[:, 0] = True
    flat_keep = kinds.ravel()
    v = values.ravel()[flat_keep].astype(np.int64)
    r = is_reset.ravel()[flat_keep]
    out = np.full(kinds.shape, np.nan)
    if v.size:
        prev = np.concatenate(([v[0]], v[:-1]))
        step = np.where(r, 0, (v - prev) & mask)
        step[0] = 0
        climb = np.cumsum(step)
        positions = np.arange(v.size)
        anchor = np.maximum.accumulate(np.where(r, positions, 0))
        start = np.where(r[anchor], v[anchor], v[0])
        running = start + climb - climb[anchor]
        out.reshape(-1)[np.flatnonzero(flat_keep)] = running
    return out[:, 1:]
