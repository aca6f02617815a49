"""What pages and dialogs share: the workspace for reads, the runner for writes, and the way to
announce what a service changed. Passed explicitly; there is no application singleton."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..services.changes import Changes
from ..services.units import unit_names
from ..services.workspace import Workspace
from ..storage.reference import Unit
from .runner import TaskRunner


@dataclass
class UiEnv:
    ws: Workspace
    runner: TaskRunner
    publish: Callable[[Changes], None]
    _units: dict[str, Unit] | None = field(default=None, repr=False)

    def units(self) -> dict[str, Unit]:
        if self._units is None:
            self._units = unit_names(self.ws)
        return self._units

    def forget_units(self) -> None:
        self._units = None
