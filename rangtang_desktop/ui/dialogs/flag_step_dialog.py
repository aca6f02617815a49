"""Moving a flag one step (acknowledge, resolve, dismiss, open again) with the reason the change
log keeps."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ...core.flags import FLAG_STATUS, TRANSITIONS
from ...i18n import _


class FlagStepDialog(QDialog):
    def __init__(self, current: str, parent: QWidget | None = None, *, preferred: str = ""):
        super().__init__(parent)
        self.setWindowTitle(_("Change the flag's status"))
        self.setObjectName("flag_step")
        self.status = QComboBox()
        self.status.setObjectName("flag_status")
        for code in TRANSITIONS.get(current, ()):
            if code == "referred":
                continue  # referring is done by writing the referral or the report
            self.status.addItem(_(FLAG_STATUS.label(code)), code)
        if preferred:
            self.status.setCurrentIndex(max(self.status.findData(preferred), 0))
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("flag_reason")
        self.reason.setPlaceholderText(_("Why? What was done or found? (required; kept in the flag's history)"))
        form = QFormLayout()
        form.addRow(_("New status"), self.status)
        form.addRow(_("Reason"), self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Every step of a flag is kept with who, when and why.")))
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(480, 260)

    def chosen(self) -> tuple[str, str]:
        return self.status.currentData() or "", self.reason.toPlainText().strip()
