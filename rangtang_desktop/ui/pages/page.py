"""Pages whose figures take a moment to gather (a township's dashboard reads a year of visits):
they load when first shown and again when a change concerns them, on the runner, so the window
never waits for them; an answer that arrives after a newer request is dropped."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from ...services.changes import Changes
from ..env import UiEnv
from ..errors import show_error


class BackgroundPage(QWidget):
    def __init__(self, env: UiEnv, parent: QWidget | None = None):
        super().__init__(parent)
        self.env = env
        self._stale = True
        self._generation = 0
        self.loading = False

    # -- to be provided by each page ---------------------------------------------------------

    def wants(self, changes: Changes) -> bool:
        """Whether these changes make the page's figures out of date."""
        raise NotImplementedError

    def load_job(self) -> tuple[Callable[..., Any], tuple]:
        """The service function (taking the workspace first) and its arguments."""
        raise NotImplementedError

    def show_data(self, data: Any) -> None:
        """Put the gathered figures on the page (UI thread)."""
        raise NotImplementedError

    # -- mechanics ---------------------------------------------------------------------------

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._stale:
            self.request_reload()

    def on_changes(self, changes: Changes) -> None:
        if self.wants(changes):
            self._stale = True
            if self.isVisible():
                self.request_reload()

    def request_reload(self) -> None:
        self._stale = False
        self._generation += 1
        generation = self._generation
        self.loading = True
        function, args = self.load_job()

        def done(data: Any) -> None:
            if generation == self._generation:
                self.loading = False
                self.show_data(data)

        self.env.runner.run(function, *args, on_done=done, on_error=lambda error: show_error(self, error))
