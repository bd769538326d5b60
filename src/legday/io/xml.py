"""What the GPX and TCX readers share: safe parsing and the points' values, from the byte scan
or one pass over the tree (ISO times: :mod:`legday.io.isotime`; samples from the point columns:
:mod:`legday.io.track`; sport names: :mod:`legday.io.sports`).

Safety (the XML is third-party input):

* the document is parsed by lxml with a locked-down parser: entities are not resolved, no DTD
  is loaded or validated, nothing is fetched from the network, ``huge_tree`` stays off (libxml2's
  own limits on depth and text node size apply);
* a ``DOCTYPE`` that declares entities (billion laughs, external entities) is refused with
  :class:`~legday.errors.UnsafeInputError`: before parsing when it sits in the first 64 KiB,
  and after parsing (from the tree's internal DTD) wherever it was;
* the element count is bounded before parsing (:data:`MAX_XML_ELEMENTS`), from a byte count of
  start tags, so a document cannot make lxml build a tree larger than memory allows;
* malformed XML raises :class:`~legday.errors.CorruptFileError` with the line number; a
  document past libxml2's own limits (nesting deeper than 256 elements, a text or attribute
  value over 10 MB) raises :class:`~legday.errors.UnsafeInputError` with the line.

Speed: the points are read from the bytes in one regular-expression pass, and lxml parses only
the rest of the document (the *skeleton*), when the document allows it (:func:`parse_points`,
:mod:`legday.io.point_scan`: a per-document template, strict checks, the tree on any doubt).
Otherwise a single ``root.iter(*tags)`` pass in document order collects the text of every value
element (one dictionary store per value), which numpy converts once per channel (see
:func:`collect_points`). Walking the tree costs about as much per point as parsing it (lxml's
proxy, ``tag`` and ``text`` per value); measured alternatives that were slower still: XPath
``text()`` per channel, an XSLT to text, ``XMLPullParser``/``iterparse`` with tag filters,
custom element classes, and ``xml.etree`` (its parse alone is twice lxml's).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from lxml import etree

from legday.errors import CorruptFileError, OnError, UnsafeInputError, UnsupportedFileError
from legday.io.isotime import posix_times
from legday.io.limits import check_warnings
from legday.io.point_scan import PointScan, scan_points
from legday.io.text import decode_text

__all__ = [
    "MAX_XML_ELEMENTS",
    "LineFinder",
    "PointColumns",
    "collect_points",
    "count_points",
    "parse_document",
    "parse_points",
    "report",
    "require_points",
    "scanned_columns",
]

FloatArray = npt.NDArray[np.float64]

#: Most elements a GPX/TCX document may hold. A 24-hour recording at 1 Hz with every TCX
#: extension is about 1.5 million elements; ten million leaves room and caps lxml's tree memory.
MAX_XML_ELEMENTS = 10_000_000

#: How far into the document a DOCTYPE is looked for before parsing (a fast pre-check; the
#: parsed tree's DTD is checked again after parsing, wherever the DOCTYPE was).
_PROLOG_SCAN_BYTES = 1 << 16

#: libxml2's error code for its own limits, which apply because ``huge_tree`` stays off …
_RESOURCE_LIMIT = etree.ErrorTypes.ERR_RESOURCE_LIMIT
#: … the nesting depth (libxml2's ``xmlParserMaxDepth``) …
_MAX_DEPTH = 256
#: … and the size of one text node or attribute value, MB (``XML_MAX_TEXT_LENGTH``, 10,000,000).
_MAX_TEXT_MB = 10
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
#: The ``encoding`` pseudo-attribute of an XML declaration (dropped once UTF-16 is transcoded).
#: Possessive, so blank space before a missing ``encoding=`` is passed once, not once per start
#: (64 KB of UTF-16 spaces took 2.5 s; tests/test_hostile_regex.py).
_ENCODING_DECL = re.compile(
    r"(\s*+<\?xml(?:[^>\s]++|\s++(?!encoding=))*+)\s++encoding=([\"'])[^\"']*+\2"
)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        dtd_validation=False,
        load_dtd=False,
        huge_tree=False,
        remove_blank_text=True,  # no whitespace nodes: parses ~25 % faster, iterates faster
        remove_comments=True,
        remove_pis=True,
    )


def parse_document(data: bytes, name: str | None) -> etree._Element:
    """Parse ``data`` safely and return the root element.

    Raises :class:`UnsafeInputError` for entity declarations, too many elements, or a document
    past libxml2's nesting and size limits (with the line), :class:`CorruptFileError` (with the
    line) for malformed XML or undecodable text.
    """
    data, line_shift = _normalise_text(data, name)
    _check_prolog(data, line_shift, name)
    return _parse(data, line_shift, name)


def parse_points(
    data: bytes, name: str | None, point: str, *, lines: bool = True
) -> tuple[etree._Element, PointScan | None]:
    """:func:`parse_document`, reading the ``point`` elements from the bytes when it can.

    Returns the root and the scan (:mod:`legday.io.point_scan`): with a scan, the root is the
    skeleton's, whose points are empty (take their values from :func:`scanned_columns`);
    without one, the whole document's. A skeleton lxml refuses means the whole document is
    parsed again, so errors always name the document's own line. With ``lines=False`` the
    skeleton's lines after the first point are not the document's
    (:func:`~legday.io.point_scan.scan_points`).
    """
    data, line_shift = _normalise_text(data, name)
    _check_prolog(data, line_shift, name)
    scan = scan_points(data, point, lines=lines)
    if scan is not None:
        try:
            return _parse(scan.skeleton, line_shift, name), scan
        except (CorruptFileError, UnsafeInputError):
            pass
    return _parse(data, line_shift, name), None


def scanned_columns(
    root: etree._Element,
    scan: PointScan | None,
    *,
    point: str,
    channels: Mapping[str, str],
    attributes: Mapping[str, str] | None = None,
) -> PointColumns | None:
    """The scanned values of every ``point`` element (Clark notation) of the document, or None
    when the tree must be read instead: no scan, a point count that differs from the scan's (a
    point the template missed, or one it matched inside a comment), namespaces that differ
    between the points' parents, or values that do not convert."""
    if scan is None:
        return None
    count, parents = _point_queries(point)
    if int(count(root)) != scan.n_points:
        return None
    arrays = scan.columns(
        parents(root), point=point, channels=channels, attributes=attributes or {}
    )
    if arrays is None:
        return None
    return PointColumns(n_points=scan.n_points, texts={}, rows={}, arrays=arrays)


def count_points(context: etree._Element, point: str) -> int:
    """How many ``point`` elements (Clark notation) ``context`` holds, at any depth."""
    return int(_point_queries(point)[0](context))


@lru_cache(maxsize=16)
def _point_queries(point: str) -> tuple[etree.XPath, etree.XPath]:
    qname = etree.QName(point)
    step = f"p:{qname.localname}" if qname.namespace else qname.localname
    ns = {"p": qname.namespace} if qname.namespace else {}
    return (
        etree.XPath(f"count(.//{step})", namespaces=ns),
        etree.XPath(f".//{step}/..", namespaces=ns),
    )


def _check_prolog(data: bytes, line_shift: int, name: str | None) -> None:
    doctype = data.find(b"<!DOCTYPE", 0, _PROLOG_SCAN_BYTES)
    if doctype >= 0 and data.find(b"<!ENTITY", doctype) >= 0:
        raise UnsafeInputError(
            "the DOCTYPE declares entities, which legday refuses (entity expansion attacks)",
            path=name,
            line=data.count(b"\n", 0, doctype) + 1 + line_shift,
        )
    # every element takes at least 4 bytes (``<a/>``), so only large documents need counting
    start_tags = 0 if len(data) < 4 * MAX_XML_ELEMENTS else data.count(b"<") - data.count(b"</")
    if start_tags > MAX_XML_ELEMENTS:
        raise UnsafeInputError(
            f"too many XML elements (about {start_tags:,}; the limit is {MAX_XML_ELEMENTS:,})",
            path=name,
        )


def _parse(data: bytes, line_shift: int, name: str | None) -> etree._Element:
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno + line_shift if exc.lineno else None
        if exc.code == _RESOURCE_LIMIT:
            what = exc.msg.split(",", 1)[0].removeprefix("Resource limit exceeded: ")
            raise UnsafeInputError(
                f"the XML goes past a parser limit: {what} (legday reads at most {_MAX_DEPTH} "
                f"levels of nesting and {_MAX_TEXT_MB} MB per text or attribute value)",
                path=name,
                line=line,
            ) from exc
        raise CorruptFileError(f"malformed XML: {exc.msg}", path=name, line=line) from exc
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise UnsafeInputError(
            "the DOCTYPE declares entities, which legday refuses (entity expansion attacks)",
            path=name,
        )
    return root


def _normalise_text(data: bytes, name: str | None) -> tuple[bytes, int]:
    """Strip a BOM and leading blank space, transcode UTF-16 to UTF-8.

    Returns the bytes and the number of lines removed from the front (to keep error lines true).
    """
    if data.startswith(_UTF16_BOMS):
        text = decode_text(data, "utf-16", path=name)
        decl = _ENCODING_DECL.match(text)
        if decl is not None:
            text = decl.group(1) + text[decl.end() :]
        data = text.encode("utf-8")
    elif data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    stripped = data.lstrip()
    shift = data.count(b"\n", 0, len(data) - len(stripped)) if len(stripped) != len(data) else 0
    return stripped, shift


@dataclass(slots=True)
class PointColumns:
    """The raw text of every value element, by channel, with the index of its point."""

    n_points: int
    texts: dict[str, list[str | None]]
    rows: dict[str, list[int] | None]
    """The point index of each text; None when the channel holds one text per point, in order
    (attributes of the point element, and value elements every point has exactly once)."""
    marks: list[int] = field(default_factory=list)
    """For each ``mark_tag`` element, the index of the first point after it."""
    arrays: dict[str, FloatArray] = field(default_factory=dict)
    """Channels already converted (by the byte scan: floats, and times as POSIX seconds)."""

    def floats(
        self,
        channel: str,
        *,
        name: str | None,
        on_error: OnError,
        warnings: list[str],
        line_of: LineFinder,
    ) -> FloatArray:
        """The channel as float64, NaN where absent; bad numbers follow ``on_error``."""
        if self.arrays or not self.texts:
            return self.arrays.get(channel, np.full(self.n_points, np.nan))
        texts = self.texts.get(channel)
        if not texts:
            return np.full(self.n_points, np.nan)
        try:
            values = np.array(texts, dtype=np.float64)
        except (ValueError, TypeError):
            values = np.array([_float_or_nan(t) for t in texts], dtype=np.float64)
            bad = [i for i, t in enumerate(texts) if t is not None and np.isnan(values[i])]
            bad = [i for i in bad if (texts[i] or "").strip().lower() != "nan"]
            if bad:
                report(
                    f"{len(bad)} unreadable {channel} value(s), e.g. {texts[bad[0]]!r}",
                    name=name,
                    on_error=on_error,
                    warnings=warnings,
                    line=line_of(int(self._rows(channel)[bad[0]])),
                )
        if self.rows.get(channel) is None:
            return values  # one text per point, in order
        out = np.full(self.n_points, np.nan)
        out[self._rows(channel)] = values
        return out

    def window(self, start: int, stop: int, marks: list[int]) -> PointColumns:
        """Points ``start`` to ``stop`` of converted columns (one TCX activity's), with its
        lap ``marks``."""
        arrays = {ch: arr[start:stop] for ch, arr in self.arrays.items()}
        return PointColumns(stop - start, texts={}, rows={}, marks=marks, arrays=arrays)

    def _rows(self, channel: str) -> npt.NDArray[np.intp]:
        rows = self.rows.get(channel)
        if rows is None:
            return np.arange(self.n_points, dtype=np.intp)
        return np.asarray(rows, dtype=np.intp)

    def times(
        self,
        channel: str,
        *,
        name: str | None,
        on_error: OnError,
        warnings: list[str],
        line_of: LineFinder,
    ) -> FloatArray:
        """The channel as POSIX seconds, NaN where absent; unreadable times follow ``on_error``."""
        if self.arrays or not self.texts:
            return self.arrays.get(channel, np.full(self.n_points, np.nan))
        texts = self.strings(channel)
        out = posix_times(texts)
        missing = np.isnan(out)
        if not missing.any():
            return out
        bad = np.flatnonzero(missing & np.array([t is not None for t in texts], dtype=bool))
        if bad.size:
            report(
                f"{bad.size} unreadable time(s), e.g. {texts[int(bad[0])]!r}",
                name=name,
                on_error=on_error,
                warnings=warnings,
                line=line_of(int(bad[0])),
            )
        return out

    def strings(self, channel: str) -> list[str | None]:
        """The channel's raw text per point (None where absent)."""
        texts = self.texts.get(channel, [])
        rows = self.rows.get(channel)
        if rows is None and len(texts) == self.n_points:
            return texts
        out: list[str | None] = [None] * self.n_points
        for row, text in zip(self._rows(channel).tolist(), texts, strict=True):
            out[row] = text
        return out


class LineFinder:
    """Finds the source line of the ``i``-th point element (only used on the error path)."""

    def __init__(self, root: etree._Element, point_tags: Collection[str]) -> None:
        self._root = root
        self._tags = tuple(point_tags)

    def __call__(self, index: int) -> int | None:
        for i, el in enumerate(self._root.iter(*self._tags)):
            if i == index:
                line = el.sourceline
                return int(line) if line is not None else None
        return None


def collect_points(
    root: etree._Element,
    *,
    point_tags: Collection[str],
    channels: Mapping[str, str],
    attributes: Mapping[str, str] | None = None,
    reset_tags: Collection[str] = (),
    mark_tags: Collection[str] = (),
) -> PointColumns:
    """One pass over ``root`` in document order, collecting each point's values.

    ``point_tags`` open a new point; a value element (``channels`` maps its Clark-notation tag
    to a channel name) belongs to the last point opened. ``reset_tags`` close the current point
    (elements after them until the next point are ignored), so summary elements that share a tag
    with point values (a TCX lap's ``DistanceMeters``) are never taken for samples; this relies
    on the schema order (a container's summary comes before its points). ``attributes`` maps an
    attribute of the point element (``lat``) to a channel of its own (one text per point, None
    where the attribute is absent). ``mark_tags`` both reset and record
    the index of the next point (TCX laps). A point with several values of one channel keeps
    the last.

    The loop does one dictionary store per value (its point index → its text); a channel that
    every point has once then needs no index at all (see :class:`PointColumns`).
    """
    attributes = attributes or {}
    by_channel: dict[str, dict[int, str | None]] = {ch: {} for ch in channels.values()}
    sinks = {tag: by_channel[ch] for tag, ch in channels.items()}
    attr_texts: dict[str, list[str | None]] = {ch: [] for ch in attributes.values()}
    attr_sinks = [(attr, attr_texts[ch].append) for attr, ch in attributes.items()]
    points = frozenset(point_tags)
    marks_set = frozenset(mark_tags)
    marks: list[int] = []
    i = -1
    inside = False
    sink_of = sinks.get
    for el in root.iter(*points, *reset_tags, *marks_set, *channels):
        tag = el.tag
        sink = sink_of(tag)
        if sink is not None:
            if inside:
                sink[i] = el.text
        elif tag in points:
            i += 1
            inside = True
            for attr, add_text in attr_sinks:
                add_text(el.get(attr))
        else:
            inside = False
            if tag in marks_set:
                marks.append(i + 1)
    n = i + 1
    texts: dict[str, list[str | None]] = dict(attr_texts)
    rows: dict[str, list[int] | None] = {ch: None for ch in attributes.values()}
    for ch, values in by_channel.items():
        texts[ch] = list(values.values())
        # Indices are distinct and below n: n of them means every point, in order.
        rows[ch] = None if len(values) == n else list(values)
    return PointColumns(n_points=n, texts=texts, rows=rows, marks=marks)


def _float_or_nan(text: str | None) -> float:
    if text is None:
        return float("nan")
    try:
        return float(text)
    except ValueError:
        return float("nan")


def report(
    message: str,
    *,
    name: str | None,
    on_error: OnError,
    warnings: list[str],
    line: int | None = None,
) -> None:
    """Raise :class:`CorruptFileError` under ``RAISE``, else record a warning
    (:class:`UnsafeInputError` past :data:`~legday.io.limits.MAX_WARNINGS_PER_FILE`)."""
    if on_error is OnError.RAISE:
        raise CorruptFileError(message, path=name, line=line)
    warnings.append(message if line is None else f"{message} (line {line})")
    check_warnings(warnings, name)


def require_points(n_timed: int, *, minimum: int, name: str | None, what: str) -> None:
    """Refuse a file with fewer than ``minimum`` timed points (it is a route, not a recording)."""
    if n_timed < minimum:
        raise UnsupportedFileError(
            f"{what} has {n_timed} time-stamped point(s); an activity needs at least {minimum}",
            path=name,
        )
