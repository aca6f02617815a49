"""The flags area: warnings about missing or improper guardianship by severity and age, with the
facts behind each, its history and the steps a person takes (acknowledge, refer, report to the
police, resolve, dismiss, confirm a suggested category); referrals and their due dates; and the
whole rule set in plain words for a county reviewer."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...core import records, vocab
from ...core.dates import LOCAL_ZONE
from ...core.flags import FLAG_STATUS, MANDATORY, REFERRAL_STATUS, REFERRAL_TARGET, SEVERITY, SEVERITY_SHORT
from ...core.msg import N_
from ...core.visits import parse_instant
from ...i18n import _, render
from ...i18n.formatting import display_name, format_datetime, format_number, format_partial
from ...services import flags
from ...services.changes import Changes
from ...services.flags_overview import FlagsOverview, flags_overview
from ..dialogs.flag_step_dialog import FlagStepDialog
from ..dialogs.record_dialog import RecordDialog
from ..env import UiEnv
from ..errors import show_error
from ..fonts import text_height
from ..models.flags_model import FlagsModel
from ..widgets.place_filter import PlaceFilter
from .page import BackgroundPage

STATUS_CHOICES = (
    ("active", N_("Open, acknowledged or referred")),
    ("open", N_("Open")),
    ("acknowledged", N_("Acknowledged")),
    ("referred", N_("Referred")),
    ("resolved", N_("Resolved")),
    ("dismissed", N_("Dismissed")),
    ("all", N_("All")),
)
WHY = N_("Why")
NO_LONGER_HOLDS = N_("The condition no longer holds at the last check.")
REPORT_DUE = N_("A mandatory report to the police is due.")
SUGGESTED = N_("Suggested category (a person confirms it): {category}")
HISTORY = N_("History")
EVENT_TEXTS = {
    "raised": N_("Raised by rule evaluation"),
    "cleared": N_("The condition no longer holds"),
    "raised_again": N_("The condition holds again"),
    "changed": N_("Severity or report duty changed"),
}


def _h(text: object) -> str:
    return escape(str(text or ""))


def _when(text: str) -> str:
    instant = parse_instant(text)
    return format_datetime(instant.astimezone(LOCAL_ZONE)) if instant else ""


class FlagsPage(BackgroundPage):
    open_person = Signal(str)

    def __init__(self, env: UiEnv, parent: QWidget | None = None):
        super().__init__(env, parent)
        self.setObjectName("flags_page")
        self.place = PlaceFilter(env)
        self.status = QComboBox()
        self.status.setObjectName("flags_status")
        for code, label in STATUS_CHOICES:
            self.status.addItem(_(label), code)
        self.severity = QComboBox()
        self.severity.setObjectName("flags_severity")
        self.severity.addItem(_("All severities"), "")
        for code in SEVERITY.codes:
            self.severity.addItem(_(SEVERITY_SHORT[code]), code)
        self.rule = QComboBox()
        self.rule.setObjectName("flags_rule")
        self.rule.addItem(_("All rules"), "")
        for rule in flags.rules():
            self.rule.addItem(rule.id, rule.id)
        self.cleared = QCheckBox(_("Include flags whose condition no longer holds"))
        evaluate = QPushButton(_("Check all children now"))
        evaluate.setObjectName("evaluate_all")
        evaluate.clicked.connect(self.evaluate_all)
        filters = QHBoxLayout()
        filters.addWidget(self.place, 3)
        filters.addWidget(self.status, 2)
        filters.addWidget(self.severity, 1)
        filters.addWidget(self.rule, 1)
        second = QHBoxLayout()
        second.addWidget(self.cleared)
        second.addStretch(1)
        second.addWidget(evaluate)

        self.banner = QLabel()
        self.banner.setObjectName("report_banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #b00020; color: white; padding: 8px; font-weight: bold;")
        self.banner.hide()

        self.tabs = QTabWidget()
        self.tabs.addTab(self._flags_tab(), _("Flags"))
        self.tabs.addTab(self._referrals_tab(), _("Referrals"))
        self.tabs.addTab(self._rules_tab(), _("Rules"))
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(second)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)

        self.place.changed.connect(self.request_reload)
        for combo in (self.status, self.severity, self.rule):
            combo.currentIndexChanged.connect(self.request_reload)
        self.cleared.toggled.connect(self.request_reload)
        self.current: flags.FlagRow | None = None

    # -- flags -------------------------------------------------------------------------------

    def _flags_tab(self) -> QWidget:
        tab = QWidget()
        self.model = FlagsModel(self.env.units, self.env.ws.today, self)
        self.table = QTableView()
        self.table.setObjectName("flags_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setDefaultSectionSize(text_height(self.font()) + 10)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.selectionModel().currentRowChanged.connect(self._chosen)
        self.detail = QTextBrowser()
        self.detail.setObjectName("flag_detail")
        self.detail.setOpenLinks(False)
        self.detail.anchorClicked.connect(lambda url: self.open_person.emit(url.toString().split(":", 1)[1]))
        self.buttons: dict[str, QPushButton] = {}
        actions = QHBoxLayout()
        for key, text, slot in (
            ("report", N_("Record the mandatory report…"), self.record_report),
            ("refer", N_("Refer…"), self.refer),
            ("step", N_("Acknowledge, resolve or dismiss…"), self.step),
            ("confirm", N_("Confirm the suggested category…"), self.confirm_suggestion),
        ):
            button = QPushButton(_(text))
            button.setObjectName(f"flag_{key}")
            button.clicked.connect(slot)
            button.setEnabled(False)
            actions.addWidget(button)
            self.buttons[key] = button
        actions.addStretch(1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail, 1)
        right_layout.addLayout(actions)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.summary = QLabel()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        return tab

    def load_job(self):
        return flags_overview, (
            self.place.village_code(), self.place.group_code(), self.status.currentData() or "active",
            self.severity.currentData() or "", self.rule.currentData() or "", self.cleared.isChecked(),
        )

    def reload(self) -> None:
        """Gather the flags now (tests; the window loads them in the background)."""
        self.request_reload()

    def show_data(self, overview: FlagsOverview) -> None:
        chosen = self.current.flag_id if self.current else ""
        self.model.set_rows(overview.flags)
        self.table.resizeColumnsToContents()
        by_severity = {code: 0 for code in SEVERITY.codes}
        for row in overview.flags:
            by_severity[row.severity] = by_severity.get(row.severity, 0) + 1
        self.summary.setText(
            " · ".join(f"{_(SEVERITY_SHORT[code])} {format_number(count)}" for code, count in by_severity.items())
        )
        pending = overview.pending_reports
        self.banner.setVisible(bool(pending))
        if pending:
            self.banner.setText(
                _("{count} critical situations must be reported to the police now. Record each report here; the reminder stays until it is saved.").format(
                    count=format_number(len(pending))
                )
            )
        self._show_referrals(overview)
        rows = [self.model.row_at(r).flag_id for r in range(self.model.rowCount())]
        if chosen in rows:
            self.table.selectRow(rows.index(chosen))
        elif rows:
            self.table.selectRow(0)
        else:
            self.current = None
            self.detail.clear()
            self._enable()

    def _chosen(self, current, previous=None) -> None:
        if not current.isValid():
            return
        self.current = self.model.row_at(current.row())
        self.detail.setHtml(self._detail_html(self.current))
        self._enable()

    def _enable(self) -> None:
        row = self.current
        self.buttons["report"].setEnabled(bool(row and row.mandatory_report and row.severity == "critical" and not row.has_report))
        self.buttons["refer"].setEnabled(bool(row and row.status in ("open", "acknowledged", "referred") and not row.report_pending))
        self.buttons["step"].setEnabled(row is not None)
        self.buttons["confirm"].setEnabled(bool(row and row.suggests and row.status in ("open", "acknowledged", "referred")))

    def _detail_html(self, row: flags.FlagRow) -> str:
        rule = next((r for r in flags.rules() if r.id == row.rule_id), None)
        parts = [
            f"<h3>{_h(row.rule_id)} · {_h(_(SEVERITY.label(row.severity)))}</h3>",
            f"<p><a href='person:{_h(row.child_id)}'>{_h(display_name(row.child_name_zh, row.child_name_bo))}</a>"
            f" · {_h(row.household_number)}</p>",
        ]
        if rule is not None:
            parts.append(f"<p>{_h(_(rule.condition))}</p><p style='color:#555'>{_h(_(rule.basis))}</p>")
        parts.append(f"<p><b>{_h(_(WHY))}</b></p><ul>")
        parts += [f"<li>{_h(render(fact))}</li>" for fact in row.facts]
        parts.append("</ul>")
        if not row.holds:
            parts.append(f"<p style='color:#8a5a00'>{_h(_(NO_LONGER_HOLDS))}</p>")
        if row.report_pending:
            parts.append(f"<p style='color:#b00020'><b>{_h(_(REPORT_DUE))}</b></p>")
        if row.suggests:
            parts.append(
                f"<p>{_h(_(SUGGESTED).format(category=_(vocab.CLASSIFICATION_KIND.label(row.suggests))))}</p>"
            )
        reports = flags.mandatory_reports(self.env.ws, row.flag_id)
        for report in reports:
            parts.append(
                "<p>" + _h(_("Reported on {when} to {unit}, case number {case}. The reporter's name is confidential.").format(
                    when=_when(report.reported_at), unit=report.receiving_unit or _(REFERRAL_TARGET.label(report.reported_to)),
                    case=report.case_number or "—",
                )) + "</p>"
            )
        for referral in flags.referrals(self.env.ws, flag_id_=row.flag_id):
            parts.append(
                "<p>" + _h(_("Referred to {target} on {sent}, answer due {due}: {status}").format(
                    target=referral.unit_name or _(REFERRAL_TARGET.label(referral.target)),
                    sent=format_partial(referral.sent_on), due=format_partial(referral.due_on),
                    status=_(REFERRAL_STATUS.label(referral.status)),
                )) + "</p>"
            )
        parts.append(f"<p><b>{_h(_(HISTORY))}</b></p><ul>")
        for event in flags.flag_history(self.env.ws, row.flag_id):
            if event.kind == "status":
                who = event.author_name or (_("confidential") if not event.author_id else event.author_id[-6:])
                text = _("{when}: {before} → {after} by {who}: {reason}").format(
                    when=_when(event.at), before=_(FLAG_STATUS.label(event.from_status)),
                    after=_(FLAG_STATUS.label(event.to_status)), who=who,
                    reason=render(event.reason) if event.reason else "",
                )
            else:
                text = f"{_when(event.at)}: {_(EVENT_TEXTS.get(event.kind, event.kind))}"
            parts.append(f"<li>{_h(text)}</li>")
        parts.append("</ul>")
        return "".join(parts)

    # -- actions -----------------------------------------------------------------------------

    def _done(self, changes) -> None:
        self.env.publish(changes | Changes(flags=True))
        self.request_reload()

    def _run(self, function, *args) -> None:
        self.env.runner.run(function, *args, on_done=self._done, on_error=lambda error: show_error(self, error))

    def record_report(self) -> RecordDialog | None:
        row = self.current
        if row is None:
            return None
        dialog = RecordDialog(self.env, records.MandatoryReport(flag_id=row.flag_id, child_id=row.child_id), self)
        dialog.saved.connect(lambda result: self._done(result.changes))
        dialog.open()
        return dialog

    def refer(self) -> RecordDialog | None:
        row = self.current
        if row is None:
            return None
        today = self.env.ws.today()
        referral = records.Referral(flag_id=row.flag_id, child_id=row.child_id, sent_on=today.isoformat())
        dialog = RecordDialog(self.env, referral, self)
        dialog.saved.connect(lambda result: self._done(result.changes))
        dialog.open()
        return dialog

    def step(self) -> None:
        row = self.current
        if row is None:
            return
        dialog = FlagStepDialog(row.status, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        status, reason = dialog.chosen()
        if status == "dismissed" and row.report_pending:
            self._run(flags.dismiss_mandatory, row.flag_id, reason)
        else:
            self._run(flags.set_status, row.flag_id, status, reason)

    def confirm_suggestion(self) -> None:
        row = self.current
        if row is None or not row.suggests:
            return
        category = _(vocab.CLASSIFICATION_KIND.label(row.suggests))
        answer = QMessageBox.question(
            self, _("Confirm the suggested category"),
            _("Record \"{category}\" for this child as pending verification? The flag is then resolved.").format(category=category),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._run(flags.confirm_suggestion, row.flag_id, "pending", _("Category confirmed: {category}").format(category=category))

    def evaluate_all(self) -> None:
        self.env.runner.run(
            flags.evaluate_all, on_done=lambda result: self._done(Changes(flags=True)),
            on_error=lambda error: show_error(self, error),
        )

    # -- referrals and rules -----------------------------------------------------------------

    def _referrals_tab(self) -> QWidget:
        tab = QWidget()
        self.referrals = QTableWidget(0, 5)
        self.referrals.setObjectName("overdue_referrals")
        self.referrals.setHorizontalHeaderLabels([_("Child"), _("Household number"), _("Referred to"), _("Answer due by"), _("Days overdue")])
        self.referrals.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.referrals.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(tab)
        layout.addWidget(QLabel(_("Referrals whose answer is overdue")))
        layout.addWidget(self.referrals, 1)
        return tab

    def _show_referrals(self, overview: FlagsOverview) -> None:
        rows = overview.overdue_referrals
        self.referrals.setRowCount(len(rows))
        for i, row in enumerate(rows):
            referral = row.referral
            values = [
                display_name(row.child_name_zh, row.child_name_bo), row.household_number,
                referral.unit_name or _(REFERRAL_TARGET.label(referral.target)), format_partial(referral.due_on),
                format_number(row.days_overdue),
            ]
            for column, value in enumerate(values):
                self.referrals.setItem(i, column, QTableWidgetItem(value))
        self.referrals.resizeColumnsToContents()
        self.tabs.setTabText(1, _("Referrals ({count} overdue)").format(count=format_number(len(rows))))

    def _rules_tab(self) -> QWidget:
        tab = QWidget()
        every = flags.rules()
        table = QTableWidget(len(every), 5)
        table.setObjectName("rules_table")
        table.setHorizontalHeaderLabels([_("Rule"), _("Severity"), _("Mandatory report"), _("When it applies"), _("Legal basis")])
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(True)
        for row, rule in enumerate(every):
            mandatory = _(MANDATORY.label(rule.mandatory_report))
            if rule.mandatory_note:
                mandatory += ": " + _(rule.mandatory_note)
            condition = _(rule.condition)
            if rule.suggests:
                condition += " " + _("(suggests: {category})").format(category=_(vocab.CLASSIFICATION_KIND.label(rule.suggests)))
            values = [f"{rule.id} v{rule.version}", _(SEVERITY_SHORT[rule.severity]), mandatory, condition, _(rule.basis)]
            for column, value in enumerate(values):
                table.setItem(row, column, QTableWidgetItem(value))
        table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        table.resizeColumnToContents(0)
        table.setColumnWidth(2, 140)
        table.setColumnWidth(4, 320)
        table.resizeRowsToContents()
        layout = QVBoxLayout(tab)
        note = QLabel(_("The rules only advise: every flag is acknowledged, referred, resolved or dismissed by a person, with a reason."))
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(table, 1)
        self.rules_table = table
        return tab

    def wants(self, changes: Changes) -> bool:
        if changes.units:
            self.place.refill()
        return bool(changes.flags or changes.register or changes.visits or changes.settings or changes.units)


