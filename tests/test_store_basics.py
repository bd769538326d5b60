"""Storage basics on both back ends: migrations, samples blobs, the original-file store."""

from __future__ import annotations

import numpy as np
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from legday.store.blobs import BlobStore, sha256
from legday.store.db import open_database
from legday.store.samples import pack_samples, unpack_samples

TABLES = {
    "activities",
    "athletes",
    "files",
    "laps",
    "plans",
    "segments",
    "strength_sessions",
    "strength_sets",
}


def test_migrations_create_every_table(db_url: str) -> None:
    db = open_database(db_url)
    try:
        names = set(sa.inspect(db.engine).get_table_names())
        assert names >= TABLES
        # Opening again is a no-op (already at head).
        open_database(db_url).dispose()
        with db.engine.connect() as c:
            assert c.execute(sa.text("select version_num from alembic_version")).scalar()
    finally:
        db.dispose()


def test_sqlite_is_in_wal_mode(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = open_database(f"sqlite:///{tmp_path / 'x.sqlite'}")
    with db.engine.connect() as c:
        assert c.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
    db.dispose()


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(
        st.text(min_size=1, max_size=12),
        hnp.arrays(np.float64, 17, elements=st.floats(allow_nan=True, allow_infinity=True)),
        min_size=1,
        max_size=6,
    )
)
def test_samples_round_trip_bit_for_bit(samples: dict[str, np.ndarray]) -> None:
    back = unpack_samples(pack_samples(samples))
    assert list(back) == list(samples)
    for key, arr in samples.items():
        assert back[key].dtype == np.float64
        assert back[key].tobytes() == arr.tobytes()


def test_blob_store(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = BlobStore(tmp_path)
    data = b"FIT bytes" * 100
    digest = store.put(data)
    assert digest == sha256(data) and digest in store
    assert store.get(digest) == data
    assert store.put(data) == digest  # idempotent
    assert not list(tmp_path.rglob(".tmp-*"))


def test_schema_head_constant_matches_the_migrations() -> None:
    from importlib import resources

    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from legday.store.db import SCHEMA_HEAD

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("legday.store") / "migrations"))
    assert ScriptDirectory.from_config(cfg).get_heads() == [SCHEMA_HEAD]
