"""The canonical cases of the verdict (issue 5), with small synthetic streams and sessions."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from legday.model import ExerciseSet, SetType, StrengthSession
from legday.settings import Settings
from legday.stimulus import (
    MUSCLES,
    RULES,
    Reason,
    RunFacts,
    RunStreams,
    Stimulus,
    Verdict,
    judge_combined,
    judge_other,
    judge_run,
    judge_strength,
)
from legday.strength.catalog import Catalog, load_catalog

SETTINGS = Settings()
START = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)

# --- builders ------------------------------------------------------------------------------

Piece = tuple[float, float, float]  # (seconds, speed m/s, grade fraction)


def streams(*pieces: Piece) -> RunStreams:
    """Per-second streams from (duration, speed, grade) pieces."""
    speed = np.concatenate([np.full(int(d), v) for d, v, _ in pieces])
    grade = np.concatenate([np.full(int(d), g) for d, _, g in pieces])
    return RunStreams(np.arange(speed.size, dtype=float), speed, grade)


def easy_60() -> RunStreams:
    return streams((3600, 2.8, 0.0))


def hill_repeats_8x200() -> RunStreams:
    """15 min warm-up, 8 × 200 m at 8 % (~60 s), jog back down, 15 min cool-down."""
    reps = [p for _ in range(8) for p in ((60, 3.3, 0.08), (90, 2.2, -0.08))]
    return streams((900, 2.8, 0.0), *reps, (900, 2.8, 0.0))


def sprints_10x100() -> RunStreams:
    """10 min warm-up, 10 × 100 m at 7.7 m/s with 2-min walks, 5 min cool-down."""
    reps = [p for _ in range(10) for p in ((13, 7.7, 0.0), (120, 1.3, 0.0))]
    return streams((600, 2.8, 0.0), *reps, (300, 2.8, 0.0))


def lift(exercise: str, sets: int, reps: int, rir: float | None, load: float | None = None):
    return [
        ExerciseSet(exercise, reps=reps, rir=rir, load_kg=load, mapped=True) for _ in range(sets)
    ]


def session(*groups: list[ExerciseSet], duration_s: float | None = 2700) -> StrengthSession:
    return StrengthSession(START, tuple(s for g in groups for s in g), duration_s=duration_s)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def leg_day(catalog: Catalog) -> Verdict:
    return judge_strength(
        session(
            lift("back_squat", 3, 8, 2, 80),
            lift("romanian_deadlift", 3, 8, 2, 70),
            lift("bulgarian_split_squat", 2, 10, 2, 16),
        ),
        catalog,
        SETTINGS,
    )


def top(muscles: dict[str, float], n: int) -> set[str]:
    return set(sorted(MUSCLES, key=lambda m: -muscles[m])[:n])


# --- runs --------------------------------------------------------------------------------


def test_easy_60_min_is_cardio_not_leg_day() -> None:
    v = judge_run(easy_60(), RunFacts(kind="easy", cardio_band_s=3000.0, trimp=72.0), SETTINGS)
    assert v.category == "cardio"
    assert not v.counts_as_leg_day
    assert {"R1", "R2", "R3", "R4"} <= set(v.rules)
    assert v.stimulus.strength == 0.0
    assert v.stimulus.cardio == 72.0
    assert v.stimulus.type2_share < 0.05
    assert v.headline() == (
        "No — a cardio session: 1 h, 83 % of it at 50–85 % of your max heart rate "
        "(R1, R2). It worked your calves and hips, but gave them no strength overload (R4)."
    )


def test_hill_repeats_are_power_with_glutes_hamstrings_calves_highest() -> None:
    v = judge_run(hill_repeats_8x200(), RunFacts(kind="hill_repeats"), SETTINGS)
    assert v.category == "power"
    assert not v.counts_as_leg_day
    assert {"R5", "R6"} <= set(v.rules)
    assert top(v.stimulus.muscles, 4) == {"glutes", "hamstrings", "gastrocnemius", "soleus"}
    assert v.stimulus.strength > 1.0
    easy = judge_run(easy_60(), RunFacts(kind="easy"), SETTINGS)
    assert v.stimulus.strength > easy.stimulus.strength
    assert v.stimulus.muscles["glutes"] > 3 * easy.stimulus.muscles["glutes"]
    assert v.headline().startswith("No — a power session (hill repeats)")
    assert "(R6)" in v.headline()


def test_sprints_are_power_with_a_high_type2_share() -> None:
    v = judge_run(sprints_10x100(), RunFacts(kind="sprints"), SETTINGS)
    hills = judge_run(hill_repeats_8x200(), RunFacts(kind="hill_repeats"), SETTINGS)
    easy = judge_run(easy_60(), RunFacts(kind="easy"), SETTINGS)
    assert v.category == "power"
    assert not v.counts_as_leg_day
    assert v.stimulus.type2_share > 0.25
    assert v.stimulus.type2_share > hills.stimulus.type2_share > easy.stimulus.type2_share
    # hip extensors and hamstrings drive sprinting (Dorn 2012)
    assert top(v.stimulus.muscles, 2) == {"glutes", "hamstrings"}


@pytest.mark.parametrize("kind", ["strides", "intervals", "hill_repeats", "sprints"])
def test_power_kinds_are_never_leg_day(kind: str) -> None:
    v = judge_run(sprints_10x100(), RunFacts(kind=kind), SETTINGS)
    assert (v.category, v.counts_as_leg_day) == ("power", False)
    assert "R6" in v.rules


def test_power_tags_on_a_steady_run_make_it_mixed() -> None:
    v = judge_run(easy_60(), RunFacts(kind="easy", tags=("strides",)), SETTINGS)
    assert v.category == "mixed"
    assert {"R1", "R5", "R6"} <= set(v.rules)
    assert v.headline().startswith("No — an easy run with strides")


def test_fartlek_is_judged_by_its_type2_share() -> None:
    assert judge_run(sprints_10x100(), RunFacts(kind="fartlek"), SETTINGS).category == "power"
    assert judge_run(easy_60(), RunFacts(kind="fartlek"), SETTINGS).category == "cardio"


def test_32_km_for_an_18_km_runner_is_an_r4_overload() -> None:
    long = streams((32000 / 3.1, 3.1, 0.0))
    v = judge_run(long, RunFacts(kind="long", usual_longest_m=18000.0), SETTINGS)
    assert v.category == "cardio"
    assert not v.counts_as_leg_day
    overload = [r for r in v.reasons if r.rule == "R4" and "overload" in r.text]
    assert overload and "18.0 km" in overload[0].text
    assert "R6" in v.rules
    assert "new overload" in v.headline()
    assert "mi" in v.headline("imperial") and "km" not in v.headline("imperial")
    with pytest.raises(ValueError, match="valid: metric, imperial"):
        v.headline("furlongs")  # type: ignore[arg-type]
    usual = judge_run(long, RunFacts(kind="long", usual_longest_m=30000.0), SETTINGS)
    assert not any("new overload" in r.text for r in usual.reasons)


def test_the_analysis_overload_flag_is_honoured() -> None:
    v = judge_run(easy_60(), RunFacts(kind="long", overload=True), SETTINGS)
    assert any(r.rule == "R4" and "overload" in r.text for r in v.reasons)


def test_unknown_run_kinds_are_refused() -> None:
    with pytest.raises(ValueError, match="valid: easy"):
        RunFacts(kind="jog")
    with pytest.raises(ValueError, match="'hills'"):
        RunFacts(tags=("hills",))


def test_no_heart_rate_says_so() -> None:
    v = judge_run(easy_60(), RunFacts(kind="easy"), SETTINGS)
    assert any(r.rule == "R2" and "No heart rate" in r.text for r in v.reasons)
    assert v.stimulus.cardio > 0  # estimated from pace
    assert "10.1 km" in v.headline()


# --- strength --------------------------------------------------------------------------------


def test_squat_rdl_split_squat_at_2_rir_is_leg_day(catalog: Catalog) -> None:
    v = leg_day(catalog)
    assert v.counts_as_leg_day
    assert v.category == "strength"
    m = v.stimulus.muscles
    for big in ("glutes", "quads", "hamstrings"):
        assert m[big] > m["biceps"] and m[big] > m["pectorals"]
    assert m["biceps"] == m["pectorals"] == 0.0
    assert v.headline() == "Yes — a real leg day: 8 hard lower-body sets across 3 exercises (R7)."
    assert "R9" in v.rules  # the Bulgarian split squat is single-leg work


def test_leg_day_outweighs_hill_repeats(catalog: Catalog) -> None:
    """R6: a hill day is not a substitute for lifting; the numbers say so too."""
    hills = judge_run(hill_repeats_8x200(), RunFacts(kind="hill_repeats"), SETTINGS)
    legs = leg_day(catalog)
    assert legs.stimulus.strength > hills.stimulus.strength
    assert legs.stimulus.muscles["glutes"] > hills.stimulus.muscles["glutes"]
    assert legs.stimulus.muscles["quads"] > hills.stimulus.muscles["quads"]


def test_upper_body_only_is_not_leg_day(catalog: Catalog) -> None:
    v = judge_strength(
        session(
            lift("bench_press", 3, 8, 1),
            lift("pull_up", 3, 6, 1),
            lift("overhead_press", 3, 8, 2),
            lift("biceps_curl", 3, 10, 1),
        ),
        catalog,
        SETTINGS,
    )
    assert not v.counts_as_leg_day
    assert v.category == "strength"
    assert "no lower-body exercise" in v.headline()
    assert v.stimulus.muscles["pectorals"] > v.stimulus.muscles["quads"]


def test_bodyweight_squats_far_from_failure_are_muscular_endurance(catalog: Catalog) -> None:
    v = judge_strength(session(lift("bodyweight_squat", 3, 30, 8)), catalog, SETTINGS)
    assert not v.counts_as_leg_day
    assert "muscular endurance" in v.headline()
    assert "8 reps in reserve" in v.reasons[0].text
    assert 0 < v.stimulus.muscles["quads"] < 1.0  # some effort counted, far from a hard set


def test_one_exercise_two_sets_is_not_leg_day(catalog: Catalog) -> None:
    v = judge_strength(session(lift("back_squat", 2, 5, 1, 100)), catalog, SETTINGS)
    assert not v.counts_as_leg_day
    assert v.headline() == (
        "No — only 2 hard lower-body sets across 1 exercise; a leg day needs at least 3 hard "
        "lower-body sets, one of them on a compound lift (R7)."
    )


def test_five_heavy_sets_of_one_compound_lift_are_a_leg_day(catalog: Catalog) -> None:
    """R7: heavy, 1–2 in reserve, fewer reps for maximal strength (issue 14)."""
    v = judge_strength(session(lift("back_squat", 5, 5, 1, 100)), catalog, SETTINGS)
    assert v.counts_as_leg_day


def test_thresholds_come_from_settings(catalog: Catalog) -> None:
    s = session(lift("back_squat", 2, 5, 1, 100))
    easy_rules = SETTINGS.updated({"leg_day_min_hard_sets": 2, "leg_day_min_exercises": 1})
    assert judge_strength(s, catalog, easy_rules).counts_as_leg_day
    strict = SETTINGS.updated({"hard_set_max_rir": 0.0})
    assert not leg_day_with(catalog, strict).counts_as_leg_day


def leg_day_with(catalog: Catalog, settings: Settings) -> Verdict:
    return judge_strength(
        session(lift("back_squat", 3, 8, 2), lift("romanian_deadlift", 3, 8, 2)),
        catalog,
        settings,
    )


def test_warmups_count_for_nothing(catalog: Catalog) -> None:
    warm = [
        ExerciseSet("back_squat", reps=5, rir=0, set_type=SetType.WARMUP, mapped=True)
        for _ in range(6)
    ]
    v = judge_strength(session(warm, lift("deadlift", 1, 5, 1)), catalog, SETTINGS)
    alone = judge_strength(session(lift("deadlift", 1, 5, 1)), catalog, SETTINGS)
    assert not v.counts_as_leg_day
    assert v.stimulus == alone.stimulus


def test_rpe_and_e1rm_judge_sets_without_rir(catalog: Catalog) -> None:
    by_rpe = [ExerciseSet("back_squat", reps=6, rpe=8, mapped=True) for _ in range(3)]
    by_rpe += [ExerciseSet("hip_thrust", reps=8, rpe=8.5, mapped=True) for _ in range(3)]
    assert judge_strength(session(by_rpe), catalog, SETTINGS).counts_as_leg_day
    by_load = session(lift("back_squat", 3, 5, None, 100), lift("deadlift", 3, 5, None, 120))
    unknown = judge_strength(by_load, catalog, SETTINGS)
    assert not unknown.counts_as_leg_day
    assert "no RIR or RPE" in unknown.headline()
    e1rm = {"back_squat": 120.0, "deadlift": 140.0}
    assert judge_strength(by_load, catalog, SETTINGS, e1rm).counts_as_leg_day


def test_strength_file_without_sets(catalog: Catalog) -> None:
    v = judge_strength(session(duration_s=1400), catalog, SETTINGS)
    assert (v.category, v.counts_as_leg_day) == ("strength", False)
    assert v.reasons[0].rule == "R7" and "sets are unknown" in v.reasons[0].text
    w = judge_other("training", 1400, SETTINGS, sub_sport="strength_training")
    assert (w.category, w.counts_as_leg_day) == ("strength", False)
    assert "sets are unknown" in w.reasons[0].text


def test_unknown_exercises_are_named(catalog: Catalog) -> None:
    odd = [ExerciseSet("Zercher Wobble", reps=8, rir=1) for _ in range(4)]
    v = judge_strength(session(odd, lift("back_squat", 2, 5, 1)), catalog, SETTINGS)
    assert any("Zercher Wobble" in r.text for r in v.reasons)
    assert not v.counts_as_leg_day


# --- other sports (R12) and combined files ----------------------------------------------------


def test_indoor_cycling_is_cardio_with_quads_first() -> None:
    v = judge_other("cycling", 2700, SETTINGS, sub_sport="indoor_cycling", cardio_band_s=2200)
    assert (v.category, v.counts_as_leg_day) == ("cardio", False)
    assert "R12" in v.rules and "R2" in v.rules
    assert top(v.stimulus.muscles, 1) == {"quads"}
    assert v.headline().startswith("No — an indoor cycling session, cardio")


@pytest.mark.parametrize(
    ("sport", "sub", "category"),
    [
        ("rowing", None, "cardio"),
        ("fitness_equipment", "indoor_rowing", "cardio"),
        ("swimming", "lap_swimming", "cardio"),
        ("hiking", None, "cardio"),
        ("walking", None, "other"),
        ("volleyball", None, "other"),
    ],
)
def test_other_sports(sport: str, sub: str | None, category: str) -> None:
    v = judge_other(sport, 1800, SETTINGS, sub_sport=sub)
    assert (v.category, v.counts_as_leg_day) == (category, False)
    assert v.reasons[0].rule == "R12"
    assert set(MUSCLES) <= set(v.stimulus.muscles)


def test_heart_rate_decides_cardio_for_other_sports() -> None:
    assert judge_other("walking", 3600, SETTINGS, cardio_band_s=3000).category == "cardio"
    assert judge_other("cycling", 3600, SETTINGS, cardio_band_s=300).category == "other"


def test_run_then_lifting_is_judged_by_its_parts(catalog: Catalog) -> None:
    run = judge_run(streams((1260, 2.6, 0.0)), RunFacts(kind="easy"), SETTINGS)
    legs = leg_day(catalog)
    v = judge_combined([run, legs])
    assert v.counts_as_leg_day
    assert v.category == "mixed"
    assert v.parts == (run, legs)
    assert len(v.reasons) == len(run.reasons) + len(legs.reasons)
    assert v.reasons[0].text.startswith("Easy run: ")
    for m in MUSCLES:
        assert v.stimulus.muscles[m] == pytest.approx(
            run.stimulus.muscles[m] + legs.stimulus.muscles[m]
        )
    lo, hi = sorted([run.stimulus.type2_share, legs.stimulus.type2_share])
    assert lo <= v.stimulus.type2_share <= hi
    assert v.headline().startswith("Yes — a real leg day")
    assert "Also: easy run, 21 min: cardio (R1, R2)." in v.headline()
    upper = judge_strength(session(lift("bench_press", 3, 8, 1)), catalog, SETTINGS)
    assert not judge_combined([run, upper]).counts_as_leg_day
    with pytest.raises(ValueError):
        judge_combined([])


# --- the result types -------------------------------------------------------------------------


def test_to_dict_has_exactly_the_documented_shape(catalog: Catalog) -> None:
    d = leg_day(catalog).to_dict()
    assert list(d) == ["verdict"]
    assert set(d["verdict"]) == {"counts_as_leg_day", "category", "reasons", "stimulus"}
    stimulus = d["verdict"]["stimulus"]
    assert set(stimulus) == {"cardio", "strength", "type2_share", "muscles", "layers"}
    assert set(MUSCLES) <= set(stimulus["muscles"])
    assert set(stimulus["layers"]) == {"strength", "endurance"}  # issue 14: two body-map layers
    assert all(list(layer) == list(stimulus["muscles"]) for layer in stimulus["layers"].values())
    assert all(set(r) == {"rule", "text"} for r in d["verdict"]["reasons"])
    assert d["verdict"]["counts_as_leg_day"] is True


def test_reasons_cite_known_rules_only() -> None:
    with pytest.raises(ValueError, match="unknown rule"):
        Reason("R99", "nope")
    assert set(RULES) == {f"R{i}" for i in range(1, 13)}


def test_stimulus_and_verdict_validate() -> None:
    with pytest.raises(ValueError, match="type2_share"):
        Stimulus(0.0, 0.0, 1.5, {})
    with pytest.raises(ValueError, match="category"):
        Verdict(False, "yoga", [], Stimulus(0.0, 0.0, 0.0, {}))  # type: ignore[arg-type]
