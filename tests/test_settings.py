"""Settings: one object of defaults, overridable from legday.toml."""

from __future__ import annotations

import pytest

from legday.errors import ConfigError
from legday.home import Home
from legday.settings import Settings


def test_defaults_follow_domain() -> None:
    s = Settings()
    assert s.cardio_band_pct_hrmax == (0.50, 0.85)  # R2
    assert s.strength_sessions_per_week == (2, 3)  # R8
    assert s.min_strength_session_min == 15  # R8
    assert s.rep_range == (6, 10) and s.target_rir == (1, 2)  # R7


def test_override_from_toml(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "legday.toml").write_text(
        "[settings]\ncardio_band_pct_hrmax = [0.55, 0.8]\nleg_day_min_hard_sets = 6\n"
    )
    s = Home(tmp_path).settings()
    assert s.cardio_band_pct_hrmax == (0.55, 0.8)
    assert s.leg_day_min_hard_sets == 6


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"nope": 1}, "unknown setting 'nope'"),
        ({"leg_day_min_hard_sets": "four"}, "whole number"),
        ({"cardio_band_pct_hrmax": [0.5]}, "list of 2"),
        ({"overload_ratio": True}, "needs a number"),
    ],
)
def test_bad_settings_are_named(data: dict[str, object], fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment):
        Settings.from_mapping(data)


def test_bad_toml_names_the_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "legday.toml").write_text("[settings\n")
    with pytest.raises(ConfigError, match=r"legday\.toml"):
        Home(tmp_path).settings()


def test_home_and_db_url(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {"LEGDAY_HOME": str(tmp_path)}
    home = Home.resolve(env)
    assert home.path == tmp_path
    assert home.db_url(env=env) == f"sqlite:///{tmp_path}/legday.sqlite"
    assert home.db_url(env={"LEGDAY_DB": "postgresql+psycopg://x"}) == "postgresql+psycopg://x"
    assert home.db_url("sqlite:///other.db", env=env) == "sqlite:///other.db"


def test_classification_thresholds_are_one_table_a_user_can_change() -> None:
    from legday.thresholds import Thresholds

    s = Settings.from_mapping({"classify": {"contrast_on_ratio": 1.2, "contrast_min_reps": 4}})
    assert s.classify.contrast_on_ratio == 1.2 and s.classify.contrast_min_reps == 4
    assert s.classify.contrast_ratio == Thresholds().contrast_ratio
    assert s.to_dict()["classify"]["contrast_on_ratio"] == 1.2
    with pytest.raises(ConfigError, match=r"classify\.nope"):
        Settings.from_mapping({"classify": {"nope": 1}})
    with pytest.raises(ConfigError, match="table"):
        Settings.from_mapping({"classify": 3})
