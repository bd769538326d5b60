"""The public surface is deliberate: this pins it."""

import legday

EXPECTED = [
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


def test_the_api_end_to_end_on_a_synthetic_run() -> None:
    import io
    from datetime import UTC, datetime

    import numpy as np

    from legday.synth import Device, SyntheticAthlete, make_run, write_fit

    athlete = SyntheticAthlete.default()
    run = make_run(
        "hill_repeats",
        athlete,
        Device.clean(),
        datetime(2026, 11, 24, 7, tzinfo=UTC),
        np.random.default_rng(3),
    )
    activity = legday.read(io.BytesIO(write_fit(run.activity)))
    result = legday.assess(activity, athlete.profile())
    assert result.analysis.kind is not None and result.analysis.kind.value == "hill_repeats"
    assert result.verdict.category == "power" and not result.verdict.counts_as_leg_day
    assert legday.verdict(activity).counts_as_leg_day is False
