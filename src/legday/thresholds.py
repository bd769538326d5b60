"""The thresholds that decide a run's kind, in one table (``Settings.classify``).

A user overrides any of them in ``legday.toml``::

    [settings.classify]
    contrast_on_ratio = 1.15

Each field says what it decides and where its value comes from: a source (see
docs/science.md, section 1.6) or the data and grid that fitted it. "Fitted" values were
chosen on the clean synthetic set and hard seed 0; hard seed 1 and the real runs were scored,
not searched over (docs/science.md, section 1.7, says how the sets were kept apart).
The many finer constants of the effort search stay beside the code that uses them
(``legday.analysis``), each with its own comment.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FRACTIONS", "ORDERED", "Thresholds"]

#: Thresholds that are fractions (of a repetition's pace, of rise over distance): 0 to 1.
FRACTIONS: frozenset[str] = frozenset(
    {"contrast_trim_fraction", "tempo_max_recovery_share", "climb_min_grade"}
)
#: Pairs of thresholds that bound one range: the first at most the second.
ORDERED: tuple[tuple[str, str], ...] = (("contrast_min_rep_s", "contrast_max_rep_s"),)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Run-classification thresholds (see the module docstring)."""

    # --- work told by contrast (analysis/contrast.py) --------------------------------------
    #: A work level runs at least this multiple of the easy reference. Trained runners' reps at
    #: threshold pace run ~1.25–1.35 × easy pace (Daniels' VDOT tables: easy 59–74 % vs
    #: threshold 83–88 % of vVO2max ⇒ T/E ≈ 1.15–1.45); fitted on the tuning set over 1.05–1.25.
    contrast_on_ratio: float = 1.12
    #: … and at least this multiple of each slower level beside it (its recoveries): the
    #: alternation must be clear, not the drift of a steady run (fitted over 1.06–1.2).
    contrast_ratio: float = 1.1
    #: Fewest alternating repetitions (as for a pace-found intervals block).
    contrast_min_reps: int = 3
    #: A contrast repetition lasts at least this long, s: shorter bursts (strides, sprints,
    #: 8–40 s) run far above easy pace and are the pace threshold's to find.
    contrast_min_rep_s: float = 40.0
    #: A contrast repetition lasts at most this long, s (longer is a tempo or a progression,
    #: which the pace threshold and heart rate find).
    contrast_max_rep_s: float = 900.0
    #: Contrast repetitions at either end slower than this fraction of the median repetition
    #: are dropped (a brisk bit of the warm-up, the run home after the set; fitted over
    #: 0.85–0.97).
    contrast_trim_fraction: float = 0.95
    #: Heart rate ends a repetition at least this much higher than it ended the recovery
    #: before (median over reps), bpm; on rolling ground without altitude the slow part (the
    #: climb) ends highest instead. HR responds to a step in pace within ~30–60 s (Jones &
    #: Poole 2005): the last ``contrast_hr_window_s`` of each part are compared.
    contrast_hr_rise_bpm: float = 2.0
    #: See :attr:`contrast_hr_rise_bpm`, s.
    contrast_hr_window_s: float = 20.0
    #: Interval and fartlek repetitions with clearly slower recoveries (each recovery at most
    #: 1 / ``contrast_ratio`` of the reps' pace) may run as slowly as this multiple of easy
    #: (threshold reps); without that contrast they need ``quality_min_ratio``.
    quality_contrast_min_ratio: float = 1.12
    #: Interval and fartlek repetitions without a clear contrast with their recoveries average
    #: at least this multiple of the easy speed (10-km pace or faster, ≥ ~1.3 × easy pace;
    #: heuristic fitted on the clean synthetic set).
    quality_min_ratio: float = 1.35
    # --- tempo or intervals (analysis/patterns.py) ----------------------------------------
    #: Three or more long repetitions whose recoveries last at least this share of a rep are
    #: intervals (Daniels: I-pace work with equal or slightly shorter recovery); shorter
    #: recoveries make threshold "cruise" repetitions, a tempo (Daniels: ~1 min per 5 min,
    #: share 0.2; the clean synthetic tempos reach 0.47).
    tempo_max_recovery_share: float = 0.5
    # --- hill repeats read from the climbs (analysis/hills.py) -------------------------------
    #: A repetition's climb rises at least this much, m (the hard set's gentle hills climb
    #: 4–8 m, seen ~1 m short through the smoothing; REFERENCES: 3–5 m altitude hysteresis).
    climb_min_rise_m: float = 3.0
    #: … at no less than this grade, rise over distance (REFERENCES: hill repeats ≥ 4–6 %;
    #: the gentle hills of the hard set run 2.5–4 %).
    climb_min_grade: float = 0.02
    #: … and is run hard: its grade-adjusted speed (Strava 2017 curve at the climb's own
    #: grade) is at least this multiple of the easy reference, so a climb on the way to the
    #: hill, run easily, is no repetition (hill reps run at 3-km to 10-km effort, ≥ ~1.3 ×).
    climb_effort_ratio: float = 1.15
