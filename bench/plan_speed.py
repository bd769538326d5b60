"""How long planning takes: a week (goal < 1 s) and a 12-week block.

Random athletes (available days, minutes per day, equipment, experience) and run weeks, drawn
with a seed. Prints the median and 95th-percentile time per plan. ``--verify`` also checks, for
every plan, that it meets every hard week rule or says which had to give, and that R11 never
gives — the property test's invariant over thousands of cases.

    .venv/bin/python bench/plan_speed.py --n 200 --seed 0
    .venv/bin/python bench/plan_speed.py --n 2000 --verify
    .venv/bin/python bench/plan_speed.py --n 20 --block 12
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date

from legday.model import EQUIPMENT, WEEKDAYS, AthleteProfile
from legday.plan import RUN_KINDS, plan_block, plan_week
from legday.settings import Settings
from legday.week.rules import RULES

#: The Monday every benchmark plan starts on (any Monday will do).
MONDAY = date(2026, 11, 30)
#: Minutes per day drawn for an available day.
MINUTES = (10, 15, 20, 30, 45, 60)


#: How often each run kind is drawn (recreational runners: mostly easy running).
KIND_WEIGHTS: dict[str, float] = {
    "easy": 4.0,
    "recovery": 1.0,
    "long": 1.0,
    "tempo": 1.0,
    "intervals": 1.0,
    "hill_repeats": 0.5,
    "strides": 0.5,
    "sprints": 0.3,
    "fartlek": 0.5,
    "race": 0.2,
}


def random_case(rng: random.Random) -> tuple[dict[str, str], AthleteProfile, dict[str, int]]:
    kinds = list(KIND_WEIGHTS)
    weights = list(KIND_WEIGHTS.values())
    runs = {d: rng.choices(kinds, weights)[0] for d in WEEKDAYS if rng.random() < 0.6}
    days = tuple(d for d in WEEKDAYS if rng.random() < 0.7)
    minutes = {d: rng.choice(MINUTES) for d in days}
    kit = tuple(e for e in EQUIPMENT if rng.random() < 0.4)
    profile = AthleteProfile(
        available_days=days,
        equipment=kit,
        experience=rng.choice(("novice", "intermediate", "advanced")),
    )
    return runs, profile, minutes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--n", type=int, default=200, help="plans to time")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--block", type=int, default=0, help="time blocks of this many weeks instead")
    ap.add_argument("--verify", action="store_true", help="check the hard rules on every plan")
    assert set(KIND_WEIGHTS) == set(RUN_KINDS)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    settings = Settings()
    hard = [r for r in RULES if r.hard]
    times: list[float] = []
    infeasible = 0
    for _ in range(args.n):
        runs, profile, minutes = random_case(rng)
        t0 = time.perf_counter()
        if args.block:
            block = plan_block(
                args.block, runs, start=MONDAY, profile=profile, minutes_per_day=minutes
            )
            plans = list(block.plans)
        else:
            plans = [plan_week(runs, monday=MONDAY, profile=profile, minutes_per_day=minutes)]
        times.append(time.perf_counter() - t0)
        infeasible += sum(1 for p in plans if p.infeasible)
        if args.verify:
            for plan in plans:
                week = plan.week_sessions()
                broken = {v.rule for r in hard for v in r.check(week, settings)}
                assert "R11" not in broken, (runs, profile, plan.lines())
                assert broken <= {i.rule for i in plan.infeasible}, (runs, profile, broken)
    typical: list[float] = []
    if not args.block:
        # The busiest search: every day available, all equipment, a four-run week.
        runs = {"mon": "easy", "tue": "intervals", "thu": "tempo", "sat": "long"}
        profile = AthleteProfile(equipment=EQUIPMENT, minutes_per_day=60)
        for _ in range(max(5, args.n // 10)):
            t0 = time.perf_counter()
            plan_week(runs, monday=MONDAY, profile=profile)
            typical.append((time.perf_counter() - t0) * 1000)
    ms = sorted(t * 1000 for t in times)
    what = f"{args.block}-week block" if args.block else "week"
    print(f"plan a {what}: n={args.n} seed={args.seed}")
    print(
        f"  median {statistics.median(ms):.1f} ms, p95 {ms[int(0.95 * (len(ms) - 1))]:.1f} ms, "
        f"max {ms[-1]:.1f} ms"
    )
    print(f"  plans with rules that had to give: {infeasible}")
    if typical:
        print(
            f"  every day free, all equipment (n={len(typical)}): "
            f"median {statistics.median(typical):.1f} ms"
        )
    if args.verify:
        print(
            "  verified: every plan meets the hard rules or lists those that gave; R11 never gave"
        )


if __name__ == "__main__":
    main()
