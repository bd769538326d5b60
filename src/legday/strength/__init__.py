"""Strength work: the exercise catalog, name matching, the manual log grammar, e1RM, hard sets
and double progression (DOMAIN.md R7, R9). Everything here is pure: sessions and settings in,
dataclasses and dicts out. Readers for Strong and Hevy exports live in
:mod:`legday.io.strength_csv`.
"""

from legday.strength.catalog import (
    ALL_MUSCLES,
    EXTRA_MUSCLES,
    LOAD_STEP_KG,
    MUSCLES,
    PATTERNS,
    Catalog,
    Exercise,
    load_catalog,
)
from legday.strength.e1rm import (
    E1RMFormula,
    E1rmTracker,
    brzycki,
    e1rm,
    epley,
    reps_at_load,
    set_e1rm,
)
from legday.strength.grammar import LOG_GRAMMAR_HELP, format_log, parse_log
from legday.strength.names import (
    Match,
    MatchMethod,
    map_fit_sets,
    match_exercise,
    resolve_exercise,
)
from legday.strength.progression import (
    Action,
    ExerciseHistory,
    Exposure,
    PersonalRecords,
    Target,
    deload_sessions,
    exercise_histories,
    exercise_history,
    is_stalled,
    lift_histories,
    load_step_kg,
    next_target,
)
from legday.strength.report import strength_report
from legday.strength.volume import (
    hard_sets_per_muscle,
    is_hard_set,
    volume_load,
    weekly_hard_sets,
)

__all__ = [
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
