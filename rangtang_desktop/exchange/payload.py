"""The plaintext of a changes or return bundle's payload: the changes (``storage.wire.WireChange``),
the signed visits they carry, the signature images those visits name, the names of the authors,
and (a village's changes bundle) the entries of its audit log the township has not acknowledged.

Form: the JSON (sorted keys, no spaces, UTF-8: ``storage.wire.canonical``) of
``{"format": "rangtang-changes", "version": 1, "changes": [...], "visits": [...],
"attachments": [{"sha256", "media_type", "data": base64}], "users": [...], "audit": [...]}``
(``audit`` only when there are entries: a payload without it, as older versions wrote, reads as
having none; each entry is checked strictly by ``storage.audit.entry_from_wire``), compressed with zlib
(RFC 1950) before it is encrypted. Reading decompresses with a hard output limit (a small payload
cannot expand into gigabytes), parses strictly (no duplicate keys, no NaN) and checks every change
(``WireChange.from_json``); anything else is refused as ``bad_json``, which the bundle layer reports
as a damaged file.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from typing import Any

from ..storage.audit import BadEntry, Entry, entry_from_wire
from ..storage.wire import WireChange, canonical
from .errors import BundleRejected
from .manifest import b64, from_b64

PAYLOAD_FORMAT = "rangtang-changes"
PAYLOAD_VERSION = 1
ENCODING = "json+zlib"
MAX_PLAIN_BYTES = 1024 * 1024 * 1024  # 1 GiB of JSON: far above a county's month


@dataclass
class Contents:
    changes: list[WireChange] = field(default_factory=list)
    visits: list[dict] = field(default_factory=list)
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)
    users: list[dict] = field(default_factory=list)
    audit: list[Entry] = field(default_factory=list)


def encode(contents: Contents) -> bytes:
    value = {
        "format": PAYLOAD_FORMAT,
        "version": PAYLOAD_VERSION,
        "changes": [c.as_json() for c in contents.changes],
        "visits": contents.visits,
        "attachments": [
            {"sha256": digest, "media_type": media, "data": b64(data)} for digest, media, data in contents.attachments
        ],
        "users": contents.users,
    }
    if contents.audit:
        value["audit"] = [entry.as_wire() for entry in contents.audit]
    return zlib.compress(canonical(value).encode("utf-8"), 6)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _no_constant(text: str) -> Any:
    raise ValueError(f"{text} is not JSON")


def decode(data: bytes, *, file: str = "") -> Contents:
    """The contents of a decrypted payload; ``BundleRejected`` (``too_large`` or ``bad_json``) otherwise."""
    try:
        inflater = zlib.decompressobj()
        plain = inflater.decompress(data, MAX_PLAIN_BYTES)
        if inflater.unconsumed_tail:
            raise BundleRejected("too_large", file=file, detail="the payload expands beyond 1 GiB")
        if not inflater.eof or inflater.unused_data:
            raise ValueError("the payload is not one complete zlib stream")
        value = json.loads(plain.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
        if not isinstance(value, dict) or value.get("format") != PAYLOAD_FORMAT or value.get("version") != PAYLOAD_VERSION:
            raise ValueError("not a payload of this format and version")
        for key in ("changes", "visits", "attachments", "users"):
            if not isinstance(value.get(key), list):
                raise ValueError(f"{key} must be a list")
        changes = [WireChange.from_json(item) for item in value["changes"]]
        attachments = []
        for item in value["attachments"]:
            if not isinstance(item, dict) or set(item) != {"sha256", "media_type", "data"}:
                raise ValueError("an attachment must have sha256, media_type and data")
            if not isinstance(item["sha256"], str) or not isinstance(item["media_type"], str):
                raise ValueError("an attachment's sha256 and media type must be text")
            attachments.append((item["sha256"], item["media_type"], from_b64(item["data"])))
        visits = [v for v in value["visits"] if isinstance(v, dict)]
        users = [u for u in value["users"] if isinstance(u, dict)]
        if len(visits) != len(value["visits"]) or len(users) != len(value["users"]):
            raise ValueError("visits and users must be objects")
        if not isinstance(value.get("audit", []), list):
            raise ValueError("audit must be a list")
        audit = [entry_from_wire(item) for item in value.get("audit", [])]
    except BundleRejected:
        raise
    except (ValueError, TypeError, RecursionError, zlib.error, MemoryError, BadEntry) as error:
        raise BundleRejected("bad_json", file=file, detail=f"payload: {error}"[:200]) from None
    return Contents(changes, visits, attachments, users, audit)
