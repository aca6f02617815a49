"""Bad input at the exchange services (issue 6): every bad bundle is refused with a clear two-part
message and the database is exactly as it was (every row of every table compared); the cases that
are not errors (a replay, a gap, a fork, changes stamped in the future) do what DESIGN §5 says; a
full or write-protected stick during export leaves no file and the database untouched.

Container-level damage of every kind is covered in ``tests/exchange``; here each kind of bad input
goes through the services, as a person's import does."""

from __future__ import annotations

import errno
import os
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from rangtang_desktop.core.errors import RangtangError
from rangtang_desktop.core.hlc import Timestamp
from rangtang_desktop.exchange import atomic
from rangtang_desktop.exchange.bundle import BundleWriteFailed, Sender, write_bundle
from rangtang_desktop.i18n import render
from rangtang_desktop.services import conflicts, enrollment, exchange
from rangtang_desktop.services.enrollment import party_of
from rangtang_desktop.storage import peers
from rangtang_desktop.storage import register as reg
from rangtang_desktop.storage.database import write_transaction
from rangtang_desktop.storage.meta import set_meta
from tests.exchange.support import raw_zip

from .exchange_support import (
    TOWNSHIP_CODE,
    VILLAGE_A,
    County,
    clone,
    enroll,
    household_with_child,
    laptop,
    make_county,
    snapshot,
)


@pytest.fixture
def county(tmp_path) -> County:
    found = make_county(tmp_path)
    household_with_child(found.village_a, VILLAGE_A)
    yield found
    found.close()


def refused(ws, path) -> str:
    """Import, dry run and batch import all refuse ``path`` with a two-part message, changing nothing;
    returns the reason code."""
    before = snapshot(ws)
    with pytest.raises(RangtangError) as caught:
        exchange.preview_import(ws, path)
    with pytest.raises(RangtangError) as again:
        exchange.import_bundle(ws, path)
    [result] = exchange.import_files(ws, [path])
    assert snapshot(ws) == before
    error = caught.value
    assert render(error.headline_message()) and render(error.advice_message())
    assert "Traceback" not in render(error.headline_message())
    reason = getattr(error, "reason", "")
    assert getattr(again.value, "reason", "") == reason
    assert (result.status, result.reason) == ("rejected", reason)
    assert result.as_json()["reason"] == reason
    return reason


def exported(county: County):
    return exchange.export_bundle(county.village_a, county.stick).path


def test_unknown_computer(county, tmp_path):
    """A village enrolled at a copy of the township's database (never at this one) is unknown here."""
    copy = clone(county.township, tmp_path / "township_copy.sqlite3")
    stranger = laptop(tmp_path, "stranger", "village", "513230101205")
    enroll(stranger, copy, tmp_path / "other_stick")
    household_with_child(stranger, "513230101205")
    path = exchange.export_bundle(stranger, county.stick).path
    assert refused(county.township, path) == "unknown_sender"
    assert exchange.import_bundle(copy, path).status == "applied"  # the computer that enrolled it takes it
    copy.close()
    stranger.close()


def test_revoked_computer(county):
    """A bundle from a revoked village is refused."""
    path = exported(county)
    enrollment.revoke(county.township, county.village_a.node_id, "laptop stolen")
    assert refused(county.township, path) == "revoked_sender"


def test_signed_by_one_computer_claiming_another(county):
    """Village B signing a bundle that claims to come from village A is refused as sender_mismatch."""
    a, b = county.village_a, county.village_b
    b_private, _ = peers.self_private_keys(b.db)
    b_row = peers.self_row(b.db)
    impostor = Sender(a.node_id, b_private, b_row.signing_public, b_row.encryption_public)
    written = write_bundle(
        county.stick, kind="changes", sender=impostor, recipient=party_of(peers.self_row(county.township.db)),
        payload=b"whatever", sequence=9,
    )
    assert refused(county.township, written.path) == "sender_mismatch"


def test_addressed_to_another_township(county, tmp_path):
    """A village's bundle brought to another township is refused there as wrong_recipient."""
    other = laptop(tmp_path, "other_township", "township", TOWNSHIP_CODE)
    assert refused(other, exported(county)) == "wrong_recipient"
    # and a return bundle meant for a village is refused at the township itself
    back = exchange.export_bundle(county.township, county.stick, recipient=county.village_a.node_id)
    assert refused(county.township, back.path) == "wrong_recipient"
    assert refused(county.village_b, back.path) == "wrong_recipient"
    other.close()


@pytest.mark.parametrize("where", [0, 10, 0.25, 0.5, 0.75, -30, -1])
def test_any_byte_modified(county, where):
    """A bundle with one byte changed (in the header, the manifest, the payload or the end record) is refused."""
    path = exported(county)
    data = bytearray(path.read_bytes())
    position = int(len(data) * where) if isinstance(where, float) else where
    data[position] ^= 0x04
    path.write_bytes(bytes(data))
    assert refused(county.township, path) in {
        "not_a_bundle", "truncated", "damaged", "unsafe_path", "duplicate_member", "unexpected_member",
        "unsupported_compression", "encrypted_member", "symlink", "bad_json", "bad_manifest", "bad_signature",
        "hash_mismatch",
    }


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.99])
def test_truncated(county, keep):
    """A bundle cut short (the stick pulled out mid-copy) is refused as truncated."""
    path = exported(county)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    assert refused(county.township, path) == "truncated"


def test_empty_file(county):
    """An empty file (a copy that never started) is refused as empty."""
    path = county.stick / "empty.rtb"
    path.write_bytes(b"")
    assert refused(county.township, path) == "empty"


def test_not_a_bundle(county):
    """A text file, a photo, and another ZIP file (a spreadsheet) are each refused as not_a_bundle."""
    text = county.stick / "notes.rtb"
    text.write_text("壤塘 notes")
    photo = county.stick / "photo.rtb"
    photo.write_bytes(b"\xff\xd8\xff\xe0 JFIF" + bytes(400))
    sheet = county.stick / "sheet.rtb"
    with zipfile.ZipFile(sheet, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("manifest.xml", "<m/>")
    for path in (text, photo, sheet):
        assert refused(county.township, path) == "not_a_bundle"


def test_hostile_archives(county):
    """A ZIP whose members escape the folder or are symlinks is refused without anything being written."""
    escaping = county.stick / "escape.rtb"
    escaping.write_bytes(raw_zip([{"name": "manifest.json", "data": b"{}"}, {"name": "../../evil.bat", "data": b"x"}]))
    assert refused(county.township, escaping) == "unsafe_path"
    assert not (county.stick.parent / "evil.bat").exists()
    linked = county.stick / "link.rtb"
    linked.write_bytes(raw_zip([
        {"name": "manifest.json", "data": b"{}"},
        {"name": "manifest.sig", "data": b"/etc/passwd", "mode": 0o120777},
    ]))
    assert refused(county.township, linked) == "symlink"


def test_an_enrollment_file_is_not_imported(county, tmp_path):
    """An enrollment request offered for import is explained, not imported."""
    late = laptop(tmp_path, "late", "village", "513230101206")
    request, _card = enrollment.write_request(late, county.stick)
    assert refused(county.township, request) == "enrollment_document"
    late.close()


def test_older_bundle_replayed_is_a_no_op(county):
    """Importing a bundle again, even after a newer one, changes nothing and is not an error."""
    first = exported(county)
    household_with_child(county.village_a, VILLAGE_A, "拉姆")
    second = exported(county)
    assert exchange.import_bundle(county.township, first).status == "applied"
    assert exchange.import_bundle(county.township, second).status == "applied"
    before = snapshot(county.township)
    result = exchange.import_bundle(county.township, first, write_receipt_to=county.stick)
    assert result.status == "already_applied" and result.receipt_path is None and not result.changes
    assert exchange.preview_import(county.township, first).status == "already_applied"
    assert snapshot(county.township) == before


def test_gap_in_the_sequence_is_applied_and_shown(county):
    """When bundle 1 never arrives, bundle 2 is applied and the gap is reported (and listed for the village)."""
    exported(county).unlink()
    second = exported(county)
    result = exchange.import_bundle(county.township, second)
    assert result.status == "applied" and result.gaps == [1] and result.new == 2
    [listed] = [n for n in enrollment.enrolled_nodes(county.township) if n.card.node_id == county.village_a.node_id]
    assert listed.gaps == [1]


def test_different_bundle_with_a_seen_number_is_held_as_a_fork(county, tmp_path):
    """A cloned laptop's bundle reusing a number already imported is kept aside and shown, and nothing of it is applied."""
    twin = clone(county.village_a, tmp_path / "twin.sqlite3")
    _home, girl = household_with_child(county.village_a, VILLAGE_A, "拉姆")
    _home, other = household_with_child(twin, VILLAGE_A, "央金")
    original = exported(county)
    forked = exchange.export_bundle(twin, county.stick).path
    assert exchange.import_bundle(county.township, original).status == "applied"
    tables = ["person", "household", "change", "visit", "conflict", "held_change"]
    before = {t: county.township.db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables}
    assert exchange.preview_import(county.township, forked).status == "fork"
    result = exchange.import_bundle(county.township, forked)
    assert result.status == "fork" and result.changes.exchange
    assert {t: county.township.db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables} == before
    assert reg.get(county.township.db, "person", girl.id) is not None
    assert reg.people(county.township.db, [other.id]) == {}
    [fork] = exchange.forks(county.township)
    assert fork.node_id == county.village_a.node_id and fork.sequence == 1 and os.path.exists(fork.held_path)
    [listed] = [n for n in enrollment.enrolled_nodes(county.township) if n.card.node_id == county.village_a.node_id]
    assert listed.pending_forks == 1
    again = snapshot(county.township)
    assert exchange.import_bundle(county.township, forked).status == "fork"  # recorded once
    assert snapshot(county.township) == again
    twin.close()


def test_changes_reusing_numbers_are_a_fork_too(county, tmp_path):
    """A clone's later bundle with a new number but changes that reuse the original's change numbers is held, not applied."""
    a = county.village_a
    assert exchange.import_bundle(county.township, exported(county)).status == "applied"
    twin = clone(a, tmp_path / "twin.sqlite3")
    household_with_child(a, VILLAGE_A, "拉姆")
    assert exchange.import_bundle(county.township, exported(county)).status == "applied"  # bundle 2
    exchange.export_bundle(twin, county.stick)  # the twin's own bundle 2, never brought
    household_with_child(twin, VILLAGE_A, "央金")
    third = exchange.export_bundle(twin, county.stick)
    assert third.sequence == 3
    tables = ["person", "household", "change"]
    before = {t: county.township.db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables}
    result = exchange.import_bundle(county.township, third.path)
    assert (result.status, result.reason) == ("fork", "change_fork")
    assert {t: county.township.db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables} == before
    assert len(exchange.forks(county.township)) == 1
    twin.close()


def test_changes_stamped_more_than_a_day_ahead_are_held(county):
    """Changes from a laptop whose clock ran three days ahead are held for a person, not applied."""
    a = county.village_a
    ahead = datetime.now(UTC) + timedelta(days=3)
    with write_transaction(a.db):
        set_meta(a.db, "hlc", str(Timestamp(int(ahead.timestamp() * 1000), 0, a.node_id).packed))
    _home, girl = household_with_child(a, VILLAGE_A, "拉姆")
    result = exchange.import_bundle(county.township, exported(county))
    assert result.status == "applied" and result.held_future >= 2
    assert reg.people(county.township.db, [girl.id]) == {}
    held = conflicts.held_changes(county.township)
    assert {h.entity_id for h in held} >= {girl.id}


# -- writing to a stick that fails --------------------------------------------------------------


def no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def read_only(*args, **kwargs):
    raise OSError(errno.EROFS, "Read-only file system")


@pytest.mark.parametrize(
    ("target", "failure", "reason"),
    [("write", no_space, "disk_full"), ("replace", read_only, "read_only"), ("fsync", no_space, "disk_full")],
)
def test_full_or_write_protected_stick_during_export(county, monkeypatch, target, failure, reason):
    """A stick that fills up or is write-protected while the bundle is written: a clear message, no file left, the database untouched."""
    a = county.village_a
    before = snapshot(a)
    monkeypatch.setattr(atomic.os, target, failure)
    with pytest.raises(BundleWriteFailed) as caught:
        exchange.export_bundle(a, county.stick)
    monkeypatch.undo()
    assert caught.value.reason == reason and render(caught.value.advice_message())
    assert [p.name for p in county.stick.iterdir() if not p.name.startswith("enrollment-")] == []
    assert snapshot(a) == before
    # the next export works and is bundle number 1: nothing was counted for the failed one
    assert exchange.export_bundle(a, county.stick).sequence == 1


def test_failing_stick_during_return_export(county, monkeypatch):
    """The township's return bundle on a full stick: no file, nothing recorded."""
    township = county.township
    before = snapshot(township)
    monkeypatch.setattr(atomic.os, "write", no_space)
    with pytest.raises(BundleWriteFailed):
        exchange.export_returns(township, county.stick)
    monkeypatch.undo()
    assert not [p for p in county.stick.iterdir() if p.name.startswith(("return-", "."))]
    assert snapshot(township) == before


def test_a_bundle_is_removed_when_it_cannot_be_recorded(county, monkeypatch):
    """If the database refuses to record a bundle just written, the file is removed again (no unrecorded bundle on the stick)."""

    def broken(*args, **kwargs):
        raise RangtangError()

    monkeypatch.setattr(peers, "record_sent", broken)
    with pytest.raises(RangtangError):
        exchange.export_bundle(county.village_a, county.stick)
    assert not [p for p in county.stick.iterdir() if p.name.startswith("changes-")]


def test_receipt_on_a_full_stick_does_not_undo_the_import(county, monkeypatch):
    """When the receipt cannot be written the import stands, and the result says why there is no receipt."""
    path = exported(county)
    real_write = os.write
    calls = {"n": 0}

    def write_then_fail(fd, data):
        calls["n"] += 1
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "write", write_then_fail)
    result = exchange.import_bundle(county.township, path, write_receipt_to=county.stick)
    monkeypatch.setattr(atomic.os, "write", real_write)
    assert result.status == "applied" and result.receipt_path is None and result.receipt_error == "disk_full"
    assert calls["n"] >= 1
    assert not [p for p in county.stick.iterdir() if p.name.startswith(("receipt-", "."))]
