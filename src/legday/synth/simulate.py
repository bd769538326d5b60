"""From program to what happened: the true 1-Hz streams of a run (no device yet)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from legday.synth.athlete import SyntheticAthlete
from legday.synth.physiology import (
    CARDIAC_DRIFT_BPM_PER_H,
    STANDING_HR_ABOVE_REST_BPM,
    cadence_spm,
    exp_filter,
    grade_speed_factor,
    heart_rate_bpm,
    running_power_w,
)
from legday.synth.terrain import HillSpec, Terrain, make_terrain
from legday.synth.workouts import SPRINT_ACCEL_TAU_S, Program

__all__ = ["Course", "HeartDay", "simulate"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Day-to-day variation of heart rate at the same effort, bpm (1 SD; hydration, sleep, heat).
DAILY_HR_SD_BPM = 2.0
#: Home elevation above sea level per metre of hilliness, plus a base, m (a crude link: hilly
#: places tend to be higher).
HOME_ELEVATION_BASE_M = 30.0
#: See :data:`HOME_ELEVATION_BASE_M`.
HOME_ELEVATION_PER_HILLINESS = 8.0
#: Time constant over which heat raises HR at the same effort, s (the body warms up over the
#: first 10–20 min; a model choice).
HEAT_ONSET_S = 600.0
#: Time constant of the recent effort that holds HR up in a rest, s (the slow phase of HR
#: recovery lasts minutes; a model choice).
SLOW_RECOVERY_TAU_S = 600.0
#: Most passes of the speed–grade fixed point (each is a few vectorised operations).
MAX_PASSES = 8
#: The fixed point has converged when no route position moves by more than this, m.
CONVERGED_M = 0.5
#: Most times a hill-repeat climb is moved to where the runner really is when the repeats
#: start (the warm-up's distance depends on the terrain it runs over; heuristic).
HILL_PLACEMENT_PASSES = 4
#: The climb is in place when its foot is within this of the runner's position at the first
#: repetition, m (the climb runs 40 m past the top of a repetition).
HILL_PLACED_M = 2.0


@dataclass(frozen=True, slots=True)
class Course:
    """The true streams of a run, one sample per second from 0 to ``n - 1``."""

    bounds: IntArray
    """Start second of each program step, plus the end (length = steps + 1)."""
    speed_mps: FloatArray
    distance_m: FloatArray
    route_m: FloatArray
    """Route position (falls when the runner turns back)."""
    grade: FloatArray
    """Experienced grade in the direction of travel, fraction."""
    elevation_m: FloatArray
    latitude_deg: FloatArray
    longitude_deg: FloatArray
    heart_rate_bpm: FloatArray
    cadence_spm: FloatArray
    power_w: FloatArray
    terrain: Terrain

    @property
    def n(self) -> int:
        return int(self.speed_mps.shape[0])


@dataclass(frozen=True, slots=True)
class HeartDay:
    """How the heart responds on the day, beyond the athlete's usual kinetics."""

    lag_s: float = 0.0
    """A slow start: HR takes this long to reach the level of the effort (95 %), s. Real
    recordings often read low for the first 2–4 minutes (a cold start, an optical sensor
    settling)."""
    heat_offset_bpm: float = 0.0
    """Heat: HR above the usual at the same effort, bpm, reached over :data:`HEAT_ONSET_S`."""
    drift_bpm_per_h: float = CARDIAC_DRIFT_BPM_PER_H
    """Cardiac drift, bpm per hour at threshold-like effort (higher on hot days)."""
    slow_recovery: float = 0.0
    """Share of the last minutes' HR above standing HR that a rest does not shed quickly: the
    slow phase of HR recovery (after the fast, vagal first minute, HR stays raised for minutes
    after hard work). 0 = the usual single-phase drop to standing HR."""

    def apply(self, athlete: SyntheticAthlete, hr: FloatArray, daily_bpm: float) -> FloatArray:
        """``hr`` (the usual response) as it is on this day."""
        t = np.arange(hr.shape[0], dtype=np.float64)
        stand = athlete.hr_rest + STANDING_HR_ABOVE_REST_BPM
        if self.slow_recovery > 0.0:
            recent = exp_filter(hr, SLOW_RECOVERY_TAU_S, y0=stand)
            hr = np.maximum(hr, stand + self.slow_recovery * (recent - stand))
        out = hr + daily_bpm + self.heat_offset_bpm * (1.0 - np.exp(-t / HEAT_ONSET_S))
        if self.lag_s > 0.0:  # 1 − e^(−3) ≈ 95 % of the way after lag_s
            reach = 1.0 - np.exp(-3.0 * t / self.lag_s)
            out = np.where(out > stand, stand + (out - stand) * reach, out)
        return out


def _per_second(values: FloatArray, seconds: IntArray) -> FloatArray:
    return np.repeat(values, seconds)


def simulate(
    program: Program,
    athlete: SyntheticAthlete,
    rng: np.random.Generator,
    *,
    heart: HeartDay | None = None,
) -> Course:
    """Integrate the program over the terrain: speeds with accelerations, grade-adjusted pace,
    route position, then heart rate, cadence and power. ``heart`` changes how the heart
    responds on the day (a slow start, heat)."""
    steps = program.steps
    planned = np.array([s.duration_s for s in steps])
    edges = np.round(np.concatenate([[0.0], np.cumsum(planned)])).astype(np.int64)
    secs = np.maximum(np.diff(edges), 1)
    bounds = np.concatenate([[0], np.cumsum(secs)]).astype(np.int64)
    # Scale the speed of each step so that its planned distance is covered in whole seconds.
    stretch = planned / secs
    direction = _per_second(np.array([float(s.direction) for s in steps]), secs)
    effort = _per_second(np.array([s.effort_mps for s in steps]) * stretch, secs)
    fixed = _per_second(
        np.array([np.nan if s.fixed_grade is None else s.fixed_grade for s in steps]), secs
    )
    fast = np.array([s.accel_tau_s <= SPRINT_ACCEL_TAU_S for s in steps])
    fast_or_after = fast | np.concatenate([[False], fast[:-1]])
    use_fast = _per_second(fast_or_after.astype(np.float64), secs) > 0.5
    tau_normal = max(s.accel_tau_s for s in steps)

    def velocity(grade_guess: FloatArray) -> FloatArray:
        target = direction * effort * grade_speed_factor(grade_guess)
        slow = exp_filter(target, tau_normal, y0=0.0)
        quick = exp_filter(target, SPRINT_ACCEL_TAU_S, y0=0.0)
        return np.where(use_fast, quick, slow)

    def position(v: FloatArray) -> FloatArray:
        return np.concatenate([[0.0], np.cumsum(v[:-1])])

    v1 = velocity(np.where(np.isnan(fixed), 0.0, fixed))
    p1 = position(v1)
    length = float(np.abs(v1).sum()) if program.loop else float(p1.max())
    # A hill session draws its terrain from its own seed, so that moving the climb rebuilds
    # the same ground around it (other runs draw from ``rng`` directly, as they always did).
    terrain_seed = None if program.hill is None else int(rng.integers(2**63))

    def ground(hill: HillSpec | None) -> Terrain:
        return make_terrain(
            rng if terrain_seed is None else np.random.default_rng(terrain_seed),
            length_m=max(length, 100.0) * 1.05,
            home_lat_deg=athlete.home_lat_deg,
            home_lon_deg=athlete.home_lon_deg,
            home_elevation_m=HOME_ELEVATION_BASE_M
            + HOME_ELEVATION_PER_HILLINESS * athlete.hilliness_m,
            hilliness_m=0.0 if program.indoor else athlete.hilliness_m,
            climbs=0 if program.indoor else program.climbs,
            hill=hill,
            loop=program.loop,
            approach=program.approach,
        )

    def run_over(terrain: Terrain) -> tuple[FloatArray, FloatArray]:
        """Speed depends on grade and grade on position: iterate to a fixed point."""
        p, v = p1, v1
        for _ in range(MAX_PASSES):
            guess = np.where(np.isnan(fixed), direction * terrain.grade_at(p), fixed)
            v = velocity(guess)
            p_next = position(v)
            moved = float(np.max(np.abs(p_next - p)))
            p = p_next
            if moved < CONVERGED_M:
                break
        return p, v

    hill = program.hill
    terrain = ground(hill)
    p, v = run_over(terrain)
    first = next((i for i, s in enumerate(steps) if (s.fixed_grade or 0.0) > 0.0), None)
    if hill is not None and first is not None:
        # The warm-up covers the distance the terrain lets it, not the planned one: put the
        # foot of the climb where the runner is when the first repetition starts.
        for _ in range(HILL_PLACEMENT_PASSES):
            foot = float(p[min(int(bounds[first]), p.size - 1)])
            if abs(foot - hill.start_m) <= HILL_PLACED_M:
                break
            hill = replace(hill, start_m=foot)
            terrain = ground(hill)
            p, v = run_over(terrain)
    speed = np.abs(v)
    distance = position(speed)
    heading = np.where(np.abs(v) > 1e-6, np.sign(v), direction)
    grade = heading * terrain.grade_at(p)
    lat, lon = terrain.position_at(p)
    if heart is None:
        hr = heart_rate_bpm(athlete, speed, grade) + rng.normal(0.0, DAILY_HR_SD_BPM)
    else:
        hr = heart.apply(
            athlete,
            heart_rate_bpm(athlete, speed, grade, drift_bpm_per_h=heart.drift_bpm_per_h),
            rng.normal(0.0, DAILY_HR_SD_BPM),
        )
    hr = np.clip(hr, athlete.hr_rest, athlete.hr_max)
    return Course(
        bounds=bounds,
        speed_mps=speed,
        distance_m=distance,
        route_m=p,
        grade=grade,
        elevation_m=terrain.elevation_at(p),
        latitude_deg=lat,
        longitude_deg=lon,
        heart_rate_bpm=hr,
        cadence_spm=cadence_spm(athlete, speed),
        power_w=running_power_w(athlete, speed, grade),
        terrain=terrain,
    )
