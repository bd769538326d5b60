"""From the library's results to what the templates draw: charts, colours and labels.

No numbers are computed here beyond display: units for people (pace per km or mile),
downsampling a long stream to the chart's width, and picking colours. Every value shown comes
from a :class:`~legday.store.library.Library` call.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from legday import serialise
from legday.cli.common import fmt_duration
from legday.model import MUSCLES, WEEKDAYS
from legday.stimulus.activities import RUNNING_SPORTS

from .bodymap import MUSCLE_LABELS, body_map, heat_legend
from .run_views import binned, pace_axis_limits
from .svg import Band, Bar, Series, bar_chart, elapsed_minutes, line_chart
from .units import (
    FEET_PER_METRE,
    METRES_PER_MILE,
    distance,
    elevation,
    elevation_unit,
    load,
    pace,
    pace_unit,
)

__all__ = [
    "FILTERS",
    "KIND_COLOURS",
    "activity_view",
    "badge",
    "session_link",
    "week_view",
]

FloatArray = npt.NDArray[np.float64]

#: Colour of each run kind (and of strength and other sessions) on the calendar.
KIND_COLOURS: dict[str, str] = {
    "recovery": "#93c5fd",
    "easy": "#60a5fa",
    "long": "#2563eb",
    "tempo": "#7c3aed",
    "mixed": "#a855f7",
    "fartlek": "#fb923c",
    "intervals": "#f97316",
    "strides": "#f59e0b",
    "hill_repeats": "#b45309",
    "sprints": "#dc2626",
    "race": "#db2777",
    "strength": "#16a34a",
    "other": "#94a3b8",
}
#: Shading of a run's segments by role.
ROLE_COLOURS: dict[str, str] = {
    "warmup": "rgba(148,163,184,0.07)",
    "work": "rgba(249,115,22,0.20)",
    "recovery": "rgba(59,130,246,0.08)",
    "steady": "rgba(34,197,94,0.06)",
    "cooldown": "rgba(148,163,184,0.07)",
}
#: Heart-rate zone colours, Z1 to Z5.
ZONE_COLOURS = ("#94a3b8", "#60a5fa", "#22c55e", "#f59e0b", "#ef4444")
#: Slower than this is standing or walking, not running pace (m/s; 16:40 per km).
PACE_FLOOR_MPS = 1.0
#: Line colours of the charts.
C_PACE, C_GAP, C_HR, C_ELEV = "#2563eb", "#f97316", "#dc2626", "#64748b"
C_TRIMP, C_CTL, C_ATL, C_STRENGTH = "#93c5fd", "#1d4ed8", "#f97316", "#16a34a"
#: The shade over the week's own days on the load chart (and its legend's swatch).
C_THIS_WEEK = "rgba(228,87,46,0.12)"


def badge(session: Mapping[str, Any]) -> tuple[str, str]:
    """The verdict badge of a week session: (css class, text)."""
    if session.get("counts_as_leg_day"):
        return "legday", "leg day"
    category = session.get("category") or session.get("type") or "other"
    return str(category), str(category)


def kind_of(session: Mapping[str, Any]) -> str:
    if session.get("type") == "strength":
        return "strength"
    return str(session.get("kind") or "other")


def label(key: str | None) -> str:
    """``hill_repeats`` → ``hill repeats``; muscle keys → their names."""
    if key is None:
        return "–"
    return MUSCLE_LABELS.get(key, key.replace("_", " "))


def reps(value: int | None) -> str:
    """Repetitions, or "hold" for a timed set (no reps)."""
    return "hold" if value is None else str(value)


def _fmt_pace(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 60}:{s % 60:02d}"


FILTERS: dict[str, Any] = {
    "reps": reps,
    "duration": fmt_duration,
    "distance": distance,
    "pace": pace,
    "load": load,
    "elevation": elevation,
    "label": label,
    "session_link": lambda session_id: session_link(session_id),
}


def most_worked(muscles: Mapping[str, float], n: int = 5) -> list[tuple[str, float]]:
    """The ``n`` most loaded of the sixteen groups, for the caption under a body map."""
    loaded = [(label(k), float(muscles.get(k, 0.0))) for k in MUSCLES]
    return sorted((m for m in loaded if m[1] > 0), key=lambda m: -m[1])[:n]


# -- week ---------------------------------------------------------------------------------------
def _day_ticks(days: Sequence[str]) -> list[tuple[float, str]]:
    return [
        (float(i), date.fromisoformat(d).strftime("%d %b"))
        for i, d in enumerate(days)
        if date.fromisoformat(d).weekday() == 0
    ]


def session_link(session_id: int | str) -> str:
    """The page of a week session: ``/activity/12`` for an activity, ``/strength/session/5``
    for a strength session (``"s5"`` in the week's JSON)."""
    if isinstance(session_id, int):
        return f"/activity/{session_id}"
    text = str(session_id)
    if text.isdigit():  # the API's vocabulary: "12"
        return f"/activity/{text}"
    if text.startswith("s") and text[1:].isdigit():
        return f"/strength/session/{text[1:]}"
    return "/strength"


def week_view(
    data: Mapping[str, Any],
    units: str = "metric",
    distances: Mapping[int, float] | None = None,
) -> dict[str, Any]:
    """Calendar days, body map and load chart for ``WeekReport.to_dict()``; ``distances``
    (``Library.activity_distances``) puts each activity's distance on its card."""
    distances = distances or {}
    monday = date.fromisoformat(data["start"])
    days = []
    for i, key in enumerate(WEEKDAYS):
        day = monday + timedelta(days=i)
        sessions = [
            {
                **s,
                "badge": badge(s),
                "colour": KIND_COLOURS.get(kind_of(s), KIND_COLOURS["other"]),
                "label": label(kind_of(s)),
                "link": session_link(s["id"]),
                "distance": (
                    distance(distances[s["id"]], units)
                    if isinstance(s["id"], int) and s["id"] in distances
                    else None
                ),
            }
            for s in data["sessions"]
            if s["date"] == day.isoformat()
        ]
        days.append({"key": key, "date": day, "sessions": sessions})
    layers = {
        name: {k: float(data["layers"][name].get(k, 0.0)) for k in MUSCLES}
        for name in ("strength", "endurance")
    }
    strength, endurance = layers["strength"], layers["endurance"]
    daily = data["load"]["daily"]
    x = list(range(len(daily["days"])))
    load_svg = line_chart(
        x,
        [
            Series("daily TRIMP", daily["trimp"], C_TRIMP, style="bars"),
            Series("fitness (CTL)", daily["ctl"], C_CTL),
            Series("fatigue (ATL)", daily["atl"], C_ATL),
            Series("strength load", daily["strength"], C_STRENGTH, style="dots", axis="right"),
            Series(
                "strength fitness", daily["strength_ctl"], C_STRENGTH, axis="right", dashed=True
            ),
        ],
        x_ticks=_day_ticks(daily["days"]),
        x_format=lambda i: date.fromisoformat(daily["days"][round(i)]).strftime("%a %d %b"),
        bands=[Band(len(x) - 7.5, len(x) - 0.5, C_THIS_WEEK, "this week")],
        title="Training load over the last four weeks",
        height=230,
        left_label="TRIMP",
        right_label="hard-set eq.",
    )
    kinds_seen = sorted({kind_of(s) for s in data["sessions"]})
    return {
        "days": days,
        "body_svg": body_map(strength, title="This week's strength stimulus per muscle group"),
        "top_muscles": most_worked(strength),
        "heat_legend": heat_legend(max(strength.values(), default=0.0)),
        "endurance_svg": body_map(endurance, title="This week's endurance load per muscle group"),
        "endurance_top": most_worked(endurance),
        "endurance_legend": heat_legend(max(endurance.values(), default=0.0)),
        "load_svg": load_svg,
        "legend": [(label(k), KIND_COLOURS.get(k, KIND_COLOURS["other"])) for k in kinds_seen],
        "load_legend": [
            ("daily TRIMP", C_TRIMP),
            ("fitness (CTL)", C_CTL),
            ("fatigue (ATL)", C_ATL),
            ("strength load and its trend (right axis)", C_STRENGTH),
            ("this week (shaded)", C_THIS_WEEK),
        ],
        "prev": (monday - timedelta(days=7)).isoformat(),
        "next": (monday + timedelta(days=7)).isoformat(),
    }


# -- activity -----------------------------------------------------------------------------------
def _minutes_ticks(span_min: float) -> list[tuple[float, str]]:
    step = next(s for s in (5, 10, 15, 20, 30, 60, 120) if span_min / s <= 9)
    return [(float(m), f"{m}′") for m in range(0, int(span_min) + 1, step)]


def _list(a: FloatArray) -> list[float | None]:
    return [float(v) if math.isfinite(v) else None for v in a]


#: What a page says when a file lacks a channel: (channel keys, note).
MISSING_NOTES: dict[str, tuple[tuple[str, ...], str]] = {
    "hr": (
        ("heart_rate_bpm",),
        "No heart rate in this file: no heart-rate chart, time in zones, cardio-band time or "
        "TRIMP for this session.",
    ),
    "altitude": (
        ("altitude_m",),
        "No altitude in this file: no elevation chart, and grade-adjusted pace equals pace "
        "(the run is taken as flat).",
    ),
    "gps": (
        ("latitude_deg", "longitude_deg"),
        "No GPS in this file (a treadmill or indoor run): distance and pace are the watch's own "
        "(footpod or wrist), and there is no route.",
    ),
    "speed": (
        ("speed_mps", "distance_m"),
        "No speed or distance in this file: no pace chart and no repetitions by pace.",
    ),
}


def missing_channels(streams: Mapping[str, FloatArray]) -> dict[str, str]:
    """The notes of :data:`MISSING_NOTES` whose channels hold no finite sample."""

    def has(key: str) -> bool:
        values = streams.get(key)
        return values is not None and bool(np.isfinite(values).any())

    return {
        name: note for name, (keys, note) in MISSING_NOTES.items() if not any(has(k) for k in keys)
    }


def reps_view(blocks: Sequence[Mapping[str, Any]], units: str) -> list[dict[str, Any]]:
    """Each block of ``Library.activity_reps`` with display strings for its summary and reps."""
    out = []
    for b in blocks:
        reps_list = [
            {
                "n": r["n"],
                "at": fmt_duration(r["start_s"]),
                "duration": fmt_duration(r["duration_s"]),
                "distance": distance(r["distance_m"], units),
                "pace": pace(r["avg_speed_mps"], units),
                "gap": pace(r["avg_grade_adjusted_speed_mps"], units),
                "hr": "–" if r["avg_hr"] is None else f"{r['avg_hr']:.0f}",
                "grade": "–" if r["grade_pct"] is None else f"{r['grade_pct']:+.1f} %",
                "recovery": "–" if r["recovery_s"] is None else fmt_duration(r["recovery_s"]),
            }
            for r in b.get("reps_list") or []
        ]
        out.append(
            {
                "pattern": label(b["pattern"]),
                "reps": b["reps"],
                "work": fmt_duration(b["work_s"]),
                "recovery": fmt_duration(b["recovery_s"]) if b.get("recovery_s") else "–",
                "distance": distance(b["work_distance_m"], units)
                if b.get("work_distance_m")
                else "–",
                "grade": f"{b['avg_grade_pct']:+.1f} %"
                if b.get("avg_grade_pct") is not None
                else "–",
                "reps_list": reps_list,
            }
        )
    return out


def activity_view(
    activity: Mapping[str, Any],
    streams: Mapping[str, FloatArray],
    units: str,
    blocks: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """Charts for one stored activity and its streams (see ``Library.activity_streams``);
    ``blocks`` are its repetitions (``Library.activity_reps``)."""
    analysis = activity.get("analysis") or {}
    verdict = serialise.verdict(activity.get("verdict")) or {}
    n = len(next(iter(streams.values()))) if streams else 0
    nan = np.full(n, np.nan)
    t_min = binned(streams.get("elapsed_s", np.arange(n, dtype=np.float64))) / 60.0
    metres = METRES_PER_MILE if units == "imperial" else 1000.0
    missing = missing_channels(streams)

    def pace_line(key: str) -> list[float | None]:
        speed = binned(streams.get(key, nan))
        with np.errstate(invalid="ignore", divide="ignore"):
            p = np.where(speed >= PACE_FLOOR_MPS, metres / speed, np.nan)
        return _list(p)

    # walking recoveries and stops sit at the axis's edge instead of squashing the reps
    limits = pace_axis_limits(streams.get("speed_mps", nan))
    pace_limits = (metres / limits[0], metres / limits[1]) if limits else None

    bands = [
        Band(
            s["start_s"] / 60.0,
            s["end_s"] / 60.0,
            ROLE_COLOURS.get(s["role"], "rgba(0,0,0,0)"),
            f"{s['role']}: {fmt_duration(s['start_s'])}–{fmt_duration(s['end_s'])}, "
            f"{pace(s['avg_speed_mps'], units)}, "
            f"GAP {pace(s['avg_grade_adjusted_speed_mps'], units)}",
        )
        for s in analysis.get("segments") or []
    ]
    x = list(t_min)
    ticks = _minutes_ticks(float(np.nanmax(t_min)) if n and np.isfinite(t_min).any() else 0.0)
    unit = pace_unit(units)
    is_run = str(activity.get("sport") or "running") in RUNNING_SPORTS
    pace_series = [Series(f"pace {unit}", pace_line("speed_mps"), C_PACE)]
    if "altitude" not in missing:  # without altitude GAP is pace: one line, not two
        pace_series.append(
            Series(f"grade-adjusted pace {unit}", pace_line("grade_adjusted_speed_mps"), C_GAP)
        )
    feet = FEET_PER_METRE if units == "imperial" else 1.0
    speed_unit = "mph" if units == "imperial" else "km/h"
    per_hour = 3600.0 / (METRES_PER_MILE if units == "imperial" else 1000.0)
    charts = {
        "pace": line_chart(
            x,
            pace_series,
            bands=bands,
            x_ticks=ticks,
            invert_left=True,
            zero_based=False,
            left_format=_fmt_pace,
            left_tick_unit=60.0,  # ticks on whole (or half) minutes of pace
            left_limits=pace_limits,
            title=f"Pace and grade-adjusted pace, min {unit}",
            x_label="min",
            x_format=elapsed_minutes,
            left_label=f"pace, min{unit}",
        )
        if is_run
        else line_chart(  # other sports read speed, never a running pace (R12)
            x,
            [
                Series(
                    f"speed, {speed_unit}",
                    _list(binned(streams.get("speed_mps", nan)) * per_hour),
                    C_PACE,
                )
            ],
            x_ticks=ticks,
            title=f"Speed, {speed_unit}",
            x_label="min",
            x_format=elapsed_minutes,
            left_label=speed_unit,
        ),
        "hr": line_chart(
            x,
            [Series("heart rate, bpm", _list(binned(streams.get("heart_rate_bpm", nan))), C_HR)],
            bands=bands,
            x_ticks=ticks,
            zero_based=False,
            title="Heart rate",
            height=170,
            x_label="min",
            x_format=elapsed_minutes,
            left_label="bpm",
        ),
        "elevation": line_chart(
            x,
            [
                Series(
                    f"elevation, {elevation_unit(units)}",
                    _list(binned(streams.get("altitude_m", nan)) * feet),
                    C_ELEV,
                    style="area",
                )
            ],
            bands=bands,
            x_ticks=ticks,
            zero_based=False,
            title="Elevation",
            height=150,
            x_label="min",
            x_format=elapsed_minutes,
            left_label=elevation_unit(units),
        ),
    }
    zones = (analysis.get("hr") or {}).get("zones_s") or {}
    total = sum(zones.values()) or 1.0
    charts["zones"] = bar_chart(
        [
            Bar(name, float(s), ZONE_COLOURS[i % len(ZONE_COLOURS)], f"{s / total:.0%}")
            for i, (name, s) in enumerate(zones.items())
        ],
        title="Time in heart-rate zones",
        value_format=fmt_duration,
    )
    muscles = (verdict.get("stimulus") or {}).get("muscles") or {}
    charts["body"] = body_map(muscles, title="This session's load per muscle group")
    return {
        "charts": charts,
        "heat_legend": heat_legend(max((float(muscles.get(k, 0)) for k in MUSCLES), default=0)),
        "top_muscles": most_worked(muscles),
        "analysis": analysis,
        "verdict": verdict,
        "roles": [(r, c) for r, c in ROLE_COLOURS.items()],
        "units": units,
        "missing": missing,
        "blocks": reps_view(blocks, units) if is_run else [],
        "has_gap": "altitude" not in missing,
        "is_run": is_run,
        "speed_unit": speed_unit,
    }
