"""Pure analysis of one run: numpy in, dataclasses out (no files, no database, no clock).

``analyze(activity, profile, history, settings) -> RunAnalysis`` is the entry point; the
modules hold the pieces: :mod:`.moving` (time base, gaps, pauses), :mod:`.grade` (elevation,
grade, grade-adjusted speed), :mod:`.zones` (HR anchors and zones), :mod:`.load` (TRIMP and
friends), :mod:`.segments` (change points, hysteresis, efforts), :mod:`.patterns` (efforts
grouped into blocks of one pattern), :mod:`.kinds` (race, long, overload, the kind and tags),
:mod:`.pipeline` (``analyze`` itself) and :mod:`.result` (the typed results).
Sources: docs/science.md.
"""

from .grade import GradeModel
from .pipeline import analyze, summarize
from .result import (
    Block,
    HistorySummary,
    HrSummary,
    LoadSummary,
    Role,
    RunAnalysis,
    RunKind,
    Segment,
)
from .zones import ZoneModel

__all__ = [
    "Block",
    "GradeModel",
    "HistorySummary",
    "HrSummary",
    "LoadSummary",
    "Role",
    "RunAnalysis",
    "RunKind",
    "Segment",
    "ZoneModel",
    "analyze",
    "summarize",
]
