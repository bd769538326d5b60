"""No regular expression that sees user bytes can stall legday (issue 16, item 1).

Every regular expression in the readers (``legday.io``), the web upload handling and the
strength log parser is timed on adversarial inputs of growing length: inputs built to make a
backtracking engine retry (prolog items that a lazy group could swallow together, whitespace
runs before a literal that never comes, openers without a closer). Linear work takes about 4×
as long on 4× the input; the test fails above :data:`MAX_RATIO`, well below the 16× of
quadratic work, and a call that takes longer than :data:`CALL_BUDGET_S` (exponential work: the
201-byte prolog of 40 processing instructions never finished) is interrupted by a timer
signal, which ``re`` checks while it matches.

A second test finds every ``re`` call site in those packages and checks that each is timed
here, so a new pattern needs an adversarial case before it ships.
"""

from __future__ import annotations

import ast
import contextlib
import math
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import legday
from legday.errors import LegdayError

#: Ratio of the time on 4× the input to the time on the input: 4 for linear work, 16 for
#: quadratic. Generous: caches and fresh memory pages make linear work grow a little faster.
MAX_RATIO = 9.0
#: How much longer the input gets between the two timings.
GROWTH = 4
#: Runs per timing; the fastest counts (the others carry the machine's noise).
REPEATS = 5
#: The input grows (doubling) until one run takes this long, so the timer's resolution and
#: the call's fixed cost do not decide the ratio.
MIN_TIME_S = 0.004
#: A timing repeats the call until it spans this much CPU time, s …
MEASURE_S = 0.03
#: … in at most this many calls (a call on a capped input does constant, tiny work).
MAX_CALLS = 2_000
#: The longest one call may take before it counts as runaway work (CPU time).
CALL_BUDGET_S = 2.0
#: The largest input built (characters or bytes), whatever the timing says: past a few MB,
#: memory (fresh pages, caches) makes even linear work grow faster than its input.
MAX_LENGTH = 1 << 22
#: Measurements before a case fails: noise passes on a retry, super-linear work never does.
ATTEMPTS = 3

SRC = Path(legday.__file__).parent
#: Where the import-job case's folder is made (the pattern is checked before any file is read).
JOBS = Path(tempfile.gettempdir()) / "legday-hostile-regex-jobs"
#: The packages whose regular expressions see user bytes.
SCANNED = ("io", "web", "strength")


class _Runaway(Exception):
    pass


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise _Runaway


@dataclass(frozen=True)
class Case:
    """An adversarial input family: ``make(n)`` is about ``n`` units long; ``run`` applies the
    code under test to it."""

    id: str
    patterns: tuple[str, ...]
    """The call sites it covers: ``module:first argument's source`` (see :func:`_call_sites`)."""
    make: Callable[[int], Any]
    run: Callable[[Any], object]
    start: int = 16


def _cpu_once(call: Callable[[], object], times: int = 1) -> float:
    """The CPU time of ``times`` calls in a row; the budget, :data:`CALL_BUDGET_S` a call, is
    counted in CPU time too (``ITIMER_PROF``). CPU time, not the wall clock: at a load of 8 on
    2 cores a 50-ms call waits for a core for most of its time, a 1-ms one seldom, and 4× the
    input looked 12–30× as long by the wall clock."""
    previous = signal.signal(signal.SIGPROF, _alarm)
    signal.setitimer(signal.ITIMER_PROF, CALL_BUDGET_S * times)
    try:
        start = time.process_time()
        for _ in range(times):
            with contextlib.suppress(LegdayError):  # refusing the input is a fine answer
                call()
        return time.process_time() - start
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def _wall_once(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    _cpu_once(call)
    return time.perf_counter() - start


def _per_call(call: Callable[[], object], times: int) -> float:
    """CPU time per call: the fastest of :data:`REPEATS` runs of ``times`` calls each."""
    return min(_cpu_once(call, times) for _ in range(REPEATS)) / times


def growth_ratio(case: Case) -> tuple[int, float, float]:
    """(n, time per call at n, time per call at GROWTH × n), n doubled from ``case.start``
    until one call is measurable (by the wall clock, the fastest of :data:`REPEATS`). Each
    timing then repeats the call until it spans at least :data:`MEASURE_S` of CPU time, since
    this machine's CPU clock moves in steps of a few milliseconds."""
    n = case.start
    _cpu_once(partial(case.run, case.make(n)))  # a first call may import what the code needs
    try:
        while True:
            data = case.make(n)
            t = min(_wall_once(partial(case.run, data)) for _ in range(REPEATS))
            if t >= MIN_TIME_S or len(data) * GROWTH * 2 > MAX_LENGTH:
                break
            n *= 2
        times = max(GROWTH, math.ceil(MEASURE_S / max(t, MEASURE_S / MAX_CALLS)))
        t = _per_call(partial(case.run, data), times)
        t_big = _per_call(partial(case.run, case.make(n * GROWTH)), max(1, times // GROWTH))
    except _Runaway:
        pytest.fail(f"{case.id}: one call took over {CALL_BUDGET_S} s of CPU near n={n}")
    return n, t, t_big


# --- the cases -----------------------------------------------------------------------------


def _xml_root(data: bytes) -> object:
    from legday.io.detect import xml_root

    return xml_root(data)


def _normalise(data: bytes) -> object:
    from legday.io.xml import _normalise_text

    return _normalise_text(data, "hostile.gpx")


def _utf16(text: str) -> bytes:
    return text.encode("utf-16")  # with its byte-order mark


def _tokenise(shape: bytes) -> object:
    from legday.io.point_scan import _ATTR, _TOKEN

    for m in _TOKEN.finditer(shape):
        if m.group(3):
            list(_ATTR.finditer(m.group(3)))
    return None


def _shape(sample: bytes) -> object:
    from legday.io.point_scan import _VALUES, _without_texts

    return _VALUES.sub(b'""', sample), _without_texts(sample)


def _scan(data: bytes) -> object:
    from legday.io.point_scan import scan_points

    return scan_points(data, "trkpt")


def _gpx_points(first: bytes, rest: bytes, n: int) -> bytes:
    return (
        b'<?xml version="1.0"?><gpx version="1.1" creator="t" '
        b'xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>'
        + first
        + rest * n
        + b"</trkseg></trk></gpx>"
    )


_POINT = b'<trkpt lat="1" lon="2"><ele>1</ele><time>2024-01-01T00:00:00Z</time></trkpt>\n'
#: A point the template does not cover: it fails at its end, after every slot matched.
_ODD_POINT = b'<trkpt lat="1" lon="2"><ele>1</ele><time>2024-01-01T00:00:00Z</time><x/></trkpt>\n'


def _strava(header: str) -> object:
    from legday.io.strava import strava_rows

    return strava_rows((header + ",Filename\n1,a.fit\n").encode(), "activities.csv")


def _posix(text: str) -> object:
    from legday.io.isotime import posix_times

    return posix_times([text, "2024-01-01T00:00:00"])


def _duration(text: str) -> object:
    from legday.io.csv_values import parse_duration

    return parse_duration(text)


def _local(text: str) -> object:
    from legday.io.csv_values import BadValue, local_to_utc

    try:
        return local_to_utc(text, ZoneInfo("UTC"))
    except BadValue:
        return None


def _columns(header: str) -> object:
    from legday.io.strength_csv import _columns

    return _columns([header, "Date"])


def _qualifiers(name: str) -> object:
    from legday.strength.names import _without_qualifiers

    return _without_qualifiers(name)


def _normalize(name: str) -> object:
    from legday.strength.names import normalize_name

    return normalize_name(name)


def _match(name: str) -> object:
    from legday.strength.catalog import load_catalog
    from legday.strength.names import match_exercise

    return match_exercise(name, load_catalog())


def _log(text: str) -> object:
    from legday.strength.catalog import load_catalog
    from legday.strength.grammar import parse_log

    return parse_log(text, load_catalog())


def _sport(text: str) -> object:
    from legday.io.sports import normalize_sport

    return normalize_sport(text)


def _dev(name: str) -> object:
    from legday.io.fit.samples import _channel_name, _dev_name

    return _dev_name(name), _channel_name(name, name)


def _upload(name: str) -> object:
    from legday.web.uploads import safe_name

    return safe_name(name)


def _job(job_id: str) -> object:
    from legday.web.uploads import _Jobs

    return _Jobs(JOBS).path(job_id)  # NotFoundError (a LegdayError) for an id it refuses


def _member(name: str) -> object:
    from legday.io.archive import _safe_name

    return _safe_name(name)


_DETECT = ("io/detect.py:_ROOT",)
_TOKENS = ("io/point_scan.py:_TOKEN", "io/point_scan.py:_ATTR")
_SHAPES = ("io/point_scan.py:_VALUES", "io/point_scan.py:_TEXTS")

CASES = [
    # format detection: a prolog a lazy group could swallow in any number of ways
    Case("detect-pis", _DETECT, lambda n: b"<?a?>" * n, _xml_root),
    Case("detect-comments", _DETECT, lambda n: b"<!---->" * n, _xml_root),
    Case("detect-mixed", _DETECT, lambda n: b"<?a?> <!-- b --> " * n + b"<", _xml_root),
    Case("detect-unclosed-pi", _DETECT, lambda n: b"<?" + b"?" * n, _xml_root),
    Case("detect-doctype", _DETECT, lambda n: b"<!DOCTYPE a [" + b"] " * n, _xml_root),
    Case("detect-name", _DETECT, lambda n: b"<" + b"a" * n, _xml_root),
    Case("detect-utf16", _DETECT, lambda n: _utf16("<?a?>" * n), _xml_root),
    # the encoding declaration dropped after transcoding UTF-16
    Case(
        "encoding-spaces",
        ("io/xml.py:_ENCODING_DECL",),
        lambda n: _utf16("<?xml" + " " * n + "?><gpx/>"),
        _normalise,
    ),
    Case(
        "encoding-attrs",
        ("io/xml.py:_ENCODING_DECL",),
        lambda n: _utf16('<?xml a="1"' * n + " encoding='x\"?><gpx/>"),
        _normalise,
    ),
    # the point scan's tokeniser and shape (a sample is at most 16 KiB, but each must be linear)
    Case("token-attrs", _TOKENS, lambda n: b"<a" + b' b=""' * n, _tokenise),
    Case("token-spaces", _TOKENS, lambda n: b"<a" + b" " * n + b"b", _tokenise),
    Case("token-opens", _TOKENS, lambda n: b"<a " * n, _tokenise),
    Case("token-value", _TOKENS, lambda n: b'<a b="' + b"x" * n, _tokenise),
    Case("shape-quotes", _SHAPES, lambda n: b'"' + b"'x" * n, _shape),
    Case("shape-texts", _SHAPES, lambda n: b">" * n + b"x", _shape),
    # the point scan's generated pattern, over points that fail at their end
    Case(
        "scan-odd-points",
        ('io/point_scan.py:b"(" + text + b")" if whole else text',),
        lambda n: _gpx_points(_POINT, _ODD_POINT, n),
        _scan,
    ),
    Case(
        "scan-unclosed-points",
        ('io/point_scan.py:b"(" + text + b")" if whole else text',),
        lambda n: _gpx_points(_POINT, b'<trkpt lat="1" lon="2"><ele>1</ele>', n),
        _scan,
    ),
    # CSV exports
    Case("strava-tags", ("io/strava.py:_HTML_TAG",), lambda n: "<" * n, _strava),
    Case(
        "iso-offset",
        ("io/isotime.py:_HAS_OFFSET",),
        lambda n: "2024-01-01" + "T" * n + "+0",
        _posix,
    ),
    Case(
        "duration-spaces",
        ("io/csv_values.py:_DURATION_RE", 'io/csv_values.py:r"\\d{1,2}:\\d{2}(:\\d{2})?"'),
        lambda n: "1h" + " " * n + "x",
        _duration,
    ),
    Case(
        "duration-digits",
        ("io/csv_values.py:_DURATION_RE",),
        lambda n: "1" * n + "x",
        _duration,
    ),
    Case(
        "datetime-spaces",
        ("io/csv_values.py:_DATETIME_RE",),
        lambda n: "2024-01-01 10:00" + " " * n + "x",
        _local,
    ),
    Case(
        "datetime-separators",
        ("io/csv_values.py:_DATETIME_RE",),
        lambda n: "2024-01-01" + " ," * n + "x",
        _local,
    ),
    # header units: a scan (a lazy pattern was quadratic), timed all the same
    Case("unit-parens", (), lambda n: "(" * n, _columns),
    Case(
        "unit-spaces",
        (),
        lambda n: "weight" + " " * n + "(kg) x",
        _columns,
    ),
    # names and the log grammar
    Case("names-parens", ("strength/names.py:_PAREN_RE",), lambda n: "(" * n, _qualifiers),
    Case(
        "names-normalize",
        (
            'strength/names.py:r"[\'’`´]"',
            'strength/names.py:r"[^a-z0-9.]+"',
            'strength/names.py:rf"\\b{phrase}\\b"',
        ),
        lambda n: "Barbell's (Back)-Squat! " * n,
        _normalize,
    ),
    Case("names-fit", ("strength/names.py:_FIT_RE",), lambda n: "squat_" * n + ":", _match),
    Case(
        "log-effort",
        ("strength/grammar.py:_EFFORT", "strength/grammar.py:_LOAD"),
        lambda n: "squat 3x8 @ 80kg" + " " * n + "rirx",
        _log,
    ),
    Case("log-sets", ("strength/grammar.py:_SETS_REPS",), lambda n: "squat " + "1 x " * n, _log),
    Case("log-digits", ("strength/grammar.py:_SETS_REPS",), lambda n: "1" * n + "x", _log),
    # names cleaned of unsafe characters
    Case("sport", ("io/sports.py:_NOT_ALNUM",), lambda n: "run-ning " * n, _sport),
    Case(
        "fit-dev-name",
        ('io/fit/samples.py:r"[^a-z0-9]+"',),
        lambda n: "Power (W) " * n,
        _dev,
    ),
    Case("upload-name", ("web/uploads.py:_UNSAFE",), lambda n: "a<b>" * n + ".fit", _upload),
    Case("job-id", ('web/uploads.py:r"[A-Za-z0-9_-]{8,64}"',), lambda n: "a-" * n + "!", _job),
    Case("member-name", ('io/archive.py:r"^[A-Za-z]:"',), lambda n: "C" * n + ":", _member),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_pattern_is_linear(case: Case) -> None:
    for _ in range(ATTEMPTS):  # super-linear work fails every time; a busy machine does not
        n, t, t_big = growth_ratio(case)
        ratio = t_big / t
        if ratio <= MAX_RATIO:
            return
    assert ratio <= MAX_RATIO, (
        f"{case.id}: {GROWTH}× the input took {ratio:.1f}× as long "
        f"({t * 1e3:.2f} ms at n={n}, {t_big * 1e3:.2f} ms at n={n * GROWTH}): super-linear"
    )


_RE_CALLS = {"compile", "search", "match", "fullmatch", "findall", "finditer", "split", "sub"}


def _call_sites() -> Iterator[str]:
    """Every ``re.<call>(pattern, …)`` in the scanned packages, as ``module:pattern source``
    (a compiled pattern is named by the variable it is assigned to)."""
    for package in SCANNED:
        for path in sorted((SRC / package).rglob("*.py")):
            source = path.read_text()
            tree = ast.parse(source)
            named: dict[int, str] = {}
            for node in ast.walk(tree):
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    target = node.targets[0]
                    if isinstance(target, ast.Name):
                        named[id(node.value)] = target.id
            module = path.relative_to(SRC).as_posix()
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "re"
                    and node.func.attr in _RE_CALLS
                    and node.args
                ):
                    arg = ast.get_source_segment(source, node.args[0]) or ""
                    name = named.get(id(node)) if node.func.attr == "compile" else None
                    yield f"{module}:{name or arg}"


def test_every_pattern_is_timed() -> None:
    covered = {p for case in CASES for p in case.patterns}
    sites = set(_call_sites())
    missing = sorted(sites - covered)
    assert not missing, f"regular expressions without an adversarial timing case: {missing}"
    stale = sorted(covered - sites)
    assert not stale, f"timing cases for call sites that no longer exist: {stale}"


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?>' + b"<?a?>" * 36,  # the red team's 201-byte "GPX"
        b"<!---->" * 40,
        _utf16("<?xml" + " " * 32_000 + "?><gpx/>"),  # 64 KB of UTF-16 spaces: 2.5 s before
    ],
    ids=["processing-instructions", "comments", "utf16-spaces"],
)
def test_reported_inputs_are_answered_at_once(data: bytes) -> None:
    from legday.io.reader import read_bytes

    def read() -> object:
        return read_bytes(data, name="hostile.gpx")

    try:
        assert _per_call(read, 1) < 0.25
    except _Runaway:
        pytest.fail(f"one read took over {CALL_BUDGET_S} s")
    with pytest.raises(LegdayError):
        read()


def test_the_timing_catches_quadratic_work() -> None:
    """The measurement itself can fail: a pattern that backtracks quadratically (a run of
    spaces before a literal that never comes, retried from every start) measures well above
    :data:`MAX_RATIO`, and a linear one (the same input matched once, whole) well below it."""
    import re

    quadratic = re.compile(r"\s+x")
    spaces = Case("quadratic", (), lambda n: " " * n, quadratic.search)
    _, t, t_big = growth_ratio(spaces)
    assert t_big / t > MAX_RATIO
    linear = Case("linear", (), lambda n: " " * n, re.compile(r"\s+").fullmatch)
    _, t, t_big = growth_ratio(linear)
    assert t_big / t < MAX_RATIO
