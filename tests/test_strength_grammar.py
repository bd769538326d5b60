"""The manual strength log grammar."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legday.errors import LogSyntaxError, NotFoundError
from legday.model import ExerciseSet, SetType
from legday.strength.catalog import Catalog, load_catalog
from legday.strength.grammar import KG_PER_LB, LOG_GRAMMAR_HELP, band_of, format_log, parse_log


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def test_the_brief_examples(catalog: Catalog) -> None:
    sets = parse_log(
        "back squat 3x8 @ 80kg rir 2; bulgarian split squat 2x10 @ 12kg rir 2", catalog
    )
    assert [s.exercise for s in sets] == ["back_squat"] * 3 + ["bulgarian_split_squat"] * 2
    assert all(s.mapped and s.set_type is SetType.WORKING for s in sets)
    assert sets[0] == ExerciseSet(
        exercise="back_squat",
        raw_name="back squat",
        reps=8,
        load_kg=80.0,
        rir=2.0,
        order=1,
        mapped=True,
    )
    assert [s.order for s in sets] == [1, 2, 3, 4, 5]
    assert sets[4].load_kg == 12.0 and sets[4].reps == 10

    holds = parse_log("side plank 2x30s; bird dog 2x10", catalog)
    assert [(s.exercise, s.reps, s.duration_s) for s in holds] == [
        ("side_plank", None, 30.0),
        ("side_plank", None, 30.0),
        ("bird_dog", 10, None),
        ("bird_dog", 10, None),
    ]


def test_per_hand_pounds_rpe_and_spacing(catalog: Catalog) -> None:
    sets = parse_log("Goblet Squat 2 x 12@2x20lb RPE 8.5 ;", catalog)
    assert len(sets) == 2
    assert sets[0].per_hand and sets[0].load_kg == pytest.approx(20 * KG_PER_LB)
    assert sets[0].rpe == 8.5 and sets[0].rir is None
    assert parse_log("push up 3×12 rir 1,5", catalog)[0].rir == 1.5
    assert parse_log("hip thrust 3x8 @ 100,5 kg", catalog)[0].load_kg == 100.5


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("back squat", "expected SETSxREPS", 11),
        ("3x8 @ 80kg", "needs an exercise name", 1),
        ("back squat 3x8 @ 80", "needs a unit", 20),
        ("back squat 3x8 @ heavy", "expected a load after '@'", 16),
        ("back squat 3x8 @ 80kg rir 2 please", "unexpected 'please'", 29),
        ("back squat 0x8", "sets must be", 12),
        ("back squat 3x0", "reps must be", 14),
        ("back squat 3x8 rpe 11", "rpe must be", 20),
        ("back squat 3x8 rir 12", "rir must be", 20),
        ("back squat 3x8 @ 3x20kg", "per-hand loads", 18),
        ("back squat 3x8 @ 5000kg", "implausibly high", 18),
        ("", "empty", None),
        (" ; ; ", "empty", None),
    ],
)
def test_syntax_errors_show_where(
    catalog: Catalog, text: str, message: str, column: int | None
) -> None:
    with pytest.raises(LogSyntaxError, match=message) as info:
        parse_log(text, catalog)
    if column is not None:
        assert f"(entry 1, column {column}):" in str(info.value)
        caret_line = str(info.value).splitlines()[-1]
        assert caret_line.index("^") - 2 == column - 1


def test_position_counts_from_the_start_of_the_whole_log(catalog: Catalog) -> None:
    with pytest.raises(LogSyntaxError, match="entry 2, column 34") as info:
        parse_log("push up 3x10; back squat 3x8 @ 80", catalog)
    assert "push up 3x10; back squat 3x8 @ 80" in str(info.value)


def test_unknown_or_ambiguous_names_list_the_closest(catalog: Catalog) -> None:
    with pytest.raises(NotFoundError, match="Bulgarian Split Squat"):
        parse_log("bulgarian splitsquat 2x10", catalog)
    with pytest.raises(NotFoundError, match="is not in the catalog"):
        parse_log("zorbing 2x10", catalog)


def test_bands_are_logged(catalog: Catalog) -> None:
    """Issue 15: ``clamshell 3x15 @ band`` and ``@ red band`` parse; the band is kept."""
    plain = parse_log("clamshell 3x15 @ band", catalog)
    assert [(s.exercise, s.reps, s.load_kg, band_of(s)) for s in plain] == [
        ("banded_clamshell", 15, None, "band")  # a clamshell against a band is the banded one
    ] * 3
    red = parse_log("banded row 3x10 @ Red band rir 2; side plank 2x30s @ band", catalog)
    assert [(s.exercise, band_of(s), s.rir, s.duration_s) for s in red] == [
        ("band_row", "red band", 2.0, None)
    ] * 3 + [("side_plank", "band", None, 30.0)] * 2
    assert format_log(red, catalog) == ("Banded Row 3x10 @ red band rir 2; Side Plank 2x30s @ band")
    assert band_of(ExerciseSet("band_row", notes="felt the band slip")) is None
    with pytest.raises(LogSyntaxError, match="@ red band"):
        parse_log("clamshell 3x15 @ red", catalog)


def test_nothing_half_parsed(catalog: Catalog) -> None:
    # The first entry is fine; the second is bad, so nothing comes back.
    with pytest.raises(NotFoundError):
        parse_log("back squat 3x8 @ 80kg; zorbing 2x10", catalog)


def test_help_text_examples_parse(catalog: Catalog) -> None:
    examples = LOG_GRAMMAR_HELP.split("Examples:")[1].strip().splitlines()
    for line in examples:
        assert parse_log(line.strip(), catalog)


_NAMES = sorted({ex.name for ex in load_catalog()})
_entry = st.fixed_dictionaries(
    {
        "name": st.sampled_from(_NAMES),
        "sets": st.integers(1, 6),
        "count": st.integers(1, 60),
        "hold": st.booleans(),
        "load": st.none()
        | st.integers(1, 800).map(lambda q: q / 4)
        | st.sampled_from(["band", "red band", "Light band"]),
        "per_hand": st.booleans(),
        "effort": st.none()
        | st.tuples(st.just("rir"), st.integers(0, 20).map(lambda h: h / 2))
        | st.tuples(st.just("rpe"), st.integers(2, 20).map(lambda h: h / 2)),
    }
)


def _write(entry: dict[str, object]) -> str:
    text = f"{entry['name']} {entry['sets']}x{entry['count']}{'s' if entry['hold'] else ''}"
    if isinstance(entry["load"], str):
        text += f" @ {entry['load']}"
    elif entry["load"] is not None:
        text += f" @ {'2x' if entry['per_hand'] else ''}{entry['load']}kg"
    if entry["effort"] is not None:
        kind, value = entry["effort"]  # type: ignore[misc]
        text += f" {kind} {value}"
    return text


@settings(deadline=None)  # the machine is shared; timing is not under test
@given(st.lists(_entry, min_size=1, max_size=4))
def test_generated_entries_parse_to_what_was_written(entries: list[dict[str, object]]) -> None:
    catalog = load_catalog()
    sets = parse_log("; ".join(_write(e) for e in entries), catalog)
    assert len(sets) == sum(int(e["sets"]) for e in entries)  # type: ignore[call-overload]
    i = 0
    for e in entries:
        for _ in range(int(e["sets"])):  # type: ignore[call-overload]
            s = sets[i]
            assert catalog.get(s.exercise).name == e["name"]
            if e["hold"]:
                assert (s.reps, s.duration_s) == (None, e["count"])
            else:
                assert (s.reps, s.duration_s) == (e["count"], None)
            band = e["load"] if isinstance(e["load"], str) else None
            assert s.load_kg == (None if band else e["load"])
            assert band_of(s) == (band.lower() if band else None)
            assert s.per_hand == (e["load"] is not None and not band and bool(e["per_hand"]))
            assert (s.rir, s.rpe) == _expected_effort(e["effort"])
            i += 1
    # And writing the sets back gives the same sets.
    assert parse_log(format_log(sets, catalog), catalog) == [_renamed(s, catalog) for s in sets]


def _expected_effort(effort: object) -> tuple[float | None, float | None]:
    if effort is None:
        return (None, None)
    assert isinstance(effort, tuple)
    kind, value = effort
    return (value, None) if kind == "rir" else (None, value)


def _renamed(s: ExerciseSet, catalog: Catalog) -> ExerciseSet:
    from dataclasses import replace

    return replace(s, raw_name=catalog.get(s.exercise).name)
