"""A signature pad for the visit form: the visitor and the guardian sign with a mouse, a finger on a
touch screen or a pen on a tablet, and the signature is stored with the visit as a PNG.

Strokes are kept as points in widget coordinates and drawn as smooth curves (quadratic segments
through the midpoints of successive points). A pen's pressure varies the line width a little. The
exported PNG holds only the strokes, scaled to fit with a margin, black on white; the baseline and
the "Sign here" hint are drawn on screen only. The same strokes always give the same PNG bytes.

Qt sends a mouse event synthesised from a touch or tablet event only when the original was not
accepted; the pad accepts touch and tablet events it draws with, and also skips mouse events whose
pointing device is a touch screen or a pen, so a stroke is never drawn twice.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QEventPoint,
    QFont,
    QFontMetricsF,
    QImage,
    QInputDevice,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPointingDevice,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from ...i18n import N_, _
from ..fonts import text_height

SIGN_HERE = N_("Sign here")
CLEAR = N_("Clear")

INK = QColor(0, 0, 0)
PAPER = QColor(255, 255, 255)
HINT = QColor(150, 150, 150)
FRAME = QColor(190, 190, 190)
PEN_WIDTH = 2.4  # logical pixels on screen
MIN_POINT_DISTANCE = 0.75  # points closer than this to the previous one are dropped
MAX_EXPORT_SCALE = 4.0  # a tiny scribble is enlarged at most this much in the PNG
PEN_TYPES = (QInputDevice.DeviceType.Stylus, QInputDevice.DeviceType.Airbrush, QInputDevice.DeviceType.Puck)

# A point of a stroke: x, y (widget coordinates) and a width factor (1.0 without pressure).
Point = tuple[float, float, float]


def pressure_factor(pressure: float) -> float:
    """Line width factor for a pen pressure between 0 and 1: from 0.6 to 1.4 times the normal width."""
    return 0.6 + 0.8 * min(max(pressure, 0.0), 1.0)


def _segments(stroke: Sequence[Point]) -> list[tuple[QPointF, QPointF | None, QPointF, float]]:
    """The smoothed pieces of a stroke: (start, quadratic control or None for a line, end, width factor).

    The curve runs through the midpoints of successive points, using each point as the control."""
    points = [QPointF(x, y) for x, y, _w in stroke]
    widths = [w for _x, _y, w in stroke]
    if len(points) < 2:
        return []
    mids = [(points[i] + points[i + 1]) / 2 for i in range(len(points) - 1)]
    pieces: list[tuple[QPointF, QPointF | None, QPointF, float]] = [(points[0], None, mids[0], widths[0])]
    for i in range(1, len(points) - 1):
        pieces.append((mids[i - 1], points[i], mids[i], widths[i]))
    pieces.append((mids[-1], None, points[-1], widths[-1]))
    return pieces


def paint_strokes(painter: QPainter, strokes: Sequence[Sequence[Point]], width: float) -> None:
    """Draw strokes (already in the painter's coordinates) in ink with a base line width."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for stroke in strokes:
        if not stroke:
            continue
        if len(stroke) == 1:  # a tap: a dot
            x, y, factor = stroke[0]
            painter.setPen(_pen(width * factor))
            painter.drawPoint(QPointF(x, y))
            continue
        pieces = _segments(stroke)
        if all(factor == stroke[0][2] for _x, _y, factor in stroke):
            path = QPainterPath(pieces[0][0])
            for _start, control, end, _factor in pieces:
                if control is None:
                    path.lineTo(end)
                else:
                    path.quadTo(control, end)
            painter.setPen(_pen(width * stroke[0][2]))
            painter.drawPath(path)
        else:  # varying pressure: each piece with its own width; round caps hide the joins
            for start, control, end, factor in pieces:
                path = QPainterPath(start)
                if control is None:
                    path.lineTo(end)
                else:
                    path.quadTo(control, end)
                painter.setPen(_pen(width * factor))
                painter.drawPath(path)


def _pen(width: float) -> QPen:
    pen = QPen(INK, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _encode_png(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def render_png(strokes: Sequence[Sequence[Point]], width: int = 600, height: int = 200) -> bytes:
    """The strokes as a greyscale PNG of ``width`` × ``height``: white, the strokes scaled to fit inside
    a margin and centred. Only the strokes are drawn. Deterministic for the same strokes."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(PAPER)
    image.setDotsPerMeterX(3780)  # 96 dpi, fixed so the bytes do not depend on the screen
    image.setDotsPerMeterY(3780)
    points = [p for stroke in strokes for p in stroke]
    if points:
        line = max(1.5, height / 80)
        margin = max(line * 2, min(width, height) * 0.08)
        xs = [x for x, _y, _w in points]
        ys = [y for _x, y, _w in points]
        box_w, box_h = max(max(xs) - min(xs), 1.0), max(max(ys) - min(ys), 1.0)
        scale = min((width - 2 * margin) / box_w, (height - 2 * margin) / box_h, MAX_EXPORT_SCALE)
        dx = (width - (max(xs) - min(xs)) * scale) / 2 - min(xs) * scale
        dy = (height - (max(ys) - min(ys)) * scale) / 2 - min(ys) * scale
        placed = [[(x * scale + dx, y * scale + dy, w) for x, y, w in stroke] for stroke in strokes]
        painter = QPainter(image)
        paint_strokes(painter, placed, line)
        painter.end()
    return _encode_png(image.convertToFormat(QImage.Format.Format_Grayscale8))


def _line_height(font: QFont) -> float:
    """Height of one line of text in this font, tall enough for Tibetan stacks."""
    return max(QFontMetricsF(font).height(), float(text_height(font)))


class SignaturePad(QWidget):
    """Draw a signature with a mouse, a finger or a pen; export it as PNG; show a stored one.

    ``changed`` is emitted when a stroke ends and when ``clear()`` removes something; loading a
    stored signature with ``set_png`` does not emit it."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("signature_pad")
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._strokes: list[list[Point]] = []
        self._current: list[Point] | None = None
        self._source: str | None = None  # "mouse", "touch" or "tablet" while a stroke is drawn
        self._touch_id: int | None = None
        self._read_only = False
        self._png: bytes | None = None
        self._image: QImage | None = None
        self._update_cursor()

    # -- API --------------------------------------------------------------------------------------

    def is_empty(self) -> bool:
        """True when there is neither a stroke nor a stored signature."""
        return not self._strokes and self._current is None and self._image is None

    def clear(self) -> None:
        """Remove the strokes or the stored signature; drawing is possible again unless read-only."""
        had_something = not self.is_empty()
        self._strokes = []
        self._current = None
        self._source = None
        self._touch_id = None
        self._png = None
        self._image = None
        self._update_cursor()
        self.update()
        if had_something:
            self.changed.emit()

    def strokes(self) -> list[list[tuple[float, float]]]:
        """The finished strokes as lists of (x, y) in widget coordinates (empty for a stored image)."""
        return [[(x, y) for x, y, _w in stroke] for stroke in self._strokes]

    def set_strokes(self, strokes: Sequence[Sequence[tuple[float, float]]]) -> None:
        """Replace the drawing with these strokes (widget coordinates), as if drawn with a mouse."""
        self._png = None
        self._image = None
        self._current = None
        self._source = None
        self._strokes = [[(float(x), float(y), 1.0) for x, y in stroke] for stroke in strokes if stroke]
        self._update_cursor()
        self.update()

    def to_png(self, width: int = 600, height: int = 200) -> bytes:
        """The signature as PNG bytes: white background, strokes only, scaled to fit with a margin.

        A stored signature shown with ``set_png`` is returned unchanged when it already has this
        size, otherwise scaled to fit on white."""
        if self._image is not None and self._png is not None:
            if self._image.width() == width and self._image.height() == height:
                return self._png
            canvas = QImage(width, height, QImage.Format.Format_RGB32)
            canvas.fill(PAPER)
            canvas.setDotsPerMeterX(3780)
            canvas.setDotsPerMeterY(3780)
            painter = QPainter(canvas)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            painter.drawImage(_fit(self._image.size(), QRectF(0, 0, width, height)), self._image)
            painter.end()
            return _encode_png(canvas.convertToFormat(QImage.Format.Format_Grayscale8))
        return render_png(self._strokes, width, height)

    def set_png(self, data: bytes | None) -> None:
        """Show a stored signature, read-only until ``clear()``; ``None`` shows an empty pad.

        Raises ``ValueError`` when the bytes are not an image Qt can read."""
        self._strokes = []
        self._current = None
        self._source = None
        if data is None:
            self._png = None
            self._image = None
        else:
            # Name the format: with format detection Qt 6.11 returned a null image for some valid
            # PNGs (another image plugin claimed them). Signatures are always stored as PNG.
            image = QImage()
            if not image.loadFromData(bytes(data), "PNG"):
                raise ValueError("the signature is not a readable image")
            self._png = bytes(data)
            self._image = image
        self._update_cursor()
        self.update()

    def set_read_only(self, read_only: bool) -> None:
        """Allow or forbid drawing (a signed visit is read-only)."""
        self._read_only = bool(read_only)
        if self._read_only:
            self._current = None
            self._source = None
        self._update_cursor()
        self.update()

    def is_read_only(self) -> bool:
        """True when drawing is forbidden by ``set_read_only``, not merely by a stored signature."""
        return self._read_only

    def can_draw(self) -> bool:
        """True when a stroke can be drawn now (not read-only, no stored signature shown)."""
        return not self._read_only and self._image is None and self.isEnabled()

    # -- sizes ------------------------------------------------------------------------------------

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(360, max(120, math.ceil(_line_height(self.font()) * 4)))

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(480, max(160, math.ceil(_line_height(self.font()) * 5)))

    # -- painting ---------------------------------------------------------------------------------

    def _hint_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
        return font

    def _baseline_y(self) -> float:
        """Where the baseline is drawn: above the hint text, near the bottom."""
        hint_height = _line_height(self._hint_font())
        return self.height() - hint_height - max(6.0, hint_height * 0.4)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.fillRect(self.rect(), PAPER)
        painter.setPen(QPen(FRAME, 1))
        painter.drawRect(QRectF(0.5, 0.5, self.width() - 1, self.height() - 1))
        if self._image is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            painter.drawImage(_fit(self._image.size(), QRectF(self.rect()).adjusted(4, 4, -4, -4)), self._image)
        else:
            if self.can_draw():
                self._paint_hint(painter)
            strokes = self._strokes + ([self._current] if self._current else [])
            paint_strokes(painter, strokes, PEN_WIDTH)
        painter.end()

    def _paint_hint(self, painter: QPainter) -> None:
        """The baseline, and while empty a small cross and "Sign here" under the line. Never exported."""
        inset = 16.0
        y = self._baseline_y()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(HINT, 1))
        painter.drawLine(QPointF(inset, y), QPointF(self.width() - inset, y))
        if not self.is_empty():
            return
        size = 5.0
        cross_x, cross_y = inset + size, y - size - 6
        painter.drawLine(QPointF(cross_x - size, cross_y - size), QPointF(cross_x + size, cross_y + size))
        painter.drawLine(QPointF(cross_x - size, cross_y + size), QPointF(cross_x + size, cross_y - size))
        font = self._hint_font()
        painter.setFont(font)
        text_rect = QRectF(inset, y + 2, self.width() - 2 * inset, self.height() - y - 2)
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, _(SIGN_HERE))

    # -- strokes ----------------------------------------------------------------------------------

    def _begin(self, source: str, pos: QPointF, factor: float = 1.0) -> None:
        self._source = source
        self._current = [(pos.x(), pos.y(), factor)]
        self.update()

    def _extend(self, pos: QPointF, factor: float = 1.0) -> None:
        if self._current is None:
            return
        x, y, _w = self._current[-1]
        if math.hypot(pos.x() - x, pos.y() - y) < MIN_POINT_DISTANCE:
            return
        self._current.append((pos.x(), pos.y(), factor))
        margin = PEN_WIDTH * 2 + 2
        self.update(QRectF(QPointF(x, y), pos).normalized().adjusted(-margin, -margin, margin, margin).toAlignedRect())

    def _end(self) -> None:
        stroke = self._current
        self._current = None
        self._source = None
        self._touch_id = None
        if stroke:
            self._strokes.append(stroke)
            self.update()
            self.changed.emit()

    def _cancel(self) -> None:
        self._current = None
        self._source = None
        self._touch_id = None
        self.update()

    def _update_cursor(self) -> None:
        shape = (
            Qt.CursorShape.CrossCursor if not self._read_only and self._image is None else Qt.CursorShape.ArrowCursor
        )
        self.setCursor(shape)

    # -- mouse ------------------------------------------------------------------------------------

    @staticmethod
    def _synthesised(event: QMouseEvent) -> bool:
        """A mouse event Qt made from a touch or pen event (the pad draws those from the original)."""
        device = event.pointingDevice()
        return device is not None and (
            device.type() == QInputDevice.DeviceType.TouchScreen or device.type() in PEN_TYPES
        )

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if event.button() != Qt.MouseButton.LeftButton or not self.can_draw():
            event.ignore()
            return
        event.accept()
        if self._synthesised(event) or self._source is not None:
            return
        self._begin("mouse", event.position())

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        # Qt 6 sends press, release, press, double-click: the second press already began a stroke.
        if self._source is None:
            self.mousePressEvent(event)
        else:
            event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if self._source == "mouse" and event.buttons() & Qt.MouseButton.LeftButton:
            self._extend(event.position())
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if self._source == "mouse" and event.button() == Qt.MouseButton.LeftButton:
            self._extend(event.position())
            self._end()
        event.accept()

    # -- pen --------------------------------------------------------------------------------------

    def tabletEvent(self, event: QTabletEvent) -> None:  # noqa: N802 (Qt override)
        if not self.can_draw() and self._source != "tablet":
            event.ignore()
            return
        event.accept()
        if event.pointerType() == QPointingDevice.PointerType.Eraser:
            return
        factor = pressure_factor(event.pressure())
        kind = event.type()
        if kind == QEvent.Type.TabletPress and self._source is None:
            self._begin("tablet", event.position(), factor)
        elif kind == QEvent.Type.TabletMove and self._source == "tablet":
            self._extend(event.position(), factor)
        elif kind == QEvent.Type.TabletRelease and self._source == "tablet":
            self._extend(event.position(), factor)
            self._end()

    # -- touch ------------------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd, QEvent.Type.TouchCancel):
            assert isinstance(event, QTouchEvent)
            device = event.pointingDevice()
            if device is not None and device.type() == QInputDevice.DeviceType.TouchScreen:
                return self._touch(event)
        return super().event(event)

    def _touch(self, event: QTouchEvent) -> bool:
        """Draw with one finger: the first finger down; other fingers are ignored."""
        kind = event.type()
        if kind == QEvent.Type.TouchCancel:
            if self._source == "touch":
                self._cancel()
            event.accept()
            return True
        if kind == QEvent.Type.TouchBegin:
            if not self.can_draw() or self._source is not None or not event.points():
                event.ignore()
                return False
            first = event.points()[0]
            self._touch_id = first.id()
            self._begin("touch", first.position())
            event.accept()
            return True
        if self._source != "touch":
            event.accept()
            return True
        for point in event.points():
            if point.id() != self._touch_id:
                continue
            if point.state() != QEventPoint.State.Stationary:  # a stationary point may carry no position
                self._extend(point.position())
            if point.state() == QEventPoint.State.Released or kind == QEvent.Type.TouchEnd:
                self._end()
            break
        else:
            if kind == QEvent.Type.TouchEnd:
                self._end()
        event.accept()
        return True


def _fit(size: QSize, area: QRectF) -> QRectF:
    """``size`` scaled to fit in ``area`` keeping its proportions, centred."""
    if size.width() <= 0 or size.height() <= 0:
        return QRectF(area)
    scale = min(area.width() / size.width(), area.height() / size.height())
    w, h = size.width() * scale, size.height() * scale
    return QRectF(area.x() + (area.width() - w) / 2, area.y() + (area.height() - h) / 2, w, h)


class SignatureField(QWidget):
    """A titled signature pad with a Clear button; the same API as ``SignaturePad``."""

    changed = Signal()

    def __init__(self, title: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.title = QLabel(title)
        self.title.setObjectName("signature_title")
        self.pad = SignaturePad()
        self.clear_button = QPushButton(_(CLEAR))
        self.clear_button.setObjectName("signature_clear")
        self.clear_button.setAutoDefault(False)
        self.clear_button.clicked.connect(self.clear)
        self.title.setBuddy(self.pad)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.title, 1)
        top.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.pad, 1)

        self.pad.changed.connect(self._pad_changed)
        self._update_button()

    def set_title(self, text: str) -> None:
        self.title.setText(text)

    def is_empty(self) -> bool:
        return self.pad.is_empty()

    def clear(self) -> None:
        self.pad.clear()
        self._update_button()

    def strokes(self) -> list[list[tuple[float, float]]]:
        return self.pad.strokes()

    def set_strokes(self, strokes: Sequence[Sequence[tuple[float, float]]]) -> None:
        self.pad.set_strokes(strokes)
        self._update_button()

    def to_png(self, width: int = 600, height: int = 200) -> bytes:
        return self.pad.to_png(width, height)

    def set_png(self, data: bytes | None) -> None:
        self.pad.set_png(data)
        self._update_button()

    def set_read_only(self, read_only: bool) -> None:
        self.pad.set_read_only(read_only)
        self._update_button()

    def is_read_only(self) -> bool:
        return self.pad.is_read_only()

    def _pad_changed(self) -> None:
        self._update_button()
        self.changed.emit()

    def _update_button(self) -> None:
        self.clear_button.setEnabled(not self.pad.is_read_only() and not self.pad.is_empty())
