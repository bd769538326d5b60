"""Reading the points of a GPX or TCX document in one regular-expression pass, not a tree walk.

Walking lxml's tree costs about as much per point as parsing it (a Python proxy, a tag string
and a dictionary store per value), so the readers take the points straight from the bytes when
the document allows it, and parse only the rest with lxml:

1. a few points spread over the document are tokenised and merged into a *template*: the point's
   attributes and its child elements in document order, every child optional;
2. the template becomes one regular expression, and one :func:`re.Pattern.split` pass yields,
   in C, every point's attribute and leaf values and the document between the points;
3. the document with each point cut down to an empty element (keeping the point's own
   namespace declarations, and its newlines when the caller reports lines, so every line number
   stays true) is the *skeleton*, which lxml parses safely as before
   (:func:`legday.io.xml.parse_document`): it checks the rest of the document, counts the
   points, and gives the namespaces in scope, from which each template leaf gets its
   Clark-notation tag, and the reader checks that the points are its own.

The template and its compiled pattern are cached by the shapes of the sample points (their tags
and attribute names, without the values): one watch writes one shape, so a batch import learns
it once.

Every check is strict, and any doubt means "use the tree" (the caller falls back to
:func:`legday.io.xml.collect_points` on the whole document), so both ways read the same values:

* a value or attribute holds only printable ASCII and XML blank space, never ``<`` or ``&``
  (no entity or character reference, comment, CDATA section or processing instruction inside a
  point) nor ``>`` in text (so never ``]]>``), so what the pattern captures is exactly the text
  lxml would give; a document holding a form feed or vertical tab (not XML) is not scanned;
* repeated attributes and undeclared prefixes (of elements or attributes) give no scan;
* a point whose shape the template does not cover (an unexpected element, attribute, prefix or
  order) is not matched; the skeleton then holds more points than the scan, and the scan is
  dropped; so is one matched inside a comment or CDATA section (fewer points in the skeleton);
* every point's parent must have the same namespaces in scope;
* a value that does not convert (a bad number, an unreadable time) drops the scan, so the tree
  path reports it with its line;
* repeated children give no template; a child that samples place in different orders gets an
  optional slot at each place (a later element wins, as in the tree); a point with text where
  the template has children (mixed content), or the reverse, does not match it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import cast

import numpy as np
import numpy.typing as npt
from lxml import etree

from legday.io.isotime import posix_times

__all__ = ["PointScan", "scan_points"]

FloatArray = npt.NDArray[np.float64]

#: How many points, spread evenly over the document, the template is learnt from (plus the last).
SAMPLES = 16
#: Largest sample point, in bytes, and most elements in a template: real points hold a dozen
#: elements in a few hundred bytes; a hostile one must not make a huge pattern.
MAX_SAMPLE_BYTES = 1 << 14
MAX_TEMPLATE_NODES = 64
#: The channel holding ISO times (POSIX seconds after conversion); every other is a number.
TIME_CHANNEL = "time"
MAX_TEMPLATE_DEPTH = 12

#: Blank space between tags. ``\s`` is much faster in ``re`` than a class of the four XML blank
#: characters; it also matches form feed and vertical tab, which XML forbids, so a document
#: holding either is never scanned (:func:`scan_points`).
_WS = rb"\s"
_NAME = rb"[A-Za-z_][\w.\-]*+(?::[A-Za-z_][\w.\-]*+)?+"
#: Text a scanned value may hold: printable ASCII and XML blank space, without ``<``, ``&`` and
#: ``>`` (so never the ``]]>`` that XML forbids in text).
_TEXT = rb"[\t\n\r\x20-\x25\x27-\x3b\x3d\x3f-\x7e]*+"
_DQ = rb'"([\t\n\r\x20\x21\x23-\x25\x27-\x3b\x3d-\x7e]*+)"'
_SQ = rb"'([\t\n\r\x20-\x25\x28-\x3b\x3d-\x7e]*+)'"
#: A value of that alphabet in either quotes, not captured (attributes the readers ignore).
_ANY_VALUE = b"(?:" + _DQ.replace(b"(", b"(?:") + b"|" + _SQ.replace(b"(", b"(?:") + b")"
#: A tag or a text (the tokeniser's). Possessive throughout, so an unclosed tag is passed once.
_TOKEN = re.compile(
    rb"<(/?)(" + _NAME + rb")((?:" + _WS + rb"++" + _NAME + rb"" + _WS + rb"*+=" + _WS
    + rb"*+(?:\"[^\"<&]*+\"|'[^'<&]*+'))*+)" + _WS + rb"*+(/?)>|([^<]++)"
)  # fmt: skip
_ATTR = re.compile(
    _WS + rb"++(" + _NAME + rb")" + _WS + rb"*+=" + _WS + rb"*+(?:" + _DQ + b"|" + _SQ + b")"
)
_VALUES = re.compile(rb"\"[^\"]*\"|'[^']*'")
_TEXTS = re.compile(rb">[^<]*<")


class _Unscannable(Exception):
    """The document (or its sample points) does not fit the template scan."""


@dataclass(slots=True)
class _Node:
    qname: bytes
    attrs: list[tuple[bytes, bytes | None]]
    """(name, value): the value is kept for namespace declarations, which the pattern matches
    literally; other attributes match any value."""
    children: list[_Node] = field(default_factory=list)

    def merge(self, other: _Node) -> None:
        """Take ``other``'s children in: a child the template has after the last one matched
        is merged into it; one the template has only earlier (points that order their
        children differently: one app writes ``DistanceMeters`` before ``AltitudeMeters`` in
        its first point, after it in the rest) gets a second optional slot here, and any
        other child a new one. A point holding both slots is read as the tree reads it: the
        later element wins (:meth:`PointScan.columns`)."""
        if other.attrs != self.attrs:
            raise _Unscannable(f"attributes of <{self.qname.decode()}> differ between points")
        names = [c.qname for c in self.children]
        at = -1
        for child in other.children:
            index = next((i for i in range(at + 1, len(names)) if names[i] == child.qname), -1)
            if index >= 0:
                self.children[index].merge(child)
                at = index
            else:
                at += 1
                self.children.insert(at, child)
                names.insert(at, child.qname)


def _tokenise(shape: bytes) -> _Node:
    """The element tree of one point's shape (:func:`_shape`: its text already removed; the
    pattern holds every point's text to the alphabet of values, and a point with text where the
    template has children, or the reverse, does not match it)."""
    stack: list[_Node] = []
    root: _Node | None = None
    pos = 0
    for m in _TOKEN.finditer(shape):
        if m.start() != pos:
            raise _Unscannable("unexpected markup in a point")
        pos = m.end()
        closing, qname, attr_text, empty, text = m.groups()
        if text is not None:
            raise _Unscannable("text in a shape")  # not made by _shape
        if closing:
            if not stack or stack[-1].qname != qname or attr_text or empty:
                raise _Unscannable("mismatched end tag in a sample point")
            stack.pop()
            continue
        attrs: list[tuple[bytes, bytes | None]] = []
        for a in _ATTR.finditer(attr_text):
            name = a.group(1)
            if any(name == seen for seen, _ in attrs):
                raise _Unscannable("a repeated attribute")
            value = a.group(2) if a.group(2) is not None else a.group(3)
            attrs.append((name, value if name.startswith(b"xmlns") else None))
        node = _Node(qname, attrs)
        if stack:
            parent = stack[-1]
            if any(c.qname == qname for c in parent.children):
                raise _Unscannable("a repeated child element")
            parent.children.append(node)
        elif root is None:
            root = node
        else:
            raise _Unscannable("two elements in one sample")
        if not empty:
            stack.append(node)
            if len(stack) > MAX_TEMPLATE_DEPTH:
                raise _Unscannable("a sample point nested too deep for a template")
    if root is None or stack or pos != len(shape):
        raise _Unscannable("an unfinished sample point")
    return root


def _shape(sample: bytes) -> bytes:
    """A sample point without its text and the values of its own attributes: what the template
    depends on (the children's attributes, namespace declarations among them, stay)."""
    if len(sample) > MAX_SAMPLE_BYTES:
        raise _Unscannable("a sample point too large for a template")
    head = sample.find(b">")
    return _VALUES.sub(b'""', sample[:head]) + _without_texts(sample[head:])


def _without_texts(body: bytes) -> bytes:
    """``body`` with the text between tags removed; only up to the last ``<``, so a ``>``
    after it is not scanned to the end once per ``>`` (quadratic)."""
    last = body.rfind(b"<") + 1
    return _TEXTS.sub(b"><", body[:last]) + body[last:]


@lru_cache(maxsize=64)
def _compiled(
    shapes: tuple[bytes, ...], whole: bool
) -> tuple[_Node, re.Pattern[bytes], list[_Group]] | None:
    """The merged template of distinct sample shapes and its pattern (``whole``: see
    :func:`_pattern`); None when there is none.

    Cached: a device writes one shape, so the files of one watch share one template (a batch
    import compiles it once). The returned objects are shared and never changed.
    """
    point: _Node | None = None
    try:
        for shape in shapes:
            node = _tokenise(shape)
            if point is None:
                point = node
            elif node.qname != point.qname:
                raise _Unscannable("sample points of different names")
            else:
                point.merge(node)
        if point is None or _size(point) > MAX_TEMPLATE_NODES:
            raise _Unscannable("no sample point, or too many elements for a template")
    except _Unscannable:
        return None
    pattern, groups = _pattern(point, whole)
    return point, pattern, groups


def _size(node: _Node) -> int:
    return 1 + sum(_size(c) for c in node.children)


def _samples(data: bytes, local: bytes) -> list[bytes]:
    """The text of up to :data:`SAMPLES` + 1 points spread over ``data`` (unprefixed tags)."""
    opener = b"<" + local
    closer = b"</" + local
    starts: list[int] = []
    last = data.rfind(opener)
    for k in range(SAMPLES + 1):
        at = data.find(opener, len(data) * k // SAMPLES if k < SAMPLES else last)
        while at >= 0 and data[at + len(opener) : at + len(opener) + 1] not in (
            b">", b"/", b" ", b"\t", b"\r", b"\n"
        ):  # fmt: skip
            at = data.find(opener, at + 1)
        if at >= 0 and at not in starts:
            starts.append(at)
    texts = []
    for at in starts:
        head_end = data.find(b">", at)
        if head_end < 0:
            continue
        if data[head_end - 1 : head_end] == b"/":
            texts.append(data[at : head_end + 1])
            continue
        end = data.find(closer, head_end)
        close_end = data.find(b">", end) if end >= 0 else -1
        if close_end >= 0:
            texts.append(data[at : close_end + 1])
    return texts


@dataclass(slots=True)
class _Group:
    kind: str  # "attr" (a value in double quotes, then one in single quotes) or "leaf"
    path: tuple[_Node, ...]
    name: bytes  # the attribute's name, or the leaf's qualified name


def _attrs_pattern(node: _Node, groups: list[_Group] | None, path: tuple[_Node, ...]) -> bytes:
    out = b""
    for name, value in node.attrs:
        lead = _WS + b"++" + re.escape(name) + _WS + b"*+=" + _WS + b"*+"
        if value is not None:  # a namespace declaration: this exact URI
            v = re.escape(value)
            out += lead + b'(?:"' + v + b"\"|'" + v + b"')"
        elif groups is not None:  # the point's own attributes are values
            groups.append(_Group("attr", path, name))
            out += lead + b"(?:" + _DQ + b"|" + _SQ + b")"
        else:  # another attribute: any value of the same alphabet
            out += lead + _ANY_VALUE
    return out


def _child_pattern(node: _Node, groups: list[_Group], path: tuple[_Node, ...]) -> bytes:
    path = (*path, node)
    q = re.escape(node.qname)
    attrs = _attrs_pattern(node, None, path)
    empty = b"<" + q + attrs + _WS + b"*+/>"
    if node.children:
        inner = b"".join(_child_pattern(c, groups, path) for c in node.children)
        full = b"<" + q + attrs + _WS + b"*+>" + _WS + b"*+" + inner + b"</" + q + _WS + b"*+>"
    else:
        groups.append(_Group("leaf", path, node.qname))
        full = b"<" + q + attrs + _WS + b"*+>(" + _TEXT + b")</" + q + _WS + b"*+>"
    # possessive: an element is given the first slot it fits (a later element of the same name
    # cannot need that slot, so no match is lost), never retried in each later one
    return b"(?:" + full + b"|" + empty + b")?+" + _WS + b"*+"


def _pattern(point: _Node, whole: bool) -> tuple[re.Pattern[bytes], list[_Group]]:
    """The point's pattern and its value groups; with ``whole``, group 1 is the whole point."""
    groups: list[_Group] = []
    q = re.escape(point.qname)
    attrs = _attrs_pattern(point, groups, (point,))
    inner = b"".join(_child_pattern(c, groups, (point,)) for c in point.children)
    body = b">" + _WS + b"*+" + inner + b"</" + q + _WS + b"*+>"
    text = b"<" + q + attrs + _WS + b"*+(?:/>|" + body + b")"
    return re.compile(b"(" + text + b")" if whole else text), groups


@dataclass(slots=True)
class PointScan:
    """The points of a document, read from its bytes; see the module docstring."""

    skeleton: bytes
    """The document with every point cut down to an empty element (newlines kept)."""
    n_points: int
    point: _Node
    groups: list[_Group]
    values: list[list[bytes | None]]
    """Per group, the captured text of each point (None or empty where the point lacks it)."""

    def columns(
        self,
        parents: list[etree._Element],
        *,
        point: str,
        channels: Mapping[str, str],
        attributes: Mapping[str, str],
    ) -> dict[str, FloatArray] | None:
        """Every channel as float64 per point (times as POSIX seconds), NaN where absent.

        ``parents`` are the parsed skeleton's parents of the points (for the namespaces in
        scope), ``point`` the points' Clark-notation tag; ``channels`` maps Clark-notation
        tags to channel names and ``attributes`` the point's attribute names to channel names,
        as for :func:`legday.io.xml.collect_points`. None when the scanned elements are not
        ``point``, the namespaces differ between parents, or a value does not convert: read
        the tree instead.
        """
        if not parents:
            return None
        scope = parents[0].nsmap
        if any(p.nsmap != scope for p in parents[1:]):
            return None
        try:
            tags = _clark_tags(self.point, dict(scope))
        except _Unscannable:
            return None
        if tags[id(self.point)] != point:
            return None  # the scanned elements are not the reader's points
        by_channel: dict[str, list[list[bytes | None]]] = {}
        for group, values in zip(self.groups, self.values, strict=True):
            if group.kind == "attr":
                channel = attributes.get(group.name.decode())
            else:
                channel = channels.get(tags[id(group.path[-1])])
            if channel is not None:
                by_channel.setdefault(channel, []).append(values)
        out: dict[str, FloatArray] = {}
        for channel, lists in by_channel.items():
            merged: FloatArray | None = None
            for values in lists:  # a later element of one channel wins, as in the tree path
                converted = _times(values) if channel == TIME_CHANNEL else _floats(values)
                if converted is None:
                    return None
                arr, present = converted
                merged = arr if merged is None else np.where(present, arr, merged)
            if merged is not None:
                out[channel] = merged
        return out


Converted = tuple[FloatArray, npt.NDArray[np.bool_]]


def _present(values: list[bytes | None]) -> npt.NDArray[np.bool_] | None:
    """Which points hold a value; None when all of them do (the common case, no loop)."""
    if all(values):
        return None
    return np.array([bool(v) for v in values], dtype=bool)


def _floats(values: list[bytes | None]) -> Converted | None:
    present = _present(values)
    try:
        if present is None:
            return np.array(values, dtype=np.float64), np.ones(len(values), dtype=bool)
        return np.array([v or b"nan" for v in values], dtype=np.float64), present
    except ValueError:
        return None


def _times(values: list[bytes | None]) -> Converted | None:
    present = _present(values)
    whole = cast(list[bytes], values) if present is None else [v or b"" for v in values]
    joined = b"\n".join(whole)
    try:
        texts: list[str | None] = list(joined.decode("ascii").split("\n"))
    except UnicodeDecodeError:
        return None
    if len(texts) != len(values):
        return None  # a newline inside a time
    if present is not None:
        texts = [t or None for t in texts]
    else:
        present = np.ones(len(values), dtype=bool)
    arr = posix_times(texts)
    if np.isnan(arr[present]).any():
        return None  # an unreadable time: the tree path reports it with its line
    return arr, present


def _clark_tags(point: _Node, scope: dict[str | None, str]) -> dict[int, str]:
    """The Clark-notation tag of every template node, by ``id``."""
    out: dict[int, str] = {}

    def visit(node: _Node, scope: dict[str | None, str]) -> None:
        declared = {
            (None if name == b"xmlns" else name[6:].decode()): (value or b"").decode()
            for name, value in node.attrs
            if name == b"xmlns" or name.startswith(b"xmlns:")
        }
        if declared:
            scope = {**scope, **declared}
        prefix, _, local = node.qname.decode().rpartition(":")
        uri = scope.get(prefix or None)
        if prefix and uri is None:
            raise _Unscannable(f"undeclared prefix {prefix!r}")
        for name, _ in node.attrs:
            at, colon, _rest = name.partition(b":")
            if colon and at not in (b"xmlns", b"xml") and at.decode() not in scope:
                raise _Unscannable(f"undeclared attribute prefix {at.decode()!r}")
        out[id(node)] = f"{{{uri}}}{local}" if uri else local
        for child in node.children:
            visit(child, scope)

    visit(point, scope)
    return out


def scan_points(data: bytes, local: str, *, lines: bool = True) -> PointScan | None:
    """Scan the ``local`` point elements (written without a prefix) of ``data``; None when the
    document does not fit the template scan (see the module docstring).

    ``lines=False`` leaves the points' newlines out of the skeleton (a little faster), for a
    caller that never reports a line of the skeleton.
    """
    tag = local.encode()
    if b"\x0b" in data or b"\x0c" in data:  # not XML; lxml reports it (see _WS)
        return None
    try:
        shapes = tuple(dict.fromkeys(_shape(sample) for sample in _samples(data, tag)))
    except _Unscannable:
        return None
    compiled = _compiled(shapes, lines)
    if compiled is None or compiled[0].qname != tag:
        return None
    point, pattern, groups = compiled
    parts = pattern.split(data)
    first = 2 if lines else 1  # the piece before the point, and the whole point for its lines
    width = first + sum(2 if g.kind == "attr" else 1 for g in groups)
    n = (len(parts) - 1) // width
    if n == 0 or (len(parts) - 1) % width:
        return None
    pieces = parts[0::width]
    # the empty point keeps the point's own namespace declarations (literal in the template)
    declared = b"".join(b' %s="%s"' % (k, v) for k, v in point.attrs if v is not None)
    hole = b"<" + tag + declared + b"/>"
    holes = [hole] * n
    if lines:
        matches = parts[1::width]
        if any(b"\n" in m for m in matches):
            holes = [hole + b"\n" * m.count(b"\n") for m in matches]  # type: ignore[operator]
    out: list[bytes] = [b""] * (2 * n + 1)
    out[0::2] = pieces  # type: ignore[assignment]
    out[1::2] = holes
    values: list[list[bytes | None]] = []
    col = first
    for group in groups:
        column = parts[col::width]
        if group.kind == "attr":  # a value in double quotes, else one in single quotes
            single = parts[col + 1 :: width]
            if any(single):
                column = [d or s for d, s in zip(column, single, strict=True)]
            col += 2
        else:
            col += 1
        values.append(column)
    return PointScan(b"".join(out), n, point, groups, values)
