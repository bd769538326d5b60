"""Record messages → sample channels in SI units (legday.model.CHANNELS plus extras)."""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import numpy.typing as npt

from legday.io.fit.columns import FloatArray, Table
from legday.io.fit.developer import DevFields, DevType
from legday.io.fit.protocol import FIT_EPOCH_S, SEMICIRCLES_TO_DEG
from legday.model import CHANNELS

__all__ = ["STEP_SPORTS", "dev_channels", "record_samples"]

#: Sports whose FIT cadence counts strides (one foot) per minute; legday doubles it to steps
#: per minute (FIT profile: record.cadence is "rpm", one cycle = two steps on foot).
STEP_SPORTS = frozenset({"running", "walking", "hiking"})

#: Record fields that feed the standard channels, so they are not repeated as extras.
_STANDARD_FIELDS = frozenset(
    {
        "timestamp",
        "position_lat",
        "position_long",
        "distance",
        "speed",
        "enhanced_speed",
        "altitude",
        "enhanced_altitude",
        "heart_rate",
        "cadence",
        "fractional_cadence",
        "power",
        "compressed_speed_distance",
    }
)
#: Profile types whose values are plain numbers (others are enums, bit fields or strings).
_NUMERIC_TYPES = frozenset(
    {
        "sint8",
        "uint8",
        "uint8z",
        "sint16",
        "uint16",
        "uint16z",
        "sint32",
        "uint32",
        "uint32z",
        "float32",
        "float64",
        "sint64",
        "uint64",
        "uint64z",
    }
)
#: Profile unit spellings → the suffix legday puts in channel names (SI-style, lower case).
_UNIT_SUFFIX: dict[str, str] = {
    "C": "c",
    "%": "pct",
    "percent": "pct",
    "m/s": "mps",
    "watts": "w",
    "kcal": "kcal",
    "bpm": "bpm",
    "rpm": "rpm",
}


@cache  # profile names and units only: a bounded set
def _channel_name(name: str, units: str) -> str:
    suffix = _UNIT_SUFFIX.get(units, re.sub(r"[^a-z0-9]+", "_", units.lower()).strip("_"))
    if not suffix or name.endswith((f"_{suffix}", "_percent")):
        return name
    return f"{name}_{suffix}"


def _dev_name(name: str) -> str:
    return "dev_" + (re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "field")


def dev_channels(records: Table, dev: DevFields) -> list[tuple[str, int, DevType]]:
    """(channel name, description id, description) of each described developer field of the
    records: ``dev_<field_name>``. Descriptions of one name and unit (one field described
    again, e.g. in each leg of a multisport file) share the channel; a name that two apps
    give different units is made unique with a trailing ``_``."""
    out: list[tuple[str, int, DevType]] = []
    units_of: dict[str, str] = {}
    for key in records.dev:
        spec = dev.types[key]
        name = _dev_name(spec.name)
        while units_of.get(name, spec.units) != spec.units:
            name += "_"
        units_of[name] = spec.units
        out.append((name, key, spec))
    return out


def record_samples(
    records: Table,
    rows: npt.NDArray[np.intp] | slice,
    sport: str,
    heart_rate: FloatArray,
    dev: DevFields,
) -> dict[str, FloatArray]:
    """The sample channels of the records at ``rows`` (indices into ``records``, or a slice).

    Cadence is reported in steps per minute: for running, walking and hiking the FIT value
    (strides per minute, plus ``fractional_cadence``) is doubled; for other sports (crank or
    stroke rate) it is kept as it is. Speed and altitude prefer the 32-bit ``enhanced_`` fields.
    """
    stamp = records.raw_of("timestamp")[rows] + FIT_EPOCH_S
    out: dict[str, FloatArray] = {"timestamp": stamp}
    finite = stamp[np.isfinite(stamp)]
    out["elapsed_s"] = stamp - (finite[0] if finite.size else np.nan)
    out["distance_m"] = records.value("distance")[rows]
    out["speed_mps"] = _prefer(records.value("enhanced_speed"), records.value("speed"))[rows]
    out["altitude_m"] = _prefer(records.value("enhanced_altitude"), records.value("altitude"))[rows]
    out["heart_rate_bpm"] = heart_rate[rows]
    cadence = records.value("cadence")[rows]
    fraction = records.value("fractional_cadence")[rows]
    cadence = cadence + np.where(np.isnan(fraction), 0.0, fraction)
    out["cadence_spm"] = cadence * 2.0 if sport in STEP_SPORTS else cadence
    out["power_w"] = records.value("power")[rows]
    out["latitude_deg"] = records.raw_of("position_lat")[rows] * SEMICIRCLES_TO_DEG
    out["longitude_deg"] = records.raw_of("position_long")[rows] * SEMICIRCLES_TO_DEG
    profile = records.profile
    if profile is not None:
        for num, column in records.raw.items():
            spec = profile.fields.get(num)
            if (
                spec is None
                or spec.name in _STANDARD_FIELDS
                or spec.type not in _NUMERIC_TYPES
                or column.ndim != 1
            ):
                continue
            name = _channel_name(spec.name, spec.units)
            if name not in out:
                out[name] = records.value(spec.name)[rows]
    for name, dev_key, spec_d in dev_channels(records, dev):
        column = records.dev[dev_key]
        values = ((column / spec_d.scale if spec_d.scale != 1 else column) - spec_d.offset)[rows]
        # Descriptions sharing a channel are read in different messages: each fills its own.
        out[name] = np.where(np.isnan(values), out[name], values) if name in out else values
    for channel in CHANNELS:
        out[channel] = np.ascontiguousarray(out[channel], dtype=np.float64)
    return out


def _prefer(first: FloatArray, second: FloatArray) -> FloatArray:
    return np.where(np.isnan(first), second, first)
