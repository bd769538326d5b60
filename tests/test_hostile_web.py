"""Uploads with hostile file names through FastAPI's TestClient: nothing is written outside the
upload's temporary folder, the temporary paths never reach the report, and the report names
each file by the name it was uploaded with."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from import_jobs import import_files, wait_for_job
from legday.store.importer import ImportSummary
from legday.store.library import Library
from legday.web import create_app
from legday.web.uploads import LibrarySpec, safe_name
from test_web_api import build_empty
from test_web_support import LOOPBACK, SAME_ORIGIN

pytestmark = pytest.mark.real

GPX = "togeojson/test/data/missing_hr.gpx"

#: Names a browser or a script may send (the multipart layer decodes them as UTF-8).
HOSTILE_NAMES = [
    "../../../../etc/passwd",
    "..\\..\\..\\..\\windows\\win.ini",
    "/etc/cron.d/legday",
    "C:\\Users\\me\\..\\run.fit",
    "%2e%2e%2f%2e%2e%2fescape.gpx",
    "evil\u202egpx.exe",  # right-to-left override: shows as "evilexe.xpg"
    "\u200f\u2066run\u2069.gpx",
    "..",
    ".",
    ".hidden.gpx",
    "CON",
    "x" * 200 + ".gpx",
    "名前 ✓.gpx",
    "a;b|c`d$(e).gpx",
]


def _files(root: Path) -> set[Path]:
    return set(root.rglob("*"))


@pytest.fixture
def setup(
    tmp_path: Path, real_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[TestClient, Path, list[list[Path]], bytes]]:
    """A client over an empty library; uploads go under ``tmp_path/tmp``; every path the
    importer is handed is recorded (and checked to sit inside that folder while it exists)."""
    temp_root = tmp_path / "tmp"
    temp_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp_root))
    seen: list[list[Path]] = []
    real_import = Library.import_paths

    def spy(self: Library, paths: Iterable[str | Path], **kw: object) -> ImportSummary:
        paths = [Path(p) for p in paths]
        for p in paths:
            resolved = p.resolve()
            assert resolved.is_relative_to(temp_root.resolve()), p
            assert resolved.is_file() and resolved.parent.parent.parent == temp_root.resolve()
        seen.append(paths)
        return real_import(self, paths, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Library, "import_paths", spy)
    # the spy sees the import only in this process: no child process for it (as for an
    # in-memory database)
    monkeypatch.setattr(LibrarySpec, "of", classmethod(lambda cls, library: None))
    lib_dir = tmp_path / "lib"
    lib_dir.mkdir()
    with TestClient(
        create_app(build_empty(lib_dir)), base_url=LOOPBACK, headers=SAME_ORIGIN
    ) as client:
        yield client, tmp_path, seen, (real_dir / GPX).read_bytes()


def test_hostile_names_stay_in_the_temporary_folder(
    setup: tuple[TestClient, Path, list[list[Path]], bytes],
) -> None:
    client, root, seen, gpx = setup
    before = _files(root) - _files(root / "lib")
    files = [("files", (name, gpx, "application/octet-stream")) for name in HOSTILE_NAMES]
    files.append(("files", ("junk.fit", b"not a fit file at all", "application/octet-stream")))
    job = wait_for_job(client, client.post("/api/import", files=files))
    data = job["report"]
    # one report per upload, each named as uploaded (the same run: one imported, the rest
    # duplicates; the bad one fails, named)
    # (the multipart parser itself drops the folders of a path with a drive letter, as old
    # browsers sent them)
    uploaded = [n.rsplit("\\", 1)[-1] if n[1:3] == ":\\" else n for n in HOSTILE_NAMES]
    uploaded.append("junk.fit")
    assert sorted(f["path"] for f in data["files"]) == sorted(uploaded)
    assert data["imported"] == 1 and data["duplicates"] == len(HOSTILE_NAMES) - 1
    (bad,) = [f for f in data["files"] if f["status"] == "failed"]
    assert bad["path"] == "junk.fit" and bad["error"].startswith("junk.fit @ byte 0: not a FIT")
    # nothing outside the library's own folder changed, and the temporary folder is gone
    assert _files(root) - _files(root / "lib") == before
    assert list((root / "tmp").iterdir()) == []
    (batch,) = seen
    assert len(batch) == len(files) and len({p.parent for p in batch}) == len(files)
    for path in batch:
        assert path.name == safe_name(path.name) and not path.name.startswith(".")
    text = json.dumps(job)
    for hidden in (str(root), "legday-upload-", tempfile.gettempdir()):
        assert hidden not in text


def raw_upload(client: TestClient, filename: bytes, body: bytes) -> dict[str, object]:
    """Post one file with ``filename`` exactly as given (httpx would percent-encode it)."""
    boundary = b"legdayBOUNDARY"
    payload = (
        b"--" + boundary + b"\r\n"
        b'Content-Disposition: form-data; name="files"; filename="' + filename + b'"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n" + body + b"\r\n"
        b"--" + boundary + b"--\r\n"
    )
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary.decode()}"}
    job = wait_for_job(client, client.post("/api/import", content=payload, headers=headers))
    content = client.get(f"/api/imports/{job['id']}").content
    assert b"\x00" not in content and b"\r" not in content  # JSON-escaped
    result: dict[str, object] = json.loads(content)["report"]
    return result


@pytest.mark.parametrize(
    "filename",
    [b"a\x00b.gpx", b"../../../../x\x00/../y.gpx", b"\xff\xfe.gpx", b"\r\nX-Evil: 1.gpx"],
    ids=["nul", "nul-climb", "not-utf8", "crlf"],
)
def test_raw_control_bytes_in_names(
    setup: tuple[TestClient, Path, list[list[Path]], bytes], filename: bytes
) -> None:
    client, root, seen, gpx = setup
    before = _files(root) - _files(root / "lib")
    data = raw_upload(client, filename, gpx)
    (report,) = data["files"]  # type: ignore[misc]
    assert report["status"] == "imported"
    assert report["path"]  # named (as the multipart layer decoded it), never a temporary path
    assert "legday-upload-" not in json.dumps(data)
    assert _files(root) - _files(root / "lib") == before
    ((path,),) = seen
    assert "\x00" not in str(path) and "\r" not in str(path) and ".." not in path.parts


def test_a_failure_is_reported_under_the_uploaded_name(
    setup: tuple[TestClient, Path, list[list[Path]], bytes],
) -> None:
    client, _, _, _ = setup
    name = "../../../../etc/passwd"
    data = import_files(client, [("files", (name, b"<gpx><trk>", "application/gpx+xml"))])
    (report,) = data["files"]
    assert report["status"] == "failed" and report["path"] == name
    assert report["error"].startswith(f"{name} line 1: malformed XML")


@pytest.mark.parametrize("length", [300, 4000])
def test_a_long_name_is_shortened_not_a_server_error(
    setup: tuple[TestClient, Path, list[list[Path]], bytes], length: int
) -> None:
    client, _, _, gpx = setup
    name = "r" * length + ".gpx"
    with TestClient(
        client.app, raise_server_exceptions=False, base_url=LOOPBACK, headers=SAME_ORIGIN
    ) as c:
        data = import_files(c, [("files", (name, gpx, "application/gpx+xml"))])
    assert data["files"][0]["path"] == name


def test_safe_names_are_plain_ascii_base_names() -> None:
    for name in HOSTILE_NAMES:
        safe = safe_name(name)
        assert safe and "/" not in safe and "\\" not in safe and safe not in (".", "..")
        assert safe.isascii() and safe.isprintable()
        assert os.path.basename(safe) == safe


def test_a_ten_kilobyte_name_is_refused_whole(
    setup: tuple[TestClient, Path, list[list[Path]], bytes],
) -> None:
    """The multipart parser refuses a header this long: a clean 400, nothing imported."""
    client, root, seen, gpx = setup
    before = _files(root)
    files = [("files", ("n" * 10_240 + ".gpx", gpx, "application/gpx+xml"))]
    response = client.post("/api/import", files=files)
    assert response.status_code == 400 and response.json() == {"detail": "Invalid multipart data."}
    assert seen == [] and _files(root) == before
