"""The detail panel beside the register list: a household with its members, or a person with
their parents and carers, parents' situations, entrusted care and categories.

Rendered as HTML in a text browser (Qt shapes Tibetan there as everywhere); links carry the actions
(``person:ID``, ``edit:ENTITY:ID``, ``add:KIND``, ``delete:ENTITY:ID``, ``history:ENTITY:ID``),
which the panel turns into its ``action`` signal for the page to handle.
"""

from __future__ import annotations

import re
from html import escape

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QTextBrowser, QWidget

from ...core import records, vocab
from ...core.dates import LOCAL_ZONE
from ...core.msg import N_
from ...core.visits import parse_instant
from ...i18n import _, render
from ...i18n.formatting import format_age, format_datetime, format_partial
from ...i18n.values import display_value
from ...services.register_views import HouseholdView, PersonView
from ...storage.reference import Unit
from ..labels import person_label, unit_label

CHILD_FACTS = (
    "school_status", "school_name", "boarding", "health", "disability_category", "disability_level",
    "disability_certificate", "illness", "illness_on_county_list", "illness_untreated", "nutrition",
    "mental_health_concern", "behaviours", "work", "marital_status",
)
HOUSEHOLD_FACTS = (
    "address", "hukou_type", "livelihood", "seasonal_absence_months", "seasonal_absence_note",
    "economic_status", "housing", "hazards", "legal_basis", "notice_given_on",
)
# Texts shown in the panel (constants, so babel extracts them; f-strings hide calls from it).
VISITS = N_("Visits")
UNSIGNED_DRAFT = N_("Unsigned draft")
SIGNED = N_("Signed")
FINGERPRINT_MISMATCH = N_("Signed, but the content no longer matches its fingerprint")
CORRECTED_LATER = N_("Corrected by a later visit")
A_CORRECTION = N_("Corrects an earlier visit")
WHEN = N_("When")
HOW = N_("How")
VISITOR = N_("Visitor")
RATING_HEADER = N_("Guardianship rating")
STATUS = N_("Status")
NO_VISITS_YET = N_("No visits recorded yet.")
RECORD_A_VISIT = N_("Record a visit")
EDIT = N_("Edit")
REMOVE = N_("Remove")
HOUSEHOLD = N_("Household")
HOUSEHOLD_NUMBER = N_("Household number")
EDIT_HOUSEHOLD = N_("Edit household")
HISTORY = N_("History")
MEMBERS = N_("Members")
NAME = N_("Name")
SEX = N_("Sex")
AGE = N_("Age")
SITUATION = N_("Situation")
NO_MEMBERS_RECORDED_YET = N_("No members recorded yet.")
ADD_A_MEMBER = N_("Add a member")
NOTES = N_("Notes")
EDIT_PERSON = N_("Edit person")
REMOVE_FROM_THE_REGISTER = N_("Remove from the register")
NO_ID_NUMBER = N_("No ID number")
ID_NUMBER = N_("ID number")
SCHOOL_HEALTH_AND_WELLBEING = N_("School, health and wellbeing")
CHILDREN = N_("Children")
PARENTS_GUARDIANS_AND_CARERS = N_("Parents, guardians and carers")
RELATION = N_("Relation")
LEGAL_GUARDIAN = N_("Legal guardian")
CARES_FOR_THE_CHILD = N_("Cares for the child")
LIVES_WITH_THE_CHILD = N_("Lives with the child")
NO_LEGAL_GUARDIAN_RECORDED = N_("No legal guardian recorded.")
ADD_A_PARENT_GUARDIAN_OR = N_("Add a parent, guardian or carer")
ENTRUSTED_CARE = N_("Entrusted care")
NONE_RECORDED = N_("None recorded.")
ADD_AN_ENTRUSTED_CARE_ARRANGEMENT = N_("Add an entrusted-care arrangement")
CATEGORIES = N_("Categories")
ADD_A_CATEGORY = N_("Add a category")
SITUATION_OVER_TIME = N_("Situation over time")
SINCE = N_("Since")
UNTIL = N_("Until")
WHERE = N_("Where")
EVIDENCE = N_("Evidence")
LAST_CONTACT_WITH_THE_CHILD = N_("Last contact with the child")
EXPECTED = N_("expected {date}")
ADD_A_SITUATION = N_("Add a situation")
CHOOSE_A_HOUSEHOLD_OR_A = N_("Choose a household or a person in the list.")

STYLE = """
<style>
h2 { margin: 0 0 4px 0; }
h3 { margin: 14px 0 4px 0; color: #1f4e79; }
td, th { padding: 2px 8px 2px 0; vertical-align: top; }
th { text-align: left; color: #555; font-weight: normal; }
.warn { color: #8a5a00; }
.bad { color: #b00020; }
.muted { color: #666; }
a { color: #1a5fb4; }
</style>
"""


def _e(text: object) -> str:
    return escape(str(text or ""))


def _link(href: str, text: str) -> str:
    return f'<a href="{_e(href)}">{_e(text)}</a>'


def _actions(entity: str, record_id: str) -> str:
    return f"{_link(f'edit:{entity}:{record_id}', _(EDIT))} · {_link(f'delete:{entity}:{record_id}', _(REMOVE))}"


def _facts(record, names, skip_empty: bool = True) -> str:
    rows = []
    for name in names:
        value = getattr(record, name)
        if skip_empty and value in ("", [], False, None):
            continue
        label = _(records.info(type(record), name).label)
        rows.append(f"<tr><th>{_e(label)}</th><td>{_e(display_value(type(record), name, value))}</td></tr>")
    return f"<table>{''.join(rows)}</table>" if rows else ""


def _table(header: tuple[str, ...], rows: list[list[str]]) -> str:
    """An HTML table: translated header texts (message ids), then rows of ready HTML cells."""
    head = "".join(f"<th>{_e(_(h)) if h else ''}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _tick(value: bool) -> str:
    return "✓" if value else ""


def household_html(view: HouseholdView, units: dict[str, Unit], visit_entries=(), drafts=()) -> str:
    h = view.household
    title = " ".join(n for n in (h.house_name_zh, h.house_name_bo) if n) or _(HOUSEHOLD)
    place = " · ".join(x for x in (unit_label(units, h.village_code), unit_label(units, h.group_code)) if x)
    parts = [
        STYLE,
        f"<h2>{_e(title)}</h2>",
        f"<p class='muted'>{_e(_(HOUSEHOLD_NUMBER))}: {_e(h.household_number)} · {_e(place)}</p>",
        f"<p>{_link(f'edit:household:{h.id}', _(EDIT_HOUSEHOLD))} · {_link(f'history:household:{h.id}', _(HISTORY))}</p>",
        _facts(h, HOUSEHOLD_FACTS),
        f"<h3>{_e(_(MEMBERS))}</h3>",
    ]
    if view.members:
        rows = [
            [
                _link(f"person:{m.person.id}", person_label(m.person)), _e(_(vocab.SEX.label(m.person.sex))),
                _e(format_age(m.age)), _e(_(vocab.SITUATION_KIND.label(m.situation.kind)) if m.situation else ""),
            ]
            for m in view.members
        ]
        parts.append(_table((NAME, SEX, AGE, SITUATION), rows))
    else:
        parts.append(f"<p class='warn'>{_e(_(NO_MEMBERS_RECORDED_YET))}</p>")
    parts.append(f"<p>{_link('add:member', _(ADD_A_MEMBER))}</p>")
    parts.append(_visits_html(visit_entries, drafts))
    if h.notes:
        parts.append(f"<h3>{_e(_(NOTES))}</h3><p>{_e(h.notes)}</p>")
    return "".join(parts)


def _visit_when(visit) -> str:
    instant = parse_instant(visit.visited_at)
    return format_datetime(instant.astimezone(LOCAL_ZONE)) if instant else ""


def _visits_html(visit_entries, drafts) -> str:
    """The household's visits: unsigned drafts first, then signed visits, newest first."""
    parts = [f"<h3>{_e(_(VISITS))}</h3>"]
    rows = []
    for draft, _saved in drafts:
        rows.append([
            _link(f"draft:visit:{draft.id}", _visit_when(draft)), _e(_(vocab.VISIT_MODE.label(draft.mode))),
            _e(draft.visitor_name), "", f"<span class='warn'>{_e(_(UNSIGNED_DRAFT))}</span>",
        ])
    for entry in visit_entries:
        v = entry.visit
        status = _(SIGNED) if entry.intact else _(FINGERPRINT_MISMATCH)
        if entry.amended_by:
            status = _(CORRECTED_LATER)
        if v.amends:
            status += " · " + _(A_CORRECTION)
        rows.append([
            _link(f"visit:visit:{v.id}", _visit_when(v)), _e(_(vocab.VISIT_MODE.label(v.mode))), _e(v.visitor_name),
            _e(_(vocab.RATING.label(v.rating))), f"<span class='{'' if entry.intact else 'bad'}'>{_e(status)}</span>",
        ])
    if rows:
        parts.append(_table((WHEN, HOW, VISITOR, RATING_HEADER, STATUS), rows))
    else:
        parts.append(f"<p class='muted'>{_e(_(NO_VISITS_YET))}</p>")
    parts.append(f"<p>{_link('add:visit', _(RECORD_A_VISIT))}</p>")
    return "".join(parts)


def person_html(view: PersonView, units: dict[str, Unit]) -> str:
    p = view.person
    birth = format_partial(p.birth_date)
    if p.birth_date and p.birth_precision != "exact":
        birth += f" ({_(vocab.DATE_PRECISION.label(p.birth_precision))})"
    summary = " · ".join(x for x in (_(vocab.SEX.label(p.sex)), format_age(view.age), birth) if x)
    parts = [
        STYLE,
        f"<h2>{_e(person_label(p))}</h2>",
        f"<p class='muted'>{_e(summary)}</p>",
        f"<p>{_link(f'edit:person:{p.id}', _(EDIT_PERSON))} · {_link(f'history:person:{p.id}', _(HISTORY))}"
        f" · {_link(f'delete:person:{p.id}', _(REMOVE_FROM_THE_REGISTER))}</p>",
    ]
    rows = []
    if view.household is not None:
        h = view.household
        place = " · ".join(x for x in (unit_label(units, h.village_code), unit_label(units, h.group_code)) if x)
        house = " ".join(n for n in (h.house_name_zh, h.house_name_bo) if n)
        rows.append(
            f"<tr><th>{_e(_(HOUSEHOLD))}</th><td>{_link(f'household:{h.id}', f'{h.household_number} {house}')}"
            f" <span class='muted'>{_e(place)}</span></td></tr>"
        )
    id_text = p.id_number or _(NO_ID_NUMBER)
    status = view.id_check.status
    css = "bad" if status in ("bad_checksum", "bad_date", "bad_format") else ""
    status_text = "" if status in ("valid", "absent") else f" ({_(vocab.ID_CHECK.label(status))})"
    rows.append(f"<tr><th>{_e(_(ID_NUMBER))}</th><td class='{css}'>{_e(id_text)}{_e(status_text)}</td></tr>")
    parts.append(f"<table>{''.join(rows)}</table>")
    parts.append(_facts(p, ("aliases", "ethnicity", "hukou_status", "hukou_place", "alive_status", "phones")))
    for problem in view.warnings:
        parts.append(f"<p class='warn'>{_e(render(problem.message))}</p>")
    if view.is_minor or view.as_child:
        parts.append(_parents_html(view))
        facts = _facts(p, CHILD_FACTS)
        if facts:
            parts.append(f"<h3>{_e(_(SCHOOL_HEALTH_AND_WELLBEING))}</h3>{facts}")
        parts.append(_care_html(view))
        parts.append(_categories_html(view))
    if not view.is_minor or view.as_adult or view.situations:
        parts.append(_situations_html(view))
    if view.as_adult:
        parts.append(f"<h3>{_e(_(CHILDREN))}</h3><ul>")
        for rel in view.as_adult:
            parts.append(
                f"<li>{_link(f'person:{rel.relation.child_id}', person_label(rel.other))} — "
                f"{_e(_(vocab.RELATION_KIND.label(rel.relation.kind)))}</li>"
            )
        parts.append("</ul>")
    if p.notes:
        parts.append(f"<h3>{_e(_(NOTES))}</h3><p>{_e(p.notes)}</p>")
    return "".join(parts)


def _parents_html(view: PersonView) -> str:
    parts = [f"<h3>{_e(_(PARENTS_GUARDIANS_AND_CARERS))}</h3>"]
    if view.as_child:
        header = (NAME, RELATION, LEGAL_GUARDIAN, CARES_FOR_THE_CHILD, LIVES_WITH_THE_CHILD, SITUATION, "")
        rows = []
        for rel in view.as_child:
            r = rel.relation
            situation = ""
            if rel.other_situation is not None:
                s = rel.other_situation
                situation = _(vocab.SITUATION_KIND.label(s.kind))
                where = " ".join(x for x in (s.place_province, s.place_city) if x)
                if where:
                    situation += f" ({where})"
            rows.append([
                _link(f"person:{r.adult_id}", person_label(rel.other)), _e(_(vocab.RELATION_KIND.label(r.kind))),
                _tick(r.legal_guardian), _tick(r.actual_caregiver), _tick(r.lives_with), _e(situation),
                _actions("relation", r.id),
            ])
        parts.append(_table(header, rows))
    if not any(rel.relation.legal_guardian for rel in view.as_child):
        parts.append(f"<p class='bad'>{_e(_(NO_LEGAL_GUARDIAN_RECORDED))}</p>")
    parts.append(f"<p>{_link('add:relation', _(ADD_A_PARENT_GUARDIAN_OR))}</p>")
    return "".join(parts)


def _care_html(view: PersonView) -> str:
    parts = [f"<h3>{_e(_(ENTRUSTED_CARE))}</h3>"]
    for cv in view.care:
        c = cv.care
        period = " – ".join(x for x in (format_partial(c.start_date), format_partial(c.end_date)) if x)
        parts.append(
            f"<p>{_link(f'person:{c.carer_id}', person_label(cv.carer))} {_e(format_age(cv.carer_age))} "
            f"<span class='muted'>{_e(period)}</span> — {_actions('care_arrangement', c.id)}</p>"
        )
        parts.append(_facts(c, ("carer_full_capacity", "carer_health", "disqualifiers", "notice_school_on",
                                "notice_village_on", "confirmation_signed_on", "child_view_recorded")))
    if not view.care:
        parts.append(f"<p class='muted'>{_e(_(NONE_RECORDED))}</p>")
    parts.append(f"<p>{_link('add:care', _(ADD_AN_ENTRUSTED_CARE_ARRANGEMENT))}</p>")
    return "".join(parts)


def _categories_html(view: PersonView) -> str:
    parts = [f"<h3>{_e(_(CATEGORIES))}</h3>"]
    for c in view.classifications:
        status = _(vocab.CLASSIFICATION_STATUS.label(c.status))
        parts.append(
            f"<p>{_e(_(vocab.CLASSIFICATION_KIND.label(c.kind)))} <span class='muted'>({_e(status)}"
            f"{' · ' + _e(format_partial(c.status_date)) if c.status_date else ''})</span> — "
            f"{_actions('classification', c.id)}</p>"
        )
    if not view.classifications:
        parts.append(f"<p class='muted'>{_e(_(NONE_RECORDED))}</p>")
    parts.append(f"<p>{_link('add:classification', _(ADD_A_CATEGORY))}</p>")
    return "".join(parts)


def _situations_html(view: PersonView) -> str:
    parts = [f"<h3>{_e(_(SITUATION_OVER_TIME))}</h3>"]
    if view.situations:
        header = (SITUATION, SINCE, UNTIL, WHERE, EVIDENCE, LAST_CONTACT_WITH_THE_CHILD, "")
        rows = []
        for s in view.situations:
            until = format_partial(s.end_date) or (
                _(EXPECTED).format(date=format_partial(s.expected_end_date)) if s.expected_end_date else ""
            )
            where = " ".join(x for x in (s.place_province, s.place_city) if x)
            evidence = "" if s.evidence in ("", "none") else _(vocab.EVIDENCE.label(s.evidence))
            rows.append([
                _e(_(vocab.SITUATION_KIND.label(s.kind))), _e(format_partial(s.start_date)), _e(until), _e(where),
                _e(evidence), _e(format_partial(s.last_contact_on)), _actions("parent_situation", s.id),
            ])
        parts.append(_table(header, rows))
    else:
        parts.append(f"<p class='muted'>{_e(_(NONE_RECORDED))}</p>")
    parts.append(f"<p>{_link('add:situation', _(ADD_A_SITUATION))}</p>")
    return "".join(parts)


_ACTION_LINK = re.compile(r'(?: · | — )?<a href="(?:edit|delete|add|history|draft|visit):[^"]*">[^<]*</a>(?: · )?')
_OTHER_LINK = re.compile(r'<a href="[^"]*">([^<]*)</a>')


def without_actions(html: str) -> str:
    """The same panel to read only (beside another record, for comparing): action links removed,
    links to other records left as plain text."""
    html = _ACTION_LINK.sub("", html)
    html = html.replace("<p></p>", "")
    return _OTHER_LINK.sub(r"\1", html)


class DetailView(QTextBrowser):
    """Shows one household or person; emits ``action(verb, entity, id)`` for its links."""

    action = Signal(str, str, str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("detail")
        self.setOpenLinks(False)
        self.anchorClicked.connect(self._clicked)

    def _clicked(self, url: QUrl) -> None:
        parts = url.toString().split(":")
        verb = parts[0]
        if verb in ("person", "household"):
            self.action.emit("open", verb, parts[1])
        elif verb == "add":
            self.action.emit("add", parts[1], "")
        elif len(parts) == 3:
            self.action.emit(verb, parts[1], parts[2])

    def show_html(self, html: str) -> None:
        self.setHtml(html)

    def show_empty(self) -> None:
        self.setHtml(f"{STYLE}<p class='muted'>{_e(_(CHOOSE_A_HOUSEHOLD_OR_A))}</p>")
