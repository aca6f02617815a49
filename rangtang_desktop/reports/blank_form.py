"""The blank visit form for days without the laptop: the visit sheet's layout with empty boxes,
the full checklist with tick boxes for up to four children, and empty signature boxes. Given a
household, its place, number, house name, children and adults are printed in already."""

from __future__ import annotations

from . import layout
from .layout import Page, Words
from .visit_sheet import TITLE, SheetData, running_head, sheet_story


def build_blank_form(data: SheetData, lang: str) -> bytes:
    """The blank visit form as PDF bytes (``data.visit`` is None)."""
    words = Words(lang)
    page = Page(words, data.printed_at, running_head=running_head(words, data), title=words(TITLE))
    return layout.build_pdf(sheet_story(data, words, page.width), page)
