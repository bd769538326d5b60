"""constraints/lowest.txt pins each dependency at the lower bound pyproject.toml gives it, so
that ``make test-lowest`` tests the versions a user may really have (issue 16, item 6)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
#: The extras ``make test-lowest`` installs at their bounds, besides the core.
PINNED_EXTRAS = ("web", "postgres", "server")
#: Test tools the target installs at their bounds.
PINNED_TOOLS = ("pytest", "hypothesis")


def _pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "constraints/lowest.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"not a pin: {line!r}"
            pins[canonicalize_name(name)] = version
    return pins


def _bounded() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    wanted = [*project["dependencies"], *(r for k in PINNED_EXTRAS for r in extras[k])]
    wanted += [r for r in extras["test"] if Requirement(r).name in PINNED_TOOLS]
    # an extra that brings others (legday[server] is legday[web,postgres] and more) names them
    return [Requirement(r) for r in wanted if Requirement(r).name != "legday"]


@pytest.mark.parametrize("req", _bounded(), ids=str)
def test_each_dependency_is_pinned_at_its_lower_bound(req: Requirement) -> None:
    (lower,) = [spec.version for spec in req.specifier if spec.operator == ">="]
    pinned = _pins().get(canonicalize_name(req.name))
    assert pinned is not None, f"{req.name} has no pin in constraints/lowest.txt"
    assert tuple(int(p) for p in pinned.split(".")) == _padded(lower, pinned), (
        f"{req.name}: pinned {pinned}, but pyproject's lower bound is {lower}"
    )


def _padded(version: str, like: str) -> tuple[int, ...]:
    """``2.0`` as ``(2, 0, 0)`` beside a three-part pin: a bound names the first release."""
    parts = [int(p) for p in version.split(".")]
    return tuple(parts + [0] * (len(like.split(".")) - len(parts)))
