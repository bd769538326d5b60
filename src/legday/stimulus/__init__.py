"""Stimulus and verdict: what a session did to the body, and whether it counts as leg day.

Pure: numpy streams and model dataclasses in, dataclasses out. The modules:

* :mod:`~legday.stimulus.muscles` — the sixteen muscle keys and their regions;
* :mod:`~legday.stimulus.run_model` — per-muscle load of a run from speed and grade (heuristic);
* :mod:`~legday.stimulus.fibres` — type 2 share of a session's work;
* :mod:`~legday.stimulus.strength_model` — per-muscle load of a lifting session;
* :mod:`~legday.stimulus.sports` — per-sport muscle maps for other sports (R12);
* :mod:`~legday.stimulus.verdict` — :class:`Verdict`, :class:`Reason`, :class:`Stimulus`;
* :mod:`~legday.stimulus.judge` — the judge functions (run, strength, other sports, combined);
* :mod:`~legday.stimulus.activities` — judging a reader's activities (dispatch by sport);
* :mod:`~legday.stimulus.reasons` and :mod:`~legday.stimulus.wording` — the words.
"""

from legday.stimulus.activities import judge_activities, judge_activity
from legday.stimulus.fibres import forceful_fraction, type2_share
from legday.stimulus.judge import (
    POWER_KINDS,
    RunFacts,
    RunStreams,
    judge_analysis,
    judge_combined,
    judge_other,
    judge_run,
    judge_strength,
)
from legday.stimulus.muscles import LOWER_BODY, MUSCLES, REGION, zero_muscles
from legday.stimulus.run_model import RunStimulus, run_stimulus
from legday.stimulus.sports import SportKey, sport_key
from legday.stimulus.strength_model import StrengthStimulus, set_effort, strength_stimulus
from legday.stimulus.verdict import CATEGORIES, RULES, Category, Reason, Stimulus, Verdict

__all__ = [
    "CATEGORIES",
    "LOWER_BODY",
    "MUSCLES",
    "POWER_KINDS",
    "REGION",
    "RULES",
    "Category",
    "Reason",
    "RunFacts",
    "RunStimulus",
    "RunStreams",
    "SportKey",
    "Stimulus",
    "StrengthStimulus",
    "Verdict",
    "forceful_fraction",
    "judge_activities",
    "judge_activity",
    "judge_analysis",
    "judge_combined",
    "judge_other",
    "judge_run",
    "judge_strength",
    "run_stimulus",
    "set_effort",
    "sport_key",
    "strength_stimulus",
    "type2_share",
    "zero_muscles",
]
