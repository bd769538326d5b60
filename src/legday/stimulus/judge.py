"""The judge functions: a session in, a :class:`~legday.stimulus.verdict.Verdict` out.

* :func:`judge_run` — a run from its speed and grade streams plus a few analysis facts;
  :func:`judge_analysis` does the same from a :class:`~legday.analysis.RunAnalysis`.
* :func:`judge_strength` — a lifting session from its sets and the exercise catalog.
* :func:`judge_other` — other endurance sports (R12) from sport, duration and heart rate.
* :func:`judge_combined` — a file holding several sessions (a run, then lifting), by parts.

Category rules (DOMAIN.md): steady running is ``cardio`` (R1–R4); hill repeats, sprints,
strides and intervals are ``power`` (R5, R6); a run of another kind carrying those efforts as
tags is ``mixed``; lifting is ``strength`` (R7); other sports are ``cardio`` or ``other``
(R12). Only lifting with enough hard lower-body sets counts as leg day.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from legday.model import StrengthSession
from legday.settings import Settings
from legday.stimulus.fibres import DEFAULT_THRESHOLD_SPEED_MPS
from legday.stimulus.muscles import add_muscles, top_muscle_groups, zero_muscles
from legday.stimulus.reasons import (
    band_reason,
    fibre_reason,
    high_reps_reason,
    overload_text,
    power_reason,
    race_reason,
    steady_reason,
    strength_text,
)
from legday.stimulus.run_model import EXPOSURE_S_PER_SET, run_stimulus
from legday.stimulus.sports import SPORT_TYPE2_BASE, SportKey, sport_key, sport_muscle_load
from legday.stimulus.strength_model import CatalogLike, StrengthStimulus, strength_stimulus
from legday.stimulus.verdict import Category, Outcome, Reason, SessionFacts, Stimulus, Verdict
from legday.stimulus.wording import duration_text, join_names, pct_text

if TYPE_CHECKING:
    from legday.analysis.result import RunAnalysis

__all__ = [
    "POWER_KINDS",
    "RunFacts",
    "RunStreams",
    "judge_analysis",
    "judge_combined",
    "judge_other",
    "judge_run",
    "judge_strength",
]

FloatArray = npt.NDArray[np.float64]

#: Run kinds that are power sessions (R5): forceful, short efforts with rest between them.
POWER_KINDS: frozenset[str] = frozenset({"hill_repeats", "sprints", "strides", "intervals"})
#: Run kinds judged by their type 2 share: power when at least :data:`POWER_MIN_TYPE2_SHARE`.
SHARE_JUDGED_KINDS: frozenset[str] = frozenset({"fartlek", "mixed"})
#: Type 2 share from which a fartlek or mixed run counts as power (heuristic: about the share of
#: a typical 8 × 200 m hill-repeat session with warm-up and cool-down; R3, R5).
POWER_MIN_TYPE2_SHARE: float = 0.15
#: Smallest strength stimulus a reason shows as more than nothing (it prints as 0.1).
MIN_SHOWN_STRENGTH: float = 0.05
#: Typical running cadence, steps per minute, to count a run's repetitions (R1: up to ~180).
TYPICAL_CADENCE_SPM: float = 170.0
#: Fraction of the session in the cardio band that makes another sport "cardio" (R2, R12).
CARDIO_MIN_BAND_SHARE: float = 0.5
#: Sports that are cardio when no heart rate says otherwise (R12): sustained, cyclic work.
CARDIO_SPORTS: frozenset[SportKey] = frozenset(
    {SportKey.CYCLING, SportKey.INDOOR_CYCLING, SportKey.ROWING, SportKey.SWIMMING, SportKey.HIKING}
)
#: Heart-rate reserve fraction taken as "moderate" when another sport has no TRIMP (ACSM,
#: Garber et al. 2011: moderate is 40–59 % HRR).
MODERATE_HRR: float = 0.5

#: Words for run kinds (analysis ``RunKind`` values) in reasons and headlines.
KIND_LABELS: dict[str, str] = {
    "easy": "easy run",
    "recovery": "recovery run",
    "long": "long run",
    "tempo": "tempo run",
    "intervals": "intervals",
    "hill_repeats": "hill repeats",
    "strides": "strides",
    "sprints": "sprints",
    "fartlek": "fartlek",
    "race": "race",
    "mixed": "run",
}


@dataclass(frozen=True, slots=True)
class RunStreams:
    """The streams the run model needs: one value per sample, equal lengths."""

    time_s: FloatArray
    speed_mps: FloatArray
    grade: FloatArray
    """Grade as a fraction (0.08 = 8 %)."""
    gas_mps: FloatArray | None = None
    """Grade-adjusted speed, when the analysis computed it (else Minetti et al. 2002)."""


@dataclass(frozen=True, slots=True)
class RunFacts:
    """What the analysis found out about a run that the verdict needs."""

    kind: str = "easy"
    """A ``legday.analysis.RunKind`` value."""
    tags: tuple[str, ...] = ()
    duration_s: float | None = None
    """Elapsed time; from the streams when None."""
    distance_m: float | None = None
    """From the streams when None."""
    overload: bool = False
    """R4: much longer than the athlete's usual longest run (the analysis decides)."""
    usual_longest_m: float | None = None
    """The athlete's usual longest run, m: quoted in the R4 reason, and flags an overload by
    distance (``Settings.overload_ratio``) when given."""
    cardio_band_s: float | None = None
    """Seconds at 50–85 % HRmax (R2); None without heart rate."""
    trimp: float | None = None
    """Banister TRIMP from heart rate; estimated from pace when None."""

    def __post_init__(self) -> None:
        bad = [k for k in (self.kind, *self.tags) if k not in KIND_LABELS]
        if bad:
            raise ValueError(
                f"unknown run kind {', '.join(map(repr, bad))}; valid: {', '.join(KIND_LABELS)}"
            )

    @classmethod
    def from_analysis(cls, analysis: RunAnalysis) -> RunFacts:
        """The facts of a :class:`~legday.analysis.RunAnalysis`."""
        return cls(
            kind=str(analysis.kind.value),
            tags=tuple(str(t.value) for t in analysis.tags),
            duration_s=analysis.duration_s,
            distance_m=analysis.distance_m,
            overload=analysis.overload,
            cardio_band_s=analysis.hr.cardio_band_s if analysis.hr.avg is not None else None,
            trimp=analysis.load.trimp,
        )


def judge_run(
    streams: RunStreams,
    facts: RunFacts,
    settings: Settings,
    *,
    threshold_speed_mps: float = DEFAULT_THRESHOLD_SPEED_MPS,
) -> Verdict:
    """Judge a run: never leg day (R6); ``power`` for hill repeats, sprints, strides and
    intervals (R5), ``mixed`` when such efforts are tags of another kind, else ``cardio``
    (R1–R4), with an R4 overload reason for a run much longer than usual."""
    rs = run_stimulus(
        streams.time_s,
        streams.speed_mps,
        streams.grade,
        gas_mps=streams.gas_mps,
        threshold_speed_mps=threshold_speed_mps,
        moving_speed_mps=settings.moving_speed_mps,
        max_gap_s=settings.max_sample_gap_s,
    )
    t = np.nan_to_num(streams.time_s)
    duration = facts.duration_s
    if duration is None:
        duration = float(np.ptp(t)) if t.size else 0.0
    distance = facts.distance_m
    if distance is None:
        dt = np.diff(t, prepend=t[:1])
        distance = float(np.dot(np.nan_to_num(streams.speed_mps), np.clip(dt, 0.0, None)))
    overload = facts.overload or (
        facts.usual_longest_m is not None
        and facts.usual_longest_m > 0
        and distance >= settings.overload_ratio * facts.usual_longest_m
    )
    power_tags = [k for k in facts.tags if k in POWER_KINDS and k != facts.kind]
    category: Category
    if facts.kind in POWER_KINDS or (
        facts.kind in SHARE_JUDGED_KINDS and rs.type2_share >= POWER_MIN_TYPE2_SHARE
    ):
        category = "power"
    elif power_tags:
        category = "mixed"
    else:
        category = "cardio"
    race = facts.kind == "race"
    stimulus = Stimulus(
        cardio=facts.trimp if facts.trimp is not None else rs.trimp_estimate,
        strength=rs.strength,
        type2_share=rs.type2_share,
        muscles=rs.muscles,
        # The strength layer holds forceful running (R5) and races; a steady run's whole load
        # is endurance, so easy running never paints a muscle as strength-trained.
        strength_muscles=rs.strength_muscles if category != "cardio" or race else zero_muscles(),
    )
    label = KIND_LABELS.get(facts.kind, "run")
    if category == "mixed":
        label = f"{label} with {join_names(KIND_LABELS[k] for k in power_tags)}"
    elif category == "power" and facts.kind in SHARE_JUDGED_KINDS and power_tags:
        label = f"{facts.kind} with {join_names(KIND_LABELS[k] for k in power_tags)}"
    groups = join_names(top_muscle_groups(stimulus.muscles))
    band = settings.cardio_band_pct_hrmax
    reasons = [
        Reason(
            "R1",
            f"Running is cardio: {duration_text(duration)} of very high-repetition work (about "
            f"{_round_to(rs.moving_s / 60.0 * TYPICAL_CADENCE_SPM, 100):,} steps) builds "
            f"stamina, not strength.",
        ),
        band_reason(facts.cardio_band_s, duration, band, "R2"),
        fibre_reason(stimulus.type2_share, POWER_MIN_TYPE2_SHARE),
    ]
    no_altitude = not np.any(np.nan_to_num(streams.grade))
    measured = _forceful_measured(category, stimulus)
    if race:
        reasons.append(race_reason(stimulus, groups, settings.no_legs_before_race_h))
    elif category == "cardio":
        if not overload:  # else R4's overload reason below says what the run did
            reasons.append(steady_reason(stimulus.strength, groups, "R4", "Steady running"))
    else:
        efforts = label if category == "power" else join_names(KIND_LABELS[k] for k in power_tags)
        reasons.append(power_reason(efforts, groups, stimulus, measured, no_altitude))
    if overload:
        reasons.append(Reason("R4", overload_text(distance, facts.usual_longest_m)))
    if category != "cardio" or overload or race:
        reasons.append(
            Reason(
                "R6",
                "Even so, running does not replace strength training: there is no progressive "
                "overload with added load.",
            )
        )
    outcome: Outcome = "power" if category == "power" else "mixed" if power_tags else "cardio"
    return Verdict(
        counts_as_leg_day=False,
        category=category,
        reasons=reasons,
        stimulus=stimulus,
        facts=SessionFacts(
            outcome=outcome,
            label=label,
            duration_s=duration,
            distance_m=distance,
            cardio_band_s=facts.cardio_band_s,
            band_pct=band,
            overload=overload,
            usual_longest_m=facts.usual_longest_m,
            forceful_measured=measured,
            no_altitude=no_altitude,
            race=race,
        ),
    )


def judge_analysis(
    analysis: RunAnalysis,
    settings: Settings,
    *,
    threshold_speed_mps: float = DEFAULT_THRESHOLD_SPEED_MPS,
) -> Verdict:
    """:func:`judge_run` on the result of :func:`legday.analysis.analyze` (its per-second
    grade-adjusted speed and grade; speed is recovered with the same grade model)."""
    from legday.analysis.grade import GradeModel, grade_factor

    grade = np.nan_to_num(analysis.grade_pct) / 100.0
    gas = np.nan_to_num(analysis.grade_adjusted_speed_mps)
    speed = gas / grade_factor(grade, GradeModel.parse(settings.grade_model))
    streams = RunStreams(analysis.elapsed_s, speed, grade, gas_mps=gas)
    return judge_run(
        streams, RunFacts.from_analysis(analysis), settings, threshold_speed_mps=threshold_speed_mps
    )


def judge_strength(
    session: StrengthSession,
    catalog: CatalogLike,
    settings: Settings,
    e1rm_by_exercise: Mapping[str, float] | None = None,
    *,
    cardio: float = 0.0,
) -> Verdict:
    """Judge a lifting session (R7): leg day with at least ``leg_day_min_hard_sets`` hard sets
    in the strength rep range across ``leg_day_min_exercises`` lower-body exercises, at least
    ``leg_day_min_compound_sets`` of them on a compound lift. ``e1rm_by_exercise`` (kg by catalog
    key) lets sets without RIR or RPE count by load; ``cardio`` is the session's TRIMP."""
    if not session.sets:
        return _unknown_sets(session.duration_s, cardio, "strength session")
    ss = strength_stimulus(session, catalog, settings, e1rm_by_exercise)
    need_sets, need_ex = settings.leg_day_min_hard_sets, settings.leg_day_min_exercises
    need_compound = settings.leg_day_min_compound_sets
    n_hard, names = ss.hard_lower_sets, ss.lower_exercises
    enough = n_hard >= need_sets and len(names) >= need_ex
    counts = enough and ss.hard_lower_compound_sets >= need_compound
    outcome = _strength_outcome(ss, counts, enough)
    reasons = [Reason("R7", strength_text(ss, outcome, settings))]
    high = high_reps_reason(ss, settings)
    if high is not None:
        reasons.append(high)
    if ss.unmapped:
        reasons.append(
            Reason("R7", f"Not in the exercise catalog, so not counted: {join_names(ss.unmapped)}.")
        )
    if counts:
        reasons.append(
            Reason(
                "R3",
                f"Sets close to failure recruit the large, type 2 motor units: "
                f"{pct_text(ss.type2_share)} % of the work was forceful.",
            )
        )
    single = [j.set.exercise for j in ss.sets if j.lower and j.hard and _unilateral(j.exercise)]
    if single:
        reasons.append(
            Reason(
                "R9",
                f"Single-leg work ({join_names(dict.fromkeys(single))}) suits runners, who are "
                "never on both legs at once.",
            )
        )
    return Verdict(
        counts_as_leg_day=counts,
        category="strength",
        reasons=reasons,
        stimulus=Stimulus(cardio, ss.strength, ss.type2_share, ss.muscles, ss.strength_muscles),
        facts=SessionFacts(
            outcome=outcome,
            label="strength session",
            duration_s=session.duration_s,
            hard_lower_sets=n_hard,
            lower_exercises=len(names),
            lower_sets=ss.lower_working_sets,
            min_lower_rir=ss.min_lower_rir,
            high_rep_sets=len(ss.high_rep_lower_sets),
            rep_ceiling=settings.strength_max_reps,
            need_sets=need_sets,
            need_exercises=need_ex,
            need_compound=need_compound,
        ),
    )


def judge_other(
    sport: str,
    duration_s: float,
    settings: Settings,
    *,
    sub_sport: str | None = None,
    cardio_band_s: float | None = None,
    trimp: float | None = None,
    intensity: float = 1.0,
) -> Verdict:
    """Judge another sport (R12) with its per-sport muscle map × duration × ``intensity``
    (1 = moderate). ``cardio`` when at least half of it was in the cardio band (R2), or, with
    no heart rate, for the sustained sports of :data:`CARDIO_SPORTS`; else ``other``. A
    strength-training file (no sets) is ``strength`` with a reason saying the sets are
    unknown."""
    key = sport_key(sport, sub_sport)
    label = key.value.replace("_", " ")
    if key is SportKey.STRENGTH_TRAINING:
        return _unknown_sets(duration_s, trimp or 0.0, "strength session")
    if cardio_band_s is not None and duration_s > 0:
        is_cardio = cardio_band_s >= CARDIO_MIN_BAND_SHARE * duration_s
    else:
        is_cardio = key in CARDIO_SPORTS
    category: Category = "cardio" if is_cardio else "other"
    stimulus = Stimulus(
        cardio=trimp if trimp is not None else _moderate_trimp(duration_s, intensity),
        strength=0.0,
        type2_share=min(1.0, SPORT_TYPE2_BASE[key] * intensity),
        muscles=sport_muscle_load(key, duration_s, intensity, EXPOSURE_S_PER_SET),
    )
    groups = join_names(top_muscle_groups(stimulus.muscles))
    band = settings.cardio_band_pct_hrmax
    kind = "cardio" if is_cardio else "light or irregular activity"
    reasons = [
        Reason("R12", f"{label.capitalize()} is judged like running: {kind}."),
        band_reason(cardio_band_s, duration_s, band, "R2"),
        fibre_reason(stimulus.type2_share, POWER_MIN_TYPE2_SHARE),
        steady_reason(0.0, groups, "R12", f"Steady {label}"),
    ]
    return Verdict(
        counts_as_leg_day=False,
        category=category,
        reasons=reasons,
        stimulus=stimulus,
        facts=SessionFacts(
            outcome="cardio" if is_cardio else "other",
            label=label,
            duration_s=duration_s,
            cardio_band_s=cardio_band_s,
            band_pct=band,
        ),
    )


def judge_combined(parts: Sequence[Verdict]) -> Verdict:
    """Judge a file holding several sessions by its parts (e.g. a run, then lifting).

    Leg day when any part is; the category is the parts' common one, else ``mixed``; the
    reasons are the parts' reasons, each prefixed with its part unless it names it already;
    loads add up, and the type 2 share is the parts' mean weighted by their total muscle load.
    """
    if not parts:
        raise ValueError("judge_combined needs at least one part")
    categories = {p.category for p in parts}
    category: Category = parts[0].category if len(categories) == 1 else "mixed"
    weights = [sum(p.stimulus.muscles.values()) for p in parts]
    total = sum(weights)
    share = (
        sum(w * p.stimulus.type2_share for w, p in zip(weights, parts, strict=True)) / total
        if total > 0
        else 0.0
    )
    counts = any(p.counts_as_leg_day for p in parts)
    reasons = [Reason(r.rule, _part_text(p.facts.label, r.text)) for p in parts for r in p.reasons]
    durations = [p.facts.duration_s for p in parts if p.facts.duration_s is not None]
    return Verdict(
        counts_as_leg_day=counts,
        category=category,
        reasons=reasons,
        stimulus=Stimulus(
            cardio=sum(p.stimulus.cardio for p in parts),
            strength=sum(p.stimulus.strength for p in parts),
            type2_share=min(1.0, max(0.0, share)),
            muscles=add_muscles(p.stimulus.muscles for p in parts),
            strength_muscles=add_muscles(p.stimulus.strength_muscles for p in parts),
        ),
        facts=SessionFacts(
            outcome="leg_day" if counts else "mixed",
            label=" and ".join(p.facts.label for p in parts),
            duration_s=sum(durations) if durations else None,
        ),
        parts=tuple(parts),
    )


# --- helpers --------------------------------------------------------------------------------


def _part_text(label: str, text: str) -> str:
    """A part's reason, prefixed with the part unless it names it already ("Indoor cycling is
    judged like running" needs no "Indoor cycling: " before it)."""
    return text if label.lower() in text.lower() else f"{label.capitalize()}: {text}"


def _forceful_measured(category: Category, stimulus: Stimulus) -> bool:
    """Whether the recording's figures show the forceful work a power or mixed run is named
    for (R3, R5): a power session's type 2 share reaches :data:`POWER_MIN_TYPE2_SHARE`, a
    mixed run's efforts add at least :data:`MIN_SHOWN_STRENGTH` hard-set equivalents."""
    if category == "power":
        return stimulus.type2_share >= POWER_MIN_TYPE2_SHARE
    if category == "mixed":
        return stimulus.strength >= MIN_SHOWN_STRENGTH
    return True


def _round_to(x: float, step: int) -> int:
    return int(round(x / step) * step)


def _unilateral(exercise: object) -> bool:
    return bool(getattr(exercise, "unilateral", False))


def _moderate_trimp(duration_s: float, intensity: float) -> float:
    """Banister TRIMP of ``duration_s`` at a heart-rate reserve fraction of 0.5 × intensity
    (ACSM moderate; unknown-sex constants, Banister 1991) — for sessions without heart rate."""
    from legday.analysis.load import BANISTER_CONSTANTS

    a, b = BANISTER_CONSTANTS[None]
    x = min(1.0, max(0.0, MODERATE_HRR * intensity))
    return float(duration_s / 60.0 * x * a * np.exp(b * x))


def _unknown_sets(duration_s: float | None, cardio: float, label: str) -> Verdict:
    muscles = (
        sport_muscle_load(SportKey.STRENGTH_TRAINING, duration_s, 1.0, EXPOSURE_S_PER_SET)
        if duration_s
        else zero_muscles()
    )
    return Verdict(
        counts_as_leg_day=False,
        category="strength",
        reasons=[
            Reason(
                "R7",
                "The sets are unknown: the file holds no exercises, reps or loads, so legday "
                "cannot tell whether it was a leg day. Log the sets to get a verdict.",
            )
        ],
        # A lifting session of unknown sets: its estimated load sits on the strength layer.
        stimulus=Stimulus(cardio, 0.0, 0.0, muscles, strength_muscles=muscles),
        facts=SessionFacts(outcome="no_sets", label=label, duration_s=duration_s),
    )


def _strength_outcome(ss: StrengthStimulus, counts: bool, enough: bool) -> Outcome:
    if counts:
        return "leg_day"
    if ss.lower_working_sets == 0:
        return "no_lower"
    if enough:
        return "no_compound"
    if ss.hard_lower_sets > 0:
        return "too_few"
    if ss.high_rep_lower_sets:
        return "high_reps"
    lower_known = [j for j in ss.sets if j.working and j.lower and j.effort_known]
    return "too_easy" if lower_known else "unknown_effort"
