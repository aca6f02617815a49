"""Ways to damage a bundle file, driven by a ``random.Random``: shared by the hypothesis fuzz tests
(hypothesis supplies the Random, so failures shrink and replay) and ``fuzz_bundles.py`` (long runs)."""

from __future__ import annotations

import io
import json
import random
import struct
import warnings
import zipfile

from rangtang_desktop.exchange.container import build_container

MAGICS = (b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06")
INTERESTING = (0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, 0xFFFFFFFF, 0x7FFFFFFF, 64, 2**31, 2**16)


def _magic_offsets(data: bytes) -> list[int]:
    found = []
    for magic in MAGICS:
        start = data.find(magic)
        while start != -1:
            found.append(start)
            start = data.find(magic, start + 1)
    return found or [0]


def flip_bit(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    if not data:
        return bytes([rng.randrange(256)])
    out = bytearray(data)
    out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def set_byte(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    if not data:
        return data
    out = bytearray(data)
    out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def insert_bytes(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.randbytes(rng.randint(1, 16)) + data[at:]


def delete_range(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    if not data:
        return data
    at = rng.randrange(len(data))
    return data[:at] + data[at + rng.randint(1, 64) :]


def duplicate_range(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    if not data:
        return data
    at = rng.randrange(len(data))
    end = min(len(data), at + rng.randint(1, 200))
    return data[:end] + data[at:end] + data[end:]


def truncate(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def append_bytes(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    return data + rng.randbytes(rng.randint(1, 64))


def overwrite_range(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    if not data:
        return data
    at = rng.randrange(len(data))
    chunk = rng.randbytes(rng.randint(1, 32))
    return data[:at] + chunk + data[at + len(chunk) :]


def splice(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    other = rng.choice(pool)
    return data[: rng.randrange(len(data) + 1)] + other[rng.randrange(len(other) + 1) :]


def header_field(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    """Set a 1-, 2- or 4-byte field near a ZIP record signature to an interesting value."""
    offset = rng.choice(_magic_offsets(data)) + rng.randrange(4, 46)
    width = rng.choice((1, 2, 4))
    if offset + width > len(data):
        return data
    value = rng.choice(INTERESTING) & ((1 << (8 * width)) - 1)
    return data[:offset] + value.to_bytes(width, "little") + data[offset + width :]


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def swap_members(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    """Re-pack with one member taken from another bundle (a correct ZIP with mismatched content)."""
    try:
        mine, other = _members(data), _members(rng.choice(pool))
    except Exception:
        return data
    name = rng.choice(sorted(set(mine) | set(other)))
    if name in other and rng.random() < 0.8:
        mine[name] = other[name]
    else:
        mine.pop(name, None)
    if "manifest.json" not in mine or len(mine.get("manifest.sig", b"")) != 64:
        return data
    return build_container(mine["manifest.json"], mine["manifest.sig"], mine.get("payload.bin"))


def rezip(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    """Re-pack the same members with Python's zipfile writer (other order, compression, extra names)."""
    try:
        members = list(_members(data).items())
    except Exception:
        return data
    rng.shuffle(members)
    out = io.BytesIO()
    method = rng.choice((zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED))
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w", compression=method) as archive:
        warnings.simplefilter("ignore")  # "Duplicate name" is the point
        for name, content in members:
            archive.writestr(name, content)
        if rng.random() < 0.3:
            archive.writestr(rng.choice(("../x", "/abs", "extra.txt", "manifest.json")), b"{}")
    return out.getvalue()


def manifest_text(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    """Change one value inside manifest.json's text and re-pack canonically (the signature no longer fits)."""
    try:
        members = _members(data)
        document = json.loads(members["manifest.json"])
    except Exception:
        return data
    if not isinstance(document, dict) or not document:
        return data
    key = rng.choice(sorted(document))
    document[key] = rng.choice([None, 0, -1, 2**64, "", "x" * 100, [], {}, True, document.get(key)])
    manifest = json.dumps(document, sort_keys=rng.random() < 0.5, ensure_ascii=rng.random() < 0.5).encode()
    return build_container(
        manifest, members.get("manifest.sig", bytes(64))[:64].ljust(64, b"\0"), members.get("payload.bin")
    )


MUTATORS = (
    flip_bit,
    set_byte,
    insert_bytes,
    delete_range,
    duplicate_range,
    truncate,
    append_bytes,
    overwrite_range,
    splice,
    header_field,
    swap_members,
    rezip,
    manifest_text,
)


def mutate(rng: random.Random, data: bytes, pool: list[bytes], rounds: int | None = None) -> bytes:
    """Apply one to four random mutations."""
    for _ in range(rounds or rng.randint(1, 4)):
        data = rng.choice(MUTATORS)(rng, data, pool)
    return data


def struct_noise(rng: random.Random) -> bytes:
    """Bytes that look like the start and end of a ZIP but are random in between."""
    body = rng.randbytes(rng.randint(0, 600))
    end = struct.pack(
        "<4s4H2LH",
        b"PK\x05\x06",
        0,
        0,
        rng.randint(0, 5),
        rng.randint(0, 5),
        rng.randint(0, 2**32 - 1),
        rng.randint(0, 2**32 - 1),
        0,
    )
    return b"PK\x03\x04" + body + (end if rng.random() < 0.7 else b"")
