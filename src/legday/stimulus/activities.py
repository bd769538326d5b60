"""Judging what a reader returns: one :class:`~legday.model.Activity`, or every session of a
file (a FIT multisport file holding a run, then lifting, is judged by its parts).

* running → :func:`legday.analysis.analyze` (unless an analysis is passed in), then
  :func:`~legday.stimulus.judge.judge_analysis`;
* a strength activity with set messages → its sets mapped to the catalog
  (:func:`legday.strength.names.map_fit_sets`), then
  :func:`~legday.stimulus.judge.judge_strength`; without sets, a "sets unknown" verdict;
* anything else → :func:`~legday.stimulus.judge.judge_other` (R12), with time in the cardio
  band and TRIMP from the same heart-rate analysis.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from legday.analysis import RunAnalysis, analyze
from legday.model import Activity, AthleteProfile, StrengthSession
from legday.settings import Settings
from legday.stimulus.fibres import DEFAULT_THRESHOLD_SPEED_MPS
from legday.stimulus.judge import judge_analysis, judge_combined, judge_other, judge_strength
from legday.stimulus.sports import SportKey, sport_key
from legday.stimulus.verdict import Verdict
from legday.strength.catalog import Catalog
from legday.strength.names import map_fit_sets

__all__ = ["RUNNING_SPORTS", "judge_activities", "judge_activity"]

#: Sports judged with the run model (the readers map GPX/TCX/Strava names to FIT's ``running``).
RUNNING_SPORTS: frozenset[str] = frozenset({"running"})


def judge_activity(
    activity: Activity,
    settings: Settings,
    catalog: Catalog,
    *,
    analysis: RunAnalysis | None = None,
    profile: AthleteProfile | None = None,
    e1rm_by_exercise: Mapping[str, float] | None = None,
    threshold_speed_mps: float = DEFAULT_THRESHOLD_SPEED_MPS,
) -> Verdict:
    """The verdict on one activity (see the module docstring for the dispatch).

    ``analysis`` is the run's :func:`legday.analysis.analyze` result when the caller has it
    (with the athlete's history, so that R4 overload is known); otherwise it is computed
    here with ``profile`` and no history.
    """
    result = analysis if analysis is not None else analyze(activity, profile, None, settings)
    if activity.sport.lower() in RUNNING_SPORTS:
        return judge_analysis(result, settings, threshold_speed_mps=threshold_speed_mps)
    trimp = result.load.trimp
    has_hr = result.hr.avg is not None
    if sport_key(activity.sport, activity.sub_sport) is SportKey.STRENGTH_TRAINING and (
        activity.sets
    ):
        session = StrengthSession(
            activity.start,
            tuple(map_fit_sets(activity.sets, catalog)),
            duration_s=activity.duration_s,
        )
        return judge_strength(session, catalog, settings, e1rm_by_exercise, cardio=trimp or 0.0)
    return judge_other(
        activity.sport,
        activity.duration_s,
        settings,
        sub_sport=activity.sub_sport,
        cardio_band_s=result.hr.cardio_band_s if has_hr else None,
        trimp=trimp,
    )


def judge_activities(
    activities: Sequence[Activity],
    settings: Settings,
    catalog: Catalog,
    *,
    analyses: Sequence[RunAnalysis | None] | None = None,
    profile: AthleteProfile | None = None,
    e1rm_by_exercise: Mapping[str, float] | None = None,
    threshold_speed_mps: float = DEFAULT_THRESHOLD_SPEED_MPS,
) -> Verdict:
    """The verdict on a whole file: its one session's verdict, or, for several sessions, the
    parts' verdicts combined (:func:`~legday.stimulus.judge.judge_combined`). ``analyses``,
    when given, pairs with ``activities``."""
    if not activities:
        raise ValueError("judge_activities needs at least one activity")
    pairs = list(analyses) if analyses is not None else [None] * len(activities)
    if len(pairs) != len(activities):
        raise ValueError(f"{len(pairs)} analyses for {len(activities)} activities")
    parts = [
        judge_activity(
            a,
            settings,
            catalog,
            analysis=an,
            profile=profile,
            e1rm_by_exercise=e1rm_by_exercise,
            threshold_speed_mps=threshold_speed_mps,
        )
        for a, an in zip(activities, pairs, strict=True)
    ]
    return parts[0] if len(parts) == 1 else judge_combined(parts)
