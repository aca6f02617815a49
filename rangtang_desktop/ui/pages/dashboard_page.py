"""The first page: this month's visit coverage for the village (or township) and per group, the
last twelve months, households at risk, unsigned drafts, guardians without a family-education
session this year — figures a township supervisor can act on."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.compliance import STATE_LABELS
from ...i18n import _, current_language
from ...i18n.formatting import digits, format_month, format_number
from ...services import register_views
from ...services.changes import Changes
from ...services.dashboard import DashboardFigures, dashboard_figures
from ..dialogs.visit_form import open_visit_for_household
from ..env import UiEnv
from ..labels import unit_label
from ..models.lazy_table import ID_ROLE
from ..widgets.charts import BarChart, CoverageList, format_percent
from ..widgets.place_filter import PlaceFilter, in_scroll_area
from .page import BackgroundPage


def month_label(year: int, month: int) -> str:
    """A short month label for the chart: 5月 or ཟླ་5."""
    return digits(f"ཟླ་{month}") if current_language() == "bo" else f"{month}月"


class Tile(QFrame):
    """One figure with its caption; a click opens the place to act on it."""

    clicked = Signal()

    def __init__(self, caption: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.figure = QLabel()
        self.figure.setStyleSheet("font-size: 20pt; font-weight: bold;")
        self.caption = QLabel(caption)
        self.caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.figure)
        layout.addWidget(self.caption)

    def set_figure(self, text: str, colour: str = "#222") -> None:
        self.figure.setText(text)
        self.figure.setStyleSheet(f"font-size: 20pt; font-weight: bold; color: {colour};")

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.clicked.emit()
        super().mouseReleaseEvent(event)


class DashboardPage(BackgroundPage):
    open_area = Signal(str)

    def __init__(self, env: UiEnv, parent: QWidget | None = None):
        super().__init__(env, parent)
        self.setObjectName("dashboard_page")
        self.place = PlaceFilter(env, with_groups=False)
        self.place.setObjectName("dashboard_place")
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.place)

        self.coverage_tile = Tile(_("households with minors visited enough this month"))
        self.at_risk_tile = Tile(_("households at risk of missing their visits"))
        self.missed_tile = Tile(_("households missed last month"))
        self.drafts_tile = Tile(_("visits started but not signed"))
        self.sessions_tile = Tile(_("guardians without a family-education session this year"))
        self.flags_tile = Tile(_("open flags: critical / critical and high"))
        self.referrals_tile = Tile(_("referrals with an overdue answer"))
        self.flags_tile.clicked.connect(lambda: self.open_area.emit("flags"))
        self.referrals_tile.clicked.connect(lambda: self.open_area.emit("flags"))
        for tile in (self.coverage_tile, self.at_risk_tile, self.missed_tile):
            tile.clicked.connect(lambda: self.open_area.emit("visits"))
        self.drafts_tile.clicked.connect(lambda: self.open_area.emit("visits"))
        self.sessions_tile.clicked.connect(lambda: self.open_area.emit("visits"))
        tiles = QGridLayout()
        all_tiles = (
            self.coverage_tile, self.at_risk_tile, self.missed_tile, self.drafts_tile,
            self.flags_tile, self.referrals_tile, self.sessions_tile,
        )
        for i, tile in enumerate(all_tiles):
            tiles.addWidget(tile, i // 4, i % 4)

        self.trend = BarChart()
        self.trend.setObjectName("coverage_trend")
        self.trend.setMinimumHeight(200)
        self.groups = CoverageList()
        self.groups.setObjectName("group_coverage")
        self.at_risk = QListWidget()
        self.at_risk.setObjectName("at_risk_list")
        self.at_risk.itemDoubleClicked.connect(self._open_household)
        record = QPushButton(_("Record a visit"))
        record.clicked.connect(lambda: self._open_household(self.at_risk.currentItem()))

        left = QVBoxLayout()
        left.addWidget(QLabel(_("Coverage over the last twelve months")))
        left.addWidget(self.trend, 1)
        left.addWidget(QLabel(_("This month, by village group")))
        left.addWidget(self.groups)
        right = QVBoxLayout()
        right.addWidget(QLabel(_("Households to visit first")))
        right.addWidget(self.at_risk, 1)
        right.addWidget(record, 0, Qt.AlignmentFlag.AlignRight)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)

        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.addLayout(top)
        layout.addLayout(tiles)
        layout.addLayout(columns, 1)
        in_scroll_area(self, inner)
        self.place.changed.connect(self.request_reload)

    def reload(self) -> None:
        """Gather the figures now (tests; the window loads them in the background)."""
        self.request_reload()

    def load_job(self):
        return dashboard_figures, (self.place.village_code(),)

    def show_data(self, figures: DashboardFigures) -> None:
        today = self.env.ws.today()
        village = self.place.village_code()
        units = self.env.units()
        home = register_views.node_unit(self.env.ws)
        place = unit_label(units, village) if village else (unit_label(units, home) if home else _("All villages"))
        self.title.setText(f"{place} · {format_month(today.year, today.month)}")
        report = figures.report
        self.coverage_tile.set_figure(
            f"{format_number(report.households_met)} / {format_number(report.households_in_scope)}"
            f"  {format_percent(report.coverage if report.households_in_scope else None)}"
        )
        at_risk = [r for r in report.rows if r.state == "at_risk"]
        self.at_risk_tile.set_figure(format_number(len(at_risk)), "#b26a00" if at_risk else "#222")
        missed = figures.missed_last_month
        self.missed_tile.set_figure(format_number(missed), "#b00020" if missed else "#222")
        self.drafts_tile.set_figure(format_number(figures.drafts), "#b26a00" if figures.drafts else "#222")
        self.sessions_tile.set_figure(
            f"{format_number(figures.guardians_without_session)} / {format_number(figures.guardians)}"
        )
        open_flags = figures.open_flags or {}
        serious = open_flags.get("critical", 0) + open_flags.get("high", 0)
        self.flags_tile.set_figure(
            f"{format_number(open_flags.get('critical', 0))} / {format_number(serious)}",
            "#b00020" if open_flags.get("critical") else ("#b26a00" if serious else "#222"),
        )
        self.referrals_tile.set_figure(
            format_number(figures.overdue_referrals), "#b00020" if figures.overdue_referrals else "#222"
        )
        self.trend.set_data(
            [
                (month_label(y, m), met / scope if scope else None,
                 _("{month}: {met} of {scope} households").format(month=format_month(y, m), met=met, scope=scope))
                for y, m, scope, met in figures.trend
            ],
            target=1.0,
        )
        groups = []
        for (village_code, group_code), (scope, met) in report.by_group().items():
            caption = unit_label(units, group_code) if village else f"{unit_label(units, village_code)} · {unit_label(units, group_code)}"
            groups.append((caption, met, scope))
        self.groups.set_rows(groups, target=1.0)
        self.at_risk.clear()
        first = [r for r in report.rows if r.state == "at_risk"] + [
            r for r in report.rows if r.result.due_this_week and r.state != "at_risk"
        ]
        for row in first[:30]:
            house = " ".join(n for n in (row.house_name_zh, row.house_name_bo) if n)
            item = QListWidgetItem(
                f"{row.household_number} {house} · {unit_label(units, row.group_code)} · {_(STATE_LABELS[row.state])}"
            )
            item.setData(ID_ROLE, row.household_id)
            self.at_risk.addItem(item)

    def _open_household(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            open_visit_for_household(self.env, item.data(ID_ROLE), self)

    def wants(self, changes: Changes) -> bool:
        if changes.units:
            self.place.refill()
        return bool(changes.visits or changes.register or changes.settings or changes.units)
