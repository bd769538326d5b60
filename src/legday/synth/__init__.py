"""The synthetic runner: realistic training histories with ground truth, written as real files.

Used by the tests, the classification benchmark and ``legday demo``; never a substitute for
real recordings. Pure generation (:func:`make_run`, :func:`generate_history`) is separate from
writing (:func:`write_history`, :func:`write_fit`, …)::

    from datetime import date
    from pathlib import Path
    from legday.synth import generate_history, write_history

    history = generate_history(weeks=8, seed=1, end=date(2026, 11, 22))
    paths = write_history(history, Path("demo"), formats=("fit", "gpx", "tcx"))
"""

from legday.synth.athlete import SyntheticAthlete
from legday.synth.device import Device
from legday.synth.files import truth_path, write_history, write_run
from legday.synth.fit_writer import write_fit
from legday.synth.gpx_writer import write_gpx
from legday.synth.history import History, generate_history, last_completed_week_end
from legday.synth.runs import SyntheticRun, make_run
from legday.synth.strength import make_strength_session
from legday.synth.strong_csv import write_strong_csv
from legday.synth.tcx_writer import write_tcx
from legday.synth.truth import Block, Segment, Truth
from legday.synth.workouts import RunKind

__all__ = [
    "Block",
    "Device",
    "History",
    "RunKind",
    "Segment",
    "SyntheticAthlete",
    "SyntheticRun",
    "Truth",
    "generate_history",
    "last_completed_week_end",
    "make_run",
    "make_strength_session",
    "truth_path",
    "write_fit",
    "write_gpx",
    "write_history",
    "write_run",
    "write_strong_csv",
    "write_tcx",
]
