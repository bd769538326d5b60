"""The reasons a verdict gives, worded: each one cites the rule it applies (DOMAIN.md).

:mod:`legday.stimulus.judge` decides which rules apply; these functions fill in the numbers.
"""

from __future__ import annotations

from legday.settings import Settings
from legday.stimulus.strength_model import StrengthStimulus
from legday.stimulus.verdict import Outcome, Reason, Stimulus
from legday.stimulus.wording import band_share, duration_text, join_names, need_text, pct_text

__all__ = [
    "band_reason",
    "fibre_reason",
    "high_reps_reason",
    "overload_text",
    "power_reason",
    "race_reason",
    "steady_reason",
    "strength_text",
]


def band_reason(
    band_s: float | None, duration_s: float, band: tuple[float, float], rule: str
) -> Reason:
    lo, hi = (pct_text(b) for b in band)
    if band_s is None or duration_s <= 0:
        return Reason(
            rule,
            f"No heart rate was recorded, so the time at {lo}–{hi} % of your max heart rate is "
            "unknown; the cardio load is estimated from pace and duration.",
        )
    return Reason(
        rule,
        f"{pct_text(band_share(band_s, duration_s))} % of it "
        f"({duration_text(min(band_s, duration_s))}) was at {lo}–{hi} % of your max heart rate: "
        "the cardio band.",
    )


def fibre_reason(share: float, power_share: float) -> Reason:
    """R3: how much of the work was forceful (type 2), against the share that makes power."""
    if share < power_share:
        text = (
            f"Only {pct_text(share)} % of the work was forceful: mainly type 1 (slow-twitch) "
            "fibres, aerobic work."
        )
    else:
        text = f"{pct_text(share)} % of the work was forceful enough to recruit type 2 fibres."
    return Reason("R3", text)


def power_reason(
    efforts: str, groups: str, stimulus: Stimulus, measured: bool, no_altitude: bool
) -> Reason:
    """R5: what the forceful efforts (``efforts``: hill repeats, strides…) did — or, when the
    recording's figures do not show it (``measured`` false), that it shows little of it and
    why (no altitude to measure the climbs)."""
    loads = f"your {groups}" if groups else "your legs"
    if measured:
        return Reason(
            "R5",
            f"The {efforts} added forceful efforts that recruit type 2 fibres and load {loads} "
            f"much as added weight would: about {stimulus.strength:.1f} hard-set equivalents.",
        )
    why = (
        ", and it has no altitude to measure the climbs by"
        if no_altitude and "hill" in efforts
        else ""
    )
    return Reason(
        "R5",
        f"{efforts.capitalize()} are efforts that recruit type 2 fibres, but this recording "
        f"shows little of it: {pct_text(stimulus.type2_share)} % of the work forceful, about "
        f"{stimulus.strength:.1f} hard-set equivalents{why}.",
    )


def race_reason(stimulus: Stimulus, groups: str, before_race_h: int) -> Reason:
    """R11: what a race does — an all-out effort, not steady running, that the legs need days
    to recover from (and no hard leg lifting in the ``before_race_h`` hours before one)."""
    loads = f"your {groups}" if groups else "your legs"
    return Reason(
        "R11",
        f"A race is an all-out effort, not steady running: {pct_text(stimulus.type2_share)} % "
        f"of the work was forceful, and it loaded {loads} with about "
        f"{stimulus.strength:.1f} hard-set equivalents. Muscles take days to recover from a "
        f"race: no hard leg lifting in the {before_race_h} h before one, and easy days after it.",
    )


def steady_reason(strength: float, groups: str, rule: str, what: str) -> Reason:
    worked = f"It worked your {groups} but gave them" if groups else "It gave your muscles"
    return Reason(
        rule,
        f"{what} at a pace you can hold builds little strength. {worked} hardly any overload "
        f"({strength:.1f} hard-set equivalents).",
    )


def overload_text(distance_m: float, usual_m: float | None) -> str:
    km = distance_m / 1000.0
    if usual_m:
        return (
            f"At {km:.1f} km, {distance_m / usual_m:.1f} × your usual longest run "
            f"({usual_m / 1000.0:.1f} km), this run was a new overload for your legs."
        )
    return f"At {km:.1f} km, much longer than your usual runs, this was a new overload."


def strength_text(ss: StrengthStimulus, outcome: Outcome, settings: Settings) -> str:
    n, k = ss.hard_lower_sets, len(ss.lower_exercises)
    hard = f"≤ {settings.hard_set_max_rir:g} reps in reserve or RPE ≥ {settings.hard_set_min_rpe:g}"
    need = "a leg day needs " + need_text(
        settings.leg_day_min_hard_sets,
        settings.leg_day_min_exercises,
        settings.leg_day_min_compound_sets,
    )
    if outcome == "leg_day":
        return (
            f"{n} hard lower-body sets ({hard}) across {k} exercise{'s' if k != 1 else ''} "
            f"({join_names(ss.lower_exercises)}): real lower-body strength work."
        )
    if outcome == "no_compound":
        return (
            f"{n} hard lower-body sets ({join_names(ss.lower_exercises)}), all isolation work; "
            f"{need}: a squat, hinge, lunge or bridge."
        )
    if outcome == "no_lower":
        return (
            f"No lower-body exercise among {ss.working_sets} working sets: strength training, "
            "but not a leg day."
        )
    if outcome == "too_easy":
        rir = ss.min_lower_rir
        far = f" (at least {rir:g} reps in reserve)" if rir is not None else ""
        return (
            f"{_sets(ss.lower_working_sets)}, none close to failure{far}: muscular "
            f"endurance, not strength; {need}, each at {hard}."
        )
    if outcome == "high_reps":
        return (
            f"{_sets(len(ss.high_rep_lower_sets))} close to failure, but above "
            f"{settings.strength_max_reps} reps: muscular endurance, not strength; {need}, each "
            f"at {hard} and {settings.strength_max_reps} reps or fewer."
        )
    if outcome == "unknown_effort":
        return (
            f"{_sets(ss.lower_working_sets)} with no RIR, RPE or e1RM to judge them by, "
            f"so none counts as hard; log RIR or RPE. {need.capitalize()}."
        )
    return f"Only {n} hard lower-body set{'s' if n != 1 else ''} across {k} exercise" + (
        f"{'s' if k != 1 else ''}; {need}."
    )


def high_reps_reason(ss: StrengthStimulus, settings: Settings) -> Reason | None:
    """R1, R7: the lower-body sets close to failure but above the strength rep range, why they
    do not count and what would make them count (a harder variation or added load); None when
    there are none."""
    sets = ss.high_rep_lower_sets
    if not sets:
        return None
    by_exercise: dict[str, list[int]] = {}
    harder: dict[str, str] = {}
    for j in sets:
        by_exercise.setdefault(j.set.exercise, []).append(int(j.set.reps or 0))
        if j.exercise is not None and j.exercise.harder:
            harder[j.set.exercise] = j.exercise.harder
    done = join_names(
        f"{key} {len(reps)} × {_span(min(reps), max(reps))}" for key, reps in by_exercise.items()
    )
    swaps = join_names(f"{h} for {key}" for key, h in harder.items())
    variation = f"a harder variation ({swaps})" if swaps else "a harder variation"
    lo, hi = settings.target_rir
    top = settings.strength_max_reps
    return Reason(
        "R1",
        f"Above the strength range of {top} reps ({settings.strength_max_reps_calf} for calves): "
        f"{done}. That many repetitions build muscular endurance, not strength, however close "
        f"to failure. To make them count, take {variation} or add load, so that {top} reps or "
        f"fewer leave {lo}–{hi} in reserve.",
    )


def _sets(n: int) -> str:
    return f"{n} lower-body set{'' if n == 1 else 's'}"


def _span(lo: int, hi: int) -> str:
    return f"{lo}" if lo == hi else f"{lo}–{hi}"
