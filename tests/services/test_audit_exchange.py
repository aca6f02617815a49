"""The audit log in bundles, through real files between a township and its villages: a village's
entries travel and are kept per computer, the township checks them and acknowledges them, a
tampered or rewound village chain is recorded and shown without blocking the data, and malformed
entries refuse the bundle like any malformed payload."""

from __future__ import annotations

import zlib

import pytest

from rangtang_desktop.exchange import payload as payload_codec
from rangtang_desktop.exchange.errors import BundleRejected
from rangtang_desktop.services import audit, audit_exchange, exchange, register_views
from rangtang_desktop.storage import audit as store
from rangtang_desktop.storage import register as reg
from rangtang_desktop.storage.wire import canonical

from .exchange_support import VILLAGE_A, County, clone, household_with_child, make_county, snapshot


@pytest.fixture
def county(tmp_path) -> County:
    found = make_county(tmp_path)
    yield found
    found.close()


def send(county: County, village) -> exchange.ImportResult:
    """The village exports, the township imports and writes its receipt, the village reads it."""
    exported = exchange.export_bundle(village, county.stick)
    result = exchange.import_bundle(county.township, exported.path, write_receipt_to=county.stick)
    if result.receipt_path is not None:
        assert exchange.import_bundle(village, result.receipt_path).status == "applied"
    return result


def own(ws) -> list[store.Entry]:
    return list(store.chain(ws.db, ws.node_id))


def test_a_villages_entries_travel_and_are_checked_per_computer(county):
    """The township holds the village's chain as it came, under the village's node; it checks out;
    the receipt acknowledges it, so the next bundle carries only the newer entries."""
    a, township = county.village_a, county.township
    _home, girl = household_with_child(a, VILLAGE_A)
    register_views.show_person(a, girl.id)
    sent = own(a)
    result = send(county, a)
    assert result.status == "applied" and result.audit_warnings == []
    held = list(store.chain(township.db, a.node_id))
    assert held == sent  # exactly as they came: numbers, times, users, hashes
    [check] = audit.verify(township, a.node_id)
    assert check.ok and check.entries == len(sent) and not check.is_self
    assert store.acknowledged(a.db, township.node_id, a.node_id) == len(sent)
    # the export itself was recorded at the village after the payload was made, the import at the township
    assert own(a)[-1].action == "export" and own(a)[-1].detail["bundle_seq"] == 1
    assert own(township)[-1].action == "import" and own(township)[-1].detail["audit"] == len(sent)
    register_views.show_person(a, girl.id, where="dialog")
    exported = exchange.export_bundle(a, county.stick)
    contents = audit_entries_of(county, exported.path)
    assert [e.seq for e in contents] == [len(sent) + 1, len(sent) + 2]  # the export entry and the new view
    assert exchange.import_bundle(township, exported.path).status == "applied"
    assert all(r.ok for r in audit.verify(township))
    assert {r.node_id for r in audit.verify(township)} == {township.node_id, a.node_id}


def audit_entries_of(county: County, path) -> list[store.Entry]:
    from rangtang_desktop.exchange.bundle import open_bundle
    from rangtang_desktop.storage import peers

    township = county.township
    me = peers.self_row(township.db)
    _, private = peers.self_private_keys(township.db)

    def known(node_id):
        from rangtang_desktop.exchange.manifest import Party

        row = peers.node_row(township.db, node_id)
        return Party(row.node_id, row.signing_public, row.encryption_public)

    opened = open_bundle(path, my_node_id=me.node_id, my_encryption_private=private, known_sender=known, revoked=lambda n: False)
    return payload_codec.decode(opened.payload).audit


def test_the_return_bundle_acknowledges_what_the_township_holds(county):
    a, township = county.village_a, county.township
    household_with_child(a, VILLAGE_A)
    exported = exchange.export_bundle(a, county.stick)
    exchange.import_bundle(township, exported.path)  # no receipt
    assert store.acknowledged(a.db, township.node_id, a.node_id) == 0
    back = exchange.export_bundle(township, county.stick, recipient=a.node_id)
    assert exchange.import_bundle(a, back.path).status == "applied"
    assert store.acknowledged(a.db, township.node_id, a.node_id) == store.held_through(township.db, a.node_id) > 0
    assert own(a)[-1].action == "import" and own(a)[-1].detail["kind"] == "return"


def test_a_tampered_village_chain_is_shown_and_its_data_imported_all_the_same(county):
    """Someone edited an entry in the village's database: the township imports the data (the bundle's
    signature proves who sent it), stores the entries as they came and records where the chain breaks."""
    a, township = county.village_a, county.township
    _home, girl = household_with_child(a, VILLAGE_A)
    register_views.show_person(a, girl.id)
    a.db.execute("DROP TRIGGER audit_is_locked")
    a.db.execute("UPDATE audit SET entity_id = 'someone-else' WHERE seq = 3")
    result = send(county, a)
    assert result.status == "applied"
    assert reg.get(township.db, "person", girl.id) is not None
    assert [(w.kind, w.seq) for w in result.audit_warnings] == [("hash", 3)]
    assert result.as_json()["audit_warnings"] == [{"kind": "hash", "seq": 3, "count": 1}]
    [check] = audit.verify(township, a.node_id)
    assert (check.ok, check.problem, check.bad_seq) == (False, "hash", 3)
    assert [w.kind for w in check.warnings] == ["hash"]
    assert audit.broken([check]) is not None


def test_a_rewound_village_chain_is_flagged_at_the_township(county, tmp_path):
    """An old copy of the village database is put back (a restored backup), new entries are made and
    exported: the township finds entries that differ from those it received under the same numbers,
    records and shows it, and keeps the differing entries as evidence."""
    a, township = county.village_a, county.township
    _home, girl = household_with_child(a, VILLAGE_A)
    old = clone(a, tmp_path / "old-copy.sqlite3")  # the backup, taken now
    kept_through = own(old)[-1].seq
    register_views.show_person(a, girl.id)
    assert send(county, a).status == "applied"
    held_before = list(store.chain(township.db, a.node_id))
    # the old copy is restored: it makes new entries under numbers the township already holds
    register_views.show_person(old, girl.id, where="dialog")
    exported = exchange.export_bundle(old, county.stick)
    result = exchange.import_bundle(township, exported.path)
    assert result.status == "fork"  # its bundle number was used before: held back, as for any fork
    assert [(w.kind, w.seq) for w in result.audit_warnings] == [("rewound", kept_through + 1)]
    assert list(store.chain(township.db, a.node_id)) == held_before  # what was held is never replaced
    divergent = township.db.execute("SELECT seq FROM audit_divergent WHERE node_id = ?", [a.node_id]).fetchall()
    assert [r[0] for r in divergent] == [kept_through + 1]
    [check] = audit.verify(township, a.node_id)
    assert (check.ok, check.problem, check.bad_seq) == (False, "rewound", kept_through + 1)
    again = snapshot(township)
    assert exchange.import_bundle(township, exported.path).status == "fork"  # recorded once
    assert snapshot(township) == again
    old.close()


def test_entries_of_another_computer_refuse_the_bundle(county, monkeypatch):
    """A village sends its own chain only; a bundle carrying another computer's entries is refused
    and changes nothing."""
    a, b, township = county.village_a, county.village_b, county.township
    household_with_child(b, VILLAGE_A)
    household_with_child(a, VILLAGE_A)
    foreign = own(b)
    monkeypatch.setattr(audit_exchange, "outgoing", lambda ws, node, full: own(ws) + foreign)
    exported = exchange.export_bundle(a, county.stick)
    monkeypatch.undo()
    before = snapshot(township)
    [result] = exchange.import_files(township, [exported.path], write_receipts=False)
    assert result.status == "rejected" and result.reason == "bad_json"
    assert [line for line in snapshot(township) if "audit" in line or '"person"' in line] == [
        line for line in before if "audit" in line or '"person"' in line
    ]


def _payload(value: dict) -> bytes:
    return zlib.compress(canonical(value).encode("utf-8"))


BASE = {"format": "rangtang-changes", "version": 1, "changes": [], "visits": [], "attachments": [], "users": []}


def test_payloads_without_audit_still_read_and_bad_entries_are_refused(workspace):
    """An older version's payload (no ``audit``) reads as having none; a malformed entry refuses it."""
    assert payload_codec.decode(_payload(BASE)).audit == []
    entry = audit.record(workspace, "view", subject=("person", "p1"), detail={"where": "register"})
    good = payload_codec.decode(_payload({**BASE, "audit": [entry.as_wire()]}))
    assert good.audit == [entry]
    for bad in ({**entry.as_wire(), "detail": {"x": 1.5}}, {**entry.as_wire(), "name": "卓玛"}, "text"):
        with pytest.raises(BundleRejected) as refused:
            payload_codec.decode(_payload({**BASE, "audit": [bad]}))
        assert refused.value.reason == "bad_json"
    with pytest.raises(BundleRejected):
        payload_codec.decode(_payload({**BASE, "audit": {"not": "a list"}}))
    contents = payload_codec.Contents(audit=[entry])
    assert payload_codec.decode(payload_codec.encode(contents)).audit == [entry]
