"""One synthetic run: program → simulation → device recording → Activity plus ground truth."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from legday.model import Activity, Source
from legday.settings import Settings
from legday.synth.athlete import SyntheticAthlete
from legday.synth.device import Device
from legday.synth.recording import Recorded, record
from legday.synth.simulate import Course, simulate
from legday.synth.truth import Block, Segment, Truth
from legday.synth.workouts import Program, build_program

__all__ = ["SyntheticRun", "assemble_run", "make_run"]


@dataclass(frozen=True, slots=True)
class SyntheticRun:
    """A generated run: what the device recorded, and what really happened."""

    activity: Activity
    truth: Truth
    device: Device


def make_run(
    kind: str,
    athlete: SyntheticAthlete,
    device: Device,
    start: datetime,
    rng: np.random.Generator,
    **options: Any,
) -> SyntheticRun:
    """Generate one run of ``kind`` (a :class:`~legday.synth.workouts.RunKind` value).

    ``start`` must be timezone-aware. ``options`` are listed in
    :data:`~legday.synth.workouts.OPTIONS` (e.g. ``strides=8``, ``overload=True``, ``reps=6``).
    The result is a function of the arguments and the state of ``rng`` only.
    """
    if start.tzinfo is None:
        raise ValueError("make_run needs a timezone-aware start")
    start = start.astimezone(UTC).replace(microsecond=0)
    program = build_program(kind, athlete, rng, **options)
    course = simulate(program, athlete, rng)
    rec = record(course, program, device, start, athlete.mass_kg, rng)
    return assemble_run(program, course, rec, athlete, device, start)


def assemble_run(
    program: Program,
    course: Course,
    rec: Recorded,
    athlete: SyntheticAthlete,
    device: Device,
    start: datetime,
    *,
    sub_sport: str = "generic",
    extra: Mapping[str, Any] | None = None,
) -> SyntheticRun:
    """The :class:`SyntheticRun` of a simulated, recorded program: the activity as the device
    wrote it and the truth (``extra`` adds facts to :attr:`Truth.extra`)."""
    offset = start.astimezone(ZoneInfo(athlete.time_zone)).utcoffset()
    truth = _truth(program, course, athlete, device)
    if extra:
        truth = replace(truth, extra={**truth.extra, **extra})
    activity = Activity(
        sport="running",
        start=start,
        samples=rec.samples,
        sub_sport=sub_sport,
        utc_offset_s=int(offset.total_seconds()) if offset is not None else None,
        device=device.name,
        source=Source(format="synthetic"),
        laps=rec.laps,
        events=rec.events,
        totals=rec.totals,
        name=_title(start, athlete),
        metadata={"synthetic": True, "athlete": athlete.name},
    )
    return SyntheticRun(activity=activity, truth=truth, device=device)


def _title(start: datetime, athlete: SyntheticAthlete) -> str:
    """A neutral default title, as apps give ("Morning Run"): the truth stays in the sidecar."""
    hour = start.astimezone(ZoneInfo(athlete.time_zone)).hour
    when = "Morning" if hour < 12 else "Afternoon" if hour < 18 else "Evening"
    return f"{when} Run"


def _truth(program: Program, course: Course, athlete: SyntheticAthlete, device: Device) -> Truth:
    bounds = course.bounds.astype(np.float64)
    last = float(course.n - 1)
    ends = np.minimum(bounds[1:], last)
    segments: list[Segment] = []
    for step, a, b in zip(program.steps, bounds[:-1], ends, strict=True):
        merge = step.role in ("steady", "warmup") or step.joins_previous
        if segments and segments[-1].role == step.role and merge:
            segments[-1] = Segment(segments[-1].start_s, float(b), step.role)
        else:
            segments.append(Segment(float(a), float(b), step.role))
    blocks = []
    for index, spec in enumerate(program.blocks):
        work = [i for i, s in enumerate(program.steps) if s.block == index and s.role == "work"]
        rec = [i for i, s in enumerate(program.steps) if s.block == index and s.role == "recovery"]
        # A repetition runs from a work step to the last work step that joins it.
        firsts = [i for i in work if not program.steps[i].joins_previous]
        lasts = [i for i, j in zip(work, [*work[1:], None], strict=True)
                 if j is None or not program.steps[j].joins_previous]  # fmt: skip
        lo = course.bounds[firsts]
        hi = course.bounds[np.array(lasts) + 1]
        dist = course.distance_m[np.minimum(hi, course.n - 1)] - course.distance_m[lo]
        grade = [float(np.mean(course.grade[a:b])) for a, b in zip(lo, hi, strict=True)]
        rec_s = [float(course.bounds[i + 1] - course.bounds[i]) for i in rec]
        blocks.append(
            Block(
                pattern=spec.pattern,
                reps=len(firsts),
                work_s=round(float(np.mean(hi - lo)), 1),
                recovery_s=round(float(np.mean(rec_s)), 1) if rec_s else 0.0,
                work_distance_m=round(float(np.mean(dist)), 1),
                avg_grade_pct=round(100.0 * float(np.mean(grade)), 2),
                intensity=spec.intensity,
                tag=spec.tag,
            )
        )
    ratio = Settings().overload_ratio
    return Truth(
        kind=program.kind.value,
        tags=program.tags,
        segments=tuple(segments),
        blocks=tuple(blocks),
        duration_s=last,
        distance_m=round(float(course.distance_m[-1]), 1),
        overload=last >= ratio * athlete.usual_long_run_s,
        extra={
            "athlete": athlete.name,
            "usual_long_run_s": athlete.usual_long_run_s,
            "device": device.name,
            "noise": device.noise,
            "recording": device.recording,
            "auto_pause": device.auto_pause,
        },
    )
