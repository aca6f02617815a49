"""The one runner for database work off the UI thread.

Jobs run one after another on a single worker thread with its own database connection (all writes
to one database go through one writer); results and errors come back to the UI thread through a
queued signal, where the callbacks run. Tests use ``synchronous=True``, which runs jobs inline on
the caller's workspace, as Picard's tests use a synchronous fake thread pool.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from ..services.workspace import Workspace

log = logging.getLogger(__name__)


@dataclass
class Task:
    fn: Callable[..., Any]
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    on_done: Callable[[Any], None] | None = None
    on_error: Callable[[BaseException], None] | None = None


class _Worker(QObject):
    finished = Signal(object, object, object)  # task, result, error

    def __init__(self, workspace: Workspace):
        super().__init__()
        self._main = workspace
        self._ws: Workspace | None = None

    @Slot(object)
    def run(self, task: Task) -> None:
        try:
            if self._ws is None:
                self._ws = self._main.for_thread()
            self._ws.user_id = self._main.user_id  # the user logged in now (a switch changes it): the author
            result = task.fn(self._ws, *task.args, **task.kwargs)
        except BaseException as exc:  # handed to the UI thread, which shows it
            self.finished.emit(task, None, exc)
        else:
            self.finished.emit(task, result, None)

    @Slot()
    def close(self) -> None:
        if self._ws is not None:
            self._ws.close()
            self._ws = None


class TaskRunner(QObject):
    busy_changed = Signal(bool)
    _submit = Signal(object)
    _close = Signal()

    def __init__(self, workspace: Workspace, *, synchronous: bool = False, on_error=None, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self.synchronous = synchronous
        self._default_error = on_error
        self._pending = 0
        if not synchronous:
            self._thread = QThread()
            self._thread.setObjectName("rangtang-db-writer")
            self._worker = _Worker(workspace)
            self._worker.moveToThread(self._thread)
            self._submit.connect(self._worker.run)
            self._close.connect(self._worker.close)
            self._worker.finished.connect(self._finished)
            self._thread.start()

    def run(self, fn: Callable[..., Any], *args, on_done=None, on_error=None, **kwargs) -> None:
        """Run ``fn(workspace, *args, **kwargs)`` off the UI thread; call back on the UI thread."""
        task = Task(fn, args, kwargs, on_done, on_error)
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        if self.synchronous:
            try:
                result = fn(self.workspace, *args, **kwargs)
            except BaseException as exc:
                self._finished(task, None, exc)
            else:
                self._finished(task, result, None)
        else:
            self._submit.emit(task)

    @Slot(object, object, object)
    def _finished(self, task: Task, result: Any, error: BaseException | None) -> None:
        self._pending -= 1
        if self._pending == 0:
            self.busy_changed.emit(False)
        if error is not None:
            handler = task.on_error or self._default_error
            if handler is None:
                log.error("unhandled task error", exc_info=error)
            else:
                handler(error)
        elif task.on_done is not None:
            task.on_done(result)

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def shutdown(self) -> None:
        """Finish queued jobs, close the worker's connection and stop the thread."""
        if self.synchronous:
            return
        self._close.emit()
        self._thread.quit()
        self._thread.wait()
