"""The catalog's TOML, parsed once and kept beside the byte code (``catalog._parsed``): commands
that need the catalog read the kept copy instead of parsing 85 kB of TOML in pure Python."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from legday.strength import catalog

TEXT = '[[exercise]]\nkey = "x"\nname = "X"\n'


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The module's file as if it lived in ``tmp_path`` (its kept copies go there)."""
    monkeypatch.setattr(catalog, "__file__", str(tmp_path / "catalog.py"))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    return tmp_path / "__pycache__"


def test_the_kept_parse_is_tomllibs_and_is_read_back(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert catalog._parsed(TEXT) == tomllib.loads(TEXT)
    (kept,) = here.iterdir()
    monkeypatch.setattr(tomllib, "loads", lambda _: pytest.fail("parsed again"))
    assert catalog._parsed(TEXT) == {"exercise": [{"key": "x", "name": "X"}]}
    assert list(here.iterdir()) == [kept]


def test_other_text_is_parsed_and_a_damaged_copy_is_parsed_again(here: Path) -> None:
    catalog._parsed(TEXT)
    (kept,) = here.iterdir()
    kept.write_bytes(b"\x00 not marshal")
    assert catalog._parsed(TEXT) == tomllib.loads(TEXT)
    other = TEXT.replace('"X"', '"Y"')
    assert catalog._parsed(other)["exercise"][0]["name"] == "Y"
    assert len(list(here.iterdir())) == 2


def test_nothing_is_written_where_python_writes_no_byte_code(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert catalog._parsed(TEXT) == tomllib.loads(TEXT)
    assert not here.exists()


def test_bad_toml_is_still_a_corrupt_file(here: Path) -> None:
    from legday.errors import CorruptFileError

    with pytest.raises(CorruptFileError, match="invalid TOML"):
        catalog._parsed("[[exercise]\n")


def test_the_shipped_catalog_reads_the_same_kept_or_not(here: Path) -> None:
    text = (Path(catalog.resources.files("legday.strength")) / catalog.CATALOG_RESOURCE).read_text(
        "utf-8"
    )
    assert catalog._parsed(text) == catalog._parsed(text) == tomllib.loads(text)
