"""Write an :class:`~legday.model.Activity` as a FIT activity file with the official Garmin FIT
SDK encoder (``garmin_fit_sdk.Encoder``).

The file holds what a running watch writes: ``file_id``, ``device_info``, timer ``event``s
(start, ``stop_all`` on pauses), ``record``s, ``lap``s (intensity, trigger, workout step index),
one ``session`` and an ``activity`` message with the local time stamp.
"""

from __future__ import annotations

import math
import zlib
from typing import Any

import numpy as np
from garmin_fit_sdk import Encoder, Profile

from legday.model import Activity
from legday.synth.truth import Truth

__all__ = ["FIT_EPOCH_POSIX_S", "write_fit"]

#: POSIX time of the FIT epoch, 1989-12-31T00:00:00Z (FIT SDK, "date_time" type).
FIT_EPOCH_POSIX_S = 631_065_600
#: Semicircles per degree: FIT positions are sint32 with 2³¹ semicircles per 180°.
SEMICIRCLES_PER_DEG = 2**31 / 180.0
#: The manufacturer code for development and test files (FIT profile ``manufacturer``).
DEVELOPMENT_MANUFACTURER = "development"

_MESG: dict[str, int] = Profile["mesg_num"]
_PRIORITY_EVENT, _PRIORITY_RECORD, _PRIORITY_LAP = 0, 1, 2


class _RecordCachingEncoder(Encoder):  # type: ignore[misc]
    """The SDK encoder, reusing one message definition per set of ``record`` fields.

    The SDK builds and compares a fresh definition for every message, which is most of its cost
    on 1-Hz records. Records with the same fields (all scalars) have the same definition, so it is
    built once and found again by identity. Only the SDK's definition bookkeeping is bypassed:
    the bytes are still encoded by the SDK, and if these hooks ever disappear from the SDK the
    encoder simply falls back to its own (slower) path.
    """

    def __init__(self) -> None:
        super().__init__()
        self._record_defs: dict[tuple[str, ...], Any] = {}

    def _create_mesg_definition(self, mesg_num: int, mesg: dict[str, Any]) -> Any:
        if mesg_num != _MESG["RECORD"]:
            return super()._create_mesg_definition(mesg_num, mesg)  # type: ignore[misc]
        key = tuple(k for k, v in mesg.items() if v is not None)
        cached = self._record_defs.get(key)
        if cached is None:
            cached = super()._create_mesg_definition(mesg_num, mesg)  # type: ignore[misc]
            self._record_defs[key] = cached
        return cached

    def _find_local_mesg_definition(self, mesg_definition: Any) -> Any:
        for local in self._local_mesg_definitions:  # type: ignore[attr-defined]
            if local is mesg_definition:
                return local
        return super()._find_local_mesg_definition(mesg_definition)  # type: ignore[misc]


def _fit_time(posix: float) -> int:
    return round(float(posix)) - FIT_EPOCH_POSIX_S


def _column(values: np.ndarray[Any, Any], *, digits: int | None = None) -> list[Any]:
    """A list for the encoder: floats (rounded), ``None`` where NaN (the field is omitted)."""
    arr = np.asarray(values, dtype=np.float64)
    if digits is not None:
        arr = np.round(arr, digits)
    out: list[Any] = arr.tolist()
    return [None if math.isnan(v) else v for v in out]


def _records(activity: Activity, legacy: bool) -> list[tuple[float, int, dict[str, Any]]]:
    s = activity.samples
    ts = s["timestamp"]
    speed_key, alt_key = (
        ("speed", "altitude") if legacy else ("enhanced_speed", "enhanced_altitude")
    )
    strides = s["cadence_spm"] / 2.0  # FIT running cadence is per leg, plus 1/128 fractions
    whole = np.floor(strides)
    columns: dict[str, list[Any]] = {
        "timestamp": [_fit_time(t) for t in ts.tolist()],
        "distance": _column(s["distance_m"], digits=2),
        speed_key: _column(s["speed_mps"], digits=3),
        alt_key: _column(s["altitude_m"], digits=1),
        "heart_rate": _column(np.round(s["heart_rate_bpm"])),
        "cadence": _column(whole),
        "fractional_cadence": _column(strides - whole, digits=3),
        "power": _column(np.round(s["power_w"])),
        "position_lat": _column(np.round(s["latitude_deg"] * SEMICIRCLES_PER_DEG)),
        "position_long": _column(np.round(s["longitude_deg"] * SEMICIRCLES_PER_DEG)),
    }
    for key in ("heart_rate", "cadence", "power", "position_lat", "position_long"):
        columns[key] = [None if v is None else int(v) for v in columns[key]]
    names = list(columns)
    rows = zip(*(columns[k] for k in names), strict=True)
    record = _MESG["RECORD"]
    return [
        (t, _PRIORITY_RECORD, {"mesg_num": record, **dict(zip(names, row, strict=True))})
        for t, row in zip(ts.tolist(), rows, strict=True)
    ]


def write_fit(
    activity: Activity, truth: Truth | None = None, *, legacy_fields: bool = False
) -> bytes:
    """Encode ``activity`` as FIT bytes.

    With ``truth``, a structured workout (laps carrying workout step indices) also gets a
    ``workout`` message naming it (``wkt_name``, e.g. ``6x400m``), as a watch writes when it ran
    a planned workout. ``legacy_fields`` writes ``speed``/``altitude`` as older watches do
    instead of ``enhanced_speed``/``enhanced_altitude``.
    """
    s = activity.samples
    if activity.n_samples == 0:
        raise ValueError("cannot write a FIT file without samples")
    start = float(s["timestamp"][0])
    end = float(s["timestamp"][-1])
    offset = activity.utc_offset_s or 0
    product = (activity.device or "legday synthetic")[:20]
    serial = zlib.crc32(product.encode()) or 1
    enc = _RecordCachingEncoder()
    enc.write_mesg(
        {
            "mesg_num": _MESG["FILE_ID"],
            "type": "activity",
            "manufacturer": DEVELOPMENT_MANUFACTURER,
            "product": 0,
            "serial_number": serial,
            "time_created": _fit_time(start),
            "product_name": product,
        }
    )
    enc.write_mesg(
        {
            "mesg_num": _MESG["DEVICE_INFO"],
            "timestamp": _fit_time(start),
            "device_index": "creator",
            "manufacturer": DEVELOPMENT_MANUFACTURER,
            "product": 0,
            "serial_number": serial,
            "software_version": 1.0,
            "product_name": product,
        }
    )
    structured = any(lap.wkt_step_index is not None for lap in activity.laps)
    if truth is not None and truth.blocks and structured:
        enc.write_mesg(
            {
                "mesg_num": _MESG["WORKOUT"],
                "sport": "running",
                "num_valid_steps": len(activity.laps),
                "wkt_name": "; ".join(b.pattern for b in truth.blocks)[:40],
            }
        )
    timed: list[tuple[float, int, dict[str, Any]]] = []
    for k, event in enumerate(activity.events):
        # The first start and the final stop are the runner's; pauses in between are auto-pause.
        manual = k in (0, len(activity.events) - 1)
        timed.append(
            (
                event.timestamp,
                _PRIORITY_EVENT,
                {
                    "mesg_num": _MESG["EVENT"],
                    "timestamp": _fit_time(event.timestamp),
                    "event": event.event,
                    "event_type": event.event_type,
                    "event_group": 0,
                    "timer_trigger": "manual" if manual else "auto",
                },
            )
        )
    timed.extend(_records(activity, legacy_fields))
    for index, lap in enumerate(activity.laps):
        mesg: dict[str, Any] = {
            "mesg_num": _MESG["LAP"],
            "message_index": index,
            "timestamp": _fit_time(lap.end),
            "start_time": _fit_time(lap.start),
            "total_elapsed_time": lap.total_elapsed_s,
            "total_timer_time": lap.total_timer_s,
            "total_distance": lap.total_distance_m,
            "event": "lap",
            "event_type": "stop",
            "intensity": lap.intensity,
            "lap_trigger": lap.trigger,
            "wkt_step_index": lap.wkt_step_index,
            "sport": "running",
            **_lap_summary(activity, lap.start, lap.end, lap.total_timer_s),
        }
        timed.append((lap.end, _PRIORITY_LAP, mesg))
    timed.sort(key=lambda item: (item[0], item[1]))
    for _, priority, mesg in timed:
        enc.write_mesg(mesg if priority == _PRIORITY_RECORD else _finite(mesg))
    totals = activity.totals
    timer = totals.total_timer_s if totals and totals.total_timer_s is not None else end - start
    distance = activity.distance_m
    session: dict[str, Any] = {
        "mesg_num": _MESG["SESSION"],
        "message_index": 0,
        "timestamp": _fit_time(end),
        "start_time": _fit_time(start),
        "total_elapsed_time": end - start,
        "total_timer_time": timer,
        "total_distance": distance,
        "enhanced_avg_speed": distance / timer if timer > 0 else 0.0,
        "sport": activity.sport,
        "sub_sport": activity.sub_sport or "generic",
        "first_lap_index": 0,
        "num_laps": len(activity.laps),
        "event": "session",
        "event_type": "stop",
        "trigger": "activity_end",
    }
    if totals is not None:
        session.update(
            {
                "avg_heart_rate": _opt_int(totals.avg_heart_rate_bpm),
                "max_heart_rate": _opt_int(totals.max_heart_rate_bpm),
                "total_ascent": _opt_int(totals.total_ascent_m),
                "total_descent": _opt_int(totals.total_descent_m),
                "total_calories": _opt_int(totals.total_calories_kcal),
            }
        )
    enc.write_mesg(_finite(session))
    enc.write_mesg(
        {
            "mesg_num": _MESG["ACTIVITY"],
            "timestamp": _fit_time(end),
            "total_timer_time": timer,
            "num_sessions": 1,
            "type": "manual",
            "event": "activity",
            "event_type": "stop",
            "local_timestamp": _fit_time(end) + offset,
        }
    )
    data: bytes = enc.close()
    return data


def _lap_summary(
    activity: Activity, start: float, end: float, timer_s: float | None
) -> dict[str, Any]:
    """Average and maximum heart rate, speed, cadence and power over a lap's records."""
    s = activity.samples
    ts = s["timestamp"]
    inside = slice(int(np.searchsorted(ts, start)), int(np.searchsorted(ts, end, side="right")))
    out: dict[str, Any] = {}

    def stat(key: str, name: str, fn: Any, scale: float = 1.0) -> None:
        values = s[key][inside]
        values = values[np.isfinite(values)]
        if values.size:
            out[name] = round(float(fn(values)) * scale, 3)

    stat("heart_rate_bpm", "avg_heart_rate", np.mean)
    stat("heart_rate_bpm", "max_heart_rate", np.max)
    stat("speed_mps", "enhanced_max_speed", np.max)
    stat("cadence_spm", "avg_cadence", np.mean, 0.5)
    stat("power_w", "avg_power", np.mean)
    for key in ("avg_heart_rate", "max_heart_rate", "avg_cadence", "avg_power"):
        if key in out:
            out[key] = round(out[key])
    distance = s["distance_m"][inside]
    if timer_s and distance.size:
        out["enhanced_avg_speed"] = round(float(distance[-1] - distance[0]) / timer_s, 3)
    return out


def _finite(mesg: dict[str, Any]) -> dict[str, Any]:
    """The message without NaN values (an absent field, as FIT has no NaN for integers)."""
    return {k: v for k, v in mesg.items() if not (isinstance(v, float) and math.isnan(v))}


def _opt_int(value: float | None) -> int | None:
    return None if value is None or math.isnan(value) else round(float(value))
