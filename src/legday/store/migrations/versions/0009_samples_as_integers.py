"""stored samples as the integers a device recorded, with the activity they were decoded into

From this revision on, ``activities.samples`` blobs are ``LDS2`` (:mod:`legday.store.samples`):
a column of integers on a scale is stored as those integers, and the header carries the rest
of the decoded activity, so that judging a run again needs no second decoding of its original
(issue 18). The rows stored before stay ``LDS1``, which this legday reads as ever: the upgrade
changes no row. It is a revision so that a legday from before it, which cannot read ``LDS2``,
refuses the database as a whole instead of failing on each new run. The downgrade writes every
``LDS2`` blob back as ``LDS1`` (float64 columns; the activity is dropped).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import json
import struct
import zlib

import numpy as np
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

#: Rows re-written per statement by the downgrade.
CHUNK = 200


def upgrade() -> None:
    """Nothing to change: ``LDS1`` rows stay readable."""


def downgrade() -> None:
    from legday.store.samples import unpack_samples

    bind = op.get_bind()
    activities = sa.table("activities", sa.column("id"), sa.column("samples"))
    last = 0
    while True:
        rows = bind.execute(
            sa.select(activities.c.id, activities.c.samples)
            .where(activities.c.id > last)
            .order_by(activities.c.id)
            .limit(CHUNK)
        ).all()
        if not rows:
            return
        for ident, blob in rows:
            if bytes(blob[:4]) == b"LDS2":
                old = _lds1(unpack_samples(bytes(blob)))
                bind.execute(
                    sa.update(activities).where(activities.c.id == ident).values(samples=old)
                )
        last = rows[-1].id


def _lds1(samples: dict[str, np.ndarray]) -> bytes:
    """The ``LDS1`` layout: float64 little-endian columns, zlib-compressed."""
    names = list(samples)
    parts = [zlib.compress(np.asarray(samples[k], dtype="<f8").tobytes(), 1) for k in names]
    n = int(samples[names[0]].shape[0]) if names else 0
    head = {"n": n, "channels": [[k, len(p)] for k, p in zip(names, parts, strict=True)]}
    header = json.dumps(head).encode()
    return b"".join([b"LDS1", struct.pack("<I", len(header)), header, *parts])
