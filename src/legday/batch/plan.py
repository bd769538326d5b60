"""Which chunks a batch runs, and when: each group of athletes' passes as a chain of its own.

A run's history is its athlete's, so one athlete's second pass needs only that athlete's
first pass, not everyone's. :class:`Plan` cuts the sources into groups of whole athletes (an
athlete with more files than a chunk holds is a group of several chunks; athletes with few
files share one) and hands out each group's next pass as soon as the group's previous pass is
done: there is no barrier between the passes of the whole batch, where a worker would wait for
the slowest chunk of the others while the client reduced the summaries. The reduction is the
group's alone, from the summaries its scan returned (and those a run before this one wrote).

The plan is pure: it reads and writes nothing, and the mapper that runs its chunks (one after
another in this process, or as Dask tasks) feeds each chunk's result back with
:meth:`Plan.finished`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from enum import IntEnum
from itertools import pairwise
from typing import Any

from .chunk import ChunkResult, Histories, Shared, Summaries
from .history import histories, without_earlier_runs
from .sources import Source

__all__ = ["Pass", "Plan", "Stage", "groups"]


class Stage(IntEnum):
    """A pass over a group's files, in the order they run (module :mod:`.run`)."""

    SCAN = 0
    JUDGE = 1
    WRITE = 2


@dataclass(eq=False)
class Pass:
    """One group's pass: its chunks, each run with the same ``shared`` (the done-set it skips)
    and ``histories`` (its athletes' histories; None for the scan)."""

    stage: Stage
    group: int
    chunks: list[list[Source]]
    shared: Shared
    histories: Histories | None = None
    left: int = field(init=False)
    """Chunks not finished yet."""

    def __post_init__(self) -> None:
        self.left = len(self.chunks)


@dataclass
class _Group:
    chunks: list[list[Source]]
    athletes: list[str]
    scan: list[dict[str, Any]] = field(default_factory=list)
    """The scan's summaries of the group's sessions: a run before this one's, then this one's."""
    judged: list[dict[str, Any]] = field(default_factory=list)
    """The kinds the judging gave the group's runs, likewise."""


class Plan:
    """The passes of a batch over ``sources`` (:mod:`.run`'s docstring), a group at a time.

    ``prior_scan`` and ``prior_judged`` are the history passes' rows a run into the same output
    wrote before; ``shared.done`` the files whose rows are already written; ``scanned`` those
    already scanned. With ``history`` False, each group has its write pass only."""

    def __init__(
        self,
        sources: Sequence[Source],
        size: int,
        shared: Shared,
        *,
        history: bool = True,
        scanned: frozenset[str] = frozenset(),
        prior_scan: Iterable[dict[str, Any]] = (),
        prior_judged: Iterable[dict[str, Any]] = (),
    ) -> None:
        self.history = history
        self.write_shared = shared
        self.scan_shared = replace(shared, done=scanned)
        self.groups = [_Group(chunks, athletes) for chunks, athletes in groups(sources, size)]
        where = {a: g for g in self.groups for a in g.athletes}
        holders: dict[str, list[_Group]] = {}  # the groups whose summaries name a file
        for row in prior_scan:
            if (group := where.get(row.get("athlete") or "")) is not None:
                group.scan.append(row)
                holders.setdefault(row["sha256"], []).append(group)
        judged = list(prior_judged)
        for row in judged:
            for group in holders.get(row["sha256"], []):
                group.judged.append(row)
        self.judged_keys = frozenset(r["sha256"] for r in judged)
        self.counts = dict.fromkeys(Stage, ChunkResult())

    def start(self) -> list[Pass]:
        """Every group's first pass."""
        if not self.history:
            return [self._pass(Stage.WRITE, i, g.chunks, None) for i, g in enumerate(self.groups)]
        return [self._pass(Stage.SCAN, i, g.chunks, None) for i, g in enumerate(self.groups)]

    def finished(self, done: Pass, result: ChunkResult | Summaries) -> list[Pass]:
        """Count a chunk of ``done`` (a history pass's: keep the summaries it returned); the
        group's next pass once ``done`` has no chunk left (none when there is no next)."""
        group = self.groups[done.group]
        if isinstance(result, Summaries):
            (group.scan if done.stage is Stage.SCAN else group.judged).extend(result.rows)
            result = result.counts
        self.counts[done.stage] = self.counts[done.stage] + result
        done.left -= 1
        if done.left:
            return []
        return self._after(done.stage, done.group)

    def _after(self, stage: Stage, index: int) -> list[Pass]:
        group = self.groups[index]
        if stage is Stage.SCAN:
            first = histories(group.scan)
            settled = without_earlier_runs(group.scan, first) | self.judged_keys
            by_name: dict[str, set[str]] = {}
            for row in group.scan:
                by_name.setdefault(row["source"], set()).add(row["sha256"])
            todo = [
                [s for s in chunk if not by_name.get(s.name, {""}) <= settled]
                for chunk in group.chunks
            ]
            todo = [chunk for chunk in todo if chunk]
            if todo:
                shared = replace(self.write_shared, done=settled)
                return [self._pass(Stage.JUDGE, index, todo, first, shared)]
            stage = Stage.JUDGE  # nothing to judge again: straight on to the rows
        if stage is Stage.JUDGE:
            found = histories(group.scan, group.judged)
            group.scan, group.judged = [], []  # reduced: the client keeps what is still to do
            return [self._pass(Stage.WRITE, index, group.chunks, found)]
        return []

    def _pass(
        self,
        stage: Stage,
        index: int,
        chunks: list[list[Source]],
        found: dict[str, list[dict[str, Any]]] | None,
        shared: Shared | None = None,
    ) -> Pass:
        if shared is None:
            shared = self.scan_shared if stage is Stage.SCAN else self.write_shared
        return Pass(stage, index, chunks, shared, found)


def groups(sources: Iterable[Source], size: int) -> Iterator[tuple[list[list[Source]], list[str]]]:
    """``sources`` cut into groups of whole athletes, in chunks of at most ``size`` files: an
    athlete of more files than ``size`` is a group of its own, in chunks of near equal length;
    athletes of fewer share a chunk, up to ``size`` files. Each group with its athletes, in
    the order of their first files."""
    by_athlete: dict[str, list[Source]] = {}
    for source in sources:
        by_athlete.setdefault(source.athlete, []).append(source)
    shared: list[Source] = []
    athletes: list[str] = []
    for athlete, files in by_athlete.items():
        if len(files) > size:
            parts = -(-len(files) // size)
            cut = [len(files) * k // parts for k in range(parts + 1)]
            yield [files[a:b] for a, b in pairwise(cut)], [athlete]
            continue
        if len(shared) + len(files) > size:
            yield [shared], athletes
            shared, athletes = [], []
        shared += files
        athletes.append(athlete)
    if shared:
        yield [shared], athletes
