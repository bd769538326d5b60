"""legday: does my run count as leg day?

The public API. Everything a user or a notebook needs is importable from here::

    import legday

    activity = legday.read("morning-run.fit")        # FIT, GPX, TCX, gzipped or not
    result = legday.assess(activity)                   # analysis + verdict
    print(result.verdict.headline())

    history = legday.open()                            # your stored sessions (or a home, a URL)
    history.sessions_frame()                           # every session, as a pandas DataFrame
"""

from typing import TYPE_CHECKING, Any

from legday.errors import (
    ConfigError,
    CorruptFileError,
    FileError,
    LabelError,
    LegdayError,
    LogSyntaxError,
    NotFoundError,
    OnError,
    TruncatedFileError,
    UnsafeInputError,
    UnsupportedFileError,
)
from legday.model import (
    Activity,
    AthleteProfile,
    Event,
    ExerciseSet,
    Lap,
    SessionTotals,
    SetType,
    Source,
    StrengthSession,
)
from legday.settings import Settings

if TYPE_CHECKING:
    from legday.analysis import HistorySummary, RunAnalysis, analyze
    from legday.assessment import Assessment, assess, verdict
    from legday.io.archive import read_archive
    from legday.io.reader import read, read_all
    from legday.io.strength_csv import read_strength_csv
    from legday.plan import plan_week
    from legday.stimulus import Verdict
    from legday.store.frames import open_library as open
    from legday.strength import load_catalog, parse_log

__version__ = "0.1.0"

#: Heavier parts of the API load on first use, so ``legday --help`` starts fast.
_LAZY: dict[str, str] = {
    "Assessment": "legday.assessment",
    "HistorySummary": "legday.analysis",
    "RunAnalysis": "legday.analysis",
    "Verdict": "legday.stimulus",
    "analyze": "legday.analysis",
    "assess": "legday.assessment",
    "load_catalog": "legday.strength",
    "open": "legday.store.frames",
    "parse_log": "legday.strength",
    "plan_week": "legday.plan",
    "read": "legday.io.reader",
    "read_all": "legday.io.reader",
    "read_archive": "legday.io.archive",
    "read_strength_csv": "legday.io.strength_csv",
    "verdict": "legday.assessment",
}


#: Public names that their module calls otherwise.
_LAZY_NAMES: dict[str, str] = {"open": "open_library"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'legday' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), _LAZY_NAMES.get(name, name))
    globals()[name] = value
    return value


__all__ = [
    "Activity",
    "Assessment",
    "AthleteProfile",
    "ConfigError",
    "CorruptFileError",
    "Event",
    "ExerciseSet",
    "FileError",
    "HistorySummary",
    "LabelError",
    "Lap",
    "LegdayError",
    "LogSyntaxError",
    "NotFoundError",
    "OnError",
    "RunAnalysis",
    "SessionTotals",
    "SetType",
    "Settings",
    "Source",
    "StrengthSession",
    "TruncatedFileError",
    "UnsafeInputError",
    "UnsupportedFileError",
    "Verdict",
    "__version__",
    "analyze",
    "assess",
    "load_catalog",
    "open",
    "parse_log",
    "plan_week",
    "read",
    "read_all",
    "read_archive",
    "read_strength_csv",
    "verdict",
]
