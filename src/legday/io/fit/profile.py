"""Compact profile tables derived once per process from the official ``garmin_fit_sdk`` Profile.

Message and field names, scales, offsets, units, components, sub-fields and enum names all come
from ``garmin_fit_sdk.profile.Profile`` (FIT Protocol License, see docs/licensing.md); nothing is
retyped by hand. The SDK module is imported lazily the first time a table is asked for, and the
derived tables are cached for the life of the process.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

__all__ = [
    "Component",
    "FieldProfile",
    "MessageProfile",
    "SubField",
    "enum_name",
    "enum_value",
    "mesg_num",
    "message_profile",
]


@dataclass(frozen=True, slots=True)
class Component:
    """One component of a field: ``bits`` bits that expand into another field of the message."""

    target: int
    """Field number the bits expand into."""
    bits: int
    scale: float
    offset: float
    accumulate: bool
    """True when the target field is accumulated (a rolling counter of ``bits`` bits)."""


@dataclass(frozen=True, slots=True)
class SubField:
    """An alternative reading of a field, chosen by the raw value of another field."""

    name: str
    type: str
    scale: float
    offset: float
    units: str
    refs: tuple[tuple[int, int], ...]
    """(reference field number, raw value) pairs; any match selects this sub-field."""


@dataclass(frozen=True, slots=True)
class FieldProfile:
    """A field of a message as the profile defines it."""

    num: int
    name: str
    type: str
    """The profile type: a base type name (``uint16``) or an enum type (``sport``)."""
    scale: float
    """1 when the field has one scale per component (the SDK leaves such fields raw)."""
    offset: float
    units: str
    components: tuple[Component, ...]
    subfields: tuple[SubField, ...]


@dataclass(frozen=True, slots=True)
class MessageProfile:
    """A message as the profile defines it."""

    num: int
    name: str
    fields: Mapping[int, FieldProfile]
    by_name: Mapping[str, int]
    """Field name to field number."""


def _first(values: Any, default: float) -> float:
    if isinstance(values, list):
        return float(values[0]) if values else default
    return float(values) if values is not None else default


def _units(values: Any) -> str:
    if isinstance(values, list):
        return str(values[0]) if values else ""
    return str(values or "")


def _field(spec: Mapping[str, Any], fields: Mapping[int, Mapping[str, Any]]) -> FieldProfile:
    scales = spec["scale"] or [1]
    offsets = spec["offset"] or [0]
    components = []
    for i, target in enumerate(spec["components"]):
        target_spec = fields.get(int(target))
        components.append(
            Component(
                target=int(target),
                bits=int(spec["bits"][i]),
                scale=float(scales[i] if i < len(scales) else 1),
                offset=float(offsets[i] if i < len(offsets) else 0),
                accumulate=bool(target_spec and target_spec["is_accumulated"]),
            )
        )
    multi = len(scales) > 1
    subfields = tuple(
        SubField(
            name=str(sub["name"]),
            type=str(sub["type"]),
            scale=1.0 if len(sub["scale"] or [1]) > 1 else _first(sub["scale"], 1.0),
            offset=0.0 if len(sub["offset"] or [0]) > 1 else _first(sub["offset"], 0.0),
            units=_units(sub["units"]),
            refs=tuple((int(m["num"]), int(m["raw_value"])) for m in sub["map"]),
        )
        for sub in spec["sub_fields"]
    )
    return FieldProfile(
        num=int(spec["num"]),
        name=str(spec["name"]),
        type=str(spec["type"]),
        scale=1.0 if multi else _first(scales, 1.0),
        offset=0.0 if multi else _first(offsets, 0.0),
        units=_units(spec["units"]),
        components=tuple(components),
        subfields=subfields,
    )


@cache
def _sdk_profile() -> Mapping[str, Any]:
    from garmin_fit_sdk.profile import Profile

    profile: Mapping[str, Any] = Profile
    return profile


@cache
def message_profile(num: int) -> MessageProfile | None:
    """The profile of global message ``num`` (None for a message the profile does not know)."""
    spec = _sdk_profile()["messages"].get(num)
    if spec is None:
        return None
    raw_fields: Mapping[int, Mapping[str, Any]] = spec["fields"]
    fields = {int(k): _field(v, raw_fields) for k, v in raw_fields.items()}
    return MessageProfile(
        num=num,
        name=str(spec["name"]),
        fields=fields,
        by_name={f.name: k for k, f in fields.items()},
    )


@cache
def mesg_num(name: str) -> int:
    """The global message number of a message by profile name, e.g. ``record`` → 20."""
    return int(_sdk_profile()["mesg_num"][name.upper()])


@cache
def _enum(type_name: str) -> Mapping[int, str]:
    table = _sdk_profile()["types"].get(type_name)
    if not isinstance(table, Mapping):
        return {}
    return {int(k): str(v) for k, v in table.items() if isinstance(k, int)}


def enum_value(type_name: str, name: str) -> int | None:
    """The raw value named ``name`` in enum type ``type_name`` (e.g. ``date_time`` ``min``)."""
    for raw, text in _enum(type_name).items():
        if text == name:
            return raw
    return None


def enum_name(type_name: str, raw: int) -> str | None:
    """The profile name of ``raw`` in enum type ``type_name`` (None when the type or value is
    unknown)."""
    return _enum(type_name).get(raw)
