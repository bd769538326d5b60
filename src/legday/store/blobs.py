"""The original bytes of every imported file, content-addressed beside the database.

``<home>/originals/ab/abcdef….bin`` holds the file whose SHA-256 is ``abcdef…``. Writes go
to a temporary file that is renamed into place, so a crash never leaves a half-written original,
and writing the same content twice is harmless. ``legday reanalyze`` reads them back.

A process killed while writing leaves its temporary file (``.tmp-<pid>-…``) behind;
:meth:`BlobStore.sweep`, run at the start of every import, removes those whose writer is gone.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from pathlib import Path

__all__ = ["BlobStore", "sha256"]

TMP_PREFIX = ".tmp-"
#: A temporary file whose writer cannot be identified is left alone this long, s: a write takes
#: well under a minute (an original is at most 512 MiB), so one an hour old was abandoned.
STALE_TMP_S = 3600.0


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, digest: str) -> Path:
        return self.root / digest[:2] / f"{digest}.bin"

    def put(self, data: bytes, digest: str | None = None) -> str:
        digest = digest or sha256(data)
        path = self.path_for(digest)
        if path.exists() and path.stat().st_size == len(data):
            return digest
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{TMP_PREFIX}{os.getpid()}-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def sweep(self) -> list[Path]:
        """Remove the temporary files of writers that are gone (a ``kill -9`` mid-write);
        returns what it removed. A file whose writer cannot be told (no pid in its name, as
        before, or on Windows) goes once it is :data:`STALE_TMP_S` old."""
        removed = []
        for tmp in self.root.glob(f"*/{TMP_PREFIX}*"):
            if _writer_alive(tmp):
                continue
            try:
                tmp.unlink()
            except FileNotFoundError:  # its writer renamed it into place meanwhile
                continue
            removed.append(tmp)
        return removed

    def get(self, digest: str) -> bytes:
        return self.path_for(digest).read_bytes()

    def __contains__(self, digest: object) -> bool:
        return isinstance(digest, str) and self.path_for(digest).exists()


def _writer_alive(tmp: Path) -> bool:
    """Whether the process that is writing ``tmp`` may still be running."""
    pid_text = tmp.name.removeprefix(TMP_PREFIX).split("-", 1)[0]
    if pid_text.isdigit() and os.name == "posix":  # Windows' os.kill would end the process
        try:
            os.kill(int(pid_text), 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # another user's process
            return True
        return True
    try:
        return time.time() - tmp.stat().st_mtime < STALE_TMP_S
    except FileNotFoundError:
        return True  # renamed into place meanwhile: nothing to remove
