"""The first-run wizard (issue 8 part 3): language, the computer's role, its township and village,
the first user and password, then the encrypted database is made (``services.first_run``) and the
village can write its enrollment request at once. The first page also offers the demo data instead.

Every text is set in ``retranslate`` so that choosing the other language on the first page changes
the whole wizard at once, its own buttons included (they are set from our catalog, not Qt's)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ... import settings
from ...core.vocab import NODE_ROLE, USER_ROLE
from ...i18n import LANGUAGE_NAMES, _, current_language, set_language
from ...services import enrollment, first_run
from ...services.workspace import Workspace
from ...storage.keyfile import MIN_PASSWORD_LENGTH
from ...storage.reference import Unit
from ..blocking import run_with_progress
from ..errors import show_error

PAGE_LANGUAGE, PAGE_ROLE, PAGE_PLACE, PAGE_USER, PAGE_SUMMARY, PAGE_FINISH = range(6)


def _label(text: str = "", name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label


def unit_text(unit: Unit) -> str:
    """A unit in the list: its name in the current language, the other script, and its code."""
    first, second = (unit.name_bo, unit.name_zh) if current_language() == "bo" and unit.name_bo else (unit.name_zh, unit.name_bo)
    return f"{first}  {second}  ({unit.code})" if second else f"{first}  ({unit.code})"


class LanguagePage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard):
        super().__init__()
        self.wizard_ = wizard
        self.group = QButtonGroup(self)
        layout = QVBoxLayout(self)
        self.intro = _label()
        layout.addWidget(self.intro)
        for lang, name in LANGUAGE_NAMES.items():
            button = QRadioButton(name)  # each language in its own script, never translated
            button.setObjectName(f"language_{lang}")
            button.setChecked(lang == current_language())
            self.group.addButton(button)
            button.toggled.connect(lambda on, lang=lang: on and wizard.switch_language(lang))
            layout.addWidget(button)
        layout.addStretch(1)
        self.demo_note = _label()
        self.demo = QPushButton()
        self.demo.setObjectName("open_demo")
        self.demo.clicked.connect(wizard.open_demo)
        layout.addWidget(self.demo_note)
        layout.addWidget(self.demo, 0, Qt.AlignmentFlag.AlignLeft)

    def retranslate(self) -> None:
        self.setTitle(_("Welcome to Rangtang Desktop"))
        self.intro.setText(_("This computer is used for the first time. Choose the language of the program:"))
        self.demo_note.setText(_("To look around first, open the demo data: invented families, nothing real. "
                                 "Its password is demo. This wizard comes back at the next start."))
        self.demo.setText(_("Open demo data instead"))


class RolePage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        self.notes: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        for role in first_run.ROLES:
            button = QRadioButton()
            button.setObjectName(f"role_{role}")
            self.group.addButton(button)
            self.buttons[role] = button
            self.notes[role] = _label()
            self.notes[role].setContentsMargins(24, 0, 0, 8)
            layout.addWidget(button)
            layout.addWidget(self.notes[role])
        self.buttons["village"].setChecked(True)
        layout.addStretch(1)

    def role(self) -> str:
        return next(role for role, button in self.buttons.items() if button.isChecked())

    def retranslate(self) -> None:
        self.setTitle(_("Where is this computer used?"))
        self.buttons["village"].setText(_("In a village"))
        self.notes["village"].setText(_("The village's child director keeps the register of the village's children "
                                         "here and sends it to the township on a USB stick."))
        self.buttons["township"].setText(_("In a township"))
        self.notes["township"].setText(_("The township receives the villages' data, checks it and sends "
                                         "it on to the county."))


class PlacePage(QWizardPage):
    """The township, then (for a village computer) the village, with one search over both lists."""

    def __init__(self, wizard: FirstRunWizard):
        super().__init__()
        self.wizard_ = wizard
        self.search = QLineEdit()
        self.search.setObjectName("place_search")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.refill)
        self.township_label = _label()
        self.townships = QListWidget()
        self.townships.setObjectName("townships")
        self.townships.currentItemChanged.connect(self._township_changed)
        self.village_label = _label()
        self.villages = QListWidget()
        self.villages.setObjectName("villages")
        self.villages.currentItemChanged.connect(lambda *a: self.completeChanged.emit())
        self.village_note = _label(name="village_note")
        self.load = QPushButton()
        self.load.setObjectName("load_units")
        self.load.clicked.connect(self.load_list)
        lists = QHBoxLayout()
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(self.township_label)
        left.addWidget(self.townships)
        right.addWidget(self.village_label)
        right.addWidget(self.villages)
        lists.addLayout(left, 1)
        lists.addLayout(right, 1)
        self.right = right
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addLayout(lists, 1)
        layout.addWidget(self.village_note)
        layout.addWidget(self.load, 0, Qt.AlignmentFlag.AlignLeft)

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        village = self.wizard_.role() == "village"
        for widget in (self.village_label, self.villages, self.village_note, self.load):
            widget.setVisible(village)
        self.refill()

    def retranslate(self) -> None:
        self.setTitle(_("Township and village"))
        self.setSubTitle(_("Find them by a Chinese or Tibetan name, an old name or the code."))
        self.search.setPlaceholderText(_("Search by name or code"))
        self.township_label.setText(_("Township"))
        self.village_label.setText(_("Village"))
        self.load.setText(_("Load the county's village list…"))
        self.refill()

    def refill(self) -> None:
        query = self.search.text()
        units = self.wizard_.units()
        villages = [u for u in units if u.level == "village"]
        current = self.township_code()
        self.townships.blockSignals(True)
        self.townships.clear()
        for unit in (u for u in units if u.level == "township"):
            own = [v for v in villages if v.parent_code == unit.code]
            if first_run.matches(unit, query) or any(first_run.matches(v, query) for v in own):
                item = QListWidgetItem(unit_text(unit))
                item.setData(Qt.ItemDataRole.UserRole, unit.code)
                self.townships.addItem(item)
                if unit.code == current or self.townships.count() == 1 and query:
                    self.townships.setCurrentItem(item)
        self.townships.blockSignals(False)
        self._fill_villages()

    def _township_changed(self, *args) -> None:
        self._fill_villages()

    def _fill_villages(self) -> None:
        township, current = self.township_code(), self.village_code()
        query = self.search.text()
        self.villages.blockSignals(True)
        self.villages.clear()
        in_township = [u for u in self.wizard_.units() if u.level == "village" and u.parent_code == township]
        township_matches = any(
            first_run.matches(u, query) for u in self.wizard_.units() if u.code == township
        )
        for unit in in_township:
            if township_matches or first_run.matches(unit, query):
                item = QListWidgetItem(unit_text(unit))
                item.setData(Qt.ItemDataRole.UserRole, unit.code)
                self.villages.addItem(item)
                if unit.code == current or self.villages.count() == 1 and query and not township_matches:
                    self.villages.setCurrentItem(item)
        self.villages.blockSignals(False)
        if not township:
            note = _("Choose the township first.")
        elif not in_township:
            note = _("The villages of this township are not in the list yet. Load the county's village list "
                     "(a CSV file from the county), or ask the township for it.")
        else:
            note = ""
        self.village_note.setText(note)
        self.village_note.setVisible(bool(note) and self.wizard_.role() == "village")
        self.completeChanged.emit()

    def township_code(self) -> str:
        item = self.townships.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else ""

    def village_code(self) -> str:
        item = self.villages.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else ""

    def unit_code(self) -> str:
        return self.village_code() if self.wizard_.role() == "village" else self.township_code()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return bool(self.unit_code())

    def load_list(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Load the county's village list…"), str(Path.home()),
                                                    _("CSV files (*.csv)"))
        if path:
            self.load_file(Path(path))

    def load_file(self, path: Path) -> bool:
        try:
            self.wizard_.extra_units = first_run.read_unit_list(path)
        except Exception as error:  # noqa: BLE001 - every error is shown to the user
            show_error(self, error)
            return False
        self.refill()
        return True


class UserPage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard):
        super().__init__()
        self.wizard_ = wizard
        self.name = QLineEdit()
        self.name.setObjectName("user_name")
        self.role = QComboBox()
        self.role.setObjectName("user_role")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.again = QLineEdit()
        self.again.setObjectName("password_again")
        for edit in (self.password, self.again):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        for edit in (self.name, self.password, self.again):
            edit.textChanged.connect(self._changed)
        self.explain = _label()
        self.problem = _label(name="password_problem")
        self.problem.setStyleSheet("color: #a33;")
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.captions = [QLabel() for _i in range(4)]
        for caption, field in zip(self.captions, (self.name, self.role, self.password, self.again), strict=True):
            self.form.addRow(caption, field)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.explain)
        layout.addWidget(self.problem)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        self.role.setCurrentIndex(max(0, self.role.findData(first_run.DEFAULT_USER_ROLE[self.wizard_.role()])))

    def retranslate(self) -> None:
        self.setTitle(_("The first user"))
        self.setSubTitle(_("The person who will use this computer. More users can be added later."))
        for caption, text in zip(self.captions, (_("Name"), _("Role"), _("Password"), _("Password again")), strict=True):
            caption.setText(text)
        chosen = self.role.currentData()
        self.role.clear()
        for code, label in USER_ROLE.items:
            self.role.addItem(_(label), code)
        self.role.setCurrentIndex(max(0, self.role.findData(chosen)))
        self.explain.setText(_(
            "The password protects the children's data on this computer: without it the database cannot be opened. "
            "Choose one of at least {minimum} characters that you can remember, and do not write it on the computer. "
            "Once the computer is enrolled, the township can give it a new password if it is forgotten."
        ).format(minimum=MIN_PASSWORD_LENGTH))
        self._changed()

    def _changed(self) -> None:
        password, again = self.password.text(), self.again.text()
        if password and len(password) < MIN_PASSWORD_LENGTH:
            problem = _("The password is too short: it needs at least {minimum} characters.").format(minimum=MIN_PASSWORD_LENGTH)
        elif again and again != password:
            problem = _("The two passwords are not the same.")
        else:
            problem = ""
        self.problem.setText(problem)
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        password = self.password.text()
        return bool(self.name.text().strip()) and len(password) >= MIN_PASSWORD_LENGTH and self.again.text() == password


class SummaryPage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard):
        super().__init__()
        self.wizard_ = wizard
        self.setCommitPage(True)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.note = _label()
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.note)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("Check and create"))
        self.setButtonText(QWizard.WizardButton.CommitButton, _("Create"))
        while self.form.rowCount():
            self.form.removeRow(0)
        w = self.wizard_
        units = {u.code: u for u in w.units()}
        place = w.place.unit_code()
        rows = [(_("Language"), LANGUAGE_NAMES[current_language()]), (_("Role"), _(NODE_ROLE.label(w.role())))]
        if w.role() == "village":
            rows.append((_("Township"), unit_text(units[w.place.township_code()]) if w.place.township_code() in units else ""))
            rows.append((_("Village"), unit_text(units[place]) if place in units else ""))
        else:
            rows.append((_("Township"), unit_text(units[place]) if place in units else ""))
        rows.append((_("User"), f"{w.user.name.text().strip()} · {w.user.role.currentText()}"))
        for caption, value in rows:
            self.form.addRow(_label(caption), _label(value))
        self.note.setText(_("Create makes the encrypted database of this computer with its own keys. "
                            "The choices cannot be changed in this wizard afterwards."))

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        return self.wizard_.create()


class FinishPage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard):
        super().__init__()
        self.wizard_ = wizard
        self.done_label = _label()
        self.enroll_note = _label()
        self.write = QPushButton()
        self.write.setObjectName("write_request")
        self.write.clicked.connect(self.choose_folder)
        self.result = _label(name="request_written")
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprints = _label(name="fingerprints")
        self.fingerprints.setStyleSheet("font-family: monospace;")
        self.fingerprints.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        for widget in (self.done_label, self.enroll_note):
            layout.addWidget(widget)
        layout.addWidget(self.write, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.result)
        layout.addWidget(self.fingerprints)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("This computer is ready"))
        village = self.wizard_.role() == "village"
        self.write.setVisible(village)
        self.done_label.setText(_("The encrypted database was created. From now on the program asks for the password "
                                  "at every start."))
        if village:
            self.enroll_note.setText(_("Enroll with the township now: write the enrollment request to a USB stick "
                                       "and take it to the township. Or do it later in the Exchange area."))
        else:
            self.enroll_note.setText(_("Villages enroll with this computer in the Exchange area."))
        self.write.setText(_("Write the enrollment request to the USB stick…"))
        ws = self.wizard_.workspace
        if ws is not None:
            card = enrollment.my_card(ws)
            self.fingerprints.setText("\n".join((
                _("Signing key fingerprint") + ": " + card.signing_fingerprint,
                _("Encryption key fingerprint") + ": " + card.encryption_fingerprint,
            )))

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Choose the USB stick"), str(Path.home()))
        if folder:
            self.write_request(Path(folder))

    def write_request(self, folder: Path) -> Path | None:
        try:
            path, _card = enrollment.write_request(self.wizard_.workspace, folder)
        except Exception as error:  # noqa: BLE001 - every error is shown to the user
            show_error(self, error)
            return None
        self.result.setText(_("The request was written to {path}. Take the stick to the township; there, compare the "
                              "fingerprints on both screens.").format(path=path))
        return path


class FirstRunWizard(QWizard):
    """Asks, creates, and leaves ``workspace`` open (``None`` when cancelled)."""

    def __init__(self, path: Path, demo_folder: Path, *, synchronous: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("first_run")
        self.path = Path(path)
        self.demo_folder = Path(demo_folder)
        self.synchronous = synchronous
        self.workspace: Workspace | None = None
        self.extra_units: list[Unit] = []
        self._units_cache: tuple[int, list[Unit]] | None = None
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)  # the same buttons with text on every system
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.language = LanguagePage(self)
        self.role_page = RolePage()
        self.place = PlacePage(self)
        self.user = UserPage(self)
        self.summary = SummaryPage(self)
        self.finish = FinishPage(self)
        for page_id, page in enumerate((self.language, self.role_page, self.place, self.user, self.summary, self.finish)):
            self.setPage(page_id, page)
        self.setMinimumSize(640, 480)
        self.retranslate()

    def units(self) -> list[Unit]:
        key = id(self.extra_units), len(self.extra_units)
        if self._units_cache is None or self._units_cache[0] != key:
            self._units_cache = (key, first_run.known_units(self.extra_units))
        return self._units_cache[1]

    def role(self) -> str:
        return self.role_page.role()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Rangtang Desktop: first start"))
        for button, text in ((QWizard.WizardButton.BackButton, _("Back")), (QWizard.WizardButton.NextButton, _("Next")),
                             (QWizard.WizardButton.FinishButton, _("Finish")), (QWizard.WizardButton.CancelButton, _("Cancel")),
                             (QWizard.WizardButton.CommitButton, _("Create"))):
            self.setButtonText(button, text)
        for page_id in self.pageIds():
            self.page(page_id).retranslate()

    def switch_language(self, lang: str) -> None:
        """Everything in the other language at once (and the program keeps it)."""
        from ..app import apply_language

        if lang == current_language():
            return
        set_language(lang)
        app = QApplication.instance()
        if app is not None:
            apply_language(app)
        settings.update(language=lang)
        self.retranslate()

    def create(self) -> bool:
        """The summary page's Create: one service call; an error is shown and the wizard stays."""
        place, user = self.place, self.user

        def create(path, role, unit_code, name, user_role, password, units):
            return first_run.create_installation(path, role, unit_code, name, user_role, password, units=units)

        try:
            self.workspace = run_with_progress(
                _("Creating the encrypted database…"), create, self.path, self.role(), place.unit_code(),
                user.name.text(), user.role.currentData(), user.password.text(), tuple(self.extra_units),
                synchronous=self.synchronous, parent=self,
            )
        except Exception as error:  # noqa: BLE001 - every error is shown to the user
            show_error(self, error)
            return False
        for edit in (user.password, user.again):
            edit.clear()  # the password is not kept in the window
        return True

    def open_demo(self) -> None:
        try:
            self.workspace = run_with_progress(
                _("Preparing the demo data…"), first_run.open_demo, self.demo_folder, synchronous=self.synchronous,
                parent=self,
            )
        except Exception as error:  # noqa: BLE001 - every error is shown to the user
            show_error(self, error)
            return
        self.accept()


def fit_to_screen(wizard: QWizard, width: int = 820, height: int = 600) -> None:
    """The wizard's size, within the screen (1366×768 at 125% leaves about 1090×580 for it)."""
    screen = wizard.screen()
    if screen is not None:
        room = screen.availableGeometry()
        width, height = min(width, room.width() - 40), min(height, room.height() - 50)
    wizard.resize(max(width, 640), max(height, 480))


def run_first_run(path: Path, demo_folder: Path) -> Workspace | None:
    """Show the wizard; the workspace it made or opened, or ``None`` when it was cancelled."""
    wizard = FirstRunWizard(path, demo_folder)
    fit_to_screen(wizard)
    wizard.exec()
    return wizard.workspace
