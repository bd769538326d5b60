"""The import's worker side: bytes in, decoded, analysed and judged sessions out.

:func:`decode_item` runs in a worker process; everything it takes and returns is picklable, and
it never raises: a :class:`LegdayError` becomes ``Decoded.error`` naming the file, and any other
exception (a bug in legday, not a fault in the file) becomes an error naming the file and the
exception, its traceback logged at DEBUG: one file cannot stop a batch, nor every re-run of it.

:func:`decode_stream` takes the files as they are discovered and keeps few of them in flight
(:data:`MAX_BYTES_IN_FLIGHT`, :data:`ITEMS_PER_WORKER`), so an import's memory does not grow with
its input (issue 16: a 31 MB zip of 12 members once reached 10.3 GB, every member held at once).
"""

from __future__ import annotations

import hashlib
import io
import logging
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from legday.errors import LegdayError, OnError, UnsupportedFileError
from legday.model import Activity, AthleteProfile, ExerciseSet, RunKind, StrengthSession
from legday.settings import Settings

if TYPE_CHECKING:
    from legday.analysis import HistorySummary

#: FIT sports judged as runs (the others get R12's per-sport map).
RUN_SPORTS = frozenset({"running", "trail_running", "treadmill_running"})
#: The failure message of a file that hit a bug in legday rather than a fault in the file.
INTERNAL_ERROR = "legday failed on this file (an internal error, please report it)"

#: Bytes of input files sent to the workers and not yet decoded, at most (a larger file goes
#: alone): with the worker's copy and the decoded samples, an import stays within 1 GB.
MAX_BYTES_IN_FLIGHT = 128 * 1024 * 1024
#: Files in flight per worker process: the one it decodes and the next, so none waits.
ITEMS_PER_WORKER = 2
#: Distinct strength sessions whose verdicts one lifting log keeps for its repeats.
JUDGED_MEMO = 10_000

_log = logging.getLogger(__name__)

__all__ = [
    "INTERNAL_ERROR",
    "Decoded",
    "DecodedActivity",
    "DecodedStrength",
    "SortedHistory",
    "WorkItem",
    "decode_item",
    "decode_shared",
    "decode_stream",
    "init_worker",
    "judged_as_label",
    "strength_fingerprint",
    "summaries_before",
]


@dataclass(frozen=True)
class WorkItem:
    name: str
    data: bytes
    sha256: str
    strava: dict[str, str] | None = None
    """The file's row of a Strava export's activities.csv, when it came from one."""
    labels: Mapping[int, RunKind] | None = None
    """The runner's kinds of the file's stored sessions, by index, when judging it again."""
    stored: tuple[bytes, ...] = ()
    """When judging a stored file again: its sessions' stored samples (0, 1, … by index), each
    carrying the rest of its decoded activity (:func:`legday.store.samples.activity_of`), which
    are judged instead of decoding ``data`` again."""


@dataclass
class DecodedActivity:
    activity: Activity
    analysis: dict[str, Any] | None = None
    verdict: dict[str, Any] | None = None
    strength_verdict: dict[str, Any] | None = None
    kind: str | None = None
    """The effective kind of a run: the runner's label when one was passed in, else the
    analysed kind (``analysis["kind"]``)."""
    category: str | None = None
    counts_as_leg_day: bool = False
    trimp: float | None = None
    max_hr: float | None = None
    effort_hr: float | None = None


@dataclass
class DecodedStrength:
    session: StrengthSession
    fingerprint: str
    verdict: dict[str, Any] | None = None


@dataclass
class Decoded:
    name: str
    sha256: str
    data: bytes
    format: str = "unknown"
    kind: Literal["activity", "strength_log"] | None = None
    activities: list[DecodedActivity] = field(default_factory=list)
    strength: list[DecodedStrength] = field(default_factory=list)
    skipped_rows: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


def strength_fingerprint(start: datetime, sets: tuple[ExerciseSet, ...]) -> str:
    """A session's identity across exports: its start minute and what was lifted."""
    h = hashlib.sha256(start.strftime("%Y-%m-%dT%H:%M").encode())
    h.update(  # one update of the sets joined: the same digest as one update a set
        "".join(
            f"|{s.raw_name or s.exercise}:{s.reps}:{s.load_kg}:{s.duration_s}" for s in sets
        ).encode()
    )
    return h.hexdigest()


def decode_item(
    item: WorkItem,
    profile: AthleteProfile,
    settings: Settings,
    history: list[dict[str, Any]],
    e1rm: dict[str, float] | None = None,
    labels: Mapping[int, RunKind] | None = None,
) -> Decoded:
    """Decode one file; analyse and judge every session in it.

    ``history`` summarises the athlete's stored runs (for "long" and R4); ``e1rm`` is the
    lifter's best e1RM per exercise so far (for judging sets logged without RIR or RPE);
    ``labels`` holds the runner's kinds by session index (``legday label``), which the
    verdicts of those runs are judged with.
    """
    from legday.io.strength_csv import looks_like_strength_csv

    out = Decoded(name=item.name, sha256=item.sha256, data=item.data)
    try:
        if item.stored:
            activities = [_stored_activity(blob, item.name) for blob in item.stored]
            _analyse_all(out, activities, profile, settings, history, e1rm or {}, labels or {})
        elif looks_like_strength_csv(item.data[:4096]):
            _decode_strength_csv(out, profile, settings, e1rm or {})
        else:
            _decode_activity(out, profile, settings, history, item.strava, e1rm or {}, labels or {})
    except LegdayError as exc:
        out.error = str(exc)
    except Exception as exc:  # a bug on one file must not stop the batch or every re-run
        _log.debug("internal error on %s", item.name, exc_info=True)  # the CLI stays quiet
        out.error = f"{item.name}: {INTERNAL_ERROR} ({type(exc).__name__}: {exc})"
    return out


def decode_stream(
    items: Iterable[WorkItem],
    profile: AthleteProfile,
    settings: Settings,
    history: list[dict[str, Any]],
    e1rm: dict[str, float],
    workers: int,
) -> Iterator[tuple[WorkItem, Decoded]]:
    """Each item with its :func:`decode_item` result, in the order of ``items``.

    ``items`` is pulled only while fewer than :data:`ITEMS_PER_WORKER` files per worker and
    :data:`MAX_BYTES_IN_FLIGHT` bytes wait for their result, so a lazy ``items`` (files and zip
    members read as they are discovered) never sits in memory whole. The profile, settings,
    history and e1RM bests go to each worker once; a worker's result comes back without the
    file's bytes, which the caller already holds (``Decoded.data`` is the item's).
    """
    source = iter(items)
    head = [item for _, item in zip(range(3), source, strict=False)]
    shared = (profile, settings, history, e1rm)
    if workers <= 1 or len(head) <= 2:  # no pool for a file or two
        init_worker(*shared)
        for item in _then(head, source):
            yield item, decode_shared(item)
        return
    pending: deque[tuple[WorkItem, Future[Decoded]]] = deque()
    in_flight = 0
    with ProcessPoolExecutor(max_workers=workers, initializer=init_worker, initargs=shared) as pool:
        for item in _then(head, source):
            pending.append((item, pool.submit(_decode_remote, item)))
            in_flight += len(item.data)
            while pending and (
                len(pending) >= ITEMS_PER_WORKER * workers or in_flight >= MAX_BYTES_IN_FLIGHT
            ):
                done, future = pending.popleft()
                in_flight -= len(done.data)
                yield done, _with_data(future.result(), done)
        while pending:
            done, future = pending.popleft()
            yield done, _with_data(future.result(), done)


def _then(head: list[WorkItem], rest: Iterator[WorkItem]) -> Iterator[WorkItem]:
    """The items of ``head``, then ``rest``; each item of ``head`` is let go once taken."""
    head.reverse()
    while head:
        yield head.pop()
    yield from rest


#: What every file of one import (or re-judging) shares, set once per worker process by
#: :func:`init_worker`.
_SHARED: dict[str, Any] = {}


def init_worker(
    profile: AthleteProfile,
    settings: Settings,
    history: list[dict[str, Any]],
    e1rm: dict[str, float],
) -> None:
    """Set what :func:`decode_shared` decodes with (a pool's initializer: sent once)."""
    indexed = SortedHistory(history)
    _SHARED.update(profile=profile, settings=settings, history=indexed, e1rm=e1rm)


def decode_shared(item: WorkItem, labels: Mapping[int, RunKind] | None = None) -> Decoded:
    """:func:`decode_item` with what :func:`init_worker` set in this process."""
    shared = _SHARED["profile"], _SHARED["settings"], _SHARED["history"], _SHARED["e1rm"]
    return decode_item(item, *shared, labels if labels is not None else item.labels)


def _decode_remote(item: WorkItem) -> Decoded:
    """:func:`decode_shared` in a worker: the result travels back without the file's bytes."""
    out = decode_shared(item)
    out.data = b""
    return out


def _with_data(out: Decoded, item: WorkItem) -> Decoded:
    out.data = item.data
    return out


def _decode_strength_csv(
    out: Decoded, profile: AthleteProfile, settings: Settings, e1rm: dict[str, float]
) -> None:
    from legday.io.strength_csv import read_strength_csv
    from legday.strength import E1rmTracker

    result = read_strength_csv(io.BytesIO(out.data), name=out.name, profile_tz=profile.time_zone)
    out.kind = "strength_log"
    out.format = f"{result.format}_csv"
    out.skipped_rows = len(result.skipped_rows)
    out.warnings.extend(result.warnings)
    tracker = E1rmTracker(e1rm)
    # A session's verdict depends on its sets, its length and its lifts' bests alone: a log
    # repeats its sessions (the same workout, the same loads), each judged once.
    judged: dict[tuple[Any, ...], dict[str, Any] | None] = {}
    for session in sorted(result.sessions, key=lambda ss: ss.start):
        best = tracker.update(session.sets)
        key = (session.sets, session.duration_s, tuple(best.get(s.exercise) for s in session.sets))
        if key not in judged:
            if len(judged) >= JUDGED_MEMO:
                judged.clear()
            judged[key] = _judge_strength(session, settings, profile.units, best)
        out.strength.append(
            DecodedStrength(
                session=session,
                fingerprint=strength_fingerprint(session.start, session.sets),
                verdict=judged[key],
            )
        )


def _decode_activity(
    out: Decoded,
    profile: AthleteProfile,
    settings: Settings,
    history: list[dict[str, Any]],
    strava: dict[str, str] | None,
    e1rm: dict[str, float],
    labels: Mapping[int, RunKind],
) -> None:
    from legday.io.reader import read_bytes
    from legday.io.strava import apply_strava, is_row_bytes, read_row_bytes

    if is_row_bytes(out.data):  # a session Strava lists without a file
        activities = [read_row_bytes(out.data, name=out.name, profile_tz=profile.time_zone)]
    else:
        activities = read_bytes(
            out.data, name=out.name, on_error=OnError.WARN, profile_tz=profile.time_zone
        )
    if strava is not None:
        for activity in activities:
            apply_strava(activity, strava)
    _analyse_all(out, activities, profile, settings, history, e1rm, labels)


def _stored_activity(blob: bytes, name: str) -> Activity:
    from .samples import activity_of

    activity = activity_of(blob)
    if activity is None:
        raise UnsupportedFileError("stored without its decoded activity", path=name)
    return activity


def _analyse_all(
    out: Decoded,
    activities: list[Activity],
    profile: AthleteProfile,
    settings: Settings,
    history: list[dict[str, Any]],
    e1rm: dict[str, float],
    labels: Mapping[int, RunKind],
) -> None:
    if not activities:
        raise UnsupportedFileError("no activity in the file", path=out.name)
    out.kind = "activity"
    first = activities[0]
    out.format = first.source.format if first.source else "unknown"
    for index, activity in enumerate(activities):
        out.warnings.extend(activity.warnings)
        label = labels.get(index)
        out.activities.append(_analyse(activity, profile, settings, history, e1rm, label))


class SortedHistory(list[dict[str, Any]]):
    """A history that every file of an import is judged against, with its summaries built once
    per sport, oldest first: :func:`summaries_before` then takes a run's earlier sessions by
    bisection instead of summarising the whole history again for each run (at 5,000 stored
    runs that took half of a run's analysis). The analysis reads a history in any order (its
    medians, percentiles and maxima do not depend on it), so the verdicts are the same."""

    def __init__(self, history: Iterable[dict[str, Any]]) -> None:
        super().__init__(history)
        self._by_sport: dict[str, tuple[list[datetime], list[HistorySummary]]] = {}

    def append(self, entry: dict[str, Any]) -> None:
        """Add a session (``legday reanalyze`` adds each run once judged), in its place."""
        super().append(entry)
        index = self._by_sport.get(entry["sport"])
        if index is not None:
            starts, summaries = index
            at = bisect_right(starts, entry["start"])
            starts.insert(at, entry["start"])
            summaries[at:at] = _summaries([entry])

    def before(self, activity: Activity) -> list[HistorySummary]:
        index = self._by_sport.get(activity.sport)
        if index is None:
            same = sorted(
                (h for h in self if h["sport"] == activity.sport), key=lambda h: h["start"]
            )
            index = [h["start"] for h in same], _summaries(same)
            self._by_sport[activity.sport] = index
        starts, summaries = index
        return summaries[: bisect_left(starts, activity.start)]


def summaries_before(history: list[dict[str, Any]], activity: Activity) -> list[HistorySummary]:
    """The athlete's earlier sessions of the same sport, as the analysis takes them."""
    if isinstance(history, SortedHistory):
        return history.before(activity)
    return _summaries(
        h for h in history if h["sport"] == activity.sport and h["start"] < activity.start
    )


def _summaries(history: Iterable[dict[str, Any]]) -> list[HistorySummary]:
    from legday.analysis import HistorySummary

    return [
        HistorySummary(
            start=h["start"],
            duration_s=h["duration_s"],
            distance_m=h["distance_m"],
            kind=h["kind"],
            max_hr=h["max_hr"],
            effort_hr=h.get("effort_hr"),
        )
        for h in history
    ]


def _analyse(
    activity: Activity,
    profile: AthleteProfile,
    settings: Settings,
    history: list[dict[str, Any]],
    e1rm: dict[str, float],
    label: RunKind | None = None,
) -> DecodedActivity:
    """Analysis and verdict for one activity, with the athlete's history for R4 and "long",
    judged as the runner's ``label`` when the activity is a run that has one."""
    from legday.assessment import assess

    is_run = activity.sport in RUN_SPORTS
    result = assess(
        activity,
        profile,
        summaries_before(history, activity),
        settings,
        e1rm_by_exercise=e1rm,
        label=label if is_run else None,
    )
    analysis = result.analysis
    verdict_dict = result.verdict_dict(profile.units)
    return DecodedActivity(
        activity=activity,
        analysis=analysis.to_dict(),
        verdict=verdict_dict,
        strength_verdict=verdict_dict if activity.sets else None,
        kind=result.kind.value if is_run and analysis.kind is not None else None,
        category=result.verdict.category,
        counts_as_leg_day=result.verdict.counts_as_leg_day,
        trimp=analysis.load.trimp,
        max_hr=analysis.hr.observed_max,
        effort_hr=analysis.effort_hr,
    )


def judged_as_label(
    item: DecodedActivity,
    label: RunKind,
    profile: AthleteProfile,
    settings: Settings,
    history: list[dict[str, Any]],
    e1rm: dict[str, float] | None = None,
) -> DecodedActivity:
    """A decoded activity analysed and judged again as the runner's ``label`` (a labelled run
    whose stored copy a richer recording of it replaces keeps its label)."""
    return _analyse(item.activity, profile, settings, history, e1rm or {}, label)


def _judge_strength(
    session: StrengthSession, settings: Settings, units: str, e1rm: dict[str, float]
) -> dict[str, Any] | None:
    from legday.assessment import verdict_payload
    from legday.stimulus import judge_strength
    from legday.strength import load_catalog

    return verdict_payload(judge_strength(session, load_catalog(), settings, e1rm), units)
