"""Printing use cases: a visit sheet, a monthly visit log, a blank visit form, the flag and referral
summary, and a month of visit sheets into a folder — each in Chinese, Tibetan or both (``lang``
"zh", "bo" or "both"), whatever the window's language.

Each gathers its data (``printing_data``), has ``reports`` lay it out in memory, and writes the
file atomically: a temporary file in the target folder, flushed and fsynced, then renamed over the
target. A failure never leaves a half-written PDF.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import BinaryIO

from ..core.compliance import month_bounds
from ..core.errors import InvalidArgument, RangtangError
from ..core.msg import N_
from ..reports.blank_form import build_blank_form
from ..reports.flag_summary import build_flag_summary
from ..reports.layout import DOCUMENT_LANGUAGES
from ..reports.visit_log import build_visit_log
from ..reports.visit_sheet import build_visit_sheet
from . import audit
from . import printing_data as data
from .workspace import Workspace


class UnknownVisit(RangtangError):
    headline = N_("There is no visit with the ID {id}.")
    advice = N_("Check the ID: it is printed on the visit sheet and shown with the visit. Nothing was printed.")


class OutputNotWritable(RangtangError):
    headline = N_("The document cannot be saved in the folder {folder}.")
    advice = N_(
        "Choose a folder that exists and that you can write to, and close the file if a PDF viewer has it open. "
        "Nothing was saved."
    )


class OutputDiskFull(RangtangError):
    headline = N_("There is not enough space to save the document in {folder}.")
    advice = N_("Free some space, or save to another disk or USB stick. Nothing was saved.")


def _now() -> datetime:
    return datetime.now(UTC)


def _check_lang(lang: str) -> None:
    if lang not in DOCUMENT_LANGUAGES:
        raise InvalidArgument(option="lang", value=lang)


def write_atomically(path: str | Path, content: bytes) -> Path:
    """Write ``content`` to ``path``: a temporary file beside it, fsynced, then renamed over it.
    The temporary file is removed on any failure, so the target is either untouched or whole."""
    with atomic_output(path) as stream:
        stream.write(content)
    return Path(path)


@contextmanager
def atomic_output(path: str | Path) -> Iterator[BinaryIO]:
    """A binary stream that becomes the file ``path`` when the ``with`` block ends without an
    exception: written to a temporary file beside it, flushed, fsynced, renamed over ``path``, and
    the rename made durable. Any exception (a write error, a cancel) removes the temporary file, so
    the target is either untouched or whole. The one place where documents and packages are
    written; ``OSError`` becomes ``OutputNotWritable`` or ``OutputDiskFull``."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir() or path.is_dir():
        raise OutputNotWritable(folder=str(folder))
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.stem[:40]}.", suffix=".part", dir=folder)
    except OSError as error:
        raise _output_error(error, folder) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException as error:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(error, OSError):
            raise _output_error(error, folder) from None
        raise
    _sync_folder(folder)


def _output_error(error: OSError, folder: Path) -> RangtangError:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return OutputDiskFull(folder=str(folder))
    return OutputNotWritable(folder=str(folder))


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; Windows has no directory handles to sync)."""
    if os.name != "posix":
        return
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _printed(ws: Workspace, document: str, lang: str, *, subject: tuple[str, str] | None = None, **detail) -> None:
    """The audit entry of one document made (a PDF written is a print: it can be printed or passed on)."""
    audit.record(
        ws, "print", subject=subject, detail={"document": document, "lang": lang, **{k: v for k, v in detail.items() if v}}
    )


# -- the documents ---------------------------------------------------------------------------------------


def visit_sheet(ws: Workspace, visit_id_or_draft_id: str, path: str | Path, lang: str) -> Path:
    """The visit sheet of a signed visit, or of a draft (marked "unsigned draft — not valid")."""
    _check_lang(lang)
    visit = data.find_visit(ws, visit_id_or_draft_id)
    if visit is None:
        raise UnknownVisit(id=visit_id_or_draft_id)
    sheet = data.sheet_data(ws, visit, printed_at=_now())
    written = write_atomically(path, build_visit_sheet(sheet, lang))
    _printed(ws, "visit_sheet", lang, subject=("visit", visit.id), signed=bool(visit.signed_at))
    return written


def visit_log(
    ws: Workspace, year: int, month: int, path: str | Path, lang: str, *, village_code: str = "",
    group_code: str = "", worker: str = "",
) -> Path:
    """The monthly visit log (巡查寻访台账) of a village, a township, a village group or a grid
    worker's households: one line per visit, the households not yet visited enough, the totals of
    ``services.compliance`` and a block to sign."""
    _check_lang(lang)
    try:
        month_bounds(year, month)
    except ValueError:
        raise InvalidArgument(option="month", value=f"{year}-{month}") from None
    log = data.log_data(ws, year, month, village_code=village_code, group_code=group_code, worker=worker, printed_at=_now())
    written = write_atomically(path, build_visit_log(log, lang))
    _printed(ws, "visit_log", lang, month=f"{year:04d}-{month:02d}", place=group_code or village_code, worker=worker)
    return written


def blank_form(ws: Workspace, path: str | Path, lang: str, household_id: str = "") -> Path:
    """A blank visit form for paper days, with the household filled in when one is given."""
    _check_lang(lang)
    form = data.blank_data(ws, household_id, printed_at=_now())
    written = write_atomically(path, build_blank_form(form, lang))
    _printed(ws, "blank_form", lang, subject=("household", household_id) if household_id else None)
    return written


def flag_summary(ws: Workspace, path: str | Path, lang: str, village_code: str = "") -> Path:
    """Open flags by severity, the number of pending mandatory reports (never who reports) and
    overdue referrals, for a village, a township (its code) or everywhere."""
    _check_lang(lang)
    summary = data.flag_data(ws, village_code, printed_at=_now())
    written = write_atomically(path, build_flag_summary(summary, lang))
    _printed(ws, "flag_summary", lang, place=village_code)
    return written


def month_of_sheets(
    ws: Workspace, year: int, month: int, folder: str | Path, lang: str, village_code: str = "",
    progress: Callable[[int, int], None] | None = None, cancelled: Callable[[], bool] | None = None,
) -> list[Path]:
    """One visit sheet per signed visit of the month (of a village or township, or everywhere) into
    ``folder`` (made if missing), named ``<day>_<household number>_<visit id>.pdf``. Calls
    ``progress(done, total)`` after each sheet and stops early when ``cancelled()`` says so,
    keeping the sheets already made; returns their paths."""
    _check_lang(lang)
    first, last = month_bounds(year, month)
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _output_error(error, folder) from None
    visits = data.signed_visits(ws, first, last, village_code)
    total = len(visits)
    if progress is not None:
        progress(0, total)
    made: list[Path] = []
    for sheet in month_sheets(ws, visits, lang, first, cancelled=cancelled):
        made.append(write_atomically(folder / sheet.name, sheet.pdf))
        _printed(ws, "visit_sheet", lang, subject=("visit", sheet.visit_id), signed=True, batch=True)
        if progress is not None:
            progress(len(made), total)
    return made


@dataclass(frozen=True)
class MonthSheet:
    """The sheet of one signed visit of a month, as a month of sheets names and files it."""

    visit_id: str
    village_code: str  # the household's village
    name: str  # <day>_<household number>_<visit id>.pdf
    pdf: bytes


def month_sheets(
    ws: Workspace, visits: list[tuple[str, str]], lang: str, first: date, *, cancelled: Callable[[], bool] | None = None,
) -> Iterator[MonthSheet]:
    """The sheets of ``visits`` (``printing_data.signed_visits``: visit id and village code), made
    one at a time as they are asked for; stops before the next sheet once ``cancelled()`` says so.
    ``first`` is the month's first day (the day of a visit without one)."""
    cache = data.SheetCache.load(ws)
    printed_at = _now()
    for visit_id, village_code in visits:
        if cancelled is not None and cancelled():
            return
        visit = data.find_visit(ws, visit_id)
        if visit is None:
            continue
        sheet = data.sheet_data(ws, visit, printed_at=printed_at, cache=cache)
        name = f"{(visit.local_date() or first).isoformat()}_{_safe(sheet.household_number)}_{visit.id}.pdf"
        yield MonthSheet(visit.id, village_code, name, build_visit_sheet(sheet, lang))


def _safe(value: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in value) or "household"
