"""One activity from samples to answer: analysis, then verdict (pure orchestration).

The import worker, ``legday analyze``, ``legday verdict`` and the Python API all go through
:func:`assess`, so a session is judged the same way wherever it is asked about.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from legday.analysis import HistorySummary, RunAnalysis, analyze
from legday.model import Activity, AthleteProfile
from legday.settings import Settings
from legday.stimulus import Verdict, judge_activity
from legday.strength import load_catalog, map_fit_sets

__all__ = ["Assessment", "assess", "verdict", "verdict_payload"]


@dataclass(frozen=True)
class Assessment:
    activity: Activity
    analysis: RunAnalysis
    verdict: Verdict

    def to_dict(self, units: str = "metric") -> dict[str, Any]:
        """The analysis object with the verdict block added (``legday analyze --json``)."""
        data = self.analysis.to_dict()
        data.update(self.verdict_dict(units))
        return data

    def verdict_dict(self, units: str = "metric") -> dict[str, Any]:
        return verdict_payload(self.verdict, units)


def verdict_payload(judged: Verdict, units: str = "metric") -> dict[str, Any]:
    """``{"verdict": {...}}`` as stored and printed, with the plain-words ``headline``."""
    data = judged.to_dict()
    data["verdict"]["headline"] = judged.headline("imperial" if units == "imperial" else "metric")
    return data


def assess(
    activity: Activity,
    profile: AthleteProfile | None = None,
    history: Sequence[HistorySummary] | None = None,
    settings: Settings | None = None,
) -> Assessment:
    """Analyse ``activity`` and judge it. Garmin strength sets are mapped to the catalog."""
    settings = settings or Settings()
    catalog = load_catalog()
    if activity.sets:
        activity.sets = tuple(map_fit_sets(activity.sets, catalog))
    analysis = analyze(activity, profile, history, settings)
    judged = judge_activity(activity, settings, catalog, analysis=analysis, profile=profile)
    return Assessment(activity, analysis, judged)


def verdict(
    activity: Activity,
    profile: AthleteProfile | None = None,
    history: Sequence[HistorySummary] | None = None,
    settings: Settings | None = None,
) -> Verdict:
    """Does this session count as leg day? The verdict with its reasons (R1–R12)."""
    return assess(activity, profile, history, settings).verdict
