"""legday at research scale: the import's analysis over many files on Dask, into Parquet.

An optional face beside the CLI and the web (``pip install 'legday[batch]'``): it maps the
import's own worker (:func:`legday.store.work.decode_item`) over chunks of files and keeps no
logic of its own. Nothing in the core imports it, nor Dask.

* :func:`run_batch`: files, folders, zips and globs (any fsspec file system) to an activity
  table, a row per session (:data:`SCHEMA`), Hive-partitioned by athlete, resumable; each run
  judged against its athlete's history; optionally a row per block (:data:`BLOCK_SCHEMA`).
* :func:`summarise`: that table reduced to a row per athlete and week (runs by kind, power
  minutes, leg days, the week rules).
"""

from .chunk import ChunkResult, process_chunk
from .rows import BLOCK_SCHEMA, SCHEMA
from .run import DEFAULT_CHUNK, BatchResult, run_batch
from .sources import Source, discover
from .summary import summarise

__all__ = [
    "BLOCK_SCHEMA",
    "DEFAULT_CHUNK",
    "SCHEMA",
    "BatchResult",
    "ChunkResult",
    "Source",
    "discover",
    "process_chunk",
    "run_batch",
    "summarise",
]
