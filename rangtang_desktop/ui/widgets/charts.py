"""Simple charts for the dashboard, drawn with QPainter: a bar chart of coverage over the last twelve
months, and horizontal coverage bars ("n / m (p%)") for the per-group lists.

Text may be Chinese or Tibetan; every text height comes from the widget font's metrics (with the
Tibetan family's taller stacks, see ``fonts.text_height``), never from fixed pixel sizes, so the
charts stay readable at 125 % scaling and on a 1366×768 screen. Percentages are rounded down, so a
month with one household missing never shows 100 %.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QHelpEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from ...i18n import N_, _
from ...i18n.formatting import digits, format_number
from ..fonts import text_height

NO_DATA_YET = N_("No data yet")
TARGET = N_("Target {percent}")

BAR = QColor("#8fb3d9")
CURRENT_BAR = QColor("#1f4e79")
TARGET_LINE = QColor("#c0504d")
AXIS = QColor("#9a9a9a")
TRACK = QColor("#e4e4e4")
MUTED = QColor("#707070")
GREEN = QColor("#2e7d32")
AMBER = QColor("#e09b00")
RED = QColor("#c62828")
MIN_POINT_SIZE = 7.0

# A bar: label, value (a fraction, None when there is no figure) and an optional tooltip.
BarItem = tuple[str, float | None] | tuple[str, float | None, str]
# A coverage row: caption, met, in scope and an optional tooltip.
CoverageItem = tuple[str, int, int] | tuple[str, int, int, str]


def format_percent(fraction: float | None) -> str:
    """A fraction as a whole percentage, rounded down (0.996 → 99%); "—" without a figure."""
    if fraction is None:
        return "—"
    return digits(f"{math.floor(fraction * 100 + 1e-9)}%")


def line_height(font: QFont) -> float:
    """Height of one line in this font, tall enough for Tibetan stacks."""
    return max(QFontMetricsF(font).height(), float(text_height(font)))


def _resized(font: QFont, point_size: float) -> QFont:
    smaller = QFont(font)
    smaller.setPointSizeF(point_size)
    return smaller


def _fitting_font(font: QFont, texts: Sequence[str], width: float, floor: float) -> QFont:
    """``font``, made smaller (not below ``floor`` of its size) until every text fits in ``width``."""
    size = font.pointSizeF()
    lowest = max(MIN_POINT_SIZE, size * floor)
    candidate = QFont(font)
    while size > lowest:
        metrics = QFontMetricsF(candidate)
        if all(metrics.horizontalAdvance(text) <= width for text in texts):
            break
        size = max(lowest, size - 0.5)
        candidate = _resized(font, size)
    return candidate


@dataclass(frozen=True)
class _Layout:
    plot: QRectF
    slots: list[QRectF]
    bars: list[QRectF]
    top_value: float
    value_font: QFont
    label_font: QFont
    label_height: float
    value_height: float


class BarChart(QWidget):
    """Vertical bars for fractions (0–1 shown as %), labels under the bars, values above them, an
    optional target line, the last (current) bar highlighted, a tooltip per bar."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("bar_chart")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._items: list[tuple[str, float | None, str]] = []
        self._target: float | None = None

    def set_data(self, items: Sequence[BarItem], target: float | None = None) -> None:
        """Show these bars: (label, value) or (label, value, tooltip); a value of None shows "—"."""
        rows: list[tuple[str, float | None, str]] = []
        for item in items:
            label, value = item[0], item[1]
            tip = item[2] if len(item) > 2 else ""  # type: ignore[misc]
            rows.append((str(label), None if value is None else max(0.0, float(value)), str(tip)))
        self._items = rows
        self._target = target
        self.updateGeometry()
        self.update()

    def items(self) -> list[tuple[str, float | None, str]]:
        return list(self._items)

    def target(self) -> float | None:
        return self._target

    def has_data(self) -> bool:
        return any(value is not None for _label, value, _tip in self._items)

    # -- geometry ---------------------------------------------------------------------------------

    def _scale_top(self) -> float:
        values = [value for _label, value, _tip in self._items if value is not None]
        return max([1.0, self._target or 0.0, *values])

    def _target_text(self) -> str:
        return _(TARGET).format(percent=format_percent(self._target)) if self._target is not None else ""

    def _layout(self) -> _Layout:
        font = self.font()
        lh = line_height(font)
        pad = max(4.0, lh * 0.35)
        n = max(1, len(self._items))
        right = pad
        if self._target is not None:
            right += (
                QFontMetricsF(_resized(font, max(MIN_POINT_SIZE, font.pointSizeF() * 0.9))).horizontalAdvance(
                    self._target_text()
                )
                + pad
            )
        usable = max(1.0, self.width() - pad - right)
        slot_width = usable / n
        value_texts = [format_percent(value) for _label, value, _tip in self._items]
        value_font = _fitting_font(font, value_texts, slot_width - 4, 0.7)
        label_font = _fitting_font(font, [label for label, _value, _tip in self._items], slot_width - 4, 0.75)
        value_height = line_height(value_font)
        label_height = line_height(label_font)
        top = pad + value_height
        bottom = label_height + pad
        plot = QRectF(pad, top, usable, max(1.0, self.height() - top - bottom))
        top_value = self._scale_top()
        bar_width = max(min(slot_width * 0.6, lh * 2.5), min(slot_width - 2, 6.0))
        slots, bars = [], []
        for i, (_label, value, _tip) in enumerate(self._items):
            slot = QRectF(plot.left() + i * slot_width, plot.top(), slot_width, plot.height())
            height = plot.height() * (value or 0.0) / top_value
            bars.append(QRectF(slot.center().x() - bar_width / 2, plot.bottom() - height, bar_width, height))
            slots.append(slot)
        return _Layout(plot, slots, bars, top_value, value_font, label_font, label_height, value_height)

    def bar_rects(self) -> list[QRectF]:
        """The rectangles the bars are painted in, one per item (zero height without a value)."""
        return self._layout().bars

    def plot_rect(self) -> QRectF:
        """The area of the bars: its bottom is 0 and its top the largest of 100 %, the target and the values."""
        return self._layout().plot

    def index_at(self, pos: QPoint | QPointF) -> int | None:
        """The bar whose column (bar, value and label) holds ``pos``."""
        x = QPointF(pos).x()
        for i, slot in enumerate(self._layout().slots):
            if slot.left() <= x < slot.right() and 0 <= QPointF(pos).y() <= self.height():
                return i
        return None

    def _column_width(self, font: QFont) -> float:
        """The widest label or value in ``font``: a column narrower than this has to shrink or elide."""
        metrics = QFontMetricsF(font)
        texts = [text for label, value, _tip in self._items for text in (label, format_percent(value))]
        return max((metrics.horizontalAdvance(text) for text in texts), default=0.0)

    def _gutters(self) -> float:
        font = self.font()
        pad = max(4.0, line_height(font) * 0.35)
        target = 0.0
        if self._target is not None:
            small = _resized(font, max(MIN_POINT_SIZE, font.pointSizeF() * 0.9))
            target = QFontMetricsF(small).horizontalAdvance(self._target_text()) + pad
        return 2 * pad + target

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        """Wide enough for every label and value at the smallest size they may shrink to."""
        font = self.font()
        lh = line_height(font)
        smallest = _resized(font, max(MIN_POINT_SIZE, font.pointSizeF() * 0.75))
        width = self._gutters() + max(1, len(self._items)) * (self._column_width(smallest) + 4)
        return QSize(max(math.ceil(lh * 10), math.ceil(width)), math.ceil(lh * 2.8 + 80))

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        font = self.font()
        lh = line_height(font)
        width = self._gutters() + max(1, len(self._items)) * (self._column_width(font) + lh * 0.6)
        return QSize(max(360, math.ceil(width)), math.ceil(lh * 2.8 + 160))

    # -- painting ---------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        text_color = self.palette().windowText().color()
        if not self.has_data():
            painter.setPen(MUTED)
            painter.drawText(
                QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, _(NO_DATA_YET)
            )
            painter.end()
            return
        layout = self._layout()
        plot = layout.plot
        painter.setPen(QPen(AXIS, 1))
        painter.drawLine(QPointF(plot.left(), plot.bottom() + 0.5), QPointF(plot.right(), plot.bottom() + 0.5))
        last = len(self._items) - 1
        if self._target is not None:  # behind the bars and the figures, which stay readable over it
            self._paint_target(painter, layout)
        for i, ((_label, value, _tip), bar) in enumerate(zip(self._items, layout.bars, strict=True)):
            if value is not None and bar.height() > 0:
                painter.fillRect(bar, CURRENT_BAR if i == last else BAR)
        for i, ((label, value, _tip), slot, bar) in enumerate(zip(self._items, layout.slots, layout.bars, strict=True)):
            current = i == last
            value_font = QFont(layout.value_font)
            value_font.setBold(current)
            painter.setFont(value_font)
            text = format_percent(value)
            value_rect = QRectF(slot.left(), bar.top() - layout.value_height, slot.width(), layout.value_height)
            painter.setPen(text_color if value is not None else MUTED)
            painter.drawText(value_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, text)
            label_font = QFont(layout.label_font)
            label_font.setBold(current)
            painter.setFont(label_font)
            painter.setPen(text_color)
            label_rect = QRectF(slot.left(), plot.bottom() + 2, slot.width(), layout.label_height)
            shown = painter.fontMetrics().elidedText(label, Qt.TextElideMode.ElideRight, math.floor(slot.width()))
            painter.drawText(label_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, shown)
        painter.end()

    def _paint_target(self, painter: QPainter, layout: _Layout) -> None:
        plot = layout.plot
        y = plot.bottom() - plot.height() * self._target / layout.top_value
        pen = QPen(TARGET_LINE, 1.2, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        font = _resized(self.font(), max(MIN_POINT_SIZE, self.font().pointSizeF() * 0.9))
        painter.setFont(font)
        painter.setPen(TARGET_LINE)
        height = line_height(font)
        text_rect = QRectF(plot.right() + 4, y - height / 2, self.width() - plot.right() - 4, height)
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self._target_text())

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            index = self.index_at(event.pos())
            if index is None:
                QToolTip.hideText()
                event.ignore()
            else:
                label, value, tip = self._items[index]
                QToolTip.showText(event.globalPos(), tip or f"{label}  {format_percent(value)}", self)
            return True
        if event.type() == QEvent.Type.FontChange:
            self.updateGeometry()
        return super().event(event)


def coverage_level(met: int, total: int, target: float = 1.0) -> str:
    """The level of a coverage: "met" (at or above the target), "near" (at least 80 % of it), "below", or "none" (nobody in scope)."""
    if total <= 0:
        return "none"
    fraction = met / total
    if fraction >= target - 1e-9:
        return "met"
    if fraction >= 0.8 * target - 1e-9:
        return "near"
    return "below"


LEVEL_COLOURS = {"met": GREEN, "near": AMBER, "below": RED, "none": TRACK}


class CoverageBar(QWidget):
    """One row: a caption, a horizontal bar coloured by level (green at or above the target, amber
    from 80 % of it, red below) with a tick at the target, and "n / m (p%)"."""

    def __init__(
        self, caption: str = "", met: int = 0, total: int = 0, target: float = 1.0, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setObjectName("coverage_bar")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._caption = caption
        self._met = met
        self._total = total
        self._target = target
        self._caption_width: float | None = None
        self._figures_width: float | None = None

    def set_values(self, caption: str, met: int, total: int, target: float | None = None) -> None:
        self._caption = caption
        self._met = met
        self._total = total
        if target is not None:
            self._target = target
        self.updateGeometry()
        self.update()

    def caption(self) -> str:
        return self._caption

    def fraction(self) -> float | None:
        return self._met / self._total if self._total > 0 else None

    def level(self) -> str:
        return coverage_level(self._met, self._total, self._target)

    def colour(self) -> QColor:
        return LEVEL_COLOURS[self.level()]

    def figures_text(self) -> str:
        """The figures "n / m (p%)", in Tibetan digits when that option is on."""
        return f"{format_number(self._met)} / {format_number(self._total)} ({format_percent(self.fraction())})"

    def caption_width_hint(self) -> float:
        return QFontMetricsF(self.font()).horizontalAdvance(self._caption)

    def figures_width_hint(self) -> float:
        return QFontMetricsF(self.font()).horizontalAdvance(self.figures_text())

    def set_column_widths(self, caption: float | None, figures: float | None) -> None:
        """Fix the caption and figures columns (a list aligns its rows); None measures this row's text."""
        self._caption_width = caption
        self._figures_width = figures
        self.updateGeometry()
        self.update()

    # -- geometry ---------------------------------------------------------------------------------

    def _columns(self) -> tuple[QRectF, QRectF, QRectF]:
        """Caption, track and figures rectangles."""
        lh = line_height(self.font())
        gap = max(6.0, lh * 0.5)
        caption_w = min(
            math.ceil(self._caption_width if self._caption_width is not None else self.caption_width_hint()) + 2,
            self.width() * 0.4,
        )
        figures_w = math.ceil(self._figures_width if self._figures_width is not None else self.figures_width_hint()) + 2
        figures_w = min(figures_w, max(0.0, self.width() - caption_w - 2 * gap - 40))
        track_h = max(6.0, lh * 0.55)
        caption = QRectF(0, 0, caption_w, self.height())
        track_left = caption_w + gap
        track_w = max(0.0, self.width() - track_left - gap - figures_w)
        track = QRectF(track_left, (self.height() - track_h) / 2, track_w, track_h)
        figures = QRectF(self.width() - figures_w, 0, figures_w, self.height())
        return caption, track, figures

    def track_rect(self) -> QRectF:
        return self._columns()[1]

    def fill_rect(self) -> QRectF:
        """The coloured part of the bar."""
        track = self.track_rect()
        fraction = min(1.0, self.fraction() or 0.0)
        return QRectF(track.left(), track.top(), track.width() * fraction, track.height())

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        lh = line_height(self.font())
        width = (self._caption_width or self.caption_width_hint()) + (self._figures_width or self.figures_width_hint())
        return QSize(math.ceil(width + lh * 10), math.ceil(lh * 1.5))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        lh = line_height(self.font())
        return QSize(math.ceil(lh * 12), math.ceil(lh * 1.5))

    # -- painting ---------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        caption, track, figures = self._columns()
        text_color = self.palette().windowText().color()
        painter.setPen(text_color)
        metrics = painter.fontMetrics()
        shown = metrics.elidedText(self._caption, Qt.TextElideMode.ElideRight, math.floor(caption.width()))
        painter.drawText(caption, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, shown)
        radius = track.height() / 2
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(TRACK)
        painter.drawRoundedRect(track, radius, radius)
        fill = self.fill_rect()
        if fill.width() > 0:
            painter.setBrush(self.colour())
            painter.drawRoundedRect(fill, min(radius, fill.width() / 2), radius)
        if 0 < self._target < 1:
            x = track.left() + track.width() * self._target
            painter.setPen(QPen(text_color, 1.5))
            painter.drawLine(QPointF(x, track.top() - 3), QPointF(x, track.bottom() + 3))
        painter.setPen(text_color if self._total > 0 else MUTED)
        figures_text = metrics.elidedText(self.figures_text(), Qt.TextElideMode.ElideLeft, math.floor(figures.width()))
        painter.drawText(figures, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, figures_text)
        painter.end()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FontChange:
            self.updateGeometry()
        return super().event(event)


class CoverageList(QWidget):
    """Coverage bars one under another with aligned columns (per group of a village, say), or
    "No data yet" when there are no rows."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("coverage_list")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self._empty = QLabel(_(NO_DATA_YET))
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setStyleSheet(f"color: {MUTED.name()};")
        self._layout.addWidget(self._empty)
        self._layout.addStretch(1)
        self._rows: list[CoverageBar] = []

    def set_rows(self, rows: Sequence[CoverageItem], target: float = 1.0) -> None:
        """Show these rows: (caption, met, in scope) or (caption, met, in scope, tooltip)."""
        for bar in self._rows:
            self._layout.removeWidget(bar)
            bar.deleteLater()
        self._rows = []
        for i, row in enumerate(rows):
            bar = CoverageBar(row[0], row[1], row[2], target)
            if len(row) > 3:
                bar.setToolTip(row[3])  # type: ignore[misc]
            self._layout.insertWidget(i, bar)
            self._rows.append(bar)
        self._empty.setVisible(not self._rows)
        self._align()

    def rows(self) -> list[CoverageBar]:
        return list(self._rows)

    def _align(self) -> None:
        if not self._rows:
            return
        metrics = QFontMetricsF(self.font())  # the rows' font; on a font change they may not have it yet
        caption = max(metrics.horizontalAdvance(bar.caption()) for bar in self._rows)
        figures = max(metrics.horizontalAdvance(bar.figures_text()) for bar in self._rows)
        for bar in self._rows:
            bar.set_column_widths(caption, figures)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FontChange:
            self._align()
        return super().event(event)
