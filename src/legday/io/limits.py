"""Bounds on the work one input may cause, not only on its bytes (issue 16: work bombs).

A byte limit alone does not bound the work: a 1 MB ``.fit.gz`` of 33 million chained empty FIT
headers stayed under the 512 MiB input limit, ran 528 s and reached 10 GB (a fault and a Python
object per header). Each bound here caps one kind of work per file, far above what any real
recording needs, and going past it raises :class:`~legday.errors.UnsafeInputError` naming the
file and the bound, whatever ``on_error`` says (a refusal, not damage to read around).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import BinaryIO

from legday.errors import UnsafeInputError

__all__ = [
    "MAX_CHAINED_FIT_FILES",
    "MAX_FIT_BYTES",
    "MAX_WARNINGS_PER_FILE",
    "MIN_BYTES_PER_FIT_DEFINITION",
    "MIN_BYTES_PER_FIT_MESSAGE",
    "WORK_FLOOR",
    "check_warnings",
    "read_at_most",
]

#: Largest FIT file read, bytes (after gzip). Ten days of 1 Hz recording with every sensor is
#: about 50 MB; the largest of the 51 real FIT files in ../shared/data/real is 3 MB. The bound
#: keeps a FIT file's decoded arrays (several times its bytes) within the 1 GB of one import.
MAX_FIT_BYTES = 64 * 1024 * 1024
#: Most FIT files chained in one file (FIT protocol, "chained FIT files"): devices chain a few
#: (an activity and its settings); each costs a header scan, so millions are a work bomb.
MAX_CHAINED_FIT_FILES = 256
#: Fewest bytes per FIT data message, on average over the file: the record headers, offsets
#: and decoded values cost about 8 bytes of memory per message whatever its size, so a file of
#: 1-byte messages would cost 8× its bytes. Real files average 5.7 (a monitoring file) to
#: 40 bytes a message.
MIN_BYTES_PER_FIT_MESSAGE = 3
#: Fewest bytes per FIT definition message, on average: each binding is kept (about 100 bytes
#: of Python objects). Real files average 45 bytes or more per definition message.
MIN_BYTES_PER_FIT_DEFINITION = 16
#: Messages (and definitions) any FIT file may hold whatever its size, so that small files
#: written by tests and tools never meet the per-byte bounds.
WORK_FLOOR = 4096
#: Most warnings one file may raise: a real file has a handful (one per kind of fault); a file
#: made to warn once per lap, point or chained file is refused instead.
MAX_WARNINGS_PER_FILE = 100


def check_warnings(warnings: list[str], name: str | None) -> None:
    """:class:`UnsafeInputError` once ``warnings`` holds more than
    :data:`MAX_WARNINGS_PER_FILE`."""
    if len(warnings) > MAX_WARNINGS_PER_FILE:
        raise UnsafeInputError(
            f"more than {MAX_WARNINGS_PER_FILE} warnings (the first: {warnings[0]}); "
            "refused as damaged beyond use or made to stall legday",
            path=name,
        )


def read_at_most(fh: BinaryIO, limit: int, too_large: Callable[[], Exception]) -> bytes:
    """The bytes of ``fh``, raising ``too_large()`` for more than ``limit``: a regular file by
    its size before a byte is read (a 2 GB sparse file was read to the limit first), any other
    stream by reading one byte past the limit."""
    try:
        size = os.fstat(fh.fileno()).st_size
    except (OSError, AttributeError, ValueError):  # no file descriptor (BytesIO, a socket)
        size = 0
    if size > limit:
        raise too_large()
    data = fh.read(limit + 1)
    if len(data) > limit:
        raise too_large()
    return data
