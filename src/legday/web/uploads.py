"""Uploaded files through the same :meth:`Library.import_paths` as ``legday import``.

Each upload is written to its own folder under a temporary directory, with its original
(base) name, so the importer sees the same name the runner chose and reports it; the temporary
paths are then taken out of the report, and the files deleted.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import UploadFile

if TYPE_CHECKING:
    from legday.store.library import Library

__all__ = ["import_uploads", "safe_name"]

#: Characters kept in an uploaded file's name on disk (the rest become "_").
#: Longest file name written to the temporary folder (the original name is kept for reports).
MAX_NAME_CHARS = 100
_UNSAFE = re.compile(r"[^A-Za-z0-9._\- ]")


def safe_name(filename: str | None) -> str:
    """A file name that cannot leave its folder: the base name, odd characters replaced."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip(" .")
    if len(base) > MAX_NAME_CHARS:  # file systems refuse names over 255 bytes
        base = base[: MAX_NAME_CHARS - 20] + "_" + base[-19:]
    return base or "upload"


def _restore(text: str | None, names: dict[str, str]) -> str | None:
    if text is None:
        return None
    for tmp, original in names.items():
        text = text.replace(tmp, original)
    return text


def import_uploads(library: Library, files: Sequence[UploadFile]) -> dict[str, Any]:
    """Import ``files`` and return the import summary (``legday import --json``'s shape)."""
    with tempfile.TemporaryDirectory(prefix="legday-upload-") as tmp:
        names: dict[str, str] = {}
        paths: list[Path] = []
        for i, upload in enumerate(files):
            original = upload.filename or "upload"
            dest = Path(tmp) / str(i) / safe_name(original)
            dest.parent.mkdir()
            with dest.open("wb") as out:
                shutil.copyfileobj(upload.file, out)
            names[str(dest)] = original
            paths.append(dest)
        # one worker: the dashboard serves from threads, and an upload is a handful of files
        summary = library.import_paths(paths, workers=1)
    data = summary.to_dict()
    for f in data["files"]:
        f["path"] = _restore(f["path"], names)
        f["error"] = _restore(f["error"], names)
    return data
