"""Developer fields: what each ``field_description`` says, and which messages it applies to.

A developer field is only a (developer data index, field number) pair in a definition; its
name, base type, scale and units come from a ``field_description`` message elsewhere in the
file. Those descriptions are positional, as the official FIT SDK's decoder reads them:

* a description applies to the messages that follow it, never to earlier ones;
* a ``developer_data_id`` message (re)opens its developer data index: the descriptions given
  for that index before it no longer apply. Two Connect IQ apps may take index 0 in turn
  (a triathlon's bike leg has a W' balance app's field 0, ``wprime_bal``, float32; its run leg
  Stryd's field 0, ``Power``, uint16), so the same pair means different fields in two parts
  of one file;
* within one opening, the first description of a field number is the one that counts.

Each distinct description gets an id (identical descriptions sent again share one, so a file
that re-sends its descriptions keeps one channel per field); decoded developer columns are
keyed by that id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

__all__ = ["DevFields", "DevType"]

IntArray = npt.NDArray[np.int64]

#: The id :meth:`DevFields.resolve` gives a message no description applies to.
NO_DESCRIPTION = -1


@dataclass(frozen=True, slots=True)
class DevType:
    """What a developer field description says about one developer field."""

    name: str
    units: str
    base: int
    scale: float
    offset: float


@dataclass(frozen=True, slots=True)
class DevFields:
    """A file's developer field descriptions (``types``, indexed by description id) and the
    file offsets where each applies."""

    types: tuple[DevType, ...] = ()
    #: developer data index → byte offsets of its ``developer_data_id`` messages, ascending.
    _opened: dict[int, IntArray] = field(default_factory=dict)
    #: (developer data index, field number) → (byte offsets of its descriptions, ascending;
    #: their description ids).
    _described: dict[tuple[int, int], tuple[IntArray, IntArray]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        descriptions: Iterable[tuple[int, int, int, DevType]],
        openings: Iterable[tuple[int, int]],
    ) -> DevFields:
        """From ``(offset, developer data index, field number, type)`` of each description and
        ``(offset, developer data index)`` of each ``developer_data_id`` message."""
        ids: dict[tuple[int, int, DevType], int] = {}
        types: list[DevType] = []
        described: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for offset, index, num, spec in sorted(descriptions, key=lambda d: d[0]):
            key = (index, num, spec)
            if key not in ids:
                ids[key] = len(types)
                types.append(spec)
            described.setdefault((index, num), []).append((offset, ids[key]))
        opened: dict[int, list[int]] = {}
        for offset, index in openings:
            opened.setdefault(index, []).append(offset)
        return cls(
            types=tuple(types),
            _opened={k: np.sort(np.array(v, dtype=np.int64)) for k, v in opened.items()},
            _described={
                k: (np.array([o for o, _ in v], dtype=np.int64), np.array([i for _, i in v]))
                for k, v in described.items()
            },
        )

    def resolve(self, index: int, num: int, offsets: IntArray) -> IntArray:
        """The description id in effect at each message offset for developer field ``num`` of
        developer data index ``index`` (:data:`NO_DESCRIPTION` where none is)."""
        found = self._described.get((index, num))
        if found is None:
            return np.full(offsets.shape[0], NO_DESCRIPTION, dtype=np.int64)
        at, ids = found
        opened = self._opened.get(index)
        if opened is None:
            # No developer_data_id at all: the descriptions hold from the start of the file.
            start = np.full(offsets.shape[0], -1, dtype=np.int64)
        else:
            last = np.searchsorted(opened, offsets) - 1
            start = np.where(last >= 0, opened[np.maximum(last, 0)], -1)
        first = np.searchsorted(at, start, side="right")
        safe = np.minimum(first, at.shape[0] - 1)
        applies = (first < at.shape[0]) & (at[safe] < offsets)
        return np.where(applies, ids[safe], NO_DESCRIPTION).astype(np.int64)
