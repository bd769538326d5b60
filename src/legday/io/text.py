"""Decoding the text of third-party files, with a typed error that names the file and offset."""

from __future__ import annotations

from legday.errors import CorruptFileError

__all__ = ["decode_text"]

#: How an encoding is named in errors.
_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16"}


def decode_text(data: bytes, encoding: str, *, path: str | None) -> str:
    """``data`` decoded strictly; :class:`CorruptFileError` (with the byte offset) if it is not
    text in ``encoding``. ``utf-16`` reads the byte-order mark; ``utf-8-sig`` drops one."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        name = _NAMES.get(encoding, encoding)
        raise CorruptFileError(
            f"undecodable {name} text: {exc.reason}", path=path, offset=exc.start
        ) from exc
