"""Enrollment by USB stick both ways, the cards people compare, the list of enrolled villages, and
revoking a computer."""

from __future__ import annotations

import pytest

from rangtang_desktop.exchange.bundle import BundleRejected
from rangtang_desktop.services import enrollment, exchange
from rangtang_desktop.services.node import node_info

from .exchange_support import OTHER_TOWNSHIP_CODE, TOWNSHIP_CODE, VILLAGE_A, VILLAGE_B, enroll, laptop, snapshot


@pytest.fixture
def pair(tmp_path):
    """A township laptop and a village laptop of that township, not enrolled yet."""
    township = laptop(tmp_path, "township", "township", TOWNSHIP_CODE)
    village = laptop(tmp_path, "village", "village", VILLAGE_A)
    yield township, village
    township.close()
    village.close()


def test_both_screens_show_the_same_fingerprints(pair, tmp_path):
    """The request shows the village's fingerprints at the township, the response the township's at the village, as each computer shows its own."""
    township, village = pair
    stick = tmp_path / "stick"
    stick.mkdir()
    request, own = enrollment.write_request(village, stick, display_name="  格尔登村电脑  ")
    assert request.parent == stick and request.name.startswith("enrollment-request-")
    seen = enrollment.read_request(township, request)
    mine = node_info(village)
    assert (seen.signing_fingerprint, seen.encryption_fingerprint) == (mine.signing_fingerprint, mine.encryption_fingerprint)
    assert seen == own and (seen.role, seen.unit_code, seen.display_name) == ("village", VILLAGE_A, "格尔登村电脑")
    response, village_card = enrollment.accept_request(township, request, stick)
    assert village_card.node_id == village.node_id and village_card.display_name == "格尔登村电脑"
    theirs = enrollment.read_response(village, response)
    township_info = node_info(township)
    assert theirs.node_id == township.node_id and theirs.role == "township" and theirs.unit_code == TOWNSHIP_CODE
    assert theirs.signing_fingerprint == township_info.signing_fingerprint
    assert enrollment.township(village) is None
    changes = enrollment.complete(village, response)
    assert changes.exchange and changes.node
    assert enrollment.township(village) == theirs


def test_the_township_lists_its_villages(pair, tmp_path):
    """Enrolled villages are listed by village code with when they were enrolled; the township itself is not."""
    township, village = pair
    other = laptop(tmp_path, "other", "village", VILLAGE_B)
    enroll(other, township, tmp_path / "stick")
    enroll(village, township, tmp_path / "stick")
    listed = enrollment.enrolled_nodes(township)
    assert [n.card.unit_code for n in listed] == [VILLAGE_A, VILLAGE_B]
    assert all(n.enrolled_at and not n.revoked_at and n.bundles_received == 0 and n.gaps == [] for n in listed)
    other.close()


def test_accepting_again_rewrites_the_response(pair, tmp_path):
    """A lost response is no problem: accepting the same request again writes a new one, still one enrolled village."""
    township, village = pair
    stick = tmp_path / "stick"
    stick.mkdir()
    request, _ = enrollment.write_request(village, stick)
    first, _ = enrollment.accept_request(township, request, stick)
    second, _ = enrollment.accept_request(township, request, stick)
    assert first != second and first.exists() and second.exists()
    assert len(enrollment.enrolled_nodes(township)) == 1
    enrollment.complete(village, second)
    assert enrollment.township(village).node_id == township.node_id


def test_response_for_another_computer_is_refused(pair, tmp_path):
    """A village cannot complete with a response the township wrote for another computer; nothing changes."""
    township, village = pair
    stranger = laptop(tmp_path, "stranger", "village", VILLAGE_B)
    stick = tmp_path / "stick"
    stick.mkdir()
    request, _ = enrollment.write_request(stranger, stick)
    response, _ = enrollment.accept_request(township, request, stick)
    before = snapshot(village)
    with pytest.raises(enrollment.ResponseForAnotherComputer):
        enrollment.read_response(village, response)
    with pytest.raises(enrollment.ResponseForAnotherComputer):
        enrollment.complete(village, response)
    assert snapshot(village) == before
    stranger.close()


def test_request_and_response_mixed_up(pair, tmp_path):
    """A response offered as a request (and the other way round) is explained, not accepted."""
    township, village = pair
    stick = tmp_path / "stick"
    stick.mkdir()
    request, _ = enrollment.write_request(village, stick)
    response, _ = enrollment.accept_request(township, request, stick)
    with pytest.raises(enrollment.ResponseNotRequest):
        enrollment.read_request(township, response)
    with pytest.raises(enrollment.RequestNotResponse):
        enrollment.complete(village, request)
    with pytest.raises(enrollment.RequestFromThisComputer):
        enrollment.read_request(village, request)


def test_roles_and_places_are_checked(pair, tmp_path):
    """Only a township accepts, only a village of that township is accepted, and a computer without a village cannot ask."""
    township, village = pair
    stick = tmp_path / "stick"
    stick.mkdir()
    request, _ = enrollment.write_request(village, stick)
    other_village = laptop(tmp_path, "v2", "village", VILLAGE_B)
    with pytest.raises(enrollment.OnlyTownshipEnrolls):
        enrollment.accept_request(other_village, request, stick)
    far = laptop(tmp_path, "far", "township", OTHER_TOWNSHIP_CODE)
    before = snapshot(far)
    with pytest.raises(enrollment.VillageOutsideTownship):
        enrollment.accept_request(far, request, stick)
    assert snapshot(far) == before
    bare = laptop(tmp_path, "bare", "village", "")
    with pytest.raises(enrollment.NoUnitChosen):
        enrollment.write_request(bare, stick)
    with pytest.raises(enrollment.OnlyVillageEnrolls):
        enrollment.write_request(township, stick)
    for ws in (other_village, far, bare):
        ws.close()


def test_a_damaged_request_is_refused(pair, tmp_path):
    """A request with a changed byte is refused by the bundle checks (a BundleRejected with its reason)."""
    township, village = pair
    stick = tmp_path / "stick"
    stick.mkdir()
    request, _ = enrollment.write_request(village, stick)
    data = bytearray(request.read_bytes())
    data[len(data) // 3] ^= 0x20
    request.write_bytes(bytes(data))
    with pytest.raises(BundleRejected):
        enrollment.read_request(township, request)
    assert enrollment.enrolled_nodes(township) == []


def test_revoking_needs_a_reason_and_then_refuses_the_computer(pair, tmp_path):
    """Revoking without a reason changes nothing; with one, the village is marked revoked and its bundles are refused."""
    township, village = pair
    stick = tmp_path / "stick"
    enroll(village, township, stick)
    bundle = exchange.export_bundle(village, stick).path
    before = snapshot(township)
    with pytest.raises(enrollment.RevokeReasonRequired):
        enrollment.revoke(township, village.node_id, "   ")
    assert snapshot(township) == before
    with pytest.raises(enrollment.UnknownComputer):
        enrollment.revoke(township, "no-such-node", "lost")
    assert enrollment.revoke(township, village.node_id, "laptop stolen").exchange
    [listed] = enrollment.enrolled_nodes(township)
    assert listed.revoked_at and listed.revoked_reason == "laptop stolen"
    with pytest.raises(BundleRejected) as refused:
        exchange.import_bundle(township, bundle)
    assert refused.value.reason == "revoked_sender"


def test_revocations_travel_to_the_villages(pair, tmp_path):
    """The township's revocation list arrives with the next return bundle; the village then knows that computer as revoked."""
    township, village = pair
    stick = tmp_path / "stick"
    thief = laptop(tmp_path, "thief", "village", VILLAGE_B)
    enroll(thief, township, stick)
    enroll(village, township, stick)
    enrollment.revoke(township, thief.node_id, "stolen")
    returned = exchange.export_bundle(township, stick, recipient=village.node_id)
    exchange.import_bundle(village, returned.path)
    row = village.db.execute("SELECT revoked_at, is_self FROM node WHERE node_id = ?", [thief.node_id]).fetchone()
    assert row is not None and row[0] and row[1] == 0
    # a bundle the revoked computer addressed to this village is refused as revoked
    from rangtang_desktop.exchange.bundle import write_bundle
    from rangtang_desktop.services.enrollment import party_of, sender_of
    from rangtang_desktop.storage import peers

    forged = write_bundle(
        stick, kind="return", sender=sender_of(thief), recipient=party_of(peers.self_row(village.db)), payload=b"x",
        sequence=1,
    )
    with pytest.raises(BundleRejected) as refused:
        exchange.import_bundle(village, forged.path)
    assert refused.value.reason == "revoked_sender"
    thief.close()


def test_re_enrolling_a_revoked_village_trusts_it_again(pair, tmp_path):
    """A revoked village enrolled anew (a person compared the fingerprints again) is trusted again."""
    township, village = pair
    stick = tmp_path / "stick"
    enroll(village, township, stick)
    enrollment.revoke(township, village.node_id, "checking")
    enroll(village, township, stick)
    [listed] = enrollment.enrolled_nodes(township)
    assert not listed.revoked_at
    assert exchange.import_bundle(township, exchange.export_bundle(village, stick).path).status == "applied"
