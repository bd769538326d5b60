"""How much of one exercise, by how it is dosed (pure; docs/science.md 3.4 and 5).

Each catalog exercise says how it is dosed (:attr:`~legday.strength.catalog.Exercise.dosing`):

* **loaded** — sets × reps at a target RIR with a load that exists (:class:`LoadSteps`), or a
  guide to find one; the progression names the athlete's next step (2.5 kg, 5 lb, the next
  dumbbell they own);
* **bodyweight** — sets × reps in the bodyweight range (6–15) at an RIR; the variation is the
  load, and the progression is the next rung of the ladder (glute bridge → single-leg glute
  bridge → single-leg hip thrust), or a slower lowering where the ladder ends;
* **band** — "a band that lets you do about N"; progression: the next heavier band;
* **assisted** — worded as assistance: less assistance is the progression;
* **hold** — seconds, no reps and no RIR;
* **activation** — a drill in reps, steps or seconds: no RIR, no load, never a hard set.

A lighter week (deload, or the legs in a race week) takes a set off, adds a rep in reserve and
takes the load down to the progression's own deload threshold, to a load that exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from legday.settings import Settings
from legday.strength.catalog import Exercise
from legday.strength.loads import LoadSteps
from legday.strength.progression import (
    DELOAD_LOAD_RATIO,
    HOLD_STEP_S,
    HOLD_TARGET_S,
    Action,
    Target,
    rep_range_for,
)

from .result import PlannedExercise

__all__ = ["HOLD_S", "LIGHT_LOAD_FACTOR", "LIGHT_PROGRESSION", "Dose", "Dosing", "Kit"]

#: Seconds of one set of an isometric hold to start with (a common plank prescription, 20–45 s).
HOLD_S: int = 30
#: Load multiplier of a lighter week: the progression's own deload threshold
#: (``DELOAD_LOAD_RATIO``, a 10–20 % cut), so the history later recognises it as a deload.
LIGHT_LOAD_FACTOR: float = DELOAD_LOAD_RATIO
#: Seconds a slow lowering takes when the ladder or the athlete's loads end (a 3–4 s eccentric
#: with a pause: the bodyweight progression of REFERENCES.md, "slower lowering, pauses").
SLOW_LOWERING_S: str = "3–4 s"
#: How light leg work moves on: it does not; the hard sessions carry the progression.
LIGHT_PROGRESSION: str = "light legs: same dose, stop well short of failure, not a hard set"


class Dose(StrEnum):
    """How hard a week is: normal, a deload (every region lighter) or a race week (legs
    lighter)."""

    NORMAL = "normal"
    DELOAD = "deload"
    RACE = "race"
    LIGHT = "light"
    """Light legs (the day before a hard run, when no day takes a hard leg session): two sets
    at two more reps in reserve, a lighter load, never hard sets (R11 holds)."""


@dataclass(frozen=True)
class Kit:
    """What the athlete can load with: the loads that exist and whether a bodyweight exercise
    can take a dumbbell."""

    steps: LoadSteps = field(default_factory=LoadSteps)
    equipment: frozenset[str] = frozenset({"bodyweight"})

    @property
    def can_load(self) -> bool:
        """A bodyweight exercise can take a held load (the athlete has dumbbells)."""
        return "dumbbells" in self.equipment

    def has(self, e: Exercise) -> bool:
        """The exercise's own equipment is there (else it is done at bodyweight)."""
        return e.equipment in self.equipment or e.equipment == "bodyweight"


@dataclass(frozen=True)
class Dosing:
    """Prescribes one exercise (see the module docstring)."""

    settings: Settings
    kit: Kit
    names: Mapping[str, str]
    """Catalog key → display name."""
    easier: Mapping[str, str]
    """Catalog key → the easier rung of its ladder (the inverse of ``harder``)."""

    def name(self, key: str | None) -> str:
        return self.names.get(key or "", key or "")

    def prescribe(
        self, e: Exercise, sets: int, dose: Dose, target: Target | None, seconds: float
    ) -> PlannedExercise:
        """The planned exercise; ``seconds`` is its time (set by the session builder)."""
        st = self.settings
        rir_hi = st.target_rir[1]
        lighter = dose is Dose.DELOAD or (dose is Dose.RACE and e.region == "lower")
        common = dict(
            key=e.key,
            name=e.name,
            equipment=e.equipment,
            mechanic=e.mechanic,
            unilateral=e.unilateral,
            region=e.region,
            primary=e.primary,
            secondary=e.secondary,
            dosing=e.dosing,
            duration_s=seconds,
        )
        if e.dosing == "activation":
            amount = {
                "reps": st.activation_reps,
                "steps": st.activation_steps,
                "seconds": st.activation_s,
            }[e.count]
            return PlannedExercise(
                **common,  # type: ignore[arg-type]
                sets=min(sets, st.sets_per_exercise[0]),
                reps=amount if e.count != "seconds" else 1,
                rir=None,
                load_kg=None,
                hold_s=amount if e.count == "seconds" else None,
                count=e.count,
                hard=False,
                progression="a drill: same dose each time, no load, not a hard set",
            )
        if e.dosing == "hold":
            hold = int(target.duration_s) if target and target.duration_s else HOLD_S
            harder = f", then {self.name(e.harder)}" if e.harder else ""
            return PlannedExercise(
                **common,  # type: ignore[arg-type]
                sets=max(1, sets - 1) if lighter else sets,
                reps=1,
                rir=None,
                load_kg=None,
                hold_s=hold,
                count="seconds",
                progression=f"+{HOLD_STEP_S:g} s a session up to {HOLD_TARGET_S:g} s{harder}",
            )
        bodyweight = e.dosing == "bodyweight" or (e.load_optional and not self.kit.has(e))
        load = target.load_kg if target is not None else None
        if bodyweight and not (load and self.kit.can_load):
            load = None
        lo, hi = rep_range_for(e, st, loaded=not bodyweight or bool(load))
        if target is not None and target.reps is not None:
            reps, rir = min(max(target.reps, lo), hi), target.rir
        else:
            reps, rir = lo + (hi - lo) // 3, rir_hi
        light_legs = dose is Dose.LIGHT and e.region == "lower"
        if light_legs:
            sets, rir = min(sets, st.sets_per_exercise[0]), rir_hi + 2
        elif lighter:
            sets, rir = max(1, sets - 1), rir_hi + 1
        if (lighter or light_legs) and load and self.kit.steps.loadable(self._load_equipment(e)):
            eq = self._load_equipment(e)
            light = self.kit.steps.nearest(eq, load * LIGHT_LOAD_FACTOR)
            load = light if light < load else self.kit.steps.down(eq, load)
        guide, progression = self._words(e, bodyweight, load, target, (lo, hi), rir)
        if bodyweight and e.dosing == "loaded":  # a load-optional lift without its equipment
            common.update(dosing="bodyweight", equipment="bodyweight")
        return PlannedExercise(
            **common,  # type: ignore[arg-type]
            sets=sets,
            reps=reps,
            rir=rir,
            load_kg=load if load else None,
            load_text=self.kit.steps.text(load) if load else None,
            guide=guide,
            rep_range=(lo, hi),
            slow=bool(target and target.slow),
            progression=LIGHT_PROGRESSION if light_legs else progression,
            hard=not light_legs,
        )

    def _step_words(self, equipment: str, load: float) -> str:
        """The smallest step up, as a coach says it."""
        steps = self.kit.steps
        if steps.up(equipment, load) is None:
            return f"no heavier load here: lower each rep over {SLOW_LOWERING_S} with a pause"
        step = steps.step_text(equipment, load)
        return f"move to {step}" if steps.owned(equipment) else f"add {step}"

    @staticmethod
    def _load_equipment(e: Exercise) -> str:
        return "dumbbells" if e.equipment == "bodyweight" else e.equipment

    def _words(
        self,
        e: Exercise,
        bodyweight: bool,
        load: float | None,
        target: Target | None,
        rep_range: tuple[int, int],
        rir: int,
    ) -> tuple[str | None, str]:
        """(how to choose the load when it is not known, how the exercise progresses)."""
        lo, hi = rep_range
        most = lo + (hi - lo) // 3 + rir
        top = f"at {hi} on every set"
        steps = self.kit.steps
        if e.dosing == "assisted":
            guide = (
                None
                if load
                else (
                    f"choose the assistance that lets you do about {most}"
                    + (" — a band under the knees" if e.equipment == "bands" else "")
                )
            )
            off = "a lighter band" if e.equipment == "bands" else "less assistance"
            return guide, f"one more rep a session; {top}, {off}, then {self.name(e.harder)}"
        if e.dosing == "band":
            guide = f"choose a band that lets you do about {most}, no more"
            return guide, f"one more rep a session; {top}, the next heavier band"
        if bodyweight:
            easier = self.easier.get(e.key)
            fit = f"more than {hi}? {self.name(e.harder)}" if e.harder else ""
            if easier:
                fit += ("; " if fit else "") + f"fewer than {lo}? {self.name(easier)}"
            if load:
                nxt = self._step_words("dumbbells", load)
            elif e.harder:
                nxt = f"move to {self.name(e.harder)}"
            elif self.kit.can_load:
                nxt = f"hold a {steps.text(steps.up('dumbbells', 0.0) or 2.0)} dumbbell"
            else:
                nxt = f"lower each rep over {SLOW_LOWERING_S} with a pause"
            return fit or None, f"one more rep a session; {top}, {nxt}"
        eq = self._load_equipment(e)
        if load:
            return None, f"last week's load, one more rep; {top}, {self._step_words(eq, load)}"
        if target is not None and target.action is Action.ADD_LOAD:
            return (
                f"last week's load + the smallest step ({steps.text(steps.smallest_step(eq))})",
                f"one more rep a session; {top}, the next load up",
            )
        guide = f"choose a load you can lift about {most} times"
        if steps.owned(eq):
            guide = f"choose the {eq} of yours you can lift about {most} times"
        return guide, f"then one more rep a session; {top}, the next load up"
