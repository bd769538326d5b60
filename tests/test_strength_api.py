"""The public surface of legday.strength is pinned: a change here is a deliberate API change."""

from __future__ import annotations

import legday.strength as strength
from legday.io import strength_csv

EXPECTED = [
    "ALL_MUSCLES",
    "EXTRA_MUSCLES",
    "LOAD_STEP_KG",
    "LOG_GRAMMAR_HELP",
    "MUSCLES",
    "PATTERNS",
    "Action",
    "Catalog",
    "E1RMFormula",
    "E1rmTracker",
    "Exercise",
    "ExerciseHistory",
    "Exposure",
    "Match",
    "MatchMethod",
    "PersonalRecords",
    "Target",
    "brzycki",
    "deload_sessions",
    "e1rm",
    "epley",
    "exercise_histories",
    "exercise_history",
    "format_log",
    "hard_sets_per_muscle",
    "is_hard_set",
    "is_stalled",
    "lift_histories",
    "load_catalog",
    "load_step_kg",
    "map_fit_sets",
    "match_exercise",
    "next_target",
    "parse_log",
    "reps_at_load",
    "resolve_exercise",
    "set_e1rm",
    "strength_report",
    "volume_load",
    "weekly_hard_sets",
]


def test_strength_all_is_pinned_and_sorted() -> None:
    assert strength.__all__ == EXPECTED
    assert sorted(strength.__all__, key=lambda n: (not n.isupper(), not n[0].isupper(), n)) == (
        strength.__all__
    )
    for name in strength.__all__:
        assert hasattr(strength, name), name


def test_strength_csv_exports() -> None:
    assert strength_csv.__all__ == [
        "SkippedRow",
        "StrengthFormat",
        "StrengthImport",
        "looks_like_strength_csv",
        "read_strength_csv",
    ]
    for name in strength_csv.__all__:
        assert hasattr(strength_csv, name)


def test_the_stimulus_muscle_keys_agree() -> None:
    # legday.stimulus keeps its own MUSCLES tuple; both must list the same sixteen keys.
    from legday.stimulus.muscles import MUSCLES

    assert tuple(MUSCLES)[:16] == strength.MUSCLES
