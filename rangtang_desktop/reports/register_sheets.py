"""The registers as spreadsheets (.xlsx) for the township's upload package: the children in the
column order of the national 2016 left-behind child registration form (``domain/policy.md``), and
the households.

The children's sheet has two header rows, the form's part (child, family, guardianship, record) over
each column's own header, frozen with the children's names beside them. Headers and values are in
the document's language (``Words``: vocabulary labels translated, dates written the language's way,
people's names in both scripts, the reader's first; places in the reader's script). ID numbers and
phone numbers are text cells formatted as text, so a spreadsheet never turns an 18-digit number into
a rounded one; no value is ever read as a formula. A second sheet says what the file covers.

Rows are streamed (openpyxl's write-only mode), so a county's 14,000 children need little memory.
The data comes in plain rows gathered by ``services.upload_registers``; nothing here reads the
database.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from ..core.msg import N_
from ..core.vocab import (
    CLASSIFICATION_KIND,
    CLASSIFICATION_STATUS,
    DISABILITY_CATEGORY,
    DISABILITY_LEVEL,
    ETHNICITY,
    HEALTH,
    HUKOU_STATUS,
    RELATION_KIND,
    SCHOOL_STATUS,
    SEX,
    SITUATION_KIND,
)
from ..i18n.formatting import format_partial
from ..i18n.values import NO, YES
from .layout import Words
from .visit_log import RATING_SHORT

Place = tuple[tuple[str, str], ...]  # township, village, village group: (Chinese, Tibetan) names


@dataclass(frozen=True)
class Adult:
    """An adult named on a child's row: a grandparent, a parent or the entrusted carer."""

    name_zh: str
    name_bo: str
    birth_date: str = ""
    birth_precision: str = "exact"
    phones: tuple[str, ...] = ()
    id_number: str = ""
    situations: tuple[tuple[str, str], ...] = ()  # current situations: (SITUATION_KIND code, where)
    relation: str = ""  # RELATION_KIND code: the carer's relation to the child, when recorded
    place: Place = ()  # where the adult's household is
    address: str = ""  # the household's address


@dataclass(frozen=True)
class ChildRow:
    record_id: str
    name_zh: str
    name_bo: str
    sex: str
    ethnicity: str
    birth_date: str
    birth_precision: str
    id_number: str
    hukou_status: str
    hukou_place: str
    place: Place  # where the child lives
    household_number: str
    health: str
    disability_category: str
    disability_level: str
    illness: str
    boarding: bool
    school_status: str
    school_name: str
    paternal_grandparents: tuple[Adult, ...] = ()
    maternal_grandparents: tuple[Adult, ...] = ()
    father: Adult | None = None
    mother: Adult | None = None
    both_parents_away: bool = False
    one_away_other_unable: bool = False
    carer: Adult | None = None
    rating: str = ""  # RATING code of the latest signed visit up to the month's end
    rated_on: date | None = None
    categories: tuple[tuple[str, str], ...] = ()  # categories not ended: (CLASSIFICATION_KIND, CLASSIFICATION_STATUS)


@dataclass(frozen=True)
class HouseholdRow:
    record_id: str
    place: Place
    household_number: str
    house_name_zh: str
    house_name_bo: str
    members: int
    children: int


@dataclass(frozen=True)
class SheetInfo:
    """What a register file covers, for its second sheet."""

    year: int
    month: int
    scope: tuple[tuple[str, str], ...]  # the village or township names; empty for the whole county
    as_of: date  # minors, situations and care are those of this day
    made_at: datetime
    node_id: str


# -- the columns ----------------------------------------------------------------------------------------

CHILD, FAMILY, GUARDIANSHIP, RECORD = N_("Child"), N_("Family"), N_("Guardianship"), N_("Record")
ESTIMATED = N_("{date} (estimated)")
CATEGORY_STATUS = N_("{category} ({status})")
TEXT, ID, NUMBER = "text", "id", "number"


@dataclass(frozen=True)
class Column:
    group: str  # message id of the form's part
    header: str  # message id
    width: float  # in characters
    value: Callable[[Any, Words], Any]
    kind: str = TEXT  # text | id (ID and phone numbers: text cells formatted as text) | number


def _sep(words: Words) -> str:
    return "། " if words.value_lang == "bo" else "、"


def _birth(words: Words, text: str, precision: str) -> str:
    try:
        shown = format_partial(text, words.value_lang)
    except ValueError:
        shown = text
    return words(ESTIMATED, date=shown) if shown and precision == "estimated" else shown


def _place(words: Words, place: Place) -> str:
    return " ".join(name for name in (words.short_name(zh, bo) for zh, bo in place) if name)


def _yes_no(words: Words, value: bool) -> str:
    return words(YES) if value else words(NO)


def _names(words: Words, adults: Iterable[Adult]) -> str:
    return _sep(words).join(words.name(a.name_zh, a.name_bo) for a in adults)


def _births(words: Words, adults: Iterable[Adult]) -> str:
    return _sep(words).join(_birth(words, a.birth_date, a.birth_precision) or "?" for a in adults)


def _situation(words: Words, adult: Adult | None) -> str:
    if adult is None:
        return ""
    parts = (" ".join(p for p in (words.vocab(SITUATION_KIND, kind), where) if p) for kind, where in adult.situations)
    return _sep(words).join(parts)


def _address(words: Words, adult: Adult | None) -> str:
    if adult is None:
        return ""
    return " ".join(p for p in (_place(words, adult.place), adult.address) if p)


def _categories(words: Words, row: ChildRow) -> str:
    return _sep(words).join(
        words(CATEGORY_STATUS, category=words.vocab(CLASSIFICATION_KIND, kind), status=words.vocab(CLASSIFICATION_STATUS, status))
        for kind, status in row.categories
    )


def _adult_columns(part: str, pick: Callable[[ChildRow], Adult | None], headers: tuple[str, ...]) -> list[Column]:
    name, birth, where, phone, id_number = headers

    def attr(get: Callable[[Adult, Words], str]) -> Callable[[ChildRow, Words], str]:
        return lambda row, words: get(pick(row), words) if pick(row) is not None else ""

    return [
        Column(part, name, 16, attr(lambda a, w: w.name(a.name_zh, a.name_bo))),
        Column(part, birth, 14, attr(lambda a, w: _birth(w, a.birth_date, a.birth_precision))),
        Column(part, where, 22, lambda row, words: _situation(words, pick(row))),
        Column(part, phone, 14, attr(lambda a, _w: ", ".join(a.phones)), ID),
        Column(part, id_number, 21, attr(lambda a, _w: a.id_number), ID),
    ]


CHILD_COLUMNS: tuple[Column, ...] = (
    Column(CHILD, N_("Name (Chinese)"), 12, lambda r, w: r.name_zh),
    Column(CHILD, N_("Name (Tibetan)"), 16, lambda r, w: r.name_bo),
    Column(CHILD, N_("Sex"), 6, lambda r, w: w.vocab(SEX, r.sex)),
    Column(CHILD, N_("Ethnicity"), 8, lambda r, w: w.vocab(ETHNICITY, r.ethnicity)),
    Column(CHILD, N_("Birth date"), 14, lambda r, w: _birth(w, r.birth_date, r.birth_precision)),
    Column(CHILD, N_("ID number"), 21, lambda r, w: r.id_number, ID),
    Column(CHILD, N_("Hukou"), 12, lambda r, w: w.vocab(HUKOU_STATUS, r.hukou_status)),
    Column(CHILD, N_("Hukou place"), 16, lambda r, w: r.hukou_place),
    Column(CHILD, N_("Where the child lives"), 24, lambda r, w: _place(w, r.place)),
    Column(CHILD, N_("Household number"), 19, lambda r, w: r.household_number),
    Column(CHILD, N_("Health"), 10, lambda r, w: w.vocab(HEALTH, r.health)),
    Column(CHILD, N_("Disability category"), 10, lambda r, w: w.vocab(DISABILITY_CATEGORY, r.disability_category)),
    Column(CHILD, N_("Disability level"), 10, lambda r, w: w.vocab(DISABILITY_LEVEL, r.disability_level)),
    Column(CHILD, N_("Illness"), 14, lambda r, w: r.illness),
    Column(CHILD, N_("Boards at school"), 8, lambda r, w: _yes_no(w, r.boarding)),
    Column(CHILD, N_("Schooling"), 14, lambda r, w: w.vocab(SCHOOL_STATUS, r.school_status)),
    Column(CHILD, N_("School"), 16, lambda r, w: r.school_name),
    Column(FAMILY, N_("Paternal grandparents: names"), 18, lambda r, w: _names(w, r.paternal_grandparents)),
    Column(FAMILY, N_("Paternal grandparents: birth dates"), 16, lambda r, w: _births(w, r.paternal_grandparents)),
    Column(FAMILY, N_("Maternal grandparents: names"), 18, lambda r, w: _names(w, r.maternal_grandparents)),
    Column(FAMILY, N_("Maternal grandparents: birth dates"), 16, lambda r, w: _births(w, r.maternal_grandparents)),
    *_adult_columns(FAMILY, lambda r: r.father, (
        N_("Father: name"), N_("Father: birth date"), N_("Father: situation and where working"), N_("Father: phone"),
        N_("Father: ID number"),
    )),
    *_adult_columns(FAMILY, lambda r: r.mother, (
        N_("Mother: name"), N_("Mother: birth date"), N_("Mother: situation and where working"), N_("Mother: phone"),
        N_("Mother: ID number"),
    )),
    Column(GUARDIANSHIP, N_("Both parents away for work"), 10, lambda r, w: _yes_no(w, r.both_parents_away)),
    Column(GUARDIANSHIP, N_("One parent away for work, the other unable to care"), 12, lambda r, w: _yes_no(w, r.one_away_other_unable)),
    Column(GUARDIANSHIP, N_("Entrusted carer: name"), 16, lambda r, w: w.name(r.carer.name_zh, r.carer.name_bo) if r.carer else ""),
    Column(GUARDIANSHIP, N_("Entrusted carer: phone"), 14, lambda r, w: ", ".join(r.carer.phones) if r.carer else "", ID),
    Column(GUARDIANSHIP, N_("Entrusted carer: ID number"), 21, lambda r, w: r.carer.id_number if r.carer else "", ID),
    Column(GUARDIANSHIP, N_("Entrusted carer: relation to the child"), 12, lambda r, w: w.vocab(RELATION_KIND, r.carer.relation) if r.carer else ""),
    Column(GUARDIANSHIP, N_("Entrusted carer: address"), 24, lambda r, w: _address(w, r.carer)),
    Column(GUARDIANSHIP, N_("Guardianship rating (latest signed visit up to the month's end)"), 14, lambda r, w: w(RATING_SHORT[r.rating]) if r.rating in RATING_SHORT else ""),
    Column(GUARDIANSHIP, N_("Day of that visit"), 14, lambda r, w: w.day(r.rated_on)),
    Column(RECORD, N_("Categories (not ended)"), 28, lambda r, w: _categories(w, r)),
    Column(RECORD, N_("Record ID"), 38, lambda r, w: r.record_id),
)

HOUSEHOLD_COLUMNS: tuple[Column, ...] = (
    Column("", N_("Township"), 14, lambda r, w: _place(w, r.place[:1])),
    Column("", N_("Village"), 14, lambda r, w: _place(w, r.place[1:2])),
    Column("", N_("Village group"), 12, lambda r, w: _place(w, r.place[2:3])),
    Column("", N_("Household number"), 19, lambda r, w: r.household_number),
    Column("", N_("House name (Chinese)"), 14, lambda r, w: r.house_name_zh),
    Column("", N_("House name (Tibetan)"), 18, lambda r, w: r.house_name_bo),
    Column("", N_("Members"), 9, lambda r, w: r.members, NUMBER),
    Column("", N_("Children"), 9, lambda r, w: r.children, NUMBER),
    Column("", N_("Record ID"), 38, lambda r, w: r.record_id),
)

CHILDREN_TITLE, HOUSEHOLDS_TITLE, ABOUT_TITLE = N_("Children"), N_("Households"), N_("About this file")


# -- the workbook ---------------------------------------------------------------------------------------

_BOLD = Font(bold=True)
_FILL = PatternFill("solid", fgColor="EEEEEE")
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")
_FORBIDDEN_IN_TITLES = str.maketrans({c: " " for c in "[]:*?/\\"})


def build_children_sheet(rows: Iterable[ChildRow], info: SheetInfo, lang: str) -> bytes:
    """The children's register as .xlsx bytes."""
    return _build(CHILD_COLUMNS, rows, info, Words(lang), CHILDREN_TITLE, grouped=True)


def build_households_sheet(rows: Iterable[HouseholdRow], info: SheetInfo, lang: str) -> bytes:
    """The households' register as .xlsx bytes."""
    return _build(HOUSEHOLD_COLUMNS, rows, info, Words(lang), HOUSEHOLDS_TITLE, grouped=False)


def _title(text: str) -> str:
    """A worksheet name Excel accepts: none of []:*?/\\ and at most 31 characters."""
    return text.translate(_FORBIDDEN_IN_TITLES).strip()[:31] or "Sheet"


def _header_cell(sheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.font, cell.fill, cell.border, cell.alignment = _BOLD, _FILL, _BOX, _WRAP
    return cell


def _cell(sheet, value: Any, kind: str) -> Any:
    """A plain value where that is safe (fast); a text cell for ID numbers and for text that a
    spreadsheet would otherwise read as a formula."""
    if kind == NUMBER or value is None or value == "":
        return value if value != "" else None
    text = str(value)
    if kind == ID or text[:1] in "=+-@":
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
        cell.number_format = "@"
        return cell
    return text


def _build(columns: tuple[Column, ...], rows: Iterable[Any], info: SheetInfo, words: Words, title: str, *, grouped: bool) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_title(words(title)))
    header_rows = 2 if grouped else 1
    sheet.freeze_panes = f"C{header_rows + 1}" if grouped else f"A{header_rows + 1}"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.row_dimensions[header_rows].height = 48
    if grouped:
        sheet.append(_group_row(sheet, columns, words))
    sheet.append([_header_cell(sheet, words(c.header)) for c in columns])
    count = 0
    for row in rows:
        sheet.append([_cell(sheet, c.value(row, words), c.kind) for c in columns])
        count += 1
    _about(book, info, words, count)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _group_row(sheet, columns: tuple[Column, ...], words: Words) -> list:
    """The form's parts over their columns, each merged across its run of columns."""
    cells, start = [], 1
    for index, column in enumerate(columns, start=1):
        first_of_run = index == 1 or columns[index - 2].group != column.group
        cells.append(_header_cell(sheet, words(column.group) if first_of_run else ""))
        last_of_run = index == len(columns) or columns[index].group != column.group
        if first_of_run:
            start = index
        if last_of_run and index > start:
            sheet.merged_cells.add(CellRange(min_col=start, min_row=1, max_col=index, max_row=1))
    return cells


def _about(book: Workbook, info: SheetInfo, words: Words, count: int) -> None:
    sheet = book.create_sheet(_title(words(ABOUT_TITLE)))
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 48
    scope = " ".join(words.short_name(zh, bo) for zh, bo in info.scope) or words(N_("Rangtang County"))
    lines = (
        (N_("Month"), words.month(info.year, info.month)),
        (N_("Place"), scope),
        (N_("Register as of"), words.day(info.as_of)),
        (N_("Made at"), words.moment(info.made_at)),
        (N_("Node"), info.node_id),
        (N_("Rows"), count),
    )
    for label, value in lines:
        sheet.append([_header_cell(sheet, words(label)), _cell(sheet, value, NUMBER if isinstance(value, int) else TEXT)])
