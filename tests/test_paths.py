"""Where this installation keeps its data: the user's folders, ``RANGTANG_HOME``, or — in portable
mode — the folders beside the built program."""

from __future__ import annotations

import sys

from rangtang_desktop import paths


def frozen_at(monkeypatch, folder):
    """Pretend to be the built program (PyInstaller sets ``sys.frozen``) in ``folder``."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(folder / "rangtang-desktop.exe"))
    monkeypatch.delenv("RANGTANG_HOME", raising=False)


def test_portable_mode_keeps_everything_beside_the_program(tmp_path, monkeypatch):
    """With portable.txt beside the executable: data/, config/ and logs/ are there, one level deep."""
    (tmp_path / "portable.txt").write_text("portable", encoding="utf-8")
    frozen_at(monkeypatch, tmp_path)
    assert paths.data_dir() == tmp_path / "data"
    assert paths.config_dir() == tmp_path / "config"
    assert paths.log_dir() == tmp_path / "logs"
    assert paths.default_database() == tmp_path / "data" / "rangtang.sqlite3"


def test_built_program_without_portable_txt_uses_the_user_folders(tmp_path, monkeypatch):
    """Without portable.txt (the installed program) nothing goes into the program's folder."""
    frozen_at(monkeypatch, tmp_path)
    for folder in (paths.data_dir(), paths.config_dir(), paths.log_dir()):
        assert tmp_path not in folder.parents


def test_portable_txt_is_ignored_by_the_source_install(tmp_path, monkeypatch):
    """A portable.txt beside the Python interpreter does not switch a source install to portable mode."""
    monkeypatch.delenv("RANGTANG_HOME", raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    (tmp_path / "portable.txt").write_text("portable", encoding="utf-8")
    assert tmp_path not in paths.data_dir().parents


def test_rangtang_home_wins(tmp_path, monkeypatch):
    """RANGTANG_HOME (the self-test, the tests) is used even by a portable build."""
    (tmp_path / "portable.txt").write_text("portable", encoding="utf-8")
    frozen_at(monkeypatch, tmp_path)
    monkeypatch.setenv("RANGTANG_HOME", str(tmp_path / "home"))
    assert paths.data_dir() == tmp_path / "home" / "data"
