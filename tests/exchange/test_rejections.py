"""Every bad bundle is refused with its reason code, and nothing but BundleRejected ever comes out."""

from __future__ import annotations

import json
import os
import stat
import zipfile
import zlib
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rangtang_desktop.exchange.bundle import BundleRejected, canonical_json, inspect_bundle, open_bundle
from rangtang_desktop.exchange.container import build_container
from rangtang_desktop.exchange.manifest import from_b64

from .support import Node, Registry, raw_zip, resign, write_changes


def reason(registry: Registry, path, me: Node) -> str:
    with pytest.raises(BundleRejected) as caught:
        registry.open(path, me)
    assert caught.value.headline_message().text and caught.value.advice_message().text
    return caught.value.reason


def members(path) -> tuple[bytes, bytes, bytes | None]:
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        payload = archive.read("payload.bin") if "payload.bin" in names else None
        return archive.read("manifest.json"), archive.read("manifest.sig"), payload


def test_unknown_sender(stick, village, township):
    """A bundle from a node the township never enrolled is refused as unknown_sender."""
    assert reason(Registry(), write_changes(stick, village, township).path, township) == "unknown_sender"


def test_revoked_sender(stick, village, township, registry):
    """A bundle from a revoked node is refused as revoked_sender."""
    registry.revoked_ids.add(village.node_id)
    assert reason(registry, write_changes(stick, village, township).path, township) == "revoked_sender"


def test_signed_by_one_node_claiming_another(stick, village, township, registry):
    """An enrolled node signing a bundle that claims to come from another enrolled node: sender_mismatch."""
    impostor = Node.make()
    registry.enroll(impostor)
    forged_sender = impostor.sender.__class__(
        village.node_id, impostor.keys.signing_private, impostor.keys.signing_public, impostor.keys.encryption_public
    )
    from rangtang_desktop.exchange.bundle import write_bundle

    written = write_bundle(stick, kind="changes", sender=forged_sender, recipient=township.party, payload=b"x")
    assert reason(registry, written.path, township) == "sender_mismatch"


def test_claiming_another_nodes_key_without_its_private_key(stick, village, township, registry):
    """Putting the village's public key in the manifest but signing with another key: bad_signature."""
    manifest, _, payload = members(write_changes(stick, village, township).path)
    (stick / "forged.rtb").write_bytes(resign(manifest, Node.make(), payload))
    assert reason(registry, stick / "forged.rtb", township) == "bad_signature"


def test_addressed_to_another_node(stick, village, township, registry):
    """A bundle for another township is refused as wrong_recipient at this one."""
    other_township = Node.make()
    written = write_changes(stick, village, other_township)
    assert reason(registry, written.path, township) == "wrong_recipient"


def test_encrypted_to_an_old_key(stick, village, township, registry):
    """A bundle encrypted to another key of the township is refused as decrypt_failed."""
    written = write_changes(stick, village, township)
    rekeyed = Node(township.node_id, Node.make().keys)
    assert reason(registry, written.path, rekeyed) == "decrypt_failed"


def test_enrolled_key_differs_from_manifest(stick, village, township):
    """A sender whose enrolled encryption key is not the one in the manifest is a sender_mismatch."""
    registry = Registry()
    registry.enrolled[village.node_id] = village.party.__class__(
        village.node_id, village.keys.signing_public, Node.make().keys.encryption_public
    )
    assert reason(registry, write_changes(stick, village, township).path, township) == "sender_mismatch"


def test_payload_swapped_and_rezipped(stick, village, township, registry):
    """A payload replaced by another one (with a correct zip CRC) is refused as hash_mismatch."""
    manifest, signature, payload = members(write_changes(stick, village, township).path)
    tampered = bytes([payload[0] ^ 1]) + payload[1:]
    (stick / "t.rtb").write_bytes(build_container(manifest, signature, tampered))
    assert reason(registry, stick / "t.rtb", township) == "hash_mismatch"
    (stick / "u.rtb").write_bytes(build_container(manifest, signature, None))
    assert reason(registry, stick / "u.rtb", township) == "hash_mismatch"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda m: m | {"format_version": 2}, "unsupported_version"),
        (lambda m: m | {"format_version": True}, "unsupported_version"),
        (lambda m: m | {"algorithms": m["algorithms"] | {"cipher": "SM4-GCM"}}, "unsupported_algorithm"),
        (lambda m: m | {"format": "something-else"}, "not_a_bundle"),
        (lambda m: m | {"sequence": "7"}, "bad_manifest"),
        (lambda m: m | {"sequence": True}, "bad_manifest"),
        (lambda m: m | {"sequence": 2**60}, "bad_manifest"),
        (lambda m: m | {"kind": "upload"}, "bad_manifest"),
        (lambda m: m | {"surprise": 1}, "bad_manifest"),
        (lambda m: {k: v for k, v in m.items() if k != "holds"}, "bad_manifest"),
        (lambda m: m | {"recipient": ""}, "bad_manifest"),
        (lambda m: m | {"created": "2025-02-30T00:00:00.000+00:00"}, "bad_manifest"),
        (lambda m: m | {"created": "2025-01-01T08:00:00.000+08:00"}, "bad_manifest"),
        (lambda m: m | {"nonce": None}, "bad_manifest"),
        (lambda m: m | {"ranges": {"x": [1]}}, "bad_manifest"),
        (lambda m: m | {"parts": m["parts"] * 2}, "bad_manifest"),
        (lambda m: m | {"parts": [m["parts"][0] | {"name": "../payload.bin"}]}, "bad_manifest"),
        (
            lambda m: m | {"sender": m["sender"] | {"signing_public": m["sender"]["signing_public"][:-4]}},
            "bad_manifest",
        ),
        (lambda m: m | {"ephemeral_public": m["ephemeral_public"].replace("=", "")}, "bad_manifest"),
        (lambda m: m | {"extra": [1]}, "bad_manifest"),
    ],
)
def test_bad_manifest_fields_even_when_signed(stick, village, township, registry, change, expected):
    """Manifests with a wrong field, signed with the sender's real key, are refused by the strict parser."""
    manifest, _, payload = members(write_changes(stick, village, township).path)
    changed = canonical_json(change(json.loads(manifest)))
    (stick / "f.rtb").write_bytes(resign(changed, village, payload))
    assert reason(registry, stick / "f.rtb", township) == expected


def test_deeply_nested_extra(stick, village, township, registry):
    """An extra field nested deeper than 32 levels is refused as bad_manifest."""
    manifest, _, payload = members(write_changes(stick, village, township).path)
    deep = manifest.replace(b'"extra":{}', b'"extra":{"deep":' + b"[" * 40 + b"]" * 40 + b"}")
    assert deep != manifest
    (stick / "d.rtb").write_bytes(resign(deep, village, payload))
    assert reason(registry, stick / "d.rtb", township) == "bad_manifest"


@pytest.mark.parametrize(
    "rewrite",
    [
        lambda raw: raw.replace(b'","', b'", "', 1),
        lambda raw: raw + b"\n",
        lambda raw: b"\xef\xbb\xbf" + raw,
        lambda raw: raw.replace(b'"sequence":1', b'"sequence":1,"sequence":1'),
        lambda raw: raw.replace(b'"sequence":1', b'"sequence":1.0'),
        lambda raw: raw.replace(b'"sequence":1', b'"sequence":NaN'),
        lambda raw: raw.replace("壤塘".encode(), b"\\u58e4\\u5858"),
        lambda raw: raw.replace(b'{"algorithms"', b'{"bundle_id":"x","algorithms"'),
    ],
)
def test_non_canonical_manifest_even_when_signed(stick, village, township, registry, rewrite):
    """A manifest that is not exactly canonical JSON (spaces, BOM, escapes, duplicates, floats) is bad_json."""
    manifest, _, payload = members(write_changes(stick, village, township, extra={"note": "壤塘"}).path)
    rewritten = rewrite(manifest)
    assert rewritten != manifest
    (stick / "f.rtb").write_bytes(resign(rewritten, village, payload))
    assert reason(registry, stick / "f.rtb", township) == "bad_json"


def test_not_a_zip(stick, township, registry):
    """A file that is not a ZIP at all (a photo, a text file) is refused as not_a_bundle."""
    for index, content in enumerate([b"\xff\xd8\xff\xe0 JFIF" + bytes(500), "壤塘 text".encode(), b"%PDF-1.7\n"]):
        (stick / f"{index}.rtb").write_bytes(content)
        assert reason(registry, stick / f"{index}.rtb", township) == "not_a_bundle"


def test_other_zip_files(stick, township, registry):
    """A ZIP that is some other document (a spreadsheet, say) is refused as not_a_bundle."""
    with zipfile.ZipFile(stick / "book.rtb", "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert reason(registry, stick / "book.rtb", township) == "not_a_bundle"
    with zipfile.ZipFile(stick / "commented.rtb", "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8")
        archive.comment = b"made by a camera"
    assert reason(registry, stick / "commented.rtb", township) == "not_a_bundle"


def test_empty_file(stick, township, registry):
    """An empty file (a copy that never started) is refused as empty."""
    (stick / "e.rtb").write_bytes(b"")
    assert reason(registry, stick / "e.rtb", township) == "empty"


def test_missing_and_unreadable(stick, township, registry):
    """A file that is gone or is a folder is refused as unreadable."""
    assert reason(registry, stick / "gone.rtb", township) == "unreadable"
    (stick / "folder.rtb").mkdir()
    assert reason(registry, stick / "folder.rtb", township) == "unreadable"


def test_file_over_256_mib(stick, township, registry):
    """A file over 256 MiB is refused as too_large without being read (a sparse file here)."""
    with open(stick / "big.rtb", "wb") as handle:
        handle.truncate(256 * 1024 * 1024 + 1)
    assert reason(registry, stick / "big.rtb", township) == "too_large"


def entry(name, data=b"{}", **fields):
    return {"name": name, "data": data} | fields


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        ([entry("manifest.json"), entry("../../evil.bat")], "unsafe_path"),
        ([entry("manifest.json"), entry("..\\evil.bat")], "unsafe_path"),
        ([entry("manifest.json"), entry("/etc/cron.d/evil")], "unsafe_path"),
        ([entry("manifest.json"), entry("C:/Windows/evil.dll")], "unsafe_path"),
        ([entry("/manifest.json"), entry("../manifest.json")], "not_a_bundle"),
        ([entry("manifest.json"), entry("sub/manifest.sig")], "unsafe_path"),
        ([entry("manifest.json\x00.txt")], "unsafe_path"),
        ([entry("manifest.json"), entry("manifest.sig", b"/etc/passwd", mode=stat.S_IFLNK | 0o777)], "symlink"),
        ([entry("manifest.json", mode=stat.S_IFDIR | 0o755)], "unsafe_path"),
        ([entry("manifest.json", flags=1)], "encrypted_member"),
        ([entry("manifest.json"), entry("manifest.json")], "duplicate_member"),
        ([entry("manifest.json"), entry("manifest.sig", bytes(64)), entry("notes.txt")], "unexpected_member"),
        ([entry("manifest.json"), entry("manifest.sig", bytes(64)), entry("payload.bin.exe")], "unexpected_member"),
        ([entry("manifest.json")], "damaged"),  # no signature member
        ([entry("manifest.json"), entry("manifest.sig", bytes(10))], "damaged"),
    ],
)
def test_hostile_archives(stick, township, registry, entries, expected):
    """Escaping paths, absolute paths, symlinks, encrypted, repeated and unexpected members are refused."""
    (stick / "h.rtb").write_bytes(raw_zip(entries))
    assert reason(registry, stick / "h.rtb", township) == expected


@cache
def bomb_stream() -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(bytes(200 * 1024 * 1024)) + compressor.flush()


def test_zip_bomb_declared_small(stick, township, registry):
    """A member declared as 100 bytes that inflates to 200 MB is refused without being inflated."""
    bomb = entry("payload.bin", bomb_stream(), method=zipfile.ZIP_DEFLATED, size=100, crc=0)
    (stick / "b.rtb").write_bytes(raw_zip([entry("manifest.json"), entry("manifest.sig", bytes(64)), bomb]))
    assert reason(registry, stick / "b.rtb", township) == "unsupported_compression"


def test_member_declared_huge(stick, township, registry):
    """Members whose declared size is over their limit are refused before any byte is read."""
    huge_payload = entry("payload.bin", b"x", size=300 * 1024 * 1024, csize=300 * 1024 * 1024)
    (stick / "p.rtb").write_bytes(raw_zip([entry("manifest.json"), entry("manifest.sig", bytes(64)), huge_payload]))
    assert reason(registry, stick / "p.rtb", township) == "too_large"
    huge_manifest = entry("manifest.json", b"{}", size=2 * 1024 * 1024, csize=2 * 1024 * 1024)
    (stick / "m.rtb").write_bytes(raw_zip([huge_manifest, entry("manifest.sig", bytes(64))]))
    assert reason(registry, stick / "m.rtb", township) == "too_large"


def test_member_larger_than_declared(stick, village, township, registry):
    """A stored member with more bytes than its directory entry declares is refused (read cap)."""
    manifest, signature, payload = members(write_changes(stick, village, township).path)
    lying = entry("payload.bin", payload + b"extra bytes", size=len(payload), csize=len(payload), plain=payload)
    data = raw_zip([entry("manifest.json", manifest), entry("manifest.sig", signature), lying])
    (stick / "l.rtb").write_bytes(data)
    assert reason(registry, stick / "l.rtb", township) == "damaged"


@pytest.mark.parametrize(
    "lie",
    [
        {"central_size": 10},  # central directory says 10 bytes, local header the truth
        {"crc": 0},  # both headers carry a wrong CRC
        {"csize": 5},  # declared smaller than stored
    ],
)
def test_central_directory_lies(stick, village, township, registry, lie):
    """An archive whose directory entries do not match the data is refused as damaged."""
    manifest, signature, payload = members(write_changes(stick, village, township).path)
    data = raw_zip(
        [entry("manifest.json", manifest), entry("manifest.sig", signature), entry("payload.bin", payload, **lie)]
    )
    (stick / "c.rtb").write_bytes(data)
    assert reason(registry, stick / "c.rtb", township) == "damaged"


def test_trailing_and_leading_bytes(stick, village, township, registry):
    """Bytes added after the end record, or before the first header, make the bundle refused."""
    good = write_changes(stick, village, township).path.read_bytes()
    for index, data in enumerate([good + b"x", b"MZ" + good, good[:-2] + b"\x01\x00x"]):
        (stick / f"{index}.rtb").write_bytes(data)
        with pytest.raises(BundleRejected):
            registry.open(stick / f"{index}.rtb", township)


def test_zipfile_not_implemented_error_is_refused(stick, township, registry):
    """zipfile raising NotImplementedError (an unknown compression method) becomes a refusal, not a crash."""
    data = raw_zip([entry("manifest.json", method=99), entry("manifest.sig", bytes(64))])
    (stick / "n.rtb").write_bytes(data)
    assert reason(registry, stick / "n.rtb", township) == "unsupported_compression"
    # and when zipfile itself is asked to read such a member, its exception is turned into damaged
    from rangtang_desktop.exchange import container

    with pytest.raises(container.Refused) as caught:
        original = container._check_directory
        try:
            container._check_directory = lambda infos, total: {i.filename: i for i in infos}
            container.read_container(data)
        finally:
            container._check_directory = original
    assert caught.value.reason == "damaged"


# ---- every prefix, every byte ---------------------------------------------------------------------


@cache
def small_bundle() -> tuple[bytes, Node, Registry]:
    import tempfile
    from pathlib import Path

    village, township = Node.make(), Node.make()
    with tempfile.TemporaryDirectory() as folder:
        data = write_changes(Path(folder), village, township, payload=b"small payload").path.read_bytes()
    return data, township, Registry().enroll(village)


def try_open(data: bytes, tmp_path) -> str | None:
    """Open ``data`` as the small bundle's township; the refusal reason, or None if it opened identically."""
    original, township, registry = small_bundle()
    path = tmp_path / "x.rtb"
    path.write_bytes(data)
    try:
        opened = registry.open(path, township)
    except BundleRejected as refused:
        return refused.reason
    assert data == original and opened.payload == b"small payload", "a changed bundle opened"
    return None


def test_every_prefix_is_truncated(tmp_path):
    """Cut at every length (a stick pulled mid-copy), the bundle is refused as truncated or empty."""
    data = small_bundle()[0]
    for length in range(len(data)):
        assert try_open(data[:length], tmp_path) == ("empty" if length == 0 else "truncated"), length


def test_every_byte_changed_is_refused(tmp_path):
    """Changing any single byte of the file, anywhere, makes it refused (the layout is canonical)."""
    data = small_bundle()[0]
    for position in range(len(data)):
        for mask in (0x01, 0x80):
            changed = bytearray(data)
            changed[position] ^= mask
            assert try_open(bytes(changed), tmp_path) is not None, (position, mask)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_random_byte_flip(tmp_path, data):
    """A random byte replaced by a random other value is refused, never opened with other content."""
    original = small_bundle()[0]
    position = data.draw(st.integers(0, len(original) - 1))
    value = data.draw(st.integers(0, 255).filter(lambda v: v != original[position]))
    changed = original[:position] + bytes([value]) + original[position + 1 :]
    assert try_open(changed, tmp_path) is not None


@cache
def large_bundle() -> tuple[bytes, Node, Registry]:
    import tempfile
    from pathlib import Path

    village, township = Node.make(), Node.make()
    with tempfile.TemporaryDirectory() as folder:
        data = write_changes(Path(folder), village, township, payload=os.urandom(300_000)).path.read_bytes()
    return data, township, Registry().enroll(village)


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_large_bundle_truncated(tmp_path, data):
    """A 300 KB bundle cut at a random length is refused as truncated."""
    original, township, registry = large_bundle()
    length = data.draw(st.integers(1, len(original) - 1))
    (tmp_path / "t.rtb").write_bytes(original[:length])
    assert reason(registry, tmp_path / "t.rtb", township) == "truncated"


def test_inspect_refuses_like_open(stick, village, township):
    """inspect_bundle refuses a changed bundle too, and names the file in its message."""
    data = bytearray(write_changes(stick, village, township).path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    (stick / "changed.rtb").write_bytes(bytes(data))
    with pytest.raises(BundleRejected) as caught:
        inspect_bundle(stick / "changed.rtb")
    assert "changed.rtb" in str(caught.value.headline_message().render(lambda text: text))


def test_opens_from_any_folder_without_writing(stick, village, township, registry):
    """Opening a bundle leaves the folder exactly as it was (nothing is extracted)."""
    written = write_changes(stick, village, township)
    before = sorted((p.name, p.stat().st_mtime_ns) for p in stick.iterdir())
    open_bundle(
        written.path,
        my_node_id=township.node_id,
        my_encryption_private=township.keys.encryption_private,
        known_sender=registry.enrolled.get,
    )
    assert sorted((p.name, p.stat().st_mtime_ns) for p in stick.iterdir()) == before


def test_base64_is_strict():
    """Keys in the manifest must be canonical base64: no missing padding, no stray bits, no newlines."""
    assert from_b64("AP8=") == b"\x00\xff"
    for bad in ("AP8", "AP9=", "AP8=\n", "A P8=", "AP8==", 5):
        with pytest.raises(ValueError):
            from_b64(bad)
