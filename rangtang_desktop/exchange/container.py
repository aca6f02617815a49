"""The bundle container: a plain ZIP archive in one canonical byte layout, and its hardened reader.

Writing (``build_container``) lays out, in this order, ``manifest.json``, ``manifest.sig`` and, when
there is a payload, ``payload.bin``: each a *stored* (uncompressed) member with a 30-byte local
header, no extra field, no data descriptor, fixed time stamp 1980-01-01 00:00, Unix mode 0644;
then the central directory and a 22-byte end record without comment. No ZIP64 (a bundle is at most
256 MiB). Any unzip program opens it; the layout depends only on the member bytes.

Reading (``read_container``) never extracts to disk and reads only what it expects:

1. refuse an empty file (``empty``), a file that does not start with a ZIP local header
   (``not_a_bundle``) and one whose end record is missing (``truncated``: a stick pulled mid-copy);
2. open it with ``zipfile`` from memory; refuse a ZIP without ``manifest.json`` (``not_a_bundle``)
   and then, before reading any data, member names that are
   absolute, contain ``..``, a separator or a NUL byte (``unsafe_path``), symlinks (``symlink``),
   encrypted members (``encrypted_member``), repeated names (``duplicate_member``), members that are
   not ours (``unexpected_member``), compressed members (``unsupported_compression``: nothing is ever
   decompressed, so a zip bomb has nothing to expand) and declared sizes over the limits
   (``too_large``);
3. read each member with a read cap of its declared size (plus one byte to notice a lie);
4. rebuild the canonical layout from the members read and require it to equal the file byte for
   byte (``damaged``). A central directory that lies, a changed time stamp, an extra field, trailing
   bytes: every difference from what the writer makes is refused.

``zipfile`` is outside our control and has raised ``NotImplementedError``, ``RuntimeError``,
``ValueError``, ``EOFError``, ``OSError``, ``struct.error``, ``OverflowError``, ``zlib.error`` and
``UnicodeDecodeError`` on corrupted archives; any exception from it becomes ``damaged``.
"""

from __future__ import annotations

import io
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass

from .errors import Refused

MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.sig"
PAYLOAD_NAME = "payload.bin"
MEMBER_ORDER = (MANIFEST_NAME, SIGNATURE_NAME, PAYLOAD_NAME)
MAX_BUNDLE_BYTES = 256 * 1024 * 1024
MEMBER_LIMITS = {MANIFEST_NAME: 1024 * 1024, SIGNATURE_NAME: 64, PAYLOAD_NAME: MAX_BUNDLE_BYTES}
SIGNATURE_BYTES = 64

_LOCAL = struct.Struct("<4s2B4HL2L2H")  # as zipfile.structFileHeader
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # as zipfile.structCentralDir
_END = struct.Struct("<4s4H2LH")  # as zipfile.structEndArchive
_LOCAL_MAGIC = b"PK\x03\x04"
_CENTRAL_MAGIC = b"PK\x01\x02"
_END_MAGIC = b"PK\x05\x06"
_VERSION = 20  # ZIP 2.0
_UNIX = 3
_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01
_DOS_TIME = 0
_EXTERNAL_ATTR = (stat.S_IFREG | 0o644) << 16


@dataclass(frozen=True)
class Members:
    """The members of a bundle as read: manifest bytes, signature bytes and payload (None if absent)."""

    manifest: bytes
    signature: bytes
    payload: bytes | None


def build_container(manifest: bytes, signature: bytes, payload: bytes | None) -> bytes:
    """The canonical ZIP bytes of a bundle's members."""
    members = [(MANIFEST_NAME, manifest), (SIGNATURE_NAME, signature)]
    if payload is not None:
        members.append((PAYLOAD_NAME, payload))
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, data in members:
        raw_name = name.encode("ascii")
        crc = zlib.crc32(data) & 0xFFFFFFFF
        size = len(data)
        local = _LOCAL.pack(
            _LOCAL_MAGIC, _VERSION, 0, 0, zipfile.ZIP_STORED, _DOS_TIME, _DOS_DATE, crc, size, size, len(raw_name), 0
        )
        central.append(
            _CENTRAL.pack(
                _CENTRAL_MAGIC,
                _VERSION,
                _UNIX,
                _VERSION,
                0,
                0,
                zipfile.ZIP_STORED,
                _DOS_TIME,
                _DOS_DATE,
                crc,
                size,
                size,
                len(raw_name),
                0,
                0,
                0,
                0,
                _EXTERNAL_ATTR,
                offset,
            )
            + raw_name
        )
        chunks += [local, raw_name, data]
        offset += len(local) + len(raw_name) + size
    directory = b"".join(central)
    end = _END.pack(_END_MAGIC, 0, 0, len(members), len(members), len(directory), offset, 0)
    return b"".join(chunks) + directory + end


def _check_entry(info: zipfile.ZipInfo) -> None:
    name = info.orig_filename
    if (
        "\x00" in name
        or name != info.filename
        or name.startswith(("/", "\\"))
        or (len(name) > 1 and name[1] == ":")
        or ".." in name
        or "/" in name
        or "\\" in name
        or name in ("", ".")
    ):
        raise Refused("unsafe_path", f"member name {name[:80]!r}")
    mode = info.external_attr >> 16
    if info.create_system == _UNIX and stat.S_ISLNK(mode):
        raise Refused("symlink", f"{name} is a symbolic link")
    if info.create_system == _UNIX and stat.S_IFMT(mode) not in (0, stat.S_IFREG):
        raise Refused("unsafe_path", f"{name} is not a regular file")
    if info.flag_bits & 0x41:  # 0x01 encrypted, 0x40 strong encryption
        raise Refused("encrypted_member", f"{name} is encrypted")


def _check_directory(infos: list[zipfile.ZipInfo], total: int) -> dict[str, zipfile.ZipInfo]:
    names = [info.filename for info in infos]
    if MANIFEST_NAME not in names:
        raise Refused("not_a_bundle", "no manifest.json")  # some other ZIP file: a spreadsheet, photos
    for info in infos:
        _check_entry(info)
    if len(set(names)) != len(names):
        raise Refused("duplicate_member", "a member name appears twice")
    unexpected = [name for name in names if name not in MEMBER_LIMITS]
    if unexpected:
        raise Refused("unexpected_member", f"unexpected member {unexpected[0][:80]!r}")
    if SIGNATURE_NAME not in names:
        raise Refused("damaged", "no manifest.sig")
    by_name = {info.filename: info for info in infos}
    for name, info in by_name.items():
        if info.compress_type != zipfile.ZIP_STORED:
            raise Refused("unsupported_compression", f"{name} is compressed (method {info.compress_type})")
        if info.file_size > MEMBER_LIMITS[name] or info.compress_size > MEMBER_LIMITS[name]:
            raise Refused("too_large", f"{name} declares {info.file_size} bytes")
        if info.file_size != info.compress_size or info.file_size > total:
            raise Refused("damaged", f"{name} declares impossible sizes")
    if by_name[SIGNATURE_NAME].file_size != SIGNATURE_BYTES:
        raise Refused("damaged", "manifest.sig is not 64 bytes")
    return by_name


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, never more than its declared size (one byte more shows a lie)."""
    with archive.open(info) as handle:
        data = handle.read(info.file_size + 1)
    if len(data) != info.file_size:
        raise Refused("damaged", f"{info.filename} is not the size its directory entry declares")
    return data


def _without_end_record(data: bytes) -> str:
    """``truncated`` for a bundle cut short; ``not_a_bundle`` for some other ZIP file that merely has
    an archive comment (only its directory is parsed, to choose the message)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if MANIFEST_NAME not in archive.namelist():
                return "not_a_bundle"
    except Exception:  # see the module docstring
        pass
    return "truncated"


def read_container(data: bytes) -> Members:
    """The members of a bundle file's bytes, after every check in the module docstring."""
    if not data:
        raise Refused("empty", "the file is empty")
    if len(data) > MAX_BUNDLE_BYTES:
        raise Refused("too_large", f"{len(data)} bytes")
    if not data.startswith(_LOCAL_MAGIC):
        if _LOCAL_MAGIC.startswith(data):
            raise Refused("truncated", "the file ends inside the first header")
        raise Refused("not_a_bundle", "the file is not a ZIP archive")
    if len(data) < _END.size or data[-_END.size : -_END.size + 4] != _END_MAGIC:
        raise Refused(_without_end_record(data), "the archive does not end with its end record")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            by_name = _check_directory(infos, len(data))
            read = {name: _read_capped(archive, info) for name, info in by_name.items()}
    except Refused:
        raise
    except Exception as error:  # zipfile is outside our control; see the module docstring
        raise Refused("damaged", f"{type(error).__name__}: {error}"[:200]) from error
    members = Members(read[MANIFEST_NAME], read[SIGNATURE_NAME], read.get(PAYLOAD_NAME))
    if build_container(members.manifest, members.signature, members.payload) != data:
        raise Refused("damaged", "the archive is not laid out as Rangtang Desktop writes it")
    return members
