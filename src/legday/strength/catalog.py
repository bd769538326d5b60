"""The exercise catalog: legday's own list of exercises, shipped as ``catalog.toml``.

Each exercise names the muscles it trains with the DOMAIN.md keys (:data:`MUSCLES`, plus the
extra keys in :data:`EXTRA_MUSCLES`), its movement pattern, equipment and the names other apps
use for it (Strong, Hevy, Garmin FIT ``category:name``), and the Garmin categories it stands for
when a watch recorded only the category (``squat:unknown``). The catalog is pure data: it is read
once from the package with :mod:`importlib.resources` and cached (:func:`load_catalog`).

The muscle assignments are legday's own; ``free-exercise-db`` (public domain) is used only to
cross-check them in the tests (``free_exercise_db`` lists the ids of equivalent entries there).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal, get_args

from legday.errors import CorruptFileError, NotFoundError
from legday.model import EQUIPMENT, MUSCLES

__all__ = [
    "ALL_MUSCLES",
    "CATALOG_RESOURCE",
    "DOSINGS",
    "EXTRA_MUSCLES",
    "LOAD_STEP_KG",
    "MUSCLES",
    "PATTERNS",
    "Catalog",
    "Count",
    "Dosing",
    "Exercise",
    "Mechanic",
    "Region",
    "load_catalog",
    "parse_catalog",
]


#: Extra groups DOMAIN.md allows ("more groups may be added"): lower back, lats, shin, forearms.
EXTRA_MUSCLES: tuple[str, ...] = ("erector_spinae", "lats", "tibialis_anterior", "forearms")

#: Every muscle key the catalog may use: the sixteen DOMAIN.md keys, then the extras.
ALL_MUSCLES: tuple[str, ...] = MUSCLES + EXTRA_MUSCLES

#: Movement patterns (legday's own vocabulary; the usual strength-coaching groupings).
PATTERNS: tuple[str, ...] = (
    "squat",
    "hinge",
    "lunge",
    "bridge",
    "calf",
    "carry",
    "push",
    "pull",
    "plyometric",
    "core_anti_extension",
    "core_anti_rotation",
    "core_anti_lateral_flexion",
    "core_flexion",
    "core_rotation",
    "core_lateral_flexion",
    "hip_abduction",
    "hip_adduction",
    "hip_flexion",
    "hip_extension",
    "knee_flexion",
    "knee_extension",
    "ankle_dorsiflexion",
    "isolation",
)

#: Smallest usual load step per equipment, kg: the smallest plate pair on a barbell (2 × 1.25 kg),
#: the usual dumbbell increment, the usual kettlebell increment (4 kg: 8, 12, 16 … kg), one
#: cable/machine stack plate (2.5 kg cables, 5 kg selectorised machines). Bodyweight and bands
#: progress without kilograms (a harder variation, the next band), hence 0.
#: Settings.barbell_step_kg / dumbbell_step_kg override the barbell and dumbbell values.
LOAD_STEP_KG: Mapping[str, float] = {
    "bodyweight": 0.0,
    "bands": 0.0,
    "dumbbells": 2.0,
    "kettlebell": 4.0,
    "barbell": 2.5,
    "cables": 2.5,
    "machine": 5.0,
}

#: Where the catalog lives inside the package.
CATALOG_RESOURCE: str = "catalog.toml"

Mechanic = Literal["compound", "isolation"]
Region = Literal["lower", "upper", "core"]
#: How an exercise is dosed (docs/science.md 3.4): ``loaded`` sets × reps at an RIR with a load;
#: ``bodyweight`` sets × reps at an RIR, made harder by the next variation (``harder``);
#: ``band`` sets × reps at an RIR against a band; ``assisted`` the load is assistance;
#: ``hold`` seconds; ``activation`` a drill in reps, steps or seconds with no RIR, never a hard
#: set. Derived from the equipment unless the catalog says ``dosing``.
Dosing = Literal["loaded", "bodyweight", "band", "assisted", "hold", "activation"]
#: What an activation drill counts.
Count = Literal["reps", "steps", "seconds"]
#: Every dosing, in the order above.
DOSINGS: tuple[str, ...] = get_args(Dosing)


@dataclass(frozen=True, slots=True)
class Exercise:
    """One catalog exercise."""

    key: str
    """snake_case identifier, stable across versions."""
    name: str
    """Display name."""
    primary: tuple[str, ...]
    """Muscles that do most of the work (a hard set counts 1 for each)."""
    secondary: tuple[str, ...]
    """Muscles that assist (a hard set counts ½ for each)."""
    mechanic: Mechanic
    unilateral: bool
    """True when one side works at a time (single-leg, single-arm)."""
    region: Region
    equipment: str
    """One of :data:`legday.model.EQUIPMENT`: the usual way to load it."""
    pattern: str
    """One of :data:`PATTERNS`."""
    aliases: tuple[str, ...] = ()
    """Other names: Strong, Hevy, common and German names."""
    fit: tuple[str, ...] = ()
    """Garmin FIT ``exercise_category:exercise_name`` pairs (FIT SDK Profile types)."""
    fit_generic: tuple[str, ...] = ()
    """Garmin FIT exercise categories this exercise stands for when the watch recorded only the
    category (``squat:unknown``): the category's generic exercise, one per category."""
    harder: str | None = None
    """Key of the next harder bodyweight variation, if any."""
    assisted: bool = False
    """True when the recorded load is assistance (assisted pull-up): less load is harder."""
    free_exercise_db: tuple[str, ...] = ()
    """Ids of equivalent free-exercise-db entries, for the cross-check test."""
    dosing: Dosing = "loaded"
    """How it is prescribed (:data:`Dosing`)."""
    count: Count = "reps"
    """What an activation drill counts: reps, steps or seconds."""
    endurance_only: bool = False
    """A bodyweight variation adults do for far more reps than the strength range (R1, R7):
    never prescribed as strength work, only a rung to climb from (``harder``)."""
    load_optional: bool = False
    """Loaded by ``equipment`` when the athlete has it, else done at bodyweight (a Bulgarian
    split squat)."""

    @property
    def load_step_kg(self) -> float:
        """The equipment's smallest usual load step (:data:`LOAD_STEP_KG`)."""
        return LOAD_STEP_KG[self.equipment]

    @property
    def muscles(self) -> tuple[str, ...]:
        """Primary then secondary muscles."""
        return self.primary + self.secondary

    @property
    def is_lower_body(self) -> bool:
        return self.region == "lower"


class Catalog:
    """An immutable, ordered collection of :class:`Exercise` with lookup by key."""

    __slots__ = ("__weakref__", "_by_key", "_exercises")

    def __init__(self, exercises: Iterable[Exercise]) -> None:
        self._exercises: tuple[Exercise, ...] = tuple(exercises)
        self._by_key: dict[str, Exercise] = {}
        for ex in self._exercises:
            if ex.key in self._by_key:
                raise ValueError(f"duplicate exercise key {ex.key!r}")
            self._by_key[ex.key] = ex

    def __len__(self) -> int:
        return len(self._exercises)

    def __iter__(self) -> Iterator[Exercise]:
        return iter(self._exercises)

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def __repr__(self) -> str:
        return f"Catalog({len(self)} exercises)"

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self._by_key)

    def get(self, key: str) -> Exercise:
        """The exercise with this key; :class:`NotFoundError` naming close keys otherwise."""
        try:
            return self._by_key[key]
        except KeyError:
            from difflib import get_close_matches

            close = get_close_matches(key, list(self._by_key), n=5, cutoff=0.5)
            hint = f"; closest: {', '.join(close)}" if close else ""
            raise NotFoundError(f"no exercise with key {key!r} in the catalog{hint}") from None

    def find(self, key: str) -> Exercise | None:
        """The exercise with this key, or None."""
        return self._by_key.get(key)

    def by_equipment(self, *equipment: str) -> tuple[Exercise, ...]:
        """Exercises that need only the given equipment (e.g. what a runner has at home)."""
        bad = [e for e in equipment if e not in EQUIPMENT]
        if bad:
            raise NotFoundError(
                f"unknown equipment {', '.join(bad)}; valid: {', '.join(EQUIPMENT)}"
            )
        wanted = set(equipment)
        return tuple(ex for ex in self._exercises if ex.equipment in wanted)

    def by_region(self, region: Region) -> tuple[Exercise, ...]:
        return tuple(ex for ex in self._exercises if ex.region == region)

    def by_muscle(self, muscle: str, *, primary_only: bool = False) -> tuple[Exercise, ...]:
        """Exercises that train ``muscle`` (as a primary mover when ``primary_only``)."""
        if muscle not in ALL_MUSCLES:
            raise NotFoundError(f"unknown muscle {muscle!r}; valid: {', '.join(ALL_MUSCLES)}")
        return tuple(
            ex
            for ex in self._exercises
            if muscle in ex.primary or (not primary_only and muscle in ex.secondary)
        )


def parse_catalog(data: Mapping[str, Any], *, path: str = CATALOG_RESOURCE) -> Catalog:
    """Build and validate a :class:`Catalog` from parsed TOML (``[[exercise]]`` tables).

    Raises :class:`CorruptFileError` naming the entry when a field is missing or invalid, a
    muscle or equipment is unknown, a key repeats, or ``harder`` names no exercise.
    """
    rows = data.get("exercise")
    if not isinstance(rows, list) or not rows:
        raise CorruptFileError("no [[exercise]] tables", path=path)
    exercises = [_parse_exercise(row, i, path) for i, row in enumerate(rows)]
    keys = [ex.key for ex in exercises]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise CorruptFileError(f"duplicate exercise keys: {', '.join(dupes)}", path=path)
    known = set(keys)
    generic: dict[str, str] = {}
    for ex in exercises:
        for category in ex.fit_generic:
            if generic.setdefault(category, ex.key) != ex.key:
                raise CorruptFileError(
                    f"{ex.key}: FIT category {category!r} already stands for {generic[category]}",
                    path=path,
                )
    for ex in exercises:
        if ex.harder is not None and ex.harder not in known:
            raise CorruptFileError(f"{ex.key}: harder names unknown key {ex.harder!r}", path=path)
    return Catalog(exercises)


@cache
def load_catalog() -> Catalog:
    """The catalog shipped with legday (parsed once, then cached)."""
    text = resources.files("legday.strength").joinpath(CATALOG_RESOURCE).read_text("utf-8")
    return parse_catalog(_parsed(text))


def _parsed(text: str) -> Any:
    """The catalog's TOML parsed, and kept as :mod:`marshal` data beside this module's byte
    code, keyed by the text (as Python keeps a module's byte code, and likewise not written
    under ``PYTHONDONTWRITEBYTECODE`` or where it cannot write). :mod:`tomllib` is pure Python:
    ~15 ms of every command that needs the catalog (``legday week``, ``strength``, ``plan``;
    issue 18), the kept copy ~1 ms."""
    import hashlib
    import marshal
    import os
    import sys
    from pathlib import Path

    key = hashlib.blake2b(text.encode(), digest_size=12).hexdigest()
    kept = Path(__file__).with_name("__pycache__")
    kept /= f"{CATALOG_RESOURCE}.{sys.implementation.cache_tag}.{key}.marshal"
    try:
        return marshal.loads(kept.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        pass  # not kept yet (or by another Python): parse it
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CorruptFileError(f"invalid TOML: {exc}", path=CATALOG_RESOURCE) from exc
    if not sys.dont_write_bytecode:
        partial = kept.with_name(f"{kept.name}.{os.getpid()}")
        try:
            kept.parent.mkdir(exist_ok=True)
            partial.write_bytes(marshal.dumps(data))
            partial.replace(kept)  # whole or not at all, whoever else writes it meanwhile
        except (OSError, ValueError):
            partial.unlink(missing_ok=True)
    return data


def _parse_exercise(row: Any, index: int, path: str) -> Exercise:
    where = f"exercise #{index + 1}"
    if not isinstance(row, dict):
        raise CorruptFileError(f"{where} is not a table", path=path)
    key = row.get("key")
    if not isinstance(key, str) or not key.isidentifier() or key != key.lower():
        raise CorruptFileError(f"{where}: key must be snake_case, got {key!r}", path=path)
    where = f"exercise {key!r}"

    def text(field: str, choices: Sequence[str] | None = None) -> str:
        value = row.get(field)
        if not isinstance(value, str) or not value:
            raise CorruptFileError(f"{where}: {field} must be a non-empty string", path=path)
        if choices is not None and value not in choices:
            raise CorruptFileError(
                f"{where}: {field} {value!r} is not one of {', '.join(choices)}", path=path
            )
        return value

    def strings(field: str, choices: Sequence[str] | None = None) -> tuple[str, ...]:
        value = row.get(field, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise CorruptFileError(f"{where}: {field} must be a list of strings", path=path)
        bad = [v for v in value if choices is not None and v not in choices]
        if bad:
            raise CorruptFileError(f"{where}: unknown {field}: {', '.join(bad)}", path=path)
        return tuple(value)

    unilateral = row.get("unilateral")
    if not isinstance(unilateral, bool):
        raise CorruptFileError(f"{where}: unilateral must be true or false", path=path)
    assisted = row.get("assisted", False)
    if not isinstance(assisted, bool):
        raise CorruptFileError(f"{where}: assisted must be true or false", path=path)
    harder = row.get("harder")
    if harder is not None and not isinstance(harder, str):
        raise CorruptFileError(f"{where}: harder must be a key", path=path)
    flags = {}
    for flag in ("endurance_only", "load_optional"):
        flags[flag] = row.get(flag, False)
        if not isinstance(flags[flag], bool):
            raise CorruptFileError(f"{where}: {flag} must be true or false", path=path)
    equipment = text("equipment", EQUIPMENT)
    dosing = row.get("dosing", _default_dosing(equipment, assisted))
    if dosing not in DOSINGS:
        raise CorruptFileError(
            f"{where}: dosing {dosing!r} is not one of {', '.join(DOSINGS)}", path=path
        )
    count = row.get("count", "reps")
    if count not in get_args(Count):
        raise CorruptFileError(
            f"{where}: count {count!r} is not one of {', '.join(get_args(Count))}", path=path
        )
    primary = strings("primary", ALL_MUSCLES)
    if not primary:
        raise CorruptFileError(f"{where}: primary needs at least one muscle", path=path)
    mechanic = text("mechanic", get_args(Mechanic))
    region = text("region", get_args(Region))
    return Exercise(
        key=key,
        name=text("name"),
        primary=primary,
        secondary=strings("secondary", ALL_MUSCLES),
        mechanic="compound" if mechanic == "compound" else "isolation",
        unilateral=unilateral,
        region="lower" if region == "lower" else "upper" if region == "upper" else "core",
        equipment=equipment,
        pattern=text("pattern", PATTERNS),
        aliases=strings("aliases"),
        fit=strings("fit"),
        fit_generic=strings("fit_generic"),
        harder=harder,
        assisted=assisted,
        free_exercise_db=strings("free_exercise_db"),
        dosing=dosing,
        count=count,
        endurance_only=flags["endurance_only"],
        load_optional=flags["load_optional"],
    )


def _default_dosing(equipment: str, assisted: bool) -> Dosing:
    """The dosing an exercise gets from its equipment when the catalog does not name one."""
    if assisted:
        return "assisted"
    if equipment == "bodyweight":
        return "bodyweight"
    if equipment == "bands":
        return "band"
    return "loaded"
