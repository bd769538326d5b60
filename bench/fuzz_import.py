"""Fuzzed files through ``legday import`` (issue 16, "Done when": ≥ 10,000 cases, 0 tracebacks).

Seeds are the real files of the shared data (``../shared/data/real``, read in place, the
smaller ones listed in ``MANIFEST.tsv``) and the synthetic writers' output (FIT, GPX, TCX and a
Strong CSV). Each case mutates one seed — byte flips, a truncation, a splice of two seeds, a
run of bytes repeated or dropped — and the cases go through :meth:`Library.import_paths` in
batches, each batch a folder imported into a fresh home. Every file's outcome is counted:

* ``imported`` / ``duplicate``: read and stored (or the same session again);
* ``typed``: refused with a :class:`~legday.errors.LegdayError`'s message;
* ``traceback``: an internal error (the importer's catch-all for a bug) or an exception that
  escaped the import.

    python bench/fuzz_import.py [--cases 10000] [--seed 0] [--batch 250]

The process exits non-zero when any case is a traceback, and prints those cases' seeds.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from legday.model import AthleteProfile
from legday.settings import Settings
from legday.store.blobs import BlobStore
from legday.store.db import open_database
from legday.store.library import Library
from legday.store.work import INTERNAL_ERROR

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
#: Real seeds larger than this are left out (bytes): each case decodes a whole file.
MAX_SEED_BYTES = 400_000
SUFFIXES = {"fit": ".fit", "gpx": ".gpx", "tcx": ".tcx", "tcx.gz": ".tcx.gz", "csv": ".csv"}


def real_seeds(root: Path = REAL) -> list[tuple[str, bytes]]:
    """(suffix, bytes) of the real files listed in the manifest, small enough to fuzz."""
    manifest = root / "MANIFEST.tsv"
    if not manifest.exists():
        return []
    out = []
    with manifest.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            path = root / row["path"]
            suffix = SUFFIXES.get(row["kind"])
            if suffix and path.is_file() and path.stat().st_size <= MAX_SEED_BYTES:
                out.append((suffix, path.read_bytes()))
    return out


def synthetic_seeds() -> list[tuple[str, bytes]]:
    """A short run as FIT, GPX and TCX, and a lifting session as a Strong CSV."""
    from legday.synth import (
        Device,
        SyntheticAthlete,
        make_run,
        make_strength_session,
        write_fit,
        write_gpx,
        write_strong_csv,
        write_tcx,
    )

    athlete = SyntheticAthlete.default()
    rng = np.random.default_rng(0)
    start = datetime(2025, 3, 3, 7, tzinfo=UTC)
    run = make_run("easy", athlete, Device.clean(), start, rng, duration_s=600.0).activity
    lift = make_strength_session(athlete, datetime(2025, 3, 4, 18, tzinfo=UTC), rng)
    return [
        (".fit", write_fit(run)),
        (".gpx", _bytes(write_gpx(run))),
        (".tcx", _bytes(write_tcx(run))),
        (".csv", write_strong_csv([lift]).encode()),
    ]


def _bytes(data: bytes | str) -> bytes:
    return data.encode() if isinstance(data, str) else data


def mutate(data: bytes, other: bytes, rng: random.Random) -> bytes:
    """One mutation of ``data`` (``other`` is the second seed of a splice)."""
    if not data:
        return other[: rng.randrange(len(other) + 1)]
    kind = rng.randrange(5)
    n = len(data)
    if kind == 0:  # byte flips
        out = bytearray(data)
        for _ in range(rng.randint(1, 16)):
            out[rng.randrange(n)] = rng.randrange(256)
        return bytes(out)
    if kind == 1:  # a truncation
        return data[: rng.randrange(n)]
    if kind == 2:  # a splice: this seed's head, the other's tail
        return data[: rng.randrange(n)] + other[rng.randrange(len(other) + 1) :]
    if kind == 3:  # a run of bytes repeated
        a = rng.randrange(n)
        b = min(n, a + rng.randint(1, 512))
        return data[:b] + data[a:b] * rng.randint(2, 8) + data[b:]
    a = rng.randrange(n)  # a run of bytes dropped
    return data[:a] + data[a + rng.randint(1, 512) :]


def cases(
    seeds: list[tuple[str, bytes]], count: int, seed: int
) -> Iterator[tuple[int, str, bytes]]:
    """(case number, suffix, bytes): each case's mutation is drawn from its own number."""
    for k in range(count):
        rng = random.Random(seed * 1_000_003 + k)
        suffix, data = rng.choice(seeds)
        _, other = rng.choice(seeds)
        yield k, suffix, mutate(data, other, rng)


def run(count: int, seed: int, batch: int, workers: int = 1) -> Counter[str]:
    """Import ``count`` cases; returns the outcome counts (``traceback`` lists no case: see
    the printed lines)."""
    seeds = real_seeds() + synthetic_seeds()
    tally: Counter[str] = Counter()
    pending = list(cases(seeds, count, seed))
    for first in range(0, len(pending), batch):
        with tempfile.TemporaryDirectory(prefix="legday-fuzz-") as tmp:
            folder, home = Path(tmp) / "in", Path(tmp) / "home"
            folder.mkdir()
            for k, suffix, data in pending[first : first + batch]:
                (folder / f"case-{k:06d}{suffix}").write_bytes(data)
            library = Library(
                db=open_database(f"sqlite:///{home / 'db.sqlite'}"),
                blobs=BlobStore(home / "originals"),
                profile=AthleteProfile(),
                settings=Settings(),
            )
            try:
                summary = library.import_paths([folder], workers=workers)
            except Exception:  # an escaped exception: every case of the batch counts
                traceback.print_exc()
                tally["traceback"] += len(pending[first : first + batch])
                continue
            finally:
                library.close()
            for report in summary.files:
                if report.status == "failed" and INTERNAL_ERROR in (report.error or ""):
                    tally["traceback"] += 1
                    print(f"traceback: {report.path}: {report.error}", file=sys.stderr)
                elif report.status == "failed":
                    tally["typed"] += 1
                else:
                    tally[report.status] += 1
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch", type=int, default=250)
    parser.add_argument("--workers", type=int, default=1)
    options = parser.parse_args()
    t0 = time.perf_counter()
    tally = run(options.cases, options.seed, options.batch, options.workers)
    shown = ", ".join(f"{k} {v}" for k, v in sorted(tally.items()))
    print(f"{sum(tally.values())} cases in {time.perf_counter() - t0:.0f} s: {shown}")
    sys.exit(1 if tally["traceback"] else 0)


if __name__ == "__main__":
    main()
