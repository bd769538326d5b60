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
#: … but a run of fewer than ``LAP_MIN_REPS`` work laps joins the run beside it when their
#: durations are within this factor (a rep cut short, a ladder's 200–400 m steps; heuristic:
#: strides of 20 s beside a tempo repetition of minutes stay apart).
LAP_OUTLIER_RATIO = 2.5
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
    work laps of a similar duration (``LAP_SAME_BLOCK_RATIO``); a run too short to be a block
    on its own (a rep cut short or started from another spot, a ladder's steps) joins the run
    beside it when their laps are within ``LAP_OUTLIER_RATIO``."""
    runs: list[list[int]] = []
    for i, lap in enumerate(laps):
        if lap.wkt_step_index is None or (lap.intensity or "") not in WORK_INTENSITIES:
            continue
        if runs and _follows(laps, runs[-1][-1], i, LAP_SAME_BLOCK_RATIO):
            runs[-1].append(i)
        else:
            runs.append([i])
    merged: list[list[int]] = []
    for run in runs:
        last = merged[-1] if merged else None
        short = last is not None and min(len(last), len(run)) < LAP_MIN_REPS
        if last is not None and short and _follows(laps, last[-1], run[0], LAP_OUTLIER_RATIO):
            last.extend(run)
        else:
            merged.append(run)
    return [run for run in merged if len(run) >= LAP_MIN_REPS]


def _follows(laps: Sequence[Lap], i: int, j: int, ratio: float) -> bool:
    """Work lap ``j`` is the next repetition after work lap ``i``: one recovery lap between
    them, and durations within ``ratio`` of each other."""
    if j != i + 2 or (laps[i + 1].intensity or "") not in REST_INTENSITIES:
        return False
    r = laps[j].duration_s / max(laps[i].duration_s, 1e-9)
    return 1.0 / ratio <= r <= ratio


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
