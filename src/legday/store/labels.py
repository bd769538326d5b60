"""The runner has the last word: their own kind for a stored run, and labels as evaluation data.

``legday label ID --kind race [--reps N]`` (and the control on the activity page) stores the
runner's kind in ``activities.label_kind`` beside the analysis, which keeps the kind it found
and its reasons. The run is then judged again from its original file *as* the runner's kind
(:func:`legday.assessment.assess` with ``label``), and the effective kind goes into
``activities.kind``: the one column the week check (R9–R11), the planner and the history read.
``legday reanalyze`` and a richer copy of the same run arriving later keep the label
(:func:`labels_of_file`, :func:`apply_judgement`).

``legday labels export`` writes every label in the format of ``tests/data/labels.toml``, so the
runner's word becomes evaluation data for ``bench/classify.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from legday.errors import LabelError, NotFoundError
from legday.model import RunKind

from .schema import ActivityRow, FileRow, SegmentRow
from .work import RUN_SPORTS, DecodedActivity, WorkItem, decode_item

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from .library import Library

__all__ = [
    "REP_KINDS",
    "LabelledRun",
    "apply_judgement",
    "export_labels",
    "labelled_runs",
    "labels_of_file",
    "parse_activity_id",
    "parse_kind",
    "set_label",
    "stored_label",
]

#: Kinds whose work repetitions a runner can count: one pattern repeated (a race or a tempo
#: run is one repetition of its effort). Easy, recovery and long runs have none; a "mixed" run
#: has blocks of several patterns, which one count cannot describe.
REP_KINDS: frozenset[RunKind] = frozenset(RunKind) - {
    RunKind.EASY,
    RunKind.RECOVERY,
    RunKind.LONG,
    RunKind.MIXED,
}
#: The most repetitions a label may carry (a session of 100 strides is a typing slip).
MAX_REPS = 99


def parse_kind(text: str) -> RunKind:
    """The run kind ``text`` names (``hill-repeats`` and ``Hill repeats`` are
    ``hill_repeats``); :class:`LabelError` listing the valid kinds otherwise."""
    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return RunKind(key)
    except ValueError:
        valid = ", ".join(k.value for k in RunKind)
        raise LabelError(f"unknown run kind {text!r}; valid kinds: {valid}") from None


def parse_activity_id(text: str | int) -> int:
    """An activity id as the CLI, the week and the web show it (``42``).

    A strength session's id (``s5``) takes no kind: :class:`LabelError`; anything else that is
    not a number: :class:`NotFoundError`."""
    if isinstance(text, int):
        return text
    value = text.strip()
    if value.isdigit():
        return int(value)
    if value[:1].lower() == "s" and value[1:].isdigit():
        raise LabelError(f"{value} is a strength session: only runs take a kind")
    raise NotFoundError(f"no activity with id {value!r} (ids are numbers, as `legday week` shows)")


def _check_reps(kind: RunKind, reps: int | None) -> None:
    if reps is None:
        return
    if kind not in REP_KINDS:
        counted = ", ".join(sorted(k.value for k in REP_KINDS))
        raise LabelError(f"a {kind.value} run has no repetitions to count (reps go with {counted})")
    if not 1 <= reps <= MAX_REPS:
        raise LabelError(f"reps must be between 1 and {MAX_REPS}, not {reps}")


def stored_label(value: str | None) -> RunKind | None:
    """A stored ``label_kind`` as a kind; a kind this version does not know is not applied."""
    if value is None:
        return None
    try:
        return RunKind(value)
    except ValueError:
        return None


def labels_of_file(session: Session, file_id: int) -> dict[int, RunKind]:
    """The runner's kinds of a stored file's sessions, by session index (for re-judging)."""
    rows = session.execute(
        select(ActivityRow.session_index, ActivityRow.label_kind).where(
            ActivityRow.file_id == file_id, ActivityRow.label_kind.is_not(None)
        )
    ).all()
    return {index: kind for index, value in rows if (kind := stored_label(value)) is not None}


def apply_judgement(row: ActivityRow, item: DecodedActivity) -> None:
    """Write a decoded activity's analysis and verdict onto its stored row (import, reanalyze,
    label): the one place that lists what a judgement updates."""
    row.analysis = item.analysis
    row.verdict = item.verdict
    row.kind = item.kind
    row.category = item.category
    row.counts_as_leg_day = item.counts_as_leg_day
    row.trimp = item.trimp
    row.max_hr = item.max_hr
    row.effort_hr = item.effort_hr
    row.segments = [
        SegmentRow(index=i, start_s=g["start_s"], end_s=g["end_s"], role=g["role"])
        for i, g in enumerate((item.analysis or {}).get("segments", []))
    ]


def set_label(
    lib: Library, activity_id: int, kind: RunKind | None, reps: int | None = None
) -> None:
    """Label a stored run ``kind`` (with ``reps`` work repetitions), or clear its label when
    ``kind`` is None, and judge it again from its original file.

    Raises :class:`NotFoundError` for an unknown id (or a missing original) and
    :class:`LabelError` for a session that is not a run or reps that do not fit the kind.
    Nothing is stored when either is raised."""
    from .importer import stored_e1rm, stored_history

    if kind is not None:
        _check_reps(kind, reps)
    elif reps is not None:
        raise LabelError("reps go with a kind: give --kind as well")
    athlete_id = lib._athlete_id()
    with lib.db.session() as s:
        row = s.get(ActivityRow, activity_id)
        if row is None or row.athlete_id != athlete_id:
            raise NotFoundError(f"no activity with id {activity_id}")
        if row.sport not in RUN_SPORTS:
            raise LabelError(
                f"activity {activity_id} is a {row.sport.replace('_', ' ')} session: "
                "only runs take a kind"
            )
        file = s.get(FileRow, row.file_id)
        assert file is not None  # the foreign key holds it
        index = row.session_index
        labels = labels_of_file(s, row.file_id)
    if kind is None:
        labels.pop(index, None)
    else:
        labels[index] = kind
    try:
        data = lib.blobs.get(file.sha256)
    except OSError as exc:
        raise NotFoundError(
            f"the original of activity {activity_id} ({file.name}) is missing from "
            f"{lib.blobs.path_for(file.sha256)}: {exc.strerror or exc}"
        ) from None
    assert athlete_id is not None
    decoded = decode_item(
        WorkItem(name=file.name, data=data, sha256=file.sha256),
        lib.profile,
        lib.settings,
        stored_history(lib.db, athlete_id),
        stored_e1rm(lib.db, athlete_id),
        labels,
    )
    if decoded.error is not None or index >= len(decoded.activities):
        raise NotFoundError(
            f"activity {activity_id} cannot be judged again from its original: "
            f"{decoded.error or 'the session is no longer in the file'}"
        )
    with lib.db.session() as s:
        row = s.get(ActivityRow, activity_id)
        if row is None:  # deleted meanwhile (a richer copy replaced it)
            raise NotFoundError(f"no activity with id {activity_id}")
        row.label_kind = kind.value if kind is not None else None
        row.label_reps = reps if kind is not None else None
        row.labelled_at = lib.clock() if kind is not None else None
        apply_judgement(row, decoded.activities[index])


@dataclass(frozen=True)
class LabelledRun:
    """One run the runner labelled, as ``legday labels export`` writes it."""

    activity_id: int
    start: datetime
    source: str
    """The file's name as it was imported (a path, or a member of an export zip)."""
    original: str | None
    """Where the original bytes are kept (None when missing from the blob store)."""
    session_index: int
    kind: RunKind
    reps: int | None
    labelled_on: date | None
    """The local date the label was given."""
    analysed_kind: str | None
    analysed_tags: tuple[str, ...]

    @property
    def tags(self) -> list[str]:
        """Every work pattern present, as ``labels.toml`` lists them: the runner's kind when it
        is a pattern (a mixed run keeps the analysis's patterns when the analysis agreed)."""
        if self.kind is RunKind.MIXED:
            return list(self.analysed_tags) if self.analysed_kind == RunKind.MIXED else []
        patterns = set(RunKind) - {RunKind.EASY, RunKind.RECOVERY, RunKind.LONG}
        return [self.kind.value] if self.kind in patterns else []

    @property
    def blocks(self) -> list[dict[str, Any]]:
        """The runner's count of work repetitions, when given (scored only then)."""
        return [] if self.reps is None else [{"pattern": self.kind.value, "reps": self.reps}]

    @property
    def evidence(self) -> str:
        on = self.labelled_on.isoformat() if self.labelled_on else "an unknown date"
        said = f"; legday's analysis said {self.analysed_kind}" if self.analysed_kind else ""
        return f"labelled by the runner on {on}{said}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "activity_id": self.activity_id,
            "start": self.start.isoformat(),
            "source": self.source,
            "original": self.original,
            "session_index": self.session_index,
            "kind": self.kind.value,
            "reps": self.reps,
            "tags": self.tags,
            "blocks": self.blocks,
            "evidence": self.evidence,
        }


def labelled_runs(lib: Library) -> list[LabelledRun]:
    """Every run of the athlete that the runner labelled, oldest first."""
    athlete_id = lib._athlete_id()
    if athlete_id is None:
        return []
    with lib.db.session() as s:
        rows = s.execute(
            select(
                ActivityRow.id,
                ActivityRow.start,
                ActivityRow.session_index,
                ActivityRow.label_kind,
                ActivityRow.label_reps,
                ActivityRow.labelled_at,
                ActivityRow.analysis,
                FileRow.name,
                FileRow.sha256,
            )
            .join(FileRow, FileRow.id == ActivityRow.file_id)
            .where(ActivityRow.athlete_id == athlete_id, ActivityRow.label_kind.is_not(None))
            .order_by(ActivityRow.start)
        ).all()
    out: list[LabelledRun] = []
    for r in rows:
        kind = stored_label(r.label_kind)
        if kind is None:
            continue
        analysis = r.analysis or {}
        at = r.labelled_at
        if at is not None and at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        out.append(
            LabelledRun(
                activity_id=r.id,
                start=r.start if r.start.tzinfo else r.start.replace(tzinfo=UTC),
                source=r.name,
                original=str(lib.blobs.path_for(r.sha256)) if r.sha256 in lib.blobs else None,
                session_index=r.session_index,
                kind=kind,
                reps=r.label_reps,
                labelled_on=lib._local_date(at) if at is not None else None,
                analysed_kind=analysis.get("kind"),
                analysed_tags=tuple(analysis.get("tags") or ()),
            )
        )
    return out


def _toml_string(value: str) -> str:
    # a JSON string (ASCII, escapes \" \\ \n \uXXXX) is a TOML basic string
    return json.dumps(value, ensure_ascii=True)


def _toml_comment(value: str) -> str:
    return " ".join(value.split())  # one line, whatever the file name holds


def export_labels(runs: list[LabelledRun], *, source_names: bool = False) -> str:
    """The runs as ``tests/data/labels.toml`` holds labels: one ``[[run]]`` table each, with
    ``path`` (the stored original, which ``legday.read`` and ``bench/classify.py`` read; or,
    with ``source_names``, the file's name as imported), ``kind``, ``tags``, ``blocks`` and
    ``evidence``. A comment above each names the activity, its start and its source file."""
    lines = [
        "# Run labels given by the runner with `legday label` (exported by `legday labels "
        "export`).",
        "# Keys as in tests/data/labels.toml: path, kind, tags (every work pattern present),",
        "# blocks (pattern + work repetitions, when the runner counted them), evidence.",
    ]
    for run in runs:
        path = run.source if source_names or run.original is None else run.original
        blocks = ", ".join(
            f"{{ pattern = {_toml_string(b['pattern'])}, reps = {int(b['reps'])} }}"
            for b in run.blocks
        )
        session = f", session {run.session_index + 1}" if run.session_index else ""
        lines += [
            "",
            f"# activity {run.activity_id}, {run.start.date().isoformat()}: "
            f"{_toml_comment(run.source)}{session}",
            "[[run]]",
            f"path = {_toml_string(path)}",
            f"kind = {_toml_string(run.kind.value)}",
            f"tags = [{', '.join(_toml_string(t) for t in run.tags)}]",
            f"blocks = [{blocks}]",
            f"evidence = {_toml_string(run.evidence)}",
        ]
    return "\n".join(lines) + "\n"
