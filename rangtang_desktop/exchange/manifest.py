"""The bundle manifest (``manifest.json``): its fields, canonical JSON, and a strict parser.

Canonical JSON (``canonical_json``) is the one byte form of a value: object keys sorted by Unicode
code point, no whitespace (``","`` and ``":"`` separators), UTF-8 with non-ASCII characters written
as themselves (``ensure_ascii=False``; control characters, ``"`` and ``\\`` escaped as Python's
``json`` does), integers only (floats, NaN and Infinity are refused), ``bytes`` written as standard
base64 text with padding (RFC 4648 §4). Object keys must be strings; tuples are written as arrays.

The parser refuses anything the writer would not have produced: invalid UTF-8, duplicate keys,
floats, NaN/Infinity, a missing or unknown field, a field of the wrong type or shape, and finally any
manifest whose bytes are not exactly the canonical JSON of what was parsed (so one manifest has one
byte form, and the signature covers exactly what is read).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .container import PAYLOAD_NAME
from .errors import Refused

FORMAT = "rangtang-bundle"
FORMAT_VERSION = 1
ALGORITHMS = {
    "signature": "Ed25519",
    "key_agreement": "X25519",
    "kdf": "HKDF-SHA256",
    "cipher": "ChaCha20-Poly1305",
    "hash": "SHA-256",
}
KINDS = ("changes", "return", "receipt", "enrollment-request", "enrollment-response")
ENROLLMENT_KINDS = ("enrollment-request", "enrollment-response")
PART_NAMES = (PAYLOAD_NAME,)
MAX_MANIFEST_BYTES = 1024 * 1024
MAX_DEPTH = 32
MAX_SEQUENCE = 2**53 - 1  # exact in every JSON reader

_NODE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}")
_BUNDLE_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_CREATED = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}\+00:00")
_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")
_COUNT_KEY = re.compile(r"[a-z0-9_.-]{1,64}")
_TOP_FIELDS = frozenset(
    (
        "format",
        "format_version",
        "kind",
        "bundle_id",
        "created",
        "sender",
        "recipient",
        "sequence",
        "previous_sha256",
        "ranges",
        "holds",
        "counts",
        "parts",
        "algorithms",
        "ephemeral_public",
        "nonce",
        "extra",
    )
)


@dataclass(frozen=True)
class Party:
    """A node as others know it: its id and public keys (raw 32 bytes each)."""

    node_id: str
    signing_public: bytes
    encryption_public: bytes


@dataclass(frozen=True)
class Sender:
    """This node when it writes a bundle: its id, its signing key pair and its encryption public key."""

    node_id: str
    signing_private: bytes
    signing_public: bytes
    encryption_public: bytes

    def party(self) -> Party:
        return Party(self.node_id, self.signing_public, self.encryption_public)


@dataclass(frozen=True)
class Manifest:
    """Everything in ``manifest.json`` (``format`` and ``format_version`` are checked, not kept)."""

    kind: str
    bundle_id: str
    created: str
    sender: Party
    recipient: str
    sequence: int
    previous_sha256: str
    ranges: dict[str, list[int]]
    holds: dict[str, int]
    counts: dict[str, int]
    parts: list[dict]
    algorithms: dict[str, str]
    ephemeral_public: bytes | None
    nonce: bytes | None
    extra: dict = field(default_factory=dict)


# ---- canonical JSON -------------------------------------------------------------------------------


def _plain(value: Any, depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        raise ValueError("value nested too deeply for canonical JSON")
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise TypeError(f"canonical JSON needs string keys, not {type(key).__name__}")
        return {key: _plain(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item, depth + 1) for item in value]
    raise TypeError(f"canonical JSON cannot hold {type(value).__name__} (floats are refused too)")


def canonical_json(value: Any) -> bytes:
    """The canonical UTF-8 JSON bytes of ``value`` (see the module docstring)."""
    text = json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return text.encode("utf-8")  # a lone surrogate raises UnicodeEncodeError, a ValueError


def b64(data: bytes) -> str:
    """Bytes as canonical JSON writes them."""
    return base64.b64encode(data).decode("ascii")


def from_b64(text: str) -> bytes:
    """Strictly decode base64 written by ``canonical_json`` (``ValueError`` for anything else)."""
    if not isinstance(text, str) or not _BASE64.fullmatch(text) or len(text) % 4:
        raise ValueError("not canonical base64")
    try:
        data = base64.b64decode(text, validate=True)
    except binascii.Error as error:
        raise ValueError("not base64") from error
    if b64(data) != text:
        raise ValueError("not canonical base64")
    return data


# ---- strict parsing -------------------------------------------------------------------------------


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _no_float(text: str) -> Any:
    raise ValueError(f"number {text[:20]!r} is not an integer")


def _no_constant(text: str) -> Any:
    raise ValueError(f"{text} is not JSON")


def strict_json(data: bytes) -> Any:
    """Parse UTF-8 JSON refusing duplicate keys, floats, NaN and Infinity; raise ``Refused``."""
    try:
        text = data.decode("utf-8")
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_float=_no_float, parse_constant=_no_constant)
    except (ValueError, RecursionError) as error:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise Refused("bad_json", str(error)[:200]) from error


def _bad(detail: str) -> Refused:
    return Refused("bad_manifest", detail)


def _str(obj: dict, key: str, pattern: re.Pattern | None = None, *, empty_ok: bool = False) -> str:
    value = obj[key]
    if type(value) is not str:
        raise _bad(f"{key} must be a string")
    if value == "" and empty_ok:
        return value
    if pattern is not None and not pattern.fullmatch(value):
        raise _bad(f"{key} has the wrong form")
    return value


def _int(value: Any, what: str, *, low: int = 0, high: int = MAX_SEQUENCE) -> int:
    if type(value) is not int or not low <= value <= high:
        raise _bad(f"{what} must be an integer from {low} to {high}")
    return value


def _key(value: Any, what: str, size: int) -> bytes:
    try:
        data = from_b64(value)
    except ValueError as error:
        raise _bad(f"{what} must be base64") from error
    if len(data) != size:
        raise _bad(f"{what} must be {size} bytes")
    return data


def _object(value: Any, what: str, fields: frozenset[str] | None = None) -> dict:
    if type(value) is not dict:
        raise _bad(f"{what} must be an object")
    if fields is not None and set(value) != fields:
        missing, unknown = sorted(fields - set(value)), sorted(set(value) - fields)
        raise _bad(f"{what}: missing {missing}, unknown {unknown}")
    return value


def _node_map(value: Any, what: str) -> dict:
    for node_id in _object(value, what):
        if not _NODE_ID.fullmatch(node_id):
            raise _bad(f"{what} has a key that is not a node id")
    return value


def _ranges(value: Any) -> dict[str, list[int]]:
    for node_id, pair in _node_map(value, "ranges").items():
        if type(pair) is not list or len(pair) != 2:
            raise _bad(f"ranges[{node_id}] must be [first, last]")
        first, last = (_int(v, f"ranges[{node_id}]") for v in pair)
        if first > last:
            raise _bad(f"ranges[{node_id}] starts after it ends")
    return value


def _parts(value: Any) -> list[dict]:
    if type(value) is not list:
        raise _bad("parts must be a list")
    names = set()
    for part in value:
        _object(part, "a part", frozenset(("name", "size", "sha256")))
        name = part["name"]
        if type(name) is not str or name not in PART_NAMES or name in names:
            raise _bad("parts names an unknown or repeated member")
        names.add(name)
        _int(part["size"], "a part's size")
        _str(part, "sha256", _SHA256)
    return value


def _depth_ok(value: Any) -> bool:
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return False
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return True


def manifest_from_json(value: Any) -> Manifest:
    """Check a parsed manifest field by field; raise ``Refused`` with the first problem found."""
    obj = _object(value, "the manifest")
    if obj.get("format") != FORMAT:
        raise Refused("not_a_bundle", "format is not rangtang-bundle")
    if obj.get("format_version") != FORMAT_VERSION or type(obj.get("format_version")) is not int:
        raise Refused("unsupported_version", f"format_version {str(obj.get('format_version'))[:20]}")
    if obj.get("algorithms") != ALGORITHMS:
        raise Refused("unsupported_algorithm", str(obj.get("algorithms"))[:200])
    _object(obj, "the manifest", _TOP_FIELDS)
    if not _depth_ok(obj):
        raise _bad("nested too deeply")
    kind = _str(obj, "kind")
    if kind not in KINDS:
        raise _bad(f"unknown kind {kind[:40]!r}")
    sender = _object(obj["sender"], "sender", frozenset(("node_id", "signing_public", "encryption_public")))
    party = Party(
        _str(sender, "node_id", _NODE_ID),
        _key(sender["signing_public"], "sender.signing_public", 32),
        _key(sender["encryption_public"], "sender.encryption_public", 32),
    )
    recipient = _str(obj, "recipient", _NODE_ID, empty_ok=kind == "enrollment-request")
    parts = _parts(obj["parts"])
    has_payload = bool(parts)
    if kind in ENROLLMENT_KINDS and has_payload:
        raise _bad("enrollment documents carry no payload")
    sealed = obj["ephemeral_public"] is not None, obj["nonce"] is not None
    if sealed != (has_payload, has_payload):
        raise _bad("ephemeral_public and nonce go with a payload, and only with one")
    counts = _object(obj["counts"], "counts")
    for name, count in counts.items():
        if not _COUNT_KEY.fullmatch(name):
            raise _bad("counts has a key of the wrong form")
        _int(count, f"counts[{name}]")
    holds = _node_map(obj["holds"], "holds")
    for node_id, seq in holds.items():
        _int(seq, f"holds[{node_id}]")
    created = _str(obj, "created", _CREATED)
    try:
        datetime.fromisoformat(created)
    except ValueError as error:
        raise _bad("created is not a real instant") from error
    return Manifest(
        kind=kind,
        bundle_id=_str(obj, "bundle_id", _BUNDLE_ID),
        created=created,
        sender=party,
        recipient=recipient,
        sequence=_int(obj["sequence"], "sequence"),
        previous_sha256=_str(obj, "previous_sha256", _SHA256, empty_ok=True),
        ranges=_ranges(obj["ranges"]),
        holds=holds,
        counts=counts,
        parts=parts,
        algorithms=dict(obj["algorithms"]),
        ephemeral_public=_key(obj["ephemeral_public"], "ephemeral_public", 32) if has_payload else None,
        nonce=_key(obj["nonce"], "nonce", 12) if has_payload else None,
        extra=_object(obj["extra"], "extra"),
    )


def manifest_to_json(manifest: Manifest) -> dict[str, Any]:
    """The manifest as the JSON object written to ``manifest.json`` (bytes still as bytes)."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "kind": manifest.kind,
        "bundle_id": manifest.bundle_id,
        "created": manifest.created,
        "sender": {
            "node_id": manifest.sender.node_id,
            "signing_public": manifest.sender.signing_public,
            "encryption_public": manifest.sender.encryption_public,
        },
        "recipient": manifest.recipient,
        "sequence": manifest.sequence,
        "previous_sha256": manifest.previous_sha256,
        "ranges": manifest.ranges,
        "holds": manifest.holds,
        "counts": manifest.counts,
        "parts": manifest.parts,
        "algorithms": manifest.algorithms,
        "ephemeral_public": manifest.ephemeral_public,
        "nonce": manifest.nonce,
        "extra": manifest.extra,
    }


def parse_manifest(data: bytes) -> Manifest:
    """Parse ``manifest.json`` bytes strictly (see the module docstring); raise ``Refused``."""
    if len(data) > MAX_MANIFEST_BYTES:
        raise Refused("too_large", "manifest.json is larger than 1 MiB")
    manifest = manifest_from_json(strict_json(data))
    try:
        again = canonical_json(manifest_to_json(manifest))
    except (ValueError, TypeError, RecursionError) as error:
        raise Refused("bad_json", f"not canonical: {error}"[:200]) from error
    if again != data:
        raise Refused("bad_json", "manifest.json is not in canonical form")
    return manifest
