"""Every error legday raises on purpose.

The tree::

    LegdayError
    ├── FileError                 a file could not be read (carries path, byte offset or line)
    │   ├── CorruptFileError      the bytes break the format (bad CRC, bad header, bad XML…)
    │   ├── TruncatedFileError    the file ends before the format says it should
    │   ├── UnsupportedFileError  not a format legday reads, or not an activity (e.g. a FIT
    │   │                         monitoring file)
    │   └── UnsafeInputError      refused on purpose: too large, a zip bomb, an unsafe path,
    │                             XML entities, a work bomb (legday.io.limits)
    ├── ConfigError               a bad setting in legday.toml or a bad profile key/value
    ├── LabelError                a run label legday cannot take: an unknown kind, bad reps,
    │                             or a session that is not a run
    ├── LogSyntaxError            a manual strength log entry that cannot be understood
    ├── OutOfRangeError           a value no real session has: a date outside 1900–2100, a
    │                             load of 1e308 kg (legday.plausible)
    ├── DuplicateError            the same session is stored already (``legday log`` twice;
    │                             carries the stored id)
    ├── DatabaseError             the database cannot be used: damaged, read-only for a
    │                             command that writes, written by a newer legday, or changed
    │                             outside legday
    ├── BackupError               a backup or restore cannot be done as asked
    │   ├── ToolMissingError      pg_dump, pg_restore or psql is missing, or too old for the
    │   │                         server (names the Debian package to install)
    │   ├── WrongBackendError     an archive of one back end restored into the other
    │   ├── NewerBackupError      an archive from a newer legday's schema
    │   └── DatabaseNotEmptyError a restore onto a database that holds data, without --force
    │                             (a truncated or damaged archive is a TruncatedFileError or
    │                             CorruptFileError naming it)
    ├── NotFoundError             an id, exercise or file that does not exist
    └── AccountError              an account cannot do what was asked (legday.accounts)
        ├── AuthenticationError   a wrong login name or password, or an unknown, expired or
        │                         revoked session or API token
        └── ForbiddenError        a known user asked for what their role or link does not
                                  allow: another athlete's data, or an edit on read-only

Third-party errors are wrapped where they are raised (``raise CorruptFileError(...) from exc``),
so callers only ever need ``except LegdayError``.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

__all__ = [
    "AccountError",
    "AuthenticationError",
    "BackupError",
    "ConfigError",
    "CorruptFileError",
    "DatabaseError",
    "DatabaseNotEmptyError",
    "DuplicateError",
    "FileError",
    "ForbiddenError",
    "LabelError",
    "LegdayError",
    "LogSyntaxError",
    "NewerBackupError",
    "NotFoundError",
    "OnError",
    "OutOfRangeError",
    "ToolMissingError",
    "TruncatedFileError",
    "UnsafeInputError",
    "UnsupportedFileError",
    "WrongBackendError",
]


class OnError(StrEnum):
    """What a reader does when a file is damaged part-way.

    ``WARN`` (the default) keeps what was decoded before the fault and records a warning;
    ``RAISE`` raises the typed error; ``SKIP`` drops the damaged part silently except for the
    warning list.
    """

    RAISE = "raise"
    WARN = "warn"
    SKIP = "skip"


class LegdayError(Exception):
    """The root of every error legday raises on purpose."""


class FileError(LegdayError):
    """A file could not be read. Says which file and where in it."""

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        offset: int | None = None,
        line: int | None = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.offset = offset
        self.line = line
        super().__init__(self._render())

    def _render(self) -> str:
        where = self.path or "<stream>"
        if self.offset is not None:
            where += f" @ byte {self.offset}"
        if self.line is not None:
            where += f" line {self.line}"
        return f"{where}: {self.message}"

    def with_path(self, path: str | Path) -> FileError:
        """Return the same error naming ``path`` (for errors raised on an anonymous stream)."""
        self.path = str(path)
        self.args = (self._render(),)
        return self


class CorruptFileError(FileError):
    """The bytes break the file format."""


class TruncatedFileError(FileError):
    """The file ends before the format says it should."""


class UnsupportedFileError(FileError):
    """Not a format legday reads, or a file that holds no activity."""


class UnsafeInputError(FileError):
    """Refused on purpose: too large, a zip bomb, an unsafe archive path, XML entities, or more
    work than any real file asks for (:mod:`legday.io.limits`)."""


class ConfigError(LegdayError):
    """A bad setting or profile value. The message names the key and the value."""


class LabelError(LegdayError):
    """A run label that cannot be set (``legday label``); the message lists the valid kinds
    or says why the session takes none."""


class LogSyntaxError(LegdayError):
    """A manual log entry that cannot be understood; the message shows where."""


class OutOfRangeError(LegdayError):
    """A value no real session has (:mod:`legday.plausible`); the message names it."""


class DuplicateError(LegdayError):
    """The session is stored already, as ``existing_id``."""

    def __init__(self, message: str, existing_id: str) -> None:
        super().__init__(message)
        self.existing_id = existing_id


class DatabaseError(LegdayError):
    """The database cannot be used as asked; the message says why and what to do."""


class BackupError(LegdayError):
    """A backup or restore cannot be done as asked (:mod:`legday.store.backup`); the message
    says why and what to do."""


class ToolMissingError(BackupError):
    """PostgreSQL's pg_dump, pg_restore or psql is not installed, or is older than the server;
    the message names the package that has it."""


class WrongBackendError(BackupError):
    """An archive of one back end (SQLite, PostgreSQL) restored into the other."""


class NewerBackupError(BackupError):
    """An archive written by a legday whose schema is newer than this one's."""


class DatabaseNotEmptyError(BackupError):
    """A restore onto a database that holds data, without ``--force``."""


class NotFoundError(LegdayError):
    """Something asked for by name or id does not exist."""


class AccountError(LegdayError):
    """An account cannot do what was asked: a bad login name, a disabled user, a link that
    does not exist. The message names the account."""


class AuthenticationError(AccountError):
    """Who is asking is not known: a wrong login name or password, or a session or API token
    that is unknown, expired or revoked. The message never says which of the two was wrong."""


class ForbiddenError(AccountError):
    """A known user asked for something their role or coach link does not allow."""
