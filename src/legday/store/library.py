"""The library: one athlete's stored history and every question asked of it.

The CLI and the web dashboard are thin faces over this class; neither holds logic the other
lacks. It is built from explicit parts (database, blob store, profile, settings, clock), so
tests run it in-process with no real user data and no real clock.

Every query is scoped to the library's one athlete here, below the faces: a stored id of
another athlete's session reads as "no such id". Single-user legday names the athlete
(``athlete``); the multi-user server binds the library to an athlete by an
:class:`~legday.accounts.Access` (``access``), which also says what the acting user may change:
a coach without edit reads only, a coach with edit sets labels and notes, and only the athlete
imports, logs, removes or re-analyses (:meth:`Library._require`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from legday.errors import DuplicateError, NotFoundError, OutOfRangeError
from legday.home import Home
from legday.model import Activity, AthleteProfile, Race, Source, StrengthSession
from legday.plausible import implausible_date
from legday.settings import Settings
from legday.week.check import (
    TREND_DAYS,
    SessionFacts,
    WeekReport,
    check_week_of,
    context_days,
    week_start,
)

from . import quick
from .blobs import BlobStore
from .facts import activity_facts, local_time, strength_facts

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    from sqlalchemy.orm import Session

    from legday.accounts import Access
    from legday.analysis import HistorySummary
    from legday.plan import Block, Plan

    from .browse import SessionFilter, SessionPage
    from .db import Database
    from .importer import ImportSummary
    from .labels import LabelledRun
    from .schema import ActivityRow

__all__ = ["Library", "LoggedSession"]

Clock = Callable[[], datetime]

#: Analysed kinds the planner does not take, and what it should treat them as: a "mixed" run
#: holds quality work of more than one pattern, so it is planned around as a hard (tempo) day,
#: which keeps heavy legs away from it the day before (R11).
PLANNING_KIND: dict[str, str] = {"mixed": "tempo"}


@dataclass(frozen=True)
class LoggedSession:
    id: int
    session: StrengthSession
    verdict: dict[str, Any]


def _offset(start: datetime, profile: AthleteProfile) -> int:
    from zoneinfo import ZoneInfo

    offset = start.astimezone(ZoneInfo(profile.time_zone)).utcoffset()
    return int(offset.total_seconds()) if offset else 0


def _plausible_day(day: date) -> date:
    reason = implausible_date(day)
    if reason is not None:
        raise OutOfRangeError(f"no week around {day.isoformat()}: {reason}")
    return day


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Library:
    db: Database
    """The database. A SQLite home at this legday's schema opens as a
    :class:`~legday.store.quick.QuickDatabase`: read with sqlite3 alone, it stands in for the
    :class:`~legday.store.db.Database` it opens on first use of anything else (a write)."""
    blobs: BlobStore
    profile: AthleteProfile
    settings: Settings
    athlete: str = "default"
    clock: Clock = _utc_now
    access: Access | None = None
    """The acting user's access to the athlete (multi-user server); None: the athlete's own
    library, named by ``athlete`` (single-user legday, the command line)."""

    @classmethod
    def open(cls, home: Home, db_url: str | None = None, *, clock: Clock = _utc_now) -> Library:
        url = home.db_url(db_url)
        db = quick.open_reader(url)
        if db is None:
            from .db import open_database

            return cls(
                db=open_database(url),
                blobs=BlobStore(home.path / "originals"),
                profile=home.profile(),
                settings=home.settings(),
                clock=clock,
            )
        return cls(
            db=cast("Database", db),  # it delegates all of Database (see the field)
            blobs=BlobStore(home.path / "originals"),
            profile=home.profile(),
            settings=home.settings(),
            clock=clock,
        )

    def close(self) -> None:
        self.db.dispose()

    # -- import ---------------------------------------------------------------------------------
    def import_paths(
        self,
        paths: Iterable[str | Path],
        *,
        workers: int | None = None,
        progress: Callable[[int, int, str], None] | None = None,
        restore_removed: bool = False,
    ) -> ImportSummary:
        """Import files, folders and zips. A session removed with :meth:`remove` is skipped
        (and named in its file's report), unless ``restore_removed``."""
        from .importer import Importer

        self._require("own")
        importer = Importer(
            self.db,
            self.blobs,
            profile=self.profile,
            settings=self.settings,
            athlete=self.athlete,
            workers=workers,
            restore_removed=restore_removed,
            athlete_id=self.access.athlete_id if self.access is not None else None,
        )
        return importer.run(paths, progress=progress)

    # -- queries --------------------------------------------------------------------------------
    def _athlete_id(self) -> int | None:
        if self.access is not None:
            return self.access.athlete_id
        with quick.reads(self.db) as r:
            return quick.athlete_id(r, self.athlete)

    def _require(self, needed: Literal["edit", "own"]) -> None:
        """Refuse (:class:`~legday.errors.ForbiddenError`) a change the acting user may not
        make: ``edit`` (labels, notes, plans) or ``own`` (anything else that writes)."""
        if self.access is not None:
            from legday.accounts.rules import Right

            self.access.require(Right.EDIT if needed == "edit" else Right.OWN)

    def _own(self, session: Session, activity_id: int) -> ActivityRow:
        """The athlete's activity ``activity_id``; :class:`NotFoundError` for an unknown id
        and for another athlete's (which must read the same)."""
        from .schema import ActivityRow

        row = session.get(ActivityRow, activity_id)
        if row is None or row.athlete_id != self._athlete_id():
            raise NotFoundError(f"no activity with id {activity_id}")
        return row

    def today(self) -> date:
        """Today in the athlete's time zone."""
        return self._local_date(self.clock())

    def _local_date(self, moment: datetime) -> date:
        from zoneinfo import ZoneInfo

        return moment.astimezone(ZoneInfo(self.profile.time_zone)).date()

    def session_facts(self, first: date, last: date) -> list[SessionFacts]:
        """Every session whose local date is in ``[first, last]``, reduced for the week."""
        athlete_id = self._athlete_id()
        if athlete_id is None:
            return []
        lo = datetime(first.year, first.month, first.day, tzinfo=UTC) - timedelta(days=1)
        hi = datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=2)
        with quick.reads(self.db) as r:
            acts, lifts, sets = quick.week_rows(r, athlete_id, lo, hi)
        # A watch's strength workout is stored twice over: as an activity (heart rate,
        # time) and as its sets. The week counts it once, as the sets.
        lifted = {row.activity_id for row in lifts if row.activity_id is not None}
        facts = [activity_facts(row, self.profile) for row in acts if row.id not in lifted]
        facts += [
            strength_facts(row, self.profile, self.settings, sets[row.id].sets) for row in lifts
        ]
        return [f for f in facts if first <= f.local_start.date() <= last]

    def week(self, day: date | None = None) -> WeekReport:
        """The week check for the Monday-to-Sunday week holding ``day`` (default: today).
        Raises :class:`~legday.errors.OutOfRangeError` for a day outside 1900–2100."""
        day = _plausible_day(day or self.today())
        monday = week_start(day)
        facts = self.session_facts(
            monday - timedelta(days=TREND_DAYS),
            monday + timedelta(days=6 + context_days(self.settings)),
        )
        return check_week_of(day, facts, self.settings)

    # -- strength -------------------------------------------------------------------------------
    def strength_sessions(self, weeks: int | None = None) -> list[StrengthSession]:
        """Every stored strength session, oldest first, as model objects; with ``weeks``, only
        those of the ``weeks`` weeks up to the newest one (read by the index on start, so the
        cost is the window's, not the history's)."""
        athlete_id = self._athlete_id()
        if athlete_id is None:
            return []
        with quick.reads(self.db) as r:
            newest = quick.newest_lift(r, athlete_id) if weeks is not None else None
            since = None if newest is None else newest - timedelta(weeks=weeks or 0)
            return quick.sessions_since(r, athlete_id, since)

    def strength_report(self, exercise: str | None = None) -> dict[str, Any]:
        # Each lift's latest sessions and its count (lift_state), never every set
        return self._report(*self._recent_lifts(), exercise)

    def _report(
        self,
        recent: Sequence[StrengthSession],
        counts: Mapping[str, int],
        exercise: str | None = None,
    ) -> dict[str, Any]:
        from legday.strength import load_catalog, strength_report
        from legday.strength.loads import LoadSteps

        # the athlete's loads and units, as the plan's targets have them
        return strength_report(
            recent,
            load_catalog(),
            self.settings,
            exercise,
            steps=LoadSteps.of(self.profile, self.settings),
            can_load="dumbbells" in self.profile.equipment,
            counts=counts,
        )

    def _recent_lifts(self) -> tuple[list[StrengthSession], dict[str, int]]:
        """The sessions among each lift's latest (:data:`lift_state.RECENT`), oldest first,
        and how many sessions did each lift in all."""
        athlete_id = self._athlete_id()
        if athlete_id is None:
            return [], {}
        with quick.reads(self.db) as r:
            found = self._lift_states(r, athlete_id)
            recent = quick.read_ids(r, quick.recent_ids(found))
        return list(recent.values()), {k: v.sessions for k, v in found.items()}

    def _lift_states(self, r: quick.Reads, athlete_id: int) -> dict[str, quick.LiftState]:
        """Each lift's state as stored; computed from the sets (``lift_state.states``) in a
        database from before it was kept, which has none yet."""
        found = quick.lift_states(r, athlete_id)
        if found is not None:
            return found
        from . import lift_state

        with self.db.session() as s:
            return lift_state.states(s, athlete_id)

    def strength_overview(self, weeks: int) -> tuple[dict[str, Any], dict[str, Any]]:
        """:meth:`strength_report` and :meth:`strength_trends` of ``weeks`` with that report,
        from one read: the weeks' sessions are mostly among the lifts' latest (lift_state),
        read once for both."""
        athlete_id = self._athlete_id()
        if athlete_id is None:
            return self._report([], {}), self._trends([], {"exercises": []})
        with quick.reads(self.db) as r:
            found = self._lift_states(r, athlete_id)
            recent = quick.recent_ids(found)
            window: set[int] = set()
            newest = quick.newest_lift(r, athlete_id)
            if newest is not None:  # the weeks up to the newest session, as strength_trends
                window = quick.session_ids_since(r, athlete_id, newest - timedelta(weeks=weeks))
            read = quick.read_ids(r, recent | window)
        report = self._report(
            [x for i, x in read.items() if i in recent], {k: v.sessions for k, v in found.items()}
        )
        return report, self._trends([x for i, x in read.items() if i in window], report)

    def log(
        self, text: str, when: datetime | date | None = None, *, again: bool = False
    ) -> LoggedSession:
        """Parse a manual log entry, judge it, and store it. Nothing is stored half-way.

        ``when`` is a time (kept), a date (18:00 local) or None (the session just ended); a
        session without a time moves past any stored session it would overlap
        (:mod:`legday.store.corrections`). The same sets already stored on that day raise
        :class:`~legday.errors.DuplicateError` naming their id, unless ``again``; a date outside
        1900–2100 raises :class:`~legday.errors.OutOfRangeError`."""
        from sqlalchemy import select
        from sqlalchemy.exc import IntegrityError

        from legday.assessment import verdict_payload
        from legday.stimulus import judge_strength
        from legday.strength import E1rmTracker, load_catalog, parse_log

        self._require("own")
        from . import lift_state
        from .corrections import (
            estimated_duration_s,
            find_duplicate,
            log_start,
            place_start,
            shown_id,
        )
        from .schema import StrengthSessionRow
        from .work import strength_fingerprint

        catalog = load_catalog()
        sets = tuple(parse_log(text, catalog))
        duration = estimated_duration_s(sets, self.settings.rest_between_sets_s)
        start = log_start(when, self.clock(), duration, self.profile.time_zone)
        from .importer import stored_e1rm, strength_row

        athlete_id = self._athlete_id()
        best = stored_e1rm(self.db, athlete_id) if athlete_id is not None else {}
        with self.db.session() as s:
            athlete_id = self._ensure_athlete(s)
            start = start.replace(microsecond=0)
            probe = StrengthSession(
                start=start, sets=sets, utc_offset_s=_offset(start, self.profile)
            )
            same = find_duplicate(s, athlete_id, probe, self.profile)
            if same is not None and not again:
                local = local_time(same.start, same.utc_offset_s, self.profile)
                ident = shown_id(("strength", same.id))
                raise DuplicateError(
                    f"already logged as {ident} ({local:%a %Y-%m-%d %H:%M}): add --again to "
                    f"log it once more, or `legday rm {ident}` first",
                    ident,
                )
            if not isinstance(when, datetime):
                start = place_start(s, athlete_id, start, duration)
            while s.scalar(  # --again at a time given: the next free minute
                select(StrengthSessionRow.id).where(
                    StrengthSessionRow.athlete_id == athlete_id,
                    StrengthSessionRow.fingerprint == strength_fingerprint(start, sets),
                )
            ):
                start += timedelta(minutes=1)
            session = StrengthSession(
                start=start,
                sets=sets,
                name="Manual log",
                duration_s=duration,
                utc_offset_s=_offset(start, self.profile),
                source=Source(format="manual"),
            )
            e1rm = E1rmTracker(best).update(session.sets)
            verdict = verdict_payload(
                judge_strength(session, catalog, self.settings, e1rm), self.profile.units
            )
            row = strength_row(
                athlete_id,
                None,
                strength_fingerprint(session.start, session.sets),
                session,
                "manual",
                verdict,
            )
            s.add(row)
            try:
                s.flush()
            except IntegrityError as exc:  # another legday logged it this very moment
                raise DuplicateError(
                    "the same session was logged at this moment by another legday: "
                    "`legday week` shows it",
                    "",
                ) from exc
            lift_state.add(s, athlete_id, [(row.id, session.start, session.sets)])
            row_id = row.id
        return LoggedSession(row_id, session, verdict)

    # -- corrections: rm, undo, edit ------------------------------------------------------------
    def remove(self, ids: Sequence[str | int]) -> list[str]:
        """Remove stored sessions (``42`` an activity, ``s5`` a strength session), all or none,
        keeping them for :meth:`undo_remove`; returns their ids. Raises NotFoundError."""
        from .corrections import parse_session_id, remove_sessions

        self._require("own")
        return remove_sessions(self, [parse_session_id(i) for i in ids])

    def undo_remove(self) -> list[str]:
        """Put back what the last :meth:`remove` removed; returns the ids it came back as."""
        from .corrections import undo_remove

        self._require("own")
        return undo_remove(self)

    def edit(
        self,
        session_id: str | int,
        *,
        name: str | None = None,
        when: datetime | date | None = None,
        rpe: float | None = None,
        notes: str | None = None,
        sets: str | None = None,
    ) -> dict[str, Any]:
        """Correct a strength session: its name, time (a date alone keeps the time of day),
        session RPE (0–10), notes (an empty string clears a name or notes) or its sets (in the
        log grammar, replacing them all); it is judged again. Returns :meth:`strength_session`.
        Raises NotFoundError, LogSyntaxError, OutOfRangeError, or DuplicateError when the
        result is a session stored already."""
        from zoneinfo import ZoneInfo

        from legday.assessment import verdict_payload
        from legday.stimulus import judge_strength
        from legday.strength import E1rmTracker, load_catalog, parse_log

        # notes alone are an edit a coach may be granted; the rest is the athlete's
        only_notes = name is None and when is None and rpe is None and sets is None
        self._require("edit" if only_notes else "own")
        from . import lift_state
        from .convert import session_from_row
        from .corrections import (
            check_rpe,
            estimated_duration_s,
            find_duplicate,
            log_start,
            parse_session_id,
            replace_sets,
            shown_id,
        )
        from .schema import StrengthSessionRow
        from .work import strength_fingerprint

        kind, ident = parse_session_id(session_id)
        if kind != "strength":
            raise NotFoundError(
                f"legday edit changes a strength session (s{ident}, as `legday week` shows "
                f"it), not activity {ident}; a run's kind is corrected with `legday label`"
            )
        catalog = load_catalog()
        new_sets = tuple(parse_log(sets, catalog)) if sets is not None else None
        from .importer import stored_e1rm

        athlete_id = self._athlete_id()
        best = stored_e1rm(self.db, athlete_id) if athlete_id is not None else {}
        with self.db.session() as s:
            row = s.get(StrengthSessionRow, ident)
            if row is None or row.athlete_id != athlete_id:
                raise NotFoundError(f"no strength session with id s{ident}")
            if name is not None:
                row.name = name.strip() or None
            if notes is not None:
                row.notes = notes.strip() or None
            if rpe is not None:
                row.rpe = check_rpe(rpe)
            if when is not None:
                if not isinstance(when, datetime):  # a date: the same time of day on it
                    at = local_time(row.start, row.utc_offset_s, self.profile).time()
                    when = datetime.combine(when, at, ZoneInfo(self.profile.time_zone))
                start = log_start(when, self.clock(), 0.0, self.profile.time_zone)
                row.start = start
                row.utc_offset_s = _offset(start, self.profile)
            lifts = {x.exercise for x in row.sets}
            if new_sets is not None:
                replace_sets(row, new_sets)
                lifts |= {x.exercise for x in new_sets}
                if row.source_format == "manual":  # its length was estimated from its sets
                    row.duration_s = estimated_duration_s(
                        new_sets, self.settings.rest_between_sets_s
                    )
            if new_sets is not None or when is not None:
                session = session_from_row(row)
                same = find_duplicate(s, row.athlete_id, session, self.profile, exclude=row.id)
                if same is not None:
                    other = shown_id(("strength", same.id))
                    raise DuplicateError(
                        f"s{ident} would then be the same session as {other}: remove one "
                        f"(`legday rm {other}`) instead",
                        other,
                    )
                if row.source_format == "manual":
                    # a logged session is what its sets say; an imported one keeps the
                    # fingerprint of its source record, so importing the export again does not
                    # bring the copy before the edit back as a new session
                    row.fingerprint = strength_fingerprint(session.start, session.sets)
                e1rm = E1rmTracker(best).update(session.sets)
                verdict = verdict_payload(
                    judge_strength(session, catalog, self.settings, e1rm), self.profile.units
                )
                judged = verdict.get("verdict", {})
                row.verdict = verdict
                row.category = judged.get("category")
                row.counts_as_leg_day = bool(judged.get("counts_as_leg_day", False))
                lift_state.refresh(s, row.athlete_id, lifts)
        return self.strength_session(ident)

    # -- plan -----------------------------------------------------------------------------------
    def plan(
        self,
        day: date | None = None,
        *,
        runs: Mapping[str, str] | None = None,
        weeks: int = 1,
        available_days: Sequence[str] | None = None,
        minutes_per_day: int | None = None,
        equipment: Sequence[str] | None = None,
        races: Sequence[Race] = (),
    ) -> Plan | Block:
        """Next week's plan (or a block of ``weeks``), from the Monday after ``day``, around
        the profile's races and ``races`` (a block builds toward them)."""
        from legday.plan import infer_run_week, plan_block, plan_week
        from legday.plan.rhythm import RHYTHM_WEEKS, Rhythm
        from legday.strength import lift_histories, load_catalog, next_target

        day = _plausible_day(day or self.today())
        this_monday = week_start(day)
        monday = this_monday + timedelta(days=7)
        # One read of the weeks before the plan: the run week, the athlete's rhythm (when they
        # run and lift) and the lifts just before it (last Sunday's legs, R11).
        lately = [
            replace(f, kind=PLANNING_KIND.get(f.kind, f.kind)) if f.kind else f
            for f in self.session_facts(
                monday - timedelta(weeks=RHYTHM_WEEKS), monday - timedelta(days=1)
            )
        ]
        if runs is None:
            recent = [
                (f.local_start.date(), f.kind)
                for f in lately
                if f.type == "run" and f.kind and f.local_start.date() >= monday - timedelta(28)
            ]
            runs = infer_run_week(recent, today=monday - timedelta(days=1)) if recent else {}
        catalog = load_catalog()
        sessions, _ = self._recent_lifts()  # each lift's latest sessions hold last week's
        own = {st.exercise for ss in sessions for st in ss.sets if st.mapped}
        last_week_start = datetime(this_monday.year, this_monday.month, this_monday.day, tzinfo=UTC)
        last_week = {
            st.exercise for ss in sessions if ss.start >= last_week_start for st in ss.sets
        }
        from legday.strength.loads import LoadSteps

        steps = LoadSteps.of(self.profile, self.settings)
        kit = self.profile.equipment if equipment is None else tuple(equipment)
        targets: dict[str, Any] = {}
        histories = lift_histories(sessions, own, catalog)
        for key in own:
            exercise = catalog.find(key)
            history = histories[key]
            if exercise is None or not history.exposures:
                continue
            target = next_target(
                history, exercise, self.settings, steps, can_load="dumbbells" in kit
            )
            if target.reps is not None or target.duration_s is not None:
                targets[target.exercise or key] = target
        common: dict[str, Any] = dict(
            profile=self.profile,
            settings=self.settings,
            catalog=catalog,
            available_days=available_days,
            minutes_per_day=minutes_per_day,
            equipment=equipment,
            own_lifts=own,
            last_week=last_week,
            targets=targets,
            races=(*self.profile.races, *races),
        )
        rhythm = Rhythm.of(lately)
        previous = [
            f.to_week_session(monday)
            for f in lately
            if f.type == "strength" and f.local_start.date() >= this_monday
        ]
        if weeks > 1:
            return plan_block(
                weeks, runs, start=monday, rhythm=rhythm, previous_lifts=previous, **common
            )
        return plan_week(runs, monday=monday, previous_lifts=previous, rhythm=rhythm, **common)

    # -- reanalysis -----------------------------------------------------------------------------
    def reanalyze(self, progress: Callable[[int, int, str], None] | None = None) -> int:
        """Recompute every stored result from the original files (after a model improvement)."""
        from .reanalysis import reanalyze_all

        self._require("own")
        return reanalyze_all(self, progress)

    # -- the runner's labels ---------------------------------------------------------------------
    def label(self, activity_id: int | str, kind: str, reps: int | None = None) -> dict[str, Any]:
        """Set a stored run's kind, as the runner says it was (``legday label ID --kind race``),
        and judge it again as that kind; the analysis keeps its own kind and reasons. Returns
        :meth:`activity`. Raises :class:`NotFoundError` for an unknown id and
        :class:`~legday.errors.LabelError` for an unknown kind, reps that do not fit it, or a
        session that is not a run."""
        from .labels import parse_activity_id, parse_kind, set_label

        self._require("edit")
        ident = parse_activity_id(activity_id)
        set_label(self, ident, parse_kind(kind), reps)
        return self.activity(ident)

    def clear_label(self, activity_id: int | str) -> dict[str, Any]:
        """Remove the runner's kind from a stored run: the analysed kind applies again."""
        from .labels import parse_activity_id, set_label

        self._require("edit")
        ident = parse_activity_id(activity_id)
        set_label(self, ident, None)
        return self.activity(ident)

    def labelled_runs(self) -> list[LabelledRun]:
        """Every run the runner labelled, oldest first (``legday labels export``)."""
        from .labels import labelled_runs

        return labelled_runs(self)

    def save_profile(self, profile: AthleteProfile) -> None:
        """Store ``profile`` as the athlete's own (``athletes.profile``): from now on their
        imports, analysis, week and plans use it. Only the athlete may (the multi-user server;
        single-user legday keeps its profile in legday.toml, :meth:`Home.save_profile`)."""
        from .schema import AthleteRow

        self._require("own")
        with self.db.session() as s:
            row = s.get(AthleteRow, self._ensure_athlete(s))
            assert row is not None  # just ensured
            row.profile = profile.to_dict()
        self.profile = profile

    def _ensure_athlete(self, session: Session) -> int:
        if self.access is not None:
            return self.access.athlete_id
        from .db import ensure_athlete

        return ensure_athlete(session, self.athlete, self.profile.to_dict())

    def history_for(self, activity: Activity) -> list[HistorySummary]:
        """Stored sessions of the same sport before ``activity`` (for "long" and R4)."""
        from .importer import stored_history
        from .work import summaries_before

        athlete_id = self._athlete_id()
        if athlete_id is None:
            return []
        return summaries_before(stored_history(self.db, athlete_id), activity)

    def activity(self, activity_id: int) -> dict[str, Any]:
        from legday.assessment import in_units

        with quick.reads(self.db) as r:
            row = quick.activity_row(r, activity_id)
        if row is None or row.athlete_id != self._athlete_id():  # another's reads as none
            raise NotFoundError(f"no activity with id {activity_id}")
        label = None
        if row.label_kind is not None:  # the runner's kind; "kind" is then this one
            at = row.labelled_at
            if at is not None and at.tzinfo is None:
                at = at.replace(tzinfo=UTC)
            label = {
                "kind": row.label_kind,
                "reps": row.label_reps,
                "at": at.isoformat() if at is not None else None,
                "on": self._local_date(at).isoformat() if at is not None else None,
            }
        return {
            "id": row.id,
            "sport": row.sport,
            "start": row.start.isoformat(),
            "name": row.name,
            "kind": row.kind,
            "analysed_kind": (row.analysis or {}).get("kind"),
            "label": label,
            "analysis": row.analysis,
            "verdict": in_units(row.verdict, self.profile.units),
        }

    # -- queries for the web dashboard -----------------------------------------------------------
    def activity_streams(self, activity_id: int) -> dict[str, npt.NDArray[np.float64]]:
        """An activity's stored samples plus ``grade_frac`` and ``grade_adjusted_speed_mps``,
        computed by :mod:`legday.analysis.grade` with the athlete's settings (as the analysis
        does). Raises :class:`NotFoundError` for an unknown id."""
        import numpy as np

        from legday.analysis.grade import GradeModel, grade, grade_adjusted_speed

        from .samples import unpack_samples

        with self.db.session() as s:
            row = self._own(s, activity_id)
            streams = unpack_samples(row.samples)
        n = len(next(iter(streams.values()))) if streams else 0
        nan = np.full(n, np.nan)
        elapsed = streams.get("elapsed_s", np.arange(n, dtype=np.float64))
        steps = np.diff(elapsed)
        step_s = float(np.median(steps[steps > 0])) if (steps > 0).any() else 1.0
        distance = streams.get("distance_m", nan)
        speed = streams.get("speed_mps", nan)
        g = (
            grade(streams.get("altitude_m", nan), distance, self.settings.grade_window_m, step_s)
            if np.isfinite(distance).sum() >= 2
            else np.zeros(n)
        )
        streams["grade_frac"] = g
        streams["grade_adjusted_speed_mps"] = grade_adjusted_speed(
            speed, g, GradeModel.parse(self.settings.grade_model)
        )
        return streams

    def strength_trends(
        self, weeks: int | None = None, report: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """The lifting history over time, JSON-ready::

            {"e1rm": [{"key", "name", "points": [{"date", "e1rm_kg"}, …]}, …],
             "weekly_hard_sets": [{"week": "2026-11-16", "muscles": {key: sets, …}}, …]}

        ``e1rm`` holds the exercises whose recorded load is the whole load lifted (as in
        :meth:`strength_report`, or ``report`` when the caller has it), each session's best
        e1RM; weeks are ISO weeks by Monday. ``weeks`` keeps the weeks up to the newest
        session (the first may be partial); None, the whole history."""
        return self._trends(self.strength_sessions(weeks), report or self.strength_report())

    def _trends(
        self, sessions: Sequence[StrengthSession], report: Mapping[str, Any]
    ) -> dict[str, Any]:
        from legday.strength import load_catalog
        from legday.strength.report import trends

        return trends(sessions, report, load_catalog(), self.settings)

    # -- more queries for the web dashboard (session pages, week cards, empty state) -------------
    def has_sessions(self) -> bool:
        """Whether anything at all is stored: an activity or a strength session (a brand-new
        user's database has neither)."""
        from sqlalchemy import select

        from .schema import ActivityRow, StrengthSessionRow

        athlete_id = self._athlete_id()
        if athlete_id is None:
            return False
        with self.db.session() as s:
            for table in (ActivityRow, StrengthSessionRow):
                if s.scalar(select(table.id).where(table.athlete_id == athlete_id).limit(1)):
                    return True
        return False

    def latest_session_day(self) -> date | None:
        """The local date of the newest stored session (activity or strength), None when
        nothing is stored: the dashboard opens on that week."""
        from sqlalchemy import func, select

        from .schema import ActivityRow, StrengthSessionRow

        athlete_id = self._athlete_id()
        if athlete_id is None:
            return None
        days: list[date] = []
        with self.db.session() as s:
            for table in (ActivityRow, StrengthSessionRow):
                newest = s.execute(
                    select(table.start, table.utc_offset_s)
                    .where(
                        table.athlete_id == athlete_id,
                        table.start
                        == select(func.max(table.start))
                        .where(table.athlete_id == athlete_id)
                        .scalar_subquery(),
                    )
                    .limit(1)
                ).first()
                if newest is not None:
                    days.append(local_time(newest[0], newest[1], self.profile).date())
        return max(days, default=None)

    def sessions(
        self,
        where: SessionFilter | None = None,
        *,
        offset: int = 0,
        limit: int = 50,
        oldest_first: bool = False,
    ) -> SessionPage:
        """One page of the stored sessions that pass ``where``, newest first, and their total
        (:func:`legday.store.browse.list_sessions`: one page is read, never the history)."""
        from .browse import SessionFilter, list_sessions

        return list_sessions(
            self.db,
            self._athlete_id(),
            where or SessionFilter(),
            self.profile,
            offset=offset,
            limit=limit,
            oldest_first=oldest_first,
        )

    def activity_laps(self, activity_id: int) -> list[dict[str, Any]]:
        """A stored activity's laps as the device recorded them, JSON-ready::

            [{"index", "start", "end", "intensity", "trigger", "distance_m", "timer_s"}, …]

        ``start`` and ``end`` are POSIX seconds (as the samples' ``timestamp``). Raises
        :class:`NotFoundError` for an unknown id."""
        with self.db.session() as s:
            row = self._own(s, activity_id)
            return [
                {
                    "index": lap.index,
                    "start": lap.start,
                    "end": lap.end,
                    "intensity": lap.intensity,
                    "trigger": lap.trigger,
                    "distance_m": lap.total_distance_m,
                    "timer_s": lap.total_timer_s,
                }
                for lap in row.laps
            ]

    def sessions_of_files(self, names: Iterable[str]) -> dict[str, list[int | str]]:
        """The ids of the sessions stored from each imported file, by the file's name as
        the import reported it (activity ids, ``"s<id>"`` for strength sessions; a watch's
        strength workout by its sets). Names not stored are left out."""
        from sqlalchemy import select

        from .schema import ActivityRow, FileRow, StrengthSessionRow

        wanted = sorted(set(names))
        if not wanted:
            return {}
        found: dict[str, list[int | str]] = {}
        athlete_id = self._athlete_id()
        with self.db.session() as s:
            acts = s.execute(
                select(FileRow.name, ActivityRow.id)
                .join(ActivityRow, ActivityRow.file_id == FileRow.id)
                .where(FileRow.name.in_(wanted), ActivityRow.athlete_id == athlete_id)
                .order_by(ActivityRow.start)
            ).all()
            lifts = s.execute(
                select(FileRow.name, StrengthSessionRow.id, StrengthSessionRow.activity_id)
                .join(StrengthSessionRow, StrengthSessionRow.file_id == FileRow.id)
                .where(FileRow.name.in_(wanted), StrengthSessionRow.athlete_id == athlete_id)
                .order_by(StrengthSessionRow.start)
            ).all()
        lifted = {activity_id for _, _, activity_id in lifts if activity_id is not None}
        for name, activity_id in acts:
            if activity_id not in lifted:
                found.setdefault(name, []).append(int(activity_id))
        for name, lift_id, _ in lifts:
            found.setdefault(name, []).append(f"s{lift_id}")
        return found

    def session_choices(self) -> dict[str, list[str]]:
        """The kinds, categories and sports stored (a filter form's choices)."""
        from .browse import distinct_values

        return distinct_values(self.db, self._athlete_id())

    def activity_distances(self, activity_ids: Iterable[int]) -> dict[int, float]:
        """Recorded distance (m) of each stored activity in ``activity_ids`` (unknown ids and
        activities without a distance are left out)."""
        from sqlalchemy import select

        from .schema import ActivityRow

        ids = sorted(set(activity_ids))
        if not ids:
            return {}
        with self.db.session() as s:
            rows = s.execute(
                select(ActivityRow.id, ActivityRow.distance_m).where(
                    ActivityRow.id.in_(ids), ActivityRow.athlete_id == self._athlete_id()
                )
            ).all()
        return {int(i): float(d) for i, d in rows if d is not None and d > 0}

    def strength_session(self, session_id: int) -> dict[str, Any]:
        """One stored strength session, JSON-ready::

            {"id": "s5", "row_id": 5, "start", "date", "time", "name", "duration_s", "rpe",
             "notes", "source",
             "activity_id", "sets": [{"index", "exercise", "name", "mapped", "reps", "load_kg",
             "per_hand", "duration_s", "distance_m", "rir", "rpe", "set_type", "warmup"}, …],
             "verdict": {"verdict": {"headline", "counts_as_leg_day", "category", "reasons",
             "stimulus": {…}}}}

        ``name`` of a set is the catalog's display name (the raw name when unmapped); ``date``
        and ``time`` are local, as on the week. Raises :class:`NotFoundError` for an unknown id.
        """
        from legday.assessment import in_units
        from legday.strength import load_catalog

        catalog = load_catalog()
        athlete_id = self._athlete_id()
        with quick.reads(self.db) as r:
            found = quick.strength_row(r, session_id)
        if found is None or found[0].athlete_id != athlete_id:
            raise NotFoundError(f"no strength session with id s{session_id}")
        row, stored = found
        local = local_time(row.start, row.utc_offset_s, self.profile)
        sets = []
        for x in stored:
            ex = catalog.find(x.exercise) if x.mapped else None
            sets.append(
                {
                    "index": x.order,
                    "exercise": x.exercise,
                    "name": ex.name if ex else (x.raw_name or x.exercise),
                    "mapped": bool(x.mapped),
                    "reps": x.reps,
                    "load_kg": x.load_kg,
                    "per_hand": bool(x.per_hand),
                    "duration_s": x.duration_s,
                    "distance_m": x.distance_m,
                    "rir": x.rir,
                    "rpe": x.rpe,
                    "set_type": str(x.set_type),
                    "warmup": x.set_type == "warmup",
                }
            )
        start = row.start if row.start.tzinfo else row.start.replace(tzinfo=UTC)
        return {
            "id": f"s{row.id}",
            "row_id": row.id,
            "start": start.isoformat(),
            "date": local.date().isoformat(),
            "time": local.strftime("%H:%M"),
            "name": row.name,
            "duration_s": row.duration_s,
            "rpe": row.rpe,
            "notes": row.notes,
            "source": row.source_format,
            "activity_id": row.activity_id,
            "sets": sets,
            "verdict": in_units(row.verdict, self.profile.units),
        }

    def activity_reps(self, activity_id: int) -> list[dict[str, Any]]:
        """Each work block of a stored run with its repetitions, JSON-ready::

            [{"pattern", "reps", "work_s", "recovery_s", "work_distance_m", "avg_grade_pct",
              "intensity", "reps_list": [{"n", "start_s", "end_s", "duration_s", "distance_m",
              "avg_speed_mps", "avg_grade_adjusted_speed_mps", "avg_hr", "grade_pct",
              "recovery_s"}, …]}, …]

        The repetitions are the analysis's work segments, which it lays out block by block in
        order; ``recovery_s`` is the time to the block's next repetition (None after the last).
        When the stored segments do not hold one work segment per repetition (an analysis from
        an older version), ``reps_list`` is empty. Raises :class:`NotFoundError`."""
        import numpy as np

        data = self.activity(activity_id)
        analysis = data["analysis"] or {}
        blocks = [dict(b) for b in analysis.get("blocks") or []]
        work = [g for g in analysis.get("segments") or [] if g.get("role") == "work"]
        if not blocks:
            return []
        if len(work) != sum(int(b["reps"]) for b in blocks):
            return [{**b, "reps_list": []} for b in blocks]
        streams = self.activity_streams(activity_id)
        n = len(next(iter(streams.values()))) if streams else 0
        elapsed = streams.get("elapsed_s", np.arange(n, dtype=np.float64))
        distance = streams.get("distance_m", np.full(n, np.nan))
        known = np.isfinite(distance) & np.isfinite(elapsed)

        def distance_at(t: float) -> float:
            if known.sum() < 2:
                return float("nan")
            return float(np.interp(t, elapsed[known], distance[known]))

        cursor = 0
        for b in blocks:
            mine = work[cursor : cursor + int(b["reps"])]
            cursor += int(b["reps"])
            reps = []
            for i, g in enumerate(mine):
                metres = distance_at(g["end_s"]) - distance_at(g["start_s"])
                nxt = mine[i + 1]["start_s"] - g["end_s"] if i + 1 < len(mine) else None
                reps.append(
                    {
                        "n": i + 1,
                        "start_s": g["start_s"],
                        "end_s": g["end_s"],
                        "duration_s": round(g["end_s"] - g["start_s"], 1),
                        "distance_m": round(metres, 1) if np.isfinite(metres) else None,
                        "avg_speed_mps": g.get("avg_speed_mps"),
                        "avg_grade_adjusted_speed_mps": g.get("avg_grade_adjusted_speed_mps"),
                        "avg_hr": g.get("avg_hr"),
                        "grade_pct": g.get("grade_pct"),
                        "recovery_s": None if nxt is None else round(nxt, 1),
                    }
                )
            b["reps_list"] = reps
        return blocks
