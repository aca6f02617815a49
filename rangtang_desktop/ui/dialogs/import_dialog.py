"""Importing bundles from a USB stick: first what each file would bring (checked and tried without
changing anything), then, once the user confirms, the import itself with a progress bar and the
result of each file. A file that is refused says why; the others are imported all the same."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.msg import N_
from ...i18n import _
from ...i18n.formatting import format_number
from ...services import exchange
from ...services.changes import Changes
from ..env import UiEnv
from ..errors import error_texts, show_error
from ..screen import resize_to_fit
from ..widgets.tables import cell_table

STATUS = {
    "new": N_("Ready to import"),
    "applied": N_("Imported"),
    "already_applied": N_("Already imported before: nothing to do"),
    "fork": N_("Held back: does not match what this computer already received from it"),
    "rejected": N_("Refused"),
}
KIND = {
    "changes": N_("Village data"),
    "return": N_("Return from the township"),
    "receipt": N_("Receipt"),
}
HEADERS = (
    N_("File"), N_("From"), N_("Contents"), N_("Status"), N_("New records"), N_("Changed records"),
    N_("Conflicts"), N_("Possible duplicates"), N_("Remarks"),
)


def _audit_warning() -> str:
    return _(
        "Warning: this computer's audit log is broken or was rewound from entry {seq} on (its database was "
        "changed or restored from an old copy). Its data was imported; see Settings, Audit log."
    )


class _Relay(QObject):
    progress = Signal(int, int)


class ImportDialog(QDialog):
    def __init__(self, env: UiEnv, previews, parent: QWidget | None = None):
        super().__init__(parent)
        self.env = env
        self.previews = previews
        self.results: list[exchange.ImportResult] = []
        self.setObjectName("import_dialog")
        self.setWindowTitle(_("Import from the USB stick"))
        importable = [preview.path for preview in previews if preview.status == "new"]
        self.paths = importable
        self.intro = QLabel()
        self.intro.setObjectName("import_intro")
        self.intro.setWordWrap(True)
        self.table = cell_table("import_table", [_(h) for h in HEADERS], len(previews))
        for row, preview in enumerate(previews):
            self._fill(row, preview)
        self.progress = QProgressBar()
        self.progress.setObjectName("import_progress")
        self.progress.hide()
        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(_("Import"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("confirm_import")
        self.close_button = self.buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        self.import_button.clicked.connect(self.run_import)
        self.close_button.clicked.connect(self.reject)
        if importable:
            self.intro.setText(
                _("{count} files can be imported. Nothing has been changed yet: check what they bring, then import.").format(
                    count=format_number(len(importable))
                )
            )
        else:
            self.intro.setText(_("There is nothing new to import from these files."))
            self.import_button.setEnabled(False)
            self.close_button.setText(_("Close"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        resize_to_fit(self, 1100, 420)

    def _fill(self, row: int, preview: exchange.ImportPreview | exchange.ImportResult) -> None:
        """One file's row: what importing it would do, did, or why it was refused."""
        path = Path(preview.path)
        if preview.sender is None:
            headline, advice = error_texts(preview.error) if preview.error is not None else ("", "")
            cells = [path.name, "", "", _(STATUS["rejected"]), "", "", "", "", f"{headline} {advice}".strip()]
        else:
            remarks = []
            if preview.gaps:
                remarks.append(_("Earlier bundles from this computer have not arrived: numbers {numbers}.").format(
                    numbers=", ".join(format_number(n) for n in preview.gaps)))
            if preview.held_future:
                remarks.append(_("{count} changes are dated more than a day ahead of this computer's clock and will be "
                                 "held for a person to check.").format(count=format_number(preview.held_future)))
            warned = getattr(preview, "audit_warnings", None)
            if warned:
                remarks.append(_audit_warning().format(seq=format_number(min(w.seq for w in warned))))
            sender = preview.sender.display_name or preview.sender.node_id[:8]
            cells = [
                path.name, sender, _(KIND.get(preview.kind, preview.kind)), _(STATUS.get(preview.status, preview.status)),
                format_number(preview.new), format_number(preview.changed), format_number(preview.conflicts),
                format_number(preview.possible_duplicates), " ".join(remarks),
            ]
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            self.table.setItem(row, column, item)

    def run_import(self) -> None:
        self.import_button.setEnabled(False)
        self.close_button.setEnabled(False)
        self.progress.show()
        self.progress.setRange(0, 0)
        relay = _Relay(self)
        relay.progress.connect(self._progress)
        self.env.runner.run(
            exchange.import_files, self.paths, progress=relay.progress.emit,
            on_done=self._imported, on_error=self._failed,
        )

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _imported(self, results: list[exchange.ImportResult]) -> None:
        self.results = results
        self.progress.hide()
        by_path = {Path(r.path): r for r in results}
        changes = Changes(exchange=True)
        for row, preview in enumerate(self.previews):
            result = by_path.get(Path(preview.path))
            if result is not None:
                self._fill(row, result)
                changes |= result.changes
        applied = format_number(sum(1 for r in results if r.status == "applied"))
        if any(r.receipt_path for r in results):
            text = _("{count} files were imported. A receipt for each village was written to the stick: take it back "
                     "to the village, so that the village sends only what is new next time.").format(count=applied)
        else:
            text = _("{count} files were imported.").format(count=applied)
        if any(getattr(r, "audit_warnings", None) for r in results):
            text += "\n" + _("Warning: the audit log of a village computer is broken or was rewound. See Remarks.")
        self.intro.setText(text)
        self.close_button.setText(_("Close"))
        self.close_button.setEnabled(True)
        self.env.publish(changes)

    def _failed(self, error: BaseException) -> None:
        self.progress.hide()
        self.close_button.setEnabled(True)
        self.close_button.setText(_("Close"))
        self.intro.setText(_("The import was stopped. Nothing from the file being imported was saved."))
        show_error(self, error)
