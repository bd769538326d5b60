"""The typed results of :func:`legday.analysis.analyze` and what callers pass in about history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from legday.model import Role, RunKind

__all__ = [
    "Block",
    "HistorySummary",
    "HrSummary",
    "LoadSummary",
    "Role",
    "RunAnalysis",
    "RunKind",
    "Segment",
]

FloatArray = npt.NDArray[np.float64]


def _r(x: float | None, nd: int = 1) -> float | None:
    return None if x is None or not np.isfinite(x) else round(float(x), nd)


@dataclass(frozen=True, slots=True)
class HistorySummary:
    """One past run, as much as the analysis needs (no samples)."""

    start: datetime
    duration_s: float
    distance_m: float
    kind: str | None = None
    max_hr: float | None = None
    """The run's robust observed maximum heart rate, bpm (see ``observed_hr_max``)."""
    effort_hr: float | None = None
    """Mean heart rate of the run's hardest 20 minutes, bpm (see ``sustained_hr``): from a race
    or a tempo run, the athlete's threshold heart rate."""


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of the run with one role."""

    start_s: float
    """Seconds since the activity's start."""
    end_s: float
    role: Role
    avg_speed_mps: float | None
    avg_grade_adjusted_speed_mps: float | None
    avg_hr: float | None
    grade_pct: float | None

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    def to_dict(self) -> dict[str, Any]:
        return {
            "start_s": _r(self.start_s),
            "end_s": _r(self.end_s),
            "role": self.role.value,
            "avg_speed_mps": _r(self.avg_speed_mps, 3),
            "avg_grade_adjusted_speed_mps": _r(self.avg_grade_adjusted_speed_mps, 3),
            "avg_hr": _r(self.avg_hr),
            "grade_pct": _r(self.grade_pct),
        }


@dataclass(frozen=True, slots=True)
class Block:
    """A repeated work pattern: e.g. 6 × 3 min intervals with 2 min recoveries."""

    pattern: RunKind
    reps: int
    work_s: float
    """Median duration of one repetition, s."""
    recovery_s: float | None
    """Median recovery between repetitions, s (None for a single repetition)."""
    work_distance_m: float
    """Median distance of one repetition, m."""
    avg_grade_pct: float
    intensity: float
    """Mean grade-adjusted speed of the repetitions over the run's easy speed."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "pattern": self.pattern.value,
            "reps": self.reps,
            "work_s": _r(self.work_s),
            "recovery_s": _r(self.recovery_s),
            "work_distance_m": _r(self.work_distance_m),
            "avg_grade_pct": _r(self.avg_grade_pct),
            "intensity": _r(self.intensity, 3),
        }


@dataclass(frozen=True, slots=True)
class HrSummary:
    """Heart rate over the run: averages, the anchors used and time in zones."""

    avg: float | None
    max: float | None
    hr_max_used: float
    hr_max_source: str
    hr_rest_used: float
    lthr_used: float
    cardio_band_s: float
    zones_s: dict[str, float]
    zone_model: str
    observed_max: float | None = None
    """This run's robust observed maximum (spikes and cadence lock rejected), bpm."""
    above_band_s: float = 0.0
    """Seconds above the cardio band (vigorous: they count double toward R2's weekly minutes)."""
    lthr_source: str = ""
    """Where the LTHR came from: profile, history (the athlete's races and tempo runs) or
    hr_max (a fraction of HRmax, the fallback)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "avg": _r(self.avg),
            "max": _r(self.max),
            "hr_max_used": _r(self.hr_max_used),
            "hr_max_source": self.hr_max_source,
            "hr_rest_used": _r(self.hr_rest_used),
            "lthr_used": _r(self.lthr_used),
            "lthr_source": self.lthr_source,
            "cardio_band_s": _r(self.cardio_band_s),
            "zones_s": {k: _r(v) for k, v in self.zones_s.items()},
            "zone_model": self.zone_model,
            "observed_max": _r(self.observed_max),
            "above_band_s": _r(self.above_band_s),
        }


@dataclass(frozen=True, slots=True)
class LoadSummary:
    """Training load of the session (None where the data to compute it is missing)."""

    trimp: float | None
    edwards_trimp: float | None
    hr_stress: float | None
    srpe: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "trimp": _r(self.trimp),
            "edwards_trimp": _r(self.edwards_trimp),
            "hr_stress": _r(self.hr_stress),
            "srpe": _r(self.srpe),
        }


@dataclass(frozen=True, slots=True)
class RunAnalysis:
    """Everything :func:`~legday.analysis.analyze` finds out about one run.

    ``to_dict`` gives the JSON form; the per-second arrays (``elapsed_s``,
    ``grade_adjusted_speed_mps``, ``grade_pct``) stay out of it, for charts.
    """

    sport: str
    start: datetime
    duration_s: float
    moving_s: float
    distance_m: float
    ascent_m: float
    descent_m: float
    hr: HrSummary
    kind: RunKind
    tags: tuple[RunKind, ...]
    blocks: tuple[Block, ...]
    overload: bool
    segments: tuple[Segment, ...]
    load: LoadSummary
    reasons: tuple[str, ...] = ()
    easy_speed_mps: float | None = None
    """The run's easy reference speed (grade-adjusted, m/s): its warm-up or steady level."""
    """Short sentences saying why the kind and tags were chosen."""
    elapsed_s: FloatArray = field(default_factory=lambda: np.zeros(0), repr=False)
    grade_adjusted_speed_mps: FloatArray = field(default_factory=lambda: np.zeros(0), repr=False)
    grade_pct: FloatArray = field(default_factory=lambda: np.zeros(0), repr=False)
    effort_hr: float | None = None
    """Mean heart rate of the hardest 20 minutes, bpm (None for shorter runs or without HR)."""
    confidence: float = 0.0
    """How sure the kind is, 0–1: recording and evidence agree (0.9), the recording alone
    (0.75–0.8), the athlete's word against or without the recording (0.6); see
    :mod:`legday.analysis.weighing`."""

    @property
    def reps(self) -> int:
        """Work repetitions over all blocks."""
        return sum(b.reps for b in self.blocks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sport": self.sport,
            "start": self.start.isoformat(),
            "duration_s": _r(self.duration_s),
            "moving_s": _r(self.moving_s),
            "distance_m": _r(self.distance_m),
            "ascent_m": _r(self.ascent_m),
            "descent_m": _r(self.descent_m),
            "hr": self.hr.to_dict(),
            "kind": self.kind.value,
            "tags": [t.value for t in self.tags],
            "blocks": [b.to_dict() for b in self.blocks],
            "overload": self.overload,
            "segments": [s.to_dict() for s in self.segments],
            "load": self.load.to_dict(),
            "reasons": list(self.reasons),
            "easy_speed_mps": _r(self.easy_speed_mps, 3),
            "effort_hr": _r(self.effort_hr),
            "confidence": _r(self.confidence, 2),
        }
