"""A small run of ``bench/fuzz_import.py``: mutated real and synthetic files (byte flips,
truncations, splices) through ``legday import`` are stored or refused with a typed error, never
an internal error (issue 16: fuzz cases through ``import``, 0 tracebacks; the full run is the
benchmark's 10,000 cases)."""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.real


def _fuzz() -> ModuleType:
    path = ROOT / "bench" / "fuzz_import.py"
    spec = importlib.util.spec_from_file_location("legday_bench_fuzz_import", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fuzzed_imports_are_stored_or_refused_never_a_traceback() -> None:
    fuzz = _fuzz()
    if not fuzz.real_seeds():
        pytest.skip("real data not found")
    tally = fuzz.run(60, seed=7, batch=60)
    assert sum(tally.values()) == 60
    assert tally["traceback"] == 0
    assert tally["typed"] > 0 and tally["imported"] > 0  # both outcomes reached


def test_each_mutation_changes_the_seed_and_is_reproducible() -> None:
    fuzz = _fuzz()
    data, other = bytes(range(256)) * 4, b"<gpx>" * 50
    for k in range(50):
        a = fuzz.mutate(data, other, random.Random(k))
        assert a == fuzz.mutate(data, other, random.Random(k))
    assert len({fuzz.mutate(data, other, random.Random(k)) for k in range(50)}) > 40


def test_a_bug_in_the_reader_is_counted_as_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    """The counter can fail: a reader that raises a plain exception is a traceback."""
    fuzz = _fuzz()
    from legday.store import work

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(work, "_decode_activity", broken)
    monkeypatch.setattr(fuzz, "real_seeds", lambda: [])
    tally = fuzz.run(12, seed=3, batch=12)
    assert tally["traceback"] > 0
