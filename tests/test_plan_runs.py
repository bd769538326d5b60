"""The run week: parsed from text, inferred from history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from legday.errors import ConfigError, LegdayError
from legday.plan import RUN_KINDS, infer_run_week, parse_runs


def test_parse_runs_example() -> None:
    got = parse_runs("mon=easy,tue=intervals,thu=tempo,sat=long")
    assert got == {"mon": "easy", "tue": "intervals", "thu": "tempo", "sat": "long"}
    assert list(got) == ["mon", "tue", "thu", "sat"]


def test_parse_runs_is_forgiving_about_spelling() -> None:
    got = parse_runs(" Sunday = Long , wed=hill-repeats, fri=rest, tue= ,")
    assert got == {"wed": "hill_repeats", "sun": "long"}


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("mon=easy,xyz=tempo", "unknown day 'xyz'"),
        ("monkey=easy", "unknown day 'monkey'"),
        ("mon=jogging", "unknown run kind 'jogging' on mon"),
        ("mon=easy,mon=tempo", "mon is given twice"),
        ("mon easy", "expected day=kind"),
    ],
)
def test_parse_runs_errors_name_the_problem(text: str, needle: str) -> None:
    with pytest.raises(ConfigError, match=needle) as err:
        parse_runs(text)
    assert isinstance(err.value, LegdayError)
    if "run kind" in needle:
        assert all(k in str(err.value) for k in RUN_KINDS)


def _history(weeks: int, pattern: dict[int, list[str]], end: date) -> list[tuple[date, str]]:
    """``pattern[weekday]`` lists the kind per week (oldest first; "" = no run)."""
    out = []
    monday = end - timedelta(days=end.weekday()) - timedelta(weeks=weeks - 1)
    for w in range(weeks):
        for weekday, kinds in pattern.items():
            kind = kinds[w]
            if kind:
                out.append((monday + timedelta(weeks=w, days=weekday), kind))
    return out


def test_infer_run_week_takes_the_most_common_kind() -> None:
    end = date(2026, 11, 29)  # a Sunday
    recent = _history(
        4,
        {
            0: ["easy", "easy", "recovery", "easy"],
            1: ["intervals", "tempo", "intervals", "intervals"],
            3: ["easy", "", "", ""],  # one run in four weeks: still a rest day
            5: ["long", "long", "long", ""],
        },
        end,
    )
    assert infer_run_week(recent) == {"mon": "easy", "tue": "intervals", "sat": "long"}


def test_infer_run_week_tie_break_hard_then_long_then_easy() -> None:
    end = date(2026, 11, 29)
    recent = _history(
        4,
        {
            1: ["tempo", "easy", "tempo", "easy"],  # hard beats easy
            2: ["long", "easy", "long", "easy"],  # long beats easy
            4: ["intervals", "long", "intervals", "long"],  # hard beats long
            6: ["easy", "", "easy", ""],  # easy beats rest
        },
        end,
    )
    assert infer_run_week(recent) == {
        "tue": "tempo",
        "wed": "long",
        "fri": "intervals",
        "sun": "easy",
    }


def test_infer_run_week_ignores_older_history_and_takes_today() -> None:
    end = date(2026, 11, 29)
    old = [(end - timedelta(days=60 + i), "tempo") for i in range(14)]
    recent = _history(4, {2: ["easy"] * 4}, end)
    assert infer_run_week(old + recent) == {"wed": "easy"}
    # Seen from eight weeks later nothing is recent.
    assert infer_run_week(recent, today=end + timedelta(weeks=8)) == {}
    assert infer_run_week([]) == {}
    with pytest.raises(ConfigError, match="unknown run kind 'swim'"):
        infer_run_week([(end, "swim")])
