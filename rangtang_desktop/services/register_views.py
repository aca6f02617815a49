"""Read-only snapshots of a household and of a person for the detail panels and printouts:
the record with everything around it, gathered in one call.

What the window shows a person goes through ``show_person``, ``show_household`` and
``open_record``, which record the view in the audit log (``services.audit``); ``person_view`` and
``household_view`` themselves do not (printing and the visit form use them and are recorded as
what they are)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..core import records
from ..core.dates import age_range, is_minor
from ..core.id_numbers import IdCheck, check_id_number
from ..core.validation import Problem, birth_of, validate
from ..storage import register as reg
from . import audit, permissions
from .workspace import Workspace


@dataclass(frozen=True)
class Member:
    person: records.Person
    age: tuple[int, int] | None  # youngest and oldest possible completed age
    situation: records.ParentSituation | None  # the current one, if any
    is_minor: bool = False


@dataclass(frozen=True)
class HouseholdView:
    household: records.Household
    members: list[Member]


@dataclass(frozen=True)
class RelationView:
    relation: records.Relation
    other: records.Person | None  # the adult (for a child) or the child (for an adult)
    other_situation: records.ParentSituation | None = None


@dataclass(frozen=True)
class CareView:
    care: records.CareArrangement
    carer: records.Person | None
    carer_age: tuple[int, int] | None


@dataclass(frozen=True)
class PersonView:
    person: records.Person
    household: records.Household | None
    age: tuple[int, int] | None
    id_check: IdCheck
    as_child: list[RelationView] = field(default_factory=list)
    as_adult: list[RelationView] = field(default_factory=list)
    situations: list[records.ParentSituation] = field(default_factory=list)
    care: list[CareView] = field(default_factory=list)
    classifications: list[records.Classification] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    is_minor: bool = False


def current_situation(situations: list[records.ParentSituation], today_text: str) -> records.ParentSituation | None:
    """The situation without an end date (or ending in the future) that started last."""
    ongoing = [s for s in situations if not s.end_date or s.end_date >= today_text[: len(s.end_date)]]
    return max(ongoing, key=lambda s: s.start_date or "", default=None)


def _age(ws: Workspace, person: records.Person) -> tuple[int, int] | None:
    birth = birth_of(person)
    return age_range(birth, ws.today()) if birth else None


def _minor(ws: Workspace, person: records.Person) -> bool:
    birth = birth_of(person)
    return birth is not None and is_minor(birth, ws.today())


def household_view(ws: Workspace, household_id: str) -> HouseholdView:
    household = reg.get(ws.db, "household", household_id)
    today = ws.today().isoformat()
    members = [
        Member(p, _age(ws, p), current_situation(reg.situations_of(ws.db, p.id), today), _minor(ws, p))
        for p in reg.members(ws.db, household_id)
    ]
    members.sort(key=lambda m: (m.is_minor, -(m.age[1] if m.age else 0)))
    return HouseholdView(household, members)


def person_view(ws: Workspace, person_id: str) -> PersonView:
    person = reg.get(ws.db, "person", person_id)
    household = reg.find(ws.db, "household", person.household_id) if person.household_id else None
    birth = birth_of(person)
    today = ws.today().isoformat()
    as_child_rel = reg.relations_of_child(ws.db, person_id)
    as_adult_rel = reg.relations_of_adult(ws.db, person_id)
    care = reg.care_of(ws.db, person_id)
    others = reg.people(
        ws.db, [r.adult_id for r in as_child_rel] + [r.child_id for r in as_adult_rel] + [c.carer_id for c in care]
    )
    as_child = [
        RelationView(r, others.get(r.adult_id), current_situation(reg.situations_of(ws.db, r.adult_id), today))
        for r in as_child_rel
    ]
    as_adult = [RelationView(r, others.get(r.child_id)) for r in as_adult_rel]
    return PersonView(
        person=person,
        household=household,
        age=_age(ws, person),
        id_check=check_id_number(
            person.id_number,
            birth_date=birth.earliest() if birth else None,
            birth_exact=bool(birth and birth.is_exact),
            sex=person.sex,
            today=ws.today(),
        ),
        as_child=as_child,
        as_adult=as_adult,
        situations=reg.situations_of(ws.db, person_id),
        care=[CareView(c, others.get(c.carer_id), _age(ws, others[c.carer_id]) if c.carer_id in others else None) for c in care],
        classifications=reg.classifications_of(ws.db, person_id),
        warnings=[p for p in validate(person, ws.today()) if not p.is_error],
        is_minor=_minor(ws, person),
    )


def show_household(ws: Workspace, household_id: str, *, where: str = "register") -> HouseholdView:
    """``household_view`` for showing to the user: the view is recorded in the audit log. A grid
    worker is shown the households of their village groups only."""
    view = household_view(ws, household_id)
    permissions.require_household(ws, view.household)
    audit.viewed(ws, "household", household_id, where=where)
    return view


def show_person(ws: Workspace, person_id: str, *, where: str = "register") -> PersonView:
    """``person_view`` for showing to the user: the view is recorded in the audit log."""
    view = person_view(ws, person_id)
    if permissions.group_scope(ws) is not None:
        permissions.require_household(ws, view.household)
    audit.viewed(ws, "person", person_id, where=where)
    return view


def open_record(ws: Workspace, entity: str, record_id: str):
    """A register record opened in its dialog (``None`` if it does not exist); recorded as a view.
    Restricted records only for the roles allowed; a grid worker's households and people only in
    their groups."""
    permissions.require_entity(ws, entity)
    record = find(ws, entity, record_id)
    if record is not None and permissions.group_scope(ws) is not None:
        if isinstance(record, records.Household):
            permissions.require_household(ws, record)
        elif isinstance(record, records.Person):
            permissions.require_household(ws, find(ws, "household", record.household_id))
    if record is not None:
        audit.viewed(ws, entity, record_id, where="dialog")
    return record


def person_choices(ws: Workspace, household_id: str, exclude: str = "") -> list[records.Person]:
    """The household's members, to pick a parent, carer or child from."""
    return [p for p in reg.members(ws.db, household_id) if p.id != exclude]


def find(ws: Workspace, entity: str, record_id: str):
    """The record, or ``None`` if it does not exist."""
    return reg.find(ws.db, entity, record_id) if record_id else None


def people(ws: Workspace, ids: list[str]) -> dict[str, records.Person]:
    return reg.people(ws.db, ids)


def search(ws: Workspace, query: str, limit: int = 200) -> list[str]:
    """Ids of people matching a query (names in any script, pinyin, variants, ID number, house name);
    a grid worker's only in their village groups."""
    from ..storage.search import search_people

    found = search_people(ws.db, query, ws.variants, limit=limit)
    scope = permissions.group_scope(ws)
    if scope is None or not found:
        return found
    marks = ", ".join("?" for _ in found)
    groups = dict(ws.db.execute(
        f"SELECT p.id, h.group_code FROM person p JOIN household h ON h.id = p.household_id WHERE p.id IN ({marks})",
        found,
    ).fetchall())
    return [person_id for person_id in found if groups.get(person_id) in scope]


def node_unit(ws: Workspace) -> str:
    """The village or township code of this computer ("" until set)."""
    from ..storage.nodes import self_node

    node = self_node(ws.db)
    return node.unit_code if node else ""
