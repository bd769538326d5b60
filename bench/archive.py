"""A long training archive for benchmarks: N runs (FIT, GPX, TCX, some zipped), a Strong CSV and a
Strava export zip, from the synthetic runner; cached, deterministic by seed.

The archive is a chain of 8-week training blocks (:func:`legday.synth.generate_history`: easy runs,
a weekly long run, a rotating quality session, a race at the end of each block, 0–3 lifting
sessions a week), newest block ending on :data:`END`. At ~4.6 runs a week, 5,000 runs reach back
about twenty years and carry ~2,000 lifting sessions. The watch records smart (a point every 1–7
s, as most Garmins do by default), which keeps files at a realistic size and writing fast.

Of every ten blocks, one goes into a plain zip (a folder someone zipped) and one into a
Strava-export-shaped zip (``activities.csv`` plus gzipped recordings); the rest are loose files.
Blocks are written in parallel; the result is cached under ``bench/results/archive`` (git-ignored).

    python bench/archive.py [--runs 5000] [--seed 0] [--workers 2]
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

from legday.io.strava import DATE_FORMAT
from legday.model import StrengthSession
from legday.synth import (
    Device,
    SyntheticAthlete,
    generate_history,
    write_fit,
    write_gpx,
    write_strong_csv,
    write_tcx,
)

#: Where archives are cached (git-ignored).
CACHE = Path(__file__).parent / "results" / "archive"
#: The newest block's last day (a Sunday).
END = date(2026, 11, 29)
#: Weeks in a training block (one race at its end, one overload long run in its middle).
BLOCK_WEEKS = 8
#: Of every ten blocks, the one zipped as a plain folder zip and the one in the Strava export.
ZIPPED_BLOCK, STRAVA_BLOCK = 2, 1
#: Runs a block holds, about (to size the first batch of blocks).
RUNS_PER_BLOCK = 36
#: The watch every run is recorded with: GPS (so GPX has a track), barometer, smart recording.
WATCH = Device(name="synthetic gps watch", recording="smart", noise=1)
#: A fixed date for zip members, so the same seed gives byte-identical zips.
ZIP_DATE = (2026, 12, 1, 0, 0, 0)
_FORMATS = ("fit", "gpx", "tcx")


@dataclass(frozen=True, slots=True)
class Archive:
    """A generated archive: its folder and what it holds."""

    path: Path
    runs: int
    strength_sessions: int
    first_day: date
    last_day: date


def _athlete(seed: int) -> SyntheticAthlete:
    return SyntheticAthlete.sample(np.random.default_rng([seed, 99]))


def _block_end(block: int) -> date:
    return END - timedelta(weeks=BLOCK_WEEKS * block)


def _write_block(args: tuple[Path, int, int]) -> tuple[list[str], list[StrengthSession]]:
    """Write block ``block`` (0 = newest) into ``folder/bNNNN``; its files newest first and its
    lifting sessions."""
    folder, seed, block = args
    history = generate_history(
        BLOCK_WEEKS, seed=seed * 100_000 + block, athlete=_athlete(seed),
        end=_block_end(block), device=WATCH,
    )  # fmt: skip
    out = folder / f"b{block:04d}"
    out.mkdir(parents=True, exist_ok=True)
    names = []
    for i, run in enumerate(history.runs):
        fmt = _FORMATS[(i + block) % len(_FORMATS)]
        writer = {"fit": write_fit, "gpx": write_gpx, "tcx": write_tcx}[fmt]
        name = f"{run.activity.local_start:%Y-%m-%d_%H%M}_run.{fmt}"
        (out / name).write_bytes(writer(run.activity))
        names.append(f"{out.name}/{name}")
    return names[::-1], history.strength


def _zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _zip_block(folder: Path, block_dir: Path) -> None:
    """Replace a block's folder by a zip of it (someone zipped a folder of watch files)."""
    with zipfile.ZipFile(folder / f"{block_dir.name}.zip", "w") as zf:
        for file in sorted(block_dir.iterdir()):
            zf.writestr(_zip_info(f"{block_dir.name}/{file.name}"), file.read_bytes())
    shutil.rmtree(block_dir)


def _strava_export(folder: Path, block_dirs: list[Path]) -> int:
    """Move these blocks' files into a Strava-bulk-export-shaped zip (``activities.csv`` and
    ``activities/N.<fmt>.gz``); returns how many runs it holds."""
    files = sorted(f for d in block_dirs for f in d.iterdir())
    rows = ["Activity ID,Activity Date,Activity Name,Activity Type,Filename"]
    with zipfile.ZipFile(folder / "export_strava.zip", "w") as zf:
        for n, file in enumerate(files, start=1):
            member = f"activities/{n}{file.suffix}.gz"
            zf.writestr(_zip_info(member), gzip.compress(file.read_bytes(), mtime=0))
            when = datetime.strptime(file.name[:15], "%Y-%m-%d_%H%M").strftime(DATE_FORMAT)
            rows.append(f'{n},"{when}",Run {n},Run,{member}')
        zf.writestr(_zip_info("activities.csv"), "\n".join(rows) + "\n")
    for d in block_dirs:
        shutil.rmtree(d)
    return len(files)


def build_archive(runs: int = 5000, seed: int = 0, workers: int | None = None) -> Archive:
    """The archive of ``runs`` runs for ``seed``, generated once and then read from the cache."""
    folder = CACHE / f"seed{seed}-runs{runs}"
    marker = folder / ".complete"
    if marker.exists():
        lifts, first, last = marker.read_text().split()
        return Archive(
            folder, runs, int(lifts), date.fromisoformat(first), date.fromisoformat(last)
        )
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    t0 = time.perf_counter()
    kept: list[str] = []
    lifts: list[StrengthSession] = []
    block = 0
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        while len(kept) < runs:
            batch = range(block, block + max(1, -(-(runs - len(kept)) // RUNS_PER_BLOCK)))
            for names, strength in pool.map(_write_block, [(folder, seed, b) for b in batch]):
                take = names[: runs - len(kept)]
                for extra in names[len(take) :]:
                    (folder / extra).unlink()
                kept += take
                if take:
                    lifts += strength
            block = batch[-1] + 1
    oldest = kept[-1].split("/")[1][:10]
    lifts = [s for s in lifts if s.start.astimezone(UTC).date().isoformat() >= oldest]
    lifts.sort(key=lambda s: s.start)
    blocks = sorted(p for p in folder.iterdir() if p.is_dir())
    for d in blocks:
        if int(d.name[1:]) % 10 == ZIPPED_BLOCK:
            _zip_block(folder, d)
    _strava_export(folder, [d for d in blocks if int(d.name[1:]) % 10 == STRAVA_BLOCK])
    (folder / "strong.csv").write_text(write_strong_csv(lifts), encoding="utf-8", newline="")
    first, last = date.fromisoformat(oldest), END
    marker.write_text(f"{len(lifts)} {first} {last}\n")
    print(
        f"archive: {runs} runs and {len(lifts)} lifting sessions, {first} to {last}, written in "
        f"{time.perf_counter() - t0:.0f} s to {folder}"
    )
    return Archive(folder, runs, len(lifts), first, last)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    archive = build_archive(args.runs, args.seed, args.workers)
    size = sum(p.stat().st_size for p in archive.path.rglob("*") if p.is_file())
    print(
        f"{archive.path}: {archive.runs} runs, {archive.strength_sessions} lifting sessions, "
        f"{archive.first_day} to {archive.last_day}, {size / 1e6:.0f} MB"
    )


if __name__ == "__main__":
    main()
