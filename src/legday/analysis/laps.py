"""Device laps as a hint: the work and rest laps of a structured workout.

A watch that runs a structured workout laps at every step and marks each lap with the step's
intensity (FIT ``intensity``: warmup, active, rest, recovery, cooldown) and its
``wkt_step_index``. Those laps say where the repetitions were *meant* to be; a runner may
ignore a step or stop the workout early, so they are only a hint, used when the recorded data
agree: every work lap ran clearly harder (mean effort speed) than the recoveries beside it.
Manual and auto laps (no workout step) are never used.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from legday.model import Lap

from .segments import Signals, Stretch, range_mean, stretch

__all__ = ["workout_reps"]

#: FIT lap intensities of a workout's work steps.
WORK_INTENSITIES = frozenset({"active", "interval"})
#: FIT lap intensities of a workout's recovery steps.
REST_INTENSITIES = frozenset({"rest", "recovery"})
#: Fewest work laps that make a hint (as for a pace-found block).
LAP_MIN_REPS = 3
#: A work lap whose duration differs from the previous one's by more than this factor starts a
#: new block (strides, then a tempo repetition, in one workout; heuristic).
LAP_SAME_BLOCK_RATIO = 1.5
#: Each work lap's mean effort speed is at least this multiple of the mean of its neighbouring
#: recovery laps' (heuristic: a jog recovery runs at ≤ ~0.8 of a repetition's pace).
LAP_WORK_OVER_REST = 1.15


IntArray = npt.NDArray[np.intp]


def _index(sig: Signals, t0: float, laps: Sequence[Lap]) -> tuple[IntArray, IntArray]:
    """Grid index bounds ``[a, b)`` of each lap."""
    starts = np.asarray([lap.start - t0 for lap in laps], dtype=np.float64)
    ends = np.asarray([lap.end - t0 for lap in laps], dtype=np.float64)
    a = np.clip(np.searchsorted(sig.elapsed_s, starts), 0, sig.n - 1)
    b = np.clip(np.searchsorted(sig.elapsed_s, ends), 1, sig.n)
    return a.astype(np.intp), np.maximum(b, a + 1).astype(np.intp)


def _alternations(laps: Sequence[Lap]) -> list[list[int]]:
    """Indices of runs of work laps each followed by a recovery lap (the last may not be), with
    work laps of a similar duration (``LAP_SAME_BLOCK_RATIO``)."""
    out: list[list[int]] = []
    run: list[int] = []
    for i, lap in enumerate(laps):
        if lap.wkt_step_index is None or (lap.intensity or "") not in WORK_INTENSITIES:
            continue
        prev_rest = i > 0 and (laps[i - 1].intensity or "") in REST_INTENSITIES
        joins = bool(run) and run[-1] == i - 2 and prev_rest
        if joins:
            ratio = lap.duration_s / max(laps[run[-1]].duration_s, 1e-9)
            joins = 1.0 / LAP_SAME_BLOCK_RATIO <= ratio <= LAP_SAME_BLOCK_RATIO
        if not joins:
            if len(run) >= LAP_MIN_REPS:
                out.append(run)
            run = []
        run.append(i)
    if len(run) >= LAP_MIN_REPS:
        out.append(run)
    return out


def workout_reps(sig: Signals, laps: Sequence[Lap], t0: float) -> list[list[Stretch]]:
    """The repetitions of each structured block the workout's laps mark, as stretches, when
    every work lap ran at ≥ ``LAP_WORK_OVER_REST`` × the effort speed of the recovery laps
    beside it; ``t0`` is the POSIX time of the grid's first point."""
    if sig.n == 0 or not laps:
        return []
    out: list[list[Stretch]] = []
    a, b = _index(sig, t0, laps)
    effort = np.nan_to_num(range_mean(np.where(sig.counted, sig.effort_mps, np.nan), a, b))
    is_rest = np.asarray([(lap.intensity or "") in REST_INTENSITIES for lap in laps], dtype=bool)
    for run in _alternations(laps):
        idx = np.asarray(run, dtype=np.intp)
        sides = np.c_[np.maximum(idx - 1, 0), np.minimum(idx + 1, len(laps) - 1)]
        use = is_rest[sides] & (sides != idx[:, None])
        rest = (effort[sides] * use).sum(axis=1) / np.maximum(use.sum(axis=1), 1)
        if not np.all(effort[idx] >= LAP_WORK_OVER_REST * rest) or not np.all(use.any(axis=1)):
            continue
        out.append([stretch(sig, int(a[i]), int(b[i])) for i in run])
    return out
