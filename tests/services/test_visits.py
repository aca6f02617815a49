"""Visits in the services: drafts, signing (hash, lock), corrections, and drafts that survive a
killed process."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date

import pytest

from rangtang_desktop.core import records
from rangtang_desktop.core.errors import ValidationFailed
from rangtang_desktop.core.visits import content_hash, verify
from rangtang_desktop.services import register, visits
from rangtang_desktop.services.visits import VisitLocked
from rangtang_desktop.services.workspace import open_workspace

PNG = b"\x89PNG\r\n\x1a\n" + b"signature"


@pytest.fixture
def household(workspace, village):
    """A household with a girl of ten and her father."""
    h = register.save(workspace, records.Household(village_code=village.code)).record
    girl = register.save(workspace, records.Person(household_id=h.id, name_zh="卓玛", sex="female", birth_date=f"{date.today().year - 10}-03-01")).record
    father = register.save(workspace, records.Person(household_id=h.id, name_zh="多吉", sex="male", birth_date="1985", birth_precision="year")).record
    register.save(workspace, records.Relation(child_id=girl.id, adult_id=father.id, kind="father", legal_guardian=True))
    return h, girl, father


def ready_to_sign(ws, visit):
    signature = visits.store_signature(ws, PNG)
    return dataclasses.replace(visit, visitor_name="扎西", rating="good", visitor_signature=signature, guardian_signature=signature, guardian_signer_name="多吉")


def test_a_new_visit_lists_the_minors_as_seen(workspace, household):
    """Starting a visit makes a draft naming the household's children, and only them."""
    h, girl, _father = household
    draft = visits.start_visit(workspace, h.id)
    assert [c.person_id for c in draft.children] == [girl.id]
    assert visits.draft(workspace, draft.id) == draft


def test_signing_fixes_the_hash_and_removes_the_draft(workspace, household):
    """A signed visit verifies against its SHA-256 and its draft is gone."""
    h, _girl, _father = household
    signed = visits.sign(workspace, ready_to_sign(workspace, visits.start_visit(workspace, h.id)))
    assert signed.content_hash == content_hash(signed) and verify(signed)
    assert visits.get(workspace, signed.id) == signed
    assert visits.drafts(workspace) == []


def test_change_log_records_the_visit_as_one_event(workspace, household):
    """Signing writes one change naming the visit and its content hash."""
    h, _girl, _father = household
    signed = visits.sign(workspace, ready_to_sign(workspace, visits.start_visit(workspace, h.id)))
    rows = list(workspace.db.query("SELECT * FROM change_log WHERE entity_id = ?", [signed.id]))
    assert len(rows) == 1 and json.loads(rows[0]["value"]) == {"content_hash": signed.content_hash}


def test_unsigned_visit_is_refused_with_reasons(workspace, household):
    """Signing without signatures or a rating is refused, listing what is missing; nothing is stored."""
    h, _girl, _father = household
    draft = visits.start_visit(workspace, h.id)
    with pytest.raises(ValidationFailed) as refused:
        visits.sign(workspace, draft)
    fields = {p.field for p in refused.value.problems}
    assert {"visitor_name", "rating", "visitor_signature", "guardian_signature"} <= fields
    assert visits.get(workspace, draft.id) is None


def test_a_reason_can_stand_for_the_guardians_signature(workspace, household):
    """When the guardian cannot sign, a recorded reason is enough."""
    h, _girl, _father = household
    visit = dataclasses.replace(ready_to_sign(workspace, visits.start_visit(workspace, h.id)), guardian_signature="", guardian_no_signature_reason="unable")
    assert visits.sign(workspace, visit).guardian_no_signature_reason == "unable"


def test_signed_visit_cannot_be_changed_by_any_service(workspace, household):
    """Saving a draft over a signed visit, signing it again, or updating its row all fail."""
    h, _girl, _father = household
    signed = visits.sign(workspace, ready_to_sign(workspace, visits.start_visit(workspace, h.id)))
    changed = dataclasses.replace(signed, rating="poor")
    with pytest.raises(VisitLocked):
        visits.save_draft(workspace, changed)
    with pytest.raises(VisitLocked):
        visits.sign(workspace, changed)
    with pytest.raises(sqlite3.DatabaseError):
        workspace.db.execute("UPDATE visit SET mode = 'phone' WHERE id = ?", [signed.id])
    with pytest.raises(sqlite3.DatabaseError):
        workspace.db.execute("DELETE FROM visit WHERE id = ?", [signed.id])
    assert visits.get(workspace, signed.id) == signed


def test_correction_amends_and_the_chain_is_visible(workspace, household):
    """A correction is a new signed visit naming the original; both stay, the chain is readable."""
    h, _girl, _father = household
    original = visits.sign(workspace, ready_to_sign(workspace, visits.start_visit(workspace, h.id)))
    correction = visits.start_amendment(workspace, original.id)
    assert correction.amends == original.id and not correction.signed
    fixed = visits.sign(workspace, dataclasses.replace(ready_to_sign(workspace, correction), rating="fair"))
    assert [v.id for v in visits.amendment_chain(workspace, fixed.id)] == [original.id, fixed.id]
    history = {e.visit.id: e for e in visits.household_history(workspace, h.id)}
    assert history[original.id].amended_by == fixed.id and history[fixed.id].amended_by == ""


def test_future_visit_is_refused(workspace, household):
    """A visit dated in the future cannot be signed."""
    h, _girl, _father = household
    visit = dataclasses.replace(ready_to_sign(workspace, visits.start_visit(workspace, h.id)), visited_at="2999-01-01T00:00:00+00:00")
    with pytest.raises(ValidationFailed):
        visits.sign(workspace, visit)


def test_draft_survives_a_killed_process(tmp_path, village):
    """A draft saved by a process that is then killed with SIGKILL is there when the database is opened again."""
    if not hasattr(signal, "SIGKILL"):
        pytest.skip("SIGKILL is not available on this system")
    path = tmp_path / "killed.sqlite3"
    ws = open_workspace(path, create=True)
    household = register.save(ws, records.Household(village_code=village.code)).record
    ws.close()
    script = textwrap.dedent(
        f"""
        import dataclasses, sys, time
        from rangtang_desktop.services import visits
        from rangtang_desktop.services.workspace import open_workspace
        ws = open_workspace({str(path)!r})
        draft = visits.start_visit(ws, {household.id!r})
        visits.save_draft(ws, dataclasses.replace(draft, notes="写到一半"))
        print(draft.id, flush=True)
        time.sleep(60)
        """
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=dict(os.environ))
    draft_id = process.stdout.readline().strip()
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    again = open_workspace(path)
    try:
        assert visits.draft(again, draft_id).notes == "写到一半"
        assert again.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        again.close()
