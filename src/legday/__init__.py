"""legday: does my run count as leg day?

The public API. Everything a user or a notebook needs is importable from here.
"""

from legday.errors import (
    ConfigError,
    CorruptFileError,
    FileError,
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

__version__ = "0.1.0"

__all__ = [
    "Activity",
    "AthleteProfile",
    "ConfigError",
    "CorruptFileError",
    "Event",
    "ExerciseSet",
    "FileError",
    "Lap",
    "LegdayError",
    "LogSyntaxError",
    "NotFoundError",
    "OnError",
    "SessionTotals",
    "SetType",
    "Settings",
    "Source",
    "StrengthSession",
    "TruncatedFileError",
    "UnsafeInputError",
    "UnsupportedFileError",
    "__version__",
]
