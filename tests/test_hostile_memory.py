"""An import's memory does not grow with its input (issue 16, item 1: memory).

``Importer.run`` once held every zip member's bytes before decoding: a 31 MB zip of 12 members
reached 10.3 GB. The members now stream through the workers a few at a time
(:func:`legday.store.work.decode_stream`). The import runs in a subprocess, which reports its
own peak RSS and its workers' (``resource.getrusage``), with the in-flight budget scaled down
with the input: ten 24 MB members against a 16 MiB budget, so the old code (every member held,
240 MB and its copies) is far over the bound and the streaming one (a member or two) far under.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

#: Members and their size: 240 MB in all, none a readable file (each fails at once).
MEMBERS, MEMBER_BYTES = 10, 24 * 1024 * 1024
#: The in-flight budget the subprocess runs with (the default, 128 MiB, scaled down as the input).
BUDGET = 16 * 1024 * 1024
#: Growth of the importing process's peak RSS over its size before the import, bytes: a few
#: members (the one being read, the one in flight, its pickled copy: 75 MiB with one worker,
#: 125 MiB with two, measured) and slack; the old code grew by 264 and 505 MiB.
MAX_GROWTH = 170 * 1024 * 1024

_SCRIPT = """
import json, resource, sys
from pathlib import Path
from legday.settings import Settings
from legday.store import work
from legday.store.blobs import BlobStore
from legday.store.db import open_database
from legday.store.library import Library
from legday.model import AthleteProfile

work.MAX_BYTES_IN_FLIGHT = int(sys.argv[3])
home = Path(sys.argv[2])
lib = Library(
    db=open_database(f"sqlite:///{home / 'db.sqlite'}"),
    blobs=BlobStore(home / "originals"),
    profile=AthleteProfile(),
    settings=Settings(),
)
lib.import_paths([], workers=1)  # the tables, the imports: the process at rest
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
summary = lib.import_paths([sys.argv[1]], workers=int(sys.argv[4]))
print(json.dumps({
    "before_kib": before,
    "self_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "workers_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    "failed": summary.count("failed"),
}))
"""


@pytest.fixture(scope="module")
def big_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("memory") / "export.zip"
    block = os.urandom(1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for k in range(MEMBERS):
            body = bytes([k]) + block * (MEMBER_BYTES >> 20)  # distinct, so none a duplicate
            zf.writestr(f"activities/{k}.fit", body[:MEMBER_BYTES])
    return path


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss in KiB (Linux)")
@pytest.mark.parametrize("workers", [1, 2])
def test_an_import_holds_a_few_members_not_all(big_zip: Path, tmp_path: Path, workers: int) -> None:
    cmd = [sys.executable, "-c", _SCRIPT, str(big_zip), str(tmp_path), str(BUDGET), str(workers)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["failed"] == MEMBERS  # each member read, refused, reported
    growth = (result["self_kib"] - result["before_kib"]) * 1024
    assert growth < MAX_GROWTH, f"the import grew by {growth / 2**20:.0f} MiB"
    if workers > 1:  # a worker holds the member it decodes, not a batch of them
        assert result["workers_kib"] * 1024 < result["before_kib"] * 1024 + MAX_GROWTH
