"""``legday label`` and ``legday labels export``: the runner has the last word on a run's kind."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from legday.errors import LabelError
from legday.model import RunKind

from .common import DbOption, console, err_console, example, guarded, library, print_json

LABEL_EPILOG = example(
    "legday label 42 --kind race",
    "legday label 42 --kind intervals --reps 6",
    "legday label 42 --clear",
)
EXPORT_EPILOG = example(
    "legday labels export", "legday labels export --out my-labels.toml --source-names"
)

#: The kinds a run can be given, for the help text.
KINDS = ", ".join(k.value for k in RunKind)

app = typer.Typer(
    help="The kinds you gave your runs (`legday label`), as evaluation data.",
    epilog=EXPORT_EPILOG,
    no_args_is_help=True,
)


@guarded
def label(
    activity: Annotated[
        str,
        typer.Argument(
            help="A stored run's id, as the dashboard's activity page, `legday week` and "
            "`legday verdict ID` show it."
        ),
    ],
    kind: Annotated[
        str | None, typer.Option("--kind", help=f"What the run was: {KINDS}.", show_default=False)
    ] = None,
    reps: Annotated[
        int | None,
        typer.Option("--reps", help="The work repetitions, as you counted them.", min=1, max=99),
    ] = None,
    clear: Annotated[
        bool, typer.Option("--clear", help="Remove your label: the analysed kind applies again.")
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print the activity as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Say what kind of run it was. Your kind wins over the analysed one (which is kept, with its
    reasons): the verdict, the week check (a race gets 72 h without hard legs before it) and
    the planner use it, and it survives `legday reanalyze`."""
    if clear == (kind is not None):
        raise LabelError("give --kind KIND to label the run, or --clear to remove its label")
    if clear and reps is not None:
        raise LabelError("--reps goes with --kind, not with --clear")
    lib = library(db)
    try:
        data = lib.clear_label(activity) if kind is None else lib.label(activity, kind, reps)
    finally:
        lib.close()
    from legday import serialise

    data = serialise.activity(data)
    if json_out:
        print_json(data)
        return
    render_label(data)


def render_label(data: dict[str, Any]) -> None:
    name = f" {escape(data['name'])}" if data.get("name") else ""
    console.print(f"Activity {data['id']} ({data['start'][:10]}){name}")
    said = data.get("analysed_kind")
    if data.get("label"):
        reps = data["label"]["reps"]
        counted = f", {reps} reps" if reps else ""
        console.print(
            f"Kind: [bold]{data['kind']}[/]{counted} (set by you; analysed as {said or '–'})"
        )
    else:
        console.print(f"Kind: [bold]{data['kind'] or '–'}[/] (analysed; no label of yours)")
    verdict = data.get("verdict") or {}
    if verdict.get("headline"):
        console.print(escape(verdict["headline"]))


@app.command(name="export", epilog=EXPORT_EPILOG)
@guarded
def export(
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write to this file (default: print it).", show_default=False),
    ] = None,
    source_names: Annotated[
        bool,
        typer.Option(
            "--source-names",
            help="Name each run by the file it was imported from, not its stored original.",
        ),
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON instead of TOML.")] = False,
    db: DbOption = None,
) -> None:
    """Write the kinds you gave your runs as evaluation data, in the format of
    tests/data/labels.toml (path, kind, tags, blocks with your reps, evidence), for
    bench/classify.py to score the classifier on your own runs."""
    from legday.store.labels import export_labels

    lib = library(db)
    try:
        runs = lib.labelled_runs()
    finally:
        lib.close()
    if json_out:
        from legday import serialise

        print_json(
            [{**r.to_dict(), "activity_id": serialise.session_id(r.activity_id)} for r in runs]
        )
        return
    text = export_labels(runs, source_names=source_names)
    if out is None:
        sys.stdout.write(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        err_console.print(f"legday: error: {out}: {exc.strerror or exc}", markup=False)
        raise typer.Exit(1) from None
    console.print(f"Wrote {len(runs)} labels to {escape(str(out))}")
