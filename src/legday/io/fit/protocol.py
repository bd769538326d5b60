"""Constants and base types of the FIT protocol (the binary layer, not the message profile).

The base-type table is derived from ``garmin_fit_sdk.fit.BASE_TYPE_DEFINITIONS`` so that sizes,
signedness and invalid-value sentinels are not retyped by hand; only the numpy spelling of each
type is added here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

__all__ = [
    "BASE_TYPE_MASK",
    "COMPRESSED_HEADER",
    "COMPRESSED_LOCAL_SHIFT",
    "CRC_SIZE",
    "DEFINITION_HEADER",
    "DEVELOPER_DATA_FLAG",
    "FIT_EPOCH_S",
    "HEADER_SIZES",
    "LOCAL_MESG_MASK",
    "SEMICIRCLES_TO_DEG",
    "SIGNATURE",
    "TIMESTAMP_FIELD",
    "TIME_OFFSET_MASK",
    "BaseType",
    "base_type",
]

#: POSIX seconds of the FIT epoch, 1989-12-31T00:00:00Z (FIT protocol, "date_time" type).
FIT_EPOCH_S = 631065600
#: The data-type signature at bytes 8..12 of every FIT file header (FIT protocol, file header).
SIGNATURE = b".FIT"
#: Legal file-header sizes: 12 (legacy, no header CRC) and 14 (with header CRC) (FIT protocol).
HEADER_SIZES = (12, 14)
#: Bytes of the CRC-16 that ends every FIT file (FIT protocol, file CRC).
CRC_SIZE = 2
#: Record-header bit 7: a compressed-timestamp data message (FIT protocol, record header).
COMPRESSED_HEADER = 0x80
#: Record-header bit 6 in a normal header: a definition message (FIT protocol, record header).
DEFINITION_HEADER = 0x40
#: Record-header bit 5 of a definition: developer field definitions follow (FIT protocol 2.0).
DEVELOPER_DATA_FLAG = 0x20
#: Record-header bits 0-3 of a normal header: the local message type (FIT protocol).
LOCAL_MESG_MASK = 0x0F
#: Shift of the 2-bit local message type in a compressed-timestamp header (FIT protocol).
COMPRESSED_LOCAL_SHIFT = 5
#: Bits 0-4 of a compressed-timestamp header: the time offset in seconds (FIT protocol).
TIME_OFFSET_MASK = 0x1F
#: The field number every message uses for its ``timestamp`` (FIT profile common field 253).
TIMESTAMP_FIELD = 253
#: Bits 0-4 of a field definition's base-type byte give the base-type number (FIT protocol).
BASE_TYPE_MASK = 0x1F
#: Degrees per semicircle: 180 / 2**31 (FIT profile, units "semicircles").
SEMICIRCLES_TO_DEG = 180.0 / 2**31

#: numpy kind for each struct type code the SDK's base-type table uses ('s' = string bytes).
_NUMPY_KIND: dict[str, str] = {
    "b": "i1",
    "B": "u1",
    "h": "i2",
    "H": "u2",
    "i": "i4",
    "I": "u4",
    "q": "i8",
    "Q": "u8",
    "f": "f4",
    "d": "f8",
    "s": "u1",
}


@dataclass(frozen=True, slots=True)
class BaseType:
    """One FIT base type: its size, numpy kind and invalid-value sentinel."""

    number: int
    size: int
    kind: str
    """numpy kind without byte order, e.g. ``u2``."""
    invalid: int
    """The raw sentinel meaning "no value" (for floats: the all-ones bit pattern, a NaN)."""
    is_string: bool
    is_float: bool


@cache
def _table() -> dict[int, BaseType]:
    from garmin_fit_sdk import fit as sdk_fit

    string_id = sdk_fit.BASE_TYPE["STRING"]
    table: dict[int, BaseType] = {}
    for number, spec in sdk_fit.BASE_TYPE_DEFINITIONS.items():
        kind = _NUMPY_KIND[spec["type_code"]]
        table[int(number)] = BaseType(
            number=int(number),
            size=int(spec["size"]),
            kind=kind,
            invalid=int(spec["invalid"]),
            is_string=number == string_id,
            is_float=kind.startswith("f"),
        )
    return table


def base_type(number: int) -> BaseType | None:
    """The base type for a definition's base-type byte (masked), or None when unknown."""
    return _table().get(number & BASE_TYPE_MASK)
