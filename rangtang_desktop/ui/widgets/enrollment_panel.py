"""Enrollment by USB stick, both ways, with the key fingerprints shown for a person to compare on the
two screens; at the township, the enrolled computers with their last bundle, and revoking one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.msg import N_
from ...i18n import _
from ...i18n.formatting import format_number
from ...services import enrollment
from ...services.changes import Changes
from ...services.node import node_info
from ..env import UiEnv
from ..errors import show_error
from ..labels import unit_label, utc_text_to_local
from ..models.list_model import ListTableModel
from ..pages.page import BackgroundPage
from .stick_folder import StickFolder
from .tables import row_view

ROLE = {"village": N_("Village"), "township": N_("Township")}


def card_form(env: UiEnv, card: enrollment.NodeCard) -> QFormLayout:
    """A computer's card as a form: the fingerprints in a fixed-width font, to read aloud."""
    form = QFormLayout()
    form.addRow(_("Computer"), QLabel(card.display_name or card.node_id))
    form.addRow(_("Role"), QLabel(_(ROLE.get(card.role, card.role))))
    form.addRow(_("Village or township"), QLabel(unit_label(env.units(), card.unit_code)))
    for label, text in ((_("Signing key fingerprint"), card.signing_fingerprint),
                        (_("Encryption key fingerprint"), card.encryption_fingerprint)):
        value = QLabel(text)
        value.setObjectName("fingerprint")
        value.setStyleSheet("font-family: monospace; font-size: 12pt;")
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(label, value)
    return form


def confirm_card(parent: QWidget, env: UiEnv, card: enrollment.NodeCard, question: str) -> bool:
    """Show the other computer's card and ask whether its fingerprints match its own screen."""
    box = QMessageBox(parent)
    box.setObjectName("confirm_card")
    box.setWindowTitle(_("Compare the fingerprints"))
    box.setText(question)
    lines = [
        (_("Computer"), card.display_name or card.node_id),
        (_("Village or township"), unit_label(env.units(), card.unit_code)),
        (_("Signing key fingerprint"), card.signing_fingerprint),
        (_("Encryption key fingerprint"), card.encryption_fingerprint),
    ]
    box.setInformativeText("\n".join(f"{label}: {value}" for label, value in lines))
    yes = box.addButton(_("They match"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(_("They do not match"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is yes


class EnrolledModel(ListTableModel):
    COLUMNS = (
        ("name", N_("Computer")),
        ("unit", N_("Village or township")),
        ("enrolled", N_("Enrolled on")),
        ("last", N_("Last bundle received")),
        ("bundles", N_("Bundles received")),
        ("state", N_("Remarks")),
        ("fingerprint", N_("Signing key fingerprint")),
    )

    def __init__(self, units, parent=None):
        super().__init__(parent)
        self.units = units

    def text(self, row: enrollment.EnrolledNode, key: str) -> str:
        card = row.card
        if key == "name":
            return card.display_name or card.node_id[:8]
        if key == "unit":
            return unit_label(self.units(), card.unit_code)
        if key == "enrolled":
            return utc_text_to_local(row.enrolled_at)
        if key == "last":
            return utc_text_to_local(row.last_received_at) if row.last_received_at else _("None yet")
        if key == "bundles":
            return format_number(row.bundles_received)
        if key == "state":
            notes = []
            if row.revoked_at:
                notes.append(_("Revoked on {date}").format(date=utc_text_to_local(row.revoked_at)))
            if row.pending_forks:
                notes.append(_("{count} bundles held back").format(count=format_number(row.pending_forks)))
            if row.gaps:
                notes.append(_("Missing bundles: {numbers}").format(numbers=", ".join(format_number(n) for n in row.gaps)))
            return "; ".join(notes)
        if key == "fingerprint":
            return card.signing_fingerprint
        return ""


class EnrollmentPanel(BackgroundPage):
    """The village's steps (request, then complete with the township's response) or the township's
    (accept a request) and its list of enrolled computers."""

    def __init__(self, env: UiEnv, folder: StickFolder, parent: QWidget | None = None):
        super().__init__(env, parent)
        self.setObjectName("enrollment_panel")
        self.folder = folder
        self.role = node_info(env.ws).role
        own = QGroupBox(_("This computer"))
        own_layout = QVBoxLayout(own)
        info = node_info(env.ws)
        own_card = enrollment.NodeCard(info.node_id, info.role, info.unit_code, "", info.signing_fingerprint,
                                       info.encryption_fingerprint)
        own_layout.addLayout(card_form(env, own_card))
        self.status = QLabel()
        self.status.setObjectName("enrollment_status")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(own)
        if self.role == "township":
            self.accept_button = QPushButton(_("Read an enrollment request from the USB stick…"))
            self.accept_button.setObjectName("accept_request")
            self.accept_button.clicked.connect(lambda: self.accept_request(self._open_file()))
            self.model = EnrolledModel(env.units, self)
            self.table = row_view("enrolled_table", self.model)
            self.revoke_button = QPushButton(_("Revoke the chosen computer…"))
            self.revoke_button.setObjectName("revoke_node")
            self.revoke_button.clicked.connect(self._revoke_chosen)
            buttons = QHBoxLayout()
            buttons.addWidget(self.accept_button)
            buttons.addStretch(1)
            buttons.addWidget(self.revoke_button)
            layout.addLayout(buttons)
            layout.addWidget(QLabel(_("Enrolled computers")))
            layout.addWidget(self.table, 1)
        else:
            steps = QGroupBox(_("Enroll this computer at the township"))
            steps_layout = QVBoxLayout(steps)
            explain = QLabel(
                _("1. Write a request to the USB stick and take it to the township. 2. The township reads it, compares "
                  "the fingerprints with this screen, and writes its answer to the stick. 3. Read the answer here and "
                  "compare the township's fingerprints with its screen.")
            )
            explain.setWordWrap(True)
            self.request_button = QPushButton(_("1. Write the enrollment request to the USB stick"))
            self.request_button.setObjectName("write_request")
            self.request_button.clicked.connect(self.write_request)
            self.complete_button = QPushButton(_("3. Read the township's answer from the USB stick…"))
            self.complete_button.setObjectName("complete_enrollment")
            self.complete_button.clicked.connect(lambda: self.complete(self._open_file()))
            steps_layout.addWidget(explain)
            steps_layout.addWidget(self.request_button, 0, Qt.AlignmentFlag.AlignLeft)
            steps_layout.addWidget(self.complete_button, 0, Qt.AlignmentFlag.AlignLeft)
            layout.addWidget(steps)
            layout.addStretch(1)

    # -- BackgroundPage ----------------------------------------------------------------------

    def wants(self, changes: Changes) -> bool:
        return changes.exchange or changes.node

    def load_job(self):
        return (enrollment.enrolled_nodes if self.role == "township" else enrollment.township), ()

    def show_data(self, data) -> None:
        if self.role == "township":
            self.model.set_rows(data)
            self.revoke_button.setEnabled(bool(data))
            active = sum(1 for node in data if not node.revoked_at)
            self.status.setText(_("{count} computers are enrolled at this township.").format(count=format_number(active)))
        elif data is None:
            self.status.setText(_("This computer is not enrolled at a township yet, so it cannot send data. Follow the "
                                  "three steps below."))
        else:
            self.status.setText(_("This computer is enrolled at {township}.").format(
                township=data.display_name or unit_label(self.env.units(), data.unit_code)))

    # -- actions ----------------------------------------------------------------------------

    def _open_file(self) -> Path | None:
        start = str(self.folder.folder() or Path.home())
        path, _filter = QFileDialog.getOpenFileName(self, _("Choose the file on the USB stick"), start,
                                                    _("Bundles (*.rtb)"))
        return Path(path) if path else None

    def _target(self) -> Path | None:
        folder = self.folder.folder()
        if folder is None:
            QMessageBox.information(self, _("Rangtang Desktop"), _("Plug in a USB stick or choose a folder first."))
        return folder

    def write_request(self) -> None:
        folder = self._target()
        if folder is None:
            return

        def done(result) -> None:
            path, _card = result
            self.folder.remember()
            QMessageBox.information(
                self, _("Rangtang Desktop"),
                _("The request was written to {path}. Take the stick to the township; there, compare the fingerprints "
                  "on both screens.").format(path=path),
            )

        self.env.runner.run(enrollment.write_request, folder, on_done=done, on_error=lambda e: show_error(self, e))

    def complete(self, path: Path | None) -> None:
        if path is None:
            return
        try:
            card = enrollment.read_response(self.env.ws, path)
        except Exception as error:  # noqa: BLE001 - every error is shown to the user
            show_error(self, error)
            return
        if not confirm_card(self, self.env, card, _("Do these fingerprints match the ones on the township's screen?")):
            return
        self.env.runner.run(
            enrollment.complete, path,
            on_done=lambda changes: self.env.publish(changes | Changes(exchange=True)),
            on_error=lambda e: show_error(self, e),
        )

    def accept_request(self, path: Path | None) -> None:
        if path is None:
            return
        try:
            card = enrollment.read_request(self.env.ws, path)
        except Exception as error:  # noqa: BLE001 - every error is shown to the user
            show_error(self, error)
            return
        if not confirm_card(self, self.env, card, _("Do these fingerprints match the ones on the village computer's screen?")):
            return

        def done(result) -> None:
            response, _card = result
            self.env.publish(Changes(exchange=True))
            QMessageBox.information(
                self, _("Rangtang Desktop"),
                _("The computer is enrolled. The answer was written to {path}: take it back to the village and read it "
                  "there.").format(path=response),
            )

        self.env.runner.run(enrollment.accept_request, path, path.parent, on_done=done,
                            on_error=lambda e: show_error(self, e))

    def _revoke_chosen(self) -> None:
        row = self.table.currentIndex().row()
        if not 0 <= row < self.model.rowCount():
            return
        node = self.model.row_at(row)
        reason, ok = QInputDialog.getText(
            self, _("Revoke the computer"),
            _("Bundles from a revoked computer are refused here, and the villages learn of it with the next return "
              "bundle. Why is it revoked (lost, stolen, replaced)?"),
        )
        if ok:
            self.revoke(node.card.node_id, reason)

    def revoke(self, node_id: str, reason: str) -> None:
        self.env.runner.run(
            enrollment.revoke, node_id, reason,
            on_done=lambda changes: self.env.publish(changes | Changes(exchange=True)),
            on_error=lambda e: show_error(self, e),
        )
