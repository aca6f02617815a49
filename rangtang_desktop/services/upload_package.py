"""The township's upload package (DESIGN §5), for when the township gets online: one .zip file with
the registers as spreadsheets in the column order of the national 2016 left-behind child
registration form, the signed visit sheets of a month, and a signed manifest of hashes.

Members of the .zip file::

    registers/children.xlsx       every live minor of the place (reports.register_sheets)
    registers/households.xlsx     every household, with its numbers of members and children
    visit_sheets/<village code>/<day>_<household number>_<visit id>.pdf
                                  the sheet of every signed visit of the month (as services.printing
                                  makes them; a corrected visit and its correction both)
    signing_key.pem               this node's Ed25519 public key (PEM, SubjectPublicKeyInfo)
    manifest.json                 canonical JSON (sorted keys, UTF-8, no spaces): format and version,
                                  the node (id, role, unit, public key, fingerprint), created (UTC),
                                  month, village filter, document language, the day the register
                                  is read as of, counts, and every member above with its path,
                                  size and SHA-256
    manifest.sig                  the raw 64-byte Ed25519 signature of the bytes of manifest.json

The file is written like every document (``printing.atomic_output``): a temporary file beside the
target, fsynced, renamed; a failure or a cancel leaves no file.

Checking a package without this program (OpenSSL 3)::

    unzip upload.zip manifest.json manifest.sig signing_key.pem
    openssl pkeyutl -verify -pubin -inkey signing_key.pem -rawin -in manifest.json -sigfile manifest.sig
    # "Signature Verified Successfully"; then compare each member's SHA-256 with the manifest:
    unzip -p upload.zip registers/children.xlsx | sha256sum

Trust ``signing_key.pem`` only after comparing its fingerprint with the one the township's node shows
(``rangtang-desktop node``: the first 128 bits of the SHA-256 of the raw 32-byte key); better, use
the copy of the key that was taken at enrollment. The PEM's last 32 bytes are the raw key::

    openssl pkey -pubin -in signing_key.pem -outform DER | tail -c 32 | sha256sum
"""

from __future__ import annotations

import base64
import hashlib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from ..core.compliance import month_bounds, month_text
from ..core.dates import LOCAL_ZONE
from ..core.errors import InvalidArgument, UnknownUnit
from ..exchange import keys
from ..reports.layout import DOCUMENT_LANGUAGES
from ..reports.register_sheets import SheetInfo, build_children_sheet, build_households_sheet
from ..storage import nodes, reference
from ..storage.changelog import canonical_json
from ..storage.compliance import place_known
from . import audit, upload_registers
from . import printing_data as data
from .printing import atomic_output, month_sheets
from .workspace import Workspace

FORMAT = "rangtang-upload-package"
FORMAT_VERSION = 1
CHILDREN = "registers/children.xlsx"
HOUSEHOLDS = "registers/households.xlsx"
SHEETS = "visit_sheets"
PUBLIC_KEY = "signing_key.pem"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
ALGORITHMS = {"hash": "SHA-256", "signature": "Ed25519"}
LANGUAGE_ALIASES = {"zh_Hans_CN": "zh"}  # a catalog's locale name stands for its language


@dataclass(frozen=True)
class UploadPackageResult:
    path: Path | None  # None when the build was cancelled (and nothing was written)
    cancelled: bool
    node_id: str
    month: str  # YYYY-MM
    village_code: str
    children: int = 0
    households: int = 0
    visit_sheets: int = 0
    bytes: int = 0
    manifest_sha256: str = ""

    def as_json(self) -> dict:
        return {
            "package": str(self.path) if self.path else None, "cancelled": self.cancelled, "node_id": self.node_id,
            "month": self.month, "village": self.village_code, "children": self.children,
            "households": self.households, "visit_sheets": self.visit_sheets, "bytes": self.bytes,
            "manifest_sha256": self.manifest_sha256,
        }


class _Cancelled(Exception):
    """Raised inside the atomic write so that nothing is kept."""


def build_upload_package(
    ws: Workspace, year: int, month: int, path: str | Path, lang: str, *, village_code: str = "",
    progress: Callable[[int, int], None] | None = None, cancelled: Callable[[], bool] | None = None,
) -> UploadPackageResult:
    """Write the upload package of ``year``-``month`` for a village or township (``village_code``;
    the whole database when empty) to ``path``, in the document language ``lang`` ("zh", "bo" or
    "both"; "zh_Hans_CN" is taken for "zh"). Calls ``progress(done, total)`` as the two registers
    and each visit sheet are done, and stops when ``cancelled()`` says so, leaving no file.

    Refuses an unknown language or month (``InvalidArgument``) and a code that names no unit and
    no household's village (``UnknownUnit``); a folder that cannot be written gives
    ``OutputNotWritable`` or ``OutputDiskFull``, and no file."""
    lang = LANGUAGE_ALIASES.get(lang, lang)
    if lang not in DOCUMENT_LANGUAGES:
        raise InvalidArgument(option="lang", value=lang)
    try:
        first, last = month_bounds(year, month)
    except ValueError:
        raise InvalidArgument(option="month", value=f"{year}-{month}") from None
    if village_code and not place_known(ws.db, village_code):
        raise UnknownUnit(code=village_code)
    node = nodes.self_node(ws.db)
    assert node is not None, "open_workspace creates the node"
    as_of = min(ws.today(), last)
    created = datetime.now(UTC).replace(microsecond=0)
    visits = data.signed_visits(ws, first, last, village_code)
    total = len(visits) + 2
    done = 0
    stop = cancelled or (lambda: False)
    members: list[dict] = []
    stamp = created.astimezone(LOCAL_ZONE).timetuple()[:6]

    def add(archive: zipfile.ZipFile, name: str, content: bytes, *, compress: bool = False, listed: bool = True) -> None:
        entry = zipfile.ZipInfo(name, date_time=stamp)
        entry.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        archive.writestr(entry, content)
        if listed:
            members.append({"path": name, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()})

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    def check() -> None:
        if stop():
            raise _Cancelled()

    if progress is not None:
        progress(0, total)
    units = reference.unit_names(ws.db)
    info = SheetInfo(year, month, tuple(data.scope_names(units, village_code)), as_of, created, node.node_id)
    counts = {"children": 0, "households": 0, "visit_sheets": 0}
    manifest = b""
    try:
        with atomic_output(path) as stream, zipfile.ZipFile(stream, "w") as archive:
            check()
            children = upload_registers.child_rows(ws, village_code, as_of, last)
            counts["children"] = len(children)
            add(archive, CHILDREN, build_children_sheet(children, info, lang))
            del children
            step()
            check()
            households = upload_registers.household_rows(ws, village_code, as_of)
            counts["households"] = len(households)
            add(archive, HOUSEHOLDS, build_households_sheet(households, info, lang))
            step()
            for sheet in month_sheets(ws, visits, lang, first, cancelled=stop):
                add(archive, f"{SHEETS}/{sheet.village_code or '_'}/{sheet.name}", sheet.pdf)
                counts["visit_sheets"] += 1
                step()
            check()
            add(archive, PUBLIC_KEY, keys.signing_public_pem(node.signing_public), compress=True)
            manifest = canonical_json(_manifest(node, created, year, month, village_code, lang, as_of, counts, members)).encode("utf-8")
            add(archive, MANIFEST, manifest, compress=True, listed=False)
            add(archive, SIGNATURE, keys.sign(nodes.self_signing_private(ws.db), manifest), listed=False)
    except _Cancelled:
        return UploadPackageResult(None, True, node.node_id, month_text(year, month), village_code)
    path = Path(path)
    audit.record(
        ws, "export",
        detail={"kind": "upload_package", "month": month_text(year, month), "place": village_code, **counts},
    )
    return UploadPackageResult(
        path, False, node.node_id, month_text(year, month), village_code, counts["children"], counts["households"],
        counts["visit_sheets"], path.stat().st_size, hashlib.sha256(manifest).hexdigest(),
    )


def _manifest(
    node: nodes.Node, created: datetime, year: int, month: int, village_code: str, lang: str, as_of: date, counts: dict,
    members: list[dict],
) -> dict:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "node_id": node.node_id,
        "node_role": node.role,
        "node_unit": node.unit_code,
        "signing_public_key": base64.b64encode(node.signing_public).decode("ascii"),
        "signing_fingerprint": keys.fingerprint(node.signing_public),
        "created": created.isoformat(),
        "month": month_text(year, month),
        "village": village_code,
        "language": lang,
        "register_as_of": as_of.isoformat(),
        "algorithms": ALGORITHMS,
        "counts": counts,
        "members": members,
    }
