"""Score legday's run classification: kinds, tags and repetition counts.

Two sets:

* **synthetic** — seeded sessions from :mod:`legday.synth` across athletes, devices and noise
  levels, each with a short history of the athlete's usual runs (durations of the programs
  their weekly pattern holds) and their profile. The activity's name, which the synthetic
  runner fills from the truth, is replaced with a neutral "Morning Run".
* **hard synthetic** (``--set hard``) — sessions as messy as real recordings
  (:mod:`legday.synth.hard`): short, cut or separate warm-ups, races from the gun, trained
  runners' easy pace, bare profiles, lagging and drifting HR, paused recoveries, hills of every
  shape, ladders, floats inside reps, treadmills, auto-laps, GPS dropouts. Each session lists
  the conditions it drew, and the report breaks the scores down by condition.
* **real** — third-party recordings in ``../shared/data/real``, labelled by hand in
  ``tests/data/labels.toml`` (with the evidence for each label). A label may ``accept`` other
  kinds where the evidence is weak, pick the ``leg`` (sport) of a multisport file, and name a
  ``group`` (one athlete), whose runs are each other's history and are also scored together.

Prints per-class precision and recall, the confusion matrix, macro-F1, the share of runs
whose kind *and* tags are right, and the share of interval, hill and stride sessions whose
work-repetition count is within ±1.

    .venv/bin/python bench/classify.py --n 550 --seed 0
    .venv/bin/python bench/classify.py --real-only
    .venv/bin/python bench/classify.py --set hard --synthetic-only
"""

from __future__ import annotations

import argparse
import sys
import time
import tomllib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from legday.analysis import HistorySummary, RunAnalysis, analyze
from legday.model import Activity, AthleteProfile
from legday.synth.workouts import KINDS

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "data" / "labels.toml"
REAL = ROOT.parent / "shared" / "data" / "real"

#: The synthetic kinds drawn, in turn (``strides`` is an easy run with strides).
SYNTH_KINDS = KINDS
#: Patterns whose repetition count is scored.
REP_PATTERNS = ("intervals", "hill_repeats", "strides")
#: The weekly quality session of the history rotates through these kinds.
QUALITY_KINDS = ("intervals", "tempo", "hill_repeats", "fartlek", "sprints", "mixed")
#: Weeks of history built for each synthetic athlete.
HISTORY_WEEKS = 6
#: Kinds that are no work pattern, so never a tag (an accepted ``long`` drops the race tag).
NON_PATTERN_KINDS = frozenset({"easy", "recovery", "long", "mixed"})
#: Two recordings of one group starting this close are one session on two devices (a twin is
#: not its own history), s.
TWIN_WINDOW_S = 600.0


@dataclass(frozen=True, slots=True)
class Case:
    """One labelled session: the truth and what legday found."""

    name: str
    kind: str
    tags: tuple[str, ...]
    reps: dict[str, int]
    """Work repetitions per scored pattern (truth)."""
    got_kind: str
    got_tags: tuple[str, ...]
    got_reps: dict[str, int]
    overload: bool | None = None
    got_overload: bool = False
    role_agreement: float | None = None
    """Share of the run's seconds whose segment role (warm-up, work…) matches the truth."""
    accept: tuple[str, ...] = ()
    """Other kinds a careful coach would accept (the label's ``accept``)."""
    group: str | None = None
    """The athlete (the label's ``group``), for per-group scores."""

    @property
    def truth_kind(self) -> str:
        """The kind the prediction is scored against: an accepted alternative counts as the
        truth when predicted, else the label's kind."""
        return self.got_kind if self.got_kind in self.accept else self.kind

    @property
    def kind_right(self) -> bool:
        return self.got_kind == self.truth_kind

    @property
    def tags_right(self) -> bool:
        """The tags equal the label's; for an accepted alternative kind, also the label's tags
        with the label kind's pattern swapped for the alternative's (dropped when that is no
        pattern: easy, recovery, long, mixed) — a race accepted as tempo tags ``tempo``."""
        if self.got_tags == self.tags:
            return True
        if self.got_kind == self.kind or self.got_kind not in self.accept:
            return False
        swapped = set(self.tags) - {self.kind}
        if self.got_kind not in NON_PATTERN_KINDS:
            swapped.add(self.got_kind)
        return self.got_tags == tuple(sorted(swapped))

    @property
    def reps_right(self) -> bool:
        """Every scored repetition count within ±1."""
        return all(abs(self.got_reps.get(p, 0) - n) <= 1 for p, n in self.reps.items())


def _reps(blocks: Sequence[Any], key: str = "pattern") -> dict[str, int]:
    out: dict[str, int] = {}
    for b in blocks:
        pattern = b[key] if isinstance(b, dict) else getattr(b, key)
        pattern = str(getattr(pattern, "value", pattern))
        if pattern in REP_PATTERNS:
            out[pattern] = out.get(pattern, 0) + int(b["reps"] if isinstance(b, dict) else b.reps)
    return out


def case_from(name: str, truth: dict[str, Any], result: RunAnalysis) -> Case:
    """A scored case from a truth dict (kind, tags, blocks with tag/pattern and reps)."""
    truth_reps: dict[str, int] = {}
    for b in truth.get("blocks", []):
        tag = b.get("tag") or b.get("pattern")
        if tag in REP_PATTERNS:
            truth_reps[tag] = truth_reps.get(tag, 0) + int(b["reps"])
    return Case(
        name=name,
        kind=truth["kind"],
        tags=tuple(sorted(truth.get("tags", ()))),
        reps=truth_reps,
        got_kind=result.kind.value,
        got_tags=tuple(sorted(t.value for t in result.tags)),
        got_reps=_reps(result.blocks),
        overload=truth.get("overload"),
        got_overload=result.overload,
        role_agreement=_role_agreement(truth.get("segments", []), result),
        accept=tuple(truth.get("accept", ())),
        group=truth.get("group"),
    )


def _role_agreement(truth_segments: Sequence[dict[str, Any]], result: RunAnalysis) -> float | None:
    """Share of seconds where the predicted segment role equals the truth's."""
    if not truth_segments or not result.segments:
        return None
    end = int(max(float(s["end_s"]) for s in truth_segments))
    t = np.arange(end) + 0.5
    truth = np.full(end, "", dtype=object)
    got = np.full(end, "", dtype=object)
    for seg in truth_segments:
        truth[(t >= float(seg["start_s"])) & (t < float(seg["end_s"]))] = seg["role"]
    for g in result.segments:
        got[(t >= g.start_s) & (t < g.end_s)] = g.role.value
    return float(np.mean(truth == got))


# --- synthetic --------------------------------------------------------------------------------


def _program_history(athlete: Any, rng: np.random.Generator, end: datetime) -> list[HistorySummary]:
    """The athlete's usual runs: durations and flat-ground distances of the programs their
    weekly pattern holds (what a history of analysed runs would summarise)."""
    from legday.synth.workouts import build_program

    out: list[HistorySummary] = []
    for day in range(HISTORY_WEEKS * 7):
        plan = athlete.day_plan(day % 7)
        if plan == "rest":
            continue
        week = day // 7
        kind = QUALITY_KINDS[week % len(QUALITY_KINDS)] if plan == "quality" else plan
        program = build_program(kind, athlete, rng)
        duration = float(sum(s.duration_s for s in program.steps))
        distance = float(sum(s.duration_s * s.effort_mps for s in program.steps))
        start = end - timedelta(days=HISTORY_WEEKS * 7 - day)
        recorded = "easy" if kind == "strides" else kind
        out.append(HistorySummary(start, duration, distance, recorded, None))
    return out


def synthetic_sessions(
    n: int, seed: int
) -> Iterator[tuple[str, Activity, dict[str, Any], AthleteProfile, list[HistorySummary]]]:
    """``n`` seeded sessions cycling through :data:`SYNTH_KINDS`, a new athlete and device
    for each, with that athlete's profile and usual runs."""
    from legday.synth import Device, SyntheticAthlete, make_run

    start = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
    for i in range(n):
        kind = SYNTH_KINDS[i % len(SYNTH_KINDS)]
        rng = np.random.default_rng([seed, i])
        athlete = SyntheticAthlete.sample(rng)
        device = Device.sample(rng)
        history = _program_history(athlete, np.random.default_rng([seed, i, 1]), start)
        run = make_run(kind, athlete, device, start + timedelta(days=i), rng)
        activity = replace(run.activity, name="Morning Run")
        truth = run.truth.to_dict()
        # the truth's blocks name their pattern ("6x400m"); the tag is what we score
        tag_by_intensity = {
            "stride": "strides",
            "sprint": "sprints",
            "interval": "intervals",
            "tempo": "tempo",
            "hill": "hill_repeats",
            "fartlek": "fartlek",
            "race": "race",
        }
        for b in truth["blocks"]:
            b["tag"] = tag_by_intensity.get(b["intensity"], b["intensity"])
        yield f"synthetic-{i:04d}-{kind}", activity, truth, athlete.profile(), history


def run_synthetic(n: int, seed: int) -> tuple[list[Case], list[float]]:
    cases: list[Case] = []
    times: list[float] = []
    for name, activity, truth, profile, history in synthetic_sessions(n, seed):
        t0 = time.perf_counter()
        result = analyze(activity, profile, history)
        times.append(time.perf_counter() - t0)
        cases.append(case_from(name, truth, result))
    return cases, times


# --- hard synthetic ---------------------------------------------------------------------------

#: Patterns whose repetition count is scored on the hard set (sprints too).
HARD_REP_PATTERNS = ("intervals", "hill_repeats", "strides", "sprints")
#: Sessions in the hard set unless ``--n`` says otherwise.
HARD_N = 500


@dataclass(frozen=True, slots=True)
class HardCase:
    """A scored hard session: the case, the conditions it drew and its repetition counts
    over :data:`HARD_REP_PATTERNS`."""

    case: Case
    conditions: tuple[str, ...]
    reps: dict[str, int]
    got_reps: dict[str, int]

    @property
    def kind_and_tags_right(self) -> bool:
        c = self.case
        return c.kind == c.got_kind and c.tags == c.got_tags

    @property
    def quality(self) -> bool:
        """A session with reps to count."""
        return bool(self.reps)

    @property
    def reps_right(self) -> bool:
        """Every block's work-rep count within ±1 (as the athlete counts them)."""
        return all(abs(self.got_reps.get(p, 0) - n) <= 1 for p, n in self.reps.items())


def _hard_reps(blocks: Sequence[Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for b in blocks:
        pattern = b["tag"] if isinstance(b, dict) else str(getattr(b.pattern, "value", b.pattern))
        if pattern in HARD_REP_PATTERNS:
            out[pattern] = out.get(pattern, 0) + int(b["reps"] if isinstance(b, dict) else b.reps)
    return out


def hard_sessions(
    n: int, seed: int
) -> Iterator[
    tuple[str, Activity, dict[str, Any], AthleteProfile, list[HistorySummary], tuple[str, ...]]
]:
    """The ``n`` sessions of the hard set (:func:`legday.synth.hard.hard_session`), each with
    its profile, its athlete's usual runs (none for a bare profile) and its conditions.
    Session ``i`` is ``hard_session(seed, i)``, so any one can be rebuilt alone."""
    from legday.synth.hard import HARD_STREAM, hard_session

    start = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
    for i in range(n):
        s = hard_session(seed, i, start)
        history = (
            _program_history(s.athlete, np.random.default_rng([seed, i, HARD_STREAM, 1]), start)
            if s.with_history
            else []
        )
        activity = replace(s.run.activity, name="Morning Run")
        conditions = tuple(c.value for c in s.conditions)
        yield s.name, activity, s.run.truth.to_dict(), s.profile, history, conditions


def run_hard(n: int, seed: int) -> tuple[list[HardCase], list[float]]:
    cases: list[HardCase] = []
    times: list[float] = []
    for name, activity, truth, profile, history, conditions in hard_sessions(n, seed):
        t0 = time.perf_counter()
        result = analyze(activity, profile, history)
        times.append(time.perf_counter() - t0)
        cases.append(
            HardCase(
                case=case_from(name, truth, result),
                conditions=conditions,
                reps=_hard_reps(truth["blocks"]),
                got_reps=_hard_reps(result.blocks),
            )
        )
    return cases, times


def _share(flags: Sequence[bool]) -> str:
    return f"{sum(flags) / len(flags):.2f}" if flags else "  - "


def _failure(c: HardCase) -> str:
    k = c.case
    return (
        f"{k.name} [{', '.join(c.conditions)}]: truth {k.kind} {list(k.tags)} {c.reps} -> "
        f"{k.got_kind} {list(k.got_tags)} {c.got_reps}"
    )


def hard_report(title: str, cases: Sequence[HardCase], *, examples: int = 3) -> str:
    """The usual report, the share of quality sessions whose reps are right, and a breakdown
    by condition: for each, its sessions (and those where it is alone), kind and tags right,
    reps right, the commonest confusions, and example failures."""
    lines = [report(title, [c.case for c in cases], show_errors=0)]
    quality = [c for c in cases if c.quality]
    lines.append(
        f"quality sessions with work reps within ±1 (interval, hill, stride, sprint blocks): "
        f"{_share([c.reps_right for c in quality])} of {len(quality)}"
    )
    conditions = sorted({k for c in cases for k in c.conditions})
    lines.append("by condition (k+t = kind and tags right; reps = quality sessions within ±1):")
    lines.append(f"{'condition':18s} {'n':>4s} {'k+t':>5s} {'alone':>5s} {'k+t':>5s} "
                 f"{'qual':>4s} {'reps':>5s}  commonest confusions")  # fmt: skip
    for cond in conditions:
        of = [c for c in cases if cond in c.conditions]
        alone = [c for c in of if len(c.conditions) == 1]
        q = [c for c in of if c.quality]
        confusions = Counter(
            f"{c.case.kind}->{c.case.got_kind}" for c in of if c.case.kind != c.case.got_kind
        )
        top = ", ".join(f"{k} {v}" for k, v in confusions.most_common(3))
        lines.append(
            f"{cond:18s} {len(of):4d} {_share([c.kind_and_tags_right for c in of]):>5s} "
            f"{len(alone):5d} {_share([c.kind_and_tags_right for c in alone]):>5s} "
            f"{len(q):4d} {_share([c.reps_right for c in q]):>5s}  {top}"
        )
    for cond in conditions:
        wrong = [c for c in cases if cond in c.conditions and not c.kind_and_tags_right]
        reps = [c for c in cases if cond in c.conditions and c.quality and not c.reps_right]
        if not wrong and not reps:
            continue
        lines.append(f"-- {cond}: {len(wrong)} kind/tags wrong, {len(reps)} rep counts off")
        lines.extend(f"   kind: {_failure(c)}" for c in wrong[:examples])
        lines.extend(f"   reps: {_failure(c)}" for c in reps[:examples] if c not in wrong)
    return "\n".join(lines)


# --- real -----------------------------------------------------------------------------------


def load_labels(path: Path = LABELS) -> list[dict[str, Any]]:
    """The hand labels: one table per real run (path, kind, tags, blocks, evidence; optional
    accept, leg, group)."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return list(data.get("run", []))


def _leg(path: Path, sport: str | None) -> Activity:
    """The file's first session, or its first of ``sport`` (a multisport file's run leg)."""
    from legday.io.reader import read_all

    sessions = read_all(path)
    if sport is None:
        return sessions[0]
    for activity in sessions:
        if activity.sport == sport:
            return activity
    found = ", ".join(a.sport for a in sessions)
    raise ValueError(f"{path}: no {sport!r} session (sessions: {found})")


def run_real(real: Path = REAL, labels: Path = LABELS) -> list[Case]:
    """Analyse each labelled real run, read in place (the ``leg`` session of a multisport
    file). Runs that share a ``group`` (one athlete) are each other's history, less a twin
    recording of the same session (starting within :data:`TWIN_WINDOW_S`)."""
    from legday.analysis import summarize

    rows = load_labels(labels)
    activities = [_leg(real / row["path"], row.get("leg")) for row in rows]
    summaries = [summarize(analyze(a)) for a in activities]
    cases: list[Case] = []
    for i, (row, activity) in enumerate(zip(rows, activities, strict=True)):
        group = row.get("group")
        history = [
            summaries[j]
            for j, other in enumerate(rows)
            if group is not None
            and j != i
            and other.get("group") == group
            and abs((activities[j].start - activity.start).total_seconds()) > TWIN_WINDOW_S
        ]
        cases.append(case_from(row["path"], row, analyze(activity, None, history)))
    return cases


# --- scoring ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scores:
    classes: tuple[str, ...]
    confusion: np.ndarray[Any, np.dtype[np.int64]]
    """Rows: truth; columns: prediction."""
    precision: dict[str, float]
    recall: dict[str, float]
    f1: dict[str, float]
    macro_f1: float
    kind_accuracy: float
    kind_and_tags: float
    rep_within_1: float | None
    rep_cases: int


def score(cases: Sequence[Case]) -> Scores:
    """Per-class precision/recall/F1 over kinds, macro-F1, exact kind+tags share and the
    share of scored repetition counts within ±1. A predicted kind the label accepts counts
    as right (and as the truth in the confusion matrix); see :attr:`Case.tags_right`."""
    classes = tuple(sorted({c.truth_kind for c in cases} | {c.got_kind for c in cases}))
    index = {k: i for i, k in enumerate(classes)}
    conf = np.zeros((len(classes), len(classes)), dtype=np.int64)
    for c in cases:
        conf[index[c.truth_kind], index[c.got_kind]] += 1
    precision, recall, f1 = {}, {}, {}
    for k, i in index.items():
        tp = conf[i, i]
        p = tp / conf[:, i].sum() if conf[:, i].sum() else 0.0
        r = tp / conf[i, :].sum() if conf[i, :].sum() else 0.0
        precision[k], recall[k] = float(p), float(r)
        f1[k] = float(2 * p * r / (p + r)) if p + r else 0.0
    truth_classes = [k for k in classes if conf[index[k], :].sum() > 0]
    macro = float(np.mean([f1[k] for k in truth_classes])) if truth_classes else 0.0
    rep_hits = rep_total = 0
    for c in cases:
        for pattern, reps in c.reps.items():
            rep_total += 1
            rep_hits += abs(c.got_reps.get(pattern, 0) - reps) <= 1
    return Scores(
        classes=classes,
        confusion=conf,
        precision=precision,
        recall=recall,
        f1=f1,
        macro_f1=macro,
        kind_accuracy=float(np.mean([c.kind_right for c in cases])) if cases else 0.0,
        kind_and_tags=(
            float(np.mean([c.kind_right and c.tags_right for c in cases])) if cases else 0.0
        ),
        rep_within_1=rep_hits / rep_total if rep_total else None,
        rep_cases=rep_total,
    )


def report(title: str, cases: Sequence[Case], *, show_errors: int = 15) -> str:
    s = score(cases)
    lines = [f"== {title}: {len(cases)} sessions =="]
    lines.append(f"{'class':14s} {'prec':>6s} {'recall':>6s} {'f1':>6s} {'n':>5s}")
    for k in s.classes:
        n = int(s.confusion[s.classes.index(k), :].sum())
        lines.append(f"{k:14s} {s.precision[k]:6.3f} {s.recall[k]:6.3f} {s.f1[k]:6.3f} {n:5d}")
    short = [k[:5] for k in s.classes]
    lines.append("confusion (rows truth, columns predicted):")
    lines.append(" " * 14 + " ".join(f"{k:>5s}" for k in short))
    for k, row in zip(s.classes, s.confusion, strict=True):
        lines.append(f"{k:14s}" + " ".join(f"{v:5d}" for v in row))
    lines.append(f"macro-F1 (kinds): {s.macro_f1:.3f}")
    lines.append(f"kind accuracy: {s.kind_accuracy:.3f}")
    lines.append(f"kind and tags right: {s.kind_and_tags:.3f}")
    if s.rep_within_1 is not None:
        lines.append(
            f"work reps within ±1 (interval, hill, stride blocks): {s.rep_within_1:.3f} "
            f"of {s.rep_cases}"
        )
    roles = [c.role_agreement for c in cases if c.role_agreement is not None]
    if roles:
        lines.append(f"segment roles right (share of seconds): {float(np.mean(roles)):.3f}")
    with_overload = [c for c in cases if c.overload is not None]
    if with_overload:
        right = sum(c.overload == c.got_overload for c in with_overload)
        flagged = sum(bool(c.overload) for c in with_overload)
        hits = sum(bool(c.overload) and c.got_overload for c in with_overload)
        lines.append(
            f"overload (R4) right: {right / len(with_overload):.3f} "
            f"(found {hits} of {flagged} true overloads)"
        )
    groups = sorted({c.group for c in cases if c.group is not None})
    for g in groups:
        of = [c for c in cases if c.group == g]
        right = sum(c.kind_right for c in of)
        both = sum(c.kind_right and c.tags_right for c in of)
        lines.append(f"group {g}: {len(of)} runs, kind right {right}, kind and tags right {both}")
    wrong = [c for c in cases if not (c.kind_right and c.tags_right and c.reps_right)]
    for c in wrong[:show_errors]:
        also = f" (or {'/'.join(c.accept)})" if c.accept else ""
        lines.append(
            f"  wrong: {c.name}: truth {c.kind}{also} {list(c.tags)} {c.reps} -> "
            f"{c.got_kind} {list(c.got_tags)} {c.got_reps}"
        )
    return "\n".join(lines)


def evaluation(seed: int = 0) -> str:
    """``docs/evaluation.md``: per-class precision, recall and F1, confusion matrices and
    repetition-count accuracy on the clean synthetic, hard synthetic and labelled real sets."""
    clean, _ = run_synthetic(550, seed)
    hard, _ = run_hard(HARD_N, seed)
    parts = [
        "# How well legday names the kind of a run",
        "",
        "Written by `.venv/bin/python bench/classify.py --write docs/evaluation.md` "
        f"(seed {seed}); `tests/test_analysis_eval.py` holds each headline figure above a "
        "floor, so a regression fails CI. Three sets:",
        "",
        "- **clean synthetic**: 550 sessions of the seeded synthetic runner (`legday.synth`), "
        "every kind in turn, a new athlete and device each;",
        "- **hard synthetic**: 500 sessions drawn with the conditions of real recordings "
        "(`legday.synth.hard`: short, cut and separate warm-ups, races from the gun, trained "
        "runners' easy pace, bare profiles, HR lag and heat drift, paused recoveries, hills of "
        "every shape, ladders, floats inside reps, treadmill and indoor track, laps, smart "
        "recording, GPS dropouts), scored by condition;",
        "- **real**: third-party recordings in `../shared/data/real`, labelled by hand in "
        "`tests/data/labels.toml` with the evidence for each label; a prediction is right when "
        "it is the label's kind or one the label accepts.",
        "",
        "A run is right when its kind *and* its tags (every work pattern in it) are right; "
        "repetition counts are right within ±1.",
        "",
        "## Clean synthetic",
        "",
        "```",
        report(f"clean synthetic (seed {seed})", clean, show_errors=0),
        "```",
        "",
        "## Hard synthetic",
        "",
        "```",
        hard_report(f"hard synthetic (seed {seed})", hard),
        "```",
    ]
    if REAL.is_dir():
        parts += [
            "",
            "## Real, hand-labelled",
            "",
            "```",
            report("real (hand-labelled)", run_real(), show_errors=50),
            "```",
        ]
    return "\n".join(parts) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--n", type=int, default=None, help=f"synthetic sessions (default 550; {HARD_N} hard)"
    )
    parser.add_argument(
        "--set",
        dest="synthetic_set",
        choices=("clean", "hard"),
        default="clean",
        help="synthetic set: clean (default) or hard (the conditions of real recordings)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--real-only", action="store_true")
    parser.add_argument("--synthetic-only", action="store_true")
    parser.add_argument(
        "--write",
        type=Path,
        metavar="MD",
        help="score all three sets (clean, hard, real) and write them as Markdown "
        "(docs/evaluation.md)",
    )
    args = parser.parse_args(argv)
    if args.write is not None:
        args.write.write_text(evaluation(args.seed), encoding="utf-8")
        print(f"wrote {args.write}")
        return 0
    if not args.real_only and args.synthetic_set == "hard":
        hard, times = run_hard(HARD_N if args.n is None else args.n, args.seed)
        print(hard_report(f"hard synthetic (seed {args.seed})", hard))
        print(f"analyze(): median {1000 * float(np.median(times)):.1f} ms per session")
    elif not args.real_only:
        cases, times = run_synthetic(550 if args.n is None else args.n, args.seed)
        print(report(f"synthetic (seed {args.seed})", cases))
        print(f"analyze(): median {1000 * float(np.median(times)):.1f} ms per session")
    if not args.synthetic_only:
        if not REAL.is_dir():
            print(f"real runs: {REAL} not found, skipped")
        else:
            print(report("real (hand-labelled)", run_real(), show_errors=50))
    return 0


if __name__ == "__main__":
    sys.exit(main())
