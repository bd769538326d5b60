"""Write an activity as Garmin Training Center XML (TCX v2) with laps and the ActivityExtension
v2 ``TPX`` (``Speed``, ``RunCadence`` per leg) on each trackpoint."""

from __future__ import annotations

import numpy as np
from lxml import etree

from legday.model import Activity, Lap
from legday.synth.gpx_writer import iso_z

__all__ = ["TCX_NS", "TPX_NS", "write_tcx"]

#: TCX v2 namespace.
TCX_NS = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
#: Garmin ActivityExtension v2 namespace (TPX, LX).
TPX_NS = "http://www.garmin.com/xmlschemas/ActivityExtension/v2"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
#: FIT lap intensity → TCX ``Intensity`` (TCX knows only Active and Resting).
_INTENSITY = {"rest": "Resting", "recovery": "Resting"}
#: FIT lap trigger → TCX ``TriggerMethod``.
_TRIGGER = {"distance": "Distance", "time": "Time", "position_start": "Location"}


def _lap_bounds(activity: Activity) -> list[tuple[Lap | None, int, int]]:
    ts = activity.samples["timestamp"]
    if not activity.laps:
        return [(None, 0, ts.shape[0])]
    out: list[tuple[Lap | None, int, int]] = []
    for k, lap in enumerate(activity.laps):
        a = int(np.searchsorted(ts, lap.start, side="left"))
        last = k == len(activity.laps) - 1
        b = ts.shape[0] if last else int(np.searchsorted(ts, lap.end, side="left"))
        out.append((lap, a, b))
    return out


def _lap_calories(activity: Activity, lap_distance_m: float) -> int:
    """The session's calories shared out by distance (TCX requires a value per lap)."""
    totals = activity.totals
    total_kcal = totals.total_calories_kcal if totals else None
    if not total_kcal or activity.distance_m <= 0:
        return 0
    return round(total_kcal * lap_distance_m / activity.distance_m)


def write_tcx(activity: Activity) -> bytes:
    """TCX bytes (UTF-8, with XML declaration): one Activity, its laps and every sample."""
    s = activity.samples
    n = f"{{{TCX_NS}}}"
    x = f"{{{TPX_NS}}}"
    root = etree.Element(
        n + "TrainingCenterDatabase", nsmap={None: TCX_NS, "ns3": TPX_NS, "xsi": _XSI}
    )
    acts = etree.SubElement(root, n + "Activities")
    act = etree.SubElement(acts, n + "Activity", Sport="Running")
    etree.SubElement(act, n + "Id").text = iso_z(activity.start.timestamp())
    hr, cad, spd = s["heart_rate_bpm"], np.round(s["cadence_spm"] / 2.0), s["speed_mps"]
    for lap, a, b in _lap_bounds(activity):
        start = lap.start if lap else float(s["timestamp"][0])
        el = etree.SubElement(act, n + "Lap", StartTime=iso_z(start))
        elapsed = lap.total_timer_s if lap and lap.total_timer_s is not None else 0.0
        dist = lap.total_distance_m if lap and lap.total_distance_m is not None else 0.0
        etree.SubElement(el, n + "TotalTimeSeconds").text = f"{elapsed:.1f}"
        etree.SubElement(el, n + "DistanceMeters").text = f"{dist:.2f}"
        lap_spd = spd[a:b]
        if lap_spd.size and np.isfinite(lap_spd).any():
            etree.SubElement(el, n + "MaximumSpeed").text = f"{np.nanmax(lap_spd):.3f}"
        etree.SubElement(el, n + "Calories").text = str(_lap_calories(activity, dist))
        lap_hr = hr[a:b]
        if lap_hr.size and np.isfinite(lap_hr).any():
            avg = etree.SubElement(el, n + "AverageHeartRateBpm")
            etree.SubElement(avg, n + "Value").text = str(round(float(np.nanmean(lap_hr))))
            mx = etree.SubElement(el, n + "MaximumHeartRateBpm")
            etree.SubElement(mx, n + "Value").text = str(int(np.nanmax(lap_hr)))
        intensity = _INTENSITY.get(lap.intensity or "", "Active") if lap else "Active"
        etree.SubElement(el, n + "Intensity").text = intensity
        trigger = _TRIGGER.get(lap.trigger or "", "Manual") if lap else "Manual"
        etree.SubElement(el, n + "TriggerMethod").text = trigger
        track = etree.SubElement(el, n + "Track")
        for i in range(a, b):
            tp = etree.SubElement(track, n + "Trackpoint")
            etree.SubElement(tp, n + "Time").text = iso_z(float(s["timestamp"][i]))
            la, lo = s["latitude_deg"][i], s["longitude_deg"][i]
            if np.isfinite(la) and np.isfinite(lo):
                pos = etree.SubElement(tp, n + "Position")
                etree.SubElement(pos, n + "LatitudeDegrees").text = f"{la:.7f}"
                etree.SubElement(pos, n + "LongitudeDegrees").text = f"{lo:.7f}"
            if np.isfinite(s["altitude_m"][i]):
                etree.SubElement(tp, n + "AltitudeMeters").text = f"{s['altitude_m'][i]:.1f}"
            if np.isfinite(s["distance_m"][i]):
                etree.SubElement(tp, n + "DistanceMeters").text = f"{s['distance_m'][i]:.2f}"
            if np.isfinite(hr[i]):
                bpm = etree.SubElement(tp, n + "HeartRateBpm")
                etree.SubElement(bpm, n + "Value").text = str(int(hr[i]))
            if np.isfinite(spd[i]) or np.isfinite(cad[i]):
                tpx = etree.SubElement(etree.SubElement(tp, n + "Extensions"), x + "TPX")
                if np.isfinite(spd[i]):
                    etree.SubElement(tpx, x + "Speed").text = f"{spd[i]:.3f}"
                if np.isfinite(cad[i]):
                    etree.SubElement(tpx, x + "RunCadence").text = str(int(cad[i]))
    creator = etree.SubElement(act, n + "Creator")
    creator.set(f"{{{_XSI}}}type", "Device_t")
    etree.SubElement(creator, n + "Name").text = activity.device or "legday synthetic"
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data
