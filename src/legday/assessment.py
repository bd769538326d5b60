"""One activity from samples to answer: analysis, then verdict (pure orchestration).

The import worker, ``legday analyze``, ``legday verdict`` and the Python API all go through
:func:`assess`, so a session is judged the same way wherever it is asked about.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from legday.model import Activity, AthleteProfile, RunKind
from legday.settings import Settings

if TYPE_CHECKING:  # the analysis and the judge load when a session is judged, not for in_units
    from legday.analysis import HistorySummary, RunAnalysis
    from legday.stimulus import Verdict

__all__ = [
    "Assessment",
    "assess",
    "in_units",
    "judged_as",
    "threshold_speed",
    "verdict",
    "verdict_payload",
]


@dataclass(frozen=True)
class Assessment:
    activity: Activity
    analysis: RunAnalysis
    """What the analysis found (its own kind and reasons, whatever the runner said)."""
    verdict: Verdict
    label: RunKind | None = None
    """The runner's kind, when given: the verdict judged the run as this kind."""

    @property
    def kind(self) -> RunKind:
        """The effective kind: the runner's label when there is one, else the analysed kind."""
        return self.label or self.analysis.kind

    def to_dict(self, units: str = "metric") -> dict[str, Any]:
        """The analysis object with the verdict block added (``legday analyze --json``)."""
        data = self.analysis.to_dict()
        data.update(self.verdict_dict(units))
        return data

    def verdict_dict(self, units: str = "metric") -> dict[str, Any]:
        return verdict_payload(self.verdict, units)


def verdict_payload(judged: Verdict, units: str = "metric") -> dict[str, Any]:
    """``{"verdict": {...}}`` as stored and printed, with the plain-words ``headline`` in
    ``units`` and ``headlines`` in both (so a stored verdict follows a change of units, see
    :func:`in_units`)."""
    data = judged.to_dict()
    both = {u: judged.headline(u) for u in ("metric", "imperial")}
    data["verdict"]["headline"] = both["imperial" if units == "imperial" else "metric"]
    data["verdict"]["headlines"] = both
    return data


def in_units(payload: dict[str, Any] | None, units: str) -> dict[str, Any] | None:
    """A stored verdict payload with its ``headline`` in ``units`` (verdicts stored before
    ``headlines`` existed keep theirs until ``legday reanalyze``)."""
    verdict = (payload or {}).get("verdict")
    if not isinstance(verdict, dict) or not isinstance(verdict.get("headlines"), dict):
        return payload
    wanted = verdict["headlines"].get("imperial" if units == "imperial" else "metric")
    if wanted is None or wanted == verdict.get("headline"):
        return payload
    return {**payload, "verdict": {**verdict, "headline": wanted}}  # type: ignore[dict-item]


def assess(
    activity: Activity,
    profile: AthleteProfile | None = None,
    history: Sequence[HistorySummary] | None = None,
    settings: Settings | None = None,
    *,
    e1rm_by_exercise: Mapping[str, float] | None = None,
    label: RunKind | None = None,
) -> Assessment:
    """Analyse ``activity`` and judge it. Garmin strength sets are mapped to the catalog and
    judged against the lifter's best e1RM per exercise (``e1rm_by_exercise``, kg, plus the
    session's own sets), since watches record no reps in reserve.

    ``label`` is the runner's own kind for a run (``legday label``): the runner has the last
    word, so the verdict judges the run as that kind (see :func:`judged_as`), while the analysis
    keeps the kind it found and its reasons."""
    from legday.analysis import analyze
    from legday.stimulus import judge_activity
    from legday.strength import E1rmTracker, load_catalog, map_fit_sets

    settings = settings or Settings()
    catalog = load_catalog()
    e1rm: dict[str, float] = dict(e1rm_by_exercise or {})
    if activity.sets:
        activity.sets = tuple(map_fit_sets(activity.sets, catalog))
        e1rm = E1rmTracker(e1rm).update(activity.sets)
    analysis = analyze(activity, profile, history, settings)
    judged = judge_activity(
        activity,
        settings,
        catalog,
        analysis=judged_as(analysis, label),
        profile=profile,
        e1rm_by_exercise=e1rm,
        threshold_speed_mps=threshold_speed(profile, history, analysis.easy_speed_mps),
    )
    return Assessment(activity, analysis, judged, label)


def judged_as(analysis: RunAnalysis, label: RunKind | None) -> RunAnalysis:
    """The analysis as the verdict sees it when the runner labelled the run ``label``.

    The kind becomes the runner's. The analysed kind's own pattern leaves the tags (an
    "intervals" run the runner calls a race is not a race *with* intervals); other patterns the
    analysis found stay (an easy run with strides is still an easy run with strides).
    """
    if label is None or label == analysis.kind:
        return analysis
    tags = tuple(t for t in analysis.tags if t != analysis.kind)
    return replace(analysis, kind=label, tags=tags)


#: Threshold speed as a share of the best recent race speed over 15–75 min: such races are run
#: at or a little above threshold (Daniels' T pace ≈ 1-hour race pace; heuristic).
RACE_TO_THRESHOLD = 0.97
#: Threshold speed over easy speed (heuristic: Daniels' easy pace sits ~60–90 s/km slower than
#: threshold pace for recreational runners, a speed ratio of about 1.2).
EASY_TO_THRESHOLD = 1.2
#: Races whose duration says something about threshold, s.
THRESHOLD_RACE_S = (900.0, 4500.0)


def threshold_speed(
    profile: AthleteProfile | None,
    history: Sequence[HistorySummary] | None,
    easy_speed_mps: float | None = None,
) -> float:
    """The athlete's threshold speed, m/s: where forceful running starts in the fibre model.

    The profile's threshold pace when set; else 97 % of the best race speed over 15–75 min in
    the history; else :data:`EASY_TO_THRESHOLD` × this run's easy reference speed; else the
    population default of the stimulus model.
    """
    from legday.stimulus.fibres import DEFAULT_THRESHOLD_SPEED_MPS

    if profile is not None and profile.threshold_pace_s_per_km:
        return 1000.0 / profile.threshold_pace_s_per_km
    lo, hi = THRESHOLD_RACE_S
    races = [
        h.distance_m / h.duration_s
        for h in history or ()
        if h.kind == "race" and lo <= h.duration_s <= hi and h.distance_m > 0
    ]
    if races:
        return max(races) * RACE_TO_THRESHOLD
    if easy_speed_mps is not None and easy_speed_mps > 0:
        return easy_speed_mps * EASY_TO_THRESHOLD
    return DEFAULT_THRESHOLD_SPEED_MPS


def verdict(
    activity: Activity,
    profile: AthleteProfile | None = None,
    history: Sequence[HistorySummary] | None = None,
    settings: Settings | None = None,
) -> Verdict:
    """Does this session count as leg day? The verdict with its reasons (R1–R12)."""
    return assess(activity, profile, history, settings).verdict
