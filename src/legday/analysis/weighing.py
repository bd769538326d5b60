"""The recording's kind weighed against the evidence beside it: the last stage of the decision.

The stages: the recording gives efforts and named blocks (:mod:`.segments`, :mod:`.contrast`,
:mod:`.patterns`), the blocks give a kind (:func:`.kinds.decide_kind`), and this module weighs
that kind against what the athlete, the watch and the platform said (:mod:`.evidence`):

* **they agree** — the kind stands, with high confidence;
* **the athlete's word names a sibling of what the recording found** (fartlek for intervals,
  intervals for fartlek, hill repeats for short repeats, tempo for long reps) — the blocks take
  the athlete's word: the recording shows the structure, the athlete knows its intent;
* **the file says race** (a race word, sub-sport, workout type, a triathlon's run leg) — race,
  unless the recording holds structured repetitions (an interval session named for the race it
  prepares: "10k prep 6x1k" found as intervals stays intervals);
* **on a track** — regular repetitions are intervals, never speed play;
* **the words name a quality session the recording does not show** — the words win with low
  confidence, and the reasons say so (a treadmill with no speed, a watch that lost GPS);
* **a race inferred from the recording alone** (no race word, sub-sport or workout type) beside
  other quality work — the quality work names the session: an inferred race never outranks it;
* **no evidence** — the recording's kind, with moderate confidence.

Confidence is a number in [0, 1] for people, not a probability: 0.9 agreement, 0.75 the
recording alone (0.8 for steady running, the commonest and easiest to see), 0.6 the athlete's
word over a recording that disagrees or shows nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from .evidence import Evidence
from .patterns import QUALITY, Classified
from .result import RunKind

__all__ = ["Decision", "weigh"]

#: Patterns the athlete may call by a sibling's name (the recording shows the same alternation).
SIBLINGS: dict[RunKind, frozenset[RunKind]] = {
    RunKind.FARTLEK: frozenset({RunKind.INTERVALS, RunKind.TEMPO}),
    RunKind.INTERVALS: frozenset({RunKind.FARTLEK, RunKind.TEMPO, RunKind.SPRINTS}),
    RunKind.TEMPO: frozenset({RunKind.INTERVALS, RunKind.FARTLEK}),
    RunKind.HILL_REPEATS: frozenset({RunKind.INTERVALS, RunKind.SPRINTS, RunKind.STRIDES}),
    RunKind.SPRINTS: frozenset({RunKind.STRIDES, RunKind.HILL_REPEATS}),
}
#: A file that says race keeps the recording's structured repetitions when they fill at least
#: this share of the moving time (a "10k prep 6x1k" session: ~30 %); a few surges in an ultra
#: (a sparse recording's noise, a sprint to the line) do not outrank the race.
STRUCTURED_MIN_SHARE = 0.1
#: Confidence when recording and evidence agree.
AGREE = 0.9
#: Confidence of the recording alone: quality work, steady running.
RECORDING_QUALITY = 0.75
RECORDING_STEADY = 0.8
#: Confidence of the athlete's word where the recording disagrees or shows nothing.
WORD_ONLY = 0.6
#: Kinds of steady running.
STEADY = frozenset({RunKind.EASY, RunKind.LONG, RunKind.RECOVERY})

Decision = tuple[RunKind, tuple[RunKind, ...], list[str], float, list[Classified]]


def _renamed(
    blocks: Sequence[Classified], old: frozenset[RunKind], new: RunKind
) -> list[Classified]:
    return [
        Classified(new, b.efforts, replace(b.block, pattern=new)) if b.pattern in old else b
        for b in blocks
    ]


def _work_share(blocks: Sequence[Classified], whole: Classified | None) -> float:
    """Share of the moving span the quality blocks' repetitions fill."""
    span = whole.efforts[0].duration_s if whole is not None else 0.0
    work = sum(b.block.reps * b.block.work_s for b in blocks if b.pattern in QUALITY)
    return work / span if span > 0 else 0.0


def _tags(blocks: Sequence[Classified]) -> tuple[RunKind, ...]:
    return tuple(sorted({b.pattern for b in blocks}, key=lambda k: k.value))


def weigh(
    kind: RunKind,
    reasons: list[str],
    blocks: Sequence[Classified],
    evidence: Evidence,
    race_block: Classified | None,
) -> Decision:
    """The kind, tags, reasons, confidence and blocks once ``evidence`` is weighed (see the
    module rules). ``race_block`` is the whole moving span as a race block, used when the file
    says race and the recording found no race of its own."""
    blocks = list(blocks)
    found = {b.pattern for b in blocks}
    quality = found & QUALITY
    reasons = [*reasons]
    if kind is RunKind.RACE and quality and not evidence.race:
        # a race inferred from the recording alone never outranks its quality work
        blocks = [b for b in blocks if b.pattern is not RunKind.RACE]
        kind = next(iter(quality)) if len(quality) == 1 else RunKind.MIXED
        reasons = ["quality work beside a race-like effort: no race word, so the quality work"]
    said = [k for k in evidence.kinds if k is not RunKind.RACE]
    said_quality = [k for k in said if k in QUALITY]
    if evidence.race:
        if kind is RunKind.RACE:
            return kind, _tags(blocks), [*reasons, *evidence.reasons], AGREE, blocks
        structured = quality & {RunKind.INTERVALS, RunKind.HILL_REPEATS, RunKind.SPRINTS}
        if structured and said_quality:
            pass  # "10k prep 6x1k": the words name the structure too; weighed below
        elif structured and _work_share(blocks, race_block) >= STRUCTURED_MIN_SHARE:
            reasons.append("the file says race, but the recording holds structured repetitions")
            return kind, _tags(blocks), [*reasons, *evidence.reasons], WORD_ONLY, blocks
        else:
            # the race spans the whole run: surges inside it are part of it
            out = [race_block] if race_block is not None else []
            note = "the file says race" + ("" if out else "; the recording shows no race effort")
            conf = AGREE if kind is RunKind.TEMPO else WORD_ONLY
            return RunKind.RACE, _tags(out), [note, *evidence.reasons], conf, out
    if evidence.track and RunKind.FARTLEK in quality and RunKind.FARTLEK not in said:
        blocks = _renamed(blocks, frozenset({RunKind.FARTLEK}), RunKind.INTERVALS)
        reasons.append("on a track: set repetitions, not speed play")
        kind = RunKind.INTERVALS if kind is RunKind.FARTLEK else kind
        quality = {b.pattern for b in blocks} & QUALITY
    if said_quality:
        word = said_quality[0]
        if word in quality:
            return kind, _tags(blocks), [*reasons, *evidence.reasons], AGREE, blocks
        sibling = quality & SIBLINGS.get(word, frozenset())
        if sibling and len(quality) == 1:
            blocks = _renamed(blocks, frozenset(sibling), word)
            note = f"the recording shows {next(iter(sibling)).value.replace('_', ' ')}"
            return word, _tags(blocks), [note, *evidence.reasons], AGREE, blocks
        if not quality:
            note = "the recording alone shows no clear work blocks"
            return word, (word,), [*evidence.reasons, note], WORD_ONLY, blocks
    if kind in STEADY and said:
        word = said[0]
        if word is kind:
            return kind, _tags(blocks), [*reasons, *evidence.reasons], AGREE, blocks
        if word in STEADY:
            return word, _tags(blocks), [*evidence.reasons, *reasons], WORD_ONLY, blocks
    conf = RECORDING_STEADY if kind in STEADY else RECORDING_QUALITY
    return kind, _tags(blocks), [*reasons, *evidence.reasons], conf, blocks
