"""Hostile XML (GPX and TCX) beyond tests/test_read.py: parser limits, encodings, processing
instructions, XInclude, external DTDs (proved never fetched by a local server that counts its
requests), huge attributes; and zips whose headers lie."""

from __future__ import annotations

import gzip
import http.server
import io
import re
import struct
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from legday.errors import CorruptFileError, LegdayError, UnsafeInputError, UnsupportedFileError
from legday.io.archive import MAX_MEMBER_BYTES, read_archive
from legday.io.reader import read_bytes
from legday.model import Activity, AthleteProfile
from legday.settings import Settings
from legday.store.blobs import BlobStore
from legday.store.db import open_database
from legday.store.library import Library

pytestmark = pytest.mark.real

GPX = "togeojson/test/data/missing_hr.gpx"
TCX = "sweatpy/sweat/examples/data/activity_5039744860.tcx"


@pytest.fixture
def gpx(real_dir: Path) -> bytes:
    return (real_dir / GPX).read_bytes()


@pytest.fixture
def tcx(real_dir: Path) -> bytes:
    return (real_dir / TCX).read_bytes()


def one(data: bytes, name: str = "hostile.gpx") -> Activity:
    (act,) = read_bytes(data, name=name)
    return act


def same_track(a: Activity, b: Activity) -> None:
    assert a.n_samples == b.n_samples
    for channel in ("timestamp", "latitude_deg", "longitude_deg"):
        np.testing.assert_array_equal(a.samples[channel], b.samples[channel])


def before_root(doc: bytes, root: bytes, insert: bytes) -> bytes:
    """``doc`` with ``insert`` right before the root element (where a DOCTYPE goes)."""
    start = doc.index(b"<" + root)
    return doc[:start] + insert + doc[start:]


def after_root_open(doc: bytes, root: bytes, insert: bytes) -> bytes:
    """``doc`` with ``insert`` right after the root element's start tag."""
    start = doc.index(b"<" + root)
    end = doc.index(b">", start) + 1
    return doc[:end] + insert + doc[end:]


# --- libxml2's limits -----------------------------------------------------------------------


@pytest.mark.parametrize("depth", [300, 100_000])
def test_deep_nesting_is_refused_with_the_line(gpx: bytes, depth: int) -> None:
    deep = b"<extensions>" + b"<a>" * depth + b"</a>" * depth + b"</extensions>"
    doc = gpx.replace(b"<trk>", b"<trk>\n" + deep, 1)
    line = doc[: doc.index(b"<extensions>")].count(b"\n") + 1
    with pytest.raises(UnsafeInputError, match=r"^deep\.gpx line \d+: .*nesting") as info:
        one(doc, "deep.gpx")
    assert info.value.line == line
    assert "XML_PARSE_HUGE" not in str(info.value)  # no lxml advice the runner cannot take


def test_nesting_under_the_limit_is_read(gpx: bytes) -> None:
    nested = b"<extensions>" + b"<a>" * 200 + b"</a>" * 200 + b"</extensions>"
    same_track(one(gpx.replace(b"<trk>", b"<trk>" + nested, 1)), one(gpx))


@pytest.mark.parametrize(
    ("where", "what"),
    [
        (lambda d: d.replace(b'creator="', b'creator="' + b"A" * 10_500_000, 1), "attribute"),
        (lambda d: re.sub(rb'lat="', b'lat="' + b"1" * 10_500_000, d, count=1), "lat"),
        (lambda d: d.replace(b"<trk>", b"<trk><name>" + b"N" * 10_500_000 + b"</name>", 1), "text"),
    ],
    ids=["creator", "lat", "name"],
)
def test_values_over_ten_megabytes_are_refused(gpx: bytes, where: object, what: str) -> None:
    with pytest.raises(UnsafeInputError, match=r"^big\.gpx line \d+: .*parser limit"):
        one(where(gpx), "big.gpx")  # type: ignore[operator]


def test_a_huge_number_under_the_limit_is_read_or_refused_quickly(gpx: bytes) -> None:
    doc = re.sub(rb'lat="(-?[0-9.]+)"', rb'lat="\g<1>' + b"7" * 5_000_000 + b'"', gpx, count=1)
    act = one(doc)  # a 5-million-digit latitude is still that latitude
    assert act.samples["latitude_deg"][0] == pytest.approx(one(gpx).samples["latitude_deg"][0])


# --- encodings and processing instructions ---------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom(gpx: bytes, tcx: bytes, codec: str) -> None:
    for doc, name in ((gpx, "a.gpx"), (tcx, "a.tcx")):
        text = doc.decode("utf-8")
        bom = {"utf-16-le": "\ufeff", "utf-16-be": "\ufeff"}.get(codec, "")
        data = (bom + text).encode(codec)
        (act,) = read_bytes(data, name=name)
        same_track(act, read_bytes(doc, name=name)[0])


def test_utf16_without_bom_or_utf32_is_a_typed_error(gpx: bytes) -> None:
    for data in (gpx.decode().encode("utf-16-le"), gpx.decode().encode("utf-32")):
        with pytest.raises(UnsupportedFileError, match=r"^odd\.gpx"):
            one(data, "odd.gpx")


def test_utf16_cut_mid_character_is_corrupt(gpx: bytes) -> None:
    data = gpx.decode().encode("utf-16")
    with pytest.raises(CorruptFileError, match=r"^cut\.gpx"):
        one(data[: len(data) // 2 * 2 - 1], "cut.gpx")


def test_processing_instructions_are_ignored(gpx: bytes) -> None:
    pis = b'<?xml-stylesheet type="text/xsl" href="http://192.0.2.1/x.xsl"?><?php system("id"); ?>'
    doc = gpx.replace(b"<gpx ", pis + b"\n<gpx ", 1)
    doc = doc.replace(b"<trkpt ", b"<?evil data?><trkpt ").replace(b"<ele>", b"<ele><?pi?>")
    act = one(doc)
    same_track(act, one(gpx))
    np.testing.assert_array_equal(act.samples["altitude_m"], one(gpx).samples["altitude_m"])


# --- nothing is fetched or included ----------------------------------------------------------


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        body = b'<!ENTITY leak "FETCHED"><!ENTITY % p "x">'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server that records every request it gets."""
    hits: ClassVar[list[str]] = []
    handler = type("Handler", (_Counter,), {"hits": hits})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_the_server_is_reachable(server: tuple[str, list[str]]) -> None:
    """The control: the fixture really counts requests (so zero hits below means something)."""
    from urllib.request import urlopen

    url, hits = server
    with urlopen(f"{url}/probe") as r:
        assert b"FETCHED" in r.read()
    assert hits == ["/probe"]


def test_external_dtd_xinclude_and_stylesheets_are_never_fetched(
    gpx: bytes, tcx: bytes, server: tuple[str, list[str]], tmp_path: Path
) -> None:
    url, hits = server
    local_dtd = tmp_path / "local.dtd"
    local_dtd.write_text('<!ENTITY leak "FROM-DISK">')
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xi = (
        f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{secret}" parse="text"/>'
        f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{url}/xi" parse="text"/>'
    ).encode()
    gpx_dtd = f'<!DOCTYPE gpx SYSTEM "{url}/gpx.dtd">\n'.encode()
    file_dtd = f'<!DOCTYPE gpx SYSTEM "file://{local_dtd}">\n'.encode()
    tcx_dtd = f'<!DOCTYPE TrainingCenterDatabase PUBLIC "-//X//Y//EN" "{url}/tcx.dtd">\n'
    docs = {
        "http-dtd.gpx": before_root(gpx, b"gpx", gpx_dtd),
        "http-entity.gpx": before_root(gpx, b"gpx", gpx_dtd).replace(b"<name>", b"<name>&leak;"),
        "public-dtd.tcx": before_root(tcx, b"TrainingCenterDatabase", tcx_dtd.encode()),
        "file-dtd.gpx": before_root(gpx, b"gpx", file_dtd),
        "file-entity.gpx": before_root(gpx, b"gpx", file_dtd).replace(b"<name>", b"<name>&leak;"),
        "xinclude.gpx": gpx.replace(b"<name>", b"<name>" + xi, 1),
        "xinclude-root.tcx": after_root_open(tcx, b"TrainingCenterDatabase", xi),
        "schema.gpx": gpx.replace(
            b"<gpx ", f'<gpx xsi:noNamespaceSchemaLocation="{url}/x.xsd" '.encode(), 1
        ),
        "stylesheet.gpx": before_root(
            gpx, b"gpx", f'<?xml-stylesheet href="{url}/s.xsl"?>'.encode()
        ),
    }
    for name, doc in docs.items():
        try:
            activities = read_bytes(doc, name=name)
        except LegdayError as exc:
            assert str(exc).startswith(name), exc
            continue
        for act in activities:
            text = f"{act.name} {act.description} {act.device} {act.metadata}"
            for leak in ("FETCHED", "FROM-DISK", "TOP-SECRET"):
                assert leak not in text, (name, text)
    assert hits == []


# --- zips whose headers lie ------------------------------------------------------------------


def zip_bytes(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buf.getvalue()


def patch_central(data: bytes, member: str, offset: int, fmt: str, value: int) -> bytes:
    """Overwrite a field of ``member``'s central directory record (offset from its start)."""
    out = bytearray(data)
    at = out.index(b"PK\x01\x02" + b"", out.index(b"PK\x01\x02"))
    while out[at + 46 : at + 46 + len(member)] != member.encode():
        at = out.index(b"PK\x01\x02", at + 4)
    struct.pack_into(fmt, out, at + offset, value)
    return bytes(out)


def import_zip(tmp_path: Path, data: bytes) -> list[tuple[str, str, str | None]]:
    path = tmp_path / "export.zip"
    path.write_bytes(data)
    lib = Library(
        db=open_database(f"sqlite:///{tmp_path / 'db.sqlite'}"),
        blobs=BlobStore(tmp_path / "originals"),
        profile=AthleteProfile(),
        settings=Settings(),
    )
    try:
        files = lib.import_paths([path], workers=1).files
    finally:
        lib.close()
    return [(f.path.removeprefix(f"{path}!"), f.status, f.error) for f in files]


def test_a_member_declaring_a_gigabyte_is_refused_and_the_rest_imports(
    gpx: bytes, tmp_path: Path
) -> None:
    data = zip_bytes([("big.gpx", gpx), ("ok.gpx.gz", gzip.compress(gpx, mtime=0))])
    data = patch_central(data, "big.gpx", 24, "<I", 1 << 30)  # uncompressed size: 1 GiB
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo("big.gpx").file_size == 1 << 30
    assert MAX_MEMBER_BYTES < 1 << 30
    reports = import_zip(tmp_path, data)
    assert [(n, s) for n, s, _ in reports] == [("big.gpx", "failed"), ("ok.gpx.gz", "imported")]
    assert "big.gpx: the member declares 1,073,741,824 bytes" in (reports[0][2] or "")
    items = list(read_archive(tmp_path / "export.zip"))
    assert isinstance(items[0][1], UnsafeInputError)


def test_a_member_whose_header_points_outside_the_file(gpx: bytes, tmp_path: Path) -> None:
    """Found by the pipeline fuzzer: zipfile's seek to a local header before the file's start
    raised a bare OSError out of the import."""
    data = zip_bytes([("a.gpx", gpx), ("b.gpx", gpx.replace(b"missing hr", b"b"))])
    data = patch_central(data, "a.gpx", 42, "<I", 0xFFFFFFF0)  # local header offset
    reports = import_zip(tmp_path, data)
    assert reports[0][:2] == ("a.gpx", "failed") and "a.gpx: bad zip member" in (
        reports[0][2] or ""
    )


def test_a_zip_of_an_unknown_version_is_a_typed_error(gpx: bytes, tmp_path: Path) -> None:
    """Found by the pipeline fuzzer: "zip file version 6.4" escaped as NotImplementedError."""
    data = patch_central(zip_bytes([("a.gpx", gpx)]), "a.gpx", 6, "<H", 64)  # version needed
    reports = import_zip(tmp_path, data)
    assert [s for _, s, _ in reports] == ["failed"]
    assert "export.zip: the zip cannot be read: zip file version" in (reports[0][2] or "")
    with pytest.raises(UnsupportedFileError, match="zip file version"):
        list(read_archive(tmp_path / "export.zip"))
