"""Evidence beyond speed: the athlete's words, the sub-sport, Strava's workout type and a
multisport file's legs, weighed against the recording."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from legday.analysis import HistorySummary, RunKind, analyze
from legday.analysis.evidence import gather, words_of
from legday.model import Activity, AthleteProfile, Source
from test_analysis_contrast import EASY, _hr_follow, _session
from test_analysis_support import activity, piecewise

PROFILE = AthleteProfile(hr_max=190, hr_rest=50, lthr=170, sex="f")


def _named(a: Activity, name: str | None = None, file: str | None = None, **meta: str) -> Activity:
    source = Source(format="fit", name=file) if file else a.source
    return dataclasses.replace(a, name=name, source=source, metadata={**a.metadata, **meta})


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Tuesday_Fartlek", "tuesday fartlek"),
        ("10kUNLP2014-Garmin15", "10k unlp 2014 garmin 15"),
        ("activity_17191864852-slow-10k", "activity 17191864852 slow 10k"),
    ],
)
def test_words_split_camel_case_digits_and_punctuation(text: str, words: str) -> None:
    assert words_of(text) == words


def _steady(seconds: float = 2400.0, speed: float = 4.17) -> Activity:
    return activity(piecewise([(seconds, speed)]))


def test_a_race_distance_in_the_name_is_a_race_only_when_run_and_not_easy() -> None:
    run = _steady()  # 10.0 km
    assert gather(_named(run, file="10kUNLP2014-Garmin15.fit")).race
    assert not gather(_named(run, file="activity_1234-slow-10k.tcx")).race  # "slow"
    assert not gather(_named(run, "Recife Antigo - 12km livre")).race  # no race distance
    assert not gather(_named(_steady(1200.0), "10k")).race  # 5 km covered, not 10
    assert gather(_named(_steady(600.0), "Saturday parkrun")).race  # a race word proper
    # the file's name speaks only when the activity has none of its own
    assert not gather(_named(run, "Morning Run", file="10kUNLP2014.fit")).race


def test_a_triathlon_run_leg_is_raced_and_strava_workout_type_counts() -> None:
    leg = dataclasses.replace(_steady(), metadata={"multisport": "swimming,cycling,running"})
    result = analyze(leg, PROFILE)
    assert result.kind is RunKind.RACE and "triathlon" in " ".join(result.reasons)
    assert gather(_named(_steady(), workout_type="1")).race
    assert gather(_named(_steady(), workout_type="3")).kinds == (RunKind.INTERVALS,)


def test_the_athletes_word_names_a_sibling_pattern() -> None:
    # regular reps with floated recoveries read as intervals; the athlete called it a fartlek
    speed = _session(1.3 * EASY, EASY, 6, 90.0, 90.0)
    plain = activity(speed, _hr_follow(speed))
    assert analyze(plain, PROFILE).kind is RunKind.INTERVALS
    named = analyze(_named(plain, "Tuesday Fartlek"), PROFILE)
    assert named.kind is RunKind.FARTLEK and named.confidence >= 0.9
    assert all(b.pattern is RunKind.FARTLEK for b in named.blocks)


def test_words_without_a_recording_that_shows_them_win_with_low_confidence() -> None:
    result = analyze(_named(_steady(), "6x800 on the treadmill"), PROFILE)
    assert result.kind is RunKind.INTERVALS and result.confidence <= 0.6
    assert any("no clear work blocks" in r for r in result.reasons)
    assert analyze(_steady(), PROFILE).confidence == pytest.approx(0.8)


def test_a_race_name_does_not_outrank_a_structured_session() -> None:
    speed = _session(1.3 * EASY, 0.8 * EASY, 6, 180.0, 120.0)
    session = activity(speed, _hr_follow(speed))
    result = analyze(_named(session, "10k race prep"), PROFILE)
    assert result.kind is RunKind.INTERVALS


def test_on_a_track_set_reps_are_intervals_not_fartlek() -> None:
    work = 1.28 * EASY
    parts = [(600.0, EASY)]
    for seconds in (45.0, 90.0, 60.0, 120.0, 75.0, 100.0):
        parts += [(seconds, work), (90.0, EASY)]
    speed = piecewise([*parts[:-1], (600.0, EASY)])
    road = activity(speed, _hr_follow(speed))
    assert analyze(road, PROFILE).kind is RunKind.FARTLEK
    track = analyze(dataclasses.replace(road, sub_sport="track"), PROFILE)
    assert track.kind is RunKind.INTERVALS
    assert np.isfinite(track.confidence)


def test_analyze_explain_says_why_and_where_to_change_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from legday.cli import app
    from legday.synth import Device, SyntheticAthlete, make_run, write_fit

    monkeypatch.setenv("LEGDAY_HOME", str(tmp_path / "home"))
    rng = np.random.default_rng(3)
    start = datetime(2026, 5, 7, 7, 0, tzinfo=UTC)
    run = make_run("intervals", SyntheticAthlete.sample(rng), Device.sample(rng), start, rng)
    path = tmp_path / "Thursday_6x800.fit"
    path.write_bytes(write_fit(dataclasses.replace(run.activity, name=None)))
    out = CliRunner().invoke(app, ["analyze", str(path), "--explain"], terminal_width=200)
    assert out.exit_code == 0, out.output
    assert "Why this kind" in out.output and "confidence" in out.output
    assert "the file name says intervals" in out.output
    assert "[settings.classify]" in out.output and "contrast_on_ratio" in out.output


def _history(speed: float, n: int = 8) -> list[HistorySummary]:
    start = datetime(2026, 4, 1, 7, 0, tzinfo=UTC)
    return [
        HistorySummary(start + timedelta(days=2 * i), 2400.0, 2400.0 * speed, "easy", None)
        for i in range(n)
    ]


def test_a_race_from_the_gun_with_a_finishing_kick_is_a_race() -> None:
    # no warm-up in the file: 10 km at threshold from the gun, a 30-s kick at the end; the
    # "easy" pace the file offers is the race pace itself, so only the kick looks like work
    race = piecewise([(2400.0, 4.2), (30.0, 5.6)])
    hr = np.minimum(150.0 + np.arange(race.size) / 20.0, 172.0)
    result = analyze(activity(race, hr), PROFILE, _history(3.3))
    assert result.kind is RunKind.RACE and result.tags == (RunKind.RACE,)


def test_a_hot_easy_run_near_threshold_heart_rate_is_still_easy() -> None:
    # heart rate drifts up to threshold on a hot day, at the athlete's usual easy pace
    easy = piecewise([(3000.0, 3.3)])
    hr = 140.0 + np.arange(easy.size) / 3000.0 * 35.0
    result = analyze(activity(easy, hr), PROFILE, _history(3.3))
    assert result.kind is not RunKind.RACE, result.reasons


def test_analyze_says_where_lthr_came_from_and_when_hr_max_is_too_low(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from legday.cli import app

    monkeypatch.setenv("LEGDAY_HOME", str(tmp_path / "home"))
    speed = _session(1.3 * EASY, EASY, 5, 240.0, 120.0)
    run = activity(speed, _hr_follow(speed))
    path = tmp_path / "run.fit"
    from legday.synth import write_fit

    path.write_bytes(write_fit(run))
    out = CliRunner().invoke(app, ["analyze", str(path), "--hr-max", "150"], terminal_width=200)
    assert out.exit_code == 0, out.output
    assert "LTHR used" in out.output
    assert "hr_max=" in out.output and "above your HR max of 150" in out.output


def test_an_inferred_race_never_outranks_the_sessions_quality_work() -> None:
    from legday.analysis.evidence import Evidence
    from legday.analysis.patterns import classified
    from legday.analysis.segments import Stretch
    from legday.analysis.weighing import weigh

    def effort(a: int, b: int) -> Stretch:
        return Stretch(a, b, float(a), float(b), 4.0 * (b - a), 4.0, 4.0, 4.0, 160.0, 0.0, 4.2, 0.0)

    race = classified(RunKind.RACE, [effort(0, 1500)], 3.0)
    surges = classified(RunKind.FARTLEK, [effort(1600, 1660), effort(1700, 1790)], 3.0)
    kind, tags, reasons, _, blocks = weigh(RunKind.RACE, [], [race, surges], Evidence(), None)
    assert "quality work" in reasons[0]
    assert kind is RunKind.FARTLEK and tags == (RunKind.FARTLEK,)
    assert all(b.pattern is not RunKind.RACE for b in blocks)
    said = Evidence(kinds=(RunKind.RACE,), race=True, reasons=("the name says race",))
    assert weigh(RunKind.RACE, [], [race, surges], said, None)[0] is RunKind.RACE
