"""Issue 20 item 6: ``legday backup`` and ``legday restore`` on SQLite and PostgreSQL.

Real recordings from ../shared and a synthetic runner's files (with a Strong log) are imported,
backed up, and restored into a fresh database and a fresh home: every table's rows and every
original come back. Then what a restore refuses, each with its own error and before it changes
anything: a database that holds data (unless --force), an archive of the other back end or of
a newer schema, a truncated or damaged archive, a missing pg_dump."""

from __future__ import annotations

import glob
import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import closing
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from conftest import _require_real, new_pg_database, real_files
from legday.cli import app
from legday.errors import (
    CorruptFileError,
    DatabaseError,
    DatabaseNotEmptyError,
    NewerBackupError,
    ToolMissingError,
    TruncatedFileError,
    WrongBackendError,
)
from legday.home import Home
from legday.store.backup import backup, granted_roles, restore
from legday.store.backup_archive import MANIFEST, Manifest
from legday.store.db import SCHEMA_HEAD, open_database
from legday.store.library import Library
from legday.store.pgtools import Tool, choose_tool, find_tool, libpq_target
from legday.synth import generate_history, write_history
from serving import free_port

runner = CliRunner()


def _fresh_like(url: str, tmp_path: Path, name: str) -> str:
    """A new, empty database on ``url``'s back end."""
    if url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / f'{name}.sqlite'}"
    return new_pg_database(url.rsplit("/", 1)[0] + "/postgres")


def _filled(url: str, home: Path, real: Path) -> None:
    """Real FIT, GPX and TCX files and two weeks of a synthetic runner (FIT, TCX, a Strong CSV)
    imported into ``url``, and a lifting session logged by hand."""
    files = home / "files"
    write_history(generate_history(weeks=2, seed=7), files / "synth", formats=("fit", "tcx"))
    recordings = [real_files(kind)[0] for kind in ("fit", "gpx", "tcx")]
    assert all(path.is_relative_to(real) for path in recordings)
    library = Library.open(Home(home), url)
    try:
        summary = library.import_paths([files, *recordings], workers=1)
        assert summary.ok and summary.count("imported") >= 10, summary
        library.log("back squat 3x5 @ 80kg rir 2; plank 2x40s")
    finally:
        library.close()


def _rows(url: str) -> dict[str, list[str]]:
    """Every table's rows, each as text, sorted: what a restore must give back."""
    engine = sa.create_engine(url)
    try:
        meta = sa.MetaData()
        meta.reflect(engine)
        with engine.connect() as connection:
            return {
                name: sorted(repr(tuple(row)) for row in connection.execute(table.select()))
                for name, table in meta.tables.items()
            }
    finally:
        engine.dispose()


def _blobs(home: Path) -> dict[str, str]:
    root = home / "originals"
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*.bin"))
    }


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def source(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path, Path]:
    """A database filled once per back end (:func:`_filled`), its home, and its backup. Tests
    that change a database restore this one into their own first (:func:`filled`)."""
    folder = tmp_path_factory.mktemp(f"source-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'legday.sqlite'}"
    else:
        url = new_pg_database(request.getfixturevalue("pg_server_url"))
    _filled(url, folder / "home", _require_real())
    out = folder / "legday.tar"
    backup(url, folder / "home" / "originals", out)
    return url, folder / "home", out


@pytest.fixture
def archive(source: tuple[str, Path, Path], tmp_path: Path) -> Path:
    """A copy of the source's backup, for a test to cut or damage."""
    copy = tmp_path / "legday.tar"
    copy.write_bytes(source[2].read_bytes())
    return copy


@pytest.fixture
def filled(source: tuple[str, Path, Path], tmp_path: Path) -> tuple[str, Path]:
    """A database of the test's own holding the source's data, and its home."""
    url, _, out = source
    own, home = _fresh_like(url, tmp_path, "own"), tmp_path / "own-home"
    restore(out, own, home / "originals")
    return own, home


@pytest.mark.parametrize("name", ["legday.tar", "legday.tar.gz", "legday.tar.xz"])
def test_a_restore_gives_back_every_row_and_original(
    source: tuple[str, Path, Path], tmp_path: Path, name: str
) -> None:
    """Into a fresh database and home, from the database the import filled."""
    url, home, _ = source
    out = tmp_path / name
    made = backup(url, home / "originals", out)
    assert made.manifest.schema == SCHEMA_HEAD and made.manifest.originals == len(_blobs(home))
    with tarfile.open(out) as tar:
        names = tar.getnames()
    assert names[0] == MANIFEST and names[1].startswith("database.")
    target, target_home = _fresh_like(url, tmp_path, "restored"), tmp_path / "restored-home"
    done = restore(out, target, target_home / "originals")
    assert done.schema == SCHEMA_HEAD and not done.replaced
    assert done.originals_new == made.manifest.originals
    source_rows = _rows(url)
    assert sum(map(len, source_rows.values())) > 100
    assert _rows(target) == source_rows
    assert _blobs(target_home) == _blobs(home)
    # the restored database goes on where the source would: the next id is the one after
    library = Library.open(Home(target_home), target)
    logged = library.log("bird dog 2x10")
    library.close()
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        last = connection.execute(sa.text("select max(id) from strength_sessions")).scalar()
    engine.dispose()
    assert logged.id == last + 1


def test_a_database_with_data_is_replaced_only_with_force(
    archive: Path, source: tuple[str, Path, Path], tmp_path: Path
) -> None:
    url = source[0]
    other = _fresh_like(url, tmp_path, "other")
    library = Library.open(Home(tmp_path / "other-home"), other)
    library.log("deadlift 3x5 @ 100kg rir 2")
    library.close()
    before = _rows(other)
    with pytest.raises(DatabaseNotEmptyError, match="--force"):
        restore(archive, other, tmp_path / "other-home" / "originals")
    assert _rows(other) == before  # untouched
    done = restore(archive, other, tmp_path / "other-home" / "originals", force=True)
    assert done.replaced
    assert _rows(other) == _rows(url)  # the archive's rows, and no row of its own left


def test_an_empty_schema_is_no_data(
    archive: Path, source: tuple[str, Path, Path], tmp_path: Path
) -> None:
    """A database legday created and never filled (``legday serve`` opened it) is empty."""
    url = source[0]
    target = _fresh_like(url, tmp_path, "opened")
    Library.open(Home(tmp_path / "opened-home"), target).close()
    restore(archive, target, tmp_path / "opened-home" / "originals")
    assert _rows(target) == _rows(url)


def _alembic(url: str, action: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("legday.store") / "migrations"))
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        getattr(command, action)(cfg, revision)
    engine.dispose()


def test_an_archive_of_an_older_schema_is_upgraded(
    filled: tuple[str, Path], tmp_path: Path
) -> None:
    """The restored copy, upgraded, is the source upgraded in place."""
    url, home = filled
    previous = f"{int(SCHEMA_HEAD) - 1:04d}"
    _alembic(url, "downgrade", previous)
    out = tmp_path / "old.tar"
    assert backup(url, home / "originals", out).manifest.schema == previous
    target = _fresh_like(url, tmp_path, "upgraded")
    done = restore(out, target, tmp_path / "h" / "originals")
    assert (done.manifest.schema, done.schema) == (previous, SCHEMA_HEAD)
    open_database(url).dispose()  # the source upgraded as any command would
    assert _rows(target) == _rows(url)


def test_an_archive_of_a_newer_schema_is_refused(filled: tuple[str, Path], tmp_path: Path) -> None:
    url, home = filled
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("update alembic_version set version_num = '0999'"))
    engine.dispose()
    out = tmp_path / "newer.tar"
    backup(url, home / "originals", out)
    target = _fresh_like(url, tmp_path, "target")
    with pytest.raises(NewerBackupError, match=r"schema 0999.*upgrade legday"):
        restore(out, target, tmp_path / "h" / "originals")
    result = runner.invoke(app, ["restore", str(out), "--db", target])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "upgrade legday to restore it" in result.output


def _other_backend(url: str, tmp_path: Path, pg_server_url: str) -> str:
    if url.startswith("sqlite"):
        return new_pg_database(pg_server_url)
    return f"sqlite:///{tmp_path / 'other.sqlite'}"


def test_an_archive_of_the_other_backend_is_refused(
    archive: Path, source: tuple[str, Path, Path], tmp_path: Path, pg_server_url: str
) -> None:
    url = source[0]
    other = _other_backend(url, tmp_path, pg_server_url)
    with pytest.raises(WrongBackendError, match="restores into"):
        restore(archive, other, tmp_path / "h" / "originals")
    assert not (tmp_path / "h" / "originals").exists()  # nothing written


def _member_span(archive: Path, name: str) -> tuple[int, int]:
    with tarfile.open(archive) as tar:
        member = tar.getmember(name)
        return member.offset_data, member.offset_data + member.size


def _first_original(archive: Path) -> str:
    with tarfile.open(archive) as tar:
        return next(n for n in tar.getnames() if n.startswith("originals/"))


def _last_header(archive: Path) -> int:
    with tarfile.open(archive) as tar:
        return tar.getmembers()[-1].offset


def _database_member(url: str) -> str:
    return "database.sqlite" if url.startswith("sqlite") else "database.pgdump"


def _assert_untouched(target: str, home: Path) -> None:
    if target.startswith("sqlite"):
        assert not Path(target.removeprefix("sqlite:///")).exists()
    else:
        assert _rows(target) == {}


@pytest.mark.parametrize("where", ["manifest", "database", "original", "between", "end"])
def test_a_truncated_archive_is_refused_before_the_database_is_touched(
    archive: Path, source: tuple[str, Path, Path], tmp_path: Path, where: str
) -> None:
    url = source[0]
    data = archive.read_bytes()
    db_start, db_end = _member_span(archive, _database_member(url))
    first = _member_span(archive, _first_original(archive))
    cut = {
        "manifest": 700,
        "database": (db_start + db_end) // 2,
        "original": (first[0] + first[1]) // 2,
        "between": first[0] - 512,  # at a member's header: tar alone would call it the end
        "end": _last_header(archive),  # the last original gone
    }[where]
    cut_file = tmp_path / "cut.tar"
    cut_file.write_bytes(data[:cut])
    target = _fresh_like(url, tmp_path, "target")
    with pytest.raises(TruncatedFileError, match="truncated") as caught:
        restore(cut_file, target, tmp_path / "h" / "originals")
    assert caught.value.path == str(cut_file)
    _assert_untouched(target, tmp_path / "h")


def test_a_truncated_compressed_archive_is_refused(
    source: tuple[str, Path, Path], tmp_path: Path
) -> None:
    url, home, _ = source
    out = tmp_path / "b.tar.gz"
    backup(url, home / "originals", out)
    data = out.read_bytes()
    out.write_bytes(data[: len(data) * 2 // 3])
    target = _fresh_like(url, tmp_path, "target")
    with pytest.raises(TruncatedFileError):
        restore(out, target, tmp_path / "h" / "originals")
    _assert_untouched(target, tmp_path / "h")


def _flip(path: Path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("where", ["database", "original"])
def test_a_damaged_member_is_refused(
    archive: Path, source: tuple[str, Path, Path], tmp_path: Path, where: str
) -> None:
    url = source[0]
    name = _first_original(archive) if where == "original" else _database_member(url)
    start, end = _member_span(archive, name)
    _flip(archive, (start + end) // 2)
    target = _fresh_like(url, tmp_path, "target")
    with pytest.raises(CorruptFileError, match="is damaged"):
        restore(archive, target, tmp_path / "h" / "originals")
    _assert_untouched(target, tmp_path / "h")


def _tar(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_what_is_not_a_legday_backup_is_refused(tmp_path: Path) -> None:
    target = f"sqlite:///{tmp_path / 't.sqlite'}"
    fit = real_files("fit")[0] if real_files("fit") else None
    cases: list[Path] = [
        _tar(tmp_path / "other.tar", {"notes.txt": b"hello"}),
        _tar(tmp_path / "bad-manifest.tar", {MANIFEST: b"{not json"}),
        _tar(tmp_path / "escape.tar", {MANIFEST: _manifest_bytes(), "../../etc/x": b""}),
        tmp_path / "empty.tar",
    ]
    (tmp_path / "empty.tar").write_bytes(b"")
    if fit is not None:
        cases.append(fit)
    gz = tmp_path / "garbage.tar.gz"
    gz.write_bytes(gzip.compress(b"x" * 5000)[:-9] + b"\x00" * 9)
    cases.append(gz)
    for case in cases:
        with pytest.raises((CorruptFileError, TruncatedFileError)) as caught:
            restore(case, target, tmp_path / "h" / "originals")
        assert caught.value.path == str(case), case
    assert not Path(target.removeprefix("sqlite:///")).exists()


def _manifest_bytes(**change: Any) -> bytes:
    fields: dict[str, Any] = {
        "legday_version": "0.1.0",
        "schema": SCHEMA_HEAD,
        "backend": "sqlite",
        "created": "2026-12-08T00:00:00+00:00",
        "database_bytes": 0,
        "database_sha256": hashlib.sha256(b"").hexdigest(),
        "originals": 0,
        "originals_bytes": 0,
        "format": "legday-backup",
        "format_version": 1,
    }
    return json.dumps(fields | change).encode()


def test_a_damaged_database_inside_a_whole_archive_is_refused(tmp_path: Path) -> None:
    """A database damaged before it was backed up: its SHA-256 matches, SQLite's check does
    not."""
    junk = b"SQLite format 3\x00" + b"\x07" * 8192
    manifest = _manifest_bytes(
        database_bytes=len(junk), database_sha256=hashlib.sha256(junk).hexdigest()
    )
    archive = _tar(tmp_path / "junk.tar", {MANIFEST: manifest, "database.sqlite": junk})
    target = tmp_path / "t.sqlite"
    with pytest.raises(CorruptFileError, match="its SQLite database is damaged"):
        restore(archive, f"sqlite:///{target}", tmp_path / "h" / "originals")
    assert not target.exists()


def test_a_target_being_written_is_the_targets_fault(
    archive: Path, source: tuple[str, Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process writing the SQLite target: the restore says so, not "damaged"."""
    if not source[0].startswith("sqlite"):
        archive = tmp_path / "sqlite.tar"  # this case is SQLite's: back up an empty one
        empty = f"sqlite:///{tmp_path / 'empty.sqlite'}"
        Library.open(Home(tmp_path / "e"), empty).close()
        backup(empty, tmp_path / "e" / "originals", archive)
    target = tmp_path / "busy.sqlite"
    Library.open(Home(tmp_path / "b"), f"sqlite:///{target}").close()
    monkeypatch.setattr("legday.store.backup.SQLITE_BUSY_S", 0.2)
    with closing(sqlite3.connect(target)) as writer:
        writer.execute("begin immediate")
        with pytest.raises(DatabaseError, match=r"cannot restore into .*locked"):
            restore(archive, f"sqlite:///{target}", tmp_path / "b" / "originals")


def test_a_newer_archive_format_is_refused(tmp_path: Path) -> None:
    archive = _tar(tmp_path / "f2.tar", {MANIFEST: _manifest_bytes(format_version=2)})
    with pytest.raises(NewerBackupError, match="newer archive format"):
        restore(archive, f"sqlite:///{tmp_path / 't.sqlite'}", tmp_path / "h" / "originals")
    assert Manifest.from_json(_manifest_bytes(), archive).backend == "sqlite"


# -- PostgreSQL's client programs ----------------------------------------------------------------
def test_choose_tool_takes_the_servers_version_else_a_newer_one() -> None:
    found = [Tool(Path(f"/v{m}/pg_dump"), m) for m in (17, 13, 15, 16)]
    assert choose_tool(found, 15) == Tool(Path("/v15/pg_dump"), 15)
    assert choose_tool(found, 14) == Tool(Path("/v15/pg_dump"), 15)
    assert choose_tool(found, 18) is None and choose_tool([], 15) is None


def test_the_password_goes_in_the_environment_not_the_command_line() -> None:
    target, env = libpq_target(
        "postgresql+psycopg://legday:s%40cret@db:5432/legday?sslmode=require"
    )
    assert target == "postgresql://legday@db:5432/legday?sslmode=require"
    assert env == {"PGPASSWORD": "s@cret"}


def test_the_installed_pg_dump_fits_the_test_server(pg_server_url: str) -> None:
    """The programs CI installs are found, of the server's major version."""
    engine = sa.create_engine(pg_server_url)
    with engine.connect() as connection:
        major = int(connection.execute(sa.text("show server_version_num")).scalar_one()) // 10000
    engine.dispose()
    for name in ("pg_dump", "pg_restore", "psql"):
        assert find_tool(name, major).major == major


def test_a_missing_pg_dump_names_the_package(pg_server_url: str, tmp_path: Path) -> None:
    url = new_pg_database(pg_server_url)
    Library.open(Home(tmp_path), url).close()
    empty = tmp_path / "no-programs"
    empty.mkdir()
    env = {"LEGDAY_PG_BIN": str(empty)}
    with pytest.raises(ToolMissingError, match=r"apt-get install postgresql-client-\d+"):
        backup(url, tmp_path / "originals", tmp_path / "b.tar", env=env)
    result = runner.invoke(app, ["backup", str(tmp_path / "b.tar"), "--db", url], env=env)
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert "pg_dump not found in $LEGDAY_PG_BIN" in result.output
    assert not (tmp_path / "b.tar").exists()
    assert not list(tmp_path.glob(".*partial"))


def test_an_old_pg_dump_is_named_with_its_version(tmp_path: Path) -> None:
    folder = tmp_path / "bin"
    folder.mkdir()
    fake = folder / "pg_dump"
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 12.9'\n")
    fake.chmod(0o755)
    with pytest.raises(ToolMissingError, match=r"PostgreSQL 15 or newer.*\(12\) was found"):
        find_tool("pg_dump", 15, {"LEGDAY_PG_BIN": str(folder)})


def test_the_cli_backs_up_and_restores(filled: tuple[str, Path], tmp_path: Path) -> None:
    url, home = filled
    out = tmp_path / "cli.tar"
    env = {"LEGDAY_HOME": str(home)}
    made = runner.invoke(app, ["backup", str(out), "--db", url], env=env)
    assert made.exit_code == 0 and "Backed up" in made.output, made.output
    refused = runner.invoke(app, ["restore", str(out), "--db", url], env=env)
    assert refused.exit_code == 1 and "--force" in refused.output
    assert refused.output.count("\n") == 1
    again = runner.invoke(app, ["restore", str(out), "--db", url, "--force", "--json"], env=env)
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["replaced"] is True


# -- onto a new server ---------------------------------------------------------------------------
def _as_postgres(args: list[str]) -> list[str]:
    """``args`` run as the postgres user when root (as .ci/postgres.sh runs the server)."""
    return ["runuser", "-u", "postgres", "--", *args] if os.getuid() == 0 else args


@pytest.fixture(scope="module")
def second_server(pg_server_url: str) -> Iterator[str]:
    """A second, new PostgreSQL server started as .ci/postgres.sh starts CI's: no role of the
    first server's is there."""
    folder = Path(tempfile.mkdtemp(prefix="legday-pg2-"))
    port = free_port()
    env = os.environ | {
        "LEGDAY_PG_PORT": str(port),
        "LEGDAY_PG_DATA": str(folder / "data"),
        "LEGDAY_PG_SOCK": str(folder / "sock"),
    }
    script = Path(__file__).resolve().parent.parent / ".ci" / "postgres.sh"
    done = subprocess.run(
        ["bash", str(script)], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    try:
        yield done.stdout.strip().split("=", 1)[1]
    finally:
        (bin_dir,) = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1:]
        stop = [f"{bin_dir}/pg_ctl", "-D", str(folder / "data"), "-m", "immediate", "stop"]
        subprocess.run(_as_postgres(stop), capture_output=True, timeout=120, check=False)
        shutil.rmtree(folder, ignore_errors=True)


def test_a_restore_onto_a_new_server_makes_the_roles_it_grants_to(
    pg_server_url: str, second_server: str, tmp_path: Path
) -> None:
    """legday_app (migration 0010's role for row-level security) is the server's, not the
    database's: pg_dump leaves it out, and the restore makes it, so the restored database works
    as a multi-user server's, its policies holding."""
    url = new_pg_database(pg_server_url)
    write_history(generate_history(weeks=1, seed=3), tmp_path / "files", formats=("fit",))
    library = Library.open(Home(tmp_path / "home"), url)
    assert library.import_paths([tmp_path / "files"], workers=1).ok
    library.close()
    out = tmp_path / "moving.tar"
    backup(url, tmp_path / "home" / "originals", out)
    target = new_pg_database(second_server)
    engine = sa.create_engine(target)
    roles = "select count(*) from pg_roles where rolname = 'legday_app'"
    with engine.connect() as connection:
        assert connection.execute(sa.text(roles)).scalar() == 0  # a new server
    restore(out, target, tmp_path / "new-home" / "originals")
    assert _rows(target) == _rows(url)
    with engine.begin() as connection:
        assert connection.execute(sa.text(roles)).scalar() == 1
        connection.execute(sa.text("set local role legday_app"))  # the server's way in
        seen = connection.execute(sa.text("select count(*) from activities")).scalar()
    engine.dispose()
    assert seen == 0  # nobody acting: the policies show nothing


def test_granted_roles_skips_the_data(tmp_path: Path) -> None:
    script = tmp_path / "dump.sql"
    script.write_text(
        "GRANT USAGE ON SCHEMA public TO legday_app;\n"
        "COPY public.notes (id, text) FROM stdin;\n"
        "GRANT ALL ON TABLE x TO intruder;\n"
        "\\.\n"
        'GRANT SELECT ON TABLE public.a TO "Odd ""Role""";\n'
        "GRANT SELECT ON TABLE public.b TO PUBLIC;\n"
        "GRANT SELECT ON TABLE public.c TO legday_app WITH GRANT OPTION;\n"
    )
    assert granted_roles(script) == ["legday_app", 'Odd "Role"']
