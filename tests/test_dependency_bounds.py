"""pyproject.toml keeps users on dependency versions the tests ran on.

Each dependency has an upper bound (the next minor release not yet tested), and the versions
these tests run on are inside the bounds: CI installs the newest the bounds allow, so a newer
release reaches users only in the change that raises its bound and runs every test on it.
"""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def _requirements() -> list[Requirement]:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    tested = [*project["dependencies"], *(r for k, v in extras.items() if k != "bench" for r in v)]
    # legday's own extras (legday[all]) name the others, whose requirements are here already
    return [Requirement(r) for r in tested if Requirement(r).name != "legday"]


@pytest.mark.parametrize("req", _requirements(), ids=str)
def test_every_dependency_has_an_upper_bound_and_runs_inside_it(req: Requirement) -> None:
    assert any(spec.operator in ("<", "<=", "~=", "==") for spec in req.specifier), (
        f"{req} has no upper bound: add the next minor release not yet tested"
    )
    installed = metadata.version(req.name)
    assert req.specifier.contains(installed, prereleases=True), (
        f"the tests run on {req.name} {installed}, outside {req}: raise the bound if the tests "
        "pass on it, else install a version inside it"
    )
