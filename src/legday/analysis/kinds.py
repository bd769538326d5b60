"""What kind of run it was: the kind and tags from the blocks, races, long runs, overload.

* **race**: file metadata (sub-sport, event, a name with race/parkrun/marathon/10k…), or one
  sustained effort at threshold heart rate with no warm-up before it, right after a standing
  start, or lasting longer than any tempo run.
* **intervals marked by stops**: when no pace-based work was found, 4+ bouts of one distance
  split by regular standing rests.
* **repeats marked by their jogs**: else, without GPS or usable altitude, 5+ repeats clearly
  faster than the 3-min mean around them (not than the easy pace), each jog going back over
  the repeat (a hill the recording cannot show); named by the pattern rules.
* The kind is the single quality pattern when there is one, ``mixed`` when a quality pattern
  comes with another pattern, else ``long``, ``recovery`` or ``easy`` from duration (relative
  to the athlete's history when there is one) and heart rate. Strides alone only add a tag.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from legday.model import Activity
from legday.settings import Settings

from .evidence import gather
from .moving import rolling_mean
from .patterns import HILL_NOISY_ALTITUDE_M, QUALITY, Classified, back_and_forth, cv, hard_enough
from .result import HistorySummary, RunKind
from .segments import (
    EFFORT_MIN_S,
    EFFORT_OFF_FRACTION,
    GAS_SMOOTH_S,
    RECOVERY_MIN_S,
    Signals,
    Stretch,
    fill_short,
    hysteresis,
    runs,
    stretch,
)

__all__ = [
    "decide_kind",
    "find_race_effort",
    "is_long",
    "is_overload",
    "race_metadata",
    "relative_repeats",
    "stop_intervals",
    "usual_durations",
    "usual_speed",
]

#: A race effort lasts at least this long, s.
RACE_MIN_S = 720.0
#: An effort this long at threshold heart rate is a race whatever came before it, s (tempo
#: runs top out at ~40 min; marathon-pace long runs run below threshold HR).
RACE_SUSTAINED_S = 2700.0
#: A race starts within this long of the start when there is no warm-up, s.
RACE_NO_WARMUP_S = 180.0
#: A standing start: stopped for at least this long right before the effort, s.
RACE_STANDING_S = 60.0
#: A whole run with mean HR at or above this fraction of LTHR is a race (no easy reference).
RACE_HR_FRACTION_LTHR = 0.97
#: Recovery runs: heart-rate reserve fraction (HRrest→LTHR) at most …
RECOVERY_MAX_LTHR_RESERVE = 0.655
#: … and duration at most, s; …
RECOVERY_MAX_S = 2700.0
#: … or, when the history tells the athlete's usual pace, a mean moving speed at most this
#: fraction of it (recovery runs are ~10–20 % slower than easy runs; the usual is a median
#: over easy, long and recovery runs, a few per cent under easy pace; see docs/science.md).
RECOVERY_MAX_PACE_RATIO = 0.92
#: History runs needed before "long" and "overload" are relative to the athlete.
MIN_HISTORY = 5
#: Fraction of the usual longest run from which a run counts as long ("the top of usual");
#: the run must also reach ``Settings.long_run_ratio`` × the median duration (a grid over
#: 0.8–0.9 and 1.2–1.35 on 400 synthetic easy/long/recovery runs: 10–15 errors, this 11).
LONG_OF_USUAL = 0.85
#: A rest between stop-marked repetitions is slower than this (standing, shuffling), m/s …
STOP_MAX_MPS = 1.0
#: … over a moving mean of this long, s.
STOP_SMOOTH_S = 10.0
#: Stops shorter than this do not split a bout, s.
STOP_MIN_S = 10.0
#: Fewest stop-marked repetitions.
STOP_MIN_REPS = 4
#: Stop-marked repetitions are run, not jogged: median speed at least, m/s (≈ 6:40/km).
STOP_REP_MIN_MPS = 2.5
#: Stop-marked repetitions last at least this long, s …
STOP_REP_MIN_S = 40.0
#: … and at most this long, s.
STOP_REP_MAX_S = 600.0
#: Stop-marked repetitions agree in distance within this fraction.
STOP_REP_TOLERANCE = 0.1
#: Rests between them are at most this long, s …
STOP_REST_MAX_S = 300.0
#: … and regular: coefficient of variation at most this.
STOP_REST_CV = 0.25
#: Repeats found against their own recoveries: the context is a centred moving mean this
#: long, s (about two repetition cycles of a hill session) …
REPEAT_CONTEXT_S = 180.0
#: … which the switch turns on at this multiple of (and never below the easy speed) …
REPEAT_ON_RATIO = 1.2
#: … and a chain of at least this many repeats, each cycle going back over the last
#: (stricter than a pace-found block, as the threshold is looser; heuristic).
REPEAT_MIN = 5
#: Consecutive repeats of one chain agree in distance within this fraction.
REPEAT_TOLERANCE = 0.25


def stop_intervals(sig: Signals) -> list[Stretch]:
    """Repetitions marked by stops rather than by pace: 3+ consecutive running bouts of one
    distance (±``STOP_REP_TOLERANCE``) split by standing rests of similar length (an interval
    session with no easy running at all). Traffic-light stops are irregular and do not
    qualify. Returns the bouts, or [] when there is no such chain."""
    brisk = rolling_mean(sig.speed_mps, sig.points(STOP_SMOOTH_S)) >= STOP_MAX_MPS
    moving = fill_short(brisk & sig.counted, sig.points(STOP_MIN_S), sig.points(STOP_REP_MIN_S))
    starts, ends = runs(moving)
    bouts = [stretch(sig, int(a), int(b)) for a, b in zip(starts, ends, strict=True)]
    best: list[Stretch] = []
    chain: list[Stretch] = []
    for b in bouts:
        if chain:
            ref = float(np.median([c.distance_m for c in chain]))
            rest = b.start_s - chain[-1].end_s
            same = ref > 0 and abs(b.distance_m / ref - 1.0) <= STOP_REP_TOLERANCE
            if same and rest <= STOP_REST_MAX_S:
                chain.append(b)
                continue
        if len(chain) > len(best):
            best = chain
        chain = [b]
    if len(chain) > len(best):
        best = chain
    rests = [b.start_s - a.end_s for a, b in pairwise(best)]
    if len(best) < STOP_MIN_REPS or cv(rests) > STOP_REST_CV:
        return []
    if not STOP_REP_MIN_S <= float(np.median([b.duration_s for b in best])) <= STOP_REP_MAX_S:
        return []
    if float(np.median([b.speed_mps for b in best])) < STOP_REP_MIN_MPS:
        return []
    return best


def relative_repeats(sig: Signals, v_ref: float) -> list[Stretch]:
    """Short repeats marked by their contrast with their own recoveries rather than with the
    easy pace: without GPS or usable altitude a hill repeat reads barely faster than the
    warm-up on the flat (the climb slows it), but clearly faster than the jog back down.
    On at ``REPEAT_ON_RATIO`` × the 3-min centred mean (never below easy), the longest chain
    of ≥ ``REPEAT_MIN`` consecutive repeats of one distance whose recoveries went back over
    them (:func:`~legday.analysis.patterns.back_and_forth`); [] otherwise, and always with
    GPS or altitude (those find hills directly)."""
    if np.isfinite(sig.latitude_deg).any() or sig.altitude_noise_m <= HILL_NOISY_ALTITUDE_M:
        return []
    smooth = rolling_mean(sig.effort_mps, sig.points(GAS_SMOOTH_S))
    on = np.maximum(REPEAT_ON_RATIO * rolling_mean(smooth, sig.points(REPEAT_CONTEXT_S)), v_ref)
    mask = hysteresis(smooth, on, EFFORT_OFF_FRACTION * on) & sig.counted
    mask = fill_short(mask, sig.points(RECOVERY_MIN_S), sig.points(EFFORT_MIN_S))
    starts, ends = runs(mask)
    bouts = [stretch(sig, int(a), int(b)) for a, b in zip(starts, ends, strict=True)]
    best: list[Stretch] = []
    chain: list[Stretch] = []
    for b in bouts:
        if chain and abs(b.distance_m / max(chain[-1].distance_m, 1e-9) - 1.0) <= REPEAT_TOLERANCE:
            chain.append(b)
            continue
        if len(chain) > len(best) and back_and_forth(sig, chain):
            best = chain
        chain = [b]
    if len(chain) > len(best) and back_and_forth(sig, chain):
        best = chain
    return best if len(best) >= REPEAT_MIN else []


def race_metadata(activity: Activity) -> bool:
    """The file says it was a race: a race word in its name or description, a race distance it
    covered, a race sub-sport or workout type, a triathlon's run leg (:mod:`.evidence`)."""
    return gather(activity).race


def find_race_effort(
    sig: Signals, efforts: Sequence[Stretch], metadata_race: bool
) -> Stretch | None:
    """The one sustained effort that looks like a race (see the module rules), if any."""
    long_ = [e for e in efforts if e.duration_s >= RACE_MIN_S]
    if not long_:
        return None
    main = max(long_, key=lambda e: e.duration_s)
    if metadata_race:
        return main
    if not hard_enough(sig, [main]):
        return None
    if main.duration_s >= RACE_SUSTAINED_S:
        return main
    if len(long_) > 1:
        return None
    moving_before = float(sig.moving[: main.start].sum()) * sig.step_s
    if moving_before <= RACE_NO_WARMUP_S:
        return main
    lead = sig.points(RACE_STANDING_S)
    before = slice(max(0, main.start - lead - sig.points(30.0)), main.start)
    stopped = ~sig.moving[before]
    return main if stopped.sum() >= lead else None


def usual_durations(history: Sequence[HistorySummary]) -> tuple[float, float] | None:
    """(median duration, usual longest duration) of the history's runs, s; None when short."""
    d = np.asarray([h.duration_s for h in history if h.duration_s > 0], dtype=np.float64)
    if d.size < MIN_HISTORY:
        return None
    top = d[d >= np.percentile(d, 80)]
    return float(np.median(d)), float(np.median(top))


def usual_speed(history: Sequence[HistorySummary]) -> float | None:
    """The athlete's usual average speed, m/s: the median of distance over duration of the
    history's runs that are neither races nor workouts; None with fewer than ``MIN_HISTORY``."""
    plain = {RunKind.EASY.value, RunKind.LONG.value, RunKind.RECOVERY.value, None}
    v = [
        h.distance_m / h.duration_s
        for h in history
        if h.duration_s > 0 and h.distance_m > 0 and h.kind in plain
    ]
    return float(np.median(v)) if len(v) >= MIN_HISTORY else None


def is_long(duration_s: float, history: Sequence[HistorySummary], settings: Settings) -> bool:
    """Long relative to the athlete's usual runs when there is a history, else absolute."""
    usual = usual_durations(history)
    if usual is None:
        return duration_s >= settings.long_run_min_s
    median, longest = usual
    return duration_s >= max(settings.long_run_ratio * median, LONG_OF_USUAL * longest)


def is_overload(duration_s: float, history: Sequence[HistorySummary], settings: Settings) -> bool:
    """R4: much longer than the athlete's usual longest run (``overload_ratio`` ×)."""
    usual = usual_durations(history)
    return usual is not None and duration_s >= settings.overload_ratio * usual[1]


def decide_kind(
    blocks: Sequence[Classified],
    *,
    long_run: bool,
    hr_reserve_lthr: float | None,
    duration_s: float,
    pace_ratio: float | None = None,
) -> tuple[RunKind, tuple[RunKind, ...], list[str]]:
    """The kind, the tags and the reasons, from the blocks and the run's facts.

    ``hr_reserve_lthr`` is median HR as a fraction of the way from HRrest to LTHR;
    ``pace_ratio`` the run's average speed over the athlete's usual (see :func:`usual_speed`).
    A short run is a recovery run by pace when the usual pace is known, else by heart rate.
    """
    patterns = {b.pattern for b in blocks}
    tags = tuple(sorted(patterns, key=lambda k: k.value))
    reasons: list[str] = []
    quality = patterns & QUALITY
    if RunKind.RACE in patterns:
        reasons.append("one sustained race effort")
        return RunKind.RACE, tags, reasons
    if quality and len(patterns) > 1:
        reasons.append("quality work of several patterns: " + ", ".join(t.value for t in tags))
        return RunKind.MIXED, tags, reasons
    if quality:
        (kind,) = quality
        reasons.append(f"work blocks of {kind.value}")
        return kind, tags, reasons
    if long_run:
        reasons.append("longer than the athlete's usual runs")
        return RunKind.LONG, tags, reasons
    if duration_s <= RECOVERY_MAX_S and not patterns:  # with strides: an easy run with strides
        if pace_ratio is not None:
            if pace_ratio <= RECOVERY_MAX_PACE_RATIO:
                reasons.append("short and clearly slower than the athlete's usual pace")
                return RunKind.RECOVERY, tags, reasons
        elif hr_reserve_lthr is not None and hr_reserve_lthr <= RECOVERY_MAX_LTHR_RESERVE:
            reasons.append("short and at low heart rate")
            return RunKind.RECOVERY, tags, reasons
    reasons.append("steady running at an easy effort")
    return RunKind.EASY, tags, reasons
