"""The signature pad and the dashboard charts, offscreen: drawing with a mouse, a finger and a pen,
the exported PNG, read-only display of a stored signature, and chart geometry in Chinese and Tibetan."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QInputDevice, QPointingDevice, QTabletEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolTip

from rangtang_desktop.ui.fonts import apply_font, text_height
from rangtang_desktop.ui.widgets.charts import BarChart, CoverageBar, CoverageList, format_percent
from rangtang_desktop.ui.widgets.signature_pad import SignatureField, SignaturePad

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MONTHS_ZH = [f"{m}月" for m in (6, 7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5)]
MONTHS_BO = [f"ཟླ་{m}" for m in (6, 7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5)]
VALUES = [0.62, 0.71, 0.8, 0.85, 0.9, 0.93, 0.78, 0.6, 0.88, 0.97, 1.0, 0.55]


@pytest.fixture(scope="module")
def touch_device():
    """One touch screen registered with Qt for the module (Qt keeps it; the reference keeps the wrapper)."""
    return QTest.createTouchDevice(QInputDevice.DeviceType.TouchScreen)


@pytest.fixture
def pad(qtbot):
    widget = SignaturePad()
    qtbot.addWidget(widget)
    widget.resize(400, 150)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def tibetan_font(qapp):
    """The Tibetan window font for one test, then the previous font and style sheet again."""
    font, sheet = qapp.font(), qapp.styleSheet()
    apply_font(qapp, "bo")
    yield qapp.font()
    qapp.setFont(font)
    qapp.setStyleSheet(sheet)


def draw(widget, points: list[tuple[int, int]]) -> None:
    QTest.mousePress(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(*points[0]))
    for point in points[1:]:
        QTest.mouseMove(widget, QPoint(*point))
    QTest.mouseRelease(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(*points[-1]))


WAVE = [(40, 80), (70, 50), (100, 90), (130, 50), (160, 90), (190, 60), (220, 70)]


def grey_rows(image: QImage) -> list[bytes]:
    """The image's pixels as rows of grey levels (0 black … 255 white)."""
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    data = bytes(grey.constBits())
    line = grey.bytesPerLine()
    return [data[y * line : y * line + grey.width()] for y in range(grey.height())]


def dark_pixels(image: QImage, threshold: int = 100) -> int:
    return sum(sum(1 for value in row if value < threshold) for row in grey_rows(image))


def load(data: bytes) -> QImage:
    image = QImage.fromData(data, "PNG")
    assert not image.isNull()
    return image


# -- signature pad ----------------------------------------------------------------------------------


def test_mouse_stroke_makes_pad_non_empty_and_emits_changed(pad, qtbot):
    """A mouse press, moves and release draw one stroke and emit `changed` once."""
    assert pad.is_empty()
    with qtbot.waitSignal(pad.changed, timeout=1000):
        draw(pad, WAVE)
    assert not pad.is_empty()
    assert len(pad.strokes()) == 1
    assert pad.strokes()[0][0] == (40.0, 80.0)
    assert pad.strokes()[0][-1] == (220.0, 70.0)


def test_png_export_is_a_crisp_signature_on_white(pad):
    """to_png gives a PNG of the requested size with dark strokes and a white corner."""
    draw(pad, WAVE)
    data = pad.to_png()
    assert data.startswith(PNG_SIGNATURE)
    image = load(data)
    assert (image.width(), image.height()) == (600, 200)
    assert dark_pixels(image) > 200
    assert image.pixelColor(0, 0).lightness() == 255
    small = load(pad.to_png(300, 100))
    assert (small.width(), small.height()) == (300, 100)


def test_export_fits_the_strokes_inside_a_margin(pad):
    """The strokes are scaled to fit: no ink touches the edges, and the ink spans most of the width or height."""
    draw(pad, [(10, 10), (390, 140)])
    rows = grey_rows(load(pad.to_png(600, 200)))
    inked = [(x, y) for y, row in enumerate(rows) for x, value in enumerate(row) if value < 128]
    xs, ys = [x for x, _y in inked], [y for _x, y in inked]
    assert min(xs) > 5 and max(xs) < 595 and min(ys) > 5 and max(ys) < 195
    assert max(ys) - min(ys) > 120


def test_empty_pad_shows_a_hint_but_exports_blank_white(pad):
    """The baseline and "Sign here" are drawn on screen but never in the exported PNG."""
    on_screen = pad.grab().toImage()
    assert any(value < 220 for row in grey_rows(on_screen)[5:-5] for value in row[5:-5])
    assert all(value == 255 for row in grey_rows(load(pad.to_png())) for value in row)


def test_clear_empties_the_pad_and_emits_changed(pad, qtbot):
    """clear() removes the strokes and emits `changed`; clearing an empty pad emits nothing."""
    draw(pad, WAVE)
    with qtbot.waitSignal(pad.changed, timeout=1000):
        pad.clear()
    assert pad.is_empty()
    assert pad.strokes() == []
    with qtbot.assertNotEmitted(pad.changed):
        pad.clear()


def test_same_strokes_give_identical_png_bytes(qtbot):
    """Two pads with the same strokes export byte-identical PNGs; other strokes differ."""
    pads = []
    for _ in range(2):
        pad = SignaturePad()
        qtbot.addWidget(pad)
        pad.resize(400, 150)
        pad.show()
        draw(pad, WAVE)
        pads.append(pad)
    assert pads[0].to_png() == pads[1].to_png()
    other = SignaturePad()
    qtbot.addWidget(other)
    other.set_strokes([[(x, y + 5) for x, y in WAVE[:-1]]])
    assert other.to_png() != pads[0].to_png()


def test_set_png_round_trips_into_read_only_mode(pad, qtbot):
    """A stored signature is shown read-only, exported unchanged, and drawing works again after clear()."""
    draw(pad, WAVE)
    stored = pad.to_png()
    shown = SignaturePad()
    qtbot.addWidget(shown)
    shown.resize(400, 150)
    shown.show()
    qtbot.waitExposed(shown)
    with qtbot.assertNotEmitted(shown.changed):
        shown.set_png(stored)
    assert not shown.is_empty()
    assert not shown.can_draw()
    assert shown.to_png() == stored
    assert load(shown.to_png(300, 100)).width() == 300
    assert dark_pixels(shown.grab().toImage()) > 50
    draw(shown, [(20, 20), (200, 120)])
    assert shown.strokes() == []
    assert shown.to_png() == stored
    shown.clear()
    assert shown.is_empty() and shown.can_draw()
    draw(shown, [(20, 20), (200, 120)])
    assert len(shown.strokes()) == 1


def test_set_png_refuses_bytes_that_are_not_an_image(pad):
    """Bytes Qt cannot read as an image raise ValueError instead of showing a blank signature."""
    with pytest.raises(ValueError):
        pad.set_png(b"not a png")
    pad.set_png(None)
    assert pad.is_empty() and pad.can_draw()


def test_read_only_pad_ignores_drawing(pad, qtbot):
    """set_read_only(True) stops drawing until it is lifted."""
    pad.set_read_only(True)
    with qtbot.assertNotEmitted(pad.changed):
        draw(pad, WAVE)
    assert pad.is_empty()
    pad.set_read_only(False)
    draw(pad, WAVE)
    assert not pad.is_empty()


def test_touch_sequence_draws_one_stroke(pad, qtbot, touch_device):
    """One finger pressed, moved and lifted on a touch screen draws exactly one stroke (no mouse duplicate)."""
    with qtbot.waitSignal(pad.changed, timeout=1000):
        QTest.touchEvent(pad, touch_device).press(0, QPoint(30, 40), pad).commit()
        QTest.touchEvent(pad, touch_device).move(0, QPoint(90, 80), pad).commit()
        QTest.touchEvent(pad, touch_device).move(0, QPoint(150, 60), pad).commit()
        QTest.touchEvent(pad, touch_device).release(0, QPoint(210, 90), pad).commit()
    QApplication.processEvents()
    assert pad.strokes() == [[(30.0, 40.0), (90.0, 80.0), (150.0, 60.0), (210.0, 90.0)]]


def test_second_finger_does_not_draw(pad, touch_device):
    """A second finger on the screen while drawing is ignored: one stroke, from the first finger."""
    QTest.touchEvent(pad, touch_device).press(0, QPoint(30, 40), pad).commit()
    QTest.touchEvent(pad, touch_device).stationary(0).press(1, QPoint(300, 100), pad).commit()
    QTest.touchEvent(pad, touch_device).move(0, QPoint(90, 80), pad).move(1, QPoint(320, 110), pad).commit()
    QTest.touchEvent(pad, touch_device).release(0, QPoint(120, 90), pad).release(1, QPoint(320, 110), pad).commit()
    QApplication.processEvents()
    assert pad.strokes() == [[(30.0, 40.0), (90.0, 80.0), (120.0, 90.0)]]


def test_pen_draws_with_pressure(pad, qtbot):
    """Tablet press, move and release draw one stroke; a firm pen gives a heavier line than a light one."""
    stylus = QPointingDevice(
        "test pen",
        7,
        QInputDevice.DeviceType.Stylus,
        QPointingDevice.PointerType.Pen,
        QInputDevice.Capability.Position | QInputDevice.Capability.Pressure,
        1,
        3,
    )

    def pen_stroke(pressure: float) -> None:
        for kind, (x, y), buttons in (
            (QEvent.Type.TabletPress, WAVE[0], Qt.MouseButton.LeftButton),
            *((QEvent.Type.TabletMove, point, Qt.MouseButton.LeftButton) for point in WAVE[1:]),
            (QEvent.Type.TabletRelease, WAVE[-1], Qt.MouseButton.NoButton),
        ):
            pos = QPointF(x, y)
            event = QTabletEvent(
                kind,
                stylus,
                pos,
                QPointF(pad.mapToGlobal(pos)),
                pressure,
                0.0,
                0.0,
                0.0,
                0.0,
                0.0,
                Qt.KeyboardModifier.NoModifier,
                Qt.MouseButton.LeftButton,
                buttons,
            )
            QApplication.sendEvent(pad, event)
            assert event.isAccepted()

    with qtbot.waitSignal(pad.changed, timeout=1000):
        pen_stroke(1.0)
    assert pad.strokes() == [[(float(x), float(y)) for x, y in WAVE]]
    firm = dark_pixels(load(pad.to_png()))
    pad.clear()
    pen_stroke(0.0)
    light = dark_pixels(load(pad.to_png()))
    assert firm > light * 1.3


def test_mouse_events_from_a_touch_screen_do_not_draw(pad, touch_device):
    """Mouse events whose pointing device is a touch screen (Qt's synthesised ones) draw nothing: the touch events draw."""
    from PySide6.QtGui import QMouseEvent

    for kind, (x, y), buttons in (
        (QEvent.Type.MouseButtonPress, WAVE[0], Qt.MouseButton.LeftButton),
        (QEvent.Type.MouseMove, WAVE[1], Qt.MouseButton.LeftButton),
        (QEvent.Type.MouseButtonRelease, WAVE[2], Qt.MouseButton.NoButton),
    ):
        pos = QPointF(x, y)
        event = QMouseEvent(
            kind,
            pos,
            QPointF(pad.mapToGlobal(pos)),
            Qt.MouseButton.LeftButton,
            buttons,
            Qt.KeyboardModifier.NoModifier,
            touch_device,
        )
        QApplication.sendEvent(pad, event)
    assert pad.is_empty()


def test_pad_has_a_usable_minimum_size(pad):
    """The pad never shrinks below 360 × 120, whatever the font."""
    assert pad.minimumSizeHint().width() >= 360 and pad.minimumSizeHint().height() >= 120


def test_signature_field_clear_button_and_title(qtbot):
    """The field shows its title; Clear is enabled only with something to clear and not when read-only."""
    field = SignatureField("访问人签名")
    qtbot.addWidget(field)
    field.resize(480, 220)
    field.show()
    qtbot.waitExposed(field)
    assert field.title.text() == "访问人签名"
    field.set_title("监护人签名")
    assert field.title.text() == "监护人签名"
    assert not field.clear_button.isEnabled()
    with qtbot.waitSignal(field.changed, timeout=1000):
        draw(field.pad, WAVE)
    assert field.clear_button.isEnabled() and not field.is_empty()
    png = field.to_png()
    with qtbot.waitSignal(field.changed, timeout=1000):
        QTest.mouseClick(field.clear_button, Qt.MouseButton.LeftButton)
    assert field.is_empty()
    field.set_png(png)
    assert field.clear_button.isEnabled()
    field.set_read_only(True)
    assert not field.clear_button.isEnabled()
    assert field.strokes() == [] and field.to_png() == png


# -- charts -----------------------------------------------------------------------------------------


def make_chart(qtbot, items, target=None, size=(640, 240)) -> BarChart:
    chart = BarChart()
    qtbot.addWidget(chart)
    chart.set_data(items, target)
    chart.resize(*size)
    chart.show()
    qtbot.waitExposed(chart)
    return chart


def test_bar_chart_renders_empty_state(qtbot):
    """With no data the chart paints its "No data yet" text without error and has no bars."""
    chart = make_chart(qtbot, [])
    assert not chart.has_data()
    assert chart.bar_rects() == []
    assert not chart.grab().isNull()
    assert dark_pixels(chart.grab().toImage(), 160) > 0


def test_bar_chart_renders_twelve_months(qtbot):
    """Twelve months render; bars do not overlap, stay inside the widget, and the labels have a line's height below them."""
    chart = make_chart(
        qtbot, [(m, v, f"{m}: {round(v * 40)} / 40") for m, v in zip(MONTHS_ZH, VALUES, strict=True)], 1.0
    )
    assert not chart.grab().isNull()
    bars = chart.bar_rects()
    assert len(bars) == 12
    for left, right in zip(bars, bars[1:], strict=False):
        assert left.right() < right.left()
    assert all(chart.rect().toRectF().contains(bar) for bar in bars)
    assert chart.height() - chart.plot_rect().bottom() >= text_height(chart.font())


def test_bar_heights_are_proportional(qtbot):
    """A bar's height is its value's share of the plot; all bars stand on the same baseline."""
    chart = make_chart(qtbot, [("1月", 0.25), ("2月", 0.5), ("3月", 1.0), ("4月", 0.0), ("5月", None)])
    bars = chart.bar_rects()
    plot = chart.plot_rect()
    assert bars[2].height() == pytest.approx(plot.height())
    assert bars[0].height() == pytest.approx(bars[2].height() / 4)
    assert bars[1].height() == pytest.approx(bars[2].height() / 2)
    assert bars[3].height() == 0 and bars[4].height() == 0
    assert {round(bar.bottom(), 3) for bar in bars} == {round(plot.bottom(), 3)}


def test_target_above_one_hundred_percent_lowers_the_bars(qtbot):
    """The scale reaches the target when it is higher than every value, so the target line stays inside the plot."""
    chart = make_chart(qtbot, [("1月", 1.0)], target=1.25)
    assert chart.bar_rects()[0].height() == pytest.approx(chart.plot_rect().height() / 1.25)


def test_bar_chart_renders_tibetan_labels(qtbot, tibetan_font):
    """With the Tibetan font the labels get a full Tibetan line below the plot and the chart asks for enough room."""
    chart = make_chart(qtbot, list(zip(MONTHS_BO, VALUES, strict=True)), 1.0)
    image = chart.grab().toImage()
    assert not image.isNull()
    assert chart.height() - chart.plot_rect().bottom() >= text_height(tibetan_font)
    assert chart.minimumSizeHint().height() >= 2 * text_height(tibetan_font)
    below_plot = grey_rows(image)[round(chart.plot_rect().bottom()) + 2 :]
    assert any(value < 100 for row in below_plot for value in row)  # the labels are drawn


def test_bar_tooltip_shows_the_given_text(qtbot):
    """Hovering a bar's column shows its tooltip text (the third item), or the label and percentage."""
    chart = make_chart(qtbot, [("4月", 0.5, "20 / 40"), ("5月", 0.75)])
    centre = chart.bar_rects()[0].center().toPoint()
    assert chart.index_at(centre) == 0
    QApplication.sendEvent(chart, _tooltip_event(chart, centre))
    assert QToolTip.text() == "20 / 40"
    second = chart.bar_rects()[1].center().toPoint()
    QApplication.sendEvent(chart, _tooltip_event(chart, second))
    assert QToolTip.text() == "5月  75%"
    QToolTip.hideText()


def _tooltip_event(widget, pos: QPoint):
    from PySide6.QtGui import QHelpEvent

    return QHelpEvent(QEvent.Type.ToolTip, pos, widget.mapToGlobal(pos))


def test_percentages_round_down():
    """A month with one household missing never shows 100 %."""
    assert format_percent(0.996) == "99%"
    assert format_percent(1.0) == "100%"
    assert format_percent(0.29) == "29%"
    assert format_percent(None) == "—"


@pytest.mark.parametrize(
    ("met", "total", "level"),
    [(10, 10, "met"), (9, 10, "near"), (8, 10, "near"), (7, 10, "below"), (0, 0, "none")],
)
def test_coverage_bar_level_and_text(qtbot, met, total, level):
    """The coverage bar is green at the target, amber from 80 % of it, red below, and reads "n / m (p%)"."""
    bar = CoverageBar("一组", met, total, target=1.0)
    qtbot.addWidget(bar)
    bar.resize(400, bar.sizeHint().height())
    assert bar.level() == level
    assert bar.figures_text() == f"{met} / {total} ({format_percent(met / total if total else None)})"
    assert bar.fill_rect().width() == pytest.approx(bar.track_rect().width() * (met / total if total else 0))
    assert not bar.grab().isNull()


def test_coverage_bar_target_sets_the_levels(qtbot):
    """With a 90 % target, 90 % is green and 75 % amber."""
    bar = CoverageBar("一组", 9, 10, target=0.9)
    qtbot.addWidget(bar)
    assert bar.level() == "met"
    bar.set_values("一组", 3, 4)
    assert bar.level() == "near"


def test_coverage_list_aligns_rows_in_tibetan(qtbot, tibetan_font):
    """Rows of a coverage list share their columns, are tall enough for Tibetan, and an empty list says so."""
    rows = [("ཚོ་ཆུང་དང་པོ", 12, 12), ("ཚོ་ཆུང་གཉིས་པ", 9, 11), ("ཚོ་ཆུང་གསུམ་པ", 5, 10, "5 / 10")]
    listing = CoverageList()
    qtbot.addWidget(listing)
    listing.set_rows(rows)
    listing.resize(600, listing.sizeHint().height())
    listing.show()
    qtbot.waitExposed(listing)
    bars = listing.rows()
    assert len({round(bar.track_rect().left(), 3) for bar in bars}) == 1
    assert len({round(bar.track_rect().right(), 3) for bar in bars}) == 1
    assert all(bar.height() >= text_height(tibetan_font) for bar in bars)
    assert bars[2].toolTip() == "5 / 10"
    assert not listing.grab().isNull()
    listing.set_rows([])
    assert listing.rows() == []
