"""Write a history to disk: activity files with ``.truth.json`` sidecars, one Strong CSV."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from legday.synth.fit_writer import write_fit
from legday.synth.gpx_writer import write_gpx
from legday.synth.history import History
from legday.synth.runs import SyntheticRun
from legday.synth.strong_csv import write_strong_csv
from legday.synth.tcx_writer import write_tcx

__all__ = ["FORMATS", "Format", "truth_path", "write_history", "write_run"]

Format = Literal["fit", "gpx", "tcx"]

#: Activity file formats the synthetic runner writes.
FORMATS: tuple[str, ...] = ("fit", "gpx", "tcx")
#: Name of the Strong CSV written by :func:`write_history`.
STRONG_CSV_NAME = "strong.csv"


def truth_path(path: Path) -> Path:
    """The ground-truth sidecar of an activity file: ``<file>.truth.json``."""
    return path.with_name(path.name + ".truth.json")


def _encode(run: SyntheticRun, fmt: str) -> bytes:
    if fmt == "fit":
        return write_fit(run.activity, run.truth, legacy_fields=run.device.legacy_fields)
    if fmt == "gpx":
        return write_gpx(run.activity)
    if fmt == "tcx":
        return write_tcx(run.activity)
    raise ValueError(f"unknown format {fmt!r}; valid: {', '.join(FORMATS)}")


def write_run(run: SyntheticRun, path: Path, fmt: Format = "fit") -> Path:
    """Write one run as ``fmt`` to ``path`` and its truth to ``<path>.truth.json``."""
    path.write_bytes(_encode(run, fmt))
    truth = json.dumps(run.truth.to_dict(), indent=2, sort_keys=True) + "\n"
    truth_path(path).write_text(truth, encoding="utf-8")
    return path


def write_history(
    history: History,
    folder: Path,
    *,
    formats: Sequence[Format] = ("fit",),
    strong_csv: bool = True,
) -> list[Path]:
    """Write every run of ``history`` into ``folder`` and return the activity files (and the
    Strong CSV) written.

    Runs cycle through ``formats`` in date order; GPX needs positions, so a run from a device
    without GPS is written as the next non-GPX format (FIT when ``formats`` has no other).
    Same history → byte-identical files.
    """
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ValueError(f"formats must be a non-empty selection of {', '.join(FORMATS)}")
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for i, run in enumerate(history.runs):
        fmt: Format = formats[i % len(formats)]
        if fmt == "gpx" and not run.device.has_gps:
            fmt = next((f for f in formats if f != "gpx"), "fit")
        local = run.activity.local_start
        name = f"{local:%Y-%m-%d_%H%M}_run.{fmt}"  # neutral: the kind is in the sidecar
        written.append(write_run(run, folder / name, fmt))
    if strong_csv and history.strength:
        csv_path = folder / STRONG_CSV_NAME
        csv_path.write_text(write_strong_csv(history.strength), encoding="utf-8", newline="")
        written.append(csv_path)
    return written
