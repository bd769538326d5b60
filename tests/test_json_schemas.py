"""Issue 17 item 8, one JSON vocabulary: every command's ``--json`` and every ``/api`` route
validates against its JSON Schema in ``docs/schemas/`` (``additionalProperties: false``, so an
output that gains, loses or renames a field fails here until its schema says so).

The commands run on ``legday demo``'s home, read from the command line itself: a command
without ``--json`` must say why in its help, and a command with it must have a case here.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer.main
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from typer.testing import CliRunner

from import_jobs import wait_for_job
from legday.cli import app
from legday.home import Home
from legday.store.browse import SessionFilter
from legday.store.library import Library

SCHEMAS = Path(__file__).resolve().parents[1] / "docs" / "schemas"
runner = CliRunner()


def _schemas() -> dict[str, Any]:
    return {
        p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(SCHEMAS.glob("*.json"))
    }


_REGISTRY = Registry().with_resources(
    (name, Resource.from_contents(schema)) for name, schema in _schemas().items()
)


def validator(name: str) -> Draft202012Validator:
    """The validator of ``docs/schemas/<name>``, its ``common.json`` references resolved."""
    return Draft202012Validator(_schemas()[name], registry=_REGISTRY)


def assert_valid(data: Any, name: str, what: str) -> None:
    errors = sorted(validator(name).iter_errors(data), key=lambda e: list(e.absolute_path))
    shown = "\n".join(f"  at {list(e.absolute_path)}: {e.message[:300]}" for e in errors[:8])
    assert not errors, f"{what} does not match docs/schemas/{name}:\n{shown}"


@dataclass(frozen=True)
class Demo:
    home: Path
    files: Path
    last_day: str
    run_id: str
    lift_id: str
    fit: Path


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """``legday demo --weeks 3`` once; its home is a legday home of its own."""
    root = tmp_path_factory.mktemp("schemas-demo")
    result = runner.invoke(
        app, ["demo", "--weeks", "3", "--teammates", "0"], env={"LEGDAY_HOME": str(root)}
    )
    assert result.exit_code == 0, result.output
    home = root / "demo" / "seed-0"
    lib = Library.open(Home(home))
    try:
        rows = lib.sessions(SessionFilter(), offset=0, limit=200).rows
    finally:
        lib.close()
    runs = [r for r in rows if r.type == "activity" and r.sport == "running"]
    lifts = [r for r in rows if r.type == "strength"]
    return Demo(
        home=home,
        files=home / "files",
        last_day=rows[0].local_start.date().isoformat(),
        run_id=str(runs[0].id),
        lift_id=str(lifts[0].id),
        fit=sorted((home / "files").glob("*.fit"))[0],
    )


def _commands() -> dict[str, Any]:
    """Every command and subcommand, as typed (``labels export``), with its click command."""

    def walk(command: Any, path: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                yield from walk(sub, (*path, name))
        else:
            yield " ".join(path), command

    return dict(walk(typer.main.get_command(app), ()))


def _takes_json(command: Any) -> bool:
    return any("--json" in getattr(p, "opts", ()) for p in command.params)


#: Each command's ``--json`` calls (the arguments after its name) and the schema of their
#: output. Cases that change the data undo it (rm then --undo), but for the run ``label``
#: leaves labelled, so that ``labels export`` (run after it) has a run to give.
CASES: dict[str, Callable[[Demo], list[tuple[list[str], str]]]] = {
    "inspect": lambda d: [([str(d.fit)], "inspect.json")],
    "import": lambda d: [([str(d.files), "--workers", "1"], "import.json")],
    "reanalyze": lambda d: [([], "reanalyze.json")],
    "analyze": lambda d: [([str(d.fit)], "analyze.json")],
    "verdict": lambda d: [
        ([str(d.fit)], "verdict.json"),
        ([d.run_id], "verdict.json"),
        ([d.lift_id], "verdict.json"),
    ],
    "log": lambda d: [(["bird dog 2x10", "--date", f"{d.last_day}T06:15"], "log.json")],
    "strength": lambda d: [([], "strength.json"), (["--exercise", "back squat"], "strength.json")],
    "week": lambda d: [(["--date", d.last_day], "week.json")],
    "records": lambda d: [([], "records.json")],
    "roster": lambda d: [(["--date", d.last_day], "roster.json")],
    "plan": lambda d: [([], "plan.json"), (["--weeks", "4"], "plan.json")],
    "label": lambda d: [  # left labelled, for labels export
        ([d.run_id, "--kind", "race"], "activity.json"),
        ([d.run_id, "--clear"], "activity.json"),
        ([d.run_id, "--kind", "intervals", "--reps", "6"], "activity.json"),
    ],
    "labels export": lambda d: [([], "labels-export.json")],
    "profile show": lambda d: [([], "profile.json")],
    "profile set": lambda d: [(["minutes_per_day=25", "races=2027-04-18:42.2"], "profile.json")],
    "rm": lambda d: [([d.lift_id], "rm.json"), (["--undo"], "rm.json")],
    "edit": lambda d: [([d.lift_id, "--rpe", "7"], "strength-session.json")],
    "batch": lambda d: [
        ([str(d.files), "--out", str(d.home / "study"), "--workers", "1"], "batch.json")
    ],
    "batch-summary": lambda d: [([_study(d)], "batch-summary.json")],
    "backup": lambda d: [([str(d.home / "schemas.tar")], "backup.json")],
    "restore": lambda d: [([_archive(d), "--force"], "restore.json")],  # its own backup
    "users list": lambda d: [([], "users.json")] if _user(d) else [],
    "users token create": lambda d: [([_user(d), "--name", "phone"], "users-token.json")],
    "users token list": lambda d: [([_user(d)], "users-tokens.json")],
}

#: The commands that only change something and say so in a line (their help says why).
WITHOUT_JSON = [
    "demo",
    "serve",
    "users add",
    "users disable",
    "users link",
    "users token revoke",
    "users unlink",
]


def _user(d: Demo) -> str:
    """An athlete account on the demo's database, made once (``users`` commands read one)."""
    login = "ada"
    listed = runner.invoke(app, ["users", "list"], env={"LEGDAY_HOME": str(d.home)})
    if login not in listed.stdout:
        env = {"LEGDAY_HOME": str(d.home), "LEGDAY_PASSWORD": "a long passphrase"}
        made = runner.invoke(app, ["users", "add", login, "--role", "athlete"], env=env)
        assert made.exit_code == 0, made.output
    return login


def _archive(d: Demo) -> str:
    """A backup of the demo's home as it stands (``restore`` puts back what it holds)."""
    from legday.store.backup import backup

    out = d.home / "restore-me.tar"
    backup(Home(d.home).db_url(), d.home / "originals", out)
    return str(out)


def _study(d: Demo) -> str:
    """A batch's output of the demo's files (``batch-summary`` reads one), made once."""
    from legday.batch import run_batch

    out = d.home / "summary-study"
    if not out.exists():
        run_batch([str(d.files)], str(out), workers=1)
    return str(out)


def test_every_command_takes_json_or_says_why_not() -> None:
    commands = _commands()
    without = sorted(name for name, c in commands.items() if not _takes_json(c))
    for name in without:
        said = " ".join((commands[name].help or "").split())
        assert "No --json" in said, f"legday {name}: no --json, and its help does not say why"
    assert without == WITHOUT_JSON
    assert sorted(CASES) == sorted(set(commands) - set(without))


@pytest.mark.parametrize("command", sorted(CASES))
def test_command_json_matches_its_schema(command: str, demo: Demo) -> None:
    for args, schema in CASES[command](demo):
        argv = [*command.split(), *args, "--json"]
        result = runner.invoke(app, argv, env={"LEGDAY_HOME": str(demo.home)})
        shown = f"legday {' '.join(argv)} exited {result.exit_code}:\n{result.output}"
        assert result.exit_code == 0, shown
        assert_valid(json.loads(result.stdout), schema, f"legday {' '.join(argv)}")


def test_the_log_id_is_what_rm_takes(demo: Demo) -> None:
    """A session id read from one command's JSON is what another command takes."""
    env = {"LEGDAY_HOME": str(demo.home)}

    def cli(*argv: str) -> Any:
        result = runner.invoke(app, [*argv, "--json"], env=env)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    logged = cli("log", "side plank 2x30s", "--date", f"{demo.last_day}T05:30")
    week = cli("week", "--date", demo.last_day)
    assert logged["id"] in [s["id"] for s in week["sessions"]]
    assert cli("verdict", logged["id"]) == logged["verdict"]
    assert cli("rm", logged["id"]) == {"removed": [logged["id"]]}


# -- the API ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def client(demo: Demo) -> Iterator[Any]:
    pytest.importorskip("fastapi", reason="the dashboard's extra (legday[web]) is not installed")
    from fastapi.testclient import TestClient

    from legday.web import create_app
    from test_web_support import LOOPBACK, SAME_ORIGIN

    home = Home(demo.home)
    with TestClient(
        create_app(lambda: Library.open(home)), base_url=LOOPBACK, headers=SAME_ORIGIN
    ) as c:
        yield c


def _api_cases(d: Demo) -> list[tuple[str, str, dict[str, Any], str]]:
    run, lift = d.run_id, d.lift_id.removeprefix("s")
    return [
        ("GET", "/api/week", {"params": {"date": d.last_day}}, "week.json"),
        ("GET", f"/api/activity/{run}", {}, "activity.json"),
        ("GET", f"/api/activity/{run}/reps", {}, "activity-reps.json"),
        ("POST", f"/api/activity/{run}/label", {"json": {"kind": "race"}}, "activity.json"),
        ("POST", f"/api/activity/{run}/label", {"json": {"kind": None}}, "activity.json"),
        ("GET", "/api/strength", {}, "strength.json"),
        ("GET", f"/api/strength/session/{lift}", {}, "strength-session.json"),
        (
            "POST",
            f"/api/strength/session/{lift}/edit",
            {"json": {"rpe": 6}},
            "strength-session.json",
        ),
        ("GET", "/api/strength/trends", {}, "strength-trends.json"),
        ("GET", "/api/records", {}, "records.json"),
        ("GET", "/api/plan", {}, "plan.json"),
        ("GET", "/api/sessions", {"params": {"limit": 200}}, "sessions.json"),
        ("GET", "/api/roster", {"params": {"date": d.last_day}}, "roster.json"),
        ("POST", "/api/sessions/remove", {"json": {"ids": [d.lift_id]}}, "rm.json"),
        ("POST", "/api/sessions/undo", {}, "rm.json"),
    ]


def test_api_routes_match_their_schemas(client: Any, demo: Demo) -> None:
    for method, path, kwargs, schema in _api_cases(demo):
        r = client.request(method, path, **kwargs)
        assert r.status_code == 200, f"{method} {path}: {r.status_code} {r.text[:300]}"
        assert_valid(r.json(), schema, f"{method} {path}")
    upload = [("files", (demo.fit.name, demo.fit.read_bytes(), "application/octet-stream"))]
    r = client.post("/api/import", files=upload)
    assert_valid(r.json(), "import-job.json", "POST /api/import")
    job = wait_for_job(client, r)
    assert job["status"] == "done", job
    assert_valid(job, "import-job.json", "GET /api/imports/{id}")
    assert_valid(job["report"], "import.json", "GET /api/imports/{id}: its report")


def test_the_api_is_the_clis_json(client: Any, demo: Demo) -> None:
    """The same object, whichever door it is asked at: ids, reasons and verdicts included."""
    env = {"LEGDAY_HOME": str(demo.home)}
    for argv, path in (
        (["week", "--date", demo.last_day], f"/api/week?date={demo.last_day}"),
        (["verdict", demo.run_id], f"/api/activity/{demo.run_id}"),
        (["records"], "/api/records"),
        (["roster", "--date", demo.last_day], f"/api/roster?date={demo.last_day}"),
    ):
        result = runner.invoke(app, [*argv, "--json"], env=env)
        assert result.exit_code == 0, result.output
        api = client.get(path).json()
        assert json.loads(result.stdout) == (api["verdict"] if argv[0] == "verdict" else api)


def test_the_pages_data_ids_are_the_jsons_ids(client: Any, demo: Demo) -> None:
    """The dashboard's ``data-id`` attributes carry the ids the JSON gives."""
    week = client.get("/api/week", params={"date": demo.last_day}).json()
    page = client.get("/", params={"date": demo.last_day}).text
    shown = re.findall(r'data-id="([^"]+)"', page)
    assert shown and sorted(shown) == sorted(s["id"] for s in week["sessions"])
    listed = client.get("/api/sessions", params={"limit": 200}).json()
    page = client.get("/activities", params={"page": 1}).text
    ids = re.findall(r'<tr data-id="([^"]+)"', page)
    assert ids and ids == [s["id"] for s in listed["sessions"]][: len(ids)]


def test_the_pages_show_the_reasons_the_json_gives(client: Any, demo: Demo) -> None:
    """The run page and the lifting session page read the API's objects: every reason the JSON
    gives (the kind's, rule null, and the verdict's) is on the page."""
    for api, page in (
        (f"/api/activity/{demo.run_id}", f"/activity/{demo.run_id}"),
        (
            f"/api/strength/session/{demo.lift_id[1:]}",
            f"/strength/session/{demo.lift_id[1:]}",
        ),
    ):
        data = client.get(api).json()
        text = html.unescape(client.get(page).text)
        reasons = (data.get("analysis") or {}).get("reasons", []) + data["verdict"]["reasons"]
        assert reasons
        for reason in reasons:
            assert reason["text"] in text, (page, reason)


# -- the schemas themselves ---------------------------------------------------------------------
def test_every_schema_is_valid_and_used(demo: Demo) -> None:
    used = {s for make in CASES.values() for _, s in make(demo)}
    used |= {s for *_, s in _api_cases(demo)} | {"import-job.json"}
    for schema in _schemas().values():
        Draft202012Validator.check_schema(schema)
    assert set(_schemas()) - {"common.json"} == used, "a schema no test validates, or one missing"


def _week_sample() -> dict[str, Any]:
    muscles = dict.fromkeys(_schemas()["common.json"]["$defs"]["muscles"]["required"], 0.0)
    return {
        "week": "2026-W49",
        "start": "2026-11-30",
        "sessions": [
            {
                "id": "s6",
                "date": "2026-12-01",
                "time": "18:59",
                "weekday": "tue",
                "type": "strength",
                "sport": None,
                "minutes": 33.0,
                "kind": None,
                "category": "strength",
                "counts_as_leg_day": True,
            }
        ],
        "strength_sessions": 1,
        "leg_days": 1,
        "coverage": dict.fromkeys(("compound", "isolation", "single_leg", "core", "upper"), True),
        "cardio_band_min": 0.0,
        "above_band_min": 0.0,
        "guideline_min": 0.0,
        "rules": [{"rule": "R8", "ok": True, "applicable": True, "text": "Lift 2–3 times."}],
        "violations": [],
        "muscles": muscles,
        "layers": {"strength": muscles, "endurance": muscles},
        "load": {"week_trimp": 0, "ctl": 0, "atl": 0, "tsb": 0, "acwr": None, "spike": False},
    }


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda w: w, None),
        (lambda w: w["sessions"][0].update(id=6), "an id as a number"),
        (lambda w: w["sessions"][0].update(id="r6"), "an id in another form"),
        (lambda w: w.update(extra=1), "a field the schema does not name"),
        (lambda w: w.pop("leg_days"), "a field gone"),
        (lambda w: w["violations"].append({"rule": "R10", "text": "x"}), "a violation without day"),
    ],
)
def test_the_schemas_refuse_drift(change: Callable[[dict[str, Any]], Any], why: str | None) -> None:
    week = _week_sample()
    change(week)
    assert validator("week.json").is_valid(week) == (why is None), why


def test_a_verdict_is_never_nested_and_reasons_have_one_shape() -> None:
    muscles = dict.fromkeys(_schemas()["common.json"]["$defs"]["muscles"]["required"], 0.0)
    verdict = {
        "counts_as_leg_day": False,
        "category": "cardio",
        "reasons": [{"rule": "R1", "text": "Running is cardio."}],
        "stimulus": {"cardio": 1.0, "strength": 0.0, "type2_share": 0.1, "muscles": muscles},
        "headline": "No.",
    }
    check = validator("verdict.json")
    assert check.is_valid(verdict)
    assert not check.is_valid({"verdict": verdict})
    assert not check.is_valid({**verdict, "reasons": ["Running is cardio."]})
    assert not check.is_valid({**verdict, "reasons": [{"rule": "cardio", "text": "x"}]})
    assert check.is_valid({**verdict, "reasons": [{"rule": None, "text": "steady"}]})
