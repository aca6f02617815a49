"""The printing page: the monthly visit log (by village, group or visitor), a month of visit
sheets, blank visit forms for paper days, and the flag and referral summary — each in Chinese,
Tibetan or both, whatever the window's language."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.msg import N_
from ...i18n import _, current_language
from ...i18n.formatting import format_month, format_number
from ...services import people_who_visit
from ...services.changes import Changes
from ...services.node import node_info
from ..env import UiEnv
from ..printing import choose_file, make_and_open, open_document, print_folder, remember_folder, run_batch
from ..widgets.place_filter import PlaceFilter

DOCUMENT_LANGUAGES = (("zh", N_("Chinese")), ("bo", N_("Tibetan")), ("both", N_("Chinese and Tibetan")))


def _printing():
    """The printing services, imported when first used (reportlab takes a fifth of a second to load,
    which the window's start should not pay)."""
    from ...services import printing

    return printing


def _upload():
    from ...services import upload_package

    return upload_package


class PrintingPage(QWidget):
    def __init__(self, env: UiEnv, parent: QWidget | None = None):
        super().__init__(parent)
        self.env = env
        self.setObjectName("printing_page")
        self.place = PlaceFilter(env)
        self.month = QComboBox()
        self.month.setObjectName("print_month")
        today = env.ws.today()
        for back in range(13):
            year, month = divmod(today.year * 12 + today.month - 1 - back, 12)
            self.month.addItem(format_month(year, month + 1), (year, month + 1))
        self.month.setCurrentIndex(1 if today.day < 10 else 0)  # early in a month, last month's log is wanted
        self.visitor = QComboBox()
        self.visitor.setObjectName("print_visitor")
        self.language = QComboBox()
        self.language.setObjectName("print_language")
        for code, label in DOCUMENT_LANGUAGES:
            self.language.addItem(_(label), code)
        self.language.setCurrentIndex(self.language.findData(current_language()))
        self.fill_visitors()

        choices = QGroupBox(_("What to print"))
        form = QFormLayout(choices)
        form.addRow(_("Village and group"), self.place)
        form.addRow(_("Month"), self.month)
        form.addRow(_("Visitor"), self.visitor)
        form.addRow(_("Language of the document"), self.language)

        buttons = []
        documents = [
            ("visit_log", N_("Monthly visit log"), N_("One line per visit, the households not yet visited twice, totals, and lines to sign."), self.visit_log),
            ("sheets", N_("Visit sheets of the month"), N_("One signed visit sheet per visit, each with its fingerprint and QR code, into a folder."), self.month_of_sheets),
            ("blank", N_("Blank visit form"), N_("For days without the laptop: the same form with empty boxes, entered later."), self.blank_form),
            ("flags", N_("Flags and referrals"), N_("Open flags by severity, pending reports and overdue referrals."), self.flag_summary),
        ]
        if node_info(env.ws).role == "township":
            documents.append((
                "upload", N_("Upload package"),
                N_("For when the township is online: the registers as spreadsheets in the order of the national "
                   "registration form, the month's signed visit sheets, and a signed list of their fingerprints, in "
                   "one .zip file."),
                self.upload_package,
            ))
        for key, title, text, slot in documents:
            box = QGroupBox(_(title))
            row = QHBoxLayout(box)
            label = QLabel(_(text))
            label.setWordWrap(True)
            button = QPushButton(_("Make into a folder…") if key == "sheets" else _("Make…") if key == "upload" else _("Make and open…"))
            button.setObjectName(f"print_{key}")
            button.clicked.connect(slot)
            row.addWidget(label, 1)
            row.addWidget(button)
            buttons.append(box)
        self.status = QLabel()
        self.status.setObjectName("print_status")
        self.status.setWordWrap(True)
        note = QLabel(_("Documents open in the computer's PDF viewer, from where they are printed."))
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(choices)
        for box in buttons:
            layout.addWidget(box)
        layout.addWidget(note)
        layout.addWidget(self.status)
        layout.addStretch(1)

    def fill_visitors(self) -> None:
        self.visitor.clear()
        self.visitor.addItem(_("All visitors"), "")
        for user in people_who_visit.visitors(self.env.ws):
            if user.display_name:
                self.visitor.addItem(user.display_name, user.user_id)

    def _lang(self) -> str:
        return self.language.currentData() or "zh"

    def _month(self) -> tuple[int, int]:
        return self.month.currentData()

    def visit_log(self) -> None:
        year, month = self._month()
        path = choose_file(self, f"visit-log-{year}-{month:02d}.pdf")
        if path is None:
            return
        make_and_open(
            self.env, self, path, _printing().visit_log, year, month, path, self._lang(),
            village_code=self.place.village_code(), group_code=self.place.group_code(),
            worker=self.visitor.currentData() or "",
        )

    def blank_form(self) -> None:
        path = choose_file(self, "blank-visit-form.pdf")
        if path is not None:
            make_and_open(self.env, self, path, _printing().blank_form, path, self._lang())

    def flag_summary(self) -> None:
        path = choose_file(self, "flags-and-referrals.pdf")
        if path is not None:
            make_and_open(
                self.env, self, path, _printing().flag_summary, path, self._lang(), village_code=self.place.village_code()
            )

    def month_of_sheets(self) -> None:
        year, month = self._month()
        start = print_folder()
        start.mkdir(parents=True, exist_ok=True)
        folder = QFileDialog.getExistingDirectory(self, _("Choose the folder for the visit sheets"), str(start))
        if not folder:
            return
        remember_folder(Path(folder))
        target = Path(folder) / f"visit-sheets-{year}-{month:02d}"

        def done(paths) -> None:
            self.status.setText(
                _("{count} visit sheets saved in {folder}.").format(count=format_number(len(paths)), folder=target)
            )
            if paths:
                open_document(target)

        run_batch(
            self.env, self, _printing().month_of_sheets, year, month, target, self._lang(),
            village_code=self.place.village_code(), on_done=done,
        )

    def upload_package(self) -> None:
        year, month = self._month()
        path = choose_file(self, f"upload-{year}-{month:02d}.zip", suffix=".zip")
        if path is None:
            return

        def done(result) -> None:
            if result.path is None:  # cancelled: nothing was written
                return
            self.status.setText(
                _("Upload package saved in {path}: {sheets} visit sheets, {children} children, {households} households.").format(
                    path=result.path, sheets=format_number(result.visit_sheets), children=format_number(result.children),
                    households=format_number(result.households),
                )
            )
            open_document(result.path.parent)

        run_batch(
            self.env, self, _upload().build_upload_package, year, month, path, self._lang(),
            village_code=self.place.village_code(), on_done=done,
        )

    def on_changes(self, changes: Changes) -> None:
        if changes.units:
            self.place.refill()
        if changes.visits:
            self.fill_visitors()
