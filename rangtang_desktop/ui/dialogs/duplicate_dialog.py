"""Two records that may be one person, side by side, and the decision: merge them (choosing which
record stays; the other points to it and nothing is deleted), keep both and link them, or keep them
apart as different people. A reason is required; the decision is logged and travels to the villages."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...i18n import _, render
from ...services import duplicates_review, register_views
from ...services.changes import Changes
from ..env import UiEnv
from ..errors import show_error
from ..labels import person_label, unit_label
from ..screen import resize_to_fit
from ..widgets.detail_view import person_html, without_actions

CHOICES = (
    ("keep_newer", "merged"),
    ("keep_older", "merged"),
    ("linked", "linked"),
    ("separate", "separate"),
)


class DuplicateDialog(QDialog):
    def __init__(self, env: UiEnv, candidate: duplicates_review.Candidate, parent: QWidget | None = None):
        super().__init__(parent)
        self.env = env
        self.candidate = candidate
        self.setObjectName("duplicate_dialog")
        self.setWindowTitle(_("Possible duplicate"))
        reasons = "; ".join(render(reason) for reason in candidate.match.reasons)
        why = QLabel(_("Why they may be one person: {reasons}").format(reasons=reasons))
        why.setWordWrap(True)
        why.setObjectName("duplicate_reasons")

        grid = QGridLayout()
        for column, (person, village) in enumerate(
            ((candidate.newer, candidate.newer_village), (candidate.older, candidate.older_village))
        ):
            title = QLabel(f"{person_label(person)} — {unit_label(env.units(), village)}" if village else person_label(person))
            title.setStyleSheet("font-weight: bold;")
            view = QTextBrowser()
            view.setObjectName(f"duplicate_record_{column}")
            view.setOpenLinks(False)
            view.setHtml(without_actions(person_html(register_views.show_person(env.ws, person.id, where="duplicates"), env.units())))
            grid.addWidget(title, 0, column)
            grid.addWidget(view, 1, column)

        decision = QGroupBox(_("Decision"))
        decision_layout = QVBoxLayout(decision)
        self.choices = QButtonGroup(self)
        labels = {
            "keep_newer": _("Same person: merge, keeping the record on the left"),
            "keep_older": _("Same person: merge, keeping the record on the right"),
            "linked": _("Same person: keep both records and link them (registered in two places)"),
            "separate": _("Different people: keep both, and do not propose them again"),
        }
        for index, (key, _decision) in enumerate(CHOICES):
            button = QRadioButton(labels[key])
            button.setObjectName(f"duplicate_{key}")
            self.choices.addButton(button, index)
            decision_layout.addWidget(button)
        note = QLabel(_("Merging never deletes: the other record points to the one kept, and its relations, situations, "
                        "care and categories move to it."))
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        decision_layout.addWidget(note)
        self.reason = QLineEdit()
        self.reason.setObjectName("duplicate_reason")
        self.reason.setPlaceholderText(_("How you checked (required), e.g. with the family, the school or the hukou book"))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Save the decision"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setEnabled(False)
        self.choices.idToggled.connect(lambda *_args: self._update())
        self.reason.textChanged.connect(lambda *_args: self._update())

        layout = QVBoxLayout(self)
        layout.addWidget(why)
        layout.addLayout(grid, 1)
        layout.addWidget(decision)
        layout.addWidget(QLabel(_("Reason")))
        layout.addWidget(self.reason)
        layout.addWidget(buttons)
        resize_to_fit(self, 1100, 720)

    def _update(self) -> None:
        self.ok.setEnabled(self.choices.checkedId() >= 0 and bool(self.reason.text().strip()))

    def choose(self, key: str) -> None:
        """Pick a decision (for tests and keyboard users alike)."""
        self.choices.button([k for k, _d in CHOICES].index(key)).setChecked(True)

    def save(self) -> None:
        index = self.choices.checkedId()
        if index < 0:
            return
        key, decision = CHOICES[index]
        newer, older = self.candidate.newer.id, self.candidate.older.id
        kept = newer if key == "keep_newer" else older if key == "keep_older" else ""

        def done(changes: Changes) -> None:
            self.env.publish(changes | Changes(exchange=True))
            self.accept()

        self.env.runner.run(
            duplicates_review.decide, newer, older, decision, kept=kept, reason=self.reason.text(),
            on_done=done, on_error=lambda error: show_error(self, error),
        )
