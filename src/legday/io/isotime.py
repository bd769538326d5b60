"""ISO 8601 times as GPX, TCX and exports write them, to POSIX seconds (UTC), in bulk."""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

__all__ = ["posix_times"]

FloatArray = npt.NDArray[np.float64]

#: An ISO 8601 time carrying a numeric UTC offset (``+02:00``, ``-0500``) after the time part.
#: Tried from the line's last ``T`` only (an offset holds none), so a line is scanned once.
_HAS_OFFSET = re.compile(r"T[^T\n]*?[+-]\d\d:?\d\d$", re.MULTILINE)


def posix_times(texts: Sequence[str | None]) -> FloatArray:
    """ISO 8601 times to POSIX seconds (UTC), NaN where absent or unreadable.

    ``Z`` and a missing zone both mean UTC (GPX 1.1 and TCX store UTC); numeric offsets are
    honoured. The common case (all ``...Z`` or all zone-less) is parsed by numpy in one call;
    strings with offsets or odd shapes fall back to :meth:`datetime.fromisoformat`.
    """
    n = len(texts)
    if n == 0:
        return np.empty(0)
    fast = _all_zulu(texts)
    if fast is not None:
        try:
            return _datetime64_seconds(fast)
        except ValueError:
            pass
    cleaned = [_strip_z(t) for t in texts]
    present = [t for t in cleaned if t is not None]
    if len(present) == n and _HAS_OFFSET.search("\n".join(present)) is None:
        try:
            return _datetime64_seconds(present)
        except ValueError:
            pass
    return np.array([_one_time(t) for t in texts], dtype=np.float64)


def _all_zulu(texts: Sequence[str | None]) -> list[str] | None:
    """The strings without their final ``Z`` when every one is a bare ``...Z`` time, else None."""
    try:
        joined = "\n".join(texts)  # type: ignore[arg-type]  # None raises TypeError
    except TypeError:
        return None
    if not joined.endswith("Z") or joined.count("Z\n") != len(texts) - 1:
        return None
    parts = joined[:-1].split("Z\n")
    return parts if len(parts) == len(texts) else None


def _datetime64_seconds(texts: list[str]) -> FloatArray:
    """numpy's parse of plain ISO times; ValueError for any it would not read as written: numpy
    takes a trailing zone-like text (``14:52:40 000``) with a UserWarning (deprecated time
    zones), which the caller's one-by-one path reads as it should (here: unreadable, NaN)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        try:
            stamps = np.array(texts, dtype="datetime64[us]")
        except UserWarning as exc:
            raise ValueError(str(exc)) from None
    return stamps.astype(np.int64).astype(np.float64) / 1e6


def _strip_z(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    return text[:-1] if text.endswith(("Z", "z")) else text


def _one_time(text: str | None) -> float:
    if text is None:
        return float("nan")
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return float("nan")
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()
