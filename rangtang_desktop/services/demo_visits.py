"""Visit history for the demonstration data: a year of visits to every household with minors, and
the family-education sessions, so the worklist, the dashboard and the compliance figures have
something true to show.

The visitors come from ``demo_visitors`` (assigned before the households are written), what they
know of each household from ``demo_homes``, the sessions from ``demo_sessions``. Visits cover the
twelve months before the current one and the current month up to yesterday: most households are
visited at home twice or more a month, some at school, some only by phone (which does not count by default), with
misses, a few chronically under-visited groups, households away at the summer pasture or digging
caterpillar fungus, and slow months. What visitors record follows the register: the household's
minors, who they spoke to, a poor rating and a checklist answer only where the register plants a
problem (children living alone, a carer unable or unfit to care), and a handful of clearly marked
suspected-abandonment cases. Most visits are signed (the visitor always; the guardian, or why not);
recent ones are sometimes still drafts; about one in a hundred is corrected by an amending visit.

Everything comes from the seeded generator and the demo's seeded ids; times derive from the visit
times, not the clock, except the change-log stamps. Visits are written through the change log in
bulk (one change per signed visit) and their rows in batches.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import sqlite_utils

from ..core.dates import LOCAL_ZONE, minor_cutoff
from ..core.visits import ChildSeen, Visit, seal
from ..storage import nodes
from ..storage import visits as store
from ..storage.changelog import ChangeLog
from . import demo_visit_words as words
from .demo_guardianship import months_before
from .demo_homes import Child, Home, load_homes
from .demo_sessions import add_sessions
from .demo_signatures import signature_pool
from .demo_visitors import SIGNATURES, Staff, Visitor
from .workspace import Workspace

MONTHS = 12  # full months of history before the current one
BATCH = 20_000  # visits written between flushes
AMEND_SHARE = 0.01


def _table(weights: dict) -> tuple[tuple, tuple[float, ...]]:
    """Keys and cumulative weights, for ``random.choices``."""
    total, cumulative = 0.0, []
    for weight in weights.values():
        total += weight
        cumulative.append(total)
    return tuple(weights), tuple(cumulative)


COUNTED = {  # counted visits (home or school) in a month: weights
    "normal": _table({0: 4, 1: 11, 2: 60, 3: 18, 4: 7}),
    "weak": _table({0: 22, 1: 40, 2: 30, 3: 8}),
    "away": _table({0: 55, 1: 35, 2: 10}),
}
HOURS = {  # local hour of the day: weights, by mode
    "home": _table({9: 3, 10: 6, 11: 6, 12: 2, 13: 2, 14: 5, 15: 6, 16: 6, 17: 4, 18: 2, 19: 1}),
    "school": _table({9: 2, 10: 4, 11: 3, 14: 3, 15: 3, 16: 2}),
    "phone": _table({8: 1, 9: 2, 10: 3, 11: 3, 12: 2, 13: 1, 14: 2, 15: 3, 16: 3, 17: 3, 18: 3, 19: 3, 20: 2, 21: 1}),
}
SCHOOL_HOLIDAY_MONTHS = frozenset({1, 2, 7, 8})


# -- the visits -------------------------------------------------------------------------------------


def _draft_odds(days_ago: int, slow_signer: bool) -> float:
    """How likely a visit this many days old is still an unsigned draft."""
    if slow_signer and days_ago < 60:
        return 0.5
    return 0.3 if days_ago < 14 else 0.1 if days_ago < 45 else 0.03 if days_ago < 90 else 0.0


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _month_end(first: date) -> date:
    return months_before(first, -1) - timedelta(days=1)


def _pick(rng: random.Random, table: tuple[tuple, tuple[float, ...]]) -> int:
    keys, cumulative = table
    return rng.choices(keys, cum_weights=cumulative)[0]


class VisitMaker:
    """Plans each household's visits month by month and records them as a visitor would."""

    def __init__(self, rng: random.Random, ids: Callable[[], str], staff: Staff, today: date, signatures: list[str]):
        self.rng, self.ids, self.staff, self.today, self.signatures = rng, ids, staff, today, signatures
        self.cutoff = datetime.combine(today, time(0), LOCAL_ZONE).astimezone(UTC)  # nothing is signed from today on
        self._slumps: dict[tuple[str, date], bool] = {}  # a village's bad month (visitor ill, snowed in)

    def month(self, home: Home, first: date) -> list[tuple[str, Visit]]:
        """("signed" | "draft", visit) for the household's visits in the month starting ``first``."""
        made = []
        for day, mode in self._plan(home, first):
            made += self._visit(home, day, mode)
        return made

    def _plan(self, home: Home, first: date) -> list[tuple[date, str]]:
        rng, household = self.rng, home.household
        away = str(first.month) in household.seasonal_absence_months
        kind = "away" if away else "weak" if household.group_code in self.staff.weak_groups else "normal"
        count = _pick(rng, COUNTED[kind])
        slump = self._slumps.setdefault((household.village_code, first), rng.random() < 0.04)
        if kind == "normal" and (slump or (first.month <= 2 and rng.random() < 0.3) or (home.hard_to_reach and rng.random() < 0.4)):
            count = max(0, count - 1)
        days = (_month_end(first) - first).days + 1
        plan = []
        for k in range(count):
            day = first + timedelta(days=rng.randint(k * days // count, (k + 1) * days // count - 1))
            term = day.month not in SCHOOL_HOLIDAY_MONTHS and day.weekday() < 5
            at_school = term and any(c.boarding for c in home.children) and rng.random() < 0.15
            plan.append((day, "school" if at_school else "home"))
        if count >= 2 and rng.random() < 0.015:
            plan.append((plan[0][0], "home"))  # a second visit the same day (the director came too): counts once
        for mode, odds in (("phone", 0.08 + (0.2 if home.migrants else 0) + (0.5 if away else 0)),
                           ("video", 0.015 if home.migrants else 0), ("other", 0.02)):
            if rng.random() < odds:
                plan.append((first + timedelta(days=rng.randrange(days)), mode))
        return sorted(p for p in plan if p[0] < self.today)

    def _visit(self, home: Home, day: date, mode: str) -> list[tuple[str, Visit]]:
        rng, household = self.rng, home.household
        cutoff = minor_cutoff(day)
        children = [c for c in home.children if cutoff <= c.born <= day]
        if not children:
            return []
        draw = rng.random()
        visitor = (self.staff.by_group[household.group_code] if draw < 0.88
                   else self.staff.directors[household.village_code] if draw < 0.97
                   else rng.choice(self.staff.workers[household.village_code]))
        remote = mode in ("phone", "video")
        hour = _pick(rng, HOURS["phone" if remote else "school" if mode == "school" else "home"])
        visited = datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=LOCAL_ZONE).astimezone(UTC)
        weekday_term = day.weekday() < 5 and day.month not in SCHOOL_HOLIDAY_MONTHS

        def seen(child: Child) -> str:
            if remote or (mode == "school" and not child.in_school) or (mode != "school" and child.boarding and weekday_term):
                return "not_seen"
            return "not_seen" if mode != "school" and rng.random() < 0.07 else "in_person"

        carer = rng.choice(home.carers[:2]) if home.carers else None
        language = home.language
        if mode == "school":
            spoken, language = "班主任", "chinese" if rng.random() < 0.6 else "amdo"
        elif remote and home.migrants and (carer is None or rng.random() < 0.6):
            spoken = rng.choice(home.migrants)
            language = "chinese" if rng.random() < 0.4 else "amdo"
        else:
            spoken = carer[1] if carer else "孩子本人"
        local_language = language in words.TOWNSHIP_LANGUAGE.values()
        if remote and local_language and not visitor.speaks_local:
            language, local_language = "amdo", False
        interpreter = local_language and not visitor.speaks_local
        checklist = self._checklist(home, children, day)
        notes, action, step = self._words(home, mode, day, bool(checklist))
        rating = "poor" if checklist else self._rating(home.rating)
        guardian = self._guardian(home, mode, carer)
        entered = visited + self._delay(visitor)
        signed = entered + timedelta(minutes=rng.randint(2, 40))
        visit = Visit(
            id=self.ids(), household_id=household.id, children=tuple(ChildSeen(c.id, seen(c)) for c in children),
            visitor_user_id=visitor.user.user_id, visitor_name=visitor.user.display_name, visitor_role=visitor.role,
            visited_at=_iso(visited), mode=mode, spoken_to=spoken, language=language, interpreter=interpreter,
            interpreter_name=rng.choice(words.INTERPRETERS) if interpreter else "", checklist=checklist,
            rating=rating, notes=notes, actions=action, next_step=step,
            visitor_signature=self.signatures[visitor.signature], entered_by=visitor.user.user_id,
            entered_at=_iso(entered), **guardian,
        )
        return self._settle(visit, visitor, visited, entered, signed)

    def _checklist(self, home: Home, children: list[Child], day: date) -> dict[str, dict[str, str]]:
        """Answers other than "not observed" (the default), only where the register plants the fact."""
        rng, concern = self.rng, home.concern
        if not concern or (concern.startswith("carer") and rng.random() < 0.15):
            return {}
        found = {}
        for child in children:
            age = (day - child.born).days // 365
            answers = {}
            if concern in ("alone", "abandoned") and age < 16:
                answers["living_alone"] = "observed"
                if concern == "abandoned":
                    answers["abandoned"] = "suspected"
            elif child.id in home.cared_for:
                answers["carer_not_caring"] = "observed" if concern == "carer_unable" else "suspected"
                if age < 8 and concern == "carer_unable":
                    answers["left_unattended"] = "suspected"
            if answers:
                found[child.id] = answers
        return found

    def _rating(self, usual: str) -> str:
        draw = self.rng.random()
        if usual == "good":
            return "fair" if draw < 0.04 else "good"
        if usual == "fair":
            return "good" if draw < 0.15 else "fair"
        return "fair" if draw < 0.3 else "poor"  # a poor household on a visit where nothing was noted

    def _words(self, home: Home, mode: str, day: date, concern: bool) -> tuple[str, str, str]:
        """Notes, action and next step, in Chinese as visitors write them."""
        rng = self.rng
        if concern:
            key = {"alone": "NOTES_ALONE", "abandoned": "NOTES_ABANDONED", "carer_unable": "NOTES_CARER_UNABLE"}
            return getattr(words, key.get(home.concern, "NOTES_CARER_UNFIT"))
        action = rng.choice(words.ACTIONS) if rng.random() < 0.3 else ""
        step = rng.choice(words.NEXT_STEPS) if rng.random() < 0.4 else ""
        if home.migrants and rng.random() < 0.3:
            step = words.NEXT_STEP_MIGRANT
        if mode in ("phone", "video"):
            return rng.choice(words.NOTES_PHONE), "", step
        if mode == "school":
            return rng.choice(words.NOTES_SCHOOL), "", step
        if str(day.month) in home.household.seasonal_absence_months:
            return rng.choice(words.NOTES_AWAY), action, step
        if day.month in words.NOTES_SEASON and not action and rng.random() < 0.25:
            action = words.NOTES_SEASON[day.month]
        if home.facts and rng.random() < 0.6:
            fact = rng.choice(home.facts)
            if fact in words.CHILD_FACT_NOTES:
                return words.CHILD_FACT_NOTES[fact][0], words.CHILD_FACT_NOTES[fact][1], step
            return words.HOUSEHOLD_FACT_NOTES[fact], action, step
        return rng.choice(words.NOTES_FAIR if home.rating == "fair" else words.NOTES_GOOD), action, step

    def _guardian(self, home: Home, mode: str, carer: tuple[str, str, int] | None) -> dict[str, str]:
        """The guardian's signature, or why there is none."""
        rng = self.rng
        if mode in ("phone", "video"):
            return {"guardian_no_signature_reason": "remote"}
        if mode == "school" or carer is None:
            return {"guardian_no_signature_reason": "absent"}
        draw, unable = rng.random(), 0.3 if carer[2] >= 60 else 0.05
        if draw < unable:
            return {"guardian_no_signature_reason": "unable", "guardian_no_signature_note": rng.choice(words.UNABLE_NOTES)}
        if draw < unable + 0.015:
            return {"guardian_no_signature_reason": "refused"}
        if draw < unable + 0.045:
            return {"guardian_no_signature_reason": "absent"}
        image = self.signatures[(home.index * 7 + home.carers.index(carer) + SIGNATURES // 2) % SIGNATURES]
        return {"guardian_signature": image, "guardian_signer_name": carer[0]}

    def _delay(self, visitor: Visitor) -> timedelta:
        """How long after the visit it was typed in: mostly the same day, sometimes weeks."""
        rng, draw = self.rng, self.rng.random()
        hours = (rng.uniform(0.3, 6) if draw < 0.55 else rng.uniform(24, 72) if draw < 0.8
                 else rng.uniform(96, 240) if draw < 0.92 else rng.uniform(264, 600))
        return timedelta(hours=hours * (2 if visitor.slow_signer else 1))

    def _settle(self, visit: Visit, visitor: Visitor, visited: datetime, entered: datetime, signed: datetime) -> list[tuple[str, Visit]]:
        """Signed, corrected, still a draft, or not typed in yet."""
        rng = self.rng
        if entered >= self.cutoff:
            return []
        days_ago = (self.cutoff - visited).days
        if signed >= self.cutoff or rng.random() < _draft_odds(days_ago, visitor.slow_signer):
            return [("draft", self._unfinished(visit))]
        if days_ago >= 20 and rng.random() < AMEND_SHARE:
            amended = self._amended(visit, visited, signed)
            if amended:
                return amended
        return [("signed", seal(visit, signed))]

    def _unfinished(self, visit: Visit) -> Visit:
        """A draft: often still without a signature or a rating."""
        rng, changes = self.rng, {}
        if rng.random() < 0.6:
            changes["visitor_signature"] = ""
        if rng.random() < 0.4:
            changes.update(guardian_signature="", guardian_signer_name="", guardian_no_signature_reason="",
                           guardian_no_signature_note="")
        if rng.random() < 0.2:
            changes["rating"] = ""
        return dataclasses.replace(visit, **changes)

    def _amended(self, visit: Visit, visited: datetime, signed: datetime) -> list[tuple[str, Visit]] | None:
        """The visit signed with a mistake, and the correction that amends it days later."""
        rng = self.rng
        kind = rng.choices(("date", "rating", "seen"), weights=(45, 35, 20))[0]
        wrong: dict = {}
        if kind == "date":
            shifted = visited + timedelta(days=rng.choice((-3, -2, -1, 1, 2)))
            wrong["visited_at"] = _iso(shifted)
            signed = max(signed, shifted + timedelta(hours=1))
        elif kind == "rating":
            wrong["rating"] = {"good": "fair", "fair": "good", "poor": "fair"}[visit.rating]
        else:
            children = list(visit.children)
            index = rng.randrange(len(children))
            flipped = "not_seen" if children[index].seen == "in_person" else "in_person"
            children[index] = dataclasses.replace(children[index], seen=flipped)
            wrong["children"] = tuple(children)
        fixed = signed + timedelta(days=rng.randint(1, 10), minutes=rng.randint(0, 600))
        if fixed >= self.cutoff:
            return None
        original = seal(dataclasses.replace(visit, **wrong), signed)
        correction = dataclasses.replace(
            visit, id=self.ids(), amends=original.id, notes=visit.notes + words.CORRECTIONS[kind],
            guardian_signature="", guardian_signer_name="", guardian_no_signature_reason="other",
            guardian_no_signature_note=words.CORRECTION_NOTE, entered_at=_iso(fixed - timedelta(minutes=rng.randint(3, 30))),
        )
        return [("signed", original), ("signed", seal(correction, fixed))]


def add_visit_history(ws: Workspace, rng: random.Random, ids: Callable[[], str], staff: Staff) -> int:
    """Write the visitors, their signatures, the visits of the last twelve months and this month,
    and the family-education sessions (inside the caller's transaction); returns the number of
    signed visits."""
    db, today = ws.db, ws.today()
    signature_rng, session_rng = random.Random(rng.getrandbits(64)), random.Random(rng.getrandbits(64))
    for visitor in staff.visitors:
        nodes.add_user(db, visitor.user)
    signatures = [store.store_attachment(db, png) for png in signature_pool(signature_rng, SIGNATURES)]
    first = months_before(today, MONTHS)
    homes = load_homes(ws, rng, staff.households, first)
    maker = VisitMaker(rng, ids, staff, today, signatures)
    log = ws.changelog(bulk=True)
    batch: list[Visit] = []
    signed = 0
    for back in range(MONTHS, -1, -1):
        month = months_before(today, back)
        for home in homes:
            for kind, visit in maker.month(home, month):
                if kind == "draft":
                    store.save_draft(db, visit)
                    continue
                log.write_value(store.VISIT_ENTITY, visit.id, store.VISIT_FIELD, store.visit_change_value(visit), new=True)
                batch.append(visit)
            if len(batch) >= BATCH:
                signed += _flush(db, log, batch)
    signed += _flush(db, log, batch)
    add_sessions(ws, session_rng, ids)
    return signed


def _flush(db: sqlite_utils.Database, log: ChangeLog, batch: list[Visit]) -> int:
    """Write the batch's visit rows and the buffered changes; returns how many visits."""
    store.insert_visits(db, batch)
    log.flush()
    count = len(batch)
    batch.clear()
    return count
