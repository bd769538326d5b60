"""A coach's checklist over generated blocks (issue 15): every session passes the per-session
checklist, the main lifts stay the same through the block and never go backwards."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legday.model import EQUIPMENT, WEEKDAYS, AthleteProfile, Race
from legday.plan import RUN_KINDS, plan_block
from legday.plan.placement import LIFT_HOUR, RUN_HOUR, RUN_MIN
from legday.plan.result import Block, Plan
from legday.settings import Settings
from legday.week.rules import legs_after_race_h
from test_plan_sessions import CATALOG, coach_checklist, examples

S = Settings()
START = date(2026, 11, 30)


def races_honoured(plans: Sequence[Plan], races: Sequence[Race]) -> None:
    """Issue 15's races, judged from the dates alone: the race is on the plan; no lifting the
    day before it; no hard legs for 48–144 h after it, by distance; a race week holds at most
    two sessions, its legs at the race-week dose (one more rep in reserve)."""
    lifts = [(d.date, s) for p in plans for d, s in p.strength_sessions]
    days = {d.date: d for p in plans for d in p.days}
    for race in races:
        if race.day in days:
            assert [s.kind for s in days[race.day].sessions] == ["race"], race
        km = race.distance_km if race.distance_km is not None else S.default_race_km
        after_h = legs_after_race_h(km, S)
        race_end = RUN_HOUR + RUN_MIN / 60.0
        for day, s in lifts:
            assert day != race.day - timedelta(days=1) and day != race.day, (race, day)
            gap_h = (day - race.day).days * 24 + LIFT_HOUR - race_end
            assert not (s.lower_body and 0 <= gap_h < after_h), (race, day, gap_h)
    for plan in plans:
        if not any(r.day in {d.date for d in plan.days} for r in races):
            continue
        assert len(plan.strength_sessions) <= S.race_week_max_sessions
        for _, s in plan.strength_sessions:
            for e in s.exercises:
                if e.region == "lower" and e.hard and e.rir is not None:
                    assert e.rir == S.target_rir[1] + 1, e


def main_lift_track(block: Block) -> dict[str, list[tuple[int, int, float, bool, int]]]:
    """Each main lift's (rung, unknown-load steps, load, slow, reps) over the normal weeks,
    following its ladder."""
    rung: dict[str, tuple[str, int]] = {}  # key → (chain head, rung index)
    for e in CATALOG:
        if e.harder:
            head, i = rung.get(e.key, (e.key, 0))
            rung.setdefault(e.key, (head, i))
            rung[e.harder] = (head, i + 1)
    track: dict[str, list[tuple[int, int, float, bool, int]]] = {}
    added: dict[str, int] = {}
    for i, plan in enumerate(block.plans):
        if i in block.deload_weeks or i in block.race_weeks:
            continue
        seen = set()
        for _, s in plan.strength_sessions:
            for e in s.exercises:
                skip = e.region != "lower" or not e.hard or e.dosing in ("activation", "hold")
                if skip or e.key in seen:
                    continue
                seen.add(e.key)
                head, idx = rung.get(e.key, (e.key, 0))
                if e.guide and e.guide.startswith("last week's load + the smallest step"):
                    added[head] = added.get(head, 0) + 1  # a step added to a load not logged
                step = (idx, added.get(head, 0), e.load_kg or 0.0, e.slow, e.reps)
                track.setdefault(head, []).append(step)
    return track


@given(
    runs=st.dictionaries(st.sampled_from(WEEKDAYS), st.sampled_from(RUN_KINDS), max_size=5),
    kit=st.sets(st.sampled_from(EQUIPMENT)),
    experience=st.sampled_from(["novice", "intermediate", "advanced"]),
    dumbbells=st.sampled_from([(), (4.0, 8.0, 12.0), (6.0, 10.0)]),
)
@settings(max_examples=examples(20), deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_an_8_week_block_passes_the_coach_checklist(
    runs: dict[str, str], kit: set[str], experience: str, dumbbells: tuple[float, ...]
) -> None:
    runs = {d: k for d, k in runs.items() if k != "race"}
    profile = AthleteProfile(
        equipment=tuple(sorted(kit)),
        experience=experience,  # type: ignore[arg-type]
        dumbbells=dumbbells,
    )
    block = plan_block(8, runs, start=START, profile=profile)
    for plan in block.plans:
        for _, s in plan.strength_sessions:
            coach_checklist(s.exercises, kit)
            for e in s.exercises:
                if e.load_kg is not None and e.equipment == "dumbbells" and dumbbells:
                    assert e.load_kg in dumbbells  # only the dumbbells they own
    for head, steps in main_lift_track(block).items():
        # Each main lift moves forward: a harder rung, more load, a slower lowering or more
        # reps — never back, outside the deload and race weeks.
        for before, after in itertools.pairwise(steps):
            assert after[:4] >= before[:4] or after[0] > before[0], (head, steps)
            if after[:4] == before[:4]:
                assert after[4] >= before[4], (head, steps)
    legs = [
        {e.key for _, s in p.strength_sessions for e in s.exercises if e.region == "lower"}
        for i, p in enumerate(block.plans)
        if i not in block.deload_weeks
    ]
    first = next((w for w in legs if w), set())
    main = {k for k in first if CATALOG.get(k).dosing not in ("activation", "hold")}
    assert len(main) <= 2 * 5


@given(
    runs=st.dictionaries(
        st.sampled_from(WEEKDAYS), st.sampled_from([k for k in RUN_KINDS if k != "race"])
    ),
    offset=st.integers(min_value=-6, max_value=55),
    km=st.sampled_from([None, 5.0, 10.0, 21.1, 42.2]),
    kit=st.sets(st.sampled_from(EQUIPMENT)),
    available=st.sets(st.sampled_from(WEEKDAYS), min_size=2),
)
@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_block_toward_a_race_honours_it_and_passes_the_checklist(
    runs: dict[str, str], offset: int, km: float | None, kit: set[str], available: set[str]
) -> None:
    race = Race(START + timedelta(days=offset), km)
    profile = AthleteProfile(equipment=tuple(sorted(kit)), available_days=tuple(available))
    block = plan_block(6, runs, start=START, profile=profile, races=[race])
    races_honoured(block.plans, [race])
    for plan in block.plans:
        for _, s in plan.strength_sessions:
            coach_checklist(s.exercises, kit)
