"""Family-education guidance sessions (家庭教育指导) for the demonstration data: last year and this
year up to yesterday, a few sessions a year in each village, each with 5–30 of the village's
guardians, so that most guardians have had a session this year and a realistic share have not yet.

Guardians are counted as ``services.sessions.guardian_coverage`` counts them: legal guardians and
actual carers, alive, of someone who is a minor in that year, placed in the child's village. Parents
working away are less likely to attend; parents in prison or out of contact never do. Sessions are
register records, written through the change log in bulk with the demo's seeded ids.
"""

from __future__ import annotations

import calendar
import math
import random
from collections.abc import Callable
from datetime import date, timedelta

from ..core.dates import minor_cutoff
from ..core.records import FamilyEducationSession
from . import demo_visit_words as words
from .workspace import Workspace

COVERED = {"this": (0.66, 0.8), "last": (0.8, 0.93)}  # share of a village's guardians reached in a full year
ATTENDS = {"migrant_work": 0.3, "compulsory_detox": 0.0, "imprisoned": 0.0, "lost_contact": 0.0}  # else 1
SECOND_SESSION = 0.12  # of the guardians reached, those who come to a second session
SESSION_SIZE = (14, 28)  # the size a village aims at; split evenly, sessions have 5-30 guardians


def guardians_by_village(ws: Workspace, year: int) -> dict[str, list[tuple[str, str]]]:
    """Village code → its guardians in ``year`` as (person id, current situation of a parent or "")."""
    today = ws.today()
    cutoff = minor_cutoff(date(year, 12, 31) if year < today.year else today).isoformat()
    rows = ws.db.execute(
        """SELECT h.village_code, r.adult_id, coalesce(min(s.kind), '') FROM relation r
           JOIN person c ON c.id = r.child_id AND c.deleted = 0 AND c.merged_into = ''
           JOIN person a ON a.id = r.adult_id AND a.deleted = 0 AND a.merged_into = '' AND a.alive_status = 'alive'
           JOIN household h ON h.id = c.household_id
           LEFT JOIN parent_situation s ON s.person_id = r.adult_id AND s.deleted = 0 AND s.end_date = ''
           WHERE r.deleted = 0 AND (r.legal_guardian = 1 OR r.actual_caregiver = 1)
             AND c.birth_estimate != '' AND c.birth_estimate >= ?
           GROUP BY h.village_code, r.adult_id ORDER BY h.village_code, r.adult_id""",
        [cutoff],
    ).fetchall()
    found: dict[str, list[tuple[str, str]]] = {}
    placed: set[str] = set()
    for village, adult, situation in rows:
        if adult not in placed:  # someone caring for children in two villages counts in the first
            placed.add(adult)
            found.setdefault(village, []).append((adult, situation))
    return found


def add_sessions(ws: Workspace, rng: random.Random, ids: Callable[[], str]) -> int:
    """Write the sessions of last year and this year (inside the caller's transaction); returns how many."""
    today = ws.today()
    log = ws.changelog(bulk=True)
    count = 0
    for year, which in ((today.year - 1, "last"), (today.year, "this")):
        last_day = date(year, 12, 31) if which == "last" else today - timedelta(days=1)
        if last_day.year != year:
            continue  # the first of January: nothing held yet this year
        elapsed = ((last_day - date(year, 1, 1)).days + 1) / 365
        for village, guardians in guardians_by_village(ws, year).items():
            share = rng.uniform(*COVERED[which]) * min(1.0, elapsed * 1.15)
            for session in _village_sessions(rng, village, guardians, share, year, last_day):
                session.id = ids()
                log.write(session, None)
                count += 1
    log.flush()
    return count


def _village_sessions(
    rng: random.Random, village: str, guardians: list[tuple[str, str]], share: float, year: int, last_day: date
) -> list[FamilyEducationSession]:
    # weighted sampling without replacement: the largest random() ** (1 / weight) win
    keyed = [(rng.random() ** (1 / weight), adult) for adult, situation in guardians
             if (weight := ATTENDS.get(situation, 1.0)) > 0]
    keyed.sort(reverse=True)
    reached = [adult for _, adult in keyed[:round(share * len(guardians))]]
    if not reached:
        return []
    attendees = reached + rng.sample(reached, int(len(reached) * SECOND_SESSION))
    count = max(1, math.ceil(len(attendees) / rng.randint(*SESSION_SIZE)))
    if len(attendees) >= 10:
        count = min(count, len(attendees) // 5)
    groups = [attendees[index::count] for index in range(count)]  # a second session falls in another group
    topics = rng.sample(words.SESSION_TOPICS, min(count, len(words.SESSION_TOPICS)))
    providers = [p for p, _ in words.SESSION_PROVIDERS]
    provider_weights = [w for _, w in words.SESSION_PROVIDERS]
    months = list(range(1, last_day.month + 1))
    township_language = words.TOWNSHIP_LANGUAGE.get(village[:9])
    sessions = []
    for index, group in enumerate(groups):
        month = rng.choices(months, weights=[words.SESSION_MONTH_WEIGHTS[m - 1] for m in months])[0]
        days = last_day.day if month == last_day.month else calendar.monthrange(year, month)[1]
        day = date(year, month, rng.randint(1, days))
        notes = rng.choice(words.SESSION_NOTES)
        if notes == words.SESSION_NOTES[3] and month > 2:
            notes = ""  # migrant parents come home for Losar only
        language = (township_language if township_language and rng.random() < 0.3
                    else "chinese" if rng.random() < 0.1 else "amdo")
        sessions.append(FamilyEducationSession(
            session_date=day.isoformat(), topic=topics[index % len(topics)],
            provider=rng.choices(providers, weights=provider_weights)[0], language=language,
            village_code=village, guardian_ids=list(dict.fromkeys(group)), notes=notes,
        ))
    sessions.sort(key=lambda s: s.session_date)
    return sessions
