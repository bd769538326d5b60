"""Exercise names to catalog keys: what Strong, Hevy, Garmin and people type.

:func:`match_exercise` tries, in order (the confidence it reports in brackets):

1. the normalised name is a catalog name or alias [1.0];
2. the same words in another order, e.g. "Dumbbell Lunge" for "Lunge (Dumbbell)" [0.9];
3. the name without its qualifier, e.g. "Split Squat (Kettlebell)" → split squat, or
   "Seated Cable Row - Rope (Cable)" → seated cable row [0.8];
4. for Garmin ``category:name`` strings: the FIT pair itself [1.0], without a ``weighted_``
   prefix [0.95], then the FIT name read as words [0.85]; a set known only by its category
   (``squat:unknown``) is the category's generic exercise, the catalog's ``fit_generic``
   [0.7]. ``unknown:unknown`` stays unmapped.

Anything else stays unmapped, with fuzzy suggestions (:mod:`difflib`). Fuzzy matches are never
taken as a mapping on their own: "hip abduction" and "hip adduction" are one letter apart.

Normalisation folds case and accents, drops punctuation and apostrophes, reads plurals as
singulars (squats → squat, calves → calf) and spells common abbreviations out (db → dumbbell).
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher, get_close_matches
from enum import StrEnum

from legday.errors import NotFoundError
from legday.model import ExerciseSet
from legday.strength.catalog import Catalog, Exercise

__all__ = [
    "Match",
    "MatchMethod",
    "map_fit_sets",
    "match_exercise",
    "normalize_name",
    "resolve_exercise",
    "suggest_exercises",
    "token_key",
]

#: Confidence of each matching step (legday's own scale, 0–1; see the module docstring).
CONFIDENCE: dict[str, float] = {
    "exact": 1.0,
    "garmin": 1.0,
    "garmin_weighted": 0.95,
    "reordered": 0.9,
    "garmin_words": 0.85,
    "garmin_category": 0.7,
    "qualifier_dropped": 0.8,
}

#: Lowest confidence :func:`resolve_exercise` (the manual log) accepts: exact or reordered.
STRICT_CONFIDENCE: float = 0.9

#: How many suggestions to offer for an unmapped name.
MAX_SUGGESTIONS: int = 5

#: difflib ratio below which a catalog name is not offered as a suggestion.
SUGGESTION_CUTOFF: float = 0.6

#: Whole-word spellings read as one form (abbreviations, joined or split compounds).
_WORD_SYNONYMS: dict[str, str] = {
    "db": "dumbbell",
    "bb": "barbell",
    "kb": "kettlebell",
    "bw": "bodyweight",
    "ohp": "overhead press",
    "pullup": "pull up",
    "pushup": "push up",
    "chinup": "chin up",
    "situp": "sit up",
    "stepup": "step up",
    "deadbug": "dead bug",
    "birddog": "bird dog",
    "flye": "fly",
    "1": "one",
    "2": "two",
    "w": "with",
    "tricep": "triceps",
    "bicep": "biceps",
}

#: Irregular plurals (and words whose final s is not a plural).
_SINGULAR: dict[str, str] = {
    "calves": "calf",
    "biceps": "biceps",
    "triceps": "triceps",
    "abs": "abs",
    "press": "press",
    "plus": "plus",
    "pilates": "pilates",
    "glutes": "glute",
    "flies": "fly",
    "dips": "dip",
}

#: Multi-word spellings read as one word, applied to the whole string before tokenising.
_PHRASES: tuple[tuple[str, str], ...] = (
    ("body weight", "bodyweight"),
    ("pull down", "pulldown"),
    ("push down", "pushdown"),
    ("press down", "pressdown"),
    ("skull crusher", "skullcrusher"),
    ("dead lift", "deadlift"),
    ("e z bar", "ez bar"),
)

#: Words left out of the order-free key (step 2).
_STOPWORDS: frozenset[str] = frozenset({"a", "an", "and", "the", "with", "on", "of", "to", "in"})

#: A Garmin FIT exercise as the FIT reader writes it: ``<category>:<name>``.
_FIT_RE = re.compile(r"([a-z0-9_]+):([a-z0-9_]*)")
#: A parenthesised qualifier, e.g. the equipment in "Squat (Barbell)".
_PAREN_RE = re.compile(r"\([^)]*\)")


class MatchMethod(StrEnum):
    """How a name was matched."""

    EXACT = "exact"
    REORDERED = "reordered"
    QUALIFIER_DROPPED = "qualifier_dropped"
    GARMIN = "garmin"
    GARMIN_WEIGHTED = "garmin_weighted"
    GARMIN_WORDS = "garmin_words"
    GARMIN_CATEGORY = "garmin_category"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Match:
    """The result of matching one raw exercise name against the catalog."""

    raw: str
    key: str | None
    """The catalog key, or None when unmapped."""
    confidence: float
    """0 (unmapped) to 1 (exact alias)."""
    method: MatchMethod
    suggestions: tuple[str, ...] = ()
    """Closest catalog keys, best first (filled when unmapped)."""

    @property
    def mapped(self) -> bool:
        return self.key is not None


def normalize_name(text: str) -> str:
    """Fold an exercise name to its comparable form (see the module docstring)."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = re.sub(r"['’`´]", "", folded)
    folded = re.sub(r"[^a-z0-9.]+", " ", folded).replace(".", " ")
    folded = " ".join(folded.split())
    words = [_WORD_SYNONYMS.get(_singular(w), _singular(w)) for w in folded.split()]
    joined = " ".join(words)
    for phrase, single in _PHRASES:
        joined = re.sub(rf"\b{phrase}\b", single, joined)
    return joined


def token_key(normalized: str) -> str:
    """The order-free key of a normalised name: its content words, sorted."""
    return " ".join(sorted(set(normalized.split()) - _STOPWORDS))


def match_exercise(raw: str, catalog: Catalog) -> Match:
    """Map a raw exercise name (Strong, Hevy, Garmin ``category:name``, typed) to a key."""
    text = raw.strip()
    index = _index(catalog)
    fit = _FIT_RE.fullmatch(text)
    if fit:
        return _match_fit(raw, fit.group(1), fit.group(2), index)
    norm = normalize_name(text)
    if not norm:
        return Match(raw, None, 0.0, MatchMethod.NONE)
    found = index.lookup(norm)
    if found is not None:
        return Match(raw, found[0], CONFIDENCE[found[1].value], found[1])
    for base in _without_qualifiers(text):
        found = index.lookup(normalize_name(base))
        if found is not None:
            method = MatchMethod.QUALIFIER_DROPPED
            return Match(raw, found[0], CONFIDENCE[method.value], method)
    return Match(raw, None, 0.0, MatchMethod.NONE, index.suggest(norm))


def resolve_exercise(raw: str, catalog: Catalog) -> Exercise:
    """The exercise a typed name means, strictly (exact or reordered alias).

    Raises :class:`NotFoundError` listing the closest catalog names when the name is unknown
    or only loosely matches (ambiguous).
    """
    match = match_exercise(raw, catalog)
    if match.key is not None and match.confidence >= STRICT_CONFIDENCE:
        return catalog.get(match.key)
    options = list(match.suggestions) or list(suggest_exercises(raw, catalog))
    if match.key is not None and match.key not in options:
        options.insert(0, match.key)
    names = ", ".join(f"{catalog.get(k).name!r}" for k in options)
    verdict = "is ambiguous" if match.key is not None else "is not in the catalog"
    hint = f"; closest: {names}" if names else ""
    raise NotFoundError(f"exercise {raw.strip()!r} {verdict}{hint}")


def suggest_exercises(raw: str, catalog: Catalog) -> tuple[str, ...]:
    """Catalog keys whose names or aliases are closest to ``raw`` (fuzzy), best first."""
    return _index(catalog).suggest(normalize_name(raw))


def map_fit_sets(sets: Sequence[ExerciseSet], catalog: Catalog) -> list[ExerciseSet]:
    """Map Garmin ``category:name`` exercise strings to catalog keys.

    Each set keeps its raw string in ``raw_name``; an unknown exercise keeps the raw string as
    ``exercise`` with ``mapped=False``.
    """
    out: list[ExerciseSet] = []
    cache: dict[str, Match] = {}
    for s in sets:
        raw = s.raw_name if s.raw_name is not None else s.exercise
        match = cache.get(raw)
        if match is None:
            match = cache[raw] = match_exercise(raw, catalog)
        key = match.key
        out.append(replace(s, exercise=key or raw, raw_name=raw, mapped=key is not None))
    return out


def _singular(word: str) -> str:
    if word in _SINGULAR:
        return _SINGULAR[word]
    if len(word) <= 3 or word.endswith(("ss", "us")):
        return word
    if word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s"):
        return word[:-1]
    return word


def _without_parens(text: str) -> str:
    """``text`` with each parenthesised part replaced by a space; only up to the last ``)``, so
    an unclosed ``(`` is not scanned to the end once per ``(`` (quadratic)."""
    end = text.rfind(")") + 1
    return _PAREN_RE.sub(" ", text[:end]) + text[end:]


def _without_qualifiers(text: str) -> list[str]:
    """The name without parentheses, then without a " - variant" suffix."""
    bases: list[str] = []
    no_paren = " ".join(_without_parens(text).split())
    if no_paren and no_paren != text:
        bases.append(no_paren)
    for candidate in (text, no_paren):
        head = candidate.split(" - ", 1)[0].strip()
        if head and head != candidate:
            bases.append(head)
            bases.append(" ".join(_without_parens(head).split()))
    return [b for b in dict.fromkeys(bases) if b]


def _match_fit(raw: str, category: str, name: str, index: _NameIndex) -> Match:
    if category == "unknown":
        return Match(raw, None, 0.0, MatchMethod.NONE)
    key = index.fit.get(f"{category}:{name}")
    if key is not None:
        return Match(raw, key, CONFIDENCE["garmin"], MatchMethod.GARMIN)
    if name.startswith("weighted_"):
        key = index.fit.get(f"{category}:{name.removeprefix('weighted_')}")
        if key is not None:
            return Match(raw, key, CONFIDENCE["garmin_weighted"], MatchMethod.GARMIN_WEIGHTED)
    words = name.removeprefix("weighted_").replace("_", " ")
    known_name = bool(name) and name != "unknown" and not name.isdigit()
    if known_name:
        found = index.lookup(normalize_name(words))
        if found is not None:
            return Match(raw, found[0], CONFIDENCE["garmin_words"], MatchMethod.GARMIN_WORDS)
    else:
        # Known only by its category (the watch's "unknown" or a number beyond the profile):
        # the category's generic exercise, when the catalog names one.
        generic = index.fit_generic.get(category)
        if generic is not None:
            return Match(raw, generic, CONFIDENCE["garmin_category"], MatchMethod.GARMIN_CATEGORY)
    hint = words if known_name else category
    return Match(raw, None, 0.0, MatchMethod.NONE, index.suggest(normalize_name(hint)))


class _NameIndex:
    """Lookup tables built once per catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self.exact: dict[str, str] = {}
        tokens: dict[str, set[str]] = {}
        self.fit: dict[str, str] = {}
        #: Garmin category → its generic exercise, for sets known only by their category.
        self.fit_generic: dict[str, str] = {}
        for ex in catalog:
            for name in (ex.name, ex.key.replace("_", " "), *ex.aliases):
                norm = normalize_name(name)
                self.exact.setdefault(norm, ex.key)
                tokens.setdefault(token_key(norm), set()).add(ex.key)
            for pair in ex.fit:
                self.fit.setdefault(pair, ex.key)
            for category in ex.fit_generic:
                self.fit_generic.setdefault(category, ex.key)
        # An order-free key shared by two exercises is ambiguous: it maps to neither.
        self.tokens: dict[str, str] = {t: next(iter(k)) for t, k in tokens.items() if len(k) == 1}
        self.names: list[str] = list(self.exact)

    def lookup(self, norm: str) -> tuple[str, MatchMethod] | None:
        key = self.exact.get(norm)
        if key is not None:
            return key, MatchMethod.EXACT
        key = self.tokens.get(token_key(norm))
        if key is not None:
            return key, MatchMethod.REORDERED
        return None

    def suggest(self, norm: str) -> tuple[str, ...]:
        """Closest keys: difflib's candidates re-ranked by character and word similarity."""
        if not norm:
            return ()
        words = set(norm.split())
        scored: list[tuple[float, str]] = []
        for name in get_close_matches(norm, self.names, n=4 * MAX_SUGGESTIONS, cutoff=0.0):
            chars = SequenceMatcher(None, norm, name).ratio()
            shared = _overlap(words, set(name.split()))
            if max(chars, shared) >= SUGGESTION_CUTOFF:
                scored.append(((chars + shared) / 2, name))
        keys: list[str] = []
        for _, name in sorted(scored, key=lambda pair: -pair[0]):
            key = self.exact[name]
            if key not in keys:
                keys.append(key)
        return tuple(keys[:MAX_SUGGESTIONS])


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


_INDEXES: weakref.WeakKeyDictionary[Catalog, _NameIndex] = weakref.WeakKeyDictionary()


def _index(catalog: Catalog) -> _NameIndex:
    index = _INDEXES.get(catalog)
    if index is None:
        index = _INDEXES[catalog] = _NameIndex(catalog)
    return index
