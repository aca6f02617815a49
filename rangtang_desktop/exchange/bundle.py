"""Bundles: one signed, encrypted file that carries changes (or a receipt, or an enrollment document)
between two nodes on a USB stick (DESIGN §5). This module writes, opens and inspects them; it never
touches a database. The public API of the bundle format is re-exported here.

A bundle is a ZIP archive (``container.py``) holding exactly:

* ``manifest.json`` — the canonical JSON manifest (``manifest.py``): format and version, kind,
  bundle id, creation instant, sender (node id and public keys), recipient node id, the sender's
  bundle sequence number and the SHA-256 of its previous bundle file, per-origin change ranges, the
  sender's view of what it holds, counts, every other member's size and SHA-256, the algorithms,
  and the ephemeral key and nonce of the payload encryption;
* ``manifest.sig`` — the raw 64-byte Ed25519 signature (RFC 8032) over the exact bytes of
  ``manifest.json``;
* ``payload.bin`` (when there is a payload) — the ChaCha20-Poly1305 ciphertext of the payload,
  encrypted to the recipient (``crypto.py``). Its SHA-256 in the manifest is that of the ciphertext.

Checking a signature with a second implementation (done in ``tests/exchange/test_openssl.py``)::

    unzip bundle.rtb manifest.json manifest.sig
    # the sender's raw public key as PEM: keys.signing_public_pem(raw_public_key)
    openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in manifest.json -sigfile manifest.sig

(OpenSSL 3.0 or newer; it prints "Signature Verified Successfully".)

Opening (``open_bundle``) copies the file into memory once and checks, in this order, refusing with
a ``BundleRejected`` reason code: size and readability (``too_large``, ``unreadable``); the container
(``container.py``: ``empty``, ``not_a_bundle``, ``truncated``, ``unsafe_path``, ``symlink``,
``encrypted_member``, ``duplicate_member``, ``unexpected_member``, ``unsupported_compression``,
``damaged``); the manifest, strictly (``bad_json``, ``bad_manifest``, ``unsupported_version``,
``unsupported_algorithm``); the signature against the key the manifest carries (``bad_signature``);
every part's size and SHA-256 (``hash_mismatch``) — up to here ``inspect_bundle`` does the same —
then the recipient (``wrong_recipient``); the sender's enrollment (``unknown_sender``); that the
enrolled keys are the ones in the manifest and that signed it (``sender_mismatch``); revocation
(``revoked_sender``); and decryption (``decrypt_failed``). Because the container must be byte for
byte the canonical layout of its members, a file with any byte changed is always refused.

Enrollment documents come from a node that is not known yet: read them with ``inspect_bundle`` (which
checks everything but enrollment, using the key in the manifest) and let a person compare fingerprints.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..core.dates import utc_now_text
from . import keys
from .atomic import write_atomically
from .container import MAX_BUNDLE_BYTES, PAYLOAD_NAME, Members, build_container, read_container
from .crypto import DecryptionFailed, decrypt_payload, encrypt_payload
from .errors import BundleRejected, BundleWriteFailed, Refused
from .manifest import (
    ALGORITHMS,
    ENROLLMENT_KINDS,
    FORMAT,
    FORMAT_VERSION,
    KINDS,
    Manifest,
    Party,
    Sender,
    canonical_json,
    manifest_to_json,
    parse_manifest,
)

__all__ = [
    "ALGORITHMS",
    "BUNDLE_SUFFIX",
    "FORMAT",
    "FORMAT_VERSION",
    "KINDS",
    "MAX_BUNDLE_BYTES",
    "BundleRejected",
    "BundleWriteFailed",
    "Manifest",
    "OpenedBundle",
    "Party",
    "Sender",
    "WrittenBundle",
    "bundle_file_name",
    "canonical_json",
    "inspect_bundle",
    "open_bundle",
    "write_bundle",
]

BUNDLE_SUFFIX = ".rtb"
_PLAIN_NAME = re.compile(r"[^/\\:\x00]+")


@dataclass(frozen=True)
class WrittenBundle:
    path: Path
    bundle_id: str
    sha256: str  # of the whole file: the next bundle's previous_sha256
    size: int


@dataclass(frozen=True)
class OpenedBundle:
    manifest: Manifest
    payload: bytes  # decrypted; b"" when the bundle has no payload
    sha256: str  # of the whole file
    size: int


def bundle_file_name(kind: str, sender_node_id: str, sequence: int, bundle_id: str) -> str:
    """``<kind>-<sender id, 8 chars>-<sequence, 6 digits>-<bundle id, 8 chars>.rtb``."""
    return f"{kind}-{sender_node_id[:8]}-{sequence:06d}-{bundle_id[:8]}{BUNDLE_SUFFIX}"


def write_bundle(
    folder: Path,
    *,
    kind: str,
    sender: Sender,
    recipient: Party | None,
    payload: bytes | None,
    sequence: int = 0,
    previous_sha256: str = "",
    ranges: dict[str, list[int]] | None = None,
    holds: dict[str, int] | None = None,
    counts: dict[str, int] | None = None,
    extra: dict | None = None,
    name: str | None = None,
) -> WrittenBundle:
    """Sign, encrypt and atomically write a bundle into ``folder``; raise ``BundleWriteFailed`` if the
    stick is full, write-protected, removed or does not read back. Wrong arguments (a programming
    error, not a user's) raise ``ValueError``."""
    if kind not in KINDS:
        raise ValueError(f"unknown bundle kind {kind!r}")
    if kind in ENROLLMENT_KINDS and payload is not None:
        raise ValueError("enrollment documents carry their body in extra, not in a payload")
    if recipient is None and kind != "enrollment-request":
        raise ValueError(f"a {kind} bundle needs a recipient")
    if keys.signing_public_from_private(sender.signing_private) != sender.signing_public:
        raise ValueError("the sender's signing keys do not belong together")
    if name is not None and (not _PLAIN_NAME.fullmatch(name) or name in (".", "..")):
        raise ValueError(f"{name!r} is not a plain file name")
    bundle_id = str(uuid.uuid4())  # random, so the 8-character prefix in the file name is unique
    ephemeral_public = nonce = None
    members_payload = None
    parts: list[dict] = []
    if payload is not None:
        assert recipient is not None
        ephemeral_public, nonce, members_payload = encrypt_payload(payload, recipient.encryption_public, bundle_id)
        parts.append(
            {"name": PAYLOAD_NAME, "size": len(members_payload), "sha256": hashlib.sha256(members_payload).hexdigest()}
        )
    manifest = Manifest(
        kind=kind,
        bundle_id=bundle_id,
        created=utc_now_text(),
        sender=sender.party(),
        recipient=recipient.node_id if recipient is not None else "",
        sequence=sequence,
        previous_sha256=previous_sha256,
        ranges={node: list(pair) for node, pair in (ranges or {}).items()},
        holds=dict(holds or {}),
        counts=dict(counts or {}),
        parts=parts,
        algorithms=dict(ALGORITHMS),
        ephemeral_public=ephemeral_public,
        nonce=nonce,
        extra=dict(extra or {}),
    )
    manifest_bytes = canonical_json(manifest_to_json(manifest))
    try:
        parse_manifest(manifest_bytes)  # never write what the reader would refuse
    except Refused as refused:
        raise ValueError(f"bundle fields are not valid: {refused.detail}") from refused
    data = build_container(manifest_bytes, keys.sign(sender.signing_private, manifest_bytes), members_payload)
    if len(data) > MAX_BUNDLE_BYTES:
        raise BundleWriteFailed("too_large", folder=str(folder), detail=f"{len(data)} bytes")
    path = write_atomically(Path(folder), name or bundle_file_name(kind, sender.node_id, sequence, bundle_id), data)
    return WrittenBundle(path, bundle_id, hashlib.sha256(data).hexdigest(), len(data))


def _read_file(path: Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            if os.fstat(handle.fileno()).st_size > MAX_BUNDLE_BYTES:
                raise Refused("too_large", "the file is larger than 256 MiB")
            data = handle.read(MAX_BUNDLE_BYTES + 1)
    except OSError as error:
        raise Refused("unreadable", f"{type(error).__name__}: {error}"[:200]) from error
    if len(data) > MAX_BUNDLE_BYTES:
        raise Refused("too_large", "the file is larger than 256 MiB")
    return data


def _verified(data: bytes) -> tuple[Members, Manifest]:
    """Container, strict manifest, self-consistent signature and part hashes: everything that needs
    no knowledge of nodes."""
    members = read_container(data)
    manifest = parse_manifest(members.manifest)
    if not keys.verify_signature(manifest.sender.signing_public, members.manifest, members.signature):
        raise Refused("bad_signature", "manifest.sig does not verify with the key in the manifest")
    listed = {part["name"]: part for part in manifest.parts}
    present = {PAYLOAD_NAME: members.payload} if members.payload is not None else {}
    if set(listed) != set(present):
        raise Refused("hash_mismatch", "the members are not the parts the manifest lists")
    for part_name, content in present.items():
        part = listed[part_name]
        if part["size"] != len(content) or part["sha256"] != hashlib.sha256(content).hexdigest():
            raise Refused("hash_mismatch", f"{part_name} is not the size or SHA-256 the manifest lists")
    return members, manifest


def _rejected(refused: Refused, path: Path) -> BundleRejected:
    return BundleRejected(refused.reason, file=Path(path).name, detail=refused.detail)


def inspect_bundle(path: Path) -> Manifest:
    """Check a bundle without any database: structure, strict manifest, the signature against the key
    the manifest itself carries, and the size and SHA-256 of every listed part. Proves the file is
    intact and was signed by the holder of that key, not that the key is enrolled."""
    try:
        return _verified(_read_file(Path(path)))[1]
    except Refused as refused:
        raise _rejected(refused, path) from None


def open_bundle(
    path: Path,
    *,
    my_node_id: str,
    my_encryption_private: bytes | None,
    known_sender: Callable[[str], Party | None],
    revoked: Callable[[str], bool] = lambda node_id: False,
) -> OpenedBundle:
    """Verify a bundle completely (see the module docstring for the order) and decrypt its payload;
    raise ``BundleRejected`` for anything wrong. Reads the file once into memory; writes nothing."""
    try:
        data = _read_file(Path(path))
        members, manifest = _verified(data)
        sender = manifest.sender
        if manifest.recipient != my_node_id and not (manifest.kind == "enrollment-request" and not manifest.recipient):
            raise Refused("wrong_recipient", f"addressed to {manifest.recipient or 'nobody'}")
        known = known_sender(sender.node_id)
        if known is None:
            raise Refused("unknown_sender", f"node {sender.node_id} is not enrolled")
        if (
            known.node_id != sender.node_id
            or known.signing_public != sender.signing_public
            or known.encryption_public != sender.encryption_public
            or not keys.verify_signature(known.signing_public, members.manifest, members.signature)
        ):
            raise Refused("sender_mismatch", f"not signed with the enrolled key of node {sender.node_id}")
        if revoked(sender.node_id):
            raise Refused("revoked_sender", f"node {sender.node_id} is revoked")
        payload = b""
        if members.payload is not None:
            if my_encryption_private is None:
                raise Refused("decrypt_failed", "no private key to decrypt with")
            assert manifest.ephemeral_public is not None and manifest.nonce is not None
            try:
                payload = decrypt_payload(
                    members.payload,
                    my_encryption_private,
                    manifest.ephemeral_public,
                    manifest.nonce,
                    manifest.bundle_id,
                )
            except DecryptionFailed as error:
                raise Refused("decrypt_failed", str(error)) from error
    except Refused as refused:
        raise _rejected(refused, path) from None
    return OpenedBundle(manifest, payload, hashlib.sha256(data).hexdigest(), len(data))
