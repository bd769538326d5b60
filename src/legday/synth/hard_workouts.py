"""Programs of the hard set: the clean kinds as real runners run them, under conditions.

The builders mirror :mod:`legday.synth.workouts` (same paces and structures) and add what the
drawn :class:`~legday.synth.conditions.Condition` asks for: warm-ups of 0–5 min or cut by a
stop, races from the gun with a finishing kick, ladders, floats inside reps, hills of every
shape, traffic stops, treadmill belts. The clean builders are left alone, so the clean set keeps
its numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from legday.model import RunKind
from legday.synth.athlete import SyntheticAthlete
from legday.synth.conditions import Condition
from legday.synth.physiology import grade_speed_factor
from legday.synth.terrain import HillSpec
from legday.synth.truth import Role
from legday.synth.workouts import (
    ACCEL_TAU_S,
    SPRINT_ACCEL_TAU_S,
    WALK_SPEED_MPS,
    BlockSpec,
    Program,
    Step,
)

__all__ = ["LADDERS", "build_hard_program"]

C = Condition

#: Acceleration time constant on a treadmill, s: the belt changes speed at about 0.3–0.5 m/s²,
#: so a step from jog to rep pace takes 5–10 s (manufacturers' ramp rates; a model choice).
TREADMILL_ACCEL_TAU_S = 6.0
#: Interval pace over threshold pace by rep distance, m (≈ 1500-m to 10-km race pace; the clean
#: table of :mod:`legday.synth.workouts`, extended to 200, 600 and 1600 m).
_INTERVAL_PACE_M = np.array([200.0, 400.0, 600.0, 800.0, 1000.0, 1200.0, 1600.0])
_INTERVAL_PACE = np.array([1.22, 1.18, 1.15, 1.13, 1.10, 1.08, 1.05])
#: Ladders as rung distances, m: up, up-and-down, down.
LADDERS: tuple[tuple[int, ...], ...] = (
    (200, 400, 600, 800, 600, 400, 200),
    (400, 800, 1200, 800, 400),
    (200, 400, 600, 800, 1000),
    (1000, 800, 600, 400, 200),
    (400, 800, 1200, 1600),
)
#: Race pace over threshold pace by distance (the clean table).
_RACE_PACE = {5000.0: 1.06, 10000.0: 1.0, 21097.5: 0.95}
#: Speed of a finishing kick over race pace (a model choice: a 10–40 s sprint to the line).
FINISH_SURGE_RANGE = (1.15, 1.35)
#: Fastest a runner goes in a finishing kick or a hill sprint, fraction of top speed.
KICK_MAX_FRACTION = 0.92


@dataclass(frozen=True, slots=True)
class _Ctx:
    a: SyntheticAthlete
    rng: np.random.Generator
    conds: frozenset[Condition]

    def has(self, c: Condition) -> bool:
        return c in self.conds

    def u(self, lo: float, hi: float) -> float:
        return float(self.rng.uniform(lo, hi))

    @property
    def tau(self) -> float:
        return TREADMILL_ACCEL_TAU_S if self.has(C.TREADMILL) else ACCEL_TAU_S

    def step(
        self,
        role: Role,
        speed: float,
        secs: float,
        block: int | None = None,
        *,
        direction: int = 1,
        fixed_grade: float | None = None,
        lap_intensity: str = "active",
        joins_previous: bool = False,
    ) -> Step:
        """A step at this session's acceleration (slower on a treadmill)."""
        return Step(
            role,
            speed,
            secs,
            block,
            direction=direction,
            fixed_grade=fixed_grade,
            lap_intensity=lap_intensity,
            accel_tau_s=self.tau,
            joins_previous=joins_previous,
        )


def _interval_speed(a: SyntheticAthlete, dist_m: float) -> float:
    return a.threshold_speed_mps * float(np.interp(dist_m, _INTERVAL_PACE_M, _INTERVAL_PACE))


def _jog(x: _Ctx) -> float:
    return x.a.easy_speed_mps * x.u(0.7, 0.8)


def _warmup(p: Program, x: _Ctx, lo: float, hi: float, *, least_s: float = 0.0) -> float:
    """Add the warm-up the conditions ask for and return the distance it covers on the flat.

    A split warm-up is simulated (the heart and legs are warm when the session file starts)
    and cut off later by the caller; a cut warm-up stands still for 20–60 s part of the way.
    """
    speed = x.a.easy_speed_mps * x.u(0.9, 1.0)
    if x.has(C.SPLIT_WARMUP):
        secs = x.u(480, 900)
        p.add(x.step("warmup", speed, secs, lap_intensity="warmup"))
        p.add(x.step("warmup", 0.0, x.u(30, 150), lap_intensity="rest"))
        return speed * secs
    secs = x.u(max(0.0, least_s), 300.0) if x.has(C.SHORT_WARMUP) else x.u(lo, hi)
    secs = max(secs, least_s)
    if x.has(C.CUT_WARMUP) and secs >= 60.0:
        first = secs * x.u(0.3, 0.8)
        p.add(x.step("warmup", speed, first, lap_intensity="warmup"))
        p.add(x.step("warmup", 0.0, x.u(20, 60), lap_intensity="rest"))
        p.add(x.step("warmup", speed, secs - first, lap_intensity="warmup"))
    else:
        p.add(x.step("warmup", speed, secs, lap_intensity="warmup"))
    return speed * secs


def _cooldown(p: Program, x: _Ctx) -> None:
    if x.rng.random() < 0.15:  # stop the watch at the end of the work
        return
    p.add(x.step("cooldown", x.a.easy_speed_mps * 0.9, x.u(240, 720), lap_intensity="cooldown"))


def _rest(x: _Ctx, block: int | None, secs: float, speed: float, standing: bool) -> Step:
    """A recovery; standing whenever the timer is stopped in it (paused or auto-paused)."""
    standing = standing or x.has(C.PAUSED_RECOVERY) or x.has(C.AUTO_PAUSE)
    return x.step(
        "recovery",
        0.0 if standing else speed,
        secs,
        block,
        lap_intensity="rest" if standing else "recovery",
    )


def _steady(p: Program, x: _Ctx, speed: float, secs: float) -> None:
    """Steady running; with auto-pause, 2–6 stops of 10–60 s at traffic lights on the way."""
    if not x.has(C.AUTO_PAUSE):
        p.add(x.step("steady", speed, secs))
        return
    stops = int(x.rng.integers(2, 7))
    cuts = np.sort(x.rng.uniform(0.05, 0.95, stops)) * secs
    edges = np.concatenate([[0.0], cuts, [secs]])
    for i in range(stops + 1):
        p.add(x.step("steady", speed, float(edges[i + 1] - edges[i])))
        if i < stops:
            p.add(x.step("steady", 0.0, x.u(10, 60)))


def _strides(p: Program, x: _Ctx, n: int, dist: float | None) -> None:
    a = x.a
    speed = min(a.threshold_speed_mps * x.u(1.25, 1.35), 0.85 * a.max_speed_mps)
    secs = dist / speed if dist else x.u(15, 25)
    label = f"{n}x{dist:.0f}m" if dist else f"{n}x{secs:.0f}s"
    block = len(p.blocks)
    walk = bool(x.rng.random() < 0.5)
    p.add_reps(
        BlockSpec(f"{label} strides", "stride", "strides"),
        n,
        lambda i: Step("work", speed, secs, block, accel_tau_s=SPRINT_ACCEL_TAU_S),
        lambda i: x.step("recovery", WALK_SPEED_MPS if walk else _jog(x), x.u(45, 90), block,
                         lap_intensity="recovery"),
        trailing_recovery=True,
    )  # fmt: skip


# --- steady runs -------------------------------------------------------------------------------


def _easy(p: Program, x: _Ctx) -> None:
    p.structured = False
    strides = int(x.rng.integers(4, 11)) if p.kind == RunKind.STRIDES else 0
    p.kind = RunKind.EASY
    p.climbs = 0 if p.indoor else int(x.rng.integers(0, 2))
    speed = x.a.easy_speed_mps * x.u(0.95, 1.05)
    total = x.u(30, 65) * 60
    # strides and their cool-down come out of the run's time: an easy run with strides is
    # still an easy run's length (30–65 min), never as long as the athlete's long run
    _steady(p, x, speed, max(total - strides * 115.0 - 360.0, 1200.0) if strides else total)
    if strides:
        _strides(p, x, strides, None)
        p.add(x.step("cooldown", x.a.easy_speed_mps * 0.9, x.u(120, 360), lap_intensity="cooldown"))


def _recovery(p: Program, x: _Ctx) -> None:
    p.structured = False
    _steady(p, x, x.a.easy_speed_mps * x.u(0.8, 0.87), x.u(20, 40) * 60)


def _long(p: Program, x: _Ctx) -> None:
    p.structured = False
    p.climbs = int(x.rng.integers(1, 4))
    _steady(p, x, x.a.easy_speed_mps * x.u(0.92, 0.98), x.a.usual_long_run_s * x.u(0.9, 1.1))


# --- quality sessions --------------------------------------------------------------------------


def _tempo(p: Program, x: _Ctx) -> None:
    a = x.a
    _warmup(p, x, 600, 900)
    speed = a.threshold_speed_mps * x.u(0.97, 1.02)
    block = len(p.blocks)
    if x.rng.random() < 0.5:
        dist = float(round(a.threshold_speed_mps * x.u(20, 35) * 60, -2))
        p.blocks.append(BlockSpec(f"1x{dist:.0f}m", "tempo", "tempo"))
        p.add(x.step("work", speed, dist / speed, block))
    else:
        reps = int(x.rng.integers(2, 5))
        dist = float(x.rng.choice([1600, 2000, 3200]))
        rest, jog, standing = x.u(60, 150), _jog(x), bool(x.rng.random() < 0.2)
        p.add_reps(
            BlockSpec(f"{reps}x{dist:.0f}m", "tempo", "tempo"),
            reps,
            lambda i: x.step("work", speed, dist / speed, block),
            lambda i: _rest(x, block, rest, jog, standing),
        )
    _cooldown(p, x)


def _intervals(p: Program, x: _Ctx) -> None:
    a = x.a
    _warmup(p, x, 720, 1080)
    block = len(p.blocks)
    jog = _jog(x)
    standing = bool(x.rng.random() < 0.3)
    if x.has(C.LADDER):
        rungs = LADDERS[int(x.rng.integers(len(LADDERS)))]
        p.blocks.append(
            BlockSpec(f"ladder {'-'.join(str(r) for r in rungs)}m", "interval", "intervals")
        )
        for i, dist in enumerate(rungs):
            speed = _interval_speed(a, dist) * x.u(0.98, 1.02)
            p.add(x.step("work", speed, dist / speed, block))
            if i < len(rungs) - 1:
                p.add(_rest(x, block, max(45.0, x.u(0.5, 0.8) * dist / speed), jog, standing))
    elif x.has(C.FLOAT_REP):
        reps = int(x.rng.integers(4, 7))
        first = float(x.rng.choice([300, 400, 500, 600]))
        second = float(x.rng.choice([150, 200, 300]))
        float_s = x.u(30, 60)
        speed = a.threshold_speed_mps * x.u(1.12, 1.18)
        floating = max(a.easy_speed_mps * 1.05, a.threshold_speed_mps * x.u(0.82, 0.9))
        rest = x.u(120, 240)
        p.blocks.append(
            BlockSpec(
                f"{reps}x({first:.0f}m, {float_s:.0f}s float, {second:.0f}m)",
                "interval",
                "intervals",
            )
        )
        for i in range(reps):
            p.add(x.step("work", speed, first / speed, block))
            p.add(x.step("work", floating, float_s, block, joins_previous=True))
            p.add(x.step("work", speed, second / speed, block, joins_previous=True))
            if i < reps - 1:
                p.add(_rest(x, block, rest * x.u(0.95, 1.05), jog, standing))
    else:
        dist = int(x.rng.choice([400, 800, 1000, 1200]))
        reps = int(x.rng.integers(*{400: (8, 13), 800: (5, 9)}.get(dist, (4, 7))))
        speed = _interval_speed(a, dist) * x.u(0.98, 1.02)
        rest = x.u(60, 90) if dist <= 400 else x.u(90, 180)
        p.add_reps(
            BlockSpec(f"{reps}x{dist}m", "interval", "intervals"),
            reps,
            lambda i: x.step("work", speed, dist / speed, block),
            lambda i: _rest(x, block, rest * x.u(0.95, 1.05), jog, standing),
        )
    _cooldown(p, x)


def _sprints(p: Program, x: _Ctx) -> None:
    a = x.a
    _warmup(p, x, 720, 1080)
    reps = int(x.rng.integers(6, 11))
    dist = float(round(x.u(60, 150), -1))
    speed = a.max_speed_mps * x.u(0.92, 0.97)
    rest = x.u(150, 300) if x.has(C.LONG_SPRINT_RESTS) else x.u(90, 180)
    standing = bool(x.rng.random() < 0.5)
    block = len(p.blocks)
    p.add_reps(
        BlockSpec(f"{reps}x{dist:.0f}m", "sprint", "sprints"),
        reps,
        lambda i: Step("work", speed, dist / speed, block, accel_tau_s=SPRINT_ACCEL_TAU_S),
        lambda i: _rest(x, block, rest * x.u(0.9, 1.1), WALK_SPEED_MPS, standing),
    )
    _cooldown(p, x)


def _hill_shape(x: _Ctx) -> tuple[float, float, float, float, int, float | None]:
    """Rep distance (m), grade, effort and jog speeds (m/s), reps and corner smoothing."""
    a = x.a
    if x.has(C.STEEP_HILL):  # short hill sprints, jogged down briskly
        dist = float(round(x.u(30, 60) / 5.0) * 5.0)
        grade = x.u(0.15, 0.25)
        effort = min(a.threshold_speed_mps * x.u(1.35, 1.55), KICK_MAX_FRACTION * a.max_speed_mps)
        return (
            dist,
            grade,
            effort,
            a.easy_speed_mps * x.u(1.0, 1.15),
            int(x.rng.integers(6, 13)),
            5.0,
        )
    if x.has(C.GENTLE_HILL):  # long, barely-there climbs of 4–8 m
        dist = float(round(x.u(150, 250), -1))
        grade = float(np.clip(x.u(4.0, 8.0) / dist, 0.025, 0.04))
        effort = a.threshold_speed_mps * x.u(1.1, 1.2)
        return (
            dist,
            grade,
            effort,
            a.easy_speed_mps * x.u(0.75, 0.9),
            int(x.rng.integers(5, 9)),
            None,
        )
    dist = float(round(x.u(80, 200), -1))
    grade = x.u(0.05, 0.09)
    effort = a.threshold_speed_mps * x.u(1.15, 1.25)
    return dist, grade, effort, _jog(x), int(x.rng.integers(6, 11)), None  # fmt: skip


def _hill_repeats(p: Program, x: _Ctx) -> None:
    """Run to the foot of a climb (over an approach climb, maybe), repeat it, run home."""
    dist, grade, effort, jog, reps, corner = _hill_shape(x)
    approach = x.has(C.APPROACH_CLIMB)
    base = _warmup(p, x, 600, 900, least_s=300.0 if approach else 0.0)
    p.loop = False
    p.hill = HillSpec(start_m=base, length_m=dist + 40.0, grade=grade, corner_m=corner)
    if approach:  # a climb like the hill, on the way: run easily, not a rep
        start = base * x.u(0.2, 0.45)
        if x.has(C.STEEP_HILL):
            length, g = x.u(60, 200), x.u(0.05, 0.10)
        elif x.has(C.GENTLE_HILL):
            length, g = x.u(150, 300), x.u(0.025, 0.045)
        else:
            length, g = dist * x.u(0.8, 1.5), grade * x.u(0.7, 1.1)
        length = min(length, base - 120.0 - start)
        if length >= 40.0:
            p.approach = HillSpec(start_m=start, length_m=length, grade=g)
    up = effort * float(grade_speed_factor(np.array(grade)))
    down = jog * float(grade_speed_factor(np.array(-grade)))
    # Most reps start at the foot; with shifted starts, one or two start higher up.
    offsets = np.zeros(reps)
    if x.has(C.SHIFTED_STARTS):
        moved = x.rng.choice(np.arange(1, reps), size=min(int(x.rng.integers(1, 3)), reps - 1),
                             replace=False)  # fmt: skip
        offsets[moved] = dist * x.rng.uniform(0.25, 0.5, moved.shape[0])
    block = len(p.blocks)
    p.blocks.append(
        BlockSpec(f"{reps}x{dist:.0f}m hill @{100 * grade:.1f}%", "hill", "hill_repeats")
    )
    for i in range(reps):
        p.add(x.step("work", effort, (dist - offsets[i]) / up, block, fixed_grade=grade))
        back = dist - (offsets[i + 1] if i + 1 < reps else 0.0)
        p.add(x.step("recovery", jog, back / down, block, direction=-1, fixed_grade=-grade,
                     lap_intensity="recovery"))  # fmt: skip
    home = x.a.easy_speed_mps * 0.95
    p.add(x.step("cooldown", home, base / home, direction=-1, lap_intensity="cooldown"))


def _fartlek(p: Program, x: _Ctx) -> None:
    a = x.a
    p.structured = False
    p.climbs = int(x.rng.integers(0, 2))
    _warmup(p, x, 600, 900)
    reps = int(x.rng.integers(8, 13))
    block = len(p.blocks)
    p.add_reps(
        BlockSpec(f"{reps} surges", "fartlek", "fartlek"),
        reps,
        lambda i: x.step("work", a.threshold_speed_mps * x.u(1.0, 1.2), x.u(30, 180), block),
        lambda i: x.step("recovery", a.easy_speed_mps, x.u(60, 180), block,
                         lap_intensity="recovery"),
    )  # fmt: skip
    _cooldown(p, x)


def _race(p: Program, x: _Ctx) -> None:
    """A race run in 1-km-ish splits (a fast start, small swings) as one effort; from the gun
    it starts standing with no warm-up, and a finishing kick joins the last split."""
    a = x.a
    p.structured = False
    dist = float(x.rng.choice(list(_RACE_PACE)))
    speed = a.threshold_speed_mps * _RACE_PACE[dist] * x.u(0.98, 1.02)
    if not x.has(C.RACE_FROM_GUN):
        _warmup(p, x, 480, 900)
        p.add(_rest(x, None, x.u(120, 400), 0.0, True))
    block = len(p.blocks)
    p.blocks.append(BlockSpec(f"1x{dist:.0f}m race", "race", "race"))
    splits = max(1, round(dist / 1000.0))
    split_m = dist / splits
    kick_s = x.u(10, 40) if x.has(C.FINISH_SURGE) else 0.0
    kick = min(speed * x.u(*FINISH_SURGE_RANGE), KICK_MAX_FRACTION * a.max_speed_mps)
    for k in range(splits):
        v = speed * x.u(0.97, 1.03) * (x.u(1.01, 1.05) if k == 0 else 1.0)
        d = split_m - (kick * kick_s if k == splits - 1 else 0.0)
        p.add(x.step("work", v, d / v, block, joins_previous=k > 0))
    if kick_s:
        p.add(
            Step("work", kick, kick_s, block, accel_tau_s=SPRINT_ACCEL_TAU_S, joins_previous=True)
        )
    p.add(x.step("cooldown", WALK_SPEED_MPS, x.u(30, 120), lap_intensity="cooldown"))
    if x.rng.random() < 0.5:
        p.add(x.step("cooldown", a.easy_speed_mps * 0.85, x.u(300, 720), lap_intensity="cooldown"))


def _mixed(p: Program, x: _Ctx) -> None:
    """6×100 m strides + 2×1600 m tempo + 6×100 m strides, with warm-up and cool-down."""
    a = x.a
    _warmup(p, x, 600, 900)
    _strides(p, x, 6, 100.0)
    speed = a.threshold_speed_mps * x.u(0.97, 1.02)
    block = len(p.blocks)
    rest, jog = x.u(90, 150), _jog(x)
    p.add_reps(
        BlockSpec("2x1600m", "tempo", "tempo"),
        2,
        lambda i: x.step("work", speed, 1600.0 / speed, block),
        lambda i: _rest(x, block, rest, jog, False),
    )
    p.add(_rest(x, None, x.u(120, 180), _jog(x), False))
    _strides(p, x, 6, 100.0)
    _cooldown(p, x)


_BUILDERS: dict[RunKind, Callable[[Program, _Ctx], None]] = {
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


def build_hard_program(
    kind: str | RunKind,
    athlete: SyntheticAthlete,
    rng: np.random.Generator,
    conditions: frozenset[Condition],
) -> Program:
    """The program for one run of ``kind`` under ``conditions``."""
    try:
        run_kind = RunKind(kind)
    except ValueError:
        raise ValueError(
            f"unknown run kind {kind!r}; valid kinds: {', '.join(k.value for k in RunKind)}"
        ) from None
    indoor = bool({C.TREADMILL, C.INDOOR_TRACK} & conditions)
    program = Program(kind=run_kind, indoor=indoor)
    _BUILDERS[run_kind](program, _Ctx(athlete, rng, conditions))
    return program
