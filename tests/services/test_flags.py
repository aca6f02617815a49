"""Flags in the services: evaluation that never duplicates and never deletes, incremental evaluation
after saves and signed visits, the lifecycle through the change log, mandatory reports, referrals and
suggested categories — on real temporary databases with the real rules."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta

import pytest

from rangtang_desktop.core import records
from rangtang_desktop.core.errors import ValidationFailed
from rangtang_desktop.core.flags import flag_id
from rangtang_desktop.core.id_numbers import make_id_number
from rangtang_desktop.core.msg import Message
from rangtang_desktop.services import flags, register, visits
from rangtang_desktop.services.changes import Changes
from rangtang_desktop.services.flag_facts import facts_for, minor_ids
from rangtang_desktop.storage import flags as store
from rangtang_desktop.storage import nodes
from rangtang_desktop.storage.database import write_transaction

PNG = b"\x89PNG\r\n\x1a\n" + b"signature"


def years_ago(years: int, days: int = 0) -> str:
    today = date.today()
    return (today.replace(year=today.year - years) - timedelta(days=days)).isoformat()


def months_ago(months: int) -> str:
    today = date.today()
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, min(today.day, 28)).isoformat()


@pytest.fixture
def family(workspace, village):
    """A household with a girl of ten (hukou registered, a valid ID number) and her father and
    mother, both legal guardians living with her."""
    ws = workspace
    h = register.save(ws, records.Household(village_code=village.code, house_name_zh="阿坝仓")).record
    born = date.fromisoformat(years_ago(10, 40))
    girl = register.save(ws, records.Person(
        household_id=h.id, name_zh="卓玛", sex="female", birth_date=born.isoformat(),
        id_number=make_id_number("513230", born, 2), school_status="primary",
    )).record
    father = register.save(ws, records.Person(household_id=h.id, name_zh="多吉", sex="male", birth_date="1985", birth_precision="year")).record
    mother = register.save(ws, records.Person(household_id=h.id, name_zh="拉姆", sex="female", birth_date="1987", birth_precision="year")).record
    for adult, kind in ((father, "father"), (mother, "mother")):
        register.save(ws, records.Relation(child_id=girl.id, adult_id=adult.id, kind=kind, legal_guardian=True, actual_caregiver=True, lives_with=True))
    for adult in (father, mother):
        register.save(ws, records.ParentSituation(person_id=adult.id, kind="at_home"))
    return h, girl, father, mother


def rule_flags(ws, child_id: str, rule_id: str, **filters) -> list[flags.FlagRow]:
    return [r for r in flags.list_flags(ws, child_id=child_id, **filters) if r.rule_id == rule_id]


def no_hukou(ws, girl):
    return register.save(ws, dataclasses.replace(girl, hukou_status="not_registered"), reason="found at the visit").record


def flag_count(ws) -> int:
    return ws.db.execute("SELECT count(*) FROM flag").fetchone()[0]


def sign_visit(ws, household_id: str, answers: dict[str, dict[str, str]]):
    draft = visits.start_visit(ws, household_id)
    signature = visits.store_signature(ws, PNG)
    ready = dataclasses.replace(
        draft, visitor_name="扎西", rating="poor", visitor_signature=signature, guardian_signature=signature,
        guardian_signer_name="多吉", checklist=answers,
    )
    return visits.sign(ws, ready)


def report_for(row: flags.FlagRow, **fields) -> records.MandatoryReport:
    now = datetime.now(UTC)
    values = {
        "flag_id": row.flag_id, "child_id": row.child_id,
        "discovered_at": (now - timedelta(hours=3)).isoformat(timespec="seconds"),
        "reported_at": (now - timedelta(hours=1)).isoformat(timespec="seconds"),
        "receiving_unit": "壤塘县公安局", "case_number": "壤公(刑)受字〔2025〕17号", **fields,
    }
    return records.MandatoryReport(**values)


@pytest.fixture
def injury(workspace, family):
    """A signed visit that observed an injury to the girl's private parts: R01, critical, mandatory report."""
    h, girl, _father, _mother = family
    sign_visit(workspace, h.id, {girl.id: {"private_injury": "observed"}})
    [row] = rule_flags(workspace, girl.id, "R01")
    return row


# -- evaluation ---------------------------------------------------------------------------------------


def test_the_quiet_family_raises_no_flag(workspace, family):
    """A registered girl living with both parents at home has no flag but, depending on the day,
    R36a (too few visits this month) and R36b (no family-education session yet this year)."""
    _h, girl, _father, _mother = family
    assert {r.rule_id for r in flags.list_flags(workspace, child_id=girl.id)} <= {"R36a", "R36b"}


def test_full_evaluation_is_idempotent(workspace, family):
    """Evaluating twice gives the same flags: no duplicate rows, nothing raised the second time."""
    _h, girl, _father, _mother = family
    no_hukou(workspace, girl)
    first = flags.evaluate_all(workspace)
    rows = [(r.flag_id, r.status, r.holds, r.first_raised_at) for r in flags.list_flags(workspace, include_cleared=True)]
    second = flags.evaluate_all(workspace)
    assert [(r.flag_id, r.status, r.holds, r.first_raised_at) for r in flags.list_flags(workspace, include_cleared=True)] == rows
    assert flag_count(workspace) == len(rows) == len({r[0] for r in rows})
    assert second.raised == second.cleared == second.raised_again == 0
    assert second.still_holding == first.still_holding + first.raised
    assert rule_flags(workspace, girl.id, "R32")[0].flag_id == flag_id("R32", girl.id)


def test_a_cleared_condition_keeps_the_flag_and_its_status(workspace, family):
    """When the condition stops holding the flag stays, with holds off, a clearing time and its status."""
    _h, girl, _father, _mother = family
    girl = no_hukou(workspace, girl)
    [row] = rule_flags(workspace, girl.id, "R32")
    flags.set_status(workspace, row.flag_id, "acknowledged", "the family is applying for hukou")
    register.save(workspace, dataclasses.replace(girl, hukou_status="registered"), reason="hukou registered")
    assert rule_flags(workspace, girl.id, "R32") == []
    [kept] = rule_flags(workspace, girl.id, "R32", include_cleared=True)
    assert (kept.flag_id, kept.holds, kept.status) == (row.flag_id, False, "acknowledged")
    assert kept.cleared_at and kept.first_raised_at == row.first_raised_at


def test_a_condition_holding_again_raises_the_same_flag_with_an_event(workspace, family):
    """A flag cleared and then holding again is the same row, holding, with a raised-again event."""
    _h, girl, _father, _mother = family
    girl = no_hukou(workspace, girl)
    girl = register.save(workspace, dataclasses.replace(girl, hukou_status="registered")).record
    register.save(workspace, dataclasses.replace(girl, hukou_status="not_registered"))
    [row] = rule_flags(workspace, girl.id, "R32")
    assert row.holds and row.cleared_at == ""
    kinds = [e.kind for e in flags.flag_history(workspace, row.flag_id)]
    assert kinds == ["raised", "cleared", "raised_again"]
    assert flag_count(workspace) == len(flags.list_flags(workspace, include_cleared=True))


def test_a_deleted_child_keeps_flags_that_no_longer_hold(workspace, family):
    """Deleting a child re-evaluates them: their flags stop holding, and nothing is deleted."""
    _h, girl, _father, _mother = family
    no_hukou(workspace, girl)
    before = flag_count(workspace)
    assert register.delete(workspace, "person", girl.id, reason="entered twice").flags
    assert flags.list_flags(workspace, child_id=girl.id) == []
    assert flag_count(workspace) == before


def test_a_flag_remembers_its_rule_version_and_explanation(workspace, family):
    """The stored explanation comes back as messages that render, and the rule version is kept."""
    _h, girl, _father, _mother = family
    no_hukou(workspace, girl)
    [row] = rule_flags(workspace, girl.id, "R32")
    assert row.rule_version == flags.RULES_BY_ID["R32"].version
    assert row.facts and all(isinstance(m, Message) for m in row.facts)
    assert all(m.render(lambda text: text) for m in row.facts)


def test_facts_json_keeps_nested_messages():
    """A fact whose parameter is itself a message (a vocabulary label) survives the round trip."""
    facts = (Message("{relation}: {fact} since {since}", {"relation": Message("Father"), "fact": Message("Imprisoned"), "since": date(2025, 3, 1)}),)
    back = store.facts_from_json(store.facts_to_json(facts))
    assert back[0].params["relation"] == Message("Father")
    assert back[0].render(lambda text: text) == "Father: Imprisoned since 2025-03-01"


# -- incremental evaluation ------------------------------------------------------------------------------


def test_a_person_save_evaluates_that_child(workspace, family):
    """Saving the child with no hukou raises R32 at once, and the save says flags changed."""
    _h, girl, _father, _mother = family
    result = register.save(workspace, dataclasses.replace(girl, hukou_status="not_registered"))
    assert result.changes == Changes(register=True, flags=True)
    assert [r.severity for r in rule_flags(workspace, girl.id, "R32")] == ["high"]


def test_a_relation_save_evaluates_its_child(workspace, village):
    """Recording a child's relations to two deceased parents raises the orphan rule R25 with its suggestion."""
    ws = workspace
    h = register.save(ws, records.Household(village_code=village.code)).record
    boy = register.save(ws, records.Person(household_id=h.id, name_zh="扎西", sex="male", birth_date=years_ago(7))).record
    parents = [
        register.save(ws, records.Person(household_id=h.id, name_zh=name, sex=sex, birth_date="1980", birth_precision="year", alive_status="deceased")).record
        for name, sex in (("次仁", "male"), ("央金", "female"))
    ]
    register.save(ws, records.Relation(child_id=boy.id, adult_id=parents[0].id, kind="father"))
    assert rule_flags(ws, boy.id, "R25") == []
    register.save(ws, records.Relation(child_id=boy.id, adult_id=parents[1].id, kind="mother"))
    [row] = rule_flags(ws, boy.id, "R25")
    assert (row.severity, row.suggests) == ("high", "orphan_scattered")


def test_a_situation_save_evaluates_the_parents_children(workspace, family):
    """A father imprisoned for eight months with the mother deceased: 事实无人抚养 (R24) is suggested."""
    _h, girl, father, mother = family
    register.save(workspace, dataclasses.replace(mother, alive_status="deceased"))
    assert rule_flags(workspace, girl.id, "R24") == []
    register.save(workspace, records.ParentSituation(person_id=father.id, kind="imprisoned", start_date=months_ago(8), evidence="prison_document"))
    [row] = rule_flags(workspace, girl.id, "R24")
    assert (row.severity, row.suggests) == ("high", "de_facto_unsupported")


def test_a_situation_under_six_months_raises_no_r24(workspace, family):
    """Imprisoned for two months is not yet 事实无人抚养."""
    _h, girl, father, mother = family
    register.save(workspace, dataclasses.replace(mother, alive_status="deceased"))
    register.save(workspace, records.ParentSituation(person_id=father.id, kind="imprisoned", start_date=months_ago(2)))
    assert rule_flags(workspace, girl.id, "R24") == []


def test_a_signed_visit_with_an_observed_injury_raises_a_critical_report(workspace, family, injury):
    """A checklist answer "observed" on a signed visit raises R01: critical, mandatory report, pending."""
    assert (injury.severity, injury.mandatory_report, injury.status) == ("critical", True, "open")
    assert injury.report_pending
    assert [r.flag_id for r in flags.pending_reports(workspace)] == [injury.flag_id]


def test_affected_children_of_each_kind_of_record(workspace, family):
    """A household names its minors, a parent's situation the parent's children, an adult their children."""
    h, girl, father, _mother = family
    ws = workspace
    assert flags.affected_children(ws, h) == [girl.id]
    assert flags.affected_children(ws, records.ParentSituation(person_id=father.id)) == [girl.id]
    assert flags.affected_children(ws, father) == [father.id, girl.id]
    assert flags.affected_children(ws, records.Classification(child_id=girl.id)) == [girl.id]
    assert flags.affected_children(ws, records.Referral(child_id=girl.id)) == []


def test_incremental_and_full_evaluation_agree(workspace, family, injury):
    """After saves, a full evaluation finds nothing new to raise or clear."""
    _h, girl, father, mother = family
    register.save(workspace, dataclasses.replace(mother, alive_status="deceased"))
    register.save(workspace, records.ParentSituation(person_id=father.id, kind="imprisoned", start_date=months_ago(8)))
    no_hukou(workspace, girl)
    result = flags.evaluate_all(workspace)
    assert (result.raised, result.cleared, result.raised_again, result.changed) == (0, 0, 0, 0)


def test_facts_of_a_child(workspace, family, injury):
    """The facts name the parents with their current situations and the latest visit's answers."""
    h, girl, father, _mother = family
    assert minor_ids(workspace) == [girl.id]
    facts = facts_for(workspace, [girl.id])[girl.id]
    assert facts.household_id == h.id and facts.id_check == "valid"
    assert {a.relation for a in facts.parents} == {"father", "mother"}
    assert facts.father().person_id == father.id and facts.father().has("at_home")
    assert facts.latest_visit.answer("private_injury") == "observed"
    assert facts.month_state in ("met", "at_risk", "due", "away")


# -- lifecycle ---------------------------------------------------------------------------------------------


def test_a_status_change_needs_a_reason(workspace, family):
    """An empty reason is refused and nothing is written."""
    _h, girl, _father, _mother = family
    no_hukou(workspace, girl)
    [row] = rule_flags(workspace, girl.id, "R32")
    with pytest.raises(flags.ReasonRequired):
        flags.set_status(workspace, row.flag_id, "acknowledged", "  ")
    assert flags.flag(workspace, row.flag_id).status == "open"


def test_a_step_not_in_the_lifecycle_is_refused(workspace, family):
    """Resolved can only be reopened; an unknown status is refused too."""
    _h, girl, _father, _mother = family
    no_hukou(workspace, girl)
    [row] = rule_flags(workspace, girl.id, "R32")
    flags.set_status(workspace, row.flag_id, "resolved", "hukou application handed in")
    with pytest.raises(flags.TransitionRefused):
        flags.set_status(workspace, row.flag_id, "acknowledged", "changed my mind")
    with pytest.raises(flags.TransitionRefused):
        flags.set_status(workspace, row.flag_id, "closed", "no such status")
    assert flags.set_status(workspace, row.flag_id, "open", "application refused") == Changes(flags=True)
    assert flags.flag(workspace, row.flag_id).status == "open"


def test_status_changes_go_through_the_change_log(workspace, family):
    """Each step is one change of the flag's status with author and reason; the history shows from, to, who and why."""
    _h, girl, _father, _mother = family
    no_hukou(workspace, girl)
    [row] = rule_flags(workspace, girl.id, "R32")
    flags.set_status(workspace, row.flag_id, "acknowledged", "seen by the child director")
    flags.set_status(workspace, row.flag_id, "referred", "sent to the police station for hukou")
    changes = list(workspace.db.query("SELECT * FROM change_log WHERE entity_id = ? ORDER BY seq", [row.flag_id]))
    assert [(c["entity"], c["field"], json.loads(c["value"]), c["author"]) for c in changes] == [
        ("flag", "status", {"status": "acknowledged"}, workspace.user_id),
        ("flag", "status", {"status": "referred"}, workspace.user_id),
    ]
    assert changes[1]["reason"] == "sent to the police station for hukou"
    steps = [e for e in flags.flag_history(workspace, row.flag_id) if e.kind == "status"]
    assert [(e.from_status, e.to_status, e.author_id) for e in steps] == [
        ("open", "acknowledged", workspace.user_id), ("acknowledged", "referred", workspace.user_id),
    ]
    assert steps[0].reason.render(lambda text: text) == "seen by the child director"


def test_a_status_received_before_the_flag_is_evaluated_is_kept(workspace, family):
    """A status change that arrives for a flag this laptop has not raised yet applies when it is raised."""
    _h, girl, _father, _mother = family
    expected = flag_id("R32", girl.id)
    with write_transaction(workspace.db):
        workspace.changelog().write_value("flag", expected, "status", {"status": "acknowledged"}, "seen at the township")
        store.refresh_status(workspace.db, [expected])
    no_hukou(workspace, girl)
    assert flags.flag(workspace, expected).status == "acknowledged"


# -- mandatory reports ---------------------------------------------------------------------------------------


def test_a_pending_report_blocks_referring_resolving_and_referrals(workspace, family, injury):
    """Until a report is saved the flag can be acknowledged but not referred, resolved or given a referral."""
    flags.set_status(workspace, injury.flag_id, "acknowledged", "child director informed")
    for status in ("referred", "resolved"):
        with pytest.raises(flags.MandatoryReportPending):
            flags.set_status(workspace, injury.flag_id, status, "handled")
    with pytest.raises(flags.MandatoryReportPending):
        register.save(workspace, records.Referral(flag_id=injury.flag_id, child_id=injury.child_id, sent_on=date.today().isoformat()))
    assert flags.referrals(workspace, flag_id_=injury.flag_id) == []
    assert flags.flag(workspace, injury.flag_id).report_pending


def test_saving_a_report_refers_the_flag_and_keeps_the_reporter_confidential(workspace, family, injury):
    """The report names the acting user as reporter, moves the flag to referred, and no list or history shows who."""
    result = register.save(workspace, report_for(injury))
    assert result.changes.flags
    assert result.record.reporter == workspace.user_id
    row = flags.flag(workspace, injury.flag_id)
    assert (row.status, row.has_report, row.report_pending) == ("referred", True, False)
    assert flags.pending_reports(workspace) == []
    listed = [r for r in flags.list_flags(workspace) if r.flag_id == injury.flag_id]
    assert workspace.user_id not in json.dumps([dataclasses.asdict(r) for r in listed], ensure_ascii=False)
    step = [e for e in flags.flag_history(workspace, injury.flag_id) if e.kind == "status"][-1]
    assert (step.to_status, step.author_id, step.author_name) == ("referred", "", "")
    assert "mandatory_report" in records.RESTRICTED and records.CONFIDENTIAL_FIELDS["mandatory_report"] == ("reporter",)


def test_a_report_needs_when_and_to_whom(workspace, family, injury):
    """A report without its times or receiving unit is refused; the flag stays pending."""
    with pytest.raises(ValidationFailed) as refused:
        register.save(workspace, report_for(injury, reported_at="", receiving_unit=""))
    assert {"reported_at", "receiving_unit"} <= {p.field for p in refused.value.problems}
    with pytest.raises(ValidationFailed):
        register.save(workspace, report_for(injury, reported_at=(datetime.now(UTC) - timedelta(hours=5)).isoformat()))
    assert flags.flag(workspace, injury.flag_id).report_pending


def test_only_a_township_supervisor_dismisses_a_pending_report(workspace, family, injury):
    """A child director cannot dismiss a pending report; a township supervisor can, with a reason."""
    with pytest.raises(flags.SupervisorOnly):
        flags.dismiss_mandatory(workspace, injury.flag_id, "a fall from a horse, seen by the clinic")
    with pytest.raises(flags.SupervisorOnly):
        flags.set_status(workspace, injury.flag_id, "dismissed", "a fall from a horse")
    with write_transaction(workspace.db):
        nodes.update_user(workspace.db, workspace.user_id, "督导员", "township_supervisor")
    with pytest.raises(flags.ReasonRequired):
        flags.dismiss_mandatory(workspace, injury.flag_id, "")
    flags.dismiss_mandatory(workspace, injury.flag_id, "a fall from a horse, seen by the clinic")
    assert flags.flag(workspace, injury.flag_id).status == "dismissed"
    assert flags.pending_reports(workspace) == []


# -- referrals and suggestions -----------------------------------------------------------------------------------


def test_a_referral_refers_the_flag_and_shows_when_overdue(workspace, family):
    """Saving a referral moves its flag to referred; sent or accepted past its due day it is overdue."""
    _h, girl, _father, _mother = family
    no_hukou(workspace, girl)
    [row] = rule_flags(workspace, girl.id, "R32")
    today = date.today()
    referral = register.save(workspace, records.Referral(
        flag_id=row.flag_id, child_id=girl.id, target="township", unit_name="南木达镇政府",
        sent_on=(today - timedelta(days=20)).isoformat(), due_on=(today - timedelta(days=5)).isoformat(),
    )).record
    assert flags.flag(workspace, row.flag_id).status == "referred"
    [overdue] = flags.overdue_referrals(workspace, today)
    assert (overdue.referral.id, overdue.days_overdue, overdue.child_name_zh) == (referral.id, 5, "卓玛")
    assert flags.overdue_referrals(workspace, today - timedelta(days=5)) == []
    register.save(workspace, dataclasses.replace(referral, status="done", outcome="户口已登记"))
    assert flags.overdue_referrals(workspace, today) == []


def test_confirming_a_suggestion_records_the_category_and_resolves_the_flag(workspace, family):
    """Confirming R24's suggestion records 事实无人抚养 pending verification and resolves the flag with the reason."""
    _h, girl, father, mother = family
    register.save(workspace, dataclasses.replace(mother, alive_status="deceased"))
    register.save(workspace, records.ParentSituation(person_id=father.id, kind="imprisoned", start_date=months_ago(8)))
    [row] = rule_flags(workspace, girl.id, "R24")
    assert [c for c in register_categories(workspace, girl.id)] == []
    changes = flags.confirm_suggestion(workspace, row.flag_id, reason="confirmed with the township")
    assert changes.register and changes.flags
    assert register_categories(workspace, girl.id) == [("de_facto_unsupported", "pending")]
    after = flags.flag(workspace, row.flag_id)
    assert after.status == "resolved" and not after.holds
    step = [e for e in flags.flag_history(workspace, row.flag_id) if e.kind == "status"][-1]
    assert step.reason.render(lambda text: text) == "confirmed with the township"


def test_a_flag_without_a_suggestion_cannot_be_confirmed(workspace, family):
    """Confirming a flag that suggests nothing is refused and records nothing."""
    _h, girl, _father, _mother = family
    no_hukou(workspace, girl)
    [row] = rule_flags(workspace, girl.id, "R32")
    with pytest.raises(flags.NoSuggestion):
        flags.confirm_suggestion(workspace, row.flag_id)
    assert register_categories(workspace, girl.id) == []


def register_categories(ws, child_id: str) -> list[tuple[str, str]]:
    return [(c.kind, c.status) for c in register_classifications(ws, child_id)]


def register_classifications(ws, child_id: str):
    from rangtang_desktop.storage import register as reg

    return reg.classifications_of(ws.db, child_id)


# -- lists ----------------------------------------------------------------------------------------------------------


def test_lists_sort_by_severity_then_age_and_filter_by_place(workspace, family, injury):
    """Critical flags come first; the village filter takes a township code; another village sees none."""
    _h, girl, _father, _mother = family
    no_hukou(workspace, girl)
    rows = flags.list_flags(workspace)
    assert rows[0].flag_id == injury.flag_id
    assert [r.severity for r in rows] == sorted((r.severity for r in rows), key=lambda s: flags.SEVERITY_ORDER[s])
    assert flags.list_flags(workspace, village_code="513230101") == rows
    assert flags.list_flags(workspace, village_code="513230206") == []
    assert flags.list_flags(workspace, severity="critical", status="open") == [rows[0]]
    assert rows[0].village_code == "513230101203" and rows[0].child_name_zh == "卓玛"


def test_changing_the_county_settings_evaluates_every_flag(workspace, family):
    """Saving county settings evaluates again at once (a changed illness list raises R34 without a save of the child)."""
    from rangtang_desktop.core.county_settings import CountySettings
    from rangtang_desktop.services import county_settings

    _h, girl, _father, _mother = family
    register.save(workspace, dataclasses.replace(girl, health="seriously_ill", illness="包虫病"))
    assert rule_flags(workspace, girl.id, "R34") == []
    settings = CountySettings(serious_illnesses=(*CountySettings().serious_illnesses, "包虫病"))
    assert county_settings.save(workspace, settings, reason="echinococcosis added") == Changes(settings=True, flags=True)
    assert len(rule_flags(workspace, girl.id, "R34")) == 1


def test_possible_duplicates_agree_between_full_and_partial_evaluation(workspace, family, monkeypatch):
    """The same girl entered in a second household is a possible duplicate (R36d) whether everyone or
    only she is evaluated, also when her id set is large enough to be read in bulk."""
    from rangtang_desktop.services import flag_facts

    h, girl, _father, _mother = family
    other = register.save(workspace, records.Household(village_code=h.village_code)).record
    copy = register.save(workspace, records.Person(household_id=other.id, name_zh="卓玛", sex="female", birth_date=girl.birth_date)).record
    flags.evaluate_all(workspace)
    assert {r.child_id for r in flags.list_flags(workspace, rule_id="R36d")} == {girl.id, copy.id}
    monkeypatch.setattr(flag_facts, "_WHOLE", 0)
    result = flags.evaluate_children(workspace, [copy.id])
    assert (result.raised, result.cleared) == (0, 0)
    assert {r.child_id for r in flags.list_flags(workspace, rule_id="R36d")} == {girl.id, copy.id}


def test_a_family_education_session_counts_for_the_guardians_children(workspace, family):
    """A session this year with the father taking part counts for his daughter, and saving it evaluates her."""
    h, girl, father, _mother = family
    assert facts_for(workspace, [girl.id])[girl.id].family_education_this_year == 0
    saved = register.save(workspace, records.FamilyEducationSession(
        session_date=date.today().isoformat(), topic="安全教育", village_code=h.village_code, guardian_ids=[father.id],
    ))
    assert saved.changes.flags
    assert facts_for(workspace, [girl.id])[girl.id].family_education_this_year == 1
    assert rule_flags(workspace, girl.id, "R36b") == []


def test_a_report_for_an_unknown_flag_is_refused(workspace, family):
    """A report naming a flag this laptop does not know is refused, and no status is invented for it."""
    _h, girl, _father, _mother = family
    unknown = flag_id("R01", "nobody")
    with pytest.raises(ValidationFailed):
        register.save(workspace, records.MandatoryReport(
            flag_id=unknown, child_id=girl.id, discovered_at=datetime.now(UTC).isoformat(),
            reported_at=datetime.now(UTC).isoformat(), receiving_unit="壤塘县公安局",
        ))
    assert store.status_of(workspace.db, unknown) == "open"
    assert workspace.db.execute("SELECT count(*) FROM flag_status").fetchone()[0] == 0


def test_a_household_away_this_month_is_away_in_the_facts(workspace, family, monkeypatch):
    """A household marked away for the season this month gives its children the compliance state
    away, whether the facts are read for a few children or in bulk."""
    from rangtang_desktop.services import flag_facts

    h, girl, _father, _mother = family
    register.save(workspace, dataclasses.replace(h, seasonal_absence_months=[str(date.today().month)]))
    assert facts_for(workspace, [girl.id])[girl.id].month_state == "away"
    monkeypatch.setattr(flag_facts, "_WHOLE", 0)
    assert facts_for(workspace, [girl.id], all_minors=True)[girl.id].month_state == "away"


def test_facts_read_in_bulk_equal_facts_read_for_one_child(workspace, family, injury, monkeypatch):
    """Every fact comes out the same whether read for one child or in bulk for everyone."""
    from rangtang_desktop.services import flag_facts

    h, girl, father, mother = family
    register.save(workspace, dataclasses.replace(h, seasonal_absence_months=["7"], hazards=["drowning"]))
    register.save(workspace, dataclasses.replace(mother, alive_status="deceased"))
    register.save(workspace, records.ParentSituation(person_id=father.id, kind="imprisoned", start_date=months_ago(8), end_date=""))
    register.save(workspace, records.CareArrangement(child_id=girl.id, carer_id=mother.id, start_date=months_ago(3)[:7], carer_health="ill"))
    register.save(workspace, records.Classification(child_id=girl.id, kind="child_of_prisoner", status="recognised"))
    register.save(workspace, records.FamilyEducationSession(session_date=date.today().isoformat(), guardian_ids=[father.id]))
    one = facts_for(workspace, [girl.id])[girl.id]
    monkeypatch.setattr(flag_facts, "_WHOLE", 0)
    assert facts_for(workspace, minor_ids(workspace), all_minors=True)[girl.id] == one
    assert one.care and one.classifications and one.latest_visit and one.family_education_this_year == 1
