"""No child's name or ID number in the clear (issue 7, part 5), searched byte-wise in every file an
encrypted village laptop writes — the database, its ``-wal`` while it is open, its backups (beside it
and on a stick), the bundles it exports — and in the bundles a plain database exports (a bundle's
payload is encrypted to its recipient whatever the database is).

``tests/services/test_encryption.py`` and ``test_encrypted_backups.py`` search the database and a
backup for one name; this searches everything at once, for names in Chinese and Tibetan, the ID
number, a visit's notes, in UTF-8, UTF-16 (either byte order) as JSON ``\\u`` escapes, and inside zlib streams, and a bundle's members after
unzipping as well as its raw bytes.
"""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
import zlib
from datetime import date
from pathlib import Path

import pytest

from rangtang_desktop.core import records
from rangtang_desktop.core.id_numbers import make_id_number
from rangtang_desktop.services import backups, exchange, register, visits
from rangtang_desktop.storage import cipher, keyfile
from tests.services.exchange_support import VILLAGE_A, enroll, laptop

pytestmark = pytest.mark.skipif(not cipher.available(), reason="sqlcipher3 is not installed")

NAME_ZH = "次仁拉姆"
NAME_BO = "ཚེ་རིང་ལྷ་མོ"
FATHER = "贡布扎西"
NOTES = "孩子说晚上一个人在家害怕"
BORN = date(2015, 3, 7)
ID_NUMBER = make_id_number("513230", BORN, 42)
PNG = b"\x89PNG\r\n\x1a\n" + b"signature"


def secrets_of() -> dict[str, list[bytes]]:
    """Each sensitive text in the encodings it could be stored in."""
    found = {}
    for text in (NAME_ZH, NAME_BO, FATHER, NOTES, ID_NUMBER):
        escaped = json.dumps(text)[1:-1].encode()  # as JSON text with \\u escapes (a visit's content)
        found[text] = [text.encode("utf-8"), text.encode("utf-16-le"), text.encode("utf-16-be"), escaped, escaped.lower()]
    return found


def inflated(data: bytes) -> list[bytes]:
    """What every zlib stream in ``data`` holds (a signed visit is stored compressed), as far as each
    decompresses."""
    found = []
    for header in (b"\x78\x9c", b"\x78\xda", b"\x78\x01", b"\x78\x5e"):
        start = data.find(header)
        while start != -1:
            try:
                found.append(zlib.decompressobj().decompress(data[start:], 1 << 20))
            except zlib.error:
                pass
            start = data.find(header, start + 1)
    return found


def leaks(data: bytes) -> list[str]:
    """The sensitive texts found in ``data``, in the clear or in a zlib stream."""
    pieces = [data, *inflated(data)]
    return [text for text, forms in secrets_of().items() if any(form in piece for form in forms for piece in pieces)]


def bundle_leaks(path: Path) -> list[str]:
    """The raw file, and each member of the archive (a stored or deflated member would show after unzipping)."""
    data = path.read_bytes()
    found = leaks(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.namelist():
            found += [f"{member}: {text}" for text in leaks(archive.read(member))]
    return found


def _fill(ws) -> None:
    home = register.save(ws, records.Household(village_code=VILLAGE_A, house_name_zh="格尔登")).record
    girl = register.save(
        ws, records.Person(household_id=home.id, name_zh=NAME_ZH, name_bo=NAME_BO, sex="female", birth_date=BORN.isoformat(), id_number=ID_NUMBER)
    ).record
    father = register.save(ws, records.Person(household_id=home.id, name_zh=FATHER, sex="male", birth_date="1980", birth_precision="year")).record
    register.save(ws, records.Relation(child_id=girl.id, adult_id=father.id, kind="father", legal_guardian=True))
    signature = visits.store_signature(ws, PNG)
    draft = visits.start_visit(ws, home.id)
    visits.sign(ws, dataclasses.replace(
        draft, notes=NOTES, visitor_name="扎西", rating="good", visitor_signature=signature, guardian_signature=signature,
        guardian_signer_name=FATHER,
    ))


@pytest.fixture(params=["encrypted", "plain"])
def village_and_stick(request, tmp_path, monkeypatch):
    """An enrolled village laptop (encrypted with a cheap KDF, or plain) with a child, her father and a signed visit."""
    from rangtang_desktop.services import workspace

    monkeypatch.setitem(keyfile.wrap_for_password.__kwdefaults__, "n", 2**10)
    if request.param == "encrypted":
        monkeypatch.setitem(workspace.open_workspace.__kwdefaults__, "password", "雪山-plaintext")
    township = laptop(tmp_path, "township", "township", "513230101", "卓玛")
    village = laptop(tmp_path, "village", "village", VILLAGE_A, "扎西")
    stick = tmp_path / "stick"
    enroll(village, township, stick)
    monkeypatch.undo()
    _fill(village)
    yield request.param, village, stick
    village.close()
    township.close()


def test_the_reference_search_finds_the_names_in_a_plain_database(tmp_path):
    """The search itself works: a plain database holds the name, the ID number and the notes in the clear."""
    ws = laptop(tmp_path, "plain", "village", VILLAGE_A)
    _fill(ws)
    ws.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    ws.close()
    assert {NAME_ZH, NAME_BO, ID_NUMBER, NOTES} <= set(leaks((tmp_path / "plain.sqlite3").read_bytes()))


def test_no_name_or_id_number_in_the_clear(village_and_stick, tmp_path):
    """Encrypted laptop: database, -wal, backups and bundles hold no name, ID number or notes in the clear; a plain laptop's bundles neither."""
    variant, village, stick = village_and_stick
    exported = exchange.export_bundle(village, stick, full=True)
    assert exported.visits == 1 and exported.changes > 0
    assert not bundle_leaks(exported.path), "the bundle"
    if variant == "plain":
        return
    usb = tmp_path / "usb"
    usb.mkdir()
    copy = backups.back_up_to(village, usb).copy
    database = Path(village.path)
    wal = database.with_name(database.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0  # read while the database is open, before any checkpoint
    files = [database, wal, copy, *(database.parent / "backups").iterdir(), *stick.iterdir(), *usb.iterdir()]
    for file in files:
        if file.is_file():
            assert not leaks(file.read_bytes()), file.name
    assert len([f for f in files if f.name.endswith(".sqlite3") and "backups" in str(f)]) >= 1
