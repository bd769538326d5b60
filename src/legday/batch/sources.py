"""What a batch reads: files, folders, zips and globs, on any fsspec file system.

The client only lists names (``ls``/``find``/``glob``, and a zip's central directory); it never
reads a file's contents. Each input becomes a :class:`Source`, a URL a worker opens itself, with
the athlete it belongs to: the name of the folder that holds it (for a zip, the folder that
holds the zip). Each member of a zip (``*.zip``) is a source of its own, so the members of one
zip spread over the workers; each worker opens the zip and reads its members itself.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

__all__ = [
    "EXTENSIONS",
    "Source",
    "athlete_of",
    "chunks",
    "discover",
    "is_local",
    "zip_members",
]

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
    member: str | None = None
    """A member of the zip at ``url`` (``activities.csv``: a Strava export's sessions without a
    file); None for the whole file."""

    @property
    def name(self) -> str:
        """The source as rows name it: the URL, or ``zip!member``."""
        return self.url if self.member is None else f"{self.url}!{self.member}"


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
                athlete = athlete_of(name)
                members = zip_members(fs, name) if name.lower().endswith(".zip") else []
                yield from (Source(url, athlete, m) for m in members)
                if not members:  # a file, or a zip that lists nothing to read: its worker says
                    yield Source(url, athlete)


def zip_members(fs: AbstractFileSystem, path: str) -> list[str]:
    """The members of the zip at ``path`` a worker may read (activity files, zips, CSVs, and
    ``activities.csv`` for a Strava export's sessions without a file), from its central
    directory only; none when it is not a readable zip (its worker reports why)."""
    import zipfile

    from legday.io.archive import ACTIVITY_SUFFIXES, MAX_ARCHIVE_MEMBERS

    try:
        with fs.open(path, "rb") as fh, zipfile.ZipFile(fh) as zf:
            names = [i.filename for i in zf.infolist() if not i.is_dir()]
    except (OSError, ValueError, zipfile.BadZipFile, NotImplementedError, EOFError):
        return []
    if len(names) > MAX_ARCHIVE_MEMBERS:  # refused whole, by one worker
        return []
    wanted = (*ACTIVITY_SUFFIXES, ".zip", ".csv")
    return [n for n in names if n == "activities.csv" or n.lower().endswith(wanted)]


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
