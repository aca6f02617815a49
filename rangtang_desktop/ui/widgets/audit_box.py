"""The "Audit log" group of the settings page: who opened the program, viewed, changed, printed,
exported or imported what, and when, newest first (a lazy table over ``services.audit``); at a
township, per computer; and "Check the record sequence", which says per computer that its log is
intact or where it breaks (and what the township found when it imported a village's log)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...i18n import _, render
from ...i18n.formatting import format_number
from ...services import audit
from ..env import UiEnv
from ..errors import show_error
from ..fonts import text_height
from ..labels import utc_text_to_local
from ..models.audit_model import AuditModel

ALL = ""
MAX_SHOWN = 50_000  # the list holds a key per entry; a township's log of many years is read with the audit command


class AuditBox(QGroupBox):
    def __init__(self, env: UiEnv, parent: QWidget | None = None):
        super().__init__(_("Audit log"), parent)
        self.env = env
        self.setObjectName("audit_log")
        intro = QLabel(
            _(
                "Every opening of the program, view of a child's record, change, print, export and import is recorded "
                "here and cannot be changed afterwards. Records are named by household number, never by name."
            )
        )
        intro.setWordWrap(True)
        self.computer = QComboBox()
        self.computer.setObjectName("audit_computer")
        self.computer.activated.connect(lambda _index: self.reload())
        self.model = AuditModel(env.ws, self)
        self.table = QTableView()
        self.table.setObjectName("audit_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(text_height(self.font()) + 10)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setResizeContentsPrecision(40)
        self.table.setMinimumHeight(220)
        self.summary = QLabel()
        self.summary.setObjectName("audit_summary")
        self.check_button = QPushButton(_("Check the record sequence"))
        self.check_button.setObjectName("audit_check")
        self.check_button.clicked.connect(self.check)
        self.result = QLabel()
        self.result.setObjectName("audit_check_result")
        self.result.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Computer")))
        top.addWidget(self.computer, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.check_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.result)

    # -- the list ------------------------------------------------------------------------------

    def _fill_computers(self) -> None:
        chosen = self.computer.currentData()
        nodes = audit.audited_nodes(self.env.ws)
        names = audit.computer_names(self.env.ws)
        self.computer.clear()
        self.computer.addItem(_("All computers"), ALL)
        for node in nodes:
            label = names.get(node, node[:8])
            if node == self.env.ws.node_id:
                label = _("{name} (this computer)").format(name=label)
            self.computer.addItem(label, node)
        index = self.computer.findData(chosen) if chosen else 0
        self.computer.setCurrentIndex(max(index, 0))
        self.computer.setVisible(len(nodes) > 1)  # a village's log is its own

    def reload(self) -> None:
        """Fetch the entries' keys again, newest first (rows are read as they are shown)."""
        node = self.computer.currentData() or None
        keys = audit.entry_keys(self.env.ws, node_id=node, limit=MAX_SHOWN)
        self.model.set_ids(keys)
        total = audit.entry_count(self.env.ws, node_id=node) if len(keys) >= MAX_SHOWN else len(keys)
        if total > len(keys):
            text = _("The newest {shown} of {count} entries (the audit command lists them all)").format(
                shown=format_number(len(keys)), count=format_number(total)
            )
        else:
            text = _("{count} entries").format(count=format_number(total))
        self.summary.setText(text)
        self.table.resizeColumnsToContents()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._fill_computers()
        self.reload()

    # -- the check -----------------------------------------------------------------------------

    def check(self) -> None:
        self.check_button.setEnabled(False)
        self.result.setText(_("Checking…"))
        node = self.computer.currentData() or None
        self.env.runner.run(audit.verify, node, on_done=self._checked, on_error=self._failed)

    def _checked(self, results: list[audit.NodeVerification]) -> None:
        self.check_button.setEnabled(True)
        if not results:
            self.result.setText(_("The audit log has no entries yet."))
            self.result.setStyleSheet("")
            return
        lines = []
        for found in results:
            lines.append(render(found.message()))
            for warning in found.warnings:
                lines.append(
                    _("Found on import, {when}: {what}").format(
                        when=utc_text_to_local(warning.found_at), what=render(audit.warning_message(found, warning))
                    )
                )
        self.result.setText("\n".join(lines))
        bad = any(not r.ok for r in results)
        self.result.setStyleSheet("color: #b00020; font-weight: bold;" if bad else "color: #1b5e20;")

    def _failed(self, error: BaseException) -> None:
        self.check_button.setEnabled(True)
        self.result.setText("")
        show_error(self, error)
