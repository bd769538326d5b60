"""The legday home: where settings, the profile and the database live (I/O at the edge).

The home is ``$LEGDAY_HOME`` when set, else the platform's user data folder (platformdirs).
``legday.toml`` in the home holds two tables, both optional::

    [profile]
    hr_max = 188
    available_days = ["mon", "wed", "fri"]

    [settings]
    cardio_band_pct_hrmax = [0.5, 0.85]

The database URL is ``--db`` or ``$LEGDAY_DB``, defaulting to SQLite in the home. Every
variable legday reads is listed in :mod:`legday.config`.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
import tomli_w

from legday.config import DB, HOME
from legday.errors import ConfigError
from legday.model import AthleteProfile
from legday.settings import Settings

__all__ = ["Home", "default_home"]

#: The file in the home that holds the profile and the settings.
CONFIG_NAME = "legday.toml"
#: The default SQLite database file in the home.
DB_NAME = "legday.sqlite"


def default_home(env: Mapping[str, str] | None = None) -> Path:
    """``$LEGDAY_HOME``, else the platform's user data dir for legday."""
    env = os.environ if env is None else env
    if env.get(HOME.name):
        return Path(env[HOME.name]).expanduser()
    return Path(platformdirs.user_data_dir("legday", appauthor=False))


@dataclass(frozen=True, slots=True)
class Home:
    """A legday home folder and what is stored in it."""

    path: Path

    @classmethod
    def resolve(cls, env: Mapping[str, str] | None = None) -> Home:
        return cls(default_home(env))

    @property
    def config_path(self) -> Path:
        return self.path / CONFIG_NAME

    def db_url(self, explicit: str | None = None, env: Mapping[str, str] | None = None) -> str:
        """``explicit`` (``--db``), else ``$LEGDAY_DB``, else SQLite in the home."""
        env = os.environ if env is None else env
        if explicit:
            return explicit
        if env.get(DB.name):
            return env[DB.name]
        return f"sqlite:///{self.path / DB_NAME}"

    def _read_config(self) -> dict[str, Any]:
        path = self.config_path
        if not path.exists():
            return {}
        try:
            with path.open("rb") as fh:
                return tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc

    def _write_config(self, data: dict[str, Any]) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        tmp = self.config_path.with_suffix(".toml.tmp")
        tmp.write_text(tomli_w.dumps(data), encoding="utf-8")
        tmp.replace(self.config_path)

    def settings(self) -> Settings:
        """The defaults, overridden by ``[settings]`` in legday.toml."""
        table = self._read_config().get("settings", {})
        if not isinstance(table, dict):
            raise ConfigError(f"{self.config_path}: [settings] must be a table")
        try:
            return Settings.from_mapping(table)
        except ConfigError as exc:
            raise ConfigError(f"{self.config_path}: {exc}") from None

    def profile(self) -> AthleteProfile:
        """The athlete profile from ``[profile]`` in legday.toml (defaults when absent)."""
        table = self._read_config().get("profile", {})
        if not isinstance(table, dict):
            raise ConfigError(f"{self.config_path}: [profile] must be a table")
        try:
            return AthleteProfile.from_dict(table)
        except ConfigError as exc:
            raise ConfigError(f"{self.config_path}: {exc}") from None

    def save_profile(self, profile: AthleteProfile) -> None:
        data = self._read_config()
        data["profile"] = {k: v for k, v in profile.to_dict().items() if v is not None}
        self._write_config(data)
