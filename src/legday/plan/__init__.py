"""Plan the strength work running does not give: next week or a block, around the runs (pure).

::

    from datetime import date
    from legday.plan import parse_runs, plan_week, to_ics

    plan = plan_week(parse_runs("mon=easy,tue=intervals,thu=tempo,sat=long"),
                     monday=date(2026, 11, 30))
    plan.to_dict()      # {"week", "days", "checks", "infeasible"}
    to_ics(plan)        # bytes of an .ics calendar

The modules: :mod:`~legday.plan.runs` (the run week: parsed or inferred),
:mod:`~legday.plan.placement` (the search, checked by the week rules),
:mod:`~legday.plan.sessions` (exercises, sets, reps, loads, timing),
:mod:`~legday.plan.block` (multi-week), :mod:`~legday.plan.ics` and
:mod:`~legday.plan.result` (the returned objects).
"""

from legday.plan.block import plan_block
from legday.plan.ics import to_ics
from legday.plan.placement import PLAN_RULES, plan_week
from legday.plan.result import (
    Block,
    Check,
    Focus,
    Infeasibility,
    Plan,
    PlannedDay,
    PlannedExercise,
    PlannedSession,
)
from legday.plan.runs import RUN_KINDS, infer_run_week, parse_runs
from legday.plan.sessions import Dose

__all__ = [
    "PLAN_RULES",
    "RUN_KINDS",
    "Block",
    "Check",
    "Dose",
    "Focus",
    "Infeasibility",
    "Plan",
    "PlannedDay",
    "PlannedExercise",
    "PlannedSession",
    "infer_run_week",
    "parse_runs",
    "plan_block",
    "plan_week",
    "to_ics",
]
