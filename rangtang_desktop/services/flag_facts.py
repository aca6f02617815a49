"""Each child's facts for the flag rules (``core.facts.ChildFacts``), gathered from the register and
the visits in a few bulk queries, so the whole county (about 14,000 children) is read in under a
second and one child in about a millisecond.

What a child's facts hold, and where each comes from:

* the child's own record and household (hukou type, housing, hazards, village);
* the adults related to the child (relations not deleted, adults alive in the register or not, but
  not deleted or merged), with each adult's **current** situations: not deleted, and no end date or
  an end after today (a month-only end such as ``2025-03`` counts as ended once that month begins);
* current entrusted-care arrangements (same test on their end), with the carer's age and the
  carer's relation to the child when one is recorded;
* categories not ended;
* the household's latest signed visit that no later visit amends, with this child's checklist
  answers;
* the household's visit compliance this month, from ``core.compliance.month_compliance`` (the one
  definition) over ``storage.visits.current_visit_days``;
* possible duplicates among the living minors, by ``core.duplicates.compare`` (only pairs that can
  match are compared: same name key, same sex when known, births close enough, or the same household);
* the family-education sessions this calendar year that one or more of the child's guardians or
  carers took part in (``None`` when the child has no living guardian or carer recorded).

Today and the county settings are read once per evaluation; the rules never read the database.
"""

from __future__ import annotations

import json
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import sqlite_utils

from ..core.compliance import month_bounds, month_compliance
from ..core.county_settings import CountySettings
from ..core.dates import ApproxDate, DateError, age_range, minor_cutoff
from ..core.duplicates import BIRTH_CLOSE_DAYS, PersonKeys, compare
from ..core.facts import AdultFacts, CareFacts, ChildFacts, SituationFacts, VisitFacts
from ..storage.register import LIVE_PERSON, MINOR
from ..storage.visits import current_visit_days
from .county_settings import load as load_settings
from .workspace import Workspace

_WHOLE = 2_000  # from this many children on, small tables are read whole rather than by child
VALID_ID = ("valid", "valid_old")


def minor_ids(ws: Workspace, today: date | None = None) -> list[str]:
    """Ids of the living minors (the definition every count and list uses: ``storage.register.MINOR``)."""
    cutoff = minor_cutoff(today or ws.today()).isoformat()
    return [r[0] for r in ws.db.execute(f"SELECT p.id FROM person p WHERE {LIVE_PERSON} AND {MINOR} ORDER BY p.id", [cutoff])]


def _select(db: sqlite_utils.Database, sql: str, column: str, ids: Sequence[str] | None, params: Sequence = ()) -> list[tuple]:
    """Rows of ``sql`` whose ``{where}`` is filled in with ``column`` among ``ids`` (passed as one
    JSON array, so any number of ids is one query that looks each up by index), or with nothing
    when ``ids`` is ``None`` (every row)."""
    if ids is None:
        return db.execute(sql.format(where="1"), list(params)).fetchall()
    where = f"{column} IN (SELECT value FROM json_each(?))"
    return db.execute(sql.format(where=where), [*params, json.dumps(list(ids))]).fetchall()


@lru_cache(maxsize=65_536)
def _approx(text: str, precision: str = "") -> ApproxDate | None:
    """A stored date (a birth date with its precision, or a partial date YYYY-MM[-DD])."""
    if not text:
        return None
    try:
        return ApproxDate.parse(text, precision or ("month" if len(text) == 7 else "exact"))
    except DateError:
        return None


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _tuple(text: str) -> tuple[str, ...]:
    if not text or text == "[]":
        return ()
    try:
        return tuple(str(v) for v in json.loads(text or "[]"))
    except ValueError:
        return ()


@lru_cache(maxsize=65_536)
def _age_range(birth_date: str, precision: str, today: date) -> tuple[int, int] | None:
    """The completed-age range (周岁, ``core.dates.age_range``) of a stored birth date."""
    birth = _approx(birth_date, precision or "exact")
    return age_range(birth, today) if birth else None


def facts_for(
    ws: Workspace, child_ids: Iterable[str], *, today: date | None = None, settings: CountySettings | None = None,
    duplicates: bool = True, all_minors: bool = False,
) -> dict[str, ChildFacts]:
    """The facts of each of these people who is in the register (not deleted, not merged), by id.
    Whether they are minors is the caller's business (``minor_ids``); ``all_minors`` says the ids
    are every living minor (the pool duplicates are looked for in is then the children themselves)."""
    today = today or ws.today()
    settings = settings or load_settings(ws)
    ids = list(dict.fromkeys(child_ids))
    if not ids:
        return {}
    db = ws.db
    everyone = len(ids) > _WHOLE
    scope = None if everyone else ids
    children = _select(
        db,
        f"""SELECT p.id, p.household_id, p.birth_date, p.birth_precision, p.sex, p.alive_status, p.hukou_status,
                   p.id_number, p.id_check, p.school_status, p.health, p.disability_category, p.disability_level,
                   p.illness, p.illness_on_county_list, p.illness_untreated, p.nutrition, p.work, p.marital_status,
                   p.behaviours, h.village_code, h.hukou_type, h.housing, h.hazards, h.seasonal_absence_months,
                   {_POOL_COLUMNS}
            FROM person p LEFT JOIN household h ON h.id = p.household_id
            WHERE {LIVE_PERSON} AND {{where}}""",
        "p.id", ids,
    )
    child_set = {r[0] for r in children}
    adults = _adults(db, scope, child_set, today)
    care = _care(db, scope, child_set, today, adults)
    categories: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for child_id, kind, status in _select(
        db, "SELECT child_id, kind, status FROM classification WHERE deleted = 0 AND status != 'ended' AND {where}", "child_id", scope,
    ):
        if child_id in child_set:
            categories[child_id].append((kind, status))
    households = {r[1]: r for r in children if r[1]}
    visits = _latest_visits(db, None if everyone else list(households))
    months = _month_states(db, households, today, settings, everyone)
    doubles = _possible_duplicates(db, children, today, all_minors) if duplicates else {}
    sessions = _sessions_by_guardian(db, today, None if everyone else _guardians_and_carers(adults, care))
    illnesses = tuple(i for i in settings.serious_illnesses if i)
    found = {}
    for row in children:
        (person_id, household_id, birth_date, precision, sex, alive, hukou, id_number, id_check, school, health,
         disability_category, disability_level, illness, on_list, untreated, nutrition, work, marital, behaviours,
         village_code, hukou_type, housing, hazards, _away) = row[:25]
        month = months.get(household_id)
        child_adults = adults.get(person_id, ())
        child_care = care.get(person_id, ())
        found[person_id] = ChildFacts(
            child_id=person_id,
            today=today,
            household_id=household_id or "",
            village_code=village_code or "",
            birth=_approx(birth_date, precision or "exact"),
            sex=sex or "unknown",
            alive_status=alive or "alive",
            hukou_status=hukou or "registered",
            hukou_type=hukou_type or "rural",
            id_number=id_number or "",
            id_check=id_check or "absent",
            school_status=school or "",
            health=health or "healthy",
            disability_category=disability_category or "",
            disability_level=disability_level or "",
            illness=illness or "",
            illness_on_county_list=bool(on_list) or bool(illness and any(name in illness for name in illnesses)),
            illness_untreated=bool(untreated),
            nutrition=nutrition or "none",
            work=work or "none",
            marital_status=marital or "none",
            behaviours=_tuple(behaviours),
            housing=housing or "unknown",
            hazards=_tuple(hazards),
            adults=tuple(child_adults),
            care=tuple(child_care),
            classifications=tuple(categories.get(person_id, ())),
            latest_visit=_visit_facts(visits.get(household_id), person_id),
            visits_this_month=month.counted if month else 0,
            visits_needed=month.needed if month else settings.visits_per_month,
            month_state=month.state if month else "",
            possible_duplicate_of=tuple(doubles.get(person_id, ())),
            family_education_this_year=_education(sessions, child_adults, child_care),
        )
    return found


def _sessions_by_guardian(db: sqlite_utils.Database, today: date, people: set[str] | None) -> dict[str, set[str]]:
    """The family-education sessions of this calendar year each person (of ``people``, or anyone)
    took part in."""
    found: dict[str, set[str]] = defaultdict(set)
    year = [f"{today.year}-01-01", f"{today.year}-12-31"]
    if people is None:
        rows = db.execute(
            "SELECT id, guardian_ids FROM family_education_session WHERE deleted = 0 AND session_date BETWEEN ? AND ?", year,
        )
        for session_id, guardians in rows:
            for guardian in _tuple(guardians):
                found[guardian].add(session_id)
        return found
    if people:
        rows = db.execute(
            """SELECT s.id, g.value FROM family_education_session s, json_each(s.guardian_ids) g
               WHERE s.deleted = 0 AND s.session_date BETWEEN ? AND ? AND g.value IN (SELECT value FROM json_each(?))""",
            [*year, json.dumps(sorted(people))],
        )
        for session_id, guardian in rows:
            found[guardian].add(session_id)
    return found


def _people_of(adults: Iterable[AdultFacts], care: Iterable[CareFacts]) -> set[str]:
    """A child's guardians and carers: living legal guardians and actual carers, entrusted carers."""
    people = {a.person_id for a in adults if (a.legal_guardian or a.actual_caregiver) and a.alive_status == "alive"}
    return people | {c.carer_id for c in care}


def _guardians_and_carers(adults: dict[str, list[AdultFacts]], care: dict[str, list[CareFacts]]) -> set[str]:
    return set().union(*(_people_of(adults.get(c, ()), care.get(c, ())) for c in {*adults, *care}))


def _education(sessions: dict[str, set[str]], adults: Iterable[AdultFacts], care: Iterable[CareFacts]) -> int | None:
    """Sessions this year that one or more of the child's guardians or carers took part in;
    ``None`` when the child has none recorded."""
    people = _people_of(adults, care)
    if not people:
        return None
    return len(set().union(*(sessions.get(p, ()) for p in people)))


def _adults(
    db: sqlite_utils.Database, scope: Sequence[str] | None, child_set: set[str], today: date
) -> dict[str, list[AdultFacts]]:
    """Each child's related adults with their current situations."""
    relations = [
        r for r in _select(
            db,
            """SELECT r.child_id, r.adult_id, r.kind, r.legal_guardian, r.actual_caregiver, r.lives_with,
                      a.alive_status, a.birth_date, a.birth_precision, a.health, a.disability_level, a.disability_category
               FROM relation r JOIN person a ON a.id = r.adult_id
               WHERE r.deleted = 0 AND a.deleted = 0 AND a.merged_into = '' AND {where}""",
            "r.child_id", scope,
        )
        if r[0] in child_set
    ]
    adult_ids = list(dict.fromkeys(r[1] for r in relations))
    situations: dict[str, list[SituationFacts]] = defaultdict(list)
    rows = _select(
        db,
        """SELECT person_id, kind, start_date, expected_end_date, outside_county, place_province, place_city, evidence,
                  last_contact_on, contact_frequency
           FROM parent_situation WHERE deleted = 0 AND (end_date = '' OR end_date > ?) AND {where}
           ORDER BY start_date DESC, id""",
        "person_id", None if scope is None else adult_ids, [today.isoformat()],
    )
    wanted = set(adult_ids)
    for person_id, kind, start, expected_end, outside, province, city, evidence, contact, frequency in rows:
        if person_id not in wanted:
            continue
        situations[person_id].append(SituationFacts(
            kind=kind, start=_approx(start), expected_end=_approx(expected_end), outside_county=bool(outside),
            place=" ".join(p for p in (province, city) if p), evidence=evidence or "none",
            last_contact_on=_day(contact), contact_frequency=frequency or "",
        ))
    found: dict[str, list[AdultFacts]] = defaultdict(list)
    shared: dict[tuple, AdultFacts] = {}  # brothers and sisters share their adults' facts
    for row in relations:
        key = row[1:]
        adult = shared.get(key)
        if adult is None:
            (adult_id, kind, legal, caring, lives, alive, birth, precision, health, level, category) = key
            adult = shared[key] = AdultFacts(
                person_id=adult_id, relation=kind, legal_guardian=bool(legal), actual_caregiver=bool(caring),
                lives_with=bool(lives), alive_status=alive or "alive", age=_age_range(birth or "", precision or "", today),
                health=health or "healthy", disability_level=level or "", disability_category=category or "",
                situations=tuple(situations.get(adult_id, ())),
            )
        found[row[0]].append(adult)
    return found


def _care(
    db: sqlite_utils.Database, scope: Sequence[str] | None, child_set: set[str], today: date,
    adults: dict[str, list[AdultFacts]],
) -> dict[str, list[CareFacts]]:
    """Each child's current entrusted-care arrangements."""
    found: dict[str, list[CareFacts]] = defaultdict(list)
    rows = _select(
        db,
        """SELECT c.child_id, c.carer_id, c.start_date, c.notice_school_on, c.notice_village_on, c.carer_full_capacity,
                  c.carer_health, c.disqualifiers, p.birth_date, p.birth_precision
           FROM care_arrangement c LEFT JOIN person p ON p.id = c.carer_id
           WHERE c.deleted = 0 AND (c.end_date = '' OR c.end_date > ?) AND {where}
           ORDER BY c.start_date DESC, c.id""",
        "c.child_id", scope, [today.isoformat()],
    )
    for child_id, carer_id, start, school, village, capable, health, disqualifiers, birth, precision in rows:
        if child_id not in child_set:
            continue
        relation = next((a.relation for a in adults.get(child_id, ()) if a.person_id == carer_id), "")
        found[child_id].append(CareFacts(
            carer_id=carer_id, carer_relation=relation, carer_age=_age_range(birth or "", precision or "", today),
            carer_full_capacity=bool(capable), carer_health=health or "ok", disqualifiers=_tuple(disqualifiers),
            notice_school_on=_day(school), notice_village_on=_day(village), start=_approx(start),
        ))
    return found


@dataclass(frozen=True)
class _LatestVisit:
    visit_id: str
    day: date
    rating: str
    seen: dict[str, str]  # child id → SEEN
    checklist: dict[str, dict[str, str]]


# Signed visits never change, so what was read of one is kept for the next evaluation.
_VISITS: dict[str, _LatestVisit] = {}
_VISITS_KEPT = 50_000


def _latest_visits(db: sqlite_utils.Database, household_ids: list[str] | None) -> dict[str, _LatestVisit]:
    """Each household's latest signed visit that no later visit amends."""
    latest = _select(
        db,
        """SELECT h.id, (SELECT v.id FROM visit v WHERE v.household_id = h.id
                           AND NOT EXISTS (SELECT 1 FROM visit a WHERE a.amends = v.id)
                         ORDER BY v.local_date DESC, v.visited_at DESC, v.signed_at DESC, v.id DESC LIMIT 1)
           FROM household h WHERE h.deleted = 0 AND {where}""",
        "h.id", household_ids,
    )
    by_visit = {visit_id: household_id for household_id, visit_id in latest if visit_id}
    found = {by_visit[v]: _VISITS[v] for v in by_visit if v in _VISITS}
    unknown = [v for v in by_visit if v not in _VISITS]
    for visit_id, day, content in _select(db, "SELECT id, local_date, content FROM visit WHERE {where}", "id", unknown):
        if isinstance(content, (bytes, memoryview)):
            content = zlib.decompress(bytes(content)).decode("utf-8")
        value = json.loads(content)
        visit = _LatestVisit(
            visit_id, date.fromisoformat(day), value.get("rating", ""),
            {c.get("person_id"): c.get("seen", "") for c in value.get("children", ())}, value.get("checklist") or {},
        )
        if len(_VISITS) >= _VISITS_KEPT:
            _VISITS.clear()
        found[by_visit[visit_id]] = _VISITS[visit_id] = visit
    return found


def _visit_facts(visit: _LatestVisit | None, child_id: str) -> VisitFacts | None:
    if visit is None:
        return None
    answers = visit.checklist.get(child_id)
    return VisitFacts(
        visit_id=visit.visit_id, day=visit.day,
        answers={code: a for code, a in answers.items() if a != "not_observed"} if answers else {},
        rating=visit.rating, seen_in_person=visit.seen.get(child_id) == "in_person",
    )


def _month_states(db: sqlite_utils.Database, households: dict[str, tuple], today: date, settings: CountySettings, everyone: bool) -> dict:
    """This month's compliance of each household (``core.compliance.month_compliance``)."""
    first, last = month_bounds(today.year, today.month)
    days: dict[str, list[tuple[date, str]]] = defaultdict(list)
    ids = list(households)
    batches = [None] if everyone else [ids[n:n + 500] for n in range(0, len(ids), 500)]
    for batch in batches:
        for day in current_visit_days(db, first, last, batch):
            days[day.household_id].append((day.local_date, day.mode))
    found = {}
    for household_id, row in households.items():
        away = today.month in {int(m) for m in _tuple(row[_SEASONAL_ABSENCE]) if m.isdigit()}
        found[household_id] = month_compliance(
            today.year, today.month, days.get(household_id, ()), today=today, rules=settings, away=away,
        )
    return found


# -- possible duplicates ----------------------------------------------------------------------------


_SEASONAL_ABSENCE = 24  # the column of the children query with the household's months away
# What duplicate detection reads of a person (the children query ends with these columns).
_POOL_COLUMNS = """p.id, p.name_key, p.name_bo_key, p.sex, p.birth_date, p.birth_precision, p.birth_estimate, p.id_check,
                   p.id_number, p.household_id, h.village_code, h.house_name_zh, h.house_name_bo, p.alive_status"""


def _possible_duplicates(db: sqlite_utils.Database, children: list[tuple], today: date, all_minors: bool) -> dict[str, list[str]]:
    """For each of these children (rows of the children query), the living minors who may be the
    same person (``core.duplicates.compare``). With ``all_minors`` the children are the pool."""
    cutoff = minor_cutoff(today).isoformat()
    asked = {r[0] for r in children}
    if not asked:
        return {}
    if all_minors:  # the same test as storage.register.MINOR
        pool = [r[25:] for r in children if r[-1] == "alive" and r[31] and r[31] >= cutoff]
    else:
        base = f"SELECT {_POOL_COLUMNS} FROM person p LEFT JOIN household h ON h.id = p.household_id WHERE {LIVE_PERSON} AND {MINOR}"
        own = [r[25:] for r in children]
        clauses, params = [], []
        for index, column in ((1, "p.name_key"), (2, "p.name_bo_key"), (8, "p.id_number")):
            values = sorted({k[index] for k in own if k[index] and (index < 8 or k[7] in VALID_ID)})
            if values:
                clauses.append(f"{column} IN ({', '.join('?' for _ in values)})")
                params += values
        if not clauses:
            return {}
        pool = db.execute(f"{base} AND ({' OR '.join(clauses)})", [cutoff, *params]).fetchall()
    buckets: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for row in pool:
        if row[1]:
            buckets[("zh", row[1])].append(row)
        if row[2]:
            buckets[("bo", row[2])].append(row)
        if row[8] and row[7] in VALID_ID:
            buckets[("id", row[8])].append(row)
    pairs: set[tuple[str, str]] = set()
    for (kind, _key), rows in buckets.items():
        if len(rows) < 2:
            continue
        if kind == "id":
            pairs.update((a[0], b[0]) for a in rows for b in rows if a[0] < b[0])
            continue
        pairs.update(_close_pairs(rows))
    pairs = {p for p in pairs if p[0] in asked or p[1] in asked}
    if not pairs:
        return {}
    involved = {pid for pair in pairs for pid in pair}
    keys = _person_keys(db, [r for r in pool if r[0] in involved])
    found: dict[str, list[str]] = defaultdict(list)
    for a, b in sorted(pairs):
        if compare(keys[a], keys[b]) is None:
            continue
        if a in asked:
            found[a].append(b)
        if b in asked:
            found[b].append(a)
    return found


@lru_cache(maxsize=65_536)
def _span(text: str, precision: str) -> tuple[int, int] | None:
    """The first and last possible day of a birth date, as ordinals."""
    birth = _approx(text, precision)
    return (birth.earliest().toordinal(), birth.latest().toordinal()) if birth else None


def _close_pairs(rows: list[tuple]) -> Iterable[tuple[str, str]]:
    """Pairs of namesakes ``compare`` may match: not of different known sex, and either in the same
    household or with possible birth ranges at most ``BIRTH_CLOSE_DAYS`` apart (the only other
    way ``compare`` lets namesakes through)."""
    spans, unknown = [], []
    for row in rows:
        span = _span(row[4], row[5] or "exact")
        if span is None:
            unknown.append(row[0])
        else:
            spans.append((span[0], span[1], row))
    for a in unknown:  # no birth date to tell them apart
        yield from ((a, b[0]) if a < b[0] else (b[0], a) for b in rows if b[0] != a)
    spans.sort(key=lambda s: s[0])
    for i, (_first, last, a) in enumerate(spans):
        for j in range(i + 1, len(spans)):
            first_b, _last_b, b = spans[j]
            if first_b - last > BIRTH_CLOSE_DAYS:
                break
            if a[3] == b[3] or "unknown" in (a[3], b[3]):
                yield (a[0], b[0]) if a[0] < b[0] else (b[0], a[0])
    by_household: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if row[9]:
            by_household[row[9]].append(row[0])
    for members in by_household.values():
        yield from ((a, b) if a < b else (b, a) for a in members for b in members if a < b)


def _person_keys(db: sqlite_utils.Database, rows: list[tuple]) -> dict[str, PersonKeys]:
    """What ``compare`` needs of each person, from the stored derived columns (the same values
    ``services.register.keys_for`` computes)."""
    parents: dict[str, set[str]] = defaultdict(set)
    for child_id, key in _select(
        db,
        """SELECT r.child_id, a.name_key FROM relation r JOIN person a ON a.id = r.adult_id
           WHERE r.deleted = 0 AND r.kind IN ('father', 'mother') AND a.name_key != '' AND {where}""",
        "r.child_id", [r[0] for r in rows],
    ):
        parents[child_id].add(key)
    keys = {}
    for (pid, name_key, bo_key, sex, birth, precision, _estimate, id_check, id_number, household_id, village,
         house_zh, house_bo, _alive) in rows:
        keys[pid] = PersonKeys(
            person_id=pid, name_key=name_key or "", name_bo_key=bo_key or "", sex=sex or "unknown",
            birth=_approx(birth, precision or "exact"), id_number=id_number if id_check in VALID_ID else "",
            village_code=village or "", household_id=household_id or "",
            house_names=frozenset(n for n in (house_zh, house_bo) if n), parent_name_keys=frozenset(parents.get(pid, ())),
        )
    return keys
