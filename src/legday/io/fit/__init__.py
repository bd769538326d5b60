"""The FIT reader: FIT bytes → :class:`legday.model.Activity` (one per session).

Modules, in pipeline order: :mod:`~legday.io.fit.protocol` (binary constants, base types),
:mod:`~legday.io.fit.crc`, :mod:`~legday.io.fit.framing` (headers, definitions, message
boundaries), :mod:`~legday.io.fit.profile` (tables derived from the official SDK's Profile),
:mod:`~legday.io.fit.columns` (numpy gathers per definition), :mod:`~legday.io.fit.components`,
:mod:`~legday.io.fit.hr`, :mod:`~legday.io.fit.samples`, :mod:`~legday.io.fit.summaries` and
:mod:`~legday.io.fit.reader` (``read_fit``).
"""

from legday.io.fit.reader import is_fit, read_fit

__all__ = ["is_fit", "read_fit"]
