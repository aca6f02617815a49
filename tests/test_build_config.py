"""The build's configuration (packaging/bundle_contents.py, read by packaging/rangtang.spec) names
files that exist, leaves out only what the program does not use, and the installer's language files
are well formed; and ``--selftest`` works from the source install. The build itself takes minutes
and is run by ``python3 packaging/build.py``, not here."""

from __future__ import annotations

import ast
import gettext
import importlib.util
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
WINDOWS = PACKAGING / "windows"


def load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


contents = load("rangtang_bundle_contents", PACKAGING / "bundle_contents.py")


def test_every_bundled_resource_exists():
    """Each file the spec bundles from resources/ is there, fonts included."""
    missing = [name for name in contents.RESOURCE_FILES if not (ROOT / "resources" / name).is_file()]
    assert missing == []
    assert {name for name in contents.RESOURCE_FILES if name.endswith(".ttf")} == {
        path.relative_to(ROOT / "resources").as_posix() for path in (ROOT / "resources").rglob("*.ttf")
    }


def test_no_resource_is_forgotten():
    """Every file under resources/ is either bundled or left out on purpose, with a reason."""
    on_disk = {path.relative_to(ROOT / "resources").as_posix() for path in (ROOT / "resources").rglob("*") if path.is_file()}
    listed = set(contents.RESOURCE_FILES) | set(contents.RESOURCE_FILES_LEFT_OUT)
    assert on_disk - listed == set(), "add the new resource to RESOURCE_FILES (or RESOURCE_FILES_LEFT_OUT)"
    assert all(reason for reason in contents.RESOURCE_FILES_LEFT_OUT.values())


def test_resource_datas_keep_the_folders():
    """In the bundle, a resource sits at the same path under resources/ (where resources.py looks)."""
    for source, folder in contents.resource_datas():
        relative = Path(source).relative_to(ROOT / "resources")
        assert folder == ("resources/" + relative.parent.as_posix()).rstrip("/.")


def test_catalogs_compile_into_the_build_folder(tmp_path):
    """The .po of each language compiles into the build folder (not the source tree) and translates."""
    sources = contents.catalog_sources()
    assert sources and all(po.is_file() for po in sources)
    compiled = contents.compile_catalogs_into(tmp_path)
    assert sorted(mo.parent.parent.name for mo in compiled) == sorted(po.parent.parent.name for po in sources)
    datas = contents.catalog_datas(compiled, tmp_path)
    assert {folder for _source, folder in datas} == {f"translations/{po.parent.parent.name}/LC_MESSAGES" for po in sources}
    with open(tmp_path / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.mo", "rb") as handle:
        assert gettext.GNUTranslations(handle).gettext("Cancel") == "取消"


def test_spec_reads_the_lists():
    """The spec is Python and takes its data, exclusions, hooks and filter from bundle_contents."""
    spec = (PACKAGING / "rangtang.spec").read_text(encoding="utf-8")
    ast.parse(spec)
    for name in ("resource_datas", "catalog_datas", "EXCLUDED_MODULES", "HIDDEN_IMPORT_PACKAGES", "keep_in_bundle",
                 "RUNTIME_HOOKS", "pyinstaller_hooks", "console=False"):
        assert name in spec, name
    assert contents.ENTRY_SCRIPT.is_file() and all(hook.is_file() for hook in contents.RUNTIME_HOOKS)
    module, function = contents.ENTRY_POINT.split(":")
    assert f"from {module} import {function}" in contents.ENTRY_SCRIPT.read_text(encoding="utf-8")
    with open(ROOT / "pyproject.toml", "rb") as handle:
        project = tomllib.load(handle)["project"]
    assert project["scripts"][contents.APP_NAME] == contents.ENTRY_POINT
    assert any(req.startswith("pyinstaller") for req in project["optional-dependencies"]["build"])


def test_test_tools_and_unused_qt_are_excluded():
    """Test packages, tkinter and the Qt modules the program does not use stay out of the bundle."""
    for name in ("tests", "pytest", "hypothesis", "tkinter", "PySide6.QtWebEngineCore", "PySide6.QtQml", "PySide6.QtQuick"):
        assert name in contents.EXCLUDED_MODULES


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
        ("PySide6/plugins/platforms/qwindows.dll", True),
        ("PySide6\\plugins\\platforms\\qwindows.dll", True),
        ("PySide6/plugins/imageformats/qico.dll", True),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", False),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
        ("PySide6/plugins/styles/qmodernwindowsstyle.dll", False),
        ("PySide6/plugins/tls/qschannelbackend.dll", False),
        ("PySide6/Qt/translations/qtbase_zh_CN.qm", False),
        ("PySide6/Qt/lib/libQt6Core.so.6", True),
        ("PySide6/Qt/lib/libQt6WaylandClient.so.6", False),
        ("babel/locale-data/zh_Hans_CN.dat", True),
        ("babel/locale-data/bo.dat", True),
        ("babel/locale-data/root.dat", True),
        ("babel/locale-data/de_DE.dat", False),
        ("resources/fonts/RangtangTibetan-Regular.ttf", True),
        ("translations/bo/LC_MESSAGES/messages.mo", True),
    ],
)
def test_bundle_filter(dest, kept):
    """The filter keeps the platform, icon and input plugins, our files and the Chinese/Tibetan CLDR
    data, and drops other plugins, Qt's translations and other locales."""
    assert contents.keep_in_bundle(dest) is kept


# The messages a default installation and uninstallation show, by their name in Default.isl.
INSTALLER_MESSAGES = (
    "SetupAppTitle", "SetupWindowTitle", "UninstallAppTitle", "UninstallAppFullTitle",
    "ButtonBack", "ButtonNext", "ButtonInstall", "ButtonOK", "ButtonCancel", "ButtonYes", "ButtonNo", "ButtonFinish",
    "ButtonWizardBrowse", "SelectLanguageTitle", "SelectLanguageLabel", "ClickNext",
    "WelcomeLabel1", "WelcomeLabel2", "WizardSelectDir", "SelectDirDesc", "SelectDirLabel3", "SelectDirBrowseLabel",
    "WizardReady", "ReadyLabel1", "ReadyLabel2a", "ReadyLabel2b", "WizardInstalling", "InstallingLabel",
    "FinishedHeadingLabel", "FinishedLabel", "FinishedLabelNoIcons", "ClickFinish", "ExitSetupTitle", "ExitSetupMessage",
    "PrivilegesRequiredOverrideTitle", "PrivilegesRequiredOverrideInstruction",
    "PrivilegesRequiredOverrideAllUsers", "PrivilegesRequiredOverrideCurrentUser",
    "ConfirmUninstall", "UninstallStatusLabel", "UninstalledAll", "WizardUninstalling", "StatusUninstalling",
)


def isl_entries(path: Path) -> dict[str, str]:
    entries = {}
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        if line and not line.startswith((";", "[")) and "=" in line:
            key, value = line.split("=", 1)
            entries[key] = value
    return entries


def test_tibetan_installer_messages():
    """Tibetan.isl is UTF-8 with a BOM (Inno Setup needs it), marked for native review, and
    translates the wizard's pages, buttons and the uninstall confirmation with the glossary terms."""
    path = WINDOWS / "Tibetan.isl"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    text = path.read_text(encoding="utf-8-sig")
    assert "NATIVE REVIEW NEEDED" in text
    entries = isl_entries(path)
    missing = [name for name in INSTALLER_MESSAGES if not entries.get(name)]
    assert missing == []
    assert all(not value.isascii() for key, value in entries.items() if key in INSTALLER_MESSAGES)
    assert entries["LanguageCodePage"] == "0"
    assert "རྗེས་མ" in entries["ButtonNext"] and "ཕྱིར་ལོག" in entries["ButtonBack"]
    assert entries["ButtonCancel"] == "འདོར་བ" and "མཇུག་སྒྲིལ" in entries["ButtonFinish"]
    assert "སྒྲིག་འཇུག" in entries["ButtonInstall"] and "སྒྲིག་འཇུག་བསུབ" in entries["UninstallAppTitle"]
    for name in INSTALLER_MESSAGES:  # placeholders survive translation
        for placeholder in ("%1", "[name]", "[name/ver]"):
            english_has = placeholder in DEFAULT_PLACEHOLDERS.get(name, "")
            assert (placeholder in entries[name]) == english_has, (name, placeholder)


# Placeholders of the English messages (Default.isl) that take them.
DEFAULT_PLACEHOLDERS = {
    "SetupWindowTitle": "%1", "UninstallAppFullTitle": "%1", "WelcomeLabel1": "[name]", "WelcomeLabel2": "[name/ver]",
    "SelectDirDesc": "[name]", "SelectDirLabel3": "[name]", "ReadyLabel1": "[name]", "InstallingLabel": "[name]",
    "FinishedHeadingLabel": "[name]", "FinishedLabel": "[name]", "FinishedLabelNoIcons": "[name]",
    "PrivilegesRequiredOverrideTitle": "", "ConfirmUninstall": "%1", "UninstallStatusLabel": "%1",
    "UninstalledAll": "%1", "StatusUninstalling": "%1",
}


def test_installer_script():
    """rangtang.iss is UTF-8 with a BOM, installs the one-folder build per machine or per user,
    and offers Chinese and Tibetan."""
    path = WINDOWS / "rangtang.iss"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    text = path.read_text(encoding="utf-8-sig")
    for line in (
        "PrivilegesRequiredOverridesAllowed=dialog commandline", "DefaultDirName={autopf}\\Rangtang Desktop",
        'MessagesFile: "compiler:Default.isl,Tibetan.isl"', "ChineseSimplified.isl", "{autoprograms}",
        '..\\..\\dist\\rangtang-desktop"', "rangtang-desktop.exe",
    ):
        assert line in text, line
    assert (WINDOWS / "rangtang-cli.cmd").read_bytes().count(b"\r\n") >= 3  # cmd.exe wants CRLF


def test_selftest_from_the_source_install():
    """``python -m rangtang_desktop --selftest`` exits 0 (temporary database, window offscreen, visit sheet)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-m", "rangtang_desktop", "--selftest"], capture_output=True, text=True, env=env, cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert [line.split()[1] for line in result.stdout.splitlines() if line.startswith("ok ")] == [
        "database", "visit", "window", "visit",
    ]
