"""Format detection from content: gzip magic, the FIT header, the XML root element.

The file name's extension is never trusted: a ``.gpx`` that holds TCX is read as TCX, and a
stream without a name is read all the same.
"""

from __future__ import annotations

import importlib
import re
from enum import StrEnum

from legday.errors import UnsupportedFileError

__all__ = [
    "GZIP_MAGIC",
    "XML_ROOTS",
    "ZIP_HEADS",
    "Format",
    "detect_format",
    "is_fit_head",
    "is_gzip",
    "xml_root",
]

#: The two bytes every gzip member starts with (RFC 1952, section 2.3.1).
GZIP_MAGIC = b"\x1f\x8b"
#: A zip's first bytes: a local file header, or the end record of an empty zip.
ZIP_HEADS = (b"PK\x03\x04", b"PK\x05\x06")
#: Bytes of the head used to find the XML root element (prolog comments can be long).
XML_HEAD_BYTES = 1 << 16
#: FIT file header: size byte (12 or 14), then ``.FIT`` at bytes 8–11 (FIT SDK, "File Header").
FIT_HEADER_SIZES = (12, 14)
_FIT_SIGNATURE = b".FIT"

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
#: XML prolog (declaration, comments, processing instructions, DOCTYPE) then the root's name.
#: Each prolog item is an atomic group and every repeat possessive, so the match is linear: a
#: lazy ``.*?`` that could run on into the next item would make a prolog of 40 processing
#: instructions take exponential time (issue 16; tests/test_hostile_regex.py).
_ROOT = re.compile(
    rb"\s*+(?>(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*+(?:\[.*?\])?\s*+>)\s*+)*+"
    rb"<(?:[A-Za-z_][\w.\-]*+:)?+([A-Za-z_][\w.\-]*+)",
    re.DOTALL,
)


class Format(StrEnum):
    """A file format legday reads activities from."""

    FIT = "fit"
    GPX = "gpx"
    TCX = "tcx"


#: XML root element local names and the format they mean (``Activities``: a TCX body written
#: without its ``TrainingCenterDatabase`` wrapper).
XML_ROOTS = {"gpx": Format.GPX, "TrainingCenterDatabase": Format.TCX, "Activities": Format.TCX}


def is_gzip(head: bytes) -> bool:
    """True when ``head`` starts a gzip stream."""
    return head.startswith(GZIP_MAGIC)


def is_fit_head(head: bytes) -> bool:
    """True when ``head`` starts a FIT file: the FIT reader's own check when it is there, else
    the header signature."""
    check = getattr(importlib.import_module("legday.io.fit"), "is_fit", None)
    if check is not None:
        return bool(check(head))
    return len(head) >= 12 and head[0] in FIT_HEADER_SIZES and head[8:12] == _FIT_SIGNATURE


def xml_root(head: bytes) -> str | None:
    """The local name of the XML root element, or None when ``head`` is not XML."""
    start = 0
    if head.startswith(_UTF16_BOMS):
        head = head[:XML_HEAD_BYTES]
        head = head[: len(head) // 2 * 2].decode("utf-16", errors="ignore").encode("utf-8")
    elif head.startswith(b"\xef\xbb\xbf"):
        start = 3
    match = _ROOT.match(head, start, XML_HEAD_BYTES)  # no copy of the head
    return match.group(1).decode("ascii", errors="replace") if match else None


def detect_format(data: bytes, *, name: str | None = None) -> Format:
    """The format of (uncompressed) ``data``; :class:`UnsupportedFileError` naming the file."""
    if not data:
        raise UnsupportedFileError("the file is empty", path=name)
    if is_fit_head(data[:14]):
        return Format.FIT
    root = xml_root(data)
    if root is not None:
        fmt = XML_ROOTS.get(root)
        if fmt is None:
            raise UnsupportedFileError(
                f"XML with root element <{root}> is neither GPX nor TCX", path=name
            )
        return fmt
    raise UnsupportedFileError(
        "not a FIT, GPX or TCX file (nor a gzip of one)", path=name, offset=0
    )
