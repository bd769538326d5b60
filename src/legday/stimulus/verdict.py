"""The verdict: does a session count as leg day, what kind of stimulus was it, and why.

``counts_as_leg_day`` is true only for a strength session with real lower-body strength work
(DOMAIN.md R6, R7): at least ``Settings.leg_day_min_hard_sets`` hard sets in the strength rep
range across at least ``Settings.leg_day_min_exercises`` exercises whose primary muscles are
lower-body groups, ``Settings.leg_day_min_compound_sets`` of them on a compound lift. Runs
never earn it: steady running is cardio (R1–R4); hill repeats, sprints, strides and intervals
are "power" (R5) but not a substitute for lifting (R6). Other sports are judged by the same
model (R12). Every reason cites its rule.

This module holds the result types and the rules' one-line statements (:data:`RULES`, data);
:mod:`legday.stimulus.judge` picks which rules apply and fills in the numbers, and
:mod:`legday.stimulus.wording` words the headline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from legday.stimulus import wording

__all__ = [
    "CATEGORIES",
    "RULES",
    "Category",
    "Outcome",
    "Reason",
    "SessionFacts",
    "Stimulus",
    "Verdict",
]

Category = Literal["cardio", "power", "strength", "mixed", "other"]

#: The verdict's categories, in the order the docs list them.
CATEGORIES: tuple[str, ...] = get_args(Category)

#: Why a verdict came out as it did (what the headline explains). ``leg_day``: enough hard
#: lower-body sets; ``no_sets``: a strength file without set data; ``no_lower``: no
#: lower-body exercise; ``too_easy``: lower-body sets all far from failure; ``unknown_effort``:
#: lower-body sets with no RIR, RPE or e1RM; ``high_reps``: lower-body sets close to failure
#: but above the strength rep range (endurance work, R1); ``too_few``: hard sets, but fewer
#: than needed; ``no_compound``: enough hard sets, but none on a compound lift; ``cardio``,
#: ``power``, ``mixed``, ``other``: the non-strength categories.
Outcome = Literal[
    "leg_day",
    "no_sets",
    "no_lower",
    "too_easy",
    "unknown_effort",
    "high_reps",
    "too_few",
    "no_compound",
    "cardio",
    "power",
    "mixed",
    "other",
]

#: The rules a verdict cites, one line each (DOMAIN.md, "The rules").
RULES: dict[str, str] = {
    "R1": "Running is cardio: very high-repetition work that builds stamina, not strength.",
    "R2": "A workout is cardio when heart rate sits at roughly 50–85 % of its maximum.",
    "R3": "Steady work recruits mainly type 1 fibres; forceful, short efforts recruit type 2.",
    "R4": "Steady running builds little strength, unless the run is much longer than usual.",
    "R5": "Hill repeats, strides, intervals and sprints build more muscle and strength.",
    "R6": "Running never replaces strength training, not even hill and sprint days.",
    "R7": "Strength training is progressive overload: sets of 6–10 reps near failure.",
    "R8": "Runners should lift 2–3 times a week.",
    "R9": "Include compound, isolation, single-leg, core and upper-body exercises.",
    "R10": "Keep hard days hard: lift legs on or after a hard run day.",
    "R11": "Leave enough recovery between hard runs and lifting days.",
    "R12": "Other endurance sports are judged by the same model.",
}


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason for a verdict, citing the rule (``R1`` … ``R12``) it applies."""

    rule: str
    text: str

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ValueError(f"unknown rule {self.rule!r}; valid: {', '.join(RULES)}")

    def to_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "text": self.text}


@dataclass(frozen=True, slots=True)
class Stimulus:
    """What a session did: cardio load, strength stimulus, fibre emphasis, load per muscle."""

    cardio: float
    """Cardio load: Banister TRIMP (from heart rate, else estimated; docs/science.md)."""
    strength: float
    """Strength stimulus in hard-set equivalents (0 for steady running)."""
    type2_share: float
    """Share of the session's work done in forceful (type 2) efforts, in [0, 1]."""
    muscles: dict[str, float]
    """Load per muscle group in hard-set equivalents: all sixteen DOMAIN.md keys, ≥ 0."""
    strength_muscles: dict[str, float] = field(default_factory=dict)
    """The strength layer of ``muscles``: hard sets in the strength range and forceful running
    (R5, R7); missing keys read 0. The rest, :attr:`endurance_muscles`, is endurance load."""

    def __post_init__(self) -> None:
        if not 0.0 <= self.type2_share <= 1.0:
            raise ValueError(f"type2_share must be in [0, 1], got {self.type2_share}")

    @property
    def endurance_muscles(self) -> dict[str, float]:
        """The endurance layer: steady running, other sports, sets above the strength range."""
        return {k: max(0.0, v - self.strength_muscles.get(k, 0.0)) for k, v in self.muscles.items()}

    def to_dict(self) -> dict[str, Any]:
        def rounded(m: dict[str, float]) -> dict[str, float]:
            return {k: round(m.get(k, 0.0), 3) for k in self.muscles}

        return {
            "cardio": round(self.cardio, 1),
            "strength": round(self.strength, 2),
            "type2_share": round(self.type2_share, 3),
            "muscles": rounded(self.muscles),
            "layers": {
                "strength": rounded(self.strength_muscles),
                "endurance": rounded(self.endurance_muscles),
            },
        }


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """The few facts the headline quotes (not part of ``to_dict``)."""

    outcome: Outcome
    label: str
    """What the session was, in words: ``easy run``, ``hill repeats``, ``cycling``…"""
    duration_s: float | None = None
    distance_m: float | None = None
    cardio_band_s: float | None = None
    """Seconds at 50–85 % of HRmax (None without heart rate)."""
    band_pct: tuple[float, float] = (0.50, 0.85)
    """The cardio band used (Settings.cardio_band_pct_hrmax)."""
    overload: bool = False
    usual_longest_m: float | None = None
    forceful_measured: bool = True
    """False when a power or mixed run's figures do not show its forceful work (R3, R5)."""
    no_altitude: bool = False
    """The run was recorded without altitude: climbs cannot be measured."""
    race: bool = False
    """The run was a race (detected, or labelled by the runner)."""
    hard_lower_sets: int = 0
    lower_exercises: int = 0
    lower_sets: int = 0
    """Working lower-body sets, hard or not."""
    min_lower_rir: float | None = None
    high_rep_sets: int = 0
    """Lower-body sets close to failure but above the strength rep range (R1, R7)."""
    rep_ceiling: int = 0
    """Settings.strength_max_reps: the most reps of a strength set (calves excepted)."""
    need_sets: int = 0
    need_exercises: int = 0
    need_compound: int = 0


@dataclass(frozen=True)
class Verdict:
    """Does the session count as leg day, its category, the reasons and the stimulus.

    ``to_dict()`` gives exactly ``{"verdict": {"counts_as_leg_day", "category", "reasons",
    "stimulus"}}``; :meth:`headline` says it in one or two sentences a runner understands.
    """

    counts_as_leg_day: bool
    category: Category
    reasons: list[Reason]
    stimulus: Stimulus
    facts: SessionFacts = field(default_factory=lambda: SessionFacts("other", "session"))
    parts: tuple[Verdict, ...] = ()
    """For a file holding several sessions (a run, then lifting): each part's own verdict."""

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"unknown category {self.category!r}; valid: {', '.join(CATEGORIES)}")

    @property
    def rules(self) -> tuple[str, ...]:
        """The rule ids cited, each once, in order."""
        return tuple(dict.fromkeys(r.rule for r in self.reasons))

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": {
                "counts_as_leg_day": self.counts_as_leg_day,
                "category": self.category,
                "reasons": [r.to_dict() for r in self.reasons],
                "stimulus": self.stimulus.to_dict(),
            }
        }

    def headline(self, units: Literal["metric", "imperial"] = "metric") -> str:
        """The answer in plain words, e.g. "Yes — a real leg day: 8 hard lower-body sets
        across 3 exercises (R7)." ``units`` picks km or miles."""
        return wording.headline(self, units)
