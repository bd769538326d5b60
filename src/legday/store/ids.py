"""A stored session's id as ``legday week`` shows it: ``42`` an activity, ``s5`` a lifting
session. Parsed without the database's modules, so ``legday verdict 42`` loads none of them."""

from __future__ import annotations

from typing import Literal

from legday.errors import NotFoundError

__all__ = ["Kind", "SessionRef", "parse_session_id", "shown_id"]

Kind = Literal["activity", "strength"]
SessionRef = tuple[Kind, int]


def parse_session_id(text: str | int) -> SessionRef:
    """``42`` → an activity, ``s5`` → a strength session (as ``legday week`` shows them)."""
    raw = str(text).strip().lower()
    kind: Kind = "strength" if raw.startswith("s") else "activity"
    digits = raw[1:] if kind == "strength" else raw
    if not digits.isdigit() or len(digits) > 12:
        raise NotFoundError(
            f"not a session id: {text!r} (an activity is a number, 42; a strength session s5; "
            "`legday week` shows them)"
        )
    return kind, int(digits)


def shown_id(ref: SessionRef) -> str:
    kind, ident = ref
    return f"s{ident}" if kind == "strength" else str(ident)
