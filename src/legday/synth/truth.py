"""Ground truth for a synthetic run: what was really done, second by second.

The truth is what a perfect detector would report. It is written next to every synthetic file as
``<file>.truth.json`` and is what the classification benchmark scores against.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["ROLES", "Block", "Role", "Segment", "Truth"]

Role = Literal["warmup", "work", "recovery", "steady", "cooldown"]

#: The roles a truth segment may have (the brief's vocabulary, shared with the benchmark).
ROLES: tuple[str, ...] = ("warmup", "work", "recovery", "steady", "cooldown")


@dataclass(frozen=True, slots=True)
class Segment:
    """A span of the run with one role, in seconds from the activity start (elapsed time)."""

    start_s: float
    end_s: float
    role: Role

    def to_dict(self) -> dict[str, Any]:
        return {"start_s": self.start_s, "end_s": self.end_s, "role": self.role}


@dataclass(frozen=True, slots=True)
class Block:
    """A group of repetitions of the same effort (e.g. ``6x400m`` intervals).

    ``work_s``, ``recovery_s``, ``work_distance_m`` and ``avg_grade_pct`` are means over the
    block's repetitions as they happened in the simulated stream, not the nominal targets that
    ``pattern`` names. ``recovery_s`` is 0 for a single effort (a race, a continuous tempo).
    """

    pattern: str
    reps: int
    work_s: float
    recovery_s: float
    work_distance_m: float
    avg_grade_pct: float
    intensity: str
    """What the efforts were: ``stride``, ``sprint``, ``interval``, ``tempo``, ``hill``,
    ``fartlek`` or ``race``."""
    tag: str = ""
    """The run kind this block stands for, as used in :attr:`Truth.tags` (``strides``,
    ``intervals``, ``hill_repeats``…)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "pattern": self.pattern,
            "reps": self.reps,
            "work_s": self.work_s,
            "recovery_s": self.recovery_s,
            "work_distance_m": self.work_distance_m,
            "avg_grade_pct": self.avg_grade_pct,
            "intensity": self.intensity,
            "tag": self.tag,
        }


@dataclass(frozen=True, slots=True)
class Truth:
    """What a synthetic run really was."""

    kind: str
    """A :class:`~legday.synth.workouts.RunKind` value (``strides`` runs are ``easy``)."""
    tags: tuple[str, ...]
    """Sorted extra features: ``strides``, ``tempo``, ``hills``…"""
    segments: tuple[Segment, ...]
    blocks: tuple[Block, ...]
    duration_s: float
    """Elapsed time, first to last second, pauses included."""
    distance_m: float
    """The true distance (a device reads it with its own calibration error)."""
    overload: bool
    """R4: the run is much longer than the athlete's usual long run."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Free facts for the benchmark (athlete name, device, noise level…)."""

    @property
    def reps(self) -> int:
        """All work repetitions over every block."""
        return sum(b.reps for b in self.blocks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "tags": list(self.tags),
            "segments": [s.to_dict() for s in self.segments],
            "blocks": [b.to_dict() for b in self.blocks],
            "reps": self.reps,
            "duration_s": self.duration_s,
            "distance_m": self.distance_m,
            "overload": self.overload,
            **({"extra": dict(self.extra)} if self.extra else {}),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Truth:
        """Rebuild a truth from :meth:`to_dict` output (e.g. a ``.truth.json`` sidecar)."""
        return cls(
            kind=str(data["kind"]),
            tags=tuple(data["tags"]),
            segments=tuple(
                Segment(float(s["start_s"]), float(s["end_s"]), s["role"]) for s in data["segments"]
            ),
            blocks=tuple(
                Block(
                    pattern=str(b["pattern"]),
                    reps=int(b["reps"]),
                    work_s=float(b["work_s"]),
                    recovery_s=float(b["recovery_s"]),
                    work_distance_m=float(b["work_distance_m"]),
                    avg_grade_pct=float(b["avg_grade_pct"]),
                    intensity=str(b["intensity"]),
                    tag=str(b.get("tag", "")),
                )
                for b in data["blocks"]
            ),
            duration_s=float(data["duration_s"]),
            distance_m=float(data["distance_m"]),
            overload=bool(data["overload"]),
            extra=dict(data.get("extra", {})),
        )
