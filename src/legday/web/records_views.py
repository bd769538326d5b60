"""Totals and records as the records page shows them: in the athlete's units, with a chart of
the recent weeks.

Display only: the numbers come from :func:`legday.store.records.records`, as ``legday records``
prints them.
"""

from __future__ import annotations

from typing import Any

from legday.cli.common import fmt_duration
from legday.store.records import EFFORT_LABELS, PERIODS, Records

from .svg import Series, line_chart
from .units import FEET_PER_METRE, METRES_PER_MILE, distance, elevation, load, pace
from .views import KIND_COLOURS

__all__ = ["records_view"]

#: How each period's table is headed.
PERIOD_TITLES = {"week": "Weekly totals", "month": "Monthly totals", "year": "Yearly totals"}


def records_view(found: Records, units: str) -> dict[str, Any]:
    """The page's context: personal records, lift records, each period's totals and a chart of
    the recent weeks' distance (bars, left axis) and ascent (dots, right axis)."""
    personal = [
        {
            "distance": EFFORT_LABELS[r.distance],
            "time": fmt_duration(r.elapsed_s),
            "pace": pace(r.distance_m / r.elapsed_s, units),
            "date": r.local_start.date(),
            "activity_id": r.activity_id,
            "name": r.name,
        }
        for r in found.personal
    ]
    lifts = [{"name": r.name, "e1rm": load(r.e1rm_kg, units), "date": r.day} for r in found.lifts]
    totals = {
        period: {
            "title": PERIOD_TITLES[period],
            "rows": [
                {
                    "label": t.label,
                    "first": t.first,
                    "sessions": t.sessions,
                    "runs": t.runs,
                    "distance": distance(t.distance_m, units),
                    "time": fmt_duration(t.duration_s),
                    "moving": fmt_duration(t.moving_s),
                    "ascent": elevation(t.ascent_m, units),
                }
                for t in found.totals[period]
            ],
        }
        for period in PERIODS
    }
    weeks = list(reversed(found.totals["week"]))
    imperial = units == "imperial"
    unit, per = ("mi", METRES_PER_MILE) if imperial else ("km", 1000.0)
    rise, rise_per = ("ft", 1.0 / FEET_PER_METRE) if imperial else ("m", 1.0)
    chart = line_chart(
        [float(i) for i in range(len(weeks))],
        [
            Series(
                f"distance per week, {unit}",
                [t.distance_m / per for t in weeks],
                KIND_COLOURS["easy"],
                style="bars",
            ),
            Series(
                f"ascent per week, {rise}",
                [t.ascent_m / rise_per for t in weeks],
                KIND_COLOURS["hill_repeats"],
                style="dots",
                axis="right",
            ),
        ],
        x_ticks=[(float(i), t.first.strftime("%d %b")) for i, t in enumerate(weeks)],
        x_format=lambda i: f"week of {weeks[round(i)].first:%d %b %Y}",
        title="Distance and ascent of the recent weeks",
        height=220,
        left_label=unit,
        right_label=rise,
    )
    legend = [
        (f"distance per week ({unit}, left)", KIND_COLOURS["easy"]),
        (f"ascent per week ({rise}, right)", KIND_COLOURS["hill_repeats"]),
    ]
    return {
        "personal": personal,
        "lifts": lifts,
        "totals": totals,
        "chart": chart,
        "legend": legend,
    }
