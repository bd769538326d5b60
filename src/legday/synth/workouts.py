"""Kinds of run as programs of steps (warm-up, work, recovery, steady, cool-down).

A program is what the runner meant to do; :mod:`legday.synth.runs` turns it into what happened.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from legday.model import RunKind
from legday.synth.athlete import SyntheticAthlete
from legday.synth.physiology import grade_speed_factor
from legday.synth.terrain import HillSpec
from legday.synth.truth import Role

__all__ = ["KINDS", "OPTIONS", "BlockSpec", "Program", "RunKind", "Step", "build_program"]


#: Options ``make_run`` understands, with their meaning.
OPTIONS: Mapping[str, str] = {
    "duration_s": "length of the main part of an easy, recovery or long run, s",
    "strides": "number of strides after an easy run (0 = none)",
    "overload": "make a long run 1.5–1.75× the usual long run (R4)",
    "reps": "repetitions of the main block",
    "rep_distance_m": "distance of each work repetition, m",
    "grade": "hill-repeat grade as a fraction (0.05–0.10)",
    "race_distance_m": "race distance, m",
    "standing_recovery": "stand still in recoveries (True/False)",
}

#: Acceleration time constant for normal running, s (speed changes over ~5–10 s).
ACCEL_TAU_S = 2.5
#: Acceleration time constant for sprints and strides, s (top speed reached in ~4–6 s).
SPRINT_ACCEL_TAU_S = 1.3
#: Walking speed in walked recoveries, m/s.
WALK_SPEED_MPS = 1.3
#: Interval pace over threshold pace by rep length (≈ 3-km to 5-km race pace; Daniels' I pace).
_INTERVAL_PACE = {400: 1.18, 800: 1.13, 1000: 1.10, 1200: 1.08}
#: Race pace over threshold pace by distance (Riegel-like fade: 5 k ≈ 106 %, HM ≈ 95 %).
_RACE_PACE = {5000.0: 1.06, 10000.0: 1.0, 21097.5: 0.95}


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a program. ``effort_mps`` is the flat-ground speed of the intended effort."""

    role: Role
    effort_mps: float
    duration_s: float
    block: int | None = None
    direction: int = 1
    """+1 out along the route, −1 back (hill-repeat descents, the way home)."""
    fixed_grade: float | None = None
    """The designed grade of this step in the direction of travel (hill repeats)."""
    lap_intensity: str = "active"
    """FIT lap intensity: warmup, active, recovery, rest, cooldown."""
    accel_tau_s: float = ACCEL_TAU_S
    joins_previous: bool = False
    """A work step that continues the previous one as the same repetition (the 200 m after a
    float inside "400 m, 50 s float, 200 m"): the athlete counts one rep, not two."""


@dataclass(frozen=True, slots=True)
class BlockSpec:
    """A named group of work repetitions; measured values are filled in after the simulation."""

    pattern: str
    intensity: str
    tag: str
    """The run kind this block stands for (``strides``, ``tempo``…), used as a truth tag."""


@dataclass(slots=True)
class Program:
    """What the runner means to do."""

    kind: RunKind
    steps: list[Step] = field(default_factory=list)
    blocks: list[BlockSpec] = field(default_factory=list)
    hill: HillSpec | None = None
    loop: bool = True
    climbs: int = 0
    overload: bool = False
    structured: bool = True
    """A structured workout (laps per step); easy and long runs are not."""
    approach: HillSpec | None = None
    """A climb on the way to the hill of a hill session, run easily: not a repetition."""
    indoor: bool = False
    """A treadmill or indoor track: flat ground, no climbs."""

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(sorted({b.tag for b in self.blocks}))

    def add(self, step: Step) -> None:
        if step.duration_s >= 1.0:
            self.steps.append(step)

    def add_reps(
        self,
        spec: BlockSpec,
        reps: int,
        work: Callable[[int], Step],
        recovery: Callable[[int], Step] | None,
        *,
        trailing_recovery: bool = False,
    ) -> None:
        """Append ``reps`` work steps with a recovery between each two, and after the last one
        too when ``trailing_recovery`` (e.g. the last jog down a hill)."""
        self.blocks.append(spec)
        for i in range(reps):
            self.add(work(i))
            if recovery is not None and (trailing_recovery or i < reps - 1):
                self.add(recovery(i))


def _opt(options: Mapping[str, Any], key: str, default: Any) -> Any:
    return options[key] if options.get(key) is not None else default


def _jog(athlete: SyntheticAthlete, rng: np.random.Generator) -> float:
    return athlete.easy_speed_mps * float(rng.uniform(0.7, 0.8))


def _warmup(
    p: Program, a: SyntheticAthlete, rng: np.random.Generator, lo: float, hi: float
) -> None:
    p.add(
        Step("warmup", a.easy_speed_mps * 0.95, float(rng.uniform(lo, hi)), lap_intensity="warmup")
    )


def _cooldown(
    p: Program, a: SyntheticAthlete, rng: np.random.Generator, lo: float, hi: float
) -> None:
    p.add(
        Step(
            "cooldown", a.easy_speed_mps * 0.9, float(rng.uniform(lo, hi)), lap_intensity="cooldown"
        )
    )


def _recovery_step(block: int | None, seconds: float, speed: float, standing: bool) -> Step:
    """A recovery: jogging or walking at ``speed``, or standing still (a "rest" lap)."""
    return Step(
        "recovery",
        0.0 if standing else speed,
        seconds,
        block=block,
        lap_intensity="rest" if standing else "recovery",
    )


def _strides(
    p: Program, a: SyntheticAthlete, rng: np.random.Generator, n: int, dist: float | None
) -> None:
    """``n`` strides of 15–25 s (or ``dist`` m) at faster than 5-km pace, walk/jog back."""
    speed = min(a.threshold_speed_mps * float(rng.uniform(1.25, 1.35)), 0.85 * a.max_speed_mps)
    secs = dist / speed if dist else float(rng.uniform(15, 25))
    label = f"{n}x{dist:.0f}m" if dist else f"{n}x{secs:.0f}s"
    block = len(p.blocks)
    walk = bool(rng.random() < 0.5)
    p.add_reps(
        BlockSpec(f"{label} strides", "stride", "strides"),
        n,
        lambda i: Step("work", speed, secs, block, accel_tau_s=SPRINT_ACCEL_TAU_S),
        lambda i: _recovery_step(
            block, float(rng.uniform(45, 90)), WALK_SPEED_MPS if walk else _jog(a, rng), False
        ),
        trailing_recovery=True,
    )


def _easy(p: Program, a: SyntheticAthlete, rng: np.random.Generator, o: Mapping[str, Any]) -> None:
    p.structured = False
    n_strides = int(
        _opt(o, "strides", int(rng.integers(4, 11)) if p.kind == RunKind.STRIDES else 0)
    )
    p.kind = RunKind.EASY
    duration = float(_opt(o, "duration_s", rng.uniform(30, 65) * 60))
    p.climbs = int(rng.integers(0, 2))
    p.add(Step("steady", a.easy_speed_mps * float(rng.uniform(0.95, 1.05)), duration))
    if n_strides:
        _strides(p, a, rng, n_strides, None)
        _cooldown(p, a, rng, 120, 360)


def _recovery(
    p: Program, a: SyntheticAthlete, rng: np.random.Generator, o: Mapping[str, Any]
) -> None:
    p.structured = False
    duration = float(_opt(o, "duration_s", rng.uniform(20, 40) * 60))
    p.add(Step("steady", a.easy_speed_mps * float(rng.uniform(0.8, 0.87)), duration))


def _long(p: Program, a: SyntheticAthlete, rng: np.random.Generator, o: Mapping[str, Any]) -> None:
    p.structured = False
    p.overload = bool(_opt(o, "overload", False))
    ratio = float(rng.uniform(1.5, 1.75)) if p.overload else float(rng.uniform(0.9, 1.1))
    duration = float(_opt(o, "duration_s", a.usual_long_run_s * ratio))
    p.climbs = int(rng.integers(1, 4))
    p.add(Step("steady", a.easy_speed_mps * float(rng.uniform(0.92, 0.98)), duration))


def _tempo_block(
    p: Program, a: SyntheticAthlete, rng: np.random.Generator, reps: int, dist: float
) -> None:
    speed = a.threshold_speed_mps * float(rng.uniform(0.97, 1.02))
    block = len(p.blocks)
    jog = _jog(a, rng)
    rec = float(rng.uniform(90, 150))
    p.add_reps(
        BlockSpec(f"{reps}x{dist:.0f}m", "tempo", "tempo"),
        reps,
        lambda i: Step("work", speed, dist / speed, block),
        lambda i: _recovery_step(block, rec, jog, False),
    )


def _tempo(p: Program, a: SyntheticAthlete, rng: np.random.Generator, o: Mapping[str, Any]) -> None:
    _warmup(p, a, rng, 600, 900)
    if rng.random() < 0.5 and o.get("reps") is None:
        dist = float(round(a.threshold_speed_mps * rng.uniform(20, 35) * 60, -2))
        _tempo_block(p, a, rng, 1, dist)
    else:
        reps = int(_opt(o, "reps", int(rng.integers(2, 5))))
        _tempo_block(
            p, a, rng, reps, float(_opt(o, "rep_distance_m", rng.choice([1600, 2000, 3200])))
        )
    _cooldown(p, a, rng, 480, 720)


def _intervals(
    p: Program, a: SyntheticAthlete, rng: np.random.Generator, o: Mapping[str, Any]
) -> None:
    _warmup(p, a, rng, 720, 1080)
    dist = int(_opt(o, "rep_distance_m", rng.choice(list(_INTERVAL_PACE))))
    default_reps = {400: (8, 13), 800: (5, 9)}.get(dist, (4, 7))
    reps = int(_opt(o, "reps", int(rng.integers(*default_reps))))
    speed = a.threshold_speed_mps * _INTERVAL_PACE.get(dist, 1.1) * float(rng.uniform(0.98, 1.02))
    standing = bool(_opt(o, "standing_recovery", rng.random() < 0.3))
    rec = float(rng.uniform(60, 90) if dist <= 400 else rng.uniform(90, 180))
    jog = _jog(a, rng)
    block = len(p.blocks)
    p.add_reps(
        BlockSpec(f"{reps}x{dist}m", "interval", "intervals"),
        reps,
        lambda i: Step("work", speed, dist / speed, block),
        lambda i: _recovery_step(block, rec * float(rng.uniform(0.95, 1.05)), jog, standing),
    )
    _cooldown(p, a, rng, 480, 720)


def _hill_repeats(
    p: Program, a: SyntheticAthlete, rng: np.random.Generator, o: Mapping[str, Any]
) -> None:
    """Run to the foot of a climb, repeat it (jogging down), run home the same way."""
    reps = int(_opt(o, "reps", int(rng.integers(6, 11))))
    dist = float(_opt(o, "rep_distance_m", float(round(rng.uniform(60, 200), -1))))
    grade = float(_opt(o, "grade", float(rng.uniform(0.06, 0.08))))
    if not 0.03 <= grade <= 0.15:
        raise ValueError(f"hill-repeat grade must be between 0.03 and 0.15, got {grade}")
    warm_speed = a.easy_speed_mps * 0.95
    warm_s = float(rng.uniform(600, 900))
    base = warm_s * warm_speed
    p.hill = HillSpec(start_m=base, length_m=dist + 40.0, grade=grade)
    p.loop = False
    p.add(Step("warmup", warm_speed, warm_s, lap_intensity="warmup"))
    effort = a.threshold_speed_mps * float(rng.uniform(1.15, 1.25))
    up = effort * float(grade_speed_factor(np.array(grade)))
    jog = _jog(a, rng)
    down = jog * float(grade_speed_factor(np.array(-grade)))
    block = len(p.blocks)
    p.add_reps(
        BlockSpec(f"{reps}x{dist:.0f}m hill @{100 * grade:.0f}%", "hill", "hill_repeats"),
        reps,
        lambda i: Step("work", effort, dist / up, block, fixed_grade=grade),
        lambda i: Step(
            "recovery", jog, dist / down, block, direction=-1, fixed_grade=-grade,
            lap_intensity="recovery",
        ),
        trailing_recovery=True,  # the last jog down brings the runner back to the foot
    )  # fmt: skip
    p.add(Step("cooldown", warm_speed, base / warm_speed, direction=-1, lap_intensity="cooldown"))


def _sprints(
    p: Program, a: SyntheticAthlete, rng: np.random.Generator, o: Mapping[str, Any]
) -> None:
    _warmup(p, a, rng, 720, 1080)
    reps = int(_opt(o, "reps", int(rng.integers(6, 11))))
    dist = float(_opt(o, "rep_distance_m", float(round(rng.uniform(60, 150), -1))))
    speed = a.max_speed_mps * float(rng.uniform(0.92, 0.97))
    standing = bool(_opt(o, "standing_recovery", rng.random() < 0.5))
    block = len(p.blocks)
    p.add_reps(
        BlockSpec(f"{reps}x{dist:.0f}m", "sprint", "sprints"),
        reps,
        lambda i: Step("work", speed, dist / speed, block, accel_tau_s=SPRINT_ACCEL_TAU_S),
        lambda i: _recovery_step(block, float(rng.uniform(90, 180)), WALK_SPEED_MPS, standing),
    )
    _cooldown(p, a, rng, 480, 720)


def _fartlek(
    p: Program, a: SyntheticAthlete, rng: np.random.Generator, o: Mapping[str, Any]
) -> None:
    p.structured = False
    p.climbs = int(rng.integers(0, 2))
    _warmup(p, a, rng, 600, 900)
    reps = int(_opt(o, "reps", int(rng.integers(8, 13))))
    block = len(p.blocks)
    p.add_reps(
        BlockSpec(f"{reps} surges", "fartlek", "fartlek"),
        reps,
        lambda i: Step("work", a.threshold_speed_mps * float(rng.uniform(1.0, 1.2)),
                       float(rng.uniform(30, 180)), block),
        lambda i: _recovery_step(block, float(rng.uniform(60, 180)), a.easy_speed_mps, False),
    )  # fmt: skip
    _cooldown(p, a, rng, 480, 720)


def _race(p: Program, a: SyntheticAthlete, rng: np.random.Generator, o: Mapping[str, Any]) -> None:
    p.structured = False
    dist = float(_opt(o, "race_distance_m", rng.choice(list(_RACE_PACE))))
    speed = a.threshold_speed_mps * _RACE_PACE.get(dist, 1.0) * float(rng.uniform(0.98, 1.02))
    if rng.random() < 0.5:
        _warmup(p, a, rng, 480, 900)
        p.add(Step("recovery", 0.0, float(rng.uniform(120, 400)), lap_intensity="rest"))
    p.blocks.append(BlockSpec(f"1x{dist:.0f}m race", "race", "race"))
    p.add(Step("work", speed, dist / speed, len(p.blocks) - 1))
    _cooldown(p, a, rng, 300, 720)


def _mixed(p: Program, a: SyntheticAthlete, rng: np.random.Generator, o: Mapping[str, Any]) -> None:
    """6×100 m strides + 2×1600 m tempo + 6×100 m strides, with warm-up and cool-down."""
    _warmup(p, a, rng, 600, 900)
    _strides(p, a, rng, 6, 100.0)
    _tempo_block(p, a, rng, int(_opt(o, "reps", 2)), float(_opt(o, "rep_distance_m", 1600.0)))
    p.add(_recovery_step(None, float(rng.uniform(120, 180)), _jog(a, rng), False))
    _strides(p, a, rng, 6, 100.0)
    _cooldown(p, a, rng, 300, 600)


Builder = Callable[[Program, SyntheticAthlete, np.random.Generator, Mapping[str, Any]], None]

_BUILDERS: dict[RunKind, Builder] = {
    RunKind.EASY: _easy,
    RunKind.STRIDES: _easy,
    RunKind.RECOVERY: _recovery,
    RunKind.LONG: _long,
    RunKind.TEMPO: _tempo,
    RunKind.INTERVALS: _intervals,
    RunKind.HILL_REPEATS: _hill_repeats,
    RunKind.SPRINTS: _sprints,
    RunKind.FARTLEK: _fartlek,
    RunKind.RACE: _race,
    RunKind.MIXED: _mixed,
}
#: Every kind the synthetic runner can run, in a fixed order (``strides``: an easy run with
#: strides); the evaluation sets draw them in turn.
KINDS: tuple[str, ...] = tuple(k.value for k in _BUILDERS)


def build_program(
    kind: str | RunKind, athlete: SyntheticAthlete, rng: np.random.Generator, **options: Any
) -> Program:
    """The program for one run of ``kind``; raises ``ValueError`` naming the valid kinds/options."""
    try:
        run_kind = RunKind(kind)
    except ValueError:
        raise ValueError(
            f"unknown run kind {kind!r}; valid kinds: {', '.join(k.value for k in RunKind)}"
        ) from None
    bad = sorted(set(options) - set(OPTIONS))
    if bad:
        raise ValueError(f"unknown option(s) {', '.join(bad)}; valid: {', '.join(OPTIONS)}")
    program = Program(kind=run_kind)
    _BUILDERS[run_kind](program, athlete, rng, options)
    return program
