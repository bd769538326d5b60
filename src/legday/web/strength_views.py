"""From the library's lifting results to what the strength pages draw: e1RM small multiples,
the weekly hard-set grid, one session's sets table, and planned exercises in the athlete's units.

Display only, as in :mod:`legday.web.views`: every number comes from a
:class:`~legday.store.library.Library` call.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from functools import partial
from typing import Any

from legday import serialise
from legday.cli.common import fmt_duration
from legday.model import MUSCLES

from .bodymap import HEAT_TOP, body_map, heat_colour, heat_legend
from .svg import Series, line_chart
from .units import load, load_unit, load_value
from .views import C_CTL, label, most_worked

__all__ = ["FILTERS", "exercise_line", "strength_session_view", "strength_view"]

#: An e1RM chart's left axis spans at least this share of the lift's best e1RM (±5 %) and at
#: least these kg or lb, so a 0.4 kg wobble stays a wobble (docs/dashboard.md).
E1RM_MIN_SPAN_SHARE = 0.10
E1RM_MIN_SPAN = {"metric": 5.0, "imperial": 10.0}


def _day_after(first: date, days: float) -> str:
    """An e1RM point's date in its tooltip: ``days`` after ``first``."""
    return f"{first + timedelta(days=round(days)):%d %b %Y}"


def _heat_cell(value: float, top: float) -> tuple[float, str, str]:
    """A grid cell: value, fill and a text colour that stays readable on dark fills."""
    ink = "#ffffff" if top > 0 and value / top > 0.6 else "inherit"
    return value, heat_colour(value, top), ink


def strength_view(
    report: Mapping[str, Any], trends: Mapping[str, Any], units: str = "metric"
) -> dict[str, Any]:
    """Small multiples of e1RM, the weekly hard-set grid and the next targets (loads in kg or
    lb, as ``units`` says)."""
    multiples = []
    unit = load_unit(units)
    for ex in trends["e1rm"]:
        points = ex["points"]
        first = date.fromisoformat(points[0]["date"])
        x = [float((date.fromisoformat(p["date"]) - first).days) for p in points]
        ticks = [(x[0], first.strftime("%d %b"))]
        if len(x) > 1:
            ticks.append((x[-1], date.fromisoformat(points[-1]["date"]).strftime("%d %b")))
        values = [load_value(p["e1rm_kg"], units) for p in points]
        multiples.append(
            {
                "name": ex["name"],
                "key": ex["key"],
                "last": load(points[-1]["e1rm_kg"], units),
                "svg": line_chart(
                    x,
                    [
                        Series(
                            f"e1RM, {unit}",
                            values,
                            C_CTL,
                            markers=True,
                            tip_format=lambda v: f"{v:.1f} {unit}",
                        )
                    ],
                    y_ticks=2,
                    x_ticks=ticks,
                    x_format=partial(_day_after, first),
                    left_min_span=max(
                        E1RM_MIN_SPAN_SHARE * max((v or 0.0) for v in values),
                        E1RM_MIN_SPAN.get(units, 0.0),
                    ),
                    zero_based=False,
                    width=300,
                    height=120,
                    title=f"{ex['name']}: estimated 1RM",
                    css_class="chart small",
                    left_label=f"e1RM, {load_unit(units)}",
                ),
            }
        )
    weeks = trends["weekly_hard_sets"][-8:]
    top = HEAT_TOP  # the body maps' one scale: a colour means the same load on every page
    grid = [
        {
            "key": key,
            "label": label(key),
            "cells": [_heat_cell(w["muscles"].get(key, 0.0), top) for w in weeks],
        }
        for key in MUSCLES
    ]
    return {
        "multiples": multiples,
        "weeks": [date.fromisoformat(w["week"]) for w in weeks],
        "grid": grid,
        "exercises": report["exercises"],
    }


def exercise_line(e: Any, units: str = "metric") -> str:
    """A planned exercise as ``PlannedExercise.line()`` writes it: the planner already wrote
    the load in the athlete's units (``Goblet Squat: 3 × 8 @ RIR 2, 35 lb``); ``units`` is kept
    for a load the planner did not word."""
    text: str = e.line()
    if e.load_kg and not e.load_text:
        text += f" ({load(e.load_kg, units)})"
    return text


def _effort(s: Mapping[str, Any]) -> str:
    if s.get("rir") is not None:
        return f"RIR {s['rir']:g}"
    if s.get("rpe") is not None:
        return f"RPE {s['rpe']:g}"
    return "–"


def _set_load(s: Mapping[str, Any], units: str) -> str:
    if not s.get("load_kg"):
        return "bodyweight" if s.get("reps") is not None or s.get("duration_s") else "–"
    return load(s["load_kg"], units) + (" each" if s.get("per_hand") else "")


def strength_session_view(session: Mapping[str, Any], units: str = "metric") -> dict[str, Any]:
    """The sets table, verdict and muscle map of ``Library.strength_session``."""
    verdict = serialise.verdict(session.get("verdict")) or {}
    muscles = (verdict.get("stimulus") or {}).get("muscles") or {}
    rows = []
    counts: dict[str, int] = {}
    previous = None
    for s in session["sets"]:
        counts[s["exercise"]] = counts.get(s["exercise"], 0) + 1
        if s["reps"] is not None:
            amount = str(s["reps"])
        elif s.get("duration_s"):
            amount = f"{fmt_duration(s['duration_s'])} hold"
        else:
            amount = "–"
        rows.append(
            {
                "name": s["name"],
                "first": s["exercise"] != previous,
                "n": counts[s["exercise"]],
                "reps": amount,
                "load": _set_load(s, units),
                "effort": _effort(s),
                "set_type": s["set_type"],
                "warmup": s["warmup"],
                "mapped": s["mapped"],
            }
        )
        previous = s["exercise"]
    working = [s for s in session["sets"] if not s["warmup"]]
    return {
        "rows": rows,
        "working_sets": len(working),
        "warmup_sets": len(session["sets"]) - len(working),
        "exercises": len({s["exercise"] for s in session["sets"]}),
        "verdict": verdict,
        "body_svg": body_map(muscles, title="This session's load per muscle group"),
        "heat_legend": heat_legend(max((float(muscles.get(k, 0)) for k in MUSCLES), default=0)),
        "top_muscles": most_worked(muscles),
    }


FILTERS: dict[str, Any] = {"exercise_line": exercise_line}
