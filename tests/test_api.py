"""The public surface is deliberate: this pins it."""

import legday

EXPECTED = [
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


def test_all_is_pinned_and_sorted() -> None:
    assert legday.__all__ == EXPECTED
    assert legday.__all__ == sorted(legday.__all__)


def test_every_export_exists() -> None:
    for name in legday.__all__:
        assert hasattr(legday, name), name


def test_error_tree() -> None:
    for name in legday.__all__:
        obj = getattr(legday, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, legday.LegdayError), name
