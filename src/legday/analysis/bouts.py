"""Repetitions without a speed channel: a treadmill, an indoor track, a watch without GPS.

Indoors a watch records heart rate and cadence but no usable speed (0, or a wrist estimate
that is noisy and badly scaled, with a distance that never moves), so every pace-based search
finds nothing. The athlete still marks the session, and so does the body:

* **the timer**: with the recoveries paused, each stop is a rest between two repetitions —
  the spans between stops are repetitions, the first span ends with one (after the warm-up)
  and the last begins with one (before the cool-down), each as long as the median of the
  spans between;
* **manual laps** pressed at each repetition's start and end: the laps alternate work and
  rest, and heart rate rises through each work lap and falls through each rest
  (``bout_hr_swing_bpm``), which tells which is which;
* the bouts are then named by duration alone, the one thing known: ≤ ``SHORT_MAX_S`` strides,
  or sprints when they rest long; tempo-length single efforts tempo, else intervals;
* without timer stops or laps, heart rate held at threshold for a tempo's length (past the
  lag of the start) is a tempo.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from legday.model import Lap

from .moving import rolling_mean
from .patterns import SHORT_MAX_S, SPRINT_MIN_RECOVERY_S, TEMPO_MIN_S, Classified, classified
from .result import RunKind
from .segments import HR_SUSTAINED_LTHR, Signals, Stretch, fill_short, runs, stretch

__all__ = ["no_speed", "speedless_blocks"]

#: A session whose recorded distance stays under this is one without a speed channel, m …
NO_SPEED_MAX_DISTANCE_M = 50.0
#: … and whose speed stays under this (90th percentile), m/s …
NO_SPEED_MAX_MPS = 0.5
#: … over at least this long, s.
NO_SPEED_MIN_S = 600.0
#: Timer stops between repetitions last at least this long, s (a stop at a traffic light is
#: shorter than most rests but may not be; regularity decides) …
PAUSE_MIN_S = 15.0
#: … and at most this long, s.
PAUSE_MAX_S = 600.0
#: Fewest timer stops that make a paused-recovery session (3 stops: 4 repetitions).
PAUSE_MIN_STOPS = 3
#: Repetitions between stops last at least this long, s …
BOUT_MIN_S = 15.0
#: … and at most this long, s.
BOUT_MAX_S = 900.0
#: Heart rate rises through a work lap and falls through a rest lap by at least this, bpm
#: (first vs last 15 s; HR answers a step in effort within ~30–60 s: Jones & Poole 2005).
BOUT_HR_SWING_BPM = 3.0
#: Heart rate is compared over this long at each end of a lap, s.
BOUT_HR_EDGE_S = 15.0
#: Heart rate lags the start of a run by a few minutes: a threshold stretch is looked for after
#: this long, s (HR kinetics: Jones & Poole 2005).
HR_LAG_S = 180.0
#: Fewest work laps that make a lap-marked session.
LAP_MIN_WORK = 3


def no_speed(sig: Signals) -> bool:
    """The recording has no usable speed: distance never moved over ten minutes and more."""
    if sig.n * sig.step_s < NO_SPEED_MIN_S:
        return False
    dist = sig.distance_m[np.isfinite(sig.distance_m)]
    travelled = float(dist.max() - dist.min()) if dist.size else 0.0
    speed = sig.speed_mps[sig.counted & np.isfinite(sig.speed_mps)]
    moving = float(np.percentile(speed, 90)) if speed.size else 0.0
    return travelled < NO_SPEED_MAX_DISTANCE_M and moving < NO_SPEED_MAX_MPS


def _timer_bouts(sig: Signals) -> list[Stretch]:
    """Repetitions between timer stops (see the module rules); [] when the stops are too few."""
    on_a, on_b = runs(sig.counted)
    if on_a.size < PAUSE_MIN_STOPS + 1:
        return []
    gaps = (on_a[1:] - on_b[:-1]) * sig.step_s
    ok = (gaps >= PAUSE_MIN_S) & (gaps <= PAUSE_MAX_S)
    if int(ok.sum()) < PAUSE_MIN_STOPS:
        return []
    # spans joined across stops that are no rests (too short or too long)
    spans: list[tuple[int, int]] = [(int(on_a[0]), int(on_b[0]))]
    for k in range(1, on_a.size):
        if ok[k - 1]:
            spans.append((int(on_a[k]), int(on_b[k])))
        else:
            spans[-1] = (spans[-1][0], int(on_b[k]))
    inner = spans[1:-1]
    lengths = [(b - a) * sig.step_s for a, b in inner]
    if not inner or not all(BOUT_MIN_S <= x <= BOUT_MAX_S for x in lengths):
        return []
    rep = sig.points(float(np.median(lengths)))
    (a0, b0), (a1, b1) = spans[0], spans[-1]
    out = [stretch(sig, max(a0, b0 - rep), b0)]
    out += [stretch(sig, a, b) for a, b in inner]
    out.append(stretch(sig, a1, min(b1, a1 + rep)))
    return out


def _edge_hr(sig: Signals, a: int, b: int) -> float:
    """Last-minus-first heart rate over a lap ``[a, b)`` (NaN without HR at both ends)."""
    w = sig.points(BOUT_HR_EDGE_S)
    head, tail = sig.hr_bpm[a : min(b, a + w)], sig.hr_bpm[max(a, b - w) : b]
    head, tail = head[np.isfinite(head)], tail[np.isfinite(tail)]
    return float(tail.mean() - head.mean()) if head.size and tail.size else float("nan")


def _lap_bouts(sig: Signals, laps: Sequence[Lap], t0: float) -> list[Stretch]:
    """Work laps of a manually lapped session: the longest chain of laps alternating a rise
    and a fall of heart rate, the rising ones the work (see the module rules)."""
    marked = [lap for lap in laps if (lap.trigger or "") in ("manual", "time", "position_lap")]
    if len(marked) < 2 * LAP_MIN_WORK - 1:
        return []
    edges = [
        (
            int(np.searchsorted(sig.elapsed_s, lap.start - t0)),
            int(np.searchsorted(sig.elapsed_s, lap.end - t0)),
        )
        for lap in laps
    ]
    swing = [_edge_hr(sig, a, b) if b > a else float("nan") for a, b in edges]
    seconds = [(b - a) * sig.step_s for a, b in edges]
    work = [
        s >= BOUT_HR_SWING_BPM and BOUT_MIN_S <= t <= BOUT_MAX_S
        for s, t in zip(swing, seconds, strict=True)
    ]
    rest = [s <= -BOUT_HR_SWING_BPM for s in swing]
    best: list[int] = []
    chain: list[int] = []
    for i in range(len(laps)):
        if work[i] and chain and chain[-1] == i - 2 and rest[i - 1]:
            chain.append(i)
        elif work[i]:
            chain = [i]
        elif not (rest[i] and chain and chain[-1] == i - 1):
            chain = []
        if len(chain) > len(best):
            best = list(chain)
    if len(best) < LAP_MIN_WORK:
        return []
    return [stretch(sig, *edges[i]) for i in best]


def _hr_held(sig: Signals) -> Stretch | None:
    """The longest stretch of heart rate held at threshold (30-s means ≥ ``HR_SUSTAINED_LTHR``
    of the athlete's LTHR) for a tempo's length, after the first ``HR_LAG_S`` (the lag of the
    start); None without such a stretch or without the athlete's LTHR."""
    if sig.lthr_bpm is None or not np.isfinite(sig.hr_bpm).any():
        return None
    hr = rolling_mean(np.nan_to_num(sig.hr_bpm, nan=0.0), sig.points(30.0))
    hot = (hr >= HR_SUSTAINED_LTHR * sig.lthr_bpm) & sig.counted
    hot[: sig.points(HR_LAG_S)] = False
    a, b = runs(fill_short(hot, sig.points(60.0), sig.points(TEMPO_MIN_S)))
    if a.size == 0:
        return None
    k = int(np.argmax(b - a))
    return stretch(sig, int(a[k]), int(b[k]))


def speedless_blocks(sig: Signals, laps: Sequence[Lap], t0: float) -> list[Classified]:
    """The work block of a session without speed, from its timer stops or its manual laps;
    [] when neither marks repetitions."""
    bouts = _timer_bouts(sig) or _lap_bouts(sig, laps, t0)
    if not bouts:
        hot = _hr_held(sig)
        return [classified(RunKind.TEMPO, [hot], 0.0)] if hot is not None else []
    dur = float(np.median([b.duration_s for b in bouts]))
    rest = float(np.median([b.start_s - a.end_s for a, b in pairwise(bouts)]))
    if dur <= SHORT_MAX_S and rest >= SPRINT_MIN_RECOVERY_S:
        pattern = RunKind.SPRINTS
    elif dur <= SHORT_MAX_S:
        pattern = RunKind.STRIDES
    elif dur >= TEMPO_MIN_S and len(bouts) <= 2:
        pattern = RunKind.TEMPO
    else:
        pattern = RunKind.INTERVALS
    return [classified(pattern, bouts, 0.0)]
