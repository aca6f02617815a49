"""Bundles that should open do, with exactly what was written; canonical JSON and the manifest shape."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile

import pytest

from rangtang_desktop.exchange.bundle import (
    ALGORITHMS,
    BundleRejected,
    canonical_json,
    inspect_bundle,
    open_bundle,
    write_bundle,
)
from rangtang_desktop.exchange.manifest import parse_manifest, strict_json

from .support import PAYLOAD, Node, Registry, write_changes


def test_round_trip(stick, village, township, registry):
    """A changes bundle opens at the township with the payload and every manifest field as written."""
    written = write_changes(stick, village, township, sequence=7, previous_sha256="ab" * 32, extra={"note": "壤塘"})
    opened = registry.open(written.path, township)
    manifest = opened.manifest
    assert opened.payload == PAYLOAD
    assert (opened.sha256, opened.size) == (written.sha256, written.size)
    assert written.sha256 == hashlib.sha256(written.path.read_bytes()).hexdigest()
    assert manifest.bundle_id == written.bundle_id and manifest.kind == "changes"
    assert manifest.sender == village.party and manifest.recipient == township.node_id
    assert (manifest.sequence, manifest.previous_sha256) == (7, "ab" * 32)
    assert manifest.ranges == {village.node_id: [1, 20]} and manifest.holds == {village.node_id: 20}
    assert manifest.counts == {"changes": 20} and manifest.extra == {"note": "壤塘"}
    assert manifest.algorithms == ALGORITHMS
    assert len(manifest.ephemeral_public) == 32 and len(manifest.nonce) == 12
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", manifest.created)


def test_file_name_and_members(stick, village, township):
    """The file is named kind-sender-sequence-bundle.rtb and holds exactly the three members, stored."""
    written = write_changes(stick, village, township, sequence=42)
    assert written.path.name == f"changes-{village.node_id[:8]}-000042-{written.bundle_id[:8]}.rtb"
    with zipfile.ZipFile(written.path) as archive:
        assert archive.namelist() == ["manifest.json", "manifest.sig", "payload.bin"]
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}
        assert len(archive.read("manifest.sig")) == 64
    assert list(stick.iterdir()) == [written.path]


def test_payload_is_encrypted(stick, village, township):
    """No plaintext of the payload (a child's name in Chinese and Tibetan) appears in the file."""
    data = write_changes(stick, village, township).path.read_bytes()
    for needle in ("卓玛".encode(), "སྒྲོལ་མ".encode(), b'changes":[', b"value"):
        assert needle not in data


def test_bundle_ids_are_unique_in_file_names(stick, village, township):
    """Two bundles written in the same second with the same sequence get different names."""
    first = write_changes(stick, village, township, payload=None)
    second = write_changes(stick, village, township, payload=None)
    assert first.path != second.path and first.path.exists() and second.path.exists()


def test_receipt_without_payload(stick, village, township):
    """A receipt with no payload is signed, opens at the village, and has no encryption fields."""
    written = write_bundle(
        stick,
        kind="receipt",
        sender=township.sender,
        recipient=village.party,
        payload=None,
        holds={village.node_id: 20},
        extra={"state_digest": "00" * 32},
    )
    opened = Registry().enroll(township).open(written.path, village)
    assert opened.payload == b"" and opened.manifest.parts == []
    assert opened.manifest.ephemeral_public is None and opened.manifest.nonce is None
    with zipfile.ZipFile(written.path) as archive:
        assert archive.namelist() == ["manifest.json", "manifest.sig"]


def test_enrollment_request_and_response(stick, village, township):
    """An enrollment request has no recipient and is read with inspect_bundle; the response is addressed."""
    request = write_bundle(
        stick,
        kind="enrollment-request",
        sender=village.sender,
        recipient=None,
        payload=None,
        extra={"unit_code": "513230101203", "role": "village"},
    )
    manifest = inspect_bundle(request.path)
    assert manifest.recipient == "" and manifest.sender == village.party
    assert manifest.extra == {"unit_code": "513230101203", "role": "village"}
    # once the person has compared fingerprints, the request also opens like any other bundle
    opened = Registry().enroll(village).open(request.path, township)
    assert opened.payload == b""
    response = write_bundle(
        stick,
        kind="enrollment-response",
        sender=township.sender,
        recipient=village.party,
        payload=None,
        extra={"accepted": True},
    )
    assert inspect_bundle(response.path).recipient == village.node_id


def test_chain_of_bundles(stick, village, township, registry):
    """Each bundle names the SHA-256 of the previous bundle file, as the writer reported it."""
    first = write_changes(stick, village, township, sequence=1)
    second = write_changes(stick, village, township, sequence=2, previous_sha256=first.sha256)
    assert registry.open(second.path, township).manifest.previous_sha256 == registry.open(first.path, township).sha256


def test_inspect_needs_no_registry(stick, village, township):
    """inspect_bundle checks a bundle with only the key the manifest carries."""
    written = write_changes(stick, village, township)
    assert inspect_bundle(written.path).bundle_id == written.bundle_id


def test_open_without_private_key_is_refused(stick, village, township, registry):
    """A bundle with a payload cannot be opened without a private key: decrypt_failed, not a crash."""
    written = write_changes(stick, village, township)
    with pytest.raises(BundleRejected) as caught:
        open_bundle(
            written.path, my_node_id=township.node_id, my_encryption_private=None, known_sender=registry.enrolled.get
        )
    assert caught.value.reason == "decrypt_failed"


def test_empty_payload_round_trip(stick, village, township, registry):
    """An empty payload (b"") is still encrypted and opens as b""."""
    written = write_changes(stick, village, township, payload=b"")
    assert registry.open(written.path, township).payload == b""
    assert registry.open(written.path, township).manifest.parts[0]["size"] == 16  # the Poly1305 tag


@pytest.mark.parametrize(
    "changes",
    [
        {"kind": "merge"},
        {"kind": "enrollment-request", "payload": b"x"},
        {"recipient": None},
        {"extra": {"ratio": 0.5}},
        {"extra": {1: "x"}},
        {"ranges": {"n1": [5, 1]}},
        {"holds": {"not a node id": 1}},
        {"counts": {"Changes!": 1}},
        {"sequence": -1},
        {"previous_sha256": "xyz"},
        {"name": "../escape.rtb"},
    ],
)
def test_wrong_arguments_are_programming_errors(stick, village, township, changes):
    """Arguments the reader would refuse raise ValueError or TypeError before anything is written."""
    arguments = {"kind": "changes", "sender": village.sender, "recipient": township.party, "payload": b"p"} | changes
    with pytest.raises((ValueError, TypeError)):
        write_bundle(stick, **arguments)
    assert list(stick.iterdir()) == []


def test_mismatched_sender_keys_are_refused(stick, village, township):
    """A Sender whose public key does not belong to its private key cannot write."""
    other = Node.make()
    sender = village.sender.__class__(
        village.node_id, village.keys.signing_private, other.keys.signing_public, village.keys.encryption_public
    )
    with pytest.raises(ValueError):
        write_bundle(stick, kind="changes", sender=sender, recipient=township.party, payload=b"x")


def test_canonical_json_form():
    """Canonical JSON: sorted keys, no spaces, raw UTF-8, bytes as padded base64, ints and no floats."""
    value = {"b": [1, True, None], "a": "壤塘 རྔ་བ", "c": b"\x00\xff", "d": {"z": 1, "y": (2, 3)}}
    assert canonical_json(value) == '{"a":"壤塘 རྔ་བ","b":[1,true,null],"c":"AP8=","d":{"y":[2,3],"z":1}}'.encode()
    assert canonical_json('a\n"b\\') == b'"a\\n\\"b\\\\"'
    for bad in (1.5, float("nan"), {1: 2}, {"x": object()}, "\ud800"):
        with pytest.raises((TypeError, ValueError)):
            canonical_json(bad)


@pytest.mark.parametrize(
    "text",
    [b'{"a":1,"a":2}', b'{"a":NaN}', b'{"a":Infinity}', b'{"a":1.0}', b'{"a":1e3}', b"\xff{}", b"{", b"[" * 5000],
)
def test_strict_json_refuses(text):
    """Duplicate keys, NaN, Infinity, floats, invalid UTF-8, bad syntax and deep nesting are bad_json."""
    from rangtang_desktop.exchange.errors import Refused

    with pytest.raises(Refused) as caught:
        strict_json(text)
    assert caught.value.reason == "bad_json"


def test_manifest_shape(stick, village, township):
    """manifest.json has exactly the documented fields and is its own canonical form."""
    written = write_changes(stick, village, township)
    with zipfile.ZipFile(written.path) as archive:
        raw = archive.read("manifest.json")
    document = json.loads(raw)
    assert sorted(document) == sorted(
        [
            "algorithms",
            "bundle_id",
            "counts",
            "created",
            "ephemeral_public",
            "extra",
            "format",
            "format_version",
            "holds",
            "kind",
            "nonce",
            "parts",
            "previous_sha256",
            "ranges",
            "recipient",
            "sender",
            "sequence",
        ]
    )
    assert document["format"] == "rangtang-bundle" and document["format_version"] == 1
    assert sorted(document["sender"]) == ["encryption_public", "node_id", "signing_public"]
    assert document["parts"][0]["name"] == "payload.bin"
    assert canonical_json(document) == raw
    assert parse_manifest(raw).bundle_id == written.bundle_id
