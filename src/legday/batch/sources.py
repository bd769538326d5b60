"""What a batch reads: files, folders, zips and globs, on any fsspec file system.

The client only lists names (``ls``/``find``/``glob``); it never opens a file. Each input
becomes a :class:`Source`, a URL a worker opens itself, with the athlete it belongs to: the
name of the folder that holds it (for a zip, the folder that holds the zip).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

__all__ = ["EXTENSIONS", "Source", "athlete_of", "chunks", "discover", "is_local"]

#: Names a folder or glob walk takes: activity files (also gzipped), zips and lifting logs.
EXTENSIONS = (".fit", ".gpx", ".tcx", ".fit.gz", ".gpx.gz", ".tcx.gz", ".zip", ".csv")
#: A glob's wildcards (what fsspec's own glob expands).
_GLOB = re.compile(r"[*?\[]")
#: The synthetic runner's answer files, which sit beside its recordings.
_SKIP_SUFFIX = ".truth.json"


@dataclass(frozen=True, slots=True)
class Source:
    url: str
    """What a worker opens with ``fsspec.open`` (a plain path on the local file system)."""
    athlete: str


def discover(inputs: Iterable[str]) -> Iterator[Source]:
    """Every file below ``inputs``, in name order per input. A named file is taken whatever its
    name; a folder or glob keeps the names in :data:`EXTENSIONS` and skips hidden ones. A name
    that matches nothing is yielded as is, and its worker reports it as a row that failed."""
    from fsspec.core import url_to_fs

    seen: set[str] = set()
    for raw in inputs:
        fs, path = url_to_fs(raw)
        if _GLOB.search(path):
            names = [p for p in fs.glob(path) if fs.isfile(p) and _wanted(p)]
        elif fs.isdir(path):
            names = [p for p in fs.find(path) if _wanted(p, below=path)]
        else:
            names = [path]
        for name in sorted(names):
            url = name if is_local(fs) else fs.unstrip_protocol(name)
            if url not in seen:  # named twice (a folder and a glob in it): read once
                seen.add(url)
                yield Source(url, athlete_of(name))


def athlete_of(path: str) -> str:
    """The athlete key of a file: the name of the folder that holds it."""
    return posixpath.basename(posixpath.dirname(path.replace("\\", "/"))) or "unknown"


def chunks(sources: Iterable[Source], size: int) -> Iterator[list[Source]]:
    """``sources`` in lists of ``size``: a worker's unit of work."""
    chunk: list[Source] = []
    for source in sources:
        chunk.append(source)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _wanted(path: str, below: str = "") -> bool:
    rel = path[len(below) :] if below and path.startswith(below) else posixpath.basename(path)
    if any(part.startswith(".") for part in rel.replace("\\", "/").split("/") if part):
        return False
    lower = path.lower()
    return lower.endswith(EXTENSIONS) and not lower.endswith(_SKIP_SUFFIX)


def is_local(fs: object) -> bool:
    """Whether ``fs`` is the local file system (its paths are plain paths)."""
    protocol = getattr(fs, "protocol", "")
    protocols = (protocol,) if isinstance(protocol, str) else tuple(protocol)
    return "file" in protocols or "local" in protocols
