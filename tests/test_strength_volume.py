"""Hard sets, weekly sets per muscle, volume load."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from legday.model import ExerciseSet, SetType, StrengthSession
from legday.settings import Settings
from legday.strength.catalog import ALL_MUSCLES, MUSCLES, Catalog, load_catalog
from legday.strength.volume import (
    hard_sets_per_muscle,
    is_hard_set,
    set_volume_load,
    volume_load,
    weekly_hard_sets,
)

S = Settings()


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def _set(**kw: object) -> ExerciseSet:
    base: dict[str, object] = {"exercise": "back_squat", "reps": 8, "load_kg": 80.0, "mapped": True}
    base.update(kw)
    return ExerciseSet(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kw", "e1rm", "hard"),
    [
        ({"rir": 3.0}, None, True),
        ({"rir": 4.0}, None, False),
        ({"rpe": 7.0}, None, True),
        ({"rpe": 6.5}, None, False),
        ({"rir": 0.0, "set_type": SetType.WARMUP}, None, False),  # warm-ups never count
        ({"set_type": SetType.FAILURE}, None, True),
        ({"set_type": SetType.DROP}, None, True),
        ({}, None, False),  # effort unknown, no e1RM: not counted
        # 8 reps at 80 kg with an e1RM of 105 kg: ~9.4 reps possible → ~1.4 in reserve: hard.
        ({}, 105.0, True),
        # … with an e1RM of 110 kg: ~11.25 possible → ~3.25 in reserve: just not hard.
        ({}, 110.0, False),
        # 3 reps at 80 kg with an e1RM of 105 kg: ~6.4 in reserve: not hard.
        ({"reps": 3}, 105.0, False),
        # 8 reps at 50 kg (45 % of e1RM) is too light to count.
        ({"load_kg": 50.0}, 110.0, False),
        ({"rir": 5.0}, 82.0, False),  # an explicit RIR wins over the e1RM estimate
    ],
)
def test_is_hard_set(kw: dict[str, object], e1rm: float | None, hard: bool) -> None:
    assert is_hard_set(_set(**kw), S, e1rm) is hard


def test_thresholds_come_from_settings() -> None:
    strict = S.updated({"hard_set_max_rir": 1.0, "hard_set_min_rpe": 9.0})
    assert is_hard_set(_set(rir=2.0), S) and not is_hard_set(_set(rir=2.0), strict)
    assert is_hard_set(_set(rpe=8.0), S) and not is_hard_set(_set(rpe=8.0), strict)


def test_per_muscle_counts_primary_one_and_secondary_half(catalog: Catalog) -> None:
    sets = [_set(rir=2.0)] * 3 + [_set(exercise="side_plank", rir=1.0, reps=None)]
    counts = hard_sets_per_muscle(sets, catalog, S)
    assert list(counts) == list(ALL_MUSCLES)
    assert set(MUSCLES) <= set(counts)
    squat = catalog.get("back_squat")
    for muscle in squat.primary:
        assert counts[muscle] == 3.0
    assert counts["hamstrings"] == 1.5  # squat secondary
    assert counts["obliques"] == 1.0  # side plank primary
    assert counts["abdominals"] == 1.5 + 0.5  # squat and side plank secondary
    assert counts["biceps"] == 0.0


def test_per_muscle_ignores_unmapped_and_easy_sets(catalog: Catalog) -> None:
    sets = [
        ExerciseSet(exercise="Zorbing", reps=10, rir=1.0),
        _set(rir=6.0),
        _set(rir=1.0, set_type=SetType.WARMUP),
    ]
    assert sum(hard_sets_per_muscle(sets, catalog, S).values()) == 0


def test_weekly_buckets_by_local_monday(catalog: Catalog) -> None:
    def session(day: int, hour: int, offset: int) -> StrengthSession:
        return StrengthSession(
            start=datetime(2025, 9, day, hour, tzinfo=UTC),
            sets=(_set(rir=2.0),),
            utc_offset_s=offset,
        )

    # Sunday 23:00 UTC is already Monday in Berlin (+2 h): a new week there.
    weeks = weekly_hard_sets(
        [session(14, 23, 7200), session(14, 12, 7200), session(10, 8, 0)], catalog, S
    )
    assert [w.isoformat() for w in weeks] == ["2025-09-08", "2025-09-15"]
    assert weeks[min(weeks)]["quads"] == 2.0
    assert weeks[max(weeks)]["quads"] == 1.0


def test_volume_load() -> None:
    assert set_volume_load(_set()) == 640.0
    assert set_volume_load(_set(per_hand=True, load_kg=12.0, reps=10)) == 240.0
    assert set_volume_load(_set(load_kg=None)) == 0.0
    sets = [_set(), _set(set_type=SetType.WARMUP), _set(reps=None, duration_s=30.0)]
    assert volume_load(sets) == 640.0
