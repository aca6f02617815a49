"""The exchange area: carrying data on a USB stick between a village and its township, and at the
township the work that follows an import — conflicts to settle and possible duplicates to review —
with the enrolled computers and the history of bundles."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.msg import N_
from ...i18n import _
from ...i18n.formatting import format_number
from ...services import enrollment, exchange
from ...services.changes import Changes
from ...services.node import node_info
from ..dialogs.import_dialog import ImportDialog
from ..env import UiEnv
from ..errors import show_error
from ..labels import unit_label, utc_text_to_local
from ..widgets.conflict_inbox import ConflictInbox
from ..widgets.duplicate_list import DuplicateList
from ..widgets.enrollment_panel import EnrollmentPanel
from ..widgets.stick_folder import StickFolder
from ..widgets.tables import cell_table
from .page import BackgroundPage

DIRECTION = {"received": N_("Received"), "sent": N_("Sent")}
BUNDLE_STATUS = {
    "applied": N_("Imported"),
    "already_applied": N_("Already imported before"),
    "fork": N_("Held back"),
    "rejected": N_("Refused"),
    "sent": N_("Written to the stick"),
}


def unsent_text(role: str, count: int) -> str:
    if role == "township":
        return _("{count} changes not yet sent back to the villages").format(count=format_number(count))
    return _("{count} changes not yet sent to the township").format(count=format_number(count))


class UsbPanel(QWidget):
    """Write a bundle to the stick and read what is on it."""

    def __init__(self, env: UiEnv, folder: StickFolder, parent: QWidget | None = None):
        super().__init__(parent)
        self.env = env
        self.folder = folder
        self.role = node_info(env.ws).role
        self.dialog: ImportDialog | None = None
        self.unsent = QLabel()
        self.unsent.setObjectName("unsent_count")
        self.unsent.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.full = QCheckBox(_("Send everything again (for a new stick or when the township asks for it)"))
        self.full.setObjectName("full_export")
        self.export_button = QPushButton()
        self.export_button.setObjectName("export_bundle")
        self.export_button.clicked.connect(self.export)
        self.import_button = QPushButton()
        self.import_button.setObjectName("import_bundles")
        self.import_button.clicked.connect(self.read_stick)
        self.village = QComboBox()
        self.village.setObjectName("return_village")
        send = QGroupBox()
        send_layout = QVBoxLayout(send)
        send_layout.addWidget(self.unsent)
        send_layout.addWidget(self.full)
        receive = QGroupBox()
        receive_layout = QVBoxLayout(receive)
        if self.role == "township":
            send.setTitle(_("Send back to the villages"))
            receive.setTitle(_("Receive from the villages"))
            self.export_button.setText(_("Write the return bundles to the USB stick"))
            self.import_button.setText(_("Read the village bundles on the USB stick…"))
            row = QHBoxLayout()
            row.addWidget(QLabel(_("For")))
            row.addWidget(self.village, 1)
            send_layout.addLayout(row)
            note = QLabel(_("Each village receives its own households' records, the decisions taken here about them, "
                            "the flags' outcomes and the list of revoked computers — never another village's children."))
        else:
            send.setTitle(_("Send to the township"))
            receive.setTitle(_("Bring back from the township"))
            self.export_button.setText(_("Write the bundle to the USB stick"))
            self.import_button.setText(_("Read the township's return bundle and receipt on the USB stick…"))
            note = QLabel(_("The bundle is signed and encrypted for the township: a lost stick reveals nothing about "
                            "children. The township's receipt tells this computer what the township already holds, so "
                            "the next bundle carries only what is new."))
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        send_layout.addWidget(self.export_button)
        receive_layout.addWidget(self.import_button)
        self.result = QLabel()
        self.result.setObjectName("exchange_result")
        self.result.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(send)
        layout.addWidget(receive)
        layout.addWidget(note)
        layout.addWidget(self.result)
        layout.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        """The township's list of villages to send to (the counter is kept by the main window)."""
        if self.role == "township":
            chosen = self.village.currentData()
            self.village.clear()
            self.village.addItem(_("Every enrolled village"), "")
            for node in enrollment.enrolled_nodes(self.env.ws):
                if not node.revoked_at:
                    label = node.card.display_name or unit_label(self.env.units(), node.card.unit_code)
                    self.village.addItem(label, node.card.node_id)
            index = self.village.findData(chosen) if chosen else 0
            self.village.setCurrentIndex(max(index, 0))

    def _target(self) -> Path | None:
        folder = self.folder.folder()
        if folder is None:
            QMessageBox.information(self, _("Rangtang Desktop"), _("Plug in a USB stick or choose a folder first."))
        return folder

    def export(self) -> None:
        folder = self._target()
        if folder is None:
            return
        self.export_button.setEnabled(False)
        full = self.full.isChecked()
        recipient = self.village.currentData() if self.role == "township" else None

        def done(results) -> None:
            self.export_button.setEnabled(True)
            self.folder.remember()
            results = results if isinstance(results, list) else [results]
            if not results:
                self.result.setText(_("No village is enrolled yet, so nothing was written."))
            else:
                lines = [
                    _("Written and checked: {file} ({changes} changes, {visits} visits).").format(
                        file=r.path.name, changes=format_number(r.changes), visits=format_number(r.visits))
                    for r in results
                ]
                self.result.setText("\n".join(lines) + "\n" + _("You can remove the USB stick now."))
            self.full.setChecked(False)
            self.env.publish(Changes(exchange=True))

        def failed(error: BaseException) -> None:
            self.export_button.setEnabled(True)
            self.result.setText("")
            show_error(self, error)

        if self.role == "township" and not recipient:
            self.env.runner.run(exchange.export_returns, folder, full=full, on_done=done, on_error=failed)
        else:
            self.env.runner.run(exchange.export_bundle, folder, full=full, recipient=recipient, on_done=done,
                                on_error=failed)

    def read_stick(self) -> None:
        folder = self._target()
        if folder is None:
            return
        paths = exchange.bundles_to_read(self.env.ws, folder)
        if not paths:
            QMessageBox.information(self, _("Rangtang Desktop"), _("There are no bundles in {folder}.").format(folder=folder))
            return
        self.folder.remember()
        self.env.runner.run(exchange.preview_files, paths, on_done=self.show_previews, on_error=lambda e: show_error(self, e))

    def show_previews(self, previews) -> ImportDialog:
        self.dialog = ImportDialog(self.env, previews, self)
        self.dialog.open()
        return self.dialog


class HistoryPanel(BackgroundPage):
    HEADERS = (N_("When"), N_("Direction"), N_("Computer"), N_("Number"), N_("Status"), N_("Summary"))

    def __init__(self, env: UiEnv, parent: QWidget | None = None):
        super().__init__(env, parent)
        self.table = cell_table("bundle_history", [_(h) for h in self.HEADERS])
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)

    def wants(self, changes: Changes) -> bool:
        return changes.exchange

    def load_job(self):
        return exchange.bundle_history, ()

    def show_data(self, records) -> None:
        self.table.setRowCount(len(records))
        for row, record in enumerate(records):
            summary = record.summary or {}
            parts = [
                _("{count} new").format(count=format_number(summary["new"])) if summary.get("new") else "",
                _("{count} changed").format(count=format_number(summary["changed"])) if summary.get("changed") else "",
                _("{count} conflicts").format(count=format_number(summary["conflicts"])) if summary.get("conflicts") else "",
                _("{count} changes").format(count=format_number(summary["changes"])) if summary.get("changes") else "",
            ]
            cells = [
                utc_text_to_local(record.at), _(DIRECTION.get(record.direction, record.direction)),
                record.display_name or record.node_id[:8], format_number(record.sequence),
                _(BUNDLE_STATUS.get(record.status, record.status)), " · ".join(p for p in parts if p),
            ]
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))


class ExchangePage(QWidget):
    def __init__(self, env: UiEnv, parent: QWidget | None = None):
        super().__init__(parent)
        self.env = env
        self.folder = StickFolder()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("exchange_tabs")
        self.usb = UsbPanel(env, self.folder)
        self.conflicts = ConflictInbox(env)
        self.duplicates = DuplicateList(env)
        self.enrollment = EnrollmentPanel(env, self.folder)
        self.history = HistoryPanel(env)
        self.tabs.addTab(self.usb, _("USB stick"))
        self.tabs.addTab(self.conflicts, _("Conflicts"))
        self.tabs.addTab(self.duplicates, _("Possible duplicates"))
        self.tabs.addTab(self.enrollment, _("Enrolled computers"))
        self.tabs.addTab(self.history, _("Bundles sent and received"))
        self.conflicts.count_changed.connect(self._conflict_count)
        self.folder_row = QWidget()
        row = QHBoxLayout(self.folder_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(_("USB stick or folder")))
        row.addWidget(self.folder, 1)
        self.tabs.currentChanged.connect(
            lambda index: self.folder_row.setVisible(self.tabs.widget(index) in (self.usb, self.enrollment))
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.folder_row)
        layout.addWidget(self.tabs, 1)

    def _conflict_count(self, count: int) -> None:
        text = _("Conflicts ({count})").format(count=format_number(count)) if count else _("Conflicts")
        self.tabs.setTabText(self.tabs.indexOf(self.conflicts), text)

    def on_changes(self, changes: Changes) -> None:
        if changes:
            self.usb.refresh()
        for panel in (self.conflicts, self.duplicates, self.enrollment, self.history):
            panel.on_changes(changes)
