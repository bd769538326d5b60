"""The recording device: what it measures, how often, how noisily."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

__all__ = ["NOISE_LEVELS", "RECORDINGS", "Device", "Recording"]

Recording = Literal["1s", "smart"]

#: Recording modes: every second, or Garmin-style "smart" recording (a point every 1–7 s).
RECORDINGS: tuple[str, ...] = ("1s", "smart")
#: Noise levels: 0 = clean (a chest strap and a barometer in open sky), 1 = typical wrist watch,
#: 2 = noisy (optical HR with cadence lock, GPS under trees).
NOISE_LEVELS: tuple[int, ...] = (0, 1, 2)


@dataclass(frozen=True, slots=True)
class Device:
    """A recording device's capabilities and flaws."""

    name: str = "legday synthetic watch"
    recording: Recording = "1s"
    has_hr: bool = True
    has_gps: bool = True
    has_baro: bool = True
    has_cadence: bool = True
    has_power: bool = False
    noise: int = 1
    """0 = clean … 2 = noisy (see :data:`NOISE_LEVELS`)."""
    dropout_rate: float = 0.0
    """Fraction of samples lost to sensor dropouts (HR, GPS), in runs of several seconds."""
    auto_pause: bool = False
    """Stop the timer (and recording) while the runner stands still."""
    structured_laps: bool = True
    """Lap at each workout step (a structured workout); otherwise auto-lap by distance."""
    auto_lap_m: float = 1000.0
    """Auto-lap distance for unstructured runs."""
    legacy_fields: bool = False
    """Write FIT ``speed``/``altitude`` (older watches) instead of ``enhanced_*``."""
    smart_max_gap_s: int = 7
    """Longest gap between points of smart recording, s (Garmin: 1–7 s; some watches 8)."""

    def __post_init__(self) -> None:
        if self.recording not in RECORDINGS:
            raise ValueError(f"recording must be one of {RECORDINGS}, got {self.recording!r}")
        if self.noise not in NOISE_LEVELS:
            raise ValueError(f"noise must be one of {NOISE_LEVELS}, got {self.noise!r}")
        if not 1 <= self.smart_max_gap_s <= 60:
            raise ValueError(f"smart_max_gap_s must be in [1, 60], got {self.smart_max_gap_s}")
        if not 0.0 <= self.dropout_rate < 0.5:
            raise ValueError(f"dropout_rate must be in [0, 0.5), got {self.dropout_rate}")

    @classmethod
    def clean(cls) -> Device:
        """A perfect recorder: 1 s, every sensor, no noise, no dropouts."""
        return cls(name="legday clean recorder", noise=0, has_power=True)

    @classmethod
    def sample(cls, rng: np.random.Generator) -> Device:
        """Draw a varied device: watches, phones, old footpod watches, power meters."""
        preset = int(rng.integers(4))
        noise = int(rng.integers(3))
        dropout = float(rng.choice([0.0, 0.0, 0.005, 0.02]))
        if preset == 0:  # a modern GPS watch with barometer
            return cls(
                name="synthetic gps watch",
                recording="1s" if rng.random() < 0.6 else "smart",
                has_power=bool(rng.random() < 0.4),
                noise=noise,
                dropout_rate=dropout,
                auto_pause=bool(rng.random() < 0.4),
                structured_laps=bool(rng.random() < 0.7),
            )
        if preset == 1:  # an entry-level watch: smart recording, GPS altitude
            return cls(
                name="synthetic entry watch",
                recording="smart",
                has_baro=False,
                noise=noise,
                dropout_rate=dropout,
                auto_pause=bool(rng.random() < 0.5),
                structured_laps=False,
                legacy_fields=True,
            )
        if preset == 2:  # a phone app: GPS, no cadence, often an HR strap
            return cls(
                name="synthetic phone app",
                recording="1s",
                has_hr=bool(rng.random() < 0.6),
                has_baro=False,
                has_cadence=False,
                noise=max(noise, 1),
                dropout_rate=dropout,
                auto_pause=bool(rng.random() < 0.7),
                structured_laps=False,
            )
        # a footpod watch without GPS (treadmill-like: no positions, no altitude)
        return cls(
            name="synthetic footpod watch",
            recording="1s",
            has_gps=False,
            has_baro=False,
            noise=noise,
            dropout_rate=dropout,
            structured_laps=bool(rng.random() < 0.5),
            legacy_fields=True,
        )
