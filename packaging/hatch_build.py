"""Hatch build hook: compile the gettext catalogs (.po → .mo) whenever the package is built or
installed, so compiled catalogs are produced by the build and never edited by hand."""

from __future__ import annotations

import sys
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version, build_data):  # noqa: D102 - hatch interface
        sys.path.insert(0, str(Path(self.root) / "packaging"))
        try:
            from i18n import compile_catalogs
        finally:
            sys.path.pop(0)
        compile_catalogs(Path(self.root) / "translations")
