"""Stored heart rate (``hr`` messages) merged into records, as the official SDK does.

Heart-rate straps that store data (HRM-Swim, HRM-Tri, HRM-Pro) write ``hr`` messages: beat
times (``event_timestamp``, 1/1024 s, or 12-bit packed rolling deltas) with filtered bpm, tied to
wall time by an anchor message that carries ``timestamp`` (+ ``fractional_timestamp``). The
official SDK (``garmin_fit_sdk.hr_mesg_utils``) expands them into a 4 Hz series, carrying a
value forward across gaps of up to 5 s, and sets each record's heart rate to the rounded mean of
the series over the record's interval (previous record time, record time]. This module follows
that algorithm, vectorised.
"""

from __future__ import annotations

import numpy as np

from legday.io.fit.columns import FloatArray, Table, zero_nan

__all__ = ["merge_stored_heart_rate"]

#: Spacing of the carried-forward values filling a gap, seconds (SDK hr_mesg_utils: 250 ms).
_GAP_STEP_S = 0.25
#: Most carried-forward values per gap (SDK hr_mesg_utils: 5000 ms / 250 ms).
_GAP_MAX_STEPS = 20
#: Rollover of ``event_timestamp``, seconds: a 32-bit counter of 1/1024 s (FIT profile).
_EVENT_ROLLOVER_S = 2**32 / 1024


def _beats(hr: Table) -> tuple[FloatArray, FloatArray]:
    """Beat times (FIT seconds) and bpm of every stored beat, in file order."""
    n = len(hr)
    stamps = hr.raw_of("timestamp")
    fraction = hr.value("fractional_timestamp")
    event_num = hr.field_num("event_timestamp") or -1
    explicit = hr.scaled("event_timestamp") if event_num in hr.raw else None
    expanded = hr.expanded.get(event_num)
    bpm_raw = hr.raw.get(hr.field_num("filtered_bpm") or -1)
    if bpm_raw is None:
        return np.zeros(0), np.zeros(0)
    bpm: FloatArray = bpm_raw if bpm_raw.ndim == 2 else bpm_raw[:, None]
    events: FloatArray = np.full(bpm.shape, np.nan)
    if expanded is not None:
        exp2: FloatArray = expanded if expanded.ndim == 2 else expanded[:, None]
        width = min(int(exp2.shape[-1]), int(events.shape[-1]))
        events[:, :width] = exp2[:, :width]
    if explicit is not None:
        exp1: FloatArray = explicit if explicit.ndim == 2 else explicit[:, None]
        width = min(int(exp1.shape[-1]), int(events.shape[-1]))
        has = ~np.isnan(exp1[:, :width])
        events[:, :width] = np.where(has, exp1[:, :width], events[:, :width])
    # Anchors: messages with a timestamp tie their first event time to wall time.
    anchor_rows = ~np.isnan(stamps)
    anchor_time = stamps + zero_nan(fraction)
    last_anchor = np.maximum.accumulate(np.where(anchor_rows, np.arange(n), -1))
    ok = last_anchor >= 0
    base_time = np.where(ok, anchor_time[np.maximum(last_anchor, 0)], np.nan)
    base_event = np.where(ok, events[np.maximum(last_anchor, 0), 0], np.nan)
    rolled = events + np.where(
        (events < base_event[:, None]) & (base_event[:, None] - events > _EVENT_ROLLOVER_S),
        _EVENT_ROLLOVER_S,
        0.0,
    )
    times = base_time[:, None] + (rolled - base_event[:, None])
    keep = ~np.isnan(times) & ~np.isnan(bpm)
    return times[keep], bpm[keep]


def _expand(times: FloatArray, bpm: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Insert carried-forward values every 250 ms across gaps (at most 20 per gap)."""
    if times.size < 2:
        return times, bpm
    gap_ms = np.abs(np.diff(times)) * 1000.0
    fills = np.where(
        gap_ms > _GAP_STEP_S * 1000.0,
        np.minimum(np.ceil(gap_ms / (_GAP_STEP_S * 1000.0)) - 1, _GAP_MAX_STEPS),
        0,
    ).astype(np.int64)
    counts = np.concatenate(([1], fills + 1))
    total = int(counts.sum())
    source = np.repeat(np.arange(times.size), counts)
    first = np.cumsum(counts) - counts
    rank = np.arange(total) - first[source]
    # Rank 0 is the beat itself; ranks 1..k of beat i+1's slot carry beat i forward.
    out_t = np.empty(total)
    out_b = np.empty(total)
    is_beat = rank == counts[source] - 1
    prev = np.maximum(source - 1, 0)
    out_t[is_beat] = times[source[is_beat]]
    out_b[is_beat] = bpm[source[is_beat]]
    fill = ~is_beat
    out_t[fill] = times[prev[fill]] + _GAP_STEP_S * (rank[fill] + 1)
    out_b[fill] = bpm[prev[fill]]
    return out_t, out_b


def merge_stored_heart_rate(hr: Table, record_times: FloatArray, heart_rate: FloatArray) -> None:
    """Overwrite ``heart_rate`` (bpm, per record) from stored ``hr`` messages, in place.

    ``record_times`` are the records' FIT timestamps (seconds). A record gets the rounded mean
    of the expanded series over (previous record time, record time] — (t - 1, t] for the first
    record and for a repeated time — when some beat lies after it, as the SDK does.
    """
    times, bpm = _expand(*_beats(hr))
    if not times.size or not record_times.size:
        return
    cumulative = np.concatenate(([0.0], np.cumsum(bpm)))
    end = record_times
    previous = np.concatenate(([np.nan], end[:-1]))
    repeated = np.isnan(previous) | (previous == end)  # first record, or a repeated time
    start = np.where(repeated, end - 1, previous)
    hi = np.searchsorted(times, end, side="right")
    lo = np.searchsorted(times, start, side="right")
    lo = np.where(repeated, np.maximum(lo, np.where(np.arange(end.size) == 0, 0, hi - 1)), lo)
    count = hi - lo
    assign = (count > 0) & (hi < times.size) & ~np.isnan(end)
    mean = (cumulative[hi] - cumulative[lo]) / np.maximum(count, 1)
    heart_rate[assign] = np.floor(mean[assign] + 0.5)
