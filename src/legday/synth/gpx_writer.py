"""Write an activity as GPX 1.1 with Garmin's TrackPointExtension v1 (``hr``, ``cad``).

As Garmin Connect exports do, cadence is written per leg (strides/min) and only points with a
position are written (GPX has no point without latitude and longitude).
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from lxml import etree

from legday.model import Activity

__all__ = ["GPXTPX_NS", "GPX_NS", "iso_z", "write_gpx"]

#: GPX 1.1 namespace (Topografix).
GPX_NS = "http://www.topografix.com/GPX/1/1"
#: Garmin TrackPointExtension v1 namespace.
GPXTPX_NS = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
_SCHEMA = (
    "http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd "
    "http://www.garmin.com/xmlschemas/TrackPointExtension/v1 "
    "http://www.garmin.com/xmlschemas/TrackPointExtensionv1.xsd"
)
_XSI = "http://www.w3.org/2001/XMLSchema-instance"


def iso_z(posix: float) -> str:
    """``2026-11-02T07:00:00Z``."""
    return datetime.fromtimestamp(round(posix), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_gpx(activity: Activity) -> bytes:
    """GPX bytes (UTF-8, with XML declaration) of the points that have a position."""
    s = activity.samples
    g = f"{{{GPX_NS}}}"
    t = f"{{{GPXTPX_NS}}}"
    root = etree.Element(
        g + "gpx", nsmap={None: GPX_NS, "gpxtpx": GPXTPX_NS, "xsi": _XSI}, version="1.1",
        creator=activity.device or "legday synthetic",
    )  # fmt: skip
    root.set(f"{{{_XSI}}}schemaLocation", _SCHEMA)
    meta = etree.SubElement(root, g + "metadata")
    etree.SubElement(meta, g + "time").text = iso_z(activity.start.timestamp())
    trk = etree.SubElement(root, g + "trk")
    etree.SubElement(trk, g + "name").text = activity.name or "Run"
    etree.SubElement(trk, g + "type").text = activity.sport
    seg = etree.SubElement(trk, g + "trkseg")
    lat, lon = s["latitude_deg"], s["longitude_deg"]
    keep = np.flatnonzero(np.isfinite(lat) & np.isfinite(lon))
    alt = s["altitude_m"]
    hr = s["heart_rate_bpm"]
    cad = np.round(s["cadence_spm"] / 2.0)
    for i in keep.tolist():
        pt = etree.SubElement(seg, g + "trkpt", lat=f"{lat[i]:.7f}", lon=f"{lon[i]:.7f}")
        if np.isfinite(alt[i]):
            etree.SubElement(pt, g + "ele").text = f"{alt[i]:.1f}"
        etree.SubElement(pt, g + "time").text = iso_z(float(s["timestamp"][i]))
        if np.isfinite(hr[i]) or np.isfinite(cad[i]):
            ext = etree.SubElement(
                etree.SubElement(pt, g + "extensions"), t + "TrackPointExtension"
            )
            if np.isfinite(hr[i]):
                etree.SubElement(ext, t + "hr").text = str(int(hr[i]))
            if np.isfinite(cad[i]):
                etree.SubElement(ext, t + "cad").text = str(int(cad[i]))
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data
