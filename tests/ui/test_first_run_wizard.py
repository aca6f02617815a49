"""The first-run wizard, driven page by page in Chinese and in Tibetan: every page filled, the
encrypted database made and opened, the enrollment request written — and no English on any page."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QRadioButton, QWizard

from rangtang_desktop.i18n import _
from rangtang_desktop.services import first_run
from rangtang_desktop.services.workspace import open_workspace
from rangtang_desktop.storage import nodes
from rangtang_desktop.storage.keyfile import PasswordNeeded
from rangtang_desktop.ui.dialogs import first_run as dialog
from tests.ui.test_translated_screens import visible_texts
from tests.untranslated import english_in

TOWNSHIP = "513230101"
VILLAGE = "513230101203"
COUNTY_LIST = (
    "code,level,parent_code,name_zh,name_bo\n"
    f"{VILLAGE},village,{TOWNSHIP},南木达村,གནམ་མདའ་གྲོང་ཚོ\n"
    "513230206201,village,513230206,德萨村,བདེ་ས་གྲོང་ཚོ\n"
)
SEARCH = {"zh": "南木达村", "bo": "གནམ་མདའ་གྲོང་ཚོ"}
BUTTONS = (QWizard.WizardButton.BackButton, QWizard.WizardButton.NextButton, QWizard.WizardButton.CommitButton,
           QWizard.WizardButton.FinishButton, QWizard.WizardButton.CancelButton)


@pytest.fixture
def home(tmp_path, monkeypatch):
    """Settings and data of this test in its own folder."""
    monkeypatch.setenv("RANGTANG_HOME", str(tmp_path / "home"))
    return tmp_path


@pytest.fixture
def wizard(qapp, home, lang):
    from rangtang_desktop.ui.app import prepare_application

    prepare_application(lang)
    wiz = dialog.FirstRunWizard(home / "data" / "rangtang.sqlite3", home / "data", synchronous=True)
    wiz.resize(820, 600)
    wiz.show()
    yield wiz
    if wiz.workspace is not None:
        wiz.workspace.close()
    wiz.close()
    wiz.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    prepare_application("zh")


def page_texts(wiz) -> list[str]:
    """What the current page shows: its widgets, its title and the wizard's visible buttons."""
    page = wiz.currentPage()
    texts = [t for t in visible_texts(page) if t] + [page.title(), page.subTitle(), wiz.windowTitle()]
    return texts + [wiz.button(b).text() for b in BUTTONS if wiz.button(b).isVisible()]


def untranslated(found: list[str]) -> None:
    """No English left on the page."""
    assert found == []


def test_wizard_makes_a_village_computer(wizard, home, lang):
    """Language, role, place (searched), user and password, create, enrollment request: the database opens."""
    english = []
    assert wizard.currentId() == dialog.PAGE_LANGUAGE
    english += english_in(page_texts(wizard), {"demo"})
    wizard.next()

    assert wizard.currentId() == dialog.PAGE_ROLE
    assert wizard.role() == "village"
    english += english_in(page_texts(wizard))
    wizard.next()

    place = wizard.place
    assert wizard.currentId() == dialog.PAGE_PLACE
    assert not place.isComplete()
    place.townships.setCurrentRow(0)
    assert place.villages.count() == 0 and place.village_note.isVisible()  # the shipped list has no villages
    english += english_in(page_texts(wizard), {"CSV"})
    county = home / "villages.csv"
    county.write_text(COUNTY_LIST, encoding="utf-8")
    assert place.load_file(county)
    place.search.setText(SEARCH[lang])
    assert (place.township_code(), place.village_code()) == (TOWNSHIP, VILLAGE)
    assert place.isComplete()
    place.search.setText("")
    assert place.townships.count() == 11  # every current township, the merged 壤柯镇 not among them
    assert place.village_code() == VILLAGE
    english += english_in(page_texts(wizard))
    wizard.next()

    user = wizard.user
    assert wizard.currentId() == dialog.PAGE_USER
    assert user.role.currentData() == "child_director"
    user.name.setText("卓玛")
    user.password.setText("abc")
    assert user.problem.text() and not user.isComplete()  # too short
    user.password.setText("gesar 1")
    user.again.setText("gesar 2")
    assert user.problem.text() and not user.isComplete()  # not the same
    user.again.setText("gesar 1")
    assert user.problem.text() == "" and user.isComplete()
    english += english_in(page_texts(wizard))
    wizard.next()

    assert wizard.currentId() == dialog.PAGE_SUMMARY
    assert not (home / "data").exists()  # nothing is made before Create
    english += english_in(page_texts(wizard))
    wizard.next()  # Create

    assert wizard.currentId() == dialog.PAGE_FINISH
    assert wizard.workspace is not None
    assert user.password.text() == ""  # the password is not kept in the window
    stick = home / "stick"
    stick.mkdir()
    written = wizard.finish.write_request(stick)
    assert written is not None and written.exists()
    assert wizard.finish.fingerprints.text()
    english += english_in([text.replace(str(written), "") for text in page_texts(wizard)])  # the path is data
    wizard.accept()

    ws = wizard.workspace
    assert (nodes.self_node(ws.db).role, nodes.self_node(ws.db).unit_code) == ("village", VILLAGE)
    assert [(u.display_name, u.role) for u in nodes.users(ws.db, local_only=True)] == [("卓玛", "child_director")]
    path = ws.path
    ws.close()
    wizard.workspace = None
    with pytest.raises(PasswordNeeded):
        open_workspace(path, password=None)
    with open_workspace(path, password="gesar 1") as again:
        assert nodes.self_node(again.db).unit_code == VILLAGE
    untranslated(english)


def test_wizard_makes_a_township_computer(wizard, home, lang):
    """A township computer: no village to choose, the supervisor's role by default, nothing to enroll."""
    wizard.next()
    wizard.role_page.buttons["township"].setChecked(True)
    wizard.next()
    assert not wizard.place.villages.isVisible()
    wizard.place.search.setText("蒲西")
    assert wizard.place.township_code() == "513230200" and wizard.place.isComplete()
    wizard.next()
    assert wizard.user.role.currentData() == "township_supervisor"
    wizard.user.name.setText("督导员")
    wizard.user.password.setText("secret1")
    wizard.user.again.setText("secret1")
    wizard.next()
    wizard.next()
    assert wizard.currentId() == dialog.PAGE_FINISH
    assert not wizard.finish.write.isVisible()
    untranslated(english_in(page_texts(wizard)))
    assert nodes.self_node(wizard.workspace.db).role == "township"


def test_cancel_creates_nothing(wizard, home):
    """Cancelling on any page before Create leaves no database, keys file or folder."""
    wizard.next()
    wizard.next()
    wizard.reject()
    assert wizard.workspace is None
    assert sorted(p.name for p in home.iterdir()) == []  # not even the settings (the language was not changed)


@pytest.mark.parametrize("lang", ["zh"])
def test_choosing_tibetan_changes_the_whole_wizard(wizard, home):
    """The language page switches every text, the wizard's own buttons included, and keeps the choice."""
    from rangtang_desktop import settings
    from rangtang_desktop.i18n import current_language

    chinese_back = wizard.button(QWizard.WizardButton.BackButton).text()
    wizard.findChild(QRadioButton, "language_bo").setChecked(True)
    assert current_language() == "bo"
    assert settings.load_language() == "bo"
    assert wizard.button(QWizard.WizardButton.BackButton).text() == _("Back") != chinese_back
    assert wizard.button(QWizard.WizardButton.NextButton).text() == _("Next")
    assert wizard.role_page.buttons["village"].text() == _("In a village")


@pytest.mark.parametrize("lang", ["zh"])
def test_open_demo_instead(wizard, home):
    """The first page's demo button builds the village demo (password demo) in the data folder and opens it."""
    wizard.language.demo.click()
    assert wizard.result() == QWizard.DialogCode.Accepted
    assert wizard.workspace is not None and wizard.workspace.encrypted
    assert (home / "data" / first_run.DEMO_FILE).exists()
    assert not (home / "data" / "rangtang.sqlite3").exists()  # the wizard comes back at the next start


def test_run_gui_cancelled_wizard_exits_cleanly(qapp, home, monkeypatch):
    """With no --db and no database yet, the wizard is shown; Cancel exits 0 and creates nothing."""
    from rangtang_desktop.ui import app

    shown = []
    monkeypatch.setattr(app, "run_first_run", lambda path, folder: shown.append(path))
    assert app.run_gui() == 0
    assert shown and not shown[0].exists()
    assert not (home / "home" / "data").exists()
