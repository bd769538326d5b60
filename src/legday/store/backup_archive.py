"""The backup archive's format: its manifest, and its members written and read back checked.

:mod:`legday.store.backup` says what the archive holds and why (and docs/operations.md); this
module knows the tar: the manifest first, then the database, then every original, each member
checked as it is read (the database by the manifest's SHA-256, an original by its name, the
count by the manifest), and a reading fault said as the archive's (truncated or damaged).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tarfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO, Literal

from legday.errors import CorruptFileError, NewerBackupError, NotFoundError, TruncatedFileError

from .blobs import BlobStore

__all__ = [
    "CHUNK",
    "FORMAT",
    "FORMAT_VERSION",
    "MANIFEST",
    "ArchiveReader",
    "Backend",
    "Manifest",
    "open_archive",
    "originals_in",
    "sha256_file",
    "write_archive",
]

#: The manifest's name, the archive's first member.
MANIFEST = "legday-backup.json"
#: What the manifest's ``format`` says, and the newest archive format this legday reads.
FORMAT = "legday-backup"
FORMAT_VERSION = 1
#: An original's member name: ``originals/<first two hex digits>/<SHA-256>.bin``.
_ORIGINAL = re.compile(r"originals/([0-9a-f]{2})/(\1[0-9a-f]{62})\.bin")
#: Bytes read at a time when hashing or copying a member.
CHUNK = 1 << 20


class Backend(StrEnum):
    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"

    @property
    def label(self) -> str:
        return "SQLite" if self is Backend.SQLITE else "PostgreSQL"

    @property
    def member(self) -> str:
        return "database.sqlite" if self is Backend.SQLITE else "database.pgdump"


@dataclass(frozen=True, slots=True)
class Manifest:
    """What an archive holds (its first member, as JSON)."""

    legday_version: str
    schema: str
    backend: Backend
    created: str
    database_bytes: int
    database_sha256: str
    originals: int
    originals_bytes: int
    #: PostgreSQL's server version (``15.18``), None for SQLite.
    server_version: str | None = None
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=2).encode("utf-8") + b"\n"

    @classmethod
    def from_json(cls, data: bytes, archive: Path) -> Manifest:
        try:
            raw = json.loads(data)
            if raw.get("format") != FORMAT:
                raise ValueError("its format is not legday-backup")
            if int(raw["format_version"]) > FORMAT_VERSION:
                raise NewerBackupError(
                    f"{archive} was written by legday {raw.get('legday_version')} in a newer "
                    "archive format: upgrade legday to restore it"
                )
            fields = {k: raw[k] for k in cls.__dataclass_fields__ if k in raw}
            manifest = cls(**fields)
            int_fields = (manifest.database_bytes, manifest.originals, manifest.originals_bytes)
            if not all(isinstance(n, int) and n >= 0 for n in int_fields):
                raise ValueError("a size is not a count")
            return cls(**{**fields, "backend": Backend(raw["backend"])})
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise CorruptFileError(
                f"not a legday backup: bad manifest ({exc})", path=archive
            ) from exc


def write_archive(out: Path, manifest: Manifest, dump: Path, found: list[tuple[Path, str]]) -> None:
    """The archive at ``out``: the manifest, the database ``dump``, the originals ``found``.
    Written beside it and renamed into place once complete: a failure leaves no half archive
    under its name."""
    partial = out.with_name(f".{out.name}.partial")
    try:
        with tarfile.open(partial, _write_mode(out)) as tar:
            data = manifest.to_json()
            tar.addfile(_info(MANIFEST, len(data)), io.BytesIO(data))
            tar.add(dump, arcname=manifest.backend.member, filter=_anonymous)
            for path, name in found:
                tar.add(path, arcname=name, filter=_anonymous)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)


def _write_mode(out: Path) -> Literal["w", "w:gz", "w:xz"]:
    name = out.name.lower()
    if name.endswith((".tar.gz", ".tgz")):
        return "w:gz"
    return "w:xz" if name.endswith((".tar.xz", ".txz")) else "w"


def _info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(time.time())
    info.mode = 0o600
    return info


def _anonymous(info: tarfile.TarInfo) -> tarfile.TarInfo:
    """A member without its owner's user and group (they mean nothing where it is restored)."""
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    return info


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def originals_in(root: Path) -> list[tuple[Path, str]]:
    """Every original in the store (not the temporary files of a write in progress), with its
    member name, in order."""
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.glob("??/*.bin")):
        name = f"originals/{path.parent.name}/{path.name}"
        if _ORIGINAL.fullmatch(name) and path.is_file():
            found.append((path, name))
    return found


def open_archive(archive: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(archive, "r:*")
    except FileNotFoundError:
        raise NotFoundError(f"{archive}: no such backup") from None
    except IsADirectoryError:
        raise NotFoundError(f"{archive} is a folder, not a backup") from None
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise _damaged(exc, archive) from exc


#: How tarfile says the data ended where a member or a header was due.
_ENDED = ("unexpected end", "empty header", "truncated header")


def _damaged(exc: BaseException, archive: Path) -> CorruptFileError | TruncatedFileError:
    """A reading error as the archive's fault: it ends too soon (EOFError from a decompressor,
    or tarfile's :data:`_ENDED`), or it is damaged."""
    if isinstance(exc, EOFError) or any(said in str(exc) for said in _ENDED):
        return TruncatedFileError("the backup ends too soon: it is truncated", path=archive)
    return CorruptFileError(f"not a legday backup, or a damaged one ({exc})", path=archive)


class ArchiveReader:
    """The archive's members in order, each checked as it is read."""

    def __init__(self, tar: tarfile.TarFile, archive: Path) -> None:
        self.tar = tar
        self.archive = archive
        self.members: Iterator[tarfile.TarInfo] = iter(tar)

    def _next(self, what: str) -> tarfile.TarInfo:
        try:
            member = next(self.members)
        except StopIteration:
            raise TruncatedFileError(
                f"the backup ends before {what}: it is truncated", path=self.archive
            ) from None
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise _damaged(exc, self.archive) from exc
        if not member.isfile():
            raise CorruptFileError(f"unexpected member {member.name!r}", path=self.archive)
        return member

    def _chunks(self, member: tarfile.TarInfo) -> Iterator[bytes]:
        try:
            fh: IO[bytes] | None = self.tar.extractfile(member)
            assert fh is not None  # a regular file, checked by _next
            while chunk := fh.read(CHUNK):
                yield chunk
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise _damaged(exc, self.archive) from exc

    def manifest(self) -> Manifest:
        member = self._next("its manifest")
        if member.name != MANIFEST or member.size > CHUNK:
            raise CorruptFileError(
                f"not a legday backup: it begins with {member.name!r}, not {MANIFEST}",
                path=self.archive,
            )
        return Manifest.from_json(b"".join(self._chunks(member)), self.archive)

    def database(self, manifest: Manifest, dest: Path) -> None:
        member = self._next("its database")
        if member.name != manifest.backend.member:
            raise CorruptFileError(
                f"expected {manifest.backend.member} after the manifest, found {member.name!r}",
                path=self.archive,
            )
        digest = hashlib.sha256()
        with dest.open("wb") as fh:
            for chunk in self._chunks(member):
                digest.update(chunk)
                fh.write(chunk)
        if digest.hexdigest() != manifest.database_sha256:
            raise CorruptFileError(
                f"{member.name} is damaged: its SHA-256 differs from the manifest's",
                path=self.archive,
            )

    def originals(self, manifest: Manifest, store: BlobStore) -> int:
        """Every original into ``store``; how many it did not hold."""
        new = 0
        for number in range(1, manifest.originals + 1):
            member = self._next(f"original {number} of {manifest.originals}")
            match = _ORIGINAL.fullmatch(member.name)
            if match is None:
                raise CorruptFileError(f"unexpected member {member.name!r}", path=self.archive)
            data = b"".join(self._chunks(member))
            digest = match.group(2)
            if hashlib.sha256(data).hexdigest() != digest:
                raise CorruptFileError(
                    f"{member.name} is damaged: its content is not what its name says",
                    path=self.archive,
                )
            new += digest not in store
            store.put(data, digest)
        try:
            extra = next(self.members, None)
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise _damaged(exc, self.archive) from exc
        if extra is not None:
            raise CorruptFileError(f"unexpected member {extra.name!r}", path=self.archive)
        return new
