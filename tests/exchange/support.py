"""Test nodes, a small enrollment registry, and a raw ZIP writer for building hostile archives."""

from __future__ import annotations

import json
import stat
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from rangtang_desktop.core.ids import new_id
from rangtang_desktop.exchange import keys
from rangtang_desktop.exchange.bundle import OpenedBundle, Party, Sender, open_bundle, write_bundle
from rangtang_desktop.exchange.container import build_container


@dataclass(frozen=True)
class Node:
    node_id: str
    keys: keys.NodeKeys

    @classmethod
    def make(cls) -> Node:
        return cls(new_id(), keys.generate_node_keys())

    @property
    def sender(self) -> Sender:
        return Sender(self.node_id, self.keys.signing_private, self.keys.signing_public, self.keys.encryption_public)

    @property
    def party(self) -> Party:
        return Party(self.node_id, self.keys.signing_public, self.keys.encryption_public)


@dataclass
class Registry:
    """What the township knows: enrolled parties and revoked node ids."""

    enrolled: dict[str, Party] = field(default_factory=dict)
    revoked_ids: set[str] = field(default_factory=set)

    def enroll(self, *nodes: Node) -> Registry:
        for node in nodes:
            self.enrolled[node.node_id] = node.party
        return self

    def open(self, path: Path, me: Node) -> OpenedBundle:
        return open_bundle(
            path,
            my_node_id=me.node_id,
            my_encryption_private=me.keys.encryption_private,
            known_sender=self.enrolled.get,
            revoked=self.revoked_ids.__contains__,
        )


PAYLOAD = json.dumps({"changes": [{"field": "name", "value": "卓玛 སྒྲོལ་མ"}] * 20}, ensure_ascii=False).encode()


def write_changes(folder: Path, village: Node, township: Node, payload: bytes | None = PAYLOAD, **fields):
    """A changes bundle from the village to the township."""
    fields.setdefault("sequence", 1)
    fields.setdefault("ranges", {village.node_id: [1, 20]})
    fields.setdefault("holds", {village.node_id: 20})
    fields.setdefault("counts", {"changes": 20})
    return write_bundle(
        folder, kind="changes", sender=village.sender, recipient=township.party, payload=payload, **fields
    )


def resign(manifest: bytes, signer: Node, payload: bytes | None) -> bytes:
    """A canonical container around ``manifest`` signed by ``signer`` (what a forger with a key makes)."""
    return build_container(manifest, keys.sign(signer.keys.signing_private, manifest), payload)


def raw_zip(entries: list[dict], *, trailer: bytes = b"") -> bytes:
    """A ZIP archive with full control over every header field, for archives zipfile would not write.

    Each entry: ``name`` (str or bytes), ``data`` (the bytes stored), and optionally ``method``,
    ``flags``, ``crc``, ``size`` (declared uncompressed size), ``csize`` (declared compressed size,
    in both headers), ``central_size`` (a different uncompressed size in the central directory only),
    ``mode`` (Unix mode bits), ``system``.
    """
    body, central = [], []
    offset = 0
    for entry in entries:
        name = entry["name"].encode() if isinstance(entry["name"], str) else entry["name"]
        data = entry["data"]
        crc = entry.get("crc", zlib.crc32(entry.get("plain", data)) & 0xFFFFFFFF)
        size = entry.get("size", len(entry.get("plain", data)))
        csize = entry.get("csize", len(data))
        method, flags = entry.get("method", 0), entry.get("flags", 0)
        mode = entry.get("mode", stat.S_IFREG | 0o644)
        local = struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, flags, method, 0, 33, crc, csize, size, len(name), 0)
        central.append(
            struct.pack(
                "<4s4B4HL2L5H2L",
                b"PK\x01\x02",
                20,
                entry.get("system", 3),
                20,
                0,
                flags,
                method,
                0,
                33,
                crc,
                csize,
                entry.get("central_size", size),
                len(name),
                0,
                0,
                0,
                0,
                mode << 16,
                offset,
            )
            + name
        )
        body += [local, name, data]
        offset += len(local) + len(name) + len(data)
    directory = b"".join(central)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), offset, 0)
    return b"".join(body) + directory + end + trailer
