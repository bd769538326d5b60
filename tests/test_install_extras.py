"""Issue 17 item 10: ``pip install legday`` is the CLI on SQLite. The dashboard (``legday[web]``),
the PostgreSQL driver (``legday[postgres]``) and the frames (``legday[pandas]``,
``legday[polars]``) are extras: the CLI loads none of them, works without them, and a command
that needs one says which extra to install."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from legday.synth import generate_history, write_history

#: Modules only an extra brings.
EXTRAS = ("fastapi", "starlette", "uvicorn", "jinja2", "multipart", "psycopg", "pandas", "polars")

#: Runs the CLI in a fresh interpreter where the extras cannot be imported (as after a plain
#: `pip install legday`), then prints what it loaded.
WITHOUT_EXTRAS = """
import importlib.abc, json, sys
BLOCKED = {blocked!r}

class NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None

sys.meta_path.insert(0, NotInstalled())
sys.argv = ["legday", *{args!r}]
from legday.cli import main
try:
    main()
except SystemExit as exit:
    code = exit.code
else:
    code = 0
loaded = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED or m.startswith("legday.web"))
print(json.dumps({{"code": code, "loaded": loaded}}), file=sys.stderr)
"""


def _run(args: list[str], home: Path) -> tuple[dict[str, object], str, str]:
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_EXTRAS.format(blocked=EXTRAS, args=args)],
        capture_output=True,
        text=True,
        env={"LEGDAY_HOME": str(home), "PATH": "/usr/bin:/bin"},
        timeout=300,
    )
    *messages, last = done.stderr.strip().splitlines()
    return json.loads(last), done.stdout, "\n".join(messages)


def test_importing_the_cli_loads_no_extra() -> None:
    code = (
        "import sys, legday, legday.cli; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {EXTRAS!r} "
        "or m.startswith('legday.web')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_cli_works_on_sqlite_without_the_extras(tmp_path: Path) -> None:
    history = generate_history(weeks=1, seed=2)
    files = tmp_path / "files"
    write_history(history, files, formats=("fit", "gpx"))
    home = tmp_path / "home"
    result, out, err = _run(["import", str(files), "--workers", "1", "--json"], home)
    assert result == {"code": 0, "loaded": []}, err
    assert json.loads(out)["failed"] == 0 and json.loads(out)["imported"] > 2
    day = history.last_day.isoformat()
    for args in (["week", "--date", day, "--json"], ["records", "--json"], ["plan", "--json"]):
        result, out, err = _run(args, home)
        assert result == {"code": 0, "loaded": []}, (args, err)
        assert json.loads(out)


def test_a_command_that_needs_an_extra_names_it(tmp_path: Path) -> None:
    result, _, err = _run(["serve"], tmp_path)
    assert result["code"] == 1
    assert "pip install 'legday[web]'" in err and "Traceback" not in err
    result, _, err = _run(["week", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/x"], tmp_path)
    assert result["code"] == 1
    assert "pip install 'legday[postgres]'" in err and "Traceback" not in err
