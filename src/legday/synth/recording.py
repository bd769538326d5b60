"""What a device makes of a run: sampling, sensor noise, dropouts, auto-pause, laps, events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt

from legday.model import Event, Lap, SessionTotals
from legday.synth.device import Device
from legday.synth.physiology import exp_filter
from legday.synth.simulate import Course
from legday.synth.terrain import M_PER_DEG_LAT
from legday.synth.workouts import Program

__all__ = ["Recorded", "record"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: A speed change that forces a smart-recording point, m/s.
SMART_SPEED_CHANGE_MPS = 0.3
#: Auto-pause threshold, m/s (Garmin's default auto-pause triggers when "stopped").
AUTO_PAUSE_SPEED_MPS = 0.3
#: Seconds below the threshold before the timer stops.
AUTO_PAUSE_DELAY_S = 2
#: Distance calibration error (1 SD, fraction) per noise level: GPS/footpod distance error.
DISTANCE_CAL_SD = (0.0, 0.01, 0.025)
#: Speed noise (1 SD, m/s) per noise level.
SPEED_NOISE_SD = (0.0, 0.08, 0.2)
#: Heart-rate noise (1 SD, bpm) per noise level: chest strap ≈ 1, optical ≈ 2–4.
HR_NOISE_SD = (0.0, 1.0, 3.0)
#: GPS position noise (1 SD, m) per noise level: open sky ≈ 2–3 m, urban/forest ≈ 5–10 m.
GPS_NOISE_SD_M = (0.0, 3.0, 6.0)
#: Correlation time of GPS position error, s. Receivers filter positions, so the error wanders
#: slowly; with these values a track's length (summed from positions) reads ≈ 1–2 % long at
#: noise 1 and ≈ 5 % at noise 2, like typical watch tracks.
GPS_NOISE_TAU_S = 90.0
#: GPS altitude noise (1 SD, m) per noise level (GPS vertical error ≈ 1.5× horizontal).
GPS_ALT_NOISE_SD_M = (1.0, 4.0, 10.0)
#: Barometric altitude noise (1 SD, m) and drift (m per √h random walk) per noise level.
BARO_NOISE_SD_M = (0.0, 0.3, 0.8)
#: See :data:`BARO_NOISE_SD_M`.
BARO_DRIFT_M_PER_SQRT_H = (0.0, 3.0, 8.0)
#: Cadence noise (1 SD, steps/min) per noise level (real 1-s cadence wanders by several spm at a
#: steady speed).
CADENCE_NOISE_SD = (0.0, 2.5, 5.0)
#: Power noise (1 SD, W) per noise level.
POWER_NOISE_SD_W = (0.0, 5.0, 12.0)
#: Correlation time of sensor noise, s (AR(1)).
NOISE_TAU_S = 8.0
#: Correlation time of GPS altitude error, s: it wanders slowly with the satellite geometry.
GPS_ALT_NOISE_TAU_S = 90.0
#: Mean length of a sensor dropout, s.
DROPOUT_MEAN_S = 20.0
#: Energy cost of running, kcal per kg per km (≈ 1 kcal·kg⁻¹·km⁻¹; Margaria et al. 1963,
#: J Appl Physiol 18:367; unverified).
KCAL_PER_KG_KM = 1.0
#: Altitude hysteresis for ascent and descent totals, m (REFERENCES.md: 3–5 m).
ASCENT_HYSTERESIS_M = 3.0


@dataclass(frozen=True, slots=True)
class Recorded:
    """The device's view of a run."""

    samples: dict[str, FloatArray]
    laps: tuple[Lap, ...]
    events: tuple[Event, ...]
    totals: SessionTotals
    paused: BoolArray
    """Per true second: True while the timer was stopped."""


def _ar_noise(
    rng: np.random.Generator, n: int, sd: float, tau_s: float = NOISE_TAU_S
) -> FloatArray:
    """Correlated Gaussian noise with standard deviation ``sd`` (AR(1) with time constant
    ``tau_s``)."""
    if sd <= 0.0:
        return np.zeros(n)
    a = np.exp(-1.0 / tau_s)
    white = rng.normal(0.0, sd * np.sqrt(1.0 - a * a), n)
    white[0] = rng.normal(0.0, sd)
    # AR(1) via the blocked exponential filter: y = a·y + (1-a)·x, rescaled to keep sd.
    return exp_filter(white / (1.0 - a), tau_s, y0=float(white[0]))


def _runs(mask: BoolArray) -> tuple[IntArray, IntArray]:
    """Start and end (exclusive) indices of runs of True in ``mask``."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return np.flatnonzero(edges == 1).astype(np.int64), np.flatnonzero(edges == -1).astype(np.int64)


def _dropouts(rng: np.random.Generator, n: int, rate: float) -> BoolArray:
    """A mask of lost samples: about ``rate`` of them, in runs of ~DROPOUT_MEAN_S seconds."""
    lost = np.zeros(n, dtype=bool)
    if rate <= 0.0 or n < 10:
        return lost
    count = int(rng.poisson(rate * n / DROPOUT_MEAN_S))
    starts = rng.integers(0, n, count)
    lengths = rng.geometric(1.0 / DROPOUT_MEAN_S, count)
    for s, length in zip(starts, lengths, strict=True):  # a handful of gaps, not samples
        lost[s : s + length] = True
    return lost


def _pauses(course: Course, device: Device) -> BoolArray:
    paused = np.zeros(course.n, dtype=bool)
    if not device.auto_pause:
        return paused
    starts, ends = _runs(course.speed_mps < AUTO_PAUSE_SPEED_MPS)
    for s, e in zip(starts, ends, strict=True):
        if e - s > AUTO_PAUSE_DELAY_S + 1 and s > 0 and e < course.n:
            paused[s + AUTO_PAUSE_DELAY_S : e] = True
    return paused


def _sample_seconds(
    course: Course, device: Device, paused: BoolArray, rng: np.random.Generator
) -> IntArray:
    n = course.n
    if device.recording == "1s":
        keep = np.arange(n, dtype=np.int64)
    else:
        gaps = rng.integers(1, device.smart_max_gap_s + 1, n)
        regular = np.cumsum(gaps) - gaps[0]
        change = np.flatnonzero(np.abs(np.diff(course.speed_mps)) > SMART_SPEED_CHANGE_MPS) + 1
        keep = np.unique(
            np.concatenate([regular[regular < n], change, course.bounds[:-1], [n - 1]])
        )
    # The device writes one record when the timer stops and the next when it restarts.
    return keep[~paused[keep]].astype(np.int64)


def _ascent_descent(alt: FloatArray) -> tuple[float, float]:
    """Total ascent and descent with a hysteresis band (ignores wiggles under 3 m)."""
    finite = alt[np.isfinite(alt)]
    if finite.size < 2:
        return 0.0, 0.0
    ascent = descent = 0.0
    ref = float(finite[0])
    for value in finite[:: max(1, finite.size // 2000)]:  # coarse walk; a summary, not a hot path
        if value - ref >= ASCENT_HYSTERESIS_M:
            ascent += value - ref
            ref = float(value)
        elif ref - value >= ASCENT_HYSTERESIS_M:
            descent += ref - value
            ref = float(value)
    return round(ascent, 1), round(descent, 1)


def record(
    course: Course,
    program: Program,
    device: Device,
    start: datetime,
    mass_kg: float,
    rng: np.random.Generator,
    *,
    timer_off: BoolArray | None = None,
    manual_laps_s: IntArray | None = None,
) -> Recorded:
    """Sample the true course as ``device`` would, starting at ``start`` (UTC).

    ``timer_off`` marks the seconds the runner stopped the timer (e.g. every recovery): nothing
    is recorded then, as with auto-pause. ``manual_laps_s`` are the seconds the runner pressed
    the lap button: the laps split there (trigger ``manual``) instead of at workout steps or
    auto-lap distances.
    """
    n = course.n
    level = device.noise
    paused = _pauses(course, device)
    if timer_off is not None:
        paused = paused | timer_off
    idx = _sample_seconds(course, device, paused, rng)
    t0 = start.timestamp()
    samples: dict[str, FloatArray] = {
        "timestamp": t0 + idx.astype(np.float64),
        "elapsed_s": idx.astype(np.float64),
    }
    cal = 1.0 + float(rng.normal(0.0, DISTANCE_CAL_SD[level]))
    samples["distance_m"] = np.round(course.distance_m[idx] * cal, 2)
    speed = np.maximum(course.speed_mps * cal + _ar_noise(rng, n, SPEED_NOISE_SD[level]), 0.0)
    samples["speed_mps"] = np.round(np.where(course.speed_mps < 0.05, 0.0, speed)[idx], 3).astype(
        np.float64
    )

    gps_lost = _dropouts(rng, n, device.dropout_rate) if device.has_gps else np.ones(n, bool)
    if device.has_baro:
        drift = np.cumsum(rng.normal(0.0, BARO_DRIFT_M_PER_SQRT_H[level] / 60.0, n))
        alt = course.elevation_m + drift + _ar_noise(rng, n, BARO_NOISE_SD_M[level])
        samples["altitude_m"] = np.round(alt[idx] * 5.0) / 5.0
    elif device.has_gps:
        alt = (
            course.elevation_m
            + _ar_noise(rng, n, GPS_ALT_NOISE_SD_M[level], GPS_ALT_NOISE_TAU_S)
            + rng.normal(0.0, 0.3 * GPS_ALT_NOISE_SD_M[level], n)
        )
        samples["altitude_m"] = np.where(gps_lost, np.nan, np.round(alt, 1))[idx]
    else:
        samples["altitude_m"] = np.full(idx.shape[0], np.nan)

    if device.has_hr:
        hr = course.heart_rate_bpm + _ar_noise(rng, n, HR_NOISE_SD[level])
        if level == 2 and n > 900:  # optical "cadence lock": HR reads the step rate for a while
            lock_start = int(rng.integers(60, 600))
            lock = slice(lock_start, lock_start + int(rng.integers(60, 240)))
            hr[lock] = np.where(course.cadence_spm[lock] > 0, course.cadence_spm[lock], hr[lock])
        hr = np.where(_dropouts(rng, n, device.dropout_rate), np.nan, np.round(hr))
        samples["heart_rate_bpm"] = hr[idx]
    else:
        samples["heart_rate_bpm"] = np.full(idx.shape[0], np.nan)

    if device.has_cadence:
        cad = course.cadence_spm + _ar_noise(rng, n, CADENCE_NOISE_SD[level])
        cad = np.where(course.cadence_spm > 0, np.maximum(cad, 0.0), 0.0)
        samples["cadence_spm"] = (np.round(cad * 64.0) / 64.0)[idx]  # FIT: 1/128 stride
    else:
        samples["cadence_spm"] = np.full(idx.shape[0], np.nan)

    if device.has_power:
        power = np.maximum(course.power_w + _ar_noise(rng, n, POWER_NOISE_SD_W[level]), 0.0)
        samples["power_w"] = np.round(np.where(course.speed_mps < 0.05, 0.0, power)[idx]).astype(
            np.float64
        )
    else:
        samples["power_w"] = np.full(idx.shape[0], np.nan)

    if device.has_gps:
        north = _ar_noise(rng, n, GPS_NOISE_SD_M[level], GPS_NOISE_TAU_S) / M_PER_DEG_LAT
        east = _ar_noise(rng, n, GPS_NOISE_SD_M[level], GPS_NOISE_TAU_S) / (
            M_PER_DEG_LAT * np.cos(np.radians(course.latitude_deg))
        )
        lat = np.where(gps_lost, np.nan, course.latitude_deg + north)
        lon = np.where(gps_lost, np.nan, course.longitude_deg + east)
        samples["latitude_deg"], samples["longitude_deg"] = lat[idx], lon[idx]
    else:
        samples["latitude_deg"] = np.full(idx.shape[0], np.nan)
        samples["longitude_deg"] = np.full(idx.shape[0], np.nan)

    device_distance = course.distance_m * cal
    laps = _laps(course, program, device, paused, device_distance, t0, manual_laps_s)
    events = _events(paused, t0)
    timer = float(n - 1 - paused[1:].sum())
    hr_rec = samples["heart_rate_bpm"]
    ascent, descent = _ascent_descent(samples["altitude_m"])
    totals = SessionTotals(
        total_elapsed_s=float(n - 1),
        total_timer_s=timer,
        total_distance_m=round(float(device_distance[-1]), 2),
        total_ascent_m=ascent if device.has_baro or device.has_gps else None,
        total_descent_m=descent if device.has_baro or device.has_gps else None,
        avg_heart_rate_bpm=round(float(np.nanmean(hr_rec)), 1)
        if np.isfinite(hr_rec).any()
        else None,
        max_heart_rate_bpm=float(np.nanmax(hr_rec)) if np.isfinite(hr_rec).any() else None,
        total_calories_kcal=round(KCAL_PER_KG_KM * mass_kg * float(course.distance_m[-1]) / 1000.0),
    )
    return Recorded(samples=samples, laps=laps, events=events, totals=totals, paused=paused)


def _laps(
    course: Course,
    program: Program,
    device: Device,
    paused: BoolArray,
    distance: FloatArray,
    t0: float,
    manual_s: IntArray | None = None,
) -> tuple[Lap, ...]:
    n = course.n
    structured = device.structured_laps and program.structured
    if manual_s is not None:
        inner = np.unique(manual_s[(manual_s > 0) & (manual_s < n - 1)])
        edges = np.concatenate([[0], inner, [n]]).astype(np.int64)
        intensities = ["active"] * (edges.shape[0] - 1)
        steps: list[int | None] = [None] * (edges.shape[0] - 1)
        trigger = "manual"
    elif structured:
        edges = course.bounds.copy()
        intensities = [s.lap_intensity for s in program.steps]
        steps = list(range(len(program.steps)))
        trigger = "time"
    else:
        crossings = np.flatnonzero(np.diff(np.floor(distance / device.auto_lap_m)) > 0) + 1
        edges = np.concatenate([[0], crossings, [n]]).astype(np.int64)
        intensities = ["active"] * (edges.shape[0] - 1)
        steps = [None] * (edges.shape[0] - 1)
        trigger = "distance"
    edges[-1] = n - 1
    pause_cum = np.concatenate([[0], np.cumsum(paused[1:])])
    laps = []
    for i in range(edges.shape[0] - 1):
        a, b = int(edges[i]), int(edges[i + 1])
        if b <= a:
            continue
        last = i == edges.shape[0] - 2
        laps.append(
            Lap(
                start=t0 + a,
                end=t0 + b,
                intensity=intensities[i],
                trigger="session_end" if last else trigger,
                wkt_step_index=steps[i],
                total_distance_m=round(float(distance[b] - distance[a]), 2),
                total_timer_s=float(b - a - (pause_cum[b] - pause_cum[a])),
                total_elapsed_s=float(b - a),
                sport="running",
            )
        )
    return tuple(laps)


def _events(paused: BoolArray, t0: float) -> tuple[Event, ...]:
    starts, ends = _runs(paused)
    events = [Event(t0, "timer", "start")]
    for s, e in zip(starts, ends, strict=True):
        events.append(Event(t0 + float(s), "timer", "stop_all"))
        events.append(Event(t0 + float(e), "timer", "start"))
    events.append(Event(t0 + float(paused.shape[0] - 1), "timer", "stop_all"))
    return tuple(events)
