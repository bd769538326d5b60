"""The FIT reader: FIT bytes → :class:`legday.model.Activity` (one per session).

Modules, in pipeline order: :mod:`~legday.io.fit.protocol` (binary constants, base types),
:mod:`~legday.io.fit.crc`, :mod:`~legday.io.fit.framing` (headers, definitions, message
boundaries), :mod:`~legday.io.fit.profile` (tables derived from the official SDK's Profile),
:mod:`~legday.io.fit.columns` (numpy gathers per definition), :mod:`~legday.io.fit.components`,
:mod:`~legday.io.fit.hr`, :mod:`~legday.io.fit.samples`, :mod:`~legday.io.fit.summaries` and
:mod:`~legday.io.fit.reader` (``read_fit``).

Work that depends only on a definition message (its parse, and the numpy layout and conversion
plan of its messages) is cached per process in bounded LRUs keyed by the definition's bytes and
everything else that changes the decoding (see :mod:`~legday.io.fit.columns`), so the files of
one watch pay for it once; :func:`~legday.io.fit.columns.clear_definition_caches` empties them.
"""

from legday.io.fit.reader import is_fit, read_fit

__all__ = ["is_fit", "read_fit"]
